//! A plan against the previous year's plan of the same kind: initiatives
//! added, removed and changed, and the budget differences.
//!
//! Nodes are matched by level and code (by level and title when a node has
//! no code); a node left over on both sides with the same level and title is
//! the same initiative renumbered.

use std::collections::HashMap;

use crate::db::{NodeView, PlanView, PolicyTree};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Added,
    Removed,
    Changed,
}

impl Change {
    pub fn label(self) -> &'static str {
        match self {
            Change::Added => "追加",
            Change::Removed => "削除",
            Change::Changed => "変更",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffRow {
    pub change: Change,
    pub level: String,
    pub code: String,
    pub title: String,
    /// What changed (題名, 予算, 本文, コード), for Changed rows.
    pub what: Vec<&'static str>,
    pub old_title: Option<String>,
    pub old_code: Option<String>,
    /// Roll-ups (千円) before and after; None is "no budget".
    pub before: Option<i64>,
    pub after: Option<i64>,
    pub depth: usize,
}

impl DiffRow {
    /// after − before, counting "no budget" as 0 when the other side has one.
    pub fn difference(&self) -> Option<i64> {
        match (self.before, self.after) {
            (None, None) => None,
            (b, a) => Some(a.unwrap_or(0) - b.unwrap_or(0)),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparison {
    pub plan_id: i64,
    pub previous_id: i64,
    pub title: String,
    pub previous_title: String,
    pub total_before: Option<i64>,
    pub total_after: Option<i64>,
    pub rows: Vec<DiffRow>,
}

impl Comparison {
    pub fn count(&self, c: Change) -> usize {
        self.rows.iter().filter(|r| r.change == c).count()
    }
}

/// The plan of the same kind (and organisation, if one matches) from the
/// nearest earlier fiscal year.
pub fn previous_plan(tree: &PolicyTree, plan: &PlanView) -> Option<usize> {
    let fy = plan.fiscal_year?;
    tree.plans
        .iter()
        .enumerate()
        .filter(|(_, p)| p.kind == plan.kind && p.fiscal_year.is_some_and(|y| y < fy))
        .max_by_key(|(_, p)| (p.fiscal_year, p.organisation == plan.organisation))
        .map(|(i, _)| i)
}

fn key(n: &NodeView) -> (String, String) {
    if n.code.is_empty() {
        (n.level.clone(), format!("title:{}", n.title))
    } else {
        (n.level.clone(), format!("code:{}", n.code))
    }
}

pub fn compare(previous: &PlanView, current: &PlanView) -> Comparison {
    let mut old_by_key: HashMap<(String, String), usize> = HashMap::new();
    for (i, n) in previous.nodes.iter().enumerate() {
        old_by_key.entry(key(n)).or_insert(i);
    }
    let mut matched_old = vec![false; previous.nodes.len()];
    let mut pairs: Vec<(usize, Option<usize>)> = Vec::new();
    for (i, n) in current.nodes.iter().enumerate() {
        let m = old_by_key
            .get(&key(n))
            .copied()
            .filter(|j| !matched_old[*j]);
        if let Some(j) = m {
            matched_old[j] = true;
        }
        pairs.push((i, m));
    }
    // Renumbered: same level and title, left over on both sides.
    for pair in pairs.iter_mut().filter(|p| p.1.is_none()) {
        let n = &current.nodes[pair.0];
        let found = previous
            .nodes
            .iter()
            .enumerate()
            .find(|(j, o)| !matched_old[*j] && o.level == n.level && o.title == n.title)
            .map(|(j, _)| j);
        if let Some(j) = found {
            matched_old[j] = true;
            pair.1 = Some(j);
        }
    }
    let mut rows = Vec::new();
    for (i, m) in pairs {
        let n = &current.nodes[i];
        match m {
            None => rows.push(row(Change::Added, n, None, Vec::new())),
            Some(j) => {
                let o = &previous.nodes[j];
                let mut what = Vec::new();
                if o.code != n.code {
                    what.push("コード");
                }
                if o.title != n.title {
                    what.push("題名");
                }
                if o.budget_kyen != n.budget_kyen {
                    what.push("予算");
                }
                if o.body != n.body {
                    what.push("本文");
                }
                if !what.is_empty() {
                    rows.push(row(Change::Changed, n, Some(o), what));
                }
            }
        }
    }
    for (j, o) in previous.nodes.iter().enumerate() {
        if !matched_old[j] {
            let mut r = row(Change::Removed, o, None, Vec::new());
            r.before = o.rolled_up;
            r.after = None;
            rows.push(r);
        }
    }
    Comparison {
        plan_id: current.id,
        previous_id: previous.id,
        title: current.title.clone(),
        previous_title: previous.title.clone(),
        total_before: previous.total(),
        total_after: current.total(),
        rows,
    }
}

fn row(change: Change, n: &NodeView, old: Option<&NodeView>, what: Vec<&'static str>) -> DiffRow {
    DiffRow {
        change,
        level: n.level.clone(),
        code: n.code.clone(),
        title: n.title.clone(),
        old_title: old.filter(|o| o.title != n.title).map(|o| o.title.clone()),
        old_code: old.filter(|o| o.code != n.code).map(|o| o.code.clone()),
        before: old.and_then(|o| o.rolled_up),
        after: n.rolled_up,
        depth: n.depth,
        what,
    }
}
