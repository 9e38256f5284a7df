//! Running a negotiation: a protocol state machine driven by strategies, every step reported to
//! a trace sink, ending in a summary. Deterministic from the seed; time comes from a clock the
//! caller passes (a fixed 0 in simulations with round deadlines, the wall clock for people).

use crate::boa::Negotiator;
use crate::index::UtilityIndex;
use crate::one_text::{Critic, DraftView, Move, OneTextMediator, OneTextView};
use crate::text::{Mediator, MediatorView, VoteView, Voter};
use accord_model::Rng;
use accord_protocol::{
    discounted, sao::Failure, Answer, Ballot, Binding, Deadline, Feedback, Offer, OneText,
    OneTextEvent, ProtocolError, Sao, SaoAction, SaoEvent, SingleText, TextEvent, VoteMode,
};
use std::sync::Arc;

/// A negotiating seat as the runner sees it: its utilities (for the trace and summary; the
/// strategies hold their own copy) and its reservation value and discount.
#[derive(Clone)]
pub struct Seat {
    /// Name.
    pub name: String,
    /// Its utility index.
    pub index: Arc<UtilityIndex>,
    /// Reservation value (0 when none).
    pub reservation: f64,
    /// Discount factor, if any.
    pub discount: Option<f64>,
}

/// One step of a negotiation.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// A party made an offer.
    Offer {
        /// Who.
        party: usize,
        /// The outcome.
        offer: Offer,
    },
    /// A party accepted the offer on the table.
    Accept {
        /// Who.
        party: usize,
    },
    /// A party walked away.
    End {
        /// Who.
        party: usize,
    },
    /// The mediator circulated a draft.
    Draft {
        /// Version (from 1).
        version: u32,
        /// The text.
        text: Offer,
    },
    /// A party voted on the open draft.
    Vote {
        /// Who.
        party: usize,
        /// The ballot.
        ballot: Ballot,
        /// A proposed amendment (issue, value).
        amendment: Option<(usize, u32)>,
    },
    /// A party answered a non-final draft of the one-text procedure.
    Answer {
        /// Who.
        party: usize,
        /// The straw poll, the comparison and the critique.
        answer: Answer,
    },
    /// Every answer to a non-final draft was in.
    Polled {
        /// The draft's version.
        version: u32,
        /// How many parties would accept it rather than no agreement.
        acceptable: usize,
    },
    /// The mediator put the final text to the vote (the one-text procedure; the votes follow
    /// as [`Step::Vote`], then [`Step::Resolved`]).
    Final {
        /// Version (from 1).
        version: u32,
        /// The text.
        text: Offer,
    },
    /// All ballots were in.
    Resolved {
        /// The draft's version.
        version: u32,
        /// Whether it is now the accepted text.
        accepted: bool,
    },
}

/// A step with when it happened, and every party's utility of the outcome it concerns.
#[derive(Debug, Clone, PartialEq)]
pub struct TraceEvent {
    /// Normalised time.
    pub t: f64,
    /// Round (0-based).
    pub round: u32,
    /// The step.
    pub step: Step,
    /// For offers and drafts: each party's (undiscounted) utility of the outcome.
    pub utilities: Option<Vec<f64>>,
}

/// Receives the trace as it happens.
pub trait Sink {
    /// One event.
    fn event(&mut self, e: TraceEvent);

    /// Whether events are wanted at all (when not, the runner does not build them).
    fn enabled(&self) -> bool {
        true
    }
}

/// Discards the trace (benchmarks, tournaments).
pub struct NoTrace;

impl Sink for NoTrace {
    fn event(&mut self, _: TraceEvent) {}

    fn enabled(&self) -> bool {
        false
    }
}

impl Sink for Vec<TraceEvent> {
    fn event(&mut self, e: TraceEvent) {
        self.push(e);
    }
}

/// How a negotiation ended.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// The agreement, if any.
    pub agreement: Option<Offer>,
    /// Each party's utility of the agreement (its reservation value without one).
    pub utilities: Vec<f64>,
    /// The same, discounted at the time of agreement.
    pub discounted: Vec<f64>,
    /// Rounds used.
    pub rounds: u32,
    /// Normalised time at the end.
    pub t: f64,
    /// Why it ended without agreement, if it did.
    pub failure: Option<Failure>,
}

fn utilities_of(seats: &[Seat], offer: Offer) -> Vec<f64> {
    seats.iter().map(|s| s.index.utility(offer)).collect()
}

fn summary(
    seats: &[Seat],
    agreement: Option<Offer>,
    rounds: u32,
    t: f64,
    failure: Option<Failure>,
) -> Summary {
    let utilities: Vec<f64> = match agreement {
        Some(o) => utilities_of(seats, o),
        None => seats.iter().map(|s| s.reservation).collect(),
    };
    let discounted = utilities
        .iter()
        .zip(seats)
        .map(|(u, s)| discounted(*u, s.discount, t))
        .collect();
    Summary {
        agreement,
        utilities,
        discounted,
        rounds,
        t,
        failure,
    }
}

