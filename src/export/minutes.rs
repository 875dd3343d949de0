//! Minutes as a readable Markdown document: a fiscal year's meetings or one
//! meeting, with 和暦 dates, 場所, 出席者, each agenda item's summary and its
//! opinions, 決定 and 宿題 (with owner and due date) marked. Also which
//! meetings an export covers (`--fiscal-year`, `--meeting FY:N`).

use chrono::NaiveDate;

use crate::model::{Dataset, Meeting, Opinion, OpinionKind, Visibility};
use crate::wareki;

/// Which meetings an export covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Selection {
    All,
    FiscalYear(i32),
    /// 第`number`回 of `fiscal_year`.
    Meeting {
        fiscal_year: i32,
        number: u32,
    },
}

/// The meetings of `data` that `sel` (and `committee`, when given) names,
/// in the order they were held.
pub fn select<'a>(data: &'a Dataset, sel: Selection, committee: Option<&str>) -> Vec<&'a Meeting> {
    let mut out: Vec<&Meeting> = data
        .meetings
        .iter()
        .filter(|m| committee.is_none_or(|c| m.committee == c))
        .filter(|m| match sel {
            Selection::All => true,
            Selection::FiscalYear(fy) => m.fiscal_year == fy,
            Selection::Meeting {
                fiscal_year,
                number,
            } => m.fiscal_year == fiscal_year && m.number == number,
        })
        .collect();
    out.sort_by(|a, b| {
        (a.date, a.start, &a.committee, a.number).cmp(&(b.date, b.start, &b.committee, b.number))
    });
    out
}

/// "平成29年度第3回区づくり経営会議".
pub fn meeting_name(m: &Meeting) -> String {
    format!(
        "{}第{}回{}",
        wareki::format_fiscal_year(m.fiscal_year),
        m.number,
        m.committee
    )
}

