//! The search overlay (`/` from anywhere; Ctrl-F while typing minutes): the
//! query line, results that follow every keystroke, a preview of the
//! selected result in its meeting, Enter to jump there. Also the "related"
//! agenda items under a meeting's detail in the calendar.
//!
//! The index lives on a thread of its own (`search::service`), started with
//! the app, so a keystroke never waits for it; previews and related items
//! are small reads answered here on the database thread.

pub mod draw;
pub mod history;
pub mod state;
pub use crate::app::msg::search::{Request, Response};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
pub use state::{IndexStatus, State};

use super::calendar::land::Landed;
use super::{Ctx, PaneRequest, PaneResponse};
use crate::app::action::Action;
use crate::app::keymap::{self, Binding, Scope};
use crate::app::msg::Requests;
use crate::app::msg::{self as worker, Response as WorkerResponse};
use crate::app::state::{AppState, Mode, Tab};
use crate::search::related::related_for_meeting;
use crate::search::resolve::{context, ResultRow};
use crate::search::service::{self, Event};
use crate::search::{load, Index};
use crate::widget::text_input::InputOutcome;

use crate::app::keymap::binding as bind;

const N: KeyModifiers = KeyModifiers::NONE;
const C: KeyModifiers = KeyModifiers::CONTROL;

/// This pane's keys, shown in help and hints.
pub const BINDINGS: &[Binding] = &[
    bind(
        Scope::Global,
        KeyCode::Char('/'),
        N,
        Action::Search,
        "検索（意見・議題・運営方針）",
        Some("検索"),
    ),
    bind(
        Scope::MinutesInput,
        KeyCode::Char('f'),
        C,
        Action::Search,
        "検索（入力中の文はそのまま）",
        None,
    ),
    bind(
        Scope::Search,
        KeyCode::Enter,
        N,
        Action::Accept,
        "選んだ結果の会議へ移動",
        Some("移動"),
    ),
    bind(
        Scope::Search,
        KeyCode::Esc,
        N,
        Action::Cancel,
        "検索を閉じる",
        Some("閉じる"),
    ),
    bind(
        Scope::Search,
        KeyCode::Up,
        N,
        Action::PickPrev,
        "前の結果",
        None,
    ),
    bind(
        Scope::Search,
        KeyCode::Char('p'),
        C,
        Action::PickPrev,
        "前の結果",
        None,
    ),
    bind(
        Scope::Search,
        KeyCode::Down,
        N,
        Action::PickNext,
        "次の結果",
        Some("選択"),
    ),
    bind(
        Scope::Search,
        KeyCode::Char('n'),
        C,
        Action::PickNext,
        "次の結果",
        None,
    ),
    bind(
        Scope::Search,
        KeyCode::Char('r'),
        C,
        Action::HistoryOlder,
        "前に検索した語（さかのぼる。↑は最初の結果で）",
        Some("履歴"),
    ),
    bind(
        Scope::Search,
        KeyCode::PageUp,
        N,
        Action::PickPageUp,
        "前のページ",
        None,
    ),
    bind(
        Scope::Search,
        KeyCode::PageDown,
        N,
        Action::PickPageDown,
        "次のページ",
        None,
    ),
];

/// Results asked for per query (the list scrolls through these).
pub const LIMIT: usize = 200;
/// Rows moved by PgUp / PgDn.
const PAGE: usize = 10;
/// Related items per agenda item of a meeting.
const RELATED_PER_ITEM: usize = 6;

/// The search index and its thread, kept on the database thread, and the
/// small titles index for related items.
#[derive(Default)]
pub struct Service {
    search: Option<service::Service>,
    titles: Option<Titles>,
    /// The meeting whose related items were last sent, while the titles
    /// have not changed since (asked again, nothing new to send).
    related_sent: Option<i64>,
}

/// Agenda titles for related items, and what tells whether they are current.
struct Titles {
    index: Index,
    fingerprint: [i64; 6],
    /// `PRAGMA data_version` when last checked (others' commits change it).
    data_version: i64,
    /// This app wrote since (its own commits leave `data_version` alone).
    dirty: bool,
    /// The change-log number when last checked: unchanged means nothing
    /// search shows changed (drafts, presence …), so no pass is needed.
    seq: Option<i64>,
}

