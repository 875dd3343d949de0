//! The policy tree (運営方針 and the other plans) as the policy pane reads it,
//! and the links between agenda items and policy nodes.
//!
//! The whole tree of every plan is read at once on the database thread, with
//! each node's notes, indicators and linked agenda items, so the pane draws
//! and moves without asking again (2,000 nodes read in a few milliseconds).
//! Writes are in [`write`]; link suggestions in [`suggest`].

pub mod suggest;
mod write;
pub mod year;

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::Connection;

use super::export::parse_date;
use super::{Result, Store};
use crate::model::{Half, Indicator, IndicatorValue, Note};

pub use suggest::Suggestion;
pub use write::NodeFields;
pub use year::PlanFields;

/// Every plan, ordered for the pane: 運営方針 first, then the other kinds by
/// name; within a kind the newest fiscal year first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PolicyTree {
    pub plans: Vec<PlanView>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlanView {
    pub id: i64,
    pub kind: String,
    pub title: String,
    pub organisation: String,
    pub fiscal_year: Option<i32>,
    /// Depth first, children in position order.
    pub nodes: Vec<NodeView>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NodeView {
    pub id: i64,
    pub parent: Option<i64>,
    pub depth: usize,
    pub level: String,
    pub code: String,
    pub title: String,
    pub body: String,
    /// The node's own budget (千円); None is "no budget", never 0.
    pub budget_kyen: Option<i64>,
    /// Own budget, or the sum of the descendants' when it has none; None when
    /// nothing below has a budget (same rule as `model::Node::rolled_up_budget`).
    pub rolled_up: Option<i64>,
    pub lead_department: Option<String>,
    pub co_departments: Vec<String>,
    pub notes: Vec<Note>,
    pub indicators: Vec<Indicator>,
    pub links: Vec<LinkedItem>,
    pub version: i64,
    /// Index (in the plan's `nodes`) just past this node's last descendant.
    pub subtree_end: usize,
    pub children: usize,
}

/// An agenda item linked to a node: where the node was discussed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkedItem {
    pub item_id: i64,
    pub meeting_id: i64,
    pub fiscal_year: i32,
    pub date: NaiveDate,
    pub meeting_number: u32,
    pub item_number: u32,
    pub item_title: String,
}

/// A policy node linked to an agenda item (the calendar's side of a link).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkedNode {
    pub node_id: i64,
    pub plan_title: String,
    pub level: String,
    pub code: String,
    pub title: String,
}

impl LinkedNode {
    /// "平成29年度 旭区運営方針 経営課題1 にぎわいがあり…"
    pub fn label(&self) -> String {
        format!(
            "{} {}{} {}",
            self.plan_title, self.level, self.code, self.title
        )
    }
}

impl PlanView {
    /// The sum of the top-level nodes' roll-ups; None when no node has a budget.
    pub fn total(&self) -> Option<i64> {
        sum_options(
            self.nodes
                .iter()
                .filter(|n| n.depth == 0)
                .map(|n| n.rolled_up),
        )
    }

    /// The plan's hierarchy as its data names it: the levels along the
    /// deepest branch, e.g. 経営課題 > 戦略 > 具体的取組.
    pub fn hierarchy(&self) -> Vec<&str> {
        let Some(deepest) = self
            .nodes
            .iter()
            .enumerate()
            .max_by_key(|(i, n)| (n.depth, std::cmp::Reverse(*i)))
            .map(|(i, _)| i)
        else {
            return Vec::new();
        };
        let mut chain = vec![self.nodes[deepest].level.as_str()];
        let mut parent = self.nodes[deepest].parent;
        while let Some(p) = parent.and_then(|p| self.nodes.iter().find(|n| n.id == p)) {
            chain.push(p.level.as_str());
            parent = p.parent;
        }
        chain.reverse();
        chain
    }

    /// How many nodes of each level, in the order the levels first appear.
    pub fn level_counts(&self) -> Vec<(&str, usize)> {
        let mut out: Vec<(&str, usize)> = Vec::new();
        for n in &self.nodes {
            match out.iter_mut().find(|(l, _)| *l == n.level) {
                Some((_, c)) => *c += 1,
                None => out.push((n.level.as_str(), 1)),
            }
        }
        out
    }

    pub fn index_of(&self, node_id: i64) -> Option<usize> {
        self.nodes.iter().position(|n| n.id == node_id)
    }

    /// The level a new child of a node of `parent_level` takes (None: a top
    /// node): the level such children most often have in this plan.
    pub fn child_level(&self, parent_level: Option<&str>) -> String {
        let mut counts: Vec<(&str, usize)> = Vec::new();
        for n in &self.nodes {
            let p = n
                .parent
                .and_then(|p| self.nodes.iter().find(|x| x.id == p))
                .map(|p| p.level.as_str());
            let matches = match (p, parent_level) {
                (None, None) => n.children > 0 || !self.nodes.iter().any(|x| x.children > 0),
                (Some(a), Some(b)) => a == b,
                _ => false,
            };
            if matches {
                match counts.iter_mut().find(|(l, _)| *l == n.level) {
                    Some((_, c)) => *c += 1,
                    None => counts.push((n.level.as_str(), 1)),
                }
            }
        }
        counts
            .iter()
            .max_by_key(|(_, c)| *c)
            .map(|(l, _)| l.to_string())
            .unwrap_or_else(|| "項目".to_string())
    }
}

