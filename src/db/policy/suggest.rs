//! Suggested links between agenda items and policy nodes: an item and a node
//! whose titles share a topic, i.e. a run of two or more kanji or katakana
//! (digits may join it: 50周年) that is not a generic word of administrative
//! prose (推進, 検討, 年度 …), not part of the plan's own title or
//! organisation (旭区 in 旭区運営方針 says nothing), and not spread over many
//! nodes of the plan. Nothing is linked until the user accepts.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use unicode_normalization::UnicodeNormalization;

use crate::db::export::parse_date;
use crate::db::{Result, Store};

/// An agenda item and a node that look related, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Suggestion {
    pub item_id: i64,
    pub meeting_id: i64,
    pub date: NaiveDate,
    pub meeting_number: u32,
    pub item_number: u32,
    pub item_title: String,
    pub node_id: i64,
    pub plan_title: String,
    pub level: String,
    pub code: String,
    pub node_title: String,
    /// The shared topics, longest first.
    pub topics: Vec<String>,
}

/// Words too general to say two titles are about the same thing.
const GENERIC: &[&str] = &[
    "平成",
    "令和",
    "年度",
    "推進",
    "検討",
    "状況",
    "向上",
    "充実",
    "強化",
    "取組",
    "実施",
    "事業",
    "構築",
    "見直",
    "進捗",
    "関係",
    "支援",
    "活用",
    "確立",
    "促進",
    "整備",
    "体制",
    "運営",
    "対応",
    "今後",
    "向け",
    "方針",
    "計画",
    "課題",
    "全体",
    "各種",
    "制度",
    "役所",
    "区役所",
    "業務",
    "問題",
];

/// A node's topic may appear in at most this many of the plan's node titles.
const MAX_NODES_WITH_TOPIC: usize = 3;

fn is_kanji(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '々' | '〆' | 'ヶ')
}

fn is_katakana(c: char) -> bool {
    matches!(c, '\u{30A1}'..='\u{30FA}' | 'ー')
}

/// Dates say when, not what: era names and 29年度, 4月, 30年 are cut out
/// (50周年 stays).
fn blank_dates(text: &str) -> Vec<char> {
    let mut chars: Vec<char> = text.nfkc().collect();
    for era in ["明治", "大正", "昭和", "平成", "令和"] {
        let e: Vec<char> = era.chars().collect();
        let mut i = 0;
        while i + e.len() <= chars.len() {
            if chars[i..i + e.len()] == e[..] {
                chars[i..i + e.len()].fill(' ');
            }
            i += 1;
        }
    }
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() || chars[i] == '元' {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '元') {
                i += 1;
            }
            let unit = ["年度", "年", "月", "日"].iter().find_map(|u| {
                let u: Vec<char> = u.chars().collect();
                (chars.get(i..i + u.len()) == Some(&u[..])).then_some(u.len())
            });
            if let Some(len) = unit {
                chars[start..i + len].fill(' ');
                i += len;
            }
        } else {
            i += 1;
        }
    }
    chars
}

/// The runs of kanji, katakana and digits in `text` (NFKC, so full-width
/// digits count; dates cut out), without runs that are digits only.
pub fn runs(text: &str) -> Vec<Vec<char>> {
    let mut out = Vec::new();
    let mut cur: Vec<char> = Vec::new();
    for c in blank_dates(text) {
        if is_kanji(c) || is_katakana(c) || c.is_ascii_digit() {
            cur.push(c);
        } else if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out.retain(|r| r.iter().any(|c| !c.is_ascii_digit()));
    out
}

/// Every substring of two or more non-digit characters of the runs that
/// does not cut a katakana word (ビジ of ビジョン is no topic).
fn grams(runs: &[Vec<char>]) -> HashSet<String> {
    let mut out = HashSet::new();
    for r in runs {
        for i in 0..r.len() {
            if i > 0 && is_katakana(r[i]) && is_katakana(r[i - 1]) {
                continue;
            }
            for j in i + 2..=r.len().min(i + 12) {
                if j < r.len() && is_katakana(r[j]) && is_katakana(r[j - 1]) {
                    continue;
                }
                let g = &r[i..j];
                if g.iter().filter(|c| !c.is_ascii_digit()).count() >= 2 {
                    out.insert(g.iter().collect());
                }
            }
        }
    }
    out
}

/// The maximal shared topics of two titles (longest first), given words to
/// ignore.
pub fn shared_topics(a: &str, b: &str, ignore: &HashSet<String>) -> Vec<String> {
    let ga = grams(&runs(a));
    let gb = grams(&runs(b));
    let mut shared: Vec<String> = ga
        .intersection(&gb)
        .filter(|g| !GENERIC.contains(&g.as_str()) && !ignore.contains(*g))
        .cloned()
        .collect();
    shared.sort_by(|x, y| y.chars().count().cmp(&x.chars().count()).then(x.cmp(y)));
    let mut out: Vec<String> = Vec::new();
    for g in shared {
        // Parts of a longer shared topic are the same topic (0周年 in 50周年).
        if !out.iter().any(|o| o.contains(&g)) {
            out.push(g);
        }
    }
    out
}

struct ItemRow {
    id: i64,
    meeting_id: i64,
    date: String,
    meeting_number: u32,
    number: u32,
    title: String,
}

struct NodeRow {
    id: i64,
    plan_id: i64,
    plan_title: String,
    level: String,
    code: String,
    title: String,
}

impl Store {
    /// Links worth suggesting (not yet made), by meeting date and item.
    pub fn link_suggestions(&self) -> Result<Vec<Suggestion>> {
        let conn = self.conn();
        let items = all_items(conn)?;
        let (nodes, plan_words) = nodes_and_ignored_words(conn)?;
        let mut linked = HashSet::new();
        let mut stmt = conn.prepare("SELECT item_id, node_id FROM item_links")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            linked.insert((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?));
        }
        let empty = HashSet::new();
        let mut out = Vec::new();
        for item in &items {
            for n in &nodes {
                if linked.contains(&(item.id, n.id)) {
                    continue;
                }
                let ignore = plan_words.get(&n.plan_id).unwrap_or(&empty);
                let topics = shared_topics(&item.title, &n.title, ignore);
                if topics.is_empty() {
                    continue;
                }
                out.push(Suggestion {
                    item_id: item.id,
                    meeting_id: item.meeting_id,
                    date: parse_date(&item.date)?,
                    meeting_number: item.meeting_number,
                    item_number: item.number,
                    item_title: item.title.clone(),
                    node_id: n.id,
                    plan_title: n.plan_title.clone(),
                    level: n.level.clone(),
                    code: n.code.clone(),
                    node_title: n.title.clone(),
                    topics,
                });
            }
        }
        Ok(out)
    }
}

