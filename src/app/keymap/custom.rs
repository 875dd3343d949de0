//! The user's key bindings: `[keymap.SCOPE] action = ["key", …]` entries
//! (and `submit_key`) applied over the defaults. An entry replaces the keys
//! of that action in that scope; a key it takes from another action of the
//! scope moves to the new one. Bad entries are warnings naming their line.

use crossterm::event::{KeyCode, KeyModifiers};
use serde::de::IntoDeserializer;
use serde::Deserialize;

use super::{Binding, Keymap, Scope};
use crate::app::action::Action;
use crate::config::doc::Warning;
pub use crate::config::KeymapEntry;

/// "C-x", "A-x", "S-Tab", "F5", "PgDn", "Enter", "Space", "G", "?" …
/// (also "Ctrl-x", "Alt-x", "Shift-Tab", as help writes them).
pub fn parse_key(desc: &str) -> Result<(KeyCode, KeyModifiers), String> {
    let bad = || {
        format!(
            "キー {desc:?} が読めません（例 \"m\"、\"G\"、\"C-x\"、\"A-x\"、\"S-Tab\"、\"F5\"、\"PgDn\"、\"Enter\"、\"Space\"）"
        )
    };
    let mut mods = KeyModifiers::NONE;
    let mut rest = desc.trim();
    'prefix: loop {
        for (prefix, m) in [
            ("C-", KeyModifiers::CONTROL),
            ("Ctrl-", KeyModifiers::CONTROL),
            ("A-", KeyModifiers::ALT),
            ("M-", KeyModifiers::ALT),
            ("Alt-", KeyModifiers::ALT),
            ("S-", KeyModifiers::SHIFT),
            ("Shift-", KeyModifiers::SHIFT),
        ] {
            if rest.len() > prefix.len() && rest.starts_with(prefix) {
                mods |= m;
                rest = &rest[prefix.len()..];
                continue 'prefix;
            }
        }
        break;
    }
    let named = match rest.to_ascii_lowercase().as_str() {
        "enter" | "return" | "ret" => Some(KeyCode::Enter),
        "esc" | "escape" => Some(KeyCode::Esc),
        "tab" if mods.contains(KeyModifiers::SHIFT) => Some(KeyCode::BackTab),
        "tab" => Some(KeyCode::Tab),
        "backtab" => {
            mods |= KeyModifiers::SHIFT;
            Some(KeyCode::BackTab)
        }
        "space" | "spc" => Some(KeyCode::Char(' ')),
        "bs" | "backspace" => Some(KeyCode::Backspace),
        "del" | "delete" => Some(KeyCode::Delete),
        "ins" | "insert" => Some(KeyCode::Insert),
        "home" => Some(KeyCode::Home),
        "end" => Some(KeyCode::End),
        "up" => Some(KeyCode::Up),
        "down" => Some(KeyCode::Down),
        "left" => Some(KeyCode::Left),
        "right" => Some(KeyCode::Right),
        "pgup" | "pageup" => Some(KeyCode::PageUp),
        "pgdn" | "pagedown" | "pgdown" => Some(KeyCode::PageDown),
        f if f.len() > 1 && f.starts_with('f') => match f[1..].parse::<u8>() {
            Ok(n @ 1..=24) => Some(KeyCode::F(n)),
            _ => None,
        },
        _ => None,
    };
    if let Some(code) = named {
        return Ok((code, mods));
    }
    let mut chars = rest.chars();
    let (Some(c), None) = (chars.next(), chars.next()) else {
        return Err(bad());
    };
    if c.is_control() || c.is_whitespace() {
        return Err(bad());
    }
    let ctrl = mods.contains(KeyModifiers::CONTROL);
    let c = if mods.contains(KeyModifiers::SHIFT) {
        c.to_ascii_uppercase()
    } else if ctrl {
        // Terminals cannot tell Ctrl-T from Ctrl-t.
        c.to_ascii_lowercase()
    } else {
        c
    };
    if c.is_ascii_uppercase() {
        mods |= KeyModifiers::SHIFT;
    }
    Ok((KeyCode::Char(c), mods))
}

/// The action named `name` in snake_case ("start_minutes").
pub fn action_named(name: &str) -> Option<Action> {
    Action::deserialize(name.into_deserializer())
        .map_err(|_: serde::de::value::Error| ())
        .ok()
}

