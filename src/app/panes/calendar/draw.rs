//! The calendar pane: month grid, the fiscal year's meetings, the selected
//! meeting in full.

use chrono::{Datelike, NaiveDate, Weekday};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::ui::wrap::{bullet_indent, wrap_lines};
use ratatui::Frame;

use crate::app::action::Action;
use crate::app::keymap::Scope;
use crate::app::mouse;
use crate::app::state::{AppState, CalendarState};
use crate::config::dates::DateStyle;
use crate::db::{MeetingDetail, MeetingRow};
use crate::model::OpinionKind;
use crate::ui::{title_bar, Theme};
use crate::wareki;
use crate::widget::width::{display_width, shorten_middle};

/// Width of the month grid: 7 cells of 4 columns, plus a margin.
const GRID_WIDTH: u16 = 30;

pub fn draw(frame: &mut Frame, area: Rect, s: &AppState, theme: &Theme) {
    if s.calendar.year_view {
        let [year, _, detail] = Layout::vertical([
            Constraint::Length(super::year::HEIGHT.min(area.height / 2 + 2)),
            Constraint::Length(1),
            Constraint::Min(3),
        ])
        .areas(area);
        super::year::draw(frame, year, &s.calendar, s.dates, theme);
        if let Some(d) = &s.calendar.detail {
            meeting_detail(frame, detail, d, s, Vec::new(), theme);
        }
        return;
    }
    let [left, _, right] = Layout::horizontal([
        Constraint::Length(GRID_WIDTH),
        Constraint::Length(1),
        Constraint::Min(20),
    ])
    .areas(area);
    month_grid(frame, left, &s.calendar, s.dates, theme);
    let list_height = (s.calendar.meetings.len() as u16 + 2).clamp(3, area.height / 3 + 1);
    let [list, _, detail] = Layout::vertical([
        Constraint::Length(list_height),
        Constraint::Length(1),
        Constraint::Min(3),
    ])
    .areas(right);
    meeting_list(frame, list, &s.calendar, s.dates, theme);
    match &s.calendar.detail {
        Some(d) => {
            let related =
                crate::app::panes::search::draw::related_lines(&s.search, d.meeting.id, theme);
            meeting_detail(frame, detail, d, s, related, theme)
        }
        None => {
            title_bar(
                frame,
                detail.intersection(Rect {
                    height: 1,
                    ..detail
                }),
                "会議",
                theme,
            );
            let msg = if s.calendar.loading {
                "読み込み中"
            } else {
                "この年度の会議はまだありません。a で新しい会議を作れます。"
            };
            frame.render_widget(
                Paragraph::new(Span::styled(format!(" {msg}"), theme.muted)),
                Rect {
                    y: detail.y + 2,
                    height: detail.height.saturating_sub(2),
                    ..detail
                },
            );
        }
    }
}

fn month_grid(frame: &mut Frame, area: Rect, c: &CalendarState, dates: DateStyle, theme: &Theme) {
    let m = c.month;
    let header = dates.month_heading(m.year(), m.month());
    title_bar(frame, Rect { height: 1, ..area }, &header, theme);
    let mut lines = vec![Line::from(vec![
        Span::styled("  日", theme.sunday),
        Span::raw("  月  火  水  木  金"),
        Span::styled("  土", theme.saturday),
    ])];
    let months = (Action::PrevMonth, Action::NextMonth);
    mouse::scroll_by(area, Scope::Calendar, months, 1);
    let offset = m.weekday().num_days_from_sunday() as usize;
    let days = days_in_month(m);
    let mut cells: Vec<Span> = vec![Span::raw("    "); offset];
    for day in 1..=days {
        let Some(date) = m.with_day(day) else {
            continue;
        };
        let k = offset + day as usize - 1;
        let cell = Rect {
            x: area.x + (k % 7) as u16 * 4,
            y: area.y + 2 + (k / 7) as u16,
            width: 4,
            height: 1,
        };
        let delta = (date - c.cursor).num_days();
        mouse::click(
            cell.intersection(area),
            Scope::Calendar,
            mouse::steps(Action::DayLeft, Action::DayRight, delta),
        );
        cells.push(day_cell(date, c, theme));
        if cells.len() == 7 {
            lines.push(Line::from(std::mem::take(&mut cells)));
        }
    }
    if !cells.is_empty() {
        lines.push(Line::from(cells));
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(
        format!(" {}", dates.fiscal_year(c.fiscal_year)),
        theme.heading,
    )));
    lines.push(Line::from(Span::styled(
        format!(" 会議 {} 件", c.meetings.len()),
        theme.muted,
    )));
    lines.extend(holiday_lines(c, theme));
    frame.render_widget(
        Paragraph::new(lines),
        Rect {
            y: area.y + 1,
            height: area.height.saturating_sub(1),
            ..area
        },
    );
}

