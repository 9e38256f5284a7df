//! Preferences: how much a party values an outcome.
//!
//! u(outcome) = sum_i weight_i * score_i(value_i) + sum of the values of the terms whose rule holds.
//!
//! Scores lie in [0, 1] (checked when a scenario is built). Weights are used as written, the way
//! GENIUS reads its files: with weights summing to 1 and no terms, utilities lie in [0, 1].

use crate::issue::{Issue, IssueKind};
use crate::rule::Rule;
use crate::space::{Outcome, OutcomeSpace};

/// How one issue's values are scored, each score in [0, 1].
#[derive(Debug, Clone, PartialEq)]
pub enum ValueFunction {
    /// One score per value index (discrete options, or any issue tabulated).
    Table(Vec<f64>),
    /// Straight line from `at_min` (score at the issue's minimum) to `at_max` (score at its maximum).
    Linear {
        /// Score at the lower bound.
        at_min: f64,
        /// Score at the upper bound.
        at_max: f64,
    },
    /// Rises (or falls) linearly from the minimum to `peak`, then linearly to the maximum.
    Triangular {
        /// The value where the score is `at_peak`.
        peak: f64,
        /// Score at the lower bound.
        at_min: f64,
        /// Score at the peak.
        at_peak: f64,
        /// Score at the upper bound.
        at_max: f64,
    },
}

impl ValueFunction {
    /// The score of value index `k` of `issue`.
    pub fn score(&self, issue: &Issue, k: u32) -> f64 {
        match self {
            ValueFunction::Table(t) => t[k as usize],
            ValueFunction::Linear { at_min, at_max } => {
                let (lo, hi) = numeric_bounds(issue);
                if hi <= lo {
                    return *at_min;
                }
                let x = (issue.numeric(k) - lo) / (hi - lo);
                at_min + (at_max - at_min) * x
            }
            ValueFunction::Triangular {
                peak,
                at_min,
                at_peak,
                at_max,
            } => {
                let (lo, hi) = numeric_bounds(issue);
                let x = issue.numeric(k);
                if x <= *peak {
                    if *peak <= lo {
                        *at_peak
                    } else {
                        at_min + (at_peak - at_min) * (x - lo) / (peak - lo)
                    }
                } else if hi <= *peak {
                    *at_peak
                } else {
                    at_peak + (at_max - at_peak) * (x - peak) / (hi - peak)
                }
            }
        }
    }
}

fn numeric_bounds(issue: &Issue) -> (f64, f64) {
    match &issue.kind {
        IssueKind::Discrete { options } => (0.0, options.len().saturating_sub(1) as f64),
        IssueKind::Integer { min, max } => (*min as f64, *max as f64),
        IssueKind::Real { min, max, .. } => (*min, *max),
    }
}

/// A nonlinear term: `value` is added to the utility of every outcome where `rule` holds. A
/// positive value is a bonus for a combination, a negative one a penalty (GENIUS's
/// hyper-rectangle constraints are terms whose rule is a conjunction of ranges).
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    /// When the term applies.
    pub rule: Rule,
    /// What it adds to the utility.
    pub value: f64,
}

/// A party's valuation of outcomes: additive over issues plus nonlinear terms.
#[derive(Debug, Clone, PartialEq)]
pub struct Preferences {
    /// One weight per issue, in the space's order, each >= 0.
    pub weights: Vec<f64>,
    /// One value function per issue.
    pub functions: Vec<ValueFunction>,
    /// Nonlinear terms.
    pub terms: Vec<Term>,
}

impl Preferences {
    /// True when the utility is a plain weighted sum over issues (no terms), which analysis can
    /// decompose issue by issue instead of enumerating outcomes.
    pub fn is_additive(&self) -> bool {
        self.terms.is_empty()
    }

    /// Utility of an outcome.
    pub fn utility(&self, space: &OutcomeSpace, outcome: &Outcome) -> f64 {
        self.utility_of_values(space, &outcome.0)
    }

    /// Utility of an outcome given as value indices.
    pub fn utility_of_values(&self, space: &OutcomeSpace, values: &[u32]) -> f64 {
        let mut u = 0.0;
        for (i, issue) in space.issues().iter().enumerate() {
            u += self.weights[i] * self.functions[i].score(issue, values[i]);
        }
        for t in &self.terms {
            if t.rule.holds(values) {
                u += t.value;
            }
        }
        u
    }

    /// Weighted scores of every value of issue `i`: `weights[i] * score(v)` for each `v`.
    /// Analysis builds these tables once and adds them up.
    pub fn issue_table(&self, space: &OutcomeSpace, i: usize) -> Vec<f64> {
        let issue = &space.issues()[i];
        let w = self.weights[i];
        (0..space.radices()[i])
            .map(|k| w * self.functions[i].score(issue, k))
            .collect()
    }
}
