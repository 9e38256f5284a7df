//! The one-text procedure in `accord serve` (issue 16): the rules chosen at creation, straw polls
//! that bind nobody, comparisons checked against the negotiation's feedback, the final vote, agents
//! answering truthfully, and "Suggest the next draft" — for mediators only, from the drafts and
//! answers alone, and near the Nash point when followed.

use serde_json::{json, Value};

mod common;
use common::server::{call, ok, seat_person, sign_up, start, Server};

fn create(s: &Server, med: &str, body: Value) -> String {
    let n = ok(
        call(s, "POST", "/api/negotiations", Some(med), Some(body)),
        201,
    );
    format!("/api/negotiations/{}", n["id"].as_str().unwrap())
}

/// The trade scenario's working text with `beef` thousand tonnes and `tariff` for cars.
fn draft(base_version: i64, beef: i64, tariff: &str, final_vote: bool) -> Value {
    json!({"base_version": base_version, "respond_within_seconds": 600, "final_vote": final_vote, "clauses": [
        {"issue": "beef_quota", "value": beef}, {"issue": "car_tariff", "value": tariff},
        {"issue": "phase_in", "value": "five_years"}, {"issue": "disputes", "value": "panel"},
        {"issue": "food_names", "value": "listed"}]})
}

fn answer(s: &Server, base: &str, token: &str, version: i64, body: Value) -> (u16, Value) {
    call(
        s,
        "POST",
        &format!("{base}/drafts/{version}/responses"),
        Some(token),
        Some(body),
    )
}

fn code(r: &(u16, Value)) -> &str {
    r.1["error"]["code"].as_str().unwrap_or("")
}

crate::on_sqlite_and_postgres!(
    one_text_rules_on_sqlite,
    one_text_rules_on_postgres,
    "one-text.db",
    "onetext",
    one_text_rules
);

