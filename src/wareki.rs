//! 和暦 (Japanese era) dates and times: formatting and lenient parsing of the
//! forms found on ward-office pages (`平成29年4月20日(木曜日)午後1時00分から2時30分`).

use chrono::{Datelike, NaiveDate, NaiveTime, Timelike, Weekday};
use std::fmt;

pub mod span;

const fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(y, m, d) {
        Some(d) => d,
        None => panic!("invalid constant date"),
    }
}

/// Earliest supported date: adoption of the Gregorian calendar (明治6年1月1日).
const EARLIEST: NaiveDate = ymd(1873, 1, 1);
/// A year written past an era's last year is still read (in the next era, with a
/// warning) up to this many years beyond it, as in pre-改元 documents (平成32年).
const ERA_OVERFLOW_GRACE: i32 = 2;

/// A Japanese era (元号) of the modern calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Era {
    Meiji,
    Taisho,
    Showa,
    Heisei,
    Reiwa,
}

impl Era {
    /// Kanji name, e.g. "平成".
    pub fn name(self) -> &'static str {
        ["明治", "大正", "昭和", "平成", "令和"][self as usize]
    }
    /// Latin initial used in short dates, e.g. 'H'.
    pub fn initial(self) -> char {
        ['M', 'T', 'S', 'H', 'R'][self as usize]
    }
    /// First day of the era (Gregorian).
    pub fn start(self) -> NaiveDate {
        let (y, m, d) = [
            (1868, 1, 25),
            (1912, 7, 30),
            (1926, 12, 25),
            (1989, 1, 8),
            (2019, 5, 1),
        ][self as usize];
        ymd(y, m, d)
    }
    /// All eras, oldest first.
    pub fn all() -> [Era; 5] {
        [Era::Meiji, Era::Taisho, Era::Showa, Era::Heisei, Era::Reiwa]
    }
    fn next(self) -> Option<Era> {
        Era::all().get(self as usize + 1).copied()
    }
    /// Last year number of a finished era (平成 → 31).
    fn last_year(self) -> Option<i32> {
        self.next()
            .map(|n| n.start().year() - self.start().year() + 1)
    }
    fn from_initial(c: char) -> Option<Era> {
        let c = c.to_ascii_uppercase();
        Era::all().into_iter().find(|e| e.initial() == c)
    }
}

/// Era and year within era for a date (元年 = 1). `None` before 1873-01-01.
pub fn era_of(date: NaiveDate) -> Option<(Era, i32)> {
    if date < EARLIEST {
        return None;
    }
    let era = Era::all().into_iter().rev().find(|e| date >= e.start())?;
    Some((era, date.year() - era.start().year() + 1))
}

/// Era and year in effect on the 1st of the month (2019-04 → 平成31, 2019-05 → 令和1).
pub fn era_year_for_month(year: i32, month: u32) -> Option<(Era, i32)> {
    era_of(NaiveDate::from_ymd_opt(year, month, 1)?)
}

/// Era and year in effect on April 1 of fiscal year `fy` (2019 → 平成31, the name
/// FY2019 had when it began). [`format_fiscal_year`] uses the majority era instead.
pub fn era_year_for_fiscal_year(fy: i32) -> Option<(Era, i32)> {
    era_year_for_month(fy, 4)
}

/// "平成29年", "令和元年".
pub fn format_era_year(era: Era, y: i32) -> String {
    if y == 1 {
        format!("{}元年", era.name())
    } else {
        format!("{}{}年", era.name(), y)
    }
}

/// "平成29年4月20日", "令和元年5月1日"; ISO (`1872-12-31`) before 1873.
pub fn format_date(d: NaiveDate) -> String {
    match era_of(d) {
        Some((e, y)) => format!("{}{}月{}日", format_era_year(e, y), d.month(), d.day()),
        None => d.format("%Y-%m-%d").to_string(),
    }
}

/// "平成29年4月20日(木曜日)".
pub fn format_date_weekday(d: NaiveDate) -> String {
    format!("{}({})", format_date(d), weekday_long_ja(d.weekday()))
}

/// "4月20日(木)".
pub fn format_date_short_weekday(d: NaiveDate) -> String {
    format!("{}月{}日({})", d.month(), d.day(), weekday_ja(d.weekday()))
}

