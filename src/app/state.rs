//! Everything the screen shows, as plain data. Drawing is a pure function of
//! this; only `update` changes it.

use chrono::{Datelike, NaiveDate};

use crate::db::{ItemRow, MeetingDetail, MeetingRow, OpinionRow, RecentChange};
use crate::widget::text_input::TextInput;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Meetings,
    Attendance,
    Policy,
    Progress,
}

impl Tab {
    pub const ALL: [Tab; 4] = [Tab::Meetings, Tab::Attendance, Tab::Policy, Tab::Progress];
    pub fn label(self) -> &'static str {
        match self {
            Tab::Meetings => "会議",
            Tab::Attendance => "出席",
            Tab::Policy => "運営方針",
            Tab::Progress => "進捗",
        }
    }
}

/// Which part of the screen has the keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Browsing the calendar and meeting list.
    Normal,
    /// Minute taking, typing in the input line.
    MinutesInput,
    /// Minute taking, moving among the entries of the current item.
    MinutesList,
}

impl Mode {
    pub fn label(self) -> &'static str {
        match self {
            Mode::Normal => "通常",
            Mode::MinutesInput => "記録",
            Mode::MinutesList => "記録・選択",
        }
    }
}

/// The meeting calendar pane.
#[derive(Debug, Clone, Default)]
pub struct CalendarState {
    /// The month shown in the grid (first day).
    pub month: NaiveDate,
    /// The day the cursor is on.
    pub cursor: NaiveDate,
    pub today: NaiveDate,
    /// The fiscal year whose meetings are listed.
    pub fiscal_year: i32,
    pub meetings: Vec<MeetingRow>,
    /// Index into `meetings`.
    pub selected: Option<usize>,
    pub detail: Option<MeetingDetail>,
    /// Lines the detail view is scrolled down by.
    pub detail_scroll: u16,
    pub loading: bool,
    /// Select this meeting when the year next loads (a just-created one).
    pub select_after_load: Option<i64>,
    /// The newest meeting of all, for a new meeting's defaults.
    pub latest: Option<MeetingDetail>,
    /// The fiscal year's months as bars of their meetings (`v`) instead of
    /// the month grid and the meeting list.
    pub year_view: bool,
    /// The entry or item the detail landed on (highlighted).
    pub landed: Option<Landed>,
    /// Keep the landed line in view until the detail is scrolled.
    pub follow_landed: bool,
    /// The chosen 関連 item under the detail (`r`), opened with `o`.
    pub related_cursor: Option<usize>,
}

impl CalendarState {
    pub fn new(today: NaiveDate) -> Self {
        CalendarState {
            month: first_of_month(today),
            cursor: today,
            today,
            fiscal_year: crate::wareki::fiscal_year(today),
            ..Default::default()
        }
    }

    pub fn selected_meeting(&self) -> Option<&MeetingRow> {
        self.selected.and_then(|i| self.meetings.get(i))
    }
}

pub fn first_of_month(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

/// One entry the minute taker sent: shown at once, ✓ when saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingEntry {
    pub item_id: i64,
    pub text: String,
    pub speaker: Option<String>,
    /// The id it was saved under; shown as saved until the reload has it.
    pub saved_id: Option<i64>,
}

/// Minute taking for one meeting.
#[derive(Debug, Clone, Default)]
pub struct MinutesState {
    pub meeting_id: i64,
    /// Index into the meeting's items.
    pub item: usize,
    /// Selected entry in the current item (list mode).
    pub entry: usize,
    /// List mode is on the item itself (its heading), not on an entry:
    /// `e` renames it and edits its 概要, `x` deletes it.
    pub heading: bool,
    pub input: TextInput,
    /// Speaker tag for the next entry.
    pub speaker: Option<String>,
    /// Entries sent but not yet confirmed saved.
    pub pending: Vec<PendingEntry>,
    /// Editing an existing entry (id, version) instead of adding.
    pub editing: Option<(i64, i64)>,
    /// When the draft was last saved (for the ✓ in the input line).
    pub draft_saved: bool,
    /// The unsent text put aside while an existing entry is edited.
    pub stashed: Option<String>,
    /// The entry being saved: it stays at the head of the input line
    /// (marked 保存中) until its write commits.
    pub saving: Option<String>,
    /// Since when the input line holds text the database has not confirmed
    /// (None: all of it is in the draft row or saved).
    pub unsaved_since: Option<std::time::Instant>,
}

