//! The writes the app makes: each one short `BEGIN IMMEDIATE` transaction,
//! audited, and undoable as one change set.

use chrono::{NaiveDate, NaiveTime};
use rusqlite::{params, OptionalExtension};

use super::merge::job_title_id;
use super::{conflict, now_stamp, Result, Store, StoreError, Tx};
use crate::model::{MeetingStatus, OpinionKind, DEFAULT_COMMITTEE};
use crate::wareki;

/// The fields of a meeting as a form edits them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingFields {
    pub date: NaiveDate,
    pub start: Option<NaiveTime>,
    pub end: Option<NaiveTime>,
    pub place: String,
    pub status: MeetingStatus,
    pub attendees: Vec<String>,
}

/// What kind an entry is, with the 宿題 details.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryKind {
    pub kind: OpinionKind,
    pub owner: Option<String>,
    pub due: Option<NaiveDate>,
}

fn hhmm(t: Option<NaiveTime>) -> Option<String> {
    t.map(|t| t.format("%H:%M").to_string())
}

fn check_times(f: &MeetingFields) -> Result<()> {
    if let (Some(s), Some(e)) = (f.start, f.end) {
        if e <= s {
            return Err(StoreError::Invalid(format!(
                "終了 {} が開始 {} より前です",
                e.format("%H:%M"),
                s.format("%H:%M")
            )));
        }
    }
    Ok(())
}

