//! The command line's conventions through the real binary (issue 15,
//! points 5 and 6): nothing of clap's English reaches the user, `-` reads
//! standard input and writes standard output, an option that does not
//! apply or does not parse exits 2 naming it, `--json` output parses, and
//! completions offer the values of --theme, --glyphs, --encoding,
//! --fiscal-year, --format and --table.

mod support;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

use support::bin::{command, stderr, stdout};

fn run(db: &Path, args: &[&str]) -> Output {
    command(db)
        .args(args)
        .env("XDG_CONFIG_HOME", db.parent().expect("dir").join("config"))
        .env_remove("KUSEI_CONFIG")
        .stdin(Stdio::null())
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

/// English clap would print, in help or in errors.
const ENGLISH: &[&str] = &[
    "error:",
    "Usage",
    "For more information",
    "[OPTIONS]",
    "Options:",
    "Commands:",
    "Arguments:",
    "Print help",
    "Print version",
    "[default:",
    "[possible values:",
    "Possible values",
    "[env:",
    "unexpected argument",
    "invalid value",
    "Search opinions",
    "Fill the database",
    "Colour theme",
    "Markers:",
];

fn assert_japanese(what: &str, text: &str) {
    for english in ENGLISH {
        assert!(!text.contains(english), "{what}: {english:?} in\n{text}");
    }
}

#[test]
fn help_has_no_english_from_clap() {
    let dir = tempfile::TempDir::new().expect("tempdir");
    let db = dir.path().join("none.db");
    for args in [
        &["--help"][..],
        &["-h"],
        &["search", "--help"],
        &["gen", "--help"],
        &["audit", "--help"],
        &["audit", "help"],
        &["audit", "help", "log"],
        &["audit", "log", "--help"],
        &["export", "--help"],
        &["help"],
        &["help", "export"],
    ] {
        let out = run(&db, args);
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        let text = stdout(&out);
        assert!(text.contains("使い方: kusei"), "{args:?}\n{text}");
        assert!(text.contains("オプション:"), "{args:?}\n{text}");
        assert_japanese(&format!("{args:?}"), &text);
    }
    // `kusei audit` alone: the help of audit on stderr, exit 2.
    let out = run(&db, &["audit"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("コマンド:"));
    assert_japanese("audit", &stderr(&out));
    assert!(!db.exists());
}

#[test]
fn clap_errors_are_japanese() {
    let dir = tempfile::TempDir::new().expect("tempdir");
    let db = dir.path().join("none.db");
    let cases: &[(&[&str], &str)] = &[
        (&["--bogus"], "知らない引数 '--bogus'"),
        (&["exprt"], "知らないコマンド 'exprt'"),
        (&["export", "--format", "xml"], "'xml' は使えません"),
        (&["export", "--format"], "値がありません"),
        (&["search"], "次の指定が必要です"),
        (&["gen", "--opinions", "many"], "半角の整数で書いてください"),
        (&["search", "--limit", "x", "団地"], "'--limit <N>'"),
        (
            &["search", "--color", "pink", "団地"],
            "使える値: auto、always、never",
        ),
        (&["export", "--json"], "--dry-run"),
        (&["--theme"], "'--theme <NAME>' に値がありません"),
    ];
    for (args, phrase) in cases {
        let out = run(&db, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let e = stderr(&out);
        assert!(e.contains(phrase), "{args:?}: {phrase}\n{e}");
        assert!(e.starts_with("kusei: "), "{args:?}\n{e}");
        assert_japanese(&format!("{args:?}"), &e);
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn options_that_do_not_apply_or_do_not_parse_exit_2_naming_them() {
    let (_dir, db) = with_samples();
    // (arguments, the option named in the message)
    let cases: &[(&[&str], &str)] = &[
        (
            &["--format", "json", "--fiscal-year", "来年"],
            "--fiscal-year",
        ),
        (
            &[
                "--format",
                "csv",
                "--table",
                "meetings",
                "--fiscal-year",
                "来年",
            ],
            "--fiscal-year",
        ),
        (
            &["--format", "json", "--fiscal-year", "2017"],
            "--fiscal-year",
        ),
        (&["--format", "json", "--table", "meetings"], "--table"),
        (
            &[
                "--format",
                "publish",
                "--fiscal-year",
                "H29",
                "--table",
                "policy",
            ],
            "--table",
        ),
        (&["--format", "ics", "--table", "meetings"], "--table"),
        (&["--format", "json", "--encoding", "cp932"], "--encoding"),
        (
            &[
                "--format",
                "markdown",
                "--fiscal-year",
                "H29",
                "--encoding",
                "utf-8",
            ],
            "--encoding",
        ),
        (&["--format", "ics", "--encoding", "cp932"], "--encoding"),
        (
            &[
                "--format",
                "csv",
                "--table",
                "meetings",
                "--encoding",
                "latin1",
            ],
            "--encoding",
        ),
        (
            &["--format", "json", "--committee", "区づくり経営会議"],
            "--committee",
        ),
        (
            &["--format", "csv", "--table", "policy", "--committee", "x"],
            "--committee",
        ),
        (&["--format", "json", "--html"], "--html"),
        (&["--format", "json", "--meeting", "H29:3"], "--meeting"),
        (&["--format", "json", "--json"], "--dry-run"),
    ];
    for (args, option) in cases {
        let mut all = vec!["export"];
        all.extend_from_slice(args);
        let out = run(&db, &all);
        let e = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{all:?}\n{e}");
        assert!(e.contains(option), "{all:?}: {option}\n{e}");
        assert!(out.stdout.is_empty(), "{all:?}");
        assert_japanese(&format!("{all:?}"), &e);
    }
    // The same options where they apply.
    for args in [
        &[
            "export",
            "--format",
            "csv",
            "--table",
            "meetings",
            "--encoding",
            "cp932",
        ][..],
        &[
            "export",
            "--format",
            "csv",
            "--table",
            "meetings",
            "--fiscal-year",
            "H29",
        ],
        &[
            "export",
            "--format",
            "ics",
            "--fiscal-year",
            "平成29年度",
            "--committee",
            "区づくり経営会議",
        ],
    ] {
        let out = run(&db, args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
    }
    // Other commands: an unreadable value is a usage error too.
    for args in [
        &["audit", "log", "--since", "きのう"][..],
        &["audit", "log", "--table", "secrets"],
        &["import", "-", "-"],
    ] {
        let out = run(&db, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
    }
}

#[test]
fn dash_is_standard_input_and_output() {
    let (dir, db) = with_samples();
    // -o - writes to stdout and creates no file called "-".
    let out = run(&db, &["export", "--format", "json", "-o", "-"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!dir.path().join("-").exists());
    let json = out.stdout;
    serde_json::from_slice::<serde_json::Value>(&json).expect("JSON on stdout");
    let out = run(
        &db,
        &[
            "export", "--format", "csv", "--table", "meetings", "-o", "-",
        ],
    );
    assert!(stdout(&out).contains("第3回") || stdout(&out).contains("3"));
    assert!(!dir.path().join("-").exists());

    // import - reads it back into another file.
    let other = dir.path().join("other.db");
    let mut child = command(&other)
        .args(["import", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(&json)
        .expect("write");
    let out = child.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("標準入力"), "{}", stderr(&out));
    assert!(stdout(&out).contains("会議 5 件追加"), "{}", stdout(&out));
    let again = run(&other, &["export", "--format", "json"]);
    assert_eq!(again.stdout, json, "the round trip through - is exact");

    // A page (not JSON) on stdin is told from its content.
    let page = run(
        &db,
        &["export", "--format", "publish", "--fiscal-year", "H29"],
    )
    .stdout;
    let third = dir.path().join("third.db");
    let mut child = command(&third)
        .args(["import", "--dry-run", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(&page)
        .expect("write");
    let out = child.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("会議 5 件"), "{}", stderr(&out));

    // Empty standard input is an error with a message, not a panic.
    let out = run(&third, &["import", "-"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("標準入力"), "{}", stderr(&out));
}

#[test]
fn json_outputs_parse() {
    let (dir, db) = with_samples();
    let out = run(&db, &["check", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("check --json");
    assert_eq!(v["ok"], serde_json::Value::Bool(out.status.success()));
    assert!(v["problems"].is_array() && v["notes"].is_array());
    assert!(v["audit_rows"].as_i64().is_some_and(|n| n > 0), "{v}");

    let out = run(&db, &["audit", "log", "--json", "--limit", "3"]);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("audit log --json");
    let list = v.as_array().expect("an array");
    assert_eq!(list.len(), 3);
    for e in list {
        for key in ["id", "at", "user", "action", "table", "row", "summary"] {
            assert!(e.get(key).is_some(), "{key} in {e}");
        }
        assert!(e["after"].is_object() || e["before"].is_object(), "{e}");
    }
    let out = run(
        &db,
        &[
            "audit", "log", "--json", "--table", "meetings", "--row", "999999",
        ],
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("empty log");
    assert_eq!(v, serde_json::json!([]));

    let out = run(&db, &["link", "--suggest", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("link --suggest --json");
    let list = v.as_array().expect("an array");
    assert!(!list.is_empty(), "the sample has suggestions");
    for s in list {
        assert!(s["item_title"].is_string() && s["topics"].is_array(), "{s}");
    }
    let out = run(&db, &["link", "--suggest", "--accept-all", "--json"]);
    assert_eq!(out.status.code(), Some(2));

    let file = dir.path().join("m.csv");
    let file_s = file.to_str().expect("utf-8 path");
    let args = [
        "export",
        "--format",
        "csv",
        "--table",
        "meetings",
        "-o",
        file_s,
        "--dry-run",
        "--json",
    ];
    let out = run(&db, &args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("export --dry-run --json");
    assert_eq!(v["format"], "csv");
    assert_eq!(v["table"], "meetings");
    assert_eq!(v["output"], file_s);
    assert_eq!(v["written"], false);
    assert!(v["bytes"].as_u64().is_some_and(|n| n > 100), "{v}");
    assert!(!file.exists(), "a dry run writes nothing");
    // The bytes said are the bytes written.
    let out = run(&db, &args[..7]);
    assert_eq!(out.status.code(), Some(0));
    let written = std::fs::metadata(&file).expect("written").len();
    assert_eq!(v["bytes"].as_u64(), Some(written));
}

#[test]
fn completions_offer_values() {
    let dir = tempfile::TempDir::new().expect("tempdir");
    let db = dir.path().join("none.db");
    // A theme of the user's own is offered too.
    let themes = dir.path().join("config").join("kusei").join("themes");
    std::fs::create_dir_all(&themes).expect("mkdir");
    std::fs::write(themes.join("shiyakusho.toml"), "inherits = \"dark\"\n").expect("theme");
    for shell in ["bash", "zsh", "fish"] {
        let out = run(&db, &["completions", shell]);
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let text = stdout(&out);
        for value in [
            // --theme
            "16color",
            "high-contrast",
            "shiyakusho",
            // --glyphs
            "unicode",
            "ascii",
            // --encoding
            "cp932",
            "utf-8",
            // --fiscal-year (the last ten years and the next, three ways)
            "令和",
            "年度",
            // --format, --table
            "markdown",
            "attendance",
            // audit log --table
            "plan_nodes",
        ] {
            assert!(text.contains(value), "{shell} offers {value}");
        }
        assert!(!text.contains("Print help"), "{shell}");
    }
    assert!(!db.exists());
}
