//! The mediated single negotiating text (GENIUS's MSTNP and its feedback variant).
//!
//! A mediator holds the text. Each round it circulates a draft; every party answers with a
//! ballot, and may attach an amendment (another value for one clause) for the mediator to take
//! into a later draft or not. When all ballots are in, the round resolves:
//!
//! - [`VoteMode::AcceptReject`]: the draft is accepted when every party accepts it;
//! - [`VoteMode::Feedback`]: parties say whether the draft is better, worse or the same as the
//!   previous one (the first as against no agreement); it is accepted when nobody says worse.
//!
//! The agreement is the last accepted draft, when the mediator closes the negotiation or the
//! deadline passes. Every draft is kept as a numbered version.

use crate::live::{LiveEvent, LiveText, NegotiationStatus, Refusal, Verdict};
use crate::{sao::Failure, Deadline, Offer, ProtocolError};

/// What an accepted draft does to the negotiation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Binding {
    /// GENIUS's game: an accepted draft becomes the standing text, later drafts may improve on
    /// it, and the last accepted draft is the agreement when the run ends.
    #[default]
    Standing,
    /// The live process's rule (`accord serve`): the first draft every party accepts is the
    /// agreement and ends the negotiation.
    FirstAcceptance,
}

/// How parties vote on a draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VoteMode {
    /// Accept or reject; a draft needs every acceptance.
    AcceptReject,
    /// Better, worse or same than the previous draft; a draft needs no "worse".
    Feedback,
}

/// A party's answer to a draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ballot {
    /// Accepts the draft.
    Accept,
    /// Rejects it.
    Reject,
    /// Prefers it to the previous draft.
    Better,
    /// Prefers the previous draft.
    Worse,
    /// Indifferent.
    Same,
}

/// A proposed change to one clause: issue `issue` should take value `value`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Amendment {
    /// The party proposing it.
    pub party: usize,
    /// Issue index.
    pub issue: usize,
    /// Value index within the issue.
    pub value: u32,
}

/// A circulated draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    /// Version number, from 1.
    pub version: u32,
    /// The text (outcome index).
    pub text: Offer,
    /// The ballots, by party (complete once the round resolved).
    pub ballots: Vec<Option<Ballot>>,
    /// Whether it was accepted.
    pub accepted: bool,
}

/// What an action led to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextEvent {
    /// A draft is circulated.
    Proposed {
        /// Its version.
        version: u32,
        /// Its text.
        text: Offer,
    },
    /// A ballot was recorded; others are awaited.
    Voted {
        /// Who voted.
        party: usize,
    },
    /// All ballots are in.
    Resolved {
        /// The draft's version.
        version: u32,
        /// Whether it is now the accepted text.
        accepted: bool,
    },
    /// The negotiation ended with this agreement (the last accepted draft).
    Agreement {
        /// The text.
        text: Offer,
        /// Its version.
        version: u32,
    },
    /// The negotiation ended with no draft accepted.
    Failed(Failure),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    AwaitDraft,
    AwaitBallots,
    Over,
}

/// A single-negotiating-text negotiation.
#[derive(Debug, Clone)]
pub struct SingleText {
    n: usize,
    deadline: Deadline,
    mode: VoteMode,
    phase: Phase,
    drafts: Vec<Draft>,
    accepted: Option<usize>,
    amendments: Vec<Amendment>,
    outcome: Option<TextEvent>,
    binding: Binding,
    /// Accept/reject rounds are answered and settled by the live process's machine (one set of
    /// rules for a draft's answers, whether people or agents give them).
    live: LiveText,
}

impl SingleText {
    /// A negotiation among `n` voting parties (the mediator is not counted).
    pub fn new(n: usize, deadline: Deadline, mode: VoteMode) -> Result<Self, ProtocolError> {
        if n < 2 {
            return Err(ProtocolError::TooFewParties(n));
        }
        deadline.check()?;
        Ok(SingleText {
            n,
            deadline,
            mode,
            phase: Phase::AwaitDraft,
            drafts: Vec::new(),
            accepted: None,
            amendments: Vec::new(),
            outcome: None,
            binding: Binding::Standing,
            live: LiveText {
                status: NegotiationStatus::Open,
                parties: (0..n).map(|p| p.to_string()).collect(),
                current: None,
                rules: crate::live::TextRules::default(),
            },
        })
    }

