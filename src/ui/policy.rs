//! Drawing the policy pane.

use ratatui::layout::Rect;
use ratatui::Frame;

use super::Theme;
use crate::app::state::{AppState, Tab};

pub fn draw(frame: &mut Frame, area: Rect, _s: &AppState, theme: &Theme) {
    super::placeholder(frame, area, Tab::Policy, theme);
}
