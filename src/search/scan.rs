//! The full scan: cheap enough to run on every keystroke over a million
//! entries. It never runs the fuzzy matcher; for each entry it only asks
//! "are the query's characters there, in order?" with byte search (memchr)
//! and gives a cheap score; a top-k selection keeps the best few hundred
//! for the ranking (`rank.rs`) to score properly.
//!
//! Three ways to look, cheapest first (the [`super::Session`] picks):
//! - [`Within::Extend`]: the query is the last one with characters added
//!   to its last word; each earlier match is grown from where it ended
//!   ([`super::matcher`]).
//! - [`Within::Entries`]: the query implies the last one; only the entries
//!   that matched then are checked.
//! - [`Within::All`]: skip through the arena to each occurrence of the
//!   query's rarest character (its highest code, see
//!   [`super::index::Codec`]), so entries without it cost nothing.
//!
//! Above [`PARALLEL_MIN`] entries the work is split across two threads. A
//! newer query cancels a running scan: the generation counter is checked
//! every [`CANCEL_EVERY`] entries.
//!
//! A first stage ([`Within::Newest`]) stops early, once it holds
//! [`super::STAGE_HITS`] matches.

use std::sync::atomic::{AtomicU64, Ordering};

use memchr::arch::all::packedpair::HeuristicFrequencyRank;
use memchr::memmem::{Finder, FinderBuilder};

use super::index::{is_final, is_word_final, Doc, Index};
use super::matcher::{anchors, text_end, Spot, WordMatch, WordMatcher};
use super::query::{KindFilter, Query};
use super::topk::TopK;
use super::word_numbers::WordFilter;

#[path = "scan_words.rs"]
mod words;

#[path = "scan_blank.rs"]
mod blank;
pub use blank::blank;

/// Split the scan across threads above this many entries.
pub const PARALLEL_MIN: usize = 10_000;
/// One atomic load per this many entries. A scan with readings can take
/// ~1.5 µs an entry (readings written out), so 4096 made a newer key wait
/// up to ~6 ms for the old scan to stop; 1024 is at most ~1.5 ms.
const CANCEL_EVERY: usize = 1024;
/// Entries ahead whose bytes are prefetched when going through a list.
const PREFETCH_AHEAD: usize = 12;
const THREADS: usize = 2;
/// The quality field of a scan key (bits 32..60).
const QMAX: u64 = (1 << 28) - 1;
/// In [`Match::rest`]: some word before the last is not exact.
const REST_INEXACT: u32 = 1 << 31;
/// In [`Match::rest`]: some word before the last matched only a reading.
const REST_READING: u32 = 1 << 30;
const REST_FLAGS: u32 = REST_INEXACT | REST_READING;

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
    /// Every word matched as an exact substring.
    pub fn exact(&self) -> bool {
        self.key >> 63 == 1
    }

    /// Every word matched in the text itself, not only in its readings.
    pub fn surface(&self) -> bool {
        (self.key >> 62) & 1 == 1
    }
}

/// An entry that matched, and enough to grow the match on the next
/// keystroke: where the last word matched, and the other words' part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Match {
    pub doc: u32,
    /// The last word.
    pub spot: Spot,
    /// The words before the last: penalty, plus [`REST_INEXACT`] and
    /// [`REST_READING`].
    pub rest: u32,
}

/// What the scan found: the best `k` candidates, best first, and every
/// entry that matched (ascending, in a chunk per thread: joining them would
/// copy them).
#[derive(Debug, Clone, Default)]
pub struct Scanned {
    pub top: Vec<Candidate>,
    pub total: usize,
    pub matches: Vec<Vec<Match>>,
}

/// Where to look.
#[derive(Clone, Copy)]
pub enum Within<'a> {
    /// Every entry (those of the query's fiscal year).
    All,
    /// The newest this many of those (a first, quick answer), stopping
    /// at the [`super::STAGE_HITS`]-th match.
    Newest(usize),
    /// Only these entries: the matches of a query this one implies.
    Entries(&'a [Vec<Match>]),
    /// These matches of the same query with `added` more characters at the
    /// end of its last word.
    Extend {
        prev: &'a [Vec<Match>],
        added: usize,
    },
}

