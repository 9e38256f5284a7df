//! The live single negotiating text, as people run it through `accord serve`: a mediator
//! circulates numbered drafts with a response deadline, each negotiating party answers the
//! current draft once (accept, reject, or amend one clause), drafts are settled, expire or are
//! superseded, and the mediator may close the negotiation without agreement.
//!
//! **Deadlines and drafts (issue 14).** A mediator may *extend* the open draft's deadline,
//! *withdraw* the open draft (the server keeps the reason), and *adjourn* the negotiation:
//! while adjourned nothing is circulated or answered and the open draft's deadline is paused
//! (the time it had left is kept in [`CurrentDraft::remaining`]); *reopening* restarts it with
//! that time left. A corrected draft is an ordinary next draft (the server records which version
//! it corrects); an open draft it follows is superseded as usual.
//!
//! A party may *change its answer* while the draft is open: before the deadline and before every
//! party has answered. The last answer settles the draft at once (the first draft every party
//! accepts is the agreement), so "until the deadline" means until the deadline or until the
//! draft settles, whichever comes first; a changed answer never settles a draft by itself,
//! since it adds no answer.
//!
//! **Semantics, chosen on purpose.** A draft *binds* when every negotiating party accepts it: the
//! first draft all parties accept **is** the agreement, and the negotiation ends there. In a live
//! mediation an acceptance is a commitment given on one text, before a deadline; a party that
//! accepted draft 3 has not agreed to draft 4, so no later draft may replace an accepted one
//! without a fresh round of acceptances, and nothing waits for a deadline to "close" the
//! negotiation. GENIUS's simulation game ([`crate::single_text`], used by `accord negotiate` and
//! the tournaments) differs: there an accepted draft becomes the standing text, later drafts may
//! improve on it, and the last accepted draft is the agreement when the deadline ends the run.
//!
//! The machine is pure: the caller passes `now` (Unix milliseconds in the server), loads the
//! state from its store, applies one action and stores the [`LiveEvent`]s it returns.

use std::collections::BTreeMap;

pub mod rules;
pub use rules::{Comparison, ComparisonRefusal, TextRules};

/// Where a negotiation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NegotiationStatus {
    /// Drafts may be circulated and answered.
    Open,
    /// Paused by a mediator: nothing is circulated or answered, the open draft's deadline waits.
    Adjourned,
    /// Every party accepted one draft: the agreement.
    Agreed,
    /// Closed by a mediator without agreement.
    Failed,
}

/// Where one draft stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DraftStatus {
    /// Awaiting answers before its deadline.
    Open,
    /// Every party accepted it: the agreement.
    Accepted,
    /// Every party answered, not all accepted.
    Rejected,
    /// Its deadline passed before every party answered.
    Expired,
    /// A later draft was circulated while it was open.
    Superseded,
    /// A mediator withdrew it, or the negotiation was closed while it was open.
    Withdrawn,
    /// Under the one-text rules: every party answered this non-final draft (a straw poll, which
    /// binds nobody, whatever the answers).
    Polled,
}

/// A party's answer to a draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// Would sign this text.
    Accept,
    /// Would not.
    Reject,
    /// Would not, and asks for one clause to change (the amendment travels beside the verdict).
    Amend,
}

