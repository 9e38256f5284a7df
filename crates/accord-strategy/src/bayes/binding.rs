//! `thompson-binding`: the one-text mediator's belief playing GENIUS's binding game, where the
//! first text every party accepts caps every later one.
//!
//! Under binding rules an accepted draft is a lock-in: later drafts pass only if every party
//! finds them at least as good. A mediator that drafts towards its guess of the Nash point from
//! the start locks in its early, poor guesses. This one splits the run in two:
//!
//! * **Learning** (before [`COMMIT_FROM`] of the time): it drafts texts it expects some party to
//!   reject (a vetoed draft binds nothing and still tells which side of the standing text each
//!   party puts it), choosing the draft whose answers are most uncertain while its chance of
//!   passing stays small (score: the sum over parties of the predicted answer's entropy minus
//!   [`PASS_PENALTY`] times the chance that every party accepts). Candidates are the Nash points
//!   of the belief's mean and of a few joint samples, with each party's reservation value raised
//!   to its utility of the standing text (so they dominate it), and the single-clause changes of
//!   those points and of the standing text: a draft that passes then moves the standing text
//!   towards a point that dominates it.
//! * **Committing** (every [`COMMIT_EVERY`]th round from then on, every round at the very end):
//!   it drafts the text that leaves the best expected state, over joint samples of the belief in
//!   which a draft passes only if every party gains at least what the standing text gives it.
//!   A state is worth its *reachable cap* (the best Nash product of a text that dominates it)
//!   early and its own Nash product at the deadline, weighted by `t^`[`CAP_SHARPNESS`].
//!
//! Ballots are exact sites of each party's belief: an acceptance says the draft is worth at
//! least the standing text (or the walk-away value without one), a rejection less. A rejecting
//! party's amendment is read at its word, as its best single-clause change of the draft, and a
//! rejection without an amendment as the draft being the party's best text within one clause,
//! as the engine's hill-climbing voters give them. Other parties break these readings: an
//! annealer accepts some worse drafts while its temperature is high, a person may reject
//! without proposing, a red line rejects what an additive belief cannot hold. The belief then
//! errs; the runs still agree (the session tests run this mediator with annealers). The
//! mediator sees drafts, ballots and amendments only, never a utility.
//!
//! It plays the accept/reject game. In the feedback game (`better / worse / same` than the
//! previous draft, where a draft passes unless some party finds it worse) it hands over to
//! `bayes-nash` from the first comparison on, as it does on domains of more than
//! [`MAX_VALUES`] clause values.

use super::belief::{cdf, entropy, Belief};
use super::candidates::single_clause_changes;
use super::sites::learn;
use super::thompson::{critiques_at_word, ThompsonNash, NOISE};
use super::BayesNash;
use crate::index::{decode, encode};
use crate::text::{Mediator, MediatorView};
use accord_model::Rng;
use accord_protocol::{Ballot, Offer};

/// The share of the time spent learning before the first committing draft. Tuned on the
/// benchmark's seeds: 0.5 commits on a belief too rough, 0.7 leaves too few commits.
pub const COMMIT_FROM: f64 = 0.6;

/// From [`COMMIT_FROM`] on, every this many rounds a committing draft; the rounds between keep
/// learning (3 costs 0.4 points of the mean Nash ratio, 1 gains nothing).
pub const COMMIT_EVERY: u32 = 2;

/// From this share of the time on, every round commits: a last chance to move the standing text.
pub const COMMIT_ALWAYS_FROM: f64 = 0.97;

/// The price, in bits of information, of a learning draft that every party would accept (it
/// would lock in a text chosen to learn, not to agree).
pub const PASS_PENALTY: f64 = 30.0;

/// Joint samples of the belief whose Nash points are the learning drafts' candidates.
pub const LEARNING_SAMPLES: usize = 12;

/// Joint samples whose Nash points are the committing drafts' candidates.
pub const COMMIT_POINTS: usize = 24;

/// Joint samples over which a committing draft's expected state is taken.
pub const COMMIT_SAMPLES: usize = 32;

/// The committing candidates' best points (by expected Nash product) from which partial moves
/// are drafted: the standing text with one clause of the point, and the point with one clause
/// of the standing text.
pub const PARTIAL_MOVES_FROM: usize = 4;

/// A state's worth is `(1 − w)·cap + w·NashProduct` with `w = t^CAP_SHARPNESS`: the reachable
/// cap counts until close to the deadline, where only the text itself does.
pub const CAP_SHARPNESS: i32 = 20;

