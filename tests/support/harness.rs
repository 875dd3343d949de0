//! The app key and screen tests' driver (`support::harness::Harness`, was
//! `tests/ui_harness`): the [`Driver`] on a real SQLite file in a temporary
//! directory loaded with the bundled sample data, keys written as
//! "Esc d" / "C-t", frames read back with cursor and hidden cells.
#![allow(dead_code)]

use std::ops::{Deref, DerefMut};
use std::path::Path;

use chrono::NaiveDate;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::buffer::Buffer;
use ratatui::layout::Position;

pub use super::db::{count, drafts_in_db, opinions_in_db, OpinionDb};
pub use super::driver::date;
use super::driver::{load_year, Driver};
pub use super::keys::parse_key;
pub use super::screen::{ambiguous_cells, buffer_text, is_forbidden_chrome_glyph, HiddenCell};
use kusei::app::state::Mode;
use kusei::app::worker::Request;
use kusei::db::{ItemRow, MeetingDetail, MeetingRow, Store};
use kusei::ui::Theme;

/// The date the harness's calendar calls "today" unless told otherwise:
/// the day of 第3回 in the sample (平成29年6月21日).
pub fn sample_today() -> NaiveDate {
    date(2017, 6, 21)
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

/// The [`Driver`] (its `state`, `worker`, `sent` … through `Deref`) with
/// the app key tests' conveniences: keys as text, frames with cursor and
/// hidden cells, crash and restart.
pub struct Harness {
    driver: Driver,
    /// The cursor of the last `render`, if it was shown.
    pub cursor: Option<Position>,
    /// Cells hidden under wide characters in the last `render`.
    pub hidden: Vec<HiddenCell>,
    pub theme: Theme,
}

impl Deref for Harness {
    type Target = Driver;
    fn deref(&self) -> &Driver {
        &self.driver
    }
}

impl DerefMut for Harness {
    fn deref_mut(&mut self) -> &mut Driver {
        &mut self.driver
    }
}

impl Harness {
    /// A fresh database with the sample data, the app started and settled.
    pub fn new(today: NaiveDate) -> Harness {
        let (dir, store) = super::db::sample_store();
        drop(store);
        let path = dir.path().join("kusei.db");
        Harness::start(path.clone(), Some(dir), today)
    }

    /// Start the app on an existing database file.
    pub fn on_file(path: &Path, today: NaiveDate) -> Harness {
        Harness::start(path.to_path_buf(), None, today)
    }

    fn start(
        path: std::path::PathBuf,
        dir: Option<tempfile::TempDir>,
        today: NaiveDate,
    ) -> Harness {
        let store = super::db::open(&path);
        let mut driver = Driver::new(store, path, dir, today, Some(load_year(None)));
        driver.state.calendar.loading = true;
        let mut h = Harness {
            driver,
            cursor: None,
            hidden: Vec::new(),
            theme: Theme::monochrome(),
        };
        h.settle();
        h
    }

    /// Stop the app as a crash would (nothing flushed: whatever the worker
    /// held in memory is lost) and start it again on the same file.
    pub fn restart(self, today: NaiveDate) -> Harness {
        let (path, dir) = self.driver.stop();
        Harness::start(path, dir, today)
    }

    /// Press one key (see [`parse_key`]) and settle.
    pub fn key(&mut self, desc: &str) -> &mut Self {
        self.driver.press(parse_key(desc));
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
        self.driver.press_only(key);
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
        self.settle()
    }

    /// A bracketed paste.
    pub fn paste(&mut self, text: &str) -> &mut Self {
        self.driver.paste(text);
        self
    }

    /// Requests waiting for the worker.
    pub fn pending(&self) -> &[Request] {
        &self.driver.pending
    }

    pub fn settle(&mut self) -> &mut Self {
        self.driver.settle();
        self
    }

    /// Like [`Driver::settle`], but calls `frame` after every single
    /// response, the way the real loop may draw between two responses of one
    /// write (the worker sends them one by one; the screen draws whenever
    /// its queue is momentarily empty).
    pub fn settle_frame_by_frame(&mut self, mut frame: impl FnMut(&mut Harness)) -> &mut Self {
        for _ in 0..10_000 {
            let mut progressed = self.driver.send_pending();
            while self.driver.feed_one() {
                progressed = true;
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
        self.driver.worker.flush_drafts();
        self.settle()
    }

    /// What the worker's poll would do: notice other connections' commits.
    pub fn poll_external(&mut self) -> &mut Self {
        self.settle();
        self.driver.worker.poll_external();
        self.settle()
    }

    /// Draw one frame at `w`×`h`; remembers the cursor and hidden cells.
    pub fn render(&mut self, w: u16, h: u16) -> String {
        let s = self.screen(w, h);
        s.text
    }

    pub fn screen(&mut self, w: u16, h: u16) -> Screen {
        let (buffer, cursor) = super::screen::draw(&self.driver.state, &self.theme, w, h);
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
    super::db::open(path)
}

/// The app on the sample data, "today" the day of 第3回.
pub fn started() -> Harness {
    Harness::new(sample_today())
}

/// Minute taking started on the selected meeting (第3回 on the sample).
pub fn minutes() -> Harness {
    let mut h = started();
    h.key("m");
    assert_eq!(h.mode(), Mode::MinutesInput);
    h
}
