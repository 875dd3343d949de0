//! The exports other people's tools open: Markdown minutes, the meetings
//! and opinions as CSV (read back with a real CSV reader in UTF-8 and in
//! CP932), the calendar as iCalendar (parsed by two real iCalendar
//! parsers) and the published page as HTML (imported back by kusei).

mod support;

use chrono::{NaiveDate, NaiveTime, TimeZone, Utc};
use encoding_rs::SHIFT_JIS;
use kusei::export::csv::{encode, to_csv, Encoding};
use kusei::export::minutes::{self, Selection};
use kusei::export::{ics, publish, publish_html, tables};
use kusei::model::*;
use support::db::*;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn hm(h: u32, m: u32) -> Option<NaiveTime> {
    NaiveTime::from_hms_opt(h, m, 0)
}

/// The bundled samples in a fresh database, exported.
fn sample() -> Dataset {
    let (_dir, mut store) = fresh_store();
    kusei::sample::load(&mut store).expect("samples");
    export(&store)
}

/// A meeting with everything the exports must carry: 決定 and 宿題 with
/// owner and due date, a speaker, an internal note, text with the
/// characters each format escapes, and a second meeting with no time.
fn tricky() -> Dataset {
    let opinion = |text: &str, kind| Opinion {
        text: text.into(),
        kind,
        ..Opinion::default()
    };
    let first = Meeting {
        committee: DEFAULT_COMMITTEE.into(),
        fiscal_year: 2019,
        number: 1,
        date: date(2019, 5, 8),
        start: hm(10, 0),
        end: hm(11, 30),
        place: "本庁舎 5階, 会議室A; \\別館\\".into(),
        status: MeetingStatus::Held,
        attendees: vec!["区長".into(), "副区長".into(), "総務課長".into()],
        items: vec![
            Item {
                number: 1,
                title: "令和元年度の取組について, 概要".into(),
                summary: "# 見出しではない\n1. 番号でもない".into(),
                opinions: vec![
                    Opinion {
                        speaker: Some("副区長".into()),
                        ..opinion(
                            "*強調*ではなく <b>タグ</b> でもない & 記号",
                            OpinionKind::Opinion,
                        )
                    },
                    opinion("実施要領を決定する", OpinionKind::Decision),
                    Opinion {
                        owner: Some("総務課長".into()),
                        due: Some(date(2019, 6, 30)),
                        ..opinion("次回までに資料を整理する", OpinionKind::Action)
                    },
                    Opinion {
                        visibility: Visibility::Internal,
                        ..opinion("内部の検討メモ", OpinionKind::Opinion)
                    },
                ],
                links: Vec::new(),
            },
            Item {
                number: 2,
                title: "「区民の声」の報告".into(),
                summary: String::new(),
                opinions: vec![opinion("𠮷野町の件は次回", OpinionKind::Opinion)],
                links: Vec::new(),
            },
        ],
    };
    let second = Meeting {
        number: 2,
        date: date(2019, 6, 12),
        start: None,
        end: None,
        place: String::new(),
        items: Vec::new(),
        attendees: Vec::new(),
        status: MeetingStatus::Cancelled,
        ..first.clone()
    };
    Dataset {
        committees: Vec::new(),
        meetings: vec![first, second],
        plans: Vec::new(),
    }
}

fn stored(data: &Dataset) -> Dataset {
    let (_dir, mut store) = fresh_store();
    store.import(data).expect("import");
    export(&store)
}

// ---- Markdown minutes ------------------------------------------------------

