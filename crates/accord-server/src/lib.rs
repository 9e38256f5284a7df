//! `accord serve`: the seed article's process run by people over HTTP. A mediator drafts a single
//! negotiating text, parties answer in confidence before deadlines, agents may hold party seats,
//! and the mediator sees the aggregate analysis.
//!
//! - [`store`]: SQLite (default) or PostgreSQL behind one interface; all state lives there, so
//!   several instances can serve one PostgreSQL database;
//! - [`process`]: the scenario split into public and confidential parts, drafts as clauses, the
//!   bridge to the engine (analysis, agents);
//! - [`api`]: the handlers; [`auth`]: accounts, sessions, invitations' tokens;
//! - this file: the router, live events (server-sent events, filtered per viewer), the deadline
//!   keeper and the OpenAPI document.

#![warn(missing_docs)]

pub mod accounts;
pub mod api;
pub mod auth;
mod background;
pub mod domain;
pub mod editing;
pub mod error;
pub mod limits;
mod live;
pub mod names;
pub mod one_text;
pub mod phases;
pub mod plain;
pub mod process;
pub mod store;
pub mod viewer;
pub mod web;

pub(crate) use background::agents_respond;
pub use background::{keep_deadlines, listen};

use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::routing::get;
use axum::{Json, Router};
use domain::{Audience, EventKind};
use serde_json::json;
use std::convert::Infallible;
use std::time::Duration;
use store::{now_ms, Store};
use tokio::sync::broadcast;
use utoipa::OpenApi as _;
use utoipa_axum::{router::OpenApiRouter, routes};

/// The shipped scenarios a negotiation can start from: (name, TOML).
pub const SCENARIOS: &[(&str, &str)] = &[
    (
        "ceasefire",
        include_str!("../../../scenarios/ceasefire.toml"),
    ),
    ("trade", include_str!("../../../scenarios/trade.toml")),
    (
        "coalition",
        include_str!("../../../scenarios/coalition.toml"),
    ),
    (
        "ceasefire-phased",
        include_str!("../../../scenarios/ceasefire-phased.toml"),
    ),
];

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub store: Store,
    /// Tells this instance's live streams that a negotiation has new events.
    changed: broadcast::Sender<String>,
    /// Sign-in and sign-up limits, the cookie's flags (see `accounts`).
    pub accounts: std::sync::Arc<accounts::Guard>,
    /// Bounds on engine work (see `limits`).
    pub limits: std::sync::Arc<limits::Limits>,
    /// Turns for engine work: `limits.analyses_at_once` at a time.
    analyses: std::sync::Arc<tokio::sync::Semaphore>,
    /// Which mediators are editing the next draft, per negotiation (see `editing`).
    pub editing: std::sync::Arc<editing::Editing>,
    /// The last analysis of each negotiation, by what it was computed from.
    analysis_cache: std::sync::Arc<
        std::sync::Mutex<std::collections::HashMap<String, (String, serde_json::Value)>>,
    >,
}

impl AppState {
    /// State over a store, with the limits of the environment (see `limits`).
    pub fn new(store: Store) -> Self {
        let limits = limits::Limits::from_env();
        AppState {
            store,
            changed: broadcast::channel(1024).0,
            accounts: std::sync::Arc::new(accounts::Guard::new(accounts::ServeOptions::from_env())),
            analyses: std::sync::Arc::new(tokio::sync::Semaphore::new(limits.analyses_at_once)),
            limits: std::sync::Arc::new(limits),
            analysis_cache: Default::default(),
            editing: Default::default(),
        }
    }

    /// The cached analysis of negotiation `id` if it was computed from `key`.
    pub(crate) fn cached_analysis(&self, id: &str, key: &str) -> Option<serde_json::Value> {
        let cache = self.analysis_cache.lock().ok()?;
        cache
            .get(id)
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    }

    /// Remembers negotiation `id`'s analysis computed from `key` (one per negotiation; the
    /// cache is emptied when it holds too many).
    pub(crate) fn cache_analysis(&self, id: &str, key: String, value: serde_json::Value) {
        if let Ok(mut cache) = self.analysis_cache.lock() {
            if cache.len() >= 1024 && !cache.contains_key(id) {
                cache.clear();
            }
            cache.insert(id.to_string(), (key, value));
        }
    }

