//! `kusei export`: options that do not apply to the chosen format are
//! refused (exit code 2, naming them) rather than silently ignored; and
//! `--dry-run [--json]`, which says what would be written.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;
use clap::ValueEnum;
use serde::Serialize;

use super::export_args::{ExportArgs, Format, Table};
use super::UsageError;

fn name<T: ValueEnum>(v: T) -> String {
    v.to_possible_value()
        .map(|p| p.get_name().to_string())
        .unwrap_or_default()
}

/// Every option given must mean something for `--format` (and `--table`).
pub fn applicable(a: &ExportArgs) -> Result<(), UsageError> {
    let f = name(a.format);
    let refuse = |opt: &str, where_: &str| {
        Err(UsageError(format!(
            "{opt} は --format {f} では使えません（{where_}）"
        )))
    };
    if a.encoding.is_some() && a.format != Format::Csv {
        return refuse("--encoding", "文字コードを選べるのは --format csv だけです");
    }
    if a.table.is_some() && matches!(a.format, Format::Json | Format::Publish | Format::Ics) {
        return refuse("--table", "表を選べるのは --format csv と markdown です");
    }
    if a.format == Format::Json {
        if a.fiscal_year.is_some() {
            return refuse("--fiscal-year", "JSON はデータベース全体を書き出します");
        }
        if a.committee.is_some() {
            return refuse("--committee", "JSON はデータベース全体を書き出します");
        }
    }
    if let (Some(t @ (Table::Attendance | Table::Policy | Table::Progress)), Some(_)) =
        (a.table, &a.committee)
    {
        return Err(UsageError(format!(
            "--committee は --table {} では使えません（会議の表 meetings・opinions、議事録、publish、ics で使えます）",
            name(t)
        )));
    }
    Ok(())
}

/// What `--dry-run` reports.
#[derive(Debug, Clone, Copy)]
pub struct DryRun {
    pub json: bool,
    pub format: Format,
    pub table: Option<Table>,
}

#[derive(Serialize)]
struct Report<'a> {
    format: String,
    table: Option<String>,
    /// The file, or "-" for standard output.
    output: &'a str,
    bytes: usize,
    lines: usize,
    written: bool,
}

/// Says what would be written (nothing is).
pub fn report(d: &DryRun, output: Option<&Path>, bytes: &[u8]) -> Result<ExitCode> {
    let shown = output.map_or_else(|| "-".to_string(), |p| p.display().to_string());
    let r = Report {
        format: name(d.format),
        table: d.table.map(name),
        output: &shown,
        bytes: bytes.len(),
        lines: bytes.iter().filter(|b| **b == b'\n').count(),
        written: false,
    };
    if d.json {
        crate::outln!("{}", crate::sanitize::json(serde_json::to_string(&r)?));
    } else {
        let to = if output.is_some() {
            crate::sanitize::clean(&shown).into_owned()
        } else {
            "標準出力".to_string()
        };
        crate::outln!(
            "確認のみ: --format {}{} を {to} へ {} バイト（{} 行）。何も書き込んでいません",
            r.format,
            r.table.map(|t| format!(" --table {t}")).unwrap_or_default(),
            r.bytes,
            r.lines
        );
    }
    Ok(ExitCode::SUCCESS)
}
