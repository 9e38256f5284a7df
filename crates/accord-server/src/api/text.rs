//! The single negotiating text over HTTP: the mediator's drafts, the parties' responses and
//! amendments, deadlines, withdrawal, adjournment and closing without agreement.

use super::{body, clauses_of, member, JsonBody, Res};
use crate::auth::Auth;
use crate::domain::{Audience, DraftStatus, EventKind, NegotiationStatus, Role, Verdict};
use crate::error::ApiError;
use crate::process::{self, Clause};
use crate::store::{now_ms, NewEvent};
use crate::AppState;
use accord_formats::ScenarioDoc;
use accord_protocol::live::{Comparison, LiveEvent, Refusal};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// Drafts one negotiation may hold (every view and the history read them).
const MAX_DRAFTS: i64 = 1000;

/// `POST .../drafts` body.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDraft {
    /// The version this draft follows (optimistic concurrency): the current one.
    base_version: i64,
    clauses: Vec<Clause>,
    #[serde(default)]
    note: Option<String>,
    /// Seconds the parties have to respond (default one day).
    #[serde(default)]
    respond_within_seconds: Option<f64>,
    /// Issues whose wording the mediator confirms although it was written for another option.
    #[serde(default)]
    keep_wording: Vec<String>,
    /// The version this draft corrects: the draft it follows (`base_version`), open (it is
    /// superseded) or withdrawn (or settled). A corrected draft is the next draft, answered
    /// afresh; the parties see which version it corrects.
    #[serde(default)]
    corrects: Option<i64>,
    /// Under the one-text rules: circulate this draft as the final text, put to the binding
    /// vote ("call the final vote"; parties accept or reject it, with no comparison). Refused
    /// (422) under binding rules.
    #[serde(default)]
    final_vote: bool,
}

