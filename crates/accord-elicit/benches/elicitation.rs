//! Elicitation accuracy (issue 13): simulated parties with known random additive preferences
//! answer the questions, truthfully and with answer noise; the fit is compared with the truth
//! over every package of the space.
//!
//! `cargo bench -p accord-elicit --bench elicitation`; knobs (environment):
//! `ELICIT_PARTIES` (default 500), `ELICIT_SEED` (13), `ELICIT_FLIP` (share of flipped answers
//! in the noisy runs, 0.10), `ELICIT_WALK_AWAY` (walk-away questions, 5), `ELICIT_SIGMA` (the fit's answer noise σ,
//! default `Options::default().noise`).
//!
//! Each party: 3–6 issues of 3–6 options, weights uniform on the simplex, scores uniform in
//! [0, 1] rescaled so each issue's best option is 1 and worst 0, walk-away point uniform in
//! [0.3, 0.7]. After 0, 10, 15 and 25 comparisons, the walk-away point is asked as texts
//! (`ELICIT_WALK_AWAY` questions), then: Kendall τ-b between fitted and true utilities over all
//! packages, and the share of packages whose accept / walk-away decision (fitted utility ≥
//! fitted walk-away point vs true utility ≥ true walk-away point) is right.

use accord_elicit::metrics::kendall_tau;
use accord_elicit::testing::{discrete_space, AdditiveParty};
use accord_elicit::{from_rating, Answer, Elicitation, Options};
use accord_model::Rng;
use std::time::Instant;

const CHECKPOINTS: [usize; 4] = [0, 10, 15, 25];

fn env<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[derive(Clone, Copy, PartialEq)]
enum Start {
    Comparisons,
    Rated,
}

/// (τ, share of decisions right) at each checkpoint.
type Scores = Vec<(f64, f64)>;

fn answer(party: &AdditiveParty, q: &accord_elicit::Question, flip: f64, rng: &mut Rng) -> Answer {
    let a = party.compare(q);
    if rng.unit() < flip {
        match a {
            Answer::A => Answer::B,
            Answer::B => Answer::A,
            Answer::Same => Answer::Same,
        }
    } else {
        a
    }
}

fn evaluate(
    mut e: Elicitation,
    party: &AdditiveParty,
    packages: &[Vec<u32>],
    truth: &[f64],
    flip: f64,
    rng: &mut Rng,
) -> (f64, f64) {
    while let Some(p) = e.next_walk_away_question(rng) {
        let mut yes = party.accepts(&p);
        if rng.unit() < flip {
            yes = !yes;
        }
        e.answer_walk_away(p, yes).expect("a valid package");
    }
    let fit = e.fit();
    let fitted: Vec<f64> = packages.iter().map(|p| fit.utility(p)).collect();
    let r = fit.reservation.unwrap_or(0.5);
    let right = fitted
        .iter()
        .zip(truth)
        .filter(|(&f, &t)| (f >= r) == (t >= party.reservation))
        .count();
    (
        kendall_tau(&fitted, truth),
        right as f64 / truth.len() as f64,
    )
}

