//! The key table in use: the defaults plus the user's `[keymap]`.
//!
//! One table per process, installed once at start ([`install`]) and read
//! through [`current`] by `keymap::lookup`, `help_rows` and `hints`. A
//! global rather than a field of `AppState`: the bindings are fixed for the
//! life of the process like the terminal they suit, and every pane's key
//! handler (and the help and hint drawing) keeps calling the same three
//! functions without a keymap threaded through each of them. Until
//! something is installed, the defaults are used, so tests that do not
//! care see the shipped keys; a test that rebinds runs in its own binary.

use std::sync::OnceLock;

use crossterm::event::KeyEvent;

use super::{all, key_label, registered, same_key, Binding, Scope};
use crate::app::action::Action;

#[derive(Debug, Clone)]
pub struct Keymap {
    bindings: Vec<Binding>,
}

static KEYMAP: OnceLock<Keymap> = OnceLock::new();

/// Use `keymap` from now on. Only the first call counts; a later one gets
/// its keymap back.
pub fn install(keymap: Keymap) -> Result<(), Keymap> {
    KEYMAP.set(keymap)
}

/// The keymap in use (the defaults until one is installed).
pub fn current() -> &'static Keymap {
    if let Some(k) = KEYMAP.get() {
        return k;
    }
    if !registered() {
        // Read before the core registered the screens' bindings (a test
        // that drives one piece alone): the shell's own, not kept.
        static UNREGISTERED: OnceLock<Keymap> = OnceLock::new();
        return UNREGISTERED.get_or_init(Keymap::defaults);
    }
    KEYMAP.get_or_init(Keymap::defaults)
}

impl Default for Keymap {
    fn default() -> Self {
        Keymap::defaults()
    }
}

impl Keymap {
    /// The shipped bindings, unchanged.
    pub fn defaults() -> Keymap {
        Keymap {
            bindings: all().copied().collect(),
        }
    }

    pub(super) fn from_bindings(bindings: Vec<Binding>) -> Keymap {
        Keymap { bindings }
    }

    pub fn bindings(&self) -> &[Binding] {
        &self.bindings
    }

    pub fn lookup(&self, scope: Scope, key: &KeyEvent) -> Option<Action> {
        self.bindings
            .iter()
            .find(|b| b.scope == scope && same_key(b, key))
            .map(|b| b.action)
    }

    /// The keys of `action` in `scope`, as help shows them.
    pub fn keys_for(&self, scope: Scope, action: Action) -> Vec<String> {
        self.bindings
            .iter()
            .filter(|b| b.scope == scope && b.action == action)
            .map(|b| key_label(b.code, b.mods))
            .collect()
    }

    /// (keys, help) rows for a scope, keys of the same action joined.
    pub fn help_rows(&self, scope: Scope) -> Vec<(String, &'static str)> {
        let mut rows: Vec<(Action, Vec<String>, &'static str)> = Vec::new();
        for b in self.bindings.iter().filter(|b| b.scope == scope) {
            let label = key_label(b.code, b.mods);
            match rows.iter_mut().find(|r| r.0 == b.action) {
                Some(r) => r.1.push(label),
                None => rows.push((b.action, vec![label], b.help)),
            }
        }
        rows.into_iter().map(|(_, k, h)| (k.join(" "), h)).collect()
    }

    /// Status-line hints for a scope: "m 記録  a 新規 …".
    pub fn hints(&self, scope: Scope) -> Vec<(String, &'static str)> {
        self.bindings
            .iter()
            .filter(|b| b.scope == scope)
            .filter_map(|b| b.hint.map(|h| (key_label(b.code, b.mods), h)))
            .collect()
    }
}
