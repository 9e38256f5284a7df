//! `accord._accord`: the Accord engine as a Python extension module (the package `accord` wraps
//! it; see `python/accord/__init__.py` and `docs/python.md`).
//!
//! Everything here translates: Python values in, engine calls, Python values out. Results are
//! the same JSON documents the command line writes (the analysis of `docs/analysis-json.md`
//! through `accord_analysis::json`, the trace and summary fields of `docs/negotiate.md`, the
//! result rows and standings of `docs/tournament.md`), handed over as dicts and lists.
//!
//! Errors become Python exceptions with the engine's message (file, line, column and field for
//! scenario errors); a panic is caught here and raised as `AccordError`, never left to unwind
//! into the interpreter. Long computations release the interpreter lock.

use accord_analysis::{analyze as run_analysis, Options};
use accord_formats::{draft_from_doc, FormatError, ReadOptions, Scalar};
use accord_model::{Outcome, Rng, Scenario as Model, U256};
use accord_protocol::{sao::Failure, Ballot, Binding, Deadline, VoteMode};
use accord_strategy::{
    mediator, negotiator, run_sao, run_single_text_bound, voter, Negotiator, Seat, Step,
    TraceEvent, UtilityIndex, Voter,
};
use accord_tournament::{config::Config, Row, Shard, Standings, Tournament};
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyInt, PyList, PyString};
use serde_json::{json, Map, Value as Json};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

pyo3::create_exception!(
    accord,
    AccordError,
    PyException,
    "An error from the Accord engine: bad input, an impossible request, a failed run."
);
pyo3::create_exception!(
    accord,
    ScenarioError,
    AccordError,
    "A scenario that cannot be read or is not valid; `file`, `line`, `column` and `message` say where and what."
);
pyo3::create_exception!(
    accord,
    TournamentError,
    AccordError,
    "A tournament configuration that cannot be used, or a tournament that failed."
);

fn accord_err(message: impl std::fmt::Display) -> PyErr {
    AccordError::new_err(message.to_string())
}

/// A scenario error with its place as attributes.
fn scenario_err(py: Python<'_>, e: &FormatError) -> PyErr {
    let err = ScenarioError::new_err(e.to_string());
    let value = err.value(py);
    let _ = value.setattr("file", &e.file);
    let _ = value.setattr("line", e.line);
    let _ = value.setattr("column", e.column);
    let _ = value.setattr("message", &e.message);
    err
}

/// Runs `f` without the interpreter lock, turning a panic into `AccordError`.
fn guarded<T: Send>(
    py: Python<'_>,
    what: &str,
    f: impl FnOnce() -> Result<T, PyErrText> + Send,
) -> PyResult<T> {
    let out = py.detach(|| std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)));
    match out {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(e.into_err(py)),
        Err(panic) => {
            let text = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("unknown cause");
            Err(accord_err(format!(
                "internal error in {what} (please report it): {text}"
            )))
        }
    }
}

/// An error made without the interpreter lock, raised once it is held again.
enum PyErrText {
    Accord(String),
    Scenario(FormatError),
    Tournament(String),
}

impl PyErrText {
    fn into_err(self, py: Python<'_>) -> PyErr {
        match self {
            PyErrText::Accord(m) => accord_err(m),
            PyErrText::Scenario(e) => scenario_err(py, &e),
            PyErrText::Tournament(m) => TournamentError::new_err(m),
        }
    }
}

fn text_err(e: impl std::fmt::Display) -> PyErrText {
    PyErrText::Accord(e.to_string())
}

/// JSON as Python objects: dicts (in the document's order), lists, str, int, float, bool, None.
fn to_py<'py>(py: Python<'py>, v: &Json) -> PyResult<Bound<'py, PyAny>> {
    Ok(match v {
        Json::Null => py.None().into_bound(py),
        Json::Bool(b) => b.into_pyobject(py)?.to_owned().into_any(),
        Json::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into_pyobject(py)?.into_any()
            } else if let Some(u) = n.as_u64() {
                u.into_pyobject(py)?.into_any()
            } else {
                n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any()
            }
        }
        Json::String(s) => PyString::new(py, s).into_any(),
        Json::Array(a) => {
            let list = PyList::empty(py);
            for x in a {
                list.append(to_py(py, x)?)?;
            }
            list.into_any()
        }
        Json::Object(m) => {
            let dict = PyDict::new(py);
            for (k, x) in m {
                // Outcome indices beyond 2^53 travel as decimal strings in JSON
                // (`accord_analysis::json::index`); Python gets them as ints again.
                let big = matches!(k.as_str(), "index" | "agreement_index" | "outcome")
                    .then(|| accord_analysis::json::parse_index(x))
                    .flatten()
                    .filter(|_| x.is_string());
                match big {
                    Some(i) => dict.set_item(k, offer_to_py(py, i)?)?,
                    None => dict.set_item(k, to_py(py, x)?)?,
                }
            }
            dict.into_any()
        }
    })
}

