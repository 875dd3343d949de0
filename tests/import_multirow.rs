//! A new item's opinions are added several per INSERT statement
//! (`db::merge::fresh`). Whatever the batching, the rows, their positions,
//! the merging of a text named twice and the audit log must be what one
//! INSERT per opinion gave: every row as its after-image says, the chain
//! and the data verified — also when the opinions' ids are near
//! `i64::MAX`, where SQLite stops counting up and the import falls back to
//! one row per statement.

mod support;

use kusei::db::audit_verify;
use kusei::db::Store;
use proptest::prelude::*;
use serde_json::{json, Value};

/// One new meeting whose item has `texts` as its opinions in this order
/// (a text named again is an action item the second time).
fn dataset(texts: &[String]) -> Value {
    let mut seen = std::collections::HashSet::new();
    let ops: Vec<Value> = texts
        .iter()
        .map(|t| {
            let again = !seen.insert(t.clone());
            let kind = if again { "action" } else { "opinion" };
            json!({"text": t, "kind": kind, "speaker": "区長"})
        })
        .collect();
    json!({
        "committees": [],
        "plans": [],
        "meetings": [{
            "committee": "一括の会議（試験）",
            "fiscal_year": 2024,
            "number": 1,
            "date": "2024-06-10",
            "status": "held",
            "attendees": ["区長"],
            "items": [{"number": 1, "title": "議題", "opinions": ops}],
        }],
    })
}

fn import(store: &mut Store, data: &Value) {
    let parsed = kusei::import::parse_json("test.json", &data.to_string()).expect("parse");
    store.import(&parsed).expect("import");
}

/// (text, position, kind) of every opinion, by position.
fn opinions(store: &Store) -> Vec<(String, i64, String)> {
    let mut stmt = store
        .conn()
        .prepare("SELECT text, position, kind FROM opinions ORDER BY position")
        .expect("select");
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .expect("query")
        .collect::<rusqlite::Result<_>>()
        .expect("rows")
}

/// What one INSERT per opinion gives: each text once, at the position of
/// its first naming, an action item when named again.
fn expected(texts: &[String]) -> Vec<(String, i64, String)> {
    let mut out: Vec<(String, i64, String)> = Vec::new();
    for t in texts {
        match out.iter_mut().find(|o| &o.0 == t) {
            Some(o) => o.2 = "action".into(),
            None => out.push((t.clone(), out.len() as i64, "opinion".into())),
        }
    }
    out
}

fn check(store: &mut Store, texts: &[String]) {
    import(store, &dataset(texts));
    assert_eq!(opinions(store), expected(texts));
    let report = audit_verify::verify(store.conn(), &[]).expect("verify");
    assert!(report.findings.is_empty(), "{:?}", report.findings);
    assert_eq!(report.data_rows, report.audit_rows - updates(store));
}

/// Audit records of updates (the data rows count once per row).
fn updates(store: &Store) -> i64 {
    store
        .conn()
        .query_row(
            "SELECT count(*) FROM audit_log WHERE action = 'update'",
            [],
            |r| r.get(0),
        )
        .expect("count")
}

fn texts(n: usize) -> Vec<String> {
    (0..n).map(|k| format!("意見{k}")).collect()
}

#[test]
fn more_opinions_than_one_statement_takes_with_a_text_named_twice_between() {
    let (_dir, mut store) = support::db::fresh_store();
    let mut t = texts(40);
    t.insert(20, "意見3".into());
    check(&mut store, &t);
}

#[test]
fn ids_near_the_top_fall_back_to_one_row_per_statement() {
    let (_dir, mut store) = support::db::fresh_store();
    check(&mut store, &texts(1));
    // The next opinion ids would pass i64::MAX: SQLite then picks free
    // ids at random, which only a one-row INSERT reports right.
    store
        .conn()
        .execute("UPDATE opinions SET id = 9223372036854775800", [])
        .expect("move the id");
    let before = opinions(&store);
    let mut more = texts(30);
    more.retain(|t| t != "意見0");
    let data = {
        let mut d = dataset(&more);
        d["meetings"][0]["number"] = json!(2);
        d
    };
    import(&mut store, &data);
    let ids: Vec<i64> = {
        let mut stmt = store
            .conn()
            .prepare("SELECT id FROM opinions")
            .expect("ids");
        stmt.query_map([], |r| r.get(0))
            .expect("query")
            .collect::<rusqlite::Result<_>>()
            .expect("ids")
    };
    assert_eq!(ids.len(), before.len() + more.len());
    let entries = store.audit_entries().expect("entries");
    for id in ids.iter().filter(|&&id| id != 9223372036854775800) {
        let inserted = entries
            .iter()
            .filter(|e| e.table == "opinions" && e.row_id == *id && e.action == "insert")
            .count();
        assert_eq!(inserted, 1, "opinion {id}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]
    #[test]
    fn any_mix_of_new_and_repeated_texts_is_stored_as_one_row_at_a_time(
        picks in prop::collection::vec(0usize..25, 1..60)
    ) {
        let (_dir, mut store) = support::db::fresh_store();
        let t: Vec<String> = picks.iter().map(|k| format!("意見{k}")).collect();
        check(&mut store, &t);
    }
}
