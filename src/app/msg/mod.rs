//! The app's message vocabulary, below everything else in `app`: the
//! requests the screens send to the database thread ([`Request`],
//! [`WriteOp`], each screen's own in `msg/<screen>.rs`), the answers
//! ([`Response`]), a colleague's conflicting save ([`Caught`]), what the
//! loop must do outside the state ([`Effect`]) and the [`Action`]s keys are
//! bound to. Imports only db, search and the screens' write types (leaf
//! files); everything in `app` above imports this.

pub mod attendance;
pub mod history;
pub mod import;
pub mod policy;
pub mod progress;
pub mod search;

use std::sync::mpsc::Sender;

pub use crate::app::action::Action;
use crate::db::{EntryKind, MeetingDetail, MeetingFields, MeetingRow, RecentChange, StoreError};

/// What a handler asks the database thread to do next.
pub type Requests = Vec<Request>;

#[derive(Debug, Clone)]
pub enum Request {
    /// Load a fiscal year's meetings (None: the latest year with meetings),
    /// selecting `select` if given.
    LoadYear {
        fiscal_year: Option<i32>,
        select: Option<i64>,
    },
    LoadMeeting(i64),
    LoadDraft(String),
    SaveDraft {
        context: String,
        text: String,
    },
    Write(WriteOp),
    /// Undo a change set; `redo` says which stack the result belongs to.
    Undo {
        batch: i64,
        redo: bool,
    },
    /// A pane's own request (see `app::panes`).
    Pane(PaneRequest),
    /// This session is minuting that meeting (None: stopped).
    Presence(Option<i64>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriteOp {
    CreateMeeting(MeetingFields),
    UpdateMeeting {
        id: i64,
        version: i64,
        fields: MeetingFields,
    },
    DeleteMeeting(i64),
    AddItem {
        meeting: i64,
        title: String,
    },
    MoveItem {
        item: i64,
        delta: i32,
    },
    AddOpinion {
        item: i64,
        text: String,
        speaker: Option<String>,
        draft_context: String,
    },
    EditOpinion {
        id: i64,
        version: i64,
        text: String,
    },
    SetKind {
        id: i64,
        kind: EntryKind,
    },
    SetSpeaker {
        id: i64,
        speaker: Option<String>,
    },
    DeleteOpinion(i64),
    /// An agenda item's title and 概要, unless someone saved it since.
    UpdateItem {
        id: i64,
        version: i64,
        title: String,
        summary: String,
    },
    /// An agenda item with its entries (undone with `u`).
    DeleteItem(i64),
    SetVisibility {
        id: i64,
        visibility: crate::model::Visibility,
    },
}

impl WriteOp {
    pub fn label(&self) -> &'static str {
        match self {
            WriteOp::CreateMeeting(_) => "会議を作成しました",
            WriteOp::UpdateMeeting { .. } => "会議を保存しました",
            WriteOp::DeleteMeeting(_) => "会議を削除しました（u で取り消し）",
            WriteOp::AddItem { .. } => "議題を追加しました",
            WriteOp::MoveItem { .. } => "議題を並べ替えました",
            WriteOp::AddOpinion { .. } => "保存しました",
            WriteOp::EditOpinion { .. } => "編集を保存しました",
            WriteOp::SetKind { .. } => "種別を変更しました",
            WriteOp::SetSpeaker { .. } => "発言者を設定しました",
            WriteOp::DeleteOpinion(_) => "削除しました（u で取り消し）",
            WriteOp::UpdateItem { .. } => "議題を保存しました",
            WriteOp::DeleteItem(_) => "議題を削除しました（u で取り消し）",
            WriteOp::SetVisibility {
                visibility: crate::model::Visibility::Internal,
                ..
            } => "非公開にしました（公開ページに載りません）",
            WriteOp::SetVisibility { .. } => "公開にしました",
        }
    }
}

#[derive(Debug, Clone)]
pub enum Response {
    Year {
        fiscal_year: i32,
        meetings: Vec<MeetingRow>,
        select: Option<i64>,
    },
    Meeting(Option<MeetingDetail>),
    Draft {
        context: String,
        text: Option<String>,
    },
    DraftSaved {
        context: String,
        text: String,
    },
    /// The newest meeting, for a new meeting's defaults.
    Latest(Option<MeetingDetail>),
    JobTitles(Vec<String>),
    Written {
        op: Box<WriteOp>,
        result: Result<WriteOk, String>,
    },
    Undone {
        redo: bool,
        result: Result<Option<i64>, String>,
    },
    /// A read failed; the message says what.
    Failed(String),
    /// A save is waiting for someone else's and will retry by itself.
    Retrying,
    /// The file turned out damaged: the session is read-only now.
    ReadOnly(String),
    /// Saving an edit found someone else's newer save (any screen).
    Conflict(Box<Caught>),
    /// A pane's own response.
    Pane(PaneResponse),
    /// Others committed changes (already reloaded).
    External(Vec<RecentChange>),
    /// Text given back at start (recovery files, drafts of sessions that
    /// stopped): one message each, naming the meeting and item; and the
    /// (draft context, agenda item) each recovered text was typed for.
    Restored {
        notes: Vec<String>,
        items: Vec<(String, i64)>,
    },
}

#[derive(Debug, Clone)]
pub struct WriteOk {
    /// The change set (for undo), if anything changed.
    pub batch: Option<i64>,
    /// The id of what was created, if anything.
    pub created: Option<i64>,
}

#[derive(Debug, Clone)]
pub enum PaneRequest {
    Attendance(attendance::Request),
    Import(import::Request),
    History(history::Request),
    Policy(policy::Request),
    Progress(progress::Request),
    Search(search::Request),
}

#[derive(Debug, Clone)]
pub enum PaneResponse {
    Attendance(attendance::Response),
    Import(import::Response),
    History(history::Response),
    Policy(policy::Response),
    Progress(progress::Response),
    Search(search::Response),
}

/// A write refused because someone saved first, ready to be made again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resave {
    Main(WriteOp),
    Policy(crate::app::panes::policy::write::Write),
    Progress(crate::app::panes::progress::write::Write),
}

/// What the screen needs to ask.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caught {
    pub resave: Resave,
    /// The row that conflicted.
    pub id: i64,
    /// Who saved it, their text, and the version (or fingerprint) now.
    pub by: String,
    pub theirs: String,
    pub version: i64,
}

/// Pass `result` through, unless it is a conflict: then tell the screen
/// (which asks) and return None.
pub fn catch<T>(
    out: &Sender<Response>,
    result: Result<T, StoreError>,
    resave: impl FnOnce() -> Resave,
) -> Option<Result<T, StoreError>> {
    match result {
        Err(StoreError::Conflict {
            id,
            by,
            version,
            theirs,
        }) => {
            let caught = Caught {
                resave: resave(),
                id,
                by,
                theirs,
                version,
            };
            // The screen may be gone at shutdown.
            let _ = out.send(Response::Conflict(Box::new(caught)));
            None
        }
        other => Some(other),
    }
}

/// Something the app loop must do to the world outside the state after
/// the frame is drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Put the text on the local clipboard (OSC 52).
    Copy(String),
}
