//! The one-text procedure (Fisher; Raiffa; Camp David's 23 drafts and one yes/no at the end):
//! nothing is agreed until everything is agreed.
//!
//! A mediator circulates complete drafts. A draft before the final vote binds nobody: each
//! party answers it with a straw poll (would it accept this text rather than no agreement?),
//! by the run's [`Feedback`] a comparison with the previous draft ([`Grade`]), and optionally a
//! critique (the clause it would change, and to what). The mediator calls the final vote when
//! it chooses, at the latest in the last round; the final text binds only if every party
//! accepts it, and the negotiation ends with that vote either way.
//!
//! Today's binding rules ([`crate::SingleText`], GENIUS's game, where an accepted draft stands)
//! are the other [`TextProtocol`].

use crate::{sao::Failure, Deadline, Offer, ProtocolError};

/// The rules a mediated single text runs under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TextProtocol {
    /// GENIUS's game ([`crate::SingleText`]): every draft is voted on, and an accepted draft
    /// binds (it stands until a later accepted draft replaces it).
    #[default]
    Binding,
    /// The one-text procedure ([`OneText`]): drafts do not bind, only the final vote does.
    OneText,
}

crate::named_enum!(TextProtocol as "protocol" { Binding => "binding", OneText => "one-text" });

/// What a party says about each non-final draft besides its straw poll.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Feedback {
    /// The straw poll only (under binding rules: accept / reject ballots).
    #[default]
    Accept,
    /// Better or worse than the previous draft (under binding rules: better / worse / same
    /// ballots).
    Binary,
    /// Much worse, worse, about the same, better or much better than the previous draft, cut
    /// at [`ABOUT_THE_SAME`] and [`MUCH`] of the party's utility (one-text only).
    Graded5,
}

crate::named_enum!(Feedback as "feedback" { Accept => "accept", Binary => "binary", Graded5 => "graded5" });

/// Below this change of utility (in absolute value), a graded answer is "about the same".
pub const ABOUT_THE_SAME: f64 = 0.02;
/// From this change of utility on (in absolute value), a graded answer is "much" better or
/// worse.
pub const MUCH: f64 = 0.1;

/// A party's comparison of a draft with the previous one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Grade {
    /// Utility down by at least [`MUCH`] (graded5 only).
    MuchWorse,
    /// Down (binary: any loss; graded5: by at least [`ABOUT_THE_SAME`], less than [`MUCH`]).
    Worse,
    /// Within [`ABOUT_THE_SAME`] either way (graded5 only).
    AboutTheSame,
    /// Up (binary: no loss; graded5: by at least [`ABOUT_THE_SAME`], less than [`MUCH`]).
    Better,
    /// Utility up by at least [`MUCH`] (graded5 only).
    MuchBetter,
}

impl Grade {
    /// Every grade, worst first.
    pub const ALL: [Grade; 5] = [
        Grade::MuchWorse,
        Grade::Worse,
        Grade::AboutTheSame,
        Grade::Better,
        Grade::MuchBetter,
    ];

    /// The truthful answer of a party whose utility changed by `delta` from the previous draft
    /// to this one (none when the feedback has no comparison). Binary: `Better` when nothing is
    /// lost (delta >= 0), else `Worse`. Graded5: `AboutTheSame` for |delta| < 0.02, `Better` /
    /// `Worse` up to |delta| < 0.1, `MuchBetter` / `MuchWorse` beyond.
    pub fn of(feedback: Feedback, delta: f64) -> Option<Grade> {
        match feedback {
            Feedback::Accept => None,
            Feedback::Binary => Some(if delta >= 0.0 {
                Grade::Better
            } else {
                Grade::Worse
            }),
            Feedback::Graded5 => Some(if delta >= MUCH {
                Grade::MuchBetter
            } else if delta >= ABOUT_THE_SAME {
                Grade::Better
            } else if delta > -ABOUT_THE_SAME {
                Grade::AboutTheSame
            } else if delta > -MUCH {
                Grade::Worse
            } else {
                Grade::MuchWorse
            }),
        }
    }

