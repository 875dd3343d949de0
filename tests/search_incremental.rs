//! The index kept current from the change log (migration 0004) is exactly
//! the index a full rebuild gives: after any sequence of inserts, edits,
//! deletes and undos from several connections on one file, the entries
//! (kind, id, meeting, date, speaker, folded text, order) and the answers
//! to a set of queries are the same. Writes search does not show leave the
//! log alone. The newer sources (migration 0005: progress, node notes,
//! milestones, indicators, meeting places, 宿題 owners) are changed too.

mod support;

use kusei::db::Store;
use kusei::search::{self, changes, load, parse, persist_delta, Cancel, Index};
use proptest::prelude::*;

use support::db::{open, sample_db};
use support::edits::{entries, nth, op, run, Op};

const QUERIES: &[&str] = &[
    "団地",
    "子育て",
    "防災訓練",
    "区運営方針",
    "超過",
    "区",
    "かふぇ",
    "@区長 区",
    "kind:決定",
    "\"見守り\"",
    "fy:2017 区",
    "kind:進捗 区",
    "kind:評価",
    "kind:工程",
    "kind:指標",
    "kind:場所",
    "kind:担当",
    "だんち",
    "kosodate",
];

fn answers(ix: &Index, store: &Store) -> Vec<String> {
    support::search::answers_to(QUERIES, ix, store)
}

/// Queries typed a character at a time in one session (each narrowing or
/// growing the one before): the entries found, by row, and the totals.
fn typed(ix: &Index) -> Vec<String> {
    let mut session = search::Session::new();
    [
        "区",
        "区運",
        "区運営",
        "区運営方針",
        "団",
        "団地",
        "団地 区",
        "団地 区の",
        "か",
        "かふ",
        "かふぇ",
    ]
    .iter()
    .map(|q| {
        let query = parse(q).expect("query");
        let found = session
            .find(ix, &query, 20, Cancel::never())
            .expect("not cancelled");
        let ids: Vec<String> = found
            .hits
            .iter()
            .map(|h| {
                let d = ix.doc(h.doc);
                format!("{:?}{}", d.kind, d.id)
            })
            .collect();
        format!("{q}: {} {}", found.total, ids.join(","))
    })
    .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn incremental_index_equals_a_rebuild(
        ops in prop::collection::vec((0..3usize, op(), any::<bool>()), 1..14),
        every in 1..4usize,
    ) {
        let dir = tempfile::TempDir::new().expect("tempdir");
        let db = sample_db(dir.path(), "kusei.db");
        let mut stores: Vec<Store> = (0..3).map(|_| open(&db)).collect();
        let reader = open(&db);
        let mut seq = changes::latest(reader.conn()).expect("the change log");
        let mut ix = load::build(&reader).expect("index");
        // The index file, written from the session's index now and then
        // (as the session holding the lock does at a quiet moment); a
        // session that mapped it at the start and applies the tail since.
        prop_assert!(persist_delta::publish(&db, reader.conn(), &ix, seq).expect("write"));
        let (mut mapped, mut mapped_seq, _) =
            persist_delta::open_current(&db, reader.conn()).expect("the file");
        prop_assert!(mapped.is_mapped());
        for (n, (who, op, write)) in ops.iter().enumerate() {
            run(&mut stores[*who], op);
            if (n + 1) % every != 0 && n + 1 != ops.len() {
                continue;
            }
            let tail = changes::tail(reader.conn(), seq).expect("the tail");
            if matches!(op, Op::Draft { .. }) && (n + 1) % every == 0 && every == 1 {
                prop_assert!(tail.is_empty(), "a draft logged {:?}", tail);
            }
            changes::apply(&mut ix, reader.conn(), &tail).expect("apply");
            seq = tail.seq;
            let full = load::build_with_codec(&reader, ix.shared_codec()).expect("rebuild");
            let (expect_entries, expect) = (entries(&full), answers(&full, &reader));
            prop_assert_eq!(entries(&ix), expect_entries.clone(), "after {:?}", &ops[..=n]);
            prop_assert_eq!(answers(&ix, &reader), expect.clone());
            // The mapped base and the changes since, applied as they come.
            let tail = changes::tail(reader.conn(), mapped_seq).expect("the tail");
            changes::apply(&mut mapped, reader.conn(), &tail).expect("apply");
            mapped_seq = tail.seq;
            prop_assert!(mapped.is_mapped(), "the changes are a layer: nothing copied");
            let flat = mapped.flattened().expect("flatten");
            prop_assert_eq!(entries(&flat), expect_entries.clone(), "mapped + delta");
            prop_assert_eq!(answers(&mapped, &reader), expect.clone(), "mapped + delta");
            prop_assert_eq!(typed(&mapped), typed(&full), "typed, mapped + delta");
            // A fresh session using the file (and the log's tail since it).
            let (fresh, fresh_seq, _) =
                persist_delta::open_current(&db, reader.conn()).expect("the file");
            prop_assert_eq!(fresh_seq, seq);
            prop_assert_eq!(
                entries(&fresh.flattened().expect("flatten")),
                expect_entries,
                "fresh session"
            );
            prop_assert_eq!(fresh.entries(), full.len());
            prop_assert_eq!(answers(&fresh, &reader), expect, "fresh session");
            if *write {
                persist_delta::publish(&db, reader.conn(), &ix, seq).expect("write");
            }
        }
    }
}

