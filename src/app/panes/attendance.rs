//! The 出席 (attendance matrix) pane: job titles × the meetings of a fiscal
//! year or a range of years, one cell per (title, meeting). State, requests
//! to the database thread and responses; keys are in `keys`, what the rows
//! are in `view`, drawing in `crate::ui::attendance`.

pub mod draw;
mod keys;
pub mod view;

pub use crate::app::msg::attendance::{Request, Response};
use std::cell::Cell;

pub use keys::{on_key, on_paste, BINDINGS};
pub use view::{Sort, View};

use super::Ctx;
use crate::app::msg::Request as WorkerRequest;
use crate::app::msg::Requests;
use crate::app::state::AppState;
use crate::db::attendance::Matrix;
use crate::ui::text_input::TextInput;

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

    fn rebuild_keeping(&mut self, title: Option<i64>, meeting: Option<i64>) {
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

pub fn handle(ctx: &mut Ctx, req: Request) {
    let send = |ctx: &Ctx, r| ctx.send(super::PaneResponse::Attendance(r));
    match req {
        Request::Load { years } => {
            let years = years.unwrap_or_else(|| {
                let fy = ctx
                    .store
                    .fiscal_years()
                    .ok()
                    .and_then(|y| y.last().copied())
                    .unwrap_or_else(|| {
                        crate::wareki::fiscal_year(chrono::Local::now().date_naive())
                    });
                (fy, fy)
            });
            match ctx.store.attendance_matrix(years.0, years.1) {
                Ok(m) => send(ctx, Response::Loaded(Box::new(m))),
                Err(e) => send(ctx, Response::Failed(e.to_string())),
            }
        }
        Request::Toggle {
            meeting,
            title,
            attend,
        } => {
            let result = ctx.store.set_attendance(meeting, title, attend);
            let done = if attend {
                "出席を記録しました（u で取り消し）"
            } else {
                "出席を取り消しました（u で元に戻す）"
            };
            let result = result
                .map(|_| ctx.store.last_batch())
                .map_err(|e| e.to_string());
            send(
                ctx,
                Response::Written {
                    done: done.into(),
                    result,
                },
            );
        }
        Request::Merge {
            from,
            into,
            from_name,
            into_name,
        } => {
            let result = ctx
                .store
                .merge_job_titles(from, into)
                .map(|_| ctx.store.last_batch())
                .map_err(|e| e.to_string());
            let done = format!("「{from_name}」を「{into_name}」に統合しました（u で取り消し）");
            send(ctx, Response::Written { done, result });
        }
        Request::Split { title, name } => {
            let result = ctx
                .store
                .split_job_title(title)
                .map(|_| ctx.store.last_batch())
                .map_err(|e| e.to_string());
            let done = format!("「{name}」から旧職名を分けました（u で取り消し）");
            send(ctx, Response::Written { done, result });
        }
    }
}

pub fn on_response(s: &mut AppState, r: Response) -> Requests {
    match r {
        Response::Loaded(m) => {
            let a = &mut s.attendance;
            if a.years.is_some_and(|y| y != (m.first_year, m.last_year)) {
                // Other years were asked for since; their matrix is on its way.
                return Vec::new();
            }
            let (title, meeting) = (a.cursor_title(), a.cursor_meeting());
            a.years = Some((m.first_year, m.last_year));
            a.matrix = Some(*m);
            a.loading = false;
            a.rebuild_keeping(title, meeting);
            Vec::new()
        }
        Response::Failed(e) => {
            s.attendance.loading = false;
            s.error(e);
            Vec::new()
        }
        Response::Written { done, result } => {
            match result {
                Ok(batch) => {
                    s.record_batch(batch);
                    s.info(done);
                }
                Err(e) => s.error(format!("保存できませんでした: {e}")),
            }
            // Reload this pane (undoing a failed optimistic change too), the
            // other panes and the meeting the calendar shows.
            let mut r = super::refresh(s);
            if let Some(d) = &s.calendar.detail {
                r.push(WorkerRequest::LoadMeeting(d.meeting.id));
            }
            r
        }
    }
}

pub fn on_enter(s: &mut AppState) -> Requests {
    if s.attendance.loaded {
        return Vec::new();
    }
    s.attendance.loaded = true;
    // Start at the fiscal year the calendar shows, once it has one.
    let years = s.attendance.years.or_else(|| {
        let c = &s.calendar;
        (!c.loading && !c.meetings.is_empty()).then_some((c.fiscal_year, c.fiscal_year))
    });
    load(s, years)
}

/// Ask for the matrix of `years`.
pub fn load(s: &mut AppState, years: Option<(i32, i32)>) -> Requests {
    s.attendance.loaded = true;
    s.attendance.loading = true;
    if years.is_some() {
        s.attendance.years = years;
    }
    vec![super::request(super::PaneRequest::Attendance(
        Request::Load { years },
    ))]
}

pub fn refresh(s: &mut AppState) -> Requests {
    if s.attendance.loaded {
        s.attendance.loaded = false;
        return on_enter(s);
    }
    Vec::new()
}
