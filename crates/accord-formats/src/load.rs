//! One entry point for every input a user may name: an Accord scenario file, a folder holding a
//! GENIUS or GeniusWeb domain with its profiles, or those files listed one by one.
//!
//! Party order: for a folder, profiles in file-name order; for listed files, the order given.

use crate::genius::{self, ReadOptions};
use crate::{geniusweb, read_scenario, FormatError, Warning};
use accord_model::Scenario;
use std::path::{Path, PathBuf};

/// A scenario read from some input, with the repairs lenient reading made.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The scenario.
    pub scenario: Scenario,
    /// Repairs and notes, one per problem found.
    pub warnings: Vec<Warning>,
    /// The format it came in: `accord`, `genius` or `geniusweb`.
    pub format: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Accord,
    GeniusDomain,
    GeniusProfile,
    WebDomain,
    WebProfile,
    /// Not an input (a `pareto.xml` frontier, a `specials.json` reference, ...).
    Other,
}

fn err(path: &Path, message: impl Into<String>) -> FormatError {
    FormatError {
        file: path.display().to_string(),
        line: None,
        column: None,
        message: message.into(),
    }
}

/// What a file is. `named`: the user named this file (rather than it being found in a folder),
/// so an unknown extension is read as an Accord scenario (TOML) and its errors reported.
fn classify(path: &Path, named: bool) -> Result<Kind, FormatError> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match ext.as_str() {
        "toml" => Ok(Kind::Accord),
        "xml" => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| err(path, format!("cannot read the file: {e}")))?;
            let head = text.trim_start_matches('\u{feff}').trim_start();
            if !head.starts_with('<') {
                return Ok(Kind::Other);
            }
            Ok(if genius::is_profile(&text) {
                Kind::GeniusProfile
            } else {
                Kind::GeniusDomain
            })
        }
        "json" => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| err(path, format!("cannot read the file: {e}")))?;
            let v: serde_json::Value = match serde_json::from_str(&text) {
                Ok(v) => v,
                // Broken JSON: let the Accord reader report where.
                Err(_) => return Ok(Kind::Accord),
            };
            Ok(if geniusweb::is_domain(&v) {
                Kind::WebDomain
            } else if geniusweb::is_profile(&v) {
                Kind::WebProfile
            } else if named || v.get("issues").is_some() || v.get("parties").is_some() {
                Kind::Accord
            } else {
                Kind::Other
            })
        }
        _ if named => Ok(Kind::Accord),
        _ => Ok(Kind::Other),
    }
}

/// Reads whatever `paths` name. See the module documentation.
pub fn load(paths: &[PathBuf], opts: ReadOptions) -> Result<Loaded, FormatError> {
    let named = !matches!(paths, [one] if one.is_dir());
    let files: Vec<PathBuf> = match paths {
        [] => return Err(err(Path::new("."), "no input given")),
        [one] if one.is_dir() => {
            let mut v: Vec<PathBuf> = std::fs::read_dir(one)
                .map_err(|e| err(one, format!("cannot read the folder: {e}")))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file())
                .collect();
            v.sort();
            v
        }
        many => many.to_vec(),
    };
    let mut kinds = Vec::with_capacity(files.len());
    for f in &files {
        kinds.push((classify(f, named)?, f.as_path()));
    }
    let of = |k: Kind| -> Vec<&Path> {
        kinds
            .iter()
            .filter(|(x, _)| *x == k)
            .map(|(_, p)| *p)
            .collect()
    };
    let where_ = || {
        paths
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let accord = of(Kind::Accord);
    let (gd, gp, wd, wp) = (
        of(Kind::GeniusDomain),
        of(Kind::GeniusProfile),
        of(Kind::WebDomain),
        of(Kind::WebProfile),
    );
    if !gd.is_empty() || !gp.is_empty() {
        let [domain] = gd.as_slice() else {
            return Err(err(
                Path::new(&where_()),
                format!("expected one GENIUS domain file, found {}", gd.len()),
            ));
        };
        if gp.is_empty() {
            return Err(err(domain, "a GENIUS domain needs its profiles: name the folder, or the domain and then each profile"));
        }
        let (scenario, warnings) = genius::read_genius(domain, &gp, opts)?;
        return Ok(Loaded {
            scenario,
            warnings,
            format: "genius",
        });
    }
    if !wd.is_empty() || !wp.is_empty() {
        let [domain] = wd.as_slice() else {
            return Err(err(
                Path::new(&where_()),
                format!("expected one GeniusWeb domain file, found {}", wd.len()),
            ));
        };
        if wp.is_empty() {
            return Err(err(domain, "a GeniusWeb domain needs its profiles: name the folder, or the domain and then each profile"));
        }
        let scenario = geniusweb::read_geniusweb(domain, &wp)?;
        return Ok(Loaded {
            scenario,
            warnings: Vec::new(),
            format: "geniusweb",
        });
    }
    match accord.as_slice() {
        [one] => Ok(Loaded {
            scenario: read_scenario(one)?,
            warnings: Vec::new(),
            format: "accord",
        }),
        [] => Err(err(
            Path::new(&where_()),
            "no scenario found: expected an Accord scenario (.toml/.json), or a GENIUS or GeniusWeb domain with its profiles",
        )),
        _ => Err(err(Path::new(&where_()), "several Accord scenario files: name one")),
    }
}
