//! `kusei audit verify`: everything the log can tell about its own damage.
//!
//! 1. The chain: every row's `prev_hash` is the hash of the row before it
//!    and its own hash is recomputed (an edited or deleted row in the middle).
//! 2. The numbering: ids run 1, 2, 3… with no hole (deleted rows, also at
//!    the start); every change set (`batches`) has its audit rows (a
//!    deleted tail or an emptied log, as far as the change sets remain).
//! 3. The data: each row of each data table equals the after-image of its
//!    latest audit record; a row with no audit record at all, a row gone
//!    without a `delete` record, or a row present after one, is named.
//! 4. The witnesses: every head this user's kusei processes saw (and every
//!    `--head` fingerprint given) must still be in the log with its hash: a
//!    recomputed chain, a deleted tail or an emptied log cannot hide from a
//!    head seen before the change.

use rusqlite::Connection;
use serde_json::{Map, Value};

use super::audit_verify_packs::Merged;
use super::witness::{self, Witness};
use super::{Result, Store};

impl Store {
    /// Everything the audit log shows of its own damage (see
    /// [`audit_verify`]), against this user's witness of this database and
    /// the heads given; then this head is witnessed.
    pub fn verify_audit_all(&self, heads: &[witness::Head]) -> Result<Report> {
        let mut seen: Vec<witness::Witness> = witness::read(&self.path).into_iter().collect();
        seen.extend(heads.iter().map(|h| witness::Witness {
            head: h.clone(),
            at: String::new(),
            source: "--head".into(),
        }));
        let report = verify(&self.conn, &seen)?;
        witness::observe(&self.conn, &self.path);
        Ok(report)
    }

    /// The last row of the audit log (None while it is empty).
    pub fn audit_head(&self) -> Result<Option<witness::Head>> {
        witness::observe(&self.conn, &self.path);
        Ok(witness::head(&self.conn)?)
    }
}

/// The tables whose rows the audit log covers (drafts, presence and the
/// log's own tables are per-session state, not records).
pub const DATA_TABLES: &[&str] = &[
    "committees",
    "meetings",
    "job_titles",
    "attendance",
    "agenda_items",
    "opinions",
    "plans",
    "plan_nodes",
    "node_co_departments",
    "node_notes",
    "progress",
    "indicators",
    "indicator_values",
    "milestones",
    "item_links",
];

/// What kind of damage a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Damage {
    /// A row's hash or link to the row before does not match.
    Chain,
    /// Ids missing between rows, or before the first.
    Gap,
    /// A change set without any audit row.
    Batch,
    /// A head seen before is no longer in the log.
    Witness,
    /// A data row differs from, or has no, audit record.
    Data,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub damage: Damage,
    pub message: String,
}

/// What verification found, and how much it looked at.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub findings: Vec<Finding>,
    pub audit_rows: i64,
    pub data_rows: i64,
    pub witnesses: usize,
}

impl Report {
    pub(super) fn add(&mut self, damage: Damage, message: String) {
        self.findings.push(Finding { damage, message });
    }
}

/// Verify the log of `conn` against the data and `witnesses`.
pub fn verify(conn: &Connection, witnesses: &[Witness]) -> Result<Report> {
    let mut report = Report {
        witnesses: witnesses.len(),
        ..Report::default()
    };
    chain_and_gaps(conn, &mut report)?;
    super::audit_verify_packs::packs(conn, &mut report)?;
    batches(conn, &mut report)?;
    for w in witnesses {
        check_witness(conn, w, &mut report)?;
    }
    for table in DATA_TABLES {
        data(conn, table, &mut report)?;
    }
    if report.audit_rows == 0 && report.data_rows > 0 {
        report.add(
            Damage::Gap,
            format!(
                "監査ログが空です。データは {} 行あります（ログが消されたか、記録なしに書き込まれています）",
                report.data_rows
            ),
        );
    }
    report.findings.sort_by_key(|f| f.damage);
    Ok(report)
}

