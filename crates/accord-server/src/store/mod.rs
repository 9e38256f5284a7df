//! The store: every read and write of the server, over SQLite (embedded, the default) or
//! PostgreSQL. One interface, one SQL text for both (portable SQL, `$n` parameters in order of
//! first use, which both drivers bind by position); the backend is chosen by the URL.
//!
//! **Invariant:** every write to a negotiation runs in one transaction that first touches the
//! negotiation's row, so writes to one negotiation are serialised (a row lock on PostgreSQL, the
//! write lock on SQLite) and event numbers never collide.

mod accounts;
mod events;
mod invitations;
mod messages;
mod one_text;
mod pg;
mod phases;
mod rows;
mod sessions;
mod sql;
mod sqlite;
mod write;

pub use events::NewEvent;
pub use invitations::{InvitationPreview, PendingInvitation};
pub use messages::MessageRow;
pub use one_text::OneTextMarks;
pub use phases::PhasedDraftRow;
pub use rows::{DraftRow, EventRow, NegotiationRow, ResponseRow, SeatRow, User};
pub use sql::Param;
pub use write::Tx;

use crate::domain::{
    parse_role, Audience, Consent, DraftStatus, EventKind, NegotiationStatus, PreferencesSource,
    Role, Verdict,
};
use serde::Serialize;
use sql::{decode_error, Cell};
use sqlx::any::AnyPoolOptions;
use sqlx::Connection;

