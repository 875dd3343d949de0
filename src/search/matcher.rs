//! Matching one query word inside one entry's key, in the index's code.
//!
//! A word matches when its characters occur in order (gaps allowed), or, for
//! a "quoted phrase", as a substring. Where it matched is kept as a
//! [`Spot`]: the first occurrence of its first character, the end of the
//! leftmost in-order match, and the first exact occurrence if there is one.
//! That is what the next keystroke needs: a word one character longer
//! matches in order exactly when the new character occurs after `end`, and
//! is exact at the same place when the bytes after the old occurrence are
//! the new character — one short search instead of a new match.

use memchr::memmem::{Finder, FinderBuilder};

use super::crossing::Crossing;
use super::index::{final_byte, word_final_byte, Codec, WordFinals, READING_MARK};
use super::query::Term;
use super::reading_bytes::{encode_final, encode_word_final, match_skipping_marks, next_start};

/// No exact occurrence.
pub const NO_EXACT: u32 = u32::MAX;

/// Where a word matched in an entry (byte offsets into its key).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Spot {
    /// First occurrence of the word's first character.
    pub first: u32,
    /// End of the leftmost in-order match.
    pub end: u32,
    /// First exact occurrence, or [`NO_EXACT`].
    pub exact: u32,
}

impl Spot {
    pub fn is_exact(&self) -> bool {
        self.exact != NO_EXACT
    }
}

/// One character's code, found with `memchr` on its first byte and a
/// compare of the rest: on entries of a hundred bytes this is several times
/// cheaper than a general substring search.
#[derive(Clone, Copy)]
pub struct CodeFinder {
    bytes: [u8; 4],
    len: usize,
}

impl CodeFinder {
    /// One byte: a final kana (see [`super::index::FINALS`]).
    pub fn byte(b: u8) -> Self {
        CodeFinder {
            bytes: [b, 0, 0, 0],
            len: 1,
        }
    }

    pub fn new(codec: &Codec, c: char) -> Self {
        let mut v = Vec::with_capacity(4);
        codec.push(c, &mut v);
        let mut bytes = [0u8; 4];
        bytes[..v.len()].copy_from_slice(&v);
        CodeFinder {
            bytes,
            len: v.len(),
        }
    }

    #[inline]
    pub fn needle(&self) -> &[u8] {
        &self.bytes[..self.len]
    }

    #[inline]
    pub fn find(&self, hay: &[u8]) -> Option<usize> {
        let first = self.bytes[0];
        if self.len == 1 {
            return memchr::memchr(first, hay);
        }
        let mut pos = 0;
        while let Some(i) = memchr::memchr(first, &hay[pos..]) {
            let at = pos + i;
            if hay[at..].starts_with(self.needle()) {
                return Some(at);
            }
            pos = at + 1;
        }
        None
    }
}

/// One query word, ready to match.
pub struct TermMatcher {
    /// The encoded word.
    bytes: Vec<u8>,
    chars: Vec<CodeFinder>,
    /// A quoted phrase: only an exact occurrence counts.
    exact_only: bool,
    whole: Finder<'static>,
    /// The word as the end of a run of words' readings: its last kana as
    /// its final byte (see [`super::index::FINALS`]), when it has one.
    final_bytes: Option<Vec<u8>>,
    final_whole: Option<Finder<'static>>,
    /// The word as the end of a word inside a run: its last kana as its
    /// word final byte (see [`super::index::WORD_FINALS`]), when it has one.
    word_final_bytes: Option<Vec<u8>>,
    word_final_whole: Option<Finder<'static>>,
    /// The word final byte of its first kana: a match across words may
    /// start there.
    first_word_final: Option<u8>,
    word_finals: WordFinals,
}

