//! A plan made in the app, and 年度更新: last year's plan copied into the
//! new fiscal year (codes, titles, levels, departments, links kept;
//! budgets, reviews and evaluations left to fill), each one audited
//! `Store::write`.

use rusqlite::{params, OptionalExtension};

use crate::db::{Result, Store, StoreError, Tx};
use crate::wareki;

/// The kind every ward's yearly plan has.
pub const POLICY_KIND: &str = "運営方針";

/// A new, empty plan as the form gives it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlanFields {
    pub kind: String,
    pub title: String,
    pub organisation: String,
    pub fiscal_year: i32,
}

/// The plan of `kind` and `organisation` for `fy`, if there is one.
pub fn existing_plan(tx: &Tx, kind: &str, organisation: &str, fy: i32) -> Result<Option<i64>> {
    Ok(tx
        .conn()
        .query_row(
            "SELECT id FROM plans WHERE kind = ?1 AND organisation = ?2 AND fiscal_year = ?3
             ORDER BY id LIMIT 1",
            params![kind, organisation, fy],
            |r| r.get(0),
        )
        .optional()?)
}

fn exists_error(kind: &str, organisation: &str, fy: i32) -> StoreError {
    StoreError::Invalid(format!(
        "{}の{organisation}の{kind}はもうあります（同じ年度の計画は一つです）",
        wareki::format_fiscal_year(fy)
    ))
}

/// "平成29年度 旭区運営方針" for FY2018 → "平成30年度 旭区運営方針"; the
/// Western "2017年度" too; a title naming no year gets the new one in front.
pub fn renewed_title(title: &str, from: Option<i32>, to: i32) -> String {
    let Some(fy) = from else {
        return format!("{} {title}", wareki::format_fiscal_year(to));
    };
    let mut out = title.to_string();
    let mut changed = false;
    let era_forms = [
        Some(wareki::format_fiscal_year(fy)),
        wareki::fiscal::fiscal_era_year(fy).map(|(e, y)| format!("{}{y}年度", e.name())),
        wareki::era_year_for_fiscal_year(fy).map(|(e, y)| format!("{}{y}年度", e.name())),
    ];
    if let Some(old) = era_forms.into_iter().flatten().find(|o| out.contains(o)) {
        out = out.replacen(&old, &wareki::format_fiscal_year(to), 1);
        changed = true;
    }
    let western = format!("{fy}年度");
    if out.contains(&western) {
        out = out.replacen(&western, &format!("{to}年度"), 1);
        changed = true;
    }
    if changed {
        out
    } else {
        format!("{} {title}", wareki::format_fiscal_year(to))
    }
}

/// Whether a note is a year's review or evaluation (not copied).
fn is_yearly_note(label: &str, fiscal_year: Option<i32>) -> bool {
    fiscal_year.is_some() || label.contains("振り返り") || label.contains("評価")
}

impl Store {
    /// Create an empty plan. Refused when the organisation already has a
    /// plan of that kind for that year.
    pub fn create_plan(&mut self, f: &PlanFields) -> Result<i64> {
        let (kind, title, org) = (f.kind.trim(), f.title.trim(), f.organisation.trim());
        if title.is_empty() {
            return Err(StoreError::Invalid("計画の題名が空です".into()));
        }
        if kind.is_empty() {
            return Err(StoreError::Invalid(
                "計画の種類が空です（例: 運営方針）".into(),
            ));
        }
        if !(1873..=2200).contains(&f.fiscal_year) {
            return Err(StoreError::Invalid(format!(
                "年度 {} は範囲外です",
                f.fiscal_year
            )));
        }
        self.write_labeled("計画の作成", |tx| {
            if existing_plan(tx, kind, org, f.fiscal_year)?.is_some() {
                return Err(exists_error(kind, org, f.fiscal_year));
            }
            tx.insert(
                "plans",
                "INSERT INTO plans (kind, title, organisation, fiscal_year) VALUES (?1, ?2, ?3, ?4)",
                params![kind, title, org, f.fiscal_year],
            )
        })
    }

    /// 年度更新: copy plan `from` into fiscal year `to` as a new plan, in
    /// one transaction. Returns the new plan's id. Refused when that year's
    /// plan (same kind and organisation) exists.
    pub fn renew_plan(&mut self, from: i64, to: i32) -> Result<i64> {
        self.write_labeled("年度更新", |tx| {
            let row: Option<(String, String, String, Option<i32>, String)> = tx
                .conn()
                .query_row(
                    "SELECT kind, title, organisation, fiscal_year, status_scale FROM plans WHERE id = ?1",
                    [from],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
                )
                .optional()?;
            let Some((kind, title, org, fy, scale)) = row else {
                return Err(StoreError::Invalid("元の計画は削除されています".into()));
            };
            if fy.is_some_and(|fy| fy >= to) {
                return Err(StoreError::Invalid(format!(
                    "{title} は{}の計画です。年度更新はその次の年度へ",
                    wareki::format_fiscal_year(fy.unwrap_or(to))
                )));
            }
            if existing_plan(tx, &kind, &org, to)?.is_some() {
                return Err(exists_error(&kind, &org, to));
            }
            let plan = tx.insert(
                "plans",
                "INSERT INTO plans (kind, title, organisation, fiscal_year, status_scale)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![kind, renewed_title(&title, fy, to), org, to, scale],
            )?;
            copy_nodes(tx, from, plan)?;
            Ok(plan)
        })
    }
}

