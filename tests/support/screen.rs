//! Frames as text, for assertions and insta snapshots: a frame is drawn by
//! the real `ui::draw` into ratatui's `TestBackend` and read back as the
//! terminal would show it.
#![allow(dead_code)]

use ratatui::backend::TestBackend;
use ratatui::buffer::{Buffer, Cell};
use ratatui::layout::Position;
use ratatui::style::Modifier;
use ratatui::Terminal;
use unicode_width::UnicodeWidthStr;

use kusei::app::frame as ui;
use kusei::app::state::AppState;
use kusei::ui::Theme;

/// A cell whose content the terminal never shows: it sits under the right
/// half of a double-width character drawn just before it (ratatui's diff
/// skips such cells, so the terminal never receives them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HiddenCell {
    pub x: u16,
    pub y: u16,
    pub symbol: String,
    /// The wide character covering it.
    pub under: String,
}

/// Draw `state` at `w`×`h`: the buffer, and the hardware cursor when the
/// frame shows it.
pub fn draw(state: &AppState, theme: &Theme, w: u16, h: u16) -> (Buffer, Option<Position>) {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    // Terminal::draw moves the cursor only when the frame asks for it;
    // a position outside the screen before drawing tells "hidden" apart.
    let sentinel = Position::new(u16::MAX, u16::MAX);
    terminal.set_cursor_position(sentinel).expect("cursor");
    terminal.draw(|f| ui::draw(f, state, theme)).expect("draw");
    let pos = terminal.get_cursor_position().expect("cursor");
    let buffer = terminal.backend().buffer().clone();
    (buffer, (pos != sentinel).then_some(pos))
}

/// The frame as text in the monochrome theme (see [`buffer_text`]).
pub fn text(state: &AppState, w: u16, h: u16) -> String {
    buffer_text(&draw(state, &Theme::monochrome(), w, h).0).0
}

/// Row `y` as the terminal shows it: each visible cell with its x and
/// width; the cells a double-width character covers are skipped. An empty
/// or zero-width cell counts as one blank column.
fn visible_cells(buf: &Buffer, y: u16) -> Vec<(u16, &Cell, u16)> {
    let area = buf.area;
    let mut cells = Vec::new();
    let mut x = area.left();
    while x < area.right() {
        let cell = &buf[(x, y)];
        let w = cell.symbol().width() as u16;
        cells.push((x, cell, w.max(1)));
        x += w.max(1);
    }
    cells
}

fn shown(cell: &Cell) -> &str {
    match cell.symbol() {
        // ﾞ and ﾟ: zero for unicode-width, one column on every terminal.
        s @ ("\u{FF9E}" | "\u{FF9F}") => s,
        s if s.is_empty() || s.width() == 0 => " ",
        s => s,
    }
}

/// The buffer as the terminal shows it: one line per row, each double-width
/// character once (the cell after it, which ratatui never sends, skipped),
/// trailing spaces trimmed. Also returns any content in such skipped cells:
/// drawn, but never seen.
pub fn buffer_text(buf: &Buffer) -> (String, Vec<HiddenCell>) {
    let area = buf.area;
    let mut out = String::new();
    let mut hidden = Vec::new();
    for y in area.top()..area.bottom() {
        let mut line = String::new();
        for (x, cell, w) in visible_cells(buf, y) {
            line.push_str(shown(cell));
            for hx in (x + 1..x + w).filter(|hx| *hx < area.right()) {
                let s = buf[(hx, y)].symbol();
                if !(s.is_empty() || s == " ") {
                    hidden.push(HiddenCell {
                        x: hx,
                        y,
                        symbol: s.to_string(),
                        under: cell.symbol().to_string(),
                    });
                }
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    (out, hidden)
}

/// Like [`buffer_text`], and below each line with highlighted characters
/// (bold and underlined: search hits), a line with `^` under them.
pub fn marked_text(buf: &Buffer) -> String {
    let mut out = String::new();
    for y in buf.area.top()..buf.area.bottom() {
        let mut line = String::new();
        let mut marks = String::new();
        for (_, cell, w) in visible_cells(buf, y) {
            line.push_str(shown(cell));
            let hl = cell.modifier.contains(Modifier::UNDERLINED)
                && cell.modifier.contains(Modifier::BOLD);
            marks.push_str(&(if hl { "^" } else { " " }).repeat(w as usize));
        }
        out.push_str(line.trim_end());
        out.push('\n');
        if marks.contains('^') {
            out.push_str(marks.trim_end());
            out.push('\n');
        }
    }
    out
}

/// Characters of East Asian Width "A" (ambiguous) on screen: drawn one
/// column wide by ratatui but two by terminals in a CJK setting, which
/// shifts everything after them. Returns (x, y, char) of each.
pub fn ambiguous_cells(buf: &Buffer) -> Vec<(u16, u16, char)> {
    use unicode_width::UnicodeWidthChar;
    let area = buf.area;
    let mut found = Vec::new();
    for y in area.top()..area.bottom() {
        for x in area.left()..area.right() {
            for c in buf[(x, y)].symbol().chars() {
                if c.width() != c.width_cjk() {
                    found.push((x, y, c));
                }
            }
        }
    }
    found
}

/// The glyphs the chrome must never use (box drawing, arrows, and the
/// symbols that are ambiguous-width in Japanese terminals).
pub fn is_forbidden_chrome_glyph(c: char) -> bool {
    matches!(c as u32, 0x2500..=0x257F | 0x2190..=0x21FF)
        || matches!(
            c,
            '●' | '○' | '…' | '※' | '★' | '☆' | '■' | '□' | '◆' | '◇' | '×' | '▲' | '▼'
        )
}
