//! Acceptance tests with the real seeds (the copies in `data/`): what the
//! importers read from them, publish round trips, idempotent imports and the
//! bundled samples.

mod support;

use chrono::{NaiveDate, NaiveTime};
use kusei::model::{Dataset, Half, Node, Plan, Precision};
use support::db::*;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn hm(h: u32, m: u32) -> Option<NaiveTime> {
    NaiveTime::from_hms_opt(h, m, 0)
}

fn seed_000_text() -> String {
    std::fs::read_to_string(data_path(SEED_000)).expect("read seed 000")
}

/// The opinions of seed 000 read independently of the importer: every line
/// that starts with "- ", without the marker.
fn seed_000_opinion_lines() -> Vec<String> {
    seed_000_text()
        .lines()
        .filter_map(|l| l.strip_prefix("- "))
        .map(str::to_string)
        .collect()
}

fn all_opinions(data: &Dataset) -> Vec<String> {
    data.meetings
        .iter()
        .flat_map(|m| &m.items)
        .flat_map(|i| &i.opinions)
        .map(|o| o.text.clone())
        .collect()
}

fn import_000() -> (tempfile::TempDir, kusei::db::Store) {
    let (dir, mut store) = fresh_store();
    import_file(&mut store, &data_path(SEED_000));
    (dir, store)
}

#[test]
fn seed_000_meetings() {
    let (_dir, store) = import_000();
    let data = export(&store);
    assert_eq!(data.meetings.len(), 5);
    let dates = [
        date(2017, 4, 20),
        date(2017, 5, 18),
        date(2017, 6, 21),
        date(2017, 7, 19),
        date(2017, 8, 21),
    ];
    let times = [
        (hm(13, 0), hm(14, 30)),
        (hm(15, 0), hm(16, 30)),
        (hm(13, 0), hm(14, 30)),
        (hm(13, 0), hm(14, 30)),
        (hm(10, 30), hm(12, 0)),
    ];
    let attendees = [15, 21, 20, 19, 14];
    let items = [3, 2, 4, 3, 3];
    for (i, m) in data.meetings.iter().enumerate() {
        assert_eq!(m.number, i as u32 + 1);
        assert_eq!(m.fiscal_year, 2017, "第{}回", m.number);
        assert_eq!(m.committee, "区づくり経営会議");
        assert_eq!(m.date, dates[i], "第{}回", m.number);
        assert_eq!((m.start, m.end), times[i], "第{}回", m.number);
        assert_eq!(m.attendees.len(), attendees[i], "第{}回", m.number);
        assert_eq!(m.items.len(), items[i], "第{}回", m.number);
        let numbers: Vec<u32> = m.items.iter().map(|it| it.number).collect();
        assert_eq!(numbers, (1..=items[i] as u32).collect::<Vec<_>>());
    }
    assert_eq!(data.meetings[0].place, "旭区外部特別会議室1");
    assert_eq!(data.meetings[0].attendees[0], "区長");
    assert_eq!(data.meetings[0].attendees[14], "保険年金課長");
    assert_eq!(
        data.meetings[0].items[0].title,
        "平成29年度改革推進委員会の発足について"
    );
    assert_eq!(
        data.meetings[0].items[0].summary,
        "実施要領(案)をもとに協議しました。"
    );
}

#[test]
fn seed_000_opinions_are_the_source_lines() {
    let (_dir, store) = import_000();
    let want = seed_000_opinion_lines();
    assert_eq!(want.len(), 26);
    assert_eq!(all_opinions(&export(&store)), want);
    // Byte for byte, not merely equal after some normalisation.
    for (got, want) in all_opinions(&export(&store)).iter().zip(&want) {
        assert_eq!(got.as_bytes(), want.as_bytes());
    }
}

fn walk_plan(plan: &Plan) -> Vec<&Node> {
    plan.walk().into_iter().map(|(_, n)| n).collect()
}

fn count_level(nodes: &[&Node], level: &str) -> usize {
    nodes.iter().filter(|n| n.level == level).count()
}