/// The best `k` candidates for `query`, or None when cancelled.
pub fn scan(
    index: &Index,
    query: &Query,
    k: usize,
    within: Within,
    cancel: Cancel,
) -> Option<Scanned> {
    let mut plan = Plan::new(index, query, k.max(1));
    if let Within::Newest(_) = within {
        plan.cap = super::STAGE_HITS;
    }
    let added = match within {
        Within::Extend { added, .. } => Some(added),
        _ => None,
    };
    let work = |part: Slice| match part {
        Slice::Range(lo, hi) => plan.run(lo, hi, cancel),
        Slice::Lists(l) => plan.run_list(l, added, cancel),
    };
    let parts: Vec<Option<Part>> = match within {
        Within::All | Within::Newest(_) => {
            let (lo, mut hi) = plan.range;
            if let Within::Newest(n) = within {
                hi = hi.min(lo + n);
            }
            // A first stage is a millisecond's work: a second thread
            // would only add its start (and, on a busy server, the wait
            // for a core) to the first frame.
            if hi - lo < PARALLEL_MIN || matches!(within, Within::Newest(_)) {
                vec![work(Slice::Range(lo, hi))]
            } else {
                let mid = lo + (hi - lo) / THREADS;
                both(&work, Slice::Range(lo, mid), Slice::Range(mid, hi))
            }
        }
        Within::Entries(l) | Within::Extend { prev: l, .. } => {
            let n: usize = l.iter().map(Vec::len).sum();
            if n < PARALLEL_MIN {
                let all: Vec<&[Match]> = l.iter().map(Vec::as_slice).collect();
                vec![work(Slice::Lists(&all))]
            } else {
                let (a, b) = halves(l, n);
                both(&work, Slice::Lists(&a), Slice::Lists(&b))
            }
        }
    };
    let mut top = TopK::new(plan.k);
    let mut matches = Vec::with_capacity(parts.len());
    for p in parts {
        let p = p?;
        top.buf.extend(p.top.buf);
        matches.push(p.matches);
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
        total: matches.iter().map(Vec::len).sum(),
        matches,
    })
}

/// Run `a` here and `b` on a second thread.
fn both<'s>(
    work: &(dyn Fn(Slice<'s>) -> Option<Part> + Sync),
    a: Slice<'s>,
    b: Slice<'s>,
) -> Vec<Option<Part>> {
    std::thread::scope(|s| {
        let other = s.spawn(move || work(b));
        let mine = work(a);
        vec![mine, other.join().ok().flatten()]
    })
}

/// Split chunks of `n` matches into two runs of about `n / 2`, in order.
fn halves(chunks: &[Vec<Match>], n: usize) -> (Vec<&[Match]>, Vec<&[Match]>) {
    let (mut a, mut b) = (Vec::new(), Vec::new());
    let mut left = n / THREADS;
    for c in chunks {
        let take = left.min(c.len());
        let (x, y) = c.split_at(take);
        left -= take;
        if !x.is_empty() {
            a.push(x);
        }
        if !y.is_empty() {
            b.push(y);
        }
    }
    (a, b)
}

/// Byte frequencies of the indexed text, so memchr's prefilter picks bytes
/// that are rare in this text rather than in English.
#[derive(Clone, Copy)]
struct Rank<'a>(&'a [u8; 256]);

impl HeuristicFrequencyRank for Rank<'_> {
    fn rank(&self, byte: u8) -> u8 {
        self.0[byte as usize]
    }
}

/// A share of the work.
#[derive(Clone, Copy)]
enum Slice<'a> {
    Range(usize, usize),
    Lists(&'a [&'a [Match]]),
}

/// One thread's share of a scan.
struct Part {
    top: TopK,
    /// The entries that matched, ascending.
    matches: Vec<Match>,
}

impl Part {
    fn new(k: usize, expect: usize) -> Self {
        Part {
            top: TopK::new(k),
            matches: Vec::with_capacity(expect),
        }
    }
}

/// Everything one scan needs, shared by its threads.
struct Plan<'a> {
    index: &'a Index,
    query: &'a Query,
    terms: Vec<WordMatcher<'a>>,
    /// An entry matches only if it holds one of these (one character of
    /// each form of one word).
    anchors: Vec<Finder<'static>>,
    /// The anchor's code length when the query is that one character: the
    /// anchor hit is then the whole match.
    single_char: Option<usize>,
    /// Some filter needs the entry's record (fiscal years are ranges).
    filtered: bool,
    /// The entries of the query's fiscal year (all without one).
    range: (usize, usize),
    speakers: Option<Vec<bool>>,
    k: usize,
    /// Which of the index's words hold the query's kana (None: the
    /// entries hold no readings).
    filter: Option<WordFilter>,
    /// Stop a range's scan at this many matches (a first stage: see
    /// [`Within::Newest`]; one thread then).
    cap: usize,
}

