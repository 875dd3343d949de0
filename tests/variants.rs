//! The variants of the published minutes pages that DESIGN.md §2 lists, one
//! small fixture each (`tests/fixtures/variants/`), and what the importer
//! must read from them. Encoded fixtures (Shift_JIS/CP932, EUC-JP, UTF-8 with
//! a BOM) are written by the tests with encoding_rs.
//!
//! Every fixture is also imported into a real database and exported again:
//! what the store gives back must be what was parsed.

mod support;

use std::path::{Path, PathBuf};

use chrono::{NaiveDate, NaiveTime};
use kusei::import::{parse_file, Parsed, SourceKind};
use kusei::model::{Dataset, Item, Meeting};
use support::db::*;

fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures/variants").join(name)
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn hm(h: u32, m: u32) -> Option<NaiveTime> {
    NaiveTime::from_hms_opt(h, m, 0)
}

/// Parse a file as minutes, import it into a fresh database and check the
/// export gives the parsed meetings back. Returns the parsed result.
fn read(path: &Path) -> Parsed {
    let parsed = parse_file(path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(parsed.kind, SourceKind::Minutes, "{}", path.display());
    let (_dir, mut store) = fresh_store();
    store
        .import(&parsed.dataset)
        .unwrap_or_else(|e| panic!("{e}"));
    let mut want = parsed.dataset.meetings.clone();
    want.sort_by_key(|m| (m.date, m.start));
    assert_eq!(export(&store).meetings, want, "{}", path.display());
    parsed
}

fn meetings(path: &Path) -> Vec<Meeting> {
    read(path).dataset.meetings
}

fn opinions(item: &Item) -> Vec<&str> {
    item.opinions.iter().map(|o| o.text.as_str()).collect()
}

fn titles(m: &Meeting) -> Vec<&str> {
    m.items.iter().map(|i| i.title.as_str()).collect()
}

#[test]
fn bullet_dot() {
    let ms = meetings(&fixture("bullets_dot.txt"));
    assert_eq!(ms.len(), 1);
    let m = &ms[0];
    assert_eq!(
        (m.fiscal_year, m.number, m.date),
        (2018, 1, date(2018, 4, 19))
    );
    assert_eq!(m.place, "旭区役所本館5階会議室");
    assert_eq!(m.attendees, ["区長", "副区長", "総務課長"]);
    assert_eq!(
        opinions(&m.items[0]),
        [
            "「2025年問題」を分かりやすく説明すべき。",
            "分かりやすい注釈を入れた方がよい。"
        ]
    );
    assert_eq!(
        m.items[0].summary,
        "平成30年度旭区運営方針(案)について協議しました。"
    );
    assert_eq!(opinions(&m.items[1]), ["地域との連携が大切。"]);
}

#[test]
fn bullet_nakaguro() {
    let ms = meetings(&fixture("bullets_nakaguro.txt"));
    assert_eq!(ms.len(), 1);
    assert_eq!(ms[0].number, 2);
    assert_eq!((ms[0].start, ms[0].end), (hm(15, 0), hm(16, 30)));
    assert_eq!(
        opinions(&ms[0].items[0]),
        [
            "所管課と地区担当が、それぞれの立場から意見を出してほしい。",
            "雇用の創出も一つの課題である。"
        ]
    );
}

#[test]
fn minutes_omitted_in_end_time() {
    let ms = meetings(&fixture("minutes_omitted.txt"));
    assert_eq!(ms[0].date, date(2017, 8, 21));
    assert_eq!((ms[0].start, ms[0].end), (hm(10, 30), hm(12, 0)));
}

#[test]
fn end_crossing_noon_without_its_own_gozen_gogo() {
    let ms = meetings(&fixture("noon_crossing.txt"));
    assert_eq!(ms[0].date, date(2017, 9, 20));
    assert_eq!((ms[0].start, ms[0].end), (hm(11, 30), hm(13, 0)));
}

#[test]
fn full_width_digits_and_brackets() {
    let parsed = read(&fixture("fullwidth.txt"));
    let ms = &parsed.dataset.meetings;
    assert_eq!(ms.len(), 2);
    assert_eq!(parsed.dataset.committees[0].name, "区づくり経営会議");
    assert_eq!(ms[0].committee, "区づくり経営会議");
    assert_eq!((ms[0].number, ms[0].date), (1, date(2017, 4, 20)));
    assert_eq!((ms[0].start, ms[0].end), (hm(13, 0), hm(14, 30)));
    assert_eq!(ms[0].place, "旭区外部特別会議室１");
    assert_eq!(ms[0].attendees, ["区長", "副区長", "総務課長"]);
    assert_eq!(
        titles(&ms[0]),
        [
            "平成２９年度改革推進委員会の発足について",
            "「２０２５年問題」について"
        ]
    );
    let numbers: Vec<u32> = ms[0].items.iter().map(|i| i.number).collect();
    assert_eq!(numbers, [1, 2]);
    assert_eq!(
        ms[0].items[0].summary,
        "実施要領（案）をもとに協議しました。"
    );
    assert_eq!(
        opinions(&ms[0].items[0]),
        ["職員が活動に積極的に参加できるよう、職場が支援すべき。"]
    );
    assert_eq!(
        opinions(&ms[0].items[1]),
        ["２０２５年問題は重要な用語である。"]
    );
    // A Western date in full-width digits, "１．日時" headings.
    assert_eq!((ms[1].number, ms[1].date), (2, date(2017, 5, 18)));
    assert_eq!((ms[1].start, ms[1].end), (hm(15, 0), hm(16, 30)));
    assert_eq!(
        opinions(&ms[1].items[0]),
        ["経済局ともしっかりと連携すべき。"]
    );
}

#[test]
fn reiwa_gannen() {
    let ms = meetings(&fixture("reiwa_gannen.txt"));
    let got: Vec<_> = ms
        .iter()
        .map(|m| (m.fiscal_year, m.number, m.date, m.start, m.end))
        .collect();
    assert_eq!(
        got,
        [
            (2019, 3, date(2019, 6, 19), hm(13, 0), hm(14, 30)),
            (2019, 4, date(2019, 7, 17), hm(13, 0), hm(14, 30)),
        ]
    );
}

#[test]
fn heisei_31_and_reiwa_1_in_one_fiscal_year() {
    for name in ["era_change_heisei.txt", "era_change_reiwa.txt"] {
        let parsed = read(&fixture(name));
        assert!(parsed.warnings.is_empty(), "{name}: {:?}", parsed.warnings);
        let got: Vec<_> = parsed
            .dataset
            .meetings
            .iter()
            .map(|m| (m.fiscal_year, m.number, m.date))
            .collect();
        assert_eq!(
            got,
            [(2019, 1, date(2019, 4, 18)), (2019, 2, date(2019, 5, 16))],
            "{name}"
        );
        // Published again, the year is named by the era covering most of it.
        let page = kusei::export::publish::publish_fiscal_year(&parsed.dataset, 2019, None);
        assert!(page.starts_with("令和元年度区づくり経営会議\n"), "{page}");
        assert!(page.contains("平成31年4月18日(木曜日)"), "{page}");
        assert!(page.contains("令和元年5月16日(木曜日)"), "{page}");
    }
}

#[test]
fn opinion_wrapping_onto_following_lines() {
    let ms = meetings(&fixture("wrapped_opinion.txt"));
    assert_eq!(
        opinions(&ms[0].items[0]),
        [
            "実行委員の方々に、どの程度議論にお時間をいただくことになるのか、イメージしやすいようにすべき。特に、企画部会の所掌が広いため、区役所の支援体制をしっかり説明すべき。",
            "名称は、40周年のものを継承すべき。",
        ]
    );
}

#[test]
fn items_without_opinions() {
    let ms = meetings(&fixture("no_opinions.txt"));
    let items = &ms[0].items;
    assert_eq!(items.len(), 3);
    assert!(items[0].opinions.is_empty());
    assert_eq!(items[0].summary, "今後の対応について協議しました。");
    assert!(items[1].opinions.is_empty());
    assert_eq!(items[1].title, "報告事項");
    assert_eq!(
        items[1].summary,
        "区政推進課から報告しました。\n各課の状況を確認しました。"
    );
    assert_eq!(
        opinions(&items[2]),
        ["区職員の知識・経験を結集してほしい。"]
    );
}

#[test]
fn html_saved_from_the_city_site() {
    let parsed = read(&fixture("city_page.html"));
    assert_eq!(parsed.encoding, "UTF-8");
    let data: &Dataset = &parsed.dataset;
    assert_eq!(data.committees.len(), 1);
    assert_eq!(data.committees[0].name, "区づくり経営会議");
    // Header chrome before the title is not part of the preamble; the page's
    // own introduction is, entities decoded.
    assert_eq!(
        data.committees[0].preamble,
        "最終更新日 2019年3月12日\n旭区では区政の重要な施策について審議、協議するため、“旭区区づくり経営会議”を設置しました。"
    );
    let ms = &data.meetings;
    assert_eq!(
        ms.len(),
        2,
        "the footer and the script's 第9回 are not meetings"
    );
    let m = &ms[0];
    assert_eq!(
        (m.fiscal_year, m.number, m.date),
        (2018, 1, date(2018, 4, 19))
    );
    assert_eq!(
        (m.start, m.end),
        (hm(13, 0), hm(14, 30)),
        "<br> inside the 日時 line"
    );
    assert_eq!(m.place, "旭区役所 本館5階会議室");
    assert_eq!(m.attendees.len(), 5);
    assert_eq!(titles(m), ["区運営方針について", "防災·減災の取組について"]);
    assert_eq!(
        m.items[0].summary,
        "平成30年度旭区運営方針(案)について協議しました。"
    );
    assert_eq!(
        opinions(&m.items[0]),
        [
            "「2025年問題」は重要な用語であるので、分かりやすく注釈を入れた方がよい。",
            "研修&職場での取組を分かりやすく説明できるようになった。",
        ]
    );
    assert!(m.items[1].opinions.is_empty());
    assert_eq!(
        m.items[1].summary,
        "地域防災拠点の訓練について協議しました。"
    );
    let m = &ms[1];
    assert_eq!(m.date, date(2018, 5, 17));
    assert_eq!(m.items[0].summary, "ワーキングについて協議しました。");
    assert_eq!(
        opinions(&m.items[0]),
        [
            "所管課と地区担当が、それぞれの立場から意見を出してほしい。",
            "<雇用>の創出も一つの課題である。"
        ]
    );
}

/// A page with characters whose encodings are awkward: 表/ソ/能 (second
/// Shift_JIS byte 0x5C), and for CP932 the Windows-only ①, ～, ㈱, 髙.
fn encoded_page(windows_only: bool) -> String {
    let extra = if windows_only {
        "①髙橋委員（㈱旭）から、9時～10時の窓口について"
    } else {
        "窓口について"
    };
    format!(
        "平成29年度区づくり経営会議\r\n第1回\r\n1 日時\r\n平成29年4月20日(木曜日)午後1時00分から2時30分\r\n\
         2 場所\r\n旭区役所\r\n3 出席者\r\n区長、副区長、総務課長\r\n4 議事概要\r\n\
         (1){extra}\r\n表示能力とソフトウェアについて協議しました。\r\n(主な意見)\r\n\
         - 予算表を見直すべき。\r\n- ソフトの機能を活用すべき。\r\n"
    )
}

fn write_encoded(enc: &'static encoding_rs::Encoding, text: &str) -> (tempfile::TempDir, PathBuf) {
    let (bytes, _, had_errors) = enc.encode(text);
    assert!(!had_errors, "{} cannot encode the fixture", enc.name());
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "the fixture must not be valid UTF-8"
    );
    let dir = tempfile::TempDir::new().unwrap();
    let path = dir.path().join("page.txt");
    std::fs::write(&path, &bytes).unwrap();
    (dir, path)
}

