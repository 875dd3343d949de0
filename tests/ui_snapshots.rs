//! What the screens look like: insta snapshots of the text a terminal shows,
//! at 80×24 (the smallest terminal we support) and 160×48, on the sample
//! data with the calendar's "today" fixed at 平成29年6月21日 (the day of
//! 第3回, so that meeting is selected and its detail is shown).
//!
//! Review new snapshots by eye (`INSTA_UPDATE=always cargo test --test
//! ui_snapshots`, then read tests/snapshots/*.snap): Japanese must read
//! naturally, each double-width character once.

mod support;

use support::harness::{ambiguous_cells, is_forbidden_chrome_glyph, sample_today, Harness, Screen};

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];

/// Snapshot a screen at both sizes as `{name}_{w}x{h}`.
fn snap_both(h: &mut Harness, name: &str) {
    for (w, ht) in SIZES {
        let s = h.screen(w, ht);
        assert!(
            s.hidden.is_empty(),
            "{name} {w}x{ht}: content drawn under wide characters is never seen: {:?}\n{}",
            s.hidden,
            s.text
        );
        insta::assert_snapshot!(format!("{name}_{w}x{ht}"), s.text);
    }
}

fn calendar() -> Harness {
    Harness::new(sample_today())
}

fn minutes_after_typing() -> Harness {
    let mut h = calendar();
    h.key("m");
    h.type_text("区長：予算の見直しを検討すること。")
        .key("Enter");
    h.type_text("副区長：地域の声を聞く場を増やしたい");
    h
}

fn calendar_help() -> Harness {
    let mut h = calendar();
    h.key("?");
    h
}

fn minutes_help() -> Harness {
    let mut h = calendar();
    h.keys("m Esc ?");
    h
}

fn speaker_prompt() -> Harness {
    let mut h = calendar();
    h.keys("m C-t");
    h.type_text("副区");
    h
}

fn attendance_tab() -> Harness {
    let mut h = calendar();
    h.key("2");
    h
}

#[test]
fn calendar_with_the_selected_meeting() {
    let mut h = calendar();
    assert_eq!(h.selected_number(), Some(3));
    snap_both(&mut h, "calendar");
    let s = h.screen(80, 24);
    assert!(s.contains("平成29年(2017) 6月"), "{}", s.text);
    assert!(s.contains("平成29年度"), "{}", s.text);
    assert!(s.contains("第3回"), "{}", s.text);
    assert!(s.contains("超過勤務"), "{}", s.text);
    assert_eq!(s.cursor, None, "no cursor while browsing");
}

/// At 80×24 the attendee list fills the detail; J scrolls it to the
/// agenda and its opinions.
#[test]
fn calendar_detail_scrolled_to_the_opinions() {
    let mut h = calendar();
    h.keys("S-J S-J");
    snap_both(&mut h, "calendar_scrolled");
    let s = h.screen(80, 24);
    assert!(
        s.contains("(1) 平成29年度4月の超過勤務の状況について"),
        "{}",
        s.text
    );
}

#[test]
fn minute_taking_after_typing_an_opinion() {
    let mut h = minutes_after_typing();
    snap_both(&mut h, "minutes");
    let s = h.screen(80, 24);
    assert!(
        s.contains("区長：予算の見直しを検討すること。"),
        "{}",
        s.text
    );
    assert!(s.cursor.is_some(), "the hardware cursor is at the caret");
}

#[test]
fn help_overlay_in_the_calendar() {
    let mut h = calendar_help();
    snap_both(&mut h, "help_calendar");
}

#[test]
fn help_overlay_in_minute_taking() {
    let mut h = minutes_help();
    assert!(h.state.help);
    snap_both(&mut h, "help_minutes");
}

#[test]
fn speaker_prompt_with_fuzzy_candidates() {
    let mut h = speaker_prompt();
    snap_both(&mut h, "prompt_speaker");
    let s = h.screen(80, 24);
    let first = s
        .text
        .lines()
        .find(|l| l.starts_with("  ") && l.contains("副"))
        .unwrap_or_default()
        .to_string();
    assert_eq!(first.trim(), "副区長", "best candidate first:\n{}", s.text);
}

#[test]
fn attendance_checklist_in_minute_taking() {
    let mut h = calendar();
    h.keys("m Esc c");
    h.type_text("課長");
    snap_both(&mut h, "attendance_checklist");
}

