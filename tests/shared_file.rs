//! Many people, one file (issue 17): the real app in pseudo-terminals
//! taking minutes while every kusei command that touches the database and
//! the `sqlite3` tool run on the same file, the way staff on a shared server
//! break it. Every opinion a screen showed as saved (✓) must be in the file
//! afterwards, `integrity_check` must be ok, another open session must see
//! each change, and — the precise regression — the `-wal` must still be
//! there while the app runs after another process exits.
//!
//! Timing: every wait is "until this appears" with a generous deadline;
//! nothing asserts how long anything takes. The long version with random
//! `kill -9` is `tests/soak.rs` (`scripts/soak.sh`).

#![cfg(unix)]

mod support;
use support::pty as pty_support;
use support::shared as shared_support;

use std::sync::atomic::{AtomicUsize, Ordering};

use pty_support::{wait_on, App, DEADLINE};
use shared_support::*;

/// The most opinions one app saves per test (the viewer's screen must hold
/// them all under 第5回's first item).
const MAX_SAVES: usize = 14;
/// The fewest, even if the command line is quick.
const MIN_SAVES: usize = 4;

/// The viewer's terminal: tall enough for 第5回's detail with every new
/// opinion under its first item.
const VIEWER: (u16, u16) = (100, 60);

/// Command line number `who`: run every command `passes` times in turn;
/// after each exits, the app is still running, so its `-wal` and `-shm` must
/// still exist. Returns the texts the imports added (acknowledged by exit
/// 0); `on_import` is told each. Counts `running` down when done.
fn command_line(
    place: &Place,
    (who, passes): (usize, usize),
    on_import: &(dyn Fn(&str) + Sync),
    running: &AtomicUsize,
    ran: &AtomicUsize,
) -> Vec<String> {
    let mut added = Vec::new();
    for pass in 0..passes {
        let gen = who == 0 && pass == 0;
        for mut step in every_command(place, &format!("t{who}p{pass}"), gen) {
            run(&mut step).unwrap_or_else(|e| panic!("pass {pass}: {e}"));
            ran.fetch_add(1, Ordering::Relaxed);
            // The precise regression: a command that exits must not take
            // the app's -wal (and with it every later save) away.
            assert!(
                wal(&place.db).exists() && shm(&place.db).exists(),
                "after `{}` exited, the -wal/-shm are gone while the app runs",
                step.name
            );
            if let Some(text) = step.adds {
                on_import(&text);
                added.push(text);
            }
        }
    }
    running.fetch_sub(1, Ordering::Relaxed);
    added
}

/// Save opinions `{prefix}-NNNN` until the command line is done (at least
/// MIN_SAVES, at most MAX_SAVES); `on_saved` is told each one the screen
/// showed as saved.
fn take_minutes(
    app: &mut App,
    prefix: &str,
    running: &AtomicUsize,
    on_saved: &dyn Fn(&str),
) -> Vec<String> {
    let mut saved = Vec::new();
    for n in 0..MAX_SAVES {
        if n >= MIN_SAVES && running.load(Ordering::Relaxed) == 0 {
            break;
        }
        let text = format!("共有ファイルで記録 {prefix}-{n:04}");
        save_opinion(app, &text, DEADLINE).unwrap_or_else(|e| panic!("{e}"));
        on_saved(&text);
        saved.push(text);
    }
    saved
}

fn assert_all_there(place: &Place, saved: &[String], what: &str) {
    let lost = missing(&place.db, saved);
    assert!(
        lost.is_empty(),
        "{what}: {} of {} saved opinions are not in the file once: {lost:?}",
        lost.len(),
        saved.len()
    );
    assert_eq!(integrity(&place.db), "ok", "{what}");
}

/// After every session has quit: the `-wal` the apps leave (their search
/// connection is not closed at exit, see notes/e2e-notes.md) is sound — the
/// next clean `kusei check` passes and, being the last one out, folds it
/// into the file and removes it and the `-shm`.
fn assert_wal_folded(place: &Place) {
    let left = wal_size(&place.db);
    eprintln!("-wal after every app quit: {left:?} bytes");
    let mut check = every_command(place, "final", false)
        .into_iter()
        .find(|s| s.name == "check")
        .expect("check");
    run(&mut check).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        !wal(&place.db).exists() && !shm(&place.db).exists(),
        "the -wal/-shm are still there after the last process closed cleanly"
    );
}

