//! What the attendance screen asks of the database thread, and the answers.

use crate::db::attendance::Matrix;

#[derive(Debug, Clone)]
pub enum Request {
    /// The matrix of these fiscal years (None: the latest year with meetings).
    Load { years: Option<(i32, i32)> },
    /// Mark `title` (a row) as attending `meeting`, or not.
    Toggle {
        meeting: i64,
        title: i64,
        attend: bool,
    },
    /// Merge the row `from` (the former name) into the row `into`.
    Merge {
        from: i64,
        into: i64,
        from_name: String,
        into_name: String,
    },
    /// Give the names merged into `title` their own rows again.
    Split { title: i64, name: String },
}

#[derive(Debug, Clone)]
pub enum Response {
    Loaded(Box<Matrix>),
    Failed(String),
    /// A write finished: what it did (for the status line) and its change
    /// set (for undo), or why it failed.
    Written {
        done: String,
        result: Result<Option<i64>, String>,
    },
}
