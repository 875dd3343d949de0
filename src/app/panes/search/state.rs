//! What the search screen holds: plain data (and the few methods that keep
//! it consistent), read by its keys, its drawing and `AppState`.

use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::Range;

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
    /// Highlights drawn, by text, for the query they were made for: the
    /// overlay is drawn on every refresh (a viewer drew ~80 frames in 30 s
    /// while a colleague took minutes) and its rows seldom change.
    pub marks: RefCell<(Query, Marks)>,
}

/// Highlighted byte ranges by text.
pub type Marks = HashMap<String, Vec<Range<usize>>>;

/// Texts whose highlights are kept at most (then the memo starts again).
const MARKS_KEPT: usize = 2_000;

impl State {
    /// `highlight(text, q)`, remembered until the query changes.
    pub fn marks(&self, text: &str, q: &Query) -> Vec<Range<usize>> {
        let Ok(mut memo) = self.marks.try_borrow_mut() else {
            return crate::search::highlight(text, q);
        };
        if memo.0 != *q || memo.1.len() >= MARKS_KEPT {
            *memo = (q.clone(), HashMap::new());
        }
        memo.1
            .entry(text.to_string())
            .or_insert_with(|| crate::search::highlight(text, q))
            .clone()
    }

    pub fn selected_row(&self) -> Option<&ResultRow> {
        self.results.get(self.selected)
    }
}
