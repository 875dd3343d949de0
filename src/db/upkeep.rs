//! Keeping the file healthy: `quick_check` on opening (a cheap header
//! check instead for writing commands on large files), `kusei check`,
//! consistent self-contained backups, and a bounded `-wal`.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use super::{audit, busy_handler, diagnose, files, is_corrupt, Result, Store, StoreError};

/// Pages (4 KiB) up to which a writing command runs the whole
/// `quick_check` before it writes (a few milliseconds).
const FULL_CHECK_PAGES: i64 = 4096;

/// The -wal size past which the writer that committed checkpoints it away.
const WAL_TRUNCATE_AT: u64 = 16 * 1024 * 1024;
/// How long that checkpoint waits for readers and writers.
const CHECKPOINT_WAIT: Duration = Duration::from_millis(1_000);

/// The tables whose rows a backup's check counts.
const BACKUP_TABLES: [&str; 4] = ["meetings", "opinions", "plan_nodes", "audit_log"];

fn count_rows(c: &Connection, table: &str) -> Result<i64> {
    Ok(c.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?)
}

/// The busy handler while bounding the -wal: 5 ms steps up to
/// [`CHECKPOINT_WAIT`].
fn checkpoint_busy(attempt: i32) -> bool {
    let step = Duration::from_millis(5);
    if step * (attempt.max(0) as u32) >= CHECKPOINT_WAIT {
        return false;
    }
    std::thread::sleep(step);
    true
}

impl Store {
    /// The read-only reason for a damaged file.
    pub(super) fn corrupt(&self, detail: &str) -> diagnose::Problem {
        diagnose::Problem::Corrupt {
            path: self.path.display().to_string(),
            detail: detail.to_string(),
        }
    }

    /// Whether `quick_check` was left for later and has not run yet.
    pub fn check_pending(&self) -> bool {
        self.defer_check && self.read_only.is_none()
    }

    /// Run `PRAGMA quick_check`; a damaged file becomes read-only with the
    /// reason and the way back. Returns false when it was damaged.
    pub fn check_on_open(&mut self) -> Result<bool> {
        self.defer_check = false;
        let problem = match self.quick_check() {
            Ok(None) => {
                tracing::debug!(db = %self.path.display(), "quick_check ok");
                return Ok(true);
            }
            Ok(Some(problem)) => problem,
            Err(StoreError::Sql(e)) if is_corrupt(&e) => e.to_string(),
            Err(e) => return Err(e),
        };
        tracing::error!(db = %self.path.display(), "quick_check で壊れた所が見つかりました: {problem}");
        self.read_only = Some(self.corrupt(&format!("quick_check: {problem}")).to_string());
        Ok(false)
    }

    /// The check a writing command runs before it writes. On a small file
    /// (up to [`FULL_CHECK_PAGES`]) the whole `quick_check`; on a larger
    /// one (it reads the whole file: 0.8 s at a million opinions) only the
    /// cheap check: the header's sanity against the file's size and a read
    /// of the schema. `kusei check`, `kusei backup` and the app's
    /// background check still read everything. A page damaged beyond what
    /// was checked is still met by SQLite when a write touches it: the
    /// write fails and changes nothing. Returns false when damaged.
    pub fn check_before_write(&mut self) -> Result<bool> {
        if self.read_only.is_some() {
            return Ok(true);
        }
        let pages = i64::from(self.page_count()?);
        if pages <= FULL_CHECK_PAGES {
            return self.check_on_open();
        }
        self.defer_check = false;
        let problem = match self.sanity() {
            Ok(None) => return Ok(true),
            Ok(Some(problem)) => problem,
            Err(StoreError::Sql(e)) if is_corrupt(&e) => e.to_string(),
            Err(e) => return Err(e),
        };
        self.mark_damaged(&problem);
        Ok(false)
    }

    /// The deferred `quick_check` is run elsewhere (on a connection of
    /// its own, see [`Store::mark_damaged`]): no longer pending here.
    pub fn check_elsewhere(&mut self) {
        self.defer_check = false;
    }

    /// A damaged file (found by a check on another connection): the store
    /// becomes read-only with the reason and the way back.
    pub fn mark_damaged(&mut self, problem: &str) {
        tracing::error!(db = %self.path.display(), "検査で壊れた所が見つかりました: {problem}");
        self.defer_check = false;
        self.read_only = Some(self.corrupt(&format!("quick_check: {problem}")).to_string());
    }

