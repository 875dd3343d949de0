//! A big import's file is decoded in place (`decode_owned`: no copy of the
//! bytes) and its control bytes are counted on two threads: the answers
//! must be exactly those of `decode` on the same bytes.

use encoding_rs::{EUC_JP, SHIFT_JIS};
use kusei::import::decode::{decode, decode_owned, DecodeError, Decoded};
use proptest::prelude::*;

const SAMPLE: &str = "第1回\n1 日時\n平成29年4月20日(木曜日)午後1時00分から2時30分\n";

/// Above the size from which control bytes are counted on two threads.
const BIG: usize = 2 << 20;

type Answer = Result<Decoded, DecodeError>;

fn both(bytes: &[u8]) -> (Answer, Answer) {
    (
        decode(bytes),
        decode_owned(bytes.to_vec()).map_err(|(e, _)| e),
    )
}

#[test]
fn decoding_owned_bytes_gives_decodes_answers() {
    let cases: Vec<Vec<u8>> = vec![
        SAMPLE.as_bytes().to_vec(),
        [b"\xEF\xBB\xBF", SAMPLE.as_bytes()].concat(),
        SHIFT_JIS.encode(SAMPLE).0.into_owned(),
        EUC_JP.encode(SAMPLE).0.into_owned(),
        b"\x1b$B$3$s\x1b(B\n".to_vec(),
        b"a\r\nb\rc".to_vec(),
        b"  \n".to_vec(),
        "\u{3000}\u{FEFF}\n".as_bytes().to_vec(),
        b"abc\0".to_vec(),
        b"\xff\xfea\x00".to_vec(),
        "あ".as_bytes()[..2].to_vec(),
        vec![],
    ];
    for c in cases {
        let (general, owned) = both(&c);
        assert_eq!(general, owned, "{c:?}");
    }
    let (_, back) = decode_owned(b"abc\0".to_vec()).unwrap_err();
    assert_eq!(back, b"abc\0");
}

#[test]
fn big_files_have_their_control_bytes_counted_on_two_threads() {
    let line = "opinion text.\n";
    let text = line.repeat(BIG / line.len());
    let (general, owned) = both(text.as_bytes());
    assert_eq!(general, owned);
    assert_eq!(owned.map(|d| d.text.len()), Ok(text.len()));
    // Control bytes only in the back half (the second thread's), first
    // 9 % of the file (tolerated), then 11 % (binary, at the first one).
    let mut bytes = text.into_bytes();
    let n = bytes.len();
    let first = n / 2 + 7;
    for k in 0..n * 9 / 100 {
        bytes[first + k] = 0x01;
    }
    let (general, owned) = both(&bytes);
    assert!(general.is_ok());
    assert_eq!(general, owned);
    for k in 0..n * 11 / 100 {
        bytes[first + k] = 0x01;
    }
    let line_no = 1 + bytes[..first].iter().filter(|&&b| b == b'\n').count();
    let (general, owned) = both(&bytes);
    let binary = DecodeError::Binary {
        line: line_no,
        offset: first,
    };
    assert_eq!(general, Err(binary.clone()));
    assert_eq!(owned, Err(binary));
}

proptest! {
    #[test]
    fn owned_and_borrowed_decoding_agree(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let (general, owned) = both(&bytes);
        prop_assert_eq!(general, owned);
    }

    #[test]
    fn owned_and_borrowed_decoding_agree_on_text(s in "[a-zあ-ん漢\r\n \t\u{1}]{0,80}") {
        let (general, owned) = both(s.as_bytes());
        prop_assert_eq!(general, owned);
    }
}
