//! What the attendance screen holds: plain data (and the few methods that keep
//! it consistent), read by its keys, its drawing and `AppState`.

use std::cell::Cell;

use super::view::{self, Sort, View};
use crate::db::attendance::Matrix;
use crate::widget::text_input::TextInput;

/// How many rows and meeting columns the last frame had room for. Drawing
/// writes it (it is the only thing it writes) so that paging and scrolling
/// move by what is on screen; what is drawn never depends on it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Page {
    pub rows: usize,
    pub cols: usize,
}

#[derive(Debug, Clone, Default)]
pub struct State {
    /// Whether the pane has asked for its data yet.
    pub loaded: bool,
    /// A load is on its way (the old matrix stays on screen meanwhile).
    pub loading: bool,
    /// The fiscal years shown (first, last); None until the first load.
    pub years: Option<(i32, i32)>,
    pub matrix: Option<Matrix>,
    pub view: View,
    pub sort: Sort,
    /// Also show titles that attended none of the meetings.
    pub show_all: bool,
    /// The fuzzy filter on titles.
    pub filter: TextInput,
    /// The filter line has the keys.
    pub filtering: bool,
    /// The cursor: index into `view.rows`, and a meeting column.
    pub row: usize,
    pub col: usize,
    /// The first row and column scrolled into view.
    pub top: usize,
    pub left: usize,
    pub page: Cell<Page>,
    /// A title picked to be merged (id, label); `m` on another row merges it there.
    pub merge_from: Option<(i64, String)>,
    /// The pictures (a sparkline per title, a bar per meeting's rate)
    /// instead of the matrix.
    pub chart: bool,
}

impl State {
    /// The title id under the cursor.
    pub fn cursor_title(&self) -> Option<i64> {
        let m = self.matrix.as_ref()?;
        let t = *self.view.rows.get(self.row)?;
        m.titles.get(t).map(|t| t.id)
    }

    /// The meeting id under the cursor.
    pub fn cursor_meeting(&self) -> Option<i64> {
        self.matrix.as_ref()?.meetings.get(self.col).map(|m| m.id)
    }

    /// Recompute the rows after the data, sort or filter changed, keeping
    /// the cursor on the same title and meeting where they still show.
    pub fn rebuild(&mut self) {
        let (title, meeting) = (self.cursor_title(), self.cursor_meeting());
        self.rebuild_keeping(title, meeting);
    }

    pub(crate) fn rebuild_keeping(&mut self, title: Option<i64>, meeting: Option<i64>) {
        let Some(m) = &self.matrix else {
            self.view = View::default();
            return;
        };
        self.view = view::compute(m, self.sort, self.show_all, self.filter.text());
        let row = title
            .and_then(|id| m.title_index(id))
            .and_then(|t| self.view.rows.iter().position(|r| *r == t));
        self.row = row.unwrap_or(self.row.min(self.view.rows.len().saturating_sub(1)));
        let col = meeting.and_then(|id| m.meeting_index(id));
        self.col = col.unwrap_or(self.col.min(m.meetings.len().saturating_sub(1)));
        self.scroll_to_cursor();
    }

    /// Rows and columns a page holds (a guess before the first frame).
    pub fn page_size(&self) -> Page {
        let p = self.page.get();
        Page {
            rows: if p.rows == 0 { 10 } else { p.rows },
            cols: if p.cols == 0 { 5 } else { p.cols },
        }
    }

    /// Scroll just enough to show the cursor.
    pub fn scroll_to_cursor(&mut self) {
        let p = self.page_size();
        let cols = self.matrix.as_ref().map_or(0, |m| m.meetings.len());
        self.top = first_shown(self.top, self.row, p.rows, self.view.rows.len());
        self.left = first_shown(self.left, self.col, p.cols, cols);
    }
}

/// The first of `visible` items (out of `total`) to show so that `cursor`
/// is among them, moving as little as possible from `first` and leaving no
/// room unused at the end. Drawing uses the same rule.
pub fn first_shown(first: usize, cursor: usize, visible: usize, total: usize) -> usize {
    let visible = visible.max(1);
    first
        .min(cursor)
        .max((cursor + 1).saturating_sub(visible))
        .min(total.saturating_sub(visible))
}
