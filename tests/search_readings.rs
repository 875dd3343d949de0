//! Search by reading (issue 13): kana and romaji find kanji words, on the
//! seed data and on generated text; surface matches rank first; a reading
//! that only matches across a word boundary never ranks above a real word;
//! highlights land on the kanji that matched (proptest).

mod support;

use std::sync::Arc;

use kusei::db::Store;
use kusei::search::fold::fold;
use kusei::search::index::Codec;
use kusei::search::rank::{highlight, highlight_detail};
use kusei::search::readings::{folded_long, index_words, segment, Hay};
use kusei::search::{self, load, parse, Cancel, Doc, DocKind, IndexBuilder, ResultRow};
use proptest::prelude::*;
use support::db::sample_store as seed_store;

fn run(store: &Store, q: &str, limit: usize) -> Vec<ResultRow> {
    let index = load::build(store).expect("index");
    let query = parse(q).expect("query");
    search::search(&index, store.conn(), &query, limit, Cancel::never())
        .expect("search")
        .expect("not cancelled")
        .0
}

/// The highlighted parts of the first result's text.
fn marked(text: &str, q: &str) -> Vec<String> {
    let query = parse(q).expect("query");
    highlight(text, &query)
        .into_iter()
        .map(|r| text[r].to_string())
        .collect()
}

fn item_of_first_meeting(store: &Store) -> i64 {
    store
        .conn()
        .query_row(
            "SELECT i.id FROM agenda_items i JOIN meetings m ON m.id = i.meeting_id
             WHERE m.fiscal_year = 2017 AND m.number = 1 ORDER BY i.number LIMIT 1",
            [],
            |r| r.get(0),
        )
        .expect("item")
}

#[test]
fn kana_and_romaji_find_kanji_words_in_seed_000() {
    let (_dir, store) = seed_store();
    for (q, word) in [
        ("だんち", "団地"),
        ("ダンチ", "団地"),
        ("danchi", "団地"),
        ("しゅうねん", "周年"),
        ("shuunen", "周年"),
        ("kosodate", "子育て"),
    ] {
        let rows = run(&store, q, 30);
        assert!(rows.len() >= 3, "{q}: {} rows", rows.len());
        for r in &rows {
            assert!(r.text.contains(word), "{q}: {}", r.text);
            assert!(
                marked(&r.text, q).iter().all(|m| m.contains(word)),
                "{q}: {:?} in {}",
                marked(&r.text, q),
                r.text
            );
        }
    }
}

#[test]
fn romaji_spelling_variants_agree() {
    let (_dir, store) = seed_store();
    let ids = |q: &str| -> Vec<i64> { run(&store, q, 50).iter().map(|r| r.id).collect() };
    let danchi = ids("danchi");
    assert!(!danchi.is_empty());
    assert_eq!(ids("danti"), danchi, "kunrei ti");
    assert_eq!(ids("dannchi"), danchi, "nn");
    assert_eq!(ids("dan'chi"), danchi, "n'");
    let shuunen = ids("shuunen");
    assert!(!shuunen.is_empty());
    for v in ["syuunen", "shu-nen", "shuunenn", "syuunenn", "shuunen"] {
        assert_eq!(ids(v), shuunen, "{v}");
    }
    // っ from a doubled consonant, long vowels however written: 学校.
    let gakkou = ids("gakkou");
    assert!(!gakkou.is_empty());
    for v in ["gakkoo", "gakko-", "がっこう", "ガッコー"] {
        assert_eq!(ids(v), gakkou, "{v}");
    }
    // shi/si, tsu/tu, fu/hu, ji/zi on words of the seed.
    for (a, b) in [
        ("shisetsu", "sisetu"),
        ("fuka", "huka"),
        ("jigyou", "zigyou"),
    ] {
        let x = ids(a);
        assert!(!x.is_empty(), "{a}");
        assert_eq!(ids(b), x, "{a} {b}");
    }
}

#[test]
fn mixed_kanji_and_romaji() {
    let (_dir, store) = seed_store();
    let rows = run(&store, "大規模danchi", 20);
    assert!(!rows.is_empty());
    assert!(rows[0].text.contains("大規模団地"), "{}", rows[0].text);
    let m = marked(&rows[0].text, "大規模danchi");
    assert!(m.iter().any(|m| m.contains("大規模団地")), "{m:?}");
}

#[test]
fn a_surface_match_ranks_before_a_reading_match() {
    let (_dir, mut store) = seed_store();
    let item = item_of_first_meeting(&store);
    store
        .add_opinion(item, "だんちの集会所について", None, None)
        .expect("add");
    let rows = run(&store, "だんち", 50);
    assert_eq!(rows[0].text, "だんちの集会所について");
    assert!(rows[1..].iter().all(|r| r.text.contains("団地")));
}

