//! The policy pane's pop-ups, drawn at the bottom over whatever tab shows:
//! the picker (candidates, ticks, filter line), the node form, the note
//! editor and the delete confirmation. The terminal cursor goes to the
//! caret of the focused input, where the IME draws.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use ratatui::Frame;

use crate::app::panes::policy::overlay::{NodeForm, NoteForm, Overlay, Picker, FORM_LABELS};
use crate::app::panes::policy::plan_form::{PlanForm, PLAN_LABELS};
use crate::app::state::AppState;
use crate::ui::Theme;
use crate::widget::text_input::{display_width, pad_to_width, TextInput};

/// Candidates shown at once.
const SHOWN: usize = 12;

fn bar(frame: &mut Frame, area: Rect, y: u16, text: &str, style: ratatui::style::Style) {
    frame.render_widget(
        Paragraph::new(Span::styled(pad_to_width(text, area.width as usize), style)),
        Rect {
            y,
            height: 1,
            ..area
        },
    );
}

/// A labelled input on row `y` of `area`.
fn input_line(
    frame: &mut Frame,
    (area, y): (Rect, u16),
    label: &str,
    input: &TextInput,
    focused: bool,
    theme: &Theme,
    cursor: bool,
) {
    let lw = display_width(label) as u16;
    frame.render_widget(
        Paragraph::new(Span::styled(
            label.to_string(),
            if focused { theme.heading } else { theme.muted },
        )),
        Rect {
            x: area.x,
            y,
            width: lw.min(area.width),
            height: 1,
        },
    );
    let field = Rect {
        x: area.x + lw,
        y,
        width: area.width.saturating_sub(lw),
        height: 1,
    };
    input.render_marked(
        field,
        frame.buffer_mut(),
        (theme.input, theme.muted),
        theme.glyphs.newline,
    );
    if focused && cursor {
        frame.set_cursor_position(input.cursor_position(field));
    }
}

pub fn draw(frame: &mut Frame, area: Rect, s: &AppState, theme: &Theme) {
    let Some(o) = &s.policy.overlay else {
        return;
    };
    let cursor = !s.help;
    let height = match o {
        Overlay::Picker(p) => 2 + p.matches.len().clamp(1, SHOWN) as u16,
        Overlay::Form(_) => 2 + FORM_LABELS.len() as u16,
        Overlay::Note(n) => 3 + n.input.rows(area.width.saturating_sub(2)).len() as u16,
        Overlay::Confirm(_) => 3,
        Overlay::Ask(a) => 2 + ask_rows(a, area.width).len() as u16,
        Overlay::Plan(f) => 2 + f.fields.len() as u16,
    }
    .min(area.height.saturating_sub(1));
    let r = Rect {
        x: area.x,
        y: area.bottom().saturating_sub(height + 1),
        width: area.width,
        height,
    };
    frame.render_widget(Clear, r);
    match o {
        Overlay::Picker(p) => picker(frame, r, p, theme, cursor),
        Overlay::Form(f) => form(frame, r, f, theme, cursor),
        Overlay::Note(n) => note(frame, r, n, theme, cursor),
        Overlay::Plan(f) => plan_form(frame, r, f, theme, cursor),
        Overlay::Ask(a) => {
            bar(frame, r, r.y, &format!(" {}", a.title), theme.title);
            for (k, row) in ask_rows(a, r.width).into_iter().enumerate() {
                bar(frame, r, r.y + 1 + k as u16, &row, theme.warning);
            }
        }
        Overlay::Confirm(c) => {
            bar(frame, r, r.y, " 削除の確認", theme.title);
            bar(frame, r, r.y + 1, &format!(" {}", c.text), theme.warning);
        }
    }
}

/// The note editor: the whole text over as many rows as it takes (scrolled
/// to the caret when the screen is shorter), the keys below.
fn note(frame: &mut Frame, r: Rect, n: &NoteForm, theme: &Theme, cursor: bool) {
    bar(frame, r, r.y, &format!(" {}", n.title), theme.title);
    let body = Rect {
        x: r.x + 2,
        y: r.y + 1,
        width: r.width.saturating_sub(2),
        height: r.height.saturating_sub(2),
    };
    bar(frame, r, body.y, ">", theme.muted);
    let at = n.input.render_rows(body, frame.buffer_mut(), theme.input);
    if cursor {
        frame.set_cursor_position(at);
    }
    let hint = " Enter 保存  Ctrl-J 改行  Up/Down 行を移動  Esc やめる（空にすると消します）";
    bar(frame, r, r.bottom().saturating_sub(1), hint, theme.muted);
}

