//! A big import's entries in the search change log, written in one
//! statement per table instead of one trigger run per row (migration 0007).
//!
//! [`pause`] notes the highest id of each table and puts the row in
//! `search_log_bulk` that quiets the insert triggers; [`resume`] logs every
//! row above those ids — the rows this transaction added, since it is the
//! only writer and new ids only grow — and removes the row again, all in
//! the import's own transaction. Updates and deletes keep their triggers.

use rusqlite::OptionalExtension;

use crate::db::{Result, Tx};

/// The tables whose insert triggers wait for [`resume`], parents first.
const TABLES: [&str; 3] = ["meetings", "agenda_items", "opinions"];

/// Imports of fewer rows than this log through the triggers as usual.
pub const BULK_MIN: usize = 1000;

/// The highest id of each table in [`TABLES`] before the import.
pub struct Paused {
    marks: Vec<(&'static str, i64)>,
}

pub fn pause(tx: &Tx) -> Result<Option<Paused>> {
    let conn = tx.conn();
    let mut marks = Vec::with_capacity(TABLES.len());
    for table in TABLES {
        let max: Option<i64> = conn
            .query_row(&format!("SELECT max(id) FROM {table}"), [], |r| r.get(0))
            .optional()?
            .flatten();
        let max = max.unwrap_or(0);
        if max == i64::MAX {
            // SQLite picks random ids past the largest: "above the mark"
            // would no longer mean "new". Let the triggers log.
            return Ok(None);
        }
        marks.push((table, max));
    }
    conn.execute("INSERT INTO search_log_bulk (one) VALUES (1)", [])?;
    Ok(Some(Paused { marks }))
}

pub fn resume(tx: &Tx, paused: Paused) -> Result<()> {
    let conn = tx.conn();
    for (table, mark) in paused.marks {
        conn.execute(
            &format!(
                "INSERT INTO search_changes (tbl, row_id)
                 SELECT '{table}', id FROM {table} WHERE id > ?1 ORDER BY id"
            ),
            [mark],
        )?;
    }
    conn.execute("DELETE FROM search_log_bulk", [])?;
    Ok(())
}
