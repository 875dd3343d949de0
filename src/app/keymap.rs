//! Which key does what, per scope. The same table handles the keys and
//! writes the help overlay and the status-line hints, so they never disagree.
//! Defaults work over plain SSH: no key needs the kitty keyboard protocol.
//!
//! The defaults below (and each pane's `BINDINGS`) are the starting point;
//! the table in use is a [`Keymap`] built from them and the user's
//! `[keymap]` entries (see [`custom`]), installed once at start.

pub mod custom;
mod table;

use std::sync::OnceLock;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::Action;
pub use custom::{parse_key, KeymapEntry};
pub use table::{current, install, Keymap};

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Everywhere except while typing.
    Global,
    Calendar,
    MinutesInput,
    MinutesList,
    Prompt,
    Attendance,
    Policy,
    Progress,
    Search,
    /// The import overlay (path, preview).
    Import,
}

impl Scope {
    pub const ALL: [Scope; 10] = [
        Scope::Global,
        Scope::Calendar,
        Scope::MinutesInput,
        Scope::MinutesList,
        Scope::Prompt,
        Scope::Attendance,
        Scope::Policy,
        Scope::Progress,
        Scope::Search,
        Scope::Import,
    ];

    /// The scope's name in config.toml (`[keymap.calendar]`).
    pub fn name(self) -> &'static str {
        match self {
            Scope::Global => "global",
            Scope::Calendar => "calendar",
            Scope::MinutesInput => "minutes_input",
            Scope::MinutesList => "minutes_list",
            Scope::Prompt => "prompt",
            Scope::Attendance => "attendance",
            Scope::Policy => "policy",
            Scope::Progress => "progress",
            Scope::Search => "search",
            Scope::Import => "import",
        }
    }

    pub fn from_name(name: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|s| s.name() == name)
    }

    /// Scopes where plain characters are text being typed.
    pub fn is_typing(self) -> bool {
        matches!(self, Scope::MinutesInput | Scope::Prompt | Scope::Search)
    }

    pub fn title(self) -> &'static str {
        match self {
            Scope::Global => "全体",
            Scope::Calendar => "会議カレンダー",
            Scope::MinutesInput => "記録（入力中）",
            Scope::MinutesList => "記録（項目の選択）",
            Scope::Prompt => "入力欄",
            Scope::Attendance => "出席マトリクス",
            Scope::Policy => "運営方針",
            Scope::Progress => "進捗",
            Scope::Search => "検索",
            Scope::Import => "ファイルの読み込み",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Binding {
    pub scope: Scope,
    pub code: KeyCode,
    pub mods: KeyModifiers,
    pub action: Action,
    /// Shown in help (Japanese).
    pub help: &'static str,
    /// Shown in the status-line hints when set.
    pub hint: Option<&'static str>,
}

/// A binding, for the tables here and in each pane.
pub const fn binding(
    scope: Scope,
    code: KeyCode,
    mods: KeyModifiers,
    action: Action,
    help: &'static str,
    hint: Option<&'static str>,
) -> Binding {
    Binding {
        scope,
        code,
        mods,
        action,
        help,
        hint,
    }
}

use binding as b;
use Action as A;
use KeyCode::*;
use Scope as S;
const N: KeyModifiers = KeyModifiers::NONE;
const C: KeyModifiers = KeyModifiers::CONTROL;
const SH: KeyModifiers = KeyModifiers::SHIFT;

pub const DEFAULT: &[Binding] = &[
    b(S::Global, Char('q'), N, A::Quit, "終了", Some("終了")),
    b(
        S::Global,
        Char('?'),
        N,
        A::Help,
        "ヘルプ（このキー一覧）",
        Some("ヘルプ"),
    ),
    b(S::Global, F(1), N, A::Help, "ヘルプ（このキー一覧）", None),
    b(S::Global, Tab, N, A::NextTab, "次のタブ", None),
    b(S::Global, BackTab, SH, A::PrevTab, "前のタブ", None),
    b(S::Global, Char('1'), N, A::GoTab1, "会議タブ", None),
    b(S::Global, Char('2'), N, A::GoTab2, "出席タブ", None),
    b(S::Global, Char('3'), N, A::GoTab3, "運営方針タブ", None),
    b(S::Global, Char('4'), N, A::GoTab4, "進捗タブ", None),
    b(
        S::Global,
        Char('u'),
        N,
        A::Undo,
        "取り消し（この画面の変更。なければ最後の変更の履歴）",
        None,
    ),
    b(S::Global, Char('r'), C, A::Redo, "やり直し", None),
    b(S::Calendar, Left, N, A::DayLeft, "前の日", None),
    b(S::Calendar, Char('h'), N, A::DayLeft, "前の日", None),
    b(S::Calendar, Right, N, A::DayRight, "次の日", None),
    b(S::Calendar, Char('l'), N, A::DayRight, "次の日", None),
    b(S::Calendar, Up, N, A::WeekUp, "前の週", None),
    b(S::Calendar, Char('k'), N, A::WeekUp, "前の週", None),
    b(S::Calendar, Down, N, A::WeekDown, "次の週", None),
    b(S::Calendar, Char('j'), N, A::WeekDown, "次の週", None),
    b(S::Calendar, PageUp, N, A::PrevMonth, "前の月", None),
    b(S::Calendar, Char('<'), N, A::PrevMonth, "前の月", None),
    b(S::Calendar, PageDown, N, A::NextMonth, "次の月", None),
    b(S::Calendar, Char('>'), N, A::NextMonth, "次の月", None),
    b(
        S::Calendar,
        Char('['),
        N,
        A::PrevFiscalYear,
        "前の年度",
        None,
    ),
    b(
        S::Calendar,
        Char(']'),
        N,
        A::NextFiscalYear,
        "次の年度",
        None,
    ),
    b(S::Calendar, Char('t'), N, A::Today, "今日", None),
    b(
        S::Calendar,
        Char('p'),
        N,
        A::SelectPrevMeeting,
        "前の会議",
        None,
    ),
    b(
        S::Calendar,
        Char('n'),
        N,
        A::SelectNextMeeting,
        "次の会議",
        None,
    ),
    b(
        S::Calendar,
        Char('g'),
        N,
        A::FirstMeeting,
        "年度の最初の会議",
        None,
    ),
    b(
        S::Calendar,
        Char('G'),
        SH,
        A::LastMeeting,
        "年度の最後の会議",
        None,
    ),
    b(
        S::Calendar,
        Char('K'),
        SH,
        A::DetailScrollUp,
        "詳細を上へ",
        None,
    ),
    b(
        S::Calendar,
        Char('J'),
        SH,
        A::DetailScrollDown,
        "詳細を下へ",
        None,
    ),
    b(
        S::Calendar,
        Char('v'),
        N,
        A::ToggleChart,
        "年表示と月表示の切り替え",
        None,
    ),
    b(
        S::Calendar,
        Char('m'),
        N,
        A::StartMinutes,
        "この会議の記録をとる",
        Some("記録"),
    ),
    b(
        S::Calendar,
        Char('a'),
        N,
        A::NewMeeting,
        "新しい会議",
        Some("新規"),
    ),
    b(
        S::Calendar,
        Char('e'),
        N,
        A::EditMeeting,
        "会議を編集",
        Some("編集"),
    ),
    b(
        S::Calendar,
        Char('D'),
        SH,
        A::DeleteMeeting,
        "会議を削除（確認あり）",
        None,
    ),
    b(
        S::Calendar,
        Char('s'),
        N,
        A::CycleMeetingStatus,
        "会議の状態を切り替え",
        None,
    ),
    b(
        S::Calendar,
        Char('r'),
        N,
        A::NextRelated,
        "関連の議題を選ぶ（次へ）",
        None,
    ),
    b(
        S::Calendar,
        Char('o'),
        N,
        A::OpenRelated,
        "選んだ関連の議題の会議を開く",
        None,
    ),
    b(
        S::Calendar,
        Char('L'),
        SH,
        A::LinkItem,
        "議題を運営方針に関連づける",
        None,
    ),
    b(
        S::MinutesInput,
        Enter,
        N,
        A::Submit,
        "意見を保存",
        Some("保存"),
    ),
    b(S::MinutesInput, F(1), N, A::Help, "ヘルプ", Some("ヘルプ")),
    b(
        S::MinutesInput,
        Esc,
        N,
        A::ToList,
        "項目の選択へ",
        Some("選択"),
    ),
    b(S::MinutesInput, PageUp, N, A::PrevItem, "前の議題", None),
    b(
        S::MinutesInput,
        PageDown,
        N,
        A::NextItem,
        "次の議題",
        Some("議題"),
    ),
    b(S::MinutesInput, Up, N, A::PrevEntry, "前の項目を選ぶ", None),
    b(
        S::MinutesInput,
        Down,
        N,
        A::NextEntry,
        "次の項目を選ぶ",
        None,
    ),
    b(
        S::MinutesInput,
        Char('t'),
        C,
        A::TagSpeaker,
        "発言者（職名）をつける",
        Some("発言者"),
    ),
    b(
        S::MinutesInput,
        Char('n'),
        C,
        A::NewItem,
        "議題を追加",
        None,
    ),
    b(
        S::MinutesList,
        Char('i'),
        N,
        A::ToInput,
        "入力に戻る",
        Some("入力"),
    ),
    b(S::MinutesList, Enter, N, A::ToInput, "入力に戻る", None),
    b(
        S::MinutesList,
        Esc,
        N,
        A::LeaveMinutes,
        "記録を終える",
        Some("終える"),
    ),
    b(S::MinutesList, Char('k'), N, A::PrevEntry, "前の項目", None),
    b(S::MinutesList, Up, N, A::PrevEntry, "前の項目", None),
    b(S::MinutesList, Char('j'), N, A::NextEntry, "次の項目", None),
    b(S::MinutesList, Down, N, A::NextEntry, "次の項目", None),
    b(S::MinutesList, Char('['), N, A::PrevItem, "前の議題", None),
    b(S::MinutesList, PageUp, N, A::PrevItem, "前の議題", None),
    b(S::MinutesList, Char(']'), N, A::NextItem, "次の議題", None),
    b(S::MinutesList, PageDown, N, A::NextItem, "次の議題", None),
    b(
        S::MinutesList,
        Char('d'),
        N,
        A::MarkDecision,
        "決定にする",
        Some("決定"),
    ),
    b(
        S::MinutesList,
        Char('h'),
        N,
        A::MarkAction,
        "宿題にする（担当・期限）",
        Some("宿題"),
    ),
    b(
        S::MinutesList,
        Char('o'),
        N,
        A::MarkOpinion,
        "意見に戻す",
        None,
    ),
    b(
        S::MinutesList,
        Char('s'),
        N,
        A::TagSpeaker,
        "発言者をつける",
        None,
    ),
    b(
        S::MinutesList,
        Char('e'),
        N,
        A::EditEntry,
        "項目・議題を編集",
        Some("編集"),
    ),
    b(
        S::MinutesList,
        Char('x'),
        N,
        A::DeleteEntry,
        "項目・議題を削除",
        Some("削除"),
    ),
    b(
        S::MinutesList,
        Char('v'),
        N,
        A::ToggleVisibility,
        "公開・非公開を切り替え",
        None,
    ),
    b(
        S::MinutesList,
        Delete,
        N,
        A::DeleteEntry,
        "項目を削除",
        None,
    ),
    b(S::MinutesList, Char('a'), N, A::NewItem, "議題を追加", None),
    b(
        S::MinutesList,
        Char('c'),
        N,
        A::Attendance,
        "出席者のチェックリスト",
        Some("出席"),
    ),
    b(S::MinutesList, Char('K'), SH, A::ItemUp, "議題を上へ", None),
    b(
        S::MinutesList,
        Char('J'),
        SH,
        A::ItemDown,
        "議題を下へ",
        None,
    ),
    b(
        S::MinutesList,
        Char('L'),
        SH,
        A::LinkItem,
        "この議題を運営方針に関連づける",
        None,
    ),
    b(S::Prompt, Enter, N, A::Accept, "決定", Some("決定")),
    b(S::Prompt, Esc, N, A::Cancel, "やめる", Some("やめる")),
    b(S::Prompt, Up, N, A::PickPrev, "前の候補", None),
    b(S::Prompt, Down, N, A::PickNext, "次の候補", None),
    b(
        S::Prompt,
        Char(' '),
        N,
        A::Toggle,
        "チェックリスト: 選んだ職名の出欠を切り替え（候補がなければ新しい職名として追加）",
        None,
    ),
];

/// Normalise what terminals send: Shift is implied by an upper-case char.
pub(crate) fn same_key(binding: &Binding, key: &KeyEvent) -> bool {
    if binding.code != key.code {
        return false;
    }
    let mut mods = key.modifiers;
    if matches!(key.code, Char(c) if !c.is_ascii_lowercase()) || key.code == BackTab {
        mods.remove(KeyModifiers::SHIFT);
    }
    let mut want = binding.mods;
    want.remove(KeyModifiers::SHIFT);
    mods == want
}

static SCREENS: OnceLock<&'static [&'static [Binding]]> = OnceLock::new();