/// An outcome index (or a count of outcomes) as a Python int, exact at any size.
fn offer_to_py(py: Python<'_>, i: U256) -> PyResult<Bound<'_, PyAny>> {
    match u64::try_from(i) {
        Ok(small) => Ok(small.into_pyobject(py)?.into_any()),
        Err(_) => py.get_type::<PyInt>().call1((i.to_string(),)),
    }
}

/// A Python int as an outcome index: `None` when `obj` is not an int (a bool is not one);
/// an error when it is negative or 2^256 or more.
fn offer_from_py(obj: &Bound<'_, PyAny>) -> PyResult<Option<U256>> {
    if !obj.is_instance_of::<PyInt>() || obj.is_instance_of::<pyo3::types::PyBool>() {
        return Ok(None);
    }
    if let Ok(small) = obj.extract::<u64>() {
        return Ok(Some(U256::from(small)));
    }
    let text = obj.str()?.to_string();
    U256::from_str_radix(&text, 10)
        .map(Some)
        .map_err(|_| accord_err(format!("outcome index {text} is out of range")))
}

/// A Python value (dicts, lists, numbers, strings) as JSON text, through the standard library.
fn dumps(value: &Bound<'_, PyAny>, indent: Option<usize>) -> PyResult<String> {
    let json = value.py().import("json")?;
    let kwargs = PyDict::new(value.py());
    kwargs.set_item("indent", indent)?;
    kwargs.set_item("allow_nan", false)?;
    json.call_method("dumps", (value,), Some(&kwargs))?
        .extract()
}

/// A scenario: issues, parties with their preferences and red lines, and perhaps a draft.
/// Immutable; build one with `accord.load`, `accord.loads` or `Scenario.from_dict`.
#[pyclass(frozen, module = "accord._accord")]
struct Scenario {
    inner: Arc<Model>,
    /// The `[phasing]` of an Accord file (the phased analysis runs on it), if it has one.
    phasing: Option<Arc<accord_model::Phasing>>,
    warnings: Vec<String>,
    format: &'static str,
}

impl Scenario {
    fn wrap(inner: Model, warnings: Vec<String>, format: &'static str) -> Self {
        Scenario {
            inner: Arc::new(inner),
            phasing: None,
            warnings,
            format,
        }
    }

    fn with_phasing(mut self, phasing: Option<accord_model::Phasing>) -> Self {
        self.phasing = phasing.map(Arc::new);
        self
    }

    fn outcome_of(&self, outcome: &Bound<'_, PyAny>) -> PyResult<Outcome> {
        let space = &self.inner.space;
        if let Some(i) = offer_from_py(outcome)? {
            return space.outcome(i).ok_or_else(|| {
                accord_err(format!(
                    "outcome index {i} is out of range (the space has {} outcomes)",
                    space.size()
                ))
            });
        }
        let dict = outcome.cast::<PyDict>().map_err(|_| {
            accord_err("an outcome is an index (int) or a dict {issue: value} naming every issue")
        })?;
        let mut map = BTreeMap::new();
        for (k, v) in dict.iter() {
            let key: String = k
                .extract()
                .map_err(|_| accord_err("an outcome's keys are issue names (str)"))?;
            let scalar = if let Ok(b) = v.extract::<bool>() {
                Scalar::Text(b.to_string())
            } else if let Ok(i) = v.extract::<i64>() {
                Scalar::Int(i)
            } else if let Ok(x) = v.extract::<f64>() {
                Scalar::Float(x)
            } else if let Ok(s) = v.extract::<String>() {
                Scalar::Text(s)
            } else {
                return Err(accord_err(format!(
                    "outcome: the value of `{key}` is neither a name nor a number"
                )));
            };
            map.insert(key, scalar);
        }
        draft_from_doc(&map, space).map_err(|e| accord_err(format!("outcome: {e}")))
    }

    fn party_index(&self, name: &str) -> PyResult<usize> {
        self.inner
            .parties
            .iter()
            .position(|p| p.name == name)
            .ok_or_else(|| {
                let names: Vec<&str> = self.inner.parties.iter().map(|p| p.name.as_str()).collect();
                accord_err(format!("no party `{name}` (parties: {})", names.join(", ")))
            })
    }
}

#[pymethods]
impl Scenario {
    /// A scenario from a dict in Accord's schema (the JSON form of docs/scenario-format.md).
    #[staticmethod]
    fn from_dict(py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<Self> {
        let text = dumps(data, Some(1))?;
        let model = accord_formats::parse_scenario(&text, accord_formats::Format::Json, "<dict>")
            .map_err(|e| scenario_err(py, &e))?;
        Ok(Scenario::wrap(model, Vec::new(), "accord"))
    }

    /// The scenario's name.
    #[getter]
    fn name(&self) -> &str {
        &self.inner.name
    }

    /// Its issues: dicts with `name`, `type` and `values` (option names, or numbers).
    #[getter]
    fn issues<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let issues: Vec<Json> = self
            .inner
            .space
            .issues()
            .iter()
            .map(|issue| {
                let values: Vec<Json> = (0..issue.size() as u32)
                    .map(|k| accord_analysis::json::value(&issue.value(k)))
                    .collect();
                let kind = match issue.value(0) {
                    accord_model::Value::Option(_) => "discrete",
                    accord_model::Value::Integer(_) => "integer",
                    accord_model::Value::Real(_) => "real",
                };
                json!({"name": issue.name, "type": kind, "values": values})
            })
            .collect();
        to_py(py, &Json::Array(issues))
    }

    /// The names of every seat (parties, mediators, observers), in order.
    #[getter]
    fn seats(&self) -> Vec<String> {
        self.inner.parties.iter().map(|p| p.name.clone()).collect()
    }

    /// The names of the negotiating parties (role `party`), in order.
    #[getter]
    fn parties(&self) -> Vec<String> {
        self.inner
            .negotiators()
            .into_iter()
            .map(|i| self.inner.parties[i].name.clone())
            .collect()
    }

    /// The number of outcomes (every combination of one value per issue).
    #[getter]
    fn outcome_count<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        offer_to_py(py, self.inner.space.size())
    }

    /// What a lenient read repaired, one message per repair (`file:line:column: ...`).
    #[getter]
    fn warnings(&self) -> Vec<String> {
        self.warnings.clone()
    }

    /// The format it was read from: `accord`, `genius` or `geniusweb`.
    #[getter]
    fn format(&self) -> &'static str {
        self.format
    }

    /// The scenario in Accord's JSON schema, as a dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let text = accord_formats::to_json(&self.inner);
        let value: Json = serde_json::from_str(&text).map_err(accord_err)?;
        to_py(py, &value)
    }

    /// The scenario as Accord JSON text.
    fn to_json(&self) -> String {
        accord_formats::to_json(&self.inner)
    }

    /// The scenario as Accord TOML text.
    fn to_toml(&self, py: Python<'_>) -> PyResult<String> {
        accord_formats::to_toml(&self.inner).map_err(|e| scenario_err(py, &e))
    }

    /// The outcome with this index as `{issue: value}` (first issue most significant).
    fn outcome<'py>(
        &self,
        py: Python<'py>,
        index: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        if offer_from_py(index)?.is_none() {
            return Err(accord_err("an outcome index is an int"));
        }
        let o = self.outcome_of(index)?;
        to_py(py, &accord_analysis::json::outcome(&self.inner, &o))
    }

    /// The index of an outcome given as `{issue: value}`.
    fn index<'py>(&self, outcome: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let o = self.outcome_of(outcome)?;
        let i = self
            .inner
            .space
            .index(&o)
            .ok_or_else(|| accord_err("the outcome is not in the space"))?;
        offer_to_py(outcome.py(), i)
    }

    /// A party's utility of an outcome (an index, or `{issue: value}`), red lines aside.
    fn utility(&self, party: &str, outcome: &Bound<'_, PyAny>) -> PyResult<f64> {
        let p = &self.inner.parties[self.party_index(party)?];
        let prefs = p
            .preferences
            .as_ref()
            .ok_or_else(|| accord_err(format!("party `{party}` has no preferences")))?;
        let o = self.outcome_of(outcome)?;
        Ok(prefs.utility(&self.inner.space, &o))
    }

    /// A party's additive preferences as numbers: `{"weights": [w per issue], "scores":
    /// [[score per value] per issue], "terms": n, "red_lines": n}` (scores in [0, 1]; the
    /// utility is the weighted sum plus the terms that hold).
    fn preferences<'py>(&self, py: Python<'py>, party: &str) -> PyResult<Bound<'py, PyAny>> {
        let p = &self.inner.parties[self.party_index(party)?];
        let prefs = p
            .preferences
            .as_ref()
            .ok_or_else(|| accord_err(format!("party `{party}` has no preferences")))?;
        let space = &self.inner.space;
        let scores: Vec<Vec<f64>> = space
            .issues()
            .iter()
            .zip(&prefs.functions)
            .map(|(issue, f)| {
                (0..issue.size() as u32)
                    .map(|k| f.score(issue, k))
                    .collect()
            })
            .collect();
        to_py(
            py,
            &json!({
                "weights": prefs.weights,
                "scores": scores,
                "terms": prefs.terms.len(),
                "red_lines": p.red_lines.len(),
            }),
        )
    }

    /// Whether an outcome respects every red line of `party`.
    fn respects_red_lines(&self, party: &str, outcome: &Bound<'_, PyAny>) -> PyResult<bool> {
        let p = &self.inner.parties[self.party_index(party)?];
        let o = self.outcome_of(outcome)?;
        Ok(p.red_lines.iter().all(|r| r.rule.holds(&o.0)))
    }

    fn __repr__(&self) -> String {
        format!(
            "<accord.Scenario {:?}: {} issues, {} outcomes, parties {:?}>",
            self.inner.name,
            self.inner.space.issues().len(),
            self.inner.space.size(),
            self.parties()
        )
    }
}

