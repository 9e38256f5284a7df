//! The typed request and response bodies of the elicitation endpoints (their OpenAPI schemas
//! are derived from these).

use crate::process::Private;
use accord_formats::Scalar;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A text as issue -> value (an option's name, or a number).
pub type TextMap = BTreeMap<String, Scalar>;

// ---- Requests --------------------------------------------------------------------------

/// A ranking of the issues and a word for each option.
#[derive(Deserialize, Serialize, Clone, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RatingInput {
    /// Issue -> its rank by importance: 1 for the issue that matters most, 2 for the next; equal
    /// ranks tie. Every issue once.
    pub importance: BTreeMap<String, u32>,
    /// Issue -> option (or value) -> a word: `unacceptable`, `poor`, `acceptable`, `good` or
    /// `best`. Every option of every issue.
    pub ratings: BTreeMap<String, BTreeMap<String, String>>,
    /// Issues whose `unacceptable` options the party confirms as red lines. A word said in
    /// passing must not forbid texts: until confirmed they are only proposed.
    #[serde(default)]
    pub confirm_red_lines: Vec<String>,
}

/// One answer to a question about texts: a comparison (`a`, `b`, `answer`) or a walk-away
/// question (`text`, `accept`).
#[derive(Deserialize, Serialize, Clone, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PackageAnswer {
    /// The first text of a comparison (issue -> value).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub a: Option<TextMap>,
    /// The second text of a comparison.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub b: Option<TextMap>,
    /// Which the party would rather sign: `a`, `b` or `same`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<String>,
    /// The text of a walk-away question.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub text: Option<TextMap>,
    /// Whether the party would accept `text` rather than no agreement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accept: Option<bool>,
}

/// `POST .../elicitation/comparisons` body.
#[derive(Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ComparisonRequest {
    /// Optional: the party's ranking and ratings, which the comparisons then refine (a hybrid
    /// conjoint); its confirmed red lines are kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<RatingInput>,
    /// Every answer so far, in the order given.
    #[serde(default)]
    pub answers: Vec<PackageAnswer>,
    /// Comparisons to ask at most (default 25, at most 40).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget: Option<usize>,
    /// Walk-away questions asked after the comparisons (default 5, at most 12).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub walk_away_budget: Option<usize>,
    /// Ask no more comparisons: go on to the walk-away questions.
    #[serde(default)]
    pub stop_comparing: bool,
}

/// `POST .../elicitation/walk-away` body.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WalkAwayRequest {
    /// The preferences the questions are asked under (a rating's proposal, a fit, or typed
    /// numbers): the scenario format's party fields.
    pub preferences: Private,
    /// The answers so far: each a `text` and whether the party would `accept` it rather than no
    /// agreement.
    #[serde(default)]
    pub answers: Vec<PackageAnswer>,
    /// Questions to ask at most (default 6, at most 12).
    #[serde(default)]
    pub questions: Option<usize>,
}

/// `POST .../elicitation/implications` body.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImplicationsRequest {
    /// Preferences in the scenario format's party fields (as `PUT .../preferences` takes them).
    pub preferences: Private,
}

// ---- Answers ---------------------------------------------------------------------------

/// One clause of a text, as a person reads it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ClauseView {
    /// The issue's name.
    pub issue: String,
    /// The issue as shown ("withdrawal language").
    pub issue_label: String,
    /// The value (an option's name or a number).
    #[schema(value_type = serde_json::Value)]
    pub value: Scalar,
    /// The value as shown ("no offensive").
    pub value_label: String,
    /// The option's clause wording from the scenario, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wording: Option<String>,
}

/// A whole text (one value per issue).
#[derive(Serialize, utoipa::ToSchema)]
pub struct TextView {
    /// Issue -> value: what to send back in an answer.
    #[schema(value_type = Object)]
    pub values: TextMap,
    /// Clause by clause.
    pub clauses: Vec<ClauseView>,
    /// In one line: "hostages: all; ceasefire: pause; …".
    pub summary: String,
    /// Its utility under the preferences shown, from 0 (the party's worst text) to 1 (its
    /// best); absent in questions (the party is asked, not told).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub utility: Option<f64>,
}

