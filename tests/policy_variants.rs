//! The shapes of other wards' and years' 運営方針 pages (issue 18), one
//! made-up fixture each in `tests/fixtures/policy/`, and the plan a careful
//! reader takes from each: every 目標, 使命, 経営課題, 戦略, 具体的取組 and
//! budget in the text, nothing dropped, nothing invented.
//!
//! Every fixture is also imported into a real database and exported again
//! (what the store gives back must be what was parsed), and every line of it
//! must appear in the report of what was understood (never silent).

mod common;

use std::path::PathBuf;

use common::*;
use kusei::import::{parse_file, Parsed, SourceKind};
use kusei::model::{Node, Plan};

fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures/policy").join(name)
}

/// Parse a fixture as a policy page, check the store round trip and that
/// the report accounts for every line of the file.
fn read(name: &str) -> Parsed {
    let path = fixture(name);
    let parsed = parse_file(&path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(parsed.kind, SourceKind::Policy, "{name}");
    let (_dir, mut store) = fresh_store();
    store
        .import(&parsed.dataset)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(export(&store).plans, parsed.dataset.plans, "{name}");
    let text = std::fs::read_to_string(&path).expect("fixture");
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let mark = format!("  {}行目 ", i + 1);
        assert!(
            parsed.report.iter().any(|r| r.starts_with(&mark)),
            "{name}: line {} 「{line}」 is not in the report:\n{}",
            i + 1,
            parsed.report.join("\n")
        );
    }
    parsed
}

fn plan(p: &Parsed) -> &Plan {
    assert_eq!(p.dataset.plans.len(), 1);
    &p.dataset.plans[0]
}

/// The tree as text: one node a line, indented by depth, with its budget
/// (`¥-` for a 具体的取組 without one).
fn outline(plan: &Plan) -> String {
    let mut out = String::new();
    for (depth, n) in plan.walk() {
        out.push_str(&"  ".repeat(depth));
        out.push_str(&n.level);
        out.push_str(&n.code);
        if !n.title.is_empty() {
            out.push(' ');
            out.push_str(&n.title);
        }
        match n.budget_kyen {
            Some(k) => out.push_str(&format!(" ¥{k}")),
            None if n.level == "具体的取組" => out.push_str(" ¥-"),
            None => {}
        }
        out.push('\n');
    }
    out
}

fn find<'a>(plan: &'a Plan, level: &str, code: &str) -> &'a Node {
    plan.walk()
        .into_iter()
        .map(|(_, n)| n)
        .find(|n| n.level == level && n.code == code)
        .unwrap_or_else(|| panic!("{level}{code} not found"))
}

fn body_of<'a>(plan: &'a Plan, level: &str, code: &str) -> &'a str {
    &find(plan, level, code).body
}

#[test]
fn headings_without_brackets_and_mixed() {
    let p = read("01_unbracketed.txt");
    let plan = plan(&p);
    assert_eq!(
        (plan.fiscal_year, plan.organisation.as_str()),
        (Some(2020), "緑川区")
    );
    assert_eq!(
        outline(plan),
        "目標 災害に強く、だれもが安心して暮らせるまち
目標 子どもの笑顔があふれるまち
使命 地域と力を合わせ、防災と子育ての施策を進める
区長の方針 区運営の基本的な考え方(区長の方針)
経営課題1 地域の防災力の向上
  戦略1-1 防災のまちづくり
    具体的取組1-1-1 自助の取組の推進 ¥1976
    具体的取組1-1-2 共助の取組の推進 ¥-
  戦略1-2 災害に強いまちづくり
    具体的取組1-2-1 避難所運営の支援 ¥845
経営課題2 子育て支援の充実
  戦略2-1 子育て相談の充実
    具体的取組2-1-1 子育て相談会 ¥1200
"
    );
    // The amount at the end of the body is read, and not left in the text.
    assert_eq!(
        body_of(plan, "具体的取組", "1-1-1"),
        "家庭での備蓄を呼びかける講座を行う。"
    );
    assert_eq!(
        body_of(plan, "具体的取組", "1-1-2"),
        "地域の防災訓練を支援する。"
    );
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);
}

