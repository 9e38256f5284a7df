//! The negotiation as the server keeps it, bridged to the engine: a scenario split into its
//! public part (issues, seats) and each seat's confidential preferences, merged back only to
//! feed the engine; drafts as clause lists; the mediator's aggregate analysis; agents' votes.
//!
//! **Invariant:** nothing built here for one viewer carries another seat's preferences, red
//! lines, reservation value or utilities, unless that seat shares them with mediators and the
//! viewer is one.

use crate::domain::{Role, Verdict};
use crate::limits::EngineError;
use crate::viewer::AnalysisUse;
use accord_analysis::{analyze, Options, Report};
use accord_formats::{draft_from_doc, PartyDoc, RoleDoc, Scalar, ScenarioDoc};
use accord_model::{Outcome, Scenario};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::BTreeMap;

mod analysis;
pub use analysis::*;

/// A seat's confidential preferences: a scenario party entry without its name and role.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Private {
    /// Utility of no agreement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reservation: Option<f64>,
    /// Discount factor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount: Option<f64>,
    /// Red lines (rules, or `{rule, source}`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<serde_json::Value>)]
    pub red_lines: Vec<accord_formats::RedLineDoc>,
    /// Issue -> weight.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weights: Option<BTreeMap<String, f64>>,
    /// Issue -> option -> score.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub scores: Option<BTreeMap<String, BTreeMap<String, Scalar>>>,
    /// Nonlinear terms.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<Object>)]
    pub terms: Vec<accord_formats::TermDoc>,
    /// Its view of phased texts (issue 15): `{trust, open_value, red_lines}` as in a
    /// scenario's `[phasing.parties.<name>]`. Confidential like the rest: how far a party
    /// trusts the next phase to be carried out is its own business.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub phasing: Option<accord_formats::PhasedViewDoc>,
}

impl Private {
    fn of(p: &PartyDoc) -> Option<Private> {
        p.weights.as_ref()?;
        Some(Private {
            reservation: p.reservation,
            discount: p.discount,
            red_lines: p.red_lines.clone(),
            weights: p.weights.clone(),
            scores: p.scores.clone(),
            terms: p.terms.clone(),
            phasing: None,
        })
    }

    /// The same preferences with weights that sum to 1, and the sum they had when it was not 1
    /// (so every utility a person sees runs from 0 to 1; nonlinear terms are on that scale
    /// already). All-zero weights stay as they are (only terms count then).
    pub fn normalised(&self) -> (Private, Option<f64>) {
        let mut out = self.clone();
        let Some(weights) = out.weights.as_mut() else {
            return (out, None);
        };
        let total: f64 = weights.values().sum();
        if !(total.is_finite() && total > 0.0) || (total - 1.0).abs() <= 1e-9 {
            return (out, None);
        }
        for w in weights.values_mut() {
            *w /= total;
        }
        (out, Some(total))
    }

