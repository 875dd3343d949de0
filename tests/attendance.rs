//! The 出席 pane, headless: the seed 000 matrix against the source text,
//! screens at 80×24 and 160×48, and key sequences for toggling (and undoing
//! it), sorting, filtering, merging renamed titles and changing years.

mod support;

use std::collections::BTreeMap;

use kusei::app::state::Tab;
use support::attendance::App;

/// Per job title, how many meetings of seed 000 it attended, read straight
/// from the source page: the line after each "3 出席者", split on 、.
fn seed_counts() -> (usize, BTreeMap<String, usize>) {
    let text =
        std::fs::read_to_string(support::db::data_path(support::db::SEED_000)).expect("seed 000");
    let lines: Vec<&str> = text.lines().collect();
    let mut meetings = 0;
    let mut counts = BTreeMap::new();
    for (i, line) in lines.iter().enumerate() {
        if line.trim() == "3 出席者" {
            meetings += 1;
            for title in lines[i + 1].split('、') {
                *counts.entry(title.trim().to_string()).or_insert(0) += 1;
            }
        }
    }
    (meetings, counts)
}

fn open_pane() -> App {
    let mut app = App::with_samples();
    app.keys("2");
    assert_eq!(app.state.tab, Tab::Attendance);
    assert!(!app.state.attendance.loading);
    app
}

/// (label, count) of the rows shown, in order.
fn rows(app: &App) -> Vec<(String, usize)> {
    let a = &app.state.attendance;
    let m = a.matrix.as_ref().expect("matrix loaded");
    a.view
        .rows
        .iter()
        .map(|&t| (m.titles[t].label(), m.titles[t].count))
        .collect()
}

fn cursor_label(app: &App) -> String {
    let a = &app.state.attendance;
    let m = a.matrix.as_ref().expect("matrix loaded");
    m.titles[a.view.rows[a.row]].label()
}

/// Move the cursor to the row labelled `label` and the `n`th meeting (1-based).
fn go_to(app: &mut App, label: &str, n: usize) {
    app.keys("g<home>");
    let i = rows(app)
        .iter()
        .position(|(l, _)| l == label)
        .unwrap_or_else(|| panic!("no row {label}"));
    app.keys(&"j".repeat(i));
    app.keys(&"l".repeat(n - 1));
    assert_eq!(cursor_label(app), label);
}

