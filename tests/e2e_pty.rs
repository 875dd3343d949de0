//! End to end: the real binary in a pseudo-terminal (80×24,
//! TERM=xterm-256color), driven by bytes as a terminal sends them, its
//! screen read back through a small terminal emulator.
//!
//! Robust on a loaded machine: every wait is "until this appears on the
//! screen (or in the database)", with a generous deadline; nothing assumes
//! how long anything takes. The PTY is made with libc (already a dependency)
//! rather than a PTY crate, so these tests add no dependencies.

#![cfg(unix)]

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, FromRawFd};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use unicode_width::UnicodeWidthChar;

const W: u16 = 80;
const H: u16 = 24;
/// How long any one thing may take to appear, however loaded the machine.
const DEADLINE: Duration = Duration::from_secs(20);

const BIN: &str = env!("CARGO_BIN_EXE_kusei");

// ---- a minimal terminal emulator ------------------------------------------------

/// Just enough of a VT to read back what crossterm + ratatui draw: cursor
/// addressing, erase, wide characters, the alternate screen; colours and
/// other attributes are ignored. Answers cursor-position queries.
struct Vt {
    w: usize,
    h: usize,
    /// Cells; "" marks the right half of a wide character.
    grid: Vec<Vec<String>>,
    row: usize,
    col: usize,
    state: ParseState,
    utf8: Vec<u8>,
    alt_screen: bool,
    /// Bytes to send back to the application (query answers).
    replies: Vec<u8>,
}

#[derive(Clone, PartialEq)]
enum ParseState {
    Ground,
    Esc,
    EscSkip,
    Csi(String),
    Osc,
    OscEsc,
}

impl Vt {
    fn new(w: u16, h: u16) -> Vt {
        let (w, h) = (w as usize, h as usize);
        Vt {
            w,
            h,
            grid: vec![vec![" ".to_string(); w]; h],
            row: 0,
            col: 0,
            state: ParseState::Ground,
            utf8: Vec::new(),
            alt_screen: false,
            replies: Vec::new(),
        }
    }

    fn text(&self) -> String {
        let mut out = String::new();
        for line in &self.grid {
            let l: String = line.iter().map(String::as_str).collect();
            out.push_str(l.trim_end());
            out.push('\n');
        }
        out
    }

    fn clear_cells(&mut self, row: usize, from: usize, to: usize) {
        for c in from..to.min(self.w) {
            self.grid[row][c] = " ".to_string();
        }
    }

    fn newline(&mut self) {
        if self.row + 1 < self.h {
            self.row += 1;
        } else {
            self.grid.remove(0);
            self.grid.push(vec![" ".to_string(); self.w]);
        }
    }

    fn put(&mut self, c: char) {
        let Some(width) = c.width() else { return };
        if width == 0 {
            // A combining mark joins the cell before.
            if self.col > 0 {
                let prev = self.col - 1;
                self.grid[self.row][prev].push(c);
            }
            return;
        }
        if self.col + width > self.w {
            self.col = 0;
            self.newline();
        }
        // Overwriting half of a wide character blanks the other half.
        if self.grid[self.row][self.col].is_empty() && self.col > 0 {
            self.grid[self.row][self.col - 1] = " ".to_string();
        }
        self.grid[self.row][self.col] = c.to_string();
        if width == 2 {
            self.grid[self.row][self.col + 1] = String::new();
        }
        self.col += width;
        if self.col < self.w && self.grid[self.row][self.col].is_empty() {
            self.grid[self.row][self.col] = " ".to_string();
        }
    }

