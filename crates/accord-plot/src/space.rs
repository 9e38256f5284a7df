//! The utility-space picture of an analysis: what `accord analyze --plot` draws and what the
//! mediator's desk of `accord serve` shows. It reads the engine's report and utilities; it decides
//! nothing.

use crate::{Picture, Point};
use accord_analysis::{Model, Report, Solution};
use accord_model::{Outcome, Rng, Scenario, U256};

/// At most this many outcomes are drawn; larger spaces are sampled (deterministically).
const DRAWN: u64 = 4000;

/// Outcome indexes to draw: all of a small space, else a sample fixed by `seed` (uniform over
/// the space: beyond 2^64 outcomes, each issue's value drawn uniformly).
pub fn sample_outcomes(scenario: &Scenario, seed: u64) -> Vec<U256> {
    let mut rng = Rng::new(seed ^ 0x5eed);
    match scenario.space.size_u64() {
        Some(size) if size <= DRAWN => (0..size).map(U256::from).collect(),
        Some(size) => (0..DRAWN).map(|_| U256::from(rng.below(size))).collect(),
        None => {
            let radices = scenario.space.radices();
            (0..DRAWN)
                .map(|_| {
                    let values: Vec<u32> = radices
                        .iter()
                        .map(|&r| rng.below(r as u64) as u32)
                        .collect();
                    accord_model::encode(&values, radices)
                })
                .collect()
        }
    }
}

/// The first two parties' utility space: outcomes (those crossing a red line apart), the
/// frontier, Nash and Kalai-Smorodinsky (within the zone when there is one), reservations, and
/// `drafts` as the mediator's path (the last is the draft on the table).
pub fn analysis_picture(
    scenario: &Scenario,
    model: &Model<'_>,
    report: &Report,
    drafts: &[Outcome],
) -> Picture {
    let two = |u: &[f64]| (u[0], u[1]);
    let (mut outcomes, mut crossing) = (Vec::new(), Vec::new());
    for o in sample_outcomes(scenario, 0)
        .into_iter()
        .filter_map(|i| scenario.space.outcome(i))
    {
        let point = two(&model.utilities(&o.0));
        if model.violations(&o.0) == 0 {
            outcomes.push(point);
        } else {
            crossing.push(point);
        }
    }
    let (pts, sols) = if report.zone.is_empty() {
        (&report.pareto_frontier, &report.solutions)
    } else {
        (&report.zone.pareto_frontier, &report.zone.solutions)
    };
    let pick = |s: &Option<Solution>| s.as_ref().map(|x| two(&pts[x.point].utilities));
    let path: Vec<Point> = drafts.iter().map(|d| two(&model.utilities(&d.0))).collect();
    let offers = match path.len() {
        0 => Vec::new(),
        1 => vec![("the draft".to_string(), path)],
        _ => vec![("drafts (last: on the table)".to_string(), path)],
    };
    let mut more = if report.parties.len() > 2 {
        format!(" (first two of {} parties)", report.parties.len())
    } else {
        String::new()
    };
    if report.zone.is_empty() {
        more.push_str(": no zone of agreement; solutions shown ignore red lines");
    }
    Picture {
        title: format!("{}{more}", scenario.name),
        axes: (report.parties[0].clone(), report.parties[1].clone()),
        outcomes,
        crossing,
        frontier: report
            .pareto_frontier
            .iter()
            .map(|p| two(&p.utilities))
            .collect(),
        frontier_is_curve: report.parties.len() == 2,
        nash: pick(&sols.nash),
        kalai_smorodinsky: pick(&sols.kalai_smorodinsky),
        reservations: (report.reservations[0], report.reservations[1]),
        offers,
        agreement: None,
        over_time: Vec::new(),
        time_labels: (String::new(), String::new()),
    }
}
