//! A full disk (simulated with `PRAGMA max_page_count`): no panic, a plain
//! message, nothing typed lost, and the save succeeds once space is back —
//! without a restart.

mod support;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use kusei::db::{OpenOptions, Store, StoreError};
use support::driver::{date, load_year, Driver};

fn full_store(dir: &std::path::Path) -> Store {
    let db = dir.join("k.db");
    let mut store = Store::open(&db, OpenOptions::default()).expect("open");
    kusei::sample::load(&mut store).expect("samples");
    let pages = store.page_count().expect("pages");
    store.limit_pages(Some(pages)).expect("quota");
    store
}

#[test]
fn the_store_refuses_plainly_and_changes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = full_store(dir.path());
    let before = kusei::export::to_json(&store.export().expect("export"));
    let m = store.meetings_of_year(2017).expect("year")[0].id;
    let item = store.meeting_detail(m).expect("d").expect("m").items[0].id;
    let long = "長い意見。".repeat(2_000);
    let err = store
        .add_opinion(item, &long, None, None)
        .expect_err("full");
    assert!(matches!(err, StoreError::DiskFull { .. }), "{err:?}");
    assert!(err.to_string().contains("ディスクがいっぱい"), "{err}");
    assert_eq!(
        kusei::export::to_json(&store.export().expect("export")),
        before
    );
    store.limit_pages(None).expect("space is back");
    store
        .add_opinion(item, &long, None, None)
        .expect("saves now");
}

fn key(app: &mut Driver, code: KeyCode) {
    app.press(KeyEvent::new(code, KeyModifiers::NONE));
}

#[test]
fn minute_taking_keeps_the_text_and_saves_when_space_returns() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = full_store(dir.path());
    let db = store.path().to_path_buf();
    let first = Some(load_year(Some(2017)));
    let mut app = Driver::new(store, db.clone(), None, date(2017, 6, 21), first);
    app.settle();
    key(&mut app, KeyCode::Char('m'));
    let long = "満杯のディスクでも消えない意見。".repeat(600);
    app.state
        .minutes
        .as_mut()
        .expect("minutes")
        .input
        .set_text(&long);
    key(&mut app, KeyCode::Enter);
    let msg = app.state.message.clone().expect("a message");
    assert!(
        msg.error && msg.text.contains("ディスクがいっぱい"),
        "{}",
        msg.text
    );
    let m = app.state.minutes.as_ref().expect("still minuting");
    assert_eq!(m.input.text(), long, "the text is back in the input");
    // Space comes back; the same session saves, no restart.
    app.worker.store_mut().limit_pages(None).expect("space");
    key(&mut app, KeyCode::Enter);
    assert_eq!(
        app.state.message.as_ref().map(|m| m.text.as_str()),
        Some("保存しました")
    );
    let check = Store::open(&db, OpenOptions::default()).expect("open");
    let n: i64 = check
        .conn()
        .query_row(
            "SELECT count(*) FROM opinions WHERE text = ?1",
            [&long],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(n, 1);
}
