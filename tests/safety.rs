//! The file on disk: backups, the audit chain, damaged files, sharing.

mod support;

use std::path::Path;

use kusei::db::{OpenOptions, Store};
use support::bin::run as kusei;

fn sample_db(dir: &Path) -> std::path::PathBuf {
    support::db::sample_db(dir, "kusei.db")
}

#[test]
fn backup_is_consistent_verified_and_restorable() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = sample_db(dir.path());
    // Someone is using the database while the backup runs.
    let mut other = Store::open(&db, OpenOptions::default()).expect("second user");
    let copy = dir.path().join("backup.db");
    let out = kusei(&db, &["backup", copy.to_str().expect("path")]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("検査 ok"));
    // Refuses to overwrite.
    let again = kusei(&db, &["backup", copy.to_str().expect("path")]);
    assert!(!again.status.success());
    // A change after the backup, then restore by copying back.
    let m = other.meetings_of_year(2017).expect("year")[0].id;
    other.delete_meeting(m).expect("delete");
    drop(other);
    let restored = dir.path().join("restored.db");
    std::fs::copy(&copy, &restored).expect("copy back");
    let a = Store::open(&restored, OpenOptions::default()).expect("restored opens");
    assert_eq!(a.meetings_of_year(2017).expect("year").len(), 5);
    assert!(a.check().expect("check").problems.is_empty());
}

#[test]
fn audit_verify_passes_then_fails_after_a_row_is_altered() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = sample_db(dir.path());
    let out = kusei(&db, &["audit", "verify"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("連鎖 ok"));
    {
        // What someone with the sqlite3 tool could do: drop the guard and edit.
        let c = rusqlite::Connection::open(&db).expect("raw");
        assert!(c
            .execute("UPDATE audit_log SET os_user = 'x' WHERE id = 5", [])
            .is_err());
        c.execute_batch(
            "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET os_user = 'mallory' WHERE id = 5;",
        )
        .expect("tamper");
    }
    let out = kusei(&db, &["audit", "verify"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("5 番の行"));
    let check = kusei(&db, &["check"]);
    assert!(!check.status.success());
}

#[test]
fn audit_log_lists_changes_by_user_and_record() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = sample_db(dir.path());
    let mut store = Store::open(&db, OpenOptions::default()).expect("open");
    let m = store.meetings_of_year(2017).expect("year")[0].id;
    let item = store.meeting_detail(m).expect("d").expect("m").items[0].id;
    let id = store
        .add_opinion(item, "監査ログの確認", None, None)
        .expect("add");
    let user = store.user().to_string();
    let out = kusei(
        &db,
        &[
            "audit",
            "log",
            "--user",
            &user,
            "--table",
            "opinions",
            "--row",
            &id.to_string(),
        ],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(
        text.contains("insert") && text.contains("監査ログの確認"),
        "{text}"
    );
}

#[test]
fn a_damaged_file_opens_read_only_with_the_reason_and_the_way_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = sample_db(dir.path());
    {
        let c = rusqlite::Connection::open(&db).expect("raw");
        c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
            .expect("checkpoint");
    }
    // Overwrite a page in the middle of the file with garbage.
    let mut bytes = std::fs::read(&db).expect("read");
    let page = 4096;
    let at = (bytes.len() / page / 2) * page;
    for b in &mut bytes[at + 100..at + page] {
        *b = 0x5A;
    }
    std::fs::write(&db, &bytes).expect("write");
    match Store::open(&db, OpenOptions::default()) {
        Ok(store) => {
            let reason = store.read_only_reason().expect("read-only").to_string();
            assert!(reason.contains("quick_check"), "{reason}");
            assert!(reason.contains("kusei backup"), "{reason}");
        }
        Err(e) => {
            // Damage in the schema pages makes it unreadable instead: also
            // a clear refusal, never a panic.
            assert!(!e.to_string().is_empty());
        }
    }
}

#[test]
fn a_new_database_is_group_shareable() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("new.db");
    drop(Store::open(&db, OpenOptions::default()).expect("create"));
    let mode = std::fs::metadata(&db).expect("meta").permissions().mode() & 0o777;
    assert_eq!(mode, 0o660);
}

/// The app does not make people wait for the whole-file check: it opens
/// at once and checks on its database thread after the first screenful;
/// a damaged file then turns the session read-only and says why.
#[test]
fn the_app_checks_the_file_after_the_first_screen() {
    use kusei::app::worker::{Request, Response, Worker};
    let dir = tempfile::tempdir().expect("tempdir");
    let db = sample_db(dir.path());
    {
        let c = rusqlite::Connection::open(&db).expect("raw");
        c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
            .expect("checkpoint");
    }
    let mut bytes = std::fs::read(&db).expect("read");
    let at = (bytes.len() / 4096 / 2) * 4096;
    for b in &mut bytes[at + 100..at + 4096] {
        *b = 0x5A;
    }
    std::fs::write(&db, &bytes).expect("write");
    let Ok(store) = Store::open(
        &db,
        OpenOptions {
            read_only: false,
            defer_check: true,
        },
    ) else {
        return; // damage in the schema pages: refused at open, also fine
    };
    assert!(store.check_pending());
    let (tx, rx) = std::sync::mpsc::channel();
    let mut w = Worker::new(store, tx);
    w.handle(Request::LoadYear {
        fiscal_year: Some(2017),
        select: None,
    });
    w.check_file();
    let told = rx
        .try_iter()
        .any(|r| matches!(r, Response::ReadOnly(reason) if reason.contains("quick_check")));
    assert!(told, "the session is told it is read-only");
    assert!(w.store_mut().read_only_reason().is_some());
}
