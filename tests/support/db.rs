//! Temporary databases for the tests: a real SQLite file in a temporary
//! directory, never a mock; the seed files; queries for checking what was
//! written. Self-contained (only `kusei` and crates), so `tests/common`
//! can include it by path.
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
pub const SEED_002: &str = "data/002_asahikawa_wg_proposal.json";
pub const SEED_004: &str = "data/004_niigata_reform_item.json";

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

/// A store in a fresh temporary directory with these seed files imported.
pub fn store_with(files: &[&str]) -> (tempfile::TempDir, Store) {
    let (dir, mut store) = fresh_store();
    for f in files {
        import_file(&mut store, &root().join(f));
    }
    (dir, store)
}

/// A database file `dir/name` with the bundled samples (closed again).
pub fn sample_db(dir: &Path, name: &str) -> PathBuf {
    let db = dir.join(name);
    let mut store = open(&db);
    kusei::sample::load(&mut store).expect("load sample data");
    db
}

/// A store in a fresh temporary directory with the bundled samples.
pub fn sample_store() -> (tempfile::TempDir, Store) {
    let (dir, mut store) = fresh_store();
    kusei::sample::load(&mut store).expect("load sample data");
    (dir, store)
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

/// (opinion id, text, kind, speaker, owner, due) of every opinion of an
/// agenda item, in order.
pub type OpinionDb = (
    i64,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
);

pub fn opinions_in_db(store: &Store, item_id: i64) -> Vec<OpinionDb> {
    let mut stmt = store
        .conn()
        .prepare(
            "SELECT o.id, o.text, o.kind, j.name, o.owner, o.due_date
             FROM opinions o LEFT JOIN job_titles j ON j.id = o.speaker_title_id
             WHERE o.item_id = ?1 ORDER BY o.position, o.id",
        )
        .unwrap();
    stmt.query_map([item_id], |r| {
        Ok((
            r.get(0)?,
            r.get(1)?,
            r.get(2)?,
            r.get(3)?,
            r.get(4)?,
            r.get(5)?,
        ))
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

/// Every row of the drafts table: (context, text).
pub fn drafts_in_db(store: &Store) -> Vec<(String, String)> {
    let mut stmt = store
        .conn()
        .prepare("SELECT context, text FROM drafts ORDER BY context")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

pub fn count(store: &Store, sql: &str) -> i64 {
    store.conn().query_row(sql, [], |r| r.get(0)).unwrap()
}
