//! What the database thread does when another process commits (see
//! `app::worker_watch`): a colleague's drafts and presence heartbeats (every
//! 250 ms and 5 s while they type or minute) cost one `data_version` read
//! and, for the open meeting, a look at who is minuting it — no reload, and
//! nothing sent unless that changed. A logged change (an opinion saved,
//! deleted, undone; a meeting changed) reads the views again and sends only
//! those that differ. A write with the sqlite3 tool that neither log sees is
//! shown at the next sweep.

mod support;

use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use kusei::app::worker::{Request, Response, Worker};
use kusei::db::{MeetingDetail, Store};
use kusei::model::MeetingStatus;
use support::db::{open, sample_db};

/// What came from the worker, by kind; the last open meeting sent.
#[derive(Debug, Default)]
struct Got {
    kinds: Vec<&'static str>,
    meeting: Option<MeetingDetail>,
}

fn got(rx: &Receiver<Response>) -> Got {
    let mut g = Got::default();
    for r in rx.try_iter() {
        g.kinds.push(match r {
            Response::Year { .. } => "year",
            Response::Latest(_) => "latest",
            Response::Meeting(d) => {
                g.meeting = d;
                "meeting"
            }
            Response::External(_) => "external",
            _ => "other",
        });
    }
    g
}

/// A viewer with fiscal 2017 and its first meeting open; the colleague's
/// store; that meeting's id and its first item's.
fn viewer(db: &std::path::Path) -> (Worker, Receiver<Response>, Store, i64, i64) {
    let (tx, rx) = std::sync::mpsc::channel();
    let mut w = Worker::new(open(db), tx);
    let colleague = open(db);
    let (meeting, item): (i64, i64) = colleague
        .conn()
        .query_row(
            "SELECT m.id, i.id FROM meetings m JOIN agenda_items i ON i.meeting_id = m.id
             WHERE m.fiscal_year = 2017 ORDER BY m.date DESC, i.number LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("a 2017 meeting with an item");
    w.handle(Request::LoadYear {
        fiscal_year: Some(2017),
        select: None,
    });
    w.handle(Request::LoadMeeting(meeting));
    w.poll_external();
    let _ = got(&rx);
    (w, rx, colleague, meeting, item)
}

fn texts(d: &MeetingDetail) -> Vec<String> {
    d.items
        .iter()
        .flat_map(|i| i.opinions.iter().map(|o| o.text.clone()))
        .collect()
}

#[test]
fn drafts_and_presence_reload_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = sample_db(dir.path(), "kusei.db");
    let (mut w, rx, mut colleague, meeting, _) = viewer(&db);
    let before = w.poll_counts();

    // (Each a character longer, as typing goes: the stamp is the newest
    // save's millisecond and the texts' length.)
    for n in 1..=5 {
        colleague
            .save_draft("minutes:1", &"書".repeat(n))
            .expect("draft");
        w.poll_external();
    }
    let g = got(&rx);
    assert!(g.kinds.is_empty(), "drafts sent {:?}", g.kinds);
    let after = w.poll_counts();
    assert_eq!(after.commits - before.commits, 5, "{after:?}");
    assert_eq!(after.quiet - before.quiet, 5, "{after:?}");
    assert_eq!(after.unexplained, before.unexplained, "{after:?}");
    assert_eq!(after.refreshes, before.refreshes, "{after:?}");
    assert_eq!(after.sweeps, before.sweeps, "{after:?}");

    // The colleague starts minuting the open meeting: only that is sent,
    // with who is minuting it; the heartbeat after it sends nothing.
    colleague.set_presence(Some(meeting)).expect("presence");
    w.poll_external();
    let g = got(&rx);
    assert_eq!(g.kinds, ["meeting"]);
    let shown = g.meeting.expect("the open meeting");
    assert_eq!(shown.recording_by, [colleague.user().to_string()]);
    colleague.set_presence(Some(meeting)).expect("heartbeat");
    w.poll_external();
    assert!(got(&rx).kinds.is_empty());
    let end = w.poll_counts();
    assert_eq!(end.refreshes, before.refreshes, "{end:?}");
    assert_eq!(end.sent - before.sent, 1, "{end:?}");

    // While drafts keep coming, the views are still compared now and then
    // (a sqlite3 write could hide among them); unchanged, nothing is sent.
    colleague
        .save_draft("minutes:1", "もう一文")
        .expect("draft");
    w.poll_external_at(Instant::now() + Duration::from_secs(31));
    assert!(got(&rx).kinds.is_empty());
    assert_eq!(w.poll_counts().sweeps - before.sweeps, 1);
}

