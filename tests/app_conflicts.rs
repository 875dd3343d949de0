//! The app, headless, in two sessions on one file: each screen's edit that
//! a colleague saved first asks with the one shared prompt (keep mine, keep
//! theirs, edit the two together), and typed text is never dropped. Also:
//! the attendance checklist keeps the meeting's attendee order.

mod support;
use support::harness as ui_harness;
use support::policy as policy_support;

use kusei::app::state::PromptPurpose;
use kusei::db::{OpenOptions, Store};
use policy_support::{App, SEED_001};
use ui_harness::{sample_today, Harness};

// ---- policy nodes -----------------------------------------------------------------

/// Two headless apps (two sessions) on one file holding `seeds`.
fn two_sessions(seeds: &[&str]) -> (App, App) {
    let a = App::with_seeds(seeds);
    let store = Store::open(a.db_path(), OpenOptions::default()).expect("open b");
    let b = App::on(tempfile::TempDir::new().expect("tempdir"), store);
    (a, b)
}

/// Two apps on the seed's policy tree, both with the node form of
/// 具体的取組1-1-1 open on its body; B saves first.
fn two_editing_a_node() -> (App, App) {
    let (mut a, mut b) = two_sessions(&[SEED_001]);
    for app in [&mut a, &mut b] {
        app.keys("3");
        app.goto("具体的取組1-1-1");
        app.keys("e<Down><Down>");
    }
    b.type_text("Bの追記");
    b.keys("<Enter>");
    assert!(b.state.policy.overlay.is_none(), "B saved");
    a.type_text("Aの追記");
    a.keys("<Enter>");
    (a, b)
}

fn node_body(app: &App) -> String {
    app.node("具体的取組1-1-1").body.clone()
}

fn node_updates(a: &App) -> Vec<String> {
    let id = a.node("具体的取組1-1-1").id;
    a.store()
        .audit_entries()
        .expect("audit")
        .into_iter()
        .filter(|e| e.table == "plan_nodes" && e.row_id == id && e.action == "update")
        .filter_map(|e| e.after)
        .collect()
}

#[test]
fn a_node_saved_by_a_colleague_asks_and_keep_mine_overwrites_knowingly() {
    let (mut a, _b) = two_editing_a_node();
    let p = a.state.prompt.as_ref().expect("the conflict prompt");
    assert!(matches!(p.purpose, PromptPurpose::Conflict(_)));
    assert!(p.candidates[0].contains("Aの追記"), "{:?}", p.candidates);
    assert!(p.candidates[1].contains("Bの追記"), "{:?}", p.candidates);
    assert_eq!(p.candidates.len(), 3);
    assert!(node_body(&a).contains("Bの追記"), "nothing overwritten yet");
    a.keys("<Enter>");
    assert!(node_body(&a).contains("Aの追記") && !node_body(&a).contains("Bの追記"));
    let saves = node_updates(&a);
    assert_eq!(saves.len(), 2, "{saves:?}");
    assert!(saves[0].contains("Bの追記") && saves[1].contains("Aの追記"));
}

#[test]
fn a_node_conflict_keep_theirs_leaves_mine_on_the_status_line() {
    let (mut a, _b) = two_editing_a_node();
    a.keys("<Down><Enter>");
    assert!(node_body(&a).contains("Bの追記") && !node_body(&a).contains("Aの追記"));
    let msg = a.state.message.as_ref().expect("a message");
    assert!(msg.text.contains("Aの追記"), "{}", msg.text);
    assert_eq!(node_updates(&a).len(), 1);
}

#[test]
fn a_node_conflict_edit_together_opens_the_form_with_both() {
    let (mut a, _b) = two_editing_a_node();
    a.keys("<Down><Down><Enter>");
    assert!(a.state.prompt.is_none());
    assert!(a.state.policy.overlay.is_some(), "the node form again");
    a.keys("<Enter>");
    assert!(
        a.state.prompt.is_none(),
        "saved over theirs without asking again"
    );
    let body = node_body(&a);
    assert!(
        body.contains("Aの追記") && body.contains("Bの追記"),
        "{body}"
    );
    assert_eq!(node_updates(&a).len(), 2);
}

