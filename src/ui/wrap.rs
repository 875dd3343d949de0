//! Wrapping styled lines by display width at character boundaries.
//!
//! ratatui's own wrapping breaks at spaces, which Japanese text does not
//! have, so labels end up alone on a row and long sentences are cut at odd
//! places. Here every row is filled to the width, wide characters are never
//! split, and continuation rows get a hanging indent so a bullet's text lines
//! up under itself.

use ratatui::text::{Line, Span};
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthChar;

use crate::widget::width::{cluster_width, display_cluster};

/// Wrap `line` into rows of at most `width` columns; rows after the first
/// start with `indent` spaces.
pub fn wrap_line<'a>(line: &Line<'a>, width: usize, indent: usize) -> Vec<Line<'a>> {
    let width = width.max(2);
    let indent = indent.min(width / 2);
    let mut rows: Vec<Line<'a>> = Vec::new();
    let mut current: Vec<Span<'a>> = Vec::new();
    let mut used = 0usize;
    for span in &line.spans {
        let mut chunk = String::new();
        let content = super::sanitize::clean(&span.content);
        for g in content.graphemes(true) {
            let w = cluster_width(g);
            if used + w > width && used > indent_of(&rows, indent) {
                // 禁則: a row does not start with 、。・）」 and the like;
                // the character before it moves down with it.
                let carried = if no_line_start(g) {
                    take_last_grapheme(&mut chunk)
                } else {
                    None
                };
                if !chunk.is_empty() {
                    current.push(Span::styled(std::mem::take(&mut chunk), span.style));
                }
                rows.push(Line::from(std::mem::take(&mut current)).style(line.style));
                current.push(Span::raw(" ".repeat(indent)));
                used = indent;
                if let Some(c) = carried {
                    used += cluster_width(&c);
                    chunk.push_str(&c);
                }
            }
            chunk.push_str(&display_cluster(g));
            used += w;
        }
        if !chunk.is_empty() {
            current.push(Span::styled(chunk, span.style));
        }
    }
    rows.push(Line::from(current).style(line.style));
    rows
}

/// Characters that may not begin a row (行頭禁則).
fn no_line_start(g: &str) -> bool {
    g.chars().next().is_some_and(|c| {
        "、。，．・：；？！）」』】〕〉》ーぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ々…‥,.)]}:;!?"
            .contains(c)
    })
}

/// Remove and return the last grapheme of `s` (None when it is the only
/// one: a row is never left empty).
fn take_last_grapheme(s: &mut String) -> Option<String> {
    let (i, g) = s.grapheme_indices(true).next_back()?;
    if i == 0 {
        return None;
    }
    let g = g.to_string();
    s.truncate(i);
    Some(g)
}

/// Columns already taken by the indent on the row being filled.
fn indent_of(rows: &[Line], indent: usize) -> usize {
    if rows.is_empty() {
        0
    } else {
        indent
    }
}

/// Wrap every line; `indent_for` gives each line's hanging indent.
pub fn wrap_lines<'a>(
    lines: Vec<Line<'a>>,
    width: usize,
    indent_for: impl Fn(&Line) -> usize,
) -> Vec<Line<'a>> {
    lines
        .iter()
        .flat_map(|l| wrap_line(l, width, indent_for(l)))
        .collect()
}

/// The display width of a line's leading spaces and bullet ("  ・" → 4),
/// with the markers of either glyph set ("+  - " → 5 in ASCII).
pub fn bullet_indent(line: &Line) -> usize {
    let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
    let mut cols = 0;
    let mut chars = text.chars().peekable();
    while let Some(ch) = chars.next() {
        let marker = crate::config::glyphs::ALL
            .iter()
            .any(|g| g.is_marker_char(ch));
        match ch {
            ' ' => cols += 1,
            // An ASCII marker only when a space follows: "-5%" is text.
            '-' | '+' if marker && chars.peek().is_some_and(|c| *c != ' ') => break,
            _ if marker => cols += ch.width().unwrap_or(1),
            _ => break,
        }
    }
    cols
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(l: &Line) -> String {
        l.spans.iter().map(|s| s.content.as_ref()).collect()
    }

    #[test]
    fn japanese_wraps_at_characters_with_a_hanging_indent() {
        let l = Line::from(vec![
            Span::raw("  ・"),
            Span::raw("区役所の関係課が専門性を持ち寄る"),
        ]);
        let rows = wrap_line(&l, 20, 4);
        let rows: Vec<String> = rows.iter().map(text).collect();
        assert_eq!(rows[0], "  ・区役所の関係課が");
        assert_eq!(rows[1], "    専門性を持ち寄る");
        for r in &rows {
            assert!(unicode_width::UnicodeWidthStr::width(r.as_str()) <= 20);
        }
    }

    #[test]
    fn a_wide_char_is_never_split_at_an_odd_width() {
        let l = Line::from("あいうえお");
        let rows: Vec<String> = wrap_line(&l, 5, 0).iter().map(text).collect();
        assert_eq!(rows, ["あい", "うえ", "お"]);
    }

    #[test]
    fn labels_stay_with_their_text() {
        let l = Line::from(vec![
            Span::raw("日時 "),
            Span::raw("平成29年4月20日(木曜日)午後1時00分から2時30分"),
        ]);
        let rows: Vec<String> = wrap_line(&l, 30, 0).iter().map(text).collect();
        assert!(rows[0].starts_with("日時 平成29年"));
    }

    #[test]
    fn halfwidth_voiced_katakana_keep_their_terminal_width() {
        // ｸﾞ is two columns in a terminal, the mark in a cell of its own
        // (a stand-in until the frame is finished); never recomposed to グ.
        let rows: Vec<String> = wrap_line(&Line::from("ｸﾞﾙｰﾌﾟ会議"), 6, 0)
            .iter()
            .map(text)
            .collect();
        assert_eq!(rows, ["ｸ\u{FDD0}ﾙｰﾌ\u{FDD1}", "会議"]);
    }

    #[test]
    fn a_row_does_not_start_with_a_comma_or_a_middle_dot() {
        let rows: Vec<String> = wrap_line(&Line::from("総務課長、税務課長"), 8, 0)
            .iter()
            .map(text)
            .collect();
        assert_eq!(rows, ["総務課", "長、税務", "課長"]);
        let rows: Vec<String> = wrap_line(&Line::from("高齢・障害"), 4, 0)
            .iter()
            .map(text)
            .collect();
        assert_eq!(rows, ["高", "齢・", "障害"]);
    }

    #[test]
    fn bullet_indents() {
        assert_eq!(bullet_indent(&Line::from("  ・意見")), 4);
        assert_eq!(bullet_indent(&Line::from("(1) 議題")), 0);
        assert_eq!(bullet_indent(&Line::from("+  - 意見")), 5);
        assert_eq!(bullet_indent(&Line::from("  -5%の削減")), 2);
    }
}
