//! The app driven by keys, headless: each test presses keys the way a user
//! would, runs the database worker to quiescence after each, and checks the
//! state on screen and what the database file holds (through a second
//! connection, as a colleague would see it).

mod support;

use kusei::app::state::{Mode, Tab};
use kusei::app::worker::Request;
use support::harness::{
    date, drafts_in_db, minutes, opinions_in_db, sample_today, started, Harness,
};

// ---- navigation -----------------------------------------------------------

#[test]
fn starts_on_the_latest_year_with_todays_meeting_selected() {
    let h = started();
    let c = &h.state.calendar;
    assert_eq!(c.fiscal_year, 2017);
    assert_eq!(c.meetings.len(), 5);
    assert!(!c.loading);
    assert_eq!(h.selected_number(), Some(3));
    assert_eq!(h.detail().meeting.number, 3);
    assert_eq!(c.cursor, date(2017, 6, 21));
    assert_eq!(c.month, date(2017, 6, 1));
    assert_eq!(h.detail().items.len(), 4);
}

#[test]
fn n_p_g_and_shift_g_select_meetings_and_follow_with_the_cursor() {
    let mut h = started();
    h.key("n");
    assert_eq!(h.selected_number(), Some(4));
    assert_eq!(h.detail().meeting.number, 4, "the detail follows");
    assert_eq!(h.state.calendar.cursor, date(2017, 7, 19));
    assert_eq!(h.state.calendar.month, date(2017, 7, 1));
    h.key("n");
    assert_eq!(h.selected_number(), Some(5));
    h.key("n");
    assert_eq!(h.selected_number(), Some(5), "n stops at the last meeting");
    h.key("p");
    assert_eq!(h.selected_number(), Some(4));
    h.key("g");
    assert_eq!(h.selected_number(), Some(1));
    assert_eq!(h.detail().meeting.number, 1);
    assert_eq!(h.state.calendar.cursor, date(2017, 4, 20));
    h.key("p");
    assert_eq!(h.selected_number(), Some(1), "p stops at the first meeting");
    h.key("S-G");
    assert_eq!(h.selected_number(), Some(5));
    assert_eq!(h.detail().meeting.number, 5);
    assert_eq!(h.state.calendar.cursor, date(2017, 8, 21));
    // G without Shift reported (some terminals) is the same key.
    h.key("g").key("G");
    assert_eq!(h.selected_number(), Some(5));
}

#[test]
fn h_j_k_l_move_the_day_cursor_and_select_meetings_on_their_days() {
    let mut h = started();
    h.key("h");
    assert_eq!(h.state.calendar.cursor, date(2017, 6, 20));
    assert_eq!(
        h.selected_number(),
        Some(3),
        "a day without a meeting keeps the selection"
    );
    h.keys("l l");
    assert_eq!(h.state.calendar.cursor, date(2017, 6, 22));
    h.key("k");
    assert_eq!(h.state.calendar.cursor, date(2017, 6, 15));
    h.key("j");
    assert_eq!(h.state.calendar.cursor, date(2017, 6, 22));
    // 6/22 + 27 days = 7/19, the day of 第4回.
    h.keys("j j j");
    assert_eq!(h.state.calendar.cursor, date(2017, 7, 13));
    assert_eq!(h.state.calendar.month, date(2017, 7, 1));
    h.keys("l l l l l l");
    assert_eq!(h.state.calendar.cursor, date(2017, 7, 19));
    assert_eq!(h.selected_number(), Some(4));
    assert_eq!(h.detail().meeting.number, 4);
    // The arrows do the same.
    h.key("Left");
    assert_eq!(h.state.calendar.cursor, date(2017, 7, 18));
    h.key("Right").key("Up").key("Down");
    assert_eq!(h.state.calendar.cursor, date(2017, 7, 19));
}

