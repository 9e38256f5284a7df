//! The server's vocabulary as types: roles, consent levels, where preferences came from, event
//! kinds and audiences. The store keeps them as text columns and converts at its boundary; no
//! handler compares one of these as a string. Statuses and verdicts are the engine's
//! ([`accord_protocol::live`]).

use serde::{Deserialize, Serialize};

pub use accord_model::Role;
pub use accord_protocol::live::{DraftStatus, NegotiationStatus, UnknownName, Verdict};

use accord_protocol::named_enum;

/// A role from its stored name.
pub fn parse_role(text: &str) -> Result<Role, UnknownName> {
    [Role::Party, Role::Mediator, Role::Observer]
        .into_iter()
        .find(|r| r.as_str() == text)
        .ok_or_else(|| UnknownName {
            kind: "Role",
            given: text.to_string(),
            expected: "party, mediator, observer".into(),
        })
}

/// What a party lets the mediators do with the preferences it saved. Chosen by the party, stated
/// in its room word for word as [`Consent::promise`], enforced by [`crate::viewer::Viewer`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Consent {
    /// Mediators learn only the party's standing on each circulated draft.
    Private,
    /// The engine may use the preferences in the mediators' analysis; mediators never see them.
    Aggregate,
    /// Mediators may read the preferences and see the party's utilities.
    Shared,
}

named_enum!(Consent { Private => "private", Aggregate => "aggregate", Shared => "shared" });

impl Consent {
    /// What the party is promised, exactly (the room shows this text).
    pub fn promise(self) -> &'static str {
        match self {
            Consent::Private => "Private: the mediators learn only whether each circulated draft is within your red lines and above your walk-away point. Your preferences are not used in their analysis.",
            Consent::Aggregate => "Aggregate: the mediators' analysis (zone of agreement, improvements, the Nash suggestion) takes your preferences into account, but the mediators never see your weights, scores, walk-away point, red lines or utilities. What the analysis shows can still hint at them.",
            Consent::Shared => "Shared: the mediators can read your preferences and red lines and see your utilities in their analysis and picture. Other parties never see them.",
        }
    }
}

/// Who wrote the preferences a seat holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PreferencesSource {
    /// The scenario file: the mediators' assumptions about the party, visible to mediators.
    Scenario,
    /// A mediator, for an agent's seat: the mediators' assumptions too.
    Mediator,
    /// The party itself.
    Party,
}

named_enum!(PreferencesSource { Scenario => "scenario", Mediator => "mediator", Party => "party" });

impl PreferencesSource {
    /// Whether the mediators wrote these preferences (so they are theirs to read).
    pub fn is_mediators(self) -> bool {
        matches!(
            self,
            PreferencesSource::Scenario | PreferencesSource::Mediator
        )
    }
}

/// What an event records. The pages listen by these names (served at `/api/vocabulary`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// The negotiation was opened.
    Created,
    /// A mediator invited someone to a seat.
    Invited,
    /// Someone took a seat.
    Joined,
    /// An agent took a party seat.
    AgentSeated,
    /// A mediator took an agent out of its seat.
    AgentRemoved,
    /// An agent could not answer a draft (the reason is for mediators).
    AgentFailed,
    /// A party saved its preferences.
    PreferencesUpdated,
    /// A draft was circulated.
    Draft,
    /// A party answered a draft.
    Response,
    /// Every party accepted a draft.
    Agreement,
    /// Every party answered a draft and not all accepted.
    DraftRejected,
    /// Parties missed a draft's deadline.
    DeadlineMissed,
    /// A draft's deadline passed.
    DraftExpired,
    /// The mediator closed the negotiation without agreement.
    Failed,
    /// A mediator extended the open draft's deadline.
    DeadlineExtended,
    /// A mediator withdrew the open draft (with a reason).
    DraftWithdrawn,
    /// A party changed its answer to the open draft (the party and the mediators see it).
    AnswerChanged,
    /// A mediator adjourned the negotiation (deadlines paused).
    Adjourned,
    /// A mediator reopened the negotiation (deadlines run again).
    Reopened,
    /// A message in a thread (addressed to the thread's readers: see [`Thread::audience`]).
    Message,
    /// A phase of the agreed phased text changed status (a mediator set it, or an agreement
    /// started it); every seat sees it (issue 15).
    PhaseStatus,
    /// A mediator ended a follow-up round without a new agreement: the standing agreement holds.
    FollowUpEnded,
    /// Which other mediators are editing the next draft (issue 14). Never stored: the live
    /// stream sends it to mediators when the list changes (see `crate::editing`).
    Editing,
    /// Under the one-text rules: every party answered a non-final draft (a straw poll that
    /// binds nobody).
    StrawPoll,
}

named_enum!(EventKind {
    Created => "created",
    Invited => "invited",
    Joined => "joined",
    AgentSeated => "agent_seated",
    AgentRemoved => "agent_removed",
    AgentFailed => "agent_failed",
    PreferencesUpdated => "preferences_updated",
    Draft => "draft",
    Response => "response",
    Agreement => "agreement",
    DraftRejected => "draft_rejected",
    DeadlineMissed => "deadline_missed",
    DraftExpired => "draft_expired",
    Failed => "failed",
    DeadlineExtended => "deadline_extended",
    DraftWithdrawn => "draft_withdrawn",
    AnswerChanged => "answer_changed",
    Adjourned => "adjourned",
    Reopened => "reopened",
    Message => "message",
    PhaseStatus => "phase_status",
    FollowUpEnded => "follow_up_ended",
    Editing => "editing",
    StrawPoll => "straw_poll",
});

