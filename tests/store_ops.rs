//! The writes the app makes, against a real SQLite file: each is one
//! audited change set that undo reverses exactly.

mod support;

use kusei::db::{EntryKind, MeetingFields};
use kusei::model::{MeetingStatus, OpinionKind};
use support::db::{json, sample_store as store_with_samples};

#[test]
fn delete_meeting_then_undo_restores_everything() {
    let (_dir, mut store) = store_with_samples();
    let before = json(&store);
    let id = store.meetings_of_year(2017).expect("year")[2].id;
    store.delete_meeting(id).expect("delete");
    let batch = store.last_batch().expect("a change set");
    assert_eq!(store.meetings_of_year(2017).expect("year").len(), 4);
    let undo = store.undo(batch).expect("undo").expect("undo batch");
    assert_eq!(json(&store), before);
    // Redo is the undo of the undo.
    store.undo(undo).expect("redo");
    assert_eq!(store.meetings_of_year(2017).expect("year").len(), 4);
    assert!(store.check().expect("check").problems.is_empty());
}

#[test]
fn opinion_add_edit_kind_delete_and_undo() {
    let (_dir, mut store) = store_with_samples();
    let m = store.meetings_of_year(2017).expect("year")[0].id;
    let detail = store.meeting_detail(m).expect("detail").expect("exists");
    let item = detail.items[0].id;
    store
        .save_draft("minutes:1", "下書きの意見")
        .expect("draft");
    assert_eq!(
        store.draft("minutes:1").expect("draft").as_deref(),
        Some("下書きの意見")
    );
    let op = store
        .add_opinion(
            item,
            "区長：次回までに整理すること。",
            Some("区長"),
            Some("minutes:1"),
        )
        .expect("add");
    assert_eq!(
        store.draft("minutes:1").expect("draft"),
        None,
        "draft cleared with the save"
    );
    let detail = store.meeting_detail(m).expect("detail").expect("exists");
    let row = detail.items[0]
        .opinions
        .iter()
        .find(|o| o.id == op)
        .expect("saved")
        .clone();
    assert_eq!(row.speaker.as_deref(), Some("区長"));
    store
        .edit_opinion(op, row.version, "区長：次回までに整理。")
        .expect("edit");
    // A stale version is refused, not overwritten.
    assert!(store.edit_opinion(op, row.version, "古い版から").is_err());
    store
        .set_opinion_kind(
            op,
            &EntryKind {
                kind: OpinionKind::Action,
                owner: Some("総務課長".into()),
                due: chrono::NaiveDate::from_ymd_opt(2017, 5, 18),
            },
        )
        .expect("kind");
    let kind_batch = store.last_batch().expect("batch");
    store.undo(kind_batch).expect("undo kind");
    let detail = store.meeting_detail(m).expect("detail").expect("exists");
    let row = detail.items[0]
        .opinions
        .iter()
        .find(|o| o.id == op)
        .expect("still there");
    assert_eq!(row.kind, OpinionKind::Opinion);
    assert_eq!(row.text, "区長：次回までに整理。");
    store.delete_opinion(op).expect("delete");
    let del = store.last_batch().expect("batch");
    store.undo(del).expect("undo delete");
    let detail = store.meeting_detail(m).expect("detail").expect("exists");
    assert!(detail.items[0].opinions.iter().any(|o| o.id == op));
}

#[test]
fn create_meeting_takes_next_number_and_edit_checks_version() {
    let (_dir, mut store) = store_with_samples();
    let f = MeetingFields {
        date: chrono::NaiveDate::from_ymd_opt(2017, 9, 20).expect("date"),
        start: chrono::NaiveTime::from_hms_opt(13, 0, 0),
        end: chrono::NaiveTime::from_hms_opt(14, 30, 0),
        place: "旭区外部特別会議室2".into(),
        status: MeetingStatus::Scheduled,
        attendees: vec!["区長".into(), "副区長".into()],
    };
    let id = store.create_meeting(&f).expect("create");
    let d = store.meeting_detail(id).expect("detail").expect("exists");
    assert_eq!(d.meeting.number, 6);
    assert_eq!(d.attendees, ["区長", "副区長"]);
    let mut g = f.clone();
    g.end = chrono::NaiveTime::from_hms_opt(12, 0, 0);
    assert!(
        store.update_meeting(id, d.meeting.version, &g).is_err(),
        "end before start"
    );
    g.end = f.end;
    g.attendees = vec!["副区長".into(), "区長".into(), "総務課長".into()];
    store
        .update_meeting(id, d.meeting.version, &g)
        .expect("update");
    assert!(
        store.update_meeting(id, d.meeting.version, &g).is_err(),
        "stale version"
    );
    let d = store.meeting_detail(id).expect("detail").expect("exists");
    assert_eq!(d.attendees, ["副区長", "区長", "総務課長"]);
}

#[test]
fn items_are_added_and_reordered() {
    let (_dir, mut store) = store_with_samples();
    let m = store.meetings_of_year(2017).expect("year")[1].id;
    let new = store.add_item(m, "その他").expect("add");
    assert!(store.move_item(new, -1).expect("move"));
    let d = store.meeting_detail(m).expect("detail").expect("exists");
    let titles: Vec<_> = d
        .items
        .iter()
        .map(|i| (i.number, i.title.as_str()))
        .collect();
    assert_eq!(titles[1], (2, "その他"));
    assert_eq!(titles[2], (3, "旭区制50周年に向けた検討について"));
    assert!(!store.move_item(d.items[0].id, -1).expect("top stays"));
}

#[test]
fn audit_log_refuses_update_and_delete() {
    let (_dir, store) = store_with_samples();
    let c = store.conn();
    assert!(c.execute("UPDATE audit_log SET os_user = 'x'", []).is_err());
    assert!(c.execute("DELETE FROM audit_log", []).is_err());
}
