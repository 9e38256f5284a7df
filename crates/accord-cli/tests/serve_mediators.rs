//! Several mediators over HTTP (issue 14), on SQLite and on PostgreSQL: a mediator editing the
//! next draft is shown live to the other mediators (the `editing` event of the live stream),
//! never to itself, never to a party; circulating a draft or saying so ends the sign; only
//! mediators may say it, and not once the negotiation is over. Each draft is attributed to the
//! mediator seat that circulated it, in the negotiation view, the timeline (parties included)
//! and the agreement document's history.

use common::server::{call, call_raw, create, ok, seat_person, sign_up, start, Server};
use serde_json::{json, Value};

mod common;

fn draft(base_version: i64, humanitarian: &str) -> Value {
    json!({"base_version": base_version, "clauses": [
        {"issue": "hostages", "value": "some"}, {"issue": "ceasefire", "value": "pause"},
        {"issue": "withdrawal", "value": "partial"}, {"issue": "withdrawal_language", "value": "possibility"},
        {"issue": "rafah", "value": "not_addressed"}, {"issue": "humanitarian", "value": humanitarian}]})
}

/// What one viewer's live stream says about editing, read for the stream's 1.5 s: the seats in
/// each `editing` event, in order (each checked to carry no id: resuming the stream counts the
/// log's events only).
fn editing_seen(s: &Server, base: &str, token: &str) -> Vec<Vec<String>> {
    let (status, text, _) = call_raw(s, "GET", &format!("{base}/events"), Some(token), None);
    assert_eq!(status, 200, "{text}");
    let mut seen = Vec::new();
    let mut kind = "";
    let mut id = false;
    for line in text.lines() {
        if line.starts_with("id:") {
            id = true;
        } else if let Some(k) = line.strip_prefix("event: ") {
            kind = k;
        } else if let Some(data) = line.strip_prefix("data: ") {
            if kind == "editing" {
                assert!(!id, "an editing event with an id: {text}");
                let d: Value = serde_json::from_str(data).expect("JSON data");
                assert_eq!(d["kind"], "editing");
                assert!(
                    d.get("seq").is_none(),
                    "an editing event is not numbered: {d}"
                );
                let seats = d["payload"]["editors"]
                    .as_array()
                    .expect("editors")
                    .iter()
                    .map(|e| {
                        assert!(e["until"].as_i64().is_some(), "{e}");
                        e["seat"].as_str().unwrap().to_string()
                    })
                    .collect();
                seen.push(seats);
            }
        } else if line.is_empty() {
            kind = "";
            id = false;
        }
    }
    seen
}

