//! The staged answer (issue 12, point 5): a query that scans a large index
//! afresh first answers from the newest entries, ranked as the full answer
//! ranks them, so the first rows show within a frame; the full answer
//! follows. These tests hold the first answer to the full one.

use std::sync::Arc;

use kusei::search::index::Codec;
use kusei::search::scan::Within;
use kusei::search::synth::{opinion_text, Rng};
use kusei::search::{self, parse, Cancel, Doc, DocKind, Found, Index, IndexBuilder, Session};

/// `n` generated opinions, newest first (entry `i` is the `i`-th newest).
fn index(n: usize, readings: bool) -> Index {
    let mut rng = Rng::new(7);
    let texts: Vec<String> = (0..n).map(|_| opinion_text(&mut rng)).collect();
    let codec = Arc::new(Codec::from_sample(
        texts.iter().take(2000).map(String::as_str),
    ));
    let mut b = IndexBuilder::new(codec).with_readings(readings);
    for (i, t) in texts.iter().enumerate() {
        let doc = Doc {
            id: i as i64 + 1,
            parent: (n - i) as i64,
            day: 800_000 - i as i32,
            fiscal_year: 2020,
            meeting_no: 1,
            speaker: 0,
            kind: if i % 7 == 0 {
                DocKind::Decision
            } else {
                DocKind::Opinion
            },
        };
        b.push(doc, t).expect("push");
    }
    b.finish()
}

/// The first answer and the full one.
fn staged(index: &Index, q: &str) -> (Option<Found>, Found) {
    let query = parse(q).expect("query");
    let mut first = None;
    let full = Session::new()
        .find_staged(index, &query, 100, Cancel::never(), &mut |f| {
            first = Some(f)
        })
        .expect("not cancelled");
    (first, full)
}

#[test]
fn the_first_answer_comes_from_the_newest_entries_in_the_full_order() {
    let index = index(search::STAGE_MIN + 4000, false);
    for q in ["区", "の", "団地", "地域 連携", "ぼうさい"] {
        let (first, full) = staged(&index, q);
        let first = first.unwrap_or_else(|| panic!("{q}: no first answer"));
        assert!(!first.hits.is_empty(), "{q}");
        assert!(first.total <= full.total, "{q}");
        assert!(
            first
                .hits
                .iter()
                .all(|h| (h.doc as usize) < search::STAGE_ENTRIES),
            "{q}"
        );
        // The full answer's rows from the newest entries that the first
        // answer holds come in the same order in both.
        let pos = |d: u32| first.hits.iter().position(|h| h.doc == d);
        let shared: Vec<usize> = full.hits.iter().filter_map(|h| pos(h.doc)).collect();
        assert!(shared.windows(2).all(|w| w[0] < w[1]), "{q}: {shared:?}");
        // Each row of the first answer is found by the full scan too
        // (the same match, the same score).
        for h in &first.hits {
            if let Some(f) = full.hits.iter().find(|f| f.doc == h.doc) {
                assert_eq!(f, h, "{q}");
            }
        }
        // And the newest rows of the full answer are most of the first's:
        // the first answer is the full answer of the newest entries (up to
        // the STAGE_HITS-th match).
        let newest = search::find(
            &restricted(&index, q),
            &parse(q).expect("query"),
            search::STAGE_ROWS,
            Cancel::never(),
        )
        .expect("find");
        assert_eq!(newest.hits, first.hits, "{q}");
        assert_eq!(newest.total, first.total, "{q}");
    }
}

/// The newest [`search::STAGE_ENTRIES`] entries of the test index alone,
/// or fewer: up to the one holding `q`'s [`search::STAGE_HITS`]-th match.
fn restricted(full: &Index, q: &str) -> Index {
    let query = parse(q).expect("query");
    let scanned =
        search::scan::scan(full, &query, 1, Within::All, Cancel::never()).expect("not cancelled");
    let mut docs: Vec<u32> = scanned.matches.iter().flatten().map(|m| m.doc).collect();
    docs.sort_unstable();
    let upto = docs
        .get(search::STAGE_HITS - 1)
        .map_or(search::STAGE_ENTRIES, |&d| d as usize + 1);
    index(upto.min(search::STAGE_ENTRIES), false)
}

#[test]
fn small_indexes_and_narrowed_queries_answer_once() {
    let index = index(3000, true);
    let (first, full) = staged(&index, "区");
    assert!(first.is_none());
    assert!(full.total > 0);
}

