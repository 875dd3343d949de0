//! A minutes file that ends in the middle of a meeting or an opinion
//! (issue 18): refused with a message naming the last complete part (file
//! and line), or with `--partial` read up to it with a warning.
//!
//! What counts as cut, when the page's footer has not been reached:
//! - the last meeting stops before its end: no 日時, no 議事概要, no agenda
//!   item under it, or a (主な意見) with no opinion after it;
//! - the last line is a bare bullet or speaker mark with no text (`-`,
//!   `・`, `○区長`, `区長：`);
//! - the file stops mid-line (no line end, or HTML without `</html>`) and
//!   its last line, an opinion or a summary, ends with `、`, leaves a
//!   bracket open, or lacks the 。 that every other opinion of the page
//!   ends with.
//!
//! A last opinion typed without 。 in a file that ends normally is a
//! normal page (kusei's own published pages keep opinions as typed).

use super::lines::{bullet_text, Line};
use super::minutes_draft::{error, short, ItemDraft, MeetingDraft};
use super::minutes_read::read_meetings;
use super::policy::Options;
use super::ImportError;

/// The meetings of the page, with a cut-off end refused or (with
/// `--partial`) left out with a warning.
pub(super) fn read_whole(
    file: &str,
    lines: &[Line],
    first_meeting: usize,
    (opts, clean_end): (Options, bool),
    warnings: &mut Vec<String>,
) -> Result<Vec<MeetingDraft>, ImportError> {
    let mut first_warnings = Vec::new();
    let read = read_meetings(file, lines, first_meeting, &mut first_warnings);
    let cut = match &read {
        Ok((_, true)) => None,
        Ok((drafts, false)) => last_line_cut(lines, drafts, clean_end),
        Err(e) => cut_at_error(lines, e.line),
    };
    let Some(cut) = cut else {
        warnings.extend(first_warnings);
        let (drafts, footer) = read?;
        if footer {
            return Ok(drafts);
        }
        return whole_meetings(file, lines, drafts, opts, warnings);
    };
    let message = cut.message(file, lines);
    if !opts.partial {
        return Err(error(
            file,
            Some(cut.line),
            format!("{message}。そこまでを読み込むには kusei import --partial"),
        ));
    }
    warnings.push(format!(
        "{file}:{}: {message}。そこまでを読み込みます",
        cut.line
    ));
    // The same page without its cut-off last line.
    let shorter = &lines[..lines.len() - 1];
    let (drafts, _) = read_meetings(file, shorter, first_meeting, warnings)?;
    whole_meetings(file, shorter, drafts, opts, warnings)
}

/// Where a file was cut, and what was cut.
pub(super) struct Cut {
    pub line: usize,
    what: String,
}

impl Cut {
    /// "ファイルが…で終わっています。…最後まで揃っているのは …です".
    pub fn message(&self, file: &str, lines: &[Line]) -> String {
        let complete = lines
            .len()
            .checked_sub(2)
            .map_or_else(|| "（なし）".to_string(), |i| located(file, &lines[i]));
        format!(
            "{}。途中で切れたファイルのようです。最後まで揃っているのは {complete} までです",
            self.what
        )
    }
}

fn located(file: &str, l: &Line) -> String {
    format!("{file}:{}「{}」", l.no, short(&l.text))
}

/// The page's last line, when it is cut off inside the last meeting's agenda.
pub(super) fn last_line_cut(
    lines: &[Line],
    drafts: &[MeetingDraft],
    clean_end: bool,
) -> Option<Cut> {
    let last = lines.last()?;
    let d = drafts.last()?;
    if last.no <= d.agenda_line? {
        return None;
    }
    let item = d.items.last()?;
    let why = if dangling(&last.text) {
        "発言者や箇条書きの印だけで、本文がありません"
    } else if !clean_end && in_text(item, &last.text) && unfinished(&last.text, drafts) {
        "文の途中で終わっています"
    } else {
        return None;
    };
    Some(Cut {
        line: last.no,
        what: format!(
            "ファイルの最後の行（第{}回 ({})）が{why}",
            d.number, item.item.number
        ),
    })
}

/// A read that failed on the file's last line because it is a bare mark
/// (after "(主な意見)" it is no opinion): the file was cut there.
pub(super) fn cut_at_error(lines: &[Line], at: Option<usize>) -> Option<Cut> {
    let last = lines.last()?;
    (at == Some(last.no) && dangling(&last.text)).then(|| Cut {
        line: last.no,
        what: "ファイルの最後の行が発言者や箇条書きの印だけで、本文がありません".into(),
    })
}

/// A bullet or speaker mark with nothing after it.
pub(super) fn dangling(text: &str) -> bool {
    let t = text.trim();
    let mark_only = matches!(
        t,
        "-" | "－" | "‐" | "・" | "•" | "*" | "＊" | "○" | "◯" | "〇" | "◎"
    );
    let speaker_only = t.starts_with(['○', '◯', '〇', '◎'])
        && t.chars().count() <= 12
        && !t.contains(['。', '、', ' ', '\u{3000}']);
    mark_only || speaker_only || t.ends_with([':', '：'])
}

