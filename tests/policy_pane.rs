//! The policy pane driven headless: keys in, state, database and screen out.

mod support;

use kusei::app::panes::policy::{Focus, View};
use kusei::app::state::Tab;
use support::policy::*;

fn rolled(app: &App, prefix: &str) -> Option<i64> {
    app.node(prefix).rolled_up
}

#[test]
fn seed_001_tree_has_its_levels_and_roll_ups() {
    let mut app = App::with_seeds(&[SEED_001]);
    app.keys("3");
    let tree = app.state.policy.tree.clone().expect("loaded");
    let plan = &tree.plans[0];
    assert_eq!(plan.title, "平成29年度 旭区運営方針");
    let counts = plan.level_counts();
    for (level, n) in [("経営課題", 4), ("戦略", 5), ("具体的取組", 9)] {
        assert!(counts.contains(&(level, n)), "{level} {n} in {counts:?}");
    }
    assert_eq!(plan.hierarchy(), ["経営課題", "戦略", "具体的取組"]);
    assert_eq!(rolled(&app, "経営課題1"), Some(35_524));
    assert_eq!(rolled(&app, "経営課題2"), Some(3_166));
    assert_eq!(rolled(&app, "経営課題3"), Some(9_949));
    assert_eq!(rolled(&app, "経営課題4"), None);
    assert_eq!(plan.total(), Some(48_639));

    let screen = app.screen(160, 48);
    let row = |prefix: &str| {
        screen
            .lines()
            .find(|l| l.contains(prefix))
            .unwrap_or_else(|| panic!("{prefix} not on screen:\n{screen}"))
            .to_string()
    };
    assert!(row("【運営方針】平成29年度 旭区運営方針").contains("48,639"));
    assert!(row("経営課題1 にぎわい").contains("35,524"));
    assert!(row("経営課題2 安心して").contains("3,166"));
    assert!(row("経営課題3 災害に強い").contains("9,949"));
    let four = row("経営課題4 区民サービス");
    assert!(
        four.trim_end().ends_with(" -"),
        "no budget shown as -: {four}"
    );
    assert!(!four.contains(" 0"), "no budget is never 0: {four}");
}

#[test]
fn seeds_002_and_004_show_their_own_hierarchies() {
    let mut app = App::with_seeds(&[SEED_002, SEED_004]);
    app.keys("3");
    let tree = app.state.policy.tree.clone().expect("loaded");
    let by_kind = |k: &str| tree.plans.iter().find(|p| p.kind == k).expect(k).clone();
    assert_eq!(by_kind("提言").hierarchy(), ["分野", "テーマ", "提言"]);
    assert_eq!(
        by_kind("改革項目").hierarchy(),
        ["重点改革項目", "大項目", "中項目", "具体的な改革項目"]
    );
    // Open the second plan too; its rows use its own level names.
    app.goto("新潟市");
    app.keys("<Space>");
    let labels = app.row_labels();
    assert!(labels
        .iter()
        .any(|l| l.starts_with("提言1-1-① 待機児童早期解消")));
    assert!(labels.iter().any(|l| l.starts_with("具体的な改革項目10 ")));
}

#[test]
fn folding_hides_and_shows_the_subtree() {
    let mut app = App::with_seeds(&[SEED_001]);
    app.keys("3");
    let n = app.state.policy.rows.len();
    app.goto("経営課題1");
    app.keys("<Space>");
    assert_eq!(app.state.policy.rows.len(), n - 5);
    app.keys("l");
    assert_eq!(app.state.policy.rows.len(), n);
    // h on an open node folds it; again goes to the parent (the plan).
    app.keys("hh");
    assert_eq!(app.state.policy.cursor, 0);
    app.keys("<Space>");
    assert_eq!(app.state.policy.rows.len(), 1);
}

