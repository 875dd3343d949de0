//! The attendance pictures (`v`): each meeting's attendance rate as a bar
//! (grouped by fiscal year), and under it a sparkline per job title across
//! the meetings shown — a tall bar where the title attended, a low one
//! where it did not — with its count and rate. Drawn with the glyph set's
//! bars (`#`, `=`, `-` in ascii), readable without colour.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Paragraph, Sparkline};
use ratatui::Frame;

use crate::app::panes::attendance::{first_shown, State};
use crate::db::attendance::{rate, Matrix};
use crate::ui::{title_bar, Theme};
use crate::wareki;
use crate::widget::width::{display_width, pad_to_width};

/// Sparkline heights: attended fills the cell, absent is a low mark so
/// the rhythm of meetings stays visible.
const ATTENDED: u64 = 8;
const ABSENT: u64 = 1;

pub fn draw(frame: &mut Frame, area: Rect, a: &State, m: &Matrix, theme: &Theme) {
    let n = a.view.rows.len();
    let title = format!(
        "出席の図  {}  会議 {}  職名 {}  （v で表）",
        years_text(m),
        m.meetings.len(),
        n
    );
    title_bar(frame, Rect { height: 1, ..area }, &title, theme);
    if m.meetings.is_empty() {
        let msg = " この範囲の会議はありません。[ ] で年度を移れます";
        frame.render_widget(
            Paragraph::new(Span::styled(msg, theme.muted)),
            Rect {
                y: area.y + 2,
                height: 1,
                ..area
            },
        );
        return;
    }
    let body = Rect {
        y: area.y + 1,
        height: area.height.saturating_sub(1),
        ..area
    };
    let bars_h = (body.height / 2).clamp(5, 14);
    let [bars, _, lines] = Layout::vertical([
        Constraint::Length(bars_h),
        Constraint::Length(1),
        Constraint::Min(1),
    ])
    .areas(body);
    rate_bars(frame, bars, a, m, theme);
    sparklines(frame, lines, a, m, theme);
}

fn years_text(m: &Matrix) -> String {
    if m.first_year == m.last_year {
        wareki::format_fiscal_year(m.first_year)
    } else {
        format!(
            "{}〜{}",
            wareki::format_fiscal_year(m.first_year),
            wareki::format_fiscal_year(m.last_year)
        )
    }
}

/// One bar per meeting: the share of the shown titles that attended, in
/// percent, grouped by fiscal year; the meetings that fit, from the
/// cursor's window.
fn rate_bars(frame: &mut Frame, area: Rect, a: &State, m: &Matrix, theme: &Theme) {
    let n = a.view.rows.len();
    let [head, chart] = Layout::vertical([Constraint::Length(1), Constraint::Min(2)]).areas(area);
    frame.render_widget(
        Paragraph::new(Span::styled(" 会議ごとの出席率（%）", theme.heading)),
        head,
    );
    let total = m.meetings.len();
    let bar_w: u16 = if chart.width as usize >= total * 7 + 2 {
        5
    } else {
        3
    };
    let fit = ((chart.width.saturating_sub(2)) / (bar_w + 1)).max(1) as usize;
    let left = first_shown(a.left, a.col, fit, total);
    let shown = left..(left + fit).min(total);
    let mut chart_w = BarChart::default()
        .bar_width(bar_w)
        .bar_gap(1)
        .group_gap(2)
        .bar_set(crate::ui::chart::bars(&theme.glyphs))
        .bar_style(theme.heading)
        .value_style(theme.selection)
        .label_style(theme.base)
        .max(100);
    for fy in m.first_year..=m.last_year {
        let bars: Vec<Bar> = shown
            .clone()
            .filter(|&i| m.meetings[i].fiscal_year == fy)
            .map(|i| {
                let count = a.view.meeting_counts.get(i).copied().unwrap_or(0);
                let pct = if n == 0 {
                    0
                } else {
                    (count * 200 + n) / (n * 2)
                } as u64;
                let style = if i == a.col {
                    theme.selection
                } else {
                    theme.heading
                };
                Bar::default()
                    .value(pct)
                    .text_value(pct.to_string())
                    .label(Line::from(format!("{}回", m.meetings[i].number)))
                    .style(style)
            })
            .collect();
        if bars.is_empty() {
            continue;
        }
        let label = if m.first_year == m.last_year {
            Line::from("")
        } else {
            Line::from(Span::styled(wareki::format_fiscal_year(fy), theme.muted))
        };
        chart_w = chart_w.data(BarGroup::default().label(label).bars(&bars));
    }
    frame.render_widget(
        chart_w,
        Rect {
            x: chart.x + 1,
            width: chart.width.saturating_sub(1),
            ..chart
        },
    );
}

