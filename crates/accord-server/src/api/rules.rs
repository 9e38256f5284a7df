//! A rule checked as it is typed (issue 13): the red-line and rule fields of the pages ask here
//! on every pause in typing, and show the answer next to the field: the rule in words, or what
//! is wrong with it in words (never a path into a scenario document). Labels typed as they are
//! shown on screen ("no offensive") are read as the scenario's names (`no_offensive`).

use super::{body, member, JsonBody, Res};
use crate::auth::Auth;
use crate::plain::{self, Checked};
use crate::process;
use crate::AppState;
use axum::extract::{Path, State};
use axum::Json;
use serde::{Deserialize, Serialize};

/// `POST .../rules/check` body.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleCheck {
    /// The rule as typed.
    pub rule: String,
    /// `red_line` (the default: said as what must hold, "must be") or `condition` (said as a
    /// condition, "is": the "when" of a bonus or penalty).
    #[serde(default)]
    pub kind: Option<String>,
}

/// The rule checked.
#[derive(Serialize, utoipa::ToSchema)]
pub struct RuleChecked {
    /// Whether the rule can be used.
    pub valid: bool,
    /// When valid: the rule to save, with the scenario's names for labels typed in it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// When valid: what it says, in words ("Withdrawal must not be full").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sentence: Option<String>,
    /// When not: what is wrong, in words, with where it was noticed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// When not: the character (from 1) where it was noticed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<usize>,
}

/// Longest rule text checked (a rule longer than this is not typed by hand).
const MAX_RULE: usize = 4000;

/// Checks a rule against the negotiation's issues. A rule that cannot be used is still a
/// successful check: `valid: false` with the reason.
#[utoipa::path(post, path = "/api/negotiations/{id}/rules/check", tag = "negotiation", summary = "Check a rule as it is typed: the rule in words (\"Withdrawal must not be full\") or what is wrong in words; labels as shown on screen are accepted for names", params(("id" = String, Path, description = "The negotiation")), request_body = RuleCheck, responses((status = 200, description = "{valid, rule, sentence} or {valid: false, message, at}", body = RuleChecked), (status = 400, description = "Invalid request", body = crate::error::ErrorBody), (status = 401, description = "Not signed in", body = crate::error::ErrorBody), (status = 404, description = "No such negotiation among yours", body = crate::error::ErrorBody), (status = 422, description = "A rule too long to check", body = crate::error::ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn check_rule(
    State(s): State<AppState>,
    Auth(user): Auth,
    Path(id): Path<String>,
    b: JsonBody<RuleCheck>,
) -> Res<Json<RuleChecked>> {
    let req = body(b)?;
    let m = member(&s.store, &id, &user.id).await?;
    if req.rule.len() > MAX_RULE {
        return Err(crate::error::ApiError::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            format!("rule: at most {MAX_RULE} characters"),
        ));
    }
    let red_line = match req.kind.as_deref() {
        None | Some("red_line") => true,
        Some("condition") => false,
        Some(other) => {
            return Err(crate::error::ApiError::new(
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                format!("kind: `red_line` or `condition`, not `{other}`"),
            ))
        }
    };
    let scenario = process::issues_only(&m.public).map_err(crate::error::ApiError::internal)?;
    Ok(Json(
        match plain::check_rule(&req.rule, scenario.space.issues(), red_line) {
            Checked::Valid { rule, sentence } => RuleChecked {
                valid: true,
                rule: Some(rule),
                sentence: Some(sentence),
                message: None,
                at: None,
            },
            Checked::Invalid { message, at } => RuleChecked {
                valid: false,
                rule: None,
                sentence: None,
                message: Some(message),
                at: Some(at),
            },
        },
    ))
}
