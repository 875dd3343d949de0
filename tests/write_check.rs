//! Integrity checks off the hot path: a writing command's check is whole on
//! small files and budgeted on large ones (header sanity first), and the
//! app's full check runs on a thread of its own and still turns a damaged
//! file read-only with the reason.

mod support;

use std::time::{Duration, Instant};

use kusei::db::{OpenOptions, Store};
use kusei::search::cli::{cmd_gen, GenArgs};

fn deferred(db: &std::path::Path) -> Store {
    Store::open(
        db,
        OpenOptions {
            read_only: false,
            defer_check: true,
        },
    )
    .expect("open")
}

fn checkpoint(db: &std::path::Path) {
    let c = rusqlite::Connection::open(db).expect("raw");
    c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
        .expect("checkpoint");
}

#[test]
fn a_large_file_whose_size_is_not_whole_pages_is_refused_before_writing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("big.db");
    {
        let mut store = deferred(&db);
        let args = GenArgs {
            opinions: 50_000,
            seed: 1,
            lines: None,
        };
        cmd_gen(&mut store, &args).expect("gen");
        assert!(store.page_count().expect("pages") > 4096, "large enough");
    }
    checkpoint(&db);
    // A healthy large file passes.
    let mut store = deferred(&db);
    assert!(store.check_before_write().expect("check"));
    assert!(store.read_only_reason().is_none());
    drop(store);
    // A torn tail (a partial page) is found without reading the file.
    let mut bytes = std::fs::read(&db).expect("read");
    bytes.extend_from_slice(&[0x5A; 100]);
    std::fs::write(&db, &bytes).expect("write");
    let mut store = deferred(&db);
    assert!(!store.check_before_write().expect("check"));
    let reason = store.read_only_reason().expect("read-only").to_string();
    assert!(
        reason.contains("ページ") && reason.contains("quick_check"),
        "{reason}"
    );
    assert!(reason.contains("kusei backup"), "{reason}");
}

#[test]
fn the_apps_background_check_turns_a_damaged_file_read_only() {
    use kusei::app::worker::{Request, Response, Worker};
    let dir = tempfile::tempdir().expect("tempdir");
    let db = support::db::sample_db(dir.path(), "kusei.db");
    checkpoint(&db);
    let mut bytes = std::fs::read(&db).expect("read");
    let at = (bytes.len() / 4096 / 2) * 4096;
    for b in &mut bytes[at + 100..at + 4096] {
        *b = 0x5A;
    }
    std::fs::write(&db, &bytes).expect("write");
    let Ok(store) = Store::open(
        &db,
        OpenOptions {
            read_only: false,
            defer_check: true,
        },
    ) else {
        return; // damage in the schema pages: refused at open, also fine
    };
    let (tx, rx) = std::sync::mpsc::channel();
    let mut w = Worker::new(store, tx);
    w.handle(Request::LoadYear {
        fiscal_year: Some(2017),
        select: None,
    });
    w.check_file_in_background();
    assert!(
        !w.store_mut().check_pending(),
        "started once, not per request"
    );
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut told = false;
    while !told && Instant::now() < deadline {
        w.poll_check();
        told = rx
            .try_iter()
            .any(|r| matches!(r, Response::ReadOnly(reason) if reason.contains("quick_check")));
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(told, "the session is told it is read-only");
    assert!(w.store_mut().read_only_reason().is_some());
}
