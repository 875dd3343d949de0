//! "Related": agenda items of other meetings on the same topic.
//!
//! A title's topics are its runs of content characters (kanji, katakana,
//! letters, digits) with dates taken out (`平成29年度`, `4月`), at least
//! [`MIN_TOPIC`] characters long: `旭区制50周年に向けた検討について` gives
//! `旭区制50周年`, `検討` (too short). Every other agenda title in the index
//! that shares a stretch of [`MIN_TOPIC`] or more characters with a topic is
//! related, ranked by the length of what they share, then by recency. The
//! comparison is on the folded keys, so `グループ` and `ｸﾞﾙｰﾌﾟ` are one topic.

use chrono::NaiveDate;
use memchr::memmem::Finder;
use rusqlite::{Connection, OptionalExtension};

use super::fold::{fold_mapped, Folded};
use super::index::{DocKind, Index};
use super::SearchError;

/// The shortest shared stretch that makes a topic.
pub const MIN_TOPIC: usize = 4;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelatedItem {
    pub item_id: i64,
    pub meeting_id: i64,
    pub date: Option<NaiveDate>,
    pub fiscal_year: i32,
    pub meeting_no: u32,
    pub item_no: u32,
    pub title: String,
    /// What the two titles share, as written in this one.
    pub topic: String,
}

/// One agenda item of the meeting and the items related to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelatedGroup {
    pub item_id: i64,
    pub item_no: u32,
    pub title: String,
    pub related: Vec<RelatedItem>,
}

