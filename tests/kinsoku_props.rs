//! The one 禁則 wrapping (`ui::wrap::wrap_line`) on random Japanese text:
//! no text is lost, no row is wider than asked, no row starts with a
//! 行頭禁則 character (、。）」・ー small kana …) and none ends with an
//! opening bracket — for text where a fitting break exists within reach
//! (words of a character with at most two 禁則 characters after it and an
//! optional opening bracket before it, as Japanese prose is). For any text
//! at all, only the first two hold (the break cannot always be helped).

use proptest::prelude::*;
use ratatui::text::Line;
use unicode_width::UnicodeWidthStr;

use kusei::ui::wrap::{no_line_end, no_line_start, wrap_line};

const PLAIN: &[&str] = &[
    "区", "役", "所", "改", "革", "あ", "い", "カ", "キ", "A", "b", "1", "2", " ",
];
const CLOSING: &[&str] = &[
    "、", "。", "）", "」", "』", "】", "・", "ー", "っ", "ャ", "々", "…", "！", "？", ")", ",",
    ".",
];
const OPENING: &[&str] = &["「", "（", "『", "【", "("];

fn word() -> impl Strategy<Value = String> {
    (
        prop::option::of(prop::sample::select(OPENING)),
        prop::sample::select(PLAIN),
        prop::collection::vec(prop::sample::select(CLOSING), 0..=2),
    )
        .prop_map(|(o, p, c)| format!("{}{p}{}", o.unwrap_or(""), c.concat()))
}

fn rows(text: &str, width: usize, indent: usize) -> Vec<String> {
    wrap_line(&Line::from(text.to_string()), width, indent)
        .iter()
        .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
        .collect()
}

/// The rows' text without the hanging indent.
fn joined(rows: &[String], indent: usize) -> String {
    rows.iter()
        .enumerate()
        .map(|(k, r)| {
            if k > 0 {
                &r[indent.min(r.len())..]
            } else {
                r.as_str()
            }
        })
        .collect()
}

proptest! {
    #[test]
    fn prose_wraps_without_kinsoku_breaks(
        words in prop::collection::vec(word(), 1..60),
        width in 12usize..40,
        indent in 0usize..4,
    ) {
        let text = words.concat();
        let rows = rows(&text, width, indent);
        prop_assert_eq!(joined(&rows, indent), text.clone());
        for (k, r) in rows.iter().enumerate() {
            prop_assert!(r.width() <= width, "row {} too wide: {:?}", k, r);
            let body = if k > 0 { &r[indent.min(r.len())..] } else { r.as_str() };
            let first = body.chars().next().map(String::from).unwrap_or_default();
            if k > 0 {
                prop_assert!(!no_line_start(&first), "row {} starts with {:?}: {:?}", k, first, rows);
            }
            let last = body.chars().last().map(String::from).unwrap_or_default();
            if k + 1 < rows.len() {
                prop_assert!(!no_line_end(&last), "row {} ends with {:?}: {:?}", k, last, rows);
            }
        }
    }

    #[test]
    fn any_text_keeps_every_character_within_the_width(
        text in "[区あア、。」「ー・a-z ]{0,120}",
        width in 2usize..30,
        indent in 0usize..6,
    ) {
        let rows = rows(&text, width, indent);
        let indent = indent.min(width.max(2) / 2).min(width.max(2) - 2);
        prop_assert_eq!(joined(&rows, indent), text);
        for r in &rows {
            prop_assert!(r.width() <= width.max(2), "{:?}", r);
        }
    }
}

#[test]
fn a_bullet_stays_with_its_text_and_a_closing_run_moves_down_whole() {
    // Seed 001's bodies start "・ "; the bullet is never alone on a row.
    let r = rows("・ 区外からの旭区への集客を図る", 12, 3);
    assert!(r[0].starts_with("・ 区"), "{r:?}");
    // 。」 cannot begin a row: the character before moves down with both.
    let r = rows("あいうえおか。」きく", 12, 0);
    assert_eq!(r, ["あいうえお", "か。」きく"]);
}
