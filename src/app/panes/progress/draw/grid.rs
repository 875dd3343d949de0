//! The grid: items down, periods across. The item column (and the budget
//! column on wide screens) and the period header stay put; only the rows
//! and columns in view are drawn, so 500 items × 20 periods cost what a
//! screenful costs.

use chrono::NaiveDate;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::Frame;

use super::{tone_style, window_top};
use crate::app::action::Action;
use crate::app::keymap::Scope;
use crate::app::mouse;
use crate::app::panes::progress::detail::budget_text;
use crate::app::panes::progress::state::Row;
use crate::app::panes::progress::view::{period_label, period_long, selected_item, tone};
use crate::app::state::AppState;
use crate::db::progress_board::{Period, ProgressItem};
use crate::model::{Half, Precision};
use crate::ui::Theme;
use crate::widget::text_input::{display_width, pad_to_width};

/// Columns of one period cell, and the gap before it.
pub const CELL: usize = 12;
const GAP: usize = 1;
const BUDGET: usize = 11;

/// The width of the frozen item column for a pane `width` wide.
fn item_width(width: usize) -> usize {
    (width * 3 / 10).clamp(24, 48)
}

fn put(buf: &mut Buffer, x: u16, y: u16, text: &str, width: usize, style: Style) {
    if width == 0 {
        return;
    }
    buf.set_stringn(x, y, pad_to_width(text, width), width, style);
}

/// The text of one cell: status and grade, or the year's grade ("評価 A"),
/// with a mark for milestones in the period (〇 all done, ・ open). The
/// flag says an open milestone of the period is past due.
pub fn cell_text(
    item: &ProgressItem,
    p: Period,
    today: NaiveDate,
    glyphs: &crate::config::glyphs::Glyphs,
) -> (String, bool) {
    let e = item.entry(p);
    let status = e.map_or("", |e| e.status.as_str());
    let grade = e.map_or("", |e| e.grade.as_str());
    let marks: Vec<_> = item
        .milestones
        .iter()
        .filter(|m| match m.span.precision {
            Precision::FiscalYear => {
                p.half == Half::Year && crate::wareki::fiscal_year(m.span.date) == p.fiscal_year
            }
            _ => p.half != Half::Year && Period::of_date(m.span.date) == p,
        })
        .collect();
    let mut head = String::new();
    if !marks.is_empty() {
        head.push_str(if marks.iter().all(|m| m.done) {
            glyphs.milestone_done
        } else {
            glyphs.milestone_open
        });
    }
    if !status.is_empty() {
        head.push_str(status);
    } else if !grade.is_empty() && p.half == Half::Year {
        head.push_str("評価");
    } else if let Some(m) = marks.first() {
        head.push_str(&m.text);
    }
    let text = if grade.is_empty() {
        head
    } else if head.ends_with("評価") {
        format!("{head} {grade}")
    } else {
        let room = CELL.saturating_sub(display_width(grade) + 1);
        format!("{} {grade}", pad_to_width(&head, room))
    };
    let late = status.is_empty() && marks.iter().any(|m| !m.done && m.span.last_day() < today);
    (text, late)
}

/// Where things go in the grid for this frame.
struct Cols {
    x0: u16,
    width: usize,
    item_w: usize,
    budget_w: usize,
    /// Where the period cells start.
    cells_x: usize,
    /// The periods in view, with their index in all periods.
    cols: Vec<(usize, Period)>,
    /// The index of the focused period.
    focus: usize,
    /// The index of the first period in view.
    left: usize,
}

impl Cols {
    fn new(area: Rect, periods: &[Period], period: Option<Period>) -> Cols {
        let width = area.width as usize;
        let item_w = item_width(width);
        let budget_w = if width >= 120 { BUDGET } else { 0 };
        let cells_x = item_w + budget_w;
        let visible_cols = (width.saturating_sub(cells_x + 1) / (CELL + GAP)).max(1);
        let focus = period
            .and_then(|x| periods.iter().position(|y| *y == x))
            .unwrap_or(0);
        let left = window_top(focus, periods.len(), visible_cols);
        let cols = periods
            .iter()
            .copied()
            .enumerate()
            .skip(left)
            .take(visible_cols)
            .collect();
        Cols {
            x0: area.x,
            width,
            item_w,
            budget_w,
            cells_x,
            cols,
            focus,
            left,
        }
    }

