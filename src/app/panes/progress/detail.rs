//! The detail of one item at one period, as a list of fields. The same list
//! is drawn by `progress::draw` and walked by the keys, so what the cursor is
//! on is exactly what Enter edits.

use super::view::{period_long, year_long};
use super::write::{parse_budget, parse_milestone_line, Write};
use crate::db::progress::{IndicatorColumn, ProgressField};
use crate::db::progress_board::{
    achievement, Entry, MilestoneRow, Period, ProgressData, ProgressItem,
};
use crate::model::Half;
use crate::wareki::span;

pub use super::state::Target;

/// How a field is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Heading,
    /// Label and value on one line.
    Short,
    /// Label, then the text below it, wrapped.
    Long,
    Status,
    Grade,
    Milestone {
        done: bool,
        overdue: bool,
    },
    Muted,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub label: String,
    pub text: String,
    pub kind: Kind,
    pub target: Target,
}

impl Field {
    fn new(label: impl Into<String>, text: impl Into<String>, kind: Kind, target: Target) -> Self {
        Field {
            label: label.into(),
            text: text.into(),
            kind,
            target,
        }
    }

    fn heading(label: impl Into<String>) -> Self {
        Field::new(label, "", Kind::Heading, Target::None)
    }

    pub fn selectable(&self) -> bool {
        self.target != Target::None
    }
}

/// "7,133千円", "なし".
pub fn budget_text(kyen: Option<i64>) -> String {
    match kyen {
        None => "なし".into(),
        Some(k) => {
            let digits = k.unsigned_abs().to_string();
            let mut out = String::new();
            for (i, c) in digits.chars().enumerate() {
                if i > 0 && (digits.len() - i) % 3 == 0 {
                    out.push(',');
                }
                out.push(c);
            }
            format!("{}{out}千円", if k < 0 { "-" } else { "" })
        }
    }
}

fn progress_field(
    it: &ProgressItem,
    p: Period,
    field: ProgressField,
    label: String,
    kind: Kind,
) -> Field {
    let e: Option<&Entry> = it.entry(p);
    let text = e.map_or("", |e| match field {
        ProgressField::Plan => &e.plan,
        ProgressField::Actual => &e.actual,
        ProgressField::Status => &e.status,
        ProgressField::Grade => &e.grade,
        ProgressField::Note => &e.note,
    });
    Field::new(
        label,
        text,
        kind,
        Target::Progress {
            node: it.node_id,
            period: p,
            field,
            version: e.map(|e| e.version),
        },
    )
}

fn note_fields(
    it: &ProgressItem,
    fy: Option<i32>,
    slots: &[&str],
    pick: impl Fn(&str) -> bool,
) -> Vec<Field> {
    let mut out: Vec<Field> = it
        .notes
        .iter()
        .filter(|n| n.fiscal_year == fy && pick(&n.label))
        .map(|n| {
            Field::new(
                n.label.clone(),
                n.text.clone(),
                Kind::Long,
                Target::Note {
                    node: it.node_id,
                    existing: Some((n.id, n.version)),
                    label: n.label.clone(),
                    fiscal_year: n.fiscal_year,
                },
            )
        })
        .collect();
    let fold = |s: &str| s.replace(['、', '・', ',', ' '], "");
    for slot in slots {
        let key = fold(slot);
        let head: String = key.chars().take(4).collect();
        if !out.iter().any(|f| fold(&f.label).contains(&head)) {
            out.push(Field::new(
                *slot,
                "",
                Kind::Long,
                Target::Note {
                    node: it.node_id,
                    existing: None,
                    label: slot.to_string(),
                    fiscal_year: fy,
                },
            ));
        }
    }
    out
}

fn milestone_field(m: &MilestoneRow, today: chrono::NaiveDate) -> Field {
    Field::new(
        span::format(&m.span),
        m.text.clone(),
        Kind::Milestone {
            done: m.done,
            overdue: !m.done && m.span.last_day() < today,
        },
        Target::Milestone {
            id: m.id,
            shown: m.text.clone(),
            span: m.span,
            done: m.done,
        },
    )
}

