//! The minutes reader's line pass: which lines open a meeting, a part
//! (日時, 場所, 出席者, 議事概要, or one kusei does not keep) or an agenda
//! item, and what each line adds to the meeting being read.

use super::lines::{after_chars, bullet_text, fold, is_footer, leading_number, split_list, Line};
use super::minutes_draft::{error, short, ItemDraft, MeetingDraft};
use super::minutes_parts::{meeting_header_inside, other_heading, other_warning, without_group};
use super::ImportError;
use crate::model::{Item, Opinion};
use crate::wareki;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Section {
    None,
    DateTime,
    Place,
    Attendees,
    Agenda,
    /// 欠席者, 配布資料 …: a part of the page kusei has no place for; its
    /// lines are named in a warning, never added to another part.
    Other,
}

fn section_of(name: &str) -> Option<Section> {
    Some(match name {
        "日時" | "開催日時" => Section::DateTime,
        "場所" | "開催場所" => Section::Place,
        "出席者" | "出席" => Section::Attendees,
        "議事概要" | "議事" | "議題" | "会議概要" => Section::Agenda,
        "欠席者" | "欠席" | "配布資料" | "資料" | "傍聴者" | "傍聴" | "説明者" | "会議資料" => {
            Section::Other
        }
        _ => return None,
    })
}

/// "1 日時", "１　日時", "1. 場所", "3 出席者 区長、…" → (section, rest).
fn numbered_heading(line: &str) -> Option<(Section, String)> {
    let folded = fold(line);
    let (_, n) = leading_number(&folded)?;
    let after: String = folded.chars().skip(n).collect();
    let skipped = after
        .chars()
        .take_while(|c| matches!(c, ' ' | '.' | '、' | '．'))
        .count();
    let name_start = n + skipped;
    let body: String = folded.chars().skip(name_start).collect();
    for name in [
        "開催日時",
        "日時",
        "開催場所",
        "場所",
        "出席者",
        "出席",
        "議事概要",
        "会議概要",
        "議事",
        "議題",
        "欠席者",
        "欠席",
        "配布資料",
        "会議資料",
        "資料",
        "傍聴者",
        "傍聴",
        "説明者",
    ] {
        if let Some(rest) = body.strip_prefix(name) {
            let rest_chars = rest.chars().count();
            let rest_orig = after_chars(line, line.chars().count() - rest_chars);
            let rest_orig = rest_orig.trim_start_matches([':', '：']).trim();
            // "1 日時について…" is prose, not a heading.
            if !rest.is_empty() && !rest.starts_with([' ', ':', '：']) {
                return None;
            }
            return section_of(name).map(|s| (s, rest_orig.to_string()));
        }
    }
    None
}

/// "第3回", "第３回区づくり経営会議" → 3.
pub(super) fn meeting_header(line: &str) -> Option<u32> {
    let folded = fold(line);
    let rest = folded.strip_prefix('第')?;
    let (n, len) = leading_number(rest)?;
    rest[len..].starts_with('回').then_some(n)
}

/// The meeting whose heading is `lines[i]`. "第2回区づくり経営会議" is a heading
/// only when the "1 日時" heading follows (or nothing does, as in a cut-off
/// file); otherwise a line such as "第1回ワーキングの結果を踏まえて…" is prose.
pub(super) fn meeting_start(lines: &[Line], i: usize) -> Option<u32> {
    let text = &lines[i].text;
    let Some(n) = meeting_header(text) else {
        // 第N回 inside a heading line: only with "1 日時" right after it.
        let (n, _) = meeting_header_inside(text)?;
        let next = lines.get(i + 1)?;
        let heading = numbered_heading(&next.text).is_some_and(|(s, _)| s == Section::DateTime);
        return (heading && !text.ends_with('。')).then_some(n);
    };
    let folded = fold(text);
    let after = folded.split_once('回').map_or("", |(_, r)| r).trim();
    let heading_follows = match lines.get(i + 1) {
        Some(next) => numbered_heading(&next.text).is_some(),
        None => !after.ends_with('。'),
    };
    (after.is_empty() || heading_follows).then_some(n)
}

/// "(1)平成29年度…", "（１）…" → (1, title).
fn item_header(line: &str) -> Option<(u32, String)> {
    let folded = fold(line);
    let rest = folded.strip_prefix('(')?;
    let (n, len) = leading_number(rest)?;
    if !rest[len..].starts_with(')') {
        return None;
    }
    let title = after_chars(line, len + 2).to_string();
    (!title.is_empty()).then_some((n, title))
}

