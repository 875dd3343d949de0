//! The app driven by keys, headless (continued): meetings, the input
//! line, nothing typed lost, help, and what every frame in between shows.

mod support;

use kusei::app::state::Mode;
use kusei::app::worker::Request;
use support::harness::{count, date, minutes, sample_today, started, Harness};

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
    let field_x = kusei::widget::text_input::display_width(label) as u16;
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
/// frame: first in the input line marked 保存中 (it leaves the input only
/// once it is durable), then in the list with ✓. The real loop draws
/// whenever its queue is empty, so it can draw between any two responses.
#[test]
fn a_submitted_entry_never_disappears_from_the_screen() {
    let mut h = minutes();
    h.type_text("消えてはいけない意見");
    h.press("Enter");
    let s = h.render(80, 24);
    assert!(s.contains("意見（保存中）> 消えてはいけない意見"), "{s}");
    let mut frames = Vec::new();
    h.settle_frame_by_frame(|h| frames.push(h.render(80, 24)));
    assert!(
        frames
            .last()
            .is_some_and(|f| f.contains("・消えてはいけない意見")),
        "in the list at the end"
    );
    for (i, f) in frames.iter().enumerate() {
        assert!(
            f.contains("消えてはいけない意見"),
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
