//! Improvements on a draft: outcomes every party weakly prefers to the mediator's current text
//! and at least one strictly, best first by Nash product.
//!
//! A party ranks outcomes first by whether they respect its red lines, then by utility. So when
//! the draft crosses a party's red line, any outcome that respects it is better for that party.

use crate::model::Model;
use crate::pareto::EPS;
use crate::search::{search, Node, Visitor};
use std::cmp::Ordering;

/// An outcome that improves on the draft.
#[derive(Debug, Clone, PartialEq)]
pub struct Improvement {
    /// Value indices.
    pub outcome: Vec<u32>,
    /// Utilities per negotiator.
    pub utilities: Vec<f64>,
    /// prod_i max(u_i - d_i, 0).
    pub nash_product: f64,
}

/// The best improvements and how many there are.
#[derive(Debug, Clone, PartialEq)]
pub struct Improvements {
    /// The draft's utilities.
    pub draft_utilities: Vec<f64>,
    /// For each negotiator, whether the draft respects its red lines.
    pub draft_respects: Vec<bool>,
    /// The best ones, best first (Nash product, then welfare).
    pub best: Vec<Improvement>,
    /// How many outcomes improve on the draft; `None` when there were too many to count within
    /// the search budget.
    pub count: Option<u128>,
}

struct Ctx<'m, 'a> {
    m: &'m Model<'a>,
    draft_u: Vec<f64>,
    draft_ok: Vec<bool>,
    /// Red lines of parties whose draft respects them: an improvement must respect them too.
    binding: u64,
    masks: Vec<u64>,
}

impl Ctx<'_, '_> {
    /// Whether a subtree can still hold an improvement.
    fn possible(&self, upper: &[f64], violated: u64) -> bool {
        if violated & self.binding != 0 {
            return false;
        }
        (0..self.m.k).all(|p| !self.draft_ok[p] || upper[p] >= self.draft_u[p] - EPS)
    }

    /// Compares an outcome with the draft for party p: its (respects, utility) key.
    fn cmp(&self, p: usize, u: f64, violated: u64) -> Ordering {
        let ok = violated & self.masks[p] == 0;
        match (ok, self.draft_ok[p]) {
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            _ if u > self.draft_u[p] + EPS => Ordering::Greater,
            _ if u < self.draft_u[p] - EPS => Ordering::Less,
            _ => Ordering::Equal,
        }
    }

    fn improves(&self, u: &[f64], violated: u64) -> bool {
        let mut strict = false;
        for (p, &x) in u.iter().enumerate() {
            match self.cmp(p, x, violated) {
                Ordering::Less => return false,
                Ordering::Greater => strict = true,
                Ordering::Equal => {}
            }
        }
        strict
    }

    fn nash(&self, u: &[f64]) -> f64 {
        u.iter()
            .zip(&self.m.d)
            .map(|(x, d)| (x - d).max(0.0))
            .product()
    }
}

struct Best<'c, 'm, 'a> {
    c: &'c Ctx<'m, 'a>,
    limit: usize,
    best: Vec<Improvement>,
}

impl Best<'_, '_, '_> {
    fn threshold(&self) -> Option<f64> {
        (self.best.len() >= self.limit).then(|| self.best.last().map_or(0.0, |b| b.nash_product))
    }
}

fn rank(a: &Improvement, b: &Improvement) -> Ordering {
    b.nash_product
        .total_cmp(&a.nash_product)
        .then_with(|| {
            let sa: f64 = a.utilities.iter().sum();
            let sb: f64 = b.utilities.iter().sum();
            sb.total_cmp(&sa)
        })
        .then_with(|| a.outcome.cmp(&b.outcome))
}

impl Visitor for Best<'_, '_, '_> {
    fn enter(&mut self, node: &Node) -> bool {
        if !self.c.possible(node.upper, node.violated) {
            return false;
        }
        // Ties at the threshold are kept for welfare ordering, so prune only strictly below.
        self.threshold()
            .is_none_or(|t| self.c.nash(node.upper) >= t - EPS)
    }

    fn leaf(&mut self, values: &[u32], u: &[f64], violated: u64) {
        if !self.c.improves(u, violated) {
            return;
        }
        let imp = Improvement {
            outcome: values.to_vec(),
            utilities: u.to_vec(),
            nash_product: self.c.nash(u),
        };
        if let Some(t) = self.threshold() {
            if imp.nash_product < t - EPS {
                return;
            }
        }
        let pos = self
            .best
            .binary_search_by(|b| rank(b, &imp))
            .unwrap_or_else(|e| e);
        self.best.insert(pos, imp);
        self.best.truncate(self.limit);
    }
}

struct Count<'c, 'm, 'a> {
    c: &'c Ctx<'m, 'a>,
    count: u128,
    completions: Vec<u128>,
}

impl Visitor for Count<'_, '_, '_> {
    fn enter(&mut self, node: &Node) -> bool {
        if !self.c.possible(node.upper, node.violated) {
            return false;
        }
        // Certainly an improvement for every completion: all red lines decided, every party
        // weakly better by its lower bound, and one strictly (so the draft is not below).
        if node.open == 0 {
            let mut strict = false;
            for (p, &lo) in node.lower.iter().enumerate() {
                match self.c.cmp(p, lo, node.violated) {
                    Ordering::Less => return true,
                    Ordering::Greater => strict = true,
                    Ordering::Equal => {}
                }
            }
            if strict {
                self.count += self.completions[node.depth];
                return false;
            }
        }
        true
    }

    fn leaf(&mut self, _: &[u32], u: &[f64], violated: u64) {
        if self.c.improves(u, violated) {
            self.count += 1;
        }
    }
}

/// Improvements on `draft` (value indices): the `limit` best and their number (counted within
/// `count_budget` node visits).
pub fn improvements(m: &Model, draft: &[u32], limit: usize, count_budget: u64) -> Improvements {
    let draft_u = m.utilities(draft);
    let viol = m.violations(draft);
    let masks: Vec<u64> = (0..m.k).map(|p| m.party_mask(p)).collect();
    let draft_ok: Vec<bool> = masks.iter().map(|mk| viol & mk == 0).collect();
    let binding = masks
        .iter()
        .zip(&draft_ok)
        .filter(|(_, ok)| **ok)
        .fold(0, |acc, (mk, _)| acc | mk);
    let c = Ctx {
        m,
        draft_u: draft_u.clone(),
        draft_ok: draft_ok.clone(),
        binding,
        masks,
    };
    let mut best = Best {
        c: &c,
        limit: limit.max(1),
        best: Vec::new(),
    };
    search(m, &mut best, None);
    let mut count = Count {
        c: &c,
        count: 0,
        completions: m.completions(),
    };
    let complete = search(m, &mut count, Some(count_budget));
    let mut list = best.best;
    list.truncate(limit);
    Improvements {
        draft_utilities: draft_u,
        draft_respects: draft_ok,
        best: list,
        count: complete.then_some(count.count),
    }
}
