//! 履歴 (the history overlay), driven by keys on a real database file: the
//! versions of an opinion edited by two people, restoring one as a new
//! audited change (and what the file holds afterwards, `kusei audit verify`
//! included), a deleted opinion brought back from its item's history, undo
//! after a restart, and the history of a policy node and a progress cell.

mod support;

use kusei::app::panes::history::view;
use kusei::app::state::Mode;
use kusei::db::progress::ProgressField;
use kusei::db::Store;
use support::harness::{minutes, opinions_in_db, sample_today, started, Harness};
use support::screen::marked_text;

/// The screen with what differs between runs replaced: the times of the
/// versions (they are "now") and the login name of whoever runs the tests.
fn normal(h: &Harness, text: &str) -> String {
    let mut t = text.to_string();
    if let Some(x) = &h.state.history.history {
        for v in &x.versions {
            t = t.replace(&view::when(&v.at, h.state.dates), "［日時］");
        }
    }
    let me = h.store().user().to_string();
    t.replace(&format!("  {me}  "), "  自分  ")
}

fn screen(h: &mut Harness) -> String {
    // "1件の更新 (hanako, 0秒前)" counts seconds: not for snapshots.
    h.state.activity.recent.clear();
    let text = h.render(100, 30);
    normal(h, &text)
}

/// The rows' highlighted characters marked with `^` under them.
fn marked(h: &mut Harness) -> String {
    h.state.activity.recent.clear();
    let s = h.screen(100, 30);
    normal(h, &marked_text(&s.buffer))
}

fn verify_exits_0(h: &Harness) {
    let out = support::bin::run(h.db_path(), &["audit", "verify"]);
    assert!(
        out.status.success(),
        "audit verify: {}{}",
        support::bin::stdout(&out),
        support::bin::stderr(&out)
    );
}

fn audit_rows(h: &Harness) -> i64 {
    support::db::audit_rows(&h.store())
}