/// A mediator circulates the next draft; agents answer at once.
#[utoipa::path(post, path = "/api/negotiations/{id}/drafts", tag = "negotiation", summary = "Mediator: circulate the next draft (base_version = the current one, else 409 version_conflict; wording written for another option: 422 wording_mismatch unless keep_wording)", params(("id" = String, Path, description = "The negotiation")), request_body = NewDraft, responses((status = 201, description = "{version, deadline_at, clauses, changes}", body = Object), (status = 400, description = "Invalid request", body = crate::error::ErrorBody), (status = 401, description = "Not signed in", body = crate::error::ErrorBody), (status = 403, description = "Your seat may not do this", body = crate::error::ErrorBody), (status = 404, description = "No such negotiation among yours", body = crate::error::ErrorBody), (status = 409, description = "Version conflict or negotiation over", body = crate::error::ErrorBody), (status = 422, description = "Wording written for another option", body = crate::error::ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn create_draft(
    State(s): State<AppState>,
    Auth(user): Auth,
    Path(id): Path<String>,
    b: JsonBody<NewDraft>,
) -> Res<(StatusCode, Json<Value>)> {
    let d = body(b)?;
    let m = member(&s.store, &id, &user.id).await?;
    m.require_mediator()?;
    crate::phases::refuse_in_round(&m.row)?;
    let (clauses, _) = process::normalise(&m.public, &d.clauses)
        .map_err(|e| ApiError::invalid(format!("clauses: {e}")))?;
    if d.note.as_ref().is_some_and(|n| n.chars().count() > 4000) {
        return Err(ApiError::invalid("note: at most 4000 characters"));
    }
    if let Some(c) = clauses
        .iter()
        .find(|c| c.wording.as_ref().is_some_and(|w| w.chars().count() > 4000))
    {
        return Err(ApiError::invalid(format!(
            "clauses: the wording of `{}` has more than 4000 characters",
            c.issue
        )));
    }
    if let Some(c) = d.corrects {
        if c < 1 || c != d.base_version {
            return Err(ApiError::invalid(format!(
                "corrects: a corrected draft follows the draft it corrects, so `corrects` must be `base_version` ({}) and at least 1",
                d.base_version
            )));
        }
    }
    if m.row.current_version >= MAX_DRAFTS {
        return Err(ApiError::conflict(
            "too_many_drafts",
            format!(
                "a negotiation holds at most {MAX_DRAFTS} drafts; open a new negotiation to go on"
            ),
        ));
    }
    let within = d.respond_within_seconds.unwrap_or(86_400.0);
    if !(within.is_finite() && within > 0.0 && within <= 365.0 * 86_400.0) {
        return Err(ApiError::invalid(
            "respond_within_seconds: more than 0, at most a year",
        ));
    }
    let now = now_ms();
    let deadline = now + (within * 1000.0) as i64;
    // Read before the transaction (see the store's invariant); the machine's version check below
    // makes sure it is still the last draft.
    let last = m.row.current_version;
    let previous: Vec<Clause> = match s.store.drafts(&id, last).await?.last() {
        Some(p) => clauses_of(&p.clauses),
        None => Vec::new(),
    };
    // Wording written for another option must not travel unnoticed (issue 12).
    let mismatched: Vec<String> = process::wording_mismatches(&m.public, &previous, &clauses)
        .into_iter()
        .filter(|w| !d.keep_wording.contains(&w.issue))
        .map(|w| w.message)
        .collect();
    if !mismatched.is_empty() {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "wording_mismatch",
            format!(
                "{}. Use the option's own wording, write new wording, or confirm the wording as it is (keep_wording).",
                mismatched.join("; ")
            ),
        ));
    }
    let mut tx = s.store.write(&id).await?;
    let mut text = tx.live_text().await?;
    let events = text.circulate_as(d.base_version, deadline, now, d.final_vote)?;
    let version = text.current_version();
    let clauses_json = serde_json::to_string(&clauses).map_err(ApiError::internal)?;
    crate::live::record(&mut tx, &events, Some(&user.id), None).await?;
    tx.insert_draft(
        version,
        &clauses_json,
        d.note.as_deref(),
        deadline,
        &user.id,
        d.corrects,
    )
    .await?;
    if d.final_vote {
        tx.mark_final(version).await?;
    }
    let changes = process::diff(&previous, &clauses);
    tx.event(
        EventKind::Draft,
        Some(&user.id),
        &Audience::Everyone,
        &json!({"version": version, "clauses": clauses, "changes": changes, "note": d.note, "deadline_at": deadline, "by": m.seat.seat, "corrects": d.corrects, "final_vote": d.final_vote}),
    )
    .await?;
    tx.commit().await?;
    // Its mediator is no longer editing: the other desks' sign goes with the draft's arrival.
    s.editing.stop(&id, &m.seat.seat, now);
    s.notify(&id);
    // The draft stands whatever the agents do; an agent that cannot answer is marked failed
    // and the mediators are told (see `agents_respond`).
    if let Err(e) = crate::agents_respond(&s, &id, version).await {
        tracing::warn!(negotiation = %id, version, error = %e.message, "agents could not answer");
    }
    Ok((
        StatusCode::CREATED,
        Json(
            json!({"version": version, "deadline_at": deadline, "clauses": clauses, "changes": changes, "corrects": d.corrects, "final_vote": d.final_vote}),
        ),
    ))
}

/// `POST .../responses` body.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Respond {
    /// accept, reject or amend.
    #[schema(pattern = "^(accept|reject|amend)$")]
    verdict: String,
    #[serde(default)]
    amendment: Option<Amendment>,
    #[serde(default)]
    comment: Option<String>,
    /// Under the one-text rules, for a draft that is not the final text and follows another:
    /// how it compares with the draft before (binary feedback: `better` or `worse`; graded5:
    /// `much_worse`, `worse`, `about_the_same`, `better`, `much_better`). Required there,
    /// refused (422) anywhere else.
    #[serde(default)]
    comparison: Option<crate::one_text::ComparisonName>,
}

impl Respond {
    /// The verdict, from its name.
    fn verdict(&self) -> Res<Verdict> {
        self.verdict
            .parse()
            .map_err(|_| ApiError::invalid("verdict: accept, reject or amend"))
    }
}

/// Only negotiating parties answer drafts.
fn require_party(m: &super::Member) -> Res<()> {
    if m.seat.role == Role::Party {
        Ok(())
    } else {
        Err(not_a_party())
    }
}

fn not_a_party() -> ApiError {
    ApiError::forbidden("only negotiating parties respond to drafts")
}

