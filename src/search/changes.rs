//! Keeping an index current from the change log (`search_changes`, written
//! by triggers in the same transaction as each change: see migration 0004).
//!
//! A process remembers the last change number it applied; [`tail`] reads
//! what came after (one indexed range read: nothing when only drafts,
//! presence or other things search does not show were written), and
//! [`apply`] drops and re-reads just those rows. Applying a change twice is
//! harmless (the row is dropped and read again as it is now), so the number
//! can be taken *before* a full build: whatever commits during the build is
//! applied after it.

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::Connection;

use super::index::{day_number, Doc, DocKind, Index, IndexBuilder};
use super::SearchError;

/// More changes than this at once: a full rebuild is quicker.
pub const MAX_CHANGES: usize = 20_000;

/// What to do to bring an index from one change number to the latest.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Tail {
    /// The last change number read.
    pub seq: i64,
    pub opinions: BTreeSet<i64>,
    pub items: BTreeSet<i64>,
    pub nodes: BTreeSet<i64>,
    /// Job titles were added, renamed or removed (the speaker filter).
    pub titles: bool,
    /// Rows of the other sources, by table (see [`super::sources`]).
    pub rows: BTreeMap<&'static str, BTreeSet<i64>>,
}

impl Tail {
    pub fn is_empty(&self) -> bool {
        self.opinions.is_empty()
            && self.items.is_empty()
            && self.nodes.is_empty()
            && !self.titles
            && self.rows.values().all(BTreeSet::is_empty)
    }

    /// The entry belongs to a row this tail changed (or removed).
    pub fn touches(&self, d: &Doc) -> bool {
        let set = match d.kind.table() {
            "opinions" => &self.opinions,
            "agenda_items" => &self.items,
            "plan_nodes" => &self.nodes,
            other => match self.rows.get(other) {
                Some(set) => set,
                None => return false,
            },
        };
        set.contains(&d.id)
    }

    pub fn len(&self) -> usize {
        self.opinions.len()
            + self.items.len()
            + self.nodes.len()
            + self.rows.values().map(BTreeSet::len).sum::<usize>()
    }
}

/// The latest change number (0 when none yet); None when the database has
/// no change log (a file of an older schema opened read-only).
pub fn latest(conn: &Connection) -> Option<i64> {
    conn.query_row(
        "SELECT coalesce(max(seq), 0) FROM search_changes",
        [],
        |r| r.get(0),
    )
    .ok()
}

/// The changes after `after`; None when the index must be rebuilt instead
/// (the log was pruned past `after`, it has too many changes, or there is
/// no log).
pub fn tail(conn: &Connection, after: i64) -> Option<Tail> {
    let first: Option<i64> = conn
        .query_row("SELECT min(seq) FROM search_changes", [], |r| r.get(0))
        .ok()?;
    if first.is_some_and(|f| f > after + 1) {
        return None;
    }
    let mut stmt = conn
        .prepare_cached(
            "SELECT seq, tbl, row_id FROM search_changes WHERE seq > ?1 ORDER BY seq LIMIT ?2",
        )
        .ok()?;
    let mut rows = stmt.query([after, MAX_CHANGES as i64 + 1]).ok()?;
    let mut t = Tail {
        seq: after,
        ..Default::default()
    };
    let mut n = 0;
    while let Some(r) = rows.next().ok()? {
        n += 1;
        if n > MAX_CHANGES {
            return None;
        }
        t.seq = r.get(0).ok()?;
        let id: i64 = r.get(2).ok()?;
        match r.get_ref(1).ok()?.as_str().ok()? {
            "opinions" => t.opinions.insert(id),
            "agenda_items" => t.items.insert(id),
            "plan_nodes" => t.nodes.insert(id),
            "job_titles" => {
                t.titles = true;
                false
            }
            other => match super::sources::TABLES.iter().find(|x| **x == other) {
                Some(table) => t.rows.entry(table).or_default().insert(id),
                None => false,
            },
        };
    }
    Some(t)
}

/// Drop the changed rows' entries and add them as they are now.
pub fn apply(index: &mut Index, conn: &Connection, t: &Tail) -> Result<(), SearchError> {
    if t.is_empty() {
        return Ok(());
    }
    let mut b = IndexBuilder::new(index.codec.clone()).with_readings(index.readings);
    // One query per table for all its changed rows (one per row took
    // 353 ms of 414 for a tail of 10,000 at 1M).
    opinions(conn, &t.opinions, &mut b)?;
    items(conn, &t.items, &mut b)?;
    nodes(conn, &t.nodes, &mut b)?;
    for (table, ids) in &t.rows {
        if !ids.is_empty() {
            super::sources::load_some(conn, &mut b, table, &ids_json(ids))?;
        }
    }
    let gone = |d: &Doc| t.touches(d);
    if index.is_mapped() || index.layer.is_some() {
        // Over a mapped index: a layer, nothing copied.
        let changed: Vec<(&'static str, &BTreeSet<i64>)> = [
            ("opinions", &t.opinions),
            ("agenda_items", &t.items),
            ("plan_nodes", &t.nodes),
        ]
        .into_iter()
        .chain(t.rows.iter().map(|(table, ids)| (*table, ids)))
        .collect();
        super::persist_layer::apply(index, gone, b.finish(), &changed)?;
    } else {
        index.patch(gone, b.finish())?;
    }
    let mut stmt = conn.prepare_cached("SELECT name FROM job_titles")?;
    let names = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    index.set_speakers(&names);
    Ok(())
}

