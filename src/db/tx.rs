//! [`Tx`]: a write transaction that logs every row it inserts, updates or
//! deletes for the audit log, in one change set (batch) per transaction.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use rusqlite::{Connection, OptionalExtension, Transaction};

use super::{audit, audit_pack, now_stamp, Auditor, Result};

/// A write transaction with the audit log at hand.
pub struct Tx<'a> {
    pub(super) tx: Transaction<'a>,
    pub(super) auditor: &'a Auditor,
    pub(super) batch: Cell<Option<i64>>,
    pub(super) label: String,
    pub(super) undoes: Option<i64>,
    /// The change set's audit records, written just before the commit.
    pub(super) pending: RefCell<Vec<audit_pack::Pending>>,
    /// Each table's column names, as inserts return them (see [`Tx::insert`]).
    pub(super) columns: RefCell<Vec<(String, Rc<[String]>)>>,
}

impl Tx<'_> {
    /// The change set of this transaction, created on the first change.
    fn batch(&self) -> Result<i64> {
        if let Some(b) = self.batch.get() {
            return Ok(b);
        }
        self.tx
            .prepare_cached(
                "INSERT INTO batches (at, os_user, label, undoes) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(rusqlite::params![
                now_stamp(),
                self.auditor.user,
                self.label,
                self.undoes
            ])?;
        let id = self.tx.last_insert_rowid();
        self.batch.set(Some(id));
        Ok(id)
    }

    pub fn conn(&self) -> &Connection {
        &self.tx
    }

    /// Record a change for the audit log (see [`audit_pack`]).
    fn log(
        &self,
        table: &str,
        id: i64,
        action: &'static str,
        before: Option<serde_json::Value>,
        after: Option<audit_pack::Image>,
    ) -> Result<()> {
        self.batch()?;
        self.pending.borrow_mut().push(audit_pack::Pending {
            table: table.to_string(),
            row_id: id,
            action,
            before,
            after,
        });
        Ok(())
    }

    /// Insert a row and log it. `sql` is an INSERT with positional params.
    pub fn insert(&self, table: &str, sql: &str, params: impl rusqlite::Params) -> Result<i64> {
        // Cached: an import runs the same few statements per row.
        self.tx.prepare_cached(sql)?.execute(params)?;
        let id = self.tx.last_insert_rowid();
        // The after-image as stored (defaults included), read back by
        // rowid as a JSON array of its values that shares its column names
        // with every other row of the table (not a JSON object per row). Not
        // INSERT … RETURNING: SQLite opens and closes a temporary b-tree
        // per execution for it, which costs more than this read.
        let mut stmt = self
            .tx
            .prepare_cached(&format!("SELECT * FROM {table} WHERE id = ?1"))?;
        let columns = self.columns_of(table, &stmt);
        let values = stmt
            .query_row([id], |r| audit::row_values_json(r, columns.len()))
            .optional()?;
        let after = values.map(|values| audit_pack::Image::Row { columns, values });
        self.log(table, id, "insert", None, after)?;
        Ok(id)
    }

    /// The column names `stmt` returns, shared by every row of `table`
    /// this transaction inserts.
    fn columns_of(&self, table: &str, stmt: &rusqlite::Statement) -> Rc<[String]> {
        let mut known = self.columns.borrow_mut();
        if let Some((_, c)) = known.iter().find(|(t, _)| t == table) {
            return c.clone();
        }
        let c: Rc<[String]> = stmt.column_names().iter().map(|s| s.to_string()).collect();
        known.push((table.to_string(), c.clone()));
        c
    }

    /// Update one row (identified by `id`) and log before and after. Returns
    /// false (and logs nothing) when the row does not exist or nothing changed.
    pub fn update(
        &self,
        table: &str,
        id: i64,
        sql: &str,
        params: impl rusqlite::Params,
    ) -> Result<bool> {
        let before = audit::row_json(&self.tx, table, id)?;
        let Some(before) = before else {
            return Ok(false);
        };
        self.tx.prepare_cached(sql)?.execute(params)?;
        let after = audit::row_json(&self.tx, table, id)?;
        if after.as_ref() == Some(&before) {
            return Ok(false);
        }
        self.log(
            table,
            id,
            "update",
            Some(before),
            after.map(audit_pack::Image::Json),
        )?;
        Ok(true)
    }

    /// Delete one row and log what it was.
    pub fn delete(&self, table: &str, id: i64) -> Result<bool> {
        let Some(before) = audit::row_json(&self.tx, table, id)? else {
            return Ok(false);
        };
        self.tx
            .prepare_cached(&format!("DELETE FROM {table} WHERE id = ?1"))?
            .execute([id])?;
        self.log(table, id, "delete", Some(before), None)?;
        Ok(true)
    }

    pub fn user(&self) -> &str {
        &self.auditor.user
    }
}