/// The multiply-adds each party's belief may spend on the sweep before a committing draft: every
/// site on the benchmark's domains (a few thousand sites of dimension at most 40 in 100 rounds),
/// the newest 500 on a domain of 200 clause values, where a full sweep grows with the square of
/// the rounds.
pub const SWEEP_WORK: usize = 20_000_000;

/// Above this many clause values in all, `bayes-nash` drafts instead: the full covariance this
/// belief keeps (and samples from) grows with the square of the values, its sampling with the
/// cube.
pub const MAX_VALUES: usize = 200;

/// A binding-rules mediator on the one-text mediator's Gaussian belief: it learns with drafts
/// some party vetoes, then commits to texts by the best Nash product they leave reachable
/// (module docs).
#[derive(Debug, Clone)]
pub struct BindingThompson {
    inner: ThompsonNash,
    /// The last text every party accepted.
    standing: Option<Vec<u32>>,
    /// The last draft circulated.
    last: Option<Vec<u32>>,
    /// The draft before it, which the feedback game's comparisons refer to.
    previous: Option<Vec<u32>>,
    last_ballots: Vec<Ballot>,
    next_commit: u32,
    /// Stands in for domains with more than [`MAX_VALUES`] clause values.
    fallback: Option<BayesNash>,
}

impl Default for BindingThompson {
    fn default() -> Self {
        BindingThompson {
            // Exact sites: the engine's voters answer by their additive utilities.
            inner: ThompsonNash::with_slips(0.0, 0.0),
            standing: None,
            last: None,
            previous: None,
            last_ballots: Vec::new(),
            next_commit: 0,
            fallback: None,
        }
    }
}

impl BindingThompson {
    /// One prior per party, once the number of parties is known (from the first ballots).
    fn ensure_parties(&mut self, parties: usize) {
        if parties > 0 && self.inner.beliefs.len() != parties {
            let ordered = vec![false; self.inner.radices.len()];
            self.inner.beliefs = (0..parties)
                .map(|_| Belief::prior_normalised(&self.inner.radices, &ordered))
                .collect();
            self.inner.sites = vec![Vec::new(); parties];
        }
    }

    fn push_site(&mut self, party: usize, c: Vec<(usize, f64)>, lo: f64, hi: f64) {
        if !c.is_empty() {
            let (b, sites) = (&mut self.inner.beliefs[party], &mut self.inner.sites[party]);
            learn(b, sites, c, 0.0, (lo, hi));
        }
    }

    /// Each party's gain over its floor (the standing text's utility, at least the walk-away
    /// value) in one joint sample.
    fn floors(&self, sample: &[Vec<f64>]) -> Vec<f64> {
        sample
            .iter()
            .map(|x| {
                self.standing
                    .as_ref()
                    .map_or(0.0, |s| self.inner.gain(x, s))
                    .max(0.0)
            })
            .collect()
    }

    /// Sample vectors whose reservation slot is raised to the standing text's utility, so that
    /// their Nash points dominate it.
    fn raised(&self, sample: &[Vec<f64>]) -> Vec<Vec<f64>> {
        sample
            .iter()
            .zip(self.floors(sample))
            .map(|(x, floor)| {
                let mut y = x.clone();
                y[self.inner.rv] += floor;
                y
            })
            .collect()
    }

    /// The Nash points of the belief's mean and of `count` joint samples, raised above the
    /// standing text.
    fn raised_nash_points(&self, count: usize, rng: &mut Rng) -> Vec<Vec<u32>> {
        let samples = self.inner.samples(count, rng);
        let means: Vec<Vec<f64>> = self.inner.beliefs.iter().map(|b| b.mu.clone()).collect();
        let mut points = Vec::with_capacity(count + 1);
        for s in std::iter::once(&means).chain(samples.iter()) {
            let r = self.raised(s);
            let xs: Vec<&[f64]> = r.iter().map(Vec::as_slice).collect();
            points.push(self.inner.nash_point(&xs, self.standing.as_deref(), rng));
        }
        points.sort();
        points.dedup();
        points
    }

    /// Each party's predicted chance of accepting `d` against the standing text.
    fn accept_chances(&self, d: &[u32]) -> Vec<f64> {
        let c = self.inner.constraint(d, self.standing.as_deref());
        self.inner
            .beliefs
            .iter()
            .map(|b| {
                let (m, v) = b.predict(&c);
                cdf(m / (v + NOISE).sqrt())
            })
            .collect()
    }