    fn feed(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.byte(b);
        }
    }

    fn byte(&mut self, b: u8) {
        match std::mem::replace(&mut self.state, ParseState::Ground) {
            ParseState::Ground => self.ground(b),
            ParseState::Esc => match b {
                b'[' => self.state = ParseState::Csi(String::new()),
                b']' => self.state = ParseState::Osc,
                b'(' | b')' | b'*' | b'+' | b'#' | b'%' => self.state = ParseState::EscSkip,
                _ => {}
            },
            ParseState::EscSkip => {}
            ParseState::Csi(mut params) => {
                if (0x40..=0x7e).contains(&b) {
                    self.csi(&params, b as char);
                } else {
                    params.push(b as char);
                    self.state = ParseState::Csi(params);
                }
            }
            ParseState::Osc => match b {
                0x07 => {}
                0x1b => self.state = ParseState::OscEsc,
                _ => self.state = ParseState::Osc,
            },
            ParseState::OscEsc => {
                if b != b'\\' {
                    self.state = ParseState::Osc;
                }
            }
        }
    }

    fn ground(&mut self, b: u8) {
        if !self.utf8.is_empty() || b >= 0x80 {
            self.utf8.push(b);
            match std::str::from_utf8(&self.utf8) {
                Ok(s) => {
                    let s = s.to_string();
                    self.utf8.clear();
                    for c in s.chars() {
                        self.put(c);
                    }
                }
                Err(e) if e.error_len().is_some() => self.utf8.clear(),
                Err(_) => {}
            }
            return;
        }
        match b {
            0x1b => self.state = ParseState::Esc,
            b'\r' => self.col = 0,
            b'\n' => self.newline(),
            0x08 => self.col = self.col.saturating_sub(1),
            0x20..=0x7e => self.put(b as char),
            _ => {}
        }
    }

    fn csi(&mut self, params: &str, fin: char) {
        let private = params.starts_with('?');
        let nums: Vec<usize> = params
            .trim_start_matches(['?', '>', '='])
            .split([';', ':'])
            .map(|p| p.parse().unwrap_or(0))
            .collect();
        let n = |i: usize, default: usize| match nums.get(i) {
            Some(&v) if v > 0 => v,
            _ => default,
        };
        match (private, fin) {
            (true, 'h' | 'l') if nums.contains(&1049) => {
                self.alt_screen = fin == 'h';
                if fin == 'h' {
                    for r in 0..self.h {
                        self.clear_cells(r, 0, self.w);
                    }
                }
            }
            (false, 'H') | (false, 'f') => {
                self.row = (n(0, 1) - 1).min(self.h - 1);
                self.col = (n(1, 1) - 1).min(self.w - 1);
            }
            (false, 'A') => self.row = self.row.saturating_sub(n(0, 1)),
            (false, 'B') => self.row = (self.row + n(0, 1)).min(self.h - 1),
            (false, 'C') => self.col = (self.col + n(0, 1)).min(self.w - 1),
            (false, 'D') => self.col = self.col.saturating_sub(n(0, 1)),
            (false, 'G') => self.col = (n(0, 1) - 1).min(self.w - 1),
            (false, 'd') => self.row = (n(0, 1) - 1).min(self.h - 1),
            (false, 'J') => {
                let mode = nums.first().copied().unwrap_or(0);
                let (row, col) = (self.row, self.col);
                match mode {
                    0 => {
                        self.clear_cells(row, col, self.w);
                        for r in row + 1..self.h {
                            self.clear_cells(r, 0, self.w);
                        }
                    }
                    1 => {
                        for r in 0..row {
                            self.clear_cells(r, 0, self.w);
                        }
                        self.clear_cells(row, 0, col + 1);
                    }
                    _ => {
                        for r in 0..self.h {
                            self.clear_cells(r, 0, self.w);
                        }
                    }
                }
            }
            (false, 'K') => {
                let (row, col) = (self.row, self.col);
                match nums.first().copied().unwrap_or(0) {
                    0 => self.clear_cells(row, col, self.w),
                    1 => self.clear_cells(row, 0, col + 1),
                    _ => self.clear_cells(row, 0, self.w),
                }
            }
            (false, 'n') if nums.first() == Some(&6) => {
                let reply = format!("\x1b[{};{}R", self.row + 1, self.col + 1);
                self.replies.extend_from_slice(reply.as_bytes());
            }
            (false, 'c') => self.replies.extend_from_slice(b"\x1b[?62c"),
            _ => {}
        }
    }
}

