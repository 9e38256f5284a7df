//! Branch and bound against the sorted index and brute force.

use super::tests::{of, us};
use super::*;
use accord_model::{Rule, ValueFunction};
use proptest::prelude::{
    any, prop, prop_assert, prop_assert_eq, proptest, Just, ProptestConfig, Strategy, TestCaseError,
};

fn space(sizes: &[usize]) -> OutcomeSpace {
    OutcomeSpace::new(accord_analysis::testing::issues(sizes)).unwrap()
}

/// Issue sizes, score tables, weights, and terms (rule kind, first issue, value): kind 0
/// a conjunction of two issues, 1 a disjunction, 2 a conjunction of three issues.
type Domain = (Vec<usize>, Vec<Vec<f64>>, Vec<f64>, Vec<(u8, usize, f64)>);

fn domain() -> impl Strategy<Value = Domain> {
    prop::collection::vec(1usize..5, 2..6).prop_flat_map(|sizes| {
        let k = sizes.len();
        let tables = sizes
            .iter()
            .map(|&n| prop::collection::vec(0.0f64..1.0, n))
            .collect::<Vec<_>>();
        (
            Just(sizes),
            tables,
            prop::collection::vec(0.0f64..1.0, k),
            prop::collection::vec((0u8..3, 0..k - 1, -0.4f64..0.4), 0..4),
        )
    })
}

fn prefs_of(s: &OutcomeSpace, d: &Domain) -> Preferences {
    let (sizes, tables, weights, terms) = d;
    let k = sizes.len();
    Preferences {
        weights: weights.clone(),
        functions: tables
            .iter()
            .map(|t| ValueFunction::Table(t.clone()))
            .collect(),
        terms: terms
            .iter()
            .map(|&(kind, i, value)| {
                let v = |j: usize| sizes[j] - 1;
                let text = match kind {
                    0 => format!("i{i} = v0 and i{} = v{}", i + 1, v(i + 1)),
                    1 => format!("i{i} = v{} or i{} = v0", v(i), i + 1),
                    _ => format!(
                        "i{i} != v0 and i{} = v0 and i{} = v{}",
                        i + 1,
                        (i + 2) % k,
                        v((i + 2) % k)
                    ),
                };
                Term {
                    rule: Rule::parse(&text, s.issues()).unwrap(),
                    value,
                }
            })
            .collect(),
    }
}

fn min_of(it: impl Iterator<Item = f64>) -> Option<f64> {
    it.fold(None, |m: Option<f64>, u| Some(m.map_or(u, |m| m.min(u))))
}

fn max_of(it: impl Iterator<Item = f64>) -> Option<f64> {
    it.fold(None, |m: Option<f64>, u| Some(m.map_or(u, |m| m.max(u))))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    /// Branch and bound with an unlimited budget against brute force over every outcome
    /// (its utilities checked against the sorted index's): every query, at random
    /// thresholds and at outcomes' own utilities (ties), with terms of every shape.
    #[test]
    fn bnb_answers_as_brute_force(
        d in domain(),
        thresholds in prop::collection::vec(-0.5f64..2.5, 6),
        seed in any::<u64>(),
    ) {
        let s = space(&d.0);
        let prefs = prefs_of(&s, &d);
        let ix = UtilityIndex::build_bnb(&s, &prefs, &[], usize::MAX).unwrap();
        let sorted = UtilityIndex::build_sorted(&s, &prefs, &[]).unwrap();
        prop_assert_eq!(ix.method(), "bnb");
        let n = s.size_u64().unwrap();
        prop_assert_eq!(ix.len(), of(n));
        let all: Vec<f64> = (0..n).map(|o| ix.utility(of(o))).collect();
        for (o, &u) in all.iter().enumerate() {
            let direct = prefs.utility(&s, &s.outcome(of(o as u64)).unwrap());
            prop_assert!((u - direct).abs() < 1e-12);
            prop_assert!((u - sorted.utility(of(o as u64))).abs() < 1e-12);
        }
        let max = max_of(all.iter().cloned()).unwrap();
        let min = min_of(all.iter().cloned()).unwrap();
        prop_assert_eq!(ix.max(), max);
        prop_assert_eq!(ix.min(), min);
        prop_assert_eq!(all[us(ix.best().outcome)], max);
        let mut ts = thresholds.clone();
        ts.extend(all.iter().step_by(3).cloned());
        let mut rng = Rng::new(seed);
        for &t in &ts {
            let lo = min_of(all.iter().cloned().filter(|&u| u >= t));
            let up = min_of(all.iter().cloned().filter(|&u| u > t));
            let down = max_of(all.iter().cloned().filter(|&u| u < t));
            let check = |e: Option<Entry>, want: Option<f64>| -> Result<(), TestCaseError> {
                prop_assert_eq!(e.map(|e| e.utility), want);
                if let Some(e) = e {
                    prop_assert_eq!(all[us(e.outcome)], e.utility);
                }
                Ok(())
            };
            check(ix.at_least(t), lo)?;
            check(ix.above(t), up)?;
            check(ix.below(t), down)?;
            let near = ix.nearest(t);
            let gap = all.iter().map(|u| (u - t).abs()).fold(f64::MAX, f64::min);
            prop_assert_eq!((near.utility - t).abs(), gap);
            let count = all.iter().filter(|&&u| u >= t).count() as u64;
            prop_assert_eq!(ix.count_at_least(t), count);
            // A window [t, t + 0.2]: found exactly when an outcome lies in it.
            let w = ix.within(t, t + 0.2);
            let any = all.iter().any(|&u| u >= t && u <= t + 0.2);
            prop_assert_eq!(w.is_some(), any);
            if let Some(e) = w {
                prop_assert!(e.utility >= t && e.utility <= t + 0.2);
                prop_assert_eq!(all[us(e.outcome)], e.utility);
            }
            let r = ix.random_at_least(t, &mut rng);
            prop_assert_eq!(all[us(r.outcome)], r.utility);
            if count > 0 { prop_assert!(r.utility >= t); }
            // Under the default budget, answers keep to their side of the target.
            let fast = UtilityIndex::build_bnb(&s, &prefs, &[], 3).unwrap();
            if let Some(e) = fast.at_least(t) { prop_assert!(e.utility >= t); }
            if let Some(e) = fast.below(t) { prop_assert!(e.utility < t); }
            prop_assert_eq!(fast.at_least(t).is_some(), lo.is_some());
        }
    }
}

