//! The policy pane's own pop-ups: a fuzzy picker (policy nodes to link an
//! agenda item to, the item of a meeting, a node's new parent), the node
//! form, the note editor and the delete confirmation. They may open over
//! the calendar and minute taking too (linking an item), so their keys are
//! routed before any pane's.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use fuzzy_matcher::skim::SkimMatcherV2;
use fuzzy_matcher::FuzzyMatcher;
use unicode_normalization::UnicodeNormalization;

use crate::app::action::Action;
use crate::app::keymap::{self, Scope};
use crate::db::NodeFields;
use crate::widget::text_input::{InputOutcome, TextInput};

// The plan form's and the yes/no question's data live here, with the other
// pop-ups' (policy/state.rs holds an Overlay: no edge back to the pane).
/// Labels of the plan form's fields, in order.
pub const PLAN_LABELS: [&str; 4] = ["年度", "組織", "題名", "種類"];

#[derive(Debug, Clone)]
pub struct PlanForm {
    pub fields: Vec<TextInput>,
    pub focus: usize,
}

/// A yes/no question and what yes does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ask {
    pub title: String,
    pub text: String,
    pub on_yes: OnYes,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OnYes {
    Renew {
        from: i64,
        to: i32,
    },
    /// Show this plan (the one that exists already).
    Open(i64),
}

#[derive(Debug, Clone)]
pub enum Overlay {
    Picker(Picker),
    Form(NodeForm),
    Note(NoteForm),
    Confirm(Confirm),
    Plan(PlanForm),
    Ask(Ask),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// None: "the top of the plan" in the new-parent picker.
    pub id: Option<i64>,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PickPurpose {
    /// Tick the nodes an agenda item is linked to.
    LinkNodes {
        item_id: i64,
        meeting_id: i64,
        /// The fingerprint of the links it opened with.
        opened: i64,
    },
    /// Which item of the meeting to link.
    Item { meeting_id: i64 },
    /// Where to move a node.
    NewParent { node_id: i64 },
}

#[derive(Debug, Clone)]
pub struct Picker {
    pub purpose: PickPurpose,
    pub title: String,
    pub input: TextInput,
    pub candidates: Vec<Candidate>,
    /// Indices into `candidates` matching the input, best first.
    pub matches: Vec<usize>,
    /// Index into `matches`.
    pub pick: usize,
    /// Ticked ids (multi-select pickers).
    pub checked: Vec<i64>,
    /// The policy tree is still loading; candidates come with it.
    pub waiting: bool,
}

impl Picker {
    pub fn new(purpose: PickPurpose, title: String, candidates: Vec<Candidate>) -> Self {
        let mut p = Picker {
            purpose,
            title,
            input: TextInput::new(),
            candidates,
            matches: Vec::new(),
            pick: 0,
            checked: Vec::new(),
            waiting: false,
        };
        p.refilter();
        p
    }

    pub fn multi(&self) -> bool {
        matches!(self.purpose, PickPurpose::LinkNodes { .. })
    }

    pub fn set_candidates(&mut self, c: Vec<Candidate>) {
        self.candidates = c;
        self.waiting = false;
        self.refilter();
    }

    /// Match the candidates against the input: fuzzy, on NFKC text (so
    /// full-width and half-width digits meet), best first, ties in order.
    pub fn refilter(&mut self) {
        self.pick = 0;
        let q: String = self.input.text().trim().nfkc().collect();
        if q.is_empty() {
            // Ticked first, so what is linked shows at once.
            let (mut on, off): (Vec<usize>, Vec<usize>) =
                (0..self.candidates.len()).partition(|i| {
                    self.candidates[*i]
                        .id
                        .is_some_and(|id| self.checked.contains(&id))
                });
            on.extend(off);
            self.matches = on;
            return;
        }
        let m = SkimMatcherV2::default();
        let mut scored: Vec<(i64, usize)> = self
            .candidates
            .iter()
            .enumerate()
            .filter_map(|(i, c)| {
                let label: String = c.label.nfkc().collect();
                m.fuzzy_match(&label, &q).map(|s| (s, i))
            })
            .collect();
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        self.matches = scored.into_iter().map(|(_, i)| i).collect();
    }

    pub fn current(&self) -> Option<&Candidate> {
        self.matches
            .get(self.pick)
            .and_then(|i| self.candidates.get(*i))
    }

