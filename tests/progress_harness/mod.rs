//! Driving the app headless for the progress pane's tests: a real SQLite
//! file with the samples, the real worker run synchronously, keys through
//! `update::on_key`, frames into a `TestBackend`.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver};

use chrono::NaiveDate;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use kusei::app::state::AppState;
use kusei::app::update;
use kusei::app::worker::{Request, Response, Worker};
use kusei::db::{OpenOptions, Store};
use kusei::ui::{self, Theme};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use unicode_width::UnicodeWidthStr;

pub struct Harness {
    pub state: AppState,
    worker: Worker,
    rx: Receiver<Response>,
    pub path: PathBuf,
    _dir: tempfile::TempDir,
}

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

impl Harness {
    /// The samples loaded, `setup` run on the store, the app on the
    /// progress tab with `today` as today.
    pub fn new(today: NaiveDate, setup: impl FnOnce(&mut Store)) -> Self {
        let dir = tempfile::TempDir::new().expect("tempdir");
        let path = dir.path().join("kusei.db");
        let mut store = Store::open(&path, OpenOptions::default()).expect("open");
        kusei::sample::load(&mut store).expect("samples");
        setup(&mut store);
        let (tx, rx) = mpsc::channel();
        let worker = Worker::new(store, tx);
        let state = AppState::new("kusei.db".into(), "tester".into(), today);
        let mut h = Harness {
            state,
            worker,
            rx,
            path,
            _dir: dir,
        };
        h.key(KeyCode::Char('4'));
        h
    }

    /// Run requests and responses until nothing is left.
    pub fn run(&mut self, mut pending: Vec<Request>) {
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

    pub fn press(&mut self, code: KeyCode, mods: KeyModifiers) {
        let reqs = update::on_key(&mut self.state, KeyEvent::new(code, mods));
        self.run(reqs);
    }

    pub fn key(&mut self, code: KeyCode) {
        let mods = match code {
            KeyCode::Char(c) if c.is_ascii_uppercase() => KeyModifiers::SHIFT,
            _ => KeyModifiers::NONE,
        };
        self.press(code, mods);
    }

    /// Each character as a key press.
    pub fn keys(&mut self, s: &str) {
        for c in s.chars() {
            self.key(KeyCode::Char(c));
        }
    }

    /// Notice other processes' commits, as the worker does every half
    /// second, and apply what it sends.
    pub fn poll_external(&mut self) {
        self.worker.poll_external();
        self.run(Vec::new());
    }

    /// A second connection to the same file, to check what was written.
    pub fn store(&self) -> Store {
        Store::open(&self.path, OpenOptions::default()).expect("open")
    }

    pub fn screen(&self, w: u16, h: u16) -> String {
        let mut t = Terminal::new(TestBackend::new(w, h)).expect("terminal");
        let theme = Theme::monochrome();
        t.draw(|f| ui::draw(f, &self.state, &theme)).expect("draw");
        buffer_text(t.backend().buffer())
    }

    /// Select the item whose title contains `needle` through the text
    /// filter, then clear the filter (the selection stays).
    pub fn select(&mut self, needle: &str) {
        self.key(KeyCode::Char('f'));
        self.keys(needle);
        self.key(KeyCode::Enter);
        self.press(KeyCode::Char('u'), KeyModifiers::CONTROL);
        // Ctrl-U only works while typing: reopen, clear, close.
        self.key(KeyCode::Char('f'));
        self.press(KeyCode::Char('u'), KeyModifiers::CONTROL);
        self.key(KeyCode::Enter);
    }
}

/// The buffer as lines of text, wide characters once, trailing spaces cut.
pub fn buffer_text(buf: &ratatui::buffer::Buffer) -> String {
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut line = String::new();
        let mut skip = 0;
        for x in 0..buf.area.width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let sym = buf[(x, y)].symbol();
            line.push_str(sym);
            skip = sym.width().saturating_sub(1);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Record a 宿題 the way minute taking does: an opinion on the first item
/// of 第`number`回 (FY2017), then marked 宿題 with owner and due date.
/// Returns the opinion id.
pub fn add_action(store: &mut Store, number: u32, text: &str, owner: &str, due: NaiveDate) -> i64 {
    let item: i64 = store
        .conn()
        .query_row(
            "SELECT i.id FROM agenda_items i JOIN meetings m ON m.id = i.meeting_id
             WHERE m.fiscal_year = 2017 AND m.number = ?1 ORDER BY i.number LIMIT 1",
            [number],
            |r| r.get(0),
        )
        .expect("an agenda item");
    let id = store
        .add_opinion(item, text, None, None)
        .expect("add opinion");
    store
        .set_opinion_kind(
            id,
            &kusei::db::EntryKind {
                kind: kusei::model::OpinionKind::Action,
                owner: Some(owner.to_string()),
                due: Some(due),
            },
        )
        .expect("mark as 宿題");
    id
}

/// (status, grade) of a node's progress row for a period, if any.
pub fn progress_row(store: &Store, title: &str, fy: i32, half: &str) -> Option<(String, String)> {
    store
        .conn()
        .query_row(
            "SELECT p.status, p.grade FROM progress p JOIN plan_nodes n ON n.id = p.node_id
             WHERE n.title = ?1 AND p.fiscal_year = ?2 AND p.half = ?3",
            rusqlite::params![title, fy, half],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .ok()
}

impl Harness {
    /// Move the focused period with Left/Right until it is `p`.
    pub fn goto_period(&mut self, p: kusei::db::progress_board::Period) {
        for _ in 0..200 {
            match self.state.progress.period {
                Some(now) if now == p => return,
                Some(now) if now < p => self.key(KeyCode::Right),
                _ => self.key(KeyCode::Left),
            }
        }
        panic!("no column {p:?}: {:?}", self.state.progress.periods);
    }
}
