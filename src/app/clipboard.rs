//! Copying a citation to the clipboard of the computer the user sits at,
//! even over SSH: OSC 52 (`ESC ] 52 ; c ; BASE64 BEL`), which the terminal
//! emulator turns into a clipboard write. Inside tmux or GNU screen the
//! sequence goes through their DCS passthrough to the outer terminal.
//!
//! The state update only queues an [`Effect`]; the app loop writes the
//! bytes to the terminal after drawing (see `app::run`).

use std::io::{self, Write};

use crossterm::event::{KeyCode, KeyModifiers};

use super::action::Action;
use super::keymap::{Binding, Scope};
pub use super::msg::Effect;
use super::msg::Requests;
use super::panes::minutes;
use super::state::{AppState, Mode, Tab};
use crate::export::citation;

/// `y` copies a citation: of the selected opinion while selecting entries
/// in minute taking, of the selected meeting in the calendar.
pub const BINDINGS: &[Binding] = &[
    Binding {
        scope: Scope::MinutesList,
        code: KeyCode::Char('y'),
        mods: KeyModifiers::NONE,
        action: Action::CopyCitation,
        help: "この意見の引用をコピー（OSC 52）",
        hint: None,
    },
    Binding {
        scope: Scope::Calendar,
        code: KeyCode::Char('y'),
        mods: KeyModifiers::NONE,
        action: Action::CopyCitation,
        help: "この会議の引用をコピー（OSC 52）",
        hint: None,
    },
];

/// Terminals drop longer OSC 52 payloads (xterm's default limit is about
/// 100 000 bytes of base64).
pub const MAX_BASE64: usize = 100_000;

/// How the sequence must be wrapped to reach the outer terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wrap {
    None,
    /// tmux: `ESC P tmux; … ESC \` with every ESC inside doubled.
    Tmux,
    /// GNU screen: `ESC P … ESC \` in pieces of at most 76 bytes (screen
    /// limits the length of one DCS string).
    Screen,
}

impl Wrap {
    /// From `TERM` and whether `TMUX` is set: inside tmux (whose default
    /// TERM is screen-…, and which some set to xterm) tmux's passthrough;
    /// screen… outside tmux, screen's.
    pub fn for_term(term: Option<&str>, in_tmux: bool) -> Wrap {
        match term {
            _ if in_tmux => Wrap::Tmux,
            Some(t) if t.starts_with("tmux") => Wrap::Tmux,
            Some(t) if t.starts_with("screen") => Wrap::Screen,
            _ => Wrap::None,
        }
    }

    pub fn from_env() -> Wrap {
        let term = std::env::var("TERM").ok();
        let in_tmux = std::env::var_os("TMUX").is_some_and(|v| !v.is_empty());
        Wrap::for_term(term.as_deref(), in_tmux)
    }
}

/// Standard base64 (RFC 4648, with padding).
pub fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ABC[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The bytes that put `text` on the clipboard. Control, bidi and
/// zero-width characters of the data go on the clipboard as visible markers
/// (a paste into a shell or an editor must not carry them).
pub fn osc52(text: &str, wrap: Wrap) -> Vec<u8> {
    let payload = base64(crate::sanitize::clean_keep_lines(text).as_bytes());
    match wrap {
        Wrap::None => format!("\x1b]52;c;{payload}\x07").into_bytes(),
        Wrap::Tmux => format!("\x1bPtmux;\x1b\x1b]52;c;{payload}\x07\x1b\\").into_bytes(),
        Wrap::Screen => {
            let mut out = String::from("\x1bP\x1b]52;c;");
            for (i, piece) in payload.as_bytes().chunks(76).enumerate() {
                if i > 0 {
                    out.push_str("\x1b\\\x1bP");
                }
                // Base64 is ASCII: every piece is valid UTF-8.
                out.push_str(std::str::from_utf8(piece).unwrap_or_default());
            }
            out.push_str("\x07\x1b\\");
            out.into_bytes()
        }
    }
}

/// Writes `effect` to the terminal.
pub fn run(effect: &Effect, wrap: Wrap, out: &mut impl Write) -> io::Result<()> {
    match effect {
        Effect::Copy(text) => {
            out.write_all(&osc52(text, wrap))?;
            out.flush()
        }
    }
}

/// The citation of what is selected: the opinion in the minutes list, else
/// the meeting selected in the calendar.
pub fn selected_citation(s: &AppState) -> Option<String> {
    let detail = s.calendar.detail.as_ref()?;
    let m = &detail.meeting;
    let source = citation::Source {
        committee: &m.committee,
        fiscal_year: m.fiscal_year,
        number: m.number,
        date: m.date,
    };
    if s.mode == Mode::MinutesList {
        if s.minutes.as_ref()?.meeting_id != m.id {
            return None;
        }
        let item = minutes::current_item(s)?;
        let entry = minutes::selected_entry(s)?;
        return Some(citation::opinion(source, item.number, &entry.text));
    }
    (s.mode == Mode::Normal && s.tab == Tab::Meetings).then(|| citation::meeting(source))
}

/// `y`: queue the citation for the clipboard.
pub fn copy_citation(s: &mut AppState) -> Requests {
    let Some(text) = selected_citation(s) else {
        let what = if s.mode == Mode::MinutesList {
            "意見"
        } else {
            "会議"
        };
        s.info(format!("引用する{what}を選んでください"));
        return Vec::new();
    };
    if base64(text.as_bytes()).len() > MAX_BASE64 {
        s.error("引用が長すぎてクリップボードに送れません");
        return Vec::new();
    }
    s.effects.push(Effect::Copy(text));
    s.info("引用をコピーしました");
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648() {
        for (plain, enc) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), enc, "{plain}");
        }
        assert_eq!(base64("区政".as_bytes()), "5Yy65pS/");
    }

    #[test]
    fn osc52_bytes_are_exact() {
        assert_eq!(
            osc52("区政", Wrap::None),
            b"\x1b]52;c;5Yy65pS/\x07".to_vec()
        );
        assert_eq!(
            osc52("区政", Wrap::Tmux),
            b"\x1bPtmux;\x1b\x1b]52;c;5Yy65pS/\x07\x1b\\".to_vec()
        );
        assert_eq!(
            osc52("区政", Wrap::Screen),
            b"\x1bP\x1b]52;c;5Yy65pS/\x07\x1b\\".to_vec()
        );
    }

    #[test]
    fn screen_gets_the_payload_in_pieces() {
        let text = "あ".repeat(60); // 180 bytes, 240 of base64
        let bytes = osc52(&text, Wrap::Screen);
        let s = String::from_utf8(bytes).unwrap();
        let payload: String = s
            .trim_start_matches("\x1bP\x1b]52;c;")
            .trim_end_matches("\x07\x1b\\")
            .split("\x1b\\\x1bP")
            .inspect(|piece| assert!(piece.len() <= 76))
            .collect();
        assert_eq!(payload, base64(text.as_bytes()));
    }

    #[test]
    fn wrapping_follows_term() {
        assert_eq!(Wrap::for_term(Some("xterm-256color"), false), Wrap::None);
        assert_eq!(Wrap::for_term(Some("tmux-256color"), true), Wrap::Tmux);
        assert_eq!(Wrap::for_term(Some("screen-256color"), true), Wrap::Tmux);
        assert_eq!(Wrap::for_term(Some("screen"), false), Wrap::Screen);
        assert_eq!(Wrap::for_term(Some("tmux-256color"), false), Wrap::Tmux);
        assert_eq!(Wrap::for_term(Some("xterm"), true), Wrap::Tmux);
        assert_eq!(Wrap::for_term(None, false), Wrap::None);
    }
}
