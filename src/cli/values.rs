//! Values the shell can complete (`kusei completions` offers them for
//! bash, zsh and fish) and the checks that turn an unreadable value into a
//! usage error (exit code 2) before anything else runs.
//!
//! Each option keeps `String` as its type; the parser checks it and
//! carries the candidates for completion. Free-form options (a theme file
//! the user adds later, any fiscal year) accept more than they offer.

use std::ffi::OsStr;

use chrono::Datelike;
use clap::builder::{PossibleValue, StringValueParser, TypedValueParser, ValueParser};

/// What makes a value unreadable (a usage error, exit code 2).
type Check = fn(&str) -> Result<(), String>;

/// A string option with completion candidates and, maybe, a check.
#[derive(Clone)]
pub struct Hinted {
    values: Vec<(String, String)>,
    check: Option<Check>,
}

impl TypedValueParser for Hinted {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<String, clap::Error> {
        let check = self.check;
        StringValueParser::new()
            .try_map(move |s| match check {
                Some(f) => f(&s).map(|()| s),
                None => Ok(s),
            })
            .parse_ref(cmd, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(self.values.iter().map(|(v, help)| {
            PossibleValue::new(v.clone()).help(help.clone())
        })))
    }
}

fn hinted(values: Vec<(String, String)>, check: Option<Check>) -> ValueParser {
    ValueParser::new(Hinted { values, check })
}

/// `--theme`: the shipped themes and the user's `themes/*.toml`. An
/// unknown name is not refused here: it falls back with a warning.
pub fn theme() -> ValueParser {
    let dir = crate::config::config_path().and_then(|(p, _)| p.parent().map(|d| d.to_path_buf()));
    let names = crate::ui::theme::file::available(dir.as_deref());
    let values = names
        .into_iter()
        .map(|n| {
            let help = match n.as_str() {
                "16color" => "端末の 16 色（既定）",
                "dark" => "暗い背景向け",
                "light" => "明るい背景向け",
                "high-contrast" => "高コントラスト",
                _ => "自作のテーマ",
            };
            (n, help.to_string())
        })
        .collect();
    hinted(values, None)
}

/// `--glyphs`: unicode or ascii (an unknown name falls back with a warning).
pub fn glyphs() -> ValueParser {
    hinted(
        vec![
            ("unicode".into(), "〇 ・ ✓ ⏎".into()),
            ("ascii".into(), "ASCII だけ（o . + |）".into()),
        ],
        None,
    )
}

/// `--encoding`: the CSV encodings.
pub fn encoding() -> ValueParser {
    fn check(s: &str) -> Result<(), String> {
        crate::export::csv::Encoding::parse(s)
            .map(|_| ())
            .ok_or_else(|| {
                format!("文字コード {s:?} は使えません（utf-8 か cp932 を指定してください）")
            })
    }
    hinted(
        vec![
            ("utf-8".into(), "BOM 付き UTF-8（Excel 向け）".into()),
            ("cp932".into(), "Shift_JIS（CP932）".into()),
        ],
        Some(check),
    )
}

/// `--fiscal-year`: checked as a year (2017、H29、令和元年度 …); the last
/// ten years and the next in three spellings are offered.
pub fn fiscal_year() -> ValueParser {
    fn check(s: &str) -> Result<(), String> {
        crate::wareki::parse_fiscal_year(s)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
    hinted(fiscal_year_candidates(current_fiscal_year()), Some(check))
}

/// The fiscal year today (April to March).
fn current_fiscal_year() -> i32 {
    let today = chrono::Local::now().date_naive();
    if today.month() >= 4 {
        today.year()
    } else {
        today.year() - 1
    }
}

/// From `now + 1` back ten years: 2026, R8, 令和8年度 for each.
pub fn fiscal_year_candidates(now: i32) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for fy in (now - 9..=now + 1).rev() {
        let name = crate::wareki::format_fiscal_year(fy);
        out.push((fy.to_string(), name.clone()));
        if let Some((era, y)) =
            chrono::NaiveDate::from_ymd_opt(fy, 10, 1).and_then(crate::wareki::era_of)
        {
            out.push((format!("{}{y}", era.initial()), name.clone()));
        }
        out.push((name, fy.to_string()));
    }
    out
}

/// `audit log --table`: the tables the audit log covers.
pub fn audit_table() -> ValueParser {
    fn check(s: &str) -> Result<(), String> {
        if crate::db::audit_verify::DATA_TABLES.contains(&s) {
            Ok(())
        } else {
            Err(format!(
                "表は {} のどれかです",
                crate::db::audit_verify::DATA_TABLES.join("、")
            ))
        }
    }
    let values = crate::db::audit_verify::DATA_TABLES
        .iter()
        .map(|t| (t.to_string(), String::new()))
        .collect();
    hinted(values, Some(check))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fiscal_years_offered_parse_back() {
        let c = fiscal_year_candidates(2026);
        for want in [
            "2026",
            "R8",
            "令和8年度",
            "2017",
            "H29",
            "平成29年度",
            "2027",
        ] {
            assert!(c.iter().any(|(v, _)| v == want), "{want}: {c:?}");
        }
        for (v, _) in &c {
            assert!(crate::wareki::parse_fiscal_year(v).is_ok(), "{v}");
        }
    }
}
