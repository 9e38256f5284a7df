//! Invitations as people meet them (issue 14, item 6): the invitee is told what an invitation is
//! for before accepting it (the negotiation's title, the seat, who invites), and mediators are
//! shown a pending invitation's link again (after a reload, on another device). Who is shown
//! what is `viewer`'s decision.

use super::{body, member, JsonBody, Res};
use crate::auth::{token_hash, Auth};
use crate::error::ApiError;
use crate::store::{InvitationPreview, PendingInvitation, INVITATION_MS};
use crate::AppState;
use axum::extract::{Path, State};
use axum::Json;
use serde::{Deserialize, Serialize};

/// `POST /api/invitations/preview` body (the token travels in the body, never in a URL).
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvitationToken {
    /// The invitation's token (the part after `#invitation=` in its link).
    pub token: String,
}

/// What an invitation is for: exactly `viewer::INVITEE_SEES`.
#[derive(Serialize, utoipa::ToSchema)]
pub struct InvitationFor {
    /// The negotiation's title.
    pub title: String,
    /// The seat offered.
    pub seat: String,
    /// Its role: `party`, `mediator` or `observer`.
    pub role: String,
    /// The account name of the mediator who invites (null for invitations made before this was
    /// recorded).
    pub invited_by: Option<String>,
    /// When the link stops working (Unix ms).
    pub expires_at: i64,
}

impl From<InvitationPreview> for InvitationFor {
    fn from(p: InvitationPreview) -> Self {
        InvitationFor {
            title: p.title,
            seat: p.seat,
            role: p.role.as_str().to_string(),
            invited_by: p.invited_by,
            expires_at: p.created_at + INVITATION_MS,
        }
    }
}

/// What an invitation is for, before accepting it (no sign-in needed: the link is the
/// credential).
#[utoipa::path(post, path = "/api/invitations/preview", tag = "negotiation", summary = "What an invitation is for, told before accepting it: the negotiation's title, the seat and its role, who invites, when the link expires", request_body = InvitationToken, responses((status = 200, description = "What the invitation is for", body = InvitationFor), (status = 400, description = "Invalid request", body = crate::error::ErrorBody), (status = 404, description = "No such invitation, or it was used or has expired", body = crate::error::ErrorBody)), security(()))]
pub async fn preview_invitation(
    State(s): State<AppState>,
    b: JsonBody<InvitationToken>,
) -> Res<Json<InvitationFor>> {
    let token = body(b)?.token;
    let p = s
        .store
        .invitation_preview(&token_hash(&token))
        .await?
        .ok_or_else(|| {
            ApiError::not_found(
                "this invitation was used, replaced by a newer link, or has expired: ask the mediator for a new one",
            )
        })?;
    Ok(Json(p.into()))
}

/// A pending invitation as the negotiation's mediators are shown it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct PendingInvitationView {
    /// The seat it is for.
    pub seat: String,
    /// Its token, from which the link is `/#invitation=TOKEN` (null for an invitation made
    /// before tokens were kept: make a new one).
    pub token: Option<String>,
    /// The account name of the mediator who made it.
    pub invited_by: Option<String>,
    /// When it was made (Unix ms).
    pub created_at: i64,
    /// When it stops working (Unix ms).
    pub expires_at: i64,
}

impl From<PendingInvitation> for PendingInvitationView {
    fn from(p: PendingInvitation) -> Self {
        PendingInvitationView {
            seat: p.seat,
            token: p.token,
            invited_by: p.invited_by,
            created_at: p.created_at,
            expires_at: p.created_at + INVITATION_MS,
        }
    }
}

/// The negotiation's pending invitations.
#[derive(Serialize, utoipa::ToSchema)]
pub struct PendingInvitations {
    /// One per seat with an unused, unexpired invitation.
    pub invitations: Vec<PendingInvitationView>,
}

/// Mediators: the pending invitations, with their links, to be shown again.
#[utoipa::path(get, path = "/api/negotiations/{id}/invitations", tag = "negotiation", summary = "Mediators: the pending invitations (unused, unexpired) with their tokens, so that a link can be shown again", params(("id" = String, Path, description = "The negotiation")), responses((status = 200, description = "The pending invitations", body = PendingInvitations), (status = 400, description = "Invalid request", body = crate::error::ErrorBody), (status = 401, description = "Not signed in", body = crate::error::ErrorBody), (status = 403, description = "Your seat may not do this", body = crate::error::ErrorBody), (status = 404, description = "No such negotiation among yours", body = crate::error::ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn pending_invitations(
    State(s): State<AppState>,
    Auth(user): Auth,
    Path(id): Path<String>,
) -> Res<Json<PendingInvitations>> {
    let m = member(&s.store, &id, &user.id).await?;
    if !m.viewer.may_see_invitation_links() {
        return Err(ApiError::forbidden(
            "only the mediators are shown invitation links",
        ));
    }
    let list = s.store.pending_invitations(&id).await?;
    Ok(Json(PendingInvitations {
        invitations: list.into_iter().map(Into::into).collect(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Role;

    #[test]
    fn the_invitee_is_told_what_the_policy_says_and_nothing_more() {
        let shown = serde_json::to_value(InvitationFor::from(InvitationPreview {
            negotiation: "n1".into(),
            title: "Ceasefire talks".into(),
            seat: "israel".into(),
            role: Role::Party,
            invited_by: Some("Mediator Egypt".into()),
            created_at: 1_000,
        }))
        .unwrap();
        let mut keys: Vec<&str> = shown
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        let mut policy = crate::viewer::INVITEE_SEES.to_vec();
        policy.sort_unstable();
        assert_eq!(keys, policy);
        assert_eq!(shown["expires_at"], 1_000 + INVITATION_MS);
    }
}
