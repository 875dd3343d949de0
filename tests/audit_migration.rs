//! Migration 6 (audit packs) on a file written by the previous schema:
//! `tests/fixtures/schema5/sample.db` was made by the release build of the
//! commit before it (`kusei sample`, schema 5, 352 plain audit rows), whose
//! `kusei audit head` printed the fingerprint below. After the migration
//! the old rows keep their hashes (the fingerprint still holds), verify
//! passes, an import adds packs after them, and the old rows' history and
//! tampering with them are read and caught as before.

mod support;

use std::path::{Path, PathBuf};
use std::process::Output;

use kusei::db::history::Locator;
use rusqlite::Connection;
use support::bin;

/// What `kusei audit head` printed for the fixture under schema 5.
const SCHEMA5_HEAD: &str = "352:32b414a4385d6abb";

fn fixture_copy(dir: &Path) -> PathBuf {
    let db = dir.join("old.db");
    let src = support::db::root().join("tests/fixtures/schema5/sample.db");
    let c = Connection::open(&src).expect("open fixture");
    c.execute("VACUUM INTO ?1", [db.to_string_lossy()])
        .expect("copy");
    db
}

fn run(dir: &Path, db: &Path, args: &[&str]) -> Output {
    bin::command(db)
        .env("XDG_STATE_HOME", dir.join("state"))
        .args(args)
        .output()
        .expect("run kusei")
}

fn user_version(db: &Path) -> i64 {
    Connection::open(db)
        .expect("open")
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("user_version")
}

/// A JSON of `n` generated opinions (gen, then export).
fn big_json(dir: &Path, n: u32) -> PathBuf {
    let gen = dir.join("gen.db");
    let out = run(
        dir,
        &gen,
        &["gen", "--opinions", &n.to_string(), "--seed", "6"],
    );
    assert!(out.status.success(), "{}", bin::stderr(&out));
    let json = dir.join("gen.json");
    let out = run(
        dir,
        &gen,
        &["export", "--format", "json", "-o", &json.to_string_lossy()],
    );
    assert!(out.status.success(), "{}", bin::stderr(&out));
    json
}

#[test]
fn an_old_file_migrates_keeps_its_chain_and_takes_packs_after_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = fixture_copy(dir.path());
    assert_eq!(user_version(&db), 5);
    let json = big_json(dir.path(), 600);
    let out = run(dir.path(), &db, &["import", &json.to_string_lossy()]);
    assert!(out.status.success(), "{}", bin::stderr(&out));
    assert_eq!(user_version(&db), kusei::db::LATEST_VERSION);
    let c = Connection::open(&db).expect("open");
    let packs: i64 = c
        .query_row(
            "SELECT count(*) FROM audit_log WHERE pack IS NOT NULL AND id > 352",
            [],
            |r| r.get(0),
        )
        .expect("packs");
    assert!(packs >= 2, "{packs}");
    let out = run(
        dir.path(),
        &db,
        &["audit", "verify", "--head", SCHEMA5_HEAD],
    );
    assert_eq!(out.status.code(), Some(0), "{}", bin::stdout(&out));

    // The old rows' history reads as before.
    let store = support::db::open(&db);
    let h = store
        .history(&Locator::Row {
            table: "opinions".into(),
            id: 1,
        })
        .expect("history")
        .expect("a history");
    assert!(h
        .versions
        .iter()
        .any(|v| v.row_id == 1 && v.action == "insert"));
    drop(store);

    // An old row changed behind kusei's back is still named.
    c.execute(
        "UPDATE opinions SET text = '古い行を書き換えた' WHERE id = 2",
        [],
    )
    .expect("tamper");
    let out = run(
        dir.path(),
        &db,
        &["audit", "verify", "--head", SCHEMA5_HEAD],
    );
    assert_eq!(out.status.code(), Some(1), "{}", bin::stdout(&out));
    assert!(
        bin::stdout(&out).contains("opinions #2"),
        "{}",
        bin::stdout(&out)
    );
}

#[test]
fn an_old_file_verifies_right_after_the_migration() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = fixture_copy(dir.path());
    // Any writing open migrates; verify then reads the old rows.
    let store = support::db::open(&db);
    drop(store);
    assert_eq!(user_version(&db), kusei::db::LATEST_VERSION);
    let out = run(
        dir.path(),
        &db,
        &["audit", "verify", "--head", SCHEMA5_HEAD],
    );
    assert_eq!(out.status.code(), Some(0), "{}", bin::stdout(&out));
    assert!(bin::stdout(&out).contains("352"), "{}", bin::stdout(&out));
}
