//! Seats over HTTP: invitations, agents in party seats, and each party's confidential
//! preferences with its consent.

use super::*;
use crate::store::NewEvent;

/// `POST .../invitations` body.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Invite {
    seat: String,
}

/// A mediator invites someone to a free seat: a one-time token.
#[utoipa::path(post, path = "/api/negotiations/{id}/invitations", tag = "negotiation", summary = "Mediator: invite someone to a free seat (a one-time token; a new one withdraws the old)", params(("id" = String, Path, description = "The negotiation")), request_body = Invite, responses((status = 201, description = "{token, seat, accept, expires_in_days}", body = Object), (status = 400, description = "Invalid request", body = crate::error::ErrorBody), (status = 401, description = "Not signed in", body = crate::error::ErrorBody), (status = 403, description = "Your seat may not do this", body = crate::error::ErrorBody), (status = 404, description = "No such negotiation among yours", body = crate::error::ErrorBody), (status = 409, description = "Seat taken or negotiation over", body = crate::error::ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn invite(
    State(s): State<AppState>,
    Auth(user): Auth,
    Path(id): Path<String>,
    b: JsonBody<Invite>,
) -> Res<(StatusCode, Json<Value>)> {
    let i = body(b)?;
    let m = member(&s.store, &id, &user.id).await?;
    m.require_mediator()?;
    let seat = m
        .seats
        .iter()
        .find(|x| x.seat == i.seat)
        .ok_or_else(|| ApiError::invalid(format!("no seat `{}`", i.seat)))?;
    if seat.user_id.is_some() || seat.agent.is_some() {
        return Err(ApiError::conflict(
            "seat_taken",
            format!("seat `{}` is already held", i.seat),
        ));
    }
    let token = new_token();
    let mut tx = s.store.write(&id).await?;
    if tx.negotiation().status.is_over() {
        return Err(ApiError::conflict("closed", "the negotiation is over"));
    }
    // A new link replaces the seat's earlier unused ones (a leaked link is withdrawn this way).
    tx.invite(&i.seat, &token, &token_hash(&token), &user.id)
        .await?;
    tx.event(
        EventKind::Invited,
        Some(&user.id),
        &Audience::Mediators,
        &json!({"seat": i.seat}),
    )
    .await?;
    tx.commit().await?;
    s.notify(&id);
    Ok((
        StatusCode::CREATED,
        Json(
            json!({"token": token, "seat": i.seat, "accept": "/api/invitations/accept", "expires_in_days": 14}),
        ),
    ))
}

/// Takes the seat an invitation is for.
/// `POST /api/invitations/accept` body (the token travels in the body, never in a URL that
/// proxies log).
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Accept {
    token: String,
}

/// Takes the seat an invitation is for (unused, at most 14 days old, negotiation open).
#[utoipa::path(post, path = "/api/invitations/accept", tag = "negotiation", summary = "Take the seat an invitation is for (tokens last 14 days)", request_body = Accept, responses((status = 200, description = "{negotiation, seat}", body = Object), (status = 400, description = "Invalid request", body = crate::error::ErrorBody), (status = 401, description = "Not signed in", body = crate::error::ErrorBody), (status = 404, description = "No such invitation, or it was used", body = crate::error::ErrorBody), (status = 409, description = "Seat taken", body = crate::error::ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn accept_invitation(
    State(s): State<AppState>,
    Auth(user): Auth,
    b: JsonBody<Accept>,
) -> Res<Json<Value>> {
    let token = body(b)?.token;
    let (id, seat) = s
        .store
        .invitation(&token_hash(&token))
        .await?
        .ok_or_else(|| ApiError::not_found("no such invitation, or it was used"))?;
    let mut tx = s.store.write(&id).await?;
    if tx.negotiation().status.is_over() {
        return Err(ApiError::conflict("closed", "the negotiation is over"));
    }
    // Used up inside the transaction: a link withdrawn (replaced) since the lookup above no
    // longer takes the seat.
    let (valid, taken) = tx
        .accept_invitation(&token_hash(&token), &seat, &user.id)
        .await?;
    if !valid {
        return Err(ApiError::not_found("no such invitation, or it was used"));
    }
    if !taken {
        // Dropping the transaction rolls back the invitation's use too.
        return Err(ApiError::conflict(
            "seat_taken",
            "the seat is held, or you already hold a seat in this negotiation",
        ));
    }
    tx.event(
        EventKind::Joined,
        Some(&user.id),
        &Audience::Everyone,
        &json!({"seat": seat}),
    )
    .await?;
    tx.commit().await?;
    s.notify(&id);
    Ok(Json(json!({"negotiation": id, "seat": seat})))
}

