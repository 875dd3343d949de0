//! Bad input through the real binary: every case exits non-zero with one
//! clear message on stderr naming the file and, where there is one, the line,
//! and leaves the database exactly as it was (JSON export and audit log).
//!
//! Each test first loads the sample data (`kusei --db kusei.db sample`) so that
//! "unchanged" is meaningful, then runs `kusei --db kusei.db import FILE` (or
//! the command shown) from inside the temporary directory. Exit status 1 in
//! every case but the last row. The messages, exactly as printed:
//!
//! | Bad input | Message on stderr |
//! |---|---|
//! | empty file (or only blanks) | `kusei: empty.txt: ファイルが空です` |
//! | binary file (PNG header + NULs) | `kusei: image.png:3: バイナリデータです（8バイト目に NUL などの制御文字）。テキストか HTML のページを指定してください` |
//! | a page with no 第N回 | `kusei: no_meetings.txt: 会議が見つかりません: 「第1回」のような行がありません（会議録のページではないか、途中で切れています）` |
//! | 平成29年2月30日 | `kusei: feb30.txt:11: 平成29年2月30日 は存在しない日付です` |
//! | weekday not matching the date | `kusei: weekday.txt:33: 平成29年5月18日 は木曜日ですが、(金曜日) と書かれています` |
//! | end time before start | `kusei: end_before_start.txt:33: 終了 午後2時30分 が開始 午後3時00分 より前です` |
//! | seed 000 cut after `第3回` / `1 日時` | `kusei: cut.txt:50: 第3回 に日時がありません（「1 日時」の次の行に日付が必要です。ファイルが途中で切れていませんか）` |
//! | cut inside the date line | `kusei: cut_date.txt:52: 平成29年6月 は日付として読めません` |
//! | cut right after `(主な意見)` | `kusei: cut_marker.txt:60: 第3回 (1) の(主な意見)の後に意見がありません（ファイルが途中で切れていませんか）` |
//! | cut inside a multi-byte character (UTF-8; Shift_JIS alike) | `kusei: cut_char.txt:80: ファイルが途中で切れています（最後の文字が不完全です）` |
//! | bytes neither UTF-8 nor CP932 nor EUC-JP | `kusei: garbage.txt:3: 文字コードを判別できません（UTF-8、Shift_JIS/CP932、EUC-JP のいずれでもありません。47バイト目: 0x80）` |
//! | a file that does not exist | `kusei: nothere.txt: 読み込めません: No such file or directory (os error 2)` |
//! | policy page with an unreadable budget | `kusei: policy.txt:61: 予算額「多め」が読めません（「7,133千円」か「-円」の形のはずです）` |
//! | kusei JSON with a syntax error | `kusei: syntax.json:3: kusei の JSON として読めません（18列目）: trailing comma at line 3 column 18` |
//! | kusei JSON with 2017-02-30 | `kusei: feb30.json:3: kusei の JSON として読めません（59列目）: date "2017-02-30": input is out of range (expected YYYY-MM-DD) at line 3 column 59` |
//! | kusei JSON, fiscal_year not that of the date | `kusei: wrong_fy.json: meetings[0] 第1回 (2017-03-20): fiscal_year は 2017 ですが、日付 2017-03-20 は 平成28年度（2016）です` |
//! | kusei JSON, end before start | `kusei: end_first.json: meetings[0] 第1回 (2017-03-20): 終了 12:00 が開始 13:00 より前です` |
//! | a good and a bad file together | the bad file's message; the good file is not imported either |
//! | `kusei --db notsqlite.txt export` (a text file; also import, sample) | `kusei: notsqlite.txt: SQLite のデータベースではありません（先頭が SQLite の見出し "SQLite format 3" ではありません）。正しいファイルを --db で指定してください` |
//! | `import` into a database of a newer schema (`user_version` 99) | `kusei: kusei.db: このデータベースは新しい版の kusei（スキーマ 99、この kusei は 1 まで）で作られました。読み取り専用で開きます。書き込むには kusei を更新してください`, then `kusei: kusei.db: 読み取り専用で開いています（…the same sentence…）。変更は保存できません` |
//! | `export` from that database | exit 0, the JSON on stdout; stderr: the first sentence of the row above |

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use support::db::{data_path, SEED_000};

