//! The 運営方針 (policy tree) pane: state, requests to the database thread, keys.

use crossterm::event::KeyEvent;

use super::Ctx;
use crate::app::keymap::Binding;
use crate::app::state::AppState;
use crate::app::update::Requests;

/// This pane's keys (scope `Scope::Policy`), shown in help and hints.
pub const BINDINGS: &[Binding] = &[];

#[derive(Debug, Clone, Default)]
pub struct State {
    /// Whether the pane has asked for its data yet.
    pub loaded: bool,
}

#[derive(Debug, Clone)]
pub enum Request {
    Load,
}

#[derive(Debug, Clone)]
pub enum Response {
    Loaded,
}

pub fn handle(ctx: &mut Ctx, req: Request) {
    match req {
        Request::Load => ctx.send(super::PaneResponse::Policy(Response::Loaded)),
    }
}

pub fn on_response(s: &mut AppState, r: Response) -> Requests {
    match r {
        Response::Loaded => s.policy.loaded = true,
    }
    Vec::new()
}

pub fn on_enter(s: &mut AppState) -> Requests {
    if s.policy.loaded {
        return Vec::new();
    }
    vec![super::request(super::PaneRequest::Policy(Request::Load))]
}

pub fn on_key(_s: &mut AppState, _key: &KeyEvent) -> Option<Requests> {
    None
}

pub fn refresh(s: &mut AppState) -> Requests {
    if s.policy.loaded {
        s.policy.loaded = false;
        return on_enter(s);
    }
    Vec::new()
}
