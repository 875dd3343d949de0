//! Drawing the attendance matrix: a frozen header (第N回 and the date, with
//! the fiscal year above when several are shown) and a frozen first column
//! (the job title), 〇 where the title attended, the count and rate per
//! title on the right and per meeting at the bottom.
//!
//! Attended is 〇 (U+3007, East Asian Width W) and absent a muted ・
//! (U+30FB, W): both are two columns in every terminal. ● and ○ are
//! ambiguous width, one column in most terminals but two in those set up
//! for Japanese (Tera Term, PuTTY in CJK mode), which would shift every cell
//! after them. Only the visible window of rows and columns is drawn, written
//! straight into the buffer, so the cost of a frame does not grow with the
//! number of years.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::Frame;

use crate::app::action::Action;
use crate::app::keymap::Scope;
use crate::app::mouse;
use crate::app::panes::attendance::{first_shown, view::rate, Page, State};
use crate::app::state::AppState;
use crate::db::attendance::Matrix;
use crate::ui::{title_bar, Theme};
use crate::wareki;
use crate::widget::text_input::{display_width, truncate_to_width};

/// A meeting column: 6 columns of text and one of space before it.
const CELL_W: u16 = 6;
const SLOT_W: u16 = CELL_W + 1;
/// The right-hand block: count (5) and rate (6), each after a space.
const COUNT_W: u16 = 5;
const RATE_W: u16 = 6;
const RIGHT_W: u16 = 1 + COUNT_W + 1 + RATE_W;

/// Where things go in the pane.
struct Geometry {
    title_w: u16,
    /// x of the first meeting slot.
    grid_x: u16,
    /// x of the right-hand block.
    right_x: u16,
    header_y: u16,
    header_h: u16,
    rows_y: u16,
    rows_h: u16,
    footer_y: u16,
    bottom_y: u16,
    cols: usize,
}

pub fn draw(frame: &mut Frame, area: Rect, s: &AppState, theme: &Theme) {
    let a = &s.attendance;
    let Some(m) = &a.matrix else {
        title_bar(
            frame,
            Rect { height: 1, ..area },
            &title_text(a, None),
            theme,
        );
        let msg = if a.loading {
            " 読み込み中"
        } else {
            " まだ読み込んでいません"
        };
        put(
            frame.buffer_mut(),
            area.x,
            area.y + 2,
            msg,
            area.width,
            theme.muted,
        );
        return;
    };
    if a.chart {
        super::chart::draw(frame, area, a, m, theme);
        return;
    }
    let g = geometry(area, a, m);
    let page = Page {
        rows: g.rows_h as usize,
        cols: g.cols.max(1),
    };
    a.page.set(page);
    let top = first_shown(a.top, a.row, page.rows, a.view.rows.len());
    let left = first_shown(a.left, a.col, page.cols, m.meetings.len());
    let title = title_text(a, Some((m, top, left, page)));
    title_bar(frame, Rect { height: 1, ..area }, &title, theme);
    let buf = frame.buffer_mut();
    if m.meetings.is_empty() {
        let years = years_text(m.first_year, m.last_year);
        let msg = format!(" {years}の会議はありません。[ ] で年度を移れます");
        put(buf, area.x, g.header_y + 1, &msg, area.width, theme.muted);
    } else {
        header(buf, &g, a, m, left, theme);
        rows(buf, &g, a, m, top, left, theme);
        footer(buf, &g, a, m, left, theme);
    }
    bottom_line(frame, area, &g, s, theme);
}

/// "出席  平成29年度  会議 5  職名 21  組織順".
fn title_text(a: &State, shown: Option<(&Matrix, usize, usize, Page)>) -> String {
    let mut t = String::from("出席");
    if let Some((first, last)) = a.years {
        t.push_str("  ");
        t.push_str(&years_text(first, last));
    }
    if let Some((m, top, left, page)) = shown {
        t.push_str(&format!(
            "  会議 {}  職名 {}  {}",
            range_text(left, page.cols, m.meetings.len()),
            range_text(top, page.rows, a.view.rows.len()),
            a.sort.label()
        ));
        if a.show_all {
            t.push_str("・全職名");
        }
    }
    if a.loading {
        t.push_str("  読み込み中");
    }
    t
}

