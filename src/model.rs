//! The domain: what kusei keeps, as plain data.
//!
//! These types are also kusei's JSON format (see README "The JSON format"); the
//! names of the fields are a contract other tools read, so rename nothing.
//! Everything optional carries `#[serde(default)]` so hand-written files may
//! leave it out.

use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

/// A whole database, or any part of one, as exchanged in JSON.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dataset {
    /// Meeting bodies (e.g. 区づくり経営会議) with the page text that introduces them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub committees: Vec<Committee>,
    #[serde(default)]
    pub meetings: Vec<Meeting>,
    #[serde(default)]
    pub plans: Vec<Plan>,
}

/// A recurring meeting body. The published page of a fiscal year starts with
/// its `preamble`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Committee {
    pub name: String,
    #[serde(default)]
    pub organisation: String,
    /// The lines between the page title and 第1回, kept verbatim.
    #[serde(default)]
    pub preamble: String,
}

pub const DEFAULT_COMMITTEE: &str = "区づくり経営会議";

fn default_committee() -> String {
    DEFAULT_COMMITTEE.to_string()
}

fn is_default_committee(s: &str) -> bool {
    s == DEFAULT_COMMITTEE
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeetingStatus {
    /// Planned, not yet held.
    Scheduled,
    /// Held; minutes may still be in progress.
    #[default]
    Held,
    /// Minutes published on the city's page.
    Published,
    Cancelled,
}

impl MeetingStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Scheduled => "scheduled",
            Self::Held => "held",
            Self::Published => "published",
            Self::Cancelled => "cancelled",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "scheduled" => Self::Scheduled,
            "held" => Self::Held,
            "published" => Self::Published,
            "cancelled" => Self::Cancelled,
            _ => return None,
        })
    }
    pub fn label_ja(self) -> &'static str {
        match self {
            Self::Scheduled => "予定",
            Self::Held => "開催済",
            Self::Published => "公開済",
            Self::Cancelled => "中止",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meeting {
    #[serde(
        default = "default_committee",
        skip_serializing_if = "is_default_committee"
    )]
    pub committee: String,
    /// Western year in which the fiscal year starts (2017 for 平成29年度).
    pub fiscal_year: i32,
    /// 第N回 within the fiscal year.
    pub number: u32,
    #[serde(with = "iso_date")]
    pub date: NaiveDate,
    #[serde(default, with = "hh_mm")]
    pub start: Option<NaiveTime>,
    #[serde(default, with = "hh_mm")]
    pub end: Option<NaiveTime>,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub status: MeetingStatus,
    /// Job titles, in the order the source lists them.
    #[serde(default)]
    pub attendees: Vec<String>,
    #[serde(default)]
    pub items: Vec<Item>,
}

/// An agenda item (議事).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    pub number: u32,
    pub title: String,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub opinions: Vec<Opinion>,
    /// Codes of the policy nodes this item is linked to, as `PLAN_TITLE#CODE`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OpinionKind {
    /// 意見
    #[default]
    Opinion,
    /// 決定
    Decision,
    /// 宿題 (an action item with an owner and a due date)
    Action,
}

impl OpinionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Opinion => "opinion",
            Self::Decision => "decision",
            Self::Action => "action",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "opinion" | "意見" => Self::Opinion,
            "decision" | "決定" => Self::Decision,
            "action" | "宿題" => Self::Action,
            _ => return None,
        })
    }
    pub fn label_ja(self) -> &'static str {
        match self {
            Self::Opinion => "意見",
            Self::Decision => "決定",
            Self::Action => "宿題",
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    #[default]
    Public,
    Internal,
}

impl Visibility {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Public => "public",
            Self::Internal => "internal",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "public" => Self::Public,
            "internal" => Self::Internal,
            _ => return None,
        })
    }
}

fn is_default<T: Default + PartialEq>(v: &T) -> bool {
    *v == T::default()
}

/// Between a speaker and what they said: `税務課長：…` is the one way a
/// speaker is written, on every screen and in every export.
pub const SPEAKER_SEPARATOR: char = '：';

