//! Events as the writes record them: numbered on the negotiation's row (`last_event_seq`,
//! migration 0009) and inserted by the statement that makes the change, so that a change and
//! its event commit together.

use super::sql::Param;
use super::*;

/// Numbers the negotiation's next event on its row (see migration 0009).
pub(super) const NEXT_EVENT: &str = "UPDATE negotiations SET last_event_seq = last_event_seq + 1 WHERE id = $1 RETURNING last_event_seq";

/// Appends event `$8` (SQLite, after `NEXT_EVENT`).
pub(super) const EVENT_INSERT: &str = "INSERT INTO events (negotiation_id, seq, kind, actor, audience, audience_seat, payload, created_at) VALUES ($1, $8, $2, $3, $4, $7, $5, $6)";

/// On PostgreSQL, `NEXT_EVENT` and the event in one statement, with the notification every
/// instance listens to (see `Store::listen`), delivered at commit. `{write}` is a further
/// data-modifying statement of the same action (`Store::write_with_event`), or nothing.
pub(super) fn postgres_event(write: &str) -> String {
    postgres_event_when("", write)
}

/// `postgres_event` numbering the event (and so writing anything) only when `when`, a condition
/// on the statement's parameters, holds (empty: always).
pub(super) fn postgres_event_when(when: &str, write: &str) -> String {
    let c = if when.is_empty() {
        NEXT_EVENT.to_string()
    } else {
        format!("UPDATE negotiations SET last_event_seq = last_event_seq + 1 WHERE id = $1 AND {when} RETURNING last_event_seq")
    };
    format!(
        "WITH c AS ({c}), {write}\
         e AS (INSERT INTO events (negotiation_id, seq, kind, actor, audience, audience_seat, payload, created_at) \
         SELECT $1, c.last_event_seq, $2, $3, $4, $7, $5, $6 FROM c RETURNING seq), \
         n AS (SELECT pg_notify('accord_events', $1)) SELECT e.seq FROM e, n"
    )
}

/// An event as an action records it.
pub struct NewEvent<'a> {
    /// What happened.
    pub kind: EventKind,
    /// The account that did it (`None`: the server, e.g. a deadline).
    pub actor: Option<&'a str>,
    /// Who may see it.
    pub audience: &'a Audience,
    /// Its details.
    pub payload: &'a serde_json::Value,
}

/// An event's parameters `$1` to `$7` of `EVENT_INSERT` and `postgres_event`.
pub(super) fn event_params<'p>(
    negotiation_id: &'p str,
    kind: EventKind,
    actor: Option<&'p str>,
    audience: &'p Audience,
    payload: &'p str,
) -> [Param<'p>; 7] {
    let (audience, audience_seat) = audience.to_columns();
    [
        Param::Text(negotiation_id),
        Param::Text(kind.as_str()),
        Param::OptText(actor),
        Param::Text(audience),
        Param::Text(payload),
        Param::Int(now_ms()),
        Param::OptText(audience_seat),
    ]
}

/// `sql` with each parameter `$n` renumbered `$(n + by)`.
pub(super) fn shift_params(sql: &str, by: usize) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut rest = sql;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..=at]);
        let digits = rest[at + 1..]
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len() - at - 1);
        match rest[at + 1..at + 1 + digits].parse::<usize>() {
            Ok(n) => out.push_str(&(n + by).to_string()),
            Err(_) => out.push_str(&rest[at + 1..at + 1 + digits]),
        }
        rest = &rest[at + 1 + digits..];
    }
    out.push_str(rest);
    out
}
