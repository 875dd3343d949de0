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

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender};
use std::sync::Arc;
use std::time::Instant;

use super::resolve::ResultRow;
use super::{load, parse, Cancel, Index, Session};
use crate::db::{OpenOptions, Store};

/// How often the service looks for changes made by others.
const POLL_INTERVAL: std::time::Duration = std::time::Duration::from_millis(500);

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
    Built(Box<Result<Built, String>>),
}

/// The handle kept on the database thread; dropping it stops the service.
pub struct Service {
    tx: Sender<Job>,
    generation: Arc<AtomicU64>,
}

impl Service {
    /// Start the service for the database at `path`; `sink` gets every event
    /// (from the service's threads).
    pub fn start(path: &Path, sink: impl Fn(Event) + Send + Sync + 'static) -> Service {
        let (tx, rx) = channel();
        let generation = Arc::new(AtomicU64::new(0));
        let worker = Worker {
            path: path.to_path_buf(),
            tx: tx.clone(),
            sink: Arc::new(sink),
            generation: generation.clone(),
            index: None,
            store: None,
            data_version: None,
            seq: None,
            stale: false,
            session: Session::new(),
            building: false,
            dirty: true,
            last_query: None,
        };
        std::thread::Builder::new()
            .name("kusei-search".into())
            .spawn(move || worker.run(rx))
            .ok();
        Service { tx, generation }
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

    /// The database changed: rebuild and answer again.
    pub fn data_changed(&self) {
        let _ = self.tx.send(Job::DataChanged);
    }
}

type Sink = Arc<dyn Fn(Event) + Send + Sync>;

/// A built index, the last change number it includes, and its build time.
type Built = (Index, Option<i64>, u64);

struct Worker {
    path: PathBuf,
    tx: Sender<Job>,
    sink: Sink,
    generation: Arc<AtomicU64>,
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
}

impl Worker {
    fn run(mut self, rx: Receiver<Job>) {
        let mut query = None;
        loop {
            self.notice_changes();
            if std::mem::take(&mut self.stale) && self.catch_up() {
                if let Some(q) = self.last_query.clone() {
                    self.answer(&q);
                }
            }
            if self.dirty && !self.building {
                self.start_build();
            }
            // Our own sender (for builds) keeps the channel open: notice the
            // handle going away by the generation counter's other owner.
            let first = match rx.recv_timeout(POLL_INTERVAL) {
                Ok(job) => job,
                Err(RecvTimeoutError::Timeout) if Arc::strong_count(&self.generation) > 1 => {
                    continue
                }
                Err(_) => break,
            };
            let mut next = Some(first);
            while let Some(job) = next.take().or_else(|| rx.try_recv().ok()) {
                match job {
                    Job::Query {
                        seq,
                        generation,
                        text,
                        limit,
                    } => query = Some((seq, generation, text, limit)),
                    Job::DataChanged => self.stale = true,
                    Job::Built(r) => self.built(*r, &mut query),
                }
            }
            if self.index.is_none() {
                continue;
            }
            if let Some(q) = query.take() {
                self.answer(&q);
                self.last_query = Some(q);
            }
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
        let applied = match self.index.as_mut().and_then(Arc::get_mut) {
            Some(index) => super::changes::apply(index, store.conn(), &tail),
            None => Err(super::SearchError::Build(String::new())),
        };
        if applied.is_err() {
            // The index may be half patched: never answer from it.
            self.index = None;
            self.seq = None;
            self.dirty = true;
            return false;
        }
        self.seq = Some(tail.seq);
        self.session.reset();
        if let Some(index) = &self.index {
            (self.sink)(Event::Ready {
                entries: index.len(),
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
                let r = load::build_from_path_at(&path, &progress)
                    .map(|(ix, seq)| (ix, seq, t.elapsed().as_millis() as u64))
                    .map_err(|e| e.to_string());
                let _ = tx.send(Job::Built(Box::new(r)));
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
            Ok((index, seq, millis)) => {
                (self.sink)(Event::Ready {
                    entries: index.len(),
                    millis,
                });
                self.index = Some(Arc::new(index));
                self.seq = seq;
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

    fn store(&mut self) -> Result<&Store, String> {
        if self.store.is_none() {
            let s = Store::open(
                &self.path,
                OpenOptions {
                    read_only: true,
                    defer_check: true,
                },
            )
            .map_err(|e| e.to_string())?;
            self.store = Some(s);
        }
        self.store.as_ref().ok_or_else(String::new)
    }

    fn answer(&mut self, (seq, generation, text, limit): &(u64, u64, String, usize)) {
        let t = Instant::now();
        let Some(index) = self.index.clone() else {
            return;
        };
        let mut results = Results {
            seq: *seq,
            ..Default::default()
        };
        let query = match parse(text) {
            Ok(q) => q,
            Err(e) => {
                results.error = Some(e.0);
                (self.sink)(Event::Results(results));
                return;
            }
        };
        let counter = self.generation.clone();
        let cancel = Cancel {
            generation: &counter,
            mine: *generation,
        };
        let limit = *limit;
        if let Err(e) = self.store() {
            results.error = Some(e);
            (self.sink)(Event::Results(results));
            return;
        }
        let Some(store) = &self.store else { return };
        // A large scan first answers from the newest entries (same seq:
        // the full answer replaces it, keeping the selection).
        let (sink, seq) = (self.sink.clone(), *seq);
        let mut early = |rows, total| {
            sink(Event::Results(Results {
                seq,
                rows,
                total,
                error: None,
                micros: t.elapsed().as_micros() as u64,
            }))
        };
        let outcome =
            self.session
                .search_staged(&index, store.conn(), &query, limit, cancel, &mut early);
        match outcome {
            Ok(Some((rows, total))) => {
                results.rows = rows;
                results.total = total;
            }
            // A newer query is on its way.
            Ok(None) => return,
            Err(e) => results.error = Some(e.to_string()),
        }
        results.micros = t.elapsed().as_micros() as u64;
        (self.sink)(Event::Results(results));
    }
}
