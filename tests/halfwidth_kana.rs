//! Half-width katakana with voiced and semi-voiced marks (ﾞ U+FF9E, ﾟ
//! U+FF9F: spacing characters of one column on every terminal, though
//! Unicode makes them extend the cluster before them) and the combining
//! marks U+3099/U+309A are drawn as stored, each character in its place:
//! in the buffer's cells (TestBackend) and in the bytes the real binary
//! writes to a pseudo-terminal (read back by a terminal emulator).

mod support;

use crossterm::event::KeyCode;
use kusei::db::progress_board::Period;
use kusei::model::Half;
use ratatui::backend::TestBackend;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use ratatui::Terminal;
use support::harness::{buffer_text, minutes};
use unicode_width::UnicodeWidthChar;

/// Every half-width katakana, each with ﾞ and with ﾟ (the real pairs and
/// the odd ones alike), and the odd placements of the marks.
fn halfwidth_cases() -> Vec<String> {
    let mut cases = Vec::new();
    for base in '\u{FF66}'..='\u{FF9D}' {
        for mark in ['\u{FF9E}', '\u{FF9F}'] {
            cases.push(format!("{base}{mark}会議"));
        }
    }
    cases.extend(
        [
            "ｸﾞﾙｰﾌﾟ会議",
            "課長ｸﾞﾙｰﾌﾟ会議を活用し",
            "ﾞ先頭の濁点",
            "ﾟ先頭の半濁点",
            "ｶﾞﾞ二つ",
            "会ﾞ漢字の後",
            "aﾟ英字の後",
            "ﾊﾟﾋﾟﾌﾟﾍﾟﾎﾟ",
            "ｳﾞｧｲｵﾘﾝ",
            "ﾜﾞｦﾞ",
        ]
        .map(String::from),
    );
    cases
}

/// Combining (semi-)voiced marks after kana of every kind and alone.
fn combining_cases() -> Vec<String> {
    let mut cases = Vec::new();
    for base in ['か', 'は', 'カ', 'ハ', 'ｶ', 'ﾊ', 'a', '会'] {
        for mark in ['\u{3099}', '\u{309A}'] {
            cases.push(format!("{base}{mark}会議"));
        }
    }
    cases.push("\u{3099}先頭".into());
    cases.push("ｸ\u{3099}ﾙｰﾌ\u{309A}会議".into());
    cases
}

/// Columns a terminal gives `s`: wcwidth per character, the half-width
/// marks one column each, combining marks none.
fn terminal_width(s: &str) -> usize {
    s.chars()
        .map(|c| match c {
            '\u{FF9E}' | '\u{FF9F}' => 1,
            c => c.width().unwrap_or(0),
        })
        .sum()
}

/// Draw `text` followed by `|` on one row the way the app draws text
/// (wrapped by `ui::wrap`, or cut by `truncate_to_width`), then finish the
/// frame as the app does.
fn draw_row(text: &str, cut: bool) -> ratatui::buffer::Buffer {
    let mut t = Terminal::new(TestBackend::new(60, 1)).expect("terminal");
    t.draw(|f| {
        let line = if cut {
            let (s, _) = kusei::widget::width::truncate_to_width(&format!("{text}|"), 60);
            Line::from(s)
        } else {
            let rows = kusei::ui::wrap::wrap_line(&Line::from(format!("{text}|")), 60, 0);
            rows.into_iter().next().expect("a row")
        };
        f.render_widget(Paragraph::new(line), f.area());
        kusei::widget::width::restore_marks(f.buffer_mut());
    })
    .expect("draw");
    t.backend().buffer().clone()
}

fn check_cells(text: &str, buf: &ratatui::buffer::Buffer) {
    let (row, hidden) = buffer_text(buf);
    assert_eq!(row.trim_end(), format!("{text}|"), "{text:?}");
    assert!(hidden.is_empty(), "{text:?}: {hidden:?}");
    // The bar lands where a terminal puts it: nothing shifted.
    let bar = (0..60)
        .find(|x| buf[(*x, 0)].symbol() == "|")
        .expect("the bar");
    assert_eq!(bar as usize, terminal_width(text), "{text:?}");
    // Each half-width mark in a cell of its own, never recomposed.
    for x in 0..60u16 {
        let sym = buf[(x, 0)].symbol();
        if sym.contains(['\u{FF9E}', '\u{FF9F}']) {
            assert_eq!(sym.chars().count(), 1, "{text:?} at {x}: {sym:?}");
        }
        assert!(!sym.contains(['\u{FDD0}', '\u{FDD1}']), "stand-in left");
    }
}

