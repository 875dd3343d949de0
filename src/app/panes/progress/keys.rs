//! Keys of the progress pane: the field editor and the text filter take
//! every key while open; otherwise a key becomes an action through the
//! keymap and means what it means in the current view.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::cursor::{clamp_field, move_field, move_period, select_item, step, PAGE};
use super::detail::current as current_fields;
use super::detail::{self, Target};
use super::view::{self, board_position, cycle, selected_item, status_at};
use super::{write, Editing, View, Write};
use crate::app::action::Action as A;
use crate::app::keymap::{self, Scope};
use crate::app::msg::Requests;
use crate::app::state::AppState;
use crate::db::progress::ProgressField;
use crate::db::progress_board::Period;
use crate::model::Half;
use crate::widget::text_input::{InputOutcome, TextInput};

pub fn on_key(s: &mut AppState, key: &KeyEvent) -> Option<Requests> {
    if s.progress.editing.is_some() {
        return Some(edit_key(s, key));
    }
    if s.progress.filter.typing {
        filter_key(s, key);
        return Some(Vec::new());
    }
    let a = keymap::lookup(Scope::Progress, key)?;
    if s.progress.data.is_none() {
        return Some(Vec::new());
    }
    s.message = None;
    Some(apply(s, a))
}

pub fn on_paste(s: &mut AppState, text: &str) -> Option<Requests> {
    let p = &mut s.progress;
    if let Some(e) = p.editing.as_mut() {
        if let Err(err) = e.input.paste(text) {
            s.error(err.to_string());
        }
        return Some(Vec::new());
    }
    if p.filter.typing {
        if let Err(err) = p.filter.text.paste(text) {
            s.error(err.to_string());
        } else {
            view::rebuild(&mut s.progress, s.calendar.today);
        }
        return Some(Vec::new());
    }
    None
}

fn edit_key(s: &mut AppState, key: &KeyEvent) -> Requests {
    let Some(e) = s.progress.editing.as_mut() else {
        return Vec::new();
    };
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let alt = key.modifiers.contains(KeyModifiers::ALT);
    match key.code {
        KeyCode::Esc => {
            s.progress.editing = None;
            s.info("編集をやめました");
        }
        KeyCode::Enter if alt => {
            let _ = e.input.insert_char('\n');
        }
        KeyCode::Char('j') if ctrl => {
            let _ = e.input.insert_char('\n');
        }
        KeyCode::Enter => {
            return match detail::submit(&e.target, e.input.text()) {
                Ok(w) => {
                    // Kept until the write is answered: a refused save
                    // gives the text back.
                    let e = s.progress.editing.take();
                    s.progress.saving = w.is_some().then_some(e).flatten();
                    w.map(write).into_iter().collect()
                }
                Err(msg) => {
                    s.error(msg);
                    Vec::new()
                }
            };
        }
        _ => {
            if e.input.handle_key(key) == InputOutcome::Error {
                if let Some(err) = e.input.take_error() {
                    s.error(err.to_string());
                }
            }
        }
    }
    Vec::new()
}

fn filter_key(s: &mut AppState, key: &KeyEvent) {
    let f = &mut s.progress.filter;
    match key.code {
        KeyCode::Enter => f.typing = false,
        KeyCode::Esc => {
            f.typing = false;
            f.text.clear();
            view::rebuild(&mut s.progress, s.calendar.today);
        }
        _ => match f.text.handle_key(key) {
            InputOutcome::Changed => view::rebuild(&mut s.progress, s.calendar.today),
            InputOutcome::Error => {
                if let Some(err) = f.text.take_error() {
                    s.error(err.to_string());
                }
            }
            _ => {}
        },
    }
}

