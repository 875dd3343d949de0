//! The search index file beside the database (`<db>.search-index`): the
//! index as it is in memory, written once and memory-mapped read-only by
//! every session and `kusei search`, so opening kusei on a big file does not
//! rebuild the index and the sessions on a server share its pages.
//!
//! It is a cache, never the source of truth: deleting it is always safe
//! (the next session builds and writes it again). A file that is missing,
//! cut short, damaged (CRC), of another format or builder, of another
//! database, from before a migration, or older than the change log still
//! holds ([`super::changes`]) is never used: the index is rebuilt from the
//! database and the file written anew. It is replaced only whole (written
//! to a temporary file, fsynced, renamed over), so a reader sees the old
//! file or the new one; it is never changed in place. It gets the
//! database's group and mode, like the database itself (group-readable).
//!
//! Changes newer than the file are read from the change log's tail and
//! applied to the session's copy ([`super::persist_delta`]); the session
//! holding the lock on `<db>.search-index.lock` (a separate file: nothing
//! here opens the database or its -wal/-shm with std::fs) writes a newer
//! file at a quiet moment, and the others notice the new file and map it.
//!
//! - [`super::persist_write`]: the layout and the writer.
//! - [`super::persist_map`]: checking a file and mapping it.
//! - [`super::persist_delta`]: open-or-build, catching up, republishing.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use rusqlite::Connection;
use sha2::{Digest, Sha256};

/// The file's first bytes.
pub const MAGIC: &[u8; 8] = b"KUSEIIX1";
/// Bump when the layout, or what a build puts in entries, changes in a way
/// the builder fingerprint ([`builder_fingerprint`]) would not catch.
/// 2: entries ordered by fiscal year before day; the writer's mark. 3: the
/// row lookup section. 4: readings end runs of words in final bytes
/// ([`super::index::FINALS`]). 5: and words inside a run in word final
/// bytes ([`super::index::WORD_FINALS`]). 6: readings as word numbers into
/// a table of distinct readings, its own section ([`super::word_numbers`]).
pub const FORMAT_VERSION: u32 = 6;

/// Why a file was not used (it is rebuilt instead).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Invalid {
    #[error("索引ファイルがありません")]
    Missing,
    #[error("索引ファイルを読めません: {0}")]
    Io(String),
    #[error("索引ファイルが途中で切れています")]
    Truncated,
    #[error("索引ファイルの形式が違います")]
    Format,
    #[error("索引ファイルが壊れています（{0}）")]
    Damaged(&'static str),
    #[error("索引ファイルは別のデータベースのものです")]
    OtherDatabase,
    #[error("索引ファイルはデータベースの更新前のものです")]
    Schema,
    #[error("索引ファイルが古すぎます（変更記録がそこまで残っていません）")]
    Stale,
    #[error("索引ファイルはこの版の kusei のものではありません")]
    Builder,
    #[error("索引ファイルより新しい変更があります")]
    Behind,
}

/// `<db>.search-index`.
pub fn path_for(db: &Path) -> PathBuf {
    with_suffix(db, ".search-index")
}

/// `<db>.search-index.lock`: whoever holds an `flock` on it writes.
pub fn lock_path_for(db: &Path) -> PathBuf {
    with_suffix(db, ".search-index.lock")
}

fn with_suffix(db: &Path, suffix: &str) -> PathBuf {
    let mut p = db.as_os_str().to_owned();
    p.push(suffix);
    PathBuf::from(p)
}

/// Which file: device and inode. Files are only ever replaced whole, so a
/// new stamp at the path means someone wrote a newer index.
pub type Stamp = (u64, u64);

/// The stamp of the file at the index path now (`stat` only).
pub fn file_stamp(db: &Path) -> Option<Stamp> {
    let m = std::fs::metadata(path_for(db)).ok()?;
    Some((m.dev(), m.ino()))
}

/// What ties a file to its database: the database file's device and inode
/// (`stat` only), its schema version, a digest of its first batch and
/// audit row (rows that never change once written), and the writer's mark
/// in the change log ([`mark`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DbIdentity {
    pub dev: u64,
    pub ino: u64,
    pub schema: i64,
    pub digest: [u8; 32],
    /// (change number, random value) of the row the file's writer added to
    /// the change log just before writing; (0, 0) until [`mark`]ed.
    pub mark: (i64, i64),
}

/// What the change log's mark rows are filed under (search reads nothing
/// from them).
pub const MARK_TABLE: &str = "index-file";

