//! The command line: `kusei` opens the app; subcommands work without a
//! screen, for scripts and one-line answers.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use chrono::Datelike;
use clap::{Parser, Subcommand, ValueEnum};

use crate::db::{OpenOptions, Store};
use crate::{export, import, sample, wareki};

#[derive(Debug, Parser)]
#[command(
    name = "kusei",
    version,
    about = "区政 — 区づくり経営会議・運営方針・改革の進捗を端末で",
    long_about = "区政 (kusei): the ward's management meetings, operating policy and reform progress, \
in one shared SQLite file, in the terminal.\n\nWithout a subcommand, opens the app."
)]
pub struct Cli {
    /// The database file (default: $XDG_DATA_HOME/kusei/kusei.db; a new default
    /// database starts with the sample data).
    #[arg(long, global = true, env = "KUSEI_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// Open the database for reading only.
    #[arg(long, global = true)]
    pub read_only: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Import published minutes pages, published policy pages (text or HTML;
    /// UTF-8, Shift_JIS/CP932 or EUC-JP) or kusei JSON. All files or nothing.
    Import {
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Read and check the files, report what would change, write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Export the database.
    Export {
        #[arg(long, value_enum, default_value_t = Format::Json)]
        format: Format,
        /// Fiscal year for `publish`: 2017, H29, 平成29, R1 …
        #[arg(long, value_name = "FY")]
        fiscal_year: Option<String>,
        /// The meeting body for `publish` (default: that of the year's meetings).
        #[arg(long)]
        committee: Option<String>,
        /// Write to FILE instead of standard output.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Load the bundled sample data (seeds 000–004) into the database.
    Sample,
    /// Check the database: integrity, foreign keys and the audit chain.
    Check,
    /// Search opinions, agenda items and policy nodes (the app's `/`); ranked
    /// results to stdout. Exit status 1 when nothing matches.
    Search(crate::search::cli::SearchArgs),
    /// Fill the database with synthetic meetings and opinions (benchmarks,
    /// demonstrations); the same seed gives the same data.
    Gen(crate::search::cli::GenArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// The whole database as kusei JSON.
    Json,
    /// A fiscal year's minutes in the city's page layout.
    Publish,
}

/// Where the database lives when neither --db nor KUSEI_DB says.
pub fn default_db_path() -> PathBuf {
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .unwrap_or_else(|| PathBuf::from("."));
    base.join("kusei").join("kusei.db")
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("kusei: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    let (path, is_default) = match &cli.db {
        Some(p) => (p.clone(), false),
        None => (default_db_path(), true),
    };
    let fresh_default = is_default && !path.exists();
    // A write command reports a read-only store through its own error.
    let writes = matches!(
        cli.command,
        Some(Command::Import { .. } | Command::Sample | Command::Gen(_))
    );
    let mut store = open(&path, cli.read_only, cli.read_only || writes)?;
    if fresh_default && !cli.read_only && cli.command.is_none() {
        let report = sample::load(&mut store).context("サンプルデータを読み込めません")?;
        eprintln!(
            "kusei: 新しいデータベース {} にサンプルデータを読み込みました（会議 {} 件、計画 {} 件）",
            path.display(),
            report.meetings_added,
            report.plans_added
        );
    }
    match cli.command {
        None => crate::app::run(store),
        Some(Command::Import { files, dry_run }) => cmd_import(&mut store, &files, dry_run),
        Some(Command::Export {
            format,
            fiscal_year,
            committee,
            output,
        }) => cmd_export(
            &store,
            format,
            fiscal_year.as_deref(),
            committee.as_deref(),
            output.as_deref(),
        ),
        Some(Command::Sample) => {
            let r = sample::load(&mut store)?;
            println!(
                "サンプルを読み込みました: 会議 {} 件追加、議題 {} 件、意見 {} 件、計画 {} 件、項目 {} 件、更新 {} 件",
                r.meetings_added, r.items_added, r.opinions_added, r.plans_added, r.nodes_added, r.rows_updated
            );
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Check) => cmd_check(&store),
        Some(Command::Search(a)) => crate::search::cli::cmd_search(&store, &a),
        Some(Command::Gen(a)) => crate::search::cli::cmd_gen(&mut store, &a),
    }
}

fn open(path: &Path, read_only: bool, quiet: bool) -> Result<Store> {
    let store = Store::open(path, OpenOptions { read_only })?;
    if let Some(reason) = store.read_only_reason() {
        if !quiet {
            eprintln!("kusei: {reason}");
        }
    }
    Ok(store)
}

fn cmd_import(store: &mut Store, files: &[PathBuf], dry_run: bool) -> Result<ExitCode> {
    let mut parts = Vec::new();
    for f in files {
        let parsed = import::parse_file(f)?;
        for w in &parsed.warnings {
            eprintln!("kusei: 注意: {w}");
        }
        eprintln!(
            "kusei: {}: {}（{}）会議 {} 件、計画 {} 件",
            f.display(),
            parsed.kind.label_ja(),
            parsed.encoding,
            parsed.dataset.meetings.len(),
            parsed.dataset.plans.len()
        );
        parts.push(parsed.dataset);
    }
    let data = import::combine(parts);
    if dry_run {
        println!(
            "確認のみ: {} ファイルを読めました。何も書き込んでいません",
            files.len()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let r = store.import(&data)?;
    if r.changed_nothing() {
        println!("変更はありません（すでに読み込み済みです）");
    } else {
        println!(
            "読み込みました: 会議 {} 件追加・{} 件更新、議題 {} 件、意見 {} 件、計画 {} 件、項目 {} 件、その他の更新 {} 件",
            r.meetings_added,
            r.meetings_updated,
            r.items_added,
            r.opinions_added,
            r.plans_added,
            r.nodes_added,
            r.rows_updated
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// "2017", "H29", "平成29", "平成29年度", "R1", "令和元年度" → 2017 …
pub fn parse_fiscal_year(s: &str) -> Result<i32> {
    let t = wareki::normalize_digits(s);
    if let Ok(y) = t.parse::<i32>() {
        if (1873..=2200).contains(&y) {
            return Ok(y);
        }
    }
    let t = t.trim_end_matches("年度").trim_end_matches('年');
    // "R1", "H29": the era's initial and the year within it.
    let mut chars = t.chars();
    if let Some(era) = chars.next().and_then(|c| {
        wareki::Era::all()
            .into_iter()
            .find(|e| e.initial() == c.to_ascii_uppercase())
    }) {
        if let Ok(y) = chars.as_str().parse::<i32>() {
            if y >= 1 {
                return Ok(era.start().year() + y - 1);
            }
        }
    }
    // 令和元年4月1日 does not exist: the fiscal year it names began under
    // 平成, so read "令和元年度" as a fiscal year, not as a date.
    if let Some((fy, _)) = crate::import::lines::fiscal_year_prefix(&format!("{t}年度")) {
        return Ok(fy);
    }
    bail!("年度 {s:?} が読めません（2017、H29、平成29年度 のように書いてください）")
}

fn cmd_export(
    store: &Store,
    format: Format,
    fiscal_year: Option<&str>,
    committee: Option<&str>,
    output: Option<&Path>,
) -> Result<ExitCode> {
    let data = store.export()?;
    let text = match format {
        Format::Json => export::to_json(&data),
        Format::Publish => {
            let Some(fy) = fiscal_year else {
                bail!("--format publish には --fiscal-year が必要です（例 --fiscal-year 2017）");
            };
            let fy = parse_fiscal_year(fy)?;
            if !data.meetings.iter().any(|m| m.fiscal_year == fy) {
                bail!(
                    "{} の会議はデータベースにありません",
                    wareki::format_fiscal_year(fy)
                );
            }
            export::publish::publish_fiscal_year(&data, fy, committee)
        }
    };
    match output {
        Some(path) => std::fs::write(path, text)
            .with_context(|| format!("{} に書き込めません", path.display()))?,
        None => {
            let mut out = std::io::stdout().lock();
            // A closed pipe (`| head`) is not an error worth a message.
            if let Err(e) = out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
                if e.kind() != std::io::ErrorKind::BrokenPipe {
                    return Err(e.into());
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn cmd_check(store: &Store) -> Result<ExitCode> {
    let report = store.check()?;
    for line in &report.problems {
        println!("問題: {line}");
    }
    if report.problems.is_empty() {
        println!(
            "問題ありません: 整合性 ok、外部キー ok、監査ログ {} 件の連鎖 ok（スキーマ {}）",
            report.audit_rows, report.schema_version
        );
        Ok(ExitCode::SUCCESS)
    } else {
        Ok(ExitCode::FAILURE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fiscal_year_forms() {
        for (s, fy) in [
            ("2017", 2017),
            ("H29", 2017),
            ("平成29", 2017),
            ("平成29年度", 2017),
            ("R1", 2019),
            ("令和元年度", 2019),
            ("平成31年度", 2019),
            ("２０１７", 2017),
        ] {
            assert_eq!(parse_fiscal_year(s).ok(), Some(fy), "{s}");
        }
        assert!(parse_fiscal_year("来年").is_err());
    }
}
