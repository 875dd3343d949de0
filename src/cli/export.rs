//! `kusei export`: the arguments are checked first (a mistake is a usage
//! error, exit code 2, before the database is opened), then the chosen
//! format is written to standard output or `-o FILE`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};

use super::export_args::{ExportArgs, Format, Table};
use super::export_check::DryRun;
use super::{parse_fiscal_year, UsageError};
use crate::db::Store;
use crate::export::csv::{encode, to_csv, Encoding};
use crate::export::minutes::{self, Selection};
use crate::export::{self, ics, publish, publish_html, tables};
use crate::wareki;

/// What to write, with every argument already read.
#[derive(Debug, Clone, PartialEq, Eq)]
enum What {
    Json,
    Publish {
        fiscal_year: i32,
        html: bool,
    },
    Minutes(Selection),
    Meetings(Selection),
    Opinions(Selection),
    Ics(Selection),
    Attendance(Option<i32>),
    PolicyMarkdown(Option<i32>),
    PolicyCsv(Option<i32>),
    ProgressMarkdown(i32),
    ProgressCsv(i32),
    Xlsx {
        tables: Vec<export::xlsx_book::Table>,
        fiscal_year: Option<i32>,
    },
}

#[derive(Debug)]
pub struct Plan {
    what: What,
    encoding: Encoding,
    committee: Option<String>,
    output: Option<PathBuf>,
    /// `--dry-run` (with `--json`): report, write nothing.
    dry_run: Option<DryRun>,
}

fn usage(msg: impl Into<String>) -> UsageError {
    UsageError(msg.into())
}

/// "2017:3", "H29:3", "平成29年度：3" → (2017, 3).
pub fn parse_meeting(s: &str) -> Result<(i32, u32), UsageError> {
    let t = wareki::normalize_digits(s.trim()).replace('：', ":");
    let bad = || {
        usage(format!(
            "--meeting {s:?} が読めません（年度:回 のように書いてください。例 2017:3、H29:3）"
        ))
    };
    let (fy, n) = t.rsplit_once(':').ok_or_else(bad)?;
    let n = n.trim().trim_start_matches('第').trim_end_matches('回');
    let number: u32 = n.parse().ok().filter(|n| *n > 0).ok_or_else(bad)?;
    let fy = parse_fiscal_year(fy.trim()).map_err(|e| usage(format!("--meeting: {e}")))?;
    Ok((fy, number))
}

fn fiscal_year_arg(a: &ExportArgs) -> Result<Option<i32>, UsageError> {
    a.fiscal_year
        .as_deref()
        .map(|s| parse_fiscal_year(s).map_err(|e| usage(e.to_string())))
        .transpose()
}

fn selection(a: &ExportArgs) -> Result<Selection, UsageError> {
    if let Some(m) = &a.meeting {
        let (fiscal_year, number) = parse_meeting(m)?;
        return Ok(Selection::Meeting {
            fiscal_year,
            number,
        });
    }
    Ok(fiscal_year_arg(a)?.map_or(Selection::All, Selection::FiscalYear))
}

/// Reads the arguments; every mistake is a usage error.
pub fn plan(a: ExportArgs) -> Result<Plan, UsageError> {
    super::export_check::applicable(&a)?;
    let encoding = match &a.encoding {
        Some(e) => Encoding::parse(e).ok_or_else(|| {
            usage(format!(
                "文字コード {e:?} は使えません（utf-8 か cp932 を指定してください）"
            ))
        })?,
        None => Encoding::Utf8Bom,
    };
    if a.html && a.format != Format::Publish {
        return Err(usage("--html は --format publish と一緒に使います"));
    }
    let takes_meeting = matches!(
        (a.format, a.table),
        (Format::Markdown, None)
            | (Format::Csv, Some(Table::Meetings | Table::Opinions))
            | (Format::Ics, None)
    );
    if a.meeting.is_some() && !takes_meeting {
        return Err(usage(
            "--meeting は --format markdown（議事録）、--format csv --table meetings|opinions、--format ics で使えます",
        ));
    }
    let what = what(&a)?;
    let dry_run = a.dry_run.then_some(DryRun {
        json: a.json,
        format: a.format,
        table: a.table,
    });
    Ok(Plan {
        what,
        encoding,
        committee: a.committee,
        // `-o -` is standard output.
        output: a.output.filter(|p| p.as_os_str() != "-"),
        dry_run,
    })
}