/// The snake_case name of an action.
pub fn action_name(a: Action) -> String {
    serde_json::to_value(a)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// The defaults with `entries` applied, and a warning for each bad part.
pub fn build(entries: &[KeymapEntry]) -> (Keymap, Vec<Warning>) {
    let mut bindings: Vec<Binding> = Keymap::defaults().bindings().to_vec();
    let mut warnings = Vec::new();
    for e in entries {
        let warn = |line: usize, msg: String| Warning {
            file: e.file.clone(),
            line: Some(line),
            key: e.path.clone(),
            message: msg,
        };
        let Some(scope) = Scope::from_name(&e.scope) else {
            let names: Vec<_> = Scope::ALL.iter().map(|s| s.name()).collect();
            warnings.push(warn(
                e.line,
                format!("場面 {:?} はありません（{}）", e.scope, names.join("、")),
            ));
            continue;
        };
        let Some(action) = action_named(&e.action) else {
            warnings.push(warn(
                e.line,
                format!(
                    "操作 {:?} はありません（kusei config --keys で一覧）",
                    e.action
                ),
            ));
            continue;
        };
        let existing: Vec<usize> = (0..bindings.len())
            .filter(|&i| bindings[i].scope == scope && bindings[i].action == action)
            .collect();
        let Some(&first) = existing.first() else {
            warnings.push(warn(
                e.line,
                format!(
                    "操作 {} は{}では使えません（その場面で使える操作は kusei config --keys で一覧）",
                    e.action,
                    scope.title()
                ),
            ));
            continue;
        };
        let hint = existing.iter().find_map(|&i| bindings[i].hint);
        let mut keys: Vec<(KeyCode, KeyModifiers)> = Vec::new();
        for (k, line) in &e.keys {
            match parse_key(k) {
                Ok((code, mods)) if scope.is_typing() && typed(code, mods) => {
                    warnings.push(warn(
                        *line,
                        format!(
                            "{}では文字キー {k:?} は入力に使われます（C-x や F5 などを使ってください）",
                            scope.title()
                        ),
                    ));
                }
                Ok(key) if !keys.contains(&key) => keys.push(key),
                Ok(_) => {}
                Err(msg) => warnings.push(warn(*line, msg)),
            }
        }
        if keys.is_empty() && !e.keys.is_empty() {
            continue; // every key was bad: keep the defaults
        }
        rebind(&mut bindings, (scope, action), first, hint, &keys);
    }
    (Keymap::from_bindings(bindings), warnings)
}

/// Put `keys` in place of the action's default keys in `scope` (the first
/// of which is at `first`), keeping its help text and `hint`.
fn rebind(
    bindings: &mut Vec<Binding>,
    (scope, action): (Scope, Action),
    first: usize,
    hint: Option<&'static str>,
    keys: &[(KeyCode, KeyModifiers)],
) {
    let template = bindings[first];
    let new: Vec<Binding> = keys
        .iter()
        .enumerate()
        .map(|(n, &(code, mods))| Binding {
            code,
            mods,
            hint: if n == 0 { hint } else { None },
            ..template
        })
        .collect();
    // Insert where the action's first key was, so help keeps its order.
    let at = first
        - (0..first)
            .filter(|&i| taken(&bindings[i], scope, action, keys))
            .count();
    bindings.retain(|b| !taken(b, scope, action, keys));
    bindings.splice(at..at, new);
}

/// A binding the entry replaces: the action's own in the scope, or another
/// action's on one of the entry's keys.
fn taken(b: &Binding, scope: Scope, action: Action, keys: &[(KeyCode, KeyModifiers)]) -> bool {
    b.scope == scope
        && (b.action == action
            || keys.iter().any(|&(code, mods)| {
                let probe = crossterm::event::KeyEvent::new(code, mods);
                super::same_key(b, &probe)
            }))
}

/// A key that types a character (no Ctrl or Alt).
fn typed(code: KeyCode, mods: KeyModifiers) -> bool {
    matches!(code, KeyCode::Char(_)) && !mods.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyEvent;

    fn entry(scope: &str, action: &str, keys: &[&str]) -> KeymapEntry {
        // The defaults include the screens' bindings, registered once per
        // process; register before building so that no test sees the
        // table half-made (tests run in parallel threads).
        crate::app::bindings::register();
        KeymapEntry {
            scope: scope.into(),
            action: action.into(),
            keys: keys.iter().map(|k| (k.to_string(), 7)).collect(),
            file: "config.toml".into(),
            line: 7,
            path: format!("keymap.{scope}.{action}"),
        }
    }

    #[test]
    fn key_syntax() {
        let n = KeyModifiers::NONE;
        let c = KeyModifiers::CONTROL;
        let s = KeyModifiers::SHIFT;
        assert_eq!(parse_key("m"), Ok((KeyCode::Char('m'), n)));
        assert_eq!(parse_key("G"), Ok((KeyCode::Char('G'), s)));
        assert_eq!(parse_key("S-g"), Ok((KeyCode::Char('G'), s)));
        assert_eq!(parse_key("C-q"), Ok((KeyCode::Char('q'), c)));
        assert_eq!(parse_key("Ctrl-T"), Ok((KeyCode::Char('t'), c)));
        assert_eq!(
            parse_key("A-b"),
            Ok((KeyCode::Char('b'), KeyModifiers::ALT))
        );
        assert_eq!(parse_key("S-Tab"), Ok((KeyCode::BackTab, s)));
        assert_eq!(parse_key("F5"), Ok((KeyCode::F(5), n)));
        assert_eq!(parse_key("PgDn"), Ok((KeyCode::PageDown, n)));
        assert_eq!(parse_key("Enter"), Ok((KeyCode::Enter, n)));
        assert_eq!(parse_key("Space"), Ok((KeyCode::Char(' '), n)));
        assert_eq!(parse_key("-"), Ok((KeyCode::Char('-'), n)));
        assert_eq!(parse_key("C--"), Ok((KeyCode::Char('-'), c)));
        assert_eq!(parse_key("?"), Ok((KeyCode::Char('?'), n)));
        for bad in ["", "F0", "F99", "Hyper-x", "ab", "C-", "Enterr", " "] {
            assert!(parse_key(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn action_names_round_trip() {
        assert_eq!(action_named("start_minutes"), Some(Action::StartMinutes));
        assert_eq!(action_name(Action::StartMinutes), "start_minutes");
        assert_eq!(action_named("StartMinutes"), None);
    }

    #[test]
    fn an_entry_replaces_the_keys_and_keeps_help_and_hint() {
        let (km, w) = build(&[entry("calendar", "start_minutes", &["F5"])]);
        assert!(w.is_empty(), "{w:?}");
        let f5 = KeyEvent::new(KeyCode::F(5), KeyModifiers::NONE);
        let m = KeyEvent::new(KeyCode::Char('m'), KeyModifiers::NONE);
        assert_eq!(km.lookup(Scope::Calendar, &f5), Some(Action::StartMinutes));
        assert_eq!(km.lookup(Scope::Calendar, &m), None);
        assert!(km
            .help_rows(Scope::Calendar)
            .iter()
            .any(|(k, h)| k == "F5" && *h == "この会議の記録をとる"));
        assert!(km.hints(Scope::Calendar).contains(&("F5".into(), "記録")));
        // Help keeps the action where it was.
        let pos = |km: &Keymap| {
            km.help_rows(Scope::Calendar)
                .iter()
                .position(|(_, h)| *h == "この会議の記録をとる")
        };
        assert_eq!(pos(&km), pos(&Keymap::defaults()));
    }

    #[test]
    fn keys_taken_from_another_action_move() {
        let (km, w) = build(&[
            entry("global", "quit", &["q", "C-q"]),
            entry("calendar", "new_meeting", &["n"]),
        ]);
        assert!(w.is_empty(), "{w:?}");
        let key = |c, m| KeyEvent::new(KeyCode::Char(c), m);
        assert_eq!(
            km.lookup(Scope::Global, &key('q', KeyModifiers::CONTROL)),
            Some(Action::Quit)
        );
        assert_eq!(
            km.lookup(Scope::Global, &key('q', KeyModifiers::NONE)),
            Some(Action::Quit)
        );
        assert_eq!(
            km.lookup(Scope::Calendar, &key('n', KeyModifiers::NONE)),
            Some(Action::NewMeeting)
        );
        assert_eq!(
            km.keys_for(Scope::Calendar, Action::SelectNextMeeting),
            Vec::<String>::new()
        );
    }

    #[test]
    fn bad_entries_are_warnings_and_change_nothing() {
        let (km, w) = build(&[
            entry("calender", "start_minutes", &["F5"]),
            entry("calendar", "start_minutez", &["F5"]),
            entry("calendar", "tree_up", &["F5"]),
            entry("calendar", "start_minutes", &["Hyper-m"]),
            entry("minutes_input", "submit", &["s"]),
        ]);
        assert_eq!(w.len(), 5, "{w:#?}");
        assert!(w.iter().all(|w| w.line == Some(7)));
        assert_eq!(km.bindings(), Keymap::defaults().bindings());
    }
}
