//! Bytes of an imported file to text: strips a UTF-8 BOM, detects UTF-8 /
//! Shift_JIS (CP932) / EUC-JP, rejects binary and truncated files, and
//! normalises line endings to LF.

use encoding_rs::{DecoderResult, Encoding, EUC_JP, ISO_2022_JP, SHIFT_JIS};

/// Text decoded from a file, with the encoding that was detected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    /// "UTF-8", "Shift_JIS" or "EUC-JP".
    pub encoding: &'static str,
    pub had_bom: bool,
}

/// Why a file could not be read as text. `offset` is the 0-based byte offset
/// in the file (BOM included), `line` is 1-based (counting `\n`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("ファイルが空です")]
    Empty,
    #[error("{line}行目: バイナリデータです（{offset}バイト目に NUL などの制御文字）。テキストか HTML のページを指定してください")]
    Binary { line: usize, offset: usize },
    #[error("ファイルが途中で切れています（最後の文字が不完全です）")]
    Truncated,
    #[error("{line}行目: 文字コードを判別できません（UTF-8、Shift_JIS/CP932、EUC-JP のいずれでもありません。{offset}バイト目: 0x{byte:02X}）")]
    Unknown {
        line: usize,
        offset: usize,
        byte: u8,
    },
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Decodes the raw bytes of a text or HTML file.
pub fn decode(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    if let Some(found) = decode_utf16(bytes) {
        return found;
    }
    let had_bom = bytes.starts_with(BOM);
    let skip = if had_bom { BOM.len() } else { 0 };
    let body = &bytes[skip..];
    if body.iter().all(|b| b" \t\n\r\x0c".contains(b)) {
        return Err(DecodeError::Empty);
    }
    if let Some(at) = binary_offset(body) {
        let (offset, line) = (skip + at, line_of(bytes, skip + at));
        return Err(DecodeError::Binary { line, offset });
    }
    let (text, encoding) = match detect(body) {
        Ok(found) => found,
        Err(Failure::Truncated) => return Err(DecodeError::Truncated),
        Err(Failure::Invalid(at)) => {
            let (offset, line) = (skip + at, line_of(bytes, skip + at));
            let byte = bytes.get(offset).copied().unwrap_or(0);
            return Err(DecodeError::Unknown { line, offset, byte });
        }
    };
    if text.chars().all(|c| c.is_whitespace() || c == '\u{FEFF}') {
        return Err(DecodeError::Empty);
    }
    let text = normalize_newlines(text);
    Ok(Decoded {
        text,
        encoding,
        had_bom,
    })
}

/// [`decode`] of bytes the caller gives up: UTF-8 without a byte order
/// mark (every JSON export) becomes the text in place, without a copy of
/// the file. The same answers as [`decode`]; an error gives the bytes back
/// (for its line).
pub fn decode_owned(bytes: Vec<u8>) -> Result<Decoded, (DecodeError, Vec<u8>)> {
    let general = |bytes: Vec<u8>| match decode(&bytes) {
        Ok(d) => Ok(d),
        Err(e) => Err((e, bytes)),
    };
    if Encoding::for_bom(&bytes).is_some() || is_iso_2022_jp(&bytes) {
        return general(bytes);
    }
    // `decode`'s checks in `decode`'s order, up to its UTF-8 answer.
    if bytes.iter().all(|b| b" \t\n\r\x0c".contains(b)) {
        return Err((DecodeError::Empty, bytes));
    }
    if let Some(offset) = binary_offset(&bytes) {
        let line = line_of(&bytes, offset);
        return Err((DecodeError::Binary { line, offset }, bytes));
    }
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => return general(e.into_bytes()),
    };
    if text.chars().all(|c| c.is_whitespace() || c == '\u{FEFF}') {
        return Err((DecodeError::Empty, text.into_bytes()));
    }
    Ok(Decoded {
        text: normalize_newlines(text),
        encoding: "UTF-8",
        had_bom: false,
    })
}

