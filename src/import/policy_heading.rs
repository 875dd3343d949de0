//! Recognising the headings of an operating-policy page (運営方針) in every
//! shape the wards publish them: with or without 【】 (or `<>`), the title
//! inside or after the bracket, with or without 「」, a space in the number,
//! keyword or bare code (`【1-1 防災対策】`), circled numbers, the newer
//! section names. Lines given here are already [`super::lines::norm`]ed.

use super::budget;
use super::lines::{leading_number, plan_year_prefix, trim};

/// What a heading opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// 区の目標: the lines below are its entries.
    Goals,
    /// 区の使命: likewise.
    Missions,
    /// 区運営の基本的な考え方(区長の方針): one node with a body.
    Policy,
    /// A level of the plan's tree.
    Level(&'static str),
    /// `①【防災・減災対策】`: a level decided by position.
    Circled,
    /// 主な戦略: the lines below are 戦略 without codes.
    StrategyList,
    /// 【取組項目】 / 【取組内容】 of the 市政改革プラン part.
    ItemTitle,
    ItemBody,
}

pub const ISSUE: &str = "経営課題";
pub const STRATEGY: &str = "戦略";
pub const INITIATIVE: &str = "具体的取組";

/// The level a code of this many parts names: 1 → 経営課題, 1-1 → 戦略 …
pub fn level_of_code(code: &str) -> &'static str {
    match code.matches('-').count() {
        0 => ISSUE,
        1 => STRATEGY,
        _ => INITIATIVE,
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub kind: Kind,
    pub code: String,
    pub title: String,
    /// `[予算額 263千円]` in the heading.
    pub budget: Option<Result<Option<i64>, String>>,
    /// `(2年度予算額)`: the amount ends the body.
    pub amount_later: bool,
    /// Text after a section name (`【区の目標】にぎわいのあるまち`,
    /// `区の目標:…`): the section's first line.
    pub rest: String,
}

impl Heading {
    fn new(kind: Kind, code: &str, title: &str) -> Heading {
        Heading {
            kind,
            code: code.to_string(),
            title: title.to_string(),
            budget: None,
            amount_later: false,
            rest: String::new(),
        }
    }
}

/// Keywords of the tree levels, longest first, and the level each names.
const LEVEL_WORDS: &[(&str, &str)] = &[
    ("具体的な取組み", INITIATIVE),
    ("具体的な取組", INITIATIVE),
    ("具体的取り組み", INITIATIVE),
    ("具体的取組み", INITIATIVE),
    ("具体的取組", INITIATIVE),
    ("主な戦略", STRATEGY),
    ("経営課題", ISSUE),
    ("戦略", STRATEGY),
];

/// Split a line into (bracket contents, text after the bracket, bracketed).
/// An unclosed 【 takes the rest of the line.
fn unbracket(s: &str) -> (&str, &str, bool) {
    for (open, close) in [('【', '】'), ('<', '>'), ('〈', '〉'), ('≪', '≫')] {
        if let Some(rest) = s.strip_prefix(open) {
            return match rest.find(close) {
                Some(i) => (trim(&rest[..i]), trim(&rest[i + close.len_utf8()..]), true),
                None if open == '【' => (trim(rest), "", true),
                None => (s, "", false),
            };
        }
    }
    (s, "", false)
}

/// "1-2-3" at the start: the code and the rest.
fn leading_code(s: &str) -> Option<(String, &str)> {
    let (_, n) = leading_number(s)?;
    let mut end = n;
    let b = s.as_bytes();
    while end < b.len() && b[end] == b'-' {
        match leading_number(&s[end + 1..]) {
            Some((_, m)) => end += 1 + m,
            None => break,
        }
    }
    Some((s[..end].to_string(), &s[end..]))
}

/// A title after a code or bracket: separators dropped, enclosing 「」 too.
fn clean_title(s: &str) -> String {
    let t = trim(s.trim_start_matches([':', '：', '.', '．', '、', ' ']));
    match t.strip_prefix('「').and_then(|r| r.strip_suffix('」')) {
        Some(inner) if !inner.contains(['「', '」']) => inner.to_string(),
        _ => t.to_string(),
    }
}

