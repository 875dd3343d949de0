//! The scan over an index whose entries hold word numbers (see
//! [`crate::search::word_numbers`]): the matcher reads an entry's readings
//! written out only when one of its words holds a kana of the query;
//! otherwise the text and the mark give the same answer.

use memchr::memmem::Finder;

use super::{Cancel, Part, Plan, CANCEL_EVERY, REST_FLAGS, REST_INEXACT, REST_READING};
use crate::search::index::{is_final, is_word_final, Index};
use crate::search::matcher::{anchor_chars, text_end, NeedHay, Spot, WordMatch, WordMatcher};
use crate::search::query::Query;
use crate::search::word_numbers::{
    expand, expand_words, kana_bit, mask_of, Hits, Reach, WordFilter, ANCHOR, GROW, MATCH,
};

/// Which words hold the first kana of a form of a query word (a match in
/// the readings starts with it, whole or across words: see
/// [`crate::search::matcher::TermMatcher::find_reading`]), an anchor's
/// kana, or a kana of the last word as typed; None when the index holds
/// no readings.
pub(super) fn filter(index: &Index, query: &Query) -> Option<WordFilter> {
    if index.words().is_empty() {
        return None;
    }
    let mut first = 0u128;
    let mut forms: Vec<(&str, Vec<u8>)> = Vec::new();
    for t in &query.terms {
        for f in std::iter::once(t.text.as_str()).chain(t.reading.as_deref()) {
            first |= f.chars().next().map_or(0, kana_bit);
            forms.push((f, index.codec().encode(f)));
        }
    }
    let anchor = anchor_chars(query, index.codec())
        .into_iter()
        .fold(0u128, |m, c| m | kana_bit(c));
    let grow = query.terms.last().map_or(0, |t| mask_of(&t.text));
    Some(WordFilter::new(
        index.words(),
        [first, anchor, grow],
        &forms,
    ))
}