/// Files from this size on have their control bytes counted on two
/// threads (the count reads every byte).
const PARALLEL_FROM: usize = 1 << 20;

enum Failure {
    Truncated,
    /// Offset (in the BOM-less body) of the first byte that is not valid UTF-8.
    Invalid(usize),
}

enum Strict {
    Clean(String),
    /// Valid except an incomplete final sequence; holds the decoded prefix.
    Truncated(String),
    Malformed,
}

impl Strict {
    /// Plausibility, with ties going to clean decodings (then to Shift_JIS,
    /// as the sort is stable).
    fn score(&self) -> f64 {
        match self {
            Strict::Clean(text) => plausibility(text) + 1e-9,
            Strict::Truncated(text) => plausibility(text),
            Strict::Malformed => f64::NEG_INFINITY,
        }
    }
}

/// UTF-16 with a byte order mark (Notepad's 「Unicode」 save), decoded by
/// encoding_rs; None for any other file.
fn decode_utf16(bytes: &[u8]) -> Option<Result<Decoded, DecodeError>> {
    let (enc, bom_len) = Encoding::for_bom(bytes)?;
    if enc == encoding_rs::UTF_8 {
        return None;
    }
    let text = match strict(enc, &bytes[bom_len..]) {
        Strict::Clean(text) => text,
        Strict::Truncated(_) => return Some(Err(DecodeError::Truncated)),
        Strict::Malformed => {
            return Some(Err(DecodeError::Unknown {
                line: 1,
                offset: bom_len,
                byte: bytes.get(bom_len).copied().unwrap_or(0),
            }))
        }
    };
    if text.chars().all(char::is_whitespace) {
        return Some(Err(DecodeError::Empty));
    }
    if let Some(at) = text.find('\0') {
        let line = 1 + text[..at].matches('\n').count();
        return Some(Err(DecodeError::Binary { line, offset: at }));
    }
    Some(Ok(Decoded {
        text: normalize_newlines(text),
        encoding: enc.name(),
        had_bom: true,
    }))
}

/// ISO-2022-JP (mail): 7-bit text with the escape sequences that switch to
/// and from JIS X 0208.
fn is_iso_2022_jp(body: &[u8]) -> bool {
    const ESCAPES: &[&[u8]] = &[b"\x1b$B", b"\x1b$@", b"\x1b(J", b"\x1b(I"];
    body.is_ascii() && ESCAPES.iter().any(|e| find(body, e).is_some())
}

fn detect(body: &[u8]) -> Result<(String, &'static str), Failure> {
    if is_iso_2022_jp(body) {
        match strict(ISO_2022_JP, body) {
            Strict::Clean(text) => return Ok((text, ISO_2022_JP.name())),
            Strict::Truncated(_) => return Err(Failure::Truncated),
            Strict::Malformed => {}
        }
    }
    let utf8_err = match std::str::from_utf8(body) {
        Ok(s) => return Ok((s.to_owned(), "UTF-8")),
        Err(e) => e,
    };
    let utf8_truncated = utf8_err.error_len().is_none();
    // Valid multi-byte UTF-8 up to an incomplete last character: a cut-off
    // UTF-8 file (legacy Japanese text practically never validates as UTF-8).
    if utf8_truncated && !body[..utf8_err.valid_up_to()].is_ascii() {
        return Err(Failure::Truncated);
    }
    if let Some(enc) = declared_encoding(body) {
        match strict(enc, body) {
            Strict::Clean(text) => return Ok((text, enc.name())),
            Strict::Truncated(_) => return Err(Failure::Truncated),
            Strict::Malformed => {}
        }
    }
    // Mozilla's Shift_JIS / EUC-JP detector (the one Firefox uses for local
    // files) decides at the first kana or common kanji: decoded as the other
    // encoding, those give an error or half-width katakana. When it decides
    // and its choice decodes cleanly, that is the answer.
    if let Some(enc) = shift_or_euc::Detector::new(false).feed(body, true) {
        if let Strict::Clean(text) = strict(enc, body) {
            return Ok((text, enc.name()));
        }
    }
    // Undecided (no kana or common kanji), or its choice does not decode
    // (a cut file, a stray byte): both legacy encodings, best-looking first;
    // a truncated candidate only wins when its decodable part looks more
    // Japanese than a clean one.
    let mut candidates = [
        (SHIFT_JIS, strict(SHIFT_JIS, body)),
        (EUC_JP, strict(EUC_JP, body)),
    ];
    candidates.sort_by(|a, b| b.1.score().total_cmp(&a.1.score()));
    match candidates {
        [(enc, Strict::Clean(text)), _] => Ok((text, enc.name())),
        [(_, Strict::Truncated(_)), _] => Err(Failure::Truncated),
        _ if utf8_truncated => Err(Failure::Truncated),
        _ => Err(Failure::Invalid(utf8_err.valid_up_to())),
    }
}

