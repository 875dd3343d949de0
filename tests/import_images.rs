//! An import reads its inserted rows' after-images at the commit, one scan
//! per table (`Tx::defer_after_images`). A row the same import changes
//! after adding it (the file names the same opinion twice under a new item,
//! the second time with another kind) must still be recorded as it was
//! inserted, then as updated — in plain audit rows (small imports) and in
//! packs (big ones) alike.

mod support;

use kusei::db::Store;
use serde_json::{json, Value};

/// `meetings` new meetings of 2 items with `per_item` opinions each; every
/// item of meeting `dup_from` and later names its first opinion again at
/// the end as an action item.
fn dataset(meetings: u32, per_item: usize, dup_from: u32) -> Value {
    let ms: Vec<Value> = (1..=meetings)
        .map(|n| {
            let items: Vec<Value> = (1..=2)
                .map(|i| {
                    let mut ops: Vec<Value> = (0..per_item)
                        .map(|k| json!({"text": format!("第{n}回 議題{i} 意見{k}"), "kind": "opinion"}))
                        .collect();
                    if n >= dup_from {
                        ops.push(json!({
                            "text": format!("第{n}回 議題{i} 意見0"),
                            "kind": "action",
                            "owner": "地域振興課",
                        }));
                    }
                    json!({"number": i, "title": format!("議題 {n}-{i}"), "opinions": ops})
                })
                .collect();
            json!({
                "committee": "画像の会議（試験）",
                "fiscal_year": 2024,
                "number": n,
                "date": "2024-06-10",
                "status": "held",
                "attendees": ["区長"],
                "items": items,
            })
        })
        .collect();
    json!({"committees": [], "meetings": ms, "plans": []})
}

fn import(store: &mut Store, data: &Value) {
    let parsed = kusei::import::parse_json("test.json", &data.to_string()).expect("parse");
    store.import(&parsed).expect("import");
}

fn field(image: &Option<String>, key: &str) -> Value {
    let v: Value = serde_json::from_str(image.as_deref().expect("an image")).expect("json");
    v[key].clone()
}

/// Import, check the twice-named rows' records, return the store.
fn check(meetings: u32, per_item: usize, dup_from: u32) -> (tempfile::TempDir, Store) {
    let (dir, mut store) = support::db::fresh_store();
    import(&mut store, &dataset(meetings, per_item, dup_from));
    assert_eq!(store.verify_audit().expect("verify"), None);
    let entries = store.audit_entries().expect("entries");
    let firsts: Vec<i64> = {
        let mut stmt = store
            .conn()
            .prepare(
                "SELECT o.id FROM opinions o JOIN agenda_items i ON i.id = o.item_id
                 JOIN meetings m ON m.id = i.meeting_id
                 WHERE o.text LIKE '%意見0' AND m.number >= ?1 ORDER BY o.id",
            )
            .expect("select");
        stmt.query_map([dup_from], |r| r.get(0))
            .expect("query")
            .collect::<rusqlite::Result<_>>()
            .expect("ids")
    };
    assert_eq!(firsts.len(), (meetings + 1 - dup_from) as usize * 2);
    for id in firsts {
        let of_row: Vec<_> = entries
            .iter()
            .filter(|e| e.table == "opinions" && e.row_id == id)
            .collect();
        assert_eq!(of_row.len(), 2, "row {id}: {of_row:?}");
        let (ins, upd) = (of_row[0], of_row[1]);
        assert_eq!(ins.action, "insert");
        assert_eq!(field(&ins.after, "kind"), json!("opinion"), "row {id}");
        assert_eq!(field(&ins.after, "owner"), Value::Null);
        assert_eq!(field(&ins.after, "version"), json!(1));
        assert_eq!(upd.action, "update");
        assert_eq!(field(&upd.before, "kind"), json!("opinion"));
        assert_eq!(field(&upd.after, "kind"), json!("action"));
        assert_eq!(field(&upd.after, "owner"), json!("地域振興課"));
        assert_eq!(field(&upd.after, "version"), json!(2));
    }
    let opinions = entries
        .iter()
        .filter(|e| e.table == "opinions" && e.action == "insert")
        .count();
    assert_eq!(opinions, meetings as usize * 2 * per_item);
    (dir, store)
}

#[test]
fn a_small_import_records_a_row_as_inserted_then_as_updated() {
    check(2, 3, 1);
}

#[test]
fn a_big_import_records_a_row_as_inserted_then_as_updated() {
    // 30 × (2 + 2 × 11) rows, the updates at the end: the inserts
    // before them are packs, and the search log is written in bulk.
    let (_dir, store) = check(30, 10, 30);
    let packs: i64 = store
        .conn()
        .query_row(
            "SELECT count(*) FROM audit_log WHERE pack IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .expect("packs");
    assert!(packs > 0);
}
