//! Parties: who sits at the table, in which role, with what preferences and red lines.

use crate::preferences::Preferences;
use crate::rule::Rule;
use std::fmt;

/// What a seat does in the negotiation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// A negotiating party: its acceptance is needed for an agreement.
    Party,
    /// A mediator: drafts and proposes texts, does not accept or reject them.
    Mediator,
    /// Follows the negotiation without acting.
    Observer,
}

impl Role {
    /// The word used in files and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Party => "party",
            Role::Mediator => "mediator",
            Role::Observer => "observer",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A red line: a rule every acceptable outcome must satisfy, for the party that holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct RedLine {
    /// The rule; an outcome where it does not hold crosses the red line.
    pub rule: Rule,
    /// Where the red line comes from (a quotation or a note), for reports.
    pub source: Option<String>,
}

/// A seat at the table.
#[derive(Debug, Clone, PartialEq)]
pub struct Party {
    /// Unique name within the scenario.
    pub name: String,
    /// Its role.
    pub role: Role,
    /// What it wants; required for a negotiating party, optional for others.
    pub preferences: Option<Preferences>,
    /// Rules it will not cross.
    pub red_lines: Vec<RedLine>,
    /// Utility of no agreement (its BATNA), if known; `None` counts as 0 in analysis.
    pub reservation: Option<f64>,
    /// Discount factor d in (0, 1]: utilities are multiplied by d^t on normalised time t.
    pub discount: Option<f64>,
    /// Free text about the party (positions as reported, sources).
    pub description: Option<String>,
}

impl Party {
    /// The reservation value, 0 when none is given (the disagreement point used by Nash).
    pub fn disagreement(&self) -> f64 {
        self.reservation.unwrap_or(0.0)
    }

    /// Whether the outcome crosses none of this party's red lines.
    pub fn respects_red_lines(&self, values: &[u32]) -> bool {
        self.red_lines.iter().all(|r| r.rule.holds(values))
    }
}
