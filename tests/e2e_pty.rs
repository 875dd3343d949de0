//! End to end: the real binary in a pseudo-terminal (80×24,
//! TERM=xterm-256color), driven by bytes as a terminal sends them, its
//! screen read back through a small terminal emulator.
//!
//! Robust on a loaded machine: every wait is "until this appears on the
//! screen (or in the database)", with a generous deadline; nothing assumes
//! how long anything takes. The PTY is made with libc (already a dependency)
//! rather than a PTY crate, so these tests add no dependencies.

#![cfg(unix)]

mod support;

use std::os::unix::process::ExitStatusExt;
use std::time::{Duration, Instant};

use support::pty::*;

// ---- the tests ------------------------------------------------------------------------

/// Wait until the calendar shows the sample with the last meeting's detail
/// (today is not in fiscal 2017, so the last meeting is selected).
fn wait_ready(app: &App) -> String {
    app.wait_until("the calendar with 第5回's detail", |s| {
        s.contains("平成29年度") && s.contains("第5回 平成29年8月21日")
    })
}

/// Quit from minute taking: Esc to the list, Esc out, q. Each step waits
/// for the screen to change (a lone ESC must arrive alone, or the terminal
/// input parser would read it as Alt plus the next key).
fn quit_from_minutes(app: &mut App) {
    app.send(b"\x1b");
    // List mode: the mode label, or (when a narrow status line cuts the
    // label off) the list's hints.
    app.wait_until("list mode", |s| {
        s.contains("記録・選択") || s.contains("終える")
    });
    app.send(b"\x1b");
    app.wait_until("the calendar", |s| {
        s.contains("会議 5 件") && !s.contains("記録中")
    });
    app.send(b"q");
}

