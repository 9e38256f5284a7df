//! Messages and the timeline (issue 14) on SQLite and PostgreSQL: every seat sees exactly the
//! messages it should (a caucus: the mediators and its party; notes among mediators: mediators;
//! notes to everyone: every seat), in the thread pages, the audit log, the live stream and the
//! timeline's JSON and CSV exports, which never carry preferences; limits answer 422 in words.

use serde_json::{json, Value};

mod common;
use common::server::{call_raw as call, seat_person, sign_up, start, Postgres, Server};

fn json_of(r: (u16, String, Vec<(String, String)>), want: u16) -> Value {
    assert_eq!(r.0, want, "{}", r.1);
    serde_json::from_str(&r.1).unwrap_or(Value::Null)
}

/// Sends a message; the status and the answer.
fn send(
    s: &Server,
    base: &str,
    token: &str,
    thread: &str,
    seat: Option<&str>,
    text: &str,
) -> (u16, Value) {
    let mut body = json!({"thread": thread, "text": text});
    if let Some(seat) = seat {
        body["seat"] = json!(seat);
    }
    let (status, text, _) = call(
        s,
        "POST",
        &format!("{base}/messages"),
        Some(token),
        Some(body),
    );
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// Preferences with a marker in a red line's source and an unusual walk-away point.
fn secret_preferences(tag: &str, reservation: f64) -> Value {
    json!({
        "reservation": reservation,
        "weights": {"hostages": 0.3, "ceasefire": 0.3, "withdrawal": 0.2, "withdrawal_language": 0.1, "rafah": 0.05, "humanitarian": 0.05},
        "scores": {
            "hostages": {"none": 0.0, "some": 0.5, "all": 1.0},
            "ceasefire": {"pause": 1.0, "permanent": 0.0},
            "withdrawal": {"none": 1.0, "partial": 0.5, "full": 0.0},
            "withdrawal_language": {"possibility": 1.0, "guaranteed": 0.0},
            "rafah": {"not_addressed": 1.0, "no_offensive": 0.0},
            "humanitarian": {"current": 1.0, "expanded": 0.0},
        },
        "red_lines": [{"rule": "hostages != none", "source": format!("PREF-{tag}-SOURCE")}],
    })
}

#[test]
fn messages_reach_exactly_their_readers_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("messages.db").display());
    let (s, base, med) = messages_reach_exactly_their_readers(&db);
    thread_limits_and_pages(&s, &base, &med);
}

#[test]
fn messages_reach_exactly_their_readers_on_postgres() {
    let pg = Postgres::new("messages");
    messages_reach_exactly_their_readers(&pg.url);
}

