//! The answer on screen kept current from the change log
//! ([`kusei::search::live`]) is exactly a fresh full answer: after each
//! random tail of inserts, edits and deletes from several connections on
//! one file, the rows (with highlights), their order and the total are
//! those of a new search over the index, whether the index is built or the
//! mapped file with a layer of changes.

mod support;

use kusei::db::Store;
use kusei::search::live::{self, Live, Update};
use kusei::search::{self, changes, load, parse, persist_delta, resolve, Cancel, Index};
use proptest::prelude::*;

use support::db::{open, sample_db};
use support::edits::{op, run, Op, WORDS};

const QUERIES: &[&str] = &[
    "団地",
    "区",
    "子育て",
    "かふぇ",
    "の",
    "団地 区",
    "\"見守り\"",
    "@区長 区",
    "kind:決定",
    "kind:意見",
    "fy:2017 区",
    "だんち",
    "kosodate",
    "超過の",
];

/// The rows a fresh search shows (highlights included) and its total.
fn fresh(ix: &Index, store: &Store, q: &str, limit: usize) -> (Vec<String>, usize) {
    let query = parse(q).expect("query");
    let (rows, total) = search::search(ix, store.conn(), &query, limit, Cancel::never())
        .expect("search")
        .expect("not cancelled");
    (rows.iter().map(|r| format!("{r:?}")).collect(), total)
}

fn shown(ix: &Index, store: &Store, found: &search::Found) -> Vec<String> {
    resolve::resolve(store.conn(), ix, &found.hits)
        .expect("rows")
        .iter()
        .map(|r| format!("{r:?}"))
        .collect()
}

/// Many opinions matching the common words, so a small reserve runs out.
fn crowd(store: &mut Store, n: usize) {
    for i in 0..n {
        let text = format!(
            "{}の{}",
            WORDS[i % WORDS.len()],
            WORDS[(i * 7 + 3) % WORDS.len()]
        );
        run(
            store,
            &Op::AddOpinion {
                item: i * 13,
                text,
                speaker: Some(i % 3),
            },
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn kept_answer_equals_a_fresh_one(
        tails in prop::collection::vec(prop::collection::vec((0..3usize, op()), 1..5), 1..10),
        q in prop::sample::select(QUERIES),
        limit in 1..12usize,
        factor in 1..3usize,
        mapped in any::<bool>(),
        more in 0..120usize,
    ) {
        let dir = tempfile::TempDir::new().expect("tempdir");
        let db = sample_db(dir.path(), "kusei.db");
        let mut stores: Vec<Store> = (0..3).map(|_| open(&db)).collect();
        crowd(&mut stores[0], more);
        let reader = open(&db);
        let mut seq = changes::latest(reader.conn()).expect("the change log");
        let mut ix = load::build(&reader).expect("index");
        if mapped {
            prop_assert!(persist_delta::publish(&db, reader.conn(), &ix, seq).expect("write"));
            let (m, s, _) = persist_delta::open_current(&db, reader.conn()).expect("the file");
            prop_assert!(m.is_mapped());
            ix = m;
            seq = s;
        }
        let query = parse(q).expect("query");
        let (mut live, found) =
            Live::with_reserve(&ix, &query, limit, factor, Cancel::never()).expect("answer");
        let mut rows_shown = resolve::resolve(reader.conn(), &ix, &found.hits).expect("rows");
        let mut on_screen = (shown(&ix, &reader, &found), found.total);
        prop_assert_eq!(&on_screen, &fresh(&ix, &reader, q, limit), "first answer");
        for (n, tail_ops) in tails.iter().enumerate() {
            for (who, op) in tail_ops {
                run(&mut stores[*who], op);
            }
            let tail = changes::tail(reader.conn(), seq).expect("the tail");
            let before = live.before(&ix, &tail);
            changes::apply(&mut ix, reader.conn(), &tail).expect("apply");
            seq = tail.seq;
            let update = before.and_then(|b| live.after(&ix, b, &tail));
            let want = fresh(&ix, &reader, q, limit);
            match update {
                Some(Update::Same) => {}
                Some(Update::Changed { found, reread }) => {
                    // The rows shown before, reused where unchanged.
                    let rows = live::rows(reader.conn(), &ix, &found.hits, &rows_shown, reread)
                        .expect("rows");
                    on_screen = (rows.iter().map(|r| format!("{r:?}")).collect(), found.total);
                    rows_shown = rows;
                }
                None => {
                    let (l, found) = Live::with_reserve(&ix, &query, limit, factor, Cancel::never())
                        .expect("answer");
                    live = l;
                    rows_shown = resolve::resolve(reader.conn(), &ix, &found.hits).expect("rows");
                    on_screen = (shown(&ix, &reader, &found), found.total);
                }
            }
            prop_assert_eq!(&on_screen, &want, "after {:?}", &tails[..=n]);
        }
    }
}
