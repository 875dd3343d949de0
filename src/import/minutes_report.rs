//! What the minutes reader understood, meeting by meeting: the report
//! `--dry-run` prints and the app's preview shows before anything is
//! written (the policy pages' is `policy_report`).

use crate::model::{Dataset, Meeting};
use crate::wareki;

/// The committee and year, then each meeting with its counts and each
/// agenda item with its opinions; `lines`: where each meeting starts in
/// the file (None for kusei's JSON).
pub fn render(data: &Dataset, lines: Option<&[usize]>) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(first) = data.meetings.first() {
        out.push(format!(
            "会議録「{}」（{}）会議 {} 件",
            first.committee,
            wareki::format_fiscal_year(first.fiscal_year),
            data.meetings.len()
        ));
    }
    for (i, m) in data.meetings.iter().enumerate() {
        let at = lines
            .and_then(|l| l.get(i))
            .map_or_else(String::new, |n| format!("（{n}行目から）"));
        out.push(meeting_line(m, &at));
        for item in &m.items {
            let summary = if item.summary.is_empty() {
                ""
            } else {
                "、要旨あり"
            };
            out.push(format!(
                "    ({}) {} — 意見 {} 件{summary}",
                item.number,
                item.title,
                item.opinions.len()
            ));
        }
    }
    out
}

fn meeting_line(m: &Meeting, at: &str) -> String {
    let opinions: usize = m.items.iter().map(|i| i.opinions.len()).sum();
    let place = m.place.lines().next().unwrap_or("（場所なし）");
    format!(
        "  第{}回{at} {} 議題 {} 件、意見 {opinions} 件、出席者 {} 人、場所 {place}",
        m.number,
        wareki::format_datetime_ja(m.date, m.start, m.end),
        m.items.len(),
        m.attendees.len()
    )
}

/// kusei's own JSON: its meetings as above, and each plan's summary.
pub fn render_json(data: &Dataset) -> Vec<String> {
    let mut out = vec![format!(
        "kusei JSON: 会議体 {} 件、会議 {} 件、運営方針 {} 件",
        data.committees.len(),
        data.meetings.len(),
        data.plans.len()
    )];
    for m in &data.meetings {
        out.push(meeting_line(m, &format!("「{}」", m.committee)));
    }
    for p in &data.plans {
        out.extend(super::policy_report::summary(p));
    }
    out
}
