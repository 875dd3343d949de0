//! The import overlay's state: the path being typed, the file being read,
//! the report shown as a preview (nothing written yet), the import being
//! written. Plain data; the preview is built on the database thread.

use crate::model::Dataset;
use crate::widget::text_input::TextInput;

#[derive(Debug, Default)]
pub struct State {
    pub overlay: Option<Overlay>,
}

#[derive(Debug)]
pub enum Overlay {
    /// Typing the file's path; Tab completes, the candidates are shown.
    Path {
        input: TextInput,
        candidates: Vec<String>,
    },
    /// The database thread is reading the file.
    Reading { file: String },
    /// What the file holds, before anything is written; `cursor`: the
    /// selected line of the report (j/k, PgUp/PgDn move it).
    Preview {
        preview: Box<Preview>,
        cursor: usize,
    },
    /// The import is being written.
    Writing { file: String },
}

/// How a preview line is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Heading,
    Text,
    Warning,
    Error,
}

/// The report of a file, as `kusei import --dry-run` prints it.
#[derive(Debug, Clone)]
pub struct Preview {
    pub file: String,
    pub lines: Vec<(Tone, String)>,
    pub outcome: Outcome,
}

#[derive(Debug, Clone)]
pub enum Outcome {
    /// Read whole: Enter imports it.
    Ready(Box<Dataset>),
    /// Cut off before its end: refused, but what is complete up to the last
    /// complete section can be imported by choice.
    Cut(Box<Dataset>),
    /// Not importable (errors with file and line are in the lines).
    Failed,
}

impl Preview {
    /// What Enter (or the partial choice) would write.
    pub fn importable(&self, partial: bool) -> Option<&Dataset> {
        match (&self.outcome, partial) {
            (Outcome::Ready(d), false) | (Outcome::Cut(d), true) => Some(d),
            _ => None,
        }
    }
}
