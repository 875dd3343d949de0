//! The attendance matrix at 30 fiscal years × 12 meetings × 80 job titles
//! (360 meeting columns): a full frame of the 出席 pane into a 160×48
//! `TestBackend`, moving the cursor between frames, and one keystroke of the
//! title filter (recomputing the rows, then the frame).
//!
//! Run with `cargo bench --bench attendance`. Prints medians and their ratio
//! to a baseline measured in the same process (rendering one line of text
//! into the same backend), since absolute times on a shared machine mean
//! little.

use std::sync::mpsc;
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use kusei::app::frame as ui;
use kusei::app::panes::attendance;
use kusei::app::state::AppState;
use kusei::app::update;
use kusei::app::worker::{Request, Worker};
use kusei::db::{OpenOptions, Store};
use kusei::ui::Theme;
use ratatui::backend::TestBackend;
use ratatui::widgets::Paragraph;
use ratatui::Terminal;

const YEARS: i32 = 30;
const PER_YEAR: u32 = 12;
const TITLES: usize = 80;
const FRAMES: usize = 2_000;

fn main() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("bench.db");
    let store = Store::open(&path, OpenOptions::default()).expect("open");
    fill(&store);

    let (tx, rx) = mpsc::channel();
    let mut worker = Worker::new(store, tx);
    let today = chrono::NaiveDate::from_ymd_opt(2017, 6, 21).expect("date");
    let mut state = AppState::new("bench.db".into(), "bench".into(), today);
    let mut settle = |state: &mut AppState, mut pending: Vec<Request>| {
        while !pending.is_empty() {
            for r in std::mem::take(&mut pending) {
                worker.handle(r);
            }
            while let Ok(resp) = rx.try_recv() {
                pending.extend(update::on_response(state, resp));
            }
        }
    };
    let reqs = update::on_key(&mut state, key(KeyCode::Char('2')));
    settle(&mut state, reqs);
    let reqs = attendance::load(&mut state, Some((1990, 1990 + YEARS - 1)));
    settle(&mut state, reqs);
    let a = &state.attendance;
    let meetings = a.matrix.as_ref().map_or(0, |m| m.meetings.len());
    let titles = a.view.rows.len();
    assert_eq!((meetings, titles), (360, TITLES), "bench data loaded");

    let theme = Theme::monochrome();
    let mut terminal = Terminal::new(TestBackend::new(160, 48)).expect("terminal");
    let mut baseline = Vec::with_capacity(FRAMES);
    for _ in 0..FRAMES {
        let t = Instant::now();
        terminal
            .draw(|f| f.render_widget(Paragraph::new("区政"), f.area()))
            .expect("draw");
        baseline.push(t.elapsed());
    }

    // The cursor wanders over the whole matrix so every window is drawn.
    let moves = [
        KeyCode::Char('l'),
        KeyCode::Char('j'),
        KeyCode::Char('L'),
        KeyCode::PageDown,
        KeyCode::Char('H'),
        KeyCode::PageUp,
        KeyCode::End,
        KeyCode::Char('G'),
        KeyCode::Home,
        KeyCode::Char('g'),
    ];
    let mut frame = Vec::with_capacity(FRAMES);
    let mut keyed = Vec::with_capacity(FRAMES);
    for i in 0..FRAMES {
        let t = Instant::now();
        terminal
            .draw(|f| ui::draw(f, &state, &theme))
            .expect("draw");
        frame.push(t.elapsed());
        let t = Instant::now();
        let _ = update::on_key(&mut state, key(moves[(i * 7 / 3) % moves.len()]));
        terminal
            .draw(|f| ui::draw(f, &state, &theme))
            .expect("draw");
        keyed.push(t.elapsed());
    }

    // Filter keystrokes: type "第1部" (it matches 第1部, 第10部 … 第21部 …)
    // and delete it again, over and over.
    let _ = update::on_key(&mut state, key(KeyCode::Char('f')));
    let typing = [
        KeyCode::Char('第'),
        KeyCode::Char('1'),
        KeyCode::Char('部'),
        KeyCode::Backspace,
        KeyCode::Backspace,
        KeyCode::Backspace,
    ];
    let mut filter = Vec::with_capacity(FRAMES);
    for i in 0..FRAMES {
        let t = Instant::now();
        let _ = update::on_key(&mut state, key(typing[i % typing.len()]));
        terminal
            .draw(|f| ui::draw(f, &state, &theme))
            .expect("draw");
        filter.push(t.elapsed());
    }

    let b = median(&mut baseline);
    println!("matrix: {meetings} meetings x {titles} titles ({YEARS} fiscal years); {FRAMES} frames at 160x48");
    let show = |name: &str, d: Duration| {
        println!(
            "{name:<38} median {:>8.1} us   ratio to baseline {:>6.1}",
            d.as_secs_f64() * 1e6,
            d.as_secs_f64() / b.as_secs_f64()
        );
    };
    show("baseline (render one line)", b);
    show("frame (full render of the pane)", median(&mut frame));
    show("cursor key + frame", median(&mut keyed));
    show("filter keystroke (rows + frame)", median(&mut filter));
    let _ = update::on_key(
        &mut state,
        KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL),
    );
    for c in typing.iter().take(3) {
        let _ = update::on_key(&mut state, key(*c));
    }
    println!(
        "(the filter \"第1部\" keeps {} of {TITLES} rows)",
        state.attendance.view.rows.len()
    );
}

fn key(code: KeyCode) -> KeyEvent {
    let mods = match code {
        KeyCode::Char(c) if c.is_ascii_uppercase() => KeyModifiers::SHIFT,
        _ => KeyModifiers::NONE,
    };
    KeyEvent::new(code, mods)
}

fn median(v: &mut [Duration]) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// 30 fiscal years of 12 meetings, 80 job titles each attending about two
/// meetings in three, written directly (bench setup, not the app's writes).
fn fill(store: &Store) {
    let c = store.conn();
    c.execute_batch("BEGIN; INSERT INTO committees (name) VALUES ('区づくり経営会議');")
        .expect("begin");
    for t in 0..TITLES {
        c.execute(
            "INSERT INTO job_titles (name, sort_order) VALUES (?1, ?2)",
            rusqlite::params![
                format!("第{}部こども家庭支援課担当課長", t + 1),
                t as i64 * 10
            ],
        )
        .expect("title");
    }
    for y in 0..YEARS {
        for n in 0..PER_YEAR {
            let date = chrono::NaiveDate::from_ymd_opt(1990 + y, 4, 10)
                .and_then(|d| d.checked_add_months(chrono::Months::new(n)))
                .expect("date");
            c.execute(
                "INSERT INTO meetings (committee_id, fiscal_year, number, date, created_at, created_by,
                   updated_at, updated_by) VALUES (1, ?1, ?2, ?3, 'x', 'bench', 'x', 'bench')",
                rusqlite::params![1990 + y, n + 1, date.format("%Y-%m-%d").to_string()],
            )
            .expect("meeting");
            let mid = c.last_insert_rowid();
            for t in 0..TITLES {
                if !(t + n as usize + y as usize).is_multiple_of(3) {
                    c.execute(
                        "INSERT INTO attendance (meeting_id, job_title_id, position) VALUES (?1, ?2, ?3)",
                        rusqlite::params![mid, t as i64 + 1, t as i64],
                    )
                    .expect("attendance");
                }
            }
        }
    }
    c.execute_batch("COMMIT").expect("commit");
}
