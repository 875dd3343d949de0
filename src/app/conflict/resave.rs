//! The write a conflict refused, as data: made again over their version
//! (keep mine) or with the two texts edited together.

use super::{Caught, Resave};
use crate::app::msg::{Request, WriteOp};
use crate::app::panes::{policy, progress};
use crate::db::progress::ProgressField;

fn budget_text(kyen: Option<i64>) -> String {
    kyen.map_or_else(String::new, |b| b.to_string())
}

impl Resave {
    /// My version as the prompt shows it.
    pub fn mine(&self) -> String {
        use policy::Write as Pw;
        use progress::Write as Gw;
        match self {
            Resave::Main(WriteOp::EditOpinion { text, .. }) => text.clone(),
            Resave::Main(WriteOp::UpdateMeeting { fields: f, .. }) => {
                let t = |t: Option<chrono::NaiveTime>| {
                    t.map(|t| t.format("%H:%M").to_string()).unwrap_or_default()
                };
                format!(
                    "{} {}-{} {} 出席: {}",
                    f.date.format("%Y-%m-%d"),
                    t(f.start),
                    t(f.end),
                    f.place,
                    f.attendees.join("、")
                )
            }
            Resave::Main(_) => String::new(),
            Resave::Policy(Pw::UpdateNode { fields: f, .. }) => {
                let budget = f
                    .budget_kyen
                    .map(|b| format!("（予算 {b} 千円）"))
                    .unwrap_or_default();
                format!("{}：{}{budget}", f.title.trim(), f.body)
            }
            Resave::Policy(Pw::SetNote { text, .. }) => text.clone(),
            Resave::Policy(Pw::SetLinks { nodes, .. }) => {
                format!("運営方針 {} 件との関連", nodes.len())
            }
            Resave::Policy(_) => String::new(),
            Resave::Progress(w) => match w {
                Gw::Progress { value, .. }
                | Gw::Lead { value, .. }
                | Gw::IndicatorText { value, .. }
                | Gw::IndicatorActual { value, .. } => value.clone(),
                Gw::Note { text, .. } | Gw::UpdateMilestone { text, .. } => text.clone(),
                Gw::Budget { kyen, .. } => budget_text(*kyen),
                Gw::CoDepartments { names, .. } => names.join("、"),
                Gw::CloseAction { .. } => "完了".into(),
                Gw::ReopenAction { .. } => "未完了".into(),
                _ => String::new(),
            },
        }
    }

    /// The same write opened from their version: saving it keeps mine.
    pub fn over(self, c: &Caught) -> Resave {
        use policy::Write as Pw;
        let v = c.version;
        match self {
            Resave::Main(op) => Resave::Main(match op {
                WriteOp::EditOpinion { id, text, .. } => WriteOp::EditOpinion {
                    id,
                    version: v,
                    text,
                },
                WriteOp::UpdateMeeting { id, fields, .. } => WriteOp::UpdateMeeting {
                    id,
                    version: v,
                    fields,
                },
                WriteOp::UpdateItem {
                    id, title, summary, ..
                } => WriteOp::UpdateItem {
                    id,
                    version: v,
                    title,
                    summary,
                },
                other => other,
            }),
            Resave::Policy(w) => Resave::Policy(match w {
                Pw::UpdateNode { id, fields, .. } => Pw::UpdateNode {
                    id,
                    version: v,
                    fields,
                },
                Pw::SetNote {
                    node,
                    label,
                    fiscal_year,
                    text,
                    ..
                } => Pw::SetNote {
                    node,
                    label,
                    fiscal_year,
                    shown: c.theirs.clone(),
                    text,
                },
                Pw::SetLinks { item, nodes, .. } => Pw::SetLinks {
                    item,
                    opened: v,
                    nodes,
                },
                other => other,
            }),
            Resave::Progress(w) => Resave::Progress(progress_over(w, c)),
        }
    }

