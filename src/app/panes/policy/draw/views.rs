//! The comparison with the previous year's plan, and the suggested links.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::{budget_text, first_row};
use crate::app::panes::policy::compare::{Change, DiffRow};
use crate::app::panes::policy::State;
use crate::db::policy::group_kyen;
use crate::ui::{title_bar, Theme};
use crate::wareki;
use crate::widget::text_input::{display_width, pad_to_width, truncate_to_width};

fn body(area: Rect, skip: u16) -> Rect {
    Rect {
        y: area.y + skip,
        height: area.height.saturating_sub(skip),
        ..area
    }
}

fn signed(d: Option<i64>) -> String {
    match d {
        None => "-".into(),
        Some(0) => "0".into(),
        Some(n) if n > 0 => format!("+{}", group_kyen(n)),
        Some(n) => group_kyen(n),
    }
}

const NUM_W: usize = 11;

pub fn compare(frame: &mut Frame, area: Rect, p: &State, theme: &Theme) {
    let Some(c) = &p.compare else {
        return;
    };
    title_bar(
        frame,
        Rect { height: 1, ..area },
        &format!("比較: {}（前: {}）", c.title, c.previous_title),
        theme,
    );
    let width = area.width as usize;
    let summary = format!(
        " 追加 {}  削除 {}  変更 {}   予算合計 {} から {} 千円（{}）",
        c.count(Change::Added),
        c.count(Change::Removed),
        c.count(Change::Changed),
        budget_text(c.total_before),
        budget_text(c.total_after),
        signed(match (c.total_before, c.total_after) {
            (None, None) => None,
            (b, a) => Some(a.unwrap_or(0) - b.unwrap_or(0)),
        })
    );
    let nums = format!(
        "{:>w$}{:>w$}{:>w$}",
        "前年度",
        "今年度",
        "増減",
        w = NUM_W - 3
    );
    let title_w = width.saturating_sub(6 + 3 * NUM_W + 1);
    let header = format!(" 区分 {}{nums}", pad_to_width("項目", title_w));
    let mut lines = vec![
        Line::from(summary),
        Line::from(Span::styled(pad_to_width(&header, width), theme.heading)),
    ];
    let h = area.height.saturating_sub(3) as usize;
    if c.rows.is_empty() {
        lines.push(Line::from(Span::styled(" 違いはありません", theme.muted)));
    }
    let first = first_row(p.compare_scroll, c.rows.len(), h);
    for (i, r) in c.rows.iter().enumerate().skip(first).take(h) {
        lines.push(diff_line(r, title_w, i == p.compare_scroll, theme));
    }
    frame.render_widget(Paragraph::new(lines), body(area, 1));
}

fn diff_line<'a>(r: &DiffRow, title_w: usize, selected: bool, theme: &Theme) -> Line<'a> {
    let style = match r.change {
        Change::Added => theme.saved,
        Change::Removed => theme.warning,
        Change::Changed => theme.base,
    };
    let mut label = if r.code.is_empty() {
        format!("{}{} {}", "  ".repeat(r.depth), r.level, r.title)
    } else {
        format!("{}{}{} {}", "  ".repeat(r.depth), r.level, r.code, r.title)
    };
    if !r.what.is_empty() {
        label.push_str(&format!("［{}］", r.what.join("・")));
    }
    if let Some(old) = &r.old_title {
        label.push_str(&format!(" 旧題「{old}」"));
    }
    if let Some(old) = &r.old_code {
        label.push_str(&format!(" 旧コード {old}"));
    }
    let nums = format!(
        "{:>w$}{:>w$}{:>w$}",
        budget_text(r.before),
        budget_text(r.after),
        signed(r.difference()),
        w = NUM_W
    );
    let text = format!(
        " {}  {}{nums}",
        r.change.label(),
        pad_to_width(&label, title_w)
    );
    let style = if selected {
        style.patch(theme.selection)
    } else {
        style
    };
    Line::from(Span::styled(text, style))
}

pub fn suggestions(frame: &mut Frame, area: Rect, p: &State, theme: &Theme) {
    let list = p.visible_suggestions();
    title_bar(
        frame,
        Rect { height: 1, ..area },
        &format!(
            "議題と運営方針の関連づけの候補 {}件（y 採用、x 却下、Enter で会議へ、Esc で戻る）",
            list.len()
        ),
        theme,
    );
    let width = area.width as usize;
    let mut lines = Vec::new();
    if p.suggestions_loading && list.is_empty() {
        lines.push(Line::from(Span::styled(" 探しています", theme.muted)));
    } else if list.is_empty() {
        lines.push(Line::from(Span::styled(
            " 候補はありません（題名に共通する語のある議題と項目を探します）",
            theme.muted,
        )));
    }
    // Three lines a suggestion: the item, the node, the shared topic.
    let per = 3;
    let h = (area.height.saturating_sub(1) as usize) / per;
    let first = first_row(p.suggestion_cursor, list.len(), h.max(1));
    for (i, g) in list.iter().enumerate().skip(first).take(h) {
        let sel = i == p.suggestion_cursor;
        let style = if sel { theme.selection } else { theme.base };
        let item = format!(
            " {} 第{}回 ({}) {}",
            wareki::format_date(g.date),
            g.meeting_number,
            g.item_number,
            g.item_title
        );
        let node = format!(
            "   {}{} {}  {}",
            g.level, g.code, g.node_title, g.plan_title
        );
        let (item, _) = truncate_to_width(&item, width);
        let (node, _) = truncate_to_width(&node, width);
        lines.push(Line::from(Span::styled(pad_to_width(&item, width), style)));
        lines.push(Line::from(Span::styled(node, theme.base)));
        let topic = format!("   共通: {}", g.topics.join("、"));
        let w = display_width(&topic).min(width);
        let (topic, _) = truncate_to_width(&topic, w);
        lines.push(Line::from(Span::styled(topic, theme.muted)));
    }
    frame.render_widget(Paragraph::new(lines), body(area, 1));
}
