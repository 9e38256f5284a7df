//! Issues: the questions a negotiation has to settle, and the values each can take.

use std::fmt;

/// The most values one issue may have once discretised. Analysis keeps one number per value and
/// party, so an issue beyond this would need a coarser resolution to be analysed at all.
pub const MAX_ISSUE_VALUES: u64 = 10_000_000;

/// One option of a discrete issue, and the clause wording it stands for in a draft.
#[derive(Debug, Clone, PartialEq)]
pub struct IssueOption {
    /// Short name, used in rules, files and outcomes (`permanent`).
    pub name: String,
    /// The clause text this option puts in a draft, if the scenario gives one.
    pub wording: Option<String>,
}

/// The values an issue can take.
#[derive(Debug, Clone, PartialEq)]
pub enum IssueKind {
    /// A list of named options; their order is meaningful (weaker to stronger wording, say).
    Discrete {
        /// The options, in the scenario's order.
        options: Vec<IssueOption>,
    },
    /// Every integer from `min` to `max` inclusive.
    Integer {
        /// Smallest value.
        min: i64,
        /// Largest value.
        max: i64,
    },
    /// A real interval, analysed on the grid `min, min + resolution, ...` up to `max`.
    Real {
        /// Lower bound.
        min: f64,
        /// Upper bound.
        max: f64,
        /// Grid step used for analysis and for offers.
        resolution: f64,
    },
}

/// An issue of the negotiation: one clause of the text to agree on.
#[derive(Debug, Clone, PartialEq)]
pub struct Issue {
    /// Unique name within the scenario.
    pub name: String,
    /// What the issue is about, for people.
    pub description: Option<String>,
    /// Its values.
    pub kind: IssueKind,
}

/// A concrete value of an issue, for display and serialisation.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A discrete option, by name.
    Option(String),
    /// An integer value.
    Integer(i64),
    /// A real value (a grid point).
    Real(f64),
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Option(s) => f.write_str(s),
            Value::Integer(i) => write!(f, "{i}"),
            Value::Real(x) => write!(f, "{x}"),
        }
    }
}

impl Issue {
    /// An issue with named options and no wording or description, in that order (as tests and
    /// tools that build issues by hand need them).
    pub fn discrete(name: &str, options: &[&str]) -> Issue {
        Issue {
            name: name.into(),
            description: None,
            kind: IssueKind::Discrete {
                options: options
                    .iter()
                    .map(|o| IssueOption {
                        name: o.to_string(),
                        wording: None,
                    })
                    .collect(),
            },
        }
    }

    /// Whether the values are numbers in order (an integer or real issue), so that neighbouring
    /// values are alike; a discrete issue's options are named, whatever their order.
    pub fn is_numeric(&self) -> bool {
        matches!(
            self.kind,
            IssueKind::Integer { .. } | IssueKind::Real { .. }
        )
    }

    /// Number of values (options, integers or grid points). Always at least 1 for a validated issue.
    pub fn size(&self) -> u64 {
        match &self.kind {
            IssueKind::Discrete { options } => options.len() as u64,
            IssueKind::Integer { min, max } => (*max as i128 - *min as i128 + 1).max(0) as u64,
            IssueKind::Real {
                min,
                max,
                resolution,
            } => real_grid_size(*min, *max, *resolution),
        }
    }

    /// The value at index `k` (0-based, in the issue's order). `k` must be below [`Issue::size`].
    pub fn value(&self, k: u32) -> Value {
        match &self.kind {
            IssueKind::Discrete { options } => Value::Option(options[k as usize].name.clone()),
            IssueKind::Integer { min, .. } => Value::Integer(min + k as i64),
            IssueKind::Real { .. } => Value::Real(self.numeric(k)),
        }
    }

    /// The number a value index stands for: the integer, the grid point, or for a discrete issue
    /// the option's position.
    pub fn numeric(&self, k: u32) -> f64 {
        match &self.kind {
            IssueKind::Discrete { .. } => k as f64,
            IssueKind::Integer { min, .. } => (*min + k as i64) as f64,
            IssueKind::Real {
                min,
                max,
                resolution,
            } => (min + resolution * k as f64).min(*max),
        }
    }

