//! The normal-distribution functions the probit fit and the question choice need, computed
//! without underflow in the tails (a confident answer must not produce `ln 0`).

pub(crate) use accord_model::normal::{cdf, entropy, log_cdf, mills};

/// Expected information (bits) an answer to a probit question brings about the parameters
/// (BALD, Houlsby et al. 2011): the latent difference is N(mean, var) in units of the answer
/// noise. Large when the fit cannot predict the answer *and* the uncertainty is about the
/// parameters rather than the noise.
pub(crate) fn bald(mean: f64, var: f64) -> f64 {
    let c2 = std::f64::consts::PI * std::f64::consts::LN_2 / 2.0;
    let p = cdf(mean / (1.0 + var).sqrt());
    let expected_noise = (c2 / (var + c2)).sqrt() * (-mean * mean / (2.0 * (var + c2))).exp();
    (entropy(p) - expected_noise).max(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        assert!((cdf(0.0) - 0.5).abs() < 1e-7);
        assert!((cdf(1.959_963_985) - 0.975).abs() < 1e-6);
        assert!((log_cdf(-10.0) - (-53.231_285)).abs() < 1e-3);
        assert!((mills(-30.0) - 30.033).abs() < 0.01);
        assert!(bald(0.0, 10.0) > bald(0.0, 0.1));
        assert!(bald(0.0, 1.0) > bald(3.0, 1.0));
    }
}
