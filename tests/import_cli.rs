//! `kusei import` as users run it on a policy page: `--dry-run` prints what
//! every line became and writes nothing; a page cut off mid-section is
//! refused with the way to take what is complete (`--partial`), which then
//! imports up to the last complete section.

mod support;

use support::bin::{run, stderr, stdout};
use support::db::root;

fn fixture(name: &str) -> String {
    root()
        .join("tests/fixtures/policy")
        .join(name)
        .display()
        .to_string()
}

fn nodes(db: &std::path::Path) -> i64 {
    let conn = rusqlite::Connection::open(db).expect("open");
    conn.query_row("SELECT count(*) FROM plan_nodes", [], |r| r.get(0))
        .expect("count")
}

#[test]
fn dry_run_prints_the_line_report_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("k.db");
    let out = run(
        &db,
        &["import", "--dry-run", &fixture("01_unbracketed.txt")],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("行ごとの読み方:"), "{text}");
    assert!(text.contains("1行目"), "{text}");
    assert!(text.contains("見出し → 経営課題1"), "{text}");
    assert!(text.contains("確認のみ: 1 ファイルを読めました"), "{text}");
    assert_eq!(nodes(&db), 0, "a dry run writes nothing");
}

#[test]
fn an_import_says_what_every_line_became_on_stderr_and_its_counts_on_stdout() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("k.db");
    let out = run(&db, &["import", &fixture("01_unbracketed.txt")]);
    assert!(out.status.success(), "{}", stderr(&out));
    let report = stderr(&out);
    assert!(report.contains("行ごとの読み方:"), "{report}");
    assert!(report.contains("見出し → 経営課題1"), "{report}");
    let summary = stdout(&out);
    assert!(summary.contains("読み込みました"), "{summary}");
    assert!(!summary.contains("行ごとの読み方:"), "{summary}");
    assert!(nodes(&db) > 0, "the import wrote the plan");
}

#[test]
fn a_cut_off_page_is_refused_then_taken_up_to_its_last_complete_section() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("k.db");
    let page = fixture("14_truncated.txt");
    let refused = run(&db, &["import", &page]);
    assert_eq!(refused.status.code(), Some(1));
    let err = stderr(&refused);
    assert!(err.contains("14_truncated.txt:13:"), "{err}");
    assert!(err.contains("kusei import --partial"), "{err}");
    assert_eq!(nodes(&db), 0, "a refused page writes nothing");

    let taken = run(&db, &["import", "--partial", &page]);
    assert!(taken.status.success(), "{}", stderr(&taken));
    assert!(stderr(&taken).contains("そこまでを読み込みます"));
    // 経営課題1, 戦略1-1, 具体的取組1-1-1 (and whatever the page keeps above
    // them), never the cut-off 具体的取組1-1-2.
    let conn = rusqlite::Connection::open(&db).expect("open");
    let cut: i64 = conn
        .query_row(
            "SELECT count(*) FROM plan_nodes WHERE title LIKE '%防犯パトロール%'",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(cut, 0);
    assert!(nodes(&db) >= 3);
}

#[test]
fn dry_run_of_a_minutes_page_prints_its_meetings_with_counts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("k.db");
    let page = root()
        .join("tests/fixtures/minutes/dai_n_kai_in_heading.txt")
        .display()
        .to_string();
    let out = run(&db, &["import", "--dry-run", &page]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("会議録「花の区区政会議」（令和元年度）会議 2 件"),
        "{text}"
    );
    assert!(
        text.contains("第3回（1行目から） 令和元年12月4日"),
        "{text}"
    );
    assert!(text.contains("議題 1 件、意見 1 件、出席者 3 人"), "{text}");
    assert!(
        text.contains("(1) 区の運営方針について — 意見 1 件"),
        "{text}"
    );
    let conn = rusqlite::Connection::open(&db).expect("open");
    let n: i64 = conn
        .query_row("SELECT count(*) FROM meetings", [], |r| r.get(0))
        .expect("count");
    assert_eq!(n, 0, "a dry run writes nothing");
}
