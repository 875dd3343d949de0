//! The policy pane tests' driver (was `tests/policy_support`): the
//! [`Driver`] on a database holding chosen seed files, "today" 2017-06-21,
//! keys as text with `<Enter>`-style names, and the policy tree read back
//! by row label.
#![allow(dead_code)]

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use kusei::app::panes::policy::view::{self, Row};
use kusei::db::Store;

pub use super::db::{root, store_with, SEED_000, SEED_001, SEED_002, SEED_004};
use super::driver::{date, load_year, wraps_driver, Driver};
pub use super::screen::buffer_text;

pub struct App(Driver);

wraps_driver!(App);

impl App {
    /// The app on a database holding these seeds, on 2017-06-21.
    pub fn with_seeds(files: &[&str]) -> App {
        let (dir, store) = store_with(files);
        App::on(dir, store)
    }

    pub fn on(dir: tempfile::TempDir, store: Store) -> App {
        let path = dir.path().join("kusei.db");
        let first = Some(load_year(None));
        let mut d = Driver::new(store, path, Some(dir), date(2017, 6, 21), first);
        d.settle();
        App(d)
    }

    /// Run every request and apply every response until nothing is left.
    pub fn settle(&mut self) {
        self.0.settle();
    }

    pub fn press(&mut self, key: KeyEvent) {
        self.0.press(key);
    }

    /// Type keys: plain characters, or `<Enter>`, `<Esc>`, `<Space>`,
    /// `<Up>`, `<Down>`, `<Left>`, `<Right>`, `<Tab>`, `<BS>`, `<PgDn>`.
    pub fn keys(&mut self, seq: &str) {
        for k in super::keys::sequence(seq) {
            self.0.press(k);
        }
    }

    /// Type text into whatever input has the focus (one key per character).
    pub fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.press(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
        }
    }

    pub fn screen(&self, w: u16, h: u16) -> String {
        super::screen::text(&self.0.state, w, h)
    }

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
