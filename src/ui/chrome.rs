//! The frame around the panes: tab bar, status line, prompt, help overlay.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use ratatui::Frame;

use super::text_input::{display_width, truncate_to_width};
use super::Theme;
use crate::app::keymap::{self, Scope};
use crate::app::prompt::filtered;
use crate::app::state::{AppState, Mode, PromptPurpose, Tab};

pub fn tabs(frame: &mut Frame, area: Rect, s: &AppState, theme: &Theme) {
    let mut spans = vec![Span::styled(" kusei ", theme.heading), Span::raw(" ")];
    for (i, t) in Tab::ALL.iter().enumerate() {
        let label = format!(" {} {} ", i + 1, t.label());
        let style = if *t == s.tab {
            theme.tab_active
        } else {
            theme.tab
        };
        spans.push(Span::styled(label, style));
        spans.push(Span::raw(" "));
    }
    let right = " ? ヘルプ ";
    let used: usize = spans.iter().map(|s| display_width(&s.content)).sum();
    let pad = (area.width as usize).saturating_sub(used + display_width(right));
    spans.push(Span::raw(" ".repeat(pad)));
    spans.push(Span::styled(right, theme.muted));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

pub fn scope_of(s: &AppState) -> Scope {
    if s.search.open {
        return Scope::Search;
    }
    match s.mode {
        Mode::MinutesInput => Scope::MinutesInput,
        Mode::MinutesList => Scope::MinutesList,
        Mode::Normal => match s.tab {
            Tab::Meetings => Scope::Calendar,
            Tab::Attendance => Scope::Attendance,
            Tab::Policy => Scope::Policy,
            Tab::Progress => Scope::Progress,
        },
    }
}

/// "2件の更新 (sato, 3秒前)" for others' changes in the last minute.
pub fn activity_text(s: &AppState) -> Option<String> {
    let recent: Vec<_> = s
        .activity
        .recent
        .iter()
        .filter(|(_, at)| at.elapsed().as_secs() < 60)
        .collect();
    let (newest, at) = recent.last()?;
    Some(format!(
        "{}件の更新 ({}, {}秒前)",
        recent.len(),
        newest.os_user,
        at.elapsed().as_secs()
    ))
}

pub fn status(frame: &mut Frame, area: Rect, s: &AppState, theme: &Theme) {
    let mut left = format!(" {}  {}  {}", s.db_label, s.user, s.mode.label());
    if s.read_only.is_some() {
        left.push_str("  読み取り専用");
    }
    if let Some(a) = activity_text(s) {
        left.push_str("  ");
        left.push_str(&a);
    }
    let (right, right_style) = match &s.message {
        Some(m) => (
            format!(" {} ", m.text),
            if m.error {
                theme.error
            } else {
                theme.status_bar
            },
        ),
        None => {
            let mut hints: Vec<String> = keymap::hints(scope_of(s))
                .into_iter()
                .map(|(k, h)| format!("{k} {h}"))
                .collect();
            if s.mode == Mode::Normal && !s.search.open {
                hints.extend(
                    keymap::hints(Scope::Global)
                        .into_iter()
                        .map(|(k, h)| format!("{k} {h}")),
                );
            }
            (format!(" {} ", hints.join("  ")), theme.status_bar)
        }
    };
    let width = area.width as usize;
    let right_w = display_width(&right).min(width);
    let (left, lw) = truncate_to_width(&left, width.saturating_sub(right_w));
    let (right, rw) = truncate_to_width(&right, width - lw);
    let pad = " ".repeat(width.saturating_sub(lw + rw));
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(format!("{left}{pad}"), theme.status_bar),
            Span::styled(right, right_style),
        ])),
        area,
    );
}

pub fn prompt(frame: &mut Frame, area: Rect, s: &AppState, theme: &Theme) {
    let Some(p) = &s.prompt else { return };
    let cands = filtered(p);
    let shown = cands.len().min(12) as u16;
    let height = 2 + shown;
    let box_area = Rect {
        x: area.x,
        y: area.bottom().saturating_sub(height + 1),
        width: area.width,
        height,
    };
    frame.render_widget(Clear, box_area);
    let (label, _) = truncate_to_width(&format!(" {}", p.label), area.width as usize);
    frame.render_widget(
        Paragraph::new(Span::styled(label, theme.title)),
        Rect {
            height: 1,
            ..box_area
        },
    );
    for (i, c) in cands.iter().take(shown as usize).enumerate() {
        let style = if i == p.pick {
            theme.selection
        } else {
            theme.base
        };
        let mark = match (&p.purpose, p.checked.iter().any(|x| x == c)) {
            (PromptPurpose::Attendance, true) => "[x] ",
            (PromptPurpose::Attendance, false) => "[ ] ",
            _ => "",
        };
        frame.render_widget(
            Paragraph::new(Span::styled(format!("  {mark}{c}"), style)),
            Rect {
                y: box_area.y + 1 + i as u16,
                height: 1,
                ..box_area
            },
        );
    }
    let input = Rect {
        x: box_area.x + 2,
        y: box_area.y + 1 + shown,
        width: box_area.width.saturating_sub(2),
        height: 1,
    };
    frame.render_widget(
        Paragraph::new(Span::styled(">", theme.heading)),
        Rect {
            x: box_area.x,
            width: 2,
            ..input
        },
    );
    p.input
        .render(input, frame.buffer_mut(), theme.input, theme.muted);
    if !s.help {
        frame.set_cursor_position(p.input.cursor_position(input));
    }
}

pub fn help(frame: &mut Frame, area: Rect, s: &AppState, theme: &Theme) {
    let mut scopes = vec![scope_of(s)];
    if scopes[0] != Scope::MinutesInput && scopes[0] != Scope::Global {
        scopes.push(Scope::Global);
    }
    let mut lines = Vec::new();
    for scope in scopes {
        lines.push(Line::from(Span::styled(
            format!(" {}", scope.title()),
            theme.heading,
        )));
        for (keys, text) in keymap::help_rows(scope) {
            let pad = 16usize.saturating_sub(display_width(&keys));
            lines.push(Line::from(format!("   {keys}{}{text}", " ".repeat(pad))));
        }
        lines.push(Line::from(""));
    }
    if s.mode == Mode::MinutesInput {
        lines.push(Line::from(Span::styled(
            " 入力欄: Left/Right Home/End Ctrl-U/W/K Ctrl-Z 取り消し Ctrl-Y やり直し",
            theme.muted,
        )));
    }
    lines.push(Line::from(Span::styled(
        " どのキーでも閉じます",
        theme.muted,
    )));
    let w = area.width.min(72);
    let h = (lines.len() as u16 + 1).min(area.height);
    let r = Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    };
    frame.render_widget(Clear, r);
    super::title_bar(frame, Rect { height: 1, ..r }, "ヘルプ（キー一覧）", theme);
    frame.render_widget(
        Paragraph::new(lines),
        Rect {
            y: r.y + 1,
            height: r.height.saturating_sub(1),
            ..r
        },
    );
}
