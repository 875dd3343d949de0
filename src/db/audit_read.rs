//! Reading the audit log, plain rows and packs alike: one [`Record`] per
//! change, in audit id order. Every reader of the log (history, undo,
//! conflicts, the calendar's revisions, `kusei audit log`, verify) goes
//! through [`records`] (or [`last_user`]), so none of them needs to know
//! how a record is stored (see [`super::audit_pack`]).

use rusqlite::{params, Connection, OptionalExtension};

use super::audit_pack::{self, Pack};
use super::{Result, StoreError};

/// One change, as the log records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub id: i64,
    pub batch: i64,
    pub at: String,
    pub os_user: String,
    pub table: String,
    pub row_id: i64,
    pub action: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// Which records.
#[derive(Debug, Clone, Copy)]
pub enum Scope<'a> {
    All,
    /// The one record with this audit id.
    Id(i64),
    /// Every record of one row.
    Row(&'a str, i64),
    /// Every record of one change set.
    Batch(i64),
    /// Every record of these tables.
    Tables(&'a [&'a str]),
}

/// A stored pack row's header.
pub struct PackRow {
    pub id: i64,
    pub batch: i64,
    pub at: String,
    pub os_user: String,
    pub table: String,
    pub blob: Vec<u8>,
}

impl PackRow {
    fn from_row(r: &rusqlite::Row) -> rusqlite::Result<Self> {
        Ok(PackRow {
            id: r.get(0)?,
            batch: r.get(1)?,
            at: r.get(2)?,
            os_user: r.get(3)?,
            table: r.get(4)?,
            blob: pack_bytes(r, 5)?.unwrap_or_default(),
        })
    }

    /// The decoded pack, or an error naming the damaged row.
    pub fn decode(&self) -> Result<Pack> {
        audit_pack::decode(&self.blob).ok_or_else(|| {
            StoreError::Invalid(format!(
                "監査ログ {} 番の圧縮された記録が読めません（壊れているか書き換えられています。kusei audit verify で確かめてください）",
                self.id
            ))
        })
    }

    /// Entry `k` as a record.
    fn record(&self, pack: &Pack, k: usize) -> Record {
        Record {
            id: self.id + k as i64,
            batch: self.batch,
            at: self.at.clone(),
            os_user: self.os_user.clone(),
            table: self.table.clone(),
            row_id: pack.ids[k],
            action: "insert".into(),
            before: None,
            after: pack
                .image(k)
                .map(|m| serde_json::Value::Object(m).to_string()),
        }
    }
}

/// The `pack` column as bytes, whatever type someone stored in it (a
/// changed pack must fail verification, not stop it).
pub fn pack_bytes(r: &rusqlite::Row, i: usize) -> rusqlite::Result<Option<Vec<u8>>> {
    use rusqlite::types::ValueRef;
    Ok(match r.get_ref(i)? {
        ValueRef::Null => None,
        ValueRef::Blob(b) | ValueRef::Text(b) => Some(b.to_vec()),
        ValueRef::Integer(n) => Some(n.to_le_bytes().to_vec()),
        ValueRef::Real(f) => Some(f.to_le_bytes().to_vec()),
    })
}

const PLAIN: &str = "SELECT id, batch, at, os_user, tbl, row_id, action, before, after
                     FROM audit_log WHERE pack IS NULL";
const PACKS: &str =
    "SELECT id, batch, at, os_user, tbl, pack FROM audit_log WHERE pack IS NOT NULL";

fn plain_row(r: &rusqlite::Row) -> rusqlite::Result<Record> {
    Ok(Record {
        id: r.get(0)?,
        batch: r.get(1)?,
        at: r.get(2)?,
        os_user: r.get(3)?,
        table: r.get(4)?,
        row_id: r.get(5)?,
        action: r.get(6)?,
        before: r.get(7)?,
        after: r.get(8)?,
    })
}

fn quoted(tables: &[&str]) -> String {
    let q: Vec<String> = tables
        .iter()
        .map(|t| format!("'{}'", t.replace('\'', "''")))
        .collect();
    q.join(", ")
}

