//! A phased agreement's shape as one package, so that every protocol and strategy written for
//! packages runs over phased texts (`accord negotiate --phased`).
//!
//! The shape is the proposed agreement's: the same phases, durations and open phases; what is
//! negotiated is the package of each fixed phase. The flat space has one copy of every issue per
//! fixed phase (`ceasefire (phase 1)`, `ceasefire (phase 2)`, ...).
//!
//! Why this is exact: at a party's own trust `t`, its expected utility is linear in the stop
//! values (`phase` module docs): `EU = sum_j c_j v_j` with `c_j = t^(j-1) (1 - t) d^(s_j)` (the
//! last phase: `t^(n-1) d^(s_n)`), where `v_j` is the utility of fixed phase `j`'s package or,
//! for an open phase, the party's open value. So the flat preferences weigh copy `j` of each
//! issue by `c_j` times the issue's weight (and each term likewise), and add the open phases'
//! part `sum_open c_j v_j` as a constant term: the flat utility of a package of packages is the
//! party's expected utility of that phased agreement, and its reservation value stays as it is.
//! Red lines follow `respects_phased_red_lines`: phased red lines by their scope (final: the
//! last fixed phase's copy; one phase: its copy, none when it is open; every: all copies;
//! commits: any copy), ordinary red lines on every fixed phase's copy.

use crate::error::ModelError;
use crate::issue::Issue;
use crate::party::{Party, RedLine};
use crate::phase::{OpenValue, Phase, PhaseTerms, PhasedAgreement, Phasing, Scope};
use crate::preferences::{Preferences, Term};
use crate::rule::Rule;
use crate::scenario::Scenario;
use crate::space::{Outcome, OutcomeSpace};

/// A phased scenario as one package (see the module docs).
#[derive(Debug, Clone)]
pub struct Flattened {
    /// The flat scenario: a copy of the issues per fixed phase, each party's expected utility.
    pub scenario: Scenario,
    /// The phases of the proposed agreement whose packages are negotiated, in order (copy `k` of
    /// the issues is phase `fixed_phases[k]`'s package).
    pub fixed_phases: Vec<usize>,
    proposed: PhasedAgreement,
    issues_per_copy: usize,
}

impl Flattened {
    /// The phased agreement a flat package stands for: the proposed agreement with each fixed
    /// phase's package taken from its copy of the issues.
    pub fn agreement(&self, flat: &[u32]) -> PhasedAgreement {
        let mut phases: Vec<Phase> = self.proposed.phases().to_vec();
        for (k, &j) in self.fixed_phases.iter().enumerate() {
            let values = flat
                .get(k * self.issues_per_copy..(k + 1) * self.issues_per_copy)
                .unwrap_or_default();
            phases[j].terms = PhaseTerms::Fixed(Outcome(values.to_vec()));
        }
        // Same phases, durations, agendas and triggers as the validated proposal.
        PhasedAgreement::from_validated(phases)
    }
}

/// The proposed shape of `phasing` over `scenario` as one package.
pub fn flatten(scenario: &Scenario, phasing: &Phasing) -> Result<Flattened, ModelError> {
    let proposed = phasing.agreement.clone();
    let phases = proposed.phases();
    let fixed_phases: Vec<usize> = (0..phases.len())
        .filter(|&j| phases[j].fixed().is_some())
        .collect();
    let n = scenario.space.issues().len();
    let issues: Vec<Issue> = fixed_phases
        .iter()
        .flat_map(|&j| {
            scenario.space.issues().iter().map(move |i| Issue {
                name: format!("{} ({})", i.name, phases[j].name),
                ..i.clone()
            })
        })
        .collect();
    let space = OutcomeSpace::new(issues)?;
    let offsets: Vec<usize> = (0..fixed_phases.len()).map(|k| k * n).collect();
    let copy_of = |j: usize| fixed_phases.iter().position(|&f| f == j).map(|k| k * n);
    let always = Rule::parse("true", space.issues())
        .map_err(|e| ModelError::new(Vec::new(), e.to_string()))?;
    let starts = proposed.start_times();
    let mut parties = Vec::with_capacity(scenario.parties.len());
    for (p, party) in scenario.parties.iter().enumerate() {
        let view = phasing.views.get(p).cloned().unwrap_or_default();
        let d = party.discount.unwrap_or(1.0);
        // c_j: the probability of stopping after phase j, discounted to its start.
        let mut reach = 1.0;
        let weight: Vec<f64> = (0..phases.len())
            .map(|j| {
                let stop = if j + 1 == phases.len() {
                    1.0
                } else {
                    1.0 - view.trust
                };
                let c = reach
                    * stop
                    * if starts[j] == 0.0 {
                        1.0
                    } else {
                        d.powf(starts[j])
                    };
                reach *= view.trust;
                c
            })
            .collect();
        let preferences = party.preferences.as_ref().map(|prefs| {
            let mut weights = Vec::with_capacity(n * fixed_phases.len());
            let mut functions = Vec::with_capacity(n * fixed_phases.len());
            let mut terms = Vec::new();
            for (k, &j) in fixed_phases.iter().enumerate() {
                weights.extend(prefs.weights.iter().map(|w| w * weight[j]));
                functions.extend(prefs.functions.iter().cloned());
                terms.extend(prefs.terms.iter().map(|t| Term {
                    rule: t.rule.on_copies(
                        &[offsets[k]],
                        false,
                        format!("{} ({})", t.rule, phases[j].name),
                    ),
                    value: t.value * weight[j],
                }));
            }
            let open: f64 = (0..phases.len())
                .filter(|&j| phases[j].fixed().is_none())
                .map(|j| {
                    weight[j]
                        * match view.open_value {
                            OpenValue::Expected(x) => x,
                            OpenValue::WalkAway => party.disagreement(),
                        }
                })
                .sum();
            if open != 0.0 {
                terms.push(Term {
                    rule: always.clone(),
                    value: open,
                });
            }
            Preferences {
                weights,
                functions,
                terms,
            }
        });
        let every = |rule: &Rule, any: bool, what: &str| {
            rule.on_copies(&offsets, any, format!("{rule} ({what})"))
        };
        let red_lines: Vec<RedLine> = match &view.red_lines {
            Some(lines) => lines
                .iter()
                .filter_map(|l| {
                    let rule = match l.scope {
                        Scope::Every => every(&l.rule, false, "in every fixed phase"),
                        Scope::Commits => every(&l.rule, true, "in some fixed phase"),
                        Scope::Final => {
                            let last = *fixed_phases.last()?;
                            let at = copy_of(last)?;
                            l.rule
                                .on_copies(&[at], false, format!("{} (final state)", l.rule))
                        }
                        Scope::Phase(j) => {
                            let at = copy_of(j)?;
                            l.rule.on_copies(
                                &[at],
                                false,
                                format!("{} ({})", l.rule, phases[j].name),
                            )
                        }
                    };
                    Some(RedLine {
                        rule,
                        source: l.source.clone(),
                    })
                })
                .collect(),
            None => party
                .red_lines
                .iter()
                .map(|l| RedLine {
                    rule: every(&l.rule, false, "in every fixed phase"),
                    source: l.source.clone(),
                })
                .collect(),
        };
        parties.push(Party {
            preferences,
            red_lines,
            discount: None,
            ..party.clone()
        });
    }
    let scenario = Scenario::new(
        format!("{} (phased)", scenario.name),
        scenario.description.clone(),
        space,
        parties,
        None,
    )?;
    Ok(Flattened {
        scenario,
        fixed_phases,
        proposed,
        issues_per_copy: n,
    })
}
