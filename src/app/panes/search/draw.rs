//! Drawing the search overlay over the pane area: the title with the count,
//! the query line (hardware cursor at the caret), a hint or error line, the
//! results with the matched characters highlighted (computed here, for the
//! visible rows only), and a preview of the selected result in its meeting.
//! Side by side from 120 columns, stacked below that. Also the "related"
//! lines appended to a meeting's detail in the calendar.

use std::ops::Range;
use unicode_width::UnicodeWidthChar;

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use ratatui::Frame;

use crate::app::action::Action;
use crate::app::keymap::Scope;
use crate::app::mouse;
use crate::app::panes::search::{IndexStatus, State};
use crate::app::state::AppState;
use crate::search::{ContextLine, DocKind, ResultRow};
use crate::ui::{title_bar, Theme};
use crate::wareki;
use crate::widget::text_input::{display_width, pad_to_width, truncate_to_width};

/// Columns of the place ("H29.8.21 第5回 (3)") in a result row.
const PLACE_WIDTH: usize = 20;
/// Side by side from this width.
const WIDE: u16 = 120;

pub fn draw(frame: &mut Frame, area: Rect, s: &AppState, theme: &Theme) {
    let st = &s.search;
    let cursor = s.prompt.is_none() && !s.help;
    let drawn = st.drawn.try_borrow_mut().ok();
    if let Some(mut memo) = drawn {
        if memo.matches(area, st, theme) {
            memo.paste(frame.buffer_mut(), area);
        } else {
            draw_cells(frame, area, st, theme);
            memo.keep(frame.buffer_mut(), area, st, theme);
        }
    } else {
        draw_cells(frame, area, st, theme);
    }
    // Not in the cells: noted again for every frame.
    if area.height >= 6 {
        let (input, list, _) = layout(area);
        note_clicks(list, st);
        if cursor {
            frame.set_cursor_position(st.input.cursor_position(input));
        }
    }
}

/// The query line, the results list and the preview.
fn layout(area: Rect) -> (Rect, Rect, Rect) {
    let input = Rect {
        x: area.x + 2,
        width: area.width.saturating_sub(2),
        ..row(area, 1)
    };
    let rest = Rect {
        y: area.y + 3,
        height: area.height - 3,
        ..area
    };
    let (list, preview) = if area.width >= WIDE {
        let lw = area.width * 3 / 5;
        (
            Rect { width: lw, ..rest },
            Rect {
                x: rest.x + lw + 1,
                width: rest.width - lw - 1,
                ..rest
            },
        )
    } else {
        let lh = (rest.height / 2).max(3).min(rest.height);
        (
            Rect { height: lh, ..rest },
            Rect {
                y: rest.y + lh,
                height: rest.height - lh,
                ..rest
            },
        )
    };
    (input, list, preview)
}

/// The overlay's cells: a pure function of `area`, the search state and
/// the theme (what [`Drawn`] compares).
fn draw_cells(frame: &mut Frame, area: Rect, st: &State, theme: &Theme) {
    frame.render_widget(Clear, area);
    if area.height < 6 {
        return;
    }
    title_bar(frame, row(area, 0), &title(st), theme);
    let (input, _, _) = layout(area);
    frame.render_widget(
        Paragraph::new(Span::styled(">", theme.heading)),
        row(area, 1),
    );
    st.input
        .render(input, frame.buffer_mut(), theme.input, theme.muted);
    let (note, note_style) = note(st, theme);
    frame.render_widget(
        Paragraph::new(Span::styled(
            truncate_to_width(&note, area.width as usize).0,
            note_style,
        )),
        row(area, 2),
    );
    let (_, list, preview) = layout(area);
    results(frame, list, st, theme);
    if preview.height >= 2 {
        preview_pane(frame, preview, st, theme);
    }
}

fn row(area: Rect, i: u16) -> Rect {
    Rect {
        y: area.y + i,
        height: 1,
        ..area
    }
}

fn title(st: &State) -> String {
    let mut t = "検索".to_string();
    if st.shown_seq == 0 {
        return t;
    }
    t.push_str(&format!("  {} 件", group_digits(st.total)));
    if st.total > st.results.len() {
        t.push_str(&format!("（上位 {} 件を表示）", st.results.len()));
    }
    if st.shown_seq != st.seq {
        t.push_str("  検索中");
    } else if st.micros > 0 {
        t.push_str(&format!("  {:.1} ms", st.micros as f64 / 1000.0));
    }
    t
}

