//! The search index file beside the database (`<db>.search-index`) is a
//! cache that is never used when it cannot be trusted: a deleted,
//! truncated (at every section boundary and at other points), stale (the
//! log pruned past it; another database's file; a file from before a
//! migration; another builder) or bit-flipped file is detected and the
//! index rebuilt, and the rebuilt index answers exactly as a fresh build.
//! A valid file is used in place (mapped), brought up to date from the
//! change log, and answers exactly as a fresh build.

mod support;

use std::path::{Path, PathBuf};

use kusei::db::Store;
use kusei::search::persist::{self, Invalid};
use kusei::search::persist_write::{Header, HEADER, SECTIONS, SECTION_NAMES};
use kusei::search::{changes, load, persist_delta, persist_map, Index};

use support::db::{open, sample_db};

const QUERIES: &[&str] = &[
    "団地",
    "子育て",
    "防災訓練",
    "区運営方針",
    "超過",
    "区",
    "@区長 区",
    "kind:決定",
    "fy:2017 区",
    "だんち",
];

fn answers(ix: &Index, store: &Store) -> Vec<String> {
    support::search::answers_to(QUERIES, ix, store)
}

/// What a fresh build answers.
fn rebuilt(store: &Store) -> Vec<String> {
    answers(&load::build(store).expect("build"), store)
}

/// A sample database with its index file written; the path of each.
fn with_file(dir: &Path) -> (PathBuf, PathBuf) {
    let db = sample_db(dir, "kusei.db");
    let store = open(&db);
    let loaded = persist_delta::open_or_build(&db, store.conn(), &|_, _| {}, true).expect("build");
    assert_eq!(loaded.rebuilt, Some(Invalid::Missing));
    let file = persist::path_for(&db);
    assert!(file.exists(), "the index file is written");
    (db, file)
}

/// The file is not used, for `why`; open_or_build rebuilds, answers as a
/// build does, and writes a good file again.
fn rejected_then_rebuilt(db: &Path, why: impl Fn(&Invalid) -> bool, what: &str) {
    let store = open(db);
    match persist_map::open(db, store.conn()) {
        Ok(_) => panic!("{what}: the file was accepted"),
        Err(e) => assert!(why(&e), "{what}: rejected for {e:?}"),
    }
    let loaded = persist_delta::open_or_build(db, store.conn(), &|_, _| {}, true).expect("open");
    assert!(loaded.rebuilt.is_some(), "{what}: not rebuilt");
    assert!(!loaded.index.is_mapped(), "{what}");
    assert_eq!(answers(&loaded.index, &store), rebuilt(&store), "{what}");
    let again = persist_delta::open_current(db, store.conn()).expect("the rewritten file");
    assert!(again.0.is_mapped());
    assert_eq!(answers(&again.0, &store), rebuilt(&store), "{what}");
}

#[test]
fn a_valid_file_is_mapped_and_answers_as_a_build() {
    let dir = tempfile::TempDir::new().expect("tempdir");
    let (db, file) = with_file(dir.path());
    let store = open(&db);
    let loaded = persist_delta::open_or_build(&db, store.conn(), &|_, _| {}, true).expect("open");
    assert_eq!(loaded.rebuilt, None);
    assert!(loaded.index.is_mapped(), "used in place");
    assert_eq!(answers(&loaded.index, &store), rebuilt(&store));
    // Group-shareable like the database.
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| std::fs::metadata(p).expect("stat").permissions().mode() & 0o777;
    assert_eq!(mode(&file), mode(&db));
}

#[test]
fn a_deleted_file_is_rebuilt() {
    let dir = tempfile::TempDir::new().expect("tempdir");
    let (db, file) = with_file(dir.path());
    std::fs::remove_file(&file).expect("delete");
    rejected_then_rebuilt(&db, |e| *e == Invalid::Missing, "deleted");
}