/// A party answers the current draft: accept, reject, or amend one clause.
#[utoipa::path(post, path = "/api/negotiations/{id}/drafts/{version}/responses", tag = "negotiation", summary = "Party: accept, reject or amend the current draft before its deadline; the first draft every party accepts is the agreement", params(("id" = String, Path, description = "The negotiation"), ("version" = i64, Path, description = "The draft's version")), request_body = Respond, responses((status = 201, description = "{version, seat, verdict}", body = Object), (status = 400, description = "Invalid request", body = crate::error::ErrorBody), (status = 401, description = "Not signed in", body = crate::error::ErrorBody), (status = 403, description = "Your seat may not do this", body = crate::error::ErrorBody), (status = 404, description = "No such negotiation among yours", body = crate::error::ErrorBody), (status = 409, description = "Draft closed, already answered, or negotiation over", body = crate::error::ErrorBody), (status = 410, description = "Deadline passed", body = crate::error::ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn respond(
    State(s): State<AppState>,
    Auth(user): Auth,
    Path((id, version)): Path<(String, i64)>,
    b: JsonBody<Respond>,
) -> Res<(StatusCode, Json<Value>)> {
    let r = body(b)?;
    let verdict = r.verdict()?;
    // The seat is read with the lock (issue 18: reading the negotiation and its seats first
    // was a round trip of its own on PostgreSQL); the public document, parsed once per
    // process, before it. The same answers in the same order as `member` then the checks: an
    // account without a seat here learns nothing, not even whether the body was valid.
    let public = super::public_of(&s.store, &id).await?;
    let amendment = amendment_json(verdict, r.amendment.clone(), r.comment.as_deref(), &public);
    let (tx, held) = s.store.write_as(&id, &user.id).await?;
    let (seat, role) = held.ok_or_else(super::not_a_member)?;
    if role != Role::Party {
        return Err(not_a_party());
    }
    let comparison = r.comparison.map(Comparison::from);
    record_response_in(
        &s,
        tx,
        &id,
        version,
        &seat,
        Some(&user.id),
        (verdict, comparison),
        r.amendment.as_ref(),
        amendment?,
        r.comment,
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(
            json!({"version": version, "seat": seat, "verdict": verdict.as_str(), "comparison": comparison.map(Comparison::as_str)}),
        ),
    ))
}

/// A party replaces its answer to the open draft: before the deadline and before every party
/// has answered (the last answer settles the draft at once).
#[utoipa::path(put, path = "/api/negotiations/{id}/drafts/{version}/responses", tag = "negotiation", summary = "Party: change your answer to the open draft (same body as answering): before its deadline and while the draft is open, i.e. before every party has answered; the party and the mediators see the change, other parties never", params(("id" = String, Path, description = "The negotiation"), ("version" = i64, Path, description = "The draft's version")), request_body = Respond, responses((status = 200, description = "{version, seat, verdict, changed_from}", body = Object), (status = 400, description = "Invalid request", body = crate::error::ErrorBody), (status = 401, description = "Not signed in", body = crate::error::ErrorBody), (status = 403, description = "Your seat may not do this", body = crate::error::ErrorBody), (status = 404, description = "No such negotiation among yours", body = crate::error::ErrorBody), (status = 409, description = "Draft settled or closed, not answered yet, adjourned, or negotiation over", body = crate::error::ErrorBody), (status = 410, description = "Deadline passed", body = crate::error::ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn change_response(
    State(s): State<AppState>,
    Auth(user): Auth,
    Path((id, version)): Path<(String, i64)>,
    b: JsonBody<Respond>,
) -> Res<Json<Value>> {
    let r = body(b)?;
    let verdict = r.verdict()?;
    let m = member(&s.store, &id, &user.id).await?;
    require_party(&m)?;
    let seat = m.seat.seat.clone();
    let phase_named = r.amendment.clone();
    let amendment = amendment_json(verdict, r.amendment, r.comment.as_deref(), &m.public)?;
    let mut tx = s.store.write(&id).await?;
    let mut text = tx.live_text().await?;
    check_amended_phase(&mut tx, version, phase_named.as_ref()).await?;
    let comparison = r.comparison.map(Comparison::from);
    let events = text.change_answer_with(version, &seat, verdict, comparison, now_ms())?;
    let from = events.iter().find_map(|e| match e {
        accord_protocol::live::LiveEvent::AnswerChanged { from, .. } => Some(*from),
        _ => None,
    });
    if !tx
        .change_response(
            version,
            &seat,
            verdict,
            amendment.as_deref(),
            r.comment.as_deref(),
            Some(&user.id),
        )
        .await?
    {
        return Err(accord_protocol::live::Refusal::NotAnswered { seat, version }.into());
    }
    tx.set_comparison(version, &seat, comparison).await?;
    let amendment_value: Option<Value> = amendment
        .as_deref()
        .and_then(|a| serde_json::from_str(a).ok());
    // A party's answers are for the mediators and itself (see `viewer::may_see_answers_of`).
    tx.event(
        EventKind::AnswerChanged,
        Some(&user.id),
        &Audience::MediatorsAnd(seat.clone()),
        &json!({"version": version, "seat": seat, "from": from.map(Verdict::as_str), "verdict": verdict.as_str(), "amendment": amendment_value, "comment": r.comment, "comparison": comparison.map(Comparison::as_str)}),
    )
    .await?;
    crate::live::record(&mut tx, &events, Some(&user.id), None).await?;
    tx.commit().await?;
    s.notify(&id);
    Ok(Json(
        json!({"version": version, "seat": seat, "verdict": verdict.as_str(), "changed_from": from.map(Verdict::as_str), "comparison": comparison.map(Comparison::as_str)}),
    ))
}

