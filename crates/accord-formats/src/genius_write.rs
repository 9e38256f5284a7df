//! Writing a scenario as GENIUS XML: one domain file and one utility space per negotiating
//! party, such that reading them back (with GENIUS semantics) gives the same utility on every
//! outcome.
//!
//! How each piece maps:
//! - discrete issue: items with the scores as evaluations; since GENIUS divides by the largest
//!   evaluation, the weight written is `weight * max score` (so `weight' * score / max` is the
//!   original `weight * score`);
//! - integer issue scored linearly by every party: an integer issue with `offset`/`slope`;
//!   otherwise, and for every real issue, a discrete issue whose items are the grid values;
//! - nonlinear terms: a `type="nonlinear"` utility space with one hyper-rectangle per term, for a
//!   party whose utility is made of terms over integer issues only, each a conjunction of ranges;
//! - what GENIUS cannot express (red lines, mixed additive and nonlinear preferences, other
//!   terms) is an error naming it: [`to_genius`] never silently drops meaning;
//!   [`to_genius_dropping`] leaves each such item out and reports it as a [`Dropped`]. Mediators
//!   and observers have no GENIUS counterpart and are left out.

use crate::FormatError;
use accord_model::{IssueKind, OutcomeSpace, Party, Role, Scenario, Term, ValueFunction};
use quick_xml::events::{BytesDecl, Event};
use quick_xml::Writer;
use std::io::Cursor;

/// A scenario in GENIUS XML: the domain and one profile per negotiating party.
#[derive(Debug, Clone, PartialEq)]
pub struct GeniusFiles {
    /// File name and text of the domain.
    pub domain: (String, String),
    /// File name and text of each profile, in party order.
    pub profiles: Vec<(String, String)>,
}

fn err(s: &Scenario, message: impl Into<String>) -> FormatError {
    FormatError {
        file: s.name.clone(),
        line: None,
        column: None,
        message: message.into(),
    }
}

/// How an issue is written in the domain.
#[derive(Clone, Copy, PartialEq)]
enum Shape {
    Discrete,
    IntegerLinear,
    /// Written as a discrete issue listing its grid values.
    Grid,
}

fn shapes(s: &Scenario) -> Vec<Shape> {
    s.space
        .issues()
        .iter()
        .enumerate()
        .map(|(i, issue)| match issue.kind {
            IssueKind::Discrete { .. } => Shape::Discrete,
            IssueKind::Integer { .. } => {
                let all_linear =
                    s.parties
                        .iter()
                        .filter_map(|p| p.preferences.as_ref())
                        .all(|pr| {
                            pr.terms.is_empty()
                                && matches!(pr.functions[i], ValueFunction::Linear { .. })
                        });
                let nonlinear = s
                    .parties
                    .iter()
                    .filter_map(|p| p.preferences.as_ref())
                    .any(|pr| !pr.terms.is_empty());
                if all_linear || nonlinear {
                    Shape::IntegerLinear
                } else {
                    Shape::Grid
                }
            }
            IssueKind::Real { .. } => Shape::Grid,
        })
        .collect()
}

type W = Writer<Cursor<Vec<u8>>>;

/// One side of a hyper-rectangle: issue index and inclusive value range.
type Range = (usize, i64, i64);

fn xml_error(s: &Scenario, e: std::io::Error) -> FormatError {
    err(s, format!("cannot write XML: {e}"))
}

fn finish(w: W) -> String {
    String::from_utf8_lossy(&w.into_inner().into_inner()).into_owned()
}