    /// Whether the grade is one `feedback` answers with.
    pub fn fits(self, feedback: Feedback) -> bool {
        match feedback {
            Feedback::Accept => false,
            Feedback::Binary => matches!(self, Grade::Better | Grade::Worse),
            Feedback::Graded5 => true,
        }
    }

    /// The utility changes the grade says under `feedback`: `delta` lies in [lo, hi] (the
    /// bounds as [`Grade::of`] draws them, infinite where open).
    pub fn bounds(self, feedback: Feedback) -> (f64, f64) {
        let inf = f64::INFINITY;
        match (feedback, self) {
            (Feedback::Graded5, Grade::MuchWorse) => (-inf, -MUCH),
            (Feedback::Graded5, Grade::Worse) => (-MUCH, -ABOUT_THE_SAME),
            (Feedback::Graded5, Grade::AboutTheSame) => (-ABOUT_THE_SAME, ABOUT_THE_SAME),
            (Feedback::Graded5, Grade::Better) => (ABOUT_THE_SAME, MUCH),
            (Feedback::Graded5, Grade::MuchBetter) => (MUCH, inf),
            (_, Grade::MuchWorse | Grade::Worse) => (-inf, 0.0),
            (_, Grade::AboutTheSame) => (-inf, inf),
            (_, Grade::Better | Grade::MuchBetter) => (0.0, inf),
        }
    }

    /// Its name in traces.
    pub fn as_str(self) -> &'static str {
        match self {
            Grade::MuchWorse => "much worse",
            Grade::Worse => "worse",
            Grade::AboutTheSame => "about the same",
            Grade::Better => "better",
            Grade::MuchBetter => "much better",
        }
    }
}

/// A party's answer to a draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Answer {
    /// The straw poll (non-final drafts) or the vote (the final text): would it accept this
    /// text rather than no agreement.
    pub acceptable: bool,
    /// The comparison with the previous draft (non-final drafts after the first, when the
    /// feedback has one).
    pub grade: Option<Grade>,
    /// A critique: the clause to change (issue index) and to what (value index).
    pub critique: Option<(usize, u32)>,
}

/// A circulated draft and its answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OneTextDraft {
    /// Version number, from 1.
    pub version: u32,
    /// The text (outcome index).
    pub text: Offer,
    /// Whether it is the final text, put to the binding vote.
    pub final_vote: bool,
    /// The answers, by party (complete once the round resolved).
    pub answers: Vec<Option<Answer>>,
}

/// What an action led to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OneTextEvent {
    /// A draft is circulated (for comment, or as the final text).
    Circulated {
        /// Its version.
        version: u32,
        /// Its text.
        text: Offer,
        /// Whether this is the final vote.
        final_vote: bool,
    },
    /// An answer was recorded; others are awaited.
    Answered {
        /// Who answered.
        party: usize,
    },
    /// Every answer to a non-final draft is in.
    Polled {
        /// The draft's version.
        version: u32,
        /// How many parties would accept it rather than no agreement.
        acceptable: usize,
    },
    /// Every party accepted the final text: the agreement.
    Agreement {
        /// The text.
        text: Offer,
        /// Its version.
        version: u32,
    },
    /// The negotiation ended with no agreement.
    Failed(Failure),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    AwaitDraft,
    AwaitAnswers,
    Over,
}

/// A negotiation under the one-text rules.
#[derive(Debug, Clone)]
pub struct OneText {
    n: usize,
    deadline: Deadline,
    feedback: Feedback,
    phase: Phase,
    drafts: Vec<OneTextDraft>,
    outcome: Option<OneTextEvent>,
}

impl OneText {
    /// A negotiation among `n` parties (the mediator is not counted).
    pub fn new(n: usize, deadline: Deadline, feedback: Feedback) -> Result<Self, ProtocolError> {
        if n < 2 {
            return Err(ProtocolError::TooFewParties(n));
        }
        deadline.check()?;
        Ok(OneText {
            n,
            deadline,
            feedback,
            phase: Phase::AwaitDraft,
            drafts: Vec::new(),
            outcome: None,
        })
    }

    /// What parties say besides their straw poll.
    pub fn feedback(&self) -> Feedback {
        self.feedback
    }