impl MinutesState {
    pub fn draft_context(&self) -> String {
        format!("minutes:{}", self.meeting_id)
    }

    /// What the draft row should hold: the input line without the entry
    /// being saved at its head (that one is on its way to the database).
    pub fn draft_text(&self) -> &str {
        let text = self.input.text();
        match &self.saving {
            Some(head) => text
                .strip_prefix(head.as_str())
                .map_or(text, str::trim_start),
            None => text,
        }
    }

    /// The input changed or was sent: unconfirmed from now on, unless it
    /// already was.
    pub fn mark_unsaved(&mut self) {
        self.draft_saved = false;
        self.unsaved_since
            .get_or_insert_with(std::time::Instant::now);
    }

    /// The draft row holds `text`: confirmed when that is what the line
    /// holds and no entry is on its way.
    pub fn draft_confirmed(&mut self, text: &str) {
        self.draft_saved = self.draft_text() == text;
        if self.draft_saved && self.saving.is_none() {
            self.unsaved_since = None;
        }
    }
}

/// A one-line prompt over the status line (new item title, owner, date …).
#[derive(Debug, Clone)]
pub struct Prompt {
    pub purpose: PromptPurpose,
    pub label: String,
    pub input: TextInput,
    /// Candidates for fuzzy completion (job titles); empty for free text.
    pub candidates: Vec<String>,
    pub pick: usize,
    /// For checklists: the candidates ticked.
    pub checked: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PromptPurpose {
    NewItem,
    Speaker,
    ActionOwner {
        opinion: i64,
    },
    ActionDue {
        opinion: i64,
        owner: String,
    },
    /// A new meeting or edit of one: the whole form on one line per field.
    MeetingField(MeetingForm),
    ConfirmDeleteMeeting {
        id: i64,
        label: String,
    },
    ConfirmDeleteEntry {
        id: i64,
    },
    /// Editing an agenda item: its title, then its 概要 (multi-line).
    ItemTitle {
        id: i64,
        version: i64,
        summary: String,
    },
    ItemSummary {
        id: i64,
        version: i64,
        title: String,
    },
    ConfirmDeleteItem {
        id: i64,
    },
    /// The attendance checklist of the meeting being minuted.
    Attendance(AttendanceOpened),
    /// Someone saved this record while it was being edited (any screen):
    /// keep mine, keep theirs, or edit the two together.
    Conflict(Box<crate::app::msg::Caught>),
    /// Editing the two versions together on the prompt line; Enter saves
    /// over theirs.
    ConflictEdit(Box<crate::app::msg::Caught>),
}

/// What the attendance checklist was opened from: the meeting, its
/// version (a colleague's save meanwhile is asked about, not overwritten)
/// and its attendees in their own order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttendanceOpened {
    pub meeting: i64,
    pub version: i64,
    pub attendees: Vec<String>,
}

/// The fields of the meeting form, filled one prompt at a time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingForm {
    /// Editing this meeting (id, version); None for a new one.
    pub editing: Option<(i64, i64)>,
    pub step: FormStep,
    pub datetime: String,
    pub place: String,
    pub attendees: String,
    /// Kept as it was when editing; new meetings get one from their date.
    pub status: Option<crate::model::MeetingStatus>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormStep {
    DateTime,
    Place,
    Attendees,
}

/// Others' changes seen lately, for the status line.
#[derive(Debug, Clone, Default)]
pub struct Activity {
    pub recent: Vec<(RecentChange, std::time::Instant)>,
}

#[derive(Debug, Clone)]
pub struct Message {
    pub text: String,
    pub error: bool,
}