/// For each agenda item of `meeting_id` that has any, the related items of
/// other meetings (at most `per_item` each).
pub fn related_for_meeting(
    index: &Index,
    conn: &Connection,
    meeting_id: i64,
    per_item: usize,
) -> Result<Vec<RelatedGroup>, SearchError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, number, title FROM agenda_items WHERE meeting_id = ?1 ORDER BY number",
    )?;
    let items: Vec<(i64, u32, String)> = stmt
        .query_map([meeting_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    let mut groups = Vec::new();
    for (item_id, item_no, title) in items {
        let found = related_to_title(index, &title, meeting_id, per_item);
        let mut related = Vec::new();
        for (doc, topic) in found {
            if let Some(r) = related_item(conn, index.doc(doc).id, &topic)? {
                related.push(r);
            }
        }
        if !related.is_empty() {
            groups.push(RelatedGroup {
                item_id,
                item_no,
                title,
                related,
            });
        }
    }
    Ok(groups)
}

/// Index entries (agenda titles of other meetings than `meeting_id`) that
/// share a topic with `title`, best first, with the folded shared text.
pub fn related_to_title(
    index: &Index,
    title: &str,
    meeting_id: i64,
    limit: usize,
) -> Vec<(u32, String)> {
    let runs = topic_runs(title);
    let runs: Vec<Vec<char>> = runs.iter().map(|r| r.chars().collect()).collect();
    let mut grams: Vec<String> = runs
        .iter()
        .flat_map(|r| r.windows(MIN_TOPIC).map(|w| w.iter().collect::<String>()))
        .collect();
    grams.sort();
    grams.dedup();
    if grams.is_empty() {
        return Vec::new();
    }
    let codec = index.codec();
    let finders: Vec<Finder> = grams
        .iter()
        .map(|g| Finder::new(&codec.encode(g)).into_owned())
        .collect();
    // Each stretch is looked for once across the whole arena (a separator
    // ends every entry, so a hit never spans two), not once per title.
    let mut hits: Vec<u32> = Vec::new();
    for f in &finders {
        for p in f.find_iter(&index.arena) {
            let d = index.starts.partition_point(|&s| s as usize <= p) - 1;
            hits.push(d as u32);
        }
    }
    hits.sort_unstable();
    hits.dedup();
    let mut found: Vec<(usize, i32, u32, String)> = Vec::new();
    for d in hits {
        let doc = index.doc(d);
        if doc.parent == meeting_id || doc.kind != DocKind::ItemTitle {
            continue;
        }
        let hay: Vec<char> = index.key(d).chars().collect();
        let best = runs
            .iter()
            .map(|r| longest_common(r, &hay))
            .max_by_key(|s| s.chars().count())
            .unwrap_or_default();
        let n = best.chars().count();
        if n >= MIN_TOPIC {
            found.push((n, doc.day, d, best));
        }
    }
    found.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
    found.truncate(limit);
    found.into_iter().map(|(_, _, d, t)| (d, t)).collect()
}

fn related_item(
    conn: &Connection,
    item_id: i64,
    topic: &str,
) -> Result<Option<RelatedItem>, SearchError> {
    let mut stmt = conn.prepare_cached(
        "SELECT i.number, i.title, m.id, m.number, m.date, m.fiscal_year
         FROM agenda_items i JOIN meetings m ON m.id = i.meeting_id WHERE i.id = ?1",
    )?;
    let row = stmt
        .query_row([item_id], |r| {
            let title: String = r.get(1)?;
            let date: String = r.get(4)?;
            Ok(RelatedItem {
                item_id,
                item_no: r.get(0)?,
                topic: original_of(&fold_mapped(&title), &title, topic),
                title,
                meeting_id: r.get(2)?,
                meeting_no: r.get(3)?,
                date: NaiveDate::parse_from_str(&date, "%Y-%m-%d").ok(),
                fiscal_year: r.get(5)?,
            })
        })
        .optional()?;
    Ok(row)
}

/// The original text behind the first occurrence of `folded_part`.
fn original_of(f: &Folded, original: &str, folded_part: &str) -> String {
    let Some(p) = f.key.find(folded_part) else {
        return folded_part.to_string();
    };
    let first = f.char_index(p);
    let last = first + folded_part.chars().count() - 1;
    match (f.spans.get(first), f.spans.get(last)) {
        (Some(a), Some(b)) => original[a.start..b.end].to_string(),
        _ => folded_part.to_string(),
    }
}

/// The longest stretch of `a` that also occurs in `b`.
fn longest_common(a: &[char], b: &[char]) -> String {
    let mut prev = vec![0usize; b.len() + 1];
    let mut cur = vec![0usize; b.len() + 1];
    let (mut best, mut end) = (0, 0);
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            cur[j] = if a[i - 1] == b[j - 1] {
                prev[j - 1] + 1
            } else {
                0
            };
            if cur[j] > best {
                best = cur[j];
                end = i;
            }
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    a[end - best..end].iter().collect()
}

/// The topics of a title: folded runs of content characters, dates removed,
/// at least [`MIN_TOPIC`] characters.
pub fn topic_runs(title: &str) -> Vec<String> {
    let f = fold_mapped(title);
    let mut runs: Vec<Vec<char>> = vec![Vec::new()];
    for (k, c) in f.key.chars().enumerate() {
        let orig = f
            .spans
            .get(k)
            .and_then(|s| title[s.clone()].chars().next())
            .unwrap_or(c);
        let last = runs.len() - 1;
        if is_content(orig) {
            runs[last].push(c);
        } else if !runs[last].is_empty() {
            runs.push(Vec::new());
        }
    }
    runs.into_iter()
        .flat_map(|r| without_dates(&r))
        .filter(|r| r.chars().count() >= MIN_TOPIC)
        .collect()
}

fn is_content(c: char) -> bool {
    c.is_alphanumeric() && !matches!(c, '\u{3041}'..='\u{309F}') || matches!(c, 'ー' | 'ｰ' | '々')
}

const ERAS: [&str; 5] = ["令和", "平成", "昭和", "大正", "明治"];

/// Split a run where a date is written: `平成29年度`, `2025年`, `4月`.
fn without_dates(run: &[char]) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut i = 0;
    let starts_with = |i: usize, s: &str| {
        let n = s.chars().count();
        run.len() >= i + n && run[i..i + n].iter().copied().eq(s.chars())
    };
    while i < run.len() {
        let era = ERAS.iter().find(|e| starts_with(i, e));
        let mut j = i + era.map_or(0, |e| e.chars().count());
        let digits_from = j;
        while j < run.len() && (run[j].is_ascii_digit() || run[j] == '元') {
            j += 1;
        }
        let has_digits = j > digits_from;
        let suffix = ["年度", "年", "月", "日"]
            .into_iter()
            .find(|s| has_digits && starts_with(j, s));
        if era.is_some() && has_digits || suffix.is_some() {
            j += suffix.map_or(0, |s| s.chars().count());
            out.push(String::new());
            i = j;
            continue;
        }
        if let Some(last) = out.last_mut() {
            last.push(run[i]);
        }
        i += 1;
    }
    out.retain(|s| !s.is_empty());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topics_of_seed_titles() {
        assert_eq!(
            topic_runs("旭区制50周年に向けた検討について"),
            vec!["旭区制50周年"]
        );
        assert_eq!(
            topic_runs("平成29年度4月の超過勤務の状況について"),
            vec!["超過勤務"]
        );
        assert_eq!(
            topic_runs("平成30年度予算編成に向けた「区提案反映制度」について"),
            vec!["予算編成", "区提案反映制度"]
        );
        assert_eq!(
            topic_runs("2025年問題を見据えた大規模団地再生モデル構築事業の進捗状況について"),
            vec!["大規模団地再生もでる構築事業", "進捗状況"]
        );
        assert_eq!(
            topic_runs("旭区大規模団地ビジョンについて"),
            vec!["旭区大規模団地びじょん"]
        );
    }

    #[test]
    fn longest_shared_stretch() {
        let a: Vec<char> = "大規模団地再生".chars().collect();
        let b: Vec<char> = "旭区大規模団地びじょん".chars().collect();
        assert_eq!(longest_common(&a, &b), "大規模団地");
    }
}
