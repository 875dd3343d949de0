//! Agenda items and entries beyond adding and editing text: deleting an
//! item with its entries and links (audited row by row, so `u` brings all
//! of it back), and an entry's visibility (公開 / 非公開).

use rusqlite::params;

use super::ops::ids;
use super::{now_stamp, Result, Store, StoreError};
use crate::model::Visibility;

impl Store {
    /// Delete agenda item `id` with its entries and policy links, and close
    /// the gap in the meeting's numbering. Every row is audited in the one
    /// change set, so undoing it restores the item exactly.
    pub fn delete_item(&mut self, id: i64) -> Result<()> {
        self.write_labeled("議題の削除", |tx| {
            let (meeting, number): (i64, i64) = tx
                .conn()
                .query_row(
                    "SELECT meeting_id, number FROM agenda_items WHERE id = ?1",
                    [id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .map_err(|_| StoreError::Invalid("この議題はもうありません".into()))?;
            for (table, sql) in [
                ("opinions", "SELECT id FROM opinions WHERE item_id = ?1"),
                ("item_links", "SELECT id FROM item_links WHERE item_id = ?1"),
            ] {
                for row in ids(tx, sql, id)? {
                    tx.delete(table, row)?;
                }
            }
            tx.delete("agenda_items", id)?;
            let later = ids(
                tx,
                &format!(
                    "SELECT id FROM agenda_items WHERE meeting_id = ?1 AND number > {number}
                     ORDER BY number"
                ),
                meeting,
            )?;
            for row in later {
                tx.update(
                    "agenda_items",
                    row,
                    "UPDATE agenda_items SET number = number - 1, version = version + 1 WHERE id = ?1",
                    params![row],
                )?;
            }
            Ok(())
        })
    }

    /// Mark entry `id` public or internal (非公開: left out of the
    /// published page).
    pub fn set_opinion_visibility(&mut self, id: i64, visibility: Visibility) -> Result<()> {
        self.write_labeled("公開区分の変更", |tx| {
            tx.update(
                "opinions",
                id,
                "UPDATE opinions SET visibility = ?2, version = version + 1, updated_at = ?3,
                   updated_by = ?4 WHERE id = ?1",
                params![id, visibility.as_str(), now_stamp(), tx.user()],
            )?;
            Ok(())
        })
    }
}

impl Store {
    /// The day of the newest change to fiscal year `fy`'s meetings, their
    /// items and entries (local time; None when it has none): the
    /// 最終更新日 of its published page.
    pub fn newest_change_in_year(&self, fy: i32) -> Result<Option<chrono::NaiveDate>> {
        let stamp: Option<String> = self.conn().query_row(
            "SELECT max(at) FROM (
               SELECT updated_at AS at FROM meetings WHERE fiscal_year = ?1
               UNION ALL
               SELECT o.updated_at FROM opinions o JOIN agenda_items i ON i.id = o.item_id
                 JOIN meetings m ON m.id = i.meeting_id WHERE m.fiscal_year = ?1)",
            [fy],
            |r| r.get(0),
        )?;
        Ok(stamp.and_then(|s| {
            chrono::DateTime::parse_from_rfc3339(&s)
                .ok()
                .map(|t| t.with_timezone(&chrono::Local).date_naive())
                .or_else(|| s.get(..10).and_then(|d| d.parse().ok()))
        }))
    }
}
