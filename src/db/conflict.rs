//! Concurrent edits: every edit carries what it was opened from (the row's
//! `version`, or a fingerprint of the value shown when the row has no
//! version), and the write refuses with [`StoreError::Conflict`] when the
//! row moved on since — checked inside the same `BEGIN IMMEDIATE`
//! transaction as the write, so nothing can slip in between. The screen
//! then asks: keep mine (write again with their version), keep theirs, or
//! edit the two together.

use std::hash::{Hash, Hasher};

use rusqlite::{params, OptionalExtension};

use super::audit_read::last_user;

use super::{Result, StoreError, Tx};

/// A stable number for a value shown on screen (for rows without a
/// `version`): the same text gives the same number in every session of
/// this build.
pub fn fingerprint(text: &str) -> i64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut h);
    h.finish() as i64
}

/// Who last wrote a row of `table` among the rows `rows_sql` selects (its
/// one parameter is `key`), from the audit log.
pub(crate) fn last_editor_of(tx: &Tx, table: &str, rows_sql: &str, key: i64) -> Option<String> {
    let ids: Vec<i64> = tx
        .conn()
        .prepare(rows_sql)
        .and_then(|mut s| s.query_map(params![key], |r| r.get(0))?.collect())
        .ok()?;
    last_user(tx.conn(), table, &ids).ok().flatten()
}

/// The fingerprint of a set of ids (order does not matter).
pub fn fingerprint_ids(ids: &[i64]) -> i64 {
    let mut v = ids.to_vec();
    v.sort_unstable();
    v.dedup();
    let s: Vec<String> = v.iter().map(i64::to_string).collect();
    fingerprint(&s.join(","))
}

/// Who last changed row `id` of `table`, from the audit log.
pub(crate) fn last_editor(tx: &Tx, table: &str, id: i64) -> String {
    last_user(tx.conn(), table, &[id])
        .ok()
        .flatten()
        .unwrap_or_else(|| "ほかの人".into())
}

/// The one check every edit goes through: `now` is the row as it is in the
/// database (its version or fingerprint, and its content as the user reads
/// it), None when it was deleted; `opened` is what the editor started from.
pub(crate) fn expect(
    tx: &Tx,
    table: &str,
    id: i64,
    opened: i64,
    now: Option<(i64, String)>,
) -> Result<()> {
    expect_named(tx, table, id, opened, now, None)
}

/// [`expect`] for a value made of several rows (links, departments): `by`
/// names who saved it when the rows' own ids do not (None: from the audit
/// log of row `id`).
pub(crate) fn expect_named(
    tx: &Tx,
    table: &str,
    id: i64,
    opened: i64,
    now: Option<(i64, String)>,
    by: Option<String>,
) -> Result<()> {
    match now {
        None => Err(StoreError::Invalid(
            "この記録は開いた後に削除されています。入力した内容は画面に残っています".into(),
        )),
        Some((version, theirs)) if version != opened => {
            let by = by.unwrap_or_else(|| last_editor(tx, table, id));
            tracing::warn!(
                table,
                id,
                opened,
                now = version,
                by = %by,
                "競合: 開いた後にほかの人が保存しています"
            );
            Err(StoreError::Conflict {
                id,
                by,
                version,
                theirs,
            })
        }
        Some(_) => Ok(()),
    }
}

/// Check the row's `version` column. `theirs` is an SQL expression over
/// the row giving its content as the user reads it (e.g. `text`).
pub(crate) fn expect_version(
    tx: &Tx,
    table: &str,
    id: i64,
    opened: i64,
    theirs: &str,
) -> Result<()> {
    let now = tx
        .conn()
        .query_row(
            &format!(
                "SELECT version, CAST(coalesce({theirs}, '') AS TEXT) FROM {table} WHERE id = ?1"
            ),
            [id],
            |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)),
        )
        .optional()?;
    expect(tx, table, id, opened, now)
}

/// Check a value of a row without a `version`: `now` is its current value
/// (None: the row is gone), `shown` what the editor showed. The conflict
/// carries the fingerprint of their value.
pub(crate) fn expect_value(
    tx: &Tx,
    table: &str,
    id: i64,
    shown: &str,
    now: Option<String>,
) -> Result<()> {
    expect_value_named(tx, table, id, shown, now, None)
}

/// [`expect_value`] naming who saved it (see [`expect_named`]).
pub(crate) fn expect_value_named(
    tx: &Tx,
    table: &str,
    id: i64,
    shown: &str,
    now: Option<String>,
    by: Option<String>,
) -> Result<()> {
    let now = now.map(|v| (fingerprint(&v), v));
    expect_named(tx, table, id, fingerprint(shown), now, by)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_tell_values_apart_and_ignore_id_order() {
        assert_eq!(fingerprint("あ"), fingerprint("あ"));
        assert_ne!(fingerprint("あ"), fingerprint("い"));
        assert_eq!(fingerprint_ids(&[3, 1, 2]), fingerprint_ids(&[1, 2, 3]));
        assert_ne!(fingerprint_ids(&[1, 2]), fingerprint_ids(&[1, 2, 3]));
        assert_eq!(fingerprint_ids(&[]), fingerprint(""));
    }
}
