//! Account security of `accord serve` (issue 18): throttled sign-in, password rules counted in
//! characters, no way to tell unknown names from wrong passwords, sign-up answers that do not
//! single out taken names, sessions ended everywhere, a lower-case `bearer`, the `Secure`
//! cookie, and names that cannot hide or reorder characters or differ only in case (accounts,
//! seats, options); signing in with a cookie for the pages, and what the pages serve. Every
//! assertion is on an outcome (a status, a body, a header), never on a time.

use serde_json::{json, Value};
use std::io::Read;
use std::time::Duration;

mod common;
use common::server::{
    call, call_text, create, json_of, ok, seat_person, sign_up, start, start_with, Postgres, Server,
};

fn sqlite(dir: &tempfile::TempDir, name: &str) -> String {
    format!("sqlite://{}", dir.path().join(name).display())
}

fn account(s: &Server, name: &str, password: &str) -> (u16, Value) {
    call(
        s,
        "POST",
        "/api/accounts",
        None,
        Some(json!({"name": name, "password": password})),
    )
}

fn sign_in(s: &Server, name: &str, password: &str) -> (u16, Value) {
    call(
        s,
        "POST",
        "/api/sessions",
        None,
        Some(json!({"name": name, "password": password})),
    )
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(std::time::Duration::from_secs(30)))
        .build()
        .into()
}

/// A sign-in with extra headers: status, the headers of the answer, and its body.
fn sign_in_with(
    s: &Server,
    name: &str,
    password: &str,
    headers: &[(&str, &str)],
) -> (u16, ureq::http::HeaderMap, String) {
    let mut req = agent()
        .post(format!("{}/api/sessions", s.base))
        .header("content-type", "application/json");
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let mut resp = req
        .send(json!({"name": name, "password": password}).to_string())
        .expect("request");
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    (
        status,
        headers,
        resp.body_mut().read_to_string().unwrap_or_default(),
    )
}

/// `GET /api/me` with an `Authorization` header as given.
fn me_with(s: &Server, authorization: &str) -> u16 {
    agent()
        .get(format!("{}/api/me", s.base))
        .header("authorization", authorization)
        .call()
        .expect("request")
        .status()
        .as_u16()
}

fn token_of(v: &Value) -> String {
    v["token"].as_str().expect("token").to_string()
}

#[test]
fn weak_passwords_are_refused_counting_characters() {
    let dir = tempfile::tempdir().unwrap();
    let s = start(&sqlite(&dir, "passwords.db"));
    for (i, weak) in [
        "password",
        "12345678",
        "        ",
        "😀😀", // 8 bytes, 2 characters
        "Password",
        "iloveyou",
        "\u{3000}\u{3000}\u{3000}\u{3000}\u{3000}\u{3000}\u{3000}\u{3000}",
    ]
    .iter()
    .enumerate()
    {
        let (status, body) = account(&s, &format!("weak-{i}"), weak);
        assert_eq!(status, 400, "{weak:?} accepted: {body}");
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .starts_with("password"),
            "{body}"
        );
    }
    // Eight characters are eight characters, whatever their bytes.
    ok(account(&s, "emoji", "😀🍀😀🍀😀🍀😀🍀"), 201);
    ok(sign_in(&s, "emoji", "😀🍀😀🍀😀🍀😀🍀"), 201);
    assert_eq!(account(&s, "long", &"x".repeat(257)).0, 400);
    // Not the account's name either.
    assert_eq!(account(&s, "Correct Horse", "correct horse").0, 400);
}

#[test]
fn unknown_names_and_wrong_passwords_get_one_answer_and_taken_names_are_not_told() {
    let dir = tempfile::tempdir().unwrap();
    let s = start(&sqlite(&dir, "names.db"));
    sign_up(&s, "Alice");
    let unknown = sign_in(&s, "nobody-here", "correct horse");
    let wrong = sign_in(&s, "Alice", "wrong horse battery");
    assert_eq!(unknown.0, 401);
    assert_eq!(
        unknown, wrong,
        "an unknown name looks like a wrong password"
    );
    // A taken name (in any case or form) and a reserved one get one answer, naming neither.
    let taken = account(&s, "alice", "another good password");
    let taken_upper = account(&s, "ALICE", "another good password");
    let taken_wide = account(&s, "Ａｌｉｃｅ", "another good password");
    let reserved = account(&s, "admin", "another good password");
    assert_eq!(taken.0, 409, "{}", taken.1);
    for other in [&taken_upper, &taken_wide, &reserved] {
        assert_eq!(&taken, other);
    }
    let message = taken.1["error"]["message"].as_str().unwrap().to_lowercase();
    assert!(
        !message.contains("alice") && !message.contains("taken"),
        "{message}"
    );
    // One account: signing in finds it whatever the case.
    let v = ok(sign_in(&s, "ALICE", "correct horse"), 201);
    assert_eq!(v["user"]["name"], "Alice");
    // Nobody signed up under the other spellings.
    assert_eq!(sign_in(&s, "alice", "another good password").0, 401);
}

