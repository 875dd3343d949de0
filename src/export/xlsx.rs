//! The tables as an Excel workbook (`kusei export --format xlsx -o FILE`),
//! written with `rust_xlsxwriter`: one sheet per table (会議, 意見, 出席,
//! 運営方針, 進捗, 宿題) or the one `--table` names.
//!
//! Each cell has the type Excel should see: text from the data is always
//! a text cell (never a formula, whatever it starts with; codes such as
//! `1-1` stay text), counts are numbers, budgets (千円) are numbers shown
//! with thousands separators, dates are real dates shown in 和暦
//! ([`WAREKI_DATE`]). Every sheet has its header row frozen, an autofilter,
//! column widths measured in display columns (a kanji counts two), and a
//! print setup (landscape, one page wide, header rows on every page). The
//! progress sheet is laid out as the 評価シート planners print, see
//! `xlsx_progress`; `xlsx_book` puts the sheets together.

use anyhow::{bail, Context, Result};
use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{
    ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};
use unicode_width::UnicodeWidthStr;

use super::csv::EXCEL_MAX_ROWS;

/// Dates in 和暦: 平成29年6月21日 (`[$-411]` is the Japanese locale, `ggg`
/// the era's name, `e` the year of the era). Excel 2019 and later also
/// know `[$-ja-JP-x-gannen]`, which writes 元年 for year 1; `[$-411]`
/// writes 1年 but opens in every version.
pub const WAREKI_DATE: &str = "[$-411]ggge\"年\"m\"月\"d\"日\"";

/// Budgets in 千円: 48,639.
pub const KYEN: &str = "#,##0";

/// The widest a column gets (in Excel's character units); longer text
/// wraps.
pub const MAX_WIDTH: f64 = 50.0;

/// One cell of a sheet.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Int(i64),
    /// 千円, shown with thousands separators.
    Kyen(i64),
    Date(NaiveDate),
}

impl Cell {
    fn text(s: impl Into<String>) -> Cell {
        let s = s.into();
        if s.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(s)
        }
    }

    /// Display columns the cell needs (its longest line).
    fn width(&self) -> usize {
        match self {
            Cell::Empty => 0,
            Cell::Text(s) => s.lines().map(UnicodeWidthStr::width).max().unwrap_or(0),
            Cell::Int(n) => n.to_string().len(),
            Cell::Kyen(n) => n.to_string().len() * 4 / 3 + 1,
            // 平成29年12月31日
            Cell::Date(_) => 17,
        }
    }
}

/// How a column's text is read into cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Int,
    Kyen,
    /// YYYY-MM-DD.
    Date,
    /// A whole number where the text is one, else text (the attendance
    /// matrix: 〇 in the rows, counts in the last two).
    Auto,
}

/// The type of a column of kusei's tables, by its header.
pub fn kind_of(header: &str) -> Kind {
    match header {
        "日付" | "期限" => Kind::Date,
        "年度"
        | "回"
        | "出席者数"
        | "議題数"
        | "意見数"
        | "決定数"
        | "宿題数"
        | "議題番号"
        | "深さ"
        | "関連する議題の数"
        | "出席回数" => Kind::Int,
        h if h.contains("千円") => Kind::Kyen,
        _ => Kind::Text,
    }
}

/// A cell from the text a table holds: a number or date where the column
/// says so and the text reads as one, else the text.
pub fn cell(kind: Kind, s: &str) -> Cell {
    let int = || s.trim().parse::<i64>().ok();
    let parsed = match kind {
        Kind::Text => None,
        Kind::Int | Kind::Auto => int().map(Cell::Int),
        Kind::Kyen => int().map(Cell::Kyen),
        Kind::Date => NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
            .ok()
            .map(Cell::Date),
    };
    parsed.unwrap_or_else(|| Cell::text(s))
}

/// A sheet: a header row and rows of typed cells.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    pub name: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

impl Sheet {
    /// A sheet from one of kusei's text tables (header first), each column
    /// typed by `kind` of its header.
    pub fn from_table(name: &str, table: Vec<Vec<String>>, kind: impl Fn(&str) -> Kind) -> Sheet {
        let mut rows = table.into_iter();
        let header = rows.next().unwrap_or_default();
        let kinds: Vec<Kind> = header.iter().map(|h| kind(h)).collect();
        let rows = rows
            .map(|r| {
                r.iter()
                    .enumerate()
                    .map(|(i, s)| cell(kinds.get(i).copied().unwrap_or(Kind::Text), s))
                    .collect()
            })
            .collect();
        Sheet {
            name: name.to_string(),
            header,
            rows,
        }
    }

    /// Each column's width in Excel's units, and whether it wraps.
    fn widths(&self) -> Vec<(f64, bool)> {
        (0..self.header.len())
            .map(|c| {
                let cells = self.rows.iter().filter_map(|r| r.get(c)).map(Cell::width);
                let head = UnicodeWidthStr::width(self.header[c].as_str());
                let w = cells.chain([head]).max().unwrap_or(0).max(4) as f64 + 2.0;
                (w.min(MAX_WIDTH), w > MAX_WIDTH)
            })
            .collect()
    }
}

/// The formats every sheet uses.
pub struct Formats {
    pub header: Format,
    pub wrap: Format,
    pub kyen: Format,
    pub date: Format,
}