fn apply(s: &mut AppState, a: A) -> Requests {
    match a {
        A::ProgressView => {
            let p = &mut s.progress;
            let from = if p.view == View::Detail {
                p.back
            } else {
                p.view
            };
            p.view = match from {
                View::Grid => View::Board,
                View::Board => View::Actions,
                View::Actions => View::Chart,
                _ => View::Grid,
            };
            p.scroll = 0;
            Vec::new()
        }
        A::ProgressHistory => {
            let p = &mut s.progress;
            if p.view == View::History {
                p.view = p.back;
            } else {
                if p.view != View::Detail {
                    p.back = p.view;
                }
                p.view = View::History;
                p.scroll = 0;
            }
            Vec::new()
        }
        A::ProgressEra => {
            s.progress.western = !s.progress.western;
            s.info(if s.progress.western {
                "西暦で表示します（FY2013 H1）"
            } else {
                "和暦で表示します（H25上）"
            });
            Vec::new()
        }
        A::ProgressFilterPlan
        | A::ProgressFilterYear
        | A::ProgressFilterDepartment
        | A::ProgressFilterStatus
        | A::ProgressFilterOverdue
        | A::ProgressClearFilters => {
            filter(s, a);
            Vec::new()
        }
        A::ProgressFilterText => {
            s.progress.filter.typing = true;
            Vec::new()
        }
        _ => match s.progress.view {
            View::Grid => grid(s, a),
            View::Board => board(s, a),
            View::Detail => detail_key(s, a),
            View::Actions => actions(s, a),
            View::Chart | View::History => {
                super::more_keys::scroll_keys(s, a);
                Vec::new()
            }
        },
    }
}

fn next_opt<T: Clone + PartialEq>(cur: &Option<T>, options: &[T]) -> Option<T> {
    match cur
        .as_ref()
        .and_then(|c| options.iter().position(|o| o == c))
    {
        None => options.first().cloned(),
        Some(i) => options.get(i + 1).cloned(),
    }
}

fn filter(s: &mut AppState, a: A) {
    let Some(data) = s.progress.data.as_ref() else {
        return;
    };
    let f = &s.progress.filter;
    let (plan, fy, dept, status) = (
        f.plan,
        f.fiscal_year,
        f.department.clone(),
        f.status.clone(),
    );
    let msg = match a {
        A::ProgressFilterPlan => {
            let ids: Vec<i64> = data
                .plans
                .iter()
                .enumerate()
                .filter(|(i, _)| data.items.iter().any(|it| it.plan == *i))
                .map(|(_, p)| p.id)
                .collect();
            let next = next_opt(&plan, &ids);
            s.progress.filter.plan = next;
            let title = next.and_then(|id| data.plans.iter().find(|p| p.id == id));
            format!("計画: {}", title.map_or("すべて", |p| p.title.as_str()))
        }
        A::ProgressFilterYear => {
            let next = next_opt(&fy, &view::fiscal_years(data));
            s.progress.filter.fiscal_year = next;
            let w = s.progress.western;
            format!(
                "年度: {}",
                next.map_or("すべて".into(), |y| view::year_long(y, w))
            )
        }
        A::ProgressFilterDepartment => {
            let next = next_opt(&dept, &view::departments(data));
            let msg = format!("担当課: {}", next.as_deref().unwrap_or("すべて"));
            s.progress.filter.department = next;
            msg
        }
        A::ProgressFilterStatus => {
            let next = next_opt(&status, &view::statuses(data));
            let msg = format!("状況: {}", next.as_deref().unwrap_or("すべて"));
            s.progress.filter.status = next;
            msg
        }
        A::ProgressFilterOverdue => {
            let f = &mut s.progress.filter;
            f.overdue = !f.overdue;
            if f.overdue {
                "期限切れだけを表示します".into()
            } else {
                "期限切れの絞り込みを解除しました".into()
            }
        }
        _ => {
            let f = &mut s.progress.filter;
            f.plan = None;
            f.fiscal_year = None;
            f.department = None;
            f.status = None;
            f.overdue = false;
            f.text.clear();
            "絞り込みを解除しました".into()
        }
    };
    view::rebuild(&mut s.progress, s.calendar.today);
    s.info(msg);
}

fn open_detail(s: &mut AppState) {
    if selected_item(&s.progress).is_none() {
        s.info("項目がありません");
        return;
    }
    let p = &mut s.progress;
    if p.view != View::Detail {
        p.back = p.view;
    }
    p.view = View::Detail;
    p.field = 0;
    clamp_field(s);
}

