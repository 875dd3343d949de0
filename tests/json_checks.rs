//! kusei's own JSON is checked like the pages (issue 18): a year no ward
//! can have, two items with one number in a meeting (once silently
//! merged), a budget beyond any real amount. Each is refused with the JSON
//! path, and nothing is written.

mod common;

use std::process::{Command, Stdio};

use common::*;
use kusei::import::parse_bytes;

fn meeting(fy: i32, date: &str, items: &str) -> String {
    format!(
        "{{\"meetings\": [{{\"committee\": \"区づくり経営会議\", \"fiscal_year\": {fy}, \"number\": 1, \"date\": \"{date}\", \"items\": [{items}]}}]}}"
    )
}

fn plan(fy: &str, budget: &str) -> String {
    format!(
        "{{\"plans\": [{{\"kind\": \"運営方針\", \"title\": \"試しの方針\", \"fiscal_year\": {fy}, \"nodes\": [{{\"level\": \"具体的取組\", \"code\": \"1-1-1\", \"title\": \"防犯\", \"budget_kyen\": {budget}}}]}}]}}"
    )
}

fn refused(json: &str, phrase: &str) {
    let e = parse_bytes("k.json", json.as_bytes()).expect_err(json);
    assert!(e.message.contains(phrase), "{phrase:?} not in {e}");
}

#[test]
fn years_no_ward_can_have() {
    refused(
        &meeting(0, "0000-12-01", ""),
        "meetings[0].date: 日付 0000-12-01 の年は1868〜2200年のはずです",
    );
    refused(
        &plan("0", "1"),
        "plans[0].fiscal_year:「試しの方針」の年度 0 は1868〜2200年のはずです",
    );
    refused(&plan("99999", "1"), "plans[0].fiscal_year");
}

#[test]
fn two_items_with_one_number() {
    let items = "{\"number\": 1, \"title\": \"A\"}, {\"number\": 2, \"title\": \"B\"}, {\"number\": 1, \"title\": \"C\"}";
    refused(
        &meeting(2017, "2017-06-01", items),
        "meetings[0].items[2].number: 議題の番号 (1) が items[0] と重なっています",
    );
}

#[test]
fn a_budget_beyond_any_real_amount() {
    refused(
        &plan("2017", "20000000000"),
        "budget_kyen 20000000000 千円は大きすぎます",
    );
    // The largest real budgets still read.
    let ok = parse_bytes("k.json", plan("2017", "9999999999").as_bytes());
    assert!(ok.is_ok(), "{ok:?}");
}

#[test]
fn nothing_is_written_for_a_refused_json_file() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("kusei.db");
    let items = "{\"number\": 1, \"title\": \"A\"}, {\"number\": 1, \"title\": \"B\"}";
    let file = dir.path().join("dup.json");
    std::fs::write(&file, meeting(2017, "2017-06-01", items)).expect("write");
    let good = dir.path().join("seed.txt");
    std::fs::copy(data_path(SEED_000), &good).expect("copy");
    let out = Command::new(env!("CARGO_BIN_EXE_kusei"))
        .current_dir(dir.path())
        .env_remove("KUSEI_DB")
        .env("HOME", dir.path())
        .args(["--db", "kusei.db", "import", "seed.txt", "dup.json"])
        .stdin(Stdio::null())
        .output()
        .expect("run kusei");
    assert!(!out.status.success());
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(e.contains("dup.json: meetings[0].items[1].number"), "{e}");
    // The good file named with it is not imported either.
    if db.exists() {
        let store = open(&db);
        assert_eq!(export(&store).meetings.len(), 0);
    }
}
