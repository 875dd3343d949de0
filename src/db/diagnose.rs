//! Why a database cannot be opened or written, said by cause.
//!
//! Everything here looks at the files from outside: `stat` of the database,
//! its folder, `-wal` and `-shm`, `access(2)` and `statvfs` — never by
//! opening them. Opening and closing the database or its `-wal`/`-shm` with
//! `std::fs` would drop the POSIX locks SQLite holds on them through this
//! process's other connections (locks belong to the process), and the next
//! process to close would delete the `-wal` under our feet.

use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use super::files::dir_of;

/// One file's owner, group and mode, as `ls -l` shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owned {
    pub path: PathBuf,
    pub uid: u32,
    pub gid: u32,
    pub mode: u32,
}

impl Owned {
    pub fn of(path: &Path) -> Option<Owned> {
        let m = std::fs::metadata(path).ok()?;
        Some(Owned {
            path: path.to_path_buf(),
            uid: m.uid(),
            gid: m.gid(),
            mode: m.mode() & 0o7777,
        })
    }

    pub fn owner(&self) -> String {
        super::osuser::name_of(self.uid).unwrap_or_else(|| format!("uid {}", self.uid))
    }

    pub fn group(&self) -> String {
        group_name(self.gid).unwrap_or_else(|| format!("gid {}", self.gid))
    }

    /// 「所有者 sato、グループ kusei、モード 0640」
    pub fn describe(&self) -> String {
        format!(
            "所有者 {}、グループ {}、モード {:04o}",
            self.owner(),
            self.group(),
            self.mode
        )
    }

    /// Whether the current user is (or is not) in the file's group, said.
    fn membership(&self) -> String {
        let (_, me) = super::osuser::current();
        if in_group(self.gid) {
            format!("{me} はグループ {} に入っています", self.group())
        } else {
            format!("{me} はグループ {} に入っていません", self.group())
        }
    }

    /// What to do so the group can read and write this file (or folder):
    /// give the group the bits it lacks, add the user to the group.
    fn fix(&self, is_dir: bool) -> String {
        let (_, me) = super::osuser::current();
        let p = self.path.display();
        let mut steps = Vec::new();
        let (bits, chmod) = if is_dir {
            (0o070, "2770")
        } else {
            (0o060, "660")
        };
        if self.mode & bits != bits {
            steps.push(format!("chmod {chmod} {p}"));
        }
        if !in_group(self.gid) && current_uid() != self.uid {
            steps.push(format!(
                "sudo usermod -aG {} {me}（追加の後はログインし直してください）",
                self.group()
            ));
        }
        if steps.is_empty() {
            return format!("管理者に権限を確かめてもらってください: ls -l {p}");
        }
        format!("管理者に頼んでください: {}", steps.join("、"))
    }
}