impl TermMatcher {
    pub fn new(text: &str, exact_only: bool, codec: &Codec) -> Self {
        let bytes = codec.encode(text);
        let final_bytes = encode_final(text, codec);
        let word_final_bytes = encode_word_final(text, codec);
        TermMatcher {
            word_final_whole: word_final_bytes
                .as_ref()
                .map(|f| FinderBuilder::new().build_forward_owned(f.clone())),
            word_final_bytes,
            first_word_final: text.chars().next().and_then(word_final_byte),
            word_finals: WordFinals::new(codec),
            chars: text.chars().map(|c| CodeFinder::new(codec, c)).collect(),
            exact_only,
            whole: FinderBuilder::new().build_forward_owned(bytes.clone()),
            final_whole: final_bytes
                .as_ref()
                .map(|f| FinderBuilder::new().build_forward_owned(f.clone())),
            final_bytes,
            bytes,
        }
    }

    /// Where this word matches in `hay`, if it does.
    #[inline]
    pub fn find(&self, hay: &[u8]) -> Option<Spot> {
        if self.exact_only || self.chars.is_empty() {
            let x = self.whole.find(hay)?;
            return Some(Spot {
                first: x as u32,
                end: (x + self.bytes.len()) as u32,
                exact: x as u32,
            });
        }
        let first = self.chars[0].find(hay)?;
        let mut end = first + self.chars[0].len;
        for f in &self.chars[1..] {
            end += f.find(&hay[end..])? + f.len;
        }
        Some(Spot {
            first: first as u32,
            end: end as u32,
            exact: self.exact_from(hay, first),
        })
    }

    /// `prev` is where this word minus its last `added` characters matched:
    /// where the whole word matches, if it does. Same answer as [`find`].
    ///
    /// [`find`]: TermMatcher::find
    #[inline]
    pub fn extend(&self, prev: Spot, added: usize, hay: &[u8]) -> Option<Spot> {
        let mut end = prev.end as usize;
        let new = &self.chars[self.chars.len() - added..];
        for f in new {
            end += f.find(&hay[end..])? + f.len;
        }
        let exact = if !prev.is_exact() {
            NO_EXACT
        } else if hay[prev.exact as usize..].starts_with(&self.bytes) {
            prev.exact
        } else {
            self.exact_from(hay, prev.exact as usize + 1)
        };
        Some(Spot {
            first: prev.first,
            end: end as u32,
            exact,
        })
    }

    /// The first exact occurrence at or after `from`.
    #[inline]
    fn exact_from(&self, hay: &[u8], from: usize) -> u32 {
        let c = &self.chars[0];
        let mut at = from;
        while at < hay.len() {
            let Some(i) = c.find(&hay[at..]) else { break };
            at += i;
            if hay[at..].starts_with(&self.bytes) {
                return at as u32;
            }
            at += 1;
        }
        NO_EXACT
    }

    /// This word in the readings after `text_end`: as written within one
    /// word's reading (exact), or across words ignoring the marks between
    /// them (not exact; the penalty of a far match).
    #[inline]
    pub fn find_reading(&self, hay: &[u8], text_end: usize) -> Option<WordMatch> {
        if text_end >= hay.len() || self.bytes.is_empty() {
            return None;
        }
        let readings = &hay[text_end..];
        // As written, or ending a run of words or a word inside a run (its
        // last kana final).
        let mut hit = self.whole.find(readings).map(|x| (x, self.bytes.len()));
        let ends = [
            (&self.final_whole, &self.final_bytes),
            (&self.word_final_whole, &self.word_final_bytes),
        ];
        for (f, fb) in ends {
            if let (Some(f), Some(fb)) = (f, fb) {
                if let Some(x) = f.find(readings) {
                    if hit.is_none_or(|(h, _)| x < h) {
                        hit = Some((x, fb.len()));
                    }
                }
            }
        }
        if let Some((x, len)) = hit {
            let at = (text_end + x) as u32;
            let spot = Spot {
                first: at,
                end: at + len as u32,
                exact: at,
            };
            return Some(self.judge(spot, text_end));
        }
        let mut best: Option<(usize, usize)> = None;
        for needle in std::iter::once(&self.bytes).chain(&self.final_bytes) {
            let first = needle[0];
            let mut at = text_end;
            while let Some(x) = next_start(hay, at, first, self.first_word_final) {
                at = x;
                if best.is_some_and(|(b, _)| b <= at) {
                    break;
                }
                if let Some(end) = match_skipping_marks(&hay[at..], needle, &self.word_finals) {
                    best = Some((at, at + end));
                    break;
                }
                at += 1;
            }
        }
        let (at, end) = best?;
        let spot = Spot {
            first: at as u32,
            end: end as u32,
            exact: NO_EXACT,
        };
        Some(WordMatch {
            spot,
            surface: false,
            penalty: CROSSING_PENALTY + at,
        })
    }

