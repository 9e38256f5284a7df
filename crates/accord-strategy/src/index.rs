//! The sorted utility index of one party on one domain: every outcome's utility, and the
//! outcomes that respect the party's red lines sorted by it (so a strategy never offers what
//! its own red lines forbid). Built once, then shared read-only (`Arc`) by every negotiation on the
//! domain, so that "the outcome closest to utility x" is a binary search, never a scan.

use crate::StrategyError;
use accord_model::{OutcomeSpace, Preferences, RedLine};

/// Largest outcome space an index is built for (24 bytes per outcome).
pub const MAX_INDEXED: u128 = 50_000_000;

/// Utilities of every outcome for one party, sorted.
#[derive(Debug, Clone)]
pub struct UtilityIndex {
    /// Utility by outcome index.
    by_outcome: Vec<f64>,
    /// Outcomes crossing one of the party's red lines (bit per outcome); empty when none.
    crossing: Vec<u64>,
    /// Utilities in ascending order.
    sorted: Vec<f64>,
    /// The outcome behind each entry of `sorted`.
    outcomes: Vec<u64>,
    /// Values per issue (to decode outcome indices).
    radices: Vec<u32>,
}

impl UtilityIndex {
    /// Builds the index of `prefs` over `space`, leaving out of the sorted list the outcomes
    /// that cross one of `red_lines`.
    pub fn build(
        space: &OutcomeSpace,
        prefs: &Preferences,
        red_lines: &[RedLine],
    ) -> Result<Self, StrategyError> {
        let size = space.size();
        if size > MAX_INDEXED {
            return Err(StrategyError::SpaceTooLarge(size));
        }
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
                decode(id as u64, &radices, &mut values);
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
            by_outcome,
            crossing,
            sorted,
            outcomes,
            radices,
        })
    }

    /// Number of outcomes that respect the party's red lines (the sorted list).
    pub fn len(&self) -> usize {
        self.sorted.len()
    }

    /// Whether the space is empty (never, for a valid scenario).
    pub fn is_empty(&self) -> bool {
        self.sorted.is_empty()
    }

    /// Utility of an outcome.
    #[inline]
    pub fn utility(&self, outcome: u64) -> f64 {
        self.by_outcome[outcome as usize]
    }

    /// Whether an outcome respects the party's red lines.
    #[inline]
    pub fn acceptable(&self, outcome: u64) -> bool {
        self.crossing.is_empty()
            || self.crossing[(outcome >> 6) as usize] >> (outcome & 63) & 1 == 0
    }

    /// Highest utility.
    pub fn max(&self) -> f64 {
        self.sorted.last().copied().unwrap_or(0.0)
    }

    /// Lowest utility.
    pub fn min(&self) -> f64 {
        self.sorted.first().copied().unwrap_or(0.0)
    }

    /// Position (in ascending order) of the first outcome with utility at least `u`;
    /// `len()` when none.
    #[inline]
    pub fn first_at_least(&self, u: f64) -> usize {
        self.sorted.partition_point(|x| *x < u)
    }

    /// Like [`UtilityIndex::first_at_least`], searching outward from `hint` (a previous answer):
    /// strategies whose target moves a little each step find it in a few comparisons.
    #[inline]
    pub fn first_at_least_near(&self, u: f64, hint: usize) -> usize {
        let n = self.sorted.len();
        let mut p = hint.min(n);
        // Move down while the previous entry still reaches u.
        let mut steps = 0;
        while p > 0 && self.sorted[p - 1] >= u {
            p -= 1;
            steps += 1;
            if steps > 8 {
                return self.first_at_least(u);
            }
        }
        // Move up while this entry is below u.
        while p < n && self.sorted[p] < u {
            p += 1;
            steps += 1;
            if steps > 8 {
                return self.first_at_least(u);
            }
        }
        p
    }

    /// The entry at a sorted position: (utility, outcome).
    #[inline]
    pub fn at(&self, position: usize) -> (f64, u64) {
        (self.sorted[position], self.outcomes[position])
    }

    /// The outcome with the smallest utility at least `u` (the best outcome when none reaches it).
    #[inline]
    pub fn closest_above(&self, u: f64) -> (f64, u64) {
        let p = self.first_at_least(u).min(self.len() - 1);
        self.at(p)
    }

    /// Values per issue.
    pub fn radices(&self) -> &[u32] {
        &self.radices
    }

    /// Memory held, in bytes.
    pub fn bytes(&self) -> usize {
        self.by_outcome.capacity() * 8
            + self.crossing.capacity() * 8
            + self.sorted.capacity() * 8
            + self.outcomes.capacity() * 8
    }
}

/// Decodes an outcome index into value indices (last issue fastest).
#[inline]
pub fn decode(mut id: u64, radices: &[u32], out: &mut [u32]) {
    for (slot, &r) in out.iter_mut().zip(radices).rev() {
        *slot = (id % r as u64) as u32;
        id /= r as u64;
    }
}

/// Encodes value indices into an outcome index.
#[inline]
pub fn encode(values: &[u32], radices: &[u32]) -> u64 {
    values
        .iter()
        .zip(radices)
        .fold(0u64, |acc, (&v, &r)| acc * r as u64 + v as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use accord_model::{Outcome, ValueFunction};

    fn space(sizes: &[usize]) -> OutcomeSpace {
        OutcomeSpace::new(accord_analysis::testing::issues(sizes)).unwrap()
    }

    #[test]
    fn index_agrees_with_direct_evaluation() {
        for sizes in [vec![3usize], vec![2, 3, 4], vec![5, 1, 2]] {
            let s = space(&sizes);
            let prefs = Preferences {
                weights: sizes.iter().map(|_| 0.3).collect(),
                functions: sizes
                    .iter()
                    .map(|&n| {
                        ValueFunction::Table((0..n).map(|k| (k as f64 * 0.37) % 1.0).collect())
                    })
                    .collect(),
                terms: Vec::new(),
            };
            let ix = UtilityIndex::build(&s, &prefs, &[]).unwrap();
            assert_eq!(ix.len() as u128, s.size());
            for id in 0..s.size() as u64 {
                let o: Outcome = s.outcome(id).unwrap();
                assert!((ix.utility(id) - prefs.utility(&s, &o)).abs() < 1e-12);
                let mut v = vec![0; sizes.len()];
                decode(id, s.radices(), &mut v);
                assert_eq!(v, o.0);
                assert_eq!(encode(&v, s.radices()), id);
            }
            for w in 0..ix.len() - 1 {
                assert!(ix.at(w).0 <= ix.at(w + 1).0);
            }
            let (u, o) = ix.closest_above(0.5);
            assert!(u >= 0.5 || u == ix.max());
            assert_eq!(ix.utility(o), u);
        }
    }
}
