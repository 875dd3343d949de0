//! A colleague's drafts and presence heartbeats (every 250 ms and 5 s while
//! they type or minute) do not make other sessions reload the calendar: only
//! the open meeting (who is minuting it) is refreshed. A saved opinion, and a
//! change made with the sqlite3 tool (no change set, but in the search log),
//! still reload everything.

mod support;

use kusei::app::worker::{Request, Response, Worker};
use support::db::{open, sample_db};

fn kinds(rx: &std::sync::mpsc::Receiver<Response>) -> Vec<&'static str> {
    rx.try_iter()
        .map(|r| match r {
            Response::Year { .. } => "year",
            Response::Latest(_) => "latest",
            Response::Meeting(_) => "meeting",
            _ => "other",
        })
        .collect()
}

#[test]
fn drafts_and_presence_refresh_only_the_open_meeting() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = sample_db(dir.path(), "kusei.db");
    let (tx, rx) = std::sync::mpsc::channel();
    let mut w = Worker::new(open(&db), tx);
    w.handle(Request::LoadYear {
        fiscal_year: Some(2017),
        select: None,
    });
    w.poll_external();
    let _ = kinds(&rx);

    let mut colleague = open(&db);
    colleague
        .save_draft("minutes:1", "書きかけ")
        .expect("draft");
    let meeting: i64 = colleague
        .conn()
        .query_row("SELECT min(id) FROM meetings", [], |r| r.get(0))
        .expect("meeting");
    colleague.set_presence(Some(meeting)).expect("presence");
    w.poll_external();
    let got = kinds(&rx);
    assert!(
        !got.contains(&"year") && !got.contains(&"latest"),
        "{got:?}"
    );

    let item: i64 = colleague
        .conn()
        .query_row("SELECT min(id) FROM agenda_items", [], |r| r.get(0))
        .expect("item");
    colleague
        .add_opinion(item, "団地の意見", None, None)
        .expect("opinion");
    w.poll_external();
    let got = kinds(&rx);
    assert!(got.contains(&"year") && got.contains(&"latest"), "{got:?}");

    let raw = rusqlite::Connection::open(&db).expect("sqlite3 tool");
    raw.execute(
        "UPDATE opinions SET text = '直接の修正' WHERE id = (SELECT min(id) FROM opinions)",
        [],
    )
    .expect("raw update");
    w.poll_external();
    let got = kinds(&rx);
    assert!(got.contains(&"year"), "{got:?}");
}
