//! The frame around the panes: tab bar, status line, prompt, help overlay.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use ratatui::Frame;

use crate::app::action::Action;
use crate::app::keymap::{self, Scope};
use crate::app::prompt::filtered;
use crate::app::state::{AppState, Mode, PromptPurpose, Tab};
use crate::ui::Theme;
use crate::widget::text_input::{display_width, truncate_to_width};

pub fn tabs(frame: &mut Frame, area: Rect, s: &AppState, theme: &Theme) {
    let mut spans = vec![Span::styled(" kusei ", theme.heading), Span::raw(" ")];
    let mut x = area.x + 8;
    for (i, t) in Tab::ALL.iter().enumerate() {
        let label = format!(" {} {} ", i + 1, t.label());
        let w = display_width(&label) as u16;
        let go = [
            Action::GoTab1,
            Action::GoTab2,
            Action::GoTab3,
            Action::GoTab4,
        ];
        let hit = Rect {
            x,
            width: w,
            ..area
        }
        .intersection(area);
        crate::app::mouse::click(hit, Scope::Global, vec![(go[i.min(3)], 1)]);
        x = x.saturating_add(w + 1);
        let style = if *t == s.tab {
            theme.tab_active
        } else {
            theme.tab
        };
        spans.push(Span::styled(label, style));
        spans.push(Span::raw(" "));
    }
    let help_keys = keymap::current().keys_for(Scope::Global, crate::app::action::Action::Help);
    let right = if help_keys.is_empty() {
        String::new()
    } else {
        format!(" {} ヘルプ ", help_keys.join(" / "))
    };
    let right = right.as_str();
    let used: usize = spans.iter().map(|s| display_width(&s.content)).sum();
    let pad = (area.width as usize).saturating_sub(used + display_width(right));
    spans.push(Span::raw(" ".repeat(pad)));
    spans.push(Span::styled(right, theme.muted));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

pub fn scope_of(s: &AppState) -> Scope {
    if s.import.overlay.is_some() {
        return Scope::Import;
    }
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
    let width = area.width as usize;
    // The left side (where, who, which mode) always shows; a message or the
    // key hints take what is left, hints only as many as fit whole.
    let (left, lw) = truncate_to_width(&left, width);
    let room = width - lw;
    let (right, right_style) = match &s.message {
        Some(m) => (
            truncate_to_width(&format!(" {} ", m.text), room).0,
            if m.error {
                theme.error
            } else {
                theme.status_bar
            },
        ),
        None => (fit_hints(s, room), theme.status_bar),
    };
    let rw = display_width(&right);
    let pad = " ".repeat(width.saturating_sub(lw + rw));
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(format!("{left}{pad}"), theme.status_bar),
            Span::styled(right, right_style),
        ])),
        area,
    );
}

