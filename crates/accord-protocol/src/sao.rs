//! The stacked alternating offers protocol (SAOP), as in ANAC.
//!
//! Parties act in a fixed cyclic order. The first must make an offer (or end the negotiation).
//! Each next party accepts the offer on the table, replaces it with its own offer, or ends the
//! negotiation. An offer becomes the agreement once every other party has accepted it in turn;
//! a counter-offer resets the acceptances. With two parties this is bilateral alternating
//! offers. A round is one action by every party; the negotiation fails when the deadline passes
//! without agreement.

use crate::{Deadline, Offer, ProtocolError};

/// What a party may do on its turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaoAction {
    /// Put an outcome on the table (replacing the current offer).
    Offer(Offer),
    /// Accept the offer on the table.
    Accept,
    /// Walk away: the negotiation ends without agreement.
    End,
}

/// What an action led to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaoEvent {
    /// The party's offer is on the table; the next party is to act.
    Offered {
        /// Who offered.
        party: usize,
        /// What.
        offer: Offer,
    },
    /// The party accepted; others still have to.
    Accepted {
        /// Who accepted.
        party: usize,
    },
    /// Every other party accepted the offer: it is the agreement.
    Agreement {
        /// The agreed outcome.
        offer: Offer,
        /// Who proposed it.
        proposer: usize,
    },
    /// The negotiation ended without agreement.
    Failed(Failure),
}

/// Why a negotiation ended without agreement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// The deadline passed.
    Deadline,
    /// A party ended it.
    EndedBy(usize),
    /// A party rejected the final text of a one-text negotiation.
    FinalRejected,
}

/// Where a negotiation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaoState {
    /// Waiting for this party to act.
    Running {
        /// Whose turn it is.
        turn: usize,
    },
    /// Agreed.
    Agreed {
        /// The agreement.
        offer: Offer,
    },
    /// Ended without agreement.
    Failed(Failure),
}

/// A stacked-alternating-offers negotiation.
#[derive(Debug, Clone)]
pub struct Sao {
    n: usize,
    deadline: Deadline,
    steps: u64,
    turn: usize,
    table: Option<(Offer, usize)>,
    acceptances: usize,
    state: SaoState,
    /// 1 / (rounds * parties), or 0 without a round limit: time from steps by one multiply.
    per_step: f64,
    /// 1 / seconds, or 0 without a time limit.
    per_second: f64,
    /// rounds * parties, or u64::MAX.
    max_steps: u64,
}

impl Sao {
    /// A negotiation among `n` parties; party 0 moves first.
    pub fn new(n: usize, deadline: Deadline) -> Result<Self, ProtocolError> {
        if n < 2 {
            return Err(ProtocolError::TooFewParties(n));
        }
        deadline.check()?;
        Ok(Sao {
            n,
            deadline,
            steps: 0,
            turn: 0,
            table: None,
            acceptances: 0,
            state: SaoState::Running { turn: 0 },
            per_step: deadline.rounds.map_or(0.0, |r| 1.0 / (r as f64 * n as f64)),
            per_second: deadline.seconds.map_or(0.0, |s| 1.0 / s),
            max_steps: deadline.rounds.map_or(u64::MAX, |r| r as u64 * n as u64),
        })
    }

    /// Where it stands.
    pub fn state(&self) -> SaoState {
        self.state
    }

    /// Number of parties.
    pub fn parties(&self) -> usize {
        self.n
    }

    /// The deadline.
    pub fn deadline(&self) -> Deadline {
        self.deadline
    }

    /// Whose turn it is, while running.
    pub fn turn(&self) -> Option<usize> {
        match self.state {
            SaoState::Running { turn } => Some(turn),
            _ => None,
        }
    }

    /// The offer on the table and who made it.
    pub fn table(&self) -> Option<(Offer, usize)> {
        self.table
    }

    /// Actions taken so far.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// The current round (0-based): every party acts once per round.
    pub fn round(&self) -> u32 {
        (self.steps / self.n as u64) as u32
    }

    /// Normalised time at `now`, counting each action as a fraction of a round.
    #[inline]
    pub fn relative_time(&self, now: f64) -> f64 {
        // Same as `Deadline::relative_time`, with the divisions done once in `new`.
        (self.steps as f64 * self.per_step)
            .max(now * self.per_second)
            .min(1.0)
    }

    /// Ends the negotiation if the time limit has passed (for a caller polling the clock).
    pub fn tick(&mut self, now: f64) -> Option<SaoEvent> {
        if matches!(self.state, SaoState::Running { .. }) && self.deadline.time_is_up(now) {
            self.state = SaoState::Failed(Failure::Deadline);
            return Some(SaoEvent::Failed(Failure::Deadline));
        }
        None
    }

