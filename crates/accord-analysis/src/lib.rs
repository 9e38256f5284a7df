//! Agreement analysis of a negotiation scenario: Pareto frontier, agreement zone, bargaining
//! solutions, opposition, what would have to give when no deal exists, and improvements on a
//! draft. Pure functions of the model: no I/O.
//!
//! Two methods compute frontiers, and every result says which one ran:
//! - **additive decomposition** ([`decompose`]): when every negotiator's preferences are
//!   additive, the frontier is built issue by issue without enumerating outcomes;
//! - **enumeration with pruning** ([`search`]): red lines and nonlinear terms need whole
//!   outcomes; the space is streamed depth-first, skipping subtrees that bounds rule out.

#![warn(missing_docs)]

pub mod blocking;
pub mod decompose;
pub mod improve;
pub mod json;
pub mod model;
pub mod pareto;
pub mod phased;
pub mod search;
pub mod solutions;
pub mod testing;
pub mod visitors;

pub use blocking::Relaxation;
pub use improve::{Improvement, Improvements};
pub use model::{Model, MAX_RED_LINES};
pub use pareto::{dominates, FrontierPoint, EPS};
pub use solutions::{Solution, Solutions, DEFINITIONS};

use accord_model::{Outcome, Scenario};
use std::fmt;

/// Why a scenario cannot be analysed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AnalysisError {
    /// No seat has role `party`.
    #[error("the scenario has no negotiating party (role = \"party\")")]
    NoParties,
    /// A negotiating party without preferences.
    #[error("party `{0}` has no preferences")]
    NoPreferences(String),
    /// More red lines than masks can hold.
    #[error("{0} red lines; analysis handles at most {max}, and at most 64 red lines and parties together", max = model::MAX_RED_LINES)]
    TooManyRedLines(usize),
    /// A draft that is not an outcome of the space.
    #[error("the draft is not an outcome of this scenario")]
    BadDraft,
    /// A space too large for exact counts (128 bits).
    #[error("the outcome space has {0} outcomes; the exact analysis (Pareto frontier, Nash point, zone of agreement) counts outcomes in 128 bits and takes at most 2^128 (about 3.4 × 10^38)")]
    SpaceTooLarge(accord_model::U256),
    /// An exact search did not finish within its budget.
    #[error("{what} needs more than {budget} search steps on {outcomes} outcomes (red lines or nonlinear terms rule out the additive shortcut); simplify the scenario or raise the budget (`--search-budget`)")]
    TooLarge {
        /// Which result.
        what: &'static str,
        /// The budget.
        budget: u64,
        /// Size of the space.
        outcomes: u128,
    },
}

/// How a result was computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Issue-by-issue frontier merging; no enumeration.
    Decomposition,
    /// Streaming enumeration with branch-and-bound pruning.
    Enumeration,
    /// Taken from the full frontier: its points that give every party its reservation value
    /// (exact when there are no red lines).
    FromFrontier,
    /// Counted from the bounds alone: every outcome qualifies.
    Bounds,
}

impl Method {
    /// Identifier used in JSON.
    pub fn id(self) -> &'static str {
        match self {
            Method::Decomposition => "additive-decomposition",
            Method::Enumeration => "enumeration",
            Method::FromFrontier => "from-frontier",
            Method::Bounds => "bounds",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Method::Decomposition => {
                "additive decomposition (issue-by-issue frontier merging, no enumeration)"
            }
            Method::Enumeration => "streaming enumeration with branch-and-bound pruning",
            Method::FromFrontier => "rational points of the full frontier (no red lines, so exact)",
            Method::Bounds => "utility bounds (every outcome qualifies)",
        })
    }
}

/// Tuning knobs.
#[derive(Debug, Clone)]
pub struct Options {
    /// Outcomes listed per frontier point when several tie (the count is always exact).
    pub tied_outcomes: usize,
    /// Improvements on the draft listed.
    pub improvements: usize,
    /// Node visits allowed for exact counts (zone size, number of improvements) before giving up.
    pub count_budget: u64,
    /// Draft to analyse instead of the scenario's.
    pub draft: Option<Outcome>,
    /// Node visits allowed for each exact search (frontier, extremes, what would have to give)
    /// before the analysis gives up with [`AnalysisError::TooLarge`] rather than run for hours.
    pub search_budget: u64,
    /// A flag the caller may set from another thread to stop the analysis early: its searches
    /// end as if their budget ran out. The engine reads no clock; a server turns its time budget
    /// (or a client that went away) into this flag.
    pub stop: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            tied_outcomes: 8,
            improvements: 10,
            count_budget: 20_000_000,
            draft: None,
            search_budget: 1_000_000_000,
            stop: None,
        }
    }
}

