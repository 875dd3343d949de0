//! The search screen tests' driver (was `tests/search_common`): the
//! [`Driver`] on the samples showing 平成29年度, the search service's
//! answers waited for (never slept for), frames with highlights marked.
#![allow(dead_code)]

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use kusei::app::state::AppState;
use kusei::app::worker::Request;
use kusei::db::Store;

use super::driver::{date, load_year, wraps_driver, Driver};
pub use super::keys::ctrl;

pub struct App(Driver);

wraps_driver!(App);

impl App {
    /// The app on a fresh database with the bundled samples, showing 平成29年度.
    pub fn with_samples() -> App {
        let (dir, store) = super::db::sample_store();
        Self::on(store, dir)
    }

    pub fn on(store: Store, dir: tempfile::TempDir) -> App {
        let path = dir.path().join("kusei.db");
        // A day without a meeting: "today" and a meeting day together look
        // like a highlight in the monochrome theme.
        let today = date(2017, 6, 20);
        let mut d = Driver::new(store, path, Some(dir), today, Some(load_year(Some(2017))));
        d.settle();
        App(d)
    }

    /// Run requests (and the requests their answers lead to) to the end.
    pub fn settle(&mut self, pending: Vec<Request>) {
        self.0.run(pending);
    }

    pub fn key(&mut self, code: KeyCode, mods: KeyModifiers) {
        self.0.press(KeyEvent::new(code, mods));
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
        self.0.wait_for(what, done);
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
        self.0.state.search.micros = 0;
        let theme = kusei::ui::Theme::monochrome();
        let (buf, _) = super::screen::draw(&self.0.state, &theme, w, h);
        super::screen::marked_text(&buf)
    }
}

/// Each query's total and top 20 (kind and row id) from `ix`, one line per
/// query: what two indexes are compared by (a patched, mapped or fresh
/// index against a rebuild).
pub fn answers_to(queries: &[&str], ix: &kusei::search::Index, store: &Store) -> Vec<String> {
    queries
        .iter()
        .map(|q| answer_line(&mut kusei::search::Session::new(), ix, store, q))
        .collect()
}

/// [`answers_to`], but every query through one session, in turn (so each
/// may narrow from the one before).
pub fn session_answers(queries: &[&str], ix: &kusei::search::Index, store: &Store) -> Vec<String> {
    let mut session = kusei::search::Session::new();
    queries
        .iter()
        .map(|q| answer_line(&mut session, ix, store, q))
        .collect()
}

/// `query: total kind+id,…` for the top 20 rows of one query.
fn answer_line(
    session: &mut kusei::search::Session,
    ix: &kusei::search::Index,
    store: &Store,
    q: &str,
) -> String {
    use kusei::search::{parse, Cancel};
    let query = parse(q).expect("query");
    let (rows, total) = session
        .search(ix, store.conn(), &query, 20, Cancel::never())
        .expect("search")
        .expect("not cancelled");
    let ids: Vec<String> = rows
        .iter()
        .map(|r| format!("{:?}{}", r.kind, r.id))
        .collect();
    format!("{q}: {total} {}", ids.join(","))
}
