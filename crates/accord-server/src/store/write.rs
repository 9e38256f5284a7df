//! Every write of the store, one code path for both backends.
//!
//! **SQLite** has one writer at a time, so the store keeps one writer connection (rusqlite) behind
//! a fair async lock and runs each statement in place on the calling task: a statement on a local
//! file takes microseconds, less than a hand-off to a database thread and back (sqlx's SQLite
//! driver makes two per statement, and a write is a handful of statements, all serialised).
//! Checkpoints, the only slow part of a commit, run on a background thread instead
//! (`checkpoints`). **PostgreSQL** writes run on the store's own pool (`pg`), many at once.
//!
//! **Invariant** (the module's): a write to a negotiation is one transaction that locks the
//! negotiation's row before it reads anything its decision depends on (`write` touches the row
//! first; `write_with_event`, one statement that depends on no read, locks it while numbering its
//! event), so writes to one negotiation are serialised. Events are numbered from the row's
//! counter (`last_event_seq`), which the lock keeps gap-free and in commit order. A transaction
//! dropped before `commit` is rolled back.

use super::events::{
    event_params, postgres_event, postgres_event_when, shift_params, NewEvent, EVENT_INSERT,
    NEXT_EVENT,
};
use super::sql::{decode_error, pg_exec, pg_query, Cell, Param};
use super::sqlite::{self, Writer};
use super::{negotiation_from, Db, NegotiationRow, Store, StoreError};
use crate::domain::{
    Audience, Consent, DraftStatus, EventKind, NegotiationStatus, PreferencesSource, Role, Verdict,
};
use crate::store::now_ms;
use accord_protocol::live::{Comparison, CurrentDraft, LiveText};
use tokio::sync::OwnedMutexGuard;

/// A seat's name and role from the cells at `at` (both NULL: no seat).
fn seat_and_role(row: Option<&Vec<Cell>>, at: usize) -> Result<Option<(String, Role)>, StoreError> {
    let Some(r) = row else {
        return Ok(None);
    };
    match (
        r.get(at).and_then(Cell::text),
        r.get(at + 1).and_then(Cell::text),
    ) {
        (Some(seat), Some(role)) => Ok(Some((seat, crate::domain::parse_role(&role)?))),
        _ => Ok(None),
    }
}

/// Where a transaction runs.
enum Conn {
    Sqlite(OwnedMutexGuard<Writer>),
    /// In a transaction (see `pg`).
    Postgres(super::pg::Conn),
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
            Db::Postgres(pool) => {
                let mut conn = pool.get().await?;
                conn.begin().await?;
                Conn::Postgres(conn)
            }
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

