//! GeniusWeb JSON: a domain (`issuesValues`) and `LinearAdditiveUtilitySpace` profiles.
//!
//! Semantics (see `shared/reference/formats.md`): value utilities are already in [0, 1] and used
//! as written, u = sum_i w_i * v_i; both key spellings occur (`DiscreteValueSetUtilities` /
//! `discreteutils`, `NumberValueSetUtilities` / `numberutils`); the reservation is a
//! `reservationBid`, whose utility becomes the reservation value.

use crate::FormatError;
use accord_model::{
    Issue, IssueKind, IssueOption, OutcomeSpace, Party, Preferences, Role, Scenario, ValueFunction,
};
use serde_json::Value;
use std::path::Path;

fn err(file: &str, message: impl Into<String>) -> FormatError {
    FormatError {
        file: file.to_string(),
        line: None,
        column: None,
        message: message.into(),
    }
}

fn parse_json(file: &str, text: &str) -> Result<Value, FormatError> {
    serde_json::from_str(text).map_err(|e| FormatError {
        file: file.to_string(),
        line: Some(e.line()),
        column: Some(e.column()),
        message: e
            .to_string()
            .split(" at line ")
            .next()
            .unwrap_or("")
            .to_string(),
    })
}

/// Whether a JSON text is a GeniusWeb domain (has `issuesValues`).
pub fn is_domain(v: &Value) -> bool {
    v.get("issuesValues").is_some()
}

/// Whether a JSON text is a GeniusWeb profile.
pub fn is_profile(v: &Value) -> bool {
    v.get("LinearAdditiveUtilitySpace").is_some()
}

/// Reads a GeniusWeb domain and profiles; parties are named by the profile's `name` or file stem.
pub fn read_geniusweb(domain: &Path, profiles: &[&Path]) -> Result<Scenario, FormatError> {
    let read = |p: &Path| -> Result<(String, String), FormatError> {
        let name = p.display().to_string();
        let text = std::fs::read_to_string(p)
            .map_err(|e| err(&name, format!("cannot read the file: {e}")))?;
        Ok((name, text))
    };
    let (dfile, dtext) = read(domain)?;
    let mut ps = Vec::new();
    for p in profiles {
        let (f, t) = read(p)?;
        let stem = p
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("party")
            .to_string();
        ps.push((f, t, stem));
    }
    let refs: Vec<(&str, &str, &str)> = ps
        .iter()
        .map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str()))
        .collect();
    parse_geniusweb(&dfile, &dtext, &refs)
}

/// Parses a GeniusWeb domain text and profile texts `(file, text, fallback party name)`.
pub fn parse_geniusweb(
    dfile: &str,
    dtext: &str,
    profiles: &[(&str, &str, &str)],
) -> Result<Scenario, FormatError> {
    let d = parse_json(dfile, dtext)?;
    let Some(values) = d.get("issuesValues").and_then(Value::as_object) else {
        return Err(err(
            dfile,
            "expected a GeniusWeb domain: an object with `issuesValues`",
        ));
    };
    let mut issues = Vec::new();
    for (name, spec) in values {
        let Some(vals) = spec.get("values").and_then(Value::as_array) else {
            return Err(err(dfile, format!("issuesValues.{name}: expected `values` (a list); numeric value sets are not supported")));
        };
        let mut options = Vec::new();
        for v in vals {
            let Some(s) = v.as_str() else {
                return Err(err(
                    dfile,
                    format!("issuesValues.{name}: expected string values, found {v}"),
                ));
            };
            options.push(IssueOption {
                name: s.to_string(),
                wording: None,
            });
        }
        issues.push(Issue {
            name: name.clone(),
            description: None,
            kind: IssueKind::Discrete { options },
        });
    }
    let space = OutcomeSpace::new(issues).map_err(|e| err(dfile, e.message))?;
    let mut parties = Vec::new();
    for (file, text, stem) in profiles {
        let p = parse_json(file, text)?;
        let Some(las) = p.get("LinearAdditiveUtilitySpace") else {
            return Err(err(file, "expected a `LinearAdditiveUtilitySpace` profile (other GeniusWeb profile types are not supported)"));
        };
        parties.push(profile(file, las, stem, &space)?);
    }
    let name = d
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or("geniusweb")
        .to_string();
    Scenario::new(name, None, space, parties, None).map_err(|e| err(dfile, e.to_string()))
}

fn number(file: &str, v: Option<&Value>, at: &str) -> Result<f64, FormatError> {
    v.and_then(Value::as_f64)
        .ok_or_else(|| err(file, format!("{at}: expected a number")))
}

