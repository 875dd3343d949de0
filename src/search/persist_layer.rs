//! Changes over a mapped index without copying it: a [`Layer`] holds a bit
//! per base entry that is dropped (its row changed or went away since the
//! file was written) and a small owned index of the entries new or changed
//! since, with the base's codec and speaker numbers.
//!
//! A search scans the base (asking for as many more candidates as there
//! are dropped entries, then removing those) and the layer's index, and
//! merges the two by the same keys a rebuild would give: every entry gets
//! its place among base and layer entries merged in index order (newest
//! first, [`entry_order`]), and the scan key's recency part is that place.
//! So the candidates kept, their ranking and the totals are exactly a
//! rebuild's. [`Index::doc`] and [`Index::key`] take such places.
//!
//! When the layer grows past a few per cent of the base, the session
//! holding the lock writes a new file ([`super::service`]), which every
//! session maps again (their layers gone).

use std::cmp::Ordering;
use std::collections::BTreeSet;

use super::index::{entry_order, Doc, Index, IndexBuilder, TooLarge};
use super::scan::{self, Cancel, Candidate, Match, Scanned, Within};
use super::Query;

/// See the module comment.
#[derive(Clone)]
pub struct Layer {
    /// A bit per base entry: dropped.
    dropped: Vec<u64>,
    count: usize,
    /// Entries new or changed since the base (the base's speaker numbers).
    pub(super) delta: Index,
    /// Each delta entry's place among base and delta merged (ascending).
    places: Vec<u32>,
}

impl Layer {
    fn new(base: &Index) -> Layer {
        let mut delta = IndexBuilder::new(base.codec.clone())
            .with_readings(base.readings)
            .finish();
        delta.speakers = base.speakers.clone();
        // The base's numbering of readings, extended by what is added.
        delta.words = base.words.clone();
        delta.byte_rank = base.byte_rank;
        Layer {
            dropped: vec![0; base.len().div_ceil(64)],
            count: 0,
            delta,
            places: Vec::new(),
        }
    }

    /// Base entries dropped.
    pub fn dropped(&self) -> usize {
        self.count
    }

    /// Entries the layer holds: dropped and added.
    pub fn size(&self) -> usize {
        self.count + self.delta.len()
    }

    #[inline]
    pub fn is_dropped(&self, d: usize) -> bool {
        self.dropped
            .get(d / 64)
            .is_some_and(|w| w & (1 << (d % 64)) != 0)
    }

    fn drop_entry(&mut self, d: usize) {
        if let Some(w) = self.dropped.get_mut(d / 64) {
            if *w & (1 << (d % 64)) == 0 {
                *w |= 1 << (d % 64);
                self.count += 1;
            }
        }
    }

    /// Place `i` as the delta entry (Ok) or the base entry (Err) it is.
    #[inline]
    pub fn place(&self, i: u32) -> Result<usize, usize> {
        match self.places.binary_search(&i) {
            Ok(j) => Ok(j),
            Err(k) => Err(i as usize - k),
        }
    }

    /// The place of base entry `d` (the delta entries before it, plus `d`).
    fn base_place(&self, base: &Index, d: u32) -> u32 {
        let doc = &base.docs[d as usize];
        let before = self
            .delta
            .docs
            .partition_point(|x| entry_order(x, doc) == Ordering::Less);
        d + before as u32
    }

    /// The place of the entry `doc` names (its row and kind), if the
    /// index holds it: a binary search in the layer, then in the base.
    pub(super) fn place_of(&self, base: &Index, doc: &Doc) -> Option<u32> {
        let same = |x: &Doc| x.id == doc.id && x.kind == doc.kind;
        let delta = &self.delta.docs;
        let j = delta.partition_point(|x| entry_order(x, doc) == Ordering::Less);
        if delta.get(j).is_some_and(same) {
            return self.places.get(j).copied();
        }
        let d = base
            .docs
            .partition_point(|x| entry_order(x, doc) == Ordering::Less);
        (base.docs.get(d).is_some_and(same) && !self.is_dropped(d))
            .then(|| self.base_place(base, d as u32))
    }

    /// The places of the delta's entries (ascending).
    pub(super) fn places(&self) -> &[u32] {
        &self.places
    }

    /// The base's speaker numbers changed (`remap`: old → new; `names`:
    /// the new list): follow them.
    pub(super) fn renumber_speakers(&mut self, remap: &[u16], names: &[String]) {
        for d in self.delta.docs.to_mut().iter_mut() {
            d.speaker = remap.get(d.speaker as usize).copied().unwrap_or(0);
        }
        self.delta.speakers = names.to_vec();
    }
}

/// The rows a change touched: for each table, their ids.
pub type Changed<'a> = [(&'static str, &'a BTreeSet<i64>)];

