//! The BayesNash mediator: a Gaussian belief per party over its clause-value utilities and
//! reservation value, learned from ballots and amendments by probit assumed-density filtering,
//! and drafts chosen first to learn (informative, unlikely-to-pass drafts), then to steer the
//! text towards the predicted Nash point. See `docs/mediation-research.md`.

use crate::index::{decode, encode};
use crate::text::{Mediator, MediatorView, NashSeeking};
use accord_model::Rng;
use accord_protocol::{Ballot, Offer};
use std::collections::HashSet;

mod belief;
mod binding;
mod candidates;
mod sites;
pub mod suggest;
mod thompson;

pub use binding::BindingThompson;
pub use thompson::{ThompsonNash, REJECTION_SLIP};

#[cfg(test)]
use accord_model::normal::{mills, pdf};
use belief::{cdf, entropy, Belief};

/// Noise variance of an observation c·x >= 0 (almost a hard constraint).
pub(crate) const NOISE: f64 = 1e-6;
/// Random outcomes (each with its single-clause neighbours) searched when no text stands.
const RANDOM_BASES: usize = 48;
/// At most this many random candidates (bases times their neighbours) in large domains.
const MAX_RANDOM_CANDIDATES: usize = 4000;
/// Two-clause changes are drafted only while there are about this many at most.
const MAX_PAIRS: usize = 20_000;
/// Beyond this many clause values in all (the belief is quadratic in them), it drafts as
/// `nash-seeking` does.
const MAX_VALUES: usize = 1000;
/// Dirichlet weight draws for the Nash point estimate.
const WEIGHT_DRAWS: usize = 64;
/// Normalised time from which drafts may lock in, but only low (phase 2).
const MIDDLE: f64 = 0.15;
/// Normalised time from which drafts head for the predicted Nash point (phase 3).
const LATE: f64 = 0.5;
/// Phase 1: penalty on the chance that a draft passes.
const EARLY_LOCK_IN: f64 = 30.0;
/// Phase 2: penalty on the chance of passing times the predicted gains over the standing text.
const HIGH_LOCK_IN: f64 = 30.0;
/// Phase 3: exploit once some candidate passes with this chance and raises J.
const EXPLOIT_PASS: f64 = 0.7;
/// Phase 3: penalty on predicted gains beyond the Nash point's.
const OVERSHOOT: f64 = 2.0;
/// Most issues in which the candidate mixes of the standing text and the Nash point differ.
const MAX_MIX: usize = 10;

/// Learns each party's utilities as a Gaussian belief from its ballots and amendments (probit
/// assumed-density filtering), then drafts in three phases: texts whose acceptance is most
/// uncertain while avoiding early lock-in, texts that lock in only low, and finally the
/// predicted Nash point, approached through mixes of the standing text and its estimate. Never
/// repeats a rejected draft.
#[derive(Debug, Clone, Default)]
pub struct BayesNash {
    radices: Vec<u32>,
    offsets: Vec<usize>,
    rv: usize,
    beliefs: Vec<Belief>,
    /// Known best value, per party and issue.
    tops: Vec<Vec<bool>>,
    rejected: HashSet<(Option<Offer>, Offer)>,
    /// (standing text, draft) of the last draft.
    last: Option<(Option<Offer>, Offer)>,
    /// The draft before the last (feedback ballots compare with it).
    previous: Option<Offer>,
    /// Ballots on the last draft (to read what a missing amendment says).
    last_ballots: Vec<Ballot>,
    /// Whether parties vote better / worse / same (rather than accept / reject).
    feedback: bool,
    /// Stands in for domains with too many clause values.
    fallback: Option<NashSeeking>,
}

/// What a candidate draft is predicted to do.
struct Prediction {
    /// Probability that every party accepts.
    pass: f64,
    /// Sum of the parties' acceptance entropies.
    entropy: f64,
    /// Predicted log Nash product J.
    nash: f64,
}

impl BayesNash {
    fn setup(&mut self, radices: &[u32]) {
        self.radices = radices.to_vec();
        self.offsets = radices
            .iter()
            .scan(0usize, |acc, &r| {
                let o = *acc;
                *acc += r as usize;
                Some(o)
            })
            .collect();
        self.rv = radices.iter().map(|&r| r as usize).sum();
    }