#[test]
fn titles_after_the_bracket() {
    let p = read("02_title_after_bracket.txt");
    assert_eq!(
        outline(plan(&p)),
        "目標 安全で安心して暮らせるまち
経営課題1 安全・安心のまちづくり
  戦略1-1 地域の見守り活動の支援
    具体的取組1-1-1 見守りネットワークの充実 ¥2400
経営課題2 安全で安心して暮らせるまちづくり
  戦略2-2 区政運営への住民参画
    具体的取組2-2-1 区政会議の運営 ¥-
    具体的取組2-2-2 予算策定への住民参画 ¥263
"
    );
}

#[test]
fn section_names_of_newer_years_and_an_unbalanced_bracket() {
    let p = read("03_newer_sections.txt");
    let plan = plan(&p);
    assert_eq!(
        outline(plan),
        "目標 人と人とがつながり、支え合うまち
使命 区民に最も身近な行政機関として、地域の課題を解決する
区長の方針 所属運営の基本的な考え方(区長の方針)
区長の方針 区運営の基本的な考え方(何に重点的に取り組むのか)
経営課題1 地域福祉の推進
  戦略1-1 見守りの輪を広げる
    具体的取組1-1-1 見守り講座 ¥520
"
    );
    assert_eq!(
        plan.nodes[3].body,
        "防災、子育て、地域福祉の三つに重点的に取り組みます。"
    );
    let p = read("03b_kunohoshin.txt");
    assert_eq!(
        outline(plan_of(&p)),
        "目標 住みやすく、住み続けたいまち
区長の方針 区の運営方針の基本的な考え方(区の方針)
経営課題1 暮らしの安全
  戦略1-1 防犯
    具体的取組1-1-1 防犯カメラの設置 ¥3300
"
    );
}

fn plan_of(p: &Parsed) -> &Plan {
    plan(p)
}

#[test]
fn goals_as_a_sentence_or_a_phrase_with_its_explanation() {
    let p = read("04a_goal_sentence.txt");
    let plan = plan(&p);
    let top: Vec<(&str, &str, &str)> = plan
        .nodes
        .iter()
        .take(2)
        .map(|n| (n.level.as_str(), n.title.as_str(), n.body.as_str()))
        .collect();
    assert_eq!(
        top,
        [
            ("目標", "「安心のまち、つながるまち」の実現", ""),
            (
                "使命",
                "みんなが笑顔で暮らせるまちへ",
                "区民、地域団体、企業と力を合わせ、まちの課題に取り組みます。"
            ),
        ]
    );
}

#[test]
fn goals_as_double_brackets_numbered_and_other_bullets() {
    let p = read("04b_goal_lists.txt");
    let plan = plan(&p);
    let top: Vec<(&str, &str, &str)> = plan
        .nodes
        .iter()
        .filter(|n| n.level == "目標" || n.level == "使命")
        .map(|n| (n.level.as_str(), n.title.as_str(), n.body.as_str()))
        .collect();
    assert_eq!(
        top,
        [
            (
                "目標",
                "《まちを元気にする力》",
                "地域の活動を応援し、にぎわいを生み出します。"
            ),
            (
                "目標",
                "《子どもを育てる力》",
                "子育て家庭を地域ぐるみで支えます。"
            ),
            ("使命", "人と人とがつながるまちづくり", ""),
            ("使命", "子育てしやすいまちづくり", ""),
            ("使命", "災害に強いまちづくり", ""),
            ("使命", "健康で長生きできるまちづくり", ""),
        ]
    );
}

#[test]
fn goals_without_text_are_an_image_and_a_warning() {
    let p = read("04c_goal_image.txt");
    let plan = plan(&p);
    assert_eq!(plan.nodes.iter().filter(|n| n.level == "目標").count(), 0);
    assert_eq!(plan.nodes.iter().filter(|n| n.level == "使命").count(), 1);
    assert_eq!(p.warnings.len(), 1, "{:?}", p.warnings);
    assert!(
        p.warnings[0].contains(":3: 目標の見出しの下に文字がありません"),
        "{:?}",
        p.warnings
    );
}

