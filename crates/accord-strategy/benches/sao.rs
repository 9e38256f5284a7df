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

/// The split index (meet in the middle; built on request only) at 10^10 and 10^12 outcomes: set-up, and a lookup
/// of the outcome closest above a target (what every time-dependent offer asks).
fn split(c: &mut Criterion) {
    for issues in [10usize, 12] {
        let s = random_additive(2, &vec![10; issues], 2000);
        let prefs = s.parties[0].preferences.clone().expect("prefs");
        let mut g = c.benchmark_group(format!("split_1e{issues}"));
        g.measurement_time(Duration::from_secs(5)).sample_size(10);
        g.bench_function("setup", |b| {
            b.iter(|| {
                UtilityIndex::build_split(black_box(&s.space), &prefs, &[])
                    .expect("index")
                    .len()
            })
        });
        let ix = UtilityIndex::build_split(&s.space, &prefs, &[]).expect("index");
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

#[path = "../../../bench/peak_rss.rs"]
mod peak_rss;
use peak_rss::peak_rss_mb;

/// The branch-and-bound index (the default beyond the sorted index's 50 million outcomes):
/// set-up, `closest_above` lookups at targets spread over the utility range, and a whole SAO
/// negotiation (Boulware vs Conceder, 100 rounds), on random additive domains of 10^10,
/// 10^19 (the largest power of ten whose outcome indices fit 64 bits), 10^20 and 10^50
/// outcomes (256-bit outcome indices) and on
/// ANAC2014-10issues (10^10 outcomes, 40 hyper-rectangle terms per profile linking every
/// issue). At 10^10 it also prints how far above the exact answer (the split index's) the
/// lookups land.
fn bnb(c: &mut Criterion) {
    let anac = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/domains/genius/ANAC2014-10issues");
    let mut domains: Vec<(String, Scenario)> = vec![
        ("1e10".into(), random_additive(2, &[10; 10], 2000)),
        ("1e19".into(), random_additive(2, &[10; 19], 2000)),
        ("1e20".into(), random_additive(2, &[10; 20], 2000)),
        ("1e50".into(), random_additive(2, &[10; 50], 2000)),
    ];
    match accord_formats::load(
        std::slice::from_ref(&anac),
        accord_formats::ReadOptions { lenient: true },
    ) {
        Ok(l) => domains.push(("anac2014_10issues".into(), l.scenario)),
        Err(e) => eprintln!("ANAC2014-10issues not read ({}): {e}", anac.display()),
    }
    for (name, s) in &domains {
        let prefs = s.parties[0].preferences.clone().expect("prefs");
        let mut g = c.benchmark_group(format!("bnb_{name}"));
        g.measurement_time(Duration::from_secs(3)).sample_size(20);
        g.bench_function("setup", |b| {
            b.iter(|| {
                UtilityIndex::build(black_box(&s.space), &prefs, &[])
                    .expect("index")
                    .len()
            })
        });
        let ix = UtilityIndex::build(&s.space, &prefs, &[]).expect("index");
        eprintln!(
            "bnb {name}: {} outcomes, method {}, index {} bytes, peak RSS so far {:.1} MB",
            s.space.size(),
            ix.method(),
            ix.bytes(),
            peak_rss_mb()
        );
        let (lo, hi) = (ix.min(), ix.max());
        let target = |k: u64| lo + (hi - lo) * ((k * 7919 % 1000) as f64 / 1000.0);
        if name == "1e10" {
            let exact = UtilityIndex::build_split(&s.space, &prefs, &[]).expect("split");
            let (mut worst, mut total, mut exact_hits) = (0.0f64, 0.0, 0);
            for k in 0..200 {
                let t = target(k);
                let (a, b) = (ix.closest_above(t).utility, exact.closest_above(t).utility);
                worst = worst.max(a - b);
                total += a - b;
                exact_hits += usize::from(a == b);
            }
            eprintln!(
                "bnb 1e10 against the exact (split) answer, 200 targets: {exact_hits} exact, mean excess {:.2e}, worst {:.2e} (utility range {:.3})",
                total / 200.0,
                worst,
                hi - lo
            );
            // The node budget's trade: time per lookup against distance to the exact answer.
            for budget in [0usize, 16, 64, 256, 1024, 4096] {
                let ixb = UtilityIndex::build_bnb(&s.space, &prefs, &[], budget).expect("bnb");
                let (mut worst, mut total) = (0.0f64, 0.0);
                let start = std::time::Instant::now();
                for k in 0..200 {
                    let t = target(k);
                    let a = ixb.closest_above(black_box(t)).utility;
                    let b = exact.closest_above(t).utility;
                    worst = worst.max(a - b);
                    total += a - b;
                }
                let _ = start;
                let start = std::time::Instant::now();
                for k in 0..2000 {
                    black_box(ixb.closest_above(black_box(target(k))));
                }
                eprintln!(
                    "bnb 1e10 budget {budget}: {:.1} µs per lookup, mean excess {:.2e}, worst {:.2e}",
                    start.elapsed().as_secs_f64() * 1e6 / 2000.0,
                    total / 200.0,
                    worst
                );
            }
        }
        if name.starts_with("anac") {
            // With terms nothing exact is at hand: against a search of 200,000 nodes.
            let deep = UtilityIndex::build_bnb(&s.space, &prefs, &[], 200_000).expect("bnb");
            let reference: Vec<f64> = (0..50)
                .map(|k| deep.closest_above(target(k)).utility)
                .collect();
            for budget in [16usize, 64, 256, 1024, 4096] {
                let ixb = UtilityIndex::build_bnb(&s.space, &prefs, &[], budget).expect("bnb");
                let (mut worst, mut total) = (0.0f64, 0.0);
                let start = std::time::Instant::now();
                for (k, r) in reference.iter().enumerate() {
                    let d = ixb.closest_above(black_box(target(k as u64))).utility - r;
                    worst = worst.max(d);
                    total += d;
                }
                eprintln!(
                    "bnb {name} budget {budget} against a 200,000-node search, 50 targets: {:.1} µs per lookup, mean excess {:.2e}, worst {:.2e} (utility range {:.3})",
                    start.elapsed().as_secs_f64() * 1e6 / 50.0,
                    total / 50.0,
                    worst,
                    hi - lo
                );
            }
        }
        let mut k = 0u64;
        g.sample_size(50);
        g.bench_function("closest_above", |b| {
            b.iter(|| {
                k += 1;
                ix.closest_above(black_box(target(k))).outcome
            })
        });
        let seats = seats(s, 0.0);
        let mut seed = 0;
        g.sample_size(20);
        g.bench_function("boulware_vs_conceder_100rounds", |b| {
            b.iter(|| {
                seed += 1;
                negotiate(black_box(&seats), ["boulware", "conceder"], 100, seed)
            })
        });
        g.finish();
    }
    eprintln!("bnb: peak RSS of the whole run {:.1} MB", peak_rss_mb());
}

// `bnb` first: its peak-RSS figures are printed before the other groups build their indexes.
criterion_group!(benches, bnb, boulware_vs_conceder, no_deal, million, split);
criterion_main!(benches);
