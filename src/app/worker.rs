//! The database thread. The screen never waits on SQLite: it sends requests
//! here and draws what comes back. Drafts are coalesced and written at most
//! every draft interval (`draft_interval_ms` in config.toml, by default
//! [`DRAFT_INTERVAL`]); other processes' commits are noticed by polling
//! `PRAGMA data_version` and answered with fresh data.

use std::collections::HashMap;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

pub use super::msg::{Request, Response, WriteOk, WriteOp};
use crate::db::Store;

#[path = "worker_watch.rs"]
mod watch;
pub use watch::PollCounts;
use watch::Watch;

/// The default draft interval.
pub use crate::config::DRAFT_INTERVAL;
const POLL_INTERVAL: Duration = Duration::from_millis(500);
/// How often a minuting session says it is still there.
const PRESENCE_INTERVAL: Duration = Duration::from_secs(5);
/// Quiet this long after a write, the -wal file is folded back.
const CHECKPOINT_AFTER: Duration = Duration::from_secs(5);
/// How long after the first screenful the background file check starts
/// (the first screens and the search index go first).
const CHECK_DELAY: Duration = Duration::from_secs(2);

/// The database side of the app. [`run`] drives it from a channel; tests
/// drive it directly with [`Worker::handle`].
pub struct Worker {
    store: Store,
    out: Sender<Response>,
    year: Option<i32>,
    meeting: Option<i64>,
    drafts: HashMap<String, String>,
    draft_due: Option<Instant>,
    /// What other processes' commits are compared against.
    watch: Watch,
    services: super::panes::Services,
    /// Change sets this session wrote (others' are announced, ours not).
    own_batches: std::collections::HashSet<i64>,
    /// The meeting this session is minuting, and when it last said so.
    presence: Option<(i64, Instant)>,
    /// How long typing rests before its draft is written.
    draft_interval: Duration,
    /// The background file check's answer, while it runs.
    check: Option<Receiver<Option<String>>>,
}

/// Run until the request channel closes, writing drafts at most every
/// `draft_interval`.
pub fn run(
    store: Store,
    requests: Receiver<Request>,
    out: Sender<Response>,
    draft_interval: Duration,
    recovery: Option<(std::path::PathBuf, std::path::PathBuf)>,
) {
    let mut w = Worker::new(store, out);
    let mut recovery = recovery;
    w.draft_interval = draft_interval;
    let mut next_poll = Instant::now() + POLL_INTERVAL;
    let mut last_request = Instant::now();
    let mut checkpointed = true;
    loop {
        let deadline = w.draft_due.map_or(next_poll, |d| d.min(next_poll));
        match requests.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(req) => {
                let first = w.store.check_pending();
                checkpointed &= !matches!(
                    req,
                    Request::Write(_) | Request::Pane(_) | Request::SaveDraft { .. }
                );
                last_request = Instant::now();
                w.handle(req);
                // The file check reads the whole file: it runs once the
                // first screenful has been answered, on a thread of its own
                // at low priority, so neither this thread nor the search
                // index waits for it.
                if first {
                    w.check_file_in_background();
                }
                // Recovery files are given back once the first screenful
                // is answered (the write may wait for someone's lock).
                if let Some((dir, db)) = recovery.take() {
                    w.restore_recovery(&dir, &db);
                }
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => break,
        }
        let now = Instant::now();
        if w.draft_due.is_some_and(|d| d <= now) {
            w.flush_drafts();
        }
        w.poll_check();
        if next_poll <= now {
            w.poll_external();
            next_poll = now + POLL_INTERVAL;
        }
        w.heartbeat(now);
        if !checkpointed && now.duration_since(last_request) >= CHECKPOINT_AFTER {
            // Best effort: a busy reader only makes it a partial one.
            let _ = w.store.checkpoint();
            checkpointed = true;
        }
    }
    // The screen is closing: whatever was typed is saved before we go.
    w.flush_drafts();
    if w.presence.is_some() {
        let _ = w.store.set_presence(None);
    }
    // A background write of the search index file adds a mark row: none
    // may land after the -wal is folded for the last time.
    crate::search::persist::stop_marking();
    w.store.checkpoint_on_close();
}

