//! Many processes on one database file, the way staff use it: the real
//! app in pseudo-terminals taking minutes while every kusei command and the
//! `sqlite3` tool run on the same file. Used by `tests/shared_file.rs`
//! (short, in `cargo test`) and `tests/soak.rs` (long, ignored).
//!
//! Nothing here opens the database file or its `-wal`/`-shm` except through
//! SQLite: the test process only `stat`s them (opening and closing them with
//! std::fs would drop SQLite's POSIX locks, the bug these tests guard).

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use super::pty::{base_command, App};

/// A temporary directory with a home, a work folder for exports and
/// backups, and `shared/kusei.db` filled by `kusei --db X sample`.
pub struct Place {
    pub dir: tempfile::TempDir,
    pub db: PathBuf,
    pub home: PathBuf,
    pub work: PathBuf,
    /// A kusei JSON of 平成29年度 第5回 only (its committee, no plans), the
    /// base of the importers' files.
    pub meeting5: serde_json::Value,
}

pub fn sample_place() -> Place {
    let dir = tempfile::TempDir::new().expect("tempdir");
    let home = dir.path().to_path_buf();
    let db = dir.path().join("shared").join("kusei.db");
    let work = dir.path().join("work");
    std::fs::create_dir_all(db.parent().expect("parent")).expect("mkdir shared");
    std::fs::create_dir_all(&work).expect("mkdir work");
    let out = base_command(&home)
        .arg("--db")
        .arg(&db)
        .arg("sample")
        .output()
        .expect("run kusei sample");
    assert!(out.status.success(), "kusei sample: {out:?}");
    let out = base_command(&home)
        .arg("--db")
        .arg(&db)
        .arg("export")
        .output()
        .expect("run kusei export");
    assert!(out.status.success(), "kusei export: {out:?}");
    let mut all: serde_json::Value = serde_json::from_slice(&out.stdout).expect("kusei JSON");
    std::fs::write(work.join("base.json"), &out.stdout).expect("write base.json");
    let meetings = all["meetings"].as_array().expect("meetings").clone();
    let m5 = meetings
        .into_iter()
        .find(|m| m["fiscal_year"] == 2017 && m["number"] == 5)
        .expect("第5回 in the sample");
    all["meetings"] = serde_json::Value::Array(vec![m5]);
    all["plans"] = serde_json::Value::Array(Vec::new());
    Place {
        dir,
        db,
        home,
        work,
        meeting5: all,
    }
}

pub fn wal(db: &Path) -> PathBuf {
    with_suffix(db, "-wal")
}

pub fn shm(db: &Path) -> PathBuf {
    with_suffix(db, "-shm")
}

