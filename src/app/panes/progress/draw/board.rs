//! The board: one column per status (as of the focused period) with its
//! count, the items in it one per line. A status carried from an earlier
//! period is shown muted.

use ratatui::layout::Rect;
use ratatui::Frame;

use super::{tone_style, window_top};
use crate::app::panes::progress::view::{board_position, period_long, tone};
use crate::app::state::AppState;
use crate::ui::Theme;
use crate::widget::text_input::pad_to_width;

const MIN_COLUMN: usize = 16;

pub fn draw(frame: &mut Frame, area: Rect, s: &AppState, theme: &Theme) {
    let p = &s.progress;
    let Some(data) = &p.data else { return };
    let n = p.board.len().max(1);
    let width = area.width as usize;
    let col_w = (width / n).max(MIN_COLUMN).min(width);
    let visible = (width / col_w).max(1);
    let pos = board_position(p);
    let (sel_col, sel_k) = pos.unwrap_or((0, 0));
    let left = window_top(sel_col, p.board.len(), visible);
    let height = area.height.saturating_sub(1) as usize;
    let scale_of = |i: usize| {
        data.plans
            .get(data.items[i].plan)
            .map(|pl| pl.status_scale.as_slice())
            .unwrap_or(&[])
    };
    let buf = frame.buffer_mut();
    for (k, col) in p.board.iter().enumerate().skip(left).take(visible) {
        let x = area.x + ((k - left) * col_w) as u16;
        let name = if col.status.is_empty() {
            "未設定"
        } else {
            col.status.as_str()
        };
        let tone = col
            .items
            .first()
            .map(|(i, _)| tone(&col.status, scale_of(*i)));
        let head_style = match tone {
            Some(t) if !col.status.is_empty() => tone_style(t, theme).patch(theme.heading),
            _ => theme.heading,
        };
        let head = format!(" {name} {}", col.items.len());
        buf.set_stringn(x, area.y, pad_to_width(&head, col_w), col_w, head_style);
        let top = if k == sel_col {
            window_top(sel_k, col.items.len(), height)
        } else {
            0
        };
        for (r, (i, carried)) in col.items.iter().enumerate().skip(top).take(height) {
            let y = area.y + 1 + (r - top) as u16;
            let it = &data.items[*i];
            let selected = pos == Some((k, r));
            let style = if selected {
                theme.selection
            } else if carried.is_some() {
                theme.muted
            } else {
                theme.base
            };
            let text = format!(" {}", it.label());
            buf.set_stringn(x, y, pad_to_width(&text, col_w - 1), col_w - 1, style);
        }
        if col.items.len() > top + height {
            let y = area.y + area.height.saturating_sub(1);
            buf.set_stringn(x + col_w as u16 - 2, y, ">", 1, theme.muted);
        }
    }
    if p.board.iter().all(|c| c.items.is_empty()) {
        buf.set_stringn(
            area.x,
            area.y + 1,
            "  該当する項目はありません（Backspace で絞り込みを解除）",
            width,
            theme.muted,
        );
    }
}

/// The focused period and what the keys do here.
pub fn footer(s: &AppState) -> String {
    let p = &s.progress;
    let Some(per) = p.period else {
        return " 期がありません".into();
    };
    let mut t = format!(
        " {} 時点の状況（薄い字は前の期から引き継ぎ）  s/S で移す  < > で期",
        period_long(per, p.western)
    );
    if let Some(label) = super::item_label(p) {
        t = format!(" {label}  ／{t}");
    }
    t
}
