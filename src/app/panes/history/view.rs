//! What a version shows, as plain values: the fields that changed with
//! Japanese labels, the before and after text split into the parts that
//! stayed and the parts that changed (a diff of whole grapheme clusters by
//! the `similar` crate, so a wide character is never split), and the
//! one-line summary of the list.

use serde_json::{Map, Value};
use similar::{capture_diff_slices, Algorithm, DiffTag};
use unicode_segmentation::UnicodeSegmentation;

use crate::config::dates::DateStyle;
use crate::db::history::Version;

/// A piece of a before or after text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    Same(String),
    /// Removed (on the before side) or added (on the after side).
    Changed(String),
}

/// One field that differs between the before and after of a version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    pub label: &'static str,
    pub before: Vec<Part>,
    pub after: Vec<Part>,
}

/// Columns never shown: keys, counters, bookkeeping.
const HIDDEN: &[&str] = &[
    "id",
    "version",
    "position",
    "created_at",
    "created_by",
    "updated_at",
    "updated_by",
];

/// The order fields are listed in: the main text first.
const ORDER: &[&str] = &[
    "text",
    "title",
    "label",
    "name",
    "body",
    "plan",
    "actual",
    "status",
    "grade",
    "note",
    "summary",
    "kind",
    "speaker_title_id",
    "owner",
    "due_date",
    "date",
    "start_time",
    "end_time",
    "place",
    "number",
    "code",
    "level",
    "fiscal_year",
    "half",
];

fn rank(column: &str) -> usize {
    ORDER
        .iter()
        .position(|c| *c == column)
        .unwrap_or(ORDER.len())
}

/// A column's label; None for columns not shown.
pub fn label(column: &str) -> Option<&'static str> {
    if HIDDEN.contains(&column) || (column.ends_with("_id") && column != "speaker_title_id") {
        return None;
    }
    Some(match column {
        "text" | "body" => "本文",
        "kind" => "種別",
        "speaker_title_id" => "発言者",
        "visibility" => "公開",
        "owner" => "担当",
        "due_date" => "期限",
        "closed_at" => "完了日",
        "closed_by" => "完了者",
        "title" => "件名",
        "summary" => "概要",
        "number" => "番号",
        "date" => "日付",
        "start_time" => "開始",
        "end_time" => "終了",
        "place" => "場所",
        "status" => "状況",
        "fiscal_year" => "年度",
        "half" => "期",
        "plan" => "計画",
        "actual" => "実績",
        "grade" => "評価",
        "note" => "備考",
        "code" => "番号",
        "level" => "階層",
        "budget_kyen" => "予算（千円）",
        "lead_department" => "主担当課",
        "label" => "種類",
        "name" => "名称",
        "unit" => "単位",
        "target" => "目標",
        "done" => "完了",
        "precision" => "精度",
        "until" => "まで",
        "organisation" => "組織",
        "preamble" => "前文",
        "status_scale" => "状況の段階",
        _ => "その他",
    })
}

/// A table's name as the user knows it.
pub fn table_name(table: &str) -> &'static str {
    match table {
        "opinions" => "意見",
        "agenda_items" => "議題",
        "meetings" => "会議",
        "committees" => "会議体",
        "attendance" => "出席",
        "plans" => "計画",
        "plan_nodes" => "項目",
        "node_notes" => "記述",
        "progress" => "進捗",
        "indicators" => "指標",
        "milestones" => "予定",
        "node_co_departments" => "関係課",
        "job_titles" => "職名",
        _ => "記録",
    }
}

/// How a version came about: 作成, 変更, 削除, 復元, 取消.
pub fn kind(v: &Version) -> &'static str {
    if v.label.starts_with("履歴から復元") {
        "復元"
    } else if v.label.starts_with("取り消し") {
        "取消"
    } else {
        match v.action.as_str() {
            "insert" => "作成",
            "delete" => "削除",
            _ => "変更",
        }
    }
}

/// A stored value as text: codes in Japanese, dates in the user's style.
fn text(v: Option<&Value>, style: DateStyle) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => match s.as_str() {
            "scheduled" => "予定".into(),
            "held" => "開催済".into(),
            "published" => "公開済".into(),
            "cancelled" => "中止".into(),
            d if d.len() == 10 => chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .map_or_else(|_| d.to_string(), |d| style.date(d)),
            "opinion" => "意見".into(),
            "decision" => "決定".into(),
            "action" => "宿題".into(),
            "public" => "公開".into(),
            "internal" => "内部".into(),
            "first" => "上半期".into(),
            "second" => "下半期".into(),
            "year" => "通年".into(),
            _ => s.clone(),
        },
        Some(other) => other.to_string(),
    }
}

