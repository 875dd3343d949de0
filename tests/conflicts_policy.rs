//! Two sessions (two real `Store`s on one SQLite file) edit the same part
//! of the policy tree or the progress board: node text, budget, lead and
//! co-departments, reviews and evaluations, progress cells, indicators and
//! milestones. Each is refused with `Conflict`, then each choice ends as it
//! should with both saves in the audit log (see `conflicts_support`).

mod conflicts_support;

use conflicts_support::*;
use kusei::db::progress::ProgressField;
use kusei::db::progress_board::Period;
use kusei::db::{NodeFields, Store, StoreError};
use kusei::model::Half;

// ---- the policy tree ------------------------------------------------------------

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
