//! Issue 11 §1: nothing stored can take over the terminal of the person
//! reading it. Every command that prints data runs on hostile rows (ESC
//! sequences, OSC 0 and OSC 52, C1 controls, bidi overrides, zero-width
//! characters, newlines inside a record) in a pseudo-terminal and piped: no
//! such character reaches the output; `--json` carries them as escapes; the
//! OSC 52 payload of the app's `y` decodes to clean text.

mod support;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use kusei::sanitize::is_hostile;
use support::{bin, pty};

/// A row an imported page or the sqlite3 tool could have written.
const HOSTILE: &str = "ハッキング\u{1b}]0;pwned\u{7}\u{1b}[2J\u{1b}]52;c;cHduZWQ=\u{7}\
\u{9b}31m\u{9d}0;t\u{9c}右\u{202e}txet\u{2066}隠\u{200b}\u{feff}\u{7f}\r改行\n二行目\t終";

/// Our own colours for `search` on a terminal (the only ESC allowed).
const SGR: [&str; 4] = ["\x1b[2m", "\x1b[1;33m", "\x1b[36m", "\x1b[0m"];

struct World {
    _dir: tempfile::TempDir,
    db: PathBuf,
    home: PathBuf,
}

fn world() -> World {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = support::db::sample_db(dir.path(), "k.db");
    let mut store = support::db::open(&db);
    let m = store.meetings_of_year(2017).expect("year")[2].id;
    let item = store
        .meeting_detail(m)
        .expect("detail")
        .expect("第3回")
        .items[0]
        .id;
    store
        .add_opinion(item, HOSTILE, None, None)
        .expect("hostile opinion");
    // Titles written behind kusei's back, as the sqlite3 tool could.
    let tail = "\u{1b}]0;x\u{7}\u{202e}\u{200b}\n";
    for sql in [
        "UPDATE agenda_items SET title = title || ?1",
        "UPDATE plan_nodes SET title = title || ?1",
        "UPDATE meetings SET place = coalesce(place, '') || ?1",
        "UPDATE committees SET name = name || ?1",
    ] {
        store.conn().execute(sql, [tail]).expect("plant");
    }
    drop(store);
    let home = dir.path().join("home");
    std::fs::create_dir_all(&home).expect("home");
    World {
        db,
        home,
        _dir: dir,
    }
}

/// `kusei --db DB ARGS…` with stdout and stderr on a pseudo-terminal:
/// everything it wrote, and its exit code.
fn in_pty(w: &World, args: &[&str]) -> (Vec<u8>, Option<i32>) {
    let (mut master, slave) = pty::open_pty_sized(200, 50);
    let mut cmd = pty::base_command(&w.home);
    cmd.env("XDG_STATE_HOME", w.home.join("state"))
        .arg("--db")
        .arg(&w.db)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::from(slave.try_clone().expect("slave")))
        .stderr(Stdio::from(slave.try_clone().expect("slave")));
    let mut child = cmd.spawn().expect("spawn");
    drop(cmd);
    drop(slave);
    let reader = std::thread::spawn(move || {
        let mut all = Vec::new();
        let mut buf = [0u8; 8192];
        loop {
            match master.read(&mut buf) {
                Ok(0) | Err(_) => break, // EIO once the child closed it
                Ok(n) => all.extend_from_slice(&buf[..n]),
            }
        }
        all
    });
    let status = child.wait().expect("wait");
    (reader.join().expect("reader"), status.code())
}

/// Piped: (stdout, stderr, exit code).
fn piped(w: &World, args: &[&str]) -> (Vec<u8>, String, Option<i32>) {
    let out = bin::command(&w.db)
        .env("XDG_STATE_HOME", w.home.join("state"))
        .env("NO_COLOR", "")
        .args(args)
        .output()
        .expect("run");
    let err = bin::stderr(&out);
    (out.stdout, err, out.status.code())
}

/// No control, bidi or zero-width character (but newline, CR and tab) in
/// `bytes`, after removing `allowed` sequences.
fn assert_clean(what: &str, bytes: &[u8], allowed: &[&str]) {
    let mut text =
        String::from_utf8(bytes.to_vec()).unwrap_or_else(|e| panic!("{what}: not UTF-8: {e}"));
    for a in allowed {
        text = text.replace(a, "");
    }
    for (i, c) in text.char_indices() {
        let bad =
            (is_hostile(c) && c != '\r') || (c.is_control() && !matches!(c, '\n' | '\r' | '\t'));
        assert!(
            !bad,
            "{what}: U+{:04X} reached the output at {i}:\n{}",
            c as u32,
            &text[i.saturating_sub(200)..]
        );
    }
    // The only CR on a terminal is the one the line discipline adds.
    // (CRLF documents come out as CR CR LF there.)
    let lines = text.replace("\r\n", "\n").replace("\r\n", "\n");
    assert!(!lines.contains('\r'), "{what}: a raw CR");
}

