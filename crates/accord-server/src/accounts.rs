//! Account security (issue 18): sign-in and sign-up throttled per account and per client
//! address, the password rules, the same argon2 work whether a name exists or not, and the
//! session cookie's flags.
//!
//! **What a stranger can learn of which names exist.** Sign-in answers the same status and
//! message for an unknown name as for a wrong password, after the same argon2 work (an unknown
//! name is checked against a dummy hash). Sign-up cannot hide a taken name completely (the new
//! account needs the name, and its owner must learn that it cannot have it), so a taken name, a
//! reserved one and one that is the same as a taken name in other case or form all get one
//! answer, `409 name_unavailable` "that name cannot be used; choose another", after the same
//! work; and sign-ups are throttled per client address, so probing names costs time. The
//! residual risk, documented in docs/serve.md: someone who signs up under an ordinary name and
//! gets `409` may conclude that someone probably holds it.

use crate::error::ApiError;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};
use std::collections::HashSet;
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::LazyLock;
use std::time::Duration;

/// How `accord serve` is deployed, as far as accounts are concerned.
#[derive(Debug, Clone, Copy, Default)]
pub struct ServeOptions {
    /// Mark the session cookie `Secure` (the server is reached over HTTPS): `--secure-cookies`
    /// or `ACCORD_SECURE_COOKIES=1`.
    pub secure_cookies: bool,
    /// The server runs behind a reverse proxy that it trusts: the client's address is the last
    /// one of `X-Forwarded-For`, and `X-Forwarded-Proto: https` marks the cookie `Secure`:
    /// `--trust-proxy` or `ACCORD_TRUST_PROXY=1`. Never behind no proxy: anyone could then
    /// choose the address they are throttled under.
    pub trust_proxy: bool,
}

impl ServeOptions {
    /// The options the environment sets (`ACCORD_SECURE_COOKIES`, `ACCORD_TRUST_PROXY`: `1`,
    /// `true` or `yes`).
    pub fn from_env() -> Self {
        let on = |name: &str| {
            std::env::var(name).is_ok_and(|v| {
                matches!(
                    v.trim().to_ascii_lowercase().as_str(),
                    "1" | "true" | "yes" | "on"
                )
            })
        };
        ServeOptions {
            secure_cookies: on("ACCORD_SECURE_COOKIES"),
            trust_proxy: on("ACCORD_TRUST_PROXY"),
        }
    }
}

/// Sign-in attempts per account name: 10 at once, then one every 20 seconds.
const SIGN_IN_PER_ACCOUNT: (u32, Duration) = (10, Duration::from_secs(20));
/// Sign-in attempts per client address: 30 at once, then one every 2 seconds.
const SIGN_IN_PER_ADDRESS: (u32, Duration) = (30, Duration::from_secs(2));
/// Sign-ups per client address: 20 at once, then one every 3 seconds.
const SIGN_UP_PER_ADDRESS: (u32, Duration) = (20, Duration::from_secs(3));

fn quota((burst, every): (u32, Duration)) -> Quota {
    // Both constants are positive: the fallbacks are never taken.
    let burst = NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN);
    Quota::with_period(every)
        .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
        .allow_burst(burst)
}

/// The limiters and options every account request consults (one per server).
pub struct Guard {
    /// How the server is deployed.
    pub options: ServeOptions,
    sign_in_by_account: DefaultKeyedRateLimiter<String>,
    sign_in_by_address: DefaultKeyedRateLimiter<IpAddr>,
    sign_up_by_address: DefaultKeyedRateLimiter<IpAddr>,
    clock: DefaultClock,
}

impl Guard {
    /// Fresh limiters.
    pub fn new(options: ServeOptions) -> Self {
        Guard {
            options,
            sign_in_by_account: DefaultKeyedRateLimiter::keyed(quota(SIGN_IN_PER_ACCOUNT)),
            sign_in_by_address: DefaultKeyedRateLimiter::keyed(quota(SIGN_IN_PER_ADDRESS)),
            sign_up_by_address: DefaultKeyedRateLimiter::keyed(quota(SIGN_UP_PER_ADDRESS)),
            clock: DefaultClock::default(),
        }
    }

