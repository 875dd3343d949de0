//! Proper scores for the few candidates the scan kept, and highlights for
//! the few rows on screen. This is where fuzzy-matcher runs: never over
//! every entry.
//!
//! Order: every word an exact substring before scattered matches; words
//! found in the text itself before words found only by reading; opinions
//! before agenda titles before the rest; then earlier and tighter matches
//! (for exact words: the earlier the better; for scattered ones: the skim
//! score, which rewards adjacent characters, less the start position); then
//! the newer meeting.

use std::ops::Range;

use fuzzy_matcher::skim::SkimMatcherV2;
use fuzzy_matcher::FuzzyMatcher;

use super::fold::{fold_mapped, merge_ranges, Folded};
use super::index::{Index, READING_MARK_CHAR, WORD_MARK_CHAR};
use super::query::{Query, Term};
use super::readings::Hay;
use super::scan::{Cancel, Scanned};

/// A ranked result: an index entry and its score.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub doc: u32,
    /// Every word matched as an exact substring.
    pub exact: bool,
    /// Every word matched in the text itself, not only in its readings.
    pub surface: bool,
    /// Higher is better (within the same `exact` and kind).
    pub score: i64,
}

/// Score the scan's candidates properly and keep the best `limit`.
pub fn rank(index: &Index, query: &Query, scanned: &Scanned, limit: usize) -> Vec<Hit> {
    rank_or_cancel(index, query, scanned, limit, Cancel::never()).unwrap_or_default()
}

/// [`rank`], stopped (None) when a newer query starts: scoring 400
/// candidates with long keys takes milliseconds that the next key's scan
/// would otherwise wait for.
pub fn rank_or_cancel(
    index: &Index,
    query: &Query,
    scanned: &Scanned,
    limit: usize,
    cancel: Cancel,
) -> Option<Vec<Hit>> {
    let matcher = SkimMatcherV2::default();
    let mut scored: Vec<(Hit, u8)> = Vec::with_capacity(scanned.top.len());
    for (i, c) in scanned.top.iter().enumerate() {
        if i % 16 == 0 && cancel.cancelled() {
            return None;
        }
        let doc = index.doc(c.doc);
        let exact = c.exact();
        let score = if query.is_blank() {
            0
        } else {
            quality(&matcher, &index.key(c.doc), query, exact)
                .unwrap_or(-((c.key >> 32) as i64 & 0x1FFF_FFFF))
        };
        let hit = Hit {
            doc: c.doc,
            exact,
            surface: c.surface(),
            score,
        };
        scored.push((hit, doc.kind.rank()));
    }
    scored.sort_by(|(a, ka), (b, kb)| {
        b.exact
            .cmp(&a.exact)
            .then(b.surface.cmp(&a.surface))
            .then(kb.cmp(ka))
            .then(b.score.cmp(&a.score))
            .then(a.doc.cmp(&b.doc))
    });
    scored.truncate(limit);
    Some(scored.into_iter().map(|(h, _)| h).collect())
}

fn quality(matcher: &SkimMatcherV2, key: &str, query: &Query, exact: bool) -> Option<i64> {
    let mut total = 0i64;
    for t in &query.terms {
        match t.forms().find_map(|f| key.find(f)) {
            Some(p) if exact => total -= key[..p].chars().count() as i64,
            Some(p) => total += 1000 - key[..p].chars().count() as i64,
            None => {
                let (score, first) = across_marks(matcher, key, t).or_else(|| {
                    let (score, idx) = t.forms().find_map(|f| matcher.fuzzy_indices(key, f))?;
                    Some((score, idx.first().copied().unwrap_or(0)))
                })?;
                total += score - first as i64;
            }
        }
    }
    Some(total)
}

/// A form of `t` in `key`'s readings running across word marks
/// (`ぼうさい·くんれん` for ぼうさいくんれん, as the scan matched it): the
/// fuzzy score of that stretch alone, and its first character's index in
/// the key. The fuzzy pass over the whole key (a matrix of the form's
/// length × the key's, for long keys with readings up to ~1 ms each, 250
/// candidates an answer) then runs only for matches scattered in the text.
/// The score is that of the stretch the scan found, which may be below the
/// best alignment anywhere in the key (the whole-key pass's answer).
fn across_marks(matcher: &SkimMatcherV2, key: &str, t: &Term) -> Option<(i64, usize)> {
    let mark = key.find(READING_MARK_CHAR)?;
    let first = key[..mark].chars().count();
    // The readings without their word marks, and where each character
    // stands in the key (character index, byte offset).
    let (mut plain, mut at) = (String::new(), Vec::new());
    for (k, (b, c)) in key[mark..].char_indices().enumerate() {
        if c != WORD_MARK_CHAR {
            plain.push(c);
            at.push((first + k, mark + b));
        }
    }
    t.forms().find_map(|f| {
        let p = plain.find(f)?;
        let i = plain[..p].chars().count();
        let n = f.chars().count();
        let (&(k, from), &(_, last)) = (at.get(i)?, at.get(i + n.checked_sub(1)?)?);
        let to = last + key[last..].chars().next()?.len_utf8();
        let (score, _) = matcher.fuzzy_indices(&key[from..to], f)?;
        Some((score, k))
    })
}

/// The byte ranges of `original` to highlight for `query`: sorted,
/// disjoint, on character boundaries.
pub fn highlight(original: &str, query: &Query) -> Vec<Range<usize>> {
    highlight_detail(original, query).1
}

