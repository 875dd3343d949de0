//! The progress board's read model: every progress item (reform items,
//! policy initiatives, any node with progress entries, indicators or
//! milestones) with its periods, notes, indicators and milestones, and every
//! 宿題 from the minutes. Collected in one go on the database thread so the
//! screen never waits on SQLite.

use chrono::NaiveDate;

mod load;

use crate::model::{Half, Precision};

/// Levels that are progress items even before anything is recorded on them.
pub const ITEM_LEVELS: &[&str] = &["改革項目", "具体的な改革項目", "具体的取組", "取組項目"];

/// The status scale of a plan that does not name its own (seed 004's).
pub const DEFAULT_STATUS_SCALE: &[&str] = &["前倒し", "予定通り進捗", "遅れ", "未着手", "完了"];

/// Grades offered even when a plan has used none yet.
pub const DEFAULT_GRADES: &[&str] = &["A", "B", "C"];

/// A fiscal year and a half of it (or the whole year).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    pub fiscal_year: i32,
    pub half: Half,
}

impl Period {
    pub fn new(fiscal_year: i32, half: Half) -> Self {
        Period { fiscal_year, half }
    }

    /// The period a date falls in (a half year).
    pub fn of_date(d: NaiveDate) -> Self {
        let half = match crate::wareki::half_year(d) {
            crate::wareki::HalfYear::First => Half::First,
            crate::wareki::HalfYear::Second => Half::Second,
        };
        Period::new(crate::wareki::fiscal_year(d), half)
    }

    /// "H25上", "H25下", "H25年度" (the fiscal year named by the one rule,
    /// `wareki::fiscal::fiscal_era_year`: FY2019 is R1上, R1下, as its long
    /// label 令和元年度上半期), or "FY2013 H1", "FY2013 H2", "FY2013".
    pub fn short_label(&self, western: bool) -> String {
        if western {
            return match self.half {
                Half::First => format!("FY{} H1", self.fiscal_year),
                Half::Second => format!("FY{} H2", self.fiscal_year),
                Half::Year => format!("FY{}", self.fiscal_year),
            };
        }
        if crate::wareki::fiscal::fiscal_era_year(self.fiscal_year).is_none() {
            return self.short_label(true);
        }
        let suffix = match self.half {
            Half::First => "上",
            Half::Second => "下",
            Half::Year => "年度",
        };
        let y = crate::wareki::fiscal::short_fiscal_year(self.fiscal_year);
        format!("{y}{suffix}")
    }

    /// "平成25年度上半期", "平成25年度" (or "2013年度上半期").
    pub fn long_label(&self, western: bool) -> String {
        let year = year_label(self.fiscal_year, western);
        match self.half {
            Half::Year => year,
            h => format!("{year}{}", h.label_ja()),
        }
    }

    /// First and last day.
    pub fn bounds(&self) -> (NaiveDate, NaiveDate) {
        let (start, end) = crate::wareki::fiscal_year_bounds(self.fiscal_year);
        let oct = NaiveDate::from_ymd_opt(self.fiscal_year, 10, 1).unwrap_or(start);
        match self.half {
            Half::Year => (start, end),
            Half::First => (start, oct.pred_opt().unwrap_or(oct)),
            Half::Second => (oct, end),
        }
    }
}

/// "平成25年度" or "2013年度".
pub fn year_label(fy: i32, western: bool) -> String {
    if western {
        format!("{fy}年度")
    } else {
        crate::wareki::format_fiscal_year(fy)
    }
}

/// Achievement rate of `actual` against `target` when both read as numbers.
pub fn achievement(target: &str, actual: &str) -> Option<f64> {
    let num = |s: &str| -> Option<f64> {
        let t = crate::wareki::normalize_digits(s).replace(',', "");
        let n: String = t
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == '-')
            .collect();
        n.parse::<f64>().ok()
    };
    let (t, a) = (num(target)?, num(actual)?);
    (t != 0.0).then(|| a / t * 100.0)
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProgressData {
    pub plans: Vec<PlanInfo>,
    /// Items in plan order, depth first.
    pub items: Vec<ProgressItem>,
    /// Every 宿題, open first by due date.
    pub actions: Vec<ActionItem>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlanInfo {
    pub id: i64,
    pub kind: String,
    pub title: String,
    pub fiscal_year: Option<i32>,
    /// The plan's statuses, best first (its own, or the default), then any
    /// other status its entries use.
    pub status_scale: Vec<String>,
    /// Grades, best first: A/B/C and whatever the plan's entries use.
    pub grade_scale: Vec<String>,
}

/// A node named in a breadcrumb or as a group.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NodeRef {
    pub id: i64,
    pub level: String,
    pub code: String,
    pub title: String,
}

