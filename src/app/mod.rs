//! The full-screen app: event → action → state → draw, one way.
//!
//! Three threads: terminal input, the database worker, and this loop, which
//! owns the state. It drains every queued message before drawing once, so a
//! burst (an IME committing several characters, a paste, a reload) costs
//! one frame; it draws only when something changed.

pub mod action;
pub mod bindings;
pub mod clipboard;
pub mod conflict;
pub mod frame;
mod input;
pub mod keymap;
pub mod mouse;
pub mod msg;
pub mod panes;
pub mod prompt;
pub mod recovery;
mod safekeep;
pub mod settings;
pub mod state;
pub mod update;
pub mod worker;

use std::io::{self, Write};
use std::process::ExitCode;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture, Event,
};
use crossterm::execute;
use crossterm::terminal::{
    self, BeginSynchronizedUpdate, EndSynchronizedUpdate, EnterAlternateScreen,
    LeaveAlternateScreen,
};
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;

use crate::db::Store;
use crate::ui::sgr16::Sgr16;
use crate::ui::Theme;

/// The terminal the app draws on: crossterm through [`Sgr16`], so the 16
/// colours leave as SGR 30–37/90–97 (see `ui::sgr16`).
type Term = Terminal<CrosstermBackend<Sgr16<io::Stdout>>>;
use msg::{Request, Response};
use state::AppState;

enum Msg {
    Term(Event),
    Db(Response),
    /// SIGHUP or SIGTERM: the SSH session dropped or someone stops us;
    /// or the terminal is gone.
    HangUp,
    /// The database thread has stopped (every response before it is in).
    WorkerDone,
}

/// After a hang-up: how long the database may still be waited for, and
/// how long everything may take before the process goes (the recovery
/// file has the text meanwhile).
const HANGUP_DB_WAIT: Duration = Duration::from_millis(700);
const HANGUP_LIMIT: Duration = Duration::from_millis(1_300);
/// How long a frame for the database's answers waits for more of them
/// (a colleague's save comes as a burst of messages; a key never waits).
const COALESCE: Duration = Duration::from_millis(50);
/// Input this recent: frames are drawn at once (the user waits for them).
const TYPING: Duration = Duration::from_secs(1);
/// A key that changed the search query: its frame waits this long for the
/// query's answer, so the key and its results are one frame (the key's own
/// echo would otherwise be drawn first and the answer, arriving meanwhile,
/// wait for it). An answer later than this finds the echo drawn.
const ECHO_WAIT: Duration = Duration::from_millis(16);
/// The same after q: the user is there to see a message.
const QUIT_DB_WAIT: Duration = Duration::from_secs(3);
const QUIT_LIMIT: Duration = Duration::from_secs(4);

/// Puts the terminal back however we leave: normal exit, error or panic.
struct TerminalGuard;

impl TerminalGuard {
    /// Raw mode, the alternate screen, bracketed paste and, when `mouse`
    /// (`[ui] mouse`), the terminal's mouse reports.
    fn enter(mouse: bool) -> io::Result<Self> {
        terminal::enable_raw_mode()?;
        execute!(io::stdout(), EnterAlternateScreen, EnableBracketedPaste)?;
        if mouse {
            execute!(io::stdout(), EnableMouseCapture)?;
        }
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
        }));
        Ok(TerminalGuard)
    }
}

