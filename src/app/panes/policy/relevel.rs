//! `<` (out a level) with the level names and codes the new place needs: a
//! 具体的取組1-1-3 taken out of 戦略1-1 to sit directly under 経営課題1
//! becomes 戦略1-3 (the next code among the 戦略 there), placed after them,
//! and everything under it takes the level and code of its new depth. When
//! no sensible name or code exists the move is refused with the reason.

use super::view::next_code;
use crate::db::{NodeView, PlanView};
use crate::import::policy::PART_LEVEL;

/// The outcome of `<` on a node: its new parent (None: the top of the plan)
/// and the new (id, level, code) of it and every node under it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outdent {
    pub parent: Option<i64>,
    pub relabel: Vec<(i64, String, String)>,
}

fn find(plan: &PlanView, id: i64) -> Option<&NodeView> {
    plan.nodes.iter().find(|n| n.id == id)
}

/// What `<` does to `node_id` in `plan`, or why it cannot.
pub fn outdent(plan: &PlanView, node_id: i64) -> Result<Outdent, String> {
    let at = plan.index_of(node_id).ok_or("項目が見つかりません")?;
    let n = &plan.nodes[at];
    let parent = n
        .parent
        .and_then(|p| find(plan, p))
        .ok_or("すでにいちばん上の階層です")?;
    if parent.level == PART_LEVEL {
        return Err(format!(
            "{}{} の外へ出すと{}が章の見出しになってしまうので移しません（m で移す先を選べます）",
            parent.level, parent.code, n.level
        ));
    }
    let grand = parent.parent.and_then(|g| find(plan, g));
    let level = parent.level.clone();
    // The next code among the nodes of that level already there.
    let codes: Vec<&str> = plan
        .nodes
        .iter()
        .filter(|x| x.parent == parent.parent && x.level == level && x.id != n.id)
        .map(|x| x.code.as_str())
        .collect();
    let code = next_code(grand.map(|g| g.code.as_str()), &codes);
    if code.is_empty() && !n.code.is_empty() {
        return Err(format!(
            "{}の下の{}に続くコードを決められません（① のような番号）。m で移し、e でコードを直してください",
            grand.map_or(plan.title.as_str(), |g| g.title.as_str()),
            level
        ));
    }
    let mut relabel = vec![(n.id, level.clone(), code.clone())];
    relabel_below(plan, at, &level, &code, &mut relabel)?;
    Ok(Outdent {
        parent: parent.parent,
        relabel,
    })
}

/// The children of the node at `at` (and theirs), given that it is now
/// `level` with `code`: each takes the level such children have in the
/// plan and its parent's code with its own number.
fn relabel_below(
    plan: &PlanView,
    at: usize,
    level: &str,
    code: &str,
    out: &mut Vec<(i64, String, String)>,
) -> Result<(), String> {
    let id = plan.nodes[at].id;
    let child_level = plan.child_level(Some(level));
    let mut codes: Vec<String> = Vec::new();
    for (i, c) in plan.nodes.iter().enumerate().skip(at + 1) {
        if c.parent != Some(id) {
            continue;
        }
        let refs: Vec<&str> = codes.iter().map(String::as_str).collect();
        let new_code = if c.code.is_empty() {
            String::new()
        } else {
            next_code(Some(code), &refs)
        };
        out.push((c.id, child_level.clone(), new_code.clone()));
        codes.push(new_code.clone());
        relabel_below(plan, i, &child_level, &new_code, out)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(id: i64, parent: Option<i64>, depth: usize, level: &str, code: &str) -> NodeView {
        NodeView {
            id,
            parent,
            depth,
            level: level.into(),
            code: code.into(),
            title: format!("{level}{code}"),
            ..NodeView::default()
        }
    }

    fn plan() -> PlanView {
        let mut p = PlanView {
            title: "計画".into(),
            nodes: vec![
                node(1, None, 0, "経営課題", "1"),
                node(2, Some(1), 1, "戦略", "1-1"),
                node(3, Some(2), 2, "具体的取組", "1-1-1"),
                node(4, Some(2), 2, "具体的取組", "1-1-2"),
                node(5, Some(1), 1, "戦略", "1-2"),
                node(6, Some(5), 2, "具体的取組", "1-2-1"),
            ],
            ..PlanView::default()
        };
        for i in 0..p.nodes.len() {
            let id = p.nodes[i].id;
            p.nodes[i].children = p.nodes.iter().filter(|n| n.parent == Some(id)).count();
        }
        p
    }

    #[test]
    fn an_initiative_out_of_its_strategy_becomes_the_next_strategy() {
        let o = outdent(&plan(), 4).expect("ok");
        assert_eq!(o.parent, Some(1));
        assert_eq!(o.relabel, vec![(4, "戦略".into(), "1-3".into())]);
    }

    #[test]
    fn a_strategy_out_of_its_issue_takes_its_children_along() {
        let o = outdent(&plan(), 5).expect("ok");
        assert_eq!(o.parent, None);
        assert_eq!(
            o.relabel,
            vec![
                (5, "経営課題".into(), "2".into()),
                (6, "戦略".into(), "2-1".into())
            ]
        );
    }

    #[test]
    fn top_nodes_and_part_items_are_refused() {
        assert!(outdent(&plan(), 1).is_err());
        let mut p = plan();
        p.nodes.push(node(7, None, 0, PART_LEVEL, "2"));
        p.nodes.push(node(8, Some(7), 1, "取組項目", ""));
        assert!(outdent(&p, 8).unwrap_err().contains("章"));
    }
}