fn note(st: &State, theme: &Theme) -> (String, Style) {
    if let Some(e) = &st.error {
        return (format!(" {e}"), theme.warning);
    }
    match &st.index {
        IndexStatus::Building { done, total } => (
            format!(
                " 索引を作成中 {}%（{} / {} 件）",
                (*done * 100).checked_div(*total).unwrap_or(0),
                group_digits(*done),
                group_digits(*total)
            ),
            theme.warning,
        ),
        IndexStatus::Failed(e) => (format!(" {e}"), theme.error),
        IndexStatus::NotStarted if st.shown_seq == 0 => {
            (" 索引を準備しています 0%".into(), theme.muted)
        }
        _ => (
            " 語: あいまい一致  \"語句\": そのまま  fy:2017  @区長  kind:決定  #5".into(),
            theme.muted,
        ),
    }
}

/// "1,000,000".
fn group_digits(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn results(frame: &mut Frame, area: Rect, st: &State, theme: &Theme) {
    let rows = area.height as usize;
    if st.results.is_empty() {
        let msg = if st.shown_seq == 0 || st.error.is_some() {
            ""
        } else {
            " 見つかりません"
        };
        frame.render_widget(Paragraph::new(Span::styled(msg, theme.muted)), area);
        return;
    }
    let first = st.selected.saturating_sub(rows.saturating_sub(1));
    let width = area.width as usize;
    let lines: Vec<Line> = st
        .results
        .iter()
        .enumerate()
        .skip(first)
        .take(rows)
        .map(|(i, r)| result_line(r, st, i == st.selected, width, theme))
        .collect();
    frame.render_widget(Paragraph::new(lines), area);
}

/// The results list's clickable rows and wheel area.
fn note_clicks(area: Rect, st: &State) {
    if st.results.is_empty() {
        return;
    }
    let rows = area.height as usize;
    let first = st.selected.saturating_sub(rows.saturating_sub(1));
    mouse::scroll(area, Scope::Search, Action::PickPrev, Action::PickNext);
    let keys = (Action::PickPrev, Action::PickNext);
    mouse::list_rows(
        area,
        Scope::Search,
        keys,
        first,
        st.results.len(),
        st.selected,
    );
}

fn result_line<'a>(
    r: &'a ResultRow,
    st: &State,
    selected: bool,
    width: usize,
    theme: &Theme,
) -> Line<'a> {
    let base = if selected {
        theme.selection
    } else {
        theme.base
    };
    let kind_style = match r.kind {
        DocKind::Decision => theme.decision,
        DocKind::Action => theme.action,
        _ => theme.muted,
    };
    let head = format!("{}{} ", if selected { ">" } else { " " }, r.kind.label_ja());
    let place = pad_to_width(&r.place_short(), PLACE_WIDTH);
    let used = display_width(&head) + PLACE_WIDTH + 1;
    let mut spans = vec![
        Span::styled(head, base.patch(kind_style)),
        Span::styled(format!("{place} "), base.patch(theme.muted)),
    ];
    let text = first_line(&r.text);
    spans.extend(marked_spans(
        text,
        &st.marks(text, &st.shown),
        width.saturating_sub(used),
        base,
        base.patch(theme.match_highlight),
    ));
    let filled: usize = spans.iter().map(|s| display_width(&s.content)).sum();
    if selected && filled < width {
        spans.push(Span::styled(" ".repeat(width - filled), base));
    }
    Line::from(spans)
}

/// Newlines end a result row's text.
fn first_line(s: &str) -> &str {
    s.split(['\n', '\r']).next().unwrap_or("")
}

/// `text` cut to `width` columns, as spans: the `marks` ranges in `hl`, the
/// rest in `base`.
pub fn marked_spans<'a>(
    text: &'a str,
    marks: &[Range<usize>],
    width: usize,
    base: Style,
    hl: Style,
) -> Vec<Span<'a>> {
    let style = |h: bool| if h { hl } else { base };
    let mut spans = Vec::new();
    let (mut used, mut seg_start, mut seg_hl) = (0usize, 0, false);
    let mut end = text.len();
    for (i, c) in text.char_indices() {
        let w = c.width().unwrap_or(0);
        if used.saturating_add(w) > width {
            end = i;
            break;
        }
        used += w;
        let is_hl = marks.iter().any(|m| m.contains(&i));
        if i == 0 {
            seg_hl = is_hl;
        } else if is_hl != seg_hl {
            spans.push(Span::styled(&text[seg_start..i], style(seg_hl)));
            seg_start = i;
            seg_hl = is_hl;
        }
    }
    if seg_start < end {
        spans.push(Span::styled(&text[seg_start..end], style(seg_hl)));
    }
    spans
}

