//! Importing a file from the app (issue 18): `I` anywhere (not while
//! typing) opens a prompt for the path (Tab completes, `~` is the home
//! folder); the database thread reads it with the command's reader and
//! answers with the same report `kusei import --dry-run` prints, shown as a
//! scrollable preview. Enter (or `y`) imports it in one transaction,
//! audited like the command's; Esc cancels and nothing is written. A file
//! with errors offers no import; one cut off before its end offers `p`,
//! the `--partial` import up to its last complete section. After the
//! import the calendar or the policy tab shows what came in.

pub mod draw;
mod path;
mod preview;
pub mod state;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

pub use crate::app::msg::import::{Request, Response};
pub use state::{Outcome, Overlay, Preview, State, Tone};

use super::Ctx;
use crate::app::action::Action;
use crate::app::keymap::{self, Binding, Scope};
use crate::app::msg::{Request as WorkerRequest, Requests};
use crate::app::state::{AppState, Tab};
use crate::db::landing::Landing;
use crate::widget::text_input::{InputOutcome, TextInput};

const fn b(scope: Scope, code: KeyCode, action: Action, help: &'static str) -> Binding {
    Binding {
        scope,
        code,
        mods: KeyModifiers::NONE,
        action,
        help,
        hint: None,
    }
}

pub const BINDINGS: &[Binding] = &[
    Binding {
        scope: Scope::Global,
        code: KeyCode::Char('I'),
        mods: KeyModifiers::SHIFT,
        action: Action::ImportFile,
        help: "ファイルを読み込む（下見）",
        hint: None,
    },
    b(Scope::Import, KeyCode::Enter, Action::Accept, "読み込む"),
    b(
        Scope::Import,
        KeyCode::Char('y'),
        Action::Accept,
        "読み込む",
    ),
    b(
        Scope::Import,
        KeyCode::Char('p'),
        Action::ImportPartial,
        "揃っている所まで読み込む",
    ),
    b(Scope::Import, KeyCode::Esc, Action::Cancel, "やめる"),
    b(
        Scope::Import,
        KeyCode::Tab,
        Action::ImportComplete,
        "パスを補完",
    ),
    b(Scope::Import, KeyCode::Down, Action::PickNext, "下へ"),
    b(Scope::Import, KeyCode::Char('j'), Action::PickNext, "下へ"),
    b(Scope::Import, KeyCode::Up, Action::PickPrev, "上へ"),
    b(Scope::Import, KeyCode::Char('k'), Action::PickPrev, "上へ"),
    b(
        Scope::Import,
        KeyCode::PageDown,
        Action::PickPageDown,
        "次のページ",
    ),
    b(
        Scope::Import,
        KeyCode::PageUp,
        Action::PickPageUp,
        "前のページ",
    ),
];

/// Names shown under the path when Tab finds several.
const CANDIDATES: usize = 8;

/// Lines PgUp/PgDn move the preview's selection by.
const PAGE: usize = 10;

pub fn handle(ctx: &mut Ctx, req: Request) {
    let send = |ctx: &Ctx, r| ctx.send(super::PaneResponse::Import(r));
    match req {
        Request::Read(path) => {
            let p = preview::read(&path, ctx.store.path());
            send(ctx, Response::Read(Box::new(p)));
        }
        Request::Import { file, data } => {
            let result = ctx.store.import(&data).and_then(|r| {
                let batch = ctx.store.last_batch();
                Ok((r.summary_ja(), batch, ctx.store.landing(&data)?))
            });
            let result = result.map_err(|e| e.to_string());
            send(ctx, Response::Imported { file, result });
        }
    }
}

pub fn on_response(s: &mut AppState, r: Response) -> Requests {
    match r {
        Response::Read(p) => {
            // Cancelled (or another file asked for) since: not shown.
            if matches!(&s.import.overlay, Some(Overlay::Reading { file }) if *file == p.file) {
                s.import.overlay = Some(Overlay::Preview {
                    preview: p,
                    cursor: 0,
                });
            }
            Vec::new()
        }
        Response::Imported { file, result } => {
            s.import.overlay = None;
            match result {
                Ok((summary, batch, landing)) => {
                    s.record_batch(batch);
                    let name = std::path::Path::new(&file)
                        .file_name()
                        .map_or_else(|| file.clone(), |n| n.to_string_lossy().into_owned());
                    s.info(format!("{summary}（{name}）"));
                    land(s, landing)
                }
                Err(e) => {
                    s.error(format!(
                        "読み込めませんでした（何も書き込んでいません）: {e}"
                    ));
                    Vec::new()
                }
            }
        }
    }
}

