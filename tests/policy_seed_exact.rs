//! Seed 001 reads exactly as it always has: the whole parsed plan (every
//! node, title, body line and budget) is pinned in a snapshot that was
//! written by the importer before the lenient policy reader replaced it.

mod common;

use common::*;

#[test]
fn seed_001_parses_exactly_as_before() {
    let parsed = kusei::import::parse_file(&data_path(SEED_001)).unwrap_or_else(|e| panic!("{e}"));
    let json = serde_json::to_string_pretty(&parsed.dataset).expect("json");
    insta::assert_snapshot!("seed_001_dataset", json);
}
