//! The full scan: cheap enough to run on every keystroke over a million
//! entries. It never runs the fuzzy matcher; for each entry it only asks
//! "are the query's characters there, in order?" with SIMD byte search
//! (memchr's memmem) and gives a cheap score; a top-k selection keeps the
//! best few hundred for [`super::rank`] to score properly.
//!
//! The scan looks for the query's rarest character (its highest code, see
//! [`super::index::Codec`]) across the whole arena at once, so entries
//! without it are skipped at memory speed; only entries holding it are
//! checked in full. Above [`PARALLEL_MIN`] entries the scan is
//! split across two threads. A newer query cancels a running scan: the
//! generation counter is checked every [`CANCEL_EVERY`] entries.

use std::sync::atomic::{AtomicU64, Ordering};

use memchr::arch::all::packedpair::HeuristicFrequencyRank;
use memchr::memmem::{Finder, FinderBuilder};

use super::index::{Codec, Doc, Index};
use super::query::{KindFilter, Query};

/// Split the scan across threads above this many entries.
pub const PARALLEL_MIN: usize = 10_000;
const CANCEL_EVERY: usize = 4096;
const THREADS: usize = 2;
/// Bytes of the arena sampled for byte frequencies.
pub(super) const RARITY_SAMPLE: usize = 256 << 10;
/// The quality field of a scan key (bits 32..61).
const QMAX: u64 = (1 << 29) - 1;

/// Stop a search when a newer one has started.
#[derive(Clone, Copy)]
pub struct Cancel<'a> {
    pub generation: &'a AtomicU64,
    pub mine: u64,
}

static NEVER: AtomicU64 = AtomicU64::new(0);

impl Cancel<'_> {
    pub fn never() -> Cancel<'static> {
        Cancel {
            generation: &NEVER,
            mine: 0,
        }
    }

    pub fn cancelled(&self) -> bool {
        self.generation.load(Ordering::Relaxed) != self.mine
    }
}

/// A candidate from the scan: its entry and cheap score key (higher is
/// better; the low 32 bits make newer entries win ties).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate {
    pub doc: u32,
    pub key: u64,
}

impl Candidate {
    /// Every term matched as an exact substring.
    pub fn exact(&self) -> bool {
        self.key >> 63 == 1
    }
}

/// What the scan found: the best `k` candidates, best first, and how many
/// entries matched in all.
#[derive(Debug, Clone, Default)]
pub struct Scanned {
    pub top: Vec<Candidate>,
    pub total: usize,
    /// Every entry that matched, ascending (to narrow the next query).
    pub matches: Vec<u32>,
}

/// Byte frequencies of the indexed text, so memchr's prefilter picks bytes
/// that are rare in Japanese UTF-8 rather than in English.
#[derive(Clone, Copy)]
struct Rank<'a>(&'a [u8; 256]);

impl HeuristicFrequencyRank for Rank<'_> {
    fn rank(&self, byte: u8) -> u8 {
        self.0[byte as usize]
    }
}

/// One character's code, found with `memchr` on its first byte and a
/// compare of the rest: on entries of a hundred bytes this is several times
/// cheaper than a general substring search.
struct CodeFinder {
    bytes: [u8; 4],
    len: usize,
}

impl CodeFinder {
    fn new(code: &[u8]) -> Self {
        let mut bytes = [0u8; 4];
        bytes[..code.len()].copy_from_slice(code);
        CodeFinder {
            bytes,
            len: code.len(),
        }
    }

    #[inline]
    fn needle(&self) -> &[u8] {
        &self.bytes[..self.len]
    }

