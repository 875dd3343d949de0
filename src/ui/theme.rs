//! Colours by meaning, not by widget. Every pane asks the theme for a role.

use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone)]
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
            match_highlight: Style::default().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
        }
    }

    pub fn from_env() -> Self {
        if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
            Self::monochrome()
        } else {
            Self::default_dark()
        }
    }
}
