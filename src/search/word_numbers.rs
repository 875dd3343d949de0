//! Word numbers: how an entry's readings are stored.
//!
//! After an entry's key come the readings of its kanji words. Each word's
//! reading (long vowels folded) is stored as its number in the index's
//! table of distinct readings, [`Words`]: one byte for the commonest 192,
//! two for the next 15,180, four beyond. [`READING_MARK`] comes before the
//! first number and [`RUN_MARK`] between runs of words (a word not right
//! after the previous one in the text); the words of a run follow each
//! other with nothing between them (the numbers delimit themselves).
//!
//! The matcher works on the layout [`super::reading_bytes`] describes (the
//! readings as kana, marks and final bytes): [`expand`] writes it from the
//! numbers, for the entries a query's kana may match in ([`Words::mask`]).
//! Numbers only grow: a patch appends the readings new to the table, so a
//! mapped base and the layer over it share one numbering.

use std::collections::HashMap;

use super::index::Codec;
use super::reading_bytes::{final_byte, word_final_byte, READING_MARK, WORD_MARK};

/// Between runs of words in the stored readings.
pub const RUN_MARK: u8 = 0xFE;
/// Numbers below this take one byte (`n + 1`: 0x01..=0xC0).
const ONE: u32 = 192;
/// Lead bytes of two-byte numbers: 0xC1..=0xFC.
const LEADS: u32 = 60;
/// Values of a following byte: 0x01..=0xFD (never 0, a mark or 0xFF).
const BASE: u32 = 253;
const TWO: u32 = ONE + LEADS * BASE;
/// Starts a four-byte number (three bytes of [`BASE`] follow).
const WIDE: u8 = 0xFD;

/// Append number `n`'s bytes.
pub fn push_number(n: u32, out: &mut Vec<u8>) {
    if n < ONE {
        out.push(n as u8 + 1);
    } else if n < TWO {
        let m = n - ONE;
        out.extend([0xC1 + (m / BASE) as u8, 1 + (m % BASE) as u8]);
    } else {
        let m = (n - TWO).min(BASE * BASE * BASE - 1);
        out.extend([
            WIDE,
            1 + (m / (BASE * BASE)) as u8,
            1 + (m / BASE % BASE) as u8,
            1 + (m % BASE) as u8,
        ]);
    }
}

/// One item of the stored readings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Item {
    Word(u32),
    /// The next word starts a new run.
    Run,
}

/// The item at `*i` of `b` (the bytes after the [`READING_MARK`]), moving
/// `*i` past it; None at the end or on bytes no writer makes.
#[inline]
pub fn next_item(b: &[u8], i: &mut usize) -> Option<Item> {
    let x = *b.get(*i)?;
    let digit = |k: usize| b.get(*i + k).map(|&v| u32::from(v).wrapping_sub(1));
    let (item, len) = match x {
        RUN_MARK => (Item::Run, 1),
        0x01..=0xC0 => (Item::Word(u32::from(x) - 1), 1),
        0xC1..=0xFC => {
            let lo = digit(1).filter(|d| *d < BASE)?;
            (Item::Word(ONE + (u32::from(x) - 0xC1) * BASE + lo), 2)
        }
        WIDE => {
            let (a, b2, c) = (digit(1)?, digit(2)?, digit(3)?);
            if a >= BASE || b2 >= BASE || c >= BASE {
                return None;
            }
            (Item::Word(TWO + (a * BASE + b2) * BASE + c), 4)
        }
        _ => return None,
    };
    *i += len;
    Some(item)
}

/// What the layout needs of a word's last kana.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Tail {
    /// Its code's length (0: the reading is empty).
    len: u8,
    /// Its final byte and word final byte, 0 when it has none.
    fin: u8,
    word_fin: u8,
}