/// The screens' own bindings, collected by the core
/// (`app/bindings.rs`); only the first call counts.
pub fn register(screens: &'static [&'static [Binding]]) {
    let _ = SCREENS.set(screens);
}

/// Whether the screens' bindings are registered yet.
pub fn registered() -> bool {
    SCREENS.get().is_some()
}

/// Every default binding: the shell's and each registered screen's own
/// (before the user's `[keymap]`; [`current`] is the table in use).
pub fn all() -> impl Iterator<Item = &'static Binding> {
    let screens: &'static [&'static [Binding]] = SCREENS.get().copied().unwrap_or(&[]);
    DEFAULT.iter().chain(screens.iter().flat_map(|s| s.iter()))
}

/// What `key` does in `scope`, by the keymap in use.
pub fn lookup(scope: Scope, key: &KeyEvent) -> Option<Action> {
    current().lookup(scope, key)
}

/// A key as help shows it: "Ctrl-T", "PgDn", "G".
pub fn key_label(code: KeyCode, mods: KeyModifiers) -> String {
    let base = match code {
        Char(' ') => "Space".to_string(),
        Char(c) => c.to_string(),
        Enter => "Enter".into(),
        Esc => "Esc".into(),
        Tab => "Tab".into(),
        BackTab => "Shift-Tab".into(),
        // Arrows are East Asian ambiguous-width: spell them out.
        Left => "Left".into(),
        Right => "Right".into(),
        Up => "Up".into(),
        Down => "Down".into(),
        PageUp => "PgUp".into(),
        PageDown => "PgDn".into(),
        Home => "Home".into(),
        End => "End".into(),
        Delete => "Del".into(),
        Backspace => "BS".into(),
        F(n) => format!("F{n}"),
        other => format!("{other:?}"),
    };
    if mods.contains(KeyModifiers::CONTROL) {
        format!("Ctrl-{}", base.to_uppercase())
    } else if mods.contains(KeyModifiers::ALT) {
        format!("Alt-{base}")
    } else if mods.contains(KeyModifiers::SHIFT) && !matches!(code, Char(_) | BackTab) {
        format!("Shift-{base}")
    } else {
        base
    }
}

