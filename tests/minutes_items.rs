//! Minute taking's gaps, as key sequences checked against the database
//! file (through a second connection, as a colleague would see it): an
//! agenda item's title and multi-line 概要, deleting an item (confirmed,
//! audited, undone with `u`), entries marked 非公開 and left out of the
//! published page, editing an entry returning to the list, a speaker that
//! stays until changed and is written one way everywhere.

mod support;

use kusei::app::state::Mode;
use support::harness::{minutes, opinions_in_db, Harness};

fn item_in_db(h: &Harness, id: i64) -> Option<(i64, String, String)> {
    h.store()
        .conn()
        .query_row(
            "SELECT number, title, summary FROM agenda_items WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .ok()
}

fn numbers_in_db(h: &Harness) -> Vec<i64> {
    let meeting = h.detail().meeting.id;
    let store = h.store();
    let mut stmt = store
        .conn()
        .prepare("SELECT number FROM agenda_items WHERE meeting_id = ?1 ORDER BY number")
        .unwrap();
    let v = stmt
        .query_map([meeting], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    v
}

fn visibility_in_db(h: &Harness, id: i64) -> String {
    h.store()
        .conn()
        .query_row("SELECT visibility FROM opinions WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .unwrap()
}

/// List mode on the current item's heading: Esc, then k past the first
/// entry.
fn to_heading(h: &mut Harness) {
    h.key("Esc");
    let n = h.current_item().opinions.len();
    for _ in 0..=n {
        h.key("k");
    }
    assert!(h.state.minutes.as_ref().unwrap().heading);
    assert_eq!(h.mode(), Mode::MinutesList);
}

#[test]
fn e_on_an_item_renames_it_and_edits_its_multi_line_summary() {
    let mut h = minutes();
    let item = h.current_item().id;
    let (number, ..) = item_in_db(&h, item).unwrap();
    to_heading(&mut h);
    h.key("e");
    assert_eq!(
        h.prompt_text(),
        h.current_item().title,
        "starts from the title"
    );
    h.key("C-u");
    h.type_text("超過勤務の状況と対策").key("Enter");
    assert!(
        h.prompt_text().starts_with("平成29年4月に"),
        "then the 概要"
    );
    h.keys("C-u");
    h.type_text("一行目の概要");
    h.key("C-j");
    h.type_text("二行目の概要").key("Enter");
    assert!(h.state.prompt.is_none(), "{:?}", h.message());
    assert_eq!(
        item_in_db(&h, item),
        Some((
            number,
            "超過勤務の状況と対策".to_string(),
            "一行目の概要\n二行目の概要".to_string()
        ))
    );
    assert_eq!(h.message(), Some("議題を保存しました"));
    assert_eq!(h.mode(), Mode::MinutesList, "still in the list");
    let s = h.render(80, 24);
    assert!(s.contains("(1) 超過勤務の状況と対策"), "{s}");
    assert!(
        s.contains("一行目の概要\n") && s.contains("二行目の概要"),
        "{s}"
    );

    // u undoes the edit.
    h.key("u");
    let (_, title, _) = item_in_db(&h, item).unwrap();
    assert_eq!(title, "平成29年度4月の超過勤務の状況について");
}

#[test]
fn an_empty_title_is_refused_and_esc_changes_nothing() {
    let mut h = minutes();
    let item = h.current_item().id;
    let before = item_in_db(&h, item);
    to_heading(&mut h);
    h.keys("e C-u Enter");
    assert!(h.error().is_some_and(|e| e.starts_with("議題名が空です")));
    assert!(h.state.prompt.is_some(), "the prompt stays");
    h.key("Esc");
    assert!(h.state.prompt.is_none());
    assert_eq!(item_in_db(&h, item), before);
    // Esc at the 概要 step too.
    h.keys("e Enter Esc");
    assert_eq!(item_in_db(&h, item), before);
}

#[test]
fn x_on_an_item_deletes_it_with_its_entries_after_asking_and_u_restores_it() {
    let mut h = minutes();
    h.key("PgDn");
    let item = h.current_item().id;
    let n_items = h.detail().items.len();
    let entries = opinions_in_db(&h.store(), item);
    assert!(!entries.is_empty());
    to_heading(&mut h);
    h.key("x");
    let label = h.state.prompt.as_ref().expect("asks first").label.clone();
    assert!(label.contains("削除します"), "{label}");
    h.key("Esc");
    assert!(item_in_db(&h, item).is_some(), "Esc deletes nothing");

    h.keys("x Enter");
    assert_eq!(item_in_db(&h, item), None);
    assert!(opinions_in_db(&h.store(), item).is_empty());
    assert_eq!(numbers_in_db(&h), (1..n_items as i64).collect::<Vec<_>>());
    assert_eq!(h.detail().items.len(), n_items - 1);
    let audited: i64 = h
        .store()
        .conn()
        .query_row(
            "SELECT count(*) FROM audit_log WHERE tbl = 'agenda_items' AND row_id = ?1 AND action = 'delete'",
            [item],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(audited, 1, "the deletion is in the audit log");

    h.key("u");
    assert_eq!(
        item_in_db(&h, item).map(|i| i.0),
        Some(2),
        "back in its place"
    );
    assert_eq!(
        opinions_in_db(&h.store(), item),
        entries,
        "with its entries"
    );
    assert_eq!(numbers_in_db(&h), (1..=n_items as i64).collect::<Vec<_>>());
}

#[test]
fn v_marks_an_entry_internal_shown_and_left_out_of_the_published_page() {
    let mut h = minutes();
    h.type_text("内部で検討する意見").key("Enter");
    h.key("Esc");
    let id = h.current_item().opinions.last().unwrap().id;
    assert_eq!(visibility_in_db(&h, id), "public");
    h.key("v");
    assert_eq!(visibility_in_db(&h, id), "internal");
    let s = h.render(80, 24);
    assert!(s.contains("内部で検討する意見【非公開】"), "{s}");
    let data = h.store().export().unwrap();
    let page = kusei::export::publish::publish_fiscal_year(&data, 2017, None);
    assert!(!page.contains("内部で検討する意見"), "{page}");
    let html = kusei::export::publish_html::publish_fiscal_year_html(&data, 2017, None);
    assert!(!html.contains("内部で検討する意見"));

    h.key("v");
    assert_eq!(visibility_in_db(&h, id), "public");
    let data = h.store().export().unwrap();
    let page = kusei::export::publish::publish_fiscal_year(&data, 2017, None);
    assert!(page.contains("- 内部で検討する意見\n"), "{page}");
}

#[test]
fn after_editing_an_entry_enter_or_esc_returns_to_the_list() {
    let mut h = minutes();
    let item = h.current_item().id;
    h.type_text("誤字のある意見").key("Enter");
    h.keys("Esc e");
    assert_eq!(h.mode(), Mode::MinutesInput);
    h.keys("C-u");
    h.type_text("直した意見").key("Enter");
    assert_eq!(h.mode(), Mode::MinutesList, "Enter: back to the list");
    // The list keys act on the list; nothing is typed.
    h.keys("k j");
    assert_eq!(h.input_text(), "");
    assert_eq!(
        opinions_in_db(&h.store(), item).last().unwrap().1,
        "直した意見"
    );

    h.key("e");
    assert_eq!(h.mode(), Mode::MinutesInput);
    h.type_text("やめる編集").key("Esc");
    assert_eq!(h.mode(), Mode::MinutesList, "Esc: back to the list");
    h.keys("k j");
    assert_eq!(h.input_text(), "");
    assert_eq!(
        opinions_in_db(&h.store(), item).last().unwrap().1,
        "直した意見"
    );
}

#[test]
fn the_speaker_stays_until_changed_and_is_written_one_way_everywhere() {
    let mut h = minutes();
    let item = h.current_item().id;
    h.key("C-t");
    h.type_text("副区長").key("Enter");
    h.type_text("一つ目の意見").key("Enter");
    h.type_text("二つ目の意見").key("Enter");
    assert_eq!(
        h.state.minutes.as_ref().unwrap().speaker.as_deref(),
        Some("副区長"),
        "sticky"
    );
    // C-t with nothing typed: no speaker from now on.
    h.keys("C-t Enter");
    h.type_text("三つ目の意見").key("Enter");
    let saved = opinions_in_db(&h.store(), item);
    let speaker_of = |t: &str| saved.iter().find(|o| o.1 == t).unwrap().3.clone();
    assert_eq!(speaker_of("一つ目の意見").as_deref(), Some("副区長"));
    assert_eq!(speaker_of("二つ目の意見").as_deref(), Some("副区長"));
    assert_eq!(speaker_of("三つ目の意見"), None);

    // The minute list and the calendar detail.
    let s = h.render(160, 48);
    assert!(s.contains("副区長：一つ目の意見"), "{s}");
    h.keys("Esc Esc");
    let s = h.render(160, 48);
    assert!(s.contains("副区長：二つ目の意見"), "{s}");
    // Markdown and the published page (text and HTML).
    let data = h.store().export().unwrap();
    let all = kusei::export::minutes::select(&data, kusei::export::minutes::Selection::All, None);
    let md = kusei::export::minutes::markdown(&all);
    assert!(md.contains("- 副区長：一つ目の意見\n"), "{md}");
    let page = kusei::export::publish::publish_fiscal_year(&data, 2017, None);
    assert!(page.contains("- 副区長：一つ目の意見\n"), "{page}");
    assert!(page.contains("- 三つ目の意見\n"));
    let html = kusei::export::publish_html::publish_fiscal_year_html(&data, 2017, None);
    assert!(html.contains("副区長：一つ目の意見"));

    // The published page reads back with the speaker (an attendee).
    let parsed = kusei::import::parse_bytes("page.txt", page.as_bytes()).expect("the page imports");
    let o = parsed
        .dataset
        .meetings
        .iter()
        .flat_map(|m| &m.items)
        .flat_map(|i| &i.opinions)
        .find(|o| o.text == "一つ目の意見")
        .expect("read back");
    assert_eq!(o.speaker.as_deref(), Some("副区長"));
}