impl Store {
    /// A new meeting: the next number in its fiscal year. Returns its id.
    pub fn create_meeting(&mut self, f: &MeetingFields) -> Result<i64> {
        check_times(f)?;
        let fy = wareki::fiscal_year(f.date);
        self.write_labeled("会議の作成", |tx| {
            let committee: i64 = match tx
                .conn()
                .query_row(
                    "SELECT id FROM committees WHERE name = ?1",
                    [DEFAULT_COMMITTEE],
                    |r| r.get(0),
                )
                .optional()?
            {
                Some(id) => id,
                None => tx.insert(
                    "committees",
                    "INSERT INTO committees (name) VALUES (?1)",
                    [DEFAULT_COMMITTEE],
                )?,
            };
            let number: u32 = tx.conn().query_row(
                "SELECT coalesce(max(number), 0) + 1 FROM meetings WHERE committee_id = ?1 AND fiscal_year = ?2",
                params![committee, fy],
                |r| r.get(0),
            )?;
            let now = now_stamp();
            let id = tx.insert(
                "meetings",
                "INSERT INTO meetings (committee_id, fiscal_year, number, date, start_time, end_time,
                   place, status, created_at, created_by, updated_at, updated_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?9, ?10)",
                params![
                    committee,
                    fy,
                    number,
                    f.date.format("%Y-%m-%d").to_string(),
                    hhmm(f.start),
                    hhmm(f.end),
                    f.place,
                    f.status.as_str(),
                    now,
                    tx.user()
                ],
            )?;
            set_attendees(tx, id, &f.attendees)?;
            Ok(id)
        })
    }

    /// Save a meeting's fields. `version` is what the editor loaded; a
    /// meeting someone else saved since is not overwritten.
    pub fn update_meeting(&mut self, id: i64, version: i64, f: &MeetingFields) -> Result<()> {
        check_times(f)?;
        let fy = wareki::fiscal_year(f.date);
        self.write_labeled("会議の編集", |tx| {
            conflict::expect_version(tx, "meetings", id, version, MEETING_AS_TEXT)?;
            let old_fy: i32 = tx.conn().query_row(
                "SELECT fiscal_year FROM meetings WHERE id = ?1",
                [id],
                |r| r.get(0),
            )?;
            let number_sql = if old_fy == fy {
                "number"
            } else {
                "(SELECT coalesce(max(number), 0) + 1 FROM meetings WHERE committee_id = meetings.committee_id AND fiscal_year = ?2)"
            };
            tx.update(
                "meetings",
                id,
                &format!(
                    "UPDATE meetings SET fiscal_year = ?2, number = {number_sql}, date = ?3, start_time = ?4,
                       end_time = ?5, place = ?6, status = ?7, version = version + 1, updated_at = ?8,
                       updated_by = ?9 WHERE id = ?1"
                ),
                params![
                    id,
                    fy,
                    f.date.format("%Y-%m-%d").to_string(),
                    hhmm(f.start),
                    hhmm(f.end),
                    f.place,
                    f.status.as_str(),
                    now_stamp(),
                    tx.user()
                ],
            )?;
            set_attendees(tx, id, &f.attendees)?;
            Ok(())
        })
    }

    /// Delete a meeting with everything in it (each row logged, so undo
    /// brings it all back).
    pub fn delete_meeting(&mut self, id: i64) -> Result<()> {
        self.write_labeled("会議の削除", |tx| {
            for (table, sql) in [
                (
                    "item_links",
                    "SELECT l.id FROM item_links l JOIN agenda_items i ON i.id = l.item_id WHERE i.meeting_id = ?1",
                ),
                (
                    "opinions",
                    "SELECT o.id FROM opinions o JOIN agenda_items i ON i.id = o.item_id WHERE i.meeting_id = ?1",
                ),
                ("agenda_items", "SELECT id FROM agenda_items WHERE meeting_id = ?1"),
                ("attendance", "SELECT id FROM attendance WHERE meeting_id = ?1"),
                ("meetings", "SELECT id FROM meetings WHERE id = ?1"),
            ] {
                for row in ids(tx, sql, id)? {
                    tx.delete(table, row)?;
                }
            }
            Ok(())
        })
    }

    /// Add an agenda item at the end; returns its id.
    pub fn add_item(&mut self, meeting_id: i64, title: &str) -> Result<i64> {
        let title = title.trim();
        if title.is_empty() {
            return Err(StoreError::Invalid("議題名が空です".into()));
        }
        self.write_labeled("議題の追加", |tx| {
            tx.insert(
                "agenda_items",
                "INSERT INTO agenda_items (meeting_id, number, title)
                 VALUES (?1, (SELECT coalesce(max(number), 0) + 1 FROM agenda_items WHERE meeting_id = ?1), ?2)",
                params![meeting_id, title],
            )
        })
    }

    /// Save an agenda item's title and summary, unless someone else saved
    /// it since `version`.
    pub fn update_item(
        &mut self,
        item_id: i64,
        version: i64,
        title: &str,
        summary: &str,
    ) -> Result<()> {
        let title = title.trim();
        if title.is_empty() {
            return Err(StoreError::Invalid("議題名が空です".into()));
        }
        self.write_labeled("議題の編集", |tx| {
            conflict::expect_version(
                tx,
                "agenda_items",
                item_id,
                version,
                "title || '：' || summary",
            )?;
            tx.update(
                "agenda_items",
                item_id,
                "UPDATE agenda_items SET title = ?2, summary = ?3, version = version + 1 WHERE id = ?1",
                params![item_id, title, summary],
            )?;
            Ok(())
        })
    }

    /// Move an agenda item up (-1) or down (+1), renumbering both.
    pub fn move_item(&mut self, item_id: i64, delta: i32) -> Result<bool> {
        self.write_labeled("議題の並べ替え", |tx| {
            let (meeting, number): (i64, i64) = tx.conn().query_row(
                "SELECT meeting_id, number FROM agenda_items WHERE id = ?1",
                [item_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            let other: Option<i64> = tx
                .conn()
                .query_row(
                    "SELECT id FROM agenda_items WHERE meeting_id = ?1 AND number = ?2",
                    params![meeting, number + i64::from(delta)],
                    |r| r.get(0),
                )
                .optional()?;
            let Some(other) = other else {
                return Ok(false);
            };
            let set = "UPDATE agenda_items SET number = ?2, version = version + 1 WHERE id = ?1";
            tx.update("agenda_items", item_id, set, params![item_id, -1])?;
            tx.update("agenda_items", other, set, params![other, number])?;
            tx.update(
                "agenda_items",
                item_id,
                set,
                params![item_id, number + i64::from(delta)],
            )?;
            Ok(true)
        })
    }

    /// Record an opinion and clear the draft it came from, in one
    /// transaction: after a crash there is either the draft or the opinion.
    pub fn add_opinion(
        &mut self,
        item_id: i64,
        text: &str,
        speaker: Option<&str>,
        draft_context: Option<&str>,
    ) -> Result<i64> {
        if text.trim().is_empty() {
            return Err(StoreError::Invalid("意見が空です".into()));
        }
        let session = self.session().to_string();
        self.write_labeled("意見の記録", |tx| {
            let speaker_id = speaker.map(|s| job_title_id(tx, s)).transpose()?;
            let now = now_stamp();
            let id = tx.insert(
                "opinions",
                "INSERT INTO opinions (item_id, position, text, speaker_title_id, created_at, created_by,
                   updated_at, updated_by)
                 VALUES (?1, (SELECT coalesce(max(position), -1) + 1 FROM opinions WHERE item_id = ?1),
                   ?2, ?3, ?4, ?5, ?4, ?5)",
                params![item_id, text, speaker_id, now, tx.user()],
            )?;
            if let Some(ctx) = draft_context {
                super::drafts::clear(tx, &session, ctx)?;
            }
            Ok(id)
        })
    }

    /// Replace an opinion's text, unless someone else saved it since
    /// `version`.
    pub fn edit_opinion(&mut self, id: i64, version: i64, text: &str) -> Result<()> {
        if text.trim().is_empty() {
            return Err(StoreError::Invalid(
                "意見が空です。消すときは削除してください".into(),
            ));
        }
        self.write_labeled("意見の編集", |tx| {
            conflict::expect_version(tx, "opinions", id, version, "text")?;
            tx.update(
                "opinions",
                id,
                "UPDATE opinions SET text = ?2, version = version + 1, updated_at = ?3, updated_by = ?4
                 WHERE id = ?1",
                params![id, text, now_stamp(), tx.user()],
            )?;
            Ok(())
        })
    }

    pub fn set_opinion_kind(&mut self, id: i64, kind: &EntryKind) -> Result<()> {
        self.write_labeled("種別の変更", |tx| {
            tx.update(
                "opinions",
                id,
                "UPDATE opinions SET kind = ?2, owner = ?3, due_date = ?4, version = version + 1,
                   updated_at = ?5, updated_by = ?6 WHERE id = ?1",
                params![
                    id,
                    kind.kind.as_str(),
                    kind.owner,
                    kind.due.map(|d| d.format("%Y-%m-%d").to_string()),
                    now_stamp(),
                    tx.user()
                ],
            )?;
            Ok(())
        })
    }

    pub fn set_opinion_speaker(&mut self, id: i64, speaker: Option<&str>) -> Result<()> {
        self.write_labeled("発言者の設定", |tx| {
            let speaker_id = speaker.map(|s| job_title_id(tx, s)).transpose()?;
            tx.update(
                "opinions",
                id,
                "UPDATE opinions SET speaker_title_id = ?2, version = version + 1, updated_at = ?3,
                   updated_by = ?4 WHERE id = ?1",
                params![id, speaker_id, now_stamp(), tx.user()],
            )?;
            Ok(())
        })
    }

    pub fn delete_opinion(&mut self, id: i64) -> Result<()> {
        self.write_labeled("意見の削除", |tx| {
            tx.delete("opinions", id)?;
            Ok(())
        })
    }

    /// Say this session is minuting `meeting` (None: it stopped). Not
    /// audited: it is a heartbeat, refreshed every few seconds.
    pub fn set_presence(&mut self, meeting: Option<i64>) -> Result<()> {
        let user = self.user().to_string();
        let session = self.session().to_string();
        self.write(|tx| {
            tx.conn().execute(
                "DELETE FROM presence WHERE os_user = ?1 AND session = ?2",
                params![user, session],
            )?;
            if let Some(m) = meeting {
                tx.conn().execute(
                    "INSERT INTO presence (os_user, session, meeting_id, seen_at) VALUES (?1, ?2, ?3, ?4)",
                    params![user, session, m, now_stamp()],
                )?;
            }
            Ok(())
        })
    }

    /// Forget presence rows of sessions whose process is gone (a crash or
    /// `kill -9` leaves one behind). Everyone runs on the same server, so
    /// a process id that no longer exists means the session ended.
    pub fn prune_presence(&mut self) -> Result<usize> {
        let rows: Vec<(i64, String)> = {
            let mut stmt = self.conn().prepare("SELECT id, session FROM presence")?;
            let rows = stmt
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            rows
        };
        let dead: Vec<i64> = rows
            .into_iter()
            .filter(|(_, session)| {
                let pid = session
                    .split('-')
                    .next()
                    .and_then(|p| p.parse::<i32>().ok());
                pid.is_some_and(|pid| !process_alive(pid))
            })
            .map(|(id, _)| id)
            .collect();
        if dead.is_empty() {
            return Ok(0);
        }
        self.write(|tx| {
            for id in &dead {
                tx.conn()
                    .execute("DELETE FROM presence WHERE id = ?1", [id])?;
            }
            Ok(dead.len())
        })
    }
}

