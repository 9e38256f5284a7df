//! The scenario document as written in TOML or JSON (one schema for both), and its translation
//! into validated model types. `docs/scenario-format.md` documents it for people.

use super::schema_phasing::PhasingDoc;
use accord_model::{
    Issue, IssueKind, IssueOption, ModelError, Outcome, OutcomeSpace, Party, PathSegment,
    Preferences, RedLine, Role, Rule, Scenario, Term, ValueFunction,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A whole scenario file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioDoc {
    /// Short name.
    pub name: String,
    /// What the scenario models and its sources.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The issues, in order.
    pub issues: Vec<IssueDoc>,
    /// The seats.
    pub parties: Vec<PartyDoc>,
    /// The text on the table: issue name -> value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub draft: Option<BTreeMap<String, Scalar>>,
    /// A phased agreement and the parties' views of phases (ignored by one-shot readers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phasing: Option<PhasingDoc>,
}

/// One issue.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IssueDoc {
    /// Unique name.
    pub name: String,
    /// What it is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `discrete` (default), `integer` or `real`.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<IssueType>,
    /// Options of a discrete issue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<OptionDoc>>,
    /// Lower bound of a numeric issue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<Number>,
    /// Upper bound of a numeric issue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<Number>,
    /// Grid step of a real issue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<f64>,
}

/// The kinds of issue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum IssueType {
    /// Named options.
    Discrete,
    /// An integer range.
    Integer,
    /// A real range with a resolution.
    Real,
}

/// An option: a bare name, or a name with the clause wording it stands for.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(untagged)]
pub enum OptionDoc {
    /// Just the name.
    Name(String),
    /// Name and wording.
    Full(OptionFull),
}

/// An option with its wording.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptionFull {
    /// Option name.
    pub name: String,
    /// Clause text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wording: Option<String>,
}

/// A number that may be written as an integer or a float.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Number {
    /// Written as an integer.
    Int(i64),
    /// Written as a float.
    Float(f64),
}

impl Number {
    fn as_f64(self) -> f64 {
        match self {
            Number::Int(i) => i as f64,
            Number::Float(f) => f,
        }
    }
}

/// A value in a draft or a scoring table: a name or a number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Scalar {
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// A name.
    Text(String),
}

impl Scalar {
    /// The value as written (for parsing and for error messages).
    pub(crate) fn as_text(&self) -> String {
        match self {
            Scalar::Int(i) => i.to_string(),
            Scalar::Float(f) => f.to_string(),
            Scalar::Text(s) => s.clone(),
        }
    }

    fn as_f64(&self) -> Option<f64> {
        match self {
            Scalar::Int(i) => Some(*i as f64),
            Scalar::Float(f) => Some(*f),
            Scalar::Text(_) => None,
        }
    }
}

/// A seat.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartyDoc {
    /// Unique name.
    pub name: String,
    /// `party` (default), `mediator` or `observer`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<RoleDoc>,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Utility of no agreement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reservation: Option<f64>,
    /// Discount factor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount: Option<f64>,
    /// Red lines.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub red_lines: Vec<RedLineDoc>,
    /// Issue name -> weight.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weights: Option<BTreeMap<String, f64>>,
    /// Issue name -> scoring.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scores: Option<BTreeMap<String, BTreeMap<String, Scalar>>>,
    /// Nonlinear terms.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub terms: Vec<TermDoc>,
}

/// Roles as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RoleDoc {
    /// Negotiating party.
    Party,
    /// Mediator.
    Mediator,
    /// Observer.
    Observer,
}

/// A red line: a rule, or a rule with its source.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(untagged)]
pub enum RedLineDoc {
    /// Just the rule.
    Rule(String),
    /// Rule and source.
    Full(RedLineFull),
}

/// A red line with its source.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedLineFull {
    /// The rule.
    pub rule: String,
    /// Where it comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// A nonlinear term.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TermDoc {
    /// When it applies.
    pub when: String,
    /// What it adds.
    pub value: f64,
}

pub(crate) type Path = Vec<PathSegment>;

fn path(parts: &[PathSegment]) -> Path {
    parts.to_vec()
}

pub(crate) fn err(p: &[PathSegment], msg: impl Into<String>) -> ModelError {
    ModelError::new(path(p), msg)
}

