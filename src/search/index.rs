//! The in-memory index: every searchable text's folded key, back to back in
//! one byte arena (each followed by `\n`, which no query contains, so a
//! match never spans two entries), and a small fixed-size record per entry.
//! The original text is not kept: it is read back from the database for the
//! few results shown, which halves the memory at a million opinions.
//!
//! Entries are sorted newest first, so "ties by recency" is "lower index
//! first", and a fiscal year is one contiguous range of entries.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{Datelike, NaiveDate};

use super::fold::fold_into;

/// What an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum DocKind {
    Opinion,
    Decision,
    Action,
    ItemTitle,
    ItemSummary,
    NodeTitle,
    NodeBody,
}

impl DocKind {
    /// What the result list calls it (two wide characters).
    pub fn label_ja(self) -> &'static str {
        match self {
            DocKind::Opinion => "意見",
            DocKind::Decision => "決定",
            DocKind::Action => "宿題",
            DocKind::ItemTitle => "議題",
            DocKind::ItemSummary => "概要",
            DocKind::NodeTitle => "方針",
            DocKind::NodeBody => "説明",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            DocKind::Opinion => "opinion",
            DocKind::Decision => "decision",
            DocKind::Action => "action",
            DocKind::ItemTitle => "item_title",
            DocKind::ItemSummary => "item_summary",
            DocKind::NodeTitle => "node_title",
            DocKind::NodeBody => "node_body",
        }
    }

    pub fn is_opinion(self) -> bool {
        matches!(self, DocKind::Opinion | DocKind::Decision | DocKind::Action)
    }

    pub fn is_item(self) -> bool {
        matches!(self, DocKind::ItemTitle | DocKind::ItemSummary)
    }

    pub fn is_node(self) -> bool {
        matches!(self, DocKind::NodeTitle | DocKind::NodeBody)
    }

    /// Opinions first, then agenda titles, then the rest (higher first).
    pub fn rank(self) -> u8 {
        match self {
            DocKind::Opinion | DocKind::Decision | DocKind::Action => 3,
            DocKind::ItemTitle => 2,
            DocKind::ItemSummary | DocKind::NodeTitle => 1,
            DocKind::NodeBody => 0,
        }
    }

    pub fn from_opinion_kind(kind: &str) -> DocKind {
        match kind {
            "decision" => DocKind::Decision,
            "action" => DocKind::Action,
            _ => DocKind::Opinion,
        }
    }
}

/// One entry's facts, for filters, ranking and finding it again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
    pub fn date(&self) -> Option<NaiveDate> {
        (self.day > 0)
            .then(|| NaiveDate::from_num_days_from_ce_opt(self.day))
            .flatten()
    }
}

pub fn day_number(d: NaiveDate) -> i32 {
    d.num_days_from_ce()
}

pub struct Index {
    pub(super) arena: Vec<u8>,
    /// `starts[i]..starts[i + 1] - 1` is entry `i`'s key (the `- 1` drops
    /// its `\n`); one more element than `docs`.
    pub(super) starts: Vec<u32>,
    pub(super) docs: Vec<Doc>,
    /// Folded job titles; `speakers[0]` is "" (no speaker).
    pub(super) speakers: Vec<String>,
    /// Indices of agenda-title entries (for related items).
    pub(super) item_titles: Vec<u32>,
    /// How often a character occurs, estimated from a sample of the arena
    /// (to scan for the rarest character of a query first).
    pub(super) rarity: Mutex<HashMap<char, u32>>,
    /// Byte frequency ranks (0 rare .. 255 common) of the indexed text, for
    /// memchr's prefilter.
    pub(super) byte_rank: [u8; 256],
}

impl Index {
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    pub fn doc(&self, i: u32) -> &Doc {
        &self.docs[i as usize]
    }

    /// Entry `i`'s folded key.
    pub fn key(&self, i: u32) -> &str {
        let (s, e) = (
            self.starts[i as usize] as usize,
            self.starts[i as usize + 1] as usize - 1,
        );
        // The arena is only ever built from `String`s at char boundaries.
        std::str::from_utf8(&self.arena[s..e]).unwrap_or("")
    }

