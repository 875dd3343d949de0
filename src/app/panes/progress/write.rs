//! The progress pane's writes as data: made by the key handlers, carried to
//! the database thread, applied there through the store (audited,
//! undoable), answered with the change set for the undo stack.

use crate::db::progress::{IndicatorColumn, ProgressField};
use crate::db::progress_board::Period;
use crate::db::{Store, StoreError};
use crate::wareki::span::Span;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Write {
    Progress {
        node: i64,
        period: Period,
        field: ProgressField,
        value: String,
        version: Option<i64>,
    },
    Note {
        node: i64,
        existing: Option<(i64, i64)>,
        label: String,
        fiscal_year: Option<i32>,
        text: String,
    },
    Lead {
        node: i64,
        version: i64,
        value: String,
    },
    Budget {
        node: i64,
        version: i64,
        kyen: Option<i64>,
    },
    CoDepartments {
        node: i64,
        shown: Vec<String>,
        names: Vec<String>,
    },
    IndicatorText {
        id: i64,
        column: IndicatorColumn,
        shown: String,
        value: String,
    },
    IndicatorActual {
        id: i64,
        period: Period,
        shown: Option<String>,
        value: String,
    },
    AddIndicator {
        node: i64,
        name: String,
    },
    DeleteIndicator(i64),
    AddMilestone {
        node: i64,
        span: Span,
        text: String,
    },
    UpdateMilestone {
        id: i64,
        shown: String,
        span: Span,
        text: String,
        done: bool,
    },
    DeleteMilestone(i64),
    CloseAction {
        id: i64,
        version: i64,
    },
    ReopenAction {
        id: i64,
        version: i64,
    },
}

impl Write {
    /// Run on the database thread.
    pub fn apply(&self, store: &mut Store) -> Result<(), StoreError> {
        match self {
            Write::Progress {
                node,
                period,
                field,
                value,
                version,
            } => store.set_progress_field(*node, *period, *field, value, *version),
            Write::Note {
                node,
                existing,
                label,
                fiscal_year,
                text,
            } => store.set_node_note_checked(*node, *existing, label, *fiscal_year, text),
            Write::Lead {
                node,
                version,
                value,
            } => store.set_lead_department(*node, *version, value),
            Write::Budget {
                node,
                version,
                kyen,
            } => store.set_node_budget(*node, *version, *kyen),
            Write::CoDepartments { node, shown, names } => {
                store.set_co_departments(*node, shown, names)
            }
            Write::IndicatorText {
                id,
                column,
                shown,
                value,
            } => store.set_indicator_text(*id, *column, shown, value),
            Write::IndicatorActual {
                id,
                period,
                shown,
                value,
            } => store.set_indicator_actual(*id, *period, shown.as_deref(), value),
            Write::AddIndicator { node, name } => store.add_indicator(*node, name).map(|_| ()),
            Write::DeleteIndicator(id) => store.delete_indicator(*id),
            Write::AddMilestone { node, span, text } => {
                store.add_milestone(*node, span, text).map(|_| ())
            }
            Write::UpdateMilestone {
                id,
                shown,
                span,
                text,
                done,
            } => store.update_milestone(*id, shown, span, text, *done),
            Write::DeleteMilestone(id) => store.delete_milestone(*id),
            Write::CloseAction { id, version } => store.close_action(*id, *version),
            Write::ReopenAction { id, version } => store.reopen_action(*id, *version),
        }
    }

    /// What the status line says after it worked.
    pub fn done_message(&self) -> String {
        match self {
            Write::Progress { field, value, .. } => match field {
                ProgressField::Status | ProgressField::Grade if value.is_empty() => {
                    format!("{}を未設定にしました（u で取り消し）", field.label_ja())
                }
                ProgressField::Status | ProgressField::Grade => {
                    format!(
                        "{}を「{value}」にしました（u で取り消し）",
                        field.label_ja()
                    )
                }
                _ => format!("{}を保存しました（u で取り消し）", field.label_ja()),
            },
            Write::Note { label, .. } => format!("{label}を保存しました（u で取り消し）"),
            Write::Lead { .. } => "主担当課を保存しました".into(),
            Write::Budget { .. } => "予算額を保存しました".into(),
            Write::CoDepartments { .. } => "関係課を保存しました".into(),
            Write::IndicatorText { .. } | Write::IndicatorActual { .. } => {
                "指標を保存しました".into()
            }
            Write::AddIndicator { .. } => "指標を追加しました".into(),
            Write::DeleteIndicator(_) => "指標を削除しました（u で取り消し）".into(),
            Write::AddMilestone { .. } => "マイルストーンを追加しました".into(),
            Write::UpdateMilestone { .. } => "マイルストーンを保存しました".into(),
            Write::DeleteMilestone(_) => "マイルストーンを削除しました（u で取り消し）".into(),
            Write::CloseAction { .. } => "宿題を完了にしました（u で取り消し）".into(),
            Write::ReopenAction { .. } => "宿題を未完了に戻しました".into(),
        }
    }
}

/// Split "平成18年4月 総合支所…" into a milestone date and its text.
pub fn parse_milestone_line(line: &str) -> Result<(Span, String), String> {
    let line = line.trim();
    let (date, text) = match line.split_once([' ', '\u{3000}']) {
        Some((d, t)) => (d, t.trim()),
        None => (line, ""),
    };
    let span = crate::wareki::span::parse(date).map_err(|e| e.to_string())?;
    if text.is_empty() {
        return Err(
            "日付のあとに空白を入れて内容を書いてください（例: 平成30年4月 組織の再編）".into(),
        );
    }
    Ok((span, text.to_string()))
}

/// "7,133" or "7133" or "" (no budget) → 千円.
pub fn parse_budget(s: &str) -> Result<Option<i64>, String> {
    let t = crate::wareki::normalize_digits(s);
    let t = t.trim().trim_end_matches("千円").replace(',', "");
    if t.is_empty() || t == "-" {
        return Ok(None);
    }
    t.parse::<i64>().map(Some).map_err(|_| {
        format!(
            "予算額「{}」が読めません（千円単位の数字か、空欄で予算なし）",
            s.trim()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn milestone_lines() {
        let (span, text) =
            parse_milestone_line("平成18年4月 総合支所中心の区政運営へ転換").expect("reads");
        assert_eq!(text, "総合支所中心の区政運営へ転換");
        assert_eq!(crate::wareki::span::format(&span), "平成18年4月");
        assert!(parse_milestone_line("平成18年4月").is_err());
        assert!(parse_milestone_line("いつか 何か").is_err());
    }

    #[test]
    fn budgets() {
        assert_eq!(parse_budget("7,133"), Ok(Some(7133)));
        assert_eq!(parse_budget("７１３３千円"), Ok(Some(7133)));
        assert_eq!(parse_budget(""), Ok(None));
        assert!(parse_budget("多め").is_err());
    }
}
