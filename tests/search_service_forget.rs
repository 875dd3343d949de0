//! The search service answers its last query again after a colleague's
//! change (the results on screen stay current) — but not once the overlay
//! was closed (`forget_query`): at 1M opinions that re-answer was a full
//! scan per save in every session that had ever searched.
//!
//! Deterministic: the service handles its jobs in order, so after the
//! change's `Ready` a new query's answer comes after any re-answer.

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

/// Answers seen after a colleague's change, until query 3's answer.
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
    // … then a new query: whatever came before its answer is a re-answer.
    svc.query(3, "子育て", 20);
    let mut seen = Vec::new();
    loop {
        let seq = results(&rx);
        seen.push(seq);
        if seq == 3 {
            return seen;
        }
    }
}

#[test]
fn an_open_query_is_answered_again_after_a_change() {
    let seen = answers_after_a_change(false);
    assert!(seen.contains(&1), "{seen:?}");
}

#[test]
fn a_forgotten_query_is_not_answered_again() {
    let seen = answers_after_a_change(true);
    assert_eq!(seen.iter().filter(|&&s| s == 1).count(), 0, "{seen:?}");
}
