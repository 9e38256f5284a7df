//! Branch and bound over the issues: the utility index of a space too large to list, built
//! from the per-issue score tables alone (memory independent of the outcome count).
//!
//! The issues are searched widest score range first; each issue's options are kept sorted by
//! score, and the sums of the minimum and maximum scores of the issues not yet fixed (suffix
//! bounds) give, at every node of the search, an interval that holds every completion's
//! utility. Interaction terms are bounded too: a term whose issues are all fixed adds its
//! value or not; a conjunction (a GENIUS hyper-rectangle) is known to fail as soon as one of
//! its fixed issues takes a value it does not allow; any other term still open adds between
//! `min(0, value)` and `max(0, value)`. A subtree whose interval cannot improve on the best
//! answer found is skipped.
//!
//! Exactness and cost: finding the least utility at or above a target is a subset-sum-like
//! problem, so an exhaustive search can take time exponential in the number of issues. Every
//! search therefore has a node budget ([`Bnb::budget`]): it is exact when it finishes within
//! the budget (always on small spaces, checked against brute force in the tests), and
//! otherwise answers the best outcome found, which still meets the query's side of the target
//! (at or above it for `at_least`, below it for `below`). For additive preferences without
//! terms the first descent already lands within the largest gap between two consecutive
//! scores of one issue above the target (the sums of the remaining issues leave no larger
//! gap), so an answer is never worse than that.

use accord_model::{Rng, Term};

/// What a term is known to do at a node of the search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    /// Not decided by the issues fixed so far.
    Open,
    /// Holds for every completion.
    Holds,
    /// Fails for every completion.
    Fails,
}

/// A term as the search sees it.
#[derive(Debug, Clone)]
struct BTerm {
    term: Term,
    /// Depth (position in the search order) of its last issue: once that issue is fixed, the
    /// term is decided.
    last_depth: usize,
    /// For a conjunction, the values each of its issues allows (bitset), by issue; empty for
    /// other rules.
    allows: Vec<(usize, Vec<u64>)>,
}

/// The branch-and-bound index of one party; see the module docs.
#[derive(Debug, Clone)]
pub(super) struct Bnb {
    /// Weighted score table of each issue, by issue.
    tables: Vec<Vec<f64>>,
    /// The issue searched at each depth.
    order: Vec<usize>,
    /// Options of the issue at each depth: (score, value), ascending.
    options: Vec<Vec<(f64, u32)>>,
    /// Sum of the smallest / largest scores of the issues from each depth on (`n + 1` entries).
    suf_min: Vec<f64>,
    suf_max: Vec<f64>,
    terms: Vec<BTerm>,
    /// Terms reading each issue, by issue.
    terms_of: Vec<Vec<usize>>,
    /// Slack for rounding in the bounds (never prunes an outcome the bounds' sums misplace).
    eps: f64,
    /// The largest gap between two consecutive scores of one issue: without terms, every
    /// window this wide between the worst and best utilities holds an outcome.
    gap: f64,
    /// Nodes a query may visit once it has an answer.
    pub(super) budget: usize,
    /// The best and worst outcomes (values), found once at build.
    best: (f64, Vec<u32>),
    worst: (f64, Vec<u32>),
}

/// Nodes a lookup visits at most once it has an answer (beyond, the best found is returned).
pub const DEFAULT_BUDGET: usize = 64;

/// Budget of the searches for the best and worst outcomes at build.
const BUILD_BUDGET: usize = 2_000_000;

/// One query: the least signed utility `sign * u` at or above (`strict`: above) `floor`, and
/// at most `cap`; `first` stops at the first outcome found.
#[derive(Debug, Clone, Copy)]
struct Query {
    sign: f64,
    floor: f64,
    strict: bool,
    cap: f64,
    first: bool,
}

/// A child of a node: (ordering key, value, fixed sum, open terms' low and high bounds).
type Child = (f64, u32, f64, f64, f64);

struct Search<'a> {
    b: &'a Bnb,
    /// Reused buffers per depth (no allocation per node): the children, the terms changed.
    children: Vec<Vec<Child>>,
    changed: Vec<Vec<(usize, Status)>>,
    q: Query,
    digits: Vec<u32>,
    status: Vec<Status>,
    best: Option<(f64, Vec<u32>)>,
    nodes: usize,
    budget: usize,
}

