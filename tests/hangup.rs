//! Hang-ups and crashes never cost typed text (issue 17, points 3 and 4),
//! end to end: the real binary in a pseudo-terminal, another process
//! (here a rusqlite connection of the test) holding the write lock with
//! `BEGIN IMMEDIATE`, the SSH connection dropped by closing the terminal's
//! master side (as sshd does: the kernel hangs the terminal up and sends
//! SIGHUP), `kill -9` while 保存を再試行中 is shown, and two sessions of one
//! user. Figures (exit time, CPU seconds) are printed; run with
//! `--nocapture` to see them. The full 30 s and 45 s locks are ignored
//! tests: `cargo test --test hangup -- --ignored --nocapture`.

#![cfg(unix)]

mod pty_support;

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::AsRawFd;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use pty_support::*;

fn state_dir(home: &Path) -> PathBuf {
    home.join(".local").join("state").join("kusei")
}

fn wait_ready(app: &App) {
    app.wait_until("the calendar", |s| s.contains("第5回 平成29年8月21日"));
}

// ---- a terminal whose master side the test alone holds ----------------------------

/// kusei in a pseudo-terminal read by the test thread itself, so that
/// dropping [`Term::master`] really closes the terminal (a dropped SSH
/// connection), which the shared driver's reader thread would prevent.
struct Term {
    master: Option<File>,
    child: Child,
    vt: Vt,
}

