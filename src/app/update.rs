//! State changes. A key becomes an [`Action`] (through the keymap) or an
//! edit of the focused input; responses from the database thread become new
//! state. Either may return requests for the database thread.

use crossterm::event::{KeyEvent, KeyEventKind};

use super::action::Action;
use super::keymap::{self, Scope};
pub use super::msg::Requests;
use super::msg::{Request, Response, WriteOp};
use super::panes::minutes;
use super::prompt;
use super::state::*;

pub fn on_key(s: &mut AppState, key: KeyEvent) -> Requests {
    super::bindings::register();
    if key.kind == KeyEventKind::Release {
        return Vec::new();
    }
    if s.help {
        // Paging keys scroll a long help; any other key closes it.
        use crossterm::event::KeyCode::*;
        match key.code {
            PageDown | Down | Char('j') | Char(' ') => s.help_scroll += 10,
            PageUp | Up | Char('k') => s.help_scroll = s.help_scroll.saturating_sub(10),
            _ => {
                s.help = false;
                s.help_scroll = 0;
            }
        }
        return Vec::new();
    }
    if s.prompt.is_some() {
        return prompt::on_key(s, key);
    }
    if s.import.overlay.is_some()
        && matches!(keymap::lookup(Scope::Global, &key), Some(Action::Help))
        && !matches!(
            s.import.overlay,
            Some(super::panes::import::Overlay::Path { .. })
        )
    {
        s.help = true;
        return Vec::new();
    }
    if let Some(r) = super::panes::import::on_key(s, &key) {
        return r;
    }
    if let Some(r) = super::panes::policy::on_overlay_key(s, &key) {
        return r;
    }
    if let Some(r) = super::panes::search::on_key(s, &key) {
        return r;
    }
    if let Some(r) = super::panes::history::on_key(s, &key) {
        return r;
    }
    match s.mode {
        Mode::MinutesInput => {
            if let Some(a) = keymap::lookup(Scope::MinutesInput, &key) {
                return apply(s, a);
            }
            minutes::edit_input(s, |input| input.handle_key(&key))
        }
        Mode::MinutesList => match keymap::lookup(Scope::MinutesList, &key)
            .or_else(|| keymap::lookup(Scope::Global, &key))
        {
            Some(a) => apply(s, a),
            None => Vec::new(),
        },
        Mode::Normal => {
            if let Some(r) = super::panes::on_key(s, &key) {
                return r;
            }
            let scoped = match s.tab {
                Tab::Meetings => keymap::lookup(Scope::Calendar, &key),
                _ => None,
            };
            match scoped.or_else(|| keymap::lookup(Scope::Global, &key)) {
                Some(a) => apply(s, a),
                None => Vec::new(),
            }
        }
    }
}

/// A bracketed paste: one edit of whatever input has the focus.
pub fn on_paste(s: &mut AppState, text: &str) -> Requests {
    super::bindings::register();
    if super::panes::import::on_paste(s, text) {
        return Vec::new();
    }
    if super::panes::policy::on_paste(s, text) {
        return Vec::new();
    }
    if let Some(p) = s.prompt.as_mut() {
        if let Err(e) = p.input.paste(text) {
            s.error(e.to_string());
        }
        return Vec::new();
    }
    if s.search.open {
        return super::panes::search::on_paste(s, text);
    }
    if s.mode == Mode::MinutesInput {
        return minutes::edit_input(s, |input| input.handle_paste(text));
    }
    if let Some(r) = super::panes::attendance::on_paste(s, text) {
        return r;
    }
    if s.tab == Tab::Progress {
        if let Some(r) = super::panes::progress::on_paste(s, text) {
            return r;
        }
    }
    Vec::new()
}

/// A global action, or one the calendar or minute taking owns.
pub fn apply(s: &mut AppState, a: Action) -> Requests {
    s.message = None;
    if let Some(r) = super::panes::calendar::apply(s, a) {
        return r;
    }
    if minutes::owns(a) {
        return minutes::apply(s, a);
    }
    match a {
        Action::Quit => {
            s.quit = true;
            Vec::new()
        }
        Action::Help => {
            s.help = true;
            Vec::new()
        }
        Action::NextTab | Action::PrevTab => {
            let i = Tab::ALL.iter().position(|t| *t == s.tab).unwrap_or(0);
            let n = Tab::ALL.len();
            let j = if a == Action::NextTab {
                (i + 1) % n
            } else {
                (i + n - 1) % n
            };
            s.tab = Tab::ALL[j];
            super::panes::on_enter(s, s.tab)
        }
        Action::GoTab1 | Action::GoTab2 | Action::GoTab3 | Action::GoTab4 => {
            s.tab = match a {
                Action::GoTab1 => Tab::Meetings,
                Action::GoTab2 => Tab::Attendance,
                Action::GoTab3 => Tab::Policy,
                _ => Tab::Progress,
            };
            super::panes::on_enter(s, s.tab)
        }
        Action::Undo => undo(s, false),
        Action::Redo => undo(s, true),
        Action::StartMinutes => minutes::start(s),
        Action::Attendance => {
            prompt::open_attendance(s);
            Vec::new()
        }
        Action::LinkItem => super::panes::policy::link_item(s),
        Action::Search => super::panes::search::open(s),
        Action::ImportFile => super::panes::import::open(s),
        // Prompt keys, and every other screen's own keys: their screen
        // handles them before they get here (`panes::<name>::BINDINGS`).
        Action::CopyCitation => super::clipboard::copy_citation(s),
        _ => Vec::new(),
    }
}

