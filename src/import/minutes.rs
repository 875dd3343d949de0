//! Published meeting-minutes pages (seed 000 and its variants).
//!
//! ```text
//! 平成29年度区づくり経営会議            ← title: fiscal year + committee
//! …                                     ← preamble, kept verbatim
//! 第1回
//! 1 日時
//! 平成29年4月20日(木曜日)午後1時00分から2時30分
//! 2 場所
//! 旭区外部特別会議室1
//! 3 出席者
//! 区長、副区長、…
//! 4 議事概要
//! (1)平成29年度改革推進委員会の発足について
//! 実施要領(案)をもとに協議しました。   ← summary
//! (主な意見)
//! - 職員が…                             ← opinions; a bullet may wrap
//! ```
//! Full-width digits and brackets, `・`/`•` bullets, items without 主な意見
//! and HTML saved from the city site are all read. A line that fits nowhere
//! is an error naming its line number.

use super::lines::{
    after_chars, bullet_text, fiscal_year_prefix, fold, is_footer, leading_number, split_list, Line,
};
use super::minutes_cut;
use super::minutes_parts::{
    heading_title, meeting_header_inside, meetings_after_the_footer, other_heading, other_warning,
    without_group,
};
use super::policy::Options;
use super::ImportError;
use crate::model::{Committee, Dataset, Item, Meeting, MeetingStatus, Opinion, DEFAULT_COMMITTEE};
use crate::wareki;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
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
fn meeting_header(line: &str) -> Option<u32> {
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

pub(super) struct MeetingDraft {
    pub(super) number: u32,
    pub(super) header_line: usize,
    pub(super) date: Option<(chrono::NaiveDate, usize)>,
    start: Option<chrono::NaiveTime>,
    end: Option<chrono::NaiveTime>,
    place: Vec<String>,
    attendees: Vec<String>,
    pub(super) agenda_line: Option<usize>,
    pub(super) items: Vec<ItemDraft>,
}

pub(super) struct ItemDraft {
    pub(super) item: Item,
    pub(super) marker_line: Option<usize>,
}

pub struct Parsed {
    pub dataset: Dataset,
    pub warnings: Vec<String>,
    /// What was read, meeting by meeting (`--dry-run`, the app's preview).
    pub report: Vec<String>,
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

/// The page's fiscal year, committee and preamble, from its title line
/// before the first meeting (or from "令和元年度 第3回○○区区政会議 会議録"
/// itself); whether the page named its committee.
fn page_title(lines: &[Line], first_meeting: usize) -> (Option<i32>, String, String, bool) {
    let title = lines[..first_meeting]
        .iter()
        .position(|l| fiscal_year_prefix(&l.text).is_some_and(|(_, rest)| !rest.is_empty()));
    let (page_fy, committee, preamble) = match title {
        Some(i) => {
            let (fy, rest) = fiscal_year_prefix(&lines[i].text).unwrap_or_default();
            let preamble: Vec<&str> = lines[i + 1..first_meeting]
                .iter()
                .map(|l| l.text.as_str())
                .collect();
            (Some(fy), rest, preamble.join("\n"))
        }
        None => match heading_title(&lines[first_meeting].text) {
            // "令和元年度 第3回○○区区政会議 会議録": the year and committee.
            Some((fy, c)) => (Some(fy), c, String::new()),
            None => (None, DEFAULT_COMMITTEE.to_string(), String::new()),
        },
    };
    let titled = title.is_some() || committee != DEFAULT_COMMITTEE;
    (page_fy, committee, preamble, titled)
}

pub(super) fn error(file: &str, line: Option<usize>, message: String) -> ImportError {
    ImportError {
        file: file.to_string(),
        line,
        message,
    }
}

pub fn parse(file: &str, lines: &[Line]) -> Result<Parsed, ImportError> {
    parse_with(file, lines, Options::default(), true)
}

/// [`parse`] with the options for a file cut off mid-meeting; `clean_end`:
/// the file ends as saved files do (a line end, or `</html>`), which tells
/// a last opinion typed without 。 from one cut off (see `minutes_cut`).
pub fn parse_with(
    file: &str,
    lines: &[Line],
    opts: Options,
    clean_end: bool,
) -> Result<Parsed, ImportError> {
    let Some(first_meeting) = (0..lines.len()).find(|&i| meeting_start(lines, i).is_some()) else {
        return Err(error(
            file,
            None,
            "会議が見つかりません: 「第1回」のような行がありません（会議録のページではないか、途中で切れています）".into(),
        ));
    };
    let (page_fy, committee, preamble, titled) = page_title(lines, first_meeting);
    let mut warnings = Vec::new();
    let mut drafts =
        minutes_cut::read_whole(file, lines, first_meeting, (opts, clean_end), &mut warnings)?;
    let mut meetings = Vec::new();
    let mut header_lines = Vec::new();
    for d in drafts.drain(..) {
        header_lines.push(d.header_line);
        meetings.push(finish(d, page_fy).map_err(|(line, msg)| error(file, Some(line), msg))?);
    }
    let committees = if titled {
        vec![Committee {
            name: committee.clone(),
            organisation: String::new(),
            preamble,
        }]
    } else {
        Vec::new()
    };
    for m in &mut meetings {
        m.committee = committee.clone();
    }
    let dataset = Dataset {
        committees,
        meetings,
        plans: Vec::new(),
    };
    let report = super::minutes_report::render(&dataset, Some(&header_lines));
    Ok(Parsed {
        dataset,
        warnings,
        report,
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

pub(super) fn short(s: &str) -> String {
    let mut out: String = s.chars().take(30).collect();
    if s.chars().count() > 30 {
        out.push('…');
    }
    out
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

fn finish(d: MeetingDraft, page_fy: Option<i32>) -> Result<Meeting, (usize, String)> {
    let n = d.number;
    let Some((date, date_line)) = d.date else {
        return Err((
            d.header_line,
            format!("第{n}回 に日時がありません（「1 日時」の次の行に日付が必要です。ファイルが途中で切れていませんか）"),
        ));
    };
    let fy = wareki::fiscal_year(date);
    if let Some(page) = page_fy.filter(|p| *p != fy) {
        return Err((
            date_line,
            format!(
                "第{n}回 の日付 {} は {} ではありません（このページは {}）",
                wareki::format_date(date),
                wareki::format_fiscal_year(page),
                wareki::format_fiscal_year(page)
            ),
        ));
    }
    let Some(agenda_line) = d.agenda_line else {
        return Err((
            d.header_line,
            format!("第{n}回 に「議事概要」がありません（ファイルが途中で切れていませんか）"),
        ));
    };
    if d.items.is_empty() {
        return Err((
            agenda_line,
            format!("第{n}回 の議事概要に議題がありません（ファイルが途中で切れていませんか）"),
        ));
    }
    let mut items = Vec::with_capacity(d.items.len());
    for mut it in d.items {
        // `税務課長：…` (how kusei writes a speaker) by an attendee.
        for o in &mut it.item.opinions {
            if let Some((sp, rest)) = crate::model::split_speaker(&o.text, &d.attendees) {
                let (sp, rest) = (sp.to_string(), rest.to_string());
                o.speaker = Some(sp);
                o.text = rest;
            }
        }
        if let (Some(line), true) = (it.marker_line, it.item.opinions.is_empty()) {
            return Err((
                line,
                format!(
                    "第{n}回 ({}) の(主な意見)の後に意見がありません（ファイルが途中で切れていませんか）",
                    it.item.number
                ),
            ));
        }
        items.push(it.item);
    }
    Ok(Meeting {
        committee: DEFAULT_COMMITTEE.to_string(),
        fiscal_year: fy,
        number: n,
        date,
        start: d.start,
        end: d.end,
        place: d.place.join("\n"),
        status: MeetingStatus::Published,
        attendees: d.attendees,
        items,
    })
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
