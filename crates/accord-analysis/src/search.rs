//! Streaming enumeration of the outcome space, depth-first in mixed-radix order, with pruning.
//!
//! Utilities are accumulated issue by issue, so an outcome costs one addition per party at the
//! last level. At every inner node the visitor sees, for each party, the lowest and highest
//! utility any completion can reach and the red lines already crossed, and may skip the subtree.
//! Nothing is stored per outcome: memory is independent of the size of the space.

// Indexing several per-party slices in step reads better than zipped iterators here.
#![allow(clippy::needless_range_loop)]

use crate::model::Model;

/// What a search reports to, and is steered by.
pub trait Visitor {
    /// Called before descending into the subtree where issues `0..depth` have the values in
    /// `values[..depth]`. `upper`/`lower` bound every completion's utilities; `violated` holds the
    /// red lines every completion crosses. Return false to skip the subtree.
    fn enter(
        &mut self,
        depth: usize,
        values: &[u32],
        upper: &[f64],
        lower: &[f64],
        violated: u64,
    ) -> bool;

    /// Called for every outcome reached: its value indices, utilities and crossed red lines.
    fn leaf(&mut self, values: &[u32], utilities: &[f64], violated: u64);
}

/// Runs a search. Returns false when `budget` (nodes and outcomes visited) ran out first.
pub fn search<V: Visitor>(m: &Model, visitor: &mut V, budget: Option<u64>) -> bool {
    let mut s = State {
        m,
        values: vec![0u32; m.n],
        prefix: vec![0.0; (m.n + 1) * m.k],
        upper: vec![0.0; m.k],
        lower: vec![0.0; m.k],
        budget: budget.unwrap_or(u64::MAX),
    };
    if m.n == 0 {
        visitor.leaf(&[], &m.constant, 0);
        return true;
    }
    s.prefix[..m.k].copy_from_slice(&m.constant);
    for p in 0..m.k {
        s.upper[p] = m.constant[p] + m.max_rest[p];
        s.lower[p] = m.constant[p] + m.min_rest[p];
    }
    if !visitor.enter(0, &s.values, &s.upper, &s.lower, 0) {
        return true;
    }
    s.node(visitor, 0, 0)
}

struct State<'m, 'a> {
    m: &'m Model<'a>,
    values: Vec<u32>,
    prefix: Vec<f64>,
    upper: Vec<f64>,
    lower: Vec<f64>,
    budget: u64,
}

impl State<'_, '_> {
    fn node<V: Visitor>(&mut self, visitor: &mut V, depth: usize, violated: u64) -> bool {
        let m = self.m;
        let k = m.k;
        let r = m.radices[depth] as usize;
        if self.budget < r as u64 {
            return false;
        }
        self.budget -= r as u64;
        if depth + 1 == m.n {
            self.leaves(visitor, depth, violated);
            return true;
        }
        let rest = (depth + 1) * k;
        for v in 0..r {
            self.values[depth] = v as u32;
            let mut viol = violated;
            {
                let (head, tail) = self.prefix.split_at_mut(rest);
                let base = &head[depth * k..];
                let next = &mut tail[..k];
                let row = &m.tab[depth][v * k..v * k + k];
                for p in 0..k {
                    next[p] = base[p] + row[p];
                }
                for &t in &m.terms_at[depth] {
                    let term = &m.terms[t];
                    if term.rule.holds(&self.values) {
                        next[term.party] += term.value;
                    }
                }
                for &c in &m.constraints_at[depth] {
                    if !m.constraints[c].rule.holds(&self.values) {
                        viol |= 1 << c;
                    }
                }
                for p in 0..k {
                    self.upper[p] = next[p] + m.max_rest[rest + p];
                    self.lower[p] = next[p] + m.min_rest[rest + p];
                }
            }
            if visitor.enter(depth + 1, &self.values, &self.upper, &self.lower, viol)
                && !self.node(visitor, depth + 1, viol)
            {
                return false;
            }
        }
        true
    }

    /// The last issue: one addition per party and outcome, then the visitor.
    #[inline]
    fn leaves<V: Visitor>(&mut self, visitor: &mut V, depth: usize, violated: u64) {
        let m = self.m;
        let k = m.k;
        let r = m.radices[depth] as usize;
        let (head, tail) = self.prefix.split_at_mut((depth + 1) * k);
        let base = &head[depth * k..];
        let next = &mut tail[..k];
        let tab = &m.tab[depth];
        let plain = m.terms_at[depth].is_empty() && m.constraints_at[depth].is_empty();
        for v in 0..r {
            self.values[depth] = v as u32;
            let row = &tab[v * k..v * k + k];
            for p in 0..k {
                next[p] = base[p] + row[p];
            }
            let mut viol = violated;
            if !plain {
                for &t in &m.terms_at[depth] {
                    let term = &m.terms[t];
                    if term.rule.holds(&self.values) {
                        next[term.party] += term.value;
                    }
                }
                for &c in &m.constraints_at[depth] {
                    if !m.constraints[c].rule.holds(&self.values) {
                        viol |= 1 << c;
                    }
                }
            }
            visitor.leaf(&self.values, next, viol);
        }
    }
}
