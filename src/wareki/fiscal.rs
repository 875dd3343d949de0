//! Fiscal years (年度) as people type them: "2017", "H29", "平成29年度",
//! "R1", "令和元年度". Used by the command line and by search's `fy:`.
//! And the one rule that names a fiscal year in 和暦 ([`fiscal_era_year`]):
//! every label (平成29年度, H29上, R1下, the progress grid's columns and
//! footer, the policy pane) goes through it.

use chrono::Datelike;

use super::{normalize_digits, Era};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("年度 {0:?} が読めません（2017、H29、平成29年度 のように書いてください）")]
pub struct FiscalYearError(pub String);

/// The era and year that name fiscal year `fy`: the era in effect on
/// October 1, the one covering most of the year, as offices name it.
/// FY2019 began on 2019-04-01 under 平成 (31年) but 令和 began on 05-01,
/// so it is 令和元年度 (R1上, R1下), never 平成31年度/H31上; FY1988 is
/// 昭和63年度 (平成 began 1989-01-08, after October 1). None before 1873.
pub fn fiscal_era_year(fy: i32) -> Option<(Era, i32)> {
    chrono::NaiveDate::from_ymd_opt(fy, 10, 1).and_then(super::era_of)
}

/// "R1", "H29": the era's initial and year of [`fiscal_era_year`]; "2017"
/// before 1873.
pub fn short_fiscal_year(fy: i32) -> String {
    match fiscal_era_year(fy) {
        Some((e, y)) => format!("{}{y}", e.initial()),
        None => fy.to_string(),
    }
}

/// "2017", "H29", "平成29", "平成29年度", "R1", "令和元年度" → 2017 …
pub fn parse_fiscal_year(s: &str) -> Result<i32, FiscalYearError> {
    let t = normalize_digits(s);
    if let Ok(y) = t.parse::<i32>() {
        if (1873..=2200).contains(&y) {
            return Ok(y);
        }
    }
    let t = t.trim_end_matches("年度").trim_end_matches('年');
    // "R1", "H29": the era's initial and the year within it.
    let mut chars = t.chars();
    if let Some(era) = chars.next().and_then(|c| {
        Era::all()
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
    let folded = format!("{t}年度").replace('\u{a0}', " ");
    match era_fiscal_year_prefix(&folded) {
        Some((fy, _)) => Ok(fy),
        None => Err(FiscalYearError(s.to_string())),
    }
}

/// "平成29年度…", "令和元年度…" at the start of (folded) `s`: the fiscal
/// year and the byte offset where "年度" begins.
pub fn era_fiscal_year_prefix(s: &str) -> Option<(i32, usize)> {
    let era = Era::all().into_iter().find(|e| s.starts_with(e.name()))?;
    let after_era = &s[era.name().len()..];
    let pos = after_era.find("年度")?;
    let year = match &after_era[..pos] {
        "元" => 1,
        digits => digits.trim().parse::<i32>().ok().filter(|y| *y >= 1)?,
    };
    Some((era.start().year() + year - 1, era.name().len() + pos))
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

    #[test]
    fn one_rule_names_fiscal_2019_reiwa() {
        assert_eq!(fiscal_era_year(2019), Some((Era::Reiwa, 1)));
        assert_eq!(short_fiscal_year(2019), "R1");
        assert_eq!(short_fiscal_year(2018), "H30");
        assert_eq!(short_fiscal_year(1988), "S63");
        assert_eq!(super::super::format_fiscal_year(2019), "令和元年度");
    }

    #[test]
    fn message_names_the_input() {
        let e = parse_fiscal_year("来年").unwrap_err();
        assert_eq!(
            e.to_string(),
            "年度 \"来年\" が読めません（2017、H29、平成29年度 のように書いてください）"
        );
    }
}
