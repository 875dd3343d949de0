//! The 出席 (attendance matrix) pane: job titles × the meetings of a fiscal
//! year or a range of years, one cell per (title, meeting). State, requests
//! to the database thread and responses; keys are in `keys`, what the rows
//! are in `view`, drawing in `draw`, state in `state`.

pub mod chart;
pub mod draw;
mod keys;
pub mod state;
pub mod view;

pub use crate::app::msg::attendance::{Request, Response};
pub use state::{first_shown, Page, State};

pub use keys::{on_key, on_paste, BINDINGS};
pub use view::{Sort, View};

use super::Ctx;
use crate::app::msg::Request as WorkerRequest;
use crate::app::msg::Requests;
use crate::app::state::AppState;

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
