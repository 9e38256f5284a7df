//! The mediators' analysis, the utility-space picture and a party's own assessment: engine work
//! within the server's bounds (`limits`), from the preferences each party's consent allows
//! (`viewer`).

use super::{clauses_of, member, Member, Res};
use crate::auth::Auth;
use crate::domain::Role;
use crate::error::ApiError;
use crate::limits::bounded;
use crate::process::{self, Private};
use crate::viewer::{analysis_use, AnalysisUse};
use crate::AppState;
use axum::extract::{Path, State};
use axum::Json;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// The scenario the mediators' analysis runs on: the parties whose consent lets the engine use
/// their preferences, each with them put back; the others watch (see `viewer::analysis_use`).
/// Also says how each party is used. 409 while no party's preferences may be used.
fn analysis_scenario(m: &Member) -> Res<(accord_model::Scenario, BTreeMap<String, AnalysisUse>)> {
    let mut private = BTreeMap::new();
    let mut uses = BTreeMap::new();
    for seat in m.seats.iter().filter(|x| x.role == Role::Party) {
        let using = analysis_use(seat);
        uses.insert(seat.seat.clone(), using);
        if using == AnalysisUse::Excluded {
            continue;
        }
        let p = seat
            .private_doc
            .as_deref()
            .map(serde_json::from_str::<Private>)
            .transpose()
            .map_err(ApiError::internal)?
            .unwrap_or_default();
        private.insert(seat.seat.clone(), p);
    }
    if private.is_empty() {
        return Err(ApiError::conflict(
            "waiting_for_preferences",
            "no party's preferences may be used yet: each party either has not saved them or keeps them private",
        ));
    }
    let mut doc = process::merge(&m.public, &private);
    doc.draft = None;
    for p in &mut doc.parties {
        if p.role.is_none_or(|r| r == accord_formats::RoleDoc::Party)
            && !private.contains_key(&p.name)
        {
            p.role = Some(accord_formats::RoleDoc::Observer);
        }
    }
    let scenario = doc.to_scenario().map_err(ApiError::internal)?;
    Ok((scenario, uses))
}

/// Every draft so far as outcomes, oldest first.
async fn draft_outcomes(s: &AppState, m: &Member, id: &str) -> Res<Vec<accord_model::Outcome>> {
    // Drafts up to the version read with the seats: one consistent picture.
    let last = m.row.current_version;
    let mut out = Vec::new();
    for d in s.store.drafts(id, 0).await? {
        if d.version <= last {
            out.push(
                process::normalise(&m.public, &clauses_of(&d.clauses))
                    .map_err(ApiError::internal)?
                    .1,
            );
        }
    }
    Ok(out)
}

/// The engine's bounds for one request (see `limits`).
fn bounds(s: &AppState, stop: std::sync::Arc<std::sync::atomic::AtomicBool>) -> process::Bounds {
    process::Bounds {
        steps: s.limits.search_steps,
        stop,
    }
}

/// What the mediators' analysis is computed from: the draft, and each seat's preferences and
/// consent. Equal keys give equal analyses (the cache's key).
fn analysis_key(m: &Member) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(m.row.current_version.to_le_bytes());
    for seat in &m.seats {
        h.update(seat.seat.as_bytes());
        h.update([0]);
        h.update(seat.private_doc.as_deref().unwrap_or("").as_bytes());
        h.update([0]);
        h.update(seat.consent.as_str().as_bytes());
        h.update(
            seat.preferences_source
                .map_or("", |x| x.as_str())
                .as_bytes(),
        );
        h.update([u8::from(seat.agent.is_some())]);
    }
    hex::encode(h.finalize())
}

/// The mediator's analysis of the current draft, from the preferences each party's consent
/// allows; every party's standing on the draft (within its red lines, above its walk-away point)
/// whatever its consent.
#[utoipa::path(get, path = "/api/negotiations/{id}/analysis", tag = "negotiation", summary = "Mediator: the analysis over the parties whose consent allows it (zone, blocking red lines and what would have to give, improvements with the red lines they cross, the Nash suggestion) and every party's standing on the draft", params(("id" = String, Path, description = "The negotiation")), responses((status = 422, description = "Too large to analyse within the server's bounds", body = crate::error::ErrorBody), (status = 503, description = "Busy: try again after Retry-After seconds", body = crate::error::ErrorBody), (status = 200, description = "The analysis", body = Object), (status = 400, description = "Invalid request", body = crate::error::ErrorBody), (status = 401, description = "Not signed in", body = crate::error::ErrorBody), (status = 403, description = "Your seat may not do this", body = crate::error::ErrorBody), (status = 404, description = "No such negotiation among yours", body = crate::error::ErrorBody), (status = 409, description = "No party's preferences may be used yet", body = crate::error::ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn analysis(
    State(s): State<AppState>,
    Auth(user): Auth,
    Path(id): Path<String>,
) -> Res<Json<Value>> {
    let m = member(&s.store, &id, &user.id).await?;
    m.require_mediator()?;
    let (scenario, uses) = analysis_scenario(&m)?;
    let draft = draft_outcomes(&s, &m, &id).await?.pop();
    // Standing for every party with preferences, each computed from its own alone.
    let mut alone = Vec::new();
    for seat in m.seats.iter().filter(|x| x.role == Role::Party) {
        if let Some(Ok(p)) = seat
            .private_doc
            .as_deref()
            .map(serde_json::from_str::<Private>)
        {
            alone.push((seat.seat.clone(), p));
        }
    }
    let key = analysis_key(&m);
    if let Some(cached) = s.cached_analysis(&id, &key) {
        return Ok(Json(cached));
    }
    let public = m.public.clone();
    let state = s.clone();
    let result = bounded(&s, move |stop| {
        let bounds = bounds(&state, stop);
        let mut out = process::mediator_analysis(&scenario, draft.as_ref(), &uses, &bounds)?;
        let standing: Vec<Value> = match &draft {
            None => Vec::new(),
            Some(d) => alone
                .iter()
                .map(|(seat, p)| process::standing(&public, seat, p, d))
                .collect::<Result<_, _>>()?,
        };
        out["draft"]["standing"] = json!(standing);
        Ok(out)
    })
    .await?;
    s.cache_analysis(&id, key, result.clone());
    Ok(Json(result))
}

