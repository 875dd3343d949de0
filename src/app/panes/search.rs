//! The search overlay (`/` from anywhere): state, the index service, keys.

use crossterm::event::KeyEvent;

use super::Ctx;
use crate::app::keymap::Binding;
use crate::app::state::AppState;
use crate::app::update::Requests;

/// This pane's keys (scope `Scope::Search`), shown in help and hints.
pub const BINDINGS: &[Binding] = &[];

#[derive(Debug, Clone, Default)]
pub struct State {
    /// The overlay is open and has the keys.
    pub open: bool,
}

#[derive(Debug, Clone)]
pub enum Request {
    Query(String),
}

#[derive(Debug, Clone)]
pub enum Response {
    Results,
}

/// The search index and its worker, kept on the database thread.
#[derive(Default)]
pub struct Service {}

pub fn handle(_ctx: &mut Ctx, req: Request) {
    match req {
        Request::Query(_) => {}
    }
}

pub fn on_response(_s: &mut AppState, r: Response) -> Requests {
    match r {
        Response::Results => Vec::new(),
    }
}

/// Keys while the overlay is open; None when it is closed.
pub fn on_key(s: &mut AppState, _key: &KeyEvent) -> Option<Requests> {
    if !s.search.open {
        return None;
    }
    None
}

pub fn refresh(_s: &mut AppState) -> Requests {
    Vec::new()
}