    /// The same negotiation under another binding rule.
    pub fn with_binding(mut self, binding: Binding) -> Self {
        self.binding = binding;
        self
    }

    /// The binding rule.
    pub fn binding(&self) -> Binding {
        self.binding
    }

    /// The vote mode.
    pub fn mode(&self) -> VoteMode {
        self.mode
    }

    /// Number of voting parties.
    pub fn parties(&self) -> usize {
        self.n
    }

    /// Every draft so far, oldest first.
    pub fn drafts(&self) -> &[Draft] {
        &self.drafts
    }

    /// The last accepted draft.
    pub fn accepted(&self) -> Option<&Draft> {
        self.accepted.map(|i| &self.drafts[i])
    }

    /// The draft awaiting ballots, if any.
    pub fn open_draft(&self) -> Option<&Draft> {
        (self.phase == Phase::AwaitBallots)
            .then(|| self.drafts.last())
            .flatten()
    }

    /// Amendments proposed since the mediator last took them.
    pub fn amendments(&self) -> &[Amendment] {
        &self.amendments
    }

    /// Hands the pending amendments to the mediator (they are cleared).
    pub fn take_amendments(&mut self) -> Vec<Amendment> {
        std::mem::take(&mut self.amendments)
    }

    /// Drafts resolved so far (rounds used).
    pub fn rounds(&self) -> u32 {
        self.drafts
            .iter()
            .filter(|d| d.ballots.iter().all(Option::is_some))
            .count() as u32
    }

    /// Normalised time at `now`.
    pub fn relative_time(&self, now: f64) -> f64 {
        self.deadline.relative_time(self.rounds() as f64, now)
    }

    /// How it ended, once over.
    pub fn result(&self) -> Option<TextEvent> {
        self.outcome
    }

    /// Whether the negotiation is over.
    pub fn is_over(&self) -> bool {
        self.phase == Phase::Over
    }

    fn close(&mut self, failure: Failure) -> TextEvent {
        self.phase = Phase::Over;
        let e = match self.accepted {
            Some(i) => TextEvent::Agreement {
                text: self.drafts[i].text,
                version: self.drafts[i].version,
            },
            None => TextEvent::Failed(failure),
        };
        self.outcome = Some(e);
        e
    }

    /// Ends the negotiation if the time limit has passed.
    pub fn tick(&mut self, now: f64) -> Option<TextEvent> {
        if self.phase != Phase::Over && self.deadline.time_is_up(now) {
            return Some(self.close(Failure::Deadline));
        }
        None
    }

    /// The mediator closes the negotiation: the last accepted draft is the agreement.
    pub fn finish(&mut self, now: f64) -> Result<TextEvent, ProtocolError> {
        if self.phase == Phase::Over {
            return Err(ProtocolError::Ended);
        }
        if let Some(e) = self.tick(now) {
            return Ok(e);
        }
        Ok(self.close(Failure::EndedBy(usize::MAX)))
    }

    /// The mediator circulates a draft.
    pub fn propose(&mut self, text: Offer, now: f64) -> Result<TextEvent, ProtocolError> {
        match self.phase {
            Phase::Over => return Err(ProtocolError::Ended),
            Phase::AwaitBallots => {
                return Err(ProtocolError::WrongPhase(
                    "the current draft still awaits ballots",
                ))
            }
            Phase::AwaitDraft => {}
        }
        if let Some(e) = self.tick(now) {
            return Ok(e);
        }
        let version = self.drafts.len() as u32 + 1;
        if self.mode == VoteMode::AcceptReject {
            // The simulation's deadline is the run's (`tick`), not the draft's.
            let base = self.live.current_version();
            self.live
                .circulate(base, i64::MAX, millis(now))
                .map_err(refused)?;
        }
        self.drafts.push(Draft {
            version,
            text,
            ballots: vec![None; self.n],
            accepted: false,
        });
        self.phase = Phase::AwaitBallots;
        Ok(TextEvent::Proposed { version, text })
    }

