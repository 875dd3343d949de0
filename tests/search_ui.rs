//! The search overlay, headless: typing, highlighted results, the preview,
//! jumping to the meeting; the related items under a meeting's detail.

mod support;

use crossterm::event::{KeyCode, KeyModifiers};
use kusei::app::state::{Mode, Tab};
use kusei::search::DocKind;
use support::search::{ctrl, App};

fn open_and_type(app: &mut App, q: &str) {
    app.press(KeyCode::Char('/'));
    assert!(app.state.search.open);
    app.type_text(q);
    app.wait_results();
}

#[test]
fn typing_shows_highlighted_results_80x24() {
    let mut app = App::with_samples();
    open_and_type(&mut app, "団地");
    insta::assert_snapshot!(app.render(80, 24));
}

#[test]
fn typing_shows_highlighted_results_160x48() {
    let mut app = App::with_samples();
    open_and_type(&mut app, "わーきんぐ");
    app.press(KeyCode::Down);
    insta::assert_snapshot!(app.render(160, 48));
}

#[test]
fn the_search_line_shows_the_index_being_built() {
    use kusei::app::panes::search::{IndexStatus, Response};
    use kusei::search::service::Event;
    let mut app = App::with_samples();
    app.press(KeyCode::Char('/'));
    // As the service reports it while reading a million opinions.
    let r = kusei::app::panes::on_response(
        &mut app.state,
        kusei::app::panes::PaneResponse::Search(Response::Service(Event::Progress {
            done: 450_000,
            total: 1_000_000,
        })),
    );
    assert!(r.is_empty());
    assert_eq!(
        app.state.search.index,
        IndexStatus::Building {
            done: 450_000,
            total: 1_000_000
        }
    );
    let screen = app.render(80, 24);
    assert!(
        screen.contains("索引を作成中 45%（450,000 / 1,000,000 件）"),
        "{screen}"
    );
}

#[test]
fn enter_jumps_to_the_meeting_of_the_selected_result() {
    let mut app = App::with_samples();
    // Start on another fiscal year, so the jump has to load one.
    app.state.calendar.fiscal_year = 2016;
    open_and_type(&mut app, "50周年");
    let rows = &app.state.search.results;
    assert!(rows.len() >= 3, "{rows:?}");
    app.press(KeyCode::Down);
    let want = app.state.search.results[1].clone();
    let m = want.meeting.clone().expect("a meeting result");
    app.press(KeyCode::Enter);
    assert!(!app.state.search.open);
    assert_eq!(app.state.tab, Tab::Meetings);
    let c = &app.state.calendar;
    assert_eq!(c.fiscal_year, 2017);
    assert_eq!(c.selected_meeting().map(|r| r.id), Some(m.id));
    assert_eq!(c.detail.as_ref().map(|d| d.meeting.id), Some(m.id));
    assert_eq!(Some(c.cursor), want.date);
}

#[test]
fn the_preview_shows_the_opinion_among_its_neighbours() {
    let mut app = App::with_samples();
    open_and_type(&mut app, "ワールドカフェ");
    let (kind, _, ctx) = app.state.search.context.clone().expect("context");
    assert_eq!(kind, DocKind::Opinion);
    assert_eq!(
        ctx.heading,
        "平成29年6月21日(水曜日) 第3回 区づくり経営会議"
    );
    assert_eq!(ctx.title, "(3) 旭区大規模団地ビジョンについて");
    assert!(ctx
        .lines
        .iter()
        .any(|l| l.target && l.text.contains("ワールドカフェ")));
}

#[test]
fn escape_closes_and_keys_type_while_open() {
    let mut app = App::with_samples();
    app.press(KeyCode::Char('/'));
    // q and ? are text here, not quit and help.
    app.type_text("q?");
    assert_eq!(app.state.search.input.text(), "q?");
    assert!(!app.state.quit && !app.state.help);
    app.press(KeyCode::Esc);
    assert!(!app.state.search.open);
}

