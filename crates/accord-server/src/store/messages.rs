//! Messages (issue 14): threads to everyone, among mediators, and caucuses with one party,
//! stored in `messages` (migration 0006) and numbered per thread. Who may read or write a
//! thread is `viewer`'s decision; this file only stores and reads.

use super::sql::{decode_error, Param};
use super::{int, now_ms, text, Store, StoreError, Tx};
use crate::domain::Thread;

/// A stored message.
#[derive(Debug, Clone)]
pub struct MessageRow {
    /// Its number within its thread, from 1.
    pub n: i64,
    /// The seat that wrote it.
    pub from_seat: String,
    /// The text.
    pub body: String,
    /// When (ms).
    pub created_at: i64,
}

impl Tx {
    /// How many messages a thread of this negotiation holds.
    pub async fn message_count(&mut self, thread: &Thread) -> Result<i64, StoreError> {
        let id = self.negotiation().id.clone();
        let (kind, seat) = thread.to_columns();
        let rows = self
            .query(
                "SELECT COUNT(*) FROM messages WHERE negotiation_id = $1 AND thread = $2 AND thread_seat = $3",
                &[Param::Text(&id), Param::Text(kind), Param::Text(seat)],
            )
            .await?;
        rows.first()
            .and_then(|r| r.first()?.int())
            .ok_or_else(|| decode_error("message count"))
    }

    /// Appends a message to a thread (numbered after its last, in one statement: the lock taken
    /// by `write` keeps the numbers gap-free); returns it.
    pub async fn insert_message(
        &mut self,
        thread: &Thread,
        from_seat: &str,
        sender: &str,
        body: &str,
    ) -> Result<MessageRow, StoreError> {
        let id = self.negotiation().id.clone();
        let (kind, seat) = thread.to_columns();
        let now = now_ms();
        let rows = self
            .query(
                "INSERT INTO messages (negotiation_id, thread, thread_seat, seq, sender_seat, sender, body, created_at) \
                 SELECT $1, $2, $3, COALESCE(MAX(seq), 0) + 1, $4, $5, $6, $7 FROM messages \
                 WHERE negotiation_id = $1 AND thread = $2 AND thread_seat = $3 RETURNING seq",
                &[
                    Param::Text(&id),
                    Param::Text(kind),
                    Param::Text(seat),
                    Param::Text(from_seat),
                    Param::Text(sender),
                    Param::Text(body),
                    Param::Int(now),
                ],
            )
            .await?;
        let n = rows
            .first()
            .and_then(|r| r.first()?.int())
            .ok_or_else(|| decode_error("message number"))?;
        Ok(MessageRow {
            n,
            from_seat: from_seat.to_string(),
            body: body.to_string(),
            created_at: now,
        })
    }
}

impl Store {
    /// A page of a thread, oldest first: the messages numbered after `after` (ascending), or,
    /// without it, the last `limit` numbered below `before` (no `before`: the newest page).
    pub async fn messages(
        &self,
        negotiation_id: &str,
        thread: &Thread,
        after: Option<i64>,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<MessageRow>, StoreError> {
        let (kind, seat) = thread.to_columns();
        let base = [
            Param::Text(negotiation_id),
            Param::Text(kind),
            Param::Text(seat),
            Param::Int(limit),
        ];
        let mut rows = match after {
            Some(after) => {
                let mut params = base.to_vec();
                params.push(Param::Int(after));
                self.select(
                    "SELECT seq, sender_seat, body, created_at FROM messages WHERE negotiation_id = $1 AND thread = $2 AND thread_seat = $3 AND seq > $5 ORDER BY seq LIMIT $4",
                    &params,
                )
                .await?
            }
            None => {
                let mut params = base.to_vec();
                params.push(Param::Int(before.unwrap_or(i64::MAX)));
                let mut newest = self
                    .select(
                        "SELECT seq, sender_seat, body, created_at FROM messages WHERE negotiation_id = $1 AND thread = $2 AND thread_seat = $3 AND seq < $5 ORDER BY seq DESC LIMIT $4",
                        &params,
                    )
                    .await?;
                newest.reverse();
                newest
            }
        };
        rows.drain(..)
            .map(|r| {
                Ok(MessageRow {
                    n: int(&r, 0)?,
                    from_seat: text(&r, 1)?,
                    body: text(&r, 2)?,
                    created_at: int(&r, 3)?,
                })
            })
            .collect()
    }

    /// Raises `user`'s read mark in a thread to message `up_to` (never lowers it).
    pub async fn mark_read(
        &self,
        negotiation_id: &str,
        user: &str,
        thread: &Thread,
        up_to: i64,
    ) -> Result<(), StoreError> {
        let (kind, seat) = thread.to_columns();
        self.exec_alone(
            "INSERT INTO message_reads (negotiation_id, user_id, thread, thread_seat, read_up_to) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (negotiation_id, user_id, thread, thread_seat) DO UPDATE SET read_up_to = excluded.read_up_to \
             WHERE message_reads.read_up_to < excluded.read_up_to",
            &[
                Param::Text(negotiation_id),
                Param::Text(user),
                Param::Text(kind),
                Param::Text(seat),
                Param::Int(up_to),
            ],
        )
        .await
        .map(drop)
    }

    /// Per thread of a negotiation, how many messages written by seats other than `seat` lie
    /// past `user`'s read mark. Every thread is counted: which ones the reader may read is the
    /// caller's question to the viewer policy.
    pub async fn unread_by_thread(
        &self,
        negotiation_id: &str,
        user: &str,
        seat: &str,
    ) -> Result<Vec<(Thread, i64)>, StoreError> {
        let rows = self
            .select(
                "SELECT m.thread, m.thread_seat, COUNT(*) FROM messages m LEFT JOIN message_reads r \
                 ON r.negotiation_id = m.negotiation_id AND r.user_id = $2 AND r.thread = m.thread AND r.thread_seat = m.thread_seat \
                 WHERE m.negotiation_id = $1 AND m.sender_seat <> $3 AND m.seq > COALESCE(r.read_up_to, 0) \
                 GROUP BY m.thread, m.thread_seat",
                &[Param::Text(negotiation_id), Param::Text(user), Param::Text(seat)],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    Thread::from_columns(&text(r, 0)?, &text(r, 1)?)?,
                    int(r, 2)?,
                ))
            })
            .collect()
    }
}
