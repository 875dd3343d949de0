//! Strategies for random [`Dataset`]s, for `roundtrip_props.rs`: every
//! generated dataset is already in the canonical order the store exports and
//! has no duplicate natural keys (see that file's comment).
#![allow(dead_code)]

use chrono::{NaiveDate, NaiveTime};
use kusei::model::*;
use kusei::wareki;
use proptest::prelude::*;
use proptest::sample::{select, subsequence, Index};

pub const FRAGMENTS: &[&str] = &[
    "区長",
    "会議",
    "地域",
    "について",
    "協議しました",
    "、",
    "。",
    "「",
    "」",
    "2025年",
    "ABC",
    "plan",
    "の",
    "を",
    "課題",
    "検討",
    "すべき",
    "職員",
    " ",
    "・",
    "（案）",
    "(注)",
    "50周年",
    "〜",
    "&",
    "-5%",
    "ｶﾅ",
    "①",
    "髙",
    "😀",
    "\u{3000}",
    "\t",
];
/// Characters a published line may start with (see the module comment).
pub const SAFE_START: &[&str] = &[
    "区",
    "地",
    "職",
    "事",
    "検",
    "協",
    "予",
    "防",
    "子",
    "旭",
    "市",
    "今",
    "各",
    "大",
    "実",
    "第",
    "2025年",
    "50周年",
    "(注)",
    "「",
    "お問い合わせの多い手続",
    "ページの先頭へ戻るボタンの",
];
pub const TITLES: &[&str] = &[
    "区長",
    "副区長",
    "総務課長",
    "区政推進課長",
    "戸籍課長",
    "税務課長",
    "福祉保健センター長",
    "高齢・障害支援課長",
    "生活支援課長",
    "旭消防署長",
];
pub const DEPTS: &[&str] = &["行政経営課", "市民協働課", "中央区総務課", "区政推進課"];
pub const LEVELS: &[&str] = &[
    "経営課題",
    "戦略",
    "具体的取組",
    "テーマ",
    "提言",
    "改革項目",
];

/// Free text: may be empty, may hold newlines and outer spaces, '<' and '>'.
pub fn text() -> impl Strategy<Value = String> {
    let frag = prop_oneof![8 => select(FRAGMENTS), 1 => Just("\n"), 1 => Just("<p>")];
    prop::collection::vec(frag, 0..6).prop_map(|v| v.concat())
}

/// One published line: safe first character, no newline, no '<', trimmed.
pub fn line() -> impl Strategy<Value = String> {
    (
        select(SAFE_START),
        prop::collection::vec(select(FRAGMENTS), 0..5),
    )
        .prop_map(|(first, rest)| format!("{first}{}", rest.concat()).trim_end().to_string())
}

/// Several published lines joined with newlines ("" for none).
pub fn lines(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(line(), 0..max).prop_map(|v| v.join("\n"))
}

pub fn date_in(from: i32, to: i32) -> impl Strategy<Value = NaiveDate> {
    (from..=to, 1u32..=12, 1u32..=31)
        .prop_filter_map("a real date", |(y, m, d)| NaiveDate::from_ymd_opt(y, m, d))
}

pub fn hm(minutes: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(minutes / 60, minutes % 60, 0).unwrap()
}

/// No times, a start only, or start < end, to the minute.
pub fn times() -> impl Strategy<Value = (Option<NaiveTime>, Option<NaiveTime>)> {
    prop_oneof![
        Just((None, None)),
        (0u32..1440).prop_map(|s| (Some(hm(s)), None)),
        (0u32..1439)
            .prop_flat_map(|s| (Just(s), s + 1..1440))
            .prop_map(|(s, e)| (Some(hm(s)), Some(hm(e)))),
    ]
}

pub fn opinion() -> impl Strategy<Value = Opinion> {
    (
        text().prop_filter("non-empty", |t| !t.is_empty()),
        select(vec![
            OpinionKind::Opinion,
            OpinionKind::Decision,
            OpinionKind::Action,
        ]),
        prop::option::of(select(TITLES)),
        select(vec![Visibility::Public, Visibility::Internal]),
        prop::option::of(select(DEPTS)),
        prop::option::of(date_in(1990, 2040)),
        prop::option::of(Just("2024-01-02T03:04:05.000Z")),
        prop::option::of(Just("sato")),
    )
        .prop_map(
            |(text, kind, speaker, visibility, owner, due, closed_at, closed_by)| Opinion {
                text,
                kind,
                speaker: speaker.map(str::to_string),
                visibility,
                owner: owner.map(str::to_string),
                due,
                closed_at: closed_at.map(str::to_string),
                closed_by: closed_by.map(str::to_string),
            },
        )
}

