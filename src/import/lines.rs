//! Lines of a source page, with their line numbers, and the small text
//! helpers both page parsers share.

use super::html;

/// One non-empty line of a page: its text (trimmed), and where it is in the
/// file (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub text: String,
    pub no: usize,
}

/// Split decoded text (plain or HTML) into non-empty trimmed lines.
pub fn split(text: &str) -> Vec<Line> {
    if html::looks_like_html(text) {
        return html::html_to_lines(text)
            .into_iter()
            .map(|l| Line {
                text: trim(&l.text).to_string(),
                no: l.source_line,
            })
            .filter(|l| !l.text.is_empty())
            .collect();
    }
    text.lines()
        .enumerate()
        .map(|(i, t)| Line {
            text: trim(t).to_string(),
            no: i + 1,
        })
        .filter(|l| !l.text.is_empty())
        .collect()
}

/// Trim ASCII whitespace, ideographic spaces and no-break spaces.
pub fn trim(s: &str) -> &str {
    s.trim_matches(|c: char| {
        c.is_whitespace() || c == '\u{3000}' || c == '\u{a0}' || c == '\u{feff}'
    })
}

/// Fold one character for recognising structure: full-width ASCII to
/// half-width, ideographic space to a space. One char in, one char out, so
/// char positions in the folded text are positions in the original.
pub fn fold_char(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' | '\u{a0}' => ' ',
        _ => c,
    }
}

pub fn fold(s: &str) -> String {
    s.chars().map(fold_char).collect()
}

/// Characters copied out of PDFs: Kangxi radicals (`⽅` U+2F45), CJK radical
/// supplements and compatibility ideographs, read as the ordinary character
/// (their NFKC form, always one char). Everything else is left alone, so
/// circled numbers and half-width kana keep their meaning and positions.
pub fn unradical_char(c: char) -> char {
    use unicode_normalization::UnicodeNormalization;
    if !matches!(c, '\u{2E80}'..='\u{2FDF}' | '\u{F900}'..='\u{FAFF}') {
        return c;
    }
    let mut it = std::iter::once(c).nfkc();
    match (it.next(), it.next()) {
        (Some(n), None) => n,
        _ => c,
    }
}

pub fn unradical(s: &str) -> String {
    s.chars().map(unradical_char).collect()
}

/// Dashes seen between the numbers of a code ("1－1", "1ー1", "1−1").
const DASHES: &[char] = &['-', '‐', '‑', '‒', '–', '—', '―', '−', 'ー', '－', 'ｰ', '─'];

/// The form headings are matched in: [`fold`], [`unradical`], and any dash
/// between two digits as `-`. One char in, one char out.
pub fn norm(s: &str) -> String {
    let chars: Vec<char> = s.chars().map(|c| unradical_char(fold_char(c))).collect();
    let digit = |i: Option<&char>| i.is_some_and(|c| c.is_ascii_digit());
    (0..chars.len())
        .map(|i| {
            let c = chars[i];
            let between = i > 0 && digit(chars.get(i - 1)) && digit(chars.get(i + 1));
            if DASHES.contains(&c) && between {
                '-'
            } else {
                c
            }
        })
        .collect()
}

/// The plan's year at the start of a title, in either form: "平成29年度…",
/// "2018年度(平成30年度)…", "令和2年度(2020年度)…". (fiscal year, rest).
pub fn plan_year_prefix(line: &str) -> Option<(i32, String)> {
    let n = norm(line);
    let (fy, rest) = match fiscal_year_prefix(&n) {
        Some(found) => found,
        None => {
            let (y, len) = leading_number(&n)?;
            let rest = n[len..].trim_start().strip_prefix("年度")?;
            if !(1900..=2200).contains(&y) {
                return None;
            }
            (y as i32, trim(rest).to_string())
        }
    };
    // A second form of the same year in brackets: "(平成30年度)".
    let rest = match rest.strip_prefix('(') {
        Some(inner) if inner.contains("年度)") => {
            let close = inner.find(')').unwrap_or(0);
            trim(&inner[close + 1..]).to_string()
        }
        _ => rest,
    };
    Some((fy, rest))
}

/// The original text after the first `n` characters, trimmed.
pub fn after_chars(s: &str, n: usize) -> &str {
    match s.char_indices().nth(n) {
        Some((i, _)) => trim(&s[i..]),
        None => "",
    }
}

/// Leading ASCII digits of `s` as a number, and how many chars they took.
pub fn leading_number(s: &str) -> Option<(u32, usize)> {
    let digits: String = s.chars().take_while(|c| c.is_ascii_digit()).collect();
    if digits.is_empty() || digits.len() > 6 {
        return None;
    }
    digits.parse().ok().map(|n| (n, digits.len()))
}

/// Bullet markers that start a list entry on the published pages.
const BULLETS: &[char] = &['-', '・', '•', '●', '○', '◦', '‐', '－', '･'];

/// If the line is a bullet, the text after the marker.
pub fn bullet_text(line: &str) -> Option<&str> {
    let first = line.chars().next()?;
    if !BULLETS.contains(&first) && !BULLETS.contains(&fold_char(first)) {
        return None;
    }
    // "-5%" is not a bullet; a bullet marker is followed by text, usually
    // after a space.
    let rest = after_chars(line, 1);
    if rest.is_empty() {
        return None;
    }
    Some(rest)
}

