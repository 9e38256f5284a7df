//! Accounts and sessions: the writes that touch no negotiation (each one statement in a
//! transaction of its own), and ending sessions on every instance (see `sessions`' invariant).

use super::sql::Param;
use super::{now_ms, Db, Store, StoreError};

impl Store {
    /// Creates an account named `name` (compared on `name_key`, see `names::key`): `false`
    /// when an account holds that key already.
    pub async fn create_user(
        &self,
        id: &str,
        name: &str,
        name_key: &str,
        hash: &str,
    ) -> Result<bool, StoreError> {
        match self
            .exec_alone(
                "INSERT INTO users (id, name, name_key, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)",
                &[
                    Param::Text(id),
                    Param::Text(name),
                    Param::Text(name_key),
                    Param::Text(hash),
                    Param::Int(now_ms()),
                ],
            )
            .await
        {
            Err(StoreError::Conflict(_)) => Ok(false),
            r => r.map(|_| true),
        }
    }

    /// Sets the key account `id` is compared on: `false` when another account holds it.
    pub async fn set_user_key(&self, id: &str, name_key: &str) -> Result<bool, StoreError> {
        match self
            .exec_alone(
                "UPDATE users SET name_key = $1 WHERE id = $2",
                &[Param::Text(name_key), Param::Text(id)],
            )
            .await
        {
            Err(StoreError::Conflict(_)) => Ok(false),
            r => r.map(|n| n > 0),
        }
    }

    /// Records a session token (hashed).
    pub async fn create_session(
        &self,
        token_hash: &str,
        user: &str,
        ttl_ms: i64,
    ) -> Result<(), StoreError> {
        let now = now_ms();
        self.exec_alone(
            "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
            &[Param::Text(token_hash), Param::Text(user), Param::Int(now), Param::Int(now + ttl_ms)],
        )
        .await
        .map(drop)
    }

    /// Ends a session.
    pub async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        self.exec_alone(
            "DELETE FROM sessions WHERE token_hash = $1",
            &[Param::Text(token_hash)],
        )
        .await?;
        self.sessions.forget_token(token_hash);
        self.announce_sessions_ended(token_hash).await
    }

    /// Tells the other instances (PostgreSQL) to forget the sessions of `key`, a token hash or
    /// an account id (see `sessions`' invariant).
    async fn announce_sessions_ended(&self, key: &str) -> Result<(), StoreError> {
        if let Db::Postgres(pool) = &self.db {
            pool.query(
                "SELECT pg_notify($1, $2)",
                &[Param::Text(super::sessions::CHANNEL), Param::Text(key)],
            )
            .await?;
        }
        Ok(())
    }

    /// Forgets the cached sessions of `key` (a token hash or an account id): another instance
    /// ended them.
    pub fn forget_sessions(&self, key: &str) {
        self.sessions.forget_token(key);
        self.sessions.forget_user(key);
    }

    /// Ends every session of `user` ("sign out everywhere"): how many there were.
    pub async fn delete_user_sessions(&self, user: &str) -> Result<u64, StoreError> {
        let n = self
            .exec_alone(
                "DELETE FROM sessions WHERE user_id = $1",
                &[Param::Text(user)],
            )
            .await?;
        self.sessions.forget_user(user);
        self.announce_sessions_ended(user).await?;
        Ok(n)
    }

    /// Deletes the sessions expired at `now` (ms): how many.
    pub async fn delete_expired_sessions(&self, now: i64) -> Result<u64, StoreError> {
        self.exec_alone(
            "DELETE FROM sessions WHERE expires_at <= $1",
            &[Param::Int(now)],
        )
        .await
    }
}
