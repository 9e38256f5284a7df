//! "Suggest the next draft" (issue 16): for a one-text negotiation's mediators, the
//! `thompson-nash` mediator strategy replayed over the drafts and the parties' answers
//! (straw polls, comparisons, amendments) — never their preferences — suggests the next draft,
//! says in one line what it tests, and says when to call the final vote.

use super::{clauses_of, member, JsonBody, Res};
use crate::auth::Auth;
use crate::domain::{Role, Verdict};
use crate::error::ApiError;
use crate::limits::{bounded, EngineError};
use crate::one_text::{self, DraftAnswers};
use crate::process::{self, Clause};
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};

/// The clause values a suggestion may learn over at most (its belief is quadratic in them).
pub const MAX_SUGGESTION_VALUES: u64 = 400;

/// `POST .../suggestion` body (empty).
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SuggestionRequest {}

/// A suggested next draft.
#[derive(Serialize, utoipa::ToSchema)]
pub struct SuggestionBody {
    /// The suggested text, clause by clause (the scenario's wording filled in).
    pub clauses: Vec<Clause>,
    /// Whether to circulate it as the final text now (`final_vote: true` on the draft).
    pub call_final_vote: bool,
    /// One line: what the draft tests, or why the final vote is due.
    pub reason: String,
    /// The answers' estimate of the share of the best Nash product the best final text so far
    /// reaches (0 before any answer).
    pub expected_nash_ratio: f64,
    /// The answers' estimate of the chance that every party accepts that final text.
    pub acceptance: f64,
    /// Drafts every party answered: what the suggestion learned from.
    pub polls: usize,
    /// The current draft's version when suggested (circulate with it as `base_version`).
    pub base_version: i64,
}

