//! Property tests: random datasets survive the store and the published page.
//!
//! 1. `db_json_round_trip`: a random [`Dataset`] → import into a fresh
//!    database → export → JSON → parse → import into another fresh database
//!    → export. Both exports are equal, and equal to the input in its
//!    *normal form*:
//!    - meetings sorted by (date, start time with none first, committee name,
//!      number), as the store lists them;
//!    - plans sorted by fiscal year, plans without one last, stable otherwise;
//!    - committees: only those that say something (an organisation, a
//!      preamble, or a name other than 区づくり経営会議), in input order.
//!
//!    Everything else the generator already produces in canonical order and
//!    without duplicate natural keys (a merge matches by key, so duplicates
//!    would be merged): agenda items sorted by unique number, opinions with
//!    unique texts per item, progress and indicator values sorted by (fiscal
//!    year, half) and unique, notes unique by (label, fiscal year), milestones
//!    by (date, text), co-departments and attendees unique, sibling nodes
//!    unique by (level, code or title), plan titles unique, links only to
//!    coded nodes. Importing the input a second time changes nothing.
//!
//! 2. `publish_round_trip`: random minutes → store → publish page (text,
//!    and HTML) → import into a fresh database → the same export. The published page format
//!    round-trips under these constraints, which the generator keeps:
//!    - one committee, one fiscal year, organisation empty, status 公開済
//!      (`published`, what the importer records), every meeting with at
//!      least one agenda item, an end time only with a start time;
//!    - opinions public, kind 意見, no speaker/owner/due/closed (the page
//!      shows only the text);
//!    - every text is one trimmed line (place, summary and preamble may be
//!      several such lines) that cannot be read as page structure: not
//!      "(N)…", "N 日時", "第N回" alone, a bullet, (主な意見), 【…】, a footer
//!      heading ("お問い合わせ", "このページへのお問合せ" …), and no `<`
//!      (HTML detection). The generator starts these lines with one of
//!      `SAFE_START`, which includes the near misses 第, 2025年, (注) and
//!      sentences opening with footer words. Opinion texts may start with
//!      anything but whitespace; attendee titles contain no 、 or comma.

mod roundtrip_gen;
mod support;

use chrono::{Datelike, Duration, NaiveDate};
use kusei::model::*;
use kusei::wareki;
use proptest::prelude::*;
use proptest::sample::{select, subsequence};
use proptest::test_runner::FileFailurePersistence;
use roundtrip_gen::*;
use support::db::fresh_store;

/// The input as the store gives it back (see the module comment).
fn normalised(data: &Dataset) -> Dataset {
    let mut d = data.clone();
    d.committees.retain(|c| {
        !c.organisation.is_empty() || !c.preamble.is_empty() || c.name != DEFAULT_COMMITTEE
    });
    d.meetings.sort_by(|a, b| {
        (a.date, a.start, &a.committee, a.number).cmp(&(b.date, b.start, &b.committee, b.number))
    });
    d.plans
        .sort_by_key(|p| (p.fiscal_year.is_none(), p.fiscal_year));
    d
}

fn store_with(data: &Dataset) -> (tempfile::TempDir, kusei::db::Store) {
    let (dir, mut store) = fresh_store();
    store.import(data).unwrap_or_else(|e| panic!("import: {e}"));
    (dir, store)
}

fn parse(name: &str, text: &str) -> kusei::import::Parsed {
    kusei::import::parse_bytes(name, text.as_bytes())
        .unwrap_or_else(|e| panic!("{e}\n--- {name} ---\n{text}"))
}

/// Random minutes that the published page can carry (module comment, 2).
fn publishable() -> impl Strategy<Value = Dataset> {
    let opinion = (line(), select(FRAGMENTS))
        .prop_map(|(l, first)| Opinion {
            text: format!("{}{l}", first.trim()),
            ..Opinion::default()
        })
        .boxed();
    let meeting = (
        1u32..20,
        0i64..365,
        times().prop_filter("end only with a start", |t| t.0.is_some() || t.1.is_none()),
        lines(3),
        subsequence(TITLES, 0..6),
        items(1, opinion, line().boxed(), lines(3).boxed()),
    );
    (
        0..COMMITTEES.len(),
        lines(3),
        1990..2040,
        prop::collection::vec(meeting, 1..5),
    )
        .prop_map(|(c, preamble, fy, meetings)| {
            let name = COMMITTEES[c].to_string();
            let april = NaiveDate::from_ymd_opt(fy, 4, 1).unwrap();
            let meetings = meetings
                .into_iter()
                .map(
                    |(number, offset, (start, end), place, attendees, items)| Meeting {
                        committee: name.clone(),
                        fiscal_year: fy,
                        number,
                        date: april + Duration::days(offset),
                        start,
                        end,
                        place,
                        status: MeetingStatus::Published,
                        attendees: attendees.into_iter().map(str::to_string).collect(),
                        items: items.into_iter().map(|(i, _)| i).collect(),
                    },
                )
                .collect();
            let meetings = unique(meetings, |m: &Meeting| m.number);
            Dataset {
                committees: vec![Committee {
                    name,
                    organisation: String::new(),
                    preamble,
                }],
                meetings,
                plans: Vec::new(),
            }
        })
}

