//! Importing from the app (issue 18): `I` opens a path prompt, the database
//! worker reads the file and answers with the command's report, shown as a
//! preview before anything is written; Esc writes nothing, Enter imports
//! (audited, `audit verify` passes) and shows what came in; a cut-off file
//! offers only the partial import, a broken one none.

mod support;

use kusei::app::panes::import::{Outcome, Overlay};
use kusei::app::state::Tab;
use support::bin::{run, stderr};
use support::db::{audit_rows, data_rows, json};
use support::harness::{sample_today, Harness};

/// Everything a write would change, read through SQLite (the app holds
/// the file open; it is never read with std::fs): the data, the audit log,
/// and the size of the -wal file (stat only).
/// What the database holds: its export, audit and data rows, and the
/// search change log without the index file writer's marks (the app's
/// search service may write the index file, and its mark, at any moment:
/// that is not the import writing).
fn fingerprint(h: &Harness) -> (String, i64, i64, i64) {
    let store = h.store();
    let logged: i64 = store
        .conn()
        .query_row(
            "SELECT count(*) FROM search_changes WHERE tbl <> 'index-file'",
            [],
            |r| r.get(0),
        )
        .expect("the change log");
    (json(&store), audit_rows(&store), data_rows(&store), logged)
}

/// `I`, the path typed, Enter: the preview (or whatever came back).
fn preview(h: &mut Harness, path: &str) {
    h.key("I");
    h.type_text(path);
    h.key("Enter");
}

fn outcome(h: &Harness) -> &Outcome {
    match &h.state.import.overlay {
        Some(Overlay::Preview { preview, .. }) => &preview.outcome,
        other => panic!("no preview: {other:?}"),
    }
}

#[test]
fn policy_page_preview_then_esc_writes_nothing() {
    let mut h = Harness::new(sample_today());
    let before = fingerprint(&h);
    preview(&mut h, "tests/fixtures/policy/01_unbracketed.txt");
    assert!(matches!(outcome(&h), Outcome::Ready(_)));
    let screen = h.render(100, 40);
    insta::assert_snapshot!("policy_preview", screen);
    // Scrolled: to the end, where Enter's meaning is said, and back.
    for _ in 0..5 {
        h.key("PgDn");
    }
    let end = h.render(100, 40);
    assert!(end.contains("（35/35）"), "{end}");
    assert!(end.contains("Enter で読み込みます"), "{end}");
    assert!(!end.contains("運営方針「令和2年度"), "{end}");
    h.key("k");
    assert!(h.render(100, 40).contains("（34/35）"));
    h.keys("PgUp PgUp PgUp PgUp");
    assert!(h.render(100, 40).contains("運営方針「令和2年度"));
    h.key("Esc");
    assert!(h.state.import.overlay.is_none());
    assert!(h
        .message()
        .is_some_and(|m| m.contains("何も書き込んでいません")));
    assert_eq!(fingerprint(&h), before, "Esc wrote something");
}

#[test]
fn minutes_page_preview_then_enter_imports_audited_and_shows_it() {
    let mut h = Harness::new(sample_today());
    let (_, audit_before, rows_before, _) = fingerprint(&h);
    preview(
        &mut h,
        "tests/fixtures/minutes/one_line_datetime_groups.txt",
    );
    insta::assert_snapshot!("minutes_preview", h.render(100, 30));
    h.key("Enter");
    assert!(h.state.import.overlay.is_none());
    let msg = h.message().expect("a message").to_string();
    assert!(msg.contains("読み込みました: 会議 1 件追加"), "{msg}");
    let (_, audit_after, rows_after, _) = fingerprint(&h);
    assert!(rows_after > rows_before);
    assert_eq!(
        audit_after - audit_before,
        rows_after - rows_before,
        "one audit row per row added"
    );
    // The calendar shows the imported meeting: 第2回 of 令和元年度.
    assert_eq!(h.state.tab, Tab::Meetings);
    assert_eq!(h.state.calendar.fiscal_year, 2019);
    assert_eq!(h.selected_number(), Some(2));
    assert!(h.render(100, 30).contains("区の予算について"));
    let verify = run(&h.path, &["audit", "verify"]);
    assert_eq!(verify.status.code(), Some(0), "{}", stderr(&verify));
}

#[test]
fn a_policy_import_lands_on_the_plan() {
    let mut h = Harness::new(sample_today());
    preview(&mut h, "tests/fixtures/policy/02_title_after_bracket.txt");
    h.key("y");
    assert_eq!(h.state.tab, Tab::Policy);
    let screen = h.render(100, 30);
    let cursor = &h.state.policy;
    let tree = cursor.tree.as_ref().expect("tree");
    let row = cursor.rows.get(cursor.cursor).expect("a row");
    let kusei::app::panes::policy::view::Row::Node(p, _) = *row else {
        panic!("cursor on {row:?}");
    };
    assert!(tree.plans[p].title.contains("運営方針"), "{screen}");
    assert_eq!(tree.plans.len(), 5, "the sample's four and the page's");
}

