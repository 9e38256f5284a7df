//! The HTTP handlers. Each checks who is asking and what their seat allows before touching the
//! store; what it returns is built for that viewer (see `viewer`'s policy). Here: negotiations,
//! the viewer's membership, the negotiation view, the audit log and the vocabulary;
//! [`accounts`] (sign up, in and out), [`seats`] (invitations, agents, preferences), [`text`]
//! (drafts, answers, deadlines, adjournment, closing), [`analysis`] (the mediators' analysis,
//! the picture, a party's assessment), [`document`] (the agreement document), [`editing`] (a
//! mediator editing the next draft, for the other mediators' desks), [`messages`]
//! (notes to all, among mediators, caucuses; read marks), [`notifications`] (what is new for
//! the viewer, for the home page), [`invitations`] (what an invitation is for, pending
//! links shown again to mediators), [`timeline`] (the viewer's timeline as JSON or CSV),
//! [`elicit`] (preferences without weights), [`rules`] (a rule checked as it is typed).

mod accounts;
mod analysis;
mod document;
mod editing;
mod elicit;
mod invitations;
mod messages;
mod notifications;
mod phases;
mod rules;
mod seats;
mod suggestion;
mod text;
mod timeline;
pub use accounts::*;
pub use analysis::*;
pub use document::*;
pub use editing::*;
pub use elicit::*;
pub use invitations::*;
pub use messages::*;
pub use notifications::*;
pub use phases::*;
pub use rules::*;
pub use seats::*;
pub use suggestion::*;
pub use text::*;
pub use timeline::*;

use crate::accounts::ClientAddr;
use crate::auth::{hash_password, new_id, new_token, request_token, token_hash, Auth};
use crate::domain::{
    Audience, Consent, DraftStatus, EventKind, NegotiationStatus, PreferencesSource, Role,
};
use crate::error::ApiError;
use crate::process::{self, Clause, Private};
use crate::store::{NegotiationRow, SeatRow, Store};
use crate::viewer::Viewer;
use crate::AppState;
use accord_formats::ScenarioDoc;
use axum::extract::{Path, Query, State};
use axum::http::header::{HeaderName, SET_COOKIE};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

pub(crate) type Res<T> = Result<T, ApiError>;
pub(crate) type JsonBody<T> = Result<Json<T>, axum::extract::rejection::JsonRejection>;

pub(crate) fn body<T>(b: JsonBody<T>) -> Res<T> {
    b.map(|Json(x)| x).map_err(ApiError::from)
}

/// The shipped scenarios a negotiation can start from.
#[utoipa::path(get, path = "/api/scenarios", tag = "vocabulary", summary = "The shipped scenarios a negotiation can start from", responses((status = 200, description = "Their names", body = Vec<String>), (status = 400, description = "Invalid request", body = crate::error::ErrorBody)), security(()))]
pub async fn scenarios() -> Json<Value> {
    Json(json!(crate::SCENARIOS
        .iter()
        .map(|(n, _)| n)
        .collect::<Vec<_>>()))
}

/// `POST /api/negotiations` body: a shipped scenario by name, or a scenario document.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewNegotiation {
    title: Option<String>,
    /// A shipped scenario's name.
    scenario: Option<String>,
    /// A scenario document (the JSON form of the scenario format).
    #[schema(value_type = Option<Object>)]
    document: Option<ScenarioDoc>,
    /// A scenario file's text in TOML (an uploaded file).
    toml: Option<String>,
    /// The rules: `binding` (the default: the first draft every party accepts is the
    /// agreement) or `one-text` (drafts are straw polls; only the final vote binds).
    #[serde(default)]
    rules: Option<crate::one_text::RulesName>,
    /// Under `one-text`: what parties say besides their straw poll, `binary` (better / worse
    /// than the draft before; the default), `graded5` (five grades) or `accept` (nothing).
    #[serde(default)]
    feedback: Option<crate::one_text::FeedbackName>,
}

