//! Merging a [`Dataset`] into the store: the heart of every import.
//!
//! Records are matched by their natural keys (a meeting by committee, fiscal
//! year and number; an item by number; an opinion by its text; a node by
//! level and code, or level and title when it has no code …). What matches is
//! updated to the imported values, what is new is added, and nothing already
//! in the database is deleted — so importing the same file twice changes
//! nothing, and re-importing a published page never drops what was typed
//! since.

mod fresh;
mod nodes;
mod row;
mod search_log;

use std::collections::{HashMap, HashSet};

use rusqlite::{params, OptionalExtension};

use super::built::{self, RowJson};
use super::{now_stamp, Result, StoreError, Tx};
use crate::model::{Committee, Dataset, Item, Meeting, Node, Opinion, Plan};
use crate::wareki;
use fresh::Fresh;
pub use row::ImportReport;
use row::{add_under_new, upsert, Merged, Upsert};

/// What one import looks up again and again.
struct Memo {
    /// Job titles by name (each opinion's speaker, each attendee).
    titles: HashMap<String, i64>,
    /// The import's time, for the rows it creates and updates.
    now: String,
    /// Opinions per INSERT under a new item (1 when ids might not be
    /// consecutive, see [`Tx::insert_rows`]).
    rows_max: usize,
    /// Those INSERTs' texts.
    statements: fresh::Statements,
}

impl Memo {
    fn title(&mut self, tx: &Tx, name: &str) -> Result<i64> {
        if let Some(id) = self.titles.get(name) {
            return Ok(*id);
        }
        let id = job_title_id(tx, name)?;
        self.titles.insert(name.to_string(), id);
        Ok(id)
    }
}

pub fn merge_dataset(tx: &Tx, data: &Dataset) -> Result<ImportReport> {
    // Everything below changes rows through `tx` alone.
    tx.defer_after_images();
    let mut report = ImportReport::default();
    let opinions: usize = data
        .meetings
        .iter()
        .flat_map(|m| &m.items)
        .map(|i| i.opinions.len())
        .sum();
    let mut memo = Memo {
        titles: HashMap::new(),
        now: now_stamp(),
        rows_max: if tx.ids_follow_on("opinions", opinions)? {
            fresh::ROWS_MAX
        } else {
            1
        },
        statements: fresh::Statements::default(),
    };
    let rows: usize = data
        .meetings
        .iter()
        .map(|m| 1 + m.items.iter().map(|i| 1 + i.opinions.len()).sum::<usize>())
        .sum();
    let paused = if rows >= search_log::BULK_MIN {
        search_log::pause(tx)?
    } else {
        None
    };
    for c in &data.committees {
        upsert_committee(tx, c, &mut report)?;
    }
    for plan in &data.plans {
        merge_plan(tx, plan, &mut report)?;
    }
    for m in &data.meetings {
        validate_meeting(m)?;
        merge_meeting(tx, m, &mut report, &mut memo)?;
    }
    if let Some(p) = paused {
        search_log::resume(tx, p)?;
    }
    Ok(report)
}

fn validate_meeting(m: &Meeting) -> Result<()> {
    let label = format!("第{}回 ({})", m.number, m.date);
    if m.number == 0 {
        return Err(StoreError::Invalid(format!("{label}: 回の番号は1以上です")));
    }
    let fy = wareki::fiscal_year(m.date);
    if fy != m.fiscal_year {
        return Err(StoreError::Invalid(format!(
            "{label}: 日付 {} は {} の会議ではありません（{}）",
            m.date,
            wareki::format_fiscal_year(m.fiscal_year),
            wareki::format_fiscal_year(fy)
        )));
    }
    if let (Some(s), Some(e)) = (m.start, m.end) {
        if e <= s {
            return Err(StoreError::Invalid(format!(
                "{label}: 終了 {} が開始 {} より前です",
                e.format("%H:%M"),
                s.format("%H:%M")
            )));
        }
    }
    Ok(())
}

