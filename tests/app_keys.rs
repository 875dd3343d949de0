//! The app driven by keys, headless: each test presses keys the way a user
//! would, runs the database worker to quiescence after each, and checks the
//! state on screen and what the database file holds (through a second
//! connection, as a colleague would see it).

mod ui_harness;

use kusei::app::state::{Mode, Tab};
use kusei::app::worker::Request;
use ui_harness::{count, date, drafts_in_db, opinions_in_db, sample_today, Harness};

fn started() -> Harness {
    Harness::new(sample_today())
}

/// Start minute taking on the selected meeting (第3回 on the sample).
fn minutes() -> Harness {
    let mut h = started();
    h.key("m");
    assert_eq!(h.mode(), Mode::MinutesInput);
    h
}

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
        h.state.minutes.as_ref().unwrap().speaker,
        None,
        "the tag is for one entry"
    );
    let s = h.render(80, 24);
    assert!(s.contains("副区長: 地域の声を聞く場を増やしたい"), "{s}");
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

// ---- meetings -----------------------------------------------------------------

fn count_meetings(h: &Harness) -> i64 {
    count(&h.store(), "SELECT count(*) FROM meetings")
}

#[test]
fn a_creates_a_meeting_e_edits_it_shift_d_deletes_it_and_u_restores_it() {
    let mut h = started();
    // A new meeting starts from the newest one (第5回, 10:30-12:00).
    let source = h.state.calendar.latest.clone().expect("the newest meeting");
    let before = count_meetings(&h);
    h.key("a");
    let p = h.state.prompt.as_ref().expect("the meeting form");
    assert!(p.label.starts_with("新しい会議 1/3 日時"), "{}", p.label);
    assert_eq!(p.input.text(), "H29.6.21 10:30-12:00");
    h.key("C-u").type_text("R7.11.20 13:00-14:30").key("Enter");
    let p = h.state.prompt.as_ref().expect("step 2");
    assert_eq!(p.label, "2/3 場所");
    assert_eq!(p.input.text(), "旭区外部特別会議室2", "the last room");
    h.key("Enter");
    let p = h.state.prompt.as_ref().expect("step 3");
    assert!(p.label.starts_with("3/3 出席者"));
    assert_eq!(p.input.text(), source.attendees.join("、"));
    h.key("Enter");
    assert!(h.state.prompt.is_none());
    assert_eq!(h.message(), Some("会議を作成しました"));
    assert_eq!(count_meetings(&h), before + 1);

    // It is 第1回 of fiscal 2025, selected, with the times and room.
    let store = h.store();
    let row: (
        i64,
        i32,
        u32,
        String,
        Option<String>,
        Option<String>,
        String,
        String,
    ) = store
        .conn()
        .query_row(
            "SELECT id, fiscal_year, number, date, start_time, end_time, place, status
             FROM meetings ORDER BY id DESC LIMIT 1",
            [],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                ))
            },
        )
        .unwrap();
    let id = row.0;
    assert_eq!(
        (
            row.1,
            row.2,
            row.3.as_str(),
            row.4.as_deref(),
            row.5.as_deref()
        ),
        (2025, 1, "2025-11-20", Some("13:00"), Some("14:30"))
    );
    assert_eq!(row.6, "旭区外部特別会議室2");
    assert_eq!(row.7, "scheduled", "after today: scheduled");
    let attendees = count(
        &store,
        &format!("SELECT count(*) FROM attendance WHERE meeting_id = {id}"),
    );
    assert_eq!(attendees, source.attendees.len() as i64);
    let c = &h.state.calendar;
    assert_eq!(c.fiscal_year, 2025);
    assert_eq!(h.selected().map(|m| m.id), Some(id));
    assert_eq!(h.detail().meeting.id, id);
    assert_eq!(c.cursor, date(2025, 11, 20));
    assert_eq!(c.month, date(2025, 11, 1));
    let s = h.render(80, 24);
    assert!(s.contains("令和7年(2025) 11月"), "{s}");
    assert!(s.contains("第1回 11月20日(木) 13:00-14:30"), "{s}");

    // e: the form again, prefilled; change the room.
    h.key("e");
    assert_eq!(h.prompt_text(), "R7.11.20 13:00-14:30");
    h.key("Enter").key("C-u").type_text("旭区役所本館5階会議室");
    h.keys("Enter Enter");
    assert_eq!(h.message(), Some("会議を保存しました"));
    let place: String = h
        .store()
        .conn()
        .query_row("SELECT place FROM meetings WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(place, "旭区役所本館5階会議室");
    assert_eq!(h.detail().meeting.place, "旭区役所本館5階会議室");

    // Minutes in it, so delete has something to take along.
    h.key("m");
    assert!(h.state.prompt.is_some(), "no items yet: asks for one");
    h.type_text("新年度の体制").key("Enter");
    h.type_text("体制表を確認すること").key("Enter");
    h.keys("Esc Esc");
    let opinions = |h: &Harness| {
        count(
            &h.store(),
            &format!(
                "SELECT count(*) FROM opinions o JOIN agenda_items i ON i.id = o.item_id
                 WHERE i.meeting_id = {id}"
            ),
        )
    };
    assert_eq!(opinions(&h), 1);

    // D + Enter: gone with its items; u: all back.
    h.key("S-D");
    assert!(h.state.prompt.as_ref().unwrap().label.contains("第1回"));
    h.key("Enter");
    assert_eq!(count_meetings(&h), before);
    assert_eq!(opinions(&h), 0);
    assert!(h.state.calendar.meetings.is_empty());
    assert!(h.state.calendar.detail.is_none());
    h.key("u");
    assert_eq!(count_meetings(&h), before + 1);
    assert_eq!(opinions(&h), 1);
    assert_eq!(h.selected().map(|m| m.id), Some(id));
    assert_eq!(h.detail().items.len(), 1);
    assert_eq!(h.detail().meeting.place, "旭区役所本館5階会議室");
}