/// The table of distinct readings of an index (see the module comment).
#[derive(Debug, Clone, Default)]
pub struct Words {
    /// Each reading in the index's codec, back to back.
    bytes: Vec<u8>,
    /// Where each reading ends in `bytes`.
    ends: Vec<u32>,
    /// Derived (not stored): each reading's last kana, and the kana it
    /// holds ([`kana_bit`]).
    tails: Vec<Tail>,
    masks: Vec<u128>,
}

/// A bit for each character the readings are written in (see
/// [`super::readings::in_readings`]); every other character shares bit
/// 127 (a query with one looks at every word with one).
#[inline]
pub fn kana_bit(c: char) -> u128 {
    match c {
        '\u{3041}'..='\u{3096}' => 1 << (c as u32 - 0x3041),
        'ー' => 1 << 86,
        _ => 1 << 127,
    }
}

impl Words {
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Add a reading (folded), returning its number.
    pub fn push(&mut self, reading: &str, codec: &Codec) -> u32 {
        let start = self.bytes.len();
        let mut tail = Tail::default();
        let mut mask = 0;
        for c in reading.chars() {
            let at = self.bytes.len();
            codec.push(c, &mut self.bytes);
            tail = Tail {
                len: (self.bytes.len() - at) as u8,
                fin: final_byte(c).unwrap_or(0),
                word_fin: word_final_byte(c).unwrap_or(0),
            };
            mask |= kana_bit(c);
        }
        debug_assert!(self.bytes.len() >= start);
        self.ends.push(self.bytes.len() as u32);
        self.tails.push(tail);
        self.masks.push(mask);
        (self.ends.len() - 1) as u32
    }

    /// Reading `n` in the codec (empty when there is none).
    #[inline]
    pub fn bytes(&self, n: u32) -> &[u8] {
        let n = n as usize;
        let Some(&end) = self.ends.get(n) else {
            return &[];
        };
        let start = if n == 0 { 0 } else { self.ends[n - 1] };
        self.bytes.get(start as usize..end as usize).unwrap_or(&[])
    }

    /// The kana reading `n` holds (see [`kana_bit`]).
    #[inline]
    pub fn mask(&self, n: u32) -> u128 {
        self.masks.get(n as usize).copied().unwrap_or(0)
    }

    /// Each reading as text (to look readings up by).
    pub fn readings(&self, codec: &Codec) -> Vec<String> {
        (0..self.len() as u32)
            .map(|n| codec.decode(self.bytes(n)))
            .collect()
    }

    /// A number for each reading, to add words by ([`Words::push`]).
    pub fn lookup(&self, codec: &Codec) -> HashMap<String, u32> {
        self.readings(codec)
            .into_iter()
            .enumerate()
            .map(|(n, r)| (r, n as u32))
            .collect()
    }

    /// What the table holds in memory.
    pub fn memory_bytes(&self) -> usize {
        self.bytes.len() + self.ends.len() * (4 + 16 + std::mem::size_of::<Tail>())
    }

    /// The stored form: the count, each end (u32), then the bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(4 + self.ends.len() * 4 + self.bytes.len());
        out.extend((self.ends.len() as u32).to_le_bytes());
        for e in &self.ends {
            out.extend(e.to_le_bytes());
        }
        out.extend(&self.bytes);
        out
    }

    /// From [`Words::to_bytes`]; None when the ends do not fit the bytes.
    pub fn from_bytes(b: &[u8], codec: &Codec) -> Option<Words> {
        let n = u32::from_le_bytes(b.get(..4)?.try_into().ok()?) as usize;
        let ends_at = b.get(4..4 + n.checked_mul(4)?)?;
        let bytes = &b[4 + n * 4..];
        let mut words = Words::default();
        let mut start = 0usize;
        for e in ends_at.chunks_exact(4) {
            let end = u32::from_le_bytes(e.try_into().ok()?) as usize;
            if end < start || end > bytes.len() {
                return None;
            }
            words.push(&codec.decode(&bytes[start..end]), codec);
            start = end;
        }
        (start == bytes.len() && words.bytes == bytes).then_some(words)
    }
}

