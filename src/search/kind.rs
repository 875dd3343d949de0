//! What an index entry is: its kind, how results name it, where its row is.

/// What an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum DocKind {
    Opinion,
    Decision,
    Action,
    ItemTitle,
    ItemSummary,
    NodeTitle,
    NodeBody,
    /// A progress entry's 計画 / 実績 / 備考 (row of `progress`).
    ProgressPlan,
    ProgressActual,
    ProgressNote,
    /// 中間振り返り, 自己評価, 総合評価, 年度評価 … (row of `node_notes`).
    Evaluation,
    Milestone,
    Indicator,
    /// A meeting's place (row of `meetings`).
    Place,
    /// The person responsible for a 宿題 (row of `opinions`).
    Owner,
}

impl DocKind {
    /// What the result list calls it (two wide characters).
    pub fn label_ja(self) -> &'static str {
        match self {
            DocKind::Opinion => "意見",
            DocKind::Decision => "決定",
            DocKind::Action => "宿題",
            DocKind::ItemTitle => "議題",
            DocKind::ItemSummary => "概要",
            DocKind::NodeTitle => "方針",
            DocKind::NodeBody => "説明",
            DocKind::ProgressPlan => "計画",
            DocKind::ProgressActual => "実績",
            DocKind::ProgressNote => "備考",
            DocKind::Evaluation => "評価",
            DocKind::Milestone => "工程",
            DocKind::Indicator => "指標",
            DocKind::Place => "場所",
            DocKind::Owner => "担当",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            DocKind::Opinion => "opinion",
            DocKind::Decision => "decision",
            DocKind::Action => "action",
            DocKind::ItemTitle => "item_title",
            DocKind::ItemSummary => "item_summary",
            DocKind::NodeTitle => "node_title",
            DocKind::NodeBody => "node_body",
            DocKind::ProgressPlan => "progress_plan",
            DocKind::ProgressActual => "progress_actual",
            DocKind::ProgressNote => "progress_note",
            DocKind::Evaluation => "evaluation",
            DocKind::Milestone => "milestone",
            DocKind::Indicator => "indicator",
            DocKind::Place => "place",
            DocKind::Owner => "owner",
        }
    }

    pub fn is_opinion(self) -> bool {
        matches!(self, DocKind::Opinion | DocKind::Decision | DocKind::Action)
    }

    pub fn is_item(self) -> bool {
        matches!(self, DocKind::ItemTitle | DocKind::ItemSummary)
    }

    pub fn is_node(self) -> bool {
        matches!(self, DocKind::NodeTitle | DocKind::NodeBody)
    }

    pub fn is_progress(self) -> bool {
        matches!(
            self,
            DocKind::ProgressPlan | DocKind::ProgressActual | DocKind::ProgressNote
        )
    }

    /// Belongs to a policy node (its title, body, progress, evaluations,
    /// milestones, indicators): shown in the policy tab.
    pub fn on_node(self) -> bool {
        self.is_node()
            || self.is_progress()
            || matches!(
                self,
                DocKind::Evaluation | DocKind::Milestone | DocKind::Indicator
            )
    }

    /// The table whose row `Doc::id` is.
    pub fn table(self) -> &'static str {
        match self {
            DocKind::Opinion | DocKind::Decision | DocKind::Action | DocKind::Owner => "opinions",
            DocKind::ItemTitle | DocKind::ItemSummary => "agenda_items",
            DocKind::NodeTitle | DocKind::NodeBody => "plan_nodes",
            DocKind::ProgressPlan | DocKind::ProgressActual | DocKind::ProgressNote => "progress",
            DocKind::Evaluation => "node_notes",
            DocKind::Milestone => "milestones",
            DocKind::Indicator => "indicators",
            DocKind::Place => "meetings",
        }
    }

    /// Opinions first, then agenda titles, then the rest (higher first).
    pub fn rank(self) -> u8 {
        match self {
            DocKind::Opinion | DocKind::Decision | DocKind::Action => 3,
            DocKind::ItemTitle => 2,
            DocKind::ItemSummary | DocKind::NodeTitle => 1,
            DocKind::ProgressPlan
            | DocKind::ProgressActual
            | DocKind::Evaluation
            | DocKind::Milestone
            | DocKind::Indicator => 1,
            DocKind::NodeBody | DocKind::ProgressNote | DocKind::Place | DocKind::Owner => 0,
        }
    }

    pub fn from_opinion_kind(kind: &str) -> DocKind {
        match kind {
            "decision" => DocKind::Decision,
            "action" => DocKind::Action,
            _ => DocKind::Opinion,
        }
    }
}
