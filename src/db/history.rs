//! 履歴: every version of one row, from the audit log, newest first, and
//! putting a version back as a NEW audited change (the log is never
//! rewritten). A restore checks, inside its `BEGIN IMMEDIATE` transaction,
//! that the row is still what the history showed (its fingerprint, the way
//! [`super::conflict`] checks rows without a version) and refuses with
//! [`StoreError::Conflict`] naming who changed it meanwhile.

use rusqlite::{params, OptionalExtension};
use serde_json::{Map, Value};

use super::audit::row_json;
use super::audit_read::{last_of_user, records, Scope};
use super::audit_verify::DATA_TABLES;
use super::conflict::{self, fingerprint};
use super::undo::{restore_insert, restore_update};
use super::{now_stamp, Result, Store, StoreError, Tx};

/// Which row to show: by table and id, or a progress cell by its place
/// (node, fiscal year, half), which has no row until someone writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Locator {
    Row {
        table: String,
        id: i64,
    },
    ProgressCell {
        node: i64,
        fiscal_year: i32,
        half: String,
    },
}

/// One audit record of the row (or of a row under it that was deleted).
#[derive(Debug, Clone, PartialEq)]
pub struct Version {
    pub audit_id: i64,
    /// RFC 3339 UTC, as stored.
    pub at: String,
    pub user: String,
    pub table: String,
    pub row_id: i64,
    /// insert, update or delete.
    pub action: String,
    /// The change set's label ("意見の編集", "履歴から復元" …).
    pub label: String,
    /// Row images for display (a speaker's id replaced by the title).
    pub before: Option<Map<String, Value>>,
    pub after: Option<Map<String, Value>>,
}