    /// The text "edit the two together" edits, when the write is one text.
    pub fn text(&self) -> Option<String> {
        use progress::Write as Gw;
        match self {
            Resave::Main(WriteOp::EditOpinion { text, .. })
            | Resave::Policy(policy::Write::SetNote { text, .. }) => Some(text.clone()),
            // Picked from a scale: nothing to join.
            Resave::Progress(Gw::Progress {
                field: ProgressField::Status | ProgressField::Grade,
                ..
            }) => None,
            Resave::Progress(
                Gw::Progress { .. }
                | Gw::Lead { .. }
                | Gw::IndicatorText { .. }
                | Gw::IndicatorActual { .. }
                | Gw::Note { .. }
                | Gw::UpdateMilestone { .. }
                | Gw::Budget { .. }
                | Gw::CoDepartments { .. },
            ) => Some(self.mine()),
            _ => None,
        }
    }

    /// The same write with `text` in place of mine (edit the two together).
    pub fn with_text(self, text: &str) -> Result<Resave, String> {
        Ok(match self {
            Resave::Main(WriteOp::EditOpinion { id, version, .. }) => {
                Resave::Main(WriteOp::EditOpinion {
                    id,
                    version,
                    text: text.to_string(),
                })
            }
            Resave::Policy(policy::Write::SetNote {
                node,
                label,
                fiscal_year,
                shown,
                ..
            }) => Resave::Policy(policy::Write::SetNote {
                node,
                label,
                fiscal_year,
                shown,
                text: text.to_string(),
            }),
            Resave::Progress(w) => Resave::Progress(progress_with_text(w, text)?),
            other => other,
        })
    }

    /// The request that makes the write.
    pub fn request(self) -> Request {
        match self {
            Resave::Main(op) => Request::Write(op),
            Resave::Policy(w) => policy::request(policy::Request::Write(w)),
            Resave::Progress(w) => progress::write(w),
        }
    }
}

/// Status and grade are picked from a scale: the merged text is trimmed.
fn progress_value(field: ProgressField, text: &str) -> String {
    match field {
        ProgressField::Status | ProgressField::Grade => text.trim().to_string(),
        _ => text.to_string(),
    }
}

fn progress_over(w: progress::Write, c: &Caught) -> progress::Write {
    use progress::Write as Gw;
    let v = c.version;
    let theirs = c.theirs.clone();
    match w {
        Gw::Progress {
            node,
            period,
            field,
            value,
            ..
        } => Gw::Progress {
            node,
            period,
            field,
            value,
            version: Some(v),
        },
        Gw::Note {
            node,
            label,
            fiscal_year,
            text,
            ..
        } => Gw::Note {
            node,
            existing: Some((c.id, v)),
            label,
            fiscal_year,
            text,
        },
        Gw::Lead { node, value, .. } => Gw::Lead {
            node,
            version: v,
            value,
        },
        Gw::Budget { node, kyen, .. } => Gw::Budget {
            node,
            version: v,
            kyen,
        },
        Gw::CoDepartments { node, names, .. } => Gw::CoDepartments {
            node,
            shown: crate::import::lines::split_list(&theirs),
            names,
        },
        Gw::IndicatorText {
            id, column, value, ..
        } => Gw::IndicatorText {
            id,
            column,
            shown: theirs,
            value,
        },
        Gw::IndicatorActual {
            id, period, value, ..
        } => Gw::IndicatorActual {
            id,
            period,
            shown: Some(theirs),
            value,
        },
        Gw::UpdateMilestone {
            id,
            span,
            text,
            done,
            ..
        } => Gw::UpdateMilestone {
            id,
            shown: theirs,
            span,
            text,
            done,
        },
        Gw::CloseAction { id, .. } => Gw::CloseAction { id, version: v },
        Gw::ReopenAction { id, .. } => Gw::ReopenAction { id, version: v },
        other => other,
    }
}

