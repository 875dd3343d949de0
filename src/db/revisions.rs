//! How often and when each meeting changed, for the calendar's SEQUENCE and
//! LAST-MODIFIED (RFC 5545 3.8.7): read from the audit log, counting the
//! write transactions (batches) that touched the meeting's row or its
//! agenda items (what an event shows: time, place, title, agenda), and the
//! time of the last. A meeting the log does not know (written before it
//! existed) falls back to the row's own `version` and `updated_at`.
//!
//! Also the organisation each meeting belongs to, so two wards' 第1回 of the
//! same year get different UIDs: `committees.organisation`, else the ward
//! named at the start of the committee's page text (「旭区では…」).

use std::collections::{BTreeSet, HashMap};

use rusqlite::Connection;

use super::audit_read::{records, Scope};
use super::Result;

/// One meeting's revision, keyed by (committee, fiscal year, number).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Revision {
    /// The organisation (旭区), or "" when nothing names one.
    pub organisation: String,
    /// 0 for a meeting never changed since it was written, +1 a change.
    pub sequence: u32,
    /// RFC 3339 UTC time of the last change, as stored.
    pub last_modified: Option<String>,
}

pub type Revisions = HashMap<(String, i32, u32), Revision>;

/// The ward or city a committee's page text starts with: 「旭区では…」 →
/// 旭区. Only a short name ending in 区・市・町・村 counts.
pub fn organisation_in(preamble: &str) -> Option<String> {
    let first = preamble.lines().find(|l| !l.trim().is_empty())?.trim();
    let (name, _) = first.split_once("では")?;
    let n = name.chars().count();
    let ends = name.ends_with(['区', '市', '町', '村']);
    (ends && (2..=12).contains(&n)).then(|| name.to_string())
}

struct Row {
    key: (String, i32, u32),
    organisation: String,
    version: i64,
    updated_at: String,
}

#[derive(Default)]
struct Seen {
    batches: BTreeSet<i64>,
    last: Option<String>,
}

impl Seen {
    fn add(&mut self, batch: i64, at: String) {
        self.batches.insert(batch);
        if self.last.as_ref().is_none_or(|l| *l < at) {
            self.last = Some(at);
        }
    }
}

pub(super) fn meeting_revisions(conn: &Connection) -> Result<Revisions> {
    let mut stmt = conn.prepare(
        "SELECT m.id, c.name, c.organisation, c.preamble, m.fiscal_year, m.number,
                m.version, m.updated_at
         FROM meetings m JOIN committees c ON c.id = m.committee_id",
    )?;
    let mut rows: HashMap<i64, Row> = HashMap::new();
    let mut it = stmt.query([])?;
    while let Some(r) = it.next()? {
        let org: String = r.get(2)?;
        let preamble: String = r.get(3)?;
        let organisation = if org.trim().is_empty() {
            organisation_in(&preamble).unwrap_or_default()
        } else {
            org.trim().to_string()
        };
        rows.insert(
            r.get(0)?,
            Row {
                key: (r.get(1)?, r.get(4)?, r.get(5)?),
                organisation,
                version: r.get(6)?,
                updated_at: r.get(7)?,
            },
        );
    }
    let seen = audited(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, row)| {
            let rev = match seen.get(&id) {
                Some(s) => Revision {
                    organisation: row.organisation,
                    sequence: u32::try_from(s.batches.len().saturating_sub(1)).unwrap_or(u32::MAX),
                    last_modified: s.last.clone(),
                },
                None => Revision {
                    organisation: row.organisation,
                    sequence: u32::try_from(row.version.saturating_sub(1)).unwrap_or(0),
                    last_modified: Some(row.updated_at),
                },
            };
            (row.key, rev)
        })
        .collect())
}

/// Per meeting id: the batches that wrote it or its agenda items.
fn audited(conn: &Connection) -> Result<HashMap<i64, Seen>> {
    let mut seen: HashMap<i64, Seen> = HashMap::new();
    for r in records(conn, Scope::Tables(&["meetings", "agenda_items"]))? {
        let meeting = if r.table == "meetings" {
            Some(r.row_id)
        } else {
            r.after
                .or(r.before)
                .and_then(|s| serde_json::from_str::<serde_json::Value>(&s).ok())
                .and_then(|v| v.get("meeting_id").and_then(serde_json::Value::as_i64))
        };
        let Some(meeting) = meeting else {
            continue;
        };
        seen.entry(meeting).or_default().add(r.batch, r.at);
    }
    Ok(seen)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ward_at_the_start_of_the_page() {
        assert_eq!(
            organisation_in("旭区では区政の重要な施策について").as_deref(),
            Some("旭区")
        );
        assert_eq!(organisation_in("\n新潟市では…").as_deref(), Some("新潟市"));
        assert_eq!(organisation_in("区政の重要な施策では"), None);
        assert_eq!(organisation_in(""), None);
    }
}
