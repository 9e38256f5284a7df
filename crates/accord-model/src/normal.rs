//! The normal-distribution functions the probit models of the engine need (the mediators'
//! belief updates in accord-strategy, preference elicitation in accord-elicit), computed without
//! underflow in the tails (a confident answer must not produce `ln 0`).

/// Standard normal density.
pub fn pdf(z: f64) -> f64 {
    (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt()
}

/// erfc(x) = t·exp(-x² + poly(t)) for x >= 0 (Numerical Recipes' erfcc, relative error
/// < 1.2e-7): returns (t, poly(t)).
fn erfc_parts(x: f64) -> (f64, f64) {
    let t = 1.0 / (1.0 + 0.5 * x);
    let poly = -1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    (t, poly)
}

/// Standard normal distribution function Φ.
pub fn cdf(z: f64) -> f64 {
    let x = z.abs() / std::f64::consts::SQRT_2;
    let (t, poly) = erfc_parts(x);
    let tail = 0.5 * t * (-x * x + poly).exp();
    if z >= 0.0 {
        1.0 - tail
    } else {
        tail
    }
}

/// ln Φ(z), accurate far into the left tail.
pub fn log_cdf(z: f64) -> f64 {
    if z >= 0.0 {
        cdf(z).ln()
    } else {
        let x = -z / std::f64::consts::SQRT_2;
        let (t, poly) = erfc_parts(x);
        (0.5 * t).ln() - x * x + poly
    }
}

/// The inverse Mills ratio φ(z)/Φ(z), without underflow for very negative z.
pub fn mills(z: f64) -> f64 {
    if z >= 0.0 {
        pdf(z) / cdf(z)
    } else {
        // φ(z) = exp(-x²)/√(2π) and Φ(z) = t·exp(-x² + poly)/2 with x = -z/√2: exp(-x²) cancels.
        let (t, poly) = erfc_parts(-z / std::f64::consts::SQRT_2);
        2.0 / ((2.0 * std::f64::consts::PI).sqrt() * t * poly.exp())
    }
}

/// Binary entropy in bits.
pub fn entropy(q: f64) -> f64 {
    let h = |p: f64| if p <= 0.0 { 0.0 } else { -p * p.log2() };
    h(q) + h(1.0 - q)
}
