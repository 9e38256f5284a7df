//! Negotiation protocols as pure state machines.
//!
//! A protocol takes actions (events) from the seats, checks them against its rules, and answers
//! with what happened (effects). It never reads a clock: every call passes `now`, the seconds
//! elapsed since the negotiation started, so the same machine runs a simulation at full speed
//! or a live mediation in the server, where `now` comes from the wall clock.
//!
//! An offer or a draft is an outcome *index* (see `accord_model::OutcomeSpace`): a 256-bit
//! integer ([`Offer`]), cheap to copy and compare, decoded into values only where people read
//! them.
//!
//! - [`sao`]: the stacked alternating offers protocol (SAOP, ANAC): bilateral or multilateral,
//!   offer / accept / end, an agreement needs every other party's acceptance.
//! - [`single_text`]: the mediated single negotiating text: a mediator circulates drafts, the
//!   parties vote (accept / reject, or better / worse / same) and may propose amendments to a
//!   clause; the agreement is the last draft everyone accepted.
//! - [`one_text`]: the one-text procedure: drafts do not bind, parties answer each with a straw
//!   poll and (by the run's choice) a comparison with the previous draft, and only the final
//!   text, put to one vote, binds when every party accepts it.
//! - [`live`]: the same text run live by people (`accord serve`): deadlines per draft, one
//!   answer per party, and the first draft every party accepts is the agreement.
//! - [`phased`]: phased texts in that live process: each agreed phase's status, and follow-up
//!   drafts that extend a phase or move on to the next.

#![warn(missing_docs)]

pub mod live;
pub mod one_text;
pub mod phased;
pub mod sao;
pub mod single_text;

pub use one_text::{Answer, Feedback, Grade, OneText, OneTextDraft, OneTextEvent, TextProtocol};
pub use sao::{Sao, SaoAction, SaoEvent};
pub use single_text::{Amendment, Ballot, Binding, Draft, SingleText, TextEvent, VoteMode};

/// An outcome, by its mixed-radix index in the outcome space (`accord_model::OutcomeSpace`
/// numbers outcomes the same way, last issue fastest). 256 bits, so that spaces beyond 2^64
/// outcomes (random domains of 50 issues × 10 values, 10^50 outcomes) can be negotiated; a
/// `Copy` value compared and hashed like an integer. `Offer::from(n)` makes one from a `u64`.
pub type Offer = U256;

pub use ruint::aliases::U256;

/// When a negotiation must end: after a number of rounds, after a number of seconds, or at the
/// first of both. At least one must be given.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Deadline {
    /// Rounds allowed (SAO: every party acts once per round; single text: one draft per round).
    pub rounds: Option<u32>,
    /// Seconds allowed.
    pub seconds: Option<f64>,
}

impl Deadline {
    /// A deadline in rounds.
    pub fn rounds(n: u32) -> Self {
        Deadline {
            rounds: Some(n),
            seconds: None,
        }
    }

    /// A deadline in seconds.
    pub fn seconds(s: f64) -> Self {
        Deadline {
            rounds: None,
            seconds: Some(s),
        }
    }

    fn check(&self) -> Result<(), ProtocolError> {
        let rounds_ok = self.rounds.is_some_and(|r| r > 0);
        let seconds_ok = self.seconds.is_some_and(|s| s.is_finite() && s > 0.0);
        if (self.rounds.is_some() && !rounds_ok)
            || (self.seconds.is_some() && !seconds_ok)
            || (!rounds_ok && !seconds_ok)
        {
            return Err(ProtocolError::BadDeadline);
        }
        Ok(())
    }

    /// Normalised time t in [0, 1], as GENIUS computes it: the larger of the fraction of rounds
    /// used (`progress` rounds, possibly fractional) and the fraction of seconds used.
    pub fn relative_time(&self, progress: f64, now: f64) -> f64 {
        let by_rounds = self.rounds.map_or(0.0, |r| progress / r as f64);
        let by_time = self.seconds.map_or(0.0, |s| now / s);
        by_rounds.max(by_time).clamp(0.0, 1.0)
    }

    /// Whether the time limit has passed at `now`.
    pub fn time_is_up(&self, now: f64) -> bool {
        self.seconds.is_some_and(|s| now >= s)
    }
}

/// Utility under time discounting, as GENIUS applies it: `u * d^t` for a discount factor d in
/// (0, 1) and normalised time t; no discount when d is absent or outside (0, 1). The reservation
/// value is discounted the same way.
pub fn discounted(utility: f64, discount: Option<f64>, t: f64) -> f64 {
    match discount {
        Some(d) if d > 0.0 && d < 1.0 => utility * d.powf(t),
        _ => utility,
    }
}

/// An action that breaks the protocol's rules.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ProtocolError {
    /// Fewer than two negotiating parties.
    #[error("a negotiation needs at least two parties, found {0}")]
    TooFewParties(usize),
    /// No usable deadline.
    #[error("a deadline needs rounds > 0 or seconds > 0")]
    BadDeadline,
    /// The negotiation is over.
    #[error("the negotiation has ended")]
    Ended,
    /// A seat acted out of turn.
    #[error("it is party {expected}'s turn, not party {got}'s")]
    NotYourTurn {
        /// Whose turn it is.
        expected: usize,
        /// Who acted.
        got: usize,
    },
    /// A party index beyond the table.
    #[error("no party {0}")]
    NoSuchParty(usize),
    /// Accepting when nothing is on the table.
    #[error("there is no offer to accept")]
    NothingToAccept,
    /// An action that does not fit the current phase.
    #[error("{0}")]
    WrongPhase(&'static str),
    /// A party voting twice on one draft.
    #[error("party {0} has already voted on this draft")]
    AlreadyVoted(usize),
    /// A ballot of the wrong kind for the protocol's vote mode.
    #[error("this negotiation votes with {0}")]
    WrongBallot(&'static str),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_time_takes_the_later_of_rounds_and_seconds() {
        let d = Deadline {
            rounds: Some(10),
            seconds: Some(100.0),
        };
        assert_eq!(d.relative_time(5.0, 10.0), 0.5);
        assert_eq!(d.relative_time(1.0, 80.0), 0.8);
        assert_eq!(d.relative_time(20.0, 0.0), 1.0);
        assert!(Deadline {
            rounds: Some(0),
            seconds: None
        }
        .check()
        .is_err());
        assert!(Deadline {
            rounds: None,
            seconds: None
        }
        .check()
        .is_err());
    }

    #[test]
    fn discount_as_genius() {
        assert_eq!(discounted(0.8, Some(0.5), 0.0), 0.8);
        assert!((discounted(0.8, Some(0.5), 1.0) - 0.4).abs() < 1e-15);
        assert!((discounted(0.8, Some(0.25), 0.5) - 0.4).abs() < 1e-15);
        // 1.0 (and anything outside (0, 1)) means no discount.
        assert_eq!(discounted(0.8, Some(1.0), 1.0), 0.8);
        assert_eq!(discounted(0.8, None, 1.0), 0.8);
    }
}
