//! Citations to paste into a memo or an e-mail:
//! "平成29年度第3回区づくり経営会議(平成29年6月21日) 議事(3): …".

use chrono::NaiveDate;

use crate::wareki;

/// The meeting a citation points at.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    pub committee: &'a str,
    pub fiscal_year: i32,
    pub number: u32,
    pub date: NaiveDate,
}

/// "平成29年度第3回区づくり経営会議(平成29年6月21日)".
pub fn meeting(m: Source) -> String {
    format!(
        "{}第{}回{}({})",
        wareki::format_fiscal_year(m.fiscal_year),
        m.number,
        m.committee,
        wareki::format_date(m.date)
    )
}

/// One line: each line trimmed, joined by a space.
fn one_line(text: &str) -> String {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    lines.join(" ")
}

/// "平成29年度第3回区づくり経営会議(平成29年6月21日) 議事(3): text".
pub fn opinion(m: Source, item_number: u32, text: &str) -> String {
    format!("{} 議事({item_number}): {}", meeting(m), one_line(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn third() -> Source<'static> {
        Source {
            committee: "区づくり経営会議",
            fiscal_year: 2017,
            number: 3,
            date: NaiveDate::from_ymd_opt(2017, 6, 21).unwrap(),
        }
    }

    #[test]
    fn citations_are_formatted_exactly() {
        assert_eq!(
            meeting(third()),
            "平成29年度第3回区づくり経営会議(平成29年6月21日)"
        );
        assert_eq!(
            opinion(third(), 3, "  区民に分かりやすく\n説明すべき。 "),
            "平成29年度第3回区づくり経営会議(平成29年6月21日) 議事(3): 区民に分かりやすく 説明すべき。"
        );
    }

    #[test]
    fn era_change_years_and_first_years() {
        let m = Source {
            committee: "区づくり経営会議",
            fiscal_year: 2019,
            number: 1,
            date: NaiveDate::from_ymd_opt(2019, 5, 8).unwrap(),
        };
        assert_eq!(
            meeting(m),
            "令和元年度第1回区づくり経営会議(令和元年5月8日)"
        );
    }
}
