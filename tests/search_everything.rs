//! Search everything (issue 13): progress entries, evaluations, milestones,
//! indicators, meeting places and 宿題 owners are found, say what they are
//! and where, answer the `kind:` and `fy:` filters, and stay current from
//! the change log (migration 0005).

mod support;

use kusei::db::Store;
use kusei::search::{self, changes, load, parse, Cancel, DocKind, ResultRow};
use support::db::sample_store as seed_store;

fn run(store: &Store, q: &str) -> Vec<ResultRow> {
    let index = load::build(store).expect("index");
    let query = parse(q).expect("query");
    search::search(&index, store.conn(), &query, 50, Cancel::never())
        .expect("search")
        .expect("not cancelled")
        .0
}

#[test]
fn seed_004_actual_text_is_found_as_progress() {
    let (_dir, store) = seed_store();
    for q in ["区長会議設置規程", "副区長会議"] {
        let rows = run(&store, q);
        let r = rows
            .iter()
            .find(|r| r.kind == DocKind::ProgressActual)
            .unwrap_or_else(|| panic!("{q}: {rows:?}"));
        assert!(r.text.contains(q), "{}", r.text);
        let node = r.node.as_ref().expect("its node");
        assert!(node.plan.contains("新潟市"), "{}", node.plan);
        let label = r.label.as_deref().unwrap_or("");
        assert!(label.starts_with("実績"), "{label}");
        assert!(r.place_short().contains("実績"), "{}", r.place_short());
    }
    // kind:進捗 keeps only progress entries; kind:方針 none of them.
    let rows = run(&store, "kind:進捗 区長会議");
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| r.kind.is_progress()));
    assert!(run(&store, "kind:方針 区長会議設置規程").is_empty());
}

#[test]
fn seed_003_milestones_are_found() {
    let (_dir, store) = seed_store();
    let rows = run(&store, "kind:工程 総合支所中心");
    assert!(!rows.is_empty());
    for r in &rows {
        assert_eq!(r.kind, DocKind::Milestone);
        assert!(r.node.is_some());
        let label = r.label.as_deref().unwrap_or("");
        assert!(label.starts_with("20"), "{label}");
        assert!(r.place_short().contains(label), "{}", r.place_short());
    }
    // By reading, too.
    let rows = run(&store, "kind:工程 そうごうししょ");
    assert!(rows.iter().any(|r| r.text.contains("総合支所")));
}

#[test]
fn a_mid_review_written_through_the_app_is_found_and_patched_in() {
    let (_dir, mut store) = seed_store();
    let node: i64 = store
        .conn()
        .query_row(
            "SELECT n.id FROM plan_nodes n JOIN plans p ON p.id = n.plan_id
             WHERE p.fiscal_year IS NOT NULL ORDER BY n.id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .expect("a node");
    let mut index = load::build(&store).expect("index");
    let seq = changes::latest(store.conn()).expect("log");
    store
        .set_node_note(node, "中間振り返り", Some(2017), "", "見守り隊の拡充は順調")
        .expect("write");
    // The change log brings the index up to date: same as a rebuild.
    let tail = changes::tail(store.conn(), seq).expect("tail");
    assert!(!tail.is_empty());
    changes::apply(&mut index, store.conn(), &tail).expect("apply");
    let query = parse("見守り隊").expect("query");
    let (rows, _) = search::search(&index, store.conn(), &query, 10, Cancel::never())
        .expect("search")
        .expect("not cancelled");
    let r = rows.first().expect("found");
    assert_eq!(r.kind, DocKind::Evaluation);
    assert_eq!(r.node.as_ref().map(|n| n.node_id), Some(node));
    let label = r.label.as_deref().unwrap_or("");
    assert!(label.contains("中間振り返り"), "{label}");
    assert!(label.contains("平成29年度"), "{label}");
    assert_eq!(run(&store, "kind:評価 みまもりたい").len(), 1);
    assert!(run(&store, "fy:2016 kind:評価 見守り隊").is_empty());
}

#[test]
fn places_owners_and_indicators() {
    let (_dir, mut store) = seed_store();
    let (meeting, opinion): (i64, i64) = store
        .conn()
        .query_row(
            "SELECT i.meeting_id, o.id FROM opinions o JOIN agenda_items i ON i.id = o.item_id
             ORDER BY o.id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("an opinion");
    store
        .write(|tx| {
            tx.update(
                "meetings",
                meeting,
                "UPDATE meetings SET place = '旭区役所 4階 第1会議室' WHERE id = ?1",
                [meeting],
            )
            .map(drop)
        })
        .expect("place");
    let kind = kusei::db::EntryKind {
        kind: kusei::model::OpinionKind::Action,
        owner: Some("地域振興課 山田".into()),
        due: None,
    };
    store.set_opinion_kind(opinion, &kind).expect("owner");
    let rows = run(&store, "kind:場所 第1会議室");
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].meeting.as_ref().map(|m| m.id), Some(meeting));
    let rows = run(&store, "山田");
    let r = rows
        .iter()
        .find(|r| r.kind == DocKind::Owner)
        .expect("owner");
    assert_eq!(r.id, opinion);
    assert!(r.label.as_deref().unwrap_or("").starts_with("宿題の担当"));
    // Indicators of the seed plans, when there are any.
    let name: Option<String> = store
        .conn()
        .query_row("SELECT name FROM indicators LIMIT 1", [], |r| r.get(0))
        .ok();
    if let Some(name) = name {
        let rows = run(&store, &format!("kind:指標 \"{name}\""));
        assert!(rows.iter().any(|r| r.kind == DocKind::Indicator));
    }
}
