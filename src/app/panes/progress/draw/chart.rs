//! The progress pictures: a stacked status bar per half year (how many of
//! the shown items are 完了, 予定通り, 遅れ … as of each period), and a
//! timeline of milestones on a 和暦 fiscal-year axis. Every mark is one
//! column and has an ASCII form (`#` `=` `-` `.`), so the `ascii` glyph set
//! never draws a block element (East Asian ambiguous width).

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::tone_style;
use crate::app::panes::progress::state::Row;
use crate::app::panes::progress::view::{period_label, status_at, tone, Tone};
use crate::app::state::AppState;
use crate::db::progress_board::{MilestoneRow, ProgressData, ProgressItem};
use crate::model::Half;
use crate::ui::Theme;
use crate::widget::text_input::{display_width, pad_to_width};

/// Tones in the order the bar stacks them, with their names.
pub const STACK: [(Tone, &str); 6] = [
    (Tone::Done, "完了"),
    (Tone::Ahead, "前倒し"),
    (Tone::OnTrack, "予定通り"),
    (Tone::Late, "遅れ"),
    (Tone::NotStarted, "未着手"),
    (Tone::Other, "未設定"),
];

/// The mark of a tone's part of a bar: block-free in `ascii`.
pub fn mark(t: Tone, ascii: bool) -> &'static str {
    match (t, ascii) {
        (Tone::Done, false) => "█",
        (Tone::Done, true) => "#",
        (Tone::Ahead, _) => ">",
        (Tone::OnTrack, _) => "=",
        (Tone::Late, _) => "-",
        (Tone::NotStarted, _) => ".",
        (Tone::Other, _) => " ",
    }
}

/// The items the grid shows (filters applied).
pub fn shown_items<'a>(s: &'a AppState, d: &'a ProgressData) -> Vec<&'a ProgressItem> {
    s.progress
        .rows
        .iter()
        .filter_map(|r| match r {
            Row::Item(i) => d.items.get(*i),
            _ => None,
        })
        .collect()
}

/// How many items are of each tone as of every half year.
fn counts(s: &AppState, d: &ProgressData) -> Vec<(String, [usize; 6])> {
    let items = shown_items(s, d);
    s.progress
        .periods
        .iter()
        .filter(|p| p.half != Half::Year)
        .map(|p| {
            let mut c = [0usize; 6];
            for it in &items {
                let scale = d
                    .plans
                    .get(it.plan)
                    .map(|x| x.status_scale.as_slice())
                    .unwrap_or(&[]);
                let t = status_at(it, *p).map_or(Tone::Other, |(st, _)| tone(st, scale));
                if let Some(k) = STACK.iter().position(|(x, _)| *x == t) {
                    c[k] += 1;
                }
            }
            (period_label(*p, s.progress.western), c)
        })
        .collect()
}

/// One stacked bar `width` columns wide: each tone's share, rounded so the
/// parts add up to the width.
fn bar(c: &[usize; 6], width: usize, ascii: bool, theme: &Theme) -> Vec<Span<'static>> {
    // Items with no status yet are counted beside the bar, not in it.
    let total: usize = c[..5].iter().sum();
    let mut spans = Vec::new();
    if total == 0 || width == 0 {
        return spans;
    }
    let (mut acc, mut drawn) = (0usize, 0usize);
    for (k, (t, _)) in STACK.iter().enumerate().take(5) {
        acc += c[k];
        let upto = (acc * width + total / 2) / total;
        let n = upto.saturating_sub(drawn);
        drawn = upto.max(drawn);
        if n > 0 {
            let style = tone_style(*t, theme).patch(Style::default());
            spans.push(Span::styled(mark(*t, ascii).repeat(n), style));
        }
    }
    spans
}