fn one_text_rules(database: &str) {
    let s = start(database);
    let med = sign_up(&s, "med");
    let a = sign_up(&s, "avalon");
    let b = sign_up(&s, "borea");
    // Rules chosen at creation; feedback only with one-text; unknown names refused in words.
    let r = call(
        &s,
        "POST",
        "/api/negotiations",
        Some(&med),
        Some(json!({"scenario": "trade", "feedback": "binary"})),
    );
    assert_eq!(r.0, 400, "{}", r.1);
    assert!(r.1["error"]["message"]
        .as_str()
        .unwrap()
        .contains("one-text"));
    let r = call(
        &s,
        "POST",
        "/api/negotiations",
        Some(&med),
        Some(json!({"scenario": "trade", "rules": "straw"})),
    );
    assert_eq!(r.0, 400, "{}", r.1);
    let binding = create(&s, &med, json!({"scenario": "trade"}));
    let v = ok(call(&s, "GET", &binding, Some(&med), None), 200);
    assert_eq!(v["rules"], "binding");
    assert_eq!(v["feedback"], Value::Null);
    assert_eq!(v["comparisons"], json!([]));
    let base = create(
        &s,
        &med,
        json!({"scenario": "trade", "rules": "one-text", "feedback": "binary"}),
    );
    for (seat, token) in [("Avalon", &a), ("Borea", &b)] {
        seat_person(&s, &med, &base, seat, token);
    }
    let v = ok(call(&s, "GET", &base, Some(&a), None), 200);
    assert_eq!(v["rules"], "one-text");
    assert_eq!(v["feedback"], "binary");
    assert_eq!(v["comparisons"], json!(["worse", "better"]));

    // Draft 1: a straw poll. No comparison (nothing before it); every party accepting binds
    // nobody.
    ok(
        call(
            &s,
            "POST",
            &format!("{base}/drafts"),
            Some(&med),
            Some(draft(0, 20, "halved", false)),
        ),
        201,
    );
    let r = answer(
        &s,
        &base,
        &a,
        1,
        json!({"verdict": "accept", "comparison": "better"}),
    );
    assert_eq!((r.0, code(&r)), (422, "comparison"), "{}", r.1);
    assert!(r.1["error"]["message"]
        .as_str()
        .unwrap()
        .contains("first draft"));
    ok(answer(&s, &base, &a, 1, json!({"verdict": "accept"})), 201);
    ok(answer(&s, &base, &b, 1, json!({"verdict": "accept"})), 201);
    let v = ok(call(&s, "GET", &base, Some(&med), None), 200);
    assert_eq!(v["status"], "open");
    assert_eq!(v["agreement_version"], Value::Null);
    assert_eq!(v["drafts"][0]["status"], "polled");
    assert_eq!(v["drafts"][0]["final_vote"], false);
    assert_eq!(v["drafts"][0]["asks_comparison"], false);

    // Draft 2: the comparison is required and must be one binary feedback uses.
    ok(
        call(
            &s,
            "POST",
            &format!("{base}/drafts"),
            Some(&med),
            Some(draft(1, 30, "halved", false)),
        ),
        201,
    );
    let r = answer(&s, &base, &a, 2, json!({"verdict": "accept"}));
    assert_eq!((r.0, code(&r)), (422, "comparison"), "{}", r.1);
    assert!(r.1["error"]["message"]
        .as_str()
        .unwrap()
        .contains("compares with draft 1"));
    let r = answer(
        &s,
        &base,
        &a,
        2,
        json!({"verdict": "accept", "comparison": "much_better"}),
    );
    assert_eq!((r.0, code(&r)), (422, "comparison"), "{}", r.1);
    assert!(
        r.1["error"]["message"]
            .as_str()
            .unwrap()
            .contains("worse, better"),
        "{}",
        r.1
    );
    let r = answer(
        &s,
        &base,
        &a,
        2,
        json!({"verdict": "accept", "comparison": "splendid"}),
    );
    assert_eq!(r.0, 400, "{}", r.1);
    ok(
        answer(
            &s,
            &base,
            &a,
            2,
            json!({"verdict": "accept", "comparison": "better"}),
        ),
        201,
    );
    // A party sees its own comparison, never the other's; the mediator sees both.
    let v = ok(call(&s, "GET", &base, Some(&a), None), 200);
    assert_eq!(v["drafts"][1]["responses"][0]["comparison"], "better");
    assert_eq!(v["drafts"][1]["asks_comparison"], true);
    let v = ok(call(&s, "GET", &base, Some(&b), None), 200);
    assert_eq!(v["drafts"][1]["responses"], json!([]));
    ok(
        answer(
            &s,
            &base,
            &b,
            2,
            json!({"verdict": "reject", "comparison": "worse"}),
        ),
        201,
    );
    let v = ok(call(&s, "GET", &base, Some(&med), None), 200);
    assert_eq!(v["drafts"][1]["status"], "polled");
    let seen: Vec<&str> = v["drafts"][1]["responses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["comparison"].as_str().unwrap())
        .collect();
    assert_eq!(seen, ["better", "worse"]);

    // Draft 3, the final text: no comparison; one party rejects: the vote fails and the
    // negotiation goes on.
    let d = ok(
        call(
            &s,
            "POST",
            &format!("{base}/drafts"),
            Some(&med),
            Some(draft(2, 25, "halved", true)),
        ),
        201,
    );
    assert_eq!(d["final_vote"], true);
    let r = answer(
        &s,
        &base,
        &a,
        3,
        json!({"verdict": "accept", "comparison": "better"}),
    );
    assert_eq!((r.0, code(&r)), (422, "comparison"), "{}", r.1);
    assert!(r.1["error"]["message"]
        .as_str()
        .unwrap()
        .contains("final text"));
    ok(answer(&s, &base, &a, 3, json!({"verdict": "accept"})), 201);
    ok(answer(&s, &base, &b, 3, json!({"verdict": "reject"})), 201);
    let v = ok(call(&s, "GET", &base, Some(&b), None), 200);
    assert_eq!(v["status"], "open");
    assert_eq!(v["drafts"][2]["status"], "rejected");
    assert_eq!(v["drafts"][2]["final_vote"], true);

    // Draft 4, a final text every party accepts: the agreement.
    ok(
        call(
            &s,
            "POST",
            &format!("{base}/drafts"),
            Some(&med),
            Some(draft(3, 20, "halved", true)),
        ),
        201,
    );
    ok(answer(&s, &base, &a, 4, json!({"verdict": "accept"})), 201);
    ok(answer(&s, &base, &b, 4, json!({"verdict": "accept"})), 201);
    let v = ok(call(&s, "GET", &base, Some(&a), None), 200);
    assert_eq!(v["status"], "agreed");
    assert_eq!(v["agreement_version"], 4);
    let t = ok(
        call(&s, "GET", &format!("{base}/timeline"), Some(&a), None),
        200,
    );
    let text = t.to_string();
    assert!(text.contains("Straw poll on draft 1 complete"), "{text}");
    assert!(text.contains("Final text: draft 3 circulated"), "{text}");

    // Binding rules: no final vote, no comparison.
    seat_person(&s, &med, &binding, "Avalon", &a);
    let r = call(
        &s,
        "POST",
        &format!("{binding}/drafts"),
        Some(&med),
        Some(draft(0, 20, "halved", true)),
    );
    assert_eq!((r.0, code(&r)), (422, "not_one_text"), "{}", r.1);
    ok(
        call(
            &s,
            "POST",
            &format!("{binding}/drafts"),
            Some(&med),
            Some(draft(0, 20, "halved", false)),
        ),
        201,
    );
    let r = answer(
        &s,
        &binding,
        &a,
        1,
        json!({"verdict": "accept", "comparison": "better"}),
    );
    assert_eq!((r.0, code(&r)), (422, "comparison"), "{}", r.1);

    // Graded5: the five grades.
    let graded = create(
        &s,
        &med,
        json!({"scenario": "trade", "rules": "one-text", "feedback": "graded5"}),
    );
    let c = sign_up(&s, "avalon-2");
    seat_person(&s, &med, &graded, "Avalon", &c);
    let v = ok(call(&s, "GET", &graded, Some(&c), None), 200);
    assert_eq!(
        v["comparisons"],
        json!([
            "much_worse",
            "worse",
            "about_the_same",
            "better",
            "much_better"
        ])
    );
    for k in 0..2 {
        ok(
            call(
                &s,
                "POST",
                &format!("{graded}/drafts"),
                Some(&med),
                Some(draft(k, 20 + k, "halved", false)),
            ),
            201,
        );
    }
    ok(
        answer(
            &s,
            &graded,
            &c,
            2,
            json!({"verdict": "amend", "amendment": {"issue": "beef_quota", "value": 40}, "comparison": "about_the_same"}),
        ),
        201,
    );
    // A changed answer carries its comparison too.
    let r = call(
        &s,
        "PUT",
        &format!("{graded}/drafts/2/responses"),
        Some(&c),
        Some(json!({"verdict": "accept"})),
    );
    assert_eq!((r.0, code(&r)), (422, "comparison"), "{}", r.1);
    let r = ok(
        call(
            &s,
            "PUT",
            &format!("{graded}/drafts/2/responses"),
            Some(&c),
            Some(json!({"verdict": "accept", "comparison": "much_better"})),
        ),
        200,
    );
    assert_eq!(r["comparison"], "much_better");
}

/// Trade preferences for a party's seat (private), scaled by `tilt` so that two sets differ.
fn trade_preferences(avalon: bool, tilt: f64) -> Value {
    if avalon {
        json!({"reservation": 0.3 + tilt, "weights": {"beef_quota": 0.35, "car_tariff": 0.2, "phase_in": 0.1, "disputes": 0.15, "food_names": 0.2},
            "scores": {"beef_quota": {"type": "linear", "at_min": 0.0, "at_max": 1.0},
                "car_tariff": {"current": 1.0, "halved": 0.6 - tilt, "zero": 0.0},
                "phase_in": {"immediate": 0.0, "five_years": 0.6, "ten_years": 1.0},
                "disputes": {"consultation": 0.3, "panel": 1.0, "binding_arbitration": 0.7},
                "food_names": {"none": 0.0, "listed": 0.7, "full": 1.0}}})
    } else {
        json!({"reservation": 0.3 - tilt, "weights": {"beef_quota": 0.25, "car_tariff": 0.35, "phase_in": 0.1, "disputes": 0.1, "food_names": 0.2},
            "scores": {"beef_quota": {"type": "linear", "at_min": 1.0, "at_max": 0.0},
                "car_tariff": {"current": 0.0, "halved": 0.5 + tilt, "zero": 1.0},
                "phase_in": {"immediate": 1.0, "five_years": 0.5, "ten_years": 0.0},
                "disputes": {"consultation": 0.5, "panel": 0.9, "binding_arbitration": 1.0},
                "food_names": {"none": 1.0, "listed": 0.6, "full": 0.0}}})
    }
}

crate::on_sqlite_and_postgres!(
    suggestion_on_sqlite,
    suggestion_on_postgres,
    "suggestion.db",
    "suggestion",
    suggestion
);

fn suggestion(database: &str) {
    let s = start(database);
    let med = sign_up(&s, "med");
    let a = sign_up(&s, "avalon");
    let b = sign_up(&s, "borea");
    let base = create(
        &s,
        &med,
        json!({"scenario": "trade", "rules": "one-text", "feedback": "binary"}),
    );
    for (seat, token) in [("Avalon", &a), ("Borea", &b)] {
        seat_person(&s, &med, &base, seat, token);
    }
    let path = format!("{base}/suggestion");
    // Mediators only; parties are refused whatever they hold.
    let r = call(&s, "POST", &path, Some(&a), Some(json!({})));
    assert_eq!(r.0, 403, "{}", r.1);
    // Before any answer: an opening text, not the final vote.
    let first = ok(call(&s, "POST", &path, Some(&med), Some(json!({}))), 200);
    assert_eq!(first["call_final_vote"], false);
    assert_eq!(first["polls"], 0);
    assert!(first["reason"].as_str().unwrap().contains("opening"));
    assert_eq!(first["clauses"].as_array().unwrap().len(), 5);
    // Two drafts answered by people: the suggestion learns from them.
    let party_prefs = |tilt: f64| {
        for (seat, token, avalon) in [("Avalon", &a, true), ("Borea", &b, false)] {
            ok(
                call(
                    &s,
                    "PUT",
                    &format!("{base}/seats/{seat}/preferences"),
                    Some(token),
                    Some(
                        json!({"preferences": trade_preferences(avalon, tilt), "consent": "private"}),
                    ),
                ),
                200,
            );
        }
    };
    party_prefs(0.0);
    ok(
        call(
            &s,
            "POST",
            &format!("{base}/drafts"),
            Some(&med),
            Some(draft(0, 20, "halved", false)),
        ),
        201,
    );
    ok(answer(&s, &base, &a, 1, json!({"verdict": "accept"})), 201);
    ok(
        answer(
            &s,
            &base,
            &b,
            1,
            json!({"verdict": "amend", "amendment": {"issue": "car_tariff", "value": "zero"}}),
        ),
        201,
    );
    ok(
        call(
            &s,
            "POST",
            &format!("{base}/drafts"),
            Some(&med),
            Some(draft(1, 10, "zero", false)),
        ),
        201,
    );
    ok(
        answer(
            &s,
            &base,
            &a,
            2,
            json!({"verdict": "reject", "comparison": "worse"}),
        ),
        201,
    );
    ok(
        answer(
            &s,
            &base,
            &b,
            2,
            json!({"verdict": "accept", "comparison": "better"}),
        ),
        201,
    );
    let one = ok(call(&s, "POST", &path, Some(&med), Some(json!({}))), 200);
    assert_eq!(one["polls"], 2);
    assert_eq!(one["base_version"], 2);
    let reason = one["reason"].as_str().unwrap();
    assert!(
        reason.starts_with("tests whether Avalon") || reason.starts_with("tests whether Borea"),
        "{reason}"
    );
    // The same answers with other private preferences: the very same suggestion.
    party_prefs(0.15);
    let two = ok(call(&s, "POST", &path, Some(&med), Some(json!({}))), 200);
    assert_eq!(one, two);
    // Binding rules: no suggestions (they learn from straw polls).
    let binding = create(&s, &med, json!({"scenario": "trade"}));
    let r = call(
        &s,
        "POST",
        &format!("{binding}/suggestion"),
        Some(&med),
        Some(json!({})),
    );
    assert_eq!((r.0, code(&r)), (422, "not_one_text"), "{}", r.1);
}

/// The river treaty's utilities (`e2e/fixtures/river.toml`) as its file states them, written out
/// here independently of the engine: an outcome as value indices (flow, dam, pollution,
/// payments); the Nash product over the walk-away points (0.35 each).
fn river_nash(o: [usize; 4]) -> f64 {
    (river_utility(true, o) - 0.35).max(0.0) * (river_utility(false, o) - 0.35).max(0.0)
}

/// Upstream's (`upstream`) or Downstream's utility of an outcome, from the file's numbers.
fn river_utility(upstream: bool, o: [usize; 4]) -> f64 {
    let up = [
        (0.2, [1.0, 0.5, 0.0]),
        (0.4, [0.0, 0.5, 1.0]),
        (0.1, [1.0, 0.5, 0.0]),
        (0.3, [0.0, 0.5, 1.0]),
    ];
    let down = [
        (0.4, [0.0, 0.5, 1.0]),
        (0.1, [1.0, 0.5, 0.0]),
        (0.35, [0.0, 0.5, 1.0]),
        (0.15, [1.0, 0.5, 0.0]),
    ];
    let p = if upstream { &up } else { &down };
    p.iter().zip(o).map(|((w, s), v)| w * s[v]).sum()
}

/// A draft's clauses as river value indices.
fn river_outcome(clauses: &Value) -> [usize; 4] {
    let names = [
        ("summer_flow", ["half", "two_thirds", "full"]),
        ("dam", ["none", "small", "large"]),
        ("pollution", ["current", "monitored", "strict"]),
        ("payments", ["none", "modest", "full_cost"]),
    ];
    let o: Vec<usize> = names
        .iter()
        .map(|(issue, values)| {
            let c = clauses
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["issue"] == *issue)
                .unwrap();
            values.iter().position(|n| c["value"] == *n).unwrap()
        })
        .collect();
    [o[0], o[1], o[2], o[3]]
}

