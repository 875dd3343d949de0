//! What a key means, independent of which key it is. The snake_case names
//! are also the vocabulary of key bindings.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Quit,
    Help,
    NextTab,
    PrevTab,
    GoTab1,
    GoTab2,
    GoTab3,
    GoTab4,
    // Calendar
    DayLeft,
    DayRight,
    WeekUp,
    WeekDown,
    PrevMonth,
    NextMonth,
    PrevFiscalYear,
    NextFiscalYear,
    Today,
    SelectPrevMeeting,
    SelectNextMeeting,
    FirstMeeting,
    LastMeeting,
    DetailScrollUp,
    DetailScrollDown,
    NewMeeting,
    EditMeeting,
    DeleteMeeting,
    StartMinutes,
    Undo,
    Redo,
    // Minute taking
    Submit,
    ToList,
    ToInput,
    LeaveMinutes,
    PrevItem,
    NextItem,
    PrevEntry,
    NextEntry,
    NewItem,
    ItemUp,
    ItemDown,
    TagSpeaker,
    MarkDecision,
    MarkAction,
    MarkOpinion,
    EditEntry,
    DeleteEntry,
    Attendance,
    // Prompts
    Accept,
    Cancel,
    PickPrev,
    PickNext,
    Toggle,
    // Search
    Search,
    PickPageUp,
    PickPageDown,
}
