//! Seats of the one-text procedure ([`accord_protocol::OneText`]): critics (the parties, who
//! answer drafts) and one-text mediators (who draft and call the final vote).

use crate::index::{decode, UtilityIndex};
use crate::text::random_outcome;
use accord_model::Rng;
use accord_protocol::{Answer, Feedback, Grade, Offer};
use std::sync::Arc;

/// What a party sees of a draft.
#[derive(Debug, Clone, Copy)]
pub struct DraftView {
    /// The draft.
    pub draft: Offer,
    /// The previous draft, if any (what a comparison is against).
    pub previous: Option<Offer>,
    /// What to answer besides the straw poll.
    pub feedback: Feedback,
    /// Whether this is the final vote (accept / reject only).
    pub final_vote: bool,
    /// Normalised time.
    pub t: f64,
}

/// A party in a one-text negotiation.
pub trait Critic: Send {
    /// Its answer to the draft.
    fn answer(&mut self, view: &DraftView, rng: &mut Rng) -> Answer;
}

/// Answers from its own utilities: the straw poll and the final vote accept a text at least
/// worth its reservation value (and inside its red lines); the comparison is
/// [`Grade::of`] its change of utility; when it would not accept, it critiques the clause whose
/// change it likes best. With `noise` > 0 it misjudges each comparison with that probability
/// (answering another grade, drawn uniformly).
pub struct Truthful {
    index: Arc<UtilityIndex>,
    reservation: f64,
    noise: f64,
    scratch: Vec<u32>,
}

impl Truthful {
    /// A truthful party; `noise` is the chance of misjudging a comparison.
    pub fn new(index: Arc<UtilityIndex>, reservation: f64, noise: f64) -> Self {
        let n = index.radices().len();
        Truthful {
            index,
            reservation,
            noise,
            scratch: vec![0; n],
        }
    }
}

impl Critic for Truthful {
    fn answer(&mut self, view: &DraftView, rng: &mut Rng) -> Answer {
        let u = self.index.utility(view.draft);
        let acceptable = self.index.acceptable(view.draft) && u >= self.reservation;
        if view.final_vote {
            return Answer {
                acceptable,
                grade: None,
                critique: None,
            };
        }
        let grade = view.previous.and_then(|p| {
            let g = Grade::of(view.feedback, u - self.index.utility(p))?;
            if self.noise > 0.0 && rng.unit() < self.noise {
                let others: Vec<Grade> = Grade::ALL
                    .into_iter()
                    .filter(|&x| x != g && x.fits(view.feedback))
                    .collect();
                return Some(others[rng.below(others.len() as u64) as usize]);
            }
            Some(g)
        });
        let critique = if acceptable {
            None
        } else {
            crate::text::best_change(&self.index, view.draft, &mut self.scratch)
        };
        Answer {
            acceptable,
            grade,
            critique,
        }
    }
}

/// What a one-text mediator sees: the texts and the answers, never a party's preferences.
#[derive(Debug, Clone, Copy)]
pub struct OneTextView<'a> {
    /// Values per issue.
    pub radices: &'a [u32],
    /// Whether each issue's values are ordered numbers (an integer or real issue; see
    /// `accord_model::Issue::is_numeric`): what the issues are is public, unlike what they are worth.
    pub numeric: &'a [bool],
    /// What parties answer besides the straw poll.
    pub feedback: Feedback,
    /// Drafts circulated so far.
    pub round: u32,
    /// Whether this round's draft is the final vote whatever the mediator asks (the deadline's
    /// last round).
    pub last_round: bool,
    /// Normalised time.
    pub t: f64,
}

/// A mediator's move.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    /// Circulate a draft for comment.
    Draft(Offer),
    /// Put the final text to the binding vote.
    Final(Offer),
}

/// Drafts texts and chooses the final one, from the parties' answers alone.
pub trait OneTextMediator: Send {
    /// The next draft, or the final text.
    fn propose(&mut self, view: &OneTextView, rng: &mut Rng) -> Move;
    /// Learns the answers to a non-final draft (by party).
    fn observe(&mut self, draft: Offer, answers: &[Answer]);
}

/// The baseline: random drafts; the final text is the last draft every party found
/// acceptable in the straw poll (a random one if none was).
#[derive(Debug, Clone, Default)]
pub struct RandomDrafts {
    acceptable: Option<Offer>,
}

impl OneTextMediator for RandomDrafts {
    fn propose(&mut self, view: &OneTextView, rng: &mut Rng) -> Move {
        if view.last_round {
            return Move::Final(
                self.acceptable
                    .unwrap_or_else(|| random_outcome(view.radices, rng)),
            );
        }
        Move::Draft(random_outcome(view.radices, rng))
    }

    fn observe(&mut self, draft: Offer, answers: &[Answer]) {
        if answers.iter().all(|a| a.acceptable) {
            self.acceptable = Some(draft);
        }
    }
}

/// The values of an outcome (a convenience for mediators).
pub(crate) fn values(o: Offer, radices: &[u32]) -> Vec<u32> {
    let mut v = vec![0u32; radices.len()];
    decode(o, radices, &mut v);
    v
}
