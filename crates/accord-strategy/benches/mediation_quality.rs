//! Mediation quality (`cargo bench -p accord-strategy --bench mediation_quality`): on 500 random
//! scenarios with a non-empty zone of agreement (2-4 parties, 3-7 issues of 4-10 values; weights
//! U(0,1) normalised, scores U(0,1) min-max normalised per issue so each party's best outcome is
//! 1 and its worst 0; reservation values U(0.2, 0.6)), each mediator runs a 100-round single text
//! with hill-climbing voters. Reported: agreement rate, agreements in the zone, and the Nash
//! product reached relative to the optimum N* = max over the zone of prod (u_i - rv_i)
//! (0 for no agreement), as in the NegMAS baseline's section (e). `MQ_ROUNDS=N` changes the
//! deadline (default 100), `MQ_SCENARIOS=N` the number of scenarios (default 500),
//! `MQ_MEDIATORS=a,b` runs only the named mediators (default: all of `MEDIATORS`), and
//! `MQ_FIRST_SEED=S` draws scenarios from seed S on (default 0; e.g. 1000000 for a held-out set).

use accord_analysis::testing::issues;
use accord_analysis::{analyze, Options};
use accord_model::{OutcomeSpace, Party, Preferences, Rng, Role, Scenario, ValueFunction};
use accord_protocol::{Deadline, VoteMode};
use accord_strategy::{mediator, run_single_text, voter, NoTrace, Seat, UtilityIndex, MEDIATORS};
use std::sync::Arc;
use std::time::Instant;

fn scenario(seed: u64) -> Scenario {
    let mut rng = Rng::new(seed);
    let parties = 2 + rng.below(3) as usize;
    let n = 3 + rng.below(5) as usize;
    let sizes: Vec<usize> = (0..n).map(|_| 4 + rng.below(7) as usize).collect();
    let space = OutcomeSpace::new(issues(&sizes)).expect("space");
    let ps = (0..parties)
        .map(|p| {
            let raw: Vec<f64> = sizes.iter().map(|_| rng.unit()).collect();
            let total: f64 = raw.iter().sum();
            let functions = sizes
                .iter()
                .map(|&m| {
                    let t: Vec<f64> = (0..m).map(|_| rng.unit()).collect();
                    let (lo, hi) = t
                        .iter()
                        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| {
                            (a.min(x), b.max(x))
                        });
                    ValueFunction::Table(
                        t.iter().map(|x| (x - lo) / (hi - lo).max(1e-12)).collect(),
                    )
                })
                .collect();
            Party {
                name: format!("p{p}"),
                role: Role::Party,
                preferences: Some(Preferences {
                    weights: raw.iter().map(|w| w / total).collect(),
                    functions,
                    terms: Vec::new(),
                }),
                red_lines: Vec::new(),
                reservation: Some(0.2 + 0.4 * rng.unit()),
                discount: None,
                description: None,
            }
        })
        .collect();
    Scenario::new(format!("quality-{seed}"), None, space, ps, None).expect("scenario")
}

fn main() {
    let wanted: usize = std::env::var("MQ_SCENARIOS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(500);
    let only: Option<Vec<String>> = std::env::var("MQ_MEDIATORS")
        .ok()
        .map(|m| m.split(',').map(|x| x.trim().to_string()).collect());
    let mut cases = Vec::new();
    let first: u64 = std::env::var("MQ_FIRST_SEED")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(0);
    let mut seed = first;
    while cases.len() < wanted {
        let s = scenario(seed);
        seed += 1;
        let report = analyze(&s, &Options::default()).expect("analysis");
        let Some(nash) = report.zone.solutions.nash.as_ref() else {
            continue;
        };
        cases.push((s, nash.value));
    }
    println!("| mediator | scenarios | agreement | in zone | mean Nash ratio | median | ratio >= 0.95 | ms / run |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    for (name, _) in MEDIATORS {
        if only.as_ref().is_some_and(|o| !o.iter().any(|x| x == name)) {
            continue;
        }
        let (mut agreed, mut in_zone, mut ratios) = (0, 0, Vec::new());
        let start = Instant::now();
        for (i, (s, best)) in cases.iter().enumerate() {
            let seats: Vec<Seat> = s
                .parties
                .iter()
                .map(|p| Seat {
                    name: p.name.clone(),
                    index: Arc::new(
                        UtilityIndex::build(&s.space, p.preferences.as_ref().expect("prefs"), &[])
                            .expect("index"),
                    ),
                    reservation: p.reservation.unwrap_or(0.0),
                    discount: None,
                })
                .collect();
            let mut voters: Vec<_> = seats
                .iter()
                .map(|x| voter("hill-climber", x.index.clone(), x.reservation).expect("voter"))
                .collect();
            let mut m = mediator(name).expect("mediator");
            let summary = run_single_text(
                &seats,
                &mut voters,
                m.as_mut(),
                Deadline::rounds(
                    std::env::var("MQ_ROUNDS")
                        .ok()
                        .and_then(|r| r.parse().ok())
                        .unwrap_or(100),
                ),
                VoteMode::AcceptReject,
                &mut Rng::new(i as u64),
                &mut || 0.0,
                &mut NoTrace,
            )
            .expect("run");
            let mut ratio = 0.0;
            if summary.agreement.is_some() {
                agreed += 1;
                let rational = summary
                    .utilities
                    .iter()
                    .zip(&seats)
                    .all(|(u, x)| *u >= x.reservation - 1e-12);
                if rational {
                    in_zone += 1;
                    let product: f64 = summary
                        .utilities
                        .iter()
                        .zip(&seats)
                        .map(|(u, x)| u - x.reservation)
                        .product();
                    ratio = product / best;
                }
            }
            ratios.push(ratio);
        }
        let ms = start.elapsed().as_secs_f64() * 1e3 / cases.len() as f64;
        let n = cases.len() as f64;
        let mean = ratios.iter().sum::<f64>() / n;
        let mut sorted = ratios.clone();
        sorted.sort_by(f64::total_cmp);
        let median = sorted[sorted.len() / 2];
        let good = ratios.iter().filter(|r| **r >= 0.95).count() as f64 / n;
        println!(
            "| {name} | {} | {:.3} | {:.3} | {mean:.3} | {median:.3} | {good:.3} | {ms:.2} |",
            cases.len(),
            agreed as f64 / n,
            in_zone as f64 / n
        );
    }
    println!(
        "\n{} scenarios drawn to find {} with a non-empty zone (seeds {first}..{seed}).",
        seed - first,
        cases.len()
    );
}
