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