/// Loads a scenario: an Accord file (`.toml`, `.json`), a folder holding a GENIUS (XML) or
/// GeniusWeb (JSON) domain and its profiles, or a domain file followed by its profiles.
#[pyfunction]
#[pyo3(signature = (*paths, lenient = false))]
fn load(py: Python<'_>, paths: Vec<PathBuf>, lenient: bool) -> PyResult<Scenario> {
    if paths.is_empty() {
        return Err(accord_err(
            "load() needs a scenario file, a domain folder, or a domain file and its profiles",
        ));
    }
    let (loaded, phasing) = guarded(py, "load", || {
        let loaded =
            accord_formats::load(&paths, ReadOptions { lenient }).map_err(PyErrText::Scenario)?;
        // As `accord analyze`: a single Accord file may carry a `[phasing]`.
        let phasing = match paths.as_slice() {
            [path]
                if path.is_file()
                    && path.extension().is_some_and(|e| e == "toml" || e == "json") =>
            {
                accord_formats::read_phased_scenario(path)
                    .map_err(PyErrText::Scenario)?
                    .1
            }
            _ => None,
        };
        Ok((loaded, phasing))
    })?;
    Ok(Scenario::wrap(
        loaded.scenario,
        loaded.warnings.iter().map(ToString::to_string).collect(),
        loaded.format,
    )
    .with_phasing(phasing))
}