impl Service {
    fn start(&mut self, ctx: &Ctx) -> &service::Service {
        self.search.get_or_insert_with(|| {
            let out = ctx.out.clone();
            let svc = service::Service::start(ctx.store.path(), move |ev| {
                let _ = out.send(WorkerResponse::Pane(PaneResponse::Search(
                    Response::Service(ev),
                )));
            });
            ctx.send(PaneResponse::Search(Response::Direct(svc.direct())));
            svc
        })
    }

    /// The titles index, rebuilt when agenda items or meetings changed.
    /// After any change the fingerprint (a pass over the agenda items) tells
    /// whether they did; browsing without changes costs nothing.
    /// Whether the titles changed is told by `related_sent` being cleared.
    fn titles(&mut self, ctx: &Ctx) -> Option<&Index> {
        let conn = ctx.store.conn();
        let version = ctx.store.data_version().ok()?;
        let changed = self
            .titles
            .as_ref()
            .is_none_or(|t| t.dirty || t.data_version != version);
        let seq = crate::search::changes::latest(conn);
        // Only opinions (or nothing the titles hold) changed since: the
        // change log's tail says so without the fingerprint's pass over
        // every agenda item (~0.1 s at 1M opinions, per colleague's save).
        let titles_kept = |t: &Titles| {
            seq.is_some()
                && t.seq.is_some_and(|from| {
                    crate::search::changes::tail(conn, from).is_some_and(|tail| {
                        tail.items.is_empty()
                            && tail.nodes.is_empty()
                            && tail.rows.get("meetings").is_none_or(|m| m.is_empty())
                    })
                })
        };
        if let Some(t) = self
            .titles
            .as_mut()
            .filter(|t| changed && seq.is_some() && (t.seq == seq || titles_kept(t)))
        {
            t.seq = seq;
            t.dirty = false;
            t.data_version = version;
        } else if changed {
            let fingerprint = load::titles_fingerprint(conn).ok()?;
            match self.titles.as_mut() {
                Some(t) if t.fingerprint == fingerprint => {
                    t.dirty = false;
                    t.data_version = version;
                    t.seq = seq;
                }
                _ => {
                    self.related_sent = None;
                    self.titles = Some(Titles {
                        index: load::build_titles(conn).ok()?,
                        fingerprint,
                        data_version: version,
                        dirty: false,
                        seq,
                    });
                }
            }
        }
        self.titles.as_ref().map(|t| &t.index)
    }
}

pub fn handle(ctx: &mut Ctx, req: Request) {
    match req {
        Request::Query { seq, text } => {
            crate::keytrace::mark("db", seq);
            let mut svc = std::mem::take(&mut ctx.services.search);
            svc.start(ctx).query(seq, &text, LIMIT);
            ctx.services.search = svc;
        }
        Request::Related(meeting_id) => {
            let mut svc = std::mem::take(&mut ctx.services.search);
            // The app has started: build the search index meanwhile.
            svc.start(ctx);
            // Asked again after a colleague's change (an opinion, a draft)
            // while no title changed (`titles` forgets `related_sent` when
            // they did): the screen has them already.
            let titles = svc.titles(ctx).is_some();
            let again = titles && svc.related_sent == Some(meeting_id);
            let groups = svc.titles.as_ref().filter(|_| !again).and_then(|t| {
                related_for_meeting(&t.index, ctx.store.conn(), meeting_id, RELATED_PER_ITEM).ok()
            });
            svc.related_sent = (again || groups.is_some()).then_some(meeting_id);
            ctx.services.search = svc;
            if !again {
                ctx.send(PaneResponse::Search(Response::Related {
                    meeting_id,
                    groups: groups.unwrap_or_default(),
                }));
            }
        }
        Request::Context(row) => {
            if let Ok(c) = context(ctx.store.conn(), &row) {
                ctx.send(PaneResponse::Search(Response::Context {
                    kind: row.kind,
                    id: row.id,
                    context: c,
                }));
            }
        }
        Request::Closed => {
            if let Some(s) = &ctx.services.search.search {
                s.forget_query();
            }
        }
        Request::DataChanged => {
            if let Some(s) = &ctx.services.search.search {
                s.data_changed();
            }
            if let Some(t) = ctx.services.search.titles.as_mut() {
                t.dirty = true;
            }
        }
    }
}

fn req(r: Request) -> worker::Request {
    super::request(PaneRequest::Search(r))
}