/// Whether `line` is the end of the item's last opinion (or its summary).
fn in_text(item: &ItemDraft, line: &str) -> bool {
    let text = bullet_text(line).unwrap_or(line);
    match item.item.opinions.last() {
        Some(o) => o.text.ends_with(text),
        None => item.item.summary.ends_with(text),
    }
}

fn ends_sentence(t: &str) -> bool {
    t.trim_end().ends_with([
        '。', '．', '.', '!', '！', '?', '？', ')', '）', '」', '』', '】', '〕', '》', '〉', '>',
        '＞', ']', '］', '…',
    ])
}

/// An open 「（『【 without its closing bracket.
fn open_bracket(t: &str) -> bool {
    [
        ('「', '」'),
        ('（', '）'),
        ('(', ')'),
        ('『', '』'),
        ('【', '】'),
    ]
    .iter()
    .any(|(o, c)| t.matches(*o).count() > t.matches(*c).count())
}

fn unfinished(line: &str, drafts: &[MeetingDraft]) -> bool {
    let t = line.trim_end();
    if t.ends_with(['、', '，', ',']) || open_bracket(t) {
        return true;
    }
    if ends_sentence(t) {
        return false;
    }
    // The page's style: every other opinion ends a sentence.
    let all: Vec<&str> = drafts
        .iter()
        .flat_map(|d| &d.items)
        .flat_map(|i| &i.item.opinions)
        .map(|o| o.text.as_str())
        .collect();
    let others = &all[..all.len().saturating_sub(1)];
    !others.is_empty() && others.iter().all(|o| ends_sentence(o))
}

/// Why the last meeting is not whole, and the line where that shows.
fn incomplete(d: &MeetingDraft) -> Option<(usize, String)> {
    let n = d.number;
    let Some((_, date_line)) = d.date else {
        return Some((d.header_line, format!("第{n}回 に日時がありません")));
    };
    let Some(agenda) = d.agenda_line else {
        return Some((date_line, format!("第{n}回 に「議事概要」がありません")));
    };
    let Some(last) = d.items.last() else {
        return Some((agenda, format!("第{n}回 の議事概要に議題がありません")));
    };
    match last.marker_line {
        Some(m) if last.item.opinions.is_empty() => Some((
            m,
            format!(
                "第{n}回 ({}) の(主な意見)の後に意見がありません",
                last.item.number
            ),
        )),
        _ => None,
    }
}

/// The meetings, the last one refused or (with `--partial`) left out when
/// the file ends before it does.
pub(super) fn whole_meetings(
    file: &str,
    lines: &[Line],
    mut drafts: Vec<MeetingDraft>,
    opts: Options,
    warnings: &mut Vec<String>,
) -> Result<Vec<MeetingDraft>, ImportError> {
    let Some((line, what)) = drafts.last().and_then(incomplete) else {
        return Ok(drafts);
    };
    let complete = match drafts.len().checked_sub(2).map(|i| &drafts[i]) {
        Some(p) => format!("第{}回（{file}:{}行目から）", p.number, p.header_line),
        None => "（なし）".to_string(),
    };
    let last_line = lines.last().map_or(line, |l| l.no);
    let message = format!(
        "{what}（ファイルは{last_line}行目で終わっています）。途中で切れたファイルのようです。最後まで揃っている会議は {complete} です"
    );
    let err = |message| ImportError {
        file: file.to_string(),
        line: Some(line),
        message,
    };
    if !opts.partial {
        return Err(err(format!(
            "{message}。そこまでを読み込むには kusei import --partial"
        )));
    }
    warnings.push(format!("{file}:{line}: {message}。そこまでを読み込みます"));
    let whole_but_opinions = drafts.last().is_some_and(|d| !d.items.is_empty());
    match drafts.last_mut().and_then(|d| d.items.last_mut()) {
        // The agenda item stays, without the (主な意見) that has none.
        Some(item) if whole_but_opinions => item.marker_line = None,
        _ => {
            drafts.pop();
        }
    }
    if drafts.is_empty() {
        return Err(err(format!("{message}。読み込める会議がありません")));
    }
    Ok(drafts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dangling_marks() {
        for t in ["-", "・", "○区長", "◯副区長", "区長：", "委員:"] {
            assert!(dangling(t), "{t}");
        }
        for t in ["- 意見です", "○区長 説明しました。", "区長、副区長"] {
            assert!(!dangling(t), "{t}");
        }
    }

    #[test]
    fn open_brackets_and_sentences() {
        assert!(open_bracket("「地域の"));
        assert!(!open_bracket("「地域」の"));
        assert!(ends_sentence("検討します。"));
        assert!(ends_sentence("（案）"));
        assert!(!ends_sentence("検討し"));
    }
}