/// One minute taker, a colleague's app viewing the same meeting on the
/// calendar, and two passes of every command plus the sqlite3 tool.
#[test]
fn an_app_minuting_while_every_command_runs_loses_nothing_and_others_see_it() {
    let place = sample_place();
    let mut taker = App::spawn(&place.home, &place.db);
    taker.wait_until("the calendar", ready);
    start_minutes(&mut taker, DEADLINE).unwrap_or_else(|e| panic!("{e}"));
    let viewer = App::spawn_sized(&place.home, &place.db, &[], VIEWER);
    viewer.wait_until("the viewer's calendar", ready);

    let running = AtomicUsize::new(1);
    let ran = AtomicUsize::new(0);
    // The viewer must show each change by itself, without a restart.
    let screen = viewer.shared.clone();
    let shows = |text: &str| {
        let row = format!("・{text}\n");
        if let Err((s, _)) = wait_on(&screen, DEADLINE, |s| s.contains(&row)) {
            panic!("{text:?} never showed on the viewer's screen:\n{s}");
        }
    };
    let (saved, imported) = std::thread::scope(|sc| {
        let cli = sc.spawn(|| command_line(&place, (0, 2), &shows, &running, &ran));
        let saved = take_minutes(&mut taker, "A", &running, &shows);
        (saved, cli.join().expect("the command line"))
    });
    eprintln!(
        "1 app × {} commands (2 passes): {} opinions saved, {} imported, known backup alarms {}",
        ran.load(Ordering::Relaxed),
        saved.len(),
        imported.len(),
        KNOWN_SEEN.load(Ordering::Relaxed)
    );
    // The taker sees the imports too.
    for text in &imported {
        taker.wait_for(&saved_row(text));
    }
    quit_from_minutes(&mut taker, DEADLINE).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(taker.wait_exit().code(), Some(0));
    taker.finish();
    let mut viewer = viewer;
    viewer.send(b"q");
    assert_eq!(viewer.wait_exit().code(), Some(0));
    viewer.finish();

    assert_wal_folded(&place);
    let mut all = saved;
    all.extend(imported);
    assert_all_there(&place, &all, "one taker");
}

/// Two apps minuting the same meeting (the same item) at once while two
/// command lines each run every command and the sqlite3 tool: nothing
/// either screen called saved is lost, and each sees the other's entries.
#[test]
fn two_apps_minuting_one_meeting_with_commands_running_lose_nothing() {
    let place = sample_place();
    let mut a = App::spawn(&place.home, &place.db);
    let mut b = App::spawn(&place.home, &place.db);
    for app in [&mut a, &mut b] {
        app.wait_until("the calendar", ready);
        start_minutes(app, DEADLINE).unwrap_or_else(|e| panic!("{e}"));
    }
    // Two command lines at once, each running every command once.
    let running = AtomicUsize::new(2);
    let ran = AtomicUsize::new(0);
    let (sa, sb, imported) = std::thread::scope(|sc| {
        let lines: Vec<_> = (0..2)
            .map(|who| {
                let (place, running, ran) = (&place, &running, &ran);
                sc.spawn(move || command_line(place, (who, 1), &|_| {}, running, ran))
            })
            .collect();
        let ta = sc.spawn(|| take_minutes(&mut a, "B1", &running, &|_| {}));
        let sb = take_minutes(&mut b, "B2", &running, &|_| {});
        let imported: Vec<String> = lines
            .into_iter()
            .flat_map(|l| l.join().expect("a command line"))
            .collect();
        (ta.join().expect("taker 1"), sb, imported)
    });
    eprintln!(
        "2 apps × {} commands: {} + {} opinions saved, {} imported, known backup alarms {}",
        ran.load(Ordering::Relaxed),
        sa.len(),
        sb.len(),
        imported.len(),
        KNOWN_SEEN.load(Ordering::Relaxed)
    );
    // Each screen shows the other's last entry.
    a.wait_for(&saved_row(sb.last().expect("B2 saved")));
    b.wait_for(&saved_row(sa.last().expect("B1 saved")));
    for app in [&mut a, &mut b] {
        quit_from_minutes(app, DEADLINE).unwrap_or_else(|e| panic!("{e}"));
    }
    for app in [a, b] {
        assert_eq!(app.wait_exit().code(), Some(0));
        app.finish();
    }
    assert_wal_folded(&place);
    let all: Vec<String> = sa.into_iter().chain(sb).chain(imported).collect();
    assert_all_there(&place, &all, "two takers");
}

/// Known problem, ignored until fixed (notes/e2e-notes.md): on a clean
/// quit the app leaves its `-wal` full of frames, because its search
/// connection is still open when the main one closes, so the last close
/// cannot checkpoint and remove it. The README's restore (「kusei を止めて
/// cp バックアップ 元のファイル」) then has that stale `-wal` replayed onto
/// the restored copy: the restore silently keeps the later changes (and on
/// a copy of another lineage, corrupts it).
#[test]
fn a_clean_quit_leaves_no_wal_with_frames_behind() {
    let place = sample_place();
    let mut app = App::spawn(&place.home, &place.db);
    app.wait_until("the calendar", ready);
    start_minutes(&mut app, DEADLINE).unwrap_or_else(|e| panic!("{e}"));
    save_opinion(&mut app, "終了前に保存した意見", DEADLINE).unwrap_or_else(|e| panic!("{e}"));
    quit_from_minutes(&mut app, DEADLINE).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(app.wait_exit().code(), Some(0));
    app.finish();
    let left = wal_size(&place.db).unwrap_or(0);
    assert_eq!(left, 0, "a -wal of {left} bytes is left after a clean quit");
}
