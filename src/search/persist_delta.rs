//! Using the index file: open it or build (and write it), bring a mapped
//! index up to date from the change log, and write a newer file under the
//! lock.
//!
//! Changes newer than the file are applied with [`super::changes::apply`]
//! as a small layer over the mapped index ([`super::persist_layer`]):
//! nothing mapped is copied, and the answers are exactly a rebuild's. When
//! the layer grows past a few per cent (or after a quiet minute), one
//! session — the one that gets the `flock` on `<db>.search-index.lock` —
//! writes the merged index as the new file at low priority ([`publish`]);
//! every session then sees the new inode and maps it again, dropping its
//! layer ([`super::service`]).

use std::fs::{File, OpenOptions, TryLockError};
use std::path::Path;

use rusqlite::Connection;

use super::index::Index;
use super::persist::{file_stamp, lock_path_for, path_for, DbIdentity, Invalid, Stamp};
use super::persist_write::HEADER;
use super::{load, SearchError};

/// An index and where it came from.
pub struct Loaded {
    pub index: Index,
    /// The last change-log number it includes (None: the file has no log).
    pub seq: Option<i64>,
    /// The file it was mapped from (None: built from the database).
    pub stamp: Option<Stamp>,
    /// Why the file was not used, when it was built instead.
    pub rebuilt: Option<Invalid>,
}

/// The index file of `db` mapped and checked, and brought up to date from
/// the change log (`conn`: a connection to `db`). Still mapped (no copy)
/// when nothing search shows changed since the file was written.
pub fn open_current(db: &Path, conn: &Connection) -> Result<(Index, i64, Stamp), Invalid> {
    let (mut index, seq, stamp) = super::persist_map::open(db, conn)?;
    let tail = super::changes::tail(conn, seq).ok_or(Invalid::Stale)?;
    if !tail.is_empty() {
        super::changes::apply(&mut index, conn, &tail).map_err(|e| Invalid::Io(e.to_string()))?;
    }
    Ok((index, tail.seq, stamp))
}

/// The file's index when it is current as it is (nothing search shows
/// changed since it was written): mapped, nothing copied. For a session
/// that already has a current index and only wants to share the file's.
pub fn open_if_current(db: &Path, conn: &Connection) -> Result<(Index, i64, Stamp), Invalid> {
    let (index, seq, stamp) = super::persist_map::open(db, conn)?;
    let tail = super::changes::tail(conn, seq).ok_or(Invalid::Stale)?;
    if !tail.is_empty() {
        return Err(Invalid::Behind);
    }
    Ok((index, tail.seq, stamp))
}

/// The file's index, current; or, when the file cannot be used, the index
/// built from the database (two connections of its own), and written as
/// the file when `write` (and nobody else is writing it).
pub fn open_or_build(
    db: &Path,
    conn: &Connection,
    progress: &(dyn Fn(usize, usize) + Sync),
    write: bool,
) -> Result<Loaded, SearchError> {
    let why = match open_current(db, conn) {
        Ok((index, seq, stamp)) => {
            return Ok(Loaded {
                index,
                seq: Some(seq),
                stamp: Some(stamp),
                rebuilt: None,
            })
        }
        Err(why) => why,
    };
    tracing::info!(db = %db.display(), "検索索引を作り直します: {why}");
    let (index, seq) = load::build_from_path_at(db, progress)?;
    if let (true, Some(seq)) = (write, seq) {
        if let Err(e) = publish(db, conn, &index, seq) {
            tracing::warn!(db = %db.display(), "索引ファイルを書けません: {e}");
        }
    }
    Ok(Loaded {
        index,
        seq,
        stamp: None,
        rebuilt: Some(why),
    })
}

/// Write `index` (current up to change `seq`) as the index file, unless
/// another process holds the lock (it is writing one) or the file there
/// already includes `seq`. Ok(true) when written.
pub fn publish(db: &Path, conn: &Connection, index: &Index, seq: i64) -> std::io::Result<bool> {
    let Some(_lock) = try_lock(db)? else {
        return Ok(false);
    };
    if file_seq(db).is_some_and(|s| s >= seq) && super::persist_map::open(db, conn).is_ok() {
        return Ok(false);
    }
    let mut id = DbIdentity::of(db, conn).map_err(|e| std::io::Error::other(e.to_string()))?;
    id.mark = super::persist::mark(db, conn).map_err(std::io::Error::other)?;
    // A layer over a mapped base is merged in (a copy, for the writing).
    let flat;
    let index = if index.layer.is_some() {
        flat = index
            .flattened()
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        &flat
    } else {
        index
    };
    super::persist_write::publish(db, index, seq, id)?;
    settle_and_check(db, conn);
    Ok(true)
}

/// Check the file just written whole, so that it is noted as checked and
/// no session's launch pays for that ([`super::persist_seen`]). Its mtime
/// is first put [`SETTLED`](super::persist_seen::SETTLED) back: a note
/// needs a file whose mtime any later write would change (a write now
/// sets it to now). Best effort: a file not noted is checked by its first
/// reader.
fn settle_and_check(db: &Path, conn: &Connection) {
    let path = path_for(db);
    let back = std::time::SystemTime::now()
        .checked_sub(super::persist_seen::SETTLED * 2)
        .and_then(|t| {
            let f = File::options().write(true).open(&path).ok()?;
            f.set_modified(t).ok()
        });
    if back.is_none() {
        return;
    }
    if let Err(why) = super::persist_map::open(db, conn) {
        tracing::warn!(path = %path.display(), "書いたばかりの索引ファイルが使えません: {why}");
    }
}

/// The lock file, locked (`flock`, released when dropped); None when
/// another process holds it.
fn try_lock(db: &Path) -> std::io::Result<Option<File>> {
    let path = lock_path_for(db);
    let f = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)?;
    crate::db::files::share_like(db, &path);
    match f.try_lock() {
        Ok(()) => Ok(Some(f)),
        Err(TryLockError::WouldBlock) => Ok(None),
        Err(TryLockError::Error(e)) => Err(e),
    }
}

/// The change-log number in the header of the file at the index path (no
/// other check).
pub fn file_seq(db: &Path) -> Option<i64> {
    use std::io::Read;
    let mut h = vec![0u8; HEADER];
    let mut f = File::open(path_for(db)).ok()?;
    f.read_exact(&mut h).ok()?;
    let len = f.metadata().ok()?.len();
    super::persist_map::decode_header(&h, len)
        .ok()
        .map(|h| h.seq)
}

/// Whether the file at the index path is another than `stamp`.
pub fn replaced(db: &Path, stamp: Option<Stamp>) -> bool {
    let now = file_stamp(db);
    now.is_some() && now != stamp
}