    fn ensure_parties(&mut self, k: usize) {
        if self.beliefs.len() != k {
            self.beliefs = (0..k).map(|_| Belief::prior(&self.radices)).collect();
            self.tops = (0..k).map(|_| vec![false; self.radices.len()]).collect();
        }
    }

    fn slot(&self, issue: usize, value: u32) -> usize {
        self.offsets[issue] + value as usize
    }

    /// c = hot(o) − hot(reference), or hot(o) − e_rv without a reference.
    fn constraint(&self, o: &[u32], reference: Option<&[u32]>, c: &mut Vec<(usize, f64)>) {
        c.clear();
        match reference {
            Some(r) => {
                for (i, (&a, &b)) in o.iter().zip(r).enumerate() {
                    if a != b {
                        c.push((self.slot(i, a), 1.0));
                        c.push((self.slot(i, b), -1.0));
                    }
                }
            }
            None => {
                for (i, &a) in o.iter().enumerate() {
                    c.push((self.slot(i, a), 1.0));
                }
                c.push((self.rv, -1.0));
            }
        }
    }

    /// Predicted gain of party p from o over its reservation value.
    fn gain(&self, p: usize, o: &[u32]) -> f64 {
        let mu = &self.beliefs[p].mu;
        o.iter()
            .enumerate()
            .map(|(i, &v)| mu[self.slot(i, v)])
            .sum::<f64>()
            - mu[self.rv]
    }

    fn log_nash(&self, o: Option<&[u32]>) -> f64 {
        (0..self.beliefs.len())
            .map(|p| o.map_or(1e-3, |o| self.gain(p, o).max(1e-3)).ln())
            .sum()
    }

    /// Learns that party p's best value on `issue` is `value`.
    fn learn_top(&mut self, p: usize, issue: usize, value: u32) {
        if self.tops[p][issue] {
            return;
        }
        self.tops[p][issue] = true;
        let best = self.slot(issue, value);
        for w in 0..self.radices[issue] {
            if w != value {
                let c = [(best, 1.0), (self.slot(issue, w), -1.0)];
                self.beliefs[p].observe(&c);
            }
        }
    }

    /// Learns that changing issue `issue` of `d` to `value` gains party p at least as much as
    /// changing any other clause to the value it likely ranks best.
    fn learn_best_change(&mut self, p: usize, d: &[u32], issue: usize, value: u32) {
        let up = self.slot(issue, value);
        let down = self.slot(issue, d[issue]);
        for (j, &dj) in d.iter().enumerate() {
            if j == issue {
                continue;
            }
            let here = self.slot(j, dj);
            let mu = &self.beliefs[p].mu;
            let best = (0..self.radices[j])
                .filter(|&w| w != dj)
                .map(|w| self.slot(j, w))
                .max_by(|&a, &b| mu[a].total_cmp(&mu[b]));
            if let Some(other) = best {
                let c = [(up, 1.0), (down, -1.0), (other, -1.0), (here, 1.0)];
                self.beliefs[p].observe(&c);
            }
        }
    }

    /// Amendments on the last draft, and what a rejection without one says.
    fn learn_amendments(&mut self, view: &MediatorView) {
        let Some((_, draft)) = self.last else { return };
        if self.beliefs.is_empty() {
            return;
        }
        let k = self.beliefs.len();
        let mut d = vec![0u32; self.radices.len()];
        decode(draft, &self.radices, &mut d);
        let mut amended = vec![false; k];
        for a in view.amendments {
            if a.party >= k || a.issue >= d.len() || a.value >= self.radices[a.issue] {
                continue;
            }
            amended[a.party] = true;
            if a.value == d[a.issue] {
                continue;
            }
            // The best single-clause change: its value is the party's best on that issue.
            self.learn_top(a.party, a.issue, a.value);
            self.learn_best_change(a.party, &d, a.issue, a.value);
        }
        let ballots = std::mem::take(&mut self.last_ballots);
        for (p, b) in ballots.iter().enumerate().take(k) {
            if *b == Ballot::Reject && !amended[p] {
                // No single-clause change improves the draft: with additive utilities it is the
                // party's ideal.
                for (i, &v) in d.iter().enumerate() {
                    self.learn_top(p, i, v);
                }
            }
        }
    }

