//! Recovery files: typed text the database could not take in time (another
//! process holds the write lock, the disk is full, the file went read-only,
//! the session is being hung up) is written to a file of its own in the
//! user's state directory, `$XDG_STATE_HOME/kusei/` (by default
//! `~/.local/state/kusei/`), one file per session, and given back on the
//! next start: the text goes into that session's draft of the meeting, and
//! the file is removed only once the draft has committed.
//!
//! Each file is written durably: a temporary file (mode 0600) in the same
//! directory, fsync, rename over the old one, fsync of the directory. These
//! files are never the database, so std::fs is the right tool here.

use std::fs;
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};

use crate::db::{MeetingRow, Store};

/// The file format's version (`kusei_recovery`).
const FORMAT: u32 = 1;

/// What one session could not get into the database in time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    pub kusei_recovery: u32,
    /// The database file (absolute path).
    pub db: String,
    /// The session that wrote it (process id and start time).
    pub session: String,
    pub os_user: String,
    pub written_at: String,
    pub meeting_id: i64,
    /// The meeting as people name it: committee, 第N回, 和暦 date.
    pub meeting: String,
    pub item_id: Option<i64>,
    /// The agenda item's title.
    pub item: String,
    /// The input line it came from (the draft context).
    pub context: String,
    /// Everything in the input line, the entry being saved included.
    pub text: String,
}

impl Snapshot {
    pub fn new(db: &Path, session: &str, os_user: &str) -> Snapshot {
        Snapshot {
            kusei_recovery: FORMAT,
            db: db.display().to_string(),
            session: session.to_string(),
            os_user: os_user.to_string(),
            written_at: String::new(),
            meeting_id: 0,
            meeting: String::new(),
            item_id: None,
            item: String::new(),
            context: String::new(),
            text: String::new(),
        }
    }

    /// "「議題」" or nothing, for messages.
    fn item_note(&self) -> String {
        if self.item.is_empty() {
            String::new()
        } else {
            format!("の議題「{}」", self.item)
        }
    }
}

/// The meeting as messages name it: "委員会 第5回（平成29年8月21日）".
pub fn meeting_label(m: &MeetingRow) -> String {
    format!(
        "{} 第{}回（{}）",
        m.committee,
        m.number,
        crate::wareki::format_date(m.date)
    )
}

/// `$XDG_STATE_HOME/kusei`, else `~/.local/state/kusei` (None without a
/// home directory).
pub fn state_dir() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_STATE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|h| !h.is_empty())
                .map(|h| PathBuf::from(h).join(".local").join("state"))
        })?;
    Some(base.join("kusei"))
}

/// The file of one session.
pub fn file_of(dir: &Path, session: &str) -> PathBuf {
    let safe: String = session
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    dir.join(format!("recovery-{safe}.json"))
}

/// Write `snap` durably to its session's file (temp + fsync + rename +
/// fsync of the directory; the directory 0700, the file 0600).
pub fn write(dir: &Path, snap: &Snapshot) -> std::io::Result<PathBuf> {
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)?;
    let path = file_of(dir, &snap.session);
    let tmp = path.with_extension("json.tmp");
    let mut snap = snap.clone();
    snap.written_at = crate::db::now_stamp();
    let body = serde_json::to_vec_pretty(&snap).map_err(std::io::Error::other)?;
    {
        let mut f = fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&tmp)?;
        f.write_all(&body)?;
        f.sync_all()?;
    }
    fs::rename(&tmp, &path)?;
    fs::File::open(dir)?.sync_all()?;
    Ok(path)
}

