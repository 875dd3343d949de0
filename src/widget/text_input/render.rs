//! Drawing the text input into a buffer: pure functions of `(text, caret,
//! area)` sharing the model's one scroll computation (`TextInput::view`).

use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use unicode_segmentation::UnicodeSegmentation;

use super::{cluster_width, display_cluster, TextInput, NEWLINE_MARKER};

impl TextInput {
    /// Draw into the first line of `area`, filling it with `style`; newline
    /// markers and the placeholder use `style.patch(muted)`. A wide character
    /// cut by either edge is left blank rather than drawn half.
    pub fn render(&self, area: Rect, buf: &mut Buffer, style: Style, muted: Style) {
        self.render_marked(area, buf, (style, muted), NEWLINE_MARKER);
    }

    /// [`Self::render`] with `newline` (one column wide: the glyph set's
    /// marker) drawn for each line break.
    pub fn render_marked(
        &self,
        area: Rect,
        buf: &mut Buffer,
        (style, muted): (Style, Style),
        newline: &str,
    ) {
        if area.width == 0 || area.height == 0 {
            return;
        }
        for x in area.left()..area.right() {
            put(buf, x, area.y, " ", style);
        }
        let muted = style.patch(muted);
        if self.text.is_empty() {
            let cells = self.placeholder.graphemes(true);
            draw(
                buf,
                area,
                0,
                cells.map(|g| (display_cluster(g), cluster_width(g), muted)),
            );
            return;
        }
        let cells = self.text.graphemes(true).map(|g| match g {
            "\n" => (newline.into(), 1, muted),
            g => (display_cluster(g), cluster_width(g), style),
        });
        draw(buf, area, self.scroll_for_width(area.width), cells);
    }

    /// Hardware cursor position for `area`: `area.x + caret_column - scroll`
    /// (clamped inside the area), `area.y`.
    pub fn cursor_position(&self, area: Rect) -> Position {
        let (col, scroll) = self.view(area.width);
        let off = u16::try_from(col - scroll).unwrap_or(u16::MAX);
        let off = off.min(area.width.saturating_sub(1));
        Position::new(area.x.saturating_add(off), area.y)
    }
}

fn put(buf: &mut Buffer, x: u16, y: u16, symbol: &str, style: Style) {
    if let Some(cell) = buf.cell_mut((x, y)) {
        cell.set_symbol(symbol).set_style(style);
    }
}

/// Draw `(symbol, width, style)` cells from display column `scroll` on. The
/// line is pre-filled with spaces, so graphemes cut by an edge and the
/// continuation cells of wide graphemes stay blank.
fn draw<'a>(
    buf: &mut Buffer,
    area: Rect,
    scroll: usize,
    cells: impl Iterator<Item = (std::borrow::Cow<'a, str>, usize, Style)>,
) {
    let (end, mut col) = (scroll + usize::from(area.width), 0);
    for (symbol, w, style) in cells {
        let start = col;
        col += w;
        if col > end {
            break;
        }
        if w > 0 && start >= scroll {
            let x = u16::try_from(start - scroll).unwrap_or(u16::MAX);
            put(buf, area.x.saturating_add(x), area.y, &symbol, style);
        }
    }
}