    fn toggle(&mut self) {
        if let Some(id) = self.current().and_then(|c| c.id) {
            match self.checked.iter().position(|x| *x == id) {
                Some(i) => {
                    self.checked.remove(i);
                }
                None => self.checked.push(id),
            }
        }
    }
}

/// Labels of the node form's fields, in order.
pub const FORM_LABELS: [&str; 5] = ["階層", "コード", "題名", "予算（千円）", "本文"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormTarget {
    Add {
        plan_id: i64,
        parent: Option<i64>,
        after: Option<i64>,
    },
    Edit {
        id: i64,
        version: i64,
    },
}

#[derive(Debug, Clone)]
pub struct NodeForm {
    pub target: FormTarget,
    pub title: String,
    pub fields: Vec<TextInput>,
    pub focus: usize,
}

impl NodeForm {
    pub fn new(target: FormTarget, title: String, f: &NodeFields) -> Self {
        let budget = f.budget_kyen.map(|b| b.to_string()).unwrap_or_default();
        let fields = [&f.level, &f.code, &f.title, &budget, &f.body]
            .into_iter()
            .map(|t| TextInput::with_text(t))
            .collect();
        NodeForm {
            target,
            title,
            fields,
            focus: 2,
        }
    }

    pub fn values(&self) -> Result<NodeFields, String> {
        let text = |i: usize| self.fields[i].text().to_string();
        Ok(NodeFields {
            level: text(0).trim().to_string(),
            code: text(1).trim().to_string(),
            title: text(2).trim().to_string(),
            budget_kyen: parse_budget(&text(3))?,
            body: text(4),
        })
    }
}

#[derive(Debug, Clone)]
pub struct NoteForm {
    pub node_id: i64,
    /// The text it opened with (a colleague's newer save is not overwritten).
    pub shown: String,
    pub label: String,
    pub fiscal_year: Option<i32>,
    pub title: String,
    pub input: TextInput,
}

#[derive(Debug, Clone)]
pub struct Confirm {
    pub node_id: i64,
    pub text: String,
}

/// A budget as typed: "7,133", "７１３３", "7133千円"; empty, "-" or なし
/// for no budget.
pub fn parse_budget(s: &str) -> Result<Option<i64>, String> {
    let t: String = s.nfkc().filter(|c| !matches!(c, ',' | ' ')).collect();
    let t = t.trim_end_matches("千円").trim_end_matches('円');
    if t.is_empty() || t == "-" || t == "なし" {
        return Ok(None);
    }
    match t.parse::<i64>() {
        Ok(n) if n >= 0 => Ok(Some(n)),
        _ => Err(format!(
            "予算額「{}」が読めません（千円単位で 7,133 のように。予算なしは空欄か -）",
            s.trim()
        )),
    }
}

/// What a key did to an overlay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Still open (edited, moved, or an error shown).
    Open,
    Cancelled,
    /// Enter: the caller acts on the overlay's content.
    Accepted,
    /// Something to tell the user; the overlay stays.
    Error(String),
}

fn edit(input: &mut TextInput, key: &KeyEvent) -> (bool, Option<String>) {
    match input.handle_key(key) {
        InputOutcome::Changed => (true, None),
        InputOutcome::Error => (false, input.take_error().map(|e| e.to_string())),
        _ => (false, None),
    }
}

pub fn on_key(o: &mut Overlay, key: &KeyEvent) -> Outcome {
    match o {
        Overlay::Picker(p) => picker_key(p, key),
        Overlay::Form(f) => form_key(f, key),
        Overlay::Note(n) => note_key(n, key),
        Overlay::Confirm(_) | Overlay::Ask(_) => match key.code {
            KeyCode::Esc | KeyCode::Char('n') => Outcome::Cancelled,
            KeyCode::Enter | KeyCode::Char('y') => Outcome::Accepted,
            _ => Outcome::Open,
        },
        Overlay::Plan(f) => plan_key(f, key),
    }
}

/// A picker: move the pick, tick (multi), or type to filter.
fn picker_key(p: &mut Picker, key: &KeyEvent) -> Outcome {
    match keymap::lookup(Scope::Prompt, key) {
        Some(Action::Cancel) => Outcome::Cancelled,
        Some(Action::Accept) => Outcome::Accepted,
        Some(Action::PickPrev) => {
            p.pick = p.pick.saturating_sub(1);
            Outcome::Open
        }
        Some(Action::PickNext) => {
            p.pick = (p.pick + 1).min(p.matches.len().saturating_sub(1));
            Outcome::Open
        }
        Some(Action::Toggle) if p.multi() => {
            p.toggle();
            Outcome::Open
        }
        _ => match edit(&mut p.input, key) {
            (true, _) => {
                p.refilter();
                Outcome::Open
            }
            (false, Some(e)) => Outcome::Error(e),
            (false, None) => Outcome::Open,
        },
    }
}

/// The node form: move between fields, Ctrl-J a new line in the body.
fn form_key(f: &mut NodeForm, key: &KeyEvent) -> Outcome {
    match (key.code, key.modifiers) {
        (KeyCode::Esc, _) => Outcome::Cancelled,
        (KeyCode::Enter, _) => Outcome::Accepted,
        (KeyCode::Up | KeyCode::BackTab, _) => {
            f.focus = f.focus.checked_sub(1).unwrap_or(FORM_LABELS.len() - 1);
            Outcome::Open
        }
        (KeyCode::Down | KeyCode::Tab, _) => {
            f.focus = (f.focus + 1) % FORM_LABELS.len();
            Outcome::Open
        }
        (KeyCode::Char('j'), KeyModifiers::CONTROL) if f.focus == 4 => {
            let _ = f.fields[4].insert_str("\n");
            Outcome::Open
        }
        _ => match edit(&mut f.fields[f.focus], key) {
            (_, Some(e)) => Outcome::Error(e),
            _ => Outcome::Open,
        },
    }
}

/// A note: Ctrl-J a new line, Up/Down a line up or down.
fn note_key(n: &mut NoteForm, key: &KeyEvent) -> Outcome {
    match (key.code, key.modifiers) {
        (KeyCode::Esc, _) => Outcome::Cancelled,
        (KeyCode::Enter, _) => Outcome::Accepted,
        (KeyCode::Char('j'), KeyModifiers::CONTROL) => match n.input.insert_str("\n") {
            Ok(()) => Outcome::Open,
            Err(e) => Outcome::Error(e.to_string()),
        },
        // Up/Down go a line up or down (lines as typed, not as wrapped).
        (KeyCode::Up | KeyCode::Down, _) => {
            let delta = if key.code == KeyCode::Up { -1 } else { 1 };
            n.input.move_row(u16::MAX, delta);
            Outcome::Open
        }
        _ => match edit(&mut n.input, key) {
            (_, Some(e)) => Outcome::Error(e),
            _ => Outcome::Open,
        },
    }
}

/// The plan form: move between fields or type in one.
fn plan_key(f: &mut PlanForm, key: &KeyEvent) -> Outcome {
    match key.code {
        KeyCode::Esc => Outcome::Cancelled,
        KeyCode::Enter => Outcome::Accepted,
        KeyCode::Up | KeyCode::BackTab => {
            f.focus = f.focus.checked_sub(1).unwrap_or(f.fields.len() - 1);
            Outcome::Open
        }
        KeyCode::Down | KeyCode::Tab => {
            f.focus = (f.focus + 1) % f.fields.len();
            Outcome::Open
        }
        _ => match edit(&mut f.fields[f.focus], key) {
            (_, Some(e)) => Outcome::Error(e),
            _ => Outcome::Open,
        },
    }
}

/// A paste goes into the focused input.
pub fn on_paste(o: &mut Overlay, text: &str) -> Option<String> {
    let input = match o {
        Overlay::Picker(p) => &mut p.input,
        Overlay::Form(f) => &mut f.fields[f.focus],
        Overlay::Note(n) => &mut n.input,
        Overlay::Plan(f) => &mut f.fields[f.focus],
        Overlay::Confirm(_) | Overlay::Ask(_) => return None,
    };
    let r = input.paste(text).err().map(|e| e.to_string());
    if let Overlay::Picker(p) = o {
        p.refilter();
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budgets_as_typed() {
        assert_eq!(parse_budget("7,133"), Ok(Some(7133)));
        assert_eq!(parse_budget("７，１３３千円"), Ok(Some(7133)));
        assert_eq!(parse_budget(" "), Ok(None));
        assert_eq!(parse_budget("-"), Ok(None));
        assert_eq!(parse_budget("0"), Ok(Some(0)));
        assert!(parse_budget("多め").is_err());
        assert!(parse_budget("-5").is_err());
    }
}