fn header(file: &Path) -> Header {
    let bytes = std::fs::read(file).expect("read");
    persist_map::decode_header(&bytes[..HEADER], bytes.len() as u64).expect("header")
}

#[test]
fn a_truncated_file_is_rebuilt_at_every_section_boundary_and_between() {
    let dir = tempfile::TempDir::new().expect("tempdir");
    let (db, file) = with_file(dir.path());
    let good = std::fs::read(&file).expect("read");
    let h = header(&file);
    let mut cuts = vec![0, 7, 100, HEADER - 1, HEADER];
    for (off, len, _) in h.sections {
        cuts.extend([off as usize, off as usize + 1, (off + len) as usize - 1]);
        cuts.push((off + len / 2) as usize);
    }
    // And some points spread through the whole file.
    cuts.extend((1..40).map(|k| good.len() * k / 40));
    cuts.retain(|&c| c < good.len());
    cuts.sort_unstable();
    cuts.dedup();
    assert!(cuts.len() > 3 * SECTIONS);
    for cut in cuts {
        std::fs::write(&file, &good[..cut]).expect("cut");
        rejected_then_rebuilt(
            &db,
            |e| matches!(e, Invalid::Truncated | Invalid::Damaged(_)),
            &format!("cut at {cut} of {}", good.len()),
        );
    }
}

#[test]
fn a_bit_flip_anywhere_is_detected() {
    let dir = tempfile::TempDir::new().expect("tempdir");
    let (db, file) = with_file(dir.path());
    let good = std::fs::read(&file).expect("read");
    let store = open(&db);
    // Every byte of the header and of the gaps, and points in each section.
    let h = header(&file);
    let mut at: Vec<usize> = (0..HEADER).step_by(3).collect();
    for (off, len, _) in h.sections {
        at.extend((0..16).map(|k| (off + len * k / 16) as usize));
    }
    at.push(good.len() - 1);
    at.sort_unstable();
    at.dedup();
    for (n, &p) in at.iter().enumerate() {
        let mut bad = good.clone();
        bad[p] ^= 1 << (n % 8);
        std::fs::write(&file, &bad).expect("write");
        assert!(
            persist_map::open(&db, store.conn()).is_err(),
            "a flipped bit at byte {p} was not noticed"
        );
    }
    // A byte added at the end is noticed too.
    let mut longer = good.clone();
    longer.push(0);
    std::fs::write(&file, &longer).expect("write");
    assert!(persist_map::open(&db, store.conn()).is_err());
    let mut bad = good;
    let mid = bad.len() / 2;
    bad[mid] ^= 0x10;
    std::fs::write(&file, &bad).expect("write");
    rejected_then_rebuilt(&db, |e| matches!(e, Invalid::Damaged(_)), "flipped");
}

#[test]
fn a_file_older_than_the_pruned_log_is_rebuilt() {
    let dir = tempfile::TempDir::new().expect("tempdir");
    let (db, _file) = with_file(dir.path());
    let mut store = open(&db);
    let item: i64 = store
        .conn()
        .query_row("SELECT min(id) FROM agenda_items", [], |r| r.get(0))
        .expect("an item");
    store
        .add_opinion(item, "鳩時計の団地", None, None)
        .expect("add");
    store
        .add_opinion(item, "区の鳩時計", None, None)
        .expect("add");
    // Readable from the log: the file is used and brought up to date.
    let (ix, _, _) = persist_delta::open_current(&db, store.conn()).expect("current");
    assert_eq!(answers(&ix, &store), rebuilt(&store));
    // The log pruned past the file's number (as the prune trigger does
    // after 50 000 changes): the file cannot be brought up to date.
    let latest = changes::latest(store.conn()).expect("log");
    store
        .conn()
        .execute("DELETE FROM search_changes WHERE seq < ?1", [latest])
        .expect("prune");
    rejected_then_rebuilt(&db, |e| *e == Invalid::Stale, "pruned");
}

