//! An import builds the after-images of the opinions, agenda items and
//! attendance rows it adds from the values it binds (`db::built`) instead
//! of reading the rows back. For random inputs — any text (control
//! characters, NUL, quotes, non-BMP), missing and present optional values,
//! more than 16 opinions an item (several multi-row INSERTs), a text or an
//! attendee named twice (merged into the first) — every recorded insert
//! image must equal the row as stored: the row read back now, or, for a row
//! the same import changed afterwards, the before-image of that update
//! (read back at the time). `audit verify` must find nothing.

mod support;

use kusei::db::{audit_verify, Store};
use proptest::prelude::*;
use rusqlite::types::ValueRef;
use serde_json::{json, Map, Value};

/// The row `id` of `table` as a JSON object, read back now.
fn row_now(store: &Store, table: &str, id: i64) -> Option<Value> {
    let mut stmt = store
        .conn()
        .prepare(&format!("SELECT * FROM {table} WHERE id = ?1"))
        .expect("prepare");
    let names: Vec<String> = stmt.column_names().iter().map(|s| s.to_string()).collect();
    let mut rows = stmt.query([id]).expect("query");
    let r = rows.next().expect("step")?;
    let mut obj = Map::new();
    for (i, name) in names.iter().enumerate() {
        let v = match r.get_ref(i).expect("value") {
            ValueRef::Null => Value::Null,
            ValueRef::Integer(n) => json!(n),
            ValueRef::Real(f) => json!(f),
            ValueRef::Text(t) => json!(std::str::from_utf8(t).expect("utf-8")),
            ValueRef::Blob(b) => json!(format!("<{} bytes>", b.len())),
        };
        obj.insert(name.clone(), v);
    }
    Some(Value::Object(obj))
}

fn parsed(text: &Option<String>) -> Value {
    serde_json::from_str(text.as_deref().expect("an image")).expect("json")
}

/// Every insert image of the built tables against the stored row.
fn check_images(store: &Store) {
    let entries = store.audit_entries().expect("entries");
    let mut checked = 0;
    for e in &entries {
        let built = ["opinions", "agenda_items", "attendance"];
        if e.action != "insert" || !built.contains(&e.table.as_str()) {
            continue;
        }
        let image = parsed(&e.after);
        let later = entries
            .iter()
            .find(|u| u.id > e.id && u.table == e.table && u.row_id == e.row_id);
        let want = match later {
            Some(u) => {
                assert_eq!(u.action, "update", "{u:?}");
                parsed(&u.before)
            }
            None => row_now(store, &e.table, e.row_id).expect("the row"),
        };
        assert_eq!(image, want, "{} {}", e.table, e.row_id);
        checked += 1;
    }
    assert!(checked > 0);
    let report = audit_verify::verify(store.conn(), &[]).expect("verify");
    assert!(report.findings.is_empty(), "{:?}", report.findings);
}

fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[区政子育て団地a-z0-9 ]{1,12}",
        any::<String>().prop_map(|s| format!("x{s}")),
        Just("引用\"と\\と\u{0}と\n\t\u{1f}と😀".to_string()),
    ]
}

fn opinion() -> impl Strategy<Value = Value> {
    (
        any_text(),
        prop_oneof![Just("opinion"), Just("decision"), Just("action")],
        proptest::option::of(prop_oneof![Just("区長"), Just("課長"), Just("係長")]),
        any::<bool>(),
        proptest::option::of(any_text()),
        proptest::option::of((1u32..=12, 1u32..=28)),
        proptest::option::of((any_text(), any_text())),
    )
        .prop_map(|(text, kind, speaker, internal, owner, due, closed)| {
            let mut o = json!({"text": text, "kind": kind});
            if let Some(s) = speaker {
                o["speaker"] = json!(s);
            }
            if internal {
                o["visibility"] = json!("internal");
            }
            if let Some(w) = owner {
                o["owner"] = json!(w);
            }
            if let Some((m, d)) = due {
                o["due"] = json!(format!("2025-{m:02}-{d:02}"));
            }
            if let Some((at, by)) = closed {
                o["closed_at"] = json!(at);
                o["closed_by"] = json!(by);
            }
            o
        })
}

fn item() -> impl Strategy<Value = (String, String, Vec<Value>, bool)> {
    (
        any_text(),
        prop_oneof![Just(String::new()), any_text()],
        proptest::collection::vec(opinion(), 0..40),
        any::<bool>(),
    )
}

fn dataset(items: Vec<(String, String, Vec<Value>, bool)>, attendees: Vec<String>) -> Value {
    let items: Vec<Value> = items
        .into_iter()
        .enumerate()
        .map(|(i, (title, summary, mut ops, repeat))| {
            // A text named again: merged into the first (an update).
            if repeat && !ops.is_empty() {
                let mut again = ops[0].clone();
                again["kind"] = json!("action");
                again["owner"] = json!("地域振興課");
                ops.push(again);
            }
            json!({"number": i + 1, "title": title, "summary": summary, "opinions": ops})
        })
        .collect();
    json!({
        "committees": [],
        "meetings": [{
            "committee": "組み立ての会議（試験）",
            "fiscal_year": 2025,
            "number": 1,
            "date": "2025-06-10",
            "status": "held",
            "attendees": attendees,
            "items": items,
        }],
        "plans": [],
    })
}

fn import(store: &mut Store, data: &Value) {
    let parsed = kusei::import::parse_json("test.json", &data.to_string()).expect("parse");
    store.import(&parsed).expect("import");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn built_images_are_the_rows_as_stored(
        items in proptest::collection::vec(item(), 1..4),
        attendees in proptest::collection::vec(
            prop_oneof![Just("区長".to_string()), Just("課長".to_string()), any_text()], 0..5),
    ) {
        let (_dir, mut store) = support::db::fresh_store();
        import(&mut store, &dataset(items, attendees));
        check_images(&store);
    }
}

#[test]
fn a_big_import_packs_built_images_that_verify() {
    // 600 opinions: the change set is written as packs.
    let ops: Vec<Value> = (0..600)
        .map(|k| json!({"text": format!("意見 {k}\u{1}\""), "owner": (k % 3 == 0).then_some("課")}))
        .collect();
    let items = vec![("議題".to_string(), String::new(), ops, true)];
    let (_dir, mut store) = support::db::fresh_store();
    import(
        &mut store,
        &dataset(items, vec!["区長".into(), "区長".into()]),
    );
    let packs: i64 = store
        .conn()
        .query_row(
            "SELECT count(*) FROM audit_log WHERE pack IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .expect("packs");
    assert!(packs > 0);
    check_images(&store);
}
