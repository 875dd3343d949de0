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

const WORDS: &[&str] = &[
    "団地",
    "子育て",
    "防災訓練",
    "区運営方針",
    "超過",
    "区",
    "カフェ",
    "ｶﾌｪ",
    "見守り",
];
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
const TITLES: &[&str] = &["区長", "副区長", "地域振興課長", "新しい係長"];

#[derive(Debug, Clone)]
enum Op {
    AddOpinion {
        item: usize,
        text: String,
        speaker: Option<usize>,
    },
    EditOpinion {
        pick: usize,
        text: String,
    },
    DeleteOpinion {
        pick: usize,
    },
    SetKind {
        pick: usize,
        decision: bool,
    },
    SetSpeaker {
        pick: usize,
        speaker: Option<usize>,
    },
    EditItem {
        pick: usize,
        title: String,
        summary: String,
    },
    AddItem {
        meeting: usize,
        title: String,
    },
    MoveMeeting {
        pick: usize,
        days: i64,
    },
    DeleteMeeting {
        pick: usize,
    },
    EditNode {
        pick: usize,
        body: String,
    },
    RenameTitle {
        pick: usize,
        name: String,
    },
    Draft {
        text: String,
    },
    /// UPDATE of a text column of a newer source (table, column).
    EditSource {
        table: usize,
        pick: usize,
        text: String,
    },
    AddNote {
        node: usize,
        text: String,
    },
    SetOwner {
        pick: usize,
        owner: Option<String>,
    },
    DeleteNode {
        pick: usize,
    },
    PlanYear {
        pick: usize,
        year: i64,
    },
    Undo,
}

/// The newer sources' text columns (table, column).
const SOURCES: &[(&str, &str)] = &[
    ("progress", "actual"),
    ("progress", "plan"),
    ("progress", "note"),
    ("node_notes", "text"),
    ("milestones", "text"),
    ("indicators", "name"),
    ("meetings", "place"),
];

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(WORDS), 1..4).prop_map(|w| w.join("の"))
}

fn op() -> impl Strategy<Value = Op> {
    let n = 0..1000usize;
    prop_oneof![
        4 => (n.clone(), text(), prop::option::of(0..TITLES.len()))
            .prop_map(|(item, text, speaker)| Op::AddOpinion { item, text, speaker }),
        3 => (n.clone(), text()).prop_map(|(pick, text)| Op::EditOpinion { pick, text }),
        2 => n.clone().prop_map(|pick| Op::DeleteOpinion { pick }),
        1 => (n.clone(), any::<bool>()).prop_map(|(pick, decision)| Op::SetKind { pick, decision }),
        1 => (n.clone(), prop::option::of(0..TITLES.len()))
            .prop_map(|(pick, speaker)| Op::SetSpeaker { pick, speaker }),
        2 => (n.clone(), text(), text())
            .prop_map(|(pick, title, summary)| Op::EditItem { pick, title, summary }),
        1 => (n.clone(), text()).prop_map(|(meeting, title)| Op::AddItem { meeting, title }),
        1 => (n.clone(), -800i64..800).prop_map(|(pick, days)| Op::MoveMeeting { pick, days }),
        1 => n.clone().prop_map(|pick| Op::DeleteMeeting { pick }),
        1 => (n.clone(), text()).prop_map(|(pick, body)| Op::EditNode { pick, body }),
        1 => (n.clone(), text()).prop_map(|(pick, name)| Op::RenameTitle { pick, name }),
        1 => text().prop_map(|text| Op::Draft { text }),
        3 => (0..SOURCES.len(), n.clone(), text())
            .prop_map(|(table, pick, text)| Op::EditSource { table, pick, text }),
        1 => (n.clone(), text()).prop_map(|(node, text)| Op::AddNote { node, text }),
        1 => (n.clone(), prop::option::of(text()))
            .prop_map(|(pick, owner)| Op::SetOwner { pick, owner }),
        1 => n.clone().prop_map(|pick| Op::DeleteNode { pick }),
        1 => (n.clone(), 2015i64..2022).prop_map(|(pick, year)| Op::PlanYear { pick, year }),
        3 => Just(Op::Undo),
    ]
}

/// The `pick`-th id of `table` (modulo how many there are).
fn nth(store: &Store, table: &str, pick: usize) -> Option<i64> {
    let n: i64 = store
        .conn()
        .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .ok()?;
    if n == 0 {
        return None;
    }
    store
        .conn()
        .query_row(
            &format!("SELECT id FROM {table} ORDER BY id LIMIT 1 OFFSET ?1"),
            [pick as i64 % n],
            |r| r.get(0),
        )
        .ok()
}

fn version(store: &Store, table: &str, id: i64) -> i64 {
    store
        .conn()
        .query_row(
            &format!("SELECT version FROM {table} WHERE id = ?1"),
            [id],
            |r| r.get(0),
        )
        .unwrap_or(1)
}