    #[inline]
    fn find(&self, hay: &[u8]) -> Option<usize> {
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

    #[inline]
    fn rfind(&self, hay: &[u8]) -> Option<usize> {
        let first = self.bytes[0];
        let mut end = hay.len();
        while let Some(at) = memchr::memrchr(first, &hay[..end]) {
            if hay[at..].starts_with(self.needle()) {
                return Some(at);
            }
            end = at;
        }
        None
    }
}

/// One query word, ready to match (in the index's code).
struct TermMatcher {
    whole: Finder<'static>,
    /// The encoded word.
    bytes: Vec<u8>,
    chars: Vec<CodeFinder>,
    exact: bool,
    len: usize,
}

impl TermMatcher {
    fn new(text: &str, exact: bool, codec: &Codec, rank: Rank) -> Self {
        let whole = codec.encode(text);
        TermMatcher {
            chars: text
                .chars()
                .map(|c| CodeFinder::new(&code_bytes(codec, c)))
                .collect(),
            exact,
            len: whole.len(),
            whole: FinderBuilder::new().build_forward_with_ranker_owned(rank, whole.clone()),
            bytes: whole,
        }
    }

    /// (exact, first byte, span in bytes) of this word in `hay`, or None.
    #[inline]
    fn find(&self, hay: &[u8]) -> Option<(bool, usize, usize)> {
        if self.exact || self.chars.is_empty() {
            return self.whole.find(hay).map(|p| (true, p, self.len));
        }
        // In order, leftmost: this rejects most entries cheaply.
        let first = self.chars[0].find(hay)?;
        let mut pos = first + self.chars[0].len;
        for f in &self.chars[1..] {
            pos += f.find(&hay[pos..])? + f.len;
        }
        // An exact occurrence starts with the first character, at or after
        // its first occurrence.
        let mut at = first;
        loop {
            if hay[at..].starts_with(&self.bytes) {
                return Some((true, at, self.len));
            }
            match self.chars[0].find(&hay[at + 1..]) {
                Some(i) => at += 1 + i,
                None => break,
            }
        }
        // Back from the end for the tightest window.
        let end = pos;
        let mut start = end;
        for f in self.chars.iter().rev() {
            start = f.rfind(&hay[..start])?;
        }
        Some((false, start, end - start))
    }
}

fn code_bytes(codec: &Codec, c: char) -> Vec<u8> {
    let mut v = Vec::with_capacity(4);
    codec.push(c, &mut v);
    v
}

/// Everything one scan needs, shared by its threads.
struct Plan<'a> {
    index: &'a Index,
    query: &'a Query,
    terms: Vec<TermMatcher>,
    anchor: Option<Finder<'static>>,
    /// The query is one character: the anchor hit is the match.
    single_char: bool,
    speakers: Option<Vec<bool>>,
    k: usize,
}

/// Where to look.
#[derive(Clone, Copy)]
pub enum Within<'a> {
    /// Every entry (those of the query's fiscal year).
    All,
    /// Only these entries (ascending): the matches of a query this one
    /// narrows down.
    Entries(&'a [u32]),
}

/// The best `k` candidates for `query`, or None when cancelled.
pub fn scan(
    index: &Index,
    query: &Query,
    k: usize,
    within: Within,
    cancel: Cancel,
) -> Option<Scanned> {
    let plan = Plan::new(index, query, k.max(1));
    let parts: Vec<Option<Part>> = match within {
        Within::Entries(list) if list.len() < PARALLEL_MIN => {
            vec![plan.run_list(list, cancel)]
        }
        Within::Entries(list) => {
            let (a, b) = list.split_at(list.len() / THREADS);
            std::thread::scope(|s| {
                let plan = &plan;
                let other = s.spawn(move || plan.run_list(b, cancel));
                let mine = plan.run_list(a, cancel);
                vec![mine, other.join().ok().flatten()]
            })
        }
        Within::All => {
            let (lo, hi) = match query.fiscal_year {
                Some(fy) => index.fiscal_year_range(fy),
                None => (0, index.len()),
            };
            if hi - lo < PARALLEL_MIN {
                vec![plan.run(lo, hi, cancel)]
            } else {
                let mid = lo + (hi - lo) / THREADS;
                std::thread::scope(|s| {
                    let plan = &plan;
                    let other = s.spawn(move || plan.run(mid, hi, cancel));
                    let mine = plan.run(lo, mid, cancel);
                    vec![mine, other.join().ok().flatten()]
                })
            }
        }
    };
    let mut top = TopK::new(plan.k);
    let mut matches = Vec::new();
    for p in parts {
        let p = p?;
        top.buf.extend(p.top.buf);
        if matches.is_empty() {
            matches = p.matches;
        } else {
            matches.extend(p.matches);
        }
    }
    top.shrink(plan.k);
    let mut v = top.buf;
    v.sort_unstable_by(|a, b| b.cmp(a));
    Some(Scanned {
        top: v
            .into_iter()
            .map(|key| Candidate {
                doc: u32::MAX - (key as u32),
                key,
            })
            .collect(),
        total: matches.len(),
        matches,
    })
}

