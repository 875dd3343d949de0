//! Merging a plan's node tree and what hangs off each node (departments,
//! notes, progress, indicators, milestones). Same rules as [`super`]:
//! match by natural key, update, add, never delete.

use rusqlite::params;

use super::row::{upsert, ImportReport, Upsert};
use crate::db::{Result, Tx};
use crate::model::{Indicator, Milestone, Node, Note, Progress};

fn details(r: &mut ImportReport) -> &mut usize {
    &mut r.details_added
}

pub fn merge_node(
    tx: &Tx,
    plan_id: i64,
    parent: Option<i64>,
    node: &Node,
    report: &mut ImportReport,
) -> Result<i64> {
    // A node is known by its level and code, or by level and title when the
    // source gives it no code.
    let m = upsert(
        tx,
        Upsert {
            table: "plan_nodes",
            find: "SELECT id FROM plan_nodes WHERE plan_id = ?1 AND parent_id IS ?2 AND level = ?3
               AND CASE WHEN ?4 <> '' THEN code = ?4 ELSE code = '' AND title = ?5 END",
            key: params![plan_id, parent, node.level, node.code, node.title],
            update: Some((
                "UPDATE plan_nodes SET title = ?2, body = ?3, budget_kyen = ?4, lead_department = ?5,
                   version = version + 1
                 WHERE id = ?1 AND (title, body, budget_kyen, lead_department) IS NOT (?2, ?3, ?4, ?5)",
                params![node.title, node.body, node.budget_kyen, node.lead_department],
            )),
            insert: "INSERT INTO plan_nodes (plan_id, parent_id, position, level, code, title, body,
                   budget_kyen, lead_department)
                 VALUES (?1, ?2, (SELECT coalesce(max(position), -1) + 1 FROM plan_nodes
                                  WHERE plan_id = ?1 AND parent_id IS ?2),
                   ?3, ?4, ?5, ?6, ?7, ?8)",
            row: params![
                plan_id,
                parent,
                node.level,
                node.code,
                node.title,
                node.body,
                node.budget_kyen,
                node.lead_department
            ],
        },
    )?;
    let id = report.tally(m, Some(|r| &mut r.nodes_added));
    for name in &node.co_departments {
        merge_co_department(tx, id, name, report)?;
    }
    for note in &node.notes {
        merge_note(tx, id, note, report)?;
    }
    for p in &node.progress {
        merge_progress(tx, id, p, report)?;
    }
    for ind in &node.indicators {
        merge_indicator(tx, id, ind, report)?;
    }
    for m in &node.milestones {
        merge_milestone(tx, id, m, report)?;
    }
    for child in &node.children {
        merge_node(tx, plan_id, Some(id), child, report)?;
    }
    Ok(id)
}

fn merge_co_department(tx: &Tx, node_id: i64, name: &str, report: &mut ImportReport) -> Result<()> {
    let m = upsert(
        tx,
        Upsert {
            table: "node_co_departments",
            find: "SELECT id FROM node_co_departments WHERE node_id = ?1 AND name = ?2",
            key: params![node_id, name],
            update: None,
            insert: "INSERT INTO node_co_departments (node_id, position, name)
             VALUES (?1, (SELECT coalesce(max(position), -1) + 1 FROM node_co_departments
                          WHERE node_id = ?1), ?2)",
            row: params![node_id, name],
        },
    )?;
    report.tally(m, Some(details));
    Ok(())
}

fn merge_note(tx: &Tx, node_id: i64, note: &Note, report: &mut ImportReport) -> Result<()> {
    let m = upsert(
        tx,
        Upsert {
            table: "node_notes",
            find: "SELECT id FROM node_notes WHERE node_id = ?1 AND label = ?2 AND fiscal_year IS ?3",
            key: params![node_id, note.label, note.fiscal_year],
            update: Some((
                "UPDATE node_notes SET text = ?2, version = version + 1 WHERE id = ?1 AND text IS NOT ?2",
                params![note.text],
            )),
            insert: "INSERT INTO node_notes (node_id, position, label, fiscal_year, text)
                 VALUES (?1, (SELECT coalesce(max(position), -1) + 1 FROM node_notes WHERE node_id = ?1),
                   ?2, ?3, ?4)",
            row: params![node_id, note.label, note.fiscal_year, note.text],
        },
    )?;
    report.tally(m, Some(details));
    Ok(())
}

