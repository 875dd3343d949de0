//! The pictures, on the sample data: the attendance pane's sparklines per
//! job title and bars per meeting (`v`), and the calendar's year view with
//! the meetings of each month (`v`). Snapshots at 80×24 and 160×48 in the
//! `unicode` and `ascii` glyph sets; ascii frames hold no East Asian
//! ambiguous-width character (no block elements), and the default theme
//! uses only the 16 ANSI colours.

mod support;

use kusei::config::glyphs::ASCII;
use kusei::ui::Theme;
use ratatui::style::Color;
use support::harness::{ambiguous_cells, sample_today, Harness};

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];

fn sets() -> [(&'static str, Theme); 2] {
    [
        ("unicode", Theme::monochrome()),
        ("ascii", Theme::monochrome().with_glyphs(ASCII)),
    ]
}

fn snap_all(mut open: impl FnMut() -> Harness, name: &str) {
    for (set, theme) in sets() {
        let mut h = open();
        h.theme = theme;
        for (w, ht) in SIZES {
            let s = h.screen(w, ht);
            assert!(s.hidden.is_empty(), "{name} {set} {w}x{ht}: {:?}", s.hidden);
            if set == "ascii" {
                assert!(
                    ambiguous_cells(&s.buffer).is_empty(),
                    "{name} {w}x{ht}: {:?}\n{}",
                    ambiguous_cells(&s.buffer),
                    s.text
                );
            } else {
                assert!(s.contains("█"), "{name} draws bars:\n{}", s.text);
            }
            insta::assert_snapshot!(format!("{name}_{set}_{w}x{ht}"), s.text);
        }
        // In the 16 colours of the default theme too.
        h.theme = Theme::default_dark();
        let s = h.screen(80, 24);
        for c in s.buffer.content.iter() {
            for col in [c.fg, c.bg] {
                assert!(
                    !matches!(col, Color::Rgb(..) | Color::Indexed(_)),
                    "{name}: {col:?}"
                );
            }
        }
    }
}

fn attendance_chart() -> Harness {
    let mut h = Harness::new(sample_today());
    h.key("2").key("v");
    assert!(h.state.attendance.chart);
    h
}

fn calendar_year() -> Harness {
    let mut h = Harness::new(sample_today());
    h.key("v");
    assert!(h.state.calendar.year_view);
    h
}

#[test]
fn attendance_sparklines_and_rate_bars() {
    snap_all(attendance_chart, "attendance_chart");
    let mut h = attendance_chart();
    let s = h.screen(80, 24);
    // 第2回: 21 of the 25 titles shown attended.
    assert!(s.contains("84"), "{}", s.text);
    assert!(s.contains("区長"), "{}", s.text);
    assert!(s.contains("5/5"), "{}", s.text);
    // v again: the matrix.
    h.key("v");
    assert!(!h.state.attendance.chart);
    assert!(h.screen(80, 24).contains("出席者数"));
}

#[test]
fn calendar_year_view_of_meeting_density() {
    snap_all(calendar_year, "calendar_year");
    let mut h = calendar_year();
    let s = h.screen(80, 24);
    assert!(s.contains("平成29年度 月ごとの会議 5 件"), "{}", s.text);
    for m in ["4月", "8月", "9月", "3月"] {
        assert!(s.contains(m), "{m}\n{}", s.text);
    }
    let d = kusei::app::panes::calendar::year::density(&h.state.calendar);
    let counts: Vec<u64> = d.iter().map(|(_, n)| *n).collect();
    assert_eq!(counts, [1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0]);
    // The month keys still move; v again: the month grid.
    h.key("PgDn");
    assert_eq!(h.state.calendar.month, support::harness::date(2017, 7, 1));
    h.key("v");
    assert!(!h.state.calendar.year_view);
    assert!(h.screen(80, 24).contains("日  月  火  水  木  金  土"));
}
