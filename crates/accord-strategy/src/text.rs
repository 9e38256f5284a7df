//! Seats of the single negotiating text: voters (the parties) and mediators.

use crate::index::{decode, encode, UtilityIndex};
use accord_model::Rng;
use accord_protocol::{Amendment, Ballot, Offer, VoteMode};
use std::sync::Arc;

/// What a voter sees of the negotiation.
#[derive(Debug, Clone, Copy)]
pub struct VoteView {
    /// The draft to vote on.
    pub draft: Offer,
    /// The last accepted draft, if any.
    pub accepted: Option<Offer>,
    /// The previous draft, if any (what feedback compares with).
    pub previous: Option<Offer>,
    /// How to vote.
    pub mode: VoteMode,
    /// Normalised time.
    pub t: f64,
}

/// A party in a single-text negotiation.
pub trait Voter: Send {
    /// Its ballot on the draft, and possibly an amendment (issue, value) to one clause.
    fn vote(&mut self, view: &VoteView, rng: &mut Rng) -> (Ballot, Option<(usize, u32)>);
    /// Its utility of an outcome.
    fn utility(&self, offer: Offer) -> f64;
}

/// Accepts a draft at least as good as the standing text (or, before any, as no agreement);
/// when it rejects, proposes the single-clause change it likes best. With a temperature, it
/// also accepts a worse draft with probability exp(-loss / temperature), the temperature
/// falling linearly to 0 at the deadline (an annealer).
pub struct HillClimber {
    index: Arc<UtilityIndex>,
    reservation: f64,
    temperature: f64,
    scratch: Vec<u32>,
}

impl HillClimber {
    /// A voter; `temperature` 0 is a pure hill climber.
    pub fn new(index: Arc<UtilityIndex>, reservation: f64, temperature: f64) -> Self {
        let n = index.radices().len();
        HillClimber {
            index,
            reservation,
            temperature,
            scratch: vec![0; n],
        }
    }

    /// The best single-clause change to `draft` for this voter, if any improves it.
    fn amendment(&mut self, draft: Offer) -> Option<(usize, u32)> {
        let radices = self.index.radices().to_vec();
        decode(draft, &radices, &mut self.scratch);
        let base = self.index.utility(draft);
        let mut best: Option<(f64, usize, u32)> = None;
        for i in 0..radices.len() {
            let keep = self.scratch[i];
            for v in 0..radices[i] {
                if v == keep {
                    continue;
                }
                self.scratch[i] = v;
                let o = encode(&self.scratch, &radices);
                let u = self.index.utility(o);
                if self.index.acceptable(o) && u > base && best.is_none_or(|b| u > b.0) {
                    best = Some((u, i, v));
                }
            }
            self.scratch[i] = keep;
        }
        best.map(|(_, i, v)| (i, v))
    }

    fn takes(&self, gain: f64, t: f64, rng: &mut Rng) -> bool {
        if gain >= 0.0 {
            return true;
        }
        let temp = self.temperature * (1.0 - t);
        temp > 0.0 && rng.unit() < (gain / temp).exp()
    }
}

impl Voter for HillClimber {
    fn vote(&mut self, view: &VoteView, rng: &mut Rng) -> (Ballot, Option<(usize, u32)>) {
        let u = self.index.utility(view.draft);
        match view.mode {
            VoteMode::AcceptReject => {
                let reference = view.accepted.map_or(self.reservation, |a| {
                    self.index.utility(a).max(self.reservation)
                });
                if self.index.acceptable(view.draft)
                    && u >= self.reservation
                    && self.takes(u - reference, view.t, rng)
                {
                    (Ballot::Accept, None)
                } else {
                    (Ballot::Reject, self.amendment(view.draft))
                }
            }
            VoteMode::Feedback => {
                let reference = view
                    .previous
                    .map_or(self.reservation, |p| self.index.utility(p));
                let ballot = if !self.index.acceptable(view.draft)
                    || u < self.reservation
                    || u < reference - 1e-12
                {
                    Ballot::Worse
                } else if u > reference + 1e-12 {
                    Ballot::Better
                } else {
                    Ballot::Same
                };
                (ballot, None)
            }
        }
    }