/// Every command that prints data, with what it must show.
fn commands() -> Vec<(&'static str, Vec<&'static str>)> {
    vec![
        ("search", vec!["search", "ハッキング"]),
        (
            "search never",
            vec!["search", "--color", "never", "ハッキング"],
        ),
        (
            "search always",
            vec!["search", "--color", "always", "ハッキング"],
        ),
        ("link", vec!["link", "--suggest"]),
        ("audit log", vec!["audit", "log", "--limit", "1000"]),
        ("audit verify", vec!["audit", "verify"]),
        ("audit head", vec!["audit", "head"]),
        ("check", vec!["check"]),
        (
            "minutes",
            vec!["export", "--format", "markdown", "--fiscal-year", "2017"],
        ),
        ("ics", vec!["export", "--format", "ics"]),
        (
            "policy md",
            vec!["export", "--format", "markdown", "--table", "policy"],
        ),
        (
            "publish",
            vec!["export", "--format", "publish", "--fiscal-year", "2017"],
        ),
        (
            "opinions csv",
            vec!["export", "--format", "csv", "--table", "opinions"],
        ),
        (
            "meetings csv",
            vec!["export", "--format", "csv", "--table", "meetings"],
        ),
    ]
}

#[test]
fn nothing_hostile_reaches_a_terminal() {
    let w = world();
    for (name, args) in commands() {
        let (out, code) = in_pty(&w, &args);
        assert!(
            matches!(code, Some(0 | 1)),
            "{name}: {code:?} {}",
            String::from_utf8_lossy(&out)
        );
        assert_clean(&format!("{name} (terminal)"), &out, &SGR);
        let text = String::from_utf8_lossy(&out);
        assert!(
            !text.contains("kusei: エラー") && !text.contains("panicked"),
            "{name}: {text}"
        );
    }
    // Where the data shows, it shows as markers.
    let (out, _) = in_pty(&w, &["search", "--color", "never", "ハッキング"]);
    let text = String::from_utf8_lossy(&out);
    assert!(
        text.contains("ハッキング⟨U+001B⟩]0;pwned⟨U+0007⟩"),
        "{text}"
    );
    assert!(text.contains("⟨U+202E⟩txet"), "{text}");
}

#[test]
fn nothing_hostile_reaches_a_pipe_except_data_exports() {
    let w = world();
    for (name, args) in commands() {
        let (out, err, code) = piped(&w, &args);
        assert!(matches!(code, Some(0 | 1)), "{name}: {code:?} {err}");
        assert_clean(&format!("{name} (stderr)"), err.as_bytes(), &[]);
        if name.ends_with("csv") || name == "publish" {
            // Data for re-import: exactly what is stored (README rule).
            let text = String::from_utf8_lossy(&out);
            assert!(text.contains("\u{1b}]0;"), "{name} lost data");
            continue;
        }
        let allowed: &[&str] = if name == "search always" { &SGR } else { &[] };
        assert_clean(&format!("{name} (piped)"), &out, allowed);
    }
}

#[test]
fn piped_records_stay_one_per_line() {
    let w = world();
    let (out, err, code) = piped(&w, &["search", "ハッキング"]);
    assert_eq!(code, Some(0), "{err}");
    let text = String::from_utf8(out).expect("utf-8");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1, "{text}");
    assert_eq!(lines[0].matches('\t').count(), 4, "{text}");
    assert!(lines[0].contains("改行 二行目 終"), "{text}");
    let (out, _, _) = piped(&w, &["link", "--suggest"]);
    let text = String::from_utf8(out).expect("utf-8");
    let lines: Vec<&str> = text.lines().collect();
    let n = lines.len() - 1; // the closing count line
    assert!(n > 0, "{text}");
    assert!(
        lines
            .last()
            .expect("last")
            .contains(&format!("候補 {n} 件")),
        "{text}"
    );
    let (out, _, _) = piped(&w, &["audit", "log", "--limit", "5"]);
    let text = String::from_utf8(out).expect("utf-8");
    assert_eq!(text.lines().count(), 5, "{text}");
}

#[test]
fn json_carries_the_same_data_as_escapes() {
    let w = world();
    for args in [
        &["search", "--json", "ハッキング"][..],
        &["export", "--format", "json"][..],
    ] {
        for (how, out) in [
            ("piped", piped(&w, args).0),
            ("terminal", in_pty(&w, args).0),
        ] {
            assert_clean(&format!("{args:?} {how}"), &out, &[]);
            let text = String::from_utf8(out).expect("utf-8").replace("\r\n", "\n");
            assert!(
                text.contains("\\u009b") && text.contains("\\u202e") && text.contains("\\u200b"),
                "{text}"
            );
            let doc: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
            assert!(doc
                .to_string()
                .contains(&serde_json::to_string(HOSTILE).expect("s")[1..20]));
            assert!(
                contains_str(&doc, HOSTILE),
                "{args:?} {how}: the text is not kept"
            );
        }
    }
}