/// Parses a scenario from Accord TOML or JSON text; `name` stands for the file in errors.
#[pyfunction]
#[pyo3(signature = (text, format = "toml", name = "<string>"))]
fn loads(py: Python<'_>, text: &str, format: &str, name: &str) -> PyResult<Scenario> {
    let format = match format {
        "toml" => accord_formats::Format::Toml,
        "json" => accord_formats::Format::Json,
        other => {
            return Err(accord_err(format!(
                "format `{other}`: expected \"toml\" or \"json\""
            )))
        }
    };
    let (model, phasing) = accord_formats::parse_phased_scenario(text, format, name)
        .map_err(|e| scenario_err(py, &e))?;
    Ok(Scenario::wrap(model, Vec::new(), "accord").with_phasing(phasing))
}

/// The analysis, as `accord analyze --json` writes it (docs/analysis-json.md).
#[pyfunction]
#[pyo3(signature = (scenario, *, draft = None, ties = 8, improvements = 10, search_budget = 1_000_000_000))]
fn analyze<'py>(
    py: Python<'py>,
    scenario: &Scenario,
    draft: Option<&Bound<'py, PyAny>>,
    ties: usize,
    improvements: usize,
    search_budget: u64,
) -> PyResult<Bound<'py, PyAny>> {
    let draft = draft.map(|d| scenario.outcome_of(d)).transpose()?;
    let model = scenario.inner.clone();
    let phasing = scenario.phasing.clone();
    let value = guarded(py, "analyze", move || {
        let opts = Options {
            tied_outcomes: ties,
            improvements,
            draft,
            search_budget,
            ..Options::default()
        };
        let report = run_analysis(&model, &opts).map_err(text_err)?;
        let mut value = accord_analysis::json::report(&model, &report);
        // `phased`, as `accord analyze --json` adds it (docs/analysis-json.md).
        if let (Some(p), Some(obj)) = (&phasing, value.as_object_mut()) {
            let phased = accord_analysis::phased::analyze_phased(&model, p);
            obj.insert(
                "phased".into(),
                accord_analysis::phased::to_json(&model, &phased),
            );
        }
        Ok(value)
    })?;
    to_py(py, &value)
}

fn ballot_name(b: Ballot) -> &'static str {
    match b {
        Ballot::Accept => "accept",
        Ballot::Reject => "reject",
        Ballot::Better => "better",
        Ballot::Worse => "worse",
        Ballot::Same => "same",
    }
}

fn outcome_json(s: &Model, offer: accord_protocol::Offer) -> Json {
    match s.space.outcome(offer) {
        Some(o) => accord_analysis::json::outcome(s, &o),
        None => Json::Null,
    }
}