fn years_text(first: i32, last: i32) -> String {
    if first == last {
        wareki::format_fiscal_year(first)
    } else {
        format!(
            "{}〜{}",
            wareki::format_fiscal_year(first),
            wareki::format_fiscal_year(last)
        )
    }
}

/// "1-6/360", or "5" when everything shows.
fn range_text(first: usize, visible: usize, total: usize) -> String {
    if visible == 0 || total <= visible {
        return total.to_string();
    }
    format!("{}-{}/{}", first + 1, (first + visible).min(total), total)
}

fn geometry(area: Rect, a: &State, m: &Matrix) -> Geometry {
    let widest = a
        .view
        .rows
        .iter()
        .filter_map(|&t| m.titles.get(t))
        .map(|t| {
            // MatrixTitle::label without building it: "（旧 " a・b "）".
            let k = t.former.len();
            let former: usize = t.former.iter().map(|f| display_width(f)).sum();
            display_width(&t.name) + if k > 0 { former + 2 * (k - 1) + 7 } else { 0 }
        })
        .max()
        .unwrap_or(0)
        .max(display_width("出席者数"));
    // A space before the name and one after.
    let title_w = (widest as u16 + 2).clamp(10, (area.width / 3).max(10));
    let grid_w = area.width.saturating_sub(title_w + RIGHT_W);
    let cols = (grid_w / SLOT_W) as usize;
    let header_h = if m.first_year != m.last_year { 3 } else { 2 };
    let header_y = area.y + 1;
    let rows_y = header_y + header_h;
    // Title bar, header, two footer lines and the bottom line.
    let rows_h = area.height.saturating_sub(1 + header_h + 2 + 1);
    // The totals follow the last row and the last meeting when they fit.
    let used_rows = (a.view.rows.len() as u16).clamp(1, rows_h.max(1));
    let footer_y = rows_y + used_rows.min(rows_h);
    let used_cols = m.meetings.len().min(cols) as u16;
    let grid_x = area.x + title_w;
    Geometry {
        title_w,
        grid_x,
        right_x: (grid_x + used_cols * SLOT_W + 1).min(area.right().saturating_sub(RIGHT_W)),
        header_y,
        header_h,
        rows_y,
        rows_h,
        footer_y,
        bottom_y: area.bottom().saturating_sub(1),
        cols,
    }
}

/// Write `text` at (x, y), at most `width` columns.
fn put(buf: &mut Buffer, x: u16, y: u16, text: &str, width: u16, style: Style) {
    if width > 0 && buf.area.contains((x, y).into()) {
        buf.set_stringn(x, y, text, width as usize, style);
    }
}

/// `text` centred in the 6-column cell of slot `i`.
fn cell(buf: &mut Buffer, g: &Geometry, i: usize, y: u16, text: &str, style: Style) {
    let x = g.grid_x + i as u16 * SLOT_W + 1;
    let w = display_width(text) as u16;
    let pad = CELL_W.saturating_sub(w) / 2;
    if style != Style::default() {
        put(buf, x, y, &" ".repeat(CELL_W as usize), CELL_W, style);
    }
    put(buf, x + pad, y, text, CELL_W - pad, style);
}

/// `text` right-aligned in `width` columns ending at `end`.
fn right(buf: &mut Buffer, end: u16, y: u16, width: u16, text: &str, style: Style) {
    let w = (display_width(text) as u16).min(width);
    put(buf, end - w, y, text, w, style);
}

fn right_block(buf: &mut Buffer, g: &Geometry, y: u16, count: &str, rate: &str, style: Style) {
    let count_end = g.right_x + 1 + COUNT_W;
    right(buf, count_end, y, COUNT_W, count, style);
    right(buf, count_end + 1 + RATE_W, y, RATE_W, rate, style);
}

