//! The `[phasing]` table of a scenario document (a phased agreement and each party's view of
//! phases) and its translation into the model's [`Phasing`].

use super::schema::{err, rule_at, Path, Scalar};
use accord_model::{
    ModelError, OpenValue, Outcome, PathSegment, Phase, PhaseTerms, PhasedAgreement, PhasedRedLine,
    PhasedView, Phasing, Scenario, Scope, Trigger,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A phased agreement and each party's view of phases (`[phasing]`, see
/// `docs/scenario-format.md`). Ordinary readers ignore it: without it, or read as a one-shot
/// scenario, the file is exactly what it was.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhasingDoc {
    /// The phases, in order.
    pub phases: Vec<PhaseDoc>,
    /// Party name -> its view of phases; parties not listed: full trust, walk-away for open
    /// phases, their ordinary red lines on every phase.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub parties: BTreeMap<String, PhasedViewDoc>,
}

/// One phase: fixed clauses, or open.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhaseDoc {
    /// Name, unique among phases.
    pub name: String,
    /// Duration in days.
    pub days: u32,
    /// Where the phase comes from (a quotation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Issue -> value. The first phase gives every issue; later phases only what changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clauses: Option<BTreeMap<String, Scalar>>,
    /// "To be negotiated during an earlier phase".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open: Option<OpenDoc>,
}

/// An open phase's agenda and trigger.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpenDoc {
    /// Issues to be negotiated.
    pub agenda: Vec<String>,
    /// When talks start.
    pub trigger: TriggerDoc,
}

/// A trigger: a day of an earlier phase, or the completion of some of its clauses.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TriggerDoc {
    /// The earlier phase's name.
    pub phase: String,
    /// A day of it (1-based).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day: Option<u32>,
    /// Issues whose clauses must be completed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed: Option<Vec<String>>,
}

/// A party's view of phases.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhasedViewDoc {
    /// Probability that each next phase is carried out, in [0, 1].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trust: Option<f64>,
    /// Its expectation for an open phase; absent: its reservation value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open_value: Option<f64>,
    /// Red lines about phases; when given they replace the ordinary ones for phased agreements.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub red_lines: Option<Vec<PhasedRedLineDoc>>,
}

/// A red line with its scope: `final`, `every`, `commits` or a phase's name.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhasedRedLineDoc {
    /// The rule on a package.
    pub rule: String,
    /// Which packages it speaks about.
    pub scope: String,
    /// Where it comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

