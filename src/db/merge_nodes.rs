//! Merging a plan's node tree and what hangs off each node (departments,
//! notes, progress, indicators, milestones). Same rules as [`super::merge`]:
//! match by natural key, update, add, never delete.

use rusqlite::{params, OptionalExtension};

use super::merge::ImportReport;
use super::{Result, Tx};
use crate::model::{Indicator, Milestone, Node, Note, Progress};

pub fn merge_node(
    tx: &Tx,
    plan_id: i64,
    parent: Option<i64>,
    node: &Node,
    report: &mut ImportReport,
) -> Result<i64> {
    // A node is known by its level and code, or by level and title when the
    // source gives it no code.
    let existing: Option<i64> = tx
        .conn()
        .query_row(
            "SELECT id FROM plan_nodes WHERE plan_id = ?1 AND parent_id IS ?2 AND level = ?3
               AND CASE WHEN ?4 <> '' THEN code = ?4 ELSE code = '' AND title = ?5 END",
            params![plan_id, parent, node.level, node.code, node.title],
            |r| r.get(0),
        )
        .optional()?;
    let id = match existing {
        Some(id) => {
            if tx.update(
                "plan_nodes",
                id,
                "UPDATE plan_nodes SET title = ?2, body = ?3, budget_kyen = ?4, lead_department = ?5,
                   version = version + 1
                 WHERE id = ?1 AND (title, body, budget_kyen, lead_department) IS NOT (?2, ?3, ?4, ?5)",
                params![id, node.title, node.body, node.budget_kyen, node.lead_department],
            )? {
                report.rows_updated += 1;
            }
            id
        }
        None => {
            report.nodes_added += 1;
            tx.insert(
                "plan_nodes",
                "INSERT INTO plan_nodes (plan_id, parent_id, position, level, code, title, body,
                   budget_kyen, lead_department)
                 VALUES (?1, ?2, (SELECT coalesce(max(position), -1) + 1 FROM plan_nodes
                                  WHERE plan_id = ?1 AND parent_id IS ?2),
                   ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    plan_id,
                    parent,
                    node.level,
                    node.code,
                    node.title,
                    node.body,
                    node.budget_kyen,
                    node.lead_department
                ],
            )?
        }
    };
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
    let exists: Option<i64> = tx
        .conn()
        .query_row(
            "SELECT id FROM node_co_departments WHERE node_id = ?1 AND name = ?2",
            params![node_id, name],
            |r| r.get(0),
        )
        .optional()?;
    if exists.is_none() {
        report.details_added += 1;
        tx.insert(
            "node_co_departments",
            "INSERT INTO node_co_departments (node_id, position, name)
             VALUES (?1, (SELECT coalesce(max(position), -1) + 1 FROM node_co_departments
                          WHERE node_id = ?1), ?2)",
            params![node_id, name],
        )?;
    }
    Ok(())
}

fn merge_note(tx: &Tx, node_id: i64, note: &Note, report: &mut ImportReport) -> Result<()> {
    let existing: Option<i64> = tx
        .conn()
        .query_row(
            "SELECT id FROM node_notes WHERE node_id = ?1 AND label = ?2 AND fiscal_year IS ?3",
            params![node_id, note.label, note.fiscal_year],
            |r| r.get(0),
        )
        .optional()?;
    match existing {
        Some(id) => {
            if tx.update(
                "node_notes",
                id,
                "UPDATE node_notes SET text = ?2, version = version + 1 WHERE id = ?1 AND text IS NOT ?2",
                params![id, note.text],
            )? {
                report.rows_updated += 1;
            }
        }
        None => {
            report.details_added += 1;
            tx.insert(
                "node_notes",
                "INSERT INTO node_notes (node_id, position, label, fiscal_year, text)
                 VALUES (?1, (SELECT coalesce(max(position), -1) + 1 FROM node_notes WHERE node_id = ?1),
                   ?2, ?3, ?4)",
                params![node_id, note.label, note.fiscal_year, note.text],
            )?;
        }
    }
    Ok(())
}

