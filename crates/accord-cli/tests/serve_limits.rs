//! Issue 18's findings on engine work, rerun as written: each gives a bounded, clear answer and a
//! server that still answers. No timed assertions: the outcome (status, code, words) is checked.

use common::server::{call, ok, sign_up, start_configured};
use serde_json::{json, Value};

mod common;

/// `n` issues of 10 options, two parties with a nonlinear term between each pair of
/// neighbouring issues and red lines that exclude each other: the additive shortcut is ruled
/// out and the exact search is exponential (the finding: 15 issues ran 384 s, then a 500).
fn expensive_scenario(n: usize) -> String {
    let mut t = String::from("name = \"Expensive\"\n");
    for i in 0..n {
        t.push_str(&format!(
            "[[issues]]\nname = \"i{i}\"\noptions = [{}]\n",
            (0..10)
                .map(|o| format!("\"o{o}\""))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    for (p, red_line) in [("a", "i0 = o0"), ("b", "i0 = o1")] {
        t.push_str(&format!(
            "[[parties]]\nname = \"{p}\"\nreservation = 0.2\nred_lines = [\"{red_line}\"]\nterms = [{}]\n[parties.weights]\n",
            (0..n - 1)
                .map(|i| format!("{{ when = \"i{i} = o{} and i{} = o{}\", value = 0.01 }}", (i * 3) % 10, i + 1, (i * 7 + 1) % 10))
                .collect::<Vec<_>>()
                .join(", ")
        ));
        for i in 0..n {
            t.push_str(&format!("i{i} = {}\n", 1.0 / n as f64));
        }
        t.push_str("[parties.scores]\n");
        for i in 0..n {
            let scores: Vec<String> = (0..10)
                .map(|o| {
                    let s = if p == "a" {
                        o as f64 / 9.0
                    } else {
                        1.0 - ((o * (i + 3)) % 10) as f64 / 9.0
                    };
                    format!("o{o} = {s}")
                })
                .collect();
            t.push_str(&format!("i{i} = {{ {} }}\n", scores.join(", ")));
        }
    }
    t.push_str("[[parties]]\nname = \"m\"\nrole = \"mediator\"\n");
    t
}

fn create(s: &common::server::Server, mediator: &str, toml: &str) -> (u16, Value) {
    call(
        s,
        "POST",
        "/api/negotiations",
        Some(mediator),
        Some(json!({"toml": toml})),
    )
}

#[test]
fn analyses_are_bounded_in_time_and_number_and_say_so() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("accord.db").display());
    let s = start_configured(
        &db,
        &[],
        &[
            ("ACCORD_ANALYSIS_SECONDS", "1.5"),
            ("ACCORD_ANALYSES_AT_ONCE", "1"),
            ("ACCORD_ANALYSIS_QUEUE_SECONDS", "0.2"),
        ],
    );
    let med = sign_up(&s, "mediator");
    let n = ok(create(&s, &med, &expensive_scenario(15)), 201);
    let analysis = format!("/api/negotiations/{}/analysis", n["id"].as_str().unwrap());
    // Two at once with one turn: one runs into the time budget (422, in words), the other waits
    // its 0.2 s and is told to come back (503 with Retry-After).
    let (first, second) = std::thread::scope(|scope| {
        let a = scope.spawn(|| call(&s, "GET", &analysis, Some(&med), None));
        std::thread::sleep(std::time::Duration::from_millis(300));
        let b = scope
            .spawn(|| common::server::call_with_headers(&s, "GET", &analysis, Some(&med), None));
        (a.join().unwrap(), b.join().unwrap())
    });
    assert_eq!(first.0, 422, "{}", first.1);
    assert_eq!(first.1["error"]["code"], "too_large");
    let message = first.1["error"]["message"].as_str().unwrap();
    assert!(
        message.starts_with("too large to analyse exactly"),
        "{message}"
    );
    assert_eq!(second.0, 503, "{}", second.1);
    assert_eq!(second.1["error"]["code"], "busy");
    assert!(second.2.contains_key("retry-after"), "{:?}", second.2);
    // The server still answers, and the stopped search gave its turn back.
    ok(call(&s, "GET", "/api/me", Some(&med), None), 200);
    let again = call(&s, "GET", &analysis, Some(&med), None);
    assert_eq!(again.0, 422, "{}", again.1);
}

#[test]
fn sizes_a_person_can_send_are_capped_with_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("accord.db").display());
    let s = start_configured(&db, &[], &[]);
    let med = sign_up(&s, "mediator");
    // One integer issue of 10,000,000 values (the format's maximum): refused at once, in words,
    // instead of 4 GB per analysis.
    let huge = "name = \"Huge\"\n[[issues]]\nname = \"amount\"\ntype = \"integer\"\nmin = 0\nmax = 9999999\n\
        [[parties]]\nname = \"a\"\n[parties.weights]\namount = 1\n[parties.scores]\namount = { type = \"linear\", at_min = 0, at_max = 1 }\n\
        [[parties]]\nname = \"b\"\n[parties.weights]\namount = 1\n[parties.scores]\namount = { type = \"linear\", at_min = 1, at_max = 0 }\n";
    let r = create(&s, &med, huge);
    assert_eq!(r.0, 400, "{}", r.1);
    let message = r.1["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("issue `amount` has 10000000 values")
            && message.contains("at most 100000 values"),
        "{message}"
    );
    // Red lines: each party gets its share of what the analysis holds, so the error a party
    // sees is about its own count, and the mediator's analysis never fails on (nor reveals) how
    // many red lines the others keep.
    let n = ok(
        call(
            &s,
            "POST",
            "/api/negotiations",
            Some(&med),
            Some(json!({"scenario": "ceasefire"})),
        ),
        201,
    );
    let base = format!("/api/negotiations/{}", n["id"].as_str().unwrap());
    let isr = sign_up(&s, "israel");
    common::server::seat_person(&s, &med, &base, "israel", &isr);
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
    let mut prefs = own["preferences"].clone();
    prefs["red_lines"] = json!((0..25)
        .map(|k| format!("hostages != none or rafah = not_addressed or humanitarian = expanded or ceasefire = pause or withdrawal = none or withdrawal_language = possibility or hostages = all or {}", if k % 2 == 0 { "rafah = no_offensive" } else { "ceasefire = permanent" }))
        .collect::<Vec<_>>());
    let r = call(
        &s,
        "PUT",
        &format!("{base}/seats/israel/preferences"),
        Some(&isr),
        Some(json!({"preferences": prefs, "consent": "aggregate"})),
    );
    assert_eq!(r.0, 400, "{}", r.1);
    assert_eq!(
        r.1["error"]["message"],
        "preferences.red_lines: at most 24 red lines per party in a negotiation of 2 parties (combine some with `or` / `and`)"
    );
    // Answers with confidential data are never cached.
    let me = common::server::call_with_headers(&s, "GET", "/api/me", Some(&med), None);
    assert_eq!(me.0, 200);
    assert_eq!(
        me.2.get("cache-control").map(String::as_str),
        Some("no-store")
    );
}

