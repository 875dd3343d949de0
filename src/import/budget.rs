//! Budgets as the policy pages write them, to thousands of yen:
//! `7,133千円`, `6千4百万円` (= 64,000 千円), `1億2,345万円`, `12百万円`,
//! `-円` (no budget). Text given here is already [`super::lines::norm`]ed.

/// More than any ward or city has ever budgeted for one line (10兆円).
const MAX_KYEN: i128 = 10_000_000_000;

/// Words that introduce an amount on a line of its own.
const KEYWORDS: &[&str] = &["算定見込額", "予算見込額", "予算額"];

const KANJI_DIGITS: &str = "〇一二三四五六七八九";

fn unreadable(amount: &str) -> String {
    format!("予算額「{amount}」が読めません（「7,133千円」「6千4百万円」か「-円」の形のはずです）")
}

/// An amount ending in 円 → Some(千円), or None for "-円"; Err when it is
/// not an amount or beyond any real budget.
pub fn parse_amount(amount: &str) -> Result<Option<i64>, String> {
    let a = amount.trim();
    let Some(num) = a.strip_suffix('円') else {
        return Err(unreadable(a));
    };
    let num = num.trim();
    if num.is_empty() || num.chars().all(|c| "-－―‐ー−—".contains(c)) {
        return if num.is_empty() {
            Err(unreadable(a))
        } else {
            Ok(None)
        };
    }
    let milli_yen = value_milli_yen(num).ok_or_else(|| unreadable(a))?;
    // Thousands of yen, rounded half up (the pages never write fractions).
    let kyen = (milli_yen + 500_000) / 1_000_000;
    if kyen > MAX_KYEN {
        return Err(format!(
            "予算額「{a}」は大きすぎます（10兆円を超えています）"
        ));
    }
    i64::try_from(kyen).map(Some).map_err(|_| unreadable(a))
}

/// "6千4百万" → 64,000,000,000 (yen × 1000). None when a char is not part of
/// a number.
fn value_milli_yen(s: &str) -> Option<i128> {
    let mut total: i128 = 0;
    let mut section: i128 = 0;
    let mut num: Option<i128> = None;
    let mut chars = s.chars().peekable();
    let mut seen = false;
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            let mut text = String::from(c);
            while let Some(&d) = chars.peek() {
                if d.is_ascii_digit() || d == '.' {
                    text.push(d);
                } else if d != ',' {
                    break;
                }
                chars.next();
            }
            num = Some(decimal_milli(&text)?);
        } else if let Some(d) = KANJI_DIGITS.chars().position(|k| k == c) {
            num = Some(d as i128 * 1000);
        } else if let Some(unit) = small_unit(c) {
            section = section.checked_add(num.unwrap_or(1000).checked_mul(unit)?)?;
            num = None;
        } else if let Some(unit) = big_unit(c) {
            section = section.checked_add(num.take().unwrap_or(0))?;
            if section == 0 {
                return None;
            }
            total = total.checked_add(section.checked_mul(unit)?)?;
            section = 0;
        } else if c == ' ' {
            continue;
        } else {
            return None;
        }
        seen = true;
    }
    if !seen {
        return None;
    }
    total
        .checked_add(section)?
        .checked_add(num.unwrap_or(0))
        .filter(|v| *v < i128::from(i64::MAX) * 1000)
}

fn decimal_milli(text: &str) -> Option<i128> {
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    if frac.len() > 3 || frac.contains('.') || int.len() > 20 {
        return None;
    }
    let int: i128 = int.parse().ok()?;
    let frac_val: i128 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<3}").parse().ok()?
    };
    Some(int * 1000 + frac_val)
}

fn small_unit(c: char) -> Option<i128> {
    match c {
        '十' => Some(10),
        '百' => Some(100),
        '千' => Some(1000),
        _ => None,
    }
}

fn big_unit(c: char) -> Option<i128> {
    match c {
        '万' => Some(10_000),
        '億' => Some(100_000_000),
        '兆' => Some(1_000_000_000_000),
        _ => None,
    }
}

/// Strip one pair of enclosing brackets: (…) […] 【…】.
fn unwrap_brackets(s: &str) -> &str {
    let s = s.trim();
    for (open, close) in [('(', ')'), ('[', ']'), ('【', '】')] {
        if let Some(inner) = s.strip_prefix(open).and_then(|r| r.strip_suffix(close)) {
            return inner.trim();
        }
    }
    s
}

/// A line that is only a budget: "(平成29年度予算額:7,133千円)",
/// "[予算額 263千円]", "予算額 845千円", "令和6年度予算額 6千4百万円",
/// "[算定見込額 1,200千円]". None when the line is something else.
pub fn budget_line(normed: &str) -> Option<Result<Option<i64>, String>> {
    let inner = unwrap_brackets(normed);
    let (before, kw) = KEYWORDS
        .iter()
        .find_map(|k| inner.find(k).map(|i| (&inner[..i], *k)))?;
    // Only a year may come before the word: "平成29年度", "2年度".
    let after = &inner[before.len() + kw.len()..];
    let before = before.trim();
    if before.chars().count() > 12 || !(before.is_empty() || before.ends_with("年度")) {
        return None;
    }
    let amount = after.trim_start_matches([':', '：', ' ']).trim();
    let bracketed = inner.len() < normed.trim().len();
    let amount_like = amount.ends_with('円') || amount.starts_with(|c: char| c.is_ascii_digit());
    if amount.is_empty() || !(bracketed || amount_like) {
        return None;
    }
    Some(parse_amount(amount))
}

