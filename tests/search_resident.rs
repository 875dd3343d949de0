//! A session gives the mapped index file's pages back while its search is
//! closed (`MADV_DONTNEED`) and maps them back when it opens
//! (`MADV_POPULATE_READ`): the pages come back with the same bytes, so
//! every answer after a release is the answer before it (and a fresh
//! build's). A blank query (opening the search) keeps no list of every
//! entry, and the queries after it answer as in a fresh session.
#![cfg(target_os = "linux")]

mod support;

use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

use kusei::search::service::{Event, Results, Service};
use kusei::search::{load, persist_delta, resident};

use support::db::{open, sample_db};
use support::search::session_answers;

const QUERIES: &[&str] = &[
    "団地",
    "子育て",
    "区",
    "@区長 区",
    "kind:決定",
    "fy:2017 区",
    "だんち",
    "danchi",
];

/// This process's resident kB of the mapping that holds `at` (from
/// /proc/self/smaps), or None when no mapping holds it.
fn resident_kb(at: *const u8) -> Option<u64> {
    let smaps = std::fs::read_to_string("/proc/self/smaps").expect("smaps");
    let at = at as usize;
    let mut inside = false;
    for line in smaps.lines() {
        let head = line.split_whitespace().next().unwrap_or("");
        if let Some((lo, hi)) = head.split_once('-') {
            if let (Ok(lo), Ok(hi)) = (usize::from_str_radix(lo, 16), usize::from_str_radix(hi, 16))
            {
                inside = (lo..hi).contains(&at);
                continue;
            }
        }
        if inside {
            if let Some(kb) = line.strip_prefix("Rss:") {
                return kb.trim().trim_end_matches(" kB").trim().parse().ok();
            }
        }
    }
    None
}

/// The resident kB of every mapping of a file named `*.search-index`
/// under `dir`.
fn index_file_kb(dir: &Path) -> u64 {
    let smaps = std::fs::read_to_string("/proc/self/smaps").expect("smaps");
    let dir = dir.to_string_lossy();
    let mut ours = false;
    let mut kb = 0;
    for line in smaps.lines() {
        let first = line.split_whitespace().next().unwrap_or("");
        if first.contains('-') && first.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
            ours = line.contains(dir.as_ref()) && line.ends_with(".search-index");
        } else if ours {
            if let Some(v) = line.strip_prefix("Rss:") {
                kb += v
                    .trim()
                    .trim_end_matches(" kB")
                    .trim()
                    .parse::<u64>()
                    .unwrap_or(0);
            }
        }
    }
    kb
}

#[test]
fn released_pages_come_back_with_the_same_answers() {
    let dir = tempfile::TempDir::new().expect("tempdir");
    let db = sample_db(dir.path(), "kusei.db");
    let store = open(&db);
    persist_delta::open_or_build(&db, store.conn(), &|_, _| {}, true).expect("the index file");
    let (ix, _, _) = persist_delta::open_current(&db, store.conn()).expect("mapped");
    let map = ix.mapping().expect("a mapped index has its mapping");
    let built = load::build(&store).expect("build");
    let want = support::search::answers_to(QUERIES, &built, &store);

    assert_eq!(support::search::answers_to(QUERIES, &ix, &store), want);
    assert!(
        resident_kb(map.as_ptr()).expect("mapped") > 0,
        "the scans read it"
    );

    resident::release(&map);
    assert_eq!(resident_kb(map.as_ptr()), Some(0), "every page given back");
    assert_eq!(
        support::search::answers_to(QUERIES, &ix, &store),
        want,
        "after a release"
    );

    resident::release(&map);
    resident::populate(&map, &AtomicBool::new(false));
    let pages = (map.len() as u64).div_ceil(4096) * 4;
    assert_eq!(
        resident_kb(map.as_ptr()),
        Some(pages),
        "every page mapped back"
    );
    assert_eq!(
        support::search::answers_to(QUERIES, &ix, &store),
        want,
        "after populating"
    );

    // What the service maps back: the ranges the scans read (all of the
    // file but its header, small sections and the rows' order), apart.
    resident::release(&map);
    let ranges = ix.scan_ranges(&map);
    assert_eq!(ranges.len(), 4, "text, offsets, records, ranks");
    let mut sorted = ranges.clone();
    sorted.sort_by_key(|r| r.start);
    assert!(sorted.windows(2).all(|w| w[0].end <= w[1].start));
    assert!(sorted.iter().all(|r| r.start < r.end && r.end <= map.len()));
    // The pages those ranges touch (the mapping starts on a page).
    let touched: std::collections::BTreeSet<usize> = ranges
        .iter()
        .flat_map(|r| r.start / 4096..=(r.end - 1) / 4096)
        .collect();
    for r in ranges {
        resident::populate_range(&map, r, &AtomicBool::new(false));
    }
    // At least those (the kernel maps cached neighbours of a faulted page
    // too: "fault-around").
    let some = resident_kb(map.as_ptr()).expect("mapped");
    assert!(
        some >= touched.len() as u64 * 4 && some <= pages,
        "{some} of {pages} kB"
    );
    assert_eq!(
        support::search::answers_to(QUERIES, &ix, &store),
        want,
        "after the ranges"
    );

    // A stop asked for before the first step maps nothing back.
    resident::release(&map);
    resident::populate(&map, &AtomicBool::new(true));
    assert_eq!(resident_kb(map.as_ptr()), Some(0));
}