impl Worker {
    pub fn new(mut store: Store, out: Sender<Response>) -> Self {
        // Best effort: a crashed colleague's "記録中" should not linger.
        if store.read_only_reason().is_none() {
            let _ = store.prune_presence();
        }
        let data_version = store.data_version().unwrap_or_default();
        let last_audit = store.last_audit_id().unwrap_or_default();
        let search_seq = crate::search::changes::latest(store.conn());
        let scratch = store.scratch_stamp().ok();
        let tell = out.clone();
        store.on_retry(move || {
            let _ = tell.send(Response::Retrying);
        });
        let mut w = Worker {
            store,
            out,
            year: None,
            meeting: None,
            drafts: HashMap::new(),
            draft_due: None,
            watch: Watch {
                data_version,
                last_audit,
                search_seq,
                scratch,
                last_sweep: Some(Instant::now()),
                ..Default::default()
            },
            services: Default::default(),
            own_batches: Default::default(),
            presence: None,
            draft_interval: DRAFT_INTERVAL,
            check: None,
        };
        w.send(Response::JobTitles(
            w.store.job_titles().unwrap_or_default(),
        ));
        w.adopt_orphan_drafts();
        w
    }

    /// Take over the drafts this user's stopped sessions left (a crash,
    /// `kill -9`, a hang-up) and say which meetings they belong to.
    fn adopt_orphan_drafts(&mut self) {
        if self.store.read_only_reason().is_some() {
            return;
        }
        let Ok(adopted) = self.store.adopt_orphan_drafts() else {
            return;
        };
        let notes: Vec<String> = adopted
            .iter()
            .map(|d| {
                let meeting = d
                    .context
                    .strip_prefix("minutes:")
                    .and_then(|id| id.parse().ok())
                    .and_then(|id| self.store.meeting_detail(id).ok().flatten())
                    .map(|m| super::recovery::meeting_label(&m.meeting))
                    .unwrap_or_else(|| d.context.clone());
                format!(
                    "終了したセッションの下書きを引き継ぎました: {meeting}（m で記録を開くと入力欄に戻ります）"
                )
            })
            .collect();
        if !notes.is_empty() {
            let items = Vec::new();
            self.send(Response::Restored { notes, items });
        }
    }

    /// Give back what recovery files in `dir` hold for database `db`.
    pub fn restore_recovery(&mut self, dir: &std::path::Path, db: &std::path::Path) {
        if self.store.read_only_reason().is_some() {
            return;
        }
        let given = super::recovery::restore_at_start(&mut self.store, dir, db);
        let items = given.iter().filter_map(|n| n.item.clone()).collect();
        let notes: Vec<String> = given.into_iter().map(|n| n.text).collect();
        if !notes.is_empty() {
            self.send(Response::Restored { notes, items });
        }
    }

    fn send(&self, r: Response) {
        // The screen may already be gone at shutdown; nothing to do then.
        let _ = self.out.send(r);
    }

    /// Refresh this session's presence when it is due.
    fn heartbeat(&mut self, now: Instant) {
        if let Some((m, at)) = self.presence {
            if now.duration_since(at) >= PRESENCE_INTERVAL {
                let _ = self.store.set_presence(Some(m));
                self.presence = Some((m, now));
            }
        }
    }

    /// Start the deferred `quick_check` on a thread of its own (its own
    /// read-only connection, the lowest CPU priority, after
    /// [`CHECK_DELAY`]); [`Worker::poll_check`] takes its answer.
    pub fn check_file_in_background(&mut self) {
        self.store.check_elsewhere();
        let spawned = crate::db::full_check_in_background(self.store.path(), CHECK_DELAY);
        match spawned {
            Ok(rx) => self.check = Some(rx),
            Err(_) => self.check_file(),
        }
    }

    /// Take the background check's answer, if it has come.
    pub fn poll_check(&mut self) {
        let Some(rx) = &self.check else { return };
        match rx.try_recv() {
            Ok(Some(problem)) => {
                self.check = None;
                self.store.mark_damaged(&problem);
                let reason = self
                    .store
                    .read_only_reason()
                    .unwrap_or_default()
                    .to_string();
                self.send(Response::ReadOnly(reason));
            }
            Ok(None) | Err(std::sync::mpsc::TryRecvError::Disconnected) => self.check = None,
            Err(std::sync::mpsc::TryRecvError::Empty) => {}
        }
    }