/// (keys, help) rows for a scope, keys of the same action joined, by the
/// keymap in use.
pub fn help_rows(scope: Scope) -> Vec<(String, &'static str)> {
    current().help_rows(scope)
}

/// Status-line hints for a scope: "m 記録  a 新規 …", by the keymap in use.
pub fn hints(scope: Scope) -> Vec<(String, &'static str)> {
    current().hints(scope)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_key_is_bound_twice_in_one_scope() {
        crate::app::bindings::register();
        let all: Vec<&Binding> = all().collect();
        for (i, a) in all.iter().enumerate() {
            for b in &all[i + 1..] {
                assert!(
                    !(a.scope == b.scope && a.code == b.code && a.mods == b.mods),
                    "{:?} {:?} bound twice",
                    a.scope,
                    a.code
                );
            }
        }
    }

    #[test]
    fn upper_case_letters_match_with_or_without_shift() {
        let with = KeyEvent::new(Char('G'), KeyModifiers::SHIFT);
        let without = KeyEvent::new(Char('G'), KeyModifiers::NONE);
        assert_eq!(lookup(Scope::Calendar, &with), Some(Action::LastMeeting));
        assert_eq!(lookup(Scope::Calendar, &without), Some(Action::LastMeeting));
        assert_eq!(
            lookup(
                Scope::Global,
                &KeyEvent::new(Char('?'), KeyModifiers::SHIFT)
            ),
            Some(Action::Help)
        );
    }

    #[test]
    fn help_comes_from_the_bindings() {
        let rows = help_rows(Scope::Calendar);
        assert!(rows.iter().any(|(k, h)| k == "Left h" && *h == "前の日"));
    }
}