#[test]
fn another_databases_file_is_not_used() {
    let dir = tempfile::TempDir::new().expect("tempdir");
    let (_a, file_a) = with_file(&dir.path().join("a"));
    let (db_b, file_b) = {
        std::fs::create_dir_all(dir.path().join("b")).expect("mkdir");
        let db = sample_db(&dir.path().join("b"), "kusei.db");
        let f = persist::path_for(&db);
        (db, f)
    };
    std::fs::copy(&file_a, &file_b).expect("copy");
    rejected_then_rebuilt(&db_b, |e| *e == Invalid::OtherDatabase, "another database");
    // The same database restored by copying the file (a new inode).
    let copy = dir.path().join("b").join("copy.db");
    let src = open(&db_b);
    src.conn()
        .execute("VACUUM INTO ?1", [copy.to_str().expect("utf-8")])
        .expect("vacuum into");
    std::fs::copy(persist::path_for(&db_b), persist::path_for(&copy)).expect("copy");
    rejected_then_rebuilt(&copy, |e| *e == Invalid::OtherDatabase, "a copied database");
}

/// Rewrite the file's header through `change` (its CRC made right again).
fn edit_header(file: &Path, change: impl Fn(&mut Header)) {
    let mut bytes = std::fs::read(file).expect("read");
    let mut h = header(file);
    change(&mut h);
    bytes[..HEADER].copy_from_slice(&h.encode());
    std::fs::write(file, bytes).expect("write");
}

#[test]
fn a_file_from_before_a_migration_or_another_build_is_not_used() {
    let dir = tempfile::TempDir::new().expect("tempdir");
    let (db, file) = with_file(dir.path());
    edit_header(&file, |h| h.db.schema -= 1);
    rejected_then_rebuilt(&db, |e| *e == Invalid::Schema, "before a migration");
    edit_header(&file, |h| h.builder[0] ^= 1);
    rejected_then_rebuilt(&db, |e| *e == Invalid::Builder, "another builder");
    edit_header(&file, |h| h.version += 1);
    rejected_then_rebuilt(&db, |e| *e == Invalid::Format, "another format");
    edit_header(&file, |h| h.readings = !h.readings);
    rejected_then_rebuilt(&db, |e| *e == Invalid::Builder, "readings differ");
    // A number the log never reached: from another (or a restored) file.
    edit_header(&file, |h| h.seq += 1_000_000);
    rejected_then_rebuilt(&db, |e| *e == Invalid::OtherDatabase, "a number ahead");
}

/// A writer that finds the lock held leaves the file alone; the file is
/// replaced whole (a reader's mapping keeps the old one).
#[test]
fn the_lock_holder_writes_and_readers_keep_their_mapping() {
    let dir = tempfile::TempDir::new().expect("tempdir");
    let (db, file) = with_file(dir.path());
    let mut store = open(&db);
    let (mapped, seq, stamp) = persist_delta::open_current(&db, store.conn()).expect("open");
    let before = answers(&mapped, &store);
    let item: i64 = store
        .conn()
        .query_row("SELECT min(id) FROM agenda_items", [], |r| r.get(0))
        .expect("an item");
    store
        .add_opinion(item, "区の団地で防災訓練", None, None)
        .expect("add");
    let (current, new_seq, _) = persist_delta::open_current(&db, store.conn()).expect("open");
    assert!(new_seq > seq);
    assert!(current.is_mapped(), "the change did not copy the index");
    assert!(current.layer_size() > 0, "the change is a layer over it");
    assert_eq!(answers(&current, &store), rebuilt(&store));
    let lock = std::fs::File::open(persist::lock_path_for(&db)).expect("lock file");
    lock.lock().expect("lock");
    assert!(!persist_delta::publish(&db, store.conn(), &current, new_seq).expect("publish"));
    assert_eq!(persist::file_stamp(&db), Some(stamp), "left alone");
    lock.unlock().expect("unlock");
    assert!(persist_delta::publish(&db, store.conn(), &current, new_seq).expect("publish"));
    assert!(persist_delta::replaced(&db, Some(stamp)));
    // The old mapping still answers as it did (the old inode is intact).
    assert_eq!(answers(&mapped, &store), before);
    let (fresh, fresh_seq, _) = persist_delta::open_if_current(&db, store.conn()).expect("new");
    assert!(fresh.is_mapped());
    // Current up to the log's end: the writer's mark came after `new_seq`.
    assert_eq!(Some(fresh_seq), changes::latest(store.conn()));
    assert!(fresh_seq > new_seq);
    assert_eq!(answers(&fresh, &store), rebuilt(&store));
    // Nothing newer to write: publishing again leaves the file alone.
    let now = persist::file_stamp(&db);
    assert!(!persist_delta::publish(&db, store.conn(), &current, new_seq).expect("publish"));
    assert_eq!(persist::file_stamp(&db), now);
    assert!(file.exists());
}

