//! The outcome space: every combination of one value per issue, indexed as a mixed-radix number.
//!
//! Invariant: the space never materialises its outcomes. An outcome is decoded from its index on
//! demand; the size is at most 2^64 and was computed with overflow checks.

use crate::issue::{Issue, Value, MAX_ISSUE_VALUES};
use crate::ModelError;

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
    size: u128,
}

impl OutcomeSpace {
    /// Builds the space, checking that there is at least one issue, that every issue has at
    /// least one value and no more than
    /// [`MAX_ISSUE_VALUES`], and that the product of sizes does not exceed 2^64.
    pub fn new(issues: Vec<Issue>) -> Result<Self, ModelError> {
        if issues.is_empty() {
            return Err(ModelError::new(
                ["issues".into()],
                "a negotiation needs at least one issue",
            ));
        }
        let mut size: u128 = 1;
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
            size = size
                .checked_mul(n as u128)
                .filter(|s| *s <= 1u128 << 64)
                .ok_or_else(|| {
                    ModelError::new(
                        ["issues".into(), i.into()],
                        "the outcome space has more than 2^64 outcomes",
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

    /// Number of outcomes (at most 2^64).
    pub fn size(&self) -> u128 {
        self.size
    }

    /// Position of the issue called `name`.
    pub fn issue_index(&self, name: &str) -> Option<usize> {
        self.issues.iter().position(|i| i.name == name)
    }

    /// The outcome with mixed-radix index `index` (the last issue varies fastest).
    /// Returns `None` when the index is out of range.
    pub fn outcome(&self, index: u64) -> Option<Outcome> {
        if index as u128 >= self.size {
            return None;
        }
        let mut rest = index;
        let mut values = vec![0u32; self.radices.len()];
        for (slot, &r) in values.iter_mut().zip(&self.radices).rev() {
            *slot = (rest % r as u64) as u32;
            rest /= r as u64;
        }
        Some(Outcome(values))
    }

    /// The mixed-radix index of an outcome, or `None` if it does not belong to this space.
    pub fn index(&self, outcome: &Outcome) -> Option<u64> {
        if outcome.0.len() != self.radices.len() {
            return None;
        }
        let mut index: u64 = 0;
        for (&v, &r) in outcome.0.iter().zip(&self.radices) {
            if v >= r {
                return None;
            }
            index = index.checked_mul(r as u64)?.checked_add(v as u64)?;
        }
        Some(index)
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
        // 17 issues of 16 values = 2^68 outcomes.
        let issues = (0..17).map(|i| discrete(&format!("i{i}"), 16)).collect();
        let err = OutcomeSpace::new(issues).unwrap_err();
        assert!(err.message.contains("2^64"), "{err}");
        // 16 issues of 16 values = exactly 2^64: allowed.
        let issues = (0..16).map(|i| discrete(&format!("i{i}"), 16)).collect();
        assert_eq!(OutcomeSpace::new(issues).unwrap().size(), 1u128 << 64);
    }

    proptest! {
        #[test]
        fn index_and_outcome_are_inverse(radices in prop::collection::vec(1usize..7, 1..6), seed in any::<u64>()) {
            let issues = radices.iter().enumerate().map(|(i, &n)| discrete(&format!("i{i}"), n)).collect();
            let space = OutcomeSpace::new(issues).unwrap();
            let index = seed % space.size() as u64;
            let outcome = space.outcome(index).unwrap();
            prop_assert_eq!(space.index(&outcome), Some(index));
        }
    }
}
