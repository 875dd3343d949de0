//! The mouse and the 16 colours, end to end: the real binary in a
//! pseudo-terminal (support::pty), sent the SGR mouse reports a terminal
//! sends (`ESC[<0;x;yM` press, `…m` release, 64/65 the wheel; x and y
//! count from 1), its screen read back. And with `TERM=xterm` the bytes
//! it writes hold no 256-colour form (`38;5;`/`48;5;`).

#![cfg(unix)]

mod support;

use support::pty::*;

fn wait_ready(app: &App) -> String {
    app.wait_until("the calendar with 第5回's detail", |s| {
        s.contains("平成29年度") && s.contains("第5回 平成29年8月21日")
    })
}

/// A left click at column `x`, row `y` (0-based screen cells).
fn click(app: &mut App, x: u16, y: u16) {
    app.send(format!("\x1b[<0;{};{}M", x + 1, y + 1).as_bytes());
    app.send(format!("\x1b[<0;{};{}m", x + 1, y + 1).as_bytes());
}

fn wheel(app: &mut App, x: u16, y: u16, down: bool) {
    let b = if down { 65 } else { 64 };
    app.send(format!("\x1b[<{b};{};{}M", x + 1, y + 1).as_bytes());
}

/// The row of the screen holding `text`.
fn row_of(screen: &str, text: &str) -> u16 {
    screen
        .lines()
        .position(|l| l.contains(text))
        .unwrap_or_else(|| panic!("{text:?} not on screen:\n{screen}")) as u16
}

fn write_config(home: &std::path::Path, text: &str) {
    let dir = home.join("config").join("kusei");
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(dir.join("config.toml"), text).expect("config");
}

#[test]
fn clicks_select_tabs_meetings_and_the_wheel_scrolls() {
    let s = setup();
    let cfg = s.dir.path().join("config");
    let cfg = cfg.to_str().expect("utf-8");
    let mut app = App::spawn_env(s.dir.path(), &s.db, &[("XDG_CONFIG_HOME", cfg)]);
    let screen = wait_ready(&app);
    // The meeting list: 第1回 is on the row below the list's title.
    let y = row_of(&screen, "第1回  4月20日");
    click(&mut app, 45, y);
    app.wait_for("第1回 平成29年4月20日");
    // The wheel down over the list: three meetings on.
    wheel(&mut app, 45, y, true);
    app.wait_for("第4回 平成29年7月19日");
    wheel(&mut app, 45, y, false);
    app.wait_for("第1回 平成29年4月20日");
    // The wheel over the month grid turns the month (April → May; the
    // cursor goes from 4/20 to 5/20, no meeting there).
    let week0 = row_of(&app.screen(), "  日  月  火") + 1;
    wheel(&mut app, 5, week0, true);
    app.wait_until("May in the grid", |s| s.contains("(2017) 5月"));
    // A click on the 18th: May 2017 starts on a Monday, so the 18th is the
    // Thursday of the third week, columns 16–19. 第2回 was held that day.
    click(&mut app, 17, week0 + 2);
    app.wait_for("第2回 平成29年5月18日");
    // A tab: " kusei " " 1 会議 " " 2 出席 " — 2 出席 starts at column 17.
    click(&mut app, 19, 0);
    app.wait_until("the attendance matrix", |s| s.contains("出席率"));
    click(&mut app, 10, 0);
    app.wait_until("back on the calendar", |s| s.contains("会議 5 件"));
    app.send(b"q");
    assert_eq!(app.wait_exit().code(), Some(0));
    let raw = app.finish();
    let raw = String::from_utf8_lossy(&raw);
    assert!(raw.contains("\x1b[?1000h"), "mouse reports were turned on");
    let on = raw.rfind("\x1b[?1000h").expect("on");
    let off = raw
        .rfind("\x1b[?1000l")
        .expect("mouse reports turned off at exit");
    assert!(off > on);
}

#[test]
fn mouse_off_in_the_config_leaves_the_terminal_alone() {
    let s = setup();
    write_config(s.dir.path(), "[ui]\nmouse = false\n");
    let cfg = s.dir.path().join("config");
    let mut app = App::spawn_env(
        s.dir.path(),
        &s.db,
        &[("XDG_CONFIG_HOME", cfg.to_str().expect("utf-8"))],
    );
    wait_ready(&app);
    click(&mut app, 19, 0);
    // Keys still work, and the click before them did nothing.
    app.send(b"3");
    app.wait_until("the policy tab", |s| s.contains("運営方針・計画"));
    app.send(b"q");
    assert_eq!(app.wait_exit().code(), Some(0));
    let raw = app.finish();
    let raw = String::from_utf8_lossy(&raw);
    assert!(!raw.contains("\x1b[?1000h"), "no mouse reports asked for");
    assert!(!raw.contains("出席率"), "the click on 2 出席 was not taken");
    assert!(
        raw.contains("\x1b[?1000l"),
        "turned off at exit all the same"
    );
}

#[test]
fn sixteen_colours_under_term_xterm() {
    let s = setup();
    let mut app = App::spawn_term(s.dir.path(), &s.db, "xterm");
    wait_ready(&app);
    app.send(b"2");
    app.wait_until("the attendance matrix", |s| s.contains("出席率"));
    app.send(b"q");
    assert_eq!(app.wait_exit().code(), Some(0));
    let raw = app.finish();
    let text = String::from_utf8_lossy(&raw);
    assert!(
        !text.contains("38;5;"),
        "a 256-colour foreground was written"
    );
    assert!(
        !text.contains("48;5;"),
        "a 256-colour background was written"
    );
    // The 16-colour theme's cyan tab and its status bar, in their own codes.
    assert!(text.contains("36m") || text.contains(";36"), "cyan (36)");
    assert!(
        text.contains("47m") || text.contains(";47"),
        "white background (47)"
    );
}

