//! "Enter lands on the thing" (issues 13, 14): search's Enter on an
//! opinion, a 決定 or a 宿題 opens its meeting scrolled to the entry and
//! highlighted; Enter in the 宿題 view does the same; a 関連 item under a
//! meeting opens at its agenda item (`r`, `o`); a progress entry result
//! opens the 進捗 grid on its item and period.

mod support;

use crossterm::event::KeyCode;
use kusei::app::panes::calendar::land::{landed_line, Landed};
use kusei::app::panes::progress::View;
use kusei::app::state::Tab;
use kusei::db::Store;
use kusei::search::DocKind;
use support::search::App;

/// The last entry of `kind` of 平成29年度 (the last item, the last line):
/// far enough down its meeting's detail that landing must scroll.
fn deep_entry(store: &Store, kind: &str) -> (i64, String) {
    store
        .conn()
        .query_row(
            "SELECT o.id, o.text FROM opinions o
             JOIN agenda_items i ON i.id = o.item_id
             JOIN meetings m ON m.id = i.meeting_id
             WHERE m.fiscal_year = 2017 AND o.kind = ?1
             ORDER BY m.number, i.number DESC, o.position DESC LIMIT 1",
            [kind],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("an entry of 平成29年度")
}

/// Search for `text` and select the result that is row `id` of `kind`.
fn search_and_select(app: &mut App, text: &str, kind: DocKind, id: i64) {
    app.press(KeyCode::Char('/'));
    let q: String = text.chars().take(12).collect();
    app.type_text(&q);
    app.wait_results();
    app.wait_for("the entry among the results", |s| {
        s.search
            .results
            .iter()
            .any(|r| r.kind == kind && r.id == id)
    });
    let at = app
        .state
        .search
        .results
        .iter()
        .position(|r| r.kind == kind && r.id == id)
        .unwrap_or_else(|| panic!("{kind:?} {id} not in {:?}", app.state.search.results));
    for _ in 0..at {
        app.press(KeyCode::Down);
    }
    assert_eq!(app.state.search.selected, at);
}

/// Enter: the calendar, the meeting shown, landed on `at` and scrolled to it.
fn enter_lands_at(app: &mut App, at: Landed) {
    app.press(KeyCode::Enter);
    app.settle(Vec::new());
    assert!(!app.state.search.open);
    assert_eq!(app.state.tab, Tab::Meetings);
    assert_landed(app, at);
}

fn assert_landed(app: &App, at: Landed) {
    let c = &app.state.calendar;
    assert_eq!(c.landed, Some(at));
    let d = c.detail.as_ref().expect("the meeting's detail");
    let line = landed_line(d, at).expect("the landed line is in the detail");
    assert_eq!(c.detail_scroll as usize, line.saturating_sub(2));
    assert!(c.follow_landed);
}

#[test]
fn enter_on_an_opinion_lands_on_it_in_its_meeting() {
    let mut app = App::with_samples();
    let (id, text) = deep_entry(&app.store(), "opinion");
    search_and_select(&mut app, &text, DocKind::Opinion, id);
    enter_lands_at(&mut app, Landed::Entry(id));
    assert!(app.state.calendar.detail_scroll > 0, "scrolled down to it");
}

#[test]
fn enter_on_a_decision_lands_on_it() {
    let mut app = App::with_samples();
    let (id, text) = deep_entry(&app.store(), "opinion");
    // Made a 決定 through the app's write path, on a second connection.
    app.store()
        .set_opinion_kind(
            id,
            &kusei::db::EntryKind {
                kind: kusei::model::OpinionKind::Decision,
                owner: None,
                due: None,
            },
        )
        .expect("mark as 決定");
    search_and_select(&mut app, &text, DocKind::Decision, id);
    enter_lands_at(&mut app, Landed::Entry(id));
}

#[test]
fn enter_on_a_homework_result_lands_on_it() {
    let mut app = App::with_samples();
    let id = support::progress::add_action(
        &mut app.store(),
        3,
        "再生案の論点を整理する",
        "区政推進課長",
        support::driver::date(2017, 7, 1),
    );
    search_and_select(&mut app, "再生案の論点を整理する", DocKind::Action, id);
    enter_lands_at(&mut app, Landed::Entry(id));
}

#[test]
fn enter_on_an_item_title_lands_on_the_item() {
    let mut app = App::with_samples();
    let (item, title): (i64, String) = app
        .store()
        .conn()
        .query_row(
            "SELECT i.id, i.title FROM agenda_items i JOIN meetings m ON m.id = i.meeting_id
             WHERE m.fiscal_year = 2017 ORDER BY m.number, i.number DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("an item");
    search_and_select(&mut app, &title, DocKind::ItemTitle, item);
    enter_lands_at(&mut app, Landed::Item(item));
}

#[test]
fn scrolling_the_detail_stops_following_the_landed_entry() {
    let mut app = App::with_samples();
    let (id, text) = deep_entry(&app.store(), "opinion");
    search_and_select(&mut app, &text, DocKind::Opinion, id);
    enter_lands_at(&mut app, Landed::Entry(id));
    let before = app.state.calendar.detail_scroll;
    app.press(KeyCode::Char('K'));
    assert!(!app.state.calendar.follow_landed);
    assert_eq!(app.state.calendar.detail_scroll, before.saturating_sub(3));
    // Still highlighted until another meeting is shown.
    assert_eq!(app.state.calendar.landed, Some(Landed::Entry(id)));
    app.press(KeyCode::Char('n'));
    app.settle(Vec::new());
    assert_eq!(app.state.calendar.landed, None);
}

#[test]
fn a_related_item_under_a_meeting_opens_at_that_item() {
    let mut app = App::with_samples();
    // The first meeting of the year with 関連 items under it.
    app.press(KeyCode::Char('g'));
    app.settle(Vec::new());
    let mut tries = 0;
    loop {
        app.wait_for("the related items", |s| {
            let m = s.calendar.detail.as_ref().map(|d| d.meeting.id);
            s.search.related.as_ref().map(|r| Some(r.0)) == Some(m)
        });
        let any = app
            .state
            .search
            .related
            .as_ref()
            .is_some_and(|(_, g)| g.iter().any(|g| !g.related.is_empty()));
        if any {
            break;
        }
        tries += 1;
        assert!(tries < 30, "no meeting of 平成29年度 has 関連 items");
        app.press(KeyCode::Char('n'));
        app.settle(Vec::new());
    }
    let groups = app.state.search.related.clone().expect("related").1;
    let all: Vec<_> = groups.iter().flat_map(|g| g.related.iter()).collect();
    // `o` before `r` only says how.
    app.press(KeyCode::Char('o'));
    assert!(app.state.calendar.landed.is_none());
    app.press(KeyCode::Char('r'));
    assert_eq!(app.state.calendar.related_cursor, Some(0));
    let pick = if all.len() > 1 {
        app.press(KeyCode::Char('r'));
        assert_eq!(app.state.calendar.related_cursor, Some(1));
        all[1]
    } else {
        all[0]
    };
    app.press(KeyCode::Char('o'));
    app.settle(Vec::new());
    let d = app.state.calendar.detail.as_ref().expect("its meeting");
    assert_eq!(d.meeting.id, pick.meeting_id);
    assert_landed(&app, Landed::Item(pick.item_id));
    assert_eq!(app.state.calendar.related_cursor, None);
}

#[test]
fn enter_on_a_progress_entry_selects_its_cell() {
    let mut app = App::with_samples();
    app.press(KeyCode::Char('/'));
    app.type_text("区長会議設置規程");
    app.wait_results();
    let at = app
        .state
        .search
        .results
        .iter()
        .position(|r| r.kind == DocKind::ProgressActual)
        .expect("seed 004's actual");
    for _ in 0..at {
        app.press(KeyCode::Down);
    }
    let row = app.state.search.results[at].clone();
    let node = row.node.as_ref().expect("its node").node_id;
    let (fy, half): (i32, String) = app
        .store()
        .conn()
        .query_row(
            "SELECT fiscal_year, half FROM progress WHERE id = ?1",
            [row.id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("the progress row");
    app.press(KeyCode::Enter);
    app.settle(Vec::new());
    assert_eq!(app.state.tab, Tab::Progress);
    app.wait_for("the board", |s| s.progress.data.is_some());
    let p = &app.state.progress;
    assert_eq!(p.view, View::Grid);
    assert_eq!(p.node, Some(node));
    let period = p.period.expect("a period selected");
    assert_eq!(period.fiscal_year, fy);
    assert_eq!(format!("{:?}", period.half).to_lowercase(), half);
    assert!(p.periods.contains(&period));
    assert_eq!(p.land_after_load, None);
}

/// The screen as text; below each line with reversed cells (the selection,
/// the landed entry), a line with `~` under them.
fn reversed_text(app: &App, w: u16, h: u16) -> String {
    use ratatui::style::Modifier;
    use unicode_width::UnicodeWidthStr;
    let theme = kusei::ui::Theme::monochrome();
    let (buf, _) = support::screen::draw(&app.state, &theme, w, h);
    let mut out = String::new();
    for y in 0..h {
        let (mut line, mut marks, mut x) = (String::new(), String::new(), 0);
        while x < w {
            let cell = &buf[(x, y)];
            let cw = cell.symbol().width().max(1) as u16;
            let shown = if cell.symbol().width() == 0 {
                " "
            } else {
                cell.symbol()
            };
            line.push_str(shown);
            let rev = cell.modifier.contains(Modifier::REVERSED);
            marks.push_str(&(if rev { "~" } else { " " }).repeat(cw as usize));
            x += cw;
        }
        out.push_str(line.trim_end());
        out.push('\n');
        if marks.contains('~') {
            out.push_str(marks.trim_end());
            out.push('\n');
        }
    }
    out
}

#[test]
fn the_landed_opinion_is_highlighted_in_the_detail() {
    let mut app = App::with_samples();
    let (id, text) = deep_entry(&app.store(), "opinion");
    search_and_select(&mut app, &text, DocKind::Opinion, id);
    enter_lands_at(&mut app, Landed::Entry(id));
    app.state.message = None;
    let screen = reversed_text(&app, 100, 30);
    // The landed line is on screen, and marked.
    let at = screen
        .lines()
        .position(|l| l.contains(text.chars().take(8).collect::<String>().as_str()))
        .unwrap_or_else(|| panic!("the opinion is in view:\n{screen}"));
    let below = screen.lines().nth(at + 1).unwrap_or("");
    assert!(
        below.contains('~') && below.trim().chars().all(|c| c == '~'),
        "{screen}"
    );
    insta::assert_snapshot!(screen);
}
