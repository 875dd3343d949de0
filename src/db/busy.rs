//! Waiting for another process's lock: SQLite's busy handler, and the
//! moment the process stops waiting (a hang-up must not wait on others).

use std::time::Duration;

/// How long SQLite itself waits for a lock before our retry loop takes over.
const BUSY_TIMEOUT: Duration = Duration::from_millis(2_000);

/// SQLite's own busy handler sleeps in growing steps up to 100 ms, so a
/// waiting writer often sleeps through the moment the lock comes free and
/// a busy file starves some writers for seconds. Ours waits 2–4 ms at a
/// time (jittered so waiters do not move in step) for up to
/// [`BUSY_TIMEOUT`]; our own retry loop in [`super::Store::write`] takes over
/// after that.
pub(super) fn busy_handler(attempt: i32) -> bool {
    if waiting_given_up() {
        return false;
    }
    thread_local! {
        static WAITING_SINCE: std::cell::Cell<Option<std::time::Instant>> =
            const { std::cell::Cell::new(None) };
    }
    let now = std::time::Instant::now();
    let since = WAITING_SINCE.with(|w| {
        if attempt == 0 || w.get().is_none() {
            w.set(Some(now));
        }
        w.get().unwrap_or(now)
    });
    if attempt == 0 {
        tracing::info!("ほかの接続のロックを待っています");
    }
    if now.duration_since(since) >= BUSY_TIMEOUT {
        WAITING_SINCE.with(|w| w.set(None));
        tracing::info!(
            attempts = attempt + 1,
            "ロックを {} ms 待ちました（待つのをやめます）",
            BUSY_TIMEOUT.as_millis()
        );
        return false;
    }
    let step_us = 2_000 + (u64::from(std::process::id()) * 31 + attempt as u64 * 7919) % 2_000;
    std::thread::sleep(Duration::from_micros(step_us));
    true
}

/// When the process stops waiting for others' locks (see [`give_up_waiting_after`]).
static GIVE_UP_AT: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();

/// The process is leaving (a hang-up, SIGTERM, quit): from `after` on, no
/// write waits for another process's lock any more (the busy handler and
/// the retry loop give up at once, with [`super::StoreError::Busy`]), so the
/// database thread cannot hold the exit back; what it could not save goes
/// to the recovery file instead. Only the first call counts.
pub fn give_up_waiting_after(after: Duration) {
    let _ = GIVE_UP_AT.set(std::time::Instant::now() + after);
}

pub(super) fn waiting_given_up() -> bool {
    GIVE_UP_AT
        .get()
        .is_some_and(|t| std::time::Instant::now() >= *t)
}

/// The write gave up waiting: logged, and the error it ends with.
pub(super) fn gave_up(path: &std::path::Path) -> super::StoreError {
    tracing::warn!(db = %path.display(), "混み合っていて書き込めませんでした");
    super::StoreError::Busy
}

/// A write tries again after the file was busy.
pub(super) fn log_retry(path: &std::path::Path, attempt: u32) {
    tracing::info!(
        db = %path.display(),
        attempt,
        "ほかの人の保存を待っています（書き込みを再試行）"
    );
}