/// Runs the privacy matrix of messages; returns the server, the negotiation and the first
/// mediator's token for more.
fn messages_reach_exactly_their_readers(database: &str) -> (Server, String, String) {
    let s = start(database);
    let med = sign_up(&s, "egypt");
    let med2 = sign_up(&s, "qatar");
    let a = sign_up(&s, "party-a");
    let b = sign_up(&s, "party-b");
    let obs = sign_up(&s, "observer");
    let out = sign_up(&s, "outsider");
    let text = std::fs::read_to_string(common::root().join("scenarios/ceasefire.toml")).unwrap()
        + "\n[[parties]]\nname = \"monitor\"\nrole = \"observer\"\n";
    let n = json_of(
        call(
            &s,
            "POST",
            "/api/negotiations",
            Some(&med),
            Some(json!({"toml": text})),
        ),
        201,
    );
    let base = format!("/api/negotiations/{}", n["id"].as_str().unwrap());
    for (seat, token) in [
        ("qatar", &med2),
        ("israel", &a),
        ("hamas", &b),
        ("monitor", &obs),
    ] {
        seat_person(&s, &med, &base, seat, token);
    }
    for (seat, token, tag, r) in [
        ("israel", &a, "A", 0.123456789),
        ("hamas", &b, "B", 0.987654321),
    ] {
        json_of(
            call(
                &s,
                "PUT",
                &format!("{base}/seats/{seat}/preferences"),
                Some(token),
                Some(json!({"preferences": secret_preferences(tag, r), "consent": "aggregate"})),
            ),
            200,
        );
    }
    // A draft and an answer from each party, with comments only the mediators and the party
    // itself may see.
    json_of(
        call(
            &s,
            "POST",
            &format!("{base}/drafts"),
            Some(&med),
            Some(
                json!({"base_version": 0, "respond_within_seconds": 600, "clauses": [
                {"issue": "hostages", "value": "all"}, {"issue": "ceasefire", "value": "pause"},
                {"issue": "withdrawal", "value": "partial"}, {"issue": "withdrawal_language", "value": "possibility"},
                {"issue": "rafah", "value": "not_addressed"}, {"issue": "humanitarian", "value": "expanded"}]}),
            ),
        ),
        201,
    );
    for (token, verdict, tag) in [(&a, "reject", "A"), (&b, "accept", "B")] {
        json_of(
            call(
                &s,
                "POST",
                &format!("{base}/drafts/1/responses"),
                Some(token),
                Some(json!({"verdict": verdict, "comment": format!("ANSWER-{tag}-COMMENT")})),
            ),
            201,
        );
    }

    // Who writes where: mediators everywhere; a party in its own caucus only (naming its seat
    // or not); an observer nowhere; outsiders learn nothing; nobody signed in is refused.
    let written = [
        (&med, "caucus", Some("israel"), "CAUCUS-A-BY-EGYPT"),
        (&a, "caucus", None, "CAUCUS-A-BY-ISRAEL"),
        (&med2, "caucus", Some("hamas"), "CAUCUS-B-BY-QATAR"),
        (&b, "caucus", Some("hamas"), "CAUCUS-B-BY-HAMAS"),
        (&med, "mediators", None, "MEDIATORS-BY-EGYPT"),
        (&med2, "mediators", None, "MEDIATORS-BY-QATAR"),
        (&med, "everyone", None, "EVERYONE-BY-EGYPT"),
    ];
    for (token, thread, seat, text) in written {
        let (status, body) = send(&s, &base, token, thread, seat, text);
        assert_eq!(status, 201, "{thread} {seat:?}: {body}");
        assert_eq!(body["text"], text);
    }
    let (_, m) = send(&s, &base, &a, "caucus", Some("israel"), "CAUCUS-A-AGAIN");
    assert_eq!(
        (
            m["thread"].as_str(),
            m["seat"].as_str(),
            m["n"].as_i64(),
            m["from"].as_str()
        ),
        (Some("caucus"), Some("israel"), Some(3), Some("israel")),
        "{m}"
    );
    for (who, token, thread, seat, want) in [
        ("party A", &a, "caucus", Some("hamas"), 403),
        ("party A", &a, "mediators", None, 403),
        ("party A", &a, "everyone", None, 403),
        ("observer", &obs, "everyone", None, 403),
        ("observer", &obs, "caucus", Some("israel"), 403),
        // A caucus is with a party seat: not an observer's, a mediator's or a missing one.
        ("observer", &obs, "caucus", None, 400),
        ("mediator", &med, "caucus", Some("monitor"), 400),
        ("mediator", &med, "caucus", Some("qatar"), 400),
        ("mediator", &med, "caucus", None, 400),
        ("mediator", &med, "caucus", Some("nobody-here"), 404),
        ("mediator", &med, "everyone", Some("israel"), 400),
        ("outsider", &out, "everyone", None, 404),
    ] {
        let (status, body) = send(&s, &base, token, thread, seat, "FORBIDDEN-WRITE");
        assert_eq!(status, want, "{who} {thread} {seat:?}: {body}");
        assert!(body["error"]["message"].is_string(), "{body}");
    }
    let (status, ..) = call(
        &s,
        "POST",
        &format!("{base}/messages"),
        None,
        Some(json!({"thread": "everyone", "text": "x"})),
    );
    assert_eq!(status, 401);

    // Who reads which thread.
    let page = |token: &str, query: &str| {
        call(
            &s,
            "GET",
            &format!("{base}/messages?{query}"),
            Some(token),
            None,
        )
    };
    for (who, token, query, want) in [
        ("mediator", &med, "thread=caucus&seat=israel", 200),
        ("second mediator", &med2, "thread=caucus&seat=israel", 200),
        ("party A", &a, "thread=caucus", 200),
        ("party A", &a, "thread=caucus&seat=israel", 200),
        ("party A", &a, "thread=caucus&seat=hamas", 403),
        ("party A", &a, "thread=mediators", 403),
        ("party A", &a, "thread=everyone", 200),
        ("observer", &obs, "thread=everyone", 200),
        ("observer", &obs, "thread=mediators", 403),
        ("observer", &obs, "thread=caucus&seat=hamas", 403),
        ("outsider", &out, "thread=everyone", 404),
    ] {
        assert_eq!(page(token, query).0, want, "{who}: {query}");
    }
    let own = json_of(page(&a, "thread=caucus"), 200);
    let texts: Vec<&str> = own["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        texts,
        ["CAUCUS-A-BY-EGYPT", "CAUCUS-A-BY-ISRAEL", "CAUCUS-A-AGAIN"]
    );
    assert_eq!(own["messages"][0]["from"], "egypt");
    assert_eq!(own["more_before"], false);

    // Everything each seat can read anywhere: thread pages, audit log, live stream, timeline.
    let markers = [
        "CAUCUS-A-BY-EGYPT",
        "CAUCUS-A-BY-ISRAEL",
        "CAUCUS-A-AGAIN",
        "CAUCUS-B-BY-QATAR",
        "CAUCUS-B-BY-HAMAS",
        "MEDIATORS-BY-EGYPT",
        "MEDIATORS-BY-QATAR",
        "EVERYONE-BY-EGYPT",
        "ANSWER-A-COMMENT",
        "ANSWER-B-COMMENT",
        "PREF-A-SOURCE",
        "PREF-B-SOURCE",
        "0.123456789",
        "0.987654321",
        "FORBIDDEN-WRITE",
    ];
    let all_threads = [
        "thread=everyone",
        "thread=mediators",
        "thread=caucus&seat=israel",
        "thread=caucus&seat=hamas",
    ];
    // Per place, what a seat received there.
    let places = |token: &str| -> Vec<(&'static str, String)> {
        let mut pages = String::new();
        for q in all_threads {
            let (status, text, _) = page(token, q);
            if status == 200 {
                pages.push_str(&text);
            }
        }
        let get = |path: String| call(&s, "GET", &path, Some(token), None).1;
        vec![
            ("thread pages", pages),
            ("audit log", get(format!("{base}/audit"))),
            ("live stream", get(format!("{base}/events"))),
            ("timeline (JSON)", get(format!("{base}/timeline"))),
            ("timeline (CSV)", get(format!("{base}/timeline?format=csv"))),
        ]
    };
    let seen = |markers_seen: &[&str]| -> Vec<String> {
        markers_seen.iter().map(|m| m.to_string()).collect()
    };
    let mediators_see = seen(&markers[..10]);
    for (who, token, expected) in [
        ("egypt", &med, mediators_see.clone()),
        ("qatar", &med2, mediators_see),
        (
            "party A",
            &a,
            seen(&[
                "CAUCUS-A-BY-EGYPT",
                "CAUCUS-A-BY-ISRAEL",
                "CAUCUS-A-AGAIN",
                "EVERYONE-BY-EGYPT",
                "ANSWER-A-COMMENT",
            ]),
        ),
        (
            "party B",
            &b,
            seen(&[
                "CAUCUS-B-BY-QATAR",
                "CAUCUS-B-BY-HAMAS",
                "EVERYONE-BY-EGYPT",
                "ANSWER-B-COMMENT",
            ]),
        ),
        ("observer", &obs, seen(&["EVERYONE-BY-EGYPT"])),
    ] {
        for (place, text) in places(token) {
            // Answers' comments are not messages: the thread pages never hold them.
            let expected: Vec<&String> = expected
                .iter()
                .filter(|m| place != "thread pages" || !m.starts_with("ANSWER"))
                .collect();
            let got: Vec<&str> = markers
                .iter()
                .copied()
                .filter(|m| text.contains(m))
                .collect();
            assert_eq!(got, expected, "{who}, {place}: {text}");
        }
    }

    // The timeline: numbered for the viewer without gaps, in words, as attachments.
    let (status, text, headers) = call(&s, "GET", &format!("{base}/timeline"), Some(&a), None);
    assert_eq!(status, 200, "{text}");
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    assert!(
        header("content-disposition").starts_with("attachment; filename=\"timeline-"),
        "{headers:?}"
    );
    assert!(
        header("content-type").starts_with("application/json"),
        "{headers:?}"
    );
    let timeline: Value = serde_json::from_str(&text).unwrap();
    let entries = timeline.as_array().unwrap();
    let numbers: Vec<i64> = entries.iter().map(|e| e["n"].as_i64().unwrap()).collect();
    assert_eq!(numbers, (1..=entries.len() as i64).collect::<Vec<_>>());
    let audit = json_of(
        call(&s, "GET", &format!("{base}/audit"), Some(&a), None),
        200,
    );
    assert_eq!(
        entries.len(),
        audit.as_array().unwrap().len(),
        "the timeline is the audit log in words"
    );
    let summaries: Vec<&str> = entries
        .iter()
        .map(|e| e["summary"].as_str().unwrap())
        .collect();
    for want in [
        "Message to the caucus with israel: CAUCUS-A-BY-EGYPT",
        "Message to every seat: EVERYONE-BY-EGYPT",
        "israel rejects draft 1. Comment: ANSWER-A-COMMENT",
    ] {
        assert!(summaries.contains(&want), "{want}: {summaries:#?}");
    }
    assert!(
        summaries
            .iter()
            .any(|x| x.starts_with("Draft 1 circulated; responses due 20")),
        "{summaries:#?}"
    );
    let by_egypt = entries
        .iter()
        .find(|e| e["summary"] == "Message to every seat: EVERYONE-BY-EGYPT")
        .unwrap();
    assert_eq!(by_egypt["by"], "egypt");
    assert_eq!(by_egypt["kind"], "message");
    assert!(by_egypt["time"].as_str().unwrap().ends_with('Z'));
    let (status, csv, headers) = call(
        &s,
        "GET",
        &format!("{base}/timeline?format=csv"),
        Some(&a),
        None,
    );
    assert_eq!(status, 200);
    assert!(csv.starts_with("n,time,kind,by,summary\n"), "{csv}");
    assert!(
        headers
            .iter()
            .any(|(k, v)| k == "content-type" && v.starts_with("text/csv")),
        "{headers:?}"
    );
    assert_eq!(csv.lines().count(), entries.len() + 1, "{csv}");
    assert_eq!(
        call(
            &s,
            "GET",
            &format!("{base}/timeline?format=xml"),
            Some(&a),
            None
        )
        .0,
        400
    );
    assert_eq!(
        call(&s, "GET", &format!("{base}/timeline"), Some(&out), None).0,
        404
    );
    assert_eq!(
        call(&s, "GET", &format!("{base}/timeline"), None, None).0,
        401
    );
    (s, base, med)
}