impl Formats {
    pub fn new() -> Formats {
        Formats {
            header: Format::new()
                .set_bold()
                .set_background_color(0xDDEBF7)
                .set_border(FormatBorder::Thin)
                .set_text_wrap()
                .set_align(FormatAlign::Top),
            wrap: Format::new().set_text_wrap().set_align(FormatAlign::Top),
            kyen: Format::new()
                .set_num_format(KYEN)
                .set_align(FormatAlign::Top),
            date: Format::new()
                .set_num_format(WAREKI_DATE)
                .set_align(FormatAlign::Top),
        }
    }
}

impl Default for Formats {
    fn default() -> Self {
        Self::new()
    }
}

/// An error of the writer said in Japanese, naming the sheet.
pub fn said(sheet: &str) -> impl Fn(XlsxError) -> anyhow::Error + '_ {
    move |e| anyhow::anyhow!("xlsx のシート「{sheet}」を作れません: {e}")
}

/// Writes one typed cell; text is always a string cell.
pub fn write_cell(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    cell: &Cell,
    wrap: bool,
    f: &Formats,
) -> Result<(), XlsxError> {
    match cell {
        Cell::Empty => {}
        Cell::Text(s) if wrap || s.contains('\n') => {
            ws.write_string_with_format(row, col, s, &f.wrap)?;
        }
        Cell::Text(s) => {
            ws.write_string(row, col, s)?;
        }
        Cell::Int(n) => {
            ws.write_number(row, col, *n as f64)?;
        }
        Cell::Kyen(n) => {
            ws.write_number_with_format(row, col, *n as f64, &f.kyen)?;
        }
        Cell::Date(d) => match excel_date(*d) {
            Some(x) => {
                ws.write_datetime_with_format(row, col, x, &f.date)?;
            }
            None => {
                ws.write_string(row, col, d.format("%Y-%m-%d").to_string())?;
            }
        },
    }
    Ok(())
}

/// Excel's dates start in 1900; an earlier one stays text.
fn excel_date(d: NaiveDate) -> Option<ExcelDateTime> {
    let y = u16::try_from(d.year()).ok()?;
    ExcelDateTime::from_ymd(y, d.month() as u8, d.day() as u8).ok()
}

/// Landscape A4, one page wide, the first `header_rows` rows on every page.
pub fn print_setup(ws: &mut Worksheet, header_rows: u32) -> Result<(), XlsxError> {
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(0, header_rows.saturating_sub(1))?;
    Ok(())
}

pub fn write_sheet(wb: &mut Workbook, sheet: &Sheet, f: &Formats) -> Result<()> {
    let said = said(&sheet.name);
    if sheet.rows.len() + 1 > EXCEL_MAX_ROWS {
        bail!(
            "シート「{}」は {} 行あり、Excel の {EXCEL_MAX_ROWS} 行に収まりません（--fiscal-year で分けて書き出すか、--format csv を使ってください）",
            sheet.name,
            sheet.rows.len() + 1
        );
    }
    let ws = wb.add_worksheet();
    ws.set_name(&sheet.name).map_err(&said)?;
    let widths = sheet.widths();
    for (c, h) in sheet.header.iter().enumerate() {
        let col = u16::try_from(c).context("列が多すぎます")?;
        ws.write_string_with_format(0, col, h, &f.header)
            .map_err(&said)?;
        ws.set_column_width(col, widths[c].0).map_err(&said)?;
    }
    for (r, row) in sheet.rows.iter().enumerate() {
        let r = u32::try_from(r + 1).context("行が多すぎます")?;
        for (c, cell) in row.iter().enumerate() {
            let wrap = widths.get(c).is_some_and(|w| w.1);
            let col = u16::try_from(c).context("列が多すぎます")?;
            write_cell(ws, r, col, cell, wrap, f).map_err(&said)?;
        }
    }
    ws.set_freeze_panes(1, 0).map_err(&said)?;
    let last_col = u16::try_from(sheet.header.len().max(1) - 1).context("列が多すぎます")?;
    let last_row = u32::try_from(sheet.rows.len()).context("行が多すぎます")?;
    ws.autofilter(0, 0, last_row, last_col).map_err(&said)?;
    print_setup(ws, 1).map_err(&said)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_typed_by_column_and_fall_back_to_text() {
        assert_eq!(cell(Kind::Int, "3"), Cell::Int(3));
        assert_eq!(cell(Kind::Int, "平成29年度"), Cell::text("平成29年度"));
        assert_eq!(cell(Kind::Kyen, "48639"), Cell::Kyen(48639));
        assert_eq!(cell(Kind::Kyen, ""), Cell::Empty);
        assert_eq!(
            cell(Kind::Date, "2017-06-21"),
            Cell::Date(NaiveDate::from_ymd_opt(2017, 6, 21).unwrap())
        );
        assert_eq!(cell(Kind::Text, "1-1"), Cell::text("1-1"));
        assert_eq!(cell(Kind::Auto, "〇"), Cell::text("〇"));
        assert_eq!(kind_of("コード"), Kind::Text);
        assert_eq!(kind_of("予算（千円）"), Kind::Kyen);
    }

    #[test]
    fn widths_count_kanji_double_and_cap() {
        let sheet = Sheet {
            name: "t".into(),
            header: vec!["職名".into(), "内容".into()],
            rows: vec![vec![
                Cell::text("福祉保健センター長"),
                Cell::text("長".repeat(40)),
            ]],
        };
        let w = sheet.widths();
        assert_eq!(w[0], (20.0, false));
        assert_eq!(w[1], (MAX_WIDTH, true));
    }
}
