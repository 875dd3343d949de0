//! What the progress screen holds: plain data (and the few methods that keep
//! it consistent), read by its keys, its drawing and `AppState`.

use crate::db::progress::{IndicatorColumn, ProgressField};
use crate::db::progress_board::{Period, ProgressData};
use crate::wareki::span;
use crate::widget::text_input::TextInput;

/// One line of the grid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Row {
    /// A plan's title (index into `data.plans`).
    Plan(usize),
    /// The node the following items are grouped under.
    Group { text: String, indent: usize },
    /// An item (index into `data.items`).
    Item(usize),
}

/// A status column of the board: the items whose status as of the focused
/// period is `status` ("" = not set yet).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoardColumn {
    pub status: String,
    /// (item index, the earlier period the status was carried from).
    pub items: Vec<(usize, Option<Period>)>,
}

/// What the pane shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum View {
    /// Items × periods.
    #[default]
    Grid,
    /// Items in columns by status.
    Board,
    /// One item at one period, every field.
    Detail,
    /// The 宿題 from the minutes.
    Actions,
    /// A stacked status bar per half year.
    Chart,
    /// 年表: the dated entries in order, under a timeline.
    History,
}

impl View {
    pub fn label(self) -> &'static str {
        match self {
            View::Grid => "表",
            View::Board => "ボード",
            View::Detail => "詳細",
            View::Actions => "宿題",
            View::Chart => "グラフ",
            View::History => "年表",
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Plan id.
    pub plan: Option<i64>,
    pub fiscal_year: Option<i32>,
    pub department: Option<String>,
    /// Status as of the focused period.
    pub status: Option<String>,
    /// Only overdue 宿題 and items with overdue milestones.
    pub overdue: bool,
    /// Fuzzy text on item titles (and 宿題 text).
    pub text: TextInput,
    /// The text filter has the keys.
    pub typing: bool,
}

impl Filter {
    pub fn is_active(&self) -> bool {
        self.plan.is_some()
            || self.fiscal_year.is_some()
            || self.department.is_some()
            || self.status.is_some()
            || self.overdue
            || !self.text.is_empty()
    }
}

/// A field being edited in the detail view.
#[derive(Debug, Clone)]
pub struct Editing {
    pub target: Target,
    pub label: String,
    pub input: TextInput,
}

#[derive(Debug, Clone, Default)]
pub struct State {
    /// Whether the pane has asked for its data yet.
    pub loaded: bool,
    pub data: Option<ProgressData>,
    pub view: View,
    /// Where Esc from the detail goes.
    pub back: View,
    /// Western fiscal years (FY2013 H1) instead of 和暦 (H25上).
    pub western: bool,
    pub filter: Filter,
    /// Derived from data and filter by `view::rebuild`.
    pub rows: Vec<Row>,
    pub periods: Vec<Period>,
    pub board: Vec<BoardColumn>,
    /// Indices into `data.actions`, in display order.
    pub actions: Vec<usize>,
    /// The selected item (node id) and period.
    pub node: Option<i64>,
    pub period: Option<Period>,
    /// Selected field of the detail (index into `detail::fields`).
    pub field: usize,
    /// Selected 宿題 (index into `actions`).
    pub action: usize,
    pub editing: Option<Editing>,
    /// The editor whose save is on its way to the database.
    pub saving: Option<Editing>,
    /// First row of the chart and first entry of the 年表.
    pub scroll: usize,
    /// Item (node id) and progress entry id to select once the board
    /// holds them (search's Enter).
    pub land_after_load: Option<(i64, i64)>,
}

/// What editing a field changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A heading or a line to read only.
    None,
    Progress {
        node: i64,
        period: Period,
        field: ProgressField,
        version: Option<i64>,
    },
    Note {
        node: i64,
        existing: Option<(i64, i64)>,
        label: String,
        fiscal_year: Option<i32>,
    },
    Lead {
        node: i64,
        version: i64,
    },
    Budget {
        node: i64,
        version: i64,
    },
    CoDepartments {
        node: i64,
        shown: Vec<String>,
    },
    Indicator {
        id: i64,
        column: IndicatorColumn,
        shown: String,
    },
    IndicatorActual {
        id: i64,
        period: Period,
        shown: Option<String>,
    },
    Milestone {
        id: i64,
        shown: String,
        span: span::Span,
        done: bool,
    },
    NewMilestone {
        node: i64,
    },
    NewIndicator {
        node: i64,
    },
}
