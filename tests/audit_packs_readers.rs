//! Issue 12 §4: every reader of the audit log works the same when an
//! import's records are stored as packs: the history of a row (and a
//! restore of a packed version), undo and redo of a packed import, the
//! calendar's SEQUENCE/LAST-MODIFIED, "my newest change", and verify.

mod support;

use kusei::db::history::Locator;
use kusei::db::{audit_verify, Store};
use support::bin;
use support::db::{count, json, open};

/// A dataset of `n` generated opinions (written by `kusei gen`, exported).
fn dataset(dir: &std::path::Path, n: u32) -> kusei::model::Dataset {
    let gen = dir.join("gen.db");
    let out = bin::command(&gen)
        .env("XDG_STATE_HOME", dir.join("state"))
        .args(["gen", "--opinions", &n.to_string(), "--seed", "5"])
        .output()
        .expect("gen");
    assert!(out.status.success(), "{}", bin::stderr(&out));
    open(&gen).export().expect("export")
}

/// A fresh store with `n` opinions imported in one change set.
fn imported(n: u32) -> (tempfile::TempDir, Store, i64) {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dataset(dir.path(), n);
    let mut store = open(&dir.path().join("kusei.db"));
    store.import(&data).expect("import");
    let batch = store.last_batch().expect("a change set");
    (dir, store, batch)
}

fn clean(store: &Store) {
    let report = audit_verify::verify(store.conn(), &[]).expect("verify");
    assert!(report.findings.is_empty(), "{:?}", report.findings);
}

fn text_of(store: &Store, id: i64) -> String {
    store
        .conn()
        .query_row("SELECT text FROM opinions WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .expect("text")
}

#[test]
fn an_import_is_packed_and_verifies() {
    let (_d, store, _) = imported(700);
    assert!(
        count(
            &store,
            "SELECT count(*) FROM audit_log WHERE pack IS NOT NULL"
        ) >= 2
    );
    assert_eq!(
        count(&store, "SELECT sum(coalesce(pack_rows, 1)) FROM audit_log"),
        support::db::data_rows(&store),
        "one audit record per inserted row"
    );
    clean(&store);
}

#[test]
fn history_of_a_packed_row_and_a_restore_of_its_version() {
    let (_d, mut store, _) = imported(700);
    let id = 321;
    let original = text_of(&store, id);
    let at = Locator::Row {
        table: "opinions".into(),
        id,
    };
    let h = store.history(&at).expect("history").expect("a history");
    let mine: Vec<_> = h.versions.iter().filter(|v| v.row_id == id).collect();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].action, "insert");
    let image = mine[0].after.as_ref().expect("after-image");
    assert_eq!(image["text"], original.as_str());
    let packed_version = mine[0].audit_id;

    let version: i64 = store
        .conn()
        .query_row("SELECT version FROM opinions WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .expect("version");
    store
        .edit_opinion(id, version, "書き直した意見")
        .expect("edit");
    let h = store.history(&at).expect("history").expect("a history");
    let mine: Vec<_> = h.versions.iter().filter(|v| v.row_id == id).collect();
    assert_eq!(mine.len(), 2);
    assert_eq!(mine[0].action, "update");
    assert_eq!(mine[1].audit_id, packed_version);

    let opened = h.opened_for("opinions", id).expect("fingerprint");
    store
        .restore_version(packed_version, opened)
        .expect("restore");
    assert_eq!(text_of(&store, id), original);
    clean(&store);
}

#[test]
fn undo_and_redo_of_a_packed_import() {
    let (_d, mut store, batch) = imported(600);
    let before = json(&store);
    let undo = store
        .undo(batch)
        .expect("undo")
        .expect("an undo change set");
    assert_eq!(count(&store, "SELECT count(*) FROM opinions"), 0);
    assert_eq!(count(&store, "SELECT count(*) FROM meetings"), 0);
    clean(&store);
    store.undo(undo).expect("redo");
    assert_eq!(json(&store), before);
    clean(&store);
}

#[test]
fn calendar_revisions_read_packed_meetings() {
    let (_d, store, _) = imported(600);
    let at: String = store
        .conn()
        .query_row(
            "SELECT at FROM audit_log WHERE tbl = 'meetings' AND pack IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .expect("the meetings' pack");
    let revisions = store.meeting_revisions().expect("revisions");
    assert!(!revisions.is_empty());
    let newest: String = store
        .conn()
        .query_row(
            "SELECT max(at) FROM audit_log WHERE tbl IN ('meetings', 'agenda_items')",
            [],
            |r| r.get(0),
        )
        .expect("newest");
    // The meeting's own pack, or a later pack of its agenda items.
    for rev in revisions.values() {
        assert_eq!(rev.sequence, 0, "one change set");
        let last = rev.last_modified.clone().expect("from the log");
        assert!(last >= at && last <= newest, "{last}");
    }
}

#[test]
fn my_newest_change_is_the_last_row_of_the_newest_pack() {
    let (_d, store, _) = imported(600);
    let (table, row) = store
        .latest_own_change()
        .expect("query")
        .expect("a change of mine");
    let last_table: String = store
        .conn()
        .query_row(
            "SELECT tbl FROM audit_log ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .expect("newest");
    assert_eq!(table, last_table);
    let h = store
        .history(&Locator::Row { table, id: row })
        .expect("history")
        .expect("a history");
    assert!(h
        .versions
        .iter()
        .any(|v| v.row_id == row && v.action == "insert"));
}