/// A failed store operation.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database refused or failed.
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    /// SQLite's writer refused or failed.
    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// Migrations failed.
    #[error("migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A unique key exists already.
    #[error("{0}")]
    Conflict(String),
    /// A stored name is not one the server knows (a row written by a newer version?).
    #[error("stored value: {0}")]
    Stored(#[from] crate::domain::UnknownName),
    /// A stored agent spec no longer parses.
    #[error("stored agent: {0}")]
    Agent(#[from] accord_strategy::StrategyError),
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
    db: Db,
    /// The URL it was opened with.
    pub url: String,
    /// Sessions just read (see `sessions`).
    sessions: std::sync::Arc<sessions::SessionCache>,
}

/// The connections of each backend.
#[derive(Clone)]
enum Db {
    /// The one writer connection (see `write`) and connections for reads (see `sqlite`).
    Sqlite {
        writer: std::sync::Arc<tokio::sync::Mutex<sqlite::Writer>>,
        readers: std::sync::Arc<sqlite::Readers>,
    },
    /// The store's pool (see `pg`), for every read and write.
    Postgres(std::sync::Arc<pg::Pool>),
}

/// How long an invitation stays valid: 14 days.
pub const INVITATION_MS: i64 = 14 * 24 * 3600 * 1000;

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

fn text(r: &[Cell], i: usize) -> Result<String, StoreError> {
    r.get(i)
        .and_then(Cell::text)
        .ok_or_else(|| decode_error("text column in a"))
}

fn opt_text(r: &[Cell], i: usize) -> Result<Option<String>, StoreError> {
    match r.get(i) {
        Some(Cell::Null) => Ok(None),
        Some(Cell::Text(t)) => Ok(Some(t.clone())),
        _ => Err(decode_error("text column in a")),
    }
}

fn int(r: &[Cell], i: usize) -> Result<i64, StoreError> {
    r.get(i)
        .and_then(Cell::int)
        .ok_or_else(|| decode_error("integer column in a"))
}

fn opt_int(r: &[Cell], i: usize) -> Result<Option<i64>, StoreError> {
    match r.get(i) {
        Some(Cell::Null) => Ok(None),
        Some(Cell::Int(v)) => Ok(Some(*v)),
        _ => Err(decode_error("integer column in a")),
    }
}

/// An event from the columns `seq, kind, actor, audience, payload, created_at, audience_seat`.
fn event_from(r: &[Cell]) -> Result<EventRow, StoreError> {
    Ok(EventRow {
        seq: int(r, 0)?,
        kind: text(r, 1)?.parse()?,
        actor: opt_text(r, 2)?,
        audience: Audience::from_columns(&text(r, 3)?, opt_text(r, 6)?)?,
        payload: serde_json::from_str(&text(r, 4)?).unwrap_or(serde_json::Value::Null),
        created_at: int(r, 5)?,
    })
}

/// The columns of a negotiation's row, in the order `negotiation_from` reads them.
pub(crate) const NEGOTIATION: &str =
    "n.id, n.title, NULL, n.status, n.agreement_version, n.current_version, n.closed_reason, n.adjourned_reason, n.rules, n.feedback";

/// How many columns `NEGOTIATION` has (where the next ones start).
const NEGOTIATION_WIDTH: usize = 10;

/// A negotiation's row from the cells of `NEGOTIATION`, then anything else.
pub(crate) fn negotiation_from(r: &[Cell]) -> Result<NegotiationRow, StoreError> {
    Ok(NegotiationRow {
        id: text(r, 0)?,
        title: text(r, 1)?,
        public_doc: r.get(2).and_then(Cell::text),
        status: text(r, 3)?.parse()?,
        agreement_version: opt_int(r, 4)?,
        current_version: int(r, 5)?,
        closed_reason: opt_text(r, 6)?,
        adjourned_reason: opt_text(r, 7)?,
        rules: accord_protocol::live::rules::parse_rules(&text(r, 8)?, opt_text(r, 9)?.as_deref())?,
    })
}

/// The columns of a seat, in the order `seat_from` reads them (from `at`).
const SEAT: &str = "s.seat, s.role, s.user_id, s.agent, s.private_doc, s.consent, s.preferences_source, s.agent_failed, hu.name";
const SEAT_WIDTH: usize = 9;
/// The types of `NEGOTIATION` and `SEAT`'s columns (`i`: integer, `t`: text).
const NEGOTIATION_AND_SEAT_TYPES: &str = "ttttiittttttttttttt";
const _: () = assert!(NEGOTIATION_AND_SEAT_TYPES.len() == NEGOTIATION_WIDTH + SEAT_WIDTH);

/// A negotiation as a view reads it (`Store::negotiation_view`).
#[derive(Debug, Clone)]
pub struct NegotiationView {
    /// Its row.
    pub negotiation: NegotiationRow,
    /// Its seats, by name.
    pub seats: Vec<SeatRow>,
    /// The drafts asked for, oldest first.
    pub drafts: Vec<DraftRow>,
    /// Their responses asked for, by draft, then time, then seat.
    pub responses: Vec<ResponseRow>,
    /// Seats with an invitation out, as `Store::invited_seats` gives them (what a mediator's
    /// view shows; read for every viewer, as it rides on the same statement).
    pub invited: Vec<String>,
}

/// A draft's columns, read by `draft_from`.
const DRAFT: &str = "version, clauses, note, deadline_at, status, created_at, created_by, remaining_ms, withdrawn_reason, corrects, final_vote";
const DRAFT_WIDTH: usize = 11;
/// The types of `DRAFT`'s columns (`i`: integer, `t`: text).
const DRAFT_TYPES: &str = "ittitititii";
const _: () = assert!(DRAFT_TYPES.len() == DRAFT_WIDTH);

fn draft_from(r: &[Cell], at: usize) -> Result<DraftRow, StoreError> {
    Ok(DraftRow {
        version: int(r, at)?,
        clauses: text(r, at + 1)?,
        note: opt_text(r, at + 2)?,
        deadline_at: int(r, at + 3)?,
        status: text(r, at + 4)?.parse()?,
        created_at: int(r, at + 5)?,
        created_by: text(r, at + 6)?,
        remaining_ms: opt_int(r, at + 7)?,
        withdrawn_reason: opt_text(r, at + 8)?,
        corrects: opt_int(r, at + 9)?,
        final_vote: int(r, at + 10)? == 1,
    })
}

/// A response's columns, read by `response_from`.
const RESPONSE: &str =
    "version, seat, verdict, amendment, comment, created_at, changed_at, comparison";
const RESPONSE_WIDTH: usize = 8;
/// The types of `RESPONSE`'s columns (`i`: integer, `t`: text).
const RESPONSE_TYPES: &str = "ittttiit";
const _: () = assert!(RESPONSE_TYPES.len() == RESPONSE_WIDTH);

fn response_from(r: &[Cell], at: usize) -> Result<ResponseRow, StoreError> {
    Ok(ResponseRow {
        version: int(r, at)?,
        seat: text(r, at + 1)?,
        verdict: text(r, at + 2)?.parse()?,
        amendment: opt_text(r, at + 3)?,
        comment: opt_text(r, at + 4)?,
        created_at: int(r, at + 5)?,
        changed_at: opt_int(r, at + 6)?,
        comparison: opt_text(r, at + 7)?.map(|c| c.parse()).transpose()?,
    })
}

fn seat_from(r: &[Cell], at: usize) -> Result<SeatRow, StoreError> {
    Ok(SeatRow {
        seat: text(r, at)?,
        role: parse_role(&text(r, at + 1)?)?,
        user_id: opt_text(r, at + 2)?,
        agent: opt_text(r, at + 3)?.map(|a| a.parse()).transpose()?,
        private_doc: opt_text(r, at + 4)?,
        consent: text(r, at + 5)?.parse()?,
        preferences_source: opt_text(r, at + 6)?.map(|x| x.parse()).transpose()?,
        agent_failed: opt_text(r, at + 7)?,
        holder_name: opt_text(r, at + 8)?,
    })
}

/// How many PostgreSQL connections an instance keeps: `ACCORD_PG_POOL` when set, else twice the
/// cores (at least 4, at most 32). Writes to one negotiation wait for each other's lock, so more
/// connections than the machine can run at once only add switching: on 2 cores the load
/// benchmark gave 1,260 party actions/s with 16 connections against 1,340-1,375 with 4 or 8, and
/// p99 22 ms against 12-15 ms (BENCHMARKS.md).
fn postgres_pool_size() -> u32 {
    if let Some(n) = std::env::var("ACCORD_PG_POOL")
        .ok()
        .and_then(|v| v.trim().parse::<u32>().ok())
        .filter(|n| *n >= 1)
    {
        return n;
    }
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get() as u32);
    (2 * cores).clamp(4, 32)
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
        let db = match backend {
            Backend::Sqlite => {
                // sqlx applies the migrations (creating the file); rusqlite serves from then on.
                let migrating = AnyPoolOptions::new()
                    .max_connections(1)
                    .connect(&connect)
                    .await?;
                sqlx::migrate!("./migrations").run(&migrating).await?;
                migrating.close().await;
                Db::Sqlite {
                    writer: sqlite::open_writer(url)?,
                    readers: std::sync::Arc::new(sqlite::Readers::new(url)),
                }
            }
            Backend::Postgres => {
                // The migrations on a connection of their own (which also says at once whether
                // the server answers); then the store's pool, whose connections are pinged
                // before use only after a quiet second and never on their way back (see `pg`).
                let mut migrating = sqlx::AnyConnection::connect(&connect).await?;
                sqlx::migrate!("./migrations").run(&mut migrating).await?;
                migrating.close().await?;
                Db::Postgres(pg::Pool::new(&connect, postgres_pool_size()))
            }
        };
        Ok(Store {
            db,
            url: url.to_string(),
            sessions: std::sync::Arc::default(),
        })
    }

    /// Its backend.
    pub fn backend(&self) -> Backend {
        match self.db {
            Db::Sqlite { .. } => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// On PostgreSQL, calls `changed` with the negotiation id of every event any instance
    /// commits (LISTEN/NOTIFY), and forgets the cached sessions another instance ended,
    /// reconnecting when the connection drops. On SQLite, returns.
    pub async fn listen(&self, changed: impl Fn(String) + Send + 'static) {
        if self.backend() != Backend::Postgres {
            return;
        }
        loop {
            match sqlx::postgres::PgListener::connect(&self.url).await {
                Ok(mut l) => {
                    if l.listen_all(["accord_events", sessions::CHANNEL])
                        .await
                        .is_ok()
                    {
                        // Endings announced while no listener ran are unknown: trust no
                        // cached session.
                        self.sessions.forget_all();
                        while let Ok(n) = l.recv().await {
                            if n.channel() == sessions::CHANNEL {
                                self.forget_sessions(n.payload());
                            } else {
                                changed(n.payload().to_string());
                            }
                        }
                    }
                }
                Err(e) => tracing::warn!(error = %e, "event listener"),
            }
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        }
    }

    /// Runs a read outside any transaction.
    async fn select(&self, sql: &str, params: &[Param<'_>]) -> Result<Vec<Vec<Cell>>, StoreError> {
        match &self.db {
            Db::Sqlite { readers, .. } => readers.query(sql, params),
            Db::Postgres(pool) => pool.query(sql, params).await,
        }
    }

    /// An account and its password hash, by the name's key (see `names::key`), or by its exact
    /// name (an account older than keys whose key another holds, see migration 0004).
    pub async fn user_by_name(
        &self,
        name_key: &str,
        name: &str,
    ) -> Result<Option<(User, String)>, StoreError> {
        let rows = self
            .select(
                "SELECT id, name, password_hash FROM users WHERE name_key = $1 OR name = $2",
                &[Param::Text(name_key), Param::Text(name)],
            )
            .await?;
        let exact = rows
            .iter()
            .position(|r| text(r, 1).is_ok_and(|n| n == name));
        exact
            .or((!rows.is_empty()).then_some(0))
            .and_then(|i| rows.get(i))
            .map(|r| {
                Ok((
                    User {
                        id: text(r, 0)?,
                        name: text(r, 1)?,
                    },
                    text(r, 2)?,
                ))
            })
            .transpose()
    }

    /// Every account: (id, name, the key it is compared on).
    pub async fn user_keys(&self) -> Result<Vec<(String, String, Option<String>)>, StoreError> {
        let rows = self
            .select("SELECT id, name, name_key FROM users", &[])
            .await?;
        rows.iter()
            .map(|r| Ok((text(r, 0)?, text(r, 1)?, opt_text(r, 2)?)))
            .collect()
    }

    /// The user of a live session.
    pub async fn session_user(&self, token_hash: &str) -> Result<Option<User>, StoreError> {
        let now = now_ms();
        if let Some(user) = self.sessions.get(token_hash, now) {
            return Ok(Some(user));
        }
        let rows = self.select(
            "SELECT u.id, u.name, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND s.expires_at > $2",
            &[Param::Text(token_hash), Param::Int(now)],
        ).await?;
        let Some(r) = rows.first() else {
            return Ok(None);
        };
        let user = User {
            id: text(r, 0)?,
            name: text(r, 1)?,
        };
        self.sessions.put(token_hash, &user, int(r, 2)?, now);
        Ok(Some(user))
    }

    /// A negotiation with its seats (sorted by name), in one read: what every request on a
    /// negotiation starts from.
    pub async fn negotiation_with_seats(
        &self,
        id: &str,
    ) -> Result<Option<(NegotiationRow, Vec<SeatRow>)>, StoreError> {
        let rows = self
            .select(&format!("SELECT {NEGOTIATION}, {SEAT} FROM negotiations n JOIN seats s ON s.negotiation_id = n.id LEFT JOIN users hu ON hu.id = s.user_id WHERE n.id = $1"), &[Param::Text(id)])
            .await?;
        let Some(first) = rows.first() else {
            return Ok(None);
        };
        // Sorted here: the two databases collate text differently.
        let mut seats: Vec<SeatRow> = rows
            .iter()
            .map(|r| seat_from(r, NEGOTIATION_WIDTH))
            .collect::<Result<_, _>>()?;
        seats.sort_by(|a, b| a.seat.cmp(&b.seat));
        Ok(Some((negotiation_from(first)?, seats)))
    }

    /// A negotiation's public scenario document (JSON), which the rows of `NEGOTIATION` leave
    /// out: it is several kilobytes and never changes, so callers parse it once (see
    /// `api::public_of`).
    pub async fn public_doc(&self, id: &str) -> Result<Option<String>, StoreError> {
        let rows = self
            .select(
                "SELECT public_doc FROM negotiations WHERE id = $1",
                &[Param::Text(id)],
            )
            .await?;
        Ok(rows.first().and_then(|r| r.first()?.text()))
    }

    /// The negotiations a user holds a seat in.
    pub async fn negotiations_of(
        &self,
        user: &str,
    ) -> Result<Vec<(NegotiationRow, String)>, StoreError> {
        let rows = self
            .select(&format!("SELECT {NEGOTIATION}, s.seat FROM negotiations n JOIN seats s ON s.negotiation_id = n.id WHERE s.user_id = $1 ORDER BY n.created_at"), &[Param::Text(user)])
            .await?;
        rows.iter()
            .map(|r| Ok((negotiation_from(r)?, text(r, NEGOTIATION_WIDTH)?)))
            .collect()
    }

    /// The drafts from version `from` on (0 or 1: all), oldest first.
    pub async fn drafts(
        &self,
        negotiation_id: &str,
        from: i64,
    ) -> Result<Vec<DraftRow>, StoreError> {
        let rows = self
            .select(
                &format!("SELECT {DRAFT} FROM drafts WHERE negotiation_id = $1 AND version >= $2 ORDER BY version"),
                &[Param::Text(negotiation_id), Param::Int(from)],
            )
            .await?;
        rows.iter().map(|r| draft_from(r, 0)).collect()
    }

    /// The responses to drafts from version `from` on, by draft then time.
    pub async fn responses(
        &self,
        negotiation_id: &str,
        from: i64,
    ) -> Result<Vec<ResponseRow>, StoreError> {
        let rows = self
            .select(
                &format!("SELECT {RESPONSE} FROM responses WHERE negotiation_id = $1 AND version >= $2 ORDER BY version, created_at, seat"),
                &[Param::Text(negotiation_id), Param::Int(from)],
            )
            .await?;
        rows.iter().map(|r| response_from(r, 0)).collect()
    }

    /// What a view of a negotiation reads, in one statement (one round trip on PostgreSQL,
    /// one snapshot): the negotiation and its seats as `negotiation_with_seats` gives them, and
    /// its drafts with their responses: all of them (`history`), or only the current draft and
    /// the one before it (for its changes) with the current draft's responses; and the seats
    /// with an invitation out (`invited_seats`; a mediator's view was a second round trip). Each
    /// row is a seat, a draft, a response or an invited seat (in the seat's column), told apart
    /// by its first column, the others' columns NULL.
    pub async fn negotiation_view(
        &self,
        id: &str,
        history: bool,
    ) -> Result<Option<NegotiationView>, StoreError> {
        static VIEW: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
            // Typed: PostgreSQL types a union's columns two branches at a time, and two bare
            // NULLs make text, which a later branch's integers would not match.
            let nulls = |types: &str| {
                types
                    .chars()
                    .map(|t| {
                        if t == 'i' {
                            "CAST(NULL AS BIGINT)"
                        } else {
                            "CAST(NULL AS TEXT)"
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let (seats, drafts) = (NEGOTIATION_WIDTH + SEAT_WIDTH, DRAFT_WIDTH);
            let current = "(SELECT current_version FROM negotiations WHERE id = $1)";
            let drafts_from = format!("CASE WHEN $2 = 1 THEN 0 ELSE {current} - 1 END");
            let responses_from =
                format!("CASE WHEN $2 = 1 OR {current} = 1 THEN 0 ELSE {current} END");
            // Columns: kind, seat (negotiation and seat), draft, response.
            let draft_at = 2 + seats;
            let response_at = draft_at + drafts;
            format!(
                "SELECT 's', {NEGOTIATION}, {SEAT}, {} FROM negotiations n JOIN seats s ON s.negotiation_id = n.id LEFT JOIN users hu ON hu.id = s.user_id WHERE n.id = $1 \
                 UNION ALL SELECT 'd', {}, {DRAFT}, {} FROM drafts WHERE negotiation_id = $1 AND version >= {drafts_from} \
                 UNION ALL SELECT 'r', {}, {RESPONSE} FROM responses WHERE negotiation_id = $1 AND version >= {responses_from} \
                 UNION ALL SELECT DISTINCT 'i', {}, seat, {} FROM invitations WHERE negotiation_id = $1 AND used_by IS NULL AND created_at > $3 \
                 ORDER BY 1, {draft_at}, {response_at}, {}, {}",
                nulls(&format!("{DRAFT_TYPES}{RESPONSE_TYPES}")),
                nulls(NEGOTIATION_AND_SEAT_TYPES),
                nulls(RESPONSE_TYPES),
                nulls(&format!("{NEGOTIATION_AND_SEAT_TYPES}{DRAFT_TYPES}")),
                nulls(&NEGOTIATION_AND_SEAT_TYPES[..NEGOTIATION_WIDTH]),
                nulls(&format!(
                    "{}{DRAFT_TYPES}{RESPONSE_TYPES}",
                    &NEGOTIATION_AND_SEAT_TYPES[NEGOTIATION_WIDTH + 1..]
                )),
                // Drafts by version; responses by version, time, seat.
                response_at + 5,
                response_at + 1,
            )
        });
        let rows = self
            .select(
                &VIEW,
                &[
                    Param::Text(id),
                    Param::Int(i64::from(history)),
                    Param::Int(now_ms() - INVITATION_MS),
                ],
            )
            .await?;
        let mut view: Option<NegotiationView> = None;
        let (mut drafts, mut responses, mut invited) = (Vec::new(), Vec::new(), Vec::new());
        for r in &rows {
            let cells = r.get(1..).unwrap_or_default();
            match text(r, 0)?.as_str() {
                "s" => {
                    let seat = seat_from(cells, NEGOTIATION_WIDTH)?;
                    match &mut view {
                        Some(v) => v.seats.push(seat),
                        None => {
                            view = Some(NegotiationView {
                                negotiation: negotiation_from(cells)?,
                                seats: vec![seat],
                                drafts: Vec::new(),
                                responses: Vec::new(),
                                invited: Vec::new(),
                            })
                        }
                    }
                }
                "d" => drafts.push(draft_from(cells, NEGOTIATION_WIDTH + SEAT_WIDTH)?),
                "i" => invited.push(text(cells, NEGOTIATION_WIDTH)?),
                _ => responses.push(response_from(
                    cells,
                    NEGOTIATION_WIDTH + SEAT_WIDTH + DRAFT_WIDTH,
                )?),
            }
        }
        Ok(view.map(|mut v| {
            // Sorted here: the two databases collate text differently.
            v.seats.sort_by(|a, b| a.seat.cmp(&b.seat));
            v.drafts = drafts;
            v.responses = responses;
            v.invited = invited;
            v
        }))
    }

    /// Events after `after`, oldest first.
    pub async fn events(
        &self,
        negotiation_id: &str,
        after: i64,
    ) -> Result<Vec<EventRow>, StoreError> {
        let rows = self
            .select("SELECT seq, kind, actor, audience, payload, created_at, audience_seat FROM events WHERE negotiation_id = $1 AND seq > $2 ORDER BY seq", &[Param::Text(negotiation_id), Param::Int(after)])
            .await?;
        rows.iter().map(|r| event_from(r)).collect()
    }

    /// Every event's number and audience, oldest first: what numbering events for one viewer
    /// needs, without their payloads.
    pub async fn event_audiences(
        &self,
        negotiation_id: &str,
    ) -> Result<Vec<(i64, Audience)>, StoreError> {
        let rows = self
            .select("SELECT seq, audience, audience_seat FROM events WHERE negotiation_id = $1 ORDER BY seq", &[Param::Text(negotiation_id)])
            .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    int(r, 0)?,
                    Audience::from_columns(&text(r, 1)?, opt_text(r, 2)?)?,
                ))
            })
            .collect()
    }

    /// Events with numbers from `from` to `to` (inclusive), oldest first.
    pub async fn events_between(
        &self,
        negotiation_id: &str,
        from: i64,
        to: i64,
    ) -> Result<Vec<EventRow>, StoreError> {
        let rows = self
            .select("SELECT seq, kind, actor, audience, payload, created_at, audience_seat FROM events WHERE negotiation_id = $1 AND seq >= $2 AND seq <= $3 ORDER BY seq", &[Param::Text(negotiation_id), Param::Int(from), Param::Int(to)])
            .await?;
        rows.iter().map(|r| event_from(r)).collect()
    }

    /// Open drafts whose deadline has passed: (negotiation, version). An adjourned negotiation's
    /// deadlines wait (they restart on reopening).
    pub async fn due_drafts(&self, now: i64) -> Result<Vec<(String, i64)>, StoreError> {
        let rows = self
            .select("SELECT d.negotiation_id, d.version FROM drafts d JOIN negotiations n ON n.id = d.negotiation_id WHERE d.status = $2 AND d.deadline_at <= $1 AND n.status = $3", &[Param::Int(now), Param::Text(DraftStatus::Open.as_str()), Param::Text(NegotiationStatus::Open.as_str())])
            .await?;
        rows.iter().map(|r| Ok((text(r, 0)?, int(r, 1)?))).collect()
    }

    /// Open drafts some agent seat has not answered: (negotiation, version); not while the
    /// negotiation is adjourned.
    pub async fn agents_pending(&self) -> Result<Vec<(String, i64)>, StoreError> {
        let rows = self
            .select(
                "SELECT DISTINCT d.negotiation_id, d.version FROM drafts d JOIN seats s ON s.negotiation_id = d.negotiation_id \
                 JOIN negotiations n ON n.id = d.negotiation_id \
                 WHERE d.status = $1 AND n.status = $2 AND s.agent IS NOT NULL AND s.agent_failed IS NULL AND NOT EXISTS \
                 (SELECT 1 FROM responses r WHERE r.negotiation_id = d.negotiation_id AND r.version = d.version AND r.seat = s.seat)",
                &[Param::Text(DraftStatus::Open.as_str()), Param::Text(NegotiationStatus::Open.as_str())],
            )
            .await?;
        rows.iter().map(|r| Ok((text(r, 0)?, int(r, 1)?))).collect()
    }

    /// Seats with an invitation out (unused and unexpired).
    pub async fn invited_seats(&self, negotiation_id: &str) -> Result<Vec<String>, StoreError> {
        let rows = self
            .select("SELECT DISTINCT seat FROM invitations WHERE negotiation_id = $1 AND used_by IS NULL AND created_at > $2", &[Param::Text(negotiation_id), Param::Int(now_ms() - INVITATION_MS)])
            .await?;
        rows.iter().map(|r| text(r, 0)).collect()
    }

    /// The negotiation and seat an unused invitation is for.
    pub async fn invitation(
        &self,
        token_hash: &str,
    ) -> Result<Option<(String, String)>, StoreError> {
        let rows = self
            .select("SELECT negotiation_id, seat FROM invitations WHERE token_hash = $1 AND used_by IS NULL AND created_at > $2", &[Param::Text(token_hash), Param::Int(now_ms() - INVITATION_MS)])
            .await?;
        rows.first()
            .map(|r| Ok((text(r, 0)?, text(r, 1)?)))
            .transpose()
    }
}