/// Run `op` on `store`; refusals (a conflict, bad input) are fine: they
/// change nothing.
fn run(store: &mut Store, op: &Op) {
    let speaker = |s: &Option<usize>| s.map(|i| TITLES[i]);
    let _ = match op {
        Op::AddOpinion {
            item,
            text,
            speaker: s,
        } => match nth(store, "agenda_items", *item) {
            Some(item) => store.add_opinion(item, text, speaker(s), None).map(drop),
            None => Ok(()),
        },
        Op::EditOpinion { pick, text } => match nth(store, "opinions", *pick) {
            Some(id) => store.edit_opinion(id, version(store, "opinions", id), text),
            None => Ok(()),
        },
        Op::DeleteOpinion { pick } => match nth(store, "opinions", *pick) {
            Some(id) => store.delete_opinion(id),
            None => Ok(()),
        },
        Op::SetKind { pick, decision } => match nth(store, "opinions", *pick) {
            Some(id) => {
                let kind = kusei::db::EntryKind {
                    kind: if *decision {
                        kusei::model::OpinionKind::Decision
                    } else {
                        kusei::model::OpinionKind::Opinion
                    },
                    owner: None,
                    due: None,
                };
                store.set_opinion_kind(id, &kind)
            }
            None => Ok(()),
        },
        Op::SetSpeaker { pick, speaker: s } => match nth(store, "opinions", *pick) {
            Some(id) => store.set_opinion_speaker(id, speaker(s)),
            None => Ok(()),
        },
        Op::EditItem {
            pick,
            title,
            summary,
        } => match nth(store, "agenda_items", *pick) {
            Some(id) => store.update_item(id, version(store, "agenda_items", id), title, summary),
            None => Ok(()),
        },
        Op::AddItem { meeting, title } => match nth(store, "meetings", *meeting) {
            Some(m) => store.add_item(m, title).map(drop),
            None => Ok(()),
        },
        Op::MoveMeeting { pick, days } => match nth(store, "meetings", *pick) {
            Some(id) => store.write(|tx| {
                tx.update(
                    "meetings",
                    id,
                    "UPDATE meetings SET date = date(date, ?2 || ' days') WHERE id = ?1",
                    rusqlite::params![id, days],
                )
                .map(drop)
            }),
            None => Ok(()),
        },
        Op::DeleteMeeting { pick } => match nth(store, "meetings", *pick) {
            Some(id) => store.delete_meeting(id),
            None => Ok(()),
        },
        Op::EditNode { pick, body } => match nth(store, "plan_nodes", *pick) {
            Some(id) => store.write(|tx| {
                tx.update(
                    "plan_nodes",
                    id,
                    "UPDATE plan_nodes SET body = ?2 WHERE id = ?1",
                    rusqlite::params![id, body],
                )
                .map(drop)
            }),
            None => Ok(()),
        },
        Op::RenameTitle { pick, name } => match nth(store, "job_titles", *pick) {
            Some(id) => store.write(|tx| {
                tx.update(
                    "job_titles",
                    id,
                    "UPDATE job_titles SET name = ?2 WHERE id = ?1",
                    rusqlite::params![id, name],
                )
                .map(drop)
            }),
            None => Ok(()),
        },
        Op::Draft { text } => store.save_draft("minutes:1", text),
        Op::EditSource { table, pick, text } => {
            let (table, column) = SOURCES[*table];
            match nth(store, table, *pick) {
                Some(id) => store.write(|tx| {
                    tx.update(
                        table,
                        id,
                        &format!("UPDATE {table} SET {column} = ?2 WHERE id = ?1"),
                        rusqlite::params![id, text],
                    )
                    .map(drop)
                }),
                None => Ok(()),
            }
        }
        Op::AddNote { node, text } => match nth(store, "plan_nodes", *node) {
            Some(id) => store.write(|tx| {
                tx.insert(
                    "node_notes",
                    "INSERT INTO node_notes (node_id, position, label, fiscal_year, text)
                     VALUES (?1, 99, '中間振り返り', 2017, ?2)",
                    rusqlite::params![id, text],
                )
                .map(drop)
            }),
            None => Ok(()),
        },
        Op::SetOwner { pick, owner } => match nth(store, "opinions", *pick) {
            Some(id) => {
                let kind = kusei::db::EntryKind {
                    kind: kusei::model::OpinionKind::Action,
                    owner: owner.clone(),
                    due: None,
                };
                store.set_opinion_kind(id, &kind)
            }
            None => Ok(()),
        },
        Op::DeleteNode { pick } => match nth(store, "plan_nodes", *pick) {
            Some(id) => store.write(|tx| tx.delete("plan_nodes", id).map(drop)),
            None => Ok(()),
        },
        Op::PlanYear { pick, year } => match nth(store, "plans", *pick) {
            Some(id) => store.write(|tx| {
                tx.update(
                    "plans",
                    id,
                    "UPDATE plans SET fiscal_year = ?2 WHERE id = ?1",
                    rusqlite::params![id, year],
                )
                .map(drop)
            }),
            None => Ok(()),
        },
        Op::Undo => match store.last_batch() {
            Some(b) => store.undo(b).map(drop),
            None => Ok(()),
        },
    };
}

/// Every entry as the user can see it (speaker by name, not number).
fn entries(ix: &Index) -> Vec<String> {
    (0..ix.len() as u32)
        .map(|i| {
            let d = ix.doc(i);
            format!(
                "{:?} {} {} {} {} #{} @{} {}",
                d.kind,
                d.id,
                d.parent,
                d.day,
                d.fiscal_year,
                d.meeting_no,
                ix.speaker(d),
                ix.key(i)
            )
        })
        .collect()
}

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
