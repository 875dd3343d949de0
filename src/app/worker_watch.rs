//! Noticing what other processes committed, at the cost of what changed.
//!
//! Every poll reads `PRAGMA data_version` (nothing else when no other
//! process committed). A commit is then told apart by two numbers read
//! from primary keys: the newest audit row (every change kusei makes) and
//! the newest search change-log number (triggers: every change to what
//! search shows, whoever makes it, the `sqlite3` tool included).
//!
//! - Neither moved: a colleague's draft (every 250 ms while typing), a
//!   presence heartbeat (every 5 s while minuting), or a write behind
//!   kusei's back to something neither log sees (an attendance or a status
//!   changed with `sqlite3`). Only "who is minuting" of the open meeting is
//!   read again (one small query). A stamp of the drafts and presence
//!   tables (a few rows) tells which: when it did not move, the shown views
//!   are read and compared ("a sweep") at most every [`SWEEP_INTERVAL`], so
//!   a write behind kusei's back is shown within a few seconds; when it did,
//!   at most every [`BACKSTOP_INTERVAL`] (a `sqlite3` write in the same poll
//!   as a draft is still shown).
//! - Either moved: the open meeting, the calendar year and the latest
//!   meeting are read again, and each is sent to the screen only when it
//!   differs from what was last sent (the screen redraws only then); the
//!   new change sets (read from the audit log's tail) go to the status line.

use std::time::{Duration, Instant};

use super::Response;
use crate::db::{MeetingDetail, MeetingRow};

/// A commit nothing explains is checked for at most this often.
pub const SWEEP_INTERVAL: Duration = Duration::from_secs(4);
/// Drafts and presence explain a commit, but a write behind kusei's back
/// could have come in the same poll: while they keep coming, the views are
/// still compared this often.
pub const BACKSTOP_INTERVAL: Duration = Duration::from_secs(30);

/// How many polls did what, since the worker started (for the tests and
/// the debug log).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct PollCounts {
    /// Polls that found another process's commit.
    pub commits: u64,
    /// Of those, commits neither log explains (drafts, presence, unlogged).
    pub quiet: u64,
    /// Of those, commits the drafts and presence tables do not explain
    /// either (a write with the sqlite3 tool).
    pub unexplained: u64,
    /// Refreshes after a logged change.
    pub refreshes: u64,
    /// Sweeps after unexplained commits.
    pub sweeps: u64,
    /// Views sent to the screen by polls (meeting, year, latest).
    pub sent: u64,
}

/// What a poll compares against.
#[derive(Debug, Default)]
pub struct Watch {
    pub data_version: i64,
    pub last_audit: i64,
    /// The search change log's newest number when last polled.
    pub search_seq: Option<i64>,
    /// What was last sent of each view.
    pub year: Option<(i32, Vec<MeetingRow>)>,
    pub latest: Option<Option<MeetingDetail>>,
    pub meeting: Option<Option<MeetingDetail>>,
    /// The drafts and presence tables' stamp when last polled.
    pub scratch: Option<String>,
    /// Quiet commits came since the last sweep: how soon the next is due.
    pub pending: Option<Duration>,
    pub last_sweep: Option<Instant>,
    pub counts: PollCounts,
}

impl Watch {
    /// Whether an unexplained commit is due for a sweep at `now`.
    pub fn sweep_due(&self, now: Instant) -> bool {
        self.pending.is_some_and(|every| {
            self.last_sweep
                .is_none_or(|t| now.duration_since(t) >= every)
        })
    }

    /// A quiet commit came; `explained` when drafts or presence changed.
    pub fn note_quiet(&mut self, explained: bool) {
        let every = if explained {
            BACKSTOP_INTERVAL
        } else {
            SWEEP_INTERVAL
        };
        self.pending = Some(self.pending.map_or(every, |p| p.min(every)));
    }
}

/// What the newest numbers say about a commit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Commit {
    /// Nothing either log saw.
    Quiet,
    /// New audit rows or search changes.
    Logged,
}

