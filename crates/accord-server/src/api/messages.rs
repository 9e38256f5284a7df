//! Messages over HTTP (issue 14): notes to every seat, notes among the mediators, and a caucus
//! between the mediators and one party. Who reads and writes which thread is the viewer
//! policy's (`Viewer::may_read_thread`, `Viewer::may_post_to`); each message is stored in its
//! thread and appended to the audit log as a `message` event addressed to exactly the thread's
//! readers, so the live stream delivers it to them and to no one else.

use super::{body, member, JsonBody, Member, Res};
use crate::auth::Auth;
use crate::domain::{EventKind, Role, Thread, ThreadKind};
use crate::error::ApiError;
use crate::store::MessageRow;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::json;

/// Characters one message may hold at most.
pub const MAX_MESSAGE_CHARS: usize = 4000;

/// Messages one thread may hold at most (each thread has its own count, so no seat can fill
/// another's threads, nor learn how full they are).
pub const MAX_THREAD_MESSAGES: i64 = 2000;

/// Messages in one page at most (and by default).
const PAGE: i64 = 100;
const MAX_PAGE: i64 = 500;

/// `POST .../messages` body.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMessage {
    /// `everyone` (mediators write, every seat reads), `mediators` (mediators only) or
    /// `caucus` (the mediators and one party).
    thread: ThreadKind,
    /// The party of a caucus; a party writing in its own caucus may leave it out.
    #[serde(default)]
    seat: Option<String>,
    /// The message (1 to 4000 characters).
    text: String,
}

/// A message as the API sends it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Message {
    /// Its thread's kind.
    pub thread: ThreadKind,
    /// The party of a caucus, else null.
    pub seat: Option<String>,
    /// Its number within the thread, from 1.
    pub n: i64,
    /// The seat that wrote it.
    pub from: String,
    /// The text.
    pub text: String,
    /// When (Unix ms).
    pub at: i64,
}

impl Message {
    fn of(thread: &Thread, m: MessageRow) -> Message {
        Message {
            thread: thread.kind(),
            seat: thread.seat().map(str::to_string),
            n: m.n,
            from: m.from_seat,
            text: m.body,
            at: m.created_at,
        }
    }
}

/// A page of one thread, oldest first.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MessagePage {
    /// The thread's kind.
    pub thread: ThreadKind,
    /// The party of a caucus, else null.
    pub seat: Option<String>,
    /// The messages, oldest first.
    pub messages: Vec<Message>,
    /// Whether older messages exist (ask with `before` = the first one's `n`).
    pub more_before: bool,
}

/// `?thread=caucus&seat=israel&after=N|before=N&limit=M`.
#[derive(Deserialize, utoipa::IntoParams)]
pub struct ThreadQuery {
    /// `everyone`, `mediators` or `caucus`.
    #[param(inline)]
    pub thread: ThreadKind,
    /// The party of a caucus (a party reading its own may leave it out).
    #[serde(default)]
    pub seat: Option<String>,
    /// Messages numbered after this one, oldest first.
    #[serde(default)]
    pub after: Option<i64>,
    /// Without `after`: the last `limit` messages numbered below this one (neither: the newest).
    #[serde(default)]
    pub before: Option<i64>,
    /// At most this many (default 100, at most 500).
    #[serde(default)]
    pub limit: Option<i64>,
}

/// The thread a request names, checked against the negotiation's seats: a caucus is with a
/// party seat (a party's own when it names none).
fn thread_of(m: &Member, kind: ThreadKind, seat: Option<String>) -> Res<Thread> {
    let seat =
        match (kind, seat) {
            (ThreadKind::Caucus, None) if m.seat.role == Role::Party => Some(m.seat.seat.clone()),
            (ThreadKind::Caucus, None) => {
                return Err(ApiError::invalid(
                    "seat: a caucus is with one party: name its seat",
                ))
            }
            (ThreadKind::Caucus, Some(s)) => {
                if m.seat_named(&s)?.role != Role::Party {
                    return Err(ApiError::invalid(format!(
                        "seat: `{s}` is not a party seat; a caucus is with one party"
                    )));
                }
                Some(s)
            }
            (_, Some(_)) => return Err(ApiError::invalid(
                "seat: only a caucus names a seat (leave it out for `everyone` and `mediators`)",
            )),
            (_, None) => None,
        };
    Thread::new(kind, seat).ok_or_else(|| ApiError::internal("a thread without its seat"))
}

