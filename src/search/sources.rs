//! What search shows besides opinions, agenda items and policy nodes
//! (issue 13): progress entries (計画, 実績, 備考), evaluations and other
//! node notes (中間振り返り, 自己評価 …), milestones, indicators and meeting
//! places. (宿題 owners come with their opinion: see `load` and `changes`.)
//!
//! Each source is one SQL over its table (`x`), read whole when the index
//! is built and by row id when the change log names a row; and read back,
//! with where it belongs, for the rows shown ([`row`]).

use rusqlite::{Connection, OptionalExtension};

use super::index::{day_number, Doc, DocKind, IndexBuilder};
use super::resolve::{MeetingRef, NodeRef, ResultRow};
use super::SearchError;
use crate::wareki;

/// The change-log table names of these sources.
pub const TABLES: [&str; 5] = [
    "progress",
    "node_notes",
    "milestones",
    "indicators",
    "meetings",
];

const PROGRESS: &str = "SELECT x.id, n.plan_id, x.fiscal_year, x.plan, x.actual, x.note
     FROM progress x JOIN plan_nodes n ON n.id = x.node_id";
const NOTES: &str = "SELECT x.id, n.plan_id, coalesce(x.fiscal_year, p.fiscal_year), x.text
     FROM node_notes x JOIN plan_nodes n ON n.id = x.node_id JOIN plans p ON p.id = n.plan_id";
const MILESTONES: &str = "SELECT x.id, n.plan_id, p.fiscal_year, x.text
     FROM milestones x JOIN plan_nodes n ON n.id = x.node_id JOIN plans p ON p.id = n.plan_id";
const INDICATORS: &str = "SELECT x.id, n.plan_id, p.fiscal_year, x.name
     FROM indicators x JOIN plan_nodes n ON n.id = x.node_id JOIN plans p ON p.id = n.plan_id";
const PLACES: &str = "SELECT x.id, x.date, x.fiscal_year, x.number, x.place FROM meetings x";

/// Every row of every source.
pub fn load_all(conn: &Connection, b: &mut IndexBuilder) -> Result<(), SearchError> {
    for t in TABLES {
        load(conn, b, t, None)?;
    }
    Ok(())
}

/// The entries of the rows of `table` whose ids are in the JSON array
/// `ids` (one query; rows gone have none), in id order.
pub fn load_some(
    conn: &Connection,
    b: &mut IndexBuilder,
    table: &str,
    ids: &str,
) -> Result<(), SearchError> {
    load(conn, b, table, Some(ids))
}

fn load(
    conn: &Connection,
    b: &mut IndexBuilder,
    table: &str,
    ids: Option<&str>,
) -> Result<(), SearchError> {
    let (sql, kinds): (&str, &[DocKind]) = match table {
        "progress" => (
            PROGRESS,
            &[
                DocKind::ProgressPlan,
                DocKind::ProgressActual,
                DocKind::ProgressNote,
            ],
        ),
        "node_notes" => (NOTES, &[DocKind::Evaluation]),
        "milestones" => (MILESTONES, &[DocKind::Milestone]),
        "indicators" => (INDICATORS, &[DocKind::Indicator]),
        "meetings" => return places(conn, b, ids),
        _ => return Ok(()),
    };
    let sql = match ids {
        Some(_) => format!("{sql} {BY_IDS}"),
        None => sql.to_string(),
    };
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = match ids {
        Some(ids) => stmt.query([ids])?,
        None => stmt.query([])?,
    };
    while let Some(r) = rows.next()? {
        let fy: Option<i64> = r.get(2)?;
        let day = fy
            .and_then(|y| chrono::NaiveDate::from_ymd_opt(y as i32, 4, 1))
            .map_or(0, day_number);
        for (k, kind) in kinds.iter().enumerate() {
            let text = r.get_ref(3 + k)?.as_str()?;
            if text.trim().is_empty() {
                continue;
            }
            let doc = Doc {
                id: r.get(0)?,
                parent: r.get(1)?,
                day,
                fiscal_year: fy.unwrap_or(0).clamp(0, i16::MAX as i64) as i16,
                meeting_no: 0,
                speaker: 0,
                kind: *kind,
            };
            b.push(doc, text)?;
        }
    }
    Ok(())
}

/// The rows of a JSON array of ids (`?1`).
const BY_IDS: &str = "WHERE x.id IN (SELECT value FROM json_each(?1)) ORDER BY x.id";

