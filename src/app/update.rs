//! State changes. A key becomes an [`Action`] (through the keymap) or an
//! edit of the focused input; responses from the database thread become new
//! state. Either may return requests for the database thread.

use chrono::{Datelike, Days, Months, NaiveDate};
use crossterm::event::{KeyEvent, KeyEventKind};

use super::action::Action;
use super::keymap::{self, Scope};
use super::minutes;
pub use super::msg::Requests;
use super::msg::{Request, Response, WriteOp};
use super::prompt;
use super::state::*;
use crate::wareki;

pub fn on_key(s: &mut AppState, key: KeyEvent) -> Requests {
    super::bindings::register();
    if key.kind == KeyEventKind::Release {
        return Vec::new();
    }
    if s.help {
        // Paging keys scroll a long help; any other key closes it.
        use crossterm::event::KeyCode::*;
        match key.code {
            PageDown | Down | Char('j') | Char(' ') => s.help_scroll += 10,
            PageUp | Up | Char('k') => s.help_scroll = s.help_scroll.saturating_sub(10),
            _ => {
                s.help = false;
                s.help_scroll = 0;
            }
        }
        return Vec::new();
    }
    if s.prompt.is_some() {
        return prompt::on_key(s, key);
    }
    if let Some(r) = super::panes::policy::on_overlay_key(s, &key) {
        return r;
    }
    if let Some(r) = super::panes::search::on_key(s, &key) {
        return r;
    }
    match s.mode {
        Mode::MinutesInput => {
            if let Some(a) = keymap::lookup(Scope::MinutesInput, &key) {
                return apply(s, a);
            }
            minutes::edit_input(s, |input| input.handle_key(&key))
        }
        Mode::MinutesList => match keymap::lookup(Scope::MinutesList, &key)
            .or_else(|| keymap::lookup(Scope::Global, &key))
        {
            Some(a) => apply(s, a),
            None => Vec::new(),
        },
        Mode::Normal => {
            if let Some(r) = super::panes::on_key(s, &key) {
                return r;
            }
            let scoped = match s.tab {
                Tab::Meetings => keymap::lookup(Scope::Calendar, &key),
                _ => None,
            };
            match scoped.or_else(|| keymap::lookup(Scope::Global, &key)) {
                Some(a) => apply(s, a),
                None => Vec::new(),
            }
        }
    }
}

/// A bracketed paste: one edit of whatever input has the focus.
pub fn on_paste(s: &mut AppState, text: &str) -> Requests {
    super::bindings::register();
    if super::panes::policy::on_paste(s, text) {
        return Vec::new();
    }
    if let Some(p) = s.prompt.as_mut() {
        if let Err(e) = p.input.paste(text) {
            s.error(e.to_string());
        }
        return Vec::new();
    }
    if s.search.open {
        return super::panes::search::on_paste(s, text);
    }
    if s.mode == Mode::MinutesInput {
        return minutes::edit_input(s, |input| input.handle_paste(text));
    }
    if let Some(r) = super::panes::attendance::on_paste(s, text) {
        return r;
    }
    if s.tab == Tab::Progress {
        if let Some(r) = super::panes::progress::on_paste(s, text) {
            return r;
        }
    }
    Vec::new()
}

