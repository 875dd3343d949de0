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

    /// Record a change of `table` row `id`. For inserts and updates the row
    /// as it is now is the "after"; for deletes there is none.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn log(
        &self,
        conn: &Connection,
        batch: i64,
        table: &str,
        id: i64,
        action: &str,
        before: Option<Value>,
    ) -> Result<()> {
        let after = if action == "delete" {
            None
        } else {
            row_json(conn, table, id)?
        };
        let before = before.map(|v| v.to_string());
        let after = after.map(|v| v.to_string());
        let prev: String = conn
            .query_row(
                "SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or_default();
        let at = now_stamp();
        let hash = chain_hash(
            &prev,
            batch,
            &at,
            &self.user,
            self.uid,
            table,
            id,
            action,
            before.as_deref(),
            after.as_deref(),
        );
        conn.execute(
            "INSERT INTO audit_log (batch, at, os_user, uid, tbl, row_id, action, before, after, prev_hash, hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            rusqlite::params![batch, at, self.user, self.uid, table, id, action, before, after, prev, hash],
        )?;
        Ok(())
    }
}

#[allow(clippy::too_many_arguments)]
fn chain_hash(
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
        let v = match r.get_ref(i)? {
            ValueRef::Null => Value::Null,
            ValueRef::Integer(n) => Value::from(n),
            ValueRef::Real(f) => Value::from(f),
            ValueRef::Text(t) => Value::from(String::from_utf8_lossy(t).into_owned()),
            ValueRef::Blob(b) => Value::from(format!("<{} bytes>", b.len())),
        };
        obj.insert(name.clone(), v);
    }
    Ok(obj)
}

pub fn entries(conn: &Connection) -> Result<Vec<AuditEntry>> {
    let mut stmt = conn.prepare(
        "SELECT id, at, os_user, tbl, row_id, action, before, after FROM audit_log ORDER BY id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(AuditEntry {
            id: r.get(0)?,
            at: r.get(1)?,
            os_user: r.get(2)?,
            table: r.get(3)?,
            row_id: r.get(4)?,
            action: r.get(5)?,
            before: r.get(6)?,
            after: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Check the hash chain; returns the id of the first row that does not
/// match, or None when the whole log is intact.
pub fn verify_chain(conn: &Connection) -> Result<Option<i64>> {
    let mut stmt = conn.prepare(
        "SELECT id, at, os_user, uid, tbl, row_id, action, before, after, prev_hash, hash, batch
         FROM audit_log ORDER BY id",
    )?;
    let mut rows = stmt.query([])?;
    let mut prev = String::new();
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let before: Option<String> = r.get(7)?;
        let after: Option<String> = r.get(8)?;
        let stored_prev: String = r.get(9)?;
        let stored: String = r.get(10)?;
        let expect = chain_hash(
            &prev,
            r.get(11)?,
            &r.get::<_, String>(1)?,
            &r.get::<_, String>(2)?,
            r.get(3)?,
            &r.get::<_, String>(4)?,
            r.get(5)?,
            &r.get::<_, String>(6)?,
            before.as_deref(),
            after.as_deref(),
        );
        if stored_prev != prev || stored != expect {
            return Ok(Some(id));
        }
        prev = stored;
    }
    Ok(None)
}

impl super::Store {
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
        let mut batch = None;
        let mut n = 0;
        let mut prev = None;
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
                let b = match batch {
                    Some(b) => b,
                    None => {
                        conn.execute(
                            "INSERT INTO batches (at, os_user, label) VALUES (?1, ?2, ?3)",
                            rusqlite::params![now_stamp(), self.auditor.user, label],
                        )?;
                        *batch.insert(conn.last_insert_rowid())
                    }
                };
                prev = bulk_insert_row(conn, &self.auditor, b, table, id, prev)?;
                n += 1;
            }
        }
        Ok(n)
    }
}

/// One audit row of a bulk insert: the same row [`Auditor::log`] writes
/// for an insert, with the previous hash carried along (`None` on the first
/// row: read from the log) and the statements cached.
fn bulk_insert_row(
    conn: &Connection,
    auditor: &Auditor,
    batch: i64,
    table: &str,
    id: i64,
    prev: Option<String>,
) -> Result<Option<String>> {
    let prev = match prev {
        Some(p) => p,
        None => conn
            .query_row(
                "SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or_default(),
    };
    let after = row_json(conn, table, id)?.map(|v| v.to_string());
    let at = now_stamp();
    let hash = chain_hash(
        &prev,
        batch,
        &at,
        &auditor.user,
        auditor.uid,
        table,
        id,
        "insert",
        None,
        after.as_deref(),
    );
    conn.prepare_cached(
        "INSERT INTO audit_log (batch, at, os_user, uid, tbl, row_id, action, before, after, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'insert', NULL, ?7, ?8, ?9)",
    )?
    .execute(rusqlite::params![batch, at, auditor.user, auditor.uid, table, id, after, prev, hash])?;
    Ok(Some(hash))
}