/// Attendance rows of meeting number `n` of 2017: (title, position).
fn attendance_of(app: &App, n: u32) -> Vec<(String, i64)> {
    let store = app.store();
    let mut stmt = store
        .conn()
        .prepare(
            "SELECT j.name, a.position FROM attendance a JOIN job_titles j ON j.id = a.job_title_id
             JOIN meetings m ON m.id = a.meeting_id WHERE m.fiscal_year = 2017 AND m.number = ?1
             ORDER BY a.position",
        )
        .expect("prepare");
    let rows = stmt
        .query_map([n], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("query")
        .collect::<Result<Vec<_>, _>>()
        .expect("rows");
    rows
}

#[test]
fn seed_000_matrix_matches_the_source() {
    let (meetings, expected) = seed_counts();
    assert_eq!(meetings, 5);
    let app = open_pane();
    let a = &app.state.attendance;
    assert_eq!(a.years, Some((2017, 2017)));
    let m = a.matrix.as_ref().expect("matrix");
    let numbers: Vec<u32> = m.meetings.iter().map(|m| m.number).collect();
    assert_eq!(numbers, vec![1, 2, 3, 4, 5]);
    let shown: BTreeMap<String, usize> = rows(&app).into_iter().collect();
    assert_eq!(shown, expected);
    // Every meeting's total is its attendee list's length in the source.
    let text =
        std::fs::read_to_string(support::db::data_path(support::db::SEED_000)).expect("seed");
    let per_meeting: Vec<usize> = text
        .lines()
        .collect::<Vec<_>>()
        .windows(2)
        .filter(|w| w[0].trim() == "3 出席者")
        .map(|w| w[1].split('、').count())
        .collect();
    assert_eq!(a.view.meeting_counts, per_meeting);

    // And on screen: every title's row ends in its count and rate.
    let screen = app.screen(160, 48);
    for (title, count) in &expected {
        let line = screen
            .lines()
            .find(|l| l.starts_with(&format!(" {title} ")))
            .unwrap_or_else(|| panic!("{title} not on screen:\n{screen}"));
        let rate = format!("{}%", count * 20);
        assert!(
            line.trim_end().ends_with(&format!(" {count} {:>6}", rate)),
            "{line:?}"
        );
        assert_eq!(line.matches('〇').count(), *count, "{line:?}");
    }
}

#[test]
fn screens_80x24_and_160x48() {
    let app = open_pane();
    insta::assert_snapshot!("attendance_80x24", app.screen(80, 24));
    insta::assert_snapshot!("attendance_160x48", app.screen(160, 48));
}

#[test]
fn toggle_saves_at_the_end_and_undo_redo_reverse_it() {
    let mut app = open_pane();
    // 保険年金課長 did not attend 第2回 (21 attendees, positions 0–20).
    go_to(&mut app, "保険年金課長", 2);
    assert_eq!(attendance_of(&app, 2).len(), 21);
    app.keys("<space>");
    let after = attendance_of(&app, 2);
    assert_eq!(after.len(), 22);
    assert_eq!(after.last(), Some(&("保険年金課長".to_string(), 21)));
    assert!(rows(&app).contains(&("保険年金課長".into(), 3)));
    assert_eq!(app.state.attendance.view.meeting_counts[1], 22);
    // Audited as one change set, undoable from this session.
    let store = app.store();
    let label: String = store
        .conn()
        .query_row(
            "SELECT b.label FROM audit_log l JOIN batches b ON b.id = l.batch
             WHERE l.tbl = 'attendance' ORDER BY l.id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .expect("audited");
    assert_eq!(label, "出席の記録");
    assert_eq!(app.state.undo_stack.len(), 1);

    app.keys("u");
    assert_eq!(attendance_of(&app, 2).len(), 21);
    assert!(rows(&app).contains(&("保険年金課長".into(), 2)));
    app.keys("<c-r>");
    assert_eq!(attendance_of(&app, 2).len(), 22);
    assert!(rows(&app).contains(&("保険年金課長".into(), 3)));

    // Off: 区長 at 第1回, then back exactly where it was.
    go_to(&mut app, "区長", 1);
    app.keys("<enter>");
    assert!(!attendance_of(&app, 1).iter().any(|(t, _)| t == "区長"));
    assert!(rows(&app).contains(&("区長".into(), 4)));
    app.keys("u");
    assert_eq!(attendance_of(&app, 1)[0], ("区長".to_string(), 0));
    assert!(store.check().expect("check").problems.is_empty());
}

#[test]
fn sorting_by_organisation_rate_and_name() {
    let mut app = open_pane();
    let org = rows(&app);
    assert_eq!(org[0].0, "区長");
    assert_eq!(org.last().map(|r| r.0.as_str()), Some("総務課庶務係長"));
    app.keys("s");
    let by_rate = rows(&app);
    assert!(by_rate.windows(2).all(|w| w[0].1 >= w[1].1), "{by_rate:?}");
    // Ties keep the organisation's order.
    let full: Vec<&str> = by_rate
        .iter()
        .filter(|r| r.1 == 5)
        .map(|r| r.0.as_str())
        .collect();
    assert_eq!(
        full,
        [
            "区長",
            "副区長",
            "福祉保健センター長",
            "旭消防署長",
            "区政推進課長",
            "福祉保健課長",
            "生活支援課長"
        ]
    );
    assert!(app.screen(80, 24).contains("出席率順"));
    app.keys("s");
    let by_name = rows(&app);
    assert!(by_name.windows(2).all(|w| w[0].0 <= w[1].0), "{by_name:?}");
    app.keys("s");
    assert_eq!(rows(&app), org);
}

#[test]
fn fuzzy_filter_with_the_cursor_at_the_caret() {
    let mut app = open_pane();
    app.keys("fこども");
    assert!(app.state.attendance.filtering);
    let names: Vec<String> = rows(&app).into_iter().map(|r| r.0).collect();
    assert_eq!(
        names,
        [
            "学校連携・こども担当課長",
            "こども家庭支援課長",
            "こども家庭支援課担当課長"
        ]
    );
    // The filter line is the pane's last line; the terminal's cursor sits
    // after " 絞り込み> こども" (11 + 6 columns).
    let theme = kusei::ui::Theme::monochrome();
    let (buffer, cursor) = support::screen::draw(&app.state, &theme, 80, 24);
    let pos = cursor.expect("cursor shown");
    assert_eq!((pos.x, pos.y), (17, 22));
    let (screen, _) = support::screen::buffer_text(&buffer);
    assert!(screen
        .lines()
        .nth(22)
        .is_some_and(|l| l.starts_with(" 絞り込み> こども")));

    // Typed keys are text, not commands ('q' does not quit).
    app.keys("<bs><bs><bs>q");
    assert!(!app.state.quit);
    assert!(rows(&app).is_empty());
    assert!(app
        .screen(80, 24)
        .contains("絞り込みに合う職名がありません"));
    app.keys("<bs>");
    app.paste("担当課長");
    assert_eq!(rows(&app).len(), 6);
    // Enter keeps the filter and gives the keys back to the matrix.
    app.keys("<enter>j");
    assert!(!app.state.attendance.filtering);
    assert_eq!(app.state.attendance.row, 1);
    assert!(app.screen(80, 24).contains("絞り込み: 担当課長"));
    // Esc clears it.
    app.keys("<esc>");
    assert_eq!(rows(&app).len(), 25);
}

#[test]
fn merging_renamed_titles_shows_one_row_and_undoes() {
    let mut app = open_pane();
    // 総務課庶務係長 (第5回 only) becomes part of 総務課長 (第1回–第4回).
    app.keys("G");
    assert_eq!(cursor_label(&app), "総務課庶務係長");
    app.keys("m");
    assert_eq!(
        app.state
            .attendance
            .merge_from
            .as_ref()
            .map(|m| m.1.as_str()),
        Some("総務課庶務係長")
    );
    assert!(app.screen(80, 24).contains("統合する先"));
    go_to(&mut app, "総務課長", 1);
    app.keys("m");
    let merged = "総務課長（旧 総務課庶務係長）".to_string();
    let r = rows(&app);
    assert_eq!(r.len(), 24);
    assert!(r.contains(&(merged.clone(), 5)), "{r:?}");
    assert!(!r.iter().any(|(l, _)| l == "総務課庶務係長"));
    assert!(app
        .screen(160, 48)
        .contains(" 総務課長（旧 総務課庶務係長）"));
    let merged_into = |app: &App| -> Option<String> {
        app.store()
            .conn()
            .query_row(
                "SELECT n.name FROM job_titles j LEFT JOIN job_titles n ON n.id = j.merged_into
                 WHERE j.name = '総務課庶務係長'",
                [],
                |r| r.get(0),
            )
            .expect("title")
    };
    assert_eq!(merged_into(&app).as_deref(), Some("総務課長"));

    // Undo, redo.
    app.keys("u");
    assert_eq!(rows(&app).len(), 25);
    assert_eq!(merged_into(&app), None);
    app.keys("<c-r>");
    assert!(rows(&app).contains(&(merged.clone(), 5)));

    // Taking a merged row off a meeting removes whichever name attended.
    go_to(&mut app, &merged, 5);
    app.keys("<space>");
    assert!(rows(&app).contains(&(merged.clone(), 4)));
    assert!(!attendance_of(&app, 5)
        .iter()
        .any(|(t, _)| t == "総務課庶務係長"));
    app.keys("u");
    assert!(attendance_of(&app, 5)
        .iter()
        .any(|(t, _)| t == "総務課庶務係長"));

    // x splits it again (also undoable).
    go_to(&mut app, &merged, 1);
    app.keys("x");
    assert_eq!(rows(&app).len(), 25);
    assert_eq!(merged_into(&app), None);
    app.keys("u");
    assert_eq!(merged_into(&app).as_deref(), Some("総務課長"));
    assert!(app.store().check().expect("check").problems.is_empty());
}

#[test]
fn years_move_and_widen() {
    let mut app = open_pane();
    app.keys("]");
    assert_eq!(app.state.attendance.years, Some((2018, 2018)));
    assert!(app.screen(80, 24).contains("平成30年度の会議はありません"));
    app.keys("[+");
    assert_eq!(app.state.attendance.years, Some((2016, 2017)));
    let screen = app.screen(80, 24);
    assert!(screen.contains("平成28年度〜平成29年度"), "{screen}");
    // With several years, each year's label heads its first meeting.
    assert!(screen
        .lines()
        .nth(2)
        .is_some_and(|l| l.contains("平成29年度")));
    app.keys("-");
    assert_eq!(app.state.attendance.years, Some((2017, 2017)));
    app.keys("-");
    assert_eq!(app.state.attendance.years, Some((2017, 2017)));
}

#[test]
fn thirty_years_scroll_both_ways() {
    let mut app = App::with(|store| fill(store, 30, 12, 80));
    app.keys("2");
    app.keys("+".repeat(29).as_str());
    // Widening keeps the cursor on its meeting (the first of 令和元年度).
    assert_eq!(app.state.attendance.col, 348);
    app.keys("<home>");
    let a = &app.state.attendance;
    assert_eq!(a.years, Some((1990, 2019)));
    assert_eq!(a.matrix.as_ref().map(|m| m.meetings.len()), Some(360));
    assert_eq!(a.view.rows.len(), 80);
    let first = app.screen(80, 24);
    assert!(first.contains("会議 1-8/360  職名 1-15/80"), "{first}");
    app.keys("G<end>");
    let last = app.screen(80, 24);
    assert!(last.contains("会議 353-360/360  職名 66-80/80"), "{last}");
    assert!(last.contains(" 職名079 "), "{last}");
    app.keys("<pgup>H");
    let a = &app.state.attendance;
    assert_eq!((a.row, a.col), (79 - 15, 359 - 8));
}

/// `years` fiscal years from 1990 of `per_year` meetings, `titles` titles,
/// each attending about two meetings in three (direct SQL: test setup).
pub fn fill(store: &mut kusei::db::Store, years: i32, per_year: u32, titles: usize) {
    let c = store.conn();
    c.execute_batch("BEGIN; INSERT INTO committees (name) VALUES ('区づくり経営会議');")
        .expect("begin");
    for t in 0..titles {
        c.execute(
            "INSERT INTO job_titles (name, sort_order) VALUES (?1, ?2)",
            rusqlite::params![format!("職名{t:03}"), t as i64 * 10],
        )
        .expect("title");
    }
    for y in 0..years {
        for n in 0..per_year {
            let date = chrono::NaiveDate::from_ymd_opt(1990 + y, 4, 10)
                .and_then(|d| d.checked_add_months(chrono::Months::new(n)))
                .expect("date");
            c.execute(
                "INSERT INTO meetings (committee_id, fiscal_year, number, date, created_at, created_by,
                   updated_at, updated_by) VALUES (1, ?1, ?2, ?3, 'x', 'test', 'x', 'test')",
                rusqlite::params![1990 + y, n + 1, date.format("%Y-%m-%d").to_string()],
            )
            .expect("meeting");
            let mid = c.last_insert_rowid();
            for t in 0..titles {
                if !(t + n as usize + y as usize).is_multiple_of(3) {
                    c.execute(
                        "INSERT INTO attendance (meeting_id, job_title_id, position) VALUES (?1, ?2, ?3)",
                        rusqlite::params![mid, t as i64 + 1, t as i64],
                    )
                    .expect("attendance");
                }
            }
        }
    }
    c.execute_batch("COMMIT").expect("commit");
}

#[test]
fn store_refuses_merges_that_make_no_sense() {
    let (_dir, mut store) = support::db::fresh_store();
    kusei::sample::load(&mut store).expect("samples");
    let id = |store: &kusei::db::Store, name: &str| -> i64 {
        store
            .conn()
            .query_row("SELECT id FROM job_titles WHERE name = ?1", [name], |r| {
                r.get(0)
            })
            .expect("title")
    };
    let (a, b) = (id(&store, "総務課庶務係長"), id(&store, "総務課長"));
    let e = store.merge_job_titles(a, a).expect_err("into itself");
    assert!(e.to_string().contains("すでに同じ行です"), "{e}");
    let e = store.split_job_title(b).expect_err("nothing merged");
    assert!(
        e.to_string().contains("統合された旧職名がありません"),
        "{e}"
    );
    store.merge_job_titles(a, b).expect("merge");
    // The other way round is the same row now.
    assert!(store.merge_job_titles(b, a).is_err());
    let m = store.attendance_matrix(2017, 2017).expect("matrix");
    let row = &m.titles[m.title_index(b).expect("row")];
    assert_eq!(
        (row.label().as_str(), row.count),
        ("総務課長（旧 総務課庶務係長）", 5)
    );
    assert_eq!(store.split_job_title(b).expect("split"), 1);
    assert!(store.check().expect("check").problems.is_empty());
}
