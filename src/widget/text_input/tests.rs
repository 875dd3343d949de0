use super::*;
use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::style::{Color, Style};
use unicode_width::UnicodeWidthStr;
use InputOutcome::{Changed, Error, Moved, Unchanged, Unhandled};

fn typed(s: &str) -> TextInput {
    let mut t = TextInput::new();
    s.chars().for_each(|c| t.insert_char(c).unwrap());
    t
}

fn at(t: &TextInput) -> (usize, usize) {
    (t.caret(), t.caret_column())
}

fn row(t: &TextInput, area: Rect) -> Vec<String> {
    let mut buf = Buffer::empty(Rect::new(0, 0, area.right() + 2, area.bottom()));
    t.render(area, &mut buf, Style::default(), Style::default());
    let cells = area.left()..area.right();
    cells
        .map(|x| buf[(x, area.y)].symbol().to_string())
        .collect()
}

fn press(t: &mut TextInput, code: KeyCode, m: KeyModifiers) -> InputOutcome {
    t.handle_key(&KeyEvent::new(code, m))
}

#[test]
fn typing_moving_and_backspace_in_japanese() {
    let mut t = typed("平成29年度の予算");
    assert_eq!(at(&t), (t.text().len(), 16));
    assert!(t.home() && !t.home());
    assert_eq!(at(&t), (0, 0));
    t.move_right();
    t.move_right();
    assert_eq!(at(&t), (6, 4));
    t.move_right();
    assert_eq!(at(&t), (7, 5));
    assert!(t.end() && !t.move_right() && t.move_left());
    assert_eq!(at(&t), (t.text().len() - 3, 14));
    assert!(t.backspace());
    assert_eq!((t.text(), t.caret_column()), ("平成29年度の算", 12));
}

#[test]
fn words_follow_character_classes() {
    let s = "区長は大規模団地について話した";
    let mut t = TextInput::with_text(s);
    let mut stops = vec![];
    while t.word_left() {
        stops.push(s[t.caret()..].chars().count());
    }
    assert_eq!(stops, [2, 3, 7, 12, 13, 15]);
    let cases = [
        (s, "区長|は|大規模団地|について|話|した"),
        (
            "ｶﾀｶﾅとカタカナーと3ヶ月、ABC１２ x",
            "ｶﾀｶﾅ|と|カタカナー|と|3|ヶ月|、|ABC１２| x",
        ),
    ];
    for (s, want) in cases {
        let (mut t, mut words, mut last) = (TextInput::with_text(s), vec![], 0);
        t.home();
        while t.word_right() {
            words.push(&s[last..t.caret()]);
            last = t.caret();
        }
        assert_eq!(words.join("|"), want);
    }
}

#[test]
fn kill_commands() {
    let mut t = TextInput::with_text("予算案について　");
    assert!(t.kill_word_back());
    assert_eq!(t.text(), "予算案");
    assert!(t.kill_word_back() && !t.kill_word_back());
    let mut t = TextInput::with_text("第3回 定例会");
    t.set_caret("第3回".len());
    assert!(t.kill_to_end() && !t.kill_to_end());
    assert_eq!(t.text(), "第3回");
    t.set_caret(3);
    assert!(t.kill_to_start());
    assert_eq!((t.text(), t.caret()), ("3回", 0));
    assert!(t.undo() && t.undo());
    assert_eq!(t.text(), "第3回 定例会");
}

#[test]
fn undo_redo_granularity() {
    let mut t = typed("会議abc 議事");
    assert!(t.undo());
    assert_eq!(t.text(), "会議abc ");
    t.insert_str("録").unwrap();
    assert!(!t.redo(), "a new edit clears redo");
    t.move_left();
    t.insert_char('x').unwrap();
    assert_eq!(t.text(), "会議abc x録");
    assert!(t.undo() && t.undo() && t.undo() && !t.undo());
    assert_eq!(at(&t), (0, 0));
    assert!(t.redo());
    assert_eq!((t.text(), t.caret()), ("会議abc ", 10));
    t.paste("要旨").unwrap();
    assert!(t.backspace() && t.backspace() && t.undo());
    assert_eq!(t.text(), "会議abc 要");
    assert!(t.undo());
    assert_eq!(t.text(), "会議abc 要旨");
    assert!(t.undo());
    assert_eq!(t.text(), "会議abc ");
    t.clear();
    assert!(t.is_empty() && t.undo());
    assert_eq!(t.take(), "会議abc ");
    assert!(!t.undo() && t.is_empty());
}