/// Agenda items with unique numbers, in order; opinions unique by text.
/// Each item carries link picks, resolved once the plans are known.
pub fn items(
    min: usize,
    op: BoxedStrategy<Opinion>,
    title: BoxedStrategy<String>,
    summary: BoxedStrategy<String>,
) -> impl Strategy<Value = Vec<(Item, Vec<Index>)>> {
    let item = (
        1u32..40,
        title,
        summary,
        prop::collection::vec(op, 0..4),
        prop::collection::vec(any::<Index>(), 0..3),
    );
    prop::collection::vec(item, min..4).prop_map(|v| {
        let mut out: Vec<(Item, Vec<Index>)> = Vec::new();
        for (number, title, summary, ops, links) in v {
            if out.iter().any(|(i, _)| i.number == number) {
                continue;
            }
            let mut opinions: Vec<Opinion> = Vec::new();
            for o in ops {
                if !opinions.iter().any(|x| x.text == o.text) {
                    opinions.push(o);
                }
            }
            out.push((
                Item {
                    number,
                    title,
                    summary,
                    opinions,
                    links: Vec::new(),
                },
                links,
            ));
        }
        out.sort_by_key(|(i, _)| i.number);
        out
    })
}

pub fn sorted_unique<T: Clone, K: Ord>(v: Vec<T>, key: impl Fn(&T) -> K) -> Vec<T> {
    let mut out: Vec<T> = Vec::new();
    for x in v {
        if !out.iter().any(|y| key(y) == key(&x)) {
            out.push(x);
        }
    }
    out.sort_by_key(|x| key(x));
    out
}

pub fn unique<T: Clone, K: PartialEq>(v: Vec<T>, key: impl Fn(&T) -> K) -> Vec<T> {
    let mut out: Vec<T> = Vec::new();
    for x in v {
        if !out.iter().any(|y| key(y) == key(&x)) {
            out.push(x);
        }
    }
    out
}

pub fn half() -> impl Strategy<Value = Half> {
    select(vec![Half::First, Half::Second, Half::Year])
}

pub fn progress() -> impl Strategy<Value = Progress> {
    (
        2010..2020,
        half(),
        text(),
        text(),
        select(vec!["", "予定通り進捗", "遅れ"]),
        select(vec!["", "A", "B", "C"]),
        text(),
    )
        .prop_map(
            |(fiscal_year, half, plan, actual, status, grade, note)| Progress {
                fiscal_year,
                half,
                plan,
                actual,
                status: status.into(),
                grade: grade.into(),
                note,
            },
        )
}

pub fn indicator() -> impl Strategy<Value = Indicator> {
    let value =
        (2010..2020, half(), text()).prop_map(|(fiscal_year, half, actual)| IndicatorValue {
            fiscal_year,
            half,
            actual,
        });
    (
        select(vec!["参加者数", "満足度", "件数"]),
        select(vec!["", "人", "%"]),
        text(),
        prop::collection::vec(value, 0..3),
    )
        .prop_map(|(name, unit, target, values)| Indicator {
            name: name.into(),
            unit: unit.into(),
            target,
            values: sorted_unique(values, |v| (v.fiscal_year, v.half)),
        })
}

pub fn milestone() -> impl Strategy<Value = Milestone> {
    let precision = select(vec![
        Precision::Day,
        Precision::Month,
        Precision::FiscalYear,
    ]);
    (
        date_in(1990, 2040),
        precision,
        prop::option::of(date_in(1990, 2040)),
        text(),
        any::<bool>(),
    )
        .prop_map(|(date, precision, until, text, done)| Milestone {
            date,
            precision,
            until,
            text,
            done,
        })
}

pub fn note() -> impl Strategy<Value = Note> {
    (
        select(vec!["現状と課題", "中間振り返り", "自己評価"]),
        prop::option::of(2010..2020),
        text(),
    )
        .prop_map(|(label, fiscal_year, text)| Note {
            label: label.into(),
            fiscal_year,
            text,
        })
}

/// A node with up to `depth` levels below it. Codes are filled in later.
pub fn node(depth: u32) -> BoxedStrategy<(Node, bool)> {
    let fields = (
        (
            select(LEVELS),
            line(),
            text(),
            prop::option::of(0i64..100_000),
            any::<bool>(),
        ),
        (
            prop::option::of(select(DEPTS)),
            subsequence(DEPTS, 0..3),
            prop::collection::vec(note(), 0..3),
        ),
        (
            prop::collection::vec(progress(), 0..4),
            prop::collection::vec(indicator(), 0..2),
            prop::collection::vec(milestone(), 0..3),
        ),
    );
    let children = if depth == 0 {
        Just(Vec::new()).boxed()
    } else {
        prop::collection::vec(node(depth - 1), 0..3).boxed()
    };
    (fields, children)
        .prop_map(
            |(
                (
                    (level, title, body, budget, coded),
                    (lead, co, notes),
                    (progress, indicators, milestones),
                ),
                children,
            )| {
                let node = Node {
                    level: level.into(),
                    code: String::new(),
                    title,
                    body,
                    budget_kyen: budget,
                    lead_department: lead.map(str::to_string),
                    co_departments: co.into_iter().map(str::to_string).collect(),
                    notes: unique(notes, |n| (n.label.clone(), n.fiscal_year)),
                    progress: sorted_unique(progress, |p| (p.fiscal_year, p.half)),
                    indicators: unique(indicators, |i| i.name.clone()),
                    milestones: unique(milestones, |m| (m.date, m.text.clone())),
                    children: children
                        .into_iter()
                        .map(|(n, coded)| code_marker(n, coded))
                        .collect(),
                };
                (node, coded)
            },
        )
        .boxed()
}

