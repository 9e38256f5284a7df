//! The numbers analysis works on, built once per scenario: per-issue utility tables for each
//! negotiating party, nonlinear terms and red lines sorted by the depth at which they are decided,
//! and bounds on what the remaining issues can still add.

use crate::AnalysisError;
use accord_model::{Outcome, Role, Rule, Scenario};

/// Most red lines analysis tracks (they are bits of a mask).
pub const MAX_RED_LINES: usize = 48;

/// A red line held by negotiating party `party` (index among negotiators).
#[derive(Debug)]
pub struct Constraint<'a> {
    /// Index among the negotiators.
    pub party: usize,
    /// The rule that must hold.
    pub rule: &'a Rule,
}

/// A nonlinear term of negotiator `party`.
#[derive(Debug)]
pub struct TermRef<'a> {
    /// Index among the negotiators.
    pub party: usize,
    /// When it applies.
    pub rule: &'a Rule,
    /// What it adds.
    pub value: f64,
}

/// Analysis view of a scenario.
#[derive(Debug)]
pub struct Model<'a> {
    /// The scenario.
    pub scenario: &'a Scenario,
    /// Indices of the negotiating parties in `scenario.parties`.
    pub parties: Vec<usize>,
    /// Number of negotiators.
    pub k: usize,
    /// Number of issues.
    pub n: usize,
    /// Values per issue.
    pub radices: Vec<u32>,
    /// Number of outcomes (the space's size; every count of the analysis is in `u128`).
    pub size: u128,
    /// Per issue, value-major: `tab[i][v * k + p]` = party p's weighted score of value v.
    pub tab: Vec<Vec<f64>>,
    /// Nonlinear terms that mention at least one issue.
    pub terms: Vec<TermRef<'a>>,
    /// `terms_on[i]`: the terms that mention issue i (indices into `terms`).
    pub terms_on: Vec<Vec<usize>>,
    /// Per party, the sum of terms that mention no issue.
    pub constant: Vec<f64>,
    /// Red lines of the negotiators (bit `c` of a violation mask).
    pub constraints: Vec<Constraint<'a>>,
    /// `constraints_on[i]`: the red lines that mention issue i.
    pub constraints_on: Vec<Vec<usize>>,
    /// Red lines that mention no issue and fail: crossed by every outcome.
    pub always_crossed: u64,
    /// `max_rest[d * k + p]`: most that the additive part of issues d.. can add for party p.
    pub max_rest: Vec<f64>,
    /// `min_rest[d * k + p]`: least that the additive part of issues d.. can add.
    pub min_rest: Vec<f64>,
    /// Per party, the sum of its positive term values (what undecided terms may still add).
    pub terms_pos: Vec<f64>,
    /// `allows[i]`: for each positive term on issue i, (term, the values of i it allows, whether
    /// the term is a plain conjunction), so that bounds can account for terms that exclude each
    /// other on one issue, and for conjunctions that only one free issue still decides.
    pub allows: Vec<Vec<(usize, Vec<u32>, bool)>>,
    /// Number of issues each term mentions.
    pub term_arity: Vec<u32>,
    /// `issue_max[i * k + p]`: party p's best additive score on issue i.
    pub issue_max: Vec<f64>,
    /// Per party, the sum of its negative term values.
    pub terms_neg: Vec<f64>,
    /// Disagreement point: reservation value, 0 when none.
    pub d: Vec<f64>,
    /// Set by the caller to stop every search early, as if its budget ran out (a server's time
    /// budget, or a client that went away); see [`crate::Options::stop`].
    pub stop: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
}

