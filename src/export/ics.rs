//! The meeting calendar as iCalendar (RFC 5545) for calendar apps: CRLF
//! line ends, lines folded at 75 octets on UTF-8 character boundaries, TEXT
//! values escaped, times in Asia/Tokyo with its VTIMEZONE, one VEVENT per
//! meeting whose UID stays the same across exports and differs between
//! organisations (a hash of organisation, committee, fiscal year and number
//! — the meeting's natural key), so a re-import updates events instead of
//! doubling them and two wards' 第1回 never overwrite each other. SEQUENCE
//! and LAST-MODIFIED come from the audit log ([`crate::db::revisions`]) so
//! calendar apps notice a changed meeting. Every timed event has an end:
//! a meeting with a start and no (or no later) end lasts
//! [`DEFAULT_MINUTES`].

use chrono::{DateTime, Days, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Utc};
use sha2::{Digest, Sha256};

use crate::db::revisions::{Revision, Revisions};
use crate::model::{Meeting, MeetingStatus};

use super::minutes::meeting_name;

/// The time zone every meeting is in.
pub const TZID: &str = "Asia/Tokyo";

/// Japan has kept +09:00 without daylight saving since 1952.
const VTIMEZONE: &[&str] = &[
    "BEGIN:VTIMEZONE",
    "TZID:Asia/Tokyo",
    "BEGIN:STANDARD",
    "DTSTART:19700101T000000",
    "TZOFFSETFROM:+0900",
    "TZOFFSETTO:+0900",
    "TZNAME:JST",
    "END:STANDARD",
    "END:VTIMEZONE",
];

/// A TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and line
/// breaks escaped; other control characters, which no content line may
/// hold, dropped.
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push_str("\\n");
                }
            }
            '\n' => out.push_str("\\n"),
            '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// One content line, folded (RFC 5545 3.1): no physical line longer than
/// 75 octets, continuation lines start with a space, a UTF-8 sequence is
/// never split. Ends with CRLF.
pub fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 70 * 3 + 2);
    let mut octets = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if octets + n > 75 {
            out.push_str("\r\n ");
            octets = 1;
        }
        out.push(c);
        octets += n;
    }
    out.push_str("\r\n");
    out
}

/// How long a meeting with a start and no end lasts in the calendar: 90
/// minutes, the usual length of a 区づくり経営会議 (13:00–14:30).
pub const DEFAULT_MINUTES: i64 = 90;

/// The event's UID: the same for the same meeting of the same organisation
/// in every export, different for another organisation's meeting.
pub fn uid_in(organisation: &str, m: &Meeting) -> String {
    let key = format!(
        "{}\u{1f}{}\u{1f}{}\u{1f}{}",
        organisation.trim(),
        m.committee,
        m.fiscal_year,
        m.number
    );
    let hash = Sha256::digest(key.as_bytes());
    let short: String = hash.iter().take(10).map(|b| format!("{b:02x}")).collect();
    format!("{}-{:02}-{short}@kusei", m.fiscal_year, m.number)
}

/// The UID of a meeting whose organisation nothing names.
pub fn uid(m: &Meeting) -> String {
    uid_in("", m)
}

/// "第3回 区づくり経営会議".
pub fn summary(m: &Meeting) -> String {
    format!("第{}回 {}", m.number, m.committee)
}

/// The meeting's name and its agenda titles, one a line.
pub fn description(m: &Meeting) -> String {
    let mut lines = vec![meeting_name(m)];
    if !m.items.is_empty() {
        lines.push("議事:".into());
        lines.extend(m.items.iter().map(|i| format!("({}){}", i.number, i.title)));
    }
    lines.join("\n")
}

fn local(d: NaiveDate, t: NaiveTime) -> String {
    format!("{}T{}", d.format("%Y%m%d"), t.format("%H%M%S"))
}

fn local_at(t: NaiveDateTime) -> String {
    t.format("%Y%m%dT%H%M%S").to_string()
}

/// "2019-05-08T01:30:00.123Z" (the audit log's form) → "20190508T013000Z".
fn utc_stamp(at: &str) -> Option<String> {
    DateTime::parse_from_rfc3339(at)
        .ok()
        .map(|t| t.with_timezone(&Utc).format("%Y%m%dT%H%M%SZ").to_string())
}