/// A temporary directory holding a database with the samples loaded.
struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        let env = Env {
            dir: tempfile::TempDir::new().expect("tempdir"),
        };
        let out = env.kusei(&["sample"]);
        assert!(
            out.status.success(),
            "sample: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        env
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// `kusei --db kusei.db ARGS…`, run in the temporary directory.
    fn kusei(&self, args: &[&str]) -> Output {
        self.kusei_db("kusei.db", args)
    }

    fn kusei_db(&self, db: &str, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_kusei"))
            .current_dir(self.dir.path())
            .env_remove("KUSEI_DB")
            .arg("--db")
            .arg(db)
            .args(args)
            .output()
            .expect("run kusei")
    }

    /// The JSON export and the number of audit rows.
    fn snapshot(&self) -> (String, i64) {
        let out = self.kusei(&["export"]);
        assert!(
            out.status.success(),
            "export: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let json = String::from_utf8(out.stdout).expect("UTF-8 export");
        assert!(json.contains("区づくり経営会議"), "the samples are loaded");
        (json, audit_rows(&self.path("kusei.db")))
    }

    /// Write `bytes` as `name`, import it, and check the rejection: non-zero
    /// exit, exactly one line on stderr, `kusei: NAME:LINE: …` (or
    /// `kusei: NAME: …` when `line` is None) containing `phrase`, and the
    /// database unchanged. Returns the message after the location.
    fn rejects(&self, name: &str, bytes: &[u8], line: Option<usize>, phrase: &str) -> String {
        std::fs::write(self.path(name), bytes).unwrap();
        self.rejects_import(&[name], name, line, phrase)
    }

    fn rejects_import(
        &self,
        files: &[&str],
        name: &str,
        line: Option<usize>,
        phrase: &str,
    ) -> String {
        let before = self.snapshot();
        let args: Vec<&str> = std::iter::once("import")
            .chain(files.iter().copied())
            .collect();
        let out = self.kusei(&args);
        let message = one_error(&out);
        let location = match line {
            Some(n) => format!("kusei: {name}:{n}: "),
            None => format!("kusei: {name}: "),
        };
        let rest = message
            .strip_prefix(&location)
            .unwrap_or_else(|| panic!("expected {location:?}…, got {message:?}"));
        assert!(
            rest.contains(phrase),
            "{message:?} should mention {phrase:?}"
        );
        assert_eq!(self.snapshot(), before, "{name}: the database changed");
        eprintln!("{name}: {message}");
        message
    }
}

fn audit_rows(db: &Path) -> i64 {
    let conn =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .expect("open db read-only");
    conn.query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0))
        .expect("count audit rows")
}

/// The single line of stderr of a failed run.
fn one_error(out: &Output) -> String {
    assert!(
        !out.status.success(),
        "should fail: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    let stderr = String::from_utf8(out.stderr.clone()).expect("stderr is UTF-8");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one message, not {stderr:?}");
    assert!(
        out.stdout.is_empty(),
        "nothing on stdout: {:?}",
        String::from_utf8_lossy(&out.stdout)
    );
    lines[0].to_string()
}

fn seed_000() -> String {
    std::fs::read_to_string(data_path(SEED_000)).unwrap()
}

/// Seed 000 with one exact substring replaced (which must occur once).
fn seed_with(from: &str, to: &str) -> Vec<u8> {
    let seed = seed_000();
    assert_eq!(seed.matches(from).count(), 1, "{from}");
    seed.replacen(from, to, 1).into_bytes()
}

#[test]
fn empty_file() {
    let env = Env::new();
    env.rejects("empty.txt", b"", None, "ファイルが空です");
    env.rejects(
        "blank.txt",
        "\u{3000}\n \r\n\t\n".as_bytes(),
        None,
        "ファイルが空です",
    );
}

#[test]
fn binary_file() {
    let env = Env::new();
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\x01\0\0\0\x01\0\x08\x06\0\0\0";
    env.rejects("image.png", png, Some(3), "バイナリ");
}

#[test]
fn page_without_meetings() {
    let env = Env::new();
    let page = "平成29年度区づくり経営会議\n旭区では区政の重要な施策について審議します。\n会議の記録は準備中です。\n";
    env.rejects("no_meetings.txt", page.as_bytes(), None, "第1回");
}

