//! The long soak (issue 17): several apps in pseudo-terminals taking
//! minutes on one file, importers, readers and every other kusei command
//! plus the `sqlite3` tool in loops, and `kill -9` of apps and commands at
//! random moments, for N minutes. Every opinion an app's screen showed as
//! saved (✓) before it was killed, and every import that exited 0, must be
//! in the file at the end, exactly once; `integrity_check` must be ok.
//! Text that was only in the input line when the kill came is not counted.
//!
//! Run it (release build, so the apps keep up):
//!
//! ```text
//! scripts/soak.sh                       # 5 minutes, 3 apps, 6 command loops
//! KUSEI_SOAK_MINUTES=30 KUSEI_SOAK_APPS=4 KUSEI_SOAK_CLI=8 scripts/soak.sh
//! ```
//!
//! Knobs (environment): KUSEI_SOAK_MINUTES (default 1), KUSEI_SOAK_APPS (3),
//! KUSEI_SOAK_CLI (6), KUSEI_SOAK_KILL_SECS (mean seconds between kills of
//! an app, 10), KUSEI_SOAK_SEED. It prints one summary line starting
//! `soak:`.

#![cfg(unix)]

mod support;
use support::pty as pty_support;
use support::shared as shared_support;

use std::os::unix::process::ExitStatusExt;
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use pty_support::App;
use shared_support::*;

/// How long an app may take to show an entry saved, however loaded the
/// machine (a save still unconfirmed after this is a failure).
const SAVE_LIMIT: Duration = Duration::from_secs(30);

fn knob<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// xorshift: enough randomness for when to kill, and reproducible by seed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

#[derive(Default)]
struct Tally {
    /// Texts a screen showed saved, or an import acknowledged.
    saved: Mutex<Vec<String>>,
    by_apps: AtomicUsize,
    by_imports: AtomicUsize,
    app_starts: AtomicUsize,
    app_kills: AtomicUsize,
    cli_runs: AtomicUsize,
    cli_kills: AtomicUsize,
    failures: Mutex<Vec<String>>,
    largest_wal: AtomicU64,
}

impl Tally {
    fn saved(&self, text: String, by_app: bool) {
        self.saved.lock().unwrap().push(text);
        let n = if by_app {
            &self.by_apps
        } else {
            &self.by_imports
        };
        n.fetch_add(1, Ordering::Relaxed);
    }

    fn fail(&self, what: String) {
        eprintln!("soak failure: {what}");
        self.failures.lock().unwrap().push(what);
    }
}

struct Soak {
    place: Place,
    end: Instant,
    tally: Tally,
    /// The running app of each driver (0 when none), for the killer.
    pids: Vec<AtomicI32>,
    over: AtomicBool,
    seed: u64,
}

/// One person minuting: start the app (odd drivers on 第4回, even ones on
/// 第5回), save opinions until killed or the time is up, start again.
fn drive_app(s: &Soak, i: usize) {
    let words = ["区長", "予算", "団地", "再生", "防災", "子育て", "連携"];
    let mut n = 0u64;
    while Instant::now() < s.end {
        let mut app = App::spawn_sized(&s.place.home, &s.place.db, &[], (100, 30));
        // Only the app holds its terminal: its death closes our reading end.
        drop(app.slave.take());
        s.pids[i].store(app.pid, Ordering::SeqCst);
        s.tally.app_starts.fetch_add(1, Ordering::Relaxed);
        let outcome = minute(s, &mut app, i, &words, &mut n);
        s.pids[i].store(0, Ordering::SeqCst);
        match outcome {
            Ok(()) => {
                let quit = quit_from_minutes(&mut app, SAVE_LIMIT);
                match app.exited.recv_timeout(SAVE_LIMIT) {
                    Ok(st) if st.success() => {}
                    // The killer came just before the end: not a failure.
                    Ok(st) if st.signal() == Some(libc::SIGKILL) => {}
                    other => s
                        .tally
                        .fail(format!("app {i} quit: {quit:?}, exit {other:?}")),
                }
            }
            Err((e, died)) => {
                if !died {
                    s.tally.fail(format!("app {i}: {e}"));
                }
                if app.exited.recv_timeout(Duration::from_millis(200)).is_err() {
                    // SAFETY: our own child, not yet reaped by its waiter.
                    unsafe { libc::kill(app.pid, libc::SIGKILL) };
                    let _ = app.exited.recv_timeout(SAVE_LIMIT);
                }
            }
        }
        app.finish();
    }
}

