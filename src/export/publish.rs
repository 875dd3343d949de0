//! The city's published page layout for a fiscal year's minutes (seed 000):
//! the same text the importer reads, so import → publish → import gives back
//! the same data. Internal entries (visibility `internal`) are left out.

use std::borrow::Cow;

use chrono::{Datelike, NaiveDate};

use crate::model::{Committee, Dataset, Meeting, Visibility, DEFAULT_COMMITTEE};
use crate::wareki;

/// What a fiscal year's page shows: the committee, its introduction (the
/// page's preamble) and its meetings of the year in order.
pub struct Page<'a> {
    pub committee: &'a str,
    pub preamble: Cow<'a, str>,
    pub meetings: Vec<&'a Meeting>,
}

/// The meetings of one committee of one fiscal year (the committee of the
/// year's first meeting unless named), the page dated today where its
/// preamble's date is not this year's (see [`page_as_of`]).
pub fn page<'a>(data: &'a Dataset, fiscal_year: i32, committee: Option<&'a str>) -> Page<'a> {
    page_as_of(data, fiscal_year, committee, None)
}

/// [`page`] with `updated` (the newest change in that year; None: today)
/// as the 最終更新日 of a year whose page the preamble's date is not.
pub fn page_as_of<'a>(
    data: &'a Dataset,
    fiscal_year: i32,
    committee: Option<&'a str>,
    updated: Option<NaiveDate>,
) -> Page<'a> {
    let committee = committee.unwrap_or_else(|| {
        data.meetings
            .iter()
            .find(|m| m.fiscal_year == fiscal_year)
            .map_or(DEFAULT_COMMITTEE, |m| m.committee.as_str())
    });
    let preamble = data
        .committees
        .iter()
        .find(|c| c.name == committee)
        .map_or("", |c: &Committee| c.preamble.as_str());
    let mut meetings: Vec<&Meeting> = data
        .meetings
        .iter()
        .filter(|m| m.fiscal_year == fiscal_year && m.committee == committee)
        .collect();
    meetings.sort_by_key(|m| m.number);
    let updated = updated.unwrap_or_else(|| chrono::Local::now().date_naive());
    let preamble = dated_preamble(preamble, fiscal_year, &meetings, updated);
    Page {
        committee,
        preamble,
        meetings,
    }
}

const UPDATED_LABEL: &str = "最終更新日";

/// The preamble (the committee's, kept from the imported page) for the
/// page of `fiscal_year`: its `最終更新日 …` line stays only when it can be
/// this year's page's own date (in the year or the next, after its last
/// meeting); otherwise, as for a year with no page yet, it is `updated`.
/// A preamble without that line is left as it is.
pub fn dated_preamble<'a>(
    preamble: &'a str,
    fiscal_year: i32,
    meetings: &[&Meeting],
    updated: NaiveDate,
) -> Cow<'a, str> {
    let Some(line) = preamble
        .lines()
        .find(|l| l.trim_start().starts_with(UPDATED_LABEL))
    else {
        return preamble.into();
    };
    let last_meeting = meetings.iter().map(|m| m.date).max();
    let own = wareki::parse_date(line.trim_start().trim_start_matches(UPDATED_LABEL).trim())
        .ok()
        .map(|(d, _)| d)
        .is_some_and(|d| {
            let fy = wareki::fiscal_year(d);
            (fy == fiscal_year || fy == fiscal_year + 1) && last_meeting.is_none_or(|m| d >= m)
        });
    if own {
        return preamble.into();
    }
    let fresh = format!(
        "{UPDATED_LABEL} {}年{}月{}日",
        updated.year(),
        updated.month(),
        updated.day()
    );
    preamble
        .lines()
        .map(|l| if l == line { fresh.as_str() } else { l })
        .collect::<Vec<_>>()
        .join("\n")
        .into()
}

/// The page for one committee's meetings of one fiscal year.
pub fn publish_fiscal_year(data: &Dataset, fiscal_year: i32, committee: Option<&str>) -> String {
    publish_fiscal_year_as_of(data, fiscal_year, committee, None)
}

/// [`publish_fiscal_year`] dated `updated` where the page needs a date
/// (see [`page_as_of`]).
pub fn publish_fiscal_year_as_of(
    data: &Dataset,
    fiscal_year: i32,
    committee: Option<&str>,
    updated: Option<NaiveDate>,
) -> String {
    let Page {
        committee,
        preamble,
        meetings,
    } = page_as_of(data, fiscal_year, committee, updated);
    let mut out = String::new();
    out.push_str(&wareki::format_fiscal_year(fiscal_year));
    out.push_str(committee);
    out.push('\n');
    if !preamble.is_empty() {
        out.push_str(&preamble);
        out.push('\n');
    }
    for m in meetings {
        write_meeting(&mut out, m);
    }
    out
}

fn write_meeting(out: &mut String, m: &Meeting) {
    out.push_str(&format!("第{}回\n", m.number));
    out.push_str("1 日時\n");
    out.push_str(&wareki::format_datetime_ja(m.date, m.start, m.end));
    out.push('\n');
    out.push_str("2 場所\n");
    if !m.place.is_empty() {
        out.push_str(&m.place);
        out.push('\n');
    }
    out.push_str("3 出席者\n");
    if !m.attendees.is_empty() {
        out.push_str(&m.attendees.join("、"));
        out.push('\n');
    }
    out.push_str("4 議事概要\n");
    for item in &m.items {
        out.push_str(&format!("({}){}\n", item.number, item.title));
        if !item.summary.is_empty() {
            out.push_str(&item.summary);
            out.push('\n');
        }
        let public: Vec<_> = item
            .opinions
            .iter()
            .filter(|o| o.visibility == Visibility::Public)
            .collect();
        if !public.is_empty() {
            out.push_str("(主な意見)\n");
            for o in public {
                out.push_str("- ");
                out.push_str(&crate::model::with_speaker(o.speaker.as_deref(), &o.text));
                out.push('\n');
            }
        }
    }
}
