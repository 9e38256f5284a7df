//! Every write of the store, one code path for both backends.
//!
//! **SQLite** has one writer at a time, so the store keeps one writer connection (rusqlite) behind
//! a fair async lock and runs each statement in place on the calling task: a statement on a local
//! file takes microseconds, less than a hand-off to a database thread and back (sqlx's SQLite
//! driver makes two per statement, and a write is a handful of statements, all serialised).
//! Checkpoints, the only slow part of a commit, run on a background thread instead
//! (`checkpoints`). **PostgreSQL** writes run on sqlx's pool, many at once.
//!
//! **Invariant** (the module's): a write to a negotiation is one transaction whose first statement
//! touches the negotiation's row, so writes to one negotiation are serialised and event numbers
//! never collide. A transaction dropped before `commit` is rolled back.

use super::sqlite::{self, Writer};
use super::{negotiation_from, Db, NegotiationRow, Store, StoreError};
use crate::store::now_ms;
use rusqlite::types::{ToSqlOutput, ValueRef};
use sqlx::{Row, Transaction};
use tokio::sync::OwnedMutexGuard;

/// A statement parameter.
#[derive(Debug, Clone, Copy)]
pub enum Param<'a> {
    /// Text.
    Text(&'a str),
    /// Text or NULL.
    OptText(Option<&'a str>),
    /// An integer.
    Int(i64),
}

impl rusqlite::ToSql for Param<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match *self {
            Param::Text(s) | Param::OptText(Some(s)) => {
                ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes()))
            }
            Param::OptText(None) => ToSqlOutput::Borrowed(ValueRef::Null),
            Param::Int(i) => ToSqlOutput::Borrowed(ValueRef::Integer(i)),
        })
    }
}

/// A column value as the store reads it back from a write.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    Null,
    Int(i64),
    Text(String),
}

impl Cell {
    pub(crate) fn text(&self) -> Option<String> {
        match self {
            Cell::Text(t) => Some(t.clone()),
            _ => None,
        }
    }
    pub(crate) fn int(&self) -> Option<i64> {
        match self {
            Cell::Int(i) => Some(*i),
            _ => None,
        }
    }
}

pub(crate) fn decode_error(what: &str) -> StoreError {
    StoreError::Db(sqlx::Error::Decode(format!("unexpected {what} row").into()))
}

/// Where a transaction runs.
enum Conn {
    Sqlite(OwnedMutexGuard<Writer>),
    Postgres(Transaction<'static, sqlx::Any>),
    /// Committed.
    Done,
}

/// A transaction (see the module's invariant).
pub struct Tx {
    conn: Conn,
    /// The negotiation's row as the transaction found it when it took the lock.
    row: Option<NegotiationRow>,
    open: bool,
}

impl Store {
    async fn begin(&self) -> Result<Tx, StoreError> {
        let conn = match &self.db {
            Db::Sqlite { writer: w, .. } => {
                let guard = w.clone().lock_owned().await;
                // Defensive: a transaction left open (a failed rollback) would refuse every
                // later BEGIN.
                if !guard.conn.is_autocommit() {
                    guard.conn.execute_batch("ROLLBACK")?;
                }
                guard.conn.execute_batch("BEGIN IMMEDIATE")?;
                Conn::Sqlite(guard)
            }
            Db::Postgres(pool) => Conn::Postgres(pool.begin().await?),
        };
        Ok(Tx {
            conn,
            row: None,
            open: true,
        })
    }

