//! Mediation quality (`cargo bench -p accord-strategy --bench mediation_quality`): on 500 random
//! scenarios with a non-empty zone of agreement (2-4 parties, 3-7 issues of 4-10 values; weights
//! U(0,1) normalised, scores U(0,1) min-max normalised per issue so each party's best outcome is
//! 1 and its worst 0; reservation values U(0.2, 0.6)), each mediator runs a 100-round single text
//! with hill-climbing voters. Reported: agreement rate, agreements in the zone, and the Nash
//! product reached relative to the optimum N* = max over the zone of prod (u_i - rv_i)
//! (0 for no agreement), as in the NegMAS baseline's section (e). `MQ_ROUNDS=N` changes the
//! deadline (default 100), `MQ_SCENARIOS=N` the number of scenarios (default 500),
//! `MQ_MEDIATORS=a,b` runs only the named mediators, parameters included (default: all of
//! `MEDIATORS`), and
//! `MQ_FIRST_SEED=S` draws scenarios from seed S on (default 0; e.g. 1000000 for a held-out set).
//!
//! The game: `MQ_PROTOCOL=binding` (default; today's rules, every accepted draft binds) or
//! `one-text` (drafts do not bind; truthful parties answer each with a straw poll and a
//! comparison; the final text binds if every party accepts it), and `MQ_FEEDBACK=accept`
//! (default; binding: accept / reject ballots; one-text: the straw poll only), `binary`
//! (binding: better / worse / same ballots; one-text: better / worse) or `graded5` (one-text
//! only: five grades). Under one-text, `MQ_MEDIATORS` names one-text mediators (default: all of
//! `ONE_TEXT_MEDIATORS`), and `MQ_NOISE=P` makes each party misjudge each comparison with
//! probability P. Scenarios run in parallel (rayon); ms / run is wall time over runs. Under
//! binding rules the ceiling is printed beside the table: the share of scenarios any mediator
//! can bring to >= 0.95 from a blind first draft (`binding_ceiling`).
//!
//! `MQ_MISSED=1` (one-text only) lists, after each mediator's row, every run that ended below
//! 0.95 with the best Nash ratio among the drafts it circulated: a run whose drafts reached 0.95
//! failed in choosing the final text, not in finding it.

use accord_analysis::testing::mediation_scenario as scenario;
use accord_analysis::{analyze, Options};
use accord_model::{Rng, Scenario};
use accord_protocol::{Deadline, Feedback, TextProtocol, VoteMode};
use accord_strategy::{
    mediator, one_text_mediator, run_one_text, run_single_text, voter, Critic, NoTrace, Seat, Sink,
    Step, Summary, TraceEvent, Truthful, UtilityIndex, MEDIATORS, ONE_TEXT_MEDIATORS,
};
use rayon::prelude::*;
use std::sync::Arc;
use std::time::Instant;

/// The game every run plays, from the knobs.
struct Game {
    protocol: TextProtocol,
    feedback: Feedback,
    rounds: u32,
    noise: f64,
    /// `MQ_MISSED`: trace the drafts to report the best one.
    missed: bool,
}

/// One run's outcome, and with `MQ_MISSED` the best Nash product among its drafts.
struct Run {
    summary: Summary,
    best_draft: Option<f64>,
}

/// The share of blind first drafts from which a mediator can still reach 0.95 of the optimal
/// Nash product `optimum` under binding acceptances (`docs/mediation-research.md`): a
/// hill-climbing voter accepts a first draft inside the zone, and every later agreement must
/// then be at least as good for everyone, so a first draft in the zone that no outcome of ratio
/// at least 0.95 weakly dominates locks the result below 0.95. Outcomes outside the zone are rejected
/// and lock nothing in. Enumerates the space.
fn binding_ceiling(s: &Scenario, optimum: f64) -> f64 {
    let rv: Vec<f64> = s.parties.iter().map(|p| p.disagreement()).collect();
    let prefs: Vec<_> = s
        .parties
        .iter()
        .filter_map(|p| p.preferences.as_ref())
        .collect();
    let size = s.space.size_u64().unwrap();
    let points: Vec<Vec<f64>> = (0..size)
        .filter_map(|i| s.space.outcome(accord_model::U256::from(i)))
        .map(|o| prefs.iter().map(|p| p.utility(&s.space, &o)).collect())
        .collect();
    let in_zone = |u: &[f64]| u.iter().zip(&rv).all(|(u, d)| *u >= d - 1e-12);
    let ratio = |u: &[f64]| u.iter().zip(&rv).map(|(u, d)| u - d).product::<f64>() / optimum;
    let good: Vec<&Vec<f64>> = points
        .iter()
        .filter(|u| in_zone(u) && ratio(u) >= 0.95)
        .collect();
    let locked = points
        .iter()
        .filter(|u| in_zone(u))
        .filter(|u| {
            !good
                .iter()
                .any(|g| g.iter().zip(u.iter()).all(|(g, x)| *g >= x - 1e-12))
        })
        .count();
    1.0 - locked as f64 / size as f64
}

