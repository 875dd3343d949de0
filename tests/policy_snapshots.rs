//! Whole screens of the policy pane at 80×24 and 160×48 (insta snapshots;
//! review changes with `cargo insta review` or INSTA_UPDATE=always and read
//! the .snap by eye: the Japanese must read right and the budget column
//! must line up).

mod support;

use support::policy::*;

fn both(app: &App, name: &str) {
    insta::assert_snapshot!(format!("{name}_80x24"), app.screen(80, 24));
    insta::assert_snapshot!(format!("{name}_160x48"), app.screen(160, 48));
}

#[test]
fn seed_001_plan_heading() {
    let mut app = App::with_seeds(&[SEED_001]);
    app.keys("3");
    both(&app, "policy_001_plan");
}

#[test]
fn seed_001_initiative_with_a_link() {
    let mut app = App::with_seeds(&[SEED_000, SEED_001]);
    app.keys("L");
    app.type_text("大規模団地");
    app.keys("<Enter>");
    app.type_text("城北公園");
    app.keys("<Space><Enter>3");
    app.goto("具体的取組1-1-1");
    app.keys("<Enter>");
    both(&app, "policy_001_initiative");
}

#[test]
fn seed_001_issue_without_budget() {
    let mut app = App::with_seeds(&[SEED_001]);
    app.keys("3");
    app.goto("経営課題4");
    both(&app, "policy_001_no_budget");
}

#[test]
fn seed_002_and_004_hierarchies() {
    let mut app = App::with_seeds(&[SEED_002, SEED_004]);
    app.keys("3");
    app.goto("新潟市");
    app.keys("<Space>");
    app.goto("テーマ1-1");
    both(&app, "policy_002_004");
    app.goto("具体的な改革項目10");
    both(&app, "policy_004_item");
}

#[test]
fn link_picker_over_the_calendar() {
    let mut app = App::with_seeds(&[SEED_000, SEED_001]);
    app.keys("L");
    app.type_text("大規模団地");
    app.keys("<Enter>");
    app.type_text("防災");
    app.keys("<Space>");
    both(&app, "policy_link_picker");
}

#[test]
fn suggestions_view() {
    let mut app = App::with_seeds(&[SEED_000, SEED_001]);
    app.keys("3s");
    both(&app, "policy_suggestions");
}

#[test]
fn node_form() {
    let mut app = App::with_seeds(&[SEED_001]);
    app.keys("3");
    app.goto("戦略1-1");
    app.keys("a");
    app.type_text("新しい取組");
    both(&app, "policy_form");
}
