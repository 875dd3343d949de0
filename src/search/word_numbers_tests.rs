use proptest::prelude::*;

use super::*;

proptest! {
    #[test]
    fn numbers_read_back_as_written(ns in proptest::collection::vec(
        prop_oneof![0u32..400, 0u32..20_000, 0u32..2_000_000], 0..40)) {
        let mut b = Vec::new();
        for &n in &ns {
            push_number(n, &mut b);
        }
        prop_assert!(!b.contains(&0) && !b.contains(&READING_MARK) && !b.contains(&RUN_MARK));
        let (mut i, mut back) = (0, Vec::new());
        while let Some(item) = next_item(&b, &mut i) {
            back.push(item);
        }
        prop_assert_eq!(i, b.len());
        prop_assert_eq!(back, ns.iter().map(|&n| Item::Word(n)).collect::<Vec<_>>());
    }
}

#[test]
fn number_sizes() {
    let len = |n| {
        let mut b = Vec::new();
        push_number(n, &mut b);
        b.len()
    };
    assert_eq!(len(0), 1);
    assert_eq!(len(191), 1);
    assert_eq!(len(192), 2);
    assert_eq!(len(TWO - 1), 2);
    assert_eq!(len(TWO), 4);
}

#[test]
fn bytes_no_writer_makes_end_the_numbers() {
    for bad in [
        &[0u8][..],
        &[0xFF],
        &[0xC1],
        &[0xC1, 0],
        &[WIDE, 1, 1],
        &[WIDE, 0xFE, 1, 1],
    ] {
        let mut i = 0;
        assert_eq!(next_item(bad, &mut i), None, "{bad:?}");
        assert_eq!(i, 0);
    }
}

mod many {
    use std::sync::Arc;

    use crate::search::fold::fold;
    use crate::search::index::{Codec, Doc, Index, IndexBuilder};
    use crate::search::matcher::WordMatcher;
    use crate::search::readings::{self, is_kanji};
    use crate::search::scan::{scan, Cancel, Within};

