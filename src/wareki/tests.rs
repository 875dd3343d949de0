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
    let hm = |t: Option<NaiveTime>, p: &str| t.map(|t| t.format(&format!("{p}%H:%M")).to_string());
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