/// Creates a negotiation; its creator takes the (first) mediator seat.
#[utoipa::path(post, path = "/api/negotiations", tag = "negotiation", summary = "Create a negotiation from a shipped scenario, a scenario document or a TOML file's text; you take the mediator seat. Weights are normalised (warnings say so).", request_body = NewNegotiation, responses((status = 201, description = "{id, title, seat, warnings}", body = Object), (status = 400, description = "Invalid request", body = crate::error::ErrorBody), (status = 401, description = "Not signed in", body = crate::error::ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn create_negotiation(
    State(s): State<AppState>,
    Auth(user): Auth,
    b: JsonBody<NewNegotiation>,
) -> Res<(StatusCode, Json<Value>)> {
    let n = body(b)?;
    let rules = crate::one_text::rules_of(n.rules, n.feedback).map_err(ApiError::invalid)?;
    let mut doc: ScenarioDoc = match (n.scenario, n.document, n.toml) {
        (Some(name), None, None) => {
            let text = crate::SCENARIOS
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, t)| *t)
                .ok_or_else(|| {
                    ApiError::invalid(format!(
                        "no shipped scenario `{name}` (GET /api/scenarios lists them)"
                    ))
                })?;
            toml::from_str(text).map_err(|e| ApiError::internal(e.to_string()))?
        }
        (None, Some(d), None) => d,
        (None, None, Some(text)) => {
            // The same reader as `accord check`: errors say line, column and what was expected.
            let scenario = accord_formats::parse_scenario(&text, accord_formats::Format::Toml, "toml")
                .map_err(|e| ApiError::invalid(e.to_string()))?;
            let mut doc = ScenarioDoc::from_scenario(&scenario);
            // Its phases (issue 15), which the one-shot reader leaves aside; checked below.
            doc.phasing = crate::phases::phasing_of_toml(&text);
            doc
        }
        _ => {
            return Err(ApiError::invalid(
                "give one of `scenario` (a shipped one's name), `document` (a scenario as JSON) or `toml` (a scenario file's text)",
            ))
        }
    };
    let scenario = doc
        .to_scenario()
        .map_err(|e| ApiError::invalid(format!("document: {e}")))?;
    if let Some(phasing) = &doc.phasing {
        phasing
            .to_phasing(&scenario)
            .map_err(|e| ApiError::invalid(format!("document: {e}")))?;
    }
    // What the workbench can analyse within its bounds (see `limits`).
    if let Some(issue) = scenario
        .space
        .issues()
        .iter()
        .find(|i| i.size() > crate::limits::MAX_ISSUE_VALUES)
    {
        return Err(ApiError::invalid(format!(
            "issue `{}` has {} values; the workbench analyses issues of at most {} values (`accord analyze` takes larger ones): use a coarser resolution or a narrower range",
            issue.name,
            issue.size(),
            crate::limits::MAX_ISSUE_VALUES
        )));
    }
    // Seat, issue and option names: NFC, nothing hidden or reordering, none twice in any case.
    crate::names::check_scenario(&mut doc)?;
    if !doc
        .parties
        .iter()
        .any(|p| p.role == Some(accord_formats::RoleDoc::Mediator))
    {
        let mut name = "mediator".to_string();
        while doc.parties.iter().any(|p| p.name == name) {
            name.push('_');
        }
        doc.parties.push(accord_formats::PartyDoc {
            name,
            role: Some(accord_formats::RoleDoc::Mediator),
            description: None,
            reservation: None,
            discount: None,
            red_lines: Vec::new(),
            weights: None,
            scores: None,
            terms: Vec::new(),
        });
    }
    let creator_seat = doc
        .parties
        .iter()
        .find(|p| p.role == Some(accord_formats::RoleDoc::Mediator))
        .map(|p| p.name.clone())
        .unwrap_or_default();
    let (public, seats, warnings) = process::split(&doc);
    let id = new_id();
    let title = n.title.unwrap_or_else(|| doc.name.clone());
    let public_json =
        serde_json::to_string(&public).map_err(|e| ApiError::internal(e.to_string()))?;
    s.store
        .create_negotiation(&id, &title, &public_json, &user.id, &creator_seat, &seats)
        .await?;
    let mut tx = s.store.write(&id).await?;
    tx.set_text_rules(rules).await?;
    tx.event(
        EventKind::Created,
        Some(&user.id),
        &Audience::Everyone,
        &json!({"title": title, "mediator": creator_seat, "rules": rules.protocol.as_str()}),
    )
    .await?;
    tx.commit().await?;
    s.notify(&id);
    Ok((
        StatusCode::CREATED,
        Json(
            json!({"id": id, "title": title, "seat": creator_seat, "warnings": warnings, "rules": rules.protocol.as_str()}),
        ),
    ))
}