/// One thread's share of a scan.
struct Part {
    top: TopK,
    /// The entries that matched, ascending.
    matches: Vec<u32>,
}

impl<'a> Plan<'a> {
    fn new(index: &'a Index, query: &'a Query, k: usize) -> Self {
        let rank = Rank(&index.byte_rank);
        let codec = &index.codec;
        let terms: Vec<TermMatcher> = query
            .terms
            .iter()
            .map(|t| TermMatcher::new(&t.text, t.exact, codec, rank))
            .collect();
        // The rarest character: codes are frequency ranks.
        let anchor = query
            .terms
            .iter()
            .flat_map(|t| t.text.chars())
            .filter(|c| *c != ' ')
            .max_by_key(|c| codec.code(*c))
            .map(|c| {
                FinderBuilder::new().build_forward_with_ranker_owned(rank, code_bytes(codec, c))
            });
        let single_char = query.terms.len() == 1 && query.terms[0].text.chars().count() == 1;
        let speakers = query.speaker.as_ref().map(|want| {
            let exact = index.speakers.iter().any(|s| s == want);
            index
                .speakers
                .iter()
                .map(|s| {
                    !s.is_empty()
                        && if exact {
                            s == want
                        } else {
                            s.contains(want.as_str())
                        }
                })
                .collect()
        });
        Plan {
            index,
            query,
            terms,
            anchor,
            single_char,
            speakers,
            k,
        }
    }

    /// Entries `lo..hi`: skip to each occurrence of the anchor.
    fn run(&self, lo: usize, hi: usize, cancel: Cancel) -> Option<Part> {
        let mut part = Part {
            top: TopK::new(self.k),
            matches: Vec::new(),
        };
        let Some(anchor) = &self.anchor else {
            // No words: every entry passing the filters, newest first.
            for d in lo..hi {
                if d % CANCEL_EVERY == 0 && cancel.cancelled() {
                    return None;
                }
                let doc = &self.index.docs[d];
                if self.passes(doc) {
                    part.matches.push(d as u32);
                    part.top.push(key(true, doc, 0, d));
                }
            }
            return Some(part);
        };
        let starts = &self.index.starts;
        let arena = &self.index.arena;
        let end = starts[hi] as usize;
        let mut pos = starts[lo] as usize;
        let mut d = lo;
        let mut next_check = lo + CANCEL_EVERY;
        while pos < end {
            let Some(off) = anchor.find(&arena[pos..end]) else {
                break;
            };
            let p = pos + off;
            if starts[d + 1] as usize <= p {
                d = entry_at(starts, d + 1, hi, p);
            }
            if d >= next_check {
                if cancel.cancelled() {
                    return None;
                }
                next_check = d + CANCEL_EVERY;
            }
            let doc = &self.index.docs[d];
            let s = starts[d] as usize;
            pos = starts[d + 1] as usize;
            if self.passes(doc) {
                let found = if self.single_char {
                    Some((true, p - s))
                } else {
                    self.match_all(&arena[s..pos - 1])
                };
                if let Some((exact, penalty)) = found {
                    part.matches.push(d as u32);
                    part.top.push(key(exact, doc, penalty, d));
                }
            }
            d += 1;
        }
        Some(part)
    }

