//! The progress board's writes: plan against actual, status and grade per
//! period, notes, departments, budget, indicators, milestones, and closing
//! 宿題. Each is one short transaction through `write_labeled`, audited and
//! undoable as one change set. Rows that carry a `version` are checked
//! against the version the screen showed; the others against the value it
//! showed, so nobody overwrites a colleague's save unseen.

use rusqlite::{params, OptionalExtension};

use super::progress_board::Period;
use super::{conflict, now_stamp, Result, Store, StoreError, Tx};
use crate::wareki::span::Span;

/// A text column of `progress`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgressField {
    Plan,
    Actual,
    Status,
    Grade,
    Note,
}

impl ProgressField {
    fn column(self) -> &'static str {
        match self {
            Self::Plan => "plan",
            Self::Actual => "actual",
            Self::Status => "status",
            Self::Grade => "grade",
            Self::Note => "note",
        }
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            Self::Plan => "計画",
            Self::Actual => "実績",
            Self::Status => "状況",
            Self::Grade => "評価",
            Self::Note => "備考",
        }
    }
}

/// The row's version must still be `version` (see [`super::conflict`]);
/// `theirs` is the column shown to the user when it is not.
fn expect_version(tx: &Tx, table: &str, id: i64, version: i64, theirs: &str) -> Result<()> {
    conflict::expect_version(tx, table, id, version, theirs)
}

/// The text column must still hold `expected`.
fn expect_text(tx: &Tx, table: &str, column: &str, id: i64, expected: &str) -> Result<()> {
    let now: Option<String> = tx
        .conn()
        .query_row(
            &format!("SELECT {column} FROM {table} WHERE id = ?1"),
            [id],
            |r| r.get(0),
        )
        .optional()?;
    conflict::expect_value(tx, table, id, expected, now)
}

fn next_position(tx: &Tx, table: &str, node: i64) -> Result<i64> {
    Ok(tx.conn().query_row(
        &format!("SELECT coalesce(max(position), -1) + 1 FROM {table} WHERE node_id = ?1"),
        [node],
        |r| r.get(0),
    )?)
}