#[test]
fn names_that_hide_or_reorder_characters_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let s = start(&sqlite(&dir, "hidden.db"));
    for bad in [
        "evil\u{202E}gnp",
        "a\u{2067}b\u{2069}",
        "zero\u{200B}width",
        "\u{200B}\u{200D}",
        "\u{FEFF}bom",
        "word\u{2060}joiner",
        "\u{3164}",
        "   ",
        "tab\there",
    ] {
        let (status, body) = account(&s, bad, "a fine password");
        assert_eq!(status, 400, "{bad:?} accepted: {body}");
    }
    // Decomposed input is stored composed (NFC), so both spellings are one name.
    let v = ok(account(&s, "Zoe\u{0308}", "a fine password"), 201);
    assert_eq!(v["name"], "Zo\u{00EB}");
    assert_eq!(account(&s, "Zo\u{00EB}", "a fine password").0, 409);
    ok(sign_in(&s, "zo\u{00EB}", "a fine password"), 201);
}

/// A scenario with two seats and one issue of two options, named as given.
fn scenario(seat_a: &str, seat_b: &str, option_a: &str, option_b: &str) -> String {
    // A JSON string is a TOML basic string.
    let q = |t: &str| serde_json::to_string(t).unwrap();
    let party = |name: &str| {
        format!(
            "[[parties]]\nname = {}\nweights = {{ issue = 1.0 }}\nscores = {{ issue = {{ {} = 1.0, {} = 0.0 }} }}\n",
            q(name),
            q(option_a),
            q(option_b)
        )
    };
    format!(
        "name = \"names\"\n\n[[issues]]\nname = \"issue\"\ntype = \"discrete\"\noptions = [{}, {}]\n\n{}\n{}",
        q(option_a),
        q(option_b),
        party(seat_a),
        party(seat_b)
    )
}

#[test]
fn seat_and_option_names_are_checked_when_a_negotiation_is_created() {
    let dir = tempfile::tempdir().unwrap();
    let s = start(&sqlite(&dir, "seats.db"));
    let med = sign_up(&s, "med");
    let create = |toml: String| {
        call(
            &s,
            "POST",
            "/api/negotiations",
            Some(&med),
            Some(json!({ "toml": toml })),
        )
    };
    ok(create(scenario("north", "south", "yes", "no")), 201);
    for (toml, says) in [
        (
            scenario("north", "NORTH", "yes", "no"),
            "differ only in case",
        ),
        (scenario("nor\u{202E}th", "south", "yes", "no"), "direction"),
        (scenario("north", "so\u{200B}uth", "yes", "no"), "invisible"),
        (scenario("\u{3164}", "south", "yes", "no"), "visible"),
        (
            scenario("north", "south", "yes", "Yes"),
            "differ only in case",
        ),
        (scenario("north", "south", "y\u{200D}es", "no"), "invisible"),
        (scenario("north", "south", "\u{2066}yes", "no"), "direction"),
    ] {
        let (status, body) = create(toml.clone());
        assert_eq!(status, 400, "accepted: {toml}");
        let message = body["error"]["message"].as_str().unwrap_or_default();
        assert!(message.contains(says), "{message} (wanted `{says}`)");
    }
}