impl ScenarioDoc {
    /// Builds the validated scenario, or the first error with its path in this document.
    pub fn to_scenario(&self) -> Result<Scenario, ModelError> {
        if self.issues.is_empty() {
            return Err(err(&["issues".into()], "expected at least one issue"));
        }
        let mut issues = Vec::with_capacity(self.issues.len());
        for (i, doc) in self.issues.iter().enumerate() {
            issues.push(issue_from_doc(doc, i)?);
        }
        // Names are checked before the space so that a duplicate is reported as such.
        for (i, a) in issues.iter().enumerate() {
            if issues[..i].iter().any(|b| b.name == a.name) {
                return Err(err(
                    &["issues".into(), i.into(), "name".into()],
                    format!("issue `{}` is defined twice", a.name),
                ));
            }
        }
        let space = OutcomeSpace::new(issues)?;
        if self.parties.is_empty() {
            return Err(err(&["parties".into()], "expected at least one party"));
        }
        let mut parties = Vec::with_capacity(self.parties.len());
        for (p, doc) in self.parties.iter().enumerate() {
            parties.push(party_from_doc(doc, p, &space)?);
        }
        let draft = match &self.draft {
            None => None,
            Some(map) => Some(draft_from_doc(map, &space)?),
        };
        Scenario::new(
            self.name.clone(),
            self.description.clone(),
            space,
            parties,
            draft,
        )
    }
}

fn issue_from_doc(doc: &IssueDoc, i: usize) -> Result<Issue, ModelError> {
    let at = |k: &str| -> Path { vec!["issues".into(), i.into(), k.into()] };
    let kind = doc.kind.unwrap_or(IssueType::Discrete);
    let forbid = |present: bool, key: &str, why: &str| -> Result<(), ModelError> {
        if present {
            Err(ModelError::new(at(key), why.to_string()))
        } else {
            Ok(())
        }
    };
    let kind = match kind {
        IssueType::Discrete => {
            forbid(
                doc.min.is_some(),
                "min",
                "a discrete issue has `options`, not `min`",
            )?;
            forbid(
                doc.max.is_some(),
                "max",
                "a discrete issue has `options`, not `max`",
            )?;
            forbid(
                doc.resolution.is_some(),
                "resolution",
                "only a real issue has a `resolution`",
            )?;
            let Some(options) = &doc.options else {
                return Err(ModelError::new(
                    vec!["issues".into(), i.into()],
                    format!(
                        "issue `{}` needs `options` (or `type = \"integer\"` / `\"real\"` with `min` and `max`)",
                        doc.name
                    ),
                ));
            };
            if options.is_empty() {
                return Err(ModelError::new(
                    at("options"),
                    "expected at least one option",
                ));
            }
            let names: Vec<&str> = options
                .iter()
                .map(|o| match o {
                    OptionDoc::Name(n) => n.as_str(),
                    OptionDoc::Full(f) => f.name.as_str(),
                })
                .collect();
            for (k, name) in names.iter().enumerate() {
                if names[..k].contains(name) {
                    return Err(ModelError::new(
                        vec!["issues".into(), i.into(), "options".into(), k.into()],
                        format!("option `{name}` of issue `{}` is named twice", doc.name),
                    ));
                }
            }
            IssueKind::Discrete {
                options: options
                    .iter()
                    .map(|o| match o {
                        OptionDoc::Name(n) => IssueOption {
                            name: n.clone(),
                            wording: None,
                        },
                        OptionDoc::Full(f) => IssueOption {
                            name: f.name.clone(),
                            wording: f.wording.clone(),
                        },
                    })
                    .collect(),
            }
        }
        IssueType::Integer | IssueType::Real => {
            forbid(
                doc.options.is_some(),
                "options",
                "a numeric issue has `min` and `max`, not `options`",
            )?;
            let min = doc.min.ok_or_else(|| {
                ModelError::new(vec!["issues".into(), i.into()], "expected `min`")
            })?;
            let max = doc.max.ok_or_else(|| {
                ModelError::new(vec!["issues".into(), i.into()], "expected `max`")
            })?;
            if kind == IssueType::Integer {
                forbid(
                    doc.resolution.is_some(),
                    "resolution",
                    "an integer issue takes every integer; `resolution` is for real issues",
                )?;
                let (Number::Int(min), Number::Int(max)) = (min, max) else {
                    return Err(ModelError::new(
                        at(if matches!(min, Number::Int(_)) {
                            "max"
                        } else {
                            "min"
                        }),
                        "expected an integer bound",
                    ));
                };
                if min > max {
                    return Err(ModelError::new(
                        at("max"),
                        format!("max ({max}) is below min ({min})"),
                    ));
                }
                IssueKind::Integer { min, max }
            } else {
                let resolution = doc.resolution.ok_or_else(|| {
                    ModelError::new(
                        vec!["issues".into(), i.into()],
                        "a real issue needs a `resolution` (the grid step used for analysis)",
                    )
                })?;
                let (min, max) = (min.as_f64(), max.as_f64());
                if !min.is_finite() || !max.is_finite() || max < min {
                    return Err(ModelError::new(
                        at("max"),
                        format!("max ({max}) is below min ({min})"),
                    ));
                }
                if !(resolution > 0.0 && resolution.is_finite()) {
                    return Err(ModelError::new(
                        at("resolution"),
                        format!("expected a resolution > 0, found {resolution}"),
                    ));
                }
                IssueKind::Real {
                    min,
                    max,
                    resolution,
                }
            }
        }
    };
    Ok(Issue {
        name: doc.name.clone(),
        description: doc.description.clone(),
        kind,
    })
}