/// Why the database cannot be opened or written, one cause each.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    #[error("{0}: データベースのファイルがありません。--db のパスを確かめてください（読むだけのコマンドは新しいデータベースを作りません）")]
    Missing(String),
    #[error("{}: 読む権限がありません（{}。{}）。{}", .0.path.display(), .0.describe(), .0.membership(), .0.fix(false))]
    NotReadable(Owned),
    #[error("フォルダ {}: 書き込む権限がありません（{}。{}）。kusei はここに -wal と -shm を作ります。{}", .0.path.display(), .0.describe(), .0.membership(), .0.fix(true))]
    FolderNotWritable(Owned),
    #[error("{}: 別のユーザー（{}）のファイルで、読めません（{}。{}）。{} が kusei を終えると消えます。いま直すには: {}（フォルダに setgid があれば繰り返しません: chmod g+s {}）", .0.path.display(), .0.owner(), .0.describe(), .0.membership(), .0.owner(), .0.fix(false), dir_of(&.0.path).display())]
    SidecarNotReadable(Owned),
    #[error("フォルダ {}: 中に入る権限がありません（{}。{}）。{}", .0.path.display(), .0.describe(), .0.membership(), .0.fix(true))]
    FolderClosed(Owned),
    #[error("{}: 別のユーザー（{}）のファイルで書き込めないため、読み取り専用で開きます（{}。{}）。{} が kusei を終えると消えます。いま直すには: {}（フォルダに setgid があれば繰り返しません: chmod g+s {}）", .0.path.display(), .0.owner(), .0.describe(), .0.membership(), .0.owner(), .0.fix(false), dir_of(&.0.path).display())]
    SidecarNotWritable(Owned),
    #[error("{path}: ディスクがいっぱいでデータベースを開けません（{dir} の空き {free}）。不要なファイルを消して空きを作ってから、もう一度実行してください")]
    DiskFullOnOpen {
        path: String,
        dir: String,
        free: String,
    },
    #[error("{0}: 読み取り専用のファイルシステム上にあるため、読み取り専用で開きます。変更は保存できません")]
    ReadOnlyFs(String),
    #[error("{}: 書き込む権限がないため、読み取り専用で開きます（{}。{}）。保存できるようにするには: {}", .0.path.display(), .0.describe(), .0.membership(), .0.fix(false))]
    ReadOnlyFile(Owned),
    #[error("{path}: データベースが壊れています（{detail}）。読み取り専用で開きます。バックアップから戻すには、全員が kusei を終えてから kusei backup で作ったコピーを戻してください: cp コピー.db {path}（README「Backup and restore」）")]
    Corrupt { path: String, detail: String },
    #[error("{path}: データベースが壊れていて読めません（{detail}）。バックアップから戻すには、全員が kusei を終えてから kusei backup で作ったコピーを戻してください: cp コピー.db {path}（README「Backup and restore」）")]
    CorruptRead { path: String, detail: String },
}

/// What stat, access and statvfs say about a database path.
#[derive(Debug, Clone)]
pub struct Facts {
    pub path: PathBuf,
    pub db: Option<Owned>,
    pub dir: Option<Owned>,
    pub wal: Option<Owned>,
    pub shm: Option<Owned>,
    /// Bytes of the -wal file (0 when there is none).
    pub wal_bytes: u64,
    /// The filesystem is mounted read-only (statvfs ST_RDONLY).
    pub fs_read_only: bool,
    /// Bytes free for an unprivileged user on the filesystem.
    pub free_bytes: Option<u64>,
}

impl Facts {
    pub fn of(path: &Path) -> Facts {
        let dir = dir_of(path);
        let side = |s: &str| {
            let mut p = path.as_os_str().to_owned();
            p.push(s);
            PathBuf::from(p)
        };
        let vfs = statvfs(dir);
        Facts {
            path: path.to_path_buf(),
            db: Owned::of(path),
            dir: Owned::of(dir),
            wal: Owned::of(&side("-wal")),
            shm: Owned::of(&side("-shm")),
            wal_bytes: std::fs::metadata(side("-wal")).map_or(0, |m| m.len()),
            fs_read_only: vfs.is_some_and(|v| v.read_only),
            free_bytes: vfs.map(|v| v.free),
        }
    }

    fn display(&self) -> String {
        self.path.display().to_string()
    }

