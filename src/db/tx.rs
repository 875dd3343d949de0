//! [`Tx`]: a write transaction that logs every row it inserts, updates or
//! deletes for the audit log, in one change set (batch) per transaction.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use rusqlite::{Connection, OptionalExtension, Transaction};

use super::{audit, audit_pack, now_stamp, Auditor, Result, StoreError};

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
    /// Inserts read back at the commit (see [`Tx::defer_after_images`]).
    pub(super) deferring: Cell<bool>,
    /// Per table, the inserts whose after-images wait for the commit.
    pub(super) deferred: RefCell<Vec<Deferred>>,
    /// Per table, whether inserts' after-images are built from their
    /// values (see [`super::built`]).
    pub(super) built: RefCell<Vec<super::built::Built>>,
}

/// One table's deferred inserts: row id and index in `pending`, in the
/// order inserted (ascending ids unless SQLite had to pick random ones,
/// see [`Deferred::ascending`]); a settled row's index is [`SETTLED`].
#[derive(Debug)]
pub(super) struct Deferred {
    table: String,
    rows: Vec<(i64, usize)>,
    /// Every id above the one before: looked up by binary search.
    ascending: bool,
}

/// The index of a deferred insert whose image was read early.
const SETTLED: usize = usize::MAX;

impl Deferred {
    /// Where `id` is in `rows`, if deferred and not settled.
    fn position(&self, id: i64) -> Option<usize> {
        let at = if self.ascending {
            self.rows.binary_search_by_key(&id, |r| r.0).ok()
        } else {
            self.rows.iter().position(|r| r.0 == id)
        };
        at.filter(|&k| self.rows[k].1 != SETTLED)
    }
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
    pub(super) fn log(
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
        self.log_insert(table, id)?;
        Ok(id)
    }

    /// Insert `rows` rows with one statement (`INSERT … VALUES (…), (…)`)
    /// and log each. Their ids are taken as the `rows` ids up to the last
    /// one: true for a rowid table whose ids stay below `i64::MAX` (SQLite
    /// then gives each new row the highest id + 1), which the caller checks
    /// with [`Tx::ids_follow_on`] before inserting more than one at a time.
    pub fn insert_rows(
        &self,
        table: &str,
        sql: &str,
        params: &[&dyn rusqlite::ToSql],
        rows: usize,
    ) -> Result<()> {
        let last = self.insert_rows_unlogged(table, sql, params, rows)?;
        for id in last - (rows as i64 - 1)..=last {
            self.log_insert(table, id)?;
        }
        Ok(())
    }

    /// The INSERT of [`Tx::insert_rows`], not logged yet: the last id.
    pub(super) fn insert_rows_unlogged(
        &self,
        table: &str,
        sql: &str,
        params: &[&dyn rusqlite::ToSql],
        rows: usize,
    ) -> Result<i64> {
        let added = self.tx.prepare_cached(sql)?.execute(params)?;
        if added != rows {
            return Err(StoreError::Invalid(format!(
                "{table}: {rows} 行のはずが {added} 行追加されました"
            )));
        }
        Ok(self.tx.last_insert_rowid())
    }

    /// True when `rows` more rows of `table` get consecutive ids (its
    /// highest id plus `rows` stays below `i64::MAX`; SQLite picks random
    /// ids only after that).
    pub fn ids_follow_on(&self, table: &str, rows: usize) -> Result<bool> {
        let max: i64 = self.tx.query_row(
            &format!("SELECT coalesce(max(id), 0) FROM {table}"),
            [],
            |r| r.get(0),
        )?;
        Ok(max
            .checked_add(rows as i64)
            .is_some_and(|top| top < i64::MAX))
    }

    /// Log an insert of row `id`, its after-image read now or deferred.
    pub(super) fn log_insert(&self, table: &str, id: i64) -> Result<()> {
        if self.deferring.get() {
            self.log(table, id, "insert", None, None)?;
            let index = self.pending.borrow().len() - 1;
            let mut deferred = self.deferred.borrow_mut();
            match deferred.iter_mut().find(|d| d.table == table) {
                Some(d) => {
                    d.ascending &= d.rows.last().is_none_or(|last| last.0 < id);
                    d.rows.push((id, index));
                }
                None => deferred.push(Deferred {
                    table: table.to_string(),
                    rows: vec![(id, index)],
                    ascending: true,
                }),
            }
            return Ok(());
        }
        let after = self.read_image(table, id)?;
        self.log(table, id, "insert", None, after)
    }

