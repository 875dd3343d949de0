//! The calendar screen (the 会議 tab outside minute taking): its actions,
//! and the answers that fill it. State: `state::CalendarState`; drawing:
//! `calendar/draw.rs`; keys: `keymap::DEFAULT` (`Scope::Calendar`).

pub mod draw;
pub mod land;
pub mod year;

use chrono::{Datelike, Days, Months, NaiveDate};

use super::minutes;
use crate::app::action::Action;
use crate::app::msg::{Request, Requests, WriteOp};
use crate::app::prompt;
use crate::app::state::*;
use crate::db::MeetingDetail;
use crate::wareki;

/// Carry out `a` if it is the calendar's; None otherwise.
pub fn apply(s: &mut AppState, a: Action) -> Option<Requests> {
    Some(match a {
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
            s.calendar.follow_landed = false;
            s.calendar.detail_scroll = s.calendar.detail_scroll.saturating_sub(3);
            Vec::new()
        }
        Action::DetailScrollDown => {
            s.calendar.follow_landed = false;
            s.calendar.detail_scroll = s.calendar.detail_scroll.saturating_add(3);
            Vec::new()
        }
        Action::NewMeeting => {
            prompt::meeting_form::open_meeting_form(s, false);
            Vec::new()
        }
        Action::EditMeeting => {
            prompt::meeting_form::open_meeting_form(s, true);
            Vec::new()
        }
        Action::DeleteMeeting => {
            prompt::confirm_delete_meeting(s);
            Vec::new()
        }
        Action::CycleMeetingStatus => cycle_status(s),
        Action::NextRelated => land::next_related(s),
        Action::OpenRelated => land::open_related(s),
        Action::ToggleChart => {
            s.calendar.year_view = !s.calendar.year_view;
            Vec::new()
        }
        _ => return None,
    })
}

/// The selected meeting's detail arrived.
pub fn on_meeting(s: &mut AppState, detail: Option<MeetingDetail>) -> Requests {
    let same =
        detail.as_ref().map(|d| d.meeting.id) == s.calendar.detail.as_ref().map(|d| d.meeting.id);
    // Only who is minuting it changed (a colleague started or stopped):
    // the related items need not be looked up again.
    let presence_only = match (&s.calendar.detail, &detail) {
        (Some(a), Some(b)) => {
            a.meeting == b.meeting && a.items == b.items && a.attendees == b.attendees
        }
        _ => false,
    };
    if !same {
        s.calendar.detail_scroll = 0;
        s.calendar.related_cursor = None;
    }
    s.calendar.detail = detail;
    land::on_detail(s);
    minutes::drop_confirmed(s);
    minutes::clamp(s);
    if presence_only {
        return Vec::new();
    }
    super::search::on_meeting_loaded(s)
}

pub fn on_year(
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
