//! Verification of the packed part of the audit log (see
//! [`super::audit_pack`]): every pack decodes and agrees with its header,
//! and each data row is compared with its latest record whether that is a
//! plain row or an entry of a pack.

use std::collections::BTreeMap;
use std::iter::Peekable;

use rusqlite::Connection;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::audit_read::{pack_rows, records, Scope};
use super::audit_verify::{compare, Damage, Latest, Report};
use super::Result;

/// Every pack decodes, holds `pack_rows` distinct rows, and its row ids
/// span exactly `row_id`..`row_last` (what the history lookup relies on).
pub(super) fn packs(conn: &Connection, report: &mut Report) -> Result<()> {
    let mut stmt = conn.prepare(
        "SELECT id, tbl, row_id, row_last, pack_rows, pack FROM audit_log
         WHERE pack IS NOT NULL ORDER BY id",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let table: String = r.get(1)?;
        let (first, last): (i64, Option<i64>) = (r.get(2)?, r.get(3)?);
        let count: Option<i64> = r.get(4)?;
        let blob = super::audit_read::pack_bytes(r, 5)?.unwrap_or_default();
        let Some(pack) = super::audit_pack::decode(&blob) else {
            report.add(
                Damage::Chain,
                format!("監査ログ: {id} 番の圧縮された記録（{table} の追加）が読めません（書き換えられています）"),
            );
            continue;
        };
        let mut ids = pack.ids.clone();
        ids.sort_unstable();
        ids.dedup();
        let agrees = ids.len() == pack.ids.len()
            && Some(pack.ids.len() as i64) == count
            && ids.first() == Some(&first)
            && ids.last().copied() == last;
        if !agrees {
            report.add(
                Damage::Chain,
                format!("監査ログ: {id} 番の圧縮された記録（{table} の追加）の中身が見出し（行数・行番号の範囲）と合いません"),
            );
        }
    }
    Ok(())
}

/// The latest record of a row: a plain row, or an entry of a pack (kept
/// as a digest of its after-image, to hold a million of them).
pub(super) enum Last {
    Plain(Latest),
    Packed {
        audit_id: i64,
        digest: [u8; 16],
        header: usize,
    },
}

fn digest(image: &Map<String, Value>) -> [u8; 16] {
    let text = Value::Object(image.clone()).to_string();
    let full = Sha256::digest(text.as_bytes());
    let mut d = [0u8; 16];
    d.copy_from_slice(&full[..16]);
    d
}

/// A packed row's latest record: (audit id, digest of its image, pack).
type PackLast = (i64, [u8; 16], usize);

type PlainIter<'s> = Box<dyn Iterator<Item = rusqlite::Result<(i64, Latest)>> + 's>;

/// The latest record per row id of one table, from plain rows (streamed,
/// sorted by row id) and packs (collected), in row id order.
pub(super) struct Merged<'s> {
    conn: &'s Connection,
    plain: Peekable<PlainIter<'s>>,
    packed: Peekable<std::collections::btree_map::IntoIter<i64, PackLast>>,
    /// (at, user) of each pack.
    headers: Vec<(String, String)>,
}

impl<'s> Merged<'s> {
    pub fn new(
        conn: &'s Connection,
        table: &str,
        plain: Peekable<impl Iterator<Item = rusqlite::Result<(i64, Latest)>> + 's>,
    ) -> Result<Self> {
        let mut map: BTreeMap<i64, PackLast> = BTreeMap::new();
        let mut headers = Vec::new();
        for h in pack_rows(conn, Some(table))? {
            // Undecodable packs are reported by [`packs`].
            let Some(pack) = super::audit_pack::decode(&h.blob) else {
                continue;
            };
            headers.push((h.at.clone(), h.os_user.clone()));
            for (k, rid) in pack.ids.iter().enumerate() {
                let Some(image) = pack.image(k) else { continue };
                // Packs come in id order: a later one wins.
                map.insert(*rid, (h.id + k as i64, digest(&image), headers.len() - 1));
            }
        }
        let plain: PlainIter<'s> = Box::new(plain);
        Ok(Merged {
            conn,
            plain: plain.peekable(),
            packed: map.into_iter().peekable(),
            headers,
        })
    }

    /// The next row id's latest record.
    pub fn next(&mut self) -> Result<Option<(i64, Last)>> {
        let p = match self.plain.peek() {
            Some(Ok((rid, _))) => Some(*rid),
            Some(Err(_)) => {
                self.plain.next().transpose()?;
                None
            }
            None => None,
        };
        let q = self.packed.peek().map(|(rid, _)| *rid);
        let take_plain =
            |s: &mut Self| -> Result<Option<(i64, Latest)>> { Ok(s.plain.next().transpose()?) };
        Ok(match (p, q) {
            (None, None) => None,
            (Some(a), Some(b)) if a == b => {
                let plain = take_plain(self)?;
                let packed = self.packed.next();
                match (plain, packed) {
                    (Some((rid, l)), Some((_, (aid, d, h)))) if aid > l.audit_id => {
                        Some((rid, self.packed_last(aid, d, h)))
                    }
                    (Some((rid, l)), _) => Some((rid, Last::Plain(l))),
                    (None, _) => None,
                }
            }
            (Some(a), Some(b)) if a > b => self.take_packed(),
            (None, Some(_)) => self.take_packed(),
            _ => take_plain(self)?.map(|(rid, l)| (rid, Last::Plain(l))),
        })
    }

    fn take_packed(&mut self) -> Option<(i64, Last)> {
        let (rid, (aid, d, h)) = self.packed.next()?;
        Some((rid, self.packed_last(aid, d, h)))
    }

    fn packed_last(&self, audit_id: i64, digest: [u8; 16], header: usize) -> Last {
        Last::Packed {
            audit_id,
            digest,
            header,
        }
    }

    /// Compare the row with its latest record (a pack entry by digest
    /// first; on a difference, the whole image for the message).
    pub fn compare(
        &self,
        table: &str,
        id: i64,
        current: &Map<String, Value>,
        last: Last,
        report: &mut Report,
    ) -> Result<()> {
        match last {
            Last::Plain(l) => compare(table, id, current, &l, report),
            Last::Packed {
                audit_id,
                digest: d,
                ..
            } if d == digest(current) => {
                let _ = audit_id;
            }
            Last::Packed {
                audit_id, header, ..
            } => {
                let (at, user) = self.headers[header].clone();
                let after = records(self.conn, Scope::Id(audit_id))?
                    .pop()
                    .and_then(|r| r.after);
                let l = Latest {
                    audit_id,
                    action: "insert".into(),
                    after,
                    at,
                    user,
                };
                compare(table, id, current, &l, report);
            }
        }
        Ok(())
    }
}

impl Last {
    /// As a plain latest record (for a row that is gone).
    pub fn latest_with(&self, headers: &[(String, String)]) -> Latest {
        match self {
            Last::Plain(l) => Latest {
                audit_id: l.audit_id,
                action: l.action.clone(),
                after: None,
                at: l.at.clone(),
                user: l.user.clone(),
            },
            Last::Packed {
                audit_id, header, ..
            } => Latest {
                audit_id: *audit_id,
                action: "insert".into(),
                after: None,
                at: headers[*header].0.clone(),
                user: headers[*header].1.clone(),
            },
        }
    }
}

impl Merged<'_> {
    /// [`Last::latest_with`] with this table's pack headers.
    pub fn latest(&self, last: &Last) -> Latest {
        last.latest_with(&self.headers)
    }
}
