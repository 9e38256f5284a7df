//! The single negotiating text over HTTP: the mediator's drafts, the parties' responses and
//! amendments, closing without agreement, and the mediator's analysis.

use super::{body, clauses_of, member, JsonBody, Member, Res};
use crate::auth::Auth;
use crate::error::ApiError;
use crate::process::{self, Clause, Private};
use crate::store::{now_ms, Param};
use crate::AppState;
use accord_formats::ScenarioDoc;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// `POST .../drafts` body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewDraft {
    /// The version this draft follows (optimistic concurrency): the current one.
    base_version: i64,
    clauses: Vec<Clause>,
    #[serde(default)]
    note: Option<String>,
    /// Seconds the parties have to respond (default one day).
    #[serde(default)]
    respond_within_seconds: Option<f64>,
}

/// A mediator circulates the next draft; agents answer at once.
pub async fn create_draft(
    State(s): State<AppState>,
    Auth(user): Auth,
    Path(id): Path<String>,
    b: JsonBody<NewDraft>,
) -> Res<(StatusCode, Json<Value>)> {
    let d = body(b)?;
    let m = member(&s.store, &id, &user.id).await?;
    m.require_mediator()?;
    let (clauses, _) = process::normalise(&m.public, &d.clauses)
        .map_err(|e| ApiError::invalid(format!("clauses: {e}")))?;
    let within = d.respond_within_seconds.unwrap_or(86_400.0);
    if !(within.is_finite() && within > 0.0 && within <= 365.0 * 86_400.0) {
        return Err(ApiError::invalid(
            "respond_within_seconds: more than 0, at most a year",
        ));
    }
    let deadline = now_ms() + (within * 1000.0) as i64;
    // Read before the transaction (see the store's invariant); the version check below makes
    // sure it is still the last draft.
    let last = m.row.current_version;
    let previous: Vec<Clause> = match s.store.drafts(&id, last).await?.last() {
        Some(p) => clauses_of(&p.clauses),
        None => Vec::new(),
    };
    let mut tx = s.store.write(&id).await?;
    let n = tx.negotiation().clone();
    if n.status != "open" {
        return Err(ApiError::conflict(
            "closed",
            format!("the negotiation is {}", n.status),
        ));
    }
    if d.base_version != n.current_version {
        return Err(ApiError::conflict(
            "version_conflict",
            format!(
                "draft {} is the current one, not {}: reload and redraft",
                n.current_version, d.base_version
            ),
        ));
    }
    let version = n.current_version + 1;
    let clauses_json =
        serde_json::to_string(&clauses).map_err(|e| ApiError::internal(e.to_string()))?;
    tx.exec(
        "UPDATE drafts SET status = 'superseded' WHERE negotiation_id = $1 AND status = 'open'",
        &[Param::Text(&id)],
    )
    .await?;
    tx.exec(
        "INSERT INTO drafts (negotiation_id, version, clauses, note, deadline_at, status, created_by, created_at) VALUES ($1, $2, $3, $4, $5, 'open', $6, $7)",
        &[Param::Text(&id), Param::Int(version), Param::Text(&clauses_json), Param::OptText(d.note.as_deref()), Param::Int(deadline), Param::Text(&user.id), Param::Int(now_ms())],
    )
    .await?;
    tx.exec(
        "UPDATE negotiations SET current_version = $1 WHERE id = $2",
        &[Param::Int(version), Param::Text(&id)],
    )
    .await?;
    let changes = process::diff(&previous, &clauses);
    tx.event("draft", Some(&user.id), "*", &json!({"version": version, "clauses": clauses, "changes": changes, "note": d.note, "deadline_at": deadline})).await?;
    tx.commit().await?;
    s.notify(&id);
    // The draft stands whatever the agents do; one that fails to answer is retried by the
    // deadline keeper and logged, never reported to the mediator as a failed draft.
    if let Err(e) = crate::agents_respond(&s, &id, version).await {
        eprintln!("agents on draft {version} of {id}: {}", e.message);
    }
    Ok((
        StatusCode::CREATED,
        Json(
            json!({"version": version, "deadline_at": deadline, "clauses": clauses, "changes": changes}),
        ),
    ))
}