#[test]
fn a_space_in_the_number() {
    let p = read("05_space_in_number.txt");
    assert_eq!(
        outline(plan(&p)),
        "経営課題1 安全なまちづくり
  戦略1-1 防災
    具体的取組1-1-1 防災訓練 ¥1500
経営課題2 子育て支援
  戦略2-1 相談支援
    具体的取組2-1-1 子育て相談 ¥200
"
    );
}

#[test]
fn bare_codes_in_brackets_and_angle_brackets() {
    let p = read("06a_bare_codes.txt");
    assert_eq!(
        outline(plan(&p)),
        "経営課題1 防災
  戦略1-1 防災対策
    具体的取組1-1-1 防災力の強化 ¥900
  戦略1-2 安全・安心なまちづくり
    具体的取組1-2-1 防犯灯の設置 ¥1100
"
    );
}

#[test]
fn circled_numbers_take_the_level_below_their_issue() {
    let p = read("06b_circled.txt");
    assert_eq!(
        outline(plan(&p)),
        "経営課題1 安全・安心なまちづくり
  戦略 防災・減災対策 ¥1300
  戦略 防犯対策 ¥400
経営課題2 子育て支援
  戦略 子育て相談
"
    );
}

#[test]
fn strategies_without_codes_under_main_strategies() {
    let p = read("07_strategy_lists.txt");
    let plan = plan(&p);
    assert_eq!(
        outline(plan),
        "経営課題1 地域のつながり
  戦略 地域活動の担い手を育てる
  戦略 地域の情報を届ける
経営課題2 子育て
  戦略 子育て相談の充実
  戦略 子どもの居場所づくり
経営課題3 健康
  戦略 健診の受診を勧める
経営課題4 防災
  戦略 防災訓練の充実
    具体的取組4-1-1 防災訓練 ¥800
  戦略 備蓄の呼びかけ
"
    );
    // 具体的取組4-1-1 goes under 経営課題4's first strategy, which has no
    // number; a plain line after a numbered strategy is that strategy's body.
    let issue2 = &plan.nodes[1];
    assert_eq!(issue2.children[1].body, "居場所の数を増やす。");
}

#[test]
fn sub_headings_are_body_text() {
    let p = read("08_subheadings.txt");
    let plan = plan(&p);
    assert_eq!(
        outline(plan),
        "経営課題1 地域の防災力の向上
  戦略1-1 防災の担い手づくり
    具体的取組1-1-1 防災リーダー講座 ¥650
"
    );
    assert_eq!(
        body_of(plan, "経営課題", "1"),
        "【課題認識】
地震への備えが十分でない家庭が多い。【区民アンケート】では半数が備蓄をしていない。
経営課題の概要
地域の防災力を高める。
(概要)
防災訓練への参加を増やす。
【アウトカム指標(防災訓練の参加者数)】
参加者数 前年度より10%増
関連するSDGs 11住み続けられるまちづくりを"
    );
    assert_eq!(
        body_of(plan, "戦略", "1-1"),
        "課題認識\n担い手が高齢になっている。"
    );
    // The report names where each of them went.
    assert!(p
        .report
        .iter()
        .any(|r| r == "  5行目 本文 → 経営課題1 地域の防災力の向上: 地震への備えが十分でない家庭が多い。【区民アンケート】では半数が備蓄をしていない。"));
}

