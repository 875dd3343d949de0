//! The search key: text folded so that what a person means by "the same
//! word" compares equal byte for byte.
//!
//! - NFKC: full-width letters and digits become ASCII, half-width katakana
//!   become full-width (`ｸﾞﾙｰﾌﾟ` → `グループ`, the dakuten composed), `①` → `1`.
//! - Katakana fold to hiragana (`グループ` → `ぐるーぷ`), so either script finds
//!   the other.
//! - Letters fold to lower case; whitespace and control characters become a
//!   space.
//!
//! NFKC is applied per *group*: a character and the combining marks (or
//! half-width voicing marks) after it. Every key character therefore comes
//! from exactly one group of the original text, and [`fold_mapped`] keeps,
//! for each key character, the byte range of its group in the original. That
//! map is how highlights found in the key land exactly on the original text.
//! Keys, queries and highlights all go through the same function, so a match
//! in the key is always a match of the folded original: folding cannot invent
//! one.

use std::ops::Range;

use unicode_normalization::char::canonical_combining_class;
use unicode_normalization::UnicodeNormalization;

/// The folded key of `text`.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    fold_into(text, &mut out);
    out
}

/// Append the folded key of `text` to `out`.
pub fn fold_into(text: &str, out: &mut String) {
    fold_each(text, |c| out.push(c));
}

/// Each character of the folded key of `text`, in order.
#[inline]
pub fn fold_each(text: &str, mut emit: impl FnMut(char)) {
    // Japanese text is mostly characters that fold to themselves or by a
    // fixed offset: those go without the normaliser. A character is held
    // back until the next one shows it does not start a group with it.
    let mut held: Option<(usize, char)> = None;
    let mut group_from: Option<usize> = None;
    for (i, c) in text.char_indices() {
        if continues_group(c) {
            if group_from.is_none() {
                group_from = Some(held.take().map_or(i, |(h, _)| h));
            }
            continue;
        }
        if let Some(g) = group_from.take() {
            slow_fold(&text[g..i], &mut emit);
        }
        if let Some((h, hc)) = held.take() {
            match fast_fold(hc) {
                Some(f) => emit(f),
                None => slow_fold(&text[h..i], &mut emit),
            }
        }
        held = Some((i, c));
    }
    if let Some(g) = group_from {
        slow_fold(&text[g..], &mut emit);
    } else if let Some((h, hc)) = held {
        match fast_fold(hc) {
            Some(f) => emit(f),
            None => slow_fold(&text[h..], &mut emit),
        }
    }
}

/// A folded key with, for each of its characters, the byte range in the
/// original text it came from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Folded {
    pub key: String,
    /// `spans[k]`: the original bytes behind key character `k` (a whole
    /// group: `ｸﾞ` for `ぐ`; several key characters may share one).
    pub spans: Vec<Range<usize>>,
}

impl Folded {
    /// The key character index of key byte offset `byte`.
    pub fn char_index(&self, byte: usize) -> usize {
        self.key[..byte.min(self.key.len())].chars().count()
    }
}

pub fn fold_mapped(text: &str) -> Folded {
    let mut f = Folded {
        key: String::with_capacity(text.len()),
        spans: Vec::with_capacity(text.len() / 2),
    };
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let next_continues = chars.peek().is_some_and(|&(_, n)| continues_group(n));
        if !next_continues {
            if let Some(k) = fast_fold(c) {
                f.key.push(k);
                f.spans.push(i..i + c.len_utf8());
                continue;
            }
        }
        let end = group_end(text, i, c, &mut chars);
        slow_fold(&text[i..end], &mut |k| {
            f.key.push(k);
            f.spans.push(i..end);
        });
    }
    f
}

/// Consume the characters continuing the group that starts at `start` with
/// `c`; return the group's end.
fn group_end(
    text: &str,
    start: usize,
    c: char,
    chars: &mut std::iter::Peekable<std::str::CharIndices>,
) -> usize {
    let mut end = start + c.len_utf8();
    while let Some(&(j, n)) = chars.peek() {
        if !continues_group(n) {
            break;
        }
        end = j + n.len_utf8();
        chars.next();
    }
    debug_assert!(text.is_char_boundary(end));
    end
}

/// Characters that fold to one character on their own, whatever precedes
/// them, and need no normaliser (the bulk of Japanese text).
#[inline]
fn fast_fold(c: char) -> Option<char> {
    match c {
        'A'..='Z' => Some(c.to_ascii_lowercase()),
        ' '..='~' => Some(c),
        '\t' | '\n' | '\r' => Some(' '),
        // Hiragana, ideographs, and the punctuation NFKC leaves alone.
        '\u{3041}'..='\u{3096}'
        | '\u{309D}'..='\u{309E}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{3001}'..='\u{3002}'
        | '\u{3005}'..='\u{3007}'
        | '\u{3008}'..='\u{3011}'
        | '\u{30FB}'..='\u{30FC}' => Some(c),
        // Katakana → hiragana (ァ..ヶ → ぁ..ゖ).
        '\u{30A1}'..='\u{30F6}' => char::from_u32(c as u32 - 0x60),
        '\u{30FD}'..='\u{30FE}' => char::from_u32(c as u32 - 0x60),
        _ => None,
    }
}

