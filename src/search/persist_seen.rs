//! A note beside the index file (`<db>.search-index.verified`) saying that
//! a session checked the file whole (every section's CRC and every value
//! the scan trusts) and which file that was: device, inode, size, mtime,
//! ctime and the header's CRC. A session whose file still matches the note
//! checks only the header and the database (what tells a stale or foreign
//! file), not the 258 MB of sections again: at 1M opinions that is
//! 150–400 ms of every launch, and the pages it reads stay resident.
//!
//! Why the note can be trusted: index files are never changed in place
//! (a writer renames a new file over the old one: a new inode), and any
//! write to a file sets its mtime and ctime to now. A note is written only
//! for a file whose mtime is [`SETTLED`] older than the start of the check,
//! so a write after the check (even in the same clock tick) moves the mtime
//! away from the noted one. What it does not catch: bits that rot on the
//! disk after the check, with no write (the filesystem's business), and a
//! user who sets a damaged file's times back by hand.
//!
//! The note is a cache too: missing, unreadable, of another file or
//! damaged (its own CRC), it is ignored and the file checked whole.

use std::fs::Metadata;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

const MAGIC: &[u8; 8] = b"KUSEIVF1";
const LEN: usize = 8 + 7 * 8 + 4 + 4;

/// How much older than the check a file's mtime must be to be noted.
pub const SETTLED: Duration = Duration::from_secs(2);

/// `<db>.search-index.verified`.
pub fn path_for(db: &Path) -> PathBuf {
    let mut p = super::persist::path_for(db).into_os_string();
    p.push(".verified");
    PathBuf::from(p)
}

/// Which file, as `stat` and its header say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seen {
    dev: u64,
    ino: u64,
    size: u64,
    mtime: (i64, i64),
    ctime: (i64, i64),
    header_crc: u32,
}

impl Seen {
    pub fn of(meta: &Metadata, header_crc: u32) -> Seen {
        Seen {
            dev: meta.dev(),
            ino: meta.ino(),
            size: meta.len(),
            mtime: (meta.mtime(), meta.mtime_nsec()),
            ctime: (meta.ctime(), meta.ctime_nsec()),
            header_crc,
        }
    }

    fn encode(&self) -> [u8; LEN] {
        let mut b = [0u8; LEN];
        b[..8].copy_from_slice(MAGIC);
        let words = [
            self.dev,
            self.ino,
            self.size,
            self.mtime.0 as u64,
            self.mtime.1 as u64,
            self.ctime.0 as u64,
            self.ctime.1 as u64,
        ];
        for (i, w) in words.iter().enumerate() {
            b[8 + i * 8..16 + i * 8].copy_from_slice(&w.to_le_bytes());
        }
        b[64..68].copy_from_slice(&self.header_crc.to_le_bytes());
        let crc = crc32fast::hash(&b[..68]);
        b[68..].copy_from_slice(&crc.to_le_bytes());
        b
    }

    fn decode(b: &[u8]) -> Option<Seen> {
        if b.len() != LEN || &b[..8] != MAGIC {
            return None;
        }
        let u32_at = |at: usize| b.get(at..at + 4)?.try_into().ok().map(u32::from_le_bytes);
        if crc32fast::hash(&b[..68]) != u32_at(68)? {
            return None;
        }
        let w = |i: usize| {
            b.get(8 + i * 8..16 + i * 8)?
                .try_into()
                .ok()
                .map(u64::from_le_bytes)
        };
        Some(Seen {
            dev: w(0)?,
            ino: w(1)?,
            size: w(2)?,
            mtime: (w(3)? as i64, w(4)? as i64),
            ctime: (w(5)? as i64, w(6)? as i64),
            header_crc: u32_at(64)?,
        })
    }
}

/// Whether the note says the file `seen` was checked whole.
pub fn holds(db: &Path, seen: &Seen) -> bool {
    std::fs::read(path_for(db))
        .ok()
        .and_then(|b| Seen::decode(&b))
        .is_some_and(|noted| noted == *seen)
}

/// Note that the file `seen` was checked whole by a check that began at
/// `began`; nothing when its mtime is too recent to tell a later write
/// from it. Best effort (a directory we may not write in: the next session
/// checks the file whole again).
pub fn record(db: &Path, seen: &Seen, began: SystemTime) {
    let mtime = SystemTime::UNIX_EPOCH
        .checked_add(Duration::new(
            seen.mtime.0.max(0) as u64,
            seen.mtime.1.clamp(0, 999_999_999) as u32,
        ))
        .unwrap_or(SystemTime::UNIX_EPOCH);
    let settled = began.duration_since(mtime).is_ok_and(|age| age >= SETTLED);
    if seen.mtime.0 < 0 || !settled {
        return;
    }
    let path = path_for(db);
    let mut tmp = path.clone().into_os_string();
    // Unique per writer: sessions of one process may note at once.
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    tmp.push(format!(".{}.{n}", std::process::id()));
    let tmp = PathBuf::from(tmp);
    let written = std::fs::write(&tmp, seen.encode()).and_then(|_| {
        crate::db::files::share_like(db, &tmp);
        std::fs::rename(&tmp, &path)
    });
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        tracing::debug!(path = %path.display(), "索引ファイルの確認済みの印を書けません: {e}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_note_round_trips_and_a_damaged_one_is_refused() {
        let s = Seen {
            dev: 1,
            ino: 2,
            size: 3,
            mtime: (4, 5),
            ctime: (6, 7),
            header_crc: 8,
        };
        let b = s.encode();
        assert_eq!(Seen::decode(&b), Some(s));
        for i in 0..LEN {
            let mut bad = b;
            bad[i] ^= 4;
            assert_eq!(Seen::decode(&bad), None, "byte {i}");
        }
        assert_eq!(Seen::decode(&b[..LEN - 1]), None);
    }
}
