//! Building the index from the database: meetings and agenda items first
//! (small), then the opinions in rowid order (a plain table scan, split in
//! two halves read by two connections at once), then the policy nodes.

use std::collections::HashMap;
use std::path::Path;

use rusqlite::Connection;

use std::sync::Arc;

use super::index::{day_number, Codec, Doc, DocKind, Index, IndexBuilder};
use super::SearchError;
use crate::db::{OpenOptions, Store};

/// What a meeting lends to the entries under it.
#[derive(Clone, Copy)]
struct MeetingFacts {
    id: i64,
    day: i32,
    fiscal_year: i16,
    number: u16,
}

/// Meetings by agenda item id, and job titles by id.
struct Lookup {
    item_meeting: HashMap<i64, MeetingFacts>,
    titles: HashMap<i64, String>,
}

/// Report progress every this many opinions.
const PROGRESS_EVERY: usize = 10_000;

/// Build the index from the database at `path`, reading with up to two
/// connections of its own. `progress(done, total)` is called now and then.
pub fn build_from_path(
    path: &Path,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Index, SearchError> {
    Ok(build_from_path_at(path, progress)?.0)
}

/// [`build_from_path`], and the last change-log number it includes (taken
/// before reading: changes after it may be in the index already, which is
/// harmless — see [`super::changes`]); None when the file has no log.
pub fn build_from_path_at(
    path: &Path,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<(Index, Option<i64>), SearchError> {
    let main = Store::open(
        path,
        OpenOptions {
            read_only: true,
            defer_check: true,
        },
    )?;
    let conn = main.conn();
    let seq = super::changes::latest(conn);
    Ok((build_opinions(path, conn, progress)?, seq))
}

fn build_opinions(
    path: &Path,
    conn: &Connection,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Index, SearchError> {
    let (lo, hi, total) = opinion_bounds(conn)?;
    // 0% at once: the screen shows a percentage from the start.
    progress(0, total);
    let codec = sample_codec(conn)?;
    let mut b = IndexBuilder::with_capacity(codec.clone(), total + 1024, total * 120);
    let lookup = items_and_nodes(conn, &mut b, false)?;
    // `opinions` reports how many it read since its last report: summed
    // here, so the screen counts up.
    let done = std::sync::atomic::AtomicUsize::new(0);
    let report = |n: usize| {
        let d = done.fetch_add(n, std::sync::atomic::Ordering::Relaxed) + n;
        progress(d, total);
    };
    if total < 20_000 {
        opinions(conn, &lookup, (lo, hi), &mut b, &report)?;
        return Ok(b.finish());
    }
    let mid = lo + (hi - lo) / 2;
    let other = std::thread::scope(|s| {
        let lookup = &lookup;
        let report = &report;
        let h = s.spawn(move || -> Result<IndexBuilder, SearchError> {
            let second = Store::open(
                path,
                OpenOptions {
                    read_only: true,
                    defer_check: true,
                },
            )?;
            let mut b2 = IndexBuilder::with_capacity(codec.clone(), total / 2 + 1024, total * 60);
            opinions(second.conn(), lookup, (mid + 1, hi), &mut b2, report)?;
            Ok(b2)
        });
        let mine = opinions(conn, lookup, (lo, mid), &mut b, report);
        let other = h.join().unwrap_or_else(|_| {
            Err(SearchError::Build(
                "索引を作るスレッドが止まりました".into(),
            ))
        });
        mine.and(other)
    })?;
    b.absorb(other)?;
    Ok(b.finish())
}

/// Build the index from an open store on this thread (tests, small data).
pub fn build(store: &Store) -> Result<Index, SearchError> {
    build_with_codec(store, sample_codec(store.conn())?)
}

/// [`build`] with the character codes of `codec` (to compare with an index
/// kept current from the change log, which keeps its first codec).
pub fn build_with_codec(store: &Store, codec: Arc<Codec>) -> Result<Index, SearchError> {
    let conn = store.conn();
    let (lo, hi, total) = opinion_bounds(conn)?;
    let mut b = IndexBuilder::with_capacity(codec, total + 1024, total * 120);
    let lookup = items_and_nodes(conn, &mut b, false)?;
    opinions(conn, &lookup, (lo, hi), &mut b, &|_| {})?;
    Ok(b.finish())
}

/// An index of the agenda titles alone (for related items: small and quick
/// to build on the database thread).
pub fn build_titles(conn: &Connection) -> Result<Index, SearchError> {
    // Related items compare the titles as written: no readings.
    let mut b = IndexBuilder::new(sample_codec(conn)?).with_readings(false);
    items_and_nodes(conn, &mut b, true)?;
    Ok(b.finish())
}

/// Changes when agenda items or meetings change (not when only opinions
/// do): whether a titles index is still current.
pub fn titles_fingerprint(conn: &Connection) -> Result<[i64; 6], SearchError> {
    Ok(conn.query_row(
        "SELECT count(*), coalesce(max(id), 0), coalesce(sum(version), 0),
                coalesce(sum(length(title)), 0),
                (SELECT count(*) FROM meetings), (SELECT coalesce(sum(version), 0) FROM meetings)
         FROM agenda_items",
        [],
        |r| {
            Ok([
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ])
        },
    )?)
}

/// Texts the character frequencies are taken from: the newest opinions
/// and agenda titles.
const SAMPLE_ROWS: usize = 20_000;

fn sample_codec(conn: &Connection) -> Result<Arc<Codec>, SearchError> {
    let mut texts: Vec<String> = Vec::new();
    for sql in [
        "SELECT text FROM opinions ORDER BY id DESC LIMIT ?1",
        "SELECT title FROM agenda_items ORDER BY id DESC LIMIT ?1",
    ] {
        let mut stmt = conn.prepare(sql)?;
        let rows = stmt.query_map([SAMPLE_ROWS as i64], |r| r.get::<_, String>(0))?;
        for t in rows {
            texts.push(t?);
        }
    }
    if super::readings::enabled() {
        // The readings are kana: counted with the text, their commonest
        // characters get one-byte codes too.
        let mut r = String::new();
        for t in &texts {
            super::readings::sample_readings(&super::fold::fold(t), &mut r);
        }
        texts.push(r);
    }
    Ok(Arc::new(Codec::from_sample(
        texts.iter().map(String::as_str),
    )))
}

fn opinion_bounds(conn: &Connection) -> Result<(i64, i64, usize), SearchError> {
    let (lo, hi, n): (Option<i64>, Option<i64>, i64) =
        conn.query_row("SELECT min(id), max(id), count(*) FROM opinions", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
    Ok((lo.unwrap_or(0), hi.unwrap_or(-1), n.max(0) as usize))
}

/// Agenda titles and summaries, policy nodes; and the lookups opinions need.
/// `titles_only`: agenda titles and nothing else.
fn items_and_nodes(
    conn: &Connection,
    b: &mut IndexBuilder,
    titles_only: bool,
) -> Result<Lookup, SearchError> {
    let meetings = meeting_facts(conn)?;
    let item_meeting = items(conn, b, &meetings, titles_only)?;
    if titles_only {
        return Ok(Lookup {
            item_meeting,
            titles: HashMap::new(),
        });
    }
    nodes(conn, b)?;
    super::sources::load_all(conn, b)?;
    let mut titles = HashMap::new();
    let mut stmt = conn.prepare("SELECT id, name FROM job_titles")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        titles.insert(r.get(0)?, r.get(1)?);
    }
    Ok(Lookup {
        item_meeting,
        titles,
    })
}

/// What each meeting gives the entries in it, by meeting id.
fn meeting_facts(conn: &Connection) -> Result<HashMap<i64, MeetingFacts>, SearchError> {
    let mut meetings: HashMap<i64, MeetingFacts> = HashMap::new();
    let mut stmt = conn.prepare("SELECT id, date, fiscal_year, number FROM meetings")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let date: String = r.get(1)?;
        let day = chrono::NaiveDate::parse_from_str(&date, "%Y-%m-%d")
            .map(day_number)
            .unwrap_or(0);
        meetings.insert(
            id,
            MeetingFacts {
                id,
                day,
                fiscal_year: r.get::<_, i64>(2)?.clamp(0, i16::MAX as i64) as i16,
                number: r.get::<_, i64>(3)?.clamp(0, u16::MAX as i64) as u16,
            },
        );
    }
    Ok(meetings)
}

/// Agenda titles (and summaries unless `titles_only`); each item's meeting.
fn items(
    conn: &Connection,
    b: &mut IndexBuilder,
    meetings: &HashMap<i64, MeetingFacts>,
    titles_only: bool,
) -> Result<HashMap<i64, MeetingFacts>, SearchError> {
    let mut item_meeting = HashMap::new();
    let mut stmt = conn.prepare("SELECT id, meeting_id, title, summary FROM agenda_items")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let Some(m) = meetings.get(&r.get::<_, i64>(1)?).copied() else {
            continue;
        };
        item_meeting.insert(id, m);
        let doc = |kind| Doc {
            id,
            parent: m.id,
            day: m.day,
            fiscal_year: m.fiscal_year,
            meeting_no: m.number,
            speaker: 0,
            kind,
        };
        b.push(doc(DocKind::ItemTitle), r.get_ref(2)?.as_str()?)?;
        let summary = r.get_ref(3)?.as_str()?;
        if !titles_only && !summary.trim().is_empty() {
            b.push(doc(DocKind::ItemSummary), summary)?;
        }
    }
    Ok(item_meeting)
}

/// Policy node titles and bodies, dated by their plan's fiscal year.
fn nodes(conn: &Connection, b: &mut IndexBuilder) -> Result<(), SearchError> {
    let mut stmt = conn.prepare(
        "SELECT n.id, n.plan_id, n.title, n.body, p.fiscal_year
         FROM plan_nodes n JOIN plans p ON p.id = n.plan_id",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let fy: Option<i64> = r.get(4)?;
        let day = fy
            .and_then(|y| chrono::NaiveDate::from_ymd_opt(y as i32, 4, 1))
            .map_or(0, day_number);
        let doc = |kind| Doc {
            id: r.get(0).unwrap_or_default(),
            parent: r.get(1).unwrap_or_default(),
            day,
            fiscal_year: fy.unwrap_or(0).clamp(0, i16::MAX as i64) as i16,
            meeting_no: 0,
            speaker: 0,
            kind,
        };
        b.push(doc(DocKind::NodeTitle), r.get_ref(2)?.as_str()?)?;
        let body = r.get_ref(3)?.as_str()?;
        if !body.trim().is_empty() {
            b.push(doc(DocKind::NodeBody), body)?;
        }
    }
    Ok(())
}

/// The opinions with ids in `lo..=hi`.
fn opinions(
    conn: &Connection,
    lookup: &Lookup,
    (lo, hi): (i64, i64),
    b: &mut IndexBuilder,
    progress: &dyn Fn(usize),
) -> Result<(), SearchError> {
    let speakers: HashMap<i64, u16> = lookup
        .titles
        .iter()
        .map(|(&id, name)| (id, b.speaker(name)))
        .collect();
    let mut stmt = conn.prepare(
        "SELECT id, item_id, kind, speaker_title_id, text, owner FROM opinions
         WHERE id BETWEEN ?1 AND ?2",
    )?;
    let mut rows = stmt.query([lo, hi])?;
    let mut n = 0;
    while let Some(r) = rows.next()? {
        let Some(m) = lookup.item_meeting.get(&r.get::<_, i64>(1)?) else {
            continue;
        };
        let speaker = r
            .get::<_, Option<i64>>(3)?
            .and_then(|s| speakers.get(&s).copied())
            .unwrap_or(0);
        let doc = Doc {
            id: r.get(0)?,
            parent: m.id,
            day: m.day,
            fiscal_year: m.fiscal_year,
            meeting_no: m.number,
            speaker,
            kind: DocKind::from_opinion_kind(r.get_ref(2)?.as_str()?),
        };
        b.push(doc, r.get_ref(4)?.as_str()?)?;
        if let Some(owner) = r.get_ref(5)?.as_str_or_null()? {
            if !owner.trim().is_empty() {
                let doc = Doc {
                    kind: DocKind::Owner,
                    speaker: 0,
                    ..doc
                };
                b.push(doc, owner)?;
            }
        }
        n += 1;
        if n % PROGRESS_EVERY == 0 {
            progress(PROGRESS_EVERY);
        }
    }
    progress(n % PROGRESS_EVERY);
    Ok(())
}
