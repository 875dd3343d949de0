//! A headless app on a real seed database: the state, the database worker
//! driven on this thread, and the search service's answers waited for
//! (never slept for). Renders into a `TestBackend` as text, with the
//! highlighted cells marked on the line below.
#![allow(dead_code)]

use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use kusei::app::state::AppState;
use kusei::app::update;
use kusei::app::worker::{Request, Response, Worker};
use kusei::db::{OpenOptions, Store};
use kusei::ui::{self, Theme};
use ratatui::backend::TestBackend;
use ratatui::style::Modifier;
use ratatui::Terminal;

pub struct App {
    pub state: AppState,
    pub worker: Worker,
    rx: Receiver<Response>,
    pub dir: tempfile::TempDir,
}

impl App {
    /// The app on a fresh database with the bundled samples, showing 平成29年度.
    pub fn with_samples() -> App {
        let dir = tempfile::TempDir::new().expect("tempdir");
        let path = dir.path().join("kusei.db");
        let mut store = Store::open(&path, OpenOptions::default()).expect("open");
        kusei::sample::load(&mut store).expect("samples");
        Self::on(store, dir)
    }

    pub fn on(store: Store, dir: tempfile::TempDir) -> App {
        let (tx, rx) = mpsc::channel();
        let worker = Worker::new(store, tx);
        // A day without a meeting: "today" and a meeting day together look
        // like a highlight in the monochrome theme.
        let today = chrono::NaiveDate::from_ymd_opt(2017, 6, 20).expect("date");
        let state = AppState::new("kusei.db".into(), "tester".into(), today);
        let mut app = App {
            state,
            worker,
            rx,
            dir,
        };
        app.settle(vec![Request::LoadYear {
            fiscal_year: Some(2017),
            select: None,
        }]);
        app
    }

    /// Run requests (and the requests their answers lead to) to the end.
    pub fn settle(&mut self, mut pending: Vec<Request>) {
        loop {
            for r in std::mem::take(&mut pending) {
                self.worker.handle(r);
            }
            while let Ok(resp) = self.rx.try_recv() {
                pending.extend(update::on_response(&mut self.state, resp));
            }
            if pending.is_empty() {
                break;
            }
        }
    }

    pub fn key(&mut self, code: KeyCode, mods: KeyModifiers) {
        let reqs = update::on_key(&mut self.state, KeyEvent::new(code, mods));
        self.settle(reqs);
    }

    pub fn press(&mut self, code: KeyCode) {
        self.key(code, KeyModifiers::NONE);
    }

    pub fn type_text(&mut self, s: &str) {
        for c in s.chars() {
            self.press(KeyCode::Char(c));
        }
    }

    /// Wait until `done` holds, feeding the service's answers in.
    pub fn wait_for(&mut self, what: &str, done: impl Fn(&AppState) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while !done(&self.state) {
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(!left.is_zero(), "timed out waiting for {what}");
            if let Ok(resp) = self.rx.recv_timeout(left.min(Duration::from_millis(50))) {
                let reqs = update::on_response(&mut self.state, resp);
                self.settle(reqs);
            }
        }
    }

    /// Wait for the answer to the query now in the search line.
    pub fn wait_results(&mut self) {
        self.wait_for("search results", |s| {
            s.search.shown_seq == s.search.seq && s.search.seq > 0
        });
        // The preview's context is asked for with the results.
        self.settle(Vec::new());
    }

    /// The screen as text; below each line with highlighted characters, a
    /// line with `^` under them.
    pub fn render(&mut self, w: u16, h: u16) -> String {
        // Timings vary from run to run.
        self.state.search.micros = 0;
        let mut t = Terminal::new(TestBackend::new(w, h)).expect("terminal");
        t.draw(|f| ui::draw(f, &self.state, &Theme::monochrome()))
            .expect("draw");
        let buf = t.backend().buffer().clone();
        let mut out = String::new();
        for y in 0..h {
            let mut line = String::new();
            let mut marks = String::new();
            let mut skip = 0;
            for x in 0..w {
                let cell = &buf[(x, y)];
                if skip > 0 {
                    skip -= 1;
                    continue;
                }
                let sym = cell.symbol();
                let width = unicode_width::UnicodeWidthStr::width(sym).max(1);
                skip = width - 1;
                line.push_str(sym);
                let hl = cell.modifier.contains(Modifier::UNDERLINED)
                    && cell.modifier.contains(Modifier::BOLD);
                marks.push_str(&(if hl { "^" } else { " " }).repeat(width));
            }
            out.push_str(line.trim_end());
            out.push('\n');
            if marks.contains('^') {
                out.push_str(marks.trim_end());
                out.push('\n');
            }
        }
        out
    }
}

pub fn ctrl(c: char) -> (KeyCode, KeyModifiers) {
    (KeyCode::Char(c), KeyModifiers::CONTROL)
}
