//! Properties of folding and highlighting: highlights always fall on
//! character boundaries of the original text and cover exactly the matched
//! characters; the folded key, its map and the index's code agree.

use kusei::search::fold::{fold, fold_mapped};
use kusei::search::index::Codec;
use kusei::search::rank::highlight_detail;
use kusei::search::{parse, Query, Term};
use proptest::prelude::*;

/// Characters that exercise every folding path: ASCII of both cases,
/// full-width letters and digits, hiragana, katakana, half-width katakana
/// and voicing marks, combining marks, kanji, compatibility characters,
/// spaces and controls, characters outside the BMP.
fn any_char() -> impl Strategy<Value = char> {
    prop_oneof![
        prop::sample::select(vec![
            'a', 'Z', '0', '9', ' ', '"', '#', '@', ':', '\n', '\t'
        ]),
        prop::sample::select(vec!['Ａ', 'ｚ', '１', '　', '！']),
        (0x3041u32..=0x3096).prop_map(|c| char::from_u32(c).unwrap_or('あ')),
        (0x30A1u32..=0x30FC).prop_map(|c| char::from_u32(c).unwrap_or('ア')),
        (0xFF66u32..=0xFF9F).prop_map(|c| char::from_u32(c).unwrap_or('ｱ')),
        prop::sample::select(vec!['\u{3099}', '\u{309A}', '\u{0301}', '\u{0308}']),
        prop::sample::select(vec!['団', '地', '区', '長', '会', '議', '々', '〇']),
        prop::sample::select(vec!['㍿', '①', 'ﬁ', 'Å', 'é', 'İ', '𠮷', '🎌']),
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(any_char(), 0..40).prop_map(|v| v.into_iter().collect())
}

/// A query that matches `original`: some of its folded characters in order,
/// or a run of them (an exact word), or random characters.
fn query_for(original: String) -> impl Strategy<Value = (String, String)> {
    let key: Vec<char> = fold(&original)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let n = key.len();
    prop_oneof![
        prop::collection::vec(any::<bool>(), n).prop_map({
            let key = key.clone();
            move |pick| {
                key.iter()
                    .zip(pick)
                    .filter(|(_, p)| *p)
                    .map(|(c, _)| *c)
                    .collect()
            }
        }),
        (0..=n, 0..=n).prop_map({
            let key = key.clone();
            move |(a, b)| key[a.min(b)..a.max(b)].iter().collect()
        }),
        text(),
    ]
    .prop_map(move |q: String| (original.clone(), q))
}

fn is_boundary(s: &str, i: usize) -> bool {
    s.is_char_boundary(i)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn highlights_fall_on_boundaries_and_cover_exactly_the_matched_characters(
        (original, q) in text().prop_flat_map(query_for)
    ) {
        let query = Query {
            terms: q
                .split_whitespace()
                .map(|w| Term::word(&fold(w)))
                .collect(),
            ..Default::default()
        };
        let (folded, ranges, matched) = highlight_detail(&original, &query);
        let mut prev_end = None;
        for r in &ranges {
            prop_assert!(r.start < r.end);
            prop_assert!(is_boundary(&original, r.start) && is_boundary(&original, r.end));
            prop_assert!(r.end <= original.len());
            if let Some(e) = prev_end {
                prop_assert!(r.start > e, "sorted, disjoint, merged: {ranges:?}");
            }
            prev_end = Some(r.end);
        }
        // Exactly the matched characters: every highlighted original
        // character belongs to a matched key character's group, and every
        // matched key character's group is highlighted.
        for &k in &matched {
            let span = &folded.spans[k];
            prop_assert!(ranges.iter().any(|r| r.start <= span.start && span.end <= r.end));
        }
        for (i, c) in original.char_indices() {
            let lit = ranges.iter().any(|r| r.contains(&i));
            let wanted = matched.iter().any(|&k| folded.spans[k].contains(&i));
            prop_assert_eq!(lit, wanted, "{:?} at {} in {:?}", c, i, original);
        }
        // An exact word highlights characters that spell it.
        for t in &query.terms {
            if let Some(p) = folded.key.find(&t.text) {
                let first = folded.char_index(p);
                let n = t.text.chars().count();
                prop_assert!((first..first + n).all(|k| matched.contains(&k)));
            }
        }
    }

    #[test]
    fn the_map_covers_the_text_in_order(original in text()) {
        let f = fold_mapped(&original);
        prop_assert_eq!(&f.key, &fold(&original));
        prop_assert_eq!(f.spans.len(), f.key.chars().count());
        let mut at = 0;
        for s in &f.spans {
            prop_assert!(is_boundary(&original, s.start) && is_boundary(&original, s.end));
            prop_assert!(s.start >= at || s.start == at.saturating_sub(s.end - s.start));
            at = at.max(s.end);
        }
    }

    #[test]
    fn folding_is_stable(original in text()) {
        let once = fold(&original);
        prop_assert_eq!(fold(&once), once);
    }

}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn the_index_code_round_trips(a in text(), b in text()) {
        let codec = Codec::from_sample([a.as_str()]);
        for s in [fold(&a), fold(&b)] {
            let bytes = codec.encode(&s);
            prop_assert!(!bytes.contains(&0), "0 separates entries");
            prop_assert_eq!(codec.decode(&bytes), s);
        }
    }

    #[test]
    fn queries_parse_without_panicking(q in text()) {
        let _ = parse(&q);
    }
}

/// Found by the proptest above (CI, 2026-12-02): the romaji `i` also reads
/// as い, and an earlier い had been lit instead of the i that was typed.
#[test]
fn the_word_as_typed_is_lit_before_its_reading() {
    let query = Query {
        terms: vec![Term::word(&fold("i"))],
        ..Default::default()
    };
    let (folded, _ranges, matched) = highlight_detail("ピいﬁ", &query);
    let i = folded.char_index(folded.key.find('i').expect("the i of ﬁ"));
    assert_eq!(matched, vec![i]);
}