    /// A learning draft: most informative, unlikely to pass (module docs).
    fn learning_draft(&self, rng: &mut Rng) -> Vec<u32> {
        let points = self.raised_nash_points(LEARNING_SAMPLES, rng);
        let mut candidates = points.clone();
        for p in &points {
            candidates.extend(single_clause_changes(p, &self.inner.radices));
        }
        if let Some(s) = &self.standing {
            candidates.extend(single_clause_changes(s, &self.inner.radices));
        }
        let mut best: Option<(f64, Vec<u32>)> = None;
        for c in candidates {
            if self.standing.as_ref() == Some(&c) || self.last.as_ref() == Some(&c) {
                continue;
            }
            let q = self.accept_chances(&c);
            let information: f64 = q.iter().map(|&q| entropy(q)).sum();
            let pass: f64 = q.iter().product();
            let score = information - PASS_PENALTY * pass + 1e-9 * rng.unit();
            if best.as_ref().is_none_or(|b| score > b.0) {
                best = Some((score, c));
            }
        }
        best.map_or_else(|| points[0].clone(), |b| b.1)
    }

    /// The best Nash product reachable from `x` in one joint sample: `x`'s own, or that of the
    /// sample's Nash point above `x` when it dominates `x` (0 when `x` is below some party's
    /// walk-away value).
    fn reachable_cap(&self, sample: &[Vec<f64>], x: &[u32], rng: &mut Rng) -> f64 {
        let own: Vec<f64> = sample.iter().map(|v| self.inner.gain(v, x)).collect();
        if own.iter().any(|g| *g < 0.0) {
            return 0.0;
        }
        let raised: Vec<Vec<f64>> = sample
            .iter()
            .zip(&own)
            .map(|(v, g)| {
                let mut y = v.clone();
                y[self.inner.rv] += g;
                y
            })
            .collect();
        let xs: Vec<&[f64]> = raised.iter().map(Vec::as_slice).collect();
        let point = self.inner.nash_point(&xs, Some(x), rng);
        let at: Vec<f64> = sample.iter().map(|v| self.inner.gain(v, &point)).collect();
        let own_product: f64 = own.iter().product();
        if at.iter().zip(&own).all(|(a, o)| a >= o) {
            own_product.max(at.iter().product())
        } else {
            own_product
        }
    }

    /// A committing draft: the largest expected state's worth (module docs).
    fn committing_draft(&mut self, t: f64, rng: &mut Rng) -> Vec<u32> {
        self.inner.sweep_recent(SWEEP_WORK);
        let points = self.raised_nash_points(COMMIT_POINTS, rng);
        let samples = self.inner.samples(COMMIT_SAMPLES, rng);
        let w = t.powi(CAP_SHARPNESS);
        let worth = |me: &Self, s: &[Vec<f64>], x: &[u32], rng: &mut Rng| -> f64 {
            let product: f64 = s.iter().map(|v| me.inner.gain(v, x).max(0.0)).product();
            (1.0 - w) * me.reachable_cap(s, x, rng) + w * product
        };
        let standing = self.standing.clone();
        let stay: Vec<f64> = samples
            .iter()
            .map(|s| standing.as_ref().map_or(0.0, |st| worth(self, s, st, rng)))
            .collect();
        let mut candidates = points.clone();
        if let Some(st) = &standing {
            let mut by_product: Vec<(f64, &Vec<u32>)> = points
                .iter()
                .map(|p| {
                    let v: f64 = samples
                        .iter()
                        .map(|s| {
                            s.iter()
                                .map(|x| self.inner.gain(x, p).max(0.0))
                                .product::<f64>()
                        })
                        .sum();
                    (v, p)
                })
                .collect();
            by_product.sort_by(|a, b| b.0.total_cmp(&a.0));
            for (_, p) in by_product.iter().take(PARTIAL_MOVES_FROM) {
                for (i, (&s, &v)) in st.iter().zip(p.iter()).enumerate() {
                    if s != v {
                        let mut towards = st.clone();
                        towards[i] = v;
                        candidates.push(towards);
                        let mut back = (*p).clone();
                        back[i] = s;
                        candidates.push(back);
                    }
                }
            }
            candidates.sort();
            candidates.dedup();
        }
        let mut best: Option<(f64, Vec<u32>)> = None;
        for c in candidates {
            // Ballots weigh a draft against the standing text: one just vetoed against the
            // same standing text would most likely be vetoed again.
            if standing.as_ref() == Some(&c) || self.last.as_ref() == Some(&c) {
                continue;
            }
            let mut total = 0.0;
            for (s, stay) in samples.iter().zip(&stay) {
                let floors = self.floors(s);
                let passes = s
                    .iter()
                    .zip(&floors)
                    .all(|(v, floor)| self.inner.gain(v, &c) >= *floor);
                total += if passes {
                    worth(self, s, &c, rng)
                } else {
                    *stay
                };
            }
            if best.as_ref().is_none_or(|b| total > b.0) {
                best = Some((total, c));
            }
        }
        match best {
            Some((_, text)) => text,
            None => self.learning_draft(rng),
        }
    }