#[test]
fn nonexistent_date() {
    let env = Env::new();
    let bad = seed_with("平成29年4月20日(木曜日)", "平成29年2月30日(木曜日)");
    env.rejects(
        "feb30.txt",
        &bad,
        Some(11),
        "平成29年2月30日 は存在しない日付です",
    );
}

#[test]
fn weekday_not_matching_the_date() {
    let env = Env::new();
    let bad = seed_with("平成29年5月18日(木曜日)", "平成29年5月18日(金曜日)");
    env.rejects("weekday.txt", &bad, Some(33), "木曜日");
}

#[test]
fn end_time_before_start() {
    let env = Env::new();
    let bad = seed_with("午後3時00分から4時30分", "午後3時00分から午後2時30分");
    env.rejects("end_before_start.txt", &bad, Some(33), "より前です");
}

#[test]
fn truncated_after_a_heading() {
    let env = Env::new();
    let seed = seed_000();
    let cut = seed.find("第3回\n1 日時\n").unwrap() + "第3回\n1 日時\n".len();
    // 第3回 is line 50; the file ends after "1 日時" on line 51.
    env.rejects(
        "cut.txt",
        &seed.as_bytes()[..cut],
        Some(50),
        "第3回 に日時がありません",
    );
    // Cut in the middle of the date on line 52.
    let cut = seed.find("平成29年6月21日").unwrap() + "平成29年6月".len();
    env.rejects(
        "cut_date.txt",
        &seed.as_bytes()[..cut],
        Some(52),
        "日付として読めません",
    );
    // Cut right after a (主な意見) marker on line 60.
    let cut = seed.find("(主な意見)\n- 業務の繁忙").unwrap() + "(主な意見)\n".len();
    env.rejects(
        "cut_marker.txt",
        &seed.as_bytes()[..cut],
        Some(60),
        "意見がありません",
    );
}

#[test]
fn truncated_inside_a_character() {
    let env = Env::new();
    let seed = seed_000();
    let place = "第4回\n1 日時\n平成29年7月19日(水曜日)午後1時00分から2時30分\n2 場所\n";
    let at = seed.find(place).unwrap() + place.len();
    // One byte into the three-byte 旭 that starts line 80 (第4回's 場所).
    let bytes = &seed.as_bytes()[..at + 1];
    assert_eq!(bytes.iter().filter(|&&b| b == b'\n').count(), 79);
    env.rejects("cut_char.txt", bytes, Some(80), "途中で切れています");
    // The same in Shift_JIS: a lone lead byte at the end.
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(&seed);
    assert!(
        sjis.ends_with(&[0x81, 0x42]),
        "the seed ends with 。 (81 42)"
    );
    let end = sjis.len() - 1;
    let lines = 1 + sjis[..end].iter().filter(|&&b| b == b'\n').count();
    assert_eq!(lines, 119, "the last line, which has no newline");
    env.rejects(
        "cut_sjis.txt",
        &sjis[..end],
        Some(lines),
        "途中で切れています",
    );
}

#[test]
fn bytes_in_no_known_encoding() {
    let env = Env::new();
    let mut bytes = "平成29年度区づくり経営会議\n第1回\n".as_bytes().to_vec();
    bytes.extend_from_slice(&[0x80, 0xFF, 0xFE, 0x81, 0x20, 0xFD, 0xFE, b'\n']);
    env.rejects("garbage.txt", &bytes, Some(3), "文字コードを判別できません");
}

#[test]
fn missing_file() {
    let env = Env::new();
    env.rejects_import(&["nothere.txt"], "nothere.txt", None, "読み込めません");
}

#[test]
fn bad_budget_in_a_policy_page() {
    let env = Env::new();
    let page = std::fs::read_to_string(data_path(support::db::SEED_001)).unwrap();
    let line = 1 + page[..page.find("(平成29年度予算額:845千円)").unwrap()]
        .matches('\n')
        .count();
    let bad = page.replacen("(平成29年度予算額:845千円)", "(平成29年度予算額:多め)", 1);
    env.rejects(
        "policy.txt",
        bad.as_bytes(),
        Some(line),
        "予算額「多め」が読めません",
    );
}