/// `POST .../agents` body.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgentSeat {
    seat: String,
    #[serde(default)]
    voter: Option<String>,
}

/// A mediator puts an agent (a voter strategy) in a free party seat with preferences.
#[utoipa::path(post, path = "/api/negotiations/{id}/agents", tag = "negotiation", summary = "Mediator: an agent (a voter from GET /api/voters, e.g. hill-climber, annealer:0.2) takes a free party seat with preferences", params(("id" = String, Path, description = "The negotiation")), request_body = AgentSeat, responses((status = 200, description = "{seat, voter}", body = Object), (status = 400, description = "Invalid request", body = crate::error::ErrorBody), (status = 401, description = "Not signed in", body = crate::error::ErrorBody), (status = 403, description = "Your seat may not do this", body = crate::error::ErrorBody), (status = 404, description = "No such negotiation among yours", body = crate::error::ErrorBody), (status = 409, description = "Seat taken", body = crate::error::ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn seat_agent(
    State(s): State<AppState>,
    Auth(user): Auth,
    Path(id): Path<String>,
    b: JsonBody<AgentSeat>,
) -> Res<Json<Value>> {
    let a = body(b)?;
    let m = member(&s.store, &id, &user.id).await?;
    m.require_mediator()?;
    let spec: accord_strategy::VoterSpec = a
        .voter
        .as_deref()
        .unwrap_or("hill-climber")
        .parse()
        .map_err(|e: accord_strategy::StrategyError| ApiError::invalid(format!("voter: {e}")))?;
    let seat = m
        .seats
        .iter()
        .find(|x| x.seat == a.seat)
        .ok_or_else(|| ApiError::invalid(format!("no seat `{}`", a.seat)))?;
    if seat.role != Role::Party || seat.private_doc.is_none() {
        return Err(ApiError::invalid(
            "an agent needs a party seat with preferences",
        ));
    }
    let mut tx = s.store.write(&id).await?;
    if tx.negotiation().status.is_over() {
        return Err(ApiError::conflict("closed", "the negotiation is over"));
    }
    if !tx.seat_agent(&a.seat, &spec).await? {
        return Err(ApiError::conflict(
            "seat_taken",
            format!("seat `{}` is already held", a.seat),
        ));
    }
    tx.event(
        EventKind::AgentSeated,
        Some(&user.id),
        &Audience::Everyone,
        &json!({"seat": a.seat, "voter": spec.to_string()}),
    )
    .await?;
    tx.commit().await?;
    s.notify(&id);
    let version = m.row.current_version;
    if version > 0 {
        // An open draft: the new agent answers it now.
        if let Err(e) = crate::agents_respond(&s, &id, version).await {
            tracing::warn!(negotiation = %id, error = %e.message, "agent could not answer");
        }
    }
    Ok(Json(json!({"seat": a.seat, "voter": spec.to_string()})))
}

/// The voters an agent seat can run, with what each does.
#[utoipa::path(get, path = "/api/voters", tag = "vocabulary", summary = "The voters an agent seat can run, with what each does", responses((status = 200, description = "[{name, about}]", body = Vec<Object>), (status = 400, description = "Invalid request", body = crate::error::ErrorBody)), security(()))]
pub async fn voters() -> Json<Value> {
    Json(json!(accord_strategy::VOTERS
        .iter()
        .map(|(name, about)| json!({"name": name.replace("[:T]", ""), "about": about}))
        .collect::<Vec<_>>()))
}

/// A mediator takes the agent out of a seat (to replace it, or leave the seat to a person).
#[utoipa::path(delete, path = "/api/negotiations/{id}/agents/{seat}", tag = "negotiation", summary = "Mediator: take the agent out of a seat", params(("id" = String, Path, description = "The negotiation"), ("seat" = String, Path, description = "A seat's name")), responses((status = 200, description = "{seat, agent: null}", body = Object), (status = 400, description = "Invalid request", body = crate::error::ErrorBody), (status = 401, description = "Not signed in", body = crate::error::ErrorBody), (status = 403, description = "Your seat may not do this", body = crate::error::ErrorBody), (status = 404, description = "No such negotiation among yours", body = crate::error::ErrorBody), (status = 409, description = "No agent holds the seat", body = crate::error::ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn remove_agent(
    State(s): State<AppState>,
    Auth(user): Auth,
    Path((id, seat)): Path<(String, String)>,
) -> Res<Json<Value>> {
    let m = member(&s.store, &id, &user.id).await?;
    m.require_mediator()?;
    m.seat_named(&seat)?;
    let mut tx = s.store.write(&id).await?;
    if !tx.remove_agent(&seat).await? {
        return Err(ApiError::conflict(
            "no_agent",
            format!("no agent holds seat `{seat}`"),
        ));
    }
    tx.event(
        EventKind::AgentRemoved,
        Some(&user.id),
        &Audience::Everyone,
        &json!({"seat": seat}),
    )
    .await?;
    tx.commit().await?;
    s.notify(&id);
    Ok(Json(json!({"seat": seat, "agent": null})))
}