/// Inline Markdown text: characters that would turn into markup are
/// escaped, line breaks become spaces.
pub fn md_inline(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.trim().chars() {
        match c {
            '\\' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '\r' => {}
            '\n' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// A paragraph line: inline escaping, plus the marks that only count at
/// the start of a line (heading, list, numbered list, quote).
fn md_line(s: &str) -> String {
    let text = md_inline(s);
    if text.starts_with(['#', '-', '+', '=']) {
        return format!("\\{text}");
    }
    // "1. " or "1) " starts a numbered list: escape its mark.
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    match text[digits..].chars().next() {
        Some(c @ ('.' | ')')) if digits > 0 => {
            format!("{}\\{c}{}", &text[..digits], &text[digits + 1..])
        }
        _ => text,
    }
}

fn date_ja(d: NaiveDate) -> String {
    wareki::format_date(d)
}

/// "2017-07-10T09:00:00+09:00" → 平成29年7月10日; anything else as it is.
fn stamp_ja(s: &str) -> String {
    s.get(..10)
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .map_or_else(|| s.to_string(), date_ja)
}

/// One opinion as a list item: the kind marked, the speaker before the text
/// (`税務課長：…`, as everywhere),
/// a 宿題's owner, due date and closing.
pub fn opinion_item(o: &Opinion) -> String {
    let mut line = String::from("- ");
    match o.kind {
        OpinionKind::Opinion => {}
        OpinionKind::Decision => line.push_str("**決定**: "),
        OpinionKind::Action => line.push_str("**宿題**: "),
    }
    line.push_str(&md_inline(&crate::model::with_speaker(
        o.speaker.as_deref(),
        &o.text,
    )));
    if o.kind == OpinionKind::Action {
        let mut parts = vec![format!(
            "担当: {}",
            o.owner
                .as_deref()
                .filter(|s| !s.is_empty())
                .map_or_else(|| "未定".to_string(), md_inline)
        )];
        parts.push(format!(
            "期限: {}",
            o.due.map_or_else(|| "未定".to_string(), date_ja)
        ));
        if let Some(at) = &o.closed_at {
            let by = o
                .closed_by
                .as_deref()
                .map(|b| format!("（{}）", md_inline(b)))
                .unwrap_or_default();
            parts.push(format!("完了: {}{by}", stamp_ja(at)));
        }
        line.push_str(&format!(" ［{}］", parts.join("、")));
    }
    if o.visibility == Visibility::Internal {
        line.push_str(" （非公開）");
    }
    line.push('\n');
    line
}

fn write_meeting(out: &mut String, m: &Meeting) {
    out.push_str(&format!("\n## 第{}回（{}）\n\n", m.number, date_ja(m.date)));
    out.push_str(&format!(
        "- 日時: {}\n",
        wareki::format_datetime_ja(m.date, m.start, m.end)
    ));
    let place = if m.place.trim().is_empty() {
        "（記載なし）".to_string()
    } else {
        md_inline(&m.place)
    };
    out.push_str(&format!("- 場所: {place}\n"));
    if m.attendees.is_empty() {
        out.push_str("- 出席者: （記載なし）\n");
    } else {
        let names: Vec<String> = m.attendees.iter().map(|a| md_inline(a)).collect();
        out.push_str(&format!(
            "- 出席者（{}名）: {}\n",
            m.attendees.len(),
            names.join("、")
        ));
    }
    out.push_str(&format!("- 状態: {}\n", m.status.label_ja()));
    if m.items.is_empty() {
        out.push_str("\n（議事の記録はありません）\n");
    }
    for item in &m.items {
        out.push_str(&format!(
            "\n### ({}) {}\n",
            item.number,
            md_inline(&item.title)
        ));
        for line in item.summary.lines().filter(|l| !l.trim().is_empty()) {
            out.push('\n');
            out.push_str(&md_line(line));
            out.push('\n');
        }
        if !item.opinions.is_empty() {
            out.push_str("\n主な意見:\n\n");
            for o in &item.opinions {
                out.push_str(&opinion_item(o));
            }
        }
    }
}

/// The document for `meetings` (as [`select`] gives them): a heading per
/// fiscal year and committee, a section per meeting.
pub fn markdown(meetings: &[&Meeting]) -> String {
    let mut out = String::new();
    let mut group: Option<(i32, &str)> = None;
    for m in meetings {
        let key = (m.fiscal_year, m.committee.as_str());
        if group != Some(key) {
            if group.is_some() {
                out.push('\n');
            }
            out.push_str(&format!(
                "# {} {} 議事録\n",
                wareki::format_fiscal_year(m.fiscal_year),
                md_inline(&m.committee)
            ));
            group = Some(key);
        }
        write_meeting(&mut out, m);
    }
    if meetings.is_empty() {
        out.push_str("# 議事録\n\n（該当する会議はありません）\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_is_escaped() {
        assert_eq!(
            md_inline("a*b_c [x](y) <b>"),
            "a\\*b\\_c \\[x\\](y) \\<b\\>"
        );
        assert_eq!(md_line("# 見出し"), "\\# 見出し");
        assert_eq!(md_line("1. 番号"), "1\\. 番号");
        assert_eq!(md_line("2025年問題"), "2025年問題");
        assert_eq!(md_inline("一行目\n二行目"), "一行目 二行目");
    }

    #[test]
    fn action_items_show_owner_and_due() {
        let o = Opinion {
            text: "資料を修正する".into(),
            kind: OpinionKind::Action,
            owner: Some("総務課長".into()),
            due: NaiveDate::from_ymd_opt(2017, 7, 31),
            ..Opinion::default()
        };
        assert_eq!(
            opinion_item(&o),
            "- **宿題**: 資料を修正する ［担当: 総務課長、期限: 平成29年7月31日］\n"
        );
        let d = Opinion {
            text: "実施する".into(),
            kind: OpinionKind::Decision,
            speaker: Some("区長".into()),
            visibility: Visibility::Internal,
            ..Opinion::default()
        };
        assert_eq!(opinion_item(&d), "- **決定**: 区長：実施する （非公開）\n");
    }
}
