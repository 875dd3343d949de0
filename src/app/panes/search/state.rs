//! What the search screen holds: plain data (and the few methods that keep
//! it consistent), read by its keys, its drawing and `AppState`.

use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::Range;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::search::related::RelatedGroup;
use crate::search::resolve::{Context, ResultRow};
use crate::search::Query;
use crate::ui::Theme;
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
    /// Queries go straight to the search service once it has started
    /// (not through the database thread).
    pub direct: Option<crate::search::service::Direct>,
    /// Earlier queries (Ctrl-R, ↑ on the first result).
    pub history: super::history::History,
    /// Highlights drawn, by text, for the query they were made for: the
    /// overlay is drawn on every refresh (a viewer drew ~80 frames in 30 s
    /// while a colleague took minutes) and its rows seldom change.
    pub marks: RefCell<(Query, Marks)>,
    /// The overlay's cells as last drawn and what they were drawn from
    /// (`draw.rs`): a frame for something else (the status line's "N秒前"
    /// every second, a colleague's change set) copies them.
    pub drawn: RefCell<Drawn>,
}

/// The overlay's cells as last drawn, and everything they were drawn from.
#[derive(Debug, Clone, Default)]
pub struct Drawn {
    from: Option<Box<DrawnFrom>>,
    cells: Vec<ratatui::buffer::Cell>,
}

/// What the overlay's cells are a function of.
#[derive(Debug, Clone, PartialEq)]
struct DrawnFrom {
    area: Rect,
    theme: Theme,
    text: String,
    caret: usize,
    seq: u64,
    shown: Query,
    shown_seq: u64,
    results: Vec<ResultRow>,
    total: usize,
    error: Option<String>,
    micros: u64,
    selected: usize,
    context: Option<(crate::search::DocKind, i64, Context)>,
    index: IndexStatus,
}

impl Drawn {
    /// Whether the cells kept are what `st` in `area` would draw.
    pub fn matches(&self, area: Rect, st: &State, theme: &Theme) -> bool {
        self.from.as_deref().is_some_and(|f| {
            f.area == area
                && f.seq == st.seq
                && f.shown_seq == st.shown_seq
                && f.selected == st.selected
                && f.total == st.total
                && f.micros == st.micros
                && f.caret == st.input.caret()
                && f.text == st.input.text()
                && f.error == st.error
                && f.index == st.index
                && f.results == st.results
                && f.context == st.context
                && f.shown == st.shown
                && f.theme == *theme
        })
    }

    /// Keep the cells of `area` just drawn from `st`.
    pub fn keep(&mut self, buf: &Buffer, area: Rect, st: &State, theme: &Theme) {
        self.cells.clear();
        for row in rows_within(area, buf.area) {
            let at = buf.index_of(row.x, row.y);
            self.cells
                .extend_from_slice(&buf.content[at..at + usize::from(row.width)]);
        }
        self.from = Some(Box::new(DrawnFrom {
            area,
            theme: theme.clone(),
            text: st.input.text().to_string(),
            caret: st.input.caret(),
            seq: st.seq,
            shown: st.shown.clone(),
            shown_seq: st.shown_seq,
            results: st.results.clone(),
            total: st.total,
            error: st.error.clone(),
            micros: st.micros,
            selected: st.selected,
            context: st.context.clone(),
            index: st.index.clone(),
        }));
    }

    /// Put the cells kept back into `area` of `buf`.
    pub fn paste(&self, buf: &mut Buffer, area: Rect) {
        let mut from = 0;
        for row in rows_within(area, buf.area) {
            let at = buf.index_of(row.x, row.y);
            let n = usize::from(row.width);
            let Some(cells) = self.cells.get(from..from + n) else {
                return;
            };
            buf.content[at..at + n].clone_from_slice(cells);
            from += n;
        }
    }
}

/// The one-line rows of `area` that lie inside `bounds`, top to bottom
/// (what [`Drawn::keep`] copies and [`Drawn::paste`] puts back).
fn rows_within(area: Rect, bounds: Rect) -> impl Iterator<Item = Rect> {
    (area.top()..area.bottom())
        .map(move |y| {
            Rect {
                y,
                height: 1,
                ..area
            }
            .intersection(bounds)
        })
        .filter(|row| !row.is_empty())
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