    /// Index of the option called `name`, for discrete issues.
    pub fn option_index(&self, name: &str) -> Option<u32> {
        match &self.kind {
            IssueKind::Discrete { options } => options
                .iter()
                .position(|o| o.name == name)
                .map(|i| i as u32),
            _ => None,
        }
    }

    /// Index of the value that the text `text` names: an option name, an integer, or a real
    /// number on the grid (the nearest grid point within half a step).
    pub fn parse_value(&self, text: &str) -> Option<u32> {
        match &self.kind {
            IssueKind::Discrete { .. } => self.option_index(text),
            IssueKind::Integer { min, max } => {
                let v: i64 = text.trim().parse().ok()?;
                (v >= *min && v <= *max).then(|| (v - min) as u32)
            }
            IssueKind::Real { .. } => {
                let v: f64 = text.trim().parse().ok()?;
                self.nearest_grid_index(v)
            }
        }
    }

    /// For a real issue, the grid index nearest to `v` if `v` lies in the range (within half a
    /// step); for an integer issue the index of `v` if it is an integer in range.
    pub fn nearest_grid_index(&self, v: f64) -> Option<u32> {
        match &self.kind {
            IssueKind::Real {
                min,
                max,
                resolution,
            } => {
                if !v.is_finite() || v < min - resolution / 2.0 || v > max + resolution / 2.0 {
                    return None;
                }
                let k = ((v - min) / resolution).round().max(0.0) as u64;
                Some(k.min(self.size() - 1) as u32)
            }
            IssueKind::Integer { min, max } => {
                (v.fract() == 0.0 && v >= *min as f64 && v <= *max as f64)
                    .then(|| (v as i64 - min) as u32)
            }
            IssueKind::Discrete { .. } => None,
        }
    }

    /// The message for `text` that names no value of this issue, listing what it takes.
    pub fn not_a_value(&self, text: &str) -> String {
        match &self.kind {
            IssueKind::Discrete { options } => format!(
                "issue `{}` has no option `{text}` (options: {})",
                self.name,
                options
                    .iter()
                    .map(|o| o.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            IssueKind::Integer { min, max } => format!(
                "issue `{}` takes integers from {min} to {max}, found `{text}`",
                self.name
            ),
            IssueKind::Real { min, max, .. } => format!(
                "issue `{}` takes numbers from {min} to {max}, found `{text}`",
                self.name
            ),
        }
    }

    /// The clause wording of value `k`, when the issue is discrete and the option has one.
    pub fn wording(&self, k: u32) -> Option<&str> {
        match &self.kind {
            IssueKind::Discrete { options } => options.get(k as usize)?.wording.as_deref(),
            _ => None,
        }
    }
}

/// Number of grid points of a real range: `floor((max - min) / resolution) + 1`, plus one more
/// when `max` is not itself on the grid (so both ends are always represented).
pub fn real_grid_size(min: f64, max: f64, resolution: f64) -> u64 {
    if !resolution.is_finite()
        || resolution <= 0.0
        || !min.is_finite()
        || !max.is_finite()
        || max < min
    {
        return 0;
    }
    let steps = (max - min) / resolution;
    if steps > MAX_ISSUE_VALUES as f64 * 2.0 {
        return u64::MAX;
    }
    let whole = (steps + 1e-9).floor();
    let extra = if steps - whole > 1e-9 { 1 } else { 0 };
    whole as u64 + 1 + extra
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_grid_includes_both_ends() {
        assert_eq!(real_grid_size(0.0, 1.0, 0.25), 5);
        assert_eq!(real_grid_size(0.0, 1.0, 0.3), 5); // 0, .3, .6, .9, 1.0
        assert_eq!(real_grid_size(10.0, 40.0, 10.0), 4);
        assert_eq!(real_grid_size(1.0, 0.0, 0.1), 0);
    }

    #[test]
    fn real_values_clamp_to_max() {
        let issue = Issue {
            name: "x".into(),
            description: None,
            kind: IssueKind::Real {
                min: 0.0,
                max: 1.0,
                resolution: 0.3,
            },
        };
        assert_eq!(issue.size(), 5);
        assert_eq!(issue.numeric(4), 1.0);
        assert_eq!(issue.parse_value("0.6"), Some(2));
        assert_eq!(issue.parse_value("1.2"), None);
    }
}
