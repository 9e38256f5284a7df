//! Notifications in the page (issue 14, item 7): for each negotiation the account holds a seat
//! in, what is new for that seat: the draft waiting for its answer, messages it has not read,
//! a deadline within a day. One request for the home page; every item is filtered by the
//! viewer policy (`Viewer::answers_drafts`, `Viewer::awaits_deadline`,
//! `Viewer::may_read_thread`), so a seat is never told of a thread it may not read.

use super::Res;
use crate::auth::Auth;
use crate::domain::{DraftStatus, NegotiationStatus};
use crate::error::ApiError;
use crate::store::now_ms;
use crate::viewer::Viewer;
use crate::AppState;
use axum::extract::State;
use axum::Json;
use serde::Serialize;

/// How soon a deadline must fall to be news: one day.
pub const DEADLINE_SOON_MS: i64 = 24 * 3600 * 1000;

/// A deadline within a day.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DeadlineSoon {
    /// The open draft's version.
    pub version: i64,
    /// Its deadline (Unix ms).
    pub at: i64,
}

/// What is new in one negotiation for the viewer's seat.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct NegotiationNews {
    /// The negotiation's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Where it stands: `open`, `adjourned`, `agreed` or `failed`.
    pub status: String,
    /// The viewer's seat.
    pub seat: String,
    /// The open draft waiting for this seat's answer (a party that has not answered it).
    pub draft_to_answer: Option<i64>,
    /// Messages written by other seats, in the threads this seat may read, after its read marks
    /// (`POST .../messages/read`).
    pub unread_messages: i64,
    /// The open draft's deadline when it falls within a day, for a seat it concerns (mediators;
    /// a party until it has answered).
    pub deadline_soon: Option<DeadlineSoon>,
}

/// Every negotiation the viewer holds a seat in, with what is new for it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Notifications {
    /// In the order the negotiations were created.
    pub negotiations: Vec<NegotiationNews>,
    /// The server's clock (Unix ms), for "in 5 h".
    pub now: i64,
}

/// What is new for the viewer in each of its negotiations.
#[utoipa::path(get, path = "/api/notifications", tag = "negotiation", summary = "For each negotiation you hold a seat in, what is new for your seat: the draft waiting for your answer, unread messages in threads you may read, a deadline within a day", responses((status = 200, description = "What is new", body = Notifications), (status = 400, description = "Invalid request", body = crate::error::ErrorBody), (status = 401, description = "Not signed in", body = crate::error::ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn notifications(
    State(s): State<AppState>,
    Auth(user): Auth,
) -> Res<Json<Notifications>> {
    let now = now_ms();
    let mut out = Vec::new();
    for (n, seat_name) in s.store.negotiations_of(&user.id).await? {
        let Some((n, seats)) = s.store.negotiation_with_seats(&n.id).await? else {
            continue;
        };
        let seat = seats
            .iter()
            .find(|x| x.seat == seat_name)
            .ok_or_else(|| ApiError::internal("a seat of the account's list is missing"))?;
        let viewer = Viewer {
            seat: seat.seat.clone(),
            role: seat.role,
        };
        let mut news = NegotiationNews {
            id: n.id.clone(),
            title: n.title.clone(),
            status: n.status.as_str().to_string(),
            seat: seat.seat.clone(),
            draft_to_answer: None,
            unread_messages: 0,
            deadline_soon: None,
        };
        // Drafts wait only while the negotiation is open (an adjourned one's deadlines wait).
        if n.status == NegotiationStatus::Open && n.current_version > 0 {
            let current = s
                .store
                .drafts(&n.id, n.current_version)
                .await?
                .into_iter()
                .find(|d| d.version == n.current_version && d.status == DraftStatus::Open);
            if let Some(d) = current {
                let answered = s
                    .store
                    .responses(&n.id, d.version)
                    .await?
                    .iter()
                    .any(|r| r.version == d.version && r.seat == viewer.seat);
                if viewer.answers_drafts() && !answered {
                    news.draft_to_answer = Some(d.version);
                }
                if viewer.awaits_deadline(answered) && d.deadline_at - now <= DEADLINE_SOON_MS {
                    news.deadline_soon = Some(DeadlineSoon {
                        version: d.version,
                        at: d.deadline_at,
                    });
                }
            }
        }
        news.unread_messages = s
            .store
            .unread_by_thread(&n.id, &user.id, &viewer.seat)
            .await?
            .iter()
            .filter(|(thread, _)| viewer.may_read_thread(thread))
            .map(|(_, count)| count)
            .sum();
        out.push(news);
    }
    Ok(Json(Notifications {
        negotiations: out,
        now,
    }))
}
