//! How an entry's readings are laid out for the matcher, byte by byte,
//! and the bytes that stand for a kana and a mark. The index stores word
//! numbers instead ([`super::word_numbers`]) and writes this layout out
//! from them ([`super::word_numbers::expand`]) for the entries a query may
//! match in; [`push_readings`] writes the numbers.
//!
//! After an entry's key come the readings of its kanji words (see
//! [`super::readings`]): [`READING_MARK`], then each word's reading with
//! [`WORD_MARK`] between words that follow each other in the text and
//! [`READING_MARK`] between words that do not. Neither byte starts or
//! continues any code, so an exact match never runs from the text into the
//! readings or from one word into the next.
//!
//! A word that ends a run of words (the next word stands apart in the text)
//! and whose reading ends in one of the commonest final kana ([`FINALS`])
//! ends in that kana's [`FINAL_BYTES`] byte instead of the kana's code and
//! the next [`READING_MARK`]: one byte where there were two or more. These
//! bytes (0xC0, 0xC1, 0xF5..=0xFD) are never part of a code (UTF-8 never
//! writes them), so they can neither match nor be matched by a code; the
//! matcher looks for a reading ending there with the final byte in place
//! of the last kana.
//!
//! Likewise a word followed by another word of its run, whose reading ends
//! in one of [`WORD_FINALS`], ends in that kana's [`WORD_FINAL_BYTES`] byte
//! instead of the kana's code and the [`WORD_MARK`]. These bytes
//! (0xF0..=0xF4) start four-byte codes in the text (astral characters), but
//! no kana's code is four bytes, so after the first [`READING_MARK`] they
//! mean only this; a code's continuation bytes never follow them there, so
//! an astral character's code cannot match in the readings either.

use super::index::Codec;
use super::readings;
use super::word_numbers::{push_number, WordsBuilder, RUN_MARK};

/// Starts an entry's readings (no code's byte).
pub const READING_MARK: u8 = 0xFF;
/// Between two words' readings (no code's byte).
pub const WORD_MARK: u8 = 0xFE;
/// Kana that end a run of words' readings often enough to get a byte of
/// their own: [`FINAL_BYTES`]`[i]` is [`FINALS`]`[i]` followed by a
/// [`READING_MARK`]. Chosen by how often they end a run in `kusei gen`
/// data at 100k opinions (ー, ん, か and い end over half of the runs).
pub const FINALS: [char; 11] = [
    'ー', 'ん', 'か', 'い', 'く', 'め', 'き', 'ち', 'つ', 'し', 'ご',
];
/// Bytes no code uses (see the module comment).
pub const FINAL_BYTES: [u8; 11] = [
    0xC0, 0xC1, 0xF5, 0xF6, 0xF7, 0xF8, 0xF9, 0xFA, 0xFB, 0xFC, 0xFD,
];

/// The byte standing for `c` and the end of a run of words, if it has one.
#[inline]
pub fn final_byte(c: char) -> Option<u8> {
    FINALS.iter().position(|&f| f == c).map(|i| FINAL_BYTES[i])
}

/// Whether `b` is one of [`FINAL_BYTES`].
#[inline]
pub fn is_final(b: u8) -> bool {
    matches!(b, 0xC0 | 0xC1 | 0xF5..=0xFD)
}

/// The kana a final byte stands for.
#[inline]
pub fn final_char(b: u8) -> Option<char> {
    FINAL_BYTES.iter().position(|&f| f == b).map(|i| FINALS[i])
}

/// Kana that end a word inside a run (the next word follows it in the
/// text) often enough to get a byte of their own: [`WORD_FINAL_BYTES`]`[i]`
/// is [`WORD_FINALS`]`[i]` followed by a [`WORD_MARK`]. Chosen by how often
/// they end such a word in `kusei gen` data at 100k opinions (362k of the
/// 530k word marks).
pub const WORD_FINALS: [char; 5] = ['ー', 'ん', 'く', 'い', 'き'];
/// The lead bytes of four-byte codes (astral characters): in the text they
/// are that, but no kana's code uses them (kana are in the BMP), so in the
/// readings they are free.
pub const WORD_FINAL_BYTES: [u8; 5] = [0xF0, 0xF1, 0xF2, 0xF3, 0xF4];

/// The byte standing for `c` and a [`WORD_MARK`] in the readings, if it
/// has one.
#[inline]
pub fn word_final_byte(c: char) -> Option<u8> {
    WORD_FINALS
        .iter()
        .position(|&f| f == c)
        .map(|i| WORD_FINAL_BYTES[i])
}

/// Whether `b` is one of [`WORD_FINAL_BYTES`] (only in the readings does
/// that make it a word final; in the text it starts an astral code).
#[inline]
pub fn is_word_final(b: u8) -> bool {
    matches!(b, 0xF0..=0xF4)
}