fn preview_pane(frame: &mut Frame, area: Rect, st: &State, theme: &Theme) {
    let Some(r) = st.selected_row() else {
        title_bar(frame, row(area, 0), "", theme);
        return;
    };
    let ctx = st
        .context
        .as_ref()
        .filter(|(k, id, _)| *k == r.kind && *id == r.id)
        .map(|(_, _, c)| c);
    let Some(c) = ctx else {
        title_bar(frame, row(area, 0), &r.place_short(), theme);
        return;
    };
    title_bar(frame, row(area, 0), &c.heading, theme);
    let q = &st.shown;
    let hl = theme.match_highlight;
    let mut lines = Vec::new();
    let title_marks = match r.kind {
        DocKind::ItemTitle => st.marks(&c.title, q),
        _ => Vec::new(),
    };
    lines.push(Line::from(marked_spans(
        &c.title,
        &title_marks,
        usize::MAX,
        theme.heading,
        theme.heading.patch(hl),
    )));
    if !c.summary.is_empty() {
        let marks = match r.kind {
            DocKind::ItemSummary => st.marks(&c.summary, q),
            _ => Vec::new(),
        };
        let mut spans = vec![Span::raw("  ")];
        spans.extend(marked_spans(
            &c.summary,
            &marks,
            usize::MAX,
            theme.muted,
            hl,
        ));
        lines.push(Line::from(spans));
    }
    for l in &c.lines {
        lines.push(context_line(l, r.kind.is_opinion(), st, theme));
    }
    let inner = Rect {
        x: area.x + 1,
        y: area.y + 1,
        width: area.width.saturating_sub(1),
        height: area.height - 1,
    };
    let wrapped: Vec<Line> = lines
        .into_iter()
        .flat_map(|l| crate::ui::wrap::wrap_line(&l, inner.width as usize, 3))
        .take(inner.height as usize)
        .collect();
    frame.render_widget(Paragraph::new(wrapped), inner);
}

/// One entry of the preview: the target marked and its matches lit
/// (the target's whole line too when it is an opinion).
fn context_line<'a>(l: &'a ContextLine, opinion: bool, st: &State, theme: &Theme) -> Line<'a> {
    let base = if l.target && opinion {
        theme.selection
    } else {
        theme.base
    };
    let mut spans = vec![Span::styled(if l.target { ">・" } else { " ・" }, base)];
    match l.kind {
        DocKind::Decision => spans.push(Span::styled("【決定】", base.patch(theme.decision))),
        DocKind::Action => spans.push(Span::styled("【宿題】", base.patch(theme.action))),
        _ => {}
    }
    let speaker = crate::model::speaker_prefix(l.speaker.as_deref());
    if !speaker.is_empty() {
        spans.push(Span::styled(speaker, base.patch(theme.muted)));
    }
    let marks = if l.target {
        st.marks(&l.text, &st.shown)
    } else {
        Vec::new()
    };
    spans.extend(marked_spans(
        &l.text,
        &marks,
        usize::MAX,
        base,
        base.patch(theme.match_highlight),
    ));
    Line::from(spans)
}

/// "Related" under a meeting's detail: for each of its agenda items, the
/// agenda items of other meetings on the same topic (the shared words
/// highlighted). Empty when there are none.
pub fn related_lines(st: &State, meeting_id: i64, theme: &Theme) -> Vec<Line<'static>> {
    let Some((_, groups)) = st.related.as_ref().filter(|(m, _)| *m == meeting_id) else {
        return Vec::new();
    };
    if groups.is_empty() {
        return Vec::new();
    }
    let mut lines = vec![
        Line::from(""),
        Line::from(Span::styled(
            "関連（同じ話題の、ほかの会議の議題）",
            theme.heading,
        )),
    ];
    for g in groups {
        lines.push(Line::from(Span::styled(
            format!("({}) {}", g.item_no, g.title),
            theme.muted,
        )));
        for r in &g.related {
            let mut spans = vec![Span::raw(format!(
                "  ・{} 第{}回 ({}) ",
                r.date.map(wareki::format_short).unwrap_or_default(),
                r.meeting_no,
                r.item_no
            ))];
            let marks: Vec<Range<usize>> = r
                .title
                .find(&r.topic)
                .map(|p| p..p + r.topic.len())
                .into_iter()
                .collect();
            spans.extend(
                marked_spans(
                    &r.title,
                    &marks,
                    usize::MAX,
                    theme.base,
                    theme.match_highlight,
                )
                .into_iter()
                .map(|s| Span::styled(s.content.into_owned(), s.style)),
            );
            lines.push(Line::from(spans));
        }
    }
    lines
}
