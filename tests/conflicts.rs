//! Two sessions (two real `Store`s on one SQLite file) edit the same record.
//! For every kind of edit: the later save is refused with `Conflict` and
//! changes nothing; then each choice — keep mine (save again over their
//! version), keep theirs, edit the two together — ends as it should, and
//! every save that happened is in the audit log with the chain intact.

use kusei::db::conflict::{fingerprint, fingerprint_ids};
use kusei::db::progress::ProgressField;
use kusei::db::progress_board::Period;
use kusei::db::{MeetingFields, NodeFields, OpenOptions, Store, StoreError};
use kusei::model::Half;
use rusqlite::OptionalExtension;

const B: &str = "Bさんの版";
const A: &str = "Aさんの版";

struct Two {
    _dir: tempfile::TempDir,
    a: Store,
    b: Store,
}

fn two() -> Two {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("k.db");
    let mut a = Store::open(&path, OpenOptions::default()).expect("open a");
    kusei::sample::load(&mut a).expect("samples");
    let b = Store::open(&path, OpenOptions::default()).expect("open b");
    Two { _dir: dir, a, b }
}

fn int(s: &Store, sql: &str) -> i64 {
    s.conn().query_row(sql, [], |r| r.get(0)).expect(sql)
}

fn text(s: &Store, sql: &str) -> String {
    s.conn()
        .query_row(sql, [], |r| r.get::<_, Option<String>>(0))
        .optional()
        .expect(sql)
        .flatten()
        .unwrap_or_default()
}

#[derive(Debug, Clone, Copy)]
enum Choice {
    Mine,
    Theirs,
    Both,
}

/// One kind of edit as a session makes it.
struct Kind {
    table: &'static str,
    /// Run once on the fresh database (e.g. create the note both edit).
    setup: fn(&mut Store),
    /// What an editor opened from: a version, or the value shown.
    opened: fn(&Store) -> String,
    /// Save `text` as an editor opened from `opened` would.
    save: fn(&mut Store, &str, &str) -> kusei::db::Result<()>,
    /// What "keep mine" opens from, given the conflict's version and text.
    reopen: fn(i64, &str) -> String,
    /// The value in the database now.
    value: fn(&Store) -> String,
}

fn by_version(v: i64, _theirs: &str) -> String {
    v.to_string()
}

fn by_value(_v: i64, theirs: &str) -> String {
    theirs.to_string()
}

fn v(opened: &str) -> i64 {
    opened.parse().expect("a version")
}

/// Audit rows of `table` whose row after the change holds `marker`.
fn audited(s: &Store, table: &str, marker: &str) -> usize {
    s.audit_entries()
        .expect("audit")
        .iter()
        .filter(|e| e.table == table && e.after.as_deref().is_some_and(|a| a.contains(marker)))
        .count()
}

fn exercise(kind: &Kind, choice: Choice) {
    let mut t = two();
    (kind.setup)(&mut t.a);
    let opened_a = (kind.opened)(&t.a);
    let opened_b = (kind.opened)(&t.b);
    (kind.save)(&mut t.b, &opened_b, B).expect("B saves first");
    let err = (kind.save)(&mut t.a, &opened_a, A).expect_err("A's save is refused");
    let StoreError::Conflict {
        by,
        version,
        theirs,
        ..
    } = err
    else {
        panic!("{}: not a conflict: {err}", kind.table);
    };
    assert!(theirs.contains(B), "{}: theirs = {theirs}", kind.table);
    assert!(!by.is_empty());
    assert!(
        (kind.value)(&t.a).contains(B) && !(kind.value)(&t.a).contains(A),
        "{}: the refused save changed nothing",
        kind.table
    );
    let over = (kind.reopen)(version, &theirs);
    match choice {
        Choice::Mine => {
            (kind.save)(&mut t.a, &over, A).expect("keep mine");
            let now = (kind.value)(&t.b);
            assert!(now.contains(A) && !now.contains(B), "{}: {now}", kind.table);
        }
        Choice::Theirs => {
            let now = (kind.value)(&t.b);
            assert!(now.contains(B) && !now.contains(A), "{}: {now}", kind.table);
        }
        Choice::Both => {
            let joined = format!("{theirs}／{A}");
            (kind.save)(&mut t.a, &over, &joined).expect("the two together");
            let now = (kind.value)(&t.b);
            assert!(now.contains(A) && now.contains(B), "{}: {now}", kind.table);
        }
    }
    assert!(
        audited(&t.b, kind.table, B) >= 1,
        "{}: B's save audited",
        kind.table
    );
    let a_saves = audited(&t.b, kind.table, A);
    match choice {
        Choice::Theirs => assert_eq!(a_saves, 0, "{}", kind.table),
        _ => assert!(a_saves >= 1, "{}: A's save audited", kind.table),
    }
    assert_eq!(t.b.verify_audit().expect("chain"), None);
}