/// `税務課長：` for a speaker (nothing for none or an empty one).
pub fn speaker_prefix(speaker: Option<&str>) -> String {
    match speaker.map(str::trim).filter(|s| !s.is_empty()) {
        Some(sp) => format!("{sp}{SPEAKER_SEPARATOR}"),
        None => String::new(),
    }
}

/// `text` with its speaker in front, as written everywhere.
pub fn with_speaker(speaker: Option<&str>, text: &str) -> String {
    format!("{}{text}", speaker_prefix(speaker))
}

/// Split `税務課長：…` into the speaker and the text when the part before
/// the first `：` is one of `known` (the meeting's attendees); else None.
pub fn split_speaker<'a>(text: &'a str, known: &[String]) -> Option<(&'a str, &'a str)> {
    let (sp, rest) = text.split_once(SPEAKER_SEPARATOR)?;
    (known.iter().any(|k| k == sp) && !rest.trim().is_empty()).then_some((sp, rest))
}

/// An opinion (主な意見), decision (決定) or action item (宿題).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Opinion {
    pub text: String,
    #[serde(default)]
    pub kind: OpinionKind,
    /// Job title of the speaker, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speaker: Option<String>,
    #[serde(default, skip_serializing_if = "is_default")]
    pub visibility: Visibility,
    /// For 宿題: who owns it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// For 宿題: when it is due.
    #[serde(
        default,
        with = "opt_iso_date",
        skip_serializing_if = "Option::is_none"
    )]
    pub due: Option<NaiveDate>,
    /// For 宿題: when it was closed, and by whom.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_by: Option<String>,
}

/// A plan: a yearly operating policy (運営方針), a proposal (提言書), a reform
/// programme (改革項目) … Its nodes form a tree whose level names are data.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// What sort of plan: 運営方針, 提言, 改革, 改革項目 …
    #[serde(default)]
    pub kind: String,
    pub title: String,
    #[serde(default)]
    pub organisation: String,
    /// Western year in which the fiscal year starts; null for a plan that
    /// spans years.
    #[serde(default)]
    pub fiscal_year: Option<i32>,
    /// The status scale used by this plan's progress entries, best first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub status_scale: Vec<String>,
    #[serde(default)]
    pub nodes: Vec<Node>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Node {
    /// The level as the source names it: 目標, 使命, 経営課題, 戦略, 具体的取組 …
    pub level: String,
    /// e.g. `1-1-2`; may be empty.
    #[serde(default)]
    pub code: String,
    pub title: String,
    #[serde(default)]
    pub body: String,
    /// Budget in thousands of yen; null means "no budget" ("-円"), not zero.
    #[serde(default)]
    pub budget_kyen: Option<i64>,
    /// The lead department (● in the source).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lead_department: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub co_departments: Vec<String>,
    /// Free-form labelled texts: 現状と課題, 中間振り返り, 自己評価, 総合評価 …
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Note>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub progress: Vec<Progress>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indicators: Vec<Indicator>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub milestones: Vec<Milestone>,
    #[serde(default)]
    pub children: Vec<Node>,
}

/// A labelled text on a node, optionally for one fiscal year.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    /// 現状と課題, 改革の目的, 中間振り返り, 自己評価, 総合評価, 課題・今後の方針 …
    pub label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fiscal_year: Option<i32>,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Half {
    /// 上半期 (April–September)
    First,
    /// 下半期 (October–March)
    Second,
    /// 通年
    Year,
}

impl Half {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::First => "first",
            Self::Second => "second",
            Self::Year => "year",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "first" | "上半期" => Self::First,
            "second" | "下半期" => Self::Second,
            "year" | "通年" => Self::Year,
            _ => return None,
        })
    }
    pub fn label_ja(self) -> &'static str {
        match self {
            Self::First => "上半期",
            Self::Second => "下半期",
            Self::Year => "通年",
        }
    }
}

