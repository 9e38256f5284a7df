//! The negotiation's timeline (issue 14): everything the viewer may see, in order (joins,
//! invitations, drafts, answers, amendments, deadlines extended and missed, withdrawals,
//! adjournments, messages), each in words, as JSON or CSV downloads.
//!
//! **Invariant:** the timeline is the viewer's own audit log (`Viewer::may_see` on each event,
//! numbered for the viewer), so a party's export never holds another party's answers, caucus
//! or preferences; and no event carries preferences (only a consent level's name).

use super::{member, Member, Res};
use crate::auth::Auth;
use crate::domain::{EventKind, ThreadKind};
use crate::error::ApiError;
use crate::store::EventRow;
use crate::AppState;
use accord_document::date_of_unix_ms;
use axum::extract::{Path, Query, State};
use axum::http::header::{HeaderName, HeaderValue, CONTENT_DISPOSITION, CONTENT_TYPE};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// `?format=json|csv`.
#[derive(Deserialize, utoipa::IntoParams)]
pub struct TimelineQuery {
    /// `json` (the default) or `csv`.
    #[serde(default)]
    pub format: Option<String>,
}

/// One entry of the timeline.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TimelineEntry {
    /// Its number for this viewer, from 1 (the audit log's numbering).
    pub n: i64,
    /// When (Unix ms).
    pub at: i64,
    /// When, in UTC (ISO 8601).
    pub time: String,
    /// What happened (an event kind, see `GET /api/vocabulary`).
    pub kind: String,
    /// The seat that did it, or `server` (deadlines, agreements).
    pub by: String,
    /// What happened, in words.
    pub summary: String,
    /// The event's details, as the audit log gives them.
    #[schema(value_type = Object)]
    pub details: Value,
}

/// The timeline as the viewer may see it, as a JSON or CSV download.
#[utoipa::path(get, path = "/api/negotiations/{id}/timeline", tag = "negotiation", summary = "Everything you may see, in order and in words (joins, invitations, drafts, answers, deadlines, withdrawals, adjournments, messages), as a JSON (default) or CSV download; filtered like your audit log, so it never holds another party's answers, caucus or preferences", params(("id" = String, Path, description = "The negotiation"), TimelineQuery), responses((status = 200, description = "The timeline, as an attachment (CSV columns: n, time, kind, by, summary)", content((Vec<TimelineEntry> = "application/json"), (String = "text/csv"))), (status = 400, description = "Invalid request", body = crate::error::ErrorBody), (status = 401, description = "Not signed in", body = crate::error::ErrorBody), (status = 404, description = "No such negotiation among yours", body = crate::error::ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn timeline(
    State(s): State<AppState>,
    Auth(user): Auth,
    Path(id): Path<String>,
    Query(q): Query<TimelineQuery>,
) -> Res<([(HeaderName, HeaderValue); 2], Vec<u8>)> {
    let csv = match q.format.as_deref().unwrap_or("json") {
        "json" => false,
        "csv" => true,
        other => {
            return Err(ApiError::invalid(format!(
                "format: json or csv, found `{other}`"
            )))
        }
    };
    let m = member(&s.store, &id, &user.id).await?;
    let entries: Vec<TimelineEntry> = s
        .store
        .events(&id, 0)
        .await?
        .into_iter()
        .filter(|e| m.viewer.may_see(&e.audience))
        .enumerate()
        .map(|(k, e)| entry(&m, k as i64 + 1, e))
        .collect();
    let (bytes, content_type, ext) = if csv {
        (to_csv(&entries)?, "text/csv; charset=utf-8", "csv")
    } else {
        (
            serde_json::to_vec_pretty(&entries).map_err(ApiError::internal)?,
            "application/json",
            "json",
        )
    };
    // Ids are hexadecimal: safe in a header as they are.
    let stem: String = id.chars().filter(char::is_ascii_alphanumeric).collect();
    let disposition = format!("attachment; filename=\"timeline-{stem}.{ext}\"");
    let disposition = HeaderValue::from_str(&disposition).map_err(ApiError::internal)?;
    Ok((
        [
            (CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    ))
}

/// An instant in UTC, ISO 8601 to the second.
pub(crate) fn utc(ms: i64) -> String {
    let t = ms.rem_euclid(86_400_000) / 1000;
    format!(
        "{}T{:02}:{:02}:{:02}Z",
        date_of_unix_ms(ms),
        t / 3600,
        t / 60 % 60,
        t % 60
    )
}

/// The timeline as CSV: `n, time, kind, by, summary`. A field that a spreadsheet would run as
/// a formula (`=`, `+`, `-`, `@`, a tab or a return first) is written after a `'`, so that a
/// message cannot run in the reader's spreadsheet.
fn to_csv(entries: &[TimelineEntry]) -> Res<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let inert = |s: &str| {
        if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
            format!("'{s}")
        } else {
            s.to_string()
        }
    };
    w.write_record(["n", "time", "kind", "by", "summary"])
        .map_err(ApiError::internal)?;
    for e in entries {
        w.write_record([
            e.n.to_string(),
            e.time.clone(),
            e.kind.clone(),
            inert(&e.by),
            inert(&e.summary),
        ])
        .map_err(ApiError::internal)?;
    }
    w.into_inner().map_err(ApiError::internal)
}