#[test]
fn budgets_in_every_form() {
    let p = read("09_budgets.txt");
    let plan = plan(&p);
    assert_eq!(
        outline(plan),
        "経営課題1 にぎわいのあるまち ¥64000
  戦略1-1 商店街の応援
    具体的取組1-1-1 商店街イベント ¥263
    具体的取組1-1-2 空き店舗の活用 ¥1200
    具体的取組1-1-3 まちの情報発信 ¥1976
    具体的取組1-1-4 にぎわいの調査 ¥845
    具体的取組1-1-5 職員の研修 ¥-
    具体的取組1-1-6 まちの清掃 ¥123450
"
    );
    assert_eq!(body_of(plan, "経営課題", "1"), "まちのにぎわいを高める。");
    assert_eq!(
        body_of(plan, "具体的取組", "1-1-3"),
        "まちの魅力を発信する。"
    );
    assert!(p
        .report
        .iter()
        .any(|r| r.starts_with("予算額: 5 件、合計 127,734 千円（予算なしの具体的取組 1 件）")));
    assert!(p
        .report
        .iter()
        .any(|r| r == "上位の項目の予算額: 1 件、計 64,000 千円（上の合計には含めません）"));
}

#[test]
fn the_plan_year_in_either_form_and_drafts() {
    for (name, fy, org, title) in [
        (
            "10a_western_year.txt",
            2018,
            "淀の区",
            "2018年度(平成30年度)淀の区運営方針",
        ),
        (
            "10b_draft.txt",
            2014,
            "浪の区",
            "平成26年度浪の区運営方針(案)",
        ),
        (
            "10c_sodraft.txt",
            2026,
            "港の区",
            "令和8年度 港の区運営方針(素案)",
        ),
    ] {
        let p = read(name);
        let plan = plan(&p);
        assert_eq!(
            (
                plan.fiscal_year,
                plan.organisation.as_str(),
                plan.title.as_str()
            ),
            (Some(fy), org, title),
            "{name}"
        );
        assert_eq!(
            plan.walk()
                .iter()
                .filter(|(_, n)| n.level == "具体的取組")
                .count(),
            1,
            "{name}"
        );
    }
}

#[test]
fn characters_copied_from_pdfs() {
    let p = read("11_pdf_radicals.txt");
    let plan = plan(&p);
    assert_eq!(plan.title, "令和6年度 空の区運営方針");
    assert_eq!(plan.organisation, "空の区");
    assert_eq!(
        outline(plan),
        "目標 空の見えるまち
経営課題1 緑の方針
  戦略1-1 植樹
    具体的取組1-1-1 植樹祭 ¥100
"
    );
    assert_eq!(
        body_of(plan, "具体的取組", "1-1-1"),
        "植樹祭を開く方法を考える。"
    );
}

#[test]
fn page_chrome_is_skipped_or_kept_as_notes() {
    let p = read("12_chrome.txt");
    let plan = plan(&p);
    assert_eq!(
        outline(plan),
        "目標 緑ゆたかなまち
経営課題1 緑のまちづくり
  戦略1-1 花いっぱい運動
    具体的取組1-1-1 花の苗の配布 ¥250
"
    );
    assert_eq!(
        plan.nodes[0].body,
        "※ 目標は区政会議の意見をふまえて決めました。"
    );
    assert_eq!(
        body_of(plan, "経営課題", "1"),
        "緑を増やす。\n防災訓練の様子\n※ 写真は昨年度のものです。"
    );
    for skipped in [
        "  1行目 読み飛ばし（題名まで）: ページの先頭です",
        "  6行目 読み飛ばし（ページの飾り）: 2022年6月1日",
        "  8行目 読み飛ばし（ページの飾り）: ページ番号:512345",
        "  28行目 読み飛ばし（本文の後（ページの飾り））: 令和4年度 谷の区運営方針(令和4年9月1日更新)",
    ] {
        assert!(p.report.iter().any(|r| r == skipped), "{skipped}\n{}", p.report.join("\n"));
    }
}

#[test]
fn an_overview_of_the_issues_before_their_sections() {
    let p = read("13_overview_then_sections.txt");
    assert_eq!(
        outline(plan(&p)),
        "経営課題1 安全なまちづくり
  戦略1-1 防犯
    具体的取組1-1-1 防犯教室 ¥100
経営課題2 子育て支援
  戦略2-1 相談
    具体的取組2-1-1 子育て相談 ¥-
"
    );
}

