//! The progress board with the sample data: seeds 004 (a reform item's
//! plan/actual/status/grade sheet), 003 (reforms as dated milestones) and
//! 001 (initiatives with budgets), 宿題 from the minutes, and key sequences
//! that change a status, a grade and close a 宿題, each undone with `u`.

mod support;

use crossterm::event::{KeyCode, KeyModifiers};
use kusei::app::panes::progress::detail::{self, Target};
use kusei::app::panes::progress::View;
use kusei::db::progress_board::Period;
use kusei::model::Half;
use kusei::wareki::span;
use support::progress::*;

const NIIGATA: &str = "区役所間・区役所と本庁との協議制度の確立";

fn niigata(h: &Harness) -> kusei::db::progress_board::ProgressItem {
    let d = h.state.progress.data.as_ref().expect("loaded");
    d.items
        .iter()
        .find(|i| i.title == NIIGATA)
        .cloned()
        .expect("seed 004's item")
}

#[test]
fn seed_004_reform_item_in_full() {
    let mut h = Harness::new(date(2025, 11, 20), |_| {});
    let it = niigata(&h);
    assert_eq!(it.level, "具体的な改革項目");
    assert_eq!(it.lead_department.as_deref(), Some("行政経営課"));
    assert_eq!(
        it.co_departments,
        vec!["大都市制度・区政創造推進課", "市民協働課", "中央区総務課"]
    );
    for fy in [2013, 2014] {
        let year = it.entry(Period::new(fy, Half::Year)).expect("year entry");
        assert!(!year.plan.is_empty() && !year.actual.is_empty(), "{fy}");
        assert_eq!(year.grade, "A", "grade of {fy}");
        for half in [Half::First, Half::Second] {
            let e = it.entry(Period::new(fy, half)).expect("half entry");
            assert_eq!(e.status, "予定通り進捗", "{fy} {half:?}");
        }
    }
    let evaluations = it
        .notes
        .iter()
        .filter(|n| n.fiscal_year.is_some() && n.label.contains("評価"))
        .count();
    assert_eq!(evaluations, 2);
    assert!(it
        .notes
        .iter()
        .any(|n| n.label == "総合評価" && n.text == "A"));

    // The detail at 平成25年度上半期 shows all of it.
    h.select("協議制度");
    h.goto_period(Period::new(2013, Half::First));
    assert_eq!(
        h.state.progress.period,
        Some(Period::new(2013, Half::First))
    );
    h.key(KeyCode::Enter);
    assert_eq!(h.state.progress.view, View::Detail);
    let fields = detail::current(&h.state);
    let text = |label: &str| {
        fields
            .iter()
            .find(|f| f.label == label)
            .map(|f| f.text.clone())
            .unwrap_or_else(|| panic!("no field {label}"))
    };
    assert_eq!(text("主担当課"), "行政経営課");
    assert_eq!(
        text("関係課"),
        "大都市制度・区政創造推進課、市民協働課、中央区総務課"
    );
    assert_eq!(text("状況（平成25年度上半期）"), "予定通り進捗");
    assert_eq!(text("年度評価（平成25年度）"), "A");
    assert!(text("計画（平成25年度）").starts_with("・区役所間での調整・協議の場を見直し"));
    assert!(text("実績（平成25年度）").starts_with("・区長会議、課長グループ会議の設置"));
    assert!(text("取組の状況（平成25年度上半期）").contains("政令市調査を実施"));
    assert!(text("取組工程、指標に対する評価").contains("役割分担の再整理"));
    assert!(text("課題、今後の方針、改善事項など").contains("周知徹底"));
    assert!(text("総合評価（取組工程、指標に対する評価）").starts_with("　平成25年度より"));
    assert_eq!(text("総合評価"), "A");
    let screen = h.screen(160, 48);
    for want in ["行政経営課", "予定通り進捗", "平成25年度", "中央区総務課"] {
        assert!(screen.contains(want), "{want} not on screen:\n{screen}");
    }
    assert!(!screen.contains('●'));

    // 平成26年度 too.
    h.goto_period(Period::new(2014, Half::First));
    let fields = detail::current(&h.state);
    let find = |label: &str| {
        fields
            .iter()
            .find(|f| f.label == label)
            .map(|f| f.text.clone())
    };
    assert_eq!(find("年度評価（平成26年度）").as_deref(), Some("A"));
    assert!(find("実績（平成26年度）").is_some_and(|t| t.contains("区長会議設置規程")));
    assert!(find("取組工程、指標に対する評価").is_some_and(|t| t.contains("定期的に開催")));
}