fn check_encoded_page(parsed: &Parsed, title: &str) {
    let m = &parsed.dataset.meetings[0];
    assert_eq!(m.date, date(2017, 4, 20));
    assert_eq!(m.place, "旭区役所", "CRLF line endings are removed");
    assert_eq!(m.attendees, ["区長", "副区長", "総務課長"]);
    assert_eq!(m.items[0].title, title);
    assert_eq!(
        m.items[0].summary,
        "表示能力とソフトウェアについて協議しました。"
    );
    assert_eq!(
        opinions(&m.items[0]),
        ["予算表を見直すべき。", "ソフトの機能を活用すべき。"]
    );
}

#[test]
fn shift_jis_cp932() {
    let (_dir, path) = write_encoded(encoding_rs::SHIFT_JIS, &encoded_page(true));
    let parsed = read(&path);
    assert_eq!(parsed.encoding, "Shift_JIS");
    check_encoded_page(&parsed, "①髙橋委員（㈱旭）から、9時～10時の窓口について");
}

#[test]
fn euc_jp() {
    let (_dir, path) = write_encoded(encoding_rs::EUC_JP, &encoded_page(false));
    let parsed = read(&path);
    assert_eq!(parsed.encoding, "EUC-JP");
    check_encoded_page(&parsed, "窓口について");
}