impl Bnb {
    /// The index of additive preferences (per-issue tables) plus `terms`.
    pub(super) fn build(tables: Vec<Vec<f64>>, terms: &[Term], budget: usize) -> Bnb {
        let n = tables.len();
        let range = |t: &Vec<f64>| {
            let (lo, hi) = t
                .iter()
                .fold((f64::MAX, f64::MIN), |(a, b), &x| (a.min(x), b.max(x)));
            hi - lo
        };
        // How much fixing an issue can decide: its score range, plus its share of the terms
        // that read it (a domain of terms only, as GENIUS's hyper-rectangles, has no ranges).
        let mut weight: Vec<f64> = tables.iter().map(range).collect();
        for t in terms {
            let is = t.rule.issues();
            for &i in &is {
                weight[i] += t.value.abs() / is.len() as f64;
            }
        }
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&a, &b| weight[b].total_cmp(&weight[a]).then(a.cmp(&b)));
        let mut depth_of = vec![0usize; n];
        for (d, &i) in order.iter().enumerate() {
            depth_of[i] = d;
        }
        let options: Vec<Vec<(f64, u32)>> = order
            .iter()
            .map(|&i| {
                let mut o: Vec<(f64, u32)> = tables[i]
                    .iter()
                    .enumerate()
                    .map(|(v, &s)| (s, v as u32))
                    .collect();
                o.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                o
            })
            .collect();
        let mut suf_min = vec![0.0; n + 1];
        let mut suf_max = vec![0.0; n + 1];
        for d in (0..n).rev() {
            suf_min[d] = suf_min[d + 1] + options[d].first().map_or(0.0, |o| o.0);
            suf_max[d] = suf_max[d + 1] + options[d].last().map_or(0.0, |o| o.0);
        }
        let mut terms_of = vec![Vec::new(); n];
        let bterms: Vec<BTerm> = terms
            .iter()
            .enumerate()
            .map(|(k, t)| {
                let issues = t.rule.issues();
                for &i in &issues {
                    terms_of[i].push(k);
                }
                let allows = issues
                    .iter()
                    .map(|&i| t.rule.conjunction_allows(i).map(|a| (i, a)))
                    .collect::<Option<Vec<_>>>()
                    .unwrap_or_default();
                BTerm {
                    term: t.clone(),
                    last_depth: issues.iter().map(|&i| depth_of[i]).max().unwrap_or(0),
                    allows,
                }
            })
            .collect();
        let scale = suf_max[0].abs()
            + suf_min[0].abs()
            + terms.iter().map(|t| t.value.abs()).sum::<f64>()
            + 1.0;
        let gap = options
            .iter()
            .flat_map(|o| o.windows(2).map(|w| w[1].0 - w[0].0))
            .fold(0.0, f64::max);
        let mut b = Bnb {
            tables,
            order,
            options,
            suf_min,
            suf_max,
            terms: bterms,
            terms_of,
            eps: scale * 1e-12 * (n as f64 + terms.len() as f64 + 1.0),
            gap,
            budget: BUILD_BUDGET,
            best: (0.0, Vec::new()),
            worst: (0.0, Vec::new()),
        };
        b.best = b
            .find(Query {
                sign: -1.0,
                floor: f64::NEG_INFINITY,
                strict: false,
                cap: f64::INFINITY,
                first: false,
            })
            .expect("a space has outcomes");
        b.worst = b
            .find(Query {
                sign: 1.0,
                floor: f64::NEG_INFINITY,
                strict: false,
                cap: f64::INFINITY,
                first: false,
            })
            .expect("a space has outcomes");
        b.budget = budget;
        b
    }

    /// The utility of an outcome given by its values (tables in issue order, then terms in
    /// order: every answer's utility is computed this way, so it matches to the bit).
    pub(super) fn utility(&self, values: &[u32]) -> f64 {
        let mut u = 0.0;
        for (t, &v) in self.tables.iter().zip(values) {
            u += t[v as usize];
        }
        for t in &self.terms {
            if t.term.rule.holds(values) {
                u += t.term.value;
            }
        }
        u
    }

    pub(super) fn best(&self) -> (f64, &[u32]) {
        (self.best.0, &self.best.1)
    }

    pub(super) fn worst(&self) -> (f64, &[u32]) {
        (self.worst.0, &self.worst.1)
    }

    /// The outcome with the least utility at least `u` (`strict`: above `u`).
    pub(super) fn lowest_from(&self, u: f64, strict: bool) -> Option<(f64, Vec<u32>)> {
        self.nearest_side(1.0, u, strict)
    }

    /// The outcome with the greatest utility below `u` (`strict`) or at most `u`.
    pub(super) fn highest_to(&self, u: f64, strict: bool) -> Option<(f64, Vec<u32>)> {
        self.nearest_side(-1.0, -u, strict)
    }

    /// The least signed utility past `floor`. Without terms, first within one gap of it:
    /// the first descent then reaches an outcome there without backtracking, and the least
    /// one past the floor lies there if any does; else (and with terms) anywhere.
    fn nearest_side(&self, sign: f64, floor: f64, strict: bool) -> Option<(f64, Vec<u32>)> {
        let q = Query {
            sign,
            floor,
            strict,
            cap: f64::INFINITY,
            first: false,
        };
        if self.terms.is_empty() {
            let near = self.find(Query {
                cap: floor + self.gap + self.eps,
                ..q
            });
            if near.is_some() {
                return near;
            }
        }
        self.find(q)
    }

    /// Some outcome with utility in `[lo, hi]` (the first the search meets).
    pub(super) fn any_within(&self, lo: f64, hi: f64) -> Option<(f64, Vec<u32>)> {
        self.find(Query {
            sign: 1.0,
            floor: lo,
            strict: false,
            cap: hi,
            first: true,
        })
    }

    fn find(&self, q: Query) -> Option<(f64, Vec<u32>)> {
        let mut s = Search {
            b: self,
            q,
            digits: vec![0; self.tables.len()],
            status: vec![Status::Open; self.terms.len()],
            best: None,
            nodes: 0,
            budget: self.budget,
            children: vec![Vec::new(); self.tables.len()],
            changed: vec![Vec::new(); self.tables.len()],
        };
        let (fixed, open_lo, open_hi) = s.root_terms();
        s.dfs(0, fixed, open_lo, open_hi);
        s.best.map(|(su, d)| (su * q.sign, d))
    }

    /// Status of term `k` once the issue at `depth` is fixed (the others before it already
    /// are), and whether it changed from `was`.
    fn decide(&self, k: usize, depth: usize, digits: &[u32], was: Status) -> Status {
        if was != Status::Open {
            return was;
        }
        let t = &self.terms[k];
        if depth >= t.last_depth {
            return if t.term.rule.holds(digits) {
                Status::Holds
            } else {
                Status::Fails
            };
        }
        let issue = self.order[depth];
        if let Some((_, bits)) = t.allows.iter().find(|(i, _)| *i == issue) {
            let v = digits[issue] as usize;
            if bits.get(v / 64).is_none_or(|w| w >> (v % 64) & 1 == 0) {
                return Status::Fails;
            }
        }
        Status::Open
    }

    /// An outcome at or above `u` by a random descent: at each issue a uniformly random
    /// option among those from which `u` is still reachable by the bounds; restarted (up to
    /// `tries` times) when terms make a descent miss. Not uniform over the outcomes: every
    /// feasible option of an issue is equally likely whatever the number of outcomes behind it.
    pub(super) fn random_from(&self, u: f64, rng: &mut Rng, tries: usize) -> Option<Vec<u32>> {
        let n = self.tables.len();
        let mut digits = vec![0u32; n];
        let mut feasible: Vec<u32> = Vec::new();
        for _ in 0..tries {
            let mut status = vec![Status::Open; self.terms.len()];
            let mut fixed = 0.0;
            let mut ok = true;
            for d in 0..n {
                let issue = self.order[d];
                feasible.clear();
                for &(score, v) in &self.options[d] {
                    digits[issue] = v;
                    let (mut add, mut open_hi) = (score, 0.0);
                    for (k, st) in status.iter().enumerate() {
                        let s = if self.terms_of[issue].contains(&k) {
                            self.decide(k, d, &digits, *st)
                        } else {
                            *st
                        };
                        match s {
                            Status::Holds => {
                                if *st == Status::Open {
                                    add += self.terms[k].term.value;
                                }
                            }
                            Status::Open => open_hi += self.terms[k].term.value.max(0.0),
                            Status::Fails => {}
                        }
                    }
                    if fixed + add + self.suf_max[d + 1] + open_hi + self.eps >= u {
                        feasible.push(v);
                    }
                }
                if feasible.is_empty() {
                    ok = false;
                    break;
                }
                let v = feasible[rng.below(feasible.len() as u64) as usize];
                digits[issue] = v;
                fixed += self.tables[issue][v as usize];
                for &k in &self.terms_of[issue] {
                    let was = status[k];
                    status[k] = self.decide(k, d, &digits, was);
                    if was == Status::Open && status[k] == Status::Holds {
                        fixed += self.terms[k].term.value;
                    }
                }
            }
            if ok && self.utility(&digits) >= u {
                return Some(digits);
            }
        }
        None
    }

    /// Number of outcomes with utility at least `u`, exactly: subtrees wholly above `u` are
    /// counted without being entered, wholly below are skipped, so the cost grows with the
    /// outcomes whose bounds straddle `u` (no budget: meant for tests and small spaces).
    pub(super) fn count_from(&self, u: f64) -> u64 {
        let n = self.tables.len();
        // Outcomes below each depth.
        let mut below = vec![1u64; n + 1];
        for d in (0..n).rev() {
            below[d] = below[d + 1].saturating_mul(self.options[d].len() as u64);
        }
        let mut s = Search {
            b: self,
            q: Query {
                sign: 1.0,
                floor: u,
                strict: false,
                cap: f64::INFINITY,
                first: false,
            },
            digits: vec![0; n],
            status: vec![Status::Open; self.terms.len()],
            best: None,
            nodes: 0,
            budget: usize::MAX,
            children: Vec::new(),
            changed: Vec::new(),
        };
        let (fixed, lo, hi) = s.root_terms();
        s.count(0, fixed, lo, hi, &below)
    }

    /// Memory held, in bytes.
    pub(super) fn bytes(&self) -> usize {
        self.tables.iter().map(|t| t.len() * 8).sum::<usize>()
            + self.options.iter().map(|o| o.len() * 16).sum::<usize>()
            + (self.suf_min.len() + self.suf_max.len()) * 8
            + self.terms.len() * std::mem::size_of::<BTerm>()
            + self
                .terms
                .iter()
                .map(|t| t.allows.iter().map(|a| a.1.len() * 8 + 32).sum::<usize>())
                .sum::<usize>()
    }
}