fn chain_and_gaps(conn: &Connection, report: &mut Report) -> Result<()> {
    let mut stmt = conn.prepare("SELECT id, coalesce(pack_rows, 1) FROM audit_log ORDER BY id")?;
    let mut rows = stmt.query([])?;
    let mut last_id = 0;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        // A pack takes one audit id per row it holds.
        let count: i64 = r.get(1)?;
        report.audit_rows += count;
        if id != last_id + 1 {
            let msg = if last_id == 0 {
                format!(
                    "監査ログ: 先頭の {} 行（1〜{} 番）がありません（削除されています）",
                    id - 1,
                    id - 1
                )
            } else {
                format!(
                    "監査ログ: {last_id} 番の次が {id} 番です（{}〜{} 番の {} 行が削除されています）",
                    last_id + 1,
                    id - 1,
                    id - last_id - 1
                )
            };
            report.add(Damage::Gap, msg);
        }
        last_id = id + count.max(1) - 1;
    }
    if let Some(id) = super::audit::verify_chain(conn)? {
        report.add(
            Damage::Chain,
            format!("監査ログ: {id} 番の行からハッシュの連鎖が合いません（この行が書き換えられたか、前の行が削除・差し替えられています）"),
        );
    }
    Ok(())
}

/// Change sets whose audit rows are all gone.
fn batches(conn: &Connection, report: &mut Report) -> Result<()> {
    let mut stmt = conn.prepare(
        "SELECT b.id, b.at, b.os_user, b.label FROM batches b
         WHERE NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.batch = b.id) ORDER BY b.id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
        ))
    })?;
    for row in rows {
        let (id, at, user, label) = row?;
        let label = if label.is_empty() {
            String::new()
        } else {
            format!("「{label}」")
        };
        report.add(
            Damage::Batch,
            format!("監査ログ: 変更の組 {id}{label}（{at}、{user}）の記録が 1 行もありません（ログの末尾か一部が削除されています）"),
        );
    }
    Ok(())
}

fn check_witness(conn: &Connection, w: &Witness, report: &mut Report) -> Result<()> {
    let seen = if w.at.is_empty() {
        format!("{} の指紋 {}", w.source, w.head.fingerprint())
    } else {
        format!("{}（{} に見た {}）", w.source, w.at, w.head.fingerprint())
    };
    let why = match witness::holds(conn, &w.head)? {
        Some(true) => return Ok(()),
        Some(false) => format!("{} 番の行のハッシュが違います（連鎖が作り直されています）", w.head.id),
        None => format!(
            "{} 番の行がありません（ログの末尾が削除されたか、空にされたか、古いバックアップに戻されています）",
            w.head.id
        ),
    };
    // A witness file (not a `--head` given by hand) may only be out of date:
    // the file was restored from a backup or deleted and created anew at the
    // same path on purpose. Say how to accept that, next to the evidence.
    let hint = if w.at.is_empty() {
        String::new()
    } else {
        format!(
            "。意図してバックアップに戻した、または同じ場所に作り直したファイルなら、記録ファイル {} を消してください（次の kusei の実行が新しい先頭を記録します）",
            w.source
        )
    };
    report.add(
        Damage::Witness,
        format!("監査ログ: 以前の記録 {seen} と合いません: {why}{hint}"),
    );
    Ok(())
}

/// The latest audit record of one row.
pub(super) struct Latest {
    pub audit_id: i64,
    pub action: String,
    pub after: Option<String>,
    pub at: String,
    pub user: String,
}