#[test]
fn esc_on_the_conflict_prompt_keeps_mine_on_the_status_line() {
    let (mut a, _b) = two_editing_a_node();
    a.keys("<Esc>");
    assert!(a.state.prompt.is_none());
    let msg = a.state.message.as_ref().expect("a message");
    assert!(msg.text.contains("Aの追記"), "{}", msg.text);
}

/// 中間振り返り written in two sessions: the second asks; together joins.
#[test]
fn a_review_written_in_two_sessions_asks_and_joins() {
    let (mut a, mut b) = two_sessions(&[SEED_001]);
    for app in [&mut a, &mut b] {
        app.keys("3");
        app.goto("具体的取組1-1-1");
        app.keys("r");
    }
    b.type_text("Bの振り返り");
    b.keys("<Enter>");
    a.type_text("Aの振り返り");
    a.keys("<Enter>");
    let p = a.state.prompt.as_ref().expect("asked");
    assert!(
        p.candidates[1].contains("Bの振り返り"),
        "{:?}",
        p.candidates
    );
    a.keys("<Down><Down><Enter>");
    assert_eq!(
        a.state.prompt.as_ref().map(|p| p.input.text().to_string()),
        Some("Bの振り返り／Aの振り返り".to_string())
    );
    a.keys("<Enter>");
    let n = a.node("具体的取組1-1-1");
    let review = n
        .notes
        .iter()
        .find(|x| x.label == "中間振り返り")
        .expect("saved");
    assert_eq!(review.text, "Bの振り返り／Aの振り返り");
}

// ---- meetings, opinions and attendance (the sample data) ---------------------------

