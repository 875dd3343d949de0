//! Drafts per session and recovery files, against real SQLite files and a
//! real state directory (issue 17, points 3 and 4; the end-to-end versions
//! with the real binary are in `tests/hangup.rs`).

use std::path::Path;
use std::sync::mpsc;

use kusei::app::recovery::{self, Found, Snapshot};
use kusei::app::worker::{Response, Worker};
use kusei::db::{OpenOptions, Store};

fn open(path: &Path) -> Store {
    Store::open(path, OpenOptions::default()).expect("open")
}

fn sample_db() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("k.db");
    kusei::sample::load(&mut open(&db)).expect("samples");
    (dir, db)
}

fn all_drafts(db: &Path) -> Vec<(String, String, String)> {
    let c = rusqlite::Connection::open(db).unwrap();
    let mut st = c
        .prepare("SELECT session, context, text FROM drafts ORDER BY id")
        .unwrap();
    let rows = st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<rusqlite::Result<Vec<_>>>()
        .unwrap();
    rows
}

#[test]
fn two_live_sessions_of_one_user_keep_their_own_drafts() {
    let (_dir, db) = sample_db();
    let mut one = open(&db);
    let mut two = open(&db);
    assert_eq!(one.user(), two.user(), "the same OS user");
    one.save_draft("minutes:1", "一つ目の画面の下書き").unwrap();
    two.save_draft("minutes:1", "二つ目の画面の下書き").unwrap();
    one.save_draft("minutes:1", "一つ目の画面の下書き（続き）")
        .unwrap();
    assert_eq!(
        one.draft("minutes:1").unwrap().as_deref(),
        Some("一つ目の画面の下書き（続き）")
    );
    assert_eq!(
        two.draft("minutes:1").unwrap().as_deref(),
        Some("二つ目の画面の下書き")
    );
    assert_eq!(all_drafts(&db).len(), 2);
    // A third session starting now adopts neither: both are running.
    let mut three = open(&db);
    assert!(three.adopt_orphan_drafts().unwrap().is_empty());
    assert_eq!(all_drafts(&db).len(), 2);
}

#[test]
fn a_stopped_sessions_draft_goes_to_the_next_session_of_the_user() {
    let (_dir, db) = sample_db();
    let live = {
        let mut live = open(&db);
        live.save_draft("minutes:2", "生きている画面").unwrap();
        live
    };
    {
        let mut crashed = open(&db);
        crashed
            .save_draft("minutes:2", "落ちた画面の下書き")
            .unwrap();
        // Dropped without clearing: the session is gone, like a crash.
    }
    let mut next = open(&db);
    let adopted = next.adopt_orphan_drafts().unwrap();
    assert_eq!(adopted.len(), 1, "{adopted:?}");
    assert_eq!(adopted[0].text, "落ちた画面の下書き");
    assert_eq!(
        next.draft("minutes:2").unwrap().as_deref(),
        Some("落ちた画面の下書き")
    );
    assert_eq!(
        live.draft("minutes:2").unwrap().as_deref(),
        Some("生きている画面"),
        "the live session's draft is untouched"
    );
    // Adopted once only.
    let mut later = open(&db);
    assert!(later.adopt_orphan_drafts().unwrap().is_empty());
}

#[test]
fn drafts_of_another_os_user_are_never_adopted() {
    let (_dir, db) = sample_db();
    let c = rusqlite::Connection::open(&db).unwrap();
    c.execute(
        "INSERT INTO drafts (os_user, session, context, text, updated_at)
         VALUES ('someone-else', '1-1', 'minutes:1', '他人の下書き', '2026-01-01T00:00:00.000Z')",
        [],
    )
    .unwrap();
    let mut me = open(&db);
    assert!(me.adopt_orphan_drafts().unwrap().is_empty());
    assert_eq!(all_drafts(&db).len(), 1);
}

#[test]
fn a_worker_tells_which_meeting_an_adopted_draft_belongs_to() {
    let (_dir, db) = sample_db();
    let meeting = open(&db).meetings_of_year(2017).unwrap()[0].clone();
    {
        let mut crashed = open(&db);
        crashed
            .save_draft(&format!("minutes:{}", meeting.id), "引き継ぐ下書き")
            .unwrap();
    }
    let (tx, rx) = mpsc::channel();
    let _w = Worker::new(open(&db), tx);
    let notes: Vec<String> = rx
        .try_iter()
        .filter_map(|r| match r {
            Response::Restored { notes, .. } => Some(notes),
            _ => None,
        })
        .flatten()
        .collect();
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(
        notes[0].contains(&format!("第{}回", meeting.number)) && notes[0].contains("平成29年"),
        "{notes:?}"
    );
}