pub fn apply(s: &mut AppState, a: Action) -> Requests {
    s.message = None;
    match a {
        Action::Quit => {
            s.quit = true;
            Vec::new()
        }
        Action::Help => {
            s.help = true;
            Vec::new()
        }
        Action::NextTab | Action::PrevTab => {
            let i = Tab::ALL.iter().position(|t| *t == s.tab).unwrap_or(0);
            let n = Tab::ALL.len();
            let j = if a == Action::NextTab {
                (i + 1) % n
            } else {
                (i + n - 1) % n
            };
            s.tab = Tab::ALL[j];
            super::panes::on_enter(s, s.tab)
        }
        Action::GoTab1 | Action::GoTab2 | Action::GoTab3 | Action::GoTab4 => {
            s.tab = match a {
                Action::GoTab1 => Tab::Meetings,
                Action::GoTab2 => Tab::Attendance,
                Action::GoTab3 => Tab::Policy,
                _ => Tab::Progress,
            };
            super::panes::on_enter(s, s.tab)
        }
        Action::DayLeft => move_cursor(s, |d| d.checked_sub_days(Days::new(1))),
        Action::DayRight => move_cursor(s, |d| d.checked_add_days(Days::new(1))),
        Action::WeekUp => move_cursor(s, |d| d.checked_sub_days(Days::new(7))),
        Action::WeekDown => move_cursor(s, |d| d.checked_add_days(Days::new(7))),
        Action::PrevMonth => move_cursor(s, |d| d.checked_sub_months(Months::new(1))),
        Action::NextMonth => move_cursor(s, |d| d.checked_add_months(Months::new(1))),
        Action::PrevFiscalYear => move_cursor(s, |d| d.checked_sub_months(Months::new(12))),
        Action::NextFiscalYear => move_cursor(s, |d| d.checked_add_months(Months::new(12))),
        Action::Today => {
            let today = s.calendar.today;
            move_cursor(s, |_| Some(today))
        }
        Action::SelectPrevMeeting => select_meeting(s, |i, _| i.checked_sub(1)),
        Action::SelectNextMeeting => select_meeting(s, |i, n| (i + 1 < n).then_some(i + 1)),
        Action::FirstMeeting => select_meeting(s, |_, n| (n > 0).then_some(0)),
        Action::LastMeeting => select_meeting(s, |_, n| n.checked_sub(1)),
        Action::DetailScrollUp => {
            s.calendar.detail_scroll = s.calendar.detail_scroll.saturating_sub(3);
            Vec::new()
        }
        Action::DetailScrollDown => {
            s.calendar.detail_scroll = s.calendar.detail_scroll.saturating_add(3);
            Vec::new()
        }
        Action::NewMeeting => {
            prompt::open_meeting_form(s, false);
            Vec::new()
        }
        Action::EditMeeting => {
            prompt::open_meeting_form(s, true);
            Vec::new()
        }
        Action::DeleteMeeting => {
            prompt::confirm_delete_meeting(s);
            Vec::new()
        }
        Action::CycleMeetingStatus => cycle_status(s),
        Action::Undo => undo(s, false),
        Action::Redo => undo(s, true),
        Action::StartMinutes => minutes::start(s),
        Action::Submit
        | Action::ToList
        | Action::ToInput
        | Action::LeaveMinutes
        | Action::PrevItem
        | Action::NextItem
        | Action::PrevEntry
        | Action::NextEntry
        | Action::NewItem
        | Action::ItemUp
        | Action::ItemDown
        | Action::TagSpeaker
        | Action::MarkDecision
        | Action::MarkAction
        | Action::MarkOpinion
        | Action::EditEntry
        | Action::DeleteEntry => minutes::apply(s, a),
        Action::Attendance => {
            prompt::open_attendance(s);
            Vec::new()
        }
        Action::LinkItem => super::panes::policy::link_item(s),
        Action::Search => super::panes::search::open(s),
        Action::Accept
        | Action::Cancel
        | Action::PickPrev
        | Action::PickNext
        | Action::PickPageUp
        | Action::PickPageDown
        | Action::Toggle => Vec::new(),
        // The attendance pane's own keys (see `panes::attendance`).
        Action::CellLeft
        | Action::CellRight
        | Action::CellUp
        | Action::CellDown
        | Action::RowsPageUp
        | Action::RowsPageDown
        | Action::ColumnsPageLeft
        | Action::ColumnsPageRight
        | Action::FirstRow
        | Action::LastRow
        | Action::FirstColumn
        | Action::LastColumn
        | Action::ToggleAttendance
        | Action::CycleSort
        | Action::EditFilter
        | Action::ClearFilter
        | Action::MergeTitles
        | Action::SplitTitle
        | Action::ToggleAllTitles
        | Action::WidenYears
        | Action::NarrowYears => Vec::new(),
        // The policy pane's own keys (handled in `panes::policy`).
        Action::TreeUp
        | Action::TreeDown
        | Action::TreePageUp
        | Action::TreePageDown
        | Action::TreeFirst
        | Action::TreeLast
        | Action::TreeToggle
        | Action::TreeCollapse
        | Action::TreeExpand
        | Action::OpenLinks
        | Action::Back
        | Action::NodeAddChild
        | Action::NodeAddSibling
        | Action::NodeEdit
        | Action::NodeDelete
        | Action::NodeMoveUp
        | Action::NodeMoveDown
        | Action::NodeOutdent
        | Action::NodeIndent
        | Action::NodeReparent
        | Action::EditMidReview
        | Action::EditSelfEvaluation
        | Action::ComparePrevYear
        | Action::LinkSuggestions
        | Action::AcceptSuggestion
        | Action::RejectOrUnlink => Vec::new(),
        // The progress pane handles its own keys before they get here.
        Action::ProgressUp
        | Action::ProgressDown
        | Action::ProgressLeft
        | Action::ProgressRight
        | Action::ProgressPageUp
        | Action::ProgressPageDown
        | Action::ProgressFirst
        | Action::ProgressLast
        | Action::ProgressPrevPeriod
        | Action::ProgressNextPeriod
        | Action::ProgressView
        | Action::ProgressOpen
        | Action::ProgressBack
        | Action::ProgressEdit
        | Action::ProgressNextStatus
        | Action::ProgressPrevStatus
        | Action::ProgressNextGrade
        | Action::ProgressPrevGrade
        | Action::ProgressToggleDone
        | Action::ProgressAddMilestone
        | Action::ProgressAddIndicator
        | Action::ProgressDelete
        | Action::ProgressCloseAction
        | Action::ProgressEra
        | Action::ProgressFilterPlan
        | Action::ProgressFilterYear
        | Action::ProgressFilterDepartment
        | Action::ProgressFilterStatus
        | Action::ProgressFilterOverdue
        | Action::ProgressFilterText
        | Action::ProgressClearFilters => Vec::new(),
        Action::CopyCitation => super::clipboard::copy_citation(s),
    }
}

