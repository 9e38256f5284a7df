//! Negotiation strategies, pluggable through small traits (the BOA split of the field):
//! [`Offering`] (what to offer), [`Acceptance`] (when to accept), [`OpponentModel`] (what the
//! others seem to want), assembled into a [`BoaAgent`]; voters and mediators for the single
//! negotiating text; and the [`UtilityIndex`] every agent looks offers up in.
//!
//! Strategies see only their own preferences and what others reveal (offers, ballots): a
//! mediator never sees a party's utilities. All randomness comes from a passed-in [`Rng`].
//!
//! [`Rng`]: accord_model::Rng

#![warn(missing_docs)]

pub mod bayes;
pub mod boa;
pub mod index;
pub mod one_text;
pub mod session;
pub mod text;

pub use bayes::{BayesNash, BindingThompson, ThompsonNash, REJECTION_SLIP};
pub use boa::{
    AcceptWhen, Acceptance, BoaAgent, Context, FrequencyModel, Hardliner, Negotiator, Offering,
    OpponentModel, RandomOffering, TimeDependent, TitForTat,
};
pub use index::UtilityIndex;
pub use one_text::{Critic, DraftView, Move, OneTextMediator, OneTextView, RandomDrafts, Truthful};
pub use session::{
    run_one_text, run_sao, run_single_text, run_single_text_bound, NoTrace, Seat, Sink, Step,
    Summary, TraceEvent,
};
pub use text::{
    Amending, FeedbackLearning, FixedOrderFlipping, HillClimber, Mediator, MediatorView,
    NashSeeking, RandomFlipping, VoteView, Voter,
};

use std::sync::Arc;

/// A strategy that cannot be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StrategyError {
    /// Too many outcomes to index.
    #[error("{0} outcomes are too many for a utility index (the sorted index, the only one that handles red lines, lists at most {max}; larger spaces are searched by branch and bound when the party has no red lines)", max = index::MAX_INDEXED)]
    SpaceTooLarge(accord_model::U256),
    /// The party's red lines exclude every outcome.
    #[error("the party's red lines exclude every outcome")]
    NothingAcceptable,
    /// An unknown or malformed strategy name.
    #[error("unknown {kind} `{spec}`; expected one of: {expected}")]
    Unknown {
        /// What was being parsed.
        kind: &'static str,
        /// The text given.
        spec: String,
        /// The valid choices.
        expected: String,
    },
    /// A malformed parameter.
    #[error("`{spec}`: {message}")]
    BadParameter {
        /// The text given.
        spec: String,
        /// What is wrong.
        message: String,
    },
}

/// Alternating-offers strategies by name, with what they do.
pub const NEGOTIATORS: &[(&str, &str)] = &[
    (
        "boulware",
        "time-dependent, e = 0.2: holds firm, concedes near the deadline",
    ),
    (
        "linear",
        "time-dependent, e = 1: concedes at a constant rate",
    ),
    ("conceder", "time-dependent, e = 2: concedes early"),
    ("time:E", "time-dependent with any exponent E > 0"),
    (
        "tft",
        "relative tit-for-tat: concedes as much as the opponent just did",
    ),
    ("hardliner", "always offers its best outcome"),
    (
        "random",
        "random offers above its reservation value (baseline)",
    ),
];

/// Single-text voters by name.
pub const VOTERS: &[(&str, &str)] = &[
    ("hill-climber", "accepts drafts at least as good as the standing text; proposes its best single-clause amendment when rejecting"),
    ("annealer[:T]", "like hill-climber, but accepts a worse draft with probability exp(-loss/temperature), temperature T (default 0.1) falling to 0"),
];