/// Drop the base entries of the `changed` rows (`gone` is true for exactly
/// those) and add `add`'s entries, over the base `index` without changing
/// it (see the module comment).
pub fn apply(
    index: &mut Index,
    gone: impl Fn(&Doc) -> bool,
    add: Index,
    changed: &Changed,
) -> Result<(), TooLarge> {
    let mut layer = match index.layer.take() {
        Some(l) => *l,
        None => Layer::new(index),
    };
    if index.has_row_lookup() {
        // Each row's entries by binary search (the file's row lookup).
        for (table, ids) in changed {
            for &id in ids.iter() {
                for &d in index.row_entries(table, id).unwrap_or_default() {
                    layer.drop_entry(d as usize);
                }
            }
        }
    } else {
        // No lookup (not from a file): a walk over every base entry.
        for (d, doc) in index.docs.iter().enumerate() {
            if gone(doc) {
                layer.drop_entry(d);
            }
        }
    }
    layer.delta.patch(&gone, add)?;
    // The delta's speakers by the base's numbers (new names added).
    let remap: Vec<u16> = layer
        .delta
        .speakers
        .iter()
        .map(|name| speaker_number(&mut index.speakers, name))
        .collect();
    layer.renumber_speakers(&remap, &index.speakers);
    let base = &index.docs;
    layer.places = layer
        .delta
        .docs
        .iter()
        .enumerate()
        .map(|(j, doc)| {
            (j + base.partition_point(|b| entry_order(b, doc) != Ordering::Greater)) as u32
        })
        .collect();
    if layer.size() > 0 {
        index.layer = Some(Box::new(layer));
    }
    Ok(())
}

fn speaker_number(names: &mut Vec<String>, name: &str) -> u16 {
    if name.is_empty() {
        return 0;
    }
    if let Some(n) = names.iter().position(|s| s == name) {
        return n as u16;
    }
    let Ok(n) = u16::try_from(names.len()) else {
        return 0;
    };
    names.push(name.to_string());
    n
}

impl Index {
    /// The base entries the layer drops (none without a layer).
    pub fn dropped_base_entries(&self) -> Vec<Doc> {
        let Some(layer) = &self.layer else {
            return Vec::new();
        };
        (0..self.len())
            .filter(|&d| layer.is_dropped(d))
            .map(|d| self.docs[d])
            .collect()
    }

    /// Entries the layer over the base holds (0 without one).
    pub fn layer_size(&self) -> usize {
        self.layer.as_ref().map_or(0, |l| l.size())
    }

    /// The index with its layer merged in: one owned index, as a rebuild
    /// with the same codec would be (to write as the file).
    pub fn flattened(&self) -> Result<Index, TooLarge> {
        let mut flat = self.clone();
        let Some(layer) = flat.layer.take() else {
            return Ok(flat);
        };
        let dropped: Vec<usize> = (0..flat.len()).filter(|&d| layer.is_dropped(d)).collect();
        flat.drop_at(&dropped);
        flat.merge(layer.delta)?;
        Ok(flat)
    }
}

/// What to look through, as [`super::Session`] decided.
#[derive(Clone, Copy)]
pub enum Mode {
    All,
    Entries,
    Extend(usize),
    /// The base's newest entries and the whole layer (a staged first
    /// answer, see [`super::STAGE_ENTRIES`]).
    Newest(usize),
}

fn within(mode: Mode, lists: &[Vec<Match>]) -> Within<'_> {
    match mode {
        Mode::All => Within::All,
        Mode::Entries => Within::Entries(lists),
        Mode::Extend(added) => Within::Extend { prev: lists, added },
        Mode::Newest(n) => Within::Newest(n),
    }
}

/// Matches of the base and of the layer's index (for the next keystroke).
pub type LayerMatches = (Vec<Vec<Match>>, Vec<Vec<Match>>);

/// The best `keep` candidates of a layered index (places as entry
/// numbers) and the matches of each part; None when cancelled.
pub fn scan_layered(
    index: &Index,
    layer: &Layer,
    query: &Query,
    keep: usize,
    mode: Mode,
    prev: (&[Vec<Match>], &[Vec<Match>]),
    cancel: Cancel,
) -> Option<(Scanned, LayerMatches)> {
    let mut base = scan::scan(
        index,
        query,
        keep + layer.dropped(),
        within(mode, prev.0),
        cancel,
    )?;
    if layer.dropped() > 0 {
        base.top.retain(|c| !layer.is_dropped(c.doc as usize));
        for m in &mut base.matches {
            m.retain(|m| !layer.is_dropped(m.doc as usize));
        }
    }
    // The layer holds the newest changes: a staged first answer reads it whole.
    let delta_mode = match mode {
        Mode::Newest(_) => Mode::All,
        m => m,
    };
    let delta = scan::scan(
        &layer.delta,
        query,
        keep,
        within(delta_mode, prev.1),
        cancel,
    )?;
    let at = |c: &Candidate, place: u32| Candidate {
        doc: place,
        key: (c.key & !0xFFFF_FFFF) | u64::from(u32::MAX - place),
    };
    let mut top: Vec<Candidate> = base
        .top
        .iter()
        .map(|c| at(c, layer.base_place(index, c.doc)))
        .chain(
            delta
                .top
                .iter()
                .map(|c| at(c, layer.places[c.doc as usize])),
        )
        .collect();
    top.sort_unstable_by_key(|c| std::cmp::Reverse(c.key));
    top.truncate(keep);
    let total = base.matches.iter().map(Vec::len).sum::<usize>() + delta.total;
    let scanned = Scanned {
        top,
        total,
        matches: Vec::new(),
    };
    Some((scanned, (base.matches, delta.matches)))
}
