//! The tree: one row per plan heading and visible node, the budget (千円)
//! right-aligned in its own column. Only the rows on screen are built.

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::{budget_text, first_row};
use crate::app::action::Action;
use crate::app::keymap::Scope;
use crate::app::mouse;
use crate::app::panes::policy::view::{self, Row};
use crate::app::panes::policy::{Focus, State};
use crate::db::{NodeView, PlanView, PolicyTree};
use crate::ui::Theme;
use crate::wareki;
use crate::widget::text_input::{display_width, pad_to_width, truncate_to_width};

/// Columns of the budget: "1,234,567" and a margin.
const BUDGET_W: usize = 11;

pub fn draw(frame: &mut Frame, area: Rect, p: &State, t: &PolicyTree, theme: &Theme) {
    let width = area.width as usize;
    let head = "予算（千円）";
    let left = format!(" 運営方針・計画 {}件", t.plans.len());
    let pad = width.saturating_sub(display_width(&left) + display_width(head) + 1);
    let header = format!("{left}{}{head} ", " ".repeat(pad));
    frame.render_widget(
        Paragraph::new(Span::styled(pad_to_width(&header, width), theme.title)),
        Rect { height: 1, ..area },
    );
    let h = area.height.saturating_sub(1) as usize;
    let first = first_row(p.cursor, p.rows.len(), h);
    if p.focus == Focus::Tree {
        let body = Rect {
            y: area.y + 1,
            height: area.height.saturating_sub(1),
            ..area
        };
        mouse::scroll(body, Scope::Policy, Action::TreeUp, Action::TreeDown);
        let rows = Rect {
            height: body.height.min(u16::try_from(h).unwrap_or(u16::MAX)),
            ..body
        };
        let keys = (Action::TreeUp, Action::TreeDown);
        mouse::list_rows(rows, Scope::Policy, keys, first, p.rows.len(), p.cursor);
    }
    let lines: Vec<Line> = p
        .rows
        .iter()
        .enumerate()
        .skip(first)
        .take(h)
        .map(|(i, row)| {
            let selected = i == p.cursor;
            let dim = selected && p.focus != Focus::Tree;
            row_line(p, t, *row, width, selected, dim, theme)
        })
        .collect();
    frame.render_widget(
        Paragraph::new(lines),
        Rect {
            y: area.y + 1,
            height: area.height.saturating_sub(1),
            ..area
        },
    );
}

/// What a row shows before it is laid out.
struct RowParts {
    indent: usize,
    mark: &'static str,
    label: String,
    budget: Option<i64>,
    budget_style: Style,
    links: usize,
}

/// A plan heading (open or closed) or a node (its children open or closed,
/// its budget its own, rolled up, or none).
fn row_parts(p: &State, plan: &PlanView, node: Option<&NodeView>, theme: &Theme) -> RowParts {
    match node {
        None => {
            let mark = if p.open_plans.contains(&plan.id) {
                "-"
            } else {
                "+"
            };
            let mut label = format!("【{}】{}", plan.kind, plan.title);
            if let Some(fy) = plan.fiscal_year {
                let y = wareki::format_fiscal_year(fy);
                if !plan.title.contains(&y) {
                    label.push_str(&format!("（{y}）"));
                }
            }
            let total = plan.total();
            RowParts {
                indent: 0,
                mark,
                label,
                budget: total,
                budget_style: theme.heading,
                links: 0,
            }
        }
        Some(n) => {
            let mark = match (n.children, p.closed.contains(&n.id)) {
                (0, _) => " ",
                (_, true) => "+",
                (_, false) => "-",
            };
            let style = match (n.budget_kyen, n.rolled_up) {
                (Some(_), _) => theme.base,
                (None, Some(_)) => theme.heading,
                (None, None) => theme.muted,
            };
            let label = view::node_label(n);
            RowParts {
                indent: n.depth + 1,
                mark,
                label,
                budget: n.rolled_up,
                budget_style: style,
                links: n.links.len(),
            }
        }
    }
}

fn row_line<'a>(
    p: &State,
    t: &'a PolicyTree,
    row: Row,
    width: usize,
    selected: bool,
    dim: bool,
    theme: &Theme,
) -> Line<'a> {
    let Some((plan, node)) = view::resolve(t, row) else {
        return Line::from("");
    };
    let RowParts {
        indent,
        mark,
        label,
        budget,
        budget_style,
        links,
    } = row_parts(p, plan, node, theme);
    let prefix = format!(" {}{mark} ", "  ".repeat(indent));
    let links_text = if links > 0 {
        format!(" 議題{links}")
    } else {
        String::new()
    };
    let budget = budget_text(budget);
    let room = width.saturating_sub(display_width(&prefix) + BUDGET_W + display_width(&links_text));
    let (label, used) = truncate_to_width(&label, room);
    let gap = " ".repeat(room - used);
    let budget = format!("{budget:>w$} ", w = BUDGET_W - 1);
    let budget_style = if budget.trim() == "-" {
        theme.muted
    } else {
        budget_style
    };
    let mut spans = vec![
        Span::raw(prefix),
        Span::styled(
            label,
            if node.is_none() {
                theme.heading
            } else {
                Style::default()
            },
        ),
        Span::styled(links_text, theme.muted),
        Span::raw(gap),
        Span::styled(budget, budget_style),
    ];
    if selected {
        let sel = if dim {
            theme.muted.patch(theme.selection)
        } else {
            theme.selection
        };
        for sp in &mut spans {
            sp.style = sp.style.patch(sel);
        }
    }
    Line::from(spans)
}
