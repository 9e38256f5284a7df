//! The utility index of one party on one domain: what strategies ask of its preferences
//! (the outcome closest above a utility, the next higher, a random one above a floor, the
//! best) answered without scanning the space. Built once, then shared read-only (`Arc`) by
//! every negotiation on the domain.
//!
//! Which method runs when:
//! - **Sorted** (at most [`MAX_INDEXED`] outcomes): every outcome's utility, and the outcomes
//!   that respect the party's red lines sorted by it, so a lookup is a binary search (or a few
//!   steps from the previous answer). Fastest, and the only one that handles interaction
//!   terms and red lines, but it costs 24 bytes per outcome.
//! - **Branch and bound** ([`bnb`]; larger spaces, no red lines; the default beyond the
//!   sorted index): a search over the per-issue score tables with bounds on what the issues
//!   not yet fixed (and the interaction terms not yet decided) can add. Memory independent of
//!   the outcome count (a few KB), any interaction terms (GENIUS hyper-rectangles linking
//!   every issue included), lookups of a few microseconds; exact when a search finishes
//!   within its node budget, otherwise the best outcome found (see [`bnb`]).
//! - **Split** (meet in the middle; outcome indices within `u64`, no red lines; built only
//!   on request, [`UtilityIndex::build_split`]): exact at any size it fits, but each lookup
//!   walks both halves (about 0.7 ms at 10^10 outcomes). The issues are cut into two groups such that no interaction term reads issues of
//!   both (so additive preferences, and additive plus terms over few issues each, as GENIUS's
//!   hyper-rectangles, qualify), and each group's partial utilities are listed and sorted
//!   (each at most [`MAX_HALF`] entries), so memory grows with the square root of the space,
//!   not the space. A lookup walks the two sorted halves
//!   against each other (two pointers), exact, in time linear in the halves.
//!
//! Anything else is refused with [`StrategyError::SpaceTooLarge`].
//!
//! Outcomes are named by their 256-bit index ([`Offer`]) at the index's boundary. The sorted
//! and split indexes only exist for spaces that fit a `u64` and keep `u64` internals,
//! converting where an [`Entry`] is made or an outcome is asked about; branch and bound works on
//! values and encodes its answers ([`encode`], a `u64` loop while the index fits).

use crate::StrategyError;
pub use accord_model::{decode, encode};
use accord_model::{OutcomeSpace, Preferences, RedLine, Rng, Term};
use accord_protocol::Offer;

pub mod bnb;
use bnb::Bnb;

/// Largest outcome space the sorted index is built for (24 bytes per outcome).
pub const MAX_INDEXED: u128 = 50_000_000;

/// Largest half of the split index (16 bytes per entry).
pub const MAX_HALF: u128 = 4_000_000;

/// Whether an index can be built for `issues` issues of `values` values each under additive
/// preferences without red lines (the check of a random domain before it is drawn): the
/// branch-and-bound index takes any space an [`OutcomeSpace`] accepts (below 2^256 outcomes).
pub fn fits_uniform(values: u32, issues: u32) -> bool {
    if values <= 1 {
        return values == 1;
    }
    let mut size = Offer::from(1u64);
    for _ in 0..issues {
        match size.checked_mul(Offer::from(values as u64)) {
            Some(s) => size = s,
            None => return false,
        }
    }
    true
}

/// The `u64` inside an offer of a space that fits a `u64` (sorted and split indexes); an
/// out-of-range offer maps to `u64::MAX`, which their tables reject as out of bounds. On the
/// limbs directly: it runs several times per negotiation step on small domains.
#[inline(always)]
fn narrow(offer: Offer) -> u64 {
    let l = offer.as_limbs();
    if l[1] | l[2] | l[3] == 0 {
        l[0]
    } else {
        u64::MAX
    }
}

/// An offer from a `u64` outcome index (the sorted and split indexes' answers).
#[inline(always)]
fn widen(index: u64) -> Offer {
    Offer::from_limbs([index, 0, 0, 0])
}

/// Utilities of every outcome for one party, looked up by utility; see the module docs.
#[derive(Debug, Clone)]
pub struct UtilityIndex {
    repr: Repr,
    /// Values per issue (to decode outcome indices).
    radices: Vec<u32>,
}