/// The one clause a party asks to change: an issue and the value it proposes (with wording), in
/// a phased draft (issue 15) in the phase named by `phase` (by default its first phase).
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Amendment {
    /// The issue.
    pub issue: String,
    /// The proposed value (an option's name, or a number).
    #[schema(value_type = serde_json::Value)]
    pub value: accord_formats::Scalar,
    /// The clause's proposed text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wording: Option<String>,
    /// In a phased draft, the phase whose clause changes (a phase that fixes clauses).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase: Option<String>,
}

impl From<Clause> for Amendment {
    fn from(c: Clause) -> Amendment {
        Amendment {
            issue: c.issue,
            value: c.value,
            wording: c.wording,
            phase: None,
        }
    }
}

/// An amendment naming a phase must name one of the draft's phases that fixes clauses.
async fn check_amended_phase(
    tx: &mut crate::store::Tx,
    version: i64,
    amendment: Option<&Amendment>,
) -> Res<()> {
    let Some(phase) = amendment.and_then(|a| a.phase.as_deref()) else {
        return Ok(());
    };
    let (phases, _) = tx.draft_phases(version).await?;
    let Some(phases) = crate::phases::phases_of(phases.as_deref()) else {
        return Err(ApiError::invalid(format!(
            "amendment.phase: draft {version} has no phases (leave `phase` out)"
        )));
    };
    match phases.iter().find(|p| p.name == phase) {
        None => Err(ApiError::invalid(format!(
            "amendment.phase: draft {version} has no phase `{phase}`; its phases: {}",
            phases.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join(", ")
        ))),
        Some(p) if p.clauses.is_none() => Err(ApiError::invalid(format!(
            "amendment.phase: phase `{phase}` is open (its terms are to be negotiated); only a phase that fixes clauses can be amended"
        ))),
        Some(_) => Ok(()),
    }
}

