//! The in-memory index: every searchable text's folded key, back to back in
//! one byte arena (each followed by a 0 byte, which no character encodes
//! to, so a match never spans two entries), and a small fixed-size record
//! per entry. The original text is not kept: it is read back from the
//! database for the few results shown.
//!
//! Keys are stored in a [`Codec`]: each character becomes the UTF-8 form of
//! its frequency rank, so the 127 commonest characters (most hiragana, common
//! kanji, punctuation) take one byte instead of three. That halves the bytes
//! a scan reads and the memory, and a common character is found with a
//! single-byte `memchr`. Being UTF-8 shaped, the code is self-synchronising:
//! a search for one character's bytes never matches inside another's.
//!
//! Entries are sorted newest first, so "ties by recency" is "lower index
//! first", and a fiscal year is one contiguous range of entries.
//!
//! After an entry's key come the readings of its kanji words, laid out as
//! [`super::reading_bytes`] describes.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};

use super::fold::{fold, fold_each, fold_into};
pub use super::kind::DocKind;
use super::readings;
pub use super::slab::Slab;

pub use super::reading_bytes::{
    final_byte, final_char, is_final, is_word_final, word_final_byte, word_final_char, WordFinals,
    FINALS, FINAL_BYTES, READING_MARK, READING_MARK_CHAR, WORD_FINALS, WORD_FINAL_BYTES, WORD_MARK,
    WORD_MARK_CHAR,
};
use super::reading_bytes::{push_readings, show_mark};
pub use super::word_numbers::Words;
use super::word_numbers::{expand, recode, WordsBuilder};

/// Bytes of the arena sampled for byte frequencies.
const RARITY_SAMPLE: usize = 256 << 10;

/// One entry's facts, for filters, ranking and finding it again.
///
/// `repr(C)` so the index file ([`super::persist`]) can hold the records as
/// they are in memory and a mapped file be used in place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(C)]
pub struct Doc {
    /// Row id in `opinions`, `agenda_items` or `plan_nodes`.
    pub id: i64,
    /// The meeting (opinions, agenda items) or plan (nodes).
    pub parent: i64,
    /// Days since 0001-01-01 of the meeting (or the start of the plan's
    /// fiscal year); 0 when there is none.
    pub day: i32,
    /// 0 when there is none.
    pub fiscal_year: i16,
    /// 第N回; 0 for nodes.
    pub meeting_no: u16,
    /// Index into [`Index::speakers`]; 0 for none.
    pub speaker: u16,
    pub kind: DocKind,
}

impl Doc {
    #[cfg(test)]
    pub(crate) fn default_for_test() -> Doc {
        Doc {
            id: 1,
            parent: 1,
            day: 1,
            fiscal_year: 2020,
            meeting_no: 1,
            speaker: 0,
            kind: DocKind::Opinion,
        }
    }

    pub fn date(&self) -> Option<NaiveDate> {
        (self.day > 0)
            .then(|| NaiveDate::from_num_days_from_ce_opt(self.day))
            .flatten()
    }
}

pub fn day_number(d: NaiveDate) -> i32 {
    d.num_days_from_ce()
}

/// Characters to compact codes and back (see the module comment).
#[derive(Debug, Clone)]
pub struct Codec {
    /// Code of each BMP character (by code point); astral characters are
    /// their own code (at least 0x10000, above every BMP code).
    to_code: Vec<u16>,
    /// Character of each BMP code.
    from_code: Vec<char>,
}

impl Default for Codec {
    fn default() -> Self {
        Codec::from_counts(&HashMap::new())
    }
}