/// A process whose last change number was pruned from the log is told to
/// rebuild (never handed a partial tail).
#[test]
fn a_pruned_tail_asks_for_a_rebuild() {
    let dir = tempfile::TempDir::new().expect("tempdir");
    let db = sample_db(dir.path(), "kusei.db");
    let store = open(&db);
    let conn = store.conn();
    let first = changes::latest(conn).expect("log");
    assert!(changes::tail(conn, first).is_some_and(|t| t.is_empty()));
    conn.execute_batch(
        "INSERT INTO search_changes (tbl, row_id) VALUES ('opinions', 1);
         INSERT INTO search_changes (tbl, row_id) VALUES ('opinions', 2);",
    )
    .expect("log rows");
    assert_eq!(changes::tail(conn, first).map(|t| t.len()), Some(2));
    conn.execute("DELETE FROM search_changes WHERE seq <= ?1", [first + 1])
        .expect("prune");
    assert_eq!(changes::tail(conn, first), None);
    assert!(changes::tail(conn, first + 1).is_some());
}

/// Drafts and presence heartbeats (written every 250 ms and 5 s while
/// someone types or minutes) add nothing to the log.
#[test]
fn writes_search_does_not_show_log_nothing() {
    let dir = tempfile::TempDir::new().expect("tempdir");
    let db = sample_db(dir.path(), "kusei.db");
    let mut store = open(&db);
    let before = changes::latest(store.conn());
    store.save_draft("minutes:1", "書きかけ").expect("draft");
    let meeting = nth(&store, "meetings", 0).expect("a meeting");
    store.set_presence(Some(meeting)).expect("presence");
    store.set_presence(None).expect("presence");
    assert_eq!(changes::latest(store.conn()), before);
}

/// A job title added with no opinion (e.g. for attendance) still reaches
/// the index: whether `@長` means that title exactly or every title
/// containing it depends on it.
#[test]
fn a_new_job_title_alone_reaches_the_index() {
    let dir = tempfile::TempDir::new().expect("tempdir");
    let db = sample_db(dir.path(), "kusei.db");
    let mut store = open(&db);
    let seq = changes::latest(store.conn()).expect("log");
    let mut ix = load::build(&store).expect("index");
    store
        .write(|tx| {
            tx.insert(
                "job_titles",
                "INSERT INTO job_titles (name, sort_order) VALUES (?1, 999)",
                ["長"],
            )
            .map(drop)
        })
        .expect("title");
    let tail = changes::tail(store.conn(), seq).expect("tail");
    assert!(!tail.is_empty());
    changes::apply(&mut ix, store.conn(), &tail).expect("apply");
    let full = load::build_with_codec(&store, ix.shared_codec()).expect("rebuild");
    let total = |ix: &Index| {
        let q = parse("@長 区").expect("query");
        search::search(ix, store.conn(), &q, 20, Cancel::never())
            .expect("search")
            .expect("not cancelled")
            .1
    };
    // 長 is now a title of its own (spoken by nobody): nothing matches.
    assert_eq!(total(&full), 0);
    assert_eq!(total(&ix), 0);
}

/// A meeting's date moved two years back while its recorded fiscal year
/// stays (as a date corrected by hand or by a restore does): `fy:` over
/// the mapped file and its layer answers as a rebuild does (CI case: the
/// layer kept the moved entries in their year, the rebuild lost them from
/// it, entries being ordered by day alone).
#[test]
fn a_meeting_moved_across_years_keeps_its_year_in_every_index() {
    let dir = tempfile::TempDir::new().expect("tempdir");
    let db = sample_db(dir.path(), "kusei.db");
    let mut store = open(&db);
    let reader = open(&db);
    let seq = changes::latest(reader.conn()).expect("the change log");
    let ix = load::build(&reader).expect("index");
    assert!(persist_delta::publish(&db, reader.conn(), &ix, seq).expect("write"));
    let (mut mapped, mut mapped_seq, _) =
        persist_delta::open_current(&db, reader.conn()).expect("the file");
    let queries = ["fy:2017 区", "fy:2015 区", "fy:2017", "区"];
    for op in [
        Op::MoveMeeting {
            pick: 145,
            days: -750,
        },
        Op::AddOpinion {
            item: 0,
            text: "団地".into(),
            speaker: None,
        },
    ] {
        run(&mut store, &op);
        let tail = changes::tail(reader.conn(), mapped_seq).expect("the tail");
        changes::apply(&mut mapped, reader.conn(), &tail).expect("apply");
        mapped_seq = tail.seq;
        let full = load::build_with_codec(&reader, mapped.shared_codec()).expect("rebuild");
        let want = support::search::answers_to(&queries, &full, &reader);
        assert!(want[0].starts_with("fy:2017 区: 55 "), "{}", want[0]);
        assert_eq!(
            support::search::answers_to(&queries, &mapped, &reader),
            want,
            "{op:?}"
        );
        let flat = mapped.flattened().expect("flatten");
        assert_eq!(support::search::answers_to(&queries, &flat, &reader), want);
    }
}