fn knob<T: std::str::FromStr>(name: &str, default: T) -> T
where
    T::Err: std::fmt::Display,
{
    match std::env::var(name) {
        Ok(v) => v.parse().unwrap_or_else(|e| panic!("{name}={v}: {e}")),
        Err(_) => default,
    }
}

/// One run of `name` mediating `seats` under `game`.
fn run(name: &str, seats: &[Seat], numeric: &[bool], game: &Game, seed: u64) -> Run {
    let deadline = Deadline::rounds(game.rounds);
    let mut rng = Rng::new(seed);
    match game.protocol {
        TextProtocol::Binding => {
            let mode = match game.feedback {
                Feedback::Accept => VoteMode::AcceptReject,
                Feedback::Binary => VoteMode::Feedback,
                Feedback::Graded5 => panic!("MQ_FEEDBACK=graded5 needs MQ_PROTOCOL=one-text"),
            };
            let mut voters: Vec<_> = seats
                .iter()
                .map(|x| voter("hill-climber", x.index.clone(), x.reservation).expect("voter"))
                .collect();
            let mut m = mediator(name).expect("mediator");
            let summary = run_single_text(
                seats,
                &mut voters,
                m.as_mut(),
                deadline,
                mode,
                &mut rng,
                &mut || 0.0,
                &mut NoTrace,
            )
            .expect("run");
            Run {
                summary,
                best_draft: None,
            }
        }
        TextProtocol::OneText => {
            let mut critics: Vec<Box<dyn Critic>> = seats
                .iter()
                .map(|x| Box::new(Truthful::new(x.index.clone(), x.reservation, game.noise)) as _)
                .collect();
            let mut m = one_text_mediator(name).expect("mediator");
            let mut trace: Vec<TraceEvent> = Vec::new();
            let sink: &mut dyn Sink = if game.missed {
                &mut trace
            } else {
                &mut NoTrace
            };
            let summary = run_one_text(
                seats,
                &mut critics,
                m.as_mut(),
                deadline,
                game.feedback,
                numeric,
                &mut rng,
                &mut || 0.0,
                sink,
            )
            .expect("run");
            let best_draft = game.missed.then(|| {
                trace
                    .iter()
                    .filter_map(|e| match e.step {
                        Step::Draft { text, .. } => Some(nash_product(seats, text)),
                        _ => None,
                    })
                    .fold(0.0, f64::max)
            });
            Run {
                summary,
                best_draft,
            }
        }
    }
}

/// ∏ max(u − rv, 0) of a text.
fn nash_product(seats: &[Seat], text: accord_protocol::Offer) -> f64 {
    seats
        .iter()
        .map(|x| (x.index.utility(text) - x.reservation).max(0.0))
        .product()
}

