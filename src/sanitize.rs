//! One sanitiser for everything kusei prints: the app's screen, every CLI
//! command's stdout and stderr (on a terminal and piped), `--json`, and the
//! OSC 52 clipboard payload.
//!
//! Text comes from keys, pastes, imported pages and database rows written by
//! other tools. C0 and C1 control characters (ESC above all), DEL, the
//! bidirectional overrides and isolates, and zero-width/format characters
//! that hide or reorder text would let a row move the cursor, retitle the
//! window, overwrite the clipboard or show something other than what is
//! stored. For display they become visible markers such as `⟨U+202E⟩`; in
//! JSON they become `\uXXXX` escapes (the same data, nothing raw). The
//! stored text is never changed.

use std::borrow::Cow;

/// Characters that must never be written to a terminal as they are.
pub fn is_hostile(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        // bidi overrides, embeddings, isolates and marks
        | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        | '\u{200e}' | '\u{200f}' | '\u{61c}'
        // zero-width and invisible format characters that hide text
        | '\u{200b}'..='\u{200d}' | '\u{2060}'..='\u{2064}' | '\u{feff}'
        | '\u{180e}' | '\u{2028}' | '\u{2029}' | '\u{fff9}'..='\u{fffb}'
        // tag characters (invisible ASCII look-alikes)
        | '\u{e0000}'..='\u{e007f}')
}

fn marker(c: char) -> String {
    format!("⟨U+{:04X}⟩", c as u32)
}

/// `s` with every hostile character shown as `⟨U+XXXX⟩` (tabs and newlines
/// become spaces: one record stays one line).
pub fn clean(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| is_hostile(c) || c == '\t' || c == '\n') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '\t' | '\n' => out.push(' '),
            c if is_hostile(c) => out.push_str(&marker(c)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Like [`clean`], keeping newlines and tabs (for messages and documents
/// printed on stdout/stderr).
pub fn clean_keep_lines(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_hostile) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if is_hostile(c) {
            out.push_str(&marker(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Like [`clean_keep_lines`] for documents with CRLF line ends (iCalendar,
/// CSV): a CR before a newline is a line end and stays; any other CR is
/// shown as a marker.
pub fn clean_document(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| is_hostile(c) && c != '\r') && !s.replace("\r\n", "").contains('\r') {
        return Cow::Borrowed(s);
    }
    let parts: Vec<String> = s
        .split("\r\n")
        .map(|line| clean_keep_lines(line).into_owned())
        .collect();
    Cow::Owned(parts.join("\r\n"))
}

/// JSON text (as serde_json writes it, which escapes C0 but not DEL, C1,
/// bidi or zero-width characters) with every hostile character written as a
/// `\uXXXX` escape. Such characters can only stand inside string literals,
/// so the document means exactly the same; it just carries nothing raw.
pub fn json(s: String) -> String {
    if !s.chars().any(is_hostile) {
        return s;
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if is_hostile(c) {
            let mut buf = [0u16; 2];
            for unit in c.encode_utf16(&mut buf) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Bytes in an encoding other than UTF-8 (Shift_JIS exports) made safe for
/// a terminal: C0 controls but newline, tab and CR, and DEL, become `?`.
/// Shift_JIS and EUC-JP never use these bytes inside a character.
pub fn bytes_for_terminal(bytes: Vec<u8>) -> Vec<u8> {
    bytes
        .into_iter()
        .map(|b| match b {
            b'\n' | b'\t' | b'\r' => b,
            0..=0x1f | 0x7f => b'?',
            b => b,
        })
        .collect()
}

/// `println!` through [`clean_keep_lines`]: for CLI messages that may quote
/// data (titles, paths, file contents). Record fields should be passed
/// through [`clean`] first so that one record stays one line.
#[macro_export]
macro_rules! outln {
    ($($t:tt)*) => {
        println!("{}", $crate::sanitize::clean_keep_lines(&format!($($t)*)))
    };
}

/// `eprintln!` through [`clean_keep_lines`].
#[macro_export]
macro_rules! errln {
    ($($t:tt)*) => {
        eprintln!("{}", $crate::sanitize::clean_keep_lines(&format!($($t)*)))
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_and_bidi_overrides_become_markers() {
        assert_eq!(clean("区長\u{1b}[2J"), "区長⟨U+001B⟩[2J");
        assert_eq!(clean("a\u{202e}cba"), "a⟨U+202E⟩cba");
        assert_eq!(clean("\u{9b}31m"), "⟨U+009B⟩31m");
        assert_eq!(clean("一\n二\t三"), "一 二 三");
        assert_eq!(clean("見\u{200b}えない"), "見⟨U+200B⟩えない");
        assert!(matches!(clean("ふつうの文"), Cow::Borrowed(_)));
        assert_eq!(clean_keep_lines("一\n\u{7}二"), "一\n⟨U+0007⟩二");
        assert_eq!(clean_keep_lines("一\r二"), "一⟨U+000D⟩二");
        assert_eq!(
            clean_document("A\r\nB\rC\u{1b}\r\n"),
            "A\r\nB⟨U+000D⟩C⟨U+001B⟩\r\n"
        );
        assert!(matches!(clean_document("A\r\nB\r\n"), Cow::Borrowed(_)));
    }

    #[test]
    fn markers_are_narrow_and_not_ambiguous() {
        use unicode_width::UnicodeWidthStr;
        assert_eq!(UnicodeWidthStr::width("⟨U+202E⟩"), 8);
        assert_eq!(UnicodeWidthStr::width_cjk("⟨U+202E⟩"), 8);
    }

    #[test]
    fn json_escapes_keep_the_same_data() {
        let text = "a\u{1b}]0;x\u{7}\u{9b}\u{202e}\u{200b}\u{7f}\u{e0041}z";
        let doc = json(serde_json::to_string(&serde_json::json!({ "t": text })).unwrap());
        assert!(doc.is_ascii(), "{doc}");
        assert!(!doc.bytes().any(|b| b < 0x20 || b == 0x7f));
        let back: serde_json::Value = serde_json::from_str(&doc).unwrap();
        assert_eq!(back["t"], text);
    }

    #[test]
    fn terminal_bytes_keep_lines() {
        assert_eq!(
            bytes_for_terminal(b"a\x1b[2J\nb\x7f".to_vec()),
            b"a?[2J\nb?"
        );
    }
}

#[cfg(test)]
mod props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn nothing_hostile_survives(s in "\\PC*|[\\x00-\\x{a0}\\x{2000}-\\x{2070}]*") {
            prop_assert!(!clean(&s).chars().any(|c| is_hostile(c) || c == '\n'));
            prop_assert!(!clean_keep_lines(&s).chars().any(is_hostile));
            let doc = json(serde_json::to_string(&s).unwrap());
            prop_assert!(!doc.chars().any(is_hostile));
            let back: String = serde_json::from_str(&doc).unwrap();
            prop_assert_eq!(back, s);
        }
    }
}
