//! Messages by cause (issue 17): each names the file and what to do, and
//! its exact text is asserted here. Real files in temporary folders, the
//! real binary.
//!
//! Permission cases need another user: when the tests run as root (root
//! passes every permission check), the binary runs as `nobody` through
//! `setpriv`; as any other user they are skipped with a printed reason.
//! Read-only and full filesystems are small tmpfs mounts, which need root:
//! without it those tests are skipped with a printed reason.

mod pty_support;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn base(dir: &Path, program: &str) -> Command {
    let mut c = Command::new(program);
    c.current_dir(dir)
        .env_remove("KUSEI_DB")
        .env("HOME", dir)
        .env("XDG_DATA_HOME", dir.join("data"))
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .stdin(Stdio::null());
    c
}

fn kusei(dir: &Path, args: &[&str]) -> Output {
    base(dir, env!("CARGO_BIN_EXE_kusei"))
        .args(args)
        .output()
        .expect("run kusei")
}

fn is_root() -> bool {
    // SAFETY: geteuid cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// kusei run as `nobody` (with these supplementary groups), or None with
/// the reason printed when that is not possible.
fn kusei_as_nobody(dir: &Path, groups: &str, args: &[&str]) -> Option<Output> {
    if !is_root() {
        eprintln!("skipped: needs root to run kusei as another user (root bypasses permissions, so these cases use setpriv)");
        return None;
    }
    let mut c = base(dir, "setpriv");
    c.args(["--reuid=65534", "--regid=65534"]);
    if groups.is_empty() {
        c.arg("--clear-groups");
    } else {
        c.arg(format!("--groups={groups}"));
    }
    c.arg(env!("CARGO_BIN_EXE_kusei")).args(args);
    Some(c.output().expect("run setpriv"))
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn chmod(p: &Path, mode: u32) {
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

/// A folder everyone may enter and write, with the sample database in it
/// (0660, owned by the test's user).
fn shared_sample() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tmp");
    chmod(dir.path(), 0o777);
    let out = kusei(dir.path(), &["--db", "kusei.db", "sample"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let db = dir.path().join("kusei.db");
    (dir, db)
}

#[test]
fn permission_denied_names_owner_group_mode_and_membership() {
    let (dir, _db) = shared_sample();
    let Some(out) = kusei_as_nobody(dir.path(), "", &["--db", "kusei.db", "export"]) else {
        return;
    };
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "kusei: kusei.db: 読む権限がありません（所有者 root、グループ root、モード 0660。nobody はグループ root に入っていません）。管理者に頼んでください: sudo usermod -aG root nobody（追加の後はログインし直してください）\n"
    );
    assert!(!stderr(&out).contains("unable to open"));
}

#[test]
fn permission_denied_in_the_group_asks_for_group_bits() {
    let (dir, db) = shared_sample();
    chmod(&db, 0o600);
    let Some(out) = kusei_as_nobody(dir.path(), "0", &["--db", "kusei.db", "search", "団地"])
    else {
        return;
    };
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "kusei: kusei.db: 読む権限がありません（所有者 root、グループ root、モード 0600。nobody はグループ root に入っています）。管理者に頼んでください: chmod 660 kusei.db\n"
    );
}

#[test]
fn a_file_we_may_not_write_opens_read_only_and_says_so() {
    let (dir, db) = shared_sample();
    chmod(&db, 0o644);
    let said = "kusei: kusei.db: 書き込む権限がないため、読み取り専用で開きます（所有者 root、グループ root、モード 0644。nobody はグループ root に入っていません）。保存できるようにするには: 管理者に頼んでください: chmod 660 kusei.db、sudo usermod -aG root nobody（追加の後はログインし直してください）\n";
    let Some(out) = kusei_as_nobody(dir.path(), "", &["--db", "kusei.db", "export"]) else {
        return;
    };
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), said);
    assert!(stdout(&out).contains("区づくり経営会議"));
    std::fs::write(dir.path().join("x.json"), "{\"meetings\":[]}").expect("json");
    let out =
        kusei_as_nobody(dir.path(), "", &["--db", "kusei.db", "import", "x.json"]).expect("root");
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).ends_with(said), "{}", stderr(&out));
}