/// 422 in words.
fn unprocessable(code: &'static str, message: String) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
}

/// Writes a message in a thread the viewer may write in.
#[utoipa::path(post, path = "/api/negotiations/{id}/messages", tag = "messages", summary = "Write a message: mediators in every thread (everyone, mediators, a caucus with one party), a party only in its own caucus; delivered live to the thread's readers only", params(("id" = String, Path, description = "The negotiation")), request_body = NewMessage, responses((status = 201, description = "The message", body = Message), (status = 400, description = "Invalid request", body = crate::error::ErrorBody), (status = 401, description = "Not signed in", body = crate::error::ErrorBody), (status = 403, description = "Your seat may not write in this thread", body = crate::error::ErrorBody), (status = 404, description = "No such negotiation among yours, or no such seat", body = crate::error::ErrorBody), (status = 422, description = "Empty, longer than 4000 characters, or the thread is full (2000 messages)", body = crate::error::ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn post_message(
    State(s): State<AppState>,
    Auth(user): Auth,
    Path(id): Path<String>,
    b: JsonBody<NewMessage>,
) -> Res<(StatusCode, Json<Message>)> {
    let msg = body(b)?;
    let m = member(&s.store, &id, &user.id).await?;
    let thread = thread_of(&m, msg.thread, msg.seat)?;
    if !m.viewer.may_post_to(&thread) {
        return Err(ApiError::forbidden(match thread {
            Thread::Caucus(_) => "a party writes only in its own caucus with the mediators",
            _ => "only a mediator may write in this thread",
        }));
    }
    let text = msg.text.trim();
    if text.is_empty() {
        return Err(unprocessable(
            "message_empty",
            "text: the message is empty; write something to send".into(),
        ));
    }
    // No control characters but line breaks and tabs (PostgreSQL stores no NUL in text).
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(ApiError::invalid(
            "text: control characters other than line breaks and tabs cannot be sent",
        ));
    }
    let chars = text.chars().count();
    if chars > MAX_MESSAGE_CHARS {
        return Err(unprocessable(
            "message_too_long",
            format!("text: a message holds at most {MAX_MESSAGE_CHARS} characters; this one has {chars}: shorten it or send it in parts"),
        ));
    }
    let mut tx = s.store.write(&id).await?;
    if tx.message_count(&thread).await? >= MAX_THREAD_MESSAGES {
        return Err(unprocessable(
            "too_many_messages",
            format!("this thread holds {MAX_THREAD_MESSAGES} messages, the most one thread may hold; no more can be sent in it"),
        ));
    }
    let row = tx
        .insert_message(&thread, &m.seat.seat, &user.id, text)
        .await?;
    let message = Message::of(&thread, row);
    tx.event(
        EventKind::Message,
        Some(&user.id),
        &thread.audience(),
        &json!(message),
    )
    .await?;
    tx.commit().await?;
    s.notify(&id);
    Ok((StatusCode::CREATED, Json(message)))
}

