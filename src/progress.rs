//! Progress for long commands (gen, import, export, check, backup) on
//! standard error, with `indicatif`: a bar with a percentage where the
//! work knows its size, a spinner with the elapsed time where it does not.
//! Only when standard error is a terminal: piped or redirected, nothing is
//! written. Nothing shows for work done within [`DELAY`] (no flicker on
//! small files, and a terminal session's output stays as it was), and the
//! line is cleared when the work ends, so what the command prints
//! afterwards reads as before.
//!
//! Work deep inside (the synthetic data generator, SQLite's backup steps)
//! reports through [`report`] to whichever progress is shown, so it needs
//! no handle passed down.

use std::io::IsTerminal;
use std::sync::mpsc::{channel, RecvTimeoutError, Sender};
use std::sync::Mutex;
use std::thread::JoinHandle;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// The progress shown now, for [`report`].
static ACTIVE: Mutex<Option<ProgressBar>> = Mutex::new(None);

/// Work shorter than this shows no progress.
pub const DELAY: Duration = Duration::from_millis(800);

/// [`DELAY`], or `KUSEI_PROGRESS_DELAY_MS` (tests set 0 so that progress
/// shows however fast the machine is).
fn delay() -> Duration {
    std::env::var("KUSEI_PROGRESS_DELAY_MS")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .map_or(DELAY, Duration::from_millis)
}

/// A progress line on standard error; cleared when dropped.
pub struct Progress {
    bar: Option<ProgressBar>,
    /// Dropped when the work ends: the waiting thread then shows nothing.
    done: Option<Sender<()>>,
    shows: Option<JoinHandle<()>>,
}

fn bar_style() -> ProgressStyle {
    ProgressStyle::with_template(
        "{msg} [{bar:30}] {percent:>3}% ({human_pos}/{human_len}) {elapsed}",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar())
    .progress_chars("=> ")
}

fn spinner_style() -> ProgressStyle {
    ProgressStyle::with_template("{spinner} {msg} {elapsed}")
        .unwrap_or_else(|_| ProgressStyle::default_spinner())
        .tick_chars("|/-\\ ")
}

impl Progress {
    /// Whether progress is shown at all (standard error is a terminal).
    pub fn wanted() -> bool {
        std::io::stderr().is_terminal()
    }

    /// A spinner saying `msg`, turning on its own until the work ends;
    /// becomes a bar as soon as [`report`] gives a size.
    pub fn start(msg: &str) -> Progress {
        if !Self::wanted() {
            return Progress {
                bar: None,
                done: None,
                shows: None,
            };
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        bar.set_style(spinner_style());
        bar.set_message(msg.to_string());
        if let Ok(mut active) = ACTIVE.lock() {
            *active = Some(bar.clone());
        }
        let delay = delay();
        if delay.is_zero() {
            show(&bar);
            return Progress {
                bar: Some(bar),
                done: None,
                shows: None,
            };
        }
        let (done, wait) = channel::<()>();
        let shown = bar.clone();
        let shows = std::thread::Builder::new()
            .name("kusei-progress".into())
            .spawn(move || {
                if wait.recv_timeout(delay) == Err(RecvTimeoutError::Timeout) {
                    show(&shown);
                }
            })
            .ok();
        Progress {
            bar: Some(bar),
            done: Some(done),
            shows,
        }
    }

    /// Says what is being done now.
    pub fn say(&self, msg: &str) {
        if let Some(bar) = &self.bar {
            bar.set_message(msg.to_string());
        }
    }
}

/// Draws `bar` now and keeps it turning.
fn show(bar: &ProgressBar) {
    bar.set_draw_target(ProgressDrawTarget::stderr());
    bar.tick();
    bar.enable_steady_tick(Duration::from_millis(120));
}

impl Drop for Progress {
    fn drop(&mut self) {
        drop(self.done.take());
        if let Some(t) = self.shows.take() {
            let _ = t.join();
        }
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
            if let Ok(mut active) = ACTIVE.lock() {
                *active = None;
            }
        }
    }
}

/// `done` of `total` of the work shown now (nothing when none is).
pub fn report(done: u64, total: u64) {
    let Ok(active) = ACTIVE.lock() else {
        return;
    };
    if let Some(bar) = active.as_ref() {
        if bar.length() != Some(total) {
            bar.set_style(bar_style());
            bar.set_length(total);
        }
        bar.set_position(done.min(total));
    }
}

/// Runs `f` (which writes a line to standard error) with the progress line
/// taken away and drawn again after, so the two do not mix.
pub fn suspend<R>(f: impl FnOnce() -> R) -> R {
    let bar = ACTIVE.lock().ok().and_then(|a| a.clone());
    match bar {
        Some(bar) => bar.suspend(f),
        None => f(),
    }
}

/// SQLite's backup, a step at a time (rusqlite takes a plain function).
pub fn backup_step(p: rusqlite::backup::Progress) {
    let total = u64::try_from(p.pagecount).unwrap_or(0);
    let left = u64::try_from(p.remaining).unwrap_or(0);
    report(total.saturating_sub(left), total);
}
