//! The outcome space: every combination of one value per issue, indexed as a mixed-radix number.
//!
//! Invariant: the space never materialises its outcomes. An outcome is decoded from its index on
//! demand; the size is below 2^256 (about 1.16 × 10^77) and was computed with overflow checks.
//!
//! Why 256 bits: the indices name outcomes in the protocols (`accord_protocol::Offer`), traces and
//! tournament rows, and random ANAC-style domains of 50 issues × 10 values (10^50 outcomes) are
//! beyond `u128`. A 256-bit index stays a `Copy` value of 32 bytes, compared and hashed like an
//! integer; spaces that fit a `u64` (every space the sorted index lists) take a `u64` fast path
//! in [`decode`] and [`encode`], so small domains pay for a wider type only where it is stored.

use crate::issue::{Issue, Value, MAX_ISSUE_VALUES};
use crate::ModelError;
pub use ruint::aliases::U256;

/// One value index per issue, in the space's issue order.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Outcome(pub Vec<u32>);

impl Outcome {
    /// The value indices, one per issue.
    pub fn values(&self) -> &[u32] {
        &self.0
    }
}

/// The set of all outcomes of a list of issues.
#[derive(Debug, Clone, PartialEq)]
pub struct OutcomeSpace {
    issues: Vec<Issue>,
    radices: Vec<u32>,
    size: U256,
}

/// The largest number of outcomes a space may have: 2^256 - 1 (about 1.16 × 10^77).
pub const MAX_OUTCOMES: U256 = U256::MAX;

impl OutcomeSpace {
    /// Builds the space, checking that there is at least one issue, that every issue has at
    /// least one value and no more than
    /// [`MAX_ISSUE_VALUES`], and that the product of sizes is below 2^256.
    pub fn new(issues: Vec<Issue>) -> Result<Self, ModelError> {
        if issues.is_empty() {
            return Err(ModelError::new(
                ["issues".into()],
                "a negotiation needs at least one issue",
            ));
        }
        let mut size = U256::from(1u64);
        let mut radices = Vec::with_capacity(issues.len());
        for (i, issue) in issues.iter().enumerate() {
            let n = issue.size();
            if n == 0 {
                return Err(ModelError::new(
                    ["issues".into(), i.into()],
                    format!("issue `{}` has no values", issue.name),
                ));
            }
            if n > MAX_ISSUE_VALUES {
                return Err(ModelError::new(
                    ["issues".into(), i.into()],
                    format!(
                        "issue `{}` has {n} values; at most {MAX_ISSUE_VALUES} are supported \
                         (use a coarser resolution or a smaller range)",
                        issue.name
                    ),
                ));
            }
            size = size.checked_mul(U256::from(n)).ok_or_else(|| {
                ModelError::new(
                    ["issues".into(), i.into()],
                    "the outcome space has 2^256 outcomes or more (about 1.16 × 10^77); \
                     outcome indices are 256-bit numbers (merge or coarsen issues)",
                )
            })?;
            radices.push(n as u32);
        }
        Ok(Self {
            issues,
            radices,
            size,
        })
    }

    /// The issues, in order.
    pub fn issues(&self) -> &[Issue] {
        &self.issues
    }

    /// Number of values of each issue.
    pub fn radices(&self) -> &[u32] {
        &self.radices
    }

    /// Number of outcomes (below 2^256).
    pub fn size(&self) -> U256 {
        self.size
    }

    /// Number of outcomes when it fits a `u128` (up to about 3.4 × 10^38); the exact analysis
    /// counts outcomes in `u128` and refuses larger spaces.
    pub fn size_u128(&self) -> Option<u128> {
        u128::try_from(self.size).ok()
    }

    /// Number of outcomes when it fits a `u64`: the spaces whose outcomes can be listed or
    /// numbered by the small indexes.
    pub fn size_u64(&self) -> Option<u64> {
        u64::try_from(self.size).ok()
    }

    /// Position of the issue called `name`.
    pub fn issue_index(&self, name: &str) -> Option<usize> {
        self.issues.iter().position(|i| i.name == name)
    }

    /// The outcome with mixed-radix index `index` (the last issue varies fastest).
    /// Returns `None` when the index is out of range.
    pub fn outcome(&self, index: U256) -> Option<Outcome> {
        if index >= self.size {
            return None;
        }
        let mut values = vec![0u32; self.radices.len()];
        decode(index, &self.radices, &mut values);
        Some(Outcome(values))
    }

    /// The mixed-radix index of an outcome, or `None` if it does not belong to this space.
    pub fn index(&self, outcome: &Outcome) -> Option<U256> {
        if outcome.0.len() != self.radices.len()
            || outcome.0.iter().zip(&self.radices).any(|(&v, &r)| v >= r)
        {
            return None;
        }
        Some(encode(&outcome.0, &self.radices))
    }

    /// The outcome's values, paired with their issues' names.
    pub fn describe(&self, outcome: &Outcome) -> Vec<(String, Value)> {
        self.issues
            .iter()
            .zip(&outcome.0)
            .map(|(issue, &k)| (issue.name.clone(), issue.value(k)))
            .collect()
    }
}

/// Divides the 256-bit number `limbs` (little-endian) by `d` in place, returning the remainder.
#[inline]
fn div_rem_small(limbs: &mut [u64; 4], d: u64) -> u64 {
    let mut rem: u128 = 0;
    for limb in limbs.iter_mut().rev() {
        let cur = (rem << 64) | *limb as u128;
        *limb = (cur / d as u128) as u64;
        rem = cur % d as u128;
    }
    rem as u64
}

