//! The 運営方針 (policy tree) pane: every plan as a collapsible tree with
//! budgets and roll-ups, a node's detail (body, 中間振り返り, 自己評価,
//! indicators, the agenda items where it was discussed), edits with undo,
//! a comparison with the previous year's plan, and suggested links between
//! agenda items and nodes. Linking an item from the calendar or minute
//! taking opens this pane's picker over whatever tab is showing.

pub mod actions;
pub mod compare;
pub mod cursor;
pub mod draw;
pub mod overlay;
pub mod plan_form;
pub mod relevel;
pub mod reopen;
pub mod state;
pub mod view;
pub mod view_keys;
pub mod write;

pub use crate::app::msg::policy::{Request, Response};
pub use state::{Focus, State, View};
pub use write::Write;

use crossterm::event::{KeyCode, KeyEvent};

use super::Ctx;
use crate::app::action::Action;
use crate::app::keymap::{Binding, Scope};
use crate::app::msg::Request as AppRequest;
use crate::app::msg::Requests;
use crate::app::state::{AppState, Mode};
use crate::db::PolicyTree;
use overlay::{Candidate, Outcome, Overlay, PickPurpose, Picker};

const N: crossterm::event::KeyModifiers = crossterm::event::KeyModifiers::NONE;
const SH: crossterm::event::KeyModifiers = crossterm::event::KeyModifiers::SHIFT;

const fn b(code: KeyCode, shift: bool, action: Action, help: &'static str) -> Binding {
    let mods = if shift { SH } else { N };
    crate::app::keymap::binding(Scope::Policy, code, mods, action, help, None)
}

const fn h(code: KeyCode, action: Action, help: &'static str, hint: &'static str) -> Binding {
    crate::app::keymap::binding(Scope::Policy, code, N, action, help, Some(hint))
}

use Action as A;
use KeyCode::{Char, Down, End, Enter, Esc, Home, Left, PageDown, PageUp, Right, Up};

/// This pane's keys (scope `Scope::Policy`), shown in help and hints.
pub const BINDINGS: &[Binding] = &[
    b(Down, false, A::TreeDown, "次の行"),
    b(Char('j'), false, A::TreeDown, "次の行"),
    b(Up, false, A::TreeUp, "前の行"),
    b(Char('k'), false, A::TreeUp, "前の行"),
    b(PageDown, false, A::TreePageDown, "次のページ"),
    b(PageUp, false, A::TreePageUp, "前のページ"),
    b(Home, false, A::TreeFirst, "先頭"),
    b(Char('g'), false, A::TreeFirst, "先頭"),
    b(End, false, A::TreeLast, "末尾"),
    b(Char('G'), true, A::TreeLast, "末尾"),
    h(Char(' '), A::TreeToggle, "折りたたむ・開く", "開閉"),
    b(
        Left,
        false,
        A::TreeCollapse,
        "折りたたむ（閉じていれば親へ）",
    ),
    b(
        Char('h'),
        false,
        A::TreeCollapse,
        "折りたたむ（閉じていれば親へ）",
    ),
    b(
        Right,
        false,
        A::TreeExpand,
        "開く（開いていれば最初の子へ）",
    ),
    b(
        Char('l'),
        false,
        A::TreeExpand,
        "開く（開いていれば最初の子へ）",
    ),
    h(
        Enter,
        A::OpenLinks,
        "関連する議題を選ぶ・選んだ議題の会議へ移動",
        "関連議題",
    ),
    b(Esc, false, A::Back, "ツリーに戻る"),
    h(Char('a'), A::NodeAddChild, "下に項目を追加", "追加"),
    b(Char('A'), true, A::NodeAddSibling, "同じ階層に項目を追加"),
    h(Char('e'), A::NodeEdit, "項目を編集", "編集"),
    b(
        Char('D'),
        true,
        A::NodeDelete,
        "項目を削除（下の項目ごと。確認あり）",
    ),
    b(Char('K'), true, A::NodeMoveUp, "項目を上へ"),
    b(Char('J'), true, A::NodeMoveDown, "項目を下へ"),
    b(Char('<'), false, A::NodeOutdent, "一つ上の階層へ移す"),
    b(Char('>'), false, A::NodeIndent, "前の項目の下へ移す"),
    h(Char('m'), A::NodeReparent, "移す先（親）を選ぶ", "移動"),
    b(Char('r'), false, A::EditMidReview, "中間振り返りを記入"),
    b(Char('v'), false, A::EditSelfEvaluation, "自己評価を記入"),
    h(Char('c'), A::ComparePrevYear, "前年度の計画と比較", "比較"),
    h(
        Char('b'),
        A::BudgetChart,
        "予算のグラフ（経営課題・戦略ごと、前年度と並べて）",
        "予算図",
    ),
    b(
        Char('N'),
        true,
        A::PlanNew,
        "新しい計画を作る（年度・組織・題名）",
    ),
    h(
        Char('Y'),
        A::PlanRenew,
        "年度更新（選んだ計画を次の年度へ写す。予算・振り返り・評価は空）",
        "年度更新",
    ),
    h(
        Char('s'),
        A::LinkSuggestions,
        "議題との関連づけの候補（y 採用、x 却下）",
        "候補",
    ),
    b(
        Char('y'),
        false,
        A::AcceptSuggestion,
        "候補を採用して関連づける",
    ),
    b(
        Char('x'),
        false,
        A::RejectOrUnlink,
        "候補を却下・選んだ議題との関連を外す",
    ),
];

