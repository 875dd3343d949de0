//! What goes into the workbook: the store's tables, filtered by fiscal
//! year and committee, as the sheets of [`super::xlsx`].

use anyhow::Result;

use super::minutes::{self, Selection};
use rust_xlsxwriter::Workbook;

use super::xlsx::{kind_of, write_sheet, Formats, Kind, Sheet};
use super::{attendance, policy, tables, xlsx_progress};
use crate::db::Store;
use crate::model::OpinionKind;

/// One sheet of the workbook.
#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    /// A table with its header row.
    Table(Sheet),
    /// The progress sheet, laid out as the 評価シート.
    Progress(xlsx_progress::Evaluation),
}

/// The workbook's bytes, one sheet per part, in order.
pub fn workbook(parts: &[Part]) -> Result<Vec<u8>> {
    let mut wb = Workbook::new();
    let f = Formats::new();
    for part in parts {
        match part {
            Part::Table(sheet) => write_sheet(&mut wb, sheet, &f)?,
            Part::Progress(eval) => xlsx_progress::write(&mut wb, eval, &f)?,
        }
    }
    wb.save_to_buffer()
        .map_err(|e| anyhow::anyhow!("xlsx を作れません: {e}"))
}

/// A sheet of the workbook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    Meetings,
    Opinions,
    Attendance,
    Policy,
    Progress,
    /// 宿題: the opinions that are actions, with owner and due date.
    Actions,
}

/// Every sheet, in the workbook's order.
pub const ALL: [Table; 6] = [
    Table::Meetings,
    Table::Opinions,
    Table::Attendance,
    Table::Policy,
    Table::Progress,
    Table::Actions,
];

impl Table {
    pub fn sheet_name(self) -> &'static str {
        match self {
            Table::Meetings => "会議",
            Table::Opinions => "意見",
            Table::Attendance => "出席",
            Table::Policy => "運営方針",
            Table::Progress => xlsx_progress::NAME,
            Table::Actions => "宿題",
        }
    }
}

/// The workbook of `tables` of fiscal year `fy` (every year when `None`)
/// and of `committee` (every committee when `None`).
pub fn from_store(
    store: &Store,
    tables: &[Table],
    fy: Option<i32>,
    committee: Option<&str>,
) -> Result<Vec<u8>> {
    let needs_data = tables
        .iter()
        .any(|t| matches!(t, Table::Meetings | Table::Opinions | Table::Actions));
    let data = if needs_data {
        store.export()?
    } else {
        Default::default()
    };
    let sel = fy.map_or(Selection::All, Selection::FiscalYear);
    let found = minutes::select(&data, sel, committee);
    let mut parts = Vec::new();
    for &t in tables {
        let name = t.sheet_name();
        parts.push(match t {
            Table::Meetings => {
                Part::Table(Sheet::from_table(name, tables::meetings(&found), kind_of))
            }
            Table::Opinions => {
                Part::Table(Sheet::from_table(name, tables::opinions(&found), kind_of))
            }
            Table::Actions => {
                let mut rows = tables::opinions(&found);
                let label = OpinionKind::Action.label_ja();
                let kind_col = rows
                    .first()
                    .and_then(|h| h.iter().position(|c| c == "種別"));
                let header = rows.remove(0);
                rows.retain(|r| kind_col.and_then(|k| r.get(k)).is_some_and(|k| k == label));
                rows.insert(0, header);
                Part::Table(Sheet::from_table(name, rows, kind_of))
            }
            Table::Attendance => Part::Table(attendance_sheet(store, fy)?),
            Table::Policy => Part::Table(Sheet::from_table(
                name,
                policy::csv_rows(&store.policy_tree()?, fy),
                kind_of,
            )),
            Table::Progress => {
                Part::Progress(xlsx_progress::evaluation(&store.progress_board()?, fy))
            }
        });
    }
    workbook(&parts)
}

fn attendance_sheet(store: &Store, fy: Option<i32>) -> Result<Sheet> {
    let name = Table::Attendance.sheet_name();
    let years = match fy {
        Some(fy) => Some((fy, fy)),
        None => {
            let ys = store.fiscal_years()?;
            ys.first().zip(ys.last()).map(|(a, b)| (*a, *b))
        }
    };
    let table = match years {
        Some((a, b)) => attendance::rows(&store.attendance_matrix(a, b)?),
        None => vec![vec!["職名".to_string(), "旧職名".to_string()]],
    };
    Ok(Sheet::from_table(name, table, |h| match h {
        "職名" | "旧職名" | "出席率" => Kind::Text,
        _ => Kind::Auto,
    }))
}
