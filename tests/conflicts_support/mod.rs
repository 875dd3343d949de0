//! Two sessions on one file, and one routine that runs a kind of edit
//! through the refused save and each choice (`mod conflicts_support;`).
#![allow(dead_code)]

use kusei::db::{OpenOptions, Store, StoreError};
use rusqlite::OptionalExtension;

pub const B: &str = "Bさんの版";
pub const A: &str = "Aさんの版";

pub struct Two {
    pub _dir: tempfile::TempDir,
    pub a: Store,
    pub b: Store,
}

pub fn two() -> Two {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("k.db");
    let mut a = Store::open(&path, OpenOptions::default()).expect("open a");
    kusei::sample::load(&mut a).expect("samples");
    let b = Store::open(&path, OpenOptions::default()).expect("open b");
    Two { _dir: dir, a, b }
}

pub fn int(s: &Store, sql: &str) -> i64 {
    s.conn().query_row(sql, [], |r| r.get(0)).expect(sql)
}

pub fn text(s: &Store, sql: &str) -> String {
    s.conn()
        .query_row(sql, [], |r| r.get::<_, Option<String>>(0))
        .optional()
        .expect(sql)
        .flatten()
        .unwrap_or_default()
}

#[derive(Debug, Clone, Copy)]
pub enum Choice {
    Mine,
    Theirs,
    Both,
}

/// One kind of edit as a session makes it.
pub struct Kind {
    pub table: &'static str,
    /// Run once on the fresh database (e.g. create the note both edit).
    pub setup: fn(&mut Store),
    /// What an editor opened from: a version, or the value shown.
    pub opened: fn(&Store) -> String,
    /// Save `text` as an editor opened from `opened` would.
    pub save: fn(&mut Store, &str, &str) -> kusei::db::Result<()>,
    /// What "keep mine" opens from, given the conflict's version and text.
    pub reopen: fn(i64, &str) -> String,
    /// The value in the database now.
    pub value: fn(&Store) -> String,
}

pub fn by_version(v: i64, _theirs: &str) -> String {
    v.to_string()
}

pub fn by_value(_v: i64, theirs: &str) -> String {
    theirs.to_string()
}

pub fn v(opened: &str) -> i64 {
    opened.parse().expect("a version")
}

/// Audit rows of `table` whose row after the change holds `marker`.
pub fn audited(s: &Store, table: &str, marker: &str) -> usize {
    s.audit_entries()
        .expect("audit")
        .iter()
        .filter(|e| e.table == table && e.after.as_deref().is_some_and(|a| a.contains(marker)))
        .count()
}

pub fn exercise(kind: &Kind, choice: Choice) {
    let mut t = two();
    (kind.setup)(&mut t.a);
    let opened_a = (kind.opened)(&t.a);
    let opened_b = (kind.opened)(&t.b);
    (kind.save)(&mut t.b, &opened_b, B).expect("B saves first");
    let err = (kind.save)(&mut t.a, &opened_a, A).expect_err("A's save is refused");
    let StoreError::Conflict {
        by,
        version,
        theirs,
        ..
    } = err
    else {
        panic!("{}: not a conflict: {err}", kind.table);
    };
    assert!(theirs.contains(B), "{}: theirs = {theirs}", kind.table);
    // Both sessions run as this OS user: the one who saved first is named.
    assert_eq!(by, kusei::db::osuser::current().1, "{}", kind.table);
    assert!(
        (kind.value)(&t.a).contains(B) && !(kind.value)(&t.a).contains(A),
        "{}: the refused save changed nothing",
        kind.table
    );
    let over = (kind.reopen)(version, &theirs);
    match choice {
        Choice::Mine => {
            (kind.save)(&mut t.a, &over, A).expect("keep mine");
            let now = (kind.value)(&t.b);
            assert!(now.contains(A) && !now.contains(B), "{}: {now}", kind.table);
        }
        Choice::Theirs => {
            let now = (kind.value)(&t.b);
            assert!(now.contains(B) && !now.contains(A), "{}: {now}", kind.table);
        }
        Choice::Both => {
            let joined = format!("{theirs}／{A}");
            (kind.save)(&mut t.a, &over, &joined).expect("the two together");
            let now = (kind.value)(&t.b);
            assert!(now.contains(A) && now.contains(B), "{}: {now}", kind.table);
        }
    }
    assert!(
        audited(&t.b, kind.table, B) >= 1,
        "{}: B's save audited",
        kind.table
    );
    let a_saves = audited(&t.b, kind.table, A);
    match choice {
        Choice::Theirs => assert_eq!(a_saves, 0, "{}", kind.table),
        _ => assert!(a_saves >= 1, "{}: A's save audited", kind.table),
    }
    assert_eq!(t.b.verify_audit().expect("chain"), None);
}

pub fn exercise_all(kind: &Kind) {
    for c in [Choice::Mine, Choice::Theirs, Choice::Both] {
        exercise(kind, c);
    }
}

pub fn none(_: &mut Store) {}

pub const NODE: &str = "SELECT min(id) FROM plan_nodes";