fn several_mediators(database: &str) {
    let s = start(database);
    let egypt = sign_up(&s, "egypt-mediator");
    let qatar = sign_up(&s, "qatar-mediator");
    let israel = sign_up(&s, "israel-delegation");
    let base = create(&s, &egypt, "ceasefire");
    seat_person(&s, &egypt, &base, "qatar", &qatar);
    seat_person(&s, &egypt, &base, "israel", &israel);
    let editing = format!("{base}/editing");

    // Nobody editing: no editing event on any stream.
    assert!(editing_seen(&s, &base, &egypt).is_empty());

    // Qatar edits: Egypt's stream says so; Qatar's own and Israel's do not.
    let r = ok(
        call(&s, "POST", &editing, Some(&qatar), Some(json!({}))),
        200,
    );
    assert_eq!(
        (&r["seat"], &r["editing"], &r["lease_seconds"]),
        (&json!("qatar"), &json!(true), &json!(60))
    );
    assert_eq!(editing_seen(&s, &base, &egypt), vec![vec!["qatar"]]);
    assert!(editing_seen(&s, &base, &qatar).is_empty(), "told of itself");
    let (_, party_stream, _) = call_raw(&s, "GET", &format!("{base}/events"), Some(&israel), None);
    assert!(
        !party_stream.contains("editing"),
        "a party learnt of the editing: {party_stream}"
    );
    // Renewing changes nothing for the others.
    ok(
        call(&s, "POST", &editing, Some(&qatar), Some(json!({}))),
        200,
    );
    assert_eq!(editing_seen(&s, &base, &egypt), vec![vec!["qatar"]]);

    // Only mediators say it (a party gets 403, an outsider 404, no session 401).
    let outsider = sign_up(&s, "outsider");
    for (token, want) in [(Some(&israel), 403), (Some(&outsider), 404), (None, 401)] {
        let token = token.map(String::as_str);
        assert_eq!(call(&s, "POST", &editing, token, Some(json!({}))).0, want);
        assert_eq!(call(&s, "DELETE", &editing, token, None).0, want);
    }
    assert_eq!(
        call(&s, "POST", &editing, Some(&qatar), Some(json!({"x": 1}))).0,
        400,
        "unknown fields refused"
    );

    // Both edit; Egypt circulates draft 1: its sign goes, Qatar's stays.
    ok(
        call(&s, "POST", &editing, Some(&egypt), Some(json!({}))),
        200,
    );
    assert_eq!(editing_seen(&s, &base, &qatar), vec![vec!["egypt"]]);
    ok(
        call(
            &s,
            "POST",
            &format!("{base}/drafts"),
            Some(&egypt),
            Some(draft(0, "current")),
        ),
        201,
    );
    assert!(editing_seen(&s, &base, &qatar).is_empty(), "still editing");
    assert_eq!(editing_seen(&s, &base, &egypt), vec![vec!["qatar"]]);
    // Qatar drops its edits.
    let r = ok(call(&s, "DELETE", &editing, Some(&qatar), None), 200);
    assert_eq!(r["editing"], false);
    assert!(editing_seen(&s, &base, &egypt).is_empty());

    // Draft 2 by Qatar: each draft is attributed to its mediator, for every seat.
    ok(
        call(
            &s,
            "POST",
            &format!("{base}/drafts"),
            Some(&qatar),
            Some(draft(1, "expanded")),
        ),
        201,
    );
    for token in [&egypt, &israel] {
        let v = ok(call(&s, "GET", &base, Some(token), None), 200);
        let by: Vec<&Value> = v["drafts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| &d["by"])
            .collect();
        assert_eq!(by, [&json!("egypt"), &json!("qatar")], "{v}");
        let timeline = ok(
            call(&s, "GET", &format!("{base}/timeline"), Some(token), None),
            200,
        );
        let drafts: Vec<(&str, &str)> = timeline
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["kind"] == "draft")
            .map(|e| (e["summary"].as_str().unwrap(), e["by"].as_str().unwrap()))
            .collect();
        assert_eq!(drafts.len(), 2, "{timeline}");
        assert!(drafts[0].0.starts_with("Draft 1 circulated") && drafts[0].1 == "egypt");
        assert!(drafts[1].0.starts_with("Draft 2 circulated") && drafts[1].1 == "qatar");
        // No editing in anyone's record: it is a live sign only.
        assert!(!timeline.to_string().contains("editing"), "{timeline}");
    }
    let (status, md) = call(&s, "GET", &format!("{base}/document"), Some(&israel), None);
    assert_eq!(status, 200);
    let md = md.as_str().unwrap().to_string();
    assert!(
        md.contains("| Draft | Circulated | Outcome | Circulated by |"),
        "{md}"
    );
    let rows: Vec<&str> = md
        .lines()
        .filter(|l| l.starts_with("| 1 |") || l.starts_with("| 2 |"))
        .collect();
    assert_eq!(rows.len(), 2, "{md}");
    assert!(rows[0].ends_with("| superseded | egypt |"), "{md}");
    assert!(rows[1].ends_with("| open | qatar |"), "{md}");

    // Over: no draft comes next, so nobody edits one.
    ok(
        call(
            &s,
            "POST",
            &format!("{base}/close"),
            Some(&egypt),
            Some(json!({})),
        ),
        200,
    );
    let r = call(&s, "POST", &editing, Some(&qatar), Some(json!({})));
    assert_eq!((r.0, &r.1["error"]["code"]), (409, &json!("closed")));
}

crate::on_sqlite_and_postgres!(
    several_mediators_on_sqlite,
    several_mediators_on_postgres,
    "mediators.db",
    "mediators",
    several_mediators
);