    /// New events in negotiation `id`: wake the streams watching it.
    pub fn notify(&self, id: &str) {
        let _ = self.changed.send(id.to_string());
    }
}

/// The API's routes with their OpenAPI description, collected from the handlers' annotations
/// (so the document cannot drift from the code).
fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(api::create_account))
        .routes(routes!(api::create_session, api::delete_session))
        .routes(routes!(api::me))
        .routes(routes!(api::scenarios))
        .routes(routes!(api::voters))
        .routes(routes!(api::vocabulary))
        .routes(routes!(api::my_negotiations, api::create_negotiation))
        .routes(routes!(api::negotiation))
        .routes(routes!(api::invite))
        .routes(routes!(api::accept_invitation))
        .routes(routes!(api::preview_invitation))
        .routes(routes!(api::pending_invitations))
        .routes(routes!(api::seat_agent))
        .routes(routes!(api::remove_agent))
        .routes(routes!(api::get_preferences, api::put_preferences))
        .routes(routes!(api::create_draft))
        .routes(routes!(api::suggestion))
        .routes(routes!(api::respond, api::change_response))
        .routes(routes!(api::extend_deadline))
        .routes(routes!(api::withdraw_draft))
        .routes(routes!(api::adjourn))
        .routes(routes!(api::reopen))
        .routes(routes!(api::close))
        .routes(routes!(api::start_editing, api::stop_editing))
        .routes(routes!(api::analysis))
        .routes(routes!(api::picture))
        .routes(routes!(api::assessment))
        .routes(routes!(api::audit))
        .routes(routes!(api::document))
        .routes(routes!(api::get_messages, api::post_message))
        .routes(routes!(api::mark_read))
        .routes(routes!(api::notifications))
        .routes(routes!(api::timeline))
        // Preferences without weights and rules in words (issue 13).
        .routes(routes!(api::elicit_rating))
        .routes(routes!(api::elicit_comparisons))
        .routes(routes!(api::elicit_walk_away))
        .routes(routes!(api::elicit_implications))
        .routes(routes!(api::check_rule))
        // Phased texts (issue 15).
        .routes(routes!(api::phases))
        .routes(routes!(api::create_phased_draft))
        .routes(routes!(api::set_phase_status))
        .routes(routes!(api::end_follow_up))
        .routes(routes!(api::phased_assessment))
        .routes(routes!(events))
}

/// The OpenAPI document's frame: what the handlers' annotations do not say.
#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "Accord",
        description = "Live mediation: a mediator's single negotiating text, parties' confidential preferences and responses, deadlines. Authenticate with `Authorization: Bearer TOKEN` from POST /api/sessions (or its cookie). The browser pages are served at / and /negotiations/{id}. Errors are {\"error\": {\"code\", \"message\"}}."
    ),
    modifiers(&Security),
    components(schemas(error::ErrorBody, error::ErrorDetail))
)]
struct ApiDoc;

/// The two ways to present a session: the bearer token, or the pages' cookie.
struct Security;

impl utoipa::Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{
            ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme,
        };
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "cookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(auth::SESSION_COOKIE))),
        );
    }
}

/// The OpenAPI document of the API, derived from the handlers.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    api_routes().into_openapi()
}

/// The HTTP API and the pages.
pub fn router(state: AppState) -> Router {
    let (api, document) = api_routes().split_for_parts();
    let document = std::sync::Arc::new(document);
    Router::new()
        .route(
            "/openapi.json",
            get(move || {
                let document = document.clone();
                async move { Json(document.as_ref().clone()) }
            }),
        )
        .merge(api)
        .route("/", get(web::home))
        .route("/negotiations/{id}", get(web::negotiation))
        .route("/assets/{name}", get(web::asset))
        .fallback(|| async {
            error::ApiError::not_found("no such endpoint (GET /openapi.json lists them)")
        })
        .layer(axum::middleware::map_response(json_errors))
        // API answers carry confidential data (preferences, assessments, analyses): no cache,
        // shared or private, may keep them, unless a handler says otherwise (the assets do).
        .layer(
            tower_http::set_header::SetResponseHeaderLayer::if_not_present(
                axum::http::header::CACHE_CONTROL,
                axum::http::HeaderValue::from_static("no-store"),
            ),
        )
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .layer(DefaultBodyLimit::max(256 * 1024))
        .with_state(state)
}