fn contains_str(v: &serde_json::Value, s: &str) -> bool {
    match v {
        serde_json::Value::String(t) => t == s,
        serde_json::Value::Array(a) => a.iter().any(|x| contains_str(x, s)),
        serde_json::Value::Object(o) => o.values().any(|x| contains_str(x, s)),
        _ => false,
    }
}

#[test]
fn the_json_export_round_trips_through_import() {
    let w = world();
    let (out, _, code) = piped(&w, &["export", "--format", "json"]);
    assert_eq!(code, Some(0));
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("export.json");
    std::fs::write(&file, &out).expect("write");
    let other = dir.path().join("other.db");
    let o = bin::run(&other, &["import", &file.to_string_lossy()]);
    assert!(o.status.success(), "{}", bin::stderr(&o));
    let store = support::db::open(&other);
    let n: i64 = store
        .conn()
        .query_row(
            "SELECT count(*) FROM opinions WHERE text = ?1",
            [HOSTILE],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(n, 1);
}

#[test]
fn a_documents_file_gets_markers_and_a_csv_file_keeps_the_data() {
    let w = world();
    let dir = tempfile::tempdir().expect("tempdir");
    let md = dir.path().join("minutes.md");
    let csv = dir.path().join("opinions.csv");
    let md_path = md.to_string_lossy();
    let (_, err, code) = piped(
        &w,
        &[
            "export",
            "--format",
            "markdown",
            "--fiscal-year",
            "2017",
            "-o",
            &md_path,
        ],
    );
    assert_eq!(code, Some(0), "{err}");
    let (_, err, code) = piped(
        &w,
        &[
            "export",
            "--format",
            "csv",
            "--table",
            "opinions",
            "-o",
            &csv.to_string_lossy(),
        ],
    );
    assert_eq!(code, Some(0), "{err}");
    let md = std::fs::read(&md).expect("md");
    assert_clean("minutes file", &md, &[]);
    let csv = String::from_utf8(std::fs::read(&csv).expect("csv")).expect("utf-8");
    let mut reader = csv::Reader::from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let kept = reader
        .records()
        .any(|r| r.expect("record").iter().any(|f| f == HOSTILE));
    assert!(kept, "the CSV file lost the stored text");
}

#[test]
fn hostile_command_line_input_is_echoed_clean() {
    let w = world();
    let (out, _) = in_pty(&w, &["audit", "verify", "--head", "1:\u{1b}]0;x\u{7}"]);
    assert_clean("--head echo", &out, &[]);
    let (out, _) = in_pty(&w, &["search", "\u{1b}[2J\u{202e}"]);
    assert_clean("query echo", &out, &SGR);
    let (out, code) = in_pty(&w, &["search", "--bogus\u{1b}]0;x\u{7}"]);
    assert_eq!(code, Some(2));
    assert_clean("usage error", &out, &[]);
    assert!(String::from_utf8_lossy(&out).contains("--bogus"));
}

/// Standard base64 back to bytes (RFC 4648).
fn unbase64(s: &str) -> Vec<u8> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => panic!("not base64: {c}"),
    };
    let bytes: Vec<u8> = s.bytes().filter(|b| *b != b'=').collect();
    let mut out = Vec::new();
    for chunk in bytes.chunks(4) {
        let mut n = 0u32;
        for (i, b) in chunk.iter().enumerate() {
            n |= u32::from(val(*b)) << (18 - 6 * i);
        }
        for i in 0..chunk.len().saturating_sub(1) {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    out
}

#[test]
fn the_osc52_payload_decodes_to_clean_text() {
    use kusei::app::clipboard::{osc52, Wrap};
    let bytes = osc52(HOSTILE, Wrap::None);
    let text = String::from_utf8(bytes).expect("utf-8");
    let payload = text
        .strip_prefix("\u{1b}]52;c;")
        .and_then(|t| t.strip_suffix('\u{7}'))
        .expect("one OSC 52 sequence");
    let copied = String::from_utf8(unbase64(payload)).expect("utf-8");
    assert_clean("clipboard", copied.as_bytes(), &[]);
    assert!(copied.contains("ハッキング⟨U+001B⟩]0;pwned"), "{copied}");
    assert!(copied.contains("改行\n二行目"), "{copied}");
}

#[allow(dead_code)]
fn unused(_: &Path) {}