#[derive(Debug, Clone)]
enum Repr {
    Sorted(Sorted),
    Split(Split),
    Bnb(Bnb),
}

/// Every outcome, sorted.
#[derive(Debug, Clone)]
struct Sorted {
    /// Utility by outcome index.
    by_outcome: Vec<f64>,
    /// Outcomes crossing one of the party's red lines (bit per outcome); empty when none.
    crossing: Vec<u64>,
    /// Utilities in ascending order.
    sorted: Vec<f64>,
    /// The outcome behind each entry of `sorted`.
    outcomes: Vec<u64>,
}

/// Two sorted halves of an additive-plus-terms utility. The issues are cut into two groups so
/// that no term reads issues of both (terms only link the issues they read); each group's
/// partial utilities (its issues' table entries, then its terms, added in that order) are
/// listed with the part of the outcome index they stand for. Outcome = left part + right
/// part, utility = left partial + right partial (added in that order everywhere, so answers
/// and [`UtilityIndex::utility`] agree to the bit).
#[derive(Debug, Clone)]
struct Split {
    /// Weighted score tables per issue.
    tables: Vec<Vec<f64>>,
    /// The terms of the preferences.
    terms: Vec<Term>,
    /// Issues of each half, ascending.
    groups: [Vec<usize>; 2],
    /// Terms of each half.
    group_terms: [Vec<usize>; 2],
    /// (partial utility, part of the outcome index), ascending.
    left: Vec<(f64, u64)>,
    right: Vec<(f64, u64)>,
}

/// One answer of the index: its utility and outcome, and where it stands (so that the next
/// higher is one step on in the sorted index).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Entry {
    /// The outcome's utility.
    pub utility: f64,
    /// The outcome.
    pub outcome: Offer,
    /// Position in the sorted index (unused by the split one).
    pos: usize,
}

impl Entry {
    /// (utility, outcome), as strategies return offers.
    #[inline(always)]
    pub fn pair(self) -> (f64, Offer) {
        (self.utility, self.outcome)
    }
}

/// The two groups of issues, terms never crossing between them, as balanced as the terms
/// allow; `None` when a half would exceed [`MAX_HALF`] entries.
fn partition(radices: &[u32], terms: &[Term]) -> Option<[Vec<usize>; 2]> {
    let n = radices.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn root(p: &mut [usize], mut i: usize) -> usize {
        while p[i] != i {
            p[i] = p[p[i]];
            i = p[i];
        }
        i
    }
    for t in terms {
        let is = t.rule.issues();
        for w in is.windows(2) {
            let (a, b) = (root(&mut parent, w[0]), root(&mut parent, w[1]));
            parent[a] = b;
        }
    }
    let mut comps: Vec<(f64, Vec<usize>)> = Vec::new();
    let mut of_root = vec![usize::MAX; n];
    for (i, &rad) in radices.iter().enumerate() {
        let r = root(&mut parent, i);
        if of_root[r] == usize::MAX {
            of_root[r] = comps.len();
            comps.push((0.0, Vec::new()));
        }
        let c = &mut comps[of_root[r]];
        c.0 += (rad as f64).ln();
        c.1.push(i);
    }
    // Largest first, each into the lighter half.
    comps.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut groups: [Vec<usize>; 2] = [Vec::new(), Vec::new()];
    let mut weight = [0.0f64; 2];
    for (w, is) in comps {
        let h = usize::from(weight[1] < weight[0]);
        weight[h] += w;
        groups[h].extend(is);
    }
    for g in &mut groups {
        g.sort_unstable();
        let size: u128 = g.iter().map(|&i| radices[i] as u128).product();
        if size > MAX_HALF {
            return None;
        }
    }
    Some(groups)
}