/// A progress board write with `text` in place of mine.
fn progress_with_text(w: progress::Write, text: &str) -> Result<progress::Write, String> {
    use progress::Write as Gw;
    Ok(match w {
        Gw::Progress {
            node,
            period,
            field,
            version,
            ..
        } => Gw::Progress {
            node,
            period,
            field,
            version,
            value: progress_value(field, text),
        },
        Gw::Lead { node, version, .. } => Gw::Lead {
            node,
            version,
            value: text.to_string(),
        },
        Gw::IndicatorText {
            id, column, shown, ..
        } => Gw::IndicatorText {
            id,
            column,
            shown,
            value: text.to_string(),
        },
        Gw::IndicatorActual {
            id, period, shown, ..
        } => Gw::IndicatorActual {
            id,
            period,
            shown,
            value: text.to_string(),
        },
        Gw::Note {
            node,
            existing,
            label,
            fiscal_year,
            ..
        } => Gw::Note {
            node,
            existing,
            label,
            fiscal_year,
            text: text.to_string(),
        },
        Gw::UpdateMilestone {
            id,
            shown,
            span,
            done,
            ..
        } => Gw::UpdateMilestone {
            id,
            shown,
            span,
            text: text.to_string(),
            done,
        },
        Gw::Budget { node, version, .. } => Gw::Budget {
            node,
            version,
            kyen: progress::write::parse_budget(text)?,
        },
        Gw::CoDepartments { node, shown, .. } => Gw::CoDepartments {
            node,
            shown,
            names: crate::import::lines::split_list(text),
        },
        other => other,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::progress_board::Period;
    use crate::model::Half;
    use progress::Write as Gw;

    fn caught(resave: Resave) -> Caught {
        Caught {
            resave,
            id: 7,
            by: "someone".into(),
            theirs: "相手、の値".into(),
            version: 42,
        }
    }

    /// Keep mine writes over exactly what the conflict reported.
    #[test]
    fn keep_mine_opens_from_their_version_or_value() {
        let period = Period::new(2017, Half::Year);
        let cases = [
            (
                Resave::Main(WriteOp::EditOpinion {
                    id: 1,
                    version: 1,
                    text: "私".into(),
                }),
                Resave::Main(WriteOp::EditOpinion {
                    id: 1,
                    version: 42,
                    text: "私".into(),
                }),
            ),
            (
                Resave::Progress(Gw::Progress {
                    node: 1,
                    period,
                    field: ProgressField::Plan,
                    value: "私".into(),
                    version: None,
                }),
                Resave::Progress(Gw::Progress {
                    node: 1,
                    period,
                    field: ProgressField::Plan,
                    value: "私".into(),
                    version: Some(42),
                }),
            ),
            (
                Resave::Progress(Gw::Note {
                    node: 1,
                    existing: None,
                    label: "自己評価".into(),
                    fiscal_year: Some(2017),
                    text: "私".into(),
                }),
                Resave::Progress(Gw::Note {
                    node: 1,
                    existing: Some((7, 42)),
                    label: "自己評価".into(),
                    fiscal_year: Some(2017),
                    text: "私".into(),
                }),
            ),
            (
                Resave::Progress(Gw::CoDepartments {
                    node: 1,
                    shown: vec![],
                    names: vec!["私".into()],
                }),
                Resave::Progress(Gw::CoDepartments {
                    node: 1,
                    shown: vec!["相手".into(), "の値".into()],
                    names: vec!["私".into()],
                }),
            ),
            (
                Resave::Policy(policy::Write::SetLinks {
                    item: 1,
                    opened: 0,
                    nodes: vec![3],
                }),
                Resave::Policy(policy::Write::SetLinks {
                    item: 1,
                    opened: 42,
                    nodes: vec![3],
                }),
            ),
        ];
        for (before, want) in cases {
            let c = caught(before.clone());
            assert_eq!(before.over(&c), want);
        }
    }

    #[test]
    fn edit_together_checks_what_it_parses_and_skips_scales() {
        let budget = Resave::Progress(Gw::Budget {
            node: 1,
            version: 1,
            kyen: Some(5),
        });
        assert_eq!(budget.text().as_deref(), Some("5"));
        assert!(budget.clone().with_text("5／6").is_err(), "not a number");
        assert_eq!(
            budget.with_text("11"),
            Ok(Resave::Progress(Gw::Budget {
                node: 1,
                version: 1,
                kyen: Some(11)
            }))
        );
        let status = Resave::Progress(Gw::Progress {
            node: 1,
            period: Period::new(2017, Half::Year),
            field: ProgressField::Status,
            value: "順調".into(),
            version: Some(1),
        });
        assert_eq!(status.text(), None, "picked from a scale: nothing to join");
    }
}
