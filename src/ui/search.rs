//! Drawing the search overlay.

use ratatui::layout::Rect;
use ratatui::Frame;

use super::Theme;
use crate::app::state::AppState;

pub fn draw(_frame: &mut Frame, _area: Rect, _s: &AppState, _theme: &Theme) {}
