//! The Bayesian fit: a Gaussian prior over the part-worths, a probit likelihood per answer, and
//! the Laplace approximation of the posterior (its mode and the curvature there).
//!
//! Every answer is about a latent difference f = xᵀθ (utility of one text minus the other, or
//! minus the walk-away point):
//! - "A" / "accept": P = Φ(f/σ); "B" / "reject": P = Φ(−f/σ), σ the answer noise;
//! - "about the same": f ~ N(0, σ_same²).
//!
//! Both are log-concave, so the posterior has one mode, found by Newton's method. The Newton
//! iterations run in the space of the Q answered differences, not of the P parameters
//! (Rasmussen and Williams, *Gaussian Processes for Machine Learning*, algorithms 3.1–3.2): the
//! prior over differences is N(A·m, K = A·S·Aᵀ), and only I + W^½·K·W^½ is ever factorised, which
//! is well conditioned even when the prior covariance S is singular (weights summing to 1 make
//! it so). The parameter posterior follows as
//! θ̂ = m + S·Aᵀ·∇log p(f̂), Σ = S − S·Aᵀ·(K + W⁻¹)⁻¹·A·S.

use crate::linalg::{cholesky, solve_lower, solve_upper};
use crate::normal::{log_cdf, mills};
use crate::prior::Prior;

/// What an answer says about its latent difference.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Evidence {
    /// f > 0 (`+1.0`) or f < 0 (`-1.0`), up to noise.
    Sign(f64),
    /// f ≈ 0.
    Same,
}

/// One answered question as the fit sees it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Observation {
    pub(crate) x: Vec<(usize, f64)>,
    pub(crate) evidence: Evidence,
}

/// The Laplace posterior.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Posterior {
    pub(crate) mean: Vec<f64>,
    pub(crate) cov: Vec<f64>,
}

/// (log-likelihood, gradient, negative second derivative) of one answer at f.
fn likelihood(e: Evidence, f: f64, noise: f64, same_noise: f64) -> (f64, f64, f64) {
    match e {
        Evidence::Sign(y) => {
            let z = y * f / noise;
            let l = mills(z);
            (log_cdf(z), y * l / noise, l * (z + l) / (noise * noise))
        }
        Evidence::Same => {
            let t2 = same_noise * same_noise;
            (-f * f / (2.0 * t2), -f / t2, 1.0 / t2)
        }
    }
}

fn sparse_dot(x: &[(usize, f64)], v: &[f64]) -> f64 {
    x.iter().map(|&(i, a)| a * v[i]).sum()
}

/// Factorises B = I + W^½ K W^½ (always positive definite).
fn factor(k: &[f64], sw: &[f64], q: usize) -> Vec<f64> {
    let mut b = vec![0.0; q * q];
    for i in 0..q {
        for j in 0..q {
            b[i * q + j] = sw[i] * k[i * q + j] * sw[j] + if i == j { 1.0 } else { 0.0 };
        }
    }
    let ok = cholesky(&mut b, q);
    debug_assert!(ok, "I + W^½KW^½ is positive definite");
    b
}