    fn predict(
        &self,
        o: &[u32],
        s: Option<&[u32]>,
        c: &mut Vec<(usize, f64)>,
        gains: &mut Vec<f64>,
    ) -> Prediction {
        self.constraint(o, s, c);
        let mut pass = 1.0;
        let mut ent = 0.0;
        let mut nash = 0.0;
        gains.clear();
        for (p, b) in self.beliefs.iter().enumerate() {
            let (m, v) = b.predict(c);
            let q = if v <= 1e-18 {
                if m >= 0.0 {
                    1.0
                } else {
                    0.0
                }
            } else {
                cdf(m / v.sqrt())
            };
            pass *= q;
            ent += entropy(q);
            let g = self.gain(p, o);
            nash += g.max(1e-3).ln();
            gains.push(g);
        }
        Prediction {
            pass,
            entropy: ent,
            nash,
        }
    }

    /// Flat list of candidates (stride n): single- and two-clause changes of s, or random
    /// outcomes and their single-clause neighbours.
    fn early_candidates(&self, s: Option<&[u32]>, rng: &mut Rng, out: &mut Vec<u32>) {
        let n = self.radices.len();
        match s {
            Some(s) => {
                // Two-clause changes only while they stay few (always on the benchmark, D <= 70).
                let pairs = self.rv * self.rv / 2 <= MAX_PAIRS;
                let mut c = s.to_vec();
                for i in 0..n {
                    for v in 0..self.radices[i] {
                        if v == s[i] {
                            continue;
                        }
                        c[i] = v;
                        out.extend_from_slice(&c);
                        for j in (i + 1..n).filter(|_| pairs) {
                            for w in 0..self.radices[j] {
                                if w == s[j] {
                                    continue;
                                }
                                c[j] = w;
                                out.extend_from_slice(&c);
                            }
                            c[j] = s[j];
                        }
                    }
                    c[i] = s[i];
                }
            }
            None => {
                let bases = (MAX_RANDOM_CANDIDATES / self.rv.max(1)).clamp(4, RANDOM_BASES);
                for _ in 0..bases {
                    let base: Vec<u32> = self
                        .radices
                        .iter()
                        .map(|&r| rng.below(r as u64) as u32)
                        .collect();
                    self.with_neighbours(&base, out);
                }
            }
        }
    }

    fn with_neighbours(&self, base: &[u32], out: &mut Vec<u32>) {
        out.extend_from_slice(base);
        let mut c = base.to_vec();
        for i in 0..base.len() {
            for v in 0..self.radices[i] {
                if v != base[i] {
                    c[i] = v;
                    out.extend_from_slice(&c);
                }
            }
            c[i] = base[i];
        }
    }