#[test]
fn seed_001_policy_tree() {
    let (_dir, mut store) = fresh_store();
    import_file(&mut store, &data_path(SEED_001));
    let data = export(&store);
    assert_eq!(data.plans.len(), 1);
    let plan = &data.plans[0];
    assert_eq!(plan.kind, "運営方針");
    assert_eq!(plan.fiscal_year, Some(2017));
    assert_eq!(plan.organisation, "旭区");
    let nodes = walk_plan(plan);
    assert_eq!(count_level(&nodes, "目標"), 3);
    assert_eq!(count_level(&nodes, "使命"), 3);
    assert_eq!(count_level(&nodes, "経営課題"), 4);
    assert_eq!(count_level(&nodes, "戦略"), 5);
    assert_eq!(count_level(&nodes, "取組項目"), 2);
    assert_eq!(count_level(&nodes, "章"), 1);
    // The heading 2 「市政改革プラン2.0」に基づく取組等 is kept, its two
    // 取組項目 under it (not at the top).
    let part = nodes.iter().find(|n| n.level == "章").expect("章");
    assert_eq!(
        (part.code.as_str(), part.title.as_str()),
        ("2", "「市政改革プラン2.0」に基づく取組等")
    );
    assert!(part.children.iter().all(|c| c.level == "取組項目"));
    assert_eq!(part.children.len(), 2);
    let initiatives: Vec<&&Node> = nodes.iter().filter(|n| n.level == "具体的取組").collect();
    assert_eq!(initiatives.len(), 9);
    let budgets: Vec<Option<i64>> = initiatives.iter().map(|n| n.budget_kyen).collect();
    assert_eq!(
        budgets.iter().filter(|b| b.is_none()).count(),
        2,
        "{budgets:?}"
    );
    assert_eq!(budgets.iter().flatten().sum::<i64>(), 48_639, "{budgets:?}");
    // The tree: every 具体的取組 hangs under the 戦略 its code names, every
    // 戦略 under its 経営課題.
    for (depth, n) in plan.walk() {
        match n.level.as_str() {
            "経営課題" => assert_eq!(depth, 0),
            "戦略" => assert_eq!(depth, 1),
            "具体的取組" => assert_eq!(depth, 2),
            _ => {}
        }
        // The 章 heading's 取組項目 have no code of their own.
        for c in n.children.iter().filter(|c| !c.code.is_empty()) {
            assert!(
                c.code.starts_with(&format!("{}-", n.code)),
                "{} under {}",
                c.code,
                n.code
            );
        }
    }
    let first = initiatives[0];
    assert_eq!(first.code, "1-1-1");
    assert_eq!(first.title, "城北公園を舞台にした魅力づくりと集客力の向上");
    assert_eq!(first.budget_kyen, Some(7_133));
    // Roll-ups: the plan's issues sum to the initiatives' total.
    let rolled: i64 = plan
        .nodes
        .iter()
        .filter(|n| n.level == "経営課題")
        .filter_map(Node::rolled_up_budget)
        .sum();
    assert_eq!(rolled, 48_639);
}

#[test]
fn seed_000_publish_round_trip() {
    let (_dir, store) = import_000();
    let first = export(&store);
    let page = kusei::export::publish::publish_fiscal_year(&first, 2017, None);
    // The published page is the seed page itself.
    assert_eq!(
        page.trim_end_matches('\n'),
        seed_000_text().trim_end_matches('\n'),
        "published text differs from the seed"
    );
    // …and reads back into exactly the same data.
    let (dir2, mut store2) = fresh_store();
    let file = dir2.path().join("published.txt");
    std::fs::write(&file, &page).unwrap();
    import_file(&mut store2, &file);
    assert_eq!(json(&store2), kusei::export::to_json(&first));
}

