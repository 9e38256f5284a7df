//! Streaming enumeration of the outcome space, depth-first in mixed-radix order, with pruning.
//!
//! Utilities are accumulated issue by issue, so an outcome costs one addition per party at the
//! last level. Nonlinear terms and red lines are decided as early as their rule allows
//! (three-valued evaluation on the issues known so far): a term is added the moment it surely
//! holds and dropped from the bounds the moment it surely fails, which keeps the bounds tight for
//! GENIUS hyper-rectangles. At every inner node the visitor sees each party's lowest and highest
//! reachable utility and the red lines already crossed, and may skip the subtree. Nothing is
//! stored per outcome: memory is independent of the size of the space.

// Indexing several per-party slices in step reads better than zipped iterators here.
#![allow(clippy::needless_range_loop)]

use crate::model::Model;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Hashes the u64 keys of the leaf tables with one multiply (they are small bitmasks; SipHash
/// would cost more than the lookup saves).
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ b as u64).wrapping_mul(0x100_0000_01B3);
        }
    }

    fn write_u64(&mut self, x: u64) {
        self.0 = x.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// A subtree, as a visitor sees it before descending.
#[derive(Debug)]
pub struct Node<'a> {
    /// Issues `0..depth` have values.
    pub depth: usize,
    /// Value indices; only `values[..depth]` are set.
    pub values: &'a [u32],
    /// Highest utility each party can reach in the subtree.
    pub upper: &'a [f64],
    /// Lowest utility each party can reach in the subtree.
    pub lower: &'a [f64],
    /// Red lines every outcome of the subtree crosses.
    pub violated: u64,
    /// Red lines not yet decided (outcomes of the subtree may cross them or not).
    pub open: u64,
}

/// What a search reports to, and is steered by.
pub trait Visitor {
    /// Called before descending into a subtree; return false to skip it.
    fn enter(&mut self, node: &Node) -> bool;

    /// Called for every outcome reached: its value indices, utilities and crossed red lines.
    fn leaf(&mut self, values: &[u32], utilities: &[f64], violated: u64);

    /// How promising a subtree is, from its bounds; when there are nonlinear terms, children
    /// are visited highest first, so that good outcomes found early prune the rest.
    fn priority(&self, upper: &[f64], _lower: &[f64]) -> f64 {
        upper.iter().sum()
    }

    /// Whether the visitor reads `Node::lower`; when not, the search skips tightening it.
    fn uses_lower(&self) -> bool {
        true
    }
}

/// Runs a search. Returns false when `budget` (nodes and outcomes visited) ran out first.
pub fn search<V: Visitor>(m: &Model, visitor: &mut V, budget: Option<u64>) -> bool {
    let k = m.k;
    let all: u64 = if m.constraints.is_empty() {
        0
    } else {
        u64::MAX >> (64 - m.constraints.len())
    };
    let violated = m.always_crossed;
    let open = all & !m.always_crossed & !constant_red_lines(m);
    if m.n == 0 {
        visitor.leaf(&[], &m.constant, violated);
        return true;
    }
    let mut s = State {
        m,
        values: vec![0u32; m.n],
        prefix: vec![0.0; (m.n + 1) * k],
        pos: vec![0.0; (m.n + 1) * k],
        neg: vec![0.0; (m.n + 1) * k],
        upper: vec![0.0; k],
        lower: vec![0.0; k],
        decided: vec![false; m.terms.len()],
        free: m.term_arity.clone(),
        leaf_tables: vec![HashMap::default(); m.constraints.len() + m.terms.len()],
        leaf_rows: Vec::new(),
        leaf_rules: Vec::new(),
        log: Vec::new(),
        scratch: vec![0.0; 2 * m.radices.iter().map(|&r| r as usize).max().unwrap_or(0) * k],
        order: vec![Vec::new(); m.n],
        budget: budget.unwrap_or(u64::MAX),
        tight_lower: visitor.uses_lower(),
    };
    s.prefix[..k].copy_from_slice(&m.constant);
    s.pos[..k].copy_from_slice(&m.terms_pos);
    s.neg[..k].copy_from_slice(&m.terms_neg);
    s.bounds(0);
    let root = Node {
        depth: 0,
        values: &s.values,
        upper: &s.upper,
        lower: &s.lower,
        violated,
        open,
    };
    if !visitor.enter(&root) {
        return true;
    }
    s.node(visitor, 0, violated, open)
}

