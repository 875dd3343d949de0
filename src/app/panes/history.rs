//! 履歴: the history overlay. `H` on the selected meeting (calendar),
//! opinion or agenda item (minute taking, selecting entries), policy node
//! or plan (運営方針) and progress cell, note (中間振り返り/自己評価/評価)
//! or node field (進捗) lists every version from the audit log, newest
//! first; `r` restores the selected one as a new audited change after a
//! question. `u` with nothing to undo in this session opens the history of
//! the user's newest change: undo after a restart. State: `state`;
//! values: `view`; drawing: `draw`; queries: `db::history`.

pub mod draw;
pub mod state;
pub mod view;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::{request, Ctx, PaneRequest, PaneResponse};
use crate::app::action::Action;
use crate::app::keymap::{self, Binding, Scope};
pub use crate::app::msg::history::{Request, Response};
use crate::app::msg::{Request as CoreRequest, Requests};
use crate::app::state::{self as app_state, AppState, Mode, Tab};
use crate::db::history::Locator;
use crate::db::StoreError;
pub use state::State;

const fn b(scope: Scope, help: &'static str) -> Binding {
    keymap::binding(
        scope,
        KeyCode::Char('H'),
        KeyModifiers::SHIFT,
        Action::History,
        help,
        None,
    )
}

/// `H` opens the history of what is selected, in every screen that shows
/// audited rows (the attendance matrix uses `H` for paging).
pub const BINDINGS: &[Binding] = &[
    b(Scope::Calendar, "履歴（この会議の版）"),
    b(Scope::MinutesList, "履歴（この意見の版。p で議題の）"),
    b(Scope::Policy, "履歴（この項目の版）"),
    b(Scope::Progress, "履歴（この欄・振り返りの版）"),
];

fn send(ctx: &Ctx, r: Response) {
    ctx.send(PaneResponse::History(r));
}

pub fn handle(ctx: &mut Ctx, req: Request) {
    match req {
        Request::Load { at, title } => match ctx.store.history(&at) {
            Ok(h) => send(
                ctx,
                Response::Loaded {
                    title,
                    history: h.map(Box::new),
                },
            ),
            Err(e) => send(ctx, Response::Failed(e.to_string())),
        },
        Request::Restore { audit_id, opened } => {
            let result = ctx.store.restore_version(audit_id, opened);
            let conflict = matches!(result, Err(StoreError::Conflict { .. }))
                || matches!(&result, Err(StoreError::Invalid(m)) if m.contains("削除しています"));
            let result = result.map_err(|e| e.to_string());
            send(ctx, Response::Restored { result, conflict });
        }
        Request::LatestOwn => match ctx.store.latest_own_change() {
            Ok(Some((table, id))) => {
                let at = Locator::Row { table, id };
                let title = String::new();
                handle(ctx, Request::Load { at, title })
            }
            Ok(None) => send(
                ctx,
                Response::Failed(
                    "取り消す変更はありません（記録にあなたの変更がありません）".into(),
                ),
            ),
            Err(e) => send(ctx, Response::Failed(e.to_string())),
        },
    }
}

pub fn on_response(s: &mut AppState, r: Response) -> Requests {
    let h = &mut s.history;
    match r {
        Response::Loaded { title, history } => {
            h.loading = false;
            h.open = true;
            h.title = match (&history, title.is_empty()) {
                // Opened from the log (p, u): named by what the row says.
                (Some(x), true) => name_of(x),
                _ => title,
            };
            let keep = h.history.as_ref().map(|x| (x.table.clone(), x.row_id));
            let same = keep == history.as_ref().map(|x| (x.table.clone(), x.row_id));
            h.history = history.map(|x| *x);
            if let Some(x) = &h.history {
                h.at = Some(row(&x.table, x.row_id));
            }
            if !same {
                h.cursor = 0;
                h.scroll = 0;
            }
            let n = h.history.as_ref().map_or(0, |x| x.versions.len());
            h.cursor = h.cursor.min(n.saturating_sub(1));
            Vec::new()
        }
        Response::Restored { result, conflict } => {
            let mut reqs = reload(s);
            match result {
                Ok(Some(batch)) => {
                    // The restore is the newest version now.
                    s.history.cursor = 0;
                    s.history.scroll = 0;
                    s.record_batch(Some(batch));
                    s.info("この版に戻しました（u で取り消し）");
                }
                Ok(None) => s.info("いまの内容がすでにこの版と同じです"),
                Err(e) if conflict => s.error(format!("{e}。履歴を読み直しました")),
                Err(e) => s.error(format!("戻せませんでした: {e}")),
            }
            reqs.extend(refresh_others(s));
            reqs
        }
        Response::Failed(e) => {
            h.loading = false;
            if h.history.is_none() {
                h.open = false;
            }
            s.error(e);
            Vec::new()
        }
    }
}

