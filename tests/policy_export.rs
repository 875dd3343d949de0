//! The policy tree exported as Markdown and CSV, and `kusei link --suggest`,
//! through the real binary on a database holding seeds 000 and 001.

mod support;

use std::process::{Command, Output};

use support::policy::*;

fn kusei(db: &std::path::Path, args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_kusei"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("KUSEI_DB")
        .output()
        .expect("run kusei");
    assert!(
        out.status.success(),
        "kusei {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn seeded() -> (tempfile::TempDir, std::path::PathBuf) {
    let (dir, store) = store_with(&[SEED_000, SEED_001]);
    drop(store);
    let db = dir.path().join("kusei.db");
    (dir, db)
}

#[test]
fn markdown_has_every_node_with_budgets_and_roll_ups() {
    let (_dir, db) = seeded();
    let out = kusei(
        &db,
        &["export", "--format", "markdown", "--table", "policy"],
    );
    let md = String::from_utf8(out.stdout).expect("utf-8");
    assert!(md.contains("## 平成29年度 旭区運営方針"));
    assert!(md.contains("- 階層: 経営課題 > 戦略 > 具体的取組"));
    assert!(md.contains("- 予算合計: 48,639 千円"));
    assert!(md.contains("| 経営課題 | 1 | にぎわいがあり活力あるまちづくりの推進 | - | 35,524 |"));
    assert!(md.contains("| 具体的取組 | 1-1-1 | \u{3000}\u{3000}城北公園を舞台にした魅力づくりと集客力の向上 | 7,133 | 7,133 |"));
    assert!(md.contains("| 経営課題 | 4 | 区民サービスの充実 | - | - |"));
    assert_eq!(md.matches("| 具体的取組 |").count(), 9);
}

#[test]
fn csv_opens_in_excel_utf8_with_bom_or_cp932() {
    let (_dir, db) = seeded();
    let out = kusei(&db, &["export", "--format", "csv", "--table", "policy"]);
    let bytes = out.stdout;
    assert_eq!(&bytes[..3], &[0xEF, 0xBB, 0xBF]);
    let text = std::str::from_utf8(&bytes[3..]).expect("utf-8");
    let lines: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(
        lines[0],
        "計画,種別,年度,組織,階層,コード,題名,深さ,親コード,予算（千円）,合計（千円）,関連する議題の数"
    );
    // 28 nodes: seed 001 keeps its 章 heading over the two 取組項目.
    assert_eq!(lines.len(), 1 + 28);
    assert!(lines.contains(
        &"平成29年度 旭区運営方針,運営方針,平成29年度,旭区,経営課題,1,にぎわいがあり活力あるまちづくりの推進,0,,,35524,0"
    ));
    assert!(lines.contains(
        &"平成29年度 旭区運営方針,運営方針,平成29年度,旭区,具体的取組,1-1-2,旭区魅力発信事業の推進,2,1-1,845,845,0"
    ));
    // No budget is an empty cell, not 0.
    assert!(lines.contains(
        &"平成29年度 旭区運営方針,運営方針,平成29年度,旭区,経営課題,4,区民サービスの充実,0,,,,0"
    ));

    let out = kusei(
        &db,
        &[
            "export",
            "--format",
            "csv",
            "--table",
            "policy",
            "--encoding",
            "cp932",
        ],
    );
    let (decoded, _, bad) = encoding_rs::SHIFT_JIS.decode(&out.stdout);
    assert!(!bad);
    assert_eq!(decoded.replace('\r', ""), text.replace('\r', ""));
}

#[test]
fn csv_and_markdown_need_a_table() {
    let (_dir, db) = seeded();
    let out = Command::new(env!("CARGO_BIN_EXE_kusei"))
        .arg("--db")
        .arg(&db)
        .args(["export", "--format", "csv"])
        .output()
        .expect("run");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--table が必要です"));
}

#[test]
fn link_suggest_lists_and_accept_all_links() {
    let (_dir, db) = seeded();
    let out = kusei(&db, &["link", "--suggest"]);
    let text = String::from_utf8(out.stdout).expect("utf-8");
    assert!(
        text.contains("平成29年4月20日 第1回 (2) 区運営方針について\t平成29年度 旭区運営方針 区長の方針 区運営の基本的な考え方(区長の方針)\t共通: 区運営"),
        "{text}"
    );
    // Listing links nothing.
    let store = kusei::db::Store::open(&db, Default::default()).expect("open");
    let n: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM item_links", [], |r| r.get(0))
        .expect("count");
    assert_eq!(n, 0);
    drop(store);
    let out = kusei(&db, &["link", "--suggest", "--accept-all"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("件を関連づけました"));
    let out = kusei(&db, &["link", "--suggest"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("関連づけの候補はありません"));
    let out = kusei(&db, &["export", "--format", "json"]);
    assert!(String::from_utf8_lossy(&out.stdout)
        .contains("\"平成29年度 旭区運営方針#区運営の基本的な考え方(区長の方針)\""));
}
