//! Comparing a plan with the previous year's plan of the same kind, on two
//! hand-made plans of consecutive years.

mod support;

use kusei::app::panes::policy::compare::Change;
use kusei::app::panes::policy::View;
use kusei::model::{Dataset, Node, Plan};
use support::policy::*;

fn node(level: &str, code: &str, title: &str, budget: Option<i64>, children: Vec<Node>) -> Node {
    Node {
        level: level.into(),
        code: code.into(),
        title: title.into(),
        budget_kyen: budget,
        children,
        ..Node::default()
    }
}

fn plan(fy: i32, nodes: Vec<Node>) -> Plan {
    Plan {
        kind: "運営方針".into(),
        title: format!("{} 旭区運営方針", kusei::wareki::format_fiscal_year(fy)),
        organisation: "旭区".into(),
        fiscal_year: Some(fy),
        nodes,
        ..Plan::default()
    }
}

fn two_years() -> Dataset {
    let h29 = plan(
        2017,
        vec![
            node(
                "経営課題",
                "1",
                "にぎわいのあるまち",
                None,
                vec![node(
                    "戦略",
                    "1-1",
                    "魅力の発信",
                    None,
                    vec![
                        node(
                            "具体的取組",
                            "1-1-1",
                            "城北公園のイベント",
                            Some(7_133),
                            vec![],
                        ),
                        node("具体的取組", "1-1-2", "魅力発信事業", Some(845), vec![]),
                        node("具体的取組", "1-1-3", "区報の全戸配布", Some(1_200), vec![]),
                    ],
                )],
            ),
            node(
                "経営課題",
                "2",
                "子育て",
                None,
                vec![node(
                    "戦略",
                    "2-1",
                    "子育て支援",
                    None,
                    vec![node(
                        "具体的取組",
                        "2-1-1",
                        "マタニティカフェ",
                        Some(500),
                        vec![],
                    )],
                )],
            ),
        ],
    );
    let h30 = plan(
        2018,
        vec![
            node(
                "経営課題",
                "1",
                "にぎわいのあるまち",
                None,
                vec![node(
                    "戦略",
                    "1-1",
                    "魅力の発信",
                    None,
                    vec![
                        node(
                            "具体的取組",
                            "1-1-1",
                            "城北公園のイベント",
                            Some(8_000),
                            vec![],
                        ),
                        node("具体的取組", "1-1-2", "SNS での発信", None, vec![]),
                    ],
                )],
            ),
            node(
                "経営課題",
                "2",
                "子育て",
                None,
                vec![node(
                    "戦略",
                    "2-1",
                    "子育て支援",
                    None,
                    vec![
                        node(
                            "具体的取組",
                            "2-1-1",
                            "マタニティカフェと相談",
                            Some(500),
                            vec![],
                        ),
                        node("具体的取組", "2-1-2", "魅力発信事業", Some(900), vec![]),
                    ],
                )],
            ),
        ],
    );
    Dataset {
        plans: vec![h29, h30],
        ..Dataset::default()
    }
}

#[test]
fn compare_with_the_previous_year() {
    let (dir, mut store) = store_with(&[]);
    store.import(&two_years()).expect("import");
    let mut app = App::on(dir, store);
    app.keys("3");
    // Newest first: the cursor is on 平成30年度.
    assert_eq!(app.row_labels()[0], "平成30年度 旭区運営方針");
    app.keys("c");
    assert_eq!(app.state.policy.view, View::Compare);
    let c = app.state.policy.compare.clone().expect("comparison");
    assert_eq!(c.previous_title, "平成29年度 旭区運営方針");
    assert_eq!(c.total_before, Some(7_133 + 845 + 1_200 + 500));
    assert_eq!(c.total_after, Some(8_000 + 500 + 900));

    let find = |change: Change, title: &str| {
        c.rows
            .iter()
            .find(|r| r.change == change && r.title == title)
            .unwrap_or_else(|| panic!("{change:?} {title} in {:#?}", c.rows))
            .clone()
    };
    let r = find(Change::Changed, "城北公園のイベント");
    assert_eq!(
        (r.what.clone(), r.before, r.after),
        (vec!["予算"], Some(7_133), Some(8_000))
    );
    assert_eq!(r.difference(), Some(867));
    // Same code, new title: changed, with the old title kept.
    let r = find(Change::Changed, "SNS での発信");
    assert_eq!(r.old_title.as_deref(), Some("魅力発信事業"));
    assert_eq!(
        (r.before, r.after, r.difference()),
        (Some(845), None, Some(-845))
    );
    let r = find(Change::Changed, "マタニティカフェと相談");
    assert_eq!(r.what, vec!["題名"]);
    assert_eq!(r.difference(), Some(0));
    let r = find(Change::Added, "魅力発信事業");
    assert_eq!((r.code.as_str(), r.after), ("2-1-2", Some(900)));
    let r = find(Change::Removed, "区報の全戸配布");
    assert_eq!(
        (r.before, r.after, r.difference()),
        (Some(1_200), None, Some(-1_200))
    );
    assert_eq!(c.count(Change::Added), 1);
    assert_eq!(c.count(Change::Removed), 1);
    // Unchanged nodes are not listed.
    assert!(!c.rows.iter().any(|r| r.title == "にぎわいのあるまち"));

    let screen = app.screen(160, 48);
    assert!(screen.contains("追加 1  削除 1  変更 3"), "{screen}");
    assert!(screen.contains("+867"), "{screen}");
    app.keys("<Esc>");
    assert_eq!(app.state.policy.view, View::Tree);
    // The oldest plan has nothing to compare with.
    app.keys("Gc");
    assert_eq!(app.state.policy.view, View::Tree);
    assert!(app
        .state
        .message
        .as_ref()
        .is_some_and(|m| m.text.contains("前の年度")));
}