/// Where a stored key's readings start (its only [`READING_MARK`]: no code
/// or number uses that byte), looked for from the end (the numbers are short).
#[inline]
fn mark_at(key: &[u8]) -> Option<usize> {
    memchr::memrchr(READING_MARK, key)
}

/// `entry` (a stored key) as the matcher's layout (see
/// [`super::reading_bytes`]) into `out`: the text and the mark as they
/// are, then each word's reading with the marks and final bytes between.
pub fn expand(words: &Words, entry: &[u8], out: &mut Vec<u8>) {
    expand_words(words, entry, usize::MAX, out);
}

/// [`expand`] of the first `limit` words only.
pub fn expand_words(words: &Words, entry: &[u8], limit: usize, out: &mut Vec<u8>) {
    out.clear();
    let Some(mark) = mark_at(entry) else {
        out.extend_from_slice(entry);
        return;
    };
    out.extend_from_slice(&entry[..=mark]);
    let numbers = &entry[mark + 1..];
    let (mut i, mut first, mut apart, mut k) = (0, true, false, 0);
    // Where the last word's last kana starts, and what it ends in.
    let mut last: Option<(usize, Tail)> = None;
    while let Some(item) = next_item(numbers, &mut i) {
        let n = match item {
            Item::Run => {
                apart = true;
                continue;
            }
            Item::Word(n) => n,
        };
        if k == limit {
            break;
        }
        k += 1;
        if !first {
            let (fin, mark) = match last {
                Some((_, t)) if apart => (t.fin, READING_MARK),
                Some((_, t)) => (t.word_fin, WORD_MARK),
                None => (0, if apart { READING_MARK } else { WORD_MARK }),
            };
            match last {
                Some((at, _)) if fin != 0 => {
                    out.truncate(at);
                    out.push(fin);
                }
                _ => out.push(mark),
            }
        }
        first = false;
        apart = false;
        out.extend_from_slice(words.bytes(n));
        let tail = words.tails.get(n as usize).copied().unwrap_or_default();
        last = (tail.len > 0).then(|| (out.len() - usize::from(tail.len), tail));
    }
}

/// `entry`'s numbers through `map` (old number to new), appended to `out`
/// (the text and the mark as they are; an entry's 0 separator kept).
pub fn recode(entry: &[u8], map: &[u32], out: &mut Vec<u8>) {
    let Some(mark) = memchr::memchr(READING_MARK, entry) else {
        out.extend_from_slice(entry);
        return;
    };
    out.extend_from_slice(&entry[..=mark]);
    let (numbers, sep) = match entry[mark + 1..].split_last() {
        Some((0, body)) => (body, true),
        _ => (&entry[mark + 1..], false),
    };
    let mut i = 0;
    while let Some(item) = next_item(numbers, &mut i) {
        match item {
            Item::Run => out.push(RUN_MARK),
            Item::Word(n) => push_number(map.get(n as usize).copied().unwrap_or(n), out),
        }
    }
    if sep {
        out.push(0);
    }
}

/// A word holds the first kana of a query word's form: the readings may
/// match it (find, ranking).
pub const MATCH: u8 = 1;
/// A word holds an anchor's kana: the entry is one to look at.
pub const ANCHOR: u8 = 2;
/// A word holds a kana of the last word as typed: a match grown from the
/// last keystroke's may run into the readings.
pub const GROW: u8 = 4;

/// What a query's kana can do in an entry's readings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Look {
    /// Where the readings start (the mark), or the key's length.
    pub text_end: usize,
    /// The flags ([`MATCH`], [`ANCHOR`], [`GROW`]) of the words walked.
    pub seen: u8,
}

/// How much of an entry's readings the matcher must read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// None: no match in the readings can start (the text and the mark
    /// give the same answer).
    Text,
    /// The first this many words: each form the readings may match lies
    /// whole within one of the words before the last of these (the
    /// earliest such place is the match; the next word settles how the
    /// word before it ends).
    Words(usize),
    /// All of them.
    All,
}

