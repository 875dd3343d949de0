//! The importers and the 和暦 parser, fuzzed: mutated seed pages, random
//! bytes and random date strings never panic — every input is either read
//! or refused with a message. The corpus is the seeds themselves.
//! (Bounded case counts keep `cargo test` fast; raise PROPTEST_CASES to
//! fuzz longer.)

mod support;

use proptest::prelude::*;

const SEED_000: &str = include_str!("../data/000_yokohama_asahi_keiei_kaigi_h29.txt");
const SEED_001: &str = include_str!("../data/001_osaka_asahi_unei_hoshin_h29.txt");
const SEED_002: &str = include_str!("../data/002_asahikawa_wg_proposal.json");

#[derive(Debug, Clone)]
enum Mutation {
    DeleteLine(usize),
    DuplicateLine(usize),
    SwapLines(usize, usize),
    ReplaceChar(usize, char),
    InsertText(usize, String),
    Truncate(usize),
}

fn odd_char() -> impl Strategy<Value = char> {
    prop_oneof![
        Just('\u{1b}'),
        Just('\u{0}'),
        Just('\u{202e}'),
        Just('（'),
        Just('）'),
        Just('第'),
        Just('回'),
        Just('年'),
        Just('・'),
        Just('-'),
        Just('【'),
        Just('】'),
        Just('\n'),
        proptest::char::range('０', '９'),
        proptest::char::range('ぁ', 'ゖ'),
        any::<char>(),
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::DeleteLine),
        any::<usize>().prop_map(Mutation::DuplicateLine),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        (any::<usize>(), odd_char()).prop_map(|(i, c)| Mutation::ReplaceChar(i, c)),
        (
            any::<usize>(),
            "[第回年月日時分午前後から（）()・\\-0-9１２ 　\n]{0,12}"
        )
            .prop_map(|(i, s)| Mutation::InsertText(i, s)),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn apply(text: &str, muts: &[Mutation]) -> Vec<u8> {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let mut truncate = None;
    for m in muts {
        let n = lines.len().max(1);
        match m {
            Mutation::DeleteLine(i) if !lines.is_empty() => {
                lines.remove(i % n);
            }
            Mutation::DuplicateLine(i) if !lines.is_empty() => {
                let l = lines[i % n].clone();
                lines.insert(i % n, l);
            }
            Mutation::SwapLines(a, b) if !lines.is_empty() => lines.swap(a % n, b % n),
            Mutation::ReplaceChar(i, c) if !lines.is_empty() => {
                let line = &mut lines[i % n];
                let chars: Vec<char> = line.chars().collect();
                if !chars.is_empty() {
                    let k = i % chars.len();
                    *line = chars[..k]
                        .iter()
                        .chain(std::iter::once(c))
                        .chain(&chars[k + 1..])
                        .collect();
                }
            }
            Mutation::InsertText(i, s) => lines.insert(i % (lines.len() + 1), s.clone()),
            Mutation::Truncate(i) => truncate = Some(*i),
            _ => {}
        }
    }
    let mut bytes = lines.join("\n").into_bytes();
    if let Some(i) = truncate {
        let len = bytes.len().max(1);
        bytes.truncate(i % len);
    }
    bytes
}

fn never_panics(bytes: &[u8]) {
    match kusei::import::parse_bytes("fuzz.txt", bytes) {
        Ok(parsed) => {
            // What parses must also go into a database.
            let (_dir, mut store) = support::db::fresh_store();
            let _ = store.import(&parsed.dataset);
        }
        Err(e) => assert!(e.to_string().starts_with("fuzz.txt")),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn mutated_minutes_pages(muts in proptest::collection::vec(mutation(), 1..6)) {
        never_panics(&apply(SEED_000, &muts));
    }

    #[test]
    fn mutated_policy_pages(muts in proptest::collection::vec(mutation(), 1..6)) {
        never_panics(&apply(SEED_001, &muts));
    }

    #[test]
    fn mutated_json(muts in proptest::collection::vec(mutation(), 1..4)) {
        never_panics(&apply(SEED_002, &muts));
    }

    #[test]
    fn random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        never_panics(&bytes);
    }

    #[test]
    fn shift_jis_of_mutated_pages(muts in proptest::collection::vec(mutation(), 1..4)) {
        let text = String::from_utf8_lossy(&apply(SEED_000, &muts)).into_owned();
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(&text);
        never_panics(&sjis);
    }

    #[test]
    fn wareki_parsers_on_odd_dates(s in "[明大昭平令]?[治正和成]?[0-9０-９元]{0,3}[年.\\-/]?[0-9]{0,2}[月.\\-/]?[0-9]{0,2}日?(\\([日月火水木金土]\\))?[午前後]{0,2}[0-9]{0,2}時?[0-9]{0,2}分?(から|~|〜)?[0-9]{0,2}時?") {
        let _ = kusei::wareki::parse_date(&s);
        let _ = kusei::wareki::parse_datetime(&s);
        let _ = kusei::wareki::parse_time_range(&s);
    }
}
