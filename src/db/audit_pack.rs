//! Writing the audit log at the end of a change set, compactly.
//!
//! [`super::Tx`] collects every change's record in memory ([`Pending`]) and
//! writes them just before the commit, in the order they happened:
//!
//! - a run of at least [`PACK_MIN`] inserts in a row becomes, per table,
//!   *packs*: one `audit_log` row per up to [`PACK_MAX`] inserted rows, with
//!   the after-images deflated in `pack` (columns named once, then one array
//!   of values per row), their count in `pack_rows` and the range of their
//!   row ids in `row_id`..`row_last`. A pack takes the audit ids `id` ..
//!   `id + pack_rows - 1`: entry *k* of the pack is audit record `id + k`,
//!   so every reader still sees one record per change (see
//!   [`super::audit_read`]);
//! - everything else (updates, deletes, small change sets) is one plain row
//!   per change, as before.
//!
//! The hash chain runs over the stored rows: a plain row as before
//! ([`super::audit::chain_hash`]), a pack over its header and the SHA-256 of
//! its compressed bytes ([`pack_hash`]), so a changed, removed or reordered
//! pack breaks the chain like a plain row.

use std::io::{Read, Write};
use std::rc::Rc;

use flate2::{read::DeflateDecoder, write::DeflateEncoder, Compression};
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::audit::{chain_hash, Auditor};
use super::{now_stamp, Result, StoreError};

/// The shortest run of inserts that is stored as packs (smaller change sets
/// stay plain rows, readable with the sqlite3 tool).
pub const PACK_MIN: usize = 512;
/// The most rows in one pack (a history lookup inflates one pack).
pub const PACK_MAX: usize = 512;

/// One change's record, waiting for the commit.
#[derive(Debug, Clone)]
pub struct Pending {
    pub table: String,
    pub row_id: i64,
    pub action: &'static str,
    pub before: Option<Value>,
    pub after: Option<Image>,
}

/// A row's after-image.
#[derive(Debug, Clone)]
pub enum Image {
    /// A JSON object of its columns.
    Json(Value),
    /// Its values as the text of a JSON array, in the order of `columns`,
    /// which every row an import inserts into one table shares: no column
    /// names and no JSON values per row, and a pack writes the text as it
    /// is (see [`super::audit::row_values_json`]).
    Row {
        columns: Rc<[String]>,
        values: String,
    },
}

impl Image {
    /// The after-image as the JSON text a plain audit row stores (a JSON
    /// object, its keys in serde_json's sorted order either way).
    fn to_json_string(&self) -> String {
        match self {
            Image::Json(v) => v.to_string(),
            Image::Row { columns, values } => {
                // Our own serialization of the row: it always parses.
                let values: Vec<Value> = serde_json::from_str(values).unwrap_or_default();
                let m: Map<String, Value> = columns.iter().cloned().zip(values).collect();
                Value::Object(m).to_string()
            }
        }
    }

    /// Its column names (a JSON object's keys in their sorted order).
    fn columns(&self) -> Option<Rc<[String]>> {
        match self {
            Image::Row { columns, .. } => Some(columns.clone()),
            Image::Json(Value::Object(m)) => Some(m.keys().cloned().collect()),
            Image::Json(_) => None,
        }
    }

    /// Its values in the order of `columns` as a JSON array's text (None
    /// for a JSON value that is not an object).
    fn into_values_json(self, columns: &[String]) -> Option<String> {
        match self {
            Image::Row { values, .. } => Some(values),
            Image::Json(Value::Object(mut m)) => {
                let values: Vec<Value> = columns
                    .iter()
                    .map(|c| m.remove(c).unwrap_or(Value::Null))
                    .collect();
                Some(Value::Array(values).to_string())
            }
            Image::Json(_) => None,
        }
    }
}

/// The decoded content of a pack: inserted rows of one table.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Pack {
    pub ids: Vec<i64>,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Value>>,
}

impl Pack {
    /// The after-image of entry `k` (the row as a JSON object).
    pub fn image(&self, k: usize) -> Option<Map<String, Value>> {
        let values = self.rows.get(k)?;
        Some(
            self.columns
                .iter()
                .cloned()
                .zip(values.iter().cloned())
                .collect(),
        )
    }
}

/// Deflate a pack (fast level: an import writes megabytes of it). The
/// writer uses [`encode_rows`]; this is the reference it is tested against.
#[cfg(test)]
pub fn encode(pack: &Pack) -> Result<Vec<u8>> {
    let json = serde_json::to_vec(pack).map_err(|e| StoreError::Invalid(e.to_string()))?;
    let mut enc = DeflateEncoder::new(Vec::with_capacity(json.len() / 3), Compression::fast());
    enc.write_all(&json)
        .and_then(|_| enc.finish())
        .map_err(|e| StoreError::Invalid(format!("監査ログの圧縮に失敗しました: {e}")))
}