#[test]
fn the_next_meeting_of_a_year_gets_the_next_number() {
    let mut h = started();
    h.key("a")
        .key("C-u")
        .type_text("R7.11.20")
        .keys("Enter Enter Enter");
    h.key("a")
        .key("C-u")
        .type_text("R7.12.18 10:00-11:00")
        .keys("Enter Enter Enter");
    let numbers: Vec<(String, u32)> = {
        let store = h.store();
        let mut stmt = store
            .conn()
            .prepare("SELECT date, number FROM meetings WHERE fiscal_year = 2025 ORDER BY date")
            .unwrap();
        let v = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        v
    };
    assert_eq!(
        numbers,
        vec![("2025-11-20".to_string(), 1), ("2025-12-18".to_string(), 2)]
    );
    assert_eq!(h.selected_number(), Some(2));
}

/// DESIGN §3: "New meeting with sensible defaults (next number in the
/// fiscal year, last room, last attendee set)" — the last meeting's, not
/// whichever one happens to be selected.
#[test]
fn new_meeting_defaults_come_from_the_last_meeting() {
    let mut h = started();
    h.key("g");
    assert_eq!(h.detail().meeting.place, "旭区外部特別会議室1");
    let last = {
        let mut g = Harness::on_file(h.db_path(), sample_today());
        g.key("S-G");
        g.detail().clone()
    };
    assert_eq!(last.meeting.number, 5);
    h.key("a")
        .key("C-u")
        .type_text("R7.11.20 13:00-14:30")
        .key("Enter");
    assert_eq!(
        h.prompt_text(),
        last.meeting.place,
        "room of the last meeting"
    );
    h.key("Enter");
    assert_eq!(
        h.prompt_text(),
        last.attendees.join("、"),
        "attendees of the last meeting"
    );
}

#[test]
fn a_bad_date_in_the_meeting_form_says_so_and_creates_nothing() {
    let mut h = started();
    let before = count_meetings(&h);
    h.key("a")
        .key("C-u")
        .type_text("平成29年2月30日")
        .key("Enter");
    let err = h.error().expect("an error message");
    assert!(err.starts_with("日時が読めません"), "{err}");
    let p = h.state.prompt.as_ref().expect("the form stays open");
    assert_eq!(p.input.text(), "平成29年2月30日", "what was typed is kept");
    let s = h.render(160, 48);
    assert!(s.contains("日時が読めません"), "{s}");
    h.key("Esc");
    assert!(h.state.prompt.is_none());
    assert_eq!(count_meetings(&h), before);
}