#[test]
fn a_page_cut_off_after_a_heading_is_refused_or_read_up_to_it() {
    let path = fixture("14_truncated.txt");
    let e = parse_file(&path).expect_err("a cut-off page is refused");
    assert_eq!(e.line, Some(13), "{e}");
    assert!(
        e.message
            .contains("ファイルが「具体的取組1-1-2 防犯パトロール」の途中で終わっています"),
        "{e}"
    );
    assert!(
        e.message
            .contains("最後まで揃っている項目は「具体的取組1-1-1 防犯教室」です"),
        "{e}"
    );
    let bytes = std::fs::read(&path).expect("fixture");
    let p = kusei::import::parse_bytes_with(
        "14_truncated.txt",
        &bytes,
        kusei::import::policy::Options { partial: true },
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        outline(plan(&p)),
        "経営課題1 安全なまちづくり
  戦略1-1 防犯
    具体的取組1-1-1 防犯教室 ¥100
"
    );
    assert!(p
        .warnings
        .iter()
        .any(|w| w.contains("そこまでを読み込みます")));
}

#[test]
fn an_html_page_with_named_character_references() {
    let p = parse_file(&fixture("15_html_entities.html")).unwrap_or_else(|e| panic!("{e}"));
    let plan = plan(&p);
    assert_eq!(plan.title, "令和5年度 光の区運営方針");
    assert_eq!(
        outline(plan),
        "目標 だれもが“住み続けたい”と思えるまち
経営課題1 安全&安心のまちづくり
  戦略1-1 防災
    具体的取組1-1-1 防災訓練 ¥1500
"
    );
    assert_eq!(
        body_of(plan, "経営課題", "1"),
        "災害に強いまちへ⇒地域の力を高める…"
    );
}

#[test]
fn text_on_the_same_line_as_a_section_name() {
    let p = read("16_text_after_section_names.txt");
    let plan = plan(&p);
    assert_eq!(
        outline(plan),
        "目標 にぎわいと安心のあるまち
使命 区民に最も身近な行政として、地域の課題をともに解決する
区長の方針 区長の方針
経営課題1 子育てしやすいまちづくり
  戦略1-1 相談支援
    具体的取組1-1-1 子育て相談会 ¥600
章2 市政改革プランに基づく取組等
  取組項目 窓口の改善
"
    );
    assert_eq!(plan.nodes[2].body, "区民の声を聞き、地域とともに進めます。");
    assert_eq!(body_of(plan, "経営課題", "1"), "子育て家庭を地域で支える。");
    // The 取組項目 sits under the kept 章 heading.
    assert_eq!(plan.nodes[4].children[0].body, "待ち時間を短くする。");
}

#[test]
fn a_page_mixing_many_shapes() {
    let p = read("17_composite.txt");
    let plan = plan(&p);
    assert_eq!(
        (plan.fiscal_year, plan.organisation.as_str()),
        (Some(2019), "桜の区")
    );
    assert_eq!(
        outline(plan),
        "目標 《笑顔でつながるまち》
目標 《安心して住み続けられるまち》
使命 区民に身近な相談の窓口となる
使命 地域の力を引き出す
区長の方針 区運営の基本的な考え方(区長の方針)
経営課題1 つながりのあるまちづくり
  戦略 担い手の発掘と育成
    具体的取組1-1-1 担い手講座 ¥1050
  戦略 地域の情報の発信
経営課題2 安心して住み続けられるまちづくり
  戦略2-1 防災力の向上
    具体的取組2-1-1 防災訓練の支援 ¥2340
    具体的取組2-1-2 防災マップの配布 ¥-
  戦略2-2 見守り
    具体的取組2-2-1 見守り活動の支援 ¥3
章2 市政改革プラン2.0に基づく取組等
  取組項目 窓口サービスの向上
"
    );
    assert_eq!(
        plan.nodes[0].body,
        "世代をこえて、みんながつながるまちをめざします。"
    );
    assert_eq!(
        body_of(plan, "経営課題", "1"),
        "課題認識\n地域活動の担い手が高齢になっている。"
    );
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);
}