/// Decodes strictly: any malformed sequence rejects the encoding; an
/// incomplete sequence at the very end is reported as truncation.
fn strict(enc: &'static Encoding, bytes: &[u8]) -> Strict {
    let mut decoder = enc.new_decoder_without_bom_handling();
    let Some(cap) = decoder.max_utf8_buffer_length_without_replacement(bytes.len()) else {
        return Strict::Malformed;
    };
    let mut out = String::with_capacity(cap);
    let (res, read) = decoder.decode_to_string_without_replacement(bytes, &mut out, false);
    if !matches!(res, DecoderResult::InputEmpty) || read != bytes.len() {
        return Strict::Malformed;
    }
    let (res, _) = decoder.decode_to_string_without_replacement(b"", &mut out, true);
    match res {
        DecoderResult::InputEmpty => Strict::Clean(out),
        _ => Strict::Truncated(out),
    }
}

/// Offset of a NUL byte, or of the first control byte when control bytes
/// (other than tab, LF, CR, FF) make up 10% or more of the file.
fn binary_offset(body: &[u8]) -> Option<usize> {
    if let Some(at) = memchr::memchr(0, body) {
        return Some(at);
    }
    // A plain comparison, not a slice search per byte: this runs over every
    // byte of a file (tens of megabytes for a big JSON import).
    let controls = if body.len() < PARALLEL_FROM {
        count_controls(body)
    } else {
        let (front, back) = body.split_at(body.len() / 2);
        std::thread::scope(|s| {
            let counting = s.spawn(|| count_controls(back));
            let front = count_controls(front);
            // The count cannot panic; a lost thread counts again here.
            front + counting.join().unwrap_or_else(|_| count_controls(back))
        })
    };
    if controls > 0 && controls * 10 >= body.len() {
        body.iter().position(|&b| is_control(b))
    } else {
        None
    }
}

/// A control byte that text files do not hold (tab, LF, CR, FF do).
fn is_control(b: u8) -> bool {
    (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c)) || b == 0x7F
}

fn count_controls(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| is_control(b)).count()
}

/// 1-based line number of a byte offset.
fn line_of(bytes: &[u8], offset: usize) -> usize {
    bytes[..offset.min(bytes.len())]
        .split(|&b| b == b'\n')
        .count()
}

/// The legacy Japanese encoding named by `<meta charset=...>`,
/// `<meta content="text/html; charset=...">` or `<?xml encoding="..."?>`
/// in the first 2048 bytes.
fn declared_encoding(body: &[u8]) -> Option<&'static Encoding> {
    let head = body[..body.len().min(2048)].to_ascii_lowercase();
    for (open, key) in [(&b"<meta"[..], &b"charset"[..]), (b"<?xml", b"encoding")] {
        let mut from = 0;
        while let Some(found) = find(&head[from..], open) {
            let start = from + found;
            from = find(&head[start..], b">").map_or(head.len(), |e| start + e);
            let tag = &head[start..from];
            let value = find(tag, key).and_then(|k| attr_value(&tag[k + key.len()..]));
            if let Some(enc) = value.and_then(japanese_label) {
                return Some(enc);
            }
        }
    }
    None
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// `  = "value"` -> `value` (quotes optional).
fn attr_value(rest: &[u8]) -> Option<&[u8]> {
    let rest = rest
        .trim_ascii_start()
        .strip_prefix(b"=")?
        .trim_ascii_start();
    let rest = rest
        .strip_prefix(b"\"")
        .or(rest.strip_prefix(b"'"))
        .unwrap_or(rest);
    let is_name = |b: &u8| b.is_ascii_alphanumeric() || b"-_.:".contains(b);
    Some(&rest[..rest.iter().position(|b| !is_name(b)).unwrap_or(rest.len())])
}

