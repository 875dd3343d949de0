//! The log file (`$XDG_STATE_HOME/kusei/kusei.log`): the real binary logs
//! opening, checks and a wait for a colleague's lock at the level
//! `KUSEI_LOG` or `--debug` says; a conflict between two saves is logged
//! (in this process, through the library); a place the log cannot be
//! written never stops kusei, and nothing of it reaches the screen.

mod support;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use support::bin;
use support::db::*;

/// Where `bin::command` points XDG_STATE_HOME for `db`.
fn log_of(db: &Path) -> PathBuf {
    db.parent()
        .expect("dir")
        .join(".state")
        .join("kusei")
        .join("kusei.log")
}

fn read_log(db: &Path) -> String {
    std::fs::read_to_string(log_of(db)).unwrap_or_default()
}

fn run_env(db: &Path, env: &[(&str, &str)], args: &[&str]) -> std::process::Output {
    let mut c = bin::command(db);
    c.env_remove("KUSEI_LOG");
    for (k, v) in env {
        c.env(k, v);
    }
    c.args(args).output().expect("run kusei")
}

#[test]
fn opening_and_checking_are_logged_in_a_file_of_the_users_own() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = sample_db(dir.path(), "k.db");
    let o = run_env(&db, &[], &["check"]);
    assert!(o.status.success(), "{}", bin::stderr(&o));
    let log = read_log(&db);
    assert!(log.contains("データベースを開きました"), "{log}");
    assert!(log.contains("検査: 問題ありません"), "{log}");
    assert!(
        !log.contains("kusei を始めました"),
        "debug lines at info: {log}"
    );
    // Never on the screen.
    assert!(!bin::stderr(&o).contains("開きました"));
    assert!(!bin::stdout(&o).contains("開きました"));
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(log_of(&db))
        .expect("log")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600, "{mode:o}");
    let folder = std::fs::metadata(log_of(&db).parent().expect("dir")).expect("dir");
    assert_eq!(folder.permissions().mode() & 0o077, 0, "not the group's");
}

#[test]
fn the_level_comes_from_kusei_log_or_debug() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = sample_db(dir.path(), "k.db");
    let lines = |env: &[(&str, &str)], extra: &[&str]| {
        let _ = std::fs::remove_file(log_of(&db));
        let mut args = extra.to_vec();
        args.push("check");
        let o = run_env(&db, env, &args);
        assert!(o.status.success(), "{}", bin::stderr(&o));
        read_log(&db)
    };
    let warn = lines(&[("KUSEI_LOG", "warn")], &[]);
    assert!(!warn.contains("開きました"), "info at warn: {warn}");
    let debug = lines(&[("KUSEI_LOG", "debug")], &[]);
    assert!(debug.contains("kusei を始めました"), "{debug}");
    assert!(debug.contains(" DEBUG "), "{debug}");
    let flag = lines(&[], &["--debug"]);
    assert!(flag.contains("kusei を始めました"), "{flag}");
    // KUSEI_LOG wins over --debug.
    let both = lines(&[("KUSEI_LOG", "error")], &["--debug"]);
    assert!(both.is_empty(), "{both}");
    let off = lines(&[("KUSEI_LOG", "off")], &[]);
    assert!(off.is_empty() && !log_of(&db).exists(), "{off}");
    // A filter that does not parse falls back to info, and says nothing.
    let bad = lines(&[("KUSEI_LOG", "=[")], &[]);
    assert!(bad.contains("開きました"), "{bad}");
}

#[test]
fn waiting_for_a_colleagues_lock_is_logged() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = sample_db(dir.path(), "k.db");
    let json = dir.path().join("one.json");
    std::fs::write(
        &json,
        r#"{"meetings":[{"fiscal_year":2030,"number":1,"date":"2030-05-01"}]}"#,
    )
    .expect("json");
    // A colleague's write transaction holds the lock…
    let other = rusqlite::Connection::open(&db).expect("open");
    other.execute_batch("BEGIN IMMEDIATE").expect("lock");
    let child = bin::command(&db)
        .env_remove("KUSEI_LOG")
        .args(["import", json.to_str().expect("utf-8")])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    // …until the log says kusei waits for it.
    let deadline = Instant::now() + Duration::from_secs(60);
    while !read_log(&db).contains("ロックを待っています") {
        assert!(
            Instant::now() < deadline,
            "no wait logged: {}",
            read_log(&db)
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    other.execute_batch("COMMIT").expect("unlock");
    let o = child.wait_with_output().expect("wait");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let log = read_log(&db);
    assert!(log.contains("読み込みました"), "{log}");
    assert!(!String::from_utf8_lossy(&o.stderr).contains("ロック"));
}

#[test]
fn a_conflict_is_logged() {
    let (dir, mut store) = sample_store();
    let log = dir.path().join("state").join("kusei").join("kusei.log");
    assert!(kusei::log::init_at(&log, Some("info"), false));
    let (id, version): (i64, i64) = store
        .conn()
        .query_row("SELECT id, version FROM opinions LIMIT 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .expect("an opinion");
    store
        .edit_opinion(id, version, "先に保存した文")
        .expect("first save");
    let e = store
        .edit_opinion(id, version, "後から保存しようとした文")
        .expect_err("a conflict");
    assert!(matches!(e, kusei::db::StoreError::Conflict { .. }), "{e}");
    let text = std::fs::read_to_string(&log).expect("log");
    assert!(text.contains("競合"), "{text}");
    assert!(text.contains(&format!("id={id}")), "{text}");
}

#[test]
fn a_log_that_cannot_be_written_never_stops_kusei() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = sample_db(dir.path(), "k.db");
    let not_a_folder = dir.path().join("state-is-a-file");
    std::fs::write(&not_a_folder, "x").expect("file");
    let o = run_env(
        &db,
        &[("XDG_STATE_HOME", not_a_folder.to_str().expect("utf-8"))],
        &["check"],
    );
    assert!(o.status.success(), "{}", bin::stderr(&o));
    assert!(bin::stderr(&o).is_empty(), "{}", bin::stderr(&o));
}