#[test]
fn sign_in_is_throttled_per_account_and_the_server_still_answers() {
    let dir = tempfile::tempdir().unwrap();
    let s = start(&sqlite(&dir, "throttle.db"));
    let other = sign_up(&s, "other");
    sign_up(&s, "victim");
    let mut statuses = Vec::new();
    for _ in 0..15 {
        statuses.push(sign_in(&s, "victim", "not the password").0);
    }
    assert!(
        statuses.iter().all(|&c| c == 401 || c == 429),
        "{statuses:?}"
    );
    let first_refusal = statuses
        .iter()
        .position(|&c| c == 429)
        .unwrap_or_else(|| panic!("never throttled: {statuses:?}"));
    assert!(first_refusal <= 11, "{statuses:?}");
    // Refused with a time to wait, even with the right password (and for any case of the name).
    let (status, headers, body) = sign_in_with(&s, "VICTIM", "correct horse", &[]);
    assert_eq!(status, 429, "{body}");
    let wait: u64 = headers
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("Retry-After in seconds");
    assert!(wait >= 1);
    // The server answers, other accounts sign in, existing sessions work.
    ok(call(&s, "GET", "/api/scenarios", None, None), 200);
    ok(call(&s, "GET", "/api/me", Some(&other), None), 200);
    ok(sign_in(&s, "other", "correct horse"), 201);
}

#[test]
fn sign_in_is_throttled_per_client_address_behind_a_trusted_proxy() {
    let dir = tempfile::tempdir().unwrap();
    let s = start_with(&sqlite(&dir, "proxy.db"), &["--trust-proxy"]);
    let token = sign_up(&s, "someone");
    // One address tries many names (each under its own account limit): the address's limit.
    let from = [("x-forwarded-for", "198.51.100.1, 203.0.113.7")];
    let mut statuses = Vec::new();
    for i in 0..40 {
        let (status, _, _) = sign_in_with(&s, &format!("sprayed-{i}"), "correct horse", &from);
        statuses.push(status);
        if status == 429 {
            break;
        }
    }
    assert_eq!(statuses.last(), Some(&429), "never throttled: {statuses:?}");
    assert!(statuses.len() > 20, "throttled too early: {statuses:?}");
    // Another client address is not affected; the server answers.
    let elsewhere = [("x-forwarded-for", "203.0.113.8")];
    let (status, headers, body) = sign_in_with(&s, "someone", "correct horse", &elsewhere);
    assert_eq!(status, 201, "{body}");
    let cookie = headers
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(!cookie.contains("Secure"), "plain HTTP: {cookie}");
    ok(call(&s, "GET", "/api/me", Some(&token), None), 200);
    // The proxy says the client came over HTTPS: the cookie is `Secure`.
    let https = [
        ("x-forwarded-for", "203.0.113.9"),
        ("x-forwarded-proto", "https"),
    ];
    let (status, headers, _) = sign_in_with(&s, "someone", "correct horse", &https);
    assert_eq!(status, 201);
    let cookie = headers
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(cookie.contains("; Secure"), "{cookie}");
}

#[test]
fn secure_cookies_when_told_so() {
    let dir = tempfile::tempdir().unwrap();
    let s = start_with(&sqlite(&dir, "secure.db"), &["--secure-cookies"]);
    sign_up(&s, "someone");
    let (status, headers, _) = sign_in_with(&s, "someone", "correct horse", &[]);
    assert_eq!(status, 201);
    let cookie = headers
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("; Secure"),
        "{cookie}"
    );
    // Without the flag (and not told by a trusted proxy), X-Forwarded-Proto changes nothing.
    let plain = start(&sqlite(&dir, "plain.db"));
    sign_up(&plain, "someone");
    let (_, headers, _) = sign_in_with(
        &plain,
        "someone",
        "correct horse",
        &[("x-forwarded-proto", "https")],
    );
    let cookie = headers
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(!cookie.contains("Secure"), "{cookie}");
}