/// Every field of item `it` at period `p`, headings included.
pub fn fields(
    data: &ProgressData,
    it: &ProgressItem,
    p: Option<Period>,
    western: bool,
    today: chrono::NaiveDate,
) -> Vec<Field> {
    let node = it.node_id;
    let mut f = vec![
        Field::new(
            "主担当課",
            it.lead_department.clone().unwrap_or_default(),
            Kind::Short,
            Target::Lead {
                node,
                version: it.version,
            },
        ),
        Field::new(
            "関係課",
            it.co_departments.join("、"),
            Kind::Short,
            Target::CoDepartments {
                node,
                shown: it.co_departments.clone(),
            },
        ),
        Field::new(
            "予算額",
            budget_text(it.budget_kyen),
            Kind::Short,
            Target::Budget {
                node,
                version: it.version,
            },
        ),
    ];
    if let Some(p) = p {
        f.extend(period_fields(it, p, western));
        f.extend(indicator_fields(it, p, western));
        f.extend(year_note_fields(data, it, p.fiscal_year, western));
    }

    f.push(Field::heading("総合評価（計画期間）"));
    f.extend(note_fields(it, None, &["総合評価"], |l| {
        l.starts_with("総合評価")
    }));

    f.push(Field::heading("マイルストーン"));
    f.extend(it.milestones.iter().map(|m| milestone_field(m, today)));
    f.push(Field::new(
        "",
        "マイルストーンを追加（a でも追加）",
        Kind::Muted,
        Target::NewMilestone { node },
    ));

    let others: Vec<Field> = note_fields(it, None, &[], |l| !l.starts_with("総合評価"));
    if !others.is_empty() || !it.body.is_empty() {
        f.push(Field::heading("その他の記載"));
        if !it.body.is_empty() {
            f.push(Field::new(
                "内容",
                it.body.clone(),
                Kind::Long,
                Target::None,
            ));
        }
        f.extend(others);
    }
    f
}

/// The period's heading, status, grade, plan, actual and note.
fn period_fields(it: &ProgressItem, p: Period, western: bool) -> Vec<Field> {
    let mut f = Vec::new();
    let fy = p.fiscal_year;
    let year = Period::new(fy, Half::Year);
    f.push(Field::heading(period_long(p, western)));
    let st = format!("状況（{}）", period_long(p, western));
    f.push(progress_field(
        it,
        p,
        ProgressField::Status,
        st,
        Kind::Status,
    ));
    let gr = format!("年度評価（{}）", year_long(fy, western));
    f.push(progress_field(
        it,
        year,
        ProgressField::Grade,
        gr,
        Kind::Grade,
    ));
    let y = year_long(fy, western);
    f.push(progress_field(
        it,
        year,
        ProgressField::Plan,
        format!("計画（{y}）"),
        Kind::Long,
    ));
    f.push(progress_field(
        it,
        year,
        ProgressField::Actual,
        format!("実績（{y}）"),
        Kind::Long,
    ));
    if p.half != Half::Year {
        let half = period_long(p, western);
        if it.entry(p).is_some_and(|e| !e.plan.is_empty()) {
            f.push(progress_field(
                it,
                p,
                ProgressField::Plan,
                format!("計画（{half}）"),
                Kind::Long,
            ));
        }
        f.push(progress_field(
            it,
            p,
            ProgressField::Actual,
            format!("取組の状況（{half}）"),
            Kind::Long,
        ));
    }
    f.push(progress_field(
        it,
        p,
        ProgressField::Note,
        format!("備考（{}）", period_long(p, western)),
        Kind::Long,
    ));
    f
}

/// The item's indicators: name, target and actual at `p`, and "add".
fn indicator_fields(it: &ProgressItem, p: Period, western: bool) -> Vec<Field> {
    let node = it.node_id;
    let mut f = Vec::new();
    f.push(Field::heading("指標"));
    for ind in &it.indicators {
        let unit = if ind.unit.is_empty() {
            String::new()
        } else {
            format!("（{}）", ind.unit)
        };
        f.push(Field::new(
            format!("指標{unit}"),
            ind.name.clone(),
            Kind::Short,
            Target::Indicator {
                id: ind.id,
                column: IndicatorColumn::Name,
                shown: ind.name.clone(),
            },
        ));
        f.push(Field::new(
            "  目標",
            ind.target.clone(),
            Kind::Short,
            Target::Indicator {
                id: ind.id,
                column: IndicatorColumn::Target,
                shown: ind.target.clone(),
            },
        ));
        let v = ind.value(p);
        let actual = v.map(|v| v.actual.clone()).unwrap_or_default();
        let rate = achievement(&ind.target, &actual)
            .map(|r| format!("  達成率 {r:.1}%"))
            .unwrap_or_default();
        f.push(Field::new(
            format!("  実績（{}）{rate}", period_long(p, western)),
            actual,
            Kind::Short,
            Target::IndicatorActual {
                id: ind.id,
                period: p,
                shown: v.map(|v| v.actual.clone()),
            },
        ));
    }
    f.push(Field::new(
        "",
        "指標を追加（i でも追加）",
        Kind::Muted,
        Target::NewIndicator { node },
    ));
    f
}