/// One trace event with the fields of `accord negotiate --trace` (docs/negotiate.md), plus the
/// outcome's index.
fn event_json(s: &Model, names: &[String], e: &TraceEvent) -> Json {
    let utilities = e.utilities.as_ref().map(|u| {
        names
            .iter()
            .zip(u)
            .map(|(n, x)| (n.clone(), json!(x)))
            .collect::<Map<_, _>>()
    });
    match e.step {
        Step::Offer { party, offer } => {
            json!({"type": "offer", "t": e.t, "round": e.round, "party": names[party], "outcome": outcome_json(s, offer), "index": accord_analysis::json::index(offer), "utilities": utilities})
        }
        Step::Accept { party } => {
            json!({"type": "accept", "t": e.t, "round": e.round, "party": names[party]})
        }
        Step::End { party } => {
            json!({"type": "end", "t": e.t, "round": e.round, "party": names[party]})
        }
        Step::Draft { version, text } => {
            json!({"type": "draft", "t": e.t, "round": e.round, "version": version, "outcome": outcome_json(s, text), "index": accord_analysis::json::index(text), "utilities": utilities})
        }
        Step::Vote {
            party,
            ballot,
            amendment,
        } => json!({
            "type": "vote", "t": e.t, "round": e.round, "party": names[party], "ballot": ballot_name(ballot),
            "amendment": amendment.map(|(i, v)| {
                let issue = &s.space.issues()[i];
                json!({"issue": issue.name, "value": accord_analysis::json::value(&issue.value(v))})
            }),
        }),
        Step::Resolved { version, accepted } => {
            json!({"type": "resolved", "t": e.t, "round": e.round, "version": version, "accepted": accepted})
        }
        Step::Answer { party, answer } => json!({
            "type": "answer", "t": e.t, "round": e.round, "party": names[party],
            "acceptable": answer.acceptable, "grade": answer.grade.map(|g| g.as_str()),
            "critique": answer.critique.map(|(i, v)| {
                let issue = &s.space.issues()[i];
                json!({"issue": issue.name, "value": accord_analysis::json::value(&issue.value(v))})
            }),
        }),
        Step::Polled {
            version,
            acceptable,
        } => {
            json!({"type": "polled", "t": e.t, "round": e.round, "version": version, "acceptable": acceptable})
        }
        Step::Final { version, text } => {
            json!({"type": "final", "t": e.t, "round": e.round, "version": version, "outcome": outcome_json(s, text), "index": accord_analysis::json::index(text), "utilities": utilities})
        }
    }
}

/// What `negotiate` was asked for, read while holding the interpreter lock.
struct NegotiateRequest {
    protocol: String,
    strategies: BTreeMap<String, String>,
    default_strategy: String,
    mediator: String,
    voter: String,
    votes: VoteMode,
    binding: Binding,
    deadline: Deadline,
    seed: u64,
    trace: bool,
    compare: bool,
}