#[test]
fn an_end_before_the_start_is_refused_with_a_message() {
    let mut h = started();
    let before = count_meetings(&h);
    h.key("a")
        .key("C-u")
        .type_text("R7.11.20 15:00-14:00")
        .keys("Enter Enter Enter");
    assert!(h.error().is_some(), "{:?}", h.message());
    assert_eq!(count_meetings(&h), before);
}

// ---- the input line -----------------------------------------------------------

#[test]
fn a_paste_with_a_newline_is_one_edit_and_one_draft() {
    let mut h = minutes();
    h.sent.clear();
    h.paste("一行目\n二行目");
    assert_eq!(h.input_text(), "一行目\n二行目");
    let drafts: Vec<&Request> = h
        .sent
        .iter()
        .filter(|r| matches!(r, Request::SaveDraft { .. }))
        .collect();
    assert_eq!(drafts.len(), 1, "{drafts:?}");
    let s = h.render(80, 24);
    assert!(s.contains("意見 > 一行目⏎二行目"), "{s}");
    h.key("C-z");
    assert_eq!(h.input_text(), "", "one undo step takes the whole paste");
    h.key("C-y");
    assert_eq!(h.input_text(), "一行目\n二行目");
    // CRLF from a Windows clipboard is the same text.
    h.key("C-u").paste("一行目\r\n二行目");
    assert_eq!(h.input_text(), "一行目\n二行目");
}

#[test]
fn a_paste_into_a_prompt_goes_to_the_prompt() {
    let mut h = minutes();
    h.key("C-t").paste("副区長");
    assert_eq!(h.prompt_text(), "副区長");
    assert_eq!(h.input_text(), "");
}

#[test]
fn the_hardware_cursor_is_at_the_caret_after_japanese() {
    let mut h = minutes();
    h.type_text("平成29年度");
    let s = h.screen(80, 24);
    let row = 22u16; // the input line, above the status line
    let line = s.row(row).to_string();
    let label = "意見 > ";
    assert!(line.starts_with(label), "{line:?}");
    let field_x = kusei::ui::text_input::display_width(label) as u16;
    assert_eq!(field_x, 7);
    let cur = s.cursor.expect("cursor shown while typing");
    assert_eq!(
        (cur.x, cur.y),
        (field_x + 10, row),
        "平成29年度 is 10 columns"
    );
    assert_eq!(s.buffer[(field_x + 8, row)].symbol(), "度");
    assert_eq!(s.buffer[(cur.x, row)].symbol(), " ");

    // Once the draft is saved the label gains a ✓ and the cursor follows.
    h.flush_drafts();
    let s = h.screen(80, 24);
    assert!(
        s.row(row).starts_with("意見 ✓> 平成29年度"),
        "{}",
        s.row(row)
    );
    assert_eq!(s.cursor.map(|c| c.x), Some(field_x + 1 + 10));

    // Left twice: before 年度, 4 columns back.
    h.keys("Left Left");
    let s = h.screen(80, 24);
    assert_eq!(s.cursor.map(|c| c.x), Some(field_x + 1 + 6));
    assert_eq!(s.buffer[(field_x + 1 + 6, row)].symbol(), "年");

    // In a prompt the cursor is in the prompt; in list mode there is none.
    h.key("C-t").type_text("副");
    let s = h.screen(80, 24);
    let cur = s.cursor.expect("cursor in the prompt");
    assert!(s.row(cur.y).starts_with("> 副"), "{}", s.row(cur.y));
    assert_eq!(cur.x, 4);
    h.keys("Esc Esc");
    assert_eq!(h.mode(), Mode::MinutesList);
    assert_eq!(h.screen(80, 24).cursor, None);
}

#[test]
fn a_long_line_scrolls_and_keeps_the_cursor_inside_the_field() {
    let mut h = minutes();
    let long = "区政推進課長：".to_string() + &"大規模団地の再生".repeat(10);
    h.type_text(&long);
    for (w, ht) in [(80u16, 24u16), (160, 48)] {
        let s = h.screen(w, ht);
        let cur = s.cursor.unwrap();
        assert_eq!(cur.y, ht - 2);
        assert!(cur.x < w, "{cur:?}");
        assert_eq!(s.buffer[(cur.x, cur.y)].symbol(), " ", "at the end");
        assert!(s.row(ht - 2).ends_with("団地の再生"), "{}", s.row(ht - 2));
        assert!(s.hidden.is_empty(), "{:?}", s.hidden);
    }
}

// ---- nothing typed is lost ----------------------------------------------------

