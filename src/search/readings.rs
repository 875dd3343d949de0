//! Readings of kanji words, so `だんち` and `danchi` find 団地.
//!
//! The table (`data/readings/ipadic-readings.tsv`, generated from IPADIC by
//! `scripts/gen-readings.py`; licence in `COPYING.ipadic` beside it) maps a
//! folded surface containing kanji to its reading in hiragana, one line
//! each, sorted by the surface's bytes. Compound words carry their own
//! reading (子育て → こそだて, 学校 → がっこう), so 連濁 and っ come from real
//! words; a kanji no word covers gets its own reading, or stays as it is.
//!
//! Text is cut into words at index time by longest match from each kanji
//! ([`segment`]); each word's reading, with long vowels folded
//! ([`fold_long`]), is kept in the index beside the text (see
//! [`super::index`]). A query word in romaji, or mixing kanji with kana, is
//! turned into the same reading form ([`query_reading`]) and looked for
//! there too.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::OnceLock;

/// 1 on, 0 off, 2 not yet decided (on unless `KUSEI_READINGS=off`).
static ENABLED: AtomicU8 = AtomicU8::new(2);

/// Whether new indexes carry readings: on, unless turned off to compare
/// (the benchmark; `KUSEI_READINGS=off` for the pty measurements).
pub fn enabled() -> bool {
    match ENABLED.load(Ordering::Relaxed) {
        2 => {
            let on = std::env::var("KUSEI_READINGS").map_or(true, |v| v != "off");
            ENABLED.store(u8::from(on), Ordering::Relaxed);
            on
        }
        v => v == 1,
    }
}

pub fn set_enabled(on: bool) {
    ENABLED.store(u8::from(on), Ordering::Relaxed);
}

static TABLE_TEXT: &str = include_str!("../../data/readings/ipadic-readings.tsv");

/// The parsed table: (surface, reading) sorted by surface bytes; the
/// range of entries starting with each pair of characters (so finding the
/// longest word at a kanji is one hash lookup and a short bisection); and
/// the one-character words.
struct Table {
    entries: Vec<(&'static str, &'static str)>,
    by_two: HashMap<u64, (u32, u32)>,
    single: HashMap<char, &'static str>,
}

/// Two characters as one hash key.
#[inline]
fn pair(a: char, b: char) -> u64 {
    (u64::from(a as u32) << 32) | u64::from(b as u32)
}

fn table() -> &'static Table {
    static T: OnceLock<Table> = OnceLock::new();
    T.get_or_init(|| {
        let mut entries: Vec<(&str, &str)> = TABLE_TEXT
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| l.split_once('\t'))
            .map(|(s, r)| (s, r.split_once('\t').map_or(r, |(r, _)| r)))
            .filter(|(s, r)| !s.is_empty() && !r.is_empty())
            .collect();
        // The file is sorted; sorting again costs little and makes sure.
        entries.sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
        entries.dedup_by(|a, b| a.0 == b.0);
        let mut by_two: HashMap<u64, (u32, u32)> = HashMap::new();
        let mut single = HashMap::new();
        for (i, (s, r)) in entries.iter().enumerate() {
            let mut cs = s.chars();
            match (cs.next(), cs.next()) {
                (Some(a), Some(b)) => {
                    let e = by_two.entry(pair(a, b)).or_insert((i as u32, i as u32));
                    e.1 = i as u32 + 1;
                }
                (Some(a), None) => {
                    single.insert(a, *r);
                }
                _ => {}
            }
        }
        Table {
            entries,
            by_two,
            single,
        }
    })
}

/// Characters a word of the table starts from.
#[inline]
pub fn is_kanji(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}' | '々' | '〆')
}

/// Characters the readings are written in (hiragana and ー): a query word
/// without them can only match in the text.
#[inline]
pub fn in_readings(c: char) -> bool {
    matches!(c, '\u{3041}'..='\u{3096}' | 'ー')
}

/// A word of the text with a reading: its byte range in the (folded) text
/// and its reading (hiragana, long vowels not yet folded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub bytes: Range<usize>,
    pub reading: &'static str,
}

/// The longest table word at the start of `text` (which starts with a
/// kanji): its length in bytes and its reading.
fn longest(text: &str) -> Option<(usize, &'static str)> {
    let t = table();
    let mut cs = text.chars();
    let first = cs.next()?;
    let one = || t.single.get(&first).map(|r| (first.len_utf8(), *r));
    let Some(second) = cs.next() else {
        return one();
    };
    let Some(&(lo, hi)) = t.by_two.get(&pair(first, second)) else {
        return one();
    };
    let mut range = &t.entries[lo as usize..hi as usize];
    let mut best = None;
    let mut end = first.len_utf8() + second.len_utf8();
    loop {
        let p = &text.as_bytes()[..end];
        let lo = range.partition_point(|(s, _)| s.as_bytes() < p);
        range = &range[lo..];
        let hi = range.partition_point(|(s, _)| s.as_bytes().starts_with(p));
        range = &range[..hi];
        let Some(&(s, r)) = range.first() else {
            break;
        };
        if s.len() == end {
            best = Some((end, r));
        }
        let Some(next) = text[end..].chars().next() else {
            break;
        };
        end += next.len_utf8();
    }
    best.or_else(one)
}

