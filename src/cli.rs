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
    /// The database file (default: `database` in config.toml, else
    /// $XDG_DATA_HOME/kusei/kusei.db; a new default database starts with the
    /// sample data).
    #[arg(long, global = true, env = "KUSEI_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// Open the database for reading only.
    #[arg(long, global = true)]
    pub read_only: bool,

    /// Colour theme: 16color, dark, light, high-contrast or a user theme
    /// (overrides `theme` in config.toml).
    #[arg(long, global = true, value_name = "NAME")]
    pub theme: Option<String>,

    /// Markers: unicode, or ascii for terminals that draw ambiguous-width
    /// characters double (Tera Term, PuTTY in CJK mode).
    #[arg(long, global = true, value_name = "SET")]
    pub glyphs: Option<String>,

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
        /// Fiscal year for `publish` and `csv`: 2017, H29, 平成29, R1 … (csv
        /// without it: every year)
        #[arg(long, value_name = "FY")]
        fiscal_year: Option<String>,
        /// The meeting body for `publish` (default: that of the year's meetings).
        #[arg(long)]
        committee: Option<String>,
        /// Write to FILE instead of standard output.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// What to export as `csv` or `markdown`: `attendance` (the matrix,
        /// csv only), `policy` (the plans' trees with budgets) or `progress`
        /// (the 進捗 grid of --fiscal-year).
        #[arg(long, value_enum)]
        table: Option<Table>,
        /// Encoding of `csv`: utf-8 (with a BOM, for Excel) or cp932.
        #[arg(long, value_name = "ENC", default_value = "utf-8")]
        encoding: String,
    },
    /// Links between agenda items and policy nodes.
    Link {
        /// List suggested links (an agenda item and a node whose titles share a topic).
        #[arg(long)]
        suggest: bool,
        /// With --suggest: make every suggested link (one change set, undoable).
        #[arg(long, requires = "suggest")]
        accept_all: bool,
    },
    /// Load the bundled sample data (seeds 000–004) into the database.
    Sample,
    /// Check the database: integrity, foreign keys, the audit chain, and
    /// whether the group can share the file.
    Check,
    /// Make a consistent copy of the database while others use it, and
    /// verify it. Restore by copying it back over the database file.
    Backup {
        #[arg(value_name = "PATH")]
        dest: PathBuf,
    },
    /// The audit log: `verify` checks the hash chain, `log` lists changes.
    Audit {
        #[command(subcommand)]
        what: AuditCommand,
    },
    /// The configuration ($XDG_CONFIG_HOME/kusei/config.toml or KUSEI_CONFIG).
    /// Without an option: where it is read from, and its problems.
    Config {
        /// Write the commented default config.toml to standard output.
        #[arg(long)]
        print_default: bool,
        /// List every problem of config.toml and its theme on stderr (exit 1 if any).
        #[arg(long)]
        check: bool,
        /// List the key bindings in use (scope, action name, keys, what it does).
        #[arg(long)]
        keys: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check that no audit row was altered or removed (exit 1 if one was).
    Verify,
    /// List changes, newest last.
    Log {
        /// Only changes by this OS user.
        #[arg(long)]
        user: Option<String>,
        /// Only changes to this table (meetings, opinions, plan_nodes …).
        #[arg(long)]
        table: Option<String>,
        /// Only changes to this row id (with --table).
        #[arg(long)]
        row: Option<i64>,
        /// Only changes on or after this date (YYYY-MM-DD or 和暦).
        #[arg(long)]
        since: Option<String>,
        /// At most this many (the newest).
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// The whole database as kusei JSON.
    Json,
    /// A fiscal year's minutes in the city's page layout.
    Publish,
    /// A table (--table) as CSV.
    Csv,
    /// A table (--table) as Markdown.
    Markdown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Table {
    /// Job titles × meetings (出席).
    Attendance,
    /// The plans' trees: level, code, title, budget and roll-up (千円).
    Policy,
    /// 進捗: each progress item's plan, actual, status and grade for --fiscal-year.
    Progress,
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
            let msg = format!("{e:#}");
            eprintln!("kusei: {}", crate::ui::sanitize::clean_keep_lines(&msg));
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    let overrides = crate::config::Overrides {
        theme: cli.theme.clone(),
        glyphs: cli.glyphs.clone(),
    };
    let settings = crate::config::load(&overrides);
    if let Some(Command::Config {
        print_default,
        check,
        keys,
    }) = cli.command
    {
        return crate::config::cli::run(&settings, print_default, check, keys);
    }
    let (path, is_default) = match (&cli.db, &settings.config.database) {
        (Some(p), _) => (p.clone(), false),
        (None, Some(p)) => (p.clone(), false),
        (None, None) => (default_db_path(), true),
    };
    let fresh_default = is_default && !path.exists();
    // A write command reports a read-only store through its own error.
    let writes = matches!(
        cli.command,
        Some(
            Command::Import { .. }
                | Command::Sample
                | Command::Link {
                    accept_all: true,
                    ..
                }
        )
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
        None => crate::app::run(store, settings),
        Some(Command::Import { files, dry_run }) => cmd_import(&mut store, &files, dry_run),
        Some(Command::Export {
            format,
            fiscal_year,
            committee,
            output,
            table,
            encoding,
        }) => cmd_export(
            &store,
            ExportArgs {
                format,
                fiscal_year: fiscal_year.as_deref(),
                committee: committee.as_deref(),
                output: output.as_deref(),
                table,
                encoding: &encoding,
            },
        ),
        Some(Command::Link {
            suggest,
            accept_all,
        }) => cmd_link(&mut store, suggest, accept_all),
        Some(Command::Sample) => {
            let r = sample::load(&mut store)?;
            println!(
                "サンプルを読み込みました: 会議 {} 件追加、議題 {} 件、意見 {} 件、計画 {} 件、項目 {} 件、更新 {} 件",
                r.meetings_added, r.items_added, r.opinions_added, r.plans_added, r.nodes_added, r.rows_updated
            );
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Check) => cmd_check(&store),
        Some(Command::Backup { dest }) => {
            let r = store.backup(&dest)?;
            println!(
                "バックアップしました: {}（{} バイト、検査 ok、主な行 {} 件）。戻すときは kusei を止めて cp {} {}",
                dest.display(),
                r.bytes,
                r.rows,
                dest.display(),
                path.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Audit { what }) => cmd_audit(&store, what),
        Some(Command::Config { .. }) => Ok(ExitCode::SUCCESS), // handled above
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
            eprintln!("kusei: 注意: {}", crate::ui::sanitize::clean_keep_lines(w));
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

struct ExportArgs<'a> {
    format: Format,
    fiscal_year: Option<&'a str>,
    committee: Option<&'a str>,
    output: Option<&'a Path>,
    table: Option<Table>,
    encoding: &'a str,
}

fn cmd_export(store: &Store, a: ExportArgs) -> Result<ExitCode> {
    let bytes = match (a.format, a.table) {
        (Format::Csv | Format::Markdown, None) => {
            bail!("--format csv と --format markdown には --table が必要です（例 --table attendance、--table policy）")
        }
        (Format::Csv, Some(Table::Attendance)) => attendance_csv(store, &a)?,
        (Format::Csv | Format::Markdown, Some(Table::Progress)) => {
            let Some(fy) = a.fiscal_year else {
                bail!("--table progress には --fiscal-year が必要です（例 --fiscal-year H25）");
            };
            let fy = parse_fiscal_year(fy)?;
            let data = store.progress_board()?;
            if a.format == Format::Csv {
                let Some(enc) = export::csv::Encoding::parse(a.encoding) else {
                    bail!("--encoding {:?} は使えません（utf-8 か cp932）", a.encoding);
                };
                export::progress::csv(&data, fy, enc)?
            } else {
                export::progress::markdown(&data, fy).into_bytes()
            }
        }
        (Format::Markdown, Some(Table::Attendance)) => {
            bail!("出席マトリクスは --format csv で出力できます（markdown はまだありません）")
        }
        (Format::Csv | Format::Markdown, Some(Table::Policy)) => {
            let fy = a.fiscal_year.map(parse_fiscal_year).transpose()?;
            let tree = store.policy_tree()?;
            if a.format == Format::Markdown {
                export::policy::to_markdown(&tree, fy).into_bytes()
            } else {
                let Some(enc) = export::csv::Encoding::parse(a.encoding) else {
                    bail!("--encoding {:?} は使えません（utf-8 か cp932）", a.encoding);
                };
                let text = export::csv::to_csv(&export::policy::csv_rows(&tree, fy));
                export::csv::encode(&text, enc)?
            }
        }
        (Format::Json, _) => export::to_json(&store.export()?).into_bytes(),
        (Format::Publish, _) => {
            let data = store.export()?;
            let Some(fy) = a.fiscal_year else {
                bail!("--format publish には --fiscal-year が必要です（例 --fiscal-year 2017）");
            };
            let fy = parse_fiscal_year(fy)?;
            if !data.meetings.iter().any(|m| m.fiscal_year == fy) {
                bail!(
                    "{} の会議はデータベースにありません",
                    wareki::format_fiscal_year(fy)
                );
            }
            export::publish::publish_fiscal_year(&data, fy, a.committee).into_bytes()
        }
    };
    match a.output {
        Some(path) => std::fs::write(path, bytes)
            .with_context(|| format!("{} に書き込めません", path.display()))?,
        None => {
            use std::io::IsTerminal;
            // Data goes out as it is to a file or a pipe; a terminal gets
            // control characters as visible markers, never as commands.
            let bytes = match std::str::from_utf8(&bytes) {
                Ok(text) if std::io::stdout().is_terminal() => {
                    crate::ui::sanitize::clean_keep_lines(text)
                        .into_owned()
                        .into_bytes()
                }
                _ => bytes,
            };
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

fn cmd_audit(store: &Store, what: AuditCommand) -> Result<ExitCode> {
    match what {
        AuditCommand::Verify => match store.verify_audit()? {
            None => {
                let n = store.audit_entries()?.len();
                println!("監査ログ {n} 件の連鎖 ok（書き換え・削除の跡はありません）");
                Ok(ExitCode::SUCCESS)
            }
            Some(id) => {
                println!("監査ログの {id} 番の行から連鎖が合いません: この行か前の行が書き換えられたか削除されています");
                Ok(ExitCode::FAILURE)
            }
        },
        AuditCommand::Log {
            user,
            table,
            row,
            since,
            limit,
        } => {
            let since = match since {
                Some(s) => Some(
                    wareki::parse_date(&s)
                        .map_err(|e| anyhow::anyhow!("--since: {e}"))?
                        .0,
                ),
                None => None,
            };
            let entries: Vec<_> = store
                .audit_entries()?
                .into_iter()
                .filter(|e| user.as_ref().is_none_or(|u| &e.os_user == u))
                .filter(|e| table.as_ref().is_none_or(|t| &e.table == t))
                .filter(|e| row.is_none_or(|r| e.row_id == r))
                .filter(|e| {
                    since.is_none_or(|d| e.at.as_str() >= d.format("%Y-%m-%d").to_string().as_str())
                })
                .collect();
            let skip = entries.len().saturating_sub(limit);
            for e in &entries[skip..] {
                let row = e.after.as_deref().or(e.before.as_deref()).unwrap_or("");
                let what = audit_summary(row);
                let (what, _) = crate::ui::text_input::truncate_to_width(&what, 100);
                println!(
                    "{}\t{}\t{}\t{}#{}\t{}",
                    e.at,
                    e.os_user,
                    e.action,
                    e.table,
                    e.row_id,
                    crate::ui::sanitize::clean(&what)
                );
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The telling field of an audited row (its text, title or name), else
/// the row as JSON.
fn audit_summary(row_json: &str) -> String {
    let Ok(serde_json::Value::Object(map)) = serde_json::from_str(row_json) else {
        return row_json.to_string();
    };
    for key in ["text", "title", "name", "date", "status"] {
        if let Some(serde_json::Value::String(s)) = map.get(key) {
            return s.clone();
        }
    }
    row_json.to_string()
}

/// `export --format csv --table attendance`: the matrix of one fiscal year
/// (or of every year), UTF-8 with a BOM or CP932.
fn attendance_csv(store: &Store, a: &ExportArgs) -> Result<Vec<u8>> {
    let Some(enc) = export::csv::Encoding::parse(a.encoding) else {
        bail!(
            "文字コード {:?} は使えません（utf-8 か cp932 を指定してください）",
            a.encoding
        );
    };
    let (first, last) = match a.fiscal_year {
        Some(fy) => {
            let fy = parse_fiscal_year(fy)?;
            (fy, fy)
        }
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

/// `kusei link --suggest [--accept-all]`.
fn cmd_link(store: &mut Store, suggest: bool, accept_all: bool) -> Result<ExitCode> {
    if !suggest {
        bail!("何をするか指定してください: kusei link --suggest（候補の一覧）、--suggest --accept-all（すべて関連づける）");
    }
    let list = store.link_suggestions()?;
    for g in &list {
        println!(
            "{} 第{}回 ({}) {}\t{} {}{} {}\t共通: {}",
            wareki::format_date(g.date),
            g.meeting_number,
            g.item_number,
            g.item_title,
            g.plan_title,
            g.level,
            g.code,
            g.node_title,
            g.topics.join("、")
        );
    }
    if list.is_empty() {
        println!("関連づけの候補はありません");
    } else if accept_all {
        let pairs: Vec<(i64, i64)> = list.iter().map(|g| (g.item_id, g.node_id)).collect();
        let n = store.add_links(&pairs)?;
        println!("{n} 件を関連づけました");
    } else {
        println!(
            "候補 {} 件（関連づけるには app の運営方針タブで s、またはすべてなら --accept-all）",
            list.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn cmd_check(store: &Store) -> Result<ExitCode> {
    for p in store.sharing_problems() {
        println!("注意（共有）: {p}");
    }
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