fn iso(d: chrono::NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

impl Store {
    /// Set one text of a node's progress for a period, creating the row if
    /// there is none. `version` is the row's version as shown (None: the
    /// screen showed no row).
    pub fn set_progress_field(
        &mut self,
        node: i64,
        period: Period,
        field: ProgressField,
        value: &str,
        version: Option<i64>,
    ) -> Result<()> {
        let label = format!("進捗の{}", field.label_ja());
        let col = field.column();
        self.write_labeled(&label, |tx| {
            let row: Option<(i64, i64)> = tx
                .conn()
                .query_row(
                    "SELECT id, version FROM progress WHERE node_id = ?1 AND fiscal_year = ?2 AND half = ?3",
                    params![node, period.fiscal_year, period.half.as_str()],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            // A row someone created since the screen showed none counts
            // as version 0 having moved on.
            if let Some((id, _)) = row {
                expect_version(tx, "progress", id, version.unwrap_or(0), col)?;
            }
            match (row, version) {
                (Some((id, _)), _) => {
                    tx.update(
                        "progress",
                        id,
                        &format!(
                            "UPDATE progress SET {col} = ?2, version = version + 1 WHERE id = ?1"
                        ),
                        params![id, value],
                    )?;
                }
                (None, Some(_)) => {
                    return Err(StoreError::Invalid("この記録は削除されています".into()))
                }
                (None, None) => {
                    if value.is_empty() {
                        return Ok(());
                    }
                    tx.insert(
                        "progress",
                        &format!(
                            "INSERT INTO progress (node_id, fiscal_year, half, {col}) VALUES (?1, ?2, ?3, ?4)"
                        ),
                        params![node, period.fiscal_year, period.half.as_str(), value],
                    )?;
                }
            }
            Ok(())
        })
    }

    /// Write a labelled note of a node: update note `existing` (id, version),
    /// or add one when there is none yet. Empty text on a new note adds nothing.
    pub fn set_node_note_checked(
        &mut self,
        node: i64,
        existing: Option<(i64, i64)>,
        label: &str,
        fiscal_year: Option<i32>,
        text: &str,
    ) -> Result<()> {
        self.write_labeled(&format!("{label}の編集"), |tx| {
            // A note someone added since the screen showed none.
            let added: Option<i64> = tx
                .conn()
                .query_row(
                    "SELECT id FROM node_notes WHERE node_id = ?1 AND label = ?2 AND fiscal_year IS ?3",
                    params![node, label, fiscal_year],
                    |r| r.get(0),
                )
                .optional()?;
            if let (None, Some(id)) = (existing, added) {
                expect_version(tx, "node_notes", id, 0, "text")?;
            }
            match existing {
                Some((id, version)) => {
                    expect_version(tx, "node_notes", id, version, "text")?;
                    tx.update(
                        "node_notes",
                        id,
                        "UPDATE node_notes SET text = ?2, version = version + 1 WHERE id = ?1",
                        params![id, text],
                    )?;
                }
                None if text.is_empty() => {}
                None => {
                    let pos = next_position(tx, "node_notes", node)?;
                    tx.insert(
                        "node_notes",
                        "INSERT INTO node_notes (node_id, position, label, fiscal_year, text)
                         VALUES (?1, ?2, ?3, ?4, ?5)",
                        params![node, pos, label, fiscal_year, text],
                    )?;
                }
            }
            Ok(())
        })
    }

    /// The lead department (主担当, ● in the source); empty clears it.
    pub fn set_lead_department(&mut self, node: i64, version: i64, lead: &str) -> Result<()> {
        let lead = lead.trim();
        self.write_labeled("主担当課の変更", |tx| {
            expect_version(tx, "plan_nodes", node, version, "lead_department")?;
            tx.update(
                "plan_nodes",
                node,
                "UPDATE plan_nodes SET lead_department = ?2, version = version + 1 WHERE id = ?1",
                params![node, (!lead.is_empty()).then_some(lead)],
            )?;
            Ok(())
        })
    }

    /// The budget in 千円; None is "no budget" (-円), never zero.
    pub fn set_node_budget(&mut self, node: i64, version: i64, kyen: Option<i64>) -> Result<()> {
        self.write_labeled("予算額の変更", |tx| {
            expect_version(tx, "plan_nodes", node, version, "budget_kyen")?;
            tx.update(
                "plan_nodes",
                node,
                "UPDATE plan_nodes SET budget_kyen = ?2, version = version + 1 WHERE id = ?1",
                params![node, kyen],
            )?;
            Ok(())
        })
    }

    /// Make the co-departments (関係課) exactly `names`, in that order.
    /// `shown` is the list the screen showed.
    pub fn set_co_departments(
        &mut self,
        node: i64,
        shown: &[String],
        names: &[String],
    ) -> Result<()> {
        self.write_labeled("関係課の変更", |tx| {
            let mut stmt = tx.conn().prepare(
                "SELECT id, name, position FROM node_co_departments WHERE node_id = ?1 ORDER BY position, id",
            )?;
            let current: Vec<(i64, String, i64)> = stmt
                .query_map([node], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<rusqlite::Result<_>>()?;
            // The list as a whole is the value: checked against the node.
            let now: Vec<&str> = current.iter().map(|c| c.1.as_str()).collect();
            let shown: Vec<&str> = shown.iter().map(String::as_str).collect();
            if now != shown {
                let by = conflict::last_editor_of(
                    tx,
                    "node_co_departments",
                    "SELECT id FROM node_co_departments WHERE node_id = ?1",
                    node,
                )
                .unwrap_or_else(|| "ほかの人".into());
                conflict::expect_value_named(
                    tx,
                    "node_co_departments",
                    node,
                    &shown.join("、"),
                    Some(now.join("、")),
                    Some(by),
                )?;
            }
            let mut wanted: Vec<&str> = Vec::new();
            for n in names.iter().map(|n| n.trim()).filter(|n| !n.is_empty()) {
                if !wanted.contains(&n) {
                    wanted.push(n);
                }
            }
            for (id, name, _) in &current {
                if !wanted.contains(&name.as_str()) {
                    tx.delete("node_co_departments", *id)?;
                }
            }
            for (pos, name) in wanted.iter().enumerate() {
                let pos = pos as i64;
                match current.iter().find(|c| c.1 == *name) {
                    Some((id, _, p)) if *p != pos => {
                        tx.update(
                            "node_co_departments",
                            *id,
                            "UPDATE node_co_departments SET position = ?2 WHERE id = ?1",
                            params![id, pos],
                        )?;
                    }
                    Some(_) => {}
                    None => {
                        tx.insert(
                            "node_co_departments",
                            "INSERT INTO node_co_departments (node_id, position, name) VALUES (?1, ?2, ?3)",
                            params![node, pos, name],
                        )?;
                    }
                }
            }
            Ok(())
        })
    }

    /// An indicator's name, unit or target (`column` is one of those).
    pub fn set_indicator_text(
        &mut self,
        id: i64,
        column: IndicatorColumn,
        shown: &str,
        value: &str,
    ) -> Result<()> {
        let col = column.column();
        self.write_labeled("指標の編集", |tx| {
            expect_text(tx, "indicators", col, id, shown)?;
            tx.update(
                "indicators",
                id,
                &format!("UPDATE indicators SET {col} = ?2 WHERE id = ?1"),
                params![id, value.trim()],
            )?;
            Ok(())
        })
    }

    /// An indicator's actual value for a period (added when there is none).
    pub fn set_indicator_actual(
        &mut self,
        indicator: i64,
        period: Period,
        shown: Option<&str>,
        value: &str,
    ) -> Result<()> {
        self.write_labeled("指標の実績", |tx| {
            let row: Option<(i64, String)> = tx
                .conn()
                .query_row(
                    "SELECT id, actual FROM indicator_values
                     WHERE indicator_id = ?1 AND fiscal_year = ?2 AND half = ?3",
                    params![indicator, period.fiscal_year, period.half.as_str()],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            if let Some((id, now)) = &row {
                conflict::expect_value(
                    tx,
                    "indicator_values",
                    *id,
                    shown.unwrap_or(""),
                    Some(now.clone()),
                )?;
            }
            match (row, shown) {
                (Some((id, _)), _) => {
                    tx.update(
                        "indicator_values",
                        id,
                        "UPDATE indicator_values SET actual = ?2 WHERE id = ?1",
                        params![id, value.trim()],
                    )?;
                }
                (None, _) if value.trim().is_empty() => {}
                (None, _) => {
                    tx.insert(
                        "indicator_values",
                        "INSERT INTO indicator_values (indicator_id, fiscal_year, half, actual)
                         VALUES (?1, ?2, ?3, ?4)",
                        params![
                            indicator,
                            period.fiscal_year,
                            period.half.as_str(),
                            value.trim()
                        ],
                    )?;
                }
            }
            Ok(())
        })
    }

    /// A new indicator on a node; returns its id.
    pub fn add_indicator(&mut self, node: i64, name: &str) -> Result<i64> {
        let name = name.trim();
        if name.is_empty() {
            return Err(StoreError::Invalid("指標名が空です".into()));
        }
        self.write_labeled("指標の追加", |tx| {
            let pos = next_position(tx, "indicators", node)?;
            tx.insert(
                "indicators",
                "INSERT INTO indicators (node_id, position, name) VALUES (?1, ?2, ?3)",
                params![node, pos, name],
            )
        })
    }

    /// Delete an indicator with its values.
    pub fn delete_indicator(&mut self, id: i64) -> Result<()> {
        self.write_labeled("指標の削除", |tx| {
            let mut stmt = tx
                .conn()
                .prepare("SELECT id FROM indicator_values WHERE indicator_id = ?1")?;
            let values: Vec<i64> = stmt
                .query_map([id], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            for v in values {
                tx.delete("indicator_values", v)?;
            }
            tx.delete("indicators", id)?;
            Ok(())
        })
    }

    /// A new milestone; returns its id.
    pub fn add_milestone(&mut self, node: i64, span: &Span, text: &str) -> Result<i64> {
        let text = text.trim();
        if text.is_empty() {
            return Err(StoreError::Invalid("マイルストーンの内容が空です".into()));
        }
        self.write_labeled("マイルストーンの追加", |tx| {
            let pos = next_position(tx, "milestones", node)?;
            tx.insert(
                "milestones",
                "INSERT INTO milestones (node_id, position, date, precision, until, text, done)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0)",
                params![
                    node,
                    pos,
                    iso(span.date),
                    span.precision.as_str(),
                    span.until.map(iso),
                    text
                ],
            )
        })
    }

    /// Change a milestone's date, text or done flag. `shown` is the text as
    /// the screen showed it (the row has no version).
    pub fn update_milestone(
        &mut self,
        id: i64,
        shown: &str,
        span: &Span,
        text: &str,
        done: bool,
    ) -> Result<()> {
        let text = text.trim();
        if text.is_empty() {
            return Err(StoreError::Invalid(
                "マイルストーンの内容が空です。消すときは x で削除してください".into(),
            ));
        }
        self.write_labeled("マイルストーンの編集", |tx| {
            expect_text(tx, "milestones", "text", id, shown)?;
            tx.update(
                "milestones",
                id,
                "UPDATE milestones SET date = ?2, precision = ?3, until = ?4, text = ?5, done = ?6
                 WHERE id = ?1",
                params![
                    id,
                    iso(span.date),
                    span.precision.as_str(),
                    span.until.map(iso),
                    text,
                    done
                ],
            )?;
            Ok(())
        })
    }

    pub fn delete_milestone(&mut self, id: i64) -> Result<()> {
        self.write_labeled("マイルストーンの削除", |tx| {
            tx.delete("milestones", id)?;
            Ok(())
        })
    }

    /// Close a 宿題: when and by whom (this OS user).
    pub fn close_action(&mut self, opinion: i64, version: i64) -> Result<()> {
        self.write_labeled("宿題の完了", |tx| {
            expect_version(tx, "opinions", opinion, version, "text")?;
            let now = now_stamp();
            tx.update(
                "opinions",
                opinion,
                "UPDATE opinions SET closed_at = ?2, closed_by = ?3, version = version + 1,
                   updated_at = ?2, updated_by = ?3 WHERE id = ?1 AND kind = 'action'",
                params![opinion, now, tx.user()],
            )?;
            Ok(())
        })
    }

    /// Open a closed 宿題 again.
    pub fn reopen_action(&mut self, opinion: i64, version: i64) -> Result<()> {
        self.write_labeled("宿題を未完了に戻す", |tx| {
            expect_version(tx, "opinions", opinion, version, "text")?;
            tx.update(
                "opinions",
                opinion,
                "UPDATE opinions SET closed_at = NULL, closed_by = NULL, version = version + 1,
                   updated_at = ?2, updated_by = ?3 WHERE id = ?1",
                params![opinion, now_stamp(), tx.user()],
            )?;
            Ok(())
        })
    }
}

/// The editable text columns of an indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndicatorColumn {
    Name,
    Unit,
    Target,
}

impl IndicatorColumn {
    fn column(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Unit => "unit",
            Self::Target => "target",
        }
    }
}
