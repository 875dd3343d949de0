//! The blank query (the search line cleared, Ctrl-U): its answer from the
//! entries' kind ranks, without a scan of every entry.

use super::{Candidate, Index, Plan, Query, Scanned};

/// A blank query without filters (the line cleared): every entry matches
/// with the same score, so the best `k` are the newest of the highest kind
/// rank, found from the ranks alone. The same `top` and `total` as
/// [`scan`] with [`Within::All`] (the scan's keys, built the same way);
/// `matches` is left empty: a blank query's matches are every entry,
/// which no later query narrows from (share over `NARROW_MAX_SHARE`).
/// None when the query is not blank or has a filter.
pub fn blank(index: &Index, query: &Query, k: usize) -> Option<Scanned> {
    if !query.terms.is_empty() || query.has_filters() {
        return None;
    }
    let plan = Plan::new(index, query, k.max(1));
    let n = index.len();
    // Per kind rank (two bits), its newest `k` entries; the highest rank
    // filled stops the walk.
    let mut best: [Vec<usize>; 4] = Default::default();
    for d in 0..n {
        let r = usize::from(index.ranks[d] & 3);
        if best[r].len() < plan.k {
            best[r].push(d);
            if r == 3 && best[3].len() == plan.k {
                break;
            }
        }
    }
    let top = best
        .iter()
        .rev()
        .flatten()
        .take(plan.k)
        .map(|&d| Candidate {
            doc: d as u32,
            key: plan.key(true, true, 0, d),
        })
        .collect();
    Some(Scanned {
        top,
        total: n,
        matches: Vec::new(),
    })
}
