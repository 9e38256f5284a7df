//! Seats, invitations and notifications (issue 14, items 6 and 7) on SQLite and PostgreSQL:
//! the invitee is told the negotiation's title, the seat and who invites before accepting (and
//! nothing more); mediators are shown a pending invitation's link again, no one else is; the
//! seats show the account holding each one to mediators (and to the seat itself only); the home
//! page's notifications say, per seat, the draft to answer, the deadline within a day and the
//! unread messages of exactly the threads the seat may read, counted by hand here.

use serde_json::{json, Value};

mod common;
use common::server::{call, ok, sign_up, start, Server};

crate::on_sqlite_and_postgres!(
    seats_invitations_and_notifications_on_sqlite,
    seats_invitations_and_notifications_on_postgres,
    "seats.db",
    "seats",
    seats_invitations_and_notifications
);

fn invite(s: &Server, base: &str, med: &str, seat: &str) -> String {
    let r = ok(
        call(
            s,
            "POST",
            &format!("{base}/invitations"),
            Some(med),
            Some(json!({ "seat": seat })),
        ),
        201,
    );
    r["token"].as_str().unwrap().to_string()
}

fn accept(s: &Server, who: &str, token: &str) {
    ok(
        call(
            s,
            "POST",
            "/api/invitations/accept",
            Some(who),
            Some(json!({ "token": token })),
        ),
        200,
    );
}

fn preview(s: &Server, token: &str) -> (u16, Value) {
    call(
        s,
        "POST",
        "/api/invitations/preview",
        None,
        Some(json!({ "token": token })),
    )
}

/// One negotiation's news for the holder of `token`.
fn news(s: &Server, token: &str, id: &str) -> Value {
    let all = ok(call(s, "GET", "/api/notifications", Some(token), None), 200);
    all["negotiations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"] == id)
        .cloned()
        .unwrap_or_else(|| panic!("{id} not in {all}"))
}

fn send(s: &Server, base: &str, token: &str, thread: &str, seat: Option<&str>, text: &str) {
    let mut body = json!({"thread": thread, "text": text});
    if let Some(seat) = seat {
        body["seat"] = json!(seat);
    }
    ok(
        call(
            s,
            "POST",
            &format!("{base}/messages"),
            Some(token),
            Some(body),
        ),
        201,
    );
}

fn mark(s: &Server, base: &str, token: &str, body: Value) -> (u16, Value) {
    call(
        s,
        "POST",
        &format!("{base}/messages/read"),
        Some(token),
        Some(body),
    )
}

fn draft(s: &Server, base: &str, med: &str, base_version: i64, seconds: i64) {
    ok(
        call(
            s,
            "POST",
            &format!("{base}/drafts"),
            Some(med),
            Some(
                json!({"base_version": base_version, "respond_within_seconds": seconds, "clauses": [
                {"issue": "hostages", "value": "all"}, {"issue": "ceasefire", "value": "pause"},
                {"issue": "withdrawal", "value": "partial"}, {"issue": "withdrawal_language", "value": "possibility"},
                {"issue": "rafah", "value": "not_addressed"}, {"issue": "humanitarian", "value": "expanded"}]}),
            ),
        ),
        201,
    );
}