fn upsert_committee(tx: &Tx, c: &Committee, report: &mut ImportReport) -> Result<i64> {
    let m = upsert(
        tx,
        Upsert {
            table: "committees",
            find: "SELECT id FROM committees WHERE name = ?1",
            key: params![c.name],
            update: Some((
                "UPDATE committees SET organisation = ?2, preamble = ?3,
                 version = version + 1 WHERE id = ?1 AND (organisation, preamble) IS NOT (?2, ?3)",
                params![c.organisation, c.preamble],
            )),
            insert: "INSERT INTO committees (name, organisation, preamble) VALUES (?1, ?2, ?3)",
            row: params![c.name, c.organisation, c.preamble],
        },
    )?;
    Ok(report.tally(m, None))
}

fn committee_id(tx: &Tx, name: &str, report: &mut ImportReport) -> Result<i64> {
    let found: Option<i64> = tx
        .conn()
        .prepare_cached("SELECT id FROM committees WHERE name = ?1")?
        .query_row([name], |r| r.get(0))
        .optional()?;
    match found {
        Some(id) => Ok(id),
        None => upsert_committee(
            tx,
            &Committee {
                name: name.to_string(),
                ..Committee::default()
            },
            report,
        ),
    }
}

/// The id of a job title, created (at the end of the organisation order)
/// when new.
pub fn job_title_id(tx: &Tx, name: &str) -> Result<i64> {
    let m = upsert(
        tx,
        Upsert {
            table: "job_titles",
            find: "SELECT id FROM job_titles WHERE name = ?1",
            key: params![name],
            update: None,
            insert: "INSERT INTO job_titles (name, sort_order)
         VALUES (?1, (SELECT coalesce(max(sort_order), 0) + 10 FROM job_titles))",
            row: params![name],
        },
    )?;
    Ok(m.id())
}

fn merge_meeting(tx: &Tx, m: &Meeting, report: &mut ImportReport, memo: &mut Memo) -> Result<()> {
    let committee = committee_id(tx, &m.committee, report)?;
    let date = m.date.format("%Y-%m-%d").to_string();
    let start = m.start.map(|t| t.format("%H:%M").to_string());
    let end = m.end.map(|t| t.format("%H:%M").to_string());
    let now = memo.now.clone();
    let user = tx.user();
    let merged = upsert(
        tx,
        Upsert {
            table: "meetings",
            find: "SELECT id FROM meetings WHERE committee_id = ?1 AND fiscal_year = ?2 AND number = ?3",
            key: params![committee, m.fiscal_year, m.number],
            update: Some((
                "UPDATE meetings SET date = ?2, start_time = ?3, end_time = ?4, place = ?5,
                   status = ?6, version = version + 1, updated_at = ?7, updated_by = ?8
                 WHERE id = ?1
                   AND (date, start_time, end_time, place, status) IS NOT (?2, ?3, ?4, ?5, ?6)",
                params![date, start, end, m.place, m.status.as_str(), now, user],
            )),
            insert: "INSERT INTO meetings (committee_id, fiscal_year, number, date, start_time, end_time,
                   place, status, created_at, created_by, updated_at, updated_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?9, ?10)",
            row: params![
                committee,
                m.fiscal_year,
                m.number,
                date,
                start,
                end,
                m.place,
                m.status.as_str(),
                now,
                user
            ],
        },
    )?;
    if let Merged::Updated(_) = merged {
        report.meetings_updated += 1;
    }
    let new = matches!(merged, Merged::Added(_));
    let meeting_id = report.tally(merged, Some(|r| &mut r.meetings_added));
    let mut seen_titles = HashSet::new();
    for (pos, title) in m.attendees.iter().enumerate() {
        let title_id = memo.title(tx, title)?;
        let first = new && seen_titles.insert(title_id);
        add_under_new(
            tx,
            Upsert {
                table: "attendance",
                find: "SELECT id FROM attendance WHERE meeting_id = ?1 AND job_title_id = ?2",
                key: params![meeting_id, title_id],
                update: None,
                insert: "INSERT INTO attendance (meeting_id, job_title_id, position) VALUES (?1, ?2, ?3)",
                row: params![meeting_id, title_id, pos as i64],
            },
            first,
            &built::ATTENDANCE,
            |id| {
                RowJson::new(id)
                    .int(meeting_id)
                    .int(title_id)
                    .int(pos as i64)
                    .done()
            },
        )?;
    }
    let mut seen_numbers = HashSet::new();
    for item in &m.items {
        let first = new && seen_numbers.insert(item.number);
        merge_item(tx, meeting_id, item, first, report, memo)?;
    }
    Ok(())
}

