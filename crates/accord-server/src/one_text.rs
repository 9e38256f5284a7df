//! The one-text procedure in the live workbench (issue 16): the API's names for the rules and
//! comparisons, agents' truthful answers, and "Suggest the next draft" — the `thompson-nash`
//! mediator replayed over the drafts and answers (never the parties' preferences). The rules
//! themselves are `accord_protocol::live`'s ([`accord_protocol::live::rules`]).

use crate::domain::Verdict;
use crate::process::Clause;
use accord_formats::Scalar;
use accord_model::{Outcome, Scenario};
use accord_protocol::live::{Comparison, TextRules};
use accord_protocol::{Feedback, TextProtocol};
use accord_strategy::bayes::suggest::{AnsweredDraft, Probe, Suggestion};
use serde::{Deserialize, Serialize};

/// The rules a negotiation runs under (chosen at creation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub enum RulesName {
    /// The first draft every party accepts is the agreement (the default).
    #[serde(rename = "binding")]
    Binding,
    /// Drafts are straw polls that bind nobody; only the final vote does.
    #[serde(rename = "one-text")]
    OneText,
}

/// Under the one-text rules: what parties say about each draft besides their straw poll.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FeedbackName {
    /// Nothing: the straw poll only.
    Accept,
    /// Better or worse than the draft before.
    Binary,
    /// Much worse, worse, about the same, better, much better than the draft before.
    Graded5,
}

/// A party's comparison of a one-text draft with the draft before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ComparisonName {
    /// Much worse (graded5).
    MuchWorse,
    /// Worse.
    Worse,
    /// About the same (graded5).
    AboutTheSame,
    /// Better.
    Better,
    /// Much better (graded5).
    MuchBetter,
}

impl From<ComparisonName> for Comparison {
    fn from(c: ComparisonName) -> Comparison {
        match c {
            ComparisonName::MuchWorse => Comparison::MuchWorse,
            ComparisonName::Worse => Comparison::Worse,
            ComparisonName::AboutTheSame => Comparison::AboutTheSame,
            ComparisonName::Better => Comparison::Better,
            ComparisonName::MuchBetter => Comparison::MuchBetter,
        }
    }
}

/// The rules from the creation request's names (`feedback` only with one-text; binary by
/// default there).
pub fn rules_of(
    rules: Option<RulesName>,
    feedback: Option<FeedbackName>,
) -> Result<TextRules, String> {
    let feedback = feedback.map(|f| match f {
        FeedbackName::Accept => Feedback::Accept,
        FeedbackName::Binary => Feedback::Binary,
        FeedbackName::Graded5 => Feedback::Graded5,
    });
    match (rules.unwrap_or(RulesName::Binding), feedback) {
        (RulesName::Binding, None) => Ok(TextRules::default()),
        (RulesName::Binding, Some(_)) => Err(
            "feedback: goes with the one-text rules (`rules`: \"one-text\"); under binding rules drafts are accepted or rejected".into(),
        ),
        (RulesName::OneText, f) => Ok(TextRules::one_text(f.unwrap_or(Feedback::Binary))),
    }
}

/// The rules as the negotiation's view shows them: `rules`, `feedback` (null under binding
/// rules) and the comparisons a party answers with.
pub fn rules_json(rules: TextRules) -> serde_json::Value {
    serde_json::json!({
        "rules": rules.protocol.as_str(),
        "feedback": (rules.protocol == TextProtocol::OneText).then(|| rules.feedback.as_str()),
        "comparisons": Comparison::of_feedback(if rules.is_one_text() { rules.feedback } else { Feedback::Accept })
            .iter().map(|c| c.as_str()).collect::<Vec<_>>(),
    })
}

/// A scalar for value `v` of issue `i` of `scenario`.
pub fn scalar(scenario: &Scenario, i: usize, v: u32) -> Scalar {
    match scenario.space.issues()[i].value(v) {
        accord_model::Value::Option(s) => Scalar::Text(s),
        accord_model::Value::Integer(x) => Scalar::Int(x),
        accord_model::Value::Real(x) => Scalar::Float(x),
    }
}

/// An agent's truthful answer to a one-text draft, from its own preferences only: the straw
/// poll (or final vote) accepts a text within its red lines worth at least its reservation
/// value; the comparison is [`accord_protocol::Grade::of`] its change of utility from the draft
/// before; a text it would not accept it amends with the clause change it likes best.
pub fn agent_answer(
    scenario: &Scenario,
    seat: &str,
    rules: TextRules,
    draft: &Outcome,
    previous: Option<&Outcome>,
    final_vote: bool,
    version: i64,
) -> Result<(Verdict, Option<Clause>, Option<Comparison>), String> {
    let (p, index) = crate::process::agent_index(scenario, seat)?;
    let mut critic = accord_strategy::Truthful::new(
        std::sync::Arc::new(index),
        p.reservation.unwrap_or(0.0),
        0.0,
    );
    let id = |o: &Outcome| {
        scenario
            .space
            .index(o)
            .ok_or("the draft is not in the outcome space")
    };
    let compared = rules.expects_comparison(version, final_vote);
    let view = accord_strategy::DraftView {
        draft: id(draft)?,
        previous: if compared {
            previous.map(id).transpose()?
        } else {
            None
        },
        feedback: rules.feedback,
        final_vote,
        t: 0.0,
    };
    use accord_strategy::Critic;
    let answer = critic.answer(&view, &mut accord_model::Rng::new(view.draft.as_limbs()[0]));
    let comparison = answer.grade.map(Comparison::of).filter(|_| compared);
    Ok(match (answer.acceptable, answer.critique) {
        (true, _) => (Verdict::Accept, None, comparison),
        (false, Some((i, v))) if !final_vote => (
            Verdict::Amend,
            Some(Clause {
                issue: scenario.space.issues()[i].name.clone(),
                value: scalar(scenario, i, v),
                wording: None,
            }),
            comparison,
        ),
        (false, _) => (Verdict::Reject, None, comparison),
    })
}

