//! Answers that no additive preference can explain.
//!
//! Every strict answer says `xᵀθ > 0` for its latent difference (text A better than B, a text
//! better or worse than walking away). Any additive utility, after shifting each issue's
//! part-worths to a minimum of 0 and scaling, is a valid `Preferences`, so a set of answers is
//! consistent exactly when this homogeneous system of strict inequalities has a solution. That
//! is a linear programme: maximise t subject to `yᵀx_qᵀθ ≥ t` for every answer, |θ_d| ≤ 1,
//! t ≤ 1; the answers are consistent iff the optimum t is positive. "About the same" answers
//! only lean the fit (a person who says "the same" about texts 0.01 apart is not
//! contradicting itself), so they never make an inconsistency.
//!
//! An inconsistency is reported as an irreducible set (deletion filter): those answers cannot
//! all hold, but any one of them could be revised to fix it. This is what a party is shown, not
//! "answer 7 is wrong", since which one to revise is its call.

/// The LP margin below which a system counts as infeasible. Truthful answers about texts whose
/// utilities differ by d have a margin of at least d, so only answers about texts closer than
/// this could be misjudged.
const MARGIN: f64 = 1e-8;

/// Is there θ with yᵀx_qᵀθ > 0 for every row? `rows` are the already-signed sparse vectors.
pub(crate) fn feasible(rows: &[&[(usize, f64)]], params: usize) -> bool {
    if rows.is_empty() {
        return true;
    }
    // Only parameters that occur matter; renumber them densely.
    let mut map = vec![usize::MAX; params];
    let mut n = 0;
    for r in rows {
        for &(i, _) in r.iter() {
            if map[i] == usize::MAX {
                map[i] = n;
                n += 1;
            }
        }
    }
    // Variables: θ⁺ (n), θ⁻ (n), t; all ≥ 0. Constraints (≤ form, rhs ≥ 0 so the slack basis is
    // feasible): −x·(θ⁺ − θ⁻) + t ≤ 0 per row; θ⁺ ≤ 1; θ⁻ ≤ 1; t ≤ 1.
    let vars = 2 * n + 1;
    let m = rows.len() + 2 * n + 1;
    let cols = vars + m + 1;
    let mut tab = vec![0.0; (m + 1) * cols];
    for (r, row) in rows.iter().enumerate() {
        for &(i, a) in row.iter() {
            tab[r * cols + map[i]] -= a;
            tab[r * cols + n + map[i]] += a;
        }
        tab[r * cols + 2 * n] = 1.0;
    }
    for d in 0..2 * n + 1 {
        let r = rows.len() + d;
        tab[r * cols + d] = 1.0;
        tab[r * cols + cols - 1] = 1.0;
    }
    for r in 0..m {
        tab[r * cols + vars + r] = 1.0;
    }
    // Objective row: maximise t, stored as −t.
    tab[m * cols + 2 * n] = -1.0;
    let mut basis: Vec<usize> = (vars..vars + m).collect();
    simplex(&mut tab, &mut basis, m, cols);
    tab[m * cols + cols - 1] > MARGIN
}

/// Primal simplex on a tableau whose last row is the objective (reduced costs, value in the
/// last column) with Bland's rule, which cannot cycle on these degenerate systems.
fn simplex(tab: &mut [f64], basis: &mut [usize], m: usize, cols: usize) {
    const EPS: f64 = 1e-11;
    for _ in 0..100_000 {
        let Some(e) = (0..cols - 1).find(|&j| tab[m * cols + j] < -EPS) else {
            return;
        };
        let mut leave: Option<(usize, f64)> = None;
        for r in 0..m {
            let a = tab[r * cols + e];
            if a > EPS {
                let ratio = tab[r * cols + cols - 1] / a;
                let better = match leave {
                    None => true,
                    Some((l, best)) => {
                        ratio < best - EPS || (ratio <= best + EPS && basis[r] < basis[l])
                    }
                };
                if better {
                    leave = Some((r, ratio));
                }
            }
        }
        let Some((l, _)) = leave else {
            return; // unbounded: cannot happen, every variable is boxed
        };
        let piv = tab[l * cols + e];
        for j in 0..cols {
            tab[l * cols + j] /= piv;
        }
        for r in 0..=m {
            if r != l {
                let f = tab[r * cols + e];
                if f != 0.0 {
                    for j in 0..cols {
                        tab[r * cols + j] -= f * tab[l * cols + j];
                    }
                }
            }
        }
        basis[l] = e;
    }
}

/// Irreducible inconsistent sets among `rows` (indices into it): find one by the deletion
/// filter, set aside its most recent answer, and look again, until the rest is consistent.
pub(crate) fn conflicts(rows: &[Vec<(usize, f64)>], params: usize) -> Vec<Vec<usize>> {
    let mut out = Vec::new();
    let mut active: Vec<usize> = (0..rows.len()).collect();
    let check = |set: &[usize]| {
        let r: Vec<&[(usize, f64)]> = set.iter().map(|&i| rows[i].as_slice()).collect();
        feasible(&r, params)
    };
    while !check(&active) && out.len() < 16 {
        let mut core = active.clone();
        let mut k = 0;
        while k < core.len() {
            let mut without = core.clone();
            without.remove(k);
            if !check(&without) {
                core = without;
            } else {
                k += 1;
            }
        }
        let last = *core.iter().max().expect("an infeasible set is not empty");
        active.retain(|&i| i != last);
        out.push(core);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cycle_is_inconsistent() {
        // a > b, b > c, c > a on one issue with values 0, 1, 2.
        let ab = vec![(0, 1.0), (1, -1.0)];
        let bc = vec![(1, 1.0), (2, -1.0)];
        let ca = vec![(2, 1.0), (0, -1.0)];
        assert!(feasible(&[&ab, &bc], 3));
        assert!(!feasible(&[&ab, &bc, &ca], 3));
        let extra = vec![(3, 1.0), (4, -1.0)];
        let found = conflicts(&[extra, ab, bc, ca], 5);
        assert_eq!(found, vec![vec![1, 2, 3]]);
    }

    #[test]
    fn additivity_violation_is_inconsistent() {
        // Two binary issues (part-worths 0, 1 and 2, 3): (a1, b0) ≻ (a0, b0) says a1 ≻ a0,
        // and (a0, b1) ≻ (a1, b1) says a0 ≻ a1: no additive utility holds both.
        let p = |a: usize, b: usize| vec![(a, 1.0), (b, -1.0)];
        assert!(!feasible(&[&p(1, 0), &p(0, 1)], 4));
    }
}
