//! After-images built from the values an INSERT binds, for the rows an
//! import adds by the ten thousand (opinions, agenda items, attendance):
//! the commit then reads back only the other inserted rows (see
//! [`Tx::defer_after_images`]); the scan of those tables was ~0.25 s of a
//! 100k-opinion import.
//!
//! Why the built image is the row as stored, value for value:
//! - every column is either bound or takes its default, and the caller
//!   binds only `i64` (into INTEGER columns), `&str`/`String` (into TEXT
//!   columns) or NULL: SQLite stores an integer in an INTEGER-affinity
//!   column and text in a TEXT-affinity column as bound (no conversion, no
//!   normalisation of the text), and NULL as NULL;
//! - the defaults are constants, written into the image as the schema says
//!   them; the table's columns — names, declared types and defaults, in
//!   order — are compared with the [`Shape`] the image is built for, once
//!   per table per transaction (`PRAGMA table_info`), and a table that
//!   differs in anything is read back as before;
//! - no trigger changes the inserted row (they log to `search_changes`);
//!   as a guard the first built image of each table per transaction is
//!   compared with the row read back, and a difference switches the table
//!   back to reading (and is logged);
//! - `tests/import_built_images.rs` compares built images with the rows
//!   read back for random opinions, and `audit verify` checks every data
//!   row against its recorded after-image.

use std::rc::Rc;

use rusqlite::types::ValueRef;

use super::{audit_json, audit_pack, Result, Tx};

/// A table's columns as an image is built for them: name, declared type,
/// default (as `PRAGMA table_info` gives it).
pub(crate) struct Shape {
    pub table: &'static str,
    pub columns: &'static [(&'static str, &'static str, Option<&'static str>)],
}

pub(crate) const OPINIONS: Shape = Shape {
    table: "opinions",
    columns: &[
        ("id", "INTEGER", None),
        ("item_id", "INTEGER", None),
        ("position", "INTEGER", None),
        ("text", "TEXT", None),
        ("kind", "TEXT", Some("'opinion'")),
        ("speaker_title_id", "INTEGER", None),
        ("visibility", "TEXT", Some("'public'")),
        ("owner", "TEXT", None),
        ("due_date", "TEXT", None),
        ("closed_at", "TEXT", None),
        ("closed_by", "TEXT", None),
        ("version", "INTEGER", Some("1")),
        ("created_at", "TEXT", None),
        ("created_by", "TEXT", None),
        ("updated_at", "TEXT", None),
        ("updated_by", "TEXT", None),
    ],
};

pub(crate) const AGENDA_ITEMS: Shape = Shape {
    table: "agenda_items",
    columns: &[
        ("id", "INTEGER", None),
        ("meeting_id", "INTEGER", None),
        ("number", "INTEGER", None),
        ("title", "TEXT", None),
        ("summary", "TEXT", Some("''")),
        ("version", "INTEGER", Some("1")),
    ],
};

pub(crate) const ATTENDANCE: Shape = Shape {
    table: "attendance",
    columns: &[
        ("id", "INTEGER", None),
        ("meeting_id", "INTEGER", None),
        ("job_title_id", "INTEGER", None),
        ("position", "INTEGER", None),
    ],
};

/// The JSON array text of one row's values, in column order, as
/// `audit::row_values_json` writes it for the row read back.
pub(crate) struct RowJson(String);

impl RowJson {
    pub fn new(id: i64) -> RowJson {
        let mut s = String::with_capacity(256);
        s.push('[');
        audit_json::push_value(&mut s, ValueRef::Integer(id));
        RowJson(s)
    }

    pub fn int(mut self, n: i64) -> RowJson {
        self.0.push(',');
        audit_json::push_value(&mut self.0, ValueRef::Integer(n));
        self
    }

    pub fn text(mut self, t: &str) -> RowJson {
        self.0.push(',');
        // What `push_value` writes for this text, without its UTF-8 check
        // (a `&str` is UTF-8).
        audit_json::push_str(&mut self.0, t);
        self
    }