#[test]
fn ctrl_f_searches_from_minute_taking_where_slash_is_text() {
    let mut app = App::with_samples();
    app.press(KeyCode::Char('m'));
    assert_eq!(app.state.mode, Mode::MinutesInput);
    app.type_text("a/b");
    assert!(!app.state.search.open);
    let (c, m) = ctrl('f');
    app.key(c, m);
    assert!(app.state.search.open);
    app.type_text("団地");
    app.wait_results();
    assert!(!app.state.search.results.is_empty());
    app.press(KeyCode::Esc);
    assert_eq!(app.state.mode, Mode::MinutesInput);
    let typed = app
        .state
        .minutes
        .as_ref()
        .map(|m| m.input.text().to_string());
    assert_eq!(typed.as_deref(), Some("a/b"));
}

#[test]
fn a_paste_goes_into_the_query() {
    let mut app = App::with_samples();
    app.press(KeyCode::Char('/'));
    let reqs = kusei::app::update::on_paste(&mut app.state, "超過勤務");
    app.settle(reqs);
    app.wait_results();
    assert_eq!(app.state.search.input.text(), "超過勤務");
    assert!(app.state.search.total >= 3);
}

/// The meeting with this 第N回 in 平成29年度, selected in the calendar.
fn select_meeting(app: &mut App, number: u32) -> i64 {
    let i = app
        .state
        .calendar
        .meetings
        .iter()
        .position(|m| m.number == number)
        .expect("meeting");
    let id = app.state.calendar.meetings[i].id;
    app.state.calendar.selected = Some(i);
    app.settle(vec![kusei::app::worker::Request::LoadMeeting(id)]);
    id
}

fn related_meetings(app: &App, meeting: i64, topic: &str) -> Vec<u32> {
    let (m, groups) = app.state.search.related.clone().expect("related");
    assert_eq!(m, meeting);
    let mut v: Vec<u32> = groups
        .iter()
        .flat_map(|g| g.related.iter())
        .filter(|r| r.topic.contains(topic))
        .map(|r| r.meeting_no)
        .collect();
    v.sort();
    v.dedup();
    v
}

#[test]
fn related_items_follow_a_topic_across_meetings() {
    let mut app = App::with_samples();
    let m2 = select_meeting(&mut app, 2);
    assert_eq!(related_meetings(&app, m2, "50周年"), vec![3, 4]);
    assert_eq!(related_meetings(&app, m2, "大規模団地"), vec![1, 3, 5]);
    let m4 = select_meeting(&mut app, 4);
    assert_eq!(related_meetings(&app, m4, "50周年"), vec![2, 3]);
    let m1 = select_meeting(&mut app, 1);
    assert_eq!(related_meetings(&app, m1, "大規模団地"), vec![2, 3, 5]);
    // Nothing unrelated: 改革推進委員会 and 区運営方針 come up once.
    let (_, groups) = app.state.search.related.clone().expect("related");
    assert!(groups.iter().all(|g| g.item_no == 3), "{groups:?}");
    let _ = m1;
}

#[test]
fn related_items_under_the_meeting_detail_160x48() {
    let mut app = App::with_samples();
    select_meeting(&mut app, 4);
    insta::assert_snapshot!(app.render(160, 48));
}

#[test]
fn results_follow_changes_to_the_data() {
    let mut app = App::with_samples();
    open_and_type(&mut app, "きんむ体制");
    assert_eq!(app.state.search.total, 0);
    // Another process adds an opinion.
    let path = app.path.clone();
    let mut other = kusei::db::Store::open(&path, kusei::db::OpenOptions::default()).expect("open");
    let item: i64 = other
        .conn()
        .query_row("SELECT min(id) FROM agenda_items", [], |r| r.get(0))
        .expect("item");
    other
        .add_opinion(item, "キンム体制の見直しを進めるべき。", None, None)
        .expect("add");
    app.worker.poll_external();
    app.settle(Vec::new());
    app.wait_for("the new opinion", |s| s.search.total == 1);
    assert_eq!(
        app.state.search.results[0].text,
        "キンム体制の見直しを進めるべき。"
    );
    let _ = KeyModifiers::NONE;
}

