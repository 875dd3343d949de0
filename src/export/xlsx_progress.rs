//! The progress sheet of the workbook in the shape of the 評価シート
//! planners fill in and print (seed 004, 新潟市の改革項目): one row per
//! item with its number, group, title, departments (主担当課 marked ●),
//! budget and 現状と課題; then for each fiscal year the year's plan and
//! actual, each half's status and 取組の状況, the grade, the evaluation
//! against plan and indicators, and the issues and next steps. Two header
//! rows (the year over its columns), frozen with the item's number, group
//! and title; printed landscape on A3, one page wide, the two header rows
//! on every page.

use anyhow::{Context, Result};
use rust_xlsxwriter::{Workbook, Worksheet, XlsxError};

use super::xlsx::{print_setup, said, write_cell, Cell, Formats};
use crate::db::progress_board::{year_label, Period, ProgressData, ProgressItem};
use crate::model::Half;

/// The sheet's name.
pub const NAME: &str = "進捗";

/// The columns before the years.
pub const FIXED: [&str; 6] = [
    "番号",
    "区分",
    "具体的な改革項目",
    "担当課",
    "予算額（千円）",
    "現状と課題",
];

/// The columns under each year.
pub const PER_YEAR: [&str; 9] = [
    "計画",
    "実績",
    "上半期 状況",
    "上半期（4～9月）取組の状況",
    "下半期 状況",
    "下半期（10～3月）取組の状況",
    "評価",
    "取組工程・指標に対する評価",
    "課題・今後の方針",
];

const FIXED_WIDTHS: [f64; 6] = [8.0, 24.0, 30.0, 18.0, 12.0, 40.0];
const YEAR_WIDTHS: [f64; 9] = [30.0, 30.0, 10.0, 30.0, 10.0, 30.0, 6.0, 30.0, 30.0];

/// The sheet's content.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    /// The fiscal years shown, oldest first.
    pub years: Vec<i32>,
    pub rows: Vec<Vec<Cell>>,
}

/// The 評価シート of `years` (every year the data touches when `None`).
pub fn evaluation(data: &ProgressData, years: Option<i32>) -> Evaluation {
    let years: Vec<i32> = match years {
        Some(fy) => vec![fy],
        None => {
            let mut ys: Vec<i32> = data
                .items
                .iter()
                .flat_map(|it| {
                    it.entries
                        .iter()
                        .map(|e| e.period.fiscal_year)
                        .chain(it.notes.iter().filter_map(|n| n.fiscal_year))
                })
                .collect();
            ys.sort_unstable();
            ys.dedup();
            ys
        }
    };
    let rows = data
        .items
        .iter()
        .filter(|it| years.iter().any(|fy| data.touches_year(it, *fy)))
        .map(|it| row(it, &years))
        .collect();
    Evaluation { years, rows }
}

fn row(it: &ProgressItem, years: &[i32]) -> Vec<Cell> {
    let text = |s: String| {
        if s.trim().is_empty() {
            Cell::Empty
        } else {
            Cell::Text(s.trim().to_string())
        }
    };
    let group = it
        .path
        .iter()
        .map(|n| format!("{} {}", n.level, n.label()).trim().to_string())
        .collect::<Vec<_>>()
        .join("\n");
    let mut departments: Vec<String> = it.lead_department.iter().map(|d| format!("{d}●")).collect();
    departments.extend(it.co_departments.iter().cloned());
    let mut cells = vec![
        text(it.code.clone()),
        text(group),
        text(it.title.clone()),
        text(departments.join("\n")),
        it.budget_kyen.map_or(Cell::Empty, Cell::Kyen),
        text(it.body.clone()),
    ];
    for &fy in years {
        cells.extend(year_cells(it, fy).into_iter().map(text));
    }
    cells
}

fn year_cells(it: &ProgressItem, fy: i32) -> [String; 9] {
    let entry = |h: Half| it.entry(Period::new(fy, h));
    let pick = |h: Half, f: fn(&crate::db::progress_board::Entry) -> &str| {
        entry(h).map(|e| f(e).to_string()).unwrap_or_default()
    };
    let notes = |want: &dyn Fn(&str) -> bool| {
        it.notes
            .iter()
            .filter(|n| n.fiscal_year == Some(fy) && want(&n.label))
            .map(|n| n.text.trim().to_string())
            .collect::<Vec<_>>()
            .join("\n")
    };
    let is_eval = |l: &str| l.contains("評価");
    let is_issue = |l: &str| !l.contains("評価") && (l.contains("課題") || l.contains("方針"));
    [
        pick(Half::Year, |e| &e.plan),
        pick(Half::Year, |e| &e.actual),
        pick(Half::First, |e| &e.status),
        pick(Half::First, |e| &e.actual),
        pick(Half::Second, |e| &e.status),
        pick(Half::Second, |e| &e.actual),
        pick(Half::Year, |e| &e.grade),
        notes(&is_eval),
        notes(&is_issue),
    ]
}

fn col(c: usize) -> Result<u16> {
    u16::try_from(c).context("列が多すぎます")
}

fn headers(ws: &mut Worksheet, years: &[i32], f: &Formats) -> Result<()> {
    let said = said(NAME);
    for (c, h) in FIXED.iter().enumerate() {
        let c = col(c)?;
        ws.merge_range(0, c, 1, c, h, &f.header).map_err(&said)?;
    }
    for (y, fy) in years.iter().enumerate() {
        let first = FIXED.len() + y * PER_YEAR.len();
        let label = year_label(*fy, false);
        let last = col(first + PER_YEAR.len() - 1)?;
        ws.merge_range(0, col(first)?, 0, last, &label, &f.header)
            .map_err(&said)?;
        for (i, h) in PER_YEAR.iter().enumerate() {
            ws.write_string_with_format(1, col(first + i)?, *h, &f.header)
                .map_err(&said)?;
        }
    }
    Ok(())
}

fn widths(ws: &mut Worksheet, years: usize) -> Result<(), XlsxError> {
    let all = FIXED_WIDTHS
        .iter()
        .chain(YEAR_WIDTHS.iter().cycle().take(years * PER_YEAR.len()));
    for (c, w) in all.enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    Ok(())
}

/// Writes the sheet into `wb`.
pub fn write(wb: &mut Workbook, eval: &Evaluation, f: &Formats) -> Result<()> {
    let said = said(NAME);
    let ws = wb.add_worksheet();
    ws.set_name(NAME).map_err(&said)?;
    headers(ws, &eval.years, f)?;
    widths(ws, eval.years.len()).map_err(&said)?;
    for (r, row) in eval.rows.iter().enumerate() {
        let r = u32::try_from(r + 2).context("行が多すぎます")?;
        for (c, cell) in row.iter().enumerate() {
            write_cell(ws, r, col(c)?, cell, true, f).map_err(&said)?;
        }
    }
    let last_col = col(FIXED.len() + eval.years.len() * PER_YEAR.len() - 1)?;
    let last_row = u32::try_from(eval.rows.len() + 1).context("行が多すぎます")?;
    ws.set_freeze_panes(2, 3).map_err(&said)?;
    ws.autofilter(1, 0, last_row, last_col).map_err(&said)?;
    print_setup(ws, 2).map_err(&said)?;
    // A3: the sheet is wide.
    ws.set_paper_size(8);
    Ok(())
}
