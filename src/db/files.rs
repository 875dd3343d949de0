//! The database file on disk: which filesystems are safe for it, and
//! whether a group can share it.
//!
//! SQLite's locking relies on POSIX locks and shared memory that network
//! and FUSE filesystems do not provide reliably, so a database there can be
//! corrupted by two users at once: we refuse it. For a shared database the
//! directory should be group-owned and setgid (new files get its group) and
//! the files group-readable and -writable (0660), or a colleague's session
//! fails to write — or creates a `-wal` nobody else can open.

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;

/// Network and FUSE filesystems by their `statfs` magic number.
const UNSAFE_FS: &[(i64, &str)] = &[
    (0x6969, "NFS"),
    (0x517B, "SMB"),
    (0xFF53_4D42, "CIFS"),
    (0xFE53_4D42, "SMB2"),
    (0x6573_5546, "FUSE"),
    (0x0102_1997, "9P"),
    (0x5346_414F, "AFS"),
    (0x00C3_6400, "Ceph"),
];

/// The name of a network or FUSE filesystem type, None for a local one.
pub fn unsafe_fs_name(magic: i64) -> Option<&'static str> {
    UNSAFE_FS.iter().find(|(m, _)| *m == magic).map(|(_, n)| *n)
}

/// The `statfs` type of the filesystem holding `dir`.
fn fs_magic(dir: &Path) -> Option<i64> {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(dir.as_os_str().as_bytes()).ok()?;
    let mut st: libc::statfs = unsafe { std::mem::zeroed() };
    // SAFETY: a NUL-terminated path and a zeroed struct for the result.
    let rc = unsafe { libc::statfs(c.as_ptr(), &mut st) };
    (rc == 0).then_some(st.f_type as i64)
}

/// The directory the database lives (or will live) in.
pub fn dir_of(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

/// An error message when `path` is on a network or FUSE filesystem.
pub fn refuse_network_fs(path: &Path) -> Option<String> {
    let dir = dir_of(path);
    let name = unsafe_fs_name(fs_magic(dir)?)?;
    Some(format!(
        "{}: {name} のファイルシステム上にあります。SQLite のロックがネットワーク越しでは働かず、\
         同時に使うとデータベースが壊れるおそれがあるため開きません。\
         サーバーのローカルディスク（例 /srv/kusei/）に置き、KUSEI_DB でそこを指してください",
        path.display()
    ))
}

/// What keeps a group from sharing the database, one sentence each.
pub fn sharing_problems(path: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let dir = dir_of(path);
    if let Ok(meta) = std::fs::metadata(dir) {
        let mode = meta.permissions().mode();
        if mode & 0o2000 == 0 {
            out.push(format!(
                "フォルダ {} に setgid がありません（新しい -wal/-shm がグループのものになりません）: chmod g+s {}",
                dir.display(),
                dir.display()
            ));
        }
        if mode & 0o070 != 0o070 {
            out.push(format!(
                "フォルダ {} をグループが読み書きできません（モード {:o}）: chmod g+rwx {}",
                dir.display(),
                mode & 0o7777,
                dir.display()
            ));
        }
    }
    let group = std::fs::metadata(dir).map(|m| m.gid()).ok();
    for suffix in ["", "-wal", "-shm"] {
        let f = format!("{}{suffix}", path.display());
        let Ok(meta) = std::fs::metadata(&f) else {
            continue;
        };
        let mode = meta.permissions().mode();
        if mode & 0o060 != 0o060 {
            out.push(format!(
                "{f} をグループが読み書きできません（モード {:o}、0660 が必要）: chmod 660 {f}",
                mode & 0o777
            ));
        }
        if let Some(g) = group.filter(|g| *g != meta.gid()) {
            out.push(format!(
                "{f} のグループ（gid {}）がフォルダのグループ（gid {g}）と違います: chgrp {g} {f}",
                meta.gid()
            ));
        }
    }
    out
}

/// Make a newly created database file 0660 (group-shareable).
pub fn make_group_shared(path: &Path) {
    // Best effort: on a filesystem without modes there is nothing to do.
    let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o660));
}

/// Whether `other` is the database at `db` or one of its `-wal`,
/// `-shm`, `-journal` files (by device and inode when it exists, else by
/// name in the same folder). Reading such a file with std::fs would drop
/// SQLite's locks; writing it would destroy the database.
pub fn is_database_file(db: &Path, other: &Path) -> bool {
    let id = |p: &Path| std::fs::metadata(p).ok().map(|m| (m.dev(), m.ino()));
    let with = |s: &str| {
        let mut p = db.as_os_str().to_owned();
        p.push(s);
        std::path::PathBuf::from(p)
    };
    let ours = ["", "-wal", "-shm", "-journal"].map(with);
    if let Some(theirs) = id(other) {
        return ours.iter().any(|p| id(p) == Some(theirs));
    }
    let same_dir = id(dir_of(db)).is_some() && id(dir_of(db)) == id(dir_of(other));
    same_dir
        && ours
            .iter()
            .any(|p| p.file_name().is_some() && p.file_name() == other.file_name())
}

/// Make a backup copy one self-contained file: the online backup copies
/// the WAL flag in the header, so the copy would grow a `-wal`/`-shm` the
/// first time it is opened. Rollback (DELETE) journal mode leaves neither,
/// and closing the connection removes what switching created.
pub fn self_contained(copy: &Path) -> rusqlite::Result<()> {
    let c = rusqlite::Connection::open(copy)?;
    c.query_row("PRAGMA journal_mode = DELETE", [], |_| Ok(()))?;
    c.close().map_err(|(_, e)| e)
}

/// Give a backup copy the original's group and permission bits (0660 and
/// the shared group, whatever the umask), so a colleague can restore it.
/// Path-based chmod/chown only: nothing here opens the files.
pub fn share_like(original: &Path, copy: &Path) {
    let Ok(meta) = std::fs::metadata(original) else {
        return;
    };
    // Best effort: a user may not give the copy a group they are not in.
    let _ = std::os::unix::fs::chown(copy, None, Some(meta.gid()));
    let _ = std::fs::set_permissions(
        copy,
        std::fs::Permissions::from_mode(meta.permissions().mode() & 0o777),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn network_filesystems_are_named() {
        assert_eq!(unsafe_fs_name(0x6969), Some("NFS"));
        assert_eq!(unsafe_fs_name(0xFF53_4D42), Some("CIFS"));
        assert_eq!(unsafe_fs_name(0x6573_5546), Some("FUSE"));
        assert_eq!(unsafe_fs_name(0xEF53), None, "ext4 is local");
    }

    #[test]
    fn a_private_directory_is_named_precisely() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700))
            .expect("chmod");
        let db = dir.path().join("k.db");
        std::fs::write(&db, b"").expect("file");
        std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        let problems = sharing_problems(&db);
        assert!(
            problems.iter().any(|p| p.contains("setgid")),
            "{problems:?}"
        );
        assert!(
            problems.iter().any(|p| p.contains("モード 700")),
            "{problems:?}"
        );
        assert!(
            problems.iter().any(|p| p.contains("モード 600")),
            "{problems:?}"
        );
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o2770))
            .expect("chmod");
        make_group_shared(&db);
        assert!(
            sharing_problems(&db).is_empty(),
            "{:?}",
            sharing_problems(&db)
        );
        assert!(refuse_network_fs(&db).is_none());
    }
}
