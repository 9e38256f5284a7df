//! Phased agreements: an agreement written as an ordered list of [`Phase`]s, as cease-fire deals
//! are ("phase 1: a pause and a first release; phase 2, its terms to be agreed during phase 1:
//! the rest"), and how a party values one.
//!
//! Why phases are a model of their own rather than a bigger outcome space: what a party gets from
//! a phased agreement depends on where the process stops, and whether it goes on depends on each
//! party's trust that the next phase will be carried out. A one-shot package cannot say "a pause
//! now, a permanent end later, if phase 1 holds". A one-phase agreement is exactly a package:
//! every function here reduces to the one-shot utility and red lines on it (tested).
//!
//! # Valuation (stated, and documented in `docs/scenario-format.md`)
//!
//! Phase 1 is carried out once the agreement is signed. Given that phase `j` was carried out, a
//! party believes phase `j+1` is carried out with its own probability `trust` (one number per
//! party, the same for every step). The process therefore stops after phase `j` with probability
//! `trust^(j-1) (1 - trust)` for `j < n`, and runs to the end with probability `trust^(n-1)`.
//! Stopping after phase `j` leaves the party with the *state* of phase `j`:
//! - a fixed phase's state is the full package in force during it (each phase gives every issue
//!   a value; an issue may take a different value in each phase), valued with the party's
//!   ordinary preferences;
//! - an open phase ("to be negotiated during phase k") commits to nothing yet: the party values
//!   it with its stated expectation, or, when it states none, its walk-away (reservation) value.
//!
//! The value of stopping after phase `j` is discounted by `d^(s_j / D)`, where `d` is the party's
//! discount factor, `s_j` the day phase `j` starts and `D` the agreement's total duration in days
//! (the same normalised time the rest of Accord discounts on). Phase 1 starts on day 0, so a
//! one-phase agreement is valued at exactly its one-shot utility.
//!
//! # Red lines phase by phase
//!
//! A [`PhasedRedLine`] is a rule with a [`Scope`]: the final state, one phase, every phase, or
//! "the agreement commits to it in some phase". Open phases commit to nothing, so a rule scoped to
//! an open phase holds vacuously and "final" means the last fixed phase.

use crate::error::ModelError;
use crate::party::Party;
use crate::rule::Rule;
use crate::space::{Outcome, OutcomeSpace};

/// When talks on an open phase start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trigger {
    /// On a day of an earlier phase (0-based phase index, 1-based day within that phase).
    Day {
        /// The earlier phase.
        phase: usize,
        /// The day within it.
        day: u32,
    },
    /// When the named clauses (issue indices) of an earlier phase are completed.
    Completion {
        /// The earlier phase.
        phase: usize,
        /// The issues whose clauses must be completed.
        issues: Vec<usize>,
    },
}

/// What a phase says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhaseTerms {
    /// The package in force during the phase: one value per issue.
    Fixed(Outcome),
    /// To be negotiated during an earlier phase: its agenda (issue indices) and trigger.
    Open {
        /// The issues to be negotiated.
        agenda: Vec<usize>,
        /// When talks on it start.
        trigger: Trigger,
    },
}

/// One phase of a phased agreement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phase {
    /// Name for reports ("phase 1").
    pub name: String,
    /// Length in days; at least 1.
    pub duration_days: u32,
    /// What it fixes or leaves open.
    pub terms: PhaseTerms,
}

impl Phase {
    /// The package it fixes, if it is not open.
    pub fn fixed(&self) -> Option<&Outcome> {
        match &self.terms {
            PhaseTerms::Fixed(o) => Some(o),
            PhaseTerms::Open { .. } => None,
        }
    }
}

/// An ordered, validated list of phases.
///
/// Invariants (checked by [`PhasedAgreement::new`]): at least one phase; the first phase is
/// fixed (an agreement that commits to nothing now is not an agreement); every fixed package
/// belongs to the space; durations are at least one day; agendas name existing issues and are
/// not empty; a trigger points at an earlier phase (and a day within it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhasedAgreement {
    phases: Vec<Phase>,
}