fn is_opinions_marker(line: &str) -> bool {
    let f = fold(line);
    let inner = f
        .trim_start_matches(['(', '【', '<', '〈', '＜', '《'])
        .trim_end_matches([')', '】', '>', '〉', '＞', '》']);
    inner == "主な意見"
}

/// A numbered part heading ("1 日時", "4 欠席者"): the part, the text after
/// it, and its name. Among the attendees any short numbered label is a part
/// of its own, not more attendees.
fn section_heading(text: &str, section: Section) -> Option<(Section, String, String)> {
    let heading = numbered_heading(text).map(|(s, rest)| {
        let name = fold(text)
            .trim_start_matches(|c: char| c.is_ascii_digit() || " .、".contains(c))
            .to_string();
        (s, rest, name)
    });
    heading.or_else(|| {
        (section == Section::Attendees)
            .then(|| other_heading(text))
            .flatten()
            .map(|name| (Section::Other, String::new(), name))
    })
}

/// Where the reader is: the section the last heading opened, and the name
/// of an "other" part (欠席者, 配布資料 …) whose lines are only reported.
struct Place {
    section: Section,
    other: String,
}

/// Every meeting from `first_meeting` to the footer, its lines sorted into
/// the sections their headings open; whether the page's footer ended it.
pub(super) fn read_meetings(
    file: &str,
    lines: &[Line],
    first_meeting: usize,
    warnings: &mut Vec<String>,
) -> Result<(Vec<MeetingDraft>, bool), ImportError> {
    let err = |line: Option<usize>, message: String| error(file, line, message);
    let mut drafts: Vec<MeetingDraft> = Vec::new();
    let mut at = Place {
        section: Section::None,
        other: String::new(),
    };
    for (i, line) in lines.iter().enumerate().skip(first_meeting) {
        let text = line.text.as_str();
        let no = line.no;
        if is_footer(text) {
            warnings.extend(meetings_after_the_footer(file, lines, i));
            return Ok((drafts, true));
        }
        if let Some(n) = meeting_start(lines, i) {
            if drafts.iter().any(|d| d.number == n) {
                return Err(err(Some(no), format!("第{n}回 が2回出てきます")));
            }
            drafts.push(MeetingDraft {
                number: n,
                header_line: no,
                date: None,
                start: None,
                end: None,
                place: Vec::new(),
                attendees: Vec::new(),
                agenda_line: None,
                items: Vec::new(),
            });
            at.section = Section::None;
            continue;
        }
        let Some(m) = drafts.last_mut() else {
            continue;
        };
        if let Some(heading) = section_heading(text, at.section) {
            open_section(file, m, &mut at, heading, no, warnings).map_err(|e| err(Some(no), e))?;
            continue;
        }
        match at.section {
            Section::None => {
                return Err(err(
                    Some(no),
                    format!(
                        "第{}回 の中で読めない行です: 「{}」（「1 日時」「2 場所」「3 出席者」「4 議事概要」の見出しが必要です）",
                        m.number,
                        short(text)
                    ),
                ))
            }
            Section::Agenda => agenda_line(m, text, no).map_err(|e| err(Some(no), e))?,
            Section::Other => warnings.push(other_warning(file, no, m.number, &at.other, text)),
            s => take_value(m, s, text, no, warnings, file).map_err(|e| err(Some(no), e))?,
        }
    }
    Ok((drafts, false))
}

/// A section heading: move `at` to its section and take the text after it.
fn open_section(
    file: &str,
    m: &mut MeetingDraft,
    at: &mut Place,
    (s, rest, name): (Section, String, String),
    no: usize,
    warnings: &mut Vec<String>,
) -> Result<(), String> {
    at.section = s;
    if s == Section::Other {
        at.other = name
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_string();
        if !rest.is_empty() {
            warnings.push(other_warning(file, no, m.number, &at.other, &rest));
        }
        return Ok(());
    }
    if s == Section::Agenda {
        m.agenda_line = Some(no);
    }
    if rest.is_empty() {
        return Ok(());
    }
    if s == Section::Agenda {
        agenda_line(m, &rest, no)
    } else {
        take_value(m, s, &rest, no, warnings, file)
    }
}

