//! The attendance tests' driver (was `tests/attendance_harness`): the
//! [`Driver`] with the samples (or what `setup` writes), "today"
//! 2017-06-21, keys as text with `<esc>`-style names.
#![allow(dead_code)]

use crossterm::event::KeyEvent;
use kusei::app::worker::Request;
use kusei::db::Store;

use super::driver::{date, load_year, wraps_driver, Driver};

pub struct App(Driver);

wraps_driver!(App);

impl App {
    /// The samples loaded, "today" 2017-06-21, the calendar's first load done.
    pub fn with_samples() -> App {
        Self::with(|store| {
            kusei::sample::load(store).expect("samples");
        })
    }

    /// A database prepared by `setup`.
    pub fn with(setup: impl FnOnce(&mut Store)) -> App {
        let mut d = Driver::fresh(date(2017, 6, 21), Some(load_year(None)), setup);
        d.settle();
        App(d)
    }

    /// Handle requests and the responses they bring until none are left.
    pub fn run(&mut self, pending: Vec<Request>) {
        self.0.run(pending);
    }

    pub fn press(&mut self, key: KeyEvent) {
        self.0.press(key);
    }

    /// Keys as text: plain characters, and `<esc>`, `<enter>`, `<space>`,
    /// `<up>`, `<down>`, `<left>`, `<right>`, `<pgup>`, `<pgdn>`, `<home>`,
    /// `<end>`, `<bs>`, `<c-r>` (Ctrl-R).
    pub fn keys(&mut self, keys: &str) {
        for k in super::keys::sequence(keys) {
            self.0.press(k);
        }
    }

    pub fn paste(&mut self, text: &str) {
        self.0.paste(text);
    }

    /// The screen as text, one line per row (wide characters once).
    pub fn screen(&self, width: u16, height: u16) -> String {
        super::screen::text(&self.0.state, width, height)
    }
}