pub struct AppState {
    pub tab: Tab,
    pub mode: Mode,
    pub db_label: String,
    pub user: String,
    pub read_only: Option<String>,
    pub calendar: CalendarState,
    pub minutes: Option<MinutesState>,
    pub prompt: Option<Prompt>,
    pub help: bool,
    /// Rows the help overlay is scrolled down by.
    pub help_scroll: usize,
    pub message: Option<Message>,
    pub activity: Activity,
    /// Job titles known to the database (for speaker completion).
    pub job_titles: Vec<String>,
    /// Change sets this session made, newest last (undo pops them).
    pub undo_stack: Vec<i64>,
    pub redo_stack: Vec<i64>,
    pub quit: bool,
    pub attendance: crate::app::panes::attendance::state::State,
    pub policy: crate::app::panes::policy::state::State,
    pub import: crate::app::panes::import::state::State,
    pub progress: crate::app::panes::progress::state::State,
    pub search: crate::app::panes::search::state::State,
    /// The history overlay (履歴).
    pub history: crate::app::panes::history::state::State,
    /// For the app loop to carry out after the next draw (clipboard).
    pub effects: Vec<crate::app::msg::Effect>,
    /// How dates are shown (`dates` in config.toml).
    pub dates: crate::config::dates::DateStyle,
    /// Text given back from recovery files: (draft context, agenda item),
    /// so minute taking opens on the item it was typed for.
    pub restored_items: Vec<(String, i64)>,
}

impl AppState {
    pub fn new(db_label: String, user: String, today: NaiveDate) -> Self {
        AppState {
            tab: Tab::Meetings,
            mode: Mode::Normal,
            db_label,
            user,
            read_only: None,
            calendar: CalendarState::new(today),
            minutes: None,
            prompt: None,
            help: false,
            help_scroll: 0,
            message: None,
            activity: Activity::default(),
            job_titles: Vec::new(),
            undo_stack: Vec::new(),
            redo_stack: Vec::new(),
            quit: false,
            attendance: Default::default(),
            policy: Default::default(),
            import: Default::default(),
            progress: Default::default(),
            search: Default::default(),
            history: Default::default(),
            effects: Vec::new(),
            dates: Default::default(),
            restored_items: Vec::new(),
        }
    }

    /// Remember a change set this session made, for undo.
    pub fn record_batch(&mut self, batch: Option<i64>) {
        if let Some(b) = batch {
            self.undo_stack.push(b);
            self.redo_stack.clear();
        }
    }

    pub fn info(&mut self, text: impl Into<String>) {
        self.message = Some(Message {
            text: text.into(),
            error: false,
        });
    }

    pub fn error(&mut self, text: impl Into<String>) {
        self.message = Some(Message {
            text: text.into(),
            error: true,
        });
    }
}

/// Opens a one-line prompt, replacing any open one. Here, below every
/// screen and the prompt dispatcher, so both can open one.
pub fn open_prompt(
    s: &mut AppState,
    purpose: PromptPurpose,
    label: &str,
    text: &str,
    candidates: Vec<String>,
) {
    s.prompt = Some(Prompt {
        purpose,
        label: label.to_string(),
        input: TextInput::with_text(text),
        candidates,
        pick: 0,
        checked: Vec::new(),
    });
}

pub fn current_item(s: &AppState) -> Option<&ItemRow> {
    let m = s.minutes.as_ref()?;
    s.calendar.detail.as_ref()?.items.get(m.item)
}

pub fn selected_entry(s: &AppState) -> Option<&OpinionRow> {
    let m = s.minutes.as_ref()?;
    if m.heading {
        return None;
    }
    current_item(s)?.opinions.get(m.entry)
}

/// The agenda item itself is what list mode has selected: its heading, or
/// an item with no entries yet.
pub fn item_selected(s: &AppState) -> Option<&ItemRow> {
    let m = s.minutes.as_ref()?;
    let it = current_item(s)?;
    (m.heading || it.opinions.is_empty()).then_some(it)
}

/// What to land on in a meeting's detail (calendar/land.rs): vocabulary,
/// so that the state names it without reaching into a screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Landed {
    /// An opinion, 決定 or 宿題 (row of `opinions`).
    Entry(i64),
    /// An agenda item (row of `agenda_items`): its heading.
    Item(i64),
}
