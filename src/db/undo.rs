//! Undo, from the audit log: a change set is reversed by applying each of
//! its rows' "before" in reverse order, in a new change set that records
//! which one it undoes (so redo is the undo of an undo). A row someone else
//! changed since is never overwritten: the undo stops and says who.

use rusqlite::types::Value as SqlValue;
use rusqlite::OptionalExtension;
use serde_json::Value;

use super::audit::row_json;
use super::audit_read::{last_user, records, Scope};
use super::{Result, Store, StoreError, Tx};

/// Tables an undo may touch: the ones the audit log covers.
use super::audit_verify::DATA_TABLES as TABLES;

struct Change {
    table: String,
    row_id: i64,
    action: String,
    before: Option<Value>,
    after: Option<Value>,
}

impl Store {
    /// Reverse change set `batch`. Returns the new change set's id (undo it
    /// to redo), or None when the change set was empty.
    pub fn undo(&mut self, batch: i64) -> Result<Option<i64>> {
        let label: String = self
            .conn()
            .query_row("SELECT label FROM batches WHERE id = ?1", [batch], |r| {
                r.get(0)
            })
            .optional()?
            .ok_or_else(|| StoreError::Invalid(format!("変更 {batch} は記録にありません")))?;
        self.next_undoes = Some(batch);
        let result = self.write_labeled(&format!("取り消し: {label}"), |tx| undo_in(tx, batch));
        self.next_undoes = None;
        result?;
        Ok(self.last_batch())
    }
}

fn undo_in(tx: &Tx, batch: i64) -> Result<()> {
    let parse = |s: Option<String>| s.and_then(|s| serde_json::from_str(&s).ok());
    let changes: Vec<Change> = records(tx.conn(), Scope::Batch(batch))?
        .into_iter()
        .rev()
        .map(|r| Change {
            table: r.table,
            row_id: r.row_id,
            action: r.action,
            before: parse(r.before),
            after: parse(r.after),
        })
        .collect();
    for c in changes {
        if !TABLES.contains(&c.table.as_str()) {
            return Err(StoreError::Invalid(format!(
                "表 {} は取り消せません",
                c.table
            )));
        }
        let now = row_json(tx.conn(), &c.table, c.row_id)?;
        match c.action.as_str() {
            "insert" | "update" if now != c.after => {
                return Err(conflict(tx, &c.table, c.row_id));
            }
            "delete" if now.is_some() => return Err(conflict(tx, &c.table, c.row_id)),
            "insert" => {
                tx.delete(&c.table, c.row_id)?;
            }
            "update" => restore_update(tx, &c.table, c.row_id, &c.before)?,
            "delete" => restore_insert(tx, &c.table, &c.before)?,
            other => return Err(StoreError::Invalid(format!("知らない変更の種類 {other}"))),
        }
    }
    Ok(())
}

fn conflict(tx: &Tx, table: &str, id: i64) -> StoreError {
    let who = last_user(tx.conn(), table, &[id]).ok().flatten();
    StoreError::Invalid(format!(
        "取り消せません: その後 {} が同じ記録を変更しています",
        who.unwrap_or_else(|| "ほかの人".into())
    ))
}

fn to_sql(v: &Value) -> SqlValue {
    match v {
        Value::Null => SqlValue::Null,
        Value::Bool(b) => SqlValue::Integer(i64::from(*b)),
        Value::Number(n) => match n.as_i64() {
            Some(i) => SqlValue::Integer(i),
            None => SqlValue::Real(n.as_f64().unwrap_or_default()),
        },
        Value::String(s) => SqlValue::Text(s.clone()),
        other => SqlValue::Text(other.to_string()),
    }
}

fn columns(v: &Option<Value>) -> Result<Vec<(String, SqlValue)>> {
    let Some(Value::Object(map)) = v else {
        return Err(StoreError::Invalid("監査ログに元の値がありません".into()));
    };
    Ok(map.iter().map(|(k, v)| (k.clone(), to_sql(v))).collect())
}

/// Set row `row_id` of `table` to `image` (a row image from the audit log),
/// as an audited update.
pub(super) fn restore_update(
    tx: &Tx,
    table: &str,
    row_id: i64,
    image: &Option<Value>,
) -> Result<()> {
    let cols: Vec<_> = columns(image)?
        .into_iter()
        .filter(|(k, _)| k != "id")
        .collect();
    let sets: Vec<String> = cols
        .iter()
        .enumerate()
        .map(|(i, (k, _))| format!("\"{k}\" = ?{}", i + 2))
        .collect();
    let sql = format!("UPDATE {table} SET {} WHERE id = ?1", sets.join(", "));
    let mut params: Vec<SqlValue> = vec![SqlValue::Integer(row_id)];
    params.extend(cols.into_iter().map(|(_, v)| v));
    tx.update(table, row_id, &sql, rusqlite::params_from_iter(params))?;
    Ok(())
}

/// Insert `image` (a row image from the audit log, with its id) into
/// `table` again, as an audited insert.
pub(super) fn restore_insert(tx: &Tx, table: &str, image: &Option<Value>) -> Result<()> {
    let cols = columns(image)?;
    let names: Vec<String> = cols.iter().map(|(k, _)| format!("\"{k}\"")).collect();
    let marks: Vec<String> = (1..=cols.len()).map(|i| format!("?{i}")).collect();
    let sql = format!(
        "INSERT INTO {table} ({}) VALUES ({})",
        names.join(", "),
        marks.join(", ")
    );
    tx.insert(
        table,
        &sql,
        rusqlite::params_from_iter(cols.into_iter().map(|(_, v)| v)),
    )?;
    Ok(())
}
