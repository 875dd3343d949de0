//! The attendance pane's keys: moving and scrolling both ways, toggling a
//! cell, sorting, the filter line, merging titles, changing the years.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::{load, Request, State};
use crate::app::action::Action;
use crate::app::keymap::{self, Binding, Scope};
use crate::app::msg::Requests;
use crate::app::state::{AppState, Tab};
use crate::widget::text_input::InputOutcome;

/// An attendance-pane binding.
const fn b(
    code: KeyCode,
    mods: KeyModifiers,
    action: Action,
    help: &'static str,
    hint: Option<&'static str>,
) -> Binding {
    crate::app::keymap::binding(Scope::Attendance, code, mods, action, help, hint)
}

use Action as A;
use KeyCode::*;
const N: KeyModifiers = KeyModifiers::NONE;
const SH: KeyModifiers = KeyModifiers::SHIFT;

/// This pane's keys (scope `Scope::Attendance`), shown in help and hints.
/// While the filter line is open, it takes the keys: Enter keeps the
/// filter, Esc clears it, Up/Down move the cursor (the prompt's keys).
pub const BINDINGS: &[Binding] = &[
    b(Left, N, A::CellLeft, "前の会議", None),
    b(Char('h'), N, A::CellLeft, "前の会議", None),
    b(Right, N, A::CellRight, "次の会議", None),
    b(Char('l'), N, A::CellRight, "次の会議", None),
    b(Up, N, A::CellUp, "前の職名", None),
    b(Char('k'), N, A::CellUp, "前の職名", None),
    b(Down, N, A::CellDown, "次の職名", None),
    b(Char('j'), N, A::CellDown, "次の職名", None),
    b(PageUp, N, A::RowsPageUp, "1画面上へ", None),
    b(PageDown, N, A::RowsPageDown, "1画面下へ", None),
    b(Char('H'), SH, A::ColumnsPageLeft, "1画面左へ", None),
    b(Char('L'), SH, A::ColumnsPageRight, "1画面右へ", None),
    b(Char('g'), N, A::FirstRow, "最初の職名", None),
    b(Char('G'), SH, A::LastRow, "最後の職名", None),
    b(Home, N, A::FirstColumn, "最初の会議", None),
    b(End, N, A::LastColumn, "最後の会議", None),
    b(
        Char(' '),
        N,
        A::ToggleAttendance,
        "出席・欠席を切り替え（u で取り消し）",
        Some("出欠"),
    ),
    b(
        Enter,
        N,
        A::ToggleAttendance,
        "出席・欠席を切り替え（u で取り消し）",
        None,
    ),
    b(
        Char('s'),
        N,
        A::CycleSort,
        "並べ替え: 組織順・出席率順・名前順",
        Some("並べ替え"),
    ),
    b(
        Char('f'),
        N,
        A::EditFilter,
        "職名で絞り込み（あいまい一致）",
        Some("絞り込み"),
    ),
    b(Esc, N, A::ClearFilter, "絞り込み・統合の選択を解除", None),
    b(
        Char('m'),
        N,
        A::MergeTitles,
        "職名の統合（旧職名の行で m、新しい職名の行で m）",
        Some("統合"),
    ),
    b(Char('x'), N, A::SplitTitle, "統合した旧職名を分ける", None),
    b(
        Char('a'),
        N,
        A::ToggleAllTitles,
        "出席のない職名も表示する・しない",
        None,
    ),
    b(Char('v'), N, A::ToggleChart, "図と表の切り替え", None),
    b(Char('['), N, A::PrevFiscalYear, "前の年度", None),
    b(Char(']'), N, A::NextFiscalYear, "次の年度", Some("年度")),
    b(Char('+'), N, A::WidenYears, "範囲を1年度前へ広げる", None),
    b(
        Char('-'),
        N,
        A::NarrowYears,
        "範囲を1年度狭める（最初の年度を外す）",
        None,
    ),
];

/// A key for this pane; None when it does not use it (global keys then).
pub fn on_key(s: &mut AppState, key: &KeyEvent) -> Option<Requests> {
    if s.attendance.filtering {
        return Some(filter_key(s, key));
    }
    let a = keymap::lookup(Scope::Attendance, key)?;
    Some(apply(s, a))
}

/// A bracketed paste into the filter line, when it is open.
pub fn on_paste(s: &mut AppState, text: &str) -> Option<Requests> {
    if s.tab != Tab::Attendance || !s.attendance.filtering || s.search.open {
        return None;
    }
    if s.attendance.filter.handle_paste(text) == InputOutcome::Changed {
        s.attendance.rebuild();
    }
    if let Some(e) = s.attendance.filter.take_error() {
        s.error(e.to_string());
    }
    Some(Vec::new())
}

fn filter_key(s: &mut AppState, key: &KeyEvent) -> Requests {
    let a = &mut s.attendance;
    match keymap::lookup(Scope::Prompt, key) {
        Some(Action::Accept) => a.filtering = false,
        Some(Action::Cancel) => {
            a.filtering = false;
            a.filter.clear();
            a.rebuild();
        }
        Some(Action::PickPrev) => move_row(a, |r, _| r.saturating_sub(1)),
        Some(Action::PickNext) => move_row(a, |r, _| r + 1),
        _ => match a.filter.handle_key(key) {
            InputOutcome::Changed => {
                a.rebuild();
                // The best place to look is the top of what is left.
                a.row = 0;
                a.scroll_to_cursor();
            }
            InputOutcome::Error => {
                if let Some(e) = a.filter.take_error() {
                    s.error(e.to_string());
                }
            }
            _ => {}
        },
    }
    Vec::new()
}

