//! What the matrix shows of the loaded data: which rows, in which order,
//! and the totals per meeting over those rows. Computed when the data, the
//! sort or the filter changes, never while drawing.

use fuzzy_matcher::skim::SkimMatcherV2;
use fuzzy_matcher::FuzzyMatcher;

pub use crate::db::attendance::rate;
use crate::db::attendance::Matrix;

/// The order of the rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// The organisation's order (`job_titles.sort_order`).
    #[default]
    Organisation,
    /// Highest attendance rate first.
    Rate,
    /// By name (character code order).
    Name,
}

impl Sort {
    pub fn label(self) -> &'static str {
        match self {
            Sort::Organisation => "組織順",
            Sort::Rate => "出席率順",
            Sort::Name => "名前順",
        }
    }

    pub fn next(self) -> Sort {
        match self {
            Sort::Organisation => Sort::Rate,
            Sort::Rate => Sort::Name,
            Sort::Name => Sort::Organisation,
        }
    }
}

/// The rows shown, as indices into `Matrix::titles`, and per meeting how
/// many of those rows attended.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct View {
    pub rows: Vec<usize>,
    pub meeting_counts: Vec<usize>,
}

impl View {
    /// Attendances over all shown rows and meetings.
    pub fn total(&self) -> usize {
        self.meeting_counts.iter().sum()
    }
}

/// Rows of `m`: titles that attended at least one of its meetings (all
/// titles with `show_all`), matching `filter` fuzzily (on the name and its
/// former names), in `sort` order.
pub fn compute(m: &Matrix, sort: Sort, show_all: bool, filter: &str) -> View {
    let filter = filter.trim();
    let matcher = SkimMatcherV2::default();
    let mut rows: Vec<usize> = m
        .titles
        .iter()
        .enumerate()
        .filter(|(_, t)| show_all || t.count > 0)
        .filter(|(_, t)| filter.is_empty() || matcher.fuzzy_match(&t.label(), filter).is_some())
        .map(|(i, _)| i)
        .collect();
    let by_org = |a: &usize, b: &usize| {
        let (x, y) = (&m.titles[*a], &m.titles[*b]);
        x.sort_order.cmp(&y.sort_order).then(x.id.cmp(&y.id))
    };
    match sort {
        Sort::Organisation => rows.sort_by(by_org),
        Sort::Rate => rows.sort_by(|a, b| {
            // Every row has the same meetings, so the count orders the rate.
            m.titles[*b]
                .count
                .cmp(&m.titles[*a].count)
                .then_with(|| by_org(a, b))
        }),
        Sort::Name => rows.sort_by(|a, b| {
            m.titles[*a]
                .name
                .cmp(&m.titles[*b].name)
                .then_with(|| by_org(a, b))
        }),
    }
    let meeting_counts = (0..m.meetings.len())
        .map(|c| rows.iter().filter(|&&r| m.attended(r, c)).count())
        .collect();
    View {
        rows,
        meeting_counts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::attendance::{MatrixMeeting, MatrixTitle};

    fn sample() -> Matrix {
        let d = chrono::NaiveDate::from_ymd_opt(2017, 4, 20).expect("date");
        let meetings = (1..=3)
            .map(|i| MatrixMeeting {
                id: i,
                fiscal_year: 2017,
                number: i as u32,
                date: d,
            })
            .collect();
        let title = |id: i64, name: &str, sort_order| MatrixTitle {
            id,
            name: name.into(),
            sort_order,
            former: Vec::new(),
            count: 0,
        };
        let mut m = Matrix::new(
            2017,
            2017,
            meetings,
            vec![
                title(1, "区長", 10),
                title(2, "総務課長", 20),
                title(3, "戸籍課長", 30),
                title(4, "税務課長", 40),
            ],
        );
        m.set(0, 0, true);
        m.set(1, 0, true);
        m.set(1, 1, true);
        m.set(1, 2, true);
        m.set(2, 2, true);
        m
    }

    #[test]
    fn rows_sort_and_filter() {
        let m = sample();
        let v = compute(&m, Sort::Organisation, false, "");
        assert_eq!(v.rows, vec![0, 1, 2]);
        assert_eq!(v.meeting_counts, vec![2, 1, 2]);
        assert_eq!(v.total(), 5);
        assert_eq!(
            compute(&m, Sort::Organisation, true, "").rows,
            vec![0, 1, 2, 3]
        );
        // Rate: 総務課長 (3) first; 区長 and 戸籍課長 (1 each) keep their order.
        assert_eq!(compute(&m, Sort::Rate, false, "").rows, vec![1, 0, 2]);
        // Name: code-point order: 区 (U+533A) < 戸 (U+6238) < 総 (U+7DCF).
        assert_eq!(compute(&m, Sort::Name, false, "").rows, vec![0, 2, 1]);
        let f = compute(&m, Sort::Organisation, false, "課長");
        assert_eq!(f.rows, vec![1, 2]);
        assert_eq!(f.meeting_counts, vec![1, 1, 2]);
    }

    #[test]
    fn rates_round_half_up() {
        assert_eq!(rate(5, 5), "100%");
        assert_eq!(rate(2, 3), "67%");
        assert_eq!(rate(1, 8), "13%");
        assert_eq!(rate(0, 0), "-");
    }
}
