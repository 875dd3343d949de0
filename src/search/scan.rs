//! The full scan: cheap enough to run on every keystroke over a million
//! entries. It never runs the fuzzy matcher; for each entry it only asks
//! "are the query's characters there, in order?" with SIMD byte search
//! (memchr's memmem) and gives a cheap score; a top-k selection keeps the
//! best few hundred for [`super::rank`] to score properly.
//!
//! The scan looks for the query's rarest character across the whole arena
//! at once, so entries without it are skipped at memory speed; only entries
//! holding it are checked in full. Above [`PARALLEL_MIN`] entries the scan is
//! split across two threads. A newer query cancels a running scan: the
//! generation counter is checked every [`CANCEL_EVERY`] entries.

use std::sync::atomic::{AtomicU64, Ordering};

use memchr::arch::all::packedpair::HeuristicFrequencyRank;
use memchr::memmem::{Finder, FinderBuilder, FinderRev};

use super::index::{Doc, Index};
use super::query::{KindFilter, Query};

/// Split the scan across threads above this many entries.
pub const PARALLEL_MIN: usize = 10_000;
const CANCEL_EVERY: usize = 4096;
const THREADS: usize = 2;
/// Bytes of the arena sampled to estimate how rare a character is.
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

/// One query word, ready to match.
struct TermMatcher<'q> {
    whole: Finder<'q>,
    chars: Vec<Finder<'q>>,
    rchars: Vec<FinderRev<'q>>,
    exact: bool,
    len: usize,
}

impl<'q> TermMatcher<'q> {
    fn new(text: &'q str, exact: bool, rank: Rank) -> Self {
        let b = FinderBuilder::new();
        let pieces: Vec<&'q str> = text
            .char_indices()
            .map(|(i, c)| &text[i..i + c.len_utf8()])
            .collect();
        TermMatcher {
            whole: b.build_forward_with_ranker(rank, text.as_bytes()),
            chars: pieces
                .iter()
                .map(|p| b.build_forward_with_ranker(rank, p.as_bytes()))
                .collect(),
            rchars: pieces
                .iter()
                .map(|p| FinderRev::new(p.as_bytes()))
                .collect(),
            exact,
            len: text.len(),
        }
    }

    /// (exact, first byte, span in bytes) of this word in `hay`, or None.
    #[inline]
    fn find(&self, hay: &[u8]) -> Option<(bool, usize, usize)> {
        if let Some(p) = self.whole.find(hay) {
            return Some((true, p, self.len));
        }
        if self.exact || self.chars.len() < 2 {
            return None;
        }
        // In order, leftmost; then back from the end for the tightest window.
        let mut pos = 0;
        for f in &self.chars {
            pos += f.find(&hay[pos..])? + f.needle().len();
        }
        let end = pos;
        let mut start = end;
        for f in self.rchars.iter().rev() {
            start = f.rfind(&hay[..start])?;
        }
        Some((false, start, end - start))
    }
}

/// Everything one scan needs, shared by its threads.
struct Plan<'a> {
    index: &'a Index,
    query: &'a Query,
    terms: Vec<TermMatcher<'a>>,
    anchor: Option<Finder<'a>>,
    /// The query is one character: the anchor hit is the match.
    single_char: bool,
    speakers: Option<Vec<bool>>,
    k: usize,
}

/// The best `k` candidates for `query` among all entries, or None when
/// cancelled.
pub fn scan(index: &Index, query: &Query, k: usize, cancel: Cancel) -> Option<Scanned> {
    let k = k.max(1);
    let rank = Rank(&index.byte_rank);
    let terms: Vec<TermMatcher> = query
        .terms
        .iter()
        .map(|t| TermMatcher::new(&t.text, t.exact, rank))
        .collect();
    let anchor_text = rarest_char(index, query);
    let anchor = anchor_text
        .as_deref()
        .map(|a| FinderBuilder::new().build_forward_with_ranker(rank, a.as_bytes()));
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
    let plan = Plan {
        index,
        query,
        terms,
        anchor,
        single_char,
        speakers,
        k,
    };
    let (lo, hi) = match query.fiscal_year {
        Some(fy) => index.fiscal_year_range(fy),
        None => (0, index.len()),
    };
    if hi - lo < PARALLEL_MIN {
        let (top, total) = plan.run(lo, hi, cancel)?;
        return Some(finish(top, total, k));
    }
    let mid = lo + (hi - lo) / THREADS;
    let parts: Vec<Option<(TopK, usize)>> = std::thread::scope(|s| {
        let plan = &plan;
        let other = s.spawn(move || plan.run(mid, hi, cancel));
        let mine = plan.run(lo, mid, cancel);
        vec![mine, other.join().ok().flatten()]
    });
    let mut all = TopK::new(k);
    let mut total = 0;
    for p in parts {
        let (t, n) = p?;
        total += n;
        all.buf.extend(t.buf);
    }
    Some(finish(all, total, k))
}

fn finish(mut top: TopK, total: usize, k: usize) -> Scanned {
    top.shrink(k);
    let mut v = top.buf;
    v.sort_unstable_by(|a, b| b.cmp(a));
    Scanned {
        top: v
            .into_iter()
            .map(|key| Candidate {
                doc: u32::MAX - (key as u32),
                key,
            })
            .collect(),
        total,
    }
}

impl Plan<'_> {
    fn run(&self, lo: usize, hi: usize, cancel: Cancel) -> Option<(TopK, usize)> {
        let mut top = TopK::new(self.k);
        let mut total = 0;
        let Some(anchor) = &self.anchor else {
            // No words: every entry passing the filters, newest first.
            for d in lo..hi {
                if d % CANCEL_EVERY == 0 && cancel.cancelled() {
                    return None;
                }
                let doc = &self.index.docs[d];
                if self.passes(doc) {
                    total += 1;
                    top.push(key(true, doc, 0, d));
                }
            }
            return Some((top, total));
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
                d += 1 + starts[d + 2..=hi].partition_point(|&s| s as usize <= p);
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
            if !self.passes(doc) {
                d += 1;
                continue;
            }
            let found = if self.single_char {
                Some((true, p - s))
            } else {
                self.match_all(&arena[s..pos - 1])
            };
            if let Some((exact, penalty)) = found {
                total += 1;
                top.push(key(exact, doc, penalty, d));
            }
            d += 1;
        }
        Some((top, total))
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

/// The query character that occurs least in (a sample of) the index.
fn rarest_char(index: &Index, query: &Query) -> Option<String> {
    let mut cache = index
        .rarity
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let sample = &index.arena[..index.arena.len().min(RARITY_SAMPLE)];
    query
        .terms
        .iter()
        .flat_map(|t| t.text.chars())
        .filter(|c| *c != ' ')
        .map(|c| {
            let n = *cache.entry(c).or_insert_with(|| {
                let mut b = [0u8; 4];
                memchr::memmem::find_iter(sample, c.encode_utf8(&mut b).as_bytes()).count() as u32
            });
            (n, c)
        })
        .min()
        .map(|(_, c)| c.to_string())
}