#[test]
fn utf8_with_bom() {
    let dir = tempfile::TempDir::new().unwrap();
    let path = dir.path().join("bom.txt");
    let bytes = [b"\xEF\xBB\xBF".as_slice(), encoded_page(false).as_bytes()].concat();
    std::fs::write(&path, bytes).unwrap();
    let parsed = read(&path);
    assert_eq!(parsed.encoding, "UTF-8");
    // The BOM is not part of the title: the committee name is clean.
    assert_eq!(parsed.dataset.committees[0].name, "区づくり経営会議");
    assert_eq!(parsed.dataset.meetings[0].committee, "区づくり経営会議");
    check_encoded_page(&parsed, "窓口について");
}

#[test]
fn heisei_31_may_reads_as_reiwa_with_a_warning() {
    let path = fixture("era_boundary_warning.txt");
    let parsed = read(&path);
    let m = &parsed.dataset.meetings[0];
    assert_eq!((m.fiscal_year, m.date), (2019, date(2019, 5, 1)));
    assert_eq!((m.start, m.end), (hm(10, 0), hm(11, 0)));
    assert!(m.items[0].opinions.is_empty());
    assert_eq!(parsed.warnings.len(), 1, "{:?}", parsed.warnings);
    let w = &parsed.warnings[0];
    assert!(
        w.contains("era_boundary_warning.txt:4:"),
        "the warning names file and line: {w}"
    );
    assert!(
        w.contains("平成31年5月1日") && w.contains("令和元年5月1日"),
        "{w}"
    );
}