#[test]
fn a_colleagues_wal_is_named_with_its_owner() {
    let (dir, db) = shared_sample();
    chmod(&db, 0o666);
    // A colleague (root here) has the file open: -wal and -shm exist.
    let colleague = rusqlite::Connection::open(&db).expect("open");
    colleague
        .execute_batch("PRAGMA journal_mode = WAL; CREATE TABLE IF NOT EXISTS t (x); INSERT INTO t VALUES (1);")
        .expect("write");
    let wal = dir.path().join("kusei.db-wal");
    assert!(wal.exists() && dir.path().join("kusei.db-shm").exists());
    chmod(&wal, 0o644);
    let said = "kusei: kusei.db-wal: 別のユーザー（root）のファイルで書き込めないため、読み取り専用で開きます（所有者 root、グループ root、モード 0644。nobody はグループ root に入っていません）。root が kusei を終えると消えます。いま直すには: 管理者に頼んでください: chmod 660 kusei.db-wal、sudo usermod -aG root nobody（追加の後はログインし直してください）（フォルダに setgid があれば繰り返しません: chmod g+s .）\n";
    let Some(out) = kusei_as_nobody(dir.path(), "", &["--db", "kusei.db", "export"]) else {
        return;
    };
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), said);
    assert!(stdout(&out).contains("区づくり経営会議"));
    std::fs::write(dir.path().join("x.json"), "{\"meetings\":[]}").expect("json");
    let out =
        kusei_as_nobody(dir.path(), "", &["--db", "kusei.db", "import", "x.json"]).expect("root");
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).ends_with(said), "{}", stderr(&out));
    // One we may not even read stops the open.
    chmod(&wal, 0o600);
    let out = kusei_as_nobody(dir.path(), "", &["--db", "kusei.db", "export"]).expect("root");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "kusei: kusei.db-wal: 別のユーザー（root）のファイルで、読めません（所有者 root、グループ root、モード 0600。nobody はグループ root に入っていません）。root が kusei を終えると消えます。いま直すには: 管理者に頼んでください: chmod 660 kusei.db-wal、sudo usermod -aG root nobody（追加の後はログインし直してください）（フォルダに setgid があれば繰り返しません: chmod g+s .）\n"
    );
    drop(colleague);
}

#[test]
fn a_folder_we_may_not_write_is_named() {
    let (dir, db) = shared_sample();
    chmod(&db, 0o666);
    chmod(dir.path(), 0o755);
    let Some(out) = kusei_as_nobody(dir.path(), "", &["--db", "kusei.db", "export"]) else {
        return;
    };
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "kusei: フォルダ .: 書き込む権限がありません（所有者 root、グループ root、モード 0755。nobody はグループ root に入っていません）。kusei はここに -wal と -shm を作ります。管理者に頼んでください: chmod 2770 .、sudo usermod -aG root nobody（追加の後はログインし直してください）\n"
    );
}

/// Damage pages `from..to` (fractions of the file) of the checkpointed
/// sample database.
fn damage(db: &Path, from: usize, to: usize) {
    {
        let c = rusqlite::Connection::open(db).expect("raw");
        c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
            .expect("checkpoint");
    }
    let mut bytes = std::fs::read(db).expect("read");
    let pages = bytes.len() / 4096;
    let (a, z) = (
        pages * from / 8 * 4096,
        (pages * to / 8).max(pages * from / 8 + 1) * 4096,
    );
    for b in &mut bytes[a..z] {
        *b = 0x5A;
    }
    std::fs::write(db, &bytes).expect("write");
}

const RESTORE: &str = "読み取り専用で開きます。バックアップから戻すには、全員が kusei を終えてから kusei backup で作ったコピーを戻してください: cp コピー.db kusei.db（README「Backup and restore」）";

#[test]
fn a_corrupt_file_opens_read_only_with_the_restore_command() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = kusei(dir.path(), &["--db", "kusei.db", "sample"]);
    assert!(out.status.success());
    let db = dir.path().join("kusei.db");
    damage(&db, 4, 4);
    std::fs::write(dir.path().join("x.json"), "{\"meetings\":[]}").expect("json");
    let out = kusei(dir.path(), &["--db", "kusei.db", "import", "x.json"]);
    assert_eq!(out.status.code(), Some(1));
    let e = stderr(&out);
    let e = e.lines().last().unwrap_or_default().to_string() + "\n";
    assert!(
        e.starts_with("kusei: kusei.db: データベースが壊れています（quick_check: "),
        "{e}"
    );
    assert!(e.ends_with(&format!("）。{RESTORE}\n")), "{e}");
    assert!(!e.contains("SQLite のデータベースではありません"), "{e}");

    let out = kusei(dir.path(), &["--db", "kusei.db", "check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("問題: "), "{}", stdout(&out));
}

#[test]
fn a_corrupt_page_met_while_reading_says_the_way_back() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = kusei(dir.path(), &["--db", "kusei.db", "sample"]);
    assert!(out.status.success());
    damage(&dir.path().join("kusei.db"), 1, 8);
    let out = kusei(dir.path(), &["--db", "kusei.db", "export"]);
    assert_eq!(out.status.code(), Some(1));
    let e = stderr(&out);
    assert!(
        e.starts_with("kusei: kusei.db: データベースが壊れていて読めません（"),
        "{e}"
    );
    assert!(
        e.ends_with("）。バックアップから戻すには、全員が kusei を終えてから kusei backup で作ったコピーを戻してください: cp コピー.db kusei.db（README「Backup and restore」）\n"),
        "{e}"
    );
}

/// A tmpfs of `size` mounted on a new folder, unmounted on drop.
struct Mount {
    dir: tempfile::TempDir,
}

impl Mount {
    fn new(size: &str) -> Option<Mount> {
        let dir = tempfile::tempdir().expect("tmp");
        if !is_root() {
            eprintln!("skipped: mounting a tmpfs needs root");
            return None;
        }
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            eprintln!("skipped: mount -t tmpfs is not permitted here");
            return None;
        }
        Some(Mount { dir })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn remount_read_only(&self) {
        let ok = Command::new("mount")
            .args(["-o", "remount,ro"])
            .arg(self.path())
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "remount read-only");
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        // Lazily: an app still closing must not leave the mount behind.
        let _ = Command::new("umount")
            .arg("-l")
            .arg(self.dir.path())
            .status();
    }
}

