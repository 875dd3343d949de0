//! The search service's own read-only connection, and the index it starts
//! from: the index file when it can be used, else built from the database.

use std::path::Path;
use std::sync::Arc;

use crate::db::{OpenOptions, Store};
use crate::search::persist::Stamp;
use crate::search::{load, persist_delta, Index};

/// A read-only connection of its own (no `quick_check`: search never waits
/// for it).
pub(super) fn open_store(path: &Path) -> Result<Store, String> {
    Store::open(
        path,
        OpenOptions {
            read_only: true,
            defer_check: true,
        },
    )
    .map_err(|e| e.to_string())
}

/// What a build thread still has to write to the file.
type ToWrite = Option<(Store, Arc<Index>, i64)>;

/// An index, the last change number it includes, the file it is mapped from.
type Opened = (Arc<Index>, Option<i64>, Option<Stamp>);

/// The index from the file when it can be used, else built from the
/// database (and then what to write as the file).
pub(super) fn open_or_build(
    path: &Path,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<(Opened, ToWrite), String> {
    let store = open_store(path)?;
    let why = match persist_delta::open_current(path, store.conn()) {
        Ok((index, seq, stamp)) => return Ok(((Arc::new(index), Some(seq), Some(stamp)), None)),
        Err(why) => why,
    };
    tracing::info!(db = %path.display(), "検索索引を作り直します: {why}");
    let (index, seq) = load::build_from_path_at(path, progress).map_err(|e| e.to_string())?;
    let index = Arc::new(index);
    let to_write = seq.map(|seq| (store, index.clone(), seq));
    Ok(((index, seq, None), to_write))
}