impl PhasedAgreement {
    /// Validates the phases against the space. Error paths are relative to the list of phases
    /// (`[1].agenda[0]`); file readers prefix them with where the list lives.
    pub fn new(phases: Vec<Phase>, space: &OutcomeSpace) -> Result<Self, ModelError> {
        if phases.is_empty() {
            return Err(ModelError::new(
                Vec::new(),
                "a phased agreement needs at least one phase",
            ));
        }
        let n_issues = space.issues().len();
        for (k, ph) in phases.iter().enumerate() {
            if ph.duration_days == 0 {
                return Err(ModelError::new(
                    [k.into(), "days".into()],
                    "a phase lasts at least one day",
                ));
            }
            match &ph.terms {
                PhaseTerms::Fixed(o) => {
                    if space.index(o).is_none() {
                        return Err(ModelError::new(
                            [k.into(), "clauses".into()],
                            "the phase's package is not in the outcome space",
                        ));
                    }
                }
                PhaseTerms::Open { agenda, trigger } => {
                    if k == 0 {
                        return Err(ModelError::new(
                            [k.into(), "open".into()],
                            "the first phase cannot be open: it is what the agreement commits to now",
                        ));
                    }
                    if agenda.is_empty() {
                        return Err(ModelError::new(
                            [k.into(), "agenda".into()],
                            "an open phase needs an agenda (the issues to be negotiated)",
                        ));
                    }
                    if let Some(a) = agenda.iter().position(|&i| i >= n_issues) {
                        return Err(ModelError::new(
                            [k.into(), "agenda".into(), a.into()],
                            "no such issue",
                        ));
                    }
                    let (p, day) = match trigger {
                        Trigger::Day { phase, day } => (*phase, Some(*day)),
                        Trigger::Completion { phase, .. } => (*phase, None),
                    };
                    if p >= k {
                        return Err(ModelError::new(
                            [k.into(), "trigger".into()],
                            "the trigger must be in an earlier phase",
                        ));
                    }
                    if let Some(d) = day {
                        if d == 0 || d > phases[p].duration_days {
                            return Err(ModelError::new(
                                [k.into(), "trigger".into()],
                                format!(
                                    "day {d} is not a day of `{}` (1 to {})",
                                    phases[p].name, phases[p].duration_days
                                ),
                            ));
                        }
                    }
                }
            }
        }
        Ok(Self { phases })
    }

    /// A one-phase agreement: today's package.
    pub fn one_shot(outcome: Outcome, space: &OutcomeSpace) -> Result<Self, ModelError> {
        Self::new(
            vec![Phase {
                name: "phase 1".into(),
                duration_days: 1,
                terms: PhaseTerms::Fixed(outcome),
            }],
            space,
        )
    }

    /// The same agreement with every open phase settled now, its package a placeholder (the
    /// final state) for a negotiation or an enumeration to vary; `None` when no phase is open.
    pub fn with_open_phases_settled(&self) -> Option<PhasedAgreement> {
        if self.phases.iter().all(|p| p.fixed().is_some()) {
            return None;
        }
        let fin = self.final_state().clone();
        // Same durations and order; fixed packages from the validated space.
        Some(Self::from_validated(
            self.phases
                .iter()
                .map(|p| Phase {
                    terms: PhaseTerms::Fixed(p.fixed().unwrap_or(&fin).clone()),
                    ..p.clone()
                })
                .collect(),
        ))
    }

    /// Phases known to keep the invariants: the proposal's own, with fixed packages replaced by
    /// others of the same space (`flat::Flattened::agreement`).
    pub(crate) fn from_validated(phases: Vec<Phase>) -> Self {
        Self { phases }
    }

    /// The phases, in order.
    pub fn phases(&self) -> &[Phase] {
        &self.phases
    }

