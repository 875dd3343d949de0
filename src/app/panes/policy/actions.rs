//! What the policy pane's keys do.

use super::compare;
use super::cursor::{selected_node, selected_plan, PAGE};
use super::overlay::{
    Candidate, Confirm, FormTarget, NodeForm, NoteForm, Overlay, PickPurpose, Picker,
};
use super::view::{self, Row};
use super::{open_link_picker, request, Focus, Request, State, View, Write};
use crate::app::action::Action;
use crate::app::msg::Requests;
use crate::app::panes::calendar::land::{open_meeting_at, Landed};
use crate::app::state::AppState;
use crate::db::{NodeFields, NodeView};
use crate::wareki;
use crate::widget::text_input::TextInput;

pub const MID_REVIEW: &str = "中間振り返り";
pub const SELF_EVALUATION: &str = "自己評価";

/// None for keys this view does not use (the global keys get them).
pub fn apply(s: &mut AppState, a: Action) -> Option<Requests> {
    s.message = None;
    if a == Action::BudgetChart && s.policy.view != View::Budget {
        super::view_keys::open_budget(s);
        return Some(Vec::new());
    }
    match s.policy.view {
        View::Budget => return super::view_keys::budget_keys(s, a),
        View::Compare => return super::view_keys::compare_keys(s, a),
        View::Suggestions => return suggestion_keys(s, a),
        View::Tree => {}
    }
    if let Focus::Links(i) = s.policy.focus {
        if let Some(r) = link_keys(s, a, i) {
            return Some(r);
        }
    }
    if matches!(a, Action::PlanNew | Action::PlanRenew) {
        if !read_only(s) {
            if a == Action::PlanNew {
                super::plan_form::open_new(s);
            } else {
                super::plan_form::open_renew(s);
            }
        }
        return Some(Vec::new());
    }
    let p = &mut s.policy;
    let n = p.rows.len();
    let none = Vec::new;
    match a {
        Action::TreeUp => move_cursor(p, |c| c.saturating_sub(1)),
        Action::TreeDown => move_cursor(p, |c| (c + 1).min(n.saturating_sub(1))),
        Action::TreePageUp => move_cursor(p, |c| c.saturating_sub(PAGE)),
        Action::TreePageDown => move_cursor(p, |c| (c + PAGE).min(n.saturating_sub(1))),
        Action::TreeFirst => move_cursor(p, |_| 0),
        Action::TreeLast => move_cursor(p, |_| n.saturating_sub(1)),
        Action::TreeToggle => toggle(p, None),
        Action::TreeCollapse => collapse(p),
        Action::TreeExpand => expand(p),
        Action::OpenLinks => {
            match selected_node(p) {
                Some(node) if !node.links.is_empty() => p.focus = Focus::Links(0),
                Some(node) if node.children == 0 => {
                    s.info("この項目に関連づけた議題はありません（会議タブで L、または s で候補）")
                }
                _ => toggle(p, None),
            }
            return Some(none());
        }
        Action::Back => p.focus = Focus::Tree,
        Action::NodeAddChild => open_add(s, false),
        Action::NodeAddSibling => open_add(s, true),
        Action::NodeEdit => open_edit(s),
        Action::NodeDelete => confirm_delete(s),
        Action::NodeMoveUp | Action::NodeMoveDown => {
            let delta = if a == Action::NodeMoveUp { -1 } else { 1 };
            return Some(node_write(s, |n| Write::MoveNode { id: n.id, delta }));
        }
        Action::NodeOutdent => return Some(outdent(s)),
        Action::NodeIndent => return Some(indent(s)),
        Action::NodeReparent => open_reparent(s),
        Action::EditMidReview => open_note(s, MID_REVIEW),
        Action::EditSelfEvaluation => open_note(s, SELF_EVALUATION),
        Action::ComparePrevYear => open_compare(s),
        Action::LinkSuggestions => {
            p.view = View::Suggestions;
            p.suggestions_loading = true;
            return Some(vec![request(Request::Suggest)]);
        }
        Action::AcceptSuggestion | Action::RejectOrUnlink => {}
        _ => return None,
    }
    Some(none())
}