    /// What the last draft's rejections taught: each amendment is the party's best single-clause
    /// change of it; a rejection without one says no single-clause change would help.
    fn learn_from_amendments(&mut self, view: &MediatorView) {
        let Some(d) = self.last.clone() else {
            return;
        };
        let k = self.inner.beliefs.len().min(self.last_ballots.len());
        let mut amendments = vec![None; k];
        for a in view.amendments {
            if a.party < k {
                amendments[a.party] = Some((a.issue, a.value));
            }
        }
        for (p, amendment) in amendments.into_iter().enumerate() {
            if self.last_ballots[p] != Ballot::Reject {
                continue;
            }
            match amendment {
                Some(change) => critiques_at_word(&mut self.inner, &d, p, change),
                None => {
                    let changes: Vec<Vec<u32>> =
                        single_clause_changes(&d, &self.inner.radices).collect();
                    for o in changes {
                        let c = self.inner.constraint(&d, Some(&o));
                        self.push_site(p, c, 0.0, f64::INFINITY);
                    }
                }
            }
        }
    }
}

impl Mediator for BindingThompson {
    fn propose(&mut self, view: &MediatorView, rng: &mut Rng) -> Offer {
        if self.inner.radices != view.radices {
            let ordered = vec![false; view.radices.len()];
            self.inner.setup(view.radices, &ordered);
            let values: usize = view.radices.iter().map(|&r| r as usize).sum();
            *self = BindingThompson {
                inner: std::mem::take(&mut self.inner),
                fallback: (values > MAX_VALUES).then(BayesNash::default),
                ..BindingThompson::default()
            };
        }
        if let Some(f) = self.fallback.as_mut() {
            return f.propose(view, rng);
        }
        self.ensure_parties(self.last_ballots.len());
        self.learn_from_amendments(view);
        self.standing = view.accepted.map(|a| {
            let mut v = vec![0; view.radices.len()];
            decode(a, view.radices, &mut v);
            v
        });
        let draft = if self.inner.beliefs.is_empty() {
            // Nothing known yet, not even how many parties vote: a blind first draft.
            let mut v = vec![0; view.radices.len()];
            decode(
                crate::text::random_outcome(view.radices, rng),
                view.radices,
                &mut v,
            );
            v
        } else if view.t >= COMMIT_FROM
            && (view.round >= self.next_commit || view.t >= COMMIT_ALWAYS_FROM)
        {
            self.next_commit = view.round + COMMIT_EVERY;
            self.committing_draft(view.t, rng)
        } else {
            self.learning_draft(rng)
        };
        self.previous = self.last.replace(draft.clone());
        encode(&draft, view.radices)
    }