/// An answer's amendment checked against the issues, as stored (JSON); the comment's length.
fn amendment_json(
    verdict: Verdict,
    amendment: Option<Amendment>,
    comment: Option<&str>,
    public: &ScenarioDoc,
) -> Res<Option<String>> {
    let amendment = match (verdict, amendment) {
        (Verdict::Amend, Some(a)) => {
            let issue = public
                .issues
                .iter()
                .find(|i| i.name == a.issue)
                .ok_or_else(|| ApiError::invalid(format!("amendment: no issue `{}`", a.issue)))?;
            let mut probe: Vec<Clause> = public
                .issues
                .iter()
                .map(|i| Clause {
                    issue: i.name.clone(),
                    value: first_value(i),
                    wording: None,
                })
                .collect();
            if let Some(c) = probe.iter_mut().find(|c| c.issue == issue.name) {
                c.value = a.value.clone();
            }
            process::normalise(public, &probe)
                .map_err(|e| ApiError::invalid(format!("amendment: {e}")))?;
            if a.wording.as_ref().is_some_and(|w| w.chars().count() > 4000) {
                return Err(ApiError::invalid(
                    "amendment.wording: at most 4000 characters",
                ));
            }
            Some(serde_json::to_string(&a).map_err(ApiError::internal)?)
        }
        (Verdict::Amend, None) => {
            return Err(ApiError::invalid(
                "an amendment needs `amendment`: {issue, value, wording?, phase?}",
            ))
        }
        (_, Some(_)) => {
            return Err(ApiError::invalid(
                "`amendment` goes with the verdict `amend`",
            ))
        }
        (_, None) => None,
    };
    if comment.is_some_and(|c| c.chars().count() > 4000) {
        return Err(ApiError::invalid("comment: at most 4000 characters"));
    }
    Ok(amendment)
}

/// Records one seat's response (its verdict and, under the one-text rules, its comparison with
/// the draft before); the machine settles the draft when every party has answered.
#[allow(clippy::too_many_arguments)] // the response's parts, as the API receives them
pub(crate) async fn record_response(
    s: &AppState,
    id: &str,
    version: i64,
    seat: &str,
    actor: Option<&str>,
    (verdict, comparison): (Verdict, Option<Comparison>),
    amendment: Option<Amendment>,
    comment: Option<String>,
    public: &ScenarioDoc,
) -> Res<()> {
    let amendment_text = amendment_json(verdict, amendment.clone(), comment.as_deref(), public)?;
    let tx = s.store.write(id).await?;
    record_response_in(
        s,
        tx,
        id,
        version,
        seat,
        actor,
        (verdict, comparison),
        amendment.as_ref(),
        amendment_text,
        comment,
    )
    .await
}

/// `record_response` in a transaction holding the negotiation's lock (`Store::write`), with the
/// amendment as given (`phase_named`, for its phase) and as stored (`amendment`, checked).
#[allow(clippy::too_many_arguments)] // the response's parts, as the API receives them
async fn record_response_in(
    s: &AppState,
    mut tx: crate::store::Tx,
    id: &str,
    version: i64,
    seat: &str,
    actor: Option<&str>,
    (verdict, comparison): (Verdict, Option<Comparison>),
    phase_named: Option<&Amendment>,
    amendment: Option<String>,
    comment: Option<String>,
) -> Res<()> {
    let mut text = tx.live_text().await?;
    check_amended_phase(&mut tx, version, phase_named).await?;
    let events = text.answer(version, seat, verdict, comparison, now_ms())?;
    let amendment_value: Option<Value> = amendment
        .as_deref()
        .and_then(|a| serde_json::from_str(a).ok());
    let payload = json!({"version": version, "seat": seat, "verdict": verdict.as_str(), "amendment": amendment_value, "comment": comment, "comparison": comparison.map(Comparison::as_str)});
    let recorded = tx
        .insert_response(
            version,
            seat,
            (verdict, comparison),
            amendment.as_deref(),
            comment.as_deref(),
            actor,
            NewEvent {
                kind: EventKind::Response,
                actor,
                audience: &Audience::MediatorsAnd(seat.to_string()),
                payload: &payload,
            },
        )
        .await;
    match recorded {
        Err(crate::store::StoreError::Conflict(_)) => {
            return Err(accord_protocol::live::Refusal::AlreadyAnswered {
                seat: seat.to_string(),
                version,
            }
            .into())
        }
        other => other?,
    }
    crate::live::record(&mut tx, &events, actor, None).await?;
    tx.commit().await?;
    s.notify(id);
    Ok(())
}

