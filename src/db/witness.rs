//! Witnesses of the audit log: the chain head (position and hash) that a
//! kusei process saw, kept outside the shared file in the user's own state
//! directory (`$XDG_STATE_HOME/kusei/witness/`, directory 0700, files 0600),
//! one file per database path.
//!
//! The chain makes every row depend on all rows before it, so one remembered
//! head pins the whole history up to it: a log rewritten at or before that
//! position (even with every hash recomputed), a deleted tail or an emptied
//! log no longer contains the remembered row. A witness that no longer
//! matches is kept as evidence and never replaced by the rewritten head.
//!
//! Only the command-line binary records witnesses ([`enable`]); library
//! users and tests do not write into anyone's home.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use rusqlite::{Connection, OptionalExtension};
use sha2::{Digest, Sha256};

/// A chain head: the audit row `id` had hash `hash`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    pub id: i64,
    pub hash: String,
}

impl Head {
    /// The short fingerprint a manager writes down: `ID:16 hex digits`.
    pub fn fingerprint(&self) -> String {
        format!("{}:{}", self.id, &self.hash[..self.hash.len().min(16)])
    }

    /// `ID:HEX` (at least 8 hex digits of the hash) back into a head.
    pub fn parse(s: &str) -> Option<Head> {
        let (id, hash) = s.trim().split_once(':')?;
        let id: i64 = id.trim().parse().ok().filter(|n| *n > 0)?;
        let hash = hash.trim().to_ascii_lowercase();
        let ok = hash.len() >= 8 && hash.len() <= 64 && hash.chars().all(|c| c.is_ascii_hexdigit());
        ok.then_some(Head { id, hash })
    }
}

/// Where a head was seen: a witness file, or a fingerprint given on the
/// command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Witness {
    pub head: Head,
    /// When it was recorded (empty for a fingerprint given by hand).
    pub at: String,
    /// The witness file, or `--head` for a fingerprint given by hand.
    pub source: String,
}

static ENABLED: AtomicBool = AtomicBool::new(false);

/// Record witnesses from now on (the binary calls this at start).
pub fn enable() {
    ENABLED.store(true, Ordering::Relaxed);
}

/// `$XDG_STATE_HOME/kusei/witness`, else `~/.local/state/kusei/witness`.
pub fn dir() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_STATE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|h| !h.is_empty())
                .map(|h| PathBuf::from(h).join(".local").join("state"))
        })?;
    Some(base.join("kusei").join("witness"))
}

/// The witness file of the database at `db` (named by a hash of its
/// canonical path; the path itself is inside).
pub fn file_for(dir: &Path, db: &Path) -> PathBuf {
    let canon = std::fs::canonicalize(db).unwrap_or_else(|_| db.to_path_buf());
    let digest = Sha256::digest(canon.to_string_lossy().as_bytes());
    let name: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    dir.join(format!("{name}.head"))
}

/// The last row of the log, if any.
pub fn head(conn: &Connection) -> rusqlite::Result<Option<Head>> {
    conn.query_row(
        "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1",
        [],
        |r| {
            Ok(Head {
                id: r.get(0)?,
                hash: r.get(1)?,
            })
        },
    )
    .optional()
}

/// Whether the log still holds `head` (the row with its id and that hash,
/// or a hash that starts with a given short fingerprint).
pub fn holds(conn: &Connection, head: &Head) -> rusqlite::Result<Option<bool>> {
    let hash: Option<String> = conn
        .query_row("SELECT hash FROM audit_log WHERE id = ?1", [head.id], |r| {
            r.get(0)
        })
        .optional()?;
    Ok(hash.map(|h| h.starts_with(&head.hash)))
}

/// The witness recorded for `db` by this user, if any and readable.
pub fn read(db: &Path) -> Option<Witness> {
    let file = file_for(&dir()?, db);
    let text = std::fs::read_to_string(&file).ok()?;
    let mut parts = text.trim_end_matches('\n').splitn(4, '\t');
    let id = parts.next()?.parse().ok()?;
    let hash = parts.next()?.to_string();
    let at = parts.next().unwrap_or_default().to_string();
    Some(Witness {
        head: Head { id, hash },
        at,
        source: file.display().to_string(),
    })
}

/// After a commit or a verification: remember the head of `db`'s log,
/// unless the witness already there no longer matches (it stays, as
/// evidence). Best effort: a state directory that cannot be written only
/// means no witness.
pub fn observe(conn: &Connection, db: &Path) {
    if !ENABLED.load(Ordering::Relaxed) {
        return;
    }
    let _ = try_observe(conn, db);
}

fn try_observe(conn: &Connection, db: &Path) -> std::io::Result<()> {
    let Ok(Some(now)) = head(conn) else {
        return Ok(());
    };
    if let Some(old) = read(db) {
        if old.head == now {
            return Ok(());
        }
        if old.head.id > now.id || holds(conn, &old.head).ok().flatten() != Some(true) {
            return Ok(());
        }
    }
    let Some(dir) = dir() else {
        return Ok(());
    };
    write_private(&dir, &file_for(&dir, db), &now, db)
}

/// Write the witness: directory 0700, temp file 0600, rename.
fn write_private(dir: &Path, file: &Path, head: &Head, db: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)?;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    let tmp = file.with_extension(format!("tmp{}", std::process::id()));
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&tmp)?;
    writeln!(
        f,
        "{}\t{}\t{}\t{}",
        head.id,
        head.hash,
        super::now_stamp(),
        std::fs::canonicalize(db)
            .unwrap_or_else(|_| db.to_path_buf())
            .display()
    )?;
    drop(f);
    std::fs::rename(&tmp, file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_round_trip_and_bad_ones_are_refused() {
        let h = Head {
            id: 42,
            hash: "0123456789abcdef0123".into(),
        };
        assert_eq!(h.fingerprint(), "42:0123456789abcdef");
        assert_eq!(
            Head::parse("42:0123456789ABCDEF"),
            Some(Head {
                id: 42,
                hash: "0123456789abcdef".into()
            })
        );
        for bad in [
            "",
            "42",
            "x:0123456789",
            "0:0123456789",
            "4:0123",
            "4:zz23456789",
        ] {
            assert_eq!(Head::parse(bad), None, "{bad}");
        }
    }
}