/// An entry whose save fails comes back into the input line (it does); it
/// must also be kept as a draft, or a crash right after loses it.
#[test]
fn an_entry_whose_save_fails_is_kept_as_a_draft() {
    let mut h = minutes();
    let item = h.current_item().id;
    h.type_text("保存に失敗する意見");
    // A colleague removes the agenda item meanwhile.
    h.store()
        .conn()
        .execute("DELETE FROM agenda_items WHERE id = ?1", [item])
        .unwrap();
    h.key("Enter");
    assert!(
        h.error()
            .is_some_and(|e| e.starts_with("保存できませんでした")),
        "{:?}",
        h.message()
    );
    assert_eq!(h.input_text(), "保存に失敗する意見", "back in the input");
    h.flush_drafts();
    let mut h = h.restart(sample_today());
    h.key("m");
    assert_eq!(
        h.input_text(),
        "保存に失敗する意見",
        "the text of a failed save must survive a crash"
    );
}

#[test]
fn others_changes_show_up_after_a_poll() {
    let mut h = minutes();
    let item = h.current_item().id;
    {
        let mut other = h.store();
        other
            .add_opinion(item, "別の端末からの意見", None, None)
            .unwrap();
    }
    h.poll_external();
    assert!(h
        .current_item()
        .opinions
        .iter()
        .any(|o| o.text == "別の端末からの意見"));
}

// ---- help ------------------------------------------------------------------------

#[test]
fn question_mark_opens_help_and_any_key_closes_it() {
    let mut h = started();
    h.key("?");
    assert!(h.state.help);
    let selected = h.selected_number();
    h.key("n");
    assert!(!h.state.help);
    assert_eq!(
        h.selected_number(),
        selected,
        "the closing key does nothing else"
    );
    h.keys("m Esc ?");
    assert!(h.state.help);
    assert_eq!(h.mode(), Mode::MinutesList);
}

#[test]
fn the_status_line_does_not_repeat_hints() {
    let mut h = started();
    for key in ["1", "2", "3", "4"] {
        h.key(key);
        let s = h.screen(160, 48);
        let status = s.row(47).to_string();
        for hint in ["q 終了", "? ヘルプ"] {
            assert_eq!(
                status.matches(hint).count(),
                1,
                "tab {key}: {hint:?} once in {status:?}"
            );
        }
    }
}

// ---- every frame in between -------------------------------------------------------

/// Between pressing Enter and the reload, the entry is on screen in every
/// frame: first as pending (保存中), then with ✓. The real loop draws
/// whenever its queue is empty, so it can draw between any two responses.
#[test]
fn a_submitted_entry_never_disappears_from_the_screen() {
    let mut h = minutes();
    h.type_text("消えてはいけない意見");
    h.press("Enter");
    let s = h.render(80, 24);
    assert!(s.contains("・消えてはいけない意見（保存中）"), "{s}");
    let mut frames = Vec::new();
    h.settle_frame_by_frame(|h| frames.push(h.render(80, 24)));
    for (i, f) in frames.iter().enumerate() {
        assert!(
            f.contains("・消えてはいけない意見"),
            "frame {i} of {} after Enter lost the entry:\n{f}",
            frames.len()
        );
    }
}

/// The status line names the mode (DESIGN §3: database, user, mode); the
/// key hints must give way to it, not the other way round.
#[test]
fn the_status_line_always_shows_the_mode_at_80_columns() {
    let mut h = started();
    let mut seen = Vec::new();
    for keys in ["", "m", "Esc"] {
        h.keys(keys);
        let s = h.screen(80, 24);
        let status = s.row(23).to_string();
        let label = h.mode().label();
        if !status.contains(label) || !status.contains("tester") {
            seen.push(format!("{:?}: {status:?}", h.mode()));
        }
    }
    assert!(
        seen.is_empty(),
        "mode or user cut off:\n{}",
        seen.join("\n")
    );
}

/// A meeting created in the year on screen is selected, and the calendar
/// goes to its day (as it does for one created in another year).
#[test]
fn a_new_meeting_in_the_same_year_is_selected_and_shown_in_the_grid() {
    let mut h = started();
    h.key("a")
        .key("C-u")
        .type_text("H29.9.20 13:00-14:30")
        .keys("Enter Enter Enter");
    assert_eq!(h.message(), Some("会議を作成しました"));
    assert_eq!(h.selected_number(), Some(6));
    assert_eq!(h.detail().meeting.number, 6);
    let c = &h.state.calendar;
    assert_eq!(
        (c.cursor, c.month),
        (date(2017, 9, 20), date(2017, 9, 1)),
        "the grid shows the selected meeting's day"
    );
}