/// Lengths and counts: 422 in words; a full thread leaves the others open; pages.
fn thread_limits_and_pages(s: &Server, base: &str, med: &str) {
    let (status, body) = send(s, base, med, "mediators", None, &"x".repeat(4001));
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["code"], "message_too_long");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("at most 4000 characters; this one has 4001"),
        "{body}"
    );
    let (status, body) = send(s, base, med, "mediators", None, "a\u{0}b");
    assert_eq!(status, 400, "{body}");
    let (status, body) = send(s, base, med, "mediators", None, "  \n ");
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (422, Some("message_empty")),
        "{body}"
    );
    // 4,000 characters of several bytes each are 4,000 characters.
    let (status, body) = send(s, base, med, "mediators", None, &"é".repeat(4000));
    assert_eq!(status, 201, "{body}");
    // The mediators' thread holds 3 messages now: fill it to 2,000.
    for k in 4..=2000 {
        let (status, body) = send(s, base, med, "mediators", None, &format!("note {k}"));
        assert_eq!(status, 201, "message {k}: {body}");
    }
    let (status, body) = send(s, base, med, "mediators", None, "one too many");
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["code"], "too_many_messages");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("2000 messages"),
        "{body}"
    );
    // Each thread has its own count.
    assert_eq!(
        send(s, base, med, "caucus", Some("israel"), "still open").0,
        201
    );
    // Pages: the newest by default, older with `before`, newer with `after`.
    let page = |query: &str| {
        json_of(
            call(
                s,
                "GET",
                &format!("{base}/messages?thread=mediators&{query}"),
                Some(med),
                None,
            ),
            200,
        )
    };
    let numbers = |p: &Value| -> Vec<i64> {
        p["messages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["n"].as_i64().unwrap())
            .collect()
    };
    let newest = page("");
    assert_eq!(numbers(&newest), (1901..=2000).collect::<Vec<_>>());
    assert_eq!(newest["more_before"], true);
    let older = page("before=1901&limit=500");
    assert_eq!(numbers(&older), (1401..=1900).collect::<Vec<_>>());
    let oldest = page("before=3&limit=1000");
    assert_eq!(numbers(&oldest), vec![1, 2]);
    assert_eq!(oldest["more_before"], false);
    assert_eq!(oldest["messages"][0]["text"], "MEDIATORS-BY-EGYPT");
    let after = page("after=1997");
    assert_eq!(numbers(&after), vec![1998, 1999, 2000]);
    assert_eq!(numbers(&page("after=0&limit=2")), vec![1, 2]);
}