/// Plan against actual for one node and one period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    pub fiscal_year: i32,
    pub half: Half,
    #[serde(default)]
    pub plan: String,
    #[serde(default)]
    pub actual: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub grade: String,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Indicator {
    pub name: String,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub target: String,
    #[serde(default)]
    pub values: Vec<IndicatorValue>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndicatorValue {
    pub fiscal_year: i32,
    pub half: Half,
    pub actual: String,
}

/// How precisely a milestone's date is known.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Precision {
    #[default]
    Day,
    Month,
    /// A fiscal year (or, with `until`, a span of fiscal years).
    FiscalYear,
}

impl Precision {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Day => "day",
            Self::Month => "month",
            Self::FiscalYear => "fiscal_year",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "day" => Self::Day,
            "month" => Self::Month,
            "fiscal_year" => Self::FiscalYear,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Milestone {
    /// The first day of the period the source names (2006-04-01 for 平成18年4月).
    #[serde(with = "iso_date")]
    pub date: NaiveDate,
    #[serde(default)]
    pub precision: Precision,
    /// Last day of a span (平成29・30年度 ends 2019-03-31).
    #[serde(
        default,
        with = "opt_iso_date",
        skip_serializing_if = "Option::is_none"
    )]
    pub until: Option<NaiveDate>,
    pub text: String,
    #[serde(default)]
    pub done: bool,
}

/// `YYYY-MM-DD`.
pub mod iso_date {
    use chrono::NaiveDate;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&d.format("%Y-%m-%d"))
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
        let s = String::deserialize(d)?;
        NaiveDate::parse_from_str(&s, "%Y-%m-%d")
            .map_err(|e| serde::de::Error::custom(format!("date {s:?}: {e} (expected YYYY-MM-DD)")))
    }
}

/// Optional `YYYY-MM-DD`.
pub mod opt_iso_date {
    use chrono::NaiveDate;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.collect_str(&d.format("%Y-%m-%d")),
            None => s.serialize_none(),
        }
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
        let s: Option<String> = Option::deserialize(d)?;
        match s {
            None => Ok(None),
            Some(s) if s.is_empty() => Ok(None),
            Some(s) => NaiveDate::parse_from_str(&s, "%Y-%m-%d")
                .map(Some)
                .map_err(|e| {
                    serde::de::Error::custom(format!("date {s:?}: {e} (expected YYYY-MM-DD)"))
                }),
        }
    }
}

/// Optional `HH:MM`, 24-hour.
pub mod hh_mm {
    use chrono::NaiveTime;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(t: &Option<NaiveTime>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => s.collect_str(&t.format("%H:%M")),
            None => s.serialize_none(),
        }
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveTime>, D::Error> {
        let s: Option<String> = Option::deserialize(d)?;
        match s {
            None => Ok(None),
            Some(s) if s.is_empty() => Ok(None),
            Some(s) => NaiveTime::parse_from_str(&s, "%H:%M")
                .map(Some)
                .map_err(|e| serde::de::Error::custom(format!("time {s:?}: {e} (expected HH:MM)"))),
        }
    }
}

impl Plan {
    /// Every node, depth first, with its depth.
    pub fn walk(&self) -> Vec<(usize, &Node)> {
        fn go<'a>(nodes: &'a [Node], depth: usize, out: &mut Vec<(usize, &'a Node)>) {
            for n in nodes {
                out.push((depth, n));
                go(&n.children, depth + 1, out);
            }
        }
        let mut out = Vec::new();
        go(&self.nodes, 0, &mut out);
        out
    }
}

impl Node {
    /// The node's own budget, or the sum of its descendants' when it has none
    /// of its own; None when nothing below it has a budget.
    pub fn rolled_up_budget(&self) -> Option<i64> {
        if self.budget_kyen.is_some() {
            return self.budget_kyen;
        }
        self.children
            .iter()
            .filter_map(Node::rolled_up_budget)
            .fold(None, |acc, b| Some(acc.unwrap_or(0) + b))
    }
}

/// A 千円 amount with thousands separators: 35524 → "35,524"; negative
/// numbers keep their sign ("-1,200").
pub fn group_kyen(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    if n < 0 {
        out.push('-');
    }
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}
