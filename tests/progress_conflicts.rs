//! The progress board in two sessions: a colleague's save to the same
//! cell is asked about with the shared conflict prompt (keep mine, keep
//! theirs, edit the two together), also when the reload brought it onto
//! the screen while the editor was open.

mod support;
use support::progress as progress_harness;

use crossterm::event::{KeyCode, KeyModifiers};
use kusei::app::panes::progress::detail;
use kusei::db::progress_board::Period;
use kusei::model::Half;
use progress_harness::*;

const NIIGATA: &str = "区役所間・区役所と本庁との協議制度の確立";

fn niigata(h: &Harness) -> kusei::db::progress_board::ProgressItem {
    let d = h.state.progress.data.as_ref().expect("loaded");
    d.items
        .iter()
        .find(|i| i.title == NIIGATA)
        .cloned()
        .expect("seed 004's item")
}

/// Seed 004's item on the progress board, its 実績（平成26年度） being edited
/// to 私の実績 (not saved yet).
fn editing_actual() -> Harness {
    let mut h = Harness::new(date(2025, 11, 20), |_| {});
    h.select("協議制度");
    // The grid opens at today's half year; the sheet's last is H26下.
    h.goto_period(kusei::db::progress_board::Period::new(
        2014,
        kusei::model::Half::Second,
    ));
    h.key(KeyCode::Enter);
    for _ in 0..100 {
        if detail::current(&h.state)[h.state.progress.field].label == "実績（平成26年度）" {
            break;
        }
        h.key(KeyCode::Down);
    }
    h.key(KeyCode::Enter);
    h.press(KeyCode::Char('u'), KeyModifiers::CONTROL);
    h.keys("私の実績");
    h
}

/// A colleague saves 同僚の実績 in the same field, on their own connection.
fn colleague_saves(h: &Harness) {
    let node = niigata(h).node_id;
    h.store()
        .set_progress_field(
            node,
            Period::new(2014, Half::Year),
            kusei::db::progress::ProgressField::Actual,
            "同僚の実績",
            niigata(h)
                .entry(Period::new(2014, Half::Year))
                .map(|e| e.version),
        )
        .expect("colleague's save");
}

#[test]
fn a_save_refused_for_a_colleagues_change_asks_and_keeps_mine() {
    let mut h = editing_actual();
    // Meanwhile a colleague saves the same field.
    colleague_saves(&h);
    h.key(KeyCode::Enter);
    // The shared conflict prompt asks, with both texts.
    let p = h.state.prompt.as_ref().expect("the conflict choice");
    assert!(p.candidates[0].contains("私の実績"), "{:?}", p.candidates);
    assert!(p.candidates[1].contains("同僚の実績"), "{:?}", p.candidates);
    let actual = |h: &Harness| {
        niigata(h)
            .entry(Period::new(2014, Half::Year))
            .map(|e| e.actual.clone())
    };
    assert_eq!(actual(&h).as_deref(), Some("同僚の実績"));
    // Keep mine: saved over theirs, knowingly.
    h.key(KeyCode::Enter);
    assert!(h.state.prompt.is_none());
    assert!(h.state.progress.editing.is_none());
    assert_eq!(actual(&h).as_deref(), Some("私の実績"));
}

/// The same, choosing to edit the two together: the shared prompt line
/// holds theirs then mine, and Enter saves the joined text over theirs.
#[test]
fn a_progress_conflict_edited_together_saves_both() {
    let mut h = editing_actual();
    colleague_saves(&h);
    h.key(KeyCode::Enter);
    h.key(KeyCode::Down);
    h.key(KeyCode::Down);
    h.key(KeyCode::Enter);
    let p = h.state.prompt.as_ref().expect("the joined text");
    assert_eq!(p.input.text(), "同僚の実績／私の実績");
    h.key(KeyCode::Enter);
    assert!(h.state.prompt.is_none());
    let actual = niigata(&h)
        .entry(Period::new(2014, Half::Year))
        .map(|e| e.actual.clone());
    assert_eq!(actual.as_deref(), Some("同僚の実績／私の実績"));
}

/// The colleague's save reaches the screen (the reload every half second)
/// while the editor is open: saving still asks, it does not quietly save
/// over what the reload brought.
#[test]
fn a_colleagues_save_seen_while_editing_still_asks() {
    let mut h = editing_actual();
    colleague_saves(&h);
    h.poll_external();
    assert_eq!(
        h.state.progress.editing.as_ref().map(|e| e.input.text()),
        Some("私の実績"),
        "the editor and its text stay"
    );
    h.key(KeyCode::Enter);
    let p = h.state.prompt.as_ref().expect("asked, not overwritten");
    assert!(p.candidates[1].contains("同僚の実績"), "{:?}", p.candidates);
}
