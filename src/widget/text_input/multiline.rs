//! The text input drawn over several rows (the reviews of the policy pane):
//! every line break starts a row, long lines wrap at the width (a wide
//! character never split), the rows scroll so the caret's row is shown,
//! and Up/Down move the caret a row keeping its column.

use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use unicode_segmentation::UnicodeSegmentation;

use super::{cluster_width, display_cluster, TextInput};

/// One drawn row: the byte range of the text it shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowSpan {
    pub start: usize,
    pub end: usize,
}

impl TextInput {
    /// The rows the text takes at `width` columns.
    pub fn rows(&self, width: u16) -> Vec<RowSpan> {
        let width = usize::from(width.max(2));
        let mut rows = Vec::new();
        let (mut start, mut used) = (0, 0);
        for (i, g) in self.text().grapheme_indices(true) {
            if g == "\n" {
                rows.push(RowSpan { start, end: i });
                start = i + g.len();
                used = 0;
                continue;
            }
            let w = cluster_width(g);
            if used + w > width && used > 0 {
                rows.push(RowSpan { start, end: i });
                start = i;
                used = 0;
            }
            used += w;
        }
        rows.push(RowSpan {
            start,
            end: self.text().len(),
        });
        rows
    }

    /// (row, column) of the caret at `width`.
    pub fn caret_row_col(&self, width: u16) -> (usize, usize) {
        let rows = self.rows(width);
        let caret = self.caret();
        let row = rows.iter().rposition(|r| r.start <= caret).unwrap_or(0);
        let r = rows[row];
        let col = self
            .text()
            .get(r.start..caret.min(r.end).max(r.start))
            .map_or(0, super::display_width);
        (row, col)
    }

    /// The first row shown in `height` rows so the caret's row is in view.
    fn first_row(&self, width: u16, height: u16) -> usize {
        let (row, _) = self.caret_row_col(width);
        row.saturating_sub(usize::from(height.max(1)) - 1)
    }

    /// Draw every row that fits, scrolled to the caret; returns where the
    /// terminal cursor goes.
    pub fn render_rows(&self, area: Rect, buf: &mut Buffer, style: Style) -> Position {
        for y in area.top()..area.bottom() {
            for x in area.left()..area.right() {
                if let Some(c) = buf.cell_mut((x, y)) {
                    c.set_symbol(" ").set_style(style);
                }
            }
        }
        if area.width == 0 || area.height == 0 {
            return Position::new(area.x, area.y);
        }
        let rows = self.rows(area.width);
        let first = self.first_row(area.width, area.height);
        for (k, r) in rows.iter().skip(first).take(area.height.into()).enumerate() {
            let y = area.y + k as u16;
            let mut x = area.x;
            let text = self.text().get(r.start..r.end).unwrap_or("");
            for g in text.graphemes(true) {
                let w = cluster_width(g) as u16;
                if x + w > area.right() {
                    break;
                }
                if w > 0 {
                    if let Some(c) = buf.cell_mut((x, y)) {
                        c.set_symbol(&display_cluster(g)).set_style(style);
                    }
                }
                x += w;
            }
        }
        let (row, col) = self.caret_row_col(area.width);
        let x = (area.x as usize + col).min(area.right().saturating_sub(1) as usize);
        Position::new(x as u16, area.y + (row - first) as u16)
    }

    /// Move the caret one row up (-1) or down (+1) at `width`, keeping its
    /// column as near as the row allows. False at the first or last row.
    pub fn move_row(&mut self, width: u16, delta: isize) -> bool {
        let rows = self.rows(width);
        let (row, col) = self.caret_row_col(width);
        let Some(target) = row.checked_add_signed(delta).filter(|r| *r < rows.len()) else {
            return false;
        };
        let r = rows[target];
        let mut at = r.start;
        let mut used = 0;
        for (i, g) in self
            .text()
            .get(r.start..r.end)
            .unwrap_or("")
            .grapheme_indices(true)
        {
            let w = cluster_width(g);
            if used + w > col {
                break;
            }
            used += w;
            at = r.start + i + g.len();
        }
        self.set_caret(at);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn breaks_and_width_make_rows() {
        let t = TextInput::with_text("一行目\n二行目はとても長い");
        let rows = t.rows(8);
        let texts: Vec<&str> = rows.iter().map(|r| &t.text()[r.start..r.end]).collect();
        assert_eq!(texts, ["一行目", "二行目は", "とても長", "い"]);
    }

    #[test]
    fn up_and_down_keep_the_column() {
        let mut t = TextInput::with_text("あいう\nかきく");
        assert_eq!(t.caret_row_col(20), (1, 6));
        assert!(t.move_row(20, -1));
        assert_eq!(t.caret_row_col(20), (0, 6));
        assert!(!t.move_row(20, -1));
        assert!(t.move_row(20, 1));
        assert_eq!(t.caret(), t.text().len());
    }
}