pub(crate) fn laplace(
    prior: &Prior,
    obs: &[Observation],
    noise: f64,
    same_noise: f64,
) -> Posterior {
    let p = prior.layout.params();
    let q = obs.len();
    if q == 0 {
        return Posterior {
            mean: prior.mean.clone(),
            cov: prior.cov.clone(),
        };
    }
    // S·x_q for every answer (q × p), the prior mean and covariance of the differences.
    let mut sa = vec![0.0; q * p];
    for (r, o) in obs.iter().enumerate() {
        for &(i, a) in &o.x {
            let row = &prior.cov[i * p..(i + 1) * p];
            for (s, c) in sa[r * p..(r + 1) * p].iter_mut().zip(row) {
                *s += a * c;
            }
        }
    }
    let mut k = vec![0.0; q * q];
    for r in 0..q {
        for s in 0..q {
            k[r * q + s] = sparse_dot(&obs[s].x, &sa[r * p..(r + 1) * p]);
        }
    }
    let mu: Vec<f64> = obs.iter().map(|o| sparse_dot(&o.x, &prior.mean)).collect();

    // Newton on g = f − μ, with a = K⁻¹g kept alongside.
    let eval = |a: &[f64]| -> (Vec<f64>, f64) {
        let g: Vec<f64> = (0..q)
            .map(|r| (0..q).map(|s| k[r * q + s] * a[s]).sum())
            .collect();
        let mut psi = -0.5 * a.iter().zip(&g).map(|(x, y)| x * y).sum::<f64>();
        for (r, o) in obs.iter().enumerate() {
            psi += likelihood(o.evidence, mu[r] + g[r], noise, same_noise).0;
        }
        (g, psi)
    };
    let mut a = vec![0.0; q];
    let (mut g, mut psi) = eval(&a);
    for _ in 0..100 {
        let mut grad = vec![0.0; q];
        let mut sw = vec![0.0; q];
        for (r, o) in obs.iter().enumerate() {
            let (_, d, w) = likelihood(o.evidence, mu[r] + g[r], noise, same_noise);
            grad[r] = d;
            sw[r] = w.max(0.0).sqrt();
        }
        let l = factor(&k, &sw, q);
        let b: Vec<f64> = (0..q).map(|r| sw[r] * sw[r] * g[r] + grad[r]).collect();
        let mut c: Vec<f64> = (0..q)
            .map(|r| sw[r] * (0..q).map(|s| k[r * q + s] * b[s]).sum::<f64>())
            .collect();
        solve_lower(&l, q, &mut c);
        solve_upper(&l, q, &mut c);
        let mut a_new: Vec<f64> = (0..q).map(|r| b[r] - sw[r] * c[r]).collect();
        let (mut g_new, mut psi_new) = eval(&a_new);
        // The full Newton step may overshoot on a sharp probit: halve it until ψ does not drop.
        let mut halvings = 0;
        while psi_new < psi - 1e-12 && halvings < 30 {
            for (x, y) in a_new.iter_mut().zip(&a) {
                *x = 0.5 * (*x + y);
            }
            (g_new, psi_new) = eval(&a_new);
            halvings += 1;
        }
        let done = (psi_new - psi).abs() < 1e-10 * (1.0 + psi.abs());
        a = a_new;
        g = g_new;
        psi = psi_new;
        if done {
            break;
        }
    }

    // Mode and curvature there.
    let mut grad = vec![0.0; q];
    let mut sw = vec![0.0; q];
    for (r, o) in obs.iter().enumerate() {
        let (_, d, w) = likelihood(o.evidence, mu[r] + g[r], noise, same_noise);
        grad[r] = d;
        sw[r] = w.max(0.0).sqrt();
    }
    let mut mean = prior.mean.clone();
    for r in 0..q {
        for (m, s) in mean.iter_mut().zip(&sa[r * p..(r + 1) * p]) {
            *m += s * grad[r];
        }
    }
    // V = L⁻¹·W^½·A·S (q × p); Σ = S − VᵀV.
    let l = factor(&k, &sw, q);
    let mut v = vec![0.0; q * p];
    let mut col = vec![0.0; q];
    for j in 0..p {
        for r in 0..q {
            col[r] = sw[r] * sa[r * p + j];
        }
        solve_lower(&l, q, &mut col);
        for r in 0..q {
            v[r * p + j] = col[r];
        }
    }
    let mut cov = prior.cov.clone();
    for r in 0..q {
        let row = &v[r * p..(r + 1) * p];
        for i in 0..p {
            if row[i] == 0.0 {
                continue;
            }
            for j in 0..p {
                cov[i * p + j] -= row[i] * row[j];
            }
        }
    }
    Posterior { mean, cov }
}