fn take_value(
    m: &mut MeetingDraft,
    section: Section,
    text: &str,
    no: usize,
    warnings: &mut Vec<String>,
    file: &str,
) -> Result<(), String> {
    match section {
        Section::DateTime => {
            if m.date.is_some() {
                // The time on a line of its own ("平成30年4月19日(木曜日)<br>午後1時…").
                if m.start.is_none() {
                    match wareki::parse_time_range(text) {
                        Ok((start, end)) => {
                            (m.start, m.end) = (Some(start), Some(end));
                            return Ok(());
                        }
                        Err(e @ wareki::DateError::EndBeforeStart { .. }) => {
                            return Err(e.to_string())
                        }
                        Err(_) => {
                            if let Ok(start) = wareki::parse_time(text) {
                                m.start = Some(start);
                                return Ok(());
                            }
                        }
                    }
                }
                return Err(format!(
                    "第{}回 の日時が2行あります: 「{}」",
                    m.number,
                    short(text)
                ));
            }
            let spec = wareki::parse_datetime(text).map_err(|e| e.to_string())?;
            for w in spec.warnings {
                warnings.push(format!("{file}:{no}: {w}"));
            }
            m.date = Some((spec.date, no));
            m.start = spec.start;
            m.end = spec.end;
        }
        Section::Place => m.place.push(text.to_string()),
        Section::Attendees => m.attendees.extend(split_list(without_group(text))),
        // Agenda lines go to `agenda_line`; there is no value outside a section.
        Section::Agenda | Section::None | Section::Other => {}
    }
    Ok(())
}

fn agenda_line(m: &mut MeetingDraft, text: &str, no: usize) -> Result<(), String> {
    if let Some((n, title)) = item_header(text) {
        if m.items.iter().any(|i| i.item.number == n) {
            return Err(format!("第{}回 に ({n}) が2回出てきます", m.number));
        }
        m.items.push(ItemDraft {
            item: Item {
                number: n,
                title,
                ..Item::default()
            },
            marker_line: None,
        });
        return Ok(());
    }
    let Some(current) = m.items.last_mut() else {
        return Err(format!(
            "議事概要 の最初は「(1)議題名」の行のはずですが「{}」でした",
            short(text)
        ));
    };
    if is_opinions_marker(text) {
        current.marker_line = Some(no);
        return Ok(());
    }
    if let Some(body) = bullet_text(text) {
        current.item.opinions.push(Opinion {
            text: body.to_string(),
            ..Opinion::default()
        });
        return Ok(());
    }
    match (current.marker_line, current.item.opinions.last_mut()) {
        // A bullet that wraps onto the next line.
        (_, Some(last)) => last.text.push_str(text),
        (Some(_), None) => {
            return Err(format!(
                "(主な意見) の後は「- 」「・」で始まる意見の行のはずですが「{}」でした",
                short(text)
            ))
        }
        (None, None) => {
            if !current.item.summary.is_empty() {
                current.item.summary.push('\n');
            }
            current.item.summary.push_str(text);
        }
    }
    Ok(())
}

/// Meetings after the page's footer at `lines[end]`: not read, but named.
fn meetings_after_the_footer(file: &str, lines: &[Line], end: usize) -> Option<String> {
    let later: Vec<&Line> = (end + 1..lines.len())
        .filter(|&j| meeting_start(lines, j).is_some())
        .map(|j| &lines[j])
        .collect();
    let first = later.first()?;
    Some(format!(
        "{file}:{}: 「{}」ほか {} 件の会議は、{}行目「{}」をページの終わりとみなしたため読み込みません",
        first.no,
        short(&first.text),
        later.len() - 1,
        lines[end].no,
        short(&lines[end].text)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings() {
        assert_eq!(
            numbered_heading("1 日時"),
            Some((Section::DateTime, String::new()))
        );
        assert_eq!(
            numbered_heading("１　日時"),
            Some((Section::DateTime, String::new()))
        );
        assert_eq!(
            numbered_heading("2 場所 旭区役所"),
            Some((Section::Place, "旭区役所".to_string()))
        );
        assert_eq!(numbered_heading("2025年問題"), None);
        assert_eq!(numbered_heading("1 日時について検討"), None);
        assert_eq!(meeting_header("第１２回"), Some(12));
        assert_eq!(meeting_header("第3回区づくり経営会議"), Some(3));
        assert_eq!(meeting_header("第三者評価"), None);
        assert_eq!(
            item_header("（２）区運営方針"),
            Some((2, "区運営方針".into()))
        );
        assert_eq!(
            item_header("(1)区の重要な施策"),
            Some((1, "区の重要な施策".into()))
        );
        assert!(is_opinions_marker("（主な意見）"));
        assert!(is_opinions_marker("(主な意見)"));
        assert!(!is_opinions_marker("主な意見は次のとおり"));
    }
}
