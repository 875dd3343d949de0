//! Random edits of a sample database, as users make them (from any of
//! several connections): opinions, agenda items, meetings, nodes, job
//! titles, the newer sources, drafts and undo. Refusals (a conflict, bad
//! input) are fine: they change nothing. For the search index tests.

use kusei::db::Store;
use proptest::prelude::*;

pub const WORDS: &[&str] = &[
    "団地",
    "子育て",
    "防災訓練",
    "区運営方針",
    "超過",
    "区",
    "カフェ",
    "ｶﾌｪ",
    "見守り",
];
pub const TITLES: &[&str] = &["区長", "副区長", "地域振興課長", "新しい係長"];

#[derive(Debug, Clone)]
pub enum Op {
    AddOpinion {
        item: usize,
        text: String,
        speaker: Option<usize>,
    },
    EditOpinion {
        pick: usize,
        text: String,
    },
    DeleteOpinion {
        pick: usize,
    },
    SetKind {
        pick: usize,
        decision: bool,
    },
    SetSpeaker {
        pick: usize,
        speaker: Option<usize>,
    },
    EditItem {
        pick: usize,
        title: String,
        summary: String,
    },
    AddItem {
        meeting: usize,
        title: String,
    },
    MoveMeeting {
        pick: usize,
        days: i64,
    },
    DeleteMeeting {
        pick: usize,
    },
    EditNode {
        pick: usize,
        body: String,
    },
    RenameTitle {
        pick: usize,
        name: String,
    },
    Draft {
        text: String,
    },
    /// UPDATE of a text column of a newer source (table, column).
    EditSource {
        table: usize,
        pick: usize,
        text: String,
    },
    AddNote {
        node: usize,
        text: String,
    },
    SetOwner {
        pick: usize,
        owner: Option<String>,
    },
    DeleteNode {
        pick: usize,
    },
    PlanYear {
        pick: usize,
        year: i64,
    },
    Undo,
}

/// The newer sources' text columns (table, column).
pub const SOURCES: &[(&str, &str)] = &[
    ("progress", "actual"),
    ("progress", "plan"),
    ("progress", "note"),
    ("node_notes", "text"),
    ("milestones", "text"),
    ("indicators", "name"),
    ("meetings", "place"),
];

pub fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(WORDS), 1..4).prop_map(|w| w.join("の"))
}

pub fn op() -> impl Strategy<Value = Op> {
    let n = 0..1000usize;
    prop_oneof![
        4 => (n.clone(), text(), prop::option::of(0..TITLES.len()))
            .prop_map(|(item, text, speaker)| Op::AddOpinion { item, text, speaker }),
        3 => (n.clone(), text()).prop_map(|(pick, text)| Op::EditOpinion { pick, text }),
        2 => n.clone().prop_map(|pick| Op::DeleteOpinion { pick }),
        1 => (n.clone(), any::<bool>()).prop_map(|(pick, decision)| Op::SetKind { pick, decision }),
        1 => (n.clone(), prop::option::of(0..TITLES.len()))
            .prop_map(|(pick, speaker)| Op::SetSpeaker { pick, speaker }),
        2 => (n.clone(), text(), text())
            .prop_map(|(pick, title, summary)| Op::EditItem { pick, title, summary }),
        1 => (n.clone(), text()).prop_map(|(meeting, title)| Op::AddItem { meeting, title }),
        1 => (n.clone(), -800i64..800).prop_map(|(pick, days)| Op::MoveMeeting { pick, days }),
        1 => n.clone().prop_map(|pick| Op::DeleteMeeting { pick }),
        1 => (n.clone(), text()).prop_map(|(pick, body)| Op::EditNode { pick, body }),
        1 => (n.clone(), text()).prop_map(|(pick, name)| Op::RenameTitle { pick, name }),
        1 => text().prop_map(|text| Op::Draft { text }),
        3 => (0..SOURCES.len(), n.clone(), text())
            .prop_map(|(table, pick, text)| Op::EditSource { table, pick, text }),
        1 => (n.clone(), text()).prop_map(|(node, text)| Op::AddNote { node, text }),
        1 => (n.clone(), prop::option::of(text()))
            .prop_map(|(pick, owner)| Op::SetOwner { pick, owner }),
        1 => n.clone().prop_map(|pick| Op::DeleteNode { pick }),
        1 => (n.clone(), 2015i64..2022).prop_map(|(pick, year)| Op::PlanYear { pick, year }),
        3 => Just(Op::Undo),
    ]
}

/// The `pick`-th id of `table` (modulo how many there are).
pub fn nth(store: &Store, table: &str, pick: usize) -> Option<i64> {
    let n: i64 = store
        .conn()
        .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .ok()?;
    if n == 0 {
        return None;
    }
    store
        .conn()
        .query_row(
            &format!("SELECT id FROM {table} ORDER BY id LIMIT 1 OFFSET ?1"),
            [pick as i64 % n],
            |r| r.get(0),
        )
        .ok()
}

pub fn version(store: &Store, table: &str, id: i64) -> i64 {
    store
        .conn()
        .query_row(
            &format!("SELECT version FROM {table} WHERE id = ?1"),
            [id],
            |r| r.get(0),
        )
        .unwrap_or(1)
}

