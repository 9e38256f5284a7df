//! The Gaussian belief over one party's utilities, and the normal-distribution functions its
//! probit updates need.

use super::NOISE;
use accord_model::Rng;

pub(crate) use accord_model::normal::{cdf, entropy, mills};

/// How far apart (as a share of an ordered issue's range) two values may lie and still be
/// expected to be valued alike.
const LENGTH_SCALE: f64 = 0.25;

/// A Gaussian belief N(μ, Σ) over a party's utility vector x (one entry per clause value, then
/// its reservation value).
#[derive(Debug, Clone)]
pub(crate) struct Belief {
    pub(crate) mu: Vec<f64>,
    /// Row-major, dim × dim.
    pub(crate) sigma: Vec<f64>,
    dim: usize,
    scratch: Vec<f64>,
}

impl Belief {
    /// The prior: a clause value has mean 0.5/n and sd 0.4/n (correlation 0.3 within an issue);
    /// the reservation value mean 0.4, sd 0.2.
    pub(crate) fn prior(radices: &[u32]) -> Self {
        Self::prior_ordered(radices, &[])
    }

    /// The prior, where the values of issue `i` are ordered numbers when `ordered[i]` (an
    /// integer or real issue): there the correlation of two values falls with their distance,
    /// exp(−d² / 2ℓ²) over positions scaled to [0, 1] with ℓ = `LENGTH_SCALE` (plus the 0.3 every
    /// pair of an issue's values shares), so that what one answer teaches about a value carries
    /// to its neighbours. Issues not named are categorical.
    pub(crate) fn prior_ordered(radices: &[u32], ordered: &[bool]) -> Self {
        let n = radices.len().max(1) as f64;
        let d: usize = radices.iter().map(|&r| r as usize).sum();
        let dim = d + 1;
        let mut mu = vec![0.5 / n; dim];
        mu[d] = 0.4;
        let var = (0.4 / n).powi(2);
        let mut sigma = vec![0.0; dim * dim];
        let mut start = 0;
        for (i, &r) in radices.iter().enumerate() {
            let r = r as usize;
            let smooth = ordered.get(i).copied().unwrap_or(false) && r > 2;
            for a in start..start + r {
                for b in start..start + r {
                    sigma[a * dim + b] = if a == b {
                        var
                    } else if smooth {
                        let d = (a as f64 - b as f64) / (r - 1) as f64;
                        var * (0.3 + 0.7 * (-d.abs() / LENGTH_SCALE).exp())
                    } else {
                        0.3 * var
                    };
                }
            }
            start += r;
        }
        sigma[d * dim + d] = 0.04;
        Belief {
            mu,
            sigma,
            dim,
            scratch: vec![0.0; dim],
        }
    }

    /// The prior of a normalised additive party: issue weights drawn uniformly and normalised to
    /// sum 1, each issue's scores drawn uniformly and stretched so that its worst value scores 0
    /// and its best 1 (so the party's best text is worth 1 and its worst 0), as GENIUS and ANAC
    /// preferences are normalised. Its exact first and second moments make the Gaussian: a
    /// clause value's variance, the covariance within an issue (its shared, uncertain weight)
    /// and the negative covariance across issues (the weights sum to 1). The reservation value
    /// has mean 0.4 and sd 0.2, independent. Ordered issues keep the smooth correlation of
    /// [`Belief::prior_ordered`] over the moment-matched variance.
    pub(crate) fn prior_normalised(radices: &[u32], ordered: &[bool]) -> Self {
        let n = radices.len().max(1);
        let (w2, wiwj) = weight_moments(n);
        let base = 0.25 / (n * n) as f64;
        let mut b = Self::prior_ordered(radices, ordered);
        let dim = b.dim;
        let mut start = 0;
        let mut blocks = Vec::with_capacity(radices.len());
        for &r in radices {
            blocks.push((start, r as usize));
            start += r as usize;
        }
        for (i, &(si, ri)) in blocks.iter().enumerate() {
            let r = ri as f64;
            // Scores of one issue: E s² and E s_a s_b (a ≠ b) for r stretched uniform draws,
            // whose r − 2 inner values are uniform on [0, 1] given the two ends.
            let s2 = (r + 1.0) / (3.0 * r);
            let inner = r - 2.0;
            let sum2 = 1.0 + inner + inner * inner / 4.0 + inner / 12.0;
            let sab = if ri > 1 {
                (sum2 - r * s2) / (r * (r - 1.0))
            } else {
                s2
            };
            let var = w2 * s2 - base;
            let within = w2 * sab - base;
            let smooth = ordered.get(i).copied().unwrap_or(false) && ri > 2;
            for a in si..si + ri {
                for c in si..si + ri {
                    b.sigma[a * dim + c] = if a == c {
                        var
                    } else if smooth {
                        let d = (a as f64 - c as f64) / (ri - 1) as f64;
                        // Kept non-negative, so the block stays a valid covariance.
                        let floor = (within / var).max(0.0);
                        var * (floor + (1.0 - floor) * (-d.abs() / LENGTH_SCALE).exp())
                    } else {
                        within
                    };
                }
            }
            for &(sj, rj) in &blocks[i + 1..] {
                let across = 0.25 * wiwj - base;
                for a in si..si + ri {
                    for c in sj..sj + rj {
                        b.sigma[a * dim + c] = across;
                        b.sigma[c * dim + a] = across;
                    }
                }
            }
        }
        b
    }