/// Marks a node to get a code (filled in by `assign_codes`).
pub fn code_marker(mut n: Node, coded: bool) -> Node {
    n.code = if coded { "?".into() } else { String::new() };
    n
}

/// Codes from the position ("1", "1-2", …) for marked nodes; siblings made
/// unique by their natural key.
pub fn assign_codes(nodes: Vec<Node>, prefix: &str) -> Vec<Node> {
    let mut out = Vec::new();
    for (i, mut n) in nodes.into_iter().enumerate() {
        let path = if prefix.is_empty() {
            format!("{}", i + 1)
        } else {
            format!("{prefix}-{}", i + 1)
        };
        if !n.code.is_empty() {
            n.code = path.clone();
        }
        n.children = assign_codes(std::mem::take(&mut n.children), &path);
        out.push(n);
    }
    unique(out, |n| {
        (
            n.level.clone(),
            if n.code.is_empty() {
                n.title.clone()
            } else {
                n.code.clone()
            },
        )
    })
}

pub fn plan() -> impl Strategy<Value = Plan> {
    (
        select(vec!["運営方針", "提言", "改革項目"]),
        line(),
        select(vec!["", "旭区", "新潟市"]),
        prop::option::of(1990..2040),
        prop::collection::vec(select(vec!["前倒し", "予定通り進捗", "遅れ"]), 0..3),
        prop::collection::vec(node(2), 0..4),
    )
        .prop_map(
            |(kind, title, organisation, fiscal_year, scale, nodes)| Plan {
                kind: kind.into(),
                title,
                organisation: organisation.into(),
                fiscal_year,
                status_scale: scale.into_iter().map(str::to_string).collect(),
                nodes: assign_codes(
                    nodes.into_iter().map(|(n, c)| code_marker(n, c)).collect(),
                    "",
                ),
            },
        )
}

pub const COMMITTEES: &[&str] = &[DEFAULT_COMMITTEE, "区政推進会議"];

pub fn dataset() -> impl Strategy<Value = Dataset> {
    let committee = (0..COMMITTEES.len(), select(vec!["", "旭区"]), text());
    let meeting = (
        (
            any::<Index>(),
            1u32..12,
            date_in(1990, 2040),
            times(),
            text(),
        ),
        (
            select(vec![
                MeetingStatus::Scheduled,
                MeetingStatus::Held,
                MeetingStatus::Published,
                MeetingStatus::Cancelled,
            ]),
            subsequence(TITLES, 0..6),
            items(0, opinion().boxed(), text().boxed(), text().boxed()),
        ),
    );
    (
        prop::collection::vec(committee, 1..3),
        prop::collection::vec(meeting, 0..6),
        prop::collection::vec(plan(), 0..3),
    )
        .prop_map(|(committees, meetings, plans)| {
            let committees: Vec<Committee> = unique(committees, |c| c.0)
                .into_iter()
                .map(|(i, org, preamble)| Committee {
                    name: COMMITTEES[i].into(),
                    organisation: org.into(),
                    preamble,
                })
                .collect();
            let plans = unique(plans, |p| p.title.clone());
            // Link targets: every coded node, as PLAN_TITLE#CODE.
            let targets: Vec<String> = plans
                .iter()
                .flat_map(|p| {
                    p.walk()
                        .into_iter()
                        .filter(|(_, n)| !n.code.is_empty())
                        .map(move |(_, n)| format!("{}#{}", p.title, n.code))
                })
                .collect();
            let mut out = Vec::new();
            for ((c, number, date, (start, end), place), (status, attendees, items)) in meetings {
                let items = items
                    .into_iter()
                    .map(|(mut item, picks)| {
                        if !targets.is_empty() {
                            item.links = unique(
                                picks.iter().map(|i| i.get(&targets).clone()).collect(),
                                |l| l.clone(),
                            );
                        }
                        item
                    })
                    .collect();
                out.push(Meeting {
                    committee: c.get(&committees).name.clone(),
                    fiscal_year: wareki::fiscal_year(date),
                    number,
                    date,
                    start,
                    end,
                    place,
                    status,
                    attendees: attendees.into_iter().map(str::to_string).collect(),
                    items,
                });
            }
            let meetings = unique(out, |m| (m.committee.clone(), m.fiscal_year, m.number));
            Dataset {
                committees,
                meetings,
                plans,
            }
        })
}
