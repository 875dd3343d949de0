//! Queries straight from the screen to the search service
//! (`service::Direct`): the screen switches to them once the service has
//! started, so a query sent earlier through the database thread may reach
//! the service after a newer one. The older one is never answered and the
//! newer one always is; a handle outliving the service says so.

mod support;

use std::sync::mpsc::{channel, Receiver};
use std::time::Duration;

use kusei::search::service::{Event, Service};

use support::db::sample_db;

const LIMIT: Duration = Duration::from_secs(60);

/// The seqs of every answer (staged ones too) until one for `last`.
fn answers_until(rx: &Receiver<Event>, last: u64) -> Vec<u64> {
    let mut seen = Vec::new();
    loop {
        match rx.recv_timeout(LIMIT).expect("an event from the service") {
            Event::Results(r) => {
                assert!(r.error.is_none(), "{:?}", r.error);
                seen.push(r.seq);
                if r.seq == last {
                    return seen;
                }
            }
            Event::Failed(e) => panic!("{e}"),
            _ => {}
        }
    }
}

/// A service on a sample database (the directory kept while it runs).
fn started() -> (tempfile::TempDir, Service, Receiver<Event>) {
    let dir = tempfile::TempDir::new().expect("tempdir");
    let db = sample_db(dir.path(), "kusei.db");
    let (tx, rx) = channel();
    let svc = Service::start(&db, move |ev| {
        let _ = tx.send(ev);
    });
    (dir, svc, rx)
}

#[test]
fn an_older_query_coming_after_a_newer_one_is_not_answered() {
    let (_dir, svc, rx) = started();
    let direct = svc.direct();
    assert!(direct.query(2, "団地", 20));
    // Sent before 2 through the database thread, arriving after it.
    svc.query(1, "子育て", 20);
    let mut seen = answers_until(&rx, 2);
    // A later query: whatever came for 1 meanwhile is in `seen`.
    assert!(direct.query(3, "区", 20));
    seen.extend(answers_until(&rx, 3));
    assert!(!seen.contains(&1), "{seen:?}");
    assert!(seen.contains(&2), "{seen:?}");
}

#[test]
fn a_query_after_a_direct_forget_is_answered_and_a_stopped_service_says_so() {
    let (_dir, svc, rx) = started();
    let direct = svc.direct();
    assert!(direct.query(1, "団地", 20));
    assert_eq!(answers_until(&rx, 1).last(), Some(&1));
    assert!(direct.forget_query());
    assert!(direct.query(2, "子育て", 20));
    assert_eq!(answers_until(&rx, 2).last(), Some(&2));
    drop(svc);
    // The service's thread may still be finishing its answer (holding the
    // counter a moment): it says so once that is done.
    let end = std::time::Instant::now() + LIMIT;
    while direct.forget_query() {
        assert!(
            std::time::Instant::now() < end,
            "the handle still takes queries"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(!direct.query(3, "区", 20));
}
