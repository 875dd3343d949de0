//! The index on a thread of its own, with its own read-only connections to
//! the database file, so neither the screen nor the database thread ever
//! waits for a search.
//!
//! - It starts building the index at once, reporting progress; until the
//!   index is ready, queries wait (only the latest is kept).
//! - Only the latest query is answered: queued ones are dropped, and a new
//!   query bumps a generation counter that stops a scan already running.
//! - When the data changed (it watches `PRAGMA data_version`, and is also
//!   told by the app after a write) it reads the tail of the change log
//!   ([`super::changes`]) and patches the index with just those rows, then
//!   answers the latest query again, so the results on screen stay current.
//!   Writes search does not show leave the log alone and cost one indexed
//!   read. Only when the log cannot say (pruned past our number, a very
//!   large change, an older file without a log) does it rebuild in the
//!   background, answering from the old index meanwhile.
//! - The index comes from the index file beside the database when it is
//!   valid ([`super::persist`]): mapped, shared with the other sessions,
//!   no build at launch. When the file is missing or cannot be used, the
//!   index is built and the file written (at low priority, after the index
//!   is answering). Changes copy the mapped index into this session; at a
//!   quiet moment the session holding the file's lock writes a newer file,
//!   and every session maps the new file when it appears (polled), dropping
//!   its copy.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender};
use std::sync::Arc;
use std::time::Instant;

use super::live::{Live, Update};
use super::persist::{lower_this_thread, Stamp};
use super::persist_delta;
use super::resident::Pages;
use super::resolve::ResultRow;
use super::{Index, Session};
use crate::db::Store;

mod answer;
mod direct;
mod open;
pub use direct::Direct;
use open::{open_or_build, open_store};

/// How often the service looks for changes made by others.
const POLL_INTERVAL: std::time::Duration = std::time::Duration::from_millis(500);

/// An index of our own (built, not mapped) is written as the file after
/// this long without a change (plus a little per process, so sessions
/// seldom try at once) …
const QUIET: std::time::Duration = std::time::Duration::from_secs(2);
/// … or after this long in any case.
const MAX_UNWRITTEN: std::time::Duration = std::time::Duration::from_secs(30);
/// A mapped index with a layer of changes is written as the new file when
/// the layer passes this share of the entries …
const LAYER_SHARE: f64 = 0.03;
/// … (but not below this many entries) …
const LAYER_MIN: usize = 2_000;
/// … or after this long without a change (a quiet moment).
const LAYER_QUIET: std::time::Duration = std::time::Duration::from_secs(60);
/// A search left open this long after its last answer gives the mapped
/// index's pages back too ([`Pages::idle`]): the next key's first answer
/// (staged, from the newest entries) reads few of them, its full scan maps
/// back what it reads (~15 ms of page faults at 1M).
const IDLE_RELEASE: std::time::Duration = std::time::Duration::from_secs(10);

/// What the service reports.
#[derive(Debug, Clone)]
pub enum Event {
    /// Building: `done` of `total` opinions read.
    Progress {
        done: usize,
        total: usize,
    },
    /// The index is ready (again).
    Ready {
        entries: usize,
        millis: u64,
    },
    Failed(String),
    Results(Results),
}

#[derive(Debug, Clone, Default)]
pub struct Results {
    /// The number of the query these answer.
    pub seq: u64,
    pub rows: Vec<ResultRow>,
    /// Entries matched in all.
    pub total: usize,
    /// The query could not be read (the message says why).
    pub error: Option<String>,
    /// Time from the query reaching the index to the rows being ready.
    pub micros: u64,
}

enum Job {
    Query {
        seq: u64,
        generation: u64,
        text: String,
        limit: usize,
    },
    DataChanged,
    /// Nobody looks at the last query's answer any more.
    Forget,
    Built(Box<Result<Built, String>>),
    /// A background write of the index file ended.
    Written,
}

/// The handle kept on the database thread; dropping it stops the service.
pub struct Service {
    tx: Sender<Job>,
    generation: Arc<AtomicU64>,
    /// The last query whose answer the screen has drawn ([`Direct::drawn`]).
    drawn: Arc<AtomicU64>,
}

