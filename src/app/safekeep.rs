//! The screen's side of the recovery file (see [`super::recovery`]): text
//! in the minutes input line that the database has not confirmed within
//! two draft intervals (the write lock is held elsewhere, the disk is
//! full…) is handed to a small writer thread, which writes it durably to
//! this session's recovery file; once the database has it all, the file is
//! removed. The screen never waits for the disk.

use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::{Duration, Instant};

use super::recovery::{self, Snapshot};
use super::state::AppState;

pub struct Keeper {
    dir: Option<PathBuf>,
    base: Snapshot,
    tx: Option<Sender<Option<Snapshot>>>,
    done: Receiver<()>,
    /// What was last handed over: Some(text) written, None removed.
    last: Option<(String, String)>,
    /// Whether a file may exist (written and not removed since).
    written: bool,
    /// The unconfirmed text last seen in the minutes input line.
    latest: Option<Snapshot>,
}

/// What the state asks of the recovery file now.
enum Need {
    Save(Snapshot),
    /// Unconfirmed text, due for the file at this time.
    At(Instant, Snapshot),
    Clear,
    /// Not minuting: leave the file as it is.
    Keep,
}

impl Keeper {
    /// Start the writer thread for this session's file in `dir` (None: no
    /// state directory; nothing is written).
    pub fn start(dir: Option<PathBuf>, base: Snapshot) -> Keeper {
        let (tx, rx) = mpsc::channel::<Option<Snapshot>>();
        let (done_tx, done) = mpsc::channel();
        let d = dir.clone();
        let session = base.session.clone();
        // Without a thread nothing is written (as without a directory).
        let _ = std::thread::Builder::new()
            .name("kusei-keep".into())
            .spawn(move || {
                while let Ok(mut cmd) = rx.recv() {
                    // Only the newest counts.
                    while let Ok(newer) = rx.try_recv() {
                        cmd = newer;
                    }
                    let Some(dir) = &d else { continue };
                    // Best effort: there is no screen left to say a failure on
                    // at shutdown; the draft row is still tried as well.
                    let _ = match cmd {
                        Some(snap) => recovery::write(dir, &snap).map(|_| ()),
                        None => recovery::remove(dir, &session),
                    };
                }
                let _ = done_tx.send(());
            });
        Keeper {
            dir,
            base,
            tx: Some(tx),
            done,
            last: None,
            written: false,
            latest: None,
        }
    }

    /// Bring the file in line with the state; returns when to look again
    /// (None: no deadline). `grace` is how long text may stay unconfirmed
    /// (Duration::ZERO at shutdown: then even text of a minutes screen
    /// just left goes to the file if the database never confirmed it).
    pub fn tend(&mut self, s: &AppState, grace: Duration) -> Option<Instant> {
        self.dir.as_ref()?;
        let mut need = need(s, &self.base, grace, Instant::now());
        match &need {
            Need::Save(snap) | Need::At(_, snap) => self.latest = Some(snap.clone()),
            Need::Clear => self.latest = None,
            Need::Keep if grace.is_zero() => {
                if let Some(snap) = self.latest.take() {
                    need = Need::Save(snap);
                }
            }
            Need::Keep => {}
        }
        match need {
            Need::Save(snap) => {
                let key = (snap.context.clone(), snap.text.clone());
                if self.last.as_ref() != Some(&key) {
                    self.send(Some(snap));
                    self.last = Some(key);
                    self.written = true;
                }
                None
            }
            Need::At(t, _) => Some(t),
            Need::Clear => {
                if self.written {
                    self.send(None);
                    self.written = false;
                    self.last = None;
                }
                None
            }
            Need::Keep => None,
        }
    }

    fn send(&self, cmd: Option<Snapshot>) {
        if let Some(tx) = &self.tx {
            let _ = tx.send(cmd);
        }
    }

    /// Let the writer finish what it was given, waiting at most `limit`.
    pub fn finish(mut self, limit: Duration) {
        drop(self.tx.take());
        let _ = self.done.recv_timeout(limit);
    }
}

fn need(s: &AppState, base: &Snapshot, grace: Duration, now: Instant) -> Need {
    let Some(m) = s.minutes.as_ref() else {
        return Need::Keep;
    };
    let Some(since) = m.unsaved_since else {
        return Need::Clear;
    };
    // While an entry is edited, the unsent text is the one put aside.
    let text = match (&m.editing, &m.stashed) {
        (Some(_), Some(stashed)) => stashed.clone(),
        _ => m.input.text().to_string(),
    };
    if text.trim().is_empty() {
        return Need::Clear;
    }
    let mut snap = base.clone();
    snap.context = m.draft_context();
    snap.meeting_id = m.meeting_id;
    snap.text = text;
    if let Some(d) = s
        .calendar
        .detail
        .as_ref()
        .filter(|d| d.meeting.id == m.meeting_id)
    {
        snap.meeting = recovery::meeting_label(&d.meeting);
        if let Some(item) = super::panes::minutes::current_item(s) {
            snap.item_id = Some(item.id);
            snap.item = item.title.clone();
        }
    }
    if now < since + grace {
        return Need::At(since + grace, snap);
    }
    Need::Save(snap)
}