/// Text names of an enum, in both directions, for storage and the API; one list per enum:
/// `ALL`, `as_str`, `Display` and `FromStr` (unknown names answer [`UnknownName`]). Exported for
/// the server's own vocabulary.
#[macro_export]
macro_rules! named_enum {
    ($ty:ident { $($variant:ident => $name:literal),+ $(,)? }) => {
        $crate::named_enum!(@named $ty (stringify!($ty)) { $($variant => $name),+ });
    };
    // `as "kind"`: what messages call the enum ("unknown kind `x`").
    ($ty:ident as $kind:literal { $($variant:ident => $name:literal),+ $(,)? }) => {
        $crate::named_enum!(@named $ty ($kind) { $($variant => $name),+ });
    };
    (@named $ty:ident ($kind:expr) { $($variant:ident => $name:literal),+ }) => {
        impl $ty {
            /// Every value, in declaration order.
            pub const ALL: &'static [$ty] = &[$($ty::$variant),+];

            /// The name stored and sent over the API.
            pub fn as_str(self) -> &'static str {
                match self { $($ty::$variant => $name),+ }
            }
        }

        impl ::std::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $ty {
            type Err = $crate::live::UnknownName;

            fn from_str(text: &str) -> Result<Self, $crate::live::UnknownName> {
                match text {
                    $($name => Ok($ty::$variant),)+
                    _ => Err($crate::live::UnknownName {
                        kind: $kind,
                        given: text.to_string(),
                        expected: [$($name),+].join(", "),
                    }),
                }
            }
        }
    };
}

named_enum!(NegotiationStatus {
    Open => "open",
    Adjourned => "adjourned",
    Agreed => "agreed",
    Failed => "failed",
});

impl NegotiationStatus {
    /// Whether the negotiation has ended (agreed or failed): nothing changes any more.
    pub fn is_over(self) -> bool {
        matches!(self, NegotiationStatus::Agreed | NegotiationStatus::Failed)
    }
}
named_enum!(DraftStatus {
    Open => "open",
    Accepted => "accepted",
    Rejected => "rejected",
    Expired => "expired",
    Superseded => "superseded",
    Withdrawn => "withdrawn",
    Polled => "polled",
});
named_enum!(Verdict { Accept => "accept", Reject => "reject", Amend => "amend" });

/// A name that is not one of an enum's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} `{given}`; expected one of: {expected}")]
pub struct UnknownName {
    /// The enum.
    pub kind: &'static str,
    /// The text given.
    pub given: String,
    /// The valid names.
    pub expected: String,
}

/// The draft the machine tracks: the current one (the last circulated).
#[derive(Debug, Clone, PartialEq)]
pub struct CurrentDraft {
    /// Its version, from 1.
    pub version: i64,
    /// Where it stands.
    pub status: DraftStatus,
    /// When answers are due (same clock as `now`).
    pub deadline: i64,
    /// The answers so far, by party.
    pub answers: BTreeMap<String, Verdict>,
    /// While the negotiation is adjourned: the time (same unit as `now`) the open draft had left
    /// when it was adjourned; its deadline restarts from it on reopening.
    pub remaining: Option<i64>,
    /// Under the one-text rules: whether this draft is the final text, put to the binding vote
    /// (always false under binding rules, where every draft is voted on).
    pub final_vote: bool,
}

/// An open draft's deadline as a transition left it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DraftDeadline {
    /// The draft.
    pub version: i64,
    /// When answers are due.
    pub deadline: i64,
    /// While adjourned: the time left, which runs again on reopening (`None`: running).
    pub remaining: Option<i64>,
}

/// A live negotiation's state, as far as its rules need it.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveText {
    /// Where it stands.
    pub status: NegotiationStatus,
    /// The negotiating parties (who answer drafts), by seat name.
    pub parties: Vec<String>,
    /// The last draft circulated, if any.
    pub current: Option<CurrentDraft>,
    /// The rules it runs under, chosen at creation (see [`rules`]).
    pub rules: TextRules,
}

