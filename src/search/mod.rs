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

pub mod cli;
pub mod fold;
pub mod index;
pub mod load;
pub mod query;
pub mod rank;
pub mod related;
pub mod resolve;
pub mod scan;
pub mod service;
pub mod synth;

use rusqlite::Connection;

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
const RERANK_FACTOR: usize = 2;

/// The best `limit` entries for `query`, best first; None when cancelled.
pub fn find(index: &Index, query: &Query, limit: usize, cancel: Cancel) -> Option<Found> {
    let keep = (limit * RERANK_FACTOR).max(limit + 50);
    let scanned = scan::scan(index, query, keep, cancel)?;
    let hits = rank::rank(index, query, &scanned, limit);
    Some(Found {
        hits,
        total: scanned.total,
    })
}

/// [`find`], then the rows from the database.
pub fn search(
    index: &Index,
    conn: &Connection,
    query: &Query,
    limit: usize,
    cancel: Cancel,
) -> Result<Option<(Vec<ResultRow>, usize)>, SearchError> {
    let Some(found) = find(index, query, limit, cancel) else {
        return Ok(None);
    };
    let rows = resolve::resolve(conn, index, &found.hits)?;
    Ok(Some((rows, found.total)))
}
