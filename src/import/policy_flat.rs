//! What the policy reader is told and what it builds: the options for a
//! cut-off page, the part level, and the flat list of nodes (each with its
//! parent) that becomes the plan's tree.

use crate::model::Node;

/// How to treat a page that ends in the middle of a section.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// Import up to the last complete section (with a warning) instead of
    /// refusing the file.
    pub partial: bool,
}

/// The level of a page's part heading kept as a node.
pub const PART_LEVEL: &str = "章";

pub(crate) struct Flat {
    pub node: Node,
    pub parent: Option<usize>,
    pub line: usize,
    /// The heading said "(2年度予算額)": the amount ends the body.
    pub(crate) amount_later: bool,
    /// The heading had no title: the next line is the title.
    pub(crate) title_pending: bool,
    /// The line its budget was read from ("-円" included).
    pub(crate) budget_at: Option<usize>,
}

pub(crate) fn build_tree(flat: Vec<Flat>) -> Vec<Node> {
    let parents: Vec<Option<usize>> = flat.iter().map(|f| f.parent).collect();
    let mut slots: Vec<Option<Node>> = flat.into_iter().map(|f| Some(f.node)).collect();
    // Children come after their parents, so attach from the end.
    for i in (0..slots.len()).rev() {
        if let Some(p) = parents[i] {
            if let Some(child) = slots[i].take() {
                if let Some(parent) = slots[p].as_mut() {
                    parent.children.insert(0, child);
                }
            }
        }
    }
    slots.into_iter().flatten().collect()
}
