//! Typing a query a key at a time (issue 12, point 5): each key's answer
//! in one [`Session`] — which narrows from the last key's matches when the
//! new query implies the last one, readings and romaji included — is the
//! answer of a fresh search for the same text: the same rows in the same
//! order with the same scores, and the same count. Backspace, spaces,
//! quotes and filters are typed too.

use std::sync::Arc;

use kusei::search::index::Codec;
use kusei::search::synth::{opinion_text, Rng};
use kusei::search::{self, parse, Cancel, Doc, DocKind, Index, IndexBuilder, Session};
use proptest::prelude::*;

/// `n` generated opinions with their readings, newest first.
fn index(n: usize) -> Index {
    let mut rng = Rng::new(11);
    let texts: Vec<String> = (0..n).map(|_| opinion_text(&mut rng)).collect();
    let codec = Arc::new(Codec::from_sample(texts.iter().map(String::as_str)));
    let mut b = IndexBuilder::new(codec).with_readings(true);
    for (i, t) in texts.iter().enumerate() {
        let doc = Doc {
            id: i as i64 + 1,
            parent: (n - i) as i64,
            day: 800_000 - i as i32,
            fiscal_year: 2019 - (i * 3 / n) as i16,
            meeting_no: 1 + (i % 4) as u16,
            speaker: 0,
            kind: if i % 5 == 0 {
                DocKind::Decision
            } else {
                DocKind::Opinion
            },
        };
        b.push(doc, t).expect("push");
    }
    b.finish()
}

/// What a key does to the query line.
#[derive(Debug, Clone)]
enum Key {
    Type(String),
    Backspace,
}

/// Pieces people type: kanji, kana, romaji (a letter at a time), spaces,
/// quotes and filters.
fn key() -> impl Strategy<Value = Key> {
    let pieces = [
        "区",
        "団",
        "地",
        "子",
        "育",
        "て",
        "防",
        "災",
        "方",
        "針",
        "の",
        "を",
        "だ",
        "ん",
        "ち",
        "さ",
        "い",
        "せ",
        "こ",
        "そ",
        "ぼ",
        "う",
        "く",
        "れ",
        "か",
        "ふ",
        "ぇ",
        "d",
        "a",
        "n",
        "c",
        "h",
        "i",
        "k",
        "o",
        "s",
        "t",
        "e",
        "b",
        "u",
        "r",
        " ",
        "\"",
        "fy:2018 ",
        "kind:決定 ",
        "#2 ",
    ];
    prop_oneof![
        4 => proptest::sample::select(pieces.to_vec()).prop_map(|s| Key::Type(s.to_string())),
        1 => Just(Key::Backspace),
    ]
}

/// Words typed in full a key at a time, in kana, romaji and kanji.
fn word() -> impl Strategy<Value = Vec<Key>> {
    proptest::sample::select(vec![
        "danchisaisei",
        "kosodate",
        "だんちさいせい",
        "ぼうさいくんれん",
        "団地の",
        "子育て 支援",
        "boosai",
        "kuno",
        "ちいき",
    ])
    .prop_map(|w| w.chars().map(|c| Key::Type(c.to_string())).collect())
}

fn apply(line: &mut String, k: &Key) {
    match k {
        Key::Type(s) => line.push_str(s),
        Key::Backspace => {
            line.pop();
        }
    }
}

fn check(ix: &Index, keys: &[Key]) -> Result<(), TestCaseError> {
    let mut session = Session::new();
    let mut line = String::new();
    for k in keys {
        apply(&mut line, k);
        let Ok(q) = parse(&line) else { continue };
        let typed = session
            .find(ix, &q, 50, Cancel::never())
            .expect("not cancelled");
        let fresh = search::find(ix, &q, 50, Cancel::never()).expect("not cancelled");
        prop_assert_eq!(typed.total, fresh.total, "{:?} after {:?}", line, keys);
        prop_assert_eq!(typed.hits, fresh.hits, "{:?} after {:?}", line, keys);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn each_key_answers_as_a_fresh_search(keys in proptest::collection::vec(key(), 1..14)) {
        thread_local!(static IX: Index = index(1500));
        IX.with(|ix| check(ix, &keys))?;
    }

    #[test]
    fn words_typed_in_full_answer_as_fresh_searches(
        words in proptest::collection::vec(word(), 1..3),
        back in 0usize..4,
    ) {
        let mut keys: Vec<Key> = words.into_iter().flatten().collect();
        keys.extend(std::iter::repeat_n(Key::Backspace, back));
        thread_local!(static IX: Index = index(1500));
        IX.with(|ix| check(ix, &keys))?;
    }
}

#[test]
fn romaji_whose_kana_changes_as_it_grows_is_scanned_afresh() {
    // `dan` reads だん; `dana` reads だな: not a narrowing of だん.
    let old = parse("dan").expect("dan");
    let new = parse("dana").expect("dana");
    if let (Some(o), Some(n)) = (&old.terms[0].reading, &new.terms[0].reading) {
        assert_eq!(search::implies(&new, &old), n.starts_with(o.as_str()));
    }
    // A kana word grown by a kana implies the shorter one.
    let old = parse("だんち").expect("kana");
    let new = parse("だんちさ").expect("kana");
    assert!(search::implies(&new, &old) || !new.terms[0].alts.is_empty());
}