/// Show what was imported: the meeting in the calendar, the plan in the
/// policy tab. The other panes reload as after any change.
fn land(s: &mut AppState, landing: Landing) -> Requests {
    let mut reqs = super::refresh(s);
    match landing {
        Landing::Meeting { id, fiscal_year } => {
            s.tab = Tab::Meetings;
            reqs.push(WorkerRequest::LoadYear {
                fiscal_year: Some(fiscal_year),
                select: Some(id),
            });
        }
        Landing::Plan { id, first_node } => {
            s.tab = Tab::Policy;
            s.policy.open_plans.insert(id);
            s.policy.select_after_load = first_node;
            if !s.policy.loaded {
                reqs.extend(super::policy::on_enter(s));
            }
        }
        Landing::Nothing => {}
    }
    reqs
}

/// `I`: the path prompt.
pub fn open(s: &mut AppState) -> Requests {
    s.import.overlay = Some(Overlay::Path {
        input: TextInput::new()
            .with_placeholder("読み込むファイルのパス（Tab で補完、~ はホーム）"),
        candidates: Vec::new(),
    });
    Vec::new()
}

/// A key while the overlay is open; None when it is not.
pub fn on_key(s: &mut AppState, key: &KeyEvent) -> Option<Requests> {
    let overlay = s.import.overlay.as_mut()?;
    let action = keymap::lookup(Scope::Import, key);
    let typed = matches!(key.code, KeyCode::Char(_))
        && !key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
    let reqs = match overlay {
        Overlay::Path { input, candidates } => match action.filter(|_| !typed) {
            Some(Action::Cancel) => close(s, "読み込みをやめました"),
            Some(Action::Accept) => read(s),
            Some(Action::ImportComplete) => {
                let (text, shown) = path::complete(input.text(), CANDIDATES);
                input.set_text(&text);
                *candidates = shown;
                Vec::new()
            }
            _ => {
                if input.handle_key(key) == InputOutcome::Error {
                    if let Some(e) = input.take_error() {
                        s.error(e.to_string());
                    }
                }
                Vec::new()
            }
        },
        Overlay::Reading { .. } if action == Some(Action::Cancel) => {
            close(s, "読み込みをやめました。何も書き込んでいません")
        }
        Overlay::Reading { .. } | Overlay::Writing { .. } => Vec::new(),
        Overlay::Preview { .. } => preview_key(s, action),
    };
    Some(reqs)
}

fn preview_key(s: &mut AppState, action: Option<Action>) -> Requests {
    let Some(Overlay::Preview { preview, cursor }) = s.import.overlay.as_mut() else {
        return Vec::new();
    };
    let last = preview.lines.len().saturating_sub(1);
    match action {
        Some(Action::PickNext) => *cursor = (*cursor + 1).min(last),
        Some(Action::PickPrev) => *cursor = cursor.saturating_sub(1),
        Some(Action::PickPageDown) => *cursor = (*cursor + PAGE).min(last),
        Some(Action::PickPageUp) => *cursor = cursor.saturating_sub(PAGE),
        Some(Action::Cancel) => return close(s, "読み込みをやめました。何も書き込んでいません"),
        Some(a @ (Action::Accept | Action::ImportPartial)) => {
            let partial = a == Action::ImportPartial;
            let Some(data) = preview.importable(partial).cloned() else {
                let why = match (&preview.outcome, partial) {
                    (Outcome::Cut(_), false) => {
                        "ファイルが途中で切れています。揃っている所までなら p で読み込めます"
                    }
                    (Outcome::Ready(_), true) => {
                        "ファイルは最後まで揃っています。Enter で読み込みます"
                    }
                    _ => "エラーがあるため読み込めません（Esc で閉じる）",
                };
                s.error(why);
                return Vec::new();
            };
            let file = preview.file.clone();
            s.import.overlay = Some(Overlay::Writing { file: file.clone() });
            let data = Box::new(data);
            return vec![super::request(super::PaneRequest::Import(
                Request::Import { file, data },
            ))];
        }
        _ => {}
    }
    Vec::new()
}

fn close(s: &mut AppState, message: &str) -> Requests {
    s.import.overlay = None;
    s.info(message);
    Vec::new()
}

/// Enter on the path: read the file on the database thread.
fn read(s: &mut AppState) -> Requests {
    let Some(Overlay::Path { input, .. }) = &s.import.overlay else {
        return Vec::new();
    };
    let typed = input.text().trim().to_string();
    if typed.is_empty() {
        s.error("ファイルのパスを入力してください");
        return Vec::new();
    }
    let path = path::expand(&typed);
    s.import.overlay = Some(Overlay::Reading {
        file: path.display().to_string(),
    });
    vec![super::request(super::PaneRequest::Import(Request::Read(
        path,
    )))]
}

/// A paste into the path prompt.
pub fn on_paste(s: &mut AppState, text: &str) -> bool {
    let Some(Overlay::Path { input, .. }) = s.import.overlay.as_mut() else {
        return s.import.overlay.is_some();
    };
    let one_line = text.lines().next().unwrap_or_default().trim();
    if let Err(e) = input.paste(one_line) {
        s.error(e.to_string());
    }
    true
}
