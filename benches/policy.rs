//! The policy pane at 2,000 nodes: one frame (a cursor move and a full
//! render into a 160×48 `TestBackend`), folding a node (rebuilding the
//! visible rows), and reading the whole tree from the database.
//!
//! Run with `cargo bench --bench policy`. Prints medians and the ratio of a
//! frame to a baseline measured in the same process (rendering one line of
//! text into the same backend), since absolute times on a shared machine
//! mean little.

use std::sync::mpsc;
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use kusei::app::frame as ui;
use kusei::app::state::AppState;
use kusei::app::update;
use kusei::app::worker::{Request, Worker};
use kusei::db::{OpenOptions, Store};
use kusei::model::{Dataset, Node, Plan};
use kusei::ui::Theme;
use ratatui::backend::TestBackend;
use ratatui::widgets::Paragraph;
use ratatui::Terminal;

const FRAMES: usize = 2_000;

fn main() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store =
        Store::open(&dir.path().join("bench.db"), OpenOptions::default()).expect("open");
    store.import(&synthetic()).expect("import");
    let nodes: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM plan_nodes", [], |r| r.get(0))
        .expect("count");
    let mut load = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        let tree = store.policy_tree().expect("tree");
        load.push(t.elapsed());
        assert_eq!(tree.plans[0].nodes.len() as i64, nodes);
    }

    let (tx, rx) = mpsc::channel();
    let mut worker = Worker::new(store, tx);
    let today = chrono::NaiveDate::from_ymd_opt(2017, 6, 21).expect("date");
    let mut state = AppState::new("bench.db".into(), "bench".into(), today);
    let mut pending = vec![Request::LoadYear {
        fiscal_year: None,
        select: None,
    }];
    pending.extend(update::on_key(&mut state, key(KeyCode::Char('3'))));
    while !pending.is_empty() {
        for r in std::mem::take(&mut pending) {
            worker.handle(r);
        }
        while let Ok(resp) = rx.try_recv() {
            pending.extend(update::on_response(&mut state, resp));
        }
    }
    let rows = state.policy.rows.len();

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
    let mut frames = Vec::with_capacity(FRAMES);
    for i in 0..FRAMES {
        // Down through the tree, back to the top at the end.
        let k = if i % rows == rows - 1 { 'g' } else { 'j' };
        let t = Instant::now();
        let _ = update::on_key(&mut state, key(KeyCode::Char(k)));
        terminal
            .draw(|f| ui::draw(f, &state, &theme))
            .expect("draw");
        frames.push(t.elapsed());
    }
    // On 経営課題1: each Space folds or opens it (200 rows in or out).
    let _ = update::on_key(&mut state, key(KeyCode::Char('g')));
    let _ = update::on_key(&mut state, key(KeyCode::Char('j')));
    let mut folds = Vec::new();
    for _ in 0..200 {
        let t = Instant::now();
        let _ = update::on_key(&mut state, key(KeyCode::Char(' ')));
        folds.push(t.elapsed());
    }

    let b = median(&mut baseline);
    let f = median(&mut frames);
    println!("policy tree: {nodes} nodes, {rows} visible rows; {FRAMES} frames at 160x48");
    println!(
        "baseline (render one line):        median {:>8.1} us",
        us(b)
    );
    println!(
        "frame (cursor move + full render): median {:>8.1} us",
        us(f)
    );
    println!("ratio frame / baseline: {:.1}", us(f) / us(b));
    println!(
        "fold or open a node (rows rebuilt): median {:>8.1} us",
        us(median(&mut folds))
    );
    println!(
        "read the whole tree (database):     median {:>8.1} us",
        us(median(&mut load))
    );
}

fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn median(v: &mut [Duration]) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// One plan of 20 経営課題 × 10 戦略 × 9 具体的取組 (2,020 nodes), budgets
/// on most initiatives.
fn synthetic() -> Dataset {
    let leaf = |i: usize, j: usize, k: usize| Node {
        level: "具体的取組".into(),
        code: format!("{i}-{j}-{k}"),
        title: format!("地域と連携した取組その{k}（大規模団地の再生と魅力発信）"),
        budget_kyen: (!k.is_multiple_of(4)).then_some((i * 1_000 + j * 100 + k) as i64),
        ..Node::default()
    };
    let nodes = (1..=20)
        .map(|i| Node {
            level: "経営課題".into(),
            code: i.to_string(),
            title: format!("経営課題その{i} にぎわいと安全なまちづくり"),
            children: (1..=10)
                .map(|j| Node {
                    level: "戦略".into(),
                    code: format!("{i}-{j}"),
                    title: format!("戦略その{j} 地域の力を生かす"),
                    children: (1..=9).map(|k| leaf(i, j, k)).collect(),
                    ..Node::default()
                })
                .collect(),
            ..Node::default()
        })
        .collect();
    Dataset {
        plans: vec![Plan {
            kind: "運営方針".into(),
            title: "令和7年度 区運営方針".into(),
            organisation: "区".into(),
            fiscal_year: Some(2025),
            nodes,
            ..Plan::default()
        }],
        ..Dataset::default()
    }
}