pub fn classify(w: &Watch, audit: i64, seq: Option<i64>) -> Commit {
    if audit > w.last_audit || seq != w.search_seq {
        Commit::Logged
    } else {
        Commit::Quiet
    }
}

impl super::Worker {
    /// What the polls did so far.
    pub fn poll_counts(&self) -> PollCounts {
        self.watch.counts
    }

    /// Notice what other processes committed and show what changed.
    pub fn poll_external(&mut self) {
        self.poll_external_at(Instant::now());
    }

    /// [`Worker::poll_external`] as if it were `now` (the tests sweep
    /// without waiting).
    pub fn poll_external_at(&mut self, now: Instant) {
        let Ok(v) = self.store.data_version() else {
            return;
        };
        if v != self.watch.data_version {
            self.watch.data_version = v;
            self.watch.counts.commits += 1;
            // Both are the last row of a primary key: two page reads.
            let audit = self.store.last_audit_id().unwrap_or(self.watch.last_audit);
            let seq = crate::search::changes::latest(self.store.conn());
            match classify(&self.watch, audit, seq) {
                Commit::Quiet => self.on_quiet(),
                Commit::Logged => {
                    self.watch.search_seq = seq;
                    self.on_logged(now);
                }
            }
        }
        if self.watch.sweep_due(now) {
            self.sweep(now);
        }
    }

    /// A commit neither log saw: who is minuting the open meeting may have
    /// changed; anything else waits for the next sweep.
    fn on_quiet(&mut self) {
        self.watch.counts.quiet += 1;
        let scratch = self.store.scratch_stamp().ok();
        let explained = scratch.is_some() && scratch != self.watch.scratch;
        self.watch.scratch = scratch;
        self.watch.note_quiet(explained);
        self.watch.counts.unexplained += u64::from(!explained);
        let sent = self.refresh_presence();
        self.watch.counts.sent += u64::from(sent);
        tracing::trace!(
            explained,
            sent,
            "他のプロセスの書き込み（下書き・在席など）: 読み直しません"
        );
    }

    /// New change sets or search changes: read the views again, send what
    /// differs, and tell the status line whose change sets came.
    fn on_logged(&mut self, now: Instant) {
        let mut changes = self
            .store
            .changes_since(self.watch.last_audit)
            .unwrap_or_default();
        // Only here does the mark move on: our own change sets are told
        // apart by id, so nothing another session saved meanwhile is missed.
        if let Some(last) = changes.iter().map(|c| c.audit_id).max() {
            self.watch.last_audit = self.watch.last_audit.max(last);
        }
        changes.retain(|c| !self.own_batches.contains(&c.batch));
        // What the reload reads covers any quiet commit before it; the
        // drafts and presence as they are now are the next poll's base.
        self.watch.scratch = self.store.scratch_stamp().ok();
        self.watch.pending = None;
        self.watch.last_sweep = Some(now);
        let sent = self.reload(false);
        self.watch.counts.refreshes += 1;
        self.watch.counts.sent += sent;
        tracing::debug!(
            change_sets = changes.len(),
            sent,
            "他のプロセスの変更を読み直しました"
        );
        if !changes.is_empty() {
            self.send(Response::External(changes));
        }
    }

    /// Read the views again after commits neither log saw (a write with
    /// the `sqlite3` tool to something search does not show).
    fn sweep(&mut self, now: Instant) {
        self.watch.pending = None;
        self.watch.last_sweep = Some(now);
        let sent = self.reload(false);
        self.watch.counts.sweeps += 1;
        self.watch.counts.sent += sent;
        tracing::debug!(sent, "記録のない書き込みのあと表示を照合しました");
    }

    /// Who is minuting the open meeting, sent only when it changed.
    fn refresh_presence(&mut self) -> bool {
        let Some(id) = self.meeting else {
            return false;
        };
        let Some(Some(shown)) = self.watch.meeting.as_mut() else {
            return false;
        };
        let Ok(by) = self.store.recording_by(id) else {
            return false;
        };
        if shown.meeting.id != id || shown.recording_by == by {
            return false;
        }
        shown.recording_by = by;
        let detail = shown.clone();
        self.send(Response::Meeting(Some(detail)));
        true
    }
}
