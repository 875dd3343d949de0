//! Display widths as drawn: columns per grapheme cluster from
//! `unicode-width`, truncation and padding to a width. Used by the text
//! input, the drawing in `ui` and `app`, and the CLI's tables.

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// Display columns: sum over grapheme clusters of [`cluster_width`], i.e.
/// what this widget draws (`'\n'` is one column, like its marker).
pub fn display_width(s: &str) -> usize {
    s.graphemes(true).map(cluster_width).sum()
}

/// The half-width voiced marks ﾞ and ﾟ: Unicode makes them extend the
/// character before them and unicode-width gives them no width, but
/// terminals draw each in a column of its own (ｸﾞ takes two).
fn is_halfwidth_mark(c: char) -> bool {
    matches!(c, '\u{FF9E}' | '\u{FF9F}')
}

/// Columns a grapheme cluster takes in a terminal.
pub fn cluster_width(g: &str) -> usize {
    g.width() + g.chars().filter(|c| is_halfwidth_mark(*c)).count()
}

/// What to draw for a cluster so that it takes exactly [`cluster_width`]
/// columns: ｸﾞ is drawn as グ (two columns either way); everything else as
/// it is.
pub fn display_cluster(g: &str) -> std::borrow::Cow<'_, str> {
    use unicode_normalization::UnicodeNormalization;
    if g.chars().any(is_halfwidth_mark) {
        let composed: String = g.nfkc().collect();
        if composed.width() == cluster_width(g) {
            return composed.into();
        }
    }
    g.into()
}

/// `s` made safe to hand to ratatui, which measures with unicode-width:
/// every cluster drawn as [`display_cluster`].
pub fn display_safe(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(is_halfwidth_mark) {
        return s.into();
    }
    s.graphemes(true)
        .map(display_cluster)
        .collect::<String>()
        .into()
}

/// Cut `s` at a grapheme (hence char) boundary so it fits in `width` columns;
/// appends nothing. Returns the kept text and the columns it uses.
pub fn truncate_to_width(s: &str, width: usize) -> (String, usize) {
    let (mut used, mut end) = (0, 0);
    for (i, g) in s.grapheme_indices(true) {
        if used + cluster_width(g) > width {
            break;
        }
        used += cluster_width(g);
        end = i + g.len();
    }
    (s[..end].to_string(), used)
}

/// Truncate `s` to `width` columns, then pad with spaces to exactly `width`.
pub fn pad_to_width(s: &str, width: usize) -> String {
    let (mut out, used) = truncate_to_width(s, width);
    out.extend(std::iter::repeat_n(' ', width - used));
    out
}
