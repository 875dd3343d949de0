//! Minute taking: agenda items on the left, the current item's summary and
//! entries on the right (✓ on each saved one), the input line at the bottom
//! with the terminal's cursor at the caret, where the IME draws.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::ui::wrap::{bullet_indent, wrap_lines};
use ratatui::Frame;

use crate::app::panes::calendar::draw::opinion_line;
use crate::app::state::{AppState, MinutesState, Mode};
use crate::db::{ItemRow, MeetingDetail};
use crate::ui::{title_bar, Theme};
use crate::widget::text_input::{display_width, truncate_to_width};

pub fn draw(frame: &mut Frame, area: Rect, s: &AppState, theme: &Theme) {
    let (Some(m), Some(d)) = (&s.minutes, &s.calendar.detail) else {
        return;
    };
    let [header, main, _, input] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let mt = &d.meeting;
    title_bar(
        frame,
        header,
        &format!(
            "記録中  第{}回 {} {}{}",
            mt.number,
            s.dates.date_weekday(mt.date),
            mt.place,
            crate::app::panes::calendar::draw::recording_note(d).replace("記録中", "ほかに記録中")
        ),
        theme,
    );
    let left_w = (area.width / 3).clamp(16, 36);
    let [left, _, right] = Layout::horizontal([
        Constraint::Length(left_w),
        Constraint::Length(1),
        Constraint::Min(10),
    ])
    .areas(main);

    agenda(frame, left, left_w, d, m.item, theme);
    // Keep the newest entries in view (counting wrapped rows).
    let lines = d
        .items
        .get(m.item)
        .map(|it| entry_lines(s, m, it, theme))
        .unwrap_or_default();
    let rows = wrap_lines(lines, right.width as usize, bullet_indent);
    let scroll = rows.len().saturating_sub(right.height as usize) as u16;
    frame.render_widget(Paragraph::new(rows).scroll((scroll, 0)), right);
    input_line(frame, input, s, m, theme);
}

/// The agenda items, the current one selected.
fn agenda(
    frame: &mut Frame,
    left: Rect,
    left_w: u16,
    d: &MeetingDetail,
    current: usize,
    theme: &Theme,
) {
    let items: Vec<Line> = d
        .items
        .iter()
        .enumerate()
        .map(|(i, it)| {
            let title = crate::ui::sanitize::clean(&it.title);
            let label = format!(" ({}) {} [{}]", it.number, title, it.opinions.len());
            let (cut, _) = truncate_to_width(&label, left_w as usize);
            if i == current {
                Line::from(Span::styled(cut, theme.selection))
            } else {
                Line::from(cut)
            }
        })
        .collect();
    let mut left_lines = vec![Line::from(Span::styled(" 議題", theme.heading))];
    left_lines.extend(items);
    if d.items.is_empty() {
        left_lines.push(Line::from(Span::styled(
            " （議題なし: Ctrl-N で追加）",
            theme.muted,
        )));
    }
    frame.render_widget(Paragraph::new(left_lines), left);
}

/// The item's heading, summary, saved entries and those still being saved.
fn entry_lines<'a>(
    s: &'a AppState,
    m: &'a MinutesState,
    it: &'a ItemRow,
    theme: &Theme,
) -> Vec<Line<'a>> {
    let mut lines: Vec<Line> = Vec::new();
    {
        let on_item = s.mode == Mode::MinutesList && (m.heading || it.opinions.is_empty());
        let heading_style = if on_item {
            theme.heading.patch(theme.selection)
        } else {
            theme.heading
        };
        lines.push(Line::from(Span::styled(
            format!("({}) {}", it.number, it.title),
            heading_style,
        )));
        for l in it.summary.lines() {
            lines.push(Line::from(Span::styled(l, theme.muted)));
        }
        for (i, o) in it.opinions.iter().enumerate() {
            let mut line = opinion_line(o, s.dates, theme);
            line.spans
                .insert(0, Span::styled(theme.glyphs.saved, theme.saved));
            if s.mode == Mode::MinutesList && !m.heading && i == m.entry {
                line = line.patch_style(theme.selection);
            }
            lines.push(line);
        }
        // A saved entry the list already holds is drawn there.
        let listed = |id: i64| it.opinions.iter().any(|o| o.id == id);
        let pending = m.pending.iter().filter(|p| p.item_id == it.id);
        for p in pending.filter(|p| !p.saved_id.is_some_and(listed)) {
            let mut spans = vec![];
            match p.saved_id {
                Some(_) => spans.push(Span::styled(theme.glyphs.saved, theme.saved)),
                None => spans.push(Span::styled(" ", theme.pending)),
            }
            spans.push(Span::raw(format!("  {}", theme.glyphs.bullet)));
            let speaker = crate::model::speaker_prefix(p.speaker.as_deref());
            if !speaker.is_empty() {
                spans.push(Span::styled(speaker, theme.muted));
            }
            let style = if p.saved_id.is_some() {
                theme.base
            } else {
                theme.pending
            };
            spans.push(Span::styled(p.text.as_str(), style));
            if p.saved_id.is_none() {
                spans.push(Span::styled("（保存中）", theme.pending));
            }
            lines.push(Line::from(spans));
        }
    }
    lines
}

/// The input line: its label, the text, and the terminal's cursor at the
/// caret while typing.
fn input_line(frame: &mut Frame, input: Rect, s: &AppState, m: &MinutesState, theme: &Theme) {
    let mut label = String::new();
    if m.editing.is_some() {
        label.push_str("編集");
    } else {
        label.push_str("意見");
    }
    if let Some(sp) = &m.speaker {
        label.push_str(&format!("[{sp}]"));
    }
    if m.saving.is_some() {
        label.push_str("（保存中）> ");
    } else if m.draft_saved {
        label.push_str(&format!(" {}> ", theme.glyphs.saved));
    } else {
        label.push_str(" > ");
    }
    let label_w = display_width(&label) as u16;
    let [lab, field] =
        Layout::horizontal([Constraint::Length(label_w), Constraint::Min(1)]).areas(input);
    frame.render_widget(Paragraph::new(Span::styled(label, theme.heading)), lab);
    m.input.render_marked(
        field,
        frame.buffer_mut(),
        (theme.input, theme.muted),
        theme.glyphs.newline,
    );
    if s.mode == Mode::MinutesInput && s.prompt.is_none() && !s.help {
        frame.set_cursor_position(m.input.cursor_position(field));
    }
}