    /// What the header says agrees with itself and with the file's size,
    /// and the schema reads.
    fn sanity(&self) -> Result<Option<String>> {
        let pragma = |p: &str| -> Result<i64> {
            Ok(self
                .conn
                .query_row(&format!("PRAGMA {p}"), [], |r| r.get(0))?)
        };
        let (size, pages, free) = (
            pragma("page_size")?,
            pragma("page_count")?,
            pragma("freelist_count")?,
        );
        let _: i64 = self
            .conn
            .query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))?;
        if pages < 1 || free < 0 || free >= pages {
            return Ok(Some(format!(
                "ページ数 {pages} と空きページ数 {free} が合いません"
            )));
        }
        // stat only (see `diagnose`): the main file is whole pages.
        let len = std::fs::metadata(&self.path).map_or(0, |m| m.len());
        if size > 0 && !len.is_multiple_of(size as u64) {
            return Ok(Some(format!(
                "ファイルの大きさ {len} バイトがページ（{size} バイト）の倍数ではありません"
            )));
        }
        Ok(None)
    }

    /// The first problem `PRAGMA quick_check` reports, if any.
    pub fn quick_check(&self) -> Result<Option<String>> {
        let first: String = self
            .conn
            .query_row("PRAGMA quick_check(1)", [], |r| r.get(0))?;
        Ok((first != "ok").then(|| first.replace('\n', " ")))
    }

    /// What keeps a group from sharing this file (see [`files`]).
    pub fn sharing_problems(&self) -> Vec<String> {
        files::sharing_problems(&self.path)
    }

    /// Copy the database, consistently and while others use it (SQLite's
    /// online backup), to `dest`, then check the copy.
    pub fn backup(&self, dest: &Path) -> Result<BackupReport> {
        if dest.exists() {
            return Err(StoreError::Invalid(format!(
                "{}: すでにあります。別の名前を指定してください（上書きはしません）",
                dest.display()
            )));
        }
        // Count the original and copy it in one read transaction: both see
        // the same snapshot, so a colleague's save during the copy is not
        // taken for rows missing from it.
        self.conn.execute_batch("BEGIN DEFERRED")?;
        let original = BACKUP_TABLES.map(|t| count_rows(&self.conn, t));
        let copied = self.conn.backup(
            rusqlite::DatabaseName::Main,
            dest,
            Some(crate::progress::backup_step),
        );
        let _ = self.conn.execute_batch("COMMIT");
        copied?;
        files::self_contained(dest)?;
        files::share_like(&self.path, dest);
        let copy = Connection::open_with_flags(dest, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        let check: String = copy.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        if check != "ok" {
            return Err(StoreError::Invalid(format!(
                "{}: コピーの検査に失敗しました: {check}",
                dest.display()
            )));
        }
        let mut rows = 0;
        for (t, a) in BACKUP_TABLES.into_iter().zip(original) {
            let (a, b) = (a?, count_rows(&copy, t)?);
            if a > b {
                return Err(StoreError::Invalid(format!(
                    "{}: コピーの {t} が {b} 行しかありません（元は {a} 行）",
                    dest.display()
                )));
            }
            rows += b;
        }
        if audit::verify_chain(&copy)?.is_some() {
            return Err(StoreError::Invalid(format!(
                "{}: コピーの監査ログの連鎖が合いません",
                dest.display()
            )));
        }
        Ok(BackupReport {
            bytes: std::fs::metadata(dest).map(|m| m.len()).unwrap_or(0),
            rows,
        })
    }

    /// Keep the -wal bounded under sustained writers. SQLite's automatic
    /// checkpoint (every 1000 pages) copies pages back but cannot restart
    /// the -wal while any reader still uses an older snapshot, and with
    /// readers always present it grew past 400 MB under eight importers.
    /// So the writer that committed, when the -wal has passed
    /// [`WAL_TRUNCATE_AT`], asks for a TRUNCATE checkpoint: it waits (up to
    /// [`CHECKPOINT_WAIT`]) for readers to move to the newest snapshot —
    /// ours are short — and then empties the -wal. New readers are never
    /// blocked; other writers wait at most that long. Best effort: when it
    /// cannot finish, the next large commit tries again.
    pub(super) fn bound_wal(&self) {
        let mut wal = self.path.as_os_str().to_owned();
        wal.push("-wal");
        // stat only: never open the -wal ourselves (see `diagnose`).
        let big = std::fs::metadata(&wal).is_ok_and(|m| m.len() > WAL_TRUNCATE_AT);
        if !big {
            return;
        }
        let _ = self.conn.busy_handler(Some(checkpoint_busy));
        let _ = self
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
        let _ = self.conn.busy_handler(Some(busy_handler));
    }

    /// On leaving: fold the whole -wal into the database and empty it, so
    /// that no committed page is left only in the -wal (a restore that
    /// copies a backup over the file would otherwise have stale frames
    /// replayed onto it). This process's other connections are read-only
    /// and cannot do it when they close last. Best effort, bounded by
    /// [`CHECKPOINT_WAIT`]; skipped once the process has stopped waiting
    /// for locks (a hang-up).
    pub fn checkpoint_on_close(&self) {
        if self.read_only.is_some() || super::waiting_given_up() {
            return;
        }
        let _ = self.conn.busy_handler(Some(checkpoint_busy));
        let _ = self
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
        let _ = self.conn.busy_handler(Some(busy_handler));
    }

    /// Fold the -wal file back into the database when nobody is reading.
    pub fn checkpoint(&self) -> Result<()> {
        self.conn
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))?;
        Ok(())
    }

    /// Integrity, foreign keys and the audit chain (`kusei check`).
    pub fn check(&self) -> Result<CheckReport> {
        let mut problems = Vec::new();
        let mut stmt = self.conn.prepare("PRAGMA integrity_check")?;
        let rows: Vec<String> = stmt
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        problems.extend(
            rows.into_iter()
                .filter(|r| r != "ok")
                .map(|r| format!("整合性: {r}")),
        );
        let mut stmt = self.conn.prepare("PRAGMA foreign_key_check")?;
        let fk: Vec<String> = stmt
            .query_map([], |r| {
                Ok(format!(
                    "外部キー: {} の行 {} が {} にない行を指しています",
                    r.get::<_, String>(0)?,
                    r.get::<_, Option<i64>>(1)?.unwrap_or_default(),
                    r.get::<_, String>(2)?
                ))
            })?
            .collect::<rusqlite::Result<_>>()?;
        problems.extend(fk);
        // The same verification as `kusei audit verify`, the first findings.
        let witnesses: Vec<_> = super::witness::read(&self.path).into_iter().collect();
        let audit = super::audit_verify::verify(&self.conn, &witnesses)?;
        const SHOWN: usize = 10;
        for f in audit.findings.iter().take(SHOWN) {
            problems.push(crate::sanitize::clean(&f.message).into_owned());
        }
        if audit.findings.len() > SHOWN {
            problems.push(format!(
                "監査ログ: ほか {} 件（kusei audit verify ですべて）",
                audit.findings.len() - SHOWN
            ));
        }
        let audit_rows = self
            .conn
            .query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0))?;
        if problems.is_empty() {
            tracing::info!(db = %self.path.display(), audit_rows, "検査: 問題ありません");
        } else {
            tracing::warn!(
                db = %self.path.display(),
                problems = problems.len(),
                "検査: 問題があります: {}",
                problems.join(" / ")
            );
        }
        Ok(CheckReport {
            problems,
            audit_rows,
            schema_version: self.schema_version()?,
        })
    }
}

