//! Loopback load on `accord serve` (`cargo bench -p accord-server --bench load`): the server runs
//! in this process on 127.0.0.1, clients are threads with keep-alive HTTP connections, for a fixed
//! time. `NEGOTIATIONS` trade negotiations (default 8), each with a mediator and two parties; a
//! party's action is a response to the open draft when there is one it has not answered, else an
//! update of its confidential preferences; every action is a committed transaction with its audit
//! event. The mediator circulates the next draft once both parties answered. Reported: party
//! actions per second and latency percentiles, on SQLite and, when `ACCORD_BENCH_POSTGRES` (or
//! the default `postgres://postgres@127.0.0.1:5432`) answers, on PostgreSQL. `LOAD_SECONDS` sets
//! the duration (default 10); `LOAD_BACKENDS=postgres` (or `sqlite`) runs one backend only.
//!
//! Clients: by default asynchronous tasks on the server's own runtime, one keep-alive HTTP/1.1
//! connection each (hyper's client), so that the measured machine spends its cores on the
//! server and the database rather than on switching between client threads (real clients are
//! elsewhere); `LOAD_CLIENT=threads` runs the same requests from one blocking thread per client
//! (ureq), as the benchmark did before, for comparison in the same minutes.

use serde_json::{json, Value};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .into()
}