fn restore() {
    // Best effort: there is nowhere left to report a failure to.
    // Mouse reports off whether or not they were on: a terminal left
    // reporting would type escape sequences into the shell.
    let _ = execute!(
        io::stdout(),
        DisableMouseCapture,
        DisableBracketedPaste,
        LeaveAlternateScreen
    );
    let _ = terminal::disable_raw_mode();
    let _ = execute!(io::stdout(), crossterm::cursor::Show);
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

/// Why the full-screen app cannot run here, if it cannot.
pub fn terminal_problem() -> Option<String> {
    use std::io::IsTerminal;
    if !io::stdin().is_terminal() || !io::stdout().is_terminal() {
        return Some(
            "画面を開けません: 標準入力か標準出力が端末ではありません。\
             スクリプトからは kusei export や kusei search などのサブコマンドを使ってください"
                .into(),
        );
    }
    match std::env::var("TERM").as_deref() {
        Ok("dumb") | Ok("") | Err(_) => Some(
            "画面を開けません: TERM が dumb か未設定です。TERM=xterm-256color などの端末で起動してください"
                .into(),
        ),
        _ => None,
    }
}

/// Open the full-screen app on `store` with the configuration `settings`
/// (see [`settings::load`]): its keymap is installed for the process,
/// its theme, glyphs, date style and draft interval used, and its warnings
/// shown in the status line.
pub fn run(store: Store, settings: settings::Settings) -> anyhow::Result<ExitCode> {
    if let Some(problem) = terminal_problem() {
        anyhow::bail!(problem);
    }
    crate::search::resident::tune_allocator();
    let mouse = settings.config.mouse;
    let (mut state, theme, draft_interval) = initial_state(&store, settings);

    let (rx, req_tx, mut keeper) = start_threads(store, draft_interval)?;
    // Text the database has not confirmed after two draft intervals goes
    // to the recovery file.
    let grace = draft_interval * 2;

    let guard = TerminalGuard::enter(mouse)?;
    let mut terminal = Terminal::new(CrosstermBackend::new(Sgr16::new(io::stdout())))?;
    let send = |reqs: Vec<Request>| {
        for r in reqs {
            // The worker only stops when we drop the sender.
            let _ = req_tx.send(r);
        }
    };
    send(vec![Request::LoadYear {
        fiscal_year: None,
        select: None,
    }]);
    let mut dirty = true;
    let mut hits = mouse::HitMap::default();
    let mut hung_up = false;
    let mut due: Option<Instant> = None;
    let mut last_input = Instant::now();
    while !state.quit {
        if dirty {
            if state.search.open {
                crate::keytrace::mark("frame", state.search.shown_seq);
            }
            let drawn = draw(&mut terminal, &state, &theme);
            if state.search.open {
                crate::keytrace::mark("drawn", state.search.shown_seq);
                if let Some(d) = &state.search.direct {
                    d.drawn(state.search.shown_seq);
                }
            }
            // Clicks map through what this frame drew.
            hits = mouse::take();
            if drawn.is_err() {
                // The terminal is gone (writes fail once it is hung up):
                // leave as after a hang-up, keeping what was typed.
                hung_up = true;
                break;
            }
            dirty = false;
            dirty |= run_effects(&mut terminal, &mut state);
        }
        let first = match rx.recv_timeout(wake_after(&state, due)) {
            Ok(m) => m,
            Err(RecvTimeoutError::Timeout) => {
                due = keeper.tend(&state, grace);
                dirty = true;
                continue;
            }
            Err(RecvTimeoutError::Disconnected) => break,
        };
        let taken = take_burst(&rx, first, &mut state, &hits, &send, &mut last_input, dirty);
        dirty = taken.dirty;
        hung_up |= taken.hung_up;
        due = keeper.tend(&state, grace);
    }
    let (db_wait, limit) = if hung_up {
        (HANGUP_DB_WAIT, HANGUP_LIMIT)
    } else {
        (QUIT_DB_WAIT, QUIT_LIMIT)
    };
    leave(&mut state, keeper, (rx, req_tx), db_wait, limit);
    drop(guard);
    Ok(ExitCode::SUCCESS)
}

/// What one wake of the loop took in: whether the screen must be drawn
/// again, and whether the terminal hung up.
struct Taken {
    dirty: bool,
    hung_up: bool,
}

/// Take `first` and every message already waiting, answering each; send
/// the requests they raise. `dirty`: a frame is already due.
fn take_burst(
    rx: &mpsc::Receiver<Msg>,
    first: Msg,
    state: &mut AppState,
    hits: &mouse::HitMap,
    send: &impl Fn(Vec<Request>),
    last_input: &mut Instant,
    mut dirty: bool,
) -> Taken {
    let mut hung_up = false;
    let mut next = Some(first);
    // Only the database's answers so far: the frame may wait a little
    // for the rest of a burst (one colleague's save brings the meeting,
    // the year, the change sets and the search's answer, each a
    // message); a key or a resize draws at once.
    // Not while the user is at the keys: the answer to a keystroke or
    // the preview for ↓ comes from the database thread too.
    let mut db_only = last_input.elapsed() >= TYPING;
    let mut linger: Option<Instant> = None;
    loop {
        while let Some(msg) = next.take().or_else(|| rx.try_recv().ok()) {
            hung_up |= matches!(msg, Msg::HangUp);
            if matches!(msg, Msg::Term(_)) {
                *last_input = Instant::now();
            }
            db_only &= matches!(msg, Msg::Db(_));
            let Some(reqs) = on_msg(state, hits, msg) else {
                continue;
            };
            send(reqs);
            dirty = true;
            if state.quit {
                break;
            }
        }
        if !dirty || state.quit {
            break;
        }
        let until = if db_only {
            *linger.get_or_insert_with(|| Instant::now() + COALESCE)
        } else if awaits_answer(state) {
            // From the first key of the wait: keys typed faster than this
            // do not put the frame off again.
            *linger.get_or_insert_with(|| *last_input + ECHO_WAIT)
        } else {
            break;
        };
        match rx.recv_timeout(until.saturating_duration_since(Instant::now())) {
            Ok(m) => next = Some(m),
            // A closed channel is noticed by the next wait.
            Err(_) => break,
        }
    }
    Taken { dirty, hung_up }
}

/// The search overlay has sent a query its answer has not come for yet,
/// and the index is ready to answer it.
fn awaits_answer(state: &AppState) -> bool {
    let st = &state.search;
    st.open
        && st.seq != st.shown_seq
        && matches!(st.index, panes::search::IndexStatus::Ready { .. })
}

/// How long the loop may sleep: wake once a second while "N秒前" is on
/// screen, and when unsaved text is due for the recovery file.
fn wake_after(state: &AppState, due: Option<Instant>) -> Duration {
    let mut timeout = if frame::activity_visible(state) {
        Duration::from_secs(1)
    } else {
        Duration::from_secs(3600)
    };
    if let Some(at) = due {
        timeout = timeout.min(at.saturating_duration_since(Instant::now()));
    }
    timeout
}

/// The state at start, with the settings applied and the keymap installed;
/// the theme and the draft interval for the loop.
fn initial_state(store: &Store, settings: settings::Settings) -> (AppState, Theme, Duration) {
    let today = chrono::Local::now().date_naive();
    let mut state = AppState::new(db_label(store), store.user().to_string(), today);
    {
        use panes::search::history::{default_path, History};
        state.search.history = History::load(default_path());
    }
    state.read_only = store.read_only_reason().map(str::to_owned);
    state.calendar.loading = true;
    let settings::Settings {
        config,
        keymap,
        theme,
        warnings,
        ..
    } = settings;
    bindings::register();
    // Only the first install counts; run is called once per process.
    let _ = keymap::install(keymap);
    apply_settings(&mut state, &config, &warnings);
    // Say at once why nothing can be saved (a read-only file or mount, a
    // damaged file, --read-only), not only at the first save.
    if let Some(reason) = state.read_only.clone() {
        state.error(reason);
    }
    let draft_interval = config.draft_interval;
    (state, theme, draft_interval)
}

/// What one message does to the state (None: nothing to redraw).
fn on_msg(state: &mut AppState, hits: &mouse::HitMap, msg: Msg) -> Option<Vec<Request>> {
    Some(match msg {
        // Moves and releases change nothing (no redraw for them).
        Msg::Term(Event::Mouse(m)) if !mouse::acts(&m) => return None,
        Msg::Term(Event::Mouse(m)) => mouse::on_mouse(state, hits, m),
        Msg::Term(Event::Key(k)) => {
            debug_panic_hook(&k);
            update::on_key(state, k)
        }
        Msg::Term(Event::Paste(p)) => update::on_paste(state, &p),
        Msg::Term(Event::Resize(..)) => Vec::new(),
        Msg::Term(_) | Msg::WorkerDone => return None,
        Msg::HangUp => {
            state.quit = true;
            Vec::new()
        }
        Msg::Db(r) => match update::take_response(state, r) {
            (reqs, false) if reqs.is_empty() => return None,
            (reqs, _) => reqs,
        },
    })
}

/// The threads around the screen: the database worker (and the thread
/// forwarding its answers), signals, and terminal input; and the keeper of
/// the recovery file.
fn start_threads(
    store: Store,
    draft_interval: Duration,
) -> anyhow::Result<(mpsc::Receiver<Msg>, mpsc::Sender<Request>, safekeep::Keeper)> {
    let (tx, rx) = mpsc::channel::<Msg>();
    let (req_tx, req_rx) = mpsc::channel::<Request>();
    let (resp_tx, resp_rx) = mpsc::channel::<Response>();
    // realpath only (no open): the recovery file names the database.
    let db_abs = std::fs::canonicalize(store.path()).unwrap_or_else(|_| store.path().into());
    let state_dir = recovery::state_dir();
    let keeper = safekeep::Keeper::start(
        state_dir.clone(),
        recovery::Snapshot::new(&db_abs, store.session(), store.user()),
    );
    let restore = state_dir.map(|d| (d, db_abs));
    named("kusei-db", move || {
        worker::run(store, req_rx, resp_tx, draft_interval, restore)
    })?;
    let fwd = tx.clone();
    named("kusei-db-answers", move || {
        for r in resp_rx {
            if fwd.send(Msg::Db(r)).is_err() {
                return;
            }
        }
        let _ = fwd.send(Msg::WorkerDone);
    })?;
    let sig = tx.clone();
    let mut signals = signal_hook::iterator::Signals::new([
        signal_hook::consts::SIGHUP,
        signal_hook::consts::SIGTERM,
    ])?;
    named("kusei-signals", move || {
        if signals.forever().next().is_some() {
            let _ = sig.send(Msg::HangUp);
        }
    })?;
    // Never spins on a dead terminal: a hang-up, end of file or read
    // errors end the input thread with a HangUp.
    named("kusei-input", move || {
        input::run(|i| {
            let msg = match i {
                input::Input::Event(ev) => Msg::Term(ev),
                input::Input::Gone => Msg::HangUp,
            };
            tx.send(msg).is_ok()
        })
    })?;
    Ok((rx, req_tx, keeper))
}

/// A thread with a name of its own, so `/proc/<pid>/task/*/stat` (and
/// `top -H`, `perf`) attribute its CPU to it.
fn named<T: Send + 'static>(
    name: &str,
    f: impl FnOnce() -> T + Send + 'static,
) -> std::io::Result<std::thread::JoinHandle<T>> {
    std::thread::Builder::new().name(name.into()).spawn(f)
}