#[test]
fn pgup_pgdn_change_month_and_brackets_load_other_fiscal_years() {
    let mut h = started();
    h.key("PgDn");
    assert_eq!(h.state.calendar.month, date(2017, 7, 1));
    assert_eq!(h.state.calendar.cursor, date(2017, 7, 21));
    h.key("PgUp").key("PgUp");
    assert_eq!(h.state.calendar.month, date(2017, 5, 1));
    assert_eq!(h.state.calendar.cursor, date(2017, 5, 21));

    // PgUp across 1 April loads fiscal 2016 (no meetings in the sample).
    h.keys("PgUp PgUp");
    assert_eq!(h.state.calendar.cursor, date(2017, 3, 21));
    assert_eq!(h.state.calendar.fiscal_year, 2016);
    assert!(h.state.calendar.meetings.is_empty());
    assert!(h.state.calendar.detail.is_none());
    assert!(!h.state.calendar.loading);
    let s = h.render(80, 24);
    assert!(s.contains("平成28年度"), "{s}");
    assert!(s.contains("この年度の会議はまだありません"), "{s}");

    // ] a year later: back to fiscal 2017, its meetings loaded again.
    h.key("]");
    assert_eq!(h.state.calendar.cursor, date(2018, 3, 21));
    assert_eq!(h.state.calendar.fiscal_year, 2017);
    assert_eq!(h.state.calendar.meetings.len(), 5);
    h.key("]");
    assert_eq!(h.state.calendar.fiscal_year, 2018);
    assert!(h.state.calendar.meetings.is_empty());
    assert!(h.sent.iter().any(|r| matches!(
        r,
        Request::LoadYear {
            fiscal_year: Some(2018),
            ..
        }
    )));
    h.key("[");
    assert_eq!(h.state.calendar.fiscal_year, 2017);
    assert_eq!(h.state.calendar.meetings.len(), 5);

    // t: back to today, 第3回 on it selected.
    h.key("g");
    assert_eq!(h.selected_number(), Some(1));
    h.key("t");
    assert_eq!(h.state.calendar.cursor, sample_today());
    assert_eq!(h.state.calendar.month, date(2017, 6, 1));
    assert_eq!(h.selected_number(), Some(3));
    assert_eq!(h.detail().meeting.number, 3);
}

#[test]
fn t_from_another_fiscal_year_comes_back_to_today_and_its_meeting() {
    let mut h = started();
    h.keys("] ]");
    assert_eq!(h.state.calendar.fiscal_year, 2019);
    h.key("t");
    assert_eq!(h.state.calendar.fiscal_year, 2017);
    assert_eq!(h.state.calendar.cursor, sample_today());
    assert_eq!(h.selected_number(), Some(3));
    assert_eq!(h.detail().meeting.number, 3);
}

#[test]
fn tabs_switch_with_digits_and_tab() {
    let mut h = started();
    h.key("2");
    assert_eq!(h.state.tab, Tab::Attendance);
    h.key("Tab");
    assert_eq!(h.state.tab, Tab::Policy);
    h.key("S-Tab").key("S-Tab");
    assert_eq!(h.state.tab, Tab::Meetings);
    h.key("4").key("1");
    assert_eq!(h.state.tab, Tab::Meetings);
}

#[test]
fn q_quits_from_the_calendar_but_is_typed_while_taking_minutes() {
    let mut h = minutes();
    h.type_text("q?u");
    assert!(!h.state.quit);
    assert!(!h.state.help);
    assert_eq!(h.input_text(), "q?u");
    h.keys("C-u Esc Esc");
    assert_eq!(h.mode(), Mode::Normal);
    h.key("q");
    assert!(h.state.quit);
}

// ---- minute taking ----------------------------------------------------------

