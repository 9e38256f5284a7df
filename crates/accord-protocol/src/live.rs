//! The live single negotiating text, as people run it through `accord serve`: a mediator
//! circulates numbered drafts with a response deadline, each negotiating party answers the
//! current draft once (accept, reject, or amend one clause), drafts are settled, expire or are
//! superseded, and the mediator may close the negotiation without agreement.
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
use std::fmt;
use std::str::FromStr;

/// Where a negotiation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NegotiationStatus {
    /// Drafts may be circulated and answered.
    Open,
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
    /// The negotiation was closed while it was open.
    Withdrawn,
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

/// Text names of an enum, in both directions, for storage and the API; one list per enum.
macro_rules! named {
    ($ty:ident { $($variant:ident => $name:literal),+ $(,)? }) => {
        impl $ty {
            /// Every value, in declaration order.
            pub const ALL: &'static [$ty] = &[$($ty::$variant),+];

            /// The name stored and sent over the API.
            pub fn as_str(self) -> &'static str {
                match self { $($ty::$variant => $name),+ }
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $ty {
            type Err = UnknownName;

            fn from_str(text: &str) -> Result<Self, UnknownName> {
                match text {
                    $($name => Ok($ty::$variant),)+
                    _ => Err(UnknownName {
                        kind: stringify!($ty),
                        given: text.to_string(),
                        expected: [$($name),+].join(", "),
                    }),
                }
            }
        }
    };
}

named!(NegotiationStatus { Open => "open", Agreed => "agreed", Failed => "failed" });
named!(DraftStatus {
    Open => "open",
    Accepted => "accepted",
    Rejected => "rejected",
    Expired => "expired",
    Superseded => "superseded",
    Withdrawn => "withdrawn",
});
named!(Verdict { Accept => "accept", Reject => "reject", Amend => "amend" });

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
    /// Every party answered and not all accepted.
    Rejected {
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
}

impl LiveText {
    /// The version of the last draft circulated (0 before any).
    pub fn current_version(&self) -> i64 {
        self.current.as_ref().map_or(0, |d| d.version)
    }

    fn require_open(&self) -> Result<(), Refusal> {
        match self.status {
            NegotiationStatus::Open => Ok(()),
            other => Err(Refusal::NotOpen(other)),
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
        self.require_open()?;
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
        self.require_open()?;
        if !self.parties.iter().any(|p| p == seat) {
            return Err(Refusal::NotAParty(seat.to_string()));
        }
        let current = self.current_version();
        let Some(draft) = self.current.as_mut() else {
            return Err(Refusal::NoSuchDraft(version));
        };
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
            if draft.answers.values().all(|v| *v == Verdict::Accept) {
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
        self.require_open()?;
        let mut events = Vec::new();
        if let Some(d) = self.current.as_mut() {
            if d.status == DraftStatus::Open {
                d.status = DraftStatus::Withdrawn;
                events.push(LiveEvent::Withdrawn { version: d.version });
            }
        }
        self.status = NegotiationStatus::Failed;
        events.push(LiveEvent::Closed);
        Ok(events)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open(parties: &[&str]) -> LiveText {
        LiveText {
            status: NegotiationStatus::Open,
            parties: parties.iter().map(|p| p.to_string()).collect(),
            current: None,
        }
    }

    #[test]
    fn the_first_draft_every_party_accepts_is_the_agreement() {
        let mut t = open(&["a", "b"]);
        assert_eq!(
            t.circulate(0, 100, 0),
            Ok(vec![LiveEvent::Circulated { version: 1 }])
        );
        t.respond(1, "a", Verdict::Accept, 10).unwrap();
        let events = t.respond(1, "b", Verdict::Reject, 10).unwrap();
        assert_eq!(events[1], LiveEvent::Rejected { version: 1 });
        assert_eq!(t.status, NegotiationStatus::Open);
        t.circulate(1, 200, 20).unwrap();
        t.respond(2, "b", Verdict::Accept, 30).unwrap();
        let events = t.respond(2, "a", Verdict::Accept, 30).unwrap();
        assert_eq!(events[1], LiveEvent::Agreement { version: 2 });
        assert_eq!(t.status, NegotiationStatus::Agreed);
        // Nothing after the agreement.
        assert_eq!(
            t.circulate(2, 300, 40),
            Err(Refusal::NotOpen(NegotiationStatus::Agreed))
        );
        assert_eq!(t.close(), Err(Refusal::NotOpen(NegotiationStatus::Agreed)));
    }

    #[test]
    fn a_draft_needs_the_current_version_and_a_future_deadline() {
        let mut t = open(&["a", "b"]);
        assert_eq!(
            t.circulate(1, 100, 0),
            Err(Refusal::VersionConflict {
                current: 0,
                given: 1
            })
        );
        assert_eq!(t.circulate(0, 5, 5), Err(Refusal::DeadlineInPast));
        t.circulate(0, 100, 0).unwrap();
        // The open draft is superseded by the next.
        assert_eq!(
            t.circulate(1, 100, 1),
            Ok(vec![
                LiveEvent::Superseded { version: 1 },
                LiveEvent::Circulated { version: 2 }
            ])
        );
        assert_eq!(
            t.respond(1, "a", Verdict::Accept, 2),
            Err(Refusal::DraftClosed {
                version: 1,
                status: DraftStatus::Superseded,
                current: 2
            })
        );
        assert_eq!(
            t.respond(3, "a", Verdict::Accept, 2),
            Err(Refusal::NoSuchDraft(3))
        );
    }

    #[test]
    fn answers_are_once_per_party_before_the_deadline() {
        let mut t = open(&["a", "b"]);
        t.circulate(0, 100, 0).unwrap();
        assert_eq!(
            t.respond(1, "mediator", Verdict::Accept, 1),
            Err(Refusal::NotAParty("mediator".into()))
        );
        t.respond(1, "a", Verdict::Amend, 1).unwrap();
        assert_eq!(
            t.respond(1, "a", Verdict::Accept, 2),
            Err(Refusal::AlreadyAnswered {
                seat: "a".into(),
                version: 1
            })
        );
        assert_eq!(
            t.respond(1, "b", Verdict::Accept, 101),
            Err(Refusal::DeadlinePassed(1))
        );
        // Not yet due: nothing happens; due: who missed it.
        assert_eq!(t.expire(99), vec![]);
        assert_eq!(
            t.expire(100),
            vec![LiveEvent::Expired {
                version: 1,
                missed: vec!["b".into()]
            }]
        );
        assert_eq!(t.expire(200), vec![], "expires once");
        assert_eq!(
            t.respond(1, "b", Verdict::Accept, 50),
            Err(Refusal::DraftClosed {
                version: 1,
                status: DraftStatus::Expired,
                current: 1
            })
        );
    }

    #[test]
    fn closing_withdraws_the_open_draft() {
        let mut t = open(&["a", "b"]);
        t.circulate(0, 100, 0).unwrap();
        assert_eq!(
            t.close(),
            Ok(vec![LiveEvent::Withdrawn { version: 1 }, LiveEvent::Closed])
        );
        assert_eq!(t.status, NegotiationStatus::Failed);
        assert_eq!(t.expire(1000), vec![]);
        assert_eq!(
            t.respond(1, "a", Verdict::Accept, 1),
            Err(Refusal::NotOpen(NegotiationStatus::Failed))
        );
    }

    #[test]
    fn names_round_trip_and_unknown_names_say_what_was_expected() {
        for s in DraftStatus::ALL {
            assert_eq!(s.as_str().parse::<DraftStatus>(), Ok(*s));
        }
        let e = "maybe".parse::<Verdict>().unwrap_err();
        assert_eq!(
            e.to_string(),
            "unknown Verdict `maybe`; expected one of: accept, reject, amend"
        );
    }
}