    /// The deferred `quick_check`; a damaged file turns the session
    /// read-only and says so.
    pub fn check_file(&mut self) {
        if let Ok(false) = self.store.check_on_open() {
            let reason = self
                .store
                .read_only_reason()
                .unwrap_or_default()
                .to_string();
            self.send(Response::ReadOnly(reason));
        }
    }

    /// The store this worker writes through.
    pub fn store_mut(&mut self) -> &mut Store {
        &mut self.store
    }

    pub fn handle(&mut self, req: Request) {
        match req {
            Request::LoadYear {
                fiscal_year,
                select,
            } => {
                let fy = fiscal_year.or_else(|| {
                    self.store
                        .fiscal_years()
                        .ok()
                        .and_then(|y| y.last().copied())
                });
                let fy = fy.unwrap_or_else(|| {
                    crate::wareki::fiscal_year(chrono::Local::now().date_naive())
                });
                self.year = Some(fy);
                self.send_latest(true);
                self.send_year(select, true);
            }
            Request::LoadMeeting(id) => {
                self.meeting = Some(id);
                self.send_meeting(true);
            }
            Request::LoadDraft(context) => {
                let text = self
                    .drafts
                    .get(&context)
                    .cloned()
                    .or_else(|| self.store.draft(&context).ok().flatten());
                self.send(Response::Draft { context, text });
            }
            Request::SaveDraft { context, text } => {
                self.drafts.insert(context, text);
                self.draft_due
                    .get_or_insert(Instant::now() + self.draft_interval);
            }
            Request::Write(op) => self.write(op),
            Request::Presence(meeting) => {
                // Best effort: presence is a courtesy to others.
                let _ = self.store.set_presence(meeting);
                self.presence = meeting.map(|m| (m, Instant::now()));
            }
            Request::Pane(r) => {
                let mut ctx = super::panes::Ctx {
                    store: &mut self.store,
                    out: &self.out,
                    services: &mut self.services,
                };
                super::panes::handle(&mut ctx, r);
                self.note_own_batch();
            }
            Request::Undo { batch, redo } => {
                let result = self.store.undo(batch).map_err(|e| e.to_string());
                self.note_own_batch();
                self.send(Response::Undone { redo, result });
                self.reload(true);
            }
        }
    }

    /// Send the year's meetings; unless `force`d (an explicit request, a
    /// write of ours), only when they differ from what was last sent.
    fn send_year(&mut self, select: Option<i64>, force: bool) -> bool {
        let Some(fy) = self.year else { return false };
        match self.store.meetings_of_year(fy) {
            Ok(meetings) => {
                let shown = (fy, meetings);
                if !force && select.is_none() && self.watch.year.as_ref() == Some(&shown) {
                    return false;
                }
                let (fiscal_year, meetings) = shown.clone();
                self.watch.year = Some(shown);
                self.send(Response::Year {
                    fiscal_year,
                    meetings,
                    select,
                });
                true
            }
            Err(e) => {
                self.send(Response::Failed(e.to_string()));
                true
            }
        }
    }

    /// The newest meeting (defaults for a new one), as [`Worker::send_year`].
    fn send_latest(&mut self, force: bool) -> bool {
        let latest = self
            .store
            .latest_meeting()
            .ok()
            .flatten()
            .and_then(|id| self.store.meeting_detail(id).ok().flatten())
            .map(|mut d| {
                // Only its room, times and attendees are used (defaults
                // for a new meeting): who minutes it changes nothing.
                d.recording_by.clear();
                d
            });
        if !force && self.watch.latest.as_ref() == Some(&latest) {
            return false;
        }
        self.watch.latest = Some(latest.clone());
        self.send(Response::Latest(latest));
        true
    }

