//! `kusei export --format xlsx`: the workbook written by the real binary,
//! read back with `calamine` (cell types, Japanese text, dates) and, for
//! what calamine does not expose (frozen panes, autofilter, print setup,
//! column widths, number formats), the XML inside the zip.

mod support;

use std::io::Read;
use std::path::{Path, PathBuf};

use calamine::{open_workbook, Data, DataType, Reader, Xlsx};
use chrono::NaiveDate;
use kusei::model::*;
use support::bin;
use support::db::*;

fn export_xlsx(db: &Path, out: &Path, extra: &[&str]) {
    let mut args = vec!["export", "--format", "xlsx", "-o"];
    let out_s = out.to_str().expect("utf-8 path");
    args.push(out_s);
    args.extend_from_slice(extra);
    let o = bin::run(db, &args);
    assert!(o.status.success(), "export: {}", bin::stderr(&o));
}

fn book(path: &Path) -> Xlsx<std::io::BufReader<std::fs::File>> {
    open_workbook(path).expect("calamine opens the workbook")
}

/// The XML of one part of the zip.
fn part(path: &Path, name: &str) -> String {
    let f = std::fs::File::open(path).expect("open xlsx");
    let mut zip = zip::ZipArchive::new(f).expect("a zip");
    let mut s = String::new();
    zip.by_name(name)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .read_to_string(&mut s)
        .expect("read part");
    s
}

fn samples() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = sample_db(dir.path(), "k.db");
    let out = dir.path().join("全部.xlsx");
    export_xlsx(&db, &out, &[]);
    (dir, db, out)
}

/// Column index of `name` in the first row.
fn col(range: &calamine::Range<Data>, name: &str) -> usize {
    (0..range.width())
        .find(|&c| range.get((0, c)).and_then(|d| d.get_string()) == Some(name))
        .unwrap_or_else(|| panic!("no column {name}"))
}

#[test]
fn one_sheet_per_table_with_typed_cells_and_japanese_text() {
    let (_dir, _db, out) = samples();
    let mut wb = book(&out);
    assert_eq!(
        wb.sheet_names(),
        ["会議", "意見", "出席", "運営方針", "進捗", "宿題"]
    );
    let m = wb.worksheet_range("会議").expect("会議");
    assert_eq!(m.height(), 6, "header and the five sample meetings");
    assert_eq!(m.get((0, 0)), Some(&Data::String("会議体".into())));
    assert_eq!(m.get((1, col(&m, "年度"))), Some(&Data::Float(2017.0)));
    assert_eq!(m.get((1, col(&m, "回"))), Some(&Data::Float(1.0)));
    let date = m.get((1, col(&m, "日付"))).expect("date cell");
    // A date is a number (Excel's serial day) with a date format; calamine
    // only calls it DateTime when it can read the format, and it does not
    // unescape the `&quot;` around 年月日 in styles.xml (Excel writes the
    // same), so it may say Float: the format itself is checked in the XML
    // test below.
    let serial = match date {
        Data::DateTime(d) => d.as_f64(),
        Data::Float(f) => *f,
        other => panic!("a date is a number, not {other:?}"),
    };
    assert_eq!(serial, 42845.0, "Excel's serial number of 2017-04-20");
    assert_eq!(
        m.get((1, col(&m, "場所"))),
        Some(&Data::String("旭区外部特別会議室1".into()))
    );
    assert_eq!(
        m.get((1, col(&m, "開始"))),
        Some(&Data::String("13:00".into()))
    );

    let p = wb.worksheet_range("運営方針").expect("運営方針");
    let code = col(&p, "コード");
    let budget = col(&p, "予算（千円）");
    // Codes stay text: 1-1 is no date, 1-1-1 no number.
    let codes: Vec<&Data> = (1..p.height()).filter_map(|r| p.get((r, code))).collect();
    assert!(codes.contains(&&Data::String("1-1".into())), "{codes:?}");
    assert!(codes.contains(&&Data::String("1-1-1".into())), "{codes:?}");
    assert!(codes
        .iter()
        .all(|d| matches!(d, Data::String(_) | Data::Empty)));
    let budgets: Vec<&Data> = (1..p.height()).filter_map(|r| p.get((r, budget))).collect();
    assert!(budgets.contains(&&Data::Float(7133.0)), "{budgets:?}");
    assert!(budgets
        .iter()
        .all(|d| matches!(d, Data::Float(_) | Data::Empty)));

    let a = wb.worksheet_range("出席").expect("出席");
    assert_eq!(a.get((1, 0)), Some(&Data::String("区長".into())));
    assert_eq!(a.get((1, 2)), Some(&Data::String("〇".into())));
    assert_eq!(a.get((1, col(&a, "出席回数"))), Some(&Data::Float(5.0)));

    let h = wb.worksheet_range("宿題").expect("宿題");
    let kind = col(&h, "種別");
    assert!((1..h.height()).all(|r| h.get((r, kind)) == Some(&Data::String("宿題".into()))));
}

