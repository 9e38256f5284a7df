//! GENIUS XML: a domain file and one utility-space file per party, read with GENIUS's semantics
//! (see `shared/reference/formats.md`):
//!
//! - discrete issue: score = evaluation / max evaluation of the issue (0 when the max < 1e-5);
//! - integer issue, `linear` evaluator: `clamp01(slope * (v - lowerbound) + offset)`, or with
//!   `parameter0`/`parameter1`: `clamp01(parameter1 * v + parameter0)`;
//! - real issue: `linear` = `parameter1 * v + parameter0`, `constant` = `parameter0`,
//!   `triangular` = 0 outside [`parameter0`, `parameter1`], 1 at `parameter2`, linear between
//!   (clamped to [0, 1]); analysed on a grid of [`REAL_STEPS`] steps;
//! - weights used exactly as written (they need not sum to 1);
//! - `discount_factor` d: a d outside (0, 1) means no discount; `reservation` as written;
//! - `type="nonlinear"`: sum of the utilities of the hyper-rectangles that contain the outcome,
//!   divided by `maxutility` (each rectangle becomes a [`Term`]).
//!
//! Strict mode rejects what an XML parser or the format rejects, naming file, line and column.
//! Lenient mode accepts what GENIUS's own parser accepts (unescaped `&`, attributes without
//! whitespace between them, weights before issues, issues without `type`, duplicate items: the
//! last one wins, as in GENIUS's map) and reports each repair as a [`Warning`].

use crate::xml_repair::parse_xml;
use crate::{FormatError, Warning};
use accord_model::{
    Issue, IssueKind, IssueOption, OutcomeSpace, Party, Preferences, Role, Rule, Scenario, Term,
    ValueFunction,
};
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// Grid steps used to analyse a GENIUS real issue (which has no resolution of its own).
pub const REAL_STEPS: u32 = 100;

/// How forgiving the reader is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// Accept what GENIUS accepts, with warnings.
    pub lenient: bool,
}

struct Ctx<'a> {
    file: &'a str,
    text: &'a str,
    opts: ReadOptions,
    warnings: &'a mut Vec<Warning>,
    /// Line starts, built on the first position asked for, so that many warnings cost a
    /// binary search each rather than a scan of the file each.
    lines: std::cell::OnceCell<crate::locate::Lines<'a>>,
}

impl<'a> Ctx<'a> {
    fn new(
        file: &'a str,
        text: &'a str,
        opts: ReadOptions,
        warnings: &'a mut Vec<Warning>,
    ) -> Self {
        Ctx {
            file,
            text,
            opts,
            warnings,
            lines: std::cell::OnceCell::new(),
        }
    }
}

impl Ctx<'_> {
    /// 1-based line and column (in characters) of a byte offset, as [`crate::line_column`].
    fn position(&self, offset: usize) -> (usize, usize) {
        self.lines
            .get_or_init(|| crate::locate::Lines::new(self.text))
            .position(offset)
    }

    fn error_at(&self, offset: usize, message: impl Into<String>) -> FormatError {
        let (l, c) = self.position(offset);
        FormatError {
            file: self.file.to_string(),
            line: Some(l),
            column: Some(c),
            message: message.into(),
        }
    }

    fn error(&self, node: roxmltree::Node, message: impl Into<String>) -> FormatError {
        self.error_at(node.range().start, message)
    }

    /// In lenient mode records a warning; in strict mode fails, suggesting `--lenient`.
    fn tolerate(&mut self, node: roxmltree::Node, message: String) -> Result<(), FormatError> {
        if self.opts.lenient {
            let (l, c) = self.position(node.range().start);
            self.warnings.push(Warning {
                file: self.file.to_string(),
                line: Some(l),
                column: Some(c),
                message,
            });
            Ok(())
        } else {
            Err(self.error(
                node,
                format!("{message} (GENIUS accepts this; use --lenient)"),
            ))
        }
    }

    fn attr<'n>(&self, node: roxmltree::Node<'n, 'n>, name: &str) -> Result<&'n str, FormatError> {
        node.attribute(name).ok_or_else(|| {
            self.error(
                node,
                format!("<{}> needs a `{name}` attribute", node.tag_name().name()),
            )
        })
    }

    fn number(&self, node: roxmltree::Node, name: &str) -> Result<f64, FormatError> {
        let raw = self.attr(node, name)?;
        raw.trim().parse::<f64>().map_err(|_| {
            self.error(
                node,
                format!(
                    "attribute `{name}` of <{}> should be a number, found `{raw}`",
                    node.tag_name().name()
                ),
            )
        })
    }

    fn opt_number(&self, node: roxmltree::Node, name: &str) -> Result<Option<f64>, FormatError> {
        match node.attribute(name) {
            None => Ok(None),
            Some(_) => self.number(node, name).map(Some),
        }
    }
}

