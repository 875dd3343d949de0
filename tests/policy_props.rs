//! Property tests for policy pages: a random plan written out with a random
//! mix of the variant features of issue 18 (heading shapes, numbering,
//! budget forms, list styles, year forms) reads back as the same plan, and
//! every line of the page is in the report. (The `publish` export writes
//! minutes only, so the policy round trip is page → plan → page here.)

use kusei::import::budget::parse_amount;
use kusei::import::parse_bytes;
use kusei::model::Plan;
use proptest::prelude::*;

const TITLES: &[&str] = &[
    "安全なまちづくり",
    "子育ての支援",
    "地域のつながり",
    "防災力の向上",
    "にぎわいの創出",
    "健康づくりの推進",
    "区民サービスの向上",
];
const ORGS: &[&str] = &["緑区", "青葉区", "東の区"];

#[derive(Debug, Clone)]
struct Initiative {
    title: usize,
    budget: Option<i64>,
    budget_form: u8,
}

#[derive(Debug, Clone)]
struct Strat {
    title: usize,
    initiatives: Vec<Initiative>,
}

#[derive(Debug, Clone)]
struct Issue {
    title: usize,
    strategies: Vec<Strat>,
}

#[derive(Debug, Clone)]
struct Page {
    fy: i32,
    western: bool,
    org: usize,
    goals: Vec<usize>,
    goal_style: u8,
    issues: Vec<Issue>,
    /// A heading style per node, taken in turn.
    styles: Vec<u8>,
    /// Lines that are not levels, after each node's body, taken in turn.
    noise: Vec<u8>,
    /// The title copied from a PDF (運営⽅針 with U+2F45).
    radical: bool,
}

fn initiative() -> impl Strategy<Value = Initiative> {
    (0..TITLES.len(), prop::option::of(0i64..5_000_000), 0u8..5).prop_map(
        |(title, budget, budget_form)| Initiative {
            title,
            budget,
            budget_form,
        },
    )
}

fn page() -> impl Strategy<Value = Page> {
    let strategy = (0..TITLES.len(), prop::collection::vec(initiative(), 0..3))
        .prop_map(|(title, initiatives)| Strat { title, initiatives });
    let issue = (0..TITLES.len(), prop::collection::vec(strategy, 0..3))
        .prop_map(|(title, strategies)| Issue { title, strategies });
    (
        2005i32..2030,
        any::<bool>(),
        0..ORGS.len(),
        prop::collection::vec(0..TITLES.len(), 0..3),
        0u8..3,
        prop::collection::vec(issue, 1..4),
        prop::collection::vec(0u8..6, 40),
        (prop::collection::vec(0u8..6, 40), any::<bool>()),
    )
        .prop_map(
            |(fy, western, org, goals, goal_style, issues, styles, (noise, radical))| Page {
                fy,
                western,
                org,
                goals,
                goal_style,
                issues,
                styles,
                noise,
                radical,
            },
        )
}

fn era(fy: i32) -> String {
    if fy >= 2019 {
        format!("令和{}年度", fy - 2018)
    } else {
        format!("平成{}年度", fy - 1988)
    }
}

