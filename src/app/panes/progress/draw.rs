//! Drawing the progress pane: a title bar (view, focused period, 宿題
//! counts), the filter line, the view (表, ボード, 詳細, 宿題) and a footer
//! that shows the selection or the field being edited, with the terminal
//! cursor at the caret.

mod actions;
mod board;
mod chart;
mod detail;
mod grid;
mod history;

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::app::panes::progress::view::{period_label, year_long, Tone};
use crate::app::panes::progress::{State, View};
use crate::app::state::AppState;
use crate::ui::{title_bar, Theme};
use crate::widget::text_input::{display_width, truncate_to_width};

pub fn draw(frame: &mut Frame, area: Rect, s: &AppState, theme: &Theme) {
    let p = &s.progress;
    let footer_h = if p.editing.is_some() { 2 } else { 1 };
    let [head, filters, body, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(footer_h),
    ])
    .areas(area);
    title_bar(frame, head, &title(s), theme);
    filter_line(frame, filters, s, theme);
    let Some(_) = &p.data else {
        let msg = Paragraph::new(Span::styled(" 読み込み中", theme.muted));
        frame.render_widget(msg, body);
        return;
    };
    match p.view {
        View::Grid => grid::draw(frame, body, s, theme),
        View::Board => board::draw(frame, body, s, theme),
        View::Detail => detail::draw(frame, body, s, theme),
        View::Actions => actions::draw(frame, body, s, theme),
        View::Chart => {
            if let Some(d) = &p.data {
                chart::status_bars(frame, body, s, d, theme);
            }
        }
        View::History => {
            if let Some(d) = &p.data {
                history::draw(frame, body, s, d, theme);
            }
        }
    }
    match &p.editing {
        Some(e) => editor(frame, footer, s, e, theme),
        None => {
            let text = match p.view {
                View::Grid => grid::footer(s),
                View::Board => board::footer(s),
                View::Detail => detail::footer(s),
                View::Actions => actions::footer(s),
                View::Chart => {
                    " 期ごとの状況（表示中の項目）  j/k で上下  v で表示を切り替え".into()
                }
                View::History => " 年表（日付の古い順）  j/k で一件ずつ  T で戻る".into(),
            };
            line(frame, footer, &text, theme.muted);
        }
    }
}

fn title(s: &AppState) -> String {
    let p = &s.progress;
    let mut views = String::new();
    for v in [View::Grid, View::Board, View::Actions] {
        let on = p.view == v || (p.view == View::Detail && p.back == v);
        if on {
            views.push_str(&format!("[{}]", v.label()));
        } else {
            views.push_str(&format!(" {} ", v.label()));
        }
    }
    if p.view == View::Detail {
        views.push_str(" > 詳細");
    }
    let mut t = format!("進捗  {views}");
    if let Some(per) = p.period {
        t.push_str(&format!("   期 {}", period_label(per, p.western)));
    }
    if let Some(d) = &p.data {
        let today = s.calendar.today;
        let open = d.actions.iter().filter(|a| !a.is_closed()).count();
        let late = d.actions.iter().filter(|a| a.is_overdue(today)).count();
        t.push_str(&format!("   宿題 未完了{open}件"));
        if late > 0 {
            t.push_str(&format!("（期限切れ{late}件）"));
        }
    }
    t
}

fn filter_line(frame: &mut Frame, area: Rect, s: &AppState, theme: &Theme) {
    let p = &s.progress;
    let f = &p.filter;
    let mut parts: Vec<String> = Vec::new();
    if let (Some(id), Some(d)) = (f.plan, &p.data) {
        if let Some(plan) = d.plans.iter().find(|x| x.id == id) {
            parts.push(format!("計画: {}", plan.title));
        }
    }
    if let Some(fy) = f.fiscal_year {
        parts.push(format!("年度: {}", year_long(fy, p.western)));
    }
    if let Some(d) = &f.department {
        parts.push(format!("課: {d}"));
    }
    if let Some(st) = &f.status {
        parts.push(format!("状況: {st}"));
    }
    if f.overdue {
        parts.push("期限切れのみ".into());
    }
    let label = if parts.is_empty() && f.text.is_empty() && !f.typing {
        " 絞り込みなし（f 文字  p 計画  y 年度  d 課  t 状況  o 期限切れ）".to_string()
    } else {
        format!(" {}  ", parts.join("  "))
    };
    let style = if f.is_active() {
        theme.warning
    } else {
        theme.muted
    };
    if !f.typing && f.text.is_empty() {
        line(frame, area, &label, style);
        return;
    }
    let head = format!("{label}文字: ");
    let w = (display_width(&head) as u16).min(area.width.saturating_sub(8));
    let [l, input] = Layout::horizontal([Constraint::Length(w), Constraint::Min(1)]).areas(area);
    line(frame, l, &head, style);
    f.text.render_marked(
        input,
        frame.buffer_mut(),
        (theme.input, theme.muted),
        theme.glyphs.newline,
    );
    if f.typing && !s.help && s.prompt.is_none() {
        frame.set_cursor_position(f.text.cursor_position(input));
    }
}

