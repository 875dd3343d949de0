//! What the search screen holds: plain data (and the few methods that keep
//! it consistent), read by its keys, its drawing and `AppState`.

use crate::search::related::RelatedGroup;
use crate::search::resolve::{Context, ResultRow};
use crate::search::Query;
use crate::widget::text_input::TextInput;

/// How far the index is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum IndexStatus {
    #[default]
    NotStarted,
    Building {
        done: usize,
        total: usize,
    },
    Ready {
        entries: usize,
        millis: u64,
    },
    Failed(String),
}

#[derive(Debug, Clone, Default)]
pub struct State {
    /// The overlay is open and has the keys.
    pub open: bool,
    pub input: TextInput,
    /// The number of the last query sent.
    pub seq: u64,
    /// The query the results answer (for highlighting).
    pub shown: Query,
    pub shown_seq: u64,
    pub results: Vec<ResultRow>,
    /// Entries matched in all.
    pub total: usize,
    pub error: Option<String>,
    /// How long the last search took (microseconds).
    pub micros: u64,
    pub selected: usize,
    /// The selected result in its meeting: (kind, id) and the context.
    pub context: Option<(crate::search::DocKind, i64, Context)>,
    pub index: IndexStatus,
    /// Related items of the meeting shown in the calendar.
    pub related: Option<(i64, Vec<RelatedGroup>)>,
    /// Earlier queries (Ctrl-R, ↑ on the first result).
    pub history: super::history::History,
}

impl State {
    pub fn selected_row(&self) -> Option<&ResultRow> {
        self.results.get(self.selected)
    }
}