/// What the format and table (and year) ask for.
fn what(a: &ExportArgs) -> Result<What, UsageError> {
    let progress_year = || {
        fiscal_year_arg(a)?.ok_or_else(|| {
            usage("--table progress には --fiscal-year が必要です（例 --fiscal-year H25）")
        })
    };
    Ok(match (a.format, a.table) {
        (Format::Json, _) => What::Json,
        (Format::Xlsx, table) => What::Xlsx {
            tables: xlsx_tables(table),
            fiscal_year: fiscal_year_arg(a)?,
        },
        (Format::Publish, _) => {
            let fiscal_year = fiscal_year_arg(a)?.ok_or_else(|| {
                usage("--format publish には --fiscal-year が必要です（例 --fiscal-year 2017）")
            })?;
            What::Publish {
                fiscal_year,
                html: a.html,
            }
        }
        (Format::Ics, None) => What::Ics(selection(a)?),
        (Format::Ics, Some(_)) => {
            return Err(usage("--format ics に --table は使えません（会議の予定を書き出します）"))
        }
        (Format::Markdown, None) => match selection(a)? {
            Selection::All => {
                return Err(usage(
                    "議事録（--format markdown）には --fiscal-year か --meeting が必要です（例 --fiscal-year H29、--meeting H29:3）",
                ))
            }
            sel => What::Minutes(sel),
        },
        (Format::Csv, None) => {
            return Err(usage(
                "--format csv には --table が必要です（meetings、opinions、attendance、policy、progress）",
            ))
        }
        (Format::Csv, Some(Table::Meetings)) => What::Meetings(selection(a)?),
        (Format::Csv, Some(Table::Opinions)) => What::Opinions(selection(a)?),
        (Format::Markdown, Some(Table::Meetings | Table::Opinions)) => {
            return Err(usage(
                "meetings と opinions の表は --format csv で出力できます（Markdown の議事録は --table なしで）",
            ))
        }
        (Format::Csv, Some(Table::Attendance)) => What::Attendance(fiscal_year_arg(a)?),
        (Format::Markdown, Some(Table::Attendance)) => {
            return Err(usage(
                "出席マトリクスは --format csv で出力できます（markdown はまだありません）",
            ))
        }
        (Format::Csv, Some(Table::Policy)) => What::PolicyCsv(fiscal_year_arg(a)?),
        (Format::Markdown, Some(Table::Policy)) => What::PolicyMarkdown(fiscal_year_arg(a)?),
        (Format::Csv, Some(Table::Progress)) => What::ProgressCsv(progress_year()?),
        (Format::Markdown, Some(Table::Progress)) => What::ProgressMarkdown(progress_year()?),
    })
}

/// The sheets of the workbook: the one `--table` names, or every one.
fn xlsx_tables(table: Option<Table>) -> Vec<export::xlsx_book::Table> {
    use export::xlsx_book::{Table as X, ALL};
    match table {
        None => ALL.to_vec(),
        Some(Table::Meetings) => vec![X::Meetings],
        Some(Table::Opinions) => vec![X::Opinions],
        Some(Table::Attendance) => vec![X::Attendance],
        Some(Table::Policy) => vec![X::Policy],
        Some(Table::Progress) => vec![X::Progress],
    }
}

