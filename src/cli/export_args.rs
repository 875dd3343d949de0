//! `kusei export`'s arguments, as clap reads them; checked by
//! `export_check` and turned into a plan by `export`.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

#[derive(Debug, Clone, Args)]
pub struct ExportArgs {
    /// 形式
    #[arg(long, value_enum, default_value_t = Format::Json)]
    pub format: Format,
    /// 年度: 2017、H29、平成29、平成29年度、R1、令和元年度 など（publish と --table progress では必須。ほかの形式では絞り込み、省略時はすべての年度）
    #[arg(long, value_name = "FY", value_parser = super::values::fiscal_year(), hide_possible_values = true)]
    pub fiscal_year: Option<String>,
    /// 一つの会議: 年度:回（例 2017:3、H29:3）。markdown の議事録、csv の meetings・opinions、ics で使えます
    #[arg(long, value_name = "FY:N", conflicts_with = "fiscal_year")]
    pub meeting: Option<String>,
    /// 会議体（publish では省略時その年度の会議の会議体、ほかの形式では絞り込み）
    #[arg(long)]
    pub committee: Option<String>,
    /// 標準出力ではなく FILE に書く（- は標準出力）
    #[arg(short, long, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    pub output: Option<PathBuf>,
    /// csv・markdown で出す表（markdown で省略すると議事録）
    #[arg(long, value_enum)]
    pub table: Option<Table>,
    /// csv の文字コード: utf-8（BOM 付き、Excel 向け。省略時）か cp932
    #[arg(long, value_name = "ENC", value_parser = super::values::encoding(), hide_possible_values = true)]
    pub encoding: Option<String>,
    /// publish を HTML のページで書く
    #[arg(long)]
    pub html: bool,
    /// 書き出さずに、何をどこへ何バイト書くかだけを示す
    #[arg(long)]
    pub dry_run: bool,
    /// --dry-run の報告を JSON で（スクリプト用）
    #[arg(long, requires = "dry_run")]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// データベース全体を kusei の JSON で
    Json,
    /// 一年度の会議録を市のページの形で（--html で HTML）
    Publish,
    /// 表（--table）を CSV で
    Csv,
    /// 議事録（--table なし）か表を Markdown で
    Markdown,
    /// 会議の予定を iCalendar（.ics）で
    Ics,
    /// Excel のブック（.xlsx、-o FILE に）。--table なしでは表ごとのシート
    Xlsx,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Table {
    /// 会議の一覧（日時、場所、出席者、議題）。csv
    Meetings,
    /// 意見・決定・宿題の一覧（宿題の担当と期限つき）。csv
    Opinions,
    /// 出席マトリクス（職名と会議の表）。csv
    Attendance,
    /// 運営方針などの計画の木（予算と合計、千円）。csv・markdown
    Policy,
    /// 進捗: --fiscal-year の各項目の計画・実績・状況・評価。csv・markdown
    Progress,
}
