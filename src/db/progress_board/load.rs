//! Loading the progress board's read model: every plan, node, progress
//! entry, note, indicator, milestone and co-department in a few queries,
//! then the tree walked once to pick the items and group them.

use std::collections::HashMap;

use rusqlite::Connection;

use super::*;
use crate::db::export::parse_date;
use crate::db::{Result, Store};

struct RawNode {
    id: i64,
    plan_id: i64,
    parent: Option<i64>,
    level: String,
    code: String,
    title: String,
    body: String,
    budget: Option<i64>,
    lead: Option<String>,
    version: i64,
}

impl RawNode {
    fn as_ref(&self) -> NodeRef {
        NodeRef {
            id: self.id,
            level: self.level.clone(),
            code: self.code.clone(),
            title: self.title.clone(),
        }
    }
}

/// Rows of one table bucketed by node id.
type ByNode<T> = HashMap<i64, Vec<T>>;

impl Store {
    /// Everything the progress board shows.
    pub fn progress_board(&self) -> Result<ProgressData> {
        let conn = self.conn();
        let mut plans = load_plans(conn)?;
        let nodes = load_nodes(conn)?;
        let mut d = Details {
            entries: load_entries(conn)?,
            notes: load_notes(conn)?,
            indicators: load_indicators(conn)?,
            milestones: load_milestones(conn)?,
            co: load_co_departments(conn)?,
        };

        let mut children: HashMap<Option<i64>, Vec<usize>> = HashMap::new();
        for (i, n) in nodes.iter().enumerate() {
            children.entry(n.parent).or_default().push(i);
        }
        let flags = item_flags(&nodes, &plans, &children, &d);
        let mut items = Vec::new();
        for (plan_index, plan) in plans.iter().enumerate() {
            let roots = children.get(&None).map(Vec::as_slice).unwrap_or(&[]);
            let roots: Vec<usize> = roots
                .iter()
                .copied()
                .filter(|&i| nodes[i].plan_id == plan.id)
                .collect();
            let mut stack: Vec<(usize, Vec<usize>)> =
                roots.into_iter().rev().map(|i| (i, Vec::new())).collect();
            while let Some((i, ancestors)) = stack.pop() {
                let n = &nodes[i];
                if flags[i] {
                    let at = Place {
                        plan: plan_index,
                        ancestors: &ancestors,
                        flags: &flags,
                    };
                    items.push(item(&nodes, n, &at, &mut d));
                }
                let mut path = ancestors.clone();
                path.push(i);
                if let Some(kids) = children.get(&Some(n.id)) {
                    for &k in kids.iter().rev() {
                        stack.push((k, path.clone()));
                    }
                }
            }
        }
        fill_scales(&mut plans, &items);
        let actions = load_actions(conn)?;
        Ok(ProgressData {
            plans,
            items,
            actions,
        })
    }
}

/// Which nodes are items: an item level, or anything recorded on it; then
/// the nodes of a level that is an item elsewhere in the same plan (seed
/// 003's 3-1-1 beside 3-1-2, its 5 beside 4); and in a plan that is not a
/// 運営方針 (whose leaves include 目標 and 使命), every leaf (seed 002's
/// 提言, none with a date yet). An item with nothing dated is still shown.
fn item_flags(
    nodes: &[RawNode],
    plans: &[PlanInfo],
    children: &HashMap<Option<i64>, Vec<usize>>,
    d: &Details,
) -> Vec<bool> {
    let own = |n: &RawNode| {
        ITEM_LEVELS.contains(&n.level.as_str())
            || d.entries.contains_key(&n.id)
            || d.milestones.contains_key(&n.id)
            || d.indicators.contains_key(&n.id)
    };
    let mut flags: Vec<bool> = nodes.iter().map(own).collect();
    let item_levels: std::collections::HashSet<(i64, &str)> = nodes
        .iter()
        .zip(&flags)
        .filter(|(_, f)| **f)
        .map(|(n, _)| (n.plan_id, n.level.as_str()))
        .collect();
    let policy_plans: std::collections::HashSet<i64> = plans
        .iter()
        .filter(|p| p.kind == "運営方針")
        .map(|p| p.id)
        .collect();
    for (i, n) in nodes.iter().enumerate() {
        let leaf = !children.contains_key(&Some(n.id));
        flags[i] = flags[i]
            || item_levels.contains(&(n.plan_id, n.level.as_str()))
            || (leaf && !policy_plans.contains(&n.plan_id));
    }
    flags
}