/// The random descent reaches every outcome above the floor and none below, though not
/// uniformly: here each value of each issue that can still reach the floor is equally
/// likely.
#[test]
fn bnb_random_covers_the_outcomes_above_the_floor() {
    let s = space(&[3, 4, 2]);
    let d: Domain = (
        vec![3, 4, 2],
        vec![
            vec![0.1, 0.5, 0.9],
            vec![0.0, 0.3, 0.6, 1.0],
            vec![0.2, 0.7],
        ],
        vec![0.25; 3],
        vec![(0, 0, 0.1)],
    );
    let prefs = prefs_of(&s, &d);
    let ix = UtilityIndex::build_bnb(&s, &prefs, &[], usize::MAX).unwrap();
    let floor = 0.4;
    let mut seen = [0u32; 24];
    let mut rng = Rng::new(7);
    for _ in 0..20_000 {
        let e = ix.random_at_least(floor, &mut rng);
        assert_eq!(ix.utility(e.outcome), e.utility);
        seen[us(e.outcome)] += 1;
    }
    for o in 0..24u64 {
        let above = ix.utility(of(o)) >= floor;
        assert_eq!(seen[o as usize] > 0, above, "{o}: {}", seen[o as usize]);
    }
}

/// 10^15 outcomes (beyond what the sorted index lists and the split one holds in memory):
/// answers keep to their side of the target, lie close to it (within the largest gap
/// between consecutive scores of one issue, for additive preferences), and the index
/// holds a few KB.
#[test]
fn bnb_answers_close_on_a_huge_space() {
    let s = accord_analysis::testing::random_additive(2, &[10; 15], 3);
    let prefs = s.parties[0].preferences.as_ref().unwrap();
    let ix = UtilityIndex::build(&s.space, prefs, &[]).unwrap();
    assert_eq!(ix.method(), "bnb");
    assert!(ix.bytes() < 20_000, "{}", ix.bytes());
    // The largest gap between consecutive scores of one issue.
    let gap = (0..15)
        .map(|i| {
            let mut t = prefs.issue_table(&s.space, i);
            t.sort_by(f64::total_cmp);
            t.windows(2).map(|w| w[1] - w[0]).fold(0.0, f64::max)
        })
        .fold(0.0, f64::max);
    let (lo, hi) = (ix.min(), ix.max());
    // Best and worst: the sums of each issue's largest and smallest scores.
    let best: f64 = (0..15)
        .map(|i| {
            prefs
                .issue_table(&s.space, i)
                .into_iter()
                .fold(f64::MIN, f64::max)
        })
        .sum();
    assert!((hi - best).abs() < 1e-12);
    for k in 0..=100 {
        let t = lo + (hi - lo) * k as f64 / 100.0;
        let e = ix.closest_above(t);
        assert!(e.utility >= t && e.utility <= t + gap, "{t}: {}", e.utility);
        assert_eq!(ix.utility(e.outcome), e.utility);
        if let Some(b) = ix.below(t) {
            assert!(b.utility < t && b.utility >= t - gap - 1e-12);
        }
    }
}