impl Split {
    fn build(space: &OutcomeSpace, prefs: &Preferences) -> Option<Split> {
        let radices = space.radices();
        let n = radices.len();
        let tables: Vec<Vec<f64>> = (0..n).map(|i| prefs.issue_table(space, i)).collect();
        let groups = partition(radices, &prefs.terms)?;
        let mut group_terms: [Vec<usize>; 2] = [Vec::new(), Vec::new()];
        for (k, t) in prefs.terms.iter().enumerate() {
            let is = t.rule.issues();
            let h = usize::from(is.first().is_some_and(|i| groups[1].contains(i)));
            group_terms[h].push(k);
        }
        let mut split = Split {
            tables,
            terms: prefs.terms.clone(),
            groups,
            group_terms,
            left: Vec::new(),
            right: Vec::new(),
        };
        // Stride of each issue in the outcome index (last issue fastest).
        let mut strides = vec![1u64; n];
        for i in (0..n.saturating_sub(1)).rev() {
            strides[i] = strides[i + 1].checked_mul(radices[i + 1] as u64)?;
        }
        split.left = split.half(0, radices, &strides);
        split.right = split.half(1, radices, &strides);
        Some(split)
    }

    /// Every entry of half `h`, sorted.
    fn half(&self, h: usize, radices: &[u32], strides: &[u64]) -> Vec<(f64, u64)> {
        let g = &self.groups[h];
        let size: usize = g.iter().map(|&i| radices[i] as usize).product();
        let mut out = Vec::with_capacity(size);
        let mut digits = vec![0u32; radices.len()];
        for _ in 0..size {
            let part: u64 = g.iter().map(|&i| digits[i] as u64 * strides[i]).sum();
            out.push((self.partial(h, &digits), part));
            // Odometer over the group's issues.
            for &i in g.iter().rev() {
                digits[i] += 1;
                if digits[i] < radices[i] {
                    break;
                }
                digits[i] = 0;
            }
        }
        out.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        out
    }

    /// Half `h`'s partial utility at these values (only its issues are read).
    #[inline]
    fn partial(&self, h: usize, digits: &[u32]) -> f64 {
        let mut u = 0.0;
        for &i in &self.groups[h] {
            u += self.tables[i][digits[i] as usize];
        }
        for &t in &self.group_terms[h] {
            if self.terms[t].rule.holds(digits) {
                u += self.terms[t].value;
            }
        }
        u
    }

    fn entry(&self, i: usize, j: usize) -> Entry {
        Entry {
            utility: self.left[i].0 + self.right[j].0,
            outcome: widen(self.left[i].1 + self.right[j].1),
            pos: 0,
        }
    }

    fn utility(&self, outcome: u64, radices: &[u32]) -> f64 {
        let mut digits = vec![0u32; radices.len()];
        decode(widen(outcome), radices, &mut digits);
        self.partial(0, &digits) + self.partial(1, &digits)
    }

    /// The lowest (utility, outcome) whose utility passes `ok` (a threshold test, monotone:
    /// once true, true for every higher utility): two pointers over the halves.
    fn lowest(&self, ok: impl Fn(f64) -> bool) -> Option<Entry> {
        let mut best: Option<Entry> = None;
        // j: for the current left entry, the first right entry that passes; it only moves
        // down as the left partial grows.
        let mut j = self.right.len();
        for i in 0..self.left.len() {
            let a = self.left[i].0;
            while j > 0 && ok(a + self.right[j - 1].0) {
                j -= 1;
            }
            if j < self.right.len() {
                let e = self.entry(i, j);
                if best.is_none_or(|b| {
                    e.utility < b.utility || (e.utility == b.utility && e.outcome < b.outcome)
                }) {
                    best = Some(e);
                }
            }
            if j == 0 {
                // Every further left entry passes with every right entry, at no less than
                // left[i] + right[0], already counted.
                break;
            }
        }
        best
    }

    /// The highest entry whose utility passes `ok` (monotone: once true, true for every
    /// lower utility).
    fn highest(&self, ok: impl Fn(f64) -> bool) -> Option<Entry> {
        let mut best: Option<Entry> = None;
        let mut j = 0usize; // first right entry that fails, for the current left entry
        for i in (0..self.left.len()).rev() {
            let a = self.left[i].0;
            while j < self.right.len() && ok(a + self.right[j].0) {
                j += 1;
            }
            if j > 0 {
                let e = self.entry(i, j - 1);
                if best.is_none_or(|b| {
                    e.utility > b.utility || (e.utility == b.utility && e.outcome < b.outcome)
                }) {
                    best = Some(e);
                }
            }
        }
        best
    }

