//! Widgets below both `app` and `ui`: the text-input editing model (state
//! and key handling; it renders itself into a buffer) and display widths.
//! Imports nothing from the crate above `config`.

pub mod text_input;
pub mod width;