/// Runs stacked alternating offers among `agents` (one per seat, same order).
pub fn run_sao(
    seats: &[Seat],
    agents: &mut [Box<dyn Negotiator>],
    deadline: Deadline,
    rng: &mut Rng,
    clock: &mut dyn FnMut() -> f64,
    sink: &mut dyn Sink,
) -> Result<Summary, ProtocolError> {
    let mut sao = Sao::new(agents.len(), deadline)?;
    let tracing = sink.enabled();
    loop {
        let now = clock();
        let Some(party) = sao.turn() else { break };
        let t = sao.relative_time(now);
        let action = match sao.table() {
            _ if agents[party].walks_away() => SaoAction::End,
            Some((offer, proposer)) if proposer != party => {
                if agents[party].respond(offer, t, rng) {
                    SaoAction::Accept
                } else {
                    SaoAction::Offer(agents[party].propose(t, rng))
                }
            }
            _ => SaoAction::Offer(agents[party].propose(t, rng)),
        };
        let event = sao.act(party, action, now)?;
        if tracing {
            let round = sao.steps().saturating_sub(1) as u32 / sao.parties() as u32;
            let step = match action {
                SaoAction::Offer(offer) => Step::Offer { party, offer },
                SaoAction::Accept => Step::Accept { party },
                SaoAction::End => Step::End { party },
            };
            let utilities = match action {
                SaoAction::Offer(offer) => Some(utilities_of(seats, offer)),
                _ => None,
            };
            sink.event(TraceEvent {
                t,
                round,
                step,
                utilities,
            });
        }
        if let SaoAction::Offer(offer) = action {
            for (i, a) in agents.iter_mut().enumerate() {
                if i != party {
                    a.observe(offer, t);
                }
            }
        }
        let rounds_used = sao.steps().div_ceil(sao.parties() as u64) as u32;
        match event {
            SaoEvent::Agreement { offer, .. } => {
                return Ok(summary(seats, Some(offer), rounds_used, t, None));
            }
            SaoEvent::Failed(f) => {
                return Ok(summary(
                    seats,
                    None,
                    rounds_used,
                    sao.relative_time(now),
                    Some(f),
                ));
            }
            _ => {}
        }
    }
    Ok(summary(
        seats,
        None,
        sao.round(),
        1.0,
        Some(Failure::Deadline),
    ))
}

/// Runs a mediated single-text negotiation: `mediator` drafts, `voters` (one per seat) vote;
/// GENIUS's game, where the last accepted draft stands ([`Binding::Standing`]).
#[allow(clippy::too_many_arguments)] // the seats, their strategies, the rules, and the run's inputs
pub fn run_single_text(
    seats: &[Seat],
    voters: &mut [Box<dyn Voter>],
    mediator: &mut dyn Mediator,
    deadline: Deadline,
    mode: VoteMode,
    rng: &mut Rng,
    clock: &mut dyn FnMut() -> f64,
    sink: &mut dyn Sink,
) -> Result<Summary, ProtocolError> {
    run_single_text_bound(
        seats,
        voters,
        mediator,
        deadline,
        mode,
        Binding::Standing,
        rng,
        clock,
        sink,
    )
}

/// [`run_single_text`] under a chosen binding rule ([`Binding::FirstAcceptance`]: the live
/// process's, the first draft every party accepts ends the run).
#[allow(clippy::too_many_arguments)] // the seats, their strategies, the rules, and the run's inputs
pub fn run_single_text_bound(
    seats: &[Seat],
    voters: &mut [Box<dyn Voter>],
    mediator: &mut dyn Mediator,
    deadline: Deadline,
    mode: VoteMode,
    binding: Binding,
    rng: &mut Rng,
    clock: &mut dyn FnMut() -> f64,
    sink: &mut dyn Sink,
) -> Result<Summary, ProtocolError> {
    let mut st = SingleText::new(voters.len(), deadline, mode)?.with_binding(binding);
    let radices = seats
        .first()
        .map(|s| s.index.radices().to_vec())
        .unwrap_or_default();
    let mut previous: Option<Offer> = None;
    while !st.is_over() {
        let now = clock();
        let t = st.relative_time(now);
        let round = st.rounds();
        let amendments = st.take_amendments();
        let view = MediatorView {
            radices: &radices,
            accepted: st.accepted().map(|d| d.text),
            amendments: &amendments,
            t,
            round,
        };
        let text = mediator.propose(&view, rng);
        let accepted_before = st.accepted().map(|d| d.text);
        match st.propose(text, now)? {
            TextEvent::Proposed { version, text } => sink.event(TraceEvent {
                t,
                round,
                step: Step::Draft { version, text },
                utilities: Some(utilities_of(seats, text)),
            }),
            _ => break,
        }
        let mut ballots = Vec::with_capacity(voters.len());
        for (party, voter) in voters.iter_mut().enumerate() {
            let view = VoteView {
                draft: text,
                accepted: accepted_before,
                previous,
                mode,
                t,
            };
            let (ballot, amendment) = voter.vote(&view, rng);
            ballots.push(ballot);
            let event = st.vote(party, ballot, amendment, clock())?;
            sink.event(TraceEvent {
                t,
                round,
                step: Step::Vote {
                    party,
                    ballot,
                    amendment,
                },
                utilities: None,
            });
            if let TextEvent::Resolved { version, accepted } = event {
                sink.event(TraceEvent {
                    t,
                    round,
                    step: Step::Resolved { version, accepted },
                    utilities: None,
                });
                mediator.observe(text, &ballots, accepted);
            }
            if st.is_over()
                && !matches!(event, TextEvent::Resolved { .. } | TextEvent::Voted { .. })
            {
                break;
            }
        }
        previous = Some(text);
    }
    let t = st.relative_time(clock());
    Ok(match st.result() {
        Some(TextEvent::Agreement { text, .. }) => summary(seats, Some(text), st.rounds(), t, None),
        Some(TextEvent::Failed(f)) => summary(seats, None, st.rounds(), t, Some(f)),
        _ => summary(seats, None, st.rounds(), t, Some(Failure::Deadline)),
    })
}

