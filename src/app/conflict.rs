//! A colleague saved first: the one conflict prompt every screen uses.
//!
//! Every edit is sent as a write that carries the version (or fingerprint)
//! it was opened from; the database refuses it with
//! [`StoreError::Conflict`] when the row moved on. The write comes back
//! here as a [`Resave`] — the same write, which can be made again over
//! their version — and the user chooses: keep mine (write it again with
//! their version), keep theirs (mine stays on the status line, copyable),
//! or edit the two together.

mod resave;

use super::msg::Requests;
use super::msg::WriteOp;
pub use super::msg::{catch, Caught, Resave};
use super::panes::policy;
use super::state::{AppState, Mode, Prompt, PromptPurpose};
use crate::widget::text_input::TextInput;

impl Caught {
    pub fn mine(&self) -> String {
        self.resave.mine()
    }
}

/// Ask: keep mine, keep theirs, or (when there is something to merge)
/// edit the two together.
pub fn open(s: &mut AppState, c: Caught) {
    let mine = c.mine();
    let mut candidates = vec![
        format!("自分の版で保存: {mine}"),
        format!("{} の版を残す: {}", c.by, c.theirs),
    ];
    if can_edit_together(&c.resave) {
        candidates.push("二つをつないで編集する".to_string());
    }
    s.prompt = Some(Prompt {
        label: format!(
            "{} が先に保存していました。どちらにしますか（Up/Down で選んで Enter）",
            c.by
        ),
        purpose: PromptPurpose::Conflict(Box::new(c)),
        input: TextInput::new(),
        candidates,
        pick: 0,
        checked: Vec::new(),
    });
}

fn can_edit_together(r: &Resave) -> bool {
    matches!(
        r,
        Resave::Main(WriteOp::UpdateMeeting { .. })
            | Resave::Policy(policy::Write::UpdateNode { .. } | policy::Write::SetLinks { .. })
    ) || r.text().is_some()
}

/// The two texts joined for editing: theirs first, then mine.
fn joined(theirs: &str, mine: &str) -> String {
    match (theirs.is_empty(), mine.is_empty()) {
        (true, _) => mine.to_string(),
        (_, true) => theirs.to_string(),
        _ => format!("{theirs}／{mine}"),
    }
}

/// Enter on the conflict prompt.
pub fn resolve(s: &mut AppState, pick: usize, c: Caught) -> Requests {
    match pick {
        0 => vec![c.resave.clone().over(&c).request()],
        1 => {
            // Mine is not thrown away unseen: it stays on the status line.
            s.info(format!(
                "{} の版を残しました。自分の版はここに残しています: {}",
                c.by,
                c.mine()
            ));
            Vec::new()
        }
        _ => edit_together(s, c),
    }
}

fn edit_together(s: &mut AppState, c: Caught) -> Requests {
    let over = c.resave.clone().over(&c);
    match over {
        Resave::Main(WriteOp::EditOpinion { id, version, text }) if s.minutes.is_some() => {
            if let Some(m) = s.minutes.as_mut() {
                m.stashed.get_or_insert_with(|| m.input.text().to_string());
                m.input.set_text(&joined(&c.theirs, &text));
                m.editing = Some((id, version));
                s.mode = Mode::MinutesInput;
            }
        }
        Resave::Main(WriteOp::UpdateMeeting {
            id,
            version,
            fields,
        }) => super::prompt::meeting_form::reopen_meeting_form(s, id, version, &fields, &c.theirs),
        Resave::Policy(policy::Write::UpdateNode {
            id,
            version,
            mut fields,
        }) => {
            fields.body = joined(&c.theirs, &fields.body);
            policy::reopen::edit(s, id, version, &fields);
        }
        Resave::Policy(policy::Write::SetLinks {
            item,
            opened,
            nodes,
        }) => return policy::reopen::links(s, item, opened, nodes),
        other => {
            let mine = other.text().unwrap_or_default();
            let text = joined(&c.theirs, &mine);
            s.prompt = Some(Prompt {
                label: "二つの版をつないでいます。直して Enter で保存（Esc でやめる）".into(),
                purpose: PromptPurpose::ConflictEdit(Box::new(Caught { resave: other, ..c })),
                input: TextInput::with_text(&text),
                candidates: Vec::new(),
                pick: 0,
                checked: Vec::new(),
            });
            return Vec::new();
        }
    }
    s.info("二つの版をつなぎました。直して Enter で保存します");
    Vec::new()
}

/// Enter on the joined text: save it over theirs (the resave already
/// carries their version).
pub fn save_together(s: &mut AppState, p: Prompt, c: Caught) -> Requests {
    match c.resave.clone().with_text(p.input.text()) {
        Ok(r) => vec![r.request()],
        Err(e) => {
            s.error(e);
            s.prompt = Some(p);
            Vec::new()
        }
    }
}