    /// Range checks a person can act on, in words, before the engine's own checks.
    pub fn check_ranges(&self) -> Result<(), String> {
        if let Some(r) = self.reservation {
            if !(r.is_finite() && (0.0..=1.0).contains(&r)) {
                return Err(format!(
                    "reservation: your walk-away point is a utility from 0 to 1 (0 = your worst text, 1 = your best); {r} is outside"
                ));
            }
        }
        if let Some(scores) = &self.scores {
            // Scores typed on another scale (out of 10, out of 100): say so, and by how much to
            // divide, rather than only "between 0 and 1".
            let above: Vec<(&String, &String, f64)> = scores
                .iter()
                .flat_map(|(issue, table)| {
                    table
                        .iter()
                        .filter(|(k, _)| !["type", "peak"].contains(&k.as_str()))
                        .filter_map(move |(k, v)| match v {
                            Scalar::Int(i) => Some((issue, k, *i as f64)),
                            Scalar::Float(x) => Some((issue, k, *x)),
                            Scalar::Text(_) => None,
                        })
                })
                .filter(|(_, _, x)| *x > 1.0)
                .collect();
            if let Some((issue, option, x)) = above.first() {
                let top = above.iter().map(|a| a.2).fold(0.0, f64::max);
                let scale = if top <= 10.0 {
                    10.0
                } else if top <= 100.0 {
                    100.0
                } else {
                    top
                };
                return Err(format!(
                    "scores.{issue}.{option}: a score runs from 0 (worst) to 1 (best), and this one is {x}; if you scored out of {}, divide every score by {}",
                    round(scale),
                    round(scale)
                ));
            }
        }
        if let Some(weights) = &self.weights {
            if let Some((issue, w)) = weights.iter().find(|(_, w)| !(w.is_finite() && **w >= 0.0)) {
                return Err(format!("weights.{issue}: a weight is 0 or more, found {w}"));
            }
            if !self.terms.is_empty() || weights.is_empty() {
                // Purely nonlinear preferences may weigh nothing.
            } else if weights.values().sum::<f64>() <= 0.0 {
                return Err("weights: at least one issue must matter (a weight above 0)".into());
            }
        }
        if let Some(view) = &self.phasing {
            if let Some(t) = view
                .trust
                .filter(|t| !(t.is_finite() && (0.0..=1.0).contains(t)))
            {
                return Err(format!(
                    "phasing.trust: the probability that each next phase is carried out runs from 0 to 1; {t} is outside"
                ));
            }
            if let Some(v) = view
                .open_value
                .filter(|v| !(v.is_finite() && (0.0..=1.0).contains(v)))
            {
                return Err(format!(
                    "phasing.open_value: what an open phase is worth to you is a utility from 0 to 1; {v} is outside"
                ));
            }
        }
        // Weights are saved as shares of 1, so utilities run from 0 to 1: a bonus or penalty
        // beyond the whole scale is a slip (a value typed as a percentage), not a preference.
        if let Some((k, t)) = self
            .terms
            .iter()
            .enumerate()
            .find(|(_, t)| !(t.value.is_finite() && (-1.0..=1.0).contains(&t.value)))
        {
            return Err(format!(
                "terms: bonus or penalty {} is {}; an amount runs from -1 (a penalty of the whole scale from your worst text to your best) to 1 (a bonus of the whole scale)",
                k + 1,
                t.value
            ));
        }
        Ok(())
    }

    fn fill(&self, p: &mut PartyDoc) {
        p.reservation = self.reservation;
        p.discount = self.discount;
        p.red_lines = self.red_lines.clone();
        p.weights = self.weights.clone();
        p.scores = self.scores.clone();
        p.terms = self.terms.clone();
    }
}

/// A seat's role from the scenario document.
pub fn role_of(r: Option<RoleDoc>) -> Role {
    match r {
        None | Some(RoleDoc::Party) => Role::Party,
        Some(RoleDoc::Mediator) => Role::Mediator,
        Some(RoleDoc::Observer) => Role::Observer,
    }
}

/// A seat as a scenario gives it: name, role, preferences (JSON) if any.
pub type SeatSpec = (String, Role, Option<String>);

/// Splits a scenario into its public document and its seats (preferences with weights
/// normalised to sum 1), and says for which seats the weights were rescaled.
pub fn split(doc: &ScenarioDoc) -> (ScenarioDoc, Vec<SeatSpec>, Vec<String>) {
    let mut public = doc.clone();
    let mut seats = Vec::new();
    let mut warnings = Vec::new();
    // Each party's view of phases (its trust) is confidential: it leaves the public document
    // for the party's own preferences (the phases themselves stay public).
    let mut views = public
        .phasing
        .as_mut()
        .map(|ph| std::mem::take(&mut ph.parties))
        .unwrap_or_default();
    for p in &mut public.parties {
        let view = views.remove(&p.name);
        let private = Private::of(p).map(|mut x| {
            x.phasing = view;
            let (normalised, total) = x.normalised();
            if let Some(total) = total {
                warnings.push(format!(
                    "the weights of `{}` summed to {}; the workbench divided them by {} so that every utility runs from 0 to 1",
                    p.name,
                    round(total),
                    round(total)
                ));
            }
            serde_json::to_string(&normalised).unwrap_or_default()
        });
        seats.push((p.name.clone(), role_of(p.role), private));
        Private::default().fill(p);
    }
    (public, seats, warnings)
}

