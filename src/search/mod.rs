//! The search engine, shared by the app's search pane, the related items of
//! a meeting, and `kusei search`.
//!
//! - [`fold`]: the Japanese-aware search key (NFKC, katakana → hiragana,
//!   lower case) with a map back to the original text.
//! - [`query`]: words, "phrases" and filters (`fy:` `@` `kind:` `#`).
//! - [`index`] / [`load`]: every opinion, agenda title and summary and policy
//!   node, folded, in one arena; built from the database.
//! - [`scan`]: the per-keystroke scan (SIMD byte search, cheap score, top-k,
//!   two threads, cancellable); [`rank`]: fuzzy-matcher scores and highlights
//!   for the few rows kept.
//! - [`resolve`]: the rows shown, read back from the database, and a
//!   result's context; [`related`]: agenda items of other meetings on the
//!   same topic; [`service`]: the index on its own thread, kept current.
//! - [`synth`]: a seeded generator of realistic meetings (`kusei gen`).

pub mod changes;
pub mod cli;
mod crossing;
pub mod fold;
pub mod index;
pub mod kind;
pub mod live;
pub mod load;
pub mod matcher;
mod patch;
pub mod persist;
pub mod persist_delta;
pub mod persist_layer;
pub mod persist_map;
pub mod persist_rows;
pub mod persist_seen;
pub mod persist_write;
pub mod query;
pub mod rank;
mod reading_bytes;
pub mod readings;
pub mod related;
pub mod resident;
pub mod resolve;
pub mod romaji;
pub mod scan;
pub mod service;
mod slab;
pub mod sources;
pub mod synth;
mod topk;
mod word_numbers;

use rusqlite::Connection;

use persist_layer::Mode;

