//! CSV for Excel from the real binary: text a spreadsheet would take for a
//! formula is written with a leading `'` (OWASP), numbers and codes are
//! left as they are, and a table longer than Excel's 1,048,576 rows gets a
//! warning on stderr (tested with a small limit through
//! `KUSEI_EXCEL_MAX_ROWS`, not with a million rows).

mod support;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use kusei::model::*;
use support::bin;
use support::db::*;

const HOSTILE: [(&str, &str); 7] = [
    (
        "=HYPERLINK(\"http://example.invalid\",\"押す\")",
        "'=HYPERLINK(\"http://example.invalid\",\"押す\")",
    ),
    ("+81-3-0000-0000", "'+81-3-0000-0000"),
    ("-1+2", "'-1+2"),
    ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
    ("\t=1+1", "'\t=1+1"),
    ("\r=1+1", "'\r=1+1"),
    ("区長=議長の件", "区長=議長の件"),
];

fn db_with_hostile_opinions(dir: &Path) -> PathBuf {
    let db = dir.join("k.db");
    let opinions = HOSTILE
        .iter()
        .map(|(t, _)| Opinion {
            text: t.to_string(),
            ..Opinion::default()
        })
        .collect();
    let data = Dataset {
        meetings: vec![Meeting {
            committee: DEFAULT_COMMITTEE.into(),
            fiscal_year: 2019,
            number: 1,
            date: NaiveDate::from_ymd_opt(2019, 5, 8).expect("date"),
            start: None,
            end: None,
            place: "@会議室".into(),
            status: MeetingStatus::Held,
            attendees: Vec::new(),
            items: vec![Item {
                number: 1,
                title: "-議題".into(),
                opinions,
                ..Item::default()
            }],
        }],
        ..Dataset::default()
    };
    let mut store = open(&db);
    store.import(&data).expect("import");
    db
}

/// The records of a UTF-8 CSV file (BOM dropped), read by a real reader.
fn records(bytes: &[u8]) -> Vec<Vec<String>> {
    let body = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).expect("a BOM");
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(body)
        .records()
        .map(|r| r.expect("record").iter().map(String::from).collect())
        .collect()
}

#[test]
fn formula_looking_cells_are_neutralised_in_csv() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = db_with_hostile_opinions(dir.path());
    let out = dir.path().join("o.csv");
    let o = bin::run(
        &db,
        &[
            "export",
            "--format",
            "csv",
            "--table",
            "opinions",
            "-o",
            out.to_str().expect("utf-8"),
        ],
    );
    assert!(o.status.success(), "{}", bin::stderr(&o));
    let rows = records(&std::fs::read(&out).expect("csv"));
    let text = rows[0].iter().position(|h| h == "内容").expect("内容");
    let got: Vec<&str> = rows[1..].iter().map(|r| r[text].as_str()).collect();
    let want: Vec<&str> = HOSTILE.iter().map(|(_, w)| *w).collect();
    assert_eq!(got, want);
    let title = rows[0].iter().position(|h| h == "議題").expect("議題");
    assert_eq!(rows[1][title], "'-議題");
    // Numbers stay numbers: the year and the meeting's number.
    let year = rows[0].iter().position(|h| h == "年度").expect("年度");
    assert_eq!(rows[1][year], "2019");
    assert!(bin::stderr(&o).is_empty(), "{}", bin::stderr(&o));
}

#[test]
fn codes_are_written_as_they_are() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = sample_db(dir.path(), "k.db");
    let o = bin::run(&db, &["export", "--format", "csv", "--table", "policy"]);
    assert!(o.status.success(), "{}", bin::stderr(&o));
    let rows = records(&o.stdout);
    let code = rows[0].iter().position(|h| h == "コード").expect("コード");
    let codes: Vec<&str> = rows[1..].iter().map(|r| r[code].as_str()).collect();
    assert!(
        codes.contains(&"1-1") && codes.contains(&"1-1-1"),
        "{codes:?}"
    );
}

#[test]
fn past_excels_last_row_a_warning_names_the_count() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = sample_db(dir.path(), "k.db");
    let args = ["export", "--format", "csv", "--table", "opinions"];
    // The samples have 26 opinions: 27 rows with the header.
    let o = bin::command(&db)
        .env("KUSEI_EXCEL_MAX_ROWS", "20")
        .args(args)
        .output()
        .expect("run");
    assert!(o.status.success());
    let err = bin::stderr(&o);
    assert!(
        err.contains("27 行あります") && err.contains("20 行まで") && err.contains("7 行"),
        "{err}"
    );
    assert_eq!(records(&o.stdout).len(), 27, "every row is still written");
    // At the limit: no warning.
    let o = bin::command(&db)
        .env("KUSEI_EXCEL_MAX_ROWS", "27")
        .args(args)
        .output()
        .expect("run");
    assert!(bin::stderr(&o).is_empty(), "{}", bin::stderr(&o));
    // The real limit.
    let o = bin::run(&db, &args);
    assert!(bin::stderr(&o).is_empty(), "{}", bin::stderr(&o));
    assert_eq!(kusei::export::csv::EXCEL_MAX_ROWS, 1_048_576);
}
