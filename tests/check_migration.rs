//! Migration 8: the CHECK constraints with IN lists of three or more values
//! (opinions.kind, meetings.status, progress.half, indicator_values.half,
//! milestones.precision) rewritten as `x = 'a' OR …` in the schema text.
//! On a file written by an old schema (the schema-5 fixture) nothing but
//! those constraints' text changes: every row, the audit chain and the
//! search change log stay as they were, the file passes integrity_check,
//! and the constraints still refuse what they refused.

mod support;

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use rusqlite::{Connection, OptionalExtension};
use support::bin;

/// What `kusei audit head` printed for the fixture under schema 5 (see
/// tests/audit_migration.rs).
const SCHEMA5_HEAD: &str = "352:32b414a4385d6abb";

// The migration under test exists in this build.
const _: () = assert!(kusei::db::LATEST_VERSION >= 8);

fn fixture_copy(dir: &Path) -> PathBuf {
    let db = dir.join("old.db");
    let src = support::db::root().join("tests/fixtures/schema5/sample.db");
    let c = Connection::open(&src).expect("open fixture");
    c.execute("VACUUM INTO ?1", [db.to_string_lossy()])
        .expect("copy");
    db
}

/// Every row of the tables the migration touches, plus the audit log and
/// the search change log, as text.
fn contents(c: &Connection) -> Vec<String> {
    let mut out = Vec::new();
    // The audit log's columns of schema 5 (migration 6 added the packs').
    let audit = "id, batch, at, os_user, uid, tbl, row_id, action, before, after, prev_hash, hash";
    for (table, columns) in [
        ("opinions", "*"),
        ("meetings", "*"),
        ("progress", "*"),
        ("indicator_values", "*"),
        ("milestones", "*"),
        ("audit_log", audit),
        ("search_changes", "*"),
    ] {
        let mut stmt = c
            .prepare(&format!("SELECT {columns} FROM {table} ORDER BY rowid"))
            .expect("select");
        let n = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                let mut s = String::from(table);
                for i in 0..n {
                    s.push('|');
                    s.push_str(&format!("{:?}", r.get_ref(i)?));
                }
                Ok(s)
            })
            .expect("query")
            .collect::<rusqlite::Result<Vec<_>>>()
            .expect("rows");
        out.extend(rows);
    }
    out
}

fn table_sql(c: &Connection, table: &str) -> String {
    c.query_row(
        "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?1",
        [table],
        |r| r.get(0),
    )
    .expect("schema")
}

#[test]
fn an_old_file_keeps_every_row_and_its_chain() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = fixture_copy(dir.path());
    let before = contents(&Connection::open(&db).expect("open"));
    assert!(before.iter().any(|r| r.starts_with("opinions|")));
    let store = support::db::open(&db);
    assert_eq!(
        store.schema_version().expect("version"),
        kusei::db::LATEST_VERSION
    );
    drop(store);
    let c = Connection::open(&db).expect("open");
    assert_eq!(contents(&c), before, "rows changed");
    let ok: String = c
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("integrity_check");
    assert_eq!(ok, "ok");
    for (table, column) in [
        ("opinions", "kind"),
        ("meetings", "status"),
        ("progress", "half"),
        ("indicator_values", "half"),
        ("milestones", "precision"),
    ] {
        let sql = table_sql(&c, table);
        assert!(!sql.contains(&format!("{column} IN")), "{sql}");
        assert!(sql.contains(&format!("{column} = '")), "{sql}");
    }
    // The other tables' text is untouched.
    assert!(table_sql(&c, "audit_log").contains("action IN ('insert', 'update', 'delete')"));
    assert!(table_sql(&c, "opinions").contains("visibility IN ('public', 'internal')"));
    let head = bin::run(&db, &["audit", "head"]);
    assert!(head.status.success(), "{}", bin::stderr(&head));
    assert!(
        bin::stdout(&head).contains(SCHEMA5_HEAD),
        "{}",
        bin::stdout(&head)
    );
    let verify = bin::run(&db, &["audit", "verify"]);
    assert!(verify.status.success(), "{}", bin::stderr(&verify));
}

