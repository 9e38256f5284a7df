//! Issue 12's six cases as API regression tests of `accord serve` on the cease-fire talks:
//! weights normalised, wording, advice, improvements, consent and agents, on SQLite and
//! PostgreSQL.

use common::ceasefire::*;
use common::server::{call, create, ok, seat_person, sign_up, start, Server};
use serde_json::{json, Value};
use std::time::Duration;

mod common;

/// Issue 12, case 1: weights are normalised when saved, so every figure runs from 0 to 1;
/// out-of-range values are refused with a message naming the field.
fn case_1_weights(s: &Server) {
    let t = talks(s, "weights");
    let saved = ok(
        put_preferences(
            s,
            &t,
            "israel",
            &t.isr,
            json!({"preferences": {"reservation": 0.6, "weights": weights([5.0, 3.0, 2.0, 1.0, 4.0, 0.0]), "scores": israel_scores(), "red_lines": [{"rule": ISRAEL_RED_LINE}]}}),
        ),
        200,
    );
    assert_eq!(saved["consent"], "private", "the default: {saved}");
    let sum: f64 = saved["preferences"]["weights"]
        .as_object()
        .unwrap()
        .values()
        .map(f)
        .sum();
    assert!(close(sum, 1.0), "{saved}");
    // The draft the issue reports: by hand (0.3 x 5 + 3 + 0.5 x 2 + 1 + 0 + 0) / 15 = 0.4333.
    let draft = outcome([
        "some",
        "pause",
        "partial",
        "possibility",
        "no_offensive",
        "expanded",
    ]);
    circulate(s, &t, 0, &draft);
    let a = get(s, &format!("{}/seats/israel/assessment", t.base), &t.isr);
    assert!(close(f(&a["draft"]["utility"]), 6.5 / 15.0), "{a}");
    assert_eq!(a["draft"]["above_reservation"], false);
    for c in a["draft"]["clauses"].as_array().unwrap() {
        if !c["best_change"].is_null() {
            let u = f(&c["best_change"]["utility"]);
            assert!((0.0..=1.0).contains(&u), "{c}");
        }
    }
    // Rafah not addressed would bring it to (6.5 + 4) / 15 = 0.7.
    assert!(close(
        f(&clause(&a, "rafah")["best_change"]["utility"]),
        0.7
    ));
    // Out of range: refused, with the field.
    for (prefs, field) in [
        (json!({"reservation": 1.5}), "preferences.reservation:"),
        (json!({"reservation": -2}), "preferences.reservation:"),
        (
            json!({"weights": weights([1.0, -1.0, 0.0, 0.0, 0.0, 0.0])}),
            "preferences.weights",
        ),
        (json!({"weights": weights([0.0; 6])}), "preferences.weights"),
    ] {
        let mut p =
            json!({"weights": weights([1.0; 6]), "scores": israel_scores(), "reservation": 0.5});
        for (k, v) in prefs.as_object().unwrap() {
            p[k] = v.clone();
        }
        let (status, body) = put_preferences(s, &t, "israel", &t.isr, json!({"preferences": p}));
        assert_eq!(status, 400, "{p}: {body}");
        let message = body["error"]["message"].as_str().unwrap();
        assert!(message.starts_with(field), "{message}");
    }
    // Still the preferences saved before.
    let p = get(s, &format!("{}/seats/israel/preferences", t.base), &t.isr);
    assert!(close(f(&p["preferences"]["reservation"]), 0.6));
    // A scenario file's weights are normalised at creation, with a warning.
    let text = std::fs::read_to_string(common::root().join("scenarios/ceasefire.toml"))
        .unwrap()
        .replace("hostages = 0.50\n", "hostages = 5.0\n");
    let n = ok(
        call(
            s,
            "POST",
            "/api/negotiations",
            Some(&t.med),
            Some(json!({"toml": text})),
        ),
        201,
    );
    let warnings = n["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1, "{n}");
    assert!(
        warnings[0].as_str().unwrap().contains("israel")
            && warnings[0].as_str().unwrap().contains("5.5"),
        "{n}"
    );
    let p = get(
        s,
        &format!(
            "/api/negotiations/{}/seats/israel/preferences",
            n["id"].as_str().unwrap()
        ),
        &t.med,
    );
    assert_eq!(p["source"], "scenario");
    assert!(
        close(f(&p["preferences"]["weights"]["hostages"]), 5.0 / 5.5),
        "{p}"
    );
}

/// Case 2: a clause whose wording belongs to another value is refused until confirmed; the
/// history says what changed.
fn case_2_wording(s: &Server) {
    let t = talks(s, "wording");
    let custom = "Israeli forces withdraw from populated areas of Gaza.";
    let mut c = draft_clauses(&outcome([
        "all",
        "pause",
        "partial",
        "possibility",
        "not_addressed",
        "expanded",
    ]));
    c[2]["wording"] = json!(custom);
    ok(
        call(
            s,
            "POST",
            &format!("{}/drafts", t.base),
            Some(&t.med),
            Some(json!({"base_version": 0, "clauses": c})),
        ),
        201,
    );
    // "Use Nash suggestion": the value becomes `full`, the wording written for `partial` stays.
    c[2]["value"] = json!("full");
    let refused = call(
        s,
        "POST",
        &format!("{}/drafts", t.base),
        Some(&t.med),
        Some(json!({"base_version": 1, "clauses": c})),
    );
    assert_eq!(refused.0, 422, "{}", refused.1);
    assert_eq!(refused.1["error"]["code"], "wording_mismatch");
    let message = refused.1["error"]["message"].as_str().unwrap();
    for word in ["withdrawal", "partial", "full", custom] {
        assert!(message.contains(word), "{word} not in {message}");
    }
    // Another option's wording is refused too.
    let mut other = c.clone();
    other[2]["wording"] = json!("Israeli forces withdraw from parts of Gaza.");
    let refused = call(
        s,
        "POST",
        &format!("{}/drafts", t.base),
        Some(&t.med),
        Some(json!({"base_version": 1, "clauses": other})),
    );
    assert_eq!(refused.0, 422, "{}", refused.1);
    let message = refused.1["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("withdrawal") && message.contains("partial") && message.contains("full"),
        "{message}"
    );
    // Nothing was circulated.
    let view = get(s, &t.base, &t.med);
    assert_eq!(view["current_version"], 1);
    // Confirmed: circulated as written; the value changed, the wording did not.
    let d2 = ok(
        call(
            s,
            "POST",
            &format!("{}/drafts", t.base),
            Some(&t.med),
            Some(json!({"base_version": 1, "clauses": c, "keep_wording": ["withdrawal"]})),
        ),
        201,
    );
    assert_eq!(
        d2["changes"],
        json!([{"issue": "withdrawal", "change": "value",
            "from": {"value": "partial", "wording": custom},
            "to": {"value": "full", "wording": custom}}]),
        "{d2}"
    );
    // The option's own wording with a new value: value and wording change.
    c[2]["value"] = json!("none");
    c[2]["wording"] = Value::Null;
    ok(
        call(
            s,
            "POST",
            &format!("{}/drafts", t.base),
            Some(&t.med),
            Some(json!({"base_version": 2, "clauses": c})),
        ),
        201,
    );
    let view = get(s, &t.base, &t.isr);
    let history: Vec<&Value> = view["drafts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| &d["changes"])
        .collect();
    assert_eq!(history[0], &json!([]));
    assert_eq!(history[1][0]["change"], "value");
    assert_eq!(history[2][0]["change"], "value_and_wording", "{view}");
    assert_eq!(
        history[2][0]["to"]["wording"],
        "Israeli forces remain in their positions."
    );
}

/// Case 3: on a draft crossing two of Hamas's red lines, the advice is not silent: changes that
/// clear one are offered, ranked by red lines crossed, then utility.
fn case_3_advice(s: &Server) {
    let t = talks(s, "advice");
    ok(
        put_preferences(
            s,
            &t,
            "hamas",
            &t.ham,
            json!({"preferences": {"reservation": 0.3, "weights": weights([0.0, 0.35, 0.30, 0.15, 0.20, 0.0]), "scores": hamas_scores(),
                "red_lines": [{"rule": "hostages = all => ceasefire = permanent"}, {"rule": "hostages = all => withdrawal = full"}]}}),
        ),
        200,
    );
    let draft = outcome([
        "all",
        "pause",
        "partial",
        "guaranteed",
        "no_offensive",
        "current",
    ]);
    circulate(s, &t, 0, &draft);
    let a = get(s, &format!("{}/seats/hamas/assessment", t.base), &t.ham);
    assert_eq!(a["draft"]["red_lines_crossed"], 2, "{a}");
    assert_eq!(a["draft"]["within_red_lines"], false);
    // By hand: 0.35 x 0.2 + 0.30 x 0.4 + 0.15 + 0.20 = 0.54, above the walk-away point.
    assert!(close(f(&a["draft"]["utility"]), 0.54), "{a}");
    assert_eq!(a["draft"]["above_reservation"], true);
    let change = |issue: &str| clause(&a, issue)["best_change"].clone();
    // Each clears one red line: a permanent end (0.35 + 0.12 + 0.35 = 0.82), a full
    // withdrawal (0.07 + 0.30 + 0.35 = 0.72).
    let c = change("ceasefire");
    assert_eq!(
        (&c["value"], &c["red_lines_crossed"]),
        (&json!("permanent"), &json!(1)),
        "{a}"
    );
    assert!(close(f(&c["utility"]), 0.82), "{c}");
    let c = change("withdrawal");
    assert_eq!(
        (&c["value"], &c["red_lines_crossed"]),
        (&json!("full"), &json!(1)),
        "{a}"
    );
    assert!(close(f(&c["utility"]), 0.72), "{c}");
    // Fewer hostages clear both at the same utility (Hamas weighs them 0).
    let c = change("hostages");
    assert_eq!(c["red_lines_crossed"], 0, "{a}");
    assert!(close(f(&c["utility"]), 0.54), "{c}");
    // Nothing better on Rafah, the language or the humanitarian clause.
    for issue in ["rafah", "withdrawal_language", "humanitarian"] {
        assert!(change(issue).is_null(), "{issue}: {a}");
    }
}

/// Case 4: improvements say which red lines they still cross, red-line-free ones first.
fn case_4_improvements(s: &Server) {
    let t = talks(s, "improvements");
    // Both parties' preferences are the scenario's (the mediator's assumptions): shown.
    let draft = outcome([
        "some",
        "permanent",
        "full",
        "possibility",
        "not_addressed",
        "current",
    ]);
    circulate(s, &t, 0, &draft);
    let an = get(s, &format!("{}/analysis", t.base), &t.med);
    let best = an["draft"]["improvements"]["best"].as_array().unwrap();
    assert!(best.len() >= 2, "{an}");
    let free: Vec<bool> = best
        .iter()
        .map(|b| b["within_red_lines"].as_bool().unwrap())
        .collect();
    assert!(free.contains(&true) && free.contains(&false), "{an}");
    let first_crossing = free.iter().position(|f| !f).unwrap();
    assert!(
        free[first_crossing..].iter().all(|f| !f),
        "red-line-free first: {free:?}"
    );
    for b in best {
        let o = outcome_of_clauses(&b["clauses"]);
        let mut expected = Vec::new();
        if !israel_respects(&o) {
            expected.push(json!({"party": "israel", "rule": ISRAEL_RED_LINE}));
        }
        if !hamas_respects(&o) {
            expected.push(json!({"party": "hamas", "rule": HAMAS_RED_LINE}));
        }
        let crosses: Vec<Value> = b["crosses"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| json!({"party": r["party"], "rule": r["rule"]}))
            .collect();
        assert_eq!(crosses, expected, "{b}");
        assert_eq!(b["within_red_lines"], json!(expected.is_empty()));
    }
    // Israel saves the same preferences for the analysis only (aggregate): its red line is
    // named by its party alone.
    let own = get(s, &format!("{}/seats/israel/preferences", t.base), &t.isr);
    ok(
        put_preferences(
            s,
            &t,
            "israel",
            &t.isr,
            json!({"preferences": own["preferences"], "consent": "aggregate"}),
        ),
        200,
    );
    let after = get(s, &format!("{}/analysis", t.base), &t.med);
    assert_eq!(
        after["draft"]["improvements"]["count"],
        an["draft"]["improvements"]["count"]
    );
    for b in after["draft"]["improvements"]["best"].as_array().unwrap() {
        for r in b["crosses"].as_array().unwrap() {
            if r["party"] == "israel" {
                assert_eq!(r, &json!({"party": "israel", "rule": null}), "{b}");
            } else {
                assert_eq!(r["rule"], HAMAS_RED_LINE, "{b}");
            }
        }
    }
    assert!(!after.to_string().contains(ISRAEL_RED_LINE), "{after}");
}

/// Case 5: consent levels. Private: the analysis leaves the party out and does not move when it
/// edits its preferences; aggregate: used, red lines unnamed; neither readable by mediators.
fn case_5_consent(s: &Server) {
    let t = talks(s, "consent");
    let prefs = |reservation: f64, w: [f64; 6]| json!({"reservation": reservation, "weights": weights(w), "scores": israel_scores(), "red_lines": [{"rule": ISRAEL_RED_LINE}]});
    ok(
        put_preferences(
            s,
            &t,
            "israel",
            &t.isr,
            json!({"preferences": prefs(0.6, [5.0, 3.0, 2.0, 1.0, 4.0, 0.0]), "consent": "private"}),
        ),
        200,
    );
    let draft = outcome([
        "some",
        "pause",
        "partial",
        "possibility",
        "no_offensive",
        "expanded",
    ]);
    circulate(s, &t, 0, &draft);
    let before = get(s, &format!("{}/analysis", t.base), &t.med);
    assert_eq!(before["parties"], json!(["hamas"]), "{before}");
    assert_eq!(before["left_out"], json!(["israel"]), "{before}");
    // Israel's standing only: within its red lines, below its walk-away point.
    let standing = before["draft"]["standing"].as_array().unwrap();
    let isr = standing.iter().find(|x| x["party"] == "israel").unwrap();
    assert_eq!(
        isr,
        &json!({"party": "israel", "within_red_lines": true, "above_reservation": false})
    );
    assert!(!before.to_string().contains(ISRAEL_RED_LINE));
    for path in ["preferences", "assessment"] {
        assert_eq!(
            call(
                s,
                "GET",
                &format!("{}/seats/israel/{path}", t.base),
                Some(&t.med),
                None
            )
            .0,
            403
        );
    }
    // Israel edits its preferences (its standing on this draft stays): nothing moves.
    ok(
        put_preferences(
            s,
            &t,
            "israel",
            &t.isr,
            json!({"preferences": prefs(0.65, [1.0, 1.0, 1.0, 1.0, 1.0, 1.0])}),
        ),
        200,
    );
    let after = get(s, &format!("{}/analysis", t.base), &t.med);
    assert_eq!(before, after, "a private party's edit moved the analysis");
    // Aggregate: in the analysis, its red line unnamed, still unreadable.
    let saved = ok(
        put_preferences(
            s,
            &t,
            "israel",
            &t.isr,
            json!({"preferences": prefs(0.6, [5.0, 3.0, 2.0, 1.0, 4.0, 0.0]), "consent": "aggregate"}),
        ),
        200,
    );
    assert_eq!(saved["share_with_mediator"], false);
    let an = get(s, &format!("{}/analysis", t.base), &t.med);
    assert_eq!(an["parties"], json!(["israel", "hamas"]), "{an}");
    assert_eq!(an["left_out"], json!([]));
    assert_ne!(an, after);
    let mut red_lines: Vec<&Value> = an["blocking"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|b| b["red_lines"].as_array().unwrap())
        .collect();
    for b in an["draft"]["improvements"]["best"].as_array().unwrap() {
        red_lines.extend(b["crosses"].as_array().unwrap());
    }
    for r in red_lines.iter().filter(|r| r["party"] == "israel") {
        assert_eq!(*r, &json!({"party": "israel", "rule": null}), "{an}");
    }
    assert!(!an.to_string().contains(ISRAEL_RED_LINE), "{an}");
    for path in ["preferences", "assessment"] {
        assert_eq!(
            call(
                s,
                "GET",
                &format!("{}/seats/israel/{path}", t.base),
                Some(&t.med),
                None
            )
            .0,
            403
        );
    }
    // The picture needs every party shown.
    let (status, body) = call(
        s,
        "GET",
        &format!("{}/picture.svg", t.base),
        Some(&t.med),
        None,
    );
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (409, Some("not_shared"))
    );
    // Both private: nothing to analyse.
    ok(
        put_preferences(
            s,
            &t,
            "israel",
            &t.isr,
            json!({"preferences": prefs(0.6, [5.0, 3.0, 2.0, 1.0, 4.0, 0.0])}),
        ),
        200,
    );
    let hamas = get(s, &format!("{}/seats/hamas/preferences", t.base), &t.ham);
    ok(
        put_preferences(
            s,
            &t,
            "hamas",
            &t.ham,
            json!({"preferences": hamas["preferences"], "share_with_mediator": false}),
        ),
        200,
    );
    let (status, body) = call(
        s,
        "GET",
        &format!("{}/analysis", t.base),
        Some(&t.med),
        None,
    );
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (409, Some("waiting_for_preferences")),
        "{body}"
    );
}

