//! Moving the progress pane's cursors: the selected item, the focused
//! period and the detail field; shared by the grid/board keys and the
//! picture keys (chart, 年表).

use super::detail::current as current_fields;
use super::state::Row;
use super::view::{self, selected_item};
use crate::app::state::AppState;

/// Rows a page key moves by.
pub(super) const PAGE: isize = 10;

/// Items of the grid in order (indices into `data.items`).
fn item_order(s: &AppState) -> Vec<usize> {
    s.progress
        .rows
        .iter()
        .filter_map(|r| match r {
            Row::Item(i) => Some(*i),
            _ => None,
        })
        .collect()
}

pub(super) fn select_item(s: &mut AppState, f: impl FnOnce(usize, usize) -> usize) {
    let order = item_order(s);
    if order.is_empty() {
        return;
    }
    let cur = selected_item(&s.progress)
        .and_then(|i| order.iter().position(|x| *x == i))
        .unwrap_or(0);
    let next = f(cur, order.len()).min(order.len() - 1);
    if let Some(data) = &s.progress.data {
        s.progress.node = Some(data.items[order[next]].node_id);
    }
}

pub(super) fn step(cur: usize, n: usize, delta: isize) -> usize {
    (cur as isize + delta).clamp(0, n.saturating_sub(1) as isize) as usize
}

pub(super) fn move_period(s: &mut AppState, delta: isize) {
    let p = &mut s.progress;
    if p.periods.is_empty() {
        return;
    }
    let cur = p
        .period
        .and_then(|x| p.periods.iter().position(|y| *y == x))
        .unwrap_or(0);
    p.period = Some(p.periods[step(cur, p.periods.len(), delta)]);
    view::rebuild(p, s.calendar.today);
    clamp_field(s);
}

/// Put the detail cursor on a selectable field, searching down then up.
pub(super) fn clamp_field(s: &mut AppState) {
    let fields = current_fields(s);
    let p = &mut s.progress;
    if fields.is_empty() {
        p.field = 0;
        return;
    }
    let from = p.field.min(fields.len() - 1);
    p.field = (from..fields.len())
        .chain((0..from).rev())
        .find(|&i| fields[i].selectable())
        .unwrap_or(0);
}

pub(super) fn move_field(s: &mut AppState, forward: bool) {
    let fields = current_fields(s);
    let p = &mut s.progress;
    let found = if forward {
        (p.field + 1..fields.len()).find(|&i| fields[i].selectable())
    } else {
        (0..p.field).rev().find(|&i| fields[i].selectable())
    };
    if let Some(i) = found {
        p.field = i;
    }
}
