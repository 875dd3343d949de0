//! The sample data shipped in `data/`, embedded so that any build of kusei
//! can show a newcomer real content.

use crate::db::{ImportReport, Store, StoreError};
use crate::import::{self, ImportError};
use crate::model::Dataset;

/// (file name, contents) of every sample, in load order.
pub const FILES: &[(&str, &[u8])] = &[
    (
        "data/000_yokohama_asahi_keiei_kaigi_h29.txt",
        include_bytes!("../data/000_yokohama_asahi_keiei_kaigi_h29.txt"),
    ),
    (
        "data/001_osaka_asahi_unei_hoshin_h29.txt",
        include_bytes!("../data/001_osaka_asahi_unei_hoshin_h29.txt"),
    ),
    (
        "data/002_asahikawa_wg_proposal.json",
        include_bytes!("../data/002_asahikawa_wg_proposal.json"),
    ),
    (
        "data/003_minato_reform.json",
        include_bytes!("../data/003_minato_reform.json"),
    ),
    (
        "data/004_niigata_reform_item.json",
        include_bytes!("../data/004_niigata_reform_item.json"),
    ),
];

#[derive(Debug, thiserror::Error)]
pub enum SampleError {
    #[error(transparent)]
    Import(#[from] ImportError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Every sample parsed into one dataset.
pub fn dataset() -> Result<Dataset, ImportError> {
    let mut parts = Vec::new();
    for (name, bytes) in FILES {
        parts.push(import::parse_bytes(name, bytes)?.dataset);
    }
    Ok(import::combine(parts))
}

/// Load the samples into `store` in one transaction.
pub fn load(store: &mut Store) -> Result<ImportReport, SampleError> {
    let data = dataset()?;
    Ok(store.import(&data)?)
}
