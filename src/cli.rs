//! The command line: `kusei` opens the app; subcommands work without a
//! screen, for scripts and one-line answers.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::{FromArgMatches, Parser, Subcommand};

use crate::db::{OpenOptions, Store};
use crate::sanitize::clean;
use crate::{import, sample, wareki};

mod audit_cmd;
mod audit_log;
mod check;
pub mod clap_ja;
mod config_cmd;
mod export;
mod export_args;
mod export_check;
pub mod help;
mod man;
pub mod values;

#[derive(Debug, Parser)]
#[command(
    name = "kusei",
    version,
    about = "区政 — 区づくり経営会議・運営方針・改革の進捗を端末で",
    long_about = "区政 (kusei): 区づくり経営会議の記録、運営方針、改革の進捗を、共有の SQLite \
ファイル一つで扱う端末アプリです。\n\nサブコマンドなしで起動すると画面を開きます。"
)]
pub struct Cli {
    /// データベースのファイル（省略時 config.toml の database、なければ $XDG_DATA_HOME/kusei/kusei.db。新しい既定のデータベースにはサンプルデータが入ります）
    #[arg(long, global = true, env = "KUSEI_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// データベースを読み取り専用で開く
    #[arg(long, global = true)]
    pub read_only: bool,

    /// ログ（$XDG_STATE_HOME/kusei/kusei.log）に詳しく書く（KUSEI_LOG が優先）
    #[arg(long, global = true)]
    pub debug: bool,

    /// 色のテーマ: 16color、dark、light、high-contrast か自作のテーマ（config.toml の theme より優先）
    #[arg(long, global = true, value_name = "NAME", value_parser = values::theme(), hide_possible_values = true)]
    pub theme: Option<String>,

