//! What the minutes reader builds while it reads a page, meeting by
//! meeting, before `minutes::finish` checks it; shared by the reader, the
//! cut-off check (`minutes_cut`) and `minutes` itself.

use super::ImportError;
use crate::model::Item;

pub(super) struct MeetingDraft {
    pub(super) number: u32,
    pub(super) header_line: usize,
    pub(super) date: Option<(chrono::NaiveDate, usize)>,
    pub(super) start: Option<chrono::NaiveTime>,
    pub(super) end: Option<chrono::NaiveTime>,
    pub(super) place: Vec<String>,
    pub(super) attendees: Vec<String>,
    pub(super) agenda_line: Option<usize>,
    pub(super) items: Vec<ItemDraft>,
}

pub(super) struct ItemDraft {
    pub(super) item: Item,
    pub(super) marker_line: Option<usize>,
}

pub(super) fn error(file: &str, line: Option<usize>, message: String) -> ImportError {
    ImportError {
        file: file.to_string(),
        line,
        message,
    }
}

pub(super) fn short(s: &str) -> String {
    let mut out: String = s.chars().take(30).collect();
    if s.chars().count() > 30 {
        out.push('…');
    }
    out
}