/// Moving a meeting to another fiscal year by editing its date: the
/// calendar follows it, as it follows a new one.
#[test]
fn editing_a_meeting_into_another_year_follows_it() {
    let mut h = started();
    let id = h.detail().meeting.id;
    h.key("e")
        .key("C-u")
        .type_text("R7.11.20 13:00-14:30")
        .keys("Enter Enter Enter");
    assert_eq!(h.message(), Some("会議を保存しました"));
    let fy: i32 = h
        .store()
        .conn()
        .query_row(
            "SELECT fiscal_year FROM meetings WHERE id = ?1",
            [id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(fy, 2025);
    assert_eq!(
        h.state.calendar.fiscal_year, 2025,
        "the list shows its year"
    );
    assert_eq!(h.selected().map(|m| m.id), Some(id));
}

// ---- attendance ------------------------------------------------------------------

fn attendees_in_db(h: &Harness, meeting: i64) -> Vec<String> {
    let store = h.store();
    let mut stmt = store
        .conn()
        .prepare(
            "SELECT j.name FROM attendance a JOIN job_titles j ON j.id = a.job_title_id
             WHERE a.meeting_id = ?1 ORDER BY a.position",
        )
        .unwrap();
    let v = stmt
        .query_map([meeting], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    v
}

#[test]
fn c_opens_the_attendance_checklist_space_toggles_enter_saves() {
    let mut h = minutes();
    let meeting = h.detail().meeting.id;
    let before = attendees_in_db(&h, meeting);
    assert!(before.contains(&"総務課長".to_string()));
    assert!(!before.contains(&"保険年金課長".to_string()));
    h.keys("Esc c");
    let p = h.state.prompt.as_ref().expect("the checklist");
    assert_eq!(p.checked, before, "this meeting's attendees ticked");

    h.type_text("保険年金").key("Space");
    h.key("C-u").type_text("総務課長").key("Space");
    // A title nobody has yet: typed, Space adds it ticked.
    h.key("C-u").type_text("臨時担当部長").key("Space");
    assert_eq!(h.prompt_text(), "", "the new title was added");
    h.key("Enter");
    assert!(h.state.prompt.is_none());
    let after = attendees_in_db(&h, meeting);
    assert!(after.contains(&"保険年金課長".to_string()), "{after:?}");
    assert!(!after.contains(&"総務課長".to_string()), "{after:?}");
    assert!(after.contains(&"臨時担当部長".to_string()), "{after:?}");
    assert_eq!(after.len(), before.len() + 1);
    assert_eq!(
        h.detail().attendees,
        after,
        "the screen shows the saved set"
    );
    // Undo puts the old set back.
    h.key("u");
    assert_eq!(attendees_in_db(&h, meeting), before);
}

/// Down past the last visible candidate: the list scrolls so the picked
/// one (the one Space ticks and Enter takes) is on screen.
#[test]
fn the_picked_candidate_is_always_visible() {
    let mut h = minutes();
    h.keys("Esc c");
    let n = kusei::app::prompt::filtered(h.state.prompt.as_ref().unwrap()).len();
    assert!(n > 14, "enough titles to scroll: {n}");
    for _ in 0..14 {
        h.key("Down");
    }
    let p = h.state.prompt.as_ref().unwrap();
    assert_eq!(p.pick, 14);
    let picked = kusei::app::prompt::filtered(p)[p.pick].to_string();
    for (w, ht) in [(80u16, 24u16), (160, 48)] {
        let s = h.screen(w, ht);
        let shown = s.text.lines().any(|l| {
            l.trim_start()
                .trim_start_matches("[x] ")
                .trim_start_matches("[ ] ")
                == picked
        });
        assert!(
            shown,
            "{w}x{ht}: the picked {picked:?} is not on screen:\n{}",
            s.text
        );
    }
}

/// DESIGN §3: a `?` help overlay listing the keys of the focused pane —
/// also while typing minutes, where `?` itself is text: some key of the
/// input scope (F1, say) must open it. The overlay even has text for that
/// scope (the input line's editing keys), unreachable without one.
#[test]
fn help_can_be_opened_while_typing() {
    use kusei::app::action::Action;
    use kusei::app::keymap::{Scope, DEFAULT};
    let bound = DEFAULT
        .iter()
        .any(|b| b.scope == Scope::MinutesInput && b.action == Action::Help);
    assert!(bound, "no key opens help in Scope::MinutesInput");
}

/// The ✓ before the input line means "what you see is saved". A save
/// confirmation that arrives after another key must not claim the newer
/// text is saved.
#[test]
fn the_draft_check_mark_is_only_shown_for_the_text_on_screen() {
    let mut h = minutes();
    h.type_text("予算");
    // The worker's timer fires and writes "予算"; its confirmation is on
    // the way when the next key arrives.
    h.worker.flush_drafts();
    h.press("案");
    h.settle();
    let m = h.state.minutes.as_ref().unwrap();
    let saved = drafts_in_db(&h.store());
    if m.draft_saved {
        assert_eq!(
            saved.first().map(|d| d.1.as_str()),
            Some(m.input.text()),
            "✓ shown, but the saved draft is not the text on screen"
        );
    }
}

#[test]
fn s_cycles_the_meeting_status_and_u_undoes_it() {
    let mut h = started();
    let id = h.detail().meeting.id;
    let status = |h: &Harness| -> String {
        h.store()
            .conn()
            .query_row("SELECT status FROM meetings WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .unwrap()
    };
    assert_eq!(status(&h), "published");
    h.key("s");
    assert_eq!(status(&h), "cancelled");
    assert_eq!(
        h.detail().meeting.status,
        kusei::model::MeetingStatus::Cancelled
    );
    h.key("s");
    assert_eq!(status(&h), "scheduled");
    h.key("u");
    assert_eq!(status(&h), "cancelled");
}

/// Two sessions edit the same entry: the second save is not allowed to
/// overwrite silently; its user chooses, and the audit log keeps both.
#[test]
fn a_conflicting_edit_asks_and_keeps_both_in_the_audit_log() {
    let mut a = minutes();
    let mut b = Harness::on_file(a.db_path(), sample_today());
    b.key("m");
    // Both open the first entry of the first item for editing.
    a.keys("Esc");
    a.key("e");
    b.keys("Esc");
    b.key("e");
    let id = a.state.minutes.as_ref().unwrap().editing.unwrap().0;
    b.key("C-u").type_text("Bさんの直し").key("Enter");
    assert_eq!(b.message(), Some("編集を保存しました"));
    a.key("C-u").type_text("Aさんの直し").key("Enter");
    let p = a.state.prompt.as_ref().expect("the conflict choice");
    assert!(
        p.candidates[0].contains("Aさんの直し"),
        "{:?}",
        p.candidates
    );
    assert!(
        p.candidates[1].contains("Bさんの直し"),
        "{:?}",
        p.candidates
    );
    a.key("Enter"); // keep mine
    assert_eq!(a.message(), Some("編集を保存しました"));
    let store = a.store();
    let text: String = store
        .conn()
        .query_row("SELECT text FROM opinions WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(text, "Aさんの直し");
    let updates: Vec<String> = store
        .audit_entries()
        .unwrap()
        .into_iter()
        .filter(|e| e.table == "opinions" && e.row_id == id && e.action == "update")
        .filter_map(|e| e.after)
        .collect();
    assert_eq!(updates.len(), 2);
    assert!(updates[0].contains("Bさんの直し") && updates[1].contains("Aさんの直し"));
    assert_eq!(store.verify_audit().unwrap(), None);
}

/// Others see who is taking minutes: "記録中: USER" on the meeting.
#[test]
fn others_see_who_is_minuting() {
    let mut a = started();
    let mut b = Harness::on_file(a.db_path(), sample_today());
    let user = kusei::db::osuser::current().1;
    a.key("m");
    b.poll_external();
    assert_eq!(b.detail().recording_by, vec![user.clone()]);
    let screen = b.render(100, 30);
    assert!(screen.contains(&format!("記録中: {user}")), "{screen}");
    // Not shown to the one minuting.
    assert!(a.detail().recording_by.is_empty());
    a.keys("Esc Esc");
    b.poll_external();
    assert!(b.detail().recording_by.is_empty());
}
