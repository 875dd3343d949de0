//! Types the latency script's queries (scripts/search-latency.py) one
//! character at a time through one search `Session` on a database's mapped
//! index, in one process (no screen, no pty): the time to the first answer
//! (the staged one, or the only one) and to the full answer, per key.
//!
//! `cargo run --release --example keys_replay -- DB [ROUNDS]`
//!
//! Prints the slowest keys and p50 / p95 / max of both times in ms, and
//! with `KEYS_SUMS=1` a checksum of every full answer (doc numbers, scores,
//! totals), to compare two builds' answers.
use std::time::Instant;

use kusei::db::{OpenOptions, Store};
use kusei::search::{parse, persist_delta, Cancel, Session};

const QUERIES: [&str; 13] = [
    "大規模団地",
    "だんちさいせい",
    "区民意識調査",
    "ぼうさいくんれん",
    "danchi",
    "kosodate",
    "子育て 支援",
    "地域の方々と連携",
    "区",
    "の",
    "を",
    "た",
    "に",
];

fn pct(v: &mut [f64], p: f64) -> f64 {
    v.sort_by(f64::total_cmp);
    v[((v.len() - 1) as f64 * p).round() as usize]
}

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(db) = args.next() else {
        eprintln!("usage: keys_replay DB [ROUNDS]");
        return;
    };
    let rounds: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(3);
    let opts = OpenOptions {
        read_only: true,
        defer_check: true,
    };
    let store = match Store::open(std::path::Path::new(&db), opts) {
        Ok(s) => s,
        Err(e) => return eprintln!("{db}: {e}"),
    };
    let index = match persist_delta::open_or_build(store.path(), store.conn(), &|_, _| {}, true) {
        Ok(l) => l.index,
        Err(e) => return eprintln!("{db}: {e}"),
    };
    let sums = std::env::var_os("KEYS_SUMS").is_some();
    let (mut first, mut full, mut slow) = (Vec::new(), Vec::new(), Vec::new());
    let mut sum = 0u64;
    for _ in 0..rounds {
        for q in QUERIES {
            let mut session = Session::new();
            // Ctrl-U: the blank query.
            if let Ok(blank) = parse("") {
                session.find(&index, &blank, 200, Cancel::never());
            }
            let chars: Vec<char> = q.chars().collect();
            for i in 1..=chars.len() {
                let typed: String = chars[..i].iter().collect();
                let Ok(query) = parse(&typed) else { continue };
                let t = Instant::now();
                let mut early = None;
                let found = session.find_staged(&index, &query, 200, Cancel::never(), &mut |_| {
                    early.get_or_insert(t.elapsed().as_secs_f64() * 1e3);
                });
                let all = t.elapsed().as_secs_f64() * 1e3;
                let one = early.unwrap_or(all);
                first.push(one);
                full.push(all);
                slow.push((one, all, typed.clone()));
                if std::env::var_os("KEYS_ALL").is_some() {
                    let total = found.as_ref().map_or(0, |f| f.total);
                    println!("key {one:7.1} {all:7.1} {total:8} {typed}");
                }
                if let (true, Some(f)) = (sums, found) {
                    for h in &f.hits {
                        sum = sum.wrapping_mul(31).wrapping_add(u64::from(h.doc));
                        sum = sum.wrapping_mul(31).wrapping_add(h.score as u64);
                    }
                    sum = sum.wrapping_mul(31).wrapping_add(f.total as u64);
                    println!("sum {typed} {sum:016x}");
                }
            }
        }
    }
    slow.sort_by(|a, b| b.0.total_cmp(&a.0));
    for (one, all, typed) in slow.iter().take(12) {
        println!("{one:7.1} {all:7.1}  {typed}");
    }
    let n = first.len();
    println!(
        "keys {n}: first p50 {:.1} p95 {:.1} max {:.1} | full p50 {:.1} p95 {:.1} max {:.1} ms",
        pct(&mut first, 0.5),
        pct(&mut first, 0.95),
        pct(&mut first, 1.0),
        pct(&mut full, 0.5),
        pct(&mut full, 0.95),
        pct(&mut full, 1.0)
    );
}
