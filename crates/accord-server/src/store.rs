//! The store: every read and write of the server, over SQLite (embedded, the default) or
//! PostgreSQL. One interface, one SQL text for both (portable SQL, `$n` parameters in order of
//! first use, which both drivers bind by position); the backend is chosen by the URL.
//!
//! **Invariant:** every write to a negotiation runs in one transaction that first touches the
//! negotiation's row, so writes to one negotiation are serialised (a row lock on PostgreSQL, the
//! write lock on SQLite) and event numbers never collide.

use serde::Serialize;
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Row, Transaction};

/// A failed store operation.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database refused or failed.
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    /// Migrations failed.
    #[error("migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A unique key exists already.
    #[error("{0}")]
    Conflict(String),
}

/// Which backend a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// An SQLite file.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

/// The database behind the server.
#[derive(Clone)]
pub struct Store {
    /// Writes (SQLite: its one writer connection).
    pool: AnyPool,
    /// Reads outside transactions (SQLite in WAL mode: readers run beside the writer).
    read: AnyPool,
    /// Its backend.
    pub backend: Backend,
    /// The URL it was opened with.
    pub url: String,
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// A user account.
#[derive(Debug, Clone, Serialize)]
pub struct User {
    /// Id.
    pub id: String,
    /// Login name.
    pub name: String,
}

/// A negotiation's row.
#[derive(Debug, Clone)]
pub struct NegotiationRow {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// The public scenario document (JSON).
    pub public_doc: String,
    /// `open`, `agreed` or `failed`.
    pub status: String,
    /// The agreed draft's version.
    pub agreement_version: Option<i64>,
    /// The last draft circulated (0 before any).
    pub current_version: i64,
}

/// A seat.
#[derive(Debug, Clone)]
pub struct SeatRow {
    /// Seat (party) name.
    pub seat: String,
    /// `party`, `mediator` or `observer`.
    pub role: String,
    /// The person holding it.
    pub user_id: Option<String>,
    /// The agent holding it.
    pub agent: Option<String>,
    /// Confidential preferences (JSON), if given.
    pub private_doc: Option<String>,
    /// Whether the party lets mediators see them.
    pub share_with_mediator: bool,
}

/// A draft.
#[derive(Debug, Clone)]
pub struct DraftRow {
    /// Version, from 1.
    pub version: i64,
    /// Clauses (JSON).
    pub clauses: String,
    /// The mediator's note.
    pub note: Option<String>,
    /// Response deadline (ms).
    pub deadline_at: i64,
    /// `open`, `accepted`, `rejected`, `expired` or `superseded`.
    pub status: String,
    /// When circulated (ms).
    pub created_at: i64,
}

/// A party's response to a draft.
#[derive(Debug, Clone)]
pub struct ResponseRow {
    /// Draft version.
    pub version: i64,
    /// The responding seat.
    pub seat: String,
    /// `accept`, `reject` or `amend`.
    pub verdict: String,
    /// The amendment (JSON).
    pub amendment: Option<String>,
    /// Comment.
    pub comment: Option<String>,
    /// When (ms).
    pub created_at: i64,
}

/// An event of the audit log.
#[derive(Debug, Clone, Serialize)]
pub struct EventRow {
    /// Number within the negotiation, from 1.
    pub seq: i64,
    /// What happened.
    pub kind: String,
    /// Who did it (a user id), or none for the server.
    pub actor: Option<String>,
    /// Who may see it: `*`, `mediators`, or a seat.
    pub audience: String,
    /// Details (JSON).
    pub payload: serde_json::Value,
    /// When (ms).
    pub created_at: i64,
}

fn negotiation(r: &AnyRow) -> Result<NegotiationRow, sqlx::Error> {
    Ok(NegotiationRow {
        id: r.try_get("id")?,
        title: r.try_get("title")?,
        public_doc: r.try_get("public_doc")?,
        status: r.try_get("status")?,
        agreement_version: r.try_get("agreement_version")?,
        current_version: r.try_get("current_version")?,
    })
}

fn seat(r: &AnyRow) -> Result<SeatRow, sqlx::Error> {
    Ok(SeatRow {
        seat: r.try_get("seat")?,
        role: r.try_get("role")?,
        user_id: r.try_get("user_id")?,
        agent: r.try_get("agent")?,
        private_doc: r.try_get("private_doc")?,
        share_with_mediator: r.try_get::<i64, _>("share_with_mediator")? != 0,
    })
}

/// A transaction on one negotiation (see the module's invariant).
pub struct Tx<'a> {
    tx: Transaction<'a, sqlx::Any>,
    negotiation: String,
    backend: Backend,
}

