//! Reading the whole store back as a [`Dataset`] (the JSON export).

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveTime};
use rusqlite::{params, Connection};

use super::{Result, StoreError};
use crate::model::*;

pub fn export_dataset(conn: &Connection) -> Result<Dataset> {
    Ok(Dataset {
        committees: committees(conn)?,
        meetings: meetings(conn)?,
        plans: plans(conn)?,
    })
}

fn bad(what: &str, value: &str) -> StoreError {
    StoreError::Invalid(format!("データベースの {what} {value:?} が読めません"))
}

pub(crate) fn parse_date(s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| bad("日付", s))
}

fn parse_time(s: Option<String>) -> Result<Option<NaiveTime>> {
    s.map(|s| NaiveTime::parse_from_str(&s, "%H:%M").map_err(|_| bad("時刻", &s)))
        .transpose()
}

fn committees(conn: &Connection) -> Result<Vec<Committee>> {
    let mut stmt = conn.prepare(
        "SELECT name, organisation, preamble FROM committees c
         WHERE organisation <> '' OR preamble <> '' OR name <> ?1
         ORDER BY id",
    )?;
    let rows = stmt.query_map([DEFAULT_COMMITTEE], |r| {
        Ok(Committee {
            name: r.get(0)?,
            organisation: r.get(1)?,
            preamble: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn meetings(conn: &Connection) -> Result<Vec<Meeting>> {
    let mut stmt = conn.prepare(
        "SELECT m.id, c.name, m.fiscal_year, m.number, m.date, m.start_time, m.end_time, m.place, m.status
         FROM meetings m JOIN committees c ON c.id = m.committee_id
         ORDER BY m.date, m.start_time, c.name, m.number",
    )?;
    let raw = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i32>(2)?,
                r.get::<_, u32>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, Option<String>>(6)?,
                r.get::<_, String>(7)?,
                r.get::<_, String>(8)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut attendees = attendees_by_meeting(conn)?;
    let mut items = items_by_meeting(conn)?;
    let mut out = Vec::with_capacity(raw.len());
    for (id, committee, fy, number, date, start, end, place, status) in raw {
        out.push(Meeting {
            committee,
            fiscal_year: fy,
            number,
            date: parse_date(&date)?,
            start: parse_time(start)?,
            end: parse_time(end)?,
            place,
            status: MeetingStatus::parse(&status).ok_or_else(|| bad("状態", &status))?,
            attendees: attendees.remove(&id).unwrap_or_default(),
            items: items.remove(&id).unwrap_or_default(),
        });
    }
    Ok(out)
}

fn attendees_by_meeting(conn: &Connection) -> Result<HashMap<i64, Vec<String>>> {
    let mut stmt = conn.prepare(
        "SELECT a.meeting_id, j.name FROM attendance a JOIN job_titles j ON j.id = a.job_title_id
         ORDER BY a.meeting_id, a.position, a.id",
    )?;
    let mut map: HashMap<i64, Vec<String>> = HashMap::new();
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        map.entry(r.get(0)?).or_default().push(r.get(1)?);
    }
    Ok(map)
}

fn items_by_meeting(conn: &Connection) -> Result<HashMap<i64, Vec<Item>>> {
    let mut opinions = opinions_by_item(conn)?;
    let mut links = links_by_item(conn)?;
    let mut stmt = conn.prepare(
        "SELECT id, meeting_id, number, title, summary FROM agenda_items ORDER BY meeting_id, number",
    )?;
    let mut map: HashMap<i64, Vec<Item>> = HashMap::new();
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        map.entry(r.get(1)?).or_default().push(Item {
            number: r.get(2)?,
            title: r.get(3)?,
            summary: r.get(4)?,
            opinions: opinions.remove(&id).unwrap_or_default(),
            links: links.remove(&id).unwrap_or_default(),
        });
    }
    Ok(map)
}

fn opinions_by_item(conn: &Connection) -> Result<HashMap<i64, Vec<Opinion>>> {
    let mut stmt = conn.prepare(
        "SELECT o.item_id, o.text, o.kind, j.name, o.visibility, o.owner, o.due_date, o.closed_at, o.closed_by
         FROM opinions o LEFT JOIN job_titles j ON j.id = o.speaker_title_id
         ORDER BY o.item_id, o.position, o.id",
    )?;
    let mut map: HashMap<i64, Vec<Opinion>> = HashMap::new();
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let kind: String = r.get(2)?;
        let vis: String = r.get(4)?;
        let due: Option<String> = r.get(6)?;
        map.entry(r.get(0)?).or_default().push(Opinion {
            text: r.get(1)?,
            kind: OpinionKind::parse(&kind).ok_or_else(|| bad("種別", &kind))?,
            speaker: r.get(3)?,
            visibility: Visibility::parse(&vis).ok_or_else(|| bad("公開区分", &vis))?,
            owner: r.get(5)?,
            due: due.as_deref().map(parse_date).transpose()?,
            closed_at: r.get(7)?,
            closed_by: r.get(8)?,
        });
    }
    Ok(map)
}

fn links_by_item(conn: &Connection) -> Result<HashMap<i64, Vec<String>>> {
    let mut stmt = conn.prepare(
        "SELECT l.item_id, p.title, CASE WHEN n.code <> '' THEN n.code ELSE n.title END
         FROM item_links l JOIN plan_nodes n ON n.id = l.node_id JOIN plans p ON p.id = n.plan_id
         ORDER BY l.item_id, l.id",
    )?;
    let mut map: HashMap<i64, Vec<String>> = HashMap::new();
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let plan: String = r.get(1)?;
        let key: String = r.get(2)?;
        map.entry(r.get(0)?)
            .or_default()
            .push(format!("{plan}#{key}"));
    }
    Ok(map)
}

struct NodeRow {
    id: i64,
    parent: Option<i64>,
    node: Node,
}

fn plans(conn: &Connection) -> Result<Vec<Plan>> {
    let mut stmt = conn.prepare(
        "SELECT id, kind, title, organisation, fiscal_year, status_scale FROM plans
         ORDER BY fiscal_year IS NULL, fiscal_year, id",
    )?;
    let raw = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<i32>>(4)?,
                r.get::<_, String>(5)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut out = Vec::new();
    for (id, kind, title, organisation, fiscal_year, scale) in raw {
        out.push(Plan {
            kind,
            title,
            organisation,
            fiscal_year,
            status_scale: serde_json::from_str(&scale)?,
            nodes: node_tree(conn, id)?,
        });
    }
    Ok(out)
}

/// The plan's nodes as a tree, children in position order.
pub(crate) fn node_tree(conn: &Connection, plan_id: i64) -> Result<Vec<Node>> {
    let mut stmt = conn.prepare(
        "SELECT id, parent_id, level, code, title, body, budget_kyen, lead_department
         FROM plan_nodes WHERE plan_id = ?1 ORDER BY position, id",
    )?;
    let mut rows: Vec<NodeRow> = stmt
        .query_map([plan_id], |r| {
            Ok(NodeRow {
                id: r.get(0)?,
                parent: r.get(1)?,
                node: Node {
                    level: r.get(2)?,
                    code: r.get(3)?,
                    title: r.get(4)?,
                    body: r.get(5)?,
                    budget_kyen: r.get(6)?,
                    lead_department: r.get(7)?,
                    ..Node::default()
                },
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    for row in &mut rows {
        fill_node_details(conn, row.id, &mut row.node)?;
    }
    let mut by_parent: HashMap<Option<i64>, Vec<NodeRow>> = HashMap::new();
    for row in rows {
        by_parent.entry(row.parent).or_default().push(row);
    }
    fn build(parent: Option<i64>, by_parent: &mut HashMap<Option<i64>, Vec<NodeRow>>) -> Vec<Node> {
        let Some(rows) = by_parent.remove(&parent) else {
            return Vec::new();
        };
        rows.into_iter()
            .map(|mut row| {
                row.node.children = build(Some(row.id), by_parent);
                row.node
            })
            .collect()
    }
    Ok(build(None, &mut by_parent))
}

fn fill_node_details(conn: &Connection, id: i64, node: &mut Node) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "SELECT name FROM node_co_departments WHERE node_id = ?1 ORDER BY position, id",
    )?;
    node.co_departments = stmt
        .query_map([id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;

    let mut stmt = conn.prepare_cached(
        "SELECT label, fiscal_year, text FROM node_notes WHERE node_id = ?1 ORDER BY position, id",
    )?;
    node.notes = stmt
        .query_map([id], |r| {
            Ok(Note {
                label: r.get(0)?,
                fiscal_year: r.get(1)?,
                text: r.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;

    let mut stmt = conn.prepare_cached(
        "SELECT fiscal_year, half, plan, actual, status, grade, note FROM progress
         WHERE node_id = ?1 ORDER BY fiscal_year, CASE half WHEN 'first' THEN 0 WHEN 'second' THEN 1 ELSE 2 END",
    )?;
    let raw = stmt
        .query_map([id], |r| {
            Ok((
                r.get::<_, i32>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    node.progress = raw
        .into_iter()
        .map(|(fy, half, plan, actual, status, grade, note)| {
            Ok(Progress {
                fiscal_year: fy,
                half: Half::parse(&half).ok_or_else(|| bad("期", &half))?,
                plan,
                actual,
                status,
                grade,
                note,
            })
        })
        .collect::<Result<_>>()?;

    node.indicators = indicators(conn, id)?;
    node.milestones = milestones(conn, id)?;
    Ok(())
}

fn indicators(conn: &Connection, node_id: i64) -> Result<Vec<Indicator>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, name, unit, target FROM indicators WHERE node_id = ?1 ORDER BY position, id",
    )?;
    let raw = stmt
        .query_map([node_id], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                Indicator {
                    name: r.get(1)?,
                    unit: r.get(2)?,
                    target: r.get(3)?,
                    values: Vec::new(),
                },
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut out = Vec::new();
    for (id, mut ind) in raw {
        let mut stmt = conn.prepare_cached(
            "SELECT fiscal_year, half, actual FROM indicator_values WHERE indicator_id = ?1
             ORDER BY fiscal_year, half",
        )?;
        let vals = stmt
            .query_map(params![id], |r| {
                Ok((r.get::<_, i32>(0)?, r.get::<_, String>(1)?, r.get(2)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        for (fy, half, actual) in vals {
            ind.values.push(IndicatorValue {
                fiscal_year: fy,
                half: Half::parse(&half).ok_or_else(|| bad("期", &half))?,
                actual,
            });
        }
        out.push(ind);
    }
    Ok(out)
}

fn milestones(conn: &Connection, node_id: i64) -> Result<Vec<Milestone>> {
    let mut stmt = conn.prepare_cached(
        "SELECT date, precision, until, text, done FROM milestones WHERE node_id = ?1
         ORDER BY position, id",
    )?;
    let raw = stmt
        .query_map([node_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, bool>(4)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    raw.into_iter()
        .map(|(date, precision, until, text, done)| {
            Ok(Milestone {
                date: parse_date(&date)?,
                precision: Precision::parse(&precision).ok_or_else(|| bad("精度", &precision))?,
                until: until.as_deref().map(parse_date).transpose()?,
                text,
                done,
            })
        })
        .collect()
}
