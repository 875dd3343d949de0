//! Attendance by job title: the matrix the 出席 pane and the CSV export
//! read, and the writes that change it (one cell, merging renamed titles).
//!
//! A title renamed by a reorganisation (組織改正) points at the title that
//! replaced it through `job_titles.merged_into`; the matrix shows one row per
//! title that is not merged into another, carrying the attendance of every
//! name merged into it. The attendance rows themselves keep the name used at
//! the time, so merging and splitting change only `merged_into` (audited and
//! undoable like every write).

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};

use super::export::parse_date;
use super::{Result, Store, StoreError, Tx};

/// One meeting column of the matrix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatrixMeeting {
    pub id: i64,
    pub fiscal_year: i32,
    pub number: u32,
    pub date: NaiveDate,
}

/// One row of the matrix: a job title and the former names merged into it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatrixTitle {
    pub id: i64,
    pub name: String,
    /// The organisation's order (`job_titles.sort_order`).
    pub sort_order: i64,
    /// Names merged into this one (旧職名), in the organisation's order.
    pub former: Vec<String>,
    /// Meetings of the matrix this title attended (under any of its names).
    pub count: usize,
}

impl MatrixTitle {
    /// "総務課長（旧 庶務課長）", or just the name when nothing is merged.
    pub fn label(&self) -> String {
        if self.former.is_empty() {
            self.name.clone()
        } else {
            format!("{}（旧 {}）", self.name, self.former.join("・"))
        }
    }
}

/// Job titles × meetings of a range of fiscal years.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Matrix {
    pub first_year: i32,
    pub last_year: i32,
    /// In date order.
    pub meetings: Vec<MatrixMeeting>,
    /// Every title not merged into another, in the organisation's order
    /// (also those that attended none of these meetings).
    pub titles: Vec<MatrixTitle>,
    /// Row-major: `cells[t * meetings.len() + m]`.
    cells: Vec<bool>,
}

impl Matrix {
    /// A matrix with nobody attending (fill it with [`Matrix::set`]).
    pub fn new(
        first_year: i32,
        last_year: i32,
        meetings: Vec<MatrixMeeting>,
        titles: Vec<MatrixTitle>,
    ) -> Self {
        let cells = vec![false; meetings.len() * titles.len()];
        let mut m = Matrix {
            first_year,
            last_year,
            meetings,
            titles,
            cells,
        };
        for t in &mut m.titles {
            t.count = 0;
        }
        m
    }

    pub fn attended(&self, title: usize, meeting: usize) -> bool {
        let w = self.meetings.len();
        meeting < w
            && self
                .cells
                .get(title * w + meeting)
                .copied()
                .unwrap_or(false)
    }

    /// Mark a cell, keeping the title's count right.
    pub fn set(&mut self, title: usize, meeting: usize, attended: bool) {
        let w = self.meetings.len();
        if meeting >= w {
            return;
        }
        let Some(cell) = self.cells.get_mut(title * w + meeting) else {
            return;
        };
        if *cell != attended {
            *cell = attended;
            if let Some(t) = self.titles.get_mut(title) {
                if attended {
                    t.count += 1;
                } else {
                    t.count = t.count.saturating_sub(1);
                }
            }
        }
    }

    pub fn title_index(&self, id: i64) -> Option<usize> {
        self.titles.iter().position(|t| t.id == id)
    }

    pub fn meeting_index(&self, id: i64) -> Option<usize> {
        self.meetings.iter().position(|m| m.id == id)
    }
}

/// "60%" (rounded half up), or "-" when there is nothing to divide by.
pub fn rate(count: usize, of: usize) -> String {
    if of == 0 {
        "-".to_string()
    } else {
        format!("{}%", (count * 200 + of) / (of * 2))
    }
}

