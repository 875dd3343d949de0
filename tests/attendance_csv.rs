//! `kusei export --format csv --table attendance` through the real binary:
//! UTF-8 with a BOM by default, CP932 on request, and a clear refusal
//! naming any character CP932 cannot hold.

mod support;

use std::path::Path;
use std::process::{Command, Output};

use encoding_rs::SHIFT_JIS;

fn kusei(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kusei"))
        .current_dir(dir)
        .env_remove("KUSEI_DB")
        .args(["--db", "kusei.db"])
        .args(args)
        .output()
        .expect("run kusei")
}

fn with_samples() -> tempfile::TempDir {
    let dir = tempfile::TempDir::new().expect("tempdir");
    let out = kusei(dir.path(), &["sample"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir
}

const EXPECTED_H29: &str = "\
職名,旧職名,第1回 2017-04-20,第2回 2017-05-18,第3回 2017-06-21,第4回 2017-07-19,第5回 2017-08-21,出席回数,出席率\r
区長,,〇,〇,〇,〇,〇,5,100%\r
";

#[test]
fn utf8_with_bom_by_default() {
    let dir = with_samples();
    let out = kusei(
        dir.path(),
        &[
            "export",
            "--format",
            "csv",
            "--table",
            "attendance",
            "--fiscal-year",
            "平成29年度",
            "-o",
            "h29.csv",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = std::fs::read(dir.path().join("h29.csv")).expect("written");
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF");
    let text = String::from_utf8(bytes[3..].to_vec()).expect("UTF-8");
    assert!(text.starts_with(EXPECTED_H29), "{text}");
    assert!(
        text.contains("\r\n総務課庶務係長,,,,,,〇,1,20%\r\n"),
        "{text}"
    );
    assert!(text.ends_with("出席者数,,15,21,20,19,14,89,\r\n出席率,,60%,84%,80%,76%,56%,,71%\r\n"));
    // 25 titles, the header and two total rows.
    assert_eq!(text.lines().count(), 28);
}

#[test]
fn cp932_on_request() {
    let dir = with_samples();
    let out = kusei(
        dir.path(),
        &[
            "export",
            "--format",
            "csv",
            "--table",
            "attendance",
            "--fiscal-year",
            "H29",
            "--encoding",
            "cp932",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (text, _, bad) = SHIFT_JIS.decode(&out.stdout);
    assert!(!bad);
    assert!(text.starts_with(EXPECTED_H29), "{text}");
}

#[test]
fn cp932_names_what_it_cannot_hold() {
    let dir = with_samples();
    {
        let mut store = support::db::open(&dir.path().join("kusei.db"));
        store
            .conn()
            .execute(
                "INSERT INTO job_titles (name, sort_order) VALUES ('𠮷田地区担当課長', 9999)",
                [],
            )
            .expect("title");
        let title = store.conn().last_insert_rowid();
        let meeting: i64 = store
            .conn()
            .query_row("SELECT id FROM meetings WHERE number = 2", [], |r| r.get(0))
            .expect("meeting");
        assert!(store.set_attendance(meeting, title, true).expect("attend"));
    }
    let out = kusei(
        dir.path(),
        &[
            "export",
            "--format",
            "csv",
            "--table",
            "attendance",
            "--encoding",
            "cp932",
            "-o",
            "x.csv",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).expect("UTF-8");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("27行1文字目「𠮷」(U+20BB7)"), "{err}");
    assert!(err.contains("--encoding utf-8"), "{err}");
    assert!(!dir.path().join("x.csv").exists());
    // UTF-8 holds it.
    let out = kusei(
        dir.path(),
        &["export", "--format", "csv", "--table", "attendance"],
    );
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("𠮷田地区担当課長,,,〇,,,,1,20%"));
}

#[test]
fn clear_messages_for_what_is_missing() {
    let dir = with_samples();
    // Exit code 2 for a usage mistake (as clap's own), 1 for what the
    // database lacks.
    let cases: &[(&[&str], &str, i32)] = &[
        (&["export", "--format", "csv"], "--table が必要です", 2),
        (
            &[
                "export",
                "--format",
                "csv",
                "--table",
                "attendance",
                "--encoding",
                "latin1",
            ],
            "文字コード \"latin1\" は使えません",
            2,
        ),
        (
            &[
                "export",
                "--format",
                "csv",
                "--table",
                "attendance",
                "--fiscal-year",
                "H20",
            ],
            "平成20年度 の会議はデータベースにありません",
            1,
        ),
    ];
    for (args, phrase, code) in cases {
        let out = kusei(dir.path(), args);
        assert_eq!(out.status.code(), Some(*code), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.starts_with("kusei: ") && err.contains(phrase),
            "{args:?}: {err}"
        );
    }
}