pub use index::{Doc, DocKind, Index, IndexBuilder};
pub use query::{parse, KindFilter, Query, QueryError, Term};
pub use rank::{highlight, Hit};
pub use resolve::{Context, ContextLine, ResultRow};
pub use scan::Cancel;

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error(transparent)]
    Store(#[from] crate::db::StoreError),
    #[error("データベースのエラー: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("データベースの文字列が読めません: {0}")]
    Text(#[from] rusqlite::types::FromSqlError),
    #[error(transparent)]
    TooLarge(#[from] index::TooLarge),
    #[error("{0}")]
    Build(String),
}

/// Ranked results and how many entries matched in all.
#[derive(Debug, Clone, Default)]
pub struct Found {
    pub hits: Vec<Hit>,
    pub total: usize,
}

/// The scan keeps this many candidates per result wanted, for the ranking.
pub(crate) const RERANK_FACTOR: usize = 2;

/// Narrow from the last query's matches only when they are at most this
/// share of the index (else skipping through the arena is quicker).
const NARROW_MAX_SHARE: f64 = 0.6;

/// A query scanning this many entries (afresh, or the last query's
/// matches) answers in two stages.
pub const STAGE_MIN: usize = 65_536;
/// The rows the first stage ranks and reads back from the database (a
/// screenful and more): ranking and reading all of them would delay the
/// first frame.
pub const STAGE_ROWS: usize = 60;
/// The full answer's rows are read in chunks of this many, a newer query
/// stopping the reads between chunks.
const ROWS_CHUNK: usize = 25;
/// The newest entries the first stage looks at.
pub const STAGE_ENTRIES: usize = 16_384;
/// A query narrowing the last one (a key added) answers in two stages when
/// the last query matched this many entries: checking them takes ~0.35 µs
/// each with readings at 1M, so 16,384 is ~6 ms before ranking and rows.
///
/// A long kanji word with readings checks ~1.5–3 µs an entry (its reading
/// form read across words), so 16,384 left narrowing keys of 7,000–16,000
/// last matches (`地域の方々と連`: 7,350, ~22 ms) answering in one stage,
/// the slowest keys at the 95th percentile; 4,096 stages them.
pub const STAGE_NARROW_MIN: usize = 4_096;
/// The first stage of a narrowing query checks the newest this many of
/// the last query's matches: a screenful and more even when few still
/// match. 2,048 took ~6 ms for `子育て 支` (a one-kanji last word, whose
/// short reading forms most entries' readings hold: written out); 1,024
/// halves that.
pub const STAGE_MATCHES: usize = 1_024;
/// A fresh first stage ([`STAGE_ENTRIES`]) stops at this many matches:
/// enough to rank a screenful from, and a common word (`ko`: 70 % of the
/// entries) then looks at ~3,000 entries instead of 16,384.
pub const STAGE_HITS: usize = 2_048;

/// Queries typed one after another: when a query narrows the one before
/// (a character added), only the entries that matched before are checked.
#[derive(Default, Clone)]
pub struct Session {
    last: Option<(Query, Vec<Vec<scan::Match>>)>,
    /// The last matches in a layer over a mapped index
    /// ([`persist_layer`]); `last` then holds the base's.
    last_layer: Vec<Vec<scan::Match>>,
}

impl Session {
    pub fn new() -> Self {
        Self::default()
    }

    /// Forget the last matches (the index changed).
    pub fn reset(&mut self) {
        self.last = None;
        self.last_layer = Vec::new();
    }

    /// The best `limit` entries for `query`, best first; None when cancelled.
    pub fn find(
        &mut self,
        index: &Index,
        query: &Query,
        limit: usize,
        cancel: Cancel,
    ) -> Option<Found> {
        self.find_staged(index, query, limit, cancel, &mut |_| {})
    }

    /// [`Session::find`], but a query that must scan a large index afresh
    /// first gets `early` answers from its newest [`STAGE_ENTRIES`]
    /// entries (ranked the same way), and a query narrowing many last
    /// matches from the newest [`STAGE_MATCHES`] of them (see
    /// [`Session::first_stage`]), so the first results show within a
    /// frame; the full answer follows and replaces them.
    pub fn find_staged(
        &mut self,
        index: &Index,
        query: &Query,
        limit: usize,
        cancel: Cancel,
        early: &mut dyn FnMut(Found),
    ) -> Option<Found> {
        let keep = kept(limit);
        if let Some(found) = self.blank(index, query, limit) {
            return Some(found);
        }
        // The first stage ranks only the rows it reads back.
        let first_limit = limit.min(STAGE_ROWS);
        let mode = self.mode(index, query);
        let none = Vec::new();
        let prev = self.last.as_ref().map_or(&none, |(_, m)| m);
        let stage = self.first_stage(index, query, mode);
        if let Some(layer) = &index.layer {
            let layered = |keep, mode, prev, cancel| {
                persist_layer::scan_layered(index, layer, query, keep, mode, prev, cancel)
            };
            if let Some((first_mode, first_prev)) = &stage {
                let layer_prev = match first_mode {
                    Mode::Newest(_) => &none,
                    _ => &self.last_layer,
                };
                let within = (first_prev.as_slice(), layer_prev.as_slice());
                let (first, _) = layered(kept(first_limit), *first_mode, within, cancel)?;
                crate::keytrace::mark("scan1", 0);
                early(Found {
                    hits: rank::rank(index, query, &first, first_limit),
                    total: first.total,
                });
            }
            let (scanned, (base, delta)) = layered(keep, mode, (prev, &self.last_layer), cancel)?;
            crate::keytrace::mark(scan_label(mode), 0);
            // Kept before ranking: a newer key narrows from them even if it
            // stops the ranking.
            self.keep_last(index, query, base, delta);
            let hits = rank::rank_or_cancel(index, query, &scanned, limit, cancel)?;
            crate::keytrace::mark("rank", 0);
            return Some(Found {
                hits,
                total: scanned.total,
            });
        }
        if let Some((first_mode, first_prev)) = &stage {
            let first_within = within(*first_mode, first_prev);
            let first = scan::scan(index, query, kept(first_limit), first_within, cancel)?;
            crate::keytrace::mark("scan1", 0);
            let hits = rank::rank(index, query, &first, first_limit);
            crate::keytrace::mark("rank1", 0);
            early(Found {
                hits,
                total: first.total,
            });
        }
        let within = within(mode, prev);
        let mut scanned = scan::scan(index, query, keep, within, cancel)?;
        crate::keytrace::mark(scan_label(mode), 0);
        // Kept before ranking: a newer key narrows from them even if it
        // stops the ranking.
        self.keep_last(
            index,
            query,
            std::mem::take(&mut scanned.matches),
            Vec::new(),
        );
        let hits = rank::rank_or_cancel(index, query, &scanned, limit, cancel)?;
        crate::keytrace::mark("rank", 0);
        Some(Found {
            hits,
            total: scanned.total,
        })
    }

    /// The line cleared (Ctrl-U) on an index without a layer: answered
    /// from the ranks, with no scan of every entry (`None` for any other
    /// query).
    fn blank(&mut self, index: &Index, query: &Query, limit: usize) -> Option<Found> {
        if index.layer.is_some() {
            return None;
        }
        let scanned = scan::blank(index, query, kept(limit))?;
        self.reset();
        let hits = rank::rank(index, query, &scanned, limit);
        Some(Found {
            hits,
            total: scanned.total,
        })
    }

    /// Keep `query`'s matches (in the base and in the layer) for the next
    /// query to narrow — unless no query could ever narrow them: a blank
    /// query (opening the search, only filters) has no word to grow, and
    /// when it matched more than [`NARROW_MAX_SHARE`] of the entries
    /// [`Session::mode`] scans afresh anyway. Its lists would hold every
    /// entry (20 bytes each: 26 MB at 1M opinions) while the next query's
    /// scan reads the whole index — most of a session's peak memory.
    fn keep_last(
        &mut self,
        index: &Index,
        query: &Query,
        base: Vec<Vec<scan::Match>>,
        delta: Vec<Vec<scan::Match>>,
    ) {
        let n: usize = base.iter().chain(&delta).map(Vec::len).sum();
        if query.is_blank() && n as f64 > index.len() as f64 * NARROW_MAX_SHARE {
            self.reset();
            return;
        }
        self.last = Some((query.clone(), base));
        self.last_layer = delta;
    }

    /// Whether `query`, scanned in `mode`, answers in two stages, and then
    /// where its first stage looks: a fresh scan at the newest
    /// [`STAGE_ENTRIES`] entries; a query narrowing the last one (with at
    /// least [`STAGE_NARROW_MIN`] last matches) at the newest
    /// [`STAGE_MATCHES`] of those matches, which are the entries a scan of
    /// the newest entries up to the last of them would find (every entry
    /// matching the new query matched the old one).
    fn first_stage(
        &self,
        index: &Index,
        query: &Query,
        mode: Mode,
    ) -> Option<(Mode, Vec<Vec<scan::Match>>)> {
        if index.len() < STAGE_MIN || query.is_blank() {
            return None;
        }
        let prev = self.last.as_ref().map(|(_, m)| m.as_slice()).unwrap_or(&[]);
        let narrowing = || {
            self.last_layer
                .iter()
                .chain(prev)
                .map(Vec::len)
                .sum::<usize>()
        };
        match mode {
            Mode::All => Some((Mode::Newest(STAGE_ENTRIES), Vec::new())),
            Mode::Entries | Mode::Extend(_) if narrowing() >= STAGE_NARROW_MIN => {
                Some((mode, newest_matches(prev, STAGE_MATCHES)))
            }
            _ => None,
        }
    }

    /// Where to look for `query`, knowing the last query's matches.
    fn mode(&self, index: &Index, query: &Query) -> Mode {
        let Some((q, m)) = &self.last else {
            return Mode::All;
        };
        // A reading is matched as written and does not grow with the word
        // (see `matcher`): grow a match only for a word no reading holds.
        let grown = grows(query, q).filter(|_| {
            !index.has_readings()
                || query
                    .terms
                    .last()
                    .is_some_and(|t| !t.text.chars().any(readings::in_readings))
        });
        let layer = self.last_layer.iter().map(Vec::len).sum::<usize>();
        match grown {
            Some(added) => Mode::Extend(added),
            None if implies(query, q)
                && ((m.iter().map(Vec::len).sum::<usize>() + layer) as f64)
                    <= index.len() as f64 * NARROW_MAX_SHARE =>
            {
                Mode::Entries
            }
            None => Mode::All,
        }
    }

    /// [`Session::find`], then the rows from the database.
    pub fn search(
        &mut self,
        index: &Index,
        conn: &Connection,
        query: &Query,
        limit: usize,
        cancel: Cancel,
    ) -> Result<Option<(Vec<ResultRow>, usize)>, SearchError> {
        self.search_staged(index, conn, query, limit, cancel, &mut |_, _| {})
    }

    /// [`Session::find_staged`], then the rows from the database; `early`
    /// gets the first pass's rows and count.
    pub fn search_staged(
        &mut self,
        index: &Index,
        conn: &Connection,
        query: &Query,
        limit: usize,
        cancel: Cancel,
        early: &mut dyn FnMut(Vec<ResultRow>, usize),
    ) -> Result<Option<(Vec<ResultRow>, usize)>, SearchError> {
        let mut failed = None;
        let mut first = |f: Found| {
            let n = f.hits.len().min(STAGE_ROWS);
            match resolve::resolve(conn, index, &f.hits[..n]) {
                Ok(rows) => early(rows, f.total),
                Err(e) => failed = Some(e),
            }
        };
        let found = self.find_staged(index, query, limit, cancel, &mut first);
        if let Some(e) = failed {
            return Err(e.into());
        }
        let Some(found) = found else {
            return Ok(None);
        };
        // Reading 200 rows back takes milliseconds: a newer query stops it.
        let mut rows = Vec::with_capacity(found.hits.len());
        for chunk in found.hits.chunks(ROWS_CHUNK) {
            if cancel.cancelled() {
                return Ok(None);
            }
            rows.extend(resolve::resolve(conn, index, chunk)?);
        }
        // A newer query came while the last rows were read: this answer
        // would only be drawn before that query's (see `service::answer`).
        if cancel.cancelled() {
            return Ok(None);
        }
        Ok(Some((rows, found.total)))
    }
}

/// The candidates a scan keeps for ranking `limit` results.
fn kept(limit: usize) -> usize {
    (limit * RERANK_FACTOR).max(limit + 50)
}

/// Where a scan in `mode` looks, given the last matches `prev`.
fn within(mode: Mode, prev: &[Vec<scan::Match>]) -> scan::Within<'_> {
    match mode {
        Mode::Entries => scan::Within::Entries(prev),
        Mode::Extend(added) => scan::Within::Extend { prev, added },
        Mode::All => scan::Within::All,
        Mode::Newest(n) => scan::Within::Newest(n),
    }
}

/// The first `n` of `matches` (ascending entry numbers, newest first, in
/// chunks), as one chunk.
fn newest_matches(matches: &[Vec<scan::Match>], n: usize) -> Vec<Vec<scan::Match>> {
    let first: Vec<scan::Match> = matches.iter().flatten().take(n).copied().collect();
    vec![first]
}

/// The trace's name for a scan of `mode` ([`crate::keytrace`]).
fn scan_label(mode: Mode) -> &'static str {
    match mode {
        Mode::All => "scan_all",
        Mode::Newest(_) => "scan_newest",
        Mode::Entries => "scan_entries",
        Mode::Extend(_) => "scan_extend",
    }
}

