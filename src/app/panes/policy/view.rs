//! Which rows of the tree are visible, and what the cursor is on. Computed
//! when the tree or the folding changes, never while drawing.

use std::collections::HashSet;

use crate::db::{NodeView, PlanView, PolicyTree};

/// One visible row: a plan's heading, or a node (plan index, node index).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Row {
    Plan(usize),
    Node(usize, usize),
}

/// What a row is, stable across reloads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Plan(i64),
    Node(i64),
}

/// The visible rows: every plan heading, and the nodes of open plans whose
/// ancestors are all open.
pub fn rows(tree: &PolicyTree, open_plans: &HashSet<i64>, closed: &HashSet<i64>) -> Vec<Row> {
    let mut out = Vec::new();
    for (p, plan) in tree.plans.iter().enumerate() {
        out.push(Row::Plan(p));
        if !open_plans.contains(&plan.id) {
            continue;
        }
        let mut i = 0;
        while i < plan.nodes.len() {
            out.push(Row::Node(p, i));
            let n = &plan.nodes[i];
            i = if closed.contains(&n.id) {
                n.subtree_end
            } else {
                i + 1
            };
        }
    }
    out
}

pub fn key(tree: &PolicyTree, row: Row) -> Option<Key> {
    match row {
        Row::Plan(p) => tree.plans.get(p).map(|p| Key::Plan(p.id)),
        Row::Node(p, i) => tree
            .plans
            .get(p)
            .and_then(|p| p.nodes.get(i))
            .map(|n| Key::Node(n.id)),
    }
}

pub fn find(tree: &PolicyTree, rows: &[Row], k: Key) -> Option<usize> {
    rows.iter().position(|r| key(tree, *r) == Some(k))
}

/// The plan and node of a row (node None for a plan heading).
pub fn resolve(tree: &PolicyTree, row: Row) -> Option<(&PlanView, Option<&NodeView>)> {
    match row {
        Row::Plan(p) => tree.plans.get(p).map(|p| (p, None)),
        Row::Node(p, i) => {
            let plan = tree.plans.get(p)?;
            Some((plan, Some(plan.nodes.get(i)?)))
        }
    }
}

/// Where a node is: (plan index, node index).
pub fn locate(tree: &PolicyTree, node_id: i64) -> Option<(usize, usize)> {
    tree.plans
        .iter()
        .enumerate()
        .find_map(|(p, plan)| plan.index_of(node_id).map(|i| (p, i)))
}

/// The ids of a node's ancestors, nearest first.
pub fn ancestors(plan: &PlanView, i: usize) -> Vec<i64> {
    let mut out = Vec::new();
    let mut parent = plan.nodes.get(i).and_then(|n| n.parent);
    while let Some(p) = parent {
        out.push(p);
        parent = plan.nodes.iter().find(|n| n.id == p).and_then(|n| n.parent);
    }
    out
}

/// "経営課題1 にぎわい…" — the level as the plan names it, the code, the title.
pub fn node_label(n: &NodeView) -> String {
    if n.code.is_empty() {
        format!("{} {}", n.level, n.title)
    } else {
        format!("{}{} {}", n.level, n.code, n.title)
    }
}

/// The code a new node after the siblings `codes` under a parent coded
/// `parent` would most likely take: 1-1-3 after 1-1-2, 1-2-1 under 1-2.
pub fn next_code(parent: Option<&str>, codes: &[&str]) -> String {
    if let Some(last) = codes.iter().rev().find(|c| !c.is_empty()) {
        let digits = last.len() - last.trim_end_matches(|c: char| c.is_ascii_digit()).len();
        if digits > 0 {
            let (head, num) = last.split_at(last.len() - digits);
            if let Ok(n) = num.parse::<u64>() {
                return format!("{head}{}", n + 1);
            }
        }
        return String::new();
    }
    match parent {
        Some(p) if !p.is_empty() => format!("{p}-1"),
        Some(_) => String::new(),
        None => "1".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_codes() {
        assert_eq!(next_code(Some("1-1"), &["1-1-1", "1-1-2"]), "1-1-3");
        assert_eq!(next_code(Some("1-2"), &[]), "1-2-1");
        assert_eq!(next_code(None, &["", "1", "2"]), "3");
        assert_eq!(next_code(Some("1-1"), &["1-1-①"]), "");
        assert_eq!(next_code(Some(""), &[]), "");
    }
}
