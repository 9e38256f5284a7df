//! Phased texts over HTTP (issue 15): a mediator circulates a phased draft (answered like any
//! draft), sets each agreed phase's status, and circulates "extend phase k" or "move on to phase
//! k+1" as a follow-up draft; a party sees what a phased draft means to it.

use super::{body, clauses_of, member, preferences_to_assess, JsonBody, Res};
use crate::auth::Auth;
use crate::domain::{Audience, DraftStatus, EventKind, NegotiationStatus};
use crate::error::ApiError;
use crate::phases::{self, FollowUp, PhaseText};
use crate::process;
use crate::store::now_ms;
use crate::AppState;
use accord_protocol::phased::{
    self as rules, FollowUpKind, PhaseLedger, PhaseRefusal, PhaseStatus,
};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

impl From<PhaseRefusal> for ApiError {
    fn from(r: PhaseRefusal) -> Self {
        let message = r.to_string();
        match r {
            PhaseRefusal::NoSuchPhase(_) => ApiError::not_found(message),
            PhaseRefusal::NoAgreement | PhaseRefusal::NotPhased => {
                ApiError::conflict("no_phased_agreement", message)
            }
            _ => ApiError::conflict("phase_transition", message),
        }
    }
}

/// The phases of every phased draft, the agreed text's phase statuses and the names clients
/// need; phases are part of the text, so every seat sees them.
#[utoipa::path(get, path = "/api/negotiations/{id}/phases", tag = "negotiation", summary = "Phased texts: the scenario's proposed phases, each phased draft's phases and follow-up, the agreed text's phase statuses, for mediators what each phase allows now (actions: [{statuses, follow_ups}]), whether a follow-up round is open, and the vocabulary (phase statuses, follow-up kinds)", params(("id" = String, Path, description = "The negotiation")), responses((status = 200, description = "{scenario_phases, drafts: [{version, phases, follow_up}], statuses, actions, standing_version, in_round, may_steer, vocabulary}", body = Object), (status = 400, description = "Invalid request", body = crate::error::ErrorBody), (status = 401, description = "Not signed in", body = crate::error::ErrorBody), (status = 404, description = "No such negotiation among yours", body = crate::error::ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn phases(
    State(s): State<AppState>,
    Auth(user): Auth,
    Path(id): Path<String>,
) -> Res<Json<Value>> {
    let m = member(&s.store, &id, &user.id).await?;
    let drafts = s.store.phased_drafts(&id).await?;
    let statuses = phases::ledger_of(s.store.phase_statuses(&id).await?.as_deref());
    // What a mediator may do with each agreed phase now, from the rules (pages offer only that).
    let agreed = m
        .row
        .agreement_version
        .and_then(|v| drafts.iter().find(|d| d.version == v))
        .and_then(|d| phases::phases_of(Some(&d.phases)));
    let actions = match (&statuses, &agreed) {
        (Some(l), Some(p)) if m.viewer.may_steer_phases() => {
            let open: Vec<bool> = p.iter().map(|x| x.clauses.is_none()).collect();
            let round = phases::in_round(&m.row);
            json!((0..p.len()).map(|k| json!({
                "statuses": l.allowed(k, &open).iter().map(|s| s.as_str()).collect::<Vec<_>>(),
                // A follow-up is circulated from the agreed text, not during another round.
                "follow_ups": if round { Vec::new() } else { l.follow_ups(k).iter().map(|f| f.as_str()).collect::<Vec<_>>() },
            })).collect::<Vec<_>>())
        }
        _ => Value::Null,
    };
    Ok(Json(json!({
        "actions": actions,
        "scenario_phases": phases::scenario_phases(&m.public),
        "drafts": drafts.iter().map(|d| json!({
            "version": d.version,
            "phases": phases::phases_of(Some(&d.phases)),
            "follow_up": d.follow_up.as_deref().and_then(|f| serde_json::from_str::<Value>(f).ok()),
        })).collect::<Vec<_>>(),
        "statuses": statuses.as_ref().map(phases::ledger_json),
        "standing_version": m.row.agreement_version,
        "in_round": phases::in_round(&m.row),
        "may_steer": m.viewer.may_steer_phases(),
        "vocabulary": {
            "phase_statuses": PhaseStatus::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
            "follow_ups": FollowUpKind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
        },
    })))
}

/// `POST .../phased-drafts` body.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPhasedDraft {
    /// The version this draft follows (optimistic concurrency): the current one.
    base_version: i64,
    /// The phases, in order; the first fixes every clause.
    phases: Vec<PhaseText>,
    #[serde(default)]
    note: Option<String>,
    /// Seconds the parties have to respond (default one day).
    #[serde(default)]
    respond_within_seconds: Option<f64>,
    /// On an agreed phased text: extend phase k or move on to phase k+1.
    #[serde(default)]
    follow_up: Option<FollowUp>,
}