/// Add a mark row (a random value) to the change log, in a transaction of
/// its own, and return it (change number, value).
///
/// A file is used only while its mark is in the log. A database copied back
/// over itself from a backup taken before the file was written (the same
/// file, an earlier state, then written past the file's change number) has
/// no such row: the file, which holds changes that history threw away, is
/// rebuilt instead of trusted.
///
/// `conn` may be read-only (a session's search connection): the mark then
/// goes through a writing connection of its own.
///
/// No mark is written once [`stop_marking`] has been called: the process is
/// leaving and has folded its -wal for the last time.
pub fn mark(db: &Path, conn: &Connection) -> Result<(i64, i64), crate::db::StoreError> {
    // Held through the mark's transaction, so that `stop_marking` returns
    // only after a mark under way has committed.
    let closing = CLOSING.lock().unwrap_or_else(|p| p.into_inner());
    if *closing {
        return Err(crate::db::StoreError::Invalid(
            "終了中のため索引ファイルの印を書きません".into(),
        ));
    }
    if !conn.is_readonly(rusqlite::DatabaseName::Main)? {
        return Ok(mark_with(conn)?);
    }
    let store = crate::db::Store::open(
        db,
        crate::db::OpenOptions {
            read_only: false,
            defer_check: true,
        },
    )?;
    Ok(mark_with(store.conn())?)
}

static CLOSING: std::sync::Mutex<bool> = std::sync::Mutex::new(false);

/// From now on this process writes no index-file marks (it is leaving: the
/// database thread calls this before it folds the -wal on closing, so that
/// a background index write cannot leave frames in the -wal after it).
/// Waits for a mark under way to commit.
pub fn stop_marking() {
    *CLOSING.lock().unwrap_or_else(|p| p.into_inner()) = true;
}

fn mark_with(conn: &Connection) -> rusqlite::Result<(i64, i64)> {
    let tx = rusqlite::Transaction::new_unchecked(conn, rusqlite::TransactionBehavior::Immediate)?;
    let mark = tx.query_row(
        "INSERT INTO search_changes (tbl, row_id) VALUES (?1, random()) RETURNING seq, row_id",
        [MARK_TABLE],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    tx.commit()?;
    Ok(mark)
}

/// Whether the change log holds the mark `(seq, value)`.
pub fn has_mark(conn: &Connection, (seq, value): (i64, i64)) -> Result<bool, Invalid> {
    use rusqlite::OptionalExtension;
    let found: Option<i64> = conn
        .query_row(
            "SELECT row_id FROM search_changes WHERE seq = ?1 AND tbl = ?2",
            rusqlite::params![seq, MARK_TABLE],
            |r| r.get(0),
        )
        .optional()
        .map_err(|e| Invalid::Io(e.to_string()))?;
    Ok(found == Some(value))
}

impl DbIdentity {
    pub fn of(db: &Path, conn: &Connection) -> Result<DbIdentity, Invalid> {
        let m = std::fs::metadata(db).map_err(|e| Invalid::Io(e.to_string()))?;
        let schema: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| Invalid::Io(e.to_string()))?;
        let (hash, at): (Option<String>, Option<String>) = conn
            .query_row(
                "SELECT (SELECT hash FROM audit_log ORDER BY id LIMIT 1),
                        (SELECT id || ' ' || at FROM batches ORDER BY id LIMIT 1)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(|e| Invalid::Io(e.to_string()))?;
        let mut h = Sha256::new();
        h.update(hash.unwrap_or_default().as_bytes());
        h.update([0]);
        h.update(at.unwrap_or_default().as_bytes());
        Ok(DbIdentity {
            dev: m.dev(),
            ino: m.ino(),
            schema,
            digest: h.finalize().into(),
            mark: (0, 0),
        })
    }
}

/// A digest of what the index builder makes of a fixed set of texts
/// (folding, readings, kinds): a binary that builds entries differently
/// does not use another's file.
pub fn builder_fingerprint(readings: bool) -> [u8; 32] {
    use super::index::{Codec, Doc, DocKind, IndexBuilder};
    const PROBE: [&str; 8] = [
        "団地の防災訓練について、区運営方針に沿って検討する。",
        "子育て支援（ｶﾀｶﾅ・ＡＢＣ１２３）ガイドブック",
        "超過勤務の縮減、ヴァイオリン、ゐゑ",
        "区長「学校の耐震化を急ぐ」",
        "𠮷野家 〜 ～ ー ｰ",
        "令和5年度 第3回 区政会議",
        "だんち danchi DANCHI",
        "",
    ];
    let mut b = IndexBuilder::new(std::sync::Arc::new(Codec::default())).with_readings(readings);
    for (i, t) in PROBE.iter().enumerate() {
        let doc = Doc {
            id: i as i64,
            parent: 1,
            day: 700_000 + i as i32,
            fiscal_year: 2020,
            meeting_no: 1,
            speaker: 0,
            kind: DocKind::Opinion,
        };
        // The probe is far below the size limit.
        let _ = b.push(doc, t);
    }
    let ix = b.finish();
    let mut h = Sha256::new();
    h.update(FORMAT_VERSION.to_le_bytes());
    h.update(&ix.arena[..]);
    h.update(ix.words().to_bytes());
    for d in ix.docs.iter() {
        h.update([d.kind.rank(), d.kind as u8]);
    }
    h.finalize().into()
}

/// Set this thread's CPU priority to the lowest (writing and compacting
/// run in the background and must not slow anyone's typing).
pub fn lower_this_thread() {
    // SAFETY: plain syscalls on this thread's own id.
    unsafe {
        let tid = libc::syscall(libc::SYS_gettid) as libc::id_t;
        libc::setpriority(libc::PRIO_PROCESS, tid, 19);
    }
}
