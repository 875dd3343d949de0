//! A headless app for key-sequence tests: the real `AppState`, the real
//! database `Worker` on a SQLite file in a temporary directory with the
//! samples loaded, driven synchronously (requests → `Worker::handle` →
//! responses → `update::on_response`, until nothing is left), and a
//! `TestBackend` to draw into.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use kusei::app::state::AppState;
use kusei::app::update;
use kusei::app::worker::{Request, Response, Worker};
use kusei::db::{OpenOptions, Store};
use kusei::ui::{self, Theme};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

pub struct App {
    pub state: AppState,
    worker: Worker,
    rx: Receiver<Response>,
    pub path: PathBuf,
    _dir: tempfile::TempDir,
}

impl App {
    /// The samples loaded, "today" 2017-06-21, the calendar's first load done.
    pub fn with_samples() -> App {
        Self::with(|store| {
            kusei::sample::load(store).expect("samples");
        })
    }

    /// A database prepared by `setup`.
    pub fn with(setup: impl FnOnce(&mut Store)) -> App {
        let dir = tempfile::TempDir::new().expect("tempdir");
        let path = dir.path().join("kusei.db");
        let mut store = Store::open(&path, OpenOptions::default()).expect("open");
        setup(&mut store);
        let (tx, rx) = mpsc::channel();
        let worker = Worker::new(store, tx);
        let today = chrono::NaiveDate::from_ymd_opt(2017, 6, 21).expect("date");
        let state = AppState::new("kusei.db".into(), "tester".into(), today);
        let mut app = App {
            state,
            worker,
            rx,
            path,
            _dir: dir,
        };
        app.run(vec![Request::LoadYear {
            fiscal_year: None,
            select: None,
        }]);
        app
    }

    /// Handle requests and the responses they bring until none are left.
    pub fn run(&mut self, mut pending: Vec<Request>) {
        loop {
            for r in std::mem::take(&mut pending) {
                self.worker.handle(r);
            }
            let mut any = false;
            while let Ok(resp) = self.rx.try_recv() {
                any = true;
                pending.extend(update::on_response(&mut self.state, resp));
            }
            if pending.is_empty() && !any {
                break;
            }
        }
    }

    pub fn press(&mut self, key: KeyEvent) {
        let reqs = update::on_key(&mut self.state, key);
        self.run(reqs);
    }

    /// Keys as text: plain characters, and `<esc>`, `<enter>`, `<space>`,
    /// `<up>`, `<down>`, `<left>`, `<right>`, `<pgup>`, `<pgdn>`, `<home>`,
    /// `<end>`, `<bs>`, `<c-r>` (Ctrl-R).
    pub fn keys(&mut self, keys: &str) {
        let mut rest = keys;
        while let Some(c) = rest.chars().next() {
            if c == '<' {
                if let Some(end) = rest.find('>') {
                    let name = &rest[1..end];
                    rest = &rest[end + 1..];
                    self.press(named(name));
                    continue;
                }
            }
            rest = &rest[c.len_utf8()..];
            let mods = if c.is_ascii_uppercase() {
                KeyModifiers::SHIFT
            } else {
                KeyModifiers::NONE
            };
            self.press(KeyEvent::new(KeyCode::Char(c), mods));
        }
    }

    pub fn paste(&mut self, text: &str) {
        let reqs = update::on_paste(&mut self.state, text);
        self.run(reqs);
    }

    /// The screen as text, one line per row (wide characters once).
    pub fn screen(&self, width: u16, height: u16) -> String {
        let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
        let theme = Theme::monochrome();
        terminal
            .draw(|f| ui::draw(f, &self.state, &theme))
            .expect("draw");
        buffer_text(terminal.backend().buffer())
    }

    /// A second connection to the same file, for checking what was saved.
    pub fn store(&self) -> Store {
        Store::open(&self.path, OpenOptions::default()).expect("open again")
    }
}

fn named(name: &str) -> KeyEvent {
    let code = match name {
        "esc" => KeyCode::Esc,
        "enter" => KeyCode::Enter,
        "space" => KeyCode::Char(' '),
        "up" => KeyCode::Up,
        "down" => KeyCode::Down,
        "left" => KeyCode::Left,
        "right" => KeyCode::Right,
        "pgup" => KeyCode::PageUp,
        "pgdn" => KeyCode::PageDown,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        "bs" => KeyCode::Backspace,
        "c-r" => return KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL),
        other => panic!("unknown key <{other}>"),
    };
    KeyEvent::new(code, KeyModifiers::NONE)
}

/// Rows of the buffer as text; the cell after a wide character (which the
/// terminal covers with it) is skipped, trailing spaces trimmed.
pub fn buffer_text(buf: &ratatui::buffer::Buffer) -> String {
    use unicode_width::UnicodeWidthStr;
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