#[test]
fn a_colleagues_opinion_delete_and_undo_reach_the_open_meeting() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = sample_db(dir.path(), "kusei.db");
    let (mut w, rx, mut colleague, _, item) = viewer(&db);

    let id = colleague
        .add_opinion(item, "団地の意見", None, None)
        .expect("opinion");
    let added = colleague.last_batch().expect("batch");
    w.poll_external();
    let g = got(&rx);
    // The year's meetings did not change: not sent again.
    assert!(!g.kinds.contains(&"year"), "{:?}", g.kinds);
    assert!(g.kinds.contains(&"external"), "{:?}", g.kinds);
    let shown = g.meeting.expect("the open meeting sent");
    assert!(texts(&shown).contains(&"団地の意見".to_string()));

    colleague.delete_opinion(id).expect("delete");
    let deleted = colleague.last_batch().expect("batch");
    w.poll_external();
    let shown = got(&rx).meeting.expect("sent after the delete");
    assert!(!texts(&shown).contains(&"団地の意見".to_string()));

    colleague.undo(deleted).expect("undo the delete");
    w.poll_external();
    let shown = got(&rx).meeting.expect("sent after the undo");
    assert!(texts(&shown).contains(&"団地の意見".to_string()));

    colleague.undo(added).expect("undo the add");
    w.poll_external();
    let shown = got(&rx).meeting.expect("sent after the second undo");
    assert!(!texts(&shown).contains(&"団地の意見".to_string()));
    let c = w.poll_counts();
    assert_eq!((c.refreshes, c.quiet), (4, 0), "{c:?}");
}

#[test]
fn a_changed_meeting_resends_the_year() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = sample_db(dir.path(), "kusei.db");
    let (mut w, rx, colleague, meeting, _) = viewer(&db);
    drop(colleague);
    let raw = rusqlite::Connection::open(&db).expect("sqlite3 tool");
    // The place is in the search log: noticed at the next poll.
    raw.execute(
        "UPDATE meetings SET place = '第2会議室' WHERE id = ?1",
        [meeting],
    )
    .expect("raw update");
    w.poll_external();
    let g = got(&rx);
    assert!(g.kinds.contains(&"year"), "{:?}", g.kinds);
    assert_eq!(g.meeting.expect("meeting").meeting.place, "第2会議室");
    assert_eq!(w.poll_counts().refreshes, 1);
}

#[test]
fn a_write_neither_log_sees_is_shown_at_the_next_sweep() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = sample_db(dir.path(), "kusei.db");
    let (mut w, rx, _colleague, meeting, _) = viewer(&db);
    let raw = rusqlite::Connection::open(&db).expect("sqlite3 tool");
    // Status is in neither the audit log (no kusei) nor the search log.
    raw.execute(
        "UPDATE meetings SET status = 'cancelled' WHERE id = ?1",
        [meeting],
    )
    .expect("raw update");
    let now = Instant::now();
    w.poll_external_at(now);
    let c = w.poll_counts();
    assert_eq!((c.commits, c.quiet, c.unexplained), (1, 1, 1), "{c:?}");
    // Swept once the interval since the worker started has passed (at
    // once if it already has), even with no commit since.
    let first = got(&rx);
    let now = now + Duration::from_secs(5);
    w.poll_external_at(now);
    let mut g = got(&rx);
    g.kinds.extend(first.kinds);
    g.meeting = g.meeting.or(first.meeting);
    assert_eq!(w.poll_counts().sweeps, 1);
    let shown = g.meeting.expect("the sweep sent the meeting");
    assert_eq!(shown.meeting.status, MeetingStatus::Cancelled);
    assert!(g.kinds.contains(&"year"), "{:?}", g.kinds);
    raw.execute(
        "UPDATE meetings SET status = 'held' WHERE id = ?1",
        [meeting],
    )
    .expect("raw update");
    w.poll_external_at(now + Duration::from_millis(500));
    assert!(got(&rx).kinds.is_empty());
    w.poll_external_at(now + Duration::from_secs(5));
    let shown = got(&rx).meeting.expect("the next sweep");
    assert_eq!(w.poll_counts().unexplained, 2);
    assert_eq!(shown.meeting.status, MeetingStatus::Held);
    assert_eq!(w.poll_counts().sweeps, 2);
}

