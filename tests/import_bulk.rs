//! A big import (≥ 1000 rows) takes shortcuts: no lookups under a meeting or
//! item it has just added, after-images from the INSERT itself, and the
//! search change log written in one statement per table instead of one
//! trigger run per row (migration 0007). None of them may show: another
//! session's incremental index finds the imported rows exactly as a
//! rebuild does, `kusei check` and `kusei audit verify` pass, the data and
//! the change log are those of the same rows imported in small pieces
//! (each under the threshold, through the triggers), and a failed import
//! changes nothing.

mod support;

use std::collections::BTreeSet;

use kusei::db::Store;
use kusei::search::{changes, load};
use serde_json::{json, Value};

use support::db::{open, sample_db};
use support::edits::entries;

const TITLES: &[&str] = &["区長", "副区長", "地域振興課長", "新しい係長"];

/// `meetings` meetings of a new committee, each with 4 items of `per_item`
/// opinions (the first repeated at the end of each item, which merges into
/// it, and an attendee named twice), starting at meeting number `from`.
fn dataset(from: u32, meetings: u32, per_item: usize) -> Value {
    let ms: Vec<Value> = (from..from + meetings)
        .map(|n| {
            let items: Vec<Value> = (1..=4)
                .map(|i| {
                    let mut ops: Vec<Value> = (0..per_item)
                        .map(|k| {
                            json!({
                                "text": format!("第{n}回 議題{i} 意見{k}: 団地の子育て支援を区運営方針に"),
                                "kind": if k % 5 == 0 { "decision" } else { "opinion" },
                                "speaker": TITLES[(n as usize + k) % TITLES.len()],
                            })
                        })
                        .collect();
                    // The same text again: merges into the first.
                    ops.push(ops[0].clone());
                    json!({
                        "number": i,
                        "title": format!("防災訓練について {n}-{i}"),
                        "summary": "見守りについて協議しました。",
                        "opinions": ops,
                    })
                })
                .collect();
            json!({
                "committee": "一括取込の会議（試験）",
                "fiscal_year": 2024,
                "number": n,
                "date": "2024-06-10",
                "start": "13:00",
                "end": "14:30",
                "place": format!("会議室{}", n % 3),
                "status": "held",
                "attendees": ["区長", "副区長", "区長", "新しい係長"],
                "items": items,
            })
        })
        .collect();
    json!({
        "committees": [{"name": "一括取込の会議（試験）", "organisation": "試験区", "preamble": ""}],
        "meetings": ms,
        "plans": [],
    })
}

fn import(store: &mut Store, data: &Value) -> kusei::db::ImportReport {
    let text = data.to_string();
    let parsed = kusei::import::parse_json("test.json", &text).expect("parse");
    store.import(&parsed).expect("import")
}