/// The words with a kanji in `folded` text, in order, by longest match;
/// a kanji no word covers reads as itself.
pub fn segment(folded: &str, mut emit: impl FnMut(Word)) {
    let mut i = 0;
    while i < folded.len() {
        let Some(c) = folded[i..].chars().next() else {
            break;
        };
        if !is_kanji(c) {
            i += c.len_utf8();
            continue;
        }
        match longest(&folded[i..]) {
            Some((len, reading)) => {
                emit(Word {
                    bytes: i..i + len,
                    reading,
                });
                i += len;
            }
            None => {
                let len = c.len_utf8();
                emit(Word {
                    bytes: i..i + len,
                    reading: "",
                });
                i += len;
            }
        }
    }
}

/// The words whose readings the index keeps, in order. Left out, as
/// noise that costs memory: a word without a reading; a one-kanji word
/// standing alone (区 く, 生 せい would match all their homophones' kana;
/// kana queries still find such a kanji through [`surfaces_read_as`]);
/// a word met earlier in the same entry, standing alone (its first
/// occurrence is found already). A one-kanji word next to another word
/// (参加|者, 大|規模) stays: compounds read across it. `joined` says the
/// word follows the previous kept word directly in the text (a reading may
/// then run on across them).
pub fn index_words(folded: &str, mut emit: impl FnMut(Word, bool)) {
    let mut words: Vec<Word> = Vec::new();
    segment(folded, |w| words.push(w));
    let next_to = |i: usize| {
        let read = |j: usize| !words[j].reading.is_empty();
        (i > 0 && read(i - 1) && words[i - 1].bytes.end == words[i].bytes.start)
            || (i + 1 < words.len()
                && read(i + 1)
                && words[i].bytes.end == words[i + 1].bytes.start)
    };
    let mut last_end = usize::MAX;
    for i in 0..words.len() {
        let w = &words[i];
        if w.reading.is_empty() {
            continue;
        }
        let one = folded[w.bytes.clone()].chars().nth(1).is_none();
        let again = words[..i].iter().any(|o| o.reading == w.reading);
        if (one || again) && !next_to(i) {
            continue;
        }
        let joined = w.bytes.start == last_end;
        last_end = w.bytes.end;
        emit(w.clone(), joined);
    }
}

/// The readings the index would keep for `folded`, run together (for the
/// character codes: see `load`).
pub fn sample_readings(folded: &str, out: &mut String) {
    index_words(folded, |w, _| fold_long(w.reading, out));
}

/// A kana query matching this many surfaces or more by
/// [`surfaces_read_as`] is too common a sound to mean any of them.
const MAX_SURFACES: usize = 6;

/// The surfaces read as `reading` (hiragana, long vowels folded) that the
/// index does not hold that reading for: one-kanji words (生 なま) and the
/// other readings of a word (今日 こんにち, 生 せい). A kana query equal
/// to such a reading looks for these surfaces in the text. Empty for one
/// kana, or when more than a few words sound alike.
pub fn surfaces_read_as(reading: &str) -> &'static [&'static str] {
    static MAP: OnceLock<HashMap<String, Vec<&'static str>>> = OnceLock::new();
    if reading.chars().nth(1).is_none() {
        return &[];
    }
    let map = MAP.get_or_init(|| {
        let mut map: HashMap<String, Vec<&'static str>> = HashMap::new();
        let lines = TABLE_TEXT.lines().filter(|l| !l.starts_with('#'));
        for l in lines {
            let mut cols = l.split('\t');
            let (Some(s), Some(r)) = (cols.next(), cols.next()) else {
                continue;
            };
            let one = s.chars().nth(1).is_none();
            let others = cols.next().unwrap_or("").split(' ');
            for r in (one.then_some(r)).into_iter().chain(others) {
                if r.chars().nth(1).is_some() {
                    map.entry(folded_long(r)).or_default().push(s);
                }
            }
        }
        map.retain(|_, v| v.len() < MAX_SURFACES);
        map
    });
    map.get(reading).map_or(&[], Vec::as_slice)
}

