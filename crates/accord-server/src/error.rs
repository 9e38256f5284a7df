//! API errors: an HTTP status and a JSON body `{"error": {"code": ..., "message": ...}}`.

use crate::store::StoreError;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// The body of every error answer.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// What went wrong.
    pub error: ErrorDetail,
}

/// What went wrong: a stable code for programs, a message for people.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// A stable machine-readable code (`invalid`, `version_conflict`, ...).
    pub code: String,
    /// What went wrong and what to do.
    pub message: String,
}

/// An error answer.
#[derive(Debug)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// A stable machine-readable code.
    pub code: &'static str,
    /// What went wrong and what to do, for people.
    pub message: String,
    /// Seconds after which trying again makes sense (`Retry-After`), for `503`/`429`.
    pub retry_after: Option<u64>,
}

impl ApiError {
    /// Any status.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            retry_after: None,
        }
    }
    /// 400: the request is malformed or invalid.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid", message)
    }
    /// 401: not signed in.
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
    }
    /// 403: signed in, not allowed.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", message)
    }
    /// 404: nothing there (or nothing this user may know exists).
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }
    /// 409: conflicts with the current state.
    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, message)
    }
    /// 503: too busy now; try again after `seconds`.
    pub fn busy(message: impl Into<String>, seconds: u64) -> Self {
        let mut e = Self::new(StatusCode::SERVICE_UNAVAILABLE, "busy", message);
        e.retry_after = Some(seconds.max(1));
        e
    }
    /// 500: the cause is logged here; the answer says only "internal error", never a database's
    /// or the engine's words (they could name a table, a file or another party's data).
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(cause = %cause, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "internal error (logged on the server)",
        )
    }
}

impl From<accord_protocol::live::Refusal> for ApiError {
    fn from(r: accord_protocol::live::Refusal) -> Self {
        use accord_protocol::live::Refusal;
        let message = r.to_string();
        match r {
            Refusal::NotOpen(_) => ApiError::conflict("closed", message),
            Refusal::VersionConflict { .. } => ApiError::conflict("version_conflict", message),
            Refusal::DeadlineInPast => ApiError::invalid(message),
            Refusal::NotAParty(_) => {
                ApiError::forbidden("only negotiating parties respond to drafts")
            }
            Refusal::NoSuchDraft(_) => ApiError::not_found(message),
            Refusal::DraftClosed { .. } => ApiError::conflict("draft_closed", message),
            Refusal::DeadlinePassed(_) => {
                ApiError::new(StatusCode::GONE, "deadline_passed", message)
            }
            Refusal::AlreadyAnswered { .. } => ApiError::conflict("already_responded", message),
            Refusal::Adjourned => ApiError::conflict("adjourned", message),
            Refusal::NotAdjourned(_) => ApiError::conflict("not_adjourned", message),
            Refusal::NotAnswered { .. } => ApiError::conflict("not_answered", message),
            Refusal::NotAnExtension => ApiError::invalid(message),
            Refusal::Comparison(_) => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "comparison", message)
            }
            Refusal::NotOneText => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "not_one_text", message)
            }
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(m) => ApiError::conflict("conflict", m),
            other => ApiError::internal(other.to_string()),
        }
    }
}

impl From<axum::extract::rejection::JsonRejection> for ApiError {
    /// A body that is not the JSON asked for, however it fails (syntax, types, a missing
    /// `Content-Type`), is one kind of answer: `400 invalid` with axum's words.
    fn from(e: axum::extract::rejection::JsonRejection) -> Self {
        ApiError::invalid(e.body_text())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (
            self.status,
            axum::Json(json!({"error": {"code": self.code, "message": self.message}})),
        )
            .into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, seconds.into());
        }
        response
    }
}