impl Codec {
    /// Ranks from a sample of text: its characters by falling frequency get
    /// codes 1, 2, …; every other BMP character follows, in code point order.
    /// Code 0 is the entry separator.
    pub fn from_sample<'a>(texts: impl IntoIterator<Item = &'a str>) -> Codec {
        let mut counts: HashMap<char, u64> = HashMap::new();
        for t in texts {
            fold_each(t, |c| *counts.entry(c).or_default() += 1);
        }
        Codec::from_counts(&counts)
    }

    fn from_counts(counts: &HashMap<char, u64>) -> Codec {
        let mut seen: Vec<(char, u64)> = counts
            .iter()
            .filter(|(c, _)| (**c as u32) < 0x10000)
            .map(|(c, n)| (*c, *n))
            .collect();
        seen.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let mut to_code = vec![0u16; 0x10000];
        let mut from_code = vec!['\0'; 1];
        for (c, _) in seen {
            to_code[c as usize] = from_code.len() as u16;
            from_code.push(c);
        }
        for cp in 1..0x10000u32 {
            if let Some(c) = char::from_u32(cp) {
                if to_code[cp as usize] == 0 && from_code.len() < 0x10000 {
                    to_code[cp as usize] = from_code.len() as u16;
                    from_code.push(c);
                }
            }
        }
        Codec { to_code, from_code }
    }

    /// The character of each BMP code, code 0 first (what the index file
    /// stores).
    pub(super) fn chars(&self) -> &[char] {
        &self.from_code
    }

    /// A codec from [`Codec::chars`]; None when a character repeats or
    /// there are more than the BMP's codes.
    pub(super) fn from_chars(from_code: Vec<char>) -> Option<Codec> {
        if from_code.is_empty() || from_code.len() > 0x10000 {
            return None;
        }
        let mut to_code = vec![0u16; 0x10000];
        for (code, &c) in from_code.iter().enumerate().skip(1) {
            let slot = to_code.get_mut(c as usize)?;
            if *slot != 0 || c == '\0' {
                return None;
            }
            *slot = code as u16;
        }
        Some(Codec { to_code, from_code })
    }

    #[inline]
    pub fn code(&self, c: char) -> u32 {
        let cp = c as u32;
        if cp < 0x10000 {
            u32::from(self.to_code[cp as usize])
        } else {
            cp
        }
    }

    #[inline]
    pub fn push(&self, c: char, out: &mut Vec<u8>) {
        push_code(self.code(c), out);
    }

    /// The bytes of a folded string.
    pub fn encode(&self, folded: &str) -> Vec<u8> {
        let mut out = Vec::with_capacity(folded.len());
        for c in folded.chars() {
            self.push(c, &mut out);
        }
        out
    }

    /// Back to characters (the bytes must come from [`Codec::encode`]).
    pub fn decode(&self, bytes: &[u8]) -> String {
        let mut out = String::with_capacity(bytes.len() * 2);
        let mut i = 0;
        // After an entry's first READING_MARK (until its separator) the
        // bytes 0xF0..=0xF4 are word finals, not astral codes.
        let mut in_readings = false;
        while i < bytes.len() {
            let b = bytes[i];
            if show_mark(b, &mut in_readings, &mut out) {
                i += 1;
                continue;
            }
            let (n, mut code) = match b {
                0x00..=0x7F => (1, u32::from(b)),
                0xC0..=0xDF => (2, u32::from(b & 0x1F)),
                0xE0..=0xEF => (3, u32::from(b & 0x0F)),
                _ => (4, u32::from(b & 0x07)),
            };
            for k in 1..n {
                code = (code << 6) | u32::from(bytes.get(i + k).copied().unwrap_or(0x80) & 0x3F);
            }
            i += n;
            let c = if code < 0x10000 {
                self.from_code.get(code as usize).copied()
            } else {
                char::from_u32(code)
            };
            out.push(c.unwrap_or('\u{FFFD}'));
        }
        out
    }
}

/// The UTF-8 shape of any code below 0x110000 (surrogate values included:
/// these are ranks, not characters).
#[inline]
fn push_code(code: u32, out: &mut Vec<u8>) {
    match code {
        0..=0x7F => out.push(code as u8),
        0x80..=0x7FF => out.extend([0xC0 | (code >> 6) as u8, 0x80 | (code & 0x3F) as u8]),
        0x800..=0xFFFF => out.extend([
            0xE0 | (code >> 12) as u8,
            0x80 | ((code >> 6) & 0x3F) as u8,
            0x80 | (code & 0x3F) as u8,
        ]),
        _ => out.extend([
            0xF0 | (code >> 18) as u8,
            0x80 | ((code >> 12) & 0x3F) as u8,
            0x80 | ((code >> 6) & 0x3F) as u8,
            0x80 | (code & 0x3F) as u8,
        ]),
    }
}

