//! A full disk (simulated with `PRAGMA max_page_count`): no panic, a plain
//! message, nothing typed lost, and the save succeeds once space is back —
//! without a restart.

use std::sync::mpsc;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use kusei::app::state::AppState;
use kusei::app::update;
use kusei::app::worker::{Request, Response, Worker};
use kusei::db::{OpenOptions, Store, StoreError};

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

struct App {
    state: AppState,
    worker: Worker,
    rx: mpsc::Receiver<Response>,
}

impl App {
    fn run(&mut self, mut reqs: Vec<Request>) {
        while !reqs.is_empty() {
            for r in std::mem::take(&mut reqs) {
                self.worker.handle(r);
            }
            while let Ok(resp) = self.rx.try_recv() {
                reqs.extend(update::on_response(&mut self.state, resp));
            }
        }
    }
    fn key(&mut self, code: KeyCode) {
        let r = update::on_key(&mut self.state, KeyEvent::new(code, KeyModifiers::NONE));
        self.run(r);
    }
}

#[test]
fn minute_taking_keeps_the_text_and_saves_when_space_returns() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = full_store(dir.path());
    let db = store.path().to_path_buf();
    let (tx, rx) = mpsc::channel();
    let mut app = App {
        state: AppState::new(
            "k.db".into(),
            "tester".into(),
            chrono::NaiveDate::from_ymd_opt(2017, 6, 21).expect("date"),
        ),
        worker: Worker::new(store, tx),
        rx,
    };
    app.run(vec![Request::LoadYear {
        fiscal_year: Some(2017),
        select: None,
    }]);
    app.key(KeyCode::Char('m'));
    let long = "満杯のディスクでも消えない意見。".repeat(600);
    app.state
        .minutes
        .as_mut()
        .expect("minutes")
        .input
        .set_text(&long);
    app.key(KeyCode::Enter);
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
    app.key(KeyCode::Enter);
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
