//! The note beside the index file that it was checked whole
//! (`<db>.search-index.verified`): the writer notes the file it wrote, a
//! session whose file matches the note skips the sections' CRCs and value
//! checks, and any write to the file after the note (a bit flip, a cut, a
//! file put in its place) is still noticed at once.

mod support;

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use kusei::search::persist::{self, Invalid};
use kusei::search::persist_write::Header;
use kusei::search::{persist_delta, persist_map, persist_seen};

use support::db::{open, sample_db};

fn with_file(dir: &Path) -> (PathBuf, PathBuf) {
    let db = sample_db(dir, "kusei.db");
    let store = open(&db);
    let loaded = persist_delta::open_or_build(&db, store.conn(), &|_, _| {}, true).expect("build");
    assert_eq!(loaded.rebuilt, Some(Invalid::Missing));
    (db.clone(), persist::path_for(&db))
}

/// Put the file's mtime a minute back (as the writer does, so it can be
/// noted).
fn backdate(file: &Path) {
    let f = std::fs::File::options()
        .write(true)
        .open(file)
        .expect("open");
    f.set_modified(SystemTime::now() - Duration::from_secs(60))
        .expect("set mtime");
}

fn header(file: &Path) -> Header {
    let bytes = std::fs::read(file).expect("read");
    persist_map::decode_header(&bytes, bytes.len() as u64).expect("header")
}

/// Write `bytes` as a new file put over the index file (a new inode).
fn put_in_place(file: &Path, bytes: &[u8], old: bool) {
    let tmp = file.with_extension("put");
    std::fs::write(&tmp, bytes).expect("write");
    if old {
        backdate(&tmp);
    }
    std::fs::rename(&tmp, file).expect("rename");
}

#[test]
fn the_writer_notes_its_file_and_readers_use_it() {
    let dir = tempfile::TempDir::new().expect("tempdir");
    let (db, _file) = with_file(dir.path());
    let note = persist_seen::path_for(&db);
    assert!(note.exists(), "the writer noted the file it checked");
    let store = open(&db);
    let (ix, _, _) = persist_delta::open_current(&db, store.conn()).expect("the noted file");
    assert!(ix.is_mapped());
    let built = kusei::search::load::build(&store).expect("build");
    let q = ["団地", "区", "@区長 区", "kind:決定", "だんち"];
    assert_eq!(
        support::search::answers_to(&q, &ix, &store),
        support::search::answers_to(&q, &built, &store)
    );
}

#[test]
fn a_write_after_the_note_is_noticed_at_once() {
    let dir = tempfile::TempDir::new().expect("tempdir");
    let (db, file) = with_file(dir.path());
    let good = std::fs::read(&file).expect("read");
    let note = persist_seen::path_for(&db);
    let store = open(&db);
    let h = header(&file);
    let mut at: Vec<usize> = Vec::new();
    for (off, len, _) in h.sections {
        at.extend((0..8).map(|k| (off + len * k / 8) as usize));
    }
    at.push(good.len() - 1);
    at.sort_unstable();
    at.dedup();
    for (n, &p) in at.iter().enumerate() {
        // The note is there and names the file as it was.
        put_in_place(&file, &good, true);
        persist_map::open(&db, store.conn()).expect("the good file");
        assert!(note.exists());
        // Flipped in place, right after: same inode and size.
        let mut bad = good.clone();
        bad[p] ^= 1 << (n % 8);
        std::fs::write(&file, &bad).expect("write");
        assert!(
            matches!(
                persist_map::open(&db, store.conn()),
                Err(Invalid::Damaged(_))
            ),
            "a bit flipped at {p} after the note was not noticed"
        );
    }
    // Cut short in place.
    put_in_place(&file, &good, true);
    persist_map::open(&db, store.conn()).expect("the good file");
    std::fs::write(&file, &good[..good.len() - 1]).expect("cut");
    assert!(persist_map::open(&db, store.conn()).is_err(), "cut");
    // A damaged file put in the path (another inode), its mtime old.
    let mut bad = good.clone();
    let mid = bad.len() / 2;
    bad[mid] ^= 0x20;
    put_in_place(&file, &bad, true);
    assert!(persist_map::open(&db, store.conn()).is_err(), "replaced");
}

#[test]
fn a_fresh_file_is_not_noted_and_a_bad_note_is_ignored() {
    let dir = tempfile::TempDir::new().expect("tempdir");
    let (db, file) = with_file(dir.path());
    let good = std::fs::read(&file).expect("read");
    let note = persist_seen::path_for(&db);
    let store = open(&db);
    // Just written, mtime now: checked whole, but not noted (a write in
    // the same clock tick would leave the mtime as it is).
    std::fs::remove_file(&note).expect("remove the note");
    put_in_place(&file, &good, false);
    persist_map::open(&db, store.conn()).expect("the good file");
    assert!(!note.exists(), "a file written just now is not noted");
    // Older: noted.
    backdate(&file);
    persist_map::open(&db, store.conn()).expect("the good file");
    let noted = std::fs::read(&note).expect("noted");
    // A damaged note (or garbage) is ignored: the file is checked whole
    // and noted again.
    for bad in [vec![1u8; 3], {
        let mut b = noted.clone();
        b[20] ^= 1;
        b
    }] {
        std::fs::write(&note, &bad).expect("write the note");
        persist_map::open(&db, store.conn()).expect("the good file");
        assert_eq!(std::fs::read(&note).expect("noted"), noted);
    }
}