/// What a transition did; the server stores each and tells the seats that may know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LiveEvent {
    /// The open draft was superseded by the next.
    Superseded {
        /// Its version.
        version: i64,
    },
    /// A draft was circulated.
    Circulated {
        /// Its version.
        version: i64,
    },
    /// A party answered.
    Answered {
        /// The draft.
        version: i64,
        /// The party.
        seat: String,
        /// Its answer.
        verdict: Verdict,
    },
    /// Every party accepted the draft: the agreement; the negotiation is over.
    Agreement {
        /// The draft.
        version: i64,
    },
    /// Every party answered and not all accepted (under the one-text rules: the final vote
    /// failed; the negotiation goes on).
    Rejected {
        /// The draft.
        version: i64,
    },
    /// Under the one-text rules: every party answered a non-final draft (a straw poll; it binds
    /// nobody, and the negotiation goes on whatever the answers).
    StrawPoll {
        /// The draft.
        version: i64,
    },
    /// The deadline passed; these parties had not answered.
    Expired {
        /// The draft.
        version: i64,
        /// Who missed it.
        missed: Vec<String>,
    },
    /// The open draft was withdrawn because the negotiation closed.
    Withdrawn {
        /// The draft.
        version: i64,
    },
    /// The mediator closed the negotiation without agreement.
    Closed,
    /// A mediator extended the open draft's deadline by `by`.
    DeadlineExtended {
        /// The deadline now.
        deadline: DraftDeadline,
        /// By how much.
        by: i64,
    },
    /// A mediator withdrew the open draft (the negotiation goes on).
    WithdrawnByMediator {
        /// The draft.
        version: i64,
    },
    /// A party replaced its answer to the open draft.
    AnswerChanged {
        /// The draft.
        version: i64,
        /// The party.
        seat: String,
        /// Its answer before.
        from: Verdict,
        /// Its answer now.
        to: Verdict,
    },
    /// A mediator adjourned the negotiation; the open draft's deadline (if any) is paused.
    Adjourned {
        /// The paused draft's deadline.
        paused: Option<DraftDeadline>,
    },
    /// A mediator reopened the negotiation; the paused deadline (if any) runs again.
    Reopened {
        /// The draft's new deadline.
        resumed: Option<DraftDeadline>,
    },
}

/// Why an action is refused (each maps to one answer of the API).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The negotiation is over.
    #[error("the negotiation is {0}")]
    NotOpen(NegotiationStatus),
    /// A draft was written against an older version.
    #[error("draft {current} is the current one, not {given}: reload and redraft")]
    VersionConflict {
        /// The current version.
        current: i64,
        /// The version the draft was based on.
        given: i64,
    },
    /// The deadline is not after now.
    #[error("the response deadline must lie in the future")]
    DeadlineInPast,
    /// Only negotiating parties answer.
    #[error("`{0}` is not a negotiating party")]
    NotAParty(String),
    /// There is no such draft.
    #[error("no draft {0}")]
    NoSuchDraft(i64),
    /// The draft answered is not the open one.
    #[error("draft {version} is {status}; draft {current} is the current one")]
    DraftClosed {
        /// The draft answered.
        version: i64,
        /// Where it stands.
        status: DraftStatus,
        /// The current version.
        current: i64,
    },
    /// Its deadline passed.
    #[error("the deadline for draft {0} has passed")]
    DeadlinePassed(i64),
    /// The party answered already.
    #[error("`{seat}` has answered draft {version} already")]
    AlreadyAnswered {
        /// The party.
        seat: String,
        /// The draft.
        version: i64,
    },
    /// The negotiation is adjourned: nothing is circulated or answered until it is reopened.
    #[error("the negotiation is adjourned: nothing can be circulated or answered until a mediator reopens it")]
    Adjourned,
    /// Only an adjourned negotiation is reopened.
    #[error("the negotiation is {0}, not adjourned")]
    NotAdjourned(NegotiationStatus),
    /// A change of answer needs an answer to change.
    #[error("`{seat}` has not answered draft {version} yet: answer it first")]
    NotAnswered {
        /// The party.
        seat: String,
        /// The draft.
        version: i64,
    },
    /// An extension must add time.
    #[error("an extension must add time to the deadline")]
    NotAnExtension,
    /// A comparison was not what the draft asks for (see [`rules`]).
    #[error("{0}")]
    Comparison(#[from] ComparisonRefusal),
    /// A final vote under binding rules.
    #[error("this negotiation runs under binding rules, where every draft is voted on: there is no separate final vote (choose the one-text rules when creating a negotiation)")]
    NotOneText,
}