/// Red lines that mention no issue (decided before any value is chosen).
fn constant_red_lines(m: &Model) -> u64 {
    let mut mask = 0;
    for (c, con) in m.constraints.iter().enumerate() {
        if con.rule.last_issue().is_none() {
            mask |= 1 << c;
        }
    }
    mask
}

struct State<'m, 'a> {
    m: &'m Model<'a>,
    values: Vec<u32>,
    /// Utility so far, per depth and party (decided terms included).
    prefix: Vec<f64>,
    /// Positive / negative values of the terms still undecided, per depth and party.
    pos: Vec<f64>,
    neg: Vec<f64>,
    upper: Vec<f64>,
    lower: Vec<f64>,
    /// Whether each term is decided on the current path.
    decided: Vec<bool>,
    /// Number of issues each term mentions that have no value yet.
    free: Vec<u32>,
    /// Per red line (then per term): truth over the last issue's values (a bitset), by the key
    /// of the rule's other comparisons.
    leaf_tables: Vec<HashMap<u64, u64, BuildHasherDefault<KeyHasher>>>,
    /// At the current leaf node: the terms' bonus per value of the last issue and party.
    leaf_rows: Vec<f64>,
    /// At the current leaf node: the red lines crossed per value of the last issue.
    leaf_rules: Vec<u64>,
    /// Terms decided on the current path, in order (undone on backtracking).
    log: Vec<usize>,
    /// Per-value bound sums for the one-issue lookahead.
    scratch: Vec<f64>,
    /// Child order per depth (best bound first) when there are terms.
    order: Vec<Vec<(f64, u32)>>,
    /// Node and outcome visits left (ordering children costs a visit each too).
    budget: u64,
    /// Whether to tighten lower bounds with armed conjunctions.
    tight_lower: bool,
}

impl State<'_, '_> {
    /// Sets issue `depth` to `v`: fills the next prefix/pos/neg slots, decides what can be
    /// decided, and returns the new (violated, open) masks.
    #[inline]
    fn assign(&mut self, depth: usize, v: usize, mut violated: u64, mut open: u64) -> (u64, u64) {
        let m = self.m;
        let k = m.k;
        self.values[depth] = v as u32;
        let here = depth * k;
        let next = here + k;
        let row = &m.tab[depth][v * k..v * k + k];
        for p in 0..k {
            self.prefix[next + p] = self.prefix[here + p] + row[p];
        }
        if !m.terms.is_empty() {
            for p in 0..k {
                self.pos[next + p] = self.pos[here + p];
                self.neg[next + p] = self.neg[here + p];
            }
        }
        for &t in &m.terms_on[depth] {
            self.free[t] -= 1;
            if self.decided[t] {
                continue;
            }
            let term = &m.terms[t];
            if let Some(holds) = term.rule.holds_partial(&self.values, depth + 1) {
                self.decided[t] = true;
                self.log.push(t);
                let p = term.party;
                self.pos[next + p] -= term.value.max(0.0);
                self.neg[next + p] -= term.value.min(0.0);
                if holds {
                    self.prefix[next + p] += term.value;
                }
            }
        }
        for &c in &m.constraints_on[depth] {
            let bit = 1u64 << c;
            if open & bit == 0 {
                continue;
            }
            if let Some(holds) = m.constraints[c].rule.holds_partial(&self.values, depth + 1) {
                open &= !bit;
                if !holds {
                    violated |= bit;
                }
            }
        }
        (violated, open)
    }

    /// Takes back the value of issue `depth` (after [`State::assign`]).
    fn undo(&mut self, depth: usize, mark: usize) {
        for &t in &self.log[mark..] {
            self.decided[t] = false;
        }
        self.log.truncate(mark);
        for &t in &self.m.terms_on[depth] {
            self.free[t] += 1;
        }
    }