/// A seat's confidential preferences: its own holder, or a mediator it shares them with.
#[utoipa::path(get, path = "/api/negotiations/{id}/seats/{seat}/preferences", tag = "negotiation", summary = "A seat's confidential preferences: its holder; mediators only for shared, assumed (scenario) or agent seats", params(("id" = String, Path, description = "The negotiation"), ("seat" = String, Path, description = "A seat's name")), responses((status = 200, description = "{seat, preferences, source, consent, share_with_mediator, consent_levels}", body = Object), (status = 400, description = "Invalid request", body = crate::error::ErrorBody), (status = 401, description = "Not signed in", body = crate::error::ErrorBody), (status = 403, description = "Your seat may not do this", body = crate::error::ErrorBody), (status = 404, description = "No such negotiation among yours", body = crate::error::ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn get_preferences(
    State(s): State<AppState>,
    Auth(user): Auth,
    Path((id, seat)): Path<(String, String)>,
) -> Res<Json<Value>> {
    let m = member(&s.store, &id, &user.id).await?;
    let target = m.seat_named(&seat)?;
    if !m.viewer.may_read_preferences_of(target) {
        return Err(ApiError::forbidden("a party's preferences are visible to that party only (and to mediators if it shares them)"));
    }
    let prefs: Option<Value> = target
        .private_doc
        .as_deref()
        .and_then(|d| serde_json::from_str(d).ok());
    let source = target.private_doc.as_ref().and(target.preferences_source);
    Ok(Json(json!({
        "seat": seat,
        "preferences": prefs,
        "source": source.map(PreferencesSource::as_str),
        "consent": target.consent.as_str(),
        "share_with_mediator": target.consent == Consent::Shared,
        "consent_levels": Consent::ALL.iter().map(|c| json!({"level": c.as_str(), "promise": c.promise()})).collect::<Vec<_>>(),
    })))
}

/// `PUT .../preferences` body.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PutPreferences {
    preferences: Private,
    /// What the mediators may do with them (default `private`).
    #[serde(default)]
    consent: Option<Consent>,
    /// Before consent levels: `true` is `shared`, `false` is `private`.
    #[serde(default)]
    share_with_mediator: Option<bool>,
}