    /// Only the entries in `list`.
    fn run_list(&self, list: &[u32], cancel: Cancel) -> Option<Part> {
        let mut part = Part {
            top: TopK::new(self.k),
            matches: Vec::with_capacity(list.len() / 2),
        };
        let starts = &self.index.starts;
        let arena = &self.index.arena;
        for (n, &d) in list.iter().enumerate() {
            if n % CANCEL_EVERY == 0 && cancel.cancelled() {
                return None;
            }
            let d = d as usize;
            let doc = &self.index.docs[d];
            if !self.passes(doc) {
                continue;
            }
            let hay = &arena[starts[d] as usize..starts[d + 1] as usize - 1];
            let found = if self.terms.is_empty() {
                Some((true, 0))
            } else {
                self.match_all(hay)
            };
            if let Some((exact, penalty)) = found {
                part.matches.push(d as u32);
                part.top.push(key(exact, doc, penalty, d));
            }
        }
        Some(part)
    }

    /// (every word exact, penalty) when every word matches.
    #[inline]
    fn match_all(&self, hay: &[u8]) -> Option<(bool, usize)> {
        let mut exact = true;
        let mut penalty = 0;
        for t in &self.terms {
            let (e, first, span) = t.find(hay)?;
            exact &= e;
            penalty += first + 4 * (span - t.len);
        }
        Some((exact, penalty))
    }

    #[inline]
    fn passes(&self, doc: &Doc) -> bool {
        let q = self.query;
        if let Some(n) = q.meeting_no {
            if u32::from(doc.meeting_no) != n || doc.kind.is_node() {
                return false;
            }
        }
        if let Some(sp) = &self.speakers {
            if !sp.get(doc.speaker as usize).copied().unwrap_or(false) {
                return false;
            }
        }
        match q.kind {
            None => true,
            Some(KindFilter::Opinion) => doc.kind.is_opinion(),
            Some(KindFilter::Decision) => doc.kind == super::DocKind::Decision,
            Some(KindFilter::Action) => doc.kind == super::DocKind::Action,
            Some(KindFilter::Item) => doc.kind.is_item(),
            Some(KindFilter::Policy) => doc.kind.is_node(),
        }
    }
}

/// The entry holding arena byte `p`, knowing it is `from` or later (and
/// before `hi`): gallop forward, then bisect. Hits are usually in the next
/// few entries, so this is mostly one or two comparisons.
#[inline]
fn entry_at(starts: &[u32], from: usize, hi: usize, p: usize) -> usize {
    let mut lo = from;
    let mut step = 1;
    while lo + step < hi && starts[lo + step] as usize <= p {
        lo += step;
        step *= 2;
    }
    let end = (lo + step).min(hi);
    lo + starts[lo + 1..end].partition_point(|&s| s as usize <= p)
}

/// The scan key: exact (1 bit), kind rank (2 bits), quality (29 bits), then
/// recency (the entry index, inverted: newer entries come first).
#[inline]
fn key(exact: bool, doc: &Doc, penalty: usize, d: usize) -> u64 {
    let quality = QMAX - (penalty as u64).min(QMAX);
    (u64::from(exact) << 63)
        | (u64::from(doc.kind.rank()) << 61)
        | (quality << 32)
        | u64::from(u32::MAX - d as u32)
}

/// A bounded "best k" collector: buffer, and when the buffer is full keep
/// only the best k (select_nth_unstable) and raise the entry bar.
struct TopK {
    k: usize,
    buf: Vec<u64>,
    bar: u64,
}

impl TopK {
    fn new(k: usize) -> Self {
        TopK {
            k,
            buf: Vec::with_capacity(k * 4),
            bar: 0,
        }
    }

    #[inline]
    fn push(&mut self, key: u64) {
        if key < self.bar {
            return;
        }
        self.buf.push(key);
        if self.buf.len() >= self.k * 4 {
            self.shrink(self.k);
            if let Some(&last) = self.buf.last() {
                self.bar = last;
            }
        }
    }

    fn shrink(&mut self, k: usize) {
        if self.buf.len() > k {
            // The k best first, the k-th best exactly at k - 1.
            self.buf.select_nth_unstable_by(k - 1, |a, b| b.cmp(a));
            self.buf.truncate(k);
        }
    }
}