impl Service {
    /// Start the service for the database at `path`; `sink` gets every event
    /// (from the service's threads).
    pub fn start(path: &Path, sink: impl Fn(Event) + Send + Sync + 'static) -> Service {
        let (tx, rx) = channel();
        let generation = Arc::new(AtomicU64::new(0));
        let drawn = Arc::new(AtomicU64::new(0));
        let worker = Worker {
            path: path.to_path_buf(),
            tx: tx.clone(),
            sink: Arc::new(sink),
            generation: generation.clone(),
            drawn: drawn.clone(),
            index: None,
            store: None,
            data_version: None,
            seq: None,
            stale: false,
            session: Session::new(),
            building: false,
            dirty: true,
            last_query: None,
            seen: None,
            changed: None,
            writing: false,
            live: None,
            update: None,
            rows: Vec::new(),
            newest_seq: 0,
            pages: Pages::default(),
            answered: Instant::now(),
        };
        std::thread::Builder::new()
            .name("kusei-search".into())
            .spawn(move || worker.run(rx))
            .ok();
        Service {
            tx,
            generation,
            drawn,
        }
    }

    /// Answer `text` (only the latest query is answered).
    pub fn query(&self, seq: u64, text: &str, limit: usize) {
        let generation = self.generation.fetch_add(1, Ordering::SeqCst) + 1;
        let _ = self.tx.send(Job::Query {
            seq,
            generation,
            text: text.to_string(),
            limit,
        });
    }

    /// The query's answer is no longer shown: after a change, do not answer
    /// it again (a viewer at 1M opinions scanned the whole index per
    /// colleague's save for a search closed long before).
    pub fn forget_query(&self) {
        let _ = self.tx.send(Job::Forget);
    }

    /// The database changed: rebuild and answer again.
    pub fn data_changed(&self) {
        let _ = self.tx.send(Job::DataChanged);
    }
}

type Sink = Arc<dyn Fn(Event) + Send + Sync>;

/// A built (or mapped) index, the last change number it includes, its
/// build time, and the file it is mapped from.
type Built = (Arc<Index>, Option<i64>, u64, Option<Stamp>);

struct Worker {
    path: PathBuf,
    tx: Sender<Job>,
    sink: Sink,
    generation: Arc<AtomicU64>,
    drawn: Arc<AtomicU64>,
    index: Option<Arc<Index>>,
    store: Option<Store>,
    /// `PRAGMA data_version` of our connection when last looked at: it
    /// changes with every commit by any other connection (this app's or
    /// another process's).
    data_version: Option<i64>,
    /// The last change-log number the index includes (None: no log, so
    /// any change means a rebuild).
    seq: Option<i64>,
    /// The data may have changed: read the change log.
    stale: bool,
    /// Narrows each query from the one before.
    session: Session,
    building: bool,
    dirty: bool,
    last_query: Option<(u64, u64, String, usize)>,
    /// The index file last looked at (mapped, or found unusable).
    seen: Option<Stamp>,
    /// The index holds changes newer than the file: since when, and the
    /// latest.
    changed: Option<(Instant, Instant)>,
    /// A thread is writing the index file.
    writing: bool,
    /// The last query's answer as a full scan left it, kept current from
    /// the change log ([`super::live`]).
    live: Option<Live>,
    /// What the last tail did to that answer (None: answer in full).
    update: Option<Update>,
    /// The rows of the last full answer sent (reused when unchanged).
    rows: Vec<ResultRow>,
    /// The newest query number taken: queries come by two ways (through
    /// the database thread until the screen has a [`Direct`] handle, then
    /// straight), so an older one may come after a newer one.
    newest_seq: u64,
    /// Whether the search is open, and the mapped index's pages with it.
    pages: Pages,
    /// When the last answer was sent.
    answered: Instant,
}

impl Worker {
    fn run(mut self, rx: Receiver<Job>) {
        let mut query = None;
        loop {
            self.notice_changes();
            if self.stale {
                // Jobs sent before the change just noticed come first: a
                // `Forget` sent before a colleague's commit must not be
                // overtaken by a re-answer of the forgotten query.
                while let Ok(job) = rx.try_recv() {
                    self.take_job(job, &mut query);
                }
            }
            if std::mem::take(&mut self.stale) && self.catch_up() {
                match (&query, self.last_query.clone()) {
                    // A new query is answered below instead.
                    (Some(_), _) => self.update = None,
                    (None, Some(q)) => {
                        self.answer_changed(&q);
                        self.answered();
                    }
                    (None, None) => {}
                }
            }
            if self.dirty && !self.building {
                self.start_build();
            }
            if self.index.is_some() && !self.building {
                self.share_newer_file();
                self.write_when_quiet();
            }
            if query.is_none() || self.index.is_none() {
                // Our own sender (for builds) keeps the channel open: notice
                // the handle going away by the generation counter's other
                // owner.
                let first = match rx.recv_timeout(POLL_INTERVAL) {
                    Ok(job) => job,
                    Err(RecvTimeoutError::Timeout) if Arc::strong_count(&self.generation) > 1 => {
                        if self.answered.elapsed() >= IDLE_RELEASE {
                            self.pages.idle(self.index.as_deref());
                        }
                        continue;
                    }
                    Err(_) => break,
                };
                let mut next = Some(first);
                while let Some(job) = next.take().or_else(|| rx.try_recv().ok()) {
                    self.take_job(job, &mut query);
                }
            }
            if self.index.is_none() {
                continue;
            }
            if let Some(q) = query.take() {
                self.answer(&q);
                self.answered();
                self.last_query = Some(q);
            }
        }
    }