/// The negotiations the user holds a seat in.
#[utoipa::path(get, path = "/api/negotiations", tag = "negotiation", summary = "Negotiations you hold a seat in", responses((status = 200, description = "[{id, title, status, seat}]", body = Vec<Object>), (status = 400, description = "Invalid request", body = crate::error::ErrorBody), (status = 401, description = "Not signed in", body = crate::error::ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn my_negotiations(State(s): State<AppState>, Auth(user): Auth) -> Res<Json<Value>> {
    let list = s.store.negotiations_of(&user.id).await?;
    Ok(Json(json!(list
        .iter()
        .map(|(n, seat)| json!({"id": n.id, "title": n.title, "status": n.status.as_str(), "seat": seat}))
        .collect::<Vec<_>>())))
}

/// What the viewer is in a negotiation.
pub(crate) struct Member {
    /// The negotiation as read with the seats.
    pub row: crate::store::NegotiationRow,
    pub seat: SeatRow,
    pub seats: Vec<SeatRow>,
    pub public: PublicDoc,
    /// Who is asking, for every question of who may see what.
    pub viewer: Viewer,
}

impl Member {
    pub(crate) fn is_mediator(&self) -> bool {
        self.viewer.is_mediator()
    }
    pub(crate) fn require_mediator(&self) -> Res<()> {
        if self.is_mediator() {
            Ok(())
        } else {
            Err(ApiError::forbidden("only a mediator may do this"))
        }
    }
    /// The seat held by account `user` (an account holds one seat per negotiation): who
    /// circulated a draft, who did what in the log.
    pub(crate) fn seat_of_user(&self, user: &str) -> Option<&str> {
        self.seats
            .iter()
            .find(|x| x.user_id.as_deref() == Some(user))
            .map(|x| x.seat.as_str())
    }

    /// A seat of this negotiation by name; 404 when there is none.
    pub(crate) fn seat_named(&self, seat: &str) -> Res<&SeatRow> {
        self.seats
            .iter()
            .find(|x| x.seat == seat)
            .ok_or_else(|| ApiError::not_found("no such seat"))
    }
}

/// Loads the viewer's seat; 404 when they hold none (so outsiders learn nothing).
pub(crate) async fn member(store: &Store, id: &str, user: &str) -> Res<Member> {
    let (n, seats) = store
        .negotiation_with_seats(id)
        .await?
        .ok_or_else(not_a_member)?;
    member_of(store, n, seats, user).await
}

pub(crate) fn not_a_member() -> ApiError {
    ApiError::not_found("no such negotiation among yours")
}

/// `user`'s seat in a negotiation read with its seats.
async fn member_of(
    store: &Store,
    n: NegotiationRow,
    seats: Vec<SeatRow>,
    user: &str,
) -> Res<Member> {
    let seat = seats
        .iter()
        .find(|x| x.user_id.as_deref() == Some(user))
        .cloned()
        .ok_or_else(not_a_member)?;
    let public = public_of(store, &n.id).await?;
    let viewer = Viewer {
        seat: seat.seat.clone(),
        role: seat.role,
    };
    Ok(Member {
        row: n,
        seat,
        seats,
        public,
        viewer,
    })
}

/// A negotiation's public document (issues, seats, the scenario's draft) with what is derived
/// from it, parsed once per process: it never changes after the negotiation is created, so
/// every instance's copy stays right.
#[derive(Clone)]
pub(crate) struct PublicDoc(std::sync::Arc<Public>);

pub(crate) struct Public {
    doc: ScenarioDoc,
    /// The scenario's draft as clauses with wording (building it takes the whole scenario).
    scenario_draft: Value,
}

impl std::ops::Deref for PublicDoc {
    type Target = ScenarioDoc;

    fn deref(&self) -> &ScenarioDoc {
        &self.0.doc
    }
}

