//! The answer on screen kept current from the change log without scanning
//! the index again: a viewer with the search open at 1M opinions spent a
//! full scan (~35–40 ms) per colleague's save on a query whose answer
//! rarely changes.
//!
//! A full answer keeps more than it shows: the best [`RESERVE_FACTOR`]
//! times the candidates the ranking needs, by the scan's cheap key, and
//! the total. A small tail then changes only the changed rows: their old
//! entries leave the reserve and the total, their new entries are scored
//! against the same query (the scan over just those entries) and merged
//! in. The ranking ([`super::rank`]) then runs over the best candidates as
//! a fresh answer's would, so rows, order, total and highlights are
//! exactly a fresh answer's.
//!
//! Why it is exact: every entry not in the reserve ranks below every
//! entry in it (the scan key orders by quality, then by place, and places
//! of unchanged entries keep their order, [`entry_order`]). So the best
//! candidates are the reserve's best while the reserve still holds as many
//! as the ranking needs; a new entry joins only if it beats the reserve's
//! last (else an entry never seen could beat it). When too many leave,
//! the tail is big, job titles changed (the speaker filter) or the index
//! was replaced, the caller answers in full again.

use std::cmp::Ordering;
use std::collections::BTreeSet;

use super::changes::Tail;
use super::index::{entry_order, Doc, DocKind, Index};
use super::persist_layer::{scan_layered, Mode};
use super::resolve::{self, ResultRow};
use super::scan::{self, Cancel, Candidate, Match, Scanned, Within};
use super::{rank, Found, Query, RERANK_FACTOR};

/// A tail of more changed rows than this is answered in full.
pub const MAX_TAIL: usize = 500;
/// The reserve holds this many times the candidates the ranking needs.
const RESERVE_FACTOR: usize = 4;

/// An entry kept: its record (row, kind, place in the order) and the
/// upper half of its scan key (exact, surface, kind rank, quality).
#[derive(Debug, Clone, Copy)]
struct Kept {
    doc: Doc,
    hi: u32,
}

/// Best first: the scan key's order (quality, then the earlier place).
fn order(a: &Kept, b: &Kept) -> Ordering {
    b.hi.cmp(&a.hi).then(entry_order(&a.doc, &b.doc))
}

/// The state of the last full answer, kept current.
#[derive(Debug, Clone)]
pub struct Live {
    query: Query,
    limit: usize,
    /// The candidates the ranking takes (as [`super::Session`] does).
    keep: usize,
    /// Best first; at most `reserve`.
    kept: Vec<Kept>,
    reserve: usize,
    /// `kept` holds every entry that matches.
    complete: bool,
    total: usize,
    /// The rows shown, in order (kind, id, exact), to tell a change.
    shown: Vec<(DocKind, i64, bool)>,
}

/// What the changed rows' old entries were (see [`Live::before`]).
#[derive(Debug, Clone, Copy)]
pub struct Before {
    matched: usize,
}

/// A tail applied to the answer.
#[derive(Debug, Clone)]
pub enum Update {
    /// The rows shown and the total are as they were, and no row shown
    /// changed: nothing to send.
    Same,
    Changed {
        found: Found,
        /// None: read every row shown again. Some: only the rows of these
        /// opinions changed (and no other table): the other rows shown
        /// before can be shown as they were.
        reread: Option<BTreeSet<i64>>,
    },
}

impl Live {
    /// A full answer (every entry scanned), keeping the reserve; None when
    /// cancelled.
    pub fn full(
        index: &Index,
        query: &Query,
        limit: usize,
        cancel: Cancel,
    ) -> Option<(Live, Found)> {
        Self::with_reserve(index, query, limit, RESERVE_FACTOR, cancel)
    }