    fn node<V: Visitor>(
        &mut self,
        visitor: &mut V,
        depth: usize,
        violated: u64,
        open: u64,
    ) -> bool {
        let m = self.m;
        let r = m.radices[depth] as usize;
        let cost = if m.terms.is_empty() {
            r as u64
        } else {
            2 * r as u64
        };
        if self.budget < cost || m.stopped() {
            return false;
        }
        self.budget -= cost;
        if depth + 1 == m.n {
            self.leaves(visitor, depth, violated, open);
            return true;
        }
        if m.terms.is_empty() {
            for v in 0..r {
                if !self.child(visitor, depth, v, violated, open) {
                    return false;
                }
            }
            return true;
        }
        // With terms, visit the most promising values first: good outcomes found early make
        // the dominance test prune more.
        let mut order = std::mem::take(&mut self.order[depth]);
        order.clear();
        for v in 0..r {
            let mark = self.log.len();
            self.assign(depth, v, violated, open);
            self.bounds(depth + 1);
            order.push((-visitor.priority(&self.upper, &self.lower), v as u32));
            self.undo(depth, mark);
        }
        order.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut complete = true;
        for &(_, v) in &order {
            if !self.child(visitor, depth, v as usize, violated, open) {
                complete = false;
                break;
            }
        }
        self.order[depth] = order;
        complete
    }

    /// Visits the subtree where issue `depth` has value `v`. False when the budget ran out.
    #[inline]
    fn child<V: Visitor>(
        &mut self,
        visitor: &mut V,
        depth: usize,
        v: usize,
        violated: u64,
        open: u64,
    ) -> bool {
        let mark = self.log.len();
        let (viol, op) = self.assign(depth, v, violated, open);
        self.bounds(depth + 1);
        let node = Node {
            depth: depth + 1,
            values: &self.values,
            upper: &self.upper,
            lower: &self.lower,
            violated: viol,
            open: op,
        };
        let ok = !visitor.enter(&node) || self.node(visitor, depth + 1, viol, op);
        self.undo(depth, mark);
        ok
    }

    /// Fills `upper`/`lower` for the node at `depth` (issues `0..depth` assigned). With terms,
    /// the upper bound looks one issue ahead: for each free issue j, the best value of j counts
    /// only the terms compatible with it; the tightest of these bounds is kept.
    fn bounds(&mut self, depth: usize) {
        let m = self.m;
        let k = m.k;
        let rest = depth * k;
        if m.terms.is_empty() {
            for p in 0..k {
                let base = self.prefix[rest + p];
                self.upper[p] = base + m.max_rest[rest + p];
                self.lower[p] = base + m.min_rest[rest + p];
            }
            return;
        }
        for p in 0..k {
            let base = self.prefix[rest + p];
            self.upper[p] = base + m.max_rest[rest + p] + self.pos[rest + p];
            self.lower[p] = base + m.min_rest[rest + p] + self.neg[rest + p];
        }
        for j in depth..m.n {
            let r = m.radices[j] as usize;
            let (vals, lows) = self.scratch.split_at_mut(r * k);
            let lows = &mut lows[..r * k];
            vals.copy_from_slice(&m.tab[j]);
            lows.copy_from_slice(&m.tab[j]);
            let mut on_j = [0.0f64; 16];
            let mut armed = false;
            let wide = k > on_j.len();
            for (t, allowed, conj) in &m.allows[j] {
                if self.decided[*t] {
                    continue;
                }
                let term = &m.terms[*t];
                let p = term.party;
                if !wide {
                    on_j[p] += term.value;
                }
                for &v in allowed {
                    vals[v as usize * k + p] += term.value;
                }
                // A conjunction whose only free issue is j holds exactly for its allowed values.
                if self.tight_lower && *conj && self.free[*t] == 1 {
                    armed = true;
                    for &v in allowed {
                        lows[v as usize * k + p] += term.value;
                    }
                }
            }
            if wide {
                continue;
            }
            for p in 0..k {
                let best = vals
                    .iter()
                    .skip(p)
                    .step_by(k)
                    .fold(f64::NEG_INFINITY, |a, &b| a.max(b));
                let bound = self.prefix[rest + p]
                    + best
                    + (self.pos[rest + p] - on_j[p])
                    + (m.max_rest[rest + p] - m.issue_max[j * k + p]);
                if bound < self.upper[p] {
                    self.upper[p] = bound;
                }
                if armed {
                    // Armed conjunctions on different free issues are distinct terms: their
                    // forced minima add up.
                    let worst = lows
                        .iter()
                        .skip(p)
                        .step_by(k)
                        .fold(f64::INFINITY, |a, &b| a.min(b));
                    let plain = m.tab[j]
                        .iter()
                        .skip(p)
                        .step_by(k)
                        .fold(f64::INFINITY, |a, &b| a.min(b));
                    self.lower[p] += worst - plain;
                }
            }
        }
    }