/// Is `new` the query `old` with characters added to its last word (and
/// perhaps filters added)? Then how many characters.
pub fn grows(new: &Query, old: &Query) -> Option<usize> {
    let (Some(n), Some(o)) = (new.terms.last(), old.terms.last()) else {
        return None;
    };
    let same_before = new.terms.len() == old.terms.len()
        && new.terms[..new.terms.len() - 1] == old.terms[..old.terms.len() - 1];
    let plain = |q: &Query| q.terms.iter().all(Term::is_plain);
    (narrows(new, old)
        && same_before
        && !n.exact
        && !o.exact
        && plain(new)
        && plain(old)
        && n.text.starts_with(&o.text))
    .then(|| n.text.chars().count() - o.text.chars().count())
}

/// Does every entry matching `new` also match `old`? (Same or more filters,
/// and each old word implied by the new word in its place.)
pub fn narrows(new: &Query, old: &Query) -> bool {
    let plain = |q: &Query| q.terms.iter().all(Term::is_plain);
    fn same_or_set<T: PartialEq>(old: &Option<T>, new: &Option<T>) -> bool {
        old.is_none() || old == new
    }
    // A word's reading form need not grow with it (`dan` → `danc`); the
    // surfaces an old word is another reading of only add to its matches.
    plain(new)
        && old.terms.iter().all(|t| t.reading.is_none())
        && same_or_set(&old.fiscal_year, &new.fiscal_year)
        && same_or_set(&old.speaker, &new.speaker)
        && same_or_set(&old.kind, &new.kind)
        && same_or_set(&old.meeting_no, &new.meeting_no)
        && new.terms.len() >= old.terms.len()
        && old.terms.iter().zip(&new.terms).all(|(o, n)| {
            // In a reading a word matches only as written: the old word
            // must be part of the new one.
            (n.exact || !o.exact) && n.text.contains(&o.text)
        })
}