/// "(2年度予算額)", "(予算額)" at the end of a heading: the amount is at the
/// end of the body. Returns the heading without it.
pub fn strip_amount_later(title: &str) -> Option<&str> {
    let t = title.trim_end();
    let open = t.rfind('(')?;
    let inner = t[open + 1..].strip_suffix(')')?;
    let is_later = KEYWORDS.iter().any(|k| inner.ends_with(k))
        && inner.chars().count() <= 12
        && !inner.contains(['円', ':']);
    is_later.then(|| t[..open].trim_end())
}

/// "[予算額 263千円]" or "(予算額:…)" at the end of a heading: (title without
/// it, the amount).
pub fn split_title_budget(title: &str) -> Option<(&str, Result<Option<i64>, String>)> {
    let t = title.trim_end();
    let close = t.chars().last()?;
    let open = match close {
        ']' => '[',
        ')' => '(',
        '】' => '【',
        _ => return None,
    };
    let start = t.rfind(open)?;
    let budget = budget_line(&t[start..])?;
    Some((t[..start].trim_end(), budget))
}

/// "…を行う。(1,976千円)": the body line without the amount, and the amount.
pub fn split_trailing_amount(normed: &str) -> Option<(usize, Result<Option<i64>, String>)> {
    let t = normed.trim_end();
    let inner_end = t.strip_suffix(')')?;
    let start = inner_end.rfind('(')?;
    let inner = &inner_end[start + 1..];
    if !inner.ends_with('円') {
        return None;
    }
    let amount = budget_line(inner)
        .map(|b| b.ok())
        .unwrap_or_else(|| parse_amount(inner).ok());
    let kyen = amount?;
    Some((t[..start].chars().count(), Ok(kyen)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts() {
        assert_eq!(parse_amount("7,133千円"), Ok(Some(7_133)));
        assert_eq!(parse_amount("-円"), Ok(None));
        assert_eq!(parse_amount("0千円"), Ok(Some(0)));
        assert_eq!(parse_amount("6千4百万円"), Ok(Some(64_000)));
        assert_eq!(parse_amount("1億2,345万円"), Ok(Some(123_450)));
        assert_eq!(parse_amount("12百万円"), Ok(Some(12_000)));
        assert_eq!(parse_amount("1.5億円"), Ok(Some(150_000)));
        assert_eq!(parse_amount("3,500円"), Ok(Some(4)));
        assert_eq!(parse_amount("二千万円"), Ok(Some(20_000)));
        assert!(parse_amount("多め").is_err());
        assert!(parse_amount("円").is_err());
        assert!(parse_amount("万円").is_err());
        assert!(parse_amount("99兆兆円").is_err());
        assert!(parse_amount("11兆円").is_err());
    }

    #[test]
    fn lines() {
        assert_eq!(
            budget_line("(平成29年度予算額:7,133千円)"),
            Some(Ok(Some(7_133)))
        );
        assert_eq!(budget_line("(平成29年度予算額:-円)"), Some(Ok(None)));
        assert_eq!(budget_line("[予算額 263千円]"), Some(Ok(Some(263))));
        assert_eq!(budget_line("[算定見込額 1,200千円]"), Some(Ok(Some(1_200))));
        assert_eq!(budget_line("予算額 845千円"), Some(Ok(Some(845))));
        assert_eq!(
            budget_line("令和6年度予算額 6千4百万円"),
            Some(Ok(Some(64_000)))
        );
        assert!(matches!(
            budget_line("(平成29年度予算額:多め)"),
            Some(Err(_))
        ));
        assert_eq!(budget_line("(注)"), None);
        assert_eq!(
            budget_line("今年度は予算額を増やしたので、より多くの訓練を行う"),
            None
        );
    }

    #[test]
    fn in_headings_and_bodies() {
        assert_eq!(
            strip_amount_later("自助の取組の推進(2年度予算額)"),
            Some("自助の取組の推進")
        );
        assert_eq!(strip_amount_later("自助の取組の推進(概要)"), None);
        let (t, b) = split_title_budget("予算策定への住民参画 [予算額 263千円]").unwrap();
        assert_eq!((t, b), ("予算策定への住民参画", Ok(Some(263))));
        assert_eq!(
            split_trailing_amount("訓練を行う。(1,976千円)"),
            Some((6, Ok(Some(1_976))))
        );
        assert_eq!(split_trailing_amount("訓練を行う。(概要)"), None);
    }
}