    /// The open meeting, as [`Worker::send_year`].
    fn send_meeting(&mut self, force: bool) -> bool {
        let Some(id) = self.meeting else { return false };
        let detail = self.store.meeting_detail(id).ok().flatten();
        if !force && self.watch.meeting.as_ref() == Some(&detail) {
            return false;
        }
        self.watch.meeting = Some(detail.clone());
        self.send(Response::Meeting(detail));
        true
    }

    /// Remember the change set the last write made as ours.
    fn note_own_batch(&mut self) {
        if let Some(b) = self.store.last_batch() {
            self.own_batches.insert(b);
        }
    }

    /// Send the views again (all of them when `force`d, else only those
    /// that changed); how many were sent.
    fn reload(&mut self, force: bool) -> u64 {
        let sent = [
            self.send_latest(force),
            self.send_year(None, force),
            self.send_meeting(force),
        ];
        sent.iter().filter(|s| **s).count() as u64
    }

    fn write(&mut self, op: WriteOp) {
        // An entry being saved makes its draft obsolete: never write it back.
        if let WriteOp::AddOpinion { draft_context, .. } = &op {
            self.drafts.remove(draft_context);
        }
        let s = &mut self.store;
        let created = match &op {
            WriteOp::CreateMeeting(f) => s.create_meeting(f).map(Some),
            WriteOp::UpdateMeeting {
                id,
                version,
                fields,
            } => s.update_meeting(*id, *version, fields).map(|_| None),
            WriteOp::EditOpinion { id, version, text } => {
                s.edit_opinion(*id, *version, text).map(|_| None)
            }
            WriteOp::DeleteMeeting(id) => s.delete_meeting(*id).map(|_| None),
            WriteOp::AddItem { meeting, title } => s.add_item(*meeting, title).map(Some),
            WriteOp::MoveItem { item, delta } => s.move_item(*item, *delta).map(|_| None),
            WriteOp::AddOpinion {
                item,
                text,
                speaker,
                draft_context,
            } => s
                .add_opinion(*item, text, speaker.as_deref(), Some(draft_context))
                .map(Some),
            WriteOp::SetKind { id, kind } => s.set_opinion_kind(*id, kind).map(|_| None),
            WriteOp::SetSpeaker { id, speaker } => {
                s.set_opinion_speaker(*id, speaker.as_deref()).map(|_| None)
            }
            WriteOp::DeleteOpinion(id) => s.delete_opinion(*id).map(|_| None),
            WriteOp::UpdateItem {
                id,
                version,
                title,
                summary,
            } => s.update_item(*id, *version, title, summary).map(|_| None),
            WriteOp::DeleteItem(id) => s.delete_item(*id).map(|_| None),
            WriteOp::SetVisibility { id, visibility } => {
                s.set_opinion_visibility(*id, *visibility).map(|_| None)
            }
        };
        let resave = || super::conflict::Resave::Main(op.clone());
        let Some(created) = super::conflict::catch(&self.out, created, resave) else {
            self.reload(true);
            return;
        };
        self.note_own_batch();
        let result = created
            .map(|created| WriteOk {
                batch: self.store.last_batch(),
                created,
            })
            .map_err(|e| e.to_string());
        match (&op, &result) {
            (WriteOp::CreateMeeting(f), Ok(ok)) => {
                self.year = Some(crate::wareki::fiscal_year(f.date));
                self.meeting = ok.created;
            }
            (WriteOp::UpdateMeeting { fields, .. }, Ok(_)) => {
                self.year = Some(crate::wareki::fiscal_year(fields.date));
            }
            _ => {}
        }
        self.send(Response::Written {
            op: Box::new(op),
            result,
        });
        if let Ok(titles) = self.store.job_titles() {
            self.send(Response::JobTitles(titles));
        }
        self.reload(true);
    }

    /// Write every pending draft now.
    pub fn flush_drafts(&mut self) {
        self.draft_due = None;
        for (context, text) in std::mem::take(&mut self.drafts) {
            match self.store.save_draft(&context, &text) {
                Ok(()) => self.send(Response::DraftSaved { context, text }),
                Err(_) => {
                    // Keep it and try again shortly (e.g. the file is busy).
                    self.drafts.insert(context, text);
                    self.draft_due = Some(Instant::now() + self.draft_interval);
                }
            }
        }
    }
}
