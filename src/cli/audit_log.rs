//! `kusei audit log [--json]`: the changes, oldest first, filtered.

use std::process::ExitCode;

use anyhow::Result;
use serde::Serialize;

use crate::db::audit_read::Scope;
use crate::db::Store;
use crate::sanitize::clean;
use crate::wareki;

#[derive(Debug, Clone, clap::Args)]
pub struct LogArgs {
    /// この OS ユーザーの変更だけ
    #[arg(long)]
    pub user: Option<String>,
    /// この表の変更だけ（meetings、opinions、plan_nodes など）
    #[arg(long, value_parser = super::values::audit_table(), hide_possible_values = true)]
    pub table: Option<String>,
    /// この行番号の変更だけ（--table と一緒に）
    #[arg(long)]
    pub row: Option<i64>,
    /// この日以降の変更だけ（YYYY-MM-DD か和暦）
    #[arg(long)]
    pub since: Option<String>,
    /// 最大の件数（新しいものから）
    #[arg(long, default_value_t = 50)]
    pub limit: usize,
    /// JSON の配列で出力する（スクリプト用）: 各変更の日時、ユーザー、操作、表、行、変更前後の行
    #[arg(long)]
    pub json: bool,
}

/// One change as `--json` prints it.
#[derive(Serialize)]
struct Entry<'a> {
    id: i64,
    at: &'a str,
    user: &'a str,
    action: &'a str,
    table: &'a str,
    row: i64,
    summary: String,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
}

fn row_json(s: Option<&str>) -> Option<serde_json::Value> {
    s.map(|s| serde_json::from_str(s).unwrap_or_else(|_| serde_json::Value::String(s.into())))
}

pub fn run(store: &Store, f: &LogArgs) -> Result<ExitCode> {
    let since = match &f.since {
        Some(s) => Some(
            wareki::parse_date(s)
                .map_err(|e| super::UsageError(format!("--since: {e}")))?
                .0
                .format("%Y-%m-%d")
                .to_string(),
        ),
        None => None,
    };
    // Only the packs that can hold the asked-for rows are read.
    let tables: Vec<&str> = f.table.iter().map(String::as_str).collect();
    let scope = match (tables.first(), f.row) {
        (Some(t), Some(r)) => Scope::Row(t, r),
        (Some(_), None) => Scope::Tables(&tables),
        _ => Scope::All,
    };
    let entries: Vec<_> = store
        .audit_entries_in(scope)?
        .into_iter()
        .filter(|e| f.user.as_ref().is_none_or(|u| &e.os_user == u))
        .filter(|e| f.table.as_ref().is_none_or(|t| &e.table == t))
        .filter(|e| f.row.is_none_or(|r| e.row_id == r))
        .filter(|e| since.as_ref().is_none_or(|d| e.at.as_str() >= d.as_str()))
        .collect();
    let skip = entries.len().saturating_sub(f.limit);
    let entries = &entries[skip..];
    if f.json {
        let list: Vec<Entry> = entries
            .iter()
            .map(|e| Entry {
                id: e.id,
                at: &e.at,
                user: &e.os_user,
                action: &e.action,
                table: &e.table,
                row: e.row_id,
                summary: summary(e.after.as_deref().or(e.before.as_deref()).unwrap_or("")),
                before: row_json(e.before.as_deref()),
                after: row_json(e.after.as_deref()),
            })
            .collect();
        crate::outln!("{}", crate::sanitize::json(serde_json::to_string(&list)?));
        return Ok(ExitCode::SUCCESS);
    }
    for e in entries {
        let row = e.after.as_deref().or(e.before.as_deref()).unwrap_or("");
        let what = summary(row);
        let (what, _) = crate::widget::text_input::truncate_to_width(&what, 100);
        crate::outln!(
            "{}\t{}\t{}\t{}#{}\t{}",
            clean(&e.at),
            clean(&e.os_user),
            clean(&e.action),
            clean(&e.table),
            e.row_id,
            clean(&what)
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The telling field of an audited row (its text, title or name), else
/// the row as JSON.
fn summary(row_json: &str) -> String {
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