fn run_negotiation(s: &Model, req: &NegotiateRequest) -> Result<Json, PyErrText> {
    let parties = s.negotiators();
    if parties.len() < 2 {
        return Err(text_err(
            "a negotiation needs at least two seats with role \"party\"",
        ));
    }
    let names: Vec<String> = parties.iter().map(|&i| s.parties[i].name.clone()).collect();
    for name in req.strategies.keys() {
        if !names.contains(name) {
            return Err(text_err(format!(
                "strategies names `{name}`, which is not a negotiating party (parties: {})",
                names.join(", ")
            )));
        }
    }
    let built = Instant::now();
    let mut seats = Vec::with_capacity(parties.len());
    for &i in &parties {
        let p = &s.parties[i];
        let prefs = p
            .preferences
            .as_ref()
            .ok_or_else(|| text_err(format!("party `{}` has no preferences", p.name)))?;
        let index = UtilityIndex::build(&s.space, prefs, &p.red_lines)
            .map_err(|e| text_err(format!("party `{}`: {e}", p.name)))?;
        seats.push(Seat {
            name: p.name.clone(),
            index: Arc::new(index),
            reservation: p.reservation.unwrap_or(0.0),
            discount: p.discount,
        });
    }
    let index_seconds = built.elapsed().as_secs_f64();
    let start = Instant::now();
    let mut clock = || start.elapsed().as_secs_f64();
    let mut rng = Rng::new(req.seed);
    let mut events: Vec<TraceEvent> = Vec::new();
    let mut roles = Map::new();
    let spec_of = |name: &str, default: &str| -> String {
        req.strategies
            .get(name)
            .cloned()
            .unwrap_or_else(|| default.to_string())
    };
    let deadline = json!({"rounds": req.deadline.rounds, "seconds": req.deadline.seconds});
    let (start_event, summary) = match req.protocol.as_str() {
        "sao" => {
            let mut agents: Vec<Box<dyn Negotiator>> = Vec::new();
            for seat in &seats {
                let spec = spec_of(&seat.name, &req.default_strategy);
                agents.push(
                    negotiator(&spec, seat.index.clone(), seat.reservation)
                        .map_err(|e| text_err(format!("strategy of `{}`: {e}", seat.name)))?,
                );
                roles.insert(seat.name.clone(), json!(spec));
            }
            let start = json!({"type": "start", "protocol": "sao", "seed": req.seed, "parties": names, "strategies": roles, "deadline": deadline});
            let summary = if req.trace {
                run_sao(
                    &seats,
                    &mut agents,
                    req.deadline,
                    &mut rng,
                    &mut clock,
                    &mut events,
                )
            } else {
                run_sao(
                    &seats,
                    &mut agents,
                    req.deadline,
                    &mut rng,
                    &mut clock,
                    &mut accord_strategy::NoTrace,
                )
            }
            .map_err(text_err)?;
            (start, summary)
        }
        "single-text" => {
            let mut voters: Vec<Box<dyn Voter>> = Vec::new();
            for seat in &seats {
                let spec = spec_of(&seat.name, &req.voter);
                voters.push(
                    voter(&spec, seat.index.clone(), seat.reservation)
                        .map_err(|e| text_err(format!("voter of `{}`: {e}", seat.name)))?,
                );
                roles.insert(seat.name.clone(), json!(spec));
            }
            let mut med = mediator(&req.mediator).map_err(text_err)?;
            let start = json!({"type": "start", "protocol": "single-text", "seed": req.seed, "parties": names, "voters": roles, "mediator": req.mediator, "deadline": deadline});
            let summary = if req.trace {
                run_single_text_bound(
                    &seats,
                    &mut voters,
                    med.as_mut(),
                    req.deadline,
                    req.votes,
                    req.binding,
                    &mut rng,
                    &mut clock,
                    &mut events,
                )
            } else {
                run_single_text_bound(
                    &seats,
                    &mut voters,
                    med.as_mut(),
                    req.deadline,
                    req.votes,
                    req.binding,
                    &mut rng,
                    &mut clock,
                    &mut accord_strategy::NoTrace,
                )
            }
            .map_err(text_err)?;
            (start, summary)
        }
        other => {
            return Err(text_err(format!(
                "protocol `{other}`: expected \"sao\" or \"single-text\""
            )))
        }
    };
    // Where the result stands against the analysis (as `accord negotiate` reports it).
    let (report, analysis_skipped) = if req.compare {
        match run_analysis(s, &Options::default()) {
            Ok(r) => (Some(r), None),
            Err(e) => (None, Some(e.to_string())),
        }
    } else {
        (None, None)
    };
    let agreed = summary.agreement.is_some();
    let frontier_distance = report
        .as_ref()
        .filter(|_| agreed)
        .map(|r| r.frontier_distance(&summary.utilities));
    let nash: Option<Vec<f64>> = report
        .as_ref()
        .and_then(|r| r.reference_nash().map(<[f64]>::to_vec));
    let nash_distance = match (&nash, agreed) {
        (Some(n), true) => Some(accord_analysis::distance(n, &summary.utilities)),
        _ => None,
    };
    let in_zone = match (summary.agreement, req.compare) {
        (Some(a), true) => s
            .space
            .outcome(a)
            .and_then(|o| accord_analysis::Model::new(s).ok().map(|m| m.in_zone(&o.0))),
        _ => None,
    };
    let summary_json = json!({
        "type": "summary",
        "protocol": req.protocol,
        "seed": req.seed,
        "parties": names,
        "agreement": summary.agreement.map(|a| outcome_json(s, a)),
        "agreement_index": summary.agreement.map(accord_analysis::json::index),
        "utilities": summary.utilities,
        "discounted_utilities": summary.discounted,
        "rounds": summary.rounds,
        "t": summary.t,
        "failure": summary.failure.map(|f| match f {
            Failure::Deadline => "deadline".to_string(),
            Failure::EndedBy(p) if p < names.len() => format!("ended by {}", names[p]),
            Failure::EndedBy(_) => "ended by the mediator".to_string(),
            Failure::FinalRejected => "final text rejected".to_string(),
        }),
        "in_agreement_zone": in_zone,
        "distance_to_frontier": frontier_distance,
        "nash": nash,
        "distance_to_nash": nash_distance,
        "index_build_seconds": index_seconds,
        "analysis_skipped": analysis_skipped,
    });
    let mut trace = vec![start_event];
    trace.extend(events.iter().map(|e| event_json(s, &names, e)));
    trace.push(summary_json.clone());
    Ok(
        json!({"summary": summary_json, "trace": if req.trace { Json::Array(trace) } else { Json::Null }}),
    )
}

/// Runs one negotiation between the shipped agents and returns `{"summary": ..., "trace": [...]}`.
#[pyfunction]
#[pyo3(signature = (
    scenario, *, protocol = "sao", strategies = None, default_strategy = "boulware",
    mediator = "bayes-nash", voter = "hill-climber", votes = "accept", binding = "standing",
    rounds = None, seconds = None, seed = 0, trace = true, compare = true
))]
#[allow(clippy::too_many_arguments)]
fn negotiate<'py>(
    py: Python<'py>,
    scenario: &Scenario,
    protocol: &str,
    strategies: Option<BTreeMap<String, String>>,
    default_strategy: &str,
    mediator: &str,
    voter: &str,
    votes: &str,
    binding: &str,
    rounds: Option<u32>,
    seconds: Option<f64>,
    seed: u64,
    trace: bool,
    compare: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let votes = match votes {
        "accept" => VoteMode::AcceptReject,
        "feedback" => VoteMode::Feedback,
        other => {
            return Err(accord_err(format!(
                "votes `{other}`: expected \"accept\" or \"feedback\""
            )))
        }
    };
    let binding = match binding {
        "standing" => Binding::Standing,
        "first-acceptance" => Binding::FirstAcceptance,
        other => {
            return Err(accord_err(format!(
                "binding `{other}`: expected \"standing\" or \"first-acceptance\""
            )))
        }
    };
    if let Some(x) = seconds {
        if !(x.is_finite() && x > 0.0) {
            return Err(accord_err("seconds must be a positive number"));
        }
    }
    let deadline = match (rounds, seconds) {
        (None, None) => Deadline::rounds(100),
        (r, s) => Deadline {
            rounds: r,
            seconds: s,
        },
    };
    let req = NegotiateRequest {
        protocol: protocol.to_string(),
        strategies: strategies.unwrap_or_default(),
        default_strategy: default_strategy.to_string(),
        mediator: mediator.to_string(),
        voter: voter.to_string(),
        votes,
        binding,
        deadline,
        seed,
        trace,
        compare,
    };
    let model = scenario.inner.clone();
    let value = guarded(py, "negotiate", move || run_negotiation(&model, &req))?;
    to_py(py, &value)
}