    fn utility(&self, offer: Offer) -> f64 {
        self.index.utility(offer)
    }
}

/// What a mediator sees: only the texts and what parties revealed, never their preferences.
#[derive(Debug, Clone, Copy)]
pub struct MediatorView<'a> {
    /// Values per issue.
    pub radices: &'a [u32],
    /// The last accepted draft, if any.
    pub accepted: Option<Offer>,
    /// Amendments proposed since the last draft.
    pub amendments: &'a [Amendment],
    /// Normalised time.
    pub t: f64,
    /// Drafts circulated so far.
    pub round: u32,
}

/// Holds the text and drafts the next version.
pub trait Mediator: Send {
    /// The next draft.
    fn propose(&mut self, view: &MediatorView, rng: &mut Rng) -> Offer;
    /// Learns how the draft fared.
    fn observe(&mut self, _draft: Offer, _ballots: &[Ballot], _accepted: bool) {}
}

fn random_outcome(radices: &[u32], rng: &mut Rng) -> Offer {
    let values: Vec<u32> = radices
        .iter()
        .map(|&r| rng.below(r as u64) as u32)
        .collect();
    encode(&values, radices)
}

fn with_clause(text: Offer, radices: &[u32], issue: usize, value: u32) -> Offer {
    let mut values = vec![0u32; radices.len()];
    decode(text, radices, &mut values);
    values[issue] = value;
    encode(&values, radices)
}

/// GENIUS's RandomFlippingMediator: random texts until one is accepted, then flips one random
/// clause of the accepted text to a random other value.
#[derive(Debug, Clone, Default)]
pub struct RandomFlipping;

impl Mediator for RandomFlipping {
    fn propose(&mut self, view: &MediatorView, rng: &mut Rng) -> Offer {
        match view.accepted {
            None => random_outcome(view.radices, rng),
            Some(text) => {
                let candidates: Vec<usize> = (0..view.radices.len())
                    .filter(|&i| view.radices[i] > 1)
                    .collect();
                if candidates.is_empty() {
                    return text;
                }
                let i = candidates[rng.below(candidates.len() as u64) as usize];
                let mut values = vec![0u32; view.radices.len()];
                decode(text, view.radices, &mut values);
                let shift = 1 + rng.below(view.radices[i] as u64 - 1) as u32;
                with_clause(text, view.radices, i, (values[i] + shift) % view.radices[i])
            }
        }
    }
}

/// GENIUS's FixedOrderFlippingMediator: like random flipping, but walks the clauses and their
/// values in a fixed order.
#[derive(Debug, Clone, Default)]
pub struct FixedOrderFlipping {
    cursor: (usize, u32),
}

impl Mediator for FixedOrderFlipping {
    fn propose(&mut self, view: &MediatorView, rng: &mut Rng) -> Offer {
        let Some(text) = view.accepted else {
            return random_outcome(view.radices, rng);
        };
        let n = view.radices.len();
        let mut values = vec![0u32; n];
        decode(text, view.radices, &mut values);
        for _ in 0..view.radices.iter().map(|&r| r as usize).sum::<usize>() {
            let (i, v) = self.cursor;
            self.cursor = if v + 1 < view.radices[i] {
                (i, v + 1)
            } else {
                ((i + 1) % n, 0)
            };
            if values[i] != v {
                return with_clause(text, view.radices, i, v);
            }
        }
        text
    }
}

/// Learns from feedback which clause values the parties welcome (GENIUS's FeedbackMediator
/// idea): every value gets a score from the ballots on drafts that introduced it, and flips go
/// to the best-scored value not yet tried from the current text.
#[derive(Debug, Clone, Default)]
pub struct FeedbackLearning {
    score: Vec<Vec<f64>>,
    last_change: Option<(usize, u32)>,
}