/// Writes issue `i`: in the domain (`scoring` is `None`), or in a profile with that party's
/// scoring (item evaluations, or the integer evaluator).
fn write_issue(
    w: &mut W,
    space: &OutcomeSpace,
    i: usize,
    shape: Shape,
    scoring: Option<&ValueFunction>,
) -> std::io::Result<()> {
    let issue = &space.issues()[i];
    let index = (i + 1).to_string();
    let el = w
        .create_element("issue")
        .with_attribute(("index", index.as_str()))
        .with_attribute(("name", issue.name.as_str()));
    match (shape, &issue.kind) {
        (Shape::IntegerLinear, IssueKind::Integer { min, max }) => {
            let (lo, hi) = (min.to_string(), max.to_string());
            let el = el.with_attributes([
                ("etype", "integer"),
                ("type", "integer"),
                ("vtype", "integer"),
                ("lowerbound", lo.as_str()),
                ("upperbound", hi.as_str()),
            ]);
            let Some(f) = scoring else {
                el.write_empty()?;
                return Ok(());
            };
            let (offset, slope) = match f {
                ValueFunction::Linear { at_min, at_max } if max > min => {
                    (*at_min, (at_max - at_min) / (max - min) as f64)
                }
                ValueFunction::Linear { at_min, .. } => (*at_min, 0.0),
                // Nonlinear parties: weight 0, any evaluator.
                _ => (0.0, 0.0),
            };
            el.write_inner_content(|w| {
                let (o, sl) = (fmt(offset), fmt(slope));
                w.create_element("evaluator")
                    .with_attributes([
                        ("ftype", "linear"),
                        ("offset", o.as_str()),
                        ("slope", sl.as_str()),
                    ])
                    .write_empty()?;
                Ok(())
            })?;
        }
        _ => {
            el.with_attributes([
                ("etype", "discrete"),
                ("type", "discrete"),
                ("vtype", "discrete"),
            ])
            .write_inner_content(|w| {
                for k in 0..issue.size() as u32 {
                    let value = issue.value(k).to_string();
                    let idx = (k + 1).to_string();
                    let mut item = w
                        .create_element("item")
                        .with_attribute(("index", idx.as_str()))
                        .with_attribute(("value", value.as_str()));
                    let evaluation = scoring.map(|f| fmt(f.score(issue, k)));
                    if let Some(e) = &evaluation {
                        item = item.with_attribute(("evaluation", e.as_str()));
                    } else if let Some(wording) = issue.wording(k) {
                        item = item.with_attribute(("description", wording));
                    }
                    item.write_empty()?;
                }
                Ok(())
            })?;
        }
    }
    Ok(())
}

/// A term as a hyper-rectangle (its utility and a range per issue it names), or why GENIUS
/// cannot express it (completing "term `RULE` of `PARTY` ...").
fn rectangle(space: &OutcomeSpace, t: &Term) -> Result<(f64, Vec<Range>), String> {
    let mut bounds = Vec::new();
    for i in t.rule.issues() {
        let issue = &space.issues()[i];
        let (IssueKind::Integer { min, .. }, Some(bits)) =
            (&issue.kind, t.rule.conjunction_allows(i))
        else {
            return Err(
                "is not a conjunction of ranges on integer issues, which GENIUS XML cannot express"
                    .into(),
            );
        };
        let allowed: Vec<u32> = (0..issue.size() as u32)
            .filter(|v| bits[(v >> 6) as usize] >> (v & 63) & 1 == 1)
            .collect();
        let contiguous = allowed.windows(2).all(|w| w[1] == w[0] + 1);
        let (Some(lo), Some(hi)) = (allowed.first(), allowed.last()) else {
            continue;
        };
        if !contiguous {
            return Err(format!(
                "allows a non-contiguous set of `{}`, which a hyper-rectangle cannot express",
                issue.name
            ));
        }
        bounds.push((i, min + *lo as i64, min + *hi as i64));
    }
    if t.value < 0.0 {
        return Err(format!(
            "subtracts {}; GENIUS hyper-rectangles add utility only",
            -t.value
        ));
    }
    Ok((t.value, bounds))
}

/// Something [`to_genius_dropping`] left out because GENIUS XML cannot hold it.
#[derive(Debug, Clone, PartialEq)]
pub struct Dropped {
    /// The party it belonged to.
    pub party: String,
    /// What it was: `red line` or `term`.
    pub kind: &'static str,
    /// Its rule, as the scenario states it.
    pub rule: String,
    /// Why GENIUS XML cannot hold it.
    pub reason: String,
}

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "left out {} `{}` of `{}`: {}",
            self.kind, self.rule, self.party, self.reason
        )
    }
}