#[test]
fn header_frozen_filtered_printable_formats_and_widths_in_the_xml() {
    let (_dir, _db, out) = samples();
    for (i, frozen) in [(1, "ySplit=\"1\""), (5, "ySplit=\"2\"")] {
        let sheet = part(&out, &format!("xl/worksheets/sheet{i}.xml"));
        assert!(sheet.contains("state=\"frozen\""), "sheet{i} frozen");
        assert!(sheet.contains(frozen), "sheet{i}: {frozen}");
        assert!(sheet.contains("<autoFilter ref="), "sheet{i} autofilter");
        assert!(sheet.contains("orientation=\"landscape\""), "sheet{i}");
        assert!(
            sheet.contains("fitToHeight=\"0\""),
            "sheet{i} one page wide"
        );
        assert!(!sheet.contains("<f>"), "sheet{i}: no formula at all");
    }
    // Header rows repeat on every printed page.
    let workbook = part(&out, "xl/workbook.xml");
    assert!(workbook.contains("_xlnm.Print_Titles"), "{workbook}");
    // 和暦 dates and budgets with thousands separators.
    let styles = part(&out, "xl/styles.xml");
    assert!(
        styles.contains("formatCode=\"[$-411]ggge&quot;年&quot;m&quot;月&quot;d&quot;日&quot;\""),
        "{styles}"
    );
    assert!(styles.contains("formatCode=\"#,##0\""), "{styles}");
    // …and the 日付 cell of the first meeting (E2 of 会議) wears it.
    let id = styles
        .split("<numFmt ")
        .find(|f| f.contains("ggge"))
        .and_then(|f| f.split("numFmtId=\"").nth(1))
        .and_then(|f| f.split('"').next())
        .expect("the 和暦 format's id");
    let xfs = styles.split("<cellXfs").nth(1).expect("cellXfs");
    let xf = xfs
        .split("<xf ")
        .skip(1)
        .position(|x| x.contains(&format!("numFmtId=\"{id}\"")))
        .expect("a style with the 和暦 format");
    let meetings = part(&out, "xl/worksheets/sheet1.xml");
    assert!(
        meetings.contains(&format!("<c r=\"E2\" s=\"{xf}\">")),
        "E2 with style {xf}"
    );
    // 出席: the 職名 column fits 福祉保健センター担当部長 (24 columns wide).
    let attendance = part(&out, "xl/worksheets/sheet3.xml");
    let first_col = attendance
        .split("<col ")
        .nth(1)
        .and_then(|c| c.split("width=\"").nth(1))
        .and_then(|w| w.split('"').next())
        .and_then(|w| w.parse::<f64>().ok())
        .expect("a width for column A");
    assert!((24.0..=30.0).contains(&first_col), "width {first_col}");
}

