//! The command line through the real binary: help in Japanese with
//! examples, --version, completions, the man page, the new exports, and
//! the exit codes (0 ok, 1 error, 2 usage — the same 2 clap gives its own
//! usage errors), with results on stdout and messages on stderr.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use support::bin::{stderr, stdout};

/// `kusei --db DB ARGS…` at a fixed build date (the man page shows it).
fn run(db: &Path, args: &[&str]) -> Output {
    support::bin::command(db)
        .args(args)
        .env("SOURCE_DATE_EPOCH", "1743465600")
        .output()
        .expect("run kusei")
}

fn with_samples() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::TempDir::new().expect("tempdir");
    let db = dir.path().join("kusei.db");
    let out = run(&db, &["sample"]);
    assert!(out.status.success(), "{}", stderr(&out));
    (dir, db)
}

#[test]
fn help_and_version_go_to_stdout_with_exit_0() {
    let dir = tempfile::TempDir::new().unwrap();
    let db = dir.path().join("none.db");
    let out = run(&db, &["--help"]);
    assert_eq!(out.status.code(), Some(0));
    let help = stdout(&out);
    for phrase in [
        "使い方: kusei",
        "例:",
        "終了コード:",
        "0  成功",
        "1  エラー",
        "2  使い方の誤り",
        "KUSEI_DB",
    ] {
        assert!(help.contains(phrase), "{phrase} in\n{help}");
    }
    assert!(stderr(&out).is_empty());
    for sub in [
        "import",
        "export",
        "link",
        "sample",
        "check",
        "backup",
        "audit",
        "completions",
        "man",
    ] {
        let out = run(&db, &[sub, "--help"]);
        assert_eq!(out.status.code(), Some(0), "{sub}");
        let text = stdout(&out);
        assert!(
            text.contains("例:\n  # "),
            "{sub} --help has examples:\n{text}"
        );
        assert!(
            text.contains(&format!("kusei {sub}")) || text.contains("kusei --db"),
            "{sub}"
        );
    }
    let out = run(&db, &["--version"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        stdout(&out),
        format!("kusei {}\n", env!("CARGO_PKG_VERSION"))
    );
    assert!(!db.exists(), "help and version open no database");
}

#[test]
fn usage_mistakes_exit_2_on_stderr_before_opening_the_database() {
    let dir = tempfile::TempDir::new().unwrap();
    let db = dir.path().join("none.db");
    let cases: &[(&[&str], &str)] = &[
        (&["--bogus"], "--bogus"),
        (&["export", "--format", "xml"], "xml"),
        (&["export", "--format", "csv"], "--table が必要です"),
        (
            &["export", "--format", "markdown"],
            "--fiscal-year か --meeting が必要です",
        ),
        (
            &["export", "--format", "ics", "--meeting", "第3回"],
            "--meeting \"第3回\" が読めません",
        ),
        (
            &["export", "--format", "json", "--meeting", "H29:3"],
            "--meeting は",
        ),
        (
            &["export", "--format", "csv", "--html", "--table", "meetings"],
            "--html は",
        ),
        (
            &[
                "export",
                "--format",
                "csv",
                "--table",
                "opinions",
                "--encoding",
                "euc-jp",
            ],
            "文字コード",
        ),
        (
            &["export", "--format", "markdown", "--fiscal-year", "来年"],
            "年度 \"来年\" が読めません",
        ),
        (
            &[
                "export",
                "--format",
                "markdown",
                "--fiscal-year",
                "H29",
                "--meeting",
                "H29:3",
            ],
            "--meeting",
        ),
        (&["man", "nothing"], "サブコマンド \"nothing\" はありません"),
        (&["completions", "cmd.exe"], "cmd.exe"),
    ];
    for (args, phrase) in cases {
        let out = run(&db, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(out.stdout.is_empty(), "{args:?}");
        assert!(stderr(&out).contains(phrase), "{args:?}: {}", stderr(&out));
    }
    assert!(!db.exists(), "no database was created for a mistake");
}

#[test]
fn errors_exit_1_with_one_message_on_stderr() {
    let (_dir, db) = with_samples();
    let out = run(
        &db,
        &["export", "--format", "markdown", "--meeting", "H29:9"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "kusei: 平成29年度第9回の会議はデータベースにありません\n"
    );
    assert!(out.stdout.is_empty());
    let out = run(&db, &["export", "--format", "ics", "--fiscal-year", "R5"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("令和5年度 の会議はデータベースにありません"));
}

#[test]
fn cp932_refusal_names_the_character() {
    let (dir, db) = with_samples();
    let json = r#"{"meetings": [{"fiscal_year": 2017, "number": 3, "date": "2017-06-21",
        "start": "13:00", "end": "14:30", "place": "旭区外部特別会議室2", "attendees": [],
        "items": [{"number": 1, "title": "平成29年度4月の超過勤務の状況について", "summary": "",
        "opinions": [{"text": "𠮷田地区の件", "kind": "action", "owner": "総務課長", "due": "2017-07-31"}]}]}],
        "plans": []}"#;
    let file = dir.path().join("add.json");
    std::fs::write(&file, json).unwrap();
    let out = run(&db, &["import", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let args = [
        "export",
        "--format",
        "csv",
        "--table",
        "opinions",
        "--meeting",
        "2017:3",
    ];
    let out = run(&db, &[&args[..], &["--encoding", "cp932"]].concat());
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("「𠮷」(U+20BB7)") && err.contains("--encoding utf-8"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
    let out = run(&db, &args);
    assert!(out.status.success());
    assert!(out.stdout.starts_with(b"\xEF\xBB\xBF"));
    assert!(stdout(&out).contains(",宿題,𠮷田地区の件,,公開,総務課長,2017-07-31,,"));
}

#[test]
fn the_exports_through_the_binary() {
    let (dir, db) = with_samples();
    let out = run(
        &db,
        &[
            "export",
            "--format",
            "markdown",
            "--fiscal-year",
            "平成29年度",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("# 平成29年度 区づくり経営会議 議事録\n"));

    let out = run(&db, &["export", "--format", "ics", "--meeting", "H29:3"]);
    assert!(out.status.success());
    let ics = stdout(&out);
    assert!(ics.contains("\r\nSUMMARY:第3回 区づくり経営会議\r\n"));
    assert!(
        ics.contains("\r\nDTSTAMP:20250401T000000Z\r\n"),
        "SOURCE_DATE_EPOCH"
    );
    assert_eq!(ics.matches("BEGIN:VEVENT").count(), 1);

    let csv = dir.path().join("会議.csv");
    let out = run(
        &db,
        &[
            "export",
            "--format",
            "csv",
            "--table",
            "meetings",
            "-o",
            csv.to_str().unwrap(),
        ],
    );
    assert!(out.status.success());
    assert!(out.stdout.is_empty(), "-o writes the file, not stdout");
    let bytes = std::fs::read(&csv).expect("written");
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBF\xE4\xBC\x9A\xE8\xAD\xB0\xE4\xBD\x93,"),
        "BOM, then 会議体"
    );

    let html = dir.path().join("h29.html");
    let out = run(
        &db,
        &[
            "export",
            "--format",
            "publish",
            "--fiscal-year",
            "H29",
            "--html",
            "-o",
            html.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>") && page.contains("<h2>第5回</h2>"));
}

#[test]
fn completions_for_bash_zsh_and_fish() {
    let dir = tempfile::TempDir::new().unwrap();
    let db = dir.path().join("none.db");
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef kusei"),
        ("fish", "complete -c kusei"),
    ] {
        let out = run(&db, &["completions", shell]);
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let text = stdout(&out);
        assert!(text.contains(marker), "{shell}");
        for word in ["export", "completions", "--fiscal-year", "meetings", "ics"] {
            assert!(text.contains(word), "{shell} completes {word}");
        }
    }
    assert!(!db.exists());
}

#[test]
fn the_man_page_renders() {
    let dir = tempfile::TempDir::new().unwrap();
    let db = dir.path().join("none.db");
    let out = run(&db, &["man"]);
    assert_eq!(out.status.code(), Some(0));
    let page = stdout(&out);
    assert!(page.contains("\n.TH kusei 1 "));
    assert!(page.contains(".SH \"例・終了コード\""));
    assert!(page.contains(".SH 環境変数"));
    for sub in [
        "IMPORT",
        "EXPORT",
        "LINK",
        "SAMPLE",
        "CHECK",
        "BACKUP",
        "AUDIT",
        "COMPLETIONS",
        "MAN",
    ] {
        assert!(page.contains(&format!(".SH \"KUSEI {sub}\"")), "{sub}");
    }
    // Typeset by groff where it is installed (its warnings about lines of
    // Japanese it cannot break are expected).
    let groff = Command::new("groff")
        .args(["-man", "-Tutf8", "-K", "utf8", "-P", "-cbu"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn();
    if let Ok(mut child) = groff {
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(page.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(text.contains("終了コード"), "{text}");
        assert!(text.contains("KUSEI EXPORT"));
    }
    let out = run(&db, &["man", "export"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("--fiscal-year") || stdout(&out).contains("\\-\\-fiscal\\-year"));
}