    /// The match at `s`, whose entry's readings start at `text_end`.
    #[inline]
    pub fn judge(&self, s: Spot, text_end: usize) -> WordMatch {
        let surface = if s.is_exact() {
            (s.exact as usize) < text_end
        } else {
            s.end as usize <= text_end
        };
        WordMatch {
            spot: s,
            surface,
            penalty: self.penalty(s),
        }
    }

    /// Earlier and tighter is better: the exact position, or the first
    /// character's position plus four times the gaps.
    #[inline]
    pub fn penalty(&self, s: Spot) -> usize {
        if s.is_exact() {
            s.exact as usize
        } else {
            let span = (s.end - s.first) as usize;
            s.first as usize + 4 * span.saturating_sub(self.bytes.len())
        }
    }
}

/// A query word, its reading form if it has one, and the surfaces it is
/// another reading of: an entry matches the word when any form does.
pub struct WordMatcher<'a> {
    pub main: TermMatcher,
    pub reading: Option<TermMatcher>,
    /// Looked for in the text as written; a match counts as by reading.
    pub alts: Vec<TermMatcher>,
    /// The forms in kana, to match as a word's reading followed by kana
    /// of the text (`だんちの` in 団地の).
    crossing: Vec<Crossing<'a>>,
}

/// Where a word matched best.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WordMatch {
    pub spot: Spot,
    /// In the text itself, not only in the readings after it.
    pub surface: bool,
    pub penalty: usize,
}

/// Where an entry's readings start (its length when it has none).
#[inline]
pub fn text_end(hay: &[u8]) -> usize {
    memchr::memchr(READING_MARK, hay).unwrap_or(hay.len())
}

impl<'a> WordMatcher<'a> {
    pub fn new(t: &Term, codec: &'a Codec) -> Self {
        WordMatcher {
            crossing: t
                .kana_forms()
                .filter_map(|f| Crossing::new(f, codec))
                .collect(),
            main: TermMatcher::new(&t.text, t.exact, codec),
            reading: t
                .reading
                .as_deref()
                .map(|r| TermMatcher::new(r, t.exact, codec)),
            alts: t
                .alts
                .iter()
                .map(|a| TermMatcher::new(a, true, codec))
                .collect(),
        }
    }

    /// The best match of either form: exact first, then in the text, then
    /// earlier and tighter. In the text a word matches in order (gaps
    /// allowed); in the readings only as written, within a word or (not
    /// exact, a penalty) across words.
    #[inline]
    pub fn find(&self, hay: &[u8]) -> Option<WordMatch> {
        let end = text_end(hay);
        self.find_with(&hay[..end], |_, m| m.find_reading(hay, end), Some(hay))
            .ok()
            .flatten()
    }