#[test]
fn related_items_follow_new_agenda_items() {
    let mut app = App::with_samples();
    let m5 = app
        .state
        .calendar
        .meetings
        .iter()
        .find(|m| m.number == 5)
        .map(|m| m.id)
        .expect("meeting 5");
    let m2 = select_meeting(&mut app, 2);
    assert_eq!(related_meetings(&app, m2, "50周年"), vec![3, 4]);
    // This app adds an item to meeting 5 on the same topic.
    app.settle(vec![kusei::app::worker::Request::Write(
        kusei::app::worker::WriteOp::AddItem {
            meeting: m5,
            title: "旭区制50周年の広報について".into(),
        },
    )]);
    assert_eq!(related_meetings(&app, m2, "50周年"), vec![3, 4, 5]);
    // Another process adds one to meeting 1.
    let path = app.path.clone();
    let mut other = kusei::db::Store::open(&path, kusei::db::OpenOptions::default()).expect("open");
    let m1 = app
        .state
        .calendar
        .meetings
        .iter()
        .find(|m| m.number == 1)
        .map(|m| m.id)
        .expect("meeting 1");
    other
        .add_item(m1, "旭区制50周年の準備について")
        .expect("add item");
    app.worker.poll_external();
    app.settle(Vec::new());
    assert_eq!(related_meetings(&app, m2, "50周年"), vec![1, 3, 4, 5]);
}

/// The index's size as the service last said it was ready.
fn entries(app: &App) -> usize {
    match app.state.search.index {
        kusei::app::panes::search::IndexStatus::Ready { entries, .. } => entries,
        _ => 0,
    }
}

#[test]
fn a_colleagues_save_the_answer_does_not_show_draws_no_frame() {
    let mut app = App::with_samples();
    open_and_type(&mut app, "団地");
    let (total, rows) = (app.state.search.total, app.state.search.results.clone());
    assert!(total > 0);
    let before = app.render(120, 36);
    let entries_before = entries(&app);
    let path = app.path.clone();
    let mut other = kusei::db::Store::open(&path, kusei::db::OpenOptions::default()).expect("open");
    let item: i64 = other
        .conn()
        .query_row("SELECT min(id) FROM agenda_items", [], |r| r.get(0))
        .expect("item");
    app.frames = 0;
    // Another process saves an opinion the query does not find: the
    // search service takes it in (and says so), the answer stays.
    other
        .add_opinion(item, "防災倉庫の点検を毎年行うこと。", None, None)
        .expect("add");
    app.wait_for("the index to take the save in", |s| {
        matches!(s.search.index,
            kusei::app::panes::search::IndexStatus::Ready { entries, .. } if entries > entries_before)
    });
    assert_eq!(
        app.frames, 0,
        "no frame for a save the answer does not show"
    );
    // A second save the query finds: one frame, for the new answer. The
    // service answers in order, so an answer to the first save would have
    // come before it.
    other
        .add_opinion(item, "団地の集会所を防災拠点にすること。", None, None)
        .expect("add");
    app.wait_for("the new answer", |s| s.search.total == total + 1);
    app.settle(Vec::new());
    assert_eq!(app.frames, 1, "one frame for the new answer");
    assert_eq!(app.state.search.results.len(), rows.len() + 1);
    assert_ne!(app.render(120, 36), before);
}

#[test]
fn the_overlay_drawn_again_from_its_kept_cells_is_the_same() {
    let mut app = App::with_samples();
    open_and_type(&mut app, "団地");
    let first = app.render(120, 36);
    // Drawn again from the kept cells (nothing it shows changed) …
    assert_eq!(app.render(120, 36), first);
    // … and afresh.
    *app.state.search.drawn.borrow_mut() = Default::default();
    assert_eq!(app.render(120, 36), first);
    // Another size, another selection: drawn afresh, not pasted.
    app.press(KeyCode::Down);
    let moved = app.render(120, 36);
    assert_ne!(moved, first);
    *app.state.search.drawn.borrow_mut() = Default::default();
    assert_eq!(app.render(120, 36), moved);
    assert_ne!(app.render(80, 24), moved);
}