/// The open draft `version` (the current one, still open), or why not.
fn open_draft(slot: &mut Option<CurrentDraft>, version: i64) -> Result<&mut CurrentDraft, Refusal> {
    let Some(draft) = slot.as_mut() else {
        return Err(Refusal::NoSuchDraft(version));
    };
    let current = draft.version;
    if version < 1 || version > current {
        return Err(Refusal::NoSuchDraft(version));
    }
    if version != current || draft.status != DraftStatus::Open {
        // An older draft: it was settled, superseded or expired (or so the current one says).
        let status = if version == current {
            draft.status
        } else {
            DraftStatus::Superseded
        };
        return Err(Refusal::DraftClosed {
            version,
            status,
            current,
        });
    }
    Ok(draft)
}

impl LiveText {
    /// The version of the last draft circulated (0 before any).
    pub fn current_version(&self) -> i64 {
        self.current.as_ref().map_or(0, |d| d.version)
    }

    fn require_open(&self) -> Result<(), Refusal> {
        match self.status {
            NegotiationStatus::Open => Ok(()),
            NegotiationStatus::Adjourned => Err(Refusal::Adjourned),
            other => Err(Refusal::NotOpen(other)),
        }
    }

    /// Open or adjourned: not over.
    fn require_not_over(&self) -> Result<(), Refusal> {
        if self.status.is_over() {
            Err(Refusal::NotOpen(self.status))
        } else {
            Ok(())
        }
    }

    /// A mediator circulates the next draft, written against `base_version` (optimistic
    /// concurrency: it must be the current one); an open draft is superseded.
    pub fn circulate(
        &mut self,
        base_version: i64,
        deadline: i64,
        now: i64,
    ) -> Result<Vec<LiveEvent>, Refusal> {
        self.circulate_as(base_version, deadline, now, false)
    }

    /// [`LiveText::circulate`], with `final_vote`: under the one-text rules, whether the draft
    /// is the final text put to the binding vote (refused under binding rules).
    pub fn circulate_as(
        &mut self,
        base_version: i64,
        deadline: i64,
        now: i64,
        final_vote: bool,
    ) -> Result<Vec<LiveEvent>, Refusal> {
        self.require_open()?;
        if final_vote && !self.rules.is_one_text() {
            return Err(Refusal::NotOneText);
        }
        let current = self.current_version();
        if base_version != current {
            return Err(Refusal::VersionConflict {
                current,
                given: base_version,
            });
        }
        if deadline <= now {
            return Err(Refusal::DeadlineInPast);
        }
        let mut events = Vec::new();
        if let Some(d) = &self.current {
            if d.status == DraftStatus::Open {
                events.push(LiveEvent::Superseded { version: d.version });
            }
        }
        let version = current + 1;
        self.current = Some(CurrentDraft {
            version,
            status: DraftStatus::Open,
            deadline,
            answers: BTreeMap::new(),
            remaining: None,
            final_vote,
        });
        events.push(LiveEvent::Circulated { version });
        Ok(events)
    }

    /// A party answers draft `version`; the draft settles once every party has answered.
    pub fn respond(
        &mut self,
        version: i64,
        seat: &str,
        verdict: Verdict,
        now: i64,
    ) -> Result<Vec<LiveEvent>, Refusal> {
        self.answer(version, seat, verdict, None, now)
    }