/// Leave within `limit` whatever other processes hold: whatever is not
/// confirmed in the database goes to the recovery file at once; the
/// database thread may wait for locks until `db_wait`, writes the last
/// draft if it can, and the recovery file is removed if it did.
fn leave(
    state: &mut AppState,
    mut keeper: safekeep::Keeper,
    (rx, req_tx): (mpsc::Receiver<Msg>, mpsc::Sender<Request>),
    db_wait: Duration,
    limit: Duration,
) {
    let end = Instant::now() + limit;
    keeper.tend(state, Duration::ZERO);
    crate::db::give_up_waiting_after(db_wait);
    // The worker writes the last draft and stops when the channel closes.
    drop(req_tx);
    loop {
        match rx.recv_timeout(end.saturating_duration_since(Instant::now())) {
            Ok(Msg::Db(r)) => {
                // Too late to send anything: only learn what was saved.
                let _ = update::on_response(state, r);
            }
            Ok(Msg::WorkerDone) | Err(_) => break,
            Ok(_) => {}
        }
    }
    keeper.tend(state, Duration::ZERO);
    keeper.finish(Duration::from_millis(500));
}

/// The state a configuration sets at start: the date style (the progress
/// board's 和暦/西暦 toggle starts from it) and, if the config had
/// problems, a status-line message saying where.
pub fn apply_settings(
    state: &mut AppState,
    config: &crate::config::Config,
    warnings: &[crate::config::Warning],
) {
    state.dates = config.dates;
    state.progress.western = config.dates == crate::config::dates::DateStyle::Seireki;
    if let Some(first) = warnings.first() {
        // The file's name alone: the status line is narrow.
        let mut short = first.clone();
        if let Some(name) = std::path::Path::new(&first.file).file_name() {
            short.file = name.to_string_lossy().into_owned();
        }
        state.error(format!(
            "設定の注意 {} 件（kusei config --check）: {short}",
            warnings.len()
        ));
    }
}