/// What hangs off each node, taken out as its item is built.
struct Details {
    entries: ByNode<Entry>,
    notes: ByNode<NoteRow>,
    indicators: ByNode<IndicatorRow>,
    milestones: ByNode<MilestoneRow>,
    co: ByNode<String>,
}

/// Where an item sits: its plan, the nodes above it and which nodes are
/// items (the others are groups).
struct Place<'a> {
    plan: usize,
    ancestors: &'a [usize],
    flags: &'a [bool],
}

fn item(nodes: &[RawNode], n: &RawNode, at: &Place, d: &mut Details) -> ProgressItem {
    let (ancestors, flags) = (at.ancestors, at.flags);
    let group_at = ancestors.iter().rposition(|&a| !flags[a]);
    let group = group_at.map(|g| ancestors[g]);
    let group_depth = group_at.map_or(0, |g| ancestors[..g].iter().filter(|&&a| flags[a]).count());
    ProgressItem {
        node_id: n.id,
        version: n.version,
        plan: at.plan,
        depth: ancestors.iter().filter(|&&a| flags[a]).count(),
        group: group.map(|g| nodes[g].as_ref()),
        group_depth,
        path: ancestors.iter().map(|&a| nodes[a].as_ref()).collect(),
        level: n.level.clone(),
        code: n.code.clone(),
        title: n.title.clone(),
        body: n.body.clone(),
        budget_kyen: n.budget,
        lead_department: n.lead.clone(),
        co_departments: d.co.remove(&n.id).unwrap_or_default(),
        entries: d.entries.remove(&n.id).unwrap_or_default(),
        notes: d.notes.remove(&n.id).unwrap_or_default(),
        indicators: d.indicators.remove(&n.id).unwrap_or_default(),
        milestones: d.milestones.remove(&n.id).unwrap_or_default(),
    }
}

/// Each plan's status scale gains the statuses its items use; its grade
/// scale is the grades they use, best first.
fn fill_scales(plans: &mut [PlanInfo], items: &[ProgressItem]) {
    for (i, plan) in plans.iter_mut().enumerate() {
        let mine = items.iter().filter(|it| it.plan == i);
        let used: Vec<&Entry> = mine.flat_map(|it| &it.entries).collect();
        for e in &used {
            if !e.status.is_empty() && !plan.status_scale.contains(&e.status) {
                plan.status_scale.push(e.status.clone());
            }
        }
        plan.grade_scale = grade_scale(used.iter().map(|e| e.grade.as_str()));
    }
}

/// Grades best first: S, A+, A, A-, B+, B … then any others in first-seen order.
pub(super) fn grade_scale<'a>(used: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut all: Vec<String> = DEFAULT_GRADES.iter().map(|g| g.to_string()).collect();
    for g in used {
        if !g.is_empty() && !all.iter().any(|a| a == g) {
            all.push(g.to_string());
        }
    }
    let rank = |g: &str| -> (u8, u8) {
        let mut cs = g.chars();
        let letter = cs
            .next()
            .and_then(|c| "SABCDE".find(c.to_ascii_uppercase()))
            .map_or(u8::MAX, |i| i as u8);
        let modifier = match cs.as_str() {
            "+" => 0,
            "" => 1,
            "-" => 2,
            _ => 3,
        };
        (letter, modifier)
    };
    all.sort_by_key(|g| rank(g));
    all
}