#[test]
fn seed_003_reforms_as_dated_milestones() {
    let h = Harness::new(date(2025, 11, 20), |_| {});
    let d = h.state.progress.data.as_ref().expect("loaded");
    let plan = d
        .plans
        .iter()
        .position(|p| p.title == "区役所・支所改革")
        .expect("seed 003");
    let mut spans: Vec<_> = d
        .items
        .iter()
        .filter(|i| i.plan == plan)
        .flat_map(|i| i.milestones.iter().map(|m| (m.span, m.done)))
        .collect();
    spans.sort_by_key(|(s, _)| (s.date, s.until));
    assert_eq!(spans.len(), 35);
    assert!(spans.iter().all(|(_, done)| *done));
    assert_eq!(span::format(&spans[0].0), "平成18年4月");
    assert_eq!(span::format(&spans[spans.len() - 1].0), "平成29・30年度");
    let texts: Vec<String> = spans.iter().map(|(s, _)| span::format(s)).collect();
    assert!(texts.contains(&"平成20年度".to_string()));
    assert!(texts.contains(&"平成21年4月".to_string()));
}

#[test]
fn seed_003_milestones_in_the_detail_in_date_order() {
    let mut h = Harness::new(date(2025, 11, 20), |_| {});
    h.select("港区の「区役所・支所改革」");
    h.key(KeyCode::Enter);
    let fields = detail::current(&h.state);
    let ms: Vec<&str> = fields
        .iter()
        .filter(|f| matches!(f.target, Target::Milestone { .. }))
        .map(|f| f.label.as_str())
        .collect();
    assert_eq!(ms, vec!["平成18年4月"]);
    h.key(KeyCode::Esc);
    h.select("総合支所の執行体制の整備");
    h.key(KeyCode::Enter);
    let fields = detail::current(&h.state);
    assert!(fields
        .iter()
        .any(|f| f.label == "平成29・30年度" && f.text == "総合支所の執行体制の整備"));
    assert!(h.screen(80, 24).contains("平成29"));
}

#[test]
fn seed_001_initiatives_with_budgets() {
    let mut h = Harness::new(date(2025, 11, 20), |_| {});
    let d = h.state.progress.data.as_ref().expect("loaded");
    let budgets: Vec<(String, Option<i64>)> = d
        .items
        .iter()
        .filter(|i| i.level == "具体的取組")
        .map(|i| (i.code.clone(), i.budget_kyen))
        .collect();
    assert_eq!(budgets.len(), 9);
    assert!(budgets.contains(&("1-1-1".into(), Some(7133))));
    assert!(budgets.contains(&("1-2-1".into(), Some(27546))));
    assert!(budgets.contains(&("4-2-1".into(), None)));
    let wide = h.screen(160, 48);
    assert!(wide.contains("1-1-1 城北公園を舞台にした"), "{wide}");
    assert!(wide.contains("7,133") && wide.contains("27,546"), "{wide}");
    // The year of the plan is on the grid to record statuses in.
    assert!(wide.contains("H29上"), "{wide}");
    h.select("城北公園");
    let narrow = h.screen(80, 24);
    assert!(narrow.contains("予算 7,133千円"), "{narrow}");
}

#[test]
fn changing_a_status_and_undoing_it() {
    let mut h = Harness::new(date(2025, 11, 20), |_| {});
    h.select("協議制度");
    // The grid opens at today's half year (R7下), not the sheet's last.
    assert_eq!(
        h.state.progress.period,
        Some(Period::new(2025, Half::Second))
    );
    h.goto_period(Period::new(2014, Half::Second));
    h.key(KeyCode::Char('s'));
    let store = h.store();
    assert_eq!(
        progress_row(&store, NIIGATA, 2014, "second"),
        Some(("遅れ".into(), String::new()))
    );
    let last = store.audit_entries().expect("audit");
    let last = last.last().expect("a change");
    assert_eq!(last.table, "progress");
    assert!(last
        .before
        .as_deref()
        .is_some_and(|b| b.contains("予定通り進捗")));
    assert!(h.screen(80, 24).contains("遅れ"));

    h.key(KeyCode::Char('u'));
    assert_eq!(
        progress_row(&h.store(), NIIGATA, 2014, "second"),
        Some(("予定通り進捗".into(), String::new()))
    );
    // Redo, then undo again.
    h.press(KeyCode::Char('r'), KeyModifiers::CONTROL);
    assert_eq!(
        progress_row(&h.store(), NIIGATA, 2014, "second").map(|r| r.0),
        Some("遅れ".into())
    );
    h.key(KeyCode::Char('u'));
    assert_eq!(
        progress_row(&h.store(), NIIGATA, 2014, "second").map(|r| r.0),
        Some("予定通り進捗".into())
    );
}

