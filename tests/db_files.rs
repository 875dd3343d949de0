//! The database's files (issue 17): read commands never create a database
//! from a typo, backups are one self-contained file with the original's
//! group and mode, the database and its -wal/-shm are never taken as an
//! import or export file, `kusei check` reports and sums up, the -wal stays
//! bounded after large commits, and a read-only mount with a -wal left on
//! it is still readable. Real files, the real binary.

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;
use std::process::{Command, Output, Stdio};

use kusei::db::{OpenOptions, Store};

fn kusei(dir: &Path, args: &[&str]) -> Output {
    kusei_with_umask(dir, None, args)
}

fn kusei_with_umask(dir: &Path, umask: Option<&str>, args: &[&str]) -> Output {
    let mut c = match umask {
        Some(m) => {
            let mut c = Command::new("sh");
            c.args(["-c", &format!("umask {m}; exec \"$0\" \"$@\"")])
                .arg(env!("CARGO_BIN_EXE_kusei"));
            c
        }
        None => Command::new(env!("CARGO_BIN_EXE_kusei")),
    };
    c.current_dir(dir)
        .env_remove("KUSEI_DB")
        .env("HOME", dir)
        .env("XDG_DATA_HOME", dir.join("data"))
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run kusei")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn sample(dir: &Path) {
    let out = kusei(dir, &["--db", "kusei.db", "sample"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn read_commands_on_a_missing_database_say_so_and_create_nothing() {
    let dir = tempfile::tempdir().expect("tmp");
    let said = "kusei: typo/kusei.db: データベースのファイルがありません。--db のパスを確かめてください（読むだけのコマンドは新しいデータベースを作りません）\n";
    for args in [
        &["search", "団地"][..],
        &["export"],
        &["export", "--format", "csv", "--table", "opinions"],
        &["check"],
        &["audit", "verify"],
        &["audit", "log"],
        &["backup", "copy.db"],
        &["link", "--suggest"],
    ] {
        let mut all = vec!["--db", "typo/kusei.db"];
        all.extend_from_slice(args);
        let out = kusei(dir.path(), &all);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert_eq!(stderr(&out), said, "{args:?}");
        assert!(
            !dir.path().join("typo").exists(),
            "{args:?} created a folder"
        );
        assert!(!dir.path().join("copy.db").exists());
    }
}

#[test]
fn a_backup_is_one_file_with_the_originals_group_and_mode() {
    let dir = tempfile::tempdir().expect("tmp");
    sample(dir.path());
    let db = dir.path().join("kusei.db");
    // root may give the file another group; anyone else keeps their own.
    let gid = if unsafe { libc::geteuid() } == 0 {
        65534
    } else {
        std::fs::metadata(&db).expect("meta").gid()
    };
    std::os::unix::fs::chown(&db, None, Some(gid)).expect("chgrp");
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o660)).expect("chmod");
    // Someone is working: the original has a -wal with recent commits.
    let colleague = rusqlite::Connection::open(&db).expect("open");
    colleague
        .execute_batch("PRAGMA wal_autocheckpoint = 0; UPDATE meetings SET place = place || '（変更）' WHERE id = 1;")
        .expect("write");
    assert!(dir.path().join("kusei.db-wal").exists());
    let out = kusei_with_umask(
        dir.path(),
        Some("077"),
        &["--db", "kusei.db", "backup", "copy.db"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with("バックアップしました: copy.db（"),
        "{}",
        stdout(&out)
    );
    let copy = dir.path().join("copy.db");
    let meta = std::fs::metadata(&copy).expect("copy");
    assert_eq!(meta.mode() & 0o777, 0o660, "mode under umask 077");
    assert_eq!(meta.gid(), gid, "group of the original");
    for side in ["copy.db-wal", "copy.db-shm", "copy.db-journal"] {
        assert!(
            !dir.path().join(side).exists(),
            "{side} left beside the copy"
        );
    }
    let c =
        rusqlite::Connection::open_with_flags(&copy, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .expect("open copy");
    let mode: String = c
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .expect("mode");
    assert_eq!(mode, "delete");
    let place: String = c
        .query_row("SELECT place FROM meetings WHERE id = 1", [], |r| r.get(0))
        .expect("place");
    assert!(
        place.ends_with("（変更）"),
        "the copy has the -wal's commit: {place}"
    );
    drop(c);
    for side in ["copy.db-wal", "copy.db-shm"] {
        assert!(
            !dir.path().join(side).exists(),
            "{side} after reading the copy"
        );
    }
    drop(colleague);
}

#[test]
fn the_database_and_its_wal_are_never_taken_as_an_import_or_export_file() {
    let dir = tempfile::tempdir().expect("tmp");
    sample(dir.path());
    let before = std::fs::metadata(dir.path().join("kusei.db"))
        .expect("db")
        .len();
    let out = kusei(dir.path(), &["--db", "kusei.db", "import", "kusei.db"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "kusei: kusei.db: データベース kusei.db そのもの（か -wal/-shm）です。読み込みや書き出しには別のファイルを指定してください\n"
    );
    let out = kusei(
        dir.path(),
        &["--db", "kusei.db", "export", "-o", "kusei.db-wal"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).starts_with("kusei: kusei.db-wal: データベース kusei.db そのもの"));
    assert!(!dir.path().join("kusei.db-wal").exists());
    let out = kusei(
        dir.path(),
        &["--db", "./kusei.db", "export", "-o", "kusei.db"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        std::fs::metadata(dir.path().join("kusei.db"))
            .expect("db")
            .len(),
        before
    );
}

#[test]
fn check_reports_each_finding_and_a_summary() {
    let dir = tempfile::tempdir().expect("tmp");
    sample(dir.path());
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700)).expect("chmod");
    let out = kusei(dir.path(), &["--db", "kusei.db", "check"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let text = stdout(&out);
    assert!(
        text.contains("注意（共有）: フォルダ . に setgid がありません"),
        "{text}"
    );
    assert!(
        text.contains("問題ありません: 整合性 ok、外部キー ok、監査ログ "),
        "{text}"
    );
    let last = text.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("まとめ: kusei.db: 問題 0 件、注意 2 件（空き "),
        "{last}"
    );
    // A problem in the contents makes the exit status 1.
    let c = rusqlite::Connection::open(dir.path().join("kusei.db")).expect("raw");
    c.execute_batch(
        "PRAGMA foreign_keys = OFF;
         INSERT INTO opinions (item_id, position, text, kind, created_at, created_by, updated_at, updated_by)
         VALUES (999999, 1, '迷子', 'opinion', '2026-01-01', 't', '2026-01-01', 't');",
    )
    .expect("an opinion of no item");
    drop(c);
    let out = kusei(dir.path(), &["--db", "kusei.db", "check"]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains("問題: 外部キー: opinions の行 "), "{text}");
    // Written behind kusei's back: the audit log has no record of it either.
    assert!(text.contains("監査ログに記録が 1 行もありません"), "{text}");
    assert!(text.contains("まとめ: kusei.db: 問題 2 件"), "{text}");
}

#[test]
fn a_large_commit_leaves_the_wal_bounded() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("kusei.db");
    let mut store = Store::open(&db, OpenOptions::default()).expect("open");
    kusei::sample::load(&mut store).expect("samples");
    let m = store.meetings_of_year(2017).expect("year")[0].id;
    let item = store.meeting_detail(m).expect("d").expect("m").items[0].id;
    // About 24 MB in one transaction: past the 16 MiB bound.
    let text = "長い意見。".repeat(160_000);
    store
        .write(|tx| {
            for _ in 0..10 {
                tx.conn().execute(
                    "INSERT INTO opinions (item_id, position, text, kind, created_at, created_by, updated_at, updated_by)
                     VALUES (?1, 999, ?2, 'opinion', '2026-01-01', 't', '2026-01-01', 't')",
                    rusqlite::params![item, text],
                )?;
            }
            Ok(())
        })
        .expect("large write");
    let wal = std::fs::metadata(dir.path().join("kusei.db-wal")).map_or(0, |m| m.len());
    assert!(
        wal < 16 * 1024 * 1024,
        "-wal is {wal} bytes after the commit"
    );
}

#[test]
fn a_read_only_mount_with_a_wal_left_on_it_is_readable() {
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("skipped: mounting a tmpfs needs root");
        return;
    }
    let dir = tempfile::tempdir().expect("tmp");
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=8m", "tmpfs"])
        .arg(dir.path())
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        eprintln!("skipped: mount -t tmpfs is not permitted here");
        return;
    }
    // A copy made while someone worked: the last commit is only in the
    // -wal, copied along with the -shm (by cp, another process).
    let work = tempfile::tempdir().expect("tmp");
    sample(work.path());
    let c = rusqlite::Connection::open(work.path().join("kusei.db")).expect("open");
    c.execute_batch("PRAGMA wal_autocheckpoint = 0; UPDATE meetings SET place = 'WALにだけある場所' WHERE id = 1;")
        .expect("write");
    let copied = Command::new("cp")
        .args(["kusei.db", "kusei.db-wal", "kusei.db-shm"])
        .arg(dir.path())
        .current_dir(work.path())
        .status()
        .is_ok_and(|s| s.success());
    drop(c);
    assert!(copied, "cp");
    let ro = Command::new("mount")
        .args(["-o", "remount,ro"])
        .arg(dir.path())
        .status()
        .is_ok_and(|s| s.success());
    let out = kusei(dir.path(), &["--db", "kusei.db", "--read-only", "export"]);
    let plain = kusei(dir.path(), &["--db", "kusei.db", "export"]);
    let _ = Command::new("umount").arg("-l").arg(dir.path()).status();
    assert!(ro, "remount read-only");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("WALにだけある場所"),
        "the -wal's commit is read"
    );
    assert_eq!(plain.status.code(), Some(0), "{}", stderr(&plain));
    assert!(stdout(&plain).contains("WALにだけある場所"));
}