    /// The package in force at the end: the last fixed phase's.
    pub fn final_state(&self) -> &Outcome {
        self.phases
            .iter()
            .rev()
            .find_map(Phase::fixed)
            .expect("the first phase is fixed (checked by new)")
    }

    /// Total duration in days.
    pub fn total_days(&self) -> u64 {
        self.phases.iter().map(|p| p.duration_days as u64).sum()
    }

    /// Normalised start time of each phase: day it starts / total days.
    pub fn start_times(&self) -> Vec<f64> {
        let total = self.total_days() as f64;
        let mut day = 0u64;
        self.phases
            .iter()
            .map(|p| {
                let t = day as f64 / total;
                day += p.duration_days as u64;
                t
            })
            .collect()
    }
}

/// Which states of a phased agreement a red line speaks about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The package in force at the end (the last fixed phase).
    Final,
    /// The package of one phase (0-based); vacuous if that phase is open.
    Phase(usize),
    /// Every fixed phase's package.
    Every,
    /// At least one fixed phase's package: "the agreement commits to it".
    Commits,
}

/// A red line about a phased agreement.
#[derive(Debug, Clone, PartialEq)]
pub struct PhasedRedLine {
    /// The rule on a package.
    pub rule: Rule,
    /// Which packages it applies to.
    pub scope: Scope,
    /// Where it comes from, for reports.
    pub source: Option<String>,
}

impl PhasedRedLine {
    /// Whether the agreement respects it.
    pub fn holds(&self, agreement: &PhasedAgreement) -> bool {
        let fixed = || agreement.phases.iter().filter_map(Phase::fixed);
        match self.scope {
            Scope::Final => self.rule.holds(agreement.final_state().values()),
            Scope::Phase(k) => match agreement.phases.get(k).and_then(Phase::fixed) {
                Some(o) => self.rule.holds(o.values()),
                None => true,
            },
            Scope::Every => fixed().all(|o| self.rule.holds(o.values())),
            Scope::Commits => fixed().any(|o| self.rule.holds(o.values())),
        }
    }
}

/// How a party values an open phase.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum OpenValue {
    /// Its walk-away (reservation) value.
    WalkAway,
    /// A stated expectation of what the talks will give it.
    Expected(f64),
}

/// A party's view of phased agreements.
#[derive(Debug, Clone, PartialEq)]
pub struct PhasedView {
    /// Probability that each next phase is carried out, in [0, 1].
    pub trust: f64,
    /// Its value for an open phase.
    pub open_value: OpenValue,
    /// Red lines about phased agreements. `None`: its ordinary red lines apply to every phase's
    /// package (the cautious reading: it never commits to what it rejects, even temporarily).
    pub red_lines: Option<Vec<PhasedRedLine>>,
}

impl Default for PhasedView {
    /// Full trust, open phases at walk-away, ordinary red lines on every phase.
    fn default() -> Self {
        Self {
            trust: 1.0,
            open_value: OpenValue::WalkAway,
            red_lines: None,
        }
    }
}

/// The value of stopping after each phase, before discounting: the fixed package's utility, or
/// the open value. `None` if the party has no preferences.
pub fn stop_values(
    party: &Party,
    view: &PhasedView,
    space: &OutcomeSpace,
    agreement: &PhasedAgreement,
) -> Option<Vec<f64>> {
    let prefs = party.preferences.as_ref()?;
    Some(
        agreement
            .phases
            .iter()
            .map(|ph| match &ph.terms {
                PhaseTerms::Fixed(o) => prefs.utility(space, o),
                PhaseTerms::Open { .. } => match view.open_value {
                    OpenValue::Expected(x) => x,
                    OpenValue::WalkAway => party.disagreement(),
                },
            })
            .collect(),
    )
}