impl Store {
    /// Opens (and for SQLite creates) the database and applies the migrations.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        };
        // SQLite: create the file on first start unless the URL says otherwise.
        let connect = match backend {
            Backend::Sqlite if url.contains("mode=") => url.to_string(),
            Backend::Sqlite if url.contains('?') => format!("{url}&mode=rwc"),
            Backend::Sqlite => format!("{url}?mode=rwc"),
            Backend::Postgres => url.to_string(),
        };
        let sqlite = |connections: u32| {
            AnyPoolOptions::new()
                .max_connections(connections)
                .after_connect(|conn, _| {
                    Box::pin(async move {
                        use sqlx::Executor;
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        // WAL with NORMAL: a commit survives the process being killed (what the
                        // durability test checks); only an operating-system crash or power loss
                        // may lose the last commits.
                        conn.execute("PRAGMA synchronous = NORMAL").await?;
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                        conn.execute("PRAGMA busy_timeout = 5000").await?;
                        Ok(())
                    })
                })
        };
        let (pool, read) = match backend {
            // One writer connection: SQLite has one writer anyway, and this way a transaction
            // never waits for a lock another connection holds. Readers run beside it (WAL).
            Backend::Sqlite => {
                let pool = sqlite(1).connect(&connect).await?;
                sqlx::migrate!("./migrations").run(&pool).await?;
                (pool, sqlite(4).connect(&connect).await?)
            }
            Backend::Postgres => {
                let pool = AnyPoolOptions::new()
                    .max_connections(16)
                    .connect(&connect)
                    .await?;
                sqlx::migrate!("./migrations").run(&pool).await?;
                (pool.clone(), pool)
            }
        };
        Ok(Store {
            pool,
            read,
            backend,
            url: url.to_string(),
        })
    }

    /// On PostgreSQL, calls `changed` with the negotiation id of every event any instance
    /// commits (LISTEN/NOTIFY), reconnecting when the connection drops. On SQLite, returns.
    pub async fn listen(&self, changed: impl Fn(String) + Send + 'static) {
        if self.backend != Backend::Postgres {
            return;
        }
        loop {
            match sqlx::postgres::PgListener::connect(&self.url).await {
                Ok(mut l) => {
                    if l.listen("accord_events").await.is_ok() {
                        while let Ok(n) = l.recv().await {
                            changed(n.payload().to_string());
                        }
                    }
                }
                Err(e) => eprintln!("event listener: {e}"),
            }
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        }
    }

    /// Creates an account; `Conflict` when the name is taken.
    pub async fn create_user(&self, id: &str, name: &str, hash: &str) -> Result<(), StoreError> {
        let r = sqlx::query(
            "INSERT INTO users (id, name, password_hash, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(name)
        .bind(hash)
        .bind(now_ms())
        .execute(&self.pool)
        .await;
        match r {
            Ok(_) => Ok(()),
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                Err(StoreError::Conflict(format!("the name `{name}` is taken")))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// An account and its password hash, by name.
    pub async fn user_by_name(&self, name: &str) -> Result<Option<(User, String)>, StoreError> {
        let row = sqlx::query("SELECT id, name, password_hash FROM users WHERE name = $1")
            .bind(name)
            .fetch_optional(&self.read)
            .await?;
        row.map(|r| {
            Ok((
                User {
                    id: r.try_get("id")?,
                    name: r.try_get("name")?,
                },
                r.try_get("password_hash")?,
            ))
        })
        .transpose()
        .map_err(StoreError::Db)
    }

    /// Records a session token (hashed).
    pub async fn create_session(
        &self,
        token_hash: &str,
        user: &str,
        ttl_ms: i64,
    ) -> Result<(), StoreError> {
        let now = now_ms();
        sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(token_hash)
            .bind(user)
            .bind(now)
            .bind(now + ttl_ms)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The user of a live session.
    pub async fn session_user(&self, token_hash: &str) -> Result<Option<User>, StoreError> {
        let row = sqlx::query(
            "SELECT u.id, u.name FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND s.expires_at > $2",
        )
        .bind(token_hash)
        .bind(now_ms())
        .fetch_optional(&self.read)
        .await?;
        Ok(row
            .map(|r| -> Result<User, sqlx::Error> {
                Ok(User {
                    id: r.try_get("id")?,
                    name: r.try_get("name")?,
                })
            })
            .transpose()?)
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
        let mut tx = self.pool.begin().await?;
        sqlx::query("INSERT INTO negotiations (id, title, public_doc, status, agreement_version, current_version, created_by, created_at) VALUES ($1, $2, $3, 'open', NULL, 0, $4, $5)")
            .bind(id)
            .bind(title)
            .bind(public_doc)
            .bind(creator)
            .bind(now_ms())
            .execute(&mut *tx)
            .await?;
        for (name, role, private) in seats {
            let user = (name == creator_seat).then_some(creator);
            sqlx::query("INSERT INTO seats (negotiation_id, seat, role, user_id, agent, private_doc, share_with_mediator) VALUES ($1, $2, $3, $4, NULL, $5, 0)")
                .bind(id)
                .bind(name)
                .bind(role)
                .bind(user)
                .bind(private.as_deref())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// A negotiation.
    pub async fn negotiation(&self, id: &str) -> Result<Option<NegotiationRow>, StoreError> {
        let row = sqlx::query("SELECT id, title, public_doc, status, agreement_version, current_version FROM negotiations WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.read)
            .await?;
        Ok(row.as_ref().map(negotiation).transpose()?)
    }

    /// The negotiations a user holds a seat in.
    pub async fn negotiations_of(
        &self,
        user: &str,
    ) -> Result<Vec<(NegotiationRow, String)>, StoreError> {
        let rows = sqlx::query("SELECT n.id, n.title, n.public_doc, n.status, n.agreement_version, n.current_version, s.seat FROM negotiations n JOIN seats s ON s.negotiation_id = n.id WHERE s.user_id = $1 ORDER BY n.created_at")
            .bind(user)
            .fetch_all(&self.read)
            .await?;
        rows.iter()
            .map(|r| Ok((negotiation(r)?, r.try_get("seat")?)))
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StoreError::Db)
    }

    /// Every seat of a negotiation, in creation order of the scenario.
    pub async fn seats(&self, negotiation_id: &str) -> Result<Vec<SeatRow>, StoreError> {
        let rows = sqlx::query("SELECT seat, role, user_id, agent, private_doc, share_with_mediator FROM seats WHERE negotiation_id = $1")
            .bind(negotiation_id)
            .fetch_all(&self.read)
            .await?;
        // Sorted here: the two databases collate text differently.
        let mut seats: Vec<SeatRow> = rows.iter().map(seat).collect::<Result<_, _>>()?;
        seats.sort_by(|a, b| a.seat.cmp(&b.seat));
        Ok(seats)
    }

    /// The drafts from version `from` on (0 or 1: all), oldest first.
    pub async fn drafts(
        &self,
        negotiation_id: &str,
        from: i64,
    ) -> Result<Vec<DraftRow>, StoreError> {
        let rows = sqlx::query("SELECT version, clauses, note, deadline_at, status, created_at FROM drafts WHERE negotiation_id = $1 AND version >= $2 ORDER BY version")
            .bind(negotiation_id)
            .bind(from)
            .fetch_all(&self.read)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(DraftRow {
                    version: r.try_get("version")?,
                    clauses: r.try_get("clauses")?,
                    note: r.try_get("note")?,
                    deadline_at: r.try_get("deadline_at")?,
                    status: r.try_get("status")?,
                    created_at: r.try_get("created_at")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StoreError::Db)
    }

    /// The responses to drafts from version `from` on, by draft then time.
    pub async fn responses(
        &self,
        negotiation_id: &str,
        from: i64,
    ) -> Result<Vec<ResponseRow>, StoreError> {
        let rows = sqlx::query("SELECT version, seat, verdict, amendment, comment, created_at FROM responses WHERE negotiation_id = $1 AND version >= $2 ORDER BY version, created_at, seat")
            .bind(negotiation_id)
            .bind(from)
            .fetch_all(&self.read)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(ResponseRow {
                    version: r.try_get("version")?,
                    seat: r.try_get("seat")?,
                    verdict: r.try_get("verdict")?,
                    amendment: r.try_get("amendment")?,
                    comment: r.try_get("comment")?,
                    created_at: r.try_get("created_at")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StoreError::Db)
    }

    /// Events after `after`, oldest first.
    pub async fn events(
        &self,
        negotiation_id: &str,
        after: i64,
    ) -> Result<Vec<EventRow>, StoreError> {
        let rows = sqlx::query("SELECT seq, kind, actor, audience, payload, created_at FROM events WHERE negotiation_id = $1 AND seq > $2 ORDER BY seq")
            .bind(negotiation_id)
            .bind(after)
            .fetch_all(&self.read)
            .await?;
        rows.iter()
            .map(|r| {
                let payload: String = r.try_get("payload")?;
                Ok(EventRow {
                    seq: r.try_get("seq")?,
                    kind: r.try_get("kind")?,
                    actor: r.try_get("actor")?,
                    audience: r.try_get("audience")?,
                    payload: serde_json::from_str(&payload).unwrap_or(serde_json::Value::Null),
                    created_at: r.try_get("created_at")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StoreError::Db)
    }

    /// Open drafts whose deadline has passed: (negotiation, version).
    pub async fn due_drafts(&self, now: i64) -> Result<Vec<(String, i64)>, StoreError> {
        let rows = sqlx::query("SELECT negotiation_id, version FROM drafts WHERE status = 'open' AND deadline_at <= $1")
            .bind(now)
            .fetch_all(&self.read)
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("negotiation_id")?, r.try_get("version")?)))
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StoreError::Db)
    }

    /// Open drafts some agent seat has not answered: (negotiation, version).
    pub async fn agents_pending(&self) -> Result<Vec<(String, i64)>, StoreError> {
        let rows = sqlx::query(
            "SELECT DISTINCT d.negotiation_id, d.version FROM drafts d JOIN seats s ON s.negotiation_id = d.negotiation_id \
             WHERE d.status = 'open' AND s.agent IS NOT NULL AND NOT EXISTS \
             (SELECT 1 FROM responses r WHERE r.negotiation_id = d.negotiation_id AND r.version = d.version AND r.seat = s.seat)",
        )
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("negotiation_id")?, r.try_get("version")?)))
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StoreError::Db)
    }

    /// Starts a write on one negotiation, serialised with every other write on it.
    pub async fn write(&self, negotiation_id: &str) -> Result<Tx<'static>, StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE negotiations SET current_version = current_version WHERE id = $1")
            .bind(negotiation_id)
            .execute(&mut *tx)
            .await?;
        Ok(Tx {
            tx,
            negotiation: negotiation_id.to_string(),
            backend: self.backend,
        })
    }

    /// Records an invitation to a seat (the token hashed).
    pub async fn create_invitation(
        &self,
        token_hash: &str,
        negotiation_id: &str,
        seat: &str,
    ) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO invitations (token_hash, negotiation_id, seat, created_at, used_by) VALUES ($1, $2, $3, $4, NULL)")
            .bind(token_hash)
            .bind(negotiation_id)
            .bind(seat)
            .bind(now_ms())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The negotiation and seat an unused invitation is for.
    pub async fn invitation(
        &self,
        token_hash: &str,
    ) -> Result<Option<(String, String)>, StoreError> {
        let row = sqlx::query("SELECT negotiation_id, seat FROM invitations WHERE token_hash = $1 AND used_by IS NULL AND created_at > $2")
            .bind(token_hash)
            .bind(now_ms() - 14 * 24 * 3600 * 1000)
            .fetch_optional(&self.read)
            .await?;
        Ok(row
            .map(|r| -> Result<(String, String), sqlx::Error> {
                Ok((r.try_get("negotiation_id")?, r.try_get("seat")?))
            })
            .transpose()?)
    }
}

impl Tx<'_> {
    /// The negotiation, as this transaction sees it.
    pub async fn negotiation(&mut self) -> Result<NegotiationRow, StoreError> {
        let r = sqlx::query("SELECT id, title, public_doc, status, agreement_version, current_version FROM negotiations WHERE id = $1")
            .bind(&self.negotiation)
            .fetch_one(&mut *self.tx)
            .await?;
        Ok(negotiation(&r)?)
    }

    /// Runs a statement with text and integer parameters bound in order.
    pub async fn exec(&mut self, sql: &str, params: &[Param<'_>]) -> Result<u64, StoreError> {
        let mut q = sqlx::query(sql);
        for p in params {
            q = match p {
                Param::Text(s) => q.bind(*s),
                Param::OptText(s) => q.bind(*s),
                Param::Int(i) => q.bind(*i),
            };
        }
        match q.execute(&mut *self.tx).await {
            Ok(r) => Ok(r.rows_affected()),
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                Err(StoreError::Conflict("already recorded".into()))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Responses to one draft: (seat, verdict).
    pub async fn verdicts(&mut self, version: i64) -> Result<Vec<(String, String)>, StoreError> {
        let rows = sqlx::query(
            "SELECT seat, verdict FROM responses WHERE negotiation_id = $1 AND version = $2",
        )
        .bind(&self.negotiation)
        .bind(version)
        .fetch_all(&mut *self.tx)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("seat")?, r.try_get("verdict")?)))
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StoreError::Db)
    }

    /// The negotiating parties' seat names.
    pub async fn party_seats(&mut self) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query(
            "SELECT seat FROM seats WHERE negotiation_id = $1 AND role = 'party' ORDER BY seat",
        )
        .bind(&self.negotiation)
        .fetch_all(&mut *self.tx)
        .await?;
        let mut seats: Vec<String> = rows
            .iter()
            .map(|r| r.try_get("seat"))
            .collect::<Result<_, sqlx::Error>>()?;
        seats.sort();
        Ok(seats)
    }

    /// One draft's status and deadline.
    pub async fn draft_state(&mut self, version: i64) -> Result<Option<(String, i64)>, StoreError> {
        let row = sqlx::query(
            "SELECT status, deadline_at FROM drafts WHERE negotiation_id = $1 AND version = $2",
        )
        .bind(&self.negotiation)
        .bind(version)
        .fetch_optional(&mut *self.tx)
        .await?;
        Ok(row
            .map(|r| -> Result<(String, i64), sqlx::Error> {
                Ok((r.try_get("status")?, r.try_get("deadline_at")?))
            })
            .transpose()?)
    }

    /// Appends an event to the log; returns its number.
    pub async fn event(
        &mut self,
        kind: &str,
        actor: Option<&str>,
        audience: &str,
        payload: &serde_json::Value,
    ) -> Result<i64, StoreError> {
        let row = sqlx::query(
            "SELECT COALESCE(MAX(seq), 0) AS last FROM events WHERE negotiation_id = $1",
        )
        .bind(&self.negotiation)
        .fetch_one(&mut *self.tx)
        .await?;
        let seq: i64 = row.try_get::<i64, _>("last")? + 1;
        let negotiation = self.negotiation.clone();
        self.exec(
            "INSERT INTO events (negotiation_id, seq, kind, actor, audience, payload, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            &[
                Param::Text(&negotiation),
                Param::Int(seq),
                Param::Text(kind),
                Param::OptText(actor),
                Param::Text(audience),
                Param::Text(&payload.to_string()),
                Param::Int(now_ms()),
            ],
        )
        .await?;
        if self.backend == Backend::Postgres {
            // Delivered at commit to every instance listening (see `listen`).
            sqlx::query("SELECT pg_notify('accord_events', $1)")
                .bind(&self.negotiation)
                .execute(&mut *self.tx)
                .await?;
        }
        Ok(seq)
    }

    /// Commits.
    pub async fn commit(self) -> Result<(), StoreError> {
        self.tx.commit().await?;
        Ok(())
    }
}

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