    /// Problems that stop the open before SQLite is asked: the file or its
    /// folder cannot be read, a read-only open of a file that is not there,
    /// a -wal/-shm we cannot read, a folder where the -wal/-shm cannot be made.
    pub fn refusal(&self, read_only: bool) -> Option<Problem> {
        if let Some(dir) = &self.dir {
            if !access(&dir.path, libc::X_OK) {
                return Some(Problem::FolderClosed(dir.clone()));
            }
        }
        let Some(db) = &self.db else {
            if read_only {
                return Some(Problem::Missing(self.display()));
            }
            return match &self.dir {
                Some(dir) if !self.fs_read_only && !access(&dir.path, libc::W_OK) => {
                    Some(Problem::FolderNotWritable(dir.clone()))
                }
                _ => None,
            };
        };
        if !std::fs::metadata(&db.path).is_ok_and(|m| m.is_file()) {
            return None; // a directory or device: SQLite says so itself
        }
        if !access(&db.path, libc::R_OK) {
            return Some(Problem::NotReadable(db.clone()));
        }
        if self.fs_read_only {
            return None;
        }
        // A colleague's -wal/-shm we may read but not write still lets us
        // read (see `forced_read_only`); one we may not read does not.
        for side in [&self.wal, &self.shm].into_iter().flatten() {
            if !access(&side.path, libc::R_OK) {
                return Some(Problem::SidecarNotReadable(side.clone()));
            }
        }
        // Without -wal/-shm SQLite must create them, even to read.
        if self.shm.is_none() {
            if let Some(dir) = &self.dir {
                if !access(&dir.path, libc::W_OK) {
                    return Some(Problem::FolderNotWritable(dir.clone()));
                }
            }
        }
        None
    }

    /// Why an existing file must be opened read-only though writing was
    /// asked for: a read-only filesystem, a file we may not write, or a
    /// colleague's -wal/-shm we may not write.
    pub fn forced_read_only(&self) -> Option<Problem> {
        let db = self.db.as_ref()?;
        if self.fs_read_only {
            return Some(Problem::ReadOnlyFs(self.display()));
        }
        if !access(&db.path, libc::W_OK) {
            return Some(Problem::ReadOnlyFile(db.clone()));
        }
        [&self.wal, &self.shm]
            .into_iter()
            .flatten()
            .find(|side| !access(&side.path, libc::W_OK))
            .map(|side| Problem::SidecarNotWritable(side.clone()))
    }

    /// Open with `immutable=1`: only on a read-only filesystem, where
    /// nobody can write, and only when no -wal holds committed pages the
    /// file lacks (immutable reads ignore the -wal).
    pub fn immutable(&self) -> bool {
        self.fs_read_only && self.db.is_some() && self.wal_bytes == 0
    }

    /// The free space, said for a message.
    pub fn free_said(&self) -> String {
        self.free_bytes.map_or_else(|| "不明".into(), size_said)
    }

    /// The cause of an error SQLite gave while opening or first reading.
    pub fn explain(&self, e: &rusqlite::Error) -> Option<Problem> {
        use rusqlite::ErrorCode as C;
        let code = e.sqlite_error_code()?;
        match code {
            C::DiskFull => Some(self.disk_full()),
            C::CannotOpen | C::PermissionDenied | C::ReadOnly | C::SystemIoFailure => {
                if self.free_bytes == Some(0) {
                    return Some(self.disk_full());
                }
                self.refusal(false)
                    .or_else(|| self.forced_read_only())
                    .or_else(|| {
                        self.free_bytes
                            .is_some_and(|f| f < 65_536)
                            .then(|| self.disk_full())
                    })
            }
            _ => None,
        }
    }

    fn disk_full(&self) -> Problem {
        Problem::DiskFullOnOpen {
            path: self.display(),
            dir: dir_of(&self.path).display().to_string(),
            free: self.free_said(),
        }
    }
}

/// "0 バイト", "12.3 MB", "4.5 GB".
pub fn size_said(bytes: u64) -> String {
    const MB: f64 = 1_000_000.0;
    let b = bytes as f64;
    if bytes < 1_000_000 {
        format!("{bytes} バイト")
    } else if b < 1000.0 * MB {
        format!("{:.1} MB", b / MB)
    } else {
        format!("{:.1} GB", b / (1000.0 * MB))
    }
}

#[derive(Clone, Copy)]
struct Vfs {
    read_only: bool,
    free: u64,
}

fn c_path(p: &Path) -> Option<CString> {
    CString::new(p.as_os_str().as_bytes()).ok()
}

