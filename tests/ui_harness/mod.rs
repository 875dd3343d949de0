//! A headless driver for the full-screen app, shared by the UI tests
//! (`mod ui_harness;`).
//!
//! It wires the same pieces `kusei::app::run` wires — `update::on_key`,
//! the database [`Worker`], `update::on_response`, `ui::draw` — but runs the
//! worker synchronously on the test thread: a key's requests are handled and
//! every response fed back until nothing is left (`settle`). No threads, no
//! sleeps, no clocks: the same keys always give the same state and screen.
//!
//! The database is a real SQLite file in a temporary directory, loaded with
//! the bundled sample data.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver};

use chrono::NaiveDate;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Position;
use ratatui::Terminal;
use unicode_width::UnicodeWidthStr;

use kusei::app::state::{AppState, Mode};
use kusei::app::update;
use kusei::app::worker::{Request, Response, Worker};
use kusei::db::{ItemRow, MeetingDetail, MeetingRow, OpenOptions, Store};
use kusei::ui::{self, Theme};

/// The date the harness's calendar calls "today" unless told otherwise:
/// the day of 第3回 in the sample (平成29年6月21日).
pub fn sample_today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2017, 6, 21).unwrap()
}

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// A cell whose content the terminal never shows: it sits under the right
/// half of a double-width character drawn just before it (ratatui's diff
/// skips such cells, so the terminal never receives them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HiddenCell {
    pub x: u16,
    pub y: u16,
    pub symbol: String,
    /// The wide character covering it.
    pub under: String,
}

/// What one frame looks like.
#[derive(Debug, Clone)]
pub struct Screen {
    /// One line per row, as the terminal shows it, trailing spaces trimmed.
    pub text: String,
    /// The hardware cursor, when the frame shows it.
    pub cursor: Option<Position>,
    pub hidden: Vec<HiddenCell>,
    pub buffer: Buffer,
}

impl Screen {
    pub fn row(&self, y: u16) -> &str {
        self.text.lines().nth(y as usize).unwrap_or("")
    }

    pub fn contains(&self, s: &str) -> bool {
        self.text.contains(s)
    }
}

pub struct Harness {
    pub state: AppState,
    pub worker: Worker,
    rx: Receiver<Response>,
    /// Requests produced but not yet handed to the worker.
    pending: Vec<Request>,
    /// Every request handed to the worker, in order (for assertions).
    pub sent: Vec<Request>,
    path: PathBuf,
    /// The cursor of the last `render`, if it was shown.
    pub cursor: Option<Position>,
    /// Cells hidden under wide characters in the last `render`.
    pub hidden: Vec<HiddenCell>,
    pub theme: Theme,
    // Last, so the store closes before the directory goes.
    dir: Option<tempfile::TempDir>,
}

impl Harness {
    /// A fresh database with the sample data, the app started and settled.
    pub fn new(today: NaiveDate) -> Harness {
        let dir = tempfile::TempDir::new().expect("tempdir");
        let path = dir.path().join("kusei.db");
        {
            let mut store = open_store(&path);
            kusei::sample::load(&mut store).expect("load sample data");
        }
        Harness::start(path, Some(dir), today)
    }

    /// Start the app on an existing database file.
    pub fn on_file(path: &Path, today: NaiveDate) -> Harness {
        Harness::start(path.to_path_buf(), None, today)
    }

    fn start(path: PathBuf, dir: Option<tempfile::TempDir>, today: NaiveDate) -> Harness {
        let store = open_store(&path);
        let (tx, rx) = mpsc::channel();
        let worker = Worker::new(store, tx);
        let mut state = AppState::new("kusei.db".into(), "tester".into(), today);
        state.calendar.loading = true;
        let mut h = Harness {
            state,
            worker,
            rx,
            pending: vec![Request::LoadYear {
                fiscal_year: None,
                select: None,
            }],
            sent: Vec::new(),
            path,
            cursor: None,
            hidden: Vec::new(),
            theme: Theme::monochrome(),
            dir,
        };
        h.settle();
        h
    }

