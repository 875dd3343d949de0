//! Whole-screen snapshots of the progress pane with the sample data, at
//! 80×24 and 160×48: the grid, the board, the detail of seed 004's reform
//! item, seed 003's milestones and the 宿題 list. Today is fixed.

mod support;

use crossterm::event::KeyCode;
use kusei::db::progress_board::Period;
use kusei::model::Half;
use support::progress::*;

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];

fn harness() -> Harness {
    Harness::new(date(2017, 7, 10), |s| {
        add_action(
            s,
            3,
            "大規模団地の再生案を次回までにまとめる",
            "区政推進課長",
            date(2017, 7, 1),
        );
        add_action(
            s,
            4,
            "超過勤務の状況を課ごとに報告する",
            "総務課長",
            date(2017, 8, 31),
        );
        let closed = add_action(
            s,
            2,
            "50周年事業の実行委員会の名簿を配る",
            "地域振興課長",
            date(2017, 6, 1),
        );
        s.conn()
            .execute(
                "UPDATE opinions SET closed_at = '2017-06-02T01:00:00.000Z', closed_by = 'sato' WHERE id = ?1",
                [closed],
            )
            .expect("close");
    })
}

fn snap(h: &Harness, name: &str) {
    for (w, ht) in SIZES {
        insta::assert_snapshot!(format!("{name}_{w}x{ht}"), h.screen(w, ht));
    }
}

#[test]
fn grid() {
    let mut h = harness();
    snap(&h, "progress_grid_top");
    h.select("協議制度");
    snap(&h, "progress_grid_niigata");
}

#[test]
fn grid_of_seed_003_milestones() {
    let mut h = harness();
    h.keys("ppp");
    h.goto_period(Period::new(2009, Half::First));
    snap(&h, "progress_grid_minato");
}

#[test]
fn board() {
    let mut h = harness();
    h.select("協議制度");
    h.key(KeyCode::Char('v'));
    snap(&h, "progress_board");
}

#[test]
fn detail() {
    let mut h = harness();
    h.select("協議制度");
    h.goto_period(Period::new(2013, Half::First));
    h.key(KeyCode::Enter);
    snap(&h, "progress_detail_niigata");
    h.select("総合支所の執行体制の整備");
    h.key(KeyCode::End);
    snap(&h, "progress_detail_minato_milestones");
}

#[test]
fn actions() {
    let mut h = harness();
    h.keys("vv");
    snap(&h, "progress_actions");
}

#[test]
fn editing_puts_the_cursor_at_the_caret() {
    let mut h = harness();
    h.select("協議制度");
    h.key(KeyCode::Enter);
    h.key(KeyCode::Enter);
    h.keys("（改訂）");
    snap(&h, "progress_editing");
}