/// An issue as declared in a GENIUS file, with the `index` profiles refer to.
struct DomainIssue {
    index: String,
    issue: Issue,
}

fn issue_kind_attr<'n>(node: roxmltree::Node<'n, 'n>) -> Option<&'n str> {
    node.attribute("etype")
        .or_else(|| node.attribute("type"))
        .or_else(|| node.attribute("vtype"))
}

fn items<'a, 'n>(node: roxmltree::Node<'a, 'n>) -> impl Iterator<Item = roxmltree::Node<'a, 'n>> {
    node.children().filter(|c| c.has_tag_name("item"))
}

/// Bounds of a numeric issue: attributes on the issue, or a `<range>` child.
fn bounds(cx: &Ctx, node: roxmltree::Node) -> Result<Option<(f64, f64)>, FormatError> {
    if let (Some(_), Some(_)) = (node.attribute("lowerbound"), node.attribute("upperbound")) {
        return Ok(Some((
            cx.number(node, "lowerbound")?,
            cx.number(node, "upperbound")?,
        )));
    }
    match node.children().find(|c| c.has_tag_name("range")) {
        Some(r) => Ok(Some((
            cx.number(r, "lowerbound")?,
            cx.number(r, "upperbound")?,
        ))),
        None => Ok(None),
    }
}

fn read_issue(
    cx: &mut Ctx,
    node: roxmltree::Node,
    fallback_bounds: Option<(f64, f64)>,
) -> Result<DomainIssue, FormatError> {
    let name = cx.attr(node, "name")?.to_string();
    let index = node.attribute("index").unwrap_or("").to_string();
    let kind = match issue_kind_attr(node) {
        Some(k) => k.to_ascii_lowercase(),
        None => {
            let guess = if items(node).next().is_some() {
                "discrete"
            } else {
                "integer"
            };
            cx.tolerate(
                node,
                format!("issue `{name}` has no `type`/`etype` attribute; read as {guess}"),
            )?;
            guess.to_string()
        }
    };
    let kind = match kind.as_str() {
        "discrete" => {
            let mut options: Vec<IssueOption> = Vec::new();
            // A set of the names seen: a scan of the options per item is quadratic (issue 18).
            let mut seen: HashSet<&str> = HashSet::new();
            for item in items(node) {
                let value = cx.attr(item, "value")?;
                if !seen.insert(value) {
                    cx.tolerate(item, format!("issue `{name}` lists value `{value}` twice; the last one wins, as in GENIUS"))?;
                    continue;
                }
                options.push(IssueOption {
                    name: value.to_string(),
                    wording: item
                        .attribute("description")
                        .filter(|d| !d.trim().is_empty())
                        .map(str::to_string),
                });
            }
            if options.is_empty() {
                return Err(cx.error(node, format!("discrete issue `{name}` has no <item>")));
            }
            IssueKind::Discrete { options }
        }
        "integer" => {
            let (lo, hi) = bounds(cx, node)?.or(fallback_bounds).ok_or_else(|| {
                cx.error(
                    node,
                    format!("integer issue `{name}` needs `lowerbound` and `upperbound`"),
                )
            })?;
            if lo.fract() != 0.0 || hi.fract() != 0.0 || hi < lo {
                return Err(cx.error(
                    node,
                    format!("integer issue `{name}` has bounds {lo}..{hi}"),
                ));
            }
            IssueKind::Integer {
                min: lo as i64,
                max: hi as i64,
            }
        }
        "real" => {
            let (lo, hi) = bounds(cx, node)?.or(fallback_bounds).ok_or_else(|| {
                cx.error(
                    node,
                    format!("real issue `{name}` needs a <range lowerbound upperbound>"),
                )
            })?;
            if !(lo.is_finite() && hi.is_finite()) || hi < lo {
                return Err(cx.error(node, format!("real issue `{name}` has bounds {lo}..{hi}")));
            }
            let resolution = if hi > lo {
                (hi - lo) / REAL_STEPS as f64
            } else {
                1.0
            };
            IssueKind::Real {
                min: lo,
                max: hi,
                resolution,
            }
        }
        other => {
            return Err(cx.error(
                node,
                format!("issue `{name}` has type `{other}`; expected discrete, integer or real"),
            ))
        }
    };
    Ok(DomainIssue {
        index,
        issue: Issue {
            name,
            description: None,
            kind,
        },
    })
}