#[test]
fn moving_a_node_reorders_reparents_and_undoes() {
    let mut app = App::with_seeds(&[SEED_001]);
    app.keys("3");
    app.goto("具体的取組1-1-2");
    // Up among its siblings, and back with undo.
    app.keys("K");
    let labels = app.row_labels();
    let pos = |l: &str| labels.iter().position(|x| x.starts_with(l)).expect(l);
    assert!(pos("具体的取組1-1-2") < pos("具体的取組1-1-1"));
    assert!(app.current_row().is_some());
    assert!(app.row_labels()[app.state.policy.cursor].starts_with("具体的取組1-1-2"));
    app.keys("u");
    let labels = app.row_labels();
    let pos = |l: &str| labels.iter().position(|x| x.starts_with(l)).expect(l);
    assert!(pos("具体的取組1-1-1") < pos("具体的取組1-1-2"));

    // Re-parent under 戦略1-2 with the picker: roll-ups follow.
    app.goto("具体的取組1-1-2");
    app.keys("m");
    app.type_text("戦略1-2");
    app.keys("<Enter>");
    assert_eq!(
        app.node("具体的取組1-1-2").parent,
        Some(app.node("戦略1-2").id)
    );
    assert_eq!(rolled(&app, "戦略1-1"), Some(7_133));
    assert_eq!(rolled(&app, "戦略1-2"), Some(27_546 + 845));
    assert_eq!(rolled(&app, "経営課題1"), Some(35_524));
    assert!(app.row_labels()[app.state.policy.cursor].starts_with("具体的取組1-1-2"));

    // Out one level (<) takes it directly under 経営課題1, where it is a
    // 戦略: the next code there (1-3), its title kept; undo twice restores all.
    let id = app.node("具体的取組1-1-2").id;
    app.keys("<");
    let moved = app.node("戦略1-3");
    assert_eq!(moved.id, id);
    assert_eq!(moved.parent, Some(app.node("経営課題1").id));
    assert_eq!(moved.title, "旭区魅力発信事業の推進");
    app.keys("uu");
    assert_eq!(
        app.node("具体的取組1-1-2").parent,
        Some(app.node("戦略1-1").id)
    );
    assert_eq!(rolled(&app, "戦略1-1"), Some(7_978));
    assert_eq!(rolled(&app, "戦略1-2"), Some(27_546));
    assert_eq!(
        app.store().check().expect("check").problems,
        Vec::<String>::new()
    );
}

#[test]
fn add_edit_delete_a_node_with_undo() {
    let mut app = App::with_seeds(&[SEED_001]);
    app.keys("3");
    app.goto("戦略1-1");
    app.keys("a");
    // The form starts on the title, with the level and next code filled in.
    app.type_text("新しい取組");
    app.keys("<Down>");
    app.type_text("1,000");
    app.keys("<Enter>");
    let new = app.node("具体的取組1-1-3 新しい取組");
    assert_eq!(new.budget_kyen, Some(1_000));
    assert!(app.row_labels()[app.state.policy.cursor].starts_with("具体的取組1-1-3"));
    assert_eq!(rolled(&app, "経営課題1"), Some(36_524));

    // Edit: the budget emptied means no budget (not 0).
    app.keys("e<Down><BS><BS><BS><BS><BS><Enter>");
    assert_eq!(app.node("具体的取組1-1-3").budget_kyen, None);
    assert_eq!(rolled(&app, "経営課題1"), Some(35_524));

    // Delete 戦略1-1 with its children (confirmed), then undo.
    app.goto("戦略1-1");
    app.keys("D<Enter>");
    assert!(!app
        .row_labels()
        .iter()
        .any(|l| l.starts_with("具体的取組1-1-1")));
    assert_eq!(rolled(&app, "経営課題1"), Some(27_546));
    app.keys("u");
    assert!(app
        .row_labels()
        .iter()
        .any(|l| l.starts_with("具体的取組1-1-1")));
    assert_eq!(rolled(&app, "経営課題1"), Some(35_524));
}

#[test]
fn mid_year_review_and_self_evaluation_are_per_fiscal_year() {
    let mut app = App::with_seeds(&[SEED_001]);
    app.keys("3");
    app.goto("具体的取組1-1-1");
    let screen = app.screen(160, 48);
    assert!(
        screen.contains("中間振り返り（平成29年度） 未記入"),
        "{screen}"
    );
    app.keys("r");
    app.type_text("イベントは予定通り実施");
    app.keys("<Enter>v");
    app.type_text("目標を達成");
    app.keys("<Enter>");
    let n = app.node("具体的取組1-1-1");
    let notes: Vec<_> = n
        .notes
        .iter()
        .map(|x| (x.label.as_str(), x.fiscal_year, x.text.as_str()))
        .collect();
    assert_eq!(
        notes,
        [
            ("中間振り返り", Some(2017), "イベントは予定通り実施"),
            ("自己評価", Some(2017), "目標を達成")
        ]
    );
    let screen = app.screen(160, 48);
    assert!(screen.contains("自己評価（平成29年度）"), "{screen}");
    assert!(screen.contains("目標を達成"));
}