/// A sparkline per job title across the meetings shown, its count and
/// rate after it; the rows from the cursor's window.
fn sparklines(frame: &mut Frame, area: Rect, a: &State, m: &Matrix, theme: &Theme) {
    if area.height < 2 {
        return;
    }
    frame.render_widget(
        Paragraph::new(Span::styled(
            " 職名ごとの出席（高い棒が出席、低い棒が欠席）",
            theme.heading,
        )),
        Rect { height: 1, ..area },
    );
    let rows_h = (area.height - 1) as usize;
    let meetings = m.meetings.len();
    let name_w = (area.width / 3).clamp(10, 24) as usize;
    let tail_w = 11usize; // " 12/15  80%"
    let room = (area.width as usize).saturating_sub(name_w + tail_w + 1);
    // Each meeting as wide as fits (at most 4 columns), so few meetings
    // still read as bars.
    let scale = (room / meetings.max(1)).clamp(1, 4);
    let top = first_shown(a.top, a.row, rows_h, a.view.rows.len());
    for (i, (r, &t)) in a
        .view
        .rows
        .iter()
        .enumerate()
        .skip(top)
        .take(rows_h)
        .enumerate()
    {
        let Some(title) = m.titles.get(t) else {
            continue;
        };
        let y = area.y + 1 + r as u16;
        let style = if i == a.row {
            theme.selection
        } else {
            theme.base
        };
        let name = pad_to_width(&format!(" {}", title.label()), name_w);
        frame.render_widget(
            Paragraph::new(Span::styled(name, style)),
            Rect {
                x: area.x,
                y,
                width: name_w as u16,
                height: 1,
            },
        );
        let values = bar_values(m, t, scale);
        let skip = values.len().saturating_sub(room);
        let line_w = (values.len() - skip).min(room) as u16;
        frame.render_widget(
            Sparkline::default()
                .data(&values[skip..])
                .max(ATTENDED)
                .bar_set(crate::ui::chart::bars(&theme.glyphs))
                .style(theme.heading),
            Rect {
                x: area.x + name_w as u16 + 1,
                y,
                width: line_w,
                height: 1,
            },
        );
        let count = (0..meetings).filter(|&c| m.attended(t, c)).count();
        let tail = format!("{count:>3}/{meetings:<3}{:>5}", rate(count, meetings));
        let x = area.x + name_w as u16 + 1 + line_w + 1;
        frame.render_widget(
            Paragraph::new(Span::styled(tail.clone(), Style::default())),
            Rect {
                x,
                y,
                width: (display_width(&tail) as u16).min(area.right().saturating_sub(x)),
                height: 1,
            },
        );
    }
}

/// Title `t`'s bars: each meeting `scale` columns wide, high when attended,
/// low when absent.
fn bar_values(m: &Matrix, t: usize, scale: usize) -> Vec<u64> {
    (0..m.meetings.len())
        .flat_map(|c| {
            let v = if m.attended(t, c) { ATTENDED } else { ABSENT };
            std::iter::repeat_n(v, scale)
        })
        .collect()
}