impl PhasingDoc {
    /// Builds the validated phasing for `scenario`, errors at their path in the document.
    pub fn to_phasing(&self, scenario: &Scenario) -> Result<Phasing, ModelError> {
        let space = &scenario.space;
        let base = |rest: Vec<PathSegment>| {
            let mut p: Path = vec!["phasing".into(), "phases".into()];
            p.extend(rest);
            p
        };
        let phase_index = |name: &str, at: Path| {
            self.phases
                .iter()
                .position(|p| p.name == name)
                .ok_or_else(|| err(&at, format!("no phase is called `{name}`")))
        };
        let issue_index = |name: &str, at: Path| {
            space
                .issue_index(name)
                .ok_or_else(|| err(&at, format!("no issue is called `{name}`")))
        };
        let mut phases = Vec::with_capacity(self.phases.len());
        let mut last: Option<Vec<u32>> = None;
        for (k, doc) in self.phases.iter().enumerate() {
            if self.phases[..k].iter().any(|p| p.name == doc.name) {
                return Err(err(
                    &base(vec![k.into(), "name".into()]),
                    format!("phase `{}` is named twice", doc.name),
                ));
            }
            let terms =
                match (&doc.clauses, &doc.open) {
                    (Some(_), Some(_)) | (None, None) => return Err(err(
                        &base(vec![k.into()]),
                        "a phase has either `clauses` (what it fixes) or `open` (to be negotiated)",
                    )),
                    (Some(map), None) => {
                        let mut values = last
                            .clone()
                            .unwrap_or_else(|| vec![u32::MAX; space.issues().len()]);
                        for (name, v) in map {
                            let at = base(vec![k.into(), "clauses".into(), name.clone().into()]);
                            let i = issue_index(name, at.clone())?;
                            let issue = &space.issues()[i];
                            let kv = match v {
                                Scalar::Float(x) => issue.nearest_grid_index(*x),
                                other => issue.parse_value(&other.as_text()),
                            };
                            values[i] = kv.ok_or_else(|| {
                                err(
                                    &at,
                                    format!("`{}` is not a value of issue `{name}`", v.as_text()),
                                )
                            })?;
                        }
                        if let Some(i) = values.iter().position(|&v| v == u32::MAX) {
                            return Err(err(
                                &base(vec![k.into(), "clauses".into()]),
                                format!(
                                "the first fixed phase gives every issue a value; `{}` has none",
                                space.issues()[i].name
                            ),
                            ));
                        }
                        last = Some(values.clone());
                        PhaseTerms::Fixed(Outcome(values))
                    }
                    (None, Some(open)) => {
                        let mut agenda = Vec::new();
                        for (a, name) in open.agenda.iter().enumerate() {
                            agenda.push(issue_index(
                                name,
                                base(vec![k.into(), "open".into(), "agenda".into(), a.into()]),
                            )?);
                        }
                        let tat = base(vec![k.into(), "open".into(), "trigger".into()]);
                        let phase = phase_index(&open.trigger.phase, {
                            let mut p = tat.clone();
                            p.push("phase".into());
                            p
                        })?;
                        let trigger = match (&open.trigger.day, &open.trigger.completed) {
                        (Some(day), None) => Trigger::Day { phase, day: *day },
                        (None, Some(names)) => {
                            let mut issues = Vec::new();
                            for (c, name) in names.iter().enumerate() {
                                let mut at = tat.clone();
                                at.extend(["completed".into(), c.into()]);
                                issues.push(issue_index(name, at)?);
                            }
                            Trigger::Completion { phase, issues }
                        }
                        _ => return Err(err(
                            &tat,
                            "a trigger has either `day` or `completed` (the clauses to complete)",
                        )),
                    };
                        PhaseTerms::Open { agenda, trigger }
                    }
                };
            phases.push(Phase {
                name: doc.name.clone(),
                duration_days: doc.days,
                terms,
            });
        }
        let agreement = PhasedAgreement::new(phases, space).map_err(|e| {
            let mut p: Path = vec!["phasing".into(), "phases".into()];
            p.extend(e.path);
            ModelError { path: p, ..e }
        })?;
        let mut views = vec![PhasedView::default(); scenario.parties.len()];
        for (name, doc) in &self.parties {
            let at = |rest: &[PathSegment]| {
                let mut p: Path = vec!["phasing".into(), "parties".into(), name.clone().into()];
                p.extend_from_slice(rest);
                p
            };
            let Some(p) = scenario.parties.iter().position(|x| &x.name == name) else {
                return Err(err(&at(&[]), format!("no party is called `{name}`")));
            };
            let mut view = PhasedView::default();
            if let Some(t) = doc.trust {
                if !(0.0..=1.0).contains(&t) {
                    return Err(err(
                        &at(&["trust".into()]),
                        "trust is a probability, in [0, 1]",
                    ));
                }
                view.trust = t;
            }
            if let Some(v) = doc.open_value {
                if !v.is_finite() {
                    return Err(err(&at(&["open_value".into()]), "expected a finite number"));
                }
                view.open_value = OpenValue::Expected(v);
            }
            if let Some(lines) = &doc.red_lines {
                let mut out = Vec::new();
                for (r, line) in lines.iter().enumerate() {
                    let scope = match line.scope.as_str() {
                        "final" => Scope::Final,
                        "every" => Scope::Every,
                        "commits" => Scope::Commits,
                        other => Scope::Phase(
                            phase_index(other, at(&["red_lines".into(), r.into(), "scope".into()]))
                                .map_err(|e| ModelError {
                                    message: format!(
                                "{}; a scope is `final`, `every`, `commits` or a phase's name",
                                e.message
                            ),
                                    ..e
                                })?,
                        ),
                    };
                    out.push(PhasedRedLine {
                        rule: rule_at(
                            &line.rule,
                            space,
                            at(&["red_lines".into(), r.into(), "rule".into()]),
                        )?,
                        scope,
                        source: line.source.clone(),
                    });
                }
                view.red_lines = Some(out);
            }
            views[p] = view;
        }
        Ok(Phasing { agreement, views })
    }
}
