//! A saved entry is selectable at once: the write's answer carries the new
//! row's id, so `e` pressed right after a save (before the meeting is read
//! back) opens the edit line on the saved text, and the edit saves over
//! the row's first version.

mod support;

use kusei::app::state::Mode;
use support::harness::{minutes, opinions_in_db, Harness};

#[test]
fn e_right_after_a_save_edits_the_saved_entry() {
    let mut h = minutes();
    let item = h.current_item().id;
    h.type_text("最初の意見");
    h.press("Enter");
    // The write runs; only its answer is fed in. The meeting the worker
    // reads back after it stays queued.
    assert!(h.send_pending());
    let answered = |h: &Harness| {
        h.state
            .minutes
            .as_ref()
            .is_some_and(|m| m.pending.iter().any(|p| p.saved_id.is_some()))
    };
    while !answered(&h) {
        assert!(h.feed_one(), "the write was never answered");
    }
    h.press("Esc");
    h.press("e");
    assert_eq!(h.mode(), Mode::MinutesInput);
    assert_eq!(h.input_text(), "最初の意見");
    let saved = opinions_in_db(&h.store(), item);
    let id = saved.last().map(|o| o.0);
    let editing = h.state.minutes.as_ref().and_then(|m| m.editing);
    assert_eq!(editing.map(|(id, _)| id), id);
    // The reload comes in; then the edit saves over that row.
    h.settle();
    h.type_text("（訂正）");
    h.key("Enter");
    assert_eq!(h.error(), None);
    let texts: Vec<String> = opinions_in_db(&h.store(), item)
        .into_iter()
        .map(|o| o.1)
        .collect();
    assert_eq!(texts.len(), saved.len());
    assert_eq!(texts.last().map(String::as_str), Some("最初の意見（訂正）"));
    // Drawn once: the list's line, not a pending line as well.
    let screen = h.render(100, 30);
    assert_eq!(screen.matches("最初の意見（訂正）").count(), 1, "{screen}");
}