fn event(out: &mut String, m: &Meeting, rev: &Revision, stamp: &str) {
    let mut lines = vec![
        "BEGIN:VEVENT".to_string(),
        format!("UID:{}", uid_in(&rev.organisation, m)),
        format!("DTSTAMP:{stamp}"),
        format!("SEQUENCE:{}", rev.sequence),
    ];
    if let Some(at) = rev.last_modified.as_deref().and_then(utc_stamp) {
        lines.push(format!("LAST-MODIFIED:{at}"));
    }
    match m.start {
        Some(start) => {
            lines.push(format!("DTSTART;TZID={TZID}:{}", local(m.date, start)));
            let begin = m.date.and_time(start);
            let end = match m.end.filter(|e| *e > start) {
                Some(end) => m.date.and_time(end),
                None => begin + TimeDelta::minutes(DEFAULT_MINUTES),
            };
            lines.push(format!("DTEND;TZID={TZID}:{}", local_at(end)));
        }
        None => {
            // A day without a time: an all-day event.
            lines.push(format!("DTSTART;VALUE=DATE:{}", m.date.format("%Y%m%d")));
            if let Some(next) = m.date.checked_add_days(Days::new(1)) {
                lines.push(format!("DTEND;VALUE=DATE:{}", next.format("%Y%m%d")));
            }
        }
    }
    lines.push(format!("SUMMARY:{}", escape_text(&summary(m))));
    if !m.place.trim().is_empty() {
        lines.push(format!("LOCATION:{}", escape_text(m.place.trim())));
    }
    lines.push(format!("DESCRIPTION:{}", escape_text(&description(m))));
    let status = match m.status {
        MeetingStatus::Cancelled => "CANCELLED",
        _ => "CONFIRMED",
    };
    lines.push(format!("STATUS:{status}"));
    lines.push("END:VEVENT".into());
    for l in lines {
        out.push_str(&fold(&l));
    }
}

/// The calendar of `meetings` with no revisions known (SEQUENCE 0, no
/// organisation); `now` is the DTSTAMP.
pub fn calendar(meetings: &[&Meeting], now: DateTime<Utc>) -> String {
    calendar_with(meetings, &Revisions::new(), now)
}

/// The calendar of `meetings`, each with its organisation and revision
/// from `revisions` (see [`crate::db::Store::meeting_revisions`]); `now`
/// is the DTSTAMP (the time the file was made, in UTC).
pub fn calendar_with(meetings: &[&Meeting], revisions: &Revisions, now: DateTime<Utc>) -> String {
    let stamp = now.format("%Y%m%dT%H%M%SZ").to_string();
    let name = match meetings.first() {
        Some(first) if meetings.iter().all(|m| m.committee == first.committee) => {
            first.committee.clone()
        }
        _ => "区政 会議".to_string(),
    };
    let mut out = String::new();
    for l in [
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".into(),
        format!("PRODID:-//kusei//kusei {}//JA", env!("CARGO_PKG_VERSION")),
        "CALSCALE:GREGORIAN".into(),
        "METHOD:PUBLISH".into(),
        format!("X-WR-CALNAME:{}", escape_text(&name)),
        format!("X-WR-TIMEZONE:{TZID}"),
    ] {
        out.push_str(&fold(&l));
    }
    for l in VTIMEZONE {
        out.push_str(&fold(l));
    }
    let none = Revision::default();
    for m in meetings {
        let key = (m.committee.clone(), m.fiscal_year, m.number);
        event(&mut out, m, revisions.get(&key).unwrap_or(&none), &stamp);
    }
    out.push_str(&fold("END:VCALENDAR"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            escape_text("a,b;c\\d\r\ne\nf\u{7}"),
            "a\\,b\\;c\\\\d\\ne\\nf"
        );
    }

    #[test]
    fn long_lines_fold_on_character_boundaries() {
        let line = format!("DESCRIPTION:{}", "区".repeat(40));
        let folded = fold(&line);
        assert!(folded.ends_with("\r\n"));
        let parts: Vec<&str> = folded.trim_end_matches("\r\n").split("\r\n").collect();
        assert!(parts.len() > 1);
        for (i, p) in parts.iter().enumerate() {
            assert!(p.len() <= 75, "{p:?} is {} octets", p.len());
            assert_eq!(i > 0, p.starts_with(' '));
        }
        let unfolded: String = parts
            .iter()
            .enumerate()
            .map(|(i, p)| if i == 0 { *p } else { &p[1..] })
            .collect();
        assert_eq!(unfolded, line);
        // Exactly 75 octets stays one line.
        let ascii = "X".repeat(75);
        assert_eq!(fold(&ascii), format!("{ascii}\r\n"));
    }
}
