//! Helpers shared by the integration tests: a real SQLite file in a
//! temporary directory, never a mock.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use kusei::db::{OpenOptions, Store};
use kusei::model::Dataset;

/// The crate's root (where `data/` and `tests/fixtures/` are).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub const SEED_000: &str = "data/000_yokohama_asahi_keiei_kaigi_h29.txt";
pub const SEED_001: &str = "data/001_osaka_asahi_unei_hoshin_h29.txt";

pub fn data_path(rel: &str) -> PathBuf {
    root().join(rel)
}

/// A new, empty database in a fresh temporary directory (kept alive by the
/// returned guard).
pub fn fresh_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::TempDir::new().expect("tempdir");
    let store = open(&dir.path().join("kusei.db"));
    (dir, store)
}

pub fn open(path: &Path) -> Store {
    Store::open(path, OpenOptions::default()).expect("open store")
}

/// Parse a file and import it; panics with the importer's message on error.
pub fn import_file(store: &mut Store, path: &Path) -> kusei::db::ImportReport {
    let parsed = kusei::import::parse_file(path).unwrap_or_else(|e| panic!("{e}"));
    store
        .import(&parsed.dataset)
        .unwrap_or_else(|e| panic!("{e}"))
}

pub fn export(store: &Store) -> Dataset {
    store.export().expect("export")
}

pub fn json(store: &Store) -> String {
    kusei::export::to_json(&export(store))
}

pub fn audit_rows(store: &Store) -> i64 {
    store
        .conn()
        .query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0))
        .expect("count audit rows")
}

/// Rows in every table except the audit log and drafts: what the audit log
/// must account for, one insert row each.
pub fn data_rows(store: &Store) -> i64 {
    let tables = [
        "committees",
        "meetings",
        "job_titles",
        "attendance",
        "agenda_items",
        "opinions",
        "plans",
        "plan_nodes",
        "node_co_departments",
        "node_notes",
        "progress",
        "indicators",
        "indicator_values",
        "milestones",
        "item_links",
    ];
    tables
        .iter()
        .map(|t| {
            store
                .conn()
                .query_row(&format!("SELECT count(*) FROM {t}"), [], |r| {
                    r.get::<_, i64>(0)
                })
                .expect("count rows")
        })
        .sum()
}