/// "平成29年6月" (era on the 1st of the month); "1872年6月" before 1873.
pub fn format_year_month(year: i32, month: u32) -> String {
    match era_year_for_month(year, month) {
        Some((e, y)) => format!("{}{}月", format_era_year(e, y), month),
        None => format!("{year}年{month}月"),
    }
}

/// "平成29年度". When the era changed during the fiscal year, the era covering most
/// of it (the one in effect on October 1) names it, as offices do: 2019 → 令和元年度,
/// 1988 → 昭和63年度 (平成元年度 is 1989), 1926 → 大正15年度. "1872年度" before 1873.
pub fn format_fiscal_year(fy: i32) -> String {
    match NaiveDate::from_ymd_opt(fy, 10, 1).and_then(era_of) {
        Some((e, y)) => format!("{}度", format_era_year(e, y)),
        None => format!("{fy}年度"),
    }
}

/// "H29.4.20", "R1.5.1"; ISO before 1873.
pub fn format_short(d: NaiveDate) -> String {
    match era_of(d) {
        Some((e, y)) => format!("{}{}.{}.{}", e.initial(), y, d.month(), d.day()),
        None => d.format("%Y-%m-%d").to_string(),
    }
}

/// One-character weekday: "日", "月", …
pub fn weekday_ja(w: Weekday) -> &'static str {
    &weekday_long_ja(w)[..3]
}

/// "日曜日", "月曜日", …
pub fn weekday_long_ja(w: Weekday) -> &'static str {
    let i = w.num_days_from_monday() as usize * 9; // 3 characters of 3 bytes each
    &"月曜日火曜日水曜日木曜日金曜日土曜日日曜日"[i..i + 9]
}

/// Fiscal year (starting April 1) containing the date: 2017-04-01 → 2017, 2018-03-31 → 2017.
pub fn fiscal_year(d: NaiveDate) -> i32 {
    if d.month() >= 4 {
        d.year()
    } else {
        d.year() - 1
    }
}

/// Half of a fiscal year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HalfYear {
    /// 上半期: April–September.
    First,
    /// 下半期: October–March.
    Second,
}

impl HalfYear {
    /// "上半期" / "下半期".
    pub fn name(self) -> &'static str {
        ["上半期", "下半期"][self as usize]
    }
}

/// Half of the fiscal year containing the date.
pub fn half_year(d: NaiveDate) -> HalfYear {
    if (4..=9).contains(&d.month()) {
        HalfYear::First
    } else {
        HalfYear::Second
    }
}

/// First and last day of fiscal year `fy`: (fy-04-01, fy+1-03-31). Saturates
/// at chrono's date limits for absurd years.
pub fn fiscal_year_bounds(fy: i32) -> (NaiveDate, NaiveDate) {
    let limit = if fy < 0 {
        NaiveDate::MIN
    } else {
        NaiveDate::MAX
    };
    let date = |y: Option<i32>, m, d| y.and_then(|y| NaiveDate::from_ymd_opt(y, m, d));
    let end = date(fy.checked_add(1), 3, 31).unwrap_or(limit);
    (date(Some(fy), 4, 1).unwrap_or(limit), end)
}

/// Something a parser read, but not literally as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Warning {
    /// A date written in an era after that era ended, read in the next era.
    EraBoundary { written: String, read_as: String },
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Warning::EraBoundary { written, read_as } => {
                write!(
                    f,
                    "{written} は {read_as} として読みました（改元後の日付です）"
                )
            }
        }
    }
}

/// Why a date or time could not be read. Messages are Japanese and name the text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("{0} は日付として読めません")]
    NotADate(String),
    #[error("{0} は存在しない日付です")]
    NonexistentDate(String),
    #[error("{text}: {}は{max}年までです", .era.name())]
    EraYearOutOfRange { text: String, era: Era, max: i32 },
    #[error("{text} は{}の始まり（{}）より前の日付です", .era.name(), format_date(.era.start()))]
    BeforeEraStart { text: String, era: Era },
    #[error("{text} は{}ですが、{written} と書かれています", weekday_long_ja(*.actual))]
    WeekdayMismatch {
        text: String,
        actual: Weekday,
        written: String,
    },
    #[error("{0} は1873年（明治6年）より前の日付のため扱えません")]
    BeforeSupported(String),
    #[error("{0} は時刻として読めません")]
    InvalidTime(String),
    #[error("終了 {end} が開始 {start} より前です")]
    EndBeforeStart { start: String, end: String },
}