fn grouped(n: i64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A heading of `level` with `code` and `title` in style `style`.
fn heading(level: &str, code: &str, title: &str, style: u8) -> String {
    match style {
        0 => format!("【{level}{code} {title}】"),
        1 => format!("【{level}{code}】{title}"),
        2 => format!("【{level}{code}】「{title}」"),
        3 => format!("{level}{code} {title}"),
        4 => format!("【{level} {code}】 {title}"),
        _ => format!("【{code} {title}】"),
    }
}

fn write_page(p: &Page) -> (String, String) {
    let org = ORGS[p.org];
    let mut out = Vec::new();
    let mut want = String::new();
    let hoshin = if p.radical {
        "運営\u{2F45}針"
    } else {
        "運営方針"
    };
    out.push("ページの先頭です".into());
    if p.western {
        out.push(format!("{}年度({}){org}{hoshin}", p.fy, era(p.fy)));
    } else {
        out.push(format!("{} {org}{hoshin}", era(p.fy)));
    }
    out.push("ページ番号:123456".into());
    if !p.goals.is_empty() {
        out.push("【区の目標(何をめざすのか)】".into());
        for (i, g) in p.goals.iter().enumerate() {
            let t = TITLES[*g];
            out.push(match p.goal_style {
                0 => format!("・ {t}"),
                1 => format!("- {t}"),
                _ => format!("{}. {t}", i + 1),
            });
            want.push_str(&format!("目標 {t}\n"));
        }
    }
    let mut styles = p.styles.iter().cycle();
    let mut next = || *styles.next().unwrap_or(&0);
    let mut noise = p.noise.iter().cycle();
    let mut noise = move |out: &mut Vec<String>| {
        // Sub-headings, notes and chrome: never a level of the tree.
        match noise.next().copied().unwrap_or(0) {
            1 => out.extend(["【課題認識】".into(), "担い手が足りない。".to_string()]),
            2 => out.push("※ 数値は見込みです。".into()),
            3 => out.push("9\u{2F49}29\u{2F47}更新".into()),
            4 => out.push("関連するSDGs 11住み続けられるまちづくりを".into()),
            _ => {}
        }
    };
    for (i, issue) in p.issues.iter().enumerate() {
        let code = format!("{}", i + 1);
        let t = TITLES[issue.title];
        out.push(heading("経営課題", &code, t, next()));
        out.push("まちの課題に取り組む。".into());
        noise(&mut out);
        want.push_str(&format!("経営課題{code} {t}\n"));
        for (j, s) in issue.strategies.iter().enumerate() {
            let code = format!("{}-{}", i + 1, j + 1);
            let t = TITLES[s.title];
            out.push(heading("戦略", &code, t, next()));
            out.push("・ 戦略の説明。".into());
            noise(&mut out);
            want.push_str(&format!("  戦略{code} {t}\n"));
            for (k, ini) in s.initiatives.iter().enumerate() {
                let code = format!("{}-{}-{}", i + 1, j + 1, k + 1);
                write_initiative(&mut out, &mut want, &code, ini, next(), p.fy);
            }
        }
    }
    (out.join("\n") + "\n", want)
}

fn write_initiative(
    out: &mut Vec<String>,
    want: &mut String,
    code: &str,
    ini: &Initiative,
    style: u8,
    fy: i32,
) {
    let t = TITLES[ini.title];
    let amount = ini
        .budget
        .map_or_else(|| "-円".to_string(), |k| format!("{}千円", grouped(k)));
    let h = heading("具体的取組", code, t, style);
    match ini.budget_form {
        0 => {
            out.push(h);
            out.push("取組を進める。".into());
            out.push(format!("({}予算額:{amount})", era(fy)));
        }
        1 if style != 0 && style != 5 => {
            out.push(format!("{h} [予算額 {amount}]"));
            out.push("取組を進める。".into());
        }
        2 if style == 3 => {
            out.push(format!("{h}({}年度予算額)", fy % 100));
            out.push(format!("取組を進める。({amount})"));
        }
        _ => {
            out.push(h);
            out.push("取組を進める。".into());
            out.push(format!("予算額 {amount}"));
        }
    }
    let b = ini
        .budget
        .map_or_else(|| " ¥-".to_string(), |k| format!(" ¥{k}"));
    want.push_str(&format!("    具体的取組{code} {t}{b}\n"));
}

fn outline(plan: &Plan) -> String {
    let mut out = String::new();
    for (depth, n) in plan.walk() {
        out.push_str(&"  ".repeat(depth));
        out.push_str(&format!("{}{} {}", n.level, n.code, n.title));
        match n.budget_kyen {
            Some(k) => out.push_str(&format!(" ¥{k}")),
            None if n.level == "具体的取組" => out.push_str(" ¥-"),
            None => {}
        }
        out.push('\n');
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_mix_of_variants_reads_back(p in page()) {
        let (text, want) = write_page(&p);
        let parsed = parse_bytes("p.txt", text.as_bytes())
            .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        let plan = &parsed.dataset.plans[0];
        prop_assert_eq!(plan.fiscal_year, Some(p.fy));
        prop_assert_eq!(plan.organisation.as_str(), ORGS[p.org]);
        prop_assert_eq!(outline(plan), want, "{}", text);
        for (i, line) in text.lines().enumerate() {
            let mark = format!("  {}行目 ", i + 1);
            prop_assert!(parsed.report.iter().any(|r| r.starts_with(&mark)), "{}", line);
        }
    }

    #[test]
    fn amounts_in_any_form(kyen in 0i64..10_000_000_000) {
        prop_assert_eq!(parse_amount(&format!("{}千円", grouped(kyen))), Ok(Some(kyen)));
        prop_assert_eq!(parse_amount(&format!("{kyen}千円")), Ok(Some(kyen)));
        // 万円 and 億円 forms when the amount is a whole number of 万円.
        let man = kyen / 10 * 10;
        let (oku, rest) = (man / 100_000, man % 100_000 / 10);
        let text = match (oku, rest) {
            (0, 0) => "0円".to_string(),
            (0, r) => format!("{}万円", grouped(r)),
            (o, 0) => format!("{o}億円"),
            (o, r) => format!("{o}億{}万円", grouped(r)),
        };
        prop_assert_eq!(parse_amount(&text), Ok(Some(man)), "{}", text);
    }
}