/// "議題「…」": a row by its table and main text.
fn name_of(x: &crate::db::history::History) -> String {
    let image = x
        .versions
        .iter()
        .find(|v| v.table == x.table && v.row_id == x.row_id)
        .and_then(|v| v.image());
    format!(
        "{}「{}」",
        view::table_name(&x.table),
        view::headline(image)
    )
}

/// Ask for the history at `at` again (after a restore). A row named by
/// its text is named again by what it says now.
fn reload(s: &mut AppState) -> Requests {
    let Some(at) = s.history.at.clone() else {
        return Vec::new();
    };
    let by_text = matches!(&at, Locator::Row { table, .. }
        if ["opinions", "agenda_items", "plan_nodes"].contains(&table.as_str()));
    let title = if by_text {
        String::new()
    } else {
        s.history.title.clone()
    };
    vec![load(at, title)]
}

fn load(at: Locator, title: String) -> CoreRequest {
    request(PaneRequest::History(Request::Load { at, title }))
}

/// The screens show the restored row: the meeting, the year, the panes.
fn refresh_others(s: &mut AppState) -> Requests {
    let mut r = Vec::new();
    if let Some(d) = &s.calendar.detail {
        r.push(CoreRequest::LoadMeeting(d.meeting.id));
    }
    r.push(CoreRequest::LoadYear {
        fiscal_year: Some(s.calendar.fiscal_year),
        select: s.calendar.selected_meeting().map(|m| m.id),
    });
    r.extend(super::refresh(s));
    r
}

/// Open the history of a row.
pub fn open(s: &mut AppState, at: Locator, title: String) -> Requests {
    let h = &mut s.history;
    h.open = true;
    h.loading = true;
    h.history = None;
    h.confirming = false;
    h.title = title.clone();
    h.at = Some(at.clone());
    vec![load(at, title)]
}

/// `u` with nothing to undo: the history of this user's newest change.
pub fn open_latest_own(s: &mut AppState) -> Requests {
    s.info(
        "この画面での変更はありません。記録にあるあなたの最後の変更の履歴を開きます（r で戻す）",
    );
    let h = &mut s.history;
    h.open = true;
    h.loading = true;
    h.history = None;
    h.back.clear();
    h.at = None;
    vec![request(PaneRequest::History(Request::LatestOwn))]
}

/// The scope whose bindings apply now, if `H` may open a history here
/// (never while text is being typed).
fn scope_now(s: &AppState) -> Option<Scope> {
    match (s.mode, s.tab) {
        (Mode::MinutesList, _) => Some(Scope::MinutesList),
        (Mode::MinutesInput, _) => None,
        (Mode::Normal, Tab::Meetings) => Some(Scope::Calendar),
        (Mode::Normal, Tab::Policy) if s.policy.overlay.is_none() => Some(Scope::Policy),
        (Mode::Normal, Tab::Progress)
            if s.progress.editing.is_none() && !s.progress.filter.typing =>
        {
            Some(Scope::Progress)
        }
        _ => None,
    }
}

/// Keys of the open overlay; else `H` where it opens one. None: not ours.
pub fn on_key(s: &mut AppState, key: &KeyEvent) -> Option<Requests> {
    if s.history.open {
        return Some(overlay_key(s, key));
    }
    let scope = scope_now(s)?;
    if keymap::lookup(scope, key) != Some(Action::History) {
        return None;
    }
    Some(open_selected(s, scope))
}

/// What `H` opens in `scope`: the selected row's history.
fn open_selected(s: &mut AppState, scope: Scope) -> Requests {
    s.history.back.clear();
    match selected(s, scope) {
        Some((at, title)) => open(s, at, title),
        None => {
            s.info("履歴を見る記録が選ばれていません");
            Vec::new()
        }
    }
}

fn row(table: &str, id: i64) -> Locator {
    Locator::Row {
        table: table.into(),
        id,
    }
}

fn selected(s: &AppState, scope: Scope) -> Option<(Locator, String)> {
    match scope {
        Scope::Calendar => s.calendar.selected_meeting().map(|m| {
            let title = format!("会議 第{}回 {}", m.number, m.committee);
            (row("meetings", m.id), title)
        }),
        Scope::MinutesList => match app_state::selected_entry(s) {
            Some(o) => Some((row("opinions", o.id), format!("意見「{}」", o.text))),
            None => app_state::current_item(s)
                .map(|i| (row("agenda_items", i.id), format!("議題「{}」", i.title))),
        },
        Scope::Policy => policy_selected(s),
        Scope::Progress => progress_selected(s),
        _ => None,
    }
}