/// The mediator's utility-space picture (SVG) of the first two parties with every draft so
/// far; only when every party's utilities may be shown to mediators (it draws them).
#[utoipa::path(get, path = "/api/negotiations/{id}/picture.svg", tag = "negotiation", summary = "Mediator: the utility-space picture (SVG); only when every party's utilities may be shown", params(("id" = String, Path, description = "The negotiation")), responses((status = 422, description = "Too large to analyse within the server's bounds", body = crate::error::ErrorBody), (status = 503, description = "Busy: try again after Retry-After seconds", body = crate::error::ErrorBody), (status = 200, description = "SVG", content_type = "image/svg+xml", body = String), (status = 400, description = "Invalid request", body = crate::error::ErrorBody), (status = 401, description = "Not signed in", body = crate::error::ErrorBody), (status = 403, description = "Your seat may not do this", body = crate::error::ErrorBody), (status = 404, description = "No such negotiation among yours", body = crate::error::ErrorBody), (status = 409, description = "Not every party shares", body = crate::error::ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn picture(
    State(s): State<AppState>,
    Auth(user): Auth,
    Path(id): Path<String>,
) -> Res<([(axum::http::header::HeaderName, &'static str); 4], String)> {
    let m = member(&s.store, &id, &user.id).await?;
    m.require_mediator()?;
    if m.seats.iter().filter(|x| x.role == Role::Party).count() < 2 {
        return Err(ApiError::conflict(
            "not_two_parties",
            "a utility-space picture needs two negotiating parties",
        ));
    }
    // Every party must share: the picture draws two parties' utilities, and its frontier, zone
    // and red-line marks come from every party's preferences.
    let keeping: Vec<&str> = m
        .seats
        .iter()
        .filter(|x| x.role == Role::Party && analysis_use(x) != AnalysisUse::Shown)
        .map(|x| x.seat.as_str())
        .collect();
    if !keeping.is_empty() {
        return Err(ApiError::conflict(
            "not_shared",
            format!(
                "the utility-space picture shows the parties' utilities: {} {} not shared them with the mediators",
                keeping.join(" and "),
                if keeping.len() == 1 { "has" } else { "have" }
            ),
        ));
    }
    let (scenario, _) = analysis_scenario(&m)?;
    let drafts = draft_outcomes(&s, &m, &id).await?;
    let state = s.clone();
    let svg = bounded(&s, move |stop| {
        process::picture_svg(&scenario, &drafts, &bounds(&state, stop))
    })
    .await?;
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "image/svg+xml"),
            (axum::http::header::CACHE_CONTROL, "no-store"),
            (axum::http::header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (
                axum::http::header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'unsafe-inline'",
            ),
        ],
        svg,
    ))
}

/// A party's preferences for an assessment of what a draft means to it: for that party itself,
/// or mediators when its consent shows them; `409` before it has given them.
pub(crate) fn preferences_to_assess(m: &super::Member, seat: &str) -> Res<Private> {
    let target = m.seat_named(seat)?;
    if !m.viewer.may_read_preferences_of(target) {
        return Err(ApiError::forbidden(
            "a party's assessment is for that party alone",
        ));
    }
    if target.role != Role::Party {
        return Err(ApiError::invalid(
            "only negotiating parties have preferences",
        ));
    }
    match target.private_doc.as_deref().map(serde_json::from_str) {
        Some(Ok(p)) => Ok(p),
        _ => Err(ApiError::conflict(
            "waiting_for_preferences",
            format!("`{seat}` has not given its preferences yet"),
        )),
    }
}

/// What the current draft means to one party: for that party itself (or mediators when its
/// consent shows them), from its own preferences only.
#[utoipa::path(get, path = "/api/negotiations/{id}/seats/{seat}/assessment", tag = "negotiation", summary = "What the current draft means to a party, from its own preferences: utility (0 to 1), red lines crossed, walk-away point, the best change per clause", params(("id" = String, Path, description = "The negotiation"), ("seat" = String, Path, description = "A seat's name")), responses((status = 422, description = "Too large to analyse within the server's bounds", body = crate::error::ErrorBody), (status = 503, description = "Busy: try again after Retry-After seconds", body = crate::error::ErrorBody), (status = 200, description = "The assessment", body = Object), (status = 400, description = "Invalid request", body = crate::error::ErrorBody), (status = 401, description = "Not signed in", body = crate::error::ErrorBody), (status = 403, description = "Your seat may not do this", body = crate::error::ErrorBody), (status = 404, description = "No such negotiation among yours", body = crate::error::ErrorBody), (status = 409, description = "No preferences yet", body = crate::error::ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn assessment(
    State(s): State<AppState>,
    Auth(user): Auth,
    Path((id, seat)): Path<(String, String)>,
) -> Res<Json<Value>> {
    let m = member(&s.store, &id, &user.id).await?;
    let private = preferences_to_assess(&m, &seat)?;
    let draft = draft_outcomes(&s, &m, &id).await?.pop();
    let public = m.public.clone();
    let result = bounded(&s, move |_| {
        Ok(process::assessment(
            &public,
            &seat,
            &private,
            draft.as_ref(),
        )?)
    })
    .await?;
    Ok(Json(result))
}