    /// A sign-in attempt for the account named `name_key` (see [`crate::names::key`]; whether
    /// it exists or not) from `address`: `429` with `Retry-After` when either has had too many.
    /// The address is asked first, so that an address already refused does not use up the
    /// attempts of the accounts it names.
    pub fn sign_in(&self, name_key: &str, address: Option<IpAddr>) -> Result<(), ApiError> {
        if let Some(a) = address {
            self.sign_in_by_address
                .check_key(&a)
                .map_err(|n| self.too_many(n.wait_time_from(self.clock.now())))?;
        }
        // Bounded: a key is at most a name's length (the request body's limit) and usually short.
        let k: String = name_key.chars().take(256).collect();
        self.sign_in_by_account
            .check_key(&k)
            .map_err(|n| self.too_many(n.wait_time_from(self.clock.now())))
    }

    /// A sign-up attempt from `address`: `429` with `Retry-After` when it made too many.
    pub fn sign_up(&self, address: Option<IpAddr>) -> Result<(), ApiError> {
        match address {
            Some(a) => self
                .sign_up_by_address
                .check_key(&a)
                .map_err(|n| self.too_many(n.wait_time_from(self.clock.now()))),
            None => Ok(()),
        }
    }

    fn too_many(&self, wait: Duration) -> ApiError {
        let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        let mut e = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_attempts",
            format!("too many attempts; try again in {seconds} s"),
        );
        e.retry_after = Some(seconds.max(1));
        e
    }

    /// Forgets accounts and addresses whose allowance is full again (keeps memory bounded).
    pub fn forget_idle(&self) {
        for l in [&self.sign_in_by_address, &self.sign_up_by_address] {
            l.retain_recent();
            l.shrink_to_fit();
        }
        self.sign_in_by_account.retain_recent();
        self.sign_in_by_account.shrink_to_fit();
    }

    /// The session cookie's `Set-Cookie` value: `token` (empty to clear it) for `max_age`
    /// seconds; `Secure` when the server is configured so, or a trusted proxy says the client
    /// came over HTTPS.
    pub fn cookie(&self, headers: &HeaderMap, token: &str, max_age: i64) -> String {
        let https_proxy = self.options.trust_proxy
            && headers
                .get("x-forwarded-proto")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(',').next())
                .is_some_and(|v| v.trim().eq_ignore_ascii_case("https"));
        cookie::Cookie::build((crate::auth::SESSION_COOKIE, token))
            .http_only(true)
            .same_site(cookie::SameSite::Strict)
            .path("/")
            .max_age(cookie::time::Duration::seconds(max_age))
            .secure(self.options.secure_cookies || https_proxy)
            .build()
            .to_string()
    }
}

/// Gives accounts created before name keys (migration 0004 could only lower-case ASCII in SQL)
/// the key the server computes; an account whose key another holds keeps the one it has (it
/// signs in by its exact name). Only differing keys are written: after the first start, one read.
pub async fn rekey_accounts(store: &crate::store::Store) -> Result<(), crate::store::StoreError> {
    for (id, name, stored) in store.user_keys().await? {
        let key = crate::names::key(&name);
        if stored.as_deref() != Some(key.as_str()) && !store.set_user_key(&id, &key).await? {
            tracing::warn!(account = %id, "another account's name differs only in case or form: this one keeps signing in by its exact name");
        }
    }
    Ok(())
}

/// Deletes expired sessions and forgets idle limiter entries, every 10 minutes (and once at
/// start). Sessions live in the database: whichever instance looks first deletes them.
pub async fn keep_sessions(state: crate::AppState) {
    loop {
        match state
            .store
            .delete_expired_sessions(crate::store::now_ms())
            .await
        {
            Ok(0) => {}
            Ok(n) => tracing::info!(sessions = n, "expired sessions deleted"),
            Err(e) => tracing::warn!(error = %e, "deleting expired sessions"),
        }
        state.accounts.forget_idle();
        tokio::time::sleep(Duration::from_secs(600)).await;
    }
}

