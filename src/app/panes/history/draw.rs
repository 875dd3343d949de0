//! The history overlay, drawn over the body of whatever screen opened it:
//! a title bar, the versions (newest first), the selected version's fields
//! before → after with the changed characters highlighted, and the keys
//! (or the restore question). Pure; every text through the sanitiser.

use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use ratatui::Frame;

use super::view::{self, Part};
use crate::app::panes::policy::draw::first_row;
use crate::app::state::AppState;
use crate::ui::sanitize::clean;
use crate::ui::wrap::wrap_line;
use crate::ui::Theme;
use crate::widget::text_input::pad_to_width;

const KEYS: &str = "j/k 版を選ぶ  r この版に戻す  p 上の記録の履歴  J/K 詳細を送る  Esc 閉じる";
const ASK: &str = "この版に戻しますか？（新しい変更として記録します）  y 戻す  n やめる";

fn bar(frame: &mut Frame, area: Rect, y: u16, text: &str, style: Style) {
    frame.render_widget(
        Paragraph::new(Span::styled(pad_to_width(text, area.width as usize), style)),
        Rect {
            y,
            height: 1,
            ..area
        },
    );
}

pub fn draw(frame: &mut Frame, area: Rect, s: &AppState, theme: &Theme) {
    let h = &s.history;
    if !h.open || area.height < 6 {
        return;
    }
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new("").style(theme.base), area);
    let count = h.history.as_ref().map_or(0, |x| x.versions.len());
    let title = format!("履歴 — {}（{count} 件）", clean(&h.title));
    bar(frame, area, area.y, &title, theme.title);
    let bottom = area.y + area.height - 1;
    let (keys, style) = if h.confirming {
        (ASK, theme.warning)
    } else {
        (KEYS, theme.muted)
    };
    bar(frame, area, bottom, keys, style);
    let inner = Rect {
        y: area.y + 1,
        height: area.height - 2,
        ..area
    };
    let Some(history) = &h.history else {
        let text = if h.loading {
            "読み込み中…"
        } else {
            "この記録にはまだ履歴がありません"
        };
        frame.render_widget(Paragraph::new(Span::styled(text, theme.muted)), inner);
        return;
    };
    let list_h = (count as u16)
        .clamp(1, (inner.height / 3).max(3))
        .min(inner.height);
    let first = first_row(h.cursor, count, list_h as usize);
    let lines: Vec<Line> = history
        .versions
        .iter()
        .enumerate()
        .skip(first)
        .take(list_h as usize)
        .map(|(i, v)| {
            let own = v.table == history.table && v.row_id == history.row_id;
            let text = format!("{} {}", if i == h.cursor { ">" } else { " " }, {
                view::summary(v, own, s.dates)
            });
            let text = pad_to_width(&clean(&text), area.width as usize);
            let style = if i == h.cursor {
                theme.selection
            } else if v.action == "delete" {
                theme.warning
            } else {
                theme.base
            };
            Line::from(Span::styled(text, style))
        })
        .collect();
    frame.render_widget(
        Paragraph::new(lines),
        Rect {
            height: list_h,
            ..inner
        },
    );
    let detail = Rect {
        y: inner.y + list_h + 1,
        height: inner.height.saturating_sub(list_h + 1),
        ..inner
    };
    let lines = detail_lines(s, theme, detail.width as usize);
    frame.render_widget(Paragraph::new(lines).scroll((h.scroll, 0)), detail);
}

/// The selected version: a heading, then per field its label, 前 and 後.
fn detail_lines(s: &AppState, theme: &Theme, width: usize) -> Vec<Line<'static>> {
    let Some(v) = s.history.selected() else {
        return Vec::new();
    };
    let removed = theme
        .error
        .add_modifier(Modifier::BOLD | Modifier::UNDERLINED | Modifier::CROSSED_OUT);
    let added = theme
        .saved
        .add_modifier(Modifier::BOLD | Modifier::UNDERLINED);
    let heading = Line::from(Span::styled(
        clean(&format!(
            "{}  {}  {}（{}「{}」）",
            view::when(&v.at, s.dates),
            v.user,
            view::kind(v),
            view::table_name(&v.table),
            view::headline(v.image())
        ))
        .into_owned(),
        theme.heading,
    ));
    let mut out = wrap_line(&heading, width, 2);
    let changes = view::changes(v, s.dates);
    if changes.is_empty() {
        out.push(Line::from(Span::styled(
            "表示する欄の変更はありません",
            theme.muted,
        )));
    }
    for c in changes {
        out.push(Line::from(Span::styled(c.label, theme.heading)));
        let sides = match v.action.as_str() {
            // A creation has only an after, a deletion only a before.
            "insert" => vec![("  ", &c.after, theme.base)],
            "delete" => vec![("  ", &c.before, theme.base)],
            _ => vec![("  前: ", &c.before, removed), ("  後: ", &c.after, added)],
        };
        for (mark, parts, style) in sides {
            let mut spans = vec![Span::styled(mark, theme.muted)];
            if parts.is_empty() {
                spans.push(Span::styled("（なし）", theme.muted));
            }
            for p in parts {
                spans.push(match p {
                    Part::Same(t) => Span::styled(clean(t).into_owned(), theme.base),
                    Part::Changed(t) => Span::styled(clean(t).into_owned(), style),
                });
            }
            out.extend(wrap_line(&Line::from(spans), width, 6));
        }
    }
    out
}