fn opinion_text(h: &Harness, id: i64) -> Option<String> {
    h.store()
        .conn()
        .query_row("SELECT text FROM opinions WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .ok()
}

/// A colleague's save on the same file, under their name.
fn as_hanako(h: &mut Harness, f: impl FnOnce(&mut Store)) {
    let mut other = h.store();
    other.act_as("hanako");
    f(&mut other);
    drop(other);
    h.poll_external();
}

const V1: &str = "歩道の段差を解消してほしい。";
const V2: &str = "歩道の段差を早急に解消してほしい。";
const V3: &str = "車道と歩道の段差を早急に解消してほしい。";
const V4: &str = "車道と歩道の段差を早急に解消してください。";

/// Edit the selected entry (minute taking, selecting entries) to `text`.
fn edit_entry(h: &mut Harness, text: &str) {
    h.key("e").key("C-u").type_text(text).key("Enter");
    // Finishing an edit returns to the list (issue 14).
    assert_eq!(h.mode(), Mode::MinutesList);
}

/// An opinion written by me, edited by me, by hanako, by me again.
fn three_edits() -> (Harness, i64) {
    let mut h = minutes();
    h.type_text(V1).key("Enter").key("Esc");
    let id = kusei::app::state::selected_entry(&h.state)
        .expect("entry")
        .id;
    edit_entry(&mut h, V2);
    as_hanako(&mut h, |s| {
        let version: i64 = s
            .conn()
            .query_row("SELECT version FROM opinions WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .expect("version");
        s.edit_opinion(id, version, V3).expect("hanako edits");
    });
    edit_entry(&mut h, V4);
    assert_eq!(opinion_text(&h, id).as_deref(), Some(V4));
    (h, id)
}

#[test]
fn an_opinion_edited_three_times_by_two_people_lists_every_version_and_restores_one() {
    let (mut h, id) = three_edits();
    h.key("H");
    assert!(h.state.history.open);
    let versions = &h.state.history.history.as_ref().expect("loaded").versions;
    let texts: Vec<(&str, &str)> = versions
        .iter()
        .map(|v| {
            (
                v.action.as_str(),
                v.after.as_ref().unwrap()["text"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        texts,
        [
            ("update", V4),
            ("update", V3),
            ("update", V2),
            ("insert", V1)
        ],
        "newest first"
    );
    assert_eq!(versions[1].user, "hanako");
    insta::assert_snapshot!("opinion_history_newest", screen(&mut h));
    insta::assert_snapshot!("opinion_history_newest_marked", marked(&mut h));
    // The changed characters, whole wide characters, before and after.
    h.key("j");
    insta::assert_snapshot!("opinion_history_hanakos_edit_marked", marked(&mut h));

    // Back to the version after my first edit: a question first.
    h.key("j").key("r");
    assert!(h.state.history.confirming);
    assert_eq!(opinion_text(&h, id).as_deref(), Some(V4), "nothing yet");
    insta::assert_snapshot!("opinion_history_restore_question", screen(&mut h));
    let before = audit_rows(&h);
    h.key("y");
    assert_eq!(opinion_text(&h, id).as_deref(), Some(V2), "restored");
    assert_eq!(audit_rows(&h), before + 1, "one new audit row");
    let (label, action, user): (String, String, String) = h
        .store()
        .conn()
        .query_row(
            "SELECT b.label, a.action, a.os_user FROM audit_log a JOIN batches b ON b.id = a.batch
             ORDER BY a.id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("last audit row");
    assert_eq!(
        (label.as_str(), action.as_str()),
        ("履歴から復元", "update")
    );
    assert_eq!(user, h.store().user());
    verify_exits_0(&h);
    // The screen and the history follow.
    assert_eq!(h.message(), Some("この版に戻しました（u で取り消し）"));
    let list = &h.state.history.history.as_ref().expect("reloaded").versions;
    assert_eq!(list.len(), 5);
    assert_eq!(view::kind(&list[0]), "復元");
    insta::assert_snapshot!("opinion_history_after_restore", screen(&mut h));
    h.key("Esc");
    assert!(!h.state.history.open);
    assert_eq!(
        kusei::app::state::selected_entry(&h.state).map(|o| o.text.as_str()),
        Some(V2)
    );
    // The restore is an ordinary change: u takes it back.
    h.key("u");
    assert_eq!(opinion_text(&h, id).as_deref(), Some(V4));
    verify_exits_0(&h);
}

#[test]
fn a_restore_refuses_when_a_colleague_changed_the_row_since_the_history_was_shown() {
    let (mut h, id) = three_edits();
    h.keys("H j j r");
    as_hanako(&mut h, |s| {
        let version: i64 = s
            .conn()
            .query_row("SELECT version FROM opinions WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .expect("version");
        s.edit_opinion(id, version, "花子がまた直した意見")
            .expect("edit");
    });
    let rows = audit_rows(&h);
    h.key("y");
    assert_eq!(
        opinion_text(&h, id).as_deref(),
        Some("花子がまた直した意見"),
        "theirs kept"
    );
    assert_eq!(audit_rows(&h), rows, "nothing written");
    let err = h.error().expect("an error").to_string();
    assert!(err.contains("hanako"), "{err}");
    assert_eq!(
        h.state.history.history.as_ref().unwrap().versions.len(),
        5,
        "reloaded with theirs"
    );
}

#[test]
fn a_deleted_opinion_comes_back_from_its_items_history() {
    let mut h = minutes();
    let item = h.current_item().id;
    h.type_text("残しておく意見").key("Enter");
    h.type_text("消してしまった意見").key("Enter").key("Esc");
    let id = kusei::app::state::selected_entry(&h.state)
        .expect("entry")
        .id;
    h.keys("x Enter");
    assert_eq!(opinion_text(&h, id), None, "deleted");
    // The item's history (p from an opinion's) lists the deletion.
    h.keys("H p");
    let title = format!("議題「{}」", h.current_item().title);
    assert_eq!(h.state.history.title, title, "named by what the row says");
    let x = h.state.history.history.as_ref().expect("item history");
    assert_eq!((x.table.as_str(), x.row_id), ("agenda_items", item));
    let at = x
        .versions
        .iter()
        .position(|v| v.table == "opinions" && v.row_id == id)
        .expect("the deletion is listed");
    assert_eq!(x.versions[at].action, "delete");
    for _ in 0..at {
        h.key("j");
    }
    insta::assert_snapshot!("deleted_opinion_in_item_history", screen(&mut h));
    h.keys("r y");
    assert_eq!(opinion_text(&h, id).as_deref(), Some("消してしまった意見"));
    assert!(opinions_in_db(&h.store(), item)
        .iter()
        .any(|o| o.1 == "消してしまった意見"));
    verify_exits_0(&h);
    // Esc goes back to the opinion's history, Esc again closes.
    h.key("Esc");
    assert!(h.state.history.open);
    h.key("Esc");
    assert!(!h.state.history.open);
    assert!(h
        .current_item()
        .opinions
        .iter()
        .any(|o| o.text == "消してしまった意見"));
}

#[test]
fn after_a_restart_u_opens_the_history_of_my_last_change() {
    let mut h = minutes();
    h.type_text(V1).key("Enter").key("Esc");
    let id = kusei::app::state::selected_entry(&h.state)
        .expect("entry")
        .id;
    edit_entry(&mut h, V2);
    let mut h = h.restart(sample_today());
    assert!(h.state.undo_stack.is_empty());
    h.key("u");
    let x = h.state.history.history.as_ref().expect("opened");
    assert_eq!((x.table.as_str(), x.row_id), ("opinions", id));
    h.keys("j r y");
    assert_eq!(opinion_text(&h, id).as_deref(), Some(V1));
    verify_exits_0(&h);
}

#[test]
fn u_with_no_change_of_mine_in_the_log_says_so() {
    let (dir, mut store) = support::db::fresh_store();
    store.act_as("someone-else");
    kusei::sample::load(&mut store).expect("samples");
    drop(store);
    let mut h = Harness::on_file(&dir.path().join("kusei.db"), sample_today());
    h.key("u");
    assert!(!h.state.history.open);
    assert!(h
        .error()
        .is_some_and(|e| e.contains("取り消す変更はありません")));
}

#[test]
fn h_on_a_policy_node_shows_its_versions() {
    let mut h = started();
    h.key("3");
    h.key("j");
    let row = h.state.policy.current_row().expect("row");
    let tree = h.state.policy.tree.as_ref().expect("tree");
    let kusei::app::panes::policy::view::Row::Node(p, i) = row else {
        panic!("not a node: {row:?}");
    };
    let node = tree.plans[p].nodes[i].clone();
    as_hanako(&mut h, |s| {
        let f = kusei::db::NodeFields {
            level: node.level.clone(),
            code: node.code.clone(),
            title: format!("{}（見直し）", node.title),
            body: node.body.clone(),
            budget_kyen: Some(1200),
        };
        s.update_node(node.id, node.version, &f)
            .expect("hanako edits");
    });
    h.key("H");
    let x = h.state.history.history.as_ref().expect("opened");
    assert_eq!((x.table.as_str(), x.row_id), ("plan_nodes", node.id));
    assert_eq!(x.versions[0].user, "hanako");
    insta::assert_snapshot!("policy_node_history", screen(&mut h));
    h.keys("j r y");
    let title: String = h
        .store()
        .conn()
        .query_row(
            "SELECT title FROM plan_nodes WHERE id = ?1",
            [node.id],
            |r| r.get(0),
        )
        .expect("title");
    assert_eq!(title, node.title, "restored");
    verify_exits_0(&h);
}

#[test]
fn h_on_a_progress_cell_shows_its_versions() {
    let mut h = started();
    h.key("4");
    let node = h.state.progress.node.expect("a selected item");
    let period = h.state.progress.period.expect("a selected period");
    as_hanako(&mut h, |s| {
        s.set_progress_field(node, period, ProgressField::Actual, "説明会を2回開催", None)
            .expect("first");
    });
    as_hanako(&mut h, |s| {
        let v: i64 = s
            .conn()
            .query_row(
                "SELECT version FROM progress WHERE node_id = ?1 AND fiscal_year = ?2 AND half = ?3",
                rusqlite::params![node, period.fiscal_year, period.half.as_str()],
                |r| r.get(0),
            )
            .expect("version");
        s.set_progress_field(
            node,
            period,
            ProgressField::Actual,
            "説明会を3回開催",
            Some(v),
        )
        .expect("second");
    });
    h.key("H");
    let x = h.state.history.history.as_ref().expect("opened");
    assert_eq!(x.table, "progress");
    assert!(x.versions.len() >= 2);
    insta::assert_snapshot!("progress_cell_history", screen(&mut h));
    h.key("Esc");
    assert!(!h.state.history.open);
}

/// The real binary in a pseudo-terminal: an opinion written and edited,
/// the app quit and started again, 履歴 opened on the opinion and the first
/// version restored; the file holds it, with a clean audit log.
#[test]
fn pty_edit_quit_restart_open_history_and_restore() {
    use support::pty::{setup, App};
    let s = setup();
    let ready = |app: &App| {
        app.wait_until("the calendar", |t| t.contains("第5回 平成29年8月21日"));
    };
    let mut app = App::spawn(s.dir.path(), &s.db);
    ready(&app);
    app.send(b"m");
    app.wait_for("記録中");
    app.send("最初の意見".as_bytes());
    app.wait_for("意見 > 最初の意見");
    app.send(b"\r");
    app.wait_until("saved", |t| t.contains("✓  ・最初の意見"));
    app.send(b"\x1b");
    app.wait_until("list mode", |t| {
        t.contains("記録・選択") || t.contains("終える")
    });
    // The saved entry is selectable as soon as its write is answered (✓),
    // before the meeting is read back: one `e` opens it.
    app.send(b"e");
    app.wait_until("the edit line", |t| t.contains("編集 > 最初の意見"));
    app.send(b"\x15");
    app.send("直した意見".as_bytes());
    app.wait_for("編集 > 直した意見");
    app.send(b"\r");
    app.wait_until("the edit saved", |t| t.contains("✓  ・直した意見"));
    app.send(b"\x1b");
    app.wait_until("list mode", |t| {
        t.contains("記録・選択") || t.contains("終える")
    });
    app.send(b"\x1b");
    app.wait_until("the calendar", |t| !t.contains("記録中"));
    app.send(b"q");
    assert_eq!(app.wait_exit().code(), Some(0));
    app.finish();

    let mut app = App::spawn(s.dir.path(), &s.db);
    ready(&app);
    app.send(b"m");
    app.wait_for("記録中");
    app.send(b"\x1b");
    app.wait_until("list mode", |t| {
        t.contains("記録・選択") || t.contains("終える")
    });
    // The new entry is the item's last: j stops there.
    app.send(&[b'j'; 40]);
    app.send(b"H");
    app.wait_until("the opinion's history", |t| {
        t.contains("履歴 — 意見「直した意見」（2 件）") && t.contains("後: 直した意見")
    });
    app.send(b"j");
    app.wait_until("the first version selected", |t| {
        t.contains("作成（意見「最初の意見」）")
    });
    app.send(b"r");
    app.wait_for("この版に戻しますか");
    app.send(b"y");
    app.wait_until("restored", |t| {
        t.contains("この版に戻しました") && t.contains("（3 件）")
    });
    app.send(b"\x1b");
    app.wait_until("the overlay closed, the entry restored", |t| {
        !t.contains("履歴 —") && t.contains("・最初の意見")
    });
    let text: String =
        rusqlite::Connection::open_with_flags(&s.db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .expect("open")
            .query_row(
                "SELECT text FROM opinions ORDER BY id DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .expect("text");
    assert_eq!(text, "最初の意見");
    app.send(b"\x1b");
    app.wait_until("the calendar", |t| !t.contains("記録中"));
    app.send(b"q");
    assert_eq!(app.wait_exit().code(), Some(0));
    app.finish();
    let out = support::pty::base_command(s.dir.path())
        .arg("--db")
        .arg(&s.db)
        .args(["audit", "verify"])
        .output()
        .expect("kusei audit verify");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn h_on_a_mid_year_review_in_the_progress_detail_shows_the_notes_versions() {
    use kusei::app::panes::progress::detail;
    use kusei::app::panes::progress::state::Target;
    let mut h = started();
    h.keys("4 Enter");
    let find = |h: &Harness| {
        detail::current(&h.state)
            .iter()
            .enumerate()
            .find_map(|(i, f)| match &f.target {
                Target::Note {
                    node,
                    existing,
                    label,
                    fiscal_year,
                } if label == "中間振り返り" => Some((i, *node, *existing, *fiscal_year)),
                _ => None,
            })
            .expect("a 中間振り返り field in the detail")
    };
    let (_, node, _, fy) = find(&h);
    as_hanako(&mut h, |s| {
        s.set_node_note(node, "中間振り返り", fy, "", "予定どおり進んでいる")
            .expect("first");
        s.set_node_note(
            node,
            "中間振り返り",
            fy,
            "予定どおり進んでいる",
            "おおむね予定どおり進んでいる",
        )
        .expect("second");
    });
    let (at, _, existing, _) = find(&h);
    let (note, _) = existing.expect("the note is shown");
    for _ in 0..40 {
        if h.state.progress.field == at {
            break;
        }
        h.key(if h.state.progress.field < at {
            "j"
        } else {
            "k"
        });
    }
    assert_eq!(h.state.progress.field, at);
    h.key("H");
    let x = h.state.history.history.as_ref().expect("opened");
    assert_eq!((x.table.as_str(), x.row_id), ("node_notes", note));
    assert_eq!(x.versions.len(), 2);
    insta::assert_snapshot!("mid_year_review_history", screen(&mut h));
    h.keys("j r y");
    let text: String = h
        .store()
        .conn()
        .query_row("SELECT text FROM node_notes WHERE id = ?1", [note], |r| {
            r.get(0)
        })
        .expect("text");
    assert_eq!(text, "予定どおり進んでいる");
    verify_exits_0(&h);
}

#[test]
fn hostile_text_in_a_version_is_shown_as_markers() {
    let mut h = minutes();
    h.type_text("普通の意見").key("Enter").key("Esc");
    let id = kusei::app::state::selected_entry(&h.state)
        .expect("entry")
        .id;
    as_hanako(&mut h, |s| {
        let version: i64 = s
            .conn()
            .query_row("SELECT version FROM opinions WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .expect("version");
        s.edit_opinion(id, version, "普通の\u{1b}]0;pwned\u{7}意見\u{202e}逆")
            .expect("edit");
    });
    h.key("H");
    let s = h.screen(100, 30);
    assert!(
        s.contains("後: 普通の⟨U+001B⟩]0;pwned⟨U+0007⟩意見⟨U+202E⟩逆"),
        "{}",
        s.text
    );
    let raw: String = s.buffer.content.iter().map(|c| c.symbol()).collect();
    assert!(
        !raw.contains(['\u{1b}', '\u{7}', '\u{202e}']),
        "a hostile character reached the frame"
    );
}