    pub fn opt_int(self, n: Option<i64>) -> RowJson {
        match n {
            Some(n) => self.int(n),
            None => self.null(),
        }
    }

    pub fn opt_text(self, t: Option<&str>) -> RowJson {
        match t {
            Some(t) => self.text(t),
            None => self.null(),
        }
    }

    fn null(mut self) -> RowJson {
        self.0.push_str(",null");
        self
    }

    pub fn done(mut self) -> String {
        self.0.push(']');
        self.0
    }
}

/// Per table in this transaction: whether its images are built (with its
/// column names), and whether the first built one was checked.
#[derive(Debug)]
pub(super) struct Built {
    table: &'static str,
    columns: Option<Rc<[String]>>,
    checked: bool,
}

impl Tx<'_> {
    /// Insert a row whose after-image `image(id)` builds (see the module
    /// notes), or logged as [`Tx::insert`] does when the table does not
    /// have `shape`.
    pub(crate) fn insert_built(
        &self,
        shape: &Shape,
        sql: &str,
        params: impl rusqlite::Params,
        image: impl FnOnce(i64) -> String,
    ) -> Result<i64> {
        self.tx.prepare_cached(sql)?.execute(params)?;
        let id = self.tx.last_insert_rowid();
        self.log_built(shape, id, image)?;
        Ok(id)
    }

    /// [`Tx::insert_rows`] with each row's image built by `image(k, id)`,
    /// `k` the row's place in the statement.
    pub(crate) fn insert_rows_built(
        &self,
        shape: &Shape,
        sql: &str,
        params: &[&dyn rusqlite::ToSql],
        rows: usize,
        image: impl Fn(usize, i64) -> String,
    ) -> Result<()> {
        let last = self.insert_rows_unlogged(shape.table, sql, params, rows)?;
        let first = last - (rows as i64 - 1);
        for (k, id) in (first..=last).enumerate() {
            self.log_built(shape, id, |id| image(k, id))?;
        }
        Ok(())
    }

    fn log_built(&self, shape: &Shape, id: i64, image: impl FnOnce(i64) -> String) -> Result<()> {
        let Some((columns, check)) = self.built_columns(shape)? else {
            return self.log_insert(shape.table, id);
        };
        let values = image(id);
        if check {
            let read = self.read_image(shape.table, id)?;
            let same =
                matches!(&read, Some(audit_pack::Image::Row { values: v, .. }) if *v == values);
            if !same {
                tracing::warn!(
                    table = shape.table,
                    "組み立てた監査ログの行が読み戻した行と違うため、読み戻しに切り替えます"
                );
                self.stop_building(shape.table);
                return self.log(shape.table, id, "insert", None, read);
            }
        }
        let after = audit_pack::Image::Row { columns, values };
        self.log(shape.table, id, "insert", None, Some(after))
    }

    /// The column names to build `shape`'s images with, and whether this
    /// is the first (checked against the row read back); None when the
    /// table is not as `shape` says.
    fn built_columns(&self, shape: &Shape) -> Result<Option<(Rc<[String]>, bool)>> {
        let mut built = self.built.borrow_mut();
        if let Some(b) = built.iter_mut().find(|b| b.table == shape.table) {
            let check = !std::mem::replace(&mut b.checked, true);
            return Ok(b.columns.clone().map(|c| (c, check)));
        }
        let columns = self.shape_holds(shape)?.then(|| {
            let names: Rc<[String]> = shape.columns.iter().map(|c| c.0.to_string()).collect();
            self.known_columns(shape.table, names)
        });
        built.push(Built {
            table: shape.table,
            columns: columns.clone(),
            checked: true,
        });
        Ok(columns.map(|c| (c, true)))
    }

    fn stop_building(&self, table: &str) {
        if let Some(b) = self
            .built
            .borrow_mut()
            .iter_mut()
            .find(|b| b.table == table)
        {
            b.columns = None;
        }
    }

    /// The table's columns are `shape`'s: names, declared types and
    /// defaults, in order.
    fn shape_holds(&self, shape: &Shape) -> Result<bool> {
        let mut stmt = self
            .tx
            .prepare(&format!("PRAGMA table_info({})", shape.table))?;
        let found = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<String>>(4)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(found.len() == shape.columns.len()
            && found
                .iter()
                .zip(shape.columns)
                .all(|((n, t, d), (sn, st, sd))| {
                    n == sn && t.eq_ignore_ascii_case(st) && d.as_deref() == *sd
                }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::{OpenOptions, Store};

    #[test]
    fn the_shapes_are_the_tables_of_the_latest_schema() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut store =
            Store::open(&dir.path().join("k.db"), OpenOptions::default()).expect("open");
        store
            .write(|tx| {
                for shape in [&OPINIONS, &AGENDA_ITEMS, &ATTENDANCE] {
                    assert!(tx.shape_holds(shape)?, "{}", shape.table);
                }
                // Any difference (here: a default) and the rows are read back.
                let other = Shape {
                    table: "attendance",
                    columns: &[
                        ("id", "INTEGER", None),
                        ("meeting_id", "INTEGER", None),
                        ("job_title_id", "INTEGER", None),
                        ("position", "INTEGER", Some("0")),
                    ],
                };
                assert!(!tx.shape_holds(&other)?);
                assert!(tx.built_columns(&other)?.is_none());
                Ok(())
            })
            .expect("write");
    }

    #[test]
    fn an_image_unlike_the_row_read_back_switches_the_table_to_reading() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut store =
            Store::open(&dir.path().join("k.db"), OpenOptions::default()).expect("open");
        store
            .write(|tx| {
                let c = tx.conn();
                c.execute("INSERT INTO committees (name) VALUES ('会')", [])?;
                c.execute(
                    "INSERT INTO meetings (committee_id, fiscal_year, number, date,
                       created_at, created_by, updated_at, updated_by)
                     VALUES (1, 2024, 1, '2024-06-10', 't', 'u', 't', 'u')",
                    [],
                )?;
                c.execute("INSERT INTO job_titles (name) VALUES ('区長')", [])?;
                let attend = "INSERT INTO attendance (meeting_id, job_title_id, position)
                              VALUES (?1, ?2, ?3)";
                let id = tx.insert_built(&ATTENDANCE, attend, [1, 1, 0], |id| {
                    RowJson::new(id).int(1).int(1).int(0).done()
                })?;
                // Right: still built.
                assert!(tx.built_columns(&ATTENDANCE)?.is_some());
                let item =
                    "INSERT INTO agenda_items (meeting_id, number, title) VALUES (1, 1, '議題')";
                // Wrong (version 2): read back instead, and from now on.
                let item_id = tx.insert_built(&AGENDA_ITEMS, item, [], |id| {
                    RowJson::new(id)
                        .int(1)
                        .int(1)
                        .text("議題")
                        .text("")
                        .int(2)
                        .done()
                })?;
                assert!(tx.built_columns(&AGENDA_ITEMS)?.is_none());
                let pending = tx.pending.borrow();
                let after = |table: &str, row: i64| {
                    pending
                        .iter()
                        .find(|p| p.table == table && p.row_id == row)
                        .and_then(|p| match &p.after {
                            Some(audit_pack::Image::Row { values, .. }) => Some(values.clone()),
                            _ => None,
                        })
                };
                assert_eq!(after("attendance", id).as_deref(), Some("[1,1,1,0]"));
                let read = format!(r#"[{item_id},1,1,"議題","",1]"#);
                assert_eq!(after("agenda_items", item_id), Some(read));
                Ok(())
            })
            .expect("write");
    }

    #[test]
    fn a_row_is_written_as_row_values_json_writes_it() {
        let s = RowJson::new(7)
            .int(-1)
            .text("区\"\\\n\u{0}")
            .opt_int(None)
            .opt_text(Some(""))
            .done();
        assert_eq!(s, r#"[7,-1,"区\"\\\n\u0000",null,""]"#);
    }
}