fn profile(
    file: &str,
    las: &Value,
    stem: &str,
    space: &OutcomeSpace,
) -> Result<Party, FormatError> {
    let n = space.issues().len();
    let mut weights = vec![0.0; n];
    let mut functions = Vec::with_capacity(n);
    let utils = las
        .get("issueUtilities")
        .and_then(Value::as_object)
        .ok_or_else(|| err(file, "expected `issueUtilities`"))?;
    let ws = las
        .get("issueWeights")
        .and_then(Value::as_object)
        .ok_or_else(|| err(file, "expected `issueWeights`"))?;
    for (name, _) in ws.iter().chain(utils.iter()) {
        if space.issue_index(name).is_none() {
            return Err(err(file, format!("issue `{name}` is not in the domain")));
        }
    }
    for (i, issue) in space.issues().iter().enumerate() {
        weights[i] = number(
            file,
            ws.get(&issue.name),
            &format!("issueWeights.{}", issue.name),
        )?;
        let Some(u) = utils.get(&issue.name) else {
            return Err(err(
                file,
                format!("issueUtilities: missing issue `{}`", issue.name),
            ));
        };
        let table = if let Some(d) = u
            .get("DiscreteValueSetUtilities")
            .or_else(|| u.get("discreteutils"))
        {
            let vu = d
                .get("valueUtilities")
                .and_then(Value::as_object)
                .ok_or_else(|| {
                    err(
                        file,
                        format!("issueUtilities.{}: expected `valueUtilities`", issue.name),
                    )
                })?;
            let IssueKind::Discrete { options } = &issue.kind else {
                unreachable!("GeniusWeb issues are discrete")
            };
            let mut t = Vec::with_capacity(options.len());
            for o in options {
                // A value the profile leaves out is worth 0 (GeniusWeb's DiscreteValueSetUtilities).
                t.push(vu.get(&o.name).map_or(Ok(0.0), |x| {
                    number(
                        file,
                        Some(x),
                        &format!("issueUtilities.{}.{}", issue.name, o.name),
                    )
                })?);
            }
            t
        } else if let Some(nu) = u
            .get("NumberValueSetUtilities")
            .or_else(|| u.get("numberutils"))
        {
            let at = |k: &str| {
                number(
                    file,
                    nu.get(k),
                    &format!("issueUtilities.{}.{k}", issue.name),
                )
            };
            let (lv, lu, hv, hu) = (
                at("lowValue")?,
                at("lowUtility")?,
                at("highValue")?,
                at("highUtility")?,
            );
            let IssueKind::Discrete { options } = &issue.kind else {
                unreachable!("GeniusWeb issues are discrete")
            };
            options
                .iter()
                .map(|o| {
                    let x: f64 = o.name.parse().map_err(|_| {
                        err(
                            file,
                            format!("issue `{}`: value `{}` is not a number", issue.name, o.name),
                        )
                    })?;
                    let t = if hv > lv {
                        ((x - lv) / (hv - lv)).clamp(0.0, 1.0)
                    } else {
                        0.0
                    };
                    Ok(lu + (hu - lu) * t)
                })
                .collect::<Result<Vec<f64>, FormatError>>()?
        } else {
            return Err(err(file, format!("issueUtilities.{}: expected DiscreteValueSetUtilities/discreteutils or NumberValueSetUtilities/numberutils", issue.name)));
        };
        if let Some(bad) = table.iter().find(|x| !(0.0..=1.0).contains(*x)) {
            return Err(err(
                file,
                format!(
                    "issueUtilities.{}: utility {bad} outside [0, 1]",
                    issue.name
                ),
            ));
        }
        functions.push(ValueFunction::Table(table));
    }
    let prefs = Preferences {
        weights,
        functions,
        terms: Vec::new(),
    };
    let reservation = match las.get("reservationBid") {
        None | Some(Value::Null) => None,
        Some(bid) => {
            let values = bid
                .get("issuevalues")
                .and_then(Value::as_object)
                .ok_or_else(|| err(file, "reservationBid: expected `issuevalues`"))?;
            let mut outcome = vec![0u32; n];
            for (i, issue) in space.issues().iter().enumerate() {
                let v = values
                    .get(&issue.name)
                    .and_then(Value::as_str)
                    .ok_or_else(|| {
                        err(
                            file,
                            format!("reservationBid: missing issue `{}`", issue.name),
                        )
                    })?;
                outcome[i] = issue.option_index(v).ok_or_else(|| {
                    err(
                        file,
                        format!("reservationBid: `{v}` is not a value of `{}`", issue.name),
                    )
                })?;
            }
            Some(prefs.utility_of_values(space, &outcome))
        }
    };
    let name = las
        .get("name")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .unwrap_or(stem)
        .to_string();
    Ok(Party {
        name,
        role: Role::Party,
        preferences: Some(prefs),
        red_lines: Vec::new(),
        reservation,
        discount: None,
        description: None,
    })
}