/// `new`: the item's meeting was just added and no earlier item of this
/// file has its number (see [`add_under_new`]).
fn merge_item(
    tx: &Tx,
    meeting_id: i64,
    item: &Item,
    new: bool,
    report: &mut ImportReport,
    memo: &mut Memo,
) -> Result<()> {
    let m = add_under_new(
        tx,
        Upsert {
            table: "agenda_items",
            find: "SELECT id FROM agenda_items WHERE meeting_id = ?1 AND number = ?2",
            key: params![meeting_id, item.number],
            update: Some((
                "UPDATE agenda_items SET title = ?2, summary = ?3, version = version + 1
                 WHERE id = ?1 AND (title, summary) IS NOT (?2, ?3)",
                params![item.title, item.summary],
            )),
            insert: "INSERT INTO agenda_items (meeting_id, number, title, summary) VALUES (?1, ?2, ?3, ?4)",
            row: params![meeting_id, item.number, item.title, item.summary],
        },
        new,
        &built::AGENDA_ITEMS,
        |id| {
            RowJson::new(id)
                .int(meeting_id)
                .int(i64::from(item.number))
                .text(&item.title)
                .text(&item.summary)
                .int(1)
                .done()
        },
    )?;
    // A new item's opinions: no lookups, positions counted here.
    let mut fresh = matches!(m, Merged::Added(_)).then(Fresh::new);
    let item_id = report.tally(m, Some(|r| &mut r.items_added));
    for op in &item.opinions {
        merge_opinion(tx, item_id, op, fresh.as_mut(), report, memo)?;
    }
    if let Some(f) = fresh.as_mut() {
        flush_fresh(tx, item_id, f, memo, report)?;
    }
    for link in &item.links {
        merge_link(tx, item_id, link)?;
    }
    Ok(())
}

/// Insert the new item's queued opinions (see [`Fresh`]).
fn flush_fresh(
    tx: &Tx,
    item_id: i64,
    fresh: &mut Fresh<'_>,
    memo: &mut Memo,
    report: &mut ImportReport,
) -> Result<()> {
    fresh.flush(
        tx,
        item_id,
        &memo.now,
        memo.rows_max,
        &mut memo.statements,
        report,
    )
}

fn merge_opinion<'a>(
    tx: &Tx,
    item_id: i64,
    op: &'a Opinion,
    fresh: Option<&mut Fresh<'a>>,
    report: &mut ImportReport,
    memo: &mut Memo,
) -> Result<()> {
    let speaker = match &op.speaker {
        Some(name) => Some(memo.title(tx, name)?),
        None => None,
    };
    let due = op.due.map(|d| d.format("%Y-%m-%d").to_string());
    if let Some(fresh) = fresh {
        if fresh.seen.insert(op.text.as_str()) {
            // Nothing under a new item can match: added at the next
            // position (what the subquery below would give).
            fresh.push(op, speaker, due);
            return Ok(());
        }
        // The same text again: the earlier ones must be there to merge into.
        flush_fresh(tx, item_id, fresh, memo, report)?;
    }
    let now = &memo.now;
    let user = tx.user();
    let (kind, visibility) = (op.kind.as_str(), op.visibility.as_str());
    let m = upsert(
        tx,
        Upsert {
            table: "opinions",
            find: "SELECT id FROM opinions WHERE item_id = ?1 AND text = ?2 ORDER BY position LIMIT 1",
            key: params![item_id, op.text],
            update: Some((
                "UPDATE opinions SET kind = ?2, speaker_title_id = ?3, visibility = ?4, owner = ?5,
                   due_date = ?6, closed_at = ?7, closed_by = ?8, version = version + 1,
                   updated_at = ?9, updated_by = ?10
                 WHERE id = ?1 AND (kind, speaker_title_id, visibility, owner, due_date, closed_at, closed_by)
                   IS NOT (?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![kind, speaker, visibility, op.owner, due, op.closed_at, op.closed_by, now, user],
            )),
            insert: "INSERT INTO opinions (item_id, position, text, kind, speaker_title_id, visibility,
                   owner, due_date, closed_at, closed_by, created_at, created_by, updated_at, updated_by)
                 VALUES (?1, (SELECT coalesce(max(position), -1) + 1 FROM opinions WHERE item_id = ?1),
                   ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?10, ?11)",
            row: params![
                item_id,
                op.text,
                kind,
                speaker,
                visibility,
                op.owner,
                due,
                op.closed_at,
                op.closed_by,
                now,
                user
            ],
        },
    )?;
    report.tally(m, Some(|r| &mut r.opinions_added));
    Ok(())
}