#[test]
fn paste_normalises_newlines_and_is_one_step() {
    let mut t = typed("議題");
    t.paste("一行目\r\n二行目\r三\t四\u{7}").unwrap();
    assert_eq!(t.text(), "議題一行目\n二行目\n三 四");
    assert!(t.undo());
    assert_eq!(t.text(), "議題");
    let (t, area) = (TextInput::with_text("一\r\n二"), Rect::new(0, 0, 6, 1));
    let mut buf = Buffer::empty(area);
    let muted = Style::default().fg(Color::DarkGray);
    t.render(area, &mut buf, Style::default(), muted);
    let marker = &buf[(2, 0)];
    assert_eq!(
        (marker.symbol(), marker.fg),
        (NEWLINE_MARKER, Color::DarkGray)
    );
    assert_eq!((buf[(3, 0)].symbol(), t.caret_column()), ("二", 5));
    assert_eq!(TextInput::new().handle_paste("\u{1b}\u{7}"), Unchanged);
    // width_cjk counts East Asian Ambiguous as 2: the marker is not ambiguous, ¶ is.
    assert_eq!((NEWLINE_MARKER.width(), NEWLINE_MARKER.width_cjk()), (1, 1));
    assert_eq!("¶".width_cjk(), 2);
}

#[test]
fn size_cap_refuses_the_whole_edit() {
    let mut t = TextInput::with_text(&"a".repeat(DEFAULT_MAX_BYTES - 3));
    t.home();
    let err = t.paste("あい").unwrap_err();
    let (limit_bytes, attempted_bytes) = (1_048_576, 1_048_579);
    assert_eq!(
        err,
        InputError::TooLarge {
            limit_bytes,
            attempted_bytes
        }
    );
    let msg = "貼り付けが大きすぎます（1,048,579バイト。上限は1 MiB）";
    assert_eq!(err.to_string(), msg);
    assert_eq!((t.text().len(), t.caret()), (DEFAULT_MAX_BYTES - 3, 0));
    assert!(!t.undo());
    assert_eq!(
        press(&mut t, KeyCode::Char('字'), KeyModifiers::NONE),
        Changed
    );
    assert_eq!(t.text().len(), DEFAULT_MAX_BYTES);
    assert_eq!(press(&mut t, KeyCode::Char('b'), KeyModifiers::NONE), Error);
    assert!(matches!(t.take_error(), Some(InputError::TooLarge { .. })));
    let mut small = TextInput::new().with_max_bytes(1500);
    let err = small.insert_str(&"x".repeat(1501)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "貼り付けが大きすぎます（1,501バイト。上限は1,500バイト）"
    );
    assert!(small.is_empty());
}

#[test]
fn scrolling_keeps_caret_visible_and_never_draws_half_a_wide_char() {
    let s: String = (0..30).filter_map(|i| char::from_u32(0x4E00 + i)).collect();
    let mut t = TextInput::with_text(&s);
    let area = Rect::new(5, 0, 10, 1);
    assert_eq!(t.scroll_for_width(10), 51);
    assert_eq!(t.cursor_position(area), Position::new(14, 0));
    let tail: Vec<String> = s.chars().skip(26).map(String::from).collect();
    let cells = row(&t, area);
    assert_eq!(cells[0], " ", "right half of char 25 is not drawn");
    let drawn: Vec<String> = cells[1..9].iter().step_by(2).cloned().collect();
    assert_eq!((drawn, cells[9].as_str()), (tail, " "));
    t.home();
    assert_eq!((t.scroll_for_width(10), t.cursor_position(area).x), (0, 5));
    let (mut t, area) = (TextInput::with_text("a区長"), Rect::new(0, 0, 4, 1));
    t.home();
    assert_eq!(
        row(&t, area),
        ["a", "区", " ", " "],
        "長 would straddle the edge"
    );
    t.end();
    assert_eq!((t.scroll_for_width(4), t.cursor_position(area).x), (2, 3));
}