/// An index's arrays are owned, or read in place from the mapped index
/// file (see [`Slab`]); the scan sees slices either way.
#[derive(Clone)]
pub struct Index {
    pub(super) codec: Arc<Codec>,
    pub(super) arena: Slab<u8>,
    /// `starts[i]..starts[i + 1] - 1` is entry `i`'s key (the `- 1` drops
    /// its separator); one more element than `docs`.
    pub(super) starts: Slab<u32>,
    pub(super) docs: Slab<Doc>,
    /// Folded job titles; `speakers[0]` is "" (no speaker).
    pub(super) speakers: Vec<String>,
    /// [`DocKind::rank`] of each entry: a byte per entry, so the hot loops
    /// need not load the full record.
    pub(super) ranks: Slab<u8>,
    /// Byte frequency ranks (0 rare .. 255 common) of the indexed text, for
    /// memchr's prefilter.
    pub(super) byte_rank: [u8; 256],
    /// Entries carry the readings of their kanji words.
    pub(super) readings: bool,
    /// The distinct readings the entries' word numbers stand for (see
    /// [`super::word_numbers`]); a layer's delta shares the base's
    /// numbering and extends it.
    pub(super) words: Arc<Words>,
    /// Changes over a mapped index (see [`super::persist_layer::Layer`]):
    /// the arrays above are then the base the scan reads, and entry
    /// numbers given out ([`Index::doc`], [`Index::key`]) are places in
    /// the base and the layer's entries merged in order.
    pub(super) layer: Option<Box<super::persist_layer::Layer>>,
    /// Entry numbers ordered by (table, row id): a row's entries are found
    /// by binary search ([`super::persist_rows`]). Empty when not known (a
    /// built or patched index; the index file always has them).
    pub(super) rows: Slab<u32>,
}

impl Index {
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    pub fn doc(&self, i: u32) -> &Doc {
        match &self.layer {
            None => &self.docs[i as usize],
            Some(l) => match l.place(i) {
                Ok(j) => &l.delta.docs[j],
                Err(d) => &self.docs[d],
            },
        }
    }

    /// Entries a search can find (the base's, less those the layer drops,
    /// plus the layer's).
    pub fn entries(&self) -> usize {
        match &self.layer {
            None => self.docs.len(),
            Some(l) => self.docs.len() - l.dropped() + l.delta.len(),
        }
    }

    /// Entry `i`'s folded key (its readings as kana and marks).
    pub fn key(&self, i: u32) -> String {
        self.codec.decode(&self.layout(i))
    }

    /// Entry `i`'s key as the matcher reads it: the readings' word
    /// numbers written out as [`super::reading_bytes`] lays them out.
    pub fn layout(&self, i: u32) -> Vec<u8> {
        let mut out = Vec::new();
        let words = match &self.layer {
            Some(l) if l.place(i).is_ok() => &l.delta.words,
            _ => &self.words,
        };
        expand(words, self.key_bytes(i), &mut out);
        out
    }

    /// The table of readings (see [`super::word_numbers`]).
    pub(super) fn words(&self) -> &Words {
        &self.words
    }

    /// Entry `i`'s key as stored (see [`Codec`]; readings as word numbers).
    pub fn key_bytes(&self, i: u32) -> &[u8] {
        if let Some(l) = &self.layer {
            match l.place(i) {
                Ok(j) => return l.delta.key_bytes(j as u32),
                Err(d) => return self.base_key_bytes(d),
            }
        }
        self.base_key_bytes(i as usize)
    }

    fn base_key_bytes(&self, i: usize) -> &[u8] {
        let i = i as u32;
        let (s, e) = (
            self.starts[i as usize] as usize,
            self.starts[i as usize + 1] as usize - 1,
        );
        &self.arena[s..e]
    }

    pub fn codec(&self) -> &Codec {
        &self.codec
    }

    /// The character codes, to build a comparable index with.
    pub fn shared_codec(&self) -> Arc<Codec> {
        self.codec.clone()
    }

    pub fn speaker(&self, d: &Doc) -> &str {
        self.speakers
            .get(d.speaker as usize)
            .map_or("", String::as_str)
    }