/// The selected meeting's status, one step along 予定 → 開催済 → 公開済 → 中止.
fn cycle_status(s: &mut AppState) -> Requests {
    use crate::model::MeetingStatus::*;
    if let Some(reason) = &s.read_only {
        let msg = format!("読み取り専用です: {reason}");
        s.error(msg);
        return Vec::new();
    }
    let Some(d) = &s.calendar.detail else {
        return Vec::new();
    };
    let m = &d.meeting;
    let next = match m.status {
        Scheduled => Held,
        Held => Published,
        Published => Cancelled,
        Cancelled => Scheduled,
    };
    vec![Request::Write(WriteOp::UpdateMeeting {
        id: m.id,
        version: m.version,
        fields: crate::db::MeetingFields {
            date: m.date,
            start: m.start,
            end: m.end,
            place: m.place.clone(),
            status: next,
            attendees: d.attendees.clone(),
        },
    })]
}

fn undo(s: &mut AppState, redo: bool) -> Requests {
    let stack = if redo {
        &mut s.redo_stack
    } else {
        &mut s.undo_stack
    };
    match stack.pop() {
        Some(batch) => vec![Request::Undo { batch, redo }],
        None => {
            s.info(if redo {
                "やり直す変更はありません"
            } else {
                "取り消す変更はありません（この画面で行った変更だけ取り消せます）"
            });
            Vec::new()
        }
    }
}

/// Move the calendar cursor; load another fiscal year when it crosses into
/// one, and select the meeting on the new day if there is one.
fn move_cursor(s: &mut AppState, f: impl FnOnce(NaiveDate) -> Option<NaiveDate>) -> Requests {
    let c = &mut s.calendar;
    let Some(day) = f(c.cursor) else {
        return Vec::new();
    };
    c.cursor = day;
    c.month = first_of_month(day);
    let fy = wareki::fiscal_year(day);
    if fy != c.fiscal_year {
        c.fiscal_year = fy;
        c.meetings.clear();
        c.selected = None;
        c.detail = None;
        c.loading = true;
        return vec![Request::LoadYear {
            fiscal_year: Some(fy),
            select: None,
        }];
    }
    match c.meetings.iter().position(|m| m.date == day) {
        Some(i) if c.selected != Some(i) => {
            c.selected = Some(i);
            c.detail_scroll = 0;
            vec![Request::LoadMeeting(c.meetings[i].id)]
        }
        _ => Vec::new(),
    }
}

fn select_meeting(s: &mut AppState, f: impl FnOnce(usize, usize) -> Option<usize>) -> Requests {
    let c = &mut s.calendar;
    let n = c.meetings.len();
    let from = c.selected.unwrap_or(0);
    let Some(i) = f(from, n) else {
        return Vec::new();
    };
    c.selected = Some(i);
    c.detail_scroll = 0;
    c.cursor = c.meetings[i].date;
    c.month = first_of_month(c.cursor);
    vec![Request::LoadMeeting(c.meetings[i].id)]
}

