//! The 進捗 (progress board) pane: reform items, policy initiatives and any
//! node with progress entries or milestones, period by period (表), grouped
//! by status (ボード), one item in full (詳細), and the 宿題 from the minutes.
//! State, requests to the database thread, keys. Drawing: `draw`; state: `state`.

mod cursor;
pub mod detail;
pub mod draw;
mod keys;
pub mod land;
mod more_keys;
pub mod state;
pub mod view;
pub mod write;

pub use crate::app::msg::progress::{Request, Response};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
pub use state::{Editing, Filter, State, View};

use super::Ctx;
use crate::app::action::Action as A;
use crate::app::keymap::{Binding, Scope};
use crate::app::msg::Requests;
use crate::app::state::AppState;
pub use land::land;
pub use state::{BoardColumn, Row};
pub use write::Write;

/// A progress-pane binding.
const fn b(
    code: KeyCode,
    mods: KeyModifiers,
    action: crate::app::action::Action,
    help: &'static str,
    hint: Option<&'static str>,
) -> Binding {
    crate::app::keymap::binding(Scope::Progress, code, mods, action, help, hint)
}

const N: KeyModifiers = KeyModifiers::NONE;
const SH: KeyModifiers = KeyModifiers::SHIFT;
use KeyCode::{Backspace, Char, Down, End, Enter, Esc, Home, Left, PageDown, PageUp, Right, Up};

/// This pane's keys (scope `Scope::Progress`), shown in help and hints.
pub const BINDINGS: &[Binding] = &[
    b(
        Char('v'),
        N,
        A::ProgressView,
        "表示の切り替え（表・ボード・宿題）",
        Some("表示"),
    ),
    b(
        Enter,
        N,
        A::ProgressOpen,
        "詳細を開く／詳細では項目を編集",
        Some("詳細"),
    ),
    b(Esc, N, A::ProgressBack, "詳細から戻る", None),
    b(Up, N, A::ProgressUp, "上へ（詳細: 前の欄）", None),
    b(Char('k'), N, A::ProgressUp, "上へ（詳細: 前の欄）", None),
    b(Down, N, A::ProgressDown, "下へ（詳細: 次の欄）", None),
    b(Char('j'), N, A::ProgressDown, "下へ（詳細: 次の欄）", None),
    b(Left, N, A::ProgressLeft, "前の期（ボード: 左の列）", None),
    b(
        Char('h'),
        N,
        A::ProgressLeft,
        "前の期（ボード: 左の列）",
        None,
    ),
    b(Right, N, A::ProgressRight, "次の期（ボード: 右の列）", None),
    b(
        Char('l'),
        N,
        A::ProgressRight,
        "次の期（ボード: 右の列）",
        None,
    ),
    b(
        PageUp,
        N,
        A::ProgressPageUp,
        "10行上へ（詳細: 前の項目）",
        None,
    ),
    b(
        PageDown,
        N,
        A::ProgressPageDown,
        "10行下へ（詳細: 次の項目）",
        None,
    ),
    b(Home, N, A::ProgressFirst, "最初へ", None),
    b(End, N, A::ProgressLast, "最後へ", None),
    b(Char('<'), N, A::ProgressPrevPeriod, "前の期", None),
    b(Char('>'), N, A::ProgressNextPeriod, "次の期", None),
    b(
        Char('s'),
        N,
        A::ProgressNextStatus,
        "状況を次へ（ボード: 右の状況へ移す）",
        Some("状況"),
    ),
    b(
        Char('S'),
        SH,
        A::ProgressPrevStatus,
        "状況を前へ（ボード: 左の状況へ移す）",
        None,
    ),
    b(
        Char('T'),
        SH,
        A::ProgressHistory,
        "年表（日付のある記録を古い順に、全文で）",
        Some("年表"),
    ),
    b(Char('g'), N, A::ProgressFirst, "最初へ", None),
    b(Char('G'), SH, A::ProgressLast, "最後へ", None),
    b(
        Char('r'),
        N,
        A::ProgressNextGrade,
        "年度評価を次へ（A、B、C、なしの順）",
        Some("評価"),
    ),
    b(Char('R'), SH, A::ProgressPrevGrade, "年度評価を前へ", None),
    b(Char('e'), N, A::ProgressEdit, "編集（詳細の欄）", None),
    b(
        Char(' '),
        N,
        A::ProgressToggleDone,
        "マイルストーンの完了／宿題の完了を切り替え",
        None,
    ),
    b(
        Char('a'),
        N,
        A::ProgressAddMilestone,
        "マイルストーンを追加",
        None,
    ),
    b(Char('i'), N, A::ProgressAddIndicator, "指標を追加", None),
    b(
        Char('x'),
        N,
        A::ProgressDelete,
        "マイルストーン・指標を削除",
        None,
    ),
    b(
        Char('c'),
        N,
        A::ProgressCloseAction,
        "宿題を完了にする／未完了に戻す",
        None,
    ),
    b(
        Char('w'),
        N,
        A::ProgressEra,
        "和暦（H25上）と西暦（FY2013 H1）の切り替え",
        None,
    ),
    b(
        Char('f'),
        N,
        A::ProgressFilterText,
        "項目名で絞り込み（あいまい検索）",
        Some("絞込"),
    ),
    b(
        Char('p'),
        N,
        A::ProgressFilterPlan,
        "計画で絞り込み（押すたびに次の計画）",
        None,
    ),
    b(Char('y'), N, A::ProgressFilterYear, "年度で絞り込み", None),
    b(
        Char('d'),
        N,
        A::ProgressFilterDepartment,
        "担当課で絞り込み",
        None,
    ),
    b(
        Char('t'),
        N,
        A::ProgressFilterStatus,
        "状況で絞り込み",
        None,
    ),
    b(
        Char('o'),
        N,
        A::ProgressFilterOverdue,
        "期限切れだけ（宿題・マイルストーン）",
        None,
    ),
    b(
        Backspace,
        N,
        A::ProgressClearFilters,
        "絞り込みをすべて解除",
        None,
    ),
];

