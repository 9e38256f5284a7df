//! The server's side of the live process: each action loads the negotiation's state in its
//! transaction, applies one transition of [`accord_protocol::live`] (where the rules live), and
//! stores what the transition did, with an audit event for those who may know.

use crate::domain::{Audience, DraftStatus, EventKind, NegotiationStatus};
use crate::store::{StoreError, Tx};
use accord_protocol::live::LiveEvent;
use serde_json::json;

/// Stores the effects of a transition that need no data from the request: settled, expired,
/// superseded and withdrawn drafts, the agreement, the closing, deadlines extended, paused and
/// resumed, the adjournment's status. `reason` is the mediator's, for closing or adjourning. (A circulated draft, an answer or its change carry the
/// request's data, and a mediator's withdrawal, extension, adjournment and reopening are told
/// with the seat who did it: their handlers store those and their events.)
pub(crate) async fn record(
    tx: &mut Tx,
    events: &[LiveEvent],
    actor: Option<&str>,
    reason: Option<&str>,
) -> Result<(), StoreError> {
    for event in events {
        match event {
            LiveEvent::Circulated { .. }
            | LiveEvent::Answered { .. }
            | LiveEvent::AnswerChanged { .. } => {}
            LiveEvent::WithdrawnByMediator { version } => {
                tx.settle_draft(*version, DraftStatus::Withdrawn).await?;
            }
            LiveEvent::DeadlineExtended { deadline: d, .. } => {
                tx.set_deadline(d.version, d.deadline, d.remaining).await?;
            }
            LiveEvent::Adjourned { paused } => {
                tx.set_adjourned(NegotiationStatus::Adjourned, reason)
                    .await?;
                if let Some(d) = paused {
                    tx.set_deadline(d.version, d.deadline, d.remaining).await?;
                }
            }
            LiveEvent::Reopened { resumed } => {
                tx.set_adjourned(NegotiationStatus::Open, None).await?;
                if let Some(d) = resumed {
                    tx.set_deadline(d.version, d.deadline, d.remaining).await?;
                }
            }
            LiveEvent::Superseded { version } => {
                tx.settle_draft(*version, DraftStatus::Superseded).await?;
            }
            LiveEvent::Withdrawn { version } => {
                tx.settle_draft(*version, DraftStatus::Withdrawn).await?;
            }
            LiveEvent::Agreement { version } => {
                tx.settle_draft(*version, DraftStatus::Accepted).await?;
                tx.end_negotiation(NegotiationStatus::Agreed, Some(*version), None)
                    .await?;
                tx.event(
                    EventKind::Agreement,
                    None,
                    &Audience::Everyone,
                    &json!({"version": version}),
                )
                .await?;
                // A phased text's phases start, or a follow-up moves them on (issue 15).
                crate::phases::on_agreement(tx, *version).await?;
            }
            LiveEvent::Rejected { version } => {
                tx.settle_draft(*version, DraftStatus::Rejected).await?;
                tx.event(
                    EventKind::DraftRejected,
                    None,
                    &Audience::Everyone,
                    &json!({"version": version}),
                )
                .await?;
            }
            LiveEvent::StrawPoll { version } => {
                tx.settle_draft(*version, DraftStatus::Polled).await?;
                tx.event(
                    EventKind::StrawPoll,
                    None,
                    &Audience::Everyone,
                    &json!({"version": version}),
                )
                .await?;
            }
            LiveEvent::Expired { version, missed } => {
                if !tx.settle_draft(*version, DraftStatus::Expired).await? {
                    continue;
                }
                // Mediators learn who missed it; each party only that it did; everyone that
                // the draft is closed.
                tx.event(
                    EventKind::DeadlineMissed,
                    None,
                    &Audience::Mediators,
                    &json!({"version": version, "missed": missed}),
                )
                .await?;
                for seat in missed {
                    tx.event(
                        EventKind::DeadlineMissed,
                        None,
                        &Audience::Seat(seat.clone()),
                        &json!({"version": version, "missed": [seat]}),
                    )
                    .await?;
                }
                tx.event(
                    EventKind::DraftExpired,
                    None,
                    &Audience::Everyone,
                    &json!({"version": version}),
                )
                .await?;
            }
            LiveEvent::Closed => {
                tx.end_negotiation(NegotiationStatus::Failed, None, reason)
                    .await?;
                tx.event(
                    EventKind::Failed,
                    actor,
                    &Audience::Everyone,
                    &json!({"reason": reason}),
                )
                .await?;
            }
        }
    }
    Ok(())
}