/// Several sessions per user; signing out ends one; signing out everywhere ends them all.
fn sessions_end_everywhere(s: &Server) {
    sign_up(s, "traveller");
    let laptop = token_of(&ok(sign_in(s, "traveller", "correct horse"), 201));
    let phone = token_of(&ok(sign_in(s, "Traveller", "correct horse"), 201));
    let tablet = token_of(&ok(sign_in(s, "TRAVELLER", "correct horse"), 201));
    // The scheme's name in any case.
    assert_eq!(me_with(s, &format!("bearer {laptop}")), 200);
    assert_eq!(me_with(s, &format!("BEARER {phone}")), 200);
    assert_eq!(me_with(s, &format!("Bearer {tablet}")), 200);
    assert_eq!(me_with(s, &format!("Basic {tablet}")), 401);
    // Signing out ends that session only.
    assert_eq!(
        call(s, "DELETE", "/api/sessions", Some(&tablet), None).0,
        204
    );
    assert_eq!(me_with(s, &format!("Bearer {tablet}")), 401);
    assert_eq!(me_with(s, &format!("Bearer {phone}")), 200);
    // Everywhere needs a session to know whose.
    assert_eq!(
        call(s, "DELETE", "/api/sessions?everywhere=true", None, None).0,
        401
    );
    let bystander = sign_up(s, "bystander");
    assert_eq!(
        call(
            s,
            "DELETE",
            "/api/sessions?everywhere=true",
            Some(&laptop),
            None
        )
        .0,
        204
    );
    assert_eq!(me_with(s, &format!("Bearer {laptop}")), 401);
    assert_eq!(
        me_with(s, &format!("Bearer {phone}")),
        401,
        "ended elsewhere"
    );
    assert_eq!(
        me_with(s, &format!("Bearer {bystander}")),
        200,
        "others' stay"
    );
    // Signing in again works.
    ok(sign_in(s, "traveller", "correct horse"), 201);
}

#[test]
fn sign_out_everywhere_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    sessions_end_everywhere(&start(&sqlite(&dir, "sessions.db")));
}

/// The migration and the same rules on PostgreSQL: case-insensitive names, one answer for
/// taken names, sessions ended everywhere.
#[test]
fn accounts_on_postgres() {
    let pg = Postgres::new("accounts");
    let s = start(&pg.url);
    sign_up(&s, "Alice");
    let taken = account(&s, "ALICE", "another good password");
    assert_eq!(taken, account(&s, "admin", "another good password"));
    assert_eq!(taken.0, 409);
    ok(sign_in(&s, "alice", "correct horse"), 201);
    assert_eq!(
        sign_in(&s, "nobody-here", "correct horse"),
        sign_in(&s, "alice", "wrong horse battery")
    );
    assert_eq!(account(&s, "zero\u{200B}width", "a fine password").0, 400);
    sessions_end_everywhere(&s);
}