/// Every text with its runs of spaces and tabs as one space.
fn collapse_blanks(data: &Dataset) -> Dataset {
    fn c(s: &mut String) {
        let mut out = String::with_capacity(s.len());
        let mut blank = false;
        for ch in s.chars() {
            if ch == ' ' || ch == '\t' {
                if !blank {
                    out.push(' ');
                }
                blank = true;
            } else {
                out.push(ch);
                blank = false;
            }
        }
        *s = out;
    }
    let mut d = data.clone();
    for com in &mut d.committees {
        c(&mut com.preamble);
    }
    for m in &mut d.meetings {
        c(&mut m.place);
        m.attendees.iter_mut().for_each(c);
        for i in &mut m.items {
            c(&mut i.title);
            c(&mut i.summary);
            i.opinions.iter_mut().for_each(|o| c(&mut o.text));
        }
    }
    d
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 32,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "tests/proptest-regressions/roundtrip_props.txt",
        ))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn db_json_round_trip(data in dataset()) {
        let (_d1, mut s1) = store_with(&data);
        let first = s1.export().unwrap();
        prop_assert_eq!(&first, &normalised(&data));
        let json = kusei::export::to_json(&first);
        let parsed = parse("export.json", &json);
        prop_assert_eq!(&parsed.dataset, &first);
        let (_d2, s2) = store_with(&parsed.dataset);
        let second = s2.export().unwrap();
        prop_assert_eq!(&second, &first);
        prop_assert_eq!(kusei::export::to_json(&second), json);
        // The same input again: nothing changes, nothing is logged.
        let audit = s1.check().unwrap().audit_rows;
        prop_assert!(s1.import(&data).unwrap().changed_nothing());
        prop_assert_eq!(s1.check().unwrap().audit_rows, audit);
        prop_assert_eq!(s1.export().unwrap(), first);
    }

    #[test]
    fn publish_round_trip(data in publishable()) {
        let fy = data.meetings[0].fiscal_year;
        let (_d1, s1) = store_with(&data);
        let first = s1.export().unwrap();
        prop_assert_eq!(&first, &normalised(&data));
        let page = kusei::export::publish::publish_fiscal_year(&first, fy, None);
        let parsed = parse("page.txt", &page);
        prop_assert_eq!(parsed.kind, kusei::import::SourceKind::Minutes);
        prop_assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
        prop_assert_eq!(parsed.dataset.meetings.len(), data.meetings.len());
        let (_d2, s2) = store_with(&parsed.dataset);
        prop_assert_eq!(&s2.export().unwrap(), &first, "page:\n{}", page);
        // And the page of the re-imported data is the same page.
        prop_assert_eq!(kusei::export::publish::publish_fiscal_year(&s2.export().unwrap(), fy, None), page);
        // The same page as HTML reads back to the same data too, except
        // that runs of blanks read as one space (as a browser shows them).
        let html = kusei::export::publish_html::publish_fiscal_year_html(&first, fy, None);
        let parsed = parse("page.html", &html);
        prop_assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
        let (_d3, s3) = store_with(&parsed.dataset);
        prop_assert_eq!(s3.export().unwrap(), collapse_blanks(&first), "html:\n{}", html);
    }
}

#[test]
fn fiscal_year_of_generated_dates_is_wareki_fiscal_year() {
    // The generator relies on this: 1 April starts the year.
    let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
    assert_eq!(wareki::fiscal_year(d(2019, 3, 31)), 2018);
    assert_eq!(wareki::fiscal_year(d(2019, 4, 1)), 2019);
    assert_eq!(d(2019, 4, 1).year(), 2019);
}
