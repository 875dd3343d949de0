//! The hit map a frame records (app::mouse): clicks map through what was
//! drawn, and carrying them out changes the real state as the keys would —
//! the headless app on a real database (support::harness).

mod support;

use crossterm::event::{KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use kusei::app::action::Action;
use kusei::app::keymap::Scope;
use kusei::app::mouse::{self, HitMap};
use kusei::app::state::Tab;
use support::harness::{sample_today, Harness};

/// Draw the frame at 100×30 and take the map it recorded.
fn frame(h: &Harness) -> (String, HitMap) {
    let (buf, _) = support::screen::draw(&h.state, &h.theme, 100, 30);
    let map = mouse::take();
    (support::screen::buffer_text(&buf).0, map)
}

fn event(kind: MouseEventKind, column: u16, row: u16) -> MouseEvent {
    MouseEvent {
        kind,
        column,
        row,
        modifiers: KeyModifiers::NONE,
    }
}

fn click(h: &mut Harness, map: &HitMap, column: u16, row: u16) {
    let kind = MouseEventKind::Down(MouseButton::Left);
    let reqs = mouse::on_mouse(&mut h.state, map, event(kind, column, row));
    h.run(reqs);
}

fn row_of(text: &str, needle: &str) -> u16 {
    text.lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle} in\n{text}")) as u16
}

#[test]
fn tabs_and_meetings_map_to_the_actions_that_reach_them() {
    let mut h = Harness::new(sample_today());
    let (text, map) = frame(&h);
    // " kusei " then " 1 会議 " (columns 8–15), " 2 出席 " (17–24) …
    for (column, tab) in [
        (8, Action::GoTab1),
        (20, Action::GoTab2),
        (26, Action::GoTab3),
    ] {
        let hit = map.at(column, 0).expect("a tab");
        assert_eq!(
            (hit.scope, hit.steps.clone()),
            (Scope::Global, vec![(tab, 1)])
        );
    }
    assert!(map.at(16, 0).is_none(), "the gap between tabs");
    assert!(map.at(99, 0).is_none(), "the help hint is not a tab");
    // The sample's today is 第3回's day: 第1回 is two meetings up.
    assert_eq!(h.selected_number(), Some(3));
    let y = row_of(&text, "第1回  4月20日");
    let hit = map.at(50, y).expect("a meeting row");
    assert_eq!(hit.steps, vec![(Action::SelectPrevMeeting, 2)]);
    click(&mut h, &map, 50, y);
    assert_eq!(h.selected_number(), Some(1));
    assert!(h
        .detail()
        .meeting
        .date
        .to_string()
        .starts_with("2017-04-20"));

    // The wheel over the list: three meetings a notch.
    let (_, map) = frame(&h);
    let reqs = mouse::on_mouse(&mut h.state, &map, event(MouseEventKind::ScrollDown, 50, y));
    h.run(reqs);
    assert_eq!(h.selected_number(), Some(4));

    let (_, map) = frame(&h);
    click(&mut h, &map, 20, 0);
    assert_eq!(h.state.tab, Tab::Attendance);
}

#[test]
fn a_click_on_a_day_moves_the_cursor_there() {
    let mut h = Harness::new(sample_today());
    let (text, map) = frame(&h);
    // June 2017 starts on a Thursday: the 1st is in the first week's
    // fifth cell (columns 16–19); 第3回 (the 21st) is the cursor.
    let week0 = row_of(&text, "  日  月  火") + 1;
    let hit = map.at(17, week0).expect("the 1st");
    assert_eq!(hit.steps, vec![(Action::DayLeft, 20)]);
    click(&mut h, &map, 17, week0);
    assert_eq!(h.state.calendar.cursor.to_string(), "2017-06-01");
    assert_eq!(h.selected_number(), Some(3), "no meeting on the 1st");
    // Columns left of the grid's first cell on a week row are blank.
    assert!(map.at(1, week0).is_none(), "before the 1st: no day");
}

#[test]
fn nothing_is_taken_under_a_prompt_or_the_help() {
    let mut h = Harness::new(sample_today());
    h.key("?");
    let (_, map) = frame(&h);
    click(&mut h, &map, 20, 0);
    assert_eq!(h.state.tab, Tab::Meetings);
    assert!(h.state.help);
}