fn call(
    a: &ureq::Agent,
    base: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> (u16, Value) {
    let mut req = ureq::http::Request::builder()
        .method(method)
        .uri(format!("{base}{path}"));
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let resp = match body {
        Some(b) => a.run(
            req.header("content-type", "application/json")
                .body(b.to_string())
                .unwrap(),
        ),
        None => a.run(req.body(()).unwrap()),
    }
    .expect("request");
    let status = resp.status().as_u16();
    let text = resp.into_body().read_to_string().unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

fn token(a: &ureq::Agent, base: &str, name: &str) -> String {
    let cred = json!({"name": name, "password": "load test password"});
    call(a, base, "POST", "/api/accounts", None, Some(&cred));
    call(a, base, "POST", "/api/sessions", None, Some(&cred)).1["token"]
        .as_str()
        .expect("token")
        .to_string()
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn run(database: &str, label: &str) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let store = runtime
        .block_on(accord_server::store::Store::open(database))
        .expect("database");
    let state = accord_server::AppState::new(store);
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().unwrap());
    runtime.spawn(accord_server::keep_deadlines(state.clone()));
    runtime.spawn(async move { axum::serve(listener, accord_server::router(state)).await });
    let negotiations: usize = std::env::var("NEGOTIATIONS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(8);
    let seconds: f64 = std::env::var("LOAD_SECONDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(10.0);
    let a = agent();
    let mut tables = Vec::new();
    for k in 0..negotiations {
        let med = token(&a, &base, &format!("med{k}"));
        let n = call(
            &a,
            &base,
            "POST",
            "/api/negotiations",
            Some(&med),
            Some(&json!({"scenario": "trade"})),
        )
        .1;
        let path = format!("/api/negotiations/{}", n["id"].as_str().unwrap());
        let mut parties = Vec::new();
        for seat in ["Avalon", "Borea"] {
            let t = token(&a, &base, &format!("{seat}{k}"));
            let inv = call(
                &a,
                &base,
                "POST",
                &format!("{path}/invitations"),
                Some(&med),
                Some(&json!({"seat": seat})),
            )
            .1;
            call(
                &a,
                &base,
                "POST",
                "/api/invitations/accept",
                Some(&t),
                Some(&json!({"token": inv["token"]})),
            );
            let prefs = call(
                &a,
                &base,
                "GET",
                &format!("{path}/seats/{seat}/preferences"),
                Some(&t),
                None,
            )
            .1["preferences"]
                .clone();
            parties.push((seat, t, prefs));
        }
        let nash = call(
            &a,
            &base,
            "GET",
            &format!("{path}/analysis"),
            Some(&med),
            None,
        )
        .1["nash"]
            .clone();
        tables.push((path, med, parties, nash));
    }
    if std::env::var("LOAD_CLIENT").as_deref() != Ok("threads") {
        let addr = base.trim_start_matches("http://").to_string();
        let (l, errors, elapsed) = runtime.block_on(run_async(&addr, &tables, seconds));
        report(label, negotiations, l, errors, elapsed);
        return;
    }
    let stop = AtomicBool::new(false);
    let latencies = Mutex::new(Vec::<f64>::new());
    let errors = Mutex::new(0usize);
    let started = Instant::now();
    std::thread::scope(|scope| {
        for (path, med, parties, nash) in &tables {
            let (stop, base) = (&stop, &base);
            scope.spawn(move || {
                let a = agent();
                let mut version = 0;
                while !stop.load(Ordering::Relaxed) {
                    let v = call(
                        &a,
                        base,
                        "GET",
                        &format!("{path}?history=false"),
                        Some(med),
                        None,
                    )
                    .1;
                    let settled = v["drafts"]
                        .as_array()
                        .and_then(|d| d.last())
                        .is_none_or(|d| d["status"] != "open");
                    if settled {
                        let r = call(
                            &a,
                            base,
                            "POST",
                            &format!("{path}/drafts"),
                            Some(med),
                            Some(&json!({"base_version": version, "clauses": nash})),
                        );
                        if r.0 == 201 {
                            version += 1;
                        }
                    } else {
                        std::thread::sleep(Duration::from_millis(20));
                    }
                }
            });
            for (seat, t, prefs) in parties {
                let (latencies, errors) = (&latencies, &errors);
                scope.spawn(move || {
                    let a = agent();
                    let mut answered = 0i64;
                    let mut mine = Vec::new();
                    let mut bad = 0;
                    let mut current = 0i64;
                    while !stop.load(Ordering::Relaxed) {
                        let t0 = Instant::now();
                        let status = if current > answered {
                            let r = call(
                                &a,
                                base,
                                "POST",
                                &format!("{path}/drafts/{current}/responses"),
                                Some(t),
                                Some(&json!({"verdict": "reject", "comment": "load"})),
                            );
                            answered = current;
                            r.0
                        } else {
                            call(
                                &a,
                                base,
                                "PUT",
                                &format!("{path}/seats/{seat}/preferences"),
                                Some(t),
                                Some(&json!({"preferences": prefs})),
                            )
                            .0
                        };
                        mine.push(t0.elapsed().as_secs_f64() * 1e3);
                        if status >= 300 && status != 409 {
                            bad += 1;
                        }
                        // Where the text stands (a read; not counted as an action, but a
                        // failed read is an error).
                        let (read, view) = call(
                            &a,
                            base,
                            "GET",
                            &format!("{path}?history=false"),
                            Some(t),
                            None,
                        );
                        if read != 200 {
                            bad += 1;
                        }
                        current = view["current_version"].as_i64().unwrap_or(0);
                    }
                    latencies.lock().unwrap().extend(mine);
                    *errors.lock().unwrap() += bad;
                });
            }
        }
        std::thread::sleep(Duration::from_secs_f64(seconds));
        stop.store(true, Ordering::Relaxed);
    });
    let elapsed = started.elapsed().as_secs_f64();
    report(
        label,
        negotiations,
        latencies.into_inner().unwrap(),
        errors.into_inner().unwrap(),
        elapsed,
    );
}

/// Prints one row of the table.
fn report(label: &str, negotiations: usize, mut l: Vec<f64>, errors: usize, elapsed: f64) {
    l.sort_by(f64::total_cmp);
    println!(
        "| {label} | {} | {:.0} | {:.1} | {:.1} | {:.1} | {} |",
        negotiations * 2,
        l.len() as f64 / elapsed,
        percentile(&l, 0.5),
        percentile(&l, 0.99),
        l.last().copied().unwrap_or(0.0),
        errors
    );
}

/// The negotiations set up by `run`: path, mediator's token, parties (seat, token, preferences),
/// and the Nash point's clauses.
type Table = (String, String, Vec<(&'static str, String, Value)>, Value);

/// One keep-alive HTTP/1.1 connection to the server.
struct Conn {
    send: hyper::client::conn::http1::SendRequest<http_body_util::Full<hyper::body::Bytes>>,
    host: String,
}

impl Conn {
    async fn open(addr: &str) -> Conn {
        let stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
        stream.set_nodelay(true).expect("nodelay");
        let (send, conn) =
            hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
                .await
                .expect("handshake");
        tokio::spawn(conn);
        Conn {
            send,
            host: addr.to_string(),
        }
    }

    async fn call(
        &mut self,
        method: &str,
        path: &str,
        token: &str,
        body: Option<&Value>,
    ) -> (u16, Value) {
        use http_body_util::BodyExt;
        let req = hyper::Request::builder()
            .method(method)
            .uri(path)
            .header("host", &self.host)
            .header("authorization", format!("Bearer {token}"));
        let req = match body {
            Some(b) => req
                .header("content-type", "application/json")
                .body(http_body_util::Full::new(b.to_string().into())),
            None => req.body(http_body_util::Full::new(hyper::body::Bytes::new())),
        }
        .expect("request");
        self.send.ready().await.expect("connection");
        let resp = self.send.send_request(req).await.expect("response");
        let status = resp.status().as_u16();
        let bytes = resp
            .into_body()
            .collect()
            .await
            .map(|b| b.to_bytes())
            .unwrap_or_default();
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }
}

/// The load of `run` from asynchronous tasks: the same requests, in the same order per client.
async fn run_async(addr: &str, tables: &[Table], seconds: f64) -> (Vec<f64>, usize, f64) {
    let stop = std::sync::Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let mut parties = tokio::task::JoinSet::new();
    let mut mediators = tokio::task::JoinSet::new();
    for (path, med, seats, nash) in tables.iter().cloned() {
        let stop_m = stop.clone();
        let mut c = Conn::open(addr).await;
        let (mpath, mnash) = (path.clone(), nash.clone());
        mediators.spawn(async move {
            let mut version = 0;
            while !stop_m.load(Ordering::Relaxed) {
                let v = c
                    .call("GET", &format!("{mpath}?history=false"), &med, None)
                    .await
                    .1;
                let settled = v["drafts"]
                    .as_array()
                    .and_then(|d| d.last())
                    .is_none_or(|d| d["status"] != "open");
                if settled {
                    let body = json!({"base_version": version, "clauses": mnash});
                    let r = c
                        .call("POST", &format!("{mpath}/drafts"), &med, Some(&body))
                        .await;
                    if r.0 == 201 {
                        version += 1;
                    }
                } else {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            }
        });
        for (seat, t, prefs) in seats {
            let (stop_p, path) = (stop.clone(), path.clone());
            let mut c = Conn::open(addr).await;
            parties.spawn(async move {
                let (mut answered, mut current, mut bad) = (0i64, 0i64, 0usize);
                let mut mine = Vec::new();
                let put = json!({"preferences": prefs});
                let answer = json!({"verdict": "reject", "comment": "load"});
                while !stop_p.load(Ordering::Relaxed) {
                    let t0 = Instant::now();
                    let status = if current > answered {
                        answered = current;
                        c.call(
                            "POST",
                            &format!("{path}/drafts/{current}/responses"),
                            &t,
                            Some(&answer),
                        )
                        .await
                        .0
                    } else {
                        c.call(
                            "PUT",
                            &format!("{path}/seats/{seat}/preferences"),
                            &t,
                            Some(&put),
                        )
                        .await
                        .0
                    };
                    mine.push(t0.elapsed().as_secs_f64() * 1e3);
                    if status >= 300 && status != 409 {
                        bad += 1;
                    }
                    let (read, view) = c
                        .call("GET", &format!("{path}?history=false"), &t, None)
                        .await;
                    if read != 200 {
                        bad += 1;
                    }
                    current = view["current_version"].as_i64().unwrap_or(0);
                }
                (mine, bad)
            });
        }
    }
    tokio::time::sleep(Duration::from_secs_f64(seconds)).await;
    stop.store(true, Ordering::Relaxed);
    let (mut latencies, mut errors) = (Vec::new(), 0);
    while let Some(r) = parties.join_next().await {
        let (l, bad) = r.expect("client task");
        latencies.extend(l);
        errors += bad;
    }
    let elapsed = started.elapsed().as_secs_f64();
    while mediators.join_next().await.is_some() {}
    (latencies, errors, elapsed)
}

fn main() {
    println!("| backend | parties | party actions/s | p50 ms | p99 ms | max ms | errors |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    let only = std::env::var("LOAD_BACKENDS").unwrap_or_default();
    let wanted = |backend: &str| only.is_empty() || only.contains(backend);
    if wanted("sqlite") {
        let dir = std::env::temp_dir().join(format!("accord-load-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        run(
            &format!("sqlite://{}", dir.join("load.db").display()),
            "SQLite",
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
    if !wanted("postgres") {
        return;
    }
    let server = std::env::var("ACCORD_BENCH_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into());
    let db = format!("accord_load_{}", std::process::id());
    let psql = |sql: &str| {
        std::process::Command::new("psql")
            .args([format!("{server}/test").as_str(), "-qc", sql])
            .status()
            .is_ok_and(|s| s.success())
    };
    if psql(&format!("CREATE DATABASE {db}")) {
        run(&format!("{server}/{db}"), "PostgreSQL");
        psql(&format!("DROP DATABASE {db} WITH (FORCE)"));
    } else {
        println!("| PostgreSQL | not reachable at {server} | | | | | |");
    }
}