/// Every title's id → the title it was merged into.
fn merge_links(conn: &Connection) -> Result<HashMap<i64, Option<i64>>> {
    let mut stmt = conn.prepare_cached("SELECT id, merged_into FROM job_titles")?;
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// The title `id` finally stands under, following `merged_into`. A chain
/// that loops or points at a missing row stops where it breaks.
fn root(links: &HashMap<i64, Option<i64>>, id: i64) -> i64 {
    let mut cur = id;
    for _ in 0..=links.len() {
        match links.get(&cur).copied().flatten() {
            Some(next) if next != id && links.contains_key(&next) => cur = next,
            _ => return cur,
        }
    }
    cur
}

/// `title` and every title merged into it (directly or through others).
fn group(conn: &Connection, title: i64) -> Result<Vec<i64>> {
    let links = merge_links(conn)?;
    Ok(links
        .keys()
        .copied()
        .filter(|id| root(&links, *id) == title)
        .collect())
}

fn title_name(conn: &Connection, id: i64) -> Result<String> {
    conn.query_row("SELECT name FROM job_titles WHERE id = ?1", [id], |r| {
        r.get(0)
    })
    .optional()?
    .ok_or_else(|| StoreError::Invalid("この職名は削除されています".into()))
}

impl Store {
    /// The attendance matrix of fiscal years `first_year..=last_year`.
    pub fn attendance_matrix(&self, first_year: i32, last_year: i32) -> Result<Matrix> {
        let (first_year, last_year) = (first_year.min(last_year), first_year.max(last_year));
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT id, fiscal_year, number, date FROM meetings
             WHERE fiscal_year BETWEEN ?1 AND ?2 ORDER BY date, start_time, number, id",
        )?;
        let raw: Vec<(i64, i32, u32, String)> = stmt
            .query_map([first_year, last_year], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let meetings = raw
            .into_iter()
            .map(|(id, fiscal_year, number, date)| {
                Ok(MatrixMeeting {
                    id,
                    fiscal_year,
                    number,
                    date: parse_date(&date)?,
                })
            })
            .collect::<Result<Vec<_>>>()?;

        let links = merge_links(conn)?;
        let mut stmt = conn.prepare_cached(
            "SELECT id, name, sort_order FROM job_titles ORDER BY sort_order, id",
        )?;
        let all: Vec<(i64, String, i64)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut titles: Vec<MatrixTitle> = all
            .iter()
            .filter(|(id, _, _)| root(&links, *id) == *id)
            .map(|(id, name, sort_order)| MatrixTitle {
                id: *id,
                name: name.clone(),
                sort_order: *sort_order,
                former: Vec::new(),
                count: 0,
            })
            .collect();
        let row_of: HashMap<i64, usize> =
            titles.iter().enumerate().map(|(i, t)| (t.id, i)).collect();
        for (id, name, _) in &all {
            let r = root(&links, *id);
            if r != *id {
                if let Some(&row) = row_of.get(&r) {
                    titles[row].former.push(name.clone());
                }
            }
        }
        let col_of: HashMap<i64, usize> = meetings
            .iter()
            .enumerate()
            .map(|(i, m)| (m.id, i))
            .collect();
        let mut matrix = Matrix::new(first_year, last_year, meetings, titles);
        let mut stmt = conn.prepare_cached(
            "SELECT a.meeting_id, a.job_title_id FROM attendance a
             JOIN meetings m ON m.id = a.meeting_id WHERE m.fiscal_year BETWEEN ?1 AND ?2",
        )?;
        let rows = stmt.query_map([first_year, last_year], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
        })?;
        for row in rows {
            let (meeting, title) = row?;
            let (Some(&m), Some(&t)) = (col_of.get(&meeting), row_of.get(&root(&links, title)))
            else {
                continue;
            };
            matrix.set(t, m, true);
        }
        Ok(matrix)
    }

    /// Record that `title` (a row of the matrix: it or any name merged into
    /// it) attended `meeting`, or did not. Attending appends the title at
    /// the end of the meeting's list; not attending removes every name of
    /// the row. Returns whether anything changed (someone else may have
    /// made the same change first).
    pub fn set_attendance(&mut self, meeting: i64, title: i64, attend: bool) -> Result<bool> {
        let label = if attend {
            "出席の記録"
        } else {
            "出席の取り消し"
        };
        self.write_labeled(label, |tx| {
            let changed = set_attendance_in(tx, meeting, title, attend)?;
            if changed {
                // The attendance is part of the meeting: a checklist opened
                // before this sees a newer meeting and asks.
                tx.update(
                    "meetings",
                    meeting,
                    "UPDATE meetings SET version = version + 1 WHERE id = ?1",
                    [meeting],
                )?;
            }
            Ok(changed)
        })
    }

    /// Merge the row of `from` (a former name, 旧職名) into the row of
    /// `into` (the name that replaced it).
    pub fn merge_job_titles(&mut self, from: i64, into: i64) -> Result<()> {
        self.write_labeled("職名の統合", |tx| {
            let links = merge_links(tx.conn())?;
            let (from, into) = (root(&links, from), root(&links, into));
            let (from_name, into_name) =
                (title_name(tx.conn(), from)?, title_name(tx.conn(), into)?);
            if from == into {
                return Err(StoreError::Invalid(format!(
                    "「{from_name}」と「{into_name}」はすでに同じ行です"
                )));
            }
            tx.update(
                "job_titles",
                from,
                "UPDATE job_titles SET merged_into = ?2 WHERE id = ?1",
                params![from, into],
            )?;
            Ok(())
        })
    }

    /// Undo the merges into `title`: each name merged directly into it gets
    /// its own row again. Returns how many names were split off.
    pub fn split_job_title(&mut self, title: i64) -> Result<usize> {
        self.write_labeled("職名の分離", |tx| {
            let name = title_name(tx.conn(), title)?;
            let mut stmt = tx.conn().prepare(
                "SELECT id FROM job_titles WHERE merged_into = ?1 ORDER BY sort_order, id",
            )?;
            let merged: Vec<i64> = stmt
                .query_map([title], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            if merged.is_empty() {
                return Err(StoreError::Invalid(format!(
                    "「{name}」には統合された旧職名がありません"
                )));
            }
            for id in &merged {
                tx.update(
                    "job_titles",
                    *id,
                    "UPDATE job_titles SET merged_into = NULL WHERE id = ?1",
                    [id],
                )?;
            }
            Ok(merged.len())
        })
    }
}

fn set_attendance_in(tx: &Tx, meeting: i64, title: i64, attend: bool) -> Result<bool> {
    let exists: Option<i64> = tx
        .conn()
        .query_row("SELECT id FROM meetings WHERE id = ?1", [meeting], |r| {
            r.get(0)
        })
        .optional()?;
    if exists.is_none() {
        return Err(StoreError::Invalid("この会議は削除されています".into()));
    }
    title_name(tx.conn(), title)?;
    let names = group(tx.conn(), title)?;
    let mut stmt = tx
        .conn()
        .prepare("SELECT id, job_title_id FROM attendance WHERE meeting_id = ?1")?;
    let present: Vec<i64> = stmt
        .query_map([meeting], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?
        .into_iter()
        .filter(|(_, t)| names.contains(t))
        .map(|(row, _)| row)
        .collect();
    if attend {
        if !present.is_empty() {
            return Ok(false);
        }
        tx.insert(
            "attendance",
            "INSERT INTO attendance (meeting_id, job_title_id, position)
             VALUES (?1, ?2, (SELECT coalesce(max(position), -1) + 1 FROM attendance WHERE meeting_id = ?1))",
            params![meeting, title],
        )?;
        return Ok(true);
    }
    for row in &present {
        tx.delete("attendance", *row)?;
    }
    Ok(!present.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_follows_chains_and_survives_loops() {
        let links: HashMap<i64, Option<i64>> = [
            (1, Some(2)),
            (2, Some(3)),
            (3, None),
            (4, Some(5)),
            (5, Some(4)),
            (6, Some(99)),
        ]
        .into_iter()
        .collect();
        assert_eq!(root(&links, 1), 3);
        assert_eq!(root(&links, 3), 3);
        // A loop stops somewhere inside it instead of spinning.
        assert!([4, 5].contains(&root(&links, 4)));
        // A dangling link leaves the title on its own row.
        assert_eq!(root(&links, 6), 6);
    }

    #[test]
    fn counts_follow_the_cells() {
        let d = NaiveDate::from_ymd_opt(2017, 4, 20).expect("date");
        let meeting = |id| MatrixMeeting {
            id,
            fiscal_year: 2017,
            number: id as u32,
            date: d,
        };
        let title = MatrixTitle {
            id: 1,
            name: "総務課長".into(),
            sort_order: 10,
            former: vec!["庶務課長".into()],
            count: 7,
        };
        let mut m = Matrix::new(2017, 2017, vec![meeting(1), meeting(2)], vec![title]);
        assert_eq!(m.titles[0].count, 0);
        m.set(0, 1, true);
        m.set(0, 1, true);
        assert_eq!(m.titles[0].count, 1);
        assert!(m.attended(0, 1) && !m.attended(0, 0) && !m.attended(0, 2));
        m.set(0, 1, false);
        assert_eq!(m.titles[0].count, 0);
        assert_eq!(m.titles[0].label(), "総務課長（旧 庶務課長）");
    }
}
