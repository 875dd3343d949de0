//! Rendering the progress grid: 500 items × 20 periods (half years of ten
//! fiscal years, every cell with a status) into a 160×48 `TestBackend`.
//!
//! Run with `cargo bench --bench progress`. Prints medians per frame for
//! the grid, the board, a cursor move (key + frame) and a filter keystroke
//! (rebuild + frame), each with its ratio to a baseline measured in the
//! same process (rendering one line of text into the same backend), since
//! absolute times on a shared machine mean little.

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

const ITEMS: usize = 500;
const YEARS: i32 = 10;
const FRAMES: usize = 1_000;
const STATUSES: [&str; 5] = ["前倒し", "予定通り進捗", "遅れ", "未着手", "完了"];

fn main() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("bench.db");
    let store = Store::open(&path, OpenOptions::default()).expect("open");
    fill(&store);

    let (tx, rx) = mpsc::channel();
    let mut worker = Worker::new(store, tx);
    let today = chrono::NaiveDate::from_ymd_opt(2025, 11, 20).expect("date");
    let mut state = AppState::new("bench.db".into(), "bench".into(), today);
    let mut settle = |state: &mut AppState, mut pending: Vec<Request>| loop {
        for r in std::mem::take(&mut pending) {
            worker.handle(r);
        }
        while let Ok(resp) = rx.try_recv() {
            pending.extend(update::on_response(state, resp));
        }
        if pending.is_empty() {
            break;
        }
    };
    let reqs = update::on_key(&mut state, key(KeyCode::Char('4')));
    settle(&mut state, reqs);
    let p = &state.progress;
    let items = p.data.as_ref().map_or(0, |d| d.items.len());
    println!(
        "{items} items × {} periods, {FRAMES} frames at 160x48",
        p.periods.len()
    );

    let theme = Theme::monochrome();
    let mut terminal = Terminal::new(TestBackend::new(160, 48)).expect("terminal");
    let mut time = |f: &mut dyn FnMut(&mut Terminal<TestBackend>)| {
        let mut v = Vec::with_capacity(FRAMES);
        for _ in 0..FRAMES {
            let t = Instant::now();
            f(&mut terminal);
            v.push(t.elapsed());
        }
        median(&mut v)
    };
    let baseline = time(&mut |t| {
        t.draw(|f| f.render_widget(Paragraph::new("区政"), f.area()))
            .expect("draw");
    });
    // Put the selection mid-list so both scroll windows are in use.
    for _ in 0..250 {
        let _ = update::on_key(&mut state, key(KeyCode::Down));
    }
    let grid = time(&mut |t| {
        t.draw(|f| ui::draw(f, &state, &theme)).expect("draw");
    });
    let mut down = true;
    let mut i = 0;
    let moves = time(&mut |t| {
        i += 1;
        if i % 200 == 0 {
            down = !down;
        }
        let k = if down { KeyCode::Down } else { KeyCode::Up };
        let _ = update::on_key(&mut state, key(k));
        t.draw(|f| ui::draw(f, &state, &theme)).expect("draw");
    });
    let _ = update::on_key(&mut state, key(KeyCode::Char('f')));
    let mut n = 0;
    let filter = time(&mut |t| {
        n += 1;
        let k = if n % 2 == 0 {
            KeyCode::Backspace
        } else {
            KeyCode::Char('7')
        };
        let _ = update::on_key(&mut state, key(k));
        t.draw(|f| ui::draw(f, &state, &theme)).expect("draw");
    });
    let _ = update::on_key(&mut state, key(KeyCode::Esc));
    let _ = update::on_key(&mut state, key(KeyCode::Char('v')));
    let board = time(&mut |t| {
        t.draw(|f| ui::draw(f, &state, &theme)).expect("draw");
    });

    let us = |d: Duration| d.as_secs_f64() * 1e6;
    let ratio = |d: Duration| d.as_secs_f64() / baseline.as_secs_f64();
    println!(
        "baseline (one line of text):        median {:>8.1} us",
        us(baseline)
    );
    for (name, d) in [
        ("grid frame", grid),
        ("cursor move + grid frame", moves),
        ("filter keystroke + grid frame", filter),
        ("board frame", board),
    ] {
        println!(
            "{name:<30}      median {:>8.1} us  ratio {:>5.1}",
            us(d),
            ratio(d)
        );
    }
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn median(v: &mut [Duration]) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// One plan, 25 groups of 20 reform items, each with a status in both
/// halves of ten fiscal years, written directly (bench setup, not the
/// app's write path).
fn fill(store: &Store) {
    let c = store.conn();
    c.execute_batch("BEGIN").expect("begin");
    c.execute(
        "INSERT INTO plans (kind, title, fiscal_year, status_scale) VALUES ('改革項目', '行政改革プラン', NULL, ?1)",
        [serde_json::to_string(&STATUSES).expect("json")],
    )
    .expect("plan");
    let plan = c.last_insert_rowid();
    let mut group = 0;
    for i in 0..ITEMS {
        if i % 20 == 0 {
            c.execute(
                "INSERT INTO plan_nodes (plan_id, position, level, code, title) VALUES (?1, ?2, '中項目', ?3, ?4)",
                rusqlite::params![plan, i as i64, format!("{}", i / 20 + 1), format!("第{}の中項目：区役所の機能強化", i / 20 + 1)],
            )
            .expect("group");
            group = c.last_insert_rowid();
        }
        c.execute(
            "INSERT INTO plan_nodes (plan_id, parent_id, position, level, code, title, lead_department)
             VALUES (?1, ?2, ?3, '具体的な改革項目', ?4, ?5, '行政経営課')",
            rusqlite::params![
                plan,
                group,
                i as i64,
                format!("{}", i + 1),
                format!("区役所間・区役所と本庁との協議制度の確立 その{}", i + 1)
            ],
        )
        .expect("item");
        let node = c.last_insert_rowid();
        for fy in 2013..2013 + YEARS {
            for (h, half) in ["first", "second"].iter().enumerate() {
                let status = STATUSES[(i + fy as usize + h) % STATUSES.len()];
                c.execute(
                    "INSERT INTO progress (node_id, fiscal_year, half, actual, status) VALUES (?1, ?2, ?3, '区長会議を活用し協議を実施', ?4)",
                    rusqlite::params![node, fy, half, status],
                )
                .expect("half");
            }
        }
    }
    c.execute_batch("COMMIT").expect("commit");
}
