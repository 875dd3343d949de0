//! Where an import lands: the row of what was just imported, so the app can
//! show it (the first meeting of a minutes page, the plan of a policy page).

use rusqlite::{params, OptionalExtension};

use super::{Result, Store};
use crate::model::Dataset;

/// What the app shows after an import.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Landing {
    /// A meeting (and its fiscal year, for the calendar).
    Meeting {
        id: i64,
        fiscal_year: i32,
    },
    /// A plan and its first top-level node, if it has one.
    Plan {
        id: i64,
        first_node: Option<i64>,
    },
    Nothing,
}

impl Store {
    /// The row of the first meeting, else of the first plan, of `data`
    /// (looked up by the natural keys the import merges on).
    pub fn landing(&self, data: &Dataset) -> Result<Landing> {
        if let Some(m) = data.meetings.first() {
            let id: Option<i64> = self
                .conn
                .query_row(
                    "SELECT m.id FROM meetings m JOIN committees c ON c.id = m.committee_id
                     WHERE c.name = ?1 AND m.fiscal_year = ?2 AND m.number = ?3",
                    params![m.committee, m.fiscal_year, m.number],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(id) = id {
                return Ok(Landing::Meeting {
                    id,
                    fiscal_year: m.fiscal_year,
                });
            }
        }
        let Some(p) = data.plans.first() else {
            return Ok(Landing::Nothing);
        };
        let id: Option<i64> = self
            .conn
            .query_row(
                "SELECT id FROM plans WHERE kind = ?1 AND title = ?2 AND organisation = ?3
                 AND fiscal_year IS ?4",
                params![p.kind, p.title, p.organisation, p.fiscal_year],
                |r| r.get(0),
            )
            .optional()?;
        let Some(id) = id else {
            return Ok(Landing::Nothing);
        };
        let first_node = self
            .conn
            .query_row(
                "SELECT id FROM plan_nodes WHERE plan_id = ?1 AND parent_id IS NULL
                 ORDER BY position LIMIT 1",
                [id],
                |r| r.get(0),
            )
            .optional()?;
        Ok(Landing::Plan { id, first_node })
    }
}