fn undo(s: &mut AppState, redo: bool) -> Requests {
    let stack = if redo {
        &mut s.redo_stack
    } else {
        &mut s.undo_stack
    };
    match stack.pop() {
        Some(batch) => vec![Request::Undo { batch, redo }],
        // Undo after a restart: the history of the newest audited change.
        None if !redo => super::panes::history::open_latest_own(s),
        None => {
            s.info(if redo {
                "やり直す変更はありません"
            } else {
                "取り消す変更はありません（この画面で行った変更だけ取り消せます）"
            });
            Vec::new()
        }
    }
}

/// Whether the response `r` leaves the screen as it is (taken in, it
/// draws no frame): answers that repeat what is shown. Most responses are
/// only sent when something changed (see `worker_watch`), so this knows the
/// few that are not.
pub fn unseen(s: &AppState, r: &Response) -> bool {
    match r {
        Response::Pane(super::msg::PaneResponse::Search(r)) => {
            super::panes::search::unseen(&s.search, r)
        }
        _ => false,
    }
}

/// [`on_response`], and whether the screen must be drawn again after it
/// (false for the [`unseen`]: the app's loop draws no frame for them).
pub fn take_response(s: &mut AppState, r: Response) -> (Requests, bool) {
    let unseen = unseen(s, &r);
    (on_response(s, r), !unseen)
}

pub fn on_response(s: &mut AppState, r: Response) -> Requests {
    match r {
        Response::Year {
            fiscal_year,
            meetings,
            select,
        } => super::panes::calendar::on_year(s, fiscal_year, meetings, select),
        Response::Meeting(detail) => super::panes::calendar::on_meeting(s, detail),
        Response::Draft { context, text } => {
            minutes::restore_draft(s, &context, text);
            Vec::new()
        }
        Response::DraftSaved { context, text } => {
            if let Some(m) = s.minutes.as_mut().filter(|m| m.draft_context() == context) {
                m.draft_confirmed(&text);
            }
            Vec::new()
        }
        Response::Latest(d) => {
            s.calendar.latest = d;
            Vec::new()
        }
        Response::JobTitles(t) => {
            s.job_titles = t;
            Vec::new()
        }
        Response::Written { op, result } => on_written(s, *op, result),
        Response::Undone { redo, result } => on_undone(s, redo, result),
        Response::Pane(r) => super::panes::on_response(s, r),
        Response::Conflict(caught) => {
            // The progress editor's save is answered here, not by Written.
            s.progress.saving = None;
            super::conflict::open(s, *caught);
            Vec::new()
        }
        Response::ReadOnly(reason) => {
            s.read_only = Some(reason.clone());
            s.error(reason);
            Vec::new()
        }
        Response::Restored { notes, items } => on_restored(s, notes, items),
        Response::Retrying => {
            s.info("保存を再試行中（ほかの人の保存を待っています）");
            Vec::new()
        }
        Response::Failed(e) => {
            s.error(e);
            Vec::new()
        }
        Response::External(changes) => {
            let now = std::time::Instant::now();
            s.activity
                .recent
                .extend(changes.into_iter().map(|c| (c, now)));
            let keep = s.activity.recent.len().saturating_sub(50);
            s.activity.recent.drain(..keep);
            super::panes::refresh(s)
        }
    }
}

fn on_written(
    s: &mut AppState,
    op: WriteOp,
    result: Result<super::worker::WriteOk, String>,
) -> Requests {
    match result {
        Ok(ok) => {
            s.record_batch(ok.batch);
            match &op {
                WriteOp::CreateMeeting(_) => s.calendar.select_after_load = ok.created,
                WriteOp::UpdateMeeting { id, .. } => s.calendar.select_after_load = Some(*id),
                WriteOp::AddOpinion {
                    item,
                    text,
                    speaker,
                    ..
                } => {
                    let entry = (text.as_str(), speaker.clone());
                    let mut reqs = minutes::confirm_saved(s, *item, entry, ok.created);
                    s.info(op.label());
                    reqs.extend(super::panes::refresh(s));
                    return reqs;
                }
                WriteOp::AddItem { .. } => minutes::item_added(s),
                _ => {}
            }
            s.info(op.label());
            return super::panes::refresh(s);
        }
        Err(e) => {
            s.error(format!("保存できませんでした: {e}"));
            if let WriteOp::AddOpinion { text, .. } = &op {
                return minutes::save_failed(s, text);
            }
        }
    }
    Vec::new()
}

fn on_undone(s: &mut AppState, redo: bool, result: Result<Option<i64>, String>) -> Requests {
    match result {
        Ok(Some(batch)) => {
            if redo {
                s.undo_stack.push(batch);
                s.info("やり直しました");
            } else {
                s.redo_stack.push(batch);
                s.info("取り消しました（Ctrl-R でやり直し）");
            }
        }
        Ok(None) => s.info("変更はありませんでした"),
        Err(e) => s.error(e),
    }
    super::panes::refresh(s)
}

fn on_restored(s: &mut AppState, notes: Vec<String>, items: Vec<(String, i64)>) -> Requests {
    s.restored_items.extend(items);
    if let Some(first) = notes.first() {
        let more = notes.len() - 1;
        if more > 0 {
            s.info(format!("{first}（ほか {more} 件）"));
        } else {
            s.info(first.clone());
        }
    }
    Vec::new()
}
