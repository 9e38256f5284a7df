//! The agreement document over HTTP: a draft, or the record of the agreement, as Markdown or
//! PDF for any seat of the negotiation (built by `accord-document`).
//!
//! **Invariant:** the document is the same for every seat and is built only from what every
//! seat sees: the title, the seats' names and roles, the drafts' clauses and wording, each
//! draft's version, date and status. Never preferences, consent, responses or their comments.

use super::{clauses_of, member, Res};
use crate::auth::Auth;
use crate::domain::{NegotiationStatus, Role};
use crate::error::ApiError;
use crate::process::{self, Clause};
use crate::store::now_ms;
use crate::AppState;
use accord_document::{date_of_unix_ms, Document, HistoryEntry, Kind};
use accord_formats::Scalar;
use axum::extract::{Path, Query, State};
use axum::http::header::{HeaderName, HeaderValue, CONTENT_DISPOSITION, CONTENT_TYPE};
use serde::Deserialize;

/// `?format=md|pdf&version=N`.
#[derive(Deserialize, utoipa::IntoParams)]
pub struct DocumentQuery {
    /// `md` (Markdown, the default) or `pdf`.
    #[serde(default)]
    pub format: Option<String>,
    /// The draft's version; by default the agreement's, else the current draft's.
    #[serde(default)]
    pub version: Option<i64>,
}

/// The document of a draft, or of the agreement.
#[utoipa::path(get, path = "/api/negotiations/{id}/document", tag = "negotiation", summary = "Any seat: the document of a draft as Markdown or PDF (title, parties, mediators, date, version, the clauses with their wording, the drafts' history, a signature block; never confidential data); by default the agreement, else the current draft (before any, the scenario's draft)", params(("id" = String, Path, description = "The negotiation"), DocumentQuery), responses((status = 200, description = "The document, as an attachment", content_type = "text/markdown", body = String), (status = 400, description = "Invalid request", body = crate::error::ErrorBody), (status = 401, description = "Not signed in", body = crate::error::ErrorBody), (status = 404, description = "No such negotiation among yours, or no such draft", body = crate::error::ErrorBody), (status = 409, description = "No draft yet", body = crate::error::ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn document(
    State(s): State<AppState>,
    Auth(user): Auth,
    Path(id): Path<String>,
    Query(q): Query<DocumentQuery>,
) -> Res<([(HeaderName, HeaderValue); 2], Vec<u8>)> {
    let pdf = match q.format.as_deref().unwrap_or("md") {
        "md" | "markdown" => false,
        "pdf" => true,
        other => {
            return Err(ApiError::invalid(format!(
                "format: md or pdf, found `{other}`"
            )))
        }
    };
    let m = member(&s.store, &id, &user.id).await?;
    let n = &m.row;
    let drafts = s.store.drafts(&id, 0).await?;
    let version = match q.version {
        Some(v) => Some(v),
        None => n
            .agreement_version
            .or((n.current_version > 0).then_some(n.current_version)),
    };
    let (clauses, version) = match version {
        Some(v) => {
            let d = drafts
                .iter()
                .find(|d| d.version == v)
                .ok_or_else(|| ApiError::not_found(format!("no draft {v} in this negotiation")))?;
            (clauses_of(&d.clauses), Some(v))
        }
        None => {
            let Some(draft) = &m.public.draft else {
                return Err(ApiError::conflict(
                    "no_draft",
                    "no draft has been circulated yet, and the scenario holds none",
                ));
            };
            let clauses: Vec<Clause> = draft
                .iter()
                .map(|(issue, value)| Clause {
                    issue: issue.clone(),
                    value: value.clone(),
                    wording: None,
                })
                .collect();
            let (clauses, _) = process::normalise(&m.public, &clauses)
                .map_err(|e| ApiError::internal(format!("the scenario's draft: {e}")))?;
            (clauses, None)
        }
    };
    let agreed = n.status == NegotiationStatus::Agreed && version == n.agreement_version;
    // Seats in the scenario's order (the store lists them by name).
    let order = |seat: &str| m.public.parties.iter().position(|p| p.name == seat);
    let named = |role: Role| {
        let mut seats: Vec<&str> = m
            .seats
            .iter()
            .filter(|x| x.role == role)
            .map(|x| x.seat.as_str())
            .collect();
        seats.sort_by_key(|x| (order(x).unwrap_or(usize::MAX), x.to_string()));
        seats.into_iter().map(str::to_string).collect::<Vec<_>>()
    };
    // A phased text shows its phases (and, agreed, each phase's status): issue 15.
    let phases = match version {
        Some(v) => match s
            .store
            .phased_drafts(&id)
            .await?
            .into_iter()
            .find(|d| d.version == v)
            .and_then(|d| crate::phases::phases_of(Some(&d.phases)))
        {
            Some(p) => {
                let statuses = if Some(v) == n.agreement_version {
                    crate::phases::ledger_of(s.store.phase_statuses(&id).await?.as_deref())
                } else {
                    None
                };
                crate::phases::doc_phases(&p, statuses.as_ref())
            }
            None => Vec::new(),
        },
        None => Vec::new(),
    };
    let doc = Document {
        title: n.title.clone(),
        kind: if agreed { Kind::Agreement } else { Kind::Draft },
        version: version.and_then(|v| u64::try_from(v).ok()),
        date: date_of_unix_ms(now_ms()),
        parties: named(Role::Party),
        mediators: named(Role::Mediator),
        clauses: clauses
            .into_iter()
            .map(|c| accord_document::Clause {
                issue: c.issue,
                value: scalar_text(&c.value),
                wording: c.wording,
            })
            .collect(),
        history: drafts
            .iter()
            .map(|d| HistoryEntry {
                version: u64::try_from(d.version).unwrap_or(0),
                circulated: date_of_unix_ms(d.created_at),
                // The mediator's seat, as the mediators are listed above.
                circulated_by: m.seat_of_user(&d.created_by).map(str::to_string),
                outcome: d.status.as_str().to_string(),
            })
            .collect(),
        phases,
    };
    let (bytes, content_type, ext) = if pdf {
        (
            accord_document::to_pdf(&doc).map_err(ApiError::internal)?,
            "application/pdf",
            "pdf",
        )
    } else {
        (
            accord_document::to_markdown(&doc).into_bytes(),
            "text/markdown; charset=utf-8",
            "md",
        )
    };
    // The stem holds ASCII letters, digits and `-` only: safe in a header as is.
    let disposition = format!("attachment; filename=\"{}.{ext}\"", doc.file_stem());
    let disposition = HeaderValue::from_str(&disposition).map_err(ApiError::internal)?;
    Ok((
        [
            (CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    ))
}

/// A clause's value as the scenario writes it.
fn scalar_text(v: &Scalar) -> String {
    match v {
        Scalar::Int(i) => i.to_string(),
        Scalar::Float(x) => x.to_string(),
        Scalar::Text(t) => t.clone(),
    }
}
