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

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};

use super::fold::{fold, fold_each, fold_into};
pub use super::kind::DocKind;
use super::readings;
pub use super::slab::Slab;

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
            match b {
                READING_MARK => in_readings = true,
                0 => in_readings = false,
                _ => {}
            }
            if let Some(c) = word_final_char(b).filter(|_| in_readings) {
                out.push(c);
                out.push(WORD_MARK_CHAR);
                i += 1;
                continue;
            }
            if let Some(c) = final_char(b) {
                // A final kana: as the kana and the mark it stands for.
                out.push(c);
                out.push(READING_MARK_CHAR);
                i += 1;
                continue;
            }
            if b >= WORD_MARK {
                out.push(if b == READING_MARK {
                    READING_MARK_CHAR
                } else {
                    WORD_MARK_CHAR
                });
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

    /// Entry `i`'s folded key.
    pub fn key(&self, i: u32) -> String {
        self.codec.decode(self.key_bytes(i))
    }

    /// Entry `i`'s key as stored (see [`Codec`]).
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

    /// Bytes held in all: the arena and the per-entry arrays.
    /// Bytes held in all: the arena and the per-entry arrays (owned
    /// ones: a mapped file's pages are shared and counted by the system).
    pub fn memory_bytes(&self) -> usize {
        self.arena.owned_bytes()
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
            push_readings(codec, &self.folded, arena, &mut self.long);
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
        self.arena.extend_from_slice(&other.arena);
        self.entries
            .extend(other.entries.into_iter().map(|(mut d, s, l)| {
                d.speaker = remap.get(d.speaker as usize).copied().unwrap_or(0);
                (d, s + base as u32, l)
            }));
        Ok(())
    }

    pub fn finish(self) -> Index {
        let IndexBuilder {
            codec,
            arena: old,
            mut entries,
            speakers,
            readings,
            ..
        } = self;
        entries.sort_unstable_by(|(a, _, _), (b, _, _)| entry_order(a, b));
        let mut arena = Vec::with_capacity(old.len());
        let mut starts = Vec::with_capacity(entries.len() + 1);
        let mut docs = Vec::with_capacity(entries.len());
        for (doc, s, l) in entries {
            starts.push(arena.len() as u32);
            arena.extend_from_slice(&old[s as usize..(s + l) as usize]);
            docs.push(doc);
        }
        drop(old);
        starts.push(arena.len() as u32);
        let ranks: Vec<u8> = docs.iter().map(|d| d.kind.rank()).collect();
        let byte_rank = byte_ranks(&arena[..arena.len().min(RARITY_SAMPLE)]);
        Index {
            readings,
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

/// The readings of the kanji words of `folded` (those
/// [`readings::index_words`] keeps): [`READING_MARK`] before the first and
/// before a word not right after the previous one in the text,
/// [`WORD_MARK`] between words that follow each other (nothing when no
/// word is kept).
///
/// A run's last kana with a [`final_byte`] is written as that byte, in
/// place of its code and the next run's [`READING_MARK`]; a word's last
/// kana with a [`word_final_byte`], the next word following it in the
/// text, as that byte in place of its code and the [`WORD_MARK`].
fn push_readings(codec: &Codec, folded: &str, arena: &mut Vec<u8>, long: &mut String) {
    let mut first = true;
    // The last kana written and where its code starts.
    let mut last: Option<(char, usize)> = None;
    readings::index_words(folded, |w, joined| {
        if first {
            arena.push(READING_MARK);
        } else if joined {
            match last.and_then(|(c, at)| word_final_byte(c).map(|f| (f, at))) {
                Some((f, at)) => {
                    arena.truncate(at);
                    arena.push(f);
                }
                None => arena.push(WORD_MARK),
            }
        } else {
            match last.and_then(|(c, at)| final_byte(c).map(|f| (f, at))) {
                Some((f, at)) => {
                    arena.truncate(at);
                    arena.push(f);
                }
                None => arena.push(READING_MARK),
            }
        }
        first = false;
        long.clear();
        readings::fold_long(w.reading, long);
        last = None;
        for c in long.chars() {
            last = Some((c, arena.len()));
            codec.push(c, arena);
        }
    });
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
            for &b in ix.key_bytes(0).iter().filter(|b| is_final(**b)) {
                let c = final_char(b).expect("a final kana");
                finals += 1;
                saved += codec.encode(&c.to_string()).len();
            }
            // Each word before another of its run whose reading ends in a
            // word final kana saves the mark the same way.
            let key = ix.key_bytes(0);
            let readings = &key[key
                .iter()
                .position(|b| *b == READING_MARK)
                .unwrap_or(key.len())..];
            for &b in readings.iter().filter(|b| is_word_final(**b)) {
                let c = word_final_char(b).expect("a word final kana");
                saved += codec.encode(&c.to_string()).len();
            }
            assert_eq!(
                ix.key_bytes(0).len(),
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
        let key = ix.key_bytes(0);
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