/// The change log after `seq` as (table, row) pairs.
fn logged(store: &Store, seq: i64) -> BTreeSet<(String, i64)> {
    let mut stmt = store
        .conn()
        .prepare("SELECT tbl, row_id FROM search_changes WHERE seq > ?1")
        .expect("prepare");
    let rows = stmt
        .query_map([seq], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("query");
    rows.map(|r| r.expect("row")).collect()
}

fn ids(store: &Store, table: &str, above: i64) -> BTreeSet<(String, i64)> {
    let mut stmt = store
        .conn()
        .prepare(&format!("SELECT id FROM {table} WHERE id > ?1"))
        .expect("prepare");
    let rows = stmt.query_map([above], |r| r.get(0)).expect("query");
    rows.map(|r| (table.to_string(), r.expect("row"))).collect()
}

fn max_id(store: &Store, table: &str) -> i64 {
    store
        .conn()
        .query_row(
            &format!("SELECT coalesce(max(id), 0) FROM {table}"),
            [],
            |r| r.get(0),
        )
        .expect("max")
}

fn bulk_flag(store: &Store) -> i64 {
    store
        .conn()
        .query_row("SELECT count(*) FROM search_log_bulk", [], |r| r.get(0))
        .expect("flag table")
}

/// 1 120 opinions (over the threshold, under the tail's limit): the other
/// session's index, brought up to date from the log's tail, equals a
/// rebuild; every new meeting, item and opinion is in the log.
#[test]
fn a_big_import_reaches_another_sessions_index_as_a_rebuild_does() {
    let dir = tempfile::TempDir::new().expect("tempdir");
    let db = sample_db(dir.path(), "kusei.db");
    let reader = open(&db);
    let seq = changes::latest(reader.conn()).expect("the change log");
    let mut ix = load::build(&reader).expect("index");
    let mut writer = open(&db);
    let marks: Vec<(&str, i64)> = ["meetings", "agenda_items", "opinions"]
        .iter()
        .map(|t| (*t, max_id(&writer, t)))
        .collect();

    let report = import(&mut writer, &dataset(1, 40, 7));
    assert_eq!(report.meetings_added, 40);
    assert_eq!(report.items_added, 160);
    // The repeated text merged into the first opinion of each item.
    assert_eq!(report.opinions_added, 40 * 4 * 7);
    assert_eq!(bulk_flag(&writer), 0, "the pause never outlives the import");

    let mut expect_logged = BTreeSet::new();
    for (t, mark) in &marks {
        expect_logged.extend(ids(&writer, t, *mark));
    }
    let got = logged(&reader, seq);
    for row in &expect_logged {
        assert!(got.contains(row), "{row:?} is not in the change log");
    }

    let tail = changes::tail(reader.conn(), seq).expect("an incremental tail");
    assert!(tail.opinions.len() >= 40 * 4 * 7);
    changes::apply(&mut ix, reader.conn(), &tail).expect("apply");
    let full = load::build_with_codec(&reader, ix.shared_codec()).expect("rebuild");
    assert_eq!(entries(&ix), entries(&full));
    let queries = [
        "団地",
        "子育て",
        "防災訓練",
        "区運営方針",
        "@区長 区",
        "kind:決定",
        "kind:場所",
    ];
    assert_eq!(
        support::search::answers_to(&queries, &ix, &reader),
        support::search::answers_to(&queries, &full, &reader)
    );

    // Importing it again changes nothing (the shortcuts keep the merge).
    let again = import(&mut writer, &dataset(1, 40, 7));
    assert!(again.changed_nothing(), "{again:?}");
}

/// The same rows imported at once (the bulk path) and in pieces under the
/// threshold (every row through the triggers and the usual lookups): the
/// same data, the same change log, and an audit log that verifies.
#[test]
fn a_big_import_equals_the_same_rows_in_small_pieces() {
    let dir = tempfile::TempDir::new().expect("tempdir");
    let whole = sample_db(dir.path(), "whole.db");
    let pieces = sample_db(dir.path(), "pieces.db");
    let (mut a, mut b) = (open(&whole), open(&pieces));
    let (seq_a, seq_b) = (
        changes::latest(a.conn()).expect("log"),
        changes::latest(b.conn()).expect("log"),
    );
    let r = import(&mut a, &dataset(1, 48, 5));
    assert!(r.opinions_added >= 960);
    for from in (1..49).step_by(8) {
        // 8 meetings: 8 × 4 × 6 = 192 opinions, 232 rows: the triggers log.
        import(&mut b, &dataset(from, 8, 5));
    }
    let strip = |s: &Store| {
        let mut v = serde_json::to_value(s.export().expect("export")).expect("json");
        // Created and updated times differ between the two files.
        strip_times(&mut v);
        v
    };
    assert_eq!(strip(&a), strip(&b));
    assert_eq!(logged(&a, seq_a), logged(&b, seq_b));
    for s in [&a, &b] {
        assert_eq!(s.verify_audit().expect("chain"), None);
    }
    drop((a, b));
    for db in [&whole, &pieces] {
        let verify = support::bin::run(db, &["audit", "verify"]);
        assert!(verify.status.success(), "{}", support::bin::stdout(&verify));
    }
}

fn strip_times(v: &mut Value) {
    match v {
        Value::Object(m) => {
            for k in ["created_at", "updated_at", "closed_at"] {
                m.remove(k);
            }
            m.values_mut().for_each(strip_times);
        }
        Value::Array(a) => a.iter_mut().for_each(strip_times),
        _ => {}
    }
}

/// `kusei check` and `kusei audit verify` pass after a big import through
/// the command line, and a second import of the same file adds nothing.
#[test]
fn kusei_check_verifies_the_audit_log_after_a_big_import() {
    let dir = tempfile::TempDir::new().expect("tempdir");
    let db = dir.path().join("kusei.db");
    let file = dir.path().join("big.json");
    std::fs::write(&file, dataset(1, 60, 8).to_string()).expect("write json");
    let file = file.to_str().expect("utf-8 path");
    let out = support::bin::run(&db, &["import", file]);
    assert!(out.status.success(), "{}", support::bin::stderr(&out));
    assert!(support::bin::stdout(&out).contains("意見 1920 件"));
    let check = support::bin::run(&db, &["check"]);
    assert!(check.status.success(), "{}", support::bin::stderr(&check));
    assert!(
        support::bin::stdout(&check).contains("の連鎖 ok"),
        "{}",
        support::bin::stdout(&check)
    );
    let verify = support::bin::run(&db, &["audit", "verify"]);
    assert!(verify.status.success(), "{}", support::bin::stderr(&verify));
    let again = support::bin::run(&db, &["import", file]);
    assert!(again.status.success(), "{}", support::bin::stderr(&again));
    assert!(support::bin::stdout(&again).contains("変更はありません"));
}

/// A big import that fails at its very end (a link to a plan that does
/// not exist, after a thousand good rows) changes nothing: no rows, no
/// change log, no audit rows, and the triggers log again afterwards.
#[test]
fn a_failed_big_import_changes_nothing() {
    let dir = tempfile::TempDir::new().expect("tempdir");
    let db = sample_db(dir.path(), "kusei.db");
    let mut store = open(&db);
    let before = support::db::json(&store);
    let seq = changes::latest(store.conn()).expect("log");
    let audit = support::db::audit_rows(&store);
    let mut data = dataset(1, 40, 7);
    let last = data["meetings"]
        .as_array_mut()
        .and_then(|m| m.last_mut())
        .expect("a meeting");
    last["items"][3]["links"] = json!(["ない計画#1"]);
    let parsed = kusei::import::parse_json("bad.json", &data.to_string()).expect("parse");
    let err = store.import(&parsed).expect_err("the link fails");
    assert!(err.to_string().contains("ない計画"), "{err}");
    assert_eq!(support::db::json(&store), before);
    assert_eq!(changes::latest(store.conn()), Some(seq));
    assert_eq!(support::db::audit_rows(&store), audit);
    assert_eq!(bulk_flag(&store), 0);
    // A small write afterwards is logged by its trigger.
    import(&mut store, &dataset(100, 1, 2));
    assert!(!logged(&store, seq).is_empty());
}