/// Copy every node of plan `from` into plan `to`, parents before children,
/// with departments, lasting notes, indicator definitions and links.
fn copy_nodes(tx: &Tx, from: i64, to: i64) -> Result<()> {
    type Row = (
        i64,
        Option<i64>,
        i64,
        String,
        String,
        String,
        String,
        Option<String>,
    );
    let rows: Vec<Row> = {
        let mut st = tx.conn().prepare_cached(
            "SELECT id, parent_id, position, level, code, title, body, lead_department
             FROM plan_nodes WHERE plan_id = ?1 ORDER BY id",
        )?;
        let v = st
            .query_map([from], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                ))
            })?
            .collect::<rusqlite::Result<_>>()?;
        v
    };
    let mut new_id = std::collections::HashMap::new();
    let mut pending: Vec<&Row> = rows.iter().collect();
    // Parents first: a pass copies every node whose parent is copied.
    while !pending.is_empty() {
        let before = pending.len();
        let mut rest = Vec::new();
        for r in pending {
            let parent = match r.1 {
                None => None,
                Some(p) => match new_id.get(&p) {
                    Some(n) => Some(*n),
                    None if rows.iter().any(|x| x.0 == p) => {
                        rest.push(r);
                        continue;
                    }
                    None => None,
                },
            };
            let id = tx.insert(
                "plan_nodes",
                "INSERT INTO plan_nodes (plan_id, parent_id, position, level, code, title, body, lead_department)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![to, parent, r.2, r.3, r.4, r.5, r.6, r.7],
            )?;
            new_id.insert(r.0, id);
        }
        if rest.len() == before {
            return Err(StoreError::Invalid(
                "計画の項目の親子がたどれません（循環しています）".into(),
            ));
        }
        pending = rest;
    }
    for (old, new) in &new_id {
        copy_details(tx, *old, *new)?;
    }
    Ok(())
}

fn copy_details(tx: &Tx, old: i64, new: i64) -> Result<()> {
    let c = tx.conn();
    let co: Vec<(i64, String)> = c
        .prepare_cached("SELECT position, name FROM node_co_departments WHERE node_id = ?1")?
        .query_map([old], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (pos, name) in co {
        tx.insert(
            "node_co_departments",
            "INSERT INTO node_co_departments (node_id, position, name) VALUES (?1, ?2, ?3)",
            params![new, pos, name],
        )?;
    }
    let notes: Vec<(i64, String, Option<i32>, String)> = c
        .prepare_cached(
            "SELECT position, label, fiscal_year, text FROM node_notes WHERE node_id = ?1",
        )?
        .query_map([old], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (pos, label, fy, text) in notes {
        if is_yearly_note(&label, fy) {
            continue;
        }
        tx.insert(
            "node_notes",
            "INSERT INTO node_notes (node_id, position, label, text) VALUES (?1, ?2, ?3, ?4)",
            params![new, pos, label, text],
        )?;
    }
    let indicators: Vec<(i64, String, String, String)> = c
        .prepare_cached("SELECT position, name, unit, target FROM indicators WHERE node_id = ?1")?
        .query_map([old], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (pos, name, unit, target) in indicators {
        tx.insert(
            "indicators",
            "INSERT INTO indicators (node_id, position, name, unit, target) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![new, pos, name, unit, target],
        )?;
    }
    let items: Vec<i64> = c
        .prepare_cached("SELECT item_id FROM item_links WHERE node_id = ?1 ORDER BY id")?
        .query_map([old], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for item in items {
        tx.insert(
            "item_links",
            "INSERT INTO item_links (item_id, node_id, created_at, created_by) VALUES (?1, ?2, ?3, ?4)",
            params![item, new, crate::db::now_stamp(), tx.user()],
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_take_the_new_year() {
        assert_eq!(
            renewed_title("平成29年度 旭区運営方針", Some(2017), 2018),
            "平成30年度 旭区運営方針"
        );
        assert_eq!(
            renewed_title("平成30年度 旭区運営方針", Some(2018), 2019),
            "令和元年度 旭区運営方針"
        );
        assert_eq!(
            renewed_title("2018年度(平成30年度)淀川区運営方針", Some(2018), 2019),
            "2019年度(令和元年度)淀川区運営方針"
        );
        assert_eq!(
            renewed_title("旭区運営方針", None, 2026),
            "令和8年度 旭区運営方針"
        );
    }
}
