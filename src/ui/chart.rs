//! What ratatui's charts (BarChart, Sparkline) draw with, per glyph set:
//! the block elements ▁▂▃▄▅▆▇█ in `unicode`; in `ascii` `#`, `=` and `-`,
//! since the block elements are East Asian ambiguous width and Tera Term or
//! PuTTY in CJK mode draw them two columns wide.

use ratatui::symbols::bar;

use crate::config::glyphs::Glyphs;

/// Eighths of a cell in ASCII: `-` for the low quarter, `=` up to five
/// eighths, `#` above.
pub const ASCII_BARS: bar::Set = bar::Set {
    full: "#",
    seven_eighths: "#",
    three_quarters: "#",
    five_eighths: "=",
    half: "=",
    three_eighths: "=",
    one_quarter: "-",
    one_eighth: "-",
    empty: " ",
};

/// The bar set for `glyphs`.
pub fn bars(glyphs: &Glyphs) -> bar::Set {
    if glyphs.name == crate::config::glyphs::ASCII.name {
        ASCII_BARS
    } else {
        bar::NINE_LEVELS
    }
}
