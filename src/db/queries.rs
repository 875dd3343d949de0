//! Read models for the screens: everything a pane shows, collected before
//! drawing so no reader holds the database while a frame is painted.

use chrono::{NaiveDate, NaiveTime};
use rusqlite::{params, OptionalExtension};

use super::export::parse_date;
use super::{Result, Store};
use crate::model::{MeetingStatus, OpinionKind, Visibility};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingRow {
    pub id: i64,
    pub committee: String,
    pub fiscal_year: i32,
    pub number: u32,
    pub date: NaiveDate,
    pub start: Option<NaiveTime>,
    pub end: Option<NaiveTime>,
    pub place: String,
    pub status: MeetingStatus,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpinionRow {
    pub id: i64,
    pub text: String,
    pub kind: OpinionKind,
    pub speaker: Option<String>,
    pub owner: Option<String>,
    pub due: Option<NaiveDate>,
    pub version: i64,
    pub updated_by: String,
    pub visibility: Visibility,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemRow {
    pub id: i64,
    pub number: u32,
    pub title: String,
    pub summary: String,
    pub version: i64,
    pub opinions: Vec<OpinionRow>,
    /// The policy nodes this item is linked to.
    pub links: Vec<super::LinkedNode>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingDetail {
    pub meeting: MeetingRow,
    pub attendees: Vec<String>,
    /// Who attended the meeting before this one (the default for a new one).
    pub previous_attendees: Vec<String>,
    /// Other sessions taking minutes of this meeting right now (OS users).
    pub recording_by: Vec<String>,
    pub items: Vec<ItemRow>,
}

/// A recent change set, for the status line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecentChange {
    pub batch: i64,
    pub audit_id: i64,
    pub os_user: String,
    pub at: String,
}

/// A minuting session refreshes its presence every few seconds; older
/// than this, it is gone.
pub const PRESENCE_FRESH_SECS: i64 = 15;

fn parse_time(s: Option<String>) -> Option<NaiveTime> {
    s.and_then(|s| NaiveTime::parse_from_str(&s, "%H:%M").ok())
}

const MEETING_COLS: &str =
    "m.id, c.name, m.fiscal_year, m.number, m.date, m.start_time, m.end_time,
    m.place, m.status, m.version";

fn meeting_row(r: &rusqlite::Row) -> rusqlite::Result<(MeetingRow, String)> {
    let date: String = r.get(4)?;
    let status: String = r.get(8)?;
    Ok((
        MeetingRow {
            id: r.get(0)?,
            committee: r.get(1)?,
            fiscal_year: r.get(2)?,
            number: r.get(3)?,
            date: NaiveDate::MIN,
            start: parse_time(r.get(5)?),
            end: parse_time(r.get(6)?),
            place: r.get(7)?,
            status: MeetingStatus::parse(&status).unwrap_or_default(),
            version: r.get(9)?,
        },
        date,
    ))
}

impl Store {
    /// Fiscal years that have meetings, oldest first.
    pub fn fiscal_years(&self) -> Result<Vec<i32>> {
        let mut stmt = self
            .conn()
            .prepare("SELECT DISTINCT fiscal_year FROM meetings ORDER BY fiscal_year")?;
        let years = stmt
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(years)
    }

    /// The meetings of a fiscal year, in date order.
    pub fn meetings_of_year(&self, fiscal_year: i32) -> Result<Vec<MeetingRow>> {
        // `+m.date` (the same order): walking the date index checks every
        // meeting's row for its year (~120 ms at 30,000 meetings, after
        // each colleague's save); the unique index holds the year and
        // finds the year's rows, sorted after (~20 ms).
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT {MEETING_COLS} FROM meetings m JOIN committees c ON c.id = m.committee_id
             WHERE m.fiscal_year = ?1 ORDER BY +m.date, m.start_time, m.number"
        ))?;
        let raw = stmt
            .query_map([fiscal_year], meeting_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        raw.into_iter()
            .map(|(mut m, date)| {
                m.date = parse_date(&date)?;
                Ok(m)
            })
            .collect()
    }

    pub fn meeting_detail(&self, id: i64) -> Result<Option<MeetingDetail>> {
        let conn = self.conn();
        let raw = conn
            .query_row(
                &format!(
                    "SELECT {MEETING_COLS} FROM meetings m JOIN committees c ON c.id = m.committee_id
                     WHERE m.id = ?1"
                ),
                [id],
                meeting_row,
            )
            .optional()?;
        let Some((mut meeting, date)) = raw else {
            return Ok(None);
        };
        meeting.date = parse_date(&date)?;
        let (attendees, previous_attendees) = attendees(conn, id)?;
        let mut items = items_with_opinions(conn, id)?;
        let recording_by = self.recording_by(id)?;
        let ids: Vec<i64> = items.iter().map(|i| i.id).collect();
        let mut links = self.links_of_items(&ids)?;
        for item in &mut items {
            item.links = links.remove(&item.id).unwrap_or_default();
        }
        Ok(Some(MeetingDetail {
            meeting,
            attendees,
            previous_attendees,
            recording_by,
            items,
        }))
    }

    /// Who else is minuting meeting `id` right now (fresh presence, not
    /// this session).
    pub fn recording_by(&self, id: i64) -> Result<Vec<String>> {
        let fresh = (chrono::Utc::now() - chrono::Duration::seconds(PRESENCE_FRESH_SECS))
            .format("%Y-%m-%dT%H:%M:%S%.3fZ")
            .to_string();
        let mut stmt = self.conn().prepare_cached(
            "SELECT DISTINCT os_user FROM presence
             WHERE meeting_id = ?1 AND seen_at >= ?2 AND NOT (os_user = ?3 AND session = ?4)
             ORDER BY os_user",
        )?;
        let by = stmt
            .query_map(params![id, fresh, self.user(), self.session()], |r| {
                r.get(0)
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(by)
    }

    /// A stamp of the drafts and presence tables (a few rows: one per
    /// open draft and per minuting session): when it moved, a commit that
    /// wrote no audit row was a draft save or a presence heartbeat.
    pub fn scratch_stamp(&self) -> Result<String> {
        Ok(self.conn().query_row(
            "SELECT (SELECT count(*) || '/' || coalesce(max(updated_at), '') || '/'
                            || total(length(text)) FROM drafts)
                 || '|' || (SELECT count(*) || '/' || coalesce(max(id), 0) || '/'
                            || coalesce(max(seen_at), '') FROM presence)",
            [],
            |r| r.get(0),
        )?)
    }

    /// Every job title, in the organisation's order.
    pub fn job_titles(&self) -> Result<Vec<String>> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT name FROM job_titles ORDER BY sort_order, id")?;
        let names = stmt
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(names)
    }

    /// The newest meeting (for defaults of a new one: room, attendees).
    pub fn latest_meeting(&self) -> Result<Option<i64>> {
        Ok(self
            .conn()
            .query_row(
                // The newest date through its index: `ORDER BY date DESC,
                // start_time DESC` alone sorted every meeting (~50 ms at
                // 30,000 meetings, after each colleague's save).
                "SELECT id FROM meetings WHERE date = (SELECT max(date) FROM meetings)
                 ORDER BY start_time DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()?)
    }

    pub fn next_meeting_number(&self, committee: &str, fiscal_year: i32) -> Result<u32> {
        Ok(self.conn().query_row(
            "SELECT coalesce(max(m.number), 0) + 1 FROM meetings m JOIN committees c ON c.id = m.committee_id
             WHERE c.name = ?1 AND m.fiscal_year = ?2",
            params![committee, fiscal_year],
            |r| r.get(0),
        )?)
    }

    /// The newest audit id (to notice others' changes from).
    pub fn last_audit_id(&self) -> Result<i64> {
        Ok(self
            .conn()
            .query_row("SELECT coalesce(max(id), 0) FROM audit_log", [], |r| {
                r.get(0)
            })?)
    }

    /// Change sets recorded after audit row `since` (the caller leaves out
    /// its own).
    pub fn changes_since(&self, since: i64) -> Result<Vec<RecentChange>> {
        let mut stmt = self.conn().prepare_cached(
            // `+batch`: grouping by the batch index would walk the whole
            // log (0.3 s at 1M opinions, on every colleague's save); the
            // tail is a range of the primary key.
            "SELECT batch, max(id), os_user, max(at) FROM audit_log WHERE id > ?1
             GROUP BY +batch ORDER BY max(id)",
        )?;
        let rows = stmt
            .query_map(params![since], |r| {
                Ok(RecentChange {
                    batch: r.get(0)?,
                    audit_id: r.get(1)?,
                    os_user: r.get(2)?,
                    at: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }
}

/// Meeting `id`'s attendees, and those of the meeting before it (for
/// "same as last time").
fn attendees(conn: &rusqlite::Connection, id: i64) -> Result<(Vec<String>, Vec<String>)> {
    let mut stmt = conn.prepare_cached(
        "SELECT j.name FROM attendance a JOIN job_titles j ON j.id = a.job_title_id
         WHERE a.meeting_id = ?1 ORDER BY a.position, a.id",
    )?;
    let attendees = stmt
        .query_map([id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let previous: Option<i64> = conn
        .query_row(
            "SELECT id FROM meetings WHERE (date, coalesce(start_time, '')) <
               (SELECT date, coalesce(start_time, '') FROM meetings WHERE id = ?1)
             ORDER BY date DESC, start_time DESC LIMIT 1",
            [id],
            |r| r.get(0),
        )
        .optional()?;
    let previous_attendees = match previous {
        Some(p) => stmt
            .query_map([p], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?,
        None => Vec::new(),
    };
    Ok((attendees, previous_attendees))
}

/// Meeting `id`'s agenda items, each with its opinions (links not yet).
fn items_with_opinions(conn: &rusqlite::Connection, id: i64) -> Result<Vec<ItemRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, number, title, summary, version FROM agenda_items WHERE meeting_id = ?1
         ORDER BY number",
    )?;
    let mut items: Vec<ItemRow> = stmt
        .query_map([id], |r| {
            Ok(ItemRow {
                id: r.get(0)?,
                number: r.get(1)?,
                title: r.get(2)?,
                summary: r.get(3)?,
                version: r.get(4)?,
                opinions: Vec::new(),
                links: Vec::new(),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut stmt = conn.prepare_cached(
        "SELECT o.id, o.text, o.kind, j.name, o.owner, o.due_date, o.version, o.updated_by,
           o.visibility
         FROM opinions o LEFT JOIN job_titles j ON j.id = o.speaker_title_id
         WHERE o.item_id = ?1 ORDER BY o.position, o.id",
    )?;
    for item in &mut items {
        item.opinions = stmt
            .query_map([item.id], |r| {
                let kind: String = r.get(2)?;
                let due: Option<String> = r.get(5)?;
                Ok(OpinionRow {
                    id: r.get(0)?,
                    text: r.get(1)?,
                    kind: OpinionKind::parse(&kind).unwrap_or_default(),
                    speaker: r.get(3)?,
                    owner: r.get(4)?,
                    due: due.and_then(|d| parse_date(&d).ok()),
                    version: r.get(6)?,
                    updated_by: r.get(7)?,
                    visibility: Visibility::parse(&r.get::<_, String>(8)?).unwrap_or_default(),
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
    }
    Ok(items)
}
