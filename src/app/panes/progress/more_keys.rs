//! Keys of the progress pane's pictures (chart, 年表) and Enter on a 宿題.

use super::cursor::{move_period, PAGE};
use super::View;
use crate::app::action::Action as A;
use crate::app::msg::Requests;
use crate::app::panes::calendar::land::Landed;
use crate::app::state::AppState;

/// j/k, PgUp/PgDn, g/G in the chart and the 年表; Esc back.
pub fn scroll_keys(s: &mut AppState, a: A) {
    let p = &mut s.progress;
    match a {
        A::ProgressUp => p.scroll = p.scroll.saturating_sub(1),
        A::ProgressDown => p.scroll += 1,
        A::ProgressPageUp => p.scroll = p.scroll.saturating_sub(PAGE as usize),
        A::ProgressPageDown => p.scroll += PAGE as usize,
        A::ProgressFirst => p.scroll = 0,
        A::ProgressLast => p.scroll = usize::MAX / 2,
        A::ProgressBack => {
            p.view = if p.view == View::History {
                p.back
            } else {
                View::Grid
            }
        }
        A::ProgressLeft | A::ProgressPrevPeriod => move_period(s, -1),
        A::ProgressRight | A::ProgressNextPeriod => move_period(s, 1),
        _ => {}
    }
}

/// Enter on a 宿題: the meeting it was recorded in, in the calendar, landed
/// on the 宿題.
pub fn open_meeting(s: &mut AppState) -> Requests {
    let p = &s.progress;
    let at = p
        .data
        .as_ref()
        .zip(p.actions.get(p.action))
        .map(|(d, &i)| &d.actions[i]);
    let Some(a) = at else {
        s.info("宿題がありません");
        return Vec::new();
    };
    let (m, fy, date, id) = (a.meeting_id, a.fiscal_year, a.meeting_date, a.id);
    let label = format!(
        "第{}回 ({}) {}",
        a.meeting_number, a.item_number, a.item_title
    );
    let at = Some(Landed::Entry(id));
    let reqs = crate::app::panes::calendar::land::open_meeting_at(s, m, fy, date, at);
    s.info(format!("{label} の会議を開きました（4 で進捗に戻ります）"));
    reqs
}
