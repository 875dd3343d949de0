//! A pseudo-terminal running the real kusei binary, and a minimal
//! terminal emulator to read its screen back (used by `tests/e2e_pty.rs`).
#![allow(dead_code)]

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, FromRawFd};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use unicode_width::UnicodeWidthChar;

pub const W: u16 = 80;
pub const H: u16 = 24;
/// How long any one thing may take to appear, however loaded the machine.
pub const DEADLINE: Duration = Duration::from_secs(20);

pub const BIN: &str = env!("CARGO_BIN_EXE_kusei");

// ---- a minimal terminal emulator ------------------------------------------------

/// Just enough of a VT to read back what crossterm + ratatui draw: cursor
/// addressing, erase, wide characters, the alternate screen; colours and
/// other attributes are ignored. Answers cursor-position queries.
pub struct Vt {
    pub w: usize,
    pub h: usize,
    /// Cells; "" marks the right half of a wide character.
    pub grid: Vec<Vec<String>>,
    pub row: usize,
    pub col: usize,
    pub state: ParseState,
    utf8: Vec<u8>,
    pub alt_screen: bool,
    /// Bytes to send back to the application (query answers).
    pub replies: Vec<u8>,
}

#[derive(Clone, PartialEq)]
pub enum ParseState {
    Ground,
    Esc,
    EscSkip,
    Csi(String),
    Osc,
    OscEsc,
}

