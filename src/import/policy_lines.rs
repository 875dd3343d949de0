//! Line shapes of a policy page that are not headings: the title line,
//! page chrome, the page's own part headings, list entries.

use super::lines::{after_chars, bullet_text, leading_number, norm, plan_year_prefix, Line};
use super::policy_heading::{classify, Kind};
use crate::model::Node;

/// "平成29年度 旭区運営方針" → (2017, "旭区"). The whole line must be the
/// title ("(案)", "(素案)", "(…更新)" may follow), not a sentence about it.
pub fn title_parts(text: &str) -> Option<(i32, String)> {
    let (fy, rest) = plan_year_prefix(text)?;
    let (org, tail) = rest.split_once("運営方針")?;
    let tail_ok = tail.is_empty()
        || (tail.starts_with('(') && tail.ends_with(')') && tail.chars().count() <= 20);
    (tail_ok && org.chars().count() <= 20 && !org.contains(['。', '、']))
        .then(|| (fy, org.trim().to_string()))
}

/// Lines of the city site around the content, wherever they appear.
pub fn is_chrome(normed: &str) -> bool {
    const WHOLE: &[&str] = &[
        "ページの先頭です",
        "メニューの終端です。",
        "メニューの終端です",
        "ここから本文です。",
        "本文ここから",
        "本文ここまで",
        "印刷用ページを表示する",
    ];
    const STARTS: &[&str] = &[
        "ページ番号",
        "更新日",
        "最終更新日",
        "現在のページ",
        "掲載日",
    ];
    WHOLE.contains(&normed) || STARTS.iter().any(|s| normed.starts_with(s)) || is_date_line(normed)
}

/// "2018年6月7日", "9月29日更新": a publication date, nothing else.
pub fn is_date_line(normed: &str) -> bool {
    let mut rest = normed.trim();
    for unit in ['年', '月', '日'] {
        match leading_number(rest) {
            Some((_, n)) if rest[n..].starts_with(unit) => rest = &rest[n + unit.len_utf8()..],
            _ if unit == '年' => continue,
            _ => return false,
        }
    }
    let rest = rest.trim().trim_start_matches('(').trim_end_matches(')');
    ["", "更新", "現在", "時点", "公開", "掲載", "作成"].contains(&rest)
}

/// "1 重点的に取り組む主な経営課題", "2 「市政改革プラン2.0」に基づく取組等":
/// the page's own part headings.
pub fn is_section_line(normed: &str) -> bool {
    leading_number(normed).is_some_and(|(_, n)| {
        n <= 2
            && normed[n..].starts_with(' ')
            && ["経営課題", "取組", "市政改革", "方針", "目標", "使命"]
                .iter()
                .any(|w| normed.contains(w))
    })
}

/// An entry of a list: a bullet, "1. …", "(1) …", "①…" or "《…》". The
/// entry's text (original characters).
pub fn list_entry<'t>(text: &'t str, normed: &str) -> Option<&'t str> {
    if let Some(t) = bullet_text(text) {
        return Some(t);
    }
    if normed.starts_with('《') || normed.starts_with('≪') {
        return Some(text);
    }
    let first = normed.chars().next()?;
    if ('\u{2460}'..='\u{2473}').contains(&first) {
        return Some(after_chars(text, 1)).filter(|t| !t.is_empty());
    }
    let skip = if let Some(rest) = normed.strip_prefix('(') {
        let (_, n) = leading_number(rest)?;
        rest[n..].starts_with(')').then_some(n + 2)?
    } else {
        let (_, n) = leading_number(normed)?;
        let sep = normed[n..].chars().next()?;
        ['.', ')', '、'].contains(&sep).then_some(n + 1)?
    };
    Some(after_chars(text, skip)).filter(|t| !t.is_empty())
}

/// Headings of the plan after the line taken as the end of the page (a
/// footer, or the title again): not read, but never without a word.
pub fn headings_after_the_end(file: &str, end: &Line, rest: &[Line]) -> Option<String> {
    let found: Vec<&Line> = rest
        .iter()
        .filter(|l| {
            classify(&norm(&l.text)).is_some_and(|h| match h.kind {
                Kind::Level(_) => !h.code.is_empty(),
                Kind::Goals | Kind::Missions | Kind::Policy => true,
                _ => false,
            })
        })
        .collect();
    let first = found.first()?;
    Some(format!(
        "{file}:{}: 「{}」ほか {} 件の見出しは、{}行目「{}」をページの終わりとみなしたため読み込みません。続きも本文なら、その行を消してから読み込んでください",
        first.no,
        first.text,
        found.len() - 1,
        end.no,
        end.text
    ))
}

/// "経営課題1 安全なまち": how the report names a node.
pub fn label(n: &Node) -> String {
    let head = format!("{}{}", n.level, n.code);
    if n.title.is_empty() {
        head
    } else {
        format!("{head} {}", n.title)
    }
}

pub fn node(level: &str, code: &str, title: &str) -> Node {
    Node {
        level: level.to_string(),
        code: code.to_string(),
        title: title.to_string(),
        ..Node::default()
    }
}