fn grid(s: &mut AppState, a: A) -> Requests {
    match a {
        A::ProgressUp => select_item(s, |c, n| step(c, n, -1)),
        A::ProgressDown => select_item(s, |c, n| step(c, n, 1)),
        A::ProgressPageUp => select_item(s, |c, n| step(c, n, -PAGE)),
        A::ProgressPageDown => select_item(s, |c, n| step(c, n, PAGE)),
        A::ProgressFirst => select_item(s, |_, _| 0),
        A::ProgressLast => select_item(s, |_, n| n.saturating_sub(1)),
        A::ProgressLeft | A::ProgressPrevPeriod => move_period(s, -1),
        A::ProgressRight | A::ProgressNextPeriod => move_period(s, 1),
        A::ProgressOpen | A::ProgressEdit => open_detail(s),
        A::ProgressNextStatus => return set_status(s, true, false),
        A::ProgressPrevStatus => return set_status(s, false, false),
        A::ProgressNextGrade => return set_grade(s, true),
        A::ProgressPrevGrade => return set_grade(s, false),
        _ => {}
    }
    Vec::new()
}

fn board(s: &mut AppState, a: A) -> Requests {
    let pos = board_position(&s.progress);
    let p = &s.progress;
    let pick = |c: usize, k: usize| -> Option<i64> {
        let col = p.board.get(c)?;
        let (i, _) = col.items.get(k.min(col.items.len().checked_sub(1)?))?;
        p.data.as_ref().map(|d| d.items[*i].node_id)
    };
    let next = match (a, pos) {
        (A::ProgressUp, Some((c, k))) => pick(c, k.saturating_sub(1)),
        (A::ProgressDown, Some((c, k))) => pick(c, k + 1),
        (A::ProgressPageUp, Some((c, k))) => pick(c, k.saturating_sub(PAGE as usize)),
        (A::ProgressPageDown, Some((c, k))) => pick(c, k + PAGE as usize),
        (A::ProgressFirst, Some((c, _))) => pick(c, 0),
        (A::ProgressLast, Some((c, _))) => pick(c, usize::MAX),
        (A::ProgressLeft, Some((c, k))) => (0..c).rev().find_map(|c| pick(c, k)),
        (A::ProgressRight, Some((c, k))) => (c + 1..p.board.len()).find_map(|c| pick(c, k)),
        _ => None,
    };
    if let Some(n) = next {
        s.progress.node = Some(n);
        return Vec::new();
    }
    match a {
        A::ProgressPrevPeriod => move_period(s, -1),
        A::ProgressNextPeriod => move_period(s, 1),
        A::ProgressOpen | A::ProgressEdit => open_detail(s),
        A::ProgressNextStatus => return set_status(s, true, true),
        A::ProgressPrevStatus => return set_status(s, false, true),
        A::ProgressNextGrade => return set_grade(s, true),
        A::ProgressPrevGrade => return set_grade(s, false),
        _ => {}
    }
    Vec::new()
}

fn edit(s: &mut AppState, field: Option<detail::Field>) {
    if let Some(reason) = &s.read_only {
        let msg = format!("読み取り専用です: {reason}");
        s.error(msg);
        return;
    }
    let Some(f) = field.filter(|f| f.selectable()) else {
        return;
    };
    s.progress.editing = Some(Editing {
        label: detail::edit_label(&f),
        input: TextInput::with_text(&detail::initial_text(&f)),
        target: f.target,
    });
}

fn detail_key(s: &mut AppState, a: A) -> Requests {
    let fields = current_fields(s);
    let field = fields.get(s.progress.field).cloned();
    let node = s.progress.node;
    match a {
        A::ProgressBack => {
            s.progress.view = s.progress.back;
        }
        A::ProgressUp => move_field(s, false),
        A::ProgressDown => move_field(s, true),
        A::ProgressFirst => {
            s.progress.field = 0;
            clamp_field(s);
        }
        A::ProgressLast => {
            s.progress.field = fields.len().saturating_sub(1);
            clamp_field(s);
        }
        A::ProgressPageUp => {
            select_item(s, |c, n| step(c, n, -1));
            clamp_field(s);
        }
        A::ProgressPageDown => {
            select_item(s, |c, n| step(c, n, 1));
            clamp_field(s);
        }
        A::ProgressLeft | A::ProgressPrevPeriod => move_period(s, -1),
        A::ProgressRight | A::ProgressNextPeriod => move_period(s, 1),
        A::ProgressOpen | A::ProgressEdit => edit(s, field),
        A::ProgressNextStatus => return set_status(s, true, false),
        A::ProgressPrevStatus => return set_status(s, false, false),
        A::ProgressNextGrade => return set_grade(s, true),
        A::ProgressPrevGrade => return set_grade(s, false),
        A::ProgressAddMilestone | A::ProgressAddIndicator => {
            let target = match (a, node) {
                (A::ProgressAddMilestone, Some(node)) => Target::NewMilestone { node },
                (_, Some(node)) => Target::NewIndicator { node },
                _ => return Vec::new(),
            };
            let f = fields.into_iter().find(|f| f.target == target);
            edit(s, f);
        }
        A::ProgressToggleDone => {
            if let Some(Target::Milestone {
                id,
                shown,
                span,
                done,
            }) = field.map(|f| f.target)
            {
                return vec![write(Write::UpdateMilestone {
                    id,
                    text: shown.clone(),
                    shown,
                    span,
                    done: !done,
                })];
            }
            s.info("Space で切り替えられるのはマイルストーンの完了です");
        }
        A::ProgressDelete => match field.map(|f| f.target) {
            Some(Target::Milestone { id, .. }) => return vec![write(Write::DeleteMilestone(id))],
            Some(Target::Indicator { id, .. } | Target::IndicatorActual { id, .. }) => {
                return vec![write(Write::DeleteIndicator(id))]
            }
            _ => s.info("削除できるのはマイルストーンと指標です"),
        },
        _ => {}
    }
    Vec::new()
}

