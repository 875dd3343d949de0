//! Minutes pages of other wards (issue 18): 第N回 inside a longer heading
//! line, numbered parts between 出席者 and 議事 (欠席者, 配布資料), the date
//! and time on the numbered line itself, 議題 for 議事概要, attendees in
//! groups. Nothing is moved to another part without a word.

mod common;

use std::path::PathBuf;

use chrono::{NaiveDate, NaiveTime};
use common::*;
use kusei::import::{parse_file, Parsed, SourceKind};

fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures/minutes").join(name)
}

fn read(name: &str) -> Parsed {
    let parsed = parse_file(&fixture(name)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(parsed.kind, SourceKind::Minutes, "{name}");
    let (_dir, mut store) = fresh_store();
    store
        .import(&parsed.dataset)
        .unwrap_or_else(|e| panic!("{e}"));
    let mut want = parsed.dataset.meetings.clone();
    want.sort_by_key(|m| (m.date, m.start));
    assert_eq!(export(&store).meetings, want, "{name}");
    parsed
}

fn hm(h: u32, m: u32) -> Option<NaiveTime> {
    NaiveTime::from_hms_opt(h, m, 0)
}

#[test]
fn dai_n_kai_inside_a_heading_line_starts_the_meeting() {
    let p = read("dai_n_kai_in_heading.txt");
    let ms = &p.dataset.meetings;
    let numbers: Vec<u32> = ms.iter().map(|m| m.number).collect();
    assert_eq!(numbers, [3, 4]);
    assert_eq!(ms[0].committee, "花の区区政会議");
    assert_eq!(ms[0].fiscal_year, 2019);
    assert_eq!(
        ms[0].date,
        NaiveDate::from_ymd_opt(2019, 12, 4).expect("date")
    );
    assert_eq!((ms[0].start, ms[0].end), (hm(19, 0), hm(21, 15)));
    // The first meeting's last opinion is not followed by the next meeting's
    // heading text.
    assert_eq!(
        ms[0].items[0].opinions[0].text,
        "防災の取組をもっと知らせるべき。"
    );
    assert_eq!(ms[1].items[0].title, "予算について");
    assert_eq!(p.dataset.committees.len(), 1);
    assert_eq!(p.dataset.committees[0].preamble, "");
}

#[test]
fn absent_and_materials_are_not_attendees() {
    let p = read("absent_and_materials.txt");
    let m = &p.dataset.meetings[0];
    assert_eq!(m.attendees.len(), 15, "{:?}", m.attendees);
    assert_eq!(m.attendees.last().map(String::as_str), Some("委員M"));
    assert_eq!(m.items.len(), 1);
    assert_eq!(m.items[0].opinions.len(), 1);
    // Each skipped line is named, with its part.
    let file = fixture("absent_and_materials.txt").display().to_string();
    assert_eq!(
        p.warnings,
        [
            format!("{file}:11: 第1回 の「欠席者」は会議録に取り込みません: なし"),
            format!(
                "{file}:13: 第1回 の「配布資料」は会議録に取り込みません: 資料1 区の運営方針(案)"
            ),
            format!(
                "{file}:14: 第1回 の「配布資料」は会議録に取り込みません: 資料2 区政会議の進め方"
            ),
        ]
    );
}

#[test]
fn date_on_the_numbered_line_agenda_as_gidai_and_attendee_groups() {
    let p = read("one_line_datetime_groups.txt");
    let m = &p.dataset.meetings[0];
    assert_eq!(m.date, NaiveDate::from_ymd_opt(2019, 12, 4).expect("date"));
    assert_eq!((m.start, m.end), (hm(19, 0), hm(21, 15)));
    assert_eq!(m.place, "森の区役所 3階会議室");
    assert_eq!(
        m.attendees,
        [
            "山田委員",
            "佐藤委員",
            "鈴木委員",
            "区長",
            "副区長",
            "総務課長"
        ]
    );
    assert_eq!(m.items[0].title, "区の予算について");
    assert_eq!(m.items[0].opinions.len(), 1);
}

#[test]
fn a_meeting_after_the_page_footer_is_named() {
    let page = "令和元年度区政会議\n第1回\n1 日時\n令和元年6月10日(月曜日)午後7時00分から午後8時30分\n2 場所\n会議室\n3 出席者\n議長\n4 議事概要\n(1)運営方針について\n説明しました。\nお問い合わせ先\n第2回\n1 日時\n令和元年9月9日(月曜日)午後7時00分から午後8時30分\n";
    let p = kusei::import::parse_bytes("m.txt", page.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(p.dataset.meetings.len(), 1);
    assert_eq!(
        p.warnings,
        ["m.txt:13: 「第2回」ほか 0 件の会議は、12行目「お問い合わせ先」をページの終わりとみなしたため読み込みません"]
    );
}
