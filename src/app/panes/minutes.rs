//! Minute taking: what the keys do while a meeting is being recorded.
//! Every change of the input line is sent to the database thread as a draft
//! (coalesced there), so nothing typed is lost.

pub mod draw;
pub mod item;

use crate::app::action::Action;
use crate::app::msg::Requests;
use crate::app::msg::{Request, WriteOp};
use crate::app::prompt;
use crate::app::state::*;
pub use crate::app::state::{current_item, selected_entry};
use crate::db::{EntryKind, OpinionRow};
use crate::model::OpinionKind;
use crate::widget::text_input::{InputOutcome, TextInput};

pub fn start(s: &mut AppState) -> Requests {
    if let Some(reason) = &s.read_only {
        let msg = format!("読み取り専用です: {reason}");
        s.error(msg);
        return Vec::new();
    }
    let Some(detail) = &s.calendar.detail else {
        s.info("記録する会議を選んでください（n / p で会議を選択）");
        return Vec::new();
    };
    let meeting_id = detail.meeting.id;
    let mut m = MinutesState {
        meeting_id,
        ..MinutesState::default()
    };
    let ctx = m.draft_context();
    // Recovered text opens on the item it was typed for.
    if let Some(at) = s.restored_items.iter().position(|(c, _)| *c == ctx) {
        let (_, item) = s.restored_items.remove(at);
        if let Some(i) = detail.items.iter().position(|it| it.id == item) {
            m.item = i;
        }
    }
    let no_items = detail.items.is_empty();
    s.minutes = Some(m);
    s.mode = Mode::MinutesInput;
    if no_items {
        prompt::open_new_item(s);
    }
    vec![Request::LoadDraft(ctx), Request::Presence(Some(meeting_id))]
}

/// Apply an edit to the minutes input; a change is sent as a draft.
pub fn edit_input(s: &mut AppState, f: impl FnOnce(&mut TextInput) -> InputOutcome) -> Requests {
    let Some(m) = s.minutes.as_mut() else {
        return Vec::new();
    };
    match f(&mut m.input) {
        InputOutcome::Changed => {
            if m.editing.is_some() {
                m.draft_saved = false;
                return Vec::new();
            }
            m.mark_unsaved();
            vec![save_draft(m)]
        }
        InputOutcome::Error => {
            let msg = m.input.take_error().map(|e| e.to_string());
            if let Some(msg) = msg {
                s.error(msg);
            }
            Vec::new()
        }
        _ => Vec::new(),
    }
}

/// Keep the item and entry indices inside what the meeting has.
pub fn clamp(s: &mut AppState) {
    let Some(m) = s.minutes.as_mut() else { return };
    let Some(d) = &s.calendar.detail else { return };
    if d.meeting.id != m.meeting_id {
        return;
    }
    m.item = m.item.min(d.items.len().saturating_sub(1));
    let n = d.items.get(m.item).map_or(0, |i| i.opinions.len());
    m.entry = m.entry.min(n.saturating_sub(1));
}

/// Whether `a` is one of minute taking's own actions.
pub fn owns(a: Action) -> bool {
    matches!(
        a,
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
            | Action::DeleteEntry
            | Action::ToggleVisibility
    )
}

pub fn apply(s: &mut AppState, a: Action) -> Requests {
    if s.minutes.is_none() {
        return Vec::new();
    }
    match a {
        Action::Submit => submit(s),
        Action::ToList => to_list(s),
        Action::ToInput => {
            s.mode = Mode::MinutesInput;
            Vec::new()
        }
        Action::LeaveMinutes => {
            s.mode = Mode::Normal;
            s.minutes = None;
            s.info("記録を終えました（下書きは保存されています）");
            vec![Request::Presence(None)]
        }
        Action::PrevItem | Action::NextItem => step_item(s, a),
        Action::PrevEntry | Action::NextEntry => step_entry(s, a),
        Action::NewItem => {
            prompt::open_new_item(s);
            Vec::new()
        }
        Action::ItemUp | Action::ItemDown => {
            let delta = if a == Action::ItemUp { -1 } else { 1 };
            let Some(item) = current_item(s).map(|i| i.id) else {
                return Vec::new();
            };
            if let Some(m) = s.minutes.as_mut() {
                m.item = m.item.saturating_add_signed(delta as isize);
            }
            vec![Request::Write(WriteOp::MoveItem { item, delta })]
        }
        Action::TagSpeaker => {
            prompt::open_speaker(s);
            Vec::new()
        }
        Action::MarkDecision | Action::MarkOpinion => mark(s, a),
        Action::MarkAction => {
            if let Some(id) = selected_entry(s).map(|o| o.id) {
                prompt::open_action_owner(s, id);
            }
            Vec::new()
        }
        Action::EditEntry if item::edit(s) => Vec::new(),
        Action::EditEntry => edit_entry(s),
        Action::DeleteEntry => {
            if item::delete(s) {
                return Vec::new();
            }
            if let Some(id) = selected_entry(s).map(|o| o.id) {
                prompt::confirm_delete_entry(s, id);
            }
            Vec::new()
        }
        Action::ToggleVisibility => toggle_visibility(s),
        _ => Vec::new(),
    }
}