/// Mediators by name.
pub const MEDIATORS: &[(&str, &str)] = &[
    (
        "random-flipping",
        "GENIUS baseline: random texts until one is accepted, then random single-clause flips",
    ),
    (
        "fixed-order",
        "GENIUS baseline: single-clause flips in a fixed order",
    ),
    (
        "feedback",
        "learns from ballots which clause values parties welcome and flips towards them",
    ),
    (
        "amending",
        "drafts the parties' amendments into the text, most supported first",
    ),
    (
        "nash-seeking",
        "learns each party's preferences from its ballots and amendments, and drafts the change every learned model accepts with the most balanced gains",
    ),
    (
        "bayes-nash",
        "keeps a Gaussian belief over each party's utilities, learned from ballots and amendments; drafts first to learn, then towards the predicted Nash point",
    ),
    (
        "thompson-binding",
        "the one-text mediator's belief under binding rules: learns with drafts some party is expected to veto (a vetoed draft binds nothing), then, from 60% of the time, commits to the text that leaves the best Nash product reachable above it; reads a rejection without an amendment as the draft being the party's best within one clause",
    ),
];

/// Mediators of the one-text procedure (`--protocol one-text`) by name.
pub const ONE_TEXT_MEDIATORS: &[(&str, &str)] = &[
    (
        "thompson-nash",
        "keeps a Gaussian belief over each party's utilities, learned from straw polls and comparisons; drafts the most informative of a few Thompson-sampled Nash points (and, when every rejection is taken at its word, of their single-clause changes, reading each critique as the best single-clause change), and puts to the final vote the text with the largest expected Nash product; `thompson-nash:P` takes each comparison as misjudged with probability P (noisy parties), `thompson-nash:P:R` also each straw poll's rejection as saying nothing with probability R (default 0.1: a red line the belief cannot hold)",
    ),
    (
        "random-drafts",
        "baseline: random drafts; the final text is the last one every party found acceptable",
    ),
];

/// Builds a one-text mediator from its name.
pub fn one_text_mediator(spec: &str) -> Result<Box<dyn OneTextMediator>, StrategyError> {
    match spec.trim() {
        "thompson-nash" => Ok(Box::new(ThompsonNash::default())),
        "random-drafts" => Ok(Box::new(RandomDrafts::default())),
        s if s.starts_with("thompson-nash:") => {
            let mut chances = s["thompson-nash:".len()..].split(':');
            let mut chance = |what: &str, default: f64| -> Result<f64, StrategyError> {
                let Some(text) = chances.next() else {
                    return Ok(default);
                };
                let p = number(spec, text)?;
                if !(0.0..0.5).contains(&p) {
                    return Err(StrategyError::BadParameter {
                        spec: spec.to_string(),
                        message: format!("expected the chance of {what} in [0, 0.5), found {p}"),
                    });
                }
                Ok(p)
            };
            let slip = chance("a misjudged comparison", 0.0)?;
            let rejection = chance("a rejection that says nothing", REJECTION_SLIP)?;
            if chances.next().is_some() {
                return Err(StrategyError::BadParameter {
                    spec: spec.to_string(),
                    message: "expected `thompson-nash:P` or `thompson-nash:P:R`".into(),
                });
            }
            Ok(Box::new(ThompsonNash::with_slips(slip, rejection)))
        }
        _ => Err(unknown("one-text mediator", spec, ONE_TEXT_MEDIATORS)),
    }
}

fn unknown(kind: &'static str, spec: &str, list: &[(&str, &str)]) -> StrategyError {
    StrategyError::Unknown {
        kind,
        spec: spec.to_string(),
        expected: list.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", "),
    }
}

fn number(spec: &str, text: &str) -> Result<f64, StrategyError> {
    text.parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
        .ok_or_else(|| StrategyError::BadParameter {
            spec: spec.to_string(),
            message: format!("expected a number, found `{text}`"),
        })
}

fn acceptance(spec: &str, text: &str) -> Result<AcceptWhen, StrategyError> {
    let mut any = Vec::new();
    for part in text.split('|') {
        let (name, param) = part
            .split_once(':')
            .map_or((part, None), |(a, b)| (a, Some(b)));
        any.push(match (name, param) {
            ("next", None) => AcceptWhen::Next,
            ("const", Some(x)) => AcceptWhen::Const(number(spec, x)?),
            ("time", Some(x)) => AcceptWhen::Time(number(spec, x)?),
            _ => {
                return Err(StrategyError::BadParameter {
                    spec: spec.to_string(),
                    message: format!(
                        "unknown acceptance `{part}` (next, const:X, time:T, joined with |)"
                    ),
                })
            }
        });
    }
    Ok(if any.len() == 1 {
        any.remove(0)
    } else {
        AcceptWhen::Any(any)
    })
}