fn draw(terminal: &mut Term, state: &AppState, theme: &Theme) -> io::Result<()> {
    execute!(io::stdout(), BeginSynchronizedUpdate)?;
    terminal.draw(|f| frame::draw(f, state, theme))?;
    execute!(io::stdout(), EndSynchronizedUpdate)?;
    io::stdout().flush()
}

/// Carries out what the update queued (the clipboard) through the
/// terminal; true when a failure put a message on screen.
fn run_effects(terminal: &mut Term, state: &mut AppState) -> bool {
    let wrap = clipboard::Wrap::from_env();
    let mut failed = false;
    for effect in std::mem::take(&mut state.effects) {
        if let Err(e) = clipboard::run(&effect, wrap, terminal.backend_mut()) {
            state.error(format!("クリップボードに送れません: {e}"));
            failed = true;
        }
    }
    failed
}

/// Debug builds only: `KUSEI_DEBUG_PANIC_KEY=x` makes the key `x` panic,
/// so the end-to-end tests can prove the terminal is restored after a
/// panic. Release builds have no such key.
fn debug_panic_hook(key: &crossterm::event::KeyEvent) {
    if cfg!(debug_assertions) {
        if let (Ok(k), crossterm::event::KeyCode::Char(c)) =
            (std::env::var("KUSEI_DEBUG_PANIC_KEY"), key.code)
        {
            if k.starts_with(c) {
                panic!("KUSEI_DEBUG_PANIC_KEY: a deliberate panic for the tests");
            }
        }
    }
}

fn db_label(store: &Store) -> String {
    let p = store.path().display().to_string();
    match std::env::var("HOME") {
        Ok(home) if !home.is_empty() && p.starts_with(&home) => format!("~{}", &p[home.len()..]),
        _ => p,
    }
}