#[test]
fn an_opinion_typed_and_submitted_is_saved_under_the_first_item() {
    let mut h = minutes();
    let meeting = h.detail().meeting.id;
    let item = h.detail().items[0].id;
    assert_eq!(h.current_item().id, item);
    let before = opinions_in_db(&h.store(), item).len();

    h.type_text("区長：予算の見直し");
    // The draft is written while typing (here: when the worker's timer fires).
    h.flush_drafts();
    let ctx = format!("minutes:{meeting}");
    assert_eq!(
        drafts_in_db(&h.store()),
        vec![(ctx.clone(), "区長：予算の見直し".to_string())]
    );
    h.type_text("を検討すること。");
    h.key("Enter");

    let saved = opinions_in_db(&h.store(), item);
    assert_eq!(saved.len(), before + 1);
    let last = saved.last().unwrap();
    assert_eq!(last.1, "区長：予算の見直しを検討すること。");
    assert_eq!(last.2, "opinion");
    assert_eq!(last.3, None, "no speaker tagged");
    assert_eq!(h.input_text(), "");
    assert!(h.state.minutes.as_ref().unwrap().pending.is_empty());
    assert_eq!(h.message(), Some("保存しました"));
    assert!(drafts_in_db(&h.store()).is_empty(), "the draft row is gone");
    // And stays gone when the worker's timer fires after the submit.
    h.flush_drafts();
    assert!(drafts_in_db(&h.store()).is_empty());
    // The screen shows it, saved.
    assert_eq!(
        h.current_item().opinions.last().map(|o| o.text.as_str()),
        Some("区長：予算の見直しを検討すること。")
    );
    let s = h.render(80, 24);
    assert!(s.contains("✓  ・区長：予算の見直しを検討すること。"), "{s}");
}

#[test]
fn empty_input_submits_nothing() {
    let mut h = minutes();
    let item = h.current_item().id;
    let before = opinions_in_db(&h.store(), item).len();
    h.type_text("   ").key("Enter");
    assert_eq!(opinions_in_db(&h.store(), item).len(), before);
}

#[test]
fn a_draft_survives_a_crash_and_comes_back_on_m() {
    let mut h = minutes();
    let meeting = h.detail().meeting.id;
    h.type_text("下書きの意見（未送信）");
    assert!(!h.state.minutes.as_ref().unwrap().draft_saved);
    h.flush_drafts();
    assert!(h.state.minutes.as_ref().unwrap().draft_saved, "✓ shown");
    assert_eq!(
        drafts_in_db(&h.store()),
        vec![(
            format!("minutes:{meeting}"),
            "下書きの意見（未送信）".to_string()
        )]
    );

    let mut h = h.restart(sample_today());
    assert_eq!(h.mode(), Mode::Normal);
    assert_eq!(h.detail().meeting.id, meeting);
    h.key("m");
    assert_eq!(h.input_text(), "下書きの意見（未送信）");
    assert_eq!(h.message(), Some("前回の下書きを戻しました"));
    let s = h.render(80, 24);
    assert!(s.contains("意見 ✓> 下書きの意見（未送信）"), "{s}");
    // Clearing the input clears the draft.
    h.key("C-u").flush_drafts();
    assert!(drafts_in_db(&h.store()).is_empty());
}

#[test]
fn leaving_minute_taking_keeps_the_draft() {
    let mut h = minutes();
    h.type_text("あとで続ける");
    h.keys("Esc Esc");
    assert_eq!(h.mode(), Mode::Normal);
    assert!(h.state.minutes.is_none());
    h.flush_drafts();
    h.key("m");
    assert_eq!(h.input_text(), "あとで続ける");
}

#[test]
fn speaker_tag_from_the_fuzzy_prompt_is_saved_with_the_opinion() {
    let mut h = minutes();
    let item = h.current_item().id;
    h.key("C-t");
    assert!(h.state.prompt.is_some());
    h.type_text("副区");
    let p = h.state.prompt.as_ref().unwrap();
    let best = kusei::app::prompt::filtered(p);
    assert_eq!(best.first().copied(), Some("副区長"), "{best:?}");
    h.key("Enter");
    assert!(h.state.prompt.is_none());
    assert_eq!(
        h.state.minutes.as_ref().unwrap().speaker.as_deref(),
        Some("副区長")
    );
    let s = h.render(80, 24);
    assert!(s.contains("意見[副区長] >"), "{s}");

    h.type_text("地域の声を聞く場を増やしたい").key("Enter");
    let saved = opinions_in_db(&h.store(), item);
    let last = saved.last().unwrap();
    assert_eq!(last.1, "地域の声を聞く場を増やしたい");
    assert_eq!(last.3.as_deref(), Some("副区長"));
    assert_eq!(
        h.state.minutes.as_ref().unwrap().speaker.as_deref(),
        Some("副区長"),
        "the tag stays for the next entry until changed"
    );
    let s = h.render(80, 24);
    assert!(s.contains("副区長：地域の声を聞く場を増やしたい"), "{s}");
}

