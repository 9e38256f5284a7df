//! What the confidential analysis shows when a party overstates its walk-away value
//! (`cargo bench -p accord-analysis --bench overstatement`; issue 16, robustness reported, not a
//! target). The workbench's analysis takes each party's stated reservation value at its word; a
//! party that states more than it would accept shrinks the zone towards itself.
//!
//! Scenarios: the mediation benchmarks' (`testing::mediation_scenario`), the first
//! `OVERSTATE_SCENARIOS` (default 500) with a non-empty zone from seed `OVERSTATE_FIRST_SEED`
//! (default 0). In each, every party in turn states `rv + f (1 - rv)` (f of its headroom above
//! its true value `rv`; its best outcome is worth 1) for f in `OVERSTATE_FRACTIONS` (default
//! 0.1, 0.25, 0.5), the others truthful, and the analysis is run on the stated values. Reported,
//! per f, over every (scenario, overstating party):
//! - how often the stated zone is empty though the true one is not ("no zone" shown wrongly);
//! - otherwise, the Nash point of the stated zone judged with the true values: its Nash product
//!   over the true optimum N* (the ratio of the mediation benchmarks), and how often it is at
//!   least 0.95;
//! - the overstating party's gain in utility at that point over the true Nash point, and the
//!   mean change for each other party.

use accord_analysis::testing::mediation_scenario;
use accord_analysis::{analyze, Options, Report};
use accord_model::Scenario;
use std::time::Instant;

fn knob(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// The Nash point's utilities in the report's zone (none when the zone is empty).
fn nash_point(r: &Report) -> Option<Vec<f64>> {
    let s = r.zone.solutions.nash.as_ref()?;
    Some(r.zone.pareto_frontier.get(s.point)?.utilities.clone())
}

fn nash_product(u: &[f64], rv: &[f64]) -> f64 {
    u.iter().zip(rv).map(|(u, d)| (u - d).max(0.0)).product()
}

#[derive(Default)]
struct Tally {
    cases: usize,
    no_zone: usize,
    ratios: Vec<f64>,
    own_gain: f64,
    others_change: f64,
    others: usize,
}

fn main() {
    let wanted: usize = knob("OVERSTATE_SCENARIOS")
        .and_then(|v| v.parse().ok())
        .unwrap_or(500);
    let first: u64 = knob("OVERSTATE_FIRST_SEED")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let fractions: Vec<f64> = knob("OVERSTATE_FRACTIONS")
        .map(|v| v.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![0.1, 0.25, 0.5]);
    let started = Instant::now();
    let mut tallies: Vec<Tally> = fractions.iter().map(|_| Tally::default()).collect();
    let (mut found, mut seed) = (0, first);
    while found < wanted {
        let s = mediation_scenario(seed);
        seed += 1;
        let truth = analyze(&s, &Options::default()).expect("analysis");
        let Some(true_nash) = nash_point(&truth) else {
            continue;
        };
        found += 1;
        let rv: Vec<f64> = truth.disagreement.clone();
        let optimum = nash_product(&true_nash, &rv);
        for (f, tally) in fractions.iter().zip(&mut tallies) {
            for p in 0..s.parties.len() {
                let mut stated: Scenario = s.clone();
                stated.parties[p].reservation = Some(rv[p] + f * (1.0 - rv[p]));
                let r = analyze(&stated, &Options::default()).expect("analysis");
                tally.cases += 1;
                let Some(u) = nash_point(&r) else {
                    tally.no_zone += 1;
                    continue;
                };
                tally.ratios.push(nash_product(&u, &rv) / optimum);
                tally.own_gain += u[p] - true_nash[p];
                for q in (0..u.len()).filter(|&q| q != p) {
                    tally.others_change += u[q] - true_nash[q];
                    tally.others += 1;
                }
            }
        }
    }
    println!("| overstatement (share of headroom) | cases | stated zone empty | Nash ratio (true values), mean | ratio >= 0.95 | overstater's gain | each other party's change |");
    println!("|---:|---:|---:|---:|---:|---:|---:|");
    for (f, t) in fractions.iter().zip(&tallies) {
        let n = t.ratios.len().max(1) as f64;
        println!(
            "| {f:.2} | {} | {:.3} | {:.3} | {:.3} | {:+.3} | {:+.3} |",
            t.cases,
            t.no_zone as f64 / t.cases.max(1) as f64,
            t.ratios.iter().sum::<f64>() / n,
            t.ratios.iter().filter(|&&r| r >= 0.95).count() as f64 / n,
            t.own_gain / n,
            t.others_change / t.others.max(1) as f64,
        );
    }
    println!(
        "\n{found} scenarios with a non-empty zone (seeds {first}..{seed}), every party overstating in turn; {:.1} s.",
        started.elapsed().as_secs_f64()
    );
}
