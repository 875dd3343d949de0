//! The published page's 最終更新日: the imported page's own date for its
//! own year (seed 000 comes back byte for byte, see tests/seeds.rs); for a
//! year with no page yet, the day of the newest change in that year, never
//! the seed's date.

mod support;

use chrono::NaiveDate;
use kusei::db::MeetingFields;
use kusei::model::MeetingStatus;
use support::bin;
use support::db::{data_path, export, import_file, open, SEED_000};

fn header(page: &str) -> &str {
    page.lines().nth(1).unwrap_or("")
}

fn store_with_an_r8_meeting(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("kusei.db");
    let mut store = open(&path);
    import_file(&mut store, &data_path(SEED_000));
    store
        .create_meeting(&MeetingFields {
            date: NaiveDate::from_ymd_opt(2026, 4, 16).unwrap(),
            start: None,
            end: None,
            place: "旭区外部特別会議室1".into(),
            status: MeetingStatus::Held,
            attendees: vec!["区長".into()],
        })
        .unwrap();
    path
}

#[test]
fn a_year_with_no_page_is_dated_by_its_newest_change() {
    let dir = tempfile::TempDir::new().unwrap();
    let path = store_with_an_r8_meeting(dir.path());
    let store = open(&path);
    let updated = store.newest_change_in_year(2026).unwrap();
    let today = chrono::Local::now().date_naive();
    // Saved just now (the day may turn between the two reads).
    let day = updated.expect("a change in R8");
    assert!(day == today || day == today.pred_opt().unwrap(), "{day}");
    let data = export(&store);
    let page = kusei::export::publish::publish_fiscal_year_as_of(&data, 2026, None, updated);
    assert_eq!(page.lines().next(), Some("令和8年度区づくり経営会議"));
    let want = format!("最終更新日 {}", day.format("%Y年%-m月%-d日"));
    assert_eq!(header(&page), want);
    assert!(!page.contains("2019年3月12日"), "{page}");
    let html =
        kusei::export::publish_html::publish_fiscal_year_html_as_of(&data, 2026, None, updated);
    assert!(html.contains(&want) && !html.contains("2019年3月12日"));

    // Its own year keeps the page's own date.
    let page = kusei::export::publish::publish_fiscal_year_as_of(&data, 2017, None, updated);
    assert_eq!(header(&page), "最終更新日 2019年3月12日");
}

#[test]
fn the_command_prints_the_fresh_date_for_r8() {
    let dir = tempfile::TempDir::new().unwrap();
    let path = store_with_an_r8_meeting(dir.path());
    let out = bin::run(
        &path,
        &["export", "--format", "publish", "--fiscal-year", "R8"],
    );
    assert!(out.status.success(), "{}", bin::stderr(&out));
    let page = bin::stdout(&out);
    assert_eq!(page.lines().next(), Some("令和8年度区づくり経営会議"));
    assert!(header(&page).starts_with("最終更新日 20"), "{page}");
    assert!(!page.contains("2019年3月12日"), "{page}");
}

#[test]
fn dates_of_the_preamble_line() {
    use kusei::export::publish::dated_preamble;
    let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
    let pre = "最終更新日 2019年3月12日\n旭区では…";
    // No meetings to compare with: a date in the year or the next stays.
    assert_eq!(dated_preamble(pre, 2018, &[], d(2026, 5, 1)), pre);
    assert_eq!(dated_preamble(pre, 2017, &[], d(2026, 5, 1)), pre);
    assert_eq!(
        dated_preamble(pre, 2026, &[], d(2026, 5, 1)),
        "最終更新日 2026年5月1日\n旭区では…"
    );
    assert_eq!(
        dated_preamble(pre, 2015, &[], d(2026, 5, 1)),
        "最終更新日 2026年5月1日\n旭区では…"
    );
    assert_eq!(
        dated_preamble("旭区では…", 2026, &[], d(2026, 5, 1)),
        "旭区では…"
    );
}
