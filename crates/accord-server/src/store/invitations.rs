//! Seats and invitations (issue 14, item 6): who invites, who holds each seat, and pending
//! invitations' tokens (migration 0007), kept so that mediators can be shown a link again. Who
//! is shown any of it is `viewer`'s decision; this file only stores and reads.

use super::sql::Param;
use super::{int, now_ms, opt_text, text, Store, StoreError, Tx, INVITATION_MS};
use crate::domain::{parse_role, Role};

/// A pending invitation (unused, unexpired) as its negotiation's mediators see it.
#[derive(Debug, Clone)]
pub struct PendingInvitation {
    /// The seat it is for.
    pub seat: String,
    /// Its secret, when stored (invitations made before migration 0007 kept only a hash).
    pub token: Option<String>,
    /// The account name of the mediator who made it, when known.
    pub invited_by: Option<String>,
    /// When it was made (ms); it lasts [`INVITATION_MS`].
    pub created_at: i64,
}

/// What an invitation is for, as its holder is told before accepting it.
#[derive(Debug, Clone)]
pub struct InvitationPreview {
    /// The negotiation's id.
    pub negotiation: String,
    /// Its title.
    pub title: String,
    /// The seat offered.
    pub seat: String,
    /// Its role.
    pub role: Role,
    /// The account name of the mediator who invites, when known.
    pub invited_by: Option<String>,
    /// When it was made (ms).
    pub created_at: i64,
}

impl Tx {
    /// A new invitation to `seat` from `by`, withdrawing the seat's earlier unused ones. The
    /// token is kept in clear while pending (see the migration), looked up by its hash.
    pub async fn invite(
        &mut self,
        seat: &str,
        token: &str,
        token_hash: &str,
        by: &str,
    ) -> Result<(), StoreError> {
        let id = self.negotiation().id.clone();
        self.exec(
            "DELETE FROM invitations WHERE negotiation_id = $1 AND seat = $2 AND used_by IS NULL",
            &[Param::Text(&id), Param::Text(seat)],
        )
        .await?;
        // Expired links' secrets are of no more use to anyone either.
        self.exec(
            "UPDATE invitations SET token = NULL WHERE negotiation_id = $1 AND created_at <= $2 AND token IS NOT NULL",
            &[Param::Text(&id), Param::Int(now_ms() - INVITATION_MS)],
        )
        .await?;
        self.exec(
            "INSERT INTO invitations (token_hash, negotiation_id, seat, created_at, used_by, invited_by, token) VALUES ($1, $2, $3, $4, NULL, $5, $6)",
            &[Param::Text(token_hash), Param::Text(&id), Param::Text(seat), Param::Int(now_ms()), Param::Text(by), Param::Text(token)],
        )
        .await
        .map(drop)
    }
}

impl Store {
    /// A negotiation's pending invitations (unused, unexpired), one per seat at most.
    pub async fn pending_invitations(
        &self,
        negotiation_id: &str,
    ) -> Result<Vec<PendingInvitation>, StoreError> {
        let rows = self
            .select(
                "SELECT i.seat, i.token, u.name, i.created_at FROM invitations i LEFT JOIN users u ON u.id = i.invited_by \
                 WHERE i.negotiation_id = $1 AND i.used_by IS NULL AND i.created_at > $2 ORDER BY i.seat",
                &[Param::Text(negotiation_id), Param::Int(now_ms() - INVITATION_MS)],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(PendingInvitation {
                    seat: text(r, 0)?,
                    token: opt_text(r, 1)?,
                    invited_by: opt_text(r, 2)?,
                    created_at: int(r, 3)?,
                })
            })
            .collect()
    }

    /// What an unused, unexpired invitation is for.
    pub async fn invitation_preview(
        &self,
        token_hash: &str,
    ) -> Result<Option<InvitationPreview>, StoreError> {
        let rows = self
            .select(
                "SELECT i.negotiation_id, n.title, i.seat, u.name, i.created_at, s.role FROM invitations i \
                 JOIN negotiations n ON n.id = i.negotiation_id \
                 JOIN seats s ON s.negotiation_id = i.negotiation_id AND s.seat = i.seat \
                 LEFT JOIN users u ON u.id = i.invited_by \
                 WHERE i.token_hash = $1 AND i.used_by IS NULL AND i.created_at > $2",
                &[Param::Text(token_hash), Param::Int(now_ms() - INVITATION_MS)],
            )
            .await?;
        rows.first()
            .map(|r| {
                Ok(InvitationPreview {
                    negotiation: text(r, 0)?,
                    title: text(r, 1)?,
                    seat: text(r, 2)?,
                    role: parse_role(&text(r, 5)?)?,
                    invited_by: opt_text(r, 3)?,
                    created_at: int(r, 4)?,
                })
            })
            .transpose()
    }
}