/// Full-width ASCII (０-９, Ａ-ｚ, （）, ：, ．, ／, －, ～ …) to half-width,
/// ideographic space to ' ', then trim. Kanji and kana are kept.
pub fn normalize_digits(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            '\u{2212}' => '-',
            _ => c,
        })
        .collect::<String>()
        .trim()
        .to_string()
}

/// Minimal cursor over normalised text.
struct Cur<'a>(&'a str);

impl Cur<'_> {
    fn eat(&mut self, p: &str) -> bool {
        self.0.strip_prefix(p).map(|r| self.0 = r).is_some()
    }
    fn ws(&mut self) {
        self.0 = self.0.trim_start();
    }
    /// 1..=max ASCII digits.
    fn num(&mut self, max: usize) -> Option<u32> {
        let digits = self.0.bytes().take_while(u8::is_ascii_digit);
        let (d, r) = self.0.split_at(digits.take(max).count());
        let v = d.parse().ok()?;
        self.0 = r;
        Some(v)
    }
    fn eat_any(&mut self, ps: &[&str]) -> Option<char> {
        let p = ps.iter().find(|p| self.0.starts_with(**p))?;
        self.eat(p);
        p.chars().next()
    }
}

/// "4月20日" (spaces allowed between parts).
fn lex_month_day_kanji(c: &mut Cur) -> Option<(u32, u32)> {
    c.ws();
    let m = c.num(2)?;
    c.ws();
    c.eat("月").then_some(())?;
    c.ws();
    let d = c.num(2)?;
    c.ws();
    c.eat("日").then_some((m, d))
}

/// "4.20" / "4/20" / "4-20" after a separator already consumed as `sep`.
fn lex_month_day_sep(c: &mut Cur) -> Option<(u32, u32)> {
    let sep = c.eat_any(&[".", "/", "-"])?;
    let m = c.num(2)?;
    c.eat(&sep.to_string()).then_some(())?;
    Some((m, c.num(2)?))
}

/// Lexes the date part: (era if any, year, month, day).
fn lex_date(c: &mut Cur) -> Option<(Option<Era>, u32, u32, u32)> {
    if let Some(era) = Era::all().into_iter().find(|e| c.eat(e.name())) {
        c.ws();
        let y = if c.eat("元") { 1 } else { c.num(3)? };
        c.ws();
        c.eat("年").then_some(())?;
        let (m, d) = lex_month_day_kanji(c)?;
        return Some((Some(era), y, m, d));
    }
    if let Some(era) = c.0.chars().next().and_then(Era::from_initial) {
        c.0 = &c.0[1..];
        let y = c.num(3)?;
        let (m, d) = lex_month_day_sep(c)?;
        return Some((Some(era), y, m, d));
    }
    let y = c.num(4)?;
    let (m, d) = if c.eat("年") {
        lex_month_day_kanji(c)?
    } else {
        lex_month_day_sep(c)?
    };
    Some((None, y, m, d))
}

fn checked_date(y: i32, m: u32, d: u32, text: &str) -> Result<NaiveDate, DateError> {
    let date =
        NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| DateError::NonexistentDate(text.into()))?;
    if date < EARLIEST {
        return Err(DateError::BeforeSupported(text.into()));
    }
    Ok(date)
}

fn resolve_era(
    era: Era,
    y: u32,
    m: u32,
    d: u32,
    text: &str,
) -> Result<(NaiveDate, Vec<Warning>), DateError> {
    let y = i32::try_from(y).map_err(|_| DateError::NotADate(text.into()))?;
    if y == 0 {
        return Err(DateError::NonexistentDate(text.into()));
    }
    if let Some(max) = era.last_year().filter(|&max| y > max + ERA_OVERFLOW_GRACE) {
        let text = format!("{}{y}年", era.name());
        return Err(DateError::EraYearOutOfRange { text, era, max });
    }
    let date = checked_date(era.start().year() + y - 1, m, d, text)?;
    if date < era.start() {
        return Err(DateError::BeforeEraStart {
            text: text.into(),
            era,
        });
    }
    let mut warnings = Vec::new();
    if era_of(date).map(|(e, _)| e) != Some(era) {
        warnings.push(Warning::EraBoundary {
            written: text.into(),
            read_as: format_date(date),
        });
    }
    Ok((date, warnings))
}