#[test]
fn a_writer_killed_mid_write_leaves_no_temporary_file_behind_the_next_one() {
    let dir = tempfile::TempDir::new().expect("tempdir");
    let (db, file) = with_file(dir.path());
    // What a session killed while writing leaves (its pid is long gone),
    // and files that only look alike, which are not ours to remove.
    let mut stale = file.as_os_str().to_owned();
    stale.push(".tmp.4000001");
    let stale = PathBuf::from(stale);
    std::fs::write(&stale, b"half written").expect("stale tmp");
    let mut other = file.as_os_str().to_owned();
    other.push(".tmp.notes");
    let other = PathBuf::from(other);
    std::fs::write(&other, b"keep").expect("other");
    // The next writer (the lock holder) removes it before writing.
    std::fs::remove_file(&file).expect("delete");
    let store = open(&db);
    let loaded = persist_delta::open_or_build(&db, store.conn(), &|_, _| {}, true).expect("build");
    assert_eq!(loaded.rebuilt, Some(Invalid::Missing));
    assert!(file.exists(), "the index file is written again");
    assert!(!stale.exists(), "the stale temporary file is removed");
    assert!(
        other.exists(),
        "a file that is not a temporary of ours stays"
    );
}

/// Rewrite section `i` through `change` (its CRC and the header made right
/// again, so only the row lookup's own check can refuse it).
fn edit_section(file: &Path, i: usize, change: impl Fn(&mut Vec<u8>)) {
    let bytes = std::fs::read(file).expect("read");
    let mut h = header(file);
    let (off, len, _) = h.sections[i];
    let (off, len) = (off as usize, len as usize);
    let mut section = bytes[off..off + len].to_vec();
    change(&mut section);
    assert!(i + 1 == SECTIONS, "only the last section may change length");
    h.sections[i] = (off as u64, section.len() as u64, crc32fast::hash(&section));
    let mut out = bytes[..off].to_vec();
    out[..HEADER].copy_from_slice(&h.encode());
    out.extend_from_slice(&section);
    std::fs::write(file, out).expect("write");
}