/// The standing agreement's phases and statuses, or why there are none.
async fn standing(
    s: &AppState,
    id: &str,
    row: &crate::store::NegotiationRow,
) -> Res<(Vec<PhaseText>, PhaseLedger)> {
    let Some(version) = row.agreement_version else {
        return Err(PhaseRefusal::NoAgreement.into());
    };
    let drafts = s.store.phased_drafts(id).await?;
    let phases = drafts
        .iter()
        .find(|d| d.version == version)
        .and_then(|d| phases::phases_of(Some(&d.phases)))
        .ok_or(PhaseRefusal::NotPhased)?;
    let ledger = phases::ledger_of(s.store.phase_statuses(id).await?.as_deref())
        .ok_or(PhaseRefusal::NotPhased)?;
    Ok((phases, ledger))
}

/// A mediator circulates a phased draft, or a follow-up on the agreed phased text.
#[utoipa::path(post, path = "/api/negotiations/{id}/phased-drafts", tag = "negotiation", summary = "Mediator: circulate a phased draft (phases: clauses per fixed phase, agenda and trigger per open phase), answered like any draft; with follow_up {kind: extend|move_on, phase}: a follow-up on the agreed phased text, which re-opens the negotiation for it (see docs/serve.md)", params(("id" = String, Path, description = "The negotiation")), request_body = NewPhasedDraft, responses((status = 201, description = "{version, deadline_at, clauses, phases, follow_up}", body = Object), (status = 400, description = "Invalid request", body = crate::error::ErrorBody), (status = 401, description = "Not signed in", body = crate::error::ErrorBody), (status = 403, description = "Your seat may not do this", body = crate::error::ErrorBody), (status = 404, description = "No such negotiation among yours", body = crate::error::ErrorBody), (status = 409, description = "Version conflict, negotiation over, or the phase's status does not allow this follow-up", body = crate::error::ErrorBody), (status = 422, description = "Not a valid phased text, or a follow-up that changes more than it says", body = crate::error::ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn create_phased_draft(
    State(s): State<AppState>,
    Auth(user): Auth,
    Path(id): Path<String>,
    b: JsonBody<NewPhasedDraft>,
) -> Res<(StatusCode, Json<Value>)> {
    let d = body(b)?;
    let m = member(&s.store, &id, &user.id).await?;
    if !m.viewer.may_steer_phases() {
        return Err(ApiError::forbidden("only a mediator may do this"));
    }
    let unprocessable =
        |e: String| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_phases", e);
    let (phased, _) = phases::normalise(&m.public, &d.phases).map_err(unprocessable)?;
    if d.note.as_ref().is_some_and(|n| n.chars().count() > 4000) {
        return Err(ApiError::invalid("note: at most 4000 characters"));
    }
    let within = d.respond_within_seconds.unwrap_or(86_400.0);
    if !(within.is_finite() && within > 0.0 && within <= 365.0 * 86_400.0) {
        return Err(ApiError::invalid(
            "respond_within_seconds: more than 0, at most a year",
        ));
    }
    let in_round = phases::in_round(&m.row);
    let follow_up = match &d.follow_up {
        Some(f) => {
            let (kind, k) = f.parsed().map_err(ApiError::invalid)?;
            let (agreed, ledger) = standing(&s, &id, &m.row).await?;
            ledger.may_follow_up(kind, k)?;
            phases::check_follow_up(&agreed, &phased, kind, k).map_err(|e| {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "follow_up_mismatch", e)
            })?;
            Some(f.clone())
        }
        None if in_round => {
            return Err(ApiError::conflict(
                "follow_up_round",
                "a follow-up round is open: circulate a follow-up (extend a phase or move on), or end the round",
            ))
        }
        None => None,
    };
    let clauses = phases::clauses_now(&phased);
    let now = now_ms();
    let deadline = now + (within * 1000.0) as i64;
    let previous = match s.store.drafts(&id, m.row.current_version).await?.last() {
        Some(p) => clauses_of(&p.clauses),
        None => Vec::new(),
    };
    let mut tx = s.store.write(&id).await?;
    let mut text = tx.live_text().await?;
    let events = if follow_up.is_some() {
        let was = text.status;
        let events =
            rules::circulate_follow_up(&mut text, in_round, d.base_version, deadline, now)?;
        if was == NegotiationStatus::Agreed {
            tx.set_adjourned(NegotiationStatus::Open, None).await?;
        }
        events
    } else {
        text.circulate(d.base_version, deadline, now)?
    };
    let version = text.current_version();
    crate::live::record(&mut tx, &events, Some(&user.id), None).await?;
    let clauses_json = serde_json::to_string(&clauses).map_err(ApiError::internal)?;
    tx.insert_draft(
        version,
        &clauses_json,
        d.note.as_deref(),
        deadline,
        &user.id,
        None,
    )
    .await?;
    let phases_json = serde_json::to_string(&phased).map_err(ApiError::internal)?;
    let follow_json = follow_up
        .as_ref()
        .map(serde_json::to_string)
        .transpose()
        .map_err(ApiError::internal)?;
    tx.set_draft_phases(version, &phases_json, follow_json.as_deref())
        .await?;
    let changes = process::diff(&previous, &clauses);
    tx.event(
        EventKind::Draft,
        Some(&user.id),
        &Audience::Everyone,
        &json!({"version": version, "clauses": clauses, "changes": changes, "note": d.note, "deadline_at": deadline, "by": m.seat.seat, "corrects": null, "phases": phased, "follow_up": follow_up}),
    )
    .await?;
    tx.commit().await?;
    s.editing.stop(&id, &m.seat.seat, now);
    s.notify(&id);
    if let Err(e) = crate::agents_respond(&s, &id, version).await {
        tracing::warn!(negotiation = %id, version, error = %e.message, "agents could not answer");
    }
    Ok((
        StatusCode::CREATED,
        Json(
            json!({"version": version, "deadline_at": deadline, "clauses": clauses, "phases": phased, "follow_up": follow_up}),
        ),
    ))
}

