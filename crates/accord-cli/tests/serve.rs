//! `accord serve` end to end over HTTP, on SQLite and on PostgreSQL: the cease-fire talks with a
//! mediator, a person in one party seat and an agent in the other, three drafts, an amendment,
//! a missed deadline, a version conflict and a recorded failure; a trade deal taken to
//! agreement; and what each seat may see.
//!
//! PostgreSQL: `ACCORD_TEST_POSTGRES` (default `postgres://postgres@127.0.0.1:5432`) must reach a
//! server where the test may create databases; `.ci/run` makes sure one runs.

use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

mod common;

/// A running server, killed when dropped.
struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(database: &str) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_accord"))
        .args(["serve", "--port", "0", "--database", database])
        .current_dir(common::root())
        .stderr(Stdio::piped())
        .spawn()
        .expect("accord serve starts");
    let mut line = String::new();
    BufReader::new(child.stderr.take().expect("stderr"))
        .read_line(&mut line)
        .expect("the server says where it listens");
    let base = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_string();
    Server { child, base }
}

/// One HTTP call: status and JSON body.
fn call(
    server: &Server,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (u16, Value) {
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
    let text = resp.into_body().read_to_string().unwrap_or_default();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

fn ok(r: (u16, Value), want: u16) -> Value {
    assert_eq!(r.0, want, "{}", r.1);
    r.1
}

fn sign_up(s: &Server, name: &str) -> String {
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

fn clauses(pairs: &[(&str, &str)]) -> Value {
    json!(pairs
        .iter()
        .map(|(i, v)| json!({"issue": i, "value": v}))
        .collect::<Vec<_>>())
}

fn ceasefire_draft(hostages: &str, language: &str, wording: Option<&str>) -> Value {
    let mut c = clauses(&[
        ("hostages", hostages),
        ("ceasefire", "pause"),
        ("withdrawal", "partial"),
        ("withdrawal_language", language),
        ("rafah", "not_addressed"),
        ("humanitarian", "expanded"),
    ]);
    if let Some(w) = wording {
        c[3]["wording"] = json!(w);
    }
    c
}

fn the_process(database: &str) {
    let s = start(database);
    let med = sign_up(&s, "mediator");
    let isr = sign_up(&s, "israel-delegation");
    let outsider = sign_up(&s, "outsider");
    let n = ok(
        call(
            &s,
            "POST",
            "/api/negotiations",
            Some(&med),
            Some(json!({"scenario": "ceasefire", "title": "Cease-fire talks"})),
        ),
        201,
    );
    let id = n["id"].as_str().unwrap().to_string();
    let base = format!("/api/negotiations/{id}");
    // A person takes Israel's seat by invitation; an agent takes Hamas's.
    let inv = ok(
        call(
            &s,
            "POST",
            &format!("{base}/invitations"),
            Some(&med),
            Some(json!({"seat": "israel"})),
        ),
        201,
    );
    ok(
        call(
            &s,
            "POST",
            "/api/invitations/accept",
            Some(&isr),
            Some(json!({"token": inv["token"]})),
        ),
        200,
    );
    ok(
        call(
            &s,
            "POST",
            &format!("{base}/agents"),
            Some(&med),
            Some(json!({"seat": "hamas"})),
        ),
        200,
    );
    // An invitation works once.
    assert_eq!(
        call(
            &s,
            "POST",
            "/api/invitations/accept",
            Some(&outsider),
            Some(json!({"token": inv["token"]}))
        )
        .0,
        404
    );
    // Confidentiality: Israel sees its own preferences, not Hamas's; the mediator sees neither
    // (Israel does not share); an outsider does not even see the negotiation.
    let own = ok(
        call(
            &s,
            "GET",
            &format!("{base}/seats/israel/preferences"),
            Some(&isr),
            None,
        ),
        200,
    );
    assert!(own["preferences"]["reservation"].is_number());
    assert_eq!(
        call(
            &s,
            "GET",
            &format!("{base}/seats/hamas/preferences"),
            Some(&isr),
            None
        )
        .0,
        403
    );
    assert_eq!(
        call(
            &s,
            "GET",
            &format!("{base}/seats/israel/preferences"),
            Some(&med),
            None
        )
        .0,
        403
    );
    assert_eq!(call(&s, "GET", &base, Some(&outsider), None).0, 404);
    assert_eq!(call(&s, "GET", &base, None, None).0, 401);
    // The mediator's analysis: no zone; what would have to give, red lines unnamed.
    let a = ok(
        call(&s, "GET", &format!("{base}/analysis"), Some(&med), None),
        200,
    );
    assert_eq!(a["zone"]["exists"], false);
    let blocking = a["blocking"].as_array().unwrap();
    assert_eq!(blocking.len(), 3, "{a}");
    assert!(blocking.iter().all(|b| b["red_lines"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["rule"].is_null())));
    assert!(
        !a.to_string().contains("reservation\":0"),
        "no private numbers: {a}"
    );
    assert_eq!(
        call(&s, "GET", &format!("{base}/analysis"), Some(&isr), None).0,
        403
    );

    // Draft 1; the agent answers at once; Israel asks to change a clause.
    let d1 = ok(
        call(
            &s,
            "POST",
            &format!("{base}/drafts"),
            Some(&med),
            Some(
                json!({"base_version": 0, "clauses": ceasefire_draft("some", "possibility", None), "note": "first text", "respond_within_seconds": 600}),
            ),
        ),
        201,
    );
    assert_eq!(d1["version"], 1);
    ok(
        call(
            &s,
            "POST",
            &format!("{base}/drafts/1/responses"),
            Some(&isr),
            Some(
                json!({"verdict": "amend", "amendment": {"issue": "hostages", "value": "all"}, "comment": "all hostages first"}),
            ),
        ),
        201,
    );
    // A second answer to the same draft is refused, not overwritten.
    assert_eq!(
        call(
            &s,
            "POST",
            &format!("{base}/drafts/1/responses"),
            Some(&isr),
            Some(json!({"verdict": "accept"}))
        )
        .0,
        409
    );
    // Draft 2 takes the amendment and "strengthens the language" of the withdrawal clause.
    let stronger = "The agreement provides for the withdrawal of Israeli forces, with a timetable towards the entire Gaza Strip.";
    let d2 = ok(
        call(
            &s,
            "POST",
            &format!("{base}/drafts"),
            Some(&med),
            Some(
                json!({"base_version": 1, "clauses": ceasefire_draft("all", "possibility", Some(stronger))}),
            ),
        ),
        201,
    );
    let changes = d2["changes"].as_array().unwrap();
    assert!(
        changes.iter().any(|c| c["issue"] == "hostages"
            && c["change"] == "value"
            && c["to"]["value"] == "all"),
        "{d2}"
    );
    assert!(
        changes.iter().any(|c| c["issue"] == "withdrawal_language"
            && c["change"] == "wording"
            && c["to"]["wording"] == stronger),
        "{d2}"
    );
    // A stale redraft loses: optimistic concurrency.
    let stale = call(
        &s,
        "POST",
        &format!("{base}/drafts"),
        Some(&med),
        Some(json!({"base_version": 1, "clauses": ceasefire_draft("none", "possibility", None)})),
    );
    assert_eq!(
        (stale.0, stale.1["error"]["code"].as_str()),
        (409, Some("version_conflict"))
    );
    // Answering a superseded draft is refused.
    assert_eq!(
        call(
            &s,
            "POST",
            &format!("{base}/drafts/1/responses"),
            Some(&isr),
            Some(json!({"verdict": "reject"}))
        )
        .0,
        409
    );
    // Draft 3 with a one-second deadline that Israel misses.
    ok(
        call(
            &s,
            "POST",
            &format!("{base}/drafts"),
            Some(&med),
            Some(
                json!({"base_version": 2, "clauses": ceasefire_draft("all", "guaranteed", None), "respond_within_seconds": 1}),
            ),
        ),
        201,
    );
    let start = Instant::now();
    let missed = loop {
        let log = ok(
            call(&s, "GET", &format!("{base}/audit"), Some(&med), None),
            200,
        );
        if let Some(e) = log
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["kind"] == "deadline_missed")
        {
            break e.clone();
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "no deadline event: {log}"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(missed["payload"]["missed"], json!(["israel"]));
    let late = call(
        &s,
        "POST",
        &format!("{base}/drafts/3/responses"),
        Some(&isr),
        Some(json!({"verdict": "accept"})),
    );
    assert_eq!(late.0, 409, "{}", late.1);
    // No deal exists: the mediator records the failure.
    ok(
        call(
            &s,
            "POST",
            &format!("{base}/close"),
            Some(&med),
            Some(json!({"reason": "no zone of agreement"})),
        ),
        200,
    );
    let view = ok(call(&s, "GET", &base, Some(&med), None), 200);
    assert_eq!(view["status"], "failed");
    let statuses: Vec<&str> = view["drafts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["status"].as_str().unwrap())
        .collect();
    // Draft 1 was answered by both (neither accepted), 2 was replaced, 3 ran out of time.
    assert_eq!(statuses, ["rejected", "superseded", "expired"]);
    // The mediator sees every response; Israel only its own (not the agent's).
    let d1v = &view["drafts"][0]["responses"];
    assert_eq!(d1v.as_array().unwrap().len(), 2, "{view}");
    let isr_view = ok(call(&s, "GET", &base, Some(&isr), None), 200);
    for d in isr_view["drafts"].as_array().unwrap() {
        assert!(d["responses"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["seat"] == "israel"));
    }
    let isr_log = ok(
        call(&s, "GET", &format!("{base}/audit"), Some(&isr), None),
        200,
    )
    .to_string();
    assert!(
        !isr_log.contains("\"seat\":\"hamas\",\"verdict\""),
        "{isr_log}"
    );
    // The audit log has every action, in order.
    let log = ok(
        call(&s, "GET", &format!("{base}/audit"), Some(&med), None),
        200,
    );
    let kinds: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    for k in [
        "created",
        "invited",
        "joined",
        "agent_seated",
        "draft",
        "response",
        "deadline_missed",
        "failed",
    ] {
        assert!(kinds.contains(&k), "{k} missing from {kinds:?}");
    }
    assert_eq!(kinds.iter().filter(|k| **k == "draft").count(), 3);
    let seqs: Vec<i64> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["seq"].as_i64().unwrap())
        .collect();
    assert_eq!(seqs, (1..=seqs.len() as i64).collect::<Vec<_>>());

    // A trade deal to agreement: the Nash suggestion is acceptable to the agent and the person.
    let avalon = sign_up(&s, "avalon");
    let t = ok(
        call(
            &s,
            "POST",
            "/api/negotiations",
            Some(&med),
            Some(json!({"scenario": "trade"})),
        ),
        201,
    );
    let tb = format!("/api/negotiations/{}", t["id"].as_str().unwrap());
    let inv = ok(
        call(
            &s,
            "POST",
            &format!("{tb}/invitations"),
            Some(&med),
            Some(json!({"seat": "Avalon"})),
        ),
        201,
    );
    ok(
        call(
            &s,
            "POST",
            "/api/invitations/accept",
            Some(&avalon),
            Some(json!({"token": inv["token"]})),
        ),
        200,
    );
    ok(
        call(
            &s,
            "POST",
            &format!("{tb}/agents"),
            Some(&med),
            Some(json!({"seat": "Borea"})),
        ),
        200,
    );
    let a = ok(
        call(&s, "GET", &format!("{tb}/analysis"), Some(&med), None),
        200,
    );
    assert_eq!(a["zone"]["exists"], true);
    let nash = a["nash"].clone();
    ok(
        call(
            &s,
            "POST",
            &format!("{tb}/drafts"),
            Some(&med),
            Some(json!({"base_version": 0, "clauses": nash})),
        ),
        201,
    );
    ok(
        call(
            &s,
            "POST",
            &format!("{tb}/drafts/1/responses"),
            Some(&avalon),
            Some(json!({"verdict": "accept"})),
        ),
        201,
    );
    let v = ok(call(&s, "GET", &tb, Some(&avalon), None), 200);
    assert_eq!(
        (v["status"].as_str(), v["agreement_version"].as_i64()),
        (Some("agreed"), Some(1)),
        "{v}"
    );
    let a = ok(
        call(&s, "GET", &format!("{tb}/analysis"), Some(&med), None),
        200,
    );
    assert!(
        a["draft"]["standing"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["above_reservation"] == true && p["within_red_lines"] == true),
        "{a}"
    );
    // Errors are JSON with a code and a message.
    let bad = call(
        &s,
        "POST",
        &format!("{tb}/drafts"),
        Some(&med),
        Some(json!({"base_version": 1, "clauses": []})),
    );
    assert_eq!(bad.0, 400);
    assert!(
        bad.1["error"]["message"]
            .as_str()
            .unwrap()
            .contains("clauses"),
        "{}",
        bad.1
    );
    // A scenario file uploaded as TOML; a broken one is refused with its line and column.
    let text = std::fs::read_to_string(common::root().join("scenarios/coalition.toml")).unwrap();
    let up = ok(
        call(
            &s,
            "POST",
            "/api/negotiations",
            Some(&med),
            Some(json!({"toml": text})),
        ),
        201,
    );
    assert_eq!(up["title"], "Coalition agreement");
    let broken = call(
        &s,
        "POST",
        "/api/negotiations",
        Some(&med),
        Some(json!({"toml": "name = \"x\"\n[[issues]]\nname = 3\n"})),
    );
    assert_eq!(broken.0, 400);
    assert!(
        broken.1["error"]["message"]
            .as_str()
            .unwrap()
            .contains("toml:3:"),
        "{}",
        broken.1
    );
    // Errors axum answers itself are JSON too.
    let bad_path = call(
        &s,
        "POST",
        &format!("{tb}/drafts/abc/responses"),
        Some(&avalon),
        Some(json!({"verdict": "accept"})),
    );
    assert_eq!(bad_path.0, 400);
    assert!(bad_path.1["error"]["message"].is_string(), "{}", bad_path.1);
    assert_eq!(
        call(&s, "GET", "/api/nothing", None, None).1["error"]["code"],
        "not_found"
    );
    let openapi = ok(call(&s, "GET", "/openapi.json", None, None), 200);
    assert!(openapi["paths"]["/api/negotiations/{id}/drafts"]["post"].is_object());
}

#[test]
fn ceasefire_talks_over_http_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    the_process(&format!(
        "sqlite://{}",
        dir.path().join("accord.db").display()
    ));
}

/// A fresh PostgreSQL database for one test, dropped afterwards.
struct Postgres {
    admin: String,
    name: String,
    url: String,
}

impl Postgres {
    fn new(tag: &str) -> Postgres {
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

#[test]
fn ceasefire_talks_over_http_on_postgres() {
    let pg = Postgres::new("e2e");
    the_process(&pg.url);
}

#[test]
fn kill_9_loses_no_acknowledged_action_on_postgres() {
    let pg = Postgres::new("durability");
    durability(&pg.url);
}

/// Kill -9 during a bounded load, restart on the same database: every acknowledged action is
/// there, and a deadline set before a restart fires after it.
fn durability(database: &str) {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Mutex;
    let s = start(database);
    let med = sign_up(&s, "mediator");
    let a = sign_up(&s, "a");
    let n = ok(
        call(
            &s,
            "POST",
            "/api/negotiations",
            Some(&med),
            Some(json!({"scenario": "trade"})),
        ),
        201,
    );
    let base = format!("/api/negotiations/{}", n["id"].as_str().unwrap());
    let inv = ok(
        call(
            &s,
            "POST",
            &format!("{base}/invitations"),
            Some(&med),
            Some(json!({"seat": "Avalon"})),
        ),
        201,
    );
    ok(
        call(
            &s,
            "POST",
            "/api/invitations/accept",
            Some(&a),
            Some(json!({"token": inv["token"]})),
        ),
        200,
    );
    let a_pref = ok(
        call(
            &s,
            "GET",
            &format!("{base}/seats/Avalon/preferences"),
            Some(&a),
            None,
        ),
        200,
    )["preferences"]
        .clone();
    let nash = ok(
        call(&s, "GET", &format!("{base}/analysis"), Some(&med), None),
        200,
    )["nash"]
        .clone();
    // The load: the mediator circulates drafts, the party rewrites its preferences; each
    // acknowledged (2xx) write is remembered.
    let stop = AtomicBool::new(false);
    let acked_drafts = Mutex::new(Vec::<i64>::new());
    let acked_prefs = Mutex::new(0usize);
    std::thread::scope(|scope| {
        scope.spawn(|| {
            let mut v = 0;
            while !stop.load(Ordering::Relaxed) {
                match try_call(
                    &s,
                    "POST",
                    &format!("{base}/drafts"),
                    Some(&med),
                    Some(
                        json!({"base_version": v, "clauses": nash, "respond_within_seconds": 3600}),
                    ),
                ) {
                    Some((201, _)) => {
                        v += 1;
                        acked_drafts.lock().unwrap().push(v);
                    }
                    Some(_) => {}
                    None => break,
                }
            }
        });
        scope.spawn(|| {
            while !stop.load(Ordering::Relaxed) {
                match try_call(
                    &s,
                    "PUT",
                    &format!("{base}/seats/Avalon/preferences"),
                    Some(&a),
                    Some(json!({"preferences": a_pref})),
                ) {
                    Some((200, _)) => *acked_prefs.lock().unwrap() += 1,
                    Some(_) => {}
                    None => break,
                }
            }
        });
        std::thread::sleep(Duration::from_millis(1500));
        // SIGKILL mid-load, as an operator or the kernel would.
        let killed = Command::new("kill")
            .args(["-9", &s.child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        stop.store(true, Ordering::Relaxed);
    });
    drop(s);
    let drafts = acked_drafts.into_inner().unwrap();
    let prefs = acked_prefs.into_inner().unwrap();
    assert!(
        drafts.len() > 5 && prefs > 5,
        "the load ran: {} drafts, {prefs} preference writes",
        drafts.len()
    );
    let s2 = start(database);
    let med = ok(
        call(
            &s2,
            "POST",
            "/api/sessions",
            None,
            Some(json!({"name": "mediator", "password": "correct horse"})),
        ),
        201,
    )["token"]
        .as_str()
        .unwrap()
        .to_string();
    let view = ok(call(&s2, "GET", &base, Some(&med), None), 200);
    let versions: Vec<i64> = view["drafts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["version"].as_i64().unwrap())
        .collect();
    for v in &drafts {
        assert!(
            versions.contains(v),
            "acknowledged draft {v} lost after kill -9"
        );
    }
    let log = ok(
        call(&s2, "GET", &format!("{base}/audit"), Some(&med), None),
        200,
    );
    let updates = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "preferences_updated")
        .count();
    assert!(
        updates >= prefs,
        "{updates} preference updates logged, {prefs} acknowledged"
    );
    // A deadline set before a shutdown fires after the next start.
    let current = view["current_version"].as_i64().unwrap();
    ok(
        call(
            &s2,
            "POST",
            &format!("{base}/drafts"),
            Some(&med),
            Some(json!({"base_version": current, "clauses": nash, "respond_within_seconds": 1.0})),
        ),
        201,
    );
    drop(s2);
    std::thread::sleep(Duration::from_millis(1500));
    let s3 = start(database);
    let waiting = Instant::now();
    loop {
        let log = ok(
            call(&s3, "GET", &format!("{base}/audit"), Some(&med), None),
            200,
        );
        if log
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "deadline_missed" && e["payload"]["version"] == current + 1)
        {
            break;
        }
        assert!(
            waiting.elapsed() < Duration::from_secs(10),
            "the deadline did not fire after the restart"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Like `call`, but `None` once the server is gone.
fn try_call(
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

#[test]
fn kill_9_loses_no_acknowledged_action_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    durability(&format!(
        "sqlite://{}",
        dir.path().join("accord.db").display()
    ));
}

/// Two instances on one PostgreSQL database: a draft written through one reaches a party's
/// live stream on the other at once (LISTEN/NOTIFY, not the 10-second safety poll), and either
/// instance answers for the same state.
#[test]
fn two_instances_share_one_postgres() {
    let pg = Postgres::new("instances");
    let one = start(&pg.url);
    let two = start(&pg.url);
    let med = sign_up(&one, "mediator");
    let party = sign_up(&two, "party");
    let n = ok(
        call(
            &one,
            "POST",
            "/api/negotiations",
            Some(&med),
            Some(json!({"scenario": "trade"})),
        ),
        201,
    );
    let base = format!("/api/negotiations/{}", n["id"].as_str().unwrap());
    let inv = ok(
        call(
            &one,
            "POST",
            &format!("{base}/invitations"),
            Some(&med),
            Some(json!({"seat": "Avalon"})),
        ),
        201,
    );
    ok(
        call(
            &two,
            "POST",
            "/api/invitations/accept",
            Some(&party),
            Some(json!({"token": inv["token"]})),
        ),
        200,
    );
    let nash = ok(
        call(&two, "GET", &format!("{base}/analysis"), Some(&med), None),
        200,
    )["nash"]
        .clone();
    let stream = std::thread::scope(|scope| {
        let reader = scope.spawn(|| {
            use std::io::Read;
            let agent: ureq::Agent = ureq::Agent::config_builder()
                .timeout_global(Some(Duration::from_secs(4)))
                .build()
                .into();
            let resp = agent
                .get(format!("{}{base}/events", two.base))
                .header("authorization", format!("Bearer {party}"))
                .call()
                .expect("stream");
            let mut got = Vec::new();
            let mut reader = resp.into_body().into_reader();
            let mut buf = [0u8; 4096];
            let began = Instant::now();
            while let Ok(k) = reader.read(&mut buf) {
                if k == 0 {
                    break;
                }
                got.extend_from_slice(&buf[..k]);
                if String::from_utf8_lossy(&got).contains("event: draft") {
                    return (String::from_utf8_lossy(&got).into_owned(), began.elapsed());
                }
            }
            (String::from_utf8_lossy(&got).into_owned(), began.elapsed())
        });
        std::thread::sleep(Duration::from_millis(500));
        ok(
            call(
                &one,
                "POST",
                &format!("{base}/drafts"),
                Some(&med),
                Some(json!({"base_version": 0, "clauses": nash})),
            ),
            201,
        );
        reader.join().unwrap()
    });
    assert!(
        stream.0.contains("event: draft"),
        "instance two's stream missed the draft: {}",
        stream.0
    );
    assert!(
        stream.1 < Duration::from_secs(3),
        "the draft took {:?}: not pushed",
        stream.1
    );
    // The party answers through instance two; instance one sees it.
    ok(
        call(
            &two,
            "POST",
            &format!("{base}/drafts/1/responses"),
            Some(&party),
            Some(json!({"verdict": "accept"})),
        ),
        201,
    );
    let v = ok(call(&one, "GET", &base, Some(&med), None), 200);
    assert_eq!(v["drafts"][0]["responses"][0]["verdict"], "accept");
}