/// The most forms told apart ([`WordFilter::reach`]); with more, every
/// entry with a [`MATCH`] word is read whole.
const FORMS: usize = 12;

/// Which words hold which of a query's kana, worked out once per query
/// over the table (mask tests per word, and a substring test for the
/// words holding a form's first kana).
pub struct WordFilter {
    /// [`MATCH`], [`ANCHOR`], [`GROW`]; then per form `j` bit `8 + 2j`:
    /// the word holds the form whole, `9 + 2j`: the word ends with a head
    /// of the form (a match across words may start there).
    flags: Vec<u32>,
    /// Forms told apart (all of them when at most [`FORMS`]).
    forms: Option<usize>,
    /// Per word `n` and form `j` (at `n * forms + j`): where the form's
    /// first occurrence in the word's reading starts ([`NOT_HELD`] when
    /// the word does not hold it whole); see [`WordFilter::hits`].
    at: Vec<u32>,
    /// Each form's length in the codec.
    form_len: Vec<u32>,
    /// Bytes of the numbers that say "no flag" wherever they stand: a
    /// one-byte number with none, a lead byte whose every number has
    /// none, the run mark. An entry made of them only needs no walk.
    cold: [bool; 256],
}

/// In [`WordFilter`]'s `at`: the word does not hold the form.
const NOT_HELD: u32 = u32::MAX;

const fn holds(j: usize) -> u32 {
    1 << (8 + 2 * j)
}

const fn starts(j: usize) -> u32 {
    1 << (9 + 2 * j)
}

impl WordFilter {
    /// `masks`: the kana ([`kana_bit`]) for [`MATCH`], [`ANCHOR`], [`GROW`];
    /// `forms`: each form of each query word (text, reading) as text and
    /// in the codec.
    pub fn new(words: &Words, masks: [u128; 3], forms: &[(&str, Vec<u8>)]) -> WordFilter {
        let firsts: Vec<u128> = forms
            .iter()
            .map(|(f, _)| f.chars().next().map_or(0, kana_bit))
            .collect();
        let told = forms.len() <= FORMS;
        let mut at = vec![NOT_HELD; if told { words.len() * forms.len() } else { 0 }];
        let flags: Vec<u32> = (0..words.len() as u32)
            .map(|n| {
                let m = words.mask(n);
                let mut f = u32::from(m & masks[0] != 0)
                    | (u32::from(m & masks[1] != 0) << 1)
                    | (u32::from(m & masks[2] != 0) << 2);
                for (j, ((_, bytes), first)) in forms.iter().zip(&firsts).enumerate() {
                    if !told || m & first == 0 {
                        continue;
                    }
                    let w = words.bytes(n);
                    if let Some(p) = memchr::memmem::find(w, bytes).filter(|_| !bytes.is_empty()) {
                        f |= holds(j);
                        at[n as usize * forms.len() + j] = p as u32;
                    }
                    // The word ends with a head of the form: a match
                    // across words (or into the text after the word) may
                    // start there.
                    if (0..w.len()).any(|p| w.len() - p < bytes.len() && bytes.starts_with(&w[p..]))
                    {
                        f |= starts(j);
                    }
                }
                f
            })
            .collect();
        WordFilter {
            cold: cold_bytes(&flags),
            flags,
            forms: told.then_some(forms.len()),
            at,
            form_len: forms.iter().map(|(_, b)| b.len() as u32).collect(),
        }
    }