pub fn on_response(s: &mut AppState, r: Response) -> Requests {
    match r {
        Response::Year {
            fiscal_year,
            meetings,
            select,
        } => on_year(s, fiscal_year, meetings, select),
        Response::Meeting(detail) => {
            let same = detail.as_ref().map(|d| d.meeting.id)
                == s.calendar.detail.as_ref().map(|d| d.meeting.id);
            if !same {
                s.calendar.detail_scroll = 0;
            }
            s.calendar.detail = detail;
            minutes::drop_confirmed(s);
            minutes::clamp(s);
            super::panes::search::on_meeting_loaded(s)
        }
        Response::Draft { context, text } => {
            minutes::restore_draft(s, &context, text);
            Vec::new()
        }
        Response::DraftSaved { context, text } => {
            if let Some(m) = s.minutes.as_mut().filter(|m| m.draft_context() == context) {
                m.draft_confirmed(&text);
            }
            Vec::new()
        }
        Response::Latest(d) => {
            s.calendar.latest = d;
            Vec::new()
        }
        Response::JobTitles(t) => {
            s.job_titles = t;
            Vec::new()
        }
        Response::Written { op, result } => on_written(s, *op, result),
        Response::Undone { redo, result } => {
            match result {
                Ok(Some(batch)) => {
                    if redo {
                        s.undo_stack.push(batch);
                        s.info("やり直しました");
                    } else {
                        s.redo_stack.push(batch);
                        s.info("取り消しました（Ctrl-R でやり直し）");
                    }
                }
                Ok(None) => s.info("変更はありませんでした"),
                Err(e) => s.error(e),
            }
            super::panes::refresh(s)
        }
        Response::Pane(r) => super::panes::on_response(s, r),
        Response::Conflict(caught) => {
            // The progress editor's save is answered here, not by Written.
            s.progress.saving = None;
            super::conflict::open(s, *caught);
            Vec::new()
        }
        Response::ReadOnly(reason) => {
            s.read_only = Some(reason.clone());
            s.error(reason);
            Vec::new()
        }
        Response::Restored { notes, items } => {
            s.restored_items.extend(items);
            if let Some(first) = notes.first() {
                let more = notes.len() - 1;
                if more > 0 {
                    s.info(format!("{first}（ほか {more} 件）"));
                } else {
                    s.info(first.clone());
                }
            }
            Vec::new()
        }
        Response::Retrying => {
            s.info("保存を再試行中（ほかの人の保存を待っています）");
            Vec::new()
        }
        Response::Failed(e) => {
            s.error(e);
            Vec::new()
        }
        Response::External(changes) => {
            let now = std::time::Instant::now();
            s.activity
                .recent
                .extend(changes.into_iter().map(|c| (c, now)));
            let keep = s.activity.recent.len().saturating_sub(50);
            s.activity.recent.drain(..keep);
            super::panes::refresh(s)
        }
    }
}

fn on_year(
    s: &mut AppState,
    fiscal_year: i32,
    meetings: Vec<crate::db::MeetingRow>,
    select: Option<i64>,
) -> Requests {
    let c = &mut s.calendar;
    let first_load = c.meetings.is_empty() && c.selected.is_none();
    let explicit = select.or(c.select_after_load.take());
    let keep = explicit.or_else(|| c.selected_meeting().map(|m| m.id));
    c.fiscal_year = fiscal_year;
    c.meetings = meetings;
    c.loading = false;
    let by_id = keep.and_then(|id| c.meetings.iter().position(|m| m.id == id));
    let on_cursor = || c.meetings.iter().position(|m| m.date == c.cursor);
    let index = by_id.or_else(on_cursor).or_else(|| {
        if first_load && wareki::fiscal_year(c.cursor) != fiscal_year {
            c.meetings.len().checked_sub(1)
        } else {
            c.meetings.iter().position(|m| m.date >= c.cursor)
        }
    });
    c.selected = index;
    match index.map(|i| (c.meetings[i].id, c.meetings[i].date)) {
        Some((id, date)) => {
            let chosen = by_id.is_some() && (first_load || explicit.is_some());
            if wareki::fiscal_year(c.cursor) != fiscal_year || chosen {
                c.cursor = date;
                c.month = first_of_month(date);
            }
            if c.detail.as_ref().map(|d| d.meeting.id) != Some(id) {
                return vec![Request::LoadMeeting(id)];
            }
            Vec::new()
        }
        None => {
            c.detail = None;
            if wareki::fiscal_year(c.cursor) != fiscal_year {
                let (start, _) = wareki::fiscal_year_bounds(fiscal_year);
                c.cursor = start.with_day(1).unwrap_or(start);
                c.month = first_of_month(c.cursor);
            }
            Vec::new()
        }
    }
}

fn on_written(
    s: &mut AppState,
    op: WriteOp,
    result: Result<super::worker::WriteOk, String>,
) -> Requests {
    match result {
        Ok(ok) => {
            s.record_batch(ok.batch);
            match &op {
                WriteOp::CreateMeeting(_) => s.calendar.select_after_load = ok.created,
                WriteOp::UpdateMeeting { id, .. } => s.calendar.select_after_load = Some(*id),
                WriteOp::AddOpinion {
                    item,
                    text,
                    speaker,
                    ..
                } => {
                    let entry = (text.as_str(), speaker.clone());
                    let mut reqs = minutes::confirm_saved(s, *item, entry, ok.created);
                    s.info(op.label());
                    reqs.extend(super::panes::refresh(s));
                    return reqs;
                }
                WriteOp::AddItem { .. } => minutes::item_added(s),
                _ => {}
            }
            s.info(op.label());
            return super::panes::refresh(s);
        }
        Err(e) => {
            s.error(format!("保存できませんでした: {e}"));
            if let WriteOp::AddOpinion { text, .. } = &op {
                return minutes::save_failed(s, text);
            }
        }
    }
    Vec::new()
}