    fn observe(&mut self, draft: Offer, ballots: &[Ballot], accepted: bool) {
        if self.fallback.is_none()
            && ballots
                .iter()
                .any(|b| !matches!(b, Ballot::Accept | Ballot::Reject))
        {
            // The feedback game: its acceptances follow comparisons with the previous draft,
            // not the standing text this mediator plans around. `bayes-nash` takes over with
            // the texts these ballots refer to.
            let radices = &self.inner.radices;
            let text = |t: &Option<Vec<u32>>| t.as_ref().map(|t| encode(t, radices));
            let mut f = BayesNash::default();
            f.adopt(radices, text(&self.standing), text(&self.previous), draft);
            self.fallback = Some(f);
        }
        if let Some(f) = self.fallback.as_mut() {
            return f.observe(draft, ballots, accepted);
        }
        if self.inner.radices.is_empty() {
            return;
        }
        self.ensure_parties(ballots.len());
        let mut d = vec![0; self.inner.radices.len()];
        decode(draft, &self.inner.radices, &mut d);
        let c = self.inner.constraint(&d, self.standing.as_deref());
        for (p, ballot) in ballots.iter().enumerate() {
            let (lo, hi) = if *ballot == Ballot::Accept {
                (0.0, f64::INFINITY)
            } else {
                (f64::NEG_INFINITY, 0.0)
            };
            self.push_site(p, c.clone(), lo, hi);
        }
        self.last_ballots = ballots.to_vec();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{mediator, run_single_text, voter, NoTrace, Seat, Voter};
    use accord_protocol::{Deadline, VoteMode};

    fn seats(seed: u64, parties: usize, radices: &[usize]) -> Vec<Seat> {
        super::super::test_seats(parties, radices, seed)
    }

    /// A 100-round binding run of `name` with hill-climbing voters on `parties`-party scenario
    /// `seed`: the agreement's Nash product over the optimum, found by enumerating the 120
    /// outcomes (0 without agreement).
    fn nash_ratio(name: &str, parties: usize, seed: u64) -> f64 {
        let seats = seats(seed, parties, &[5, 4, 6]);
        let mut voters: Vec<Box<dyn Voter>> = seats
            .iter()
            .map(|x| voter("hill-climber", x.index.clone(), x.reservation).unwrap())
            .collect();
        let mut m = mediator(name).unwrap();
        let summary = run_single_text(
            &seats,
            &mut voters,
            m.as_mut(),
            Deadline::rounds(100),
            VoteMode::AcceptReject,
            &mut Rng::new(seed),
            &mut || 0.0,
            &mut NoTrace,
        )
        .unwrap();
        let product = |o: Offer| -> f64 {
            seats
                .iter()
                .map(|x| (x.index.utility(o) - x.reservation).max(0.0))
                .product()
        };
        let best = (0..120u64)
            .map(|o| product(Offer::from(o)))
            .fold(0.0, f64::max);
        summary.agreement.map_or(0.0, |a| product(a) / best)
    }

    /// Over the same seeded runs, learning with vetoed drafts before committing ends nearer the
    /// Nash point than `bayes-nash`'s steps from the standing text, and always agrees.
    #[test]
    fn learning_before_committing_beats_stepping_from_the_standing_text() {
        let runs: Vec<(usize, u64)> = (0..12).map(|s| (2 + (s % 2) as usize, 100 + s)).collect();
        let mean = |name: &str| {
            runs.iter()
                .map(|&(parties, seed)| nash_ratio(name, parties, seed))
                .collect::<Vec<f64>>()
        };
        let ours = mean("thompson-binding");
        let baseline = mean("bayes-nash");
        assert!(ours.iter().all(|r| *r > 0.0), "{ours:?}");
        let (a, b) = (
            ours.iter().sum::<f64>() / 12.0,
            baseline.iter().sum::<f64>() / 12.0,
        );
        assert!(
            a > b && a >= 0.85,
            "thompson-binding {a:.3}, bayes-nash {b:.3}"
        );
    }

    /// In the feedback game `bayes-nash` takes over with the texts the first comparisons refer
    /// to: the draft they answer and the one before it.
    #[test]
    fn the_feedback_game_hands_over_with_the_texts_its_ballots_refer_to() {
        let radices = [3u32, 4];
        let view = |round: u32| MediatorView {
            radices: &radices,
            accepted: None,
            amendments: &[],
            t: f64::from(round) / 10.0,
            round,
        };
        let mut m = BindingThompson::default();
        let mut rng = Rng::new(1);
        let first = m.propose(&view(0), &mut rng);
        m.observe(first, &[Ballot::Accept, Ballot::Reject], false);
        assert!(m.fallback.is_none());
        let second = m.propose(&view(1), &mut rng);
        m.observe(second, &[Ballot::Better, Ballot::Worse], false);
        let f = m.fallback.as_ref().expect("bayes-nash takes over");
        assert_eq!(f.previous, Some(first));
        assert_eq!(f.last, Some((None, second)));
        // It read the comparisons: one belief per party.
        assert_eq!(f.beliefs.len(), 2);
    }

    /// A domain with more clause values than the full belief serves is drafted by `bayes-nash`.
    #[test]
    fn too_many_values_fall_back_to_bayes_nash() {
        let radices = [150u32, 60];
        let mut m = BindingThompson::default();
        let view = MediatorView {
            radices: &radices,
            accepted: None,
            amendments: &[],
            t: 0.0,
            round: 0,
        };
        m.propose(&view, &mut Rng::new(1));
        assert!(m.fallback.is_some() && m.inner.beliefs.is_empty());
    }
}