    /// Applies `party`'s action at time `now` (seconds since the start).
    pub fn act(
        &mut self,
        party: usize,
        action: SaoAction,
        now: f64,
    ) -> Result<SaoEvent, ProtocolError> {
        if party >= self.n {
            return Err(ProtocolError::NoSuchParty(party));
        }
        let SaoState::Running { turn } = self.state else {
            return Err(ProtocolError::Ended);
        };
        if let Some(e) = self.tick(now) {
            return Ok(e);
        }
        if party != turn {
            return Err(ProtocolError::NotYourTurn {
                expected: turn,
                got: party,
            });
        }
        let event = match action {
            SaoAction::Offer(offer) => {
                self.table = Some((offer, party));
                self.acceptances = 0;
                SaoEvent::Offered { party, offer }
            }
            SaoAction::Accept => {
                let Some((offer, proposer)) = self.table else {
                    return Err(ProtocolError::NothingToAccept);
                };
                self.acceptances += 1;
                if self.acceptances == self.n - 1 {
                    self.steps += 1;
                    self.state = SaoState::Agreed { offer };
                    return Ok(SaoEvent::Agreement { offer, proposer });
                }
                SaoEvent::Accepted { party }
            }
            SaoAction::End => {
                self.steps += 1;
                self.state = SaoState::Failed(Failure::EndedBy(party));
                return Ok(SaoEvent::Failed(Failure::EndedBy(party)));
            }
        };
        self.steps += 1;
        self.turn = if turn + 1 == self.n { 0 } else { turn + 1 };
        if self.steps >= self.max_steps {
            self.state = SaoState::Failed(Failure::Deadline);
            return Ok(SaoEvent::Failed(Failure::Deadline));
        }
        self.state = SaoState::Running { turn: self.turn };
        Ok(event)
    }
}

#[cfg(test)]
mod tests {
    fn o(n: u64) -> crate::Offer {
        crate::Offer::from(n)
    }
    use super::*;

    #[test]
    fn agreement_needs_every_other_party() {
        let mut s = Sao::new(3, Deadline::rounds(10)).unwrap();
        assert_eq!(
            s.act(0, SaoAction::Accept, 0.0),
            Err(ProtocolError::NothingToAccept)
        );
        assert_eq!(
            s.act(0, SaoAction::Offer(o(7)), 0.0),
            Ok(SaoEvent::Offered {
                party: 0,
                offer: o(7)
            })
        );
        assert_eq!(
            s.act(1, SaoAction::Accept, 0.0),
            Ok(SaoEvent::Accepted { party: 1 })
        );
        // A counter-offer resets the acceptances.
        assert_eq!(
            s.act(2, SaoAction::Offer(o(9)), 0.0),
            Ok(SaoEvent::Offered {
                party: 2,
                offer: o(9)
            })
        );
        assert_eq!(
            s.act(0, SaoAction::Accept, 0.0),
            Ok(SaoEvent::Accepted { party: 0 })
        );
        assert_eq!(s.state(), SaoState::Running { turn: 1 });
        assert_eq!(
            s.act(1, SaoAction::Accept, 0.0),
            Ok(SaoEvent::Agreement {
                offer: o(9),
                proposer: 2
            })
        );
        assert_eq!(s.act(2, SaoAction::Accept, 0.0), Err(ProtocolError::Ended));
    }

    #[test]
    fn turns_are_enforced() {
        let mut s = Sao::new(2, Deadline::rounds(10)).unwrap();
        assert_eq!(
            s.act(1, SaoAction::Offer(o(1)), 0.0),
            Err(ProtocolError::NotYourTurn {
                expected: 0,
                got: 1
            })
        );
        assert_eq!(
            s.act(5, SaoAction::Offer(o(1)), 0.0),
            Err(ProtocolError::NoSuchParty(5))
        );
    }

    #[test]
    fn round_deadline_ends_the_run() {
        let mut s = Sao::new(2, Deadline::rounds(2)).unwrap();
        for step in 0..3 {
            assert!(matches!(
                s.act(step % 2, SaoAction::Offer(o(step as u64)), 0.0),
                Ok(SaoEvent::Offered { .. })
            ));
        }
        // The fourth action completes round 2: deadline.
        assert_eq!(
            s.act(1, SaoAction::Offer(o(3)), 0.0),
            Ok(SaoEvent::Failed(Failure::Deadline))
        );
        assert_eq!(s.state(), SaoState::Failed(Failure::Deadline));
        // But an acceptance on the very last action still agrees.
        let mut s = Sao::new(2, Deadline::rounds(1)).unwrap();
        s.act(0, SaoAction::Offer(o(4)), 0.0).unwrap();
        assert_eq!(
            s.act(1, SaoAction::Accept, 0.0),
            Ok(SaoEvent::Agreement {
                offer: o(4),
                proposer: 0
            })
        );
    }

    #[test]
    fn time_deadline_ends_the_run() {
        let mut s = Sao::new(2, Deadline::seconds(3.0)).unwrap();
        s.act(0, SaoAction::Offer(o(1)), 1.0).unwrap();
        assert!((s.relative_time(1.5) - 0.5).abs() < 1e-12);
        assert_eq!(
            s.act(1, SaoAction::Accept, 3.0),
            Ok(SaoEvent::Failed(Failure::Deadline))
        );
        assert_eq!(s.act(1, SaoAction::Accept, 3.0), Err(ProtocolError::Ended));
    }

    #[test]
    fn ending_fails_the_negotiation() {
        let mut s = Sao::new(2, Deadline::rounds(5)).unwrap();
        s.act(0, SaoAction::Offer(o(1)), 0.0).unwrap();
        assert_eq!(
            s.act(1, SaoAction::End, 0.0),
            Ok(SaoEvent::Failed(Failure::EndedBy(1)))
        );
    }
}