impl<'a> Plan<'a> {
    fn new(index: &'a Index, query: &'a Query, k: usize) -> Self {
        let codec = &index.codec;
        let terms: Vec<WordMatcher<'a>> = query
            .terms
            .iter()
            .map(|t| WordMatcher::new(t, codec))
            .collect();
        let anchors = anchors(query, codec);
        let filter = words::filter(index, query);
        let single_char = anchors
            .first()
            .filter(|_| {
                query.terms.len() == 1
                    && query.terms[0].is_plain()
                    && query.terms[0].text.chars().count() == 1
            })
            .map(|a| a.needle().len());
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
            anchors: anchors
                .iter()
                .map(|a| {
                    FinderBuilder::new().build_forward_with_ranker_owned(
                        Rank(&index.byte_rank),
                        a.needle().to_vec(),
                    )
                })
                .collect(),
            single_char,
            filtered: query.meeting_no.is_some() || query.speaker.is_some() || query.kind.is_some(),
            range: match query.fiscal_year {
                Some(fy) => index.fiscal_year_range(fy),
                None => (0, index.len()),
            },
            speakers,
            k,
            filter,
            cap: usize::MAX,
        }
    }

    /// Entries `lo..hi`: skip to each occurrence of the anchor.
    fn run(&self, lo: usize, hi: usize, cancel: Cancel) -> Option<Part> {
        // Room for every entry: growing by doubling would copy the list
        // over and over, and capacity never written costs no memory.
        let mut part = Part::new(self.k, hi - lo);
        if self.anchors.is_empty() {
            return self.run_every(lo, hi, cancel);
        }
        if let Some(f) = &self.filter {
            return self.run_words(lo, hi, f, cancel);
        }
        let starts = &self.index.starts;
        let arena = &self.index.arena;
        let end = starts[hi] as usize;
        let mut pos = starts[lo] as usize;
        let mut d = lo;
        let mut next_check = lo + CANCEL_EVERY;
        let find = |a: &Finder, from: usize| {
            let rest = &arena[from..end];
            // The commonest characters are one byte: plain memchr.
            let hit = match a.needle() {
                [b] => memchr::memchr(*b, rest),
                _ => a.find(rest),
            };
            hit.map(|o| from + o)
        };
        let mut next: Vec<Option<usize>> = self.anchors.iter().map(|a| find(a, pos)).collect();
        while pos < end && part.matches.len() < self.cap {
            let Some(p) = next.iter().flatten().min().copied() else {
                break;
            };
            if starts[d + 1] as usize <= p {
                d = entry_at(starts, d + 1, hi, p);
            }
            if d >= next_check {
                if cancel.cancelled() {
                    return None;
                }
                next_check = d + CANCEL_EVERY;
            }
            let s = starts[d] as usize;
            pos = starts[d + 1] as usize;
            for (a, n) in self.anchors.iter().zip(next.iter_mut()) {
                if n.is_some_and(|n| n < pos) {
                    *n = find(a, pos);
                }
            }
            let hay = &arena[s..pos - 1];
            // A word final byte hit in the text is an astral character's
            // lead byte, not the kana: that entry is matched in full.
            let single = self
                .single_char
                .filter(|&len| len == 4 || !is_word_final(arena[p]) || p - s >= text_end(hay));
            if self.passes(d) {
                if let Some(len) = single {
                    // The hit is the first occurrence in this entry (the
                    // character's code, or its final or word final byte:
                    // one byte).
                    let len = if is_final(arena[p]) || (len < 4 && is_word_final(arena[p])) {
                        1
                    } else {
                        len
                    };
                    let at = (p - s) as u32;
                    let spot = Spot {
                        first: at,
                        end: at + len as u32,
                        exact: at,
                    };
                    let m = self.terms[0].main.judge(spot, text_end(hay));
                    self.found(&mut part, d, 0, spot, Some(m));
                } else if let Some((rest, m)) = self.match_all(hay) {
                    self.found(&mut part, d, rest, m.spot, Some(m));
                }
            }
            d += 1;
        }
        Some(part)
    }

    /// Only the entries of `list`; with `added`, grow their matches.
    fn run_list(&self, lists: &[&[Match]], added: Option<usize>, cancel: Cancel) -> Option<Part> {
        let mut part = Part::new(self.k, lists.iter().map(|l| l.len()).sum());
        let mut buf = Vec::new();
        let last = self.terms.last();
        for list in lists {
            for (n, m) in list.iter().enumerate() {
                if n % CANCEL_EVERY == 0 && cancel.cancelled() {
                    return None;
                }
                // The entries are scattered through the arena: ask for one
                // a few ahead now, so its bytes are there when we get to it.
                if let Some(ahead) = list.get(n + PREFETCH_AHEAD) {
                    self.prefetch(ahead);
                }
                self.one_of_list(&mut part, m, added, last, &mut buf);
            }
        }
        Some(part)
    }

    #[inline]
    fn prefetch(&self, m: &Match) {
        #[cfg(target_arch = "x86_64")]
        {
            let at = self.index.starts[m.doc as usize] as usize + m.spot.end as usize;
            if let Some(b) = self.index.arena.get(at) {
                // SAFETY: a prefetch is only a hint; the address is inside
                // the arena.
                unsafe {
                    std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
                        (b as *const u8).cast::<i8>(),
                    )
                };
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = m;
    }

    #[inline]
    fn one_of_list(
        &self,
        part: &mut Part,
        m: &Match,
        added: Option<usize>,
        last: Option<&WordMatcher<'a>>,
        buf: &mut Vec<u8>,
    ) {
        {
            {
                let d = m.doc as usize;
                if d < self.range.0 || d >= self.range.1 || !self.passes(d) {
                    return;
                }
                let found = match (added, last) {
                    (Some(added), Some(t)) => {
                        let hay = self.list_hay(d, m.spot, buf);
                        t.main
                            .extend(m.spot, added, hay)
                            .map(|s| (m.rest, Some(t.main.judge(s, text_end(hay)))))
                    }
                    (_, None) => Some((0, None)),
                    _ => self.list_match(d, buf).map(|(r, w)| (r, Some(w))),
                };
                if let Some((rest, w)) = found {
                    self.found(part, d, rest, w.map(|w| w.spot).unwrap_or_default(), w);
                }
            }
        }
    }

    #[inline]
    fn found(&self, part: &mut Part, d: usize, rest: u32, spot: Spot, last: Option<WordMatch>) {
        let (exact, surface, penalty) = match last {
            Some(w) => (
                rest & REST_INEXACT == 0 && spot.is_exact(),
                rest & REST_READING == 0 && w.surface,
                (rest & !REST_FLAGS) as usize + w.penalty,
            ),
            None => (true, true, 0),
        };
        part.matches.push(Match {
            doc: d as u32,
            spot,
            rest,
        });
        part.top.push(self.key(exact, surface, penalty, d));
    }

    /// The entry passes the query's filters. Without filters this touches
    /// nothing (the full record is a cache miss per entry when narrowing).
    #[inline]
    fn passes(&self, d: usize) -> bool {
        if !self.filtered {
            return true;
        }
        let doc: &Doc = &self.index.docs[d];
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
            Some(KindFilter::Progress) => doc.kind.is_progress(),
            Some(KindFilter::Evaluation) => doc.kind == super::DocKind::Evaluation,
            Some(KindFilter::Milestone) => doc.kind == super::DocKind::Milestone,
            Some(KindFilter::Indicator) => doc.kind == super::DocKind::Indicator,
            Some(KindFilter::Place) => doc.kind == super::DocKind::Place,
            Some(KindFilter::Owner) => doc.kind == super::DocKind::Owner,
        }
    }

    /// The scan key: exact (1 bit), in the text rather than only in its
    /// readings (1 bit), kind rank (2 bits), quality (28 bits), then recency
    /// (the entry index, inverted: newer entries come first).
    #[inline]
    fn key(&self, exact: bool, surface: bool, penalty: usize, d: usize) -> u64 {
        let quality = QMAX - (penalty as u64).min(QMAX);
        (u64::from(exact) << 63)
            | (u64::from(surface) << 62)
            | (u64::from(self.index.ranks[d]) << 60)
            | (quality << 32)
            | u64::from(u32::MAX - d as u32)
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
