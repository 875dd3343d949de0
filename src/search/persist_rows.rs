//! Finding a row's entries without walking the index: the entry numbers
//! ordered by (table, row id, entry number), stored as a section of the
//! index file and binary-searched. A changed or deleted row's entries in a
//! mapped base are then dropped in time proportional to the change (a
//! walk over every entry took 45–55 ms at 1M opinions).

use super::index::{Doc, Index};

/// What the lookup is ordered by.
#[inline]
fn key(d: &Doc) -> (&'static str, i64) {
    (d.kind.table(), d.id)
}

/// The lookup of `docs` (to write as the file's section).
pub fn row_order(docs: &[Doc]) -> Vec<u32> {
    let mut rows: Vec<u32> = (0..docs.len() as u32).collect();
    rows.sort_unstable_by_key(|&p| (key(&docs[p as usize]), p));
    rows
}

/// `rows` is the lookup of `docs`: one number per entry, each an entry,
/// strictly rising by (table, row id, number) — so each entry is there
/// exactly once. (A file failing this is damaged: a row's entries could
/// be missed, and results be wrong.)
pub fn check_rows(rows: &[u32], docs: &[Doc]) -> Option<()> {
    (rows.len() == docs.len()).then_some(())?;
    let mut prev: Option<((&str, i64), u32)> = None;
    for &p in rows {
        let now = (key(docs.get(p as usize)?), p);
        if prev.is_some_and(|q| q >= now) {
            return None;
        }
        prev = Some(now);
    }
    Some(())
}

impl Index {
    /// The entry numbers (in the base, not places) of the row `id` of
    /// `table`; None when this index has no lookup (a built or patched one).
    pub(super) fn row_entries(&self, table: &str, id: i64) -> Option<&[u32]> {
        if self.rows.len() != self.docs.len() {
            return None;
        }
        let want = (table, id);
        let at = |p: &u32| key(&self.docs[*p as usize]);
        let lo = self.rows.partition_point(|p| at(p) < want);
        let n = self.rows[lo..].partition_point(|p| at(p) == want);
        Some(&self.rows[lo..lo + n])
    }

    /// Give this index its row lookup (a mapped file's comes with it).
    pub fn with_row_lookup(mut self) -> Index {
        self.rows = row_order(&self.docs).into();
        self
    }

    /// This index without its row lookup: changes then walk every entry
    /// (the code before the lookup, for `benches/apply.rs`' baseline).
    #[doc(hidden)]
    pub fn without_row_lookup(mut self) -> Index {
        self.rows = Default::default();
        self
    }

    /// Whether [`Index::row_entries`] can answer.
    pub fn has_row_lookup(&self) -> bool {
        self.rows.len() == self.docs.len()
    }
}

#[cfg(test)]
mod tests {
    use super::super::index::DocKind;
    use super::*;

    fn doc(id: i64, kind: DocKind) -> Doc {
        Doc {
            id,
            parent: 1,
            day: 1,
            fiscal_year: 2020,
            meeting_no: 1,
            speaker: 0,
            kind,
        }
    }

    #[test]
    fn the_order_is_checked_and_a_bad_one_refused() {
        let docs = [
            doc(5, DocKind::Opinion),
            doc(2, DocKind::ItemTitle),
            doc(5, DocKind::Owner),
            doc(1, DocKind::Opinion),
            doc(2, DocKind::ItemSummary),
        ];
        let rows = row_order(&docs);
        // agenda_items 2 (1, 4), then opinions 1 (3), 5 (0, 2).
        assert_eq!(rows, vec![1, 4, 3, 0, 2]);
        assert!(check_rows(&rows, &docs).is_some());
        for bad in [
            vec![1, 4, 3, 2, 0],
            vec![1, 4, 3, 0, 0],
            vec![1, 4, 3, 0],
            vec![1, 4, 3, 0, 2, 2],
            vec![1, 4, 3, 0, 9],
        ] {
            assert!(check_rows(&bad, &docs).is_none(), "{bad:?}");
        }
    }
}