/// The month's 祝日 by name under the grid, the cursor's day marked.
fn holiday_lines<'a>(c: &CalendarState, theme: &Theme) -> Vec<Line<'a>> {
    let m = c.month;
    let mut lines = Vec::new();
    for day in 1..=days_in_month(m) {
        let Some(date) = m.with_day(day) else {
            continue;
        };
        let Some(name) = wareki::holidays::name(date) else {
            continue;
        };
        if lines.is_empty() {
            lines.push(Line::from(""));
        }
        let text = format!(
            " {:>2}日({}) {name}",
            day,
            wareki::weekday_ja(date.weekday())
        );
        let style = if date == c.cursor {
            theme.sunday.patch(theme.heading)
        } else {
            theme.sunday
        };
        lines.push(Line::from(Span::styled(text, style)));
    }
    lines
}

fn day_cell<'a>(date: NaiveDate, c: &CalendarState, theme: &Theme) -> Span<'a> {
    let has_meeting = c.meetings.iter().any(|m| m.date == date);
    let mut style = match date.weekday() {
        _ if wareki::holidays::is_holiday(date) => theme.sunday,
        Weekday::Sun => theme.sunday,
        Weekday::Sat => theme.saturday,
        _ => Style::default(),
    };
    if has_meeting {
        style = style.patch(theme.meeting_day);
    }
    if date == c.today {
        style = style.patch(theme.today);
    }
    let text = if has_meeting {
        format!(" {}{:>2}", theme.glyphs.meeting_day, date.day())
    } else {
        format!("  {:>2}", date.day())
    };
    if date == c.cursor {
        style = style.patch(theme.cursor_day);
    }
    Span::styled(text, style)
}

fn days_in_month(first: NaiveDate) -> u32 {
    let next = first
        .checked_add_months(chrono::Months::new(1))
        .unwrap_or(first);
    (next - first).num_days() as u32
}

/// "第3回  6月21日(水) 13:00-14:30  旭区外部特別会議室2", in `width`
/// columns: a long room is shortened from the middle (`旭区外..会議室2`),
/// so two rooms that differ at the end never look the same.
pub fn meeting_line(m: &MeetingRow, width: usize) -> String {
    let time = match (m.start, m.end) {
        (Some(s), Some(e)) => format!("{}-{}", s.format("%H:%M"), e.format("%H:%M")),
        (Some(s), None) => s.format("%H:%M").to_string(),
        _ => "     ".to_string(),
    };
    let head = format!(
        "第{}回 {:>2}月{:>2}日({}) {}  ",
        m.number,
        m.date.month(),
        m.date.day(),
        wareki::weekday_ja(m.date.weekday()),
        time,
    );
    let room = width.saturating_sub(display_width(&head));
    let place = shorten_middle(&crate::ui::sanitize::clean(&m.place), room);
    format!("{head}{place}")
}

fn meeting_list(frame: &mut Frame, area: Rect, c: &CalendarState, dates: DateStyle, theme: &Theme) {
    let committee = c
        .meetings
        .first()
        .map_or("区づくり経営会議", |m| m.committee.as_str());
    title_bar(
        frame,
        Rect { height: 1, ..area },
        &format!("{} {}", dates.fiscal_year(c.fiscal_year), committee),
        theme,
    );
    let rows = area.height.saturating_sub(1) as usize;
    let sel = c.selected.unwrap_or(0);
    let first = sel.saturating_sub(rows.saturating_sub(1));
    let body = Rect {
        y: area.y + 1,
        height: area.height.saturating_sub(1),
        ..area
    };
    mouse::scroll(
        body,
        Scope::Calendar,
        Action::SelectPrevMeeting,
        Action::SelectNextMeeting,
    );
    for i in first..c.meetings.len().min(first + rows) {
        let mut steps = vec![];
        if c.selected.is_none() {
            steps.push((Action::FirstMeeting, 1));
        }
        steps.extend(mouse::steps(
            Action::SelectPrevMeeting,
            Action::SelectNextMeeting,
            i as i64 - sel as i64,
        ));
        mouse::click(
            mouse::row(body, body.y + (i - first) as u16),
            Scope::Calendar,
            steps,
        );
    }
    let lines: Vec<Line> = c
        .meetings
        .iter()
        .enumerate()
        .skip(first)
        .take(rows)
        .map(|(i, m)| {
            let text = format!(
                " {}",
                meeting_line(m, area.width.saturating_sub(1) as usize)
            );
            if Some(i) == c.selected {
                Line::from(Span::styled(text, theme.selection))
            } else {
                Line::from(text)
            }
        })
        .collect();
    frame.render_widget(
        Paragraph::new(lines),
        Rect {
            y: area.y + 1,
            height: area.height.saturating_sub(1),
            ..area
        },
    );
}