/// The kana a word final byte stands for.
#[inline]
pub fn word_final_char(b: u8) -> Option<char> {
    WORD_FINAL_BYTES
        .iter()
        .position(|&f| f == b)
        .map(|i| WORD_FINALS[i])
}

/// The codes of the [`WORD_FINALS`] in one codec, to match a word final
/// byte as its kana (and the mark after it).
#[derive(Debug, Clone, Copy)]
pub struct WordFinals {
    codes: [([u8; 4], u8); 5],
}

impl WordFinals {
    pub fn new(codec: &Codec) -> Self {
        let mut codes = [([0u8; 4], 0u8); 5];
        for (slot, &c) in codes.iter_mut().zip(&WORD_FINALS) {
            let mut v = Vec::with_capacity(4);
            codec.push(c, &mut v);
            slot.0[..v.len()].copy_from_slice(&v);
            slot.1 = v.len() as u8;
        }
        WordFinals { codes }
    }

    /// The code of the kana `b` stands for, when `b` is a word final byte.
    #[inline]
    pub fn code(&self, b: u8) -> Option<&[u8]> {
        if !is_word_final(b) {
            return None;
        }
        let (bytes, len) = &self.codes[usize::from(b - 0xF0)];
        Some(&bytes[..usize::from(*len)])
    }
}

/// How [`Codec::decode`] shows the marks.
pub const READING_MARK_CHAR: char = '\u{1F}';
pub const WORD_MARK_CHAR: char = '\u{1E}';

/// Shows byte `b` of a key when it is a mark or a final byte (as the kana
/// and the mark it stands for), and says whether it was. `in_readings`
/// follows whether the entry's readings have started (the first
/// [`READING_MARK`]; the 0 separator ends the entry): only there are
/// 0xF0..=0xF4 word finals rather than astral codes.
#[inline]
pub(super) fn show_mark(b: u8, in_readings: &mut bool, out: &mut String) -> bool {
    match b {
        READING_MARK => *in_readings = true,
        0 => *in_readings = false,
        _ => {}
    }
    if let Some(c) = word_final_char(b).filter(|_| *in_readings) {
        out.push(c);
        out.push(WORD_MARK_CHAR);
        return true;
    }
    if let Some(c) = final_char(b) {
        // A final kana: as the kana and the mark it stands for.
        out.push(c);
        out.push(READING_MARK_CHAR);
        return true;
    }
    if b >= WORD_MARK {
        out.push(if b == READING_MARK {
            READING_MARK_CHAR
        } else {
            WORD_MARK_CHAR
        });
        return true;
    }
    false
}

/// The readings of the kanji words of `folded` (those
/// [`readings::index_words`] keeps), as they are stored (see
/// [`super::word_numbers`]): [`READING_MARK`], then each word's number in
/// `words`, [`RUN_MARK`] before a word not right after the previous one in
/// the text (nothing when no word is kept).
pub(super) fn push_readings(
    codec: &Codec,
    folded: &str,
    arena: &mut Vec<u8>,
    long: &mut String,
    words: &mut WordsBuilder,
) {
    let mut first = true;
    readings::index_words(folded, |w, joined| {
        if first {
            arena.push(READING_MARK);
        } else if !joined {
            arena.push(RUN_MARK);
        }
        first = false;
        long.clear();
        readings::fold_long(w.reading, long);
        push_number(words.number(long, codec), arena);
    });
}

/// `text` encoded with its last character as its final byte, if it has one.
pub(super) fn encode_final(text: &str, codec: &Codec) -> Option<Vec<u8>> {
    let last = text.chars().next_back()?;
    let f = final_byte(last)?;
    let mut v = codec.encode(&text[..text.len() - last.len_utf8()]);
    v.push(f);
    Some(v)
}

/// `text` encoded with its last character as its word final byte, if it
/// has one.
pub(super) fn encode_word_final(text: &str, codec: &Codec) -> Option<Vec<u8>> {
    let last = text.chars().next_back()?;
    let f = word_final_byte(last)?;
    let mut v = codec.encode(&text[..text.len() - last.len_utf8()]);
    v.push(f);
    Some(v)
}

/// The next place from `at` where a match in the readings may start: the
/// needle's first byte, or the word final byte of its first kana.
#[inline]
pub(super) fn next_start(
    hay: &[u8],
    at: usize,
    first: u8,
    word_final: Option<u8>,
) -> Option<usize> {
    let rest = hay.get(at..)?;
    match word_final {
        Some(w) => memchr::memchr2(first, w, rest),
        None => memchr::memchr(first, rest),
    }
    .map(|i| at + i)
}

