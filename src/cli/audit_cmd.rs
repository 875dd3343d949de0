//! `kusei audit verify` and `kusei audit head`.

use std::process::ExitCode;

use anyhow::Result;

use crate::db::audit_verify::Damage;
use crate::db::witness::Head;
use crate::db::Store;

use super::UsageError;

/// At most this many findings of one kind are listed; the rest are counted.
const SHOWN_PER_KIND: usize = 20;

pub fn verify(store: &Store, heads: &[String]) -> Result<ExitCode> {
    let heads = heads
        .iter()
        .map(|h| {
            Head::parse(h).ok_or_else(|| {
                UsageError(format!(
                    "--head {}: 番号:16進（kusei audit head が出す形、例 1234:0123456789abcdef）で指定してください",
                    crate::sanitize::clean(h)
                ))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let report = store.verify_audit_all(&heads)?;
    let mut shown = 0;
    let mut hidden = 0;
    let mut last = None;
    for f in &report.findings {
        if last != Some(f.damage) {
            last = Some(f.damage);
            shown = 0;
        }
        shown += 1;
        if shown <= SHOWN_PER_KIND {
            crate::outln!("問題: {}", crate::sanitize::clean(&f.message));
        } else {
            hidden += 1;
        }
    }
    if hidden > 0 {
        crate::outln!("（ほか {hidden} 件は省略しました）");
    }
    let witnessed = match report.witnesses {
        0 => "以前の記録なし".to_string(),
        n => format!("以前の記録 {n} 件と照合"),
    };
    if report.findings.is_empty() {
        crate::outln!(
            "監査ログ {} 件の連鎖 ok、番号の抜けなし、データ {} 行が記録どおり、{witnessed}（書き換え・削除の跡はありません）",
            report.audit_rows,
            report.data_rows
        );
        Ok(ExitCode::SUCCESS)
    } else {
        let kinds = [
            Damage::Chain,
            Damage::Gap,
            Damage::Batch,
            Damage::Witness,
            Damage::Data,
        ];
        let counts: Vec<String> = kinds
            .iter()
            .filter_map(|k| {
                let n = report.findings.iter().filter(|f| f.damage == *k).count();
                (n > 0).then(|| format!("{} {n} 件", kind_ja(*k)))
            })
            .collect();
        crate::outln!(
            "監査ログ {} 件、データ {} 行: 問題 {} 件（{}）",
            report.audit_rows,
            report.data_rows,
            report.findings.len(),
            counts.join("、")
        );
        Ok(ExitCode::FAILURE)
    }
}

fn kind_ja(d: Damage) -> &'static str {
    match d {
        Damage::Chain => "連鎖",
        Damage::Gap => "欠番",
        Damage::Batch => "記録のない変更の組",
        Damage::Witness => "以前の記録との不一致",
        Damage::Data => "記録と違うデータ",
    }
}

pub fn head(store: &Store) -> Result<ExitCode> {
    match store.audit_head()? {
        Some(h) => {
            crate::outln!("{}", h.fingerprint());
            crate::errln!(
                "監査ログの先頭（{} 番）の指紋です。控えておき、後で kusei audit verify --head {} で照合できます",
                h.id,
                h.fingerprint()
            );
        }
        None => crate::outln!("監査ログは空です"),
    }
    Ok(ExitCode::SUCCESS)
}