    /// Texts of kanji words of the reading table, eight to a text, some
    /// following each other and some apart (runs).
    fn texts() -> Vec<String> {
        let table = include_str!("../../data/readings/ipadic-readings.tsv");
        let surfaces: Vec<&str> = table
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| l.split('\t').next())
            .filter(|s| s.chars().count() >= 2 && s.chars().all(is_kanji))
            .step_by(2)
            .take(24_000)
            .collect();
        surfaces
            .chunks(8)
            .map(|c| {
                let mut t = String::new();
                for (i, s) in c.iter().enumerate() {
                    t.push_str(s);
                    t.push_str(["", "の", "、", "", "を"][i % 5]);
                }
                t
            })
            .collect()
    }

    fn build(texts: &[String], codec: &Arc<Codec>) -> Index {
        let mut b = IndexBuilder::new(codec.clone()).with_readings(true);
        for (i, t) in texts.iter().enumerate() {
            let mut d = Doc::default_for_test();
            d.id = i as i64 + 1;
            b.push(d, t).expect("push");
        }
        b.finish()
    }

    /// Thousands of distinct readings: two-byte numbers, every entry's
    /// readings written out as the matcher's layout, and scans that agree
    /// with matching every entry's layout one by one.
    #[test]
    fn thousands_of_distinct_readings_read_and_match_as_laid_out() {
        let texts = texts();
        let codec = Arc::new(Codec::from_sample(texts.iter().map(String::as_str)));
        let ix = build(&texts, &codec);
        assert!(ix.words().len() > 15_000, "{}", ix.words().len());
        for (i, t) in texts.iter().enumerate() {
            let want = readings::Hay::new(&fold(t)).text;
            assert_eq!(ix.key(i as u32), want, "{t}");
        }
        // Readings of words common and rare (by number), whole, in part,
        // and running on into the kana after them.
        let mut queries: Vec<String> = Vec::new();
        for n in (0..ix.words().len() as u32).step_by(997) {
            let r = codec.decode(ix.words().bytes(n));
            let chars: Vec<char> = r.chars().collect();
            queries.push(r.clone());
            queries.push(chars[..chars.len().min(2)].iter().collect());
            queries.push(format!("{r}の"));
        }
        queries.extend(["ん", "ー", "い", "かい", "しょう", "の"].map(String::from));
        for q in &queries {
            let query = crate::search::parse(q).expect("query");
            let got = scan(&ix, &query, 50, Within::All, Cancel::never()).expect("scan");
            let mut found: Vec<u32> = got.matches.iter().flatten().map(|m| m.doc).collect();
            found.sort_unstable();
            let m = WordMatcher::new(&query.terms[0], ix.codec());
            let want: Vec<u32> = (0..ix.len() as u32)
                .filter(|&d| m.find(&ix.layout(d)).is_some())
                .collect();
            assert_eq!(found, want, "{q}");
            // Where the word matched, as on the layout (one character: its
            // first occurrence).
            for x in got.matches.iter().flatten() {
                let w = m.find(&ix.layout(x.doc)).expect("matched");
                if q.chars().count() > 1 {
                    assert_eq!(x.spot, w.spot, "{q} in {}", x.doc);
                }
            }
        }
    }

    /// A patch adds readings new to the table at its end: the numbers
    /// given out before stay, and the patched index reads as a rebuild.
    #[test]
    fn a_patch_appends_new_readings_and_reads_as_a_rebuild() {
        let texts = texts();
        let texts = &texts[..600];
        let codec = Arc::new(Codec::from_sample(texts.iter().map(String::as_str)));
        let mut ix = build(&texts[..300], &codec);
        let before = ix.words().clone();
        let add = {
            let mut b = IndexBuilder::new(codec.clone()).with_readings(true);
            for (i, t) in texts.iter().enumerate().skip(300) {
                let mut d = Doc::default_for_test();
                d.id = i as i64 + 1;
                b.push(d, t).expect("push");
            }
            b.finish()
        };
        ix.patch(|_| false, add).expect("patch");
        assert!(ix.words().len() > before.len());
        for n in 0..before.len() as u32 {
            assert_eq!(ix.words().bytes(n), before.bytes(n));
        }
        let all = build(texts, &codec);
        for i in 0..all.len() as u32 {
            assert_eq!(ix.key(i), all.key(i));
        }
    }

    /// For the entries whose forms lie whole within their words
    /// ([`Reach::Words`]), where [`WordFilter::hits`] places each form is
    /// where the matcher finds it in the readings written out in full.
    #[test]
    fn hits_are_where_the_matcher_finds_each_form_in_the_written_out_readings() {
        use crate::search::matcher::TermMatcher;
        use crate::search::word_numbers::{expand, kana_bit, Hits, Reach, WordFilter};
        let texts = texts();
        let codec = Arc::new(Codec::from_sample(texts.iter().map(String::as_str)));
        let ix = build(&texts, &codec);
        let words = ix.words();
        // Whole readings, their heads and their ends (an end may stand as
        // a final or word final byte), common and rare.
        let mut all: Vec<String> = Vec::new();
        for n in (0..words.len() as u32).step_by(1499) {
            let chars: Vec<char> = codec.decode(words.bytes(n)).chars().collect();
            all.push(chars.iter().collect());
            all.push(chars[..chars.len().min(2)].iter().collect());
            all.push(chars[chars.len().saturating_sub(2)..].iter().collect());
        }
        all.extend(["ん", "い", "かい", "しょう", "き", "ー"].map(String::from));
        let (mut checked, mut held) = (0, 0);
        for chunk in all.chunks(5) {
            let forms: Vec<(&str, Vec<u8>)> = chunk
                .iter()
                .map(|f| (f.as_str(), codec.encode(f)))
                .collect();
            let first = chunk
                .iter()
                .fold(0, |m, f| m | f.chars().next().map_or(0, kana_bit));
            let filter = WordFilter::new(words, [first, 0, 0], &forms);
            let matchers: Vec<TermMatcher> = chunk
                .iter()
                .map(|f| TermMatcher::new(f, false, &codec))
                .collect();
            let mut full = Vec::new();
            for d in 0..ix.len() as u32 {
                let raw = ix.key_bytes(d);
                let (look, reach) = filter.reach(raw, false);
                let Reach::Words(n) = reach else { continue };
                let mut hits: Hits = Default::default();
                assert!(filter.hits(words, raw, look.text_end, n, &mut hits));
                expand(words, raw, &mut full);
                for (j, m) in matchers.iter().enumerate() {
                    let want = m
                        .find_reading(&full, look.text_end)
                        .map(|w| (w.spot.first, w.spot.end - w.spot.first));
                    assert_eq!(hits[j], want, "{} in {}", chunk[j], ix.key(d));
                    checked += 1;
                    held += usize::from(want.is_some());
                }
            }
        }
        assert!(held > 1000 && checked > held, "{held} of {checked}");
    }
}
