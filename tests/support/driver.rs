//! The headless app driver every app test runs on.
//!
//! It wires the same pieces `kusei::app::run` wires — `update::on_key`,
//! the database [`Worker`], `update::on_response` — but runs the worker
//! synchronously on the test thread: a key's requests are handled and every
//! response fed back until nothing is left ([`Driver::settle`]). No threads
//! of its own, no sleeps: the same keys always give the same state. (The
//! search service answers from its own thread; [`Driver::wait_for`] waits
//! for it with a generous deadline, never a sleep.)
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use crossterm::event::KeyEvent;

use kusei::app::state::AppState;
use kusei::app::update;
use kusei::app::worker::{Request, Response, Worker};
use kusei::db::Store;

/// The first load the app asks for at start.
pub fn load_year(fiscal_year: Option<i32>) -> Request {
    Request::LoadYear {
        fiscal_year,
        select: None,
    }
}

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

/// `Deref`/`DerefMut` to the [`Driver`] inside a one-field wrapper, so the
/// wrapper's tests reach `state`, `worker`, `path` … directly.
macro_rules! wraps_driver {
    ($t:ident) => {
        impl std::ops::Deref for $t {
            type Target = Driver;
            fn deref(&self) -> &Driver {
                &self.0
            }
        }

        impl std::ops::DerefMut for $t {
            fn deref_mut(&mut self) -> &mut Driver {
                &mut self.0
            }
        }
    };
}
pub(crate) use wraps_driver;

pub struct Driver {
    pub state: AppState,
    pub worker: Worker,
    rx: Receiver<Response>,
    /// Requests produced but not yet handed to the worker.
    pub pending: Vec<Request>,
    /// Every request handed to the worker, in order (for assertions).
    pub sent: Vec<Request>,
    /// The database file.
    pub path: PathBuf,
    /// Responses after which the app's loop would draw a frame
    /// (`update::take_response`).
    pub frames: usize,
    // Last, so the store closes before the directory goes.
    dir: Option<tempfile::TempDir>,
}

impl Driver {
    /// The app on `store` (opened on `path`), "today" being `today`, with
    /// `first` waiting for the worker. Nothing is run yet.
    pub fn new(
        store: Store,
        path: PathBuf,
        dir: Option<tempfile::TempDir>,
        today: NaiveDate,
        first: Option<Request>,
    ) -> Driver {
        let (tx, rx) = mpsc::channel();
        Driver {
            state: AppState::new("kusei.db".into(), "tester".into(), today),
            worker: Worker::new(store, tx),
            rx,
            pending: first.into_iter().collect(),
            sent: Vec::new(),
            path,
            frames: 0,
            dir,
        }
    }

    /// The app on a database in a fresh temporary directory that `setup`
    /// fills; nothing run yet.
    pub fn fresh(
        today: NaiveDate,
        first: Option<Request>,
        setup: impl FnOnce(&mut Store),
    ) -> Driver {
        let (dir, mut store) = super::db::fresh_store();
        setup(&mut store);
        let path = dir.path().join("kusei.db");
        Driver::new(store, path, Some(dir), today, first)
    }

    /// Stop as a crash would (whatever the worker held in memory is lost);
    /// the database file and its directory are handed back.
    pub fn stop(self) -> (PathBuf, Option<tempfile::TempDir>) {
        let Driver {
            state,
            worker,
            rx,
            path,
            dir,
            ..
        } = self;
        drop((state, worker, rx));
        (path, dir)
    }

    pub fn db_path(&self) -> &Path {
        &self.path
    }

    /// A second connection to the same file, for checking what was saved.
    pub fn store(&self) -> Store {
        super::db::open(&self.path)
    }

    /// Hand every waiting request to the worker; false if there were none.
    pub fn send_pending(&mut self) -> bool {
        let reqs = std::mem::take(&mut self.pending);
        let any = !reqs.is_empty();
        for r in reqs {
            self.sent.push(r.clone());
            self.worker.handle(r);
        }
        any
    }

    /// Feed one waiting response to the app; false if there was none.
    pub fn feed_one(&mut self) -> bool {
        match self.rx.try_recv() {
            Ok(resp) => {
                self.respond(resp);
                true
            }
            Err(_) => false,
        }
    }

    fn respond(&mut self, resp: Response) {
        let (more, draw) = update::take_response(&mut self.state, resp);
        self.frames += usize::from(draw);
        self.pending.extend(more);
    }

    /// Hand every waiting request to the worker and feed every response
    /// back, until neither side has anything left.
    pub fn settle(&mut self) -> &mut Self {
        for _ in 0..10_000 {
            let mut progressed = self.send_pending();
            while self.feed_one() {
                progressed = true;
            }
            if !progressed {
                return self;
            }
        }
        panic!("the app and the worker never went quiet");
    }

    /// Queue `reqs` and settle.
    pub fn run(&mut self, reqs: Vec<Request>) -> &mut Self {
        self.pending.extend(reqs);
        self.settle()
    }

    /// Press one key without running the worker: its requests wait.
    pub fn press_only(&mut self, key: KeyEvent) -> &mut Self {
        let reqs = update::on_key(&mut self.state, key);
        self.pending.extend(reqs);
        self
    }

    /// Press one key and settle.
    pub fn press(&mut self, key: KeyEvent) -> &mut Self {
        self.press_only(key);
        self.settle()
    }

    /// A bracketed paste, then settle.
    pub fn paste(&mut self, text: &str) -> &mut Self {
        let reqs = update::on_paste(&mut self.state, text);
        self.run(reqs)
    }

    /// Wait (at most 30 s, however loaded the machine) until `done` holds,
    /// feeding in answers that come from other threads.
    pub fn wait_for(&mut self, what: &str, done: impl Fn(&AppState) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while !done(&self.state) {
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(!left.is_zero(), "timed out waiting for {what}");
            if let Ok(resp) = self.rx.recv_timeout(left.min(Duration::from_millis(50))) {
                self.respond(resp);
                self.settle();
            }
        }
    }
}
