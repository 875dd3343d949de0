//! Search at 10k, 100k and 1M synthetic opinions (`kusei gen`, seed 1):
//! keystroke-to-ranked-top-100 (scan, rank, rows read back from SQLite) for
//! queries typed one character at a time, including one-character queries
//! that match most lines; index build time from the database; resident
//! memory with the index loaded; and, as a baseline measured in the same
//! process, fuzzy-matcher's SkimMatcherV2 run over every line.
//!
//! Each size is measured twice in the same run: without readings (the
//! index as it was before issue 13) and with them (kana and romaji find
//! kanji words), for build time, index bytes, RSS and keystrokes.
//!
//! `cargo bench --bench search`; `KUSEI_BENCH_SIZES=10000,100000` to pick
//! sizes. Databases are generated once into `target/search-bench/`.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use fuzzy_matcher::skim::SkimMatcherV2;
use fuzzy_matcher::FuzzyMatcher;
use kusei::db::{OpenOptions, Store};
use kusei::search::{self, load, Cancel};

/// Typed one character at a time: every prefix is a keystroke.
const QUERIES: &[&str] = &[
    "大規模団地",
    "だんちさいせい",
    "ｸﾞﾙｰﾌﾟ",
    "わーきんぐ",
    "区民意識調査",
    "超過勤務",
    "ぼうさいくんれん",
    "まちづくり",
    "デジタル化",
    "地域の方々と連携",
    "fy:2017 防災",
    "@区長 予算",
    "kind:決定 連携",
    "\"地域の方々\"",
    "#5 ごみ",
    "子育て 支援",
    // By reading (issue 13).
    "danchisaisei",
    "bousaikunren",
    "大規模danchi",
    "kosodate",
];
/// One-character queries that match most lines.
const ONE_CHAR: &[&str] = &["の", "を", "区", "た", "に"];
const ROUNDS: usize = 3;
const TOP: usize = 100;

