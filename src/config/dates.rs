//! Dates as the user chose to see them (`dates` in config.toml): 和暦,
//! 西暦 or both. The stored data and the exports are unaffected.

use chrono::{Datelike, NaiveDate, NaiveTime};

use crate::wareki;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DateStyle {
    /// 平成29年6月21日
    #[default]
    Wareki,
    /// 2017年6月21日
    Seireki,
    /// 平成29年(2017年)6月21日
    Both,
}

impl DateStyle {
    /// "wareki" / "和暦", "seireki" / "西暦", "both" / "両方".
    pub fn parse(s: &str) -> Option<DateStyle> {
        match s.trim().to_ascii_lowercase().as_str() {
            "wareki" | "和暦" | "japanese" => Some(DateStyle::Wareki),
            "seireki" | "西暦" | "western" | "gregorian" => Some(DateStyle::Seireki),
            "both" | "両方" | "併記" => Some(DateStyle::Both),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            DateStyle::Wareki => "wareki",
            DateStyle::Seireki => "seireki",
            DateStyle::Both => "both",
        }
    }

    /// "平成29年6月21日" / "2017年6月21日" / "平成29年(2017年)6月21日".
    pub fn date(self, d: NaiveDate) -> String {
        let western = format!("{}年{}月{}日", d.year(), d.month(), d.day());
        match (self, wareki::era_of(d)) {
            (DateStyle::Seireki, _) | (_, None) => western,
            (DateStyle::Wareki, Some(_)) => wareki::format_date(d),
            (DateStyle::Both, Some((e, y))) => format!(
                "{}({}年){}月{}日",
                wareki::format_era_year(e, y),
                d.year(),
                d.month(),
                d.day()
            ),
        }
    }

    /// The date with the weekday: "平成29年6月21日(水曜日)".
    pub fn date_weekday(self, d: NaiveDate) -> String {
        format!("{}({})", self.date(d), wareki::weekday_long_ja(d.weekday()))
    }

    /// The date, weekday and time range as minutes give them.
    pub fn datetime(
        self,
        d: NaiveDate,
        start: Option<NaiveTime>,
        end: Option<NaiveTime>,
    ) -> String {
        let mut s = self.date_weekday(d);
        if let Some(start) = start {
            s.push_str(&wareki::format_time_range_ja(start, end));
        }
        s
    }

    /// "平成29年度" / "2017年度" / "平成29年度(2017)".
    pub fn fiscal_year(self, fy: i32) -> String {
        match self {
            DateStyle::Wareki => wareki::format_fiscal_year(fy),
            DateStyle::Seireki => format!("{fy}年度"),
            DateStyle::Both => format!("{}({fy})", wareki::format_fiscal_year(fy)),
        }
    }

    /// The month grid's heading. The era month keeps its Western year in
    /// brackets ("平成29年(2017) 6月") under 和暦 too: the grid is for
    /// finding a day, and both years help there.
    pub fn month_heading(self, year: i32, month: u32) -> String {
        let era =
            wareki::era_year_for_month(year, month).map(|(e, y)| wareki::format_era_year(e, y));
        match (self, era) {
            (DateStyle::Seireki, _) | (_, None) => format!("{year}年 {month}月"),
            (_, Some(era)) => format!("{era}({year}) {month}月"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn each_style() {
        let day = d(2017, 6, 21);
        assert_eq!(DateStyle::Wareki.date(day), "平成29年6月21日");
        assert_eq!(DateStyle::Seireki.date(day), "2017年6月21日");
        assert_eq!(DateStyle::Both.date(day), "平成29年(2017年)6月21日");
        assert_eq!(
            DateStyle::Both.date(d(2019, 5, 1)),
            "令和元年(2019年)5月1日"
        );
        assert_eq!(
            DateStyle::Seireki.date_weekday(day),
            "2017年6月21日(水曜日)"
        );
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0);
        assert_eq!(
            DateStyle::Wareki.datetime(day, t(13, 0), t(14, 30)),
            wareki::format_datetime_ja(day, t(13, 0), t(14, 30))
        );
        assert_eq!(DateStyle::Wareki.fiscal_year(2019), "令和元年度");
        assert_eq!(DateStyle::Seireki.fiscal_year(2019), "2019年度");
        assert_eq!(DateStyle::Both.fiscal_year(2017), "平成29年度(2017)");
        assert_eq!(
            DateStyle::Wareki.month_heading(2017, 6),
            "平成29年(2017) 6月"
        );
        assert_eq!(DateStyle::Seireki.month_heading(2017, 6), "2017年 6月");
        assert_eq!(DateStyle::Wareki.date(d(1872, 1, 1)), "1872年1月1日");
    }

    #[test]
    fn names() {
        for s in [DateStyle::Wareki, DateStyle::Seireki, DateStyle::Both] {
            assert_eq!(DateStyle::parse(s.name()), Some(s));
        }
        assert_eq!(DateStyle::parse("西暦"), Some(DateStyle::Seireki));
        assert_eq!(DateStyle::parse("koki"), None);
    }
}
