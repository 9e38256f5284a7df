//! The answers a Gaussian belief learns from, one site each: a linear constraint
//! `lo <= c·x <= hi` on a party's utilities, approximated by a Gaussian factor that
//! expectation propagation refines (`thompson-nash` and `thompson-binding` share them).

use super::belief::{cdf, truncated, Belief};
use super::thompson::NOISE;

/// One answer: lo <= c·x <= hi, with its Gaussian site approximation (precision `tau`,
/// precision times mean `nu`, on c·x).
#[derive(Debug, Clone)]
pub(super) struct Site {
    pub(super) c: Vec<(usize, f64)>,
    /// The chance that the answer says nothing (a misjudged comparison): the likelihood is
    /// `slip + (1 - slip) [lo <= c·x <= hi]`.
    pub(super) slip: f64,
    pub(super) lo: f64,
    pub(super) hi: f64,
    pub(super) tau: f64,
    pub(super) nu: f64,
}

/// Replaces a site's approximation by the moments of its tilted distribution (an
/// expectation-propagation step; from a zero site it is assumed-density filtering).
pub(super) fn refine(b: &mut Belief, site: &mut Site, noise: f64) {
    let dim = b.dim();
    let mut sc = vec![0.0; dim];
    for &(k, a) in &site.c {
        let row = &b.sigma[k * dim..(k + 1) * dim];
        for (s, r) in sc.iter_mut().zip(row) {
            *s += a * r;
        }
    }
    let v = site
        .c
        .iter()
        .map(|&(k, a)| a * sc[k])
        .sum::<f64>()
        .max(1e-18);
    let m: f64 = site.c.iter().map(|&(k, a)| a * b.mu[k]).sum();
    let prec = 1.0 / v - site.tau;
    if prec <= 1e-12 {
        return;
    }
    let v_cav = 1.0 / prec;
    let m_cav = v_cav * (m / v - site.nu);
    let sd = (v_cav + noise).sqrt();
    let (a, z) = ((site.lo - m_cav) / sd, (site.hi - m_cav) / sd);
    let (shift, shrink) = truncated(a, z);
    let m_in = m_cav + v_cav / sd * shift;
    let v_in = (v_cav - v_cav * v_cav / (v_cav + noise) * shrink.clamp(0.0, 1.0)).max(1e-18);
    let (m_new, v_new) = if site.slip > 0.0 {
        // The tilted distribution is a mixture: the cavity itself (the answer misjudged) and
        // the cavity within the bounds, weighted by their evidence.
        let inside = (1.0 - site.slip) * (cdf(z) - cdf(a)).max(0.0);
        let p = inside / (inside + site.slip);
        let m = (1.0 - p) * m_cav + p * m_in;
        let v = (1.0 - p) * (v_cav + (m_cav - m).powi(2)) + p * (v_in + (m_in - m).powi(2));
        (m, v.max(1e-18))
    } else {
        (m_in, v_in)
    };
    let tau = (1.0 / v_new - 1.0 / v_cav).max(0.0);
    let nu = m_new / v_new - m_cav / v_cav;
    let (dtau, dnu) = (tau - site.tau, nu - site.nu);
    let k = dtau / (1.0 + dtau * v);
    let coef = dnu * (1.0 - k * v) - k * m;
    if !(k.is_finite() && coef.is_finite()) {
        return;
    }
    for (mu, s) in b.mu.iter_mut().zip(&sc) {
        *mu += s * coef;
    }
    for a in 0..dim {
        let ka = k * sc[a];
        for (x, s) in b.sigma[a * dim..(a + 1) * dim].iter_mut().zip(&sc) {
            *x -= ka * s;
        }
        let x = &mut b.sigma[a * dim + a];
        *x = x.max(1e-12);
    }
    site.tau = tau;
    site.nu = nu;
}

/// Learns one answer, `lo <= c·x <= hi` taken as misjudged with probability `slip`: refines
/// belief `b` with a fresh site and keeps the site in `sites` for later sweeps.
pub(super) fn learn(
    b: &mut Belief,
    sites: &mut Vec<Site>,
    c: Vec<(usize, f64)>,
    slip: f64,
    (lo, hi): (f64, f64),
) {
    let mut site = Site {
        c,
        slip,
        lo,
        hi,
        tau: 0.0,
        nu: 0.0,
    };
    refine(b, &mut site, NOISE);
    sites.push(site);
}
