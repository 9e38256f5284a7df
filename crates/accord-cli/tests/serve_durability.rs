//! `accord serve` survives: kill -9 under load loses no acknowledged action and deadlines fire
//! after a restart (SQLite and PostgreSQL); two instances on one PostgreSQL share live events.

use common::server::{call, create, ok, seat_person, sign_up, start, try_call, Postgres};
use serde_json::{json, Value};
use std::process::Command;
use std::time::{Duration, Instant};

mod common;

#[test]
fn kill_9_loses_no_acknowledged_action_on_postgres() {
    let pg = Postgres::new("durability");
    durability(&pg.url);
}

/// Kill -9 during a bounded load, restart on the same database: every acknowledged action is
/// there, and a deadline set before a restart fires after it.
fn durability(database: &str) {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Mutex;
    let s = start(database);
    let med = sign_up(&s, "mediator");
    let a = sign_up(&s, "a");
    let base = create(&s, &med, "trade");
    seat_person(&s, &med, &base, "Avalon", &a);
    let a_pref = ok(
        call(
            &s,
            "GET",
            &format!("{base}/seats/Avalon/preferences"),
            Some(&a),
            None,
        ),
        200,
    )["preferences"]
        .clone();
    let nash = ok(
        call(&s, "GET", &format!("{base}/analysis"), Some(&med), None),
        200,
    )["nash"]
        .clone();
    // The load: the mediator circulates drafts, the party rewrites its preferences; each
    // acknowledged (2xx) write is remembered.
    let stop = AtomicBool::new(false);
    let acked_drafts = Mutex::new(Vec::<i64>::new());
    let acked_prefs = Mutex::new(0usize);
    std::thread::scope(|scope| {
        scope.spawn(|| {
            let mut v = 0;
            while !stop.load(Ordering::Relaxed) {
                match try_call(
                    &s,
                    "POST",
                    &format!("{base}/drafts"),
                    Some(&med),
                    Some(
                        json!({"base_version": v, "clauses": nash, "respond_within_seconds": 3600}),
                    ),
                ) {
                    Some((201, _)) => {
                        v += 1;
                        acked_drafts.lock().unwrap().push(v);
                    }
                    Some(_) => {}
                    None => break,
                }
            }
        });
        scope.spawn(|| {
            while !stop.load(Ordering::Relaxed) {
                match try_call(
                    &s,
                    "PUT",
                    &format!("{base}/seats/Avalon/preferences"),
                    Some(&a),
                    Some(json!({"preferences": a_pref})),
                ) {
                    Some((200, _)) => *acked_prefs.lock().unwrap() += 1,
                    Some(_) => {}
                    None => break,
                }
            }
        });
        std::thread::sleep(Duration::from_millis(1500));
        // SIGKILL mid-load, as an operator or the kernel would.
        let killed = Command::new("kill")
            .args(["-9", &s.child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        stop.store(true, Ordering::Relaxed);
    });
    drop(s);
    let drafts = acked_drafts.into_inner().unwrap();
    let prefs = acked_prefs.into_inner().unwrap();
    assert!(
        drafts.len() > 5 && prefs > 5,
        "the load ran: {} drafts, {prefs} preference writes",
        drafts.len()
    );
    let s2 = start(database);
    let med = ok(
        call(
            &s2,
            "POST",
            "/api/sessions",
            None,
            Some(json!({"name": "mediator", "password": "correct horse"})),
        ),
        201,
    )["token"]
        .as_str()
        .unwrap()
        .to_string();
    let view = ok(call(&s2, "GET", &base, Some(&med), None), 200);
    let versions: Vec<i64> = view["drafts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["version"].as_i64().unwrap())
        .collect();
    for v in &drafts {
        assert!(
            versions.contains(v),
            "acknowledged draft {v} lost after kill -9"
        );
    }
    // The audit log, page after page.
    let mut log: Vec<Value> = Vec::new();
    loop {
        let page = ok(
            call(
                &s2,
                "GET",
                &format!("{base}/audit?after={}", log.len()),
                Some(&med),
                None,
            ),
            200,
        );
        let page = page.as_array().unwrap().clone();
        if page.is_empty() {
            break;
        }
        assert!(page.len() <= 500, "a page holds at most 500 events");
        assert_eq!(
            page[0]["seq"],
            log.len() as i64 + 1,
            "pages follow each other"
        );
        log.extend(page);
    }
    let updates = log
        .iter()
        .filter(|e| e["kind"] == "preferences_updated")
        .count();
    assert!(
        updates >= prefs,
        "{updates} preference updates logged, {prefs} acknowledged"
    );
    // A deadline set before a shutdown fires after the next start (in a fresh negotiation: the
    // load may have filled the first one's drafts up to the limit).
    let base = create(&s2, &med, "trade");
    ok(
        call(
            &s2,
            "POST",
            &format!("{base}/drafts"),
            Some(&med),
            Some(json!({"base_version": 0, "clauses": nash, "respond_within_seconds": 1.0})),
        ),
        201,
    );
    drop(s2);
    std::thread::sleep(Duration::from_millis(1500));
    let s3 = start(database);
    let waiting = Instant::now();
    loop {
        let log = ok(
            call(&s3, "GET", &format!("{base}/audit"), Some(&med), None),
            200,
        );
        if log
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "deadline_missed" && e["payload"]["version"] == 1)
        {
            break;
        }
        assert!(
            waiting.elapsed() < Duration::from_secs(10),
            "the deadline did not fire after the restart"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn kill_9_loses_no_acknowledged_action_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    durability(&format!(
        "sqlite://{}",
        dir.path().join("accord.db").display()
    ));
}

/// Two instances on one PostgreSQL database: a draft written through one reaches a party's
/// live stream on the other at once (LISTEN/NOTIFY, not the 10-second safety poll), and either
/// instance answers for the same state.
#[test]
fn two_instances_share_one_postgres() {
    let pg = Postgres::new("instances");
    let one = start(&pg.url);
    let two = start(&pg.url);
    let med = sign_up(&one, "mediator");
    let party = sign_up(&two, "party");
    let n = ok(
        call(
            &one,
            "POST",
            "/api/negotiations",
            Some(&med),
            Some(json!({"scenario": "trade"})),
        ),
        201,
    );
    let base = format!("/api/negotiations/{}", n["id"].as_str().unwrap());
    let inv = ok(
        call(
            &one,
            "POST",
            &format!("{base}/invitations"),
            Some(&med),
            Some(json!({"seat": "Avalon"})),
        ),
        201,
    );
    ok(
        call(
            &two,
            "POST",
            "/api/invitations/accept",
            Some(&party),
            Some(json!({"token": inv["token"]})),
        ),
        200,
    );
    let nash = ok(
        call(&two, "GET", &format!("{base}/analysis"), Some(&med), None),
        200,
    )["nash"]
        .clone();
    let stream = std::thread::scope(|scope| {
        let reader = scope.spawn(|| {
            use std::io::Read;
            let agent: ureq::Agent = ureq::Agent::config_builder()
                .timeout_global(Some(Duration::from_secs(4)))
                .build()
                .into();
            let resp = agent
                .get(format!("{}{base}/events", two.base))
                .header("authorization", format!("Bearer {party}"))
                .call()
                .expect("stream");
            let mut got = Vec::new();
            let mut reader = resp.into_body().into_reader();
            let mut buf = [0u8; 4096];
            let began = Instant::now();
            while let Ok(k) = reader.read(&mut buf) {
                if k == 0 {
                    break;
                }
                got.extend_from_slice(&buf[..k]);
                if String::from_utf8_lossy(&got).contains("event: draft") {
                    return (String::from_utf8_lossy(&got).into_owned(), began.elapsed());
                }
            }
            (String::from_utf8_lossy(&got).into_owned(), began.elapsed())
        });
        std::thread::sleep(Duration::from_millis(500));
        ok(
            call(
                &one,
                "POST",
                &format!("{base}/drafts"),
                Some(&med),
                Some(json!({"base_version": 0, "clauses": nash})),
            ),
            201,
        );
        reader.join().unwrap()
    });
    assert!(
        stream.0.contains("event: draft"),
        "instance two's stream missed the draft: {}",
        stream.0
    );
    assert!(
        stream.1 < Duration::from_secs(3),
        "the draft took {:?}: not pushed",
        stream.1
    );
    // The party answers through instance two; instance one sees it.
    ok(
        call(
            &two,
            "POST",
            &format!("{base}/drafts/1/responses"),
            Some(&party),
            Some(json!({"verdict": "accept"})),
        ),
        201,
    );
    let v = ok(call(&one, "GET", &base, Some(&med), None), 200);
    assert_eq!(v["drafts"][0]["responses"][0]["verdict"], "accept");
    // Signing out everywhere through instance one ends the party's session on instance two,
    // which has just served it (and keeps sessions it read for a moment, see
    // `store::sessions`): its notification makes instance two forget it.
    assert_eq!(call(&two, "GET", "/api/me", Some(&party), None).0, 200);
    assert_eq!(
        call(
            &one,
            "DELETE",
            "/api/sessions?everywhere=true",
            Some(&party),
            None
        )
        .0,
        204
    );
    let refused = (0..50).any(|_| {
        std::thread::sleep(Duration::from_millis(100));
        call(&two, "GET", "/api/me", Some(&party), None).0 == 401
    });
    assert!(
        refused,
        "instance two still serves a session ended everywhere"
    );
}

/// On PostgreSQL a transaction sends its writes with the next statement or with `COMMIT`, their
/// values written into the text as literals (`store::pipeline`): text that would end a literal
/// is stored as sent, and refused actions (rolled back after part of their transaction was
/// sent) leave no lock or open transaction behind: every later write still goes through.
fn literals_and_rollbacks(database: &str) {
    let s = start(database);
    let med = sign_up(&s, "mediator");
    let a = sign_up(&s, "a");
    let base = create(&s, &med, "trade");
    seat_person(&s, &med, &base, "Avalon", &a);
    let nash = ok(
        call(&s, "GET", &format!("{base}/analysis"), Some(&med), None),
        200,
    )["nash"]
        .clone();
    let draft =
        |v: i64| json!({"base_version": v, "clauses": nash, "respond_within_seconds": 3600});
    ok(
        call(
            &s,
            "POST",
            &format!("{base}/drafts"),
            Some(&med),
            Some(draft(0)),
        ),
        201,
    );
    let comment = "it's \\' E'x' $1 $$ ; ROLLBACK; DROP TABLE events; -- \u{e9}\u{1F54A}\n\\\\'";
    ok(
        call(
            &s,
            "POST",
            &format!("{base}/drafts/1/responses"),
            Some(&a),
            Some(json!({"verdict": "reject", "comment": comment})),
        ),
        201,
    );
    // Refused after the lock was taken: each transaction is rolled back, its connection reused.
    for _ in 0..40 {
        let again = call(
            &s,
            "POST",
            &format!("{base}/drafts/1/responses"),
            Some(&a),
            Some(json!({"verdict": "accept"})),
        );
        assert_eq!(again.0, 409, "{}", again.1);
    }
    let v = ok(call(&s, "GET", &base, Some(&a), None), 200);
    assert_eq!(v["drafts"][0]["responses"][0]["comment"], comment);
    // The negotiation's row is not held by a transaction left open: writes to it go on.
    for version in 1..=3 {
        ok(
            call(
                &s,
                "POST",
                &format!("{base}/drafts"),
                Some(&med),
                Some(draft(version)),
            ),
            201,
        );
    }
    let v = ok(call(&s, "GET", &base, Some(&med), None), 200);
    assert_eq!(v["current_version"], 4, "{v}");
    let audit = ok(
        call(&s, "GET", &format!("{base}/audit"), Some(&med), None),
        200,
    );
    let answered = audit
        .as_array()
        .map_or(0, |e| e.iter().filter(|e| e["kind"] == "response").count());
    assert_eq!(answered, 1, "one answer recorded: {audit}");
}

crate::on_sqlite_and_postgres!(
    literals_and_rollbacks_on_sqlite,
    literals_and_rollbacks_on_postgres,
    "literals.db",
    "literals",
    literals_and_rollbacks
);