/// Errors axum itself answers (a malformed path or query, a body over the limit, a wrong
/// method) come as plain text: give them the API's JSON form too.
async fn json_errors(resp: axum::response::Response) -> axum::response::Response {
    use axum::response::IntoResponse;
    let status = resp.status();
    let plain = resp
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .is_none_or(|v| v.as_bytes().starts_with(b"text/plain"));
    if !(status.is_client_error() || status.is_server_error()) || !plain {
        return resp;
    }
    let text = axum::body::to_bytes(resp.into_body(), 64 * 1024)
        .await
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    let message = if text.is_empty() {
        status.canonical_reason().unwrap_or("error").to_string()
    } else {
        text
    };
    error::ApiError::new(status, "invalid_request", message).into_response()
}

/// The database URL as given on the command line: a plain path means an SQLite file.
pub fn database_url(given: &str) -> String {
    if given.contains("://") || given.starts_with("sqlite:") {
        given.to_string()
    } else {
        format!("sqlite://{given}")
    }
}

/// The URL without its password, for messages.
pub fn redacted(given: &str) -> String {
    match url::Url::parse(given) {
        Ok(mut parsed) if parsed.password().is_some() => {
            // Only fails for URLs that cannot hold a password, and this one has one.
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => given.to_string(),
    }
}

/// Runs the server on `addr` until interrupted, with the options of the environment (see
/// [`accounts::ServeOptions::from_env`]).
pub async fn serve(
    addr: std::net::SocketAddr,
    database: &str,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    serve_with(addr, database, accounts::ServeOptions::from_env()).await
}

/// Runs the server on `addr` until interrupted, deployed as `options` say.
pub async fn serve_with(
    addr: std::net::SocketAddr,
    database: &str,
    options: accounts::ServeOptions,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let database = database_url(database);
    let store = Store::open(&database).await?;
    accounts::rekey_accounts(&store).await?;
    let mut state = AppState::new(store);
    state.accounts = std::sync::Arc::new(accounts::Guard::new(options));
    tokio::spawn(keep_deadlines(state.clone()));
    tokio::spawn(accounts::keep_sessions(state.clone()));
    tokio::spawn(listen(state.clone()));
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!(
        "accord serve: http://{} (database {})",
        listener.local_addr()?,
        redacted(&database)
    );
    let connections = connection_limits();
    let app = router(state).layer(tower_http::timeout::RequestBodyTimeoutLayer::new(
        connections.body_timeout,
    ));
    serve_connections(listener, app, connections).await;
    Ok(())
}

/// Bounds on connections, so that slow or idle clients cannot exhaust the server (issue 18).
/// From the environment: `ACCORD_MAX_CONNECTIONS` (default 512), `ACCORD_HEADER_TIMEOUT_SECONDS`
/// (default 10), `ACCORD_BODY_TIMEOUT_SECONDS` (default 30).
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    /// Connections open at once; the next waits to be accepted.
    pub max_connections: usize,
    /// Time a client has to send a request's headers.
    pub header_timeout: Duration,
    /// Time a client has to send a request's body.
    pub body_timeout: Duration,
}

fn connection_limits() -> ConnectionLimits {
    let var = |name: &str, default: f64| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.trim().parse::<f64>().ok())
            .filter(|x| x.is_finite() && *x > 0.0)
            .unwrap_or(default)
    };
    ConnectionLimits {
        max_connections: var("ACCORD_MAX_CONNECTIONS", 512.0) as usize,
        header_timeout: Duration::from_secs_f64(var("ACCORD_HEADER_TIMEOUT_SECONDS", 10.0)),
        body_timeout: Duration::from_secs_f64(var("ACCORD_BODY_TIMEOUT_SECONDS", 30.0)),
    }
}

