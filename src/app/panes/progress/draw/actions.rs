//! The 宿題 list: every action item from the minutes with its state, due
//! date, owner, text and the meeting it came from. Overdue ones first and
//! marked; closed ones muted with who closed them.

use chrono::NaiveDate;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::Frame;

use super::window_top;
use crate::app::state::AppState;
use crate::db::progress_board::ActionItem;
use crate::ui::Theme;
use crate::wareki;
use crate::widget::text_input::pad_to_width;

const STATE: usize = 10;
const DUE: usize = 10;
const OWNER: usize = 14;
const MEETING: usize = 12;

fn state_of(a: &ActionItem, today: NaiveDate) -> &'static str {
    if a.is_closed() {
        "完了"
    } else if a.is_overdue(today) {
        "期限切れ"
    } else {
        "未完了"
    }
}

/// The date part of a stored timestamp, in 和暦.
fn closed_date(stamp: &str) -> String {
    stamp
        .get(..10)
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .map_or_else(|| stamp.to_string(), wareki::format_date)
}

pub fn draw(frame: &mut Frame, area: Rect, s: &AppState, theme: &Theme) {
    let p = &s.progress;
    let Some(data) = &p.data else { return };
    let today = s.calendar.today;
    let width = area.width as usize;
    let text_w = width.saturating_sub(STATE + DUE + OWNER + MEETING).max(10);
    let cols = [
        (STATE, " 状態"),
        (DUE, "期限"),
        (OWNER, "担当"),
        (text_w, "内容"),
        (MEETING, "会議"),
    ];
    let buf = frame.buffer_mut();
    let mut x = area.x;
    for (w, name) in cols {
        buf.set_stringn(x, area.y, pad_to_width(name, w), w, theme.heading);
        x += w as u16;
    }
    if p.actions.is_empty() {
        let msg = if data.actions.is_empty() {
            "  宿題はまだありません（会議の記録で h を押すと宿題になります）"
        } else {
            "  該当する宿題はありません（Backspace で絞り込みを解除）"
        };
        buf.set_stringn(area.x, area.y + 1, msg, width, theme.muted);
        return;
    }
    let height = area.height.saturating_sub(1) as usize;
    let top = window_top(p.action, p.actions.len(), height);
    for (r, &ai) in p.actions.iter().enumerate().skip(top).take(height) {
        let a = &data.actions[ai];
        let y = area.y + 1 + (r - top) as u16;
        let base: Style = if a.is_closed() {
            theme.muted
        } else {
            theme.base
        };
        let state_style = if a.is_overdue(today) {
            theme.overdue
        } else if a.is_closed() {
            theme.status_done
        } else {
            theme.base
        };
        let due = a.due.map_or("-".to_string(), wareki::format_short);
        let owner = a.owner.clone().unwrap_or_else(|| "-".into());
        let meeting = format!("第{}回({})", a.meeting_number, a.item_number);
        let cells: [(usize, String, Style); 5] = [
            (STATE, format!(" {}", state_of(a, today)), state_style),
            (
                DUE,
                due,
                if a.is_overdue(today) {
                    theme.overdue
                } else {
                    base
                },
            ),
            (OWNER, owner, base),
            (text_w, a.text.replace('\n', " "), base),
            (MEETING, meeting, base),
        ];
        let mut x = area.x;
        for (w, text, st) in cells {
            let st = if r == p.action { theme.selection } else { st };
            // One blank column after each cell keeps neighbours apart.
            let cell = format!("{} ", pad_to_width(&text, w.saturating_sub(1)));
            buf.set_stringn(x, y, cell, w, st);
            x += w as u16;
        }
    }
}

/// The selected 宿題 in full: meeting of origin, due, who closed it.
pub fn footer(s: &AppState) -> String {
    let p = &s.progress;
    let Some(a) = p
        .data
        .as_ref()
        .zip(p.actions.get(p.action))
        .map(|(d, &i)| &d.actions[i])
    else {
        return " c で完了にします".into();
    };
    let mut t = format!(
        " 第{}回 {} ({}) {}",
        a.meeting_number,
        wareki::format_date_weekday(a.meeting_date),
        a.item_number,
        a.item_title
    );
    if let Some(d) = a.due {
        t.push_str(&format!("  期限 {}", wareki::format_date(d)));
    }
    match (&a.closed_at, &a.closed_by) {
        (Some(at), by) => t.push_str(&format!(
            "  完了 {} {}",
            closed_date(at),
            by.as_deref().unwrap_or("")
        )),
        (None, _) => t.push_str("  c で完了"),
    }
    t
}