    /// Mean and variance of c·x for a sparse c.
    pub(crate) fn predict(&self, c: &[(usize, f64)]) -> (f64, f64) {
        let mut mean = 0.0;
        let mut var = 0.0;
        for &(i, a) in c {
            mean += a * self.mu[i];
            let row = &self.sigma[i * self.dim..(i + 1) * self.dim];
            for &(j, b) in c {
                var += a * b * row[j];
            }
        }
        (mean, var.max(0.0))
    }

    /// The dimension (clause values and the reservation value).
    pub(crate) fn dim(&self) -> usize {
        self.dim
    }

    /// Learns c·x >= 0 (probit assumed-density filtering).
    pub(crate) fn observe(&mut self, c: &[(usize, f64)]) {
        if c.is_empty() {
            return;
        }
        let dim = self.dim;
        let sc = &mut self.scratch;
        sc.iter_mut().for_each(|x| *x = 0.0);
        // Σ is symmetric: Σc = Σ_k c_k · (row k of Σ).
        for &(k, a) in c {
            let row = &self.sigma[k * dim..(k + 1) * dim];
            for (s, r) in sc.iter_mut().zip(row) {
                *s += a * r;
            }
        }
        let v = c.iter().map(|&(k, a)| a * sc[k]).sum::<f64>().max(0.0) + NOISE;
        let mean: f64 = c.iter().map(|&(k, a)| a * self.mu[k]).sum();
        let sd = v.sqrt();
        let z = mean / sd;
        let lambda = mills(z);
        let shrink = (lambda * (lambda + z)).clamp(0.0, 1.0) / v;
        let step = lambda / sd;
        for (m, s) in self.mu.iter_mut().zip(sc.iter()) {
            *m += s * step;
        }
        // Update the upper triangle and mirror it, so that Σ stays exactly symmetric.
        for a in 0..dim {
            let ka = sc[a] * shrink;
            if ka != 0.0 {
                let row = &mut self.sigma[a * dim + a..(a + 1) * dim];
                for (x, s) in row.iter_mut().zip(&sc[a..]) {
                    *x -= ka * s;
                }
            }
            let x = &mut self.sigma[a * dim + a];
            *x = x.max(1e-12);
            for b in a + 1..dim {
                self.sigma[b * dim + a] = self.sigma[a * dim + b];
            }
        }
    }
}

/// E w_i² and E w_i w_j (i ≠ j) for weights U_i / Σ U_j of n uniform draws U: the first
/// averaged over 4,000 draws of a fixed sequence (deterministic; within about 1% of the true
/// value), the second then fixed by Σ w = 1, i.e. n E w_i² + n(n − 1) E w_i w_j = 1.
fn weight_moments(n: usize) -> (f64, f64) {
    if n <= 1 {
        return (1.0, 1.0);
    }
    let mut rng = accord_model::Rng::new(0x5eed + n as u64);
    let draws = 4000;
    let mut total = 0.0;
    for _ in 0..draws {
        let u: Vec<f64> = (0..n).map(|_| rng.unit()).collect();
        let s: f64 = u.iter().sum();
        total += u.iter().map(|x| (x / s).powi(2)).sum::<f64>() / n as f64;
    }
    let w2 = total / draws as f64;
    let nf = n as f64;
    (w2, (1.0 - nf * w2) / (nf * (nf - 1.0)))
}