fn actions(s: &mut AppState, a: A) -> Requests {
    let p = &mut s.progress;
    let n = p.actions.len();
    match a {
        A::ProgressUp => p.action = step(p.action, n, -1),
        A::ProgressDown => p.action = step(p.action, n, 1),
        A::ProgressPageUp => p.action = step(p.action, n, -PAGE),
        A::ProgressPageDown => p.action = step(p.action, n, PAGE),
        A::ProgressFirst => p.action = 0,
        A::ProgressLast => p.action = n.saturating_sub(1),
        A::ProgressCloseAction | A::ProgressToggleDone => {
            let item = p
                .data
                .as_ref()
                .zip(p.actions.get(p.action))
                .map(|(d, &i)| &d.actions[i]);
            let Some(item) = item else {
                s.info("宿題がありません");
                return Vec::new();
            };
            let (id, version) = (item.id, item.version);
            let w = if item.is_closed() {
                Write::ReopenAction { id, version }
            } else {
                Write::CloseAction { id, version }
            };
            return vec![write(w)];
        }
        A::ProgressOpen => return super::more_keys::open_meeting(s),
        _ => {}
    }
    Vec::new()
}

/// The selected item and its plan's scales, and the focused period.
fn target(s: &AppState) -> Option<(usize, Period)> {
    Some((selected_item(&s.progress)?, s.progress.period?))
}

fn set_status(s: &mut AppState, forward: bool, as_shown: bool) -> Requests {
    let Some((i, p)) = target(s) else {
        s.info("状況を付ける項目と期を選んでください");
        return Vec::new();
    };
    let Some(data) = s.progress.data.as_ref() else {
        return Vec::new();
    };
    let it = &data.items[i];
    let scale = data
        .plans
        .get(it.plan)
        .map(|p| p.status_scale.as_slice())
        .unwrap_or(&[]);
    let entry = it.entry(p);
    let current = if as_shown {
        status_at(it, p).map_or("", |x| x.0)
    } else {
        entry.map_or("", |e| e.status.as_str())
    };
    vec![write(Write::Progress {
        node: it.node_id,
        period: p,
        field: ProgressField::Status,
        value: cycle(current, scale, forward),
        version: entry.map(|e| e.version),
    })]
}

fn set_grade(s: &mut AppState, forward: bool) -> Requests {
    let Some((i, p)) = target(s) else {
        s.info("評価を付ける項目と年度を選んでください");
        return Vec::new();
    };
    let Some(data) = s.progress.data.as_ref() else {
        return Vec::new();
    };
    let it = &data.items[i];
    let year = Period::new(p.fiscal_year, Half::Year);
    let scale = data
        .plans
        .get(it.plan)
        .map(|p| p.grade_scale.as_slice())
        .unwrap_or(&[]);
    let entry = it.entry(year);
    let current = entry.map_or("", |e| e.grade.as_str());
    vec![write(Write::Progress {
        node: it.node_id,
        period: year,
        field: ProgressField::Grade,
        value: cycle(current, scale, forward),
        version: entry.map(|e| e.version),
    })]
}