    /// An action that needs no state beyond what its request checked (one data-modifying
    /// statement, `sql` with `params`), with its event. On PostgreSQL it is a single statement,
    /// its own transaction: the event's numbering locks the negotiation's row as `write` does,
    /// so the module's invariant holds, and a round trip costs more than the statement (`BEGIN`,
    /// the lock, the write, the event and `COMMIT` were five). Elsewhere, a transaction.
    pub async fn write_with_event(
        &self,
        negotiation_id: &str,
        sql: &str,
        params: &[Param<'_>],
        event: NewEvent<'_>,
    ) -> Result<(), StoreError> {
        let payload = event.payload.to_string();
        let event_params = event_params(
            negotiation_id,
            event.kind,
            event.actor,
            event.audience,
            &payload,
        );
        match &self.db {
            Db::Postgres(pool) => {
                let write = format!("w AS ({}), ", shift_params(sql, event_params.len()));
                let statement = postgres_event(&write);
                let mut all = event_params.to_vec();
                all.extend_from_slice(params);
                let rows = pool.query(&statement, &all).await?;
                if rows.is_empty() {
                    return Err(StoreError::Db(sqlx::Error::RowNotFound));
                }
                Ok(())
            }
            Db::Sqlite { .. } => {
                let mut tx = self.write(negotiation_id).await?;
                tx.exec(sql, params).await?;
                tx.event(event.kind, event.actor, event.audience, event.payload)
                    .await?;
                tx.commit().await
            }
        }
    }

    /// Saves a seat's preferences with the consent its party gives, and the event saying so.
    pub async fn set_preferences(
        &self,
        negotiation_id: &str,
        seat: &str,
        doc: &str,
        consent: Consent,
        source: PreferencesSource,
        event: NewEvent<'_>,
    ) -> Result<(), StoreError> {
        let shared = i64::from(consent == Consent::Shared);
        self.write_with_event(
            negotiation_id,
            "UPDATE seats SET private_doc = $1, consent = $2, preferences_source = $3, share_with_mediator = $4, agent_failed = NULL WHERE negotiation_id = $5 AND seat = $6",
            &[Param::Text(doc), Param::Text(consent.as_str()), Param::Text(source.as_str()), Param::Int(shared), Param::Text(negotiation_id), Param::Text(seat)],
            event,
        )
        .await
    }

    /// Saves preferences as `user` asks, if `user` may (issue 18): `seat` is a negotiating
    /// party's, held by `user` (the party's own preferences) or by an agent while `user` holds a
    /// mediator's seat (the mediator's assumptions), and its `red_lines` fit one party's share of
    /// `accord_analysis::MAX_RED_LINES`. These are the conditions of the write itself, so a
    /// request need not read the negotiation and its seats first: on PostgreSQL the checks, the
    /// lock, the update, the event and its notification are one statement (one round trip).
    /// Returns `false`, having written nothing (no event, no number taken), when a condition
    /// does not hold; the caller then reads the seats to say which.
    #[allow(clippy::too_many_arguments)]
    pub async fn set_preferences_as(
        &self,
        negotiation_id: &str,
        user: &str,
        seat: &str,
        doc: &str,
        consent: Consent,
        red_lines: usize,
        event: NewEvent<'_>,
    ) -> Result<bool, StoreError> {
        // `$1` to `$7`: the event's parameters (`$1` the negotiation), then these.
        const CHECK: &str = "EXISTS (SELECT 1 FROM seats t WHERE t.negotiation_id = $1 AND t.seat = $11 AND t.role = $15 \
             AND (t.user_id = $12 OR (t.agent IS NOT NULL AND EXISTS (SELECT 1 FROM seats v WHERE v.negotiation_id = $1 AND v.user_id = $12 AND v.role = $16)))) \
             AND $17 * (SELECT COUNT(*) FROM seats p WHERE p.negotiation_id = $1 AND p.role = $15) <= $18";
        const SET: &str =
            "private_doc = $8, consent = $9, share_with_mediator = $10, agent_failed = NULL, \
             preferences_source = CASE WHEN user_id = $12 THEN $13 ELSE $14 END";
        let payload = event.payload.to_string();
        let mut params = event_params(
            negotiation_id,
            event.kind,
            event.actor,
            event.audience,
            &payload,
        )
        .to_vec();
        params.extend_from_slice(&[
            Param::Text(doc),
            Param::Text(consent.as_str()),
            Param::Int(i64::from(consent == Consent::Shared)),
            Param::Text(seat),
            Param::Text(user),
            Param::Text(PreferencesSource::Party.as_str()),
            Param::Text(PreferencesSource::Mediator.as_str()),
            Param::Text(Role::Party.as_str()),
            Param::Text(Role::Mediator.as_str()),
            Param::Int(i64::try_from(red_lines).unwrap_or(i64::MAX / 2)),
            Param::Int(i64::try_from(accord_analysis::MAX_RED_LINES).unwrap_or(i64::MAX)),
        ]);
        match &self.db {
            Db::Postgres(pool) => {
                // The seat's update joins the numbered event: nothing is written, and no
                // number taken, unless the checks hold.
                static STATEMENT: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
                    postgres_event_when(
                        CHECK,
                        &format!("w AS (UPDATE seats SET {SET} FROM c WHERE seats.negotiation_id = $1 AND seats.seat = $11), "),
                    )
                });
                Ok(!pool.query(&STATEMENT, &params).await?.is_empty())
            }
            Db::Sqlite { .. } => {
                let mut tx = self.write(negotiation_id).await?;
                let changed = tx
                    .exec(
                        &format!("UPDATE seats SET {SET} WHERE negotiation_id = $1 AND seat = $11 AND {CHECK}"),
                        &params,
                    )
                    .await?;
                if changed != 1 {
                    // Dropped: rolled back.
                    return Ok(false);
                }
                tx.event(event.kind, event.actor, event.audience, event.payload)
                    .await?;
                tx.commit().await?;
                Ok(true)
            }
        }
    }

    /// `write` for a request of account `user`, with the seat it holds here and that seat's role
    /// (`None`: it holds none), so that the request need not read the negotiation and its
    /// seats before it takes the lock (issue 18: on PostgreSQL the lock and the seat are one
    /// statement, where the read before was a round trip of its own). The seat is read as the
    /// seats stood when the statement began (as a read before the lock would have found it);
    /// the negotiation's row, as `write` gives it, as the lock found it.
    pub async fn write_as(
        &self,
        negotiation_id: &str,
        user: &str,
    ) -> Result<(Tx, Option<(String, Role)>), StoreError> {
        if let Db::Sqlite { .. } = &self.db {
            let mut tx = self.write(negotiation_id).await?;
            let rows = tx
                .query(
                    "SELECT seat, role FROM seats WHERE negotiation_id = $1 AND user_id = $2",
                    &[Param::Text(negotiation_id), Param::Text(user)],
                )
                .await?;
            let seat = seat_and_role(rows.first(), 0)?;
            return Ok((tx, seat));
        }
        let mut tx = self.begin().await?;
        static TOUCH_AS: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
            format!(
                "WITH t AS (UPDATE negotiations SET current_version = current_version WHERE id = $1 RETURNING {}) \
                 SELECT t.*, s.seat, s.role FROM t LEFT JOIN seats s ON s.negotiation_id = t.id AND s.user_id = $2",
                super::NEGOTIATION.replace("n.", "")
            )
        });
        let rows = tx
            .query(&TOUCH_AS, &[Param::Text(negotiation_id), Param::Text(user)])
            .await?;
        let row = rows
            .first()
            .ok_or(StoreError::Db(sqlx::Error::RowNotFound))?;
        tx.row = Some(negotiation_from(row)?);
        let seat = seat_and_role(Some(row), super::NEGOTIATION_WIDTH)?;
        Ok((tx, seat))
    }

    /// Runs one statement in a transaction of its own.
    pub(super) async fn exec_alone(
        &self,
        sql: &str,
        params: &[Param<'_>],
    ) -> Result<u64, StoreError> {
        let mut tx = self.begin().await?;
        let n = tx.exec(sql, params).await?;
        tx.commit().await?;
        Ok(n)
    }

    /// Creates a negotiation with its seats (name, role, the scenario's preferences for it) and
    /// the creator in `creator_seat`. Preferences from the scenario are the mediator's
    /// assumptions until the party saves its own.
    pub async fn create_negotiation(
        &self,
        id: &str,
        title: &str,
        public_doc: &str,
        creator: &str,
        creator_seat: &str,
        seats: &[(String, Role, Option<String>)],
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        tx.exec("INSERT INTO negotiations (id, title, public_doc, status, agreement_version, current_version, created_by, created_at) VALUES ($1, $2, $3, $6, NULL, 0, $4, $5)",
            &[Param::Text(id), Param::Text(title), Param::Text(public_doc), Param::Text(creator), Param::Int(now_ms()), Param::Text(NegotiationStatus::Open.as_str())]).await?;
        for (name, role, private) in seats {
            let user = (name == creator_seat).then_some(creator);
            let source = private
                .as_ref()
                .map(|_| PreferencesSource::Scenario.as_str());
            tx.exec("INSERT INTO seats (negotiation_id, seat, role, user_id, agent, private_doc, share_with_mediator, consent, preferences_source) VALUES ($1, $2, $3, $4, NULL, $5, 0, $6, $7)",
                &[Param::Text(id), Param::Text(name), Param::Text(role.as_str()), Param::OptText(user), Param::OptText(private.as_deref()), Param::Text(Consent::Private.as_str()), Param::OptText(source)]).await?;
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
    pub(super) async fn exec(
        &mut self,
        sql: &str,
        params: &[Param<'_>],
    ) -> Result<u64, StoreError> {
        match &mut self.conn {
            Conn::Sqlite(w) => sqlite::exec(&w.conn, sql, params),
            Conn::Postgres(c) => pg_exec(c.raw(), sql, params).await,
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
            Conn::Postgres(c) => pg_query(c.raw(), sql, params).await,
            Conn::Done => unreachable!("`commit` consumes the transaction"),
        }
    }

    /// The negotiation's live state as its rules need it: status, parties, the current draft
    /// with its answers (see `accord_protocol::live`).
    pub async fn live_text(&mut self) -> Result<LiveText, StoreError> {
        let n = self.negotiation().clone();
        // One statement: each party with its answer to the current draft, and the draft's
        // state beside every row (none before the first draft).
        let rows = self.query(
            "SELECT s.seat, r.verdict, d.status, d.deadline_at, d.remaining_ms, d.final_vote FROM seats s \
             LEFT JOIN responses r ON r.negotiation_id = s.negotiation_id AND r.seat = s.seat AND r.version = $2 \
             LEFT JOIN drafts d ON d.negotiation_id = s.negotiation_id AND d.version = $2 \
             WHERE s.negotiation_id = $1 AND s.role = $3",
            &[Param::Text(&n.id), Param::Int(n.current_version), Param::Text(Role::Party.as_str())],
        ).await?;
        let mut parties = Vec::new();
        let mut answers = std::collections::BTreeMap::new();
        for r in &rows {
            let seat = r
                .first()
                .and_then(Cell::text)
                .ok_or_else(|| decode_error("seat"))?;
            if let Some(v) = r.get(1).and_then(Cell::text) {
                answers.insert(seat.clone(), v.parse::<Verdict>()?);
            }
            parties.push(seat);
        }
        parties.sort();
        let current = if n.current_version == 0 {
            None
        } else {
            // The draft's columns ride on the parties' rows; without parties, read them alone.
            let alone;
            let draft: &[Cell] = match rows.first() {
                Some(r) => r.get(2..).unwrap_or_default(),
                None => {
                    alone = self
                        .query(
                            "SELECT status, deadline_at, remaining_ms, final_vote FROM drafts WHERE negotiation_id = $1 AND version = $2",
                            &[Param::Text(&n.id), Param::Int(n.current_version)],
                        )
                        .await?;
                    alone.first().ok_or_else(|| decode_error("current draft"))?
                }
            };
            let status = draft
                .first()
                .and_then(Cell::text)
                .ok_or_else(|| decode_error("draft"))?;
            let deadline = draft
                .get(1)
                .and_then(Cell::int)
                .ok_or_else(|| decode_error("draft"))?;
            let remaining = draft.get(2).and_then(Cell::int);
            Some(CurrentDraft {
                version: n.current_version,
                status: status.parse()?,
                deadline,
                answers,
                remaining,
                // Circulated as the final text (one-text rules, migration 0010).
                final_vote: draft.get(3).and_then(Cell::int) == Some(1),
            })
        };
        Ok(LiveText {
            status: n.status,
            parties,
            current,
            rules: n.rules,
        })
    }

    /// Stores a draft as circulated (`version` becomes the current one); `corrects`: the
    /// version it corrects.
    pub async fn insert_draft(
        &mut self,
        version: i64,
        clauses: &str,
        note: Option<&str>,
        deadline: i64,
        created_by: &str,
        corrects: Option<i64>,
    ) -> Result<(), StoreError> {
        let id = self.negotiation().id.clone();
        self.exec(
            "INSERT INTO drafts (negotiation_id, version, clauses, note, deadline_at, status, created_by, created_at, corrects) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            &[Param::Text(&id), Param::Int(version), Param::Text(clauses), Param::OptText(note), Param::Int(deadline), Param::Text(DraftStatus::Open.as_str()), Param::Text(created_by), Param::Int(now_ms()), Param::OptInt(corrects)],
        )
        .await?;
        self.exec(
            "UPDATE negotiations SET current_version = $1 WHERE id = $2",
            &[Param::Int(version), Param::Text(&id)],
        )
        .await?;
        Ok(())
    }

    /// Stores a party's answer and its event; `Conflict` when it answered already.
    #[allow(clippy::too_many_arguments)]
    pub async fn insert_response(
        &mut self,
        version: i64,
        seat: &str,
        (verdict, comparison): (Verdict, Option<Comparison>),
        amendment: Option<&str>,
        comment: Option<&str>,
        actor: Option<&str>,
        event: NewEvent<'_>,
    ) -> Result<(), StoreError> {
        let id = self.negotiation().id.clone();
        self.exec_with_event(
            "INSERT INTO responses (negotiation_id, version, seat, verdict, amendment, comment, created_by, created_at, comparison) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            &[Param::Text(&id), Param::Int(version), Param::Text(seat), Param::Text(verdict.as_str()), Param::OptText(amendment), Param::OptText(comment), Param::OptText(actor), Param::Int(now_ms()), Param::OptText(comparison.map(Comparison::as_str))],
            event,
        )
        .await
    }

    /// A data-modifying statement and its event: on PostgreSQL one statement (see
    /// `Store::write_with_event`). A unique key already taken is `Conflict`.
    async fn exec_with_event(
        &mut self,
        sql: &str,
        params: &[Param<'_>],
        event: NewEvent<'_>,
    ) -> Result<(), StoreError> {
        let Conn::Postgres(tx) = &mut self.conn else {
            self.exec(sql, params).await?;
            self.event(event.kind, event.actor, event.audience, event.payload)
                .await?;
            return Ok(());
        };
        let id = self.row.as_ref().map(|r| r.id.clone()).unwrap_or_default();
        let payload = event.payload.to_string();
        let mut all = event_params(&id, event.kind, event.actor, event.audience, &payload).to_vec();
        let statement = postgres_event(&format!("w AS ({}), ", shift_params(sql, all.len())));
        all.extend_from_slice(params);
        match pg_query(tx.raw(), &statement, &all).await {
            Err(StoreError::Db(sqlx::Error::Database(e))) if e.is_unique_violation() => {
                Err(StoreError::Conflict("already recorded".into()))
            }
            other => other.map(drop),
        }
    }

    /// Replaces a party's answer (a change before the deadline); returns whether it had one.
    pub async fn change_response(
        &mut self,
        version: i64,
        seat: &str,
        verdict: Verdict,
        amendment: Option<&str>,
        comment: Option<&str>,
        actor: Option<&str>,
    ) -> Result<bool, StoreError> {
        let id = self.negotiation().id.clone();
        let n = self
            .exec(
                "UPDATE responses SET verdict = $1, amendment = $2, comment = $3, created_by = $4, changed_at = $5 WHERE negotiation_id = $6 AND version = $7 AND seat = $8",
                &[Param::Text(verdict.as_str()), Param::OptText(amendment), Param::OptText(comment), Param::OptText(actor), Param::Int(now_ms()), Param::Text(&id), Param::Int(version), Param::Text(seat)],
            )
            .await?;
        Ok(n == 1)
    }

    /// Sets an open draft's deadline and, while the negotiation is adjourned, the time it has
    /// left (`None`: the deadline runs).
    pub async fn set_deadline(
        &mut self,
        version: i64,
        deadline: i64,
        remaining: Option<i64>,
    ) -> Result<(), StoreError> {
        let id = self.negotiation().id.clone();
        self.exec(
            "UPDATE drafts SET deadline_at = $1, remaining_ms = $2 WHERE negotiation_id = $3 AND version = $4 AND status = $5",
            &[Param::Int(deadline), Param::OptInt(remaining), Param::Text(&id), Param::Int(version), Param::Text(DraftStatus::Open.as_str())],
        )
        .await
        .map(drop)
    }

    /// Records why a mediator withdrew a draft.
    pub async fn set_withdrawn_reason(
        &mut self,
        version: i64,
        reason: &str,
    ) -> Result<(), StoreError> {
        let id = self.negotiation().id.clone();
        self.exec(
            "UPDATE drafts SET withdrawn_reason = $1 WHERE negotiation_id = $2 AND version = $3",
            &[Param::Text(reason), Param::Text(&id), Param::Int(version)],
        )
        .await
        .map(drop)
    }

    /// Adjourns the negotiation (with the mediator's reason) or reopens it (`status` open).
    pub async fn set_adjourned(
        &mut self,
        status: NegotiationStatus,
        reason: Option<&str>,
    ) -> Result<(), StoreError> {
        let id = self.negotiation().id.clone();
        self.exec(
            "UPDATE negotiations SET status = $1, adjourned_reason = $2 WHERE id = $3",
            &[
                Param::Text(status.as_str()),
                Param::OptText(reason),
                Param::Text(&id),
            ],
        )
        .await
        .map(drop)
    }

    /// Sets a draft's status; only an open one changes (returns whether it did).
    pub async fn settle_draft(
        &mut self,
        version: i64,
        status: DraftStatus,
    ) -> Result<bool, StoreError> {
        let id = self.negotiation().id.clone();
        let changed = self
            .exec(
                "UPDATE drafts SET status = $1, remaining_ms = NULL WHERE negotiation_id = $2 AND version = $3 AND status = $4",
                &[Param::Text(status.as_str()), Param::Text(&id), Param::Int(version), Param::Text(DraftStatus::Open.as_str())],
            )
            .await?;
        Ok(changed == 1)
    }

    /// Ends the negotiation: agreed on a draft, or failed with the mediator's reason.
    pub async fn end_negotiation(
        &mut self,
        status: NegotiationStatus,
        agreement_version: Option<i64>,
        closed_reason: Option<&str>,
    ) -> Result<(), StoreError> {
        let id = self.negotiation().id.clone();
        let version = Param::OptInt(agreement_version);
        self.exec(
            "UPDATE negotiations SET status = $1, agreement_version = $2, closed_reason = $3, adjourned_reason = NULL WHERE id = $4",
            &[Param::Text(status.as_str()), version, Param::OptText(closed_reason), Param::Text(&id)],
        )
        .await
        .map(drop)
    }

    /// Uses up an invitation (unused, unexpired) and gives its seat to `user` if the seat is
    /// free and the user holds no other seat here. Returns whether the invitation was still
    /// valid, and whether the seat was taken.
    pub async fn accept_invitation(
        &mut self,
        token_hash: &str,
        seat: &str,
        user: &str,
    ) -> Result<(bool, bool), StoreError> {
        let id = self.negotiation().id.clone();
        let used = self
            .exec(
                // A used invitation's secret is of no more use to anyone: it is not kept.
                "UPDATE invitations SET used_by = $1, token = NULL WHERE token_hash = $2 AND used_by IS NULL AND created_at > $3",
                &[Param::Text(user), Param::Text(token_hash), Param::Int(now_ms() - super::INVITATION_MS)],
            )
            .await?;
        if used != 1 {
            return Ok((false, false));
        }
        let taken = self
            .exec(
                "UPDATE seats SET user_id = $1 WHERE negotiation_id = $2 AND seat = $3 AND user_id IS NULL AND agent IS NULL AND NOT EXISTS (SELECT 1 FROM seats WHERE negotiation_id = $2 AND user_id = $1)",
                &[Param::Text(user), Param::Text(&id), Param::Text(seat)],
            )
            .await?;
        Ok((true, taken == 1))
    }

    /// Puts an agent in a free seat (returns whether the seat was free).
    pub async fn seat_agent(
        &mut self,
        seat: &str,
        spec: &accord_strategy::VoterSpec,
    ) -> Result<bool, StoreError> {
        let id = self.negotiation().id.clone();
        let spec = spec.to_string();
        let n = self
            .exec(
                "UPDATE seats SET agent = $1, agent_failed = NULL WHERE negotiation_id = $2 AND seat = $3 AND user_id IS NULL AND agent IS NULL",
                &[Param::Text(&spec), Param::Text(&id), Param::Text(seat)],
            )
            .await?;
        Ok(n == 1)
    }

    /// Takes the agent out of a seat (returns whether one was there).
    pub async fn remove_agent(&mut self, seat: &str) -> Result<bool, StoreError> {
        let id = self.negotiation().id.clone();
        let n = self
            .exec(
                "UPDATE seats SET agent = NULL, agent_failed = NULL WHERE negotiation_id = $1 AND seat = $2 AND agent IS NOT NULL",
                &[Param::Text(&id), Param::Text(seat)],
            )
            .await?;
        Ok(n == 1)
    }

    /// Marks the agent in a seat as unable to answer, once (returns whether this marked it).
    pub async fn mark_agent_failed(
        &mut self,
        seat: &str,
        reason: &str,
    ) -> Result<bool, StoreError> {
        let id = self.negotiation().id.clone();
        let n = self
            .exec(
                "UPDATE seats SET agent_failed = $1 WHERE negotiation_id = $2 AND seat = $3 AND agent IS NOT NULL AND agent_failed IS NULL",
                &[Param::Text(reason), Param::Text(&id), Param::Text(seat)],
            )
            .await?;
        Ok(n == 1)
    }

    /// Appends an event to the log, numbered after the negotiation's last one; returns its
    /// number.
    pub async fn event(
        &mut self,
        kind: EventKind,
        actor: Option<&str>,
        audience: &Audience,
        payload: &serde_json::Value,
    ) -> Result<i64, StoreError> {
        let id = self.negotiation().id.clone();
        let payload = payload.to_string();
        let params = event_params(&id, kind, actor, audience, &payload);
        let seq = match self.conn {
            Conn::Postgres(_) => {
                static POSTGRES: std::sync::LazyLock<String> =
                    std::sync::LazyLock::new(|| postgres_event(""));
                self.query(&POSTGRES, &params).await?
            }
            _ => {
                let seq = self.query(NEXT_EVENT, &[Param::Text(&id)]).await?;
                let number = seq
                    .first()
                    .and_then(|r| r.first()?.int())
                    .ok_or_else(|| decode_error("event number"))?;
                let mut all = params.to_vec();
                all.push(Param::Int(number));
                self.exec(EVENT_INSERT, &all).await?;
                seq
            }
        };
        seq.first()
            .and_then(|r| r.first()?.int())
            .ok_or_else(|| decode_error("event number"))
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
            Conn::Postgres(mut c) => c.commit().await,
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
