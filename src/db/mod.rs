//! The shared SQLite store.
//!
//! One file, shared by everyone in the ward office. WAL mode so readers never
//! block the writer, `synchronous=FULL` so a commit the screen called saved
//! survives a power cut, a busy timeout plus our own retry so nobody ever sees
//! "database is locked", and every write a short `BEGIN IMMEDIATE`
//! transaction (a deferred transaction that upgrades to a write would skip the
//! busy handler and fail at once).

pub mod attendance;
mod audit;
mod audit_json;
mod audit_pack;
pub mod audit_read;
pub mod audit_verify;
mod audit_verify_packs;
mod built;
pub mod conflict;
pub mod diagnose;
pub mod drafts;
mod export;
pub mod files;
pub mod history;
mod items;
pub mod landing;
mod merge;
mod migrations;
mod ops;
pub mod osuser;
pub mod policy;
pub mod progress;
pub mod progress_board;
mod queries;
pub mod revisions;
mod tx;
mod undo;
mod upkeep;
pub mod witness;

use std::cell::{Cell, RefCell};
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, TransactionBehavior};

pub use audit::{AuditEntry, Auditor};
pub use merge::ImportReport;
pub use migrations::LATEST_VERSION;
pub use ops::{EntryKind, MeetingFields};
pub use policy::{LinkedItem, LinkedNode, NodeFields, NodeView, PlanView, PolicyTree, Suggestion};
pub use queries::{ItemRow, MeetingDetail, MeetingRow, OpinionRow, RecentChange};
pub use tx::Tx;
pub use upkeep::{full_check_in_background, BackupReport, CheckReport};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path}: SQLite のデータベースではありません（{detail}）。正しいファイルを --db で指定してください")]
    NotADatabase { path: String, detail: String },
    #[error("{path}: このデータベースは新しい版の kusei（スキーマ {found}、この kusei は {supported} まで）で作られました。読み取り専用で開きます。書き込むには kusei を更新してください")]
    NewerSchema {
        path: String,
        found: i64,
        supported: i64,
    },
    /// A cause found by [`diagnose`]: permissions, a full disk, a
    /// colleague's -wal, a missing file.
    #[error(transparent)]
    Diagnosed(#[from] diagnose::Problem),
    #[error("{reason}")]
    ReadOnly { path: String, reason: String },
    #[error("{0}")]
    NetworkFs(String),
    /// Someone else saved the record since it was opened.
    #[error("開いた後に {by} がこの記録を保存しています")]
    Conflict {
        id: i64,
        by: String,
        /// The version now in the database.
        version: i64,
        /// Their text.
        theirs: String,
    },
    #[error("{path}: データベースを開けません: {source}")]
    Open {
        path: String,
        #[source]
        source: rusqlite::Error,
    },
    #[error(
        "データベースが他の人の保存で混み合っています。しばらくしてからもう一度試してください"
    )]
    Busy,
    #[error("{0}")]
    Invalid(String),
    #[error("ディスクがいっぱいで保存できませんでした（{path}）。入力した内容は消えていません。空きができたらもう一度保存してください")]
    DiskFull { path: String },
    #[error("ディスクの読み書きに失敗して保存できませんでした（{path}: {detail}）。入力した内容は消えていません。もう一度保存してください")]
    Io { path: String, detail: String },
    #[error("データベースのエラー: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("JSON のエラー: {0}")]
    Json(#[from] serde_json::Error),
}

pub type Result<T> = std::result::Result<T, StoreError>;

mod busy;
pub use busy::give_up_waiting_after;
use busy::{busy_handler, waiting_given_up};

/// Attempts of a write transaction that keeps finding the database busy.
const WRITE_ATTEMPTS: u32 = 8;

#[derive(Debug, Clone, Copy, Default)]
pub struct OpenOptions {
    /// Open for reading only (`--read-only`).
    pub read_only: bool,
    /// Skip `PRAGMA quick_check` on open (it reads the whole file: about
    /// 1.3 s at a million opinions). For commands that only read, and for
    /// the app, which runs [`Store::check_on_open`] on its database thread
    /// after the first frame.
    pub defer_check: bool,
}

pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// Why the store cannot be written, when it cannot.
    read_only: Option<String>,
    auditor: Auditor,
    /// The change set the last successful write recorded, if it changed anything.
    last_batch: Option<i64>,
    next_label: String,
    next_undoes: Option<i64>,
    /// This open of the database: process id and start time.
    session: String,
    /// `quick_check` left for later (see [`OpenOptions::defer_check`]).
    defer_check: bool,
    /// Told when a write has to wait for someone else's and retries.
    on_retry: Option<Box<dyn Fn() + Send>>,
}

