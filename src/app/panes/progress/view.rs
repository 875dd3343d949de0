//! What the progress pane shows, derived from the loaded data and the
//! filters: the rows of the grid (plans, groups, items), the period
//! columns, the board's status columns and the list of 宿題. Rebuilt when
//! the data, a filter or the focused period changes, never while drawing.

use chrono::NaiveDate;
use fuzzy_matcher::skim::SkimMatcherV2;
use fuzzy_matcher::FuzzyMatcher;

use super::state::{BoardColumn, Row, State, View};
use crate::db::progress_board::{Period, ProgressData, ProgressItem};
use crate::model::Half;
use crate::wareki;

/// How a status reads, for its colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Ahead,
    OnTrack,
    Late,
    NotStarted,
    Done,
    Other,
}

/// The tone of `status` on a plan's scale: known words first, then its
/// place on the scale (best first).
pub fn tone(status: &str, scale: &[String]) -> Tone {
    let has = |words: &[&str]| words.iter().any(|w| status.contains(w));
    if status.is_empty() {
        Tone::Other
    } else if has(&["完了", "終了", "達成"]) {
        Tone::Done
    } else if has(&["前倒し"]) {
        Tone::Ahead
    } else if has(&["遅れ", "遅延", "未達"]) {
        Tone::Late
    } else if has(&["未着手", "未実施"]) {
        Tone::NotStarted
    } else if has(&["予定通り", "順調", "取組中", "実施中"]) {
        Tone::OnTrack
    } else {
        match scale.iter().position(|s| s == status) {
            Some(0) if scale.len() > 2 => Tone::Ahead,
            Some(i) if i + 1 == scale.len() && scale.len() > 2 => Tone::Late,
            Some(_) => Tone::OnTrack,
            None => Tone::Other,
        }
    }
}

/// The next (or previous) value on a scale, through "" (not set).
pub fn cycle(current: &str, scale: &[String], forward: bool) -> String {
    let mut options: Vec<&str> = vec![""];
    options.extend(scale.iter().map(String::as_str));
    let n = options.len();
    let i = options.iter().position(|o| *o == current).unwrap_or(0);
    let j = if forward {
        (i + 1) % n
    } else {
        (i + n - 1) % n
    };
    options[j].to_string()
}

/// "H25上" or "FY2013 H1" (see [`Period::short_label`]).
pub fn period_label(p: Period, western: bool) -> String {
    p.short_label(western)
}

/// "平成25年度" or "2013年度".
pub fn year_long(fy: i32, western: bool) -> String {
    crate::db::progress_board::year_label(fy, western)
}

/// "平成25年度上半期", "平成25年度" …
pub fn period_long(p: Period, western: bool) -> String {
    p.long_label(western)
}

/// The status of `item` as of period `p`: its own, or carried from the
/// latest earlier period that has one (with that period).
pub fn status_at(item: &ProgressItem, p: Period) -> Option<(&str, Option<Period>)> {
    let e = item
        .entries
        .iter()
        .rev()
        .find(|e| e.period <= p && !e.status.is_empty())?;
    let carried = (e.period != p).then_some(e.period);
    Some((e.status.as_str(), carried))
}

/// The periods an item has something in: entries, and its milestones'
/// half years (or fiscal year).
fn item_periods(item: &ProgressItem, out: &mut Vec<Period>) {
    out.extend(item.entries.iter().map(|e| e.period));
    for m in &item.milestones {
        out.push(match m.span.precision {
            crate::model::Precision::FiscalYear => {
                Period::new(wareki::fiscal_year(m.span.date), Half::Year)
            }
            _ => Period::of_date(m.span.date),
        });
    }
}

fn whole_year(fy: i32) -> [Period; 3] {
    [Half::First, Half::Second, Half::Year].map(|h| Period::new(fy, h))
}

/// Whether the item has anything in fiscal year `fy`.
pub fn touches_year(data: &ProgressData, item: &ProgressItem, fy: i32) -> bool {
    data.touches_year(item, fy)
}

/// An undone milestone whose last day is before `today`.
pub fn is_overdue(item: &ProgressItem, today: NaiveDate) -> bool {
    item.milestones
        .iter()
        .any(|m| !m.done && m.span.last_day() < today)
}

/// Every department named on the items (lead and co), sorted.
pub fn departments(data: &ProgressData) -> Vec<String> {
    let mut all: Vec<String> = data
        .items
        .iter()
        .flat_map(|i| i.lead_department.iter().chain(&i.co_departments))
        .cloned()
        .collect();
    all.sort();
    all.dedup();
    all
}

/// Every fiscal year the items or 宿題 touch, oldest first.
pub fn fiscal_years(data: &ProgressData) -> Vec<i32> {
    let mut ps = Vec::new();
    for it in &data.items {
        item_periods(it, &mut ps);
    }
    let mut years: Vec<i32> = ps.iter().map(|p| p.fiscal_year).collect();
    years.extend(data.plans.iter().filter_map(|p| p.fiscal_year));
    years.extend(data.actions.iter().map(|a| a.fiscal_year));
    years.sort_unstable();
    years.dedup();
    years
}

