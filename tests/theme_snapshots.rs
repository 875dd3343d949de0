//! One screen (the calendar on the sample data, 80×24) in each shipped
//! theme, and screens in the ASCII glyph set. Each snapshot has the text
//! and then, per row, the distinct styles on it (foreground/background
//! modifiers, in order of first appearance), so the themes differ in the
//! snapshot and a change of colour shows in review.

mod support;

use kusei::config::glyphs::{ASCII, UNICODE};
use kusei::ui::theme::color::ColorDepth;
use kusei::ui::theme::file::SHIPPED;
use kusei::ui::Theme;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};
use support::harness::{ambiguous_cells, sample_today, Harness, Screen};

fn color(c: Color) -> String {
    match c {
        Color::Reset => "-".into(),
        Color::Rgb(r, g, b) => format!("#{r:02x}{g:02x}{b:02x}"),
        Color::Indexed(i) => format!("@{i}"),
        named => format!("{named:?}"),
    }
}

fn modifiers(m: Modifier) -> String {
    if m.is_empty() {
        String::new()
    } else {
        format!(" {m:?}")
            .replace("Modifier(", "")
            .replace(')', "")
            .replace(" | ", "+")
    }
}

/// Row by row, the distinct (fg/bg modifiers) of its cells.
fn styles(buf: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut seen: Vec<String> = Vec::new();
        for x in 0..buf.area.width {
            let cell = &buf[(x, y)];
            let s = format!(
                "{}/{}{}",
                color(cell.fg),
                color(cell.bg),
                modifiers(cell.modifier)
            );
            if !seen.contains(&s) {
                seen.push(s);
            }
        }
        out.push_str(&format!("{y:>2}: {}\n", seen.join(", ")));
    }
    out
}

fn with_styles(s: &Screen) -> String {
    format!("{}\n-- styles --\n{}", s.text, styles(&s.buffer))
}

fn calendar(theme: Theme) -> Harness {
    let mut h = Harness::new(sample_today());
    h.theme = theme;
    h
}

#[test]
fn the_calendar_in_each_shipped_theme() {
    let mut seen = Vec::new();
    for (name, _) in SHIPPED {
        let (theme, warnings) = Theme::resolve(name, UNICODE, None, false, ColorDepth::TrueColor);
        assert!(warnings.is_empty(), "{warnings:?}");
        let mut h = calendar(theme);
        let s = h.screen(80, 24);
        assert!(s.hidden.is_empty(), "{name}: {:?}", s.hidden);
        let text = with_styles(&s);
        assert!(!seen.contains(&text), "{name} looks like another theme");
        seen.push(text.clone());
        insta::assert_snapshot!(format!("calendar_theme_{name}_80x24"), text);
    }
}

/// The dark theme on a 256-colour and on a 16-colour terminal: every
/// `#rrggbb` becomes the nearest palette colour.
#[test]
fn the_dark_theme_falls_back_to_the_terminal_depth() {
    for (depth, tag) in [(ColorDepth::Ansi256, "256"), (ColorDepth::Ansi16, "16")] {
        let (theme, _) = Theme::resolve("dark", UNICODE, None, false, depth);
        let mut h = calendar(theme);
        let s = h.screen(80, 24);
        let st = styles(&s.buffer);
        assert!(!st.contains('#'), "{tag}: an RGB colour is left\n{st}");
        if depth == ColorDepth::Ansi16 {
            assert!(!st.contains('@'), "16: an indexed colour is left\n{st}");
        }
        insta::assert_snapshot!(format!("calendar_theme_dark_at_{tag}_80x24"), st);
    }
}

#[test]
fn no_color_draws_without_colour() {
    let (theme, _) = Theme::resolve("dark", UNICODE, None, true, ColorDepth::TrueColor);
    let mut h = calendar(theme);
    let st = styles(&h.screen(80, 24).buffer);
    for line in st.lines() {
        let (_, list) = line.split_once(": ").unwrap();
        for style in list.split(", ") {
            assert!(style.starts_with("-/-"), "a colour under NO_COLOR: {line}");
        }
    }
}

fn ascii_theme() -> Theme {
    Theme::default_dark().with_glyphs(ASCII)
}

/// The glyphs on screen are ASCII wherever the chrome draws a marker:
/// the scrolled calendar detail (bullets), the attendance matrix (o and .),
/// minute taking (+ for saved, | for a line break in the input).
#[test]
fn the_ascii_glyph_set() {
    let mut h = calendar(ascii_theme());
    h.keys("S-J S-J");
    let s = h.screen(80, 24);
    assert!(s.contains("  - "), "{}", s.text);
    assert!(ambiguous_cells(&s.buffer).is_empty());
    insta::assert_snapshot!("calendar_scrolled_ascii_80x24", s.text);

    let mut h = calendar(ascii_theme());
    h.key("2");
    let s = h.screen(80, 24);
    assert!(!s.text.contains('〇'), "{}", s.text);
    assert!(s.text.contains(" o "), "{}", s.text);
    insta::assert_snapshot!("attendance_ascii_80x24", s.text);

    let mut h = calendar(ascii_theme());
    h.key("m");
    h.type_text("区長：予算の見直し").key("Enter");
    h.type_text("一行目");
    h.paste("\n二行目");
    h.flush_drafts();
    let s = h.screen(80, 24);
    assert!(!s.text.contains('✓') && !s.text.contains('⏎'), "{}", s.text);
    assert!(s.contains("+  - 区長：予算の見直し"), "{}", s.text);
    assert!(s.contains("一行目|二行目"), "{}", s.text);
    insta::assert_snapshot!("minutes_ascii_80x24", s.text);
}