fn snapshot(db: &Path, session: &str, meeting: i64, text: &str) -> Snapshot {
    let mut s = Snapshot::new(db, session, "tester");
    s.meeting_id = meeting;
    s.meeting = "書いた時の会議名".into();
    s.item = "書いた時の議題".into();
    s.item_id = Some(77);
    s.context = format!("minutes:{meeting}");
    s.text = text.into();
    s
}

#[test]
fn recovery_files_are_given_back_once_and_removed_only_when_saved() {
    let (dir, db) = sample_db();
    let db = std::fs::canonicalize(&db).unwrap();
    let state = dir.path().join("state").join("kusei");
    let m = open(&db).meetings_of_year(2017).unwrap()[1].clone();
    recovery::write(&state, &snapshot(&db, "111-1", m.id, "一つ目の復元")).unwrap();
    recovery::write(&state, &snapshot(&db, "111-2", m.id, "二つ目の復元")).unwrap();
    let other = dir.path().join("other.db");
    recovery::write(&state, &snapshot(&other, "111-3", 1, "別の DB")).unwrap();
    std::fs::write(
        state.join("recovery-111-4.json"),
        b"{\"kusei_recovery\": 1,",
    )
    .unwrap();

    let mut store = open(&db);
    let given = recovery::restore_at_start(&mut store, &state, &db);
    let items: Vec<_> = given.iter().filter_map(|n| n.item.clone()).collect();
    assert_eq!(
        items,
        [
            (format!("minutes:{}", m.id), 77),
            (format!("minutes:{}", m.id), 77)
        ]
    );
    let notes: Vec<String> = given.into_iter().map(|n| n.text).collect();
    assert_eq!(notes.len(), 4, "{notes:#?}");
    let restored: Vec<_> = notes
        .iter()
        .filter(|n| n.starts_with("前回の入力を復元しました"))
        .collect();
    assert_eq!(restored.len(), 2, "{notes:#?}");
    // Named from the database: committee, 第N回 and the 和暦 date.
    assert!(
        restored[0].contains(&format!("第{}回", m.number))
            && restored[0].contains("平成29年")
            && restored[0].contains("書いた時の議題"),
        "{notes:#?}"
    );
    assert!(notes
        .iter()
        .any(|n| n.contains("別のデータベース") && n.contains(&other.display().to_string())));
    assert!(notes
        .iter()
        .any(|n| n.contains("復元ファイルが壊れていて読めません")
            && n.contains("recovery-111-4.json")));
    assert_eq!(
        store
            .draft(&format!("minutes:{}", m.id))
            .unwrap()
            .as_deref(),
        Some("一つ目の復元 二つ目の復元")
    );
    // Left: the other database's and the damaged file, untouched.
    let left: Vec<String> = recovery::scan(&state)
        .iter()
        .map(|f| match f {
            Found::Ok(p, _) | Found::Damaged(p, _) => {
                p.file_name().unwrap().to_string_lossy().into_owned()
            }
        })
        .collect();
    assert_eq!(left, ["recovery-111-3.json", "recovery-111-4.json"]);
}

#[test]
fn a_recovery_file_stays_when_the_database_cannot_take_it() {
    let (dir, db) = sample_db();
    let db = std::fs::canonicalize(&db).unwrap();
    let state = dir.path().join("state");
    recovery::write(&state, &snapshot(&db, "222-1", 1, "まだ戻せない文字")).unwrap();
    // A read-only session cannot take it (as a full disk or a read-only
    // mount would refuse it).
    let mut ro = Store::open(
        &db,
        OpenOptions {
            read_only: true,
            ..Default::default()
        },
    )
    .unwrap();
    let notes: Vec<String> = recovery::restore_at_start(&mut ro, &state, &db)
        .into_iter()
        .map(|n| n.text)
        .collect();
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(
        notes[0].contains("データベースに戻せませんでした"),
        "{notes:?}"
    );
    assert!(
        matches!(recovery::scan(&state).as_slice(), [Found::Ok(_, s)] if s.text == "まだ戻せない文字")
    );
    let mut store = open(&db);
    let notes = recovery::restore_at_start(&mut store, &state, &db);
    assert!(
        notes[0].text.starts_with("前回の入力を復元しました"),
        "{notes:?}"
    );
    assert!(recovery::scan(&state).is_empty());
}
