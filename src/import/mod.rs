//! Reading files into a [`Dataset`]: published minutes pages, published
//! policy pages (plain text or HTML; UTF-8, Shift_JIS/CP932 or EUC-JP) and
//! kusei's own JSON. Parsing never touches the database; the caller merges
//! the result in one transaction, so an import is all or nothing.

pub mod decode;
pub mod html;
pub mod lines;
pub mod minutes;
pub mod policy;

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
}

pub fn parse_file(path: &Path) -> Result<Parsed, ImportError> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| ImportError {
        file: name.clone(),
        line: None,
        message: format!("読み込めません: {e}"),
    })?;
    parse_bytes(&name, &bytes)
}

pub fn parse_bytes(file: &str, bytes: &[u8]) -> Result<Parsed, ImportError> {
    let decoded = decode::decode(bytes).map_err(|e| ImportError {
        file: file.to_string(),
        line: None,
        message: e.to_string(),
    })?;
    let text = decoded.text.as_str();
    if text.trim_start().starts_with('{') {
        let dataset = parse_json(file, text)?;
        return Ok(Parsed {
            kind: SourceKind::Json,
            encoding: decoded.encoding,
            dataset,
            warnings: Vec::new(),
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
        let dataset = policy::parse(file, &lines)?;
        return Ok(Parsed {
            kind: SourceKind::Policy,
            encoding: decoded.encoding,
            dataset,
            warnings: Vec::new(),
        });
    }
    let parsed = minutes::parse(file, &lines)?;
    Ok(Parsed {
        kind: SourceKind::Minutes,
        encoding: decoded.encoding,
        dataset: parsed.dataset,
        warnings: parsed.warnings,
    })
}

pub fn parse_json(file: &str, text: &str) -> Result<Dataset, ImportError> {
    serde_json::from_str(text).map_err(|e| ImportError {
        file: file.to_string(),
        line: Some(e.line()),
        message: format!("kusei の JSON として読めません（{}列目）: {e}", e.column()),
    })
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
