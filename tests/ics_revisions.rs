//! The calendar from the real binary: UIDs that differ between two
//! organisations' 第1回 of the same year and stay the same across exports,
//! SEQUENCE and LAST-MODIFIED that move when the meeting changes, and an
//! end (DTEND) for every timed event.

mod support;

use std::path::{Path, PathBuf};

use chrono::{NaiveDate, NaiveTime};
use kusei::model::*;
use support::bin;

/// One organisation's calendar: a committee of `org` with its 第1回 of
/// 2024 at `place`, starting at 10:00 with no end.
fn dataset(org: &str, place: &str) -> Dataset {
    Dataset {
        committees: vec![Committee {
            name: DEFAULT_COMMITTEE.into(),
            organisation: org.into(),
            preamble: String::new(),
        }],
        meetings: vec![Meeting {
            committee: DEFAULT_COMMITTEE.into(),
            fiscal_year: 2024,
            number: 1,
            date: NaiveDate::from_ymd_opt(2024, 4, 18).expect("date"),
            start: NaiveTime::from_hms_opt(10, 0, 0),
            end: None,
            place: place.into(),
            status: MeetingStatus::Scheduled,
            attendees: Vec::new(),
            items: Vec::new(),
        }],
        plans: Vec::new(),
    }
}

fn import(db: &Path, data: &Dataset) {
    let file = db.with_extension("json");
    std::fs::write(&file, serde_json::to_string(data).expect("json")).expect("write json");
    let o = bin::run(db, &["import", file.to_str().expect("utf-8")]);
    assert!(o.status.success(), "import: {}", bin::stderr(&o));
}

/// The event's properties, by name, from `kusei export --format ics`.
fn event(db: &Path) -> Vec<(String, String)> {
    let o = bin::run(db, &["export", "--format", "ics"]);
    assert!(o.status.success(), "export: {}", bin::stderr(&o));
    let mut parser = ical::IcalParser::new(o.stdout.as_slice());
    let cal = parser.next().expect("a calendar").expect("parses");
    assert_eq!(cal.events.len(), 1);
    cal.events[0]
        .properties
        .iter()
        .map(|p| (p.name.clone(), p.value.clone().unwrap_or_default()))
        .collect()
}

fn prop(ev: &[(String, String)], name: &str) -> Option<String> {
    ev.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone())
}

fn ward(dir: &Path, org: &str) -> PathBuf {
    let db = dir.join(format!("{org}.db"));
    import(&db, &dataset(org, "区役所 会議室"));
    db
}

#[test]
fn two_wards_first_meetings_of_the_same_year_have_different_uids() {
    let dir = tempfile::tempdir().expect("tempdir");
    let kohoku = event(&ward(dir.path(), "港北区"));
    let asahi = event(&ward(dir.path(), "旭区"));
    let (a, b) = (prop(&kohoku, "UID"), prop(&asahi, "UID"));
    assert!(a.is_some() && b.is_some());
    assert_ne!(a, b, "港北区 and 旭区 must not overwrite each other");
    assert_eq!(prop(&kohoku, "SUMMARY"), prop(&asahi, "SUMMARY"));
}

#[test]
fn the_uid_is_stable_and_a_change_raises_sequence_and_last_modified() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = ward(dir.path(), "港北区");
    let first = event(&db);
    let again = event(&db);
    assert_eq!(prop(&first, "UID"), prop(&again, "UID"), "re-export");
    assert_eq!(prop(&first, "SEQUENCE").as_deref(), Some("0"));
    assert_eq!(prop(&first, "SEQUENCE"), prop(&again, "SEQUENCE"));
    let modified = prop(&first, "LAST-MODIFIED").expect("LAST-MODIFIED");
    assert_eq!(modified.len(), 16, "UTC form YYYYMMDDTHHMMSSZ: {modified}");
    assert!(modified.ends_with('Z'));

    // LAST-MODIFIED has whole seconds: let one pass before the change.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    import(&db, &dataset("港北区", "区役所 第2会議室"));
    let changed = event(&db);
    assert_eq!(
        prop(&changed, "LOCATION").as_deref(),
        Some("区役所 第2会議室")
    );
    assert_eq!(prop(&changed, "UID"), prop(&first, "UID"), "same meeting");
    assert_eq!(prop(&changed, "SEQUENCE").as_deref(), Some("1"));
    let later = prop(&changed, "LAST-MODIFIED").expect("LAST-MODIFIED");
    assert!(later > modified, "{later} after {modified}");

    // Importing the same again changes nothing: no new revision.
    import(&db, &dataset("港北区", "区役所 第2会議室"));
    assert_eq!(prop(&event(&db), "SEQUENCE").as_deref(), Some("1"));
}

#[test]
fn a_meeting_without_an_end_gets_the_default_length() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ev = event(&ward(dir.path(), "港北区"));
    assert_eq!(prop(&ev, "DTSTART").as_deref(), Some("20240418T100000"));
    // 90 minutes (kusei::export::ics::DEFAULT_MINUTES).
    assert_eq!(prop(&ev, "DTEND").as_deref(), Some("20240418T113000"));
    assert_eq!(kusei::export::ics::DEFAULT_MINUTES, 90);
}

#[test]
fn the_ward_named_in_the_page_text_separates_uids_too() {
    // Minutes imported from a city page have no organisation, only the
    // page's text: 「旭区では…」.
    let dir = tempfile::tempdir().expect("tempdir");
    let uid_with = |name: &str, preamble: &str| {
        let db = dir.path().join(format!("{name}.db"));
        let mut data = dataset("", "会議室");
        data.committees[0].preamble = preamble.into();
        import(&db, &data);
        prop(&event(&db), "UID")
    };
    let asahi = uid_with("a", "旭区では区政の重要な施策について審議します。");
    let kohoku = uid_with("b", "港北区では区政の重要な施策について審議します。");
    assert_ne!(asahi, kohoku);
}