/// As many "key what" hints as fit in `room` columns, the pane's first.
fn fit_hints(s: &AppState, room: usize) -> String {
    let scope = scope_of(s);
    let mut hints = keymap::hints(scope);
    if s.prompt.is_some() {
        hints = keymap::hints(Scope::Prompt);
    } else if s.mode == Mode::Normal
        && !matches!(scope, Scope::Global | Scope::Search | Scope::Import)
    {
        hints.extend(keymap::hints(Scope::Global));
    }
    let mut out = String::new();
    for (k, h) in hints {
        let piece = format!(" {k} {h} ");
        if display_width(&out) + display_width(&piece) > room {
            break;
        }
        out.push_str(&piece);
    }
    out
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
    // Keep the picked candidate in view.
    let first = p.pick.saturating_sub((shown as usize).saturating_sub(1));
    for (row, (i, c)) in cands
        .iter()
        .enumerate()
        .skip(first)
        .take(shown as usize)
        .enumerate()
    {
        let style = if i == p.pick {
            theme.selection
        } else {
            theme.base
        };
        let mark = match (&p.purpose, p.checked.iter().any(|x| x == c)) {
            (PromptPurpose::Attendance(_), true) => "[x] ",
            (PromptPurpose::Attendance(_), false) => "[ ] ",
            _ => "",
        };
        frame.render_widget(
            Paragraph::new(Span::styled(
                format!("  {mark}{}", crate::ui::sanitize::clean(c)),
                style,
            )),
            Rect {
                y: box_area.y + 1 + row as u16,
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
    p.input.render_marked(
        input,
        frame.buffer_mut(),
        (theme.input, theme.muted),
        theme.glyphs.newline,
    );
    if !s.help {
        frame.set_cursor_position(p.input.cursor_position(input));
    }
}

/// The keys of one scope, as help lines.
fn help_block(scope: Scope, theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = vec![Line::from(Span::styled(
        format!(" {}", scope.title()),
        theme.heading,
    ))];
    let rows = keymap::help_rows(scope);
    let key_w = rows
        .iter()
        .map(|(k, _)| display_width(k))
        .max()
        .unwrap_or(0)
        .min(14);
    for (keys, text) in rows {
        let pad = key_w.saturating_sub(display_width(&keys));
        lines.push(Line::from(format!("  {keys}{} {text}", " ".repeat(pad))));
    }
    lines
}

/// The help overlay: the focused scope's keys and the global ones, flowed
/// into as many columns as fit (at least 36 columns wide each), scrolled
/// with PgDn/PgUp when even that is not enough; the closing hint always on
/// the last row.
pub fn help(frame: &mut Frame, area: Rect, s: &AppState, theme: &Theme) {
    let scope = scope_of(s);
    let mut lines = help_block(scope, theme);
    if scope == Scope::MinutesInput {
        lines.push(Line::from(Span::styled(
            "  入力欄: Home/End Ctrl-U/W/K、Ctrl-Z 取り消し、Ctrl-Y やり直し",
            theme.muted,
        )));
    }
    // The import overlay takes every key: the global ones do not apply.
    if !matches!(
        scope,
        Scope::Global | Scope::MinutesInput | Scope::Search | Scope::Import
    ) {
        lines.push(Line::from(""));
        lines.extend(help_block(Scope::Global, theme));
    }
    let rows = (area.height as usize).saturating_sub(2).max(1);
    let max_cols = (area.width as usize / 36).max(1);
    let cols = lines.len().div_ceil(rows).clamp(1, max_cols);
    let per_page = rows * cols;
    let pages = lines.len().div_ceil(per_page).max(1);
    let first = (s.help_scroll / rows * rows).min((pages - 1) * per_page);
    let w = area.width.min(if cols > 1 { 120 } else { 72 });
    let body_rows = lines.len().saturating_sub(first).div_ceil(cols).min(rows);
    let h = (body_rows as u16 + 2).min(area.height);
    let r = Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    };
    frame.render_widget(Clear, r);
    crate::ui::title_bar(frame, Rect { height: 1, ..r }, "ヘルプ（キー一覧）", theme);
    let col_w = w / cols as u16;
    for (c, chunk) in lines[first..]
        .chunks(body_rows.max(1))
        .take(cols)
        .enumerate()
    {
        let rows: Vec<Line> = chunk
            .iter()
            .map(|l| {
                let text: String = l.spans.iter().map(|s| s.content.as_ref()).collect();
                let (cut, _) = truncate_to_width(&text, col_w as usize);
                Line::from(Span::styled(
                    cut,
                    l.spans.first().map_or(theme.base, |s| s.style),
                ))
            })
            .collect();
        frame.render_widget(
            Paragraph::new(rows),
            Rect {
                x: r.x + col_w * c as u16,
                y: r.y + 1,
                width: col_w,
                height: r.height.saturating_sub(2),
            },
        );
    }
    let more = first + per_page < lines.len();
    let footer = if more || first > 0 {
        " PgDn/PgUp で続き、ほかのキーで閉じます"
    } else {
        " どのキーでも閉じます"
    };
    frame.render_widget(
        Paragraph::new(Span::styled(footer, theme.muted)),
        Rect {
            y: r.bottom().saturating_sub(1),
            height: 1,
            ..r
        },
    );
}