fn statvfs(dir: &Path) -> Option<Vfs> {
    let c = c_path(dir)?;
    let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
    // SAFETY: a NUL-terminated path and a zeroed struct for the result.
    let rc = unsafe { libc::statvfs(c.as_ptr(), &mut st) };
    // fsblkcnt_t and c_ulong are 32 bits on some targets.
    #[allow(clippy::useless_conversion)]
    (rc == 0).then(|| Vfs {
        read_only: st.f_flag & libc::ST_RDONLY != 0,
        free: u64::from(st.f_bavail).saturating_mul(u64::from(st.f_frsize)),
    })
}

/// `access(2)` with the effective ids (root passes every check but the
/// read-only filesystem's).
pub fn access(p: &Path, mode: libc::c_int) -> bool {
    let Some(c) = c_path(p) else {
        return false;
    };
    // SAFETY: a NUL-terminated path; faccessat only reads it.
    unsafe { libc::faccessat(libc::AT_FDCWD, c.as_ptr(), mode, libc::AT_EACCESS) == 0 }
}

fn current_uid() -> u32 {
    // SAFETY: geteuid cannot fail.
    unsafe { libc::geteuid() }
}

/// Whether the process has `gid` as its group or a supplementary group.
pub fn in_group(gid: u32) -> bool {
    // SAFETY: getegid cannot fail.
    if unsafe { libc::getegid() } == gid {
        return true;
    }
    let mut groups = vec![0 as libc::gid_t; 256];
    // SAFETY: the buffer holds `len` entries; getgroups writes at most that.
    let n = unsafe { libc::getgroups(groups.len() as libc::c_int, groups.as_mut_ptr()) };
    n > 0 && groups[..n as usize].contains(&gid)
}

/// The name of group `gid` from the group database.
pub fn group_name(gid: u32) -> Option<String> {
    let mut buf = vec![0 as libc::c_char; 16_384];
    let mut grp: libc::group = unsafe { std::mem::zeroed() };
    let mut result: *mut libc::group = std::ptr::null_mut();
    // SAFETY: all pointers are valid for the call and the buffer length is
    // passed; getgrgid_r writes only within them.
    let rc = unsafe { libc::getgrgid_r(gid, &mut grp, buf.as_mut_ptr(), buf.len(), &mut result) };
    if rc != 0 || result.is_null() || grp.gr_name.is_null() {
        return None;
    }
    // SAFETY: gr_name points into `buf`, NUL-terminated by getgrgid_r.
    let name = unsafe { std::ffi::CStr::from_ptr(grp.gr_name) };
    name.to_str().ok().map(str::to_owned)
}

/// `path` as a SQLite URI opening it immutable and read-only.
pub fn immutable_uri(path: &Path) -> String {
    let mut uri = String::from("file:");
    for &b in path.as_os_str().as_bytes() {
        if b.is_ascii() && !matches!(b, b'%' | b'?' | b'#') {
            uri.push(char::from(b));
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri + "?mode=ro&immutable=1"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_said_in_units() {
        assert_eq!(size_said(0), "0 バイト");
        assert_eq!(size_said(12_345_678), "12.3 MB");
        assert_eq!(size_said(4_500_000_000), "4.5 GB");
    }

    #[test]
    fn uris_escape_what_sqlite_would_read() {
        assert_eq!(
            immutable_uri(Path::new("/m/a?b#c%d.db")),
            "file:/m/a%3Fb%23c%25d.db?mode=ro&immutable=1"
        );
        assert_eq!(
            immutable_uri(Path::new("/m/区.db")),
            "file:/m/%E5%8C%BA.db?mode=ro&immutable=1"
        );
    }

    #[test]
    fn a_missing_file_is_said_for_reading_only() {
        let dir = tempfile::tempdir().expect("tmp");
        let f = Facts::of(&dir.path().join("typo.db"));
        assert!(matches!(f.refusal(true), Some(Problem::Missing(_))));
        assert_eq!(f.refusal(false), None);
    }
}