/// A red line as analysis numbers them.
#[derive(Debug, Clone, PartialEq)]
pub struct RedLineInfo {
    /// Index of the negotiator holding it.
    pub party: usize,
    /// The rule as written.
    pub rule: String,
    /// Its source, if the scenario gives one.
    pub source: Option<String>,
}

/// The agreement zone: outcomes crossing no red line and giving every negotiator at least its
/// reservation value.
#[derive(Debug, Clone, PartialEq)]
pub struct Zone {
    /// Number of outcomes in the zone; `None` when too many to count within the budget (the
    /// frontier still tells whether it is empty).
    pub count: Option<u128>,
    /// How the count was obtained.
    pub count_method: Method,
    /// The zone's own frontier.
    pub pareto_frontier: Vec<FrontierPoint>,
    /// How the frontier was obtained.
    pub method: Method,
    /// Solutions over the zone.
    pub solutions: Solutions,
    /// Best utility per negotiator within the zone (empty when the zone is).
    pub ideal: Vec<f64>,
}

impl Zone {
    /// Whether no outcome is in the zone.
    pub fn is_empty(&self) -> bool {
        self.pareto_frontier.is_empty()
    }
}

/// The draft on the table and what improves on it.
#[derive(Debug, Clone, PartialEq)]
pub struct DraftReport {
    /// The draft.
    pub outcome: Outcome,
    /// The improvements.
    pub improvements: Improvements,
    /// Red lines the draft crosses.
    pub crossed: Vec<usize>,
}

/// Everything `accord analyze` reports.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// Negotiators' names, in order; every utility vector follows this order.
    pub parties: Vec<String>,
    /// Size of the outcome space.
    pub outcome_count: u128,
    /// Reservation values as given.
    pub reservations: Vec<Option<f64>>,
    /// Disagreement point d (reservation, 0 when none).
    pub disagreement: Vec<f64>,
    /// Best utility per negotiator over all outcomes.
    pub ideal: Vec<f64>,
    /// Worst utility per negotiator over all outcomes.
    pub worst: Vec<f64>,
    /// Frontier over all outcomes (red lines ignored).
    pub pareto_frontier: Vec<FrontierPoint>,
    /// How it was computed.
    pub frontier_method: Method,
    /// Solutions over all outcomes (red lines ignored).
    pub solutions: Solutions,
    /// Smallest distance from an outcome to (1, ..., 1).
    pub opposition: f64,
    /// The agreement zone.
    pub zone: Zone,
    /// Red lines of the negotiators, numbered as in `blocking`.
    pub red_lines: Vec<RedLineInfo>,
    /// Minimal relaxations that would open an empty zone.
    pub blocking: Vec<Relaxation>,
    /// The draft, if any.
    pub draft: Option<DraftReport>,
}

impl Report {
    /// The Nash point a negotiation's result is measured against: the zone's when the zone is
    /// not empty, else the one over all outcomes.
    pub fn reference_nash(&self) -> Option<&[f64]> {
        let (points, nash) = if self.zone.is_empty() {
            (&self.pareto_frontier, &self.solutions.nash)
        } else {
            (&self.zone.pareto_frontier, &self.zone.solutions.nash)
        };
        nash.as_ref().map(|n| points[n.point].utilities.as_slice())
    }

    /// Euclidean distance in utility space from `utilities` to the nearest point of the
    /// Pareto frontier over all outcomes (0 on the frontier).
    pub fn frontier_distance(&self, utilities: &[f64]) -> f64 {
        self.pareto_frontier
            .iter()
            .map(|p| distance(&p.utilities, utilities))
            .fold(f64::INFINITY, f64::min)
    }
}

/// Euclidean distance between two utility vectors.
pub fn distance(a: &[f64], b: &[f64]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y) * (x - y))
        .sum::<f64>()
        .sqrt()
}

