//! What the search screen asks of the database thread, and the answers.

use crate::search::related::RelatedGroup;
use crate::search::resolve::{Context, ResultRow};
use crate::search::service::Event;

#[derive(Debug, Clone)]
pub enum Request {
    Query {
        seq: u64,
        text: String,
    },
    /// Related items for a meeting's detail.
    Related(i64),
    /// The context of a result, for the preview.
    Context(Box<ResultRow>),
    DataChanged,
    /// The overlay was closed: its query need not be answered again after
    /// each colleague's change (opening it asks again).
    Closed,
}

#[derive(Debug, Clone)]
pub enum Response {
    Service(Event),
    /// The search service has started: the screen sends its queries (and
    /// says it closed) straight to it from now on.
    Direct(crate::search::service::Direct),
    Related {
        meeting_id: i64,
        groups: Vec<RelatedGroup>,
    },
    Context {
        kind: crate::search::DocKind,
        id: i64,
        context: Context,
    },
}