/// Case 6: agents. `annealer:0.2` is a voter, `annealer[:T]` is not; an agent that cannot
/// answer is marked failed once and never retried; an agent seated on an open draft answers it.
fn case_6_agents(s: &Server) {
    let med = sign_up(s, "med-agents");
    let isr = sign_up(s, "israel-agents");
    let base = create(s, &med, "ceasefire");
    let (status, body) = call(
        s,
        "POST",
        &format!("{base}/agents"),
        Some(&med),
        Some(json!({"seat": "hamas", "voter": "annealer[:T]"})),
    );
    assert_eq!(status, 400, "{body}");
    ok(
        call(
            s,
            "POST",
            &format!("{base}/agents"),
            Some(&med),
            Some(json!({"seat": "hamas"})),
        ),
        200,
    );
    // The mediator sets the agent's preferences: red lines that exclude every outcome.
    let mut prefs = get(s, &format!("{base}/seats/hamas/preferences"), &med)["preferences"].clone();
    prefs["red_lines"] = json!([{"rule": "ceasefire = pause"}, {"rule": "ceasefire = permanent"}]);
    ok(
        call(
            s,
            "PUT",
            &format!("{base}/seats/hamas/preferences"),
            Some(&med),
            Some(json!({"preferences": prefs})),
        ),
        200,
    );
    // A person holds Israel's seat: it is not the agent's business.
    seat_person(s, &med, &base, "israel", &isr);
    ok(
        call(
            s,
            "POST",
            &format!("{base}/drafts"),
            Some(&med),
            Some(
                json!({"base_version": 0, "clauses": draft_clauses(&outcome(["some", "pause", "partial", "possibility", "no_offensive", "expanded"]))}),
            ),
        ),
        201,
    );
    // Long enough for the deadline keeper (every 250 ms) to retry several times if it did.
    std::thread::sleep(Duration::from_millis(1500));
    let log = get(s, &format!("{base}/audit"), &med);
    let failed: Vec<&Value> = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "agent_failed")
        .collect();
    assert_eq!(failed.len(), 1, "{log}");
    assert_eq!(failed[0]["payload"]["seat"], "hamas");
    let view = get(s, &base, &med);
    let hamas = view["seats"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["name"] == "hamas")
        .unwrap()
        .clone();
    let reason = hamas["agent_failed"].as_str().unwrap_or_default();
    assert!(
        reason.contains("red lines exclude every outcome"),
        "{hamas}"
    );
    assert!(view["drafts"][0]["responses"]
        .as_array()
        .unwrap()
        .is_empty());
    // Parties learn nothing of it.
    let party_log = get(s, &format!("{base}/audit"), &isr).to_string();
    assert!(!party_log.contains("agent_failed"), "{party_log}");
    let party_view = get(s, &base, &isr).to_string();
    assert!(
        !party_view.contains("exclude every outcome"),
        "{party_view}"
    );
    // The mediator gives the agent possible preferences, takes it out (an event for everyone)
    // and seats an annealer, which answers the open draft at once.
    prefs["red_lines"] = json!([]);
    ok(
        call(
            s,
            "PUT",
            &format!("{base}/seats/hamas/preferences"),
            Some(&med),
            Some(json!({"preferences": prefs.clone()})),
        ),
        200,
    );
    assert_eq!(
        call(
            s,
            "DELETE",
            &format!("{base}/agents/hamas"),
            Some(&isr),
            None
        )
        .0,
        403
    );
    ok(
        call(
            s,
            "DELETE",
            &format!("{base}/agents/hamas"),
            Some(&med),
            None,
        ),
        200,
    );
    let (status, body) = call(
        s,
        "DELETE",
        &format!("{base}/agents/hamas"),
        Some(&med),
        None,
    );
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (409, Some("no_agent"))
    );
    assert!(get(s, &format!("{base}/audit"), &isr)
        .to_string()
        .contains("agent_removed"));
    // A seat without an agent has its party's preferences: the mediator no longer sets them.
    assert_eq!(
        call(
            s,
            "PUT",
            &format!("{base}/seats/hamas/preferences"),
            Some(&med),
            Some(json!({"preferences": prefs})),
        )
        .0,
        403
    );
    let seated = ok(
        call(
            s,
            "POST",
            &format!("{base}/agents"),
            Some(&med),
            Some(json!({"seat": "hamas", "voter": "annealer:0.2"})),
        ),
        200,
    );
    assert_eq!(seated["voter"], "annealer:0.2");
    let view = get(s, &base, &med);
    let hamas = view["seats"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["name"] == "hamas")
        .unwrap()
        .clone();
    assert_eq!(hamas["agent_spec"], "annealer:0.2", "{hamas}");
    assert_eq!(hamas["agent_failed"], Value::Null, "{hamas}");
    let responses = view["drafts"][0]["responses"].as_array().unwrap();
    assert_eq!(responses.len(), 1, "the new agent answered at once: {view}");
    assert_eq!(responses[0]["seat"], "hamas");
    // Still one failure in the log.
    let log = get(s, &format!("{base}/audit"), &med);
    assert_eq!(
        log.as_array()
            .unwrap()
            .iter()
            .filter(|e| e["kind"] == "agent_failed")
            .count(),
        1
    );
    // Public lists of voters and names.
    let voters = ok(call(s, "GET", "/api/voters", None, None), 200);
    let names: Vec<&str> = voters
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"hill-climber") && names.contains(&"annealer"),
        "{voters}"
    );
    let vocabulary = ok(call(s, "GET", "/api/vocabulary", None, None), 200);
    assert!(vocabulary["event_kinds"]
        .as_array()
        .unwrap()
        .contains(&json!("agent_failed")));
}

fn issue_12(database: &str) {
    let s = start(database);
    case_1_weights(&s);
    case_2_wording(&s);
    case_3_advice(&s);
    case_4_improvements(&s);
    case_5_consent(&s);
    case_6_agents(&s);
}

crate::on_sqlite_and_postgres!(
    issue_12_cases_on_sqlite,
    issue_12_cases_on_postgres,
    "issue12.db",
    "issue12",
    issue_12
);