/// `POST .../responses` body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Respond {
    verdict: String,
    #[serde(default)]
    amendment: Option<Clause>,
    #[serde(default)]
    comment: Option<String>,
}

/// A party answers the current draft: accept, reject, or amend one clause.
pub async fn respond(
    State(s): State<AppState>,
    Auth(user): Auth,
    Path((id, version)): Path<(String, i64)>,
    b: JsonBody<Respond>,
) -> Res<(StatusCode, Json<Value>)> {
    let r = body(b)?;
    let m = member(&s.store, &id, &user.id).await?;
    if m.seat.role != "party" {
        return Err(ApiError::forbidden(
            "only negotiating parties respond to drafts",
        ));
    }
    let seat = m.seat.seat.clone();
    record_response(
        &s,
        &id,
        version,
        &seat,
        Some(&user.id),
        r.verdict.as_str(),
        r.amendment,
        r.comment,
        &m.public,
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"version": version, "seat": seat, "verdict": r.verdict})),
    ))
}

/// Records one seat's response and settles the draft when every party has answered.
#[allow(clippy::too_many_arguments)] // the response's parts, as the API receives them
pub(crate) async fn record_response(
    s: &AppState,
    id: &str,
    version: i64,
    seat: &str,
    actor: Option<&str>,
    verdict: &str,
    amendment: Option<Clause>,
    comment: Option<String>,
    public: &ScenarioDoc,
) -> Res<()> {
    if !matches!(verdict, "accept" | "reject" | "amend") {
        return Err(ApiError::invalid("verdict: accept, reject or amend"));
    }
    let amendment = match (verdict, amendment) {
        ("amend", Some(a)) => {
            let issue = public
                .issues
                .iter()
                .find(|i| i.name == a.issue)
                .ok_or_else(|| ApiError::invalid(format!("amendment: no issue `{}`", a.issue)))?;
            let mut probe: Vec<Clause> = public
                .issues
                .iter()
                .map(|i| Clause {
                    issue: i.name.clone(),
                    value: first_value(i),
                    wording: None,
                })
                .collect();
            if let Some(c) = probe.iter_mut().find(|c| c.issue == issue.name) {
                c.value = a.value.clone();
            }
            process::normalise(public, &probe)
                .map_err(|e| ApiError::invalid(format!("amendment: {e}")))?;
            Some(serde_json::to_string(&a).map_err(|e| ApiError::internal(e.to_string()))?)
        }
        ("amend", None) => {
            return Err(ApiError::invalid(
                "an amendment needs `amendment`: {issue, value, wording?}",
            ))
        }
        (_, Some(_)) => {
            return Err(ApiError::invalid(
                "`amendment` goes with the verdict `amend`",
            ))
        }
        (_, None) => None,
    };
    if comment.as_ref().is_some_and(|c| c.chars().count() > 4000) {
        return Err(ApiError::invalid("comment: at most 4000 characters"));
    }
    let mut tx = s.store.write(id).await?;
    let n = tx.negotiation().clone();
    if n.status != "open" {
        return Err(ApiError::conflict(
            "closed",
            format!("the negotiation is {}", n.status),
        ));
    }
    let Some((status, deadline)) = tx.draft_state(version).await? else {
        return Err(ApiError::not_found(format!("no draft {version}")));
    };
    if version != n.current_version || status != "open" {
        return Err(ApiError::conflict(
            "draft_closed",
            format!(
                "draft {version} is {status}; draft {} is the current one",
                n.current_version
            ),
        ));
    }
    if now_ms() > deadline {
        return Err(ApiError::new(
            StatusCode::GONE,
            "deadline_passed",
            format!("the deadline for draft {version} has passed"),
        ));
    }
    let inserted = tx
        .exec(
            "INSERT INTO responses (negotiation_id, version, seat, verdict, amendment, comment, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            &[Param::Text(id), Param::Int(version), Param::Text(seat), Param::Text(verdict), Param::OptText(amendment.as_deref()), Param::OptText(comment.as_deref()), Param::OptText(actor), Param::Int(now_ms())],
        )
        .await;
    if let Err(crate::store::StoreError::Conflict(_)) = inserted {
        return Err(ApiError::conflict(
            "already_responded",
            format!("`{seat}` has answered draft {version} already"),
        ));
    }
    inserted?;
    let amendment_value: Option<Value> = amendment
        .as_deref()
        .and_then(|a| serde_json::from_str(a).ok());
    tx.event("response", actor, &format!("mediators,{seat}"), &json!({"version": version, "seat": seat, "verdict": verdict, "amendment": amendment_value, "comment": comment})).await?;
    // Settle the draft once every negotiating party has answered.
    let verdicts = tx.verdicts(version).await?;
    if verdicts.iter().all(|(_, v)| v.is_some()) {
        let agreed = verdicts.iter().all(|(_, v)| v.as_deref() == Some("accept"));
        let status = if agreed { "accepted" } else { "rejected" };
        tx.exec(
            "UPDATE drafts SET status = $1 WHERE negotiation_id = $2 AND version = $3",
            &[Param::Text(status), Param::Text(id), Param::Int(version)],
        )
        .await?;
        if agreed {
            tx.exec(
                "UPDATE negotiations SET status = 'agreed', agreement_version = $1 WHERE id = $2",
                &[Param::Int(version), Param::Text(id)],
            )
            .await?;
            tx.event("agreement", None, "*", &json!({"version": version}))
                .await?;
        } else {
            tx.event("draft_rejected", None, "*", &json!({"version": version}))
                .await?;
        }
    }
    tx.commit().await?;
    s.notify(id);
    Ok(())
}