fn japanese_label(name: &[u8]) -> Option<&'static Encoding> {
    match name {
        b"cp932" | b"ms932" | b"x-sjis" | b"sjis" => Some(SHIFT_JIS),
        b"eucjp" | b"euc_jp" | b"x-euc-jp" => Some(EUC_JP),
        _ => Encoding::for_label(name).filter(|&e| e == SHIFT_JIS || e == EUC_JP),
    }
}

/// How much a decoded text looks like Japanese prose: the mean per-character
/// score, rewarding kana, common kanji, ASCII and Japanese punctuation, and
/// penalising half-width katakana runs, controls and private-use characters.
fn plausibility(text: &str) -> f64 {
    let (mut sum, mut count, mut prev_halfwidth) = (0i64, 0i64, false);
    for c in text.chars() {
        let halfwidth = ('\u{FF61}'..='\u{FF9F}').contains(&c);
        sum += match c as u32 {
            _ if halfwidth => -1 - 2 * i64::from(prev_halfwidth),
            0x09 | 0x0A | 0x0D | 0x20..=0x7E => 1,
            0x3041..=0x30FF => 2,
            0x3000..=0x303F | 0x4E00..=0x9FFF | 0xFF00..=0xFFEF => 1,
            0x00..=0x1F | 0x7F..=0x9F | 0xE000..=0xF8FF | 0xFFF0..=0xFFFF => -3,
            _ => 0,
        };
        prev_halfwidth = halfwidth;
        count += 1;
    }
    sum as f64 / count.max(1) as f64
}

