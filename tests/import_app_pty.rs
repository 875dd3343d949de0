//! The real binary in a pseudo-terminal importing a page from the app:
//! `I`, a path under `~` completed with Tab, the preview drawn while the
//! database thread read the file, Esc (nothing written), then again and
//! Enter: the plan is in the database, audited, and the policy tab shows it.

#![cfg(unix)]

mod support;

use support::bin::{run, stderr};
use support::db::root;
use support::pty::*;

fn plans(db: &std::path::Path) -> i64 {
    let conn = rusqlite::Connection::open(db).expect("open");
    conn.query_row(
        "SELECT count(*) FROM plans WHERE title LIKE '%緑川区%'",
        [],
        |r| r.get(0),
    )
    .expect("count")
}

fn audit_rows(db: &std::path::Path) -> i64 {
    let conn = rusqlite::Connection::open(db).expect("open");
    conn.query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0))
        .expect("count")
}

#[test]
fn imports_a_policy_page_from_the_app_after_its_preview() {
    let s = setup();
    std::fs::copy(
        root().join("tests/fixtures/policy/01_unbracketed.txt"),
        s.dir.path().join("midorikawa_page.txt"),
    )
    .expect("copy the page into the home folder");
    let audit_before = audit_rows(&s.db);
    let mut app = App::spawn(s.dir.path(), &s.db);
    app.wait_for("第5回 平成29年8月21日");

    // Once with Esc: nothing written.
    app.send(b"I");
    app.wait_for("ファイルから読み込む");
    app.send(b"~/midori\t");
    app.wait_for("~/midorikawa_page.txt");
    app.send(b"\r");
    app.wait_for("運営方針（UTF-8）会議 0 件、計画 1 件");
    app.wait_for("Enter/y 読み込む");
    app.send(b"\x1b");
    app.wait_until("the preview closed", |t| !t.contains("下見:"));
    assert_eq!(plans(&s.db), 0, "Esc wrote the plan");

    // Again, and Enter.
    app.send(b"I");
    app.wait_for("ファイルから読み込む");
    app.send(b"~/midorikawa_page.txt\r");
    app.wait_for("階層ごとの数: 目標 2");
    app.send(b"\r");
    app.wait_for("読み込みました: 計画 1 件、項目 13 件");
    // The policy tab, on the imported plan's first node (its detail shown).
    app.wait_for("運営方針・計画 5件");
    app.wait_until("the first node's detail", |t| {
        t.contains("階層 目標") && t.contains("【運営方針】令和2年度 緑川区運営方針")
    });
    app.send(b"q");
    assert_eq!(app.wait_exit().code(), Some(0));

    assert_eq!(plans(&s.db), 1);
    let verify = run(&s.db, &["audit", "verify"]);
    assert_eq!(verify.status.code(), Some(0), "{}", stderr(&verify));
    // The plan and its 13 nodes, one audit row each.
    assert_eq!(audit_rows(&s.db) - audit_before, 14);
}