impl Version {
    /// The row as this version left it; for a deletion, as it was just
    /// before (what a restore puts back).
    pub fn image(&self) -> Option<&Map<String, Value>> {
        if self.action == "delete" {
            self.before.as_ref()
        } else {
            self.after.as_ref()
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct History {
    pub table: String,
    pub row_id: i64,
    /// Versions of the row, and deletions of rows under it that are still
    /// deleted (an agenda item's opinions, a meeting's items …), newest first.
    pub versions: Vec<Version>,
    /// (table, id, fingerprint of the row now) for every row listed: what
    /// a restore expects to find.
    pub opened: Vec<(String, i64, i64)>,
    /// The row above (opinion → agenda item → meeting; a note, a progress
    /// cell → its node), when there is one.
    pub parent: Option<(String, i64)>,
}

impl History {
    pub fn opened_for(&self, table: &str, id: i64) -> Option<i64> {
        self.opened
            .iter()
            .find(|(t, i, _)| t == table && *i == id)
            .map(|(_, _, f)| *f)
    }
}

/// The fingerprint of a row as it is (None: absent).
fn row_fingerprint(row: Option<&Value>) -> i64 {
    fingerprint(&row.map(Value::to_string).unwrap_or_default())
}

/// The column that points at the parent row, and the parent's table.
const PARENTS: &[(&str, &str, &str)] = &[
    ("opinions", "item_id", "agenda_items"),
    ("agenda_items", "meeting_id", "meetings"),
    ("attendance", "meeting_id", "meetings"),
    ("node_notes", "node_id", "plan_nodes"),
    ("progress", "node_id", "plan_nodes"),
    ("indicators", "node_id", "plan_nodes"),
    ("milestones", "node_id", "plan_nodes"),
    ("node_co_departments", "node_id", "plan_nodes"),
    ("plan_nodes", "parent_id", "plan_nodes"),
    ("meetings", "committee_id", "committees"),
];

fn known(table: &str) -> Result<()> {
    if DATA_TABLES.contains(&table) {
        Ok(())
    } else {
        Err(StoreError::Invalid(format!(
            "表 {table} の履歴はありません"
        )))
    }
}

impl Store {
    /// The history of the row `at` names; None when a progress cell was
    /// never written.
    pub fn history(&self, at: &Locator) -> Result<Option<History>> {
        let conn = self.conn();
        let (table, id) = match at {
            Locator::Row { table, id } => (table.clone(), *id),
            Locator::ProgressCell {
                node,
                fiscal_year,
                half,
            } => {
                let id: Option<i64> = conn
                    .query_row(
                        "SELECT id FROM progress WHERE node_id = ?1 AND fiscal_year = ?2 AND half = ?3",
                        params![node, fiscal_year, half],
                        |r| r.get(0),
                    )
                    .optional()?;
                match id {
                    Some(id) => ("progress".to_string(), id),
                    None => return Ok(None),
                }
            }
        };
        known(&table)?;
        let mut versions = versions_of(conn, &table, id)?;
        versions.extend(deleted_children(conn, &table, id)?);
        versions.sort_by_key(|v| std::cmp::Reverse(v.audit_id));
        let titles = job_titles(conn)?;
        let mut opened: Vec<(String, i64, i64)> = Vec::new();
        for v in &mut versions {
            for image in [&mut v.before, &mut v.after].into_iter().flatten() {
                name_speaker(image, &titles);
            }
            if !opened
                .iter()
                .any(|(t, i, _)| *t == v.table && *i == v.row_id)
            {
                let now = row_json(conn, &v.table, v.row_id)?;
                opened.push((v.table.clone(), v.row_id, row_fingerprint(now.as_ref())));
            }
        }
        let parent = versions
            .iter()
            .find(|v| v.table == table && v.row_id == id)
            .and_then(|v| v.image())
            .and_then(|img| parent_of(&table, img));
        Ok(Some(History {
            table,
            row_id: id,
            versions,
            opened,
            parent,
        }))
    }

    /// Put back the row as audit record `audit_id` left it (for a
    /// deletion: re-insert it as it was), as a new change set, if the row
    /// is still what the history showed (`opened`, its fingerprint then).
    /// Returns the new change set (None: it already was that version).
    pub fn restore_version(&mut self, audit_id: i64, opened: i64) -> Result<Option<i64>> {
        let record = records(self.conn(), Scope::Id(audit_id))?
            .pop()
            .ok_or_else(|| StoreError::Invalid(format!("履歴 {audit_id} は記録にありません")))?;
        let (table, row_id, action) = (record.table, record.row_id, record.action);
        let (before, after) = (record.before, record.after);
        known(&table)?;
        let image = if action == "delete" { before } else { after };
        let image: Map<String, Value> = image
            .and_then(|s| serde_json::from_str(&s).ok())
            .ok_or_else(|| {
                StoreError::Invalid(format!("履歴 {audit_id} に戻す内容が残っていません"))
            })?;
        let result = self.write_labeled("履歴から復元", |tx| {
            restore_in(tx, &table, row_id, &image, opened)
        });
        match result {
            Err(StoreError::Sql(e))
                if e.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation) =>
            {
                Err(StoreError::Invalid(format!(
                    "戻せません: 上の記録（議題・会議・項目）が削除されているか、同じ番号の記録がすでにあります（{e}）"
                )))
            }
            Err(e) => Err(e),
            Ok(()) => Ok(self.last_batch()),
        }
    }

    /// Record this store's changes under `user` instead of the login name
    /// (the uid stays the process's): for tests that need two people on
    /// one file. Nothing is gained by misusing it: whoever can write the
    /// file can already write any name into it with the sqlite3 tool.
    #[doc(hidden)]
    pub fn act_as(&mut self, user: &str) {
        self.auditor.user = user.to_string();
    }

    /// The row of this user's newest audited change (undo after a
    /// restart starts from its history).
    pub fn latest_own_change(&self) -> Result<Option<(String, i64)>> {
        last_of_user(self.conn(), self.user(), DATA_TABLES)
    }
}

fn restore_in(
    tx: &Tx,
    table: &str,
    row_id: i64,
    image: &Map<String, Value>,
    opened: i64,
) -> Result<()> {
    let now = row_json(tx.conn(), table, row_id)?;
    let fp = row_fingerprint(now.as_ref());
    if fp != opened {
        let Some(row) = &now else {
            return Err(StoreError::Invalid(format!(
                "この記録は履歴を開いた後に {} が削除しています。戻すには履歴を開き直してください",
                conflict::last_editor(tx, table, row_id)
            )));
        };
        conflict::expect(tx, table, row_id, opened, Some((fp, summary(row))))?;
    }
    let mut image = image.clone();
    image.insert("id".into(), Value::from(row_id));
    // A restore is a new save: the version moves on (an editor opened on
    // the old content must not match again), and it is this user's.
    let version = now
        .as_ref()
        .and_then(|r| r.get("version"))
        .or_else(|| image.get("version"))
        .and_then(Value::as_i64);
    if let (Some(v), true) = (version, image.contains_key("version")) {
        image.insert("version".into(), Value::from(v + 1));
    }
    if image.contains_key("updated_at") {
        image.insert("updated_at".into(), Value::from(now_stamp()));
    }
    if image.contains_key("updated_by") {
        image.insert("updated_by".into(), Value::from(tx.user()));
    }
    let image = Some(Value::Object(image));
    match now {
        Some(_) => restore_update(tx, table, row_id, &image),
        None => restore_insert(tx, table, &image),
    }
}

/// What a conflict message shows of a row: its main text.
fn summary(row: &Value) -> String {
    ["text", "title", "actual", "plan", "place", "name"]
        .iter()
        .find_map(|k| row.get(*k).and_then(Value::as_str))
        .unwrap_or_default()
        .to_string()
}

fn parse_map(s: Option<String>) -> Option<Map<String, Value>> {
    match serde_json::from_str(&s?) {
        Ok(Value::Object(m)) => Some(m),
        _ => None,
    }
}

const SELECT: &str = "SELECT a.id, a.at, a.os_user, a.tbl, a.row_id, a.action,
        COALESCE(b.label, ''), a.before, a.after
   FROM audit_log a LEFT JOIN batches b ON b.id = a.batch";

fn version_row(r: &rusqlite::Row) -> rusqlite::Result<Version> {
    Ok(Version {
        audit_id: r.get(0)?,
        at: r.get(1)?,
        user: r.get(2)?,
        table: r.get(3)?,
        row_id: r.get(4)?,
        action: r.get(5)?,
        label: r.get(6)?,
        before: parse_map(r.get(7)?),
        after: parse_map(r.get(8)?),
    })
}

fn versions_of(conn: &rusqlite::Connection, table: &str, id: i64) -> Result<Vec<Version>> {
    let mut label = conn.prepare_cached("SELECT label FROM batches WHERE id = ?1")?;
    let mut out = Vec::new();
    for r in records(conn, Scope::Row(table, id))?.into_iter().rev() {
        let label: String = label
            .query_row([r.batch], |row| row.get(0))
            .optional()?
            .unwrap_or_default();
        out.push(Version {
            audit_id: r.id,
            at: r.at,
            user: r.os_user,
            table: r.table,
            row_id: r.row_id,
            action: r.action,
            label,
            before: parse_map(r.before),
            after: parse_map(r.after),
        });
    }
    Ok(out)
}

/// Deletions of rows whose parent is `table` row `id`, for rows still
/// deleted (the way back to a deleted opinion is its item's history).
/// Deletions are always plain audit rows, never packed.
fn deleted_children(conn: &rusqlite::Connection, table: &str, id: i64) -> Result<Vec<Version>> {
    let mut out = Vec::new();
    for (child, column, parent) in PARENTS {
        if *parent != table {
            continue;
        }
        let mut stmt = conn.prepare_cached(&format!(
            "{SELECT} WHERE a.tbl = ?1 AND a.action = 'delete'
               AND json_extract(a.before, '$.{column}') = ?2 ORDER BY a.id DESC"
        ))?;
        let rows: Vec<Version> = stmt
            .query_map(params![child, id], version_row)?
            .collect::<rusqlite::Result<_>>()?;
        for v in rows {
            let gone = row_json(conn, &v.table, v.row_id)?.is_none();
            let newest = !out
                .iter()
                .any(|o: &Version| o.table == v.table && o.row_id == v.row_id);
            if gone && newest {
                out.push(v);
            }
        }
    }
    Ok(out)
}

fn parent_of(table: &str, image: &Map<String, Value>) -> Option<(String, i64)> {
    PARENTS.iter().find_map(|(child, column, parent)| {
        (*child == table)
            .then(|| image.get(*column).and_then(Value::as_i64))
            .flatten()
            .map(|id| (parent.to_string(), id))
    })
}

fn job_titles(conn: &rusqlite::Connection) -> Result<Vec<(i64, String)>> {
    let mut stmt = conn.prepare_cached("SELECT id, name FROM job_titles")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// For display: an opinion's speaker by title, not by number.
fn name_speaker(image: &mut Map<String, Value>, titles: &[(i64, String)]) {
    if let Some(id) = image.get("speaker_title_id").and_then(Value::as_i64) {
        if let Some((_, name)) = titles.iter().find(|(t, _)| *t == id) {
            image.insert("speaker_title_id".into(), Value::from(name.clone()));
        }
    }
}
