//! The import overlay, over whatever tab shows: the path prompt with its
//! completions, "reading", the preview (the command's report, wrapped by
//! display width and scrolled) with the choices it offers, "writing".
//! Every text goes through the sanitiser (`ui::wrap`, `title_bar`).

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use ratatui::Frame;

use super::state::{Outcome, Overlay, Preview, Tone};
use crate::app::state::AppState;
use crate::ui::wrap::wrap_line;
use crate::ui::{sanitize, title_bar, Theme};
use crate::widget::text_input::{display_width, pad_to_width};

pub fn draw(frame: &mut Frame, area: Rect, s: &AppState, theme: &Theme) {
    let Some(o) = &s.import.overlay else {
        return;
    };
    let r = Rect {
        x: area.x + 1,
        y: area.y + 1,
        width: area.width.saturating_sub(2),
        height: area.height.saturating_sub(2),
    };
    if r.width < 10 || r.height < 4 {
        return;
    }
    frame.render_widget(Clear, r);
    let body = Rect {
        x: r.x + 1,
        y: r.y + 1,
        width: r.width - 2,
        height: r.height - 2,
    };
    let hint_row = Rect {
        y: r.bottom() - 1,
        height: 1,
        ..r
    };
    match o {
        Overlay::Path { input, candidates } => {
            title_bar(frame, row(r, 0), "ファイルから読み込む", theme);
            let label = "ファイル: ";
            let lw = display_width(label) as u16;
            frame.render_widget(Paragraph::new(Span::styled(label, theme.heading)), body);
            let field = Rect {
                x: body.x + lw,
                width: body.width.saturating_sub(lw),
                ..row(body, 0)
            };
            input.render_marked(
                field,
                frame.buffer_mut(),
                (theme.input, theme.muted),
                theme.glyphs.newline,
            );
            if !s.help {
                frame.set_cursor_position(input.cursor_position(field));
            }
            let lines: Vec<Line> = candidates
                .iter()
                .map(|c| {
                    Line::from(Span::styled(
                        format!("  {}", sanitize::clean(c)),
                        theme.muted,
                    ))
                })
                .collect();
            frame.render_widget(Paragraph::new(lines), below(body, 2));
            hints(
                frame,
                hint_row,
                "Enter 読んで下見（まだ書き込みません）  Tab 補完  Esc やめる",
                theme,
            );
        }
        Overlay::Reading { file } => {
            title_bar(frame, row(r, 0), &format!("読み込み中: {file}"), theme);
            let text = "ファイルを読んでいます。何も書き込んでいません（Esc でやめる）";
            frame.render_widget(Paragraph::new(Span::styled(text, theme.muted)), body);
        }
        Overlay::Writing { file } => {
            title_bar(frame, row(r, 0), &format!("書き込み中: {file}"), theme);
            frame.render_widget(
                Paragraph::new(Span::styled("データベースに書き込んでいます", theme.muted)),
                body,
            );
        }
        Overlay::Preview { preview, cursor } => {
            preview_body(frame, (r, body), preview, *cursor, theme);
            hints(frame, hint_row, choices(&preview.outcome), theme);
        }
    }
}

fn choices(o: &Outcome) -> &'static str {
    match o {
        Outcome::Ready(_) => {
            "Enter/y 読み込む  Esc やめる（何も書き込みません）  j/k PgUp/PgDn スクロール"
        }
        Outcome::Cut(_) => {
            "p 揃っている所まで読み込む  Esc やめる（何も書き込みません）  j/k PgUp/PgDn スクロール"
        }
        Outcome::Failed => "Esc 閉じる（読み込めません）  j/k PgUp/PgDn スクロール",
    }
}

/// The report wrapped by display width; the selected line (`cursor`, a
/// line of the report) highlighted and kept on screen.
fn preview_body(
    frame: &mut Frame,
    (r, body): (Rect, Rect),
    p: &Preview,
    cursor: usize,
    theme: &Theme,
) {
    let style = |t: Tone| -> Style {
        match t {
            Tone::Heading => theme.heading,
            Tone::Text => theme.base,
            Tone::Warning => theme.warning,
            Tone::Error => theme.error,
        }
    };
    let width = body.width as usize;
    let mut rows: Vec<Line> = Vec::new();
    let mut at = 0;
    for (i, (t, text)) in p.lines.iter().enumerate() {
        if i == cursor {
            at = rows.len();
        }
        let indent = text.chars().take_while(|c| *c == ' ').count() + 2;
        let st = if i == cursor {
            style(*t).patch(theme.selection)
        } else {
            style(*t)
        };
        rows.extend(wrap_line(
            &Line::from(Span::styled(text.as_str(), st)),
            width,
            indent,
        ));
    }
    let h = body.height as usize;
    let first = crate::app::panes::policy::draw::first_row(at, rows.len(), h);
    let title = format!(
        "下見: {}（{}/{}）",
        p.file,
        cursor.min(p.lines.len().saturating_sub(1)) + 1,
        p.lines.len()
    );
    title_bar(frame, row(r, 0), &title, theme);
    let shown: Vec<Line> = rows.into_iter().skip(first).take(h).collect();
    frame.render_widget(Paragraph::new(shown), body);
}

fn hints(frame: &mut Frame, r: Rect, text: &str, theme: &Theme) {
    let (cut, _) = crate::widget::width::truncate_to_width(&format!(" {text}"), r.width as usize);
    let text = pad_to_width(&cut, r.width as usize);
    frame.render_widget(Paragraph::new(Span::styled(text, theme.status_bar)), r);
}

fn row(r: Rect, i: u16) -> Rect {
    Rect {
        y: r.y + i,
        height: 1,
        ..r
    }
}

fn below(r: Rect, i: u16) -> Rect {
    Rect {
        y: r.y + i,
        height: r.height.saturating_sub(i),
        ..r
    }
}