/// Every agenda item, by meeting date and item number.
fn all_items(conn: &rusqlite::Connection) -> Result<Vec<ItemRow>> {
    let mut stmt = conn.prepare(
        "SELECT i.id, m.id, m.date, m.number, i.number, i.title FROM agenda_items i
         JOIN meetings m ON m.id = i.meeting_id ORDER BY m.date, m.start_time, i.number",
    )?;
    let items = stmt
        .query_map([], |r| {
            Ok(ItemRow {
                id: r.get(0)?,
                meeting_id: r.get(1)?,
                date: r.get(2)?,
                meeting_number: r.get(3)?,
                number: r.get(4)?,
                title: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(items)
}

/// Words that name no topic, by plan id.
type IgnoredWords = HashMap<i64, HashSet<String>>;

/// Every plan node; and for each plan, the words that name no topic in it
/// (its organisation and kind, and words spread over many of its nodes).
fn nodes_and_ignored_words(conn: &rusqlite::Connection) -> Result<(Vec<NodeRow>, IgnoredWords)> {
    let mut stmt = conn.prepare(
        "SELECT n.id, p.id, p.title, p.organisation || ' ' || p.kind, n.level, n.code, n.title FROM plan_nodes n
         JOIN plans p ON p.id = n.plan_id ORDER BY p.id, n.position, n.id",
    )?;
    let mut plan_words: IgnoredWords = HashMap::new();
    let mut nodes = Vec::new();
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let plan_id: i64 = r.get(1)?;
        let plan_title: String = r.get(2)?;
        // The organisation and the plan's kind name no topic (旭区, 運営方針).
        let organisation_and_kind: String = r.get(3)?;
        plan_words
            .entry(plan_id)
            .or_insert_with(|| grams(&runs(&organisation_and_kind)));
        nodes.push(NodeRow {
            id: r.get(0)?,
            plan_id,
            plan_title,
            level: r.get(4)?,
            code: r.get(5)?,
            title: r.get(6)?,
        });
    }
    // Topics spread over many nodes of a plan are ignored for that plan.
    let mut spread: HashMap<(i64, String), usize> = HashMap::new();
    for n in &nodes {
        for g in grams(&runs(&n.title)) {
            *spread.entry((n.plan_id, g)).or_default() += 1;
        }
    }
    for ((plan, g), count) in &spread {
        if *count > MAX_NODES_WITH_TOPIC {
            plan_words.entry(*plan).or_default().insert(g.clone());
        }
    }
    Ok((nodes, plan_words))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn topics(a: &str, b: &str) -> Vec<String> {
        shared_topics(a, b, &HashSet::new())
    }

    #[test]
    fn shared_runs_of_kanji_and_katakana() {
        assert_eq!(
            topics("旭区大規模団地ビジョンについて", "大規模団地の再生"),
            vec!["大規模団地"]
        );
        assert_eq!(
            topics("旭区制50周年に向けた検討について", "区制５０周年記念事業"),
            vec!["区制50周年"]
        );
        assert_eq!(
            topics("区運営方針について", "区運営の基本的な考え方(区長の方針)"),
            vec!["区運営"]
        );
    }

    #[test]
    fn generic_words_and_hiragana_are_not_topics() {
        assert!(topics("改革推進委員会の発足について", "まちづくりの推進").is_empty());
        assert!(topics("超過勤務の状況について", "進捗状況について").is_empty());
        assert!(topics("について", "について").is_empty());
    }

    #[test]
    fn dates_are_no_topics() {
        assert!(topics("平成29年度4月の超過勤務", "平成29・30年度の方向性").is_empty());
        assert!(topics("平成30年度予算編成", "令和元年度30年度").is_empty());
        assert_eq!(
            topics("2025年問題を見据えた団地再生", "大規模団地再生モデル"),
            vec!["団地再生"]
        );
    }

    #[test]
    fn katakana_words_are_not_cut() {
        assert!(topics("旭区大規模団地ビジョンについて", "シティプロモーション推進").is_empty());
        assert!(topics("ビジョン", "コミュニティビジネス").is_empty());
        assert_eq!(topics("団地ビジョン", "新しいビジョン"), vec!["ビジョン"]);
    }

    #[test]
    fn words_of_the_organisation_are_ignored() {
        let ignore: HashSet<String> = grams(&runs("旭区")).into_iter().collect();
        assert!(shared_topics("旭区大規模団地", "旭区魅力発信", &ignore).is_empty());
    }
}