/// Decodes a mixed-radix index into value indices (last issue fastest). Digits beyond the
/// index's range come out as the index modulo the space's size would give them; callers pass
/// indices of their space. Indices that fit a `u64` take a `u64` path.
#[inline(always)]
pub fn decode(index: U256, radices: &[u32], out: &mut [u32]) {
    let limbs = index.as_limbs();
    if limbs[1] == 0 && limbs[2] == 0 && limbs[3] == 0 {
        let mut id = limbs[0];
        for (slot, &r) in out.iter_mut().zip(radices).rev() {
            *slot = (id % r as u64) as u32;
            id /= r as u64;
        }
        return;
    }
    let mut rest = *limbs;
    for (slot, &r) in out.iter_mut().zip(radices).rev() {
        *slot = div_rem_small(&mut rest, r as u64) as u32;
    }
}

/// Encodes value indices (each below its radix) into their mixed-radix index. Accumulates in a
/// `u64` while it fits, then in 256 bits (never overflows for a space `OutcomeSpace::new`
/// accepted).
#[inline]
pub fn encode(values: &[u32], radices: &[u32]) -> U256 {
    let mut acc: u64 = 0;
    for (k, (&v, &r)) in values.iter().zip(radices).enumerate() {
        match acc
            .checked_mul(r as u64)
            .and_then(|a| a.checked_add(v as u64))
        {
            Some(a) => acc = a,
            None => {
                let mut wide = U256::from_limbs([acc, 0, 0, 0]);
                for (&v, &r) in values[k..].iter().zip(&radices[k..]) {
                    wide = wide
                        .wrapping_mul(U256::from(r as u64))
                        .wrapping_add(U256::from(v as u64));
                }
                return wide;
            }
        }
    }
    U256::from_limbs([acc, 0, 0, 0])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::issue::{IssueKind, IssueOption};
    use proptest::prelude::*;

    fn discrete(name: &str, n: usize) -> Issue {
        Issue {
            name: name.into(),
            description: None,
            kind: IssueKind::Discrete {
                options: (0..n)
                    .map(|k| IssueOption {
                        name: format!("v{k}"),
                        wording: None,
                    })
                    .collect(),
            },
        }
    }

    #[test]
    fn size_overflow_is_an_error() {
        // 64 issues of 16 values = 2^256 outcomes: one too many.
        let issues = (0..64).map(|i| discrete(&format!("i{i}"), 16)).collect();
        let err = OutcomeSpace::new(issues).unwrap_err();
        assert!(err.message.contains("2^256"), "{err}");
        // 17 issues of 16 values = 2^68 outcomes: beyond u64, allowed.
        let issues = (0..17).map(|i| discrete(&format!("i{i}"), 16)).collect();
        let s = OutcomeSpace::new(issues).unwrap();
        assert_eq!(s.size(), U256::from(1u64) << 68);
        assert_eq!(s.size_u64(), None);
        assert_eq!(s.size_u128(), Some(1u128 << 68));
        // 50 issues of 10 values: 10^50, the last outcome round trips.
        let issues = (0..50).map(|i| discrete(&format!("i{i}"), 10)).collect();
        let s = OutcomeSpace::new(issues).unwrap();
        let ten = U256::from(10u64);
        assert_eq!(s.size(), ten.pow(U256::from(50u64)));
        let last = s.size() - U256::from(1u64);
        assert_eq!(s.outcome(last).unwrap().0, vec![9; 50]);
        assert_eq!(s.index(&Outcome(vec![9; 50])), Some(last));
        assert_eq!(s.outcome(s.size()), None);
    }

    proptest! {
        #[test]
        fn index_and_outcome_are_inverse(radices in prop::collection::vec(1usize..7, 1..6), seed in any::<u64>()) {
            let issues = radices.iter().enumerate().map(|(i, &n)| discrete(&format!("i{i}"), n)).collect();
            let space = OutcomeSpace::new(issues).unwrap();
            let index = U256::from(seed) % space.size();
            let outcome = space.outcome(index).unwrap();
            prop_assert_eq!(space.index(&outcome), Some(index));
        }

        /// Beyond 2^64 (up to 70 issues of up to 12 values, so up to about 10^75 outcomes): the
        /// 256-bit path decodes what it encodes, and agrees with plain `U256` arithmetic.
        #[test]
        fn wide_index_and_outcome_are_inverse(
            radices in prop::collection::vec(2usize..13, 20..70),
            limbs in any::<[u64; 4]>(),
        ) {
            let issues = radices.iter().enumerate().map(|(i, &n)| discrete(&format!("i{i}"), n)).collect();
            let space = OutcomeSpace::new(issues).unwrap();
            let index = U256::from_limbs(limbs) % space.size();
            let outcome = space.outcome(index).unwrap();
            prop_assert_eq!(space.index(&outcome), Some(index));
            // The last digit is the index modulo the last radix.
            let last = *radices.last().unwrap() as u64;
            prop_assert_eq!(U256::from(outcome.0[radices.len() - 1] as u64), index % U256::from(last));
            // Encoding through 256-bit arithmetic directly gives the same index.
            let mut direct = U256::ZERO;
            for (&v, &r) in outcome.0.iter().zip(&radices) {
                direct = direct * U256::from(r as u64) + U256::from(v as u64);
            }
            prop_assert_eq!(direct, index);
        }
    }
}