    /// [`WordMatcher::find`] given the text and, per form (0 the word, 1
    /// its reading), its match in the readings (`read`); `hay`, the key
    /// as the matcher reads it, is needed only when neither form matched
    /// and the word may match across a word's reading and the text
    /// ([`Crossing`]): without it, `Err(NeedHay)` then.
    #[inline]
    pub fn find_with(
        &self,
        text: &[u8],
        read: impl Fn(usize, &TermMatcher) -> Option<WordMatch>,
        hay: Option<&[u8]>,
    ) -> Result<Option<WordMatch>, NeedHay> {
        let end = text.len();
        let mut best: Option<WordMatch> = None;
        for (i, m) in std::iter::once(&self.main).chain(&self.reading).enumerate() {
            for w in [m.find(text).map(|s| m.judge(s, end)), read(i, m)]
                .into_iter()
                .flatten()
            {
                if best.is_none_or(|b| better(&w, &b)) {
                    best = Some(w);
                }
            }
        }
        // Only for an entry not matched otherwise: it is work per entry.
        if best.is_none() && !self.crossing.is_empty() {
            let hay = hay.ok_or(NeedHay)?;
            for c in &self.crossing {
                if let Some(w) = c.find(hay, end) {
                    if best.is_none_or(|b| better(&w, &b)) {
                        best = Some(w);
                    }
                }
            }
        }
        for m in &self.alts {
            if let Some(s) = m.find(text) {
                let w = WordMatch {
                    spot: s,
                    surface: false,
                    penalty: m.penalty(s),
                };
                if best.is_none_or(|b| better(&w, &b)) {
                    best = Some(w);
                }
            }
        }
        Ok(best)
    }
}

/// [`WordMatcher::find_with`] needs the key with its readings written out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NeedHay;

fn better(a: &WordMatch, b: &WordMatch) -> bool {
    (a.spot.is_exact(), a.surface, std::cmp::Reverse(a.penalty))
        > (b.spot.is_exact(), b.surface, std::cmp::Reverse(b.penalty))
}

/// A reading matched only across a word boundary scores as a far match.
const CROSSING_PENALTY: usize = 1 << 16;

/// The characters to skip through the arena to: the rarest character
/// (codes are frequency ranks) of the words that have no reading form;
/// when every word has one, the rarest of each form of the last word.
pub fn anchors(query: &super::query::Query, codec: &Codec) -> Vec<CodeFinder> {
    // A final kana may stand as its final byte at the end of a run of
    // readings, or as its word final byte at the end of a word inside a
    // run: look for those too.
    anchor_chars(query, codec)
        .into_iter()
        .flat_map(|c| {
            std::iter::once(CodeFinder::new(codec, c))
                .chain(final_byte(c).map(CodeFinder::byte))
                .chain(word_final_byte(c).map(CodeFinder::byte))
        })
        .collect()
}