    /// Walk `key`'s numbers until the words seen have every flag of
    /// `want` (or to the end).
    #[inline]
    pub fn look(&self, key: &[u8], want: u8) -> Look {
        let Some(mark) = mark_at(key) else {
            return Look {
                text_end: key.len(),
                seen: 0,
            };
        };
        let numbers = &key[mark + 1..];
        let (mut i, mut seen) = (0, 0u8);
        while let Some(item) = next_item(numbers, &mut i) {
            if let Item::Word(n) = item {
                // A number past the table (a damaged file): every flag.
                seen |= self.flags.get(n as usize).map_or(0xFF, |f| *f as u8);
                if seen & want == want {
                    break;
                }
            }
        }
        Look {
            text_end: mark,
            seen,
        }
    }

    /// How much of `key`'s readings the matcher must read to find the
    /// query's words, and (`anchor`) whether a word holds an anchor's kana.
    #[inline]
    pub fn reach(&self, key: &[u8], anchor: bool) -> (Look, Reach) {
        let Some(mark) = mark_at(key) else {
            let look = Look {
                text_end: key.len(),
                seen: 0,
            };
            return (look, Reach::Text);
        };
        let numbers = &key[mark + 1..];
        if numbers.iter().all(|&b| self.cold[usize::from(b)]) {
            let look = Look {
                text_end: mark,
                seen: 0,
            };
            return (look, Reach::Text);
        }
        let all_holds: u32 = (0..self.forms.unwrap_or(0)).map(holds).sum();
        let want = if anchor { u32::from(ANCHOR) } else { 0 };
        let (mut i, mut k, mut seen, mut last) = (0, 0usize, 0u32, 0usize);
        while i < numbers.len() {
            // One-byte numbers (most words) by table.
            let b = numbers[i];
            let n = if b <= 0xC0 {
                i += 1;
                if b == 0 {
                    break;
                }
                u32::from(b) - 1
            } else {
                match next_item(numbers, &mut i) {
                    Some(Item::Word(n)) => n,
                    Some(Item::Run) => continue,
                    None => break,
                }
            };
            let Some(&f) = self.flags.get(n as usize) else {
                // A number past the table (a damaged file): read it all.
                let look = Look {
                    text_end: mark,
                    seen: 0xFF,
                };
                return (look, Reach::All);
            };
            if f & all_holds & !seen != 0 {
                last = k;
            }
            seen |= f;
            k += 1;
            if all_holds != 0 && seen & all_holds == all_holds && seen & want == want {
                break;
            }
        }
        let look = Look {
            text_end: mark,
            seen: seen as u8,
        };
        let reach = match self.forms {
            None if seen & u32::from(MATCH) != 0 => Reach::All,
            None => Reach::Text,
            Some(forms) => {
                // A form no word holds whole may match across words from
                // a word ending with a head of it.
                if (0..forms).any(|j| seen & starts(j) != 0 && seen & holds(j) == 0) {
                    Reach::All
                } else if seen & all_holds != 0 {
                    Reach::Words(last + 2)
                } else {
                    Reach::Text
                }
            }
        };
        (look, reach)
    }
}

/// [`WordFilter`]'s `cold` bytes (a number past the table is never cold:
/// the walk reads such an entry whole).
fn cold_bytes(flags: &[u32]) -> [bool; 256] {
    let none = |lo: u32, hi: u32| {
        hi as usize <= flags.len() && flags[lo as usize..hi as usize].iter().all(|f| *f == 0)
    };
    let mut cold = [false; 256];
    for b in 0x01..=0xFCu32 {
        cold[b as usize] = if b <= 0xC0 {
            none(b - 1, b)
        } else {
            let lo = ONE + (b - 0xC1) * BASE;
            none(lo, lo + BASE)
        };
    }
    cold[usize::from(RUN_MARK)] = true;
    cold
}

/// The kana bits of `text`'s characters.
pub fn mask_of(text: &str) -> u128 {
    text.chars().fold(0, |m, c| m | kana_bit(c))
}

#[path = "word_build.rs"]
mod build;
pub use build::{adopt_words, WordsBuilder};

#[path = "word_hits.rs"]
mod hits;
pub use hits::Hits;

#[cfg(test)]
#[path = "word_numbers_tests.rs"]
mod tests;