impl PublicDoc {
    /// The scenario's draft as clauses with wording, or null.
    pub(crate) fn scenario_draft(&self) -> &Value {
        &self.0.scenario_draft
    }
}

/// Parsed public documents by negotiation (emptied when it holds too many).
static PUBLIC_DOCS: std::sync::LazyLock<
    std::sync::Mutex<std::collections::HashMap<String, PublicDoc>>,
> = std::sync::LazyLock::new(Default::default);

/// The negotiation's public document, read and parsed once.
pub(crate) async fn public_of(store: &Store, id: &str) -> Res<PublicDoc> {
    if let Some(p) = PUBLIC_DOCS.lock().ok().and_then(|c| c.get(id).cloned()) {
        return Ok(p);
    }
    let text = store
        .public_doc(id)
        .await?
        .ok_or_else(|| ApiError::not_found("no such negotiation among yours"))?;
    let doc: ScenarioDoc = serde_json::from_str(&text).map_err(ApiError::internal)?;
    let scenario_draft = scenario_draft(&doc);
    let public = PublicDoc(std::sync::Arc::new(Public {
        doc,
        scenario_draft,
    }));
    if let Ok(mut cache) = PUBLIC_DOCS.lock() {
        if cache.len() >= 4096 {
            cache.clear();
        }
        cache.insert(id.to_string(), public.clone());
    }
    Ok(public)
}

pub(crate) fn clauses_of(json: &str) -> Vec<Clause> {
    serde_json::from_str(json).unwrap_or_default()
}

/// `?history=false`: only the current draft.
#[derive(Deserialize, utoipa::IntoParams)]
pub struct View {
    /// Whether to list every draft (the default) or only the current one.
    #[serde(default)]
    pub history: Option<bool>,
}