/// The folded text, the key characters matched, and the original byte
/// ranges behind them (whole groups: `ｸﾞ` for a matched `ぐ`).
pub fn highlight_detail(original: &str, query: &Query) -> (Folded, Vec<Range<usize>>, Vec<usize>) {
    let folded = fold_mapped(original);
    let hay = Hay::new(&folded.key);
    let mut matched: Vec<usize> = Vec::new();
    let matcher = SkimMatcherV2::default();
    for t in query.terms.iter().filter(|t| !t.text.is_empty()) {
        for k in term_chars(&matcher, &hay, t) {
            matched.extend(hay.key_range(k));
        }
    }
    matched.sort_unstable();
    matched.dedup();
    matched.retain(|&k| k < folded.spans.len());
    let ranges = merge_ranges(matched.iter().map(|&k| folded.spans[k].clone()).collect());
    (folded, ranges, matched)
}

/// The characters of `hay` a word matched, as the scan would choose (see
/// `matcher::WordMatcher::find`): a form exactly in the text, else
/// exactly within one word's reading, else a word's reading running on
/// into the kana after it, else in order in the text, else in the readings
/// across words.
fn term_chars(matcher: &SkimMatcherV2, hay: &Hay, t: &Term) -> Vec<usize> {
    let key = hay.key();
    // The word as typed first (a surface match before a reading match:
    // `i` lights the i of ﬁ, not an earlier い), then its other forms.
    let exact = key
        .find(t.text.as_str())
        .map(|p| (p, t.text.as_str()))
        .or_else(|| {
            t.forms()
                .skip(1)
                .filter_map(|f| key.find(f).map(|p| (p, f)))
                .min_by_key(|(p, _)| *p)
        });
    if let Some((p, f)) = exact {
        let first = key[..p].chars().count();
        return (first..first + f.chars().count()).collect();
    }
    if let Some(v) = t.forms().find_map(|f| hay.find_in_readings(f, false)) {
        return v;
    }
    if let Some(v) = t.kana_forms().find_map(|f| hay.find_crossing(f)) {
        return v;
    }
    if !t.exact {
        if let Some((_, idx)) = t.forms().find_map(|f| matcher.fuzzy_indices(key, f)) {
            return idx;
        }
    }
    t.forms()
        .find_map(|f| hay.find_in_readings(f, true))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::query::parse;

    fn marked(text: &str, q: &str) -> String {
        let q = parse(q).expect("query");
        let mut out = String::new();
        let mut at = 0;
        for r in highlight(text, &q) {
            out.push_str(&text[at..r.start]);
            out.push('[');
            out.push_str(&text[r.clone()]);
            out.push(']');
            at = r.end;
        }
        out.push_str(&text[at..]);
        out
    }

    #[test]
    fn highlights_land_on_the_original_text() {
        assert_eq!(marked("大規模団地の課題", "団地"), "大規模[団地]の課題");
        assert_eq!(marked("ｸﾞﾙｰﾌﾟ活動", "グループ"), "[ｸﾞﾙｰﾌﾟ]活動");
        assert_eq!(marked("ワーキング", "わーきんぐ"), "[ワーキング]");
        assert_eq!(marked("ＡＢＣ会議", "abc"), "[ＡＢＣ]会議");
        assert_eq!(marked("大規模な団地", "大団"), "[大]規模な[団]地");
    }

    #[test]
    fn a_form_across_word_marks_is_scored_where_it_stands() {
        let matcher = SkimMatcherV2::default();
        let (r, w) = (READING_MARK_CHAR, WORD_MARK_CHAR);
        let term = |q: &str| parse(q).expect("query").terms[0].clone();
        // 団地再生 read だんち·さいせい: the form starts at the key's
        // eleventh character (text 5, mark, ここの, mark).
        let key = format!("ここの団地再生{r}ここの{r}だんち{w}さいせい");
        let (score, first) = across_marks(&matcher, &key, &term("だんちさいせい")).expect("found");
        assert_eq!(first, key.chars().position(|c| c == 'だ').expect("だ"));
        // The same stretch alone scores as the fuzzy pass scores it there.
        let stretch = format!("だんち{w}さいせい");
        let (alone, _) = matcher
            .fuzzy_indices(&stretch, "だんちさいせい")
            .expect("match");
        assert_eq!(score, alone);
        // Not in the readings (only scattered in them): the whole-key pass.
        assert_eq!(across_marks(&matcher, &key, &term("だせい")), None);
        // A reading mark between two words is not crossed.
        let apart = format!("団地 再生{r}だんち{r}さいせい");
        assert_eq!(
            across_marks(&matcher, &apart, &term("だんちさいせい")),
            None
        );
        // An earlier stretch scores higher.
        let later = format!("ここのここの団地再生{r}ここのここの{r}だんち{w}さいせい");
        let q = parse("だんちさいせい").expect("query");
        let early = quality(&matcher, &key, &q, false).expect("scored");
        assert!(early > quality(&matcher, &later, &q, false).expect("scored"));
    }

    #[test]
    fn reading_highlights_fall_on_the_kanji() {
        assert_eq!(marked("大規模団地の課題", "だんち"), "大規模[団地]の課題");
        assert_eq!(marked("大規模団地の課題", "danchi"), "大規模[団地]の課題");
        assert_eq!(marked("創立50周年記念", "しゅうねん"), "創立50[周年]記念");
        assert_eq!(marked("子育て支援", "kosodate"), "[子育て]支援");
    }
}