fn exercise_all(kind: &Kind) {
    for c in [Choice::Mine, Choice::Theirs, Choice::Both] {
        exercise(kind, c);
    }
}

fn none(_: &mut Store) {}

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

// ---- the policy tree ------------------------------------------------------------

const NODE: &str = "SELECT min(id) FROM plan_nodes";

#[test]
fn policy_node_text_conflicts_and_each_choice_ends_right() {
    exercise_all(&Kind {
        table: "plan_nodes",
        setup: none,
        opened: |s| int(s, "SELECT version FROM plan_nodes ORDER BY id LIMIT 1").to_string(),
        save: |s, opened, t| {
            let id = int(s, NODE);
            let f = NodeFields {
                level: text(s, "SELECT level FROM plan_nodes ORDER BY id LIMIT 1"),
                code: text(s, "SELECT code FROM plan_nodes ORDER BY id LIMIT 1"),
                title: text(s, "SELECT title FROM plan_nodes ORDER BY id LIMIT 1"),
                body: t.to_string(),
                budget_kyen: None,
            };
            s.update_node(id, v(opened), &f)
        },
        reopen: by_version,
        value: |s| text(s, "SELECT body FROM plan_nodes ORDER BY id LIMIT 1"),
    });
}

/// Budgets are numbers: B writes 100 千円, A 200; together is what A
/// types after seeing both (here 300).
#[test]
fn policy_node_budget_conflicts_and_each_choice_ends_right() {
    for choice in [Choice::Mine, Choice::Theirs, Choice::Both] {
        let mut t = two();
        let node = int(&t.a, NODE);
        let opened = int(
            &t.a,
            &format!("SELECT version FROM plan_nodes WHERE id = {node}"),
        );
        t.b.set_node_budget(node, opened, Some(100))
            .expect("B first");
        let err =
            t.a.set_node_budget(node, opened, Some(200))
                .expect_err("asked");
        let StoreError::Conflict {
            version, theirs, ..
        } = err
        else {
            panic!("not a conflict: {err}");
        };
        assert_eq!(theirs, "100");
        let want = match choice {
            Choice::Mine => 200,
            Choice::Theirs => 100,
            Choice::Both => 300,
        };
        if want != 100 {
            t.a.set_node_budget(node, version, Some(want))
                .expect("saved");
        }
        let budget = format!("SELECT budget_kyen FROM plan_nodes WHERE id = {node}");
        assert_eq!(int(&t.b, &budget), want);
        let saves: Vec<String> =
            t.b.audit_entries()
                .expect("audit")
                .into_iter()
                .filter(|e| e.table == "plan_nodes" && e.row_id == node && e.action == "update")
                .filter_map(|e| e.after)
                .collect();
        assert!(saves[0].contains("\"budget_kyen\":100"), "{saves:?}");
        if want != 100 {
            assert!(
                saves[1].contains(&format!("\"budget_kyen\":{want}")),
                "{saves:?}"
            );
        }
        assert_eq!(t.b.verify_audit().expect("chain"), None);
    }
}

/// The lead department (主担当課), a node text edited on the progress board.
#[test]
fn policy_node_lead_department_conflicts_and_each_choice_ends_right() {
    exercise_all(&Kind {
        table: "plan_nodes",
        setup: none,
        opened: |s| int(s, "SELECT version FROM plan_nodes ORDER BY id LIMIT 1").to_string(),
        save: |s, opened, t| s.set_lead_department(int(s, NODE), v(opened), t),
        reopen: by_version,
        value: |s| {
            text(
                s,
                "SELECT lead_department FROM plan_nodes ORDER BY id LIMIT 1",
            )
        },
    });
}