    /// One job from the handle (or a build thread); a query is kept in
    /// `query` until answered (only the latest counts).
    fn take_job(&mut self, job: Job, query: &mut Option<(u64, u64, String, usize)>) {
        match job {
            Job::Query { seq, .. } if seq < self.newest_seq => self.overtaken(query),
            Job::Query {
                seq,
                generation,
                text,
                limit,
            } => {
                self.newest_seq = seq;
                self.live = None;
                self.pages.opened();
                *query = Some((seq, generation, text, limit))
            }
            Job::DataChanged => self.stale = true,
            Job::Forget => {
                self.pages.closed(self.index.as_deref());
                self.live = None;
                *query = None;
                self.last_query = None;
            }
            Job::Built(r) => self.built(*r, query),
            Job::Written => self.writing = false,
        }
    }

    /// Bring the index up to date from the change log; true when it changed.
    /// What the log cannot tell marks the index for a rebuild.
    fn catch_up(&mut self) -> bool {
        let Some(after) = self.seq else {
            self.dirty = self.index.is_some() || self.dirty;
            return false;
        };
        let Some(conn) = self.store().ok().map(Store::conn) else {
            return false;
        };
        let Some(tail) = super::changes::tail(conn, after) else {
            self.dirty = true;
            return false;
        };
        if tail.is_empty() {
            self.seq = Some(tail.seq);
            return false;
        }
        let t = Instant::now();
        let Some(store) = &self.store else {
            return false;
        };
        // What the changed rows were, for the answer on screen.
        let before = match (&self.live, &self.index) {
            (Some(live), Some(index)) => live.before(index, &tail),
            _ => None,
        };
        // A mapped index is copied here (copy on write); an index being
        // written to the file by another thread, too.
        let applied = match self.index.as_mut().map(Arc::make_mut) {
            Some(index) => super::changes::apply(index, store.conn(), &tail),
            None => Err(super::SearchError::Build(String::new())),
        };
        if applied.is_err() {
            // The index may be half patched: never answer from it.
            self.index = None;
            self.live = None;
            self.seq = None;
            self.dirty = true;
            return false;
        }
        self.seq = Some(tail.seq);
        self.session.reset();
        self.update = match (self.live.as_mut(), before, &self.index) {
            (Some(live), Some(before), Some(index)) => live.after(index, before, &tail),
            _ => None,
        };
        if self.update.is_none() {
            self.live = None;
        }
        let now = Instant::now();
        self.changed = Some((self.changed.map_or(now, |c| c.0), now));
        if let Some(index) = &self.index {
            (self.sink)(Event::Ready {
                entries: index.entries(),
                millis: t.elapsed().as_millis() as u64,
            });
        }
        true
    }

    /// Mark the index stale when the database changed since we last looked.
    fn notice_changes(&mut self) {
        let Ok(v) = self
            .store()
            .and_then(|s| s.data_version().map_err(|e| e.to_string()))
        else {
            return;
        };
        if self.data_version.is_some_and(|old| old != v) {
            self.stale = true;
        }
        self.data_version = Some(v);
    }

