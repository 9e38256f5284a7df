//! What is believed about a party's part-worths before (or besides) its answers: a Gaussian
//! over the parameter vector (one part-worth `v[i][k] = weight_i · score_i(k)` per issue value,
//! then the walk-away point).
//!
//! Both priors are built the same way, from a belief about the weights (mean `m`, covariance
//! `C`) and independent beliefs about the scores (mean `μ[i][k]`, variance `τ[i][k]`), by the
//! exact moments of a product of independent variables:
//!
//! ```text
//! E v[i][k]             = m_i μ_ik
//! Cov(v[i][k], v[j][l]) = C_ij (μ_ik μ_jl + [ik = jl] τ_ik) + [ik = jl] m_i² τ_ik
//! ```
//!
//! The weight belief carries the correlations that matter: weights sum to 1, so learning that
//! one issue matters more says the others matter less, and every value of an issue moves with
//! its weight.

use crate::layout::Layout;
use crate::ElicitError;
use accord_model::OutcomeSpace;

/// A Gaussian belief over the part-worths and the walk-away point.
#[derive(Debug, Clone, PartialEq)]
pub struct Prior {
    pub(crate) layout: Layout,
    pub(crate) mean: Vec<f64>,
    /// Row-major, params × params.
    pub(crate) cov: Vec<f64>,
}

/// Mean and covariance of weights drawn uniformly from the simplex (Dirichlet(1, …, 1)).
pub(crate) fn dirichlet_moments(n: usize) -> (Vec<f64>, Vec<f64>) {
    let nf = n as f64;
    let mean = vec![1.0 / nf; n];
    let mut cov = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..n {
            cov[i * n + j] = if i == j { nf - 1.0 } else { -1.0 } / (nf * nf * (nf + 1.0));
        }
    }
    (mean, cov)
}

impl Prior {
    /// Knowing nothing about the party: weights uniform on the simplex, every score uniform in
    /// [0, 1] and independent, the walk-away point 0.5 ± 0.25.
    pub fn uninformed(space: &OutcomeSpace) -> Result<Prior, ElicitError> {
        let layout = Layout::new(space)?;
        let n = layout.radices.len();
        let (m, c) = dirichlet_moments(n);
        let mu: Vec<Vec<f64>> = layout
            .radices
            .iter()
            .map(|&r| vec![0.5; r as usize])
            .collect();
        let tau: Vec<Vec<f64>> = layout
            .radices
            .iter()
            .map(|&r| vec![1.0 / 12.0; r as usize])
            .collect();
        Ok(Prior::from_moments(layout, &m, &c, &mu, &tau, 0.5, 0.25))
    }

    pub(crate) fn from_moments(
        layout: Layout,
        m: &[f64],
        c: &[f64],
        mu: &[Vec<f64>],
        tau: &[Vec<f64>],
        walk_away_mean: f64,
        walk_away_sd: f64,
    ) -> Prior {
        let n = m.len();
        let p = layout.params();
        let mut mean = vec![0.0; p];
        let mut cov = vec![0.0; p * p];
        // (issue, score mean, score variance) of every part-worth.
        let cells: Vec<(usize, f64, f64)> = (0..n)
            .flat_map(|i| (0..mu[i].len()).map(move |k| (i, mu[i][k], tau[i][k])))
            .collect();
        for (a, &(i, mua, taua)) in cells.iter().enumerate() {
            mean[a] = m[i] * mua;
            for (b, &(j, mub, _)) in cells.iter().enumerate() {
                let mut v = c[i * n + j] * mua * mub;
                if a == b {
                    v += (c[i * n + i] + m[i] * m[i]) * taua;
                }
                cov[a * p + b] = v;
            }
        }
        mean[p - 1] = walk_away_mean;
        cov[p * p - 1] = walk_away_sd * walk_away_sd;
        Prior { layout, mean, cov }
    }
}

/// Mean and variance of xᵀθ for θ ~ N(mean, cov), x sparse.
pub(crate) fn predict(mean: &[f64], cov: &[f64], p: usize, x: &[(usize, f64)]) -> (f64, f64) {
    let mut m = 0.0;
    let mut v = 0.0;
    for &(i, a) in x {
        m += a * mean[i];
        let row = &cov[i * p..(i + 1) * p];
        for &(j, b) in x {
            v += a * b * row[j];
        }
    }
    (m, v.max(0.0))
}
