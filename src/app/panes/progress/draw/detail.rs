//! The detail: the item's title and where it sits, then every field of the
//! focused period (status, grade, plan, actual, 取組の状況, indicators,
//! the year's evaluation), the overall evaluation, milestones and other
//! notes. The selected field is highlighted and kept in view.

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::{spans, tone_style, wrap};
use crate::app::panes::progress::detail::{self, Field, Kind};
use crate::app::panes::progress::view::{selected_item, tone};
use crate::app::state::AppState;
use crate::ui::Theme;
use crate::widget::text_input::{display_width, pad_to_width, truncate_to_width};

const LABEL: usize = 10;

pub fn draw(frame: &mut Frame, area: Rect, s: &AppState, theme: &Theme) {
    let p = &s.progress;
    let (Some(data), Some(i)) = (&p.data, selected_item(p)) else {
        return;
    };
    let it = &data.items[i];
    let width = area.width as usize;
    let plan = data.plans.get(it.plan);
    let mut crumbs: Vec<String> = plan.iter().map(|pl| pl.title.clone()).collect();
    crumbs.extend(it.path.iter().map(|n| n.label()));
    let head = vec![
        spans(vec![
            (format!(" [{}] ", it.level), theme.muted),
            (it.label(), theme.heading),
        ]),
        Line::styled(
            truncate_to_width(&format!(" {}", crumbs.join(" > ")), width).0,
            theme.muted,
        ),
    ];
    let head_h = (head.len() as u16).min(area.height);
    frame.render_widget(
        Paragraph::new(head),
        Rect {
            height: head_h,
            ..area
        },
    );

    let scale = plan.map(|pl| pl.status_scale.as_slice()).unwrap_or(&[]);
    let fields = detail::current(s);
    let mut lines: Vec<Line> = Vec::new();
    let mut starts = Vec::with_capacity(fields.len());
    for (k, f) in fields.iter().enumerate() {
        starts.push(lines.len());
        field_lines(f, k == p.field, width, scale, theme, &mut lines);
    }
    let body = Rect {
        y: area.y + head_h,
        height: area.height - head_h,
        ..area
    };
    let h = body.height as usize;
    let start = starts.get(p.field).copied().unwrap_or(0);
    let end = starts.get(p.field + 1).copied().unwrap_or(lines.len());
    let top = start.min(end.saturating_sub(h));
    let shown: Vec<Line> = lines.into_iter().skip(top).take(h).collect();
    frame.render_widget(Paragraph::new(shown), body);
}

fn field_lines(
    f: &Field,
    selected: bool,
    width: usize,
    scale: &[String],
    theme: &Theme,
    out: &mut Vec<Line<'static>>,
) {
    let label_style = if selected {
        theme.selection
    } else {
        theme.base
    };
    let label = format!("  {}", f.label);
    match f.kind {
        Kind::Heading => out.push(Line::styled(format!(" {}", f.label), theme.heading)),
        Kind::Muted => {
            let st = if selected {
                theme.selection
            } else {
                theme.muted
            };
            out.push(Line::styled(format!("  + {}", f.text), st));
        }
        Kind::Status | Kind::Grade => {
            let (value, style) = if f.text.is_empty() {
                ("未設定".to_string(), theme.muted)
            } else if f.kind == Kind::Status {
                (f.text.clone(), tone_style(tone(&f.text, scale), theme))
            } else {
                (f.text.clone(), theme.heading)
            };
            let key = if f.kind == Kind::Status { "s/S" } else { "r/R" };
            out.push(spans(vec![
                (label, label_style),
                ("  ".into(), theme.base),
                (value, style),
                (format!("   {key} で変更"), theme.muted),
            ]));
        }
        Kind::Short => short_lines(f, (label, label_style), width, theme, out),
        Kind::Long => {
            out.push(Line::styled(label, label_style));
            push_text(&f.text, width, theme, out);
        }
        Kind::Milestone { done, overdue } => {
            out.push(milestone_line(f, done, overdue, label_style, theme))
        }
    }
}

/// A short field: the label, then the text wrapped beside it.
fn short_lines(
    f: &Field,
    (label, label_style): (String, Style),
    width: usize,
    theme: &Theme,
    out: &mut Vec<Line<'static>>,
) {
    let lw = display_width(&label).max(LABEL + 2);
    let text = if f.text.is_empty() {
        "（未記入）"
    } else {
        f.text.as_str()
    };
    let text_style = if f.text.is_empty() {
        theme.muted
    } else {
        theme.base
    };
    let room = width.saturating_sub(lw + 2).max(8);
    for (n, part) in wrap(text, room).into_iter().enumerate() {
        let lead = if n == 0 {
            (pad_to_width(&label, lw), label_style)
        } else {
            (" ".repeat(lw), theme.base)
        };
        out.push(spans(vec![
            lead,
            ("  ".into(), theme.base),
            (part, text_style),
        ]));
    }
}

/// A milestone: its mark (done, open, overdue), label and date.
fn milestone_line(
    f: &Field,
    done: bool,
    overdue: bool,
    label_style: Style,
    theme: &Theme,
) -> Line<'static> {
    let (mark, st): (&str, Style) = if done {
        (theme.glyphs.milestone_done, theme.status_done)
    } else if overdue {
        (theme.glyphs.milestone_open, theme.overdue)
    } else {
        (theme.glyphs.milestone_open, theme.base)
    };
    let mut parts = vec![
        ("  ".into(), theme.base),
        (mark.to_string(), st),
        (format!(" {}", f.label), label_style),
        ("  ".into(), theme.base),
        (f.text.clone(), theme.base),
    ];
    if overdue {
        parts.push(("  期限切れ".into(), theme.overdue));
    }
    spans(parts)
}

fn push_text(text: &str, width: usize, theme: &Theme, out: &mut Vec<Line<'static>>) {
    if text.trim().is_empty() {
        out.push(Line::styled("    （未記入）", theme.muted));
        return;
    }
    for part in wrap(text.trim_end(), width.saturating_sub(5)) {
        out.push(Line::styled(format!("    {part}"), theme.base));
    }
}

/// What the keys do here.
pub fn footer(_s: &AppState) -> String {
    " Enter 編集  s/S 状況  r/R 評価  < > 期  Space 完了  a/i 追加  x 削除  PgUp/PgDn 項目  Esc 戻る"
        .into()
}