fn attendees_in_db(h: &Harness, meeting: i64) -> Vec<String> {
    let store = h.store();
    let mut stmt = store
        .conn()
        .prepare(
            "SELECT j.name FROM attendance a JOIN job_titles j ON j.id = a.job_title_id
             WHERE a.meeting_id = ?1 ORDER BY a.position",
        )
        .expect("prepare");
    let v = stmt
        .query_map([meeting], |r| r.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    v
}

/// Untick one attendee and tick it again, save: the order is the
/// meeting's own, not the organisation's.
#[test]
fn the_attendance_checklist_keeps_the_attendee_order() {
    let mut h = Harness::new(sample_today());
    let meeting = h.detail().meeting.id;
    let before = attendees_in_db(&h, meeting);
    assert!(before.len() >= 3, "{before:?}");
    h.keys("m Esc c");
    let p = h.state.prompt.as_ref().expect("the checklist");
    let org: Vec<&String> = p.candidates.iter().filter(|c| before.contains(c)).collect();
    assert_ne!(
        org,
        before.iter().collect::<Vec<_>>(),
        "the sample's order differs from the organisation's, so the test can fail"
    );
    let middle = before[1].clone();
    h.type_text(&middle).key("Space").key("Space");
    h.key("Enter");
    assert!(h.state.prompt.is_none());
    assert_eq!(attendees_in_db(&h, meeting), before);
    // A newly ticked title goes after them.
    h.key("c");
    assert!(h.state.prompt.is_some(), "the checklist again");
    h.type_text("臨時担当部長").key("Space").key("Enter");
    let mut want = before.clone();
    want.push("臨時担当部長".into());
    assert_eq!(attendees_in_db(&h, meeting), want);
}

/// The checklist opened before a colleague ticked someone in the
/// attendance matrix: asked, and keep mine saves over theirs.
#[test]
fn the_attendance_checklist_asks_after_a_colleagues_tick() {
    let mut h = Harness::new(sample_today());
    let meeting = h.detail().meeting.id;
    h.keys("m Esc c");
    h.type_text(&attendees_in_db(&h, meeting)[0]).key("Space");
    let mut other = h.store();
    let title: i64 = other
        .conn()
        .query_row(
            "SELECT min(id) FROM job_titles WHERE id NOT IN
             (SELECT job_title_id FROM attendance WHERE meeting_id = ?1)",
            [meeting],
            |r| r.get(0),
        )
        .expect("a title not attending");
    assert!(other.set_attendance(meeting, title, true).expect("tick"));
    // The app sees the tick (its half-second poll) while the checklist is
    // open: saving still asks.
    h.poll_external();
    assert!(h.state.prompt.is_some(), "the checklist stays open");
    h.key("Enter");
    let p = h.state.prompt.as_ref().expect("asked");
    assert!(
        matches!(p.purpose, PromptPurpose::Conflict(_)),
        "{:?}",
        p.purpose
    );
    assert!(p.candidates[1].contains("出席:"), "{:?}", p.candidates);
    h.key("Enter");
    assert!(h.state.prompt.is_none());
    assert_eq!(h.error(), None);
}

/// An opinion edited in two sessions, keep theirs: mine is on the status
/// line, not thrown away silently.
#[test]
fn an_opinion_conflict_keep_theirs_keeps_mine_visible() {
    let mut a = Harness::new(sample_today());
    a.key("m");
    let mut b = Harness::on_file(a.db_path(), sample_today());
    b.key("m");
    a.keys("Esc e");
    b.keys("Esc e");
    b.key("C-u").type_text("Bさんの直し").key("Enter");
    a.key("C-u").type_text("Aさんの直し").key("Enter");
    assert!(a.state.prompt.is_some(), "asked");
    a.keys("Down Enter");
    let msg = a.message().expect("a message");
    assert!(msg.contains("Aさんの直し"), "{msg}");
}

/// Links of an agenda item chosen in two sessions: edit together opens the
/// picker with both sets ticked, and Enter saves them over theirs.
#[test]
fn links_chosen_in_two_sessions_edit_together_keeps_both() {
    let (mut a, mut b) = two_sessions(&[policy_support::SEED_000, SEED_001]);
    for app in [&mut a, &mut b] {
        app.keys("L");
        app.type_text("大規模団地");
        app.keys("<Enter>");
    }
    b.type_text("城北公園");
    b.keys("<Space><Enter>");
    a.type_text("経営課題1");
    a.keys("<Space><Enter>");
    let p = a.state.prompt.as_ref().expect("asked");
    assert!(matches!(p.purpose, PromptPurpose::Conflict(_)));
    a.keys("<Down><Down><Enter>");
    assert!(a.state.prompt.is_none());
    a.keys("<Enter>");
    assert!(a.state.policy.overlay.is_none(), "saved");
    let item = a
        .state
        .calendar
        .detail
        .as_ref()
        .expect("meeting")
        .items
        .iter()
        .find(|i| i.title == "旭区大規模団地ビジョンについて")
        .expect("item")
        .clone();
    let mut codes: Vec<&str> = item.links.iter().map(|l| l.code.as_str()).collect();
    codes.sort_unstable();
    assert_eq!(codes, ["1", "1-1-1"], "{:?}", item.links);
}

/// A node deleted by a colleague while it was being edited: the save
/// fails with a message and the form comes back with what was typed.
#[test]
fn a_failed_node_save_brings_the_form_back_with_the_typing() {
    let mut a = App::with_seeds(&[SEED_001]);
    a.keys("3");
    a.goto("具体的取組1-1-1");
    a.keys("e<Down><Down>");
    a.type_text("消えない入力");
    let id = a.node("具体的取組1-1-1").id;
    a.store().delete_node(id).expect("a colleague deletes it");
    a.keys("<Enter>");
    let msg = a.state.message.as_ref().expect("a message");
    assert!(
        msg.error && msg.text.contains("削除されています"),
        "{}",
        msg.text
    );
    let Some(kusei::app::panes::policy::overlay::Overlay::Form(f)) = &a.state.policy.overlay else {
        panic!("the form is back");
    };
    assert!(f.fields.iter().any(|i| i.text().contains("消えない入力")));
}

/// The meeting form saved after a colleague changed the meeting: edit
/// together reopens the form over their version with both attendee lists.
#[test]
fn a_meeting_edited_in_two_sessions_edit_together_reopens_the_form() {
    let mut h = Harness::new(sample_today());
    let meeting = h.detail().meeting.id;
    h.key("e");
    h.key("Enter").key("C-u").type_text("会議室A").key("Enter");
    let mut other = h.store();
    let d = other
        .meeting_detail(meeting)
        .expect("detail")
        .expect("exists");
    let mut f = kusei::db::MeetingFields {
        date: d.meeting.date,
        start: d.meeting.start,
        end: d.meeting.end,
        place: "会議室B".into(),
        status: d.meeting.status,
        attendees: d.attendees.clone(),
    };
    f.attendees.push("臨時担当部長".into());
    other
        .update_meeting(meeting, d.meeting.version, &f)
        .expect("B saves first");
    h.key("Enter");
    let p = h.state.prompt.as_ref().expect("asked");
    assert!(p.candidates[1].contains("会議室B"), "{:?}", p.candidates);
    h.keys("Down Down Enter");
    assert!(
        matches!(
            h.state.prompt.as_ref().map(|p| &p.purpose),
            Some(PromptPurpose::MeetingField(_))
        ),
        "the form again"
    );
    h.keys("Enter Enter Enter");
    assert!(h.state.prompt.is_none(), "saved without asking again");
    assert_eq!(h.error(), None);
    let d = h
        .store()
        .meeting_detail(meeting)
        .expect("detail")
        .expect("exists");
    assert_eq!(d.meeting.place, "会議室A");
    assert!(
        d.attendees.contains(&"臨時担当部長".to_string()),
        "{:?}",
        d.attendees
    );
}

mod order {
    use kusei::app::prompt::attendance_order;
    use proptest::prelude::*;

    proptest! {
        /// The meeting's own order first, then new ticks in checklist
        /// order; nothing ticked is lost, nothing unticked kept; saving an
        /// unchanged checklist changes nothing.
        #[test]
        fn attendance_order_keeps_the_source_order(
            had in proptest::sample::subsequence((0..12).collect::<Vec<u8>>(), 0..12)
                .prop_shuffle(),
            ticked in proptest::sample::subsequence((0..12).collect::<Vec<u8>>(), 0..12),
        ) {
            let name = |i: &u8| format!("職{i}");
            let had: Vec<String> = had.iter().map(name).collect();
            let ticked: Vec<String> = ticked.iter().map(name).collect();
            let checklist: Vec<String> = (0..12u8).map(|i| name(&i)).collect();
            let out = attendance_order(&had, &checklist, &ticked);
            let kept: Vec<&String> = had.iter().filter(|h| ticked.contains(h)).collect();
            prop_assert_eq!(out.iter().take(kept.len()).collect::<Vec<_>>(), kept);
            let mut a = out.clone();
            a.sort();
            let mut b = ticked.clone();
            b.sort();
            prop_assert_eq!(a, b);
            prop_assert_eq!(attendance_order(&had, &checklist, &had), had);
        }
    }
}

/// The conflict prompt as drawn: both versions on screen, no wide
/// character cut in half, at the smallest and the README's size.
#[test]
fn the_conflict_prompt_on_screen() {
    let mut a = Harness::new(sample_today());
    a.key("m");
    let mut b = Harness::on_file(a.db_path(), sample_today());
    b.key("m");
    a.keys("Esc e");
    b.keys("Esc e");
    b.key("C-u")
        .type_text("Bさんの直し（会議室の予約は総務課）")
        .key("Enter");
    a.key("C-u")
        .type_text("Aさんの直し（会議室の予約は区政推進課）")
        .key("Enter");
    let user = kusei::db::osuser::current().1;
    for (w, ht) in [(80u16, 24u16), (100, 30)] {
        let s = a.screen(w, ht);
        assert!(s.hidden.is_empty(), "{:?}", s.hidden);
        assert!(s.contains("自分の版で保存: Aさんの直し"), "{}", s.text);
        assert!(s.contains("の版を残す: Bさんの直し"), "{}", s.text);
        // The OS user differs between machines.
        let text = s.text.replace(&user, "USER");
        insta::assert_snapshot!(format!("conflict_prompt_{w}x{ht}"), text);
    }
}