#[test]
fn a_status_on_a_period_without_an_entry_adds_one() {
    let mut h = Harness::new(date(2025, 11, 20), |_| {});
    h.select("城北公園");
    // The plan's own year (平成29年度) is on the grid.
    h.goto_period(Period::new(2017, Half::First));
    h.key(KeyCode::Char('s'));
    assert_eq!(
        progress_row(
            &h.store(),
            "城北公園を舞台にした魅力づくりと集客力の向上",
            2017,
            "first"
        )
        .map(|r| r.0),
        Some("前倒し".into())
    );
    h.key(KeyCode::Char('u'));
    assert_eq!(
        progress_row(
            &h.store(),
            "城北公園を舞台にした魅力づくりと集客力の向上",
            2017,
            "first"
        ),
        None
    );
}

#[test]
fn changing_a_grade_and_undoing_it() {
    let mut h = Harness::new(date(2025, 11, 20), |_| {});
    h.select("協議制度");
    h.goto_period(Period::new(2014, Half::Second));
    h.key(KeyCode::Char('r'));
    assert_eq!(
        progress_row(&h.store(), NIIGATA, 2014, "year").map(|r| r.1),
        Some("B".into())
    );
    h.key(KeyCode::Char('R'));
    h.key(KeyCode::Char('R'));
    assert_eq!(
        progress_row(&h.store(), NIIGATA, 2014, "year").map(|r| r.1),
        Some(String::new())
    );
    for _ in 0..3 {
        h.key(KeyCode::Char('u'));
    }
    assert_eq!(
        progress_row(&h.store(), NIIGATA, 2014, "year").map(|r| r.1),
        Some("A".into())
    );
}

#[test]
fn enter_on_a_homework_opens_its_meeting() {
    let mut id = 0;
    let mut h = Harness::new(date(2017, 7, 10), |s| {
        id = add_action(s, 3, "再生案をまとめる", "区政推進課長", date(2017, 7, 1));
    });
    h.key(KeyCode::Char('v'));
    h.key(KeyCode::Char('v'));
    assert_eq!(h.state.progress.view, View::Actions);
    h.key(KeyCode::Enter);
    assert_eq!(h.state.tab, kusei::app::state::Tab::Meetings);
    let d = h
        .state
        .calendar
        .detail
        .as_ref()
        .expect("the meeting is open");
    assert_eq!(d.meeting.number, 3);
    assert_eq!(d.meeting.fiscal_year, 2017);
    assert!(d
        .items
        .iter()
        .any(|i| i.opinions.iter().any(|o| o.text == "再生案をまとめる")));
    // Landed on the 宿題 itself: highlighted, the detail scrolled to it.
    use kusei::app::panes::calendar::land::{landed_line, Landed};
    let c = &h.state.calendar;
    assert_eq!(c.landed, Some(Landed::Entry(id)));
    let line = landed_line(d, Landed::Entry(id)).expect("on its line");
    assert_eq!(c.detail_scroll as usize, line.saturating_sub(2));
}

#[test]
fn g_and_shift_g_go_to_the_first_and_last_row_and_change_nothing() {
    let mut h = Harness::new(date(2025, 11, 20), |_| {});
    let before = grades_in_db(&h);
    h.key(KeyCode::Char('G'));
    let last = {
        let p = &h.state.progress;
        let d = p.data.as_ref().expect("loaded");
        p.rows.iter().rev().find_map(|r| match r {
            kusei::app::panes::progress::Row::Item(i) => Some(d.items[*i].node_id),
            _ => None,
        })
    };
    assert!(last.is_some());
    assert_eq!(h.state.progress.node, last, "G selects the last row");
    h.key(KeyCode::Char('g'));
    let first = {
        let p = &h.state.progress;
        let d = p.data.as_ref().expect("loaded");
        p.rows.iter().find_map(|r| match r {
            kusei::app::panes::progress::Row::Item(i) => Some(d.items[*i].node_id),
            _ => None,
        })
    };
    assert_eq!(h.state.progress.node, first, "g selects the first row");
    assert_ne!(first, last);
    assert_eq!(grades_in_db(&h), before, "no grade changed");
}

fn grades_in_db(h: &Harness) -> Vec<(i64, String)> {
    let store = h.store();
    let mut st = store
        .conn()
        .prepare("SELECT id, grade FROM progress ORDER BY id")
        .expect("query");
    st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("read")
}

