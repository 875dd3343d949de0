//! `kusei export --format csv|markdown --table progress --fiscal-year FY`:
//! the progress grid of a fiscal year as the sheet people assemble by hand.

mod support;

use std::process::Command;

use kusei::export::csv::Encoding;
use kusei::export::progress;
use support::db::*;

fn sample_store() -> (tempfile::TempDir, kusei::db::Store) {
    let (dir, mut store) = fresh_store();
    kusei::sample::load(&mut store).expect("samples");
    (dir, store)
}

#[test]
fn seed_004_in_the_2013_sheet() {
    let (_dir, store) = sample_store();
    let data = store.progress_board().expect("board");
    let rows = progress::grid(&data, 2013);
    let header = &rows[0];
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name}: {header:?}"))
    };
    let row = rows
        .iter()
        .find(|r| r[3] == "区役所間・区役所と本庁との協議制度の確立")
        .expect("seed 004's item");
    assert_eq!(row[col("主担当課")], "行政経営課");
    assert_eq!(row[col("状況（平成25年度上半期）")], "予定通り進捗");
    assert_eq!(row[col("状況（平成25年度下半期）")], "予定通り進捗");
    assert_eq!(row[col("年度評価（平成25年度）")], "A");
    assert!(row[col("計画（平成25年度）")].starts_with("・区役所間での調整"));
    assert!(row[col("取組工程・指標に対する評価")].contains("役割分担の再整理"));
    assert!(row[col("課題・今後の方針")].contains("周知徹底"));
    // Seed 003's reforms of that year come with their milestones.
    assert!(rows
        .iter()
        .any(|r| r[col("マイルストーン")].starts_with("平成25年4月 ")));
    // Seed 001's initiatives are in their own year, with budgets.
    let y2017 = progress::grid(&data, 2017);
    assert!(y2017.iter().any(|r| r[2] == "1-1-1" && r[6] == "7133"));
}

#[test]
fn csv_for_excel_and_cp932() {
    let (_dir, store) = sample_store();
    let data = store.progress_board().expect("board");
    let utf8 = progress::csv(&data, 2013, Encoding::Utf8Bom).expect("utf-8");
    assert_eq!(&utf8[..3], &[0xEF, 0xBB, 0xBF]);
    let text = std::str::from_utf8(&utf8[3..]).expect("utf-8 text");
    assert!(text.starts_with("計画,区分,番号,項目,主担当課,"));
    assert!(text.contains("\r\n"));
    let sjis = progress::csv(&data, 2013, Encoding::Cp932).expect("cp932");
    let (back, _, bad) = encoding_rs::SHIFT_JIS.decode(&sjis);
    assert!(!bad);
    assert_eq!(back, text);
}

#[test]
fn markdown_table() {
    let (_dir, store) = sample_store();
    let data = store.progress_board().expect("board");
    let md = progress::markdown(&data, 2014);
    assert!(md.starts_with("# 進捗 平成26年度（2014年度）\n\n| 計画 |"));
    let row = md
        .lines()
        .find(|l| l.contains("協議制度の確立"))
        .expect("seed 004 row");
    assert!(row.contains("| 予定通り進捗 |") && row.contains("| A |"));
    assert!(row.contains("<br>"));
    let columns = md.lines().nth(2).expect("header").matches(" | ").count();
    assert_eq!(row.matches(" | ").count(), columns);
}

#[test]
fn through_the_binary() {
    let (dir, store) = sample_store();
    drop(store);
    let db = dir.path().join("kusei.db");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_kusei"))
            .arg("--db")
            .arg(&db)
            .args(args)
            .output()
            .expect("run kusei")
    };
    let out = run(&[
        "export",
        "--format",
        "csv",
        "--table",
        "progress",
        "--fiscal-year",
        "H25",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(&out.stdout[..3], &[0xEF, 0xBB, 0xBF]);
    let out = run(&[
        "export",
        "--format",
        "markdown",
        "--table",
        "progress",
        "--fiscal-year",
        "平成26年度",
    ]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("協議制度の確立"));
    let out = run(&["export", "--format", "csv", "--table", "progress"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--fiscal-year が必要です"));
    let out = run(&["export", "--format", "csv", "--fiscal-year", "2013"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("--table が必要です"));
}
