//! The import overlay's requests to the database thread and its answers.

use std::path::PathBuf;

use crate::app::panes::import::state::Preview;
use crate::db::landing::Landing;
use crate::model::Dataset;

#[derive(Debug, Clone)]
pub enum Request {
    /// Read the file and report what it holds; nothing is written.
    Read(PathBuf),
    /// Write what the preview showed, in one transaction.
    Import { file: String, data: Box<Dataset> },
}

#[derive(Debug, Clone)]
pub enum Response {
    Read(Box<Preview>),
    /// The import's summary and change set, and where it landed.
    Imported {
        file: String,
        result: Result<(String, Option<i64>, Landing), String>,
    },
}