    /// Number of parties.
    pub fn parties(&self) -> usize {
        self.n
    }

    /// Every draft so far, oldest first.
    pub fn drafts(&self) -> &[OneTextDraft] {
        &self.drafts
    }

    /// Drafts answered by every party so far (rounds used).
    pub fn rounds(&self) -> u32 {
        self.drafts
            .iter()
            .filter(|d| d.answers.iter().all(Option::is_some))
            .count() as u32
    }

    /// Whether the next draft is the last round's, which is the final vote whatever the
    /// mediator asks.
    pub fn last_round(&self) -> bool {
        self.deadline.rounds.is_some_and(|r| self.rounds() + 1 >= r)
    }

    /// Normalised time at `now`.
    pub fn relative_time(&self, now: f64) -> f64 {
        self.deadline.relative_time(self.rounds() as f64, now)
    }

    /// How it ended, once over.
    pub fn result(&self) -> Option<OneTextEvent> {
        self.outcome
    }

    /// Whether the negotiation is over.
    pub fn is_over(&self) -> bool {
        self.phase == Phase::Over
    }

    fn end(&mut self, e: OneTextEvent) -> OneTextEvent {
        self.phase = Phase::Over;
        self.outcome = Some(e);
        e
    }

    /// Ends the negotiation, with no agreement, if the time limit has passed.
    pub fn tick(&mut self, now: f64) -> Option<OneTextEvent> {
        if self.phase != Phase::Over && self.deadline.time_is_up(now) {
            return Some(self.end(OneTextEvent::Failed(Failure::Deadline)));
        }
        None
    }

    /// The mediator circulates a draft, or with `final_vote` puts its final text to the vote.
    /// In the last round the draft is the final text whatever `final_vote` says.
    pub fn propose(
        &mut self,
        text: Offer,
        final_vote: bool,
        now: f64,
    ) -> Result<OneTextEvent, ProtocolError> {
        match self.phase {
            Phase::Over => return Err(ProtocolError::Ended),
            Phase::AwaitAnswers => {
                return Err(ProtocolError::WrongPhase(
                    "the current draft still awaits answers",
                ))
            }
            Phase::AwaitDraft => {}
        }
        if let Some(e) = self.tick(now) {
            return Ok(e);
        }
        let final_vote = final_vote || self.last_round();
        let version = self.drafts.len() as u32 + 1;
        self.drafts.push(OneTextDraft {
            version,
            text,
            final_vote,
            answers: vec![None; self.n],
        });
        self.phase = Phase::AwaitAnswers;
        Ok(OneTextEvent::Circulated {
            version,
            text,
            final_vote,
        })
    }

    /// A party answers the open draft.
    pub fn answer(
        &mut self,
        party: usize,
        answer: Answer,
        now: f64,
    ) -> Result<OneTextEvent, ProtocolError> {
        if party >= self.n {
            return Err(ProtocolError::NoSuchParty(party));
        }
        match self.phase {
            Phase::Over => return Err(ProtocolError::Ended),
            Phase::AwaitDraft => {
                return Err(ProtocolError::WrongPhase("no draft is open for answers"))
            }
            Phase::AwaitAnswers => {}
        }
        if let Some(e) = self.tick(now) {
            return Ok(e);
        }
        let first = self.drafts.len() == 1;
        let feedback = self.feedback;
        let draft = self
            .drafts
            .last_mut()
            .ok_or(ProtocolError::WrongPhase("no draft"))?;
        if draft.answers[party].is_some() {
            return Err(ProtocolError::AlreadyVoted(party));
        }
        if draft.final_vote {
            if answer.grade.is_some() || answer.critique.is_some() {
                return Err(ProtocolError::WrongBallot(
                    "accept / reject on the final text",
                ));
            }
        } else {
            let wants_grade = feedback != Feedback::Accept && !first;
            match answer.grade {
                None if wants_grade => {
                    return Err(ProtocolError::WrongBallot(match feedback {
                        Feedback::Binary => "a straw poll and better / worse",
                        _ => "a straw poll and a grade from much worse to much better",
                    }))
                }
                Some(_) if !wants_grade => {
                    return Err(ProtocolError::WrongBallot(
                        "a straw poll only (no draft before this one to compare with)",
                    ))
                }
                Some(g) if !g.fits(feedback) => {
                    return Err(ProtocolError::WrongBallot(
                        "a straw poll and better / worse",
                    ))
                }
                _ => {}
            }
        }
        draft.answers[party] = Some(answer);
        if draft.answers.iter().any(Option::is_none) {
            return Ok(OneTextEvent::Answered { party });
        }
        let (version, text) = (draft.version, draft.text);
        let acceptable = draft
            .answers
            .iter()
            .flatten()
            .filter(|a| a.acceptable)
            .count();
        self.phase = Phase::AwaitDraft;
        if draft.final_vote {
            return Ok(self.end(if acceptable == self.n {
                OneTextEvent::Agreement { text, version }
            } else {
                OneTextEvent::Failed(Failure::FinalRejected)
            }));
        }
        Ok(OneTextEvent::Polled {
            version,
            acceptable,
        })
    }
}

