//! The progress pane tests' driver (was `tests/progress_harness`): the
//! [`Driver`] with the samples and what `setup` adds, on the progress tab;
//! helpers that record a 宿題 and read a progress row back.
#![allow(dead_code)]

use chrono::NaiveDate;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use kusei::app::worker::Request;
use kusei::db::Store;

pub use super::driver::date;
use super::driver::{wraps_driver, Driver};
pub use super::screen::buffer_text;

pub struct Harness(Driver);

wraps_driver!(Harness);

impl Harness {
    /// The samples loaded, `setup` run on the store, the app on the
    /// progress tab with `today` as today.
    pub fn new(today: NaiveDate, setup: impl FnOnce(&mut Store)) -> Self {
        let d = Driver::fresh(today, None, |store| {
            kusei::sample::load(store).expect("samples");
            setup(store);
        });
        let mut h = Harness(d);
        h.key(KeyCode::Char('4'));
        h
    }

    /// Run requests and responses until nothing is left.
    pub fn run(&mut self, pending: Vec<Request>) {
        self.0.run(pending);
    }

    pub fn press(&mut self, code: KeyCode, mods: KeyModifiers) {
        self.0.press(KeyEvent::new(code, mods));
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
        self.0.worker.poll_external();
        self.run(Vec::new());
    }

    pub fn screen(&self, w: u16, h: u16) -> String {
        super::screen::text(&self.0.state, w, h)
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
