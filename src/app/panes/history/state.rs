//! What the history overlay holds: plain data, read by its keys and its
//! drawing.

use crate::db::history::{History, Locator};

#[derive(Debug, Clone, Default)]
pub struct State {
    /// The overlay is shown and has the keys.
    pub open: bool,
    /// Asked for, not answered yet.
    pub loading: bool,
    /// What the history is of ("意見「…」").
    pub title: String,
    /// Where it was loaded from (to load it again after a restore).
    pub at: Option<Locator>,
    pub history: Option<History>,
    /// Index into `history.versions`.
    pub cursor: usize,
    /// Lines of the selected version's detail scrolled away.
    pub scroll: u16,
    /// "Restore this version?" is being asked.
    pub confirming: bool,
    /// Titles opened before this one (`p` went to the parent): Esc goes
    /// back to them.
    pub back: Vec<(Locator, String)>,
}

impl State {
    pub fn selected(&self) -> Option<&crate::db::history::Version> {
        self.history.as_ref()?.versions.get(self.cursor)
    }
}
