//! The scan over an index whose entries hold word numbers (see
//! [`crate::search::word_numbers`]): the matcher reads an entry's readings
//! written out only when one of its words holds a kana of the query;
//! otherwise the text and the mark give the same answer.

use memchr::memmem::Finder;

use super::{Cancel, Part, Plan, CANCEL_EVERY};
use crate::search::index::{is_final, is_word_final, Index};
use crate::search::matcher::{anchor_chars, text_end, Spot};
use crate::search::query::Query;
use crate::search::word_numbers::{expand, kana_bit, mask_of, Look, WordFilter};

/// Which words hold the query's kana (any form of any word) and which an
/// anchor's; None when the index holds no readings.
pub(super) fn filter(index: &Index, query: &Query) -> Option<WordFilter> {
    if index.words().is_empty() {
        return None;
    }
    let mut q = 0u128;
    for t in &query.terms {
        for f in t.forms().chain(t.kana_forms()) {
            q |= mask_of(f);
        }
    }
    let a = anchor_chars(query, index.codec())
        .into_iter()
        .fold(0u128, |m, c| m | kana_bit(c));
    Some(WordFilter::new(index.words(), q, a))
}

impl Plan<'_> {
    fn raw(&self, d: usize) -> &[u8] {
        let s = &self.index.starts;
        &self.index.arena[s[d] as usize..s[d + 1] as usize - 1]
    }

    /// Entry `d`'s key as the matcher reads it (at least `need` bytes of
    /// it: a match to grow lies there).
    pub(super) fn hay<'b>(&'b self, d: usize, need: usize, buf: &'b mut Vec<u8>) -> &'b [u8] {
        let raw = self.raw(d);
        match &self.filter {
            None => raw,
            Some(f) => {
                let mut look = f.look(raw, false);
                look.expand |= need > look.text_end;
                self.hay_for(raw, look, buf)
            }
        }
    }

    /// The readings written out into `buf` when they matter, else the
    /// text and the mark (the same answer: none of the query's kana is in
    /// the readings).
    fn hay_for<'b>(&'b self, raw: &'b [u8], look: Look, buf: &'b mut Vec<u8>) -> &'b [u8] {
        if look.expand {
            expand(self.index.words(), raw, buf);
            buf
        } else if look.text_end < raw.len() {
            &raw[..=look.text_end]
        } else {
            raw
        }
    }

    /// Entries `lo..hi`: each whose text holds an anchor (the skip through
    /// the arena finds those; a hit among the numbers costs only a look)
    /// or one of whose words' readings does.
    pub(super) fn run_words(
        &self,
        lo: usize,
        hi: usize,
        filter: &WordFilter,
        cancel: Cancel,
    ) -> Option<Part> {
        let mut part = Part::new(self.k, hi - lo);
        let mut buf = Vec::new();
        let starts = &self.index.starts;
        let arena = &self.index.arena;
        let end = starts[hi] as usize;
        let find = |a: &Finder, from: usize| {
            let rest = &arena[from..end];
            let hit = match a.needle() {
                [b] => memchr::memchr(*b, rest),
                _ => a.find(rest),
            };
            hit.map(|o| from + o)
        };
        let from = starts[lo] as usize;
        let mut next: Vec<Option<usize>> = self.anchors.iter().map(|a| find(a, from)).collect();
        for d in lo..hi {
            if d % CANCEL_EVERY == 0 && cancel.cancelled() {
                return None;
            }
            let (s, e) = (starts[d] as usize, starts[d + 1] as usize);
            let mut hit = false;
            for (a, n) in self.anchors.iter().zip(next.iter_mut()) {
                if n.is_some_and(|n| n < e) {
                    hit = true;
                    *n = find(a, e);
                }
            }
            let raw = &arena[s..e - 1];
            let look = filter.look(raw, !hit);
            if !(hit || look.anchor) || !self.passes(d) {
                continue;
            }
            let hay = self.hay_for(raw, look, &mut buf);
            if let Some(len) = self.single_char {
                self.one_char(&mut part, d, hay, len);
            } else if let Some((rest, m)) = self.match_all(hay) {
                self.found(&mut part, d, rest, m.spot, Some(m));
            }
        }
        Some(part)
    }

    /// A one-character query in `hay`: its first occurrence (the
    /// character's code, or its final or word final byte) is the match,
    /// unless that is an astral character's lead byte in the text.
    fn one_char(&self, part: &mut Part, d: usize, hay: &[u8], len: usize) {
        let Some(p) = self.anchors.iter().filter_map(|a| a.find(hay)).min() else {
            return;
        };
        let end = text_end(hay);
        if len == 4 || !is_word_final(hay[p]) || p >= end {
            let len = if is_final(hay[p]) || (len < 4 && is_word_final(hay[p])) {
                1
            } else {
                len
            };
            let at = p as u32;
            let spot = Spot {
                first: at,
                end: at + len as u32,
                exact: at,
            };
            let m = self.terms[0].main.judge(spot, end);
            self.found(part, d, 0, spot, Some(m));
        } else if let Some((rest, m)) = self.match_all(hay) {
            self.found(part, d, rest, m.spot, Some(m));
        }
    }
}