fn send(ctx: &Ctx, r: Response) {
    ctx.send(super::PaneResponse::Progress(r));
}

pub fn handle(ctx: &mut Ctx, req: Request) {
    match req {
        Request::Load => match ctx.store.progress_board() {
            Ok(d) => send(ctx, Response::Loaded(Box::new(d))),
            Err(e) => send(ctx, Response::Failed(e.to_string())),
        },
        Request::Write(w) => {
            let applied = w.apply(ctx.store);
            let resave = || crate::app::msg::Resave::Progress(w.clone());
            let Some(applied) = crate::app::msg::catch(ctx.out, applied, resave) else {
                // The shared prompt asks; the board shows their version.
                handle(ctx, Request::Load);
                return;
            };
            let result = applied
                .map(|_| ctx.store.last_batch())
                .map_err(|e| e.to_string());
            send(
                ctx,
                Response::Written {
                    message: w.done_message(),
                    result,
                },
            );
        }
    }
}

pub fn on_response(s: &mut AppState, r: Response) -> Requests {
    match r {
        Response::Loaded(d) => {
            s.progress.loaded = true;
            s.progress.data = Some(*d);
            view::rebuild(&mut s.progress, s.calendar.today);
            land::apply(&mut s.progress, s.calendar.today);
            // An open editor keeps the version it was opened from: a
            // colleague's save meanwhile is asked about, never overwritten.
            Vec::new()
        }
        Response::Failed(e) => {
            s.error(format!("進捗を読み込めません: {e}"));
            Vec::new()
        }
        Response::Written { message, result } => match result {
            Ok(batch) => {
                s.progress.saving = None;
                s.record_batch(batch);
                s.info(message);
                super::refresh(s)
            }
            Err(e) => {
                let kept = s.progress.saving.take();
                let hint = if kept.is_some() {
                    "（入力は残しています。Enter でもう一度保存、Esc でやめる）"
                } else {
                    ""
                };
                s.progress.editing = kept.or(s.progress.editing.take());
                s.error(format!("保存できませんでした: {e}{hint}"));
                refresh(s)
            }
        },
    }
}

pub fn on_enter(s: &mut AppState) -> Requests {
    if s.progress.loaded {
        return Vec::new();
    }
    vec![load()]
}

fn load() -> crate::app::msg::Request {
    super::request(super::PaneRequest::Progress(Request::Load))
}

pub(crate) fn write(w: Write) -> crate::app::msg::Request {
    super::request(super::PaneRequest::Progress(Request::Write(w)))
}

pub fn on_key(s: &mut AppState, key: &KeyEvent) -> Option<Requests> {
    keys::on_key(s, key)
}

/// A bracketed paste while this pane edits a field or its filter.
pub fn on_paste(s: &mut AppState, text: &str) -> Option<Requests> {
    keys::on_paste(s, text)
}

pub fn refresh(s: &mut AppState) -> Requests {
    if s.progress.loaded {
        s.progress.loaded = false;
        return on_enter(s);
    }
    Vec::new()
}