// ---- a pseudo-terminal running kusei ------------------------------------------------

struct Shared {
    vt: Vt,
    raw: Vec<u8>,
    closed: bool,
}

struct App {
    master: File,
    /// Our own handle on the terminal, to read its modes after the app exits.
    slave: Option<File>,
    pid: i32,
    exited: Receiver<ExitStatus>,
    shared: Arc<(Mutex<Shared>, Condvar)>,
    reader: Option<JoinHandle<()>>,
}

fn check(rc: libc::c_int, what: &str) -> libc::c_int {
    assert!(rc >= 0, "{what}: {}", std::io::Error::last_os_error());
    rc
}

fn open_pty() -> (File, File) {
    // SAFETY: plain libc calls on descriptors we own; buffers outlive them.
    unsafe {
        let master = check(
            libc::posix_openpt(libc::O_RDWR | libc::O_NOCTTY | libc::O_CLOEXEC),
            "posix_openpt",
        );
        check(libc::grantpt(master), "grantpt");
        check(libc::unlockpt(master), "unlockpt");
        let mut name = [0 as libc::c_char; 128];
        check(
            libc::ptsname_r(master, name.as_mut_ptr(), name.len()),
            "ptsname_r",
        );
        let slave = check(
            libc::open(
                name.as_ptr(),
                libc::O_RDWR | libc::O_NOCTTY | libc::O_CLOEXEC,
            ),
            "open slave",
        );
        let ws = libc::winsize {
            ws_row: H,
            ws_col: W,
            ws_xpixel: 0,
            ws_ypixel: 0,
        };
        check(libc::ioctl(master, libc::TIOCSWINSZ, &ws), "TIOCSWINSZ");
        (File::from_raw_fd(master), File::from_raw_fd(slave))
    }
}

/// The environment of a user on a fresh machine: nothing inherited.
fn base_command(home: &Path) -> Command {
    let mut c = Command::new(BIN);
    c.env_clear()
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("TERM", "xterm-256color")
        .env("LANG", "C.UTF-8")
        .env("PATH", "/usr/bin:/bin");
    c
}

impl App {
    fn spawn(home: &Path, db: &Path) -> App {
        App::spawn_term(home, db, "xterm-256color")
    }

    fn spawn_term(home: &Path, db: &Path, term: &str) -> App {
        App::spawn_env(home, db, &[("TERM", term)])
    }