#[test]
fn slow_clients_are_cut_off_and_cannot_take_every_connection() {
    use std::io::{Read, Write};
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("accord.db").display());
    let s = start_configured(
        &db,
        &[],
        &[
            ("ACCORD_MAX_CONNECTIONS", "20"),
            ("ACCORD_HEADER_TIMEOUT_SECONDS", "1"),
        ],
    );
    let address = s.base.trim_start_matches("http://").to_string();
    // Twenty clients take every connection and never finish their headers.
    let mut slow: Vec<std::net::TcpStream> = (0..20)
        .map(|_| {
            let mut c = std::net::TcpStream::connect(&address).unwrap();
            c.write_all(b"GET /api/scenarios HTTP/1.1\r\nHost: x\r\n")
                .unwrap();
            c
        })
        .collect();
    // The server hangs up on each once its header timeout passes...
    for c in &mut slow {
        c.set_read_timeout(Some(std::time::Duration::from_secs(30)))
            .unwrap();
        let mut buf = [0u8; 512];
        let n = match c.read(&mut buf) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => 0,
            Err(e) => panic!("the server kept a half-sent request open: {e}"),
        };
        let answer = String::from_utf8_lossy(&buf[..n]);
        assert!(
            n == 0 || answer.starts_with("HTTP/1.1 408"),
            "a half-sent request got {answer:?}"
        );
    }
    // ... and a normal client is served.
    let me = call(&s, "GET", "/api/scenarios", None, None);
    assert_eq!(me.0, 200, "{}", me.1);
}