/// The vowel of a hiragana syllable (for long vowels). A `match` the
/// compiler turns into a table: this runs for every character of every
/// reading the index keeps.
fn vowel(c: char) -> Option<char> {
    Some(match c {
        'あ' | 'か' | 'が' | 'さ' | 'ざ' | 'た' | 'だ' | 'な' | 'は' | 'ば' | 'ぱ' | 'ま'
        | 'や' | 'ら' | 'わ' | 'ぁ' | 'ゃ' | 'ゎ' => 'a',
        'い' | 'き' | 'ぎ' | 'し' | 'じ' | 'ち' | 'ぢ' | 'に' | 'ひ' | 'び' | 'ぴ' | 'み'
        | 'り' | 'ゐ' | 'ぃ' => 'i',
        'う' | 'く' | 'ぐ' | 'す' | 'ず' | 'つ' | 'づ' | 'ぬ' | 'ふ' | 'ぶ' | 'ぷ' | 'む'
        | 'ゆ' | 'る' | 'ぅ' | 'ゅ' | 'ゔ' => 'u',
        'え' | 'け' | 'げ' | 'せ' | 'ぜ' | 'て' | 'で' | 'ね' | 'へ' | 'べ' | 'ぺ' | 'め'
        | 'れ' | 'ゑ' | 'ぇ' => 'e',
        'お' | 'こ' | 'ご' | 'そ' | 'ぞ' | 'と' | 'ど' | 'の' | 'ほ' | 'ぼ' | 'ぽ' | 'も'
        | 'よ' | 'ろ' | 'を' | 'ぉ' | 'ょ' => 'o',
        _ => return None,
    })
}

/// Long vowels written any way fold to `ー`: おう, おお, おー → おー;
/// えい, ええ → えー; うう → うー; いい → いー; ああ → あー. Applied to
/// both the readings kept and the query, so `toukyou`, `tookyoo` and
/// `to-kyo-` all find 東京.
pub fn fold_long(kana: &str, out: &mut String) {
    let mut prev: Option<char> = None;
    for c in kana.chars() {
        let long = matches!(
            (prev.and_then(vowel), c),
            (Some(_), 'ー')
                | (Some('o'), 'う' | 'お')
                | (Some('e'), 'い' | 'え')
                | (Some('u'), 'う')
                | (Some('i'), 'い')
                | (Some('a'), 'あ')
        );
        if long {
            out.push('ー');
            // A third vowel starts afresh (おおう is not one long vowel).
            prev = None;
        } else {
            out.push(c);
            prev = Some(c);
        }
    }
}

pub fn folded_long(kana: &str) -> String {
    let mut s = String::with_capacity(kana.len());
    fold_long(kana, &mut s);
    s
}

/// The reading form of a (folded) query word, when it differs from the
/// word: romaji turned into kana, kanji into their readings, long vowels
/// folded. None when the word has nothing a reading could change.
pub fn query_reading(term: &str) -> Option<String> {
    let has_kanji = term.chars().any(is_kanji);
    let has_kana = term
        .chars()
        .any(|c| matches!(c, '\u{3041}'..='\u{3096}' | 'ー'));
    let has_latin = term.chars().any(|c| c.is_ascii_alphabetic());
    if has_kanji && !has_kana && !has_latin {
        // A kanji word is looked for as written: its homophones would be noise.
        return None;
    }
    let kana = super::romaji::to_kana(term)?;
    let mut out = String::with_capacity(kana.len() * 2);
    let mut at = 0;
    let mut words = Vec::new();
    segment(&kana, |w| words.push(w));
    let mut plain = String::with_capacity(kana.len());
    for w in words {
        plain.push_str(&kana[at..w.bytes.start]);
        plain.push_str(if w.reading.is_empty() {
            &kana[w.bytes.clone()]
        } else {
            w.reading
        });
        at = w.bytes.end;
    }
    plain.push_str(&kana[at..]);
    fold_long(&plain, &mut out);
    (out != term && !out.is_empty()).then_some(out)
}

/// An entry's key as the index holds it (the text, then the readings of
/// its kanji words: see [`super::index`]), with each character of the
/// readings mapped back to the key characters of its word.
#[derive(Debug, Clone, Default)]
pub struct Hay {
    pub text: String,
    /// Characters of the key itself (the text before the readings).
    pub key_chars: usize,
    /// For each character after the key: the key characters of its word
    /// (empty for the marks).
    words: Vec<Range<usize>>,
}

