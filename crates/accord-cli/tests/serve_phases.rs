//! Phased texts in the live process (issue 15), over HTTP on SQLite and on PostgreSQL: a
//! mediator circulates the phased cease-fire's phased draft, the parties see what it is worth to
//! them (checked against a hand computation of the phased valuation), answer and agree; phase
//! statuses are set by mediators only, in order (409 in words otherwise); "move to phase 2" is
//! circulated as a follow-up that re-opens the negotiation, is agreed and moves the statuses on;
//! a follow-up round can be ended with the standing agreement kept; the agreement document shows
//! the phases with their statuses.

use common::server::{call, create, ok, seat_person, sign_up, start};
use serde_json::{json, Value};

mod common;

/// A fixed phase of the cease-fire (every issue, in the scenario's order).
fn fixed(name: &str, days: u32, values: [&str; 6]) -> Value {
    let issues = [
        "hostages",
        "ceasefire",
        "withdrawal",
        "withdrawal_language",
        "rafah",
        "humanitarian",
    ];
    json!({"name": name, "days": days, "clauses": issues.iter().zip(values).map(|(i, v)| json!({"issue": i, "value": v})).collect::<Vec<_>>()})
}

const PHASE_1: [&str; 6] = [
    "some",
    "pause",
    "partial",
    "possibility",
    "not_addressed",
    "expanded",
];
const PHASE_2: [&str; 6] = [
    "all",
    "permanent",
    "full",
    "possibility",
    "not_addressed",
    "expanded",
];

fn open_phase_2() -> Value {
    json!({"name": "phase 2", "days": 42, "open": {"agenda": ["hostages", "ceasefire", "withdrawal"], "trigger": {"phase": "phase 1", "day": 16}}})
}

fn close_to(got: &Value, want: f64, what: &str) {
    let x = got.as_f64().unwrap_or(f64::NAN);
    assert!((x - want).abs() < 1e-9, "{what}: {x}, by hand {want}");
}

