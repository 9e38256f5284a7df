//! A running `accord serve` for end-to-end tests, HTTP calls to it, and fresh PostgreSQL
//! databases (`ACCORD_TEST_POSTGRES`, default `postgres://postgres@127.0.0.1:5432`, must reach a
//! server where tests may create databases; `.ci/run` makes sure one runs).

use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

/// Two tests of one scenario `$body(database_url)`: `$sqlite` on a fresh SQLite file named
/// `$file` and `$postgres` on a fresh PostgreSQL database tagged `$tag`, so that every
/// end-to-end test runs on both backends the same way.
#[macro_export]
macro_rules! on_sqlite_and_postgres {
    ($sqlite:ident, $postgres:ident, $file:literal, $tag:literal, $body:path) => {
        #[test]
        fn $sqlite() {
            let dir = tempfile::tempdir().unwrap();
            $body(&format!("sqlite://{}", dir.path().join($file).display()));
        }

        #[test]
        fn $postgres() {
            let pg = $crate::common::server::Postgres::new($tag);
            $body(&pg.url);
        }
    };
}

/// A running server, killed when dropped.
pub struct Server {
    pub child: Child,
    pub base: String,
    /// What the server wrote on stderr so far (its logs), read on a thread of its own so that
    /// the pipe never fills and blocks it.
    pub log: Arc<Mutex<String>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        // A failing test shows what the server logged (an internal error's cause is only there).
        if std::thread::panicking() {
            if let Ok(log) = self.log.lock() {
                eprintln!("--- the server's log ---\n{log}");
            }
        }
    }
}

pub fn start(database: &str) -> Server {
    start_with(database, &[])
}

/// `start` with more arguments for `accord serve` (e.g. `--secure-cookies`).
pub fn start_with(database: &str, extra: &[&str]) -> Server {
    start_configured(database, extra, &[])
}

/// `start` with more arguments and environment variables (e.g. `ACCORD_ANALYSIS_SECONDS`).
pub fn start_configured(database: &str, extra: &[&str], vars: &[(&str, &str)]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_accord"))
        .args(["serve", "--port", "0", "--database", database])
        .args(extra)
        .envs(vars.iter().copied())
        .env("NO_COLOR", "1")
        .current_dir(super::root())
        .stderr(Stdio::piped())
        .spawn()
        .expect("accord serve starts");
    let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
    let log = Arc::new(Mutex::new(String::new()));
    // Log lines (migrations' notices, ...) may come first: the address is on the line that
    // says where it listens.
    let base = loop {
        let line = match lines.next() {
            Some(Ok(line)) => line,
            _ => panic!(
                "the server ended before saying where it listens: {}",
                log.lock().unwrap()
            ),
        };
        log.lock().unwrap().push_str(&line);
        log.lock().unwrap().push('\n');
        if let Some(w) = line.split_whitespace().find(|w| w.starts_with("http://")) {
            break w
                .trim_end_matches(|c: char| !c.is_ascii_alphanumeric())
                .to_string();
        }
    };
    let sink = log.clone();
    std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            let mut log = sink.lock().unwrap();
            log.push_str(&line);
            log.push('\n');
        }
    });
    Server { child, base, log }
}

/// One HTTP call: status and JSON body.
pub fn call(
    server: &Server,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (u16, Value) {
    let (status, body, _) = call_with_headers(server, method, path, token, body);
    (status, body)
}

/// `call`, with the response's headers (names in lower case).
pub fn call_with_headers(
    server: &Server,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (u16, Value, std::collections::HashMap<String, String>) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let url = format!("{}{path}", server.base);
    let mut req = ureq::http::Request::builder().method(method).uri(&url);
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let resp = match body {
        Some(b) => agent
            .run(
                req.header("content-type", "application/json")
                    .body(b.to_string())
                    .unwrap(),
            )
            .expect("request"),
        None => agent.run(req.body(()).unwrap()).expect("request"),
    };
    let status = resp.status().as_u16();
    let headers = resp
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str().to_string(), v.to_str().unwrap_or("").to_string()))
        .collect();
    let text = resp.into_body().read_to_string().unwrap_or_default();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
        headers,
    )
}

pub fn ok(r: (u16, Value), want: u16) -> Value {
    assert_eq!(r.0, want, "{}", r.1);
    r.1
}