/// Does every entry matching `new` also match `old`, readings and all?
/// [`narrows`] for words without other forms; a word with a reading form
/// or other surfaces implies the old word in its place only when it grew
/// from it at the end in every form (see [`term_implies`]).
pub fn implies(new: &Query, old: &Query) -> bool {
    fn same_or_set<T: PartialEq>(old: &Option<T>, new: &Option<T>) -> bool {
        old.is_none() || old == new
    }
    let plain = |q: &Query| q.terms.iter().all(Term::is_plain);
    if plain(new) && plain(old) {
        return narrows(new, old);
    }
    same_or_set(&old.fiscal_year, &new.fiscal_year)
        && same_or_set(&old.speaker, &new.speaker)
        && same_or_set(&old.kind, &new.kind)
        && same_or_set(&old.meeting_no, &new.meeting_no)
        && new.terms.len() >= old.terms.len()
        && old
            .terms
            .iter()
            .zip(&new.terms)
            .all(|(o, n)| term_implies(n, o))
}

/// An entry matching word `n` (any of its forms: in order in the text, as
/// written in the readings or across their words, run on into the text's
/// kana, another surface) matches word `o`: `n` as written starts with `o`
/// as written, `n`'s reading form (if any) starts with `o`'s reading form
/// or `o` as written, and every other surface of `n` is one of `o`'s.
/// A prefix of a match is a match in each of those ways (the readings are
/// matched from a word's first character on; a shorter word's last
/// character is a plain one where the longer word's was final). Romaji
/// whose kana changed as it grew (`dan` だん → `dana` だな) fails the test
/// and is scanned afresh.
pub fn term_implies(n: &Term, o: &Term) -> bool {
    if n.exact || o.exact {
        // Phrases have no other forms: as [`narrows`].
        return (n.exact || !o.exact) && n.is_plain() && o.is_plain() && n.text.contains(&o.text);
    }
    let reading_ok = match &n.reading {
        None => true,
        Some(r) => r.starts_with(o.reading.as_deref().unwrap_or(&o.text)) || r.starts_with(&o.text),
    };
    n.text.starts_with(&o.text) && reading_ok && n.alts.iter().all(|a| o.alts.contains(a))
}

/// The best `limit` entries for `query`, best first; None when cancelled.
pub fn find(index: &Index, query: &Query, limit: usize, cancel: Cancel) -> Option<Found> {
    Session::new().find(index, query, limit, cancel)
}

/// [`find`], then the rows from the database.
pub fn search(
    index: &Index,
    conn: &Connection,
    query: &Query,
    limit: usize,
    cancel: Cancel,
) -> Result<Option<(Vec<ResultRow>, usize)>, SearchError> {
    Session::new().search(index, conn, query, limit, cancel)
}
