//! An agenda item itself in minute taking: `e` on it edits its title, then
//! its 概要 (several lines: Ctrl-J or Alt-Enter for a new line); `x`
//! deletes it with its entries after a confirmation (`u` undoes).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::app::msg::{Request, Requests, WriteOp};
use crate::app::state::open_prompt;
use crate::app::state::{item_selected, AppState, Prompt, PromptPurpose};

/// Open the title prompt for the selected item. False when list mode is
/// on an entry, not on an item.
pub fn edit(s: &mut AppState) -> bool {
    let Some(it) = item_selected(s) else {
        return false;
    };
    let purpose = PromptPurpose::ItemTitle {
        id: it.id,
        version: it.version,
        summary: it.summary.clone(),
    };
    let title = it.title.clone();
    let label = format!(
        "議題 ({}) の題名（Enter で次へ: 概要、Esc でやめる）",
        it.number
    );
    open_prompt(s, purpose, &label, &title, Vec::new());
    true
}

/// Ask before deleting the selected item. False when list mode is on an
/// entry.
pub fn delete(s: &mut AppState) -> bool {
    let Some(it) = item_selected(s) else {
        return false;
    };
    let label = format!(
        "議題 ({}) を意見{}件ごと削除します（Enter で削除、Esc でやめる。u で取り消し）",
        it.number,
        it.opinions.len()
    );
    let id = it.id;
    open_prompt(
        s,
        PromptPurpose::ConfirmDeleteItem { id },
        &label,
        "",
        Vec::new(),
    );
    true
}

/// Ctrl-J or Alt-Enter in the 概要 prompt: a new line. True when taken.
pub fn newline_key(p: &mut Prompt, key: &KeyEvent) -> bool {
    if !matches!(p.purpose, PromptPurpose::ItemSummary { .. }) {
        return false;
    }
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let alt = key.modifiers.contains(KeyModifiers::ALT);
    let newline = (matches!(key.code, KeyCode::Char('j')) && ctrl)
        || (matches!(key.code, KeyCode::Enter) && alt);
    if newline {
        let _ = p.input.insert_char('\n');
    }
    newline
}

/// Enter on one of the item prompts.
pub fn accept(s: &mut AppState, p: Prompt) -> Requests {
    let text = p.input.text().to_string();
    match p.purpose.clone() {
        PromptPurpose::ItemTitle {
            id,
            version,
            summary,
        } => {
            let title = text.trim().to_string();
            if title.is_empty() {
                s.error("議題名が空です。題名を入れてください（やめるときは Esc）");
                s.prompt = Some(p);
                return Vec::new();
            }
            open_prompt(
                s,
                PromptPurpose::ItemSummary { id, version, title },
                "概要（Ctrl-J で改行、Enter で保存、Esc でやめる）",
                &summary,
                Vec::new(),
            );
            Vec::new()
        }
        PromptPurpose::ItemSummary { id, version, title } => {
            let summary = text.trim_end().to_string();
            vec![Request::Write(WriteOp::UpdateItem {
                id,
                version,
                title,
                summary,
            })]
        }
        PromptPurpose::ConfirmDeleteItem { id } => {
            if let Some(m) = s.minutes.as_mut() {
                m.heading = false;
                m.item = m.item.saturating_sub(1);
            }
            vec![Request::Write(WriteOp::DeleteItem(id))]
        }
        _ => Vec::new(),
    }
}
