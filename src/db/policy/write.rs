//! Writes to the policy tree and to the links: each one short transaction,
//! audited row by row, undoable as one change set.

use rusqlite::{params, OptionalExtension};

use crate::db::{conflict, now_stamp, Result, Store, StoreError, Tx};

/// A node as the conflict prompt shows it.
const NODE_AS_TEXT: &str =
    "title || '：' || body || coalesce('（予算 ' || budget_kyen || ' 千円）', '')";

/// The fields of a node as the edit form shows them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NodeFields {
    pub level: String,
    pub code: String,
    pub title: String,
    pub body: String,
    /// 千円; None is "no budget".
    pub budget_kyen: Option<i64>,
}

impl NodeFields {
    fn check(&self) -> Result<()> {
        if self.title.trim().is_empty() {
            return Err(StoreError::Invalid("題名が空です".into()));
        }
        if self.level.trim().is_empty() {
            return Err(StoreError::Invalid(
                "階層名が空です（例: 経営課題、戦略、具体的取組）".into(),
            ));
        }
        if self.budget_kyen.is_some_and(|b| b < 0) {
            return Err(StoreError::Invalid("予算額が負の数です".into()));
        }
        Ok(())
    }
}

/// Where a node sits: its plan and parent.
fn place(tx: &Tx, id: i64) -> Result<(i64, Option<i64>)> {
    tx.conn()
        .query_row(
            "SELECT plan_id, parent_id FROM plan_nodes WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?
        .ok_or_else(|| StoreError::Invalid("この項目は削除されています".into()))
}

/// The children of `parent` in `plan`, in order.
fn siblings(tx: &Tx, plan: i64, parent: Option<i64>) -> Result<Vec<i64>> {
    let mut stmt = tx.conn().prepare_cached(
        "SELECT id FROM plan_nodes WHERE plan_id = ?1 AND parent_id IS ?2 ORDER BY position, id",
    )?;
    let ids = stmt
        .query_map(params![plan, parent], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(ids)
}

/// Give `ordered` the positions 0, 1, 2 … (only rows that change are written).
fn renumber(tx: &Tx, ordered: &[i64]) -> Result<()> {
    for (pos, id) in ordered.iter().enumerate() {
        tx.update(
            "plan_nodes",
            *id,
            "UPDATE plan_nodes SET position = ?2 WHERE id = ?1 AND position IS NOT ?2",
            params![id, pos as i64],
        )?;
    }
    Ok(())
}

/// Every node of the subtree under `id` (itself included), children first.
fn subtree_post_order(tx: &Tx, id: i64) -> Result<Vec<i64>> {
    let mut stmt = tx
        .conn()
        .prepare_cached("SELECT id FROM plan_nodes WHERE parent_id = ?1 ORDER BY position, id")?;
    let mut out = Vec::new();
    let mut stack = vec![(id, false)];
    while let Some((n, expanded)) = stack.pop() {
        if expanded {
            out.push(n);
            continue;
        }
        stack.push((n, true));
        let kids: Vec<i64> = stmt
            .query_map([n], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        stack.extend(kids.into_iter().rev().map(|k| (k, false)));
    }
    Ok(out)
}

/// Move `id` under `new_parent` after `after` (or last), renumbering both
/// sibling lists.
fn reparent(tx: &Tx, id: i64, new_parent: Option<i64>, after: Option<i64>) -> Result<()> {
    let (plan, old_parent) = place(tx, id)?;
    if let Some(p) = new_parent {
        let (p_plan, _) = place(tx, p)?;
        if p_plan != plan {
            return Err(StoreError::Invalid(
                "別の計画の項目の下には移せません".into(),
            ));
        }
        if subtree_post_order(tx, id)?.contains(&p) {
            return Err(StoreError::Invalid(
                "自分自身やその下の項目の下には移せません".into(),
            ));
        }
    }
    let mut old = siblings(tx, plan, old_parent)?;
    old.retain(|x| *x != id);
    let mut new = if new_parent == old_parent {
        old.clone()
    } else {
        siblings(tx, plan, new_parent)?
    };
    let at = after
        .and_then(|a| new.iter().position(|x| *x == a))
        .map_or(new.len(), |i| i + 1);
    new.insert(at, id);
    tx.update(
        "plan_nodes",
        id,
        "UPDATE plan_nodes SET parent_id = ?2, position = ?3, version = version + 1
         WHERE id = ?1 AND parent_id IS NOT ?2",
        params![id, new_parent, at as i64],
    )?;
    if new_parent != old_parent {
        renumber(tx, &old)?;
    }
    renumber(tx, &new)?;
    Ok(())
}

fn ids(tx: &Tx, sql: &str, id: i64) -> Result<Vec<i64>> {
    let mut stmt = tx.conn().prepare_cached(sql)?;
    let rows = stmt
        .query_map([id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

impl Store {
    /// Add a node under `parent` (None: a top node of the plan), right after
    /// the sibling `after` or else at the end. Returns its id.
    pub fn add_node(
        &mut self,
        plan_id: i64,
        parent: Option<i64>,
        after: Option<i64>,
        f: &NodeFields,
    ) -> Result<i64> {
        f.check()?;
        self.write_labeled("運営方針の項目の追加", |tx| {
            if let Some(p) = parent {
                let (plan, _) = place(tx, p)?;
                if plan != plan_id {
                    return Err(StoreError::Invalid("親の項目が別の計画にあります".into()));
                }
            }
            let mut order = siblings(tx, plan_id, parent)?;
            let id = tx.insert(
                "plan_nodes",
                "INSERT INTO plan_nodes (plan_id, parent_id, position, level, code, title, body, budget_kyen)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    plan_id,
                    parent,
                    order.len() as i64,
                    f.level.trim(),
                    f.code.trim(),
                    f.title.trim(),
                    f.body,
                    f.budget_kyen
                ],
            )?;
            if let Some(i) = after.and_then(|a| order.iter().position(|x| *x == a)) {
                order.insert(i + 1, id);
                renumber(tx, &order)?;
            }
            Ok(id)
        })
    }

    /// Save a node's fields, unless someone else saved it since `version`.
    pub fn update_node(&mut self, id: i64, version: i64, f: &NodeFields) -> Result<()> {
        f.check()?;
        self.write_labeled("運営方針の項目の編集", |tx| {
            conflict::expect_version(tx, "plan_nodes", id, version, NODE_AS_TEXT)?;
            tx.update(
                "plan_nodes",
                id,
                "UPDATE plan_nodes SET level = ?2, code = ?3, title = ?4, body = ?5, budget_kyen = ?6,
                   version = version + 1
                 WHERE id = ?1 AND (level, code, title, body, budget_kyen) IS NOT (?2, ?3, ?4, ?5, ?6)",
                params![
                    id,
                    f.level.trim(),
                    f.code.trim(),
                    f.title.trim(),
                    f.body,
                    f.budget_kyen
                ],
            )?;
            Ok(())
        })
    }

    /// Move a node up (-1) or down (+1) among its siblings. False when it is
    /// already first or last.
    pub fn move_node(&mut self, id: i64, delta: i32) -> Result<bool> {
        self.write_labeled("運営方針の項目の並べ替え", |tx| {
            let (plan, parent) = place(tx, id)?;
            let mut order = siblings(tx, plan, parent)?;
            let Some(i) = order.iter().position(|x| *x == id) else {
                return Ok(false);
            };
            let Some(j) = i
                .checked_add_signed(delta as isize)
                .filter(|j| *j < order.len())
            else {
                return Ok(false);
            };
            order.swap(i, j);
            renumber(tx, &order)?;
            Ok(true)
        })
    }

    /// Move a node (with everything under it) to a new parent in the same
    /// plan (None: to the top), after the sibling `after` or else last.
    pub fn reparent_node(
        &mut self,
        id: i64,
        new_parent: Option<i64>,
        after: Option<i64>,
    ) -> Result<()> {
        self.write_labeled("運営方針の項目の移動", |tx| {
            reparent(tx, id, new_parent, after)
        })
    }

    /// `<`: move a node to `new_parent` (last among its children) and give
    /// it and the nodes under it the levels and codes of their new place
    /// (`relabel`: id, level, code), in one transaction.
    pub fn outdent_node(
        &mut self,
        id: i64,
        new_parent: Option<i64>,
        relabel: &[(i64, String, String)],
    ) -> Result<()> {
        self.write_labeled("運営方針の項目を一つ上の階層へ", |tx| {
            let below = subtree_post_order(tx, id)?;
            if let Some(stray) = relabel.iter().find(|r| !below.contains(&r.0)) {
                return Err(StoreError::Invalid(format!(
                    "項目 {} は移す項目の下にありません（表示が古いようです。もう一度どうぞ）",
                    stray.0
                )));
            }
            reparent(tx, id, new_parent, None)?;
            for (node, level, code) in relabel {
                if level.trim().is_empty() {
                    return Err(StoreError::Invalid("階層名が空です".into()));
                }
                tx.update(
                    "plan_nodes",
                    *node,
                    "UPDATE plan_nodes SET level = ?2, code = ?3, version = version + 1
                     WHERE id = ?1 AND (level, code) IS NOT (?2, ?3)",
                    params![node, level, code],
                )?;
            }
            Ok(())
        })
    }

    /// Delete a node with everything under it and hanging off it (each row
    /// logged, so undo brings it all back). Returns how many nodes went.
    pub fn delete_node(&mut self, id: i64) -> Result<usize> {
        self.write_labeled("運営方針の項目の削除", |tx| {
            let (plan, parent) = place(tx, id)?;
            let nodes = subtree_post_order(tx, id)?;
            for node in &nodes {
                for (table, sql) in [
                    ("item_links", "SELECT id FROM item_links WHERE node_id = ?1"),
                    ("node_notes", "SELECT id FROM node_notes WHERE node_id = ?1"),
                    (
                        "node_co_departments",
                        "SELECT id FROM node_co_departments WHERE node_id = ?1",
                    ),
                    ("progress", "SELECT id FROM progress WHERE node_id = ?1"),
                    (
                        "indicator_values",
                        "SELECT v.id FROM indicator_values v JOIN indicators i ON i.id = v.indicator_id
                         WHERE i.node_id = ?1",
                    ),
                    ("indicators", "SELECT id FROM indicators WHERE node_id = ?1"),
                    ("milestones", "SELECT id FROM milestones WHERE node_id = ?1"),
                ] {
                    for row in ids(tx, sql, *node)? {
                        tx.delete(table, row)?;
                    }
                }
                tx.delete("plan_nodes", *node)?;
            }
            renumber(tx, &siblings(tx, plan, parent)?)?;
            Ok(nodes.len())
        })
    }

    /// Make the agenda item's links exactly `nodes` (in one change set),
    /// unless they changed since the screen showed the set whose
    /// [`conflict::fingerprint_ids`] is `opened`.
    pub fn set_item_links(&mut self, item_id: i64, opened: i64, nodes: &[i64]) -> Result<()> {
        self.write_labeled("議題と運営方針の関連づけ", |tx| {
            let mut stmt = tx.conn().prepare_cached(
                "SELECT l.id, l.node_id, n.code || ' ' || n.title FROM item_links l
                 JOIN plan_nodes n ON n.id = l.node_id WHERE l.item_id = ?1 ORDER BY l.id",
            )?;
            let rows: Vec<(i64, i64, String)> = stmt
                .query_map([item_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<rusqlite::Result<_>>()?;
            let ids: Vec<i64> = rows.iter().map(|r| r.1).collect();
            let names: Vec<&str> = rows.iter().map(|r| r.2.trim()).collect();
            let now = (conflict::fingerprint_ids(&ids), names.join("、"));
            let by = || {
                conflict::last_editor_of(
                    tx,
                    "item_links",
                    "SELECT id FROM item_links WHERE item_id = ?1",
                    item_id,
                )
            };
            if now.0 != opened {
                let by = by().unwrap_or_else(|| "ほかの人".into());
                conflict::expect_named(tx, "item_links", item_id, opened, Some(now), Some(by))?;
            }
            let current: Vec<(i64, i64)> = rows.iter().map(|r| (r.0, r.1)).collect();
            for (row, node) in &current {
                if !nodes.contains(node) {
                    tx.delete("item_links", *row)?;
                }
            }
            for node in nodes {
                if !current.iter().any(|(_, n)| n == node) {
                    insert_link(tx, item_id, *node)?;
                }
            }
            Ok(())
        })
    }

    /// Add links (item, node), skipping those that exist. Returns how many
    /// were added.
    pub fn add_links(&mut self, pairs: &[(i64, i64)]) -> Result<usize> {
        self.write_labeled("議題と運営方針の関連づけ", |tx| {
            let mut added = 0;
            for (item, node) in pairs {
                let exists: Option<i64> = tx
                    .conn()
                    .query_row(
                        "SELECT id FROM item_links WHERE item_id = ?1 AND node_id = ?2",
                        params![item, node],
                        |r| r.get(0),
                    )
                    .optional()?;
                if exists.is_none() {
                    insert_link(tx, *item, *node)?;
                    added += 1;
                }
            }
            Ok(added)
        })
    }

    /// Set the note `label` for `fiscal_year` on a node (中間振り返り,
    /// 自己評価 …); empty text removes it. `shown` is the text the editor
    /// opened with ("" for none): a note someone saved since is not
    /// overwritten.
    pub fn set_node_note(
        &mut self,
        node_id: i64,
        label: &str,
        fiscal_year: Option<i32>,
        shown: &str,
        text: &str,
    ) -> Result<()> {
        self.write_labeled(&format!("{label}の記入"), |tx| {
            place(tx, node_id)?;
            let row: Option<(i64, String)> = tx
                .conn()
                .query_row(
                    "SELECT id, text FROM node_notes WHERE node_id = ?1 AND label = ?2 AND fiscal_year IS ?3",
                    params![node_id, label, fiscal_year],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let (existing, now) = match row {
                Some((id, now)) => (Some(id), now),
                None => (None, String::new()),
            };
            let row_id = existing.unwrap_or(node_id);
            conflict::expect_value(tx, "node_notes", row_id, shown, Some(now))?;
            match (existing, text.trim().is_empty()) {
                (Some(id), true) => {
                    tx.delete("node_notes", id)?;
                }
                (Some(id), false) => {
                    tx.update(
                        "node_notes",
                        id,
                        "UPDATE node_notes SET text = ?2, version = version + 1 WHERE id = ?1 AND text <> ?2",
                        params![id, text],
                    )?;
                }
                (None, true) => {}
                (None, false) => {
                    tx.insert(
                        "node_notes",
                        "INSERT INTO node_notes (node_id, position, label, fiscal_year, text)
                         VALUES (?1, (SELECT coalesce(max(position), -1) + 1 FROM node_notes WHERE node_id = ?1),
                           ?2, ?3, ?4)",
                        params![node_id, label, fiscal_year, text],
                    )?;
                }
            }
            Ok(())
        })
    }
}

fn insert_link(tx: &Tx, item: i64, node: i64) -> Result<i64> {
    tx.insert(
        "item_links",
        "INSERT INTO item_links (item_id, node_id, created_at, created_by) VALUES (?1, ?2, ?3, ?4)",
        params![item, node, now_stamp(), tx.user()],
    )
}

impl Store {
    /// Remove the link between an agenda item and a node.
    pub fn remove_link(&mut self, item_id: i64, node_id: i64) -> Result<()> {
        self.write_labeled("議題と運営方針の関連の解除", |tx| {
            let row: Option<i64> = tx
                .conn()
                .query_row(
                    "SELECT id FROM item_links WHERE item_id = ?1 AND node_id = ?2",
                    params![item_id, node_id],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(row) = row {
                tx.delete("item_links", row)?;
            }
            Ok(())
        })
    }
}
