//! Random scenarios for tests and benchmarks, and a brute-force reference to check against.
//! Deterministic from a seed ([`accord_model::Rng`]).

use crate::model::Model;
use crate::pareto::{dominates, same, FrontierPoint};
use accord_model::{
    Issue, IssueKind, IssueOption, Outcome, OutcomeSpace, Party, Preferences, RedLine, Role, Rule,
    Scenario, Term, ValueFunction,
};

pub use accord_model::Rng;

/// Discrete issues `i0, i1, ...` with options `v0, v1, ...`.
pub fn issues(sizes: &[usize]) -> Vec<Issue> {
    sizes
        .iter()
        .enumerate()
        .map(|(i, &n)| Issue {
            name: format!("i{i}"),
            description: None,
            kind: IssueKind::Discrete {
                options: (0..n)
                    .map(|k| IssueOption {
                        name: format!("v{k}"),
                        wording: None,
                    })
                    .collect(),
            },
        })
        .collect()
}

/// Random additive preferences: weights U(0,1) normalised to sum 1, scores U(0,1) — the
/// NegMAS baseline's domains.
pub fn additive(rng: &mut Rng, sizes: &[usize]) -> Preferences {
    let raw: Vec<f64> = sizes.iter().map(|_| rng.unit()).collect();
    let total: f64 = raw.iter().sum::<f64>().max(1e-9);
    Preferences {
        weights: raw.iter().map(|w| w / total).collect(),
        functions: sizes
            .iter()
            .map(|&n| ValueFunction::Table((0..n).map(|_| rng.unit()).collect()))
            .collect(),
        terms: Vec::new(),
    }
}

fn party(name: String, prefs: Preferences, reservation: Option<f64>) -> Party {
    Party {
        name,
        role: Role::Party,
        preferences: Some(prefs),
        red_lines: Vec::new(),
        reservation,
        discount: None,
        description: None,
    }
}

/// The mediation benchmarks' scenario `seed` (`accord-strategy`'s `mediation_quality`,
/// `accord-analysis`'s `overstatement`): 2-4 parties, 3-7 issues of 4-10 values; weights U(0,1)
/// normalised, scores U(0,1) min-max normalised per issue so each party's best outcome is 1 and
/// its worst 0; reservation values U(0.2, 0.6). No red lines, no terms.
pub fn mediation_scenario(seed: u64) -> Scenario {
    let mut rng = Rng::new(seed);
    let parties = 2 + rng.below(3) as usize;
    let n = 3 + rng.below(5) as usize;
    let sizes: Vec<usize> = (0..n).map(|_| 4 + rng.below(7) as usize).collect();
    let space = OutcomeSpace::new(issues(&sizes)).expect("valid test space");
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
    Scenario::new(format!("quality-{seed}"), None, space, ps, None).expect("valid test scenario")
}

/// A random additive scenario with `parties` negotiators and the given issue sizes.
pub fn random_additive(parties: usize, sizes: &[usize], seed: u64) -> Scenario {
    let mut rng = Rng::new(seed);
    let space = OutcomeSpace::new(issues(sizes)).expect("valid test space");
    let ps = (0..parties)
        .map(|p| party(format!("p{p}"), additive(&mut rng, sizes), None))
        .collect();
    Scenario::new(format!("random-{seed}"), None, space, ps, None).expect("valid test scenario")
}

/// Like [`random_additive`], with reservation values, a random red line per party
/// (`iA = vX => iB != vY`) and, if `terms`, a random bonus term per party.
pub fn random_constrained(parties: usize, sizes: &[usize], seed: u64, terms: bool) -> Scenario {
    let mut s = random_additive(parties, sizes, seed);
    let mut rng = Rng::new(seed.wrapping_mul(31).wrapping_add(7));
    let n = sizes.len() as u64;
    for p in &mut s.parties {
        let a = rng.below(n) as usize;
        let b = rng.below(n) as usize;
        let text = format!(
            "i{a} = v{} => i{b} != v{}",
            rng.below(sizes[a] as u64),
            rng.below(sizes[b] as u64)
        );
        let rule = Rule::parse(&text, s.space.issues()).expect("valid test rule");
        p.red_lines.push(RedLine { rule, source: None });
        p.reservation = Some(0.2 + 0.3 * rng.unit());
        if terms {
            let c = rng.below(n) as usize;
            let text = format!(
                "i{a} = v{} and i{c} != v{}",
                rng.below(sizes[a] as u64),
                rng.below(sizes[c] as u64)
            );
            let rule = Rule::parse(&text, s.space.issues()).expect("valid test rule");
            let value = rng.unit() * 0.4 - 0.2;
            if let Some(prefs) = p.preferences.as_mut() {
                prefs.terms.push(Term { rule, value });
            }
        }
    }
    s
}

/// Every outcome with its utilities and crossed red lines, by plain enumeration (tests only).
pub fn all_outcomes(m: &Model) -> Vec<(Outcome, Vec<f64>, u64)> {
    let space = &m.scenario.space;
    (0..m.size as u64)
        .map(|i| {
            let o = space
                .outcome(accord_model::U256::from(i))
                .expect("index in range");
            let u = m.utilities(&o.0);
            let v = m.violations(&o.0);
            (o, u, v)
        })
        .collect()
}

/// The frontier of a list of utility vectors by pairwise comparison, O(n^2) (tests only):
/// each distinct nondominated vector once, with its count.
pub fn brute_force_frontier(points: &[Vec<f64>]) -> Vec<FrontierPoint> {
    let mut out: Vec<FrontierPoint> = Vec::new();
    for u in points {
        if points.iter().any(|q| dominates(q, u)) {
            continue;
        }
        if let Some(p) = out.iter_mut().find(|p| same(&p.utilities, u)) {
            p.count += 1;
        } else {
            out.push(FrontierPoint {
                utilities: u.clone(),
                outcomes: Vec::new(),
                count: 1,
            });
        }
    }
    crate::pareto::sort_points(&mut out);
    out
}