/// Sum of the values that are present; None when none is.
pub fn sum_options(values: impl Iterator<Item = Option<i64>>) -> Option<i64> {
    values
        .flatten()
        .fold(None, |acc, b| Some(acc.unwrap_or(0) + b))
}

pub use crate::model::group_kyen;

/// Kinds sort with 運営方針 first.
fn kind_rank(kind: &str) -> u8 {
    u8::from(kind != "運営方針")
}

impl Store {
    /// Every plan with its whole tree (see [`PolicyTree`]).
    pub fn policy_tree(&self) -> Result<PolicyTree> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT id, kind, title, organisation, fiscal_year FROM plans ORDER BY id",
        )?;
        let mut plans: Vec<PlanView> = stmt
            .query_map([], |r| {
                Ok(PlanView {
                    id: r.get(0)?,
                    kind: r.get(1)?,
                    title: r.get(2)?,
                    organisation: r.get(3)?,
                    fiscal_year: r.get(4)?,
                    nodes: Vec::new(),
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        plans.sort_by(|a, b| {
            (kind_rank(&a.kind), &a.kind)
                .cmp(&(kind_rank(&b.kind), &b.kind))
                .then(b.fiscal_year.cmp(&a.fiscal_year))
                .then(a.id.cmp(&b.id))
        });
        let mut details = Details::load(conn)?;
        let mut by_plan = flat_nodes(conn)?;
        for plan in &mut plans {
            let rows = by_plan.remove(&plan.id).unwrap_or_default();
            plan.nodes = order_tree(rows, &mut details);
        }
        Ok(PolicyTree { plans })
    }

    /// The nodes linked to each of these agenda items.
    pub fn links_of_items(&self, items: &[i64]) -> Result<HashMap<i64, Vec<LinkedNode>>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT n.id, p.title, n.level, n.code, n.title FROM item_links l
             JOIN plan_nodes n ON n.id = l.node_id JOIN plans p ON p.id = n.plan_id
             WHERE l.item_id = ?1 ORDER BY l.id",
        )?;
        let mut out = HashMap::new();
        for &item in items {
            let rows: Vec<LinkedNode> = stmt
                .query_map([item], |r| {
                    Ok(LinkedNode {
                        node_id: r.get(0)?,
                        plan_title: r.get(1)?,
                        level: r.get(2)?,
                        code: r.get(3)?,
                        title: r.get(4)?,
                    })
                })?
                .collect::<rusqlite::Result<_>>()?;
            if !rows.is_empty() {
                out.insert(item, rows);
            }
        }
        Ok(out)
    }
}

struct RawNode {
    plan: i64,
    node: NodeView,
}