impl<'a> Model<'a> {
    /// Builds the tables. Fails when there is no negotiating party, too many red lines, or
    /// more outcomes than counts hold (2^128: the space itself may have up to 2^256).
    pub fn new(scenario: &'a Scenario) -> Result<Self, AnalysisError> {
        let space = &scenario.space;
        let size = space
            .size_u128()
            .ok_or(AnalysisError::SpaceTooLarge(space.size()))?;
        let parties: Vec<usize> = scenario.negotiators();
        if parties.is_empty() {
            return Err(AnalysisError::NoParties);
        }
        let k = parties.len();
        let n = space.issues().len();
        let radices = space.radices().to_vec();
        let mut tab: Vec<Vec<f64>> = radices.iter().map(|&r| vec![0.0; r as usize * k]).collect();
        let mut terms = Vec::new();
        let mut constant = vec![0.0; k];
        let mut constraints = Vec::new();
        for (p, &pi) in parties.iter().enumerate() {
            let party = &scenario.parties[pi];
            let prefs = party
                .preferences
                .as_ref()
                .ok_or_else(|| AnalysisError::NoPreferences(party.name.clone()))?;
            for (i, t) in tab.iter_mut().enumerate() {
                for (v, x) in prefs.issue_table(space, i).into_iter().enumerate() {
                    t[v * k + p] = x;
                }
            }
            for term in &prefs.terms {
                if term.rule.last_issue().is_none() {
                    if term.rule.holds(&[]) {
                        constant[p] += term.value;
                    }
                } else {
                    terms.push(TermRef {
                        party: p,
                        rule: &term.rule,
                        value: term.value,
                    });
                }
            }
            for rl in &party.red_lines {
                constraints.push(Constraint {
                    party: p,
                    rule: &rl.rule,
                });
            }
        }
        // Violation masks hold one bit per red line and one per party's reservation value.
        if constraints.len() > MAX_RED_LINES || constraints.len() + k > 64 {
            return Err(AnalysisError::TooManyRedLines(constraints.len()));
        }
        let mut terms_on = vec![Vec::new(); n];
        let mut terms_pos = vec![0.0; k];
        let mut terms_neg = vec![0.0; k];
        for (t, term) in terms.iter().enumerate() {
            for i in term.rule.issues() {
                terms_on[i].push(t);
            }
            terms_pos[term.party] += term.value.max(0.0);
            terms_neg[term.party] += term.value.min(0.0);
        }
        let mut allows = vec![Vec::new(); n];
        for (t, term) in terms.iter().enumerate() {
            if term.value <= 0.0 {
                continue;
            }
            for i in term.rule.issues() {
                let (values, conj): (Vec<u32>, bool) = match term.rule.conjunction_allows(i) {
                    Some(bits) => (
                        (0..radices[i])
                            .filter(|v| bits[(v >> 6) as usize] >> (v & 63) & 1 == 1)
                            .collect(),
                        true,
                    ),
                    None => ((0..radices[i]).collect(), false),
                };
                allows[i].push((t, values, conj));
            }
        }
        let term_arity = terms.iter().map(|t| t.rule.issues().len() as u32).collect();
        let mut issue_max = vec![0.0; n * k];
        for i in 0..n {
            for p in 0..k {
                issue_max[i * k + p] = tab[i]
                    .iter()
                    .skip(p)
                    .step_by(k)
                    .fold(f64::NEG_INFINITY, |a, &b| a.max(b));
            }
        }
        let mut constraints_on = vec![Vec::new(); n];
        let mut always_crossed = 0u64;
        for (c, con) in constraints.iter().enumerate() {
            let issues = con.rule.issues();
            if issues.is_empty() && !con.rule.holds(&[]) {
                always_crossed |= 1 << c;
            }
            for i in issues {
                constraints_on[i].push(c);
            }
        }
        let mut max_rest = vec![0.0; (n + 1) * k];
        let mut min_rest = vec![0.0; (n + 1) * k];
        for d in (0..n).rev() {
            for p in 0..k {
                let column = tab[d].iter().skip(p).step_by(k);
                let hi = column.clone().fold(f64::NEG_INFINITY, |a, &b| a.max(b));
                let lo = column.fold(f64::INFINITY, |a, &b| a.min(b));
                max_rest[d * k + p] = max_rest[(d + 1) * k + p] + hi;
                min_rest[d * k + p] = min_rest[(d + 1) * k + p] + lo;
            }
        }
        let d = parties
            .iter()
            .map(|&pi| scenario.parties[pi].disagreement())
            .collect();
        Ok(Model {
            scenario,
            parties,
            k,
            n,
            radices,
            size,
            tab,
            terms,
            terms_on,
            constant,
            constraints,
            constraints_on,
            always_crossed,
            max_rest,
            min_rest,
            terms_pos,
            terms_neg,
            allows,
            term_arity,
            issue_max,
            d,
            stop: None,
        })
    }