fn merge_progress(tx: &Tx, node_id: i64, p: &Progress, report: &mut ImportReport) -> Result<()> {
    let existing: Option<i64> = tx
        .conn()
        .query_row(
            "SELECT id FROM progress WHERE node_id = ?1 AND fiscal_year = ?2 AND half = ?3",
            params![node_id, p.fiscal_year, p.half.as_str()],
            |r| r.get(0),
        )
        .optional()?;
    match existing {
        Some(id) => {
            if tx.update(
                "progress",
                id,
                "UPDATE progress SET plan = ?2, actual = ?3, status = ?4, grade = ?5, note = ?6,
                   version = version + 1
                 WHERE id = ?1 AND (plan, actual, status, grade, note) IS NOT (?2, ?3, ?4, ?5, ?6)",
                params![id, p.plan, p.actual, p.status, p.grade, p.note],
            )? {
                report.rows_updated += 1;
            }
        }
        None => {
            report.details_added += 1;
            tx.insert(
                "progress",
                "INSERT INTO progress (node_id, fiscal_year, half, plan, actual, status, grade, note)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    node_id,
                    p.fiscal_year,
                    p.half.as_str(),
                    p.plan,
                    p.actual,
                    p.status,
                    p.grade,
                    p.note
                ],
            )?;
        }
    }
    Ok(())
}

fn merge_indicator(
    tx: &Tx,
    node_id: i64,
    ind: &Indicator,
    report: &mut ImportReport,
) -> Result<()> {
    let existing: Option<i64> = tx
        .conn()
        .query_row(
            "SELECT id FROM indicators WHERE node_id = ?1 AND name = ?2",
            params![node_id, ind.name],
            |r| r.get(0),
        )
        .optional()?;
    let id = match existing {
        Some(id) => {
            if tx.update(
                "indicators",
                id,
                "UPDATE indicators SET unit = ?2, target = ?3 WHERE id = ?1 AND (unit, target) IS NOT (?2, ?3)",
                params![id, ind.unit, ind.target],
            )? {
                report.rows_updated += 1;
            }
            id
        }
        None => {
            report.details_added += 1;
            tx.insert(
            "indicators",
            "INSERT INTO indicators (node_id, position, name, unit, target)
             VALUES (?1, (SELECT coalesce(max(position), -1) + 1 FROM indicators WHERE node_id = ?1),
               ?2, ?3, ?4)",
            params![node_id, ind.name, ind.unit, ind.target],
        )?
        }
    };
    for v in &ind.values {
        let found: Option<i64> = tx
            .conn()
            .query_row(
                "SELECT id FROM indicator_values WHERE indicator_id = ?1 AND fiscal_year = ?2 AND half = ?3",
                params![id, v.fiscal_year, v.half.as_str()],
                |r| r.get(0),
            )
            .optional()?;
        match found {
            Some(vid) => {
                if tx.update(
                    "indicator_values",
                    vid,
                    "UPDATE indicator_values SET actual = ?2 WHERE id = ?1 AND actual IS NOT ?2",
                    params![vid, v.actual],
                )? {
                    report.rows_updated += 1;
                }
            }
            None => {
                report.details_added += 1;
                tx.insert(
                    "indicator_values",
                    "INSERT INTO indicator_values (indicator_id, fiscal_year, half, actual)
                     VALUES (?1, ?2, ?3, ?4)",
                    params![id, v.fiscal_year, v.half.as_str(), v.actual],
                )?;
            }
        }
    }
    Ok(())
}

fn merge_milestone(tx: &Tx, node_id: i64, m: &Milestone, report: &mut ImportReport) -> Result<()> {
    let date = m.date.format("%Y-%m-%d").to_string();
    let until = m.until.map(|d| d.format("%Y-%m-%d").to_string());
    let existing: Option<i64> = tx
        .conn()
        .query_row(
            "SELECT id FROM milestones WHERE node_id = ?1 AND date = ?2 AND text = ?3",
            params![node_id, date, m.text],
            |r| r.get(0),
        )
        .optional()?;
    match existing {
        Some(id) => {
            if tx.update(
                "milestones",
                id,
                "UPDATE milestones SET precision = ?2, until = ?3, done = ?4
                 WHERE id = ?1 AND (precision, until, done) IS NOT (?2, ?3, ?4)",
                params![id, m.precision.as_str(), until, m.done],
            )? {
                report.rows_updated += 1;
            }
        }
        None => {
            report.details_added += 1;
            tx.insert(
                "milestones",
                "INSERT INTO milestones (node_id, position, date, precision, until, text, done)
                 VALUES (?1, (SELECT coalesce(max(position), -1) + 1 FROM milestones WHERE node_id = ?1),
                   ?2, ?3, ?4, ?5, ?6)",
                params![node_id, date, m.precision.as_str(), until, m.text, m.done],
            )?;
        }
    }
    Ok(())
}
