//! The policy pane's writes: what a key asks the database thread to change.

use crate::db::{NodeFields, Store};

/// A change to the policy data (runs on the database thread).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Write {
    AddNode {
        plan_id: i64,
        parent: Option<i64>,
        after: Option<i64>,
        fields: NodeFields,
    },
    UpdateNode {
        id: i64,
        version: i64,
        fields: NodeFields,
    },
    MoveNode {
        id: i64,
        delta: i32,
    },
    Reparent {
        id: i64,
        parent: Option<i64>,
        after: Option<i64>,
    },
    /// `<`: to `parent`, with new levels and codes (id, level, code).
    Outdent {
        id: i64,
        parent: Option<i64>,
        relabel: Vec<(i64, String, String)>,
    },
    /// A new empty plan.
    CreatePlan(crate::db::policy::PlanFields),
    /// 年度更新: plan `from` copied into fiscal year `to`.
    RenewPlan {
        from: i64,
        to: i32,
    },
    DeleteNode(i64),
    SetLinks {
        item: i64,
        /// The fingerprint of the links the picker opened with.
        opened: i64,
        nodes: Vec<i64>,
    },
    AddLinks(Vec<(i64, i64)>),
    Unlink {
        item: i64,
        node: i64,
    },
    SetNote {
        node: i64,
        label: String,
        fiscal_year: Option<i32>,
        /// The text the editor opened with.
        shown: String,
        text: String,
    },
}

impl Write {
    pub fn done(&self) -> String {
        match self {
            Write::AddNode { .. } => "項目を追加しました".into(),
            Write::UpdateNode { .. } => "項目を保存しました".into(),
            Write::MoveNode { .. } => "並べ替えました（u で取り消し）".into(),
            Write::Reparent { .. } => "移動しました（u で取り消し）".into(),
            Write::Outdent { relabel, .. } => match relabel.first() {
                Some((_, level, code)) => {
                    format!("一つ上の階層へ移し、{level}{code} にしました（u で取り消し）")
                }
                None => "移動しました（u で取り消し）".into(),
            },
            Write::CreatePlan(f) => format!("計画「{}」を作りました", f.title.trim()),
            Write::RenewPlan { to, .. } => format!(
                "{}の計画を作りました（予算・評価は空。u で取消）",
                crate::wareki::format_fiscal_year(*to)
            ),
            Write::DeleteNode(_) => "削除しました（u で取り消し）".into(),
            Write::SetLinks { nodes, .. } => {
                format!("関連する運営方針を {} 件にしました", nodes.len())
            }
            Write::AddLinks(p) => format!("{} 件を関連づけました（u で取り消し）", p.len()),
            Write::Unlink { .. } => "関連を外しました（u で取り消し）".into(),
            Write::SetNote { label, .. } => format!("{label}を保存しました"),
        }
    }

    pub(super) fn touches_links(&self) -> bool {
        matches!(
            self,
            Write::SetLinks { .. }
                | Write::AddLinks(_)
                | Write::Unlink { .. }
                | Write::DeleteNode(_)
        )
    }

    pub(super) fn node(&self) -> Option<i64> {
        match self {
            Write::UpdateNode { id, .. }
            | Write::MoveNode { id, .. }
            | Write::Reparent { id, .. }
            | Write::Outdent { id, .. } => Some(*id),
            Write::SetNote { node, .. } => Some(*node),
            _ => None,
        }
    }

    /// Apply on the store; the id of what was created, if anything.
    pub fn apply(&self, store: &mut Store) -> crate::db::Result<Option<i64>> {
        match self {
            Write::AddNode {
                plan_id,
                parent,
                after,
                fields,
            } => store.add_node(*plan_id, *parent, *after, fields).map(Some),
            Write::UpdateNode {
                id,
                version,
                fields,
            } => store.update_node(*id, *version, fields).map(|_| None),
            Write::MoveNode { id, delta } => store.move_node(*id, *delta).map(|_| None),
            Write::Reparent { id, parent, after } => {
                store.reparent_node(*id, *parent, *after).map(|_| None)
            }
            Write::Outdent {
                id,
                parent,
                relabel,
            } => store.outdent_node(*id, *parent, relabel).map(|_| None),
            Write::CreatePlan(f) => store.create_plan(f).map(Some),
            Write::RenewPlan { from, to } => store.renew_plan(*from, *to).map(Some),
            Write::DeleteNode(id) => store.delete_node(*id).map(|_| None),
            Write::SetLinks {
                item,
                opened,
                nodes,
            } => store.set_item_links(*item, *opened, nodes).map(|_| None),
            Write::AddLinks(pairs) => store.add_links(pairs).map(|_| None),
            Write::Unlink { item, node } => store.remove_link(*item, *node).map(|_| None),
            Write::SetNote {
                node,
                label,
                fiscal_year,
                shown,
                text,
            } => store
                .set_node_note(*node, label, *fiscal_year, shown, text)
                .map(|_| None),
        }
    }
}