fn header(buf: &mut Buffer, g: &Geometry, a: &State, m: &Matrix, left: usize, theme: &Theme) {
    let number_y = g.header_y + g.header_h - 2;
    let date_y = number_y + 1;
    put(
        buf,
        g.grid_x - g.title_w,
        number_y,
        " 職名",
        g.title_w,
        theme.heading,
    );
    let visible = m.meetings.iter().enumerate().skip(left).take(g.cols);
    for (i, (c, mt)) in visible.enumerate() {
        let style = if c == a.col {
            theme.selection
        } else {
            theme.heading
        };
        if g.header_h == 3 {
            let starts_year = c == left || m.meetings[c - 1].fiscal_year != mt.fiscal_year;
            if starts_year {
                // Up to the next year's first column.
                let span = m.meetings[c..]
                    .iter()
                    .take(g.cols - i)
                    .take_while(|x| x.fiscal_year == mt.fiscal_year)
                    .count() as u16;
                let x = g.grid_x + i as u16 * SLOT_W + 1;
                let label = wareki::format_fiscal_year(mt.fiscal_year);
                put(buf, x, g.header_y, &label, span * SLOT_W - 1, theme.muted);
            }
        }
        cell(buf, g, i, number_y, &format!("第{}回", mt.number), style);
        let date = format!(
            "{}/{}",
            chrono::Datelike::month(&mt.date),
            chrono::Datelike::day(&mt.date)
        );
        cell(buf, g, i, date_y, &date, style);
    }
    right_block(buf, g, number_y, "回数", "出席率", theme.heading);
}

fn rows(
    buf: &mut Buffer,
    g: &Geometry,
    a: &State,
    m: &Matrix,
    top: usize,
    left: usize,
    theme: &Theme,
) {
    let x0 = g.grid_x - g.title_w;
    if a.view.rows.is_empty() {
        no_rows(buf, g, a, theme);
        return;
    }
    let meetings = m.meetings.len();
    let body = Rect::new(x0, g.rows_y, buf.area.right().saturating_sub(x0), g.rows_h);
    mouse::scroll(
        body.intersection(buf.area),
        Scope::Attendance,
        Action::CellUp,
        Action::CellDown,
    );
    let shown = a
        .view
        .rows
        .iter()
        .enumerate()
        .skip(top)
        .take(g.rows_h as usize);
    for (line, (r, &t)) in shown.enumerate() {
        let y = g.rows_y + line as u16;
        let Some(title) = m.titles.get(t) else {
            continue;
        };
        let merging = a.merge_from.as_ref().is_some_and(|(id, _)| *id == title.id);
        let style = match (r == a.row, merging) {
            (true, _) => theme.selection,
            (false, true) => theme.warning,
            _ => theme.base,
        };
        let (label, used) =
            truncate_to_width(&format!(" {}", title.label()), g.title_w as usize - 1);
        let pad = " ".repeat(g.title_w as usize - 1 - used);
        put(buf, x0, y, &format!("{label}{pad}"), g.title_w - 1, style);
        let down = mouse::steps(Action::CellUp, Action::CellDown, r as i64 - a.row as i64);
        let title_area = Rect::new(x0, y, g.title_w, 1).intersection(buf.area);
        mouse::click(title_area, Scope::Attendance, down.clone());
        for (i, c) in (left..meetings).take(g.cols).enumerate() {
            let mut to = down.clone();
            to.extend(mouse::steps(
                Action::CellLeft,
                Action::CellRight,
                c as i64 - a.col as i64,
            ));
            let at = Rect::new(g.grid_x + i as u16 * SLOT_W, y, SLOT_W, 1);
            mouse::click(at.intersection(buf.area), Scope::Attendance, to);
            let (mark, style) = cell_look(a, theme, (r, c), m.attended(t, c));
            cell(buf, g, i, y, mark, style);
        }
        right_block(
            buf,
            g,
            y,
            &title.count.to_string(),
            &rate(title.count, meetings),
            theme.base,
        );
    }
}

/// No title to show: why (nothing recorded, or the filter hides all).
fn no_rows(buf: &mut Buffer, g: &Geometry, a: &State, theme: &Theme) {
    let x0 = g.grid_x - g.title_w;
    let msg = if a.filter.is_empty() {
        " この範囲の会議に出席の記録がありません（a で全職名を表示）"
    } else {
        " 絞り込みに合う職名がありません（Esc で解除）"
    };
    let width = buf.area.right().saturating_sub(x0);
    put(buf, x0, g.rows_y, msg, width, theme.muted);
}