/// Compare every row of `table` with its latest audit record (both sorted
/// by id, merged).
fn data(conn: &Connection, table: &str, report: &mut Report) -> Result<()> {
    let exists: bool = conn.query_row(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1",
        [table],
        |r| r.get::<_, i64>(0).map(|n| n > 0),
    )?;
    if !exists {
        return Ok(());
    }
    // SQLite takes the bare columns from the row holding max(id).
    let mut audits = conn.prepare(
        "SELECT row_id, max(id), action, after, at, os_user FROM audit_log
         WHERE tbl = ?1 AND pack IS NULL GROUP BY row_id ORDER BY row_id",
    )?;
    let plain = audits
        .query_map([table], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                Latest {
                    audit_id: r.get(1)?,
                    action: r.get(2)?,
                    after: r.get(3)?,
                    at: r.get(4)?,
                    user: r.get(5)?,
                },
            ))
        })?
        .peekable();
    let mut latest = Merged::new(conn, table, plain)?;
    let mut stmt = conn.prepare(&format!("SELECT * FROM {table} ORDER BY id"))?;
    let names: Vec<String> = stmt.column_names().iter().map(|s| s.to_string()).collect();
    let id_col = names.iter().position(|n| n == "id").unwrap_or(0);
    let mut rows = stmt.query([])?;
    let mut cur = latest.next()?;
    while let Some(r) = rows.next()? {
        report.data_rows += 1;
        let id: i64 = r.get(id_col)?;
        // Audited rows that are gone before this one.
        while let Some((rid, l)) = cur.take() {
            if rid >= id {
                cur = Some((rid, l));
                break;
            }
            gone(table, rid, &latest.latest(&l), report);
            cur = latest.next()?;
        }
        let current = super::audit::row_map(r, &names)?;
        match cur.take() {
            Some((rid, l)) if rid == id => {
                latest.compare(table, id, &current, l, report)?;
                cur = latest.next()?;
            }
            other => {
                cur = other;
                report.add(
                    Damage::Data,
                    format!("{table} #{id}: 監査ログに記録が 1 行もありません（記録なしに書き込まれた行です。sqlite3 などで直接）"),
                );
            }
        }
    }
    while let Some((rid, l)) = cur {
        gone(table, rid, &latest.latest(&l), report);
        cur = latest.next()?;
    }
    Ok(())
}

pub(super) fn gone(table: &str, id: i64, l: &Latest, report: &mut Report) {
    if l.action != "delete" {
        report.add(
            Damage::Data,
            format!(
                "{table} #{id}: 行がありません。最後の監査記録（{} 番、{} {}、{}）の後、記録なしに削除されています",
                l.audit_id, l.at, l.user, l.action
            ),
        );
    }
}

pub(super) fn compare(
    table: &str,
    id: i64,
    current: &Map<String, Value>,
    l: &Latest,
    report: &mut Report,
) {
    let image = match (&*l.action, l.after.as_deref()) {
        ("delete", _) => {
            report.add(
                Damage::Data,
                format!(
                    "{table} #{id}: 監査ログでは削除済み（{} 番、{} {}）ですが、行があります（記録なしに戻されています）",
                    l.audit_id, l.at, l.user
                ),
            );
            return;
        }
        (_, Some(after)) => serde_json::from_str::<Value>(after).ok(),
        (_, None) => None,
    };
    let Some(Value::Object(image)) = image else {
        report.add(
            Damage::Data,
            format!(
                "{table} #{id}: 最後の監査記録（{} 番）に後の内容がありません",
                l.audit_id
            ),
        );
        return;
    };
    // Columns added by a later migration are not in older images.
    let differ: Vec<String> = image
        .iter()
        .filter(|(k, v)| current.get(*k).is_some_and(|c| c != *v))
        .map(|(k, v)| {
            let now = current.get(k).unwrap_or(&Value::Null);
            let (was, is) = excerpts(v, now);
            format!("{k}: {was} → {is}")
        })
        .collect();
    if !differ.is_empty() {
        report.add(
            Damage::Data,
            format!(
                "{table} #{id}: 現在の内容が最後の監査記録（{} 番、{} {}）と違います（記録なしの書き換え）: {}",
                l.audit_id,
                l.at,
                l.user,
                differ.join("、")
            ),
        );
    }
}

/// The two values for a message, from a little before where they first
/// differ, at most 30 characters each.
fn excerpts(was: &Value, is: &Value) -> (String, String) {
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let (a, b) = (text(was), text(is));
    let same = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
    let start = same.saturating_sub(10);
    let cut = |s: &str, quoted: bool| {
        let n = s.chars().count();
        let mut out: String = s.chars().skip(start).take(30).collect();
        if start > 0 {
            out.insert(0, '…');
        }
        if n > start + 30 {
            out.push('…');
        }
        if quoted {
            format!("「{out}」")
        } else {
            out
        }
    };
    (cut(&a, was.is_string()), cut(&b, is.is_string()))
}
