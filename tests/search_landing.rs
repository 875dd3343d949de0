//! Enter lands on the thing in its pane (issue 13): a progress entry opens
//! the 進捗 grid on its item; an evaluation typed in the app, a milestone
//! and a policy node open the policy tab with that node selected; and the query line's history (↑ on
//! the first result, Ctrl-R, ↓) as key sequences.

mod support;

use crossterm::event::KeyCode;
use kusei::app::panes::policy::view::{self, Key};
use kusei::app::state::Tab;
use kusei::search::DocKind;
use support::search::{ctrl, App};

fn open_and_type(app: &mut App, q: &str) {
    app.press(KeyCode::Char('/'));
    assert!(app.state.search.open);
    app.type_text(q);
    app.wait_results();
}

/// Move the selection to the first result of `kind`; its node id.
fn select_kind(app: &mut App, kind: DocKind) -> i64 {
    let at = app
        .state
        .search
        .results
        .iter()
        .position(|r| r.kind == kind)
        .unwrap_or_else(|| panic!("no {kind:?} in {:?}", app.state.search.results));
    for _ in 0..at {
        app.press(KeyCode::Down);
    }
    assert_eq!(app.state.search.selected, at);
    let row = &app.state.search.results[at];
    row.node.as_ref().expect("on a node").node_id
}

/// The node the policy tab's cursor is on.
fn policy_cursor_node(app: &App) -> Option<i64> {
    let p = &app.state.policy;
    let tree = p.tree.as_ref()?;
    match view::key(tree, *p.rows.get(p.cursor)?)? {
        Key::Node(id) => Some(id),
        _ => None,
    }
}

fn enter_lands_on(app: &mut App, node: i64) {
    app.press(KeyCode::Enter);
    assert!(!app.state.search.open);
    assert_eq!(app.state.tab, Tab::Policy);
    app.wait_for("the policy tree", |s| s.policy.tree.is_some());
    assert_eq!(policy_cursor_node(app), Some(node));
}

#[test]
fn enter_on_seed_004_actual_text_selects_its_node() {
    let mut app = App::with_samples();
    open_and_type(&mut app, "区長会議設置規程");
    let node = select_kind(&mut app, DocKind::ProgressActual);
    // A progress entry lands on the 進捗 grid, its item selected (its
    // period too: tests/landing.rs).
    app.press(KeyCode::Enter);
    assert_eq!(app.state.tab, Tab::Progress);
    app.wait_for("the board", |s| s.progress.data.is_some());
    assert_eq!(app.state.progress.node, Some(node));
}

#[test]
fn enter_on_a_seed_003_milestone_selects_its_node() {
    let mut app = App::with_samples();
    // Once with the policy tab loaded already, once not.
    open_and_type(&mut app, "kind:工程 職員ワーキンググループ発足");
    let node = select_kind(&mut app, DocKind::Milestone);
    enter_lands_on(&mut app, node);
    app.press(KeyCode::Char('/'));
    for _ in 0..40 {
        app.press(KeyCode::Backspace);
    }
    app.type_text("kind:工程 総合支所中心");
    app.wait_results();
    let node = select_kind(&mut app, DocKind::Milestone);
    enter_lands_on(&mut app, node);
}

#[test]
fn enter_on_a_mid_review_typed_in_the_app_selects_its_node() {
    let mut app = App::with_samples();
    let node: i64 = app
        .store()
        .conn()
        .query_row(
            "SELECT n.id FROM plan_nodes n JOIN plans p ON p.id = n.plan_id
             WHERE p.fiscal_year = 2017 ORDER BY n.id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .expect("a node of 平成29年度");
    // Written through the app's own write path (as the policy pane's
    // 中間振り返り editor saves it), on a second connection.
    app.store()
        .set_node_note(node, "中間振り返り", Some(2017), "", "見守り隊の拡充は順調")
        .expect("write");
    open_and_type(&mut app, "みまもりたい");
    app.wait_for("the new note", |s| {
        s.search
            .results
            .iter()
            .any(|r| r.kind == DocKind::Evaluation)
    });
    let found = select_kind(&mut app, DocKind::Evaluation);
    assert_eq!(found, node);
    enter_lands_on(&mut app, node);
}

#[test]
fn the_query_line_recalls_earlier_queries() {
    let mut app = App::with_samples();
    open_and_type(&mut app, "団地");
    app.press(KeyCode::Esc);
    open_and_type_fresh(&mut app, "子育て");
    app.press(KeyCode::Esc);
    open_and_type_fresh(&mut app, "");
    // ↑ on the first result: the newest query, then the one before.
    app.press(KeyCode::Up);
    assert_eq!(app.state.search.input.text(), "子育て");
    app.press(KeyCode::Up);
    assert_eq!(app.state.search.input.text(), "団地");
    app.press(KeyCode::Down);
    assert_eq!(app.state.search.input.text(), "子育て");
    app.press(KeyCode::Down);
    assert_eq!(app.state.search.input.text(), "");
    // Ctrl-R finds the earlier query holding what is typed.
    app.type_text("団");
    let (c, m) = ctrl('r');
    app.key(c, m);
    assert_eq!(app.state.search.input.text(), "団地");
    app.wait_results();
    assert!(!app.state.search.results.is_empty());
}

fn open_and_type_fresh(app: &mut App, q: &str) {
    app.press(KeyCode::Char('/'));
    for _ in 0..20 {
        app.press(KeyCode::Backspace);
    }
    app.type_text(q);
    app.wait_results();
}