/// A payload's text field, or `?`.
fn field<'a>(p: &'a Value, key: &str) -> &'a str {
    p[key].as_str().unwrap_or("?")
}

/// A value (an option's name or a number) as text.
fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "?".into(),
        other => other.to_string(),
    }
}

/// An answer in words: "accepts", "rejects", "proposes `issue` = value".
fn verdict_words(p: &Value, verdict: &str) -> String {
    match verdict {
        "accept" => "accepts".into(),
        "reject" => "rejects".into(),
        "amend" => format!(
            "proposes to amend {} to {} in",
            field(&p["amendment"], "issue"),
            value_text(&p["amendment"]["value"])
        ),
        other => other.to_string(),
    }
}

/// A comment or reason, after the summary.
fn then(text: Option<&str>, lead: &str) -> String {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => format!("{lead}{t}"),
        None => String::new(),
    }
}

fn entry(m: &Member, n: i64, e: EventRow) -> TimelineEntry {
    let p = &e.payload;
    // The seat of the user who did it (a user holds one seat here).
    let actor = e
        .actor
        .as_deref()
        .and_then(|a| m.seat_of_user(a))
        .map(str::to_string);
    let by = match (e.kind, actor) {
        (_, Some(seat)) => seat,
        // An agent's answer: its seat.
        (EventKind::Response, None) => field(p, "seat").to_string(),
        _ => "server".to_string(),
    };
    let version = p["version"].as_i64().unwrap_or(0);
    let summary = match e.kind {
        EventKind::Created => format!("Negotiation \u{201c}{}\u{201d} opened", field(p, "title")),
        EventKind::Invited => format!("Invitation sent for the {} seat", field(p, "seat")),
        EventKind::Joined => format!("The {} seat was taken", field(p, "seat")),
        EventKind::AgentSeated => format!(
            "An agent ({}) took the {} seat",
            field(p, "voter"),
            field(p, "seat")
        ),
        EventKind::AgentRemoved => format!("The agent left the {} seat", field(p, "seat")),
        EventKind::AgentFailed => format!(
            "The agent in the {} seat cannot answer draft {version}: {}",
            field(p, "seat"),
            field(p, "reason")
        ),
        EventKind::PreferencesUpdated => format!(
            "{} saved its preferences (consent: {})",
            field(p, "seat"),
            field(p, "consent")
        ),
        EventKind::Draft => format!(
            "{} {version} circulated{}; responses due {}{}",
            if p["final_vote"].as_bool() == Some(true) {
                "Final text: draft"
            } else {
                "Draft"
            },
            p["corrects"]
                .as_i64()
                .map(|c| format!(", correcting draft {c}"))
                .unwrap_or_default(),
            p["deadline_at"].as_i64().map_or("?".into(), utc),
            then(p["note"].as_str(), ". Note: ")
        ),
        EventKind::Response => format!(
            "{} {} draft {version}{}",
            field(p, "seat"),
            verdict_words(p, field(p, "verdict")),
            then(p["comment"].as_str(), ". Comment: ")
        ),
        EventKind::AnswerChanged => format!(
            "{} changed its answer to draft {version} (was: {}): {} it{}",
            field(p, "seat"),
            field(p, "from"),
            verdict_words(p, field(p, "verdict")),
            then(p["comment"].as_str(), ". Comment: ")
        ),
        EventKind::Agreement => format!("Agreement: every party accepted draft {version}"),
        EventKind::DraftRejected => {
            format!("Draft {version} was answered by every party and not accepted by all")
        }
        EventKind::DeadlineMissed => format!(
            "Deadline of draft {version} missed by {}",
            p["missed"]
                .as_array()
                .map(|xs| xs.iter().map(value_text).collect::<Vec<_>>().join(", "))
                .unwrap_or_default()
        ),
        EventKind::DraftExpired => format!("Draft {version}: its deadline passed"),
        EventKind::Failed => format!(
            "Closed without agreement{}",
            then(p["reason"].as_str(), ". Reason: ")
        ),
        EventKind::DeadlineExtended => match p["deadline_at"].as_i64() {
            Some(d) if p["remaining_ms"].is_null() => {
                format!("Deadline of draft {version} extended to {}", utc(d))
            }
            _ => format!("Deadline of draft {version} extended (the negotiation is adjourned)"),
        },
        EventKind::DraftWithdrawn => format!(
            "Draft {version} withdrawn{}",
            then(p["reason"].as_str(), ". Reason: ")
        ),
        EventKind::Adjourned => format!("Adjourned{}", then(p["reason"].as_str(), ". Reason: ")),
        EventKind::Reopened => "Reopened".to_string(),
        EventKind::PhaseStatus => crate::phases::status_words(p),
        EventKind::FollowUpEnded => format!(
            "Follow-up draft {version} withdrawn: the agreed text of draft {} stands",
            p["standing"].as_i64().unwrap_or(0)
        ),
        EventKind::Message => {
            let to = match p["thread"]
                .as_str()
                .and_then(|t| t.parse::<ThreadKind>().ok())
            {
                Some(ThreadKind::Everyone) => "every seat".to_string(),
                Some(ThreadKind::Mediators) => "the mediators".to_string(),
                Some(ThreadKind::Caucus) => {
                    format!("the caucus with {}", field(p, "seat"))
                }
                None => "?".to_string(),
            };
            format!("Message to {to}: {}", field(p, "text"))
        }
        EventKind::StrawPoll => {
            format!("Straw poll on draft {version} complete (it binds nobody)")
        }
        // Never stored (a live sign only), so never in a timeline; said in words all the same.
        EventKind::Editing => "A mediator is editing the next draft".to_string(),
    };
    TimelineEntry {
        n,
        at: e.created_at,
        time: utc(e.created_at),
        kind: e.kind.as_str().to_string(),
        by,
        summary,
        details: e.payload,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_in_utc() {
        assert_eq!(utc(0), "1970-01-01T00:00:00Z");
        // 2026-11-30 07:22:34.567 UTC (date -u -d @1796023354).
        assert_eq!(utc(1_796_023_354_567), "2026-11-30T07:22:34Z");
    }

    #[test]
    fn csv_fields_are_quoted_and_never_formulas() {
        let e = |summary: &str| TimelineEntry {
            n: 1,
            at: 0,
            time: utc(0),
            kind: "message".into(),
            by: "mediator".into(),
            summary: summary.into(),
            details: Value::Null,
        };
        let out = String::from_utf8(
            to_csv(&[
                e("Message to every seat: a, \"b\"\nc"),
                e("=HYPERLINK(\"x\")"),
            ])
            .unwrap(),
        )
        .unwrap();
        assert_eq!(
            out,
            "n,time,kind,by,summary\n\
             1,1970-01-01T00:00:00Z,message,mediator,\"Message to every seat: a, \"\"b\"\"\nc\"\n\
             1,1970-01-01T00:00:00Z,message,mediator,\"'=HYPERLINK(\"\"x\"\")\"\n"
        );
    }
}