/// The `<objective>` element (possibly nested) holding the issues.
fn objective<'a, 'n>(root: roxmltree::Node<'a, 'n>) -> Option<roxmltree::Node<'a, 'n>> {
    root.descendants().find(|n| n.has_tag_name("objective"))
}

fn issue_nodes<'a, 'n>(root: roxmltree::Node<'a, 'n>) -> Vec<roxmltree::Node<'a, 'n>> {
    // Issues are the objective's children; some files nest objectives, so take all issue
    // elements that are not inside another issue.
    root.descendants()
        .filter(|n| {
            n.has_tag_name("issue") && !n.ancestors().skip(1).any(|a| a.has_tag_name("issue"))
        })
        .collect()
}

/// Whether a GENIUS file is a utility space (profile) rather than a domain.
pub fn is_profile(text: &str) -> bool {
    text.contains("evaluation=")
        || text.contains("<weight")
        || text.contains("hyperRectangle")
        || text.contains("<evaluator")
}

/// Reads a GENIUS domain and its profiles (one party each, in the order given; the party is
/// named after the profile's file stem).
pub fn read_genius(
    domain: &Path,
    profiles: &[&Path],
    opts: ReadOptions,
) -> Result<(Scenario, Vec<Warning>), FormatError> {
    let mut warnings = Vec::new();
    let read = |p: &Path| -> Result<(String, String), FormatError> {
        let name = p.display().to_string();
        let text = std::fs::read_to_string(p).map_err(|e| FormatError {
            file: name.clone(),
            line: None,
            column: None,
            message: format!("cannot read the file: {e}"),
        })?;
        Ok((name, text))
    };
    let (dname, dtext) = read(domain)?;
    let mut texts = Vec::new();
    for p in profiles {
        let (name, text) = read(p)?;
        let stem = p
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("party")
            .to_string();
        texts.push((name, text, stem));
    }
    let profile_refs: Vec<(&str, &str, &str)> = texts
        .iter()
        .map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str()))
        .collect();
    let scenario = parse_genius(&dname, &dtext, &profile_refs, opts, &mut warnings)?;
    Ok((scenario, warnings))
}

/// Parses a GENIUS domain text and profile texts `(file name, text, party name)`.
pub fn parse_genius(
    domain_file: &str,
    domain_text: &str,
    profiles: &[(&str, &str, &str)],
    opts: ReadOptions,
    warnings: &mut Vec<Warning>,
) -> Result<Scenario, FormatError> {
    let dtext = parse_xml(domain_file, domain_text, opts, warnings)?;
    let ddoc = roxmltree::Document::parse(&dtext).map_err(|e| FormatError {
        file: domain_file.into(),
        line: None,
        column: None,
        message: e.to_string(),
    })?;
    // Each profile is repaired and parsed once, and read twice: for numeric bounds that live
    // only in the profiles (web_service), then for the preferences.
    let mut profile_texts = Vec::new();
    for (file, text, name) in profiles {
        let fixed = parse_xml(file, text, opts, warnings)?;
        profile_texts.push((file.to_string(), fixed, name.to_string()));
    }
    let mut profile_docs = Vec::new();
    for (file, text, _) in &profile_texts {
        profile_docs.push(roxmltree::Document::parse(text).map_err(|e| FormatError {
            file: file.clone(),
            line: None,
            column: None,
            message: e.to_string(),
        })?);
    }
    // Issue name -> the first bounds a profile gives it (profile order).
    let mut profile_bounds: HashMap<&str, (f64, f64)> = HashMap::new();
    for (doc, (_, text, _)) in profile_docs.iter().zip(&profile_texts) {
        let pcx = Ctx::new("", text, opts, &mut *warnings);
        for pn in issue_nodes(doc.root_element()) {
            let Some(name) = pn.attribute("name") else {
                continue;
            };
            if profile_bounds.contains_key(name) {
                continue;
            }
            if let Some(b) = bounds(&pcx, pn).ok().flatten() {
                profile_bounds.insert(name, b);
            }
        }
    }
    let mut cx = Ctx::new(domain_file, &dtext, opts, warnings);
    let droot = ddoc.root_element();
    if objective(droot).is_none() {
        return Err(cx.error(droot, "no <objective> element: not a GENIUS domain"));
    }
    let mut dissues = Vec::new();
    for node in issue_nodes(droot) {
        let name = node.attribute("name").unwrap_or("");
        let fallback = profile_bounds.get(name).copied();
        dissues.push(read_issue(&mut cx, node, fallback)?);
    }
    if dissues.is_empty() {
        return Err(cx.error(droot, "the domain declares no <issue>"));
    }
    let space = OutcomeSpace::new(dissues.iter().map(|d| d.issue.clone()).collect())
        .map_err(|e| cx.error(droot, e.message))?;
    let lookup = Lookup::new(&dissues, &space);

    let mut parties = Vec::new();
    for (doc, (file, text, name)) in profile_docs.iter().zip(&profile_texts) {
        let mut pcx = Ctx::new(file, text, opts, &mut *cx.warnings);
        parties.push(read_profile(
            &mut pcx,
            doc.root_element(),
            name,
            &dissues,
            &lookup,
            &space,
        )?);
    }
    let name = Path::new(domain_file)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("genius")
        .to_string();
    Scenario::new(name, None, space, parties, None).map_err(|e| FormatError {
        file: domain_file.into(),
        line: None,
        column: None,
        message: e.to_string(),
    })
}