    /// Outcomes with utility at least `u`, and a uniform one of them (the `pick`-th).
    fn count_at_least(&self, u: f64) -> u64 {
        let mut j = self.right.len();
        let mut total = 0u64;
        for &(a, _) in &self.left {
            while j > 0 && a + self.right[j - 1].0 >= u {
                j -= 1;
            }
            total += (self.right.len() - j) as u64;
        }
        total
    }

    fn nth_at_least(&self, u: f64, mut k: u64) -> Option<Entry> {
        let mut j = self.right.len();
        for i in 0..self.left.len() {
            let a = self.left[i].0;
            while j > 0 && a + self.right[j - 1].0 >= u {
                j -= 1;
            }
            let c = (self.right.len() - j) as u64;
            if k < c {
                return Some(self.entry(i, j + k as usize));
            }
            k -= c;
        }
        None
    }

    fn best(&self) -> Entry {
        self.entry(self.left.len() - 1, self.right.len() - 1)
    }

    fn worst(&self) -> Entry {
        self.entry(0, 0)
    }
}

impl UtilityIndex {
    /// Builds the index of `prefs` over `space`, leaving out the outcomes that cross one of
    /// `red_lines`: the sorted index when the space is small enough, else the split one (see
    /// the module docs).
    pub fn build(
        space: &OutcomeSpace,
        prefs: &Preferences,
        red_lines: &[RedLine],
    ) -> Result<Self, StrategyError> {
        if space.size_u128().is_some_and(|size| size <= MAX_INDEXED) {
            return Self::build_sorted(space, prefs, red_lines);
        }
        Self::build_bnb(space, prefs, red_lines, bnb::DEFAULT_BUDGET)
    }

    /// The branch-and-bound index (see [`bnb`]), whatever the size, with a node budget per
    /// lookup (`usize::MAX`: every lookup exact, however long it takes). For preferences
    /// without red lines, over any space (its memory does not grow with the outcome count).
    pub fn build_bnb(
        space: &OutcomeSpace,
        prefs: &Preferences,
        red_lines: &[RedLine],
        budget: usize,
    ) -> Result<Self, StrategyError> {
        if !red_lines.is_empty() {
            return Err(StrategyError::SpaceTooLarge(space.size()));
        }
        let n = space.issues().len();
        let tables: Vec<Vec<f64>> = (0..n).map(|i| prefs.issue_table(space, i)).collect();
        Ok(UtilityIndex {
            repr: Repr::Bnb(Bnb::build(tables, &prefs.terms, budget)),
            radices: space.radices().to_vec(),
        })
    }

    fn bnb_entry(&self, (utility, values): (f64, Vec<u32>)) -> Entry {
        Entry {
            utility,
            outcome: encode(&values, &self.radices),
            pos: 0,
        }
    }

    /// The split (meet-in-the-middle) index, whatever the size: for additive preferences
    /// without red lines. Public so tests and benchmarks can compare it with the sorted one.
    pub fn build_split(
        space: &OutcomeSpace,
        prefs: &Preferences,
        red_lines: &[RedLine],
    ) -> Result<Self, StrategyError> {
        let size = space.size();
        if !red_lines.is_empty() || space.size_u64().is_none() {
            return Err(StrategyError::SpaceTooLarge(size));
        }
        let split = Split::build(space, prefs).ok_or(StrategyError::SpaceTooLarge(size))?;
        Ok(UtilityIndex {
            repr: Repr::Split(split),
            radices: space.radices().to_vec(),
        })
    }

