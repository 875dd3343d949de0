//! Reading a TOML file entry by entry, so that one bad entry is a warning
//! naming its line and key while the rest still applies. The file is parsed
//! with `toml::de::DeTable::parse_recoverable`, which keeps the span of
//! every key and value (a `toml::Table` would lose them) and goes on past a
//! syntax error.

use std::fmt;
use std::ops::Range;

use toml::de::{DeTable, DeValue};
use toml::Spanned;

/// One problem in a config or theme file. Never fatal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// The file as the user knows it ("~/.config/kusei/config.toml").
    pub file: String,
    /// 1-based; None when the problem is not on one line.
    pub line: Option<usize>,
    /// The dotted key ("keymap.calendar.start_minutes"), or empty.
    pub key: String,
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
        }
        if !self.key.is_empty() {
            write!(f, ": {}", self.key)?;
        }
        write!(f, ": {}", self.message)
    }
}

/// A parsed file and where its warnings go.
pub struct Doc<'a> {
    src: &'a str,
    pub file: String,
    pub warnings: Vec<Warning>,
}

pub type Entry<'i> = (
    &'i Spanned<std::borrow::Cow<'i, str>>,
    &'i Spanned<DeValue<'i>>,
);

/// Parse `src` and hand its entries to `f`. A line TOML cannot read is a
/// warning and is left out (the parser's own recovery may drop everything
/// after a bad line, so such lines are blanked and the text read again);
/// the rest of the file still counts.
pub fn read<R>(
    src: &str,
    file: &str,
    f: impl FnOnce(&mut Doc, &Spanned<DeTable>) -> R,
) -> (R, Vec<Warning>) {
    let mut text = src.to_string();
    let mut syntax: Vec<Warning> = Vec::new();
    for _ in 0..50 {
        let (_, errors) = DeTable::parse_recoverable(&text);
        let lines: Vec<Option<usize>> = {
            let probe = Doc::new(&text, file);
            errors
                .iter()
                .map(|e| e.span().map(|s| probe.line_of(s.start)))
                .collect()
        };
        let mut blanked = false;
        for (e, line) in errors.iter().zip(lines) {
            if syntax.iter().any(|w| w.line == line) {
                continue;
            }
            let msg = e.message().trim().replace('\n', " ");
            syntax.push(Warning {
                file: file.to_string(),
                line,
                key: String::new(),
                message: format!("TOML として読めません（この行は無視します）: {msg}"),
            });
            if let Some(l) = line {
                text = blank_line(&text, l);
                blanked = true;
            }
        }
        if !blanked {
            break;
        }
    }
    let (table, _) = DeTable::parse_recoverable(&text);
    let mut doc = Doc::new(&text, file);
    let r = f(&mut doc, &table);
    syntax.append(&mut doc.warnings);
    syntax.sort_by_key(|w| w.line);
    (r, syntax)
}

/// `text` with line `line` (1-based) emptied, line breaks kept.
fn blank_line(text: &str, line: usize) -> String {
    text.split('\n')
        .enumerate()
        .map(|(i, l)| if i + 1 == line { "" } else { l })
        .collect::<Vec<_>>()
        .join("\n")
}

impl<'a> Doc<'a> {
    fn new(src: &'a str, file: &str) -> Doc<'a> {
        Doc {
            src,
            file: file.to_string(),
            warnings: Vec::new(),
        }
    }

    /// The 1-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        let end = offset.min(self.src.len());
        self.src.as_bytes()[..end]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1
    }

    pub fn warn(&mut self, span: Range<usize>, key: impl Into<String>, message: impl Into<String>) {
        let line = Some(self.line_of(span.start));
        self.warnings.push(Warning {
            file: self.file.clone(),
            line,
            key: key.into(),
            message: message.into(),
        });
    }

    /// A string value, or a warning that it is not one.
    pub fn string(&mut self, key: &str, v: &Spanned<DeValue<'_>>) -> Option<String> {
        match v.get_ref() {
            DeValue::String(s) => Some(s.to_string()),
            other => {
                self.warn(
                    v.span(),
                    key,
                    format!("文字列が必要です（{}が書かれています）", type_ja(other)),
                );
                None
            }
        }
    }