fn flat_nodes(conn: &Connection) -> Result<HashMap<i64, Vec<NodeView>>> {
    let mut stmt = conn.prepare_cached(
        "SELECT plan_id, id, parent_id, level, code, title, body, budget_kyen, lead_department, version
         FROM plan_nodes ORDER BY plan_id, position, id",
    )?;
    let rows = stmt
        .query_map([], |r| {
            Ok(RawNode {
                plan: r.get(0)?,
                node: NodeView {
                    id: r.get(1)?,
                    parent: r.get(2)?,
                    level: r.get(3)?,
                    code: r.get(4)?,
                    title: r.get(5)?,
                    body: r.get(6)?,
                    budget_kyen: r.get(7)?,
                    lead_department: r.get(8)?,
                    version: r.get(9)?,
                    ..NodeView::default()
                },
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut map: HashMap<i64, Vec<NodeView>> = HashMap::new();
    for r in rows {
        map.entry(r.plan).or_default().push(r.node);
    }
    Ok(map)
}

/// Depth-first order with depths, subtree ends and roll-ups. Rows come in
/// position order; a row whose parent is missing is kept as a top node.
fn order_tree(rows: Vec<NodeView>, details: &mut Details) -> Vec<NodeView> {
    let ids: std::collections::HashSet<i64> = rows.iter().map(|n| n.id).collect();
    let mut by_parent: HashMap<Option<i64>, Vec<NodeView>> = HashMap::new();
    for mut n in rows {
        if n.parent.is_some_and(|p| !ids.contains(&p)) {
            n.parent = None;
        }
        by_parent.entry(n.parent).or_default().push(n);
    }
    let mut out = Vec::with_capacity(ids.len());
    /// Append the children of `parent` and their subtrees; returns the sum
    /// of their roll-ups.
    fn visit(
        parent: Option<i64>,
        depth: usize,
        by_parent: &mut HashMap<Option<i64>, Vec<NodeView>>,
        details: &mut Details,
        out: &mut Vec<NodeView>,
    ) -> Option<i64> {
        let children = by_parent.remove(&parent)?;
        let mut sums = Vec::with_capacity(children.len());
        for mut n in children {
            n.depth = depth;
            n.children = by_parent.get(&Some(n.id)).map_or(0, Vec::len);
            details.fill(&mut n);
            let id = n.id;
            let own = n.budget_kyen;
            let at = out.len();
            out.push(n);
            let below = visit(Some(id), depth + 1, by_parent, details, out);
            let end = out.len();
            let node = &mut out[at];
            node.subtree_end = end;
            node.rolled_up = own.or(below);
            sums.push(node.rolled_up);
        }
        sum_options(sums.into_iter())
    }
    visit(None, 0, &mut by_parent, details, &mut out);
    out
}

/// Notes, indicators, departments and links of every node, read once.
struct Details {
    notes: HashMap<i64, Vec<Note>>,
    indicators: HashMap<i64, Vec<Indicator>>,
    co_departments: HashMap<i64, Vec<String>>,
    links: HashMap<i64, Vec<LinkedItem>>,
}

impl Details {
    fn load(conn: &Connection) -> Result<Self> {
        let mut notes: HashMap<i64, Vec<Note>> = HashMap::new();
        let mut stmt = conn.prepare_cached(
            "SELECT node_id, label, fiscal_year, text FROM node_notes ORDER BY node_id, position, id",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            notes.entry(r.get(0)?).or_default().push(Note {
                label: r.get(1)?,
                fiscal_year: r.get(2)?,
                text: r.get(3)?,
            });
        }
        let mut co_departments: HashMap<i64, Vec<String>> = HashMap::new();
        let mut stmt = conn.prepare_cached(
            "SELECT node_id, name FROM node_co_departments ORDER BY node_id, position, id",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            co_departments.entry(r.get(0)?).or_default().push(r.get(1)?);
        }
        Ok(Details {
            notes,
            indicators: indicators(conn)?,
            co_departments,
            links: links(conn)?,
        })
    }

    fn fill(&mut self, n: &mut NodeView) {
        n.notes = self.notes.remove(&n.id).unwrap_or_default();
        n.indicators = self.indicators.remove(&n.id).unwrap_or_default();
        n.co_departments = self.co_departments.remove(&n.id).unwrap_or_default();
        n.links = self.links.remove(&n.id).unwrap_or_default();
    }
}

fn indicators(conn: &Connection) -> Result<HashMap<i64, Vec<Indicator>>> {
    let mut values: HashMap<i64, Vec<IndicatorValue>> = HashMap::new();
    let mut stmt = conn.prepare_cached(
        "SELECT indicator_id, fiscal_year, half, actual FROM indicator_values
         ORDER BY indicator_id, fiscal_year, half",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let half: String = r.get(2)?;
        let Some(half) = Half::parse(&half) else {
            continue;
        };
        values.entry(r.get(0)?).or_default().push(IndicatorValue {
            fiscal_year: r.get(1)?,
            half,
            actual: r.get(3)?,
        });
    }
    let mut out: HashMap<i64, Vec<Indicator>> = HashMap::new();
    let mut stmt = conn.prepare_cached(
        "SELECT id, node_id, name, unit, target FROM indicators ORDER BY node_id, position, id",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        out.entry(r.get(1)?).or_default().push(Indicator {
            name: r.get(2)?,
            unit: r.get(3)?,
            target: r.get(4)?,
            values: values.remove(&id).unwrap_or_default(),
        });
    }
    Ok(out)
}

fn links(conn: &Connection) -> Result<HashMap<i64, Vec<LinkedItem>>> {
    let mut stmt = conn.prepare_cached(
        "SELECT l.node_id, i.id, m.id, m.fiscal_year, m.date, m.number, i.number, i.title
         FROM item_links l JOIN agenda_items i ON i.id = l.item_id JOIN meetings m ON m.id = i.meeting_id
         ORDER BY l.node_id, m.date, m.start_time, i.number",
    )?;
    let raw = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(4)?,
                LinkedItem {
                    item_id: r.get(1)?,
                    meeting_id: r.get(2)?,
                    fiscal_year: r.get(3)?,
                    date: NaiveDate::MIN,
                    meeting_number: r.get(5)?,
                    item_number: r.get(6)?,
                    item_title: r.get(7)?,
                },
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut out: HashMap<i64, Vec<LinkedItem>> = HashMap::new();
    for (node, date, mut item) in raw {
        item.date = parse_date(&date)?;
        out.entry(node).or_default().push(item);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands() {
        assert_eq!(group_kyen(0), "0");
        assert_eq!(group_kyen(845), "845");
        assert_eq!(group_kyen(35_524), "35,524");
        assert_eq!(group_kyen(1_234_567), "1,234,567");
        assert_eq!(group_kyen(-1_200), "-1,200");
    }

    #[test]
    fn sums_skip_missing_and_stay_none_when_all_are() {
        assert_eq!(sum_options([None, None].into_iter()), None);
        assert_eq!(sum_options([None, Some(3), Some(4)].into_iter()), Some(7));
        assert_eq!(sum_options([Some(0)].into_iter()), Some(0));
    }
}