/// `目標`, `区の目標`, `目標(何をめざすのか)`, `区の目標(何をめざすのか` …
fn is_named(inner: &str, word: &str) -> bool {
    let rest = inner
        .strip_prefix("区の")
        .unwrap_or(inner)
        .strip_prefix(word);
    rest.is_some_and(|r| r.is_empty() || r.starts_with(['(', ':']))
}

/// The text after a section name: after its bracket, or after "区の目標:".
fn section_rest(plain: &str, after: &str) -> String {
    let own = plain
        .split_once(':')
        .filter(|(head, _)| !head.contains('('))
        .map_or("", |(_, r)| trim(r));
    let own = if own.is_empty() {
        // "目標(何をめざすのか):…"
        plain.split_once("):").map_or("", |(_, r)| trim(r))
    } else {
        own
    };
    [own, trim(after)]
        .iter()
        .filter(|t| !t.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ")
}

/// 区運営の基本的な考え方(区長の方針) and its variants.
fn is_policy(inner: &str, bracketed: bool) -> bool {
    let short = inner.chars().count() <= 40 && !inner.contains('。');
    let named = inner.contains("基本的な考え方") || inner.contains("区長の方針");
    let ends_like_heading =
        inner.ends_with(')') || inner.ends_with("考え方") || inner.ends_with("方針");
    short && named && (bracketed || ends_like_heading)
}

/// What the line heads, if it is a heading.
pub fn classify(normed: &str) -> Option<Heading> {
    let s = trim(normed);
    let (circled, s) = match s.chars().next() {
        Some(c @ '\u{2460}'..='\u{2473}') => (true, trim(&s[c.len_utf8()..])),
        _ => (false, s),
    };
    let (inner, after, bracketed) = unbracket(s);
    if circled {
        // `①【防災・減災対策】`; an unbracketed `①…` is a list entry.
        return bracketed
            .then(|| with_budget(Heading::new(Kind::Circled, "", &title_of(inner, after))));
    }
    // Section names may carry the year: "令和7年度 所属運営の…".
    let plain = plan_year_prefix(inner).map_or_else(|| inner.to_string(), |(_, r)| r);
    let listed = plain.trim_start_matches('(').trim_end_matches(')');
    let section = |kind: Kind, title: &str| {
        let mut h = Heading::new(kind, "", title);
        h.rest = section_rest(&plain, after);
        Some(h)
    };
    if is_named(&plain, "目標") {
        return section(Kind::Goals, "");
    }
    if is_named(&plain, "使命") {
        return section(Kind::Missions, "");
    }
    if is_policy(&plain, bracketed) {
        let mut h = Heading::new(Kind::Policy, "", &plain);
        h.rest = trim(after).to_string();
        return Some(h);
    }
    if listed == "主な戦略" || listed.starts_with("主な戦略(") {
        return section(Kind::StrategyList, "");
    }
    if bracketed && inner == "取組項目" {
        return section(Kind::ItemTitle, "");
    }
    if bracketed && inner == "取組内容" {
        return section(Kind::ItemBody, "");
    }
    if let Some(h) = level_heading(inner, after, bracketed) {
        return Some(with_budget(h));
    }
    None
}

fn title_of(inner_rest: &str, after: &str) -> String {
    let t = clean_title(inner_rest);
    if t.is_empty() {
        clean_title(after)
    } else if after.is_empty() {
        t
    } else {
        format!("{t} {}", clean_title(after))
    }
}

/// 【経営課題1 …】, 経営課題 1 …, 戦略1-1 …, 【1-1-1 …】, <1-1 …>.
fn level_heading(inner: &str, after: &str, bracketed: bool) -> Option<Heading> {
    let found = LEVEL_WORDS
        .iter()
        .find_map(|(w, level)| inner.strip_prefix(w).map(|r| (*level, trim(r))));
    let (level, rest) = match found {
        Some((level, rest)) => (Some(level), rest),
        None if bracketed => (None, inner),
        None => return None,
    };
    match leading_code(rest) {
        Some((code, tail)) => {
            let level = level.unwrap_or_else(|| level_of_code(&code));
            if !(bracketed || tail.is_empty() || tail.starts_with([' ', ':', '：'])) {
                return None;
            }
            let title = title_of(tail, after);
            if !bracketed && title.contains('。') {
                return None;
            }
            Some(Heading::new(Kind::Level(level), &code, &title))
        }
        // 【経営課題】安全なまちづくり: a level without a code.
        None if bracketed && level.is_some() && !rest.starts_with(['の', '(']) => {
            let level = level.unwrap_or(ISSUE);
            Some(Heading::new(Kind::Level(level), "", &title_of(rest, after)))
        }
        None => None,
    }
}

/// Budgets written in the heading itself.
fn with_budget(mut h: Heading) -> Heading {
    if let Some((title, b)) = budget::split_title_budget(&h.title) {
        h.title = clean_title(title);
        h.budget = Some(b);
    } else if let Some(title) = budget::strip_amount_later(&h.title) {
        h.title = clean_title(title);
        h.amount_later = true;
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    fn level(s: &str) -> Option<(Kind, String, String)> {
        classify(s).map(|h| (h.kind, h.code, h.title))
    }

    fn lv(l: &'static str, code: &str, title: &str) -> Option<(Kind, String, String)> {
        Some((Kind::Level(l), code.into(), title.into()))
    }

    #[test]
    fn levels_with_and_without_brackets() {
        let want = lv(ISSUE, "1", "地域の防災力の向上");
        assert_eq!(level("【経営課題1 地域の防災力の向上】"), want);
        assert_eq!(level("経営課題1 地域の防災力の向上"), want);
        assert_eq!(level("経営課題 1 地域の防災力の向上"), want);
        assert_eq!(level("【経営課題 1】地域の防災力の向上"), want);
        assert_eq!(level("【経営課題1】「地域の防災力の向上」"), want);
        assert_eq!(level("主な戦略1-1 災害"), lv(STRATEGY, "1-1", "災害"));
        assert_eq!(
            level("【戦略1-2】 区政運営"),
            lv(STRATEGY, "1-2", "区政運営")
        );
        assert_eq!(level("【1-1 防災対策】"), lv(STRATEGY, "1-1", "防災対策"));
        assert_eq!(level("<1-1 安全なまち>"), lv(STRATEGY, "1-1", "安全なまち"));
        assert_eq!(level("【1-1-1 防災力】"), lv(INITIATIVE, "1-1-1", "防災力"));
        assert_eq!(
            level("①【防災・減災対策】"),
            Some((Kind::Circled, String::new(), "防災・減災対策".into()))
        );
    }

    #[test]
    fn not_headings() {
        for s in [
            "経営課題の概要",
            "経営課題1に関連して、地域と連携する。",
            "戦略的に取り組む",
            "1 重点的に取り組む主な経営課題",
            "目標を達成するため、取り組む。",
            "①防災",
            "【課題認識】",
            "【アウトカム指標(防災)】",
        ] {
            assert_eq!(classify(s), None, "{s}");
        }
    }

    #[test]
    fn section_names() {
        for (s, k) in [
            ("【区の目標(何をめざすのか)】", Kind::Goals),
            ("区の目標(何をめざすのか)", Kind::Goals),
            ("【目標(何をめざすのか)】", Kind::Goals),
            ("【区の目標(何をめざすのか】", Kind::Goals),
            ("【使命(どのような役割を担うのか)】", Kind::Missions),
            (
                "【令和7年度 所属運営の基本的な考え方(区長の方針)】",
                Kind::Policy,
            ),
            ("令和2年度 区運営の基本的な考え方(区長の方針)", Kind::Policy),
            ("区の運営方針の基本的な考え方(区の方針)", Kind::Policy),
            (
                "区運営の基本的な考え方(何に重点的に取り組むのか)",
                Kind::Policy,
            ),
            ("主な戦略", Kind::StrategyList),
            ("(主な戦略)", Kind::StrategyList),
            ("【主な戦略】", Kind::StrategyList),
            ("主な戦略(課題解決の方策)", Kind::StrategyList),
        ] {
            assert_eq!(classify(s).map(|h| h.kind), Some(k), "{s}");
        }
    }

    #[test]
    fn budgets_in_headings() {
        let h = classify("【具体的取組1-2-2】 予算策定への住民参画 [予算額 263千円]").unwrap();
        assert_eq!(
            (h.title.as_str(), h.budget),
            ("予算策定への住民参画", Some(Ok(Some(263))))
        );
        let h = classify("具体的取組1-1-1 自助の取組の推進(2年度予算額)").unwrap();
        assert_eq!(
            (h.title.as_str(), h.amount_later),
            ("自助の取組の推進", true)
        );
    }
}