#[test]
fn a_cut_off_file_offers_only_the_partial_import() {
    let mut h = Harness::new(sample_today());
    let before = fingerprint(&h);
    preview(&mut h, "tests/fixtures/minutes/cut_mid_opinion.txt");
    assert!(matches!(outcome(&h), Outcome::Cut(_)));
    let screen = h.render(100, 30);
    assert!(
        screen.contains("cut_mid_opinion.txt:15:"),
        "the error with file and line: {screen}"
    );
    assert!(screen.contains("p 揃っている所まで読み込む"), "{screen}");
    // Enter is not the partial import: nothing is written.
    h.key("Enter");
    assert!(h.error().is_some_and(|e| e.contains("p で読み込めます")));
    assert_eq!(fingerprint(&h), before);
    h.key("p");
    assert!(h.state.import.overlay.is_none());
    let store = h.store();
    let kept: i64 = support::db::count(
        &store,
        "SELECT count(*) FROM opinions WHERE text LIKE '%若い世代%'",
    );
    assert_eq!(kept, 0, "the cut-off opinion is not imported");
    let kept: i64 = support::db::count(
        &store,
        "SELECT count(*) FROM opinions WHERE text LIKE '%子育て支援を厚く%'",
    );
    assert_eq!(kept, 1, "what is complete is");
}

#[test]
fn a_file_with_errors_offers_no_import() {
    let mut h = Harness::new(sample_today());
    let before = fingerprint(&h);
    let dir = tempfile::tempdir().expect("tempdir");
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{\n\"meetings\": [1]}").expect("write");
    preview(&mut h, &bad.display().to_string());
    assert!(matches!(outcome(&h), Outcome::Failed));
    let screen = h.render(100, 30);
    assert!(screen.contains("bad.json:2:"), "{screen}");
    assert!(screen.contains("Esc 閉じる（読み込めません）"), "{screen}");
    h.key("Enter");
    h.key("p");
    assert_eq!(fingerprint(&h), before);
    h.key("Esc");
    assert!(h.state.import.overlay.is_none());
}

#[test]
fn the_database_file_itself_is_refused_without_opening_it() {
    let mut h = Harness::new(sample_today());
    let before = fingerprint(&h);
    let mut wal = h.path.as_os_str().to_owned();
    wal.push("-wal");
    for p in [h.path.clone(), std::path::PathBuf::from(wal)] {
        preview(&mut h, &p.display().to_string());
        assert!(matches!(outcome(&h), Outcome::Failed));
        assert!(h.render(100, 30).contains("そのもの"));
        h.key("Esc");
    }
    assert_eq!(fingerprint(&h), before);
    // The app's locks are still held: another writer still waits on them
    // rather than finding the file unlocked (its save goes through).
    let mut other = h.store();
    assert!(other.import(&kusei::model::Dataset::default()).is_ok());
}

#[test]
fn tab_completes_the_path_and_keys_are_text_while_typing() {
    let mut h = Harness::new(sample_today());
    h.key("I");
    h.type_text("tests/fixtures/minutes/one_");
    h.key("Tab");
    let Some(Overlay::Path { input, .. }) = &h.state.import.overlay else {
        panic!("the path prompt");
    };
    assert_eq!(
        input.text(),
        "tests/fixtures/minutes/one_line_datetime_groups.txt"
    );
    // Tab did not switch tabs; y, p, q and j were typed, not obeyed.
    assert_eq!(h.state.tab, Tab::Meetings);
    h.type_text("ypqj");
    let Some(Overlay::Path { input, .. }) = &h.state.import.overlay else {
        panic!("the path prompt");
    };
    assert!(input.text().ends_with("ypqj"));
    assert!(!h.state.quit);
    h.key("Esc");
    assert!(h.state.import.overlay.is_none());
}

#[test]
fn help_lists_the_import_key() {
    let mut h = Harness::new(sample_today());
    h.key("?");
    let screen = h.render(120, 40);
    assert!(
        screen.contains("I         ファイルを読み込む（下見）"),
        "{screen}"
    );
}

#[test]
fn u_takes_an_import_back() {
    let mut h = Harness::new(sample_today());
    let before = fingerprint(&h).0;
    preview(
        &mut h,
        "tests/fixtures/minutes/one_line_datetime_groups.txt",
    );
    h.key("Enter");
    assert_ne!(fingerprint(&h).0, before);
    h.key("u");
    assert!(h.message().is_some_and(|m| m.contains("取り消しました")));
    assert_eq!(fingerprint(&h).0, before, "the import is undone");
}

#[test]
fn i_opens_the_import_on_every_tab() {
    let mut h = Harness::new(sample_today());
    for tab in ["1", "2", "3", "4"] {
        h.key(tab);
        h.key("I");
        assert!(
            matches!(h.state.import.overlay, Some(Overlay::Path { .. })),
            "tab {tab}"
        );
        assert!(
            h.render(80, 24).contains("ファイルから読み込む"),
            "tab {tab}"
        );
        h.key("Esc");
        assert!(h.state.import.overlay.is_none());
    }
}
