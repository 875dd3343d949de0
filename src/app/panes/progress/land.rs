//! Land on a progress entry (search's Enter on a 計画/実績/備考 result): the
//! 進捗 tab's grid with the entry's item and period selected, now if the
//! board is loaded, else when it loads.

use super::{view, State, View};
use crate::app::msg::Requests;
use crate::app::state::{AppState, Tab};
use chrono::NaiveDate;

/// Show the 進捗 cell of `entry` (row of `progress`) on item `node`.
pub fn land(s: &mut AppState, node: i64, entry: i64) -> Requests {
    s.tab = Tab::Progress;
    let p = &mut s.progress;
    p.land_after_load = Some((node, entry));
    if p.data.is_some() && apply(p, s.calendar.today) {
        return Vec::new();
    }
    // Not loaded, or loaded before the entry was written: read afresh.
    if p.loaded {
        return super::refresh(s);
    }
    super::on_enter(s)
}

/// Select the pending landing in the loaded board; false when the board
/// does not hold it (yet).
pub fn apply(p: &mut State, today: NaiveDate) -> bool {
    let Some((node, entry)) = p.land_after_load else {
        return false;
    };
    let period = p.data.as_ref().and_then(|d| {
        d.items
            .iter()
            .filter(|it| it.node_id == node)
            .flat_map(|it| it.entries.iter())
            .find(|e| e.id == entry)
            .map(|e| e.period)
    });
    let Some(period) = period else {
        return false;
    };
    p.land_after_load = None;
    p.view = View::Grid;
    p.node = Some(node);
    p.period = Some(period);
    view::rebuild(p, today);
    if p.node != Some(node) || p.period != Some(period) {
        // A filter hides it: show everything, then select again.
        p.filter = Default::default();
        p.node = Some(node);
        p.period = Some(period);
        view::rebuild(p, today);
    }
    true
}