/// Expected utility from discounted stop values `w[j]` and a trust `t`:
/// `sum_{j<n} t^(j-1) (1-t) w_j + t^(n-1) w_n` (phases counted from 1).
pub fn expected_from_stops(w: &[f64], trust: f64) -> f64 {
    let mut reach = 1.0; // probability phase j is carried out
    let mut eu = 0.0;
    for (j, &v) in w.iter().enumerate() {
        let stop = if j + 1 == w.len() { 1.0 } else { 1.0 - trust };
        eu += reach * stop * v;
        reach *= trust;
    }
    eu
}

/// Discounted stop values: `stop_values` times `d^(start time)`.
pub fn discounted_stop_values(
    party: &Party,
    view: &PhasedView,
    space: &OutcomeSpace,
    agreement: &PhasedAgreement,
) -> Option<Vec<f64>> {
    let d = party.discount.unwrap_or(1.0);
    let v = stop_values(party, view, space, agreement)?;
    Some(
        v.iter()
            .zip(agreement.start_times())
            .map(|(v, s)| if s == 0.0 { *v } else { v * d.powf(s) })
            .collect(),
    )
}

/// A party's expected utility of a phased agreement at a given trust (see the module docs).
pub fn expected_utility_at(
    party: &Party,
    view: &PhasedView,
    space: &OutcomeSpace,
    agreement: &PhasedAgreement,
    trust: f64,
) -> Option<f64> {
    let w = discounted_stop_values(party, view, space, agreement)?;
    Some(expected_from_stops(&w, trust))
}

/// A party's expected utility of a phased agreement at its own trust.
pub fn expected_utility(
    party: &Party,
    view: &PhasedView,
    space: &OutcomeSpace,
    agreement: &PhasedAgreement,
) -> Option<f64> {
    expected_utility_at(party, view, space, agreement, view.trust)
}

/// Whether the agreement crosses none of the party's red lines: its phased red lines if it
/// states them, otherwise its ordinary red lines on every fixed phase's package.
pub fn respects_phased_red_lines(
    party: &Party,
    view: &PhasedView,
    agreement: &PhasedAgreement,
) -> bool {
    match &view.red_lines {
        Some(lines) => lines.iter().all(|r| r.holds(agreement)),
        None => agreement
            .phases
            .iter()
            .filter_map(Phase::fixed)
            .all(|o| party.respects_red_lines(o.values())),
    }
}

/// The smallest trust `t*` in [0, 1] such that the expected utility stays at or above `floor`
/// for every trust in [t*, 1]; `None` when even full trust falls short.
///
/// Method: the expected utility is a polynomial in `t` of degree `n - 1` (n phases), so it
/// changes sign at most `n - 1` times. It is scanned on a grid of `4096 * n` steps from 1 down
/// and the last crossing refined by 60 bisections: exact to about 1e-15 unless two roots lie
/// within one grid step (then the threshold may be reported one step too low).
pub fn trust_threshold(w: &[f64], floor: f64) -> Option<f64> {
    let ok = |t: f64| expected_from_stops(w, t) >= floor - 1e-12;
    if !ok(1.0) {
        return None;
    }
    let steps = 4096 * w.len().max(1);
    let mut hi = 1.0;
    for s in (0..steps).rev() {
        let t = s as f64 / steps as f64;
        if !ok(t) {
            // Crossing in (t, hi].
            let mut lo = t;
            for _ in 0..60 {
                let mid = 0.5 * (lo + hi);
                if ok(mid) {
                    hi = mid;
                } else {
                    lo = mid;
                }
            }
            return Some(hi);
        }
        hi = t;
    }
    Some(0.0)
}

/// A scenario's phasing: the phased agreement on the table and each seat's view of phases.
#[derive(Debug, Clone, PartialEq)]
pub struct Phasing {
    /// The phased agreement proposed (its shape is what analysis varies: same phases, same
    /// durations and open phases, every choice of package for each fixed phase).
    pub agreement: PhasedAgreement,
    /// One view per seat, in the scenario's party order.
    pub views: Vec<PhasedView>,
}