/// The meetings a selection names; an error when a year or meeting was
/// asked for and the database has none.
fn meetings<'a>(
    data: &'a crate::model::Dataset,
    sel: Selection,
    committee: Option<&str>,
) -> Result<Vec<&'a crate::model::Meeting>> {
    let found = minutes::select(data, sel, committee);
    if found.is_empty() {
        match sel {
            Selection::All => {}
            Selection::FiscalYear(fy) => bail!(
                "{} の会議はデータベースにありません",
                wareki::format_fiscal_year(fy)
            ),
            Selection::Meeting {
                fiscal_year,
                number,
            } => bail!(
                "{}第{number}回の会議はデータベースにありません",
                wareki::format_fiscal_year(fiscal_year)
            ),
        }
    }
    Ok(found)
}

/// A warning on stderr when a CSV table has more rows than Excel shows.
/// `KUSEI_EXCEL_MAX_ROWS` lowers the limit for tests.
fn warn_rows(rows: usize) {
    let limit = std::env::var("KUSEI_EXCEL_MAX_ROWS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(export::csv::EXCEL_MAX_ROWS);
    if let Some(w) = export::csv::row_limit_warning(rows, limit) {
        crate::progress::suspend(|| crate::errln!("kusei: {w}"));
    }
}

/// DTSTAMP: now, or SOURCE_DATE_EPOCH for a reproducible file.
fn stamp() -> chrono::DateTime<chrono::Utc> {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|secs| chrono::DateTime::from_timestamp(secs, 0))
        .unwrap_or_else(chrono::Utc::now)
}

fn bytes(store: &Store, p: &Plan) -> Result<Vec<u8>> {
    let committee = p.committee.as_deref();
    let enc = p.encoding;
    Ok(match p.what {
        What::Json => export::to_json(&store.export()?).into_bytes(),
        What::Publish { fiscal_year, html } => {
            let data = store.export()?;
            if !data.meetings.iter().any(|m| m.fiscal_year == fiscal_year) {
                bail!(
                    "{} の会議はデータベースにありません",
                    wareki::format_fiscal_year(fiscal_year)
                );
            }
            let updated = store.newest_change_in_year(fiscal_year)?;
            if html {
                publish_html::publish_fiscal_year_html_as_of(&data, fiscal_year, committee, updated)
            } else {
                publish::publish_fiscal_year_as_of(&data, fiscal_year, committee, updated)
            }
            .into_bytes()
        }
        What::Minutes(sel) => {
            let data = store.export()?;
            minutes::markdown(&meetings(&data, sel, committee)?).into_bytes()
        }
        What::Meetings(sel) | What::Opinions(sel) => {
            let data = store.export()?;
            let found = meetings(&data, sel, committee)?;
            let rows = if matches!(p.what, What::Meetings(_)) {
                tables::meetings(&found)
            } else {
                tables::opinions(&found)
            };
            warn_rows(rows.len());
            encode(&to_csv(&rows), enc)?
        }
        What::Ics(sel) => {
            let data = store.export()?;
            let revisions = store.meeting_revisions()?;
            ics::calendar_with(&meetings(&data, sel, committee)?, &revisions, stamp()).into_bytes()
        }
        What::Attendance(fy) => attendance_csv(store, fy, enc)?,
        What::PolicyMarkdown(fy) => {
            export::policy::to_markdown(&store.policy_tree()?, fy).into_bytes()
        }
        What::PolicyCsv(fy) => {
            let rows = export::policy::csv_rows(&store.policy_tree()?, fy);
            warn_rows(rows.len());
            encode(&to_csv(&rows), enc)?
        }
        What::ProgressMarkdown(fy) => {
            export::progress::markdown(&store.progress_board()?, fy).into_bytes()
        }
        What::ProgressCsv(fy) => export::progress::csv(&store.progress_board()?, fy, enc)?,
        What::Xlsx {
            ref tables,
            fiscal_year,
        } => export::xlsx_book::from_store(store, tables, fiscal_year, committee)?,
    })
}

/// What the output is for, which decides how hostile characters leave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// The JSON export (re-imported): `\uXXXX` escapes everywhere, the same
    /// data with nothing raw.
    Json,
    /// CSV and the published page (re-imported, opened in spreadsheets):
    /// the data as it is to a file or a pipe; visible markers on a terminal.
    Table,
    /// Documents only for people (Markdown minutes, policy and progress,
    /// iCalendar): visible markers everywhere, files included.
    Document,
    /// A file format of its own (xlsx, a zip): the bytes as made; its text
    /// cells are never formulas.
    Binary,
}