fn first_value(i: &accord_formats::IssueDoc) -> accord_formats::Scalar {
    match (&i.options, i.min) {
        (Some(opts), _) => match opts.first() {
            Some(accord_formats::OptionDoc::Name(n)) => accord_formats::Scalar::Text(n.clone()),
            Some(accord_formats::OptionDoc::Full(f)) => {
                accord_formats::Scalar::Text(f.name.clone())
            }
            None => accord_formats::Scalar::Int(0),
        },
        (None, Some(min)) => match min {
            accord_formats::Number::Int(x) => accord_formats::Scalar::Int(x),
            accord_formats::Number::Float(x) => accord_formats::Scalar::Float(x),
        },
        _ => accord_formats::Scalar::Int(0),
    }
}

/// `POST .../close` body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Close {
    #[serde(default)]
    reason: Option<String>,
}

/// A mediator ends an open negotiation without agreement (recorded as failed).
pub async fn close(
    State(s): State<AppState>,
    Auth(user): Auth,
    Path(id): Path<String>,
    b: JsonBody<Close>,
) -> Res<Json<Value>> {
    let c = body(b)?;
    let m = member(&s.store, &id, &user.id).await?;
    m.require_mediator()?;
    let mut tx = s.store.write(&id).await?;
    let n = tx.negotiation().clone();
    if n.status != "open" {
        return Err(ApiError::conflict(
            "closed",
            format!("the negotiation is {} already", n.status),
        ));
    }
    if c.reason.as_ref().is_some_and(|r| r.chars().count() > 4000) {
        return Err(ApiError::invalid("reason: at most 4000 characters"));
    }
    tx.exec(
        "UPDATE negotiations SET status = 'failed', closed_reason = $2 WHERE id = $1",
        &[Param::Text(&id), Param::OptText(c.reason.as_deref())],
    )
    .await?;
    tx.exec(
        "UPDATE drafts SET status = 'withdrawn' WHERE negotiation_id = $1 AND status = 'open'",
        &[Param::Text(&id)],
    )
    .await?;
    tx.event("failed", Some(&user.id), "*", &json!({"reason": c.reason}))
        .await?;
    tx.commit().await?;
    s.notify(&id);
    Ok(Json(json!({"status": "failed"})))
}