/// Whether `r` leaves what the overlay draws as it is: the index said
/// ready again after taking in a colleague's change (its size and time are
/// not drawn), or the open query answered again with the same rows, total
/// and error (its time stays the first answer's). Such answers are not
/// taken in and draw no frame.
pub fn unseen(st: &State, r: &Response) -> bool {
    match r {
        Response::Service(Event::Ready { .. }) => {
            matches!(st.index, IndexStatus::Ready { .. })
        }
        Response::Service(Event::Results(r)) => {
            r.seq == st.seq
                && r.seq == st.shown_seq
                && r.total == st.total
                && r.error == st.error
                && r.rows == st.results
        }
        _ => false,
    }
}

pub fn on_response(s: &mut AppState, r: Response) -> Requests {
    if unseen(&s.search, &r) {
        if let Response::Service(Event::Ready { entries, millis }) = r {
            s.search.index = IndexStatus::Ready { entries, millis };
        }
        return Vec::new();
    }
    let st = &mut s.search;
    match r {
        Response::Service(Event::Progress { done, total }) => {
            st.index = IndexStatus::Building { done, total };
        }
        Response::Service(Event::Ready { entries, millis }) => {
            st.index = IndexStatus::Ready { entries, millis };
        }
        Response::Service(Event::Failed(e)) => st.index = IndexStatus::Failed(e),
        Response::Service(Event::Results(r)) => {
            crate::keytrace::mark("recv", r.seq);
            if r.seq != st.seq {
                // An answer to a query already replaced by a newer one.
                return Vec::new();
            }
            let same_query = r.seq == st.shown_seq;
            let keep = st.selected_row().map(|row| (row.kind, row.id));
            st.shown = crate::search::parse(st.input.text()).unwrap_or_default();
            st.shown_seq = r.seq;
            st.results = r.rows;
            st.total = r.total;
            st.error = r.error;
            st.micros = r.micros;
            // A re-answer of the same query (the data changed) keeps the
            // selection where it was.
            st.selected = keep
                .filter(|_| same_query)
                .and_then(|k| st.results.iter().position(|row| (row.kind, row.id) == k))
                .unwrap_or(0);
            return ask_context(s);
        }
        Response::Direct(d) => st.direct = Some(d),
        Response::Related { meeting_id, groups } => st.related = Some((meeting_id, groups)),
        Response::Context { kind, id, context } => {
            if st
                .selected_row()
                .is_some_and(|r| r.kind == kind && r.id == id)
            {
                st.context = Some((kind, id, context));
            }
        }
    }
    Vec::new()
}

/// Ask for the selected result's context unless it is the one shown.
fn ask_context(s: &mut AppState) -> Requests {
    let st = &mut s.search;
    let Some(row) = st.selected_row() else {
        st.context = None;
        return Vec::new();
    };
    if st
        .context
        .as_ref()
        .is_some_and(|(k, id, _)| *k == row.kind && *id == row.id)
    {
        return Vec::new();
    }
    vec![req(Request::Context(Box::new(row.clone())))]
}

/// Open the overlay (the `/` key), running the query it holds.
pub fn open(s: &mut AppState) -> Requests {
    s.search.open = true;
    send_query(s)
}

/// Show an earlier (or later) query from the history in the query line.
fn recall(s: &mut AppState, older: bool) -> Requests {
    let st = &mut s.search;
    let q = if older {
        st.history.older(st.input.text())
    } else {
        st.history.newer()
    };
    match q {
        Some(q) => {
            st.input.set_text(&q);
            st.selected = 0;
            send_query(s)
        }
        None => Vec::new(),
    }
}

fn send_query(s: &mut AppState) -> Requests {
    let st = &mut s.search;
    st.seq += 1;
    crate::keytrace::mark("key", st.seq);
    crate::keytrace::mark_text(st.seq, st.input.text());
    let text = st.input.text();
    if st
        .direct
        .as_ref()
        .is_some_and(|d| d.query(st.seq, text, LIMIT))
    {
        return Vec::new();
    }
    vec![req(Request::Query {
        seq: st.seq,
        text: text.to_string(),
    })]
}

/// The overlay closed: its query need not be answered again.
fn closed(st: &State) -> Requests {
    // Straight to the service when the queries go that way (a `Forget`
    // through the database thread could come after the next query).
    if st.direct.as_ref().is_some_and(|d| d.forget_query()) {
        return Vec::new();
    }
    vec![req(Request::Closed)]
}