fn weekday_from_ja(c: char) -> Option<Weekday> {
    let i = "月火水木金土日".chars().position(|w| w == c)?;
    Weekday::try_from(i as u8).ok()
}

/// Parses a date (and optional "(木曜日)") at the start of normalised `s`; returns the rest.
fn parse_date_prefix(s: &str) -> Result<(NaiveDate, Vec<Warning>, &str), DateError> {
    let not_date = || DateError::NotADate(s.to_string());
    let mut c = Cur(s);
    let (era, y, m, d) = lex_date(&mut c).ok_or_else(not_date)?;
    let text = s[..s.len() - c.0.len()].trim_end();
    let (date, warnings) = match era {
        Some(era) => resolve_era(era, y, m, d, text)?,
        None => (checked_date(y as i32, m, d, text)?, Vec::new()),
    };
    c.ws();
    let open = c.0;
    if c.eat("(") {
        let ch = c.0.chars().next().ok_or_else(not_date)?;
        let wd = weekday_from_ja(ch).ok_or_else(not_date)?;
        c.0 = &c.0[ch.len_utf8()..];
        c.eat("曜");
        c.eat("日");
        if !c.eat("・祝") {
            c.eat("祝");
        }
        c.eat(")").then_some(()).ok_or_else(not_date)?;
        if wd != date.weekday() {
            let written = open[..open.len() - c.0.len()].to_string();
            return Err(DateError::WeekdayMismatch {
                text: text.into(),
                actual: date.weekday(),
                written,
            });
        }
    }
    Ok((date, warnings, c.0))
}