    /// Bytes of folded text held (the arena, readings included).
    pub fn text_bytes(&self) -> usize {
        self.arena.len()
    }

    /// Bytes held in all: the arena, the per-entry arrays (owned ones: a
    /// mapped file's pages are shared and counted by the system) and the
    /// table of readings.
    pub fn memory_bytes(&self) -> usize {
        self.words.memory_bytes()
            + self.arena.owned_bytes()
            + self.starts.owned_bytes()
            + self.docs.owned_bytes()
            + self.ranks.owned_bytes()
            + self.rows.owned_bytes()
    }

    /// Whether the arrays are read in place from a mapped index file.
    pub fn is_mapped(&self) -> bool {
        self.arena.is_mapped()
    }

    /// Whether entries carry readings.
    pub fn has_readings(&self) -> bool {
        self.readings
    }

    /// The entries of `fiscal_year` (contiguous: see [`entry_order`]).
    pub(super) fn fiscal_year_range(&self, fy: i32) -> (usize, usize) {
        let fy = fy as i16;
        let lo = self.docs.partition_point(|d| d.fiscal_year > fy);
        let hi = self.docs.partition_point(|d| d.fiscal_year >= fy);
        (lo, hi.max(lo))
    }
}

/// Collects entries in any order; [`IndexBuilder::finish`] sorts them.
#[derive(Default)]
pub struct IndexBuilder {
    codec: Arc<Codec>,
    arena: Vec<u8>,
    entries: Vec<(Doc, u32, u32)>,
    speakers: Vec<String>,
    speaker_ids: HashMap<String, u16>,
    readings: bool,
    words: WordsBuilder,
    /// Scratch: the folded text, and a reading with long vowels folded.
    folded: String,
    long: String,
}

/// The index would pass 4 GiB of text.
#[derive(Debug, thiserror::Error)]
#[error("検索索引が大きすぎます（文字データが 4 GiB を超えます）")]
pub struct TooLarge;

impl IndexBuilder {
    pub fn new(codec: Arc<Codec>) -> Self {
        IndexBuilder {
            codec,
            speakers: vec![String::new()],
            readings: readings::enabled(),
            ..Default::default()
        }
    }

    /// Whether entries get readings (on unless turned off, for comparison).
    pub fn with_readings(mut self, on: bool) -> Self {
        self.readings = on;
        self
    }

    pub fn with_capacity(codec: Arc<Codec>, entries: usize, text_bytes: usize) -> Self {
        let mut b = Self::new(codec);
        b.entries.reserve(entries);
        b.arena.reserve(text_bytes);
        b
    }

    /// The speaker number for a job title (folded), for [`Doc::speaker`].
    pub fn speaker(&mut self, title: &str) -> u16 {
        if title.is_empty() {
            return 0;
        }
        let key = fold(title);
        if let Some(&n) = self.speaker_ids.get(&key) {
            return n;
        }
        let Ok(n) = u16::try_from(self.speakers.len()) else {
            return 0;
        };
        self.speakers.push(key.clone());
        self.speaker_ids.insert(key, n);
        n
    }

    /// Add an entry: its text is folded and encoded here.
    pub fn push(&mut self, doc: Doc, text: &str) -> Result<(), TooLarge> {
        let start = self.arena.len();
        let (codec, arena) = (&self.codec, &mut self.arena);
        if self.readings {
            self.folded.clear();
            fold_into(text, &mut self.folded);
            for c in self.folded.chars() {
                codec.push(c, arena);
            }
            push_readings(codec, &self.folded, arena, &mut self.long, &mut self.words);
        } else {
            fold_each(text, |c| codec.push(c, arena));
        }
        self.arena.push(0);
        let end = u32::try_from(self.arena.len()).map_err(|_| TooLarge)?;
        self.entries.push((doc, start as u32, end - start as u32));
        Ok(())
    }