    /// 画面の記号: unicode か ascii（曖昧な幅の文字を全角で表示する端末、Tera Term や CJK モードの PuTTY 向け）
    #[arg(long, global = true, value_name = "SET", value_parser = values::glyphs(), hide_possible_values = true)]
    pub glyphs: Option<String>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// 公開された会議録・運営方針のページ（テキストか HTML。UTF-8、Shift_JIS/CP932、EUC-JP）や kusei の JSON を読み込む。全部読めたときだけ書き込みます
    Import {
        /// 読み込むファイル（いくつでも。- は標準入力で、形式は中身から判断します）
        #[arg(required = true, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
        files: Vec<PathBuf>,
        /// 読んで確かめるだけで、何も書き込まない（運営方針のページは、各行が何になったかの報告を出します）
        #[arg(long)]
        dry_run: bool,
        /// 運営方針のページが節の途中で切れていても、最後の完全な節までを読み込む（切れた所は注意に出ます）
        #[arg(long)]
        partial: bool,
    },
    /// データベースの内容を書き出す（JSON、公開ページ、議事録、CSV、iCalendar）
    Export(export_args::ExportArgs),
    /// 議題と運営方針の項目の関連づけ
    Link {
        /// 関連づけの候補（題名に共通の話題がある議題と項目）を一覧する
        #[arg(long)]
        suggest: bool,
        /// --suggest と一緒に: 候補をすべて関連づける（一つの変更として取り消せます）
        #[arg(long, requires = "suggest")]
        accept_all: bool,
        /// --suggest と一緒に: 候補を JSON の配列で（スクリプト用）
        #[arg(long, requires = "suggest", conflicts_with = "accept_all")]
        json: bool,
    },
    /// 同梱のサンプルデータ（seed 000 から 004）を読み込む
    Sample,
    /// データベースを検査する（整合性、外部キー、監査ログの連鎖、グループで共有できるか）
    Check {
        /// 結果を JSON で（スクリプト用）: 問題と注意の一覧、監査ログの件数、スキーマ
        #[arg(long)]
        json: bool,
    },
    /// 使用中のデータベースの一貫したコピーを作り、検査する。戻すときはデータベースのファイルにコピーし直します
    Backup {
        /// コピー先のファイル
        #[arg(value_name = "PATH")]
        dest: PathBuf,
    },
    /// 監査ログ: verify で連鎖を検査、log で変更の一覧
    Audit {
        #[command(subcommand)]
        what: AuditCommand,
    },
    /// シェルの補完スクリプトを出力する（bash、zsh、fish など）
    Completions {
        /// シェル
        #[arg(value_enum, value_name = "SHELL")]
        shell: clap_complete::Shell,
    },
    /// マニュアルページ（man の roff 形式）を出力する
    Man {
        /// このサブコマンドのページ（例 export）。省略時は kusei 全体
        #[arg(value_name = "SUBCOMMAND")]
        subcommand: Option<String>,
    },
    /// 設定（$XDG_CONFIG_HOME/kusei/config.toml か KUSEI_CONFIG）。オプションなしでは読む場所と問題点
    Config {
        /// 注釈つきの既定の config.toml を標準出力に書く
        #[arg(long)]
        print_default: bool,
        /// config.toml とテーマの問題をすべて標準エラーに出す（あれば終了コード 1）
        #[arg(long)]
        check: bool,
        /// 使われているキー割り当ての一覧（スコープ、動作名、キー、説明）
        #[arg(long)]
        keys: bool,
    },
    /// 意見・議題・運営方針の項目を検索する（画面の / と同じ）。よく合うものから標準出力へ。見つからなければ終了コード 1
    Search(crate::search::cli::SearchArgs),
    /// 試験用の会議と意見を作ってデータベースに入れる（性能の測定、実演用）。同じ種なら同じ内容
    Gen(crate::search::cli::GenArgs),
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// 監査ログとデータを検査する: 連鎖、番号の抜け、記録なしの書き換え・削除、以前に見た先頭との照合（問題があれば終了コード 1）
    Verify {
        /// 以前に控えた先頭の指紋（kusei audit head の 番号:16進）とも照合する（何度でも）
        #[arg(long, value_name = "ID:HASH")]
        head: Vec<String>,
    },
    /// 監査ログの先頭の短い指紋を出力する（控えておけば、後で verify --head で連鎖の作り直しを見つけられます）
    Head,
    /// 変更を古い順に一覧する
    Log(audit_log::LogArgs),
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

/// A mistake in how kusei was called (a missing or contradictory option,
/// an unreadable value): exit code 2, like clap's own usage errors.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// The exit codes (documented in `kusei --help` and the README).
pub const EXIT_OK: u8 = 0;
pub const EXIT_ERROR: u8 = 1;
pub const EXIT_USAGE: u8 = 2;

pub fn main() -> ExitCode {
    // This process remembers the audit heads it sees (see db::witness).
    crate::db::witness::enable();
    let cli = match help::command()
        .try_get_matches()
        .and_then(|m| Cli::from_arg_matches(&m))
    {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version go to stdout with 0; mistakes to
            // stderr with 2. A closed pipe is nothing to report.
            // A mistake quotes the arguments as given: shown clean.
            if e.use_stderr() {
                eprint!(
                    "{}",
                    crate::sanitize::clean_keep_lines(&clap_ja::render_error(&e))
                );
            } else {
                let text = clap_ja::help_text(&e.render().to_string());
                let _ = help::write_stdout(text.as_bytes());
            }
            return ExitCode::from(if e.use_stderr() { EXIT_USAGE } else { EXIT_OK });
        }
    };
    crate::log::init(cli.debug);
    tracing::debug!(args = ?std::env::args().skip(1).collect::<Vec<_>>(), "kusei を始めました");
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            let msg = crate::os_error::chain_ja(&e);
            tracing::error!("{msg}");
            eprintln!("kusei: {}", crate::sanitize::clean_keep_lines(&msg));
            if e.downcast_ref::<UsageError>().is_some() {
                ExitCode::from(EXIT_USAGE)
            } else {
                ExitCode::from(EXIT_ERROR)
            }
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    let overrides = crate::app::settings::Overrides {
        theme: cli.theme.clone(),
        glyphs: cli.glyphs.clone(),
    };
    let settings = crate::app::settings::load(&overrides);
    if let Some(Command::Config {
        print_default,
        check,
        keys,
    }) = cli.command
    {
        return config_cmd::run(&settings, print_default, check, keys);
    }
    // What needs no database, and what must be checked before opening it.
    let export_plan = match &cli.command {
        Some(Command::Completions { shell }) => return help::completions(*shell),
        Some(Command::Man { subcommand }) => return man::man(subcommand.as_deref()),
        Some(Command::Export(args)) => Some(export::plan(args.clone())?),
        _ => None,
    };
    let (path, is_default) = match (&cli.db, &settings.config.database) {
        (Some(p), _) => (p.clone(), false),
        (None, Some(p)) => (p.clone(), false),
        (None, None) => (default_db_path(), true),
    };
    let fresh_default = is_default && !path.exists();
    refuse_before_opening(&cli.command, &path)?;
    if let Some(Command::Check { json }) = cli.command {
        return check::run(&path, cli.read_only, json);
    }
    // A write command reports a read-only store through its own error.
    let writes = writes(&cli.command);
    // quick_check reads the whole file (0.8 s at a million opinions):
    // writing commands run a cheap check before they write (the header
    // and schema; the whole quick_check on small files); the app runs it in the background; `kusei check` and
    // `kusei backup` in full; commands that only read do not need it.
    let mut store = open(&path, cli.read_only, cli.read_only || writes, true)?;
    if writes {
        // A damaged file turns read-only: the write then says why.
        store.check_before_write()?;
    }
    if fresh_default && !cli.read_only && cli.command.is_none() {
        let report = sample::load(&mut store).context("サンプルデータを読み込めません")?;
        crate::errln!(
            "kusei: 新しいデータベース {} にサンプルデータを読み込みました（会議 {} 件、計画 {} 件）",
            path.display(),
            report.meetings_added,
            report.plans_added
        );
    }
    dispatch(cli.command, store, settings, export_plan, &path).map_err(|e| corrupt_said(e, &path))
}

