//! Which key does what, per scope. The same table handles the keys and
//! writes the help overlay and the status-line hints, so they never disagree.
//! Defaults work over plain SSH: no key needs the kitty keyboard protocol.
//!
//! The defaults below (and each pane's `BINDINGS`) are the starting point;
//! the table in use is a [`Keymap`] built from them and the user's
//! `[keymap]` entries (see [`custom`]), installed once at start.

pub mod custom;
mod defaults;
mod table;

use std::sync::OnceLock;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::Action;
pub use custom::{parse_key, KeymapEntry};
pub use defaults::DEFAULT;
pub use table::{current, install, Keymap};

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Everywhere except while typing.
    Global,
    Calendar,
    MinutesInput,
    MinutesList,
    Prompt,
    Attendance,
    Policy,
    Progress,
    Search,
    /// The import overlay (path, preview).
    Import,
}

impl Scope {
    pub const ALL: [Scope; 10] = [
        Scope::Global,
        Scope::Calendar,
        Scope::MinutesInput,
        Scope::MinutesList,
        Scope::Prompt,
        Scope::Attendance,
        Scope::Policy,
        Scope::Progress,
        Scope::Search,
        Scope::Import,
    ];

    /// The scope's name in config.toml (`[keymap.calendar]`).
    pub fn name(self) -> &'static str {
        match self {
            Scope::Global => "global",
            Scope::Calendar => "calendar",
            Scope::MinutesInput => "minutes_input",
            Scope::MinutesList => "minutes_list",
            Scope::Prompt => "prompt",
            Scope::Attendance => "attendance",
            Scope::Policy => "policy",
            Scope::Progress => "progress",
            Scope::Search => "search",
            Scope::Import => "import",
        }
    }

    pub fn from_name(name: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|s| s.name() == name)
    }

    /// Scopes where plain characters are text being typed.
    pub fn is_typing(self) -> bool {
        matches!(self, Scope::MinutesInput | Scope::Prompt | Scope::Search)
    }

    pub fn title(self) -> &'static str {
        match self {
            Scope::Global => "全体",
            Scope::Calendar => "会議カレンダー",
            Scope::MinutesInput => "記録（入力中）",
            Scope::MinutesList => "記録（項目の選択）",
            Scope::Prompt => "入力欄",
            Scope::Attendance => "出席マトリクス",
            Scope::Policy => "運営方針",
            Scope::Progress => "進捗",
            Scope::Search => "検索",
            Scope::Import => "ファイルの読み込み",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Binding {
    pub scope: Scope,
    pub code: KeyCode,
    pub mods: KeyModifiers,
    pub action: Action,
    /// Shown in help (Japanese).
    pub help: &'static str,
    /// Shown in the status-line hints when set.
    pub hint: Option<&'static str>,
}

/// A binding, for the tables here and in each pane.
pub const fn binding(
    scope: Scope,
    code: KeyCode,
    mods: KeyModifiers,
    action: Action,
    help: &'static str,
    hint: Option<&'static str>,
) -> Binding {
    Binding {
        scope,
        code,
        mods,
        action,
        help,
        hint,
    }
}

use KeyCode::*;

/// Normalise what terminals send: Shift is implied by an upper-case char.
pub(crate) fn same_key(binding: &Binding, key: &KeyEvent) -> bool {
    if binding.code != key.code {
        return false;
    }
    let mut mods = key.modifiers;
    if matches!(key.code, Char(c) if !c.is_ascii_lowercase()) || key.code == BackTab {
        mods.remove(KeyModifiers::SHIFT);
    }
    let mut want = binding.mods;
    want.remove(KeyModifiers::SHIFT);
    mods == want
}

static SCREENS: OnceLock<&'static [&'static [Binding]]> = OnceLock::new();

/// The screens' own bindings, collected by the core
/// (`app/bindings.rs`); only the first call counts.
pub fn register(screens: &'static [&'static [Binding]]) {
    let _ = SCREENS.set(screens);
}

/// Whether the screens' bindings are registered yet.
pub fn registered() -> bool {
    SCREENS.get().is_some()
}

/// Every default binding: the shell's and each registered screen's own
/// (before the user's `[keymap]`; [`current`] is the table in use).
pub fn all() -> impl Iterator<Item = &'static Binding> {
    let screens: &'static [&'static [Binding]] = SCREENS.get().copied().unwrap_or(&[]);
    DEFAULT.iter().chain(screens.iter().flat_map(|s| s.iter()))
}

/// What `key` does in `scope`, by the keymap in use.
pub fn lookup(scope: Scope, key: &KeyEvent) -> Option<Action> {
    current().lookup(scope, key)
}

/// A key as help shows it: "Ctrl-T", "PgDn", "G".
pub fn key_label(code: KeyCode, mods: KeyModifiers) -> String {
    let base = match code {
        Char(' ') => "Space".to_string(),
        Char(c) => c.to_string(),
        Enter => "Enter".into(),
        Esc => "Esc".into(),
        Tab => "Tab".into(),
        BackTab => "Shift-Tab".into(),
        // Arrows are East Asian ambiguous-width: spell them out.
        Left => "Left".into(),
        Right => "Right".into(),
        Up => "Up".into(),
        Down => "Down".into(),
        PageUp => "PgUp".into(),
        PageDown => "PgDn".into(),
        Home => "Home".into(),
        End => "End".into(),
        Delete => "Del".into(),
        Backspace => "BS".into(),
        F(n) => format!("F{n}"),
        other => format!("{other:?}"),
    };
    if mods.contains(KeyModifiers::CONTROL) {
        format!("Ctrl-{}", base.to_uppercase())
    } else if mods.contains(KeyModifiers::ALT) {
        format!("Alt-{base}")
    } else if mods.contains(KeyModifiers::SHIFT) && !matches!(code, Char(_) | BackTab) {
        format!("Shift-{base}")
    } else {
        base
    }
}

/// (keys, help) rows for a scope, keys of the same action joined, by the
/// keymap in use.
pub fn help_rows(scope: Scope) -> Vec<(String, &'static str)> {
    current().help_rows(scope)
}

/// Status-line hints for a scope: "m 記録  a 新規 …", by the keymap in use.
pub fn hints(scope: Scope) -> Vec<(String, &'static str)> {
    current().hints(scope)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_key_is_bound_twice_in_one_scope() {
        crate::app::bindings::register();
        let all: Vec<&Binding> = all().collect();
        for (i, a) in all.iter().enumerate() {
            for b in &all[i + 1..] {
                assert!(
                    !(a.scope == b.scope && a.code == b.code && a.mods == b.mods),
                    "{:?} {:?} bound twice",
                    a.scope,
                    a.code
                );
            }
        }
    }

    #[test]
    fn upper_case_letters_match_with_or_without_shift() {
        let with = KeyEvent::new(Char('G'), KeyModifiers::SHIFT);
        let without = KeyEvent::new(Char('G'), KeyModifiers::NONE);
        assert_eq!(lookup(Scope::Calendar, &with), Some(Action::LastMeeting));
        assert_eq!(lookup(Scope::Calendar, &without), Some(Action::LastMeeting));
        assert_eq!(
            lookup(
                Scope::Global,
                &KeyEvent::new(Char('?'), KeyModifiers::SHIFT)
            ),
            Some(Action::Help)
        );
    }

    #[test]
    fn help_comes_from_the_bindings() {
        let rows = help_rows(Scope::Calendar);
        assert!(rows.iter().any(|(k, h)| k == "Left h" && *h == "前の日"));
    }
}