#[test]
fn cursor_is_on_the_rendered_caret_cell() {
    for s in [
        "平成29年度の予算",
        "aか\u{3099}き\n👍🏽ｶﾞ　x",
        "区長は大規模団地",
    ] {
        for w in 1..14u16 {
            let (area, mut t) = (Rect::new(3, 0, w, 1), TextInput::with_text(s));
            t.home();
            loop {
                let pos = t.cursor_position(area);
                assert!(pos.x >= area.x && pos.x < area.right() && pos.y == 0);
                let g = t.text()[t.caret()..].graphemes(true).next().unwrap_or(" ");
                let g = if g == "\n" { NEWLINE_MARKER } else { g };
                if cluster_width(g) <= usize::from(w) {
                    let cell = &row(&t, area)[usize::from(pos.x - area.x)];
                    assert_eq!(*cell, display_cluster(g), "{s:?} w={w} caret={}", t.caret());
                }
                if !t.move_right() {
                    break;
                }
            }
        }
    }
}

#[test]
fn combining_marks_move_and_delete_with_their_base() {
    let mut t = typed("か\u{3099}き");
    assert_eq!(at(&t), (9, 4));
    assert!(t.move_left());
    assert_eq!(at(&t), (6, 2));
    assert!(t.move_left());
    assert_eq!(t.caret(), 0);
    t.set_caret(4);
    assert_eq!(t.caret(), 0, "set_caret snaps out of the cluster");
    t.set_caret(999);
    assert!(t.move_left() && t.backspace());
    assert_eq!(t.text(), "き");
    let mut t = TextInput::with_text("\u{3099}");
    t.home();
    t.insert_char('か').unwrap();
    assert_eq!((t.text(), t.caret()), ("か\u{3099}", 6));
}

#[test]
fn key_mapping() {
    let (none, ctrl, alt) = (KeyModifiers::NONE, KeyModifiers::CONTROL, KeyModifiers::ALT);
    let mut t = TextInput::new();
    for c in "会議 録".chars() {
        assert_eq!(press(&mut t, KeyCode::Char(c), none), Changed);
    }
    assert_eq!(
        press(&mut t, KeyCode::Char('A'), KeyModifiers::SHIFT),
        Changed
    );
    use KeyCode::{Backspace, Char, Enter, Esc, Right, Tab, Up, F};
    let script = [
        (Char('a'), ctrl, Moved, 0),
        (Char('a'), ctrl, Unchanged, 0),
        (Char('f'), alt, Moved, 6),
        (Right, ctrl, Moved, 10),
        (Char('b'), alt, Moved, 7),
        (Char('k'), ctrl, Changed, 7),
        (Char('7'), ctrl, Changed, 7),
        (Char('y'), ctrl, Changed, 7),
        (Char('h'), ctrl, Changed, 6),
        (Backspace, alt, Changed, 0),
        (Char('z'), ctrl, Changed, 6),
        (Enter, none, Unhandled, 6),
        (Esc, none, Unhandled, 6),
        (Tab, none, Unhandled, 6),
        (Up, none, Unhandled, 6),
        (F(2), none, Unhandled, 6),
        (Char('s'), ctrl, Unhandled, 6),
    ];
    for (code, m, want, caret) in script {
        let got = press(&mut t, code, m);
        assert_eq!((got, t.caret()), (want, caret), "{code:?} {m:?}");
    }
    let release = KeyEvent::new_with_kind(Char('x'), none, KeyEventKind::Release);
    assert_eq!((t.handle_key(&release), t.text()), (Unhandled, "会議"));
}

#[test]
fn placeholder_and_width_helpers() {
    let t = TextInput::new().with_placeholder("検索語を入力");
    assert_eq!(row(&t, Rect::new(0, 0, 5, 1)), ["検", " ", "索", " ", " "]);
    assert_eq!(
        t.cursor_position(Rect::new(2, 4, 5, 1)),
        Position::new(2, 4)
    );
    assert_eq!(display_width("平成29年"), 8);
    assert_eq!(truncate_to_width("平成29年", 5), ("平成2".to_string(), 5));
    assert_eq!(truncate_to_width("平成", 3), ("平".to_string(), 2));
    assert_eq!(
        [pad_to_width("平成", 3), pad_to_width("区", 4)],
        ["平 ", "区  "]
    );
    assert_eq!(TextInput::with_text("a\tb\u{1b}").text(), "a b");
}

mod props {
    use super::*;
    use proptest::prelude::*;

