//! The append-only audit log: who changed what, when, before and after.
//! Written in the same transaction as the change; each row carries a hash of
//! the previous row's hash and its own content, so an edited or deleted row
//! breaks the chain.

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OptionalExtension};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::{now_stamp, Result};

/// The identity changes are recorded under.
#[derive(Debug, Clone)]
pub struct Auditor {
    pub uid: u32,
    pub user: String,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: String,
    pub os_user: String,
    pub table: String,
    pub row_id: i64,
    pub action: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

impl Auditor {
    pub fn for_current_user() -> Self {
        let (uid, user) = super::osuser::current();
        Auditor { uid, user }
    }
}

#[allow(clippy::too_many_arguments)]
pub(super) fn chain_hash(
    prev: &str,
    batch: i64,
    at: &str,
    user: &str,
    uid: u32,
    table: &str,
    id: i64,
    action: &str,
    before: Option<&str>,
    after: Option<&str>,
) -> String {
    let mut h = Sha256::new();
    for part in [
        prev,
        &batch.to_string(),
        at,
        user,
        &uid.to_string(),
        table,
        &id.to_string(),
        action,
        before.unwrap_or("\u{0}"),
        after.unwrap_or("\u{0}"),
    ] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// One row of `table` as a JSON object of its columns, or None if absent.
pub fn row_json(conn: &Connection, table: &str, id: i64) -> Result<Option<Value>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT * FROM {table} WHERE id = ?1"))?;
    let names: Vec<String> = stmt.column_names().iter().map(|s| s.to_string()).collect();
    let row = stmt
        .query_row([id], |r| row_map(r, &names).map(Value::Object))
        .optional()?;
    Ok(row)
}

/// The columns of a row as a JSON object: the form of after-images.
pub(super) fn row_map(r: &rusqlite::Row, names: &[String]) -> rusqlite::Result<Map<String, Value>> {
    let mut obj = Map::new();
    for (i, name) in names.iter().enumerate() {
        obj.insert(name.clone(), column_value(r, i)?);
    }
    Ok(obj)
}

/// Columns `0..n` of a row as the text of a JSON array: the values a pack
/// stores, written straight from SQLite's values (the same JSON as
/// [`column_value`]'s values would serialize to, without building them).
pub(super) fn row_values_json(r: &rusqlite::Row, n: usize) -> rusqlite::Result<String> {
    let mut out = String::with_capacity(64 * n);
    out.push('[');
    for i in 0..n {
        if i > 0 {
            out.push(',');
        }
        super::audit_json::push_value(&mut out, r.get_ref(i)?);
    }
    out.push(']');
    Ok(out)
}

/// Column `i` of a row as an after-image holds it.
pub(super) fn column_value(r: &rusqlite::Row, i: usize) -> rusqlite::Result<Value> {
    Ok(match r.get_ref(i)? {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(n) => Value::from(n),
        ValueRef::Real(f) => Value::from(f),
        // Valid UTF-8 (always, for text kusei wrote) is copied as it is.
        ValueRef::Text(t) => Value::from(match std::str::from_utf8(t) {
            Ok(s) => s.to_owned(),
            Err(_) => String::from_utf8_lossy(t).into_owned(),
        }),
        ValueRef::Blob(b) => Value::from(format!("<{} bytes>", b.len())),
    })
}

pub fn entries(conn: &Connection) -> Result<Vec<AuditEntry>> {
    entries_in(conn, super::audit_read::Scope::All)
}

/// The records in `scope` as entries, oldest first.
pub fn entries_in(conn: &Connection, scope: super::audit_read::Scope) -> Result<Vec<AuditEntry>> {
    let records = super::audit_read::records(conn, scope)?;
    Ok(records
        .into_iter()
        .map(|r| AuditEntry {
            id: r.id,
            at: r.at,
            os_user: r.os_user,
            table: r.table,
            row_id: r.row_id,
            action: r.action,
            before: r.before,
            after: r.after,
        })
        .collect())
}

/// Check the hash chain; returns the id of the first row that does not
/// match, or None when the whole log is intact. A pack row's hash covers
/// its header and compressed bytes (see [`super::audit_pack::pack_hash`]).
pub fn verify_chain(conn: &Connection) -> Result<Option<i64>> {
    let mut stmt = conn.prepare(
        "SELECT id, at, os_user, uid, tbl, row_id, action, before, after, prev_hash, hash, batch,
                pack, pack_rows, row_last
         FROM audit_log ORDER BY id",
    )?;
    let mut rows = stmt.query([])?;
    let mut prev = String::new();
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let stored_prev: String = r.get(9)?;
        let stored: String = r.get(10)?;
        let (at, user, table): (String, String, String) = (r.get(1)?, r.get(2)?, r.get(4)?);
        let pack = super::audit_read::pack_bytes(r, 12)?;
        let expect = match pack {
            Some(blob) => super::audit_pack::pack_hash(
                &prev,
                r.get(11)?,
                &at,
                &user,
                r.get(3)?,
                &table,
                (r.get(5)?, r.get::<_, Option<i64>>(14)?.unwrap_or(-1)),
                r.get::<_, Option<i64>>(13)?.unwrap_or(-1),
                &blob,
            ),
            None => chain_hash(
                &prev,
                r.get(11)?,
                &at,
                &user,
                r.get(3)?,
                &table,
                r.get(5)?,
                &r.get::<_, String>(6)?,
                r.get::<_, Option<String>>(7)?.as_deref(),
                r.get::<_, Option<String>>(8)?.as_deref(),
            ),
        };
        if stored_prev != prev || stored != expect {
            return Ok(Some(id));
        }
        prev = stored;
    }
    Ok(None)
}

