//! The query language: words matched fuzzily (in order, gaps allowed), a
//! "quoted phrase" matched exactly, and filters:
//!
//! | filter | meaning |
//! |---|---|
//! | `fy:2017`, `fy:H29`, `fy:平成29年度` | fiscal year |
//! | `@区長` | speaker (job title; exact title if there is one, else part of it) |
//! | `kind:決定`, `kind:宿題`, `kind:意見`, `kind:議題`, `kind:方針` | what it is |
//! | `#5` | meeting number (第5回) |
//!
//! The query is folded like the text first, so `ｆｙ：Ｈ２９` and `＃５` work
//! as typed with an IME, and every word compares with the folded keys.

use super::fold::fold;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    pub terms: Vec<Term>,
    pub fiscal_year: Option<i32>,
    /// Folded job title.
    pub speaker: Option<String>,
    pub kind: Option<KindFilter>,
    pub meeting_no: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// Folded text.
    pub text: String,
    /// A quoted phrase: only an exact (folded) substring matches.
    pub exact: bool,
    /// The word's reading form when it differs (romaji to kana, kanji to
    /// readings, long vowels folded: see [`super::readings`]); looked for
    /// too. None for quoted phrases.
    pub reading: Option<String>,
    /// Surfaces this kana word is a reading of that the index keeps no
    /// reading for (生 for `なま`: see [`super::readings::surfaces_read_as`]);
    /// looked for in the text, as written.
    pub alts: Vec<String>,
}

impl Term {
    pub fn word(text: &str) -> Term {
        let reading = super::readings::query_reading(text);
        let kana = reading.as_deref().unwrap_or(text);
        let alts = if kana
            .chars()
            .all(|c| matches!(c, '\u{3041}'..='\u{3096}' | 'ー'))
        {
            super::readings::surfaces_read_as(kana)
                .iter()
                .map(|s| s.to_string())
                .collect()
        } else {
            Vec::new()
        };
        Term {
            text: text.to_string(),
            exact: false,
            reading,
            alts,
        }
    }

    pub fn phrase(text: &str) -> Term {
        Term {
            text: text.to_string(),
            exact: true,
            reading: None,
            alts: Vec::new(),
        }
    }

    /// The word as written, its reading form if it has one, and the
    /// surfaces it is another reading of.
    pub fn forms(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.text.as_str())
            .chain(self.reading.as_deref())
            .chain(self.alts.iter().map(String::as_str))
    }

    /// The forms a word's reading running on into the text is looked for
    /// with (`だんちの` in 団地の): the kana ones (two or more), when the
    /// word was typed without kanji (with kanji it is found as written).
    pub fn kana_forms(&self) -> impl Iterator<Item = &str> {
        let typed_kana = !self.exact && !self.text.chars().any(super::readings::is_kanji);
        std::iter::once(self.text.as_str())
            .chain(self.reading.as_deref())
            .filter(move |f| {
                typed_kana
                    && f.chars().nth(1).is_some()
                    && f.chars().all(super::readings::in_readings)
            })
    }

    /// Only the word as written: no reading form, no other surfaces.
    pub fn is_plain(&self) -> bool {
        self.reading.is_none() && self.alts.is_empty()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KindFilter {
    /// Opinions of every kind (意見, 決定, 宿題).
    Opinion,
    Decision,
    Action,
    /// Agenda titles and summaries.
    Item,
    /// Policy nodes.
    Policy,
    /// Progress entries (計画, 実績, 備考).
    Progress,
    /// 中間振り返り, 自己評価 and other notes on a node.
    Evaluation,
    Milestone,
    Indicator,
    /// Meeting places.
    Place,
    /// Who a 宿題 is for.
    Owner,
}

/// Every name `kind:` takes (for telling a name being typed from a wrong one).
const KIND_NAMES: &[&str] = &[
    "意見",
    "opinion",
    "いけん",
    "決定",
    "decision",
    "けってい",
    "宿題",
    "action",
    "しゅくだい",
    "議題",
    "item",
    "agenda",
    "ぎだい",
    "方針",
    "policy",
    "node",
    "ほうしん",
    "進捗",
    "progress",
    "しんちょく",
    "評価",
    "evaluation",
    "ひょうか",
    "工程",
    "milestone",
    "こうてい",
    "指標",
    "indicator",
    "しひょう",
    "場所",
    "place",
    "ばしょ",
    "担当",
    "owner",
    "たんとう",
];

impl KindFilter {
    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "意見" | "opinion" | "いけん" => KindFilter::Opinion,
            "決定" | "decision" | "けってい" => KindFilter::Decision,
            "宿題" | "action" | "しゅくだい" => KindFilter::Action,
            "議題" | "item" | "agenda" | "ぎだい" => KindFilter::Item,
            "方針" | "policy" | "node" | "ほうしん" => KindFilter::Policy,
            "進捗" | "progress" | "しんちょく" => KindFilter::Progress,
            "評価" | "evaluation" | "ひょうか" => KindFilter::Evaluation,
            "工程" | "milestone" | "こうてい" => KindFilter::Milestone,
            "指標" | "indicator" | "しひょう" => KindFilter::Indicator,
            "場所" | "place" | "ばしょ" => KindFilter::Place,
            "担当" | "owner" | "たんとう" => KindFilter::Owner,
            _ => return None,
        })
    }
}

impl Query {
    /// True when there is nothing to match (filters only, or nothing).
    pub fn is_blank(&self) -> bool {
        self.terms.is_empty()
    }

