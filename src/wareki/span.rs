//! Dates of milestones, with the precision the source gives them:
//! 平成18年4月1日 (a day), 平成18年4月 (a month), 平成20年度 (a fiscal year),
//! 平成29・30年度 (a span of fiscal years). Formatting and the lenient reading
//! of what a planner types back.

use chrono::{Datelike, Months, NaiveDate};

use super::{
    era_of, fiscal_year, fiscal_year_bounds, format_date, format_era_year, format_year_month,
    normalize_digits, parse_date, Era,
};
use crate::model::Precision;

/// A milestone's date: the first day of the period the source names, how
/// precisely it is known, and the last day of a span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub date: NaiveDate,
    pub precision: Precision,
    pub until: Option<NaiveDate>,
}

impl Span {
    /// The last day the milestone covers (its due date).
    pub fn last_day(&self) -> NaiveDate {
        self.until
            .unwrap_or_else(|| end_of(self.date, self.precision))
    }
}

/// The last day of the period starting at `date` with `precision`.
fn end_of(date: NaiveDate, precision: Precision) -> NaiveDate {
    match precision {
        Precision::Day => date,
        Precision::Month => date
            .with_day(1)
            .and_then(|d| d.checked_add_months(Months::new(1)))
            .and_then(|d| d.pred_opt())
            .unwrap_or(date),
        Precision::FiscalYear => fiscal_year_bounds(fiscal_year(date)).1,
    }
}

/// Era and year number naming fiscal year `fy` (the era of October 1, as
/// `format_fiscal_year` does).
fn fy_era(fy: i32) -> Option<(Era, i32)> {
    NaiveDate::from_ymd_opt(fy, 10, 1).and_then(era_of)
}

fn fy_text(fy: i32) -> String {
    match fy_era(fy) {
        Some((e, y)) => format!("{}度", format_era_year(e, y)),
        None => format!("{fy}年度"),
    }
}

fn at_precision(d: NaiveDate, p: Precision) -> String {
    match p {
        Precision::Day => format_date(d),
        Precision::Month => format_year_month(d.year(), d.month()),
        Precision::FiscalYear => fy_text(fiscal_year(d)),
    }
}

/// "平成18年4月1日", "平成18年4月", "平成20年度", "平成29・30年度",
/// "平成29〜31年度", "平成30年度・令和元年度", "平成18年4月〜平成19年3月".
pub fn format(span: &Span) -> String {
    let first = at_precision(span.date, span.precision);
    let Some(until) = span.until else {
        return first;
    };
    if until <= end_of(span.date, span.precision) {
        return first;
    }
    if span.precision != Precision::FiscalYear {
        return format!("{first}〜{}", at_precision(until, span.precision));
    }
    let (a, b) = (fiscal_year(span.date), fiscal_year(until));
    match (fy_era(a), fy_era(b)) {
        (Some((ea, ya)), Some((eb, yb))) if ea == eb && ya > 1 => {
            let sep = if b == a + 1 { "・" } else { "〜" };
            format!("{}{ya}{sep}{yb}年度", ea.name())
        }
        _ => {
            let sep = if b == a + 1 { "・" } else { "〜" };
            format!("{first}{sep}{}", fy_text(b))
        }
    }
}

/// Why a milestone date could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("「{0}」は日付として読めません（例: 平成18年4月1日、平成18年4月、平成20年度、平成29・30年度、H18.4）")]
pub struct SpanError(pub String);

/// Read what `format` writes, and the short forms people type: "H18.4.1",
/// "H18.4", "H20年度", "2006-04-01", "2006年4月", "R1〜R2年度".
pub fn parse(s: &str) -> Result<Span, SpanError> {
    let t = normalize_digits(s);
    let err = || SpanError(s.trim().to_string());
    if t.is_empty() {
        return Err(err());
    }
    if t.ends_with("年度") {
        return parse_fiscal_years(&t).ok_or_else(err);
    }
    let parts: Vec<&str> = t.split(['〜', '~']).map(str::trim).collect();
    match parts.as_slice() {
        [one] => parse_point(one).ok_or_else(err),
        [a, b] => {
            let first = parse_point(a).ok_or_else(err)?;
            let second = parse_point(b).ok_or_else(err)?;
            if second.precision != first.precision || second.date < first.date {
                return Err(err());
            }
            Ok(Span {
                until: Some(end_of(second.date, second.precision)),
                ..first
            })
        }
        _ => Err(err()),
    }
}

