//! Hostile and odd text never reaches the terminal (the sanitiser itself
//! is [`crate::sanitize`], shared with the command line).
//!
//! Text comes from keys, pastes, imported pages and database rows written by
//! other tools. C0 and C1 control characters (ESC above all), DEL and the
//! bidirectional overrides and isolates would let a row move the cursor,
//! retitle the window or reverse what the screen shows. For display they
//! become visible markers such as `⟨U+202E⟩`; the stored text is untouched.

pub use crate::sanitize::{clean, clean_keep_lines, is_hostile};

/// The last line of defence, run over every frame before it is written:
/// any cell still holding a hostile character is blanked to `?`.
pub fn scrub_buffer(buf: &mut ratatui::buffer::Buffer) {
    for cell in buf.content.iter_mut() {
        if cell.symbol().chars().any(is_hostile) {
            cell.set_symbol("?");
        }
    }
}