fn load_plans(conn: &Connection) -> Result<Vec<PlanInfo>> {
    let mut stmt =
        conn.prepare("SELECT id, kind, title, fiscal_year, status_scale FROM plans ORDER BY id")?;
    let rows = stmt
        .query_map([], |r| {
            let scale: String = r.get(4)?;
            Ok(PlanInfo {
                id: r.get(0)?,
                kind: r.get(1)?,
                title: r.get(2)?,
                fiscal_year: r.get(3)?,
                status_scale: serde_json::from_str::<Vec<String>>(&scale).unwrap_or_default(),
                grade_scale: Vec::new(),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows
        .into_iter()
        .map(|mut p| {
            if p.status_scale.is_empty() {
                p.status_scale = DEFAULT_STATUS_SCALE.iter().map(|s| s.to_string()).collect();
            }
            p
        })
        .collect())
}

fn load_nodes(conn: &Connection) -> Result<Vec<RawNode>> {
    let mut stmt = conn.prepare(
        "SELECT id, plan_id, parent_id, level, code, title, body, budget_kyen, lead_department, version
         FROM plan_nodes ORDER BY plan_id, position, id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(RawNode {
            id: r.get(0)?,
            plan_id: r.get(1)?,
            parent: r.get(2)?,
            level: r.get(3)?,
            code: r.get(4)?,
            title: r.get(5)?,
            body: r.get(6)?,
            budget: r.get(7)?,
            lead: r.get(8)?,
            version: r.get(9)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn half(s: &str) -> Half {
    Half::parse(s).unwrap_or(Half::Year)
}

fn load_entries(conn: &Connection) -> Result<ByNode<Entry>> {
    let mut stmt = conn.prepare(
        "SELECT node_id, id, fiscal_year, half, plan, actual, status, grade, note, version
         FROM progress",
    )?;
    let mut out: ByNode<Entry> = HashMap::new();
    let rows = stmt.query_map([], |r| {
        let h: String = r.get(3)?;
        Ok((
            r.get::<_, i64>(0)?,
            Entry {
                id: r.get(1)?,
                period: Period::new(r.get(2)?, half(&h)),
                plan: r.get(4)?,
                actual: r.get(5)?,
                status: r.get(6)?,
                grade: r.get(7)?,
                note: r.get(8)?,
                version: r.get(9)?,
            },
        ))
    })?;
    for row in rows {
        let (node, e) = row?;
        out.entry(node).or_default().push(e);
    }
    for v in out.values_mut() {
        v.sort_by_key(|e| e.period);
    }
    Ok(out)
}

fn load_notes(conn: &Connection) -> Result<ByNode<NoteRow>> {
    let mut stmt = conn.prepare(
        "SELECT node_id, id, label, fiscal_year, text, version FROM node_notes ORDER BY node_id, position, id",
    )?;
    let mut out: ByNode<NoteRow> = HashMap::new();
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            NoteRow {
                id: r.get(1)?,
                label: r.get(2)?,
                fiscal_year: r.get(3)?,
                text: r.get(4)?,
                version: r.get(5)?,
            },
        ))
    })?;
    for row in rows {
        let (node, n) = row?;
        out.entry(node).or_default().push(n);
    }
    Ok(out)
}

fn load_indicators(conn: &Connection) -> Result<ByNode<IndicatorRow>> {
    let mut stmt = conn.prepare(
        "SELECT node_id, id, name, unit, target FROM indicators ORDER BY node_id, position, id",
    )?;
    let mut out: ByNode<IndicatorRow> = HashMap::new();
    let mut index: HashMap<i64, (i64, usize)> = HashMap::new();
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            IndicatorRow {
                id: r.get(1)?,
                name: r.get(2)?,
                unit: r.get(3)?,
                target: r.get(4)?,
                values: Vec::new(),
            },
        ))
    })?;
    for row in rows {
        let (node, ind) = row?;
        let list = out.entry(node).or_default();
        index.insert(ind.id, (node, list.len()));
        list.push(ind);
    }
    let mut stmt = conn.prepare(
        "SELECT indicator_id, id, fiscal_year, half, actual FROM indicator_values
         ORDER BY indicator_id, fiscal_year, half",
    )?;
    let rows = stmt.query_map([], |r| {
        let h: String = r.get(3)?;
        Ok((
            r.get::<_, i64>(0)?,
            IndicatorValueRow {
                id: r.get(1)?,
                period: Period::new(r.get(2)?, half(&h)),
                actual: r.get(4)?,
            },
        ))
    })?;
    for row in rows {
        let (ind, v) = row?;
        if let Some((node, i)) = index.get(&ind) {
            if let Some(x) = out.get_mut(node).and_then(|l| l.get_mut(*i)) {
                x.values.push(v);
            }
        }
    }
    Ok(out)
}