/// Commands that change the database.
fn writes(command: &Option<Command>) -> bool {
    matches!(
        command,
        Some(
            Command::Import { .. }
                | Command::Sample
                | Command::Gen(_)
                | Command::Link {
                    accept_all: true,
                    ..
                }
        )
    )
}

/// What is refused before the database is opened: a command that only
/// reads on a database that does not exist (a typo in --db would otherwise
/// answer "not found" from a new empty file), and the database or its
/// -wal/-shm named as a file to import, export to or write.
fn refuse_before_opening(command: &Option<Command>, path: &Path) -> Result<()> {
    let reads_only = matches!(
        command,
        Some(
            Command::Search(_)
                | Command::Export(_)
                | Command::Check { .. }
                | Command::Audit { .. }
                | Command::Backup { .. }
                | Command::Link {
                    accept_all: false,
                    ..
                }
        )
    );
    if reads_only {
        use crate::db::diagnose::{Facts, Problem};
        if let Some(p @ Problem::Missing(_)) = Facts::of(path).refusal(true) {
            return Err(p.into());
        }
    }
    if let Some(Command::Import { files, .. }) = command {
        if files.iter().filter(|f| f.as_os_str() == "-").count() > 1 {
            return Err(UsageError("標準入力（-）は一度しか読み込めません".into()).into());
        }
    }
    if let Some(f) = file_args(command)
        .into_iter()
        .find(|f| crate::db::files::is_database_file(path, f))
    {
        bail!(
            "{}: データベース {} そのもの（か -wal/-shm）です。読み込みや書き出しには別のファイルを指定してください",
            f.display(),
            path.display()
        );
    }
    Ok(())
}