impl Plan<'_> {
    /// No words (or none to skip to): every entry passing the filters,
    /// newest first.
    pub(super) fn run_every(&self, lo: usize, hi: usize, cancel: Cancel) -> Option<Part> {
        let mut part = Part::new(self.k, hi - lo);
        let mut buf = Vec::new();
        for d in lo..hi {
            if d % CANCEL_EVERY == 0 && cancel.cancelled() {
                return None;
            }
            if part.matches.len() >= self.cap {
                break;
            }
            if !self.passes(d) {
                continue;
            }
            if self.terms.is_empty() {
                self.found(&mut part, d, 0, Spot::default(), None);
            } else if let Some((rest, m)) = self.match_all(self.hay(d, MATCH, 0, &mut buf)) {
                self.found(&mut part, d, rest, m.spot, Some(m));
            }
        }
        Some(part)
    }

    /// Entry `d` of a list, to grow its match at `spot`: the match to grow
    /// must lie within the bytes looked at.
    pub(super) fn list_hay<'b>(&'b self, d: usize, spot: Spot, buf: &'b mut Vec<u8>) -> &'b [u8] {
        let exact = if spot.is_exact() { spot.exact } else { 0 };
        let need = spot.end.max(spot.first).max(exact) as usize;
        self.hay(d, GROW, need, buf)
    }

    fn raw(&self, d: usize) -> &[u8] {
        let s = &self.index.starts;
        &self.index.arena[s[d] as usize..s[d + 1] as usize - 1]
    }

    /// Entry `d`'s key as the matcher reads it to find the query
    /// (`gate` [`MATCH`]) or grow a match ([`GROW`]; at least `need` bytes
    /// of it: the match to grow lies there).
    fn hay<'b>(&'b self, d: usize, gate: u8, need: usize, buf: &'b mut Vec<u8>) -> &'b [u8] {
        let raw = self.raw(d);
        match &self.filter {
            None => raw,
            Some(f) => {
                let (look, mut reach) = if gate == MATCH {
                    f.reach(raw, false)
                } else {
                    let look = f.look(raw, gate);
                    (
                        look,
                        if look.seen & gate != 0 {
                            Reach::All
                        } else {
                            Reach::Text
                        },
                    )
                };
                if need > look.text_end {
                    reach = Reach::All;
                }
                self.hay_for(raw, look.text_end, reach, buf)
            }
        }
    }

    /// The readings written out into `buf` as far as `reach` says, else
    /// the text and the mark (`text_end`).
    fn hay_for<'b>(
        &'b self,
        raw: &'b [u8],
        text_end: usize,
        reach: Reach,
        buf: &'b mut Vec<u8>,
    ) -> &'b [u8] {
        match reach {
            Reach::All => {
                expand(self.index.words(), raw, buf);
                buf
            }
            Reach::Words(n) => {
                expand_words(self.index.words(), raw, n, buf);
                buf
            }
            Reach::Text if text_end < raw.len() => &raw[..=text_end],
            Reach::Text => raw,
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
            if part.matches.len() >= self.cap {
                break;
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
            if hit && self.single_char.is_some() && self.passes(d) {
                // In the text, the first occurrence is the match whatever
                // the readings hold.
                let end = text_end(raw);
                let len = self.single_char.unwrap_or(0);
                if self.text_char(&mut part, d, raw, end, len) {
                    continue;
                }
            }
            let (look, reach) = filter.reach(raw, !hit);
            if !(hit || look.seen & ANCHOR != 0) || !self.passes(d) {
                continue;
            }
            if let Some(len) = self.single_char {
                let hay = self.hay_for(raw, look.text_end, reach, &mut buf);
                self.one_char(&mut part, d, hay, len);
            } else if let Some((rest, m)) = self.match_reach(raw, look.text_end, reach, &mut buf) {
                self.found(&mut part, d, rest, m.spot, Some(m));
            }
        }
        Some(part)
    }

    /// Every word matches: the words before the last (penalty, exactness)
    /// and where the last matched.
    #[inline]
    pub(super) fn match_all(&self, hay: &[u8]) -> Option<(u32, WordMatch)> {
        self.match_by(|_, t| Ok(t.find(hay))).ok().flatten()
    }

    /// [`Plan::match_all`] with each word's match from `find` (given the
    /// index of its first form among the query's forms, and the word).
    #[inline]
    fn match_by(
        &self,
        mut find: impl FnMut(usize, &WordMatcher) -> Result<Option<WordMatch>, NeedHay>,
    ) -> Result<Option<(u32, WordMatch)>, NeedHay> {
        let Some((last, before)) = self.terms.split_last() else {
            return Ok(None);
        };
        let (mut rest, mut j) = (0u32, 0usize);
        for t in before {
            let Some(w) = find(j, t)? else {
                return Ok(None);
            };
            j += 1 + usize::from(t.reading.is_some());
            if !w.spot.is_exact() {
                rest |= REST_INEXACT;
            }
            if !w.surface {
                rest |= REST_READING;
            }
            let p = (rest & !REST_FLAGS).saturating_add(w.penalty.min(u32::MAX as usize) as u32);
            rest = (rest & REST_FLAGS) | p.min(REST_READING - 1);
        }
        Ok(find(j, last)?.map(|w| (rest, w)))
    }

    /// Entry `d` of a list matched afresh: the readings read as far as
    /// the query's forms need (as for every entry in [`Plan::run_words`];
    /// where its previous match lay does not matter).
    pub(super) fn list_match(&self, d: usize, buf: &mut Vec<u8>) -> Option<(u32, WordMatch)> {
        let raw = self.raw(d);
        let Some(f) = &self.filter else {
            return self.match_all(raw);
        };
        let (look, reach) = f.reach(raw, false);
        self.match_reach(raw, look.text_end, reach, buf)
    }

    /// The query matched in `raw` (its readings start at `text_end`), the
    /// readings read as far as `reach` says: where each form lies in the
    /// words is worked out from their numbers when every form the readings
    /// may match lies whole within one word; otherwise written out.
    #[inline]
    fn match_reach(
        &self,
        raw: &[u8],
        text_end: usize,
        reach: Reach,
        buf: &mut Vec<u8>,
    ) -> Option<(u32, WordMatch)> {
        if let (Reach::Words(n), Some(f)) = (reach, &self.filter) {
            let mut hits: Hits = Default::default();
            if f.hits(self.index.words(), raw, text_end, n, &mut hits) {
                let text = &raw[..text_end];
                let read = |j: usize| {
                    move |i: usize, m: &crate::search::matcher::TermMatcher| {
                        let (at, len) = hits.get(j + i).copied().flatten()?;
                        let spot = Spot {
                            first: at,
                            end: at + len,
                            exact: at,
                        };
                        Some(m.judge(spot, text_end))
                    }
                };
                if let Ok(m) = self.match_by(|j, t| t.find_with(text, read(j), None)) {
                    return m;
                }
            }
        }
        self.match_all(self.hay_for(raw, text_end, reach, buf))
    }

    /// A one-character query found in the text (`raw[..end]`) of entry
    /// `d`, not as an astral character's lead byte: recorded, true.
    fn text_char(&self, part: &mut Part, d: usize, raw: &[u8], end: usize, len: usize) -> bool {
        let text = &raw[..end];
        let Some(p) = self.anchors.iter().filter_map(|a| a.find(text)).min() else {
            return false;
        };
        if len < 4 && is_word_final(raw[p]) {
            return false;
        }
        let at = p as u32;
        let spot = Spot {
            first: at,
            end: at + len as u32,
            exact: at,
        };
        let m = self.terms[0].main.judge(spot, end);
        self.found(part, d, 0, spot, Some(m));
        true
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