impl super::Store {
    /// The audit log's records in `scope` (one row, one table …), oldest
    /// first: reads only the packs that can hold them.
    pub fn audit_entries_in(&self, scope: super::audit_read::Scope) -> Result<Vec<AuditEntry>> {
        entries_in(&self.conn, scope)
    }

    /// The highest id of every data table: taken before a bulk insert that
    /// does not go through [`super::Tx`] (see [`Self::audit_bulk_inserts`]).
    pub fn high_water(&self) -> Result<Vec<(&'static str, i64)>> {
        let mut marks = Vec::new();
        for table in super::audit_verify::DATA_TABLES {
            let max: Option<i64> = self
                .conn
                .query_row(&format!("SELECT max(id) FROM {table}"), [], |r| r.get(0))
                .optional()?
                .flatten();
            marks.push((*table, max.unwrap_or(0)));
        }
        Ok(marks)
    }

    /// Inside the caller's own `BEGIN IMMEDIATE` transaction, after a bulk
    /// insert with prepared statements (`kusei gen`): record every data row
    /// above `marks` that has no audit record as an insert, in one change
    /// set named `label`. Rows below the marks are never adopted (a row
    /// written behind kusei's back stays unrecorded, and verify names it).
    pub fn audit_bulk_inserts(&self, marks: &[(&'static str, i64)], label: &str) -> Result<usize> {
        let conn = &self.conn;
        let mut pending = Vec::new();
        for (table, mark) in marks {
            let ids: Vec<i64> = conn
                .prepare(&format!(
                    "SELECT id FROM {table} t WHERE id > ?1 AND NOT EXISTS
                       (SELECT 1 FROM audit_log a WHERE a.tbl = ?2 AND a.row_id = t.id)
                     ORDER BY id"
                ))?
                .query_map(rusqlite::params![mark, table], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            for id in ids {
                pending.push(super::audit_pack::Pending {
                    table: table.to_string(),
                    row_id: id,
                    action: "insert",
                    before: None,
                    after: row_json(conn, table, id)?.map(super::audit_pack::Image::Json),
                });
            }
        }
        let n = pending.len();
        if n > 0 {
            conn.execute(
                "INSERT INTO batches (at, os_user, label) VALUES (?1, ?2, ?3)",
                rusqlite::params![now_stamp(), self.auditor.user, label],
            )?;
            let batch = conn.last_insert_rowid();
            super::audit_pack::flush(conn, &self.auditor, batch, pending)?;
        }
        Ok(n)
    }
}
