//! UTF-16 with a byte order mark (Notepad's 「Unicode」 save) and
//! ISO-2022-JP (mail) read as the same data as UTF-8; the files are written
//! by the tests from the UTF-8 seeds.

mod common;

use common::*;
use kusei::import::parse_bytes;

fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    let mut out = if big_endian {
        vec![0xFE, 0xFF]
    } else {
        vec![0xFF, 0xFE]
    };
    for unit in text.encode_utf16() {
        let bytes = if big_endian {
            unit.to_be_bytes()
        } else {
            unit.to_le_bytes()
        };
        out.extend_from_slice(&bytes);
    }
    out
}

fn iso_2022_jp(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::ISO_2022_JP.encode(text);
    assert!(!unmappable, "the seed has characters outside JIS X 0208");
    bytes.into_owned()
}

#[test]
fn every_seed_reads_the_same_in_utf16_and_iso_2022_jp() {
    for seed in [SEED_000, SEED_001] {
        let text = std::fs::read_to_string(data_path(seed)).expect("seed");
        let want = parse_bytes("seed.txt", text.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
        let mut forms = vec![
            ("UTF-16LE", utf16(&text, false)),
            ("UTF-16BE", utf16(&text, true)),
        ];
        // ISO-2022-JP has no characters outside JIS X 0208 (no ①, no ~ as
        // a wave dash), as in real mail; seeds that need them are skipped.
        let (_, _, unmappable) = encoding_rs::ISO_2022_JP.encode(&text);
        if !unmappable {
            forms.push(("ISO-2022-JP", iso_2022_jp(&text)));
        }
        for (name, bytes) in forms {
            let got =
                parse_bytes("seed.txt", &bytes).unwrap_or_else(|e| panic!("{seed} as {name}: {e}"));
            assert_eq!(got.encoding, name, "{seed}");
            assert_eq!(got.dataset, want.dataset, "{seed} as {name}");
        }
    }
}

#[test]
fn a_policy_page_in_iso_2022_jp() {
    let text =
        std::fs::read_to_string(root().join("tests/fixtures/policy/02_title_after_bracket.txt"))
            .expect("fixture");
    let want = parse_bytes("p.txt", text.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
    let got = parse_bytes("p.txt", &iso_2022_jp(&text)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(got.encoding, "ISO-2022-JP");
    assert_eq!(got.dataset, want.dataset);
}

#[test]
fn a_cut_off_utf16_file_is_refused() {
    let text = std::fs::read_to_string(data_path(SEED_001)).expect("seed");
    let mut bytes = utf16(&text, false);
    bytes.pop();
    let e = parse_bytes("cut.txt", &bytes).expect_err("an odd number of bytes");
    assert!(e.message.contains("途中で切れています"), "{e}");
}
