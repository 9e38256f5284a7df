//! The exact Pareto frontier of additive preferences without enumerating outcomes.
//!
//! Issues are merged one at a time. After issue j the algorithm holds the frontier of the partial
//! sums over issues 0..=j. That is enough: if a partial sum is dominated on issues 0..=j, adding
//! the same values for the remaining issues to its dominator dominates every completion, so no
//! dominated partial sum can complete to a frontier point. Equal partial sums are merged into one
//! node that remembers all its (parent, value) pairs, so ties are kept and counted exactly.
//!
//! Cost: sum over issues of |frontier so far| x |values of the issue| candidate sums, each
//! filtered in O(log) for two parties; memory is the frontier sizes, independent of the number of
//! outcomes.

use crate::model::Model;
use crate::pareto::{dominates, same, sort_points, FrontierPoint, EPS};
use accord_model::Outcome;

/// A node of the merge: a nondominated partial sum and the ways to reach it.
struct Node {
    u: Vec<f64>,
    /// (index of the parent node at the previous level, value of this level's issue).
    parents: Vec<(u32, u32)>,
    count: u128,
}

/// The frontier over all outcomes, ties kept (`cap` outcomes listed per point at most).
/// Only valid when preferences are additive (`m.is_additive()`).
pub fn frontier(m: &Model, cap: usize) -> Vec<FrontierPoint> {
    let k = m.k;
    let mut levels: Vec<Vec<Node>> = Vec::with_capacity(m.n);
    let mut current = vec![Node {
        u: m.constant.clone(),
        parents: Vec::new(),
        count: 1,
    }];
    for i in 0..m.n {
        let groups = option_groups(&m.tab[i], k);
        let mut cands: Vec<Node> = Vec::with_capacity(current.len() * groups.len());
        for (a, node) in current.iter().enumerate() {
            for (vec, values) in &groups {
                let u: Vec<f64> = node.u.iter().zip(vec).map(|(x, y)| x + y).collect();
                cands.push(Node {
                    u,
                    parents: values.iter().map(|&v| (a as u32, v)).collect(),
                    count: node.count.saturating_mul(values.len() as u128),
                });
            }
        }
        let next = nondominated(cands, k);
        levels.push(std::mem::replace(&mut current, next));
    }
    levels.push(current);
    // levels[0] is the root; levels[j + 1] holds the nodes after issue j.
    let last = &levels[m.n];
    let mut pts: Vec<FrontierPoint> = last
        .iter()
        .enumerate()
        .map(|(idx, node)| FrontierPoint {
            utilities: node.u.clone(),
            outcomes: outcomes_of(&levels, idx, cap),
            count: node.count,
        })
        .collect();
    sort_points(&mut pts);
    pts
}

/// The values of one issue grouped by identical utility vectors, dominated vectors removed:
/// a value dominated within its own issue never completes to a frontier point.
fn option_groups(tab: &[f64], k: usize) -> Vec<(Vec<f64>, Vec<u32>)> {
    let cands: Vec<Node> = tab
        .chunks_exact(k)
        .enumerate()
        .map(|(v, row)| Node {
            u: row.to_vec(),
            parents: vec![(0, v as u32)],
            count: 1,
        })
        .collect();
    nondominated(cands, k)
        .into_iter()
        .map(|n| (n.u, n.parents.into_iter().map(|(_, v)| v).collect()))
        .collect()
}

/// Keeps the nondominated candidates, merging equal ones.
fn nondominated(mut cands: Vec<Node>, k: usize) -> Vec<Node> {
    if k == 2 {
        // Highest first utility first, then highest second: a sweep keeps each point whose second
        // utility beats every point before it.
        cands.sort_unstable_by(|a, b| b.u[0].total_cmp(&a.u[0]).then(b.u[1].total_cmp(&a.u[1])));
        let mut out: Vec<Node> = Vec::new();
        let mut best = f64::NEG_INFINITY;
        for c in cands {
            if let Some(last) = out.last_mut() {
                if same(&last.u, &c.u) {
                    last.count = last.count.saturating_add(c.count);
                    last.parents.extend(c.parents);
                    continue;
                }
            }
            if c.u[1] > best + EPS {
                // Within EPS on the first utility, an earlier kept point may be dominated.
                while out.last().is_some_and(|l| dominates(&c.u, &l.u)) {
                    out.pop();
                }
                best = best.max(c.u[1]);
                out.push(c);
            }
        }
        return out;
    }
    // k parties: a dominator has a larger sum, so after sorting by sum a candidate only needs
    // checking against the points kept before it.
    cands.sort_unstable_by(|a, b| {
        let sa: f64 = a.u.iter().sum();
        let sb: f64 = b.u.iter().sum();
        sb.total_cmp(&sa)
    });
    let mut out: Vec<Node> = Vec::new();
    'cand: for c in cands {
        for o in out.iter_mut() {
            if same(&o.u, &c.u) {
                o.count = o.count.saturating_add(c.count);
                o.parents.extend(c.parents);
                continue 'cand;
            }
            if dominates(&o.u, &c.u) {
                continue 'cand;
            }
        }
        out.retain(|o| !dominates(&c.u, &o.u));
        out.push(c);
    }
    out
}

/// Up to `cap` outcomes behind node `idx` of the last level, first parents first.
fn outcomes_of(levels: &[Vec<Node>], idx: usize, cap: usize) -> Vec<Outcome> {
    let n = levels.len() - 1;
    let mut out = Vec::new();
    let mut values = vec![0u32; n];
    walk(levels, n, idx, &mut values, &mut out, cap.max(1));
    out
}

fn walk(
    levels: &[Vec<Node>],
    level: usize,
    idx: usize,
    values: &mut [u32],
    out: &mut Vec<Outcome>,
    cap: usize,
) {
    if level == 0 {
        out.push(Outcome(values.to_vec()));
        return;
    }
    for &(parent, v) in &levels[level][idx].parents {
        if out.len() >= cap {
            return;
        }
        values[level - 1] = v;
        walk(levels, level - 1, parent as usize, values, out, cap);
    }
}