/// What a meeting lends to the entries under it: (id, day, fiscal year, number).
fn meeting(r: &rusqlite::Row, at: usize) -> rusqlite::Result<(i64, i32, i16, u16)> {
    let date: String = r.get(at + 1)?;
    let day = chrono::NaiveDate::parse_from_str(&date, "%Y-%m-%d")
        .map(day_number)
        .unwrap_or(0);
    Ok((
        r.get(at)?,
        day,
        r.get::<_, i64>(at + 2)?.clamp(0, i16::MAX as i64) as i16,
        r.get::<_, i64>(at + 3)?.clamp(0, u16::MAX as i64) as u16,
    ))
}

/// The ids as a JSON array, for `IN (SELECT value FROM json_each(?1))`.
pub(super) fn ids_json(ids: &BTreeSet<i64>) -> String {
    let mut s = String::with_capacity(ids.len() * 8 + 2);
    s.push('[');
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        s.push_str(&id.to_string());
    }
    s.push(']');
    s
}

/// The rows of `ids` (in id order, as one by one before), each through `f`.
fn each_row(
    conn: &Connection,
    sql: &str,
    ids: &BTreeSet<i64>,
    mut f: impl FnMut(&rusqlite::Row) -> Result<(), SearchError>,
) -> Result<(), SearchError> {
    if ids.is_empty() {
        return Ok(());
    }
    let mut stmt = conn.prepare_cached(sql)?;
    let mut rows = stmt.query([ids_json(ids)])?;
    while let Some(r) = rows.next()? {
        f(r)?;
    }
    Ok(())
}

fn opinions(
    conn: &Connection,
    ids: &BTreeSet<i64>,
    b: &mut IndexBuilder,
) -> Result<(), SearchError> {
    const SQL: &str =
        "SELECT o.kind, o.text, j.name, m.id, m.date, m.fiscal_year, m.number, o.owner, o.id
         FROM opinions o JOIN agenda_items i ON i.id = o.item_id
         JOIN meetings m ON m.id = i.meeting_id
         LEFT JOIN job_titles j ON j.id = o.speaker_title_id
         WHERE o.id IN (SELECT value FROM json_each(?1)) ORDER BY o.id";
    each_row(conn, SQL, ids, |r| {
        let id: i64 = r.get(8)?;
        let row = (|| -> rusqlite::Result<_> {
            let (parent, day, fiscal_year, meeting_no) = meeting(r, 3)?;
            let kind = DocKind::from_opinion_kind(r.get_ref(0)?.as_str()?);
            let text: String = r.get(1)?;
            let speaker: Option<String> = r.get(2)?;
            let owner: Option<String> = r.get(7)?;
            let doc = Doc {
                id,
                parent,
                day,
                fiscal_year,
                meeting_no,
                speaker: 0,
                kind,
            };
            Ok((doc, text, speaker, owner))
        })()?;
        let (mut doc, text, speaker, owner) = row;
        doc.speaker = speaker.map_or(0, |s| b.speaker(&s));
        b.push(doc, &text)?;
        if let Some(owner) = owner.filter(|o| !o.trim().is_empty()) {
            let doc = Doc {
                kind: DocKind::Owner,
                speaker: 0,
                ..doc
            };
            b.push(doc, &owner)?;
        }
        Ok(())
    })
}

fn items(conn: &Connection, ids: &BTreeSet<i64>, b: &mut IndexBuilder) -> Result<(), SearchError> {
    const SQL: &str = "SELECT i.title, i.summary, m.id, m.date, m.fiscal_year, m.number, i.id
         FROM agenda_items i JOIN meetings m ON m.id = i.meeting_id
         WHERE i.id IN (SELECT value FROM json_each(?1)) ORDER BY i.id";
    each_row(conn, SQL, ids, |r| {
        let title: String = r.get(0)?;
        let summary: String = r.get(1)?;
        let (parent, day, fiscal_year, meeting_no) = meeting(r, 2)?;
        let id: i64 = r.get(6)?;
        let doc = |kind| Doc {
            id,
            parent,
            day,
            fiscal_year,
            meeting_no,
            speaker: 0,
            kind,
        };
        b.push(doc(DocKind::ItemTitle), &title)?;
        if !summary.trim().is_empty() {
            b.push(doc(DocKind::ItemSummary), &summary)?;
        }
        Ok(())
    })
}

fn nodes(conn: &Connection, ids: &BTreeSet<i64>, b: &mut IndexBuilder) -> Result<(), SearchError> {
    const SQL: &str = "SELECT n.plan_id, n.title, n.body, p.fiscal_year, n.id
         FROM plan_nodes n JOIN plans p ON p.id = n.plan_id
         WHERE n.id IN (SELECT value FROM json_each(?1)) ORDER BY n.id";
    each_row(conn, SQL, ids, |r| {
        let plan: i64 = r.get(0)?;
        let title: String = r.get(1)?;
        let body: String = r.get(2)?;
        let fy: Option<i64> = r.get(3)?;
        let id: i64 = r.get(4)?;
        let day = fy
            .and_then(|y| chrono::NaiveDate::from_ymd_opt(y as i32, 4, 1))
            .map_or(0, day_number);
        let doc = |kind| Doc {
            id,
            parent: plan,
            day,
            fiscal_year: fy.unwrap_or(0).clamp(0, i16::MAX as i64) as i16,
            meeting_no: 0,
            speaker: 0,
            kind,
        };
        b.push(doc(DocKind::NodeTitle), &title)?;
        if !body.trim().is_empty() {
            b.push(doc(DocKind::NodeBody), &body)?;
        }
        Ok(())
    })
}