/// Builds an alternating-offers agent from a spec: `NAME[:PARAM][,freq][,ac=COND|COND...]`,
/// e.g. `boulware`, `time:0.5,freq`, `conceder,ac=next|time:0.95`. The default acceptance is
/// AC_next; `freq` adds a frequency opponent model.
pub fn negotiator(
    spec: &str,
    index: Arc<UtilityIndex>,
    reservation: f64,
) -> Result<Box<dyn Negotiator>, StrategyError> {
    let mut parts = spec.split(',');
    let head = parts.next().unwrap_or("").trim();
    let (name, param) = head
        .split_once(':')
        .map_or((head, None), |(a, b)| (a, Some(b)));
    let offering: Box<dyn Offering> = match (name, param) {
        ("boulware", None) => Box::new(TimeDependent::new(0.2)),
        ("linear", None) => Box::new(TimeDependent::new(1.0)),
        ("conceder", None) => Box::new(TimeDependent::new(2.0)),
        ("time", Some(e)) => {
            let e = number(spec, e)?;
            if e <= 0.0 {
                return Err(StrategyError::BadParameter {
                    spec: spec.into(),
                    message: "the exponent must be > 0".into(),
                });
            }
            Box::new(TimeDependent::new(e))
        }
        ("tft", None) => Box::new(TitForTat::default()),
        ("hardliner", None) => Box::new(Hardliner),
        ("random", None) => Box::new(RandomOffering),
        _ => return Err(unknown("strategy", spec, NEGOTIATORS)),
    };
    let mut accept = AcceptWhen::Next;
    let mut model: Option<Box<dyn OpponentModel>> = None;
    for opt in parts {
        let opt = opt.trim();
        if opt == "freq" {
            model = Some(Box::new(FrequencyModel::new(index.radices())));
        } else if let Some(cond) = opt.strip_prefix("ac=") {
            accept = acceptance(spec, cond)?;
        } else {
            return Err(StrategyError::BadParameter {
                spec: spec.into(),
                message: format!("unknown option `{opt}` (freq, ac=...)"),
            });
        }
    }
    Ok(Box::new(BoaAgent::new(
        index,
        reservation,
        offering,
        accept,
        model,
    )))
}

/// A single-text voter, parsed once from its name (`hill-climber`, `annealer`, `annealer:T`) and
/// used by the CLI, the tournaments and the server alike.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum VoterSpec {
    /// Accepts drafts at least as good as the standing text.
    HillClimber,
    /// Accepts a worse draft with probability exp(-loss / temperature), the temperature falling
    /// to 0 over the negotiation.
    Annealer {
        /// The starting temperature (> 0; default 0.1).
        temperature: f64,
    },
}

impl VoterSpec {
    /// The default starting temperature of `annealer`.
    pub const DEFAULT_TEMPERATURE: f64 = 0.1;

    /// The voter for one party.
    pub fn build(self, index: Arc<UtilityIndex>, reservation: f64) -> Box<dyn Voter> {
        match self {
            VoterSpec::HillClimber => Box::new(HillClimber::new(index, reservation, 0.0)),
            VoterSpec::Annealer { temperature } => {
                Box::new(HillClimber::new(index, reservation, temperature))
            }
        }
    }
}

impl std::fmt::Display for VoterSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            VoterSpec::HillClimber => f.write_str("hill-climber"),
            VoterSpec::Annealer { temperature } if *temperature == Self::DEFAULT_TEMPERATURE => {
                f.write_str("annealer")
            }
            VoterSpec::Annealer { temperature } => write!(f, "annealer:{temperature}"),
        }
    }
}

impl std::str::FromStr for VoterSpec {
    type Err = StrategyError;

