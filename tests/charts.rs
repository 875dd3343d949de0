//! Snapshots of every picture with the sample data, at 80×24 and 160×48, in
//! the unicode and the ascii glyph sets (monochrome theme): the policy
//! budget bars (one year, then two years side by side after 年度更新 with
//! the new year's budgets filled), the progress status bars per period and
//! the 年表 (timeline on a 和暦 axis and the dated history in full).
//! The ascii frames are also checked to hold no block element.

mod support;

use crossterm::event::KeyCode;
use kusei::config::glyphs::{ASCII, UNICODE};
use kusei::ui::Theme;
use support::progress::*;

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];

fn snap(h: &Harness, name: &str) {
    for (glyphs, set) in [(UNICODE, "unicode"), (ASCII, "ascii")] {
        let theme = Theme::monochrome().with_glyphs(glyphs);
        for (w, ht) in SIZES {
            let (buf, _) = support::screen::draw(&h.state, &theme, w, ht);
            let text = buffer_text(&buf).0;
            if set == "ascii" {
                let block = text.chars().find(|c| ('\u{2580}'..='\u{259F}').contains(c));
                assert_eq!(block, None, "{name} {w}x{ht} ascii:\n{text}");
            }
            insta::assert_snapshot!(format!("{name}_{set}_{w}x{ht}"), text);
        }
    }
}

#[test]
fn policy_budget_bars_of_one_year() {
    let mut h = Harness::new(date(2017, 7, 10), |_| {});
    h.key(KeyCode::Char('3'));
    h.key(KeyCode::Char('b'));
    snap(&h, "policy_budget");
}

#[test]
fn policy_budget_bars_of_two_years_side_by_side() {
    // 年度更新 of seed 001, then the new year's budgets filled: a tenth
    // more, 1-1-2 cut.
    let mut h = Harness::new(date(2018, 7, 10), |s| {
        let from: i64 = s
            .conn()
            .query_row(
                "SELECT id FROM plans WHERE fiscal_year = 2017 AND kind = '運営方針'",
                [],
                |r| r.get(0),
            )
            .expect("seed 001");
        s.renew_plan(from, 2018).expect("renew");
        s.conn()
            .execute_batch(
                "UPDATE plan_nodes SET budget_kyen = (
                   SELECT o.budget_kyen * 11 / 10 FROM plan_nodes o JOIN plans op ON op.id = o.plan_id
                   WHERE op.fiscal_year = 2017 AND op.kind = '運営方針' AND o.code = plan_nodes.code
                     AND o.level = plan_nodes.level)
                 WHERE plan_id = (SELECT id FROM plans WHERE fiscal_year = 2018 AND kind = '運営方針');
                 UPDATE plan_nodes SET budget_kyen = NULL WHERE code = '1-1-2'
                   AND plan_id = (SELECT id FROM plans WHERE fiscal_year = 2018);",
            )
            .expect("budgets");
    });
    h.key(KeyCode::Char('3'));
    h.key(KeyCode::Char('b'));
    let text = h.screen(160, 48);
    assert!(text.contains("平成30年度 旭区運営方針"), "{text}");
    snap(&h, "policy_budget_two_years");
}

#[test]
fn progress_status_bars_per_period() {
    let mut h = Harness::new(date(2017, 7, 10), |_| {});
    for _ in 0..3 {
        h.key(KeyCode::Char('v'));
    }
    snap(&h, "progress_status_bars");
}

#[test]
fn progress_history_of_seed_003() {
    let mut h = Harness::new(date(2017, 7, 10), |_| {});
    h.select("港区の「区役所・支所改革」");
    // Only seed 003's plan: p until its title shows.
    for _ in 0..6 {
        let shown = h.screen(160, 48);
        if shown.contains("計画: 区役所・支所改革") {
            break;
        }
        h.key(KeyCode::Char('p'));
    }
    h.key(KeyCode::Char('T'));
    snap(&h, "progress_history");
}