    /// Stop the app as a crash would (nothing flushed: whatever the worker
    /// held in memory is lost) and start it again on the same file.
    pub fn restart(self, today: NaiveDate) -> Harness {
        let Harness {
            state,
            worker,
            rx,
            path,
            dir,
            ..
        } = self;
        drop((state, worker, rx));
        Harness::start(path, dir, today)
    }

    pub fn db_path(&self) -> &Path {
        &self.path
    }

    /// A second connection to the same file, for checking what was saved.
    pub fn store(&self) -> Store {
        open_store(&self.path)
    }

    /// Press one key (see [`parse_key`]) and settle.
    pub fn key(&mut self, desc: &str) -> &mut Self {
        self.press(desc);
        self.settle();
        self
    }

    /// Press several keys, separated by spaces ("Esc d"), settling after each.
    pub fn keys(&mut self, descs: &str) -> &mut Self {
        for d in descs.split_whitespace() {
            self.key(d);
        }
        self
    }

    /// Press one key without running the worker: its requests wait.
    pub fn press(&mut self, desc: &str) -> &mut Self {
        self.send_key(parse_key(desc))
    }

    pub fn send_key(&mut self, key: KeyEvent) -> &mut Self {
        let reqs = update::on_key(&mut self.state, key);
        self.pending.extend(reqs);
        self
    }

    /// Each character as its own key press, the way a terminal delivers an
    /// IME commit; settles once at the end.
    pub fn type_text(&mut self, text: &str) -> &mut Self {
        for c in text.chars() {
            let mods = if c.is_uppercase() {
                KeyModifiers::SHIFT
            } else {
                KeyModifiers::NONE
            };
            self.send_key(KeyEvent::new(KeyCode::Char(c), mods));
        }
        self.settle();
        self
    }

    /// A bracketed paste.
    pub fn paste(&mut self, text: &str) -> &mut Self {
        let reqs = update::on_paste(&mut self.state, text);
        self.pending.extend(reqs);
        self.settle();
        self
    }

    /// Requests waiting for the worker.
    pub fn pending(&self) -> &[Request] {
        &self.pending
    }

    /// Hand every waiting request to the worker and feed every response
    /// back, until neither side has anything left.
    pub fn settle(&mut self) -> &mut Self {
        for _ in 0..10_000 {
            let reqs = std::mem::take(&mut self.pending);
            let mut progressed = !reqs.is_empty();
            for r in reqs {
                self.sent.push(r.clone());
                self.worker.handle(r);
            }
            while let Ok(resp) = self.rx.try_recv() {
                progressed = true;
                let more = update::on_response(&mut self.state, resp);
                self.pending.extend(more);
            }
            if !progressed {
                return self;
            }
        }
        panic!("the app and the worker never went quiet");
    }

    /// Like [`Self::settle`], but calls `frame` after every single response,
    /// the way the real loop may draw between two responses of one write
    /// (the worker sends them one by one; the screen draws whenever its
    /// queue is momentarily empty).
    pub fn settle_frame_by_frame(&mut self, mut frame: impl FnMut(&mut Harness)) -> &mut Self {
        for _ in 0..10_000 {
            let reqs = std::mem::take(&mut self.pending);
            let mut progressed = !reqs.is_empty();
            for r in reqs {
                self.sent.push(r.clone());
                self.worker.handle(r);
            }
            while let Ok(resp) = self.rx.try_recv() {
                progressed = true;
                let more = update::on_response(&mut self.state, resp);
                self.pending.extend(more);
                frame(self);
            }
            if !progressed {
                return self;
            }
        }
        panic!("the app and the worker never went quiet");
    }

    /// What the worker's timer would do: write every pending draft now.
    pub fn flush_drafts(&mut self) -> &mut Self {
        self.settle();
        self.worker.flush_drafts();
        self.settle()
    }

    /// What the worker's poll would do: notice other connections' commits.
    pub fn poll_external(&mut self) -> &mut Self {
        self.settle();
        self.worker.poll_external();
        self.settle()
    }

    /// Draw one frame at `w`×`h`; remembers the cursor and hidden cells.
    pub fn render(&mut self, w: u16, h: u16) -> String {
        let s = self.screen(w, h);
        s.text
    }