/// Writes the scenario as GENIUS XML, leaving out what GENIUS cannot hold, each item reported:
/// every negotiating party's red lines; its nonlinear terms when it also has weighted scores
/// (the scores are kept); and any term that is not a conjunction of contiguous ranges on
/// integer issues, or that subtracts utility. What is written reads back with the same utility
/// as the scenario without the dropped items.
pub fn to_genius_dropping(s: &Scenario) -> Result<(GeniusFiles, Vec<Dropped>), FormatError> {
    let mut kept = s.clone();
    let mut dropped = Vec::new();
    for p in kept.parties.iter_mut().filter(|p| p.role == Role::Party) {
        for r in p.red_lines.drain(..) {
            dropped.push(Dropped {
                party: p.name.clone(),
                kind: "red line",
                rule: r.rule.to_string(),
                reason: "GENIUS XML has no red lines".into(),
            });
        }
        let Some(prefs) = p.preferences.as_mut() else {
            continue;
        };
        let mixed = prefs.weights.iter().any(|w| *w != 0.0);
        let terms = std::mem::take(&mut prefs.terms);
        for t in terms {
            let why = if mixed {
                Err("GENIUS XML cannot mix weighted scores and nonlinear terms (the weighted scores are kept)".to_string())
            } else {
                rectangle(&s.space, &t).map(drop)
            };
            match why {
                Ok(()) => prefs.terms.push(t),
                Err(reason) => dropped.push(Dropped {
                    party: p.name.clone(),
                    kind: "term",
                    rule: t.rule.to_string(),
                    reason: if mixed {
                        reason
                    } else {
                        format!("the term {reason}")
                    },
                }),
            }
        }
    }
    Ok((to_genius(&kept)?, dropped))
}

/// Writes the scenario as GENIUS XML, or explains what GENIUS cannot express.
pub fn to_genius(s: &Scenario) -> Result<GeniusFiles, FormatError> {
    let shapes = shapes(s);
    let negotiators: Vec<&Party> = s.parties.iter().filter(|p| p.role == Role::Party).collect();
    if negotiators.is_empty() {
        return Err(err(s, "no negotiating party to write"));
    }
    for p in &negotiators {
        if let Some(r) = p.red_lines.first() {
            return Err(err(
                s,
                format!(
                    "GENIUS XML has no red lines: `{}` of `{}` cannot be written (export to TOML keeps it)",
                    r.rule, p.name
                ),
            ));
        }
    }
    let mut w = Writer::new_with_indent(Cursor::new(Vec::new()), b' ', 2);
    let domain = (|| -> std::io::Result<()> {
        w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
        w.create_element("negotiation_template")
            .write_inner_content(|w| {
                let n = s.space.issues().len().to_string();
                w.create_element("utility_space")
                    .with_attribute(("number_of_issues", n.as_str()))
                    .write_inner_content(|w| {
                        w.create_element("objective")
                            .with_attributes([
                                ("index", "0"),
                                ("etype", "objective"),
                                ("type", "objective"),
                                ("description", ""),
                                ("name", s.name.as_str()),
                            ])
                            .write_inner_content(|w| {
                                for (i, shape) in shapes.iter().enumerate() {
                                    write_issue(w, &s.space, i, *shape, None)?;
                                }
                                Ok(())
                            })?;
                        Ok(())
                    })?;
                Ok(())
            })?;
        Ok(())
    })();
    domain.map_err(|e| xml_error(s, e))?;
    let domain_text = finish(w);

    let mut profiles = Vec::new();
    for p in negotiators {
        profiles.push((
            format!("{}.xml", file_stem(&p.name)),
            profile(s, p, &shapes)?,
        ));
    }
    Ok(GeniusFiles {
        domain: (domain_file_name(&s.name), domain_text),
        profiles,
    })
}

/// `NAME-domain.xml`, without doubling a name that already ends in "domain".
fn domain_file_name(name: &str) -> String {
    let stem = file_stem(name);
    if stem.to_ascii_lowercase().ends_with("domain") {
        format!("{stem}.xml")
    } else {
        format!("{stem}-domain.xml")
    }
}

/// A file name from a party or scenario name.
fn file_stem(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if cleaned.is_empty() {
        "party".into()
    } else {
        cleaned
    }
}

fn fmt(x: f64) -> String {
    // Shortest representation that reads back to the same f64.
    format!("{x:?}")
}