/// The candidates (ticks when several may be chosen) over the filter line.
fn picker(frame: &mut Frame, r: Rect, p: &Picker, theme: &Theme, cursor: bool) {
    bar(frame, r, r.y, &format!(" {}", p.title), theme.title);
    let rows = (r.height as usize).saturating_sub(2);
    let first = p.pick.saturating_sub(rows.saturating_sub(1));
    let mut lines = Vec::new();
    if p.waiting {
        lines.push(Line::from(Span::styled("  読み込み中", theme.muted)));
    } else if p.matches.is_empty() {
        lines.push(Line::from(Span::styled(
            "  一致する候補がありません",
            theme.muted,
        )));
    }
    for (i, c) in p
        .matches
        .iter()
        .enumerate()
        .skip(first)
        .take(rows)
        .filter_map(|(i, ci)| p.candidates.get(*ci).map(|c| (i, c)))
    {
        let mark = match (p.multi(), c.id.is_some_and(|id| p.checked.contains(&id))) {
            (false, _) => "",
            (true, true) => "[x] ",
            (true, false) => "[ ] ",
        };
        let style = if i == p.pick {
            theme.selection
        } else {
            theme.base
        };
        let text = pad_to_width(&format!("  {mark}{}", c.label), r.width as usize);
        lines.push(Line::from(Span::styled(text, style)));
    }
    frame.render_widget(
        Paragraph::new(lines),
        Rect {
            y: r.y + 1,
            height: rows as u16,
            ..r
        },
    );
    let y = r.bottom().saturating_sub(1);
    input_line(frame, (r, y), "> ", &p.input, true, theme, cursor);
}

/// A question's text in rows of the overlay's width (禁則 wrapping).
fn ask_rows(a: &crate::app::panes::policy::plan_form::Ask, width: u16) -> Vec<String> {
    let line = Line::from(format!(" {}", a.text));
    crate::ui::wrap::wrap_line(&line, usize::from(width), 1)
        .iter()
        .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
        .collect()
}

/// The new plan's form.
fn plan_form(frame: &mut Frame, r: Rect, f: &PlanForm, theme: &Theme, cursor: bool) {
    let title = " 新しい計画（Tab/Up/Down で欄を移動、Enter で作成、Esc でやめる）";
    bar(frame, r, r.y, title, theme.title);
    for (i, (label, input)) in PLAN_LABELS.iter().zip(&f.fields).enumerate() {
        let label = format!(" {}", pad_to_width(label, 6));
        let y = r.y + 1 + i as u16;
        input_line(frame, (r, y), &label, input, i == f.focus, theme, cursor);
    }
    let hint = " 年度は 令和8年度・R8・2026 のどれでも。題名が空なら「年度 組織種類」";
    bar(frame, r, r.bottom().saturating_sub(1), hint, theme.muted);
}

/// The node form: one labelled input per field, the hint below.
fn form(frame: &mut Frame, r: Rect, f: &NodeForm, theme: &Theme, cursor: bool) {
    bar(
        frame,
        r,
        r.y,
        &format!(
            " {}（Tab/Up/Down で欄を移動、Enter で保存、Esc でやめる）",
            f.title
        ),
        theme.title,
    );
    let lw = FORM_LABELS
        .iter()
        .map(|l| display_width(l))
        .max()
        .unwrap_or(0)
        + 3;
    for (i, (label, input)) in FORM_LABELS.iter().zip(&f.fields).enumerate() {
        let label = format!(" {}", pad_to_width(label, lw - 1));
        let y = r.y + 1 + i as u16;
        input_line(frame, (r, y), &label, input, i == f.focus, theme, cursor);
    }
    let hint = " 予算は千円単位（空欄か - で予算なし）。本文の改行は Ctrl-J";
    bar(frame, r, r.bottom().saturating_sub(1), hint, theme.muted);
}