    /// Append another builder's entries (parallel loading; the same codec).
    pub fn absorb(&mut self, other: IndexBuilder) -> Result<(), TooLarge> {
        debug_assert!(Arc::ptr_eq(&self.codec, &other.codec));
        let base = self.arena.len();
        u32::try_from(base + other.arena.len()).map_err(|_| TooLarge)?;
        let mut remap = vec![0u16; other.speakers.len()];
        for (i, name) in other.speakers.iter().enumerate().skip(1) {
            remap[i] = self.speaker(name);
        }
        let map = self.words.adopt(&other.words, &self.codec);
        for (mut d, s, l) in other.entries {
            d.speaker = remap.get(d.speaker as usize).copied().unwrap_or(0);
            let start = self.arena.len();
            recode(
                &other.arena[s as usize..(s + l) as usize],
                &map,
                &mut self.arena,
            );
            let len = u32::try_from(self.arena.len() - start).map_err(|_| TooLarge)?;
            self.entries.push((d, start as u32, len));
        }
        u32::try_from(self.arena.len()).map_err(|_| TooLarge)?;
        Ok(())
    }

    pub fn finish(self) -> Index {
        let IndexBuilder {
            codec,
            arena: old,
            mut entries,
            speakers,
            readings,
            words,
            ..
        } = self;
        entries.sort_unstable_by(|(a, _, _), (b, _, _)| entry_order(a, b));
        // The commonest readings get the shortest numbers: each entry's
        // numbers are written anew as it is copied.
        let (words, map) = words.by_count(&codec);
        let mut arena = Vec::with_capacity(old.len());
        let mut starts = Vec::with_capacity(entries.len() + 1);
        let mut docs = Vec::with_capacity(entries.len());
        for (doc, s, l) in entries {
            starts.push(arena.len() as u32);
            recode(&old[s as usize..(s + l) as usize], &map, &mut arena);
            docs.push(doc);
        }
        drop(old);
        starts.push(arena.len() as u32);
        let ranks: Vec<u8> = docs.iter().map(|d| d.kind.rank()).collect();
        let byte_rank = byte_ranks(&arena[..arena.len().min(RARITY_SAMPLE)]);
        Index {
            readings,
            words: Arc::new(words),
            codec,
            byte_rank,
            arena: arena.into(),
            starts: starts.into(),
            docs: docs.into(),
            speakers,
            ranks: ranks.into(),
            layer: None,
            rows: Slab::default(),
        }
    }
}

/// The order of entries in an index: newest fiscal year first, then newest
/// day; within a day, by meeting, then agenda before its opinions, then row
/// id (the order they were written). The fiscal year comes first so that a
/// year is one run of entries ([`Index::fiscal_year_range`]) even when a
/// meeting's date and its recorded year disagree (a date corrected by hand
/// or by a restore keeps the meeting's year).
pub(super) fn entry_order(a: &Doc, b: &Doc) -> std::cmp::Ordering {
    b.fiscal_year
        .cmp(&a.fiscal_year)
        .then(b.day.cmp(&a.day))
        .then(b.parent.cmp(&a.parent))
        .then(a.kind.is_opinion().cmp(&b.kind.is_opinion()))
        .then(a.id.cmp(&b.id))
        .then(a.kind.cmp(&b.kind))
}

/// Byte frequency ranks (0 rare .. 255 common) of a sample of the text.
fn byte_ranks(sample: &[u8]) -> [u8; 256] {
    let mut counts = [0u64; 256];
    for &b in sample {
        counts[b as usize] += 1;
    }
    let max = counts.iter().copied().max().unwrap_or(1).max(1);
    let mut ranks = [0u8; 256];
    for (r, c) in ranks.iter_mut().zip(counts) {
        // The square root spreads the many rare bytes apart from the few common.
        *r = ((c as f64 / max as f64).sqrt() * 255.0) as u8;
    }
    ranks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_common_characters_take_one_byte() {
        let codec = Codec::from_sample(["ののののの区区区を", "の区"]);
        for s in [
            "の区を",
            "団地",
            "ぐるーぷ 123 abc",
            "𠮷野家",
            "\u{D7FF}\u{E000}\u{FFFF}",
        ] {
            assert_eq!(codec.decode(&codec.encode(s)), s);
        }
        assert_eq!(codec.encode("の"), vec![1]);
        assert_eq!(codec.encode("区"), vec![2]);
        assert!(codec.encode("団").len() >= 2);
        assert!(!codec.encode("団地の区").contains(&0));
    }
}
