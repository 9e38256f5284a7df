//! Deadlines and drafts over HTTP (issue 14), on SQLite and on PostgreSQL: a deadline extended,
//! a draft withdrawn with a reason and a corrected draft circulated, answers changed while the
//! draft is open and then settled, an adjournment that refuses drafts and answers and pauses the
//! deadline (no expiry while adjourned, expiry after reopening with the time left), each draft
//! attributed to the mediator seat that circulated it, who may do each of these, and what each
//! seat sees of them (a party never sees another party's change of answer).

use common::server::{call, ok, seat_person, sign_up, start, Server};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

mod common;

fn draft(base_version: i64, hostages: &str, within: f64) -> Value {
    json!({"base_version": base_version, "respond_within_seconds": within, "clauses": [
        {"issue": "hostages", "value": hostages}, {"issue": "ceasefire", "value": "pause"},
        {"issue": "withdrawal", "value": "partial"}, {"issue": "withdrawal_language", "value": "possibility"},
        {"issue": "rafah", "value": "not_addressed"}, {"issue": "humanitarian", "value": "expanded"}]})
}

/// The error code of a refused call (with its status).
fn refused(r: (u16, Value)) -> (u16, String) {
    (r.0, r.1["error"]["code"].as_str().unwrap_or("").to_string())
}

fn view(s: &Server, base: &str, token: &str) -> Value {
    ok(call(s, "GET", base, Some(token), None), 200)
}

