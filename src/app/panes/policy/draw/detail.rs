//! The selected row in full: a plan's hierarchy, counts and total; a node's
//! budget, the agenda items where it was discussed, body, 中間振り返り and
//! 自己評価 per fiscal year, other notes and indicators.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::budget_text;
use crate::app::panes::policy::actions::{MID_REVIEW, SELF_EVALUATION};
use crate::app::panes::policy::compare::previous_plan;
use crate::app::panes::policy::view;
use crate::app::panes::policy::Focus;
use crate::app::state::AppState;
use crate::db::{NodeView, PlanView, PolicyTree};
use crate::ui::{title_bar, Theme};
use crate::wareki;

pub fn draw(frame: &mut Frame, area: Rect, s: &AppState, t: &PolicyTree, theme: &Theme) {
    let p = &s.policy;
    let Some((plan, node)) = p.current_row().and_then(|r| view::resolve(t, r)) else {
        title_bar(frame, Rect { height: 1, ..area }, "詳細", theme);
        let msg = " 計画がまだありません。N で新しい計画を作るか、kusei import で運営方針のページを読み込めます。";
        let width = usize::from(area.width);
        let lines =
            crate::ui::wrap::wrap_line(&Line::from(Span::styled(msg, theme.muted)), width, 1);
        frame.render_widget(
            Paragraph::new(lines),
            Rect {
                y: area.y + 1,
                height: area.height.saturating_sub(1),
                ..area
            },
        );
        return;
    };
    let (title, lines) = match node {
        None => (plan.title.clone(), plan_lines(t, plan, theme)),
        Some(n) => {
            let link = match p.focus {
                Focus::Links(i) => Some(i),
                Focus::Tree => None,
            };
            (
                view::node_label(n),
                node_lines(plan, n, link, s.calendar.today, theme),
            )
        }
    };
    title_bar(frame, Rect { height: 1, ..area }, &title, theme);
    // One 禁則 wrapping for all text (a bullet keeps its text beside it).
    let width = usize::from(area.width.saturating_sub(1));
    let lines = crate::ui::wrap::wrap_lines(lines, width, crate::ui::wrap::bullet_indent);
    frame.render_widget(
        Paragraph::new(lines),
        Rect {
            x: area.x + 1,
            y: area.y + 1,
            width: area.width.saturating_sub(1),
            height: area.height.saturating_sub(1),
        },
    );
}

/// "名前 値", after two spaces when it follows another field.
fn field<'a>(name: &str, value: String, theme: &Theme) -> Vec<Span<'a>> {
    vec![
        Span::styled(format!("{name} "), theme.heading),
        Span::raw(value),
    ]
}

fn more<'a>(spans: &mut Vec<Span<'a>>, name: &str, value: String, theme: &Theme) {
    spans.push(Span::raw("  "));
    spans.extend(field(name, value, theme));
}

pub fn plan_lines<'a>(t: &PolicyTree, plan: &'a PlanView, theme: &Theme) -> Vec<Line<'a>> {
    let mut first = field("種別", plan.kind.clone(), theme);
    if let Some(fy) = plan.fiscal_year {
        more(&mut first, "年度", wareki::format_fiscal_year(fy), theme);
    }
    if !plan.organisation.is_empty() {
        more(&mut first, "組織", plan.organisation.clone(), theme);
    }
    let counts: Vec<String> = plan
        .level_counts()
        .iter()
        .map(|(l, c)| format!("{l} {c}"))
        .collect();
    let total = match plan.total() {
        Some(b) => format!("{} 千円", budget_text(Some(b))),
        None => "予算なし".into(),
    };
    let mut lines = vec![
        Line::from(first),
        Line::from(field("階層", plan.hierarchy().join(" > "), theme)),
        Line::from(field("項目", counts.join("・"), theme)),
        Line::from(field("予算合計", total, theme)),
        Line::from(""),
    ];
    let hint = match previous_plan(t, plan) {
        Some(i) => format!("c で前の年度の計画（{}）と比較", t.plans[i].title),
        None => "前の年度の同じ種類の計画はありません".into(),
    };
    lines.push(Line::from(Span::styled(hint, theme.muted)));
    lines.push(Line::from(Span::styled(
        "Space で開閉、a で項目を追加、s で議題との関連づけの候補",
        theme.muted,
    )));
    lines
}

fn budget_line(n: &NodeView) -> String {
    match (n.budget_kyen, n.rolled_up) {
        (Some(b), _) => format!("{} 千円", budget_text(Some(b))),
        (None, Some(b)) => format!("{} 千円（下の項目の合計）", budget_text(Some(b))),
        (None, None) => "予算なし".into(),
    }
}

