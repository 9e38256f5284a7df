//! `accord serve` end to end over HTTP, on SQLite and on PostgreSQL: the cease-fire talks with a
//! mediator, a person in one party seat and an agent in the other, three drafts, an amendment,
//! a missed deadline, a version conflict and a recorded failure; a trade deal taken to
//! agreement; and what each seat may see.

use common::server::{call, create, ok, seat_person, sign_up, start};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

mod common;

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
    let used = seat_person(&s, &med, &base, "israel", &isr);
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
            Some(json!({"token": used}))
        )
        .0,
        404
    );
    // Confidentiality: Israel sees its own preferences, not Hamas's; an outsider does not even
    // see the negotiation. Until Israel saves its own, its preferences are the scenario's: the
    // mediator's assumptions, which the mediator may read.
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
    assert_eq!(own["source"], "scenario", "{own}");
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
    let assumed = ok(
        call(
            &s,
            "GET",
            &format!("{base}/seats/israel/preferences"),
            Some(&med),
            None,
        ),
        200,
    );
    assert_eq!(assumed["source"], "scenario");
    let view = ok(call(&s, "GET", &base, Some(&med), None), 200);
    let seat_of = |view: &Value, name: &str| {
        view["seats"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["name"] == name)
            .cloned()
            .unwrap()
    };
    let israel = seat_of(&view, "israel");
    assert_eq!(
        (
            &israel["preferences_given"],
            &israel["preferences_source"],
            &israel["consent"]
        ),
        (&json!(false), &json!("scenario"), &json!("private")),
        "{israel}"
    );
    let hamas = seat_of(&view, "hamas");
    assert_eq!(hamas["agent"], true);
    assert_eq!(hamas["agent_spec"], "hill-climber", "{hamas}");
    assert_eq!(hamas["agent_failed"], Value::Null);
    // A party sees neither the agent's strategy nor whether it failed.
    let isr_view = ok(call(&s, "GET", &base, Some(&isr), None), 200);
    let hamas_for_israel = seat_of(&isr_view, "hamas");
    assert!(
        hamas_for_israel.get("agent_spec").is_none()
            && hamas_for_israel.get("agent_failed").is_none(),
        "{hamas_for_israel}"
    );
    assert_eq!(call(&s, "GET", &base, Some(&outsider), None).0, 404);
    assert_eq!(call(&s, "GET", &base, None, None).0, 401);
    // The mediator's analysis on its assumptions: no zone; what would have to give, with the
    // red lines' texts (the mediator wrote them, or set the agent's).
    let a = ok(
        call(&s, "GET", &format!("{base}/analysis"), Some(&med), None),
        200,
    );
    assert_eq!(a["zone"]["exists"], false);
    assert_eq!(a["parties"], json!(["israel", "hamas"]), "{a}");
    assert_eq!(a["left_out"], json!([]), "{a}");
    let blocking = a["blocking"].as_array().unwrap();
    assert_eq!(blocking.len(), 3, "{a}");
    assert!(blocking.iter().all(|b| b["red_lines"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["rule"].is_string())));
    // Israel saves its own preferences (the scenario's numbers) for the analysis only: from
    // now on the mediator may neither read them nor see its red line's text.
    let saved = ok(
        call(
            &s,
            "PUT",
            &format!("{base}/seats/israel/preferences"),
            Some(&isr),
            Some(json!({"preferences": own["preferences"], "consent": "aggregate"})),
        ),
        200,
    );
    assert_eq!(saved["consent"], "aggregate");
    assert_eq!(saved["weights_rescaled_from"], Value::Null, "{saved}");
    let israel = seat_of(&ok(call(&s, "GET", &base, Some(&med), None), 200), "israel");
    assert_eq!(
        (
            &israel["preferences_given"],
            &israel["preferences_source"],
            &israel["consent"]
        ),
        (&json!(true), &json!("party"), &json!("aggregate")),
        "{israel}"
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
    let a = ok(
        call(&s, "GET", &format!("{base}/analysis"), Some(&med), None),
        200,
    );
    assert_eq!(a["zone"]["exists"], false);
    let blocking = a["blocking"].as_array().unwrap();
    assert_eq!(blocking.len(), 3, "{a}");
    let red_lines: Vec<&Value> = blocking
        .iter()
        .flat_map(|b| b["red_lines"].as_array().unwrap())
        .collect();
    assert!(
        red_lines
            .iter()
            .filter(|r| r["party"] == "israel")
            .all(|r| r["rule"].is_null() && r.get("source").is_none()),
        "{a}"
    );
    assert!(
        red_lines
            .iter()
            .filter(|r| r["party"] == "hamas")
            .all(|r| r["rule"].is_string()),
        "{a}"
    );
    assert!(
        !a.to_string().contains("ceasefire != permanent") && !a.to_string().contains("Netanyahu"),
        "Israel's red line is not shown: {a}"
    );
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
    // A second answer to the same draft is refused, not overwritten (both have answered: the
    // draft is settled).
    let again = call(
        &s,
        "POST",
        &format!("{base}/drafts/1/responses"),
        Some(&isr),
        Some(json!({"verdict": "accept"})),
    );
    assert_eq!(
        (again.0, again.1["error"]["code"].as_str()),
        (409, Some("draft_closed")),
        "{}",
        again.1
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
            && c["change"] == "value_and_wording"
            && c["to"]["value"] == "all"
            && c["to"]["wording"] == "All hostages are released."),
        "{d2}"
    );
    assert!(
        changes.iter().any(|c| c["issue"] == "withdrawal_language"
            && c["change"] == "wording"
            && c["from"]["value"] == c["to"]["value"]
            && c["to"]["wording"] == stronger),
        "{d2}"
    );
    assert_eq!(changes.len(), 2, "only what changed: {d2}");
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
    // Answering a superseded draft is refused; so is a draft that does not exist.
    let superseded = call(
        &s,
        "POST",
        &format!("{base}/drafts/1/responses"),
        Some(&isr),
        Some(json!({"verdict": "reject"})),
    );
    assert_eq!(
        (superseded.0, superseded.1["error"]["code"].as_str()),
        (409, Some("draft_closed")),
        "{}",
        superseded.1
    );
    assert_eq!(
        call(
            &s,
            "POST",
            &format!("{base}/drafts/9/responses"),
            Some(&isr),
            Some(json!({"verdict": "reject"}))
        )
        .0,
        404
    );
    // Only parties answer.
    assert_eq!(
        call(
            &s,
            "POST",
            &format!("{base}/drafts/2/responses"),
            Some(&med),
            Some(json!({"verdict": "accept"}))
        )
        .0,
        403
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
    assert_eq!(
        (late.0, late.1["error"]["code"].as_str()),
        (409, Some("draft_closed")),
        "{}",
        late.1
    );
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
    assert_eq!(view["drafts"][2]["missed"], json!(["israel"]), "{view}");
    assert_eq!(view["closed_reason"], "no zone of agreement");
    // The mediator sees every response; Israel only its own (not the agent's).
    let d1v = &view["drafts"][0]["responses"];
    assert_eq!(d1v.as_array().unwrap().len(), 2, "{view}");
    let isr_view = ok(call(&s, "GET", &base, Some(&isr), None), 200);
    assert_eq!(isr_view["drafts"][2]["missed"], json!(["israel"]));
    for d in isr_view["drafts"].as_array().unwrap() {
        assert!(d["responses"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["seat"] == "israel"));
    }
    let isr_events = ok(
        call(&s, "GET", &format!("{base}/audit"), Some(&isr), None),
        200,
    );
    let isr_log = isr_events.to_string();
    assert!(
        !isr_log.contains("\"seat\":\"hamas\",\"verdict\""),
        "{isr_log}"
    );
    // Israel's own copy of the missed deadline, and only that one (not the mediators').
    let isr_missed: Vec<&Value> = isr_events
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "deadline_missed")
        .collect();
    assert_eq!(isr_missed.len(), 1, "{isr_log}");
    assert_eq!(isr_missed[0]["payload"]["missed"], json!(["israel"]));
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
    // The mediators' copy of the missed deadline only: each party's own copy is its own.
    assert_eq!(
        kinds.iter().filter(|k| **k == "deadline_missed").count(),
        1,
        "{log}"
    );
    // Entries are {seq, kind, actor, payload, created_at}: who else may see one is the
    // server's business.
    for e in log.as_array().unwrap() {
        let mut keys: Vec<&str> = e.as_object().unwrap().keys().map(|k| k.as_str()).collect();
        keys.sort();
        assert_eq!(
            keys,
            ["actor", "created_at", "kind", "payload", "seq"],
            "{e}"
        );
    }
    let first_draft = log
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "draft")
        .unwrap();
    assert_eq!(first_draft["payload"]["by"], n["seat"], "{first_draft}");
    assert_eq!(n["seat"], "egypt");
    assert_eq!(n["warnings"], json!([]), "{n}");
    let seqs: Vec<i64> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["seq"].as_i64().unwrap())
        .collect();
    assert_eq!(seqs, (1..=seqs.len() as i64).collect::<Vec<_>>());

    // A trade deal to agreement: the Nash suggestion is acceptable to the agent and the person.
    let avalon = sign_up(&s, "avalon");
    let tb = create(&s, &med, "trade");
    seat_person(&s, &med, &tb, "Avalon", &avalon);
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

crate::on_sqlite_and_postgres!(
    ceasefire_talks_over_http_on_sqlite,
    ceasefire_talks_over_http_on_postgres,
    "accord.db",
    "e2e",
    the_process
);