/// The row lookup (the entries by table and row id) must hold each entry
/// once, in order: one out of order, out of range, repeated or missing, or
/// the section absent, is damage (its CRC right or not).
#[test]
fn a_bad_or_absent_row_lookup_is_refused() {
    let dir = tempfile::TempDir::new().expect("tempdir");
    let (db, file) = with_file(dir.path());
    let good = std::fs::read(&file).expect("read");
    let rows = SECTIONS - 1;
    assert_eq!(SECTION_NAMES[rows], "rows");
    let entries = header(&file).entries as u32;
    let u32s = |b: &mut Vec<u8>| -> Vec<u32> {
        b.chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect()
    };
    let put = |b: &mut Vec<u8>, v: &[u32]| *b = v.iter().flat_map(|x| x.to_le_bytes()).collect();
    type Edit = Box<dyn Fn(&mut Vec<u32>)>;
    let cases: Vec<(&str, Edit)> = vec![
        ("two swapped", Box::new(|v| v.swap(10, 11))),
        ("out of range", Box::new(move |v| v[5] = entries)),
        ("repeated", Box::new(|v| v[7] = v[6])),
        ("one missing", Box::new(|v| v.truncate(v.len() - 1))),
        ("absent", Box::new(|v| v.clear())),
    ];
    for (what, edit) in cases {
        std::fs::write(&file, &good).expect("restore");
        edit_section(&file, rows, |b| {
            let mut v = u32s(b);
            edit(&mut v);
            put(b, &v);
        });
        rejected_then_rebuilt(&db, |e| *e == Invalid::Damaged("rows"), what);
    }
    // The same edit undone is accepted (the rewriting itself is sound).
    std::fs::write(&file, &good).expect("restore");
    edit_section(&file, rows, |b| {
        let v = u32s(b);
        put(b, &v);
    });
    let store = open(&db);
    assert!(persist_map::open(&db, store.conn()).is_ok());
}

/// An edit and a delete of old rows (an opinion, an agenda item) over a
/// mapped base drop exactly those rows' entries, found by the file's row
/// lookup, and the answers are a rebuild's.
#[test]
fn an_edit_and_a_delete_of_old_rows_drop_exactly_their_entries() {
    let dir = tempfile::TempDir::new().expect("tempdir");
    let (db, _file) = with_file(dir.path());
    let store = open(&db);
    let (mut ix, mut seq, _) = persist_delta::open_current(&db, store.conn()).expect("open");
    assert!(ix.is_mapped() && ix.has_row_lookup());
    let base: Vec<kusei::search::Doc> = (0..ix.len() as u32).map(|i| *ix.doc(i)).collect();
    let of = |table: &str, id: i64| -> Vec<kusei::search::Doc> {
        base.iter()
            .filter(|d| d.kind.table() == table && d.id == id)
            .copied()
            .collect()
    };
    // The oldest opinion and agenda item with entries (far from the newest
    // rows, which a change could drop without a lookup).
    let oldest = |table: &str| {
        base.iter()
            .filter(|d| d.kind.table() == table)
            .map(|d| d.id)
            .min()
            .expect("a row")
    };
    let (opinion, item) = (oldest("opinions"), oldest("agenda_items"));
    let deleted = base
        .iter()
        .filter(|d| d.kind.table() == "opinions" && d.id != opinion)
        .map(|d| d.id)
        .min()
        .expect("another opinion");
    let writer = open(&db);
    let mut expect = Vec::new();
    for (sql, id, table) in [
        (
            "UPDATE opinions SET text = '団地の見直し' WHERE id = ?1",
            opinion,
            "opinions",
        ),
        ("DELETE FROM opinions WHERE id = ?1", deleted, "opinions"),
        (
            "UPDATE agenda_items SET title = '子育て' WHERE id = ?1",
            item,
            "agenda_items",
        ),
    ] {
        assert!(!of(table, id).is_empty(), "{table} {id} has entries");
        writer.conn().execute(sql, [id]).expect(sql);
        let tail = changes::tail(store.conn(), seq).expect("tail");
        changes::apply(&mut ix, store.conn(), &tail).expect("apply");
        seq = tail.seq;
        assert!(ix.is_mapped(), "a layer: nothing copied");
        expect.extend(of(table, id));
        let key = |d: &kusei::search::Doc| (d.kind as u8, d.id, d.day);
        let mut got = ix.dropped_base_entries();
        got.sort_by_key(key);
        expect.sort_by_key(key);
        assert_eq!(got, expect, "after {sql}");
        assert_eq!(answers(&ix, &store), rebuilt(&store), "after {sql}");
    }
}