#[test]
fn the_pages_sign_in_with_a_cookie_and_shared_preferences_give_the_picture() {
    let dir = tempfile::tempdir().unwrap();
    let s = start(&format!(
        "sqlite://{}",
        dir.path().join("pages.db").display()
    ));
    let med = sign_up(&s, "med");
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    // Signing in sets an HttpOnly, same-site cookie that authenticates like the token.
    let resp = agent
        .post(format!("{}/api/sessions", s.base))
        .header("content-type", "application/json")
        .send(json!({"name": "med", "password": "correct horse"}).to_string())
        .unwrap();
    let cookie = resp
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap()
        .to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let pair = cookie.split(';').next().unwrap().to_string();
    let me = |pair: &str| {
        let mut r = agent
            .get(format!("{}/api/me", s.base))
            .header("cookie", pair)
            .call()
            .unwrap();
        (r.status().as_u16(), r.body_mut().read_to_string().unwrap())
    };
    let (status, body) = me(&pair);
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("\"med\""), "{body}");
    let out = agent
        .delete(format!("{}/api/sessions", s.base))
        .header("cookie", &pair)
        .call()
        .unwrap();
    assert_eq!(out.status().as_u16(), 204);
    assert_eq!(me(&pair).0, 401, "signed out");
    // The pages: HTML under a policy that allows no inline script; unknown assets are JSON 404s.
    let page = agent.get(format!("{}/", s.base)).call().unwrap();
    assert_eq!(page.status().as_u16(), 200);
    let policy = page
        .headers()
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert!(policy.contains("script-src 'self'"), "{policy}");
    for (path, status) in [
        ("/negotiations/abc", 200),
        ("/assets/app.js", 200),
        ("/assets/app.css", 200),
        ("/assets/index.html", 404),
        ("/assets/../Cargo.toml", 404),
    ] {
        let r = agent.get(format!("{}{path}", s.base)).call().unwrap();
        assert_eq!(r.status().as_u16(), status, "{path}");
    }
    // Once both parties share with mediators, the mediator gets the utility-space picture.
    let base = create(&s, &med, "trade");
    let picture = || call_text(&s, "GET", &format!("{base}/picture.svg"), Some(&med), None);
    // A new invitation to a seat withdraws the earlier one; the view says one is out.
    let invite = || {
        json_of(
            call_text(
                &s,
                "POST",
                &format!("{base}/invitations"),
                Some(&med),
                Some(json!({"seat": "Avalon"})),
            ),
            201,
        )["token"]
            .clone()
    };
    let (first, _second) = (invite(), invite());
    let taker = sign_up(&s, "taker");
    let (status, body) = call_text(
        &s,
        "POST",
        "/api/invitations/accept",
        Some(&taker),
        Some(json!({"token": first})),
    );
    assert_eq!(status, 404, "the replaced link still worked: {body}");
    let view = json_of(call_text(&s, "GET", &base, Some(&med), None), 200);
    assert_eq!(view["seats"][0]["name"], "Avalon");
    assert_eq!(
        view["seats"][0]["invitation_pending"],
        json!(true),
        "{view}"
    );
    // Nobody has saved preferences: the scenario's are the mediator's own assumptions, drawn.
    let (status, body) = picture();
    assert_eq!(status, 200, "{body}");
    for seat in ["Avalon", "Borea"] {
        json_of(
            call_text(
                &s,
                "POST",
                &format!("{base}/agents"),
                Some(&med),
                Some(json!({"seat": seat})),
            ),
            200,
        );
        let prefs = json_of(
            call_text(
                &s,
                "GET",
                &format!("{base}/seats/{seat}/preferences"),
                Some(&med),
                None,
            ),
            200,
        );
        json_of(
            call_text(
                &s,
                "PUT",
                &format!("{base}/seats/{seat}/preferences"),
                Some(&med),
                Some(json!({"preferences": prefs["preferences"], "share_with_mediator": true})),
            ),
            200,
        );
    }
    let (status, body) = picture();
    assert_eq!(status, 200, "{body}");
    assert!(
        body.starts_with("<svg") || body.starts_with("<?xml"),
        "{}",
        &body[..body.len().min(200)]
    );
    // Three parties: the picture's frontier and zone use every party's preferences, so one
    // party keeping them confidential withholds it, whichever two would be drawn.
    let c = create(&s, &med, "coalition");
    let keeper = sign_up(&s, "keeper");
    seat_person(&s, &med, &c, "Progress", &keeper);
    let keeping = "Progress".to_string();
    let own = json_of(
        call_text(
            &s,
            "GET",
            &format!("{c}/seats/Progress/preferences"),
            Some(&keeper),
            None,
        ),
        200,
    );
    json_of(
        call_text(
            &s,
            "PUT",
            &format!("{c}/seats/Progress/preferences"),
            Some(&keeper),
            Some(json!({"preferences": own["preferences"], "consent": "aggregate"})),
        ),
        200,
    );
    for seat in ["Farmers%27%20League", "Civic%20Liberals"] {
        json_of(
            call_text(
                &s,
                "POST",
                &format!("{c}/agents"),
                Some(&med),
                Some(json!({"seat": seat.replace("%27", "'").replace("%20", " ")})),
            ),
            200,
        );
    }
    let (status, body) = call_text(&s, "GET", &format!("{c}/picture.svg"), Some(&med), None);
    assert_eq!(status, 409, "{body}");
    assert!(body.contains(&keeping), "{body}");
    // A live stream ends once its session does (signed out elsewhere).
    // A second session of the mediator's, for one open stream.
    let listener = json_of(
        call_text(
            &s,
            "POST",
            "/api/sessions",
            None,
            Some(json!({"name": "med", "password": "correct horse"})),
        ),
        201,
    )["token"]
        .as_str()
        .unwrap()
        .to_string();
    let stream = {
        let (base, path, token) = (s.base.clone(), format!("{c}/events"), listener.clone());
        std::thread::spawn(move || {
            let started = std::time::Instant::now();
            let agent: ureq::Agent = ureq::Agent::config_builder()
                .http_status_as_error(false)
                .timeout_global(Some(Duration::from_secs(20)))
                .build()
                .into();
            let resp = agent
                .get(format!("{base}{path}"))
                .header("authorization", format!("Bearer {token}"))
                .call()
                .unwrap();
            let mut bytes = Vec::new();
            let _ = resp.into_body().into_reader().read_to_end(&mut bytes);
            started.elapsed()
        })
    };
    std::thread::sleep(Duration::from_millis(500));
    let (status, _) = call_text(&s, "DELETE", "/api/sessions", Some(&listener), None);
    assert_eq!(status, 204);
    let lasted = stream.join().unwrap();
    assert!(
        lasted < Duration::from_secs(5),
        "the stream outlived its session: {lasted:?}"
    );
}
