//! Who may do what in `accord serve`: every endpoint for every role (mediator, each party,
//! a signed-in outsider, nobody signed in), and no response or live stream of one seat ever
//! carrying another party's private data.

use serde_json::{json, Value};

mod common;
use common::server::{call_text, json_of, seat_person, sign_up, start, Server};

/// Status and body text of one call; for a live stream, what arrived within 1.5 s.
/// Preferences with markers that must never reach another seat.
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
        "red_lines": [{"rule": "hostages != none", "source": format!("SECRET-{tag}-SOURCE")}],
    })
}

crate::on_sqlite_and_postgres!(
    every_endpoint_for_every_role_on_sqlite,
    every_endpoint_for_every_role_on_postgres,
    "rights.db",
    "rights",
    every_endpoint_for_every_role
);

/// Runs each row of a matrix for every role (the mediator last, so that its writes do not
/// change what the others meet): (method, path, body, expected status for mediator, party A,
/// party B, observer, outsider, nobody).
type Row = (&'static str, String, Option<Value>, [u16; 6]);

fn run_matrix(s: &Server, who: &[(&str, Option<&str>); 6], matrix: &[Row]) {
    for (method, path, body, expected) in matrix {
        for k in [1, 2, 3, 4, 5, 0] {
            let (name, token) = who[k];
            let (status, text) = call_text(s, method, path, token, body.clone());
            assert_eq!(status, expected[k], "{name}: {method} {path} -> {text}");
            if status >= 400 {
                let v: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
                assert!(
                    v["error"]["code"].is_string() && v["error"]["message"].is_string(),
                    "{method} {path}: {text}"
                );
            }
        }
    }
}

fn every_endpoint_for_every_role(database: &str) {
    let s = start(database);
    let med = sign_up(&s, "med");
    let a = sign_up(&s, "party-a");
    let b = sign_up(&s, "party-b");
    let obs = sign_up(&s, "observer");
    let out = sign_up(&s, "outsider");
    // The ceasefire talks with an observer seat added (the shipped file has none).
    let text = std::fs::read_to_string(common::root().join("scenarios/ceasefire.toml")).unwrap()
        + "\n[[parties]]\nname = \"monitor\"\nrole = \"observer\"\n";
    let n = json_of(
        call_text(
            &s,
            "POST",
            "/api/negotiations",
            Some(&med),
            Some(json!({"toml": text})),
        ),
        201,
    );
    let base = format!("/api/negotiations/{}", n["id"].as_str().unwrap());
    for (seat, token) in [("israel", &a), ("hamas", &b), ("monitor", &obs)] {
        seat_person(&s, &med, &base, seat, token);
    }
    json_of(
        call_text(
            &s,
            "PUT",
            &format!("{base}/seats/israel/preferences"),
            Some(&a),
            Some(json!({"preferences": secret_preferences("A", 0.123456789)})),
        ),
        200,
    );
    json_of(
        call_text(
            &s,
            "PUT",
            &format!("{base}/seats/hamas/preferences"),
            Some(&b),
            Some(
                json!({"preferences": secret_preferences("B", 0.987654321), "consent": "aggregate"}),
            ),
        ),
        200,
    );
    let draft = json!({"base_version": 0, "respond_within_seconds": 600, "clauses": [
        {"issue": "hostages", "value": "all"}, {"issue": "ceasefire", "value": "pause"},
        {"issue": "withdrawal", "value": "partial"}, {"issue": "withdrawal_language", "value": "possibility"},
        {"issue": "rafah", "value": "not_addressed"}, {"issue": "humanitarian", "value": "expanded"}]});
    json_of(
        call_text(
            &s,
            "POST",
            &format!("{base}/drafts"),
            Some(&med),
            Some(draft.clone()),
        ),
        201,
    );
    json_of(
        call_text(
            &s,
            "POST",
            &format!("{base}/drafts/1/responses"),
            Some(&a),
            Some(json!({"verdict": "reject", "comment": "SECRET-A-COMMENT"})),
        ),
        201,
    );
    json_of(
        call_text(
            &s,
            "POST",
            &format!("{base}/drafts/1/responses"),
            Some(&b),
            Some(
                json!({"verdict": "amend", "amendment": {"issue": "ceasefire", "value": "permanent"}, "comment": "SECRET-B-COMMENT"}),
            ),
        ),
        201,
    );

    // Party A confides in the mediators (a caucus, issue 14): no one else may read it.
    json_of(
        call_text(
            &s,
            "POST",
            &format!("{base}/messages"),
            Some(&a),
            Some(json!({"thread": "caucus", "text": "SECRET-A-CAUCUS"})),
        ),
        201,
    );

    // Party A (Israel) keeps its preferences private, party B (Hamas) lets the analysis use
    // them (aggregate): the mediator reads neither, and the analysis uses B's alone.
    let d2 = {
        let mut d = draft.clone();
        d["base_version"] = json!(1);
        d
    };
    let matrix: Vec<Row> = vec![
        ("GET", base.clone(), None, [200, 200, 200, 200, 404, 401]),
        (
            "GET",
            format!("{base}/audit"),
            None,
            [200, 200, 200, 200, 404, 401],
        ),
        (
            "GET",
            format!("{base}/events"),
            None,
            [200, 200, 200, 200, 404, 401],
        ),
        (
            "GET",
            format!("{base}/analysis"),
            None,
            [200, 403, 403, 403, 404, 401],
        ),
        // Messages (issue 14): notes to everyone, among mediators, a caucus with party A.
        (
            "GET",
            format!("{base}/messages?thread=everyone"),
            None,
            [200, 200, 200, 200, 404, 401],
        ),
        (
            "GET",
            format!("{base}/messages?thread=mediators"),
            None,
            [200, 403, 403, 403, 404, 401],
        ),
        (
            "GET",
            format!("{base}/messages?thread=caucus&seat=israel"),
            None,
            [200, 200, 403, 403, 404, 401],
        ),
        (
            "POST",
            format!("{base}/messages"),
            Some(json!({"thread": "caucus", "seat": "israel", "text": "a word"})),
            [201, 201, 403, 403, 404, 401],
        ),
        (
            "POST",
            format!("{base}/messages"),
            Some(json!({"thread": "everyone", "text": "a word to all"})),
            [201, 403, 403, 403, 404, 401],
        ),
        (
            "GET",
            format!("{base}/timeline?format=csv"),
            None,
            [200, 200, 200, 200, 404, 401],
        ),
        (
            "GET",
            format!("{base}/seats/israel/preferences"),
            None,
            [403, 200, 403, 403, 404, 401],
        ),
        (
            "GET",
            format!("{base}/seats/hamas/preferences"),
            None,
            [403, 403, 200, 403, 404, 401],
        ),
        (
            "PUT",
            format!("{base}/seats/hamas/preferences"),
            Some(
                json!({"preferences": secret_preferences("B", 0.987654321), "consent": "aggregate"}),
            ),
            [403, 403, 200, 403, 404, 401],
        ),
        (
            "GET",
            format!("{base}/seats/israel/assessment"),
            None,
            [403, 200, 403, 403, 404, 401],
        ),
        (
            "GET",
            format!("{base}/seats/hamas/assessment"),
            None,
            [403, 403, 200, 403, 404, 401],
        ),
        // Neither party shares its preferences: the picture would show their utilities.
        (
            "GET",
            format!("{base}/picture.svg"),
            None,
            [409, 403, 403, 403, 404, 401],
        ),
        (
            "GET",
            "/api/me".to_string(),
            None,
            [200, 200, 200, 200, 200, 401],
        ),
        (
            "POST",
            format!("{base}/invitations"),
            Some(json!({"seat": "qatar"})),
            [201, 403, 403, 403, 404, 401],
        ),
        (
            "POST",
            format!("{base}/agents"),
            Some(json!({"seat": "israel"})),
            [409, 403, 403, 403, 404, 401],
        ),
        // No agent holds the seat: only a mediator gets as far as being told.
        (
            "DELETE",
            format!("{base}/agents/israel"),
            None,
            [409, 403, 403, 403, 404, 401],
        ),
        (
            "GET",
            "/api/voters".to_string(),
            None,
            [200, 200, 200, 200, 200, 200],
        ),
        (
            "GET",
            "/api/vocabulary".to_string(),
            None,
            [200, 200, 200, 200, 200, 200],
        ),
        (
            "POST",
            format!("{base}/drafts/1/responses"),
            Some(json!({"verdict": "accept"})),
            [403, 409, 409, 403, 404, 401],
        ),
        (
            "POST",
            format!("{base}/drafts"),
            Some(d2),
            [201, 403, 403, 403, 404, 401],
        ),
        // Deadlines and drafts (issue 14), on the open draft 2: mediators only, except a change
        // of answer, which is a party's (neither has answered draft 2: nothing to change).
        (
            "POST",
            format!("{base}/drafts/2/deadline"),
            Some(json!({"by_seconds": 3600})),
            [200, 403, 403, 403, 404, 401],
        ),
        (
            "PUT",
            format!("{base}/drafts/2/responses"),
            Some(json!({"verdict": "accept"})),
            [403, 409, 409, 403, 404, 401],
        ),
        (
            "POST",
            format!("{base}/adjourn"),
            Some(json!({"reason": "a pause"})),
            [200, 403, 403, 403, 404, 401],
        ),
        (
            "POST",
            format!("{base}/reopen"),
            Some(json!({})),
            [200, 403, 403, 403, 404, 401],
        ),
        // Several mediators (issue 14): saying one is editing the next draft is a mediator's.
        (
            "POST",
            format!("{base}/editing"),
            Some(json!({})),
            [200, 403, 403, 403, 404, 401],
        ),
        (
            "DELETE",
            format!("{base}/editing"),
            None,
            [200, 403, 403, 403, 404, 401],
        ),
        // Issue 16: "Suggest the next draft" is for mediators (this negotiation runs under
        // binding rules, so the mediator hears why there is none).
        (
            "POST",
            format!("{base}/suggestion"),
            Some(json!({})),
            [422, 403, 403, 403, 404, 401],
        ),
        (
            "POST",
            format!("{base}/drafts/2/withdraw"),
            Some(json!({"reason": "a mistake in clause 1"})),
            [200, 403, 403, 403, 404, 401],
        ),
        (
            "POST",
            format!("{base}/close"),
            Some(json!({})),
            [200, 403, 403, 403, 404, 401],
        ),
    ];
    let who: [(&str, Option<&str>); 6] = [
        ("mediator", Some(&med)),
        ("party A", Some(&a)),
        ("party B", Some(&b)),
        ("observer", Some(&obs)),
        ("outsider", Some(&out)),
        ("nobody", None),
    ];
    run_matrix(&s, &who, &matrix);
    // A party's events are numbered for it alone: no gaps where others' events were.
    let log: Value =
        serde_json::from_str(&call_text(&s, "GET", &format!("{base}/audit"), Some(&a), None).1)
            .unwrap();
    let seqs: Vec<i64> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["seq"].as_i64().unwrap())
        .collect();
    assert!(seqs.len() >= 4, "{log}");
    assert_eq!(seqs, (1..=seqs.len() as i64).collect::<Vec<_>>());
    let all: Value =
        serde_json::from_str(&call_text(&s, "GET", &format!("{base}/audit"), Some(&med), None).1)
            .unwrap();
    assert!(
        all.as_array().unwrap().len() > seqs.len(),
        "the mediator sees more"
    );
    // The live stream resumes in the same numbering.
    let resumed = call_text(&s, "GET", &format!("{base}/events?after=2"), Some(&a), None).1;
    let ids: Vec<i64> = resumed
        .lines()
        .filter_map(|l| l.strip_prefix("id: "))
        .map(|x| x.trim().parse().unwrap())
        .collect();
    assert_eq!(
        ids,
        (3..=seqs.len() as i64).collect::<Vec<_>>(),
        "{resumed}"
    );
    // Audiences are data, not seat names: a seat may be called `mediators`, `*` or `a,b`, and
    // its holder still sees only what is addressed to everyone or to its own seat.
    let trade = std::fs::read_to_string(common::root().join("scenarios/trade.toml")).unwrap();
    for (k, odd) in ["mediators", "*", "a,b"].iter().enumerate() {
        let text = trade
            .replace("name = \"Avalon\"", &format!("name = \"{odd}\""))
            .replace("Avalon", odd);
        let n = json_of(
            call_text(
                &s,
                "POST",
                "/api/negotiations",
                Some(&med),
                Some(json!({"toml": text})),
            ),
            201,
        );
        let t = format!("/api/negotiations/{}", n["id"].as_str().unwrap());
        let holder = sign_up(&s, &format!("odd-{k}"));
        let seat = odd.replace('*', "%2A").replace(',', "%2C");
        seat_person(&s, &med, &t, odd, &holder);
        // Mediators-only traffic: the invitation.
        json_of(
            call_text(
                &s,
                "POST",
                &format!("{t}/agents"),
                Some(&med),
                Some(json!({"seat": "Borea"})),
            ),
            200,
        );
        // Its own preferences are its own, under that name.
        json_of(
            call_text(
                &s,
                "GET",
                &format!("{t}/seats/{seat}/preferences"),
                Some(&holder),
                None,
            ),
            200,
        );
        let log = json_of(
            call_text(&s, "GET", &format!("{t}/audit"), Some(&holder), None),
            200,
        );
        let kinds: Vec<&str> = log
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["kind"].as_str().unwrap())
            .collect();
        assert!(!kinds.contains(&"invited"), "{odd}: {log}");
        assert!(kinds.contains(&"joined"), "{odd}: {log}");
    }
    // Private data: what party B can read anywhere never holds party A's, and the other way
    // round; the mediator sees comments (they are addressed to it) but no preferences.
    let reads = |token: &str| -> String {
        let mut all = String::new();
        for p in [
            base.clone(),
            format!("{base}/audit"),
            format!("{base}/events"),
            format!("{base}/seats/israel/preferences"),
            format!("{base}/seats/hamas/preferences"),
            format!("{base}/seats/israel/assessment"),
            format!("{base}/seats/hamas/assessment"),
            format!("{base}/analysis"),
            format!("{base}/picture.svg"),
            format!("{base}/messages?thread=caucus&seat=israel"),
            format!("{base}/messages?thread=caucus&seat=hamas"),
            format!("{base}/timeline"),
            format!("{base}/timeline?format=csv"),
        ] {
            all.push_str(&call_text(&s, "GET", &p, Some(token), None).1);
        }
        all
    };
    let seen_by_b = reads(&b);
    assert!(
        seen_by_b.contains("SECRET-B-SOURCE") && seen_by_b.contains("SECRET-B-COMMENT"),
        "B sees its own data"
    );
    assert!(
        seen_by_b.contains("event: draft"),
        "B's live stream carries the drafts: {seen_by_b}"
    );
    assert!(
        seen_by_b.contains("\"utility\""),
        "B's assessment of the draft: {seen_by_b}"
    );
    for secret in ["SECRET-A", "0.123456789"] {
        assert!(!seen_by_b.contains(secret), "party B saw {secret}");
    }
    let seen_by_a = reads(&a);
    assert!(seen_by_a.contains("SECRET-A-CAUCUS"), "A reads its caucus");
    for secret in ["SECRET-B", "0.987654321"] {
        assert!(!seen_by_a.contains(secret), "party A saw {secret}");
    }
    let seen_by_obs = reads(&obs);
    assert!(
        seen_by_obs.contains("event: draft"),
        "the observer follows the drafts"
    );
    for secret in ["SECRET-A", "SECRET-B", "0.123456789", "0.987654321"] {
        assert!(!seen_by_obs.contains(secret), "the observer saw {secret}");
    }
    let seen_by_med = reads(&med);
    assert!(
        seen_by_med.contains("SECRET-A-CAUCUS"),
        "the mediators read party A's caucus"
    );
    assert!(seen_by_med.contains("SECRET-A-COMMENT") && seen_by_med.contains("SECRET-B-COMMENT"));
    for secret in [
        "SECRET-A-SOURCE",
        "SECRET-B-SOURCE",
        "0.123456789",
        "0.987654321",
    ] {
        assert!(!seen_by_med.contains(secret), "the mediator saw {secret}");
    }
    // The analysis the mediator got: B's preferences used, its red line unnamed; A left out.
    let analysis: Value = serde_json::from_str(
        &call_text(&s, "GET", &format!("{base}/analysis"), Some(&med), None).1,
    )
    .unwrap();
    assert_eq!(analysis["parties"], json!(["hamas"]), "{analysis}");
    assert_eq!(analysis["left_out"], json!(["israel"]), "{analysis}");
    assert!(
        !analysis.to_string().contains("hostages != none"),
        "{analysis}"
    );

    // Consent levels against the mediator, in a second negotiation (the coalition talks and an
    // observer): Progress is held by an agent, the Farmers' League by party A who shares its
    // preferences, the Civic Liberals by party B who has not saved its own (the scenario's are
    // the mediator's assumptions). Mediators read all three; each party only its own.
    let text = std::fs::read_to_string(common::root().join("scenarios/coalition.toml")).unwrap()
        + "\n[[parties]]\nname = \"monitor\"\nrole = \"observer\"\n";
    let n = json_of(
        call_text(
            &s,
            "POST",
            "/api/negotiations",
            Some(&med),
            Some(json!({"toml": text})),
        ),
        201,
    );
    let c = format!("/api/negotiations/{}", n["id"].as_str().unwrap());
    let (farmers, civic) = ("Farmers%27%20League", "Civic%20Liberals");
    seat_person(&s, &med, &c, "Farmers' League", &a);
    seat_person(&s, &med, &c, "Civic Liberals", &b);
    seat_person(&s, &med, &c, "monitor", &obs);
    json_of(
        call_text(
            &s,
            "POST",
            &format!("{c}/agents"),
            Some(&med),
            Some(json!({"seat": "Progress"})),
        ),
        200,
    );
    let own = json_of(
        call_text(
            &s,
            "GET",
            &format!("{c}/seats/{farmers}/preferences"),
            Some(&a),
            None,
        ),
        200,
    );
    let shared = json!({"preferences": own["preferences"], "consent": "shared"});
    json_of(
        call_text(
            &s,
            "PUT",
            &format!("{c}/seats/{farmers}/preferences"),
            Some(&a),
            Some(shared.clone()),
        ),
        200,
    );
    let progress = json_of(
        call_text(
            &s,
            "GET",
            &format!("{c}/seats/Progress/preferences"),
            Some(&med),
            None,
        ),
        200,
    );
    let consent: Vec<Row> = vec![
        // The agent's seat: its preferences are the mediator's to read and set.
        (
            "GET",
            format!("{c}/seats/Progress/preferences"),
            None,
            [200, 403, 403, 403, 404, 401],
        ),
        (
            "PUT",
            format!("{c}/seats/Progress/preferences"),
            Some(json!({"preferences": progress["preferences"]})),
            [200, 403, 403, 403, 404, 401],
        ),
        (
            "GET",
            format!("{c}/seats/Progress/assessment"),
            None,
            [200, 403, 403, 403, 404, 401],
        ),
        // Shared by party A.
        (
            "GET",
            format!("{c}/seats/{farmers}/preferences"),
            None,
            [200, 200, 403, 403, 404, 401],
        ),
        (
            "GET",
            format!("{c}/seats/{farmers}/assessment"),
            None,
            [200, 200, 403, 403, 404, 401],
        ),
        (
            "PUT",
            format!("{c}/seats/{farmers}/preferences"),
            Some(shared),
            [403, 200, 403, 403, 404, 401],
        ),
        // Assumed: party B holds the seat but has saved nothing.
        (
            "GET",
            format!("{c}/seats/{civic}/preferences"),
            None,
            [200, 403, 200, 403, 404, 401],
        ),
        (
            "GET",
            format!("{c}/seats/{civic}/assessment"),
            None,
            [200, 403, 200, 403, 404, 401],
        ),
        // Every party shown: the picture.
        (
            "GET",
            format!("{c}/picture.svg"),
            None,
            [200, 403, 403, 403, 404, 401],
        ),
        (
            "GET",
            format!("{c}/analysis"),
            None,
            [200, 403, 403, 403, 404, 401],
        ),
        // Taking the agent out: mediators only.
        (
            "DELETE",
            format!("{c}/agents/Progress"),
            None,
            [200, 403, 403, 403, 404, 401],
        ),
    ];
    run_matrix(&s, &who, &consent);
    // Without its agent, Progress's preferences stay what a mediator wrote for it: the
    // mediators' own assumptions (readable by them, labelled as such), until a person takes
    // the seat and saves their own.
    let (status, body) = call_text(
        &s,
        "GET",
        &format!("{c}/seats/Progress/preferences"),
        Some(&med),
        None,
    );
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("\"source\":\"mediator\""), "{body}");
    assert_eq!(
        call_text(
            &s,
            "GET",
            &format!("{c}/seats/Progress/preferences"),
            Some(&b),
            None
        )
        .0,
        403
    );
    // The seats as each sees them: consent for party seats, agents' details for mediators.
    let view = json_of(call_text(&s, "GET", &c, Some(&med), None), 200);
    let seats = view["seats"].as_array().unwrap();
    let seat = |name: &str| seats.iter().find(|x| x["name"] == name).unwrap();
    assert_eq!(seat("Farmers' League")["consent"], "shared");
    assert_eq!(seat("Farmers' League")["preferences_source"], "party");
    assert_eq!(seat("Civic Liberals")["preferences_source"], "scenario");
    assert_eq!(seat("Civic Liberals")["preferences_given"], false);
    assert_eq!(seat("monitor")["consent"], Value::Null);
    assert_eq!(seat("Progress")["agent"], false);
    let party_view = json_of(call_text(&s, "GET", &c, Some(&b), None), 200);
    assert!(party_view["seats"]
        .as_array()
        .unwrap()
        .iter()
        .all(|x| x.get("agent_spec").is_none() && x.get("agent_failed").is_none()));
}