fn policy_selected(s: &AppState) -> Option<(Locator, String)> {
    use super::policy::view::Row;
    let tree = s.policy.tree.as_ref()?;
    match s.policy.current_row()? {
        Row::Plan(p) => {
            let plan = tree.plans.get(p)?;
            Some((row("plans", plan.id), format!("計画「{}」", plan.title)))
        }
        Row::Node(p, i) => {
            let n = tree.plans.get(p)?.nodes.get(i)?;
            Some((
                row("plan_nodes", n.id),
                format!("{}「{}」", n.level, n.title),
            ))
        }
    }
}

fn progress_selected(s: &AppState) -> Option<(Locator, String)> {
    use super::progress::detail;
    use super::progress::state::{Target, View};
    let p = &s.progress;
    let node = p.node?;
    let name = p
        .data
        .as_ref()
        .and_then(|d| d.items.iter().find(|i| i.node_id == node))
        .map(|i| i.label())
        .unwrap_or_default();
    if p.view == View::Detail {
        let fields = detail::current(s);
        match fields.get(p.field).map(|f| (&f.target, &f.label)) {
            Some((
                Target::Note {
                    existing: Some((id, _)),
                    ..
                },
                label,
            )) => {
                return Some((row("node_notes", *id), format!("{label}（{name}）")));
            }
            Some((Target::Lead { node, .. } | Target::Budget { node, .. }, _)) => {
                return Some((row("plan_nodes", *node), format!("項目「{name}」")));
            }
            Some((Target::Milestone { id, .. }, label)) => {
                return Some((row("milestones", *id), format!("{label}（{name}）")));
            }
            Some((Target::Indicator { id, .. }, label)) => {
                return Some((row("indicators", *id), format!("{label}（{name}）")));
            }
            _ => {}
        }
    }
    let period = p.period?;
    let at = Locator::ProgressCell {
        node,
        fiscal_year: period.fiscal_year,
        half: period.half.as_str().to_string(),
    };
    Some((
        at,
        format!("進捗 {}（{name}）", period.short_label(p.western)),
    ))
}

fn overlay_key(s: &mut AppState, key: &KeyEvent) -> Requests {
    use KeyCode::*;
    let h = &mut s.history;
    if h.confirming {
        h.confirming = false;
        if matches!(key.code, Char('y') | Char('Y') | Enter) {
            return restore(s);
        }
        s.info("戻すのをやめました");
        return Vec::new();
    }
    let n = h.history.as_ref().map_or(0, |x| x.versions.len());
    match key.code {
        Down | Char('j') if h.cursor + 1 < n => {
            h.cursor += 1;
            h.scroll = 0;
        }
        Up | Char('k') => {
            h.cursor = h.cursor.saturating_sub(1);
            h.scroll = 0;
        }
        Char('J') | PageDown => h.scroll = h.scroll.saturating_add(5),
        Char('K') | PageUp => h.scroll = h.scroll.saturating_sub(5),
        Home | Char('g') => h.cursor = 0,
        End | Char('G') => h.cursor = n.saturating_sub(1),
        Char('r') if h.selected().is_some() => {
            h.confirming = true;
        }
        Char('p') => return parent(s),
        Esc | Char('q') | Char('H') => {
            if let Some((at, title)) = h.back.pop() {
                return open(s, at, title);
            }
            *h = State::default();
        }
        _ => {}
    }
    Vec::new()
}

/// `p`: the history of the row above (opinion → item → meeting …).
fn parent(s: &mut AppState) -> Requests {
    let h = &mut s.history;
    let Some((table, id)) = h.history.as_ref().and_then(|x| x.parent.clone()) else {
        s.info("上の記録はありません");
        return Vec::new();
    };
    if let Some(at) = h.at.clone() {
        h.back.push((at, h.title.clone()));
    }
    open(s, row(&table, id), String::new())
}

fn restore(s: &mut AppState) -> Requests {
    let h = &s.history;
    let (Some(v), Some(history)) = (h.selected(), h.history.as_ref()) else {
        return Vec::new();
    };
    let Some(opened) = history.opened_for(&v.table, v.row_id) else {
        return Vec::new();
    };
    let audit_id = v.audit_id;
    s.info("戻しています…");
    vec![request(PaneRequest::History(Request::Restore {
        audit_id,
        opened,
    }))]
}
