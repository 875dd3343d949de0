//! Two sessions (two real `Store`s on one SQLite file) edit the same
//! meeting, agenda item, opinion, attendance or links (the policy tree and
//! the progress board are in `conflicts_policy.rs`). For each kind of edit:
//! the later save is refused with `Conflict` and
//! changes nothing; then each choice — keep mine (save again over their
//! version), keep theirs, edit the two together — ends as it should, and
//! every save that happened is in the audit log with the chain intact.

mod conflicts_support;

use conflicts_support::*;
use kusei::db::conflict::{fingerprint, fingerprint_ids};
use kusei::db::{MeetingFields, Store, StoreError};

// ---- meetings and what is in them ----------------------------------------------

const MEETING: &str = "SELECT min(id) FROM meetings";

fn meeting_fields(s: &Store, place: &str) -> MeetingFields {
    let d = s
        .meeting_detail(int(s, MEETING))
        .expect("detail")
        .expect("exists");
    MeetingFields {
        date: d.meeting.date,
        start: d.meeting.start,
        end: d.meeting.end,
        place: place.to_string(),
        status: d.meeting.status,
        attendees: d.attendees,
    }
}

#[test]
fn meetings_conflict_and_each_choice_ends_right() {
    exercise_all(&Kind {
        table: "meetings",
        setup: none,
        opened: |s| int(s, "SELECT version FROM meetings ORDER BY id LIMIT 1").to_string(),
        save: |s, opened, t| {
            let f = meeting_fields(s, t);
            s.update_meeting(int(s, MEETING), v(opened), &f)
        },
        reopen: by_version,
        value: |s| text(s, "SELECT place FROM meetings ORDER BY id LIMIT 1"),
    });
}

#[test]
fn agenda_items_conflict_and_each_choice_ends_right() {
    const ITEM: &str = "SELECT min(id) FROM agenda_items";
    exercise_all(&Kind {
        table: "agenda_items",
        setup: none,
        opened: |s| int(s, "SELECT version FROM agenda_items ORDER BY id LIMIT 1").to_string(),
        save: |s, opened, t| {
            let title = text(s, "SELECT title FROM agenda_items ORDER BY id LIMIT 1");
            s.update_item(int(s, ITEM), v(opened), &title, t)
        },
        reopen: by_version,
        value: |s| text(s, "SELECT summary FROM agenda_items ORDER BY id LIMIT 1"),
    });
}

#[test]
fn opinions_conflict_and_each_choice_ends_right() {
    exercise_all(&Kind {
        table: "opinions",
        setup: none,
        opened: |s| int(s, "SELECT version FROM opinions ORDER BY id LIMIT 1").to_string(),
        save: |s, opened, t| s.edit_opinion(int(s, "SELECT min(id) FROM opinions"), v(opened), t),
        reopen: by_version,
        value: |s| text(s, "SELECT text FROM opinions ORDER BY id LIMIT 1"),
    });
}

// ---- links and attendance -------------------------------------------------------

fn link_nodes(s: &Store) -> (i64, i64, i64) {
    let item = int(s, "SELECT min(id) FROM agenda_items");
    let x = int(s, "SELECT max(id) FROM plan_nodes");
    let y = int(s, "SELECT max(id) - 1 FROM plan_nodes");
    (item, x, y)
}

fn linked(s: &Store, item: i64) -> Vec<i64> {
    let mut stmt = s
        .conn()
        .prepare("SELECT node_id FROM item_links WHERE item_id = ?1 ORDER BY node_id")
        .expect("prepare");
    let v = stmt
        .query_map([item], |r| r.get(0))
        .expect("query")
        .collect::<Result<Vec<i64>, _>>()
        .expect("rows");
    v
}

#[test]
fn links_conflict_by_fingerprint_and_each_choice_ends_right() {
    for choice in [Choice::Mine, Choice::Theirs, Choice::Both] {
        let mut t = two();
        let (item, x, y) = link_nodes(&t.a);
        let shown = linked(&t.a, item);
        let opened = fingerprint_ids(&shown);
        t.b.set_item_links(item, opened, &[x]).expect("B links x");
        let err = t.a.set_item_links(item, opened, &[y]).expect_err("asked");
        let StoreError::Conflict { version, by, .. } = err else {
            panic!("not a conflict: {err}");
        };
        assert_eq!(by, kusei::db::osuser::current().1, "who linked it");
        assert_eq!(linked(&t.a, item), vec![x], "refused: nothing changed");
        match choice {
            Choice::Mine => t.a.set_item_links(item, version, &[y]).expect("mine"),
            Choice::Theirs => {}
            Choice::Both => t.a.set_item_links(item, version, &[x, y]).expect("both"),
        }
        let want = match choice {
            Choice::Mine => vec![y],
            Choice::Theirs => vec![x],
            Choice::Both => vec![x.min(y), x.max(y)],
        };
        assert_eq!(linked(&t.b, item), want, "{choice:?}");
        let inserts = |node: i64| {
            t.b.audit_entries()
                .expect("audit")
                .iter()
                .filter(|e| e.table == "item_links" && e.action == "insert")
                .filter(|e| {
                    e.after
                        .as_deref()
                        .is_some_and(|a| a.contains(&format!("\"node_id\":{node}")))
                })
                .count()
        };
        assert_eq!(inserts(x), 1, "B's link audited");
        assert_eq!(inserts(y), usize::from(!matches!(choice, Choice::Theirs)));
        assert_eq!(t.b.verify_audit().expect("chain"), None);
    }
}

/// The attendance matrix and the checklist both change a meeting's
/// attendees: a checklist opened before a tick in the matrix is asked.
#[test]
fn attendance_conflicts_between_the_matrix_and_the_checklist() {
    let mut t = two();
    let meeting = int(&t.a, MEETING);
    let version = int(
        &t.a,
        &format!("SELECT version FROM meetings WHERE id = {meeting}"),
    );
    let absent = int(
        &t.a,
        &format!(
            "SELECT min(id) FROM job_titles WHERE merged_into IS NULL AND id NOT IN
             (SELECT job_title_id FROM attendance WHERE meeting_id = {meeting})"
        ),
    );
    assert!(t.b.set_attendance(meeting, absent, true).expect("B ticks"));
    let mut f = meeting_fields(&t.a, "会議室");
    f.attendees.pop();
    let err =
        t.a.update_meeting(meeting, version, &f)
            .expect_err("A's checklist is asked");
    let StoreError::Conflict {
        version, theirs, ..
    } = err
    else {
        panic!("not a conflict: {err}");
    };
    assert!(theirs.contains("出席:"), "{theirs}");
    t.a.update_meeting(meeting, version, &f).expect("keep mine");
    assert_eq!(t.a.verify_audit().expect("chain"), None);
}

#[test]
fn fingerprints_are_what_the_value_checks_compare() {
    assert_eq!(fingerprint(""), fingerprint_ids(&[]));
}
