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

use super::lines::{fiscal_year_prefix, Line};
use super::minutes_cut;
use super::minutes_draft::{error, MeetingDraft};
use super::minutes_parts::heading_title;
use super::minutes_read::meeting_start;
use super::policy::Options;
use super::ImportError;
use crate::model::{Committee, Dataset, Meeting, MeetingStatus, DEFAULT_COMMITTEE};
use crate::wareki;

pub struct Parsed {
    pub dataset: Dataset,
    pub warnings: Vec<String>,
    /// What was read, meeting by meeting (`--dry-run`, the app's preview).
    pub report: Vec<String>,
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