    /// The x of the `k`th period in view (its gap column).
    fn cell_x(&self, k: usize) -> u16 {
        self.x0 + (self.cells_x + k * (CELL + GAP)) as u16
    }
}

pub fn draw(frame: &mut Frame, area: Rect, s: &AppState, theme: &Theme) {
    let p = &s.progress;
    let Some(data) = &p.data else { return };
    let g = Cols::new(area, &p.periods, p.period);
    let buf = frame.buffer_mut();
    let (x0, y0, width) = (area.x, area.y, g.width);
    header(buf, &g, y0, s, theme);

    // Rows: only those in view.
    let height = area.height.saturating_sub(1) as usize;
    if p.rows.is_empty() {
        put(
            buf,
            x0,
            y0 + 1,
            "  該当する項目はありません（Backspace で絞り込みを解除）",
            width,
            theme.muted,
        );
        return;
    }
    let sel_item = selected_item(p);
    // Narrow screens indent by one column a level, wide ones by two.
    let unit = if width >= 120 { "  " } else { " " };
    let sel_row = sel_item.and_then(|i| p.rows.iter().position(|r| *r == Row::Item(i)));
    let top = window_top(sel_row.unwrap_or(0), p.rows.len(), height);
    let is_item = |r: &Row| matches!(r, Row::Item(_));
    // Items (not headings) are what Up and Down step through.
    let sel_ord = p.rows[..sel_row.unwrap_or(0)]
        .iter()
        .filter(|r| is_item(r))
        .count();
    let mut ord = p.rows[..top].iter().filter(|r| is_item(r)).count();
    let body = Rect::new(x0, y0 + 1, area.width, area.height.saturating_sub(1));
    mouse::scroll(
        body,
        Scope::Progress,
        Action::ProgressUp,
        Action::ProgressDown,
    );
    for (k, row) in p.rows.iter().enumerate().skip(top).take(height) {
        let y = y0 + 1 + (k - top) as u16;
        if is_item(row) {
            item_clicks(&g, body, y, ord as i64 - sel_ord as i64);
            ord += 1;
        }
        match row {
            Row::Plan(pi) => {
                let title = data.plans.get(*pi).map_or("", |pl| pl.title.as_str());
                put(buf, x0, y, &format!(" {title}"), width, theme.heading);
            }
            Row::Group { text, indent } => {
                let t = format!(" {}{text}", unit.repeat(*indent));
                put(buf, x0, y, &t, width, theme.muted);
            }
            Row::Item(i) => {
                let it = &data.items[*i];
                let scale = data.plans.get(it.plan).map(|pl| pl.status_scale.as_slice());
                let row = ItemLine {
                    it,
                    scale: scale.unwrap_or(&[]),
                    selected: sel_item == Some(*i),
                    unit,
                };
                item_row(buf, &g, y, &row, s.calendar.today, theme);
            }
        }
    }
}

/// Clicks on an item's line `down` items below the selected one: the line
/// selects the item, each period cell the item and that period.
fn item_clicks(g: &Cols, body: Rect, y: u16, down: i64) {
    let rows = mouse::steps(Action::ProgressUp, Action::ProgressDown, down);
    mouse::click(mouse::row(body, y), Scope::Progress, rows.clone());
    for (c, (pi, _)) in g.cols.iter().enumerate() {
        let mut to = rows.clone();
        let right = *pi as i64 - g.focus as i64;
        to.extend(mouse::steps(
            Action::ProgressLeft,
            Action::ProgressRight,
            right,
        ));
        let at = Rect::new(g.cell_x(c), y, (GAP + CELL) as u16, 1);
        mouse::click(at.intersection(body), Scope::Progress, to);
    }
}