#[cfg(test)]
mod tests {
    fn o(n: u64) -> crate::Offer {
        crate::Offer::from(n)
    }
    use super::*;

    fn straw(acceptable: bool, grade: Option<Grade>) -> Answer {
        Answer {
            acceptable,
            grade,
            critique: None,
        }
    }

    #[test]
    fn grades_cut_at_the_stated_thresholds() {
        use Grade::*;
        let g = |d| Grade::of(Feedback::Graded5, d).unwrap();
        assert_eq!(g(0.0), AboutTheSame);
        assert_eq!(g(0.019), AboutTheSame);
        assert_eq!(g(-0.019), AboutTheSame);
        assert_eq!(g(0.02), Better);
        assert_eq!(g(-0.02), Worse);
        assert_eq!(g(0.099), Better);
        assert_eq!(g(0.1), MuchBetter);
        assert_eq!(g(-0.1), MuchWorse);
        assert_eq!(g(-0.5), MuchWorse);
        assert_eq!(Grade::of(Feedback::Binary, 0.0), Some(Better));
        assert_eq!(Grade::of(Feedback::Binary, -1e-9), Some(Worse));
        assert_eq!(Grade::of(Feedback::Accept, 0.3), None);
        // Every answer's bounds hold the changes that give it.
        for d in [
            -0.3, -0.1, -0.05, -0.02, -0.01, 0.0, 0.01, 0.02, 0.05, 0.1, 0.3,
        ] {
            for f in [Feedback::Binary, Feedback::Graded5] {
                let grade = Grade::of(f, d).unwrap();
                let (lo, hi) = grade.bounds(f);
                assert!(lo <= d && d <= hi, "{f} {d}: {grade:?} {lo}..{hi}");
                assert!(grade.fits(f));
            }
        }
        assert!(!MuchBetter.fits(Feedback::Binary));
    }

    #[test]
    fn names_parse_back() {
        for &p in TextProtocol::ALL {
            assert_eq!(p.as_str().parse::<TextProtocol>(), Ok(p));
        }
        for &f in Feedback::ALL {
            assert_eq!(f.to_string().parse::<Feedback>(), Ok(f));
        }
        let e = "onetext".parse::<TextProtocol>().unwrap_err();
        assert_eq!(
            e.to_string(),
            "unknown protocol `onetext`; expected one of: binding, one-text"
        );
    }

