//! 和暦 (Japanese era) dates and times: formatting and lenient parsing of the
//! forms found on ward-office pages (`平成29年4月20日(木曜日)午後1時00分から2時30分`).

use chrono::{Datelike, NaiveDate, NaiveTime, Timelike, Weekday};
use std::fmt;

pub mod fiscal;
pub mod holidays;
pub mod span;
mod time;

pub use fiscal::parse_fiscal_year;
use time::resolve_bare_end;
pub use time::{parse_datetime, parse_time, parse_time_range, DateTimeSpec};

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
    match fiscal::fiscal_era_year(fy) {
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
mod tests;
