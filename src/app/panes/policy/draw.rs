//! Drawing the policy pane: the tree with budgets on the left (or above, on
//! a narrow screen), the selected node in full beside it; the comparison
//! and suggestion views; the pane's pop-ups.
//!
//! "No budget" is drawn as ASCII `-` (U+002D, East Asian Width Na): one
//! column in every terminal, as the source pages write it ("-円"), and it
//! lines up in the right-aligned number column. U+2014 EM DASH would be
//! ambiguous (A) and shift the row in terminals that draw those wide;
//! U+FF0D FULLWIDTH HYPHEN-MINUS is safe but two columns, unlike the digits.
//! A missing budget is never drawn as 0.

mod budget;
mod detail;
mod overlay;
mod tree;
mod views;

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Span;
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::app::panes::policy::View;
use crate::app::state::AppState;
use crate::db::policy::group_kyen;
use crate::ui::{title_bar, Theme};

/// What a budget cell shows.
pub fn budget_text(b: Option<i64>) -> String {
    b.map_or_else(|| "-".to_string(), group_kyen)
}

/// Screens at least this wide put the detail beside the tree.
const SIDE_BY_SIDE: u16 = 120;

pub fn draw(frame: &mut Frame, area: Rect, s: &AppState, theme: &Theme) {
    let p = &s.policy;
    let Some(t) = &p.tree else {
        title_bar(frame, Rect { height: 1, ..area }, "運営方針", theme);
        frame.render_widget(
            Paragraph::new(Span::styled(" 読み込み中", theme.muted)),
            Rect {
                y: area.y + 2,
                height: area.height.saturating_sub(2),
                ..area
            },
        );
        return;
    };
    match p.view {
        View::Compare => return views::compare(frame, area, p, theme),
        View::Suggestions => return views::suggestions(frame, area, p, theme),
        View::Budget => return budget::draw(frame, area, p, t, theme),
        View::Tree => {}
    }
    let (tree_area, detail_area) = if area.width >= SIDE_BY_SIDE {
        let [l, _, r] = Layout::horizontal([
            Constraint::Percentage(58),
            Constraint::Length(1),
            Constraint::Min(20),
        ])
        .areas(area);
        (l, r)
    } else {
        let tree_h = (area.height * 11 / 20).max(6);
        let [a, b] = Layout::vertical([Constraint::Length(tree_h), Constraint::Min(3)]).areas(area);
        (a, b)
    };
    tree::draw(frame, tree_area, p, t, theme);
    detail::draw(frame, detail_area, s, t, theme);
}

pub fn draw_overlay(frame: &mut Frame, area: Rect, s: &AppState, theme: &Theme) {
    overlay::draw(frame, area, s, theme);
}

/// The first of `n` rows to show in `h` lines so that `cursor` is visible,
/// keeping it in the upper third once the list scrolls.
pub(crate) fn first_row(cursor: usize, n: usize, h: usize) -> usize {
    if n <= h || h == 0 {
        return 0;
    }
    cursor.saturating_sub(h / 3).min(n - h)
}