/// Keys while the overlay is open; None when it is closed.
pub fn on_key(s: &mut AppState, key: &KeyEvent) -> Option<Requests> {
    if !s.search.open {
        return None;
    }
    if let Some(a) = keymap::lookup(Scope::Search, key) {
        return Some(apply(s, a));
    }
    Some(match s.search.input.handle_key(key) {
        InputOutcome::Changed => {
            s.search.history.stop();
            send_query(s)
        }
        InputOutcome::Error => {
            if let Some(e) = s.search.input.take_error() {
                s.error(e.to_string());
            }
            Vec::new()
        }
        _ => Vec::new(),
    })
}

/// A paste while the overlay is open: one edit of the query.
pub fn on_paste(s: &mut AppState, text: &str) -> Requests {
    match s.search.input.handle_paste(text) {
        InputOutcome::Changed => send_query(s),
        _ => Vec::new(),
    }
}

fn apply(s: &mut AppState, a: Action) -> Requests {
    let n = s.search.results.len();
    let st = &mut s.search;
    match a {
        Action::Cancel => {
            st.open = false;
            let q = st.input.text().to_string();
            st.history.record(&q);
            return closed(st);
        }
        Action::Accept => {
            let q = st.input.text().to_string();
            st.history.record(&q);
            return jump(s);
        }
        // On the first result (or none), ↑ steps back through earlier
        // queries; ↓ comes forward again while doing so.
        Action::PickPrev if st.selected == 0 => return recall(s, true),
        Action::HistoryOlder => return recall(s, true),
        Action::PickNext if st.history.browsing() => return recall(s, false),
        Action::PickPrev => st.selected = st.selected.saturating_sub(1),
        Action::PickNext => st.selected = (st.selected + 1).min(n.saturating_sub(1)),
        Action::PickPageUp => st.selected = st.selected.saturating_sub(PAGE),
        Action::PickPageDown => st.selected = (st.selected + PAGE).min(n.saturating_sub(1)),
        _ => return Vec::new(),
    }
    ask_context(s)
}

/// Enter: close the overlay and show the selected result where it lives.
fn jump(s: &mut AppState) -> Requests {
    let Some(row) = s.search.selected_row().cloned() else {
        return Vec::new();
    };
    s.search.open = false;
    let mut r = closed(&s.search);
    r.extend(land(s, row));
    r
}

/// Show the result `row` where it lives.
fn land(s: &mut AppState, row: ResultRow) -> Requests {
    if s.mode != Mode::Normal {
        // The draft is saved continuously; leaving loses nothing.
        s.mode = Mode::Normal;
        s.minutes = None;
    }
    if let Some(n) = &row.node {
        if row.kind.is_progress() {
            // A plan/actual/note of a period: the 進捗 cell at that period.
            s.info(format!(
                "進捗 {} {}",
                n.code,
                row.label.as_deref().unwrap_or("")
            ));
            return super::progress::land(s, n.node_id, row.id);
        }
        s.tab = Tab::Policy;
        s.info(format!(
            "運営方針「{}」の {} {}",
            n.plan,
            n.code,
            crate::widget::text_input::truncate_to_width(&row.text, 30).0
        ));
        // The node selected (its plan opened, its ancestors unfolded); if
        // the tree is not loaded yet, or older than the result, when it loads.
        if s.policy.select_node(n.node_id) {
            return Vec::new();
        }
        s.policy.select_after_load = Some(n.node_id);
        if s.policy.loaded {
            return super::policy::refresh(s);
        }
        return super::on_enter(s, Tab::Policy);
    }
    let (Some(m), Some(fy), Some(date)) = (&row.meeting, row.fiscal_year, row.date) else {
        return Vec::new();
    };
    use crate::search::DocKind as K;
    let at = match row.kind {
        K::Opinion | K::Decision | K::Action | K::Owner => Some(Landed::Entry(row.id)),
        _ => row.item.as_ref().map(|i| Landed::Item(i.id)),
    };
    super::calendar::land::open_meeting_at(s, m.id, fy, date, at)
}

/// The calendar loaded a meeting: ask for its related items.
pub fn on_meeting_loaded(s: &mut AppState) -> Requests {
    match &s.calendar.detail {
        Some(d) => vec![req(Request::Related(d.meeting.id))],
        None => Vec::new(),
    }
}

/// The data changed: rebuild the index; the open query is answered again.
pub fn refresh(s: &mut AppState) -> Requests {
    let mut r = vec![req(Request::DataChanged)];
    // Another meeting may have gained an item on the same topic; sent only
    // if the titles changed.
    if let Some(d) = &s.calendar.detail {
        r.push(req(Request::Related(d.meeting.id)));
    }
    r
}
