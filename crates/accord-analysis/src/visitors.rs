//! The searches analysis runs over the outcome space (see `search`), one visitor each.

use crate::model::Model;
use crate::pareto::{FrontierPoint, ParetoSet, EPS};
use crate::search::{search, Node, Visitor};
use crate::solutions::distance_to_one;

/// Which outcomes a frontier search keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filter {
    /// Every outcome.
    All,
    /// The agreement zone: no red line crossed, every party at or above its reservation value.
    Zone,
}

struct FrontierVisitor<'m, 'a> {
    m: &'m Model<'a>,
    set: ParetoSet,
    filter: Filter,
}

impl Visitor for FrontierVisitor<'_, '_> {
    #[inline]
    fn enter(&mut self, node: &Node) -> bool {
        if self.filter == Filter::Zone
            && (node.violated != 0 || node.upper.iter().zip(&self.m.d).any(|(u, d)| *u < d - EPS))
        {
            return false;
        }
        !self.set.dominates(node.upper)
    }

    fn uses_lower(&self) -> bool {
        false
    }

    #[inline]
    fn leaf(&mut self, values: &[u32], u: &[f64], violated: u64) {
        if self.filter == Filter::Zone && (violated != 0 || !self.m.rational(u)) {
            return;
        }
        self.set.insert(u, values);
    }
}

/// The frontier of the outcomes passing `filter`, by branch-and-bound enumeration: a subtree is
/// skipped when the best utilities it could reach are already dominated.
pub fn frontier(m: &Model, filter: Filter, cap: usize) -> Vec<FrontierPoint> {
    frontier_within(m, filter, cap, u64::MAX).unwrap_or_default()
}

/// [`frontier`] within a budget of node visits; `None` when it ran out.
pub fn frontier_within(
    m: &Model,
    filter: Filter,
    cap: usize,
    budget: u64,
) -> Option<Vec<FrontierPoint>> {
    let mut v = FrontierVisitor {
        m,
        set: ParetoSet::new(m.k, cap),
        filter,
    };
    search(m, &mut v, Some(budget)).then(|| v.set.into_points())
}

struct CountVisitor<'m, 'a> {
    m: &'m Model<'a>,
    count: u128,
    /// completions[d] = number of outcomes below a node of depth d.
    completions: Vec<u128>,
}

impl Visitor for CountVisitor<'_, '_> {
    #[inline]
    fn enter(&mut self, node: &Node) -> bool {
        let d = &self.m.d;
        if node.violated != 0 || node.upper.iter().zip(d).any(|(u, d)| *u < d - EPS) {
            return false;
        }
        if node.open == 0 && node.lower.iter().zip(d).all(|(l, d)| *l >= d - EPS) {
            self.count += self.completions[node.depth];
            return false;
        }
        true
    }

    #[inline]
    fn leaf(&mut self, _: &[u32], u: &[f64], violated: u64) {
        if violated == 0 && self.m.rational(u) {
            self.count += 1;
        }
    }
}

/// Number of outcomes in the agreement zone, exactly; whole subtrees that are certainly inside
/// or outside are counted or skipped without visiting them. `None` when `budget` ran out.
pub fn zone_count(m: &Model, budget: Option<u64>) -> Option<u128> {
    let mut v = CountVisitor {
        m,
        count: 0,
        completions: m.completions(),
    };
    search(m, &mut v, budget).then_some(v.count)
}

struct ExtremeVisitor {
    party: usize,
    sign: f64,
    best: f64,
    values: Vec<u32>,
}

impl Visitor for ExtremeVisitor {
    #[inline]
    fn enter(&mut self, node: &Node) -> bool {
        let bound = if self.sign > 0.0 {
            node.upper[self.party]
        } else {
            -node.lower[self.party]
        };
        bound > self.best + EPS
    }

    fn priority(&self, upper: &[f64], lower: &[f64]) -> f64 {
        if self.sign > 0.0 {
            upper[self.party]
        } else {
            -lower[self.party]
        }
    }

    #[inline]
    fn leaf(&mut self, values: &[u32], u: &[f64], _: u64) {
        let x = self.sign * u[self.party];
        if x > self.best {
            self.best = x;
            self.values.copy_from_slice(values);
        }
    }
}

/// The highest (`maximize`) or lowest utility party `p` reaches over all outcomes, exactly, by
/// branch and bound; with the outcome that reaches it.
pub fn extreme(m: &Model, p: usize, maximize: bool) -> (f64, Vec<u32>) {
    extreme_within(m, p, maximize, u64::MAX).unwrap_or((f64::NAN, Vec::new()))
}

/// [`extreme`] within a budget of node visits; `None` when it ran out.
pub fn extreme_within(m: &Model, p: usize, maximize: bool, budget: u64) -> Option<(f64, Vec<u32>)> {
    let sign = if maximize { 1.0 } else { -1.0 };
    let mut v = ExtremeVisitor {
        party: p,
        sign,
        best: f64::NEG_INFINITY,
        values: vec![0; m.n],
    };
    search(m, &mut v, Some(budget)).then_some((sign * v.best, v.values))
}

struct OppositionVisitor {
    best: f64,
}

impl Visitor for OppositionVisitor {
    #[inline]
    fn enter(&mut self, node: &Node) -> bool {
        // Squared distance from (1, ..., 1) to the box [lower, upper].
        let mut s = 0.0;
        for (lo, hi) in node.lower.iter().zip(node.upper) {
            let gap = if 1.0 > *hi {
                1.0 - hi
            } else if 1.0 < *lo {
                lo - 1.0
            } else {
                0.0
            };
            s += gap * gap;
        }
        s.sqrt() < self.best - EPS
    }

    #[inline]
    fn leaf(&mut self, _: &[u32], u: &[f64], _: u64) {
        let x = distance_to_one(u);
        if x < self.best {
            self.best = x;
        }
    }
}

/// Smallest distance from any outcome to (1, ..., 1), by branch and bound.
pub fn opposition(m: &Model) -> f64 {
    opposition_within(m, u64::MAX).unwrap_or(f64::NAN)
}

/// [`opposition`] within a budget of node visits; `None` when it ran out.
pub fn opposition_within(m: &Model, budget: u64) -> Option<f64> {
    let mut v = OppositionVisitor {
        best: f64::INFINITY,
    };
    search(m, &mut v, Some(budget)).then_some(v.best)
}