fn send(ctx: &Ctx, r: Response) {
    ctx.send(super::PaneResponse::Policy(r));
}

pub fn request(r: Request) -> AppRequest {
    super::request(super::PaneRequest::Policy(r))
}

pub fn handle(ctx: &mut Ctx, req: Request) {
    match req {
        Request::Load => match ctx.store.policy_tree() {
            Ok(t) => send(ctx, Response::Loaded(Box::new(t))),
            Err(e) => send(ctx, Response::Failed(e.to_string())),
        },
        Request::Suggest => match ctx.store.link_suggestions() {
            Ok(g) => send(ctx, Response::Suggestions(g)),
            Err(e) => send(ctx, Response::Failed(e.to_string())),
        },
        Request::Write(op) => {
            let applied = op.apply(ctx.store);
            let resave = || crate::app::msg::Resave::Policy(op.clone());
            let Some(applied) = crate::app::msg::catch(ctx.out, applied, resave) else {
                // The shared prompt asks; the tree shows their version.
                handle(ctx, Request::Load);
                return;
            };
            let result = applied
                .map(|created| (ctx.store.last_batch(), created))
                .map_err(|e| e.to_string());
            send(
                ctx,
                Response::Written {
                    op: Box::new(op),
                    result,
                },
            );
        }
    }
}

pub fn on_response(s: &mut AppState, r: Response) -> Requests {
    match r {
        Response::Loaded(tree) => {
            loaded(s, *tree);
            Vec::new()
        }
        Response::Suggestions(g) => {
            let p = &mut s.policy;
            p.suggestions = g;
            p.suggestions_loading = false;
            let n = p.visible_suggestions().len();
            p.suggestion_cursor = p.suggestion_cursor.min(n.saturating_sub(1));
            Vec::new()
        }
        Response::Written { op, result } => written(s, *op, result),
        Response::Failed(e) => {
            s.error(e);
            Vec::new()
        }
    }
}

fn loaded(s: &mut AppState, tree: PolicyTree) {
    let p = &mut s.policy;
    let first = p.tree.is_none();
    if first {
        if let Some(plan) = tree.plans.first() {
            p.open_plans.insert(plan.id);
        }
    }
    let keep = p
        .tree
        .as_ref()
        .and_then(|t| p.rows.get(p.cursor).and_then(|r| view::key(t, *r)));
    p.tree = Some(tree);
    p.rows.clear();
    match p.select_after_load.take() {
        Some(id) if p.select_node(id) => {}
        _ => {
            if let Some(t) = &p.tree {
                p.rows = view::rows(t, &p.open_plans, &p.closed);
                if let Some(i) = keep.and_then(|k| view::find(t, &p.rows, k)) {
                    p.cursor = i;
                }
            }
            p.cursor = p.cursor.min(p.rows.len().saturating_sub(1));
        }
    }
    if let Some(plan) = p.select_plan_after_load.take() {
        plan_form::open_plan(s, plan);
    }
    let p = &mut s.policy;
    clamp_focus(p);
    if p.view == View::Compare {
        if let Some(c) = &p.compare {
            let (plan, prev) = (c.plan_id, c.previous_id);
            p.compare = p.tree.as_ref().and_then(|t| {
                let a = t.plans.iter().find(|x| x.id == prev)?;
                let b = t.plans.iter().find(|x| x.id == plan)?;
                Some(compare::compare(a, b))
            });
        }
    }
    let candidates = p.tree.as_ref().map(node_candidates);
    if let (Some(Overlay::Picker(pk)), Some(c)) = (p.overlay.as_mut(), candidates) {
        if pk.waiting {
            pk.set_candidates(c);
        }
    }
}

/// Keep the link focus inside the selected node's links.
fn clamp_focus(p: &mut State) {
    if let Focus::Links(i) = p.focus {
        let n = cursor::selected_node(p).map_or(0, |n| n.links.len());
        p.focus = if n == 0 {
            Focus::Tree
        } else {
            Focus::Links(i.min(n - 1))
        };
    }
}