/// A question about texts.
#[derive(Serialize, utoipa::ToSchema)]
pub struct QuestionView {
    /// `compare` (answer with `a`, `b`, `answer`) or `walk_away` (answer with `text`, `accept`).
    pub kind: String,
    /// The question in words.
    pub prompt: String,
    /// Comparison: the first text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub a: Option<TextView>,
    /// Comparison: the second text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub b: Option<TextView>,
    /// Comparison: the issues on which the two texts differ (the rest is the same in both).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub differences: Vec<String>,
    /// Walk-away question: the text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<TextView>,
}

/// An unacceptable rating as a red line for the party to confirm.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ProposedRedLineView {
    /// The issue.
    pub issue: String,
    /// The options rated unacceptable.
    #[schema(value_type = Vec<serde_json::Value>)]
    pub options: Vec<Scalar>,
    /// The rule (what `preferences.red_lines` holds once confirmed).
    pub rule: String,
    /// The rule in words: "Hostages must not be none".
    pub sentence: String,
    /// Whether the party confirmed it (it is then in `preferences.red_lines`).
    pub confirmed: bool,
}

/// What preferences imply, shown before they are saved.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ImplicationsView {
    /// The best texts within the red lines, best first.
    pub best: Vec<TextView>,
    /// The least good texts the party would still accept rather than no agreement, lowest
    /// first (empty without a walk-away point).
    pub accepted: Vec<TextView>,
    /// The best texts it would refuse, highest first (empty without a walk-away point).
    pub refused: Vec<TextView>,
    /// All of it in plain sentences: what matters most, the red lines, the best text, "you
    /// would accept X rather than no agreement, but not Y".
    pub sentences: Vec<String>,
}

/// Answers that no weighing of the issues can all satisfy.
#[derive(Serialize, utoipa::ToSchema)]
pub struct InconsistencyView {
    /// The answers concerned, numbered from 1 in the order given.
    pub answers: Vec<usize>,
    /// What to do, in words.
    pub sentence: String,
}

/// A rating's result: preferences to show back and confirm.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Proposal {
    /// The proposed confidential preferences (weights, scores, confirmed red lines), ready for
    /// `PUT .../preferences` once the party agrees; no walk-away point yet (ask it with the
    /// walk-away questions).
    pub preferences: Private,
    /// Each issue's unacceptable options as a red line to confirm.
    pub proposed_red_lines: Vec<ProposedRedLineView>,
    /// What these preferences imply.
    pub implications: ImplicationsView,
}

/// Where the comparisons stand.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ComparisonState {
    /// The next question, or null when done (the ranking is pinned down or the budgets spent).
    pub question: Option<QuestionView>,
    /// Comparisons answered.
    pub compared: usize,
    /// Comparisons asked at most.
    pub budget: usize,
    /// Walk-away questions answered.
    pub walk_away_answered: usize,
    /// Walk-away questions asked at most.
    pub walk_away_budget: usize,
    /// The preferences the answers imply so far (with the walk-away point once a walk-away
    /// question was answered), ready for `PUT .../preferences` once the party agrees.
    pub preferences: Private,
    /// The rating's red lines, if a rating was sent.
    pub proposed_red_lines: Vec<ProposedRedLineView>,
    /// What the preferences imply.
    pub implications: ImplicationsView,
    /// Answers that cannot all hold: to show back so the party can revisit one.
    pub inconsistencies: Vec<InconsistencyView>,
    /// Answers the fitted preferences disagree with (numbered from 1): with noisy answers, the
    /// first to look at again.
    pub contradicted: Vec<usize>,
}

/// Where the walk-away questions stand.
#[derive(Serialize, utoipa::ToSchema)]
pub struct WalkAwayState {
    /// The next question, or null when done.
    pub question: Option<QuestionView>,
    /// Questions answered.
    pub asked: usize,
    /// Questions asked at most.
    pub questions: usize,
    /// The utilities between which the walk-away point lies: the best text refused so far and
    /// the least good text accepted (0 and 1 before any answer).
    pub between: [f64; 2],
    /// The walk-away point the answers imply (the middle of `between`).
    pub reservation: f64,
    /// The preferences sent, with this walk-away point, ready for `PUT .../preferences`.
    pub preferences: Private,
    /// What they imply.
    pub implications: ImplicationsView,
    /// Answers that contradict each other under these preferences.
    pub inconsistencies: Vec<InconsistencyView>,
}

/// What preferences imply.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ImplicationsAnswer {
    /// The preferences as they would be saved (weights as shares of their total).
    pub preferences: Private,
    /// What they imply.
    pub implications: ImplicationsView,
}
