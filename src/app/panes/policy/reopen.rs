//! "Edit the two together" after a colleague saved first: the policy
//! pane's editors opened again over their version with both versions in.

use super::overlay::{FormTarget, NodeForm, Overlay, PickPurpose};
use crate::app::state::{AppState, Tab};
use crate::app::update::Requests;
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
