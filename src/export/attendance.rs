//! The attendance matrix as CSV for Excel: one row per job title (with its
//! former names), one column per meeting (〇 where the title attended), the
//! count and rate per title, and the attendees and rate per meeting in the
//! last two rows. 〇 (U+3007) is in CP932, so both encodings hold it.

use super::csv::{encode, to_csv, Cp932Error, Encoding};
use crate::db::attendance::{rate, Matrix};
use crate::wareki;

/// The table: titles that attended at least one meeting, in the
/// organisation's order.
pub fn rows(m: &Matrix) -> Vec<Vec<String>> {
    // The titles come in the organisation's order.
    let shown: Vec<usize> = (0..m.titles.len())
        .filter(|&t| m.titles[t].count > 0)
        .collect();
    let n = m.meetings.len();
    let per_meeting: Vec<usize> = (0..n)
        .map(|c| shown.iter().filter(|&&t| m.attended(t, c)).count())
        .collect();
    let total: usize = per_meeting.iter().sum();
    let several_years = m.first_year != m.last_year;
    let mut header = vec!["職名".to_string(), "旧職名".to_string()];
    header.extend(m.meetings.iter().map(|mt| {
        let date = mt.date.format("%Y-%m-%d");
        if several_years {
            format!(
                "{} 第{}回 {date}",
                wareki::format_fiscal_year(mt.fiscal_year),
                mt.number
            )
        } else {
            format!("第{}回 {date}", mt.number)
        }
    }));
    header.push("出席回数".into());
    header.push("出席率".into());
    let mut out = vec![header];
    for &t in &shown {
        let title = &m.titles[t];
        let mut row = vec![title.name.clone(), title.former.join("・")];
        row.extend((0..n).map(|c| {
            if m.attended(t, c) {
                "〇".to_string()
            } else {
                String::new()
            }
        }));
        row.push(title.count.to_string());
        row.push(rate(title.count, n));
        out.push(row);
    }
    let mut counts = vec!["出席者数".to_string(), String::new()];
    counts.extend(per_meeting.iter().map(usize::to_string));
    counts.push(total.to_string());
    counts.push(String::new());
    let mut rates = vec!["出席率".to_string(), String::new()];
    rates.extend(per_meeting.iter().map(|c| rate(*c, shown.len())));
    rates.push(String::new());
    rates.push(rate(total, shown.len() * n));
    out.push(counts);
    out.push(rates);
    out
}

/// The bytes of the CSV file in `enc` (CRLF line ends).
pub fn csv(m: &Matrix, enc: Encoding) -> Result<Vec<u8>, Cp932Error> {
    encode(&to_csv(&rows(m)), enc)
}
