//! End to end: two real kusei processes in two pseudo-terminals edit the
//! same policy node's text on one database file. The second save is not
//! taken silently: the shared conflict prompt asks, and "keep mine" saves
//! it knowingly, with both saves in the audit log.

#![cfg(unix)]

mod pty_support;

use pty_support::*;

/// The policy tab with the first node's form open on its body.
fn open_first_node_body(app: &mut App) -> String {
    app.wait_until("the calendar", |s| s.contains("平成29年度"));
    app.send(b"3");
    app.wait_until("the policy tree", |s| s.contains("予算（千円）"));
    app.send(b"j");
    app.send(b"e");
    let s = app.wait_until("the node form", |s| s.contains("編集:"));
    // Down twice: from the title to the body.
    app.send(b"\x1b[B\x1b[B");
    s
}

#[test]
fn two_apps_editing_one_node_text_ask_and_keep_both_in_the_audit_log() {
    let s = setup();
    let mut a = App::spawn(s.dir.path(), &s.db);
    let mut b = App::spawn(s.dir.path(), &s.db);
    open_first_node_body(&mut a);
    open_first_node_body(&mut b);
    b.send("Bの追記".as_bytes());
    b.wait_for("Bの追記");
    b.send(b"\r");
    b.wait_for("項目を保存しました");
    a.send("Aの追記".as_bytes());
    a.wait_for("Aの追記");
    a.send(b"\r");
    let screen = a.wait_until("the conflict prompt", |s| {
        s.contains("先に保存していました")
    });
    assert!(screen.contains("自分の版で保存"), "{screen}");
    assert!(screen.contains("の版を残す"), "{screen}");
    // Keep mine.
    a.send(b"\r");
    a.wait_for("項目を保存しました");
    let store = kusei::db::Store::open(&s.db, kusei::db::OpenOptions::default()).expect("open");
    let saves: Vec<String> = store
        .audit_entries()
        .expect("audit")
        .into_iter()
        .filter(|e| e.table == "plan_nodes" && e.action == "update")
        .filter_map(|e| e.after)
        .collect();
    assert_eq!(saves.len(), 2, "{saves:?}");
    assert!(saves[0].contains("Bの追記") && !saves[0].contains("Aの追記"));
    assert!(saves[1].contains("Aの追記") && !saves[1].contains("Bの追記"));
    assert_eq!(store.verify_audit().expect("chain"), None);
    for mut app in [a, b] {
        app.send(b"q");
        assert_eq!(app.wait_exit().code(), Some(0));
        app.finish();
    }
}