/// Whether a process with this id exists (on this machine).
fn process_alive(pid: i32) -> bool {
    // SAFETY: signal 0 only checks that the process exists.
    let rc = unsafe { libc::kill(pid, 0) };
    rc == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

/// A meeting as the conflict prompt shows it: date, times, room, attendees.
const MEETING_AS_TEXT: &str =
    "date || ' ' || coalesce(start_time, '') || '-' || coalesce(end_time, '')
    || ' ' || place || ' 出席: ' || coalesce((SELECT group_concat(name, '、') FROM
      (SELECT j.name AS name FROM attendance a JOIN job_titles j ON j.id = a.job_title_id
       WHERE a.meeting_id = meetings.id ORDER BY a.position)), '')";

/// The ids `sql` (one `?` parameter) returns for `id`.
pub(super) fn ids(tx: &Tx, sql: &str, id: i64) -> Result<Vec<i64>> {
    let mut stmt = tx.conn().prepare(sql)?;
    let rows = stmt
        .query_map([id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Make the meeting's attendance exactly `titles`, in that order.
fn set_attendees(tx: &Tx, meeting_id: i64, titles: &[String]) -> Result<()> {
    let mut wanted = Vec::new();
    for t in titles {
        let id = job_title_id(tx, t)?;
        if !wanted.contains(&id) {
            wanted.push(id);
        }
    }
    let mut stmt = tx
        .conn()
        .prepare("SELECT id, job_title_id, position FROM attendance WHERE meeting_id = ?1")?;
    let current: Vec<(i64, i64, i64)> = stmt
        .query_map([meeting_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (row, title, _) in &current {
        if !wanted.contains(title) {
            tx.delete("attendance", *row)?;
        }
    }
    for (pos, title) in wanted.iter().enumerate() {
        let pos = pos as i64;
        match current.iter().find(|(_, t, _)| t == title) {
            Some((row, _, p)) if *p != pos => {
                tx.update(
                    "attendance",
                    *row,
                    "UPDATE attendance SET position = ?2 WHERE id = ?1",
                    params![row, pos],
                )?;
            }
            Some(_) => {}
            None => {
                tx.insert(
                    "attendance",
                    "INSERT INTO attendance (meeting_id, job_title_id, position) VALUES (?1, ?2, ?3)",
                    params![meeting_id, title, pos],
                )?;
            }
        }
    }
    Ok(())
}
