//! The mouse: a click on a tab, a day, a meeting, a row or a cell; the
//! wheel over a list. Clicks are mapped through the layout the last frame
//! drew — each draw function records where its clickable things are
//! ([`click`], [`scroll`]) and the loop keeps the map the frame made
//! ([`take`]) — never by computing the layout again.
//!
//! A click becomes the actions the keyboard would use to get there ("3
//! rows down" is `CellDown` three times), so the pane's own logic (loading
//! a meeting, keeping a selection in view) runs as for keys, and the keys
//! are those of the keymap in use.

use std::cell::RefCell;

use crossterm::event::{KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::{Position, Rect};

use super::action::Action;
use super::keymap::{self, Scope};
use super::msg::Requests;
use super::state::{AppState, Mode};

/// Rows the wheel moves per notch.
const WHEEL_STEP: usize = 3;

/// Something clickable: where, and the actions that get there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub area: Rect,
    pub scope: Scope,
    pub steps: Vec<(Action, usize)>,
}

/// A list the wheel scrolls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scroll {
    pub area: Rect,
    pub scope: Scope,
    pub up: Action,
    pub down: Action,
    /// Actions per notch.
    pub step: usize,
}

/// What one frame drew that the mouse can reach.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HitMap {
    pub hits: Vec<Hit>,
    pub scrolls: Vec<Scroll>,
}

impl HitMap {
    /// The clickable thing at (column, row); what was drawn last (an
    /// overlay) is on top.
    pub fn at(&self, column: u16, row: u16) -> Option<&Hit> {
        let p = Position::new(column, row);
        self.hits.iter().rev().find(|h| h.area.contains(p))
    }

    pub fn scroll_at(&self, column: u16, row: u16) -> Option<&Scroll> {
        let p = Position::new(column, row);
        self.scrolls.iter().rev().find(|s| s.area.contains(p))
    }
}

thread_local! {
    static DRAWN: RefCell<HitMap> = RefCell::new(HitMap::default());
}

/// A frame begins: forget the last one's map.
pub fn begin() {
    DRAWN.with(|d| *d.borrow_mut() = HitMap::default());
}

/// The map of the frame just drawn.
pub fn take() -> HitMap {
    DRAWN.with(|d| std::mem::take(&mut *d.borrow_mut()))
}

/// Record a clickable area (empty areas and no-op steps are skipped).
pub fn click(area: Rect, scope: Scope, steps: Vec<(Action, usize)>) {
    if area.is_empty() {
        return;
    }
    let steps: Vec<_> = steps.into_iter().filter(|(_, n)| *n > 0).collect();
    DRAWN.with(|d| d.borrow_mut().hits.push(Hit { area, scope, steps }));
}

/// Record a list the wheel scrolls, three rows a notch.
pub fn scroll(area: Rect, scope: Scope, up: Action, down: Action) {
    scroll_by(area, scope, (up, down), WHEEL_STEP);
}

/// Record something the wheel moves `step` actions a notch (a month in
/// the calendar, a page of text).
pub fn scroll_by(area: Rect, scope: Scope, (up, down): (Action, Action), step: usize) {
    if area.is_empty() {
        return;
    }
    DRAWN.with(|d| {
        d.borrow_mut().scrolls.push(Scroll {
            area,
            scope,
            up,
            down,
            step,
        })
    });
}

/// `delta` steps of `forward` (or of `back` when negative).
pub fn steps(back: Action, forward: Action, delta: i64) -> Vec<(Action, usize)> {
    let n = usize::try_from(delta.unsigned_abs()).unwrap_or(usize::MAX);
    if delta < 0 {
        vec![(back, n)]
    } else {
        vec![(forward, n)]
    }
}

/// Clicks on the visible rows `first..first + area.height` of a list of
/// `len` rows whose cursor is at `cursor`: each row's click is the steps
/// of `up`/`down` from the cursor to it.
pub fn list_rows(
    area: Rect,
    scope: Scope,
    (up, down): (Action, Action),
    first: usize,
    len: usize,
    cursor: usize,
) {
    for i in first..len.min(first + usize::from(area.height)) {
        let delta = i as i64 - cursor as i64;
        click(
            row(area, area.y + (i - first) as u16),
            scope,
            steps(up, down, delta),
        );
    }
}