/// For z ~ N(0, 1) truncated to [a, b]: (E z, 1 − Var z), the mean shift and the variance
/// reduction the update applies. Computed in the left tail (mirrored when the interval lies to
/// the right), with ratios of Mills ratios where Φ(b) − Φ(a) would cancel.
pub(crate) fn truncated(a: f64, b: f64) -> (f64, f64) {
    if a > 0.0 {
        let (m, r) = truncated(-b, -a);
        return (-m, r);
    }
    if b == f64::INFINITY {
        // One-sided: z >= a, i.e. −z <= −a; the Mills ratio of −a.
        let l = mills(-a);
        return (l, l * (l - a));
    }
    if b <= 0.0 {
        // Both bounds in the left tail (a < b <= 0): Z = Φ(b)·(1 − r·L(b)/L(a)) with
        // r = φ(a)/φ(b) and L the Mills ratio.
        let lb = mills(b);
        let (r, ra) = if a == f64::NEG_INFINITY {
            (0.0, 0.0)
        } else {
            let r = (0.5 * (b * b - a * a)).exp();
            (r, r * lb / mills(a))
        };
        let q = (1.0 - ra).max(1e-300);
        let m = -lb * (1.0 - r) / q;
        let ea = if a == f64::NEG_INFINITY {
            0.0
        } else {
            a * r * lb
        };
        let second = (b * lb - ea) / q;
        return (m, second + m * m);
    }
    // a <= 0 < b: the mass near the mode, no cancellation.
    let (pa, pb) = (pdf_or_zero(a), pdf_or_zero(b));
    let z = (cdf(b) - cdf(a)).max(1e-300);
    let m = (pa - pb) / z;
    let ea = if a.is_finite() { a * pa } else { 0.0 };
    let eb = if b.is_finite() { b * pb } else { 0.0 };
    (m, (eb - ea) / z + m * m)
}

fn pdf_or_zero(z: f64) -> f64 {
    if z.is_finite() {
        accord_model::normal::pdf(z)
    } else {
        0.0
    }
}

/// The lower Cholesky factor of a belief's covariance (row-major), with jitter where rounding
/// left it not quite positive definite.
pub(super) fn cholesky(b: &Belief) -> Vec<f64> {
    let d = b.dim();
    let mut l = vec![0.0; d * d];
    for i in 0..d {
        for j in 0..=i {
            let dot: f64 = (0..j).map(|k| l[i * d + k] * l[j * d + k]).sum();
            let s = b.sigma[i * d + j] - dot;
            if i == j {
                l[i * d + i] = s.max(1e-12).sqrt();
            } else {
                l[i * d + j] = s / l[j * d + j];
            }
        }
    }
    l
}

/// A standard normal draw (Box-Muller).
pub(super) fn normal(rng: &mut Rng) -> f64 {
    let u = 1.0 - rng.unit();
    let v = rng.unit();
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The normalised prior's mean and covariance against the sample moments of 40,000 parties
    /// drawn as the mediation benchmark draws them (uniform weights normalised; uniform scores
    /// stretched to [0, 1] per issue), computed here independently of the closed forms.
    #[test]
    fn normalised_prior_matches_the_moments_of_drawn_parties() {
        let radices = [4u32, 7, 5];
        let prior = Belief::prior_normalised(&radices, &[]);
        let d: usize = radices.iter().map(|&r| r as usize).sum();
        let mut rng = accord_model::Rng::new(99);
        let draws = 40_000;
        let mut sum = vec![0.0; d];
        let mut cross = vec![0.0; d * d];
        for _ in 0..draws {
            let raw: Vec<f64> = radices.iter().map(|_| rng.unit()).collect();
            let total: f64 = raw.iter().sum();
            let mut x = Vec::with_capacity(d);
            for (&r, w) in radices.iter().zip(&raw) {
                let t: Vec<f64> = (0..r).map(|_| rng.unit()).collect();
                let lo = t.iter().copied().fold(f64::INFINITY, f64::min);
                let hi = t.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                x.extend(t.iter().map(|v| w / total * (v - lo) / (hi - lo)));
            }
            for a in 0..d {
                sum[a] += x[a];
                for b in 0..d {
                    cross[a * d + b] += x[a] * x[b];
                }
            }
        }
        let dim = prior.dim();
        for a in 0..d {
            let mean = sum[a] / draws as f64;
            assert!(
                (prior.mu[a] - mean).abs() < 0.003,
                "mean {a}: {} vs {mean}",
                prior.mu[a]
            );
            for b in 0..d {
                let cov = cross[a * d + b] / draws as f64 - mean * sum[b] / draws as f64;
                let got = prior.sigma[a * dim + b];
                assert!((got - cov).abs() < 0.0015, "cov {a},{b}: {got} vs {cov}");
            }
        }
        // Within an issue values share the weight's uncertainty; across issues the weights
        // compete (they sum to 1).
        let (within, across) = (prior.sigma[1], prior.sigma[4]);
        assert!(within > across, "within {within}, across {across}");
        assert!(across < 0.0, "across issues: {across}");
    }
}