/// Deflate a pack given as its ids, columns and each row's values as JSON
/// array text: the same JSON as [`encode`] writes for the same [`Pack`],
/// without building its values.
fn encode_rows(ids: &[i64], columns: &[String], rows: &[String]) -> Result<Vec<u8>> {
    let size: usize = rows.iter().map(|r| r.len() + 1).sum();
    let mut enc = DeflateEncoder::new(Vec::with_capacity(size / 3), Compression::fast());
    let failed =
        |e: std::io::Error| StoreError::Invalid(format!("監査ログの圧縮に失敗しました: {e}"));
    let invalid = |e: serde_json::Error| StoreError::Invalid(e.to_string());
    let ids_json = serde_json::to_string(ids).map_err(invalid)?;
    let columns_json = serde_json::to_string(columns).map_err(invalid)?;
    enc.write_all(b"{\"ids\":").map_err(failed)?;
    enc.write_all(ids_json.as_bytes()).map_err(failed)?;
    enc.write_all(b",\"columns\":").map_err(failed)?;
    enc.write_all(columns_json.as_bytes()).map_err(failed)?;
    enc.write_all(b",\"rows\":[").map_err(failed)?;
    for (k, row) in rows.iter().enumerate() {
        if k > 0 {
            enc.write_all(b",").map_err(failed)?;
        }
        enc.write_all(row.as_bytes()).map_err(failed)?;
    }
    enc.write_all(b"]}").map_err(failed)?;
    enc.finish().map_err(failed)
}

/// Inflate and parse a pack; None when the bytes are not a pack.
pub fn decode(blob: &[u8]) -> Option<Pack> {
    let mut json = Vec::with_capacity(blob.len() * 4);
    DeflateDecoder::new(blob).read_to_end(&mut json).ok()?;
    let pack: Pack = serde_json::from_slice(&json).ok()?;
    let consistent = pack.ids.len() == pack.rows.len()
        && pack.rows.iter().all(|r| r.len() == pack.columns.len());
    consistent.then_some(pack)
}

/// The chain hash of a pack row: its header and the SHA-256 of the
/// compressed bytes, under a marker no plain row can produce.
#[allow(clippy::too_many_arguments)]
pub fn pack_hash(
    prev: &str,
    batch: i64,
    at: &str,
    user: &str,
    uid: u32,
    table: &str,
    range: (i64, i64),
    count: i64,
    blob: &[u8],
) -> String {
    let digest = hex_sha256(blob);
    pack_hash_of_digest(prev, batch, at, user, uid, table, range, count, &digest)
}

