//! Shapes of other wards' minutes pages (issue 18): 第N回 inside a longer
//! heading line, parts between 出席者 and 議事 that kusei does not keep
//! (named in warnings), attendee groups, meetings after the page footer.

use super::lines::{after_chars, fiscal_year_prefix, fold, leading_number};

/// "令和元年度 第3回○○区区政会議 会議録": 第N回 inside a longer line →
/// (N, the text after it).
pub fn meeting_header_inside(line: &str) -> Option<(u32, String)> {
    let folded = fold(line);
    folded.match_indices('第').find_map(|(i, _)| {
        let rest = &folded[i + '第'.len_utf8()..];
        let (n, len) = leading_number(rest)?;
        let after = rest[len..].strip_prefix('回')?;
        Some((n, after.trim().to_string()))
    })
}

/// The committee named after 第N回 on a meeting line: "○○区区政会議".
pub fn committee_of(after: &str) -> String {
    let mut c = after.trim();
    for tail in [
        "(会議録)",
        "(議事録)",
        "会議録",
        "議事録",
        "会議要旨",
        "議事要旨",
    ] {
        c = c.strip_suffix(tail).unwrap_or(c).trim();
    }
    c.to_string()
}

/// "令和元年度 第3回○○区区政会議 会議録" → (2019, "○○区区政会議").
pub fn heading_title(text: &str) -> Option<(i32, String)> {
    let (fy, rest) = fiscal_year_prefix(text)?;
    let (_, after) = meeting_header_inside(&rest)?;
    let c = committee_of(&after);
    (!c.is_empty()).then_some((fy, c))
}

/// A short numbered label ("4 欠席者", "5 配布資料") among the attendees:
/// a part of its own, not more attendees.
pub fn other_heading(text: &str) -> Option<String> {
    let folded = fold(text);
    let (_, n) = leading_number(&folded)?;
    let rest = folded[n..].trim_start_matches(['.', '、']);
    let label = rest.strip_prefix(' ').unwrap_or(rest).trim();
    let short = !label.is_empty() && label.chars().count() <= 10;
    (n <= 2 && short && !label.contains(['、', '。', ','])).then(|| label.to_string())
}

pub fn other_warning(file: &str, no: usize, meeting: u32, part: &str, text: &str) -> String {
    format!("{file}:{no}: 第{meeting}回 の「{part}」は会議録に取り込みません: {text}")
}

/// "(委員等)山田委員、…" → "山田委員、…": the group's name is not a person.
pub fn without_group(text: &str) -> &str {
    let folded = fold(text);
    for (open, close) in [('(', ')'), ('【', '】'), ('<', '>'), ('〈', '〉')] {
        if folded.starts_with(open) {
            if let Some(i) = folded.find(close) {
                let chars = folded[..i].chars().count() + 1;
                return after_chars(text, chars);
            }
        }
    }
    text
}
