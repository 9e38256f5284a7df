//! Bargaining solutions, picked from a Pareto frontier. Each maximiser of a monotone criterion
//! over a set lies on that set's frontier, so searching the frontier is exact.

use crate::pareto::{FrontierPoint, EPS};

/// A solution: the frontier point chosen and how many frontier points tie with it.
#[derive(Debug, Clone, PartialEq)]
pub struct Solution {
    /// The chosen point (index into the frontier it was picked from).
    pub point: usize,
    /// Number of frontier points with the same criterion value (1 = unique).
    pub ties: usize,
    /// The criterion's value there.
    pub value: f64,
}

/// The standard solutions of a set, all picked from its frontier.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Solutions {
    /// argmax prod_i (u_i - d_i) over frontier points with u_i >= d_i for all i.
    pub nash: Option<Solution>,
    /// argmax min_i (u_i - d_i) / (ideal_i - d_i) over frontier points with u_i >= d_i.
    pub kalai_smorodinsky: Option<Solution>,
    /// argmax min_i (u_i - d_i) over the frontier.
    pub egalitarian: Option<Solution>,
    /// argmax sum_i u_i over the frontier.
    pub max_welfare: Option<Solution>,
    /// argmin sum_{i<j} |u_i - u_j| over the frontier (GENIUS's "KS", ANL's "kalai").
    pub equal_utility: Option<Solution>,
}

/// Definitions, as printed in reports and JSON.
pub const DEFINITIONS: [(&str, &str); 7] = [
    ("pareto_frontier", "outcomes no other outcome weakly improves for every party and strictly for one; utilities equal within 1e-12 are ties and share a point"),
    ("nash", "argmax over the frontier of prod_i (u_i - d_i) among points with u_i >= d_i for every i; d_i = reservation value, 0 when none"),
    ("kalai_smorodinsky", "argmax over the frontier of min_i (u_i - d_i) / (ideal_i - d_i) among points with u_i >= d_i; ideal_i = best u_i in the set"),
    ("egalitarian", "argmax over the frontier of min_i (u_i - d_i)"),
    ("max_welfare", "argmax over the frontier of sum_i u_i (utilitarian)"),
    ("equal_utility", "argmin over the frontier of sum_{i<j} |u_i - u_j| (GENIUS calls it KS, ANL 'kalai')"),
    ("opposition", "smallest Euclidean distance from any outcome's utilities to the point (1, ..., 1) (GENIUS's definition)"),
];

/// Picks the index maximising `score`, counting ties within EPS (relative to the scale).
fn best_by(
    points: &[FrontierPoint],
    mut score: impl FnMut(&[f64]) -> Option<f64>,
) -> Option<Solution> {
    let mut best: Option<Solution> = None;
    for (i, p) in points.iter().enumerate() {
        let Some(s) = score(&p.utilities) else {
            continue;
        };
        match &mut best {
            None => {
                best = Some(Solution {
                    point: i,
                    ties: 1,
                    value: s,
                })
            }
            Some(b) => {
                let tol = EPS * b.value.abs().max(1.0) * 10.0;
                if s > b.value + tol {
                    *b = Solution {
                        point: i,
                        ties: 1,
                        value: s,
                    };
                } else if (s - b.value).abs() <= tol {
                    b.ties += 1;
                }
            }
        }
    }
    best
}

/// Computes every solution of a frontier. `d` is the disagreement point, `ideal` each party's
/// best utility in the set the frontier belongs to.
pub fn solve(points: &[FrontierPoint], d: &[f64], ideal: &[f64]) -> Solutions {
    let rational = |u: &[f64]| u.iter().zip(d).all(|(x, di)| *x >= di - EPS);
    Solutions {
        nash: best_by(points, |u| {
            rational(u).then(|| u.iter().zip(d).map(|(x, di)| (x - di).max(0.0)).product())
        }),
        kalai_smorodinsky: best_by(points, |u| {
            rational(u).then(|| {
                u.iter()
                    .zip(d)
                    .zip(ideal)
                    .map(|((x, di), hi)| {
                        if hi - di > EPS {
                            (x - di) / (hi - di)
                        } else {
                            1.0
                        }
                    })
                    .fold(f64::INFINITY, f64::min)
            })
        }),
        egalitarian: best_by(points, |u| {
            Some(
                u.iter()
                    .zip(d)
                    .map(|(x, di)| x - di)
                    .fold(f64::INFINITY, f64::min),
            )
        }),
        max_welfare: best_by(points, |u| Some(u.iter().sum())),
        equal_utility: best_by(points, |u| {
            let mut s = 0.0;
            for i in 0..u.len() {
                for j in i + 1..u.len() {
                    s += (u[i] - u[j]).abs();
                }
            }
            Some(-s)
        }),
    }
}

/// Euclidean distance from `u` to (1, ..., 1).
pub fn distance_to_one(u: &[f64]) -> f64 {
    u.iter().map(|x| (1.0 - x) * (1.0 - x)).sum::<f64>().sqrt()
}