/// Run `op` on `store`; refusals (a conflict, bad input) are fine: they
/// change nothing.
pub fn run(store: &mut Store, op: &Op) {
    let speaker = |s: &Option<usize>| s.map(|i| TITLES[i]);
    let _ = match op {
        Op::AddOpinion {
            item,
            text,
            speaker: s,
        } => match nth(store, "agenda_items", *item) {
            Some(item) => store.add_opinion(item, text, speaker(s), None).map(drop),
            None => Ok(()),
        },
        Op::EditOpinion { pick, text } => match nth(store, "opinions", *pick) {
            Some(id) => store.edit_opinion(id, version(store, "opinions", id), text),
            None => Ok(()),
        },
        Op::DeleteOpinion { pick } => match nth(store, "opinions", *pick) {
            Some(id) => store.delete_opinion(id),
            None => Ok(()),
        },
        Op::SetKind { pick, decision } => match nth(store, "opinions", *pick) {
            Some(id) => {
                let kind = kusei::db::EntryKind {
                    kind: if *decision {
                        kusei::model::OpinionKind::Decision
                    } else {
                        kusei::model::OpinionKind::Opinion
                    },
                    owner: None,
                    due: None,
                };
                store.set_opinion_kind(id, &kind)
            }
            None => Ok(()),
        },
        Op::SetSpeaker { pick, speaker: s } => match nth(store, "opinions", *pick) {
            Some(id) => store.set_opinion_speaker(id, speaker(s)),
            None => Ok(()),
        },
        Op::EditItem {
            pick,
            title,
            summary,
        } => match nth(store, "agenda_items", *pick) {
            Some(id) => store.update_item(id, version(store, "agenda_items", id), title, summary),
            None => Ok(()),
        },
        Op::AddItem { meeting, title } => match nth(store, "meetings", *meeting) {
            Some(m) => store.add_item(m, title).map(drop),
            None => Ok(()),
        },
        Op::MoveMeeting { pick, days } => match nth(store, "meetings", *pick) {
            Some(id) => store.write(|tx| {
                tx.update(
                    "meetings",
                    id,
                    "UPDATE meetings SET date = date(date, ?2 || ' days') WHERE id = ?1",
                    rusqlite::params![id, days],
                )
                .map(drop)
            }),
            None => Ok(()),
        },
        Op::DeleteMeeting { pick } => match nth(store, "meetings", *pick) {
            Some(id) => store.delete_meeting(id),
            None => Ok(()),
        },
        Op::EditNode { pick, body } => match nth(store, "plan_nodes", *pick) {
            Some(id) => store.write(|tx| {
                tx.update(
                    "plan_nodes",
                    id,
                    "UPDATE plan_nodes SET body = ?2 WHERE id = ?1",
                    rusqlite::params![id, body],
                )
                .map(drop)
            }),
            None => Ok(()),
        },
        Op::RenameTitle { pick, name } => match nth(store, "job_titles", *pick) {
            Some(id) => store.write(|tx| {
                tx.update(
                    "job_titles",
                    id,
                    "UPDATE job_titles SET name = ?2 WHERE id = ?1",
                    rusqlite::params![id, name],
                )
                .map(drop)
            }),
            None => Ok(()),
        },
        Op::Draft { text } => store.save_draft("minutes:1", text),
        Op::EditSource { table, pick, text } => {
            let (table, column) = SOURCES[*table];
            match nth(store, table, *pick) {
                Some(id) => store.write(|tx| {
                    tx.update(
                        table,
                        id,
                        &format!("UPDATE {table} SET {column} = ?2 WHERE id = ?1"),
                        rusqlite::params![id, text],
                    )
                    .map(drop)
                }),
                None => Ok(()),
            }
        }
        Op::AddNote { node, text } => match nth(store, "plan_nodes", *node) {
            Some(id) => store.write(|tx| {
                tx.insert(
                    "node_notes",
                    "INSERT INTO node_notes (node_id, position, label, fiscal_year, text)
                     VALUES (?1, 99, '中間振り返り', 2017, ?2)",
                    rusqlite::params![id, text],
                )
                .map(drop)
            }),
            None => Ok(()),
        },
        Op::SetOwner { pick, owner } => match nth(store, "opinions", *pick) {
            Some(id) => {
                let kind = kusei::db::EntryKind {
                    kind: kusei::model::OpinionKind::Action,
                    owner: owner.clone(),
                    due: None,
                };
                store.set_opinion_kind(id, &kind)
            }
            None => Ok(()),
        },
        Op::DeleteNode { pick } => match nth(store, "plan_nodes", *pick) {
            Some(id) => store.write(|tx| tx.delete("plan_nodes", id).map(drop)),
            None => Ok(()),
        },
        Op::PlanYear { pick, year } => match nth(store, "plans", *pick) {
            Some(id) => store.write(|tx| {
                tx.update(
                    "plans",
                    id,
                    "UPDATE plans SET fiscal_year = ?2 WHERE id = ?1",
                    rusqlite::params![id, year],
                )
                .map(drop)
            }),
            None => Ok(()),
        },
        Op::Undo => match store.last_batch() {
            Some(b) => store.undo(b).map(drop),
            None => Ok(()),
        },
    };
}

/// Every entry as the user can see it (speaker by name, not number).
pub fn entries(ix: &kusei::search::Index) -> Vec<String> {
    (0..ix.len() as u32)
        .map(|i| {
            let d = ix.doc(i);
            format!(
                "{:?} {} {} {} {} #{} @{} {}",
                d.kind,
                d.id,
                d.parent,
                d.day,
                d.fiscal_year,
                d.meeting_no,
                ix.speaker(d),
                ix.key(i)
            )
        })
        .collect()
}