    #[test]
    fn drafts_do_not_bind_and_the_final_text_needs_everyone() {
        let mut ot = OneText::new(2, Deadline::rounds(10), Feedback::Binary).unwrap();
        // Round 1: both would accept, yet nothing is agreed.
        assert_eq!(
            ot.propose(o(7), false, 0.0),
            Ok(OneTextEvent::Circulated {
                version: 1,
                text: o(7),
                final_vote: false
            })
        );
        // No comparison on the first draft.
        assert!(matches!(
            ot.answer(0, straw(true, Some(Grade::Better)), 0.0),
            Err(ProtocolError::WrongBallot(_))
        ));
        assert_eq!(
            ot.answer(0, straw(true, None), 0.0),
            Ok(OneTextEvent::Answered { party: 0 })
        );
        assert_eq!(
            ot.answer(0, straw(true, None), 0.0),
            Err(ProtocolError::AlreadyVoted(0))
        );
        assert_eq!(
            ot.answer(1, straw(true, None), 0.0),
            Ok(OneTextEvent::Polled {
                version: 1,
                acceptable: 2
            })
        );
        assert!(!ot.is_over(), "a unanimous straw poll binds nobody");
        // Round 2 needs a comparison, and a binary one.
        ot.propose(o(8), false, 1.0).unwrap();
        assert!(matches!(
            ot.answer(0, straw(false, None), 1.0),
            Err(ProtocolError::WrongBallot(_))
        ));
        assert!(matches!(
            ot.answer(0, straw(false, Some(Grade::MuchWorse)), 1.0),
            Err(ProtocolError::WrongBallot(_))
        ));
        ot.answer(0, straw(false, Some(Grade::Worse)), 1.0).unwrap();
        assert_eq!(
            ot.answer(1, straw(true, Some(Grade::Better)), 1.0),
            Ok(OneTextEvent::Polled {
                version: 2,
                acceptable: 1
            })
        );
        // The final vote: accept / reject only; one rejection and there is no agreement.
        ot.propose(o(7), true, 2.0).unwrap();
        assert!(matches!(
            ot.answer(0, straw(true, Some(Grade::Better)), 2.0),
            Err(ProtocolError::WrongBallot(_))
        ));
        ot.answer(0, straw(true, None), 2.0).unwrap();
        assert_eq!(
            ot.answer(1, straw(false, None), 2.0),
            Ok(OneTextEvent::Failed(Failure::FinalRejected))
        );
        assert!(ot.is_over());
        assert_eq!(ot.propose(o(9), false, 3.0), Err(ProtocolError::Ended));
        assert_eq!(ot.rounds(), 3);
    }

    #[test]
    fn the_last_round_is_the_final_vote() {
        let mut ot = OneText::new(3, Deadline::rounds(2), Feedback::Graded5).unwrap();
        ot.propose(o(1), false, 0.0).unwrap();
        for p in 0..3 {
            ot.answer(p, straw(p != 1, None), 0.0).unwrap();
        }
        assert!(ot.last_round());
        // The mediator asks for a comment round, but the deadline makes it the final vote.
        assert_eq!(
            ot.propose(o(2), false, 1.0),
            Ok(OneTextEvent::Circulated {
                version: 2,
                text: o(2),
                final_vote: true
            })
        );
        ot.answer(0, straw(true, None), 1.0).unwrap();
        ot.answer(2, straw(true, None), 1.0).unwrap();
        assert_eq!(
            ot.answer(1, straw(true, None), 1.0),
            Ok(OneTextEvent::Agreement {
                text: o(2),
                version: 2
            })
        );
        assert_eq!(
            ot.result(),
            Some(OneTextEvent::Agreement {
                text: o(2),
                version: 2
            })
        );
    }

    #[test]
    fn graded_answers_take_the_five_grades_and_time_ends_a_run_without_agreement() {
        let mut ot = OneText::new(2, Deadline::seconds(10.0), Feedback::Graded5).unwrap();
        ot.propose(o(1), false, 0.0).unwrap();
        ot.answer(0, straw(true, None), 0.0).unwrap();
        ot.answer(1, straw(true, None), 0.0).unwrap();
        assert!(!ot.last_round(), "no round limit");
        ot.propose(o(2), false, 1.0).unwrap();
        ot.answer(0, straw(true, Some(Grade::MuchBetter)), 1.0)
            .unwrap();
        ot.answer(1, straw(true, Some(Grade::AboutTheSame)), 1.0)
            .unwrap();
        ot.propose(o(3), false, 2.0).unwrap();
        assert_eq!(
            ot.answer(0, straw(true, Some(Grade::Worse)), 10.0),
            Ok(OneTextEvent::Failed(Failure::Deadline))
        );
        assert_eq!(
            ot.answer(1, straw(true, None), 11.0),
            Err(ProtocolError::Ended)
        );
        assert_eq!(
            ot.answer(5, straw(true, None), 11.0),
            Err(ProtocolError::NoSuchParty(5))
        );
    }
}
