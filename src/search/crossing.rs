//! A kana word matched as the end of a kanji word's reading and the kana
//! that follow that word in the text (`だんちの` in 団地の).

use super::index::{is_final, is_word_final, word_final_byte, Codec, WordFinals, WORD_MARK};
use super::matcher::{Spot, WordMatch};
use super::reading_bytes::{encode_final, match_skipping_marks, next_start};

/// The most kana after a word's reading [`Crossing`] looks for.
const MAX_TAIL: usize = 3;

/// A kana word matched as the end of a kanji word's reading and the kana
/// that follow that word in the text: `だんちの` in 団地の. The readings
/// hold kanji words only, so this is worked out at match time: the word
/// is found again by segmenting the entry's text (only for entries where
/// both halves are there).
pub(super) struct Crossing<'a> {
    codec: &'a Codec,
    /// The encoded kana, and the byte offset after each character but the
    /// last (where the word's reading may end) with that character.
    bytes: Vec<u8>,
    cuts: Vec<(usize, char)>,
    /// The head at each cut ending a run of words (its last kana as its
    /// final byte), when that kana has one.
    final_heads: Vec<Option<Vec<u8>>>,
    /// The kana after each cut, as characters and encoded.
    tails: Vec<(String, Vec<u8>)>,
    /// The word final byte of the first kana (a head may start there).
    first_word_final: Option<u8>,
    word_finals: WordFinals,
}

impl<'a> Crossing<'a> {
    pub(super) fn new(kana: &str, codec: &'a Codec) -> Option<Self> {
        if kana.chars().count() < 2 || !kana.chars().all(super::readings::in_readings) {
            return None;
        }
        let bytes = codec.encode(kana);
        let (mut cuts, mut tails, mut final_heads) = (Vec::new(), Vec::new(), Vec::new());
        let n = kana.chars().count();
        for (k, (i, _)) in kana.char_indices().enumerate().skip(1) {
            // The kana after a word are a particle or an ending: a few.
            if n - k > MAX_TAIL {
                continue;
            }
            let last = kana[..i].chars().next_back().unwrap_or(' ');
            cuts.push((codec.encode(&kana[..i]).len(), last));
            final_heads.push(encode_final(&kana[..i], codec));
            tails.push((kana[i..].to_string(), codec.encode(&kana[i..])));
        }
        Some(Crossing {
            codec,
            bytes,
            cuts,
            final_heads,
            tails,
            first_word_final: kana.chars().next().and_then(word_final_byte),
            word_finals: WordFinals::new(codec),
        })
    }

    /// The first place in `hay` (readings from `end`) where a word's
    /// reading ends with a head of the kana and the text goes on with the
    /// rest.
    pub(super) fn find(&self, hay: &[u8], end: usize) -> Option<WordMatch> {
        if end >= hay.len() {
            return None;
        }
        let mut text: Option<String> = None;
        let cuts = self.cuts.iter().zip(&self.final_heads).zip(&self.tails);
        for (((cut, last), final_head), (tail, tail_bytes)) in cuts {
            if !self.after_word(&hay[..end], tail_bytes, *last) {
                continue;
            }
            let heads = std::iter::once(&self.bytes[..*cut]).chain(final_head.as_deref());
            // The earlier of the two forms, as one search would find.
            let mut best: Option<WordMatch> = None;
            for head in heads {
                if let Some(w) = self.find_head(hay, end, head, tail, &mut text) {
                    if best.is_none_or(|b| w.penalty < b.penalty) {
                        best = Some(w);
                    }
                }
            }
            if best.is_some() {
                return best;
            }
        }
        None
    }

    /// The first place after `end` where a word's reading ends with `head`
    /// (as written, then a mark or the end; or ending in a final byte) and
    /// the text goes on with `tail` after that word.
    fn find_head(
        &self,
        hay: &[u8],
        end: usize,
        head: &[u8],
        tail: &str,
        text: &mut Option<String>,
    ) -> Option<WordMatch> {
        let mut at = end;
        while let Some(x) = next_start(hay, at, head[0], self.first_word_final) {
            at = x;
            let Some(e) = match_skipping_marks(&hay[at..], head, &self.word_finals) else {
                at += 1;
                continue;
            };
            let stop = at + e;
            // Ends in a final or word final byte: the word ends there.
            let ends_word = is_final(hay[stop - 1]) || is_word_final(hay[stop - 1]);
            if !ends_word && hay.get(stop).is_some_and(|b| *b < WORD_MARK) {
                at += 1;
                continue;
            }
            // The word the head ends in: count the word starts before
            // it (a mark, or a final or word final byte: the next word
            // starts there; in the readings these bytes are nothing else).
            let word = hay[end..stop - 1]
                .iter()
                .filter(|b| **b >= WORD_MARK || is_final(**b) || is_word_final(**b))
                .count();
            let text = text.get_or_insert_with(|| self.codec.decode(&hay[..end]));
            if word_followed_by(text, word, tail) {
                let spot = Spot {
                    first: at as u32,
                    end: stop as u32,
                    exact: at as u32,
                };
                return Some(WordMatch {
                    spot,
                    surface: false,
                    penalty: at,
                });
            }
            at += 1;
        }
        None
    }
}

impl Crossing<'_> {
    /// Whether `tail` stands in `text` right after a kanji or the kana
    /// `last` (a word ending in kana, 子育て, reads with it): cheap, before
    /// segmenting the text to find the word it follows.
    fn after_word(&self, text: &[u8], tail: &[u8], last: char) -> bool {
        memchr::memmem::find_iter(text, tail).any(|p| {
            let lead = text[..p]
                .iter()
                .rposition(|b| b & 0xC0 != 0x80)
                .unwrap_or(0);
            p > 0
                && self
                    .codec
                    .decode(&text[lead..p])
                    .chars()
                    .next()
                    .is_some_and(|c| c == last || super::readings::is_kanji(c) || c == 'ヶ')
        })
    }
}

/// Whether the `n`-th (from 1) word whose reading the index keeps ends
/// where `text` goes on with `tail`.
fn word_followed_by(text: &str, n: usize, tail: &str) -> bool {
    let mut k = 0;
    let mut hit = false;
    super::readings::index_words(text, |w, _| {
        k += 1;
        if k == n {
            hit = text[w.bytes.end..].starts_with(tail);
        }
    });
    hit
}
