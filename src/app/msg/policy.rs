//! What the policy screen asks of the database thread, and the answers.

use crate::app::panes::policy::write::Write;
use crate::db::{PolicyTree, Suggestion};

#[derive(Debug, Clone)]
pub enum Request {
    Load,
    Suggest,
    Write(Write),
}

#[derive(Debug, Clone)]
pub enum Response {
    Loaded(Box<PolicyTree>),
    Suggestions(Vec<Suggestion>),
    Written {
        op: Box<Write>,
        /// (change set, created id)
        result: Result<(Option<i64>, Option<i64>), String>,
    },
    Failed(String),
}