#[test]
fn esc_to_list_then_d_marks_a_decision_and_h_an_action_item() {
    let mut h = minutes();
    let item = h.current_item().id;
    h.type_text("予算案を了承する").key("Enter");
    h.type_text("資料を来週までに配布する").key("Enter");
    h.key("Esc");
    assert_eq!(h.mode(), Mode::MinutesList);
    let n = h.current_item().opinions.len();
    assert_eq!(
        h.state.minutes.as_ref().unwrap().entry,
        n - 1,
        "newest selected"
    );

    // k: the previous entry, 予算案を了承する; d: a decision.
    h.key("k").key("d");
    let saved = opinions_in_db(&h.store(), item);
    let decided = saved.iter().find(|o| o.1 == "予算案を了承する").unwrap();
    assert_eq!(decided.2, "decision");
    let s = h.render(80, 24);
    assert!(s.contains("【決定】予算案を了承する"), "{s}");

    // j h: the newest, an action item for 総務課長 due R7.12.1.
    h.key("j").key("h");
    let label = h.state.prompt.as_ref().unwrap().label.clone();
    assert_eq!(label, "宿題の担当（職名）");
    h.type_text("総務課長").key("Enter");
    assert!(h.state.prompt.as_ref().unwrap().label.starts_with("期限"));
    h.type_text("R7.12.1").key("Enter");
    assert!(h.state.prompt.is_none(), "{:?}", h.message());
    let saved = opinions_in_db(&h.store(), item);
    let action = saved
        .iter()
        .find(|o| o.1 == "資料を来週までに配布する")
        .unwrap();
    assert_eq!(action.2, "action");
    assert_eq!(action.4.as_deref(), Some("総務課長"));
    assert_eq!(action.5.as_deref(), Some("2025-12-01"));
    let s = h.render(160, 48);
    assert!(
        s.contains("【宿題】資料を来週までに配布する（総務課長、令和7年12月1日）"),
        "{s}"
    );

    // o: back to a plain opinion, owner and due cleared.
    h.key("o");
    let saved = opinions_in_db(&h.store(), item);
    let back = saved
        .iter()
        .find(|o| o.1 == "資料を来週までに配布する")
        .unwrap();
    assert_eq!(
        (back.2.as_str(), &back.4, &back.5),
        ("opinion", &None, &None)
    );
}

#[test]
fn an_unreadable_due_date_keeps_the_prompt_open_with_a_message() {
    let mut h = minutes();
    h.type_text("調査する").key("Enter");
    h.keys("Esc h Enter");
    h.type_text("来週のどこか").key("Enter");
    assert!(h.error().is_some_and(|e| e.starts_with("期限が読めません")));
    let p = h.state.prompt.as_ref().expect("the due prompt stays");
    assert_eq!(p.input.text(), "来週のどこか");
    h.keys("C-u Enter");
    assert!(h.state.prompt.is_none());
    let item = h.current_item().id;
    let saved = opinions_in_db(&h.store(), item);
    let o = saved.last().unwrap();
    assert_eq!((o.2.as_str(), &o.4, &o.5), ("action", &None, &None));
}

#[test]
fn x_deletes_u_undoes_ctrl_r_redoes() {
    let mut h = minutes();
    let item = h.current_item().id;
    h.type_text("消して戻す意見").key("Enter");
    let n = opinions_in_db(&h.store(), item).len();
    h.key("Esc");
    h.key("x");
    assert!(h.state.prompt.is_some(), "asks first");
    h.key("Enter");
    let saved = opinions_in_db(&h.store(), item);
    assert_eq!(saved.len(), n - 1);
    assert!(!saved.iter().any(|o| o.1 == "消して戻す意見"));
    assert!(!h
        .current_item()
        .opinions
        .iter()
        .any(|o| o.text == "消して戻す意見"));

    h.key("u");
    let saved = opinions_in_db(&h.store(), item);
    assert_eq!(saved.len(), n);
    assert!(
        saved.iter().any(|o| o.1 == "消して戻す意見"),
        "back after undo"
    );
    assert!(h
        .current_item()
        .opinions
        .iter()
        .any(|o| o.text == "消して戻す意見"));
    assert!(h.message().is_some_and(|m| m.starts_with("取り消しました")));

    h.key("C-r");
    let saved = opinions_in_db(&h.store(), item);
    assert_eq!(saved.len(), n - 1, "gone again after redo");
    assert_eq!(h.message(), Some("やり直しました"));

    // Esc at the confirmation deletes nothing.
    h.key("x").key("Esc");
    assert_eq!(opinions_in_db(&h.store(), item).len(), n - 1);
}