    /// Whether the caller asked the searches to stop.
    #[inline]
    pub fn stopped(&self) -> bool {
        self.stop
            .as_ref()
            .is_some_and(|s| s.load(std::sync::atomic::Ordering::Relaxed))
    }

    /// True when every negotiator's preferences are additive (no nonlinear terms).
    pub fn is_additive(&self) -> bool {
        self.terms.is_empty()
    }

    /// Names of the negotiators, in order.
    pub fn party_names(&self) -> Vec<String> {
        self.parties
            .iter()
            .map(|&i| self.scenario.parties[i].name.clone())
            .collect()
    }

    /// Reservation values of the negotiators (`None` where not given).
    pub fn reservations(&self) -> Vec<Option<f64>> {
        self.parties
            .iter()
            .map(|&i| self.scenario.parties[i].reservation)
            .collect()
    }

    /// Every negotiator's utility of an outcome.
    pub fn utilities(&self, values: &[u32]) -> Vec<f64> {
        let mut u = self.constant.clone();
        for (i, &v) in values.iter().enumerate() {
            for (p, x) in u.iter_mut().enumerate() {
                *x += self.tab[i][v as usize * self.k + p];
            }
        }
        for t in &self.terms {
            if t.rule.holds(values) {
                u[t.party] += t.value;
            }
        }
        u
    }

    /// Mask of the red lines an outcome crosses (bit c = `constraints[c]`).
    pub fn violations(&self, values: &[u32]) -> u64 {
        let mut m = 0;
        for (c, con) in self.constraints.iter().enumerate() {
            if !con.rule.holds(values) {
                m |= 1 << c;
            }
        }
        m
    }

    /// Mask of the red lines of negotiator `p`.
    pub fn party_mask(&self, p: usize) -> u64 {
        let mut m = 0;
        for (c, con) in self.constraints.iter().enumerate() {
            if con.party == p {
                m |= 1 << c;
            }
        }
        m
    }

    /// Whether the outcome is in the agreement zone: no red line crossed and every negotiator at
    /// or above its reservation value.
    pub fn in_zone(&self, values: &[u32]) -> bool {
        self.violations(values) == 0 && self.rational(&self.utilities(values))
    }

    /// Whether utilities give every party at least its reservation value.
    pub fn rational(&self, u: &[f64]) -> bool {
        u.iter().zip(&self.d).all(|(x, d)| *x >= d - crate::EPS)
    }

    /// Highest utility each negotiator can reach anywhere (an upper bound when there are terms).
    pub fn upper_bounds(&self) -> Vec<f64> {
        (0..self.k)
            .map(|p| self.max_rest[p] + self.constant[p] + self.terms_pos[p])
            .collect()
    }

    /// Lowest utility bound per negotiator.
    pub fn lower_bounds(&self) -> Vec<f64> {
        (0..self.k)
            .map(|p| self.min_rest[p] + self.constant[p] + self.terms_neg[p])
            .collect()
    }

    /// `completions()[d]`: number of outcomes below a node of depth d (issues d.. free).
    pub fn completions(&self) -> Vec<u128> {
        let mut suffix = vec![1u128; self.n + 1];
        for d in (0..self.n).rev() {
            suffix[d] = suffix[d + 1] * self.radices[d] as u128;
        }
        suffix
    }

    /// The role of a seat, by scenario index.
    pub fn role(&self, i: usize) -> Role {
        self.scenario.parties[i].role
    }

    /// An outcome from value indices.
    pub fn outcome(values: &[u32]) -> Outcome {
        Outcome(values.to_vec())
    }
}