pub(crate) fn rule_at(text: &str, space: &OutcomeSpace, at: Path) -> Result<Rule, ModelError> {
    Rule::parse(text, space.issues()).map_err(|e| ModelError {
        path: at,
        message: e.message,
        offset_in_value: Some(e.offset),
    })
}

fn party_from_doc(doc: &PartyDoc, p: usize, space: &OutcomeSpace) -> Result<Party, ModelError> {
    let base: Path = vec!["parties".into(), p.into()];
    let at = |rest: &[PathSegment]| -> Path {
        let mut v = base.clone();
        v.extend_from_slice(rest);
        v
    };
    let role = match doc.role.unwrap_or(RoleDoc::Party) {
        RoleDoc::Party => Role::Party,
        RoleDoc::Mediator => Role::Mediator,
        RoleDoc::Observer => Role::Observer,
    };
    let mut red_lines = Vec::new();
    for (r, rl) in doc.red_lines.iter().enumerate() {
        let (text, source, path) = match rl {
            RedLineDoc::Rule(t) => (t, None, at(&["red_lines".into(), r.into()])),
            RedLineDoc::Full(f) => (
                &f.rule,
                f.source.clone(),
                at(&["red_lines".into(), r.into(), "rule".into()]),
            ),
        };
        red_lines.push(RedLine {
            rule: rule_at(text, space, path)?,
            source,
        });
    }
    let preferences = match (&doc.weights, &doc.scores) {
        (None, None) if doc.terms.is_empty() => None,
        (None, _) => {
            return Err(err(
                &at(&[]),
                format!("party `{}` has scores or terms but no `weights`", doc.name),
            ))
        }
        (Some(_), None) => {
            return Err(err(
                &at(&[]),
                format!("party `{}` has `weights` but no `scores`", doc.name),
            ))
        }
        (Some(weights), Some(scores)) => {
            Some(preferences_from_doc(doc, weights, scores, &at(&[]), space)?)
        }
    };
    Ok(Party {
        name: doc.name.clone(),
        role,
        preferences,
        red_lines,
        reservation: doc.reservation,
        discount: doc.discount,
        description: doc.description.clone(),
    })
}

fn preferences_from_doc(
    doc: &PartyDoc,
    weights: &BTreeMap<String, f64>,
    scores: &BTreeMap<String, BTreeMap<String, Scalar>>,
    base: &Path,
    space: &OutcomeSpace,
) -> Result<Preferences, ModelError> {
    let at = |rest: &[PathSegment]| -> Path {
        let mut v = base.clone();
        v.extend_from_slice(rest);
        v
    };
    let issue_names: Vec<&str> = space.issues().iter().map(|i| i.name.as_str()).collect();
    let weight_keys: Vec<&String> = weights.keys().collect();
    let score_keys: Vec<&String> = scores.keys().collect();
    for (key, table) in [("weights", weight_keys), ("scores", score_keys)] {
        for name in table {
            if space.issue_index(name).is_none() {
                return Err(err(
                    &at(&[key.into(), name.clone().into()]),
                    format!(
                        "no issue is called `{name}` (issues: {})",
                        issue_names.join(", ")
                    ),
                ));
            }
        }
    }
    let mut w = Vec::new();
    let mut functions = Vec::new();
    for issue in space.issues() {
        let Some(&weight) = weights.get(&issue.name) else {
            return Err(err(
                &at(&["weights".into()]),
                format!(
                    "missing weight for issue `{}` (give every issue a weight; 0 if it does not matter to `{}`)",
                    issue.name, doc.name
                ),
            ));
        };
        if !(weight.is_finite() && weight >= 0.0) {
            return Err(err(
                &at(&["weights".into(), issue.name.clone().into()]),
                format!("expected a weight >= 0, found {weight}"),
            ));
        }
        w.push(weight);
        let Some(table) = scores.get(&issue.name) else {
            return Err(err(
                &at(&["scores".into()]),
                format!("missing scores for issue `{}`", issue.name),
            ));
        };
        let here = at(&["scores".into(), issue.name.clone().into()]);
        functions.push(value_function(issue, table, &here)?);
    }
    let mut terms = Vec::new();
    for (t, term) in doc.terms.iter().enumerate() {
        terms.push(Term {
            rule: rule_at(
                &term.when,
                space,
                at(&["terms".into(), t.into(), "when".into()]),
            )?,
            value: term.value,
        });
    }
    Ok(Preferences {
        weights: w,
        functions,
        terms,
    })
}