#[test]
fn the_constraints_still_refuse_what_they_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = fixture_copy(dir.path());
    drop(support::db::open(&db));
    let c = Connection::open(&db).expect("open");
    let (item, meeting): (i64, i64) = c
        .query_row("SELECT id, meeting_id FROM agenda_items LIMIT 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .expect("an item");
    let opinion = |kind: &str| {
        c.execute(
            "INSERT INTO opinions (item_id, position, text, kind, created_at, created_by,
               updated_at, updated_by) VALUES (?1, 999, 'x', ?2, '', '', '', '')",
            rusqlite::params![item, kind],
        )
    };
    for bad in ["Opinion", "opinion ", "", "decisions"] {
        let e = opinion(bad).expect_err(bad);
        assert!(e.to_string().contains("CHECK"), "{e}");
    }
    for good in ["opinion", "decision", "action"] {
        opinion(good).expect(good);
    }
    let e = c
        .execute(
            "UPDATE meetings SET status = 'done' WHERE id = ?1",
            [meeting],
        )
        .expect_err("status");
    assert!(e.to_string().contains("CHECK"), "{e}");
    c.execute(
        "UPDATE meetings SET status = 'published' WHERE id = ?1",
        [meeting],
    )
    .expect("published");
}

#[test]
fn a_connection_opened_before_the_migration_sees_the_new_schema() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = fixture_copy(dir.path());
    let early = Connection::open(&db).expect("open");
    let cookie = |c: &Connection| -> i64 {
        c.query_row("PRAGMA schema_version", [], |r| r.get(0))
            .expect("schema_version")
    };
    let was = cookie(&early);
    drop(support::db::open(&db));
    assert!(cookie(&early) > was);
    assert!(!table_sql(&early, "opinions").contains("kind IN"));
}

/// Old and new forms of each constraint, as SQLite evaluates them.
const FORMS: [(&str, &str); 3] = [
    (
        "x IN ('opinion', 'decision', 'action')",
        "x = 'opinion' OR x = 'decision' OR x = 'action'",
    ),
    (
        "x IN ('scheduled', 'held', 'published', 'cancelled')",
        "x = 'scheduled' OR x = 'held' OR x = 'published' OR x = 'cancelled'",
    ),
    (
        "x IN ('day', 'month', 'fiscal_year')",
        "x = 'day' OR x = 'month' OR x = 'fiscal_year'",
    ),
];

fn values() -> impl Strategy<Value = rusqlite::types::Value> {
    use rusqlite::types::Value;
    let words = prop::sample::select(vec![
        "opinion",
        "decision",
        "action",
        "scheduled",
        "held",
        "published",
        "cancelled",
        "day",
        "month",
        "fiscal_year",
        "first",
        "second",
        "year",
        "OPINION",
        "held ",
        "",
    ]);
    prop_oneof![
        words.prop_map(|w| Value::Text(w.to_string())),
        "\\PC{0,12}".prop_map(Value::Text),
        any::<i64>().prop_map(Value::Integer),
        Just(Value::Null),
        prop::collection::vec(any::<u8>(), 0..8).prop_map(Value::Blob),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    /// For a TEXT column (the constraints' columns all are), any value
    /// stored in it passes the new form exactly when it passed the old.
    #[test]
    fn the_or_form_agrees_with_the_in_list(v in values()) {
        let c = Connection::open_in_memory().expect("memory");
        c.execute_batch("CREATE TABLE t (x TEXT)").expect("table");
        c.execute("INSERT INTO t (x) VALUES (?1)", [&v]).expect("insert");
        for (old, new) in FORMS {
            let (a, b): (Option<bool>, Option<bool>) = c
                .query_row(&format!("SELECT {old}, {new} FROM t"), [], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .optional()
                .expect("compare")
                .expect("a row");
            prop_assert_eq!(a, b, "{:?}: {} vs {}", v, old, new);
        }
    }
}
