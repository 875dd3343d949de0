//! What the history overlay (履歴) asks of the database thread, and the
//! answers.

use crate::db::history::{History, Locator};

#[derive(Debug, Clone)]
pub enum Request {
    /// The history of a row; `title` names it in the overlay.
    Load { at: Locator, title: String },
    /// Put back what audit record `audit_id` left, if the row is still
    /// what the history showed (`opened`: its fingerprint then).
    Restore { audit_id: i64, opened: i64 },
    /// The history of this user's newest audited change (`u` with nothing
    /// to undo in this session: undo after a restart).
    LatestOwn,
}

#[derive(Debug, Clone)]
pub enum Response {
    /// None: the row was never written (a progress cell).
    Loaded {
        title: String,
        history: Option<Box<History>>,
    },
    Restored {
        result: Result<Option<i64>, String>,
        /// A colleague changed (or deleted) the row since it was shown.
        conflict: bool,
    },
    Failed(String),
}