impl Search<'_> {
    /// Terms decided with no issue fixed (constant rules): their fixed sum and the open
    /// terms' bounds.
    fn root_terms(&mut self) -> (f64, f64, f64) {
        let (mut fixed, mut lo, mut hi) = (0.0, 0.0, 0.0);
        for (k, t) in self.b.terms.iter().enumerate() {
            if t.term.rule.issues().is_empty() {
                if t.term.rule.holds(&self.digits) {
                    fixed += t.term.value;
                    self.status[k] = Status::Holds;
                } else {
                    self.status[k] = Status::Fails;
                }
            } else {
                lo += t.term.value.min(0.0);
                hi += t.term.value.max(0.0);
            }
        }
        (fixed, lo, hi)
    }

    /// Outcomes at or above the floor below a node (see [`Bnb::count_from`]).
    fn count(
        &mut self,
        depth: usize,
        fixed: f64,
        open_lo: f64,
        open_hi: f64,
        below: &[u64],
    ) -> u64 {
        let b = self.b;
        let (lo, hi) = (
            fixed + b.suf_min[depth] + open_lo,
            fixed + b.suf_max[depth] + open_hi,
        );
        // Wholly above only when no rounding can put an outcome below (the leaves are checked
        // exactly).
        if depth < b.order.len() && lo - b.eps > self.q.floor {
            return below[depth];
        }
        if hi + b.eps < self.q.floor {
            return 0;
        }
        if depth == b.order.len() {
            return u64::from(b.utility(&self.digits) >= self.q.floor);
        }
        let issue = b.order[depth];
        let mut total = 0u64;
        let mut changed: Vec<(usize, Status)> = Vec::new();
        for &(score, v) in &b.options[depth] {
            self.digits[issue] = v;
            let [f, lo, hi] = self.fix(depth, [fixed + score, open_lo, open_hi], &mut changed);
            total = total.saturating_add(self.count(depth + 1, f, lo, hi, below));
            self.undo(&changed);
        }
        total
    }

    /// Decides the terms of the issue at `depth`, just fixed in `digits`, recording what
    /// changed in `changed`; `sums` (fixed sum, open terms' low and high bounds) updated.
    fn fix(
        &mut self,
        depth: usize,
        sums: [f64; 3],
        changed: &mut Vec<(usize, Status)>,
    ) -> [f64; 3] {
        let b = self.b;
        let [mut f, mut lo, mut hi] = sums;
        changed.clear();
        for &k in &b.terms_of[b.order[depth]] {
            let was = self.status[k];
            let now = b.decide(k, depth, &self.digits, was);
            if now != was {
                changed.push((k, was));
                self.status[k] = now;
                let val = b.terms[k].term.value;
                lo -= val.min(0.0);
                hi -= val.max(0.0);
                if now == Status::Holds {
                    f += val;
                }
            }
        }
        [f, lo, hi]
    }

    /// Restores the terms [`Search::fix`] changed.
    fn undo(&mut self, changed: &[(usize, Status)]) {
        for &(k, was) in changed {
            self.status[k] = was;
        }
    }

    /// Whether a signed utility meets the query's floor and cap.
    fn meets(&self, su: f64) -> bool {
        let floor_ok = if self.q.strict {
            su > self.q.floor
        } else {
            su >= self.q.floor
        };
        floor_ok && su <= self.q.cap
    }

    /// Searches below the node at `depth` whose fixed issues and decided terms add `fixed`,
    /// the open terms adding between `open_lo` and `open_hi`. Returns false to stop.
    fn dfs(&mut self, depth: usize, fixed: f64, open_lo: f64, open_hi: f64) -> bool {
        self.nodes += 1;
        if self.best.is_some() && self.nodes > self.budget {
            return false;
        }
        // A hard cap when nothing is found yet (terms can make descents miss).
        if self.nodes > self.budget.saturating_mul(50).max(100_000) {
            return false;
        }
        let b = self.b;
        let n = b.order.len();
        if depth == n {
            let su = b.utility(&self.digits) * self.q.sign;
            if self.meets(su) && self.best.as_ref().is_none_or(|(x, _)| su < *x) {
                self.best = Some((su, self.digits.clone()));
                if self.q.first {
                    return false;
                }
            }
            return true;
        }
        let issue = b.order[depth];
        // Each child: its fixed sum and open bounds, then its signed interval.
        let mut children = std::mem::take(&mut self.children[depth]);
        let mut changed = std::mem::take(&mut self.changed[depth]);
        children.clear();
        for &(score, v) in &b.options[depth] {
            self.digits[issue] = v;
            let (mut f, mut lo, mut hi) = (fixed + score, open_lo, open_hi);
            for &k in &b.terms_of[issue] {
                let was = self.status[k];
                let now = b.decide(k, depth, &self.digits, was);
                if was == Status::Open && now != Status::Open {
                    let val = b.terms[k].term.value;
                    lo -= val.min(0.0);
                    hi -= val.max(0.0);
                    if now == Status::Holds {
                        f += val;
                    }
                }
            }
            let (ulo, uhi) = (f + b.suf_min[depth + 1] + lo, f + b.suf_max[depth + 1] + hi);
            let (slo, shi) = if self.q.sign > 0.0 {
                (ulo, uhi)
            } else {
                (-uhi, -ulo)
            };
            if shi + b.eps < self.q.floor || slo - b.eps > self.q.cap {
                continue;
            }
            // Closest first: the child whose interval's middle is nearest the floor (or
            // the cap's side when the floor is unbounded).
            let aim = if self.q.floor.is_finite() {
                self.q.floor
            } else {
                f64::NEG_INFINITY
            };
            let key = if aim.is_finite() {
                ((slo + shi) / 2.0 - aim).abs()
            } else {
                slo
            };
            children.push((key, v, f, lo, hi));
        }
        children.sort_by(|a, c| a.0.total_cmp(&c.0).then(a.1.cmp(&c.1)));
        let mut go_on = true;
        for &(_, v, f, lo, hi) in &children {
            // Bound by the best so far (it may have improved since the child was listed).
            let (ulo, uhi) = (f + b.suf_min[depth + 1] + lo, f + b.suf_max[depth + 1] + hi);
            let slo = if self.q.sign > 0.0 { ulo } else { -uhi };
            if let Some((x, _)) = &self.best {
                if slo - b.eps >= *x {
                    continue;
                }
            }
            self.digits[issue] = v;
            self.fix(depth, [f, lo, hi], &mut changed);
            go_on = self.dfs(depth + 1, f, lo, hi);
            self.undo(&changed);
            if !go_on {
                break;
            }
        }
        self.children[depth] = children;
        self.changed[depth] = changed;
        go_on
    }
}