#[test]
fn clicks_select_rows_and_cells_in_the_other_tabs() {
    let s = setup();
    let mut app = App::spawn_sized(s.dir.path(), &s.db, &[], (100, 30));
    wait_ready(&app);
    // Attendance: a click on 副区長's cell of 第3回 selects that cell (the
    // bottom line names it).
    app.send(b"2");
    let screen = app.wait_until("the matrix", |s| {
        s.contains(" 副区長 ") && s.contains("出席者数") && s.contains("第3回")
    });
    let y = row_of(&screen, " 副区長 ");
    let line = screen.lines().nth(y as usize).expect("row");
    let header = screen
        .lines()
        .find(|l| l.contains("第3回"))
        .expect("header");
    let x = unicode_width::UnicodeWidthStr::width(&header[..header.find("第3回").expect("col")]);
    assert!(line.starts_with(" 副区長"));
    click(&mut app, x as u16 + 1, y);
    app.wait_until("副区長 第3回 selected", |s| {
        s.lines().any(|l| l.starts_with(" 副区長  第3回"))
    });
    // The wheel over the rows moves the selection three rows down.
    wheel(&mut app, 5, y, true);
    app.wait_until("three rows down", |s| {
        !s.lines().any(|l| l.starts_with(" 副区長  第3回")) && s.contains("  第3回 平成29年6月21日")
    });
    // Policy: a click on a node selects it.
    app.send(b"3");
    let screen = app.wait_until("the tree", |s| s.contains("経営課題1"));
    let y = row_of(&screen, "経営課題1");
    click(&mut app, 10, y);
    app.wait_until("経営課題1 in the detail", |s| {
        s.lines().any(|l| l.starts_with(" 経営課題1 ")) && s.contains("階層 経営課題  コード 1")
    });
    // Progress: a click on 1-2-1's cell of H26年度 selects that item and
    // period (the line under the grid names them).
    app.send(b"4");
    app.wait_for("1-2-1 地域活動協議会");
    // The grid opens at today's half year: step back until H26年度 shows.
    for _ in 0..40 {
        if app.screen().contains("H26年度") {
            break;
        }
        app.send(b"<");
        std::thread::sleep(std::time::Duration::from_millis(150));
    }
    let screen = app.wait_until("the grid", |s| {
        s.contains("1-2-1 地域活動協議会") && s.contains("H26年度") && s.contains("予算 7,133千円")
    });
    let y = row_of(&screen, "1-2-1 地域活動協議会");
    let header = screen
        .lines()
        .find(|l| l.contains("H26年度"))
        .expect("periods");
    let x = unicode_width::UnicodeWidthStr::width(&header[..header.find("H26年度").expect("col")]);
    click(&mut app, x as u16 + 1, y);
    app.wait_until("1-2-1 in H26年度", |s| {
        s.lines().any(|l| {
            l.starts_with(" 1-2-1 地域活動協議会の運営支援")
                && l.contains("平成26年度")
                && !l.contains("下半期")
        })
    });
    // Search: a click on the fourth result selects it.
    app.send(b"/");
    app.wait_for("検索");
    app.send("団地".as_bytes());
    let screen = app.wait_until("results", |s| s.contains("議題 H29.4.20 第1回"));
    let y = row_of(&screen, "議題 H29.4.20 第1回");
    click(&mut app, 20, y);
    app.wait_until("the fourth result selected", |s| {
        s.lines().any(|l| l.starts_with(">議題 H29.4.20 第1回"))
    });
    // A click outside the results (on the tabs) is not taken while the
    // search is open; Esc closes it.
    click(&mut app, 19, 0);
    app.send(b"\x1b");
    let screen = app.wait_until("search closed, the progress grid again", |s| {
        !s.contains("検索  9 件") && s.contains("1-2-1 地域活動協議会") && s.contains("H26年度")
    });
    assert!(
        !screen.contains("出席率"),
        "the click on 2 出席 was not taken"
    );
    app.send(b"q");
    assert_eq!(app.wait_exit().code(), Some(0));
}

/// Mouse reports off however the app leaves: after a panic and after a
/// hang-up (SIGHUP), as after q.
#[test]
fn mouse_reports_are_turned_off_after_a_panic_and_a_hang_up() {
    let s = setup();
    let mut app = App::spawn_env(s.dir.path(), &s.db, &[("KUSEI_DEBUG_PANIC_KEY", "Z")]);
    wait_ready(&app);
    app.send(b"Z");
    let status = app.wait_exit();
    assert!(!status.success(), "{status:?}");
    let raw = String::from_utf8_lossy(&app.finish()).into_owned();
    let on = raw.rfind("\x1b[?1000h").expect("mouse on");
    let off = raw.rfind("\x1b[?1000l").expect("mouse off after the panic");
    assert!(off > on);

    let app = App::spawn(s.dir.path(), &s.db);
    wait_ready(&app);
    // SAFETY: signalling our own child.
    unsafe { libc::kill(app.pid, libc::SIGHUP) };
    app.wait_exit();
    let raw = String::from_utf8_lossy(&app.finish()).into_owned();
    let on = raw.rfind("\x1b[?1000h").expect("mouse on");
    let off = raw
        .rfind("\x1b[?1000l")
        .expect("mouse off after the hang-up");
    assert!(off > on);
}