    /// Starts a write on one negotiation, serialised with every other write on it.
    pub async fn write(&self, negotiation_id: &str) -> Result<Tx, StoreError> {
        let mut tx = self.begin().await?;
        // RETURNING names the columns as `NEGOTIATION` does, without the table's alias.
        static TOUCH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
            format!(
                "UPDATE negotiations SET current_version = current_version WHERE id = $1 RETURNING {}",
                super::NEGOTIATION.replace("n.", "")
            )
        });
        let rows = tx.query(&TOUCH, &[Param::Text(negotiation_id)]).await?;
        let row = rows
            .first()
            .ok_or(StoreError::Db(sqlx::Error::RowNotFound))?;
        tx.row = Some(negotiation_from(row)?);
        Ok(tx)
    }

    /// Runs one statement in a transaction of its own.
    async fn exec_alone(&self, sql: &str, params: &[Param<'_>]) -> Result<u64, StoreError> {
        let mut tx = self.begin().await?;
        let n = tx.exec(sql, params).await?;
        tx.commit().await?;
        Ok(n)
    }

    /// Creates an account; `Conflict` when the name is taken.
    pub async fn create_user(&self, id: &str, name: &str, hash: &str) -> Result<(), StoreError> {
        match self
            .exec_alone(
                "INSERT INTO users (id, name, password_hash, created_at) VALUES ($1, $2, $3, $4)",
                &[
                    Param::Text(id),
                    Param::Text(name),
                    Param::Text(hash),
                    Param::Int(now_ms()),
                ],
            )
            .await
        {
            Err(StoreError::Conflict(_)) => {
                Err(StoreError::Conflict(format!("the name `{name}` is taken")))
            }
            r => r.map(drop),
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
        .await
        .map(drop)
    }

    /// Creates a negotiation with its seats (name, role, confidential document) and the
    /// creator in `creator_seat`.
    pub async fn create_negotiation(
        &self,
        id: &str,
        title: &str,
        public_doc: &str,
        creator: &str,
        creator_seat: &str,
        seats: &[(String, String, Option<String>)],
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        tx.exec("INSERT INTO negotiations (id, title, public_doc, status, agreement_version, current_version, created_by, created_at) VALUES ($1, $2, $3, 'open', NULL, 0, $4, $5)",
            &[Param::Text(id), Param::Text(title), Param::Text(public_doc), Param::Text(creator), Param::Int(now_ms())]).await?;
        for (name, role, private) in seats {
            let user = (name == creator_seat).then_some(creator);
            tx.exec("INSERT INTO seats (negotiation_id, seat, role, user_id, agent, private_doc, share_with_mediator) VALUES ($1, $2, $3, $4, NULL, $5, 0)",
                &[Param::Text(id), Param::Text(name), Param::Text(role), Param::OptText(user), Param::OptText(private.as_deref())]).await?;
        }
        tx.commit().await
    }
}

impl Tx {
    /// The negotiation as it was when this transaction took the lock (before its own updates).
    pub fn negotiation(&self) -> &NegotiationRow {
        // `write` sets it; transactions outside a negotiation never expose themselves.
        self.row.as_ref().expect("a negotiation's transaction")
    }

    /// Runs a statement with text and integer parameters (`$1`, `$2`, ... in order); returns
    /// the rows it changed. A unique key already taken is `Conflict`.
    pub async fn exec(&mut self, sql: &str, params: &[Param<'_>]) -> Result<u64, StoreError> {
        match &mut self.conn {
            Conn::Sqlite(w) => sqlite::exec(&w.conn, sql, params),
            Conn::Postgres(tx) => pg_exec(&mut **tx, sql, params).await,
            Conn::Done => unreachable!("`commit` consumes the transaction"),
        }
    }

    /// Runs a statement that returns rows (of integers, text and NULLs).
    pub(crate) async fn query(
        &mut self,
        sql: &str,
        params: &[Param<'_>],
    ) -> Result<Vec<Vec<Cell>>, StoreError> {
        match &mut self.conn {
            Conn::Sqlite(w) => sqlite::query(&w.conn, sql, params),
            Conn::Postgres(tx) => pg_query(&mut **tx, sql, params).await,
            Conn::Done => unreachable!("`commit` consumes the transaction"),
        }
    }

    /// Every negotiating party with its verdict on one draft (`None`: not answered yet), by seat.
    pub async fn verdicts(
        &mut self,
        version: i64,
    ) -> Result<Vec<(String, Option<String>)>, StoreError> {
        let id = self.negotiation().id.clone();
        let rows = self.query(
            "SELECT s.seat, r.verdict FROM seats s LEFT JOIN responses r ON r.negotiation_id = s.negotiation_id AND r.seat = s.seat AND r.version = $2 WHERE s.negotiation_id = $1 AND s.role = 'party'",
            &[Param::Text(&id), Param::Int(version)],
        ).await?;
        let mut out = rows
            .iter()
            .map(|r| Some((r.first()?.text()?, r.get(1)?.text())))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| decode_error("verdicts"))?;
        out.sort();
        Ok(out)
    }

    /// One draft's status and deadline.
    pub async fn draft_state(&mut self, version: i64) -> Result<Option<(String, i64)>, StoreError> {
        let id = self.negotiation().id.clone();
        let rows = self
            .query(
                "SELECT status, deadline_at FROM drafts WHERE negotiation_id = $1 AND version = $2",
                &[Param::Text(&id), Param::Int(version)],
            )
            .await?;
        rows.first()
            .map(|r| {
                let status = r.first().and_then(Cell::text);
                let deadline = r.get(1).and_then(Cell::int);
                status.zip(deadline).ok_or_else(|| decode_error("draft"))
            })
            .transpose()
    }

    /// Appends an event to the log; returns its number.
    pub async fn event(
        &mut self,
        kind: &str,
        actor: Option<&str>,
        audience: &str,
        payload: &serde_json::Value,
    ) -> Result<i64, StoreError> {
        let id = self.negotiation().id.clone();
        let payload = payload.to_string();
        // Numbered and appended in one statement (the lock taken by `write` keeps it gap-free).
        let rows = self.query(
            "INSERT INTO events (negotiation_id, seq, kind, actor, audience, payload, created_at) SELECT $1, COALESCE(MAX(seq), 0) + 1, $2, $3, $4, $5, $6 FROM events WHERE negotiation_id = $1 RETURNING seq",
            &[Param::Text(&id), Param::Text(kind), Param::OptText(actor), Param::Text(audience), Param::Text(&payload), Param::Int(now_ms())],
        ).await?;
        let seq = rows
            .first()
            .and_then(|r| r.first()?.int())
            .ok_or_else(|| decode_error("event number"))?;
        if matches!(self.conn, Conn::Postgres(_)) {
            // Delivered at commit to every instance listening (see `listen`).
            self.query("SELECT pg_notify('accord_events', $1)", &[Param::Text(&id)])
                .await?;
        }
        Ok(seq)
    }

    /// Commits.
    pub async fn commit(mut self) -> Result<(), StoreError> {
        self.open = false;
        match std::mem::replace(&mut self.conn, Conn::Done) {
            Conn::Sqlite(w) => {
                if let Err(e) = w.conn.execute_batch("COMMIT") {
                    let _ = w.conn.execute_batch("ROLLBACK");
                    return Err(e.into());
                }
                Ok(())
            }
            Conn::Postgres(tx) => Ok(tx.commit().await?),
            Conn::Done => Ok(()),
        }
    }
}

impl Drop for Tx {
    fn drop(&mut self) {
        // Not committed (an error, or the request went away): undo before the writer is
        // released. PostgreSQL's transaction rolls itself back.
        if let (true, Conn::Sqlite(w)) = (self.open, &self.conn) {
            if !w.conn.is_autocommit() {
                let _ = w.conn.execute_batch("ROLLBACK");
            }
        }
    }
}

fn bind_all<'q>(
    mut q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    params: &[Param<'q>],
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    for p in params {
        q = match *p {
            Param::Text(s) => q.bind(s),
            Param::OptText(s) => q.bind(s),
            Param::Int(i) => q.bind(i),
        };
    }
    q
}

/// A statement on PostgreSQL (through sqlx); a unique key already taken is `Conflict`.
pub(crate) async fn pg_exec<'c>(
    conn: impl sqlx::Executor<'c, Database = sqlx::Any>,
    sql: &str,
    params: &[Param<'_>],
) -> Result<u64, StoreError> {
    match bind_all(sqlx::query(sql), params).execute(conn).await {
        Ok(r) => Ok(r.rows_affected()),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            Err(StoreError::Conflict("already recorded".into()))
        }
        Err(e) => Err(e.into()),
    }
}

/// Rows of integers, text and NULLs from PostgreSQL (through sqlx).
pub(crate) async fn pg_query<'c>(
    conn: impl sqlx::Executor<'c, Database = sqlx::Any>,
    sql: &str,
    params: &[Param<'_>],
) -> Result<Vec<Vec<Cell>>, StoreError> {
    let rows = bind_all(sqlx::query(sql), params).fetch_all(conn).await?;
    rows.iter()
        .map(|r| {
            (0..r.len())
                .map(|i| {
                    if let Ok(v) = r.try_get::<Option<i64>, _>(i) {
                        Ok(v.map_or(Cell::Null, Cell::Int))
                    } else {
                        Ok(r.try_get::<Option<String>, _>(i)?
                            .map_or(Cell::Null, Cell::Text))
                    }
                })
                .collect::<Result<Vec<Cell>, sqlx::Error>>()
        })
        .collect::<Result<_, _>>()
        .map_err(StoreError::Db)
}
