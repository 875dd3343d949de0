//! One keystroke in minute-taking mode: `update::on_key` plus a full render
//! into a 160×48 `TestBackend`, on a database of 100,000 opinions.
//!
//! Run with `cargo bench --bench keystroke`. Prints the median of many
//! keystrokes and its ratio to a baseline measured in the same process
//! (rendering one line of text into the same backend), since absolute times
//! on a shared machine mean little.

use std::sync::mpsc;
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use kusei::app::frame as ui;
use kusei::app::state::AppState;
use kusei::app::update;
use kusei::app::worker::{Request, Worker};
use kusei::db::{OpenOptions, Store};
use kusei::ui::Theme;
use ratatui::backend::TestBackend;
use ratatui::widgets::Paragraph;
use ratatui::Terminal;

const OPINIONS: usize = 100_000;
const KEYS: usize = 2_000;

fn main() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("bench.db");
    let mut store = Store::open(&path, OpenOptions::default()).expect("open");
    kusei::sample::load(&mut store).expect("samples");
    fill(&store);
    let n: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM opinions", [], |r| r.get(0))
        .expect("count");

    let (tx, rx) = mpsc::channel();
    let mut worker = Worker::new(store, tx);
    let today = chrono::NaiveDate::from_ymd_opt(2017, 6, 21).expect("date");
    let mut state = AppState::new("bench.db".into(), "bench".into(), today);
    let mut pending = vec![Request::LoadYear {
        fiscal_year: Some(2017),
        select: None,
    }];
    let mut settle = |state: &mut AppState, pending: &mut Vec<Request>| {
        while !pending.is_empty() {
            for r in std::mem::take(pending) {
                worker.handle(r);
            }
            while let Ok(resp) = rx.try_recv() {
                pending.extend(update::on_response(state, resp));
            }
        }
    };
    settle(&mut state, &mut pending);
    pending.extend(update::on_key(&mut state, key(KeyCode::Char('m'))));
    settle(&mut state, &mut pending);

    let theme = Theme::monochrome();
    let mut terminal = Terminal::new(TestBackend::new(160, 48)).expect("terminal");
    let text: Vec<char> = "区長：大規模団地の再生について地域と連携して進めること。"
        .chars()
        .collect();

    let mut baseline = Vec::with_capacity(KEYS);
    for _ in 0..KEYS {
        let t = Instant::now();
        terminal
            .draw(|f| f.render_widget(Paragraph::new("区政"), f.area()))
            .expect("draw");
        baseline.push(t.elapsed());
    }
    let mut keystroke = Vec::with_capacity(KEYS);
    for i in 0..KEYS {
        let c = text[i % text.len()];
        let t = Instant::now();
        // The draft request goes to the worker thread in the app; here it is
        // dropped so only the screen side is measured.
        let _drafts = update::on_key(&mut state, key(KeyCode::Char(c)));
        terminal
            .draw(|f| ui::draw(f, &state, &theme))
            .expect("draw");
        keystroke.push(t.elapsed());
        if i % 200 == 199 {
            // Keep the line a realistic length.
            let _ = update::on_key(
                &mut state,
                KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL),
            );
        }
    }
    let b = median(&mut baseline);
    let k = median(&mut keystroke);
    println!("database: {n} opinions; {KEYS} keystrokes at 160x48");
    println!(
        "baseline (render one line):      median {:>8.1} us",
        b.as_secs_f64() * 1e6
    );
    println!(
        "keystroke (update + full render): median {:>8.1} us",
        k.as_secs_f64() * 1e6
    );
    println!(
        "ratio keystroke / baseline: {:.1}",
        k.as_secs_f64() / b.as_secs_f64()
    );
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn median(v: &mut [Duration]) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// 100,000 synthetic opinions over 20 fiscal years of meetings, written
/// directly (bench setup, not the app's write path).
fn fill(store: &Store) {
    let c = store.conn();
    c.execute_batch("BEGIN").expect("begin");
    let per_meeting = 40;
    let meetings = OPINIONS / per_meeting;
    for m in 0..meetings {
        let fy = 1990 + (m / 12) as i32;
        let month = (m % 12) as u32;
        let date = chrono::NaiveDate::from_ymd_opt(fy, 4, 10)
            .and_then(|d| d.checked_add_months(chrono::Months::new(month)))
            .expect("date");
        c.execute(
            "INSERT INTO meetings (committee_id, fiscal_year, number, date, start_time, end_time, place,
               created_at, created_by, updated_at, updated_by)
             VALUES (1, ?1, ?2, ?3, '13:00', '14:30', '会議室', 'x', 'bench', 'x', 'bench')",
            rusqlite::params![fy, (m % 12) as i64 + 101, date.format("%Y-%m-%d").to_string()],
        )
        .expect("meeting");
        let mid = c.last_insert_rowid();
        c.execute(
            "INSERT INTO agenda_items (meeting_id, number, title) VALUES (?1, 1, '大規模団地再生について')",
            [mid],
        )
        .expect("item");
        let iid = c.last_insert_rowid();
        for k in 0..per_meeting {
            c.execute(
                "INSERT INTO opinions (item_id, position, text, created_at, created_by, updated_at, updated_by)
                 VALUES (?1, ?2, ?3, 'x', 'bench', 'x', 'bench')",
                rusqlite::params![iid, k as i64, format!("第{k}の意見：地域の方々と連携して進めることが大切。")],
            )
            .expect("opinion");
        }
    }
    c.execute_batch("COMMIT").expect("commit");
}