pub fn node_lines<'a>(
    plan: &PlanView,
    n: &'a NodeView,
    link: Option<usize>,
    today: chrono::NaiveDate,
    theme: &Theme,
) -> Vec<Line<'a>> {
    let mut head = field("階層", n.level.clone(), theme);
    if !n.code.is_empty() {
        more(&mut head, "コード", n.code.clone(), theme);
    }
    more(&mut head, "予算", budget_line(n), theme);
    let mut lines = vec![Line::from(head)];
    if n.lead_department.is_some() || !n.co_departments.is_empty() {
        let mut spans = field(
            "担当",
            n.lead_department.clone().unwrap_or_else(|| "-".into()),
            theme,
        );
        if !n.co_departments.is_empty() {
            more(&mut spans, "関係", n.co_departments.join("、"), theme);
        }
        lines.push(Line::from(spans));
    }
    links(&mut lines, n, link, theme);
    if !n.body.is_empty() {
        lines.push(Line::from(""));
        lines.extend(n.body.lines().map(|l| Line::from(l.to_string())));
    }
    notes(&mut lines, plan, n, today, theme);
    indicators(&mut lines, n, theme);
    lines
}

fn links<'a>(lines: &mut Vec<Line<'a>>, n: &'a NodeView, link: Option<usize>, theme: &Theme) {
    if n.links.is_empty() {
        lines.push(Line::from(vec![
            Span::styled("関連する議題 ", theme.heading),
            Span::styled("なし（会議タブで L、または s で候補から）", theme.muted),
        ]));
        return;
    }
    let hint = if link.is_some() {
        "Enter で会議へ、x で関連を外す、Esc で戻る"
    } else {
        "Enter で選ぶ"
    };
    lines.push(Line::from(vec![
        Span::styled(format!("関連する議題 {}件 ", n.links.len()), theme.heading),
        Span::styled(hint, theme.muted),
    ]));
    for (i, l) in n.links.iter().enumerate() {
        let text = format!(
            " {} 第{}回 ({}) {}",
            wareki::format_date_weekday(l.date),
            l.meeting_number,
            l.item_number,
            l.item_title
        );
        let style = if link == Some(i) {
            theme.selection
        } else {
            theme.base
        };
        lines.push(Line::from(Span::styled(text, style)));
    }
}

/// 中間振り返り and 自己評価 for the plan's year on every initiative of an
/// operating policy (marked 未記入 when missing), then every other note.
fn notes<'a>(
    lines: &mut Vec<Line<'a>>,
    plan: &PlanView,
    n: &'a NodeView,
    today: chrono::NaiveDate,
    theme: &Theme,
) {
    let fy = plan
        .fiscal_year
        .unwrap_or_else(|| wareki::fiscal_year(today));
    let initiative = plan.hierarchy().last() == Some(&n.level.as_str());
    let expected = plan.kind == "運営方針" && n.children == 0 && initiative
        || n.notes
            .iter()
            .any(|x| x.label == MID_REVIEW || x.label == SELF_EVALUATION);
    let year = |y: Option<i32>| {
        y.map(|y| format!("（{}）", wareki::format_fiscal_year(y)))
            .unwrap_or_default()
    };
    if expected {
        for (label, key) in [(MID_REVIEW, "r"), (SELF_EVALUATION, "v")] {
            let has = n
                .notes
                .iter()
                .any(|x| x.label == label && x.fiscal_year == Some(fy));
            if !has {
                lines.push(Line::from(""));
                lines.push(Line::from(vec![
                    Span::styled(format!("{label}{}", year(Some(fy))), theme.heading),
                    Span::styled(format!(" 未記入（{key} で記入）"), theme.muted),
                ]));
            }
        }
    }
    for note in &n.notes {
        lines.push(Line::from(""));
        lines.push(Line::from(Span::styled(
            format!("{}{}", note.label, year(note.fiscal_year)),
            theme.heading,
        )));
        lines.extend(note.text.lines().map(|l| Line::from(l.to_string())));
    }
}

fn indicators<'a>(lines: &mut Vec<Line<'a>>, n: &'a NodeView, theme: &Theme) {
    if n.indicators.is_empty() {
        return;
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled("指標", theme.heading)));
    for ind in &n.indicators {
        let mut text = format!("・{}", ind.name);
        if !ind.target.is_empty() {
            text.push_str(&format!("  目標 {}{}", ind.target, ind.unit));
        }
        lines.push(Line::from(text));
        for v in &ind.values {
            lines.push(Line::from(format!(
                "    {} {} {}{}",
                wareki::format_fiscal_year(v.fiscal_year),
                v.half.label_ja(),
                v.actual,
                ind.unit
            )));
        }
    }
}