pub fn sign_up(s: &Server, name: &str) -> String {
    ok(
        call(
            s,
            "POST",
            "/api/accounts",
            None,
            Some(json!({"name": name, "password": "correct horse"})),
        ),
        201,
    );
    let v = ok(
        call(
            s,
            "POST",
            "/api/sessions",
            None,
            Some(json!({"name": name, "password": "correct horse"})),
        ),
        201,
    );
    v["token"].as_str().expect("token").to_string()
}

/// Like `call`, but `None` once the server is gone.
pub fn try_call(
    server: &Server,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> Option<(u16, Value)> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        call(server, method, path, token, body)
    }))
    .ok()
}

/// A fresh PostgreSQL database for one test, dropped afterwards.
pub struct Postgres {
    admin: String,
    name: String,
    pub url: String,
}

impl Postgres {
    pub fn new(tag: &str) -> Postgres {
        let server = std::env::var("ACCORD_TEST_POSTGRES")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into());
        let name = format!("accord_{tag}_{}", std::process::id());
        let pg = Postgres {
            admin: format!("{server}/test"),
            url: format!("{server}/{name}"),
            name,
        };
        pg.psql(&format!("DROP DATABASE IF EXISTS {}", pg.name));
        pg.psql(&format!("CREATE DATABASE {}", pg.name));
        pg
    }

    fn psql(&self, sql: &str) {
        let out = Command::new("psql")
            .args([self.admin.as_str(), "-v", "ON_ERROR_STOP=1", "-qc", sql])
            .output()
            .expect("psql runs (the PostgreSQL client; .ci/run installs it)");
        assert!(
            out.status.success(),
            "psql {sql}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        self.psql(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        ));
    }
}

/// A negotiation from a shipped scenario, created by `mediator`: its API path.
pub fn create(s: &Server, mediator: &str, scenario: &str) -> String {
    let n = ok(
        call(
            s,
            "POST",
            "/api/negotiations",
            Some(mediator),
            Some(json!({"scenario": scenario})),
        ),
        201,
    );
    format!("/api/negotiations/{}", n["id"].as_str().expect("id"))
}

/// `mediator` invites the holder of `token` to `seat`, who accepts: the (used) invitation token.
pub fn seat_person(s: &Server, mediator: &str, base: &str, seat: &str, token: &str) -> String {
    let inv = ok(
        call(
            s,
            "POST",
            &format!("{base}/invitations"),
            Some(mediator),
            Some(json!({"seat": seat})),
        ),
        201,
    );
    ok(
        call(
            s,
            "POST",
            "/api/invitations/accept",
            Some(token),
            Some(json!({"token": inv["token"]})),
        ),
        200,
    );
    inv["token"].as_str().expect("token").to_string()
}

/// Status, body text and headers of one call, sent as is (no retries); a live stream ends at the
/// 1.5 s timeout, keeping what arrived (privacy tests read streams this way).
pub fn call_raw(
    s: &Server,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (u16, String, Vec<(String, String)>) {
    use std::io::Read;
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(std::time::Duration::from_millis(1500)))
        .build()
        .into();
    let mut req = ureq::http::Request::builder()
        .method(method)
        .uri(format!("{}{path}", s.base));
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let resp = match body {
        Some(b) => agent.run(
            req.header("content-type", "application/json")
                .body(b.to_string())
                .unwrap(),
        ),
        None => agent.run(req.body(()).unwrap()),
    }
    .expect("request");
    let status = resp.status().as_u16();
    let headers = resp
        .headers()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
        .collect();
    let mut bytes = Vec::new();
    let _ = resp.into_body().into_reader().read_to_end(&mut bytes);
    (
        status,
        String::from_utf8_lossy(&bytes).into_owned(),
        headers,
    )
}

/// A call answered with its status and body as text (for bodies that must be read whole, such
/// as a scan for another seat's private markers).
pub fn call_text(
    s: &Server,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (u16, String) {
    let (status, text, _) = call_raw(s, method, path, token, body);
    (status, text)
}

/// The body of `r` as JSON, after asserting its status is `want`.
pub fn json_of(r: (u16, String), want: u16) -> Value {
    assert_eq!(r.0, want, "{}", r.1);
    serde_json::from_str(&r.1).unwrap_or(Value::Null)
}
