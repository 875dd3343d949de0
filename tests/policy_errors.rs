//! What a policy page the reader cannot place is refused with: a Japanese
//! message naming the line and why, and no plan at all (an import is all or
//! nothing, so nothing is written).

use kusei::import::{parse_bytes, ImportError};

const HEAD: &str = "令和2年度 試しの区運営方針\n【経営課題1 安全なまち】\n安全なまちをめざす。\n";

fn refused(page: &str) -> ImportError {
    match parse_bytes("p.txt", page.as_bytes()) {
        Ok(p) => panic!("accepted: {:#?}", p.dataset.plans),
        Err(e) => e,
    }
}

fn accepted(page: &str) -> kusei::import::Parsed {
    parse_bytes("p.txt", page.as_bytes()).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn a_strategy_whose_issue_is_missing() {
    let e = refused(&format!("{HEAD}【戦略2-1 先の戦略】\n・本文\n"));
    assert_eq!(e.line, Some(4));
    assert!(
        e.message
            .contains("戦略2-1 の上位の 経営課題2 がこれより前にありません"),
        "{e}"
    );
}

#[test]
fn two_budgets_for_one_initiative() {
    let e = refused(&format!(
        "{HEAD}【戦略1-1 防犯】\n・本文\n【具体的取組1-1-1 防犯教室】\n教室を開く。\n(令和2年度予算額:100千円)\n予算額 200千円\n"
    ));
    assert_eq!(e.line, Some(9));
    assert!(
        e.message
            .contains("「具体的取組1-1-1 防犯教室」に予算額が二つあります（8行目とこの行）"),
        "{e}"
    );
}

#[test]
fn the_same_code_for_two_different_issues() {
    let e = refused(&format!("{HEAD}【経営課題1 子育て】\n子育てを支える。\n"));
    assert_eq!(e.line, Some(4));
    assert!(
        e.message
            .contains("経営課題1 が二つあります（2行目「安全なまち」と、この行「子育て」）"),
        "{e}"
    );
}

#[test]
fn an_amount_that_is_not_read_is_an_error_not_no_budget() {
    for (budget, phrase) in [
        ("[予算額 たくさん]", "予算額「たくさん」が読めません"),
        ("(令和2年度予算額:未定)", "予算額「未定」が読めません"),
        ("予算額 12兆円", "予算額「12兆円」は大きすぎます"),
    ] {
        let e = refused(&format!(
            "{HEAD}【戦略1-1 防犯】\n・本文\n【具体的取組1-1-1 防犯教室】\n教室を開く。\n{budget}\n"
        ));
        assert_eq!(e.line, Some(8), "{budget}");
        assert!(e.message.contains(phrase), "{budget}: {e}");
    }
}

#[test]
fn a_content_heading_without_an_item_heading() {
    let e = refused(&format!("{HEAD}【取組内容】\n・本文\n"));
    assert_eq!(e.line, Some(4));
    assert!(e
        .message
        .contains("【取組内容】の前に【取組項目】がありません"));
}

#[test]
fn a_missing_amount_after_budget_in_the_heading_is_a_warning() {
    let p = accepted(&format!(
        "{HEAD}【戦略1-1 防犯】\n・本文\n具体的取組1-1-1 防犯教室(2年度予算額)\n教室を開く。\n具体的取組1-1-2 見守り\n見守る。\n(令和2年度予算額:5千円)\n"
    ));
    assert!(
        p.warnings.iter().any(|w| w
            == "p.txt:6: 「具体的取組1-1-1 防犯教室」の見出しに予算額とありますが、金額が本文の終わりに見つかりません"),
        "{:?}",
        p.warnings
    );
}

#[test]
fn a_page_without_a_title_says_what_it_looks_for() {
    let e = refused("【経営課題1 安全なまち】\n本文\n【区の目標】\n・目標\n");
    assert!(
        e.message
            .contains("運営方針の題名（例「平成29年度 旭区運営方針」）が見つかりません"),
        "{e}"
    );
}

#[test]
fn minutes_that_mention_the_policy_are_not_a_policy_page() {
    // A minutes page quoting the plan's title in a sentence stays minutes.
    let page = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("data/000_yokohama_asahi_keiei_kaigi_h29.txt"),
    )
    .expect("seed 000");
    let p = accepted(&page);
    assert_eq!(p.kind, kusei::import::SourceKind::Minutes);
}

#[test]
fn headings_after_the_end_of_the_page_are_named() {
    let p = accepted(&format!(
        "{HEAD}【戦略1-1 防犯】\n・本文\nお問い合わせ先\n【経営課題2 子育て】\n子育てを支える。\n【戦略2-1 相談】\n・本文\n"
    ));
    assert_eq!(p.dataset.plans[0].nodes.len(), 1);
    assert_eq!(
        p.warnings,
        ["p.txt:7: 「【経営課題2 子育て】」ほか 1 件の見出しは、6行目「お問い合わせ先」をページの終わりとみなしたため読み込みません。続きも本文なら、その行を消してから読み込んでください"]
    );
    // Seed 001's own page ends (its title again, then the site's footer)
    // with no heading after it: no warning.
    let seed = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("data/001_osaka_asahi_unei_hoshin_h29.txt"),
    )
    .expect("seed 001");
    let p = parse_bytes("001.txt", &seed).unwrap_or_else(|e| panic!("{e}"));
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);
}
