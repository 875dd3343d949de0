//! "Edit the two together" after a colleague saved first: the policy
//! pane's editors opened again over their version with both versions in.

use super::overlay::{FormTarget, NodeForm, Overlay, PickPurpose};
use crate::app::msg::Requests;
use crate::app::state::{AppState, Tab};
use crate::db::NodeFields;

/// The node form again, over `version`, with `fields` (the body already
/// holds both texts).
pub fn edit(s: &mut AppState, id: i64, version: i64, fields: &NodeFields) {
    let title = format!("編集（二つの版をつないでいます）: {}", fields.title.trim());
    let target = FormTarget::Edit { id, version };
    s.policy.overlay = Some(Overlay::Form(NodeForm::new(target, title, fields)));
    s.tab = Tab::Policy;
}

/// The link picker again, over `opened`, with my links and theirs ticked.
pub fn links(s: &mut AppState, item: i64, opened: i64, mine: Vec<i64>) -> Requests {
    let found = s.calendar.detail.as_ref().and_then(|d| {
        let i = d.items.iter().find(|i| i.id == item)?;
        Some((d.meeting.id, format!("({}) {}", i.number, i.title)))
    });
    let Some((meeting_id, label)) = found else {
        s.info(format!(
            "議題が見つかりません。自分の版: 運営方針 {} 件との関連",
            mine.len()
        ));
        return Vec::new();
    };
    let mut nodes: Vec<i64> = s
        .policy
        .tree
        .iter()
        .flat_map(|t| t.plans.iter())
        .flat_map(|p| p.nodes.iter())
        .filter(|n| n.links.iter().any(|l| l.item_id == item))
        .map(|n| n.id)
        .collect();
    for n in mine {
        if !nodes.contains(&n) {
            nodes.push(n);
        }
    }
    let reqs = super::open_link_picker(s, meeting_id, item, &label, nodes);
    if let Some(Overlay::Picker(pk)) = s.policy.overlay.as_mut() {
        if let PickPurpose::LinkNodes { opened: o, .. } = &mut pk.purpose {
            *o = opened;
        }
    }
    reqs
}

/// A save that failed for another reason (busy, disk full, deleted…):
/// the editor comes back with what was typed, so nothing typed is lost.
pub fn after_error(s: &mut AppState, op: &super::Write) {
    use super::overlay::NoteForm;
    use super::Write;
    let overlay = match op {
        Write::UpdateNode {
            id,
            version,
            fields,
        } => Overlay::Form(NodeForm::new(
            FormTarget::Edit {
                id: *id,
                version: *version,
            },
            format!("編集（保存できなかった入力）: {}", fields.title.trim()),
            fields,
        )),
        Write::AddNode {
            plan_id,
            parent,
            after,
            fields,
        } => Overlay::Form(NodeForm::new(
            FormTarget::Add {
                plan_id: *plan_id,
                parent: *parent,
                after: *after,
            },
            "新しい項目（保存できなかった入力）".into(),
            fields,
        )),
        Write::SetNote {
            node,
            label,
            fiscal_year,
            shown,
            text,
        } => Overlay::Note(NoteForm {
            node_id: *node,
            shown: shown.clone(),
            label: label.clone(),
            fiscal_year: *fiscal_year,
            title: format!("{label}（保存できなかった入力。Enter でもう一度保存）"),
            input: crate::widget::text_input::TextInput::with_text(text),
        }),
        _ => return,
    };
    s.policy.overlay = Some(overlay);
}