    pub fn has_filters(&self) -> bool {
        self.fiscal_year.is_some()
            || self.speaker.is_some()
            || self.kind.is_some()
            || self.meeting_no.is_some()
    }
}

/// A query the user has to fix; the message says how (Japanese).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct QueryError(pub String);

pub fn parse(input: &str) -> Result<Query, QueryError> {
    let folded = fold(input);
    let mut q = Query::default();
    let mut rest = folded.as_str();
    loop {
        rest = rest.trim_start();
        let Some(first) = rest.chars().next() else {
            break;
        };
        if first == '"' {
            let body = &rest[1..];
            let (phrase, after) = match body.find('"') {
                Some(end) => (&body[..end], &body[end + 1..]),
                // Still being typed: the phrase runs to the end.
                None => (body, ""),
            };
            if !phrase.trim().is_empty() {
                q.terms.push(Term::phrase(phrase));
            }
            rest = after;
            continue;
        }
        let end = rest.find([' ', '"']).unwrap_or(rest.len());
        word(&mut q, &rest[..end])?;
        rest = &rest[end..];
    }
    Ok(q)
}

fn word(q: &mut Query, w: &str) -> Result<(), QueryError> {
    if let Some(v) = w.strip_prefix("fy:").or_else(|| w.strip_prefix("年度:")) {
        if !v.is_empty() && !fiscal_year_being_typed(v) {
            q.fiscal_year = Some(crate::wareki::parse_fiscal_year(v).map_err(|_| {
                QueryError(format!(
                    "fy:{v} の年度が読めません（fy:2017、fy:H29、fy:平成29年度 のように）"
                ))
            })?);
        }
        return Ok(());
    }
    if let Some(v) = w.strip_prefix("kind:") {
        if !v.is_empty() && !KIND_NAMES.iter().any(|k| k.starts_with(v) && *k != v) {
            q.kind = Some(KindFilter::parse(v).ok_or_else(|| {
                QueryError(format!(
                    "kind:{v} は使えません（kind:意見、kind:決定、kind:宿題、kind:議題、kind:方針、kind:進捗、kind:評価、kind:工程、kind:指標、kind:場所、kind:担当）"
                ))
            })?);
        }
        return Ok(());
    }
    if let Some(v) = w.strip_prefix('@') {
        if !v.is_empty() {
            q.speaker = Some(v.to_string());
        }
        return Ok(());
    }
    if let Some(v) = w.strip_prefix('#') {
        if v.is_empty() {
            return Ok(());
        }
        if let Ok(n) = v.trim_start_matches('第').trim_end_matches('回').parse() {
            q.meeting_no = Some(n);
            return Ok(());
        }
    }
    q.terms.push(Term::word(w));
    Ok(())
}

/// `fy:2`, `fy:20`, `fy:h`, `fy:平成`: not yet a year, not yet an error.
fn fiscal_year_being_typed(v: &str) -> bool {
    let digits = v.chars().all(|c| c.is_ascii_digit());
    (digits && v.len() < 4)
        || v.chars().count() == 1 && v.chars().all(|c| "mtshr".contains(c))
        || [
            "明治", "大正", "昭和", "平成", "令和", "明", "大", "昭", "平", "令",
        ]
        .contains(&v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(text: &str, exact: bool) -> Term {
        if exact {
            Term::phrase(text)
        } else {
            Term::word(text)
        }
    }

    #[test]
    fn words_phrases_and_filters() {
        let q = parse(r#"団地 "大規模 団地" fy:H29 @区長 kind:決定 #5"#).expect("parse");
        assert_eq!(q.terms, vec![t("団地", false), t("大規模 団地", true)]);
        assert_eq!(q.fiscal_year, Some(2017));
        assert_eq!(q.speaker.as_deref(), Some("区長"));
        assert_eq!(q.kind, Some(KindFilter::Decision));
        assert_eq!(q.meeting_no, Some(5));
    }

    #[test]
    fn typed_with_an_ime() {
        let q = parse("ｆｙ：２０１７　＃３　グループ").expect("parse");
        assert_eq!(q.fiscal_year, Some(2017));
        assert_eq!(q.meeting_no, Some(3));
        assert_eq!(q.terms, vec![t("ぐるーぷ", false)]);
        assert_eq!(parse("fy:平成29年度").expect("fy").fiscal_year, Some(2017));
        assert_eq!(
            parse("kind:宿題").expect("kind").kind,
            Some(KindFilter::Action)
        );
    }

    #[test]
    fn half_typed_filters_are_not_errors() {
        for s in [
            "fy:",
            "fy:2",
            "fy:201",
            "fy:h",
            "fy:平成",
            "@",
            "#",
            "kind:",
            "kind:決",
            "kind:dec",
            "\"",
            "\"団地",
        ] {
            assert!(parse(s).is_ok(), "{s}");
        }
        assert_eq!(
            parse("\"団地").expect("open quote").terms,
            vec![t("団地", true)]
        );
    }

    #[test]
    fn bad_filters_say_what_to_write() {
        let e = parse("kind:会議").expect_err("bad kind");
        assert!(e.0.contains("kind:決定"), "{e}");
        let e = parse("fy:来年").expect_err("bad fy");
        assert!(e.0.contains("fy:H29"), "{e}");
    }

    #[test]
    fn a_hash_word_that_is_no_number_is_a_word() {
        assert_eq!(parse("#タグ").expect("word").terms, vec![t("#たぐ", false)]);
    }
}
