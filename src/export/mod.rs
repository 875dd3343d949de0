//! Writing what the store holds in the formats other people read.

pub mod attendance;
pub mod citation;
pub mod csv;
pub mod ics;
pub mod minutes;
pub mod policy;
pub mod progress;
pub mod publish;
pub mod publish_html;
pub mod tables;
pub mod xlsx;
pub mod xlsx_book;
pub mod xlsx_progress;

use crate::model::Dataset;

/// kusei's JSON: the whole dataset, pretty-printed, with a final newline.
pub fn to_json(data: &Dataset) -> String {
    let mut s =
        serde_json::to_string_pretty(data).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}