    /// An integer value, or a warning.
    pub fn integer(&mut self, key: &str, v: &Spanned<DeValue<'_>>) -> Option<i64> {
        let parsed = match v.get_ref() {
            DeValue::Integer(i) => {
                i64::from_str_radix(&i.as_str().replace('_', ""), i.radix()).ok()
            }
            _ => None,
        };
        if parsed.is_none() {
            self.warn(
                v.span(),
                key,
                format!("整数が必要です（{}が書かれています）", type_ja(v.get_ref())),
            );
        }
        parsed
    }

    /// A boolean value, or a warning.
    pub fn boolean(&mut self, key: &str, v: &Spanned<DeValue<'_>>) -> Option<bool> {
        match v.get_ref() {
            DeValue::Boolean(b) => Some(*b),
            other => {
                let found = type_ja(other);
                self.warn(
                    v.span(),
                    key,
                    format!("true か false が必要です（{found}が書かれています）"),
                );
                None
            }
        }
    }

    /// A table value, or a warning.
    pub fn table<'v, 'i>(
        &mut self,
        key: &str,
        v: &'v Spanned<DeValue<'i>>,
    ) -> Option<&'v DeTable<'i>> {
        match v.get_ref() {
            DeValue::Table(t) => Some(t),
            other => {
                self.warn(
                    v.span(),
                    key,
                    format!(
                        "表（[{key}] や {{ … }}）が必要です（{}が書かれています）",
                        type_ja(other)
                    ),
                );
                None
            }
        }
    }

    /// A string or a list of strings (key lists, modifier lists).
    pub fn strings(
        &mut self,
        key: &str,
        v: &Spanned<DeValue<'_>>,
    ) -> Option<Vec<(String, Range<usize>)>> {
        match v.get_ref() {
            DeValue::String(s) => Some(vec![(s.to_string(), v.span())]),
            DeValue::Array(a) => {
                let mut out = Vec::new();
                for item in a.iter() {
                    if let Some(s) = self.string(key, item) {
                        out.push((s, item.span()));
                    }
                }
                Some(out)
            }
            other => {
                self.warn(
                    v.span(),
                    key,
                    format!(
                        "文字列かその一覧（[\"a\", \"b\"]）が必要です（{}が書かれています）",
                        type_ja(other)
                    ),
                );
                None
            }
        }
    }

    pub fn unknown_key(&mut self, span: Range<usize>, key: &str, known: &[&str]) {
        self.warn(
            span,
            key,
            format!("知らない項目です（使える項目: {}）", known.join("、")),
        );
    }
}

/// "a string", "an integer" … in Japanese, for messages.
pub fn type_ja(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "文字列",
        DeValue::Integer(_) => "整数",
        DeValue::Float(_) => "小数",
        DeValue::Boolean(_) => "真偽値",
        DeValue::Datetime(_) => "日時",
        DeValue::Array(_) => "一覧",
        DeValue::Table(_) => "表",
    }
}

/// "a.b" joined, skipping an empty prefix.
pub fn join_key(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_errors_name_the_line_and_the_rest_is_kept() {
        let src = "a = 1\nb = = 2\nnot toml at all\n[t]\nc = \"x\"\n";
        let (keys, warnings) = read(src, "t.toml", |_, table| {
            let t = table.get_ref();
            let mut keys: Vec<String> = t.iter().map(|(k, _)| k.get_ref().to_string()).collect();
            if let Some(DeValue::Table(inner)) = t.get("t").map(|v| v.get_ref()) {
                keys.extend(inner.iter().map(|(k, _)| format!("t.{}", k.get_ref())));
            }
            keys
        });
        let lines: Vec<_> = warnings.iter().map(|w| w.line).collect();
        assert_eq!(lines, [Some(2), Some(3)], "{warnings:?}");
        assert!(
            keys.contains(&"a".to_string()) && keys.contains(&"t.c".to_string()),
            "{keys:?}"
        );
    }

    #[test]
    fn warnings_read_like_compiler_messages() {
        let w = Warning {
            file: "config.toml".into(),
            line: Some(3),
            key: "theme".into(),
            message: "ない".into(),
        };
        assert_eq!(w.to_string(), "config.toml:3: theme: ない");
    }
}