    /// The predicted Nash point: among welfare maximisers under Dirichlet-weighted predicted
    /// gains that dominate the standing text, the best by J, then improved clause by clause.
    fn nash_point(&self, s: Option<&[u32]>, rng: &mut Rng) -> Vec<u32> {
        let n = self.radices.len();
        let k = self.beliefs.len();
        let floor: Vec<f64> = (0..k).map(|p| s.map_or(0.0, |s| self.gain(p, s))).collect();
        let dominates = |o: &[u32]| (0..k).all(|p| self.gain(p, o) >= floor[p] - 1e-12);
        let mut best: Option<(f64, Vec<u32>)> = s.map(|s| (self.log_nash(Some(s)), s.to_vec()));
        let mut fallback: Option<(f64, Vec<u32>)> = None;
        let mut o = vec![0u32; n];
        let mut w = vec![0.0; k];
        for _ in 0..WEIGHT_DRAWS {
            let mut total = 0.0;
            for x in w.iter_mut() {
                *x = -(1.0 - rng.unit()).ln();
                total += *x;
            }
            w.iter_mut().for_each(|x| *x /= total);
            for (i, oi) in o.iter_mut().enumerate() {
                let mut top = (f64::NEG_INFINITY, 0u32);
                for v in 0..self.radices[i] {
                    let slot = self.slot(i, v);
                    let u: f64 = (0..k).map(|p| w[p] * self.beliefs[p].mu[slot]).sum();
                    if u > top.0 {
                        top = (u, v);
                    }
                }
                *oi = top.1;
            }
            let j = self.log_nash(Some(&o));
            if dominates(&o) {
                if best.as_ref().is_none_or(|b| j > b.0) {
                    best = Some((j, o.clone()));
                }
            } else if fallback.as_ref().is_none_or(|b| j > b.0) {
                fallback = Some((j, o.clone()));
            }
        }
        let (mut j, mut point) = best.or(fallback).unwrap_or((0.0, o));
        // Coordinate ascent on J, keeping dominance of s.
        for _ in 0..4 {
            let mut improved = false;
            for i in 0..n {
                let keep = point[i];
                let mut choice = (j, keep);
                for v in 0..self.radices[i] {
                    if v == keep {
                        continue;
                    }
                    point[i] = v;
                    let jv = self.log_nash(Some(&point));
                    if jv > choice.0 + 1e-12 && dominates(&point) {
                        choice = (jv, v);
                    }
                }
                point[i] = choice.1;
                if choice.1 != keep {
                    j = choice.0;
                    improved = true;
                }
            }
            if !improved {
                break;
            }
        }
        point
    }

    fn choose(&mut self, view: &MediatorView, rng: &mut Rng) -> Offer {
        let radices = self.radices.clone();
        let n = radices.len();
        let standing = view.accepted;
        let s: Option<Vec<u32>> = standing.map(|a| {
            let mut v = vec![0u32; n];
            decode(a, &radices, &mut v);
            v
        });
        let s = s.as_deref();
        // Feedback ballots compare a draft with the previous one, not with the standing text.
        let previous: Option<Vec<u32>> = self.last.map(|(_, d)| {
            let mut v = vec![0u32; n];
            decode(d, &radices, &mut v);
            v
        });
        let reference = if self.feedback {
            previous.as_deref()
        } else {
            s
        };
        let t = view.t;
        let mut cands = Vec::new();
        // With feedback ballots a later acceptance replaces an earlier one: nothing locks in.
        let late = t >= LATE || self.feedback;
        let nash = if late {
            let point = self.nash_point(s, rng);
            match s {
                Some(s) => {
                    // Every mix of clauses from s and N, plus single-clause changes of s.
                    let diff: Vec<usize> = (0..n).filter(|&i| s[i] != point[i]).collect();
                    let diff = &diff[..diff.len().min(MAX_MIX)];
                    let mut c = s.to_vec();
                    for mask in 1u32..(1u32 << diff.len()) {
                        for (b, &i) in diff.iter().enumerate() {
                            c[i] = if mask >> b & 1 == 1 { point[i] } else { s[i] };
                        }
                        cands.extend_from_slice(&c);
                    }
                    let mut c = s.to_vec();
                    for i in 0..n {
                        for v in 0..radices[i] {
                            if v != s[i] {
                                c[i] = v;
                                cands.extend_from_slice(&c);
                            }
                        }
                        c[i] = s[i];
                    }
                }
                None => {
                    self.with_neighbours(&point, &mut cands);
                    self.early_candidates(None, rng, &mut cands);
                }
            }
            Some(point)
        } else {
            self.early_candidates(s, rng, &mut cands);
            None
        };
        let k = self.beliefs.len();
        let base_gain: Vec<f64> = (0..k).map(|p| s.map_or(0.0, |s| self.gain(p, s))).collect();
        let base_j = self.log_nash(s);
        let nash_gain: Vec<f64> = nash
            .as_ref()
            .map(|o| (0..k).map(|p| self.gain(p, o)).collect())
            .unwrap_or_default();
        let mut c = Vec::new();
        let mut gains = Vec::new();
        let mut scored: Vec<(Prediction, f64, usize)> = Vec::new();
        let mut exploit = false;
        for (idx, o) in cands.chunks_exact(n.max(1)).enumerate() {
            let id = encode(o, &radices);
            if Some(id) == standing || self.rejected.contains(&(standing, id)) {
                continue;
            }
            let pr = self.predict(o, reference, &mut c, &mut gains);
            let extra = if late {
                let over: f64 = gains
                    .iter()
                    .zip(&nash_gain)
                    .map(|(g, h)| (g - h).max(0.0))
                    .sum();
                exploit |= pr.pass >= EXPLOIT_PASS && pr.nash > base_j;
                over
            } else if t >= MIDDLE {
                gains
                    .iter()
                    .zip(&base_gain)
                    .map(|(g, h)| (g - h).max(0.0))
                    .sum()
            } else {
                0.0
            };
            scored.push((pr, extra, idx));
        }
        let mut best: Option<(f64, usize)> = None;
        for (pr, extra, idx) in &scored {
            let dj = pr.nash - base_j;
            let score = if late {
                if exploit {
                    pr.pass * dj - OVERSHOOT * extra
                } else {
                    pr.entropy + pr.pass * dj.max(0.0)
                }
            } else if t >= MIDDLE {
                pr.entropy - HIGH_LOCK_IN * pr.pass * extra
            } else {
                pr.entropy - EARLY_LOCK_IN * pr.pass
            } + 1e-9 * rng.unit();
            if best.is_none_or(|b| score > b.0) {
                best = Some((score, *idx));
            }
        }
        match best {
            Some((_, idx)) => encode(&cands[idx * n..(idx + 1) * n], &radices),
            None => {
                let o: Vec<u32> = radices
                    .iter()
                    .map(|&r| rng.below(r as u64) as u32)
                    .collect();
                encode(&o, &radices)
            }
        }
    }
}

