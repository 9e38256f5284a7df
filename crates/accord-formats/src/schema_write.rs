//! Writing a scenario back as a document (the inverse of `schema.rs`'s translation), for the
//! TOML/JSON exporters and round trips.

use crate::schema::*;
use accord_model::{IssueKind, OutcomeSpace, Party, Role, Scenario, ValueFunction};
use std::collections::BTreeMap;

impl ScenarioDoc {
    /// Writes a scenario back as a document (used by exporters and round-trip tests).
    pub fn from_scenario(s: &Scenario) -> ScenarioDoc {
        let issues = s
            .space
            .issues()
            .iter()
            .map(|issue| {
                let mut d = IssueDoc {
                    name: issue.name.clone(),
                    description: issue.description.clone(),
                    kind: None,
                    options: None,
                    min: None,
                    max: None,
                    resolution: None,
                };
                match &issue.kind {
                    IssueKind::Discrete { options } => {
                        d.options = Some(
                            options
                                .iter()
                                .map(|o| match &o.wording {
                                    None => OptionDoc::Name(o.name.clone()),
                                    Some(w) => OptionDoc::Full(OptionFull {
                                        name: o.name.clone(),
                                        wording: Some(w.clone()),
                                    }),
                                })
                                .collect(),
                        )
                    }
                    IssueKind::Integer { min, max } => {
                        d.kind = Some(IssueType::Integer);
                        d.min = Some(Number::Int(*min));
                        d.max = Some(Number::Int(*max));
                    }
                    IssueKind::Real {
                        min,
                        max,
                        resolution,
                    } => {
                        d.kind = Some(IssueType::Real);
                        d.min = Some(Number::Float(*min));
                        d.max = Some(Number::Float(*max));
                        d.resolution = Some(*resolution);
                    }
                }
                d
            })
            .collect();
        let parties = s
            .parties
            .iter()
            .map(|p| party_to_doc(p, &s.space))
            .collect();
        let draft = s.draft.as_ref().map(|d| {
            s.space
                .describe(d)
                .into_iter()
                .map(|(k, v)| (k, value_to_scalar(&v)))
                .collect()
        });
        ScenarioDoc {
            name: s.name.clone(),
            description: s.description.clone(),
            issues,
            parties,
            draft,
            phasing: None,
        }
    }
}

fn value_to_scalar(v: &accord_model::Value) -> Scalar {
    match v {
        accord_model::Value::Option(s) => Scalar::Text(s.clone()),
        accord_model::Value::Integer(i) => Scalar::Int(*i),
        accord_model::Value::Real(x) => Scalar::Float(*x),
    }
}

fn party_to_doc(p: &Party, space: &OutcomeSpace) -> PartyDoc {
    let (weights, scores, terms) = match &p.preferences {
        None => (None, None, Vec::new()),
        Some(prefs) => {
            let mut w = BTreeMap::new();
            let mut sc = BTreeMap::new();
            for (i, issue) in space.issues().iter().enumerate() {
                w.insert(issue.name.clone(), prefs.weights[i]);
                let table: BTreeMap<String, Scalar> = match &prefs.functions[i] {
                    ValueFunction::Table(t) => t
                        .iter()
                        .enumerate()
                        .map(|(k, &s)| (issue.value(k as u32).to_string(), Scalar::Float(s)))
                        .collect(),
                    ValueFunction::Linear { at_min, at_max } => BTreeMap::from([
                        ("type".into(), Scalar::Text("linear".into())),
                        ("at_min".into(), Scalar::Float(*at_min)),
                        ("at_max".into(), Scalar::Float(*at_max)),
                    ]),
                    ValueFunction::Triangular {
                        peak,
                        at_min,
                        at_peak,
                        at_max,
                    } => BTreeMap::from([
                        ("type".into(), Scalar::Text("triangular".into())),
                        ("peak".into(), Scalar::Float(*peak)),
                        ("at_min".into(), Scalar::Float(*at_min)),
                        ("at_peak".into(), Scalar::Float(*at_peak)),
                        ("at_max".into(), Scalar::Float(*at_max)),
                    ]),
                };
                sc.insert(issue.name.clone(), table);
            }
            let terms = prefs
                .terms
                .iter()
                .map(|t| TermDoc {
                    when: t.rule.text().to_string(),
                    value: t.value,
                })
                .collect();
            (Some(w), Some(sc), terms)
        }
    };
    PartyDoc {
        name: p.name.clone(),
        role: Some(match p.role {
            Role::Party => RoleDoc::Party,
            Role::Mediator => RoleDoc::Mediator,
            Role::Observer => RoleDoc::Observer,
        }),
        description: p.description.clone(),
        reservation: p.reservation,
        discount: p.discount,
        red_lines: p
            .red_lines
            .iter()
            .map(|r| match &r.source {
                None => RedLineDoc::Rule(r.rule.text().to_string()),
                Some(s) => RedLineDoc::Full(RedLineFull {
                    rule: r.rule.text().to_string(),
                    source: Some(s.clone()),
                }),
            })
            .collect(),
        weights,
        scores,
        terms,
    }
}