/// A tournament configuration given as a dict: checked as the TOML file would be.
fn config_from_value(text: &str, placeholder_domains: bool) -> Result<(Config, bool), PyErrText> {
    let mut value: toml::Value = serde_json::from_str(text)
        .map_err(|e| PyErrText::Tournament(format!("configuration: {e}")))?;
    let table = value.as_table_mut().ok_or_else(|| {
        PyErrText::Tournament("configuration: expected a dict of settings".into())
    })?;
    // Scenarios given as objects stand for the domains the check asks for.
    let placeholder = placeholder_domains
        && !table.contains_key("domains")
        && !table.contains_key("random_domains");
    if placeholder {
        let mut r = toml::Table::new();
        r.insert("issues".into(), toml::Value::Integer(1));
        r.insert("values".into(), toml::Value::Integer(2));
        table.insert(
            "random_domains".into(),
            toml::Value::Array(vec![toml::Value::Table(r)]),
        );
    }
    let text = toml::to_string(&value)
        .map_err(|e| PyErrText::Tournament(format!("configuration: {e}")))?;
    let config = Config::parse(&text, "<config>").map_err(|e| {
        PyErrText::Tournament(e.to_string().replace("<config>: ", "configuration: "))
    })?;
    Ok((config, placeholder))
}

fn unique(names: &mut Vec<String>, name: &str) -> String {
    let mut candidate = name.to_string();
    let mut k = 2;
    while names.contains(&candidate) {
        candidate = format!("{name}#{k}");
        k += 1;
    }
    names.push(candidate.clone());
    candidate
}

fn row_json(row: &Row) -> Result<Json, PyErrText> {
    serde_json::to_value(row).map_err(text_err)
}

/// Runs a tournament: a configuration file (path) or a dict of the same settings, plus
/// scenarios as extra domains. Returns `{"total", "rows", "standings"}`; with `out`, the run
/// also writes the folder `accord tournament --out` writes (and resumes one).
#[pyfunction]
#[pyo3(signature = (config, *, scenarios = None, out = None, base = None, threads = None))]
fn tournament<'py>(
    py: Python<'py>,
    config: &Bound<'py, PyAny>,
    scenarios: Option<Vec<PyRef<'py, Scenario>>>,
    out: Option<PathBuf>,
    base: Option<PathBuf>,
    threads: Option<usize>,
) -> PyResult<Bound<'py, PyAny>> {
    let extra: Vec<Arc<Model>> = scenarios
        .unwrap_or_default()
        .iter()
        .map(|s| s.inner.clone())
        .collect();
    enum Source {
        File(PathBuf),
        Dict(String),
    }
    let source = if config.is_instance_of::<PyDict>() {
        Source::Dict(dumps(config, None)?)
    } else if let Ok(path) = config.extract::<PathBuf>() {
        Source::File(path)
    } else {
        return Err(accord_err(
            "config: a path to a tournament TOML file, or a dict of its settings",
        ));
    };
    let value = guarded(py, "tournament", move || {
        let (config, file) = match source {
            Source::File(path) => (
                Config::read(&path).map_err(|e| PyErrText::Tournament(e.to_string()))?,
                path,
            ),
            Source::Dict(text) => {
                let (mut config, placeholder) = config_from_value(&text, !extra.is_empty())?;
                if placeholder {
                    config.random_domains.clear();
                }
                let dir = base.unwrap_or_else(|| PathBuf::from("."));
                (config, dir.join("<config>"))
            }
        };
        let mut taken: Vec<String> = Vec::new();
        let extra: Vec<(String, String, Model)> = extra
            .iter()
            .map(|s| {
                let name = unique(&mut taken, &s.name);
                (name.clone(), format!("scenario {name}"), (**s).clone())
            })
            .collect();
        let t = Tournament::load_with(config, &file, extra)
            .map_err(|e| PyErrText::Tournament(e.to_string()))?;
        let pool = match threads {
            Some(n) => Some(
                rayon::ThreadPoolBuilder::new()
                    .num_threads(n)
                    .build()
                    .map_err(text_err)?,
            ),
            None => None,
        };
        let work = || -> Result<Json, PyErrText> {
            match &out {
                Some(dir) => {
                    let report = accord_tournament::run(&t, dir, Shard::ALL, &())
                        .map_err(|e| PyErrText::Tournament(e.to_string()))?;
                    let path = dir.join("results.jsonl");
                    let text = std::fs::read_to_string(&path)
                        .map_err(|e| text_err(format!("{}: {e}", path.display())))?;
                    let rows = text
                        .lines()
                        .filter(|l| !l.is_empty())
                        .map(|l| serde_json::from_str::<Json>(l).map_err(text_err))
                        .collect::<Result<Vec<_>, _>>()?;
                    Ok(json!({
                        "total": report.total,
                        "ran": report.ran,
                        "resumed": report.resumed,
                        "rows": rows,
                        "standings": serde_json::to_value(&report.standings).map_err(text_err)?,
                        "out": dir.display().to_string(),
                    }))
                }
                None => {
                    use rayon::prelude::*;
                    let rows = (0..t.total())
                        .into_par_iter()
                        .map(|i| t.run(i))
                        .collect::<Result<Vec<Row>, _>>()
                        .map_err(|e| PyErrText::Tournament(e.to_string()))?;
                    let mut standings = Standings::default();
                    for r in &rows {
                        standings.add(r);
                    }
                    Ok(json!({
                        "total": t.total(),
                        "ran": t.total(),
                        "resumed": 0,
                        "rows": rows.iter().map(row_json).collect::<Result<Vec<_>, _>>()?,
                        "standings": serde_json::to_value(standings.finish()).map_err(text_err)?,
                        "out": Json::Null,
                    }))
                }
            }
        };
        match pool {
            Some(p) => p.install(work),
            None => work(),
        }
    })?;
    to_py(py, &value)
}