fn merge_progress(tx: &Tx, node_id: i64, p: &Progress, report: &mut ImportReport) -> Result<()> {
    let m = upsert(
        tx,
        Upsert {
            table: "progress",
            find: "SELECT id FROM progress WHERE node_id = ?1 AND fiscal_year = ?2 AND half = ?3",
            key: params![node_id, p.fiscal_year, p.half.as_str()],
            update: Some((
                "UPDATE progress SET plan = ?2, actual = ?3, status = ?4, grade = ?5, note = ?6,
                   version = version + 1
                 WHERE id = ?1 AND (plan, actual, status, grade, note) IS NOT (?2, ?3, ?4, ?5, ?6)",
                params![p.plan, p.actual, p.status, p.grade, p.note],
            )),
            insert: "INSERT INTO progress (node_id, fiscal_year, half, plan, actual, status, grade, note)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            row: params![
                node_id,
                p.fiscal_year,
                p.half.as_str(),
                p.plan,
                p.actual,
                p.status,
                p.grade,
                p.note
            ],
        },
    )?;
    report.tally(m, Some(details));
    Ok(())
}

fn merge_indicator(
    tx: &Tx,
    node_id: i64,
    ind: &Indicator,
    report: &mut ImportReport,
) -> Result<()> {
    let m = upsert(
        tx,
        Upsert {
            table: "indicators",
            find: "SELECT id FROM indicators WHERE node_id = ?1 AND name = ?2",
            key: params![node_id, ind.name],
            update: Some((
                "UPDATE indicators SET unit = ?2, target = ?3 WHERE id = ?1 AND (unit, target) IS NOT (?2, ?3)",
                params![ind.unit, ind.target],
            )),
            insert: "INSERT INTO indicators (node_id, position, name, unit, target)
             VALUES (?1, (SELECT coalesce(max(position), -1) + 1 FROM indicators WHERE node_id = ?1),
               ?2, ?3, ?4)",
            row: params![node_id, ind.name, ind.unit, ind.target],
        },
    )?;
    let id = report.tally(m, Some(details));
    for v in &ind.values {
        let m = upsert(
            tx,
            Upsert {
                table: "indicator_values",
                find: "SELECT id FROM indicator_values WHERE indicator_id = ?1 AND fiscal_year = ?2 AND half = ?3",
                key: params![id, v.fiscal_year, v.half.as_str()],
                update: Some((
                    "UPDATE indicator_values SET actual = ?2 WHERE id = ?1 AND actual IS NOT ?2",
                    params![v.actual],
                )),
                insert: "INSERT INTO indicator_values (indicator_id, fiscal_year, half, actual)
                     VALUES (?1, ?2, ?3, ?4)",
                row: params![id, v.fiscal_year, v.half.as_str(), v.actual],
            },
        )?;
        report.tally(m, Some(details));
    }
    Ok(())
}

fn merge_milestone(tx: &Tx, node_id: i64, m: &Milestone, report: &mut ImportReport) -> Result<()> {
    let date = m.date.format("%Y-%m-%d").to_string();
    let until = m.until.map(|d| d.format("%Y-%m-%d").to_string());
    let merged = upsert(
        tx,
        Upsert {
            table: "milestones",
            find: "SELECT id FROM milestones WHERE node_id = ?1 AND date = ?2 AND text = ?3",
            key: params![node_id, date, m.text],
            update: Some((
                "UPDATE milestones SET precision = ?2, until = ?3, done = ?4
                 WHERE id = ?1 AND (precision, until, done) IS NOT (?2, ?3, ?4)",
                params![m.precision.as_str(), until, m.done],
            )),
            insert: "INSERT INTO milestones (node_id, position, date, precision, until, text, done)
                 VALUES (?1, (SELECT coalesce(max(position), -1) + 1 FROM milestones WHERE node_id = ?1),
                   ?2, ?3, ?4, ?5, ?6)",
            row: params![node_id, date, m.precision.as_str(), until, m.text, m.done],
        },
    )?;
    report.tally(merged, Some(details));
    Ok(())
}
