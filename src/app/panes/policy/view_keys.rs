//! The keys of the policy pane's other views: the comparison with the
//! previous year and the budget picture.

use super::cursor::{selected_plan, PAGE};
use super::View;
use crate::app::action::Action;
use crate::app::msg::Requests;
use crate::app::state::AppState;

pub fn compare_keys(s: &mut AppState, a: Action) -> Option<Requests> {
    let p = &mut s.policy;
    let n = p.compare.as_ref().map_or(0, |c| c.rows.len());
    match a {
        Action::TreeUp => p.compare_scroll = p.compare_scroll.saturating_sub(1),
        Action::TreeDown => p.compare_scroll = (p.compare_scroll + 1).min(n.saturating_sub(1)),
        Action::TreePageUp => p.compare_scroll = p.compare_scroll.saturating_sub(PAGE),
        Action::TreePageDown => {
            p.compare_scroll = (p.compare_scroll + PAGE).min(n.saturating_sub(1))
        }
        Action::TreeFirst => p.compare_scroll = 0,
        Action::TreeLast => p.compare_scroll = n.saturating_sub(1),
        Action::Back | Action::ComparePrevYear => p.view = View::Tree,
        _ => return None,
    }
    Some(Vec::new())
}

/// `b`: the budget picture of the selected plan (in compare: the newer).
pub fn open_budget(s: &mut AppState) {
    let p = &mut s.policy;
    let plan = match (&p.view, &p.compare) {
        (View::Compare, Some(c)) => Some(c.plan_id),
        _ => selected_plan(p).map(|x| x.id),
    };
    let Some(plan) = plan else {
        s.info("計画を選んでください");
        return;
    };
    p.budget_plan = Some(plan);
    p.budget_scroll = 0;
    p.view = View::Budget;
}

pub fn budget_keys(s: &mut AppState, a: Action) -> Option<Requests> {
    let p = &mut s.policy;
    match a {
        Action::TreeUp => p.budget_scroll = p.budget_scroll.saturating_sub(1),
        Action::TreeDown => p.budget_scroll += 1,
        Action::TreePageUp => p.budget_scroll = p.budget_scroll.saturating_sub(PAGE),
        Action::TreePageDown => p.budget_scroll += PAGE,
        Action::TreeFirst => p.budget_scroll = 0,
        Action::TreeLast => p.budget_scroll = usize::MAX / 2,
        Action::Back | Action::BudgetChart => p.view = View::Tree,
        _ => return None,
    }
    Some(Vec::new())
}