    fn start_build(&mut self) {
        self.dirty = false;
        self.building = true;
        let (path, tx, sink) = (self.path.clone(), self.tx.clone(), self.sink.clone());
        let spawned = std::thread::Builder::new()
            .name("kusei-index".into())
            .spawn(move || {
                let t = Instant::now();
                let progress = |done, total| sink(Event::Progress { done, total });
                let (r, to_write) = match open_or_build(&path, &progress) {
                    Ok(((ix, seq, stamp), w)) => {
                        (Ok((ix, seq, t.elapsed().as_millis() as u64, stamp)), w)
                    }
                    Err(e) => (Err(e), None),
                };
                let _ = tx.send(Job::Built(Box::new(r)));
                // Answering from the built index already: now write it as
                // the file, at low priority.
                if let Some((store, index, seq)) = to_write {
                    lower_this_thread();
                    if let Err(e) = persist_delta::publish(&path, store.conn(), &index, seq) {
                        tracing::warn!("索引ファイルを書けません: {e}");
                    }
                    let _ = tx.send(Job::Written);
                }
            });
        if spawned.is_err() {
            self.building = false;
            (self.sink)(Event::Failed(
                "検索索引を作るスレッドを始められません".into(),
            ));
        }
    }

    fn built(&mut self, r: Result<Built, String>, query: &mut Option<(u64, u64, String, usize)>) {
        self.building = false;
        match r {
            Ok((index, seq, millis, stamp)) => {
                (self.sink)(Event::Ready {
                    entries: index.entries(),
                    millis,
                });
                self.index = Some(index);
                self.pages.replaced(self.index.as_deref());
                self.live = None;
                self.seq = seq;
                // Built, not mapped: the build thread writes the file.
                self.writing = stamp.is_none() && seq.is_some();
                self.seen = stamp.or(self.seen);
                self.changed = None;
                // What others saved while it was built.
                self.catch_up();
                self.session.reset();
                // What is on screen was answered from the old data.
                if query.is_none() {
                    *query = self.last_query.clone();
                }
            }
            Err(e) => (self.sink)(Event::Failed(format!("検索索引を作れません: {e}"))),
        }
    }

    /// Another session wrote a newer index file: map it (with the changes
    /// since as a layer) instead of our index.
    fn share_newer_file(&mut self) {
        let now = super::persist::file_stamp(&self.path);
        if now.is_none() || now == self.seen || self.writing {
            return;
        }
        self.seen = now;
        let path = self.path.clone();
        let Some(conn) = self.store().ok().map(Store::conn) else {
            return;
        };
        match persist_delta::open_current(&path, conn) {
            Ok((index, seq, stamp)) => {
                let newer = self.seq != Some(seq);
                if newer {
                    // What changed between is unknown here.
                    self.live = None;
                }
                self.index = Some(Arc::new(index));
                self.pages.replaced(self.index.as_deref());
                self.seq = Some(seq);
                self.seen = Some(stamp);
                self.changed = None;
                self.session.reset();
                if newer {
                    if let Some(q) = self.last_query.clone() {
                        self.answer(&q);
                        self.answered();
                    }
                }
            }
            Err(why) => tracing::debug!("索引ファイルを使いません: {why}"),
        }
    }

    /// Write our index as the file when it holds changes the file lacks
    /// and things are quiet (a thread of its own, lowest priority; skipped
    /// when another process holds the lock).
    fn write_when_quiet(&mut self) {
        let (Some((since, last)), Some(index), Some(seq)) = (self.changed, &self.index, self.seq)
        else {
            return;
        };
        let jitter = std::time::Duration::from_millis(u64::from(std::process::id() % 8) * 250);
        let due = if index.is_mapped() {
            let big = (index.len() as f64 * LAYER_SHARE).max(LAYER_MIN as f64);
            index.layer_size() as f64 > big || last.elapsed() >= LAYER_QUIET + jitter
        } else {
            last.elapsed() >= QUIET + jitter || since.elapsed() >= MAX_UNWRITTEN
        };
        if self.writing || !due {
            return;
        }
        self.writing = true;
        self.changed = None;
        let (path, tx, index) = (self.path.clone(), self.tx.clone(), index.clone());
        let spawned = std::thread::Builder::new()
            .name("kusei-index-write".into())
            .spawn(move || {
                lower_this_thread();
                if let Ok(store) = open_store(&path) {
                    if let Err(e) = persist_delta::publish(&path, store.conn(), &index, seq) {
                        tracing::warn!("索引ファイルを書けません: {e}");
                    }
                }
                let _ = tx.send(Job::Written);
            });
        self.writing = spawned.is_ok();
    }

    /// A query was answered (afresh or again): the idle time starts anew.
    fn answered(&mut self) {
        self.answered = Instant::now();
        self.pages.answered(self.index.as_deref());
    }

    fn store(&mut self) -> Result<&Store, String> {
        if self.store.is_none() {
            self.store = Some(open_store(&self.path)?);
        }
        self.store.as_ref().ok_or_else(String::new)
    }
}
