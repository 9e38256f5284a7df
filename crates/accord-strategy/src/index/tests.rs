//! The sorted and split indexes against brute force.

use super::*;

pub(super) fn of(o: u64) -> Offer {
    Offer::from(o)
}

pub(super) fn us(o: Offer) -> usize {
    usize::try_from(o).unwrap()
}
use accord_model::{Outcome, ValueFunction};

fn space(sizes: &[usize]) -> OutcomeSpace {
    OutcomeSpace::new(accord_analysis::testing::issues(sizes)).unwrap()
}

#[test]
fn index_agrees_with_direct_evaluation() {
    for sizes in [vec![3usize], vec![2, 3, 4], vec![5, 1, 2]] {
        let s = space(&sizes);
        let prefs = Preferences {
            weights: sizes.iter().map(|_| 0.3).collect(),
            functions: sizes
                .iter()
                .map(|&n| ValueFunction::Table((0..n).map(|k| (k as f64 * 0.37) % 1.0).collect()))
                .collect(),
            terms: Vec::new(),
        };
        let ix = UtilityIndex::build(&s, &prefs, &[]).unwrap();
        assert_eq!(ix.len(), s.size());
        for id in 0..s.size_u64().unwrap() {
            let o: Outcome = s.outcome(of(id)).unwrap();
            assert!((ix.utility(of(id)) - prefs.utility(&s, &o)).abs() < 1e-12);
            let mut v = vec![0; sizes.len()];
            decode(of(id), s.radices(), &mut v);
            assert_eq!(v, o.0);
            assert_eq!(encode(&v, s.radices()), of(id));
        }
        let mut e = ix.closest_above(f64::MIN);
        while let Some(next) = ix.after(e) {
            assert!(e.utility <= next.utility);
            e = next;
        }
        let (u, o) = ix.closest_above(0.5).pair();
        assert!(u >= 0.5 || u == ix.max());
        assert_eq!(ix.utility(o), u);
    }
}

use proptest::prelude::*;

/// A random domain: sizes, tables (as value-function scores) and, optionally, a term
/// on two issues (linking them, so the split must keep them together).
/// Issue sizes, score tables, and a term (first issue, value).
type Domain = (Vec<usize>, Vec<Vec<f64>>, Option<(usize, f64)>);

fn domain() -> impl Strategy<Value = Domain> {
    prop::collection::vec(1usize..5, 2..6).prop_flat_map(|sizes| {
        let tables = sizes
            .iter()
            .map(|&n| prop::collection::vec(0.0f64..1.0, n))
            .collect::<Vec<_>>();
        let k = sizes.len();
        (
            Just(sizes),
            tables,
            prop::option::of((0..k - 1, -0.3f64..0.3)),
        )
    })
}