fn profile(s: &Scenario, p: &Party, shapes: &[Shape]) -> Result<String, FormatError> {
    let Some(prefs) = &p.preferences else {
        return Err(err(s, format!("party `{}` has no preferences", p.name)));
    };
    let space = &s.space;
    let nonlinear = !prefs.terms.is_empty();
    if nonlinear && prefs.weights.iter().any(|w| *w != 0.0) {
        return Err(err(
            s,
            format!(
                "`{}` mixes weighted scores and nonlinear terms, which GENIUS XML cannot express",
                p.name
            ),
        ));
    }
    // Hyper-rectangles: each term a conjunction of value ranges on integer issues.
    let mut rects: Vec<(f64, Vec<Range>)> = Vec::new();
    for t in &prefs.terms {
        rects.push(
            rectangle(space, t)
                .map_err(|why| err(s, format!("term `{}` of `{}` {why}", t.rule, p.name)))?,
        );
    }
    let mut w = Writer::new_with_indent(Cursor::new(Vec::new()), b' ', 2);
    let result = (|| -> std::io::Result<()> {
        w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
        let mut root = w.create_element("utility_space");
        if nonlinear {
            root = root.with_attribute(("type", "nonlinear"));
        }
        root.write_inner_content(|w| {
            w.create_element("objective")
                .with_attributes([
                    ("index", "0"),
                    ("etype", "objective"),
                    ("type", "objective"),
                    ("description", ""),
                    ("name", s.name.as_str()),
                ])
                .write_inner_content(|w| {
                    for (i, (shape, f)) in shapes.iter().zip(&prefs.functions).enumerate() {
                        write_issue(w, space, i, *shape, Some(f))?;
                    }
                    for (i, issue) in space.issues().iter().enumerate() {
                        // GENIUS divides discrete evaluations by their maximum: scale the weight
                        // so that weight * score is what comes back.
                        let weight = match shapes[i] {
                            Shape::IntegerLinear => prefs.weights[i],
                            _ => {
                                let max = (0..issue.size() as u32)
                                    .map(|k| prefs.functions[i].score(issue, k))
                                    .fold(0.0, f64::max);
                                if max < 1e-5 {
                                    0.0
                                } else {
                                    prefs.weights[i] * max
                                }
                            }
                        };
                        let (idx, val) = ((i + 1).to_string(), fmt(weight));
                        w.create_element("weight")
                            .with_attributes([("index", idx.as_str()), ("value", val.as_str())])
                            .write_empty()?;
                    }
                    if nonlinear {
                        w.create_element("utility")
                            .with_attribute(("maxutility", "1"))
                            .write_inner_content(|w| {
                                w.create_element("ufun")
                                    .with_attributes([
                                        ("type", "PlainUfun"),
                                        ("weight", "1"),
                                        ("aggregation", "sum"),
                                    ])
                                    .write_inner_content(|w| {
                                        for (value, bounds) in &rects {
                                            let u = fmt(*value);
                                            w.create_element("hyperRectangle")
                                                .with_attribute(("utility", u.as_str()))
                                                .write_inner_content(|w| {
                                                    for (i, lo, hi) in bounds {
                                                        let (idx, lo, hi) = (
                                                            (i + 1).to_string(),
                                                            lo.to_string(),
                                                            hi.to_string(),
                                                        );
                                                        w.create_element("INCLUDES")
                                                            .with_attributes([
                                                                ("index", idx.as_str()),
                                                                ("min", lo.as_str()),
                                                                ("max", hi.as_str()),
                                                            ])
                                                            .write_empty()?;
                                                    }
                                                    Ok(())
                                                })?;
                                        }
                                        Ok(())
                                    })?;
                                Ok(())
                            })?;
                    }
                    Ok(())
                })?;
            if let Some(d) = p.discount {
                let v = fmt(d);
                w.create_element("discount_factor")
                    .with_attribute(("value", v.as_str()))
                    .write_empty()?;
            }
            if let Some(r) = p.reservation {
                let v = fmt(r);
                w.create_element("reservation")
                    .with_attribute(("value", v.as_str()))
                    .write_empty()?;
            }
            Ok(())
        })?;
        Ok(())
    })();
    result.map_err(|e| xml_error(s, e))?;
    Ok(finish(w))
}
