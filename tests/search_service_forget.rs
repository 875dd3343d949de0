//! The search service answers its last query again after a colleague's
//! change (the results on screen stay current) — but not once the overlay
//! was closed (`forget_query`): at 1M opinions that re-answer was a full
//! scan per save in every session that had ever searched.
//!
//! The re-answer comes right after the change's `Ready` (same loop turn of
//! the service); a new query sent then would cancel it, so the tests wait
//! for it instead (the forgotten case watches two seconds for none).

mod support;

use std::sync::mpsc::{channel, Receiver};
use std::time::Duration;

use kusei::search::persist_delta;
use kusei::search::service::{Event, Service};

use support::db::{open, sample_db};

const LIMIT: Duration = Duration::from_secs(60);

fn next(rx: &Receiver<Event>) -> Event {
    rx.recv_timeout(LIMIT).expect("an event from the service")
}

/// The seq of the next results (skipping progress and ready events).
fn results(rx: &Receiver<Event>) -> u64 {
    loop {
        if let Event::Results(r) = next(rx) {
            return r.seq;
        }
    }
}

/// Answers to query 1 seen after a colleague's change: waits up to
/// `LIMIT` for one when the query was kept, and `QUIET` when it was
/// forgotten. (A new query sent at once would cancel the re-answer, so
/// the re-answer is waited for, not raced against a later query.)
fn answers_after_a_change(forget: bool) -> Vec<u64> {
    let dir = tempfile::TempDir::new().expect("tempdir");
    let db = sample_db(dir.path(), "kusei.db");
    // The index file first: the service maps it and writes none of its own
    // (a file written after the change would take the change in silently).
    let store = open(&db);
    persist_delta::open_or_build(&db, store.conn(), &|_, _| {}, true).expect("the index file");
    let (tx, rx) = channel();
    let svc = Service::start(&db, move |ev| {
        let _ = tx.send(ev);
    });
    svc.query(1, "団地", 20);
    // The first answer (a staged one may come first: same seq).
    assert_eq!(results(&rx), 1);
    if forget {
        svc.forget_query();
    }
    let mut other = open(&db);
    let item: i64 = other
        .conn()
        .query_row("SELECT min(id) FROM agenda_items", [], |r| r.get(0))
        .expect("item");
    other
        .add_opinion(item, "団地の集会所について。", None, None)
        .expect("add");
    svc.data_changed();
    // The change applied …
    loop {
        match next(&rx) {
            Event::Ready { .. } => break,
            Event::Results(r) if r.seq == 1 => {} // the rest of the first answer
            Event::Failed(e) => panic!("{e}"),
            _ => {}
        }
    }
    // … then the re-answer, which the service sends right after it.
    let wait = if forget { QUIET } else { LIMIT };
    let mut seen = Vec::new();
    while let Ok(ev) = rx.recv_timeout(wait) {
        match ev {
            Event::Results(r) => {
                seen.push(r.seq);
                break;
            }
            Event::Failed(e) => panic!("{e}"),
            _ => {}
        }
    }
    seen
}

/// How long a forgotten query is watched for a re-answer (which, when it
/// comes, comes within milliseconds of the change).
const QUIET: Duration = Duration::from_secs(2);

#[test]
fn an_open_query_is_answered_again_after_a_change() {
    let seen = answers_after_a_change(false);
    assert_eq!(seen, vec![1]);
}

#[test]
fn a_forgotten_query_is_not_answered_again() {
    let seen = answers_after_a_change(true);
    assert_eq!(seen.iter().filter(|&&s| s == 1).count(), 0, "{seen:?}");
}