/// The domain's issues and discrete values by name and index, built once, so that reading a
/// profile costs one hash look-up per item rather than a scan of the issue (issue 18: a scan
/// per item made a 200,000-item issue quadratic).
struct Lookup<'d> {
    /// Issue name -> position (the first issue of that name).
    by_name: HashMap<&'d str, usize>,
    /// Issue `index` attribute -> position (the first issue with that index).
    by_index: HashMap<&'d str, usize>,
    /// Per issue, option name -> value index (discrete issues; empty otherwise).
    values: Vec<HashMap<&'d str, u32>>,
}

impl<'d> Lookup<'d> {
    fn new(dissues: &'d [DomainIssue], space: &'d OutcomeSpace) -> Self {
        let mut by_name = HashMap::new();
        let mut by_index = HashMap::new();
        for (pos, d) in dissues.iter().enumerate() {
            by_name.entry(d.issue.name.as_str()).or_insert(pos);
            by_index.entry(d.index.as_str()).or_insert(pos);
        }
        let values = space
            .issues()
            .iter()
            .map(|issue| match &issue.kind {
                IssueKind::Discrete { options } => {
                    let mut m = HashMap::with_capacity(options.len());
                    for (k, o) in options.iter().enumerate() {
                        m.entry(o.name.as_str()).or_insert(k as u32);
                    }
                    m
                }
                _ => HashMap::new(),
            })
            .collect();
        Lookup {
            by_name,
            by_index,
            values,
        }
    }

    /// The position of the issue a profile's `<issue>` names: by name, or by index when it has
    /// no name.
    fn issue(&self, node: roxmltree::Node) -> Option<usize> {
        match node.attribute("name") {
            Some(name) => self.by_name.get(name).copied(),
            None => node
                .attribute("index")
                .and_then(|i| self.by_index.get(i).copied()),
        }
    }
}