#[test]
fn the_progress_sheet_is_the_evaluation_sheet() {
    let (_dir, db, _out) = samples();
    let out = db.with_file_name("進捗.xlsx");
    export_xlsx(&db, &out, &["--table", "progress", "--fiscal-year", "H25"]);
    let mut wb = book(&out);
    assert_eq!(wb.sheet_names(), ["進捗"]);
    let s = wb.worksheet_range("進捗").expect("進捗");
    let row = |r: usize| -> Vec<String> {
        (0..s.width())
            .map(|c| s.get((r, c)).map(|d| d.to_string()).unwrap_or_default())
            .collect()
    };
    assert_eq!(row(0)[..3], ["番号", "区分", "具体的な改革項目"]);
    assert!(row(0).contains(&"平成25年度".to_string()), "{:?}", row(0));
    assert!(row(1).contains(&"取組工程・指標に対する評価".to_string()));
    let item = (2..s.height())
        .map(row)
        .find(|r| r[2] == "区役所間・区役所と本庁との協議制度の確立")
        .expect("seed 004's item");
    assert!(item[3].contains('●'), "主担当課 marked: {}", item[3]);
    assert!(item
        .iter()
        .any(|c| c == "予定通り進捗" || c.contains("予定通り")));
    assert!(item.iter().any(|c| c == "A"), "the grade: {item:?}");
    let sheet = part(&out, "xl/worksheets/sheet1.xml");
    assert!(sheet.contains("<mergeCell "), "the year spans its columns");
    assert!(sheet.contains("paperSize=\"8\""), "A3");
}

/// Text that looks like a formula stays text, in a text cell.
#[test]
fn text_is_never_a_formula() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("k.db");
    let hostile = [
        "=HYPERLINK(\"http://example.invalid\",\"押す\")",
        "+81-3-0000",
        "-1+2",
        "@SUM(A1:A2)",
        "\t=1",
    ];
    let opinions = hostile
        .iter()
        .map(|t| Opinion {
            text: t.to_string(),
            ..Opinion::default()
        })
        .collect();
    let data = Dataset {
        meetings: vec![Meeting {
            committee: DEFAULT_COMMITTEE.into(),
            fiscal_year: 2019,
            number: 1,
            date: NaiveDate::from_ymd_opt(2019, 5, 8).expect("date"),
            start: None,
            end: None,
            place: "=1+1".into(),
            status: MeetingStatus::Held,
            attendees: Vec::new(),
            items: vec![Item {
                number: 1,
                title: "@議題".into(),
                opinions,
                ..Item::default()
            }],
        }],
        ..Dataset::default()
    };
    let mut store = open(&db);
    store.import(&data).expect("import");
    drop(store);
    let out = dir.path().join("o.xlsx");
    export_xlsx(&db, &out, &["--table", "opinions"]);
    let mut wb = book(&out);
    let s = wb.worksheet_range("意見").expect("意見");
    let text = col(&s, "内容");
    let got: Vec<&Data> = (1..s.height()).filter_map(|r| s.get((r, text))).collect();
    let want: Vec<Data> = hostile
        .iter()
        .map(|t| Data::String(t.to_string()))
        .collect();
    assert_eq!(got, want.iter().collect::<Vec<_>>());
    let formulas = wb.worksheet_formula("意見").expect("formulas");
    assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()));
    assert!(!part(&out, "xl/worksheets/sheet1.xml").contains("<f>"));
}

#[test]
fn piped_xlsx_goes_to_stdout_as_a_zip() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = sample_db(dir.path(), "k.db");
    // Piped: the bytes go to stdout (a zip).
    let o = bin::run(&db, &["export", "--format", "xlsx", "--table", "meetings"]);
    assert!(o.status.success(), "{}", bin::stderr(&o));
    assert_eq!(&o.stdout[..2], b"PK");
}

#[test]
fn xlsx_to_a_terminal_is_refused_with_the_way_to_a_file() {
    use std::io::Read;
    let dir = tempfile::tempdir().expect("tempdir");
    let db = sample_db(dir.path(), "k.db");
    let (mut master, slave) = support::pty::open_pty_sized(100, 20);
    let mut cmd = bin::command(&db);
    cmd.args(["export", "--format", "xlsx"])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::from(slave.try_clone().expect("slave")))
        .stderr(std::process::Stdio::from(slave.try_clone().expect("slave")));
    let mut child = cmd.spawn().expect("spawn");
    drop(cmd);
    drop(slave);
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    while let Ok(n) = master.read(&mut buf) {
        if n == 0 {
            break;
        }
        out.extend_from_slice(&buf[..n]);
    }
    let status = child.wait().expect("wait");
    let text = String::from_utf8_lossy(&out);
    assert_eq!(status.code(), Some(2), "{text}");
    assert!(text.contains("-o FILE"), "{text}");
    assert!(!text.contains("PK"), "no zip on the screen: {text}");
}