/// A deterministic seed from a text (what the negotiation is about) and how many drafts it has
/// (FNV-1a).
pub fn seed(about: &str, drafts: i64) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in about.bytes().chain(drafts.to_le_bytes()) {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// A party's answer as the suggestion reads it: its verdict, its amendment as (issue index,
/// value index), its comparison with the draft before.
pub type PartyAnswer = (Verdict, Option<(usize, u32)>, Option<Comparison>);

/// One draft as the suggestion reads it: its values, whether it was the final text, and each
/// party's answer if given (verdict, amendment as value indices, comparison).
#[derive(Debug, Clone)]
pub struct DraftAnswers {
    /// Version.
    pub version: i64,
    /// Clause values (value index per issue).
    pub text: Vec<u32>,
    /// Answers by party (in the parties' order), `None` where a party did not answer.
    pub answers: Vec<Option<PartyAnswer>>,
}

/// The suggestion for the next draft from the drafts and answers only (see the module).
pub fn suggest(
    radices: &[u32],
    numeric: &[bool],
    feedback: Feedback,
    parties: usize,
    drafts: &[DraftAnswers],
    seed: u64,
) -> Suggestion {
    let mut history = Vec::new();
    for (k, d) in drafts.iter().enumerate() {
        let answers: Option<Vec<accord_protocol::Answer>> = d
            .answers
            .iter()
            .map(|a| {
                a.map(|(verdict, critique, comparison)| accord_protocol::Answer {
                    acceptable: verdict == Verdict::Accept,
                    grade: comparison.map(Comparison::grade),
                    critique,
                })
            })
            .collect();
        let Some(answers) = answers.filter(|a| a.len() == parties) else {
            continue;
        };
        let previous = k
            .checked_sub(1)
            .and_then(|j| drafts.get(j))
            .filter(|p| p.version == d.version - 1)
            .map(|p| p.text.clone());
        history.push(AnsweredDraft {
            text: d.text.clone(),
            previous,
            answers,
        });
    }
    let last = drafts.last().map(|d| d.text.as_slice());
    accord_strategy::bayes::suggest::suggest(
        radices, numeric, feedback, parties, &history, last, seed,
    )
}

/// The suggestion's one-line reason, in words: what it tests, or why to call the final vote.
pub fn reason(
    s: &Suggestion,
    scenario: &Scenario,
    parties: &[String],
    previous: Option<&[u32]>,
) -> String {
    // Names in words, as the pages show them ("summer_flow" -> "summer flow").
    let words = |t: String| t.replace('_', " ");
    let clause = |i: usize, v: u32| {
        format!(
            "{} = {}",
            words(scenario.space.issues()[i].name.clone()),
            words(scenario.space.issues()[i].value(v).to_string())
        )
    };
    let party = |p: usize| parties.get(p).cloned().unwrap_or_else(|| "a party".into());
    match &s.probe {
        Probe::Opening => {
            "an opening text to hear the parties on: nothing has been answered yet".to_string()
        }
        Probe::Acceptance { party: p } => format!(
            "tests whether {} would accept this text rather than no agreement",
            party(*p)
        ),
        Probe::Trade { party: p, changed } => {
            let new: Vec<String> = changed.iter().map(|&i| clause(i, s.text[i])).collect();
            let old: Vec<String> = match previous {
                Some(prev) => changed.iter().map(|&i| clause(i, prev[i])).collect(),
                None => Vec::new(),
            };
            format!(
                "tests whether {} values {} over {}",
                party(*p),
                new.join(" and "),
                old.join(" and ")
            )
        }
        Probe::Check => format!(
            "tests whether every party accepts the text the answers point to ({:.0}% of the best Nash product expected) before the final vote is called on it",
            100.0 * s.expected_ratio
        ),
        Probe::Final if s.polls >= accord_strategy::bayes::suggest::MAX_POLLS => format!(
            "after {} straw polls, the best text the answers point to: call the final vote",
            s.polls
        ),
        Probe::Final => format!(
            "confident after {} straw polls: the answers put this text at {:.0}% of the best Nash product, with a {:.0}% chance that every party accepts it; call the final vote",
            s.polls,
            100.0 * s.expected_ratio,
            100.0 * s.acceptance
        ),
    }
}