/// The SHA-256 of `blob` in lower-case hex.
fn hex_sha256(blob: &[u8]) -> String {
    Sha256::digest(blob)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// [`pack_hash`] from the hex SHA-256 of the compressed bytes.
#[allow(clippy::too_many_arguments)]
fn pack_hash_of_digest(
    prev: &str,
    batch: i64,
    at: &str,
    user: &str,
    uid: u32,
    table: &str,
    range: (i64, i64),
    count: i64,
    digest: &str,
) -> String {
    let header = format!("pack\u{0}{count}\u{0}{}\u{0}{}", range.0, range.1);
    chain_hash(
        prev,
        batch,
        at,
        user,
        uid,
        table,
        range.0,
        "insert",
        Some(&header),
        Some(digest),
    )
}

/// The chain's head and the next free audit id.
fn head(conn: &Connection) -> Result<(String, i64)> {
    Ok(conn
        .prepare_cached(
            "SELECT hash, id + coalesce(pack_rows, 1) FROM audit_log ORDER BY id DESC LIMIT 1",
        )?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .unwrap_or((String::new(), 1)))
}

/// Write the change set's records (see the module comment): first which
/// rows become packs, then every pack compressed (on two threads when there
/// are several), then all of them in order, chained.
pub fn flush(
    conn: &Connection,
    auditor: &Auditor,
    batch: i64,
    pending: Vec<Pending>,
) -> Result<()> {
    if pending.is_empty() {
        return Ok(());
    }
    let records = plan(pending);
    let sealed = seal(&records)?;
    let (mut prev, mut next) = head(conn)?;
    let mut sealed = sealed.into_iter();
    let mut spent = Vec::new();
    for r in records {
        match r {
            Record::Plain(p) => plain(conn, auditor, batch, &p, &mut prev, &mut next)?,
            Record::Pack(mut pack) => {
                let Some((blob, digest)) = sealed.next() else {
                    return Err(StoreError::Invalid(
                        "監査ログの圧縮結果が足りません".to_string(),
                    ));
                };
                write_pack(
                    conn, auditor, batch, &pack, blob, &digest, &mut prev, &mut next,
                )?;
                spent.push(std::mem::take(&mut pack.values));
            }
        }
    }
    // The packs' row texts (one `String` per inserted row, 150,000 for a
    // big import) are freed on another thread while the commit runs:
    // freeing them here was ~2 % of a 100k-opinion import (perf).
    // (Without a thread — none to be had — they are freed here.)
    if spent.len() > 1 {
        let _ = std::thread::Builder::new().spawn(move || drop(spent));
    }
    Ok(())
}

/// One audit row to write.
enum Record {
    Plain(Pending),
    Pack(Packed),
}

/// Inserted rows of one table, as a pack stores them.
struct Packed {
    table: String,
    ids: Vec<i64>,
    columns: Rc<[String]>,
    values: Vec<String>,
}

/// The change set's records in order: runs of inserts as packs when long
/// enough, everything else plain.
fn plan(pending: Vec<Pending>) -> Vec<Record> {
    let mut records = Vec::new();
    let mut run: Vec<Pending> = Vec::new();
    for p in pending {
        if p.action == "insert" {
            run.push(p);
        } else {
            plan_run(std::mem::take(&mut run), &mut records);
            records.push(Record::Plain(p));
        }
    }
    plan_run(run, &mut records);
    records
}

/// A run of inserts: packs when long enough, plain rows otherwise.
fn plan_run(run: Vec<Pending>, records: &mut Vec<Record>) {
    if run.len() < PACK_MIN {
        records.extend(run.into_iter().map(Record::Plain));
        return;
    }
    // Per table in the order tables first appear: a parent's rows come
    // before its children's, so undoing in reverse id order stays valid.
    let mut tables: Vec<(String, Vec<Pending>)> = Vec::new();
    for p in run {
        match tables.iter_mut().find(|(t, _)| *t == p.table) {
            Some((_, v)) => v.push(p),
            None => tables.push((p.table.clone(), vec![p])),
        }
    }
    for (table, rows) in tables {
        // From the front, without moving the rest each time (split_off
        // would copy the tail once per pack: quadratic in the run).
        let mut rows = rows.into_iter();
        loop {
            let chunk: Vec<Pending> = rows.by_ref().take(PACK_MAX).collect();
            if chunk.is_empty() {
                break;
            }
            plan_pack(&table, chunk, records);
        }
    }
}

/// Up to [`PACK_MAX`] inserts of `table` as one pack.
fn plan_pack(table: &str, rows: Vec<Pending>, records: &mut Vec<Record>) {
    let columns = rows
        .first()
        .and_then(|p| p.after.as_ref())
        .and_then(Image::columns);
    let same = |p: &Pending| match (&columns, p.after.as_ref().and_then(Image::columns)) {
        (Some(first), Some(c)) => Rc::ptr_eq(first, &c) || *first == c,
        _ => false,
    };
    let all_same = rows.iter().all(same);
    let Some(columns) = columns.filter(|_| all_same) else {
        // Not the same columns (cannot happen within one table and
        // transaction): keep them plain rows rather than lose anything.
        records.extend(rows.into_iter().map(Record::Plain));
        return;
    };
    let mut ids = Vec::with_capacity(rows.len());
    let mut values = Vec::with_capacity(rows.len());
    for p in rows {
        // Moved, not copied: an import packs megabytes of text.
        let Some(v) = p.after.and_then(|a| a.into_values_json(&columns)) else {
            continue;
        };
        ids.push(p.row_id);
        values.push(v);
    }
    records.push(Record::Pack(Packed {
        table: table.to_string(),
        ids,
        columns,
        values,
    }));
}

/// Each pack's compressed bytes and their SHA-256 (hex), in order: the
/// packs are independent (only the chain over them is not), so a second
/// thread takes every other one.
fn seal(records: &[Record]) -> Result<Vec<(Vec<u8>, String)>> {
    let jobs: Vec<(&[i64], &[String], &[String])> = records
        .iter()
        .filter_map(|r| match r {
            Record::Pack(p) => Some((&p.ids[..], &p.columns[..], &p.values[..])),
            Record::Plain(_) => None,
        })
        .collect();
    let one = |&(ids, columns, values): &(&[i64], &[String], &[String])| {
        let blob = encode_rows(ids, columns, values)?;
        let digest = hex_sha256(&blob);
        Ok::<_, StoreError>((blob, digest))
    };
    if jobs.len() < 2 {
        return jobs.iter().map(one).collect();
    }
    let (even, odd) = std::thread::scope(|s| {
        let odd = s.spawn(|| jobs.iter().skip(1).step_by(2).map(one).collect::<Vec<_>>());
        let even: Vec<_> = jobs.iter().step_by(2).map(one).collect();
        (even, odd.join())
    });
    let odd = odd.map_err(|_| StoreError::Invalid("監査ログの圧縮が中断しました".to_string()))?;
    let mut out = Vec::with_capacity(jobs.len());
    let mut odd = odd.into_iter();
    for e in even {
        out.push(e?);
        if let Some(o) = odd.next() {
            out.push(o?);
        }
    }
    Ok(out)
}

/// One pack as one row, chained after `prev`.
#[allow(clippy::too_many_arguments)]
fn write_pack(
    conn: &Connection,
    auditor: &Auditor,
    batch: i64,
    pack: &Packed,
    blob: Vec<u8>,
    digest: &str,
    prev: &mut String,
    next: &mut i64,
) -> Result<()> {
    let ids = &pack.ids;
    let first = ids.iter().copied().min().unwrap_or_default();
    let last = ids.iter().copied().max().unwrap_or_default();
    let count = ids.len() as i64;
    let at = now_stamp();
    let hash = pack_hash_of_digest(
        prev,
        batch,
        &at,
        &auditor.user,
        auditor.uid,
        &pack.table,
        (first, last),
        count,
        digest,
    );
    conn.prepare_cached(
        "INSERT INTO audit_log (id, batch, at, os_user, uid, tbl, row_id, action, before, after,
                                prev_hash, hash, pack, pack_rows, row_last)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'insert', NULL, NULL, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(params![
        *next,
        batch,
        at,
        auditor.user,
        auditor.uid,
        pack.table,
        first,
        *prev,
        hash,
        blob,
        count,
        last
    ])?;
    *prev = hash;
    *next += count;
    Ok(())
}

/// One change as one plain row.
fn plain(
    conn: &Connection,
    auditor: &Auditor,
    batch: i64,
    p: &Pending,
    prev: &mut String,
    next: &mut i64,
) -> Result<()> {
    let before = p.before.as_ref().map(Value::to_string);
    let after = p.after.as_ref().map(Image::to_json_string);
    let at = now_stamp();
    let hash = chain_hash(
        prev,
        batch,
        &at,
        &auditor.user,
        auditor.uid,
        &p.table,
        p.row_id,
        p.action,
        before.as_deref(),
        after.as_deref(),
    );
    conn.prepare_cached(
        "INSERT INTO audit_log (id, batch, at, os_user, uid, tbl, row_id, action, before, after, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(params![
        *next, batch, at, auditor.user, auditor.uid, p.table, p.row_id, p.action, before, after,
        *prev, hash
    ])?;
    *prev = hash;
    *next += 1;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pack_round_trips_and_rejects_junk() {
        let pack = Pack {
            ids: vec![3, 4],
            columns: vec!["id".into(), "text".into()],
            rows: vec![
                vec![Value::from(3), Value::from("区政")],
                vec![Value::from(4), Value::Null],
            ],
        };
        let blob = encode(&pack).unwrap();
        assert_eq!(decode(&blob), Some(pack.clone()));
        assert_eq!(pack.image(0).unwrap()["text"], Value::from("区政"));
        assert_eq!(decode(b"not deflate"), None);
        let mut cut = blob.clone();
        cut.truncate(blob.len() / 2);
        assert_eq!(decode(&cut), None);
    }

    #[test]
    fn packed_rows_are_the_same_json_as_a_pack() {
        let pack = Pack {
            ids: vec![3, 4],
            columns: vec!["id".into(), "text".into(), "x".into()],
            rows: vec![
                vec![
                    Value::from(3),
                    Value::from("区政\n\"引用\""),
                    Value::from(1.5),
                ],
                vec![Value::from(4), Value::Null, Value::from(-2)],
            ],
        };
        let rows: Vec<String> = pack
            .rows
            .iter()
            .map(|r| Value::Array(r.clone()).to_string())
            .collect();
        let blob = encode_rows(&pack.ids, &pack.columns, &rows).unwrap();
        assert_eq!(decode(&blob), Some(pack.clone()));
        let inflate = |b: &[u8]| {
            let mut out = Vec::new();
            DeflateDecoder::new(b).read_to_end(&mut out).unwrap();
            out
        };
        assert_eq!(inflate(&blob), inflate(&encode(&pack).unwrap()));
        let empty = encode_rows(&[], &[], &[]).unwrap();
        assert_eq!(
            decode(&empty),
            Some(Pack {
                ids: vec![],
                columns: vec![],
                rows: vec![]
            })
        );
    }

    #[test]
    fn the_pack_hash_covers_every_byte_and_the_header() {
        let h = |blob: &[u8], range, count| {
            pack_hash("p", 1, "t", "u", 1, "opinions", range, count, blob)
        };
        let base = h(b"abc", (1, 2), 2);
        assert_ne!(base, h(b"abd", (1, 2), 2));
        assert_ne!(base, h(b"abc", (1, 3), 2));
        assert_ne!(base, h(b"abc", (1, 2), 3));
    }
}