impl BayesNash {
    /// Starts afresh when the space changes (a new run on another domain).
    fn start_on(&mut self, radices: &[u32]) {
        if self.radices != radices {
            self.setup(radices);
            self.beliefs.clear();
            self.fallback = (self.rv > MAX_VALUES).then(NashSeeking::default);
        }
    }

    /// Takes over a run another mediator began: `draft` is on the table, to be weighed against
    /// `standing` (the last text every party accepted) and `previous` (the draft before it), so
    /// that the ballots on it are read against the texts they refer to.
    pub(super) fn adopt(
        &mut self,
        radices: &[u32],
        standing: Option<Offer>,
        previous: Option<Offer>,
        draft: Offer,
    ) {
        self.start_on(radices);
        self.previous = previous;
        self.last = Some((standing, draft));
    }
}

impl Mediator for BayesNash {
    fn propose(&mut self, view: &MediatorView, rng: &mut Rng) -> Offer {
        self.start_on(view.radices);
        if let Some(f) = self.fallback.as_mut() {
            return f.propose(view, rng);
        }
        self.learn_amendments(view);
        let draft = if self.beliefs.is_empty() || view.round == 0 || self.radices.is_empty() {
            let o: Vec<u32> = self
                .radices
                .iter()
                .map(|&r| rng.below(r as u64) as u32)
                .collect();
            encode(&o, &self.radices)
        } else {
            self.choose(view, rng)
        };
        self.previous = self.last.map(|(_, d)| d);
        self.last = Some((view.accepted, draft));
        draft
    }