#[test]
fn moving_an_item_on_the_board() {
    let mut h = Harness::new(date(2025, 11, 20), |_| {});
    h.select("協議制度");
    h.key(KeyCode::Char('v'));
    assert_eq!(h.state.progress.view, View::Board);
    let column = |h: &Harness| {
        kusei::app::panes::progress::view::board_position(&h.state.progress)
            .map(|(c, _)| h.state.progress.board[c].status.clone())
    };
    assert_eq!(column(&h).as_deref(), Some("予定通り進捗"));
    h.key(KeyCode::Char('s'));
    assert_eq!(column(&h).as_deref(), Some("遅れ"));
    h.key(KeyCode::Char('u'));
    assert_eq!(column(&h).as_deref(), Some("予定通り進捗"));
}

#[test]
fn an_action_item_from_the_minutes_is_on_the_board_and_closes() {
    let setup = |s: &mut kusei::db::Store| {
        add_action(
            s,
            3,
            "大規模団地の再生案を次回までにまとめる",
            "区政推進課長",
            date(2017, 7, 1),
        );
    };
    let before = Harness::new(date(2017, 6, 30), setup);
    let d = before.state.progress.data.as_ref().expect("loaded");
    assert_eq!(d.actions.len(), 1);
    let a = &d.actions[0];
    assert_eq!(a.owner.as_deref(), Some("区政推進課長"));
    assert_eq!((a.fiscal_year, a.meeting_number), (2017, 3));
    assert!(!a.is_overdue(date(2017, 6, 30)));

    let mut h = Harness::new(date(2017, 7, 2), setup);
    assert!(h.screen(80, 24).contains("期限切れ1件"));
    h.keys("vv");
    assert_eq!(h.state.progress.view, View::Actions);
    let screen = h.screen(80, 24);
    assert!(screen.contains("期限切れ"), "{screen}");
    assert!(screen.contains("区政推進課長"), "{screen}");
    assert!(screen.contains("第3回"), "{screen}");
    assert!(screen.contains("平成29年6月21日"), "{screen}");

    h.key(KeyCode::Char('c'));
    let store = h.store();
    let (at, by): (Option<String>, Option<String>) = store
        .conn()
        .query_row(
            "SELECT closed_at, closed_by FROM opinions WHERE kind = 'action'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("the 宿題");
    assert!(at.is_some());
    assert_eq!(by.as_deref(), Some(store.user()));
    let audit = store.audit_entries().expect("audit");
    let last = audit.last().expect("a change");
    assert_eq!(
        (last.table.as_str(), last.action.as_str()),
        ("opinions", "update")
    );
    assert!(last
        .after
        .as_deref()
        .is_some_and(|a| a.contains("closed_by")));
    assert!(!h.screen(80, 24).contains("期限切れ1件"));

    h.key(KeyCode::Char('u'));
    let closed: Option<String> = h
        .store()
        .conn()
        .query_row(
            "SELECT closed_at FROM opinions WHERE kind = 'action'",
            [],
            |r| r.get(0),
        )
        .expect("the 宿題");
    assert_eq!(closed, None);
    assert!(h.screen(80, 24).contains("期限切れ1件"));
}

#[test]
fn editing_a_field_and_a_milestone() {
    let mut h = Harness::new(date(2025, 11, 20), |_| {});
    h.select("協議制度");
    // The grid opens at today's half year (R7下); go to H26下.
    h.goto_period(Period::new(2014, Half::Second));
    h.key(KeyCode::Enter);
    // Down to 計画（平成26年度） and replace it.
    for _ in 0..100 {
        if detail::current(&h.state)[h.state.progress.field].label == "計画（平成26年度）" {
            break;
        }
        h.key(KeyCode::Down);
    }
    assert_eq!(
        detail::current(&h.state)[h.state.progress.field].label,
        "計画（平成26年度）"
    );
    h.key(KeyCode::Enter);
    assert!(h.state.progress.editing.is_some());
    h.press(KeyCode::Char('u'), KeyModifiers::CONTROL);
    h.keys("協議制度を運用する");
    h.key(KeyCode::Enter);
    assert!(h.state.progress.editing.is_none());
    let plan: String = h
        .store()
        .conn()
        .query_row(
            "SELECT p.plan FROM progress p JOIN plan_nodes n ON n.id = p.node_id
             WHERE n.title = ?1 AND p.fiscal_year = 2014 AND p.half = 'year'",
            [NIIGATA],
            |r| r.get(0),
        )
        .expect("plan");
    assert_eq!(plan, "協議制度を運用する");
    h.key(KeyCode::Char('u'));

    // A milestone: add, mark done, delete; each undoable.
    h.key(KeyCode::Char('a'));
    h.keys("H27.4 規程の見直し");
    h.key(KeyCode::Enter);
    let count = |h: &Harness| -> i64 {
        h.store()
            .conn()
            .query_row(
                "SELECT count(*) FROM milestones WHERE text = '規程の見直し'",
                [],
                |r| r.get(0),
            )
            .expect("count")
    };
    assert_eq!(count(&h), 1);
    let fields = detail::current(&h.state);
    let at = fields
        .iter()
        .position(|f| f.label == "平成27年4月")
        .expect("the new milestone");
    h.state.progress.field = at;
    h.key(KeyCode::Char(' '));
    let done: bool = h
        .store()
        .conn()
        .query_row(
            "SELECT done FROM milestones WHERE text = '規程の見直し'",
            [],
            |r| r.get(0),
        )
        .expect("done");
    assert!(done);
    h.key(KeyCode::Char('x'));
    assert_eq!(count(&h), 0);
    h.key(KeyCode::Char('u'));
    assert_eq!(count(&h), 1);

    // A bad date says why and keeps the text.
    h.key(KeyCode::Char('a'));
    h.keys("いつか 何か");
    h.key(KeyCode::Enter);
    assert!(h.state.progress.editing.is_some());
    let msg = h.state.message.as_ref().expect("a message");
    assert!(
        msg.error && msg.text.contains("日付として読めません"),
        "{}",
        msg.text
    );
    h.key(KeyCode::Esc);
    assert!(h.state.progress.editing.is_none());
}

#[test]
fn filters_narrow_the_grid() {
    let mut h = Harness::new(date(2025, 11, 20), |_| {});
    let items = |h: &Harness| {
        h.state
            .progress
            .rows
            .iter()
            .filter(|r| matches!(r, kusei::app::panes::progress::Row::Item(_)))
            .count()
    };
    let all = items(&h);
    h.key(KeyCode::Char('d'));
    // Departments sort by code point; the first is a co-department of 004.
    assert_eq!(items(&h), 1, "{:?}", h.state.progress.filter.department);
    h.key(KeyCode::Backspace);
    assert_eq!(items(&h), all);
    h.key(KeyCode::Char('t'));
    assert_eq!(h.state.progress.filter.status.as_deref(), Some("前倒し"));
    h.key(KeyCode::Char('t'));
    assert_eq!(items(&h), 1);
    h.key(KeyCode::Backspace);
    h.key(KeyCode::Char('y'));
    let years = h.state.progress.filter.fiscal_year.expect("a year");
    assert!(h
        .state
        .progress
        .periods
        .iter()
        .all(|p| p.fiscal_year == years));
    h.key(KeyCode::Backspace);
    h.key(KeyCode::Char('f'));
    h.keys("ぼうさい");
    assert_eq!(items(&h), 0);
    h.key(KeyCode::Esc);
    h.key(KeyCode::Char('f'));
    h.keys("防災");
    assert!(items(&h) >= 2);
    h.key(KeyCode::Enter);
    h.key(KeyCode::Char('w'));
    assert!(h.screen(80, 24).contains("FY"));
}

#[test]
fn indicators_with_target_actual_and_rate() {
    let mut h = Harness::new(date(2025, 11, 20), |_| {});
    h.select("協議制度");
    h.goto_period(Period::new(2014, Half::Second));
    h.key(KeyCode::Enter);
    h.key(KeyCode::Char('i'));
    h.keys("事前協議の件数");
    h.key(KeyCode::Enter);
    let goto = |h: &mut Harness, label: &str| {
        let at = detail::current(&h.state)
            .iter()
            .position(|f| f.label.trim_start().starts_with(label))
            .unwrap_or_else(|| panic!("no field {label}"));
        h.state.progress.field = at;
    };
    goto(&mut h, "目標");
    h.key(KeyCode::Enter);
    h.keys("40");
    h.key(KeyCode::Enter);
    goto(&mut h, "実績（平成26年度下半期）");
    h.key(KeyCode::Enter);
    h.keys("34");
    h.key(KeyCode::Enter);
    let fields = detail::current(&h.state);
    let actual = fields
        .iter()
        .find(|f| f.label.contains("実績（平成26年度下半期）"))
        .expect("actual");
    assert_eq!(actual.text, "34");
    assert!(actual.label.contains("達成率 85.0%"), "{}", actual.label);
    assert!(h.screen(160, 48).contains("事前協議の件数"));
    // Each step is its own change set: three undos remove the indicator.
    for _ in 0..3 {
        h.key(KeyCode::Char('u'));
    }
    let n: i64 = h
        .store()
        .conn()
        .query_row("SELECT count(*) FROM indicators", [], |r| r.get(0))
        .expect("count");
    assert_eq!(n, 0);
}
