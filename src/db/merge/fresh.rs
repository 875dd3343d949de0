//! The opinions of an item this import has just added: nothing in the
//! database can match them, so they are added without lookups, at the
//! positions 0, 1, 2 … (what the `max(position) + 1` subquery would give),
//! several rows per INSERT statement (one statement execution, bind and
//! statement journal per [`ROWS_MAX`] opinions instead of per opinion).

use std::collections::HashSet;

use rusqlite::ToSql;

use super::row::ImportReport;
use crate::db::built::{RowJson, OPINIONS};
use crate::db::{Result, Tx};
use crate::model::Opinion;

/// The most opinions one INSERT adds.
pub const ROWS_MAX: usize = 16;

/// Values bound per opinion (`now` and the user are bound once).
const PER_ROW: usize = 10;

/// The opinions merged so far into an item this import added.
pub struct Fresh<'a> {
    /// Their texts: the same text again merges into the first (upsert).
    pub seen: HashSet<&'a str>,
    next_position: i64,
    /// Added at the next [`Fresh::flush`].
    queue: Vec<Queued<'a>>,
}

struct Queued<'a> {
    op: &'a Opinion,
    kind: &'static str,
    visibility: &'static str,
    position: i64,
    speaker: Option<i64>,
    due: Option<String>,
}

impl<'a> Fresh<'a> {
    pub fn new() -> Fresh<'a> {
        Fresh {
            seen: HashSet::new(),
            next_position: 0,
            queue: Vec::new(),
        }
    }

    /// Add `op` at the next position (at the next flush).
    pub fn push(&mut self, op: &'a Opinion, speaker: Option<i64>, due: Option<String>) {
        self.queue.push(Queued {
            op,
            kind: op.kind.as_str(),
            visibility: op.visibility.as_str(),
            position: self.next_position,
            speaker,
            due,
        });
        self.next_position += 1;
    }

    /// Insert the queued opinions under `item_id`, up to `rows_max` per
    /// statement (1 when ids might not be consecutive: see
    /// [`Tx::insert_rows`]).
    pub fn flush(
        &mut self,
        tx: &Tx,
        item_id: i64,
        now: &str,
        rows_max: usize,
        sql: &mut Statements,
        report: &mut ImportReport,
    ) -> Result<()> {
        let user = tx.user();
        for chunk in self.queue.chunks(rows_max.max(1)) {
            let mut params: Vec<&dyn ToSql> = Vec::with_capacity(2 + PER_ROW * chunk.len());
            params.push(&now);
            params.push(&user);
            for q in chunk {
                let op = q.op;
                params.extend_from_slice(&[
                    &item_id as &dyn ToSql,
                    &q.position,
                    &op.text,
                    &q.kind,
                    &q.speaker,
                    &q.visibility,
                    &op.owner,
                    &q.due,
                    &op.closed_at,
                    &op.closed_by,
                ]);
            }
            let image = |k: usize, id: i64| {
                let q: &Queued = &chunk[k];
                let op = q.op;
                RowJson::new(id)
                    .int(item_id)
                    .int(q.position)
                    .text(&op.text)
                    .text(q.kind)
                    .opt_int(q.speaker)
                    .text(q.visibility)
                    .opt_text(op.owner.as_deref())
                    .opt_text(q.due.as_deref())
                    .opt_text(op.closed_at.as_deref())
                    .opt_text(op.closed_by.as_deref())
                    .int(1) // version: its default
                    .text(now)
                    .text(user)
                    .text(now)
                    .text(user)
                    .done()
            };
            let statement = sql.get(chunk.len());
            tx.insert_rows_built(&OPINIONS, statement, &params, chunk.len(), image)?;
            report.opinions_added += chunk.len();
        }
        self.queue.clear();
        Ok(())
    }
}

impl Default for Fresh<'_> {
    fn default() -> Self {
        Fresh::new()
    }
}

/// The INSERT for 1 ..= [`ROWS_MAX`] opinions, each text made once.
#[derive(Default)]
pub struct Statements(Vec<String>);

impl Statements {
    fn get(&mut self, rows: usize) -> &str {
        while self.0.len() < rows {
            let n = self.0.len() + 1;
            self.0.push(insert_sql(n));
        }
        &self.0[rows - 1]
    }
}

/// `INSERT INTO opinions … VALUES (…), (…)` for `rows` opinions: ?1 the
/// time, ?2 the user, then [`PER_ROW`] values per opinion.
fn insert_sql(rows: usize) -> String {
    let mut sql = String::from(
        "INSERT INTO opinions (item_id, position, text, kind, speaker_title_id, visibility,
           owner, due_date, closed_at, closed_by, created_at, created_by, updated_at, updated_by)
         VALUES ",
    );
    for r in 0..rows {
        let b = 2 + r * PER_ROW;
        if r > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for k in 1..=PER_ROW {
            sql.push_str(&format!("?{}, ", b + k));
        }
        sql.push_str("?1, ?2, ?1, ?2)");
    }
    sql
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_number_their_values_per_row() {
        let two = insert_sql(2);
        assert!(two.contains("(?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?1, ?2, ?1, ?2)"));
        assert!(two.contains("(?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?1, ?2, ?1, ?2)"));
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE opinions (id INTEGER PRIMARY KEY, item_id, position, text, kind,
               speaker_title_id, visibility, owner, due_date, closed_at, closed_by,
               created_at, created_by, updated_at, updated_by)",
        )
        .unwrap();
        let stmt = conn.prepare(&insert_sql(ROWS_MAX)).unwrap();
        assert_eq!(stmt.parameter_count(), 2 + PER_ROW * ROWS_MAX);
    }
}