    fn observe(&mut self, draft: Offer, ballots: &[Ballot], accepted: bool) {
        if let Some(f) = self.fallback.as_mut() {
            return f.observe(draft, ballots, accepted);
        }
        let Some((standing, last)) = self.last else {
            return;
        };
        if last != draft || self.radices.is_empty() {
            return;
        }
        self.ensure_parties(ballots.len());
        let n = self.radices.len();
        let mut d = vec![0u32; n];
        decode(draft, &self.radices, &mut d);
        let decoded = |o: Option<Offer>| {
            o.map(|o| {
                let mut v = vec![0u32; n];
                decode(o, &self.radices, &mut v);
                v
            })
        };
        let s = decoded(standing);
        let prev = decoded(self.previous);
        let mut c = Vec::new();
        let mut neg = Vec::new();
        self.feedback |= ballots
            .iter()
            .any(|b| matches!(b, Ballot::Better | Ballot::Worse | Ballot::Same));
        for (p, b) in ballots.iter().enumerate() {
            let (reference, sign) = match b {
                Ballot::Accept => (&s, 1.0),
                Ballot::Reject => (&s, -1.0),
                Ballot::Better => (&prev, 1.0),
                Ballot::Worse => (&prev, -1.0),
                Ballot::Same => continue,
            };
            self.constraint(&d, reference.as_deref(), &mut c);
            if sign < 0.0 {
                neg.clear();
                neg.extend(c.iter().map(|&(i, a)| (i, -a)));
                self.beliefs[p].observe(&neg);
            } else {
                self.beliefs[p].observe(&c);
            }
        }
        self.last_ballots = ballots.to_vec();
        if !accepted {
            self.rejected.insert((standing, draft));
        }
    }
}