/// The address a request is throttled under: the peer's (IPv6 by its /64 network, what one
/// client usually holds), or with `trust_proxy` the last address of `X-Forwarded-For` (the one
/// the trusted proxy saw). `None` when the router runs without connection information (served
/// in-process without `into_make_service_with_connect_info`): then only per-account limits hold.
pub struct ClientAddr(pub Option<IpAddr>);

impl FromRequestParts<crate::AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &crate::AppState,
    ) -> Result<Self, Self::Rejection> {
        let forwarded = state
            .accounts
            .options
            .trust_proxy
            .then(|| {
                parts
                    .headers
                    .get_all("x-forwarded-for")
                    .iter()
                    .filter_map(|v| v.to_str().ok())
                    .flat_map(|v| v.split(','))
                    .next_back()
                    .and_then(|a| a.trim().parse::<IpAddr>().ok())
            })
            .flatten();
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        Ok(ClientAddr(forwarded.or(peer).map(network)))
    }
}

/// IPv4 addresses as they are; IPv6 ones by their /64 network (IPv4-mapped ones as IPv4).
fn network(a: IpAddr) -> IpAddr {
    match a {
        IpAddr::V4(_) => a,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

/// The shortest and longest password, in characters (not bytes).
pub const PASSWORD_CHARS: std::ops::RangeInclusive<usize> = 8..=256;

/// Common passwords of 8 characters or more, one a line, lower case: the 20,000 most common
/// passwords Django ships (`django/contrib/auth/common-passwords.txt.gz`, from Royce Williams'
/// list), less those under 8 characters (refused by length anyway).
static COMMON: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("common-passwords.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect()
});

/// Why `password` may not be the password of the account `name`, if it may not.
pub fn check_password(password: &str, name: &str) -> Result<(), ApiError> {
    let chars = password.chars().count();
    if !PASSWORD_CHARS.contains(&chars) {
        return Err(ApiError::invalid(format!(
            "password: {} to {} characters (this one has {chars})",
            PASSWORD_CHARS.start(),
            PASSWORD_CHARS.end()
        )));
    }
    if password.chars().all(char::is_whitespace) {
        return Err(ApiError::invalid("password: not only spaces"));
    }
    let lower = password.trim().to_lowercase();
    if COMMON.contains(lower.as_str()) {
        return Err(ApiError::invalid(
            "password: one of the most common passwords (tried first by anyone guessing); choose another",
        ));
    }
    if crate::names::key(password) == crate::names::key(name) {
        return Err(ApiError::invalid("password: not the account's name"));
    }
    Ok(())
}

/// A hash of a password nobody knows, to check unknown names against: an unknown name costs
/// the same argon2 work as a known one with a wrong password.
static DUMMY: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();

/// Checks `password` against `hash`, or with no hash (no such account) does the same work and
/// answers `false`.
pub async fn verify(password: String, hash: Option<String>) -> bool {
    match hash {
        Some(h) => crate::auth::verify_password(password, h).await,
        None => {
            let dummy = DUMMY
                .get_or_try_init(|| crate::auth::hash_password(crate::auth::new_token()))
                .await;
            if let Ok(d) = dummy {
                crate::auth::verify_password(password, d.clone()).await;
            }
            false
        }
    }
}

/// Names nobody may take: they would pass for the server or its staff. Answered like a taken
/// name (see the module's note).
pub fn reserved(name_key: &str) -> bool {
    const RESERVED: &[&str] = &[
        "accord",
        "admin",
        "administrator",
        "root",
        "system",
        "server",
        "support",
        "security",
        "moderator",
        "staff",
        "official",
        "anonymous",
        "nobody",
        "null",
        "undefined",
    ];
    RESERVED.contains(&name_key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_counted_in_characters_and_checked_against_the_list() {
        for bad in [
            "password",
            "12345678",
            "        ",
            "😀😀",
            "Password",
            "qwertyuiop",
            "iloveyou",
        ] {
            assert!(check_password(bad, "someone").is_err(), "{bad}");
        }
        assert!(check_password(
            "\u{2003}\u{2003}\u{2003}\u{2003}\u{2003}\u{2003}\u{2003}\u{2003}",
            "x"
        )
        .is_err());
        assert!(check_password("correct horse", "someone").is_ok());
        assert!(
            check_password("😀😀😀😀😀😀😀😀", "someone").is_ok(),
            "8 characters"
        );
        assert!(check_password(&"é".repeat(256), "someone").is_ok());
        assert!(check_password(&"é".repeat(257), "someone").is_err());
        assert!(check_password("someone else", "Someone Else").is_err());
        assert!(COMMON.len() > 8000);
    }

    #[test]
    fn throttles_after_the_burst() {
        let g = Guard::new(ServeOptions::default());
        let a = Some(IpAddr::from([10, 0, 0, 1]));
        for i in 0..10 {
            assert!(g.sign_in("alice", a).is_ok(), "attempt {i}");
        }
        let e = g.sign_in("alice", a).unwrap_err();
        assert_eq!(e.status, StatusCode::TOO_MANY_REQUESTS);
        assert!(e.retry_after.is_some_and(|s| s >= 1));
        // Another account from the same address still may, until the address's own limit.
        assert!(g.sign_in("bob", a).is_ok());
        for _ in 0..30 {
            let _ = g.sign_in(&crate::auth::new_id(), a);
        }
        assert!(g.sign_in("carol", a).is_err());
        assert!(g
            .sign_in("carol", Some(IpAddr::from([10, 0, 0, 2])))
            .is_ok());
    }

    #[test]
    fn ipv6_clients_are_throttled_by_network() {
        let a: IpAddr = "2001:db8:1:2:3:4:5:6".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:ffff:4:5:6".parse().unwrap();
        assert_eq!(network(a), network(b));
        let m: IpAddr = "::ffff:10.0.0.1".parse().unwrap();
        assert_eq!(network(m), IpAddr::from([10, 0, 0, 1]));
    }

    #[tokio::test]
    async fn expired_sessions_are_deleted_and_everywhere_ends_all() {
        let dir = std::env::temp_dir().join(format!("accord-sessions-{}", crate::auth::new_id()));
        std::fs::create_dir_all(&dir).unwrap();
        let url = format!("sqlite://{}", dir.join("s.db").display());
        let store = crate::store::Store::open(&url).await.unwrap();
        assert!(store.create_user("u", "U", "u", "x").await.unwrap());
        assert!(
            !store.create_user("v", "u", "u", "x").await.unwrap(),
            "one key, one account"
        );
        store.create_session("old", "u", -1000).await.unwrap();
        store.create_session("new", "u", 60_000).await.unwrap();
        let now = crate::store::now_ms();
        assert_eq!(store.delete_expired_sessions(now).await.unwrap(), 1);
        assert!(store.session_user("new").await.unwrap().is_some());
        store.create_session("other", "u", 60_000).await.unwrap();
        assert_eq!(store.delete_user_sessions("u").await.unwrap(), 2);
        assert!(store.session_user("new").await.unwrap().is_none());
        // Keys the migration could not compute (non-ASCII case on SQLite) are recomputed.
        assert!(store.create_user("w", "ÄRGER", "Ärger", "x").await.unwrap());
        rekey_accounts(&store).await.unwrap();
        assert!(store
            .user_by_name("ärger", "ärger")
            .await
            .unwrap()
            .is_some());
        assert!(!store.create_user("z", "ärger", "ärger", "x").await.unwrap());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn cookies_are_secure_when_told() {
        let plain = Guard::new(ServeOptions::default());
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-proto", "https".parse().unwrap());
        assert!(
            !plain.cookie(&h, "t", 1).contains("Secure"),
            "untrusted proxy header"
        );
        let proxied = Guard::new(ServeOptions {
            trust_proxy: true,
            ..Default::default()
        });
        assert!(proxied.cookie(&h, "t", 1).contains("; Secure"));
        assert!(!proxied.cookie(&HeaderMap::new(), "t", 1).contains("Secure"));
        let tls = Guard::new(ServeOptions {
            secure_cookies: true,
            ..Default::default()
        });
        assert!(tls
            .cookie(&HeaderMap::new(), "t", 1)
            .contains("HttpOnly; SameSite=Strict"));
        assert!(tls.cookie(&HeaderMap::new(), "t", 1).contains("; Secure"));
    }
}