fn load_milestones(conn: &Connection) -> Result<ByNode<MilestoneRow>> {
    let mut stmt = conn.prepare(
        "SELECT node_id, id, date, precision, until, text, done FROM milestones
         ORDER BY node_id, date, position, id",
    )?;
    let raw = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, bool>(6)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut out: ByNode<MilestoneRow> = HashMap::new();
    for (node, id, date, precision, until, text, done) in raw {
        let span = crate::wareki::span::Span {
            date: parse_date(&date)?,
            precision: Precision::parse(&precision).unwrap_or_default(),
            until: until.as_deref().map(parse_date).transpose()?,
        };
        out.entry(node).or_default().push(MilestoneRow {
            id,
            span,
            text,
            done,
        });
    }
    Ok(out)
}

fn load_co_departments(conn: &Connection) -> Result<ByNode<String>> {
    let mut stmt = conn
        .prepare("SELECT node_id, name FROM node_co_departments ORDER BY node_id, position, id")?;
    let mut out: ByNode<String> = HashMap::new();
    let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
    for row in rows {
        let (node, name) = row?;
        out.entry(node).or_default().push(name);
    }
    Ok(out)
}

fn load_actions(conn: &Connection) -> Result<Vec<ActionItem>> {
    let mut stmt = conn.prepare(
        "SELECT o.id, o.text, o.owner, o.due_date, o.closed_at, o.closed_by, o.version,
                m.id, m.fiscal_year, m.number, m.date, i.number, i.title
         FROM opinions o
         JOIN agenda_items i ON i.id = o.item_id
         JOIN meetings m ON m.id = i.meeting_id
         WHERE o.kind = 'action'
         ORDER BY (o.closed_at IS NOT NULL), (o.due_date IS NULL), o.due_date, m.date, i.number, o.position",
    )?;
    let raw = stmt
        .query_map([], |r| {
            Ok((
                (
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, Option<String>>(5)?,
                    r.get::<_, i64>(6)?,
                ),
                (
                    r.get::<_, i64>(7)?,
                    r.get::<_, i32>(8)?,
                    r.get::<_, u32>(9)?,
                    r.get::<_, String>(10)?,
                    r.get::<_, u32>(11)?,
                    r.get::<_, String>(12)?,
                ),
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    raw.into_iter()
        .map(
            |(
                (id, text, owner, due, closed_at, closed_by, version),
                (mid, fy, num, date, inum, ititle),
            )| {
                Ok(ActionItem {
                    id,
                    text,
                    owner: owner.filter(|o| !o.is_empty()),
                    due: due.as_deref().map(parse_date).transpose()?,
                    closed_at,
                    closed_by,
                    version,
                    meeting_id: mid,
                    fiscal_year: fy,
                    meeting_number: num,
                    meeting_date: parse_date(&date)?,
                    item_number: inum,
                    item_title: ititle,
                })
            },
        )
        .collect()
}
