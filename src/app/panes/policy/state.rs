//! What the policy screen holds: plain data (and the few methods that keep
//! it consistent), read by its keys, its drawing and `AppState`.

use std::collections::HashSet;

use super::compare::Comparison;
use super::overlay::Overlay;
use super::view::{self, Row};
use crate::db::{PolicyTree, Suggestion};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Focus {
    #[default]
    Tree,
    /// The n-th linked agenda item in the detail.
    Links(usize),
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum View {
    #[default]
    Tree,
    Compare,
    Suggestions,
    /// The budget bars of `budget_plan` (and its previous year's).
    Budget,
}

#[derive(Debug, Clone, Default)]
pub struct State {
    /// Whether the pane has asked for its data yet.
    pub loaded: bool,
    pub tree: Option<PolicyTree>,
    /// Plans shown open (the first one opens on the first load).
    pub open_plans: HashSet<i64>,
    /// Nodes folded shut.
    pub closed: HashSet<i64>,
    /// The visible rows (recomputed when the tree or the folding changes).
    pub rows: Vec<Row>,
    pub cursor: usize,
    pub focus: Focus,
    pub view: View,
    pub overlay: Option<Overlay>,
    pub compare: Option<Comparison>,
    pub compare_scroll: usize,
    pub suggestions: Vec<Suggestion>,
    pub suggestions_loading: bool,
    pub suggestion_cursor: usize,
    /// (item, node) suggestions the user rejected in this session.
    pub rejected: HashSet<(i64, i64)>,
    /// Select this node when the tree next loads (one just added or moved).
    pub select_after_load: Option<i64>,
    /// Open this plan and put the cursor on it when the tree next loads
    /// (one just created or renewed).
    pub select_plan_after_load: Option<i64>,
    /// The plan the budget picture shows, and its first row.
    pub budget_plan: Option<i64>,
    pub budget_scroll: usize,
}

impl State {
    /// Suggestions not rejected.
    pub fn visible_suggestions(&self) -> Vec<&Suggestion> {
        self.suggestions
            .iter()
            .filter(|g| !self.rejected.contains(&(g.item_id, g.node_id)))
            .collect()
    }

    pub fn current_row(&self) -> Option<Row> {
        self.rows.get(self.cursor).copied()
    }

    /// Recompute the visible rows, keeping the cursor on the same row.
    pub fn rebuild_rows(&mut self) {
        let Some(tree) = &self.tree else {
            self.rows.clear();
            return;
        };
        let keep = self.rows.get(self.cursor).and_then(|r| view::key(tree, *r));
        self.rows = view::rows(tree, &self.open_plans, &self.closed);
        if let Some(i) = keep.and_then(|k| view::find(tree, &self.rows, k)) {
            self.cursor = i;
        }
        self.cursor = self.cursor.min(self.rows.len().saturating_sub(1));
    }

    /// Put the cursor on a node, opening its plan and ancestors.
    pub fn select_node(&mut self, node_id: i64) -> bool {
        let Some(tree) = &self.tree else {
            return false;
        };
        let Some((p, i)) = view::locate(tree, node_id) else {
            return false;
        };
        let plan = &tree.plans[p];
        self.open_plans.insert(plan.id);
        for a in view::ancestors(plan, i) {
            self.closed.remove(&a);
        }
        self.rows = view::rows(tree, &self.open_plans, &self.closed);
        if let Some(r) = view::find(tree, &self.rows, view::Key::Node(node_id)) {
            self.cursor = r;
        }
        true
    }
}