/// A number as people read it: at most 4 decimals, no trailing zeros.
fn round(x: f64) -> String {
    let text = format!("{x:.4}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The scenario the engine sees: the public document with every seat's preferences put back.
/// `None` for a negotiating seat without preferences yet.
pub fn merge(public: &ScenarioDoc, private: &BTreeMap<String, Private>) -> ScenarioDoc {
    let mut doc = public.clone();
    for p in &mut doc.parties {
        if let Some(x) = private.get(&p.name) {
            x.fill(p);
        }
    }
    doc
}

/// A clause of a draft: an issue settled to a value, with its wording.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Clause {
    /// The issue.
    pub issue: String,
    /// Its value (an option's name, or a number).
    #[schema(value_type = serde_json::Value)]
    pub value: Scalar,
    /// The clause's text; by default the option's wording from the scenario.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wording: Option<String>,
}

/// Checks clauses against the issues (every issue once, valid values) and returns them in issue
/// order with values written canonically and default wording filled in, and the outcome.
pub fn normalise(
    public: &ScenarioDoc,
    clauses: &[Clause],
) -> Result<(Vec<Clause>, Outcome), String> {
    let space = issues_only(public)?.space;
    let mut map = BTreeMap::new();
    for c in clauses {
        if map.insert(c.issue.clone(), c.value.clone()).is_some() {
            return Err(format!("issue `{}` appears twice", c.issue));
        }
    }
    let outcome = draft_from_doc(&map, &space).map_err(|e| e.to_string())?;
    let out = space
        .issues()
        .iter()
        .zip(&outcome.0)
        .map(|(issue, &k)| {
            let given = clauses.iter().find(|c| c.issue == issue.name);
            let default_wording = match &issue.kind {
                accord_model::IssueKind::Discrete { options } => {
                    options.get(k as usize).and_then(|o| o.wording.clone())
                }
                _ => None,
            };
            Clause {
                issue: issue.name.clone(),
                value: scalar(&issue.value(k)),
                wording: given.and_then(|c| c.wording.clone()).or(default_wording),
            }
        })
        .collect();
    Ok((out, outcome))
}

pub(crate) fn scalar(v: &accord_model::Value) -> Scalar {
    match v {
        accord_model::Value::Option(s) => Scalar::Text(s.clone()),
        accord_model::Value::Integer(i) => Scalar::Int(*i),
        accord_model::Value::Real(x) => Scalar::Float(*x),
    }
}

/// The public scenario with placeholder preferences, for its outcome space and checks.
pub fn issues_only(public: &ScenarioDoc) -> Result<Scenario, String> {
    let mut doc = public.clone();
    doc.draft = None;
    for p in &mut doc.parties {
        p.role = Some(RoleDoc::Observer);
    }
    doc.to_scenario().map_err(|e| e.to_string())
}

/// Clause-level differences between two drafts: what changed and how.
pub fn diff(before: &[Clause], after: &[Clause]) -> Vec<Value> {
    after
        .iter()
        .filter_map(|a| {
            let b = before.iter().find(|b| b.issue == a.issue)?;
            let value = b.value != a.value;
            let wording = b.wording != a.wording;
            (value || wording).then(|| {
                let change = match (value, wording) {
                    (true, true) => "value_and_wording",
                    (true, false) => "value",
                    _ => "wording",
                };
                json!({
                    "issue": a.issue,
                    "change": change,
                    "from": {"value": b.value, "wording": b.wording},
                    "to": {"value": a.value, "wording": a.wording},
                })
            })
        })
        .collect()
}

/// A clause whose wording was written for another value than the one it now carries.
#[derive(Debug, Clone, PartialEq)]
pub struct WordingMismatch {
    /// The issue.
    pub issue: String,
    /// What is wrong, in words.
    pub message: String,
}

/// Clauses of a new draft whose wording belongs to another value: the wording of another
/// option of the scenario, or the previous draft's own wording kept while the value changed.
pub fn wording_mismatches(
    public: &ScenarioDoc,
    previous: &[Clause],
    clauses: &[Clause],
) -> Vec<WordingMismatch> {
    let mut out = Vec::new();
    for c in clauses {
        let Some(wording) = c.wording.as_deref() else {
            continue;
        };
        let issue = public.issues.iter().find(|i| i.name == c.issue);
        let options: Vec<(String, Option<String>)> = issue
            .and_then(|i| i.options.as_ref())
            .map(|opts| {
                opts.iter()
                    .map(|o| match o {
                        accord_formats::OptionDoc::Name(n) => (n.clone(), None),
                        accord_formats::OptionDoc::Full(f) => (f.name.clone(), f.wording.clone()),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let own = match &c.value {
            Scalar::Text(v) => options
                .iter()
                .find(|(n, _)| n == v)
                .and_then(|(_, w)| w.clone()),
            _ => None,
        };
        if own.as_deref() == Some(wording) {
            continue;
        }
        let label = |v: &Scalar| match v {
            Scalar::Text(t) => t.replace('_', " "),
            Scalar::Int(i) => i.to_string(),
            Scalar::Float(x) => x.to_string(),
        };
        if let Some((other, _)) = options
            .iter()
            .find(|(n, w)| w.as_deref() == Some(wording) && Scalar::Text(n.clone()) != c.value)
        {
            out.push(WordingMismatch {
                issue: c.issue.clone(),
                message: format!(
                    "clause `{}` says \"{}\", the wording of `{}`, but its value is `{}`",
                    c.issue,
                    wording,
                    other.replace('_', " "),
                    label(&c.value)
                ),
            });
            continue;
        }
        if let Some(before) = previous.iter().find(|b| b.issue == c.issue) {
            if before.value != c.value && before.wording.as_deref() == Some(wording) {
                out.push(WordingMismatch {
                    issue: c.issue.clone(),
                    message: format!(
                        "clause `{}` keeps the wording written for `{}` (\"{}\") but its value is now `{}`",
                        c.issue,
                        label(&before.value),
                        wording,
                        label(&c.value)
                    ),
                });
            }
        }
    }
    out
}

/// A seat's preferences as the engine would read them: checked against the public scenario.
/// Errors are in words, naming the red line, weight or score concerned (never a path into a
/// scenario document: see `plain`).
pub fn check_private(public: &ScenarioDoc, seat: &str, p: &Private) -> Result<(), String> {
    let issues = issues_only(public)?;
    crate::plain::check_rules_of(p, issues.space.issues())?;
    alone_doc(public, seat, p)
        .to_scenario()
        .map(drop)
        .map_err(|e| crate::plain::private_error(&e, p, issues.space.issues()))
}

/// The scenario with one seat's preferences as its only negotiating party (the others watch):
/// what the engine may compute for that seat without anyone else's preferences.
pub(crate) fn alone(public: &ScenarioDoc, seat: &str, p: &Private) -> Result<Scenario, String> {
    alone_doc(public, seat, p)
        .to_scenario()
        .map_err(|e| e.to_string())
}

fn alone_doc(public: &ScenarioDoc, seat: &str, p: &Private) -> ScenarioDoc {
    let mut doc = public.clone();
    doc.draft = None;
    for party in &mut doc.parties {
        if party.name == seat {
            p.fill(party);
            party.role = Some(RoleDoc::Party);
        } else {
            party.role = Some(RoleDoc::Observer);
        }
    }
    doc
}

/// An agent's answer: its verdict and, with `amend`, the (issue, value index) it asks for.
pub type AgentVote = (Verdict, Option<(usize, u32)>);

/// An agent's party and its utility index over the scenario's texts, bounded by
/// `MAX_AGENT_OUTCOMES` (in words when the space is too large or the seat has no preferences).
pub(crate) fn agent_index<'a>(
    scenario: &'a Scenario,
    seat: &str,
) -> Result<(&'a accord_model::Party, accord_strategy::UtilityIndex), String> {
    let p = scenario
        .parties
        .iter()
        .find(|p| p.name == seat)
        .ok_or_else(|| format!("no seat `{seat}`"))?;
    let prefs = p
        .preferences
        .as_ref()
        .ok_or_else(|| format!("the agent of `{seat}` has no preferences"))?;
    if scenario
        .space
        .size_u128()
        .is_none_or(|n| n > crate::limits::MAX_AGENT_OUTCOMES)
    {
        return Err(format!(
            "{} possible texts are too many for an agent in the workbench (at most {})",
            scenario.space.size(),
            crate::limits::MAX_AGENT_OUTCOMES
        ));
    }
    let index = accord_strategy::UtilityIndex::build(&scenario.space, prefs, &p.red_lines)
        .map_err(|e| e.to_string())?;
    Ok((p, index))
}

/// An agent's answer to a draft.
pub fn agent_vote(
    scenario: &Scenario,
    seat: &str,
    spec: accord_strategy::VoterSpec,
    draft: &Outcome,
) -> Result<AgentVote, String> {
    let (p, index) = agent_index(scenario, seat)?;
    let mut v = spec.build(std::sync::Arc::new(index), p.reservation.unwrap_or(0.0));
    let id = scenario
        .space
        .index(draft)
        .ok_or("the draft is not in the outcome space")?;
    let view = accord_strategy::VoteView {
        draft: id,
        accepted: None,
        previous: None,
        mode: accord_protocol::VoteMode::AcceptReject,
        t: 0.0,
    };
    // Seeded by the draft (its index's low 64 bits: the whole index in the spaces agents take).
    let (ballot, amendment) = v.vote(&view, &mut accord_model::Rng::new(id.as_limbs()[0]));
    Ok(match ballot {
        accord_protocol::Ballot::Accept => (Verdict::Accept, None),
        _ if amendment.is_some() => (Verdict::Amend, amendment),
        _ => (Verdict::Reject, None),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ceasefire() -> (ScenarioDoc, Vec<SeatSpec>) {
        let text = crate::SCENARIOS
            .iter()
            .find(|(n, _)| *n == "ceasefire")
            .map(|(_, t)| *t)
            .unwrap();
        let doc: ScenarioDoc = toml::from_str(text).unwrap();
        let (public, seats, _) = split(&doc);
        (public, seats)
    }

    fn private_of(seats: &[SeatSpec], seat: &str) -> Private {
        let doc = seats.iter().find(|s| s.0 == seat).unwrap().2.as_deref();
        serde_json::from_str(doc.unwrap()).unwrap()
    }

    /// Israel's weights and scores in scenarios/ceasefire.toml, by hand: hostages all (0.5 x 1),
    /// pause (0.15 x 1), partial withdrawal (0.10 x 0.5), "possibility" (0.05 x 1), Rafah not
    /// addressed (0.20 x 1), humanitarian (0 x 0.5) = 0.95; no withdrawal (score 1) would raise
    /// it to 1.0.
    #[test]
    fn a_party_sees_what_the_draft_means_to_it() {
        let (public, seats) = ceasefire();
        let clauses: Vec<Clause> = [
            ("hostages", "all"),
            ("ceasefire", "pause"),
            ("withdrawal", "partial"),
            ("withdrawal_language", "possibility"),
            ("rafah", "not_addressed"),
            ("humanitarian", "expanded"),
        ]
        .iter()
        .map(|(i, v)| Clause {
            issue: i.to_string(),
            value: Scalar::Text(v.to_string()),
            wording: None,
        })
        .collect();
        let (_, draft) = normalise(&public, &clauses).unwrap();
        let a = assessment(
            &public,
            "israel",
            &private_of(&seats, "israel"),
            Some(&draft),
        )
        .unwrap();
        let u = a["draft"]["utility"].as_f64().unwrap();
        assert!((u - 0.95).abs() < 1e-9, "{a}");
        assert_eq!(a["draft"]["above_reservation"], json!(true));
        assert_eq!(a["red_lines"][0]["crossed"], json!(false));
        let change = |issue: &str| {
            a["draft"]["clauses"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["issue"] == issue)
                .unwrap()["best_change"]
                .clone()
        };
        assert_eq!(change("withdrawal")["value"], json!("none"));
        assert!((change("withdrawal")["utility"].as_f64().unwrap() - 1.0).abs() < 1e-9);
        // A permanent end would lower Israel's utility and crosses its red line: no change.
        assert_eq!(change("ceasefire"), Value::Null);
        // Hamas, same draft: all hostages without a permanent end and full withdrawal crosses
        // its red line; by hand 0.35 x 0.2 + 0.30 x 0.4 + 0 + 0 + 0 = 0.19, below its 0.30.
        let b = assessment(&public, "hamas", &private_of(&seats, "hamas"), Some(&draft)).unwrap();
        assert!(
            (b["draft"]["utility"].as_f64().unwrap() - 0.19).abs() < 1e-9,
            "{b}"
        );
        assert_eq!(b["draft"]["within_red_lines"], json!(false));
        assert_eq!(b["draft"]["above_reservation"], json!(false));
        // Nothing of the other party's preferences is in either.
        assert!(!a.to_string().contains("hamas") && !b.to_string().contains("Netanyahu"));
    }
}