    pub fn screen(&mut self, w: u16, h: u16) -> Screen {
        let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
        // Terminal::draw moves the cursor only when the frame asks for it;
        // a position outside the screen before drawing tells "hidden" apart.
        let sentinel = Position::new(u16::MAX, u16::MAX);
        terminal.set_cursor_position(sentinel).expect("cursor");
        let state = &self.state;
        let theme = &self.theme;
        terminal.draw(|f| ui::draw(f, state, theme)).expect("draw");
        let pos = terminal.get_cursor_position().expect("cursor");
        let cursor = (pos != sentinel).then_some(pos);
        let buffer = terminal.backend().buffer().clone();
        let (text, hidden) = buffer_text(&buffer);
        self.cursor = cursor;
        self.hidden = hidden.clone();
        Screen {
            text,
            cursor,
            hidden,
            buffer,
        }
    }

    // ---- state shortcuts -------------------------------------------------

    pub fn mode(&self) -> Mode {
        self.state.mode
    }

    pub fn selected(&self) -> Option<&MeetingRow> {
        self.state.calendar.selected_meeting()
    }

    pub fn selected_number(&self) -> Option<u32> {
        self.selected().map(|m| m.number)
    }

    pub fn detail(&self) -> &MeetingDetail {
        self.state
            .calendar
            .detail
            .as_ref()
            .expect("a meeting is shown")
    }

    /// The agenda item minute taking is on.
    pub fn current_item(&self) -> &ItemRow {
        let m = self.state.minutes.as_ref().expect("minute taking");
        &self.detail().items[m.item]
    }

    pub fn input_text(&self) -> &str {
        self.state
            .minutes
            .as_ref()
            .expect("minute taking")
            .input
            .text()
    }

    pub fn prompt_text(&self) -> &str {
        self.state.prompt.as_ref().expect("a prompt").input.text()
    }

    pub fn message(&self) -> Option<&str> {
        self.state.message.as_ref().map(|m| m.text.as_str())
    }

    pub fn error(&self) -> Option<&str> {
        self.state
            .message
            .as_ref()
            .filter(|m| m.error)
            .map(|m| m.text.as_str())
    }
}

pub fn open_store(path: &Path) -> Store {
    Store::open(path, OpenOptions::default()).expect("open store")
}

/// "m", "Enter", "Esc", "C-t", "PgDn", "S-G", "Up", "S-Tab", "Space", "?" …
/// Prefixes C- (Ctrl), A- (Alt), S- (Shift) combine ("C-S-z"). An upper-case
/// letter gets Shift as terminals report it.
pub fn parse_key(desc: &str) -> KeyEvent {
    let mut mods = KeyModifiers::NONE;
    let mut rest = desc;
    loop {
        let m = match rest.get(..2) {
            Some("C-") => KeyModifiers::CONTROL,
            Some("A-" | "M-") => KeyModifiers::ALT,
            Some("S-") => KeyModifiers::SHIFT,
            _ => break,
        };
        if rest.len() == 2 {
            break; // "C-" alone is not a prefix
        }
        mods |= m;
        rest = &rest[2..];
    }
    let code = match rest {
        "Enter" => KeyCode::Enter,
        "Esc" => KeyCode::Esc,
        "Tab" if mods.contains(KeyModifiers::SHIFT) => KeyCode::BackTab,
        "Tab" => KeyCode::Tab,
        "BackTab" => {
            mods |= KeyModifiers::SHIFT;
            KeyCode::BackTab
        }
        "BS" | "Backspace" => KeyCode::Backspace,
        "Del" | "Delete" => KeyCode::Delete,
        "Up" => KeyCode::Up,
        "Down" => KeyCode::Down,
        "Left" => KeyCode::Left,
        "Right" => KeyCode::Right,
        "PgUp" => KeyCode::PageUp,
        "PgDn" => KeyCode::PageDown,
        "Home" => KeyCode::Home,
        "End" => KeyCode::End,
        "Space" => KeyCode::Char(' '),
        s if s.starts_with('F') && s.len() > 1 && s[1..].parse::<u8>().is_ok() => {
            KeyCode::F(s[1..].parse().unwrap())
        }
        s => {
            let mut chars = s.chars();
            let c = chars.next().unwrap_or_else(|| panic!("empty key {desc:?}"));
            assert!(chars.next().is_none(), "unknown key {desc:?}");
            if c.is_uppercase() {
                mods |= KeyModifiers::SHIFT;
            }
            KeyCode::Char(c)
        }
    };
    KeyEvent::new(code, mods)
}

