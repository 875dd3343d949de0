//! The meeting form: date and time, then room, then attendees — three
//! prompts in a row; also reopened over a colleague's version after a
//! conflict.

use crate::app::msg::{Request, Requests, WriteOp};
use crate::app::state::{open_prompt, AppState, FormStep, MeetingForm, Prompt, PromptPurpose};
use crate::db::MeetingFields;
use crate::model::MeetingStatus;
use crate::wareki;

/// The meeting form: date and time, then room, then attendees. A new
/// meeting starts from the last one's room, times and attendees.
pub fn open_meeting_form(s: &mut AppState, edit: bool) {
    if let Some(reason) = &s.read_only {
        let msg = format!("読み取り専用です: {reason}");
        s.error(msg);
        return;
    }
    if edit && s.calendar.detail.is_none() {
        s.info("編集する会議を選んでください");
        return;
    }
    // Editing starts from the meeting itself; a new one from the newest
    // meeting (its room, times and attendees).
    let detail = if edit {
        s.calendar.detail.as_ref()
    } else {
        s.calendar.latest.as_ref().or(s.calendar.detail.as_ref())
    };
    let times = detail.map(|d| (d.meeting.start, d.meeting.end));
    let date = if edit {
        detail.map_or(s.calendar.cursor, |d| d.meeting.date)
    } else {
        s.calendar.cursor
    };
    let mut datetime = wareki::format_short(date);
    if let Some((Some(st), en)) = times {
        datetime.push(' ');
        datetime.push_str(&st.format("%H:%M").to_string());
        if let Some(en) = en {
            datetime.push('-');
            datetime.push_str(&en.format("%H:%M").to_string());
        }
    }
    let form = MeetingForm {
        editing: if edit {
            detail.map(|d| (d.meeting.id, d.meeting.version))
        } else {
            None
        },
        step: FormStep::DateTime,
        datetime: datetime.clone(),
        place: detail.map(|d| d.meeting.place.clone()).unwrap_or_default(),
        attendees: detail.map(|d| d.attendees.join("、")).unwrap_or_default(),
        status: if edit {
            detail.map(|d| d.meeting.status)
        } else {
            None
        },
    };
    open_prompt(
        s,
        PromptPurpose::MeetingField(form),
        step_label(FormStep::DateTime, edit),
        &datetime,
        Vec::new(),
    );
}

fn step_label(step: FormStep, edit: bool) -> &'static str {
    match (step, edit) {
        (FormStep::DateTime, false) => {
            "新しい会議 1/3 日時（例 R7.11.20 13:00-14:30、令和7年11月20日 午後1時から2時30分）"
        }
        (FormStep::DateTime, true) => "会議の編集 1/3 日時",
        (FormStep::Place, _) => "2/3 場所",
        (FormStep::Attendees, _) => "3/3 出席者（職名を「、」で区切る）",
    }
}

pub(super) fn form_step(
    s: &mut AppState,
    mut form: MeetingForm,
    text: String,
    p: Prompt,
) -> Requests {
    let edit = form.editing.is_some();
    match form.step {
        FormStep::DateTime => {
            if let Err(e) = wareki::parse_datetime(&text) {
                s.error(format!("日時が読めません: {e}"));
                s.prompt = Some(p);
                return Vec::new();
            }
            form.datetime = text;
            form.step = FormStep::Place;
            let place = form.place.clone();
            open_prompt(
                s,
                PromptPurpose::MeetingField(form),
                step_label(FormStep::Place, edit),
                &place,
                Vec::new(),
            );
            Vec::new()
        }
        FormStep::Place => {
            form.place = text.trim().to_string();
            form.step = FormStep::Attendees;
            let att = form.attendees.clone();
            open_prompt(
                s,
                PromptPurpose::MeetingField(form),
                step_label(FormStep::Attendees, edit),
                &att,
                Vec::new(),
            );
            Vec::new()
        }
        FormStep::Attendees => {
            let Ok(spec) = wareki::parse_datetime(&form.datetime) else {
                return Vec::new();
            };
            let fields = MeetingFields {
                date: spec.date,
                start: spec.start,
                end: spec.end,
                place: form.place.clone(),
                status: form.status.unwrap_or(if spec.date > s.calendar.today {
                    MeetingStatus::Scheduled
                } else {
                    MeetingStatus::Held
                }),
                attendees: crate::import::lines::split_list(&text),
            };
            let op = match form.editing {
                Some((id, version)) => WriteOp::UpdateMeeting {
                    id,
                    version,
                    fields,
                },
                None => WriteOp::CreateMeeting(fields),
            };
            vec![Request::Write(op)]
        }
    }
}

/// "Edit the two together" for a meeting: the form again, over their
/// version, with my fields and everyone either of us had ticked.
pub fn reopen_meeting_form(
    s: &mut AppState,
    id: i64,
    version: i64,
    mine: &MeetingFields,
    theirs: &str,
) {
    let mut attendees = theirs
        .split_once(" 出席: ")
        .map(|(_, a)| crate::import::lines::split_list(a))
        .unwrap_or_default();
    for a in &mine.attendees {
        if !attendees.contains(a) {
            attendees.push(a.clone());
        }
    }
    let mut datetime = wareki::format_short(mine.date);
    if let Some(st) = mine.start {
        datetime.push_str(&format!(" {}", st.format("%H:%M")));
        if let Some(en) = mine.end {
            datetime.push_str(&format!("-{}", en.format("%H:%M")));
        }
    }
    let form = MeetingForm {
        editing: Some((id, version)),
        step: FormStep::DateTime,
        datetime: datetime.clone(),
        place: mine.place.clone(),
        attendees: attendees.join("、"),
        status: Some(mine.status),
    };
    open_prompt(
        s,
        PromptPurpose::MeetingField(form),
        step_label(FormStep::DateTime, true),
        &datetime,
        Vec::new(),
    );
}
