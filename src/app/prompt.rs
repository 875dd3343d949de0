//! One-line prompts: new agenda item, speaker and owner (with fuzzy
//! completion over job titles), due date, the meeting form, confirmations.

use crossterm::event::KeyEvent;
use fuzzy_matcher::skim::SkimMatcherV2;
use fuzzy_matcher::FuzzyMatcher;

pub mod meeting_form;

use super::action::Action;
use super::keymap::{self, Scope};
use super::msg::Requests;
use super::msg::{Request, WriteOp};
use super::state::selected_entry;
use super::state::*;
use crate::db::{EntryKind, MeetingFields};
use crate::model::OpinionKind;
use crate::wareki;
use crate::widget::text_input::InputOutcome;

/// What an abandoned conflict prompt would otherwise lose: my version.
fn unsaved_text(p: &Prompt) -> Option<String> {
    match &p.purpose {
        PromptPurpose::Conflict(c) => Some(c.mine()),
        PromptPurpose::ConflictEdit(_) => Some(p.input.text().to_string()),
        _ => None,
    }
}

/// Candidates matching the typed text, best first (all when empty).
pub fn filtered(p: &Prompt) -> Vec<&str> {
    let q = p.input.text().trim();
    if q.is_empty() {
        return p.candidates.iter().map(String::as_str).collect();
    }
    let m = SkimMatcherV2::default();
    let mut scored: Vec<(i64, usize, &str)> = p
        .candidates
        .iter()
        .enumerate()
        .filter_map(|(i, c)| m.fuzzy_match(c, q).map(|sc| (sc, i, c.as_str())))
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().map(|(_, _, c)| c).collect()
}

pub fn on_key(s: &mut AppState, key: KeyEvent) -> Requests {
    let Some(p) = s.prompt.as_mut() else {
        return Vec::new();
    };
    if crate::app::panes::minutes::item::newline_key(p, &key) {
        return Vec::new();
    }
    match keymap::lookup(Scope::Prompt, &key) {
        Some(Action::Cancel) => {
            let p = s.prompt.take();
            if let Some(kept) = p.as_ref().and_then(unsaved_text) {
                s.info(format!(
                    "保存をやめました。自分の版はここに残しています: {kept}"
                ));
            }
            Vec::new()
        }
        Some(Action::PickPrev) => {
            p.pick = p.pick.saturating_sub(1);
            Vec::new()
        }
        Some(Action::PickNext) => {
            let n = filtered(p).len();
            p.pick = (p.pick + 1).min(n.saturating_sub(1));
            Vec::new()
        }
        Some(Action::Accept) => accept(s),
        // A choice between fixed options: typing does not filter it.
        _ if matches!(p.purpose, PromptPurpose::Conflict(_)) => Vec::new(),
        Some(Action::Toggle) if matches!(p.purpose, PromptPurpose::Attendance(_)) => {
            toggle(p);
            Vec::new()
        }
        _ => {
            match p.input.handle_key(&key) {
                InputOutcome::Changed => p.pick = 0,
                InputOutcome::Error => {
                    if let Some(e) = p.input.take_error() {
                        s.error(e.to_string());
                    }
                }
                _ => {}
            }
            Vec::new()
        }
    }
}

/// The picked candidate, else the typed text; None when both are empty.
fn chosen(p: &Prompt) -> Option<String> {
    let typed = p.input.text().trim().to_string();
    let list = filtered(p);
    if !p.candidates.is_empty() && !typed.is_empty() {
        if let Some(c) = list.get(p.pick) {
            return Some(c.to_string());
        }
    }
    (!typed.is_empty()).then_some(typed)
}

fn accept(s: &mut AppState) -> Requests {
    let Some(p) = s.prompt.take() else {
        return Vec::new();
    };
    let value = chosen(&p);
    match p.purpose.clone() {
        PromptPurpose::NewItem => {
            let (Some(title), Some(m)) = (value, s.minutes.as_ref()) else {
                return Vec::new();
            };
            vec![Request::Write(WriteOp::AddItem {
                meeting: m.meeting_id,
                title,
            })]
        }
        PromptPurpose::Speaker => {
            if s.mode == Mode::MinutesList {
                let Some(id) = selected_entry(s).map(|o| o.id) else {
                    return Vec::new();
                };
                return vec![Request::Write(WriteOp::SetSpeaker { id, speaker: value })];
            }
            if let Some(m) = s.minutes.as_mut() {
                m.speaker = value;
            }
            Vec::new()
        }
        PromptPurpose::ActionOwner { opinion } => {
            let owner = value.unwrap_or_default();
            open_prompt(
                s,
                PromptPurpose::ActionDue { opinion, owner },
                "期限（例 R7.12.1、空欄で期限なし）",
                "",
                Vec::new(),
            );
            Vec::new()
        }
        PromptPurpose::ActionDue { opinion, owner } => {
            let due = match value {
                None => None,
                Some(t) => match wareki::parse_date(&t) {
                    Ok((d, _)) => Some(d),
                    Err(e) => {
                        s.error(format!("期限が読めません: {e}"));
                        s.prompt = Some(Prompt {
                            purpose: PromptPurpose::ActionDue { opinion, owner },
                            ..p
                        });
                        return Vec::new();
                    }
                },
            };
            vec![Request::Write(WriteOp::SetKind {
                id: opinion,
                kind: EntryKind {
                    kind: OpinionKind::Action,
                    owner: (!owner.is_empty()).then_some(owner),
                    due,
                },
            })]
        }
        PromptPurpose::MeetingField(form) => {
            let text = p.input.text().to_string();
            meeting_form::form_step(s, form, text, p)
        }
        PromptPurpose::ConfirmDeleteMeeting { id, .. } => {
            vec![Request::Write(WriteOp::DeleteMeeting(id))]
        }
        PromptPurpose::ConfirmDeleteEntry { id } => {
            vec![Request::Write(WriteOp::DeleteOpinion(id))]
        }
        PromptPurpose::ItemTitle { .. }
        | PromptPurpose::ItemSummary { .. }
        | PromptPurpose::ConfirmDeleteItem { .. } => crate::app::panes::minutes::item::accept(s, p),
        PromptPurpose::Attendance(ref opened) => save_attendance(s, &p, opened),
        PromptPurpose::Conflict(c) => super::conflict::resolve(s, p.pick, *c),
        PromptPurpose::ConflictEdit(c) => super::conflict::save_together(s, p, *c),
    }
}