impl Vt {
    pub fn new(w: u16, h: u16) -> Vt {
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

    pub fn text(&self) -> String {
        let mut out = String::new();
        for line in &self.grid {
            let l: String = line.iter().map(String::as_str).collect();
            out.push_str(l.trim_end());
            out.push('\n');
        }
        out
    }

    pub fn clear_cells(&mut self, row: usize, from: usize, to: usize) {
        for c in from..to.min(self.w) {
            self.grid[row][c] = " ".to_string();
        }
    }

    pub fn newline(&mut self) {
        if self.row + 1 < self.h {
            self.row += 1;
        } else {
            self.grid.remove(0);
            self.grid.push(vec![" ".to_string(); self.w]);
        }
    }

    pub fn put(&mut self, c: char) {
        let Some(mut width) = c.width() else { return };
        // ﾞ and ﾟ: zero for unicode-width, but spacing characters of one
        // column for xterm, glibc's wcwidth and every terminal.
        if matches!(c, '\u{FF9E}' | '\u{FF9F}') {
            width = 1;
        }
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

    pub fn feed(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.byte(b);
        }
    }

    pub fn byte(&mut self, b: u8) {
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

    pub fn ground(&mut self, b: u8) {
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

    pub fn csi(&mut self, params: &str, fin: char) {
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

pub struct Shared {
    pub vt: Vt,
    pub raw: Vec<u8>,
    pub closed: bool,
}

pub struct App {
    pub master: File,
    /// Our own handle on the terminal, to read its modes after the app exits.
    pub slave: Option<File>,
    pub pid: i32,
    pub exited: Receiver<ExitStatus>,
    pub shared: Arc<(Mutex<Shared>, Condvar)>,
    pub reader: Option<JoinHandle<()>>,
}

pub fn check(rc: libc::c_int, what: &str) -> libc::c_int {
    assert!(rc >= 0, "{what}: {}", std::io::Error::last_os_error());
    rc
}

pub fn open_pty() -> (File, File) {
    open_pty_sized(W, H)
}

/// A pseudo-terminal of `w` columns and `h` rows.
pub fn open_pty_sized(w: u16, h: u16) -> (File, File) {
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
            ws_row: h,
            ws_col: w,
            ws_xpixel: 0,
            ws_ypixel: 0,
        };
        check(libc::ioctl(master, libc::TIOCSWINSZ, &ws), "TIOCSWINSZ");
        (File::from_raw_fd(master), File::from_raw_fd(slave))
    }
}

/// The environment of a user on a fresh machine: nothing inherited.
pub fn base_command(home: &Path) -> Command {
    let mut c = Command::new(BIN);
    c.env_clear()
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("TERM", "xterm-256color")
        .env("LANG", "C.UTF-8")
        .env("PATH", "/usr/bin:/bin");
    c
}

/// A home directory (the temporary directory) and `shared/kusei.db` in
/// it, filled with `kusei --db X sample`: what the end-to-end tests start
/// from.
pub struct Setup {
    pub dir: tempfile::TempDir,
    pub db: std::path::PathBuf,
}

pub fn setup() -> Setup {
    let dir = tempfile::TempDir::new().expect("tempdir");
    let db = dir.path().join("shared").join("kusei.db");
    std::fs::create_dir_all(db.parent().expect("parent")).expect("mkdir");
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

impl App {
    pub fn spawn(home: &Path, db: &Path) -> App {
        App::spawn_term(home, db, "xterm-256color")
    }

    pub fn spawn_term(home: &Path, db: &Path, term: &str) -> App {
        App::spawn_env(home, db, &[("TERM", term)])
    }

    pub fn spawn_env(home: &Path, db: &Path, env: &[(&str, &str)]) -> App {
        App::spawn_sized(home, db, env, (W, H))
    }

    /// In a terminal of `size` = (columns, rows).
    pub fn spawn_sized(home: &Path, db: &Path, env: &[(&str, &str)], size: (u16, u16)) -> App {
        let (master, slave) = open_pty_sized(size.0, size.1);
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
                vt: Vt::new(size.0, size.1),
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

    pub fn screen(&self) -> String {
        self.shared.0.lock().unwrap().vt.text()
    }

    /// Wait until `ok(screen)`; panics with the screen after the deadline.
    pub fn wait_until(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        self.try_wait_until(DEADLINE, ok)
            .unwrap_or_else(|(text, closed)| {
                panic!(
                "waited {DEADLINE:?} for {what}; the screen is:\n{text}\n(output closed: {closed})"
            )
            })
    }

    /// Wait up to `limit` until `ok(screen)`. On a timeout or once the
    /// app's output is closed (it died): `Err((screen, closed))`.
    pub fn try_wait_until(
        &self,
        limit: Duration,
        ok: impl Fn(&str) -> bool,
    ) -> Result<String, (String, bool)> {
        wait_on(&self.shared, limit, ok)
    }

    /// Make the app draw its whole screen again: the window shrinks by a
    /// row and grows back (SIGWINCH twice; ratatui clears and redraws on a
    /// resize). For tests whose screen model may have fallen out of step
    /// with the app's incremental frames.
    pub fn redraw_all(&self) {
        use std::os::fd::AsRawFd;
        let fd = self.master.as_raw_fd();
        // SAFETY: ioctls on a descriptor we own, with a local winsize.
        unsafe {
            let mut ws: libc::winsize = std::mem::zeroed();
            check(libc::ioctl(fd, libc::TIOCGWINSZ, &mut ws), "TIOCGWINSZ");
            let full = ws;
            ws.ws_row = ws.ws_row.saturating_sub(1).max(1);
            check(libc::ioctl(fd, libc::TIOCSWINSZ, &ws), "TIOCSWINSZ");
            std::thread::sleep(Duration::from_millis(300));
            check(libc::ioctl(fd, libc::TIOCSWINSZ, &full), "TIOCSWINSZ");
        }
    }

    pub fn wait_for(&self, text: &str) -> String {
        self.wait_until(&format!("{text:?} on screen"), |s| s.contains(text))
    }

    pub fn send(&mut self, bytes: &[u8]) {
        self.master.write_all(bytes).unwrap();
        self.master.flush().unwrap();
    }

    pub fn wait_exit(&self) -> ExitStatus {
        self.exited
            .recv_timeout(DEADLINE)
            .unwrap_or_else(|_| panic!("kusei did not exit; the screen is:\n{}", self.screen()))
    }

    pub fn kill9(&self) -> ExitStatus {
        // SAFETY: signalling our own child by its pid (not yet reaped: the
        // waiter thread only reaps it after it dies).
        unsafe { libc::kill(self.pid, libc::SIGKILL) };
        self.wait_exit()
    }

    /// The terminal modes now (call after the app exited).
    pub fn termios(&self) -> libc::termios {
        let fd = self.slave.as_ref().unwrap().as_raw_fd();
        // SAFETY: a valid descriptor and a zeroed struct for the result.
        unsafe {
            let mut t: libc::termios = std::mem::zeroed();
            check(libc::tcgetattr(fd, &mut t), "tcgetattr");
            t
        }
    }

    /// Close our end of the terminal and return everything the app wrote.
    pub fn finish(mut self) -> Vec<u8> {
        drop(self.slave.take());
        if let Some(r) = self.reader.take() {
            r.join().unwrap();
        }
        let g = self.shared.0.lock().unwrap();
        g.raw.clone()
    }
}

/// A handle on an app's screen that other threads can wait on
/// (`App` itself is not `Sync`).
pub type ScreenHandle = Arc<(Mutex<Shared>, Condvar)>;

/// Wait up to `limit` until `ok(screen)`; Err((screen, output closed)).
pub fn wait_on(
    shared: &ScreenHandle,
    limit: Duration,
    ok: impl Fn(&str) -> bool,
) -> Result<String, (String, bool)> {
    let end = Instant::now() + limit;
    let (lock, cv) = &**shared;
    let mut g = lock.lock().unwrap();
    loop {
        let text = g.vt.text();
        if ok(&text) {
            return Ok(text);
        }
        let now = Instant::now();
        if now >= end || g.closed {
            return Err((text, g.closed));
        }
        g = cv.wait_timeout(g, end - now).unwrap().0;
    }
}