/// Accepts connections until interrupted: at most `max_connections` open at once (a
/// semaphore; the rest wait in the listen queue), each served by hyper with a header read
/// timeout, and the peer's address given to the handlers (sign-in is throttled per address).
async fn serve_connections(
    listener: tokio::net::TcpListener,
    app: Router,
    limits: ConnectionLimits,
) {
    use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
    use tower::ServiceExt as _;
    let open = std::sync::Arc::new(tokio::sync::Semaphore::new(limits.max_connections.max(1)));
    let shutdown = tokio::signal::ctrl_c();
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            _ = &mut shutdown => break,
            permit = open.clone().acquire_owned() => match permit {
                Ok(p) => p,
                Err(_) => break,
            },
        };
        let (socket, peer) = tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors, say: wait a moment rather than spin.
                    tracing::warn!(error = %e, "accept");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let app = app.clone();
        tokio::spawn(async move {
            let _permit = permit;
            let service = hyper::service::service_fn(
                move |mut request: axum::http::Request<hyper::body::Incoming>| {
                    request
                        .extensions_mut()
                        .insert(axum::extract::ConnectInfo(peer));
                    app.clone().oneshot(request.map(axum::body::Body::new))
                },
            );
            let mut builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
            builder
                .http1()
                .timer(TokioTimer::new())
                .header_read_timeout(limits.header_timeout);
            if let Err(e) = builder
                .serve_connection_with_upgrades(TokioIo::new(socket), service)
                .await
            {
                tracing::debug!(error = %e, "connection");
            }
        });
    }
}