#[test]
fn link_an_item_from_the_calendar_and_jump_back() {
    let mut app = App::with_seeds(&[SEED_000, SEED_001]);
    // The calendar opens on 平成29年6月21日: 第3回, with four items.
    let meeting = app.state.calendar.detail.clone().expect("meeting");
    assert_eq!(meeting.meeting.number, 3);
    app.keys("L");
    app.type_text("大規模団地");
    app.keys("<Enter>");
    app.type_text("城北公園");
    app.keys("<Space><Enter>");
    assert!(app.state.policy.overlay.is_none());
    let detail = app.state.calendar.detail.clone().expect("meeting");
    let item = detail
        .items
        .iter()
        .find(|i| i.title == "旭区大規模団地ビジョンについて")
        .expect("item");
    assert_eq!(item.links.len(), 1);
    assert_eq!(item.links[0].code, "1-1-1");
    let screen = app.screen(160, 48);
    assert!(
        screen.contains("関連方針 平成29年度 旭区運営方針 具体的取組1-1-1 城北公園"),
        "{screen}"
    );

    // The policy side shows the item; Enter, Enter goes to the meeting.
    app.keys("1");
    app.keys("3");
    app.goto("具体的取組1-1-1");
    let screen = app.screen(160, 48);
    assert!(
        screen.contains("平成29年6月21日(水曜日) 第3回 (3) 旭区大規模団地ビジョンについて"),
        "{screen}"
    );
    app.keys("<Enter>");
    assert_eq!(app.state.policy.focus, Focus::Links(0));
    // Move the calendar away first, so the jump has to bring it back.
    app.state.calendar.selected = None;
    app.state.calendar.detail = None;
    app.keys("<Enter>");
    assert_eq!(app.state.tab, Tab::Meetings);
    let c = &app.state.calendar;
    assert_eq!(c.selected_meeting().map(|m| m.id), Some(meeting.meeting.id));
    assert_eq!(
        c.detail.as_ref().map(|d| d.meeting.id),
        Some(meeting.meeting.id)
    );
    // Landed on the linked item, highlighted (issue 14).
    assert_eq!(
        c.landed,
        Some(kusei::app::panes::calendar::land::Landed::Item(item.id))
    );

    // Unlink from the policy side, and undo that.
    app.keys("3");
    assert_eq!(
        app.state.policy.focus,
        Focus::Links(0),
        "back where we left"
    );
    app.keys("x");
    assert!(app.node("具体的取組1-1-1").links.is_empty());
    app.keys("u");
    assert_eq!(app.node("具体的取組1-1-1").links.len(), 1);
}

#[test]
fn link_the_current_item_while_taking_minutes() {
    let mut app = App::with_seeds(&[SEED_000, SEED_001]);
    app.keys("m<Esc>]");
    app.keys("L");
    app.type_text("区長の方針");
    app.keys("<Space>");
    app.keys("<Esc>");
    assert!(app.state.policy.overlay.is_none(), "Esc cancels");
    app.keys("L");
    app.type_text("区長の方針");
    app.keys("<Space><Enter>");
    let d = app.state.calendar.detail.clone().expect("meeting");
    assert_eq!(d.items[1].links.len(), 1, "{:?}", d.items[1]);
    assert_eq!(d.items[1].links[0].level, "区長の方針");
    // The picker shows what is linked, ticked, and unticking removes it.
    app.keys("L<Space><Enter>");
    let d = app.state.calendar.detail.clone().expect("meeting");
    assert!(d.items[1].links.is_empty());
}

#[test]
fn suggestions_are_confirmed_one_by_one() {
    let mut app = App::with_seeds(&[SEED_000, SEED_001]);
    app.keys("3s");
    assert_eq!(app.state.policy.view, View::Suggestions);
    let list: Vec<(String, String)> = app
        .state
        .policy
        .visible_suggestions()
        .iter()
        .map(|g| (g.item_title.clone(), g.node_title.clone()))
        .collect();
    assert!(list.contains(&(
        "区運営方針について".to_string(),
        "区運営の基本的な考え方(区長の方針)".to_string()
    )));
    // Nothing is linked until accepted.
    assert!(app.node("区長の方針").links.is_empty());
    app.goto_suggestion("区運営方針について");
    app.keys("y");
    assert_eq!(app.node("区長の方針").links.len(), 1);
    assert!(!app
        .state
        .policy
        .visible_suggestions()
        .iter()
        .any(|g| g.item_title == "区運営方針について"));
    let left = app.state.policy.visible_suggestions().len();
    app.keys("x");
    assert_eq!(app.state.policy.visible_suggestions().len(), left - 1);
    app.keys("<Esc>");
    assert_eq!(app.state.policy.view, View::Tree);
}

trait Suggest {
    fn goto_suggestion(&mut self, item: &str);
}

impl Suggest for App {
    fn goto_suggestion(&mut self, item: &str) {
        let at = self
            .state
            .policy
            .visible_suggestions()
            .iter()
            .position(|g| g.item_title == item)
            .expect("suggested");
        self.keys("g");
        self.keys(&"j".repeat(at));
    }
}
