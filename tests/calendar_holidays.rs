//! 祝日 on the calendar: the day drawn as a Sunday is (red) on the grid and
//! named under it, from the maintained table (1948–2050, with the special
//! years 2019–2021).

mod support;

use chrono::Datelike;
use ratatui::style::Color;
use support::harness::{date, Harness};

/// The grid cell of `day` in the frame (its number, right-aligned in a
/// four-column cell), and its foreground colour.
fn cell_colour(s: &support::harness::Screen, day: u32) -> Option<Color> {
    let label = format!("{day:>2}");
    for y in 2..9u16 {
        let row = s.row(y);
        let bytes: Vec<char> = row.chars().collect();
        for x in 0..7usize {
            let cell: String = bytes.iter().skip(x * 4 + 2).take(2).collect();
            if cell == label {
                return Some(s.buffer[((x * 4 + 3) as u16, y)].fg);
            }
        }
    }
    None
}

fn on(day: chrono::NaiveDate) -> Harness {
    let mut h = Harness::new(day);
    h.theme = kusei::ui::Theme::default_dark();
    // The sample's meetings are in 2017: t comes to today.
    h.key("t");
    assert_eq!(h.state.calendar.month.month(), day.month());
    h
}

#[test]
fn showa_day_2026_is_marked_and_named() {
    let mut h = on(date(2026, 4, 29));
    let s = h.screen(80, 24);
    assert!(s.contains("29日(水) 昭和の日"), "{}", s.text);
    assert_eq!(cell_colour(&s, 29), Some(Color::Red), "{}", s.text);
    assert_ne!(cell_colour(&s, 28), Some(Color::Red));
}

#[test]
fn the_enthronement_day_2019_and_its_bridge_days() {
    let mut h = on(date(2019, 5, 1));
    let s = h.screen(80, 24);
    for want in [
        " 1日(水) 天皇の即位の日",
        " 2日(木) 国民の休日",
        " 6日(月) こどもの日 振替休日",
    ] {
        assert!(s.contains(want), "{want}\n{}", s.text);
    }
    assert_eq!(cell_colour(&s, 1), Some(Color::Red));
    assert_eq!(cell_colour(&s, 2), Some(Color::Red));
    // The day before, 4月30日, is in the month before.
    h.key("h");
    let s = h.screen(80, 24);
    assert!(s.contains("30日(火) 国民の休日"), "{}", s.text);
}

#[test]
fn sports_day_moved_for_the_2020_olympics() {
    let mut h = on(date(2020, 7, 24));
    let s = h.screen(80, 24);
    assert!(s.contains("23日(木) 海の日"), "{}", s.text);
    assert!(s.contains("24日(金) スポーツの日"), "{}", s.text);
    assert_eq!(cell_colour(&s, 24), Some(Color::Red));
    assert_eq!(kusei::wareki::holidays::name(date(2020, 10, 12)), None);
}