    /// The after-image of row `id` as stored (defaults included), read
    /// back by rowid as a JSON array of its values that shares its column
    /// names with every other row of the table (not a JSON object per
    /// row). Not INSERT … RETURNING: SQLite opens and closes a temporary
    /// b-tree per execution for it, which costs more than this read.
    pub(super) fn read_image(&self, table: &str, id: i64) -> Result<Option<audit_pack::Image>> {
        let mut stmt = self
            .tx
            .prepare_cached(&format!("SELECT * FROM {table} WHERE id = ?1"))?;
        let columns = self.columns_of(table, &stmt);
        let values = stmt
            .query_row([id], |r| audit::row_values_json(r, columns.len()))
            .optional()?;
        Ok(values.map(|values| audit_pack::Image::Row { columns, values }))
    }

    /// From now on in this transaction, read inserted rows' after-images
    /// at the commit, one scan per table, instead of one lookup per row
    /// (a big import inserts 150,000 rows). The image is the row as the
    /// insert left it: an update or delete through this transaction reads
    /// it first ([`Tx::settle_image`]). Only for writers that change the
    /// rows they insert through [`Tx`] alone (the import).
    pub fn defer_after_images(&self) {
        self.deferring.set(true);
    }

    /// Read a deferred insert's after-image now, before `id` changes.
    fn settle_image(&self, table: &str, id: i64) -> Result<()> {
        let index = {
            let mut deferred = self.deferred.borrow_mut();
            let Some(d) = deferred.iter_mut().find(|d| d.table == table) else {
                return Ok(());
            };
            let Some(k) = d.position(id) else {
                return Ok(());
            };
            std::mem::replace(&mut d.rows[k].1, SETTLED)
        };
        let image = self.read_image(table, id)?;
        self.pending.borrow_mut()[index].after = image;
        Ok(())
    }

    /// Fill in the deferred after-images: per table, one scan in id order
    /// from the smallest deferred id, walked in step with the inserts
    /// sorted by id.
    pub(super) fn read_deferred_images(&self) -> Result<()> {
        let deferred = self.deferred.take();
        let mut pending = self.pending.borrow_mut();
        for Deferred {
            table, mut rows, ..
        } in deferred
        {
            rows.retain(|r| r.1 != SETTLED);
            rows.sort_unstable_by_key(|r| r.0);
            let Some(&(first, _)) = rows.first() else {
                continue;
            };
            let mut stmt = self
                .tx
                .prepare_cached(&format!("SELECT * FROM {table} WHERE id >= ?1 ORDER BY id"))?;
            let columns = self.columns_of(&table, &stmt);
            let n = columns.len();
            let Some(id_column) = columns.iter().position(|c| c == "id") else {
                return Err(StoreError::Invalid(format!(
                    "{table}: id の列がないため監査ログに記録できません"
                )));
            };
            let mut found = stmt.query([first])?;
            let mut wanted = rows.iter().peekable();
            while wanted.peek().is_some() {
                let Some(r) = found.next()? else { break };
                let id: i64 = r.get(id_column)?;
                // Inserts whose row is gone are passed (none: only this
                // transaction writes, and it settles before deleting).
                while wanted.next_if(|w| w.0 < id).is_some() {}
                let Some(&(_, index)) = wanted.next_if(|w| w.0 == id) else {
                    continue;
                };
                let values = audit::row_values_json(r, n)?;
                pending[index].after = Some(audit_pack::Image::Row {
                    columns: columns.clone(),
                    values,
                });
            }
        }
        Ok(())
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

    /// [`Tx::columns_of`] for names known otherwise (`PRAGMA table_info`
    /// gives them in the order `SELECT *` does).
    pub(super) fn known_columns(&self, table: &str, names: Rc<[String]>) -> Rc<[String]> {
        let mut known = self.columns.borrow_mut();
        if let Some((_, c)) = known.iter().find(|(t, _)| t == table) {
            return c.clone();
        }
        known.push((table.to_string(), names.clone()));
        names
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
        self.settle_image(table, id)?;
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
        self.settle_image(table, id)?;
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