fn move_cursor(p: &mut State, f: impl FnOnce(usize) -> usize) {
    p.cursor = f(p.cursor);
    p.focus = Focus::Tree;
}

/// Open or fold the row under the cursor (`open`: Some(true) opens only,
/// Some(false) folds only). Returns whether anything changed.
fn toggle_row(p: &mut State, open: Option<bool>) -> bool {
    let Some((tree, row)) = p.tree.as_ref().zip(p.current_row()) else {
        return false;
    };
    let (set_open, id, is_plan) = match view::resolve(tree, row) {
        Some((plan, None)) => (p.open_plans.contains(&plan.id), plan.id, true),
        Some((_, Some(n))) if n.children > 0 => (!p.closed.contains(&n.id), n.id, false),
        _ => return false,
    };
    let want = open.unwrap_or(!set_open);
    if want == set_open {
        return false;
    }
    match (is_plan, want) {
        (true, true) => p.open_plans.insert(id),
        (true, false) => p.open_plans.remove(&id),
        (false, true) => p.closed.remove(&id),
        (false, false) => p.closed.insert(id),
    };
    p.rebuild_rows();
    true
}

fn toggle(p: &mut State, open: Option<bool>) {
    toggle_row(p, open);
    p.focus = Focus::Tree;
}

fn collapse(p: &mut State) {
    if toggle_row(p, Some(false)) {
        return;
    }
    // Already folded or a leaf: go to the parent (or the plan heading).
    let Some((tree, Row::Node(pi, i))) = p.tree.as_ref().zip(p.current_row()) else {
        return;
    };
    let target = match tree.plans[pi].nodes[i].parent {
        Some(parent) => view::Key::Node(parent),
        None => view::Key::Plan(tree.plans[pi].id),
    };
    if let Some(r) = view::find(tree, &p.rows, target) {
        p.cursor = r;
    }
}

fn expand(p: &mut State) {
    if toggle_row(p, Some(true)) {
        return;
    }
    let has_children = match p.tree.as_ref().zip(p.current_row()) {
        Some((t, r)) => match view::resolve(t, r) {
            Some((plan, None)) => !plan.nodes.is_empty(),
            Some((_, Some(n))) => n.children > 0,
            None => false,
        },
        None => false,
    };
    if has_children {
        p.cursor = (p.cursor + 1).min(p.rows.len().saturating_sub(1));
    }
}

fn link_keys(s: &mut AppState, a: Action, i: usize) -> Option<Requests> {
    let node = selected_node(&s.policy)?;
    let n = node.links.len();
    let link = node.links.get(i).cloned();
    let node_id = node.id;
    let p = &mut s.policy;
    match a {
        Action::TreeUp => p.focus = Focus::Links(i.saturating_sub(1)),
        Action::TreeDown => p.focus = Focus::Links((i + 1).min(n.saturating_sub(1))),
        Action::Back | Action::TreeCollapse => p.focus = Focus::Tree,
        Action::OpenLinks => {
            let l = link?;
            let at = Some(Landed::Item(l.item_id));
            return Some(open_meeting_at(s, l.meeting_id, l.fiscal_year, l.date, at));
        }
        Action::RejectOrUnlink => {
            let l = link?;
            return Some(vec![request(Request::Write(Write::Unlink {
                item: l.item_id,
                node: node_id,
            }))]);
        }
        _ => return None,
    }
    Some(Vec::new())
}