fn places(conn: &Connection, b: &mut IndexBuilder, ids: Option<&str>) -> Result<(), SearchError> {
    let sql = match ids {
        Some(_) => format!("{PLACES} {BY_IDS}"),
        None => PLACES.to_string(),
    };
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = match ids {
        Some(ids) => stmt.query([ids])?,
        None => stmt.query([])?,
    };
    while let Some(r) = rows.next()? {
        let place = r.get_ref(4)?.as_str()?;
        if place.trim().is_empty() {
            continue;
        }
        let date: String = r.get(1)?;
        let doc = Doc {
            id: r.get(0)?,
            parent: r.get(0)?,
            day: chrono::NaiveDate::parse_from_str(&date, "%Y-%m-%d")
                .map(day_number)
                .unwrap_or(0),
            fiscal_year: r.get::<_, i64>(2)?.clamp(0, i16::MAX as i64) as i16,
            meeting_no: r.get::<_, i64>(3)?.clamp(0, u16::MAX as i64) as u16,
            speaker: 0,
            kind: DocKind::Place,
        };
        b.push(doc, place)?;
    }
    Ok(())
}

/// "上期", "下期", "通年".
fn half_ja(half: &str) -> &'static str {
    match half {
        "first" => "上期",
        "second" => "下期",
        _ => "通年",
    }
}

/// The row shown for an entry of these sources (None when it is gone).
pub fn row(conn: &Connection, base: ResultRow) -> Result<Option<ResultRow>, rusqlite::Error> {
    if base.kind == DocKind::Place {
        return place_row(conn, base);
    }
    let node_cols = "n.id, n.code, n.level, p.id, p.title, p.fiscal_year";
    let joins = "JOIN plan_nodes n ON n.id = x.node_id JOIN plans p ON p.id = n.plan_id";
    let sql = match base.kind {
        DocKind::ProgressPlan => {
            format!("SELECT x.plan, x.fiscal_year, x.half, {node_cols} FROM progress x {joins}")
        }
        DocKind::ProgressActual => {
            format!("SELECT x.actual, x.fiscal_year, x.half, {node_cols} FROM progress x {joins}")
        }
        DocKind::ProgressNote => {
            format!("SELECT x.note, x.fiscal_year, x.half, {node_cols} FROM progress x {joins}")
        }
        DocKind::Evaluation => {
            format!("SELECT x.text, x.fiscal_year, x.label, {node_cols} FROM node_notes x {joins}")
        }
        DocKind::Milestone => {
            format!("SELECT x.text, NULL, x.date, {node_cols} FROM milestones x {joins}")
        }
        DocKind::Indicator => {
            format!("SELECT x.name, NULL, x.target, {node_cols} FROM indicators x {joins}")
        }
        _ => return Ok(None),
    };
    let mut stmt = conn.prepare_cached(&format!("{sql} WHERE x.id = ?1"))?;
    stmt.query_row([base.id], |r| {
        let own_fy: Option<i64> = r.get(1)?;
        let plan_fy: Option<i64> = r.get(8)?;
        let fy = own_fy.or(plan_fy).map(|y| y as i32);
        let extra: Option<String> = r.get(2)?;
        let extra = extra.unwrap_or_default();
        let label = match base.kind {
            k if k.is_progress() => format!(
                "{} {} {}",
                k.label_ja(),
                fy.map(wareki::format_fiscal_year).unwrap_or_default(),
                half_ja(&extra)
            ),
            DocKind::Evaluation => format!(
                "{} {}",
                extra,
                fy.map(wareki::format_fiscal_year).unwrap_or_default()
            ),
            DocKind::Milestone => extra.clone(),
            _ if extra.is_empty() => "指標".to_string(),
            _ => format!("指標 目標 {extra}"),
        };
        Ok(ResultRow {
            text: r.get(0)?,
            label: Some(label.trim().to_string()),
            fiscal_year: fy,
            node: Some(NodeRef {
                node_id: r.get(3)?,
                code: r.get(4)?,
                level: r.get(5)?,
                plan_id: r.get(6)?,
                plan: r.get(7)?,
            }),
            ..base.clone()
        })
    })
    .optional()
}

fn place_row(conn: &Connection, base: ResultRow) -> Result<Option<ResultRow>, rusqlite::Error> {
    let mut stmt = conn.prepare_cached(
        "SELECT x.place, x.date, x.fiscal_year, x.number, c.name FROM meetings x
         JOIN committees c ON c.id = x.committee_id WHERE x.id = ?1",
    )?;
    stmt.query_row([base.id], |r| {
        let date: String = r.get(1)?;
        Ok(ResultRow {
            text: r.get(0)?,
            label: Some("開催場所".to_string()),
            date: chrono::NaiveDate::parse_from_str(&date, "%Y-%m-%d").ok(),
            fiscal_year: r.get(2)?,
            meeting: Some(MeetingRef {
                id: base.id,
                number: r.get(3)?,
                committee: r.get(4)?,
            }),
            ..base.clone()
        })
    })
    .optional()
}
