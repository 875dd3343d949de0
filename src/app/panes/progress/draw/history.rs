//! 年表: the dated history of the shown items (seed 003's reforms), oldest
//! first — the timeline on a 和暦 axis, then every milestone with its date,
//! its item and its whole text, wrapped with the one 禁則 wrapping.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::chart;
use crate::app::state::AppState;
use crate::db::progress_board::ProgressData;
use crate::ui::wrap::wrap_line;
use crate::ui::Theme;

/// The timeline over the list; `scroll` is the first entry shown.
pub fn draw(frame: &mut Frame, area: Rect, s: &AppState, d: &ProgressData, theme: &Theme) {
    let list = chart::milestones(s, d);
    if list.is_empty() {
        let msg = " 日付のある記録（マイルストーン）がありません。a で追加できます";
        frame.render_widget(Paragraph::new(Span::styled(msg, theme.muted)), area);
        return;
    }
    let chart_h = 3u16.min(area.height);
    chart::timeline(
        frame,
        Rect {
            height: chart_h,
            ..area
        },
        &list,
        theme,
    );
    let body = Rect {
        y: area.y + chart_h,
        height: area.height.saturating_sub(chart_h),
        ..area
    };
    let width = usize::from(body.width);
    let mut lines = Vec::new();
    let top = s.progress.scroll.min(list.len().saturating_sub(1));
    for (k, (it, m)) in list.iter().enumerate().skip(top) {
        if lines.len() >= usize::from(body.height) {
            break;
        }
        let mark = if m.done {
            theme.glyphs.milestone_done
        } else {
            theme.glyphs.milestone_open
        };
        let when = crate::wareki::span::format(&m.span);
        let style = if k == top {
            theme.selection
        } else {
            theme.heading
        };
        let head = Line::from(vec![
            Span::styled(format!(" {mark} {when}"), style),
            Span::styled(format!("  {}", it.label()), theme.muted),
        ]);
        lines.extend(wrap_line(&head, width, 4));
        let same = m.text.trim() == it.title.trim();
        for para in m.text.lines().filter(|_| !same) {
            let l = Line::from(format!("    {para}"));
            lines.extend(wrap_line(&l, width, 4));
        }
    }
    lines.truncate(usize::from(body.height));
    frame.render_widget(Paragraph::new(lines), body);
}