impl Store {
    /// Open (creating if needed) the database at `path`, applying migrations.
    /// A file from a newer schema opens read-only; call [`Store::read_only_reason`].
    pub fn open(path: &Path, opts: OpenOptions) -> Result<Store> {
        let display = path.display().to_string();
        if let Some(msg) = files::refuse_network_fs(path) {
            return Err(StoreError::NetworkFs(msg));
        }
        // Only stat the path here (see [`diagnose`]): opening and closing
        // the file with std::fs would drop the POSIX locks SQLite holds on
        // it through this process's other connections (locks belong to the
        // process), and the next process to close would delete the -wal
        // under our feet. The header is checked by SQLite's own first read
        // in `configure`.
        let facts = diagnose::Facts::of(path);
        if let Some(problem) = facts.refusal(opts.read_only) {
            return Err(problem.into());
        }
        let existed = facts.db.is_some();
        let forced = (!opts.read_only)
            .then(|| facts.forced_read_only())
            .flatten();
        let read_only = opts.read_only || forced.is_some();
        if !existed && !read_only {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| {
                    StoreError::Invalid(format!(
                        "{}: フォルダを作れません: {}",
                        dir.display(),
                        crate::os_error::ja(&e)
                    ))
                })?;
            }
        }
        let conn = open_connection(path, read_only, facts.immutable()).map_err(|source| {
            match diagnose::Facts::of(path).explain(&source) {
                Some(problem) => problem.into(),
                None => StoreError::Open {
                    path: display.clone(),
                    source,
                },
            }
        })?;
        conn.busy_handler(Some(busy_handler))?;
        // Room for every statement an import repeats per row.
        conn.set_prepared_statement_cache_capacity(64);
        if !existed && !read_only {
            files::make_group_shared(path);
        }
        let mut store = Store {
            defer_check: opts.defer_check,
            conn,
            path: path.to_path_buf(),
            read_only: forced.map(|p| p.to_string()).or_else(|| {
                opts.read_only
                    .then(|| format!("{display}: --read-only で開いています。変更は保存できません"))
            }),
            auditor: Auditor::for_current_user(),
            last_batch: None,
            next_label: String::new(),
            next_undoes: None,
            on_retry: None,
            session: format!(
                "{}-{}",
                std::process::id(),
                chrono::Utc::now().timestamp_nanos_opt().unwrap_or_default()
            ),
        };
        drafts::track(&store.session, true);
        store.configure(&display)?;
        tracing::info!(
            db = %path.display(),
            read_only = store.read_only.is_some(),
            user = %store.auditor.user,
            "データベースを開きました"
        );
        if let Some(reason) = &store.read_only {
            tracing::debug!(db = %path.display(), "読み取り専用: {reason}");
        }
        Ok(store)
    }

    fn configure(&mut self, display: &str) -> Result<()> {
        // Reading the schema version is the first real read: a file that is
        // not SQLite fails here, and so does one SQLite cannot open after all.
        let version: i64 = match self.conn.query_row("PRAGMA user_version", [], |r| r.get(0)) {
            Ok(v) => v,
            Err(e) if is_corrupt(&e) => {
                self.read_only = Some(self.corrupt(&e.to_string()).to_string());
                return Ok(());
            }
            Err(e) => return Err(self.first_read_failed(e)),
        };
        self.conn.execute_batch("PRAGMA foreign_keys = ON;")?;
        if version > LATEST_VERSION {
            self.read_only = Some(
                StoreError::NewerSchema {
                    path: display.to_string(),
                    found: version,
                    supported: LATEST_VERSION,
                }
                .to_string(),
            );
            return Ok(());
        }
        if self.read_only.is_some() {
            return Ok(());
        }
        if version > 0 && !self.defer_check && !self.check_on_open()? {
            return Ok(());
        }
        // WAL so readers never block the writer; FULL so a commit survives
        // power loss; the -wal file is truncated back to 8 MiB after
        // checkpoints so it stays bounded.
        self.conn
            .execute_batch(
                "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
                 PRAGMA journal_size_limit = 8388608;",
            )
            .map_err(|e| self.first_read_failed(e))?;
        match migrations::apply(&mut self.conn, version) {
            Err(StoreError::Sql(e)) if is_corrupt(&e) => {
                self.read_only = Some(self.corrupt(&e.to_string()).to_string());
                Ok(())
            }
            other => other,
        }
    }

    /// Say why the first read (or switching to WAL) failed, by cause.
    fn first_read_failed(&self, e: rusqlite::Error) -> StoreError {
        let path = self.path.display().to_string();
        if is_corrupt(&e) {
            return diagnose::Problem::CorruptRead {
                path,
                detail: e.to_string(),
            }
            .into();
        }
        if e.sqlite_error_code() == Some(rusqlite::ErrorCode::NotADatabase) {
            return StoreError::NotADatabase {
                path,
                detail: "先頭が SQLite の見出し \"SQLite format 3\" ではありません".into(),
            };
        }
        match diagnose::Facts::of(&self.path).explain(&e) {
            Some(problem) => problem.into(),
            None => StoreError::Open { path, source: e },
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Why this store is read-only, if it is.
    pub fn read_only_reason(&self) -> Option<&str> {
        self.read_only.as_deref()
    }

    pub fn user(&self) -> &str {
        &self.auditor.user
    }

    /// This open of the database (for presence).
    pub fn session(&self) -> &str {
        &self.session
    }

    /// Read-only access for queries.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Run `f` in a short `BEGIN IMMEDIATE` transaction, retrying with
    /// backoff while another process holds the write lock. `f` may run more
    /// than once, so it must not have effects outside the transaction.
    pub fn write<T>(&mut self, mut f: impl FnMut(&Tx) -> Result<T>) -> Result<T> {
        self.last_batch = None;
        if let Some(reason) = &self.read_only {
            return Err(StoreError::ReadOnly {
                path: self.path.display().to_string(),
                reason: reason.clone(),
            });
        }
        let mut delay = Duration::from_millis(20);
        for attempt in 1..=WRITE_ATTEMPTS {
            match self.try_write(&mut f) {
                Ok(value) => {
                    witness::observe(&self.conn, &self.path);
                    self.bound_wal();
                    return Ok(value);
                }
                Err(StoreError::Sql(e))
                    if is_busy(&e) && attempt < WRITE_ATTEMPTS && !waiting_given_up() =>
                {
                    busy::log_retry(&self.path, attempt);
                    if let Some(tell) = &self.on_retry {
                        tell();
                    }
                    std::thread::sleep(delay);
                    delay = (delay * 2).min(Duration::from_millis(500));
                }
                Err(StoreError::Sql(e)) if is_busy(&e) => return Err(busy::gave_up(&self.path)),
                Err(StoreError::Sql(e)) => return Err(self.plain(e)),
                other => return other,
            }
        }
        Err(busy::gave_up(&self.path))
    }

    /// Call `tell` whenever a write retries because the file is busy (the
    /// screen shows "保存を再試行中" instead of an error).
    pub fn on_retry(&mut self, tell: impl Fn() + Send + 'static) {
        self.on_retry = Some(Box::new(tell));
    }

    /// Like [`Store::write`], naming the change set (shown in undo messages).
    pub fn write_labeled<T>(&mut self, label: &str, f: impl FnMut(&Tx) -> Result<T>) -> Result<T> {
        self.next_label = label.to_string();
        let r = self.write(f);
        self.next_label.clear();
        r
    }

    /// The change set recorded by the last write (None if it changed nothing).
    pub fn last_batch(&self) -> Option<i64> {
        self.last_batch
    }

    /// Say a full disk or an I/O error plainly.
    fn plain(&self, e: rusqlite::Error) -> StoreError {
        let path = self.path.display().to_string();
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DiskFull) => StoreError::DiskFull { path },
            Some(rusqlite::ErrorCode::SystemIoFailure) => StoreError::Io {
                path,
                detail: e.to_string(),
            },
            Some(
                rusqlite::ErrorCode::ReadOnly
                | rusqlite::ErrorCode::CannotOpen
                | rusqlite::ErrorCode::PermissionDenied,
            ) => match diagnose::Facts::of(&self.path).explain(&e) {
                Some(problem) => problem.into(),
                None => StoreError::Sql(e),
            },
            _ => StoreError::Sql(e),
        }
    }

    /// Cap the database at `max_pages` pages (a quota; None lifts it).
    /// Writes past it fail with [`StoreError::DiskFull`] and change nothing.
    pub fn limit_pages(&self, max_pages: Option<u32>) -> Result<()> {
        let n = max_pages.map_or(1_073_741_823, i64::from);
        self.conn
            .query_row(&format!("PRAGMA max_page_count = {n}"), [], |_| Ok(()))?;
        Ok(())
    }

    /// Pages the database has now.
    pub fn page_count(&self) -> Result<u32> {
        Ok(self.conn.query_row("PRAGMA page_count", [], |r| r.get(0))?)
    }

    fn try_write<T>(&mut self, f: &mut impl FnMut(&Tx) -> Result<T>) -> Result<T> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let wrapped = Tx {
            tx,
            auditor: &self.auditor,
            batch: Cell::new(None),
            label: self.next_label.clone(),
            undoes: self.next_undoes,
            pending: RefCell::new(Vec::new()),
            columns: RefCell::new(Vec::new()),
            deferring: Cell::new(false),
            deferred: RefCell::new(Vec::new()),
            built: RefCell::new(Vec::new()),
        };
        let value = f(&wrapped)?;
        let batch = wrapped.batch.get();
        if let Some(b) = batch {
            wrapped.read_deferred_images()?;
            let pending = wrapped.pending.take();
            audit_pack::flush(&wrapped.tx, &self.auditor, b, pending)?;
        }
        wrapped.tx.commit()?;
        self.last_batch = batch;
        Ok(value)
    }

    /// `PRAGMA data_version`: changes when another connection commits.
    pub fn data_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))?)
    }

    pub fn schema_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    /// True when the database holds no meetings and no plans.
    pub fn is_empty(&self) -> Result<bool> {
        let n: i64 = self.conn.query_row(
            "SELECT (SELECT count(*) FROM meetings) + (SELECT count(*) FROM plans)",
            [],
            |r| r.get(0),
        )?;
        Ok(n == 0)
    }

    /// Import a dataset: all or nothing, merging into what is there so that
    /// importing the same data twice changes nothing.
    pub fn import(&mut self, data: &crate::model::Dataset) -> Result<ImportReport> {
        // A big import dirties tens of megabytes of pages in its one
        // transaction: with the default 2 MB page cache SQLite spills them
        // to the WAL before the commit and writes the busiest (index
        // interiors, the change log) again and again. A larger cache for the
        // import alone (it grows only as pages are used) writes each once.
        let cache: i64 = self.conn.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
        self.conn
            .execute_batch(&format!("PRAGMA cache_size = {IMPORT_CACHE_KIB}"))?;
        let r = self.write(|tx| merge::merge_dataset(tx, data));
        let restored = self
            .conn
            .execute_batch(&format!("PRAGMA cache_size = {cache}"));
        merge::log_import(&self.path, &r);
        let r = r?;
        restored?;
        Ok(r)
    }

    /// The whole database as a dataset (the JSON export).
    pub fn export(&self) -> Result<crate::model::Dataset> {
        export::export_dataset(&self.conn)
    }

    /// Each meeting's organisation, SEQUENCE and LAST-MODIFIED for iCalendar.
    pub fn meeting_revisions(&self) -> Result<revisions::Revisions> {
        revisions::meeting_revisions(&self.conn)
    }

    /// The id of the first audit row whose hash does not chain, if any.
    pub fn verify_audit(&self) -> Result<Option<i64>> {
        audit::verify_chain(&self.conn)
    }

    /// The audit log, oldest first.
    pub fn audit_entries(&self) -> Result<Vec<AuditEntry>> {
        audit::entries(&self.conn)
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        // Its drafts are now a stopped session's (see [`drafts`]).
        drafts::track(&self.session, false);
    }
}

/// The page cache during an import (`PRAGMA cache_size`, negative: KiB).
const IMPORT_CACHE_KIB: i64 = -131_072;

/// SQLite found the file damaged.
pub fn is_corrupt(e: &rusqlite::Error) -> bool {
    e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseCorrupt)
}

/// Open the connection: read-write (creating), read-only, or — on a
/// read-only filesystem with no -wal to honour — immutable, since SQLite
/// cannot create the -shm there even to read.
fn open_connection(path: &Path, read_only: bool, immutable: bool) -> rusqlite::Result<Connection> {
    let no_mutex = OpenFlags::SQLITE_OPEN_NO_MUTEX;
    if immutable {
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI | no_mutex;
        return Connection::open_with_flags(diagnose::immutable_uri(path), flags);
    }
    let flags = if read_only {
        OpenFlags::SQLITE_OPEN_READ_ONLY | no_mutex
    } else {
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | no_mutex
    };
    Connection::open_with_flags(path, flags)
}

fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

/// Current time as RFC 3339 UTC with milliseconds.
pub fn now_stamp() -> String {
    chrono::Utc::now()
        .format("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string()
}