/// The buffer as the terminal shows it: one line per row, each double-width
/// character once (the cell after it, which ratatui never sends, skipped),
/// trailing spaces trimmed. Also returns any content in such skipped cells:
/// drawn, but never seen.
pub fn buffer_text(buf: &Buffer) -> (String, Vec<HiddenCell>) {
    let area = buf.area;
    let mut out = String::new();
    let mut hidden = Vec::new();
    for y in area.top()..area.bottom() {
        let mut line = String::new();
        let mut x = area.left();
        while x < area.right() {
            let sym = buf[(x, y)].symbol();
            let w = sym.width();
            if sym.is_empty() || w == 0 {
                // A lone empty or zero-width cell: the terminal prints nothing
                // there; show a space so columns stay aligned.
                line.push(' ');
                x += 1;
                continue;
            }
            line.push_str(sym);
            for k in 1..w as u16 {
                let hx = x + k;
                if hx >= area.right() {
                    break;
                }
                let s = buf[(hx, y)].symbol();
                if !(s.is_empty() || s == " ") {
                    hidden.push(HiddenCell {
                        x: hx,
                        y,
                        symbol: s.to_string(),
                        under: sym.to_string(),
                    });
                }
            }
            x += w as u16;
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    (out, hidden)
}

/// Characters of East Asian Width "A" (ambiguous) on screen: drawn one
/// column wide by ratatui but two by terminals in a CJK setting, which
/// shifts everything after them. Returns (x, y, char) of each.
pub fn ambiguous_cells(buf: &Buffer) -> Vec<(u16, u16, char)> {
    use unicode_width::UnicodeWidthChar;
    let area = buf.area;
    let mut found = Vec::new();
    for y in area.top()..area.bottom() {
        for x in area.left()..area.right() {
            for c in buf[(x, y)].symbol().chars() {
                if c.width() != c.width_cjk() {
                    found.push((x, y, c));
                }
            }
        }
    }
    found
}

/// The glyphs the chrome must never use (box drawing, arrows, and the
/// symbols that are ambiguous-width in Japanese terminals).
pub fn is_forbidden_chrome_glyph(c: char) -> bool {
    matches!(c as u32, 0x2500..=0x257F | 0x2190..=0x21FF)
        || matches!(
            c,
            '●' | '○' | '…' | '※' | '★' | '☆' | '■' | '□' | '◆' | '◇' | '×' | '▲' | '▼'
        )
}

/// (opinion id, item id, text, kind, speaker, owner, due) of every opinion
/// of an agenda item, in order.
pub type OpinionDb = (
    i64,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
);

pub fn opinions_in_db(store: &Store, item_id: i64) -> Vec<OpinionDb> {
    let mut stmt = store
        .conn()
        .prepare(
            "SELECT o.id, o.text, o.kind, j.name, o.owner, o.due_date
             FROM opinions o LEFT JOIN job_titles j ON j.id = o.speaker_title_id
             WHERE o.item_id = ?1 ORDER BY o.position, o.id",
        )
        .unwrap();
    stmt.query_map([item_id], |r| {
        Ok((
            r.get(0)?,
            r.get(1)?,
            r.get(2)?,
            r.get(3)?,
            r.get(4)?,
            r.get(5)?,
        ))
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

/// Every row of the drafts table: (context, text).
pub fn drafts_in_db(store: &Store) -> Vec<(String, String)> {
    let mut stmt = store
        .conn()
        .prepare("SELECT context, text FROM drafts ORDER BY context")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

pub fn count(store: &Store, sql: &str) -> i64 {
    store.conn().query_row(sql, [], |r| r.get(0)).unwrap()
}