crate::on_sqlite_and_postgres!(
    suggestions_reach_the_nash_point_on_sqlite,
    suggestions_reach_the_nash_point_on_postgres,
    "nash.db",
    "nash",
    suggestions_reach_the_nash_point
);

/// Two agents keep their preferences private; the mediator follows the suggestions alone until
/// they call the final vote: the agents accept, at the Nash point.
fn suggestions_reach_the_nash_point(database: &str) {
    let s = start(database);
    let med = sign_up(&s, "med");
    let text = std::fs::read_to_string(common::root().join("e2e/fixtures/river.toml")).unwrap();
    let base = create(
        &s,
        &med,
        json!({"toml": text, "rules": "one-text", "feedback": "binary"}),
    );
    for seat in ["Upstream", "Downstream"] {
        ok(
            call(
                &s,
                "POST",
                &format!("{base}/agents"),
                Some(&med),
                Some(json!({"seat": seat})),
            ),
            200,
        );
    }
    let mut version = 0;
    let mut last = Value::Null;
    for _ in 0..90 {
        last = ok(
            call(
                &s,
                "POST",
                &format!("{base}/suggestion"),
                Some(&med),
                Some(json!({})),
            ),
            200,
        );
        let d = json!({"base_version": version, "respond_within_seconds": 600,
            "clauses": last["clauses"], "final_vote": last["call_final_vote"]});
        let r = ok(
            call(&s, "POST", &format!("{base}/drafts"), Some(&med), Some(d)),
            201,
        );
        version = r["version"].as_i64().unwrap();
        if last["call_final_vote"] == true {
            break;
        }
        // Every non-final suggestion says what it tests, by party and clause (or that it checks
        // the intended final text in a straw poll first).
        let reason = last["reason"].as_str().unwrap();
        assert!(
            reason.starts_with("tests whether Upstream")
                || reason.starts_with("tests whether Downstream")
                || reason
                    .starts_with("tests whether every party accepts the text the answers point to")
                || reason.starts_with("an opening"),
            "{reason}"
        );
    }
    let v = ok(call(&s, "GET", &base, Some(&med), None), 200);
    assert_eq!(v["status"], "agreed", "{last}");
    assert!(
        last["reason"]
            .as_str()
            .unwrap()
            .contains("call the final vote"),
        "{last}"
    );
    let agreed = &v["drafts"][(version - 1) as usize]["clauses"];
    let o = river_outcome(agreed);
    // The agents answered truthfully: each straw poll is "at least its walk-away point", each
    // comparison the sign of its change of utility (binary: no loss is better), by the file's
    // numbers.
    let drafts = v["drafts"].as_array().unwrap();
    // (Utilities here are multiples of 0.05: at a tie, rounding may go either way, so ties are
    // not checked.)
    for (k, d) in drafts.iter().enumerate() {
        let now = river_outcome(&d["clauses"]);
        for r in d["responses"].as_array().unwrap() {
            let upstream = r["seat"] == "Upstream";
            let u = river_utility(upstream, now);
            if (u - 0.35).abs() > 1e-9 {
                assert_eq!(r["verdict"] == "accept", u > 0.35, "draft {}: {r}", k + 1);
            }
            let before = k
                .checked_sub(1)
                .map(|j| river_utility(upstream, river_outcome(&drafts[j]["clauses"])));
            match before {
                Some(b) if d["final_vote"] == false => {
                    if (u - b).abs() > 1e-9 {
                        let want = if u > b { "better" } else { "worse" };
                        assert_eq!(r["comparison"], want, "draft {}: {r}", k + 1);
                    }
                }
                _ => assert_eq!(r["comparison"], Value::Null, "draft {}: {r}", k + 1),
            }
        }
    }
    let mut best = 0.0f64;
    for k in 0..81 {
        best = best.max(river_nash([k / 27, k / 9 % 3, k / 3 % 3, k % 3]));
    }
    let ratio = river_nash(o) / best;
    eprintln!("agreement {o:?}: Nash ratio {ratio:.3} after {version} drafts");
    assert!(ratio >= 0.95, "{ratio} for {o:?}");
}