/// `POST .../phases/{phase}/status` body.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetPhaseStatus {
    /// `in_force`, `completed` or `failed` (pending -> in_force -> completed or failed).
    #[schema(pattern = "^(in_force|completed|failed)$")]
    status: String,
}

/// A mediator sets a phase's status on the agreed phased text.
#[utoipa::path(post, path = "/api/negotiations/{id}/phases/{phase}/status", tag = "negotiation", summary = "Mediator: set phase `phase` (from 1) of the agreed phased text to in_force, completed or failed; phases move pending -> in_force -> completed or failed, in order (409 with the reason otherwise); every seat is told", params(("id" = String, Path, description = "The negotiation"), ("phase" = usize, Path, description = "The phase, from 1")), request_body = SetPhaseStatus, responses((status = 200, description = "{phase, from, to, statuses}", body = Object), (status = 400, description = "Invalid request", body = crate::error::ErrorBody), (status = 401, description = "Not signed in", body = crate::error::ErrorBody), (status = 403, description = "Your seat may not do this", body = crate::error::ErrorBody), (status = 404, description = "No such negotiation among yours, or no such phase", body = crate::error::ErrorBody), (status = 409, description = "No agreed phased text, or a transition the phase's status does not allow", body = crate::error::ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn set_phase_status(
    State(s): State<AppState>,
    Auth(user): Auth,
    Path((id, phase)): Path<(String, usize)>,
    b: JsonBody<SetPhaseStatus>,
) -> Res<Json<Value>> {
    let b = body(b)?;
    let m = member(&s.store, &id, &user.id).await?;
    if !m.viewer.may_steer_phases() {
        return Err(ApiError::forbidden("only a mediator sets a phase's status"));
    }
    let to: PhaseStatus = b
        .status
        .parse()
        .map_err(|e: accord_protocol::live::UnknownName| {
            ApiError::invalid(format!("status: {e}"))
        })?;
    if phase == 0 {
        return Err(ApiError::invalid("phase: phases count from 1"));
    }
    let (standing_phases, _) = standing(&s, &id, &m.row).await?;
    let open: Vec<bool> = standing_phases
        .iter()
        .map(|p| p.clauses.is_none())
        .collect();
    let mut tx = s.store.write(&id).await?;
    // The statuses as the transaction sees them (another mediator may have just set one).
    let mut ledger =
        phases::ledger_of(tx.phase_statuses().await?.as_deref()).ok_or(PhaseRefusal::NotPhased)?;
    let from = ledger.set(phase - 1, to, &open)?;
    let statuses = phases::ledger_json(&ledger);
    tx.set_phase_statuses(Some(&statuses.to_string())).await?;
    tx.event(
        EventKind::PhaseStatus,
        Some(&user.id),
        &Audience::Everyone,
        &json!({"phase": phase, "from": from.as_str(), "to": to.as_str(), "statuses": statuses, "by": m.seat.seat, "version": m.row.agreement_version, "phases": standing_phases.iter().map(|p| &p.name).collect::<Vec<_>>()}),
    )
    .await?;
    tx.commit().await?;
    s.notify(&id);
    Ok(Json(
        json!({"phase": phase, "from": from.as_str(), "to": to.as_str(), "statuses": statuses}),
    ))
}

/// `POST .../follow-up/end` body (empty).
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EndFollowUp {}