    /// The sorted index (every outcome listed).
    pub fn build_sorted(
        space: &OutcomeSpace,
        prefs: &Preferences,
        red_lines: &[RedLine],
    ) -> Result<Self, StrategyError> {
        let size = match space.size_u128() {
            Some(size) if size <= MAX_INDEXED => size,
            _ => return Err(StrategyError::SpaceTooLarge(space.size())),
        };
        let n = space.issues().len();
        let tables: Vec<Vec<f64>> = (0..n).map(|i| prefs.issue_table(space, i)).collect();
        let radices = space.radices().to_vec();
        let mut by_outcome = Vec::with_capacity(size as usize);
        // Odometer over the mixed-radix digits, last issue fastest, keeping partial sums so
        // that each outcome costs one addition.
        let mut digits = vec![0u32; n];
        let mut partial = vec![0.0f64; n + 1];
        for i in 0..n {
            partial[i + 1] = partial[i] + tables[i][0];
        }
        let last = n - 1;
        let prefixes = (size / radices[last] as u128) as u64;
        for _ in 0..prefixes {
            let base = partial[last];
            for &x in &tables[last] {
                by_outcome.push(base + x);
            }
            // Next prefix: the issue before the last varies fastest.
            let mut i = last;
            while i > 0 {
                i -= 1;
                digits[i] += 1;
                if digits[i] < radices[i] {
                    break;
                }
                digits[i] = 0;
            }
            for j in i..last {
                partial[j + 1] = partial[j] + tables[j][digits[j] as usize];
            }
        }
        let mut crossing = Vec::new();
        if !prefs.terms.is_empty() || !red_lines.is_empty() {
            if !red_lines.is_empty() {
                crossing = vec![0u64; by_outcome.len().div_ceil(64)];
            }
            let mut values = vec![0u32; n];
            for (id, u) in by_outcome.iter_mut().enumerate() {
                decode(widen(id as u64), &radices, &mut values);
                for t in &prefs.terms {
                    if t.rule.holds(&values) {
                        *u += t.value;
                    }
                }
                if red_lines.iter().any(|r| !r.rule.holds(&values)) {
                    crossing[id >> 6] |= 1 << (id & 63);
                }
            }
        }
        let mut pairs: Vec<(f64, u64)> = by_outcome
            .iter()
            .enumerate()
            .filter(|(i, _)| crossing.is_empty() || crossing[i >> 6] >> (i & 63) & 1 == 0)
            .map(|(i, &u)| (u, i as u64))
            .collect();
        if pairs.is_empty() {
            return Err(StrategyError::NothingAcceptable);
        }
        pairs.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let (sorted, outcomes) = pairs.into_iter().unzip();
        Ok(UtilityIndex {
            repr: Repr::Sorted(Sorted {
                by_outcome,
                crossing,
                sorted,
                outcomes,
            }),
            radices,
        })
    }