impl Mediator for FeedbackLearning {
    fn propose(&mut self, view: &MediatorView, rng: &mut Rng) -> Offer {
        if self.score.is_empty() {
            self.score = view
                .radices
                .iter()
                .map(|&r| vec![0.0; r as usize])
                .collect();
        }
        let Some(text) = view.accepted else {
            self.last_change = None;
            return random_outcome(view.radices, rng);
        };
        let mut values = vec![0u32; view.radices.len()];
        decode(text, view.radices, &mut values);
        // Highest score first, random among ties (plus a little exploration noise).
        let mut best: Option<(f64, usize, u32)> = None;
        for (i, &r) in view.radices.iter().enumerate() {
            for v in 0..r {
                if v == values[i] {
                    continue;
                }
                let s = self.score[i][v as usize] + 0.01 * rng.unit();
                if best.is_none_or(|b| s > b.0) {
                    best = Some((s, i, v));
                }
            }
        }
        match best {
            None => text,
            Some((_, i, v)) => {
                self.last_change = Some((i, v));
                with_clause(text, view.radices, i, v)
            }
        }
    }

    fn observe(&mut self, _: Offer, ballots: &[Ballot], accepted: bool) {
        if let Some((i, v)) = self.last_change {
            let net: f64 = ballots
                .iter()
                .map(|b| match b {
                    Ballot::Accept | Ballot::Better => 1.0,
                    Ballot::Reject | Ballot::Worse => -1.0,
                    Ballot::Same => 0.0,
                })
                .sum();
            self.score[i][v as usize] += net - if accepted { 0.0 } else { 1.0 };
        }
    }
}

/// Takes the parties' amendments into the text: each round it drafts the accepted text with one
/// proposed amendment (the one most parties asked for, then the oldest), never one already
/// rejected from the same text; with none left, it flips a clause at random. Amendments are a
/// party's best single change, so each draft tests an improvement someone asked for.
#[derive(Debug, Clone, Default)]
pub struct Amending {
    flip: RandomFlipping,
    /// (standing text, issue, value) drafts that were rejected.
    rejected: std::collections::HashSet<(Offer, usize, u32)>,
    /// Amendments not yet tried, kept across rounds.
    pending: Vec<Amendment>,
    /// The last draft: (standing text, issue, value) when it was an amendment.
    last: Option<(Offer, usize, u32)>,
}

impl Mediator for Amending {
    fn propose(&mut self, view: &MediatorView, rng: &mut Rng) -> Offer {
        self.pending.extend_from_slice(view.amendments);
        self.last = None;
        let Some(text) = view.accepted else {
            return self.flip.propose(view, rng);
        };
        let mut values = vec![0u32; view.radices.len()];
        decode(text, view.radices, &mut values);
        // Drop what is already in the text or already failed from it.
        self.pending.retain(|a| {
            values[a.issue] != a.value && !self.rejected.contains(&(text, a.issue, a.value))
        });
        let mut best: Option<(usize, usize)> = None;
        for (k, a) in self.pending.iter().enumerate() {
            let support = self
                .pending
                .iter()
                .filter(|b| b.issue == a.issue && b.value == a.value)
                .count();
            if best.is_none_or(|(s, _)| support > s) {
                best = Some((support, k));
            }
        }
        match best {
            Some((_, k)) => {
                let a = self.pending.remove(k);
                self.last = Some((text, a.issue, a.value));
                with_clause(text, view.radices, a.issue, a.value)
            }
            None => self.flip.propose(view, rng),
        }
    }

    fn observe(&mut self, _: Offer, _: &[Ballot], accepted: bool) {
        if let (Some(key), false) = (self.last, accepted) {
            self.rejected.insert(key);
        }
    }
}