#[test]
fn markdown_minutes_of_one_meeting() {
    let data = sample();
    let found = minutes::select(
        &data,
        Selection::Meeting {
            fiscal_year: 2017,
            number: 3,
        },
        None,
    );
    assert_eq!(found.len(), 1);
    let md = minutes::markdown(&found);
    let head: Vec<&str> = md.lines().take(7).collect();
    assert_eq!(
        head,
        [
            "# 平成29年度 区づくり経営会議 議事録",
            "",
            "## 第3回（平成29年6月21日）",
            "",
            "- 日時: 平成29年6月21日(水曜日)午後1時00分から2時30分",
            "- 場所: 旭区外部特別会議室2",
            "- 出席者（20名）: 区長、副区長、福祉保健センター長、旭消防署長、総務課長、区政推進課長、地域振興課長、資源化推進担当課長、読書活動推進担当課長、戸籍課長、税務課長、税務課担当課長、福祉保健課長、生活衛生課長、高齢・障害支援課長、こども家庭支援課長、学校連携・こども担当課長、こども家庭支援課担当課長、生活支援課長、旭土木事務所副所長",
        ]
    );
    assert!(md.contains("\n### (3) 旭区大規模団地ビジョンについて\n\n区内ワーキングの結果を踏まえて、今後の検討の進め方について協議しました。\n\n主な意見:\n\n- 大規模団地の課題は多岐に渡るため"));
    assert_eq!(md.matches("\n### ").count(), 4, "four agenda items");
}

#[test]
fn markdown_minutes_of_a_fiscal_year() {
    let data = sample();
    let md = minutes::markdown(&minutes::select(&data, Selection::FiscalYear(2017), None));
    assert_eq!(md.matches("\n## 第").count(), 5);
    assert_eq!(
        md.matches("# 平成29年度 区づくり経営会議 議事録").count(),
        1
    );
    // Every opinion of the year, once.
    assert_eq!(
        md.lines()
            .filter(|l| l.starts_with("- ") && !l.contains(": "))
            .count(),
        26
    );
}

#[test]
fn markdown_marks_decisions_and_action_items() {
    let data = stored(&tricky());
    let md = minutes::markdown(&minutes::select(&data, Selection::FiscalYear(2019), None));
    for line in [
        "# 令和元年度 区づくり経営会議 議事録",
        "## 第1回（令和元年5月8日）",
        "- 日時: 令和元年5月8日(水曜日)午前10時00分から11時30分",
        "- 場所: 本庁舎 5階, 会議室A; \\\\別館\\\\",
        "### (1) 令和元年度の取組について, 概要",
        "\\# 見出しではない",
        "1\\. 番号でもない",
        "- 副区長：\\*強調\\*ではなく \\<b\\>タグ\\</b\\> でもない & 記号",
        "- **決定**: 実施要領を決定する",
        "- **宿題**: 次回までに資料を整理する ［担当: 総務課長、期限: 令和元年6月30日］",
        "- 内部の検討メモ （非公開）",
        "## 第2回（令和元年6月12日）",
        "- 日時: 令和元年6月12日(水曜日)",
        "- 場所: （記載なし）",
        "- 状態: 中止",
        "（議事の記録はありません）",
    ] {
        assert!(md.lines().any(|l| l == line), "missing {line:?} in\n{md}");
    }
}

// ---- CSV ---------------------------------------------------------------------

/// Reads CSV text the way a spreadsheet does (quoted fields, CRLF).
fn read_csv(text: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.expect("record").iter().map(str::to_string).collect())
        .collect()
}

fn round_trip(rows: &[Vec<String>]) {
    let text = to_csv(rows);
    // UTF-8: a BOM, then the text.
    let bytes = encode(&text, Encoding::Utf8Bom).expect("utf-8");
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").expect("BOM");
    assert_eq!(read_csv(std::str::from_utf8(body).expect("utf-8")), rows);
    // CP932: decodes without loss to the same rows.
    let bytes = encode(&text, Encoding::Cp932).expect("cp932");
    let (decoded, _, bad) = SHIFT_JIS.decode(&bytes);
    assert!(!bad);
    assert_eq!(read_csv(&decoded), rows);
}

#[test]
fn meetings_and_opinions_round_trip_through_a_csv_reader_in_both_encodings() {
    let data = sample();
    let all = minutes::select(&data, Selection::All, None);
    let meetings = tables::meetings(&all);
    assert_eq!(meetings.len(), 1 + 5);
    assert_eq!(meetings[3][3], "3");
    assert_eq!(meetings[3][5], "平成29年6月21日(水曜日)");
    assert!(
        meetings[3][13].contains("\n(2)平成30年度予算編成"),
        "titles one a line"
    );
    round_trip(&meetings);
    let opinions = tables::opinions(&all);
    assert_eq!(opinions.len(), 1 + 26);
    round_trip(&opinions);

    // Commas, quotes, semicolons and line breaks survive.
    let mut tricky = tricky();
    tricky.meetings[0].items[1].opinions[0].text = "区長は\"検討\"と述べた,\r\n次回へ".into();
    let data = stored(&tricky);
    let all = minutes::select(&data, Selection::All, None);
    let opinions = tables::opinions(&all);
    assert_eq!(opinions[3][8], "次回までに資料を整理する");
    assert_eq!(opinions[3][7], "宿題");
    assert_eq!(opinions[3][11], "総務課長");
    assert_eq!(opinions[3][12], "2019-06-30");
    assert_eq!(opinions[4][10], "非公開");
    round_trip(&opinions);
    round_trip(&tables::meetings(&all));
}

