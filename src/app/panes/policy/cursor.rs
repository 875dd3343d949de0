//! What the policy tree's cursor is on, and how far a page key moves it:
//! read by the keys of every policy view and by the plan form.

use super::view;
use super::State;
use crate::db::{NodeView, PlanView};

/// Rows a page key moves by.
pub(super) const PAGE: usize = 10;

pub fn selected_node(p: &State) -> Option<&NodeView> {
    let tree = p.tree.as_ref()?;
    view::resolve(tree, p.current_row()?)?.1
}

/// The plan of the row under the cursor.
pub fn selected_plan_of(p: &State) -> Option<&PlanView> {
    selected_plan(p)
}

pub(super) fn selected_plan(p: &State) -> Option<&PlanView> {
    let tree = p.tree.as_ref()?;
    Some(view::resolve(tree, p.current_row()?)?.0)
}
