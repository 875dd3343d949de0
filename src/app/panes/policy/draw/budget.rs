//! The budget picture of a plan: a bar per 経営課題 and 戦略 (their rolled-up
//! budget) with its share of the plan's total; when the plan has a previous
//! year, that year's bar under each (matched by level and code), so the two
//! years stand side by side. Bars are `█`/`▒` in the unicode glyph set and
//! `#`/`=` in `ascii` (no East Asian ambiguous block element there).

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::budget_text;
use crate::app::panes::policy::compare::previous_plan;
use crate::app::panes::policy::State;
use crate::db::{NodeView, PlanView, PolicyTree};
use crate::ui::{title_bar, Theme};
use crate::wareki;
use crate::widget::text_input::{display_width, pad_to_width, truncate_to_width};

/// Nodes the picture shows: the top two levels with a budget this year or
/// (matched by level and code) the year before.
fn charted<'a>(plan: &'a PlanView, prev: Option<&PlanView>) -> Vec<&'a NodeView> {
    plan.nodes
        .iter()
        .filter(|n| {
            n.depth <= 1
                && (n.rolled_up.is_some()
                    || prev
                        .and_then(|pv| matching(pv, n))
                        .is_some_and(|x| x.rolled_up.is_some()))
        })
        .collect()
}

fn matching<'a>(pv: &'a PlanView, n: &NodeView) -> Option<&'a NodeView> {
    pv.nodes
        .iter()
        .find(|x| x.level == n.level && x.code == n.code)
}

fn label(n: &NodeView) -> String {
    format!("{}{}{}", "  ".repeat(n.depth), n.level, n.code)
}

/// "14.6%" of `total` (one decimal), "-" without a total.
pub fn share(v: i64, total: Option<i64>) -> String {
    match total.filter(|t| *t > 0) {
        Some(t) => format!("{:.1}%", v as f64 * 100.0 / t as f64),
        None => "-".into(),
    }
}

pub fn draw(frame: &mut Frame, area: Rect, p: &State, t: &PolicyTree, theme: &Theme) {
    let Some(plan) = p
        .budget_plan
        .and_then(|id| t.plans.iter().find(|x| x.id == id))
    else {
        title_bar(frame, Rect { height: 1, ..area }, "予算", theme);
        return;
    };
    let prev = previous_plan(t, plan).map(|i| &t.plans[i]);
    let head = heading(plan, prev);
    title_bar(frame, Rect { height: 1, ..area }, &head, theme);
    let ascii = theme.glyphs.name == "ascii";
    let (this_mark, prev_mark) = if ascii { ("#", "=") } else { ("█", "▒") };
    let nodes = charted(plan, prev);
    let label_w = nodes
        .iter()
        .map(|n| display_width(&label(n)))
        .max()
        .unwrap_or(8)
        .min(24);
    let tail_w = 18;
    let bar_w = usize::from(area.width)
        .saturating_sub(label_w + tail_w + 3)
        .max(4);
    let max = [plan.total(), prev.and_then(PlanView::total)]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(0)
        .max(1);
    let mut lines = vec![legend(plan, prev, (this_mark, prev_mark), theme)];
    let row = |name: &str, v: Option<i64>, total: Option<i64>, mark: &str, style| {
        let v = v.unwrap_or(0);
        let n = (v.max(0) as usize * bar_w + max as usize / 2) / max as usize;
        let n = if v > 0 { n.max(1) } else { 0 };
        Line::from(vec![
            Span::styled(
                format!(
                    " {} ",
                    pad_to_width(&truncate_to_width(name, label_w).0, label_w)
                ),
                theme.heading,
            ),
            Span::styled(mark.repeat(n), style),
            Span::raw(" ".repeat(bar_w - n.min(bar_w) + 1)),
            Span::styled(
                format!("{:>10} {:>6}", budget_text(Some(v)), share(v, total)),
                theme.base,
            ),
        ])
    };
    for n in &nodes {
        lines.push(row(
            &label(n),
            n.rolled_up,
            plan.total(),
            this_mark,
            theme.status_on_track,
        ));
        if let Some(pv) = prev {
            let v = matching(pv, n).and_then(|x| x.rolled_up);
            lines.push(row("", v, pv.total(), prev_mark, theme.muted));
        }
    }
    let body = Rect {
        y: area.y + 1,
        height: area.height.saturating_sub(1),
        ..area
    };
    let room = usize::from(body.height).saturating_sub(1);
    let top = p.budget_scroll.min(lines.len().saturating_sub(room + 1));
    let shown: Vec<Line> = std::iter::once(lines[0].clone())
        .chain(lines.into_iter().skip(1 + top).take(room))
        .collect();
    frame.render_widget(Paragraph::new(shown), body);
}

/// "予算の内訳 <title>  合計 N千円", with the previous year's total after it.
fn heading(plan: &PlanView, prev: Option<&PlanView>) -> String {
    let year = |pl: &PlanView| {
        pl.fiscal_year
            .map(wareki::format_fiscal_year)
            .unwrap_or_default()
    };
    let mut head = format!(
        "予算の内訳 {}  合計 {}千円",
        plan.title,
        budget_text(plan.total())
    );
    if let Some(pv) = prev {
        head.push_str(&format!("（{} {}千円）", year(pv), budget_text(pv.total())));
    }
    head
}

fn legend<'a>(
    plan: &PlanView,
    prev: Option<&PlanView>,
    marks: (&str, &str),
    theme: &Theme,
) -> Line<'a> {
    let y = |pl: &PlanView| {
        pl.fiscal_year
            .map(wareki::format_fiscal_year)
            .unwrap_or_else(|| pl.title.clone())
    };
    let mut spans = vec![
        Span::styled(format!(" {}", marks.0), theme.status_on_track),
        Span::styled(format!(" {}", y(plan)), theme.muted),
    ];
    if let Some(pv) = prev {
        spans.push(Span::styled(format!("  {}", marks.1), theme.muted));
        spans.push(Span::styled(format!(" {}（前年度）", y(pv)), theme.muted));
    }
    spans.push(Span::styled(
        "  千円・計画の合計に占める割合  j/k で上下、b か Esc で戻る",
        theme.muted,
    ));
    Line::from(spans)
}
