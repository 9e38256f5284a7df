//! What would have to give: when the agreement zone is empty, the smallest sets of red lines and
//! reservation values whose relaxation opens it.
//!
//! Every outcome has a *violation set*: the red lines it crosses and the reservation values it
//! falls short of. Relaxing a set S opens the zone exactly when some outcome's violation set lies
//! inside S, so the minimal relaxations are the inclusion-minimal violation sets over all
//! outcomes. One search finds them, skipping a subtree when everything in it already violates a
//! strict superset of a known minimal set. For each minimal set it keeps the best deal it allows:
//! the smallest total shortfall below the relaxed reservation values, then the highest Nash
//! product of the parties whose reservation holds.

use crate::model::Model;
use crate::pareto::EPS;
use crate::search::{search, Node, Visitor};

/// A minimal relaxation and the best deal it would allow.
#[derive(Debug, Clone, PartialEq)]
pub struct Relaxation {
    /// Red lines to relax: indices into the model's `constraints`.
    pub red_lines: Vec<usize>,
    /// Negotiators whose reservation value would have to give.
    pub reservations: Vec<usize>,
    /// The best deal once relaxed: value indices.
    pub outcome: Vec<u32>,
    /// Its utilities.
    pub utilities: Vec<f64>,
}

struct BlockingVisitor<'m, 'a> {
    m: &'m Model<'a>,
    /// Bit position of party p's reservation in a violation set.
    res_bit: usize,
    /// Minimal sets found so far, with their best deal: (set, score, values, utilities).
    minimal: Vec<(u64, Score, Vec<u32>, Vec<f64>)>,
}

/// How good a deal is under a relaxation: (minus the total shortfall below relaxed reservation
/// values, Nash product of the other parties). Compared lexicographically.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
struct Score(f64, f64);

impl BlockingVisitor<'_, '_> {
    fn reservation_mask(&self, u: &[f64]) -> u64 {
        let mut mask = 0;
        for (p, (x, d)) in u.iter().zip(&self.m.d).enumerate() {
            if *x < d - EPS {
                mask |= 1 << (self.res_bit + p);
            }
        }
        mask
    }

    fn score(&self, mask: u64, u: &[f64]) -> Score {
        let mut shortfall = 0.0;
        let mut nash = 1.0;
        for (p, (x, d)) in u.iter().zip(&self.m.d).enumerate() {
            if mask >> (self.res_bit + p) & 1 == 1 {
                shortfall += (d - x).max(0.0);
            } else {
                nash *= (x - d).max(0.0);
            }
        }
        Score(-shortfall, nash)
    }
}

impl Visitor for BlockingVisitor<'_, '_> {
    #[inline]
    fn enter(&mut self, node: &Node) -> bool {
        let upper = node.upper;
        let certain = node.violated | self.reservation_mask(upper);
        let mut equal_best = None;
        for (set, best, _, _) in &self.minimal {
            if certain & set == *set {
                if certain != *set {
                    // Everything below crosses more than a known minimal set.
                    return false;
                }
                equal_best = Some(*best);
            }
        }
        // Same set as a known one: only a better deal matters.
        equal_best.is_none_or(|best| self.score(certain, upper) > best)
    }

    #[inline]
    fn leaf(&mut self, values: &[u32], u: &[f64], violated: u64) {
        let mask = violated | self.reservation_mask(u);
        let score = self.score(mask, u);
        let mut i = 0;
        while i < self.minimal.len() {
            let set = self.minimal[i].0;
            if mask & set == set {
                // A superset of (or equal to) a known set.
                if mask == set && score > self.minimal[i].1 {
                    self.minimal[i] = (mask, score, values.to_vec(), u.to_vec());
                }
                return;
            }
            if mask & set == mask {
                self.minimal.swap_remove(i);
            } else {
                i += 1;
            }
        }
        self.minimal
            .push((mask, score, values.to_vec(), u.to_vec()));
    }
}

/// The minimal relaxations, smallest first. Empty when the zone is not empty (the empty set
/// is then the only minimal one).
pub fn relaxations(m: &Model) -> Vec<Relaxation> {
    relaxations_within(m, u64::MAX).unwrap_or_default()
}

/// [`relaxations`] within a budget of node visits; `None` when it ran out.
pub fn relaxations_within(m: &Model, budget: u64) -> Option<Vec<Relaxation>> {
    let res_bit = m.constraints.len();
    let mut v = BlockingVisitor {
        m,
        res_bit,
        minimal: Vec::new(),
    };
    if !search(m, &mut v, Some(budget)) {
        return None;
    }
    let mut out: Vec<Relaxation> = v
        .minimal
        .into_iter()
        .filter(|(set, ..)| *set != 0)
        .map(|(set, _, values, utilities)| Relaxation {
            red_lines: (0..res_bit).filter(|c| set >> c & 1 == 1).collect(),
            reservations: (0..m.k).filter(|p| set >> (res_bit + p) & 1 == 1).collect(),
            outcome: values,
            utilities,
        })
        .collect();
    // Smallest sets first; among equals, red lines before reservation values.
    out.sort_by_key(|r| {
        (
            r.red_lines.len() + r.reservations.len(),
            r.red_lines.is_empty(),
            r.red_lines.clone(),
            r.reservations.clone(),
        )
    });
    Some(out)
}