/// The meeting in full, as lines (shared with tests and the minutes view).
pub fn detail_lines<'a>(d: &'a MeetingDetail, dates: DateStyle, theme: &Theme) -> Vec<Line<'a>> {
    let m = &d.meeting;
    let mut lines = vec![
        Line::from(vec![
            Span::styled("日時 ", theme.heading),
            Span::raw(dates.datetime(m.date, m.start, m.end)),
        ]),
        Line::from(vec![
            Span::styled("場所 ", theme.heading),
            Span::raw(m.place.as_str()),
            Span::styled(format!("  [{}]", m.status.label_ja()), theme.muted),
        ]),
        Line::from(vec![
            Span::styled(format!("出席 {}名 ", d.attendees.len()), theme.heading),
            Span::raw(d.attendees.join("、")),
        ]),
    ];
    for item in &d.items {
        lines.push(Line::from(""));
        lines.push(Line::from(Span::styled(
            format!("({}) {}", item.number, item.title),
            theme.heading,
        )));
        for l in &item.links {
            lines.push(Line::from(vec![
                Span::styled("  関連方針 ", theme.muted),
                Span::raw(l.label()),
            ]));
        }
        for l in item.summary.lines() {
            lines.push(Line::from(format!("  {l}")));
        }
        for o in &item.opinions {
            lines.push(opinion_line(o, dates, theme));
        }
    }
    lines
}

pub fn opinion_line<'a>(o: &'a crate::db::OpinionRow, dates: DateStyle, theme: &Theme) -> Line<'a> {
    let mut spans = vec![Span::raw(format!("  {}", theme.glyphs.bullet))];
    match o.kind {
        OpinionKind::Decision => spans.push(Span::styled("【決定】", theme.decision)),
        OpinionKind::Action => {
            spans.push(Span::styled("【宿題】", theme.action));
        }
        OpinionKind::Opinion => {}
    }
    let speaker = crate::model::speaker_prefix(o.speaker.as_deref());
    if !speaker.is_empty() {
        spans.push(Span::styled(speaker, theme.muted));
    }
    spans.push(Span::raw(o.text.as_str()));
    if o.visibility == crate::model::Visibility::Internal {
        spans.push(Span::styled("【非公開】", theme.muted));
    }
    if o.kind == OpinionKind::Action {
        let owner = o.owner.as_deref().unwrap_or("担当未定");
        let due = o.due.map_or("期限なし".to_string(), |d| dates.date(d));
        spans.push(Span::styled(format!("（{owner}、{due}）"), theme.action));
    }
    Line::from(spans)
}

/// "  記録中: sato" when others are minuting this meeting now.
pub fn recording_note(d: &MeetingDetail) -> String {
    if d.recording_by.is_empty() {
        String::new()
    } else {
        format!("  記録中: {}", d.recording_by.join("、"))
    }
}

fn meeting_detail<'a>(
    frame: &mut Frame,
    area: Rect,
    d: &'a MeetingDetail,
    s: &AppState,
    related: Vec<Line<'a>>,
    theme: &Theme,
) {
    let (m, scroll) = (&d.meeting, s.calendar.detail_scroll);
    // The detail scrolls three lines an action.
    let lines = (Action::DetailScrollUp, Action::DetailScrollDown);
    mouse::scroll_by(area, Scope::Calendar, lines, 1);
    title_bar(
        frame,
        Rect { height: 1, ..area },
        &format!(
            "第{}回 {}{}",
            m.number,
            s.dates.date_weekday(m.date),
            recording_note(d)
        ),
        theme,
    );
    let body = Rect {
        x: area.x + 1,
        y: area.y + 1,
        width: area.width.saturating_sub(1),
        height: area.height.saturating_sub(1),
    };
    let mut lines = detail_lines(d, s.dates, theme);
    let c = &s.calendar;
    let landed = c.landed.and_then(|at| super::land::landed_line(d, at));
    let width = body.width as usize;
    let mut scroll = scroll;
    if let Some(i) = landed {
        lines[i] = std::mem::take(&mut lines[i]).patch_style(theme.selection);
        if c.follow_landed {
            // The stored scroll counts lines before wrapping: land on the
            // wrapped row, two rows of context above it.
            let row = wrap_lines(lines[..i].to_vec(), width, bullet_indent).len();
            scroll = u16::try_from(row.saturating_sub(2)).unwrap_or(u16::MAX);
        }
    }
    lines.extend(related_marked(related, c.related_cursor, theme));
    let rows = wrap_lines(lines, width, bullet_indent);
    let max_scroll = rows.len().saturating_sub(body.height as usize) as u16;
    frame.render_widget(
        Paragraph::new(rows).scroll((scroll.min(max_scroll), 0)),
        body,
    );
}

/// The 関連 lines with the item chosen by `r` highlighted (its lines are
/// those starting "  ・", in the order `land::related_items` lists them).
fn related_marked<'a>(
    mut related: Vec<Line<'a>>,
    cursor: Option<usize>,
    theme: &Theme,
) -> Vec<Line<'a>> {
    let Some(want) = cursor else {
        return related;
    };
    let at = related
        .iter()
        .enumerate()
        .filter(|(_, l)| {
            l.spans
                .first()
                .is_some_and(|s| s.content.starts_with("  ・"))
        })
        .nth(want)
        .map(|(i, _)| i);
    if let Some(i) = at {
        related[i] = std::mem::take(&mut related[i]).patch_style(theme.selection);
    }
    related
}