    /// Which method answers: "sorted", "split" or "bnb".
    pub fn method(&self) -> &'static str {
        match self.repr {
            Repr::Sorted(_) => "sorted",
            Repr::Split(_) => "split",
            Repr::Bnb(_) => "bnb",
        }
    }

    /// Number of outcomes that respect the party's red lines.
    pub fn len(&self) -> Offer {
        match &self.repr {
            Repr::Sorted(s) => Offer::from(s.sorted.len() as u64),
            Repr::Split(s) => Offer::from(s.left.len() as u64 * s.right.len() as u64),
            Repr::Bnb(_) => self.radices.iter().fold(Offer::from(1u64), |a, &r| {
                a.saturating_mul(Offer::from(r as u64))
            }),
        }
    }

    /// Whether the space is empty (never, for a valid scenario).
    pub fn is_empty(&self) -> bool {
        self.len().is_zero()
    }

    /// Utility of an outcome.
    #[inline]
    pub fn utility(&self, outcome: Offer) -> f64 {
        match &self.repr {
            Repr::Sorted(s) => s.by_outcome[narrow(outcome) as usize],
            Repr::Split(s) => s.utility(narrow(outcome), &self.radices),
            Repr::Bnb(b) => {
                let mut digits = vec![0u32; self.radices.len()];
                decode(outcome, &self.radices, &mut digits);
                b.utility(&digits)
            }
        }
    }

    /// Whether an outcome respects the party's red lines.
    #[inline]
    pub fn acceptable(&self, outcome: Offer) -> bool {
        match &self.repr {
            Repr::Sorted(s) => {
                let outcome = narrow(outcome);
                s.crossing.is_empty()
                    || s.crossing[(outcome >> 6) as usize] >> (outcome & 63) & 1 == 0
            }
            Repr::Split(_) | Repr::Bnb(_) => true,
        }
    }

    /// Highest utility.
    pub fn max(&self) -> f64 {
        match &self.repr {
            Repr::Bnb(b) => b.best().0,
            _ => self.best().utility,
        }
    }

    /// Lowest utility.
    pub fn min(&self) -> f64 {
        match &self.repr {
            Repr::Sorted(s) => s.sorted.first().copied().unwrap_or(0.0),
            Repr::Split(s) => s.worst().utility,
            Repr::Bnb(b) => b.worst().0,
        }
    }

    #[inline(always)]
    fn sorted_entry(s: &Sorted, pos: usize) -> Entry {
        Entry {
            utility: s.sorted[pos],
            outcome: widen(s.outcomes[pos]),
            pos,
        }
    }

    /// The best outcome (highest utility).
    pub fn best(&self) -> Entry {
        match &self.repr {
            Repr::Sorted(s) => Self::sorted_entry(s, s.sorted.len() - 1),
            Repr::Split(s) => s.best(),
            Repr::Bnb(b) => {
                let (u, v) = b.best();
                self.bnb_entry((u, v.to_vec()))
            }
        }
    }

    /// The outcome with the smallest utility at least `u`; `None` when none reaches it.
    pub fn at_least(&self, u: f64) -> Option<Entry> {
        match &self.repr {
            Repr::Sorted(s) => {
                let p = s.sorted.partition_point(|x| *x < u);
                (p < s.sorted.len()).then(|| Self::sorted_entry(s, p))
            }
            Repr::Split(s) => s.lowest(|x| x >= u),
            Repr::Bnb(b) => b.lowest_from(u, false).map(|x| self.bnb_entry(x)),
        }
    }

    /// Like [`UtilityIndex::at_least`], but the best outcome when none reaches `u`; `hint`
    /// is where the previous answer stood (the sorted index then searches outward from it,
    /// a few comparisons when the target moves a little each step).
    ///
    /// Inlined: on small domains it runs every step, and an `Entry` (48 bytes, with its 256-bit
    /// outcome) returned through memory and read back at once costs a store-forwarding stall.
    #[inline(always)]
    pub fn closest_above_near(&self, u: f64, hint: &mut usize) -> Entry {
        match &self.repr {
            Repr::Sorted(s) => {
                let found = if *hint == usize::MAX {
                    s.sorted.partition_point(|x| *x < u)
                } else {
                    s.first_at_least_near(u, *hint)
                };
                *hint = found;
                Self::sorted_entry(s, found.min(s.sorted.len() - 1))
            }
            Repr::Split(_) | Repr::Bnb(_) => self.closest_above(u),
        }
    }

    /// The outcome with the smallest utility at least `u` (the best outcome when none reaches it).
    pub fn closest_above(&self, u: f64) -> Entry {
        self.at_least(u).unwrap_or_else(|| self.best())
    }

    /// The outcome with the smallest utility above `u`, strictly.
    pub fn above(&self, u: f64) -> Option<Entry> {
        match &self.repr {
            Repr::Sorted(s) => {
                let p = s.sorted.partition_point(|x| *x <= u);
                (p < s.sorted.len()).then(|| Self::sorted_entry(s, p))
            }
            Repr::Split(s) => s.lowest(|x| x > u),
            Repr::Bnb(b) => b.lowest_from(u, true).map(|x| self.bnb_entry(x)),
        }
    }

    /// The outcome with the largest utility below `u`, strictly.
    pub fn below(&self, u: f64) -> Option<Entry> {
        match &self.repr {
            Repr::Sorted(s) => {
                let p = s.sorted.partition_point(|x| *x < u);
                (p > 0).then(|| Self::sorted_entry(s, p - 1))
            }
            Repr::Split(s) => s.highest(|x| x < u),
            Repr::Bnb(b) => b.highest_to(u, true).map(|x| self.bnb_entry(x)),
        }
    }

    /// The entry after `e` in ascending order: the next position of the sorted index (ties
    /// included); the next strictly higher utility in the split one.
    pub fn after(&self, e: Entry) -> Option<Entry> {
        match &self.repr {
            Repr::Sorted(s) => {
                (e.pos + 1 < s.sorted.len()).then(|| Self::sorted_entry(s, e.pos + 1))
            }
            Repr::Split(_) | Repr::Bnb(_) => self.above(e.utility),
        }
    }

    /// The outcome with utility nearest to `target` (the lower on a tie).
    pub fn nearest(&self, target: f64) -> Entry {
        let up = self.at_least(target);
        let down = self.below(target);
        match (down, up) {
            (Some(d), Some(u)) => {
                if target - d.utility <= u.utility - target {
                    d
                } else {
                    u
                }
            }
            (Some(d), None) => d,
            (None, Some(u)) => u,
            (None, None) => self.best(),
        }
    }

    /// An outcome with utility within `[lo, hi]`, if any: the lowest, except under branch and
    /// bound, which answers the first it meets.
    pub fn within(&self, lo: f64, hi: f64) -> Option<Entry> {
        match &self.repr {
            Repr::Bnb(b) => b.any_within(lo, hi).map(|x| self.bnb_entry(x)),
            _ => self.at_least(lo).filter(|e| e.utility <= hi),
        }
    }

    /// Number of outcomes with utility at least `u`.
    pub fn count_at_least(&self, u: f64) -> u64 {
        match &self.repr {
            Repr::Sorted(s) => (s.sorted.len() - s.sorted.partition_point(|x| *x < u)) as u64,
            Repr::Split(s) => s.count_at_least(u),
            Repr::Bnb(b) => b.count_from(u),
        }
    }

    /// An outcome drawn among those with utility at least `u` (the best outcome when none
    /// reaches it): uniformly, except under branch and bound, which descends the issues
    /// picking each value uniformly among those that can still reach `u` (every outcome at
    /// least `u` can come out, but not with equal chances; see [`bnb`]).
    pub fn random_at_least(&self, u: f64, rng: &mut Rng) -> Entry {
        match &self.repr {
            Repr::Sorted(s) => {
                let len = s.sorted.len();
                let lo = s.sorted.partition_point(|x| *x < u).min(len - 1);
                Self::sorted_entry(s, lo + rng.below((len - lo) as u64) as usize)
            }
            Repr::Split(s) => {
                let c = s.count_at_least(u);
                if c == 0 {
                    return s.best();
                }
                s.nth_at_least(u, rng.below(c)).unwrap_or_else(|| s.best())
            }
            Repr::Bnb(b) => match b.random_from(u, rng, 64) {
                Some(values) => {
                    let utility = b.utility(&values);
                    self.bnb_entry((utility, values))
                }
                None => self.closest_above(u),
            },
        }
    }

    /// Values per issue.
    pub fn radices(&self) -> &[u32] {
        &self.radices
    }

    /// Memory held, in bytes.
    pub fn bytes(&self) -> usize {
        match &self.repr {
            Repr::Sorted(s) => {
                s.by_outcome.capacity() * 8
                    + s.crossing.capacity() * 8
                    + s.sorted.capacity() * 8
                    + s.outcomes.capacity() * 8
            }
            Repr::Split(s) => {
                (s.left.capacity() + s.right.capacity()) * 16
                    + s.tables.iter().map(|t| t.capacity() * 8).sum::<usize>()
                    + s.terms.capacity() * std::mem::size_of::<Term>()
            }
            Repr::Bnb(b) => b.bytes(),
        }
    }
}

impl Sorted {
    /// The first position with utility at least `u`, searching outward from `hint`.
    #[inline]
    fn first_at_least_near(&self, u: f64, hint: usize) -> usize {
        let n = self.sorted.len();
        let mut p = hint.min(n);
        let mut steps = 0;
        while p > 0 && self.sorted[p - 1] >= u {
            p -= 1;
            steps += 1;
            if steps > 8 {
                return self.sorted.partition_point(|x| *x < u);
            }
        }
        while p < n && self.sorted[p] < u {
            p += 1;
            steps += 1;
            if steps > 8 {
                return self.sorted.partition_point(|x| *x < u);
            }
        }
        p
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod bnb_tests;