/// Save entries until the time is up (Ok) or the app dies (Err(_, true)).
fn minute(
    s: &Soak,
    app: &mut App,
    i: usize,
    words: &[&str],
    n: &mut u64,
) -> Result<(), (String, bool)> {
    // Our reading end closes when the app dies (we hold no copy of its
    // terminal), so a wait or a write says so.
    let dead = |e: String, _: &App| -> (String, bool) {
        let died = e.contains("closed true") || e.contains("terminal is closed");
        (e, died)
    };
    app.try_wait_until(SAVE_LIMIT, ready)
        .map_err(|(scr, closed)| (format!("start (closed {closed}):\n{scr}"), closed))?;
    if i % 2 == 1 {
        send(app, b"p").map_err(|e| dead(e, app))?;
        app.try_wait_until(SAVE_LIMIT, |scr| scr.contains("第4回 平成29年7月19日"))
            .map_err(|(scr, closed)| (format!("第4回 (closed {closed}):\n{scr}"), closed))?;
    }
    start_minutes(app, SAVE_LIMIT).map_err(|e| dead(e, app))?;
    let mut rng = Rng(s.seed ^ (i as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ *n);
    while Instant::now() < s.end {
        let text = format!(
            "{}{} S{i}-{:05}",
            words[rng.below(words.len() as u64) as usize],
            words[rng.below(words.len() as u64) as usize],
            *n
        );
        *n += 1;
        save_opinion(app, &text, SAVE_LIMIT).map_err(|e| dead(e, app))?;
        s.tally.saved(text, true);
        std::thread::sleep(Duration::from_millis(rng.below(200)));
    }
    Ok(())
}

/// A command loop: importers (every third) add an opinion per run; the
/// others run any command or the sqlite3 tool. About one run in six is
/// killed with SIGKILL after a random moment (0–80 ms: most commands take
/// tens of milliseconds in a release build).
fn drive_cli(s: &Soak, j: usize) {
    let mut rng = Rng(s.seed ^ (j as u64 + 101).wrapping_mul(0xD1B5_4A32_D192_ED03));
    let mut k = 0u64;
    while Instant::now() < s.end {
        let tag = format!("c{j}-{k:05}");
        k += 1;
        let mut step = if j.is_multiple_of(3) {
            import_step(&s.place, &format!("取込 {tag}"), &tag)
        } else {
            let mut all = every_command(&s.place, &tag, false);
            let pick = rng.below(all.len() as u64) as usize;
            all.swap_remove(pick)
        };
        s.tally.cli_runs.fetch_add(1, Ordering::Relaxed);
        if rng.below(6) == 0 {
            kill_midway(s, &mut step, rng.below(80));
            continue;
        }
        match run(&mut step) {
            Ok(()) => {
                if let Some(text) = step.adds {
                    s.tally.saved(text, false);
                }
            }
            Err(e) => s.tally.fail(e),
        }
    }
}

fn kill_midway(s: &Soak, step: &mut Step, after_ms: u64) {
    let Ok(mut child) = step
        .cmd
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
    else {
        s.tally.fail(format!("{}: cannot start", step.name));
        return;
    };
    std::thread::sleep(Duration::from_millis(after_ms));
    if matches!(child.try_wait(), Ok(None)) {
        let _ = child.kill(); // SIGKILL
        s.tally.cli_kills.fetch_add(1, Ordering::Relaxed);
    }
    let _ = child.wait();
}

/// kill -9 a random running app every so often.
fn killer(s: &Soak, mean_secs: u64) {
    let mut rng = Rng(s.seed ^ 0xA076_1D64_78BD_642F);
    while !s.over.load(Ordering::Relaxed) {
        let pause = Duration::from_millis(rng.below(2 * mean_secs * 1000 / s.pids.len() as u64));
        let until = Instant::now() + pause;
        while Instant::now() < until && !s.over.load(Ordering::Relaxed) {
            std::thread::sleep(Duration::from_millis(50));
        }
        if Instant::now() >= s.end {
            break;
        }
        let i = rng.below(s.pids.len() as u64) as usize;
        let pid = s.pids[i].load(Ordering::SeqCst);
        if pid > 0 {
            // SAFETY: a child of this process, still registered as running.
            unsafe { libc::kill(pid, libc::SIGKILL) };
            s.tally.app_kills.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// Sample the -wal's size every 100 ms (a stat, never an open).
fn sampler(s: &Soak) {
    while !s.over.load(Ordering::Relaxed) {
        if let Some(n) = wal_size(&s.place.db) {
            s.tally.largest_wal.fetch_max(n, Ordering::Relaxed);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
#[ignore = "minutes long: scripts/soak.sh (or cargo test --release --test soak -- --ignored --nocapture)"]
fn soak_many_apps_and_commands_with_kill_9_lose_nothing() {
    let minutes: f64 = knob("KUSEI_SOAK_MINUTES", 1.0);
    let apps: usize = knob("KUSEI_SOAK_APPS", 3);
    let clis: usize = knob("KUSEI_SOAK_CLI", 6);
    let kill_secs: u64 = knob("KUSEI_SOAK_KILL_SECS", 10);
    let seed: u64 = knob("KUSEI_SOAK_SEED", 0x2545_F491_4F6C_DD1D);
    let started = Instant::now();
    let s = Soak {
        place: sample_place(),
        end: started + Duration::from_secs_f64(minutes * 60.0),
        tally: Tally::default(),
        pids: (0..apps).map(|_| AtomicI32::new(0)).collect(),
        over: AtomicBool::new(false),
        seed: seed | 1,
    };
    // `gen` writes once per file; run it first, while the apps start.
    let mut gen = every_command(&s.place, "gen", true)
        .pop()
        .expect("gen is last");
    std::thread::scope(|sc| {
        let s = &s;
        sc.spawn(move || sampler(s));
        sc.spawn(move || killer(s, kill_secs));
        let drivers: Vec<_> = (0..apps)
            .map(|i| sc.spawn(move || drive_app(s, i)))
            .chain((0..clis).map(|j| sc.spawn(move || drive_cli(s, j))))
            .collect();
        if let Err(e) = run(&mut gen) {
            s.tally.fail(e);
        }
        for d in drivers {
            d.join().expect("a driver panicked");
        }
        s.over.store(true, Ordering::Relaxed);
    });
    let ran_for = started.elapsed();
    report(&s, apps, clis, ran_for);
}

fn report(s: &Soak, apps: usize, clis: usize, ran_for: Duration) {
    let t = &s.tally;
    let left = wal_size(&s.place.db);
    // The last one out: a clean `kusei check` folds whatever the killed
    // processes left in the -wal and must find nothing wrong.
    let mut check = every_command(&s.place, "final", false)
        .into_iter()
        .find(|st| st.name == "check")
        .expect("check");
    let check = run(&mut check);
    let saved = t.saved.lock().unwrap().clone();
    let lost = missing(&s.place.db, &saved);
    let integrity = integrity(&s.place.db);
    let failures = t.failures.lock().unwrap().clone();
    println!(
        "soak: {apps} apps × {clis} command loops × {:.1} min: opinions saved {} (apps ✓ {}, \
         imports {}), found {}, lost {}; integrity_check {integrity}; largest -wal {:.1} MiB \
         (left at the end {:?} bytes, then check {}); app starts {}, app kill -9 {}; command \
         runs {}, command kill -9 {}, failures {}, known backup alarms {}",
        ran_for.as_secs_f64() / 60.0,
        saved.len(),
        t.by_apps.load(Ordering::Relaxed),
        t.by_imports.load(Ordering::Relaxed),
        saved.len() - lost.len(),
        lost.len(),
        t.largest_wal.load(Ordering::Relaxed) as f64 / 1048576.0,
        left,
        if check.is_ok() { "ok" } else { "FAILED" },
        t.app_starts.load(Ordering::Relaxed),
        t.app_kills.load(Ordering::Relaxed),
        t.cli_runs.load(Ordering::Relaxed),
        t.cli_kills.load(Ordering::Relaxed),
        failures.len(),
        KNOWN_SEEN.load(Ordering::Relaxed),
    );
    assert!(lost.is_empty(), "lost: {lost:?}");
    assert_eq!(integrity, "ok");
    check.unwrap_or_else(|e| panic!("final check: {e}"));
    assert!(failures.is_empty(), "failures: {failures:#?}");
    assert!(
        t.by_apps.load(Ordering::Relaxed) > 0,
        "no app saved anything"
    );
}