    /// [`Live::full`] keeping `factor` times the candidates the ranking
    /// needs (tests use a small reserve, to run out of it).
    pub fn with_reserve(
        index: &Index,
        query: &Query,
        limit: usize,
        factor: usize,
        cancel: Cancel,
    ) -> Option<(Live, Found)> {
        let keep = (limit * RERANK_FACTOR).max(limit + 50);
        let reserve = keep * factor.max(1);
        let scanned = match &index.layer {
            Some(layer) => {
                let none = Vec::new();
                scan_layered(
                    index,
                    layer,
                    query,
                    reserve,
                    Mode::All,
                    (&none, &none),
                    cancel,
                )?
                .0
            }
            None => scan::scan(index, query, reserve, Within::All, cancel)?,
        };
        let kept: Vec<Kept> = scanned
            .top
            .iter()
            .map(|c| Kept {
                doc: *index.doc(c.doc),
                hi: (c.key >> 32) as u32,
            })
            .collect();
        let top = Scanned {
            top: scanned.top.iter().take(keep).copied().collect(),
            total: scanned.total,
            matches: Vec::new(),
        };
        let hits = rank::rank(index, query, &top, limit);
        let mut live = Live {
            query: query.clone(),
            limit,
            keep,
            reserve,
            complete: kept.len() == scanned.total,
            kept,
            total: scanned.total,
            shown: Vec::new(),
        };
        live.shown = live.identities(index, &hits);
        Some((
            live,
            Found {
                hits,
                total: scanned.total,
            },
        ))
    }

    /// Is this the state of `query` answered with `limit` rows?
    pub fn answers(&self, query: &Query, limit: usize) -> bool {
        self.query == *query && self.limit == limit
    }

    /// Before `tail` is applied to `index`: how many of the changed rows'
    /// entries match. None when the tail is answered in full (too big, or
    /// job titles changed: whether `@title` means a title exactly depends
    /// on every title).
    pub fn before(&self, index: &Index, tail: &Tail) -> Option<Before> {
        if tail.titles || tail.len() > MAX_TAIL {
            return None;
        }
        Some(Before {
            matched: score(index, &self.query, &places_of(index, tail)).len(),
        })
    }

    /// After `tail` was applied to `index` (`before` read from it before):
    /// the new answer, or None when it must be answered in full (then this
    /// state is stale: drop it).
    pub fn after(&mut self, index: &Index, before: Before, tail: &Tail) -> Option<Update> {
        let new = score(index, &self.query, &places_of(index, tail));
        let was = self.total;
        self.kept.retain(|k| !tail.touches(&k.doc));
        self.total = (self.total + new.len()).checked_sub(before.matched)?;
        if self.complete {
            self.kept.extend(new);
        } else {
            if self.kept.len() < self.keep {
                return None;
            }
            // Entries never seen may beat a new entry below the last kept.
            let last = *self.kept.last()?;
            self.kept.extend(
                new.into_iter()
                    .filter(|n| order(n, &last) == Ordering::Less),
            );
        }
        self.kept.sort_by(order);
        self.kept.truncate(self.reserve);
        self.complete = self.complete && self.kept.len() == self.total;
        let mut top = Vec::with_capacity(self.keep);
        for k in self.kept.iter().take(self.keep) {
            let place = place_of(index, &k.doc)?;
            top.push(Candidate {
                doc: place,
                key: (u64::from(k.hi) << 32) | u64::from(u32::MAX - place),
            });
        }
        let scanned = Scanned {
            top,
            total: self.total,
            matches: Vec::new(),
        };
        let hits = rank::rank(index, &self.query, &scanned, self.limit);
        let shown = self.identities(index, &hits);
        // A row shown is read again when it changed; other rows' context
        // (agenda titles, meetings, nodes) may come from any other table.
        let opinions_only = tail.items.is_empty()
            && tail.nodes.is_empty()
            && tail.rows.values().all(|r| r.is_empty());
        let quiet = opinions_only
            && !shown
                .iter()
                .any(|(kind, id, _)| kind.table() == "opinions" && tail.opinions.contains(id));
        let same = quiet && shown == self.shown && self.total == was;
        self.shown = shown;
        Some(if same {
            Update::Same
        } else {
            Update::Changed {
                found: Found {
                    hits,
                    total: self.total,
                },
                reread: opinions_only.then(|| tail.opinions.clone()),
            }
        })
    }

    fn identities(&self, index: &Index, hits: &[rank::Hit]) -> Vec<(DocKind, i64, bool)> {
        hits.iter()
            .map(|h| {
                let d = index.doc(h.doc);
                (d.kind, d.id, h.exact)
            })
            .collect()
    }
}