/// Does `c` belong to the group of the character before it? Combining
/// marks do, and so do the half-width voicing marks (ﾞ ﾟ), which NFKC turns
/// into combining ones that compose with the preceding kana.
#[inline]
fn continues_group(c: char) -> bool {
    if (c as u32) < 0x300 || fast_fold(c).is_some() {
        return false;
    }
    matches!(c, '\u{FF9E}' | '\u{FF9F}') || canonical_combining_class(c) != 0
}

/// NFKC a group, then fold each resulting character. Lower-casing can
/// leave combining marks out of canonical order (`İ` + a voicing mark), so
/// a group with marks is normalised again until folding it changes nothing:
/// folded text folds to itself.
fn slow_fold(group: &str, emit: &mut impl FnMut(char)) {
    let mut out = fold_chars(group);
    for _ in 0..3 {
        if !out.chars().any(|c| canonical_combining_class(c) != 0) {
            break;
        }
        let again = fold_chars(&out);
        if again == out {
            break;
        }
        out = again;
    }
    out.chars().for_each(emit);
}

fn fold_chars(group: &str) -> String {
    let mut out = String::with_capacity(group.len());
    for c in group.nfkc() {
        if let Some(f) = fast_fold(c) {
            out.push(f);
        } else if c.is_whitespace() || c.is_control() {
            out.push(' ');
        } else if c.is_uppercase() {
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Merge byte ranges (sorted or not) into sorted, disjoint, non-adjacent ones.
pub fn merge_ranges(mut v: Vec<Range<usize>>) -> Vec<Range<usize>> {
    v.sort_by_key(|r| (r.start, r.end));
    let mut out: Vec<Range<usize>> = Vec::with_capacity(v.len());
    for r in v.into_iter().filter(|r| r.start < r.end) {
        match out.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn width_kana_and_case_fold_together() {
        assert_eq!(fold("ｸﾞﾙｰﾌﾟ"), "ぐるーぷ");
        assert_eq!(fold("グループ"), "ぐるーぷ");
        assert_eq!(fold("ぐるーぷ"), "ぐるーぷ");
        assert_eq!(fold("ＡＢＣ１２３abc"), "abc123abc");
        assert_eq!(fold("Ｈ29"), "h29");
        assert_eq!(fold("か\u{3099}"), "が");
        assert_eq!(fold("区長　副区長"), "区長 副区長");
        assert_eq!(fold("①"), "1");
    }

    #[test]
    fn voicing_is_not_folded_away() {
        assert_ne!(fold("か"), fold("が"));
        assert_ne!(fold("ﾊ"), fold("ﾊﾟ"));
        assert_eq!(fold("ﾊﾟ"), "ぱ");
    }

    #[test]
    fn the_map_points_at_whole_groups() {
        let f = fold_mapped("aｸﾞﾙ㍿");
        assert_eq!(f.key, "aぐる株式会社");
        assert_eq!(f.spans[0], 0..1);
        // ｸﾞ is two characters of three bytes, one key character.
        assert_eq!(f.spans[1], 1..7);
        assert_eq!(f.spans[2], 7..10);
        for k in 3..7 {
            assert_eq!(f.spans[k], 10..13);
        }
        assert_eq!(f.spans.len(), f.key.chars().count());
    }

    #[test]
    fn fast_and_slow_paths_agree() {
        for s in [
            "カタカナとかな",
            "ＡＢＣ",
            "漢字ｶﾀｶﾅ",
            "ヴァイオリン",
            "ヽヾゝゞ",
        ] {
            let mut slow = String::new();
            for c in s.chars() {
                slow_fold(&c.to_string(), &mut |f| slow.push(f));
            }
            assert_eq!(fold(s), slow, "{s}");
        }
    }

    #[test]
    fn the_fast_fold_and_the_mapped_fold_agree() {
        for s in [
            "ｸﾞﾙｰﾌﾟ",
            "か\u{3099}き",
            "\u{3099}先頭",
            "末尾ﾞ",
            "ａﾞﾞb",
            "㍿と①",
            "é\u{301}x",
            "",
            "ﾞ",
            "ｶﾞｷﾞ",
        ] {
            assert_eq!(fold(s), fold_mapped(s).key, "{s:?}");
        }
    }

    #[test]
    fn ranges_merge() {
        assert_eq!(
            merge_ranges(vec![3..6, 0..3, 9..12, 10..11]),
            vec![0..6, 9..12]
        );
    }
}