fn with_suffix(db: &Path, suffix: &str) -> PathBuf {
    let mut s = db.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// The size of the `-wal` now (a `stat`, never an open); None when absent.
pub fn wal_size(db: &Path) -> Option<u64> {
    std::fs::metadata(wal(db)).ok().map(|m| m.len())
}

// ---- the command line, every command that touches the file ----------------------

/// One process to run against the shared file.
pub struct Step {
    pub name: String,
    pub cmd: Command,
    /// The text of the opinion this step adds (an import), counted as saved
    /// once the command exits 0.
    pub adds: Option<String>,
    /// A known false alarm (a stderr fragment) that is reported but not
    /// failed on; see `KNOWN_BACKUP_RACE`.
    pub known: Option<&'static str>,
}

/// `kusei backup` once compared the copy's row counts with the original's
/// read after the copy, so a colleague's save in between made it fail with
/// 「コピーの opinions が N 行しかありません」 though the copy was good. It now
/// counts and copies in one read transaction; no false alarm is tolerated.
pub const KNOWN_BACKUP_RACE: Option<&str> = None;

/// How many times a known false alarm was tolerated (printed by the tests).
pub static KNOWN_SEEN: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

fn kusei(place: &Place, name: &str, args: &[&str]) -> Step {
    let mut cmd = base_command(&place.home);
    cmd.arg("--db").arg(&place.db);
    cmd.args(args.iter().map(OsString::from));
    Step {
        name: name.to_string(),
        cmd,
        adds: None,
        known: None,
    }
}

fn kusei_path(place: &Place, name: &str, args: &[&str], path: &Path) -> Step {
    let mut s = kusei(place, name, args);
    s.cmd.arg(path);
    s
}

/// The `sqlite3` tool on the shared file, waiting up to 20 s for locks as
/// a careful user would (`.timeout`).
pub fn sqlite3(place: &Place, name: &str, sql: &str) -> Step {
    let mut cmd = Command::new("sqlite3");
    cmd.arg("-bail")
        .arg("-cmd")
        .arg(".timeout 20000")
        .arg(&place.db)
        .arg(sql);
    Step {
        name: name.to_string(),
        cmd,
        adds: None,
        known: None,
    }
}

/// Write an importer's file: 第5回 with one more opinion, `text`, at the
/// end of its first item.
pub fn import_file(place: &Place, text: &str, tag: &str) -> PathBuf {
    let mut data = place.meeting5.clone();
    let ops = data["meetings"][0]["items"][0]["opinions"]
        .as_array_mut()
        .expect("opinions");
    ops.push(serde_json::json!({ "text": text, "kind": "opinion" }));
    let path = place.work.join(format!("import-{tag}.json"));
    std::fs::write(&path, serde_json::to_vec(&data).expect("json")).expect("write import file");
    path
}

/// An import that adds one opinion (`text`) to 第5回's first item.
pub fn import_step(place: &Place, text: &str, tag: &str) -> Step {
    let file = import_file(place, text, tag);
    let mut s = kusei_path(place, "import (adds an opinion)", &["import"], &file);
    s.adds = Some(text.to_string());
    s
}

/// Every command of `kusei --help` that opens the file, each export format,
/// and the sqlite3 tool reading, writing in its own transaction and
/// checkpointing. `tag` keeps output files and imported texts apart;
/// `with_gen` adds `kusei gen` (it writes its synthetic meeting once per
/// file, then refuses with exit 1).
pub fn every_command(place: &Place, tag: &str, with_gen: bool) -> Vec<Step> {
    let w = &place.work;
    let mut steps = vec![
        kusei(place, "search", &["search", "団地"]),
        kusei(
            place,
            "search --json",
            &["search", "--json", "-n", "5", "超過勤務"],
        ),
        kusei(
            place,
            "--read-only search",
            &["--read-only", "search", "選挙"],
        ),
        kusei_path(
            place,
            "export json",
            &["export", "--format", "json", "-o"],
            &w.join(format!("export-{tag}.json")),
        ),
        kusei(
            place,
            "export publish",
            &["export", "--format", "publish", "--fiscal-year", "H29"],
        ),
        kusei(
            place,
            "export publish --html",
            &[
                "export",
                "--format",
                "publish",
                "--fiscal-year",
                "H29",
                "--html",
            ],
        ),
        kusei(
            place,
            "export markdown",
            &["export", "--format", "markdown", "--meeting", "H29:5"],
        ),
        kusei(
            place,
            "export markdown policy",
            &["export", "--format", "markdown", "--table", "policy"],
        ),
        // CP932 only for the sample's year: `gen` writes kanji outside CP932,
        // which the export rightly refuses.
        kusei(
            place,
            "export csv meetings cp932",
            &[
                "export",
                "--format",
                "csv",
                "--table",
                "meetings",
                "--fiscal-year",
                "2017",
                "--encoding",
                "cp932",
            ],
        ),
        kusei(
            place,
            "export csv opinions",
            &["export", "--format", "csv", "--table", "opinions"],
        ),
        kusei(
            place,
            "export csv attendance",
            &[
                "export",
                "--format",
                "csv",
                "--table",
                "attendance",
                "--fiscal-year",
                "2017",
            ],
        ),
        kusei(
            place,
            "export csv progress",
            &[
                "export",
                "--format",
                "csv",
                "--table",
                "progress",
                "--fiscal-year",
                "H29",
            ],
        ),
        kusei(place, "export ics", &["export", "--format", "ics"]),
        kusei(place, "check", &["check"]),
        Step {
            known: KNOWN_BACKUP_RACE,
            ..kusei_path(
                place,
                "backup",
                &["backup"],
                &w.join(format!("backup-{tag}.db")),
            )
        },
        kusei(place, "audit log", &["audit", "log", "--limit", "5"]),
        kusei(place, "audit verify", &["audit", "verify"]),
        kusei_path(
            place,
            "import (no change)",
            &["import"],
            &w.join("base.json"),
        ),
        kusei_path(
            place,
            "import --dry-run",
            &["import", "--dry-run"],
            &w.join("base.json"),
        ),
        import_step(place, &format!("取込 {tag}"), tag),
        kusei(place, "link --suggest", &["link", "--suggest"]),
        kusei(
            place,
            "link --accept-all",
            &["link", "--suggest", "--accept-all"],
        ),
        kusei(place, "sample (again)", &["sample"]),
        sqlite3(place, "sqlite3 read", "SELECT count(*) FROM opinions;"),
        sqlite3(
            place,
            "sqlite3 write",
            "BEGIN IMMEDIATE; INSERT INTO drafts (os_user, session, context, text, updated_at) \
             VALUES ('sqlite3-tool', 'sqlite3-probe', 'probe', 'x', 'now'); \
             DELETE FROM drafts WHERE os_user = 'sqlite3-tool'; COMMIT;",
        ),
        sqlite3(place, "sqlite3 checkpoint", "PRAGMA wal_checkpoint;"),
        sqlite3(place, "sqlite3 quick_check", "PRAGMA quick_check;"),
    ];
    if with_gen {
        steps.push(kusei(
            place,
            "gen",
            &["gen", "--opinions", "20", "--seed", "9"],
        ));
    }
    steps
}

/// Run a step to its end; Err with its output unless it exited 0.
pub fn run(step: &mut Step) -> Result<(), String> {
    let out = step
        .cmd
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("{}: cannot start: {e}", step.name))?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if out.status.success() {
        Ok(())
    } else if step.known.is_some_and(|k| stderr.contains(k)) {
        KNOWN_SEEN.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(())
    } else {
        Err(format!(
            "{}: {:?}\nstdout: {}\nstderr: {}",
            step.name,
            out.status,
            String::from_utf8_lossy(&out.stdout),
            stderr
        ))
    }
}