/// Link an item to `PLAN_TITLE#CODE` (or `PLAN_TITLE#TITLE` for nodes
/// without a code).
fn merge_link(tx: &Tx, item_id: i64, link: &str) -> Result<()> {
    let Some((plan, key)) = link.rsplit_once('#') else {
        return Err(StoreError::Invalid(format!(
            "リンク {link:?}: 「計画名#コード」の形で書いてください"
        )));
    };
    let node: Option<i64> = tx
        .conn()
        .prepare_cached(
            "SELECT n.id FROM plan_nodes n JOIN plans p ON p.id = n.plan_id
             WHERE p.title = ?1 AND (n.code = ?2 OR (n.code = '' AND n.title = ?2))
             ORDER BY p.fiscal_year DESC LIMIT 1",
        )?
        .query_row(params![plan, key], |r| r.get(0))
        .optional()?;
    let Some(node) = node else {
        return Err(StoreError::Invalid(format!(
            "リンク {link:?}: 計画「{plan}」に {key} がありません"
        )));
    };
    let (now, user) = (now_stamp(), tx.user());
    upsert(
        tx,
        Upsert {
            table: "item_links",
            find: "SELECT id FROM item_links WHERE item_id = ?1 AND node_id = ?2",
            key: params![item_id, node],
            update: None,
            insert: "INSERT INTO item_links (item_id, node_id, created_at, created_by) VALUES (?1, ?2, ?3, ?4)",
            row: params![item_id, node, now, user],
        },
    )?;
    Ok(())
}

fn merge_plan(tx: &Tx, plan: &Plan, report: &mut ImportReport) -> Result<()> {
    validate_nodes(&plan.nodes)?;
    let scale = serde_json::to_string(&plan.status_scale)?;
    let m = upsert(
        tx,
        Upsert {
            table: "plans",
            find: "SELECT id FROM plans WHERE kind = ?1 AND title = ?2 AND organisation = ?3
               AND fiscal_year IS ?4",
            key: params![plan.kind, plan.title, plan.organisation, plan.fiscal_year],
            update: Some((
                "UPDATE plans SET status_scale = ?2, version = version + 1
                 WHERE id = ?1 AND status_scale IS NOT ?2",
                params![scale],
            )),
            insert: "INSERT INTO plans (kind, title, organisation, fiscal_year, status_scale)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            row: params![
                plan.kind,
                plan.title,
                plan.organisation,
                plan.fiscal_year,
                scale
            ],
        },
    )?;
    let plan_id = report.tally(m, Some(|r| &mut r.plans_added));
    for node in &plan.nodes {
        nodes::merge_node(tx, plan_id, None, node, report)?;
    }
    Ok(())
}

/// Check a node tree for the mistakes a hand-written file can make.
pub fn validate_nodes(nodes: &[Node]) -> Result<()> {
    for n in nodes {
        if n.level.trim().is_empty() {
            return Err(StoreError::Invalid(format!(
                "「{}」: level（階層の名前）が空です",
                n.title
            )));
        }
        if let Some(b) = n.budget_kyen {
            if b < 0 {
                return Err(StoreError::Invalid(format!(
                    "「{}」: 予算額 {b} 千円 が負の数です",
                    n.title
                )));
            }
        }
        validate_nodes(&n.children)?;
    }
    Ok(())
}

/// What an import did, or why it failed, for the log.
pub(super) fn log_import(path: &std::path::Path, r: &super::Result<super::ImportReport>) {
    match r {
        Ok(r) => tracing::info!(
            db = %path.display(),
            meetings_added = r.meetings_added,
            meetings_updated = r.meetings_updated,
            opinions_added = r.opinions_added,
            plans_added = r.plans_added,
            "読み込みました"
        ),
        Err(e) => tracing::warn!(db = %path.display(), "読み込めませんでした: {e}"),
    }
}