fn last(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

#[test]
fn starts_shows_the_sample_and_q_restores_the_terminal() {
    let s = setup();
    let mut app = App::spawn(s.dir.path(), &s.db);
    let screen = wait_ready(&app);
    assert!(screen.contains("第5回"), "{screen}");
    assert!(screen.contains(" kusei "), "{screen}");
    app.send(b"q");
    let status = app.wait_exit();
    assert_eq!(status.code(), Some(0), "{status:?}");

    let t = app.termios();
    assert!(
        t.c_lflag & libc::ICANON != 0 && t.c_lflag & libc::ECHO != 0,
        "raw mode was not turned off"
    );
    let raw = app.finish();
    let enter = last(&raw, b"\x1b[?1049h").expect("entered the alternate screen");
    let leave = last(&raw, b"\x1b[?1049l").expect("left the alternate screen");
    assert!(leave > enter, "the alternate screen is left at the end");
    let paste_off = last(&raw, b"\x1b[?2004l").expect("bracketed paste turned off");
    assert!(paste_off > enter);
    // After leaving, only mode switches (showing the cursor): nothing drawn
    // on the user's normal screen.
    let tail = &raw[leave + b"\x1b[?1049l".len()..];
    let mut vt = Vt::new(W, H);
    vt.feed(tail);
    assert_eq!(vt.text().trim(), "", "drawn after leaving: {tail:?}");
    assert!(
        raw.ends_with(b"\x1b[?1049l") || last(&raw, b"\x1b[?25h").is_some_and(|i| i > leave),
        "the cursor is shown again: {tail:?}"
    );
}

#[test]
fn an_opinion_typed_in_japanese_is_saved_and_exported() {
    let s = setup();
    let mut app = App::spawn(s.dir.path(), &s.db);
    wait_ready(&app);
    app.send(b"m");
    app.wait_for("記録中");
    app.send("テスト意見".as_bytes());
    app.wait_for("意見 > テスト意見");
    app.send(b"\r");
    // The message and the reloaded entry arrive separately; wait for both.
    app.wait_until("the entry saved and shown", |s| {
        s.contains("保存しました") && s.contains("✓  ・テスト意見")
    });
    quit_from_minutes(&mut app);
    assert_eq!(app.wait_exit().code(), Some(0));
    app.finish();

    let out = base_command(s.dir.path())
        .arg("--db")
        .arg(&s.db)
        .arg("export")
        .output()
        .expect("kusei export");
    assert!(out.status.success());
    let data: kusei::model::Dataset =
        serde_json::from_slice(&out.stdout).expect("export is kusei JSON");
    let m = data
        .meetings
        .iter()
        .find(|m| m.fiscal_year == 2017 && m.number == 5)
        .expect("第5回");
    let texts: Vec<&str> = m.items[0]
        .opinions
        .iter()
        .map(|o| o.text.as_str())
        .collect();
    assert_eq!(texts.last(), Some(&"テスト意見"), "{texts:?}");
}

#[test]
fn a_draft_survives_kill_9_and_comes_back() {
    let s = setup();
    let mut app = App::spawn(s.dir.path(), &s.db);
    wait_ready(&app);
    app.send(b"m");
    app.wait_for("記録中");
    let draft = "下書きは消えない";
    app.send(draft.as_bytes());
    app.wait_for(draft);

    // The draft reaches the file on its own, without Enter.
    let conn =
        rusqlite::Connection::open_with_flags(&s.db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    let end = Instant::now() + Duration::from_secs(10);
    loop {
        let saved: Option<String> = conn
            .query_row(
                "SELECT text FROM drafts WHERE context LIKE 'minutes:%'",
                [],
                |r| r.get(0),
            )
            .ok();
        if saved.as_deref() == Some(draft) {
            break;
        }
        assert!(
            Instant::now() < end,
            "the draft was not saved within 10 s (found {saved:?})"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    drop(conn);
    let status = app.kill9();
    assert_eq!(status.signal(), Some(libc::SIGKILL));
    app.finish();

    let mut app = App::spawn(s.dir.path(), &s.db);
    wait_ready(&app);
    app.send(b"m");
    let screen = app.wait_for(draft);
    assert!(screen.contains(&format!("意見 ✓> {draft}")), "{screen}");
    app.wait_for("前回の下書きを戻しました");
    quit_from_minutes(&mut app);
    assert_eq!(app.wait_exit().code(), Some(0));
    app.finish();
}

/// A dropped SSH connection (SIGHUP) right after typing: the draft the
/// worker held in memory is written before the process goes.
#[test]
fn a_hang_up_right_after_typing_keeps_the_draft() {
    let s = setup();
    let mut app = App::spawn(s.dir.path(), &s.db);
    wait_ready(&app);
    app.send(b"m");
    app.wait_for("記録中");
    let draft = "切断直前に打った文字";
    app.send(draft.as_bytes());
    app.wait_for(draft);
    // SAFETY: signalling our own, not yet reaped, child.
    unsafe { libc::kill(app.pid, libc::SIGHUP) };
    let hung_up = Instant::now();
    let status = app.wait_exit();
    let gone_after = hung_up.elapsed();
    app.finish();
    assert_ne!(status.signal(), Some(libc::SIGHUP), "died of the signal");
    // Gone promptly, not spinning on a dead terminal.
    assert!(
        gone_after < Duration::from_secs(2),
        "still running {gone_after:?} after the hang-up"
    );
    let conn =
        rusqlite::Connection::open_with_flags(&s.db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    let saved: Option<String> = conn
        .query_row(
            "SELECT text FROM drafts WHERE context LIKE 'minutes:%'",
            [],
            |r| r.get(0),
        )
        .ok();
    assert_eq!(saved.as_deref(), Some(draft));
}

/// Saved means saved: an entry the screen showed as saved is there after
/// `kill -9`.
#[test]
fn a_submitted_entry_survives_kill_9() {
    let s = setup();
    let mut app = App::spawn(s.dir.path(), &s.db);
    wait_ready(&app);
    app.send(b"m");
    app.wait_for("記録中");
    app.send("送信後に強制終了".as_bytes());
    app.wait_for("意見 > 送信後に強制終了");
    app.send(b"\r");
    app.wait_until("the entry shown as saved", |s| {
        s.contains("保存しました") && s.contains("✓  ・送信後に強制終了")
    });
    let status = app.kill9();
    assert_eq!(status.signal(), Some(libc::SIGKILL));
    app.finish();

    let mut app = App::spawn(s.dir.path(), &s.db);
    wait_ready(&app);
    app.send(b"m");
    app.wait_for("✓  ・送信後に強制終了");
    let conn =
        rusqlite::Connection::open_with_flags(&s.db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    let n: i64 = conn
        .query_row(
            "SELECT count(*) FROM opinions WHERE text = '送信後に強制終了'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 1);
    let drafts: i64 = conn
        .query_row("SELECT count(*) FROM drafts", [], |r| r.get(0))
        .unwrap();
    assert_eq!(drafts, 0, "the draft went with the save");
    quit_from_minutes(&mut app);
    assert_eq!(app.wait_exit().code(), Some(0));
    app.finish();
}

/// Another process writes to the shared file; the screen that is open on
/// the same meeting shows it by itself (the app polls `PRAGMA
/// data_version` every 500 ms), naming who changed it.
#[test]
fn a_change_by_another_process_appears_on_screen() {
    let s = setup();
    let mut app = App::spawn(s.dir.path(), &s.db);
    wait_ready(&app);
    // Minute taking on 第5回's first item: its entries are all on screen.
    app.send(b"m");
    app.wait_for("記録中");
    let mut other =
        kusei::db::Store::open(&s.db, kusei::db::OpenOptions::default()).expect("second writer");
    let meeting = other.meetings_of_year(2017).expect("year")[4].id;
    let item = other
        .meeting_detail(meeting)
        .expect("detail")
        .expect("第5回")
        .items[0]
        .id;
    other
        .add_opinion(item, "別の端末から追加した意見", None, None)
        .expect("write from the other process");
    let written = Instant::now();
    app.wait_for("別の端末から追加した意見");
    let latency = written.elapsed();
    eprintln!("another process's change on screen after {latency:?}");
    // The status line names the change too (it may come a moment later).
    let note = format!("1件の更新 ({}", kusei::db::osuser::current().1);
    app.wait_until("the status line's note of the change", |s| {
        s.contains(&note)
    });
    // Generous for a loaded machine; typically about half a second.
    assert!(latency < Duration::from_secs(3), "took {latency:?}");
    quit_from_minutes(&mut app);
    assert_eq!(app.wait_exit().code(), Some(0));
    app.finish();
}

/// The emulator itself: what it shows for a few sequences ratatui sends.
#[test]
fn the_test_terminal_reads_wide_characters_and_cursor_moves() {
    let mut vt = Vt::new(10, 2);
    vt.feed("\x1b[?1049h\x1b[1;1H平成\x1b[1m29\x1b[0m年\x1b[2;3Hx".as_bytes());
    assert_eq!(vt.text(), "平成29年\n  x\n");
    assert!(vt.alt_screen);
    vt.feed("\x1b[1;5H区".as_bytes());
    assert_eq!(vt.text(), "平成区年\n  x\n");
    vt.feed(b"\x1b[2J\x1b[?1049l");
    assert_eq!(vt.text(), "\n\n");
    assert!(!vt.alt_screen);
    let mut vt = Vt::new(10, 1);
    vt.feed("区長\x1b[1;2Hx".as_bytes());
    assert_eq!(
        vt.text(),
        " x長\n",
        "writing into half a wide char blanks it"
    );
    let mut vt = Vt::new(10, 1);
    vt.feed(b"\x1b[6n");
    assert_eq!(vt.replies, b"\x1b[1;1R");
}

/// Golden: a row holding ESC sequences, C1 controls and bidi overrides is
/// drawn as markers; none of its control characters is written to the
/// terminal.
#[test]
fn hostile_text_never_reaches_the_terminal() {
    let s = setup();
    let hostile = "区長\u{1b}]0;pwned\u{7}：\u{9b}2J予算\u{202e}txet\u{7f}";
    {
        let mut store =
            kusei::db::Store::open(&s.db, kusei::db::OpenOptions::default()).expect("open");
        let m = store.meetings_of_year(2017).expect("year")[4].id;
        let item = store
            .meeting_detail(m)
            .expect("detail")
            .expect("第5回")
            .items[0]
            .id;
        store.add_opinion(item, hostile, None, None).expect("plant");
    }
    let mut app = App::spawn(s.dir.path(), &s.db);
    wait_ready(&app);
    app.send(b"m");
    app.wait_for("pwned⟨U+0007⟩");
    quit_from_minutes(&mut app);
    assert_eq!(app.wait_exit().code(), Some(0));
    let raw = app.finish();
    for needle in [
        "\u{1b}]0;pwned".as_bytes(),
        "\u{9b}".as_bytes(),
        "\u{202e}".as_bytes(),
        b"\x07",
        b"\x7f",
    ] {
        assert!(
            last(&raw, needle).is_none(),
            "{needle:?} was written to the terminal"
        );
    }
}

/// `TERM=dumb` in a real terminal: a message naming TERM, exit 1, and the
/// terminal left alone (no alternate screen).
#[test]
fn term_dumb_is_refused_with_a_message() {
    let s = setup();
    let app = App::spawn_term(s.dir.path(), &s.db, "dumb");
    let status = app.wait_exit();
    let raw = app.finish();
    assert_eq!(status.code(), Some(1));
    let text = String::from_utf8_lossy(&raw);
    assert!(text.contains("TERM が dumb"), "{text}");
    assert!(last(&raw, b"\x1b[?1049h").is_none(), "no alternate screen");
}

/// `kill -9` at random moments while Japanese is typed and saved: over
/// `runs` sessions on one file, no opinion the screen showed as saved is
/// lost, no draft older than the save interval is lost, and `quick_check`
/// passes every time.
fn kill_at_random_moments(runs: u64) {
    let s = setup();
    let mut acknowledged: Vec<String> = Vec::new();
    let mut rng = 0x2545_F491_4F6C_DD1Du64;
    let mut next = move |n: u64| {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng % n
    };
    let words = [
        "区長",
        "予算",
        "団地",
        "再生",
        "検討",
        "意見",
        "連携",
        "地域",
        "子育て",
        "防災",
    ];
    for run in 0..runs {
        let mut app = App::spawn(s.dir.path(), &s.db);
        wait_ready(&app);
        app.send(b"m");
        app.wait_for("記録中");
        let entries = 1 + next(3);
        for e in 0..entries {
            let text: String = (0..2 + next(4))
                .map(|_| words[next(words.len() as u64) as usize])
                .collect::<Vec<_>>()
                .join("");
            let text = format!("{text}{run}-{e}");
            app.send(text.as_bytes());
            app.wait_for(&text);
            app.send(b"\r");
            app.wait_for(&format!("・{text}"));
            app.wait_until("saved", |scr| !scr.contains("（保存中）"));
            acknowledged.push(text);
        }
        // A draft, then the kill: sometimes at once, sometimes after the
        // save interval has passed.
        let draft = format!("下書き{run}");
        app.send(draft.as_bytes());
        app.wait_for(&draft);
        let typed_at = Instant::now();
        std::thread::sleep(Duration::from_millis(next(600)));
        let waited = typed_at.elapsed();
        app.kill9();
        app.finish();

        let conn = rusqlite::Connection::open_with_flags(
            &s.db,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        )
        .unwrap();
        let check: String = conn
            .query_row("PRAGMA quick_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(check, "ok", "run {run}");
        for t in &acknowledged {
            let n: i64 = conn
                .query_row("SELECT count(*) FROM opinions WHERE text = ?1", [t], |r| {
                    r.get(0)
                })
                .unwrap();
            assert_eq!(n, 1, "run {run}: the saved entry {t:?} is lost");
        }
        let saved: Option<String> = conn
            .query_row(
                "SELECT text FROM drafts WHERE context LIKE 'minutes:%'",
                [],
                |r| r.get(0),
            )
            .ok();
        // The draft is written within ~250 ms of the last change; allow a
        // loaded machine some slack before calling it lost.
        if waited > Duration::from_millis(450) {
            assert_eq!(
                saved.as_deref(),
                Some(draft.as_str()),
                "run {run}: draft lost after {waited:?}"
            );
        }
        // Clear the draft so the next session starts from an empty input.
        drop(conn);
        // (Drafts belong to a session; the killed one's would be handed
        // to the next, so they are removed here.)
        let conn = rusqlite::Connection::open(&s.db).unwrap();
        conn.execute("DELETE FROM drafts", []).unwrap();
    }
    eprintln!(
        "{runs} sessions killed at random moments: {} saved entries, none lost",
        acknowledged.len()
    );
}

#[test]
fn kill_9_at_random_moments_loses_nothing() {
    kill_at_random_moments(20);
}

#[test]
#[ignore = "100 runs: cargo test --test e2e_pty -- --ignored --nocapture"]
fn kill_9_at_random_moments_100_runs() {
    kill_at_random_moments(100);
}

/// A panic restores the terminal: the alternate screen is left, raw mode
/// and bracketed paste are off, and the panic message is readable.
/// (Debug builds have a key that panics on purpose, `KUSEI_DEBUG_PANIC_KEY`.)
#[test]
fn a_panic_restores_the_terminal() {
    let s = setup();
    let mut app = App::spawn_env(
        s.dir.path(),
        &s.db,
        &[("TERM", "xterm-256color"), ("KUSEI_DEBUG_PANIC_KEY", "Z")],
    );
    wait_ready(&app);
    app.send(b"Z");
    let status = app.wait_exit();
    assert_eq!(status.code(), Some(101), "a panic exits 101");
    let t = app.termios();
    assert_ne!(t.c_lflag & libc::ICANON, 0, "raw mode is off again");
    assert_ne!(t.c_lflag & libc::ECHO, 0, "echo is back");
    let raw = app.finish();
    let message = raw
        .windows(b"deliberate panic".len())
        .position(|w| w == b"deliberate panic")
        .expect("the panic message is shown");
    // The hook restores the terminal before the message is printed, so the
    // message lands on the normal screen.
    let before = &raw[..message];
    assert!(
        last(before, b"\x1b[?1049l").is_some(),
        "left the alternate screen first"
    );
    assert!(
        last(before, b"\x1b[?2004l").is_some(),
        "bracketed paste off first"
    );
}