/// A page of a thread the viewer may read.
#[utoipa::path(get, path = "/api/negotiations/{id}/messages", tag = "messages", summary = "A page of one thread you may read, oldest first: the newest by default, ?before=N for older ones, ?after=N for newer ones (limit: 100, at most 500). A party reads the notes to everyone and its own caucus; mediators every thread; observers the notes to everyone", params(("id" = String, Path, description = "The negotiation"), ThreadQuery), responses((status = 200, description = "The page", body = MessagePage), (status = 400, description = "Invalid request", body = crate::error::ErrorBody), (status = 401, description = "Not signed in", body = crate::error::ErrorBody), (status = 403, description = "Your seat may not read this thread", body = crate::error::ErrorBody), (status = 404, description = "No such negotiation among yours, or no such seat", body = crate::error::ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn get_messages(
    State(s): State<AppState>,
    Auth(user): Auth,
    Path(id): Path<String>,
    Query(q): Query<ThreadQuery>,
) -> Res<Json<MessagePage>> {
    let m = member(&s.store, &id, &user.id).await?;
    let thread = thread_of(&m, q.thread, q.seat)?;
    if !m.viewer.may_read_thread(&thread) {
        return Err(ApiError::forbidden(match thread {
            Thread::Caucus(_) => "a caucus is read by the mediators and its party only",
            _ => "only mediators read this thread",
        }));
    }
    let limit = q.limit.unwrap_or(PAGE).clamp(1, MAX_PAGE);
    // One more than asked for, to know whether older ones exist.
    let mut rows = s
        .store
        .messages(&id, &thread, q.after, q.before, limit + 1)
        .await?;
    let more_before = if q.after.is_some() {
        if rows.len() as i64 > limit {
            rows.truncate(limit as usize);
        }
        rows.first().map_or(q.after.unwrap_or(0) > 0, |r| r.n > 1)
    } else if rows.len() as i64 > limit {
        rows.remove(0);
        true
    } else {
        false
    };
    Ok(Json(MessagePage {
        thread: thread.kind(),
        seat: thread.seat().map(str::to_string),
        messages: rows.into_iter().map(|r| Message::of(&thread, r)).collect(),
        more_before,
    }))
}

/// `POST .../messages/read` body: the viewer has read a thread up to a message.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReadMark {
    /// `everyone`, `mediators` or `caucus`.
    thread: ThreadKind,
    /// The party of a caucus (a party marking its own may leave it out).
    #[serde(default)]
    seat: Option<String>,
    /// The number of the last message read (from 1).
    up_to: i64,
}

/// How far the viewer has read a thread.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReadMarked {
    /// The thread's kind.
    pub thread: ThreadKind,
    /// The party of a caucus, else null.
    pub seat: Option<String>,
    /// The last message read.
    pub up_to: i64,
}

/// Marks a thread read up to a message (the home page's count of new messages starts after it).
#[utoipa::path(post, path = "/api/negotiations/{id}/messages/read", tag = "messages", summary = "Mark a thread you may read as read up to message N (a mark only ever rises); the home page counts the messages after it as new", params(("id" = String, Path, description = "The negotiation")), request_body = ReadMark, responses((status = 200, description = "The mark", body = ReadMarked), (status = 400, description = "Invalid request", body = crate::error::ErrorBody), (status = 401, description = "Not signed in", body = crate::error::ErrorBody), (status = 403, description = "Your seat may not read this thread", body = crate::error::ErrorBody), (status = 404, description = "No such negotiation among yours, or no such seat", body = crate::error::ErrorBody), (status = 422, description = "No such message in the thread", body = crate::error::ErrorBody)), security(("bearer" = []), ("cookie" = [])))]
pub async fn mark_read(
    State(s): State<AppState>,
    Auth(user): Auth,
    Path(id): Path<String>,
    b: JsonBody<ReadMark>,
) -> Res<Json<ReadMarked>> {
    let mark = body(b)?;
    let m = member(&s.store, &id, &user.id).await?;
    let thread = thread_of(&m, mark.thread, mark.seat)?;
    if !m.viewer.may_read_thread(&thread) {
        return Err(ApiError::forbidden("your seat may not read this thread"));
    }
    let newest = s
        .store
        .messages(&id, &thread, None, None, 1)
        .await?
        .first()
        .map_or(0, |r| r.n);
    if !(1..=newest).contains(&mark.up_to) {
        return Err(unprocessable(
            "no_such_message",
            format!(
                "up_to: this thread's messages are numbered from 1 to {newest}; {} is not one of them",
                mark.up_to
            ),
        ));
    }
    s.store
        .mark_read(&id, &user.id, &thread, mark.up_to)
        .await?;
    Ok(Json(ReadMarked {
        thread: thread.kind(),
        seat: thread.seat().map(str::to_string),
        up_to: mark.up_to,
    }))
}