/// The notes of the fiscal year (which slots: by the plan's kind).
fn year_note_fields(data: &ProgressData, it: &ProgressItem, fy: i32, western: bool) -> Vec<Field> {
    let y = year_long(fy, western);
    let mut f = Vec::new();
    f.push(Field::heading(format!("年度の評価（{y}）")));
    let initiative = it.level == "具体的取組"
        || data
            .plans
            .get(it.plan)
            .is_some_and(|pl| pl.kind == "運営方針");
    let mut slots = vec!["取組工程・指標に対する評価", "課題・今後の方針"];
    if initiative {
        slots = vec!["中間振り返り", "自己評価"];
    }
    f.extend(note_fields(it, Some(fy), &slots, |_| true));
    f
}

/// The text an editor starts with for `field`.
pub fn initial_text(field: &Field) -> String {
    match &field.target {
        Target::Milestone {
            span: sp, shown, ..
        } => format!("{} {shown}", span::format(sp)),
        Target::Budget { .. } if field.text == "なし" => String::new(),
        Target::Budget { .. } => field.text.trim_end_matches("千円").to_string(),
        Target::NewMilestone { .. } | Target::NewIndicator { .. } => String::new(),
        _ => field.text.clone(),
    }
}

/// What to label the editor for `field`.
pub fn edit_label(field: &Field) -> String {
    match &field.target {
        Target::Milestone { .. } | Target::NewMilestone { .. } => {
            "マイルストーン（日付 内容。例 平成30年4月 組織の再編、平成29・30年度 組織の見直し）"
                .into()
        }
        Target::NewIndicator { .. } => "新しい指標の名前".into(),
        Target::CoDepartments { .. } => "関係課（「、」で区切る）".into(),
        Target::Budget { .. } => "予算額（千円。空欄で予算なし）".into(),
        _ => field.label.trim().to_string(),
    }
}

/// The write that saving `text` into `target` makes.
pub fn submit(target: &Target, text: &str) -> Result<Option<Write>, String> {
    let value = text.trim_end().to_string();
    Ok(Some(match target.clone() {
        Target::None => return Ok(None),
        Target::Progress {
            node,
            period,
            field,
            version,
        } => Write::Progress {
            node,
            period,
            field,
            value,
            version,
        },
        Target::Note {
            node,
            existing,
            label,
            fiscal_year,
        } => Write::Note {
            node,
            existing,
            label,
            fiscal_year,
            text: value,
        },
        Target::Lead { node, version } => Write::Lead {
            node,
            version,
            value,
        },
        Target::Budget { node, version } => Write::Budget {
            node,
            version,
            kyen: parse_budget(&value)?,
        },
        Target::CoDepartments { node, shown } => Write::CoDepartments {
            node,
            shown,
            names: crate::import::lines::split_list(&value),
        },
        Target::Indicator { id, column, shown } => Write::IndicatorText {
            id,
            column,
            shown,
            value,
        },
        Target::IndicatorActual { id, period, shown } => Write::IndicatorActual {
            id,
            period,
            shown,
            value,
        },
        Target::Milestone {
            id, shown, done, ..
        } => {
            let (span, text) = parse_milestone_line(&value)?;
            Write::UpdateMilestone {
                id,
                shown,
                span,
                text,
                done,
            }
        }
        Target::NewMilestone { node } => {
            let (span, text) = parse_milestone_line(&value)?;
            Write::AddMilestone { node, span, text }
        }
        Target::NewIndicator { node } => {
            if value.trim().is_empty() {
                return Ok(None);
            }
            Write::AddIndicator { node, name: value }
        }
    }))
}

/// The detail's fields for the selected item and period.
pub fn current(s: &crate::app::state::AppState) -> Vec<Field> {
    let p = &s.progress;
    match (p.data.as_ref(), super::view::selected_item(p)) {
        (Some(d), Some(i)) => fields(d, &d.items[i], p.period, p.western, s.calendar.today),
        _ => Vec::new(),
    }
}