fn written(
    s: &mut AppState,
    op: Write,
    result: Result<(Option<i64>, Option<i64>), String>,
) -> Requests {
    let mut reqs = vec![request(Request::Load)];
    match result {
        Ok((batch, created)) => {
            s.record_batch(batch);
            s.info(op.done());
            match op {
                Write::CreatePlan(_) | Write::RenewPlan { .. } => {
                    s.policy.select_plan_after_load = created;
                }
                _ => s.policy.select_after_load = created.or(op.node()),
            }
        }
        Err(e) => {
            s.error(format!("保存できませんでした: {e}"));
            reopen::after_error(s, &op);
        }
    }
    if op.touches_links() {
        if let Some(d) = &s.calendar.detail {
            reqs.push(AppRequest::LoadMeeting(d.meeting.id));
        }
        if s.policy.view == View::Suggestions {
            reqs.push(request(Request::Suggest));
        }
    }
    s.policy.loaded = true;
    reqs
}

pub fn on_enter(s: &mut AppState) -> Requests {
    if s.policy.loaded {
        return Vec::new();
    }
    s.policy.loaded = true;
    vec![request(Request::Load)]
}

pub fn on_key(s: &mut AppState, key: &KeyEvent) -> Option<Requests> {
    if s.policy.overlay.is_some() {
        return on_overlay_key(s, key);
    }
    let a = crate::app::keymap::lookup(Scope::Policy, key)?;
    actions::apply(s, a)
}

pub fn refresh(s: &mut AppState) -> Requests {
    if !s.policy.loaded {
        return Vec::new();
    }
    let mut r = vec![request(Request::Load)];
    if s.policy.view == View::Suggestions {
        r.push(request(Request::Suggest));
    }
    r
}

/// Keys for an open overlay of this pane, whatever the tab (the link
/// picker opens over the calendar). None when no overlay is open.
pub fn on_overlay_key(s: &mut AppState, key: &KeyEvent) -> Option<Requests> {
    let o = s.policy.overlay.as_mut()?;
    Some(match overlay::on_key(o, key) {
        Outcome::Open => Vec::new(),
        Outcome::Cancelled => {
            s.policy.overlay = None;
            Vec::new()
        }
        Outcome::Error(e) => {
            s.error(e);
            Vec::new()
        }
        Outcome::Accepted => actions::accept_overlay(s),
    })
}

/// A paste while an overlay is open goes into it; false when none is.
pub fn on_paste(s: &mut AppState, text: &str) -> bool {
    let Some(o) = s.policy.overlay.as_mut() else {
        return false;
    };
    if let Some(e) = overlay::on_paste(o, text) {
        s.error(e);
    }
    true
}

/// Every node of every plan, for the link picker.
pub fn node_candidates(tree: &PolicyTree) -> Vec<Candidate> {
    tree.plans
        .iter()
        .flat_map(|p| {
            p.nodes.iter().map(move |n| Candidate {
                id: Some(n.id),
                label: format!("{}  {}", view::node_label(n), p.title),
            })
        })
        .collect()
}

/// `L` in the calendar or minute taking: link an agenda item to policy
/// nodes. In minute taking the current item; in the calendar the selected
/// meeting's item (a picker first when it has several).
pub fn link_item(s: &mut AppState) -> Requests {
    let Some(d) = &s.calendar.detail else {
        s.info("関連づける会議を選んでください");
        return Vec::new();
    };
    let meeting_id = d.meeting.id;
    let item = match (&s.minutes, s.mode) {
        (Some(m), Mode::MinutesInput | Mode::MinutesList) => d.items.get(m.item),
        _ if d.items.len() == 1 => d.items.first(),
        _ => None,
    };
    if let Some(item) = item {
        let (id, label) = (item.id, format!("({}) {}", item.number, item.title));
        let linked: Vec<i64> = item.links.iter().map(|l| l.node_id).collect();
        return open_link_picker(s, meeting_id, id, &label, linked);
    }
    if d.items.is_empty() {
        s.info("この会議には議題がありません");
        return Vec::new();
    }
    let candidates = d
        .items
        .iter()
        .map(|i| Candidate {
            id: Some(i.id),
            label: format!("({}) {}", i.number, i.title),
        })
        .collect();
    s.policy.overlay = Some(Overlay::Picker(Picker::new(
        PickPurpose::Item { meeting_id },
        "関連づける議題を選んでください（Enter で決定、Esc でやめる）".into(),
        candidates,
    )));
    Vec::new()
}

/// The multi-select picker of policy nodes for one agenda item.
pub fn open_link_picker(
    s: &mut AppState,
    meeting_id: i64,
    item_id: i64,
    item_label: &str,
    linked: Vec<i64>,
) -> Requests {
    let candidates = s.policy.tree.as_ref().map(node_candidates);
    let mut picker = Picker::new(
        PickPurpose::LinkNodes {
            item_id,
            meeting_id,
            opened: crate::db::conflict::fingerprint_ids(&linked),
        },
        format!("{item_label} に関連する運営方針（文字で絞り込み、Space で選択、Enter で保存）"),
        candidates.clone().unwrap_or_default(),
    );
    picker.checked = linked;
    picker.refilter();
    let mut reqs = Vec::new();
    if candidates.is_none() {
        picker.waiting = true;
        s.policy.loaded = true;
        reqs.push(request(Request::Load));
    }
    s.policy.overlay = Some(Overlay::Picker(picker));
    reqs
}