/// The help overlay must show every key of the focused pane and the global
/// keys, with its closing hint, at the smallest supported size.
#[test]
fn help_overlay_fits_80x24() {
    for (name, mut h) in [("calendar", calendar_help()), ("minutes", minutes_help())] {
        let s = h.screen(80, 24);
        assert!(
            s.contains("どのキーでも閉じます") && s.contains("終了"),
            "{name}: the help overlay is cut off at 80x24:\n{}",
            s.text
        );
    }
}

fn every_screen() -> Vec<(&'static str, Harness)> {
    let mut list_mode = calendar();
    list_mode.keys("m Esc");
    let mut other_tabs = Vec::new();
    for (name, key) in [("tab3", "3"), ("tab4", "4")] {
        let mut h = calendar();
        h.key(key);
        other_tabs.push((name, h));
    }
    let mut v = vec![
        ("calendar", calendar()),
        ("minutes", minutes_after_typing()),
        ("minutes_list", list_mode),
        ("help_calendar", calendar_help()),
        ("help_minutes", minutes_help()),
        ("prompt_speaker", speaker_prompt()),
        ("attendance", attendance_tab()),
    ];
    v.extend(other_tabs);
    v
}

fn forbidden_in(s: &Screen) -> Vec<(u16, u16, char)> {
    let area = s.buffer.area;
    let mut out = Vec::new();
    for y in area.top()..area.bottom() {
        for x in area.left()..area.right() {
            for c in s.buffer[(x, y)].symbol().chars() {
                if is_forbidden_chrome_glyph(c) {
                    out.push((x, y, c));
                }
            }
        }
    }
    out
}

/// The app draws no borders, and nothing East Asian ambiguous-width: in a
/// terminal that draws those glyphs double width (Tera Term, PuTTY in CJK
/// mode) every one of them shifts the rest of its line. The sample data's
/// own text has none on these screens, so any found is the chrome's.
#[test]
fn no_ambiguous_width_glyphs_on_any_screen() {
    let mut problems = Vec::new();
    for (name, mut h) in every_screen() {
        for (w, ht) in SIZES {
            let s = h.screen(w, ht);
            let bad = forbidden_in(&s);
            if !bad.is_empty() {
                problems.push(format!("{name} {w}x{ht}: forbidden glyphs {bad:?}"));
            }
            // Seed 002's own codes (提言 1-1-①) are data, not chrome: the
            // progress grid shows every item now, those proposals too.
            let amb: Vec<_> = ambiguous_cells(&s.buffer)
                .into_iter()
                .filter(|(_, _, c)| !('\u{2460}'..='\u{2473}').contains(c))
                .collect();
            if !amb.is_empty() {
                problems.push(format!("{name} {w}x{ht}: ambiguous-width {amb:?}"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Japanese has no spaces, so wrapping must break between characters: a
/// label stays on the row of its value and the ✓ on the row of its entry.
/// (A word wrapper that only breaks at spaces moves the whole sentence to
/// the next row and leaves "日時" or "✓" alone.)
#[test]
fn labels_and_check_marks_stay_with_their_text_when_wrapping() {
    let mut problems = Vec::new();
    for (w, ht) in SIZES {
        let mut h = calendar();
        let s = h.screen(w, ht);
        for label in ["日時", "出席 20名"] {
            let line = s.text.lines().find(|l| l.contains(label)).unwrap_or("");
            if line.trim_end().ends_with(label) {
                problems.push(format!("{w}x{ht} calendar: {label:?} alone: {line:?}"));
            }
        }
        let mut h = minutes_after_typing();
        let s = h.screen(w, ht);
        for line in s.text.lines().filter(|l| l.trim_end().ends_with('✓')) {
            problems.push(format!("{w}x{ht} minutes: ✓ alone: {line:?}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// "Keep the newest entries in view": also when entries wrap onto several
/// rows.
#[test]
fn the_newest_entry_stays_in_view_when_entries_wrap() {
    let mut h = calendar();
    h.key("m");
    for i in 1..=8 {
        let text = format!(
            "第{i}の意見：区役所の関係課が、それぞれの専門性を持ち寄って、地元の期待に応えられるよう、短期間で成果を出す必要がある。"
        );
        h.type_text(&text).key("Enter");
    }
    for (w, ht) in SIZES {
        let s = h.screen(w, ht);
        assert!(
            s.contains("第8の意見"),
            "{w}x{ht}: the newest entry is scrolled out of view:\n{}",
            s.text
        );
    }
}