#[test]
fn cp932_names_each_character_it_cannot_hold() {
    let mut data = tricky();
    data.meetings[0].items[0].title = "髙橋委員の提案🙂".into();
    let data = stored(&data);
    let rows = tables::opinions(&minutes::select(&data, Selection::All, None));
    let err = encode(&to_csv(&rows), Encoding::Cp932).expect_err("𠮷 and 🙂");
    let chars: Vec<char> = err.chars.iter().map(|c| c.2).collect();
    // 🙂 in the title of item 1 (four opinion rows), 𠮷 in item 2's opinion.
    assert_eq!(chars, ['🙂', '🙂', '🙂', '🙂', '𠮷']);
    let msg = err.to_string();
    assert!(
        msg.contains("「🙂」(U+1F642)") && msg.contains("6行"),
        "{msg}"
    );
    assert!(msg.contains("「𠮷」(U+20BB7)"), "{msg}");
    // 髙 (a CP932 extension character) is held.
    assert!(!chars.contains(&'髙'));
}

// ---- iCalendar -----------------------------------------------------------------

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 4, 1, 0, 0, 0).unwrap()
}

fn check_lines(ics: &str) {
    assert!(ics.ends_with("\r\n"));
    for line in ics.split("\r\n") {
        assert!(
            !line.contains('\n') && !line.contains('\r'),
            "bare line end"
        );
        assert!(line.len() <= 75, "{} octets: {line}", line.len());
    }
}

#[test]
fn ics_parses_with_icalendar_and_round_trips_the_fields() {
    use icalendar::{Component, EventLike};
    let data = stored(&tricky());
    let meetings = minutes::select(&data, Selection::All, None);
    let text = ics::calendar(&meetings, now());
    check_lines(&text);
    let cal: icalendar::Calendar = text.parse().expect("parses");
    let events: Vec<&icalendar::Event> =
        cal.components.iter().filter_map(|c| c.as_event()).collect();
    assert_eq!(events.len(), 2);
    let e = events[0];
    assert_eq!(e.get_summary(), Some("第1回 区づくり経営会議"));
    assert_eq!(e.get_location(), Some("本庁舎 5階, 会議室A; \\別館\\"));
    assert_eq!(
        e.get_description(),
        Some("令和元年度第1回区づくり経営会議\n議事:\n(1)令和元年度の取組について, 概要\n(2)「区民の声」の報告")
    );
    assert_eq!(e.get_uid(), Some(ics::uid(meetings[0]).as_str()));
    assert_eq!(e.get_timestamp(), Some(now()));
    let start = e.properties().get("DTSTART").expect("DTSTART");
    assert_eq!(start.value(), "20190508T100000");
    assert_eq!(
        start.params().get("TZID").map(|p| p.value()),
        Some("Asia/Tokyo")
    );
    assert_eq!(e.property_value("DTEND"), Some("20190508T113000"));
    assert_eq!(e.property_value("STATUS"), Some("CONFIRMED"));
    // No time: an all-day event; cancelled.
    let e = events[1];
    assert_eq!(e.property_value("DTSTART"), Some("20190612"));
    assert_eq!(e.property_value("DTEND"), Some("20190613"));
    assert_eq!(e.property_value("STATUS"), Some("CANCELLED"));
    assert_eq!(e.get_location(), None);
}

