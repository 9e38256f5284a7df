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
        best_change(&self.index, draft, &mut self.scratch)
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

/// The single-clause change of `draft` a party with this index likes best, if any improves it
/// (`scratch` holds one value per issue).
pub(crate) fn best_change(
    index: &UtilityIndex,
    draft: Offer,
    scratch: &mut [u32],
) -> Option<(usize, u32)> {
    let radices = index.radices();
    decode(draft, radices, scratch);
    let base = index.utility(draft);
    let mut best: Option<(f64, usize, u32)> = None;
    for i in 0..radices.len() {
        let keep = scratch[i];
        for v in 0..radices[i] {
            if v == keep {
                continue;
            }
            scratch[i] = v;
            let o = encode(scratch, radices);
            let u = index.utility(o);
            if index.acceptable(o) && u > base && best.is_none_or(|b| u > b.0) {
                best = Some((u, i, v));
            }
        }
        scratch[i] = keep;
    }
    best.map(|(_, i, v)| (i, v))
}

pub(crate) fn random_outcome(radices: &[u32], rng: &mut Rng) -> Offer {
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

/// Learns each party's preferences from what it reveals and steers the text with them: a
/// perceptron per party over (issue, value) learns from every ballot (an acceptance says the
/// draft is worth at least the standing text to that party, a rejection that it is worth less)
/// and every amendment (the proposed value beats the draft's). Each round it drafts the change
/// to the standing text (one or two clauses) that every learned model predicts acceptable and
/// whose predicted gains are most balanced (largest sum of log gains, the Nash criterion), never
/// one already rejected; before any text is accepted, random texts.
#[derive(Debug, Clone, Default)]
pub struct NashSeeking {
    est: Vec<Vec<Vec<f64>>>,
    rejected: std::collections::HashSet<(Offer, Offer)>,
    last: Option<(Option<Offer>, Offer)>,
    radices: Vec<u32>,
}

impl NashSeeking {
    fn ensure(&mut self, parties: usize, radices: &[u32]) {
        if self.est.len() != parties {
            self.radices = radices.to_vec();
            self.est = (0..parties)
                .map(|_| radices.iter().map(|&r| vec![0.0; r as usize]).collect())
                .collect();
        }
    }

    /// Learned gain of party p from `from` to `to` (value indices).
    fn gain(&self, p: usize, from: &[u32], to: &[u32]) -> f64 {
        from.iter()
            .zip(to)
            .enumerate()
            .filter(|(_, (a, b))| a != b)
            .map(|(i, (a, b))| self.est[p][i][*b as usize] - self.est[p][i][*a as usize])
            .sum()
    }

    fn learn(&mut self, p: usize, from: &[u32], to: &[u32], sign: f64) {
        for (i, (a, b)) in from.iter().zip(to).enumerate() {
            if a != b {
                self.est[p][i][*b as usize] += sign;
                self.est[p][i][*a as usize] -= sign;
            }
        }
    }
}

impl Mediator for NashSeeking {
    fn propose(&mut self, view: &MediatorView, rng: &mut Rng) -> Offer {
        let radices = view.radices;
        let n = radices.len();
        if self.radices.is_empty() {
            self.radices = radices.to_vec();
        }
        // Amendments: the proposed value beats the draft's, for the proposer.
        if let Some((_, draft)) = self.last {
            let mut d = vec![0u32; n];
            decode(draft, radices, &mut d);
            for a in view.amendments {
                if a.party < self.est.len() {
                    let mut to = d.clone();
                    to[a.issue] = a.value;
                    if self.gain(a.party, &d, &to) < 1.0 {
                        self.learn(a.party, &d, &to, 1.0);
                    }
                }
            }
        }
        let Some(standing) = view.accepted else {
            let o = random_outcome(radices, rng);
            self.last = Some((None, o));
            return o;
        };
        if self.est.is_empty() {
            let o = RandomFlipping.propose(view, rng);
            self.last = Some((Some(standing), o));
            return o;
        }
        let mut s = vec![0u32; n];
        decode(standing, radices, &mut s);
        let k = self.est.len();
        // Scale of each party's model, so that log gains compare across parties.
        let scale: Vec<f64> = (0..k)
            .map(|p| {
                self.est[p]
                    .iter()
                    .map(|t| {
                        t.iter().cloned().fold(f64::NEG_INFINITY, f64::max)
                            - t.iter().cloned().fold(f64::INFINITY, f64::min)
                    })
                    .sum::<f64>()
                    .max(1e-9)
            })
            .collect();
        let mut best: Option<(f64, Offer)> = None;
        let mut fallback: Option<(f64, Offer)> = None;
        let mut consider = |c: &[u32], me: &Self| {
            let id = encode(c, radices);
            if id == standing || me.rejected.contains(&(standing, id)) {
                return;
            }
            let gains: Vec<f64> = (0..k).map(|p| me.gain(p, &s, c) / scale[p]).collect();
            let worst = gains.iter().cloned().fold(f64::INFINITY, f64::min);
            let noise = 1e-6 * rng.unit();
            if worst >= 0.0 && gains.iter().any(|g| *g > 0.0) {
                let score: f64 = gains.iter().map(|g| (1.0 + 10.0 * g).ln()).sum::<f64>() + noise;
                if best.is_none_or(|b| score > b.0) {
                    best = Some((score, id));
                }
            }
            let explore = worst + noise;
            if fallback.is_none_or(|b| explore > b.0) {
                fallback = Some((explore, id));
            }
        };
        let mut c = s.clone();
        for i in 0..n {
            for v in 0..radices[i] {
                if v == s[i] {
                    continue;
                }
                c[i] = v;
                consider(&c, self);
                for j in i + 1..n {
                    for w in 0..radices[j] {
                        if w == s[j] {
                            continue;
                        }
                        c[j] = w;
                        consider(&c, self);
                    }
                    c[j] = s[j];
                }
            }
            c[i] = s[i];
        }
        let choice = best
            .or(fallback)
            .map(|b| b.1)
            .unwrap_or_else(|| random_outcome(radices, rng));
        self.last = Some((Some(standing), choice));
        choice
    }

    fn observe(&mut self, draft: Offer, ballots: &[Ballot], accepted: bool) {
        let Some((standing, _)) = self.last else {
            return;
        };
        if self.radices.is_empty() {
            return;
        }
        let radices = self.radices.clone();
        self.ensure(ballots.len(), &radices);
        let Some(standing) = standing else { return };
        let n = radices.len();
        let (mut from, mut to) = (vec![0u32; n], vec![0u32; n]);
        decode(standing, &radices, &mut from);
        decode(draft, &radices, &mut to);
        for (p, b) in ballots.iter().enumerate() {
            let wants = matches!(b, Ballot::Accept | Ballot::Better | Ballot::Same);
            let predicted = self.gain(p, &from, &to) >= 0.0;
            if wants != predicted {
                self.learn(p, &from, &to, if wants { 1.0 } else { -1.0 });
            }
        }
        if !accepted {
            self.rejected.insert((standing, draft));
        }
    }
}