/// Leave the input for the list (or stop editing an entry: back to the
/// list the edit was started from).
fn to_list(s: &mut AppState) -> Requests {
    s.mode = Mode::MinutesList;
    if let Some(m) = s.minutes.as_mut() {
        m.heading = false;
        if m.editing.take().is_some() {
            let back = m.stashed.take().unwrap_or_default();
            m.input.set_text(&back);
            s.info("編集をやめました");
        }
    }
    Vec::new()
}

/// The selected entry 公開 ⇄ 非公開 (internal entries stay out of the
/// published page).
fn toggle_visibility(s: &mut AppState) -> Requests {
    use crate::model::Visibility;
    let Some((id, now)) = selected_entry(s).map(|o| (o.id, o.visibility)) else {
        s.info("公開・非公開は意見ごとに切り替えます（j / k で意見を選んでください）");
        return Vec::new();
    };
    let visibility = match now {
        Visibility::Public => Visibility::Internal,
        Visibility::Internal => Visibility::Public,
    };
    vec![Request::Write(WriteOp::SetVisibility { id, visibility })]
}

/// The previous or next agenda item.
fn step_item(s: &mut AppState, a: Action) -> Requests {
    let n = s.calendar.detail.as_ref().map_or(0, |d| d.items.len());
    if let Some(m) = s.minutes.as_mut() {
        m.item = if a == Action::PrevItem {
            m.item.saturating_sub(1)
        } else {
            (m.item + 1).min(n.saturating_sub(1))
        };
        m.entry = usize::MAX;
        m.heading = false;
    }
    clamp(s);
    Vec::new()
}

/// The previous or next entry of the item; above the first entry, the
/// item itself (its heading).
fn step_entry(s: &mut AppState, a: Action) -> Requests {
    let n = current_item(s).map_or(0, |i| i.opinions.len());
    if let Some(m) = s.minutes.as_mut() {
        m.entry = m.entry.min(n.saturating_sub(1));
        match (a == Action::PrevEntry, m.heading) {
            (true, _) if m.entry == 0 => m.heading = true,
            (true, _) => m.entry -= 1,
            (false, true) => m.heading = n == 0,
            (false, false) => m.entry = m.entry.saturating_add(1),
        }
    }
    clamp(s);
    Vec::new()
}

/// Mark the selected entry a decision or an opinion.
fn mark(s: &mut AppState, a: Action) -> Requests {
    let Some(id) = selected_entry(s).map(|o| o.id) else {
        return Vec::new();
    };
    let kind = if a == Action::MarkDecision {
        OpinionKind::Decision
    } else {
        OpinionKind::Opinion
    };
    vec![Request::Write(WriteOp::SetKind {
        id,
        kind: EntryKind {
            kind,
            owner: None,
            due: None,
        },
    })]
}

/// Edit the selected entry in the input line.
fn edit_entry(s: &mut AppState) -> Requests {
    let Some((id, version, text)) = selected_entry(s).map(|o| (o.id, o.version, o.text.clone()))
    else {
        return Vec::new();
    };
    if let Some(m) = s.minutes.as_mut() {
        m.stashed = Some(m.input.text().to_string());
        m.input.set_text(&text);
        m.editing = Some((id, version));
    }
    s.mode = Mode::MinutesInput;
    s.info("編集中: Enter で保存、Esc でやめる");
    Vec::new()
}

fn submit(s: &mut AppState) -> Requests {
    let Some(item_id) = current_item(s).map(|i| i.id) else {
        s.info("議題がありません: Ctrl-N で議題を追加してください");
        return Vec::new();
    };
    let Some(m) = s.minutes.as_mut() else {
        return Vec::new();
    };
    if m.input.text().trim().is_empty() {
        return Vec::new();
    }
    if let Some((id, version)) = m.editing.take() {
        let text = m.input.text().to_string();
        let back = m.stashed.take().unwrap_or_default();
        m.input.set_text(&back);
        // Back to the list the edit was started from.
        s.mode = Mode::MinutesList;
        return vec![Request::Write(WriteOp::EditOpinion { id, version, text })];
    }
    if m.saving.is_some() {
        s.info("保存中です。保存が終わってから次の意見を送ってください（入力は消えません）");
        return Vec::new();
    }
    // The text stays in the input line (marked 保存中) until the write
    // commits: it never leaves the screen before it is durable somewhere.
    let text = m.input.text().to_string();
    let speaker = m.speaker.clone();
    m.saving = Some(text.clone());
    m.mark_unsaved();
    vec![Request::Write(WriteOp::AddOpinion {
        item: item_id,
        text,
        speaker,
        draft_context: m.draft_context(),
    })]
}

