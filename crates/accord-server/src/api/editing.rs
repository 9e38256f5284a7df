//! A mediator says it is editing the next draft, or no longer is (issue 14, several mediators):
//! the other mediators' desks show the sign live (the `editing` event of the live stream); the
//! parties never learn of it (`viewer::Viewer::may_see_editing`). See `crate::editing` for why
//! this is a lease in memory.

use super::{body, member, JsonBody, Res};
use crate::auth::Auth;
use crate::domain::NegotiationStatus;
use crate::editing::LEASE_MS;
use crate::error::ApiError;
use crate::store::now_ms;
use crate::AppState;
use axum::extract::{Path, State};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

/// `POST .../editing` body (empty).
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StartEditing {}

/// A mediator's desk holds unsent edits: the other mediators see "… is editing the next draft"
/// until the draft is circulated, the desk says it stopped, or the lease lapses (renew it).
#[utoipa::path(post, path = "/api/negotiations/{id}/editing", tag = "negotiation", summary = "Mediator: you are editing the next draft (a 60-second lease; post again to renew it while editing). The other mediators' live streams get an `editing` event; parties never do. Circulating a draft or DELETE ends it.", params(("id" = String, Path, description = "The negotiation")), request_body = StartEditing, responses((status = 200, description = "{seat, editing: true, until, lease_seconds}", body = Object), (status = 400, description = "Invalid request", body = crate::error::ErrorBody), (status = 401, description = "Not signed in", body = crate::error::ErrorBody), (status = 403, description = "Your seat may not do this", body = crate::error::ErrorBody), (status = 404, description = "No such negotiation among yours", body = crate::error::ErrorBody), (status = 409, description = "The negotiation is over", body = crate::error::ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn start_editing(
    State(s): State<AppState>,
    Auth(user): Auth,
    Path(id): Path<String>,
    b: JsonBody<StartEditing>,
) -> Res<Json<Value>> {
    body(b)?;
    let m = member(&s.store, &id, &user.id).await?;
    m.require_mediator()?;
    if !matches!(
        m.row.status,
        NegotiationStatus::Open | NegotiationStatus::Adjourned
    ) {
        return Err(ApiError::conflict(
            "closed",
            format!(
                "the negotiation is {}: no draft comes next",
                m.row.status.as_str()
            ),
        ));
    }
    let (until, news) = s.editing.start(&id, &m.seat.seat, now_ms());
    if news {
        s.notify(&id);
    }
    Ok(Json(
        json!({"seat": m.seat.seat, "editing": true, "until": until, "lease_seconds": LEASE_MS / 1000}),
    ))
}

/// The mediator no longer edits (it dropped its edits, or left the desk).
#[utoipa::path(delete, path = "/api/negotiations/{id}/editing", tag = "negotiation", summary = "Mediator: you stopped editing the next draft; the other mediators' sign goes", params(("id" = String, Path, description = "The negotiation")), responses((status = 200, description = "{seat, editing: false}", body = Object), (status = 400, description = "Invalid request", body = crate::error::ErrorBody), (status = 401, description = "Not signed in", body = crate::error::ErrorBody), (status = 403, description = "Your seat may not do this", body = crate::error::ErrorBody), (status = 404, description = "No such negotiation among yours", body = crate::error::ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn stop_editing(
    State(s): State<AppState>,
    Auth(user): Auth,
    Path(id): Path<String>,
) -> Res<Json<Value>> {
    let m = member(&s.store, &id, &user.id).await?;
    m.require_mediator()?;
    if s.editing.stop(&id, &m.seat.seat, now_ms()) {
        s.notify(&id);
    }
    Ok(Json(json!({"seat": m.seat.seat, "editing": false})))
}