    const ALPHABET: &[&str] = &[
        "あ", "か", "\u{3099}", "区", "長", "ア", "ー", "ｶ", "ﾞ", "a", "Z", "1", " ", "　", "、",
        "\n", "\r\n", "\t", "👍", "🏽", "\u{7}", "e\u{301}", "々",
    ];

    #[derive(Debug, Clone)]
    enum Op {
        Char(char),
        Str(String),
        Paste(String),
        Caret(usize),
        Act(usize),
    }

    fn op() -> impl Strategy<Value = Op> {
        let s = || prop::collection::vec(prop::sample::select(ALPHABET), 0..6);
        let first = |g: &str| g.chars().next().unwrap();
        prop_oneof![
            prop::sample::select(ALPHABET).prop_map(move |g| Op::Char(first(g))),
            s().prop_map(|v| Op::Str(v.concat())),
            s().prop_map(|v| Op::Paste(v.concat())),
            (0usize..60).prop_map(Op::Caret),
            (0usize..ACTS.len()).prop_map(Op::Act),
        ]
    }

    #[rustfmt::skip]
    const ACTS: [fn(&mut TextInput) -> bool; 14] = [
        TextInput::backspace, TextInput::delete, TextInput::move_left, TextInput::move_right,
        TextInput::word_left, TextInput::word_right, TextInput::home, TextInput::end,
        TextInput::kill_to_start, TextInput::kill_word_back, TextInput::kill_to_end,
        TextInput::undo, TextInput::redo, |t| { t.clear(); true },
    ];

    proptest! {
        #[test]
        fn invariants_hold(ops in prop::collection::vec(op(), 0..60), widths in prop::collection::vec(1u16..80, 1..4)) {
            let mut t = TextInput::new();
            for op in ops {
                match op {
                    Op::Char(c) => t.insert_char(c).unwrap(),
                    Op::Str(s) => t.insert_str(&s).unwrap(),
                    Op::Paste(s) => t.paste(&s).unwrap(),
                    Op::Caret(b) => t.set_caret(b),
                    Op::Act(n) => { ACTS[n](&mut t); }
                }
                let (text, caret) = (t.text(), t.caret());
                prop_assert!(caret <= text.len() && text.is_char_boundary(caret));
                prop_assert!(caret == text.len() || text.grapheme_indices(true).any(|(i, _)| i == caret));
                prop_assert!(t.caret_column() <= display_width(text));
                prop_assert!(!text.contains(|c: char| c.is_control() && c != '\n'));
                for &w in &widths {
                    let area = Rect::new(1, 0, w, 1);
                    let mut buf = Buffer::empty(Rect::new(0, 0, 82, 1));
                    t.render(area, &mut buf, Style::default(), Style::default());
                    let pos = t.cursor_position(area);
                    prop_assert!(pos.x >= area.x && pos.x < area.right());
                }
            }
            let final_text = t.text().to_string();
            let mut undone = 0;
            while t.undo() { undone += 1; }
            prop_assert_eq!(t.text(), "");
            for _ in 0..undone { prop_assert!(t.redo()); }
            prop_assert_eq!(t.text(), final_text);
        }
    }
}

/// The caret column (where the terminal cursor goes, and so where the IME
/// draws) for every kind of text a minute taker types.
#[test]
fn caret_column_for_kana_kanji_halfwidth_katakana_emoji_and_ascii() {
    let cases: &[(&str, usize)] = &[
        ("ひらがな", 8),
        ("カタカナ", 8),
        ("漢字区政", 8),
        ("ｸﾞﾙｰﾌﾟ", 6),
        ("😀👍", 4),
        ("👨‍👩‍👧", 2),
        ("R7年度 ABC", 10),
        ("区長:OK", 7),
        ("か\u{3099}", 2),
    ];
    for (text, cols) in cases {
        let mut input = TextInput::new();
        input.insert_str(text).expect("insert");
        assert_eq!(input.caret_column(), *cols, "{text}");
        let area = Rect::new(3, 1, 40, 1);
        let pos = input.cursor_position(area);
        assert_eq!(pos.x as usize, 3 + cols, "{text}");
        // One step left goes back over exactly one character cluster.
        input.move_left();
        let last = text.graphemes(true).next_back().map_or(0, cluster_width);
        assert_eq!(input.caret_column(), cols - last, "{text}");
    }
}