#[test]
fn a_read_only_mount_is_readable_and_says_so() {
    let Some(m) = Mount::new("8m") else {
        return;
    };
    let out = kusei(m.path(), &["--db", "kusei.db", "sample"]);
    assert!(out.status.success());
    m.remount_read_only();
    let said = "kusei: kusei.db: 読み取り専用のファイルシステム上にあるため、読み取り専用で開きます。変更は保存できません\n";
    let out = kusei(m.path(), &["--db", "kusei.db", "export"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), said);
    assert!(stdout(&out).contains("区づくり経営会議"));
    let out = kusei(m.path(), &["--db", "kusei.db", "--read-only", "export"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
    let out = kusei(m.path(), &["--db", "kusei.db", "search", "団地"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("団地"));
    let json = tempfile::NamedTempFile::new().expect("json");
    std::fs::write(json.path(), "{\"meetings\":[]}").expect("json");
    let out = kusei(
        m.path(),
        &[
            "--db",
            "kusei.db",
            "import",
            &json.path().display().to_string(),
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).ends_with(said), "{}", stderr(&out));
    let out = kusei(m.path(), &["--db", "kusei.db", "check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains(&format!("問題: {}", &said["kusei: ".len()..])),
        "{}",
        stdout(&out)
    );
    assert!(stdout(&out).contains("整合性"), "{}", stdout(&out));
}

#[test]
fn a_full_disk_on_opening_says_so_and_check_shows_the_space() {
    let Some(m) = Mount::new("2m") else {
        return;
    };
    let out = kusei(m.path(), &["--db", "kusei.db", "sample"]);
    assert!(out.status.success());
    // Fill the rest of the filesystem.
    let filler = m.path().join("filler");
    let mut chunk = 0;
    while std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(&filler)
        .and_then(|mut f| std::io::Write::write_all(&mut f, &[0u8; 4096]))
        .is_ok()
    {
        chunk += 1;
        assert!(chunk < 10_000, "the tmpfs never filled");
    }
    let out = kusei(m.path(), &["--db", "kusei.db", "export"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "kusei: kusei.db: ディスクがいっぱいでデータベースを開けません（. の空き 0 バイト）。不要なファイルを消して空きを作ってから、もう一度実行してください\n"
    );
    let out = kusei(m.path(), &["--db", "kusei.db", "check"]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(
        text.contains("問題: . の空きが 0 バイトしかありません（データベースは "),
        "{text}"
    );
    assert!(text.contains("まとめ: kusei.db: 問題 2 件"), "{text}");
}

#[test]
fn the_app_says_read_only_at_start_on_a_read_only_mount() {
    let Some(m) = Mount::new("8m") else {
        return;
    };
    let out = kusei(m.path(), &["--db", "kusei.db", "sample"]);
    assert!(out.status.success());
    m.remount_read_only();
    let home = tempfile::tempdir().expect("home");
    let db = m.path().join("kusei.db");
    let mut app = pty_support::App::spawn(home.path(), &db);
    // The status line: the marker, then the reason (cut to the width).
    let screen = app.wait_for(&format!("読み取り専用 {}: 読", db.display()));
    assert!(screen.contains("通常  読み取り専用"), "{screen}");
    app.send(b"q");
    assert!(app.wait_exit().success());
}

#[test]
fn a_folder_we_may_not_enter_is_named() {
    let (dir, _db) = shared_sample();
    let inner = dir.path().join("inner");
    std::fs::create_dir(&inner).expect("mkdir");
    let out = kusei(&inner, &["--db", "kusei.db", "sample"]);
    assert!(out.status.success());
    chmod(&inner, 0o700);
    let Some(out) = kusei_as_nobody(dir.path(), "", &["--db", "inner/kusei.db", "export"]) else {
        return;
    };
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "kusei: フォルダ inner: 中に入る権限がありません（所有者 root、グループ root、モード 0700。nobody はグループ root に入っていません）。管理者に頼んでください: chmod 2770 inner、sudo usermod -aG root nobody（追加の後はログインし直してください）\n"
    );
}

#[test]
fn check_reports_permission_problems_instead_of_failing() {
    let (dir, _db) = shared_sample();
    let Some(out) = kusei_as_nobody(dir.path(), "", &["--db", "kusei.db", "check"]) else {
        return;
    };
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(
        text.starts_with("問題: kusei.db: 読む権限がありません（所有者 root、グループ root、モード 0660。nobody はグループ root に入っていません）。"),
        "{text}"
    );
    assert!(
        text.contains("注意（共有）: nobody はフォルダ . のグループ root に入っていません（ほかの人の -wal/-shm を開けないことがあります）: sudo usermod -aG root nobody"),
        "{text}"
    );
    assert!(
        text.contains("まとめ: kusei.db: 問題 1 件、注意 "),
        "{text}"
    );
    assert_eq!(stderr(&out), "");
}