/// Mediators of a one-text negotiation: the next draft the parties' answers suggest.
#[utoipa::path(post, path = "/api/negotiations/{id}/suggestion", tag = "negotiation", summary = "Mediator, one-text rules: suggest the next draft from the drafts and the parties' answers only (straw polls, comparisons, amendments; never their preferences), with a one-line reason and whether to call the final vote now. Deterministic for the same drafts and answers.", params(("id" = String, Path, description = "The negotiation")), request_body = SuggestionRequest, responses((status = 200, description = "The suggestion", body = SuggestionBody), (status = 400, description = "Invalid request", body = crate::error::ErrorBody), (status = 401, description = "Not signed in", body = crate::error::ErrorBody), (status = 403, description = "Your seat may not do this", body = crate::error::ErrorBody), (status = 404, description = "No such negotiation among yours", body = crate::error::ErrorBody), (status = 409, description = "The negotiation is over", body = crate::error::ErrorBody), (status = 422, description = "Not under the one-text rules, or too many clause values", body = crate::error::ErrorBody), (status = 503, description = "Busy", body = crate::error::ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn suggestion(
    State(s): State<AppState>,
    Auth(user): Auth,
    Path(id): Path<String>,
    b: JsonBody<SuggestionRequest>,
) -> Res<Json<SuggestionBody>> {
    super::body(b)?;
    let m = member(&s.store, &id, &user.id).await?;
    if !m.viewer.may_ask_for_suggestions() {
        return Err(ApiError::forbidden(
            "only mediators ask for a suggested draft",
        ));
    }
    if m.row.status.is_over() {
        return Err(ApiError::conflict(
            "closed",
            format!("the negotiation is {}", m.row.status),
        ));
    }
    let rules = m.row.rules;
    if !rules.is_one_text() {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "not_one_text",
            "suggestions learn from straw polls: this negotiation runs under binding rules (create one under the one-text rules)",
        ));
    }
    let scenario = process::issues_only(&m.public).map_err(ApiError::internal)?;
    let radices = scenario.space.radices().to_vec();
    let numeric: Vec<bool> = scenario
        .space
        .issues()
        .iter()
        .map(|i| i.is_numeric())
        .collect();
    let values: u64 = radices.iter().map(|&r| r as u64).sum();
    if values > MAX_SUGGESTION_VALUES {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "too_large",
            format!("the issues have {values} values in all; suggestions learn over at most {MAX_SUGGESTION_VALUES} (use coarser issues)"),
        ));
    }
    // The parties in the machine's order (sorted by seat), and what they answered; drafts up
    // to the version read with the seats.
    let mut parties: Vec<String> = m
        .seats
        .iter()
        .filter(|x| x.role == Role::Party)
        .map(|x| x.seat.clone())
        .collect();
    parties.sort();
    let last = m.row.current_version;
    let drafts = s.store.drafts(&id, 0).await?;
    let responses = s.store.responses(&id, 0).await?;
    let marks = crate::store::OneTextMarks::of(&drafts, &responses);
    let mut history = Vec::new();
    for d in drafts.iter().filter(|d| d.version <= last) {
        let clauses = clauses_of(&d.clauses);
        let (_, outcome) = process::normalise(&m.public, &clauses).map_err(ApiError::internal)?;
        let answers = parties
            .iter()
            .map(|p| {
                let r = responses
                    .iter()
                    .find(|r| r.version == d.version && &r.seat == p)?;
                let critique = r
                    .amendment
                    .as_deref()
                    .filter(|_| r.verdict == Verdict::Amend)
                    .and_then(|a| serde_json::from_str::<Clause>(a).ok())
                    .and_then(|a| amended(&m.public, &scenario, &clauses, &a));
                let comparison = marks
                    .comparisons
                    .iter()
                    .find(|(v, seat, _)| *v == d.version && seat == p)
                    .map(|(_, _, c)| *c);
                Some((r.verdict, critique, comparison))
            })
            .collect();
        history.push(DraftAnswers {
            version: d.version,
            text: outcome.0,
            answers,
        });
    }
    // Seeded from what the negotiation is about (its issues and parties) and how far it went,
    // not from its id: the same scenario and the same answers give the same suggestion, so a
    // run can be replayed (a training exercise, a test).
    let about: Vec<&str> = m
        .public
        .issues
        .iter()
        .map(|i| i.name.as_str())
        .chain(parties.iter().map(String::as_str))
        .collect();
    let seed = one_text::seed(&about.join("\u{1f}"), last);
    let feedback = rules.feedback;
    let n = parties.len();
    let (sugg, history) = bounded(&s, move |_| {
        let sugg = one_text::suggest(&radices, &numeric, feedback, n, &history, seed);
        Ok::<_, EngineError>((sugg, history))
    })
    .await?;
    let previous = history.last().map(|d| d.text.as_slice());
    let reason = one_text::reason(&sugg, &scenario, &parties, previous);
    let clauses: Vec<Clause> = sugg
        .text
        .iter()
        .enumerate()
        .map(|(i, &v)| Clause {
            issue: scenario.space.issues()[i].name.clone(),
            value: one_text::scalar(&scenario, i, v),
            wording: None,
        })
        .collect();
    let (clauses, _) = process::normalise(&m.public, &clauses).map_err(ApiError::internal)?;
    Ok(Json(SuggestionBody {
        clauses,
        call_final_vote: sugg.call_final_vote,
        reason,
        expected_nash_ratio: sugg.expected_ratio,
        acceptance: sugg.acceptance,
        polls: sugg.polls,
        base_version: last,
    }))
}

/// An amendment as (issue index, value index): the draft with its clause changed.
fn amended(
    public: &accord_formats::ScenarioDoc,
    scenario: &accord_model::Scenario,
    clauses: &[Clause],
    a: &Clause,
) -> Option<(usize, u32)> {
    let i = scenario.space.issue_index(&a.issue)?;
    let mut changed = clauses.to_vec();
    let c = changed.iter_mut().find(|c| c.issue == a.issue)?;
    c.value = a.value.clone();
    c.wording = None;
    let (_, outcome) = process::normalise(public, &changed).ok()?;
    outcome.0.get(i).map(|&v| (i, v))
}