impl NodeRef {
    /// "1-1 にぎわい・活力の創出と商店街振興".
    pub fn label(&self) -> String {
        if self.code.is_empty() {
            self.title.clone()
        } else {
            format!("{} {}", self.code, self.title)
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProgressItem {
    pub node_id: i64,
    pub version: i64,
    /// Index into [`ProgressData::plans`].
    pub plan: usize,
    /// How many ancestors are items themselves (indentation).
    pub depth: usize,
    /// The nearest ancestor that is not an item (the group it is shown under).
    pub group: Option<NodeRef>,
    /// How many ancestors above the group are items (the group's indentation).
    pub group_depth: usize,
    /// Every ancestor, root first.
    pub path: Vec<NodeRef>,
    pub level: String,
    pub code: String,
    pub title: String,
    pub body: String,
    pub budget_kyen: Option<i64>,
    pub lead_department: Option<String>,
    pub co_departments: Vec<String>,
    /// Sorted by period.
    pub entries: Vec<Entry>,
    pub notes: Vec<NoteRow>,
    pub indicators: Vec<IndicatorRow>,
    /// In date order.
    pub milestones: Vec<MilestoneRow>,
}

impl ProgressData {
    /// Whether `item` has anything in fiscal year `fy`: its plan's year,
    /// an entry, a note or a milestone span.
    pub fn touches_year(&self, item: &ProgressItem, fy: i32) -> bool {
        self.plans.get(item.plan).and_then(|p| p.fiscal_year) == Some(fy)
            || item.entries.iter().any(|e| e.period.fiscal_year == fy)
            || item.notes.iter().any(|n| n.fiscal_year == Some(fy))
            || item.milestones.iter().any(|m| {
                let a = crate::wareki::fiscal_year(m.span.date);
                let b = crate::wareki::fiscal_year(m.span.last_day());
                a <= fy && fy <= b
            })
    }
}

impl ProgressItem {
    pub fn entry(&self, p: Period) -> Option<&Entry> {
        self.entries
            .binary_search_by(|e| e.period.cmp(&p))
            .ok()
            .map(|i| &self.entries[i])
    }

    /// "10 区役所間・区役所と本庁との協議制度の確立".
    pub fn label(&self) -> String {
        if self.code.is_empty() {
            self.title.clone()
        } else {
            format!("{} {}", self.code, self.title)
        }
    }
}

/// One row of `progress`: plan against actual for a node and a period.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Entry {
    pub id: i64,
    pub period: Period,
    pub plan: String,
    pub actual: String,
    pub status: String,
    pub grade: String,
    pub note: String,
    pub version: i64,
}

impl Default for Period {
    fn default() -> Self {
        Period::new(0, Half::Year)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NoteRow {
    pub id: i64,
    pub label: String,
    pub fiscal_year: Option<i32>,
    pub text: String,
    pub version: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IndicatorRow {
    pub id: i64,
    pub name: String,
    pub unit: String,
    pub target: String,
    pub values: Vec<IndicatorValueRow>,
}

impl IndicatorRow {
    pub fn value(&self, p: Period) -> Option<&IndicatorValueRow> {
        self.values.iter().find(|v| v.period == p)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IndicatorValueRow {
    pub id: i64,
    pub period: Period,
    pub actual: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MilestoneRow {
    pub id: i64,
    pub span: crate::wareki::span::Span,
    pub text: String,
    pub done: bool,
}

/// A 宿題 recorded in the minutes, with the meeting it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionItem {
    pub id: i64,
    pub text: String,
    pub owner: Option<String>,
    pub due: Option<NaiveDate>,
    pub closed_at: Option<String>,
    pub closed_by: Option<String>,
    pub version: i64,
    pub meeting_id: i64,
    pub fiscal_year: i32,
    pub meeting_number: u32,
    pub meeting_date: NaiveDate,
    pub item_number: u32,
    pub item_title: String,
}

impl ActionItem {
    pub fn is_closed(&self) -> bool {
        self.closed_at.is_some()
    }

    /// Open and due before `today`.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        !self.is_closed() && self.due.is_some_and(|d| d < today)
    }
}

#[cfg(test)]
mod tests {
    use super::load::grade_scale;
    use super::*;

    #[test]
    fn grades_best_first() {
        let g = grade_scale(["B+", "S", "", "A"].into_iter());
        assert_eq!(g, vec!["S", "A", "B+", "B", "C"]);
    }

    #[test]
    fn periods_order_and_bounds() {
        let a = Period::new(2013, Half::First);
        let b = Period::new(2013, Half::Second);
        let y = Period::new(2013, Half::Year);
        assert!(a < b && b < y && y < Period::new(2014, Half::First));
        let d = |m, day| NaiveDate::from_ymd_opt(2013, m, day).expect("date");
        assert_eq!(b.bounds().0, d(10, 1));
        assert_eq!(a.bounds().1, d(9, 30));
        assert_eq!(Period::of_date(d(9, 30)), a);
    }
}
