//! Enter keeps the text in the input line until its write commits (issue
//! 17, point 3), headless: the keys and the worker's answers one by one.

mod support;
use support::harness as ui_harness;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use kusei::app::state::Mode;
use kusei::app::update;
use kusei::app::worker::Response;
use ui_harness::{drafts_in_db, opinions_in_db, sample_today, Harness};

fn minutes() -> Harness {
    let mut h = Harness::new(sample_today());
    h.key("m");
    assert_eq!(h.mode(), Mode::MinutesInput);
    h
}

/// Key presses without letting the worker answer.
fn keys_unanswered(h: &mut Harness, text: &str) {
    for c in text.chars() {
        h.send_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    }
}

#[test]
fn enter_keeps_the_text_until_the_write_commits_and_typing_goes_on() {
    let mut h = minutes();
    let item = h.current_item().id;
    h.type_text("一つ目の意見");
    h.press("Enter");
    // Not yet committed: the text is still in the line, marked 保存中.
    assert_eq!(h.input_text(), "一つ目の意見");
    let s = h.render(80, 24);
    assert!(s.contains("意見（保存中）> 一つ目の意見"), "{s}");
    // Typing goes on meanwhile; a second Enter waits for the first.
    keys_unanswered(&mut h, "二つ目");
    h.press("Enter");
    assert_eq!(h.input_text(), "一つ目の意見二つ目");
    assert!(
        h.message().is_some_and(|m| m.starts_with("保存中です")),
        "{:?}",
        h.message()
    );
    h.settle();
    // Committed: the entry left the line, what was typed after it stayed.
    assert_eq!(h.input_text(), "二つ目");
    let texts: Vec<String> = opinions_in_db(&h.store(), item)
        .into_iter()
        .map(|o| o.1)
        .collect();
    assert_eq!(texts.last().map(String::as_str), Some("一つ目の意見"));
    h.flush_drafts();
    let drafts = drafts_in_db(&h.store());
    assert_eq!(drafts.len(), 1);
    assert_eq!(drafts[0].1, "二つ目", "the draft holds only the rest");
    let s = h.render(80, 24);
    assert!(s.contains("意見 ✓> 二つ目"), "{s}");
    assert!(h.state.minutes.as_ref().unwrap().unsaved_since.is_none());
}

#[test]
fn text_stays_unconfirmed_until_the_draft_row_has_it() {
    let mut h = minutes();
    h.type_text("まだ下書きの行にない");
    let m = h.state.minutes.as_ref().unwrap();
    assert!(m.unsaved_since.is_some() && !m.draft_saved);
    h.flush_drafts();
    let m = h.state.minutes.as_ref().unwrap();
    assert!(m.unsaved_since.is_none() && m.draft_saved);
}

#[test]
fn recovered_text_opens_minute_taking_on_its_item() {
    let mut h = Harness::new(sample_today());
    let meeting = h.detail().meeting.id;
    let third = h.detail().items[2].id;
    let ctx = format!("minutes:{meeting}");
    let reqs = update::on_response(
        &mut h.state,
        Response::Restored {
            notes: vec!["前回の入力を復元しました: テスト".into()],
            items: vec![(ctx, third)],
        },
    );
    assert!(reqs.is_empty());
    assert_eq!(h.message(), Some("前回の入力を復元しました: テスト"));
    h.key("m");
    assert_eq!(h.current_item().id, third);
    // Only once: the next time minute taking starts where it always does.
    h.keys("Esc Esc m");
    assert_eq!(h.current_item().id, h.detail().items[0].id);
}
