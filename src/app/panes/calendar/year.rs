//! The calendar's year view (`v`): the fiscal year's twelve months, April
//! to March, each a bar as tall as its number of meetings, with the month
//! the cursor is in highlighted and each month's 祝日 counted under it.
//! Drawn with the glyph set's bars (`#`, `=`, `-` in ascii).

use chrono::{Datelike, NaiveDate};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Paragraph};
use ratatui::Frame;

use crate::app::state::CalendarState;
use crate::config::dates::DateStyle;
use crate::ui::{title_bar, Theme};
use crate::wareki;

/// Rows the year view takes: its title, the bars with their labels, the
/// line of totals.
pub const HEIGHT: u16 = 12;

/// The months of fiscal year `fy` (its first days), April first.
pub fn months(fy: i32) -> Vec<NaiveDate> {
    (0..12)
        .filter_map(|i| {
            let (y, m) = if i < 9 { (fy, 4 + i) } else { (fy + 1, i - 8) };
            NaiveDate::from_ymd_opt(y, m as u32, 1)
        })
        .collect()
}

/// Meetings of `c`'s fiscal year in each of its months.
pub fn density(c: &CalendarState) -> Vec<(NaiveDate, u64)> {
    months(c.fiscal_year)
        .into_iter()
        .map(|first| {
            let n = c
                .meetings
                .iter()
                .filter(|m| m.date.year() == first.year() && m.date.month() == first.month())
                .count() as u64;
            (first, n)
        })
        .collect()
}

pub fn draw(frame: &mut Frame, area: Rect, c: &CalendarState, dates: DateStyle, theme: &Theme) {
    let counts = density(c);
    let total: u64 = counts.iter().map(|(_, n)| n).sum();
    title_bar(
        frame,
        Rect { height: 1, ..area },
        &format!(
            "{} 月ごとの会議 {} 件（v で月表示）",
            dates.fiscal_year(c.fiscal_year),
            total
        ),
        theme,
    );
    let [_, chart, foot] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(1),
    ])
    .areas(area);
    let slot = (chart.width.saturating_sub(2) / 12).clamp(3, 9);
    let bar_w = slot - 1;
    let max = counts.iter().map(|(_, n)| *n).max().unwrap_or(0).max(2);
    let bars: Vec<Bar> = counts
        .iter()
        .map(|(first, n)| {
            let here = c.cursor.year() == first.year() && c.cursor.month() == first.month();
            let style = if here { theme.selection } else { theme.heading };
            Bar::default()
                .value(*n)
                .text_value(if *n > 0 { n.to_string() } else { String::new() })
                .label(Line::from(format!("{}月", first.month())))
                .style(style)
        })
        .collect();
    let widget = BarChart::default()
        .bar_width(bar_w)
        .bar_gap(1)
        .bar_set(crate::ui::chart::bars(&theme.glyphs))
        .bar_style(theme.heading)
        .value_style(theme.selection)
        .label_style(theme.base)
        .max(max)
        .data(BarGroup::default().bars(&bars));
    frame.render_widget(
        widget,
        Rect {
            x: chart.x + 1,
            width: chart.width.saturating_sub(1),
            ..chart
        },
    );
    // Under each month: its 祝日, so a crowded month reads at a glance.
    let mut spans = vec![Span::styled(" ", theme.muted)];
    for (first, _) in &counts {
        let holidays = holidays_in(*first);
        let text = if holidays > 0 {
            format!("祝{holidays}")
        } else {
            String::new()
        };
        spans.push(Span::styled(
            crate::widget::width::pad_to_width(&text, slot as usize),
            theme.sunday,
        ));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), foot);
}

/// 祝日 in the month starting `first`.
fn holidays_in(first: NaiveDate) -> usize {
    first
        .iter_days()
        .take_while(|d| d.month() == first.month())
        .filter(|d| wareki::holidays::is_holiday(*d))
        .count()
}