/// Live events of a negotiation as server-sent events, filtered for the viewer; `?after=N`
/// (or the `Last-Event-ID` header) resumes after event N.
#[utoipa::path(get, path = "/api/negotiations/{id}/events", tag = "negotiation",
    summary = "Live events as server-sent events, filtered for you (?after=N or Last-Event-ID). Each event is named by its kind (GET /api/vocabulary lists them); its data is {seq, kind, payload, at}. Mediators also get unnumbered `editing` events (no id, no seq; payload {editors: [{seat, until}]}) whenever the other mediators editing the next draft change.",
    params(("id" = String, Path, description = "The negotiation"), api::After),
    responses((status = 200, description = "An event stream", content_type = "text/event-stream", body = String),
        (status = 401, description = "Not signed in", body = error::ErrorBody),
        (status = 404, description = "No such negotiation among yours", body = error::ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
async fn events(
    State(s): State<AppState>,
    auth::Auth(user): auth::Auth,
    Path(id): Path<String>,
    Query(q): Query<api::After>,
    headers: axum::http::HeaderMap,
) -> Result<Sse<impl futures_core::Stream<Item = Result<Event, Infallible>>>, error::ApiError> {
    let m = api::member(&s.store, &id, &user.id).await?;
    let viewer = m.viewer.clone();
    // The cursor counts the events this viewer has seen (see `api::viewer_events`).
    let mut mine = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<i64>().ok())
        .unwrap_or(q.after)
        .max(0);
    // The log position of the viewer's `mine`-th event: where to resume (numbers and
    // audiences only, never the history's payloads).
    let mut last = 0;
    let mut seen = 0;
    for (seq, audience) in s.store.event_audiences(&id).await? {
        if seen == mine {
            break;
        }
        last = seq;
        if viewer.may_see(&audience) {
            seen += 1;
        }
    }
    mine = seen;
    let mut rx = s.changed.subscribe();
    let poll = match s.store.backend() {
        store::Backend::Postgres => Duration::from_secs(10),
        store::Backend::Sqlite => Duration::from_secs(1),
    };
    // The stream ends when the session does (signed out elsewhere, or expired).
    let session = auth::request_token(&headers).map(|t| auth::token_hash(&t));
    // The other mediators editing (their seats), as last sent to this viewer.
    let mut editing_sent: Vec<String> = Vec::new();
    let stream = async_stream::stream! {
        loop {
            let live = match &session {
                Some(hash) => matches!(s.store.session_user(hash).await, Ok(Some(_))),
                None => false,
            };
            if !live {
                break;
            }
            match s.store.events(&id, last).await {
                Ok(list) => {
                    for e in list {
                        last = e.seq;
                        if viewer.may_see(&e.audience) {
                            mine += 1;
                            let data = json!({"seq": mine, "kind": e.kind.as_str(), "payload": e.payload, "at": e.created_at});
                            yield Ok(Event::default().id(mine.to_string()).event(e.kind.as_str()).data(data.to_string()));
                        }
                    }
                }
                Err(_) => break,
            }
            // Which other mediators are editing the next draft: sent when the list changes,
            // unnumbered (it is no event of the log, so resuming never replays it).
            let mut wait = poll;
            if viewer.may_see_editing() {
                let now = now_ms();
                let editors: Vec<(String, i64)> = s
                    .editing
                    .editors(&id, now)
                    .into_iter()
                    .filter(|(seat, _)| *seat != viewer.seat)
                    .collect();
                let seats: Vec<&str> = editors.iter().map(|(seat, _)| seat.as_str()).collect();
                if seats != editing_sent {
                    let list: Vec<serde_json::Value> = editors
                        .iter()
                        .map(|(seat, until)| json!({"seat": seat, "until": until}))
                        .collect();
                    let kind = EventKind::Editing.as_str();
                    let data = json!({"kind": kind, "payload": {"editors": list}, "at": now});
                    yield Ok(Event::default().event(kind).data(data.to_string()));
                    editing_sent = seats.into_iter().map(str::to_string).collect();
                }
                // Wake when the first lease may lapse, to take its sign down (a renewed one is
                // looked at again then).
                if let Some(end) = editors.iter().map(|(_, end)| *end).min() {
                    let left = u64::try_from(end - now).unwrap_or(0).max(50);
                    wait = wait.min(Duration::from_millis(left));
                }
            }
            // Woken by this instance's writes, and on PostgreSQL by every instance's (NOTIFY);
            // the timeout is a safety net (and, on SQLite, how other processes' writes arrive).
            let _ = tokio::time::timeout(wait, async {
                loop {
                    match rx.recv().await {
                        Ok(changed) if changed == id => break,
                        Ok(_) => continue,
                        Err(broadcast::error::RecvError::Lagged(_)) => break,
                        Err(broadcast::error::RecvError::Closed) => break,
                    }
                }
            })
            .await;
        }
    };
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn database_urls_are_shown_without_their_password() {
        let shown = super::redacted("postgres://accord:s3cret@db.example:5432/accord");
        assert_eq!(shown, "postgres://accord:***@db.example:5432/accord");
        assert_eq!(super::redacted("sqlite://accord.db"), "sqlite://accord.db");
        assert_eq!(super::redacted("not a url"), "not a url");
    }

    /// Every path parameter of every operation is declared, and public operations need no
    /// session (what tools that test an API from its document rely on).
    #[test]
    fn the_openapi_document_declares_parameters_and_security() {
        let doc = serde_json::to_value(super::openapi_document()).unwrap();
        let paths = doc["paths"].as_object().unwrap();
        assert!(paths.len() >= 20, "only {} paths", paths.len());
        let mut operations = 0;
        for (path, item) in paths {
            let wanted: Vec<&str> = path
                .split('/')
                .filter_map(|p| p.strip_prefix('{')?.strip_suffix('}'))
                .collect();
            for (method, op) in item.as_object().unwrap() {
                operations += 1;
                let declared: Vec<&str> = op["parameters"]
                    .as_array()
                    .map(|ps| {
                        ps.iter()
                            .filter(|p| p["in"] == "path")
                            .filter_map(|p| p["name"].as_str())
                            .collect()
                    })
                    .unwrap_or_default();
                for w in &wanted {
                    assert!(
                        declared.contains(w),
                        "{method} {path}: path parameter `{w}` not declared"
                    );
                }
                assert!(
                    op["security"].is_array(),
                    "{method} {path}: no security stated"
                );
            }
        }
        assert!(operations >= 24, "only {operations} operations");
        let public = &doc["paths"]["/api/accounts"]["post"]["security"];
        assert_eq!(
            public,
            &serde_json::json!([{}]),
            "signing up needs no session"
        );
        assert!(doc["paths"]["/api/negotiations/{id}/drafts"]["post"]["requestBody"].is_object());
        assert!(doc["components"]["schemas"]["NewDraft"].is_object());
    }
}