fn phased(database: &str) {
    let s = start(database);
    let med = sign_up(&s, "egypt-mediator");
    let israel = sign_up(&s, "israel-delegation");
    let hamas = sign_up(&s, "hamas-delegation");
    let base = create(&s, &med, "ceasefire-phased");
    seat_person(&s, &med, &base, "israel", &israel);
    seat_person(&s, &med, &base, "hamas", &hamas);
    let phases_url = format!("{base}/phases");
    let drafts = format!("{base}/phased-drafts");

    // The scenario's phases are public; each party's trust is not (it moved to its preferences).
    let v = ok(call(&s, "GET", &phases_url, Some(&hamas), None), 200);
    assert_eq!(v["scenario_phases"][0]["name"], "phase 1");
    assert_eq!(v["scenario_phases"][1]["open"]["trigger"]["day"], 16);
    assert!(v["statuses"].is_null());
    assert_eq!(
        v["vocabulary"]["phase_statuses"],
        json!(["pending", "in_force", "completed", "failed"])
    );
    for body in [
        v.to_string(),
        ok(call(&s, "GET", &base, Some(&hamas), None), 200).to_string(),
    ] {
        assert!(!body.contains("\"trust\""), "{body}");
    }

    // An uploaded scenario file keeps its phases (the party's trust in its own preferences);
    // phases that do not fit the scenario are refused in words.
    let text =
        std::fs::read_to_string(common::root().join("scenarios/ceasefire-phased.toml")).unwrap();
    let n = ok(
        call(
            &s,
            "POST",
            "/api/negotiations",
            Some(&med),
            Some(json!({"toml": text})),
        ),
        201,
    );
    let uploaded = format!("/api/negotiations/{}", n["id"].as_str().unwrap());
    let v = ok(
        call(&s, "GET", &format!("{uploaded}/phases"), Some(&med), None),
        200,
    );
    assert_eq!(
        v["scenario_phases"][1]["open"]["agenda"],
        json!(["hostages", "ceasefire", "withdrawal"])
    );
    assert!(!v.to_string().contains("\"trust\""), "{v}");
    let bad = text.replace("day = 16", "day = 99");
    let r = call(
        &s,
        "POST",
        "/api/negotiations",
        Some(&med),
        Some(json!({"toml": bad})),
    );
    assert_eq!(r.0, 400, "{}", r.1);
    assert!(
        r.1["error"]["message"]
            .as_str()
            .unwrap()
            .contains("day 99 is not a day of `phase 1` (1 to 42)"),
        "{}",
        r.1
    );

    // Only a mediator circulates; the model's rules refuse a bad phased text in words.
    let first =
        json!({"base_version": 0, "phases": [fixed("phase 1", 42, PHASE_1), open_phase_2()]});
    let r = call(&s, "POST", &drafts, Some(&israel), Some(first.clone()));
    assert_eq!(r.0, 403, "{}", r.1);
    let mut bad = first.clone();
    bad["phases"][1]["open"]["trigger"]["day"] = json!(43);
    let r = call(&s, "POST", &drafts, Some(&med), Some(bad));
    assert_eq!(r.0, 422, "{}", r.1);
    assert_eq!(
        r.1["error"]["message"],
        "phases[1].trigger: day 43 is not a day of `phase 1` (1 to 42)"
    );
    let r = call(
        &s,
        "POST",
        &drafts,
        Some(&med),
        Some(json!({"base_version": 0, "phases": [open_phase_2()]})),
    );
    assert_eq!(r.0, 422, "{}", r.1);
    // A follow-up before any agreement: there is nothing to follow up.
    let mut early = first.clone();
    early["follow_up"] = json!({"kind": "move_on", "phase": 1});
    let r = call(&s, "POST", &drafts, Some(&med), Some(early));
    assert_eq!(r.0, 409, "{}", r.1);
    assert_eq!(r.1["error"]["code"], "no_phased_agreement");

    let d = ok(call(&s, "POST", &drafts, Some(&med), Some(first)), 201);
    assert_eq!(d["version"], 1);
    // The draft's clauses are the package in force now, phase 1's: every one-package reader
    // (answers, history, analysis) reads it as before.
    let view = ok(call(&s, "GET", &base, Some(&israel), None), 200);
    assert_eq!(view["drafts"][0]["clauses"][0]["value"], "some");
    assert_eq!(view["drafts"][0]["clauses"].as_array().unwrap().len(), 6);

    // What it is worth to each party: the expected utility over where the process stops.
    // Israel (trust 0.7): phase 1 = .5*.3 + .15*1 + .1*.5 + .05*1 + .2*1 + 0*.5 = 0.6; phase 2
    // is open, worth its walk-away 0.68; 0.3*0.6 + 0.7*0.68 = 0.656.
    let a = ok(
        call(
            &s,
            "GET",
            &format!("{base}/seats/israel/phased-assessment"),
            Some(&israel),
            None,
        ),
        200,
    );
    close_to(&a["trust"], 0.7, "Israel's trust");
    close_to(&a["stops"][0]["value"], 0.6, "Israel, phase 1");
    close_to(&a["stops"][1]["value"], 0.68, "Israel, phase 2 (open)");
    close_to(
        &a["utility"],
        0.3 * 0.6 + 0.7 * 0.68,
        "Israel's expected utility",
    );
    assert_eq!(a["within_red_lines"], true);
    assert_eq!(a["above_reservation"], false);
    // Hamas (trust 0.6): phase 1 = .35*.2 + .3*.4 + .15*0 + .2*0 = 0.19; open: 0.3.
    let a = ok(
        call(
            &s,
            "GET",
            &format!("{base}/seats/hamas/phased-assessment"),
            Some(&hamas),
            None,
        ),
        200,
    );
    close_to(
        &a["utility"],
        0.4 * 0.19 + 0.6 * 0.3,
        "Hamas's expected utility",
    );
    // The trust is the party's own: it may change it with its preferences (0 to 1), and the
    // figure follows: trust 0.5 gives 0.5 x 0.19 + 0.5 x 0.3.
    let prefs_url = format!("{base}/seats/hamas/preferences");
    let mut prefs = ok(call(&s, "GET", &prefs_url, Some(&hamas), None), 200)["preferences"].clone();
    close_to(&prefs["phasing"]["trust"], 0.6, "Hamas's stored trust");
    prefs["phasing"]["trust"] = json!(1.5);
    let r = call(
        &s,
        "PUT",
        &prefs_url,
        Some(&hamas),
        Some(json!({"preferences": prefs, "consent": "private"})),
    );
    assert_eq!(r.0, 400, "{}", r.1);
    assert!(
        r.1["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("preferences.phasing.trust: the probability"),
        "{}",
        r.1
    );
    prefs["phasing"]["trust"] = json!(0.5);
    ok(
        call(
            &s,
            "PUT",
            &prefs_url,
            Some(&hamas),
            Some(json!({"preferences": prefs, "consent": "private"})),
        ),
        200,
    );
    let a = ok(
        call(
            &s,
            "GET",
            &format!("{base}/seats/hamas/phased-assessment"),
            Some(&hamas),
            None,
        ),
        200,
    );
    close_to(&a["utility"], 0.5 * 0.19 + 0.5 * 0.3, "Hamas at trust 0.5");
    prefs["phasing"]["trust"] = json!(0.6);
    ok(
        call(
            &s,
            "PUT",
            &prefs_url,
            Some(&hamas),
            Some(json!({"preferences": prefs, "consent": "private"})),
        ),
        200,
    );
    // Another party's figure is not for Hamas.
    let r = call(
        &s,
        "GET",
        &format!("{base}/seats/israel/phased-assessment"),
        Some(&hamas),
        None,
    );
    assert_eq!(r.0, 403, "{}", r.1);

    // An amendment may name the phase whose clause it changes: only a phase of this draft that
    // fixes clauses (phase 2 is still open here).
    let amend = |version: i64, phase: &str, token: &str| {
        call(
            &s,
            "POST",
            &format!("{base}/drafts/{version}/responses"),
            Some(token),
            Some(
                json!({"verdict": "amend", "amendment": {"issue": "hostages", "value": "all", "phase": phase}}),
            ),
        )
    };
    let r = amend(1, "phase 2", &israel);
    assert_eq!(r.0, 400, "{}", r.1);
    assert_eq!(
        r.1["error"]["message"],
        "amendment.phase: phase `phase 2` is open (its terms are to be negotiated); only a phase that fixes clauses can be amended"
    );
    let r = amend(1, "phase 9", &israel);
    assert_eq!(
        r.1["error"]["message"],
        "amendment.phase: draft 1 has no phase `phase 9`; its phases: phase 1, phase 2"
    );

    // Answered as any draft: both accept, and it is the agreement; phase 1 is in force.
    for t in [&israel, &hamas] {
        ok(
            call(
                &s,
                "POST",
                &format!("{base}/drafts/1/responses"),
                Some(t),
                Some(json!({"verdict": "accept"})),
            ),
            201,
        );
    }
    let v = ok(call(&s, "GET", &phases_url, Some(&israel), None), 200);
    assert_eq!(v["statuses"], json!(["in_force", "pending"]));
    assert_eq!(v["standing_version"], 1);
    assert!(v["actions"].is_null(), "a party is offered no actions: {v}");
    let v = ok(call(&s, "GET", &phases_url, Some(&med), None), 200);
    assert_eq!(
        v["actions"],
        json!([
            {"statuses": ["completed", "failed"], "follow_ups": ["extend", "move_on"]},
            {"statuses": [], "follow_ups": []},
        ])
    );

    // Statuses: mediators only, one way, in order, in words.
    let status = |k: usize, token: &str, to: &str| {
        call(
            &s,
            "POST",
            &format!("{base}/phases/{k}/status"),
            Some(token),
            Some(json!({"status": to})),
        )
    };
    let r = status(1, &israel, "completed");
    assert_eq!(r.0, 403, "{}", r.1);
    let r = status(2, &med, "in_force");
    assert_eq!(r.0, 409, "{}", r.1);
    assert_eq!(
        r.1["error"]["message"],
        "phase 2 cannot start before phase 1 is completed (phase 1 is in_force)"
    );
    let r = status(2, &med, "completed");
    assert_eq!(r.0, 409, "{}", r.1);
    assert_eq!(
        r.1["error"]["message"],
        "phase 2 is pending; it cannot become completed (pending -> in_force -> completed or failed)"
    );
    let r = status(1, &med, "done");
    assert_eq!(r.0, 400, "{}", r.1);
    let r = status(3, &med, "in_force");
    assert_eq!(r.0, 404, "{}", r.1);
    let r = ok(status(1, &med, "completed"), 200);
    assert_eq!(r["statuses"], json!(["completed", "pending"]));
    let r = status(2, &med, "in_force");
    assert_eq!(r.0, 409, "{}", r.1);
    assert!(
        r.1["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("phase 2's terms are still open"),
        "{}",
        r.1
    );
    // Every seat is told, in the audit log and in words in its timeline.
    let audit = ok(
        call(&s, "GET", &format!("{base}/audit"), Some(&hamas), None),
        200,
    );
    let last = audit
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|e| e["kind"] == "phase_status")
        .unwrap()
        .clone();
    assert_eq!(last["payload"]["to"], "completed");
    assert_eq!(last["payload"]["by"], "egypt");

    // A follow-up must do what it says: extending keeps the clauses and adds days.
    let agreed = json!([fixed("phase 1", 42, PHASE_1), open_phase_2()]);
    let r = call(
        &s,
        "POST",
        &drafts,
        Some(&med),
        Some(
            json!({"base_version": 1, "phases": agreed, "follow_up": {"kind": "extend", "phase": 1}}),
        ),
    );
    assert_eq!(r.0, 422, "{}", r.1);
    assert_eq!(
        r.1["error"]["message"],
        "phases[0].days: extending phase 1 gives it more than its 42 days"
    );
    let r = call(
        &s,
        "POST",
        &drafts,
        Some(&med),
        Some(
            json!({"base_version": 1, "phases": agreed, "follow_up": {"kind": "move_on", "phase": 2}}),
        ),
    );
    assert_eq!(r.0, 409, "{}", r.1);
    assert_eq!(
        r.1["error"]["message"],
        "a follow-up on phase 2 needs it in force or completed; it is pending"
    );
    // Move to phase 2: its agenda filled; the negotiation re-opens for it.
    let moved = json!([fixed("phase 1", 42, PHASE_1), fixed("phase 2", 42, PHASE_2)]);
    let r = call(
        &s,
        "POST",
        &drafts,
        Some(&israel),
        Some(
            json!({"base_version": 1, "phases": moved, "follow_up": {"kind": "move_on", "phase": 1}}),
        ),
    );
    assert_eq!(r.0, 403, "{}", r.1);
    let d = ok(
        call(
            &s,
            "POST",
            &drafts,
            Some(&med),
            Some(
                json!({"base_version": 1, "phases": moved, "follow_up": {"kind": "move_on", "phase": 1}}),
            ),
        ),
        201,
    );
    assert_eq!(d["version"], 2);
    let view = ok(call(&s, "GET", &base, Some(&med), None), 200);
    assert_eq!(view["status"], "open");
    assert_eq!(view["agreement_version"], 1);
    let v = ok(call(&s, "GET", &phases_url, Some(&israel), None), 200);
    assert_eq!(v["in_round"], true);
    assert_eq!(
        v["drafts"][1]["follow_up"],
        json!({"kind": "move_on", "phase": 1})
    );
    // During the round an ordinary draft or closing is refused: the agreement stands.
    let r = call(
        &s,
        "POST",
        &format!("{base}/drafts"),
        Some(&med),
        Some(json!({"base_version": 2, "clauses": []})),
    );
    assert_eq!(r.0, 409, "{}", r.1);
    assert_eq!(r.1["error"]["code"], "follow_up_round");
    let r = call(
        &s,
        "POST",
        &format!("{base}/close"),
        Some(&med),
        Some(json!({})),
    );
    assert_eq!(r.0, 409, "{}", r.1);

    // The follow-up's worth: phase 2 now fixed, starting on day 42 of 84 (no discounting).
    // Israel: phase 2 = .5*1 + .15*0 + .1*0 + .05*1 + .2*1 = 0.75; 0.3*0.6 + 0.7*0.75.
    let a = ok(
        call(
            &s,
            "GET",
            &format!("{base}/seats/israel/phased-assessment"),
            Some(&israel),
            None,
        ),
        200,
    );
    close_to(&a["utility"], 0.3 * 0.6 + 0.7 * 0.75, "Israel, follow-up");
    assert_eq!(a["version"], 2);
    // Hamas: phase 2 = .35*1 + .3*1 + .15*0 + .2*0 = 0.65; 0.4*0.19 + 0.6*0.65.
    let a = ok(
        call(
            &s,
            "GET",
            &format!("{base}/seats/hamas/phased-assessment"),
            Some(&hamas),
            None,
        ),
        200,
    );
    close_to(&a["utility"], 0.4 * 0.19 + 0.6 * 0.65, "Hamas, follow-up");
    assert_eq!(a["within_red_lines"], true);

    // Hamas first asks to change phase 2's hostages clause, then accepts; the amendment kept
    // its phase, which the mediators see.
    ok(
        call(
            &s,
            "POST",
            &format!("{base}/drafts/2/responses"),
            Some(&hamas),
            Some(
                json!({"verdict": "amend", "amendment": {"issue": "hostages", "value": "some", "phase": "phase 2"}}),
            ),
        ),
        201,
    );
    let view = ok(call(&s, "GET", &base, Some(&med), None), 200);
    let answer = &view["drafts"][1]["responses"][0];
    assert_eq!(
        answer["amendment"],
        json!({"issue": "hostages", "value": "some", "phase": "phase 2"}),
        "{answer}"
    );
    ok(
        call(
            &s,
            "PUT",
            &format!("{base}/drafts/2/responses"),
            Some(&hamas),
            Some(json!({"verdict": "accept"})),
        ),
        200,
    );
    ok(
        call(
            &s,
            "POST",
            &format!("{base}/drafts/2/responses"),
            Some(&israel),
            Some(json!({"verdict": "accept"})),
        ),
        201,
    );
    let view = ok(call(&s, "GET", &base, Some(&med), None), 200);
    assert_eq!(view["status"], "agreed");
    assert_eq!(view["agreement_version"], 2);
    let v = ok(call(&s, "GET", &phases_url, Some(&hamas), None), 200);
    assert_eq!(v["statuses"], json!(["completed", "in_force"]));
    assert_eq!(v["in_round"], false);

    // The agreement document shows the phases and their statuses.
    let md = ok(
        call(&s, "GET", &format!("{base}/document"), Some(&hamas), None),
        200,
    );
    let md = md.as_str().unwrap();
    assert!(md.contains("## Phases"), "{md}");
    assert!(
        md.contains("### Phase 1: phase 1 (42 days), completed"),
        "{md}"
    );
    assert!(
        md.contains("### Phase 2: phase 2 (42 days), in force"),
        "{md}"
    );
    assert!(md.contains("- ceasefire: permanent"), "{md}");
    // The first agreement's document: phase 2 still open, with its agenda and trigger.
    let md = ok(
        call(
            &s,
            "GET",
            &format!("{base}/document?version=1"),
            Some(&hamas),
            None,
        ),
        200,
    );
    assert!(
        md.as_str().unwrap().contains(
            "To be negotiated: hostages, ceasefire, withdrawal; talks start from day 16 of phase 1."
        ),
        "{md}"
    );

    // Extend phase 2, then end the round: the follow-up is withdrawn, the agreement stands.
    let longer = json!([fixed("phase 1", 42, PHASE_1), fixed("phase 2", 60, PHASE_2)]);
    ok(
        call(
            &s,
            "POST",
            &drafts,
            Some(&med),
            Some(
                json!({"base_version": 2, "phases": longer, "follow_up": {"kind": "extend", "phase": 2}}),
            ),
        ),
        201,
    );
    let r = call(
        &s,
        "POST",
        &format!("{base}/follow-up/end"),
        Some(&hamas),
        Some(json!({})),
    );
    assert_eq!(r.0, 403, "{}", r.1);
    let r = ok(
        call(
            &s,
            "POST",
            &format!("{base}/follow-up/end"),
            Some(&med),
            Some(json!({})),
        ),
        200,
    );
    assert_eq!(r["standing_version"], 2);
    let view = ok(call(&s, "GET", &base, Some(&israel), None), 200);
    assert_eq!(view["status"], "agreed");
    assert_eq!(view["agreement_version"], 2);
    assert_eq!(view["drafts"][2]["status"], "withdrawn");
    let v = ok(call(&s, "GET", &phases_url, Some(&hamas), None), 200);
    assert_eq!(v["statuses"], json!(["completed", "in_force"]));
    let r = call(
        &s,
        "POST",
        &format!("{base}/follow-up/end"),
        Some(&med),
        Some(json!({})),
    );
    assert_eq!(r.0, 409, "{}", r.1);
    // The history keeps it all, in words, for a party too.
    let timeline = ok(
        call(&s, "GET", &format!("{base}/timeline"), Some(&israel), None),
        200,
    );
    let text = timeline.to_string();
    assert!(text.contains("phase 1 marked completed by egypt"), "{text}");
    assert!(
        text.contains("Follow-up draft 3 withdrawn: the agreed text of draft 2 stands"),
        "{text}"
    );
}

crate::on_sqlite_and_postgres!(
    phased_text_circulated_agreed_and_followed_up_on_sqlite,
    phased_text_circulated_agreed_and_followed_up_on_postgres,
    "phases.db",
    "phases",
    phased
);