/// 中間振り返り from the policy pane: the note has no version shown there,
/// so the text it opened with is what is checked.
#[test]
fn reviews_from_the_policy_pane_conflict_and_each_choice_ends_right() {
    const NOTE: &str = "SELECT text FROM node_notes WHERE label = '中間振り返り' AND fiscal_year = 2017 AND node_id = (SELECT min(id) FROM plan_nodes)";
    exercise_all(&Kind {
        table: "node_notes",
        setup: |s| {
            s.set_node_note(
                int(s, NODE),
                "中間振り返り",
                Some(2017),
                "",
                "最初の振り返り",
            )
            .expect("a review to start from")
        },
        opened: |s| text(s, NOTE),
        save: |s, shown, t| s.set_node_note(int(s, NODE), "中間振り返り", Some(2017), shown, t),
        reopen: by_value,
        value: |s| text(s, NOTE),
    });
}

/// 自己評価 from the progress board: the note's version is checked.
#[test]
fn evaluations_from_the_progress_board_conflict_and_each_choice_ends_right() {
    const NOTE: &str = "SELECT id FROM node_notes WHERE label = '自己評価' AND node_id = (SELECT min(id) FROM plan_nodes)";
    exercise_all(&Kind {
        table: "node_notes",
        setup: |s| {
            s.set_node_note_checked(int(s, NODE), None, "自己評価", Some(2017), "最初の評価")
                .expect("an evaluation to start from")
        },
        opened: |s| {
            let id = int(s, NOTE);
            let v = int(
                s,
                &format!("SELECT version FROM node_notes WHERE id = {id}"),
            );
            format!("{id}:{v}")
        },
        save: |s, opened, t| {
            let (id, v) = opened
                .split_once(':')
                .map_or((int(s, NOTE), opened), |p| (p.0.parse().expect("id"), p.1));
            let v = v.parse().expect("version");
            s.set_node_note_checked(int(s, NODE), Some((id, v)), "自己評価", Some(2017), t)
        },
        reopen: by_version,
        value: |s| {
            text(
                s,
                &format!("SELECT text FROM node_notes WHERE id = ({NOTE})"),
            )
        },
    });
}

/// Two people add the first 自己評価 of a node at once: the second is asked,
/// not given a second note.
#[test]
fn two_first_evaluations_conflict_instead_of_making_two_notes() {
    let mut t = two();
    let node = int(&t.a, NODE);
    t.b.set_node_note_checked(node, None, "自己評価", Some(2017), B)
        .expect("B first");
    let err =
        t.a.set_node_note_checked(node, None, "自己評価", Some(2017), A)
            .expect_err("A is asked");
    let StoreError::Conflict { id, version, .. } = err else {
        panic!("not a conflict: {err}");
    };
    t.a.set_node_note_checked(node, Some((id, version)), "自己評価", Some(2017), A)
        .expect("keep mine");
    assert_eq!(
        int(
            &t.a,
            &format!(
                "SELECT count(*) FROM node_notes WHERE node_id = {node} AND label = '自己評価'"
            )
        ),
        1
    );
}

// ---- the progress board ---------------------------------------------------------

