//! The planner's year from the keyboard, asserted on the database file: a
//! new plan (`N`), 年度更新 (`Y`: last year's plan copied into the next
//! fiscal year in one audited write, refused when that year's plan exists,
//! which it offers to open), a review written over several lines, and `<`
//! giving a node the level and code of its new place (or refusing).

mod support;

use kusei::app::panes::policy::View;
use kusei::db::Store;
use support::policy::*;

fn plans(store: &Store) -> Vec<(String, String, String, Option<i32>)> {
    let mut st = store
        .conn()
        .prepare("SELECT kind, title, organisation, fiscal_year FROM plans ORDER BY id")
        .expect("query");
    st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("read")
}

/// (level, code, title, budget) of a plan's nodes, in id order.
type NodeRow = (String, String, String, Option<i64>);

fn nodes_of(store: &Store, fy: i32) -> Vec<NodeRow> {
    let mut st = store
        .conn()
        .prepare(
            "SELECT n.level, n.code, n.title, n.budget_kyen FROM plan_nodes n
             JOIN plans p ON p.id = n.plan_id WHERE p.fiscal_year = ?1 AND p.kind = '運営方針'
             ORDER BY n.id",
        )
        .expect("query");
    st.query_map([fy], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("read")
}

fn ctrl(app: &mut App, c: char) {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    app.press(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
}

fn count(store: &Store, sql: &str) -> i64 {
    store
        .conn()
        .query_row(sql, [], |r| r.get(0))
        .expect("count")
}

#[test]
fn a_new_plan_is_made_in_the_app_and_a_second_one_for_that_year_is_refused() {
    let mut app = App::with_seeds(&[SEED_001]);
    app.keys("3N");
    // 年度 starts at this fiscal year (2017-06-21: 平成29年度); R8 instead.
    ctrl(&mut app, 'u');
    app.type_text("R8");
    app.keys("<Tab><Tab>");
    app.type_text("令和8年度 旭区運営方針");
    app.keys("<Enter>");
    let all = plans(&app.store());
    assert_eq!(all.len(), 2, "{all:?}");
    assert_eq!(
        all[1],
        (
            "運営方針".into(),
            "令和8年度 旭区運営方針".into(),
            "旭区".into(),
            Some(2026)
        )
    );
    // The new plan is open, the cursor on it.
    let labels = app.row_labels();
    assert!(labels[app.state.policy.cursor].starts_with("令和8年度 旭区運営方針"));

    // 平成29年度 again: refused, and Enter opens the one there is.
    app.keys("N<Enter>");
    assert_eq!(plans(&app.store()).len(), 2);
    let text = app.screen(160, 48);
    assert!(text.contains("がもうあります"), "{text}");
    app.keys("<Enter>");
    let labels = app.row_labels();
    assert!(labels[app.state.policy.cursor].starts_with("平成29年度 旭区運営方針"));
    assert!(app.state.policy.overlay.is_none());
}

#[test]
fn renewing_copies_last_years_plan_in_one_write_and_compare_works() {
    let mut app = App::with_seeds(&[SEED_001]);
    app.keys("3");
    // A review on last year's plan: it must not be copied.
    app.goto("具体的取組1-1-1");
    app.keys("r");
    app.type_text("前年の振り返り");
    app.keys("<Enter>");
    app.goto("平成29年度 旭区運営方針");
    let batches_before = count(&app.store(), "SELECT count(*) FROM batches");
    let links_before = count(&app.store(), "SELECT count(*) FROM item_links");
    app.keys("Y");
    assert!(app.screen(160, 48).contains("平成30年度 旭区運営方針"));
    app.keys("<Enter>");
    let store = app.store();
    let all = plans(&store);
    assert_eq!(all.len(), 2);
    assert_eq!(all[1].1, "平成30年度 旭区運営方針");
    assert_eq!(all[1].3, Some(2018));
    let old = nodes_of(&store, 2017);
    let new = nodes_of(&store, 2018);
    assert_eq!(new.len(), old.len());
    for (a, b) in old.iter().zip(&new) {
        assert_eq!(
            (&a.0, &a.1, &a.2),
            (&b.0, &b.1, &b.2),
            "levels, codes, titles kept"
        );
        assert_eq!(b.3, None, "budgets left to fill: {b:?}");
    }
    assert!(old.iter().any(|n| n.3.is_some()));
    // Reviews and evaluations are not copied; links are.
    assert_eq!(
        count(
            &store,
            "SELECT count(*) FROM node_notes o JOIN plan_nodes n ON n.id = o.node_id
             JOIN plans p ON p.id = n.plan_id WHERE p.fiscal_year = 2018"
        ),
        0
    );
    assert_eq!(
        count(&store, "SELECT count(*) FROM item_links"),
        links_before * 2
    );
    // One audited write.
    assert_eq!(
        count(&store, "SELECT count(*) FROM batches") - batches_before,
        1
    );
    assert_eq!(
        count(
            &store,
            "SELECT count(*) FROM batches WHERE label = '年度更新'"
        ),
        1
    );
    assert!(
        count(
            &store,
            "SELECT count(*) FROM audit_log a JOIN batches b ON b.id = a.batch
             WHERE b.label = '年度更新' AND a.tbl = 'plan_nodes' AND a.action = 'insert'"
        ) == new.len() as i64
    );

    // Year-on-year compare works at once, without an import.
    let labels = app.row_labels();
    assert!(labels[app.state.policy.cursor].starts_with("平成30年度 旭区運営方針"));
    app.keys("c");
    assert_eq!(app.state.policy.view, View::Compare);
    app.keys("<Esc>");

    // 年度更新 of 平成29年度 again: that year's plan exists; offer to open it.
    app.goto("平成29年度 旭区運営方針");
    app.keys("Y");
    assert!(app
        .screen(160, 48)
        .contains("「平成30年度 旭区運営方針」がもうあります"));
    app.keys("<Enter>");
    assert_eq!(plans(&app.store()).len(), 2);
    let labels = app.row_labels();
    assert!(labels[app.state.policy.cursor].starts_with("平成30年度 旭区運営方針"));

    // Undo takes the whole renewal back.
    app.keys("u");
    assert_eq!(plans(&app.store()).len(), 1);
    assert_eq!(nodes_of(&app.store(), 2018).len(), 0);
}

#[test]
fn a_review_is_written_over_several_lines() {
    let mut app = App::with_seeds(&[SEED_001]);
    app.keys("3");
    app.goto("具体的取組1-1-2");
    app.keys("r");
    app.type_text("上半期は予定通り。");
    ctrl(&mut app, 'j');
    app.type_text("下半期に向けて");
    ctrl(&mut app, 'j');
    app.type_text("PR を強化する");
    // While editing every line shows, one per row.
    let screen = app.screen(80, 24);
    for l in ["上半期は予定通り。", "下半期に向けて", "PR を強化する"] {
        assert!(
            screen.lines().any(|row| row.contains(l)),
            "{l} not on a row of\n{screen}"
        );
    }
    app.keys("<Enter>");
    let text: String = app
        .store()
        .conn()
        .query_row(
            "SELECT o.text FROM node_notes o JOIN plan_nodes n ON n.id = o.node_id
             WHERE n.code = '1-1-2' AND o.label = '中間振り返り'",
            [],
            |r| r.get(0),
        )
        .expect("the review");
    assert_eq!(text, "上半期は予定通り。\n下半期に向けて\nPR を強化する");
}

/// (level, title) of the node coded `code`.
fn row(app: &App, code: &str) -> (String, String) {
    app.store()
        .conn()
        .query_row(
            "SELECT level, title FROM plan_nodes WHERE code = ?1",
            [code],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect(code)
}

#[test]
fn out_a_level_renames_and_recodes_or_refuses() {
    let mut app = App::with_seeds(&[SEED_001]);
    app.keys("3");
    // 戦略1-2 out of 経営課題1: a 経営課題 with the next code (5), its
    // 具体的取組1-2-1 now 戦略5-1.
    app.goto("戦略1-2");
    app.keys("<");
    assert_eq!(
        row(&app, "5"),
        ("経営課題".into(), "まちづくり活動への市民参加の拡大".into())
    );
    assert_eq!(
        row(&app, "5-1"),
        ("戦略".into(), "地域活動協議会の運営支援".into())
    );
    app.keys("u");
    assert_eq!(row(&app, "1-2").0, "戦略");
    assert_eq!(row(&app, "1-2-1").0, "具体的取組");

    // A 取組項目 under the 章 heading: no sensible result, refused.
    let before = count(&app.store(), "SELECT count(*) FROM batches");
    app.goto("取組項目 自律的");
    app.keys("<");
    assert_eq!(count(&app.store(), "SELECT count(*) FROM batches"), before);
    let msg = app.state.message.as_ref().map(|m| m.text.clone());
    assert!(msg.is_some_and(|m| m.contains("章")));
}