#[test]
fn queries_after_a_blank_one_answer_as_in_a_fresh_session() {
    let dir = tempfile::TempDir::new().expect("tempdir");
    let db = sample_db(dir.path(), "kusei.db");
    let store = open(&db);
    persist_delta::open_or_build(&db, store.conn(), &|_, _| {}, true).expect("the index file");
    let (mapped, _, _) = persist_delta::open_current(&db, store.conn()).expect("mapped");
    let built = load::build(&store).expect("build");
    // Typed as the overlay sends them: blank on opening, then a key at a
    // time; a blank query with a filter (few entries: kept and narrowed).
    let typed = [
        "",
        "団",
        "団地",
        "",
        "kind:決定",
        "kind:決定 区",
        "",
        "だ",
        "だん",
        "だんち",
    ];
    for ix in [&mapped, &built] {
        let fresh: Vec<String> = typed
            .iter()
            .flat_map(|q| session_answers(&[q], ix, &store))
            .collect();
        assert_eq!(session_answers(&typed, ix, &store), fresh);
    }
}

const LIMIT: Duration = Duration::from_secs(60);

/// The full answer to query `seq` (a staged first answer may come first).
fn full_answer(rx: &Receiver<Event>, seq: u64) -> Results {
    let mut last = None;
    loop {
        match rx.recv_timeout(if last.is_some() {
            Duration::from_secs(2)
        } else {
            LIMIT
        }) {
            Ok(Event::Results(r)) if r.seq == seq => last = Some(r),
            Ok(Event::Failed(e)) => panic!("{e}"),
            Ok(_) => {}
            Err(_) => return last.expect("an answer from the service"),
        }
    }
}

fn rows(r: &Results) -> (usize, Vec<String>) {
    let ids = r
        .rows
        .iter()
        .map(|x| format!("{:?}{}", x.kind, x.id))
        .collect();
    (r.total, ids)
}

/// Wait (at most `LIMIT`) until the index file's resident size satisfies
/// `ok`; its last size.
fn wait_resident(dir: &Path, ok: impl Fn(u64) -> bool) -> u64 {
    let start = Instant::now();
    loop {
        let kb = index_file_kb(dir);
        if ok(kb) || start.elapsed() > LIMIT {
            return kb;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn the_service_gives_pages_back_on_closing_and_answers_alike_after() {
    let dir = tempfile::TempDir::new().expect("tempdir");
    let db = sample_db(dir.path(), "kusei.db");
    let store = open(&db);
    persist_delta::open_or_build(&db, store.conn(), &|_, _| {}, true).expect("the index file");
    let (tx, rx) = channel();
    let svc = Service::start(&db, move |ev| {
        let _ = tx.send(ev);
    });
    svc.query(1, "", 20);
    full_answer(&rx, 1);
    svc.query(2, "団地", 20);
    let first = rows(&full_answer(&rx, 2));
    assert!(first.0 > 0);
    // Opened: mapped back after the opening answer.
    assert!(wait_resident(dir.path(), |kb| kb > 0) > 0);
    svc.forget_query();
    assert_eq!(wait_resident(dir.path(), |kb| kb == 0), 0, "closed");
    for (seq, q) in [(3, ""), (4, "団地")] {
        svc.query(seq, q, 20);
    }
    assert_eq!(
        rows(&full_answer(&rx, 4)),
        first,
        "after the pages came back"
    );
}
