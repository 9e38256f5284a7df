//! Sessions the store has just read, so that a client's next requests do not read the same
//! session row again.
//!
//! Every request starts by finding its session; on PostgreSQL that read is a round trip, and
//! round trips (context switches between the server and the database) are what a write's cost
//! is made of under load. A session found is kept for at most `FRESH_MS`.
//!
//! **Invariant:** a session ended through this store is refused at once by it (the entries of
//! the token, or of every token of the account, are dropped in the same call that deletes the
//! rows). On PostgreSQL, every other instance drops them when the deletion's notification
//! (`accord_sessions`, the account's id) arrives, so a session ended on another instance is
//! refused there within a notification's delay, and at the latest after `FRESH_MS`. An expired
//! session is refused whatever the cache holds: the expiry is kept with the entry.

use super::User;
use std::collections::HashMap;
use std::sync::Mutex;

/// How long a session read stays trusted without reading it again.
pub const FRESH_MS: i64 = 2_000;

/// At most this many sessions are kept; past it the cache starts again empty, so a flood of
/// tokens costs reads, never memory.
const CAPACITY: usize = 10_000;

/// The PostgreSQL notification channel a deletion of sessions is announced on.
pub const CHANNEL: &str = "accord_sessions";

#[derive(Debug, Clone)]
struct Entry {
    user: User,
    expires_at: i64,
    read_at: i64,
}

/// Sessions recently read, by token hash.
#[derive(Debug, Default)]
pub struct SessionCache {
    entries: Mutex<HashMap<String, Entry>>,
}

impl SessionCache {
    /// The account signed in with `token_hash` at `now`, if the cache still vouches for it.
    pub fn get(&self, token_hash: &str, now: i64) -> Option<User> {
        let entries = self.entries.lock().ok()?;
        let e = entries.get(token_hash)?;
        (now < e.expires_at && now - e.read_at < FRESH_MS).then(|| e.user.clone())
    }

    /// Keeps what the database said of `token_hash` at `now`.
    pub fn put(&self, token_hash: &str, user: &User, expires_at: i64, now: i64) {
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= CAPACITY {
                entries.clear();
            }
            entries.insert(
                token_hash.to_string(),
                Entry {
                    user: user.clone(),
                    expires_at,
                    read_at: now,
                },
            );
        }
    }

    /// Forgets one session.
    pub fn forget_token(&self, token_hash: &str) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.remove(token_hash);
        }
    }

    /// Forgets every session.
    pub fn forget_all(&self) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.clear();
        }
    }

    /// Forgets every session of account `user_id`.
    pub fn forget_user(&self, user_id: &str) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.retain(|_, e| e.user.id != user_id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(id: &str) -> User {
        User {
            id: id.into(),
            name: id.into(),
        }
    }

    #[test]
    fn an_entry_is_trusted_only_while_fresh_and_unexpired() {
        let c = SessionCache::default();
        c.put("t", &user("a"), 10_000, 1_000);
        assert_eq!(c.get("t", 1_000).map(|u| u.id), Some("a".into()));
        assert!(c.get("t", 1_000 + FRESH_MS).is_none(), "stale");
        c.put("t", &user("a"), 1_500, 1_000);
        assert!(c.get("t", 1_500).is_none(), "expired");
        assert!(c.get("other", 1_000).is_none());
    }

    #[test]
    fn forgetting_drops_the_token_or_every_token_of_the_account() {
        let c = SessionCache::default();
        c.put("t1", &user("a"), 10_000, 0);
        c.put("t2", &user("a"), 10_000, 0);
        c.put("t3", &user("b"), 10_000, 0);
        c.forget_token("t1");
        assert!(c.get("t1", 1).is_none());
        assert!(c.get("t2", 1).is_some());
        c.forget_user("a");
        assert!(c.get("t2", 1).is_none());
        assert!(c.get("t3", 1).is_some());
    }

    #[test]
    fn the_cache_never_holds_more_than_its_capacity() {
        let c = SessionCache::default();
        for i in 0..CAPACITY + 5 {
            c.put(&i.to_string(), &user("a"), 10_000, 0);
        }
        assert!(c.entries.lock().unwrap().len() <= CAPACITY);
    }
}