/// Who may see an event: stored as a kind and an optional seat (two columns), decided by
/// [`crate::viewer::Viewer::may_see`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Audience {
    /// Every seat.
    Everyone,
    /// The mediators.
    Mediators,
    /// One seat (and no one else, mediators included).
    Seat(String),
    /// The mediators and one seat.
    MediatorsAnd(String),
}

impl Audience {
    /// The stored kind and seat.
    pub fn to_columns(&self) -> (&'static str, Option<&str>) {
        match self {
            Audience::Everyone => ("everyone", None),
            Audience::Mediators => ("mediators", None),
            Audience::Seat(s) => ("seat", Some(s)),
            Audience::MediatorsAnd(s) => ("mediators_and_seat", Some(s)),
        }
    }

    /// From the stored kind and seat.
    pub fn from_columns(kind: &str, seat: Option<String>) -> Result<Audience, UnknownName> {
        match (kind, seat) {
            ("everyone", _) => Ok(Audience::Everyone),
            ("mediators", _) => Ok(Audience::Mediators),
            ("seat", Some(s)) => Ok(Audience::Seat(s)),
            ("mediators_and_seat", Some(s)) => Ok(Audience::MediatorsAnd(s)),
            (other, _) => Err(UnknownName {
                kind: "Audience",
                given: other.to_string(),
                expected:
                    "everyone, mediators, seat (with a seat), mediators_and_seat (with a seat)"
                        .into(),
            }),
        }
    }
}

/// The kind of a message thread (issue 14), as the API names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ThreadKind {
    /// Notes to every seat.
    Everyone,
    /// Notes among the mediators only.
    Mediators,
    /// A caucus: the mediators and one party.
    Caucus,
}

named_enum!(ThreadKind { Everyone => "everyone", Mediators => "mediators", Caucus => "caucus" });

/// A message thread: who reads it is decided by [`crate::viewer::Viewer::may_read_thread`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Thread {
    /// Every seat.
    Everyone,
    /// The mediators.
    Mediators,
    /// The mediators and one party seat.
    Caucus(String),
}

impl Thread {
    /// A thread from its kind and, for a caucus, the party's seat.
    pub fn new(kind: ThreadKind, seat: Option<String>) -> Option<Thread> {
        match (kind, seat) {
            (ThreadKind::Everyone, None) => Some(Thread::Everyone),
            (ThreadKind::Mediators, None) => Some(Thread::Mediators),
            (ThreadKind::Caucus, Some(s)) => Some(Thread::Caucus(s)),
            _ => None,
        }
    }

    /// Its kind.
    pub fn kind(&self) -> ThreadKind {
        match self {
            Thread::Everyone => ThreadKind::Everyone,
            Thread::Mediators => ThreadKind::Mediators,
            Thread::Caucus(_) => ThreadKind::Caucus,
        }
    }

    /// The party of a caucus.
    pub fn seat(&self) -> Option<&str> {
        match self {
            Thread::Caucus(s) => Some(s),
            _ => None,
        }
    }

    /// The audience of its messages' events: exactly its readers.
    pub fn audience(&self) -> Audience {
        match self {
            Thread::Everyone => Audience::Everyone,
            Thread::Mediators => Audience::Mediators,
            Thread::Caucus(s) => Audience::MediatorsAnd(s.clone()),
        }
    }

    /// The stored kind and seat (`''` for threads without one).
    pub fn to_columns(&self) -> (&'static str, &str) {
        (self.kind().as_str(), self.seat().unwrap_or(""))
    }

    /// From the stored kind and seat.
    pub fn from_columns(kind: &str, seat: &str) -> Result<Thread, UnknownName> {
        let kind: ThreadKind = kind.parse()?;
        let seat = (kind == ThreadKind::Caucus).then(|| seat.to_string());
        Thread::new(kind, seat).ok_or_else(|| UnknownName {
            kind: "Thread",
            given: kind.as_str().to_string(),
            expected: "everyone, mediators, caucus (with a seat)".into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_names_round_trip() {
        for k in EventKind::ALL {
            assert_eq!(k.as_str().parse::<EventKind>(), Ok(*k));
            // serde's names are the stored ones.
            assert_eq!(serde_json::to_value(k).unwrap(), k.as_str());
        }
        for c in Consent::ALL {
            assert_eq!(c.as_str().parse::<Consent>(), Ok(*c));
        }
        for a in [
            Audience::Everyone,
            Audience::Mediators,
            Audience::Seat("a".into()),
            Audience::MediatorsAnd("b".into()),
        ] {
            let (kind, seat) = a.to_columns();
            assert_eq!(
                Audience::from_columns(kind, seat.map(String::from)),
                Ok(a.clone())
            );
        }
        assert!(Audience::from_columns("seat", None).is_err());
        for t in [
            Thread::Everyone,
            Thread::Mediators,
            Thread::Caucus("a".into()),
        ] {
            let (kind, seat) = t.to_columns();
            assert_eq!(Thread::from_columns(kind, seat), Ok(t.clone()));
        }
        assert_eq!(
            Thread::Caucus("a".into()).audience(),
            Audience::MediatorsAnd("a".into())
        );
        assert_eq!(Thread::new(ThreadKind::Caucus, None), None);
        assert_eq!(Thread::new(ThreadKind::Everyone, Some("a".into())), None);
        assert_eq!(parse_role("mediator"), Ok(Role::Mediator));
    }
}