/// The draft of the input line as it is now.
fn save_draft(m: &MinutesState) -> Request {
    Request::SaveDraft {
        context: m.draft_context(),
        text: m.draft_text().to_string(),
    }
}

/// The database committed an entry: it leaves the input line (anything
/// typed after it stays) and is shown, marked saved, until the reloaded
/// meeting has it (so it never blinks out). The draft row lost it in the
/// same transaction, so what is left of the line is saved as the draft.
pub fn confirm_saved(
    s: &mut AppState,
    item_id: i64,
    (text, speaker): (&str, Option<String>),
    id: Option<i64>,
) -> Requests {
    let Some(m) = s.minutes.as_mut() else {
        return Vec::new();
    };
    if m.saving.as_deref() == Some(text) {
        let rest = m.draft_text().to_string();
        if m.input.text() != rest {
            m.input.set_text(&rest);
        }
        m.saving = None;
        // The speaker stays for the next entry until changed (C-t).
    }
    m.pending.push(PendingEntry {
        item_id,
        text: text.to_string(),
        speaker: speaker.clone(),
        saved_id: id.or(Some(0)),
    });
    // Follow the newest entry.
    m.entry = usize::MAX;
    m.mark_unsaved();
    let reqs = vec![save_draft(m)];
    if let Some(id) = id {
        list_saved(s, item_id, id, text, speaker);
        clamp(s);
    }
    reqs
}

/// The write's answer carries the new row's id: the entry joins the loaded
/// meeting's list at once, so it can be selected (and `e` edits it) before
/// the meeting is read back; the reload then brings the same row. Its
/// pending line stays until then (not drawn while the list has the id).
fn list_saved(s: &mut AppState, item_id: i64, id: i64, text: &str, speaker: Option<String>) {
    let Some(m) = s.minutes.as_ref() else { return };
    let Some(d) = s.calendar.detail.as_mut() else {
        return;
    };
    if d.meeting.id != m.meeting_id {
        return;
    }
    let Some(item) = d.items.iter_mut().find(|i| i.id == item_id) else {
        return;
    };
    if item.opinions.iter().any(|o| o.id == id) {
        return;
    }
    // The row as the insert leaves it: the schema's defaults (an opinion,
    // public, version 1), by this user.
    item.opinions.push(OpinionRow {
        id,
        text: text.to_string(),
        kind: OpinionKind::Opinion,
        speaker,
        owner: None,
        due: None,
        version: 1,
        updated_by: s.user.clone(),
        visibility: crate::model::Visibility::Public,
    });
}

/// Forget pending entries the loaded meeting now holds.
pub fn drop_confirmed(s: &mut AppState) {
    let Some(d) = &s.calendar.detail else { return };
    let Some(m) = s.minutes.as_mut() else { return };
    m.pending.retain(|p| match p.saved_id {
        Some(id) => !d
            .items
            .iter()
            .any(|i| i.opinions.iter().any(|o| o.id == id)),
        None => true,
    });
}

/// Saving failed: the text is still in the input line (put back in front
/// of anything typed since, if it was not) and is saved as the draft, so
/// nothing is lost.
pub fn save_failed(s: &mut AppState, text: &str) -> Requests {
    let Some(m) = s.minutes.as_mut() else {
        return Vec::new();
    };
    if m.saving.as_deref() == Some(text) {
        m.saving = None;
    }
    if !m.input.text().contains(text) {
        let rest = m.input.text().to_string();
        let restored = if rest.is_empty() {
            text.to_string()
        } else {
            format!("{text} {rest}")
        };
        m.input.set_text(&restored);
    }
    m.mark_unsaved();
    vec![save_draft(m)]
}

pub fn item_added(s: &mut AppState) {
    if let Some(m) = s.minutes.as_mut() {
        m.item = usize::MAX;
        m.entry = 0;
    }
}

pub fn restore_draft(s: &mut AppState, context: &str, text: Option<String>) {
    let Some(m) = s.minutes.as_mut().filter(|m| m.draft_context() == context) else {
        return;
    };
    if let Some(t) = text.filter(|t| !t.is_empty()) {
        if m.input.is_empty() {
            m.input.set_text(&t);
            m.draft_saved = true;
            m.unsaved_since = None;
            s.info("前回の下書きを戻しました");
        }
    }
}
