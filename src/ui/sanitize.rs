//! Hostile and odd text never reaches the terminal.
//!
//! Text comes from keys, pastes, imported pages and database rows written by
//! other tools. C0 and C1 control characters (ESC above all), DEL and the
//! bidirectional overrides and isolates would let a row move the cursor,
//! retitle the window or reverse what the screen shows. For display they
//! become visible markers such as `⟨U+202E⟩`; the stored text is untouched.

use std::borrow::Cow;

/// Characters that must never be written to the terminal as they are.
pub fn is_hostile(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        | '\u{200e}' | '\u{200f}' | '\u{61c}')
}

/// `s` with every hostile character shown as `⟨U+XXXX⟩` (tabs and newlines
/// become spaces: one display line stays one line).
pub fn clean(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| is_hostile(c) || c == '\t' || c == '\n') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '\t' | '\n' => out.push(' '),
            c if is_hostile(c) => out.push_str(&format!("⟨U+{:04X}⟩", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Like [`clean`], keeping newlines (for text printed on stdout/stderr).
pub fn clean_keep_lines(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_hostile) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| {
                if is_hostile(c) {
                    format!("⟨U+{:04X}⟩", c as u32)
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

/// The last line of defence, run over every frame before it is written:
/// any cell still holding a hostile character is blanked to `?`.
pub fn scrub_buffer(buf: &mut ratatui::buffer::Buffer) {
    for cell in buf.content.iter_mut() {
        if cell.symbol().chars().any(is_hostile) {
            cell.set_symbol("?");
        }
    }
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
        assert!(matches!(clean("ふつうの文"), Cow::Borrowed(_)));
        assert_eq!(clean_keep_lines("一\n\u{7}二"), "一\n⟨U+0007⟩二");
    }

    #[test]
    fn markers_are_narrow_and_not_ambiguous() {
        use unicode_width::UnicodeWidthStr;
        assert_eq!(UnicodeWidthStr::width("⟨U+202E⟩"), 8);
        assert_eq!(UnicodeWidthStr::width_cjk("⟨U+202E⟩"), 8);
    }
}