fn suggestion_keys(s: &mut AppState, a: Action) -> Option<Requests> {
    let p = &mut s.policy;
    let list = p.visible_suggestions();
    let n = list.len();
    let cur = list.get(p.suggestion_cursor).map(|g| (*g).clone());
    match a {
        Action::TreeUp => p.suggestion_cursor = p.suggestion_cursor.saturating_sub(1),
        Action::TreeDown => {
            p.suggestion_cursor = (p.suggestion_cursor + 1).min(n.saturating_sub(1))
        }
        Action::TreeFirst => p.suggestion_cursor = 0,
        Action::TreeLast => p.suggestion_cursor = n.saturating_sub(1),
        Action::Back | Action::LinkSuggestions => p.view = View::Tree,
        Action::AcceptSuggestion => {
            let g = cur?;
            return Some(vec![request(Request::Write(Write::AddLinks(vec![(
                g.item_id, g.node_id,
            )])))]);
        }
        Action::RejectOrUnlink => {
            let g = cur?;
            p.rejected.insert((g.item_id, g.node_id));
            let n = p.visible_suggestions().len();
            p.suggestion_cursor = p.suggestion_cursor.min(n.saturating_sub(1));
            s.info("候補を却下しました（この画面を閉じるまで出しません）");
        }
        Action::OpenLinks => {
            let g = cur?;
            return Some(open_meeting_at(
                s,
                g.meeting_id,
                wareki::fiscal_year(g.date),
                g.date,
                Some(Landed::Item(g.item_id)),
            ));
        }
        _ => return None,
    }
    Some(Vec::new())
}

fn read_only(s: &mut AppState) -> bool {
    if let Some(reason) = &s.read_only {
        let msg = format!("読み取り専用です: {reason}");
        s.error(msg);
        return true;
    }
    false
}

fn node_write(s: &mut AppState, f: impl FnOnce(&NodeView) -> Write) -> Requests {
    match selected_node(&s.policy) {
        Some(n) => vec![request(Request::Write(f(n)))],
        None => {
            s.info("項目を選んでください");
            Vec::new()
        }
    }
}

fn open_add(s: &mut AppState, sibling: bool) {
    if read_only(s) {
        return;
    }
    let p = &s.policy;
    let (Some(plan), node) = (selected_plan(p), selected_node(p)) else {
        return;
    };
    let code_of = |id: Option<i64>| {
        id.and_then(|id| plan.nodes.iter().find(|n| n.id == id))
            .map(|n| n.code.as_str())
    };
    let (parent, after, level) = match (node, sibling) {
        (Some(n), true) => (n.parent, Some(n.id), n.level.clone()),
        (Some(n), false) => (Some(n.id), None, plan.child_level(Some(&n.level))),
        (None, _) => (None, None, plan.child_level(None)),
    };
    let siblings: Vec<&str> = plan
        .nodes
        .iter()
        .filter(|n| n.parent == parent)
        .take_while(|n| after.is_none() || Some(n.id) != after)
        .map(|n| n.code.as_str())
        .chain(after.and(node.map(|n| n.code.as_str())))
        .collect();
    let code = view::next_code(code_of(parent), &siblings);
    let under = match parent.and_then(|id| plan.nodes.iter().find(|n| n.id == id)) {
        Some(pn) => view::node_label(pn),
        None => plan.title.clone(),
    };
    let fields = NodeFields {
        level,
        code,
        ..NodeFields::default()
    };
    let target = FormTarget::Add {
        plan_id: plan.id,
        parent,
        after,
    };
    let title = format!("新しい項目（{under} の下）");
    s.policy.overlay = Some(Overlay::Form(NodeForm::new(target, title, &fields)));
}

fn open_edit(s: &mut AppState) {
    if read_only(s) {
        return;
    }
    let Some(n) = selected_node(&s.policy) else {
        s.info("編集する項目を選んでください（計画の見出しは編集できません）");
        return;
    };
    let fields = NodeFields {
        level: n.level.clone(),
        code: n.code.clone(),
        title: n.title.clone(),
        body: n.body.clone(),
        budget_kyen: n.budget_kyen,
    };
    let target = FormTarget::Edit {
        id: n.id,
        version: n.version,
    };
    let title = format!("編集: {}", view::node_label(n));
    s.policy.overlay = Some(Overlay::Form(NodeForm::new(target, title, &fields)));
}