impl Hay {
    pub fn new(key: &str) -> Hay {
        let key_chars = key.chars().count();
        let mut h = Hay {
            text: key.to_string(),
            key_chars,
            words: Vec::new(),
        };
        let mut first = true;
        let mut long = String::new();
        let (mut at_byte, mut at_char) = (0, 0);
        index_words(key, |w, joined| {
            at_char += key[at_byte..w.bytes.start].chars().count();
            let n = key[w.bytes.clone()].chars().count();
            let range = at_char..at_char + n;
            at_char += n;
            at_byte = w.bytes.end;
            h.text.push(if first || !joined {
                super::index::READING_MARK_CHAR
            } else {
                super::index::WORD_MARK_CHAR
            });
            h.words.push(0..0);
            first = false;
            long.clear();
            fold_long(w.reading, &mut long);
            for c in long.chars() {
                h.text.push(c);
                h.words.push(range.clone());
            }
        });
        h
    }

    /// The key itself (the text before the readings).
    pub fn key(&self) -> &str {
        let end = self
            .text
            .char_indices()
            .nth(self.key_chars)
            .map_or(self.text.len(), |(i, _)| i);
        &self.text[..end]
    }

    /// Where `f` stands in the readings, as hay character indices: within
    /// one word's reading, or with `across`, ignoring the marks between
    /// words that follow each other in the text.
    pub fn find_in_readings(&self, f: &str, across: bool) -> Option<Vec<usize>> {
        let (mut plain, mut at) = (String::new(), Vec::new());
        for (k, c) in self.text.chars().enumerate().skip(self.key_chars) {
            if c == super::index::WORD_MARK_CHAR && across {
                continue;
            }
            plain.push(c);
            at.push(k);
        }
        let p = plain.find(f)?;
        let first = plain[..p].chars().count();
        Some(at[first..first + f.chars().count()].to_vec())
    }

    /// Where `f` (all kana) stands as the end of a word's reading and the text
    /// right after that word (`だんちの` in 団地の; see
    /// `matcher::Crossing`): hay character indices.
    pub fn find_crossing(&self, f: &str) -> Option<Vec<usize>> {
        let chars: Vec<char> = self.text.chars().collect();
        let key = &chars[..self.key_chars];
        let want: Vec<char> = f.chars().collect();
        if !want.iter().all(|c| in_readings(*c)) {
            return None;
        }
        let is_mark =
            |c: char| c == super::index::READING_MARK_CHAR || c == super::index::WORD_MARK_CHAR;
        // As `matcher::Crossing`: at most three kana after the word.
        for cut in want.len().saturating_sub(3).max(1)..want.len() {
            let (head, tail) = want.split_at(cut);
            for start in self.key_chars..chars.len() {
                let (mut i, mut j, mut at) = (start, 0, Vec::new());
                while j < head.len() {
                    match chars.get(i) {
                        Some(&c) if c == head[j] => {
                            at.push(i);
                            j += 1;
                        }
                        Some(&c) if c == super::index::WORD_MARK_CHAR && j > 0 => {}
                        _ => break,
                    }
                    i += 1;
                }
                if j < head.len() || chars.get(i).is_some_and(|c| !is_mark(*c)) {
                    continue;
                }
                let after = self.key_range(i - 1).end;
                if key.get(after..after + tail.len()) == Some(tail) {
                    at.extend(after..after + tail.len());
                    return Some(at);
                }
            }
        }
        None
    }

    /// The key characters behind hay character `k`.
    pub fn key_range(&self, k: usize) -> Range<usize> {
        if k < self.key_chars {
            k..k + 1
        } else {
            self.words.get(k - self.key_chars).cloned().unwrap_or(0..0)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<(String, &'static str)> {
        let mut v = Vec::new();
        segment(s, |w| v.push((s[w.bytes.clone()].to_string(), w.reading)));
        v
    }

    #[test]
    fn compound_words_read_as_words() {
        assert_eq!(words("団地"), vec![("団地".into(), "だんち")]);
        assert_eq!(words("創立50周年"), {
            let mut v = words("創立");
            v.push(("周年".into(), "しゅうねん"));
            v
        });
        assert_eq!(words("子育て支援"), {
            let mut v = vec![("子育て".to_string(), "こそだて")];
            v.extend(words("支援"));
            v
        });
        assert_eq!(words("学校"), vec![("学校".into(), "がっこう")]);
    }

    #[test]
    fn long_vowels_fold_alike() {
        for s in ["とうきょう", "とおきょお", "とーきょー"] {
            assert_eq!(folded_long(s), "とーきょー", "{s}");
        }
        assert_eq!(folded_long("せい"), "せー");
        assert_eq!(folded_long("しゅうねん"), "しゅーねん");
    }

    #[test]
    fn query_readings() {
        assert_eq!(query_reading("danchi").as_deref(), Some("だんち"));
        assert_eq!(query_reading("団地"), None);
        assert_eq!(
            query_reading("大規模だんち").as_deref(),
            Some("だいきぼだんち")
        );
        assert_eq!(query_reading("だんち"), None);
        assert_eq!(query_reading("しゅうねん").as_deref(), Some("しゅーねん"));
    }
}
