//! Property tests: every fast path agrees with plain enumeration and pairwise comparison.

use accord_analysis::testing::{
    all_outcomes, brute_force_frontier, random_additive, random_constrained,
};
use accord_analysis::{
    analyze, blocking, decompose, dominates, improve, visitors, Model, Options, EPS,
};
use proptest::prelude::*;

fn utilities(points: &[accord_analysis::FrontierPoint]) -> Vec<(Vec<f64>, u128)> {
    points
        .iter()
        .map(|p| (p.utilities.clone(), p.count))
        .collect()
}

fn assert_same_frontier(
    a: &[accord_analysis::FrontierPoint],
    b: &[accord_analysis::FrontierPoint],
) {
    let (ua, ub) = (utilities(a), utilities(b));
    assert_eq!(ua.len(), ub.len(), "frontier sizes differ:\n{ua:?}\n{ub:?}");
    for ((x, cx), (y, cy)) in ua.iter().zip(&ub) {
        assert!(
            x.iter().zip(y).all(|(p, q)| (p - q).abs() < 1e-9),
            "{x:?} != {y:?}"
        );
        assert_eq!(cx, cy, "tie counts differ at {x:?}");
    }
}

fn sizes() -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(1usize..6, 1..5)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Decomposition and enumeration agree on random additive domains (2 and 3 parties),
    /// including tie counts.
    #[test]
    fn decomposition_matches_enumeration(sizes in sizes(), k in 2usize..4, seed in any::<u64>()) {
        let s = random_additive(k, &sizes, seed);
        let m = Model::new(&s).unwrap();
        let fast = decompose::frontier(&m, 4);
        let all: Vec<Vec<f64>> = all_outcomes(&m).into_iter().map(|(_, u, _)| u).collect();
        assert_same_frontier(&fast, &brute_force_frontier(&all));
        assert_same_frontier(&visitors::frontier(&m, visitors::Filter::All, 4), &fast);
        // Every listed outcome really has the point's utilities.
        for p in &fast {
            for o in &p.outcomes {
                let u = m.utilities(&o.0);
                prop_assert!(u.iter().zip(&p.utilities).all(|(a, b)| (a - b).abs() < 1e-9));
            }
        }
    }

    /// No frontier point is dominated; every outcome off the frontier is dominated by a point on it.
    #[test]
    fn frontier_is_exactly_the_nondominated_set(sizes in sizes(), k in 2usize..4, seed in any::<u64>()) {
        let s = random_constrained(k, &sizes, seed, true);
        let m = Model::new(&s).unwrap();
        let front = visitors::frontier(&m, visitors::Filter::All, 2);
        for (_, u, _) in all_outcomes(&m) {
            prop_assert!(!front.iter().any(|p| dominates(&u, &p.utilities)), "{u:?} dominates a frontier point");
            let on = front.iter().any(|p| p.utilities.iter().zip(&u).all(|(a, b)| (a - b).abs() <= EPS));
            prop_assert!(on || front.iter().any(|p| dominates(&p.utilities, &u)), "{u:?} off the frontier yet undominated");
        }
    }

    /// The zone's frontier, size and Nash solution match plain enumeration; Nash maximises the
    /// product over the zone.
    #[test]
    fn zone_and_nash_match_enumeration(sizes in sizes(), k in 2usize..4, seed in any::<u64>(), terms in any::<bool>()) {
        let s = random_constrained(k, &sizes, seed, terms);
        let m = Model::new(&s).unwrap();
        let zone: Vec<Vec<f64>> = all_outcomes(&m)
            .into_iter()
            .filter(|(_, u, v)| *v == 0 && m.rational(u))
            .map(|(_, u, _)| u)
            .collect();
        let report = analyze(&s, &Options::default()).unwrap();
        prop_assert_eq!(report.zone.count, Some(zone.len() as u128));
        assert_same_frontier(&report.zone.pareto_frontier, &brute_force_frontier(&zone));
        let best = zone.iter().map(|u| u.iter().zip(&m.d).map(|(x, d)| x - d).product::<f64>()).fold(f64::NEG_INFINITY, f64::max);
        match &report.zone.solutions.nash {
            None => prop_assert!(zone.is_empty()),
            Some(n) => {
                let u = &report.zone.pareto_frontier[n.point].utilities;
                let prod: f64 = u.iter().zip(&m.d).map(|(x, d)| x - d).product();
                prop_assert!((prod - best).abs() < 1e-9, "nash {prod} < best {best}");
            }
        }
    }

    /// The minimal relaxations are exactly the inclusion-minimal violation sets.
    #[test]
    fn blocking_sets_are_the_minimal_violation_sets(sizes in sizes(), k in 2usize..4, seed in any::<u64>()) {
        let mut s = random_constrained(k, &sizes, seed, false);
        for p in &mut s.parties { p.reservation = Some(0.55); }
        let m = Model::new(&s).unwrap();
        let res_bit = m.constraints.len();
        let masks: Vec<u64> = all_outcomes(&m).into_iter().map(|(_, u, v)| {
            let mut mask = v;
            for (p, x) in u.iter().enumerate() { if *x < m.d[p] - EPS { mask |= 1 << (res_bit + p); } }
            mask
        }).collect();
        let mut minimal: Vec<u64> = masks.iter().copied().filter(|a| !masks.iter().any(|b| b & a == *b && b != a)).collect();
        minimal.sort(); minimal.dedup();
        let mut found: Vec<u64> = blocking::relaxations(&m).iter().map(|r| {
            r.red_lines.iter().fold(0u64, |acc, c| acc | 1 << c) | r.reservations.iter().fold(0u64, |acc, p| acc | 1 << (res_bit + p))
        }).collect();
        found.sort();
        if minimal == vec![0] { prop_assert!(found.is_empty()); } else { prop_assert_eq!(found, minimal); }
    }

    /// Improvements on a draft: the count and the best one match enumeration.
    #[test]
    fn improvements_match_enumeration(sizes in sizes(), k in 2usize..4, seed in any::<u64>(), pick in any::<u64>()) {
        let s = random_constrained(k, &sizes, seed, true);
        let m = Model::new(&s).unwrap();
        let all = all_outcomes(&m);
        let draft = all[(pick % all.len() as u64) as usize].0.clone();
        let imp = improve::improvements(&m, &draft.0, 3, u64::MAX);
        let du = m.utilities(&draft.0);
        let dv = m.violations(&draft.0);
        let key = |p: usize, u: &[f64], v: u64| ((v & m.party_mask(p)) == 0, u[p]);
        let better: Vec<&(accord_model::Outcome, Vec<f64>, u64)> = all.iter().filter(|(_, u, v)| {
            let mut strict = false;
            for p in 0..m.k {
                let (a, b) = (key(p, u, *v), key(p, &du, dv));
                if a.0 != b.0 { if a.0 { strict = true; continue } else { return false } }
                if a.1 < b.1 - EPS { return false }
                if a.1 > b.1 + EPS { strict = true }
            }
            strict
        }).collect();
        prop_assert_eq!(imp.count, Some(better.len() as u128));
        let nash = |u: &[f64]| u.iter().zip(&m.d).map(|(x, d)| (x - d).max(0.0)).product::<f64>();
        let best = better.iter().map(|(_, u, _)| nash(u)).fold(f64::NEG_INFINITY, f64::max);
        if let Some(first) = imp.best.first() {
            prop_assert!((first.nash_product - best).abs() < 1e-9);
        } else {
            prop_assert!(better.is_empty());
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Best and worst utility per party and the opposition, by pruned search, match enumeration
    /// (nonlinear terms included, whose bounds use the one-issue lookahead).
    #[test]
    fn extremes_and_opposition_match_enumeration(sizes in sizes(), k in 2usize..4, seed in any::<u64>()) {
        let s = random_constrained(k, &sizes, seed, true);
        let m = Model::new(&s).unwrap();
        let all = all_outcomes(&m);
        for p in 0..k {
            let hi = all.iter().map(|(_, u, _)| u[p]).fold(f64::NEG_INFINITY, f64::max);
            let lo = all.iter().map(|(_, u, _)| u[p]).fold(f64::INFINITY, f64::min);
            prop_assert!((visitors::extreme(&m, p, true).0 - hi).abs() < 1e-9);
            prop_assert!((visitors::extreme(&m, p, false).0 - lo).abs() < 1e-9);
        }
        let opp = all.iter().map(|(_, u, _)| u.iter().map(|x| (1.0 - x) * (1.0 - x)).sum::<f64>().sqrt()).fold(f64::INFINITY, f64::min);
        prop_assert!((visitors::opposition(&m) - opp).abs() < 1e-9);
    }
}