/// `needle` at the start of `hay` (readings), word marks in `hay` skipped
/// (a reading mark, between words apart in the text, stops it) and a word
/// final byte taken as its kana and a word mark: the end.
pub(super) fn match_skipping_marks(
    hay: &[u8],
    needle: &[u8],
    finals: &WordFinals,
) -> Option<usize> {
    let (mut i, mut j) = (0, 0);
    while j < needle.len() {
        let b = *hay.get(i)?;
        if b == needle[j] {
            i += 1;
            j += 1;
        } else if b == WORD_MARK && j > 0 {
            i += 1;
        } else if let Some(code) = finals.code(b).filter(|c| needle[j..].starts_with(c)) {
            i += 1;
            j += code.len();
        } else {
            return None;
        }
    }
    Some(i)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::search::fold::fold;
    use crate::search::index::{Doc, IndexBuilder};

    #[test]
    fn final_bytes_stand_for_a_kana_and_the_next_runs_mark() {
        let texts = [
            "団地の防災訓練について、区運営方針に沿って検討する。",
            "大規模団地再生と子育て支援、地域の方々と連携",
            "学校の耐震化を急ぐ。学校の耐震化を急ぐ。",
            "区長会議設置規程",
        ];
        let codec = Arc::new(Codec::from_sample(texts));
        for t in texts {
            let folded = fold(t);
            let mut b = IndexBuilder::new(codec.clone()).with_readings(true);
            b.push(Doc::default_for_test(), t).expect("push");
            let ix = b.finish();
            // Decoded, the key is the layout with a mark before every run.
            let hay = readings::Hay::new(&folded);
            assert_eq!(ix.key(0), hay.text, "{t}");
            let marks = hay.text.matches(READING_MARK_CHAR).count();
            let plain = codec.encode(&hay.text.replace([READING_MARK_CHAR, WORD_MARK_CHAR], ""));
            let words = hay.text.matches(WORD_MARK_CHAR).count();
            // Each run before another whose reading ends in a final kana
            // saves the next run's mark, and the kana's code is the byte.
            let (mut finals, mut saved) = (0, 0);
            for &b in ix.layout(0).iter().filter(|b| is_final(**b)) {
                let c = final_char(b).expect("a final kana");
                finals += 1;
                saved += codec.encode(&c.to_string()).len();
            }
            // Each word before another of its run whose reading ends in a
            // word final kana saves the mark the same way.
            let key = &ix.layout(0)[..];
            let readings = &key[key
                .iter()
                .position(|b| *b == READING_MARK)
                .unwrap_or(key.len())..];
            for &b in readings.iter().filter(|b| is_word_final(**b)) {
                let c = word_final_char(b).expect("a word final kana");
                saved += codec.encode(&c.to_string()).len();
            }
            assert_eq!(
                ix.layout(0).len(),
                plain.len() + marks + words - saved,
                "{t}"
            );
            assert!(finals > 0 || marks < 2, "{t}");
        }
    }

    #[test]
    fn word_final_bytes_stand_for_a_kana_and_a_word_mark_only_in_the_readings() {
        // 𠮷 (astral: a four-byte code starting 0xF0, the byte of ー's word
        // final) in the text; 学校 (がっこー) before 会議 in one run, 周年
        // (しゅーねん) before 記念: their last kana are word final bytes.
        let texts = ["𠮷野家の学校会議", "周年記念と𠮷", "𠮷"];
        let codec = Arc::new(Codec::from_sample(texts));
        for t in texts {
            let mut b = IndexBuilder::new(codec.clone()).with_readings(true);
            b.push(Doc::default_for_test(), t).expect("push");
            let ix = b.finish();
            assert_eq!(ix.key(0), readings::Hay::new(&fold(t)).text, "{t}");
        }
        let mut b = IndexBuilder::new(codec.clone()).with_readings(true);
        b.push(Doc::default_for_test(), texts[0]).expect("push");
        let ix = b.finish();
        let key = &ix.layout(0)[..];
        let end = key
            .iter()
            .position(|b| *b == READING_MARK)
            .expect("readings");
        assert!(key[..end].contains(&0xF0), "the astral code in the text");
        let ko = word_final_byte('ー').expect("ー has one");
        assert!(key[end..].contains(&ko), "がっこー ends in ー's word final");
        // Read as の+いえ 学校 会議: only の (no word final) keeps its mark.
        let marks = key[end..].iter().filter(|b| **b == WORD_MARK).count();
        assert_eq!(marks, 1, "{:?}", ix.key(0));
        // Decoded in the readings as the kana and the mark; in the text as
        // the astral character.
        let shown = ix.key(0);
        assert!(shown.starts_with('𠮷'));
        assert!(shown.contains("ー\u{1E}"), "{shown:?}");
        // Codes of the word finals are the codec's codes of their kana.
        let wf = WordFinals::new(&codec);
        for (&c, &b) in WORD_FINALS.iter().zip(&WORD_FINAL_BYTES) {
            assert_eq!(wf.code(b), Some(&codec.encode(&c.to_string())[..]));
            assert_eq!(word_final_char(b), Some(c));
        }
        assert_eq!(wf.code(0xF5), None);
    }
}