fn seats_invitations_and_notifications(database: &str) {
    let s = start(database);
    let egypt = sign_up(&s, "egypt");
    let qatar = sign_up(&s, "qatar");
    let isr = sign_up(&s, "party-a");
    let ham = sign_up(&s, "party-b");
    let obs = sign_up(&s, "monitor-person");
    let outsider = sign_up(&s, "outsider");
    let text = std::fs::read_to_string(common::root().join("scenarios/ceasefire.toml")).unwrap()
        + "\n[[parties]]\nname = \"monitor\"\nrole = \"observer\"\n";
    let n = ok(
        call(
            &s,
            "POST",
            "/api/negotiations",
            Some(&egypt),
            Some(json!({"toml": text, "title": "Ceasefire talks"})),
        ),
        201,
    );
    let id = n["id"].as_str().unwrap().to_string();
    let base = format!("/api/negotiations/{id}");

    // ---- What the invitee is told before accepting: exactly title, seat, role, inviter, expiry.
    let first = invite(&s, &base, &egypt, "israel");
    let p = ok(preview(&s, &first), 200);
    let mut keys: Vec<&String> = p.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(
        keys,
        ["expires_at", "invited_by", "role", "seat", "title"],
        "{p}"
    );
    assert_eq!(p["title"], "Ceasefire talks");
    assert_eq!(p["seat"], "israel");
    assert_eq!(p["role"], "party");
    assert_eq!(p["invited_by"], "egypt");
    let (status, e) = preview(&s, "0123abcd");
    assert_eq!(status, 404, "{e}");
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("ask the mediator for a new one"),
        "{e}"
    );

    // ---- A pending invitation shown again: to mediators only; a new link replaces it. ----
    let pending = |token: &str| call(&s, "GET", &format!("{base}/invitations"), Some(token), None);
    let list = ok(pending(&egypt), 200);
    assert_eq!(list["invitations"][0]["seat"], "israel", "{list}");
    assert_eq!(list["invitations"][0]["token"], first.as_str());
    assert_eq!(list["invitations"][0]["invited_by"], "egypt");
    let second = invite(&s, &base, &egypt, "israel");
    assert_eq!(preview(&s, &first).0, 404, "a replaced link still answers");
    let list = ok(pending(&egypt), 200);
    assert_eq!(list["invitations"].as_array().unwrap().len(), 1, "{list}");
    assert_eq!(list["invitations"][0]["token"], second.as_str());
    // Qatar, a second mediator, is invited by Egypt and sees the same links.
    let q = invite(&s, &base, &egypt, "qatar");
    accept(&s, &qatar, &q);
    let list = ok(pending(&qatar), 200);
    assert_eq!(list["invitations"][0]["token"], second.as_str(), "{list}");
    accept(&s, &isr, &second);
    assert_eq!(preview(&s, &second).0, 404, "a used link still answers");
    let list = ok(pending(&egypt), 200);
    assert_eq!(
        list["invitations"],
        json!([]),
        "a used invitation is still shown"
    );
    let h = invite(&s, &base, &qatar, "hamas");
    assert_eq!(ok(preview(&s, &h), 200)["invited_by"], "qatar");
    accept(&s, &ham, &h);
    let m = invite(&s, &base, &egypt, "monitor");
    assert_eq!(ok(preview(&s, &m), 200)["role"], "observer");
    accept(&s, &obs, &m);
    for (who, status) in [(&isr, 403), (&ham, 403), (&obs, 403), (&outsider, 404)] {
        assert_eq!(pending(who).0, status);
    }

    // ---- Who holds each seat: every seat to mediators, its own to anyone else. ----
    ok(
        call(
            &s,
            "PUT",
            &format!("{base}/seats/israel/preferences"),
            Some(&isr),
            Some(json!({"preferences": {
                "weights": {"hostages": 1, "ceasefire": 1, "withdrawal": 1, "withdrawal_language": 1, "rafah": 1, "humanitarian": 1},
                "scores": {
                    "hostages": {"none": 0, "some": 0.5, "all": 1}, "ceasefire": {"pause": 1, "permanent": 0},
                    "withdrawal": {"none": 1, "partial": 0.5, "full": 0}, "withdrawal_language": {"possibility": 1, "guaranteed": 0},
                    "rafah": {"not_addressed": 1, "no_offensive": 0}, "humanitarian": {"current": 1, "expanded": 0}}},
                "consent": "aggregate"})),
        ),
        200,
    );
    let holders = |token: &str| {
        let v = ok(call(&s, "GET", &base, Some(token), None), 200);
        v["seats"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| (x["name"].as_str().unwrap().to_string(), x.clone()))
            .collect::<std::collections::BTreeMap<_, _>>()
    };
    let seen = holders(&egypt);
    for (seat, name) in [
        ("egypt", "egypt"),
        ("qatar", "qatar"),
        ("israel", "party-a"),
        ("hamas", "party-b"),
        ("monitor", "monitor-person"),
    ] {
        assert_eq!(seen[seat]["holder"], name, "{seat}: {:?}", seen[seat]);
    }
    assert_eq!(seen["israel"]["consent"], "aggregate");
    assert_eq!(seen["israel"]["preferences_source"], "party");
    assert_eq!(seen["hamas"]["consent"], "private");
    for (token, own, name) in [
        (&isr, "israel", "party-a"),
        (&ham, "hamas", "party-b"),
        (&obs, "monitor", "monitor-person"),
    ] {
        let seen = holders(token);
        for (seat, x) in &seen {
            let want = if seat == own {
                json!(name)
            } else {
                Value::Null
            };
            assert_eq!(x["holder"], want, "{own} sees {seat}'s holder");
        }
    }

    // ---- Notifications: drafts to answer and deadlines within a day. ----
    draft(&s, &base, &egypt, 0, 600);
    for (token, to_answer, deadline) in [
        (&isr, true, true),
        (&ham, true, true),
        (&egypt, false, true),
        (&qatar, false, true),
        (&obs, false, false),
    ] {
        let x = news(&s, token, &id);
        assert_eq!(x["title"], "Ceasefire talks");
        assert_eq!(
            x["draft_to_answer"],
            if to_answer { json!(1) } else { Value::Null },
            "{x}"
        );
        assert_eq!(
            x["deadline_soon"]["version"].as_i64(),
            deadline.then_some(1),
            "{x}"
        );
        if deadline {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_millis() as i64;
            let left = x["deadline_soon"]["at"].as_i64().unwrap() - now;
            assert!(left > 0 && left <= 600_000, "{left} ms left");
        }
    }
    ok(
        call(
            &s,
            "POST",
            &format!("{base}/drafts/1/responses"),
            Some(&isr),
            Some(json!({"verdict": "reject"})),
        ),
        201,
    );
    let x = news(&s, &isr, &id);
    assert!(
        x["draft_to_answer"].is_null() && x["deadline_soon"].is_null(),
        "{x}"
    );
    assert_eq!(news(&s, &ham, &id)["draft_to_answer"], 1);
    assert_eq!(news(&s, &egypt, &id)["deadline_soon"]["version"], 1);
    // Three days to answer: to answer, but no deadline within a day.
    draft(&s, &base, &egypt, 1, 3 * 24 * 3600);
    for token in [&isr, &ham] {
        let x = news(&s, token, &id);
        assert_eq!(x["draft_to_answer"], 2, "{x}");
        assert!(x["deadline_soon"].is_null(), "{x}");
    }
    assert!(news(&s, &egypt, &id)["deadline_soon"].is_null());

    // ---- Unread messages, per seat, of the threads it may read (by hand). ----
    send(&s, &base, &egypt, "caucus", Some("israel"), "caucus 1");
    send(&s, &base, &egypt, "caucus", Some("israel"), "caucus 2");
    send(&s, &base, &egypt, "everyone", None, "to all");
    send(&s, &base, &qatar, "mediators", None, "between us");
    let unread = |token: &str| news(&s, token, &id)["unread_messages"].as_i64().unwrap();
    // Israel: its caucus (2) and the note to all (1). Hamas and the observer: the note to all
    // only, never Israel's caucus. Egypt: Qatar's note (its own messages never count). Qatar:
    // Egypt's caucus messages and note to all.
    for (token, want, who) in [
        (&isr, 3, "israel"),
        (&ham, 1, "hamas"),
        (&obs, 1, "monitor"),
        (&egypt, 1, "egypt"),
        (&qatar, 3, "qatar"),
    ] {
        assert_eq!(unread(token), want, "{who}");
    }
    send(&s, &base, &isr, "caucus", None, "reply");
    assert_eq!(unread(&egypt), 2);
    assert_eq!(unread(&qatar), 4);
    assert_eq!(unread(&isr), 3, "its own reply counts as new");
    assert_eq!(unread(&ham), 1, "Israel's caucus reached Hamas's count");

    // Read marks: only rise, only up to the thread's last message, only where the seat reads.
    let r = ok(
        mark(&s, &base, &isr, json!({"thread": "caucus", "up_to": 3})),
        200,
    );
    assert_eq!(r, json!({"thread": "caucus", "seat": "israel", "up_to": 3}));
    assert_eq!(unread(&isr), 1);
    ok(
        mark(&s, &base, &isr, json!({"thread": "caucus", "up_to": 1})),
        200,
    );
    assert_eq!(unread(&isr), 1, "a read mark went down");
    ok(
        mark(&s, &base, &isr, json!({"thread": "everyone", "up_to": 1})),
        200,
    );
    assert_eq!(unread(&isr), 0);
    let (status, e) = mark(&s, &base, &isr, json!({"thread": "everyone", "up_to": 2}));
    assert_eq!(status, 422, "{e}");
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("numbered from 1 to 1"),
        "{e}"
    );
    for (token, body) in [
        (
            &ham,
            json!({"thread": "caucus", "seat": "israel", "up_to": 1}),
        ),
        (
            &obs,
            json!({"thread": "caucus", "seat": "israel", "up_to": 1}),
        ),
        (&ham, json!({"thread": "mediators", "up_to": 1})),
    ] {
        assert_eq!(mark(&s, &base, token, body).0, 403);
    }
    assert_eq!(
        mark(
            &s,
            &base,
            &outsider,
            json!({"thread": "everyone", "up_to": 1})
        )
        .0,
        404
    );
    ok(
        mark(
            &s,
            &base,
            &egypt,
            json!({"thread": "caucus", "seat": "israel", "up_to": 3}),
        ),
        200,
    );
    assert_eq!(unread(&egypt), 1, "Qatar's note is still new to Egypt");
    assert_eq!(unread(&qatar), 4, "Egypt's marks moved Qatar's count");
    // The outsider's home page lists nothing of it.
    let all = ok(
        call(&s, "GET", "/api/notifications", Some(&outsider), None),
        200,
    );
    assert_eq!(all["negotiations"], json!([]));
}