/// The records in `scope`, oldest first.
pub fn records(conn: &Connection, scope: Scope) -> Result<Vec<Record>> {
    let (plain_where, pack_where) = match scope {
        Scope::All => (String::new(), " ORDER BY id".into()),
        // The newest pack at or before the id;
        // whether it holds the id is seen below.
        Scope::Id(_) => (
            " AND id = ?1".into(),
            " AND id <= ?1 ORDER BY id DESC LIMIT 1".into(),
        ),
        Scope::Row(..) => (
            " AND tbl = ?1 AND row_id = ?2".into(),
            " AND tbl = ?1 AND row_id <= ?2 AND row_last >= ?2 ORDER BY id".into(),
        ),
        Scope::Batch(_) => (
            " AND batch = ?1".into(),
            " AND batch = ?1 ORDER BY id".into(),
        ),
        Scope::Tables(ts) => {
            let w = format!(" AND tbl IN ({})", quoted(ts));
            (w.clone(), format!("{w} ORDER BY id"))
        }
    };
    let mut out = Vec::new();
    let mut plain = conn.prepare_cached(&format!("{PLAIN}{plain_where} ORDER BY id"))?;
    let mut packs = conn.prepare_cached(&format!("{PACKS}{pack_where}"))?;
    let headers: Vec<PackRow> = match scope {
        Scope::All | Scope::Tables(_) => {
            out.extend(
                plain
                    .query_map([], plain_row)?
                    .collect::<rusqlite::Result<Vec<_>>>()?,
            );
            packs
                .query_map([], PackRow::from_row)?
                .collect::<rusqlite::Result<_>>()?
        }
        Scope::Id(v) | Scope::Batch(v) => {
            out.extend(
                plain
                    .query_map([v], plain_row)?
                    .collect::<rusqlite::Result<Vec<_>>>()?,
            );
            packs
                .query_map([v], PackRow::from_row)?
                .collect::<rusqlite::Result<_>>()?
        }
        Scope::Row(t, r) => {
            out.extend(
                plain
                    .query_map(params![t, r], plain_row)?
                    .collect::<rusqlite::Result<Vec<_>>>()?,
            );
            packs
                .query_map(params![t, r], PackRow::from_row)?
                .collect::<rusqlite::Result<_>>()?
        }
    };
    for h in &headers {
        let pack = h.decode()?;
        for k in 0..pack.ids.len() {
            let keep = match scope {
                Scope::Id(v) => h.id + k as i64 == v,
                Scope::Row(_, r) => pack.ids[k] == r,
                _ => true,
            };
            if keep {
                out.push(h.record(&pack, k));
            }
        }
    }
    if !headers.is_empty() {
        out.sort_by_key(|r| r.id);
    }
    Ok(out)
}

/// Who wrote the newest record of any of `ids` in `table`.
pub fn last_user(conn: &Connection, table: &str, ids: &[i64]) -> Result<Option<String>> {
    let mut best: Option<(i64, String)> = None;
    for &id in ids {
        if let Some(r) = records(conn, Scope::Row(table, id))?.pop() {
            if best.as_ref().is_none_or(|(b, _)| r.id > *b) {
                best = Some((r.id, r.os_user));
            }
        }
    }
    Ok(best.map(|(_, u)| u))
}

/// The newest record `user` wrote in one of `tables`: its table and row.
pub fn last_of_user(
    conn: &Connection,
    user: &str,
    tables: &[&str],
) -> Result<Option<(String, i64)>> {
    let sql = format!(
        "SELECT id, tbl, row_id, pack FROM audit_log WHERE os_user = ?1 AND tbl IN ({})
         ORDER BY id DESC LIMIT 1",
        quoted(tables)
    );
    let newest: Option<(i64, String, i64, Option<Vec<u8>>)> = conn
        .query_row(&sql, [user], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, pack_bytes(r, 3)?))
        })
        .optional()?;
    Ok(match newest {
        None => None,
        Some((_, table, row_id, None)) => Some((table, row_id)),
        // A pack's newest record is its last entry.
        Some((id, table, _, Some(blob))) => {
            let header = PackRow {
                id,
                batch: 0,
                at: String::new(),
                os_user: String::new(),
                table,
                blob,
            };
            let pack = header.decode()?;
            pack.ids.last().map(|r| (header.table, *r))
        }
    })
}

/// Every pack row of `table` (all tables: None), oldest first, undecoded.
pub fn pack_rows(conn: &Connection, table: Option<&str>) -> Result<Vec<PackRow>> {
    let (sql, args): (String, Vec<&str>) = match table {
        Some(t) => (format!("{PACKS} AND tbl = ?1 ORDER BY id"), vec![t]),
        None => (format!("{PACKS} ORDER BY id"), vec![]),
    };
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(args), PackRow::from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
