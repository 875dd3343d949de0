//! Two real kusei processes on one database and one index file: the app in
//! a pseudo-terminal with its search open, and `kusei search` from the
//! command line, while the index file is written by one, rewritten by the
//! other, and replaced under both by a damaged copy. Each keeps answering
//! exactly what a fresh build answers; a damaged file is never used.
//!
//! Timing: every wait is "until this appears" with a generous deadline.

#![cfg(unix)]

mod support;

use std::path::Path;
use std::time::{Duration, Instant};

use kusei::search::{persist, persist_delta};
use support::bin;
use support::db::open;
use support::pty::{setup, App, DEADLINE};

/// `kusei search Q`: the result lines, and whether the index came from the
/// file (読込) or was built (作成).
fn cli_search(db: &Path, q: &str) -> (String, bool) {
    let out = bin::run(db, &["search", "--color", "never", "-n", "50", q]);
    let err = bin::stderr(&out);
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "kusei search {q}: {err}"
    );
    let from_file = err.contains(" 読込 ");
    assert!(from_file || err.contains(" 作成 "), "{err}");
    (bin::stdout(&out), from_file)
}

/// Wait (at most the deadline) until `ok()`.
fn wait(what: &str, ok: impl Fn() -> bool) {
    let end = Instant::now() + DEADLINE;
    while !ok() {
        assert!(Instant::now() < end, "waited {DEADLINE:?} for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The file includes every change in the log search shows (after its
/// number come only its writer's mark, or nothing) and is valid.
fn file_is_current(db: &Path) -> bool {
    let store = open(db);
    persist_delta::file_seq(db).is_some()
        && persist_delta::open_if_current(db, store.conn()).is_ok()
}

fn add_opinion(db: &Path, text: &str) {
    let mut store = open(db);
    let item: i64 = store
        .conn()
        .query_row("SELECT min(id) FROM agenda_items", [], |r| r.get(0))
        .expect("an item");
    store.add_opinion(item, text, None, None).expect("add");
}

/// Type `q` as the app's whole query (the line cleared first).
fn ask(app: &mut App, q: &str) {
    app.send(b"\x15"); // Ctrl-U: clear the line
    app.send(q.as_bytes());
}

#[test]
fn an_app_and_the_command_line_share_the_index_file_as_it_is_replaced() {
    let place = setup();
    let db = &place.db;
    let file = persist::path_for(db);
    assert!(!file.exists());
    let mut app = App::spawn(place.dir.path(), db);
    app.wait_for("会議 5 件");
    app.send(b"/");
    app.wait_for("検索");
    ask(&mut app, "鳩時計");
    app.wait_until("no 鳩時計 yet", |s| s.contains("検索  0 件"));
    // The app built its index and writes the file (in the background).
    wait("the app to write the index file", || file_is_current(db));

    // The command line uses the file and answers as a build does.
    let (from_file, used) = cli_search(db, "団地");
    assert!(used, "the command line did not use the app's file");
    let built = {
        let copy = place.dir.path().join("copy.db");
        open(db)
            .conn()
            .execute("VACUUM INTO ?1", [copy.to_str().expect("utf-8")])
            .expect("copy");
        let (lines, used) = cli_search(&copy, "団地");
        assert!(!used, "a copy has no index file of its own");
        lines
    };
    assert_eq!(from_file, built);

    // A change by another process: the app shows it; the command line uses
    // the file with the change-log tail over it. (The app writes a newer
    // file only when its layer grows or after a quiet minute.)
    add_opinion(db, "鳩時計の団地について");
    app.wait_until("the new opinion in the app", |s| s.contains("検索  1 件"));
    let (lines, used) = cli_search(db, "鳩時計");
    assert!(used);
    assert_eq!(lines.lines().count(), 1, "{lines}");

    // A damaged file renamed over the good one under both processes.
    let mut bytes = std::fs::read(&file).expect("read");
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x40;
    let tmp = place.dir.path().join("damaged");
    std::fs::write(&tmp, &bytes).expect("write");
    std::fs::rename(&tmp, &file).expect("replace");
    // The app ignores it and keeps answering.
    ask(&mut app, "団地");
    app.wait_until("団地 in the app", |s| {
        s.contains("検索  ") && !s.contains("検索  0 件")
    });
    ask(&mut app, "鳩時計");
    app.wait_until("still one 鳩時計", |s| s.contains("検索  1 件"));
    // The command line rebuilds (never uses it) and writes a good file.
    let (lines, used) = cli_search(db, "鳩時計");
    assert!(!used, "the damaged file was used");
    assert_eq!(lines.lines().count(), 1, "{lines}");
    assert!(file_is_current(db));
    let (again, used) = cli_search(db, "団地");
    assert!(used);
    let (fresh, _) = {
        std::fs::remove_file(&file).expect("delete");
        cli_search(db, "団地")
    };
    assert_eq!(again, fresh);

    // The app maps the command line's file and keeps up with changes.
    add_opinion(db, "二つ目の鳩時計");
    app.wait_until("two 鳩時計", |s| s.contains("検索  2 件"));
    let (lines, used) = cli_search(db, "鳩時計");
    assert!(used);
    assert_eq!(lines.lines().count(), 2, "{lines}");
    app.send(b"\x1b");
    app.wait_until("the calendar", |s| s.contains("会議 5 件"));
    app.send(b"q");
    assert_eq!(app.wait_exit().code(), Some(0));
}