/// Remove a session's file (nothing to do when there is none).
pub fn remove(dir: &Path, session: &str) -> std::io::Result<()> {
    match fs::remove_file(file_of(dir, session)) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// A recovery file found in the state directory.
#[derive(Debug)]
pub enum Found {
    Ok(PathBuf, Snapshot),
    /// Unreadable or not a recovery file: kept as it is, and said so.
    Damaged(PathBuf, String),
}

/// How old a temporary file that is not a whole recovery file must be
/// before it is taken for a dead writer's (a live writer's lasts
/// milliseconds, seconds on a very loaded disk).
const STALE_TEMPORARY: Duration = Duration::from_secs(60);

/// Files left by sessions killed at a bad moment, made recovery files
/// again. Temporary files (killed after the temporary file, before its
/// rename): a whole one is that session's newest text, so it takes the
/// place of the session's file, as the rename would have done; a partial
/// one (killed before its one write) leaves the file before it whole, and
/// is removed once stale. Claimed files whose claimer died before the
/// draft committed (e.g. hung up while waiting for the write lock) are
/// given back under a name of their own (the session may have a newer
/// file by now).
pub fn settle_temporaries(dir: &Path, now: SystemTime) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for tmp in entries.filter_map(|e| e.ok().map(|e| e.path())) {
        let Some(name) = tmp.file_name().map(|n| n.to_string_lossy().into_owned()) else {
            continue;
        };
        if let Some((stem, pid)) = name.rsplit_once(".claimed-") {
            let back = dir.join(format!("{stem}-claimed-{pid}.json"));
            let dead = pid.parse::<i32>().is_ok_and(|p| !claimer_alive(p));
            if stem.starts_with("recovery-") && dead && !back.exists() {
                let _ = fs::rename(&tmp, back);
            }
            continue;
        }
        if !(name.starts_with("recovery-") && name.ends_with(".json.tmp")) {
            continue;
        }
        if read(&tmp).is_ok() {
            let _ = fs::rename(&tmp, tmp.with_extension(""));
            continue;
        }
        let stale = fs::metadata(&tmp)
            .and_then(|m| m.modified())
            .is_ok_and(|t| now.duration_since(t).unwrap_or_default() >= STALE_TEMPORARY);
        if stale {
            let _ = fs::remove_file(&tmp);
        }
    }
}

/// Whether the process that claimed a file is running (this process is
/// not: it claims only after settling).
fn claimer_alive(pid: i32) -> bool {
    if pid <= 0 || pid as u32 == std::process::id() {
        return false;
    }
    // SAFETY: signal 0 only checks that the process exists.
    let rc = unsafe { libc::kill(pid, 0) };
    rc == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

/// Every recovery file in `dir`, oldest name first.
pub fn scan(dir: &Path) -> Vec<Found> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned());
            name.is_some_and(|n| n.starts_with("recovery-") && n.ends_with(".json"))
        })
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| match read(&p) {
            Ok(s) => Found::Ok(p, s),
            Err(e) => Found::Damaged(p, e),
        })
        .collect()
}

fn read(path: &Path) -> Result<Snapshot, String> {
    let body = fs::read(path).map_err(|e| e.to_string())?;
    let snap: Snapshot = serde_json::from_slice(&body).map_err(|e| e.to_string())?;
    if snap.kusei_recovery != FORMAT || snap.context.is_empty() {
        return Err("kusei の復元ファイルの形式ではありません".into());
    }
    Ok(snap)
}

/// The same file, said two ways or one.
fn same_db(a: &str, b: &Path) -> bool {
    let a = Path::new(a);
    a == b || fs::canonicalize(a).ok().as_deref() == Some(b)
}

/// Give back, at start, what earlier sessions left in recovery files for
/// this database (`db`, absolute): each text is added to this session's
/// draft of its meeting, and its file removed once that has committed.
/// Files for other databases and damaged files are left where they are.
/// Returns what to tell the user, one note per file.
pub fn restore_at_start(store: &mut Store, dir: &Path, db: &Path) -> Vec<Note> {
    let mut notes = Vec::new();
    settle_temporaries(dir, SystemTime::now());
    for found in scan(dir) {
        match found {
            Found::Damaged(path, e) => notes.push(Note::say(format!(
                "復元ファイルが壊れていて読めません（{}: {e}）。ファイルはそのまま残しています",
                path.display()
            ))),
            Found::Ok(path, snap) if !same_db(&snap.db, db) => notes.push(Note::say(format!(
                "別のデータベース {} の入力が復元ファイルに残っています（{}）。\
                 そのデータベースで kusei を起動すると戻ります",
                snap.db,
                path.display()
            ))),
            Found::Ok(path, snap) => notes.extend(give_back(store, &path, snap)),
        }
    }
    notes
}

/// What one recovery file came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// The message for the user.
    pub text: String,
    /// Given back: the draft context and the agenda item it was typed for.
    pub item: Option<(String, i64)>,
}

impl Note {
    fn say(text: String) -> Note {
        Note { text, item: None }
    }
}