fn read_profile(
    cx: &mut Ctx,
    root: roxmltree::Node,
    name: &str,
    dissues: &[DomainIssue],
    lookup: &Lookup,
    space: &OutcomeSpace,
) -> Result<Party, FormatError> {
    let n = dissues.len();
    let mut weights = vec![0.0; n];
    let mut functions: Vec<ValueFunction> = space
        .issues()
        .iter()
        .map(|i| ValueFunction::Table(vec![0.0; i.size() as usize]))
        .collect();
    let mut terms = Vec::new();
    let mut reservation = None;
    let mut discount = None;
    if let Some(r) = root.descendants().find(|c| c.has_tag_name("reservation")) {
        reservation = Some(cx.number(r, "value")?);
    }
    if let Some(d) = root
        .descendants()
        .find(|c| c.has_tag_name("discount_factor"))
    {
        let v = cx.number(d, "value")?;
        // GENIUS: a factor outside (0, 1) means no discount.
        discount = (v > 0.0 && v < 1.0).then_some(v);
    }
    let nonlinear = root
        .attribute("type")
        .is_some_and(|t| t.eq_ignore_ascii_case("nonlinear"));
    if nonlinear {
        read_hyperrectangles(cx, root, dissues, lookup, space, &mut terms)?;
    } else {
        if root
            .attribute("type")
            .is_some_and(|t| t.eq_ignore_ascii_case("UNCERTAIN"))
        {
            return Err(cx.error(root, "uncertain preference profiles (ANAC 2018/19 `type=\"UNCERTAIN\"`) are not supported"));
        }
        let Some(obj) = objective(root) else {
            return Err(cx.error(root, "no <objective> element: not a GENIUS utility space"));
        };
        // GENIUS reads weights by index, wherever they stand (many ANAC files list them first).
        let weight_nodes: Vec<roxmltree::Node> = obj
            .children()
            .filter(|c| c.has_tag_name("weight"))
            .collect();
        for w in weight_nodes {
            let index = cx.attr(w, "index")?;
            let value = cx.number(w, "value")?;
            let Some(&pos) = lookup.by_index.get(index) else {
                return Err(cx.error(
                    w,
                    format!("<weight index=\"{index}\"> names no issue of the domain"),
                ));
            };
            weights[pos] = value;
        }
        for node in issue_nodes(root) {
            let Some(pos) = lookup.issue(node) else {
                return Err(cx.error(
                    node,
                    format!(
                        "issue `{}` is not in the domain",
                        node.attribute("name").unwrap_or("?")
                    ),
                ));
            };
            functions[pos] = read_evaluator(cx, node, &dissues[pos].issue, &lookup.values[pos])?;
        }
    }
    Ok(Party {
        name: name.to_string(),
        role: Role::Party,
        preferences: Some(Preferences {
            weights,
            functions,
            terms,
        }),
        red_lines: Vec::new(),
        reservation,
        discount,
        description: None,
    })
}

fn read_evaluator(
    cx: &mut Ctx,
    node: roxmltree::Node,
    issue: &Issue,
    values: &HashMap<&str, u32>,
) -> Result<ValueFunction, FormatError> {
    match &issue.kind {
        IssueKind::Discrete { options } => {
            let mut evals: Vec<Option<f64>> = vec![None; options.len()];
            for item in items(node) {
                let value = cx.attr(item, "value")?;
                let Some(&k) = values.get(value) else {
                    return Err(cx.error(
                        item,
                        format!(
                            "value `{value}` is not in the domain's issue `{}`",
                            issue.name
                        ),
                    ));
                };
                let Some(_) = item.attribute("evaluation") else {
                    return Err(cx.error(item, "<item> needs an `evaluation` attribute"));
                };
                let e = cx.number(item, "evaluation")?;
                let k = k as usize;
                if evals[k].is_some() {
                    cx.tolerate(item, format!("value `{value}` of issue `{}` is evaluated twice; the last one ({e}) wins, as in GENIUS", issue.name))?;
                }
                evals[k] = Some(e);
            }
            if let Some(k) = evals.iter().position(Option::is_none) {
                return Err(cx.error(
                    node,
                    format!(
                        "value `{}` of issue `{}` has no evaluation",
                        options[k].name, issue.name
                    ),
                ));
            }
            let evals: Vec<f64> = evals.into_iter().map(|e| e.unwrap_or(0.0)).collect();
            let max = evals.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
            if evals.iter().any(|e| *e < 0.0) {
                return Err(cx.error(
                    node,
                    format!("issue `{}` has a negative evaluation", issue.name),
                ));
            }
            // EvaluatorDiscrete.normalize: divide by the largest evaluation; tiny maxima give 0.
            Ok(ValueFunction::Table(
                evals
                    .iter()
                    .map(|e| if max < 1e-5 { 0.0 } else { e / max })
                    .collect(),
            ))
        }
        _ => {
            let Some(ev) = node.children().find(|c| c.has_tag_name("evaluator")) else {
                return Err(cx.error(
                    node,
                    format!("numeric issue `{}` needs an <evaluator>", issue.name),
                ));
            };
            let ftype = ev
                .attribute("ftype")
                .unwrap_or("linear")
                .to_ascii_lowercase();
            let f: Box<dyn Fn(f64) -> f64> = match (ftype.as_str(), &issue.kind) {
                ("linear", IssueKind::Integer { min, .. }) if ev.attribute("slope").is_some() => {
                    let slope = cx.number(ev, "slope")?;
                    let offset = cx.number(ev, "offset")?;
                    let lo = *min as f64;
                    Box::new(move |v| slope * (v - lo) + offset)
                }
                ("linear", _) => {
                    let p0 = cx.number(ev, "parameter0")?;
                    let p1 = cx.number(ev, "parameter1")?;
                    Box::new(move |v| p1 * v + p0)
                }
                ("constant", _) => {
                    let p0 = cx.number(ev, "parameter0")?;
                    Box::new(move |_| p0)
                }
                ("triangular", _) => {
                    let lo = cx.number(ev, "parameter0")?;
                    let hi = cx.number(ev, "parameter1")?;
                    let top = cx.number(ev, "parameter2")?;
                    Box::new(move |v| {
                        if v < lo || v > hi {
                            0.0
                        } else if v <= top {
                            if top > lo {
                                (v - lo) / (top - lo)
                            } else {
                                1.0
                            }
                        } else if hi > top {
                            (hi - v) / (hi - top)
                        } else {
                            1.0
                        }
                    })
                }
                (other, _) => {
                    return Err(cx.error(ev, format!("evaluator ftype `{other}` is not supported (linear, constant, triangular)")));
                }
            };
            // Tabulated on the issue's grid, clamped to [0, 1] as GENIUS does.
            Ok(ValueFunction::Table(
                (0..issue.size() as u32)
                    .map(|k| f(issue.numeric(k)).clamp(0.0, 1.0))
                    .collect(),
            ))
        }
    }
}

