//! Colours by meaning, not by widget. Every pane asks the theme for a role.
//! The theme also carries the glyph set (how the screen looks, handed to
//! every draw function already), chosen apart from the colours.
//!
//! Themes are TOML files (`themes/`, see [`file`]); the colours are fitted
//! to the terminal's depth ([`color::ColorDepth`]) and `NO_COLOR` gives
//! [`Theme::monochrome`].

pub mod color;
pub mod file;

use std::path::Path;

use ratatui::style::{Color, Modifier, Style};

use crate::config::doc::Warning;
use crate::config::glyphs::Glyphs;
use color::ColorDepth;

#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    pub base: Style,
    pub title: Style,
    pub tab_active: Style,
    pub tab: Style,
    pub selection: Style,
    pub cursor_day: Style,
    pub meeting_day: Style,
    pub today: Style,
    pub muted: Style,
    pub heading: Style,
    pub decision: Style,
    pub action: Style,
    pub saved: Style,
    pub pending: Style,
    pub warning: Style,
    pub error: Style,
    pub status_bar: Style,
    pub input: Style,
    pub sunday: Style,
    pub saturday: Style,
    /// Progress statuses (進捗): ahead of plan (前倒し), on track
    /// (予定通り進捗), late (遅れ), not started (未着手), done (完了).
    pub status_ahead: Style,
    pub status_on_track: Style,
    pub status_late: Style,
    pub status_not_started: Style,
    pub status_done: Style,
    /// A 宿題 or milestone past its due date.
    pub overdue: Style,
    /// The markers the chrome draws (not a colour: set by `glyphs`).
    pub glyphs: Glyphs,
    /// The characters a search matched.
    pub match_highlight: Style,
}

impl Theme {
    /// The default: 16 ANSI colours, so it looks right on a basic SSH
    /// terminal and follows the user's palette.
    pub fn default_dark() -> Self {
        let fg = Style::default();
        Theme {
            base: fg,
            title: Style::default()
                .fg(Color::Black)
                .bg(Color::Cyan)
                .add_modifier(Modifier::BOLD),
            tab_active: Style::default()
                .fg(Color::Black)
                .bg(Color::Cyan)
                .add_modifier(Modifier::BOLD),
            tab: Style::default().fg(Color::Cyan),
            selection: Style::default().add_modifier(Modifier::REVERSED),
            cursor_day: Style::default().add_modifier(Modifier::REVERSED),
            meeting_day: Style::default()
                .fg(Color::Yellow)
                .add_modifier(Modifier::BOLD),
            today: Style::default().add_modifier(Modifier::UNDERLINED),
            muted: Style::default().fg(Color::DarkGray),
            heading: Style::default()
                .fg(Color::Cyan)
                .add_modifier(Modifier::BOLD),
            decision: Style::default()
                .fg(Color::Green)
                .add_modifier(Modifier::BOLD),
            action: Style::default()
                .fg(Color::Magenta)
                .add_modifier(Modifier::BOLD),
            saved: Style::default().fg(Color::Green),
            pending: Style::default().fg(Color::Yellow),
            warning: Style::default().fg(Color::Yellow),
            error: Style::default().fg(Color::White).bg(Color::Red),
            status_bar: Style::default().fg(Color::Black).bg(Color::Gray),
            input: Style::default(),
            sunday: Style::default().fg(Color::Red),
            saturday: Style::default().fg(Color::Blue),
            status_ahead: Style::default().fg(Color::Cyan),
            status_on_track: Style::default().fg(Color::Green),
            status_late: Style::default().fg(Color::Red).add_modifier(Modifier::BOLD),
            status_not_started: Style::default().fg(Color::Yellow),
            status_done: Style::default().fg(Color::Blue),
            overdue: Style::default()
                .fg(Color::Red)
                .add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            glyphs: Glyphs::default(),
            match_highlight: Style::default()
                .fg(Color::Yellow)
                .add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
        }
    }

    /// No colour at all (`NO_COLOR`): emphasis by bold and reverse only.
    pub fn monochrome() -> Self {
        let plain = Style::default();
        let bold = Style::default().add_modifier(Modifier::BOLD);
        let rev = Style::default().add_modifier(Modifier::REVERSED);
        Theme {
            base: plain,
            title: rev,
            tab_active: rev,
            tab: plain,
            selection: rev,
            cursor_day: rev,
            meeting_day: bold,
            today: Style::default().add_modifier(Modifier::UNDERLINED),
            muted: plain,
            heading: bold,
            decision: bold,
            action: bold,
            saved: plain,
            pending: plain,
            warning: bold,
            error: rev,
            status_bar: rev,
            input: plain,
            sunday: plain,
            saturday: plain,
            status_ahead: bold,
            status_on_track: plain,
            status_late: bold.add_modifier(Modifier::UNDERLINED),
            status_not_started: plain,
            status_done: plain,
            overdue: rev.add_modifier(Modifier::BOLD),
            glyphs: Glyphs::default(),
            match_highlight: Style::default().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
        }
    }

    pub fn from_env() -> Self {
        if no_color() {
            Self::monochrome()
        } else {
            Self::default_dark()
        }
    }

    /// The theme named `name` (user's or shipped) with `glyphs`, as the
    /// terminal can show it: monochrome under `NO_COLOR`, colours fitted to
    /// `depth` otherwise.
    pub fn resolve(
        name: &str,
        glyphs: Glyphs,
        config_dir: Option<&Path>,
        no_color: bool,
        depth: ColorDepth,
    ) -> (Theme, Vec<Warning>) {
        let (theme, warnings) = file::load(name, config_dir);
        let theme = if no_color {
            Theme::monochrome()
        } else {
            theme.fit_depth(depth)
        };
        (Theme { glyphs, ..theme }, warnings)
    }

    /// Every colour mapped to the nearest one a terminal of `depth` shows.
    pub fn fit_depth(mut self, depth: ColorDepth) -> Theme {
        for role in file::ROLES {
            if let Some(s) = file::role_mut(&mut self, role) {
                *s = color::fit_style(*s, depth);
            }
        }
        self
    }

    pub fn with_glyphs(self, glyphs: Glyphs) -> Theme {
        Theme { glyphs, ..self }
    }
}

/// `NO_COLOR` set to anything but the empty string (no-color.org).
pub fn no_color() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}