/// One file of this database: claimed by renaming (so two sessions
/// starting together do not both take it), put into the draft, removed.
fn give_back(store: &mut Store, path: &Path, snap: Snapshot) -> Option<Note> {
    let claimed = path.with_extension(format!("claimed-{}", std::process::id()));
    if fs::rename(path, &claimed).is_err() {
        // Another session took it first.
        return None;
    }
    let meeting = store
        .meeting_detail(snap.meeting_id)
        .ok()
        .flatten()
        .map(|d| meeting_label(&d.meeting))
        .unwrap_or_else(|| snap.meeting.clone());
    match store.append_draft(&snap.context, &snap.text) {
        Ok(_) => {
            let _ = fs::remove_file(&claimed);
            Some(Note {
                text: format!(
                    "前回の入力を復元しました: {meeting}{}（m で記録を開くと入力欄に戻ります）",
                    snap.item_note()
                ),
                item: snap.item_id.map(|i| (snap.context.clone(), i)),
            })
        }
        Err(e) => {
            // Put it back for the next start; nothing is lost.
            let _ = fs::rename(&claimed, path);
            Some(Note::say(format!(
                "前回の入力（{meeting}{}）は復元ファイル {} にあります。\
                 データベースに戻せませんでした: {e}",
                snap.item_note(),
                path.display()
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_files_read_back_and_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::TempDir::new().unwrap();
        let d = dir.path().join("state").join("kusei");
        let mut s = Snapshot::new(Path::new("/x/kusei.db"), "12-34", "taro");
        s.context = "minutes:3".into();
        s.text = "打った文字".into();
        let p = write(&d, &s).unwrap();
        let mode = fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let dmode = fs::metadata(&d).unwrap().permissions().mode() & 0o777;
        assert_eq!(dmode, 0o700);
        match scan(&d).as_slice() {
            [Found::Ok(_, back)] => assert_eq!(back.text, "打った文字"),
            other => panic!("{other:?}"),
        }
        remove(&d, "12-34").unwrap();
        assert!(scan(&d).is_empty());
        remove(&d, "12-34").unwrap();
    }

    fn snapshot(text: &str) -> Snapshot {
        let mut s = Snapshot::new(Path::new("/x/kusei.db"), "12-34", "taro");
        s.context = "minutes:3".into();
        s.text = text.into();
        s
    }

    /// Killed between the temporary file and its rename (seen as text lost
    /// by `tests/hangup.rs::twenty_kill_9_while_retrying_lose_nothing`):
    /// the temporary file holds the newest text and is given back.
    #[test]
    fn a_whole_temporary_file_of_a_killed_writer_is_given_back() {
        let dir = tempfile::TempDir::new().unwrap();
        let path = write(dir.path(), &snapshot("追")).unwrap();
        let newest = serde_json::to_vec_pretty(&snapshot("追記5")).unwrap();
        fs::write(path.with_extension("json.tmp"), newest).unwrap();
        settle_temporaries(dir.path(), SystemTime::now());
        match scan(dir.path()).as_slice() {
            [Found::Ok(p, back)] => {
                assert_eq!(p, &path);
                assert_eq!(back.text, "追記5");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    /// Killed before its one write: the file before it is whole; the empty
    /// temporary file goes once no live writer can be behind it.
    #[test]
    fn a_partial_temporary_file_is_removed_once_stale() {
        let dir = tempfile::TempDir::new().unwrap();
        let path = write(dir.path(), &snapshot("追記")).unwrap();
        let tmp = path.with_extension("json.tmp");
        fs::write(&tmp, "").unwrap();
        let written = fs::metadata(&tmp).unwrap().modified().unwrap();
        settle_temporaries(dir.path(), written + Duration::from_secs(1));
        assert!(tmp.exists(), "a live writer may be behind it");
        settle_temporaries(dir.path(), written + STALE_TEMPORARY);
        assert!(!tmp.exists());
        match scan(dir.path()).as_slice() {
            [Found::Ok(_, back)] => assert_eq!(back.text, "追記"),
            other => panic!("{other:?}"),
        }
    }

    /// A start killed after claiming a file and before the draft
    /// committed: the next start gives it back; a live claimer's file is
    /// left to it.
    #[test]
    fn a_file_claimed_by_a_dead_start_is_given_back() {
        let dir = tempfile::TempDir::new().unwrap();
        let path = write(dir.path(), &snapshot("追記")).unwrap();
        let dead = path.with_extension(format!("claimed-{}", std::process::id()));
        fs::rename(&path, &dead).unwrap();
        let live = dir.path().join("recovery-5-6.claimed-1");
        fs::write(&live, "{}").unwrap();
        settle_temporaries(dir.path(), SystemTime::now());
        assert!(!dead.exists());
        assert!(live.exists(), "process 1 is running");
        match scan(dir.path()).as_slice() {
            [Found::Ok(_, back)] => assert_eq!(back.text, "追記"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_damaged_file_is_reported_not_read() {
        let dir = tempfile::TempDir::new().unwrap();
        fs::write(dir.path().join("recovery-1-2.json"), "{ not json").unwrap();
        assert!(matches!(scan(dir.path()).as_slice(), [Found::Damaged(..)]));
    }
}
