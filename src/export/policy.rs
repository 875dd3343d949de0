//! The policy tree for other people's tools: Markdown (a table per plan) and
//! CSV (one row per node), budgets in 千円 with the roll-up of each parent.
//! "No budget" is `-` in Markdown and an empty cell in CSV, never 0.

use crate::db::policy::group_kyen;
use crate::db::{PlanView, PolicyTree};
use crate::wareki;

fn plans(tree: &PolicyTree, fiscal_year: Option<i32>) -> impl Iterator<Item = &PlanView> {
    tree.plans
        .iter()
        .filter(move |p| fiscal_year.is_none() || p.fiscal_year == fiscal_year)
}

fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace(['\r', '\n'], " ")
}

fn md_budget(b: Option<i64>) -> String {
    b.map_or_else(|| "-".into(), group_kyen)
}

/// Every plan (or those of one fiscal year) as Markdown.
pub fn to_markdown(tree: &PolicyTree, fiscal_year: Option<i32>) -> String {
    let mut out = String::from("# 運営方針・計画（予算は千円）\n");
    for plan in plans(tree, fiscal_year) {
        out.push_str(&format!("\n## {}\n\n", md_cell(&plan.title)));
        if !plan.kind.is_empty() {
            out.push_str(&format!("- 種別: {}\n", md_cell(&plan.kind)));
        }
        if let Some(fy) = plan.fiscal_year {
            out.push_str(&format!("- 年度: {}\n", wareki::format_fiscal_year(fy)));
        }
        if !plan.organisation.is_empty() {
            out.push_str(&format!("- 組織: {}\n", md_cell(&plan.organisation)));
        }
        out.push_str(&format!("- 階層: {}\n", plan.hierarchy().join(" > ")));
        out.push_str(&format!(
            "- 予算合計: {}\n\n",
            plan.total()
                .map_or_else(|| "予算なし".into(), |t| format!("{} 千円", group_kyen(t)))
        ));
        out.push_str("| 階層 | コード | 題名 | 予算（千円） | 合計（千円） |\n");
        out.push_str("|---|---|---|--:|--:|\n");
        for n in &plan.nodes {
            out.push_str(&format!(
                "| {} | {} | {}{} | {} | {} |\n",
                md_cell(&n.level),
                md_cell(&n.code),
                "\u{3000}".repeat(n.depth),
                md_cell(&n.title),
                md_budget(n.budget_kyen),
                md_budget(n.rolled_up)
            ));
        }
    }
    out
}

/// Every node as a CSV row (header first); feed to `export::csv::to_csv`.
pub fn csv_rows(tree: &PolicyTree, fiscal_year: Option<i32>) -> Vec<Vec<String>> {
    let mut rows = vec![[
        "計画",
        "種別",
        "年度",
        "組織",
        "階層",
        "コード",
        "題名",
        "深さ",
        "親コード",
        "予算（千円）",
        "合計（千円）",
        "関連する議題の数",
    ]
    .map(String::from)
    .to_vec()];
    let num = |b: Option<i64>| b.map(|b| b.to_string()).unwrap_or_default();
    for plan in plans(tree, fiscal_year) {
        for n in &plan.nodes {
            let parent_code = n
                .parent
                .and_then(|p| plan.nodes.iter().find(|x| x.id == p))
                .map(|p| p.code.clone())
                .unwrap_or_default();
            rows.push(vec![
                plan.title.clone(),
                plan.kind.clone(),
                plan.fiscal_year
                    .map(wareki::format_fiscal_year)
                    .unwrap_or_default(),
                plan.organisation.clone(),
                n.level.clone(),
                n.code.clone(),
                n.title.clone(),
                n.depth.to_string(),
                parent_code,
                num(n.budget_kyen),
                num(n.rolled_up),
                n.links.len().to_string(),
            ]);
        }
    }
    rows
}
