//! Issue 12 §4: long runs of inserts are stored as compressed packs in the
//! audit log. `kusei audit verify` still catches every change to them made
//! with SQL (a changed, removed or swapped pack, a changed header, a packed
//! row edited or deleted behind kusei's back), on a real file made by
//! `kusei gen` (which writes its rows as packs).

mod support;

use std::path::PathBuf;
use std::process::Output;

use rusqlite::Connection;
use support::bin;

struct Case {
    _dir: tempfile::TempDir,
    pristine: PathBuf,
    db: PathBuf,
    state: PathBuf,
}

impl Case {
    /// A file of `opinions` generated opinions (packed), and a working copy.
    fn new(opinions: u32) -> Case {
        let dir = tempfile::tempdir().expect("tempdir");
        let pristine = dir.path().join("pristine.db");
        let out = bin::command(&pristine)
            .env("XDG_STATE_HOME", dir.path().join("gen-state"))
            .args(["gen", "--opinions", &opinions.to_string(), "--seed", "4"])
            .output()
            .expect("gen");
        assert!(out.status.success(), "{}", bin::stderr(&out));
        let case = Case {
            pristine,
            db: dir.path().join("kusei.db"),
            state: dir.path().join("state"),
            _dir: dir,
        };
        case.restore();
        case
    }

    fn restore(&self) {
        for ext in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{ext}", self.db.display()));
        }
        let c = Connection::open(&self.pristine).expect("open pristine");
        c.execute("VACUUM INTO ?1", [self.db.to_string_lossy()])
            .expect("vacuum into");
    }

    fn kusei(&self, args: &[&str]) -> Output {
        bin::command(&self.db)
            .env("XDG_STATE_HOME", &self.state)
            .args(args)
            .output()
            .expect("run kusei")
    }

    fn verify(&self) -> (i32, String) {
        let out = self.kusei(&["audit", "verify"]);
        (out.status.code().unwrap_or(-1), bin::stdout(&out))
    }

    fn sql(&self) -> Connection {
        Connection::open(&self.db).expect("open")
    }

    fn tamper(&self, sql: &str) {
        let c = self.sql();
        c.execute_batch(
            "DROP TRIGGER IF EXISTS audit_log_no_delete; DROP TRIGGER IF EXISTS audit_log_no_update;",
        )
        .expect("drop triggers");
        c.execute_batch(sql).expect("tamper");
    }

    /// Verify 0, tamper, verify 1 naming every needle, restore, verify 0.
    fn expect_caught(&self, sql: &str, needles: &[&str]) -> String {
        let (code, out) = self.verify();
        assert_eq!(code, 0, "untouched:\n{out}");
        self.tamper(sql);
        let (code, out) = self.verify();
        assert_eq!(code, 1, "{sql}:\n{out}");
        for n in needles {
            assert!(out.contains(n), "{sql}: wanted {n:?} in\n{out}");
        }
        self.restore();
        let (code, again) = self.verify();
        assert_eq!(code, 0, "restored:\n{again}");
        out
    }

    /// The id of the `n`th pack row of opinions (0 = first).
    fn pack_id(&self, n: i64) -> i64 {
        self.sql()
            .query_row(
                "SELECT id FROM audit_log WHERE pack IS NOT NULL AND tbl = 'opinions'
                 ORDER BY id LIMIT 1 OFFSET ?1",
                [n],
                |r| r.get(0),
            )
            .expect("pack id")
    }
}