    /// [`LiveText::respond`] with a comparison with the draft before, which the one-text rules
    /// ask of every non-final draft after the first (see [`TextRules::expects_comparison`]).
    /// Under the one-text rules the last answer to a non-final draft completes a straw poll
    /// (nothing binds); the final text binds only if every party accepts it, and a failed final
    /// vote leaves the negotiation open.
    pub fn answer(
        &mut self,
        version: i64,
        seat: &str,
        verdict: Verdict,
        comparison: Option<Comparison>,
        now: i64,
    ) -> Result<Vec<LiveEvent>, Refusal> {
        self.require_open()?;
        if !self.parties.iter().any(|p| p == seat) {
            return Err(Refusal::NotAParty(seat.to_string()));
        }
        let rules = self.rules;
        let draft = open_draft(&mut self.current, version)?;
        rules.check_comparison(version, draft.final_vote, comparison)?;
        if now > draft.deadline {
            return Err(Refusal::DeadlinePassed(version));
        }
        if draft.answers.contains_key(seat) {
            return Err(Refusal::AlreadyAnswered {
                seat: seat.to_string(),
                version,
            });
        }
        draft.answers.insert(seat.to_string(), verdict);
        let mut events = vec![LiveEvent::Answered {
            version,
            seat: seat.to_string(),
            verdict,
        }];
        if self.parties.iter().all(|p| draft.answers.contains_key(p)) {
            if rules.is_one_text() && !draft.final_vote {
                draft.status = DraftStatus::Polled;
                events.push(LiveEvent::StrawPoll { version });
            } else if draft.answers.values().all(|v| *v == Verdict::Accept) {
                draft.status = DraftStatus::Accepted;
                self.status = NegotiationStatus::Agreed;
                events.push(LiveEvent::Agreement { version });
            } else {
                draft.status = DraftStatus::Rejected;
                events.push(LiveEvent::Rejected { version });
            }
        }
        Ok(events)
    }

    /// The open draft expires when its deadline has passed (`now` at or after it).
    pub fn expire(&mut self, now: i64) -> Vec<LiveEvent> {
        if self.status != NegotiationStatus::Open {
            return Vec::new();
        }
        let Some(draft) = self.current.as_mut() else {
            return Vec::new();
        };
        if draft.status != DraftStatus::Open || now < draft.deadline {
            return Vec::new();
        }
        draft.status = DraftStatus::Expired;
        let missed = self
            .parties
            .iter()
            .filter(|p| !draft.answers.contains_key(*p))
            .cloned()
            .collect();
        vec![LiveEvent::Expired {
            version: draft.version,
            missed,
        }]
    }

    /// A mediator ends the negotiation without agreement; an open draft is withdrawn.
    pub fn close(&mut self) -> Result<Vec<LiveEvent>, Refusal> {
        self.require_not_over()?;
        let mut events = Vec::new();
        if let Some(d) = self.current.as_mut() {
            if d.status == DraftStatus::Open {
                d.status = DraftStatus::Withdrawn;
                d.remaining = None;
                events.push(LiveEvent::Withdrawn { version: d.version });
            }
        }
        self.status = NegotiationStatus::Failed;
        events.push(LiveEvent::Closed);
        Ok(events)
    }

    /// A party replaces its answer to the open draft `version`: before its deadline, while the
    /// draft is open (so before every party has answered, which settles it), never while the
    /// negotiation is adjourned. A change adds no answer, so it never settles the draft.
    pub fn change_answer(
        &mut self,
        version: i64,
        seat: &str,
        verdict: Verdict,
        now: i64,
    ) -> Result<Vec<LiveEvent>, Refusal> {
        self.change_answer_with(version, seat, verdict, None, now)
    }

    /// [`LiveText::change_answer`] with the (new) comparison the one-text rules ask for.
    pub fn change_answer_with(
        &mut self,
        version: i64,
        seat: &str,
        verdict: Verdict,
        comparison: Option<Comparison>,
        now: i64,
    ) -> Result<Vec<LiveEvent>, Refusal> {
        self.require_open()?;
        if !self.parties.iter().any(|p| p == seat) {
            return Err(Refusal::NotAParty(seat.to_string()));
        }
        let rules = self.rules;
        let draft = open_draft(&mut self.current, version)?;
        rules.check_comparison(version, draft.final_vote, comparison)?;
        if now > draft.deadline {
            return Err(Refusal::DeadlinePassed(version));
        }
        let Some(from) = draft.answers.get(seat).copied() else {
            return Err(Refusal::NotAnswered {
                seat: seat.to_string(),
                version,
            });
        };
        draft.answers.insert(seat.to_string(), verdict);
        Ok(vec![LiveEvent::AnswerChanged {
            version,
            seat: seat.to_string(),
            from,
            to: verdict,
        }])
    }

