//! The app driven by keys, headless (continued): attendance, meeting
//! status, conflicting edits and presence.

mod support;

use support::harness::{drafts_in_db, minutes, sample_today, started, Harness};

// ---- attendance ------------------------------------------------------------------

fn attendees_in_db(h: &Harness, meeting: i64) -> Vec<String> {
    let store = h.store();
    let mut stmt = store
        .conn()
        .prepare(
            "SELECT j.name FROM attendance a JOIN job_titles j ON j.id = a.job_title_id
             WHERE a.meeting_id = ?1 ORDER BY a.position",
        )
        .unwrap();
    let v = stmt
        .query_map([meeting], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    v
}

#[test]
fn c_opens_the_attendance_checklist_space_toggles_enter_saves() {
    let mut h = minutes();
    let meeting = h.detail().meeting.id;
    let before = attendees_in_db(&h, meeting);
    assert!(before.contains(&"総務課長".to_string()));
    assert!(!before.contains(&"保険年金課長".to_string()));
    h.keys("Esc c");
    let p = h.state.prompt.as_ref().expect("the checklist");
    assert_eq!(p.checked, before, "this meeting's attendees ticked");

    h.type_text("保険年金").key("Space");
    h.key("C-u").type_text("総務課長").key("Space");
    // A title nobody has yet: typed, Space adds it ticked.
    h.key("C-u").type_text("臨時担当部長").key("Space");
    assert_eq!(h.prompt_text(), "", "the new title was added");
    h.key("Enter");
    assert!(h.state.prompt.is_none());
    let after = attendees_in_db(&h, meeting);
    assert!(after.contains(&"保険年金課長".to_string()), "{after:?}");
    assert!(!after.contains(&"総務課長".to_string()), "{after:?}");
    assert!(after.contains(&"臨時担当部長".to_string()), "{after:?}");
    assert_eq!(after.len(), before.len() + 1);
    assert_eq!(
        h.detail().attendees,
        after,
        "the screen shows the saved set"
    );
    // Undo puts the old set back.
    h.key("u");
    assert_eq!(attendees_in_db(&h, meeting), before);
}

/// Down past the last visible candidate: the list scrolls so the picked
/// one (the one Space ticks and Enter takes) is on screen.
#[test]
fn the_picked_candidate_is_always_visible() {
    let mut h = minutes();
    h.keys("Esc c");
    let n = kusei::app::prompt::filtered(h.state.prompt.as_ref().unwrap()).len();
    assert!(n > 14, "enough titles to scroll: {n}");
    for _ in 0..14 {
        h.key("Down");
    }
    let p = h.state.prompt.as_ref().unwrap();
    assert_eq!(p.pick, 14);
    let picked = kusei::app::prompt::filtered(p)[p.pick].to_string();
    for (w, ht) in [(80u16, 24u16), (160, 48)] {
        let s = h.screen(w, ht);
        let shown = s.text.lines().any(|l| {
            l.trim_start()
                .trim_start_matches("[x] ")
                .trim_start_matches("[ ] ")
                == picked
        });
        assert!(
            shown,
            "{w}x{ht}: the picked {picked:?} is not on screen:\n{}",
            s.text
        );
    }
}

/// DESIGN §3: a `?` help overlay listing the keys of the focused pane —
/// also while typing minutes, where `?` itself is text: some key of the
/// input scope (F1, say) must open it. The overlay even has text for that
/// scope (the input line's editing keys), unreachable without one.
#[test]
fn help_can_be_opened_while_typing() {
    use kusei::app::action::Action;
    use kusei::app::keymap::{Scope, DEFAULT};
    let bound = DEFAULT
        .iter()
        .any(|b| b.scope == Scope::MinutesInput && b.action == Action::Help);
    assert!(bound, "no key opens help in Scope::MinutesInput");
}

/// The ✓ before the input line means "what you see is saved". A save
/// confirmation that arrives after another key must not claim the newer
/// text is saved.
#[test]
fn the_draft_check_mark_is_only_shown_for_the_text_on_screen() {
    let mut h = minutes();
    h.type_text("予算");
    // The worker's timer fires and writes "予算"; its confirmation is on
    // the way when the next key arrives.
    h.worker.flush_drafts();
    h.press("案");
    h.settle();
    let m = h.state.minutes.as_ref().unwrap();
    let saved = drafts_in_db(&h.store());
    if m.draft_saved {
        assert_eq!(
            saved.first().map(|d| d.1.as_str()),
            Some(m.input.text()),
            "✓ shown, but the saved draft is not the text on screen"
        );
    }
}

#[test]
fn s_cycles_the_meeting_status_and_u_undoes_it() {
    let mut h = started();
    let id = h.detail().meeting.id;
    let status = |h: &Harness| -> String {
        h.store()
            .conn()
            .query_row("SELECT status FROM meetings WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .unwrap()
    };
    assert_eq!(status(&h), "published");
    h.key("s");
    assert_eq!(status(&h), "cancelled");
    assert_eq!(
        h.detail().meeting.status,
        kusei::model::MeetingStatus::Cancelled
    );
    h.key("s");
    assert_eq!(status(&h), "scheduled");
    h.key("u");
    assert_eq!(status(&h), "cancelled");
}

/// Two sessions edit the same entry: the second save is not allowed to
/// overwrite silently; its user chooses, and the audit log keeps both.
#[test]
fn a_conflicting_edit_asks_and_keeps_both_in_the_audit_log() {
    let mut a = minutes();
    let mut b = Harness::on_file(a.db_path(), sample_today());
    b.key("m");
    // Both open the first entry of the first item for editing.
    a.keys("Esc");
    a.key("e");
    b.keys("Esc");
    b.key("e");
    let id = a.state.minutes.as_ref().unwrap().editing.unwrap().0;
    b.key("C-u").type_text("Bさんの直し").key("Enter");
    assert_eq!(b.message(), Some("編集を保存しました"));
    a.key("C-u").type_text("Aさんの直し").key("Enter");
    let p = a.state.prompt.as_ref().expect("the conflict choice");
    assert!(
        p.candidates[0].contains("Aさんの直し"),
        "{:?}",
        p.candidates
    );
    assert!(
        p.candidates[1].contains("Bさんの直し"),
        "{:?}",
        p.candidates
    );
    a.key("Enter"); // keep mine
    assert_eq!(a.message(), Some("編集を保存しました"));
    let store = a.store();
    let text: String = store
        .conn()
        .query_row("SELECT text FROM opinions WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(text, "Aさんの直し");
    let updates: Vec<String> = store
        .audit_entries()
        .unwrap()
        .into_iter()
        .filter(|e| e.table == "opinions" && e.row_id == id && e.action == "update")
        .filter_map(|e| e.after)
        .collect();
    assert_eq!(updates.len(), 2);
    assert!(updates[0].contains("Bさんの直し") && updates[1].contains("Aさんの直し"));
    assert_eq!(store.verify_audit().unwrap(), None);
}

/// Others see who is taking minutes: "記録中: USER" on the meeting.
#[test]
fn others_see_who_is_minuting() {
    let mut a = started();
    let mut b = Harness::on_file(a.db_path(), sample_today());
    let user = kusei::db::osuser::current().1;
    a.key("m");
    b.poll_external();
    assert_eq!(b.detail().recording_by, vec![user.clone()]);
    let screen = b.render(100, 30);
    assert!(screen.contains(&format!("記録中: {user}")), "{screen}");
    // Not shown to the one minuting.
    assert!(a.detail().recording_by.is_empty());
    a.keys("Esc Esc");
    b.poll_external();
    assert!(b.detail().recording_by.is_empty());
}