fn move_row(a: &mut State, f: impl FnOnce(usize, usize) -> usize) {
    let n = a.view.rows.len();
    a.row = f(a.row, n).min(n.saturating_sub(1));
    a.scroll_to_cursor();
}

fn move_col(a: &mut State, f: impl FnOnce(usize, usize) -> usize) {
    let n = a.matrix.as_ref().map_or(0, |m| m.meetings.len());
    a.col = f(a.col, n).min(n.saturating_sub(1));
    a.scroll_to_cursor();
}

fn apply(s: &mut AppState, action: Action) -> Requests {
    s.message = None;
    let a = &mut s.attendance;
    let page = a.page_size();
    match action {
        A::CellLeft => move_col(a, |c, _| c.saturating_sub(1)),
        A::CellRight => move_col(a, |c, _| c + 1),
        A::CellUp => move_row(a, |r, _| r.saturating_sub(1)),
        A::CellDown => move_row(a, |r, _| r + 1),
        A::RowsPageUp => {
            a.top = a.top.saturating_sub(page.rows);
            move_row(a, |r, _| r.saturating_sub(page.rows));
        }
        A::RowsPageDown => {
            a.top += page.rows;
            move_row(a, |r, _| r + page.rows);
        }
        A::ColumnsPageLeft => {
            a.left = a.left.saturating_sub(page.cols);
            move_col(a, |c, _| c.saturating_sub(page.cols));
        }
        A::ColumnsPageRight => {
            a.left += page.cols;
            move_col(a, |c, _| c + page.cols);
        }
        A::FirstRow => move_row(a, |_, _| 0),
        A::LastRow => move_row(a, |_, n| n),
        A::FirstColumn => move_col(a, |_, _| 0),
        A::LastColumn => move_col(a, |_, n| n),
        A::CycleSort => {
            a.sort = a.sort.next();
            a.rebuild();
            let label = a.sort.label();
            s.info(format!("{label}に並べ替えました"));
        }
        A::ToggleAllTitles => {
            a.show_all = !a.show_all;
            a.rebuild();
            s.info(if s.attendance.show_all {
                "出席のない職名も表示します"
            } else {
                "出席のある職名だけ表示します"
            });
        }
        A::ToggleChart => a.chart = !a.chart,
        A::EditFilter => a.filtering = true,
        A::ClearFilter => {
            if a.merge_from.take().is_some() {
                s.info("統合をやめました");
            } else if !a.filter.is_empty() {
                a.filter.clear();
                a.rebuild();
            }
        }
        A::ToggleAttendance => return toggle(s),
        A::MergeTitles => return merge(s),
        A::SplitTitle => return split(s),
        A::PrevFiscalYear | A::NextFiscalYear | A::WidenYears | A::NarrowYears => {
            return change_years(s, action)
        }
        _ => {}
    }
    Vec::new()
}

/// Flip the cell under the cursor at once, and save it.
fn toggle(s: &mut AppState) -> Requests {
    let a = &mut s.attendance;
    let (Some(m), Some(&t)) = (a.matrix.as_mut(), a.view.rows.get(a.row)) else {
        return Vec::new();
    };
    let Some(meeting) = m.meetings.get(a.col).map(|mt| mt.id) else {
        return Vec::new();
    };
    let attend = !m.attended(t, a.col);
    let title = m.titles[t].id;
    m.set(t, a.col, attend);
    // Only the totals change; the rows stay where they are until the
    // reload (a sort by rate must not move the row under the cursor now).
    if let Some(c) = a.view.meeting_counts.get_mut(a.col) {
        *c = if attend { *c + 1 } else { c.saturating_sub(1) };
    }
    vec![super::super::request(
        super::super::PaneRequest::Attendance(Request::Toggle {
            meeting,
            title,
            attend,
        }),
    )]
}

fn merge(s: &mut AppState) -> Requests {
    let a = &mut s.attendance;
    let Some(m) = &a.matrix else {
        return Vec::new();
    };
    let Some(t) = a.view.rows.get(a.row).and_then(|&t| m.titles.get(t)) else {
        return Vec::new();
    };
    match a.merge_from.take() {
        None => {
            let label = t.label();
            a.merge_from = Some((t.id, t.name.clone()));
            s.info(format!(
                "「{label}」を統合します。新しい職名の行で m（Esc でやめる）"
            ));
            Vec::new()
        }
        Some((from, _)) if from == t.id => {
            s.info("統合をやめました");
            Vec::new()
        }
        Some((from, from_name)) => {
            let req = Request::Merge {
                from,
                into: t.id,
                from_name,
                into_name: t.name.clone(),
            };
            vec![super::super::request(
                super::super::PaneRequest::Attendance(req),
            )]
        }
    }
}

fn split(s: &mut AppState) -> Requests {
    let a = &s.attendance;
    let Some(m) = &a.matrix else {
        return Vec::new();
    };
    let Some(t) = a.view.rows.get(a.row).and_then(|&t| m.titles.get(t)) else {
        return Vec::new();
    };
    if t.former.is_empty() {
        let name = t.name.clone();
        s.error(format!("「{name}」には統合された旧職名がありません"));
        return Vec::new();
    }
    let req = Request::Split {
        title: t.id,
        name: t.name.clone(),
    };
    vec![super::super::request(
        super::super::PaneRequest::Attendance(req),
    )]
}

fn change_years(s: &mut AppState, action: Action) -> Requests {
    let Some((first, last)) = s.attendance.years else {
        return Vec::new();
    };
    let years = match action {
        A::PrevFiscalYear => (first - 1, last - 1),
        A::NextFiscalYear => (first + 1, last + 1),
        A::WidenYears => (first - 1, last),
        _ if first < last => (first + 1, last),
        _ => {
            s.info("これ以上狭められません（1年度です）");
            return Vec::new();
        }
    };
    load(s, Some(years))
}