fn editor(
    frame: &mut Frame,
    area: Rect,
    s: &AppState,
    e: &crate::app::panes::progress::Editing,
    theme: &Theme,
) {
    let [label, input] =
        Layout::vertical([Constraint::Length(1), Constraint::Length(1)]).areas(area);
    title_bar(
        frame,
        label,
        &format!("{}  Enter 保存  Esc やめる  Ctrl-J 改行", e.label),
        theme,
    );
    let [mark, field] =
        Layout::horizontal([Constraint::Length(2), Constraint::Min(1)]).areas(input);
    frame.render_widget(Paragraph::new(Span::styled(">", theme.heading)), mark);
    e.input.render_marked(
        field,
        frame.buffer_mut(),
        (theme.input, theme.muted),
        theme.glyphs.newline,
    );
    if !s.help && s.prompt.is_none() {
        frame.set_cursor_position(e.input.cursor_position(field));
    }
}

/// One line of text, cut to the area's width.
fn line(frame: &mut Frame, area: Rect, text: &str, style: Style) {
    let (cut, _) = truncate_to_width(text, area.width as usize);
    frame.render_widget(Paragraph::new(Span::styled(cut, style)), area);
}

/// The theme's style for a status tone.
fn tone_style(tone: Tone, theme: &Theme) -> Style {
    match tone {
        Tone::Ahead => theme.status_ahead,
        Tone::OnTrack => theme.status_on_track,
        Tone::Late => theme.status_late,
        Tone::NotStarted => theme.status_not_started,
        Tone::Done => theme.status_done,
        Tone::Other => theme.base,
    }
}

/// Wrap `text` into lines of at most `width` columns, at newlines and
/// where a line is full (by grapheme, so Japanese wraps anywhere).
/// `text` in rows of `width` columns, each line of it on its own rows, with
/// the one 禁則 wrapping (`ui::wrap`).
fn wrap(text: &str, width: usize) -> Vec<String> {
    text.split('\n')
        .flat_map(|para| {
            crate::ui::wrap::wrap_line(&Line::from(para.to_string()), width, 0)
                .into_iter()
                .map(|l| {
                    l.spans
                        .iter()
                        .map(|s| s.content.as_ref())
                        .collect::<String>()
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The first row to show so that `sel` is in a window of `height` rows out
/// of `len`: the selection kept near the middle once the list scrolls.
fn window_top(sel: usize, len: usize, height: usize) -> usize {
    if len <= height || height == 0 {
        return 0;
    }
    sel.saturating_sub(height / 2).min(len - height)
}

/// Spans of a line: `(text, style)` pieces, laid out left to right.
fn spans(parts: Vec<(String, Style)>) -> Line<'static> {
    Line::from(
        parts
            .into_iter()
            .map(|(t, st)| Span::styled(t, st))
            .collect::<Vec<_>>(),
    )
}

/// The selected item's label for footers.
fn item_label(p: &State) -> Option<String> {
    let d = p.data.as_ref()?;
    let i = crate::app::panes::progress::view::selected_item(p)?;
    Some(d.items[i].label())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_japanese_by_width() {
        assert_eq!(wrap("区役所と本庁", 4), vec!["区役", "所と", "本庁"]);
        assert_eq!(wrap("a\nbc", 4), vec!["a", "bc"]);
        assert_eq!(wrap("", 4), vec![""]);
    }

    #[test]
    fn windows() {
        assert_eq!(window_top(0, 100, 10), 0);
        assert_eq!(window_top(50, 100, 10), 45);
        assert_eq!(window_top(99, 100, 10), 90);
        assert_eq!(window_top(5, 8, 10), 0);
    }
}
