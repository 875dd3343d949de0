//! What the policy reader understood, line by line: the report `--dry-run`
//! and the app's preview show before anything is written. Nothing is placed
//! without a word: every line of the page is a heading, an entry, a body
//! line of a named node, a budget, or skipped with the reason.

use super::lines::Line;
use crate::model::group_kyen;
use crate::model::Plan;

/// What became of one line. The indexes are nodes in reading order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placed {
    Skipped(&'static str),
    Heading(usize),
    Entry(usize),
    Body(usize),
    Budget(usize, Option<i64>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub line: usize,
    pub text: String,
    pub placed: Placed,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub entries: Vec<Entry>,
    /// "経営課題1 安全なまち" for each node index.
    pub labels: Vec<String>,
}

impl Report {
    pub fn push(&mut self, line: &Line, placed: Placed) {
        self.entries.push(Entry {
            line: line.no,
            text: line.text.clone(),
            placed,
        });
    }

    pub fn with_labels(mut self, labels: Vec<String>) -> Report {
        self.labels = labels;
        self
    }

    fn name(&self, i: usize) -> &str {
        self.labels
            .get(i)
            .map_or("（読み込まない項目）", String::as_str)
    }

    /// The lines kept as body text, with the node they went to.
    pub fn body_lines(&self) -> impl Iterator<Item = (usize, &str, &str)> {
        self.entries.iter().filter_map(|e| match e.placed {
            Placed::Body(i) => Some((e.line, e.text.as_str(), self.name(i))),
            _ => None,
        })
    }

    /// The report as lines of text: the plan, counts per level, budgets, and
    /// every line with what it became.
    pub fn render(&self, plan: &Plan) -> Vec<String> {
        let mut out = summary(plan);
        out.push("行ごとの読み方:".into());
        for e in &self.entries {
            let what = match &e.placed {
                Placed::Skipped(why) => format!("読み飛ばし（{why}）"),
                Placed::Heading(i) => format!("見出し → {}", self.name(*i)),
                Placed::Entry(i) => format!("項目 → {}", self.name(*i)),
                Placed::Body(i) => format!("本文 → {}", self.name(*i)),
                Placed::Budget(i, b) => format!("予算 {} → {}", kyen(*b), self.name(*i)),
            };
            out.push(format!("  {}行目 {what}: {}", e.line, e.text));
        }
        out
    }
}

fn kyen(b: Option<i64>) -> String {
    b.map_or_else(
        || "なし（-円）".into(),
        |k| format!("{}千円", group_kyen(k)),
    )
}

/// The plan, its counts per level in order of first appearance, budgets.
pub fn summary(plan: &Plan) -> Vec<String> {
    let mut counts: Vec<(String, usize)> = Vec::new();
    // Initiatives' budgets add up; a 経営課題's own amount is a total of its
    // own and is shown apart, never added to them.
    let (mut leaf, mut leaf_total, mut none) = (0, 0i64, 0);
    let (mut upper, mut upper_total) = (0, 0i64);
    for (_, n) in plan.walk() {
        match counts.iter_mut().find(|(l, _)| *l == n.level) {
            Some((_, c)) => *c += 1,
            None => counts.push((n.level.clone(), 1)),
        }
        match (n.budget_kyen, n.children.is_empty()) {
            (Some(k), true) => (leaf, leaf_total) = (leaf + 1, leaf_total + k),
            (Some(k), false) => (upper, upper_total) = (upper + 1, upper_total + k),
            (None, _) => none += usize::from(n.level == "具体的取組"),
        }
    }
    let year = plan
        .fiscal_year
        .map_or_else(String::new, |y| format!("{y}年度・"));
    let counts: Vec<String> = counts.iter().map(|(l, c)| format!("{l} {c}")).collect();
    let mut out = vec![
        format!("運営方針「{}」（{year}{}）", plan.title, plan.organisation),
        format!("階層ごとの数: {}", counts.join("、")),
        format!(
            "予算額: {leaf} 件、合計 {} 千円（予算なしの具体的取組 {none} 件）",
            group_kyen(leaf_total)
        ),
    ];
    if upper > 0 {
        out.push(format!(
            "上位の項目の予算額: {upper} 件、計 {} 千円（上の合計には含めません）",
            group_kyen(upper_total)
        ));
    }
    out
}