fn confirm_delete(s: &mut AppState) {
    if read_only(s) {
        return;
    }
    let p = &s.policy;
    let (Some(plan), Some(n)) = (selected_plan(p), selected_node(p)) else {
        s.info("削除する項目を選んでください");
        return;
    };
    let start = plan.index_of(n.id).unwrap_or(0);
    let below = n.subtree_end.saturating_sub(start + 1);
    let links: usize = plan.nodes[start..n.subtree_end]
        .iter()
        .map(|x| x.links.len())
        .sum();
    let mut text = format!("{} を削除します", view::node_label(n));
    if below > 0 {
        text.push_str(&format!("（下の {below} 項目も）"));
    }
    if links > 0 {
        text.push_str(&format!("。議題との関連 {links} 件も外れます"));
    }
    text.push_str("。Enter で削除、Esc でやめる（u で取り消せます）");
    s.policy.overlay = Some(Overlay::Confirm(Confirm {
        node_id: n.id,
        text,
    }));
}

fn outdent(s: &mut AppState) -> Requests {
    let p = &s.policy;
    let (Some(plan), Some(n)) = (selected_plan(p), selected_node(p)) else {
        return Vec::new();
    };
    match super::relevel::outdent(plan, n.id) {
        Ok(o) => vec![request(Request::Write(Write::Outdent {
            id: n.id,
            parent: o.parent,
            relabel: o.relabel,
        }))],
        Err(e) => {
            s.info(e);
            Vec::new()
        }
    }
}

fn indent(s: &mut AppState) -> Requests {
    let p = &s.policy;
    let (Some(plan), Some(n)) = (selected_plan(p), selected_node(p)) else {
        return Vec::new();
    };
    let prev = plan
        .nodes
        .iter()
        .filter(|x| x.parent == n.parent)
        .take_while(|x| x.id != n.id)
        .last()
        .map(|x| x.id);
    let Some(prev) = prev else {
        s.info("前に同じ階層の項目がないので、下へは移せません");
        return Vec::new();
    };
    let op = Write::Reparent {
        id: n.id,
        parent: Some(prev),
        after: None,
    };
    s.policy.closed.remove(&prev);
    vec![request(Request::Write(op))]
}

fn open_reparent(s: &mut AppState) {
    if read_only(s) {
        return;
    }
    let p = &s.policy;
    let (Some(plan), Some(n)) = (selected_plan(p), selected_node(p)) else {
        s.info("移す項目を選んでください");
        return;
    };
    let start = plan.index_of(n.id).unwrap_or(0);
    let mut candidates = vec![Candidate {
        id: None,
        label: format!("（いちばん上の階層）{}", plan.title),
    }];
    candidates.extend(
        plan.nodes
            .iter()
            .enumerate()
            .filter(|(i, _)| *i < start || *i >= n.subtree_end)
            .map(|(_, x)| Candidate {
                id: Some(x.id),
                label: format!("{}{}", "  ".repeat(x.depth), view::node_label(x)),
            }),
    );
    let title = format!(
        "{} を移す先（親）を選んでください（Enter で移動、Esc でやめる）",
        view::node_label(n)
    );
    let picker = Picker::new(PickPurpose::NewParent { node_id: n.id }, title, candidates);
    s.policy.overlay = Some(Overlay::Picker(picker));
}

/// The fiscal year a note is for: the plan's, else the current one.
fn note_year(s: &AppState) -> Option<i32> {
    selected_plan(&s.policy)
        .and_then(|p| p.fiscal_year)
        .or(Some(wareki::fiscal_year(s.calendar.today)))
}