/// Parse a date alone: 和暦 ("平成29年4月20日", "令和元年5月1日", "令和1年5月1日"),
/// short ("H29.4.20", "r1/5/23"), or Western ("2019-05-23", "2019/5/23", "2019年5月23日"),
/// each optionally followed by a weekday "(木曜日)"/"(木)" that must match the date.
/// A date after its era ended (平成31年5月1日, 平成32年1月1日) is read in the next era
/// with a [`Warning::EraBoundary`], up to two years past the era's last year (平成33年);
/// beyond that (大正20年) or before the era started (令和元年4月30日) is an error.
pub fn parse_date(s: &str) -> Result<(NaiveDate, Vec<Warning>), DateError> {
    let n = normalize_digits(s);
    let (date, warnings, rest) = parse_date_prefix(&n)?;
    if !rest.trim().is_empty() {
        return Err(DateError::NotADate(n));
    }
    Ok((date, warnings))
}

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
fn resolve_bare_end(start: NaiveTime, h: u32, m: u32) -> Option<NaiveTime> {
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

/// "午前10時30分" / "午後0時05分".
fn time_ja(t: NaiveTime) -> String {
    let (p, h) = if t.hour() < 12 {
        ("午前", t.hour())
    } else {
        ("午後", t.hour() - 12)
    };
    format!("{p}{h}時{:02}分", t.minute())
}

/// The published form of a time range (end should be after start):
/// "午後1時00分から2時30分" — the end omits 午前/午後 in the start's half of day, and
/// 12:xx after a 午前 start is "12時00分" (午前10時30分から12時00分); across noon both
/// are explicit: "午前11時30分から午後1時00分". Start only: "午後1時00分".
/// Always read back exactly by [`parse_time_range`].
pub fn format_time_range_ja(start: NaiveTime, end: Option<NaiveTime>) -> String {
    let Some(end) = end else {
        return time_ja(start);
    };
    let (sp, eh) = (start.hour() >= 12, end.hour());
    let bare = match (sp, eh >= 12) {
        (false, false) => Some(eh),
        (false, true) if eh == 12 => Some(12),
        (true, true) => Some(eh - 12),
        _ => None,
    }
    .filter(|&h| resolve_bare_end(start, h, end.minute()) == Some(end));
    let end_text = match bare {
        Some(h) => format!("{h}時{:02}分", end.minute()),
        None => time_ja(end),
    };
    format!("{}から{}", time_ja(start), end_text)
}

/// "平成29年4月20日(木曜日)午後1時00分から2時30分"; the date alone without a start.
pub fn format_datetime_ja(
    d: NaiveDate,
    start: Option<NaiveTime>,
    end: Option<NaiveTime>,
) -> String {
    let mut s = format_date_weekday(d);
    if let Some(start) = start {
        s.push_str(&format_time_range_ja(start, end));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, dd).unwrap()
    }
    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }
    /// Test table: one `input => expected` per line.
    fn table(s: &str) -> impl Iterator<Item = (&str, &str)> {
        s.lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| l.trim().split_once(" => ").unwrap())
    }
    /// "2017-04-20 13:00-14:30" (times only if present), "!" per warning.
    fn show(r: Result<DateTimeSpec, DateError>) -> String {
        let Ok(x) = r else {
            return r.unwrap_err().to_string();
        };
        let hm =
            |t: Option<NaiveTime>, p: &str| t.map(|t| t.format(&format!("{p}%H:%M")).to_string());
        let (s, e) = (
            hm(x.start, " ").unwrap_or_default(),
            hm(x.end, "-").unwrap_or_default(),
        );
        format!("{}{s}{e}{}", x.date, "!".repeat(x.warnings.len()))
    }

    #[test]
    fn eras() {
        let names: Vec<_> = Era::all().iter().map(|e| e.name()).collect();
        assert_eq!(names, ["明治", "大正", "昭和", "平成", "令和"]);
        assert_eq!(Era::all().map(Era::initial), ['M', 'T', 'S', 'H', 'R']);
        assert_eq!(Era::Heisei.start(), d(1989, 1, 8));
        assert_eq!(
            Era::all().map(Era::last_year),
            [Some(45), Some(15), Some(64), Some(31), None]
        );
        assert_eq!(era_of(d(1872, 12, 31)), None);
        let cases = "1873-01-01 => 明治6年
            1912-07-29 => 明治45年
            1912-07-30 => 大正元年
            1926-12-24 => 大正15年
            1926-12-25 => 昭和元年
            1989-01-07 => 昭和64年
            1989-01-08 => 平成元年
            2019-04-30 => 平成31年
            2019-05-01 => 令和元年";
        for (date, want) in table(cases) {
            let (e, y) = era_of(date.parse().unwrap()).unwrap();
            assert_eq!(format_era_year(e, y), want);
        }
        assert_eq!(era_year_for_month(2019, 4), Some((Era::Heisei, 31)));
        assert_eq!(era_year_for_month(2019, 5), Some((Era::Reiwa, 1)));
        assert_eq!(era_year_for_month(1989, 1), Some((Era::Showa, 64)));
        assert_eq!(era_year_for_month(2019, 13), None);
        assert_eq!(era_year_for_fiscal_year(2019), Some((Era::Heisei, 31)));
        assert_eq!(era_year_for_fiscal_year(2020), Some((Era::Reiwa, 2)));
    }

    #[test]
    fn formatting() {
        assert_eq!(format_era_year(Era::Heisei, 29), "平成29年");
        assert_eq!(format_date(d(2017, 4, 20)), "平成29年4月20日");
        assert_eq!(format_date(d(2019, 5, 1)), "令和元年5月1日");
        assert_eq!(format_date(d(1872, 12, 31)), "1872-12-31");
        assert_eq!(
            format_date_weekday(d(2017, 4, 20)),
            "平成29年4月20日(木曜日)"
        );
        assert_eq!(format_date_short_weekday(d(2017, 4, 20)), "4月20日(木)");
        assert_eq!(format_year_month(2017, 6), "平成29年6月");
        assert_eq!(format_year_month(2019, 4), "平成31年4月");
        assert_eq!(format_year_month(2019, 5), "令和元年5月");
        assert_eq!(format_short(d(2017, 4, 20)), "H29.4.20");
        assert_eq!(format_short(d(2019, 5, 1)), "R1.5.1");
        assert_eq!(format_short(d(1989, 1, 7)), "S64.1.7");
        let days: String = (0..7)
            .map(|i| weekday_ja(Weekday::try_from(i).unwrap()))
            .collect();
        assert_eq!(days, "月火水木金土日");
        assert_eq!(weekday_long_ja(Weekday::Sun), "日曜日");
    }

    #[test]
    fn fiscal() {
        let cases = "2017 => 平成29年度
            2018 => 平成30年度
            2019 => 令和元年度
            1988 => 昭和63年度
            1989 => 平成元年度
            1926 => 大正15年度
            1912 => 大正元年度
            1873 => 明治6年度
            1872 => 1872年度";
        for (fy, want) in table(cases) {
            assert_eq!(format_fiscal_year(fy.parse().unwrap()), want);
        }
        assert_eq!(fiscal_year(d(2017, 4, 1)), 2017);
        assert_eq!(fiscal_year(d(2018, 3, 31)), 2017);
        assert_eq!(half_year(d(2017, 4, 1)), HalfYear::First);
        assert_eq!(half_year(d(2017, 9, 30)), HalfYear::First);
        assert_eq!(half_year(d(2017, 10, 1)), HalfYear::Second);
        assert_eq!(half_year(d(2018, 3, 31)), HalfYear::Second);
        assert_eq!(HalfYear::Second.name(), "下半期");
        assert_eq!(fiscal_year_bounds(2017), (d(2017, 4, 1), d(2018, 3, 31)));
        assert_eq!(fiscal_year_bounds(i32::MAX).1, NaiveDate::MAX);
    }

    #[test]
    fn normalize() {
        let s = "\u{3000}２０２５年（木）１３：００～１．５／Ｒ－ ";
        assert_eq!(normalize_digits(s), "2025年(木)13:00~1.5/R-");
        assert_eq!(normalize_digits("令和元年"), "令和元年");
    }

    #[test]
    fn parse_dates() {
        let cases = "平成29年4月20日 => 2017-04-20
            平成29年4月20日(木曜日) => 2017-04-20
            平成29年4月20日(木) => 2017-04-20
            平成29年4月20日（木） => 2017-04-20
            平成29年4月20日 (木・祝) => 2017-04-20
            平成 29年 4月 20日 => 2017-04-20
            H29.4.20 => 2017-04-20
            h29.4.20 => 2017-04-20
            2017年4月20日 => 2017-04-20
            2017/4/20 => 2017-04-20
            2017-04-20(木) => 2017-04-20
            令和元年5月1日 => 2019-05-01
            令和1年5月1日 => 2019-05-01
            R1.5.23 => 2019-05-23
            R1/5/23 => 2019-05-23
            2019-05-23 => 2019-05-23
            ２０１９年５月２３日（木） => 2019-05-23
            平成31年4月30日 => 2019-04-30
            昭和64年1月7日 => 1989-01-07
            S64.1.7 => 1989-01-07
            平成元年1月8日 => 1989-01-08
            令和２年２月２９日 => 2020-02-29
            2000-02-29 => 2000-02-29
            明治6年1月1日 => 1873-01-01
            平成31年5月1日 => 2019-05-01!
            H31.5.1 => 2019-05-01!
            平成32年1月1日 => 2020-01-01!
            昭和64年1月8日 => 1989-01-08!
            大正16年1月1日 => 1927-01-01!";
        for (s, want) in table(cases) {
            assert_eq!(show(parse_datetime(s)), want, "{s}");
            let (date, w) = parse_date(s).unwrap();
            assert_eq!(
                (date.to_string(), w.len()),
                (want[..10].into(), want.len() - 10),
                "{s}"
            );
        }
        let w = parse_date("平成31年5月1日").unwrap().1;
        let msg = "平成31年5月1日 は 令和元年5月1日 として読みました（改元後の日付です）";
        assert_eq!(w[0].to_string(), msg);
        let read_as = "令和2年1月1日".into();
        let w = parse_date("平成32年1月1日").unwrap().1;
        assert_eq!(
            w,
            [Warning::EraBoundary {
                written: "平成32年1月1日".into(),
                read_as
            }]
        );
    }

    #[test]
    fn parse_date_errors() {
        let cases = "平成29年2月30日 => 平成29年2月30日 は存在しない日付です
            平成29年2月29日 => 平成29年2月29日 は存在しない日付です
            1900-02-29 => 1900-02-29 は存在しない日付です
            平成0年1月1日 => 平成0年1月1日 は存在しない日付です
            大正20年1月1日 => 大正20年: 大正は15年までです
            H34.1.1 => 平成34年: 平成は31年までです
            令和元年4月30日 => 令和元年4月30日 は令和の始まり（令和元年5月1日）より前の日付です
            平成元年1月7日 => 平成元年1月7日 は平成の始まり（平成元年1月8日）より前の日付です
            平成29年4月20日(金曜日) => 平成29年4月20日 は木曜日ですが、(金曜日) と書かれています
            2017-04-20（金） => 2017-04-20 は木曜日ですが、(金) と書かれています
            明治5年12月2日 => 明治5年12月2日 は1873年（明治6年）より前の日付のため扱えません
            1872-12-31 => 1872-12-31 は1873年（明治6年）より前の日付のため扱えません
            きのう => きのう は日付として読めません
            平成29年4月 => 平成29年4月 は日付として読めません
            H29.4-20 => H29.4-20 は日付として読めません
            平成29年4月20日(水 => 平成29年4月20日(水 は日付として読めません
            平成29年4月20日(x) => 平成29年4月20日(x) は日付として読めません
            2017-04-20 午後 => 2017-04-20 午後 は日付として読めません";
        for (s, want) in table(cases) {
            assert_eq!(parse_date(s).unwrap_err().to_string(), want, "{s}");
        }
        assert!(matches!(parse_date(""), Err(DateError::NotADate(_))));
    }

    #[test]
    fn parse_times_and_ranges() {
        let cases = "午後1時00分 => 13:00
            午後1時 => 13:00
            午前10時30分 => 10:30
            正午 => 12:00
            13:00 => 13:00
            13時 => 13:00
            13時30分 => 13:30
            1時30分 => 01:30
            1時半 => 01:30
            午前0時 => 00:00
            午後0時 => 12:00
            午前12時 => 12:00
            午後12時 => 12:00
            １３：０５ => 13:05";
        for (s, want) in table(cases) {
            assert_eq!(
                parse_time(s).map(|t| t.format("%H:%M").to_string()),
                Ok(want.into())
            );
        }
        for s in [
            "午後13時",
            "13:60",
            "10時61分",
            "24:00",
            "",
            "午後",
            "13:00から",
        ] {
            assert!(
                matches!(parse_time(s), Err(DateError::InvalidTime(_))),
                "{s}"
            );
        }
        assert_eq!(
            parse_time("25時").unwrap_err().to_string(),
            "25時 は時刻として読めません"
        );
        let cases = "午後1時00分から2時30分 => 13:00-14:30
            午前10時30分から12時 => 10:30-12:00
            午前10時30分から12時00分 => 10:30-12:00
            午前11時30分から1時 => 11:30-13:00
            午前11時30分から午後1時00分 => 11:30-13:00
            13:00-14:30 => 13:00-14:30
            13:00 ～ 14:30 => 13:00-14:30
            13:00〜14:30 => 13:00-14:30
            13:00–14:30 => 13:00-14:30
            9時から5時まで => 09:00-17:00
            正午から1時 => 12:00-13:00
            午後0時30分から1時 => 12:30-13:00
            14:30-13:00 => 終了 13:00 が開始 14:30 より前です
            午後2時から午前11時 => 終了 午前11時 が開始 午後2時 より前です
            午後1時から12時 => 終了 12時 が開始 午後1時 より前です
            午後1時 => 午後1時 は時刻として読めません
            午後1時から2時半ごろ => 午後1時から2時半ごろ は時刻として読めません";
        for (s, want) in table(cases) {
            let r = parse_time_range(s)
                .map(|(a, b)| format!("{}-{}", a.format("%H:%M"), b.format("%H:%M")));
            assert_eq!(r.unwrap_or_else(|e| e.to_string()), want, "{s}");
        }
    }

    #[test]
    fn format_time_ranges() {
        let f = |a, b| format_time_range_ja(a, b);
        assert_eq!(f(t(13, 0), Some(t(14, 30))), "午後1時00分から2時30分");
        assert_eq!(f(t(10, 30), Some(t(12, 0))), "午前10時30分から12時00分");
        assert_eq!(f(t(11, 30), Some(t(13, 0))), "午前11時30分から午後1時00分");
        assert_eq!(f(t(12, 0), Some(t(12, 30))), "午後0時00分から0時30分");
        assert_eq!(f(t(13, 0), None), "午後1時00分");
        assert_eq!(f(t(0, 5), None), "午前0時05分");
    }

    #[test]
    fn parse_datetimes() {
        let cases = "平成29年4月20日(木曜日)午後1時00分から2時30分 => 2017-04-20 13:00-14:30
            平成29年8月21日(月曜日)午前10時30分から12時00分 => 2017-08-21 10:30-12:00
            R7.11.20 13:00-14:30 => 2025-11-20 13:00-14:30
            令和7年11月20日 午後1時から2時30分 => 2025-11-20 13:00-14:30
            ２０２５年１１月２０日（木）１３：００～１４：３０ => 2025-11-20 13:00-14:30
            2025-11-20 13:00 => 2025-11-20 13:00
            令和7年11月20日(木)午後1時から => 2025-11-20 13:00
            H29.4.20 => 2017-04-20
            平成31年5月1日 13:00 => 2019-05-01 13:00!
            平成29年4月20日(金)午後1時 => 平成29年4月20日 は木曜日ですが、(金) と書かれています
            R7.11.20 25:00 => 25:00 は時刻として読めません";
        for (s, want) in table(cases) {
            assert_eq!(show(parse_datetime(s)), want, "{s}");
        }
        let (d17, s, e) = (d(2017, 4, 20), Some(t(13, 0)), Some(t(14, 30)));
        assert_eq!(
            format_datetime_ja(d17, s, e),
            "平成29年4月20日(木曜日)午後1時00分から2時30分"
        );
        assert_eq!(
            format_datetime_ja(d17, None, None),
            "平成29年4月20日(木曜日)"
        );
    }

    #[test]
    fn every_date_round_trips() {
        let mut date = EARLIEST;
        while date <= d(2100, 12, 31) {
            for s in [
                format_date(date),
                format_date_weekday(date),
                format_short(date),
            ] {
                assert_eq!(parse_date(&s), Ok((date, vec![])), "{s}");
            }
            date = date.succ_opt().unwrap();
        }
    }

    #[test]
    fn time_grid_round_trips() {
        let times: Vec<_> = (0..24 * 12).map(|i| t(i / 12, i % 12 * 5)).collect();
        for (i, &s) in times.iter().enumerate() {
            for &e in &times[i + 1..] {
                let text = format_time_range_ja(s, Some(e));
                assert_eq!(parse_time_range(&text), Ok((s, e)), "{text}");
            }
        }
    }

    fn dates() -> impl Strategy<Value = NaiveDate> {
        let days = (d(2100, 12, 31) - EARLIEST).num_days();
        (0..=days).prop_map(|n| EARLIEST + chrono::TimeDelta::days(n))
    }
    fn time_pair() -> impl Strategy<Value = (NaiveTime, NaiveTime)> {
        let pair = (0u32..1439).prop_flat_map(|a| (Just(a), a + 1..1440));
        pair.prop_map(|(a, b)| (t(a / 60, a % 60), t(b / 60, b % 60)))
    }

    proptest! {
        #[test]
        fn prop_date_round_trip(date in dates()) {
            prop_assert_eq!(parse_date(&format_date(date)), Ok((date, vec![])));
            prop_assert_eq!(parse_date(&format_date_weekday(date)), Ok((date, vec![])));
            prop_assert_eq!(parse_date(&format_short(date)), Ok((date, vec![])));
        }

        #[test]
        fn prop_time_range_round_trip((s, e) in time_pair()) {
            prop_assert_eq!(parse_time_range(&format_time_range_ja(s, Some(e))), Ok((s, e)));
        }

        #[test]
        fn prop_datetime_round_trip(date in dates(), (s, e) in time_pair()) {
            let want = DateTimeSpec { date, start: Some(s), end: Some(e), warnings: vec![] };
            prop_assert_eq!(parse_datetime(&format_datetime_ja(date, Some(s), Some(e))), Ok(want));
        }

        #[test]
        fn prop_parsers_never_panic(s in "\\PC{0,24}") {
            let _ = (parse_date(&s), parse_time(&s), parse_time_range(&s), parse_datetime(&s));
        }
    }
}
