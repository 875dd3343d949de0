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

/// How many characters at most move down to the next row to keep a 禁則
/// character off the start of a row (past that it cannot be helped).
const MAX_CARRY: usize = 4;

/// Wrap `line` into rows of at most `width` columns; rows after the first
/// start with `indent` spaces. 禁則 (JIS X 4051): no row starts with a
/// character of [`NO_LINE_START`] and none ends with an opening bracket of
/// [`NO_LINE_END`]; the characters before such a break move down with it
/// (up to [`MAX_CARRY`], and never leaving a row empty).
pub fn wrap_line<'a>(line: &Line<'a>, width: usize, indent: usize) -> Vec<Line<'a>> {
    let width = width.max(2);
    // A wide character must still fit after the indent.
    let indent = indent.min(width / 2).min(width - 2);
    let cells = cells_of(line);
    let mut rows: Vec<(usize, usize)> = Vec::new();
    let (mut start, mut used) = (0usize, 0usize);
    for (i, cell) in cells.iter().enumerate() {
        let w = cell.1;
        while used + w > width && i > start {
            let mut at = break_at(&cells, start, i);
            // 禁則 carries characters down, but never past the width: a row
            // that would not fit (its indent included) breaks where it fits.
            let prefix = if start > 0 { indent } else { 0 };
            while at > start + 1
                && prefix + cells[start..at].iter().map(|c| c.1).sum::<usize>() > width
            {
                at -= 1;
            }
            rows.push((start, at));
            start = at;
            used = indent + cells[at..i].iter().map(|c| c.1).sum::<usize>();
            if at == i {
                break;
            }
        }
        used += w;
    }
    rows.push((start, cells.len()));
    rows.into_iter()
        .enumerate()
        .map(|(k, (a, b))| {
            let mut spans: Vec<Span<'a>> = Vec::new();
            let indented = k > 0 && indent > 0;
            if indented {
                spans.push(Span::raw(" ".repeat(indent)));
            }
            for (text, _, style) in &cells[a..b] {
                let joins = spans.len() > usize::from(indented)
                    && spans.last().is_some_and(|l| l.style == *style);
                match spans.last_mut() {
                    Some(l) if joins => l.content.to_mut().push_str(text),
                    _ => spans.push(Span::styled(text.clone(), *style)),
                }
            }
            Line::from(spans).style(line.style)
        })
        .collect()
}

/// Each grapheme as drawn: (text, columns, style).
fn cells_of(line: &Line) -> Vec<(String, usize, ratatui::style::Style)> {
    let mut out = Vec::new();
    for span in &line.spans {
        let content = super::sanitize::clean(&span.content);
        for g in content.graphemes(true) {
            out.push((
                display_cluster(g).into_owned(),
                cluster_width(g),
                span.style,
            ));
        }
    }
    out
}

/// Where the row from `start` ends when cell `i` does not fit: at `i`,
/// or earlier so that the next row does not start with a 行頭禁則
/// character and this one does not end with a 行末禁則 one.
fn break_at(cells: &[(String, usize, ratatui::style::Style)], start: usize, i: usize) -> usize {
    let bad = |at: usize| {
        cells.get(at).is_some_and(|c| no_line_start(&c.0))
            || (at > 0 && no_line_end(&cells[at - 1].0))
    };
    let mut at = i;
    while bad(at) && at > start + 1 && i - at < MAX_CARRY {
        at -= 1;
    }
    if bad(at) {
        i
    } else {
        at
    }
}

/// 行頭禁則 (JIS X 4051 classes 2, 4–6, 9 and small kana, with their
/// half-width and ASCII forms): closing brackets, hyphens, ? !, middle
/// dots, colons, full stops and commas, iteration marks, the long vowel
/// mark and small kana.
pub const NO_LINE_START: &str = concat!(
    "’”）〕］｝〉》」』】〙〗〟｠»",
    "‐゠–〜～",
    "？！‼⁇⁈⁉",
    "・：；／",
    "。．、，",
    "ヽヾゝゞ々〻ー",
    "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ",
    "…‥",
    "｡｣､･ｰｧｨｩｪｫｯｬｭｮﾞﾟ",
    ",.)]}:;!?%"
);

/// 行末禁則: opening brackets (a row does not end with one).
pub const NO_LINE_END: &str = "‘“（〔［｛〈《「『【〘〖〝｟«｢([{";

/// Whether a row may not begin with grapheme `g` (行頭禁則).
pub fn no_line_start(g: &str) -> bool {
    g.chars().next().is_some_and(|c| NO_LINE_START.contains(c))
}

/// Whether a row may not end with grapheme `g` (行末禁則).
pub fn no_line_end(g: &str) -> bool {
    g.chars()
        .next_back()
        .is_some_and(|c| NO_LINE_END.contains(c))
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