/// The stacked status bars, one row per half year, scrolled by `scroll`.
pub fn status_bars(frame: &mut Frame, area: Rect, s: &AppState, d: &ProgressData, theme: &Theme) {
    let ascii = theme.glyphs.name == "ascii";
    let rows = counts(s, d);
    let mut lines = vec![legend(ascii, theme)];
    let label_w = rows.iter().map(|r| display_width(&r.0)).max().unwrap_or(4);
    let width = usize::from(area.width);
    let bar_w = width.saturating_sub(label_w + 2 + 24).max(4);
    let focus = s
        .progress
        .period
        .map(|p| period_label(p, s.progress.western));
    let room = usize::from(area.height).saturating_sub(1);
    let top = s.progress.scroll.min(rows.len().saturating_sub(room));
    for (label, c) in rows.iter().skip(top).take(room) {
        let style = if focus.as_deref() == Some(label.as_str()) {
            theme.selection
        } else {
            theme.heading
        };
        let mut spans = vec![Span::styled(
            format!(" {} ", pad_to_width(label, label_w)),
            style,
        )];
        let b = bar(c, bar_w, ascii, theme);
        let used: usize = b.iter().map(|x| display_width(&x.content)).sum();
        spans.extend(b);
        spans.push(Span::raw(" ".repeat(bar_w.saturating_sub(used) + 1)));
        let (done, late, with) = (c[0], c[3], c[..5].iter().sum::<usize>());
        spans.push(Span::styled(
            format!("完了{done} 遅れ{late} 状況{with}/{}", with + c[5]),
            theme.muted,
        ));
        lines.push(Line::from(spans));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

fn legend(ascii: bool, theme: &Theme) -> Line<'static> {
    let mut spans = vec![Span::raw(" ")];
    for (t, name) in STACK {
        let m = match mark(t, ascii) {
            " " => "_",
            m => m,
        };
        spans.push(Span::styled(m.to_string(), tone_style(t, theme)));
        spans.push(Span::styled(format!(" {name}  "), theme.muted));
    }
    Line::from(spans)
}

/// Every milestone of the shown items with its item, oldest first.
pub fn milestones<'a>(
    s: &'a AppState,
    d: &'a ProgressData,
) -> Vec<(&'a ProgressItem, &'a MilestoneRow)> {
    let mut all: Vec<(&ProgressItem, &MilestoneRow)> = shown_items(s, d)
        .into_iter()
        .flat_map(|it| it.milestones.iter().map(move |m| (it, m)))
        .collect();
    all.sort_by_key(|(it, m)| (m.span.date, it.node_id));
    all
}

/// The timeline: a mark per milestone on a fiscal-year axis labelled in
/// 和暦 (H18, H20 …; the one rule of `wareki::fiscal`), three rows.
pub fn timeline(
    frame: &mut Frame,
    area: Rect,
    list: &[(&ProgressItem, &MilestoneRow)],
    theme: &Theme,
) {
    let (Some(first), Some(last)) = (list.first(), list.last()) else {
        return;
    };
    let fy0 = crate::wareki::fiscal_year(first.1.span.date);
    let fy1 = crate::wareki::fiscal_year(last.1.span.last_day()).max(fy0) + 1;
    let width = usize::from(area.width).saturating_sub(2).max(10);
    let years = (fy1 - fy0) as usize;
    let x_of = |d: chrono::NaiveDate| -> usize {
        let (start, _) = crate::wareki::fiscal_year_bounds(fy0);
        let (_, end) = crate::wareki::fiscal_year_bounds(fy1 - 1);
        let span = (end - start).num_days().max(1) as usize;
        let at = (d - start).num_days().max(0) as usize;
        (at * (width - 1) / span).min(width - 1)
    };
    let ascii = theme.glyphs.name == "ascii";
    let mut marks: Vec<Option<bool>> = vec![None; width];
    for (_, m) in list {
        let x = x_of(m.span.date);
        marks[x] = Some(marks[x].unwrap_or(true) && m.done);
    }
    let (done, open) = if ascii { ("o", ".") } else { ("o", "*") };
    let mark_line: String = marks
        .iter()
        .map(|m| match m {
            Some(true) => done,
            Some(false) => open,
            None => " ",
        })
        .collect();
    let mut axis = vec!['-'; width];
    let mut labels = vec![' '; width + 4];
    let step = (years * 5).div_ceil(width).max(1);
    for k in 0..years {
        let fy = fy0 + k as i32;
        let x = x_of(crate::wareki::fiscal_year_bounds(fy).0);
        axis[x] = '+';
        if k % step == 0 {
            for (j, ch) in crate::wareki::fiscal::short_fiscal_year(fy)
                .chars()
                .enumerate()
            {
                if let Some(c) = labels.get_mut(x + j) {
                    *c = ch;
                }
            }
        }
    }
    let lines = vec![
        Line::from(Span::styled(format!(" {mark_line}"), theme.status_done)),
        Line::from(Span::styled(
            format!(" {}", axis.iter().collect::<String>()),
            theme.muted,
        )),
        Line::from(Span::styled(
            format!(" {}", labels.iter().collect::<String>().trim_end()),
            theme.muted,
        )),
    ];
    frame.render_widget(Paragraph::new(lines), area);
}
