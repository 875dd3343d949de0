//! The screens, each in its own module with the same shape: its `State`
//! (`<name>/state.rs`), the `Request`s it sends to the database thread and
//! the `Response`s it gets back (`app/msg/<name>.rs`), `handle` (runs on
//! the database thread), `on_response`, `on_enter` (the tab was opened),
//! `on_key`, `refresh` (someone changed the data), its key `BINDINGS` and
//! its drawing (`<name>/draw.rs`). The calendar is reached through
//! `update::apply` instead (see its module). This file only routes.

pub mod attendance;
pub mod calendar;
pub mod history;
pub mod import;
pub mod minutes;
pub mod policy;
pub mod progress;
pub mod search;

use std::sync::mpsc::Sender;

use crossterm::event::KeyEvent;

use super::state::{AppState, Tab};
use crate::app::msg::Requests;
pub use crate::app::msg::{PaneRequest, PaneResponse};
use crate::app::msg::{Request, Response};
use crate::db::Store;

/// What a pane's `handle` may use on the database thread. `out` sends
/// responses (also from threads a pane starts, like the search index).
pub struct Ctx<'a> {
    pub store: &'a mut Store,
    pub out: &'a Sender<Response>,
    pub services: &'a mut Services,
}

impl Ctx<'_> {
    pub fn send(&self, r: PaneResponse) {
        // The screen may be gone at shutdown.
        let _ = self.out.send(Response::Pane(r));
    }
}

/// Long-lived helpers the panes keep on the database thread.
#[derive(Default)]
pub struct Services {
    pub search: search::Service,
}

pub fn handle(ctx: &mut Ctx, req: PaneRequest) {
    match req {
        PaneRequest::Attendance(r) => attendance::handle(ctx, r),
        PaneRequest::Import(r) => import::handle(ctx, r),
        PaneRequest::History(r) => history::handle(ctx, r),
        PaneRequest::Policy(r) => policy::handle(ctx, r),
        PaneRequest::Progress(r) => progress::handle(ctx, r),
        PaneRequest::Search(r) => search::handle(ctx, r),
    }
}

pub fn on_response(s: &mut AppState, r: PaneResponse) -> Requests {
    match r {
        PaneResponse::Attendance(r) => attendance::on_response(s, r),
        PaneResponse::Import(r) => import::on_response(s, r),
        PaneResponse::History(r) => history::on_response(s, r),
        PaneResponse::Policy(r) => policy::on_response(s, r),
        PaneResponse::Progress(r) => progress::on_response(s, r),
        PaneResponse::Search(r) => search::on_response(s, r),
    }
}

/// The user switched to `tab`.
pub fn on_enter(s: &mut AppState, tab: Tab) -> Requests {
    match tab {
        Tab::Meetings => Vec::new(),
        Tab::Attendance => attendance::on_enter(s),
        Tab::Policy => policy::on_enter(s),
        Tab::Progress => progress::on_enter(s),
    }
}

/// A key for the pane of the current tab; None when the pane does not use
/// it (the global keys get it then).
pub fn on_key(s: &mut AppState, key: &KeyEvent) -> Option<Requests> {
    match s.tab {
        Tab::Meetings => None,
        Tab::Attendance => attendance::on_key(s, key),
        Tab::Policy => policy::on_key(s, key),
        Tab::Progress => progress::on_key(s, key),
    }
}

/// Data changed (another process, an undo, a write elsewhere): reload
/// what the panes show.
pub fn refresh(s: &mut AppState) -> Requests {
    let mut r = attendance::refresh(s);
    r.extend(policy::refresh(s));
    r.extend(progress::refresh(s));
    r.extend(search::refresh(s));
    r
}

pub fn request(r: PaneRequest) -> Request {
    Request::Pane(r)
}
