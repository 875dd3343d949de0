//! `N` (a new plan: fiscal year, organisation, title, kind) and `Y`
//! (年度更新: the selected plan copied into the next fiscal year). Both
//! look for that year's plan first and offer to open it instead.

use super::overlay::Overlay;
use super::{request, Request, Write};
use crate::app::msg::Requests;
use crate::app::state::AppState;
use crate::db::policy::year::POLICY_KIND;
use crate::db::policy::PlanFields;
use crate::db::{PlanView, PolicyTree};
use crate::wareki;
use crate::widget::text_input::TextInput;

pub use super::overlay::{Ask, OnYes, PlanForm, PLAN_LABELS};

fn existing<'a>(tree: &'a PolicyTree, kind: &str, org: &str, fy: i32) -> Option<&'a PlanView> {
    tree.plans
        .iter()
        .find(|p| p.kind == kind && p.organisation == org && p.fiscal_year == Some(fy))
}

fn offer_open(s: &mut AppState, plan: &PlanView) {
    s.policy.overlay = Some(Overlay::Ask(Ask {
        title: "その年度の計画はもうあります".into(),
        text: format!(
            "「{}」がもうあります。Enter で開きます（Esc でやめる）",
            plan.title
        ),
        on_yes: OnYes::Open(plan.id),
    }));
}

/// `N`: the form, with this year and the selected plan's organisation.
pub fn open_new(s: &mut AppState) {
    let fy = wareki::fiscal_year(s.calendar.today);
    let org = super::cursor::selected_plan_of(&s.policy)
        .map(|p| p.organisation.clone())
        .unwrap_or_default();
    let fields = [
        wareki::format_fiscal_year(fy),
        org,
        String::new(),
        POLICY_KIND.to_string(),
    ]
    .iter()
    .map(|t| TextInput::with_text(t))
    .collect();
    s.policy.overlay = Some(Overlay::Plan(PlanForm { fields, focus: 0 }));
}

/// Enter in the form: the plan to create, or why not (the form stays).
pub fn accept_new(s: &mut AppState, f: PlanForm) -> Requests {
    let text = |i: usize| f.fields[i].text().trim().to_string();
    let fy = match wareki::fiscal::parse_fiscal_year(&text(0)) {
        Ok(fy) => fy,
        Err(e) => {
            s.error(format!("年度: {e}"));
            s.policy.overlay = Some(Overlay::Plan(f));
            return Vec::new();
        }
    };
    let (org, kind) = (text(1), text(3));
    let kind = if kind.is_empty() {
        POLICY_KIND.to_string()
    } else {
        kind
    };
    if let Some(plan) = s
        .policy
        .tree
        .as_ref()
        .and_then(|t| existing(t, &kind, &org, fy))
    {
        let plan = plan.clone();
        offer_open(s, &plan);
        return Vec::new();
    }
    let title = match text(2) {
        t if t.is_empty() => format!("{} {org}{kind}", wareki::format_fiscal_year(fy)),
        t => t,
    };
    vec![request(Request::Write(Write::CreatePlan(PlanFields {
        kind,
        title,
        organisation: org,
        fiscal_year: fy,
    })))]
}

/// `Y`: 年度更新 of the selected plan into the year after it (or this year
/// for a plan with no year), after a question; or the offer to open that
/// year's plan when it exists.
pub fn open_renew(s: &mut AppState) {
    let Some(plan) = super::cursor::selected_plan_of(&s.policy).cloned() else {
        s.info("年度更新する計画を選んでください");
        return;
    };
    let this_year = wareki::fiscal_year(s.calendar.today);
    let to = plan.fiscal_year.map_or(this_year, |fy| fy + 1);
    let tree = s.policy.tree.as_ref();
    if let Some(there) = tree.and_then(|t| existing(t, &plan.kind, &plan.organisation, to)) {
        let there = there.clone();
        offer_open(s, &there);
        return;
    }
    let title = crate::db::policy::year::renewed_title(&plan.title, plan.fiscal_year, to);
    s.policy.overlay = Some(Overlay::Ask(Ask {
        title: "年度更新".into(),
        text: format!(
            "「{}」を写して「{title}」を作ります（コード・題名・階層・関連は引き継ぎ、予算・振り返り・評価は空）。Enter で実行、Esc でやめる",
            plan.title
        ),
        on_yes: OnYes::Renew { from: plan.id, to },
    }));
}

/// Yes to a question.
pub fn accept_ask(s: &mut AppState, a: Ask) -> Requests {
    match a.on_yes {
        OnYes::Renew { from, to } => vec![request(Request::Write(Write::RenewPlan { from, to }))],
        OnYes::Open(plan) => {
            open_plan(s, plan);
            Vec::new()
        }
    }
}

/// Open a plan in the tree and put the cursor on its heading.
pub fn open_plan(s: &mut AppState, plan: i64) {
    let p = &mut s.policy;
    p.view = super::View::Tree;
    p.open_plans.insert(plan);
    p.rebuild_rows();
    if let Some(t) = &p.tree {
        if let Some(r) = super::view::find(t, &p.rows, super::view::Key::Plan(plan)) {
            p.cursor = r;
        }
    }
}
