//! Reading files into a [`Dataset`]: published minutes pages, published
//! policy pages (plain text or HTML; UTF-8, Shift_JIS/CP932 or EUC-JP) and
//! kusei's own JSON. Parsing never touches the database; the caller merges
//! the result in one transaction, so an import is all or nothing.

pub mod budget;
pub mod decode;
pub mod html;
pub mod lines;
pub mod minutes;
mod minutes_cut;
mod minutes_draft;
mod minutes_parts;
mod minutes_read;
pub mod minutes_report;
pub mod policy;
mod policy_flat;
pub mod policy_heading;
pub mod policy_lines;
mod policy_read;
pub mod policy_report;

use std::path::Path;

use crate::model::Dataset;

/// What went wrong, and where: `file:line: message`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.render())]
pub struct ImportError {
    pub file: String,
    pub line: Option<usize>,
    pub message: String,
}

impl ImportError {
    fn render(&self) -> String {
        match self.line {
            Some(n) => format!("{}:{}: {}", self.file, n, self.message),
            None => format!("{}: {}", self.file, self.message),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    Minutes,
    Policy,
    Json,
}

impl SourceKind {
    pub fn label_ja(self) -> &'static str {
        match self {
            Self::Minutes => "会議録",
            Self::Policy => "運営方針",
            Self::Json => "kusei JSON",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Parsed {
    pub kind: SourceKind,
    pub encoding: &'static str,
    pub dataset: Dataset,
    /// Things read with a guess the user should know about (file:line: …).
    pub warnings: Vec<String>,
    /// What was understood, for `--dry-run` and the app's preview: for a
    /// policy page the plan, counts per level, budgets and every line with
    /// what it became.
    pub report: Vec<String>,
}

impl Parsed {
    /// One line for the file: "FILE: 運営方針（UTF-8）会議 0 件、計画 1 件".
    pub fn headline(&self, file: &str) -> String {
        format!(
            "{file}: {}（{}）会議 {} 件、計画 {} 件",
            self.kind.label_ja(),
            self.encoding,
            self.dataset.meetings.len(),
            self.dataset.plans.len()
        )
    }
}

/// Files larger than this are refused before reading (the published pages
/// are tens of kilobytes; a whole database's JSON a few hundred MB at most).
pub const MAX_FILE_BYTES: u64 = 512 * 1024 * 1024;

pub fn parse_file(path: &Path) -> Result<Parsed, ImportError> {
    parse_file_with(path, policy::Options::default())
}

/// [`parse_file`] with the options for a page cut off mid-section.
pub fn parse_file_with(path: &Path, opts: policy::Options) -> Result<Parsed, ImportError> {
    let name = path.display().to_string();
    if let Ok(meta) = std::fs::metadata(path) {
        if meta.len() > MAX_FILE_BYTES {
            return Err(ImportError {
                file: name,
                line: None,
                message: format!(
                    "ファイルが大きすぎます（{} バイト。上限は {} MiB）",
                    meta.len(),
                    MAX_FILE_BYTES / 1024 / 1024
                ),
            });
        }
    }
    let bytes = std::fs::read(path).map_err(|e| ImportError {
        file: name.clone(),
        line: None,
        message: format!("読み込めません: {}", crate::os_error::ja(&e)),
    })?;
    // The file's bytes become its text in place (no copy of a big JSON).
    let decoded =
        decode::decode_owned(bytes).map_err(|(e, bytes)| decode_error(&name, &bytes, &e))?;
    parse_decoded(&name, decoded, opts)
}

pub fn parse_bytes(file: &str, bytes: &[u8]) -> Result<Parsed, ImportError> {
    parse_bytes_with(file, bytes, policy::Options::default())
}

/// [`parse_bytes`] with the options for a page cut off mid-section.
pub fn parse_bytes_with(
    file: &str,
    bytes: &[u8],
    opts: policy::Options,
) -> Result<Parsed, ImportError> {
    let decoded = decode::decode(bytes).map_err(|e| decode_error(file, bytes, &e))?;
    parse_decoded(file, decoded, opts)
}

/// The rest of [`parse_bytes_with`], on the decoded text.
fn parse_decoded(
    file: &str,
    decoded: decode::Decoded,
    opts: policy::Options,
) -> Result<Parsed, ImportError> {
    let text = decoded.text.as_str();
    if text.trim_start().starts_with('{') {
        let dataset = parse_json(file, text)?;
        let report = minutes_report::render_json(&dataset);
        return Ok(Parsed {
            kind: SourceKind::Json,
            encoding: decoded.encoding,
            dataset,
            warnings: Vec::new(),
            report,
        });
    }
    let lines = lines::split(text);
    if lines.is_empty() {
        return Err(ImportError {
            file: file.to_string(),
            line: None,
            message: "ファイルに文字がありません".into(),
        });
    }
    if policy::looks_like_policy(&lines) {
        let p = policy::parse_with(file, &lines, opts)?;
        let report = p.report.render(&p.dataset.plans[0]);
        return Ok(Parsed {
            kind: SourceKind::Policy,
            encoding: decoded.encoding,
            dataset: p.dataset,
            warnings: p.warnings,
            report,
        });
    }
    let parsed = minutes::parse_with(file, &lines, opts, ends_cleanly(text))?;
    Ok(Parsed {
        kind: SourceKind::Minutes,
        encoding: decoded.encoding,
        dataset: parsed.dataset,
        warnings: parsed.warnings,
        report: parsed.report,
    })
}

/// The file ends as a saved file does: HTML with its closing tag, text with
/// a line end. (Many editors leave the last line end off, so this alone
/// never refuses a page; see `minutes_cut`.)
fn ends_cleanly(text: &str) -> bool {
    if html::looks_like_html(text) {
        let tail: String = text
            .chars()
            .rev()
            .take(200)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let tail = tail.to_ascii_lowercase();
        return tail.contains("</html>") || tail.contains("</body>");
    }
    text.ends_with(['\n', '\r'])
}

/// A decoding failure as `file:line: message`, like every other import error:
/// the line of the offending byte, or for a cut-off file its last line.
fn decode_error(file: &str, bytes: &[u8], e: &decode::DecodeError) -> ImportError {
    use decode::DecodeError;
    let line = match e {
        DecodeError::Binary { line, .. } | DecodeError::Unknown { line, .. } => Some(*line),
        DecodeError::Truncated => Some(1 + bytes.iter().filter(|&&b| b == b'\n').count()),
        _ => None,
    };
    let text = e.to_string();
    // The decoder's own message may start with "N行目: "; the line is said once.
    let message = line
        .and_then(|n| text.strip_prefix(&format!("{n}行目: ")))
        .unwrap_or(&text)
        .to_string();
    ImportError {
        file: file.to_string(),
        line,
        message,
    }
}

pub fn parse_json(file: &str, text: &str) -> Result<Dataset, ImportError> {
    let data: Dataset = serde_json::from_str(text).map_err(|e| ImportError {
        file: file.to_string(),
        line: Some(e.line()),
        message: format!("kusei の JSON として読めません（{}列目）: {e}", e.column()),
    })?;
    check_json(&data).map_err(|message| ImportError {
        file: file.to_string(),
        line: None,
        message,
    })?;
    Ok(data)
}

/// Years a ward's meeting or plan can have: from the Meiji era on.
const REAL_YEARS: std::ops::RangeInclusive<i32> = 1868..=2200;
/// 10兆円 in 千円: beyond any real budget line.
const MAX_BUDGET_KYEN: i64 = 10_000_000_000;

/// What the store would refuse in a well-formed JSON file, found while the
/// file's name is still at hand (the store only sees the combined import).
fn check_json(data: &Dataset) -> Result<(), String> {
    use crate::wareki;
    use chrono::Datelike;
    for (i, m) in data.meetings.iter().enumerate() {
        let at = format!("meetings[{i}] 第{}回 ({})", m.number, m.date);
        if m.number == 0 {
            return Err(format!("{at}: 回の番号は1以上です"));
        }
        if !REAL_YEARS.contains(&m.date.year()) {
            return Err(format!(
                "meetings[{i}].date: 日付 {} の年は{}〜{}年のはずです",
                m.date,
                REAL_YEARS.start(),
                REAL_YEARS.end()
            ));
        }
        let mut seen = std::collections::HashMap::new();
        for (j, item) in m.items.iter().enumerate() {
            if let Some(k) = seen.insert(item.number, j) {
                return Err(format!(
                    "meetings[{i}].items[{j}].number: 議題の番号 ({}) が items[{k}] と重なっています（{at}）",
                    item.number
                ));
            }
        }
        let fy = wareki::fiscal_year(m.date);
        if fy != m.fiscal_year {
            return Err(format!(
                "{at}: fiscal_year は {} ですが、日付 {} は {}（{fy}）です",
                m.fiscal_year,
                m.date,
                wareki::format_fiscal_year(fy)
            ));
        }
        if let (Some(s), Some(e)) = (m.start, m.end) {
            if e <= s {
                return Err(format!(
                    "{at}: 終了 {} が開始 {} より前です",
                    e.format("%H:%M"),
                    s.format("%H:%M")
                ));
            }
        }
    }
    check_plans(data)
}

fn check_plans(data: &Dataset) -> Result<(), String> {
    for (i, plan) in data.plans.iter().enumerate() {
        if let Some(fy) = plan.fiscal_year.filter(|y| !REAL_YEARS.contains(y)) {
            return Err(format!(
                "plans[{i}].fiscal_year:「{}」の年度 {fy} は{}〜{}年のはずです",
                plan.title,
                REAL_YEARS.start(),
                REAL_YEARS.end()
            ));
        }
        for (_, n) in plan.walk() {
            let at = format!("plans[{i}]「{}」の「{}」", plan.title, n.title);
            if n.level.trim().is_empty() {
                return Err(format!("{at}: level（階層の名前）が空です"));
            }
            if n.budget_kyen.is_some_and(|b| b < 0) {
                return Err(format!("{at}: 予算額が負の数です"));
            }
            if let Some(b) = n.budget_kyen.filter(|b| *b > MAX_BUDGET_KYEN) {
                return Err(format!(
                    "{at}: budget_kyen {b} 千円は大きすぎます（10兆円を超える予算額はありません）"
                ));
            }
        }
    }
    Ok(())
}

/// Several datasets as one, for importing many files in one transaction.
pub fn combine(parts: impl IntoIterator<Item = Dataset>) -> Dataset {
    let mut all = Dataset::default();
    for d in parts {
        all.committees.extend(d.committees);
        all.meetings.extend(d.meetings);
        all.plans.extend(d.plans);
    }
    all
}
