//! A scenario: the outcome space, the seats at the table, and optionally the draft on the table.

use crate::error::{ModelError, PathSegment};
use crate::issue::IssueKind;
use crate::party::{Party, Role};
use crate::preferences::ValueFunction;
use crate::space::{Outcome, OutcomeSpace};
use std::collections::HashSet;

/// A validated negotiation scenario.
///
/// Invariants (checked by [`Scenario::new`]): names of issues, options and parties are unique and
/// non-empty; every negotiating party has preferences; weights are finite and >= 0; scores lie in
/// [0, 1]; term values, reservation values are finite; discounts lie in (0, 1]; the draft, if any,
/// belongs to the space.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// Short name.
    pub name: String,
    /// What the scenario models, and its sources.
    pub description: Option<String>,
    /// The outcome space.
    pub space: OutcomeSpace,
    /// All seats, in the file's order.
    pub parties: Vec<Party>,
    /// The text currently on the table, if any.
    pub draft: Option<Outcome>,
}

impl Scenario {
    /// Validates and builds a scenario. Error paths use the scenario document's names
    /// (`issues[2].options[1]`, `parties[0].weights.hostages`, ...).
    pub fn new(
        name: String,
        description: Option<String>,
        space: OutcomeSpace,
        parties: Vec<Party>,
        draft: Option<Outcome>,
    ) -> Result<Self, ModelError> {
        let mut issue_names = HashSet::new();
        for (i, issue) in space.issues().iter().enumerate() {
            let at = |rest: &[PathSegment]| {
                let mut p = vec!["issues".into(), i.into()];
                p.extend_from_slice(rest);
                p
            };
            if issue.name.trim().is_empty() {
                return Err(ModelError::new(
                    at(&["name".into()]),
                    "an issue needs a name",
                ));
            }
            if !issue_names.insert(issue.name.as_str()) {
                return Err(ModelError::new(
                    at(&["name".into()]),
                    format!("issue `{}` is defined twice", issue.name),
                ));
            }
            match &issue.kind {
                IssueKind::Discrete { options } => {
                    let mut seen = HashSet::new();
                    for (k, o) in options.iter().enumerate() {
                        if o.name.trim().is_empty() {
                            return Err(ModelError::new(
                                at(&["options".into(), k.into()]),
                                "an option needs a name",
                            ));
                        }
                        if !seen.insert(o.name.as_str()) {
                            return Err(ModelError::new(
                                at(&["options".into(), k.into()]),
                                format!(
                                    "option `{}` of issue `{}` is named twice",
                                    o.name, issue.name
                                ),
                            ));
                        }
                    }
                }
                IssueKind::Integer { min, max } if min > max => {
                    return Err(ModelError::new(
                        at(&["max".into()]),
                        format!("max ({max}) is below min ({min})"),
                    ));
                }
                IssueKind::Real {
                    min,
                    max,
                    resolution,
                } => {
                    if !(min.is_finite() && max.is_finite() && min <= max) {
                        return Err(ModelError::new(
                            at(&["max".into()]),
                            format!("expected finite bounds with min <= max, found {min}..{max}"),
                        ));
                    }
                    if !(resolution.is_finite() && *resolution > 0.0) {
                        return Err(ModelError::new(
                            at(&["resolution".into()]),
                            format!("expected a resolution > 0, found {resolution}"),
                        ));
                    }
                }
                _ => {}
            }
        }

        let mut party_names = HashSet::new();
        for (p, party) in parties.iter().enumerate() {
            let at = |rest: &[PathSegment]| {
                let mut v = vec!["parties".into(), p.into()];
                v.extend_from_slice(rest);
                v
            };
            if party.name.trim().is_empty() {
                return Err(ModelError::new(
                    at(&["name".into()]),
                    "a party needs a name",
                ));
            }
            if !party_names.insert(party.name.as_str()) {
                return Err(ModelError::new(
                    at(&["name".into()]),
                    format!("party `{}` is defined twice", party.name),
                ));
            }
            if party.role == Role::Party && party.preferences.is_none() {
                return Err(ModelError::new(
                    at(&["weights".into()]),
                    format!(
                        "party `{}` negotiates (role = \"party\") and needs weights and scores",
                        party.name
                    ),
                ));
            }
            if let Some(r) = party.reservation {
                if !r.is_finite() {
                    return Err(ModelError::new(
                        at(&["reservation".into()]),
                        "expected a finite reservation value",
                    ));
                }
            }
            if let Some(d) = party.discount {
                if !(d > 0.0 && d <= 1.0) {
                    return Err(ModelError::new(
                        at(&["discount".into()]),
                        format!("expected a discount factor in (0, 1], found {d}"),
                    ));
                }
            }
            let Some(prefs) = &party.preferences else {
                continue;
            };
            let n = space.issues().len();
            if prefs.weights.len() != n || prefs.functions.len() != n {
                return Err(ModelError::new(
                    at(&["weights".into()]),
                    format!("expected one weight and one scoring per issue ({n})"),
                ));
            }
            for (i, issue) in space.issues().iter().enumerate() {
                let w = prefs.weights[i];
                if !(w.is_finite() && w >= 0.0) {
                    return Err(ModelError::new(
                        at(&["weights".into(), issue.name.clone().into()]),
                        format!("expected a weight >= 0, found {w}"),
                    ));
                }
                let f = &prefs.functions[i];
                let bad_table = match f {
                    ValueFunction::Table(t) => t.len() as u64 != issue.size(),
                    _ => matches!(issue.kind, IssueKind::Discrete { .. }),
                };
                if bad_table {
                    return Err(ModelError::new(
                        at(&["scores".into(), issue.name.clone().into()]),
                        "expected one score per option of a discrete issue",
                    ));
                }
                let corners: Vec<(String, f64)> = match f {
                    ValueFunction::Table(t) => t
                        .iter()
                        .enumerate()
                        .map(|(k, &s)| (issue.value(k as u32).to_string(), s))
                        .collect(),
                    ValueFunction::Linear { at_min, at_max } => {
                        vec![("at_min".into(), *at_min), ("at_max".into(), *at_max)]
                    }
                    ValueFunction::Triangular {
                        at_min,
                        at_peak,
                        at_max,
                        ..
                    } => vec![
                        ("at_min".into(), *at_min),
                        ("at_peak".into(), *at_peak),
                        ("at_max".into(), *at_max),
                    ],
                };
                for (key, s) in corners {
                    if !(0.0..=1.0).contains(&s) {
                        return Err(ModelError::new(
                            at(&["scores".into(), issue.name.clone().into(), key.into()]),
                            format!("expected a score between 0 and 1, found {s}"),
                        ));
                    }
                }
                if let ValueFunction::Triangular { peak, .. } = f {
                    let (lo, hi) = match issue.kind {
                        IssueKind::Integer { min, max } => (min as f64, max as f64),
                        IssueKind::Real { min, max, .. } => (min, max),
                        IssueKind::Discrete { .. } => (f64::NAN, f64::NAN),
                    };
                    if !(*peak >= lo && *peak <= hi) {
                        return Err(ModelError::new(
                            at(&["scores".into(), issue.name.clone().into(), "peak".into()]),
                            format!("expected a peak between {lo} and {hi}, found {peak}"),
                        ));
                    }
                }
            }
            for (t, term) in prefs.terms.iter().enumerate() {
                if !term.value.is_finite() {
                    return Err(ModelError::new(
                        at(&["terms".into(), t.into(), "value".into()]),
                        "expected a finite value",
                    ));
                }
            }
        }
        if let Some(d) = &draft {
            if space.index(d).is_none() {
                return Err(ModelError::new(
                    ["draft".into()],
                    "the draft does not give a valid value for every issue",
                ));
            }
        }
        Ok(Self {
            name,
            description,
            space,
            parties,
            draft,
        })
    }

    /// Indices (into `parties`) of the negotiating parties, in order. Analysis is about them.
    pub fn negotiators(&self) -> Vec<usize> {
        self.parties
            .iter()
            .enumerate()
            .filter(|(_, p)| p.role == Role::Party)
            .map(|(i, _)| i)
            .collect()
    }

    /// The party called `name`.
    pub fn party(&self, name: &str) -> Option<&Party> {
        self.parties.iter().find(|p| p.name == name)
    }
}
