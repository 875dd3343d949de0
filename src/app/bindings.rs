//! Each screen declares its own key bindings (`BINDINGS` next to its keys);
//! the core collects them here and registers them with the keymap, which
//! imports no screen. [`register`] is called before the keymap is first
//! read: by `app::run`, `settings::resolve`, `update::on_key`/`on_paste`
//! and `frame::draw` (cheap after the first call). A new screen adds its
//! `BINDINGS` to [`SCREENS`].

use super::keymap::{self, Binding};
use super::{clipboard, panes};

/// The screens' bindings, in the order help lists them (after the shell's
/// own `keymap::DEFAULT`).
pub const SCREENS: &[&[Binding]] = &[
    panes::attendance::BINDINGS,
    panes::policy::BINDINGS,
    panes::progress::BINDINGS,
    panes::search::BINDINGS,
    panes::import::BINDINGS,
    clipboard::BINDINGS,
    panes::history::BINDINGS,
];

/// Hand the screens' bindings to the keymap (only the first call counts).
pub fn register() {
    keymap::register(SCREENS);
}
