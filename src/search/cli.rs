//! `kusei search QUERY` and `kusei gen`: the engine from the shell.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context as _, Result};
use serde::Serialize;

use super::resolve::ResultRow;
use super::{parse, search, Cancel};
use crate::db::Store;
use crate::wareki;

#[derive(Debug, Clone, clap::Args)]
pub struct SearchArgs {
    /// 探すもの: 語（あいまい、順に）、"引用符で囲んだ句"（完全一致）、絞り込み fy:2017 / fy:H29、@区長、kind:決定 / kind:宿題、#5
    #[arg(required = true, value_name = "QUERY")]
    pub query: Vec<String>,
    /// JSON で出力する（スクリプト用）: 総数と、各結果の場所と一致した文字の範囲
    #[arg(long)]
    pub json: bool,
    /// 最大 N 件を出力する
    #[arg(long, short = 'n', value_name = "N", default_value_t = 20)]
    pub limit: usize,
    /// 色と強調: auto（端末なら。NO_COLOR があれば使わない）、always、never
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// 端末なら色を使う（NO_COLOR があれば使わない）
    Auto,
    /// いつも色を使う
    Always,
    /// 色を使わない
    Never,
}

#[derive(Debug, Clone, clap::Args)]
pub struct GenArgs {
    /// 作る意見の件数
    #[arg(long, value_name = "N")]
    pub opinions: usize,
    /// 種: 同じ種なら同じ内容になります
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    /// 各意見の本文を FILE にも一行ずつ書く（同じ文章でほかの道具と比べるため）
    #[arg(long, value_name = "FILE")]
    pub lines: Option<PathBuf>,
}

pub fn cmd_search(store: &Store, a: &SearchArgs) -> Result<ExitCode> {
    let text = a.query.join(" ");
    let query = parse(&text)?;
    let t = Instant::now();
    // The index file when it can be used (mapped: no build); else built,
    // and written so the next run is quick.
    let loaded = super::persist_delta::open_or_build(store.path(), store.conn(), &|_, _| {}, true)?;
    let index = loaded.index;
    let built = t.elapsed();
    let (rows, total) =
        search(&index, store.conn(), &query, a.limit, Cancel::never())?.unwrap_or_default();
    let mut out = std::io::stdout().lock();
    let written = if a.json {
        write_json(&mut out, &text, &query, &rows, total)
    } else {
        let color = match a.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::io::stdout().is_terminal()
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        };
        write_lines(&mut out, &query, &rows, color)
    };
    // A closed pipe (`| head`) is not an error worth a message.
    if let Err(e) = written.and_then(|_| out.flush()) {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            return Err(e.into());
        }
    }
    if !a.json {
        crate::errln!(
            "{} 件中 {} 件（索引 {} 件 {} {:.0} ms、検索 {:.1} ms）",
            total,
            rows.len(),
            index.entries(),
            if loaded.rebuilt.is_some() {
                "作成"
            } else {
                "読込"
            },
            built.as_secs_f64() * 1e3,
            (t.elapsed() - built).as_secs_f64() * 1e3
        );
    }
    Ok(if total == 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The fields of a result line: date, meeting, item, what, text.
pub fn fields(r: &ResultRow) -> [String; 4] {
    if let Some(n) = &r.node {
        return [
            r.fiscal_year
                .map(wareki::format_fiscal_year)
                .unwrap_or_default(),
            n.plan.clone(),
            format!("{} {}", n.code, n.level).trim().to_string(),
            r.kind.label_ja().to_string(),
        ];
    }
    [
        r.date.map(wareki::format_date).unwrap_or_default(),
        r.meeting
            .as_ref()
            .map(|m| format!("第{}回", m.number))
            .unwrap_or_default(),
        r.item
            .as_ref()
            .map(|i| format!("({}) {}", i.number, i.title))
            .unwrap_or_default(),
        r.kind.label_ja().to_string(),
    ]
}

const DIM: &str = "\x1b[2m";
const HL: &str = "\x1b[1;33m";
const KIND: &str = "\x1b[36m";
const RESET: &str = "\x1b[0m";

fn write_lines(
    out: &mut impl Write,
    query: &super::Query,
    rows: &[ResultRow],
    color: bool,
) -> std::io::Result<()> {
    for r in rows {
        let [date, meeting, item, kind] = fields(r).map(|f| one_line(&f));
        let text = one_line(&r.text);
        if !color {
            writeln!(out, "{date}\t{meeting}\t{item}\t{kind}\t{text}")?;
            continue;
        }
        let mut marked = String::new();
        let mut at = 0;
        for h in super::highlight(&text, query) {
            marked.push_str(&text[at..h.start]);
            marked.push_str(HL);
            marked.push_str(&text[h.clone()]);
            marked.push_str(RESET);
            at = h.end;
        }
        marked.push_str(&text[at..]);
        writeln!(
            out,
            "{DIM}{date}  {meeting}  {item}{RESET}  {KIND}{kind}{RESET}  {marked}"
        )?;
    }
    Ok(())
}

/// Newlines and tabs would break the one-result-per-line output; control,
/// bidi and zero-width characters become visible markers (never raw bytes,
/// on a terminal or piped).
fn one_line(s: &str) -> String {
    crate::sanitize::clean(&s.replace('\r', " ")).into_owned()
}

#[derive(Serialize)]
struct JsonOut<'a> {
    query: &'a str,
    total: usize,
    results: Vec<JsonRow<'a>>,
}

#[derive(Serialize)]
struct JsonRow<'a> {
    rank: usize,
    #[serde(flatten)]
    row: &'a ResultRow,
    /// Matched characters of `text`: [start, end) in characters.
    highlights: Vec<[usize; 2]>,
}

fn write_json(
    out: &mut impl Write,
    text: &str,
    query: &super::Query,
    rows: &[ResultRow],
    total: usize,
) -> std::io::Result<()> {
    let results = rows
        .iter()
        .enumerate()
        .map(|(i, r)| JsonRow {
            rank: i + 1,
            row: r,
            highlights: super::highlight(&r.text, query)
                .into_iter()
                .map(|h| {
                    let s = r.text[..h.start].chars().count();
                    [s, s + r.text[h].chars().count()]
                })
                .collect(),
        })
        .collect();
    let doc = JsonOut {
        query: text,
        total,
        results,
    };
    // serde_json escapes C0 only: C1, DEL, bidi and zero-width characters
    // become \uXXXX escapes too (the same data, nothing raw).
    let json = serde_json::to_string_pretty(&doc).map_err(std::io::Error::other)?;
    writeln!(out, "{}", crate::sanitize::json(json))
}

pub fn cmd_gen(store: &mut Store, a: &GenArgs) -> Result<ExitCode> {
    let t = Instant::now();
    let mut file = match &a.lines {
        Some(p) => Some(std::io::BufWriter::new(
            std::fs::File::create(p).with_context(|| format!("{} を作れません", p.display()))?,
        )),
        None => None,
    };
    let shown = crate::progress::Progress::start("合成データを作成中");
    let r = super::synth::generate(
        store,
        a.opinions,
        a.seed,
        file.as_mut().map(|f| f as &mut dyn Write),
    )?;
    if let Some(mut f) = file {
        f.flush()?;
    }
    drop(shown);
    crate::outln!(
        "合成データを書き込みました: 会議体 {} 件、会議 {} 件、議題 {} 件、意見 {} 件（{:.1} 秒、seed {}）",
        r.committees,
        r.meetings,
        r.items,
        r.opinions,
        t.elapsed().as_secs_f64(),
        a.seed
    );
    Ok(ExitCode::SUCCESS)
}