/// Lines that mark the start of a city site's page footer: nothing after
/// them belongs to the document. These only ever appear on the site's chrome.
const FOOTER_MARKERS: &[&str] = &[
    "このページへのお問合せ",
    "このページへのお問い合わせ",
    "このページの作成者",
    "このページに関するお問い合わせ",
    "SNSリンク",
    "Adobe Acrobat Reader",
    "PDFファイルを閲覧",
    "探している情報が見つからない",
    "このページに対してご意見",
];

/// Footer headings made of words the minutes themselves may start a sentence
/// with ("お問い合わせの多い手続について…"): a footer only as a short line of
/// their own ("お問い合わせ先", "ページの先頭へ戻る").
const FOOTER_HEADINGS: &[&str] = &[
    "お問い合わせ",
    "お問合せ",
    "前のページに戻る",
    "ページの先頭へ",
    "ページトップへ",
];

pub fn is_footer(line: &str) -> bool {
    FOOTER_MARKERS.iter().any(|m| line.starts_with(m))
        || FOOTER_HEADINGS.iter().any(|m| {
            line.strip_prefix(m)
                .is_some_and(|rest| rest.chars().count() <= 4 && !rest.contains(['。', '、']))
        })
}

/// Split a list written with 、 or commas.
pub fn split_list(s: &str) -> Vec<String> {
    s.split(['、', ',', '，', '､'])
        .map(|p| trim(p).to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

/// Parse "平成29年度…" at the start of a line: (fiscal year, rest of line).
/// 令和元年度 and 平成31年度 are both fiscal 2019.
pub fn fiscal_year_prefix(line: &str) -> Option<(i32, String)> {
    let folded = fold(line);
    let (fy, pos) = crate::wareki::fiscal::era_fiscal_year_prefix(&folded)?;
    let consumed = folded[..pos].chars().count() + 2;
    Some((fy, after_chars(line, consumed).to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_keeps_char_positions() {
        let s = "（１）　平成２９年度";
        assert_eq!(fold(s), "(1) 平成29年度");
        assert_eq!(fold(s).chars().count(), s.chars().count());
    }

    #[test]
    fn norm_reads_pdf_radicals_and_dashes() {
        assert_eq!(norm("運営\u{2F45}針"), "運営方針");
        assert_eq!(norm("9\u{2F49}29\u{2F47}"), "9月29日");
        assert_eq!(norm("戦略１－２"), "戦略1-2");
        assert_eq!(norm("戦略1ー2 ルール"), "戦略1-2 ルール");
        assert_eq!(norm("①【防災】"), "①【防災】");
        assert_eq!(norm("ルーム"), "ルーム");
    }

    #[test]
    fn plan_years() {
        assert_eq!(
            plan_year_prefix("2018年度(平成30年度)淀川区運営方針"),
            Some((2018, "淀川区運営方針".to_string()))
        );
        assert_eq!(
            plan_year_prefix("平成26年度浪速区運営方針(案)"),
            Some((2014, "浪速区運営方針(案)".to_string()))
        );
        assert_eq!(
            plan_year_prefix("令和2年度(2020年度) 北区運営方針"),
            Some((2020, "北区運営方針".to_string()))
        );
        assert_eq!(plan_year_prefix("2018年6月7日"), None);
    }

    #[test]
    fn bullets() {
        assert_eq!(bullet_text("- 意見です。"), Some("意見です。"));
        assert_eq!(bullet_text("・意見です。"), Some("意見です。"));
        assert_eq!(bullet_text("• 意見"), Some("意見"));
        assert_eq!(bullet_text("意見"), None);
        assert_eq!(bullet_text("-"), None);
    }

    #[test]
    fn fiscal_year_titles() {
        assert_eq!(
            fiscal_year_prefix("平成29年度区づくり経営会議"),
            Some((2017, "区づくり経営会議".to_string()))
        );
        assert_eq!(
            fiscal_year_prefix("令和元年度 区づくり経営会議"),
            Some((2019, "区づくり経営会議".to_string()))
        );
        assert_eq!(
            fiscal_year_prefix("平成31年度区づくり経営会議").map(|p| p.0),
            Some(2019)
        );
        assert_eq!(fiscal_year_prefix("区づくり経営会議"), None);
    }

    #[test]
    fn footers() {
        for f in [
            "このページへのお問合せ",
            "お問い合わせ",
            "お問い合わせ先",
            "ページの先頭へ戻る",
            "SNSリンクは別ウィンドウで開きます",
        ] {
            assert!(is_footer(f), "{f}");
        }
        for t in [
            "お問い合わせの多い手続について協議しました。",
            "ページの先頭へ戻るボタンを設置すべき。",
            "お問い合わせ窓口の一本化",
        ] {
            assert!(!is_footer(t), "{t}");
        }
    }

    #[test]
    fn lists() {
        assert_eq!(
            split_list("区長、副区長,総務課長"),
            ["区長", "副区長", "総務課長"]
        );
    }
}