/// The files a command reads or writes besides the database.
fn file_args(command: &Option<Command>) -> Vec<&Path> {
    match command {
        Some(Command::Import { files, .. }) => files.iter().map(PathBuf::as_path).collect(),
        Some(Command::Export(a)) => a.output.iter().map(PathBuf::as_path).collect(),
        Some(Command::Gen(a)) => a.lines.iter().map(PathBuf::as_path).collect(),
        Some(Command::Backup { dest }) => vec![dest.as_path()],
        _ => Vec::new(),
    }
}

/// A damaged page met while reading, said with the way back.
fn corrupt_said(e: anyhow::Error, path: &Path) -> anyhow::Error {
    let corrupt = e.chain().any(|c| {
        c.downcast_ref::<rusqlite::Error>()
            .is_some_and(crate::db::is_corrupt)
            || matches!(c.downcast_ref::<crate::db::StoreError>(),
                Some(crate::db::StoreError::Sql(s)) if crate::db::is_corrupt(s))
    });
    if !corrupt {
        return e;
    }
    crate::db::diagnose::Problem::CorruptRead {
        path: path.display().to_string(),
        detail: e.root_cause().to_string(),
    }
    .into()
}

fn dispatch(
    command: Option<Command>,
    mut store: Store,
    settings: crate::app::settings::Settings,
    export_plan: Option<export::Plan>,
    path: &Path,
) -> Result<ExitCode> {
    match command {
        None => crate::app::run(store, settings),
        Some(Command::Import {
            files,
            dry_run,
            partial,
        }) => cmd_import(&mut store, &files, dry_run, partial),
        Some(Command::Export(_)) => match export_plan {
            Some(plan) => export::run(&store, plan),
            None => Ok(ExitCode::SUCCESS),
        },
        Some(Command::Link {
            suggest,
            accept_all,
            json,
        }) => cmd_link(&mut store, suggest, accept_all, json),
        Some(Command::Sample) => {
            let r = sample::load(&mut store)?;
            crate::outln!(
                "サンプルを読み込みました: 会議 {} 件追加、議題 {} 件、意見 {} 件、計画 {} 件、項目 {} 件、更新 {} 件",
                r.meetings_added, r.items_added, r.opinions_added, r.plans_added, r.nodes_added, r.rows_updated
            );
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Check { .. }) => Ok(ExitCode::SUCCESS), // handled before opening
        Some(Command::Backup { dest }) => {
            let shown = crate::progress::Progress::start("バックアップ中");
            let r = store.backup(&dest)?;
            drop(shown);
            crate::outln!(
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
        Some(Command::Completions { .. } | Command::Man { .. }) => Ok(ExitCode::SUCCESS),
        Some(Command::Config { .. }) => Ok(ExitCode::SUCCESS), // handled above
        Some(Command::Search(a)) => crate::search::cli::cmd_search(&store, &a),
        Some(Command::Gen(a)) => crate::search::cli::cmd_gen(&mut store, &a),
    }
}

fn open(path: &Path, read_only: bool, quiet: bool, defer_check: bool) -> Result<Store> {
    let store = Store::open(
        path,
        OpenOptions {
            read_only,
            defer_check,
        },
    )?;
    if let Some(reason) = store.read_only_reason() {
        if !quiet {
            crate::errln!("kusei: {reason}");
        }
    }
    Ok(store)
}

fn cmd_import(
    store: &mut Store,
    files: &[PathBuf],
    dry_run: bool,
    partial: bool,
) -> Result<ExitCode> {
    let mut parts = Vec::new();
    for f in files {
        let shown = crate::progress::Progress::start(&format!("読んでいます {}", f.display()));
        let parsed = parse_import(f, import::policy::Options { partial })?;
        drop(shown);
        tracing::info!(file = %f.display(), kind = parsed.kind.label_ja(), "読み込むファイルを読みました");
        for w in &parsed.warnings {
            crate::errln!("kusei: 注意: {w}");
        }
        let name = if f.as_os_str() == "-" {
            "標準入力".to_string()
        } else {
            f.display().to_string()
        };
        crate::errln!("kusei: {}", parsed.headline(&name));
        // What each line of the page became: on stdout for a dry run (the
        // output asked for), on stderr for an import (beside its summary),
        // so that no import moves text anywhere without a word.
        // One write for all lines (a big JSON has a line per meeting).
        if !parsed.report.is_empty() {
            let lines = parsed.report.join("\n");
            if dry_run {
                crate::outln!("{lines}");
            } else {
                crate::errln!("{lines}");
            }
        }
        parts.push(parsed.dataset);
    }
    let data = import::combine(parts);
    if dry_run {
        crate::outln!(
            "確認のみ: {} ファイルを読めました。何も書き込んでいません",
            files.len()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let shown = crate::progress::Progress::start("書き込んでいます");
    let r = store.import(&data)?;
    // Not freed one allocation at a time: the process ends right after,
    // which gives the memory back at once (freeing a 100k-opinion file's
    // dataset was ~2 % of its import, perf).
    std::mem::forget(data);
    drop(shown);
    crate::outln!("{}", r.summary_ja());
    Ok(ExitCode::SUCCESS)
}

/// One file to import; `-` is standard input (the format is told from
/// the content, as for files).
fn parse_import(f: &Path, opts: import::policy::Options) -> Result<import::Parsed> {
    if f.as_os_str() != "-" {
        return Ok(import::parse_file_with(f, opts)?);
    }
    use std::io::Read;
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(import::MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| anyhow::anyhow!("標準入力を読めません: {}", crate::os_error::ja(&e)))?;
    if bytes.len() as u64 > import::MAX_FILE_BYTES {
        bail!(
            "標準入力が大きすぎます（上限は {} MiB）",
            import::MAX_FILE_BYTES / 1024 / 1024
        );
    }
    Ok(import::parse_bytes_with("標準入力", &bytes, opts)?)
}

pub use crate::wareki::parse_fiscal_year;

fn cmd_audit(store: &Store, what: AuditCommand) -> Result<ExitCode> {
    match what {
        AuditCommand::Verify { head } => audit_cmd::verify(store, &head),
        AuditCommand::Head => audit_cmd::head(store),
        AuditCommand::Log(filter) => audit_log::run(store, &filter),
    }
}

/// `kusei link --suggest [--accept-all]`.
fn cmd_link(store: &mut Store, suggest: bool, accept_all: bool, json: bool) -> Result<ExitCode> {
    if !suggest {
        bail!("何をするか指定してください: kusei link --suggest（候補の一覧）、--suggest --accept-all（すべて関連づける）");
    }
    let list = store.link_suggestions()?;
    if json {
        crate::outln!("{}", crate::sanitize::json(serde_json::to_string(&list)?));
        return Ok(ExitCode::SUCCESS);
    }
    for g in &list {
        crate::outln!(
            "{} 第{}回 ({}) {}\t{} {}{} {}\t共通: {}",
            wareki::format_date(g.date),
            g.meeting_number,
            g.item_number,
            clean(&g.item_title),
            clean(&g.plan_title),
            clean(&g.level),
            clean(&g.code),
            clean(&g.node_title),
            clean(&g.topics.join("、"))
        );
    }
    if list.is_empty() {
        crate::outln!("関連づけの候補はありません");
    } else if accept_all {
        let pairs: Vec<(i64, i64)> = list.iter().map(|g| (g.item_id, g.node_id)).collect();
        let n = store.add_links(&pairs)?;
        crate::outln!("{n} 件を関連づけました");
    } else {
        crate::outln!(
            "候補 {} 件（関連づけるには app の運営方針タブで s、またはすべてなら --accept-all）",
            list.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}
