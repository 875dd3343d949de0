//! Drawing pieces that take plain values: the theme, wrapping, sanitising,
//! title bars, the text-input widget. Imports nothing from `app`; the
//! screens' drawing lives with each screen (`app/panes/<name>/draw.rs`,
//! `app/frame/`).

pub mod chart;
pub mod sanitize;
pub mod sgr16;
pub mod theme;
pub mod wrap;

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

/// The vocabulary of look lives in config (below ui); these keep the old
/// paths `ui::dates` and `ui::glyphs` working.
pub use crate::config::{dates, glyphs};
pub use theme::Theme;

/// The smallest screen the layout is made for.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

/// A title bar: the text on the theme's title colour across the full width.
pub(crate) fn title_bar(frame: &mut Frame, area: Rect, text: &str, theme: &Theme) {
    let width = area.width as usize;
    let clean = sanitize::clean(text);
    let (cut, used) = crate::widget::width::truncate_to_width(&format!(" {clean}"), width);
    let pad = " ".repeat(width.saturating_sub(used));
    frame.render_widget(
        Paragraph::new(Line::from(Span::styled(format!("{cut}{pad}"), theme.title))),
        area,
    );
}
