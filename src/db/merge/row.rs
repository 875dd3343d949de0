//! The step every merge repeats: find a row by its natural key, update it
//! when its values differ, add it when it is missing — and count which.

use rusqlite::{OptionalExtension, ToSql};

use crate::db::built::Shape;
use crate::db::{Result, Tx};

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportReport {
    pub meetings_added: usize,
    pub meetings_updated: usize,
    pub items_added: usize,
    pub opinions_added: usize,
    pub plans_added: usize,
    pub nodes_added: usize,
    /// Departments, notes, progress entries, indicators and milestones added.
    pub details_added: usize,
    /// Rows of any kind whose values changed.
    pub rows_updated: usize,
}

impl ImportReport {
    pub fn changed_nothing(&self) -> bool {
        *self == ImportReport::default()
    }

    /// What the import did, as the command and the app say it: the counts
    /// that are not zero ("読み込みました: 計画 1 件、項目 13 件").
    pub fn summary_ja(&self) -> String {
        let parts = [
            ("会議", self.meetings_added, " 件追加"),
            ("会議", self.meetings_updated, " 件更新"),
            ("議題", self.items_added, " 件"),
            ("意見", self.opinions_added, " 件"),
            ("計画", self.plans_added, " 件"),
            ("項目", self.nodes_added, " 件"),
            ("その他の追加", self.details_added, " 件"),
            ("その他の更新", self.rows_updated, " 件"),
        ];
        let said: Vec<String> = parts
            .iter()
            .filter(|(_, n, _)| *n > 0)
            .map(|(what, n, how)| format!("{what} {n}{how}"))
            .collect();
        if said.is_empty() {
            return "変更はありません（すでに読み込み済みです）".into();
        }
        format!("読み込みました: {}", said.join("、"))
    }

    /// Count `m`: an update in `rows_updated`, an addition in the counter
    /// `added` picks (none for rows the report does not count).
    pub fn tally(&mut self, m: Merged, added: Option<fn(&mut ImportReport) -> &mut usize>) -> i64 {
        match m {
            Merged::Kept(id) => id,
            Merged::Updated(id) => {
                self.rows_updated += 1;
                id
            }
            Merged::Added(id) => {
                if let Some(counter) = added {
                    *counter(self) += 1;
                }
                id
            }
        }
    }
}

/// One row to merge into `table`.
pub struct Upsert<'a> {
    pub table: &'static str,
    /// `SELECT id FROM … WHERE <natural key>`, with `key` as its parameters.
    pub find: &'a str,
    pub key: &'a [&'a dyn ToSql],
    /// `UPDATE … WHERE id = ?1 AND (…) IS NOT (…)`: ?1 is the found id, the
    /// values follow from ?2. None: a found row is left as it is.
    pub update: Option<(&'a str, &'a [&'a dyn ToSql])>,
    /// `INSERT …` with `row` as its parameters.
    pub insert: &'a str,
    pub row: &'a [&'a dyn ToSql],
}

/// What [`upsert`] did, and the row's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Merged {
    Kept(i64),
    Updated(i64),
    Added(i64),
}

impl Merged {
    pub fn id(self) -> i64 {
        match self {
            Merged::Kept(id) | Merged::Updated(id) | Merged::Added(id) => id,
        }
    }
}

pub fn upsert(tx: &Tx, u: Upsert) -> Result<Merged> {
    let found: Option<i64> = tx
        .conn()
        .prepare_cached(u.find)?
        .query_row(u.key, |r| r.get(0))
        .optional()?;
    let Some(id) = found else {
        return Ok(Merged::Added(tx.insert(u.table, u.insert, u.row)?));
    };
    let Some((sql, values)) = u.update else {
        return Ok(Merged::Kept(id));
    };
    let mut params: Vec<&dyn ToSql> = Vec::with_capacity(values.len() + 1);
    params.push(&id);
    params.extend_from_slice(values);
    Ok(if tx.update(u.table, id, sql, params.as_slice())? {
        Merged::Updated(id)
    } else {
        Merged::Kept(id)
    })
}

/// [`upsert`] for a row under a parent this import has just added: nothing
/// in the database can match it, so the lookup is skipped — unless the file
/// names the same key twice under that parent (`first` is false), when the
/// row merges into the earlier one as usual. An added row's after-image
/// is `image(id)`, built from `u.row` for a table of `shape` (see
/// `db::built`).
pub fn add_under_new(
    tx: &Tx,
    u: Upsert,
    first: bool,
    shape: &Shape,
    image: impl FnOnce(i64) -> String,
) -> Result<Merged> {
    if !first {
        return upsert(tx, u);
    }
    Ok(Merged::Added(
        tx.insert_built(shape, u.insert, u.row, image)?,
    ))
}