/// One row of a list drawn at `area` (one line high).
pub fn row(area: Rect, y: u16) -> Rect {
    Rect {
        y,
        height: 1,
        ..area
    }
    .intersection(area)
}

/// Whether the event is one the app answers (a left click, the wheel).
pub fn acts(ev: &MouseEvent) -> bool {
    matches!(
        ev.kind,
        MouseEventKind::Down(MouseButton::Left)
            | MouseEventKind::ScrollUp
            | MouseEventKind::ScrollDown
    )
}

/// What a mouse event does, through the map of the last frame.
pub fn on_mouse(s: &mut AppState, map: &HitMap, ev: MouseEvent) -> Requests {
    // Help, prompts and the policy overlay are answered by keys.
    if s.help || s.prompt.is_some() || s.policy.overlay.is_some() {
        return Vec::new();
    }
    let usable = |scope: Scope| {
        if s.search.open {
            scope == Scope::Search
        } else {
            s.mode != Mode::MinutesInput
        }
    };
    match ev.kind {
        MouseEventKind::Down(MouseButton::Left) => match map.at(ev.column, ev.row) {
            Some(hit) if usable(hit.scope) => run(s, hit.scope, &hit.steps),
            _ => Vec::new(),
        },
        MouseEventKind::ScrollUp | MouseEventKind::ScrollDown => {
            match map.scroll_at(ev.column, ev.row) {
                Some(sc) if usable(sc.scope) => {
                    let a = if ev.kind == MouseEventKind::ScrollUp {
                        sc.up
                    } else {
                        sc.down
                    };
                    run(s, sc.scope, &[(a, sc.step)])
                }
                _ => Vec::new(),
            }
        }
        _ => Vec::new(),
    }
}

/// Carry out the steps: the global and calendar actions directly, a
/// pane's through the key the keymap binds to it there.
fn run(s: &mut AppState, scope: Scope, steps: &[(Action, usize)]) -> Requests {
    let mut out = Vec::new();
    for (action, n) in steps {
        for _ in 0..*n {
            match scope {
                Scope::Global | Scope::Calendar => out.extend(super::update::apply(s, *action)),
                _ => match key_for(scope, *action) {
                    Some(key) => out.extend(super::update::on_key(s, key)),
                    None => return out,
                },
            }
        }
    }
    out
}

/// The first key bound to `action` in `scope` by the keymap in use.
fn key_for(scope: Scope, action: Action) -> Option<KeyEvent> {
    keymap::current()
        .bindings()
        .iter()
        .find(|b| b.scope == scope && b.action == action)
        .map(|b| KeyEvent::new(b.code, b.mods | KeyModifiers::NONE))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_drawn_is_on_top() {
        begin();
        let big = Rect::new(0, 0, 10, 10);
        let small = Rect::new(2, 2, 3, 1);
        click(big, Scope::Global, vec![(Action::GoTab1, 1)]);
        click(small, Scope::Global, vec![(Action::GoTab2, 1)]);
        click(
            Rect::new(50, 0, 0, 1),
            Scope::Global,
            vec![(Action::GoTab3, 1)],
        );
        scroll(big, Scope::Policy, Action::TreeUp, Action::TreeDown);
        let map = take();
        assert_eq!(map.hits.len(), 2, "an empty area is not recorded");
        assert_eq!(
            map.at(3, 2).map(|h| h.steps.clone()),
            Some(vec![(Action::GoTab2, 1)])
        );
        assert_eq!(
            map.at(0, 0).map(|h| h.steps.clone()),
            Some(vec![(Action::GoTab1, 1)])
        );
        assert_eq!(map.at(10, 0), None, "right of the area");
        assert_eq!(map.scroll_at(9, 9).map(|s| s.down), Some(Action::TreeDown));
        assert_eq!(take(), HitMap::default(), "taken once");
    }

    #[test]
    fn steps_go_either_way() {
        assert_eq!(
            steps(Action::CellUp, Action::CellDown, -2),
            vec![(Action::CellUp, 2)]
        );
        assert_eq!(
            steps(Action::CellUp, Action::CellDown, 3),
            vec![(Action::CellDown, 3)]
        );
        assert_eq!(row(Rect::new(0, 5, 10, 3), 6), Rect::new(0, 6, 10, 1));
        assert!(row(Rect::new(0, 5, 10, 3), 9).is_empty());
    }
}