/// The mark and style of the cell at (row, column): attended or absent,
/// highlighted under the cursor.
fn cell_look(a: &State, theme: &Theme, (r, c): (usize, usize), on: bool) -> (&'static str, Style) {
    let style = if r == a.row && c == a.col {
        theme.selection
    } else if on {
        theme.base
    } else {
        theme.muted
    };
    let mark = if on {
        theme.glyphs.attended
    } else {
        theme.glyphs.absent
    };
    (mark, style)
}

fn footer(buf: &mut Buffer, g: &Geometry, a: &State, m: &Matrix, left: usize, theme: &Theme) {
    let x0 = g.grid_x - g.title_w;
    let (count_y, rate_y) = (g.footer_y, g.footer_y + 1);
    put(buf, x0, count_y, " 出席者数", g.title_w, theme.heading);
    put(buf, x0, rate_y, " 出席率", g.title_w, theme.heading);
    let n = a.view.rows.len();
    let counts = a
        .view
        .meeting_counts
        .iter()
        .enumerate()
        .skip(left)
        .take(g.cols);
    for (i, (c, count)) in counts.enumerate() {
        let style = if c == a.col {
            theme.selection
        } else {
            theme.base
        };
        cell(buf, g, i, count_y, &count.to_string(), style);
        cell(buf, g, i, rate_y, &rate(*count, n), style);
    }
    let total = a.view.total();
    right_block(
        buf,
        g,
        count_y,
        &total.to_string(),
        &rate(total, n * m.meetings.len()),
        theme.heading,
    );
}

/// The filter line (with the terminal's cursor at its caret while typing),
/// the merge in progress, or the filter in force.
fn bottom_line(frame: &mut Frame, area: Rect, g: &Geometry, s: &AppState, theme: &Theme) {
    let a = &s.attendance;
    let line = Rect {
        x: area.x,
        y: g.bottom_y,
        width: area.width,
        height: 1,
    };
    if line.y >= area.bottom() {
        return;
    }
    let buf = frame.buffer_mut();
    if a.filtering {
        let label = " 絞り込み> ";
        let lw = display_width(label) as u16;
        put(buf, line.x, line.y, label, lw, theme.heading);
        let hint = "  Enter 決定  Esc 解除";
        let hw = display_width(hint) as u16;
        let field = Rect {
            x: line.x + lw,
            width: line.width.saturating_sub(lw + hw),
            ..line
        };
        a.filter
            .render_marked(field, buf, (theme.input, theme.muted), theme.glyphs.newline);
        put(buf, field.right(), line.y, hint, hw, theme.muted);
        if s.prompt.is_none() && !s.help && !s.search.open {
            frame.set_cursor_position(a.filter.cursor_position(field));
        }
        return;
    }
    let (text, style) = match (&a.merge_from, a.filter.is_empty()) {
        (Some((_, name)), _) => (
            format!(" 統合: 「{name}」を統合する先（新しい職名）の行で m、Esc でやめる"),
            theme.warning,
        ),
        (None, false) => (
            format!(" 絞り込み: {}（f で編集、Esc で解除）", a.filter.text()),
            theme.heading,
        ),
        (None, true) => (cursor_text(a), theme.muted),
    };
    put(buf, line.x, line.y, &text, line.width, style);
}

/// What the cursor is on: " 区長  第1回 平成29年4月20日(木曜日)  出席".
fn cursor_text(a: &State) -> String {
    let Some(m) = &a.matrix else {
        return String::new();
    };
    let (Some(&t), Some(mt)) = (a.view.rows.get(a.row), m.meetings.get(a.col)) else {
        return String::new();
    };
    let mark = if m.attended(t, a.col) {
        "出席"
    } else {
        "欠席"
    };
    format!(
        " {}  第{}回 {}  {mark}（Space で切り替え）",
        m.titles[t].label(),
        mt.number,
        wareki::format_date_weekday(mt.date)
    )
}
