//! `tournament` and `standings_table`: tournaments run from Python, rows and standings as the
//! command line's JSON (`docs/tournament.md`).

use super::*;

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
pub(crate) fn tournament<'py>(
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
pub(crate) fn standings_table(standings: &Bound<'_, PyAny>) -> PyResult<String> {
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
