//! The meetings and the opinions as tables for Excel: one row per meeting,
//! one row per opinion (決定 and 宿題 included, with owner, due date and
//! closing). Feed to [`super::csv::to_csv`] and [`super::csv::encode`].

use crate::model::{Meeting, Visibility};
use crate::wareki;

fn time(t: Option<chrono::NaiveTime>) -> String {
    t.map(|t| t.format("%H:%M").to_string()).unwrap_or_default()
}

/// One row per meeting, header first.
pub fn meetings(meetings: &[&Meeting]) -> Vec<Vec<String>> {
    let mut rows = vec![[
        "会議体",
        "年度",
        "年度（和暦）",
        "回",
        "日付",
        "日付（和暦）",
        "開始",
        "終了",
        "場所",
        "状態",
        "出席者数",
        "出席者",
        "議題数",
        "議題",
        "意見数",
        "決定数",
        "宿題数",
    ]
    .map(String::from)
    .to_vec()];
    for m in meetings {
        let count = |k: crate::model::OpinionKind| {
            m.items
                .iter()
                .flat_map(|i| &i.opinions)
                .filter(|o| o.kind == k)
                .count()
                .to_string()
        };
        let titles: Vec<String> = m
            .items
            .iter()
            .map(|i| format!("({}){}", i.number, i.title))
            .collect();
        rows.push(vec![
            m.committee.clone(),
            m.fiscal_year.to_string(),
            wareki::format_fiscal_year(m.fiscal_year),
            m.number.to_string(),
            m.date.format("%Y-%m-%d").to_string(),
            wareki::format_date_weekday(m.date),
            time(m.start),
            time(m.end),
            m.place.clone(),
            m.status.label_ja().to_string(),
            m.attendees.len().to_string(),
            m.attendees.join("、"),
            m.items.len().to_string(),
            titles.join("\n"),
            count(crate::model::OpinionKind::Opinion),
            count(crate::model::OpinionKind::Decision),
            count(crate::model::OpinionKind::Action),
        ]);
    }
    rows
}

/// One row per opinion, 決定 and 宿題 of `meetings`, header first.
pub fn opinions(meetings: &[&Meeting]) -> Vec<Vec<String>> {
    let mut rows = vec![[
        "会議体",
        "年度",
        "年度（和暦）",
        "回",
        "日付",
        "議題番号",
        "議題",
        "種別",
        "内容",
        "発言者",
        "公開",
        "担当",
        "期限",
        "完了日時",
        "完了者",
    ]
    .map(String::from)
    .to_vec()];
    for m in meetings {
        for item in &m.items {
            for o in &item.opinions {
                rows.push(vec![
                    m.committee.clone(),
                    m.fiscal_year.to_string(),
                    wareki::format_fiscal_year(m.fiscal_year),
                    m.number.to_string(),
                    m.date.format("%Y-%m-%d").to_string(),
                    item.number.to_string(),
                    item.title.clone(),
                    o.kind.label_ja().to_string(),
                    o.text.clone(),
                    o.speaker.clone().unwrap_or_default(),
                    match o.visibility {
                        Visibility::Public => "公開",
                        Visibility::Internal => "非公開",
                    }
                    .to_string(),
                    o.owner.clone().unwrap_or_default(),
                    o.due
                        .map(|d| d.format("%Y-%m-%d").to_string())
                        .unwrap_or_default(),
                    o.closed_at.clone().unwrap_or_default(),
                    o.closed_by.clone().unwrap_or_default(),
                ]);
            }
        }
    }
    rows
}
