//! Hostile text in the database (ESC sequences, C1 controls, bidi
//! overrides) is shown as visible markers and never reaches the terminal:
//! not in the ratatui buffer, not on stdout.

mod support;

use kusei::db::Store;
use support::harness::{sample_today, Harness};

const HOSTILE: &str = "区長\u{1b}]0;pwned\u{7}：\u{9b}2J予算\u{202e}txet\u{2066}x\u{7f}";

fn plant(store: &mut Store) -> i64 {
    let m = store.meetings_of_year(2017).expect("year")[2].id;
    let item = store
        .meeting_detail(m)
        .expect("detail")
        .expect("第3回")
        .items[0]
        .id;
    store
        .add_opinion(item, HOSTILE, None, None)
        .expect("a row another tool wrote");
    m
}

fn assert_clean(text: &str) {
    for c in text.chars() {
        assert!(
            !kusei::ui::sanitize::is_hostile(c),
            "U+{:04X} reached the screen:\n{text}",
            c as u32
        );
    }
}

#[test]
fn the_calendar_and_minutes_show_markers_not_controls() {
    let mut h = Harness::new(sample_today());
    let mut store = h.store();
    plant(&mut store);
    h.poll_external();
    for (w, ht) in [(80, 24), (160, 48)] {
        h.key("J").key("J").key("J");
        let screen = h.render(w, ht);
        assert_clean(&screen);
    }
    h.key("m");
    let screen = h.render(160, 48);
    assert_clean(&screen);
    assert!(screen.contains("⟨U+001B⟩]0;pwned⟨U+0007⟩"), "{screen}");
    assert!(screen.contains("⟨U+202E⟩txet"), "{screen}");
    // The stored text is untouched.
    let kept: i64 = h
        .store()
        .conn()
        .query_row(
            "SELECT count(*) FROM opinions WHERE text = ?1",
            [HOSTILE],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(kept, 1);
}

#[test]
fn publish_to_a_pipe_keeps_the_data_and_errors_are_clean() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("k.db");
    let mut store = Store::open(&db, Default::default()).expect("open");
    kusei::sample::load(&mut store).expect("samples");
    plant(&mut store);
    drop(store);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kusei"))
        .args(["--db"])
        .arg(&db)
        .args(["export", "--format", "publish", "--fiscal-year", "2017"])
        .output()
        .expect("run");
    assert!(out.status.success());
    // Piped output is data: exactly what is stored.
    assert!(String::from_utf8_lossy(&out.stdout).contains(HOSTILE));
    // A message quoting hostile input is cleaned.
    let bad = dir.path().join("bad\u{1b}[2J.txt");
    std::fs::write(&bad, "第1回\n1 日時\n平成29年2月30日\n").expect("write");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kusei"))
        .args(["--db"])
        .arg(&db)
        .arg("import")
        .arg(&bad)
        .output()
        .expect("run");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_clean(&err.replace('\n', " "));
    assert!(err.contains("bad⟨U+001B⟩[2J.txt"), "{err}");
}