fn run_party(seed: u64, index: u64, start: Start, flip: f64, walk_away: usize) -> Scores {
    let mut rng = Rng::derive(seed, index);
    let n = 3 + rng.below(4) as usize;
    let radices: Vec<u32> = (0..n).map(|_| 3 + rng.below(4) as u32).collect();
    let space = discrete_space(&radices);
    let party = AdditiveParty::random(&space, &mut rng);
    let packages: Vec<Vec<u32>> = (0..space.size_u64().unwrap())
        .map(|i| {
            space
                .outcome(accord_model::U256::from(i))
                .expect("in range")
                .0
        })
        .collect();
    let truth: Vec<f64> = packages.iter().map(|p| party.utility(p)).collect();
    let options = Options {
        budget: *CHECKPOINTS.last().expect("checkpoints"),
        walk_away_budget: walk_away,
        noise: env("ELICIT_SIGMA", Options::default().noise),
        ..Options::default()
    };
    let mut e = match start {
        Start::Comparisons => Elicitation::new(&space, options).expect("a small space"),
        Start::Rated => {
            let rated = from_rating(&space, &party.rating()).expect("a valid rating");
            Elicitation::with_prior(rated.prior, options)
        }
    };
    // The questions and the noise are drawn from their own stream, the same for both starts.
    let mut qrng = Rng::derive(seed ^ 0xE11C, index);
    let mut out = Vec::new();
    let mut asked = 0;
    for &c in &CHECKPOINTS {
        while asked < c {
            let Some(q) = e.next_question(&mut qrng) else {
                break;
            };
            let a = answer(&party, &q, flip, &mut qrng);
            e.answer(q, a).expect("a valid question");
            asked += 1;
        }
        let mut erng = Rng::derive(seed ^ 0xEA1, index * 100 + c as u64);
        out.push(evaluate(
            e.clone(),
            &party,
            &packages,
            &truth,
            flip,
            &mut erng,
        ));
    }
    out
}

fn quantile(v: &mut [f64], q: f64) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[((v.len() - 1) as f64 * q).round() as usize]
}

fn main() {
    let parties: u64 = env("ELICIT_PARTIES", 500);
    let seed: u64 = env("ELICIT_SEED", 13);
    let flip: f64 = env("ELICIT_FLIP", 0.10);
    let walk_away: usize = env("ELICIT_WALK_AWAY", 5);
    let t0 = Instant::now();
    println!(
        "Elicitation accuracy: {parties} simulated parties (seed {seed}), {walk_away} walk-away \
         questions after the comparisons; noisy runs flip {:.0}% of answers.\n",
        flip * 100.0
    );
    println!(
        "| start | answers | comparisons | τ mean | τ p10 | decisions right mean | decisions p10 | τ ≥ 0.90 | decisions ≥ 95% |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|---:|---:|");
    for start in [Start::Rated, Start::Comparisons] {
        for noise in [0.0, flip] {
            let results: Vec<Scores> = std::thread::scope(|s| {
                let handles: Vec<_> = (0..2u64)
                    .map(|t| {
                        s.spawn(move || {
                            (t..parties)
                                .step_by(2)
                                .map(|i| (i, run_party(seed, i, start, noise, walk_away)))
                                .collect::<Vec<_>>()
                        })
                    })
                    .collect();
                let mut all: Vec<(u64, Scores)> = handles
                    .into_iter()
                    .flat_map(|h| h.join().expect("a worker"))
                    .collect();
                all.sort_by_key(|(i, _)| *i);
                all.into_iter().map(|(_, s)| s).collect()
            });
            for (k, &c) in CHECKPOINTS.iter().enumerate() {
                if start == Start::Comparisons && c == 0 {
                    continue;
                }
                let mut tau: Vec<f64> = results.iter().map(|r| r[k].0).collect();
                let mut dec: Vec<f64> = results.iter().map(|r| r[k].1).collect();
                let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
                let share = |v: &[f64], t: f64| {
                    100.0 * v.iter().filter(|&&x| x >= t).count() as f64 / v.len() as f64
                };
                println!(
                    "| {} | {} | {c} | {:.3} | {:.3} | {:.1}% | {:.1}% | {:.0}% | {:.0}% |",
                    match start {
                        Start::Rated => "ranking + words",
                        Start::Comparisons => "comparisons only",
                    },
                    if noise == 0.0 {
                        "truthful".to_string()
                    } else {
                        format!("{:.0}% flipped", noise * 100.0)
                    },
                    mean(&tau),
                    quantile(&mut tau, 0.1),
                    100.0 * mean(&dec),
                    100.0 * quantile(&mut dec, 0.1),
                    share(&tau, 0.90),
                    share(&dec, 0.95),
                );
            }
        }
    }
    println!(
        "\n(τ ≥ 0.90 and decisions ≥ 95%: share of parties meeting each; {:.1} s)",
        t0.elapsed().as_secs_f64()
    );
}