/// The scenario the engine sees (every party's preferences put back); 409 while a party has
/// not given its preferences yet.
fn engine_scenario(m: &Member) -> Res<accord_model::Scenario> {
    let mut private = BTreeMap::new();
    let mut missing = Vec::new();
    for seat in m.seats.iter().filter(|x| x.role == "party") {
        match seat
            .private_doc
            .as_deref()
            .map(serde_json::from_str::<Private>)
        {
            Some(Ok(p)) => {
                private.insert(seat.seat.clone(), p);
            }
            _ => missing.push(seat.seat.clone()),
        }
    }
    if !missing.is_empty() {
        return Err(ApiError::conflict(
            "waiting_for_preferences",
            format!("waiting for the preferences of: {}", missing.join(", ")),
        ));
    }
    let mut doc = process::merge(&m.public, &private);
    doc.draft = None;
    doc.to_scenario()
        .map_err(|e| ApiError::internal(e.to_string()))
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

/// Runs engine work off the async threads.
async fn engine<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, String> + Send + 'static,
) -> Res<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| ApiError::internal(e.to_string()))?
        .map_err(ApiError::internal)
}

/// The mediator's analysis of the current draft (aggregate; no party's scores).
pub async fn analysis(
    State(s): State<AppState>,
    Auth(user): Auth,
    Path(id): Path<String>,
) -> Res<Json<Value>> {
    let m = member(&s.store, &id, &user.id).await?;
    m.require_mediator()?;
    let scenario = engine_scenario(&m)?;
    let draft = draft_outcomes(&s, &m, &id).await?.pop();
    let shared: BTreeMap<String, bool> = m
        .seats
        .iter()
        .map(|x| (x.seat.clone(), x.share_with_mediator))
        .collect();
    let result = engine(move || {
        process::mediator_analysis(&scenario, draft.as_ref(), &|p| {
            shared.get(p).copied().unwrap_or(false)
        })
    })
    .await?;
    Ok(Json(result))
}

/// The mediator's utility-space picture (SVG) of the first two parties with every draft so
/// far; only when both share their preferences with mediators (it shows their utilities).
pub async fn picture(
    State(s): State<AppState>,
    Auth(user): Auth,
    Path(id): Path<String>,
) -> Res<([(axum::http::header::HeaderName, &'static str); 4], String)> {
    let m = member(&s.store, &id, &user.id).await?;
    m.require_mediator()?;
    if m.seats.iter().filter(|x| x.role == "party").count() < 2 {
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
        .filter(|x| x.role == "party" && !x.share_with_mediator)
        .map(|x| x.seat.as_str())
        .collect();
    if !keeping.is_empty() {
        return Err(ApiError::conflict(
            "not_shared",
            format!(
                "the utility-space picture shows the parties' utilities: {} keep{} them confidential",
                keeping.join(" and "),
                if keeping.len() == 1 { "s" } else { "" }
            ),
        ));
    }
    let scenario = engine_scenario(&m)?;
    let drafts = draft_outcomes(&s, &m, &id).await?;
    let svg = engine(move || process::picture_svg(&scenario, &drafts)).await?;
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

/// What the current draft means to one party: for that party itself (or mediators when it
/// shares), from its own preferences only.
pub async fn assessment(
    State(s): State<AppState>,
    Auth(user): Auth,
    Path((id, seat)): Path<(String, String)>,
) -> Res<Json<Value>> {
    let m = member(&s.store, &id, &user.id).await?;
    let target = m.seat_named(&seat)?;
    if !m.may_see_private_of(target) {
        return Err(ApiError::forbidden(
            "a party's assessment is for that party alone",
        ));
    }
    if target.role != "party" {
        return Err(ApiError::invalid(
            "only negotiating parties have preferences",
        ));
    }
    let private: Private = match target.private_doc.as_deref().map(serde_json::from_str) {
        Some(Ok(p)) => p,
        _ => {
            return Err(ApiError::conflict(
                "waiting_for_preferences",
                format!("`{seat}` has not given its preferences yet"),
            ))
        }
    };
    let draft = draft_outcomes(&s, &m, &id).await?.pop();
    let public = m.public.clone();
    let result =
        engine(move || process::assessment(&public, &seat, &private, draft.as_ref())).await?;
    Ok(Json(result))
}
