//! Validation errors that point at the place in the scenario they are about.

use std::fmt;

/// One step of a path into a scenario document: a key or a list position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathSegment {
    /// A table key / object field.
    Key(String),
    /// A position in an array (0-based).
    Index(usize),
}

impl From<&str> for PathSegment {
    fn from(s: &str) -> Self {
        PathSegment::Key(s.to_string())
    }
}

impl From<String> for PathSegment {
    fn from(s: String) -> Self {
        PathSegment::Key(s)
    }
}

impl From<usize> for PathSegment {
    fn from(i: usize) -> Self {
        PathSegment::Index(i)
    }
}

/// A scenario that cannot be built, with the path of the offending entry in the document
/// (`parties[1].weights.hostages`) so that file readers can turn it into a line and column.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub struct ModelError {
    /// Where in the document the problem is.
    pub path: Vec<PathSegment>,
    /// What is wrong and what was expected.
    pub message: String,
    /// Byte offset inside the string value at `path` (for rule syntax errors), if known.
    pub offset_in_value: Option<usize>,
}

impl ModelError {
    /// An error at `path`.
    pub fn new<P: Into<Vec<PathSegment>>>(path: P, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            message: message.into(),
            offset_in_value: None,
        }
    }

    /// The path written the way people read it: `parties[1].weights.hostages`.
    pub fn path_string(&self) -> String {
        path_string(&self.path)
    }
}

/// Writes a path as `a.b[2].c`.
pub fn path_string(path: &[PathSegment]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            PathSegment::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            PathSegment::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path_string(), self.message)
        }
    }
}