/// Every status on the scales of the plans with items, in scale order.
pub fn statuses(data: &ProgressData) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (i, p) in data.plans.iter().enumerate() {
        if !data.items.iter().any(|it| it.plan == i) {
            continue;
        }
        for s in &p.status_scale {
            if !out.contains(s) {
                out.push(s.clone());
            }
        }
    }
    out
}

fn matches_text(m: &SkimMatcherV2, item: &ProgressItem, q: &str) -> bool {
    q.is_empty()
        || m.fuzzy_match(&item.label(), q).is_some()
        || item
            .lead_department
            .as_deref()
            .is_some_and(|d| m.fuzzy_match(d, q).is_some())
}

/// Recompute rows, periods, the board and the 宿題 list from the data and
/// the filters; keep the selection where it can stay.
pub fn rebuild(s: &mut State, today: NaiveDate) {
    let Some(data) = s.data.as_ref() else {
        return;
    };
    let f = &s.filter;
    let q = f.text.text().trim().to_string();
    let matcher = SkimMatcherV2::default();
    let base: Vec<usize> = (0..data.items.len())
        .filter(|&i| {
            let it = &data.items[i];
            f.plan
                .is_none_or(|p| data.plans.get(it.plan).map(|x| x.id) == Some(p))
                && f.fiscal_year.is_none_or(|fy| touches_year(data, it, fy))
                && f.department.as_ref().is_none_or(|d| {
                    it.lead_department.as_ref() == Some(d) || it.co_departments.contains(d)
                })
                && (!f.overdue || is_overdue(it, today))
                && matches_text(&matcher, it, &q)
        })
        .collect();

    // Period columns: what the items have, plus each plan's own year.
    let mut periods = Vec::new();
    for &i in &base {
        let it = &data.items[i];
        item_periods(it, &mut periods);
        if let Some(fy) = data.plans.get(it.plan).and_then(|p| p.fiscal_year) {
            periods.extend(whole_year(fy));
        }
    }
    // Today's half year is always a column, so the grid can open on it.
    periods.push(Period::of_date(today));
    if let Some(fy) = f.fiscal_year {
        periods.retain(|p| p.fiscal_year == fy);
        periods.extend(whole_year(fy));
    }
    periods.sort_unstable();
    periods.dedup();
    s.periods = periods;
    s.period = choose_period(s, &base, today);

    // The status filter reads the status as of the focused period.
    let visible: Vec<usize> = match (&s.filter.status, s.period) {
        (Some(st), Some(p)) => base
            .into_iter()
            .filter(|&i| status_at(&data.items[i], p).map(|x| x.0) == Some(st.as_str()))
            .collect(),
        (Some(_), None) => Vec::new(),
        (None, _) => base,
    };
    s.rows = rows_of(data, &visible);
    s.board = board_of(data, &visible, s.period);
    s.actions = actions_of(s, today);
    keep_selection(s);
}

fn rows_of(data: &ProgressData, visible: &[usize]) -> Vec<Row> {
    let mut rows = Vec::with_capacity(visible.len() + 16);
    let mut plan = None;
    let mut group = None;
    for &i in visible {
        let it = &data.items[i];
        if plan != Some(it.plan) {
            plan = Some(it.plan);
            group = None;
            rows.push(Row::Plan(it.plan));
        }
        let g = it.group.as_ref().map(|g| g.id);
        if g.is_some() && g != group {
            if let Some(n) = &it.group {
                rows.push(Row::Group {
                    text: n.label(),
                    indent: it.group_depth,
                });
            }
        }
        group = g;
        rows.push(Row::Item(i));
    }
    rows
}

fn board_of(data: &ProgressData, visible: &[usize], period: Option<Period>) -> Vec<BoardColumn> {
    let mut columns = vec![BoardColumn {
        status: String::new(),
        items: Vec::new(),
    }];
    let mut plans: Vec<usize> = visible.iter().map(|&i| data.items[i].plan).collect();
    plans.dedup();
    for p in plans {
        for st in data
            .plans
            .get(p)
            .map(|p| p.status_scale.as_slice())
            .unwrap_or(&[])
        {
            if !columns.iter().any(|c| c.status == *st) {
                columns.push(BoardColumn {
                    status: st.clone(),
                    items: Vec::new(),
                });
            }
        }
    }
    for &i in visible {
        let at = period.and_then(|p| status_at(&data.items[i], p));
        let (status, carried) = at.unwrap_or(("", None));
        let col = match columns.iter().position(|c| c.status == status) {
            Some(c) => c,
            None => {
                columns.push(BoardColumn {
                    status: status.to_string(),
                    items: Vec::new(),
                });
                columns.len() - 1
            }
        };
        columns[col].items.push((i, carried));
    }
    columns
}