#[test]
fn gen_writes_packs_with_one_audit_id_per_row_and_they_verify() {
    let c = Case::new(1200);
    let conn = c.sql();
    let (packs, records, opinions): (i64, i64, i64) = conn
        .query_row(
            "SELECT (SELECT count(*) FROM audit_log WHERE pack IS NOT NULL AND tbl = 'opinions'),
                    (SELECT sum(pack_rows) FROM audit_log WHERE tbl = 'opinions'),
                    (SELECT count(*) FROM opinions)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("counts");
    assert!(packs >= 3, "1200 opinions in packs of at most 512: {packs}");
    assert_eq!(records, opinions);
    // Audit ids have no holes: each pack takes one id per row.
    let holes: i64 = conn
        .query_row(
            "SELECT count(*) FROM audit_log a WHERE id > 1 AND NOT EXISTS
               (SELECT 1 FROM audit_log b WHERE b.id + coalesce(b.pack_rows, 1) = a.id)",
            [],
            |r| r.get(0),
        )
        .expect("holes");
    assert_eq!(holes, 0);
    let (code, out) = c.verify();
    assert_eq!(code, 0, "{out}");
}

#[test]
fn a_changed_byte_in_a_pack_is_named() {
    let c = Case::new(600);
    let id = c.pack_id(0);
    let out = c.expect_caught(
        &format!(
            "UPDATE audit_log SET pack = substr(pack, 1, 20) || x'5a' || substr(pack, 22) WHERE id = {id};"
        ),
        &[&format!("{id} 番の行からハッシュの連鎖が合いません")],
    );
    assert!(out.contains("監査ログ"), "{out}");
}

#[test]
fn a_removed_pack_is_named_with_its_rows() {
    let c = Case::new(600);
    let id = c.pack_id(0);
    c.expect_caught(
        &format!("DELETE FROM audit_log WHERE id = {id};"),
        &[
            "が削除されています",
            "監査ログに記録が 1 行もありません",
            "opinions #",
        ],
    );
}

#[test]
fn two_packs_swapped_are_named() {
    let c = Case::new(1200);
    let (a, b) = (c.pack_id(0), c.pack_id(1));
    c.expect_caught(
        &format!(
            "UPDATE audit_log SET pack = (SELECT pack FROM audit_log WHERE id = {b}) WHERE id = {a};"
        ),
        &[&format!("{a} 番の行からハッシュの連鎖が合いません")],
    );
}

#[test]
fn a_changed_pack_header_is_named() {
    let c = Case::new(600);
    let id = c.pack_id(0);
    c.expect_caught(
        &format!("UPDATE audit_log SET pack_rows = pack_rows - 1 WHERE id = {id};"),
        &["ハッシュの連鎖が合いません", "見出し"],
    );
}

#[test]
fn a_packed_row_edited_behind_kuseis_back_is_named() {
    let c = Case::new(600);
    c.expect_caught(
        "UPDATE opinions SET text = '書き換えた発言' WHERE id = 5;",
        &["opinions #5", "記録なしの書き換え", "書き換えた発言"],
    );
}

#[test]
fn a_packed_row_deleted_behind_kuseis_back_is_named() {
    let c = Case::new(600);
    c.expect_caught(
        "DELETE FROM opinions WHERE id = 7;",
        &["opinions #7: 行がありません"],
    );
}

#[test]
fn the_audit_log_lists_packed_rows_one_per_change() {
    let c = Case::new(600);
    let out = c.kusei(&[
        "audit", "log", "--json", "--table", "opinions", "--limit", "100000",
    ]);
    assert!(out.status.success(), "{}", bin::stderr(&out));
    let list: Vec<serde_json::Value> =
        serde_json::from_str(&bin::stdout(&out)).expect("a JSON array");
    let opinions: i64 = c
        .sql()
        .query_row("SELECT count(*) FROM opinions", [], |r| r.get(0))
        .expect("count");
    assert_eq!(list.len() as i64, opinions);
    let ids: Vec<i64> = list.iter().filter_map(|e| e["id"].as_i64()).collect();
    assert!(
        ids.windows(2).all(|w| w[0] < w[1]),
        "one id per change, in order"
    );
    let five = list.iter().find(|e| e["row"] == 5).expect("opinion 5");
    assert_eq!(five["action"], "insert");
    assert!(five["after"]["text"].is_string(), "{five}");
    // One row: only the packs that can hold it are read, same answer.
    let out = c.kusei(&[
        "audit", "log", "--json", "--table", "opinions", "--row", "5",
    ]);
    let one: Vec<serde_json::Value> =
        serde_json::from_str(&bin::stdout(&out)).expect("a JSON array");
    assert_eq!(one, vec![five.clone()]);
}