    /// A party answers the open draft, possibly proposing an amendment to one clause.
    pub fn vote(
        &mut self,
        party: usize,
        ballot: Ballot,
        amendment: Option<(usize, u32)>,
        now: f64,
    ) -> Result<TextEvent, ProtocolError> {
        if party >= self.n {
            return Err(ProtocolError::NoSuchParty(party));
        }
        match self.phase {
            Phase::Over => return Err(ProtocolError::Ended),
            Phase::AwaitDraft => {
                return Err(ProtocolError::WrongPhase("no draft is open for votes"))
            }
            Phase::AwaitBallots => {}
        }
        if let Some(e) = self.tick(now) {
            return Ok(e);
        }
        let fits = match self.mode {
            VoteMode::AcceptReject => matches!(ballot, Ballot::Accept | Ballot::Reject),
            VoteMode::Feedback => matches!(ballot, Ballot::Better | Ballot::Worse | Ballot::Same),
        };
        if !fits {
            return Err(ProtocolError::WrongBallot(match self.mode {
                VoteMode::AcceptReject => "accept / reject",
                VoteMode::Feedback => "better / worse / same",
            }));
        }
        let draft = self
            .drafts
            .last_mut()
            .ok_or(ProtocolError::WrongPhase("no draft"))?;
        if draft.ballots[party].is_some() {
            return Err(ProtocolError::AlreadyVoted(party));
        }
        let settled = match self.mode {
            VoteMode::AcceptReject => {
                let verdict = if ballot == Ballot::Accept {
                    Verdict::Accept
                } else {
                    Verdict::Reject
                };
                let events = self
                    .live
                    .respond(
                        i64::from(draft.version),
                        &party.to_string(),
                        verdict,
                        millis(now),
                    )
                    .map_err(refused)?;
                events.iter().find_map(|e| match e {
                    LiveEvent::Agreement { .. } => Some(true),
                    LiveEvent::Rejected { .. } => Some(false),
                    _ => None,
                })
            }
            VoteMode::Feedback => None,
        };
        draft.ballots[party] = Some(ballot);
        if let Some((issue, value)) = amendment {
            self.amendments.push(Amendment {
                party,
                issue,
                value,
            });
        }
        if draft.ballots.iter().any(Option::is_none) {
            return Ok(TextEvent::Voted { party });
        }
        let accepted = match self.mode {
            VoteMode::AcceptReject => settled == Some(true),
            VoteMode::Feedback => draft.ballots.iter().all(|b| *b != Some(Ballot::Worse)),
        };
        if self.binding == Binding::Standing {
            // The standing text's game goes on after an acceptance.
            self.live.status = NegotiationStatus::Open;
        }
        draft.accepted = accepted;
        let version = draft.version;
        if accepted {
            self.accepted = Some(self.drafts.len() - 1);
        }
        self.phase = Phase::AwaitDraft;
        if accepted && self.binding == Binding::FirstAcceptance {
            self.close(Failure::Deadline);
            return Ok(TextEvent::Resolved { version, accepted });
        }
        if self.deadline.rounds.is_some_and(|r| self.rounds() >= r) {
            self.close(Failure::Deadline);
        }
        Ok(TextEvent::Resolved { version, accepted })
    }
}

/// Simulation seconds as the live machine's milliseconds.
fn millis(now: f64) -> i64 {
    (now * 1000.0) as i64
}

/// A refusal of the live machine as the protocol's error (the simulation's own checks come
/// first, so only these can remain).
fn refused(r: Refusal) -> ProtocolError {
    match r {
        Refusal::AlreadyAnswered { seat, .. } => {
            ProtocolError::AlreadyVoted(seat.parse().unwrap_or(usize::MAX))
        }
        Refusal::NotOpen(_) => ProtocolError::Ended,
        _ => ProtocolError::WrongPhase("the draft is not open for votes"),
    }
}

#[cfg(test)]
mod tests {
    fn o(n: u64) -> crate::Offer {
        crate::Offer::from(n)
    }
    use super::*;