// ---- the app taking minutes --------------------------------------------------------

/// The text in the minutes input line (after `意見 > ` or `意見 ✓> `).
pub fn input_line(screen: &str) -> Option<String> {
    screen
        .lines()
        .find(|l| l.starts_with("意見") || l.starts_with("編集"))
        .and_then(|l| l.split_once("> ").map(|(_, t)| t.to_string()))
        .or_else(|| {
            // An empty input line is trimmed to "意見 >" / "意見 ✓>".
            screen
                .lines()
                .find(|l| l.starts_with("意見") && l.ends_with('>'))
                .map(|_| String::new())
        })
}

/// How an entry the screen called saved looks: ✓, the bullet, the text, and
/// nothing after (no （保存中）).
pub fn saved_row(text: &str) -> String {
    format!("✓  ・{text}\n")
}

/// The calendar is up with 第5回's detail (the sample's last meeting is
/// selected when today is outside fiscal 2017).
pub fn ready(screen: &str) -> bool {
    screen.contains("平成29年度") && screen.contains("第5回 平成29年8月21日")
}

/// Type `text` in the minutes input and press Enter; Ok once the screen
/// shows it saved (✓). A draft restored into the input line (another
/// session's, or one left by a killed app) is cleared first, so the entry
/// is exactly `text`. Err (with the screen) when the app died or nothing
/// came within `limit`.
pub fn save_opinion(app: &mut App, text: &str, limit: Duration) -> Result<(), String> {
    for _ in 0..4 {
        send(app, text.as_bytes())?;
        let screen = app
            .try_wait_until(limit, |s| input_line(s).is_some_and(|l| l.ends_with(text)))
            .map_err(|(s, closed)| format!("typing {text:?} (closed {closed}):\n{s}"))?;
        if input_line(&screen).as_deref() == Some(text) {
            send(app, b"\r")?;
            let row = saved_row(text);
            return app
                .try_wait_until(limit, |s| s.contains(&row))
                .map(|_| ())
                .map_err(|(s, closed)| format!("saving {text:?} (closed {closed}):\n{s}"));
        }
        // Something came before our text: clear the line and type again.
        send(app, b"\x05\x15")?;
        app.try_wait_until(limit, |s| input_line(s).as_deref() == Some(""))
            .map_err(|(s, closed)| format!("clearing the input (closed {closed}):\n{s}"))?;
    }
    Err(format!("could not type {text:?} alone in the input line"))
}

/// Write to the app's terminal; Err once the app is gone.
pub fn send(app: &mut App, bytes: &[u8]) -> Result<(), String> {
    use std::io::Write;
    app.master
        .write_all(bytes)
        .and_then(|_| app.master.flush())
        .map_err(|e| format!("the app's terminal is closed: {e}"))
}

/// From the calendar into minute taking on the selected meeting.
pub fn start_minutes(app: &mut App, limit: Duration) -> Result<(), String> {
    send(app, b"m")?;
    app.try_wait_until(limit, |s| s.contains("記録中") && input_line(s).is_some())
        .map(|_| ())
        .map_err(|(s, closed)| format!("minute taking (closed {closed}):\n{s}"))
}

/// Leave minute taking and quit with q (each step waits for the screen, so
/// a lone Esc is never read as Alt plus the next key).
pub fn quit_from_minutes(app: &mut App, limit: Duration) -> Result<(), String> {
    send(app, b"\x1b")?;
    app.try_wait_until(limit, |s| s.contains("記録・選択") || s.contains("終える"))
        .map_err(|(s, _)| format!("list mode:\n{s}"))?;
    send(app, b"\x1b")?;
    app.try_wait_until(limit, |s| {
        s.contains("平成29年度") && !s.contains("記録中  第")
    })
    .map_err(|(s, _)| format!("the calendar:\n{s}"))?;
    send(app, b"q")
}

/// Every `texts` in the file exactly once, read with rusqlite; returns the
/// ones missing (or duplicated) with their counts.
pub fn missing(db: &Path, texts: &[String]) -> Vec<(String, i64)> {
    let conn =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE)
            .expect("open the file to check");
    let mut stmt = conn
        .prepare("SELECT count(*) FROM opinions WHERE text = ?1")
        .expect("prepare");
    texts
        .iter()
        .filter_map(|t| {
            let n: i64 = stmt.query_row([t], |r| r.get(0)).expect("count");
            (n != 1).then(|| (t.clone(), n))
        })
        .collect()
}

pub fn integrity(db: &Path) -> String {
    let conn =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE)
            .expect("open the file to check");
    let rows: Vec<String> = conn
        .prepare("PRAGMA integrity_check")
        .and_then(|mut s| {
            s.query_map([], |r| r.get::<_, String>(0))?
                .collect::<Result<Vec<_>, _>>()
        })
        .expect("integrity_check");
    rows.join("; ")
}
