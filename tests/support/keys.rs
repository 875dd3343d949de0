//! Keys as tests write them.
//!
//! [`parse_key`]: one key, "m", "Enter", "Esc", "C-t", "PgDn", "S-G",
//! "S-Tab", "Space", "F5" (the app key tests write them space-separated).
//! [`sequence`]: typed text with named keys in angle brackets, "f団地<Enter>",
//! "<esc>", "<c-r>" (names in any case).
#![allow(dead_code)]

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Prefixes C- (Ctrl), A- (Alt), S- (Shift) combine ("C-S-z"). An upper-case
/// letter gets Shift as terminals report it.
pub fn parse_key(desc: &str) -> KeyEvent {
    let mut mods = KeyModifiers::NONE;
    let mut rest = desc;
    loop {
        let m = match rest.get(..2) {
            Some("C-") => KeyModifiers::CONTROL,
            Some("A-" | "M-") => KeyModifiers::ALT,
            Some("S-") => KeyModifiers::SHIFT,
            _ => break,
        };
        if rest.len() == 2 {
            break; // "C-" alone is not a prefix
        }
        mods |= m;
        rest = &rest[2..];
    }
    let code = match rest {
        "Enter" => KeyCode::Enter,
        "Esc" => KeyCode::Esc,
        "Tab" if mods.contains(KeyModifiers::SHIFT) => KeyCode::BackTab,
        "Tab" => KeyCode::Tab,
        "BackTab" => {
            mods |= KeyModifiers::SHIFT;
            KeyCode::BackTab
        }
        "BS" | "Backspace" => KeyCode::Backspace,
        "Del" | "Delete" => KeyCode::Delete,
        "Up" => KeyCode::Up,
        "Down" => KeyCode::Down,
        "Left" => KeyCode::Left,
        "Right" => KeyCode::Right,
        "PgUp" => KeyCode::PageUp,
        "PgDn" => KeyCode::PageDown,
        "Home" => KeyCode::Home,
        "End" => KeyCode::End,
        "Space" => KeyCode::Char(' '),
        s if s.starts_with('F') && s.len() > 1 && s[1..].parse::<u8>().is_ok() => {
            KeyCode::F(s[1..].parse().unwrap())
        }
        s => {
            let mut chars = s.chars();
            let c = chars.next().unwrap_or_else(|| panic!("empty key {desc:?}"));
            assert!(chars.next().is_none(), "unknown key {desc:?}");
            if c.is_uppercase() {
                mods |= KeyModifiers::SHIFT;
            }
            KeyCode::Char(c)
        }
    };
    KeyEvent::new(code, mods)
}

/// The names [`sequence`] knows, lower-cased, as [`parse_key`] writes them.
const NAMED: &[(&str, &str)] = &[
    ("enter", "Enter"),
    ("esc", "Esc"),
    ("space", "Space"),
    ("up", "Up"),
    ("down", "Down"),
    ("left", "Left"),
    ("right", "Right"),
    ("tab", "Tab"),
    ("bs", "BS"),
    ("pgup", "PgUp"),
    ("pgdn", "PgDn"),
    ("home", "Home"),
    ("end", "End"),
    ("c-r", "C-r"),
];

/// Plain characters (an upper-case ASCII letter with Shift) and named keys
/// in angle brackets. A `<` not followed by a letter is typed as itself.
pub fn sequence(seq: &str) -> Vec<KeyEvent> {
    let mut keys = Vec::new();
    let mut rest = seq;
    while let Some(c) = rest.chars().next() {
        let named = rest[c.len_utf8()..].starts_with(|n: char| n.is_ascii_alphabetic());
        if let (true, true, Some(end)) = (c == '<', named, rest.find('>')) {
            let name = rest[1..end].to_ascii_lowercase();
            let Some((_, desc)) = NAMED.iter().find(|(n, _)| *n == name) else {
                panic!("unknown key <{name}>");
            };
            keys.push(parse_key(desc));
            rest = &rest[end + 1..];
            continue;
        }
        rest = &rest[c.len_utf8()..];
        keys.push(char_key(c));
    }
    keys
}

/// A character as a plain key press (Shift for upper-case ASCII).
pub fn char_key(c: char) -> KeyEvent {
    let mods = if c.is_ascii_uppercase() {
        KeyModifiers::SHIFT
    } else {
        KeyModifiers::NONE
    };
    KeyEvent::new(KeyCode::Char(c), mods)
}

pub fn ctrl(c: char) -> (KeyCode, KeyModifiers) {
    (KeyCode::Char(c), KeyModifiers::CONTROL)
}