fn open_note(s: &mut AppState, label: &str) {
    if read_only(s) {
        return;
    }
    let fy = note_year(s);
    let Some(n) = selected_node(&s.policy) else {
        s.info("記入する項目を選んでください");
        return;
    };
    let text = n
        .notes
        .iter()
        .find(|x| x.label == label && x.fiscal_year == fy)
        .map(|x| x.text.clone())
        .unwrap_or_default();
    let year = fy.map(wareki::format_fiscal_year).unwrap_or_default();
    let title = format!("{label}（{year}） {}", view::node_label(n));
    s.policy.overlay = Some(Overlay::Note(NoteForm {
        node_id: n.id,
        label: label.to_string(),
        fiscal_year: fy,
        title,
        input: TextInput::with_text(&text),
        shown: text,
    }));
}

fn open_compare(s: &mut AppState) {
    let p = &mut s.policy;
    let (Some(tree), Some(plan)) = (p.tree.as_ref(), selected_plan(p)) else {
        return;
    };
    let Some(prev) = compare::previous_plan(tree, plan) else {
        let msg = format!(
            "{} より前の年度の「{}」の計画がありません",
            plan.title, plan.kind
        );
        s.info(msg);
        return;
    };
    let c = compare::compare(&tree.plans[prev], plan);
    p.compare = Some(c);
    p.compare_scroll = 0;
    p.view = View::Compare;
}

/// Enter in an overlay.
pub fn accept_overlay(s: &mut AppState) -> Requests {
    let Some(o) = s.policy.overlay.take() else {
        return Vec::new();
    };
    let op = match o {
        Overlay::Picker(pk) => return accept_picker(s, pk),
        Overlay::Form(f) => match f.values() {
            Ok(fields) => match f.target {
                FormTarget::Add {
                    plan_id,
                    parent,
                    after,
                } => Write::AddNode {
                    plan_id,
                    parent,
                    after,
                    fields,
                },
                FormTarget::Edit { id, version } => Write::UpdateNode {
                    id,
                    version,
                    fields,
                },
            },
            Err(e) => {
                s.error(e);
                s.policy.overlay = Some(Overlay::Form(f));
                return Vec::new();
            }
        },
        Overlay::Note(n) => Write::SetNote {
            node: n.node_id,
            label: n.label,
            fiscal_year: n.fiscal_year,
            shown: n.shown,
            text: n.input.text().to_string(),
        },
        Overlay::Confirm(c) => Write::DeleteNode(c.node_id),
        Overlay::Plan(f) => return super::plan_form::accept_new(s, f),
        Overlay::Ask(a) => return super::plan_form::accept_ask(s, a),
    };
    vec![request(Request::Write(op))]
}

fn accept_picker(s: &mut AppState, pk: Picker) -> Requests {
    match pk.purpose.clone() {
        PickPurpose::LinkNodes {
            item_id, opened, ..
        } => {
            if pk.waiting {
                s.policy.overlay = Some(Overlay::Picker(pk));
                return Vec::new();
            }
            let mut nodes = pk.checked.clone();
            // Enter on an unticked match with nothing ticked links that one.
            if nodes.is_empty() && !pk.input.text().trim().is_empty() {
                nodes.extend(pk.current().and_then(|c| c.id));
            }
            vec![request(Request::Write(Write::SetLinks {
                item: item_id,
                opened,
                nodes,
            }))]
        }
        PickPurpose::Item { meeting_id } => {
            let Some(c) = pk.current().cloned() else {
                return Vec::new();
            };
            let Some(item_id) = c.id else {
                return Vec::new();
            };
            let linked = s
                .calendar
                .detail
                .as_ref()
                .and_then(|d| d.items.iter().find(|i| i.id == item_id))
                .map(|i| i.links.iter().map(|l| l.node_id).collect())
                .unwrap_or_default();
            open_link_picker(s, meeting_id, item_id, &c.label, linked)
        }
        PickPurpose::NewParent { node_id } => {
            let Some(c) = pk.current() else {
                return Vec::new();
            };
            if let Some(p) = c.id {
                s.policy.closed.remove(&p);
            }
            vec![request(Request::Write(Write::Reparent {
                id: node_id,
                parent: c.id,
                after: None,
            }))]
        }
    }
}