fn progress_cell(s: &Store) -> (i64, Period) {
    let (node, fy, half): (i64, i32, String) = s
        .conn()
        .query_row(
            "SELECT node_id, fiscal_year, half FROM progress ORDER BY id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("a progress row in the samples");
    (node, Period::new(fy, Half::parse(&half).expect("half")))
}

fn progress_kind(field: ProgressField) -> Kind {
    let save = match field {
        ProgressField::Plan => |s: &mut Store, o: &str, t: &str| {
            let (n, p) = progress_cell(s);
            s.set_progress_field(n, p, ProgressField::Plan, t, Some(v(o)))
        },
        ProgressField::Actual => |s: &mut Store, o: &str, t: &str| {
            let (n, p) = progress_cell(s);
            s.set_progress_field(n, p, ProgressField::Actual, t, Some(v(o)))
        },
        ProgressField::Status => |s: &mut Store, o: &str, t: &str| {
            let (n, p) = progress_cell(s);
            s.set_progress_field(n, p, ProgressField::Status, t, Some(v(o)))
        },
        _ => |s: &mut Store, o: &str, t: &str| {
            let (n, p) = progress_cell(s);
            s.set_progress_field(n, p, ProgressField::Grade, t, Some(v(o)))
        },
    };
    let value = match field {
        ProgressField::Plan => |s: &Store| text(s, "SELECT plan FROM progress ORDER BY id LIMIT 1"),
        ProgressField::Actual => {
            |s: &Store| text(s, "SELECT actual FROM progress ORDER BY id LIMIT 1")
        }
        ProgressField::Status => {
            |s: &Store| text(s, "SELECT status FROM progress ORDER BY id LIMIT 1")
        }
        _ => |s: &Store| text(s, "SELECT grade FROM progress ORDER BY id LIMIT 1"),
    };
    Kind {
        table: "progress",
        setup: none,
        opened: |s| int(s, "SELECT version FROM progress ORDER BY id LIMIT 1").to_string(),
        save,
        reopen: by_version,
        value,
    }
}

#[test]
fn progress_cells_conflict_and_each_choice_ends_right() {
    for f in [
        ProgressField::Plan,
        ProgressField::Actual,
        ProgressField::Status,
        ProgressField::Grade,
    ] {
        exercise_all(&progress_kind(f));
    }
}

/// A cell the screen showed empty (no row) that a colleague filled first.
#[test]
fn a_progress_cell_filled_meanwhile_conflicts() {
    let mut t = two();
    let node = int(&t.a, NODE);
    let p = Period::new(2030, Half::Year);
    t.b.set_progress_field(node, p, ProgressField::Plan, B, None)
        .expect("B first");
    let err =
        t.a.set_progress_field(node, p, ProgressField::Plan, A, None)
            .expect_err("A is asked");
    let StoreError::Conflict {
        version, theirs, ..
    } = err
    else {
        panic!("not a conflict: {err}");
    };
    assert_eq!(theirs, B);
    t.a.set_progress_field(node, p, ProgressField::Plan, A, Some(version))
        .expect("keep mine");
}

#[test]
fn co_departments_conflict_by_value() {
    exercise_all(&Kind {
        table: "node_co_departments",
        setup: none,
        opened: |s| {
            text(
                s,
                "SELECT group_concat(name, '、') FROM (SELECT name FROM node_co_departments
                 WHERE node_id = (SELECT min(id) FROM plan_nodes) ORDER BY position, id)",
            )
        },
        save: |s, shown, t| {
            let shown = kusei::import::lines::split_list(shown);
            let names = kusei::import::lines::split_list(&t.replace('／', "、"));
            s.set_co_departments(int(s, NODE), &shown, &names)
        },
        reopen: by_value,
        value: |s| {
            text(
                s,
                "SELECT group_concat(name, '、') FROM node_co_departments
                 WHERE node_id = (SELECT min(id) FROM plan_nodes)",
            )
        },
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
        let StoreError::Conflict { version, .. } = err else {
            panic!("not a conflict: {err}");
        };
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

// ---- indicators and milestones (no version: the value shown is checked) -----

#[test]
fn indicator_names_conflict_by_value() {
    use kusei::db::progress::IndicatorColumn;
    const IND: &str = "SELECT min(id) FROM indicators";
    exercise_all(&Kind {
        table: "indicators",
        setup: |s| {
            s.add_indicator(int(s, NODE), "来場者数")
                .expect("an indicator");
        },
        opened: |s| text(s, "SELECT name FROM indicators ORDER BY id LIMIT 1"),
        save: |s, shown, t| s.set_indicator_text(int(s, IND), IndicatorColumn::Name, shown, t),
        reopen: by_value,
        value: |s| text(s, "SELECT name FROM indicators ORDER BY id LIMIT 1"),
    });
}

#[test]
fn milestones_conflict_by_value() {
    const MS: &str = "SELECT min(id) FROM milestones";
    fn span() -> kusei::wareki::span::Span {
        kusei::wareki::span::parse("平成30年4月").expect("span")
    }
    exercise_all(&Kind {
        table: "milestones",
        setup: |s| {
            s.add_milestone(int(s, NODE), &span(), "組織の再編")
                .expect("a milestone");
        },
        opened: |s| text(s, "SELECT text FROM milestones ORDER BY id LIMIT 1"),
        save: |s, shown, t| s.update_milestone(int(s, MS), shown, &span(), t, false),
        reopen: by_value,
        value: |s| text(s, "SELECT text FROM milestones ORDER BY id LIMIT 1"),
    });
}
