//! Phased analysis, size against time (`cargo bench -p accord-analysis --bench phased`): random
//! two-party scenarios with red lines and nonlinear terms (`testing::random_constrained`), a
//! proposed agreement of two fixed phases and an open third one, so the analysis enumerates
//! `|space|^2` sequenced agreements for each of its two shapes (as proposed, and with the open
//! phase settled now: `|space|^3`, reported too large above `MAX_PHASED_AGREEMENTS`). The
//! reference measured in the same run is the one-shot analysis of the same scenario. `PHASED_REPS`
//! sets the repetitions per size (default 3; the median is reported).

use accord_analysis::phased::{analyze_phased, MAX_PHASED_AGREEMENTS};
use accord_analysis::testing::random_constrained;
use accord_analysis::{analyze, Options};
use accord_model::{OpenValue, Phase, PhaseTerms, PhasedAgreement, PhasedView, Phasing, Trigger};
use std::hint::black_box;
use std::time::Instant;

fn median_seconds(reps: usize, mut f: impl FnMut()) -> f64 {
    let mut t: Vec<f64> = (0..reps)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_secs_f64()
        })
        .collect();
    t.sort_by(f64::total_cmp);
    t[t.len() / 2]
}

fn main() {
    let reps: usize = std::env::var("PHASED_REPS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(3)
        .max(1);
    println!("| issues x values | packages | sequenced agreements enumerated | phased analysis | per agreement | one-shot analysis | phased / one-shot |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for sizes in [
        vec![4, 4],
        vec![4, 4, 4],
        vec![6, 6, 6],
        vec![8, 8, 8],
        vec![5, 5, 5, 5],
        vec![6, 6, 6, 6],
        vec![8, 8, 4, 4, 2],
    ] {
        let s = random_constrained(2, &sizes, 7, true);
        let first = s
            .space
            .outcome(accord_model::U256::from(0))
            .expect("an outcome");
        let last = s
            .space
            .outcome(s.space.size() - accord_model::U256::from(1u64))
            .expect("an outcome");
        let phase = |name: &str, terms| Phase {
            name: name.to_string(),
            duration_days: 42,
            terms,
        };
        let agreement = PhasedAgreement::new(
            vec![
                phase("phase 1", PhaseTerms::Fixed(first)),
                phase("phase 2", PhaseTerms::Fixed(last)),
                phase(
                    "phase 3",
                    PhaseTerms::Open {
                        agenda: vec![0],
                        trigger: Trigger::Day { phase: 1, day: 16 },
                    },
                ),
            ],
            &s.space,
        )
        .expect("a valid agreement");
        let view = PhasedView {
            trust: 0.7,
            open_value: OpenValue::Expected(0.5),
            red_lines: None,
        };
        let phasing = Phasing {
            agreement,
            views: vec![view; s.parties.len()],
        };
        let report = analyze_phased(&s, &phasing);
        let enumerated: u128 = report
            .shapes
            .iter()
            .filter(|r| r.in_zone.is_some())
            .map(|r| r.agreements)
            .sum();
        let phased = median_seconds(reps, || {
            black_box(analyze_phased(black_box(&s), &phasing));
        });
        let one_shot = median_seconds(reps, || {
            black_box(analyze(black_box(&s), &Options::default()).expect("analysis"));
        });
        let label: Vec<String> = sizes.iter().map(usize::to_string).collect();
        println!(
            "| {} | {} | {} | {:.2} ms | {:.1} ns | {:.3} ms | {:.0}x |",
            label.join("x"),
            s.space.size_u128().unwrap(),
            enumerated,
            phased * 1e3,
            phased * 1e9 / enumerated.max(1) as f64,
            one_shot * 1e3,
            phased / one_shot
        );
    }
    println!("\n(at most {MAX_PHASED_AGREEMENTS} agreements per shape are enumerated)");
}