fn draft_of(v: &Value, version: i64) -> Value {
    v["drafts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["version"] == version)
        .cloned()
        .unwrap_or_else(|| panic!("no draft {version}: {v}"))
}

fn kinds(s: &Server, base: &str, token: &str) -> Vec<String> {
    ok(
        call(s, "GET", &format!("{base}/audit"), Some(token), None),
        200,
    )
    .as_array()
    .unwrap()
    .iter()
    .map(|e| e["kind"].as_str().unwrap().to_string())
    .collect()
}

fn the_process(database: &str) {
    let s = start(database);
    let med = sign_up(&s, "egypt-mediator");
    let med2 = sign_up(&s, "qatar-mediator");
    let isr = sign_up(&s, "israel-delegation");
    let ham = sign_up(&s, "hamas-delegation");
    let us = sign_up(&s, "us-mediator");
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
    assert_eq!(n["seat"], "egypt");
    let base = format!("/api/negotiations/{}", n["id"].as_str().unwrap());
    seat_person(&s, &med, &base, "qatar", &med2);
    seat_person(&s, &med, &base, "israel", &isr);
    seat_person(&s, &med, &base, "hamas", &ham);
    seat_person(&s, &med, &base, "united_states", &us);
    let post = |token: &str, path: &str, body: Value| {
        call(
            &s,
            "POST",
            &format!("{base}{path}"),
            Some(token),
            Some(body),
        )
    };
    let put = |token: &str, path: &str, body: Value| {
        call(&s, "PUT", &format!("{base}{path}"), Some(token), Some(body))
    };

    // Draft 1, by Egypt; its deadline extended by an hour (only by mediators).
    let d1 = ok(post(&med, "/drafts", draft(0, "all", 600.0)), 201);
    let first_deadline = d1["deadline_at"].as_i64().unwrap();
    for party in [&isr, &ham] {
        assert_eq!(
            refused(post(
                party,
                "/drafts/1/deadline",
                json!({"by_seconds": 3600})
            )),
            (403, "forbidden".into())
        );
        assert_eq!(
            refused(post(party, "/drafts/1/withdraw", json!({"reason": "no"}))),
            (403, "forbidden".into())
        );
        assert_eq!(
            refused(post(party, "/adjourn", json!({}))),
            (403, "forbidden".into())
        );
        assert_eq!(
            refused(post(party, "/reopen", json!({}))),
            (403, "forbidden".into())
        );
    }
    assert_eq!(
        refused(post(&med, "/drafts/1/deadline", json!({"by_seconds": 0}))).0,
        400
    );
    assert_eq!(
        refused(post(&med, "/drafts/2/deadline", json!({"by_seconds": 60}))),
        (404, "not_found".into())
    );
    let ext = ok(
        post(&med2, "/drafts/1/deadline", json!({"by_seconds": 3600})),
        200,
    );
    assert_eq!(
        ext["deadline_at"].as_i64().unwrap(),
        first_deadline + 3_600_000
    );
    let v = view(&s, &base, &ham);
    assert_eq!(
        draft_of(&v, 1)["deadline_at"].as_i64().unwrap(),
        first_deadline + 3_600_000
    );
    assert_eq!(draft_of(&v, 1)["by"], "egypt", "attributed to its seat");

    // Israel answers, then changes its answer (Hamas cannot change what it has not given).
    ok(
        post(
            &isr,
            "/drafts/1/responses",
            json!({"verdict": "reject", "comment": "SECRET-ISR-FIRST"}),
        ),
        201,
    );
    assert_eq!(
        refused(post(
            &isr,
            "/drafts/1/responses",
            json!({"verdict": "accept"})
        )),
        (409, "already_responded".into()),
        "answering twice is still refused: a change is said as one"
    );
    assert_eq!(
        refused(put(
            &ham,
            "/drafts/1/responses",
            json!({"verdict": "accept"})
        )),
        (409, "not_answered".into())
    );
    assert_eq!(
        refused(put(
            &med,
            "/drafts/1/responses",
            json!({"verdict": "accept"})
        )),
        (403, "forbidden".into())
    );
    let changed = ok(
        put(
            &isr,
            "/drafts/1/responses",
            json!({"verdict": "amend", "amendment": {"issue": "withdrawal", "value": "none"}, "comment": "SECRET-ISR-CHANGE"}),
        ),
        200,
    );
    assert_eq!(changed["changed_from"], "reject");
    let mine = draft_of(&view(&s, &base, &isr), 1)["responses"][0].clone();
    assert_eq!(
        (&mine["verdict"], &mine["comment"]),
        (&json!("amend"), &json!("SECRET-ISR-CHANGE"))
    );
    assert!(mine["changed_at"].is_i64(), "{mine}");
    let for_med = draft_of(&view(&s, &base, &med), 1);
    assert_eq!(for_med["responses"][0]["verdict"], "amend", "{for_med}");

    // Egypt withdraws draft 1 with a reason: no more answers; Qatar circulates the correction.
    assert_eq!(
        refused(post(&med, "/drafts/1/withdraw", json!({"reason": "  "}))).0,
        400
    );
    let w = ok(
        post(
            &med,
            "/drafts/1/withdraw",
            json!({"reason": "Clause 1 was copied from an old text"}),
        ),
        200,
    );
    assert_eq!(w["status"], "withdrawn");
    assert_eq!(
        refused(post(
            &ham,
            "/drafts/1/responses",
            json!({"verdict": "accept"})
        )),
        (409, "draft_closed".into())
    );
    assert_eq!(
        refused(put(
            &isr,
            "/drafts/1/responses",
            json!({"verdict": "accept"})
        )),
        (409, "draft_closed".into())
    );
    assert_eq!(
        refused(post(&med, "/drafts/1/withdraw", json!({"reason": "again"}))),
        (409, "draft_closed".into())
    );
    let v = view(&s, &base, &ham);
    assert_eq!(v["status"], "open");
    let d = draft_of(&v, 1);
    assert_eq!(
        (&d["status"], &d["withdrawn_reason"]),
        (
            &json!("withdrawn"),
            &json!("Clause 1 was copied from an old text")
        )
    );
    let mut correction = draft(1, "some", 600.0);
    correction["corrects"] = json!(0);
    assert_eq!(refused(post(&med2, "/drafts", correction.clone())).0, 400);
    correction["corrects"] = json!(1);
    correction["note"] = json!("Corrects draft 1: clause 1 as agreed on Monday");
    let d2 = ok(post(&med2, "/drafts", correction), 201);
    assert_eq!(
        (d2["version"].as_i64(), d2["corrects"].as_i64()),
        (Some(2), Some(1))
    );
    let v = view(&s, &base, &isr);
    let d = draft_of(&v, 2);
    assert_eq!((&d["corrects"], &d["by"]), (&json!(1), &json!("qatar")));
    assert_eq!(d["status"], "open");

    // Answers changed, then the draft settles on the last answer: no change after that.
    ok(
        post(&isr, "/drafts/2/responses", json!({"verdict": "accept"})),
        201,
    );
    ok(
        put(&isr, "/drafts/2/responses", json!({"verdict": "reject"})),
        200,
    );
    ok(
        put(&isr, "/drafts/2/responses", json!({"verdict": "accept"})),
        200,
    );
    ok(
        post(&ham, "/drafts/2/responses", json!({"verdict": "reject"})),
        201,
    );
    let d = draft_of(&view(&s, &base, &med), 2);
    assert_eq!(d["status"], "rejected", "{d}");
    let isr_answer = d["responses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["seat"] == "israel")
        .unwrap()
        .clone();
    assert_eq!(isr_answer["verdict"], "accept", "the changed answer counts");
    assert_eq!(
        refused(put(
            &isr,
            "/drafts/2/responses",
            json!({"verdict": "reject"})
        )),
        (409, "draft_closed".into())
    );

    // Adjourned: nothing circulated or answered, the deadline paused (no expiry meanwhile).
    assert_eq!(
        refused(post(&med, "/reopen", json!({}))),
        (409, "not_adjourned".into())
    );
    ok(post(&med, "/drafts", draft(2, "all", 2.0)), 201);
    let adj = ok(
        post(
            &med,
            "/adjourn",
            json!({"reason": "We reconvene after the elections"}),
        ),
        200,
    );
    assert_eq!(adj["status"], "adjourned");
    let left = adj["paused"]["remaining_ms"].as_i64().unwrap();
    assert!(left > 0 && left <= 2000, "{adj}");
    assert_eq!(
        refused(post(&med, "/adjourn", json!({}))),
        (409, "adjourned".into())
    );
    assert_eq!(
        refused(post(&med2, "/drafts", draft(3, "some", 600.0))),
        (409, "adjourned".into())
    );
    assert_eq!(
        refused(post(
            &isr,
            "/drafts/3/responses",
            json!({"verdict": "accept"})
        )),
        (409, "adjourned".into())
    );
    // An extension while adjourned adds to the time left.
    let ext = ok(
        post(&med, "/drafts/3/deadline", json!({"by_seconds": 1})),
        200,
    );
    assert_eq!(ext["remaining_ms"].as_i64().unwrap(), left + 1000);
    std::thread::sleep(Duration::from_millis(3500));
    let v = view(&s, &base, &ham);
    assert_eq!(
        (&v["status"], &v["adjourned_reason"]),
        (
            &json!("adjourned"),
            &json!("We reconvene after the elections")
        )
    );
    let d = draft_of(&v, 3);
    assert_eq!(d["status"], "open", "no expiry while adjourned: {d}");
    assert_eq!(d["remaining_ms"].as_i64(), Some(left + 1000));
    assert!(!kinds(&s, &base, &med).contains(&"draft_expired".to_string()));
    let listed = ok(call(&s, "GET", "/api/negotiations", Some(&isr), None), 200);
    assert_eq!(listed[0]["status"], "adjourned", "{listed}");

    // Reopened: the deadline runs again with the time it had left, then the draft expires.
    let reopened_at = common_now(&s, &base, &med);
    let r = ok(post(&med2, "/reopen", json!({})), 200);
    assert_eq!(r["status"], "open");
    let resumed = r["resumed"]["deadline_at"].as_i64().unwrap();
    assert!(resumed >= reopened_at + left, "{r}");
    let v = view(&s, &base, &isr);
    assert_eq!(
        (&v["status"], &v["adjourned_reason"]),
        (&json!("open"), &Value::Null)
    );
    let start = Instant::now();
    let d = loop {
        let d = draft_of(&view(&s, &base, &med), 3);
        if d["status"] != "open" {
            break d;
        }
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "never expired: {d}"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(d["status"], "expired", "{d}");
    assert_eq!(d["missed"], json!(["hamas", "israel"]), "{d}");
    assert_eq!(d["remaining_ms"], Value::Null);

    // Agreement after a change of answer: the first draft every party accepts binds.
    ok(post(&med, "/drafts", draft(3, "all", 600.0)), 201);
    ok(
        post(
            &ham,
            "/drafts/4/responses",
            json!({"verdict": "reject", "comment": "SECRET-HAM-FIRST"}),
        ),
        201,
    );
    ok(
        put(
            &ham,
            "/drafts/4/responses",
            json!({"verdict": "accept", "comment": "SECRET-HAM-CHANGE"}),
        ),
        200,
    );
    ok(
        post(&isr, "/drafts/4/responses", json!({"verdict": "accept"})),
        201,
    );
    let v = view(&s, &base, &isr);
    assert_eq!(
        (&v["status"], &v["agreement_version"]),
        (&json!("agreed"), &json!(4))
    );
    for path in ["/adjourn", "/reopen"] {
        assert_eq!(refused(post(&med, path, json!({}))), (409, "closed".into()));
    }
    assert_eq!(
        refused(post(&med, "/drafts/4/deadline", json!({"by_seconds": 60}))),
        (409, "closed".into())
    );

    // What each seat saw: the mediators every change; each party its own changes only; the
    // withdrawal, extensions, adjournment and reopening everyone.
    let med_kinds = kinds(&s, &base, &med);
    assert_eq!(
        med_kinds.iter().filter(|k| *k == "answer_changed").count(),
        4,
        "{med_kinds:?}"
    );
    for k in [
        "deadline_extended",
        "draft_withdrawn",
        "adjourned",
        "reopened",
    ] {
        for token in [&med, &isr, &ham, &us] {
            assert!(kinds(&s, &base, token).contains(&k.to_string()), "{k}");
        }
    }
    let isr_kinds = kinds(&s, &base, &isr);
    assert_eq!(
        isr_kinds.iter().filter(|k| *k == "answer_changed").count(),
        3
    );
    let ham_kinds = kinds(&s, &base, &ham);
    assert_eq!(
        ham_kinds.iter().filter(|k| *k == "answer_changed").count(),
        1
    );
    let reads = |token: &str| -> String {
        let mut all = String::new();
        // (The live stream carries the same events as the audit log: serve_rights reads it.)
        for p in [base.clone(), format!("{base}/audit")] {
            all.push_str(&call(&s, "GET", &p, Some(token), None).1.to_string());
        }
        all
    };
    let seen_by_ham = reads(&ham);
    assert!(seen_by_ham.contains("SECRET-HAM-CHANGE"));
    for secret in ["SECRET-ISR-FIRST", "SECRET-ISR-CHANGE"] {
        assert!(!seen_by_ham.contains(secret), "Hamas saw {secret}");
    }
    let seen_by_isr = reads(&isr);
    for secret in ["SECRET-HAM-FIRST", "SECRET-HAM-CHANGE"] {
        assert!(!seen_by_isr.contains(secret), "Israel saw {secret}");
    }
    let seen_by_us = reads(&us);
    assert!(
        seen_by_us.contains("SECRET-ISR-CHANGE"),
        "mediators see the changes"
    );
    // The withdrawal's and the adjournment's reasons and who acted reach every seat.
    let log = ok(
        call(&s, "GET", &format!("{base}/audit"), Some(&ham), None),
        200,
    );
    let of = |kind: &str| {
        log.as_array()
            .unwrap()
            .iter()
            .find(|e| e["kind"] == kind)
            .unwrap()["payload"]
            .clone()
    };
    assert_eq!(
        (
            &of("draft_withdrawn")["reason"],
            &of("draft_withdrawn")["by"]
        ),
        (
            &json!("Clause 1 was copied from an old text"),
            &json!("egypt")
        )
    );
    assert_eq!(
        of("adjourned")["reason"],
        "We reconvene after the elections"
    );
    assert_eq!(of("reopened")["by"], "qatar");
}

/// The server's clock, from the negotiation view.
fn common_now(s: &Server, base: &str, token: &str) -> i64 {
    view(s, base, token)["now"].as_i64().unwrap()
}

crate::on_sqlite_and_postgres!(
    deadlines_and_drafts_on_sqlite,
    deadlines_and_drafts_on_postgres,
    "process.db",
    "process",
    the_process
);