/// The seats of a random additive scenario (`accord_analysis::testing::random_additive`) with
/// every walk-away value at 0.3, for the mediators' tests.
#[cfg(test)]
pub(crate) fn test_seats(parties: usize, radices: &[usize], seed: u64) -> Vec<crate::Seat> {
    let mut s = accord_analysis::testing::random_additive(parties, radices, seed);
    for p in &mut s.parties {
        p.reservation = Some(0.3);
    }
    s.parties
        .iter()
        .map(|p| crate::Seat {
            name: p.name.clone(),
            index: std::sync::Arc::new(
                crate::UtilityIndex::build(&s.space, p.preferences.as_ref().unwrap(), &[]).unwrap(),
            ),
            reservation: p.reservation.unwrap(),
            discount: None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mills_ratio_is_smooth_and_safe() {
        assert!((cdf(0.0) - 0.5).abs() < 1e-7);
        assert!((cdf(1.96) - 0.975).abs() < 1e-4);
        assert!((mills(0.0) - 2.0 * pdf(0.0)).abs() < 1e-6);
        for z in [-1.0, -5.0, -20.0, -200.0] {
            let l = mills(z);
            assert!(
                l.is_finite() && l > -z && l < -z + 1.0 / -z + 1e-3,
                "{z}: {l}"
            );
        }
        assert!((mills(-1.0) - pdf(-1.0) / cdf(-1.0)).abs() < 1e-5);
    }

    #[test]
    fn learning_a_constraint_moves_the_mean_towards_it() {
        // Two values of one issue, symmetric prior; x = (x1, x2, rv), Σ is 3 × 3.
        let mut b = Belief::prior(&[2]);
        let (v1, v2) = (b.sigma[0], b.sigma[4]);
        assert_eq!(b.mu[0], b.mu[1]);
        b.observe(&[(0, 1.0), (1, -1.0)]);
        assert!(b.mu[0] > b.mu[1]);
        assert!(b.sigma[0] < v1 && b.sigma[4] < v2);
        // Σ stays symmetric, and the reservation value is untouched.
        assert_eq!(b.sigma[1], b.sigma[3]);
        assert_eq!(b.sigma[8], 0.04);
        assert_eq!(b.mu[2], 0.4);
        // The constraint now holds in the mean.
        let (m, _) = b.predict(&[(0, 1.0), (1, -1.0)]);
        assert!(m > 0.0);
    }

    #[test]
    fn ordered_values_share_what_is_learned_with_their_neighbours() {
        // One ordered issue of 11 values and one categorical of 3; x = (11 + 3 values, rv).
        let b = Belief::prior_ordered(&[11, 3], &[true, false]);
        let d = 15;
        let corr = |i: usize, j: usize| {
            b.sigma[i * d + j] / (b.sigma[i * d + i] * b.sigma[j * d + j]).sqrt()
        };
        // Correlation falls with distance, to the categorical floor of 0.3 and no lower.
        assert!(corr(0, 1) > corr(0, 5) && corr(0, 5) > corr(0, 10));
        assert!(corr(0, 10) > 0.3 && corr(0, 1) < 1.0);
        assert!((corr(11, 12) - 0.3).abs() < 1e-12 && (corr(11, 13) - 0.3).abs() < 1e-12);
        assert_eq!(b.sigma[3 * d + 12], 0.0, "issues stay independent");
        // A valid covariance: a Cholesky factor exists without jitter.
        let mut l = vec![0.0; d * d];
        for i in 0..d {
            for j in 0..=i {
                let dot: f64 = (0..j).map(|k| l[i * d + k] * l[j * d + k]).sum();
                let v = b.sigma[i * d + j] - dot;
                if i == j {
                    assert!(v > 1e-9, "not positive definite at {i}: {v}");
                    l[i * d + i] = v.sqrt();
                } else {
                    l[i * d + j] = v / l[j * d + j];
                }
            }
        }
        // Learning that value 2 beats the reservation value lifts value 3 more than value 9.
        let mut after = b.clone();
        after.observe(&[(2, 1.0), (11, 1.0), (14, -1.0)]);
        assert!(after.mu[3] - b.mu[3] > after.mu[9] - b.mu[9]);
    }

    #[test]
    fn the_covariance_stays_symmetric() {
        let mut b = Belief::prior(&[3, 4, 5]);
        b.observe(&[(0, 1.0), (4, 1.0), (12, -1.0)]);
        b.observe(&[(1, -1.0), (5, 1.0), (8, 1.0), (12, -1.0)]);
        b.observe(&[(2, 1.0), (3, -1.0)]);
        let d = 13;
        for i in 0..d {
            assert!(b.sigma[i * d + i] > 0.0);
            for j in 0..d {
                assert_eq!(b.sigma[i * d + j], b.sigma[j * d + i]);
            }
        }
    }

    #[test]
    fn too_many_values_fall_back_to_nash_seeking() {
        let radices = [1500u32, 3];
        let mut m = BayesNash::default();
        let mut rng = Rng::new(1);
        let view = MediatorView {
            radices: &radices,
            accepted: None,
            amendments: &[],
            t: 0.0,
            round: 0,
        };
        let o = m.propose(&view, &mut rng);
        assert!(o < 4500);
        m.observe(o, &[Ballot::Accept, Ballot::Accept], true);
        assert!(m.fallback.is_some() && m.beliefs.is_empty());
    }

    fn run(seed: u64, mediator: &mut BayesNash) -> (crate::Summary, Vec<Offer>) {
        use crate::{run_single_text, HillClimber, Voter};
        use accord_protocol::{Deadline, VoteMode};
        let seats = super::test_seats(3, &[5, 4, 6], 11);
        let mut voters: Vec<Box<dyn Voter>> = seats
            .iter()
            .map(|x| Box::new(HillClimber::new(x.index.clone(), x.reservation, 0.0)) as _)
            .collect();
        struct Drafts(Vec<Offer>);
        impl crate::Sink for Drafts {
            fn event(&mut self, e: crate::TraceEvent) {
                if let crate::Step::Draft { text, .. } = e.step {
                    self.0.push(text);
                }
            }
        }
        let mut drafts = Drafts(Vec::new());
        let summary = run_single_text(
            &seats,
            &mut voters,
            mediator,
            Deadline::rounds(60),
            VoteMode::AcceptReject,
            &mut Rng::new(seed),
            &mut || 0.0,
            &mut drafts,
        )
        .unwrap();
        (summary, drafts.0)
    }

    #[test]
    fn runs_are_deterministic_from_the_seed() {
        let a = run(5, &mut BayesNash::default());
        let b = run(5, &mut BayesNash::default());
        assert_eq!(a, b);
        assert_eq!(a.1.len(), 60);
    }

    #[test]
    fn reaches_an_agreement_in_the_zone() {
        for seed in 0..4 {
            let mut m = BayesNash::default();
            let (summary, _) = run(seed, &mut m);
            assert!(summary.agreement.is_some(), "seed {seed}: no agreement");
            assert!(summary.utilities.iter().all(|u| *u >= 0.3), "{summary:?}");
            // It learned something about every party.
            assert_eq!(m.beliefs.len(), 3);
        }
    }
}
