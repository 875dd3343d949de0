//! From index entries back to what people read: the original text and
//! where it was said, read from the database for the rows shown only; and
//! the context of one result (its meeting, item and neighbouring opinions).

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

use super::index::{DocKind, Index};
use super::rank::Hit;
use crate::wareki;

/// One result as shown: the original text and its place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResultRow {
    #[serde(serialize_with = "kind_str")]
    pub kind: DocKind,
    /// Row id in `opinions`, `agenda_items` or `plan_nodes`.
    pub id: i64,
    pub text: String,
    /// Every word matched as an exact substring.
    pub exact: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fiscal_year: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meeting: Option<MeetingRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item: Option<ItemRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub speaker: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node: Option<NodeRef>,
    /// What it is, more closely: "実績 平成29年度 上期", "中間振り返り
    /// 令和2年度", "開催場所", "宿題の担当" (the newer sources).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

fn kind_str<S: serde::Serializer>(k: &DocKind, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(k.as_str())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MeetingRef {
    pub id: i64,
    pub number: u32,
    pub committee: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemRef {
    pub id: i64,
    pub number: u32,
    pub title: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NodeRef {
    /// The node itself (the policy tab selects it).
    pub node_id: i64,
    pub plan_id: i64,
    pub plan: String,
    pub level: String,
    pub code: String,
}

impl ResultRow {
    /// "H29.6.21 第3回 (3)" or "平成29年度 1-1-2".
    pub fn place_short(&self) -> String {
        let mut s = String::new();
        if let Some(d) = self.date.filter(|_| self.meeting.is_some()) {
            s.push_str(&wareki::format_short(d));
        } else if let Some(fy) = self.fiscal_year {
            s.push_str(&wareki::format_fiscal_year(fy));
        }
        if let Some(m) = &self.meeting {
            s.push_str(&format!(" 第{}回", m.number));
        }
        if let Some(i) = &self.item {
            if self.kind.is_opinion() {
                s.push_str(&format!(" ({})", i.number));
            }
        }
        if let Some(n) = &self.node {
            if !n.code.is_empty() {
                s.push_str(&format!(" {}", n.code));
            }
        }
        if let Some(l) = &self.label {
            s.push_str(&format!(" {l}"));
        }
        s
    }
}

fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

const OPINION_SQL: &str = "SELECT o.text, j.name, i.id, i.number, i.title, m.id, m.number, m.date,
       m.fiscal_year, c.name
     FROM opinions o JOIN agenda_items i ON i.id = o.item_id
     JOIN meetings m ON m.id = i.meeting_id JOIN committees c ON c.id = m.committee_id
     LEFT JOIN job_titles j ON j.id = o.speaker_title_id WHERE o.id = ?1";
const ITEM_SQL: &str = "SELECT i.title, i.summary, i.number, m.id, m.number, m.date, m.fiscal_year,
       c.name
     FROM agenda_items i JOIN meetings m ON m.id = i.meeting_id
     JOIN committees c ON c.id = m.committee_id WHERE i.id = ?1";
const NODE_SQL: &str = "SELECT n.title, n.body, n.code, n.level, p.id, p.title, p.fiscal_year
     FROM plan_nodes n JOIN plans p ON p.id = n.plan_id WHERE n.id = ?1";

/// The rows for `hits`, in order; entries deleted since indexing are left out.
pub fn resolve(
    conn: &Connection,
    index: &Index,
    hits: &[Hit],
) -> Result<Vec<ResultRow>, rusqlite::Error> {
    let mut out = Vec::with_capacity(hits.len());
    for h in hits {
        let doc = index.doc(h.doc);
        if let Some(row) = row(conn, doc.kind, doc.id, h.exact)? {
            out.push(row);
        }
    }
    Ok(out)
}

/// One entry's row, read fresh.
pub fn row(
    conn: &Connection,
    kind: DocKind,
    id: i64,
    exact: bool,
) -> Result<Option<ResultRow>, rusqlite::Error> {
    let base = ResultRow {
        kind,
        id,
        text: String::new(),
        exact,
        date: None,
        fiscal_year: None,
        meeting: None,
        item: None,
        speaker: None,
        node: None,
        label: None,
    };
    if kind == DocKind::Owner {
        owner_row(conn, base)
    } else if kind.is_opinion() {
        opinion_row(conn, base)
    } else if kind.is_item() {
        item_row(conn, base)
    } else if kind.is_node() {
        node_row(conn, base)
    } else {
        super::sources::row(conn, base)
    }
}

/// A 宿題's owner: the opinion's place, the owner as the text.
fn owner_row(conn: &Connection, base: ResultRow) -> Result<Option<ResultRow>, rusqlite::Error> {
    let Some(row) = opinion_row(conn, base)? else {
        return Ok(None);
    };
    let owner: Option<String> = conn
        .query_row("SELECT owner FROM opinions WHERE id = ?1", [row.id], |r| {
            r.get(0)
        })
        .optional()?
        .flatten();
    let what = crate::widget::text_input::truncate_to_width(&row.text, 40).0;
    Ok(Some(ResultRow {
        text: owner.unwrap_or_default(),
        label: Some(format!("宿題の担当（{what}）")),
        ..row
    }))
}

fn opinion_row(conn: &Connection, base: ResultRow) -> Result<Option<ResultRow>, rusqlite::Error> {
    let mut stmt = conn.prepare_cached(OPINION_SQL)?;
    stmt.query_row([base.id], |r| {
        Ok(ResultRow {
            text: r.get(0)?,
            speaker: r.get(1)?,
            item: Some(ItemRef {
                id: r.get(2)?,
                number: r.get(3)?,
                title: r.get(4)?,
            }),
            meeting: Some(MeetingRef {
                id: r.get(5)?,
                number: r.get(6)?,
                committee: r.get(9)?,
            }),
            date: parse_date(&r.get::<_, String>(7)?),
            fiscal_year: r.get(8)?,
            ..base.clone()
        })
    })
    .optional()
}

fn item_row(conn: &Connection, base: ResultRow) -> Result<Option<ResultRow>, rusqlite::Error> {
    let mut stmt = conn.prepare_cached(ITEM_SQL)?;
    stmt.query_row([base.id], |r| {
        let title: String = r.get(0)?;
        Ok(ResultRow {
            text: if base.kind == DocKind::ItemTitle {
                title.clone()
            } else {
                r.get(1)?
            },
            item: Some(ItemRef {
                id: base.id,
                number: r.get(2)?,
                title,
            }),
            meeting: Some(MeetingRef {
                id: r.get(3)?,
                number: r.get(4)?,
                committee: r.get(7)?,
            }),
            date: parse_date(&r.get::<_, String>(5)?),
            fiscal_year: r.get(6)?,
            ..base.clone()
        })
    })
    .optional()
}

fn node_row(conn: &Connection, base: ResultRow) -> Result<Option<ResultRow>, rusqlite::Error> {
    let mut stmt = conn.prepare_cached(NODE_SQL)?;
    stmt.query_row([base.id], |r| {
        Ok(ResultRow {
            text: r.get(if base.kind == DocKind::NodeTitle {
                0
            } else {
                1
            })?,
            node: Some(NodeRef {
                node_id: base.id,
                plan_id: r.get(4)?,
                plan: r.get(5)?,
                level: r.get(3)?,
                code: r.get(2)?,
            }),
            fiscal_year: r.get(6)?,
            ..base.clone()
        })
    })
    .optional()
}

/// A result in its setting, for the preview.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Context {
    /// "平成29年6月21日(水曜日) 第3回 区づくり経営会議" or the plan's title.
    pub heading: String,
    /// "(3) 旭区大規模団地ビジョンについて" or "1-1 戦略 …".
    pub title: String,
    pub summary: String,
    pub lines: Vec<ContextLine>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContextLine {
    pub kind: DocKind,
    pub speaker: Option<String>,
    pub text: String,
    /// The result itself.
    pub target: bool,
}

/// Opinions shown before and after the result.
const NEIGHBOURS: usize = 3;

/// The setting of `row`: its meeting and item with the opinions around it,
/// or its plan and node.
pub fn context(conn: &Connection, row: &ResultRow) -> Result<Context, rusqlite::Error> {
    if let Some(n) = &row.node {
        return Ok(node_context(row, n));
    }
    let (Some(m), Some(item)) = (&row.meeting, &row.item) else {
        return Ok(Context::default());
    };
    let heading = format!(
        "{} 第{}回 {}",
        row.date
            .map(wareki::format_date_weekday)
            .unwrap_or_default(),
        m.number,
        m.committee
    );
    let summary: String = conn
        .query_row(
            "SELECT summary FROM agenda_items WHERE id = ?1",
            [item.id],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or_default();
    let all = item_opinions(conn, item.id)?;
    let at = row
        .kind
        .is_opinion()
        .then(|| all.iter().position(|(id, _)| *id == row.id))
        .flatten();
    let (from, to) = match at {
        Some(i) => (
            i.saturating_sub(NEIGHBOURS),
            (i + NEIGHBOURS + 1).min(all.len()),
        ),
        None => (0, all.len().min(2 * NEIGHBOURS + 1)),
    };
    let lines = all[from..to]
        .iter()
        .enumerate()
        .map(|(j, (_, l))| ContextLine {
            target: Some(from + j) == at,
            ..l.clone()
        })
        .collect();
    Ok(Context {
        heading,
        title: format!("({}) {}", item.number, item.title),
        summary,
        lines,
    })
}

/// A policy node's setting: its plan, code and level, and its body.
fn node_context(row: &ResultRow, n: &NodeRef) -> Context {
    Context {
        heading: n.plan.clone(),
        title: format!("{} {}", n.code, n.level).trim().to_string(),
        summary: String::new(),
        // A body keeps its lines (seed 002's are one thought each).
        lines: row
            .text
            .lines()
            .map(str::trim_end)
            .filter(|l| !l.trim().is_empty())
            .map(|l| ContextLine {
                kind: row.kind,
                speaker: None,
                text: l.to_string(),
                target: true,
            })
            .collect(),
    }
}

/// The opinions of item `item_id` in their order, each with its id.
fn item_opinions(
    conn: &Connection,
    item_id: i64,
) -> Result<Vec<(i64, ContextLine)>, rusqlite::Error> {
    let mut stmt = conn.prepare_cached(
        "SELECT o.id, o.kind, j.name, o.text FROM opinions o
         LEFT JOIN job_titles j ON j.id = o.speaker_title_id
         WHERE o.item_id = ?1 ORDER BY o.position, o.id",
    )?;
    let all = stmt
        .query_map([item_id], |r| {
            let kind: String = r.get(1)?;
            Ok((
                r.get(0)?,
                ContextLine {
                    kind: DocKind::from_opinion_kind(&kind),
                    speaker: r.get(2)?,
                    text: r.get(3)?,
                    target: false,
                },
            ))
        })?
        .collect::<Result<_, _>>()?;
    Ok(all)
}