    /// The last issue: every rule is decided here.
    #[inline]
    fn leaves<V: Visitor>(&mut self, visitor: &mut V, depth: usize, violated: u64, open: u64) {
        let m = self.m;
        let k = m.k;
        let r = m.radices[depth] as usize;
        if m.terms_on[depth].is_empty() && m.constraints_on[depth].is_empty() {
            // Plain additive step: one addition per party and outcome.
            let (head, tail) = self.prefix.split_at_mut((depth + 1) * k);
            let base = &head[depth * k..];
            let next = &mut tail[..k];
            let tab = &m.tab[depth];
            for v in 0..r {
                self.values[depth] = v as u32;
                let row = &tab[v * k..v * k + k];
                for p in 0..k {
                    next[p] = base[p] + row[p];
                }
                visitor.leaf(&self.values, next, violated);
            }
            return;
        }
        // Every rule still open is decided by this last value. Its truth as a function of the
        // last value depends on the prefix only through its other comparisons: tabulate it once
        // per combination of those (cached across nodes), then one lookup per outcome.
        let State {
            values,
            prefix,
            decided,
            leaf_tables,
            leaf_rows,
            leaf_rules,
            ..
        } = self;
        // Per value of the last issue: the red lines crossed and the terms' bonus per party.
        leaf_rules.clear();
        leaf_rules.resize(r, 0);
        leaf_rows.clear();
        let has_terms = m.terms_on[depth].iter().any(|&t| !decided[t]);
        if has_terms {
            leaf_rows.resize(r * k, 0.0);
        }
        let rules = m.constraints_on[depth]
            .iter()
            .filter(|&&c| open >> c & 1 == 1)
            .map(|&c| (c, m.constraints[c].rule))
            .chain(
                m.terms_on[depth]
                    .iter()
                    .filter(|&&t| !decided[t])
                    .map(|&t| (m.constraints.len() + t, m.terms[t].rule)),
            );
        fn tabulate(rule: &accord_model::Rule, values: &mut [u32], depth: usize, r: usize) -> u64 {
            let mut bits = 0u64;
            for v in 0..r {
                values[depth] = v as u32;
                if rule.holds(values) {
                    bits |= 1 << v;
                }
            }
            bits
        }
        for (slot, rule) in rules {
            // Tabulated truth over the last values (up to 64 of them), cached by the key.
            let key = rule.key_without(values, depth).filter(|_| r <= 64);
            let bits = match key {
                Some(key) => match leaf_tables[slot].get(&key) {
                    Some(b) => *b,
                    None => {
                        let b = tabulate(rule, values, depth, r);
                        leaf_tables[slot].insert(key, b);
                        b
                    }
                },
                None if r <= 64 => tabulate(rule, values, depth, r),
                None => u64::MAX, // Too many values to tabulate: evaluated below.
            };
            for v in 0..r {
                let holds = if r <= 64 {
                    bits >> v & 1 == 1
                } else {
                    values[depth] = v as u32;
                    rule.holds(values)
                };
                if slot < m.constraints.len() {
                    if !holds {
                        leaf_rules[v] |= 1 << slot;
                    }
                } else if holds {
                    let term = &m.terms[slot - m.constraints.len()];
                    leaf_rows[v * k + term.party] += term.value;
                }
            }
        }
        let (head, tail) = prefix.split_at_mut((depth + 1) * k);
        let base = &head[depth * k..];
        let next = &mut tail[..k];
        let tab = &m.tab[depth];
        for v in 0..r {
            values[depth] = v as u32;
            let row = &tab[v * k..v * k + k];
            for p in 0..k {
                next[p] = base[p] + row[p];
            }
            if has_terms {
                for p in 0..k {
                    next[p] += leaf_rows[v * k + p];
                }
            }
            visitor.leaf(values, next, violated | leaf_rules[v]);
        }
    }
}