impl What {
    fn kind(&self) -> Kind {
        match self {
            What::Json => Kind::Json,
            What::Xlsx { .. } => Kind::Binary,
            What::Meetings(_)
            | What::Opinions(_)
            | What::Attendance(_)
            | What::PolicyCsv(_)
            | What::ProgressCsv(_)
            | What::Publish { .. } => Kind::Table,
            What::Minutes(_)
            | What::Ics(_)
            | What::PolicyMarkdown(_)
            | What::ProgressMarkdown(_) => Kind::Document,
        }
    }
}

/// The bytes of the export made safe for where they go (see [`Kind`]).
fn neutralised(kind: Kind, bytes: Vec<u8>, terminal: bool) -> Vec<u8> {
    use crate::sanitize;
    if kind == Kind::Binary {
        return bytes;
    }
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        // Shift_JIS CSV: on a terminal, control bytes become `?`.
        Err(e) if terminal => return sanitize::bytes_for_terminal(e.into_bytes()),
        Err(e) => return e.into_bytes(),
    };
    match kind {
        Kind::Binary => text.into_bytes(),
        Kind::Json => sanitize::json(text).into_bytes(),
        Kind::Table if !terminal => text.into_bytes(),
        Kind::Table | Kind::Document => sanitize::clean_document(&text).into_owned().into_bytes(),
    }
}

/// Writes the export.
pub fn run(store: &Store, p: Plan) -> Result<ExitCode> {
    use std::io::IsTerminal;
    let kind = p.what.kind();
    if p.dry_run.is_none()
        && kind == Kind::Binary
        && p.output.is_none()
        && std::io::stdout().is_terminal()
    {
        return Err(usage("xlsx は端末には書けません。-o FILE で書き出してください").into());
    }
    let shown = crate::progress::Progress::start("書き出し中");
    let bytes = bytes(store, &p)?;
    drop(shown);
    if let Some(d) = &p.dry_run {
        return super::export_check::report(d, p.output.as_deref(), &bytes);
    }
    match &p.output {
        Some(path) => std::fs::write(path, neutralised(kind, bytes, false))
            .with_context(|| format!("{} に書き込めません", path.display()))?,
        None => {
            let bytes = neutralised(kind, bytes, std::io::stdout().is_terminal());
            let mut out = std::io::stdout().lock();
            // A closed pipe (`| head`) is not an error worth a message.
            if let Err(e) = out.write_all(&bytes).and_then(|_| out.flush()) {
                if e.kind() != std::io::ErrorKind::BrokenPipe {
                    return Err(e.into());
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `--table attendance`: the matrix of one fiscal year (or of every year).
fn attendance_csv(store: &Store, fy: Option<i32>, enc: Encoding) -> Result<Vec<u8>> {
    let (first, last) = match fy {
        Some(fy) => (fy, fy),
        None => {
            let years = store.fiscal_years()?;
            match (years.first(), years.last()) {
                (Some(a), Some(b)) => (*a, *b),
                _ => bail!("データベースに会議がありません"),
            }
        }
    };
    let matrix = store.attendance_matrix(first, last)?;
    if matrix.meetings.is_empty() {
        bail!(
            "{} の会議はデータベースにありません",
            wareki::format_fiscal_year(first)
        );
    }
    Ok(export::attendance::csv(&matrix, enc)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meeting_forms() {
        for (s, want) in [
            ("2017:3", (2017, 3)),
            ("H29:3", (2017, 3)),
            ("平成29年度:第3回", (2017, 3)),
            ("R1：2", (2019, 2)),
        ] {
            assert_eq!(parse_meeting(s).ok(), Some(want), "{s}");
        }
        for bad in ["2017", "2017:0", "2017:x", "来年:1"] {
            assert!(parse_meeting(bad).is_err(), "{bad}");
        }
    }
}
