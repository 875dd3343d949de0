//! More bad input: database states, terminals, commands, hostile text.
//! Together with `tests/bad_input.rs` this is the table in the README
//! ("Bad input"): each row is exercised here and its message checked.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use support::harness::{sample_today, Harness};

fn kusei(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kusei"))
        .current_dir(dir)
        .env_remove("KUSEI_DB")
        .env("HOME", dir)
        .env("XDG_DATA_HOME", dir.join("data"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run kusei")
}

fn sample(dir: &Path) -> PathBuf {
    let out = kusei(dir, &["--db", "kusei.db", "sample"]);
    assert!(out.status.success());
    dir.join("kusei.db")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn fails_with(out: &Output, phrase: &str) -> String {
    assert!(!out.status.success(), "should fail");
    let e = stderr(out);
    assert!(e.contains(phrase), "{phrase:?} not in {e:?}");
    eprintln!("{}", e.trim());
    e
}

#[test]
fn read_only_flag_refuses_writes() {
    let dir = tempfile::tempdir().expect("tmp");
    sample(dir.path());
    std::fs::write(dir.path().join("x.json"), "{\"meetings\":[]}").expect("write");
    let out = kusei(
        dir.path(),
        &["--db", "kusei.db", "--read-only", "import", "x.json"],
    );
    fails_with(&out, "--read-only で開いています");
}

#[test]
fn app_without_a_terminal_says_what_to_use() {
    let dir = tempfile::tempdir().expect("tmp");
    sample(dir.path());
    let out = kusei(dir.path(), &["--db", "kusei.db"]);
    fails_with(&out, "端末ではありません");
}

#[test]
fn unknown_subcommand_is_a_usage_error() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = kusei(dir.path(), &["frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("frobnicate"));
}

#[test]
fn unreadable_fiscal_year() {
    let dir = tempfile::tempdir().expect("tmp");
    sample(dir.path());
    let out = kusei(
        dir.path(),
        &[
            "--db",
            "kusei.db",
            "export",
            "--format",
            "publish",
            "--fiscal-year",
            "来年",
        ],
    );
    fails_with(&out, "年度 \"来年\" が読めません");
}

#[test]
fn publish_a_year_without_meetings() {
    let dir = tempfile::tempdir().expect("tmp");
    sample(dir.path());
    let out = kusei(
        dir.path(),
        &[
            "--db",
            "kusei.db",
            "export",
            "--format",
            "publish",
            "--fiscal-year",
            "R7",
        ],
    );
    fails_with(&out, "令和7年度 の会議はデータベースにありません");
}

#[test]
fn backup_over_an_existing_file() {
    let dir = tempfile::tempdir().expect("tmp");
    sample(dir.path());
    std::fs::write(dir.path().join("old.db"), b"x").expect("write");
    let out = kusei(dir.path(), &["--db", "kusei.db", "backup", "old.db"]);
    fails_with(&out, "すでにあります");
}

#[test]
fn audit_log_with_a_bad_date() {
    let dir = tempfile::tempdir().expect("tmp");
    sample(dir.path());
    let out = kusei(
        dir.path(),
        &["--db", "kusei.db", "audit", "log", "--since", "きのう"],
    );
    fails_with(&out, "--since");
}

#[test]
fn json_with_an_unknown_kind() {
    let dir = tempfile::tempdir().expect("tmp");
    sample(dir.path());
    let json = r#"{"meetings":[{"fiscal_year":2017,"number":9,"date":"2017-09-01","items":[{"number":1,"title":"t","opinions":[{"text":"x","kind":"gossip"}]}]}]}"#;
    std::fs::write(dir.path().join("kind.json"), json).expect("write");
    let out = kusei(dir.path(), &["--db", "kusei.db", "import", "kind.json"]);
    fails_with(&out, "kind.json:1:");
}

#[test]
fn json_linking_to_a_missing_plan() {
    let dir = tempfile::tempdir().expect("tmp");
    sample(dir.path());
    let json = r#"{"meetings":[{"fiscal_year":2017,"number":9,"date":"2017-09-01","items":[{"number":1,"title":"t","links":["ない計画#1-1"]}]}]}"#;
    std::fs::write(dir.path().join("link.json"), json).expect("write");
    let out = kusei(dir.path(), &["--db", "kusei.db", "import", "link.json"]);
    fails_with(&out, "計画「ない計画」に 1-1 がありません");
}

#[test]
fn html_page_with_only_site_chrome() {
    let dir = tempfile::tempdir().expect("tmp");
    sample(dir.path());
    let html = "<!DOCTYPE html><html><body><p>ページの先頭です</p><p>メニュー</p></body></html>";
    std::fs::write(dir.path().join("chrome.html"), html).expect("write");
    let out = kusei(dir.path(), &["--db", "kusei.db", "import", "chrome.html"]);
    fails_with(&out, "会議が見つかりません");
}

#[test]
fn policy_page_with_a_strategy_before_its_issue() {
    let dir = tempfile::tempdir().expect("tmp");
    sample(dir.path());
    let page =
        "平成29年度 旭区運営方針\n【戦略1-1 先に戦略】\n・本文\n【経営課題1 後から課題】\n本文\n";
    std::fs::write(dir.path().join("order.txt"), page).expect("write");
    let out = kusei(dir.path(), &["--db", "kusei.db", "import", "order.txt"]);
    fails_with(&out, "order.txt:2:");
}

#[test]
fn import_file_over_the_size_limit() {
    let dir = tempfile::tempdir().expect("tmp");
    sample(dir.path());
    let f = std::fs::File::create(dir.path().join("huge.txt")).expect("create");
    // Sparse: no disk is used, but the size is what is checked first.
    f.set_len(kusei::import::MAX_FILE_BYTES + 1).expect("size");
    let out = kusei(dir.path(), &["--db", "kusei.db", "import", "huge.txt"]);
    fails_with(&out, "ファイルが大きすぎます（536870913 バイト");
}

#[test]
fn damaged_database_refuses_writes_with_the_way_back() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = sample(dir.path());
    {
        let c = rusqlite::Connection::open(&db).expect("raw");
        c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
            .expect("checkpoint");
    }
    let mut bytes = std::fs::read(&db).expect("read");
    let at = (bytes.len() / 4096 / 2) * 4096;
    for b in &mut bytes[at + 100..at + 4096] {
        *b = 0x5A;
    }
    std::fs::write(&db, &bytes).expect("write");
    std::fs::write(dir.path().join("x.json"), "{\"meetings\":[]}").expect("write");
    let out = kusei(dir.path(), &["--db", "kusei.db", "import", "x.json"]);
    assert!(!out.status.success());
    let e = stderr(&out);
    assert!(e.contains("quick_check") || e.contains("SQLite"), "{e}");
}

#[test]
fn terminal_too_small() {
    let mut h = Harness::new(sample_today());
    let screen = h.render(60, 20);
    assert!(screen.contains("端末が小さすぎます"), "{screen}");
    assert!(screen.contains("80x24 以上"), "{screen}");
}

#[test]
fn paste_over_a_mebibyte_is_refused_with_its_size() {
    let mut h = Harness::new(sample_today());
    h.key("m");
    let big = "あ".repeat(400_000); // 1,200,000 bytes
    h.paste(&big);
    let msg = h.state.message.clone().expect("a message");
    assert!(
        msg.error && msg.text.contains("1,200,000バイト"),
        "{}",
        msg.text
    );
    assert!(h.state.minutes.as_ref().expect("minutes").input.is_empty());
}

#[test]
fn directory_instead_of_a_database() {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::create_dir(dir.path().join("adir")).expect("mkdir");
    let out = kusei(dir.path(), &["--db", "adir", "export"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("adir"), "{}", stderr(&out));
}