/// Analyses a scenario.
pub fn analyze(scenario: &Scenario, opts: &Options) -> Result<Report, AnalysisError> {
    let mut m = Model::new(scenario)?;
    m.stop = opts.stop.clone();
    let budget = opts.search_budget;
    let too_large = |what| AnalysisError::TooLarge {
        what,
        budget,
        outcomes: m.size,
    };
    let cap = opts.tied_outcomes.max(1);
    let (pareto_frontier, frontier_method) = if m.is_additive() {
        (decompose::frontier(&m, cap), Method::Decomposition)
    } else {
        (
            visitors::frontier_within(&m, visitors::Filter::All, cap, budget)
                .ok_or_else(|| too_large("the Pareto frontier"))?,
            Method::Enumeration,
        )
    };
    let ideal = column_max(&pareto_frontier, m.k);
    let worst: Vec<f64> = if m.is_additive() {
        m.lower_bounds()
    } else {
        (0..m.k)
            .map(|p| visitors::extreme(&m, p, false).0)
            .collect()
    };
    let opposition = if ideal.iter().all(|x| *x <= 1.0 + EPS) {
        // Every outcome lies below (1, ..., 1), so a dominated one is never closer.
        pareto_frontier
            .iter()
            .map(|p| solutions::distance_to_one(&p.utilities))
            .fold(f64::INFINITY, f64::min)
    } else {
        visitors::opposition_within(&m, budget).ok_or_else(|| too_large("the opposition"))?
    };
    let solutions = solutions::solve(&pareto_frontier, &m.d, &ideal);

    let no_red_lines = m.constraints.is_empty();
    let (zone_frontier, zone_method) = if no_red_lines {
        let pts: Vec<FrontierPoint> = pareto_frontier
            .iter()
            .filter(|p| m.rational(&p.utilities))
            .cloned()
            .collect();
        (pts, Method::FromFrontier)
    } else {
        (
            visitors::frontier_within(&m, visitors::Filter::Zone, cap, budget)
                .ok_or_else(|| too_large("the agreement zone"))?,
            Method::Enumeration,
        )
    };
    let (count, count_method) =
        if no_red_lines && worst.iter().zip(&m.d).all(|(w, d)| *w >= d - EPS) {
            (Some(m.size), Method::Bounds)
        } else if zone_frontier.is_empty() {
            (Some(0), zone_method)
        } else {
            (
                visitors::zone_count(&m, Some(opts.count_budget)),
                Method::Enumeration,
            )
        };
    let zone_ideal = column_max(&zone_frontier, m.k);
    let zone_solutions = solutions::solve(&zone_frontier, &m.d, &zone_ideal);
    let zone = Zone {
        count,
        count_method,
        pareto_frontier: zone_frontier,
        method: zone_method,
        solutions: zone_solutions,
        ideal: zone_ideal,
    };
    let blocking = if zone.is_empty() {
        blocking::relaxations_within(&m, budget)
            .ok_or_else(|| too_large("what would have to give"))?
    } else {
        Vec::new()
    };
    let draft = match opts.draft.as_ref().or(scenario.draft.as_ref()) {
        None => None,
        Some(d) => {
            if scenario.space.index(d).is_none() {
                return Err(AnalysisError::BadDraft);
            }
            let violated = m.violations(&d.0);
            Some(DraftReport {
                outcome: d.clone(),
                improvements: improve::improvements(&m, &d.0, opts.improvements, opts.count_budget),
                crossed: (0..m.constraints.len())
                    .filter(|c| violated >> c & 1 == 1)
                    .collect(),
            })
        }
    };
    let red_lines = m
        .constraints
        .iter()
        .map(|c| {
            let party = &scenario.parties[m.parties[c.party]];
            RedLineInfo {
                party: c.party,
                rule: c.rule.text().to_string(),
                source: party
                    .red_lines
                    .iter()
                    .find(|r| std::ptr::eq(&r.rule, c.rule))
                    .and_then(|r| r.source.clone()),
            }
        })
        .collect();
    Ok(Report {
        parties: m.party_names(),
        outcome_count: m.size,
        reservations: m.reservations(),
        disagreement: m.d.clone(),
        ideal,
        worst,
        pareto_frontier,
        frontier_method,
        solutions,
        opposition,
        zone,
        red_lines,
        blocking,
        draft,
    })
}

fn column_max(points: &[FrontierPoint], k: usize) -> Vec<f64> {
    if points.is_empty() {
        return Vec::new();
    }
    (0..k)
        .map(|p| {
            points
                .iter()
                .map(|x| x.utilities[p])
                .fold(f64::NEG_INFINITY, f64::max)
        })
        .collect()
}