/// Tick or untick the highlighted title; with no match, add what was typed
/// as a new title, ticked.
fn toggle(p: &mut Prompt) {
    let pick = filtered(p).get(p.pick).map(|c| c.to_string());
    match pick {
        Some(title) => {
            if let Some(i) = p.checked.iter().position(|c| *c == title) {
                p.checked.remove(i);
            } else {
                p.checked.push(title);
            }
        }
        None => {
            let typed = p.input.text().trim().to_string();
            if !typed.is_empty() {
                p.candidates.push(typed.clone());
                p.checked.push(typed);
                p.input.clear();
                p.pick = 0;
            }
        }
    }
}

/// The attendance checklist: this meeting's attendees ticked, or the last
/// meeting's set when it has none yet.
pub fn open_attendance(s: &mut AppState) {
    let Some(d) = &s.calendar.detail else { return };
    let opened = AttendanceOpened {
        meeting: d.meeting.id,
        version: d.meeting.version,
        attendees: d.attendees.clone(),
    };
    let mut checked = d.attendees.clone();
    if checked.is_empty() {
        checked = d.previous_attendees.clone();
    }
    let mut candidates = s.job_titles.clone();
    for c in &checked {
        if !candidates.contains(c) {
            candidates.push(c.clone());
        }
    }
    open_prompt(
        s,
        PromptPurpose::Attendance(opened),
        "出席者（Space で切り替え、文字で絞り込み、Enter で保存）",
        "",
        candidates,
    );
    if let Some(p) = s.prompt.as_mut() {
        p.checked = checked;
    }
}

fn save_attendance(s: &mut AppState, p: &Prompt, opened: &AttendanceOpened) -> Requests {
    let Some(d) = s
        .calendar
        .detail
        .as_ref()
        .filter(|d| d.meeting.id == opened.meeting)
    else {
        s.error("この会議は開いた後に削除されています。出席者は保存していません");
        return Vec::new();
    };
    let attendees = attendance_order(&opened.attendees, &p.candidates, &p.checked);
    let m = &d.meeting;
    vec![Request::Write(WriteOp::UpdateMeeting {
        id: m.id,
        version: opened.version,
        fields: MeetingFields {
            date: m.date,
            start: m.start,
            end: m.end,
            place: m.place.clone(),
            status: m.status,
            attendees,
        },
    })]
}

/// The meeting's attendees after the checklist: those it had, in the
/// meeting's own (source) order, then the newly ticked ones in the
/// checklist's order. Saving without a change keeps the order as it was.
pub fn attendance_order(had: &[String], checklist: &[String], ticked: &[String]) -> Vec<String> {
    let mut out: Vec<String> = had.iter().filter(|a| ticked.contains(a)).cloned().collect();
    for c in checklist {
        if ticked.contains(c) && !out.contains(c) {
            out.push(c.clone());
        }
    }
    out
}

pub fn open_new_item(s: &mut AppState) {
    open_prompt(s, PromptPurpose::NewItem, "新しい議題", "", Vec::new());
}

fn speaker_candidates(s: &AppState) -> Vec<String> {
    let mut c: Vec<String> = s
        .calendar
        .detail
        .as_ref()
        .map(|d| d.attendees.clone())
        .unwrap_or_default();
    for t in &s.job_titles {
        if !c.contains(t) {
            c.push(t.clone());
        }
    }
    c
}

pub fn open_speaker(s: &mut AppState) {
    let c = speaker_candidates(s);
    open_prompt(s, PromptPurpose::Speaker, "発言者（職名）", "", c);
}

pub fn open_action_owner(s: &mut AppState, opinion: i64) {
    let c = speaker_candidates(s);
    open_prompt(
        s,
        PromptPurpose::ActionOwner { opinion },
        "宿題の担当（職名）",
        "",
        c,
    );
}

pub fn confirm_delete_entry(s: &mut AppState, id: i64) {
    open_prompt(
        s,
        PromptPurpose::ConfirmDeleteEntry { id },
        "この項目を削除します（Enter で削除、Esc でやめる。u で取り消せます）",
        "",
        Vec::new(),
    );
}

pub fn confirm_delete_meeting(s: &mut AppState) {
    let Some(m) = s.calendar.selected_meeting() else {
        s.info("削除する会議を選んでください");
        return;
    };
    let label = format!("第{}回 {}", m.number, wareki::format_date_weekday(m.date));
    let id = m.id;
    open_prompt(
        s,
        PromptPurpose::ConfirmDeleteMeeting {
            id,
            label: label.clone(),
        },
        &format!(
            "{label} を議題・意見ごと削除します（Enter で削除、Esc でやめる。u で取り消せます）"
        ),
        "",
        Vec::new(),
    );
}