fn value_function(
    issue: &Issue,
    table: &BTreeMap<String, Scalar>,
    here: &Path,
) -> Result<ValueFunction, ModelError> {
    let key_at = |k: &str| -> Path {
        let mut v = here.clone();
        v.push(k.into());
        v
    };
    let score = |k: &str, s: &Scalar| -> Result<f64, ModelError> {
        let x = s.as_f64().ok_or_else(|| {
            err(
                &key_at(k),
                format!(
                    "expected a score between 0 and 1, found \"{}\"",
                    s.as_text()
                ),
            )
        })?;
        if !(0.0..=1.0).contains(&x) {
            return Err(err(
                &key_at(k),
                format!("expected a score between 0 and 1, found {x}"),
            ));
        }
        Ok(x)
    };
    let numeric = !matches!(issue.kind, IssueKind::Discrete { .. });
    if let Some(kind) = table.get("type").filter(|_| numeric) {
        let allowed: &[&str] = match kind {
            Scalar::Text(t) if t == "linear" => &["type", "at_min", "at_max"],
            Scalar::Text(t) if t == "triangular" => {
                &["type", "peak", "at_min", "at_peak", "at_max"]
            }
            other => {
                return Err(err(
                    &key_at("type"),
                    format!(
                        "expected \"linear\" or \"triangular\", found \"{}\"",
                        other.as_text()
                    ),
                ))
            }
        };
        for k in table.keys() {
            if !allowed.contains(&k.as_str()) {
                return Err(err(
                    &key_at(k),
                    format!(
                        "unknown key `{k}`, expected one of {}",
                        allowed[1..].join(", ")
                    ),
                ));
            }
        }
        let need = |k: &str| -> Result<f64, ModelError> {
            let s = table
                .get(k)
                .ok_or_else(|| err(here, format!("missing `{k}`")))?;
            score(k, s)
        };
        if allowed.len() == 3 {
            return Ok(ValueFunction::Linear {
                at_min: need("at_min")?,
                at_max: need("at_max")?,
            });
        }
        let peak = table
            .get("peak")
            .ok_or_else(|| err(here, "missing `peak`"))?;
        let peak = peak
            .as_f64()
            .ok_or_else(|| err(&key_at("peak"), "expected a number"))?;
        let (lo, hi) = match issue.kind {
            IssueKind::Integer { min, max } => (min as f64, max as f64),
            IssueKind::Real { min, max, .. } => (min, max),
            IssueKind::Discrete { .. } => (0.0, 0.0),
        };
        if !(peak >= lo && peak <= hi) {
            return Err(err(
                &key_at("peak"),
                format!("expected a peak between {lo} and {hi}, found {peak}"),
            ));
        }
        return Ok(ValueFunction::Triangular {
            peak,
            at_min: need("at_min")?,
            at_peak: need("at_peak")?,
            at_max: need("at_max")?,
        });
    }
    // A table: one score per value (options, integers, or the grid points of a real issue).
    let n = issue.size() as usize;
    let mut t = vec![f64::NAN; n];
    for (k, s) in table {
        let Some(v) = issue.parse_value(k) else {
            let what = issue.not_a_value(k);
            return Err(err(&key_at(k), what));
        };
        t[v as usize] = score(k, s)?;
    }
    if let Some(missing) = t.iter().position(|x| x.is_nan()) {
        return Err(err(
            here,
            format!(
                "missing score for `{}` of issue `{}` (score every value)",
                issue.value(missing as u32),
                issue.name
            ),
        ));
    }
    Ok(ValueFunction::Table(t))
}

/// An outcome from `issue -> value` pairs (a draft), naming the offending entry on error.
pub fn draft_from_doc(
    map: &BTreeMap<String, Scalar>,
    space: &OutcomeSpace,
) -> Result<Outcome, ModelError> {
    let mut values = vec![u32::MAX; space.issues().len()];
    for (name, v) in map {
        let Some(i) = space.issue_index(name) else {
            return Err(err(
                &["draft".into(), name.clone().into()],
                format!("no issue is called `{name}`"),
            ));
        };
        let issue = &space.issues()[i];
        let k = match v {
            Scalar::Float(x) => issue.nearest_grid_index(*x),
            other => issue.parse_value(&other.as_text()),
        };
        values[i] = k.ok_or_else(|| {
            err(
                &["draft".into(), name.clone().into()],
                format!("`{}` is not a value of issue `{name}`", v.as_text()),
            )
        })?;
    }
    if let Some(i) = values.iter().position(|&v| v == u32::MAX) {
        return Err(err(
            &["draft".into()],
            format!(
                "the draft gives no value for issue `{}` (a draft settles every issue)",
                space.issues()[i].name
            ),
        ));
    }
    Ok(Outcome(values))
}
