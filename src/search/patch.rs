//! Changing an index in place: entries dropped and entries added, keeping
//! the order a full build gives (see [`entry_order`]), so the patched index
//! answers exactly as a rebuild with the same codec would.
//!
//! Both steps move the arena's bytes once, in place (no second copy of the
//! index is ever held): dropping compacts towards the front, adding merges
//! from the back into the grown vectors. Nothing is read from the database
//! here and nothing is folded but the new texts.

use std::cmp::Ordering;
use std::sync::Arc;

use super::index::{entry_order, Doc, Index, TooLarge};
use super::word_numbers::{adopt_words, recode};

impl Index {
    /// Drop every entry for which `gone` is true; then add `add`'s entries
    /// (an index built with the same codec). Speakers new to this index are
    /// appended to its list.
    pub fn patch(&mut self, gone: impl Fn(&Doc) -> bool, add: Index) -> Result<(), TooLarge> {
        self.drop_where(gone);
        self.merge(add)
    }

    /// Compact the entries left, in place, a run of kept entries at a time.
    fn drop_where(&mut self, gone: impl Fn(&Doc) -> bool) {
        let n = self.docs.len();
        let dropped: Vec<usize> = (0..n).filter(|&d| gone(&self.docs[d])).collect();
        self.drop_at(&dropped);
    }

    /// Drop the entries at these places (ascending).
    pub(super) fn drop_at(&mut self, dropped: &[usize]) {
        let n = self.docs.len();
        let Some(&first) = dropped.first() else {
            return;
        };
        // Entry numbers move: the row lookup no longer holds.
        self.rows = Default::default();
        let (mut arena, mut docs) = (self.arena.to_mut(), self.docs.to_mut());
        let (mut ranks, mut starts) = (self.ranks.to_mut(), self.starts.to_mut());
        let (mut w, mut w_byte) = (first, starts[first] as usize);
        for (k, &d) in dropped.iter().enumerate() {
            // The kept run after entry `d`: its `starts` are still the old
            // values (only `starts[..w]` has been written, and `w <= d`).
            let (lo, hi) = (d + 1, dropped.get(k + 1).copied().unwrap_or(n));
            if lo >= hi {
                continue;
            }
            let (s, e) = (starts[lo] as usize, starts[hi] as usize);
            let shift = s - w_byte;
            arena.copy_within(s..e, w_byte);
            docs.copy_within(lo..hi, w);
            ranks.copy_within(lo..hi, w);
            for x in lo..hi {
                starts[w + x - lo] = starts[x] - shift as u32;
            }
            w += hi - lo;
            w_byte += e - s;
        }
        docs.truncate(w);
        ranks.truncate(w);
        starts.truncate(w);
        starts.push(w_byte as u32);
        arena.truncate(w_byte);
    }

    /// Merge `add`'s (sorted) entries in, from the back, in place: each of
    /// ours that comes after an added entry moves once, in runs.
    pub(super) fn merge(&mut self, add: Index) -> Result<(), TooLarge> {
        if add.docs.is_empty() {
            return Ok(());
        }
        let add = self.in_my_words(add)?;
        self.rows = Default::default();
        let speakers: Vec<u16> = add
            .speakers
            .iter()
            .map(|name| self.speaker_number(name))
            .collect();
        let (mut arena, mut docs) = (self.arena.to_mut(), self.docs.to_mut());
        let (mut ranks, mut starts) = (self.ranks.to_mut(), self.starts.to_mut());
        let (n, m) = (docs.len(), add.docs.len());
        let (nb, mb) = (arena.len(), add.arena.len());
        u32::try_from(nb + mb).map_err(|_| TooLarge)?;
        arena.resize(nb + mb, 0);
        docs.resize(n + m, add.docs[0]);
        ranks.resize(n + m, 0);
        starts.resize(n + m + 1, 0);
        starts[n + m] = (nb + mb) as u32;
        let (mut i, mut j) = (n, m);
        // Where the byte slots end: of the next slot written, and of our
        // entry `i - 1` (its old end, before anything moved).
        let (mut end, mut src_end) = (nb + mb, nb);
        while j > 0 {
            let new = add.docs[j - 1];
            // Our entries `p..i` come after the added one: they move up by
            // `j` entries. Only indexes from `i` up have been written.
            let p = docs[..i].partition_point(|d| entry_order(d, &new) != Ordering::Greater);
            if p < i {
                let s = starts[p] as usize;
                let len = src_end - s;
                let shift = (end - src_end) as u32;
                arena.copy_within(s..src_end, end - len);
                docs.copy_within(p..i, p + j);
                ranks.copy_within(p..i, p + j);
                for x in (p..i).rev() {
                    starts[x + j] = starts[x] + shift;
                }
                end -= len;
                src_end = s;
                i = p;
            }
            let k = i + j - 1;
            let (s, e) = (add.starts[j - 1] as usize, add.starts[j] as usize);
            let len = e - s;
            arena[end - len..end].copy_from_slice(&add.arena[s..e]);
            let mut doc = new;
            doc.speaker = speakers.get(doc.speaker as usize).copied().unwrap_or(0);
            docs[k] = doc;
            ranks[k] = add.ranks[j - 1];
            end -= len;
            starts[k] = end as u32;
            j -= 1;
        }
        debug_assert_eq!(end, src_end);
        Ok(())
    }