impl Term {
    /// `controlling`: the terminal is the session's controlling terminal
    /// (closing it sends SIGHUP); otherwise only reads and writes fail.
    fn spawn_with(home: &Path, db: &Path, controlling: bool) -> Term {
        let (master, slave) = open_pty();
        let mut cmd = base_command(home);
        cmd.arg("--db").arg(db);
        cmd.stdin(Stdio::from(slave.try_clone().unwrap()))
            .stdout(Stdio::from(slave.try_clone().unwrap()))
            .stderr(Stdio::from(slave));
        // SAFETY: setsid and ioctl are async-signal-safe (between fork and exec).
        unsafe {
            cmd.pre_exec(move || {
                if !controlling {
                    return Ok(());
                }
                if libc::setsid() < 0 || libc::ioctl(0, libc::TIOCSCTTY as _, 0) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = cmd.spawn().expect("spawn kusei");
        drop(cmd);
        Term {
            master: Some(master),
            child,
            vt: Vt::new(W, H),
        }
    }

    fn pid(&self) -> i32 {
        self.child.id() as i32
    }

    /// Read what the app wrote for up to `wait`, answering its queries.
    fn pump(&mut self, wait: Duration) {
        let Some(master) = self.master.as_mut() else {
            return;
        };
        let mut fd = libc::pollfd {
            fd: master.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd.
        let rc = unsafe { libc::poll(&mut fd, 1, wait.as_millis() as i32) };
        if rc <= 0 || fd.revents & libc::POLLIN == 0 {
            return;
        }
        let mut buf = [0u8; 8192];
        if let Ok(n) = master.read(&mut buf) {
            self.vt.feed(&buf[..n]);
            let replies = std::mem::take(&mut self.vt.replies);
            let _ = master.write_all(&replies);
        }
    }

    fn wait_for(&mut self, text: &str) {
        let end = Instant::now() + DEADLINE;
        while !self.vt.text().contains(text) {
            assert!(
                Instant::now() < end,
                "waited for {text:?}; the screen is:\n{}",
                self.vt.text()
            );
            self.pump(Duration::from_millis(50));
        }
    }

    fn send(&mut self, bytes: &[u8]) {
        let m = self.master.as_mut().expect("terminal open");
        m.write_all(bytes).unwrap();
    }

    /// Close the terminal (the SSH connection drops) and wait for the
    /// process: how long it took and the CPU seconds it used, sampled
    /// from /proc/PID/stat until it exited.
    fn hang_up(mut self, how: Stop) -> (Duration, f64, f64) {
        let before = cpu_seconds(self.pid()).unwrap_or_default();
        match how {
            Stop::CloseTerminal | Stop::CloseTerminalNoSignal => drop(self.master.take()),
            // SAFETY: signalling our own child, not yet reaped.
            Stop::Term => unsafe {
                libc::kill(self.pid(), libc::SIGTERM);
            },
        }
        let at = Instant::now();
        let mut cpu = before;
        let end = at + DEADLINE;
        loop {
            if let Some(c) = cpu_seconds(self.pid()) {
                cpu = c;
            }
            if self.child.try_wait().unwrap().is_some() {
                return (at.elapsed(), cpu, cpu - before);
            }
            assert!(Instant::now() < end, "kusei did not exit after the hang-up");
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

/// How the session ends.
#[derive(Debug, Clone, Copy)]
enum Stop {
    /// The SSH connection drops: the terminal is hung up (SIGHUP, EIO).
    CloseTerminal,
    /// The terminal goes away without any signal (it was not the
    /// session's controlling terminal): only the terminal says so.
    CloseTerminalNoSignal,
    /// `kill` (SIGTERM), the terminal still there.
    Term,
}

/// utime + stime of a live process, in seconds.
fn cpu_seconds(pid: i32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = after.split_whitespace().collect();
    // Fields 14 and 15 of the line; 3 is the first after the name.
    let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    // SAFETY: sysconf has no preconditions.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
    Some(ticks / hz)
}

// ---- another process holding the write lock -------------------------------------

/// Holds `BEGIN IMMEDIATE` on `db` from another connection for `hold` (or
/// until dropped); `released()` says whether it has let go.
struct Lock {
    stop: Option<mpsc::Sender<()>>,
    done: mpsc::Receiver<Instant>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Lock {
    fn hold(db: &Path, hold: Duration) -> Lock {
        let (stop, stopped) = mpsc::channel::<()>();
        let (held_tx, held) = mpsc::channel();
        let (done_tx, done) = mpsc::channel();
        let db = db.to_path_buf();
        let thread = std::thread::spawn(move || {
            let c = rusqlite::Connection::open(&db).unwrap();
            c.busy_timeout(Duration::from_secs(20)).unwrap();
            c.execute_batch("BEGIN IMMEDIATE").unwrap();
            held_tx.send(()).unwrap();
            let _ = stopped.recv_timeout(hold);
            c.execute_batch("ROLLBACK").unwrap();
            let _ = done_tx.send(Instant::now());
        });
        held.recv_timeout(DEADLINE).expect("the lock taken");
        Lock {
            stop: Some(stop),
            done,
            thread: Some(thread),
        }
    }

    fn released(&self) -> bool {
        matches!(
            self.done.try_recv(),
            Ok(_) | Err(mpsc::TryRecvError::Disconnected)
        )
    }

    /// Wait until the holder lets go by itself (after `hold`).
    fn wait_out(mut self) {
        if let Some(t) = self.thread.take() {
            t.join().unwrap();
        }
    }

    fn release(mut self) {
        drop(self.stop.take());
        if let Some(t) = self.thread.take() {
            t.join().unwrap();
        }
    }
}

// ---- what the file and the state directory hold ----------------------------------

/// Every text the user could get back: opinions, drafts, recovery files.
fn everything_kept(s: &Setup) -> String {
    let c =
        rusqlite::Connection::open_with_flags(&s.db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    let mut all = String::new();
    for sql in ["SELECT text FROM opinions", "SELECT text FROM drafts"] {
        let mut st = c.prepare(sql).unwrap();
        let rows = st.query_map([], |r| r.get::<_, String>(0)).unwrap();
        for r in rows {
            all.push_str(&r.unwrap());
            all.push('\n');
        }
    }
    for f in recovery_files(s.dir.path()) {
        all.push_str(&std::fs::read_to_string(f).unwrap());
    }
    all
}

fn recovery_files(home: &Path) -> Vec<PathBuf> {
    let Ok(rd) = std::fs::read_dir(state_dir(home)) else {
        return Vec::new();
    };
    // The state directory also holds the audit-log witnesses (witness/).
    let mut v: Vec<PathBuf> = rd
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("recovery-"))
        })
        .collect();
    v.sort();
    v
}

// ---- hang-up under a held lock ---------------------------------------------------

/// The SSH connection drops while another process holds the write lock for
/// `lock`: kusei exits while the lock is still held, without spinning, and
/// the entry being saved plus what was typed after it come back on the
/// next start, in the input line of that meeting.
fn hang_up_under_a_lock(lock: Duration, how: Stop) {
    let s = setup();
    let controlling = !matches!(how, Stop::CloseTerminalNoSignal);
    let mut t = Term::spawn_with(s.dir.path(), &s.db, controlling);
    t.wait_for("第5回 平成29年8月21日");
    t.send(b"m");
    t.wait_for("記録中");
    // The second agenda item (PageDown): the text must come back there.
    t.send(b"\x1b[6~");
    let held = Lock::hold(&s.db, lock);
    let (sent, more) = ("ロック中に送った意見", "続けて打った文字");
    t.send(sent.as_bytes());
    t.wait_for(sent);
    t.send(b"\r");
    t.wait_for("（保存中）");
    t.send(more.as_bytes());
    t.wait_for(more);
    let (exit, cpu_total, cpu_after) = t.hang_up(how);
    let lock_still_held = !held.released();
    eprintln!(
        "{how:?} under a {lock:?} lock: exited after {exit:?}; CPU {cpu_total:.2} s in all, \
         {cpu_after:.2} s after the hang-up"
    );
    assert!(
        lock_still_held,
        "kusei waited for the lock to go ({exit:?}) instead of leaving"
    );
    // A thread spinning on the dead terminal uses about one CPU second
    // per second (0.6 s in 1.5 s before the fix, measured); a clean exit
    // a few hundredths.
    assert!(
        cpu_after < 0.3 + exit.as_secs_f64() / 10.0,
        "CPU {cpu_after:.2} s in {exit:?} after the hang-up"
    );
    // The recovery file holds it meanwhile, private to the user.
    let files = recovery_files(s.dir.path());
    assert_eq!(files.len(), 1, "{files:?}");
    let mode = std::fs::metadata(&files[0]).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let body = std::fs::read_to_string(&files[0]).unwrap();
    assert!(body.contains(sent) && body.contains(more), "{body}");
    assert!(
        body.contains("第5回") && body.contains("平成29年8月21日"),
        "{body}"
    );
    // The other process finishes its transaction; the user logs in again.
    held.wait_out();

    let mut app = App::spawn(s.dir.path(), &s.db);
    wait_ready(&app);
    app.wait_for("前回の入力を復元しました");
    app.send(b"m");
    let screen = app.wait_for(more);
    assert!(screen.contains(&format!("{sent}{more}")), "{screen}");
    // Durable in the database: the file is gone.
    assert!(recovery_files(s.dir.path()).is_empty());
    app.send(b"\r");
    app.wait_until("saved", |scr| {
        scr.contains(&format!("・{sent}{more}")) && !scr.contains("（保存中）")
    });
    app.kill9();
    app.finish();
    // Saved under the item it was typed for, named in the file.
    let snap: serde_json::Value = serde_json::from_str(&body).unwrap();
    let c = rusqlite::Connection::open(&s.db).unwrap();
    let (item, number): (String, i64) = c
        .query_row(
            "SELECT a.title, a.number FROM opinions o JOIN agenda_items a ON a.id = o.item_id
             WHERE o.text = ?1",
            [format!("{sent}{more}")],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(snap["item"].as_str(), Some(item.as_str()));
    assert_eq!(number, 2, "the second item");
}

#[test]
fn a_hang_up_under_a_held_lock_exits_at_once_and_gives_the_text_back() {
    hang_up_under_a_lock(Duration::from_secs(5), Stop::CloseTerminal);
}

/// No SIGHUP at all (the terminal was not the controlling one): the dead
/// terminal alone ends the session, without spinning on it.
#[test]
fn a_dead_terminal_without_a_signal_ends_the_session_without_spinning() {
    hang_up_under_a_lock(Duration::from_secs(5), Stop::CloseTerminalNoSignal);
}

#[test]
fn sigterm_under_a_held_lock_exits_at_once_and_gives_the_text_back() {
    hang_up_under_a_lock(Duration::from_secs(5), Stop::Term);
}

#[test]
#[ignore = "30 s: cargo test --test hangup -- --ignored --nocapture"]
fn a_hang_up_under_a_30_second_lock() {
    hang_up_under_a_lock(Duration::from_secs(30), Stop::CloseTerminal);
}

#[test]
#[ignore = "45 s: cargo test --test hangup -- --ignored --nocapture"]
fn a_hang_up_under_a_45_second_lock() {
    hang_up_under_a_lock(Duration::from_secs(45), Stop::CloseTerminal);
}

// ---- kill -9 while 保存を再試行中 ------------------------------------------------

/// `runs` sessions, each killed with `kill -9` while its Enter waits for
/// another process's lock (保存を再試行中 on screen), at a random moment
/// after more typing: every text typed is in the opinions, a draft or a
/// recovery file, and a last start gives all of it back.
fn kill_9_while_retrying(runs: u32) {
    let s = setup();
    let mut rng = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move |n: u64| {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng % n
    };
    let mut typed = Vec::new();
    for run in 0..runs {
        let mut app = App::spawn(s.dir.path(), &s.db);
        wait_ready(&app);
        app.send(b"m");
        app.wait_for("記録中");
        let held = Lock::hold(&s.db, DEADLINE * 2);
        let sent = format!("再試行中の意見{run}");
        app.send(sent.as_bytes());
        // The input line scrolls by columns over wide characters; when the
        // test's screen model has fallen out of step with the app's
        // incremental frames (seen about once in three runs: the typed text
        // never shows, lock or no lock), a full redraw brings it back. What
        // this test asserts is below: nothing typed is lost.
        if app
            .try_wait_until(Duration::from_secs(5), |t| t.contains(&sent))
            .is_err()
        {
            eprintln!("run {run}: {sent:?} not on the screen model after 5 s; redrawing");
            app.redraw_all();
        }
        app.wait_for(&sent);
        app.send(b"\r");
        app.wait_for("保存を再試行中");
        let more = format!("追記{run}");
        app.send(more.as_bytes());
        app.wait_for(&more);
        // Every other run: text typed after the entry goes to the recovery
        // file by itself (the entry was unconfirmed long before); waited
        // for, as a loaded machine may take its time. The other runs are
        // killed at a random moment, maybe in the middle of that write.
        if run % 2 == 0 {
            wait_for_file(&s, &more);
        } else {
            std::thread::sleep(Duration::from_millis(next(700)));
        }
        app.kill9();
        app.finish();
        held.release();
        let kept = everything_kept(&s);
        assert!(kept.contains(&sent), "run {run}: {sent:?} lost:\n{kept}");
        typed.push(sent);
        if kept.contains(&more) {
            typed.push(more);
        }
    }
    // One more start, no lock: everything comes back into the input line
    // and goes into the database.
    let mut app = App::spawn(s.dir.path(), &s.db);
    wait_ready(&app);
    app.wait_for("前回の入力を復元しました");
    app.send(b"m");
    app.wait_for("前回の下書きを戻しました");
    app.send(b"\r");
    app.wait_until("saved", |scr| {
        scr.contains("保存しました") && !scr.contains("（保存中）")
    });
    app.kill9();
    app.finish();
    let c = rusqlite::Connection::open(&s.db).unwrap();
    let opinions: String = c
        .query_row("SELECT group_concat(text, '\n') FROM opinions", [], |r| {
            r.get(0)
        })
        .unwrap();
    let lost: Vec<&String> = typed.iter().filter(|t| !opinions.contains(*t)).collect();
    eprintln!(
        "{runs} kill -9 while 保存を再試行中: {} texts typed, {} lost",
        typed.len(),
        lost.len()
    );
    assert!(lost.is_empty(), "lost: {lost:?}");
    assert!(recovery_files(s.dir.path()).is_empty());
}

/// Wait (at most the deadline) until a recovery file holds `text`.
fn wait_for_file(s: &Setup, text: &str) {
    let end = Instant::now() + DEADLINE;
    // A file may be renamed over while it is read: read errors are retried.
    let holds = || {
        recovery_files(s.dir.path())
            .iter()
            .any(|f| std::fs::read_to_string(f).is_ok_and(|t| t.contains(text)))
    };
    while !holds() {
        assert!(
            Instant::now() < end,
            "waited {DEADLINE:?} for {text:?} in a recovery file"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn twenty_kill_9_while_retrying_lose_nothing() {
    kill_9_while_retrying(20);
}

// ---- two sessions of one user ----------------------------------------------------

fn drafts(db: &Path) -> Vec<String> {
    let c = rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .unwrap();
    let mut st = c.prepare("SELECT text FROM drafts ORDER BY text").unwrap();
    let rows = st.query_map([], |r| r.get(0)).unwrap();
    rows.map(Result::unwrap).collect()
}

#[test]
fn two_sessions_of_one_user_never_overwrite_each_others_drafts() {
    let s = setup();
    let mut a = App::spawn(s.dir.path(), &s.db);
    let mut b = App::spawn(s.dir.path(), &s.db);
    for app in [&mut a, &mut b] {
        wait_ready(app);
        app.send(b"m");
        app.wait_for("記録中");
    }
    a.send("一つ目の画面".as_bytes());
    a.wait_for("意見 ✓> 一つ目の画面");
    b.send("二つ目の画面".as_bytes());
    b.wait_for("意見 ✓> 二つ目の画面");
    a.send("の続き".as_bytes());
    a.wait_for("意見 ✓> 一つ目の画面の続き");
    assert_eq!(drafts(&s.db), ["一つ目の画面の続き", "二つ目の画面"]);
    // Session one crashes; its draft is offered to the user's next
    // session, while session two keeps its own.
    a.kill9();
    a.finish();
    let mut a2 = App::spawn(s.dir.path(), &s.db);
    wait_ready(&a2);
    a2.wait_for("終了したセッションの下書きを引き継ぎました");
    a2.send(b"m");
    a2.wait_for("意見 ✓> 一つ目の画面の続き");
    b.send("も残る".as_bytes());
    b.wait_for("意見 ✓> 二つ目の画面も残る");
    assert_eq!(drafts(&s.db), ["一つ目の画面の続き", "二つ目の画面も残る"]);
    for app in [a2, b] {
        app.kill9();
        app.finish();
    }
}