#[test]
fn ics_parses_with_the_ical_crate_too() {
    let data = sample();
    let meetings = minutes::select(&data, Selection::All, None);
    let text = ics::calendar(&meetings, now());
    check_lines(&text);
    let mut parser = ical::IcalParser::new(text.as_bytes());
    let cal = parser.next().expect("a calendar").expect("parses");
    assert!(parser.next().is_none());
    assert_eq!(cal.timezones.len(), 1);
    let tzid = cal.timezones[0]
        .properties
        .iter()
        .find(|p| p.name == "TZID");
    assert_eq!(tzid.and_then(|p| p.value.as_deref()), Some("Asia/Tokyo"));
    assert_eq!(cal.events.len(), 5);
    let prop = |e: &ical::parser::ical::component::IcalEvent, name: &str| {
        e.properties
            .iter()
            .find(|p| p.name == name)
            .and_then(|p| p.value.clone())
            .unwrap_or_default()
    };
    let third = &cal.events[2];
    assert_eq!(prop(third, "SUMMARY"), "第3回 区づくり経営会議");
    assert_eq!(prop(third, "LOCATION"), "旭区外部特別会議室2");
    assert_eq!(prop(third, "DTSTART"), "20170621T130000");
    // The ical crate leaves TEXT escaped: the agenda lines are "\n"-joined.
    let description = prop(third, "DESCRIPTION");
    assert!(
        description.starts_with(
            "平成29年度第3回区づくり経営会議\\n議事:\\n(1)平成29年度4月の超過勤務の状況について\\n"
        ),
        "{description}"
    );
    // UIDs: unique per meeting, the same in the next export.
    let uids: Vec<String> = cal.events.iter().map(|e| prop(e, "UID")).collect();
    let mut unique = uids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 5);
    let again = ics::calendar(&meetings, Utc::now());
    for uid in &uids {
        assert!(again.contains(&format!("UID:{uid}\r\n")));
    }
}

// ---- publish as HTML -----------------------------------------------------------

#[test]
fn publish_html_reads_back_to_the_same_data_as_the_text_page() {
    let (_dir, mut store) = fresh_store();
    import_file(&mut store, &data_path(SEED_000));
    let first = export(&store);

    let text = publish::publish_fiscal_year(&first, 2017, None);
    let html = publish_html::publish_fiscal_year_html(&first, 2017, None);
    assert!(html.contains("<h2>第3回</h2>"));
    assert!(html.contains("<ul>\n<li>業務の繁忙によって"));

    let (dir_t, mut from_text) = fresh_store();
    let file = dir_t.path().join("page.txt");
    std::fs::write(&file, &text).unwrap();
    import_file(&mut from_text, &file);

    let (dir_h, mut from_html) = fresh_store();
    let file = dir_h.path().join("page.html");
    std::fs::write(&file, &html).unwrap();
    let parsed = kusei::import::parse_file(&file).expect("reads");
    assert_eq!(parsed.kind, kusei::import::SourceKind::Minutes);
    assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
    import_file(&mut from_html, &file);

    assert_eq!(json(&from_html), json(&from_text));
    assert_eq!(json(&from_html), kusei::export::to_json(&first));
}

#[test]
fn publish_html_escapes_and_reads_back_markup_characters() {
    let mut data = tricky();
    data.meetings.truncate(1);
    let m = &mut data.meetings[0];
    m.status = MeetingStatus::Published;
    for item in &mut m.items {
        item.opinions.retain(|o| o.visibility == Visibility::Public);
        for o in &mut item.opinions {
            o.kind = OpinionKind::Opinion;
            o.speaker = None;
            o.owner = None;
            o.due = None;
        }
    }
    m.items[0].summary = "A&B <要確認> \"引用\"".into();
    m.items[0].opinions.push(Opinion {
        text: "・中黒で始まる意見".into(),
        ..Opinion::default()
    });
    let first = stored(&data);
    let html = publish_html::publish_fiscal_year_html(&first, 2019, None);
    assert!(
        html.contains("<p>A&amp;B &lt;要確認&gt; &quot;引用&quot;</p>"),
        "{html}"
    );
    assert!(html.contains("<li>&lt;b&gt;") || html.contains("&lt;b&gt;タグ&lt;/b&gt;"));
    let parsed = kusei::import::parse_bytes("page.html", html.as_bytes()).expect("reads");
    let (_d, mut back) = fresh_store();
    back.import(&parsed.dataset).expect("import");
    assert_eq!(export(&back), first);
}