fn read_hyperrectangles(
    cx: &mut Ctx,
    root: roxmltree::Node,
    dissues: &[DomainIssue],
    lookup: &Lookup,
    space: &OutcomeSpace,
    terms: &mut Vec<Term>,
) -> Result<(), FormatError> {
    let Some(utility) = root.descendants().find(|c| c.has_tag_name("utility")) else {
        return Err(cx.error(
            root,
            "a nonlinear utility space needs a <utility maxutility=...> element",
        ));
    };
    let max = cx.number(utility, "maxutility")?;
    if max.is_nan() || max <= 0.0 {
        return Err(cx.error(utility, "`maxutility` must be > 0"));
    }
    for ufun in utility.children().filter(|c| c.has_tag_name("ufun")) {
        let agg = ufun.attribute("aggregation").unwrap_or("sum");
        if !agg.eq_ignore_ascii_case("sum") {
            return Err(cx.error(
                ufun,
                format!("ufun aggregation `{agg}` is not supported (sum)"),
            ));
        }
        let weight = cx.opt_number(ufun, "weight")?.unwrap_or(1.0);
        for rect in ufun.children().filter(|c| c.has_tag_name("hyperRectangle")) {
            let u = cx.number(rect, "utility")?;
            let mut parts = Vec::new();
            for bound in rect.children().filter(|c| c.is_element()) {
                let negate = match bound.tag_name().name() {
                    "INCLUDES" => false,
                    "EXCLUDES" => true,
                    other => {
                        return Err(cx.error(
                            bound,
                            format!("<{other}> in a hyperRectangle: expected INCLUDES or EXCLUDES"),
                        ))
                    }
                };
                let index = cx.attr(bound, "index")?;
                let Some(d) = lookup.by_index.get(index).map(|&pos| &dissues[pos]) else {
                    return Err(
                        cx.error(bound, format!("index {index} names no issue of the domain"))
                    );
                };
                let lo = cx.attr(bound, "min")?;
                let hi = cx.attr(bound, "max")?;
                parts.push(format!(
                    "\"{}\" {}in {}..{}",
                    d.issue.name,
                    if negate { "not " } else { "" },
                    lo.trim(),
                    hi.trim()
                ));
            }
            let text = if parts.is_empty() {
                "true".to_string()
            } else {
                parts.join(" and ")
            };
            let rule = Rule::parse(&text, space.issues())
                .map_err(|e| cx.error(rect, format!("hyperRectangle: {}", e.message)))?;
            terms.push(Term {
                rule,
                value: weight * u / max,
            });
        }
    }
    Ok(())
}
