//! A viewer on a shared file stays idle while a colleague takes minutes
//! (issue 12, the app side): the real app in pseudo-terminals, a colleague's
//! app and the command line on one file. The viewer's debug log counts
//! what its database thread did (`app::worker_watch`): a colleague's draft
//! saves and presence heartbeats are noticed ("読み直しません") but reload
//! nothing; a saved opinion, an import, a deletion and its undo, and a
//! `sqlite3` write behind kusei's back each show up on the viewer's screen.
//!
//! Timing: every wait is "until this appears" with a generous deadline;
//! the counts come from the log, not from the clock.

#![cfg(unix)]

mod support;
use support::pty as pty_support;
use support::shared as shared_support;

use std::path::{Path, PathBuf};

use pty_support::{wait_on, App, DEADLINE};
use shared_support::*;

/// Tall enough for 第5回's detail with the new opinions.
const VIEWER: (u16, u16) = (100, 60);
/// The viewer's log lines.
const QUIET: &str = "読み直しません";
const REFRESH: &str = "他のプロセスの変更を読み直しました";
const SWEEP: &str = "記録のない書き込みのあと表示を照合しました";

fn log_text(state: &Path) -> String {
    // The log is a plain file of ours (not the database): reading it is fine.
    std::fs::read_to_string(state.join("kusei").join("kusei.log")).unwrap_or_default()
}

fn count(state: &Path, what: &str) -> usize {
    log_text(state).matches(what).count()
}

/// Wait until the viewer's log has more than `n` lines saying `what`.
fn wait_log(state: &Path, what: &str, n: usize) {
    let end = std::time::Instant::now() + DEADLINE;
    while count(state, what) <= n {
        assert!(
            std::time::Instant::now() < end,
            "waited for more than {n} × {what:?} in the viewer's log:\n{}",
            log_text(state)
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

fn spawn_viewer(place: &Place) -> (App, PathBuf) {
    let state = place.home.join("viewer-state");
    let env = [
        ("XDG_STATE_HOME", state.to_str().expect("utf-8")),
        ("KUSEI_LOG", "kusei::app=trace"),
    ];
    let viewer = App::spawn_sized(&place.home, &place.db, &env, VIEWER);
    viewer.wait_until("the viewer's calendar", ready);
    (viewer, state)
}

fn shows(viewer: &App, what: &str, ok: impl Fn(&str) -> bool) {
    if let Err((s, _)) = wait_on(&viewer.shared, DEADLINE, ok) {
        panic!("the viewer never showed {what}:\n{s}");
    }
}

/// Type `text` one character at a time, each left to be saved as a draft
/// (the input line shows ✓ once the database has it).
fn type_drafts(taker: &mut App, text: &str) {
    let mut typed = String::new();
    for c in text.chars() {
        typed.push(c);
        send(taker, c.to_string().as_bytes()).unwrap_or_else(|e| panic!("{e}"));
        let want = format!("意見 ✓> {typed}");
        taker.wait_until("the draft saved", |s| s.contains(&want));
    }
}

#[test]
fn a_viewer_reloads_nothing_for_drafts_and_shows_every_real_change() {
    let place = sample_place();
    let (viewer, state) = spawn_viewer(&place);
    let mut taker = App::spawn(&place.home, &place.db);
    taker.wait_until("the taker's calendar", ready);
    start_minutes(&mut taker, DEADLINE).unwrap_or_else(|e| panic!("{e}"));
    // Who minutes the open meeting reaches the viewer without a reload.
    shows(&viewer, "記録中", |s| s.contains("記録中: "));
    let refreshes = count(&state, REFRESH);
    let quiet = count(&state, QUIET);

    type_drafts(&mut taker, "下書きだけ");
    // The viewer noticed commits after the drafts (at least three polls)
    // and reloaded nothing for them.
    wait_log(&state, QUIET, quiet + 2);
    assert_eq!(count(&state, REFRESH), refreshes, "{}", log_text(&state));

    // The colleague saves it: the open meeting shows it.
    send(&mut taker, b"\r").unwrap_or_else(|e| panic!("{e}"));
    taker.wait_for(&saved_row("下書きだけ"));
    shows(&viewer, "the saved opinion", |s| {
        s.contains("・下書きだけ\n")
    });
    assert!(count(&state, REFRESH) > refreshes);

    // The command line imports one.
    run(&mut import_step(&place, "取込の意見", "idle")).unwrap_or_else(|e| panic!("{e}"));
    shows(&viewer, "the imported opinion", |s| {
        s.contains("・取込の意見\n")
    });

    // A deletion in the colleague's app, then its undo.
    send(&mut taker, b"\x1b").unwrap_or_else(|e| panic!("{e}"));
    taker.wait_until("list mode", |s| s.contains("記録・選択"));
    send(&mut taker, b"x").unwrap_or_else(|e| panic!("{e}"));
    taker.wait_until("the delete prompt", |s| s.contains("この項目を削除します"));
    send(&mut taker, b"\r").unwrap_or_else(|e| panic!("{e}"));
    let gone = |s: &str| !s.contains("・下書きだけ\n") || !s.contains("・取込の意見\n");
    taker.wait_until("an entry deleted", gone);
    shows(&viewer, "the deletion", gone);
    send(&mut taker, b"u").unwrap_or_else(|e| panic!("{e}"));
    let both = |s: &str| s.contains("・下書きだけ\n") && s.contains("・取込の意見\n");
    taker.wait_until("the undo", both);
    shows(&viewer, "the undo", both);

    // Behind kusei's back: the status is in neither the audit log nor the
    // search log; a sweep shows it.
    let sweeps = count(&state, SWEEP);
    run(&mut sqlite3(
        &place,
        "sqlite3 status",
        "UPDATE meetings SET status = 'cancelled' WHERE fiscal_year = 2017 AND number = 5;",
    ))
    .unwrap_or_else(|e| panic!("{e}"));
    if let Err((s, _)) = wait_on(&viewer.shared, DEADLINE, |s| s.contains("[中止]")) {
        panic!(
            "the viewer never showed the status written with sqlite3:\n{s}\nlog:\n{}",
            log_text(&state)
        );
    }
    assert!(count(&state, SWEEP) > sweeps, "{}", log_text(&state));

    quit_from_minutes(&mut taker, DEADLINE).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(taker.wait_exit().code(), Some(0));
    taker.finish();
    let mut viewer = viewer;
    viewer.send(b"q");
    assert_eq!(viewer.wait_exit().code(), Some(0));
    viewer.finish();
}