/// The frozen header: the item and budget headings and the periods in
/// view, with < and > where more lie beyond.
fn header(buf: &mut Buffer, g: &Cols, y0: u16, s: &AppState, theme: &Theme) {
    let p = &s.progress;
    let x0 = g.x0;
    put(buf, x0, y0, " 項目", g.item_w, theme.heading);
    if g.budget_w > 0 {
        put(
            buf,
            x0 + g.item_w as u16,
            y0,
            " 予算(千円)",
            g.budget_w,
            theme.heading,
        );
    }
    for (k, (i, per)) in g.cols.iter().enumerate() {
        let x = g.cell_x(k);
        let gap = if k == 0 && g.left > 0 { "<" } else { " " };
        put(buf, x, y0, gap, GAP, theme.muted);
        let style = if *i == g.focus {
            theme.selection
        } else {
            theme.heading
        };
        put(
            buf,
            x + GAP as u16,
            y0,
            &period_label(*per, p.western),
            CELL,
            style,
        );
    }
    if g.left + g.cols.len() < p.periods.len() {
        let x = g.cell_x(g.cols.len());
        if (x as usize) < (x0 as usize + g.width) {
            put(buf, x, y0, ">", 1, theme.muted);
        }
    }
}

/// One item's row, as [`item_row`] draws it.
struct ItemLine<'a> {
    it: &'a ProgressItem,
    scale: &'a [String],
    selected: bool,
    /// One level of indent.
    unit: &'a str,
}

/// An item's label, budget and a cell per period in view.
fn item_row(buf: &mut Buffer, g: &Cols, y: u16, row: &ItemLine, today: NaiveDate, theme: &Theme) {
    let (x0, it) = (g.x0, row.it);
    let indent = it.depth + usize::from(it.group.is_some());
    let label = format!(" {}{}", row.unit.repeat(indent), it.label());
    let style = if row.selected {
        theme.selection
    } else {
        theme.base
    };
    put(buf, x0, y, &label, g.item_w - 1, style);
    put(buf, x0 + g.item_w as u16 - 1, y, " ", 1, theme.base);
    if g.budget_w > 0 {
        let b = it
            .budget_kyen
            .map(|k| budget_text(Some(k)).trim_end_matches("千円").to_string())
            .unwrap_or_default();
        let t = format!("{b:>w$} ", w = g.budget_w - 1);
        put(buf, x0 + g.item_w as u16, y, &t, g.budget_w, theme.base);
    }
    for (c, (pi, per)) in g.cols.iter().enumerate() {
        let x = g.cell_x(c);
        put(buf, x, y, " ", GAP, theme.base);
        let (text, overdue) = cell_text(it, *per, today, &theme.glyphs);
        let status = it.entry(*per).map_or("", |e| e.status.as_str());
        let mut style = tone_style(tone(status, row.scale), theme);
        if overdue {
            style = theme.overdue;
        }
        if row.selected && *pi == g.focus {
            style = theme.selection;
        }
        put(buf, x + GAP as u16, y, &text, CELL, style);
    }
}

/// The selected item and period, in words.
pub fn footer(s: &AppState) -> String {
    let p = &s.progress;
    let (Some(data), Some(i), Some(per)) = (&p.data, selected_item(p), p.period) else {
        return " 項目を選んでください".into();
    };
    let it = &data.items[i];
    let e = it.entry(per);
    let year = it.entry(Period::new(per.fiscal_year, Half::Year));
    let status = e.map(|e| e.status.as_str()).filter(|x| !x.is_empty());
    let grade = year.map(|e| e.grade.as_str()).filter(|x| !x.is_empty());
    let budget = it
        .budget_kyen
        .map(|b| format!("  予算 {}", budget_text(Some(b))))
        .unwrap_or_default();
    format!(
        " {}{budget}  {}: 状況 {}  年度評価 {}",
        it.label(),
        period_long(per, p.western),
        status.unwrap_or("未設定"),
        grade.unwrap_or("-"),
    )
}