/// A verified backup copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupReport {
    pub bytes: u64,
    /// Meetings, opinions, policy nodes and audit rows in the copy.
    pub rows: i64,
}

/// What `kusei check` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckReport {
    pub problems: Vec<String>,
    pub audit_rows: i64,
    pub schema_version: i64,
}

/// The whole `quick_check` of the database at `path` on a thread of its own
/// (its own read-only connection, the lowest CPU priority), starting after
/// `delay`; the receiver gets the first problem found, or None.
pub fn full_check_in_background(
    path: &Path,
    delay: Duration,
) -> std::io::Result<std::sync::mpsc::Receiver<Option<String>>> {
    let (tx, rx) = std::sync::mpsc::channel();
    let path = path.to_path_buf();
    std::thread::Builder::new()
        .name("kusei-check".into())
        .spawn(move || {
            std::thread::sleep(delay);
            // SAFETY: plain syscalls on this thread's own id.
            unsafe {
                let tid = libc::syscall(libc::SYS_gettid) as libc::id_t;
                libc::setpriority(libc::PRIO_PROCESS, tid, 19);
            }
            let opts = super::OpenOptions {
                read_only: true,
                defer_check: true,
            };
            let problem = match Store::open(&path, opts).and_then(|s| s.quick_check()) {
                Ok(p) => p,
                Err(StoreError::Sql(e)) if is_corrupt(&e) => Some(e.to_string()),
                Err(_) => None,
            };
            let _ = tx.send(problem);
        })?;
    Ok(rx)
}