/// "第1回ワーキングの…" at the start of a summary, a wrapped opinion or the
/// preamble is prose, not the heading of a new meeting.
#[test]
fn dai_n_kai_inside_text_is_not_a_meeting() {
    let parsed = read(&fixture("dai_n_kai_in_text.txt"));
    assert_eq!(
        parsed.dataset.committees[0].preamble,
        "第1回ワーキングの結果は、区のホームページで公開しています。"
    );
    let ms = &parsed.dataset.meetings;
    let numbers: Vec<u32> = ms.iter().map(|m| m.number).collect();
    assert_eq!(numbers, [1, 2]);
    assert_eq!(
        ms[0].items[0].summary,
        "第1回ワーキングの結果を踏まえて、今後の進め方について協議しました。"
    );
    assert_eq!(
        opinions(&ms[0].items[0]),
        ["大規模団地の課題は多岐に渡るため、次回のワーキングでは第2回目の議論として、区職員の知識・経験を結集してほしい。"]
    );
}

/// Words that open a city site's footer ("お問い合わせ", "ページの先頭へ")
/// at the start of a sentence of the minutes do not end the document; the
/// real footer after the last meeting does.
#[test]
fn footer_words_inside_text_do_not_end_the_page() {
    let ms = meetings(&fixture("footer_words_in_text.txt"));
    assert_eq!(ms.len(), 2, "the second meeting is not lost");
    assert_eq!(
        ms[0].items[0].summary,
        "お問い合わせの多い手続について、案内の改善を協議しました。"
    );
    assert_eq!(
        opinions(&ms[0].items[0]),
        ["区民からの問合せ内容を、課をまたいで共有すべき。ページの先頭へ戻るボタンの設置など、区のホームページも見直すべき。"]
    );
    assert_eq!(
        ms[1].items[0].summary, "コンセプトを協議しました。",
        "the footer is not part of it"
    );
}