    fn spawn_env(home: &Path, db: &Path, env: &[(&str, &str)]) -> App {
        let (master, slave) = open_pty();
        let mut cmd = base_command(home);
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.arg("--db").arg(db);
        cmd.stdin(Stdio::from(slave.try_clone().unwrap()))
            .stdout(Stdio::from(slave.try_clone().unwrap()))
            .stderr(Stdio::from(slave.try_clone().unwrap()));
        // SAFETY: setsid and ioctl are async-signal-safe; this runs in the
        // child between fork and exec.
        unsafe {
            cmd.pre_exec(|| {
                if libc::setsid() < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                if libc::ioctl(0, libc::TIOCSCTTY as _, 0) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let mut child = cmd.spawn().expect("spawn kusei");
        drop(cmd); // our copies of the slave for the child's stdio
        let pid = child.id() as i32;
        let (tx, exited) = mpsc::channel();
        std::thread::spawn(move || {
            let status = child.wait().expect("wait");
            let _ = tx.send(status);
        });

        let shared = Arc::new((
            Mutex::new(Shared {
                vt: Vt::new(W, H),
                raw: Vec::new(),
                closed: false,
            }),
            Condvar::new(),
        ));
        let mut reading = master.try_clone().unwrap();
        let mut answering = master.try_clone().unwrap();
        let s = Arc::clone(&shared);
        let reader = std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            loop {
                let n = match reading.read(&mut buf) {
                    Ok(0) | Err(_) => break, // EIO once every slave is closed
                    Ok(n) => n,
                };
                let (lock, cv) = &*s;
                let replies = {
                    let mut g = lock.lock().unwrap();
                    g.raw.extend_from_slice(&buf[..n]);
                    g.vt.feed(&buf[..n]);
                    cv.notify_all();
                    std::mem::take(&mut g.vt.replies)
                };
                if !replies.is_empty() {
                    let _ = answering.write_all(&replies);
                }
            }
            let (lock, cv) = &*s;
            lock.lock().unwrap().closed = true;
            cv.notify_all();
        });
        App {
            master,
            slave: Some(slave),
            pid,
            exited,
            shared,
            reader: Some(reader),
        }
    }

    fn screen(&self) -> String {
        self.shared.0.lock().unwrap().vt.text()
    }

    /// Wait until `ok(screen)`; panics with the screen after the deadline.
    fn wait_until(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let end = Instant::now() + DEADLINE;
        let (lock, cv) = &*self.shared;
        let mut g = lock.lock().unwrap();
        loop {
            let text = g.vt.text();
            if ok(&text) {
                return text;
            }
            let now = Instant::now();
            if now >= end || g.closed {
                panic!(
                    "waited {DEADLINE:?} for {what}; the screen is:\n{text}\n(output closed: {})",
                    g.closed
                );
            }
            g = cv.wait_timeout(g, end - now).unwrap().0;
        }
    }

    fn wait_for(&self, text: &str) -> String {
        self.wait_until(&format!("{text:?} on screen"), |s| s.contains(text))
    }

    fn send(&mut self, bytes: &[u8]) {
        self.master.write_all(bytes).unwrap();
        self.master.flush().unwrap();
    }

    fn wait_exit(&self) -> ExitStatus {
        self.exited
            .recv_timeout(DEADLINE)
            .unwrap_or_else(|_| panic!("kusei did not exit; the screen is:\n{}", self.screen()))
    }

    fn kill9(&self) -> ExitStatus {
        // SAFETY: signalling our own child by its pid (not yet reaped: the
        // waiter thread only reaps it after it dies).
        unsafe { libc::kill(self.pid, libc::SIGKILL) };
        self.wait_exit()
    }

    /// The terminal modes now (call after the app exited).
    fn termios(&self) -> libc::termios {
        let fd = self.slave.as_ref().unwrap().as_raw_fd();
        // SAFETY: a valid descriptor and a zeroed struct for the result.
        unsafe {
            let mut t: libc::termios = std::mem::zeroed();
            check(libc::tcgetattr(fd, &mut t), "tcgetattr");
            t
        }
    }

    /// Close our end of the terminal and return everything the app wrote.
    fn finish(mut self) -> Vec<u8> {
        drop(self.slave.take());
        if let Some(r) = self.reader.take() {
            r.join().unwrap();
        }
        let g = self.shared.0.lock().unwrap();
        g.raw.clone()
    }
}

// ---- the tests ------------------------------------------------------------------------

struct Setup {
    dir: tempfile::TempDir,
    db: PathBuf,
}

/// A home directory and a database file filled with `kusei --db X sample`.
fn setup() -> Setup {
    let dir = tempfile::TempDir::new().unwrap();
    let db = dir.path().join("shared").join("kusei.db");
    std::fs::create_dir_all(db.parent().unwrap()).unwrap();
    let out = base_command(dir.path())
        .arg("--db")
        .arg(&db)
        .arg("sample")
        .output()
        .expect("run kusei sample");
    assert!(
        out.status.success(),
        "kusei sample: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Setup { dir, db }
}

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
        let mut store = kusei::db::Store::open(&s.db, kusei::db::OpenOptions::default()).unwrap();
        if let Some(ctx) = store.drafts().unwrap().first().map(|d| d.0.clone()) {
            store.save_draft(&ctx, "").unwrap();
        }
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
