//! Published operating-policy pages (運営方針, seed 001 and every ward's
//! variants of it).
//!
//! ```text
//! 平成29年度 旭区運営方針                       ← title (or 2018年度(平成30年度)…)
//! 【区の目標(何をめざすのか)】  ・ …             ← 目標 nodes, one per entry
//! 【区の使命(どのような役割を担うのか)】 ・ …     ← 使命 nodes
//! 【平成29年度 区運営の基本的な考え方(区長の方針)】 … ← 区長の方針
//! 【経営課題1 …】 body                          ← or 経営課題 1 …, 【1 …】
//! 【戦略1-1 …】 body                            ← or 【1-1 …】, <1-1 …>, ①【…】, 主な戦略 lists
//! 【具体的取組1-1-1 …】 body, (平成29年度予算額:7,133千円) or (…:-円)
//! 【取組項目】 ・ title   【取組内容】 ・ body    ← 市政改革プラン pairs
//! ```
//!
//! Headings are recognised by [`super::policy_heading`]; every other line is
//! placed somewhere (an entry, a node's body, a budget) or skipped as page
//! chrome, and the [`Report`] says which, line by line.

use super::lines::{is_footer, norm, unradical, Line};
use super::policy_flat::build_tree;
pub use super::policy_flat::{Options, PART_LEVEL};
use super::policy_heading::{classify, Kind};
use super::policy_lines::{headings_after_the_end, label, title_parts};
use super::policy_read::{Mode, Reader};
use super::policy_report::{Placed, Report};
use super::ImportError;
use crate::model::{Dataset, Plan};

/// A policy page read: the plan, the warnings, and what each line became.
#[derive(Debug, Clone)]
pub struct PolicyParse {
    pub dataset: Dataset,
    pub warnings: Vec<String>,
    pub report: Report,
}

/// Does this page look like an operating-policy page: a title line, and at
/// least one heading of the plan's own.
pub fn looks_like_policy(lines: &[Line]) -> bool {
    let titled = lines.iter().any(|l| title_parts(&l.text).is_some());
    lines.iter().any(|l| {
        let normed = norm(&l.text);
        classify(&normed).is_some_and(|h| {
            let strong = match h.kind {
                Kind::Level(_) => !h.code.is_empty(),
                Kind::Goals | Kind::Missions | Kind::Circled | Kind::StrategyList => true,
                _ => false,
            };
            // Without a title line only a bracketed heading says "policy".
            strong && (titled || normed.starts_with('【'))
        })
    })
}

pub fn parse(file: &str, lines: &[Line]) -> Result<Dataset, ImportError> {
    parse_with(file, lines, Options::default()).map(|p| p.dataset)
}

pub fn parse_with(file: &str, lines: &[Line], opts: Options) -> Result<PolicyParse, ImportError> {
    let Some(title_idx) = lines.iter().position(|l| title_parts(&l.text).is_some()) else {
        return Err(ImportError {
            file: file.to_string(),
            line: None,
            message: "運営方針の題名（例「平成29年度 旭区運営方針」）が見つかりません".into(),
        });
    };
    let title = unradical(&lines[title_idx].text);
    let (fy, organisation) = title_parts(&title).unwrap_or_default();
    let mut r = Reader {
        file,
        flat: Vec::new(),
        mode: Mode::Preamble,
        circled: None,
        report: Report::default(),
        warnings: Vec::new(),
        empty_list: None,
        part: None,
    };
    for l in &lines[..=title_idx] {
        r.report.push(l, Placed::Skipped("題名まで"));
    }
    let normed_title = norm(&title);
    let mut ended_by_page = false;
    for (i, line) in lines.iter().enumerate().skip(title_idx + 1) {
        let normed = norm(&line.text);
        let repeated_title = r.mode != Mode::Preamble && normed.starts_with(&normed_title);
        if is_footer(&line.text) || repeated_title {
            ended_by_page = true;
            for l in &lines[i..] {
                r.report
                    .push(l, Placed::Skipped("本文の後（ページの飾り）"));
            }
            r.warnings
                .extend(headings_after_the_end(file, line, &lines[i + 1..]));
            break;
        }
        r.line(line, &normed)?;
    }
    r.finish(opts, ended_by_page)?;
    let Reader {
        flat,
        report,
        warnings,
        ..
    } = r;
    if flat.is_empty() {
        return Err(ImportError {
            file: file.to_string(),
            line: None,
            message: "運営方針の項目（【経営課題…】など）が一つもありません".into(),
        });
    }
    let labels: Vec<String> = flat.iter().map(|f| label(&f.node)).collect();
    let report = report.with_labels(labels);
    let plan = Plan {
        kind: "運営方針".into(),
        title,
        organisation,
        fiscal_year: Some(fy),
        status_scale: Vec::new(),
        nodes: build_tree(flat),
    };
    Ok(PolicyParse {
        dataset: Dataset {
            plans: vec![plan],
            ..Dataset::default()
        },
        warnings,
        report,
    })
}
