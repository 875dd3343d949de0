//! The whole frame: a pure function of [`AppState`] and the [`Theme`].
//! Lays out the tabs, the current screen's body, the status line and the
//! overlays; each screen draws itself (`app/panes/<name>/draw.rs`, the
//! calendar and minute taking here). Nothing here touches the database or
//! changes state. No box-drawing or other East Asian ambiguous-width glyphs
//! in the chrome: panes are set apart by title bars and spacing, so the
//! layout holds in terminals that draw those glyphs double width (Tera
//! Term, PuTTY in CJK mode).

pub mod chrome;

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::app::panes::{attendance, calendar, history, import, minutes, policy, progress, search};
use crate::app::state::{AppState, Mode, Tab};
use crate::ui::{sanitize, Theme, MIN_HEIGHT, MIN_WIDTH};

pub fn draw(frame: &mut Frame, s: &AppState, theme: &Theme) {
    crate::app::bindings::register();
    crate::app::mouse::begin();
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
    // The search overlay covers the whole body (it clears it first): the
    // screen under it is not drawn at all (nor its clickable areas noted),
    // which halves a frame's cost while a colleague's saves keep the
    // overlay's answer current.
    match (s.tab, s.mode) {
        _ if s.search.open => {}
        (Tab::Meetings, Mode::MinutesInput | Mode::MinutesList) => {
            minutes::draw::draw(frame, body, s, theme)
        }
        (Tab::Meetings, _) => calendar::draw::draw(frame, body, s, theme),
        (Tab::Attendance, _) => attendance::draw::draw(frame, body, s, theme),
        (Tab::Policy, _) => policy::draw::draw(frame, body, s, theme),
        (Tab::Progress, _) => progress::draw::draw(frame, body, s, theme),
    }
    chrome::status(frame, status, s, theme);
    if s.search.open {
        search::draw::draw(frame, body, s, theme);
    }
    if s.history.open {
        history::draw::draw(frame, body, s, theme);
    }
    if s.prompt.is_some() {
        chrome::prompt(frame, area, s, theme);
    }
    if s.policy.overlay.is_some() {
        policy::draw::draw_overlay(frame, area, s, theme);
    }
    if s.import.overlay.is_some() {
        import::draw::draw(frame, area, s, theme);
    }
    if s.help {
        chrome::help(frame, area, s, theme);
    }
    sanitize::scrub_buffer(frame.buffer_mut());
    crate::widget::width::restore_marks(frame.buffer_mut());
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

/// Whether the status line shows a relative time that needs ticking.
pub fn activity_visible(s: &AppState) -> bool {
    chrome::activity_text(s).is_some()
}
