//! What the progress screen asks of the database thread, and the answers.

use crate::app::panes::progress::write::Write;
use crate::db::progress_board::ProgressData;

#[derive(Debug, Clone)]
pub enum Request {
    Load,
    Write(Write),
}

#[derive(Debug, Clone)]
pub enum Response {
    Loaded(Box<ProgressData>),
    Failed(String),
    Written {
        message: String,
        result: Result<Option<i64>, String>,
    },
}
