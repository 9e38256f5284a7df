//! The rules a live negotiation runs under, chosen by its mediator at creation.
//!
//! **Binding** (the default, and every negotiation created before the choice existed): the first
//! draft every party accepts is the agreement (see the module above).
//!
//! **One-text** ([`crate::one_text`], Fisher's procedure): nothing is agreed until everything is
//! agreed. A draft circulated for comment binds nobody: each party answers it with a straw poll
//! (accept = it would take this text rather than no agreement; reject or amend = it would not,
//! an amendment saying which clause it would change) and, from the second draft on, a comparison
//! with the draft before it ([`Comparison`]: better / worse under binary feedback, the five
//! grades of [`Grade`] under graded5, whose thresholds are [`crate::one_text::ABOUT_THE_SAME`]
//! and [`crate::one_text::MUCH`] of the party's utility). When every party has answered, the draft
//! is *polled* and the negotiation goes on. The mediator calls the final vote by circulating a
//! draft *as the final text*: it is answered accept / reject / amend with no comparison, and binds
//! only if every party accepts it (the agreement). A failed final vote is an ordinary rejected
//! draft: the negotiation stays open, and the mediator may draft on and call another final vote,
//! or close the negotiation. (The engine's simulated game ends with its one vote; people in a
//! live mediation may take a failed vote as information and go on.)

use super::{Refusal, UnknownName};
use crate::one_text::{Feedback, Grade, TextProtocol};

/// The rules of a live negotiation: binding drafts or the one-text procedure, and under the
/// latter what parties say about each draft besides their straw poll.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TextRules {
    /// Binding or one-text.
    pub protocol: TextProtocol,
    /// Under one-text: the comparison asked for ([`Feedback::Accept`]: none, the straw poll
    /// only). Under binding rules always [`Feedback::Accept`].
    pub feedback: Feedback,
}

/// A party's comparison of a one-text draft with the draft before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Comparison {
    /// Much worse (graded5: its utility down by at least 0.1).
    MuchWorse,
    /// Worse.
    Worse,
    /// About the same (graded5: within 0.02 either way).
    AboutTheSame,
    /// Better.
    Better,
    /// Much better (graded5: up by at least 0.1).
    MuchBetter,
}

crate::named_enum!(Comparison as "comparison" {
    MuchWorse => "much_worse",
    Worse => "worse",
    AboutTheSame => "about_the_same",
    Better => "better",
    MuchBetter => "much_better",
});

impl Comparison {
    /// The engine's grade.
    pub fn grade(self) -> Grade {
        match self {
            Comparison::MuchWorse => Grade::MuchWorse,
            Comparison::Worse => Grade::Worse,
            Comparison::AboutTheSame => Grade::AboutTheSame,
            Comparison::Better => Grade::Better,
            Comparison::MuchBetter => Grade::MuchBetter,
        }
    }

    /// From the engine's grade.
    pub fn of(grade: Grade) -> Comparison {
        match grade {
            Grade::MuchWorse => Comparison::MuchWorse,
            Grade::Worse => Comparison::Worse,
            Grade::AboutTheSame => Comparison::AboutTheSame,
            Grade::Better => Comparison::Better,
            Grade::MuchBetter => Comparison::MuchBetter,
        }
    }

    /// The comparisons `feedback` answers with (none for [`Feedback::Accept`]).
    pub fn of_feedback(feedback: Feedback) -> Vec<Comparison> {
        Comparison::ALL
            .iter()
            .copied()
            .filter(|c| c.grade().fits(feedback))
            .collect()
    }
}

/// Why a comparison does not fit the draft it answers.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ComparisonRefusal {
    /// A straw poll after the first draft needs a comparison.
    #[error("draft {version} is a straw poll that does not bind: also say how it compares with draft {previous} (`comparison`: one of {expected})")]
    Missing {
        /// The draft answered.
        version: i64,
        /// The draft it is compared with.
        previous: i64,
        /// The names allowed.
        expected: String,
    },
    /// A comparison where none is asked.
    #[error("draft {version} takes no comparison: {why}")]
    NotAsked {
        /// The draft answered.
        version: i64,
        /// Why.
        why: &'static str,
    },
    /// A grade the negotiation's feedback does not use.
    #[error("`{given}` is not a comparison this negotiation uses ({feedback} feedback): one of {expected}")]
    DoesNotFit {
        /// The comparison given.
        given: Comparison,
        /// The negotiation's feedback.
        feedback: Feedback,
        /// The names allowed.
        expected: String,
    },
}

impl TextRules {
    /// The one-text rules with `feedback`.
    pub fn one_text(feedback: Feedback) -> TextRules {
        TextRules {
            protocol: TextProtocol::OneText,
            feedback,
        }
    }

    /// Whether drafts before the final vote bind nobody.
    pub fn is_one_text(self) -> bool {
        self.protocol == TextProtocol::OneText
    }

    /// Whether an answer to draft `version` must carry a comparison: under the one-text rules,
    /// a non-final draft after the first, when the feedback has comparisons.
    pub fn expects_comparison(self, version: i64, final_vote: bool) -> bool {
        self.is_one_text() && !final_vote && version > 1 && self.feedback != Feedback::Accept
    }

    /// Whether `comparison` is what an answer to draft `version` needs, or why not.
    pub fn check_comparison(
        self,
        version: i64,
        final_vote: bool,
        comparison: Option<Comparison>,
    ) -> Result<(), Refusal> {
        let names = || {
            Comparison::of_feedback(self.feedback)
                .iter()
                .map(|c| c.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        match comparison {
            None if self.expects_comparison(version, final_vote) => {
                Err(ComparisonRefusal::Missing {
                    version,
                    previous: version - 1,
                    expected: names(),
                }
                .into())
            }
            None => Ok(()),
            Some(given) => {
                let why = if !self.is_one_text() {
                    "this negotiation runs under binding rules, where drafts are accepted or rejected without comparison"
                } else if final_vote {
                    "it is the final text: accept or reject it"
                } else if version <= 1 {
                    "it is the first draft, with nothing before it to compare"
                } else if self.feedback == Feedback::Accept {
                    "this negotiation asks for straw polls only"
                } else if !given.grade().fits(self.feedback) {
                    return Err(ComparisonRefusal::DoesNotFit {
                        given,
                        feedback: self.feedback,
                        expected: names(),
                    }
                    .into());
                } else {
                    return Ok(());
                };
                Err(ComparisonRefusal::NotAsked { version, why }.into())
            }
        }
    }
}

/// Parses a stored pair of names (`rules`, `feedback`; the feedback may be absent).
pub fn parse_rules(protocol: &str, feedback: Option<&str>) -> Result<TextRules, UnknownName> {
    Ok(TextRules {
        protocol: protocol.parse()?,
        feedback: feedback
            .map(str::parse::<crate::one_text::Feedback>)
            .transpose()?
            .unwrap_or_default(),
    })
}