fn first_value(i: &accord_formats::IssueDoc) -> accord_formats::Scalar {
    match (&i.options, i.min) {
        (Some(opts), _) => match opts.first() {
            Some(accord_formats::OptionDoc::Name(n)) => accord_formats::Scalar::Text(n.clone()),
            Some(accord_formats::OptionDoc::Full(f)) => {
                accord_formats::Scalar::Text(f.name.clone())
            }
            None => accord_formats::Scalar::Int(0),
        },
        (None, Some(min)) => match min {
            accord_formats::Number::Int(x) => accord_formats::Scalar::Int(x),
            accord_formats::Number::Float(x) => accord_formats::Scalar::Float(x),
        },
        _ => accord_formats::Scalar::Int(0),
    }
}

/// `POST .../close` body.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Close {
    #[serde(default)]
    reason: Option<String>,
}

/// A mediator ends an open negotiation without agreement (recorded as failed).
#[utoipa::path(post, path = "/api/negotiations/{id}/close", tag = "negotiation", summary = "Mediator: end without agreement (recorded as failed)", params(("id" = String, Path, description = "The negotiation")), request_body = Close, responses((status = 200, description = "{status: failed}", body = Object), (status = 400, description = "Invalid request", body = crate::error::ErrorBody), (status = 401, description = "Not signed in", body = crate::error::ErrorBody), (status = 403, description = "Your seat may not do this", body = crate::error::ErrorBody), (status = 404, description = "No such negotiation among yours", body = crate::error::ErrorBody), (status = 409, description = "Over already", body = crate::error::ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn close(
    State(s): State<AppState>,
    Auth(user): Auth,
    Path(id): Path<String>,
    b: JsonBody<Close>,
) -> Res<Json<Value>> {
    let c = body(b)?;
    let m = member(&s.store, &id, &user.id).await?;
    m.require_mediator()?;
    crate::phases::refuse_in_round(&m.row)?;
    if c.reason.as_ref().is_some_and(|r| r.chars().count() > 4000) {
        return Err(ApiError::invalid("reason: at most 4000 characters"));
    }
    let mut tx = s.store.write(&id).await?;
    let mut text = tx.live_text().await?;
    let events = text.close().map_err(|r| match r {
        accord_protocol::live::Refusal::NotOpen(status) => {
            ApiError::conflict("closed", format!("the negotiation is {status} already"))
        }
        other => other.into(),
    })?;
    crate::live::record(&mut tx, &events, Some(&user.id), c.reason.as_deref()).await?;
    tx.commit().await?;
    s.notify(&id);
    Ok(Json(json!({"status": NegotiationStatus::Failed.as_str()})))
}

/// `POST .../drafts/{version}/deadline` body.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Extend {
    /// Seconds added to the deadline (more than 0, at most a year).
    by_seconds: f64,
}

/// A mediator gives the parties more time to answer the open draft.
#[utoipa::path(post, path = "/api/negotiations/{id}/drafts/{version}/deadline", tag = "negotiation", summary = "Mediator: extend the open draft's deadline by by_seconds (before it passes; while adjourned, the paused time left grows)", params(("id" = String, Path, description = "The negotiation"), ("version" = i64, Path, description = "The draft's version")), request_body = Extend, responses((status = 200, description = "{version, deadline_at, remaining_ms, extended_by_seconds}", body = Object), (status = 400, description = "Invalid request", body = crate::error::ErrorBody), (status = 401, description = "Not signed in", body = crate::error::ErrorBody), (status = 403, description = "Your seat may not do this", body = crate::error::ErrorBody), (status = 404, description = "No such negotiation among yours, or no such draft", body = crate::error::ErrorBody), (status = 409, description = "Draft not open, or negotiation over", body = crate::error::ErrorBody), (status = 410, description = "Deadline passed", body = crate::error::ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn extend_deadline(
    State(s): State<AppState>,
    Auth(user): Auth,
    Path((id, version)): Path<(String, i64)>,
    b: JsonBody<Extend>,
) -> Res<Json<Value>> {
    let e = body(b)?;
    let m = member(&s.store, &id, &user.id).await?;
    m.require_mediator()?;
    if !(e.by_seconds.is_finite() && e.by_seconds > 0.0 && e.by_seconds <= 365.0 * 86_400.0) {
        return Err(ApiError::invalid("by_seconds: more than 0, at most a year"));
    }
    let by = ((e.by_seconds * 1000.0) as i64).max(1);
    let mut tx = s.store.write(&id).await?;
    let mut text = tx.live_text().await?;
    let events = text.extend(version, by, now_ms())?;
    crate::live::record(&mut tx, &events, Some(&user.id), None).await?;
    let Some(d) = events.iter().find_map(|e| match e {
        LiveEvent::DeadlineExtended { deadline, .. } => Some(*deadline),
        _ => None,
    }) else {
        return Err(ApiError::internal("an extension without its deadline"));
    };
    tx.event(
        EventKind::DeadlineExtended,
        Some(&user.id),
        &Audience::Everyone,
        &json!({"version": version, "deadline_at": d.deadline, "remaining_ms": d.remaining, "extended_by_ms": by, "by": m.seat.seat}),
    )
    .await?;
    tx.commit().await?;
    s.notify(&id);
    Ok(Json(
        json!({"version": version, "deadline_at": d.deadline, "remaining_ms": d.remaining, "extended_by_seconds": by as f64 / 1000.0}),
    ))
}

