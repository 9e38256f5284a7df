//! Accord's file formats.
//!
//! Scenario files come in TOML (for people) and JSON (for machines) with one schema
//! ([`ScenarioDoc`], documented in `docs/scenario-format.md`). Reading one gives a validated
//! [`accord_model::Scenario`] or a [`FormatError`] that names the file, line and column and says
//! what was expected. This is the only crate that knows about file formats.

#![warn(missing_docs)]

pub mod genius;
mod genius_write;
pub mod geniusweb;
mod load;
mod locate;
mod schema;
mod schema_phasing;
mod schema_write;
mod xml_repair;

pub use genius::ReadOptions;
pub use genius_write::{to_genius, to_genius_dropping, Dropped, GeniusFiles};
pub use load::{load, Loaded};
pub use locate::{line_column, locate_json, locate_toml};
pub use schema::*;
pub use schema_phasing::*;

use accord_model::{ModelError, Phasing, Scenario};
use std::fmt;
use std::path::Path;

/// The syntaxes a scenario can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// TOML, for people.
    Toml,
    /// JSON, for machines.
    Json,
}

impl Format {
    /// The format a file name implies: `.json` is JSON, anything else TOML.
    pub fn from_path(path: &Path) -> Format {
        match path.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("json") => Format::Json,
            _ => Format::Toml,
        }
    }
}

/// A file that cannot be read as a scenario: where, and what was expected.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub struct FormatError {
    /// The file, as the user named it.
    pub file: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column, when known.
    pub column: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "{}:{l}:{c}: {}", self.file, self.message),
            (Some(l), None) => write!(f, "{}:{l}: {}", self.file, self.message),
            _ => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

/// Something a lenient reader repaired or a note about the input: where, and what.
#[derive(Debug, Clone, PartialEq)]
pub struct Warning {
    /// The file.
    pub file: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column, when known.
    pub column: Option<usize>,
    /// What was found and what was done.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "{}:{l}:{c}: {}", self.file, self.message),
            _ => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

impl FormatError {
    fn at(file: &str, text: &str, offset: Option<usize>, message: String) -> Self {
        let (line, column) = match offset {
            Some(o) => {
                let (l, c) = line_column(text, o);
                (Some(l), Some(c))
            }
            None => (None, None),
        };
        FormatError {
            file: file.to_string(),
            line,
            column,
            message,
        }
    }
}

/// Reads and validates a scenario file; the format follows the extension.
pub fn read_scenario(path: &Path) -> Result<Scenario, FormatError> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| FormatError {
        file: name.clone(),
        line: None,
        column: None,
        message: format!("cannot read the file: {e}"),
    })?;
    parse_scenario(&text, Format::from_path(path), &name)
}

/// Parses and validates a scenario from text; `file` is used in error messages.
pub fn parse_scenario(text: &str, format: Format, file: &str) -> Result<Scenario, FormatError> {
    let doc = parse_doc(text, format, file)?;
    doc.to_scenario()
        .map_err(|e| model_error(text, format, file, e))
}

/// Reads a scenario file with its `[phasing]`, if any.
pub fn read_phased_scenario(path: &Path) -> Result<(Scenario, Option<Phasing>), FormatError> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| FormatError {
        file: name.clone(),
        line: None,
        column: None,
        message: format!("cannot read the file: {e}"),
    })?;
    parse_phased_scenario(&text, Format::from_path(path), &name)
}

/// Parses a scenario and its `[phasing]`, if any; errors in the phasing carry file:line:column
/// like every other validation error.
pub fn parse_phased_scenario(
    text: &str,
    format: Format,
    file: &str,
) -> Result<(Scenario, Option<Phasing>), FormatError> {
    let doc = parse_doc(text, format, file)?;
    let scenario = doc
        .to_scenario()
        .map_err(|e| model_error(text, format, file, e))?;
    let phasing = match &doc.phasing {
        None => None,
        Some(p) => Some(
            p.to_phasing(&scenario)
                .map_err(|e| model_error(text, format, file, e))?,
        ),
    };
    Ok((scenario, phasing))
}

fn parse_doc(text: &str, format: Format, file: &str) -> Result<ScenarioDoc, FormatError> {
    Ok(match format {
        Format::Toml => toml::from_str(text).map_err(|e| {
            FormatError::at(
                file,
                text,
                e.span().map(|s| s.start),
                e.message().trim_end().to_string(),
            )
        })?,
        Format::Json => serde_json::from_str(text).map_err(|e| FormatError {
            file: file.to_string(),
            line: Some(e.line()),
            column: Some(e.column()),
            message: json_message(&e),
        })?,
    })
}

fn json_message(e: &serde_json::Error) -> String {
    // serde_json appends " at line L column C"; the location is already in front.
    let s = e.to_string();
    match s.rfind(" at line ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// Places a validation error in the text it came from.
fn model_error(text: &str, format: Format, file: &str, e: ModelError) -> FormatError {
    let offset = match format {
        Format::Toml => locate_toml(text, &e.path),
        Format::Json => locate_json(text, &e.path),
    };
    // Rule errors point inside the string: skip the opening quote.
    let offset = match (offset, e.offset_in_value) {
        (Some(o), Some(inner)) => Some(o + 1 + inner),
        (o, _) => o,
    };
    let message = if e.path.is_empty() {
        e.message.clone()
    } else {
        format!("{}: {}", e.path_string(), e.message)
    };
    FormatError::at(file, text, offset, message)
}

/// Writes a scenario as TOML in Accord's schema.
pub fn to_toml(scenario: &Scenario) -> Result<String, FormatError> {
    toml::to_string_pretty(&ScenarioDoc::from_scenario(scenario)).map_err(|e| FormatError {
        file: scenario.name.clone(),
        line: None,
        column: None,
        message: format!("cannot write TOML: {e}"),
    })
}

/// Writes a scenario as JSON in Accord's schema.
pub fn to_json(scenario: &Scenario) -> String {
    serde_json::to_string_pretty(&ScenarioDoc::from_scenario(scenario))
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}