/// The standings of a tournament as the aligned text table `accord tournament` prints.
#[pyfunction]
fn standings_table(standings: &Bound<'_, PyAny>) -> PyResult<String> {
    let text = dumps(standings, None)?;
    let rows: Vec<Json> = serde_json::from_str(&text).map_err(accord_err)?;
    let parsed: Vec<accord_tournament::Standing> = rows
        .into_iter()
        .map(|r| standing_from_json(&r))
        .collect::<Result<_, _>>()?;
    Ok(accord_tournament::summary::table(&parsed))
}

fn standing_from_json(r: &Json) -> PyResult<accord_tournament::Standing> {
    let f = |k: &str| r[k].as_f64();
    let need = |k: &str| f(k).ok_or_else(|| accord_err(format!("a standing without `{k}`")));
    Ok(accord_tournament::Standing {
        protocol: r["protocol"].as_str().unwrap_or("").to_string(),
        competitor: r["competitor"].as_str().unwrap_or("").to_string(),
        seats: r["seats"].as_u64().unwrap_or(0),
        tables: r["tables"].as_u64().unwrap_or(0),
        utility: need("utility")?,
        utility_ci95: f("utility_ci95"),
        agreement_rate: need("agreement_rate")?,
        welfare: need("welfare")?,
        advantage: need("advantage")?,
        distance_to_nash: f("distance_to_nash"),
    })
}

/// A random additive scenario as the tournaments generate them (weights and scores uniform),
/// with reservation values drawn from `reservation = (low, high)` when given.
#[pyfunction]
#[pyo3(signature = (parties, issues, values, *, seed = 0, reservation = None))]
fn random_scenario(
    parties: usize,
    issues: usize,
    values: usize,
    seed: u64,
    reservation: Option<(f64, f64)>,
) -> PyResult<Scenario> {
    if parties < 1 || issues < 1 || values < 1 {
        return Err(accord_err(
            "random_scenario needs at least one party, one issue and one value per issue",
        ));
    }
    if !accord_strategy::index::fits_uniform(
        u32::try_from(values).unwrap_or(u32::MAX),
        u32::try_from(issues).unwrap_or(u32::MAX),
    ) {
        return Err(accord_err(format!(
            "{values}^{issues} outcomes are more than an outcome space holds (below 2^256)"
        )));
    }
    let s = accord_tournament::plan::random_domain(
        parties,
        issues,
        values,
        seed,
        reservation.map(|(a, b)| [a, b]),
    );
    Ok(Scenario::wrap(s, Vec::new(), "accord"))
}

fn names(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[pymodule]
fn _accord(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("AccordError", py.get_type::<AccordError>())?;
    m.add("ScenarioError", py.get_type::<ScenarioError>())?;
    m.add("TournamentError", py.get_type::<TournamentError>())?;
    m.add_class::<Scenario>()?;
    m.add_function(wrap_pyfunction!(load, m)?)?;
    m.add_function(wrap_pyfunction!(loads, m)?)?;
    m.add_function(wrap_pyfunction!(analyze, m)?)?;
    m.add_function(wrap_pyfunction!(negotiate, m)?)?;
    m.add_function(wrap_pyfunction!(tournament, m)?)?;
    m.add_function(wrap_pyfunction!(standings_table, m)?)?;
    m.add_function(wrap_pyfunction!(random_scenario, m)?)?;
    m.add("NEGOTIATORS", names(accord_strategy::NEGOTIATORS))?;
    m.add("VOTERS", names(accord_strategy::VOTERS))?;
    m.add("MEDIATORS", names(accord_strategy::MEDIATORS))?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