fn main() {
    let wanted: usize = knob("MQ_SCENARIOS", 500);
    let rounds: u32 = knob("MQ_ROUNDS", 100);
    let protocol: TextProtocol = knob("MQ_PROTOCOL", TextProtocol::Binding);
    let feedback: Feedback = knob("MQ_FEEDBACK", Feedback::Accept);
    let noise: f64 = knob("MQ_NOISE", 0.0);
    let only: Option<Vec<String>> = std::env::var("MQ_MEDIATORS")
        .ok()
        .map(|m| m.split(',').map(|x| x.trim().to_string()).collect());
    let first: u64 = knob("MQ_FIRST_SEED", 0);
    let missed = std::env::var("MQ_MISSED").is_ok_and(|v| v == "1");
    let settings = Game {
        protocol,
        feedback,
        rounds,
        noise,
        missed,
    };
    let mut cases = Vec::new();
    // Binding rules: per scenario (parties, the share of first drafts that keep 0.95 reachable).
    let mut ceilings: Vec<(usize, f64)> = Vec::new();
    let mut seed = first;
    while cases.len() < wanted {
        let s = scenario(seed);
        seed += 1;
        let report = analyze(&s, &Options::default()).expect("analysis");
        let Some(nash) = report.zone.solutions.nash.as_ref() else {
            continue;
        };
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
        if protocol == TextProtocol::Binding {
            ceilings.push((s.parties.len(), binding_ceiling(&s, nash.value)));
        }
        let numeric: Vec<bool> = s.space.issues().iter().map(|i| i.is_numeric()).collect();
        cases.push((seats, numeric, nash.value));
    }
    let game = match (protocol, feedback) {
        (TextProtocol::Binding, Feedback::Accept) => "binding, accept/reject".to_string(),
        (TextProtocol::Binding, Feedback::Binary) => "binding, better/worse/same".to_string(),
        (p, f) => format!(
            "{p}, {f}{}",
            if noise > 0.0 {
                format!(", noise {noise}")
            } else {
                String::new()
            }
        ),
    };
    let list = match protocol {
        TextProtocol::Binding => MEDIATORS,
        TextProtocol::OneText => ONE_TEXT_MEDIATORS,
    };
    println!("| game | rounds | mediator | scenarios | agreement | in zone | mean Nash ratio | median | ratio >= 0.95 | 2 / 3 / 4 parties: mean, >= 0.95 | ms / run |");
    println!("|---|---:|---|---:|---:|---:|---:|---:|---:|---|---:|");
    // Named mediators may carry parameters (`thompson-nash:0.05`).
    let names: Vec<String> =
        only.unwrap_or_else(|| list.iter().map(|(n, _)| n.to_string()).collect());
    for name in names.iter().map(String::as_str) {
        let start = Instant::now();
        let results: Vec<(bool, bool, f64, Option<f64>)> = cases
            .par_iter()
            .enumerate()
            .map(|(i, (seats, numeric, best))| {
                let Run {
                    summary,
                    best_draft,
                } = run(name, seats, numeric, &settings, i as u64);
                let agreed = summary.agreement.is_some();
                let rational = agreed
                    && summary
                        .utilities
                        .iter()
                        .zip(seats)
                        .all(|(u, x)| *u >= x.reservation - 1e-12);
                let ratio = if rational {
                    summary
                        .utilities
                        .iter()
                        .zip(seats)
                        .map(|(u, x)| u - x.reservation)
                        .product::<f64>()
                        / best
                } else {
                    0.0
                };
                (agreed, rational, ratio, best_draft.map(|b| b / best))
            })
            .collect();
        if missed {
            let below: Vec<_> = results
                .iter()
                .enumerate()
                .filter(|(_, r)| r.2 < 0.95)
                .collect();
            for (i, r) in &below {
                eprintln!(
                    "{name}: scenario {i} ({} parties): final text {:.3}, best draft {:.3}",
                    cases[*i].0.len(),
                    r.2,
                    r.3.unwrap_or(0.0)
                );
            }
            let drafted = below
                .iter()
                .filter(|(_, r)| r.3.unwrap_or(0.0) >= 0.95)
                .count();
            eprintln!(
                "{name}: {} runs below 0.95; in {drafted} of them a draft had reached 0.95",
                below.len()
            );
        }
        let ms = start.elapsed().as_secs_f64() * 1e3 / cases.len() as f64;
        let n = cases.len() as f64;
        let agreed = results.iter().filter(|r| r.0).count() as f64 / n;
        let in_zone = results.iter().filter(|r| r.1).count() as f64 / n;
        let ratios: Vec<f64> = results.iter().map(|r| r.2).collect();
        let mean = ratios.iter().sum::<f64>() / n;
        let mut sorted = ratios.clone();
        sorted.sort_by(f64::total_cmp);
        let median = sorted[sorted.len() / 2];
        let good = ratios.iter().filter(|r| **r >= 0.95).count() as f64 / n;
        let by_parties: Vec<String> = (2..=4)
            .map(|k| {
                let r: Vec<f64> = cases
                    .iter()
                    .zip(&ratios)
                    .filter(|((seats, _, _), _)| seats.len() == k)
                    .map(|(_, r)| *r)
                    .collect();
                let m = r.len().max(1) as f64;
                format!(
                    "{:.3}, {:.2}",
                    r.iter().sum::<f64>() / m,
                    r.iter().filter(|x| **x >= 0.95).count() as f64 / m
                )
            })
            .collect();
        println!(
            "| {game} | {rounds} | {name} | {} | {agreed:.3} | {in_zone:.3} | {mean:.3} | {median:.3} | {good:.3} | {} | {ms:.2} |",
            cases.len(),
            by_parties.join(" / ")
        );
    }
    if !ceilings.is_empty() {
        let mean = |k: Option<usize>| {
            let c: Vec<f64> = ceilings
                .iter()
                .filter(|(n, _)| k.is_none_or(|k| *n == k))
                .map(|(_, c)| *c)
                .collect();
            c.iter().sum::<f64>() / c.len().max(1) as f64
        };
        println!(
            "\nCeiling under binding rules (share >= 0.95 any mediator can reach from a blind first draft, docs/mediation-research.md): {:.3} (2 / 3 / 4 parties: {:.3} / {:.3} / {:.3}).",
            mean(None),
            mean(Some(2)),
            mean(Some(3)),
            mean(Some(4))
        );
    }
    println!(
        "\n{} scenarios drawn to find {} with a non-empty zone (seeds {first}..{seed}).",
        seed - first,
        cases.len()
    );
}
