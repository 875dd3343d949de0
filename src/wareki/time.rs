//! Times and time ranges as minutes write them ("午後1時00分から2時30分",
//! "13:00〜14:30"), and a date with its times.

use chrono::{NaiveTime, Timelike};

use super::{normalize_digits, parse_date_prefix, Cur, DateError, NaiveDate, Warning};

/// A lexed time: either definite, or a bare hour ≤ 12 whose half of day may depend on context.
#[derive(Clone, Copy)]
enum Written {
    Definite(NaiveTime),
    Bare(u32, u32),
}

fn hm(h: u32, m: u32) -> Option<NaiveTime> {
    NaiveTime::from_hms_opt(h, m, 0)
}

/// Reads one time at the start of normalised `s`: (time, its text, rest).
fn lex_time(s: &str) -> Result<(Written, &str, &str), DateError> {
    let mut c = Cur(s);
    let w = if c.eat("正午") {
        Written::Definite(NaiveTime::MIN + chrono::TimeDelta::hours(12))
    } else {
        let pm = if c.eat("午前") {
            Some(false)
        } else {
            c.eat("午後").then_some(true)
        };
        c.ws();
        let h = c.num(2);
        let m = if c.eat(":") {
            c.num(2)
        } else if c.eat("時") {
            let m = if c.eat("半") {
                30
            } else {
                c.num(2).unwrap_or(0)
            };
            c.eat("分");
            Some(m)
        } else {
            None
        };
        let text = &s[..s.len() - c.0.len()];
        let bad = || DateError::InvalidTime(text.trim().to_string());
        let (h, m) = h.zip(m).filter(|&(_, m)| m < 60).ok_or_else(bad)?;
        match pm {
            Some(pm) if h <= 12 => {
                let h = if pm && h < 12 { h + 12 } else { h };
                Written::Definite(hm(h, m).ok_or_else(bad)?)
            }
            None if h <= 12 => Written::Bare(h, m),
            None => Written::Definite(hm(h, m).ok_or_else(bad)?),
            Some(_) => return Err(bad()),
        }
    };
    Ok((w, &s[..s.len() - c.0.len()], c.0))
}

/// Reads a bare end hour after `start`: in the start's half of day, else 12 hours later.
pub(super) fn resolve_bare_end(start: NaiveTime, h: u32, m: u32) -> Option<NaiveTime> {
    let base = if start.hour() >= 12 && h < 12 {
        h + 12
    } else {
        h
    };
    [base, base + 12]
        .into_iter()
        .filter_map(|h| hm(h, m))
        .find(|t| *t > start)
}

/// Parses "start[sep end][まで]" in normalised `s`.
fn parse_times(s: &str) -> Result<(NaiveTime, Option<NaiveTime>), DateError> {
    let bad = || DateError::InvalidTime(s.to_string());
    let (w, start_text, rest) = lex_time(s)?;
    let start = match w {
        Written::Definite(t) => t,
        Written::Bare(h, m) => hm(h, m).ok_or_else(bad)?,
    };
    let mut c = Cur(rest);
    c.ws();
    if c.eat_any(&["から", "~", "〜", "-", "–", "—"]).is_none() {
        return if c.0.is_empty() {
            Ok((start, None))
        } else {
            Err(bad())
        };
    }
    c.ws();
    if c.0.is_empty() || c.0 == "まで" {
        return Ok((start, None));
    }
    let (w, end_text, rest) = lex_time(c.0)?;
    let rest = rest.trim();
    if !rest.is_empty() && rest != "まで" {
        return Err(bad());
    }
    let end = match w {
        Written::Definite(t) => Some(t).filter(|t| *t > start),
        Written::Bare(h, m) => resolve_bare_end(start, h, m),
    };
    let end_err = || DateError::EndBeforeStart {
        start: start_text.trim().into(),
        end: end_text.trim().into(),
    };
    Ok((start, Some(end.ok_or_else(end_err)?)))
}

/// Parse a time: "午後1時00分", "午前10時30分", "正午", "13:00", "13時30分", "1時半".
/// Without 午前/午後 the hour is read as written (24-hour). 午前0時 = 00:00,
/// 午後0時 = 午前12時 = 午後12時 = 12:00.
pub fn parse_time(s: &str) -> Result<NaiveTime, DateError> {
    let n = normalize_digits(s);
    let (w, _, rest) = lex_time(&n)?;
    match w {
        _ if !rest.trim().is_empty() => None,
        Written::Definite(t) => Some(t),
        Written::Bare(h, m) => hm(h, m),
    }
    .ok_or(DateError::InvalidTime(n))
}

/// Parse a time range "start〜end" (separators から ~ 〜 ～ - –, optional trailing まで).
/// An end hour ≤ 12 without its own 午前/午後 is read in the start's half of day, or
/// 12 hours later if that is not after the start: 午後1時00分から2時30分 = 13:00–14:30,
/// 午前11時30分から1時 = 11:30–13:00, 午前10時30分から12時 = 10:30–12:00.
/// An explicit end not after the start is [`DateError::EndBeforeStart`].
pub fn parse_time_range(s: &str) -> Result<(NaiveTime, NaiveTime), DateError> {
    let n = normalize_digits(s);
    match parse_times(&n)? {
        (start, Some(end)) => Ok((start, end)),
        (_, None) => Err(DateError::InvalidTime(n)),
    }
}

/// A parsed 日時 line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateTimeSpec {
    pub date: NaiveDate,
    pub start: Option<NaiveTime>,
    pub end: Option<NaiveTime>,
    pub warnings: Vec<Warning>,
}

/// Parse a meeting's 日時 line: any date form accepted by [`parse_date`] (weekday
/// optional), then optionally, with or without spaces, a time or time range as in
/// [`parse_time_range`]: "平成29年4月20日(木曜日)午後1時00分から2時30分",
/// "R7.11.20 13:00-14:30", "２０２５年１１月２０日（木）１３：００～１４：３０", "H29.4.20".
pub fn parse_datetime(s: &str) -> Result<DateTimeSpec, DateError> {
    let n = normalize_digits(s);
    let (date, warnings, rest) = parse_date_prefix(&n)?;
    let rest = rest.trim();
    let (start, end) = if rest.is_empty() {
        (None, None)
    } else {
        let (s, e) = parse_times(rest)?;
        (Some(s), e)
    };
    Ok(DateTimeSpec {
        date,
        start,
        end,
        warnings,
    })
}
