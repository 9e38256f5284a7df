//! The browser pages `accord serve` serves itself: plain HTML, CSS and JavaScript modules (no
//! build step, no third-party code) compiled into the binary from `web/`. The pages call the same
//! JSON API as any client and sign in with the session cookie, so they get exactly what the API
//! gives their viewer (see `process`'s invariant); nothing private is rendered on the server.
//!
//! `ACCORD_WEB_DIR=crates/accord-server/web` serves the files from disk instead, re-read on every
//! request (for working on the pages without rebuilding).

use axum::extract::Path;
use axum::http::header::{HeaderName, CACHE_CONTROL, CONTENT_TYPE};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// (file name, content type, contents).
const FILES: &[(&str, &str, &str)] = &[
    ("index.html", HTML, include_str!("../web/index.html")),
    (
        "negotiation.html",
        HTML,
        include_str!("../web/negotiation.html"),
    ),
    (
        "app.css",
        "text/css; charset=utf-8",
        include_str!("../web/app.css"),
    ),
    ("app.js", JS, include_str!("../web/app.js")),
    ("home.js", JS, include_str!("../web/home.js")),
    ("desk.js", JS, include_str!("../web/desk.js")),
    ("room.js", JS, include_str!("../web/room.js")),
    ("messages.js", JS, include_str!("../web/messages.js")),
    ("elicit.js", JS, include_str!("../web/elicit.js")),
    ("rules.js", JS, include_str!("../web/rules.js")),
    ("merge.js", JS, include_str!("../web/merge.js")),
    ("suggest.js", JS, include_str!("../web/suggest.js")),
    ("phases.js", JS, include_str!("../web/phases.js")),
];
const HTML: &str = "text/html; charset=utf-8";
const JS: &str = "text/javascript; charset=utf-8";

/// Scripts and styles only from this server, no inline code, no framing.
const POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

fn file(name: &str) -> Response {
    let Some((_, kind, built_in)) = FILES.iter().find(|(n, _, _)| *n == name) else {
        return crate::error::ApiError::not_found("no such page").into_response();
    };
    let text = match std::env::var_os("ACCORD_WEB_DIR") {
        Some(dir) => match std::fs::read_to_string(std::path::Path::new(&dir).join(name)) {
            Ok(t) => t,
            Err(e) => return crate::error::ApiError::internal(e.to_string()).into_response(),
        },
        None => built_in.to_string(),
    };
    let headers: [(HeaderName, &str); 5] = [
        (CONTENT_TYPE, kind),
        (CACHE_CONTROL, "no-cache"),
        (HeaderName::from_static("content-security-policy"), POLICY),
        (HeaderName::from_static("x-content-type-options"), "nosniff"),
        (HeaderName::from_static("referrer-policy"), "no-referrer"),
    ];
    (StatusCode::OK, headers, text).into_response()
}

/// `/`: sign in, the viewer's negotiations, a new negotiation, an invitation to accept.
pub async fn home() -> Response {
    file("index.html")
}

/// `/negotiations/{id}`: the mediator's desk or the party's room, by the viewer's seat.
pub async fn negotiation(Path(_id): Path<String>) -> Response {
    file("negotiation.html")
}

/// `/assets/{name}`: the pages' scripts and styles.
pub async fn asset(Path(name): Path<String>) -> Response {
    if name.ends_with(".html") {
        return crate::error::ApiError::not_found("no such asset").into_response();
    }
    file(&name)
}