#[test]
fn all_files_or_nothing() {
    let env = Env::new();
    let good = support::db::root().join("tests/fixtures/variants/bullets_dot.txt");
    std::fs::copy(good, env.path("good.txt")).unwrap();
    std::fs::write(
        env.path("feb30.txt"),
        seed_with("平成29年4月20日", "平成29年2月30日"),
    )
    .unwrap();
    let before = env.snapshot();
    let out = env.kusei(&["import", "good.txt", "feb30.txt"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr
            .lines()
            .last()
            .unwrap()
            .starts_with("kusei: feb30.txt:11: "),
        "{stderr}"
    );
    assert_eq!(env.snapshot(), before, "nothing of good.txt was imported");
}

#[test]
fn db_that_is_not_sqlite() {
    let env = Env::new();
    let text = "これはデータベースではありません。\n";
    std::fs::write(env.path("notsqlite.txt"), text).unwrap();
    for args in [
        &["export"][..],
        &["import", "../whatever.txt"][..],
        &["sample"][..],
    ] {
        let out = env.kusei_db("notsqlite.txt", args);
        let message = one_error(&out);
        assert!(
            message.starts_with("kusei: notsqlite.txt: ")
                && message.contains("SQLite のデータベースではありません"),
            "{message}"
        );
        eprintln!("notsqlite.txt {args:?}: {message}");
    }
    assert_eq!(
        std::fs::read_to_string(env.path("notsqlite.txt")).unwrap(),
        text,
        "the file is untouched"
    );
    let files: Vec<_> = std::fs::read_dir(env.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with("notsqlite"))
        .collect();
    assert_eq!(
        files,
        ["notsqlite.txt"],
        "no -wal/-shm files were created next to it"
    );
}

#[test]
fn db_from_a_newer_schema() {
    let env = Env::new();
    {
        let conn = rusqlite::Connection::open(env.path("kusei.db")).unwrap();
        conn.execute_batch("PRAGMA user_version = 99").unwrap();
    }
    let before = env.snapshot();
    std::fs::copy(data_path(SEED_000), env.path("seed000.txt")).unwrap();
    let out = env.kusei(&["import", "seed000.txt"]);
    assert!(
        !out.status.success(),
        "importing into a newer schema must fail"
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    let last = stderr.lines().last().unwrap_or_default();
    assert!(last.starts_with("kusei: kusei.db: "), "{stderr}");
    assert!(
        last.contains("新しい版") && last.contains("スキーマ 99"),
        "{stderr}"
    );
    assert!(last.contains("読み取り専用"), "{stderr}");
    eprintln!("newer schema import:\n{stderr}");
    // Reading still works, and nothing changed.
    assert_eq!(env.snapshot(), before);
    let conn = rusqlite::Connection::open(env.path("kusei.db")).unwrap();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, 99, "the schema version is left alone");
    let out = env.kusei(&["export"]);
    assert!(out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("読み取り専用"),
        "export says it is read-only: {stderr}"
    );
    eprintln!("newer schema export:\n{stderr}");
}

#[test]
fn kusei_json_with_bad_values() {
    let env = Env::new();
    let meeting = |fy: u32, date: &str, end: &str| {
        format!(
            "{{\n  \"meetings\": [\n    {{\"fiscal_year\": {fy}, \"number\": 1, \"date\": \"{date}\", \"start\": \"13:00\", \"end\": \"{end}\"}}\n  ]\n}}\n"
        )
    };
    env.rejects(
        "syntax.json",
        b"{\n  \"meetings\": [\n    {\"number\": 1,}\n  ]\n}\n",
        Some(3),
        "JSON として読めません",
    );
    env.rejects(
        "feb30.json",
        meeting(2016, "2017-02-30", "14:00").as_bytes(),
        Some(3),
        "2017-02-30",
    );
    env.rejects(
        "wrong_fy.json",
        meeting(2017, "2017-03-20", "14:00").as_bytes(),
        None,
        "平成28年度",
    );
    env.rejects(
        "end_first.json",
        meeting(2016, "2017-03-20", "12:00").as_bytes(),
        None,
        "より前です",
    );
}