/// A mediator ends a follow-up round without a new agreement: the open follow-up draft is
/// withdrawn and the standing agreement (with its phase statuses) holds.
#[utoipa::path(post, path = "/api/negotiations/{id}/follow-up/end", tag = "negotiation", summary = "Mediator: end the follow-up round; an open follow-up draft is withdrawn and the negotiation is agreed again on its standing text", params(("id" = String, Path, description = "The negotiation")), request_body = EndFollowUp, responses((status = 200, description = "{status: agreed, standing_version}", body = Object), (status = 400, description = "Invalid request", body = crate::error::ErrorBody), (status = 401, description = "Not signed in", body = crate::error::ErrorBody), (status = 403, description = "Your seat may not do this", body = crate::error::ErrorBody), (status = 404, description = "No such negotiation among yours", body = crate::error::ErrorBody), (status = 409, description = "No follow-up round is open", body = crate::error::ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn end_follow_up(
    State(s): State<AppState>,
    Auth(user): Auth,
    Path(id): Path<String>,
    b: JsonBody<EndFollowUp>,
) -> Res<Json<Value>> {
    body(b)?;
    let m = member(&s.store, &id, &user.id).await?;
    if !m.viewer.may_steer_phases() {
        return Err(ApiError::forbidden("only a mediator may do this"));
    }
    let mut tx = s.store.write(&id).await?;
    let row = tx.negotiation().clone();
    if !phases::in_round(&row) {
        return Err(PhaseRefusal::Round("no follow-up round is open").into());
    }
    let mut text = tx.live_text().await?;
    let events = rules::end_follow_up(&mut text)?;
    crate::live::record(&mut tx, &events, Some(&user.id), None).await?;
    let withdrawn = text.current_version();
    if !events.is_empty() {
        tx.set_withdrawn_reason(withdrawn, "the follow-up round ended")
            .await?;
    }
    tx.end_negotiation(NegotiationStatus::Agreed, row.agreement_version, None)
        .await?;
    tx.event(
        EventKind::FollowUpEnded,
        Some(&user.id),
        &Audience::Everyone,
        &json!({"version": withdrawn, "withdrawn": !events.is_empty(), "standing": row.agreement_version, "by": m.seat.seat}),
    )
    .await?;
    tx.commit().await?;
    s.notify(&id);
    Ok(Json(
        json!({"status": NegotiationStatus::Agreed.as_str(), "standing_version": row.agreement_version, "withdrawn": (!events.is_empty()).then_some(withdrawn), "draft_status": (!events.is_empty()).then_some(DraftStatus::Withdrawn.as_str())}),
    ))
}

/// What the current phased draft means to one party, from its own preferences and trust.
#[utoipa::path(get, path = "/api/negotiations/{id}/seats/{seat}/phased-assessment", tag = "negotiation", summary = "What the current phased draft means to a party: its expected utility (the engine's phased valuation with its own trust), the value of stopping after each phase, its red lines phase by phase, its walk-away point. For that party (or mediators when its consent shows them)", params(("id" = String, Path, description = "The negotiation"), ("seat" = String, Path, description = "A seat's name")), responses((status = 200, description = "{version, seat, utility, trust, stops: [{phase, open, value}], within_red_lines, reservation, above_reservation}", body = Object), (status = 400, description = "Invalid request", body = crate::error::ErrorBody), (status = 401, description = "Not signed in", body = crate::error::ErrorBody), (status = 403, description = "Your seat may not do this", body = crate::error::ErrorBody), (status = 404, description = "No such negotiation among yours", body = crate::error::ErrorBody), (status = 409, description = "No preferences yet, or the current draft is not phased", body = crate::error::ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn phased_assessment(
    State(s): State<AppState>,
    Auth(user): Auth,
    Path((id, seat)): Path<(String, String)>,
) -> Res<Json<Value>> {
    let m = member(&s.store, &id, &user.id).await?;
    let private = preferences_to_assess(&m, &seat)?;
    let version = m.row.current_version;
    let drafts = s.store.phased_drafts(&id).await?;
    let Some(phased) = drafts
        .iter()
        .find(|d| d.version == version)
        .and_then(|d| phases::phases_of(Some(&d.phases)))
    else {
        return Err(ApiError::conflict(
            "not_phased",
            "the current draft is not a phased text",
        ));
    };
    // What fails here is the party's own view of phases (a red line scoped to a phase this text
    // does not have, say): said in words to those who may read it.
    let mut v = phases::valuation(&m.public, &seat, &private, &phased).map_err(|e| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "unusable_phased_view",
            format!("`{seat}`'s view of phases does not fit this text: {e}"),
        )
    })?;
    v["version"] = json!(version);
    Ok(Json(v))
}
