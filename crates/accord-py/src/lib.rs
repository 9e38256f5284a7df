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

mod negotiation;
mod tournaments;

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
    m.add_function(wrap_pyfunction!(negotiation::negotiate, m)?)?;
    m.add_function(wrap_pyfunction!(tournaments::tournament, m)?)?;
    m.add_function(wrap_pyfunction!(tournaments::standings_table, m)?)?;
    m.add_function(wrap_pyfunction!(random_scenario, m)?)?;
    m.add("NEGOTIATORS", names(accord_strategy::NEGOTIATORS))?;
    m.add("VOTERS", names(accord_strategy::VOTERS))?;
    m.add("MEDIATORS", names(accord_strategy::MEDIATORS))?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