/// The one-character scan skips to a kana's code, its final byte and its
/// word final byte; the last is also an astral character's lead byte in
/// the text (𠮷 starts with 0xF0, ー's word final), which must not count.
#[test]
fn one_kana_is_found_in_word_finals_but_not_in_astral_characters() {
    let texts = ["𠮷野家", "𠮷野家の学校会議", "学校会議", "𠮷のラーメン"];
    let codec = Arc::new(Codec::from_sample(texts));
    let mut b = IndexBuilder::new(codec).with_readings(true);
    for (i, t) in texts.iter().enumerate() {
        let doc = Doc {
            id: i as i64 + 1,
            parent: 1,
            day: 1,
            fiscal_year: 2020,
            meeting_no: 1,
            speaker: 0,
            kind: DocKind::Opinion,
        };
        b.push(doc, t).expect("push");
    }
    let index = b.finish();
    let ids = |q: &str| {
        let query = parse(q).expect("query");
        let found = search::find(&index, &query, 10, Cancel::never()).expect("find");
        let mut v: Vec<i64> = found.hits.iter().map(|h| index.doc(h.doc).id).collect();
        v.sort();
        (found.total, v)
    };
    assert_eq!(ids("ー"), (3, vec![2, 3, 4]));
    assert_eq!(ids("𠮷"), (3, vec![1, 2, 4]));
    assert_eq!(ids("い"), (3, vec![1, 2, 3]), "のいえ, かいぎ");
}

#[test]
fn a_reading_across_a_word_boundary_ranks_below_a_real_word() {
    let (_dir, mut store) = seed_store();
    let item = item_of_first_meeting(&store);
    // 団地|区画: だんち|くかく holds ちく only across the two words.
    store
        .add_opinion(item, "団地区画の見直し", None, None)
        .expect("add");
    store
        .add_opinion(item, "地区の見直し", None, None)
        .expect("add");
    let rows = run(&store, "ちく", 200);
    let at = |t: &str| rows.iter().position(|r| r.text == t);
    let real = at("地区の見直し").expect("地区 found");
    if let Some(across) = at("団地区画の見直し") {
        assert!(real < across, "{real} {across}");
        assert!(!rows[across].exact);
    }
    assert!(rows[real].exact);
}

#[test]
fn a_reading_runs_on_into_the_kana_after_its_word() {
    let (_dir, mut store) = seed_store();
    let item = item_of_first_meeting(&store);
    store
        .add_opinion(item, "団地の集会所を使う", None, None)
        .expect("add");
    store
        .add_opinion(item, "団地を歩く", None, None)
        .expect("add");
    store
        .add_opinion(item, "子育てを支える", None, None)
        .expect("add");
    let rows = run(&store, "こそだてを", 50);
    assert!(rows.iter().any(|r| r.text == "子育てを支える"));
    for q in ["だんちの", "danchino", "ダンチノ"] {
        let rows = run(&store, q, 50);
        let texts: Vec<&str> = rows.iter().map(|r| r.text.as_str()).collect();
        assert!(texts.contains(&"団地の集会所を使う"), "{q}: {texts:?}");
        assert!(!texts.contains(&"団地を歩く"), "{q}: {texts:?}");
        for r in &rows {
            assert!(fold(&r.text).contains("団地の"), "{q}: {}", r.text);
        }
    }
    assert_eq!(
        marked("団地の集会所を使う", "だんちの"),
        vec!["団地の".to_string()]
    );
    // Only where the word ends: だんち ends 団地, so `んちの` does too, but
    // `だんの` is no word's end.
    assert!(run(&store, "だんの", 50)
        .iter()
        .all(|r| !r.text.starts_with("団地の集会所")));
}

#[test]
fn other_readings_and_one_kanji_words_are_found_by_the_query() {
    let (_dir, mut store) = seed_store();
    let item = item_of_first_meeting(&store);
    store
        .add_opinion(item, "生の声を聞く", None, None)
        .expect("add");
    store
        .add_opinion(item, "今日の課題を整理する", None, None)
        .expect("add");
    // 生 reads なま (its commonest reading, a one-kanji word: not kept in
    // the index); 今日 reads きょう (kept) and also こんにち.
    for (q, text, hit) in [
        ("なま", "生の声を聞く", "生"),
        ("nama", "生の声を聞く", "生"),
        ("きょう", "今日の課題を整理する", "今日"),
        ("こんにち", "今日の課題を整理する", "今日"),
    ] {
        let rows = run(&store, q, 200);
        assert!(rows.iter().any(|r| r.text == text), "{q}: {text} not found");
        assert_eq!(marked(text, q), vec![hit.to_string()], "{q}");
    }
    // A one-kanji word standing alone keeps no reading in the index: its
    // one kana (く for 区) does not find it.
    store
        .add_opinion(item, "区の方針", None, None)
        .expect("add");
    let rows = run(&store, "く", 2000);
    assert!(rows.iter().all(|r| r.text != "区の方針"));
}

