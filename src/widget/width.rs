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

/// Stand-ins for ﾞ and ﾟ while text passes through ratatui: noncharacters
/// (never in interchange text), one column wide and not grapheme
/// extenders, so ratatui gives each mark a cell of its own, as the
/// terminal does. [`restore_marks`] puts the real marks back into the
/// finished frame.
const VOICED_CELL: char = '\u{FDD0}';
const SEMI_VOICED_CELL: char = '\u{FDD1}';

fn stand_in(c: char) -> char {
    match c {
        '\u{FF9E}' => VOICED_CELL,
        '\u{FF9F}' => SEMI_VOICED_CELL,
        c => c,
    }
}

fn real_mark(c: char) -> Option<char> {
    match c {
        VOICED_CELL => Some('\u{FF9E}'),
        SEMI_VOICED_CELL => Some('\u{FF9F}'),
        _ => None,
    }
}

/// What to draw for a cluster so that it takes exactly [`cluster_width`]
/// columns: in ｸﾞ the mark gets a cell of its own (a stand-in until
/// [`restore_marks`]), so the stored text is shown as it is, never
/// recomposed to グ; everything else as it is.
pub fn display_cluster(g: &str) -> std::borrow::Cow<'_, str> {
    if g.chars().any(is_halfwidth_mark) {
        return g.chars().map(stand_in).collect::<String>().into();
    }
    g.into()
}

/// `s` made safe to hand to ratatui, which measures with unicode-width and
/// puts a grapheme cluster in one cell: every ﾞ/ﾟ becomes a one-column
/// stand-in of its own (see [`restore_marks`]).
pub fn display_safe(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(is_halfwidth_mark) {
        return s.into();
    }
    s.chars().map(stand_in).collect::<String>().into()
}

/// The last pass over a finished frame: the stand-ins of [`display_safe`]
/// become ﾞ/ﾟ again, each in its own cell (a cell holding a base and its
/// stand-ins spreads them over the following cells, which its drawer
/// reserved). A cell still holding a real ﾞ/ﾟ inside a cluster (text that
/// skipped [`display_safe`]) would take a column more on the terminal than
/// ratatui counted and shift the rest of the row over other characters:
/// its mark moves to the next cell when that is blank, else it is dropped,
/// so the row stays aligned.
pub fn restore_marks(buf: &mut ratatui::buffer::Buffer) {
    let area = buf.area;
    for y in area.top()..area.bottom() {
        for x in area.left()..area.right() {
            // Every frame passes here: look without copying, copy only the
            // rare cell that needs spreading.
            let Some(sym) = buf.cell((x, y)).map(|c| c.symbol()) else {
                continue;
            };
            if sym.is_ascii() {
                continue;
            }
            let stand_in = sym.chars().any(|c| real_mark(c).is_some());
            let clustered = sym.chars().count() > 1 && sym.chars().any(is_halfwidth_mark);
            if !stand_in && !clustered {
                continue;
            }
            let sym = sym.to_string();
            spread(buf, x, y, &sym);
        }
    }
}

/// Put `sym`'s base in (x, y) and each of its marks in the cells after it.
fn spread(buf: &mut ratatui::buffer::Buffer, x: u16, y: u16, sym: &str) {
    let real = |c: char| real_mark(c).unwrap_or(c);
    let base: String = sym
        .chars()
        .take_while(|c| real_mark(*c).is_none() && !is_halfwidth_mark(*c))
        .collect();
    let marks: Vec<char> = sym.chars().skip(base.chars().count()).map(real).collect();
    let stand_ins = sym.chars().any(|c| real_mark(c).is_some());
    let (first, rest) = if base.is_empty() {
        (marks[0].to_string(), &marks[1..])
    } else {
        (base.clone(), &marks[..])
    };
    if let Some(cell) = buf.cell_mut((x, y)) {
        cell.set_symbol(&first);
    }
    let base_w = cluster_width(&first).max(1) as u16;
    for (i, m) in rest.iter().enumerate() {
        let at = x.saturating_add(base_w).saturating_add(i as u16);
        let Some(cell) = buf.cell_mut((at, y)) else {
            break;
        };
        // Stand-ins had their cells reserved; a real mark only takes a
        // blank one.
        if stand_ins || cell.symbol() == " " || cell.symbol().is_empty() {
            cell.set_symbol(&m.to_string());
        }
    }
}

/// Cut `s` at a grapheme (hence char) boundary so it fits in `width` columns;
/// appends nothing. Returns the kept text and the columns it uses.
pub fn truncate_to_width(s: &str, width: usize) -> (String, usize) {
    let (kept, used) = truncate_plain(s, width);
    (display_safe(&kept).into_owned(), used)
}

/// [`truncate_to_width`] for text printed as it is (the command line),
/// not drawn through ratatui.
pub fn truncate_plain(s: &str, width: usize) -> (String, usize) {
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

/// `s` cut to `width` columns from the middle, so that its start and its
/// end both stay: `旭区外部特別会議室1` in 14 columns is `旭区外..会議室1`
/// (ASCII dots: `…` is ambiguous-width). Unchanged when it fits.
pub fn shorten_middle(s: &str, width: usize) -> String {
    if display_width(s) <= width {
        return s.to_string();
    }
    const MARK: &str = "..";
    if width <= MARK.len() {
        return truncate_plain(s, width).0;
    }
    let room = width - MARK.len();
    let tail_room = room / 2;
    let mut tail = Vec::new();
    let mut used = 0;
    for g in s.graphemes(true).rev() {
        if used + cluster_width(g) > tail_room {
            break;
        }
        used += cluster_width(g);
        tail.push(g);
    }
    let (head, _) = truncate_plain(s, room - used);
    let tail: String = tail.into_iter().rev().collect();
    format!("{head}{MARK}{tail}")
}

/// Truncate `s` to `width` columns, then pad with spaces to exactly `width`.
pub fn pad_to_width(s: &str, width: usize) -> String {
    let (mut out, used) = truncate_to_width(s, width);
    out.extend(std::iter::repeat_n(' ', width - used));
    out
}