/// CRLF and lone CR to LF.
fn normalize_newlines(text: String) -> String {
    match text.contains('\r') {
        true => text.replace("\r\n", "\n").replace('\r', "\n"),
        false => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use DecodeError::{Binary, Empty, Truncated, Unknown};

    const SAMPLE: &str = "第1回\n1 日時\n平成29年4月20日(木曜日)午後1時00分から2時30分\n2 場所\n旭区外部特別会議室1\n";

    fn encode(enc: &'static Encoding, s: &str) -> Vec<u8> {
        let (bytes, _, had_errors) = enc.encode(s);
        assert!(!had_errors, "{s} not encodable");
        bytes.into_owned()
    }

    fn ok(text: &str, encoding: &'static str, had_bom: bool) -> Result<Decoded, DecodeError> {
        Ok(Decoded {
            text: text.to_owned(),
            encoding,
            had_bom,
        })
    }

    /// `input => expected;` cases (a brace macro keeps them one per line).
    macro_rules! cases {
        ($($input:expr => $want:expr;)*) => { $(assert_eq!(decode($input.as_ref()), $want, "{:02X?}", &$input);)* };
    }

    #[test]
    fn detects_encodings() {
        let kana = "あいうえお　カキクケコ、漢字。\n";
        let cp932 = "①議題 ㈱横浜 9時～10時 Ⅲ 髙橋 －\n";
        cases! {
            SAMPLE.as_bytes() => ok(SAMPLE, "UTF-8", false);
            [BOM, SAMPLE.as_bytes()].concat() => ok(SAMPLE, "UTF-8", true);
            encode(SHIFT_JIS, SAMPLE) => ok(SAMPLE, "Shift_JIS", false);
            encode(EUC_JP, SAMPLE) => ok(SAMPLE, "EUC-JP", false);
            encode(SHIFT_JIS, kana) => ok(kana, "Shift_JIS", false);
            encode(EUC_JP, kana) => ok(kana, "EUC-JP", false);
            // CP932-only characters; raw bytes: ① = 87 40, ㈱ = 87 8A, ～ = 81 60.
            encode(SHIFT_JIS, cp932) => ok(cp932, "Shift_JIS", false);
            [0x87, 0x40, 0x87, 0x8A, 0x81, 0x60, b'\n'] => ok("①㈱～\n", "Shift_JIS", false);
            // Line endings.
            b"a\r\nb\rc\n\r\nd" => ok("a\nb\nc\n\nd", "UTF-8", false);
            encode(SHIFT_JIS, "第1回\r\n日時\r") => ok("第1回\n日時\n", "Shift_JIS", false);
        }
    }

    #[test]
    fn rejects_empty_binary_and_garbage() {
        cases! {
            b"" => Err(Empty);
            b"  \r\n\t" => Err(Empty);
            BOM => Err(Empty);
            b"\xEF\xBB\xBF\n\n" => Err(Empty);
            "\u{3000}\n".as_bytes() => Err(Empty);
            b"abc\ndef\0ghi" => Err(Binary { line: 2, offset: 7 });
            b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\x01\0" => Err(Binary { line: 3, offset: 8 });
            // No NUL, but a high share of control bytes.
            b"\x89PNG\r\n\x1a\n" => Err(Binary { line: 2, offset: 6 });
            b"\x7fELF\x02\x01\x01" => Err(Binary { line: 1, offset: 0 });
            b"PK\x03\x04\x14" => Err(Binary { line: 1, offset: 2 });
            [BOM, b"a\n\0"].concat() => Err(Binary { line: 2, offset: 5 });
            [0x80, 0xFF, 0xFE, 0x81, 0x00, 0x00] => Err(Binary { line: 1, offset: 4 });
            b"ok\nline\n\x80\xFF\xFE\x81" => Err(Unknown { line: 3, offset: 8, byte: 0x80 });
            [BOM, "あ\n".as_bytes(), b"\xFF\xFF"].concat() => Err(Unknown { line: 2, offset: 7, byte: 0xFF });
        }
        // A single stray control byte in a longer text is tolerated.
        assert!(decode("議事録\x01です。本日の会議を開催します。".as_bytes()).is_ok());
        let msg = Unknown {
            line: 3,
            offset: 8,
            byte: 0x80,
        }
        .to_string();
        assert!(
            msg.starts_with("3行目: 文字コードを判別できません") && msg.contains("8バイト目: 0x80"),
            "{msg}"
        );
    }

    #[test]
    fn truncated() {
        let utf8 = "議事録です".as_bytes();
        let (sjis, euc) = (
            encode(SHIFT_JIS, "議事録です"),
            encode(EUC_JP, "議事録です"),
        );
        cases! {
            utf8[..utf8.len() - 1] => Err(Truncated);
            utf8[..utf8.len() - 2] => Err(Truncated);
            sjis[..sjis.len() - 1] => Err(Truncated);
            euc[..euc.len() - 1] => Err(Truncated);
        }
    }

    #[test]
    fn meta_charset_honoured() {
        // "ｱｲ" in Shift_JIS (B1 B2) is also the EUC-JP kanji 臆; the page says which.
        let page = |meta: &str| [meta.as_bytes(), b"<p>\xB1\xB2</p>"].concat();
        let enc = |meta: &str| decode(&page(meta)).map(|d| d.encoding);
        let sjis = decode(&page("<meta charset=\"Shift_JIS\">")).map(|d| d.text);
        assert_eq!(sjis.as_deref(), Ok("<meta charset=\"Shift_JIS\"><p>ｱｲ</p>"));
        assert_eq!(
            enc("<META http-equiv=Content-Type content=\"text/html; charset=EUC-JP\">"),
            Ok("EUC-JP")
        );
        assert_eq!(enc("<meta charset='x-sjis'>"), Ok("Shift_JIS"));
        assert_eq!(
            enc("<?xml version=\"1.0\" encoding=\"windows-31j\"?>"),
            Ok("Shift_JIS")
        );
        // A wrong declaration falls back to detection.
        let wrong = [
            b"<meta charset=euc-jp>".as_slice(),
            &encode(SHIFT_JIS, SAMPLE),
        ]
        .concat();
        assert_eq!(decode(&wrong).map(|d| d.encoding), Ok("Shift_JIS"));
    }

    #[test]
    fn half_width_katakana_first_is_still_shift_jis() {
        // The detector's known blind spot: half-width katakana before any
        // kana or kanji look like EUC-JP to it; the strict decode of its
        // guess fails and the comparison of both decides.
        for text in ["ｸﾞﾙｰﾌﾟ会議を開く。", "ｶﾅ 区政会議", "ｸﾞﾙｰﾌﾟ\n第3回 会議録"]
        {
            let bytes = encode(SHIFT_JIS, text);
            assert_eq!(
                decode(&bytes).map(|d| d.encoding),
                Ok("Shift_JIS"),
                "{text}"
            );
        }
        // Its strength: one kanji after ASCII ("a職", where comparing how
        // Japanese the two decodings look is unsure).
        let bytes = encode(EUC_JP, "a職の会議");
        assert_eq!(decode(&bytes).map(|d| d.encoding), Ok("EUC-JP"));
    }

    const JAPANESE: &[char] = &[
        'あ', 'い', 'う', 'か', 'し', 'た', 'の', 'は', 'を', 'ん', 'ア', 'イ', 'カ', 'サ', 'ン',
        'ー', '会', '議', '区', '政', '改', '革', '委', '員', '日', '時', '年', '月', '第', '回',
        '場', '所', '職', '意', '見', '。', '、', '「', '」', '（', '）', 'a', 'Z', 'm', '1', ' ',
        '\n',
    ];

    fn legacy_roundtrip(enc: &'static Encoding, chars: Vec<char>) -> Result<(), TestCaseError> {
        let s: String = chars.into_iter().collect();
        let bytes = encode(enc, &s);
        // Short legacy byte strings can also be valid UTF-8 ("年" in EUC-JP is "ǯ").
        prop_assume!(
            !s.trim().is_empty() && (s.is_ascii() || std::str::from_utf8(&bytes).is_err())
        );
        let want = if s.is_ascii() { "UTF-8" } else { enc.name() };
        prop_assert_eq!(decode(&bytes), ok(&s, want, false));
        Ok(())
    }

    proptest! {
        #[test]
        fn utf8_roundtrip(s in "[\\PC\t\r\n]{0,64}") {
            prop_assume!(!s.trim().is_empty());
            let want = s.replace("\r\n", "\n").replace('\r', "\n");
            prop_assert_eq!(decode(s.as_bytes()), ok(&want, "UTF-8", false));
        }

        #[test]
        fn any_utf8_decodes_to_itself_or_is_rejected(s in any::<String>()) {
            match decode(s.as_bytes()) {
                Ok(d) => prop_assert_eq!(d.text, normalize_newlines(s.strip_prefix('\u{FEFF}').unwrap_or(&s).to_owned())),
                Err(e) => prop_assert!(matches!(e, Empty | Binary { .. }), "{e:?}"),
            }
        }

        #[test]
        fn shift_jis_roundtrip(chars in prop::collection::vec(prop::sample::select(JAPANESE), 1..80)) {
            legacy_roundtrip(SHIFT_JIS, chars)?;
        }

        #[test]
        fn euc_jp_roundtrip(chars in prop::collection::vec(prop::sample::select(JAPANESE), 1..80)) {
            legacy_roundtrip(EUC_JP, chars)?;
        }
    }
}