// ---- properties ----

/// Words with kanji from the table, and kana, as text is written.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "団地",
            "周年",
            "子育て",
            "学校",
            "地区",
            "区画",
            "大規模",
            "東京",
            "会議",
            "区長",
            "設置",
            "規程",
            "評価",
            "中間",
            "振り返り",
        ])
        .prop_map(String::from),
        prop::sample::select(vec![
            "の", "を", "だ", "ん", "ち", "か", "い", "ー", "ア", "ｶﾞ", "𠮷"
        ])
        .prop_map(String::from),
    ]
}

fn gen_text() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 1..8).prop_map(|v| v.concat())
}

/// A query for `text`: part of its key with readings (kana), the same
/// in romaji-free katakana, or random pieces.
fn query_for(text: String) -> impl Strategy<Value = (String, String)> {
    let hay: Vec<char> = Hay::new(&fold(&text))
        .text
        .chars()
        .filter(|c| !c.is_control() && !c.is_whitespace())
        .collect();
    let n = hay.len();
    // A word's reading (or its end) and the kana after it in the text:
    // `だんちの` for 団地の.
    let key = fold(&text);
    let mut crossing: Vec<String> = Vec::new();
    index_words(&key, |w, _| {
        let after: String = key[w.bytes.end..].chars().take(2).collect();
        let r: Vec<char> = folded_long(w.reading).chars().collect();
        for from in [0, r.len() / 2] {
            crossing.push(r[from..].iter().collect::<String>() + &after);
        }
    });
    if crossing.is_empty() {
        crossing.push("だんちの".into());
    }
    prop_oneof![
        (0..=n, 1..=4usize)
            .prop_map(move |(a, len)| hay[a.min(n)..(a + len).min(n)].iter().collect::<String>()),
        gen_text(),
        prop::sample::select(crossing),
    ]
    .prop_map(move |q| (text.clone(), q))
}

/// The folded characters of each key character's word reading (a kanji
/// word's reading; other characters read as themselves).
fn readings_of(key: &str) -> Vec<String> {
    let mut out: Vec<String> = key.chars().map(|c| c.to_string()).collect();
    let mut words = Vec::new();
    segment(key, |w| words.push(w));
    for w in words {
        let first = key[..w.bytes.start].chars().count();
        let n = key[w.bytes.clone()].chars().count();
        for r in out.iter_mut().skip(first).take(n) {
            *r = folded_long(w.reading);
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// Every highlighted character's folded form or word reading holds a
    /// character of the query (in one of its forms); and the index finds
    /// the text exactly when something is highlighted.
    #[test]
    fn highlights_lie_on_characters_whose_reading_or_form_matches(
        (original, q) in gen_text().prop_flat_map(query_for)
    ) {
        let Ok(query) = parse(&q) else { return Ok(()); };
        prop_assume!(!query.terms.is_empty());
        let (folded, ranges, matched) = highlight_detail(&original, &query);
        let reads = readings_of(&folded.key);
        let key: Vec<char> = folded.key.chars().collect();
        let wanted: String = query.terms.iter().flat_map(|t| t.forms()).collect();
        for &k in &matched {
            let ok = wanted.contains(key[k]) || reads[k].chars().any(|c| wanted.contains(c));
            prop_assert!(ok, "{original} / {q}: {} ({})", key[k], reads[k]);
        }
        for r in &ranges {
            prop_assert!(original.is_char_boundary(r.start) && original.is_char_boundary(r.end));
        }
        let codec = Arc::new(Codec::from_sample([original.as_str()]));
        let mut b = IndexBuilder::new(codec);
        let doc = Doc { id: 1, parent: 1, day: 1, fiscal_year: 2020, meeting_no: 1, speaker: 0, kind: DocKind::Opinion };
        b.push(doc, &original).expect("push");
        let index = b.finish();
        let found = search::find(&index, &query, 5, Cancel::never()).expect("find");
        prop_assert_eq!(found.total == 1, !matched.is_empty(), "{} / {}", original, q);
    }
}