    /// `add`'s entries with their word numbers in this index's table
    /// (readings new to it appended: numbers given out stay valid).
    fn in_my_words(&mut self, mut add: Index) -> Result<Index, TooLarge> {
        if add.words.is_empty() || Arc::ptr_eq(&add.words, &self.words) {
            return Ok(add);
        }
        let map = adopt_words(Arc::make_mut(&mut self.words), &add.words, &self.codec);
        if map.iter().enumerate().all(|(i, &n)| i as u32 == n) {
            return Ok(add);
        }
        let mut arena = Vec::with_capacity(add.arena.len());
        let mut starts = Vec::with_capacity(add.starts.len());
        for j in 0..add.docs.len() {
            starts.push(u32::try_from(arena.len()).map_err(|_| TooLarge)?);
            let (s, e) = (add.starts[j] as usize, add.starts[j + 1] as usize);
            recode(&add.arena[s..e], &map, &mut arena);
        }
        starts.push(u32::try_from(arena.len()).map_err(|_| TooLarge)?);
        add.arena = arena.into();
        add.starts = starts.into();
        Ok(add)
    }

    /// Make the speaker list the folded `names` (every job title, as a
    /// rebuild registers them: whether `@区長` means that title exactly
    /// depends on which titles exist). Nothing moves when the set is the
    /// same; otherwise every entry's speaker number is remapped by name.
    pub fn set_speakers(&mut self, names: &[String]) {
        let mut want: Vec<String> = vec![String::new()];
        for name in names {
            let key = super::fold::fold(name);
            if !key.is_empty() && !want.contains(&key) && want.len() < usize::from(u16::MAX) {
                want.push(key);
            }
        }
        let same =
            want.len() == self.speakers.len() && want.iter().all(|w| self.speakers.contains(w));
        if same {
            return;
        }
        let remap: Vec<u16> = self
            .speakers
            .iter()
            .map(|old| want.iter().position(|w| w == old).map_or(0, |n| n as u16))
            .collect();
        for d in self.docs.to_mut().iter_mut() {
            d.speaker = remap.get(d.speaker as usize).copied().unwrap_or(0);
        }
        if let Some(layer) = &mut self.layer {
            layer.renumber_speakers(&remap, &want);
        }
        self.speakers = want;
    }

    /// This index's number for a (folded) speaker name, added if new; 0
    /// (no speaker) when the list is full.
    fn speaker_number(&mut self, name: &str) -> u16 {
        if name.is_empty() {
            return 0;
        }
        if let Some(n) = self.speakers.iter().position(|s| s == name) {
            return n as u16;
        }
        let Ok(n) = u16::try_from(self.speakers.len()) else {
            return 0;
        };
        self.speakers.push(name.to_string());
        n
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::super::index::{Codec, DocKind, IndexBuilder};
    use super::*;

    fn doc(id: i64, day: i32) -> Doc {
        Doc {
            id,
            parent: 1,
            day,
            fiscal_year: 2020,
            meeting_no: 1,
            speaker: 0,
            kind: DocKind::Opinion,
        }
    }

    fn build(codec: &Arc<Codec>, rows: &[(i64, i32, &str, &str)]) -> Index {
        let mut b = IndexBuilder::new(codec.clone());
        for &(id, day, text, who) in rows {
            let mut d = doc(id, day);
            d.speaker = b.speaker(who);
            b.push(d, text).unwrap();
        }
        b.finish()
    }

    fn entries(ix: &Index) -> Vec<(Doc, String, String)> {
        (0..ix.len() as u32)
            .map(|i| {
                let d = *ix.doc(i);
                (d, ix.key(i), ix.speaker(&d).to_string())
            })
            .map(|(mut d, k, s)| {
                d.speaker = 0;
                (d, k, s)
            })
            .collect()
    }

    #[test]
    fn patched_equals_built() {
        let codec = Arc::new(Codec::from_sample(["団地の防災訓練"]));
        let all = [
            (1, 10, "団地の集会", "区長"),
            (2, 30, "防災訓練", ""),
            (3, 20, "子育て支援", "課長"),
            (4, 40, "区運営方針", "係長"),
            (5, 5, "超過勤務", "区長"),
        ];
        let mut ix = build(&codec, &all[..3]);
        ix.patch(|d| d.id == 2, build(&codec, &all[3..])).unwrap();
        let expect: Vec<_> = all.iter().filter(|r| r.0 != 2).copied().collect();
        assert_eq!(entries(&ix), entries(&build(&codec, &expect)));
        ix.patch(|d| d.id != 3, build(&codec, &[])).unwrap();
        assert_eq!(entries(&ix), entries(&build(&codec, &all[2..3])));
    }
}