#[test]
fn e_edits_an_entry_in_place() {
    let mut h = minutes();
    let item = h.current_item().id;
    h.type_text("誤字のある意見").key("Enter");
    h.type_text("書きかけ");
    h.key("Esc");
    assert_eq!(h.mode(), Mode::MinutesList);
    h.key("e");
    assert_eq!(h.mode(), Mode::MinutesInput);
    assert_eq!(h.input_text(), "誤字のある意見");
    let s = h.render(80, 24);
    assert!(s.contains("編集 > 誤字のある意見"), "{s}");
    h.keys("C-u");
    h.type_text("直した意見").key("Enter");
    let saved = opinions_in_db(&h.store(), item);
    assert_eq!(saved.last().unwrap().1, "直した意見");
    assert_eq!(saved.iter().filter(|o| o.1 == "誤字のある意見").count(), 0);
    assert_eq!(h.input_text(), "書きかけ", "the unsent text comes back");
    assert_eq!(h.message(), Some("編集を保存しました"));
}

#[test]
fn ctrl_n_adds_an_item_and_shift_k_j_reorder_items() {
    let mut h = minutes();
    let meeting = h.detail().meeting.id;
    let n = h.detail().items.len();
    h.key("C-n");
    h.type_text("その他").key("Enter");
    assert_eq!(h.detail().items.len(), n + 1);
    assert_eq!(h.current_item().title, "その他", "the new item is current");
    let new_id = h.current_item().id;
    let store = h.store();
    let (number, title): (i64, String) = store
        .conn()
        .query_row(
            "SELECT number, title FROM agenda_items WHERE id = ?1",
            [new_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((number, title.as_str()), (n as i64 + 1, "その他"));

    // Opinions go to the current item.
    h.type_text("その他の意見").key("Enter");
    assert_eq!(opinions_in_db(&h.store(), new_id).len(), 1);

    // S-K in list mode: up one place, still current.
    h.key("Esc").key("S-K");
    let number_of = |h: &Harness, id: i64| -> i64 {
        h.store()
            .conn()
            .query_row("SELECT number FROM agenda_items WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .unwrap()
    };
    assert_eq!(number_of(&h, new_id), n as i64);
    assert_eq!(h.current_item().id, new_id, "the moved item stays current");
    assert_eq!(h.detail().items[n - 1].id, new_id);
    h.key("S-K");
    assert_eq!(number_of(&h, new_id), n as i64 - 1);
    h.key("S-J");
    assert_eq!(number_of(&h, new_id), n as i64);
    assert_eq!(h.current_item().id, new_id);
    // Numbers stay 1..=n+1 without gaps.
    let numbers: Vec<i64> = {
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
    };
    assert_eq!(numbers, (1..=n as i64 + 1).collect::<Vec<_>>());
}

#[test]
fn pgdn_and_brackets_switch_items() {
    let mut h = minutes();
    let ids: Vec<i64> = h.detail().items.iter().map(|i| i.id).collect();
    h.key("PgDn");
    assert_eq!(h.current_item().id, ids[1]);
    h.type_text("二つ目の議題への意見").key("Enter");
    assert_eq!(
        opinions_in_db(&h.store(), ids[1]).last().unwrap().1,
        "二つ目の議題への意見"
    );
    h.keys("Esc ] ]");
    assert_eq!(h.current_item().id, ids[3]);
    h.key("]");
    assert_eq!(h.current_item().id, ids[3], "stops at the last item");
    h.keys("[ PgUp [ [");
    assert_eq!(h.current_item().id, ids[0]);
}
