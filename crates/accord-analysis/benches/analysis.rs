//! Analysis benchmarks (`cargo bench -p accord-analysis`). Domains as in the NegMAS baseline:
//! n issues x 10 values, weights U(0,1) normalised, scores U(0,1); figures go to BENCHMARKS.md.

use accord_analysis::search::{search, Node, Visitor};
use accord_analysis::testing::{random_additive, random_constrained};
use accord_analysis::{analyze, decompose, Model, Options};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::hint::black_box;
use std::time::Duration;

fn full_analysis_two_parties(c: &mut Criterion) {
    let mut g = c.benchmark_group("full_analysis_2p");
    g.measurement_time(Duration::from_secs(3)).sample_size(20);
    for issues in [5usize, 6, 10] {
        let s = random_additive(2, &vec![10; issues], 1000);
        g.bench_with_input(
            BenchmarkId::from_parameter(format!("1e{issues}")),
            &s,
            |b, s| b.iter(|| analyze(black_box(s), &Options::default()).expect("analysis")),
        );
    }
    g.finish();
}

fn frontier_three_parties(c: &mut Criterion) {
    let mut g = c.benchmark_group("frontier_3p");
    g.measurement_time(Duration::from_secs(5)).sample_size(10);
    let s = random_additive(3, &[10; 6], 1000);
    let m = Model::new(&s).expect("model");
    g.bench_function("1e6", |b| b.iter(|| decompose::frontier(black_box(&m), 8)));
    g.finish();
}

fn red_line_domain(c: &mut Criterion) {
    let mut g = c.benchmark_group("red_lines_2p");
    g.measurement_time(Duration::from_secs(5)).sample_size(10);
    let s = random_constrained(2, &[10; 6], 1000, false);
    g.bench_function("1e6_full_analysis", |b| {
        b.iter(|| analyze(black_box(&s), &Options::default()).expect("analysis"))
    });
    g.finish();
}

/// Visits every outcome and folds its utilities: the raw evaluation rate, no pruning.
struct Sum(f64);

impl Visitor for Sum {
    #[inline]
    fn enter(&mut self, _: &Node) -> bool {
        true
    }
    #[inline]
    fn leaf(&mut self, _: &[u32], u: &[f64], violated: u64) {
        if violated == 0 {
            self.0 += u[0] - u[1];
        }
    }
}

fn enumeration_rate(c: &mut Criterion) {
    let mut g = c.benchmark_group("enumeration");
    g.measurement_time(Duration::from_secs(5)).sample_size(10);
    g.throughput(Throughput::Elements(10_000_000));
    // One red line per party; where it sits matters: a rule on the last issue is decided per
    // outcome (from a cached table), one on earlier issues once per subtree.
    for (name, rules) in [
        (
            "1e7_outcomes_2p_red_lines_early",
            ["i0 = v1 => i1 != v2", "i2 = v3 => i3 != v4"],
        ),
        (
            "1e7_outcomes_2p_red_lines_on_last_issue",
            ["i0 = v1 => i6 != v2", "i2 = v3 => i6 != v4"],
        ),
    ] {
        let mut s = random_additive(2, &[10; 7], 1000);
        for (p, text) in s.parties.iter_mut().zip(rules) {
            let rule = accord_model::Rule::parse(text, s.space.issues()).expect("rule");
            p.red_lines
                .push(accord_model::RedLine { rule, source: None });
        }
        let m = Model::new(&s).expect("model");
        g.bench_function(name, |b| {
            b.iter(|| {
                let mut v = Sum(0.0);
                search(black_box(&m), &mut v, None);
                v.0
            })
        });
    }
    g.finish();
}

criterion_group!(
    benches,
    full_analysis_two_parties,
    frontier_three_parties,
    red_line_domain,
    enumeration_rate
);
criterion_main!(benches);