    /// A mediator gives the parties `by` more time to answer the open draft `version`: before
    /// its deadline, or while the negotiation is adjourned (the paused time left grows).
    pub fn extend(&mut self, version: i64, by: i64, now: i64) -> Result<Vec<LiveEvent>, Refusal> {
        self.require_not_over()?;
        if by <= 0 {
            return Err(Refusal::NotAnExtension);
        }
        let draft = open_draft(&mut self.current, version)?;
        if draft.remaining.is_none() && now >= draft.deadline {
            return Err(Refusal::DeadlinePassed(version));
        }
        draft.deadline = draft.deadline.saturating_add(by);
        draft.remaining = draft.remaining.map(|r| r.saturating_add(by));
        Ok(vec![LiveEvent::DeadlineExtended {
            deadline: DraftDeadline {
                version,
                deadline: draft.deadline,
                remaining: draft.remaining,
            },
            by,
        }])
    }

    /// A mediator withdraws the open draft `version` (open or adjourned negotiation); the
    /// negotiation goes on, and the next draft (a correction, say) follows it.
    pub fn withdraw(&mut self, version: i64) -> Result<Vec<LiveEvent>, Refusal> {
        self.require_not_over()?;
        let draft = open_draft(&mut self.current, version)?;
        draft.status = DraftStatus::Withdrawn;
        draft.remaining = None;
        Ok(vec![LiveEvent::WithdrawnByMediator { version }])
    }

    /// A mediator adjourns an open negotiation: the open draft's deadline is paused with the
    /// time it has left. A draft already at its deadline expires first (it is not revived).
    pub fn adjourn(&mut self, now: i64) -> Result<Vec<LiveEvent>, Refusal> {
        match self.status {
            NegotiationStatus::Open => {}
            NegotiationStatus::Adjourned => {
                return Err(Refusal::NotOpen(NegotiationStatus::Adjourned))
            }
            other => return Err(Refusal::NotOpen(other)),
        }
        let mut events = self.expire(now);
        let mut paused = None;
        if let Some(d) = self.current.as_mut() {
            if d.status == DraftStatus::Open {
                d.remaining = Some(d.deadline - now);
                paused = Some(DraftDeadline {
                    version: d.version,
                    deadline: d.deadline,
                    remaining: d.remaining,
                });
            }
        }
        self.status = NegotiationStatus::Adjourned;
        events.push(LiveEvent::Adjourned { paused });
        Ok(events)
    }

    /// A mediator reopens an adjourned negotiation: the paused deadline runs again, with the
    /// time it had left from `now`.
    pub fn reopen(&mut self, now: i64) -> Result<Vec<LiveEvent>, Refusal> {
        if self.status != NegotiationStatus::Adjourned {
            return Err(if self.status.is_over() {
                Refusal::NotOpen(self.status)
            } else {
                Refusal::NotAdjourned(self.status)
            });
        }
        let mut resumed = None;
        if let Some(d) = self.current.as_mut() {
            if let (DraftStatus::Open, Some(left)) = (d.status, d.remaining.take()) {
                d.deadline = now.saturating_add(left);
                resumed = Some(DraftDeadline {
                    version: d.version,
                    deadline: d.deadline,
                    remaining: None,
                });
            }
        }
        self.status = NegotiationStatus::Open;
        Ok(vec![LiveEvent::Reopened { resumed }])
    }
}

#[cfg(test)]
mod tests;