fn actions_of(s: &State, today: NaiveDate) -> Vec<usize> {
    let Some(data) = s.data.as_ref() else {
        return Vec::new();
    };
    let f = &s.filter;
    let q = f.text.text().trim();
    let m = SkimMatcherV2::default();
    let mut list: Vec<usize> = (0..data.actions.len())
        .filter(|&i| {
            let a = &data.actions[i];
            f.fiscal_year.is_none_or(|fy| a.fiscal_year == fy)
                && (!f.overdue || a.is_overdue(today))
                && f.department
                    .as_ref()
                    .is_none_or(|d| a.owner.as_deref().is_some_and(|o| o.contains(d.as_str())))
                && (q.is_empty()
                    || m.fuzzy_match(&a.text, q).is_some()
                    || a.owner
                        .as_deref()
                        .is_some_and(|o| m.fuzzy_match(o, q).is_some()))
        })
        .collect();
    // Overdue first, then open by due date, then closed.
    list.sort_by_key(|&i| {
        let a = &data.actions[i];
        (!a.is_overdue(today), a.is_closed(), a.due.is_none(), a.due)
    });
    list
}

/// Keep the focused period if it is still a column; otherwise today's half
/// year (the current period), else the last column before it, else the
/// first.
fn choose_period(s: &State, _visible: &[usize], today: NaiveDate) -> Option<Period> {
    if let Some(p) = s.period.filter(|p| s.periods.contains(p)) {
        return Some(p);
    }
    let now = Period::of_date(today);
    s.periods
        .iter()
        .find(|p| **p == now)
        .or_else(|| s.periods.iter().rev().find(|p| **p <= now))
        .or_else(|| s.periods.first())
        .copied()
}

/// Keep the selected item if it is still shown, else the first item.
fn keep_selection(s: &mut State) {
    let Some(data) = s.data.as_ref() else {
        return;
    };
    let shown = |id: i64| {
        s.rows
            .iter()
            .any(|r| matches!(r, Row::Item(i) if data.items[*i].node_id == id))
    };
    if !s.node.is_some_and(shown) {
        s.node = s.rows.iter().find_map(|r| match r {
            Row::Item(i) => Some(data.items[*i].node_id),
            _ => None,
        });
        s.field = 0;
    }
    if s.node.is_none() && s.view == View::Detail {
        s.view = s.back;
    }
    s.action = s.action.min(s.actions.len().saturating_sub(1));
}

/// Index of the selected item in `data.items`.
pub fn selected_item(s: &State) -> Option<usize> {
    let data = s.data.as_ref()?;
    let id = s.node?;
    s.rows.iter().find_map(|r| match r {
        Row::Item(i) if data.items[*i].node_id == id => Some(*i),
        _ => None,
    })
}

/// Index into `rows` of the selected item.
pub fn selected_row(s: &State) -> Option<usize> {
    let i = selected_item(s)?;
    s.rows.iter().position(|r| *r == Row::Item(i))
}

/// Position of the selected item on the board: (column, index in it).
pub fn board_position(s: &State) -> Option<(usize, usize)> {
    let i = selected_item(s)?;
    s.board
        .iter()
        .enumerate()
        .find_map(|(c, col)| col.items.iter().position(|(x, _)| *x == i).map(|k| (c, k)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scale(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn labels_in_era_and_western() {
        let p = |fy, h| Period::new(fy, h);
        assert_eq!(period_label(p(2013, Half::First), false), "H25上");
        assert_eq!(period_label(p(2013, Half::Second), false), "H25下");
        assert_eq!(period_label(p(2013, Half::Year), false), "H25年度");
        assert_eq!(period_label(p(2019, Half::First), false), "R1上");
        assert_eq!(period_long(p(2019, Half::First), false), "令和元年度上半期");
        assert_eq!(period_label(p(2019, Half::Second), false), "R1下");
        assert_eq!(period_label(p(2013, Half::First), true), "FY2013 H1");
        assert_eq!(period_long(p(2013, Half::First), false), "平成25年度上半期");
    }

    #[test]
    fn cycling_goes_through_unset() {
        let sc = scale(&["S", "A", "B", "C"]);
        assert_eq!(cycle("", &sc, true), "S");
        assert_eq!(cycle("C", &sc, true), "");
        assert_eq!(cycle("", &sc, false), "C");
        assert_eq!(cycle("?", &sc, true), "S");
    }

    #[test]
    fn tones() {
        let niigata = scale(&["前倒し", "予定通り進捗", "遅れ", "未着手", "完了"]);
        assert_eq!(tone("予定通り進捗", &niigata), Tone::OnTrack);
        assert_eq!(tone("完了", &niigata), Tone::Done);
        let letters = scale(&["S", "A", "B", "C"]);
        assert_eq!(tone("S", &letters), Tone::Ahead);
        assert_eq!(tone("C", &letters), Tone::Late);
        assert_eq!(tone("B", &letters), Tone::OnTrack);
        assert_eq!(
            tone("取組中", &scale(&["未着手", "取組中", "完了"])),
            Tone::OnTrack
        );
    }
}
