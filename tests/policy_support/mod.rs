//! A headless kusei for the policy pane's tests: the real state, update and
//! drawing code and the real database worker on a SQLite file in a temporary
//! directory, driven synchronously (requests → worker → responses → state).
#![allow(dead_code)]

use std::sync::mpsc::{self, Receiver};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use kusei::app::state::AppState;
use kusei::app::update;
use kusei::app::worker::{Request, Response, Worker};
use kusei::db::{OpenOptions, Store};
use kusei::ui::{self, Theme};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use unicode_width::UnicodeWidthStr;

pub struct App {
    pub state: AppState,
    worker: Worker,
    rx: Receiver<Response>,
    pending: Vec<Request>,
    pub dir: tempfile::TempDir,
}

pub fn root() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub const SEED_000: &str = "data/000_yokohama_asahi_keiei_kaigi_h29.txt";
pub const SEED_001: &str = "data/001_osaka_asahi_unei_hoshin_h29.txt";
pub const SEED_002: &str = "data/002_asahikawa_wg_proposal.json";
pub const SEED_004: &str = "data/004_niigata_reform_item.json";

/// A store in a fresh temporary directory with these seed files imported.
pub fn store_with(files: &[&str]) -> (tempfile::TempDir, Store) {
    let dir = tempfile::TempDir::new().expect("tempdir");
    let mut store =
        Store::open(&dir.path().join("kusei.db"), OpenOptions::default()).expect("open");
    for f in files {
        let parsed = kusei::import::parse_file(&root().join(f)).unwrap_or_else(|e| panic!("{e}"));
        store
            .import(&parsed.dataset)
            .unwrap_or_else(|e| panic!("{e}"));
    }
    (dir, store)
}

impl App {
    /// The app on a database holding these seeds, on 2017-06-21.
    pub fn with_seeds(files: &[&str]) -> App {
        let (dir, store) = store_with(files);
        App::on(dir, store)
    }

    pub fn on(dir: tempfile::TempDir, store: Store) -> App {
        let (tx, rx) = mpsc::channel();
        let worker = Worker::new(store, tx);
        let today = chrono::NaiveDate::from_ymd_opt(2017, 6, 21).expect("date");
        let state = AppState::new("kusei.db".into(), "tester".into(), today);
        let mut app = App {
            state,
            worker,
            rx,
            pending: vec![Request::LoadYear {
                fiscal_year: None,
                select: None,
            }],
            dir,
        };
        app.settle();
        app
    }

    /// Run every request and apply every response until nothing is left.
    pub fn settle(&mut self) {
        for _ in 0..100 {
            for r in std::mem::take(&mut self.pending) {
                self.worker.handle(r);
            }
            let mut any = false;
            while let Ok(resp) = self.rx.try_recv() {
                any = true;
                let more = update::on_response(&mut self.state, resp);
                self.pending.extend(more);
            }
            if !any && self.pending.is_empty() {
                return;
            }
        }
        panic!("requests kept coming");
    }

    pub fn press(&mut self, key: KeyEvent) {
        let r = update::on_key(&mut self.state, key);
        self.pending.extend(r);
        self.settle();
    }

    /// Type keys: plain characters, or `<Enter>`, `<Esc>`, `<Space>`,
    /// `<Up>`, `<Down>`, `<Left>`, `<Right>`, `<Tab>`, `<BS>`, `<PgDn>`.
    pub fn keys(&mut self, seq: &str) {
        let mut chars = seq.chars().peekable();
        while let Some(c) = chars.next() {
            let key = if c == '<' && chars.peek().is_some_and(|n| n.is_ascii_uppercase()) {
                let name: String = chars.by_ref().take_while(|c| *c != '>').collect();
                let code = match name.as_str() {
                    "Enter" => KeyCode::Enter,
                    "Esc" => KeyCode::Esc,
                    "Space" => KeyCode::Char(' '),
                    "Up" => KeyCode::Up,
                    "Down" => KeyCode::Down,
                    "Left" => KeyCode::Left,
                    "Right" => KeyCode::Right,
                    "Tab" => KeyCode::Tab,
                    "BS" => KeyCode::Backspace,
                    "PgDn" => KeyCode::PageDown,
                    "PgUp" => KeyCode::PageUp,
                    other => panic!("unknown key <{other}>"),
                };
                KeyEvent::new(code, KeyModifiers::NONE)
            } else if c.is_ascii_uppercase() {
                KeyEvent::new(KeyCode::Char(c), KeyModifiers::SHIFT)
            } else {
                KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
            };
            self.press(key);
        }
    }

    /// Type text into whatever input has the focus (one key per character).
    pub fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.press(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
        }
    }

    pub fn screen(&self, w: u16, h: u16) -> String {
        let mut t = Terminal::new(TestBackend::new(w, h)).expect("terminal");
        let theme = Theme::monochrome();
        t.draw(|f| ui::draw(f, &self.state, &theme)).expect("draw");
        buffer_text(t.backend().buffer())
    }

    pub fn store(&self) -> Store {
        Store::open(&self.dir.path().join("kusei.db"), OpenOptions::default()).expect("open")
    }
}

/// The buffer as text, one line per row, wide characters once.
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

use kusei::app::panes::policy::view::{self, Row};

impl App {
    /// The label of each visible row of the policy tree.
    pub fn row_labels(&self) -> Vec<String> {
        let p = &self.state.policy;
        let Some(t) = &p.tree else {
            return Vec::new();
        };
        p.rows
            .iter()
            .map(|r| match view::resolve(t, *r) {
                Some((plan, None)) => plan.title.clone(),
                Some((_, Some(n))) => view::node_label(n),
                None => String::new(),
            })
            .collect()
    }

    /// Move the tree cursor with j/k to the first row whose label starts
    /// with `prefix`.
    pub fn goto(&mut self, prefix: &str) {
        let labels = self.row_labels();
        let Some(want) = labels.iter().position(|l| l.starts_with(prefix)) else {
            panic!("no row {prefix:?} in {labels:#?}");
        };
        let at = self.state.policy.cursor;
        let keys = if want >= at {
            "j".repeat(want - at)
        } else {
            "k".repeat(at - want)
        };
        self.keys(&keys);
        assert_eq!(self.state.policy.cursor, want);
    }

    /// The node under the tree cursor.
    pub fn node(&self, prefix: &str) -> kusei::db::NodeView {
        let t = self.state.policy.tree.as_ref().expect("tree loaded");
        t.plans
            .iter()
            .flat_map(|p| p.nodes.iter())
            .find(|n| view::node_label(n).starts_with(prefix))
            .unwrap_or_else(|| panic!("no node {prefix:?}"))
            .clone()
    }

    pub fn current_row(&self) -> Option<Row> {
        self.state.policy.current_row()
    }
}