/// The fields that differ between before and after (for a creation every
/// field with a value, for a deletion every field that had one).
pub fn changes(v: &Version, style: DateStyle) -> Vec<FieldChange> {
    let empty = Map::new();
    let before = v.before.as_ref().unwrap_or(&empty);
    let after = v.after.as_ref().unwrap_or(&empty);
    let mut columns: Vec<&String> = before.keys().chain(after.keys()).collect();
    columns.sort_by_key(|c| (rank(c), c.as_str()));
    columns.dedup();
    let mut out = Vec::new();
    for c in columns {
        let Some(label) = label(c) else { continue };
        let (b, a) = (text(before.get(c), style), text(after.get(c), style));
        if b == a {
            continue;
        }
        let (before, after) = diff(&b, &a);
        out.push(FieldChange {
            label,
            before,
            after,
        });
    }
    out
}

/// Split `before` and `after` into what stayed and what changed, by
/// grapheme cluster.
pub fn diff(before: &str, after: &str) -> (Vec<Part>, Vec<Part>) {
    let old: Vec<&str> = before.graphemes(true).collect();
    let new: Vec<&str> = after.graphemes(true).collect();
    let mut b = Vec::new();
    let mut a = Vec::new();
    for op in capture_diff_slices(Algorithm::Myers, &old, &new) {
        let (tag, o, n) = op.as_tag_tuple();
        let (os, ns) = (old[o].concat(), new[n].concat());
        match tag {
            DiffTag::Equal => {
                push(&mut b, Part::Same(os));
                push(&mut a, Part::Same(ns));
            }
            _ => {
                push(&mut b, Part::Changed(os));
                push(&mut a, Part::Changed(ns));
            }
        }
    }
    (b, a)
}

/// Append, joining with the previous part of the same kind.
fn push(parts: &mut Vec<Part>, p: Part) {
    let (Part::Same(s) | Part::Changed(s)) = &p;
    if s.is_empty() {
        return;
    }
    match (parts.last_mut(), &p) {
        (Some(Part::Same(prev)), Part::Same(s)) | (Some(Part::Changed(prev)), Part::Changed(s)) => {
            prev.push_str(s)
        }
        _ => parts.push(p),
    }
}

/// "令和8年12月2日 10:15" in the user's date style and local time.
pub fn when(stamp: &str, style: DateStyle) -> String {
    match chrono::DateTime::parse_from_rfc3339(stamp) {
        Ok(t) => {
            let local = t.with_timezone(&chrono::Local);
            format!(
                "{} {}",
                style.date(local.date_naive()),
                local.format("%H:%M")
            )
        }
        Err(_) => stamp.to_string(),
    }
}

/// What a row is, in a few words: its main text.
pub fn headline(image: Option<&Map<String, Value>>) -> String {
    let Some(image) = image else {
        return String::new();
    };
    ["text", "title", "label", "name", "place", "actual", "plan"]
        .iter()
        .find_map(|k| {
            image
                .get(*k)
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
        })
        .unwrap_or_default()
        .to_string()
}

/// The list line of a version: when, who, how, and which fields (or, for
/// a row under the one shown, what it was).
pub fn summary(v: &Version, own: bool, style: DateStyle) -> String {
    let what = if own {
        let labels: Vec<&str> = changes(v, style).iter().map(|c| c.label).collect();
        labels.join("・")
    } else {
        format!("{}「{}」", table_name(&v.table), headline(v.image()))
    };
    format!("{}  {}  {}  {}", when(&v.at, style), v.user, kind(v), what)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn joined(parts: &[Part]) -> String {
        parts
            .iter()
            .map(|(Part::Same(s) | Part::Changed(s))| s.as_str())
            .collect()
    }

    fn same(parts: &[Part]) -> Vec<&str> {
        parts
            .iter()
            .filter_map(|p| match p {
                Part::Same(s) => Some(s.as_str()),
                Part::Changed(_) => None,
            })
            .collect()
    }

    #[test]
    fn a_wide_character_is_highlighted_whole() {
        let (b, a) = diff("段差を解消してほしい", "段差を早急に解消してください");
        assert_eq!(
            a,
            [
                Part::Same("段差を".into()),
                Part::Changed("早急に".into()),
                Part::Same("解消して".into()),
                Part::Changed("くださ".into()),
                Part::Same("い".into()),
            ]
        );
        assert_eq!(
            b,
            [
                Part::Same("段差を解消して".into()),
                Part::Changed("ほし".into()),
                Part::Same("い".into()),
            ]
        );
    }

    #[test]
    fn a_combining_mark_stays_with_its_letter() {
        // か + combining dakuten is one grapheme: が-as-two-code-points.
        let (b, a) = diff("か\u{3099}き", "か\u{3099}く");
        assert_eq!(
            b,
            [Part::Same("か\u{3099}".into()), Part::Changed("き".into())]
        );
        assert_eq!(
            a,
            [Part::Same("か\u{3099}".into()), Part::Changed("く".into())]
        );
    }

    proptest! {
        #[test]
        fn the_parts_give_back_both_texts_and_agree_on_what_stayed(
            before in "[あいう段差ab\u{3099} ]{0,12}",
            after in "[あいう段差ab\u{3099} ]{0,12}",
        ) {
            let (b, a) = diff(&before, &after);
            prop_assert_eq!(joined(&b), before);
            prop_assert_eq!(joined(&a), after);
            prop_assert_eq!(same(&b).concat(), same(&a).concat());
        }
    }
}