/// A colleague starting to minute the open meeting changes only who is
/// minuting it: the screen takes it without asking for anything more (the
/// related items are looked up again only when the meeting itself changed).
#[test]
fn a_presence_only_update_asks_for_nothing() {
    use kusei::app::state::AppState;
    use kusei::app::update::on_response;
    let dir = tempfile::tempdir().expect("tempdir");
    let db = sample_db(dir.path(), "kusei.db");
    let (_w, _rx, colleague, meeting, _) = viewer(&db);
    let detail = colleague
        .meeting_detail(meeting)
        .expect("read")
        .expect("meeting");
    let today = chrono::NaiveDate::from_ymd_opt(2017, 8, 21).expect("date");
    let mut s = AppState::new("kusei.db".into(), "viewer".into(), today);
    let first = on_response(&mut s, Response::Meeting(Some(detail.clone())));
    assert!(!first.is_empty(), "the first load asks for related items");
    let mut minuted = detail.clone();
    minuted.recording_by = vec!["colleague".into()];
    assert!(on_response(&mut s, Response::Meeting(Some(minuted.clone()))).is_empty());
    assert_eq!(
        s.calendar.detail.as_ref().map(|d| d.recording_by.clone()),
        Some(vec!["colleague".to_string()])
    );
    let mut changed = minuted;
    changed.items[0].title.push_str("（改）");
    assert!(!on_response(&mut s, Response::Meeting(Some(changed))).is_empty());
}

/// The open meeting's related items are asked for again after every
/// foreign change set; they are looked up and sent only when titles
/// changed (another meeting's new item), not for a colleague's opinion.
#[test]
fn related_items_are_sent_again_only_when_titles_changed() {
    use kusei::app::msg::search::{Request as SearchReq, Response as SearchResp};
    use kusei::app::msg::{PaneRequest, PaneResponse};
    let dir = tempfile::tempdir().expect("tempdir");
    let db = sample_db(dir.path(), "kusei.db");
    let (mut w, rx, mut colleague, meeting, item) = viewer(&db);
    let mut related = || {
        w.poll_external();
        for r in [SearchReq::DataChanged, SearchReq::Related(meeting)] {
            w.handle(Request::Pane(PaneRequest::Search(r)));
        }
        rx.try_iter()
            .filter(|r| {
                matches!(
                    r,
                    Response::Pane(PaneResponse::Search(SearchResp::Related { .. }))
                )
            })
            .count()
    };
    assert_eq!(related(), 1, "the first time");
    colleague
        .add_opinion(item, "団地の意見", None, None)
        .expect("opinion");
    assert_eq!(related(), 0, "an opinion changes no title");
    let other: i64 = colleague
        .conn()
        .query_row(
            "SELECT id FROM meetings WHERE id <> ?1 ORDER BY id LIMIT 1",
            [meeting],
            |r| r.get(0),
        )
        .expect("another meeting");
    colleague
        .add_item(other, "旭区制50周年の準備について")
        .expect("item");
    assert_eq!(related(), 1, "a new agenda item elsewhere");
}