/// The negotiation as the viewer may see it.
#[utoipa::path(get, path = "/api/negotiations/{id}", tag = "negotiation", summary = "The negotiation as you may see it: issues, seats (with consent and where preferences came from), drafts with clause-level changes, responses (mediators: all; parties: their own)", params(("id" = String, Path, description = "The negotiation"), View), responses((status = 200, description = "The negotiation view", body = Object), (status = 400, description = "Invalid request", body = crate::error::ErrorBody), (status = 401, description = "Not signed in", body = crate::error::ErrorBody), (status = 403, description = "Your seat may not do this", body = crate::error::ErrorBody), (status = 404, description = "No such negotiation among yours", body = crate::error::ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn negotiation(
    State(s): State<AppState>,
    Auth(user): Auth,
    Path(id): Path<String>,
    Query(q): Query<View>,
) -> Res<Json<Value>> {
    // Without the history, the current draft only (and the one before, for its changes).
    let history = q.history.unwrap_or(true);
    let view = s
        .store
        .negotiation_view(&id, history)
        .await?
        .ok_or_else(not_a_member)?;
    let (drafts, responses, invited) = (view.drafts, view.responses, view.invited);
    let m = member_of(&s.store, view.negotiation, view.seats, &user.id).await?;
    let n = &m.row;
    let from_current = if history || n.current_version == 1 {
        0
    } else {
        n.current_version
    };
    // The one-text rules: final texts and comparisons (issue 16), read with the view.
    let rules = n.rules;
    let marks = crate::store::OneTextMarks::of(&drafts, &responses);
    let mut prev: Vec<Clause> = Vec::new();
    let drafts_json: Vec<Value> = drafts
        .iter()
        .map(|d| {
            let clauses = clauses_of(&d.clauses);
            let changes = process::diff(&prev, &clauses);
            prev = clauses.clone();
            let visible: Vec<Value> = responses
                .iter()
                .filter(|r| r.version == d.version && m.viewer.may_see_answers_of(&r.seat))
                .map(|r| json!({
                    "seat": r.seat, "verdict": r.verdict.as_str(),
                    "amendment": r.amendment.as_deref().and_then(|a| serde_json::from_str::<Value>(a).ok()),
                    "comment": r.comment, "at": r.created_at, "changed_at": r.changed_at,
                    "comparison": marks.comparisons.iter()
                        .find(|(v, seat, _)| *v == r.version && *seat == r.seat)
                        .map(|(_, _, c)| c.as_str()),
                }))
                .collect();
            let mut draft = json!({
                "version": d.version, "clauses": clauses, "changes": changes, "note": d.note,
                "deadline_at": d.deadline_at, "status": d.status.as_str(), "created_at": d.created_at,
                "responses": visible,
                // The mediator who circulated it, by seat (a user holds one seat here).
                "by": m.seat_of_user(&d.created_by),
                "corrects": d.corrects, "withdrawn_reason": d.withdrawn_reason,
                // While adjourned: the time the open draft had left (its deadline waits).
                "remaining_ms": d.remaining_ms,
                // One-text: the final text, put to the binding vote; and whether answers to it
                // carry a comparison with the draft before.
                "final_vote": marks.finals.contains(&d.version),
                "asks_comparison": rules.expects_comparison(d.version, marks.finals.contains(&d.version)),
            });
            if d.status == DraftStatus::Expired {
                // Mediators learn who missed the deadline; a party only whether it did.
                let missed: Vec<&str> = m
                    .seats
                    .iter()
                    .filter(|x| x.role == Role::Party && m.viewer.may_see_answers_of(&x.seat))
                    .filter(|x| !responses.iter().any(|r| r.version == d.version && r.seat == x.seat))
                    .map(|x| x.seat.as_str())
                    .collect();
                draft["missed"] = json!(missed);
            }
            draft
        })
        .zip(&drafts)
        .filter(|(_, d)| d.version >= from_current)
        .map(|(v, _)| v)
        .collect();
    // The account holding each seat, where the viewer policy lets this viewer see it.
    let holder_of = |seat: &str| {
        m.seats
            .iter()
            .find(|x| x.seat == seat && m.viewer.may_see_holder_of(seat))
            .and_then(|x| x.holder_name.as_deref())
    };
    let seats: Vec<Value> = m
        .seats
        .iter()
        .map(|x| {
            let held = x.user_id.is_some() || x.agent.is_some();
            // `given` only when the party saved its own; scenario preferences are the
            // mediator's assumptions.
            let source = x.private_doc.as_ref().and(x.preferences_source);
            let mut seat = json!({
                "name": x.seat, "role": x.role.as_str(), "held": held,
                "agent": x.agent.is_some(),
                "preferences_given": source == Some(PreferencesSource::Party),
                "preferences_source": source.map(PreferencesSource::as_str),
                "consent": (x.role == Role::Party).then(|| x.consent.as_str()),
                "holder": holder_of(&x.seat),
            });
            if m.is_mediator() {
                seat["invitation_pending"] = json!(!held && invited.contains(&x.seat));
                seat["agent_spec"] = json!(x.agent.map(|a| a.to_string()));
                seat["agent_failed"] = json!(x.agent_failed);
            }
            seat
        })
        .collect();
    let mut view = json!({
        "id": n.id, "title": n.title, "status": n.status.as_str(), "agreement_version": n.agreement_version,
        "closed_reason": n.closed_reason, "adjourned_reason": n.adjourned_reason,
        // The server's clock (Unix ms), so pages count deadlines down in its time.
        "now": crate::store::now_ms(),
        "scenario_draft": m.public.scenario_draft(),
        "current_version": n.current_version,
        "issues": m.public.issues, "description": m.public.description,
        "seats": seats, "drafts": drafts_json,
        "you": {"seat": m.seat.seat, "role": m.seat.role.as_str()},
    });
    if let (Some(v), Value::Object(r)) = (view.as_object_mut(), crate::one_text::rules_json(rules))
    {
        v.extend(r);
    }
    Ok(Json(view))
}

/// The text the scenario puts on the table, as clauses with wording (where a first draft can
/// start), or null.
fn scenario_draft(public: &ScenarioDoc) -> Value {
    let Some(draft) = &public.draft else {
        return Value::Null;
    };
    let clauses: Vec<Clause> = draft
        .iter()
        .map(|(issue, value)| Clause {
            issue: issue.clone(),
            value: value.clone(),
            wording: None,
        })
        .collect();
    process::normalise(public, &clauses).map_or(Value::Null, |(c, _)| json!(c))
}