/// `POST .../drafts/{version}/withdraw` body.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Withdraw {
    /// Why, for every seat (1 to 4000 characters).
    reason: String,
}

/// A mediator withdraws the open draft, saying why; the negotiation goes on (a corrected
/// draft may follow: `corrects` on the next draft).
#[utoipa::path(post, path = "/api/negotiations/{id}/drafts/{version}/withdraw", tag = "negotiation", summary = "Mediator: withdraw the open draft with a reason every seat sees; answers stop, the negotiation goes on (circulate a corrected draft with corrects = version)", params(("id" = String, Path, description = "The negotiation"), ("version" = i64, Path, description = "The draft's version")), request_body = Withdraw, responses((status = 200, description = "{version, status: withdrawn, reason}", body = Object), (status = 400, description = "Invalid request", body = crate::error::ErrorBody), (status = 401, description = "Not signed in", body = crate::error::ErrorBody), (status = 403, description = "Your seat may not do this", body = crate::error::ErrorBody), (status = 404, description = "No such negotiation among yours, or no such draft", body = crate::error::ErrorBody), (status = 409, description = "Draft not open, or negotiation over", body = crate::error::ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn withdraw_draft(
    State(s): State<AppState>,
    Auth(user): Auth,
    Path((id, version)): Path<(String, i64)>,
    b: JsonBody<Withdraw>,
) -> Res<Json<Value>> {
    let w = body(b)?;
    let m = member(&s.store, &id, &user.id).await?;
    m.require_mediator()?;
    let reason = w.reason.trim();
    if reason.is_empty() || reason.chars().count() > 4000 {
        return Err(ApiError::invalid(
            "reason: say why the draft is withdrawn (at most 4000 characters)",
        ));
    }
    let mut tx = s.store.write(&id).await?;
    let mut text = tx.live_text().await?;
    let events = text.withdraw(version)?;
    crate::live::record(&mut tx, &events, Some(&user.id), None).await?;
    tx.set_withdrawn_reason(version, reason).await?;
    tx.event(
        EventKind::DraftWithdrawn,
        Some(&user.id),
        &Audience::Everyone,
        &json!({"version": version, "reason": reason, "by": m.seat.seat}),
    )
    .await?;
    tx.commit().await?;
    s.notify(&id);
    Ok(Json(
        json!({"version": version, "status": DraftStatus::Withdrawn.as_str(), "reason": reason}),
    ))
}

/// `POST .../adjourn` body.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Adjourn {
    /// Why, for every seat (optional).
    #[serde(default)]
    reason: Option<String>,
}