/// A party sets its confidential preferences (a mediator may for an agent's seat). Weights are
/// normalised to sum 1 so that every utility it sees runs from 0 to 1.
#[utoipa::path(put, path = "/api/negotiations/{id}/seats/{seat}/preferences", tag = "negotiation", summary = "Set your confidential preferences (weights normalised to sum 1; walk-away point from 0 to 1) and what mediators may do with them", params(("id" = String, Path, description = "The negotiation"), ("seat" = String, Path, description = "A seat's name")), request_body = PutPreferences, responses((status = 200, description = "{seat, consent, share_with_mediator, preferences, weights_rescaled_from}", body = Object), (status = 400, description = "Invalid request", body = crate::error::ErrorBody), (status = 401, description = "Not signed in", body = crate::error::ErrorBody), (status = 403, description = "Your seat may not do this", body = crate::error::ErrorBody), (status = 404, description = "No such negotiation among yours", body = crate::error::ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn put_preferences(
    State(s): State<AppState>,
    Auth(user): Auth,
    Path((id, seat)): Path<(String, String)>,
    b: JsonBody<PutPreferences>,
) -> Res<Json<Value>> {
    let p = body(b)?;
    let consent = match (p.consent, p.share_with_mediator) {
        (Some(c), _) => c,
        (None, Some(true)) => Consent::Shared,
        (None, _) => Consent::Private,
    };
    // The common case first: valid preferences saved by someone allowed to, in one statement
    // whose conditions are the checks below (no read of the negotiation and its seats first).
    // Anything it does not write takes the full path, which says what is wrong, in the same
    // order as ever (a non-member learns nothing from a badly formed body).
    if let Some(saved) = put_preferences_checked(&s, &user.id, &id, &seat, &p, consent).await? {
        return Ok(saved);
    }
    let m = member(&s.store, &id, &user.id).await?;
    let target = m.seat_named(&seat)?;
    if !m.viewer.may_set_preferences_of(target) {
        return Err(ApiError::forbidden(
            "only the party itself sets its preferences",
        ));
    }
    if target.role != Role::Party {
        return Err(ApiError::invalid(
            "only negotiating parties have preferences",
        ));
    }
    p.preferences
        .check_ranges()
        .map_err(|e| ApiError::invalid(format!("preferences.{e}")))?;
    // Each party's share of what the analysis can hold, so that together they always fit and no
    // error ever reveals how many red lines another party keeps.
    let parties = m
        .seats
        .iter()
        .filter(|x| x.role == Role::Party)
        .count()
        .max(1);
    let share = accord_analysis::MAX_RED_LINES / parties;
    if p.preferences.red_lines.len() > share {
        return Err(ApiError::invalid(format!(
            "preferences.red_lines: at most {share} red lines per party in a negotiation of {parties} parties (combine some with `or` / `and`)"
        )));
    }
    let (preferences, rescaled) = p.preferences.normalised();
    // In words, naming the red line, weight or score (see `plain`).
    process::check_private(&m.public, &seat, &preferences).map_err(ApiError::invalid)?;
    let doc = serde_json::to_string(&preferences).map_err(ApiError::internal)?;
    // A mediator setting an agent's preferences writes its own assumptions, not the party's.
    let source = if target.seat == m.seat.seat {
        PreferencesSource::Party
    } else {
        PreferencesSource::Mediator
    };
    let payload = json!({"seat": seat, "consent": consent.as_str()});
    s.store
        .set_preferences(
            &id,
            &seat,
            &doc,
            consent,
            source,
            NewEvent {
                kind: EventKind::PreferencesUpdated,
                actor: Some(&user.id),
                audience: &Audience::MediatorsAnd(seat.clone()),
                payload: &payload,
            },
        )
        .await?;
    s.notify(&id);
    Ok(Json(saved_json(&seat, consent, &preferences, rescaled)))
}

/// What `put_preferences` answers once they are saved.
fn saved_json(seat: &str, consent: Consent, preferences: &Private, rescaled: Option<f64>) -> Value {
    json!({
        "seat": seat,
        "consent": consent.as_str(),
        "share_with_mediator": consent == Consent::Shared,
        "preferences": preferences,
        "weights_rescaled_from": rescaled,
    })
}

/// `put_preferences` when every check passes, without reading the seats first (issue 18: on
/// PostgreSQL that read was one of a preference update's two round trips): the preferences are
/// checked against the negotiation's public document (parsed once per process), and who may
/// save them, the seat's role and the red lines' share are conditions of the store's one
/// write (`Store::set_preferences_as`). `None` when anything is wrong or the write's conditions
/// do not hold: nothing was written, and the full path finds out what to say.
async fn put_preferences_checked(
    s: &AppState,
    user: &str,
    id: &str,
    seat: &str,
    p: &PutPreferences,
    consent: Consent,
) -> Res<Option<Json<Value>>> {
    if p.preferences.check_ranges().is_err() {
        return Ok(None);
    }
    let Ok(public) = public_of(&s.store, id).await else {
        return Ok(None);
    };
    let (preferences, rescaled) = p.preferences.normalised();
    if process::check_private(&public, seat, &preferences).is_err() {
        return Ok(None);
    }
    let doc = serde_json::to_string(&preferences).map_err(ApiError::internal)?;
    let payload = json!({"seat": seat, "consent": consent.as_str()});
    let saved = s
        .store
        .set_preferences_as(
            id,
            user,
            seat,
            &doc,
            consent,
            p.preferences.red_lines.len(),
            NewEvent {
                kind: EventKind::PreferencesUpdated,
                actor: Some(user),
                audience: &Audience::MediatorsAnd(seat.to_string()),
                payload: &payload,
            },
        )
        .await?;
    if !saved {
        return Ok(None);
    }
    s.notify(id);
    Ok(Some(Json(saved_json(
        seat,
        consent,
        &preferences,
        rescaled,
    ))))
}
