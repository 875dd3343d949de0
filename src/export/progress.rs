//! The progress grid of one fiscal year as the sheet planners assemble by
//! hand: one row per item with its departments, budget, the year's plan and
//! actual, each half's status and 取組の状況, the year's grade and
//! evaluation, indicators and milestones. As CSV (Excel-friendly, see
//! [`super::csv`]) or as a Markdown table.

use crate::db::progress_board::{year_label, Period, ProgressData, ProgressItem};
use crate::model::Half;
use crate::wareki::span;

use super::csv::{encode, to_csv, Cp932Error, Encoding};

/// The header and one row per item that has anything in `fy`.
pub fn grid(data: &ProgressData, fy: i32) -> Vec<Vec<String>> {
    let year = year_label(fy, false);
    let half = |h: Half| Period::new(fy, h).long_label(false);
    let mut rows = vec![vec![
        "計画".to_string(),
        "区分".into(),
        "番号".into(),
        "項目".into(),
        "主担当課".into(),
        "関係課".into(),
        "予算額（千円）".into(),
        format!("計画（{year}）"),
        format!("実績（{year}）"),
        format!("状況（{}）", half(Half::First)),
        format!("取組の状況（{}）", half(Half::First)),
        format!("状況（{}）", half(Half::Second)),
        format!("取組の状況（{}）", half(Half::Second)),
        format!("年度評価（{year}）"),
        "取組工程・指標に対する評価".into(),
        "課題・今後の方針".into(),
        "その他の記載".into(),
        "指標".into(),
        "マイルストーン".into(),
    ]];
    for it in data.items.iter().filter(|it| data.touches_year(it, fy)) {
        rows.push(item_row(data, it, fy));
    }
    rows
}

fn item_row(data: &ProgressData, it: &ProgressItem, fy: i32) -> Vec<String> {
    let entry = |h: Half| it.entry(Period::new(fy, h));
    let text = |h: Half, f: fn(&crate::db::progress_board::Entry) -> &str| {
        entry(h).map(|e| f(e).to_string()).unwrap_or_default()
    };
    let notes = |pick: &dyn Fn(&str) -> bool| {
        it.notes
            .iter()
            .filter(|n| n.fiscal_year == Some(fy) && pick(&n.label))
            .map(|n| n.text.trim().to_string())
            .collect::<Vec<_>>()
            .join("\n")
    };
    let is_eval = |l: &str| l.contains("評価");
    let is_issue = |l: &str| !l.contains("評価") && (l.contains("課題") || l.contains("方針"));
    let others = it
        .notes
        .iter()
        .filter(|n| n.fiscal_year == Some(fy) && !is_eval(&n.label) && !is_issue(&n.label))
        .map(|n| format!("{}: {}", n.label, n.text.trim()))
        .collect::<Vec<_>>()
        .join("\n");
    vec![
        data.plans
            .get(it.plan)
            .map(|p| p.title.clone())
            .unwrap_or_default(),
        it.level.clone(),
        it.code.clone(),
        it.title.clone(),
        it.lead_department.clone().unwrap_or_default(),
        it.co_departments.join("、"),
        it.budget_kyen.map(|b| b.to_string()).unwrap_or_default(),
        text(Half::Year, |e| &e.plan),
        text(Half::Year, |e| &e.actual),
        text(Half::First, |e| &e.status),
        text(Half::First, |e| &e.actual),
        text(Half::Second, |e| &e.status),
        text(Half::Second, |e| &e.actual),
        text(Half::Year, |e| &e.grade),
        notes(&is_eval),
        notes(&is_issue),
        others,
        indicators(it, fy),
        milestones(it, fy),
    ]
}

fn indicators(it: &ProgressItem, fy: i32) -> String {
    it.indicators
        .iter()
        .map(|ind| {
            let actual = [Half::Year, Half::Second, Half::First]
                .into_iter()
                .find_map(|h| ind.value(Period::new(fy, h)))
                .map(|v| v.actual.clone())
                .unwrap_or_default();
            let rate = crate::db::progress_board::achievement(&ind.target, &actual)
                .map(|r| format!("（達成率 {r:.1}%）"))
                .unwrap_or_default();
            format!(
                "{}: 目標 {}{u} / 実績 {actual}{u}{rate}",
                ind.name,
                ind.target,
                u = ind.unit
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn milestones(it: &ProgressItem, fy: i32) -> String {
    it.milestones
        .iter()
        .filter(|m| {
            let a = crate::wareki::fiscal_year(m.span.date);
            let b = crate::wareki::fiscal_year(m.span.last_day());
            a <= fy && fy <= b
        })
        .map(|m| {
            let mark = if m.done { "完了" } else { "未完了" };
            format!("{} {} （{mark}）", span::format(&m.span), m.text)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The grid as CSV bytes in `enc`.
pub fn csv(data: &ProgressData, fy: i32, enc: Encoding) -> Result<Vec<u8>, Cp932Error> {
    encode(&to_csv(&grid(data, fy)), enc)
}

fn md_cell(s: &str) -> String {
    s.trim()
        .replace('|', "\\|")
        .replace("\r\n", "<br>")
        .replace('\n', "<br>")
}

/// The grid as a Markdown table under a heading naming the year.
pub fn markdown(data: &ProgressData, fy: i32) -> String {
    let rows = grid(data, fy);
    let mut out = format!("# 進捗 {}（{fy}年度）\n\n", year_label(fy, false));
    let n = rows.first().map_or(0, Vec::len);
    for (i, row) in rows.iter().enumerate() {
        let cells: Vec<String> = row.iter().map(|c| md_cell(c)).collect();
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
        if i == 0 {
            out.push_str(&format!("|{}\n", "---|".repeat(n)));
        }
    }
    if rows.len() == 1 {
        out.push_str("\n（この年度の項目はありません）\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_cells_keep_the_table() {
        assert_eq!(md_cell("a|b\nc"), "a\\|b<br>c");
    }
}