/// The rows of `hits`: those shown before (`old`) as they were unless
/// `reread` names their opinion (or is None: read all), the rest read.
pub fn rows(
    conn: &rusqlite::Connection,
    index: &Index,
    hits: &[rank::Hit],
    old: &[ResultRow],
    reread: Option<BTreeSet<i64>>,
) -> Result<Vec<ResultRow>, rusqlite::Error> {
    let Some(reread) = reread else {
        return resolve::resolve(conn, index, hits);
    };
    let mut out = Vec::with_capacity(hits.len());
    for h in hits {
        let doc = index.doc(h.doc);
        let kept = (doc.kind.table() != "opinions" || !reread.contains(&doc.id))
            .then(|| {
                old.iter()
                    .find(|r| r.kind == doc.kind && r.id == doc.id && r.exact == h.exact)
            })
            .flatten();
        match kept {
            Some(row) => out.push(row.clone()),
            None => out.extend(resolve::row(conn, doc.kind, doc.id, h.exact)?),
        }
    }
    Ok(out)
}

/// The places of the entries of the rows `tail` names.
fn places_of(index: &Index, tail: &Tail) -> Vec<u32> {
    let mut out = Vec::new();
    let base: Vec<usize> = if index.has_row_lookup() {
        let mut v = Vec::new();
        let tables = [
            ("opinions", &tail.opinions),
            ("agenda_items", &tail.items),
            ("plan_nodes", &tail.nodes),
        ];
        for (table, ids) in tables
            .into_iter()
            .chain(tail.rows.iter().map(|(t, ids)| (*t, ids)))
        {
            for &id in ids {
                v.extend(
                    index
                        .row_entries(table, id)
                        .unwrap_or_default()
                        .iter()
                        .map(|&d| d as usize),
                );
            }
        }
        v
    } else {
        // No lookup (a built or patched index): a walk over the records.
        (0..index.docs.len())
            .filter(|&d| tail.touches(&index.docs[d]))
            .collect()
    };
    match &index.layer {
        None => out.extend(base.into_iter().map(|d| d as u32)),
        Some(layer) => {
            for d in base {
                if !layer.is_dropped(d) {
                    out.extend(place_of(index, &index.docs[d]));
                }
            }
            for (j, doc) in layer.delta.docs.iter().enumerate() {
                if tail.touches(doc) {
                    out.extend(layer.places().get(j).copied());
                }
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// The place of the entry `doc` names in `index`, if it holds it.
fn place_of(index: &Index, doc: &Doc) -> Option<u32> {
    match &index.layer {
        Some(layer) => layer.place_of(index, doc),
        None => {
            let docs = &index.docs;
            let d = docs.partition_point(|x| entry_order(x, doc) == Ordering::Less);
            docs.get(d)
                .is_some_and(|x| x.id == doc.id && x.kind == doc.kind)
                .then_some(d as u32)
        }
    }
}

/// The entries at `places` that match `query`, scored as the full scan
/// scores them.
fn score(index: &Index, query: &Query, places: &[u32]) -> Vec<Kept> {
    let one = |ix: &Index, docs: Vec<u32>, record: &dyn Fn(u32) -> Doc| -> Vec<Kept> {
        if docs.is_empty() {
            return Vec::new();
        }
        let list = vec![docs
            .iter()
            .map(|&d| Match {
                doc: d,
                spot: Default::default(),
                rest: 0,
            })
            .collect::<Vec<_>>()];
        let k = docs.len();
        scan::scan(ix, query, k, Within::Entries(&list), Cancel::never())
            .map(|s| {
                s.top
                    .iter()
                    .map(|c| Kept {
                        doc: record(c.doc),
                        hi: (c.key >> 32) as u32,
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    match &index.layer {
        None => one(index, places.to_vec(), &|d| index.docs[d as usize]),
        Some(layer) => {
            let (mut base, mut delta) = (Vec::new(), Vec::new());
            for &p in places {
                match layer.place(p) {
                    Ok(j) => delta.push(j as u32),
                    Err(d) => base.push(d as u32),
                }
            }
            let mut out = one(index, base, &|d| index.docs[d as usize]);
            out.extend(one(&layer.delta, delta, &|j| layer.delta.docs[j as usize]));
            out
        }
    }
}