#[test]
fn importing_twice_changes_nothing() {
    let (_dir, mut store) = fresh_store();
    let report = import_file(&mut store, &data_path(SEED_000));
    assert!(!report.changed_nothing());
    assert_eq!(report.meetings_added, 5);
    assert_eq!(report.items_added, 15);
    assert_eq!(report.opinions_added, 26);
    let json1 = json(&store);
    let audit1 = audit_rows(&store);
    // One audit row per inserted row, all inserts, nothing else.
    assert_eq!(audit1, data_rows(&store));
    let inserts: i64 = store
        .conn()
        .query_row(
            "SELECT count(*) FROM audit_log WHERE action = 'insert'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(inserts, audit1);

    let report = import_file(&mut store, &data_path(SEED_000));
    assert!(report.changed_nothing(), "{report:?}");
    assert_eq!(json(&store), json1);
    assert_eq!(audit_rows(&store), audit1);

    // Same for the policy page.
    let report = import_file(&mut store, &data_path(SEED_001));
    assert_eq!(report.plans_added, 1);
    let (json2, audit2) = (json(&store), audit_rows(&store));
    assert_eq!(audit2, data_rows(&store));
    let report = import_file(&mut store, &data_path(SEED_001));
    assert!(report.changed_nothing(), "{report:?}");
    assert_eq!((json(&store), audit_rows(&store)), (json2, audit2));
    assert!(store.check().unwrap().problems.is_empty());
}

#[test]
fn samples_load() {
    let (_dir, mut store) = fresh_store();
    let report = kusei::sample::load(&mut store).expect("load samples");
    assert_eq!(report.meetings_added, 5);
    assert_eq!(report.plans_added, 4); // seeds 001–004
    let data = export(&store);
    assert_eq!(data.plans.len(), 4);

    // Seed 004: a reform item with its departments and plan/actual grid.
    let node = data
        .plans
        .iter()
        .flat_map(walk_plan)
        .find(|n| n.lead_department.is_some())
        .expect("a node with a lead department");
    assert_eq!(node.lead_department.as_deref(), Some("行政経営課"));
    assert_eq!(node.co_departments.len(), 3, "{:?}", node.co_departments);
    for fy in [2013, 2014] {
        for half in [Half::First, Half::Second] {
            let p = node
                .progress
                .iter()
                .find(|p| p.fiscal_year == fy && p.half == half)
                .unwrap_or_else(|| panic!("no progress for {fy} {half:?}"));
            assert_eq!(p.status, "予定通り進捗", "{fy} {half:?}");
        }
        let year = node
            .progress
            .iter()
            .find(|p| p.fiscal_year == fy && p.half == Half::Year)
            .unwrap_or_else(|| panic!("no 年度評価 for {fy}"));
        assert_eq!(year.grade, "A", "{fy}");
    }

    // Seed 003: dated milestones from 平成18年4月 to 平成29・30年度.
    let minato = data
        .plans
        .iter()
        .find(|p| p.organisation == "港区")
        .expect("seed 003");
    let milestones: Vec<_> = walk_plan(minato)
        .into_iter()
        .flat_map(|n| &n.milestones)
        .collect();
    assert!(!milestones.is_empty());
    assert_eq!(milestones[0].date, date(2006, 4, 1));
    assert_eq!(milestones[0].precision, Precision::Month);
    assert_eq!(
        milestones.iter().map(|m| m.date).min(),
        Some(date(2006, 4, 1))
    );
    let last = milestones.iter().max_by_key(|m| m.date).unwrap();
    assert_eq!(last.date, date(2017, 4, 1));
    assert_eq!(last.precision, Precision::FiscalYear);
    assert_eq!(last.until, Some(date(2019, 3, 31)));
    assert!(milestones
        .iter()
        .any(|m| m.text.contains("平成29・30年度") && m.until == Some(date(2019, 3, 31))));

    // Seed 002: a plan of another kind, 9 テーマ.
    let wg = data
        .plans
        .iter()
        .find(|p| p.kind == "提言")
        .expect("seed 002");
    assert_eq!(count_level(&walk_plan(wg), "テーマ"), 9);

    // Loading the samples again adds nothing.
    let before = (json(&store), audit_rows(&store));
    assert!(kusei::sample::load(&mut store).unwrap().changed_nothing());
    assert_eq!((json(&store), audit_rows(&store)), before);
}