/// A key that narrows a query with many matches answers first from the
/// newest [`search::STAGE_MATCHES`] of the last matches: the full answer of
/// the newest entries up to the last of those, and the full answer is the
/// one a fresh search gives.
#[test]
fn a_narrowing_key_first_answers_from_the_newest_last_matches() {
    let index = index(search::STAGE_MIN + 4000, false);
    for (old, new) in [("の", "のた"), ("区", "区民"), ("区", "区 の")] {
        let mut session = Session::new();
        let old_q = parse(old).expect("query");
        let last = session
            .find(&index, &old_q, 100, Cancel::never())
            .expect("not cancelled");
        assert!(
            last.total >= search::STAGE_NARROW_MIN,
            "{old}: {}",
            last.total
        );
        // The entry of the last query's STAGE_MATCHES-th newest match.
        let scanned = search::scan::scan(&index, &old_q, 1, Within::All, Cancel::never())
            .expect("not cancelled");
        let mut docs: Vec<u32> = scanned.matches.iter().flatten().map(|m| m.doc).collect();
        docs.sort_unstable();
        let upto = docs[search::STAGE_MATCHES - 1] as usize + 1;
        let new_q = parse(new).expect("query");
        let mut first = None;
        let full = session
            .find_staged(&index, &new_q, 100, Cancel::never(), &mut |f| {
                first = Some(f)
            })
            .expect("not cancelled");
        let first = first.unwrap_or_else(|| panic!("{new}: no first answer"));
        let within = search::find(
            &self::index(upto, false),
            &new_q,
            search::STAGE_ROWS,
            Cancel::never(),
        )
        .expect("find");
        assert_eq!(first.hits, within.hits, "{new}");
        assert_eq!(first.total, within.total, "{new}");
        let fresh = search::find(&index, &new_q, 100, Cancel::never()).expect("find");
        assert_eq!(full.hits, fresh.hits, "{new}");
        assert_eq!(full.total, fresh.total, "{new}");
    }
}

/// A cleared line (the blank query) answers without a scan: the same rows
/// and count as a scan of every entry ranked, whichever kinds fill the
/// top; and the next query after it answers as a fresh search.
#[test]
fn the_blank_query_answers_as_a_scan_of_every_entry() {
    use kusei::search::{rank, scan};
    let kinds = [
        DocKind::ItemTitle,
        DocKind::NodeBody,
        DocKind::ItemSummary,
        DocKind::Opinion,
        DocKind::Place,
    ];
    for (n, opinion_every) in [(6000, 3), (6000, 97), (40, 7)] {
        let mut rng = Rng::new(3);
        let texts: Vec<String> = (0..n).map(|_| opinion_text(&mut rng)).collect();
        let codec = Arc::new(Codec::from_sample(texts.iter().map(String::as_str)));
        let mut b = IndexBuilder::new(codec).with_readings(true);
        for (i, t) in texts.iter().enumerate() {
            let doc = Doc {
                id: i as i64 + 1,
                parent: 1,
                day: 800_000 - i as i32,
                fiscal_year: 2020,
                meeting_no: 1,
                speaker: 0,
                kind: if i % opinion_every == 0 {
                    DocKind::Opinion
                } else {
                    kinds[i % kinds.len()]
                },
            };
            b.push(doc, t).expect("push");
        }
        let index = b.finish();
        let blank = parse("").expect("query");
        for limit in [1, 30, 200] {
            // As `Session` keeps candidates for `limit` results.
            let keep = (limit * 2).max(limit + 50);
            let all = scan::scan(&index, &blank, keep, Within::All, Cancel::never())
                .expect("not cancelled");
            let want = rank::rank(&index, &blank, &all, limit);
            let mut session = Session::new();
            let got = session
                .find(&index, &blank, limit, Cancel::never())
                .expect("not cancelled");
            assert_eq!(got.hits, want, "{n} {opinion_every} {limit}");
            assert_eq!(got.total, all.total, "{n} {opinion_every} {limit}");
            for q in ["区", "の", "fy:2020 地域"] {
                let query = parse(q).expect("query");
                let next = session
                    .find(&index, &query, limit, Cancel::never())
                    .expect("not cancelled");
                let fresh = search::find(&index, &query, limit, Cancel::never()).expect("find");
                assert_eq!(next.hits, fresh.hits, "{q}");
                assert_eq!(next.total, fresh.total, "{q}");
            }
        }
    }
}
