//! Drawing: a pure function of [`AppState`]. Nothing here touches the
//! database or changes state. No box-drawing or other East Asian
//! ambiguous-width glyphs in the chrome: panes are set apart by title bars
//! and spacing, so the layout holds in terminals that draw those glyphs
//! double width (Tera Term, PuTTY in CJK mode).

mod attendance;
mod calendar;
mod chrome;
mod minutes;
mod policy;
mod progress;
pub mod sanitize;
mod search;
pub mod text_input;
pub mod theme;
pub mod wrap;

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::app::state::{AppState, Mode, Tab};
/// The vocabulary of look lives in config (below ui); these keep the old
/// paths `ui::dates` and `ui::glyphs` working.
pub use crate::config::{dates, glyphs};
pub use theme::Theme;

/// The smallest screen the layout is made for.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

pub fn draw(frame: &mut Frame, s: &AppState, theme: &Theme) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(frame, area, theme);
        return;
    }
    let [tabs, body, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(area);
    chrome::tabs(frame, tabs, s, theme);
    match (s.tab, s.mode) {
        (Tab::Meetings, Mode::MinutesInput | Mode::MinutesList) => {
            minutes::draw(frame, body, s, theme)
        }
        (Tab::Meetings, _) => calendar::draw(frame, body, s, theme),
        (Tab::Attendance, _) => attendance::draw(frame, body, s, theme),
        (Tab::Policy, _) => policy::draw(frame, body, s, theme),
        (Tab::Progress, _) => progress::draw(frame, body, s, theme),
    }
    chrome::status(frame, status, s, theme);
    if s.search.open {
        search::draw(frame, body, s, theme);
    }
    if s.prompt.is_some() {
        chrome::prompt(frame, area, s, theme);
    }
    if s.policy.overlay.is_some() {
        policy::draw_overlay(frame, area, s, theme);
    }
    if s.help {
        chrome::help(frame, area, s, theme);
    }
    sanitize::scrub_buffer(frame.buffer_mut());
}

fn too_small(frame: &mut Frame, area: Rect, theme: &Theme) {
    let lines = vec![
        Line::from(Span::styled("端末が小さすぎます", theme.heading)),
        // "x", not "×": the multiplication sign is ambiguous-width.
        Line::from(format!("{}x{} 以上にしてください", MIN_WIDTH, MIN_HEIGHT)),
        Line::from(Span::styled(
            format!("（いまは {}x{}）", area.width, area.height),
            theme.muted,
        )),
        Line::from(Span::styled("q で終了", theme.muted)),
    ];
    frame.render_widget(Paragraph::new(lines), area);
}

/// A title bar: the text on the theme's title colour across the full width.
pub(crate) fn title_bar(frame: &mut Frame, area: Rect, text: &str, theme: &Theme) {
    let width = area.width as usize;
    let clean = sanitize::clean(text);
    let (cut, used) = text_input::truncate_to_width(&format!(" {clean}"), width);
    let pad = " ".repeat(width.saturating_sub(used));
    frame.render_widget(
        Paragraph::new(Line::from(Span::styled(format!("{cut}{pad}"), theme.title))),
        area,
    );
}

/// Whether the status line shows a relative time that needs ticking.
pub fn activity_visible(s: &AppState) -> bool {
    chrome::activity_text(s).is_some()
}