/// Runs a negotiation under the one-text rules ([`OneText`]): `mediator` drafts and calls the
/// final vote, `critics` (one per seat) answer; the final text is the agreement if every party
/// accepts it. `numeric[i]` says issue i's values are ordered numbers (public, as the issues are).
#[allow(clippy::too_many_arguments)] // the seats, their strategies, the rules, and the run's inputs
pub fn run_one_text(
    seats: &[Seat],
    critics: &mut [Box<dyn Critic>],
    mediator: &mut dyn OneTextMediator,
    deadline: Deadline,
    feedback: Feedback,
    numeric: &[bool],
    rng: &mut Rng,
    clock: &mut dyn FnMut() -> f64,
    sink: &mut dyn Sink,
) -> Result<Summary, ProtocolError> {
    let mut ot = OneText::new(critics.len(), deadline, feedback)?;
    let radices = seats
        .first()
        .map(|s| s.index.radices().to_vec())
        .unwrap_or_default();
    let mut previous: Option<Offer> = None;
    let mut answers = Vec::with_capacity(critics.len());
    while !ot.is_over() {
        let now = clock();
        let t = ot.relative_time(now);
        let round = ot.rounds();
        let view = OneTextView {
            radices: &radices,
            numeric,
            feedback,
            round,
            last_round: ot.last_round(),
            t,
        };
        let (text, asked_final) = match mediator.propose(&view, rng) {
            Move::Draft(o) => (o, false),
            Move::Final(o) => (o, true),
        };
        let (version, final_vote) = match ot.propose(text, asked_final, now)? {
            OneTextEvent::Circulated {
                version,
                final_vote,
                ..
            } => (version, final_vote),
            _ => break,
        };
        sink.event(TraceEvent {
            t,
            round,
            step: if final_vote {
                Step::Final { version, text }
            } else {
                Step::Draft { version, text }
            },
            utilities: Some(utilities_of(seats, text)),
        });
        answers.clear();
        for (party, critic) in critics.iter_mut().enumerate() {
            let view = DraftView {
                draft: text,
                previous: previous.filter(|_| !final_vote),
                feedback,
                final_vote,
                t,
            };
            let answer = critic.answer(&view, rng);
            answers.push(answer);
            let event = ot.answer(party, answer, clock())?;
            sink.event(TraceEvent {
                t,
                round,
                step: if final_vote {
                    Step::Vote {
                        party,
                        ballot: if answer.acceptable {
                            Ballot::Accept
                        } else {
                            Ballot::Reject
                        },
                        amendment: None,
                    }
                } else {
                    Step::Answer { party, answer }
                },
                utilities: None,
            });
            match event {
                OneTextEvent::Polled {
                    version,
                    acceptable,
                } => {
                    sink.event(TraceEvent {
                        t,
                        round,
                        step: Step::Polled {
                            version,
                            acceptable,
                        },
                        utilities: None,
                    });
                    mediator.observe(text, &answers);
                }
                OneTextEvent::Agreement { .. } | OneTextEvent::Failed(Failure::FinalRejected) => {
                    sink.event(TraceEvent {
                        t,
                        round,
                        step: Step::Resolved {
                            version,
                            accepted: matches!(event, OneTextEvent::Agreement { .. }),
                        },
                        utilities: None,
                    });
                }
                _ => {}
            }
            if ot.is_over() {
                break;
            }
        }
        previous = Some(text);
    }
    let t = ot.relative_time(clock());
    Ok(match ot.result() {
        Some(OneTextEvent::Agreement { text, .. }) => {
            summary(seats, Some(text), ot.rounds(), t, None)
        }
        Some(OneTextEvent::Failed(f)) => summary(seats, None, ot.rounds(), t, Some(f)),
        _ => summary(seats, None, ot.rounds(), t, Some(Failure::Deadline)),
    })
}
