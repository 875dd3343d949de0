//! A database copied back over itself from a backup (`cp backup.db
//! kusei.db`: the same file, an earlier state) and then written past the
//! index file's change number must not make a session trust the index
//! file written from the history the copy threw away.

mod support;

use std::path::Path;

use kusei::db::Store;
use kusei::search::{changes, load, persist_delta};

use support::db::{open, sample_db};

fn first_item(store: &Store) -> i64 {
    store
        .conn()
        .query_row("SELECT min(id) FROM agenda_items", [], |r| r.get(0))
        .expect("an agenda item")
}

fn add(db: &Path, text: &str, n: usize) {
    let mut store = open(db);
    let item = first_item(&store);
    for k in 0..n {
        store
            .add_opinion(item, &format!("{text}{k}"), None, None)
            .expect("add");
    }
}

fn found(db: &Path, q: &[&str]) -> (Vec<String>, Vec<String>) {
    let store = open(db);
    let loaded = persist_delta::open_or_build(db, store.conn(), &|_, _| {}, false).expect("open");
    let rebuilt = load::build(&store).expect("build");
    (
        support::search::answers_to(q, &loaded.index, &store),
        support::search::answers_to(q, &rebuilt, &store),
    )
}

#[test]
fn a_backup_copied_over_the_file_and_written_past_the_index_is_not_trusted() {
    let dir = tempfile::TempDir::new().expect("tempdir");
    let db = sample_db(dir.path(), "kusei.db");
    let backup = dir.path().join("backup.db");
    {
        let store = open(&db);
        store
            .conn()
            .execute("VACUUM INTO ?1", [backup.to_string_lossy()])
            .expect("backup");
    }
    // History A: five opinions, then the index file written after them.
    add(&db, "捨てられた歴史", 5);
    {
        let store = open(&db);
        let seq = changes::latest(store.conn()).expect("log");
        let ix = load::build(&store).expect("build");
        assert!(persist_delta::publish(&db, store.conn(), &ix, seq).expect("write"));
    }
    // The backup copied over the file in place (same inode), nobody open.
    for side in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{side}", db.display()));
    }
    std::fs::copy(&backup, &db).expect("copy the backup back");
    // History B: more changes than A had since the backup.
    add(&db, "新しい歴史", 12);
    let (used, want) = found(&db, &["捨てられた歴史", "新しい歴史"]);
    assert!(want[0].contains(": 0 "), "{want:?}");
    assert!(want[1].contains(": 12 "), "{want:?}");
    assert_eq!(
        used, want,
        "the index file of the thrown-away history was used"
    );
}