    #[test]
    fn first_acceptance_binds_and_ends_the_run() {
        let mut st = SingleText::new(2, Deadline::rounds(5), VoteMode::AcceptReject)
            .unwrap()
            .with_binding(Binding::FirstAcceptance);
        st.propose(o(10), 0.0).unwrap();
        st.vote(0, Ballot::Accept, None, 0.0).unwrap();
        st.vote(1, Ballot::Reject, None, 0.0).unwrap();
        assert!(!st.is_over());
        st.propose(o(11), 1.0).unwrap();
        st.vote(0, Ballot::Accept, None, 1.0).unwrap();
        assert_eq!(
            st.vote(0, Ballot::Accept, None, 1.0),
            Err(ProtocolError::AlreadyVoted(0))
        );
        st.vote(1, Ballot::Accept, None, 1.0).unwrap();
        assert!(st.is_over(), "the first unanimous draft ends it");
        assert_eq!(
            st.result(),
            Some(TextEvent::Agreement {
                text: o(11),
                version: 2
            })
        );
        assert_eq!(st.propose(o(12), 2.0), Err(ProtocolError::Ended));
    }

    #[test]
    fn agreement_is_the_last_draft_all_accepted() {
        let mut st = SingleText::new(2, Deadline::rounds(3), VoteMode::AcceptReject).unwrap();
        assert_eq!(
            st.propose(o(10), 0.0),
            Ok(TextEvent::Proposed {
                version: 1,
                text: o(10)
            })
        );
        assert_eq!(
            st.propose(o(11), 0.0),
            Err(ProtocolError::WrongPhase(
                "the current draft still awaits ballots"
            ))
        );
        st.vote(0, Ballot::Accept, None, 0.0).unwrap();
        assert_eq!(
            st.vote(0, Ballot::Accept, None, 0.0),
            Err(ProtocolError::AlreadyVoted(0))
        );
        assert_eq!(
            st.vote(1, Ballot::Accept, None, 0.0),
            Ok(TextEvent::Resolved {
                version: 1,
                accepted: true
            })
        );
        st.propose(o(12), 0.0).unwrap();
        st.vote(0, Ballot::Accept, None, 0.0).unwrap();
        // One rejection keeps the previous text, and records an amendment.
        assert_eq!(
            st.vote(1, Ballot::Reject, Some((2, 1)), 0.0),
            Ok(TextEvent::Resolved {
                version: 2,
                accepted: false
            })
        );
        assert_eq!(
            st.take_amendments(),
            vec![Amendment {
                party: 1,
                issue: 2,
                value: 1
            }]
        );
        st.propose(o(13), 0.0).unwrap();
        st.vote(0, Ballot::Reject, None, 0.0).unwrap();
        st.vote(1, Ballot::Accept, None, 0.0).unwrap();
        // Three rounds: over, with draft 1 as the agreement.
        assert!(st.is_over());
        assert_eq!(
            st.result(),
            Some(TextEvent::Agreement {
                text: o(10),
                version: 1
            })
        );
        assert_eq!(st.drafts().len(), 3);
    }

    #[test]
    fn feedback_mode_accepts_drafts_nobody_finds_worse() {
        let mut st = SingleText::new(3, Deadline::rounds(2), VoteMode::Feedback).unwrap();
        st.propose(o(1), 0.0).unwrap();
        assert_eq!(
            st.vote(0, Ballot::Accept, None, 0.0),
            Err(ProtocolError::WrongBallot("better / worse / same"))
        );
        st.vote(0, Ballot::Better, None, 0.0).unwrap();
        st.vote(1, Ballot::Same, None, 0.0).unwrap();
        assert_eq!(
            st.vote(2, Ballot::Better, None, 0.0),
            Ok(TextEvent::Resolved {
                version: 1,
                accepted: true
            })
        );
        st.propose(o(2), 0.0).unwrap();
        st.vote(0, Ballot::Better, None, 0.0).unwrap();
        st.vote(1, Ballot::Worse, None, 0.0).unwrap();
        st.vote(2, Ballot::Better, None, 0.0).unwrap();
        assert_eq!(
            st.result(),
            Some(TextEvent::Agreement {
                text: o(1),
                version: 1
            })
        );
    }

    #[test]
    fn no_accepted_draft_is_a_failure_and_time_ends_it() {
        let mut st = SingleText::new(2, Deadline::seconds(10.0), VoteMode::AcceptReject).unwrap();
        st.propose(o(5), 1.0).unwrap();
        st.vote(0, Ballot::Reject, None, 2.0).unwrap();
        assert_eq!(
            st.vote(1, Ballot::Accept, None, 10.0),
            Ok(TextEvent::Failed(Failure::Deadline))
        );
        assert_eq!(st.propose(o(6), 11.0), Err(ProtocolError::Ended));
    }
}