fn prefs_of(s: &OutcomeSpace, tables: &[Vec<f64>], term: Option<(usize, f64)>) -> Preferences {
    Preferences {
        weights: tables.iter().map(|_| 0.25).collect(),
        functions: tables
            .iter()
            .map(|t| ValueFunction::Table(t.clone()))
            .collect(),
        terms: term
            .map(|(i, value)| Term {
                rule: accord_model::Rule::parse(
                    &format!("i{i} = v0 and i{} = v0", i + 1),
                    s.issues(),
                )
                .unwrap(),
                value,
            })
            .into_iter()
            .collect(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    /// The split index against brute force over every outcome (its own utilities, which
    /// must match the sorted index's up to rounding): every query, at random thresholds.
    #[test]
    fn split_answers_as_brute_force(
        (sizes, tables, term) in domain(),
        thresholds in prop::collection::vec(-0.5f64..1.5, 6),
        seed in any::<u64>(),
    ) {
        let s = space(&sizes);
        let prefs = prefs_of(&s, &tables, term);
        let split = UtilityIndex::build_split(&s, &prefs, &[]).unwrap();
        let sorted = UtilityIndex::build_sorted(&s, &prefs, &[]).unwrap();
        prop_assert_eq!(split.method(), "split");
        let n = s.size_u64().unwrap();
        prop_assert_eq!(split.len(), of(n));
        let all: Vec<f64> = (0..n).map(|o| split.utility(of(o))).collect();
        for (o, &u) in all.iter().enumerate() {
            prop_assert!((u - sorted.utility(of(o as u64))).abs() < 1e-12);
        }
        let max = all.iter().cloned().fold(f64::MIN, f64::max);
        let min = all.iter().cloned().fold(f64::MAX, f64::min);
        prop_assert_eq!(split.max(), max);
        prop_assert_eq!(split.min(), min);
        // Thresholds at random and exactly at outcomes' utilities (ties).
        let mut ts = thresholds.clone();
        ts.extend(all.iter().step_by(3).cloned());
        let mut rng = accord_model::Rng::new(seed);
        for (k, &t) in ts.iter().enumerate() {
            let lo = all.iter().cloned().filter(|&u| u >= t).fold(None, |m: Option<f64>, u| Some(m.map_or(u, |m| m.min(u))));
            let up = all.iter().cloned().filter(|&u| u > t).fold(None, |m: Option<f64>, u| Some(m.map_or(u, |m| m.min(u))));
            let down = all.iter().cloned().filter(|&u| u < t).fold(None, |m: Option<f64>, u| Some(m.map_or(u, |m| m.max(u))));
            let got = split.at_least(t);
            prop_assert_eq!(got.map(|e| e.utility), lo);
            if let Some(e) = got { prop_assert_eq!(all[us(e.outcome)], e.utility); }
            prop_assert_eq!(split.above(t).map(|e| e.utility), up);
            let b = split.below(t);
            prop_assert_eq!(b.map(|e| e.utility), down);
            if let Some(e) = b { prop_assert_eq!(all[us(e.outcome)], e.utility); }
            let near = split.nearest(t);
            let best_gap = all.iter().map(|u| (u - t).abs()).fold(f64::MAX, f64::min);
            prop_assert_eq!((near.utility - t).abs(), best_gap);
            let count = all.iter().filter(|&&u| u >= t).count() as u64;
            prop_assert_eq!(split.count_at_least(t), count);
            let r = split.random_at_least(t, &mut rng);
            prop_assert_eq!(all[us(r.outcome)], r.utility);
            if count > 0 { prop_assert!(r.utility >= t); } else { prop_assert_eq!(r.utility, max); }
            // The sorted index gives the same utilities (up to rounding of the sums, so
            // only at thresholds that are not outcomes' own utilities).
            if k >= thresholds.len() {
                continue;
            }
            let so = sorted.at_least(t).map(|e| e.utility);
            prop_assert_eq!(so.is_some(), lo.is_some());
            if let (Some(a), Some(b)) = (so, lo) { prop_assert!((a - b).abs() < 1e-12); }
            prop_assert_eq!(sorted.count_at_least(t), count);
        }
    }
}

/// Every outcome above a floor is drawn by the split index's random pick, about equally.
#[test]
fn split_random_is_uniform() {
    let s = space(&[3, 4, 2]);
    let prefs = prefs_of(
        &s,
        &[
            vec![0.1, 0.5, 0.9],
            vec![0.0, 0.3, 0.6, 1.0],
            vec![0.2, 0.7],
        ],
        None,
    );
    let ix = UtilityIndex::build_split(&s, &prefs, &[]).unwrap();
    let floor = 0.4;
    let above: Vec<u64> = (0..24).filter(|&o| ix.utility(of(o)) >= floor).collect();
    let mut seen = [0u32; 24];
    let mut rng = accord_model::Rng::new(7);
    for _ in 0..above.len() * 2000 {
        seen[us(ix.random_at_least(floor, &mut rng).outcome)] += 1;
    }
    for o in 0..24u64 {
        if above.contains(&o) {
            assert!(
                (1700..2300).contains(&seen[o as usize]),
                "{o}: {}",
                seen[o as usize]
            );
        } else {
            assert_eq!(seen[o as usize], 0);
        }
    }
}