fn main() {
    let sizes: Vec<usize> = std::env::var("KUSEI_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![10_000, 100_000, 1_000_000]);
    println!("kusei search benchmark: {} cores", cores());
    println!("RSS before loading: {:.0} MiB", rss_mib());
    for n in sizes {
        run(n);
    }
}

fn run(n: usize) {
    let path = database(n);
    for readings in [false, true] {
        run_with(n, &path, readings);
    }
}

fn run_with(n: usize, path: &std::path::Path, readings: bool) {
    search::readings::set_enabled(readings);
    let t = Instant::now();
    let index = load::build_from_path(path, &|_, _| {}).expect("build index");
    let build = t.elapsed();
    let store = Store::open(
        path,
        OpenOptions {
            read_only: true,
            defer_check: true,
        },
    )
    .expect("open");
    let conn = store.conn();
    println!();
    println!(
        "== {n} opinions, readings {}: {} entries, {:.1} MiB folded text, {:.1} MiB index in all",
        if readings { "ON" } else { "off" },
        index.len(),
        index.text_bytes() as f64 / (1 << 20) as f64,
        index.memory_bytes() as f64 / (1 << 20) as f64
    );
    println!("index build from the database: {:.0} ms", ms(build));
    println!("RSS with the index loaded:     {:.0} MiB", rss_mib());

    let mut typed = Vec::new();
    let mut one = Vec::new();
    let mut first_all = Vec::new();
    let mut first_one = Vec::new();
    let mut cpu = Vec::new();
    let mut slowest: Vec<(Duration, String)> = Vec::new();
    for _ in 0..ROUNDS {
        for q in QUERIES {
            // A new query starts from the empty line, as in the app.
            let mut session = search::Session::new();
            let chars: Vec<char> = q.chars().collect();
            for i in 1..=chars.len() {
                let prefix: String = chars[..i].iter().collect();
                let (wall, c, first) = keystroke(&mut session, &index, conn, &prefix);
                typed.push(wall);
                first_all.push(first);
                cpu.push(c);
                slowest.push((c, prefix));
            }
        }
        for q in ONE_CHAR {
            let (wall, c, first) = keystroke(&mut search::Session::new(), &index, conn, q);
            one.push(wall);
            first_one.push(first);
            first_all.push(first);
            cpu.push(c);
            slowest.push((c, q.to_string()));
        }
    }
    if std::env::var_os("KUSEI_BENCH_VERBOSE").is_some() {
        slowest.sort_by_key(|s| std::cmp::Reverse(s.0));
        for (c, q) in slowest.iter().take(20) {
            println!("  {:>7.2} ms CPU  {q}", ms(*c));
        }
    }
    let all: Vec<Duration> = typed.iter().chain(&one).copied().collect();
    report("every keystroke", all);
    report("one-character queries", one);
    report("first rows, every key", first_all);
    report("first rows, one char", first_one);
    report("CPU time (both threads)", cpu);

    // Baseline: the fuzzy matcher over every line, as a naive search would.
    let matcher = SkimMatcherV2::default();
    let keys: Vec<String> = (0..index.len() as u32).map(|i| index.key(i)).collect();
    let mut naive = Vec::new();
    for q in ["団地", "の", "だんちさいせい"] {
        let t = Instant::now();
        let mut hits: Vec<(i64, usize)> = keys
            .iter()
            .enumerate()
            .filter_map(|(i, k)| matcher.fuzzy_match(k, q).map(|s| (s, i)))
            .collect();
        let k = TOP.min(hits.len());
        if k > 0 {
            hits.select_nth_unstable_by(k - 1, |a, b| b.cmp(a));
        }
        naive.push(t.elapsed());
    }
    let base = median(&mut naive.clone());
    let ours = median(&mut typed.clone());
    println!(
        "baseline (SkimMatcherV2 over every line, one thread): median {:.1} ms; ours / baseline = {:.3}",
        ms(base),
        ms(ours) / ms(base)
    );
}

/// One keystroke: wall time, the process's CPU time (all threads), and
/// the time to the first rows (the staged first pass when there is one).
fn keystroke(
    session: &mut search::Session,
    index: &search::Index,
    conn: &rusqlite::Connection,
    q: &str,
) -> (Duration, Duration, Duration) {
    let c = cpu_time();
    let t = Instant::now();
    // A filter being typed (`fy:20`) is an error shown at once.
    let Ok(query) = search::parse(q) else {
        let d = t.elapsed();
        return (d, cpu_time().saturating_sub(c), d);
    };
    let mut first = None;
    let r = session
        .search_staged(index, conn, &query, TOP, Cancel::never(), &mut |_, _| {
            first = Some(t.elapsed())
        })
        .expect("search");
    let d = t.elapsed();
    assert!(r.is_some());
    (d, cpu_time().saturating_sub(c), first.unwrap_or(d))
}

/// CPU time used by this process so far (user + system, every thread).
fn cpu_time() -> Duration {
    // SAFETY: getrusage only writes the struct we pass.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) };
    let us = |t: libc::timeval| t.tv_sec as u64 * 1_000_000 + t.tv_usec as u64;
    Duration::from_micros(us(u.ru_utime) + us(u.ru_stime))
}

fn report(what: &str, mut v: Vec<Duration>) {
    v.sort();
    let p = |f: f64| v[((v.len() - 1) as f64 * f).round() as usize];
    println!(
        "{what:<24} n={:<4} p50 {:>6.2} ms   p95 {:>6.2} ms   max {:>6.2} ms",
        v.len(),
        ms(p(0.5)),
        ms(p(0.95)),
        ms(p(1.0))
    );
}

fn median(v: &mut [Duration]) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// The generated database for `n` opinions (made once).
fn database(n: usize) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/search-bench");
    std::fs::create_dir_all(&dir).expect("bench dir");
    let path = dir.join(format!("gen-{n}-seed1-v1.db"));
    if !path.exists() {
        let tmp = dir.join(format!("gen-{n}.tmp.db"));
        let _ = std::fs::remove_file(&tmp);
        let t = Instant::now();
        let mut store = Store::open(&tmp, OpenOptions::default()).expect("create");
        search::synth::generate(&mut store, n, 1, None).expect("generate");
        drop(store);
        std::fs::rename(&tmp, &path).expect("rename");
        println!(
            "generated {n} opinions in {:.1} s",
            t.elapsed().as_secs_f64()
        );
    }
    path
}

fn rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}