/// A day or a month.
fn parse_point(t: &str) -> Option<Span> {
    if let Ok((date, _)) = parse_date(t) {
        return Some(Span {
            date,
            precision: Precision::Day,
            until: None,
        });
    }
    let (year, rest) = year_prefix(t, None)?;
    let rest = rest
        .strip_prefix('年')
        .or_else(|| rest.strip_prefix('.'))
        .or_else(|| rest.strip_prefix('/'))
        .or_else(|| rest.strip_prefix('-'))?;
    let rest = rest.trim_start();
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let month: u32 = digits.parse().ok()?;
    let tail = rest[digits.len()..].trim();
    if !(tail.is_empty() || tail == "月") {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(year, month, 1)?;
    Some(Span {
        date,
        precision: Precision::Month,
        until: None,
    })
}

/// "平成20年度", "平成29・30年度", "平成29〜31年度", "平成30年度・令和元年度".
fn parse_fiscal_years(t: &str) -> Option<Span> {
    let parts: Vec<&str> = t
        .split(['・', '〜', '~', '、'])
        .map(|p| p.trim().trim_end_matches("年度").trim())
        .collect();
    let (first, mut era) = match parts.first() {
        Some(p) => {
            let (era, _) = era_and_number(p)?;
            let (y, rest) = year_prefix(p, None)?;
            if !rest.is_empty() {
                return None;
            }
            (y, era)
        }
        None => return None,
    };
    let mut last = first;
    for p in &parts[1..] {
        let (e, _) = era_and_number(p)?;
        era = e.or(era);
        let (y, rest) = year_prefix(p, era)?;
        if !rest.is_empty() || y < last {
            return None;
        }
        last = y;
    }
    let (start, _) = fiscal_year_bounds(first);
    let until = (last > first).then(|| fiscal_year_bounds(last).1);
    Some(Span {
        date: start,
        precision: Precision::FiscalYear,
        until,
    })
}

/// The era written at the start of `t` (name or initial), and the text after it.
fn era_and_number(t: &str) -> Option<(Option<Era>, &str)> {
    if let Some(e) = Era::all().into_iter().find(|e| t.starts_with(e.name())) {
        return Some((Some(e), &t[e.name().len()..]));
    }
    let mut chars = t.chars();
    let c = chars.next()?;
    if c.is_ascii_alphabetic() {
        let e = Era::all()
            .into_iter()
            .find(|e| e.initial() == c.to_ascii_uppercase())?;
        return Some((Some(e), chars.as_str()));
    }
    Some((None, t))
}

/// A year at the start of `t`: era (or `default_era`) + number or 元, or a
/// four-digit Western year. Returns the Western year and the rest.
fn year_prefix(t: &str, default_era: Option<Era>) -> Option<(i32, &str)> {
    let (era, rest) = era_and_number(t.trim())?;
    let era = era.or(default_era);
    let rest = rest.trim_start();
    let (n, rest) = if let Some(r) = rest.strip_prefix('元') {
        (1, r)
    } else {
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        (digits.parse::<i32>().ok()?, &rest[digits.len()..])
    };
    match era {
        Some(e) if n >= 1 => Some((e.start().year() + n - 1, rest)),
        None if (1873..=2200).contains(&n) => Some((n, rest)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    fn span(date: NaiveDate, precision: Precision, until: Option<NaiveDate>) -> Span {
        Span {
            date,
            precision,
            until,
        }
    }

    #[test]
    fn seed_003_forms() {
        let month = span(d(2006, 4, 1), Precision::Month, None);
        assert_eq!(format(&month), "平成18年4月");
        let fy = span(d(2008, 4, 1), Precision::FiscalYear, None);
        assert_eq!(format(&fy), "平成20年度");
        let two = span(d(2017, 4, 1), Precision::FiscalYear, Some(d(2019, 3, 31)));
        assert_eq!(format(&two), "平成29・30年度");
        let three = span(d(2017, 4, 1), Precision::FiscalYear, Some(d(2020, 3, 31)));
        assert_eq!(format(&three), "平成29年度〜令和元年度");
        let across = span(d(2018, 4, 1), Precision::FiscalYear, Some(d(2020, 3, 31)));
        assert_eq!(format(&across), "平成30年度・令和元年度");
        for s in [month, fy, two, three, across] {
            assert_eq!(parse(&format(&s)), Ok(s), "{}", format(&s));
        }
    }

    #[test]
    fn short_forms() {
        let month = span(d(2006, 4, 1), Precision::Month, None);
        assert_eq!(parse("H18.4"), Ok(month));
        assert_eq!(parse("2006年4月"), Ok(month));
        assert_eq!(parse("平成18年4月"), Ok(month));
        assert_eq!(
            parse("H18.4.1"),
            Ok(span(d(2006, 4, 1), Precision::Day, None))
        );
        assert_eq!(
            parse("H29~30年度"),
            Ok(span(
                d(2017, 4, 1),
                Precision::FiscalYear,
                Some(d(2019, 3, 31))
            ))
        );
        assert_eq!(
            parse("令和元年度"),
            Ok(span(d(2019, 4, 1), Precision::FiscalYear, None))
        );
        assert!(parse("来年").is_err());
        assert!(parse("平成18年13月").is_err());
        assert!(parse("").is_err());
    }

    #[test]
    fn last_day() {
        assert_eq!(
            span(d(2006, 4, 1), Precision::Month, None).last_day(),
            d(2006, 4, 30)
        );
        assert_eq!(
            span(d(2008, 4, 1), Precision::FiscalYear, None).last_day(),
            d(2009, 3, 31)
        );
    }

    fn any_span() -> impl Strategy<Value = Span> {
        (1950i32..2040, 1u32..=12, 1u32..=28, 0u8..3, 0i32..4).prop_map(|(y, m, day, p, n)| match p
        {
            0 => {
                let date = d(y, m, day);
                let until = (n > 0).then(|| date + chrono::Days::new(n as u64 * 40));
                span(date, Precision::Day, until)
            }
            1 => {
                let date = d(y, m, 1);
                let until = (n > 0).then(|| end_of(d(y + n, m, 1), Precision::Month));
                span(date, Precision::Month, until)
            }
            _ => {
                let until = (n > 0).then(|| fiscal_year_bounds(y + n).1);
                span(d(y, 4, 1), Precision::FiscalYear, until)
            }
        })
    }

    proptest! {
        #[test]
        fn format_then_parse_gives_the_span_back(s in any_span()) {
            prop_assert_eq!(parse(&format(&s)), Ok(s));
        }
    }
}