    fn from_str(spec: &str) -> Result<Self, StrategyError> {
        let spec = spec.trim();
        let (name, param) = spec
            .split_once(':')
            .map_or((spec, None), |(a, b)| (a, Some(b)));
        match (name, param) {
            ("hill-climber", None) => Ok(VoterSpec::HillClimber),
            ("annealer", t) => {
                let temperature = t
                    .map(|x| number(spec, x))
                    .transpose()?
                    .unwrap_or(Self::DEFAULT_TEMPERATURE);
                if temperature <= 0.0 {
                    return Err(StrategyError::BadParameter {
                        spec: spec.to_string(),
                        message: "the temperature must be > 0".into(),
                    });
                }
                Ok(VoterSpec::Annealer { temperature })
            }
            _ => Err(unknown("voter", spec, VOTERS)),
        }
    }
}

/// Builds a single-text voter from a spec (see [`VoterSpec`]).
pub fn voter(
    spec: &str,
    index: Arc<UtilityIndex>,
    reservation: f64,
) -> Result<Box<dyn Voter>, StrategyError> {
    Ok(spec.parse::<VoterSpec>()?.build(index, reservation))
}

/// Builds a mediator from its name.
pub fn mediator(spec: &str) -> Result<Box<dyn Mediator>, StrategyError> {
    match spec {
        "random-flipping" => Ok(Box::new(RandomFlipping)),
        "fixed-order" => Ok(Box::new(FixedOrderFlipping::default())),
        "feedback" => Ok(Box::new(FeedbackLearning::default())),
        "amending" => Ok(Box::new(Amending::default())),
        "nash-seeking" => Ok(Box::new(NashSeeking::default())),
        "bayes-nash" => Ok(Box::new(BayesNash::default())),
        "thompson-binding" => Ok(Box::new(BindingThompson::default())),
        _ => Err(unknown("mediator", spec, MEDIATORS)),
    }
}

/// Whether the strategy a spec names never draws from the [`Rng`](accord_model::Rng) it is
/// given, so that runs differing only in their seed are the same run (a tournament runs such
/// repetitions once). `kind` is `negotiator`, `voter` or `mediator`; an unknown spec is `false`.
/// Deterministic: every negotiator but `random` (options included), the `hill-climber` voter;
/// every mediator drafts its first text at random.
pub fn is_deterministic(kind: &str, spec: &str) -> bool {
    let head = spec.split(',').next().unwrap_or("").trim();
    let name = head.split_once(':').map_or(head, |(n, _)| n);
    match kind {
        "negotiator" => NEGOTIATORS
            .iter()
            .any(|(n, _)| n.split(':').next() == Some(name) && name != "random"),
        "voter" => spec.trim() == "hill-climber",
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::VoterSpec;

    #[test]
    fn one_text_mediator_specs_take_one_or_two_chances_in_words() {
        for ok in [
            "thompson-nash",
            "thompson-nash:0.05",
            "thompson-nash:0:0",
            "thompson-nash:0.1:0.2",
        ] {
            assert!(super::one_text_mediator(ok).is_ok(), "{ok}");
        }
        for (bad, says) in [
            ("thompson-nash:0.6", "a misjudged comparison in [0, 0.5)"),
            (
                "thompson-nash:0:0.5",
                "a rejection that says nothing in [0, 0.5)",
            ),
            ("thompson-nash:0:x", "expected a number, found `x`"),
            ("thompson-nash:0:0:0", "`thompson-nash:P:R`"),
        ] {
            let err = super::one_text_mediator(bad).err().expect(bad).to_string();
            assert!(err.contains(says), "{bad}: {err}");
        }
    }

    #[test]
    fn voter_specs_parse_once_with_their_parameters() {
        assert_eq!("hill-climber".parse(), Ok(VoterSpec::HillClimber));
        assert_eq!(
            "annealer".parse(),
            Ok(VoterSpec::Annealer { temperature: 0.1 })
        );
        assert_eq!(
            "annealer:0.3".parse(),
            Ok(VoterSpec::Annealer { temperature: 0.3 })
        );
        // The list's own spelling is a name shown to people, not a spec.
        assert!("annealer[:T]".parse::<VoterSpec>().is_err());
        assert!("annealer:-1".parse::<VoterSpec>().is_err());
        assert!("hill-climber:2".parse::<VoterSpec>().is_err());
        for spec in ["hill-climber", "annealer", "annealer:0.3"] {
            assert_eq!(spec.parse::<VoterSpec>().unwrap().to_string(), spec);
        }
    }
}
