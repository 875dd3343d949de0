//! Exact index bytes with readings off and on for generated databases
//! (issue 13), and what the readings hold: words, distinct word readings,
//! the marks left and the kana before them.
//!
//! `cargo run --release --example index_bytes -- DB...`
use std::collections::HashMap;

use kusei::search::index::{READING_MARK_CHAR, WORD_MARK_CHAR};
use kusei::search::{load, readings};

fn main() {
    for path in std::env::args().skip(1) {
        let path = std::path::Path::new(&path);
        let mut bytes = [0usize; 2];
        for (slot, on) in [false, true].into_iter().enumerate() {
            readings::set_enabled(on);
            let t = std::time::Instant::now();
            let ix = match load::build_from_path(path, &|_, _| {}) {
                Ok(ix) => ix,
                Err(e) => {
                    eprintln!("{}: {e}", path.display());
                    return;
                }
            };
            bytes[slot] = ix.memory_bytes();
            println!(
                "{} readings {}: {} entries, memory {} B, arena {} B, built in {} ms",
                path.display(),
                if on { "on" } else { "off" },
                ix.len(),
                ix.memory_bytes(),
                ix.text_bytes(),
                t.elapsed().as_millis()
            );
            if on && std::env::var_os("WORDS_STATS").is_some() {
                stats(&ix);
            }
        }
        println!(
            "{}: on / off = {} / {} = {:.4}",
            path.display(),
            bytes[1],
            bytes[0],
            bytes[1] as f64 / bytes[0] as f64
        );
    }
}

/// Words, distinct word readings, and the kana before the marks left.
fn stats(ix: &kusei::search::Index) {
    let mut words: HashMap<String, usize> = HashMap::new();
    let (mut rmarks, mut wmarks) = (HashMap::<char, usize>::new(), HashMap::<char, usize>::new());
    let mut n_words = 0usize;
    // The readings' bytes now, and their runs (word counts) for the
    // estimate of word numbers below.
    let (mut reading_bytes, mut runs) = (0usize, Vec::<Vec<String>>::new());
    for i in 0..ix.len() as u32 {
        let kb = ix.key_bytes(i);
        reading_bytes += kb.len() - kb.iter().position(|b| *b == 0xFF).unwrap_or(kb.len());
        let k = ix.key(i);
        let Some(p) = k.find(READING_MARK_CHAR) else {
            continue;
        };
        let cs: Vec<char> = k[p..].chars().collect();
        let mut cur = String::new();
        let mut run: Vec<String> = Vec::new();
        for j in 1..cs.len() {
            let c = cs[j];
            if c == READING_MARK_CHAR || c == WORD_MARK_CHAR {
                let m = if c == READING_MARK_CHAR {
                    &mut rmarks
                } else {
                    &mut wmarks
                };
                *m.entry(cs[j - 1]).or_default() += 1;
                run.push(cur.clone());
                *words.entry(std::mem::take(&mut cur)).or_default() += 1;
                n_words += 1;
                if c == READING_MARK_CHAR {
                    runs.push(std::mem::take(&mut run));
                }
            } else {
                cur.push(c);
            }
        }
        run.push(cur.clone());
        runs.push(std::mem::take(&mut run));
        *words.entry(cur).or_default() += 1;
        n_words += 1;
    }
    // Word numbers by falling frequency: one byte for the first 192, two
    // for the rest; a mark between runs and one before the readings.
    let mut ranked: Vec<(&String, &usize)> = words.iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let rank: HashMap<&String, usize> = ranked
        .iter()
        .enumerate()
        .map(|(i, (w, _))| (*w, i))
        .collect();
    let mut est = 0usize;
    for run in runs.iter().filter(|r| !r.is_empty()) {
        est += 1; // the first mark or the mark between runs
        for w in run {
            est += if rank[w] < 192 { 1 } else { 2 };
        }
    }
    let table: usize = words.keys().map(|w| w.len() + 4).sum();
    println!(
        "  readings now {reading_bytes} B; as word numbers ~{est} B + table ~{table} B (saves {})",
        reading_bytes as i64 - (est + table) as i64
    );
    let mut by_count: Vec<usize> = words.values().copied().collect();
    by_count.sort_unstable_by(|a, b| b.cmp(a));
    let top = |k: usize| by_count.iter().take(k).sum::<usize>();
    println!(
        "  words {n_words}, distinct readings {}, top 128 cover {}, top 240 cover {}",
        words.len(),
        top(128),
        top(240)
    );
    for (name, m) in [("run marks", rmarks), ("word marks", wmarks)] {
        let mut v: Vec<(char, usize)> = m.into_iter().collect();
        v.sort_by_key(|x| std::cmp::Reverse(x.1));
        let total: usize = v.iter().map(|x| x.1).sum();
        println!(
            "  {name} after kana (decoded, finals included) {total}: {:?}",
            &v[..v.len().min(24)]
        );
    }
}
