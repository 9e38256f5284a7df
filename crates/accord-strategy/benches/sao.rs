//! Negotiation throughput (`cargo bench -p accord-strategy`), the NegMAS baseline's workloads:
//! random additive domains (n issues x 10 values), Boulware vs Conceder with a 100-round
//! deadline; a no-deal domain (u2 = 1 - u1, both reservations 0.55) run for 1,000 rounds; and a
//! 10^6-outcome domain, its indexes built once and shared by every negotiation.

use accord_analysis::testing::random_additive;
use accord_model::{Rng, Scenario, ValueFunction};
use accord_protocol::Deadline;
use accord_strategy::{negotiator, run_sao, NoTrace, Seat, UtilityIndex};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

fn seats(s: &Scenario, reservation: f64) -> Vec<Seat> {
    s.parties
        .iter()
        .map(|p| Seat {
            name: p.name.clone(),
            index: Arc::new(
                UtilityIndex::build(&s.space, p.preferences.as_ref().expect("prefs"), &[])
                    .expect("index"),
            ),
            reservation,
            discount: None,
        })
        .collect()
}

fn negotiate(seats: &[Seat], specs: [&str; 2], rounds: u32, seed: u64) -> u32 {
    let mut agents: Vec<_> = seats
        .iter()
        .zip(specs)
        .map(|(s, spec)| negotiator(spec, s.index.clone(), s.reservation).expect("strategy"))
        .collect();
    let summary = run_sao(
        seats,
        &mut agents,
        Deadline::rounds(rounds),
        &mut Rng::new(seed),
        &mut || 0.0,
        &mut NoTrace,
    )
    .expect("run");
    summary.rounds
}

fn boulware_vs_conceder(c: &mut Criterion) {
    let s = random_additive(2, &[10, 10, 10], 1000);
    let seats = seats(&s, 0.0);
    let mut g = c.benchmark_group("sao");
    g.measurement_time(Duration::from_secs(5));
    g.throughput(Throughput::Elements(1));
    let mut seed = 0;
    g.bench_function("boulware_vs_conceder_1e3_100rounds", |b| {
        b.iter(|| {
            seed += 1;
            negotiate(black_box(&seats), ["boulware", "conceder"], 100, seed)
        })
    });
    // The same negotiation, building both parties' indexes inside the timed loop (NegMAS builds
    // its inverse utility functions in every negotiation; Accord shares them per domain).
    let prefs: Vec<_> = s
        .parties
        .iter()
        .map(|p| p.preferences.clone().expect("prefs"))
        .collect();
    g.bench_function("boulware_vs_conceder_1e3_100rounds_index_included", |b| {
        b.iter(|| {
            seed += 1;
            let fresh: Vec<Seat> = prefs
                .iter()
                .zip(&seats)
                .map(|(p, seat)| Seat {
                    index: Arc::new(UtilityIndex::build(&s.space, p, &[]).expect("index")),
                    ..seat.clone()
                })
                .collect();
            negotiate(black_box(&fresh), ["boulware", "conceder"], 100, seed)
        })
    });
    g.finish();
}

fn no_deal(c: &mut Criterion) {
    let mut s = random_additive(2, &[10, 10, 10], 1000);
    // Party 2 wants exactly the opposite: u2 = 1 - u1 (same weights, complemented scores).
    let p0 = s.parties[0].preferences.clone().expect("prefs");
    let mut p1 = p0.clone();
    p1.functions = p0
        .functions
        .iter()
        .map(|f| match f {
            ValueFunction::Table(t) => ValueFunction::Table(t.iter().map(|x| 1.0 - x).collect()),
            other => other.clone(),
        })
        .collect();
    s.parties[1].preferences = Some(p1);
    let seats = seats(&s, 0.55);
    let mut g = c.benchmark_group("sao");
    g.measurement_time(Duration::from_secs(5));
    g.throughput(Throughput::Elements(1000));
    g.bench_function("no_deal_1e3_1000rounds", |b| {
        b.iter(|| {
            let rounds = negotiate(black_box(&seats), ["boulware", "conceder"], 1000, 1);
            assert_eq!(rounds, 1000);
            rounds
        })
    });
    g.finish();
}

fn million(c: &mut Criterion) {
    let s = random_additive(2, &[10; 6], 1000);
    let mut g = c.benchmark_group("sao_1e6");
    g.measurement_time(Duration::from_secs(5)).sample_size(10);
    let prefs = s.parties[0].preferences.clone().expect("prefs");
    g.bench_function("index_build", |b| {
        b.iter(|| {
            UtilityIndex::build(black_box(&s.space), &prefs, &[])
                .expect("index")
                .len()
        })
    });
    let seats = seats(&s, 0.0);
    eprintln!(
        "index memory per party: {} MB",
        seats[0].index.bytes() / 1_000_000
    );
    g.throughput(Throughput::Elements(1));
    g.sample_size(50);
    let mut seed = 0;
    g.bench_function("boulware_vs_conceder_100rounds", |b| {
        b.iter(|| {
            seed += 1;
            negotiate(black_box(&seats), ["boulware", "conceder"], 100, seed)
        })
    });
    g.finish();
}

/// The split index (meet in the middle) at 10^10 and 10^12 outcomes: set-up, and a lookup
/// of the outcome closest above a target (what every time-dependent offer asks).
fn split(c: &mut Criterion) {
    for issues in [10usize, 12] {
        let s = random_additive(2, &vec![10; issues], 2000);
        let prefs = s.parties[0].preferences.clone().expect("prefs");
        let mut g = c.benchmark_group(format!("split_1e{issues}"));
        g.measurement_time(Duration::from_secs(5)).sample_size(10);
        g.bench_function("setup", |b| {
            b.iter(|| {
                UtilityIndex::build(black_box(&s.space), &prefs, &[])
                    .expect("index")
                    .len()
            })
        });
        let ix = UtilityIndex::build(&s.space, &prefs, &[]).expect("index");
        eprintln!(
            "split index 1e{issues}: method {}, {} MB",
            ix.method(),
            ix.bytes() / 1_000_000
        );
        let (lo, hi) = (ix.min(), ix.max());
        let mut k = 0u64;
        g.sample_size(50);
        g.bench_function("closest_above", |b| {
            b.iter(|| {
                k += 1;
                let t = lo + (hi - lo) * ((k * 7919 % 1000) as f64 / 1000.0);
                ix.closest_above(black_box(t)).outcome
            })
        });
        g.finish();
    }
}

criterion_group!(benches, boulware_vs_conceder, no_deal, million, split);
criterion_main!(benches);