#[test]
fn every_halfwidth_voiced_and_semi_voiced_pair_keeps_its_cells() {
    for text in halfwidth_cases() {
        check_cells(&text, &draw_row(&text, false));
        check_cells(&text, &draw_row(&text, true));
    }
}

#[test]
fn combining_marks_stay_on_their_base() {
    for text in combining_cases() {
        for cut in [false, true] {
            let buf = draw_row(&text, cut);
            let (row, _) = buffer_text(&buf);
            // A mark with no base at all has nothing to sit on: left out,
            // and nothing after it moves.
            let want = text.strip_prefix('\u{3099}').unwrap_or(&text);
            assert_eq!(row.trim_end(), format!("{want}|"), "{text:?}");
            let bar = (0..60).find(|x| buf[(*x, 0)].symbol() == "|").unwrap();
            assert_eq!(bar as usize, terminal_width(&text), "{text:?}");
        }
    }
}

#[test]
fn typed_in_minutes_it_shows_as_typed_in_the_input_and_the_list() {
    let mut h = minutes();
    h.type_text("ｸﾞﾙｰﾌﾟ会議で検討");
    let s = h.screen(80, 24);
    assert!(s.contains("ｸﾞﾙｰﾌﾟ会議で検討"), "{}", s.text);
    assert!(!s.contains("グ"), "{}", s.text);
    assert!(s.hidden.is_empty(), "{:?}", s.hidden);
    h.key("Enter");
    for (w, ht) in [(80, 24), (160, 48)] {
        let s = h.screen(w, ht);
        assert!(s.contains("ｸﾞﾙｰﾌﾟ会議で検討"), "{}", s.text);
        assert!(s.hidden.is_empty(), "{:?}", s.hidden);
    }
}

#[test]
fn seed_004_detail_shows_the_halfwidth_group_meeting_whole() {
    let mut h = support::progress::Harness::new(support::driver::date(2025, 11, 20), |_| {});
    h.select("協議制度");
    h.goto_period(Period::new(2013, Half::First));
    h.key(KeyCode::Enter);
    for w in [80u16, 120, 160] {
        let (buf, _) = support::screen::draw(&h.state, &kusei::ui::Theme::monochrome(), w, 48);
        let (text, hidden) = buffer_text(&buf);
        let flat: String = text.lines().map(str::trim).collect();
        assert!(flat.contains("課長ｸﾞﾙｰﾌﾟ会議を活用し"), "{w}:\n{text}");
        assert!(hidden.is_empty(), "{hidden:?}");
    }
}

#[test]
fn pty_bytes_carry_the_marks_in_their_own_columns() {
    use support::pty::*;
    let s = setup();
    let mut app = App::spawn(s.dir.path(), &s.db);
    app.wait_until("the calendar", |s| s.contains("平成29年度"));
    app.send(b"m");
    app.wait_for("記録中");
    app.send("ｸﾞﾙｰﾌﾟ会議で検討".as_bytes());
    app.wait_for("ｸﾞﾙｰﾌﾟ会議で検討");
    app.send(b"\r");
    let screen = app.wait_until("the saved entry in the list", |s| {
        s.lines()
            .any(|l| l.contains("ｸﾞﾙｰﾌﾟ会議で検討") && !l.contains('>'))
    });
    assert!(!screen.contains("グ"), "{screen}");
    let raw = app.shared.0.lock().unwrap().raw.clone();
    let text = String::from_utf8_lossy(&raw);
    // The marks are written after their bases, one column each: the run
    // up to the first wide character is one write, and the terminal's
    // own placement of it (checked on the emulated screen above) agrees
    // with where ratatui puts the next character.
    assert!(text.contains("ｸﾞﾙｰﾌﾟ会"), "the bytes in order");
    assert!(!text.contains('\u{FDD0}') && !text.contains('\u{FDD1}'));
    // Every row of the emulated terminal has the columns ratatui planned:
    // the status line still ends at the right edge, not past it.
    for line in screen.lines() {
        assert!(terminal_width(line) <= 80, "{line}");
    }
    app.send(b"\x1b");
    app.wait_until("list mode", |s| {
        s.contains("記録・選択") || s.contains("終える")
    });
    app.send(b"\x1b");
    app.wait_until("the calendar", |s| !s.contains("記録中"));
    app.send(b"q");
    app.wait_exit();
}