/// `?after=N`.
#[derive(Deserialize, utoipa::IntoParams)]
pub struct After {
    /// Events after this number.
    #[serde(default)]
    pub after: i64,
    /// At most this many (audit log: 500 at most).
    #[serde(default)]
    pub limit: Option<usize>,
}

/// The audit log as the viewer may see it, numbered for the viewer (1, 2, 3, ... without gaps,
/// so the numbers say nothing of events addressed to others), a page at a time: the events
/// after `after`, at most `limit` (default and most: 500).
#[utoipa::path(get, path = "/api/negotiations/{id}/audit", tag = "negotiation", summary = "The audit log as you may see it, numbered for you, a page at a time (?after=N&limit=M, at most 500)", params(("id" = String, Path, description = "The negotiation"), After), responses((status = 200, description = "[{seq, kind, actor, payload, created_at}]", body = Vec<Object>), (status = 400, description = "Invalid request", body = crate::error::ErrorBody), (status = 401, description = "Not signed in", body = crate::error::ErrorBody), (status = 404, description = "No such negotiation among yours", body = crate::error::ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn audit(
    State(s): State<AppState>,
    Auth(user): Auth,
    Path(id): Path<String>,
    Query(q): Query<After>,
) -> Res<Json<Value>> {
    let m = member(&s.store, &id, &user.id).await?;
    let limit = q.limit.unwrap_or(AUDIT_PAGE).clamp(1, AUDIT_PAGE);
    let page = viewer_page(&s.store, &id, &m.viewer, q.after, limit).await?;
    Ok(Json(json!(page.iter().map(event_json).collect::<Vec<_>>())))
}

/// Events in one audit page at most.
const AUDIT_PAGE: usize = 500;

/// The viewer's events numbered after `after`, at most `limit`, numbered for the viewer. Only
/// the page's payloads are read.
pub(crate) async fn viewer_page(
    store: &Store,
    id: &str,
    viewer: &Viewer,
    after: i64,
    limit: usize,
) -> Res<Vec<crate::store::EventRow>> {
    let mine: Vec<i64> = store
        .event_audiences(id)
        .await?
        .into_iter()
        .filter(|(_, audience)| viewer.may_see(audience))
        .map(|(seq, _)| seq)
        .collect();
    let start = usize::try_from(after.max(0))
        .unwrap_or(usize::MAX)
        .min(mine.len());
    let wanted = &mine[start..(start + limit).min(mine.len())];
    let (Some(&from), Some(&to)) = (wanted.first(), wanted.last()) else {
        return Ok(Vec::new());
    };
    let events = store.events_between(id, from, to).await?;
    Ok(events
        .into_iter()
        .filter(|e| viewer.may_see(&e.audience))
        .enumerate()
        .map(|(k, mut e)| {
            e.seq = (start + k) as i64 + 1;
            e
        })
        .collect())
}

/// An event as the API sends it (its audience is the server's business).
pub(crate) fn event_json(e: &crate::store::EventRow) -> Value {
    json!({"seq": e.seq, "kind": e.kind.as_str(), "actor": e.actor, "payload": e.payload, "created_at": e.created_at})
}

/// The names the pages and other clients need (event kinds, statuses, verdicts, consent levels,
/// voters), from the server's own types so they cannot drift.
#[utoipa::path(get, path = "/api/vocabulary", tag = "vocabulary", summary = "The names clients need: event kinds, draft and negotiation statuses, verdicts, consent levels with their exact promise, voters", responses((status = 200, description = "The vocabulary", body = Object), (status = 400, description = "Invalid request", body = crate::error::ErrorBody)), security(()))]
pub async fn vocabulary() -> Json<Value> {
    use crate::domain::{DraftStatus, Verdict};
    Json(json!({
        "event_kinds": EventKind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
        "draft_statuses": DraftStatus::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
        "negotiation_statuses": NegotiationStatus::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
        "verdicts": Verdict::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
        "consent_levels": Consent::ALL.iter().map(|c| json!({"level": c.as_str(), "promise": c.promise()})).collect::<Vec<_>>(),
        "voters": accord_strategy::VOTERS.iter().map(|(name, about)| json!({"name": name.replace("[:T]", ""), "about": about})).collect::<Vec<_>>(),
    }))
}
