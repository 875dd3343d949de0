//! Progress on standard error for long commands: shown in a terminal (the
//! real binary in a pseudo-terminal), absent when piped. The delay before
//! progress shows is set to 0 (`KUSEI_PROGRESS_DELAY_MS`) so the test does
//! not depend on how fast the machine is.

mod support;

use std::io::Read;
use std::path::Path;
use std::process::Stdio;

use support::bin;
use support::db::*;
use support::pty;

/// `kusei --db DB ARGS…` with stderr (and stdout) on a pseudo-terminal:
/// everything written there, and whether it succeeded.
fn in_pty(db: &Path, args: &[&str]) -> (String, bool) {
    let (mut master, slave) = pty::open_pty_sized(120, 30);
    let home = db.parent().expect("dir");
    let mut cmd = pty::base_command(home);
    cmd.env("XDG_STATE_HOME", home.join(".state"))
        .env("KUSEI_PROGRESS_DELAY_MS", "0")
        .arg("--db")
        .arg(db)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::from(slave.try_clone().expect("slave")))
        .stderr(Stdio::from(slave.try_clone().expect("slave")));
    let mut child = cmd.spawn().expect("spawn");
    drop(cmd);
    drop(slave);
    let reader = std::thread::spawn(move || {
        let mut all = Vec::new();
        let mut buf = [0u8; 8192];
        loop {
            match master.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => all.extend_from_slice(&buf[..n]),
            }
        }
        all
    });
    let ok = child.wait().expect("wait").success();
    let raw = reader.join().expect("reader");
    (String::from_utf8_lossy(&raw).into_owned(), ok)
}

/// The same piped: (stderr, success).
fn piped(db: &Path, args: &[&str]) -> (String, bool) {
    let o = bin::command(db)
        .env("KUSEI_PROGRESS_DELAY_MS", "0")
        .args(args)
        .output()
        .expect("run");
    (bin::stderr(&o), o.status.success())
}

#[test]
fn gen_shows_a_bar_with_a_percentage_on_a_terminal_and_nothing_piped() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("gen.db");
    let (out, ok) = in_pty(&db, &["gen", "--opinions", "30000"]);
    assert!(ok, "{out}");
    assert!(out.contains("合成データを作成中"), "{out}");
    assert!(out.contains('%'), "a percentage: {out}");
    assert!(out.contains("合成データを書き込みました"), "{out}");
    let piped_db = dir.path().join("piped.db");
    let (err, ok) = piped(&piped_db, &["gen", "--opinions", "3000"]);
    assert!(ok, "{err}");
    assert!(
        !err.contains("作成中") && !err.contains('\u{1b}'),
        "{err:?}"
    );
}

#[test]
fn export_check_backup_and_import_show_progress_on_a_terminal_only() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = sample_db(dir.path(), "k.db");
    let csv = dir.path().join("o.csv");
    let copy = dir.path().join("copy.db");
    let json = dir.path().join("all.json");
    let o = bin::run(&db, &["export", "-o", json.to_str().expect("utf-8")]);
    assert!(o.status.success());
    let cases: [(&str, Vec<&str>); 4] = [
        (
            "書き出し中",
            vec![
                "export",
                "--format",
                "csv",
                "--table",
                "opinions",
                "-o",
                csv.to_str().expect("utf-8"),
            ],
        ),
        ("検査中", vec!["check"]),
        (
            "バックアップ中",
            vec!["backup", copy.to_str().expect("utf-8")],
        ),
        (
            "読んでいます",
            vec!["import", json.to_str().expect("utf-8")],
        ),
    ];
    for (said, args) in &cases {
        let _ = std::fs::remove_file(&copy);
        let (out, ok) = in_pty(&db, args);
        assert!(ok, "{args:?}: {out}");
        assert!(out.contains(said), "{args:?} on a terminal: {out:?}");
    }
    for (said, args) in &cases {
        let _ = std::fs::remove_file(&copy);
        let (err, ok) = piped(&db, args);
        assert!(ok, "{args:?}: {err}");
        assert!(
            !err.contains(said) && !err.contains('\u{1b}'),
            "{args:?} piped: {err:?}"
        );
    }
}

/// The app's search line shows a percentage from the start: the index
/// builder reports 0 of the total before it reads anything, then counts up
/// to the total (never down).
#[test]
fn the_index_builder_reports_a_percentage_from_the_start() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = sample_db(dir.path(), "k.db");
    let calls = std::sync::Mutex::new(Vec::new());
    let record = |done: usize, total: usize| calls.lock().expect("lock").push((done, total));
    kusei::search::load::build_from_path(&db, &record).expect("index");
    let calls = calls.into_inner().expect("calls");
    let total = calls.first().expect("a first report").1;
    assert!(total > 0);
    assert_eq!(calls.first(), Some(&(0, total)), "{calls:?}");
    assert!(calls.windows(2).all(|w| w[0].0 <= w[1].0), "{calls:?}");
    assert_eq!(calls.last(), Some(&(total, total)), "{calls:?}");
}