/// A mediator adjourns the negotiation: nothing is circulated or answered, the open draft's
/// deadline is paused with the time it has left.
#[utoipa::path(post, path = "/api/negotiations/{id}/adjourn", tag = "negotiation", summary = "Mediator: adjourn (no drafts circulated or answered; the open draft's deadline paused with the time it has left; a draft already at its deadline expires)", params(("id" = String, Path, description = "The negotiation")), request_body = Adjourn, responses((status = 200, description = "{status: adjourned, paused: {version, remaining_ms} or null}", body = Object), (status = 400, description = "Invalid request", body = crate::error::ErrorBody), (status = 401, description = "Not signed in", body = crate::error::ErrorBody), (status = 403, description = "Your seat may not do this", body = crate::error::ErrorBody), (status = 404, description = "No such negotiation among yours", body = crate::error::ErrorBody), (status = 409, description = "Adjourned already, or over", body = crate::error::ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn adjourn(
    State(s): State<AppState>,
    Auth(user): Auth,
    Path(id): Path<String>,
    b: JsonBody<Adjourn>,
) -> Res<Json<Value>> {
    let a = body(b)?;
    let m = member(&s.store, &id, &user.id).await?;
    m.require_mediator()?;
    let reason = a.reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
    if reason.is_some_and(|r| r.chars().count() > 4000) {
        return Err(ApiError::invalid("reason: at most 4000 characters"));
    }
    let mut tx = s.store.write(&id).await?;
    let mut text = tx.live_text().await?;
    let events = text.adjourn(now_ms()).map_err(|r| match r {
        Refusal::NotOpen(NegotiationStatus::Adjourned) => {
            ApiError::conflict("adjourned", "the negotiation is adjourned already")
        }
        other => other.into(),
    })?;
    crate::live::record(&mut tx, &events, Some(&user.id), reason).await?;
    let paused = events.iter().find_map(|e| match e {
        LiveEvent::Adjourned { paused } => {
            Some(paused.map(|d| json!({"version": d.version, "remaining_ms": d.remaining})))
        }
        _ => None,
    });
    let paused = paused.flatten();
    tx.event(
        EventKind::Adjourned,
        Some(&user.id),
        &Audience::Everyone,
        &json!({"reason": reason, "paused": paused, "by": m.seat.seat}),
    )
    .await?;
    tx.commit().await?;
    s.notify(&id);
    Ok(Json(
        json!({"status": NegotiationStatus::Adjourned.as_str(), "paused": paused}),
    ))
}

/// `POST .../reopen` body (empty).
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Reopen {}

/// A mediator reopens an adjourned negotiation: the paused deadline runs again with the time
/// it had left.
#[utoipa::path(post, path = "/api/negotiations/{id}/reopen", tag = "negotiation", summary = "Mediator: reopen an adjourned negotiation; the paused deadline runs again with the time it had left", params(("id" = String, Path, description = "The negotiation")), request_body = Reopen, responses((status = 200, description = "{status: open, resumed: {version, deadline_at} or null}", body = Object), (status = 400, description = "Invalid request", body = crate::error::ErrorBody), (status = 401, description = "Not signed in", body = crate::error::ErrorBody), (status = 403, description = "Your seat may not do this", body = crate::error::ErrorBody), (status = 404, description = "No such negotiation among yours", body = crate::error::ErrorBody), (status = 409, description = "Not adjourned, or over", body = crate::error::ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn reopen(
    State(s): State<AppState>,
    Auth(user): Auth,
    Path(id): Path<String>,
    b: JsonBody<Reopen>,
) -> Res<Json<Value>> {
    body(b)?;
    let m = member(&s.store, &id, &user.id).await?;
    m.require_mediator()?;
    let mut tx = s.store.write(&id).await?;
    let mut text = tx.live_text().await?;
    let events = text.reopen(now_ms())?;
    crate::live::record(&mut tx, &events, Some(&user.id), None).await?;
    let resumed = events
        .iter()
        .find_map(|e| match e {
            LiveEvent::Reopened { resumed } => {
                Some(resumed.map(|d| json!({"version": d.version, "deadline_at": d.deadline})))
            }
            _ => None,
        })
        .flatten();
    tx.event(
        EventKind::Reopened,
        Some(&user.id),
        &Audience::Everyone,
        &json!({"resumed": resumed, "by": m.seat.seat}),
    )
    .await?;
    tx.commit().await?;
    s.notify(&id);
    // Agents answer a resumed draft they had not answered (the deadline keeper also asks).
    if let Some(version) = resumed.as_ref().and_then(|r| r["version"].as_i64()) {
        if let Err(e) = crate::agents_respond(&s, &id, version).await {
            tracing::warn!(negotiation = %id, version, error = %e.message, "agents could not answer");
        }
    }
    Ok(Json(
        json!({"status": NegotiationStatus::Open.as_str(), "resumed": resumed}),
    ))
}