/// The characters [`anchors`] looks for.
pub fn anchor_chars(query: &super::query::Query, codec: &Codec) -> Vec<char> {
    let rarest = |s: &str| {
        s.chars()
            .filter(|c| *c != ' ')
            .max_by_key(|c| codec.code(*c))
    };
    let plain: String = query
        .terms
        .iter()
        .filter(|t| t.is_plain())
        .map(|t| t.text.as_str())
        .collect();
    let chars: Vec<char> = if !plain.is_empty() || query.terms.is_empty() {
        rarest(&plain).into_iter().collect()
    } else {
        let last = &query.terms[query.terms.len() - 1];
        let mut v: Vec<char> = last.forms().filter_map(rarest).collect();
        v.dedup();
        v
    };
    chars
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::index::is_final;

    /// An index of one entry, to match in its key.
    fn one_entry(text: &str) -> super::super::Index {
        use super::super::index::{Doc, IndexBuilder};
        let codec = std::sync::Arc::new(Codec::from_sample([text]));
        let mut b = IndexBuilder::new(codec).with_readings(true);
        b.push(Doc::default_for_test(), text).expect("push");
        b.finish()
    }

    fn finds(ix: &super::super::Index, q: &str) -> Option<WordMatch> {
        let query = super::super::parse(q).expect("query");
        WordMatcher::new(&query.terms[0], ix.codec()).find(&ix.layout(0))
    }

    #[test]
    fn a_reading_ending_in_a_final_byte_is_found_whole_and_in_part() {
        // 団地 (だんち) ends a run before 防災: stored as だん + final ち.
        let ix = one_entry("団地の防災訓練");
        assert!(ix.layout(0).iter().any(|b| is_final(*b)));
        for q in ["だんち", "danchi", "だん", "ち", "んち"] {
            let m = finds(&ix, q).unwrap_or_else(|| panic!("{q}"));
            assert!(m.spot.is_exact(), "{q}");
        }
        // Runs apart in the text do not read on into each other.
        for q in ["だんちぼ", "ちぼーさい"] {
            assert_eq!(finds(&ix, q), None, "{q}");
        }
        // Words that follow each other do (not exact).
        let m = finds(&ix, "ぼーさいくんれん").expect("across");
        assert!(m.spot.is_exact() || m.penalty >= CROSSING_PENALTY);
        // The reading runs on into the kana after its word.
        assert!(finds(&ix, "だんちの").is_some());
    }

    #[test]
    fn a_reading_ending_in_a_word_final_byte_is_found_whole_in_part_and_across() {
        // 防災 (ぼーさい) before 訓練 in one run: stored as ぼーさ + the
        // word final い, then くんれん.
        let ix = one_entry("団地の防災訓練");
        let key = &ix.layout(0)[..];
        let i = word_final_byte('い').expect("い has one");
        assert!(key[text_end(key)..].contains(&i));
        for q in ["ぼーさい", "bousai", "さい", "い", "ぼーさ", "くんれん"] {
            let m = finds(&ix, q).unwrap_or_else(|| panic!("{q}"));
            assert!(m.spot.is_exact(), "{q}");
        }
        // Across the word end (not exact): starting before it, at it, and
        // ending in the next word.
        for q in ["ぼーさいくんれん", "さいく", "いくん"] {
            let m = finds(&ix, q).unwrap_or_else(|| panic!("{q}"));
            assert!(!m.spot.is_exact() && m.penalty >= CROSSING_PENALTY, "{q}");
        }
        // Not across runs apart, nor with a kana the word does not end in.
        for q in ["さいだ", "さん", "ちぼ"] {
            assert_eq!(finds(&ix, q), None, "{q}");
        }
    }

    #[test]
    fn an_astral_character_and_a_word_final_byte_never_match_each_other() {
        // 𠮷's code starts with 0xF0, ー's word final byte.
        let ix = one_entry("𠮷野家の学校会議");
        let m = finds(&ix, "𠮷").expect("the character");
        assert!(m.surface && m.spot.first == 0);
        let m = finds(&ix, "ー").expect("in がっこー");
        assert!(!m.surface, "in the readings, not at 𠮷");
        let ix = one_entry("𠮷野家");
        assert_eq!(finds(&ix, "ー"), None);
    }

    #[test]
    fn extending_agrees_with_matching_afresh() {
        let codec = Codec::from_sample(["地域の方々と地域交流を図る地域の会"]);
        let hay = codec.encode("地域の方々と地域交流を図る地域の会");
        let words = [
            "地",
            "地域",
            "地域の",
            "地域交",
            "地域交流",
            "地流",
            "地流会",
            "域図",
        ];
        for w in words {
            for short in words {
                if !w.starts_with(short) || w == short {
                    continue;
                }
                let old = TermMatcher::new(short, false, &codec);
                let new = TermMatcher::new(w, false, &codec);
                let added = w.chars().count() - short.chars().count();
                let fresh = new.find(&hay);
                let grown = old.find(&hay).and_then(|s| new.extend(s, added, &hay));
                assert_eq!(fresh, grown, "{short} -> {w}");
            }
        }
        let m = TermMatcher::new("地域交流", false, &codec);
        let s = m.find(&hay).expect("match");
        assert!(s.is_exact());
        assert_eq!(codec.decode(&hay[..s.exact as usize]), "地域の方々と");
    }
}