    pub fn speaker(&self, d: &Doc) -> &str {
        self.speakers
            .get(d.speaker as usize)
            .map_or("", String::as_str)
    }

    /// Bytes of folded text held (the arena).
    pub fn text_bytes(&self) -> usize {
        self.arena.len()
    }

    /// The entries of `fiscal_year` (contiguous, entries being newest first).
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
    arena: Vec<u8>,
    entries: Vec<(Doc, u32, u32)>,
    speakers: Vec<String>,
    speaker_ids: HashMap<String, u16>,
    scratch: String,
}

/// The index would pass 4 GiB of text.
#[derive(Debug, thiserror::Error)]
#[error("検索索引が大きすぎます（文字データが 4 GiB を超えます）")]
pub struct TooLarge;

impl IndexBuilder {
    pub fn new() -> Self {
        IndexBuilder {
            speakers: vec![String::new()],
            ..Default::default()
        }
    }

    pub fn with_capacity(entries: usize, text_bytes: usize) -> Self {
        let mut b = Self::new();
        b.entries.reserve(entries);
        b.arena.reserve(text_bytes);
        b
    }

    /// The speaker number for a job title (folded), for [`Doc::speaker`].
    pub fn speaker(&mut self, title: &str) -> u16 {
        if title.is_empty() {
            return 0;
        }
        let key = super::fold::fold(title);
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

    /// Add an entry: its text is folded here.
    pub fn push(&mut self, doc: Doc, text: &str) -> Result<(), TooLarge> {
        let mut s = std::mem::take(&mut self.scratch);
        s.clear();
        fold_into(text, &mut s);
        let r = self.push_folded(doc, &s);
        self.scratch = s;
        r
    }

    /// Add an entry whose text is already folded.
    pub fn push_folded(&mut self, doc: Doc, key: &str) -> Result<(), TooLarge> {
        let start = u32::try_from(self.arena.len()).map_err(|_| TooLarge)?;
        // A `\n` in the key would let a match run into the next entry.
        self.arena
            .extend(key.bytes().map(|b| if b == b'\n' { b' ' } else { b }));
        self.arena.push(b'\n');
        u32::try_from(self.arena.len()).map_err(|_| TooLarge)?;
        self.entries.push((doc, start, key.len() as u32 + 1));
        Ok(())
    }

    /// Append another builder's entries (parallel loading).
    pub fn absorb(&mut self, other: IndexBuilder) -> Result<(), TooLarge> {
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
            arena: old,
            mut entries,
            speakers,
            ..
        } = self;
        // Newest first; within a day, by meeting, then agenda before its
        // opinions, then row id (the order they were written).
        entries.sort_unstable_by(|(a, _, _), (b, _, _)| {
            b.day
                .cmp(&a.day)
                .then(b.parent.cmp(&a.parent))
                .then(a.kind.is_opinion().cmp(&b.kind.is_opinion()))
                .then(a.id.cmp(&b.id))
                .then(a.kind.cmp(&b.kind))
        });
        let mut arena = Vec::with_capacity(old.len());
        let mut starts = Vec::with_capacity(entries.len() + 1);
        let mut docs = Vec::with_capacity(entries.len());
        let mut item_titles = Vec::new();
        for (i, (doc, s, l)) in entries.into_iter().enumerate() {
            starts.push(arena.len() as u32);
            arena.extend_from_slice(&old[s as usize..(s + l) as usize]);
            if doc.kind == DocKind::ItemTitle {
                item_titles.push(i as u32);
            }
            docs.push(doc);
        }
        drop(old);
        starts.push(arena.len() as u32);
        let byte_rank = byte_ranks(&arena[..arena.len().min(super::scan::RARITY_SAMPLE)]);
        Index {
            byte_rank,
            arena,
            starts,
            docs,
            speakers,
            item_titles,
            rarity: Mutex::new(HashMap::new()),
        }
    }
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
