//! Phased texts in the live process (issue 15): after a phased draft is agreed, each phase has
//! a status that mediators set, and "extend phase k or move to phase k+1" is circulated as a
//! follow-up draft of the same negotiation.
//!
//! **Phase statuses.** On the first agreement, phase 1 is *in force* and every later phase
//! *pending*. A mediator moves a phase along one way only: pending -> in force (only once the
//! phase before it is completed, and only a phase whose terms are fixed: an open phase's terms
//! are agreed first, by a follow-up), in force -> completed or failed. Completed and failed are
//! final. So phase k+1 can never be completed before phase k, and after a failed phase nothing
//! later starts. Only a negotiation with an agreement has phase statuses.
//!
//! **Follow-up round (chosen on purpose).** An agreement binds the parties; a follow-up changes
//! it only if every party accepts the change. So a follow-up draft re-opens the agreed
//! negotiation for one more text: the agreed text and each phase's status stay recorded (the
//! *standing* agreement) while the follow-up is answered as any draft. If every party accepts
//! it, it becomes the agreement and the statuses move on ([`PhaseLedger::after_follow_up`]); if
//! not, the mediator may circulate another follow-up or end the round
//! ([`end_follow_up`]), which returns the negotiation to its standing agreement. A follow-up
//! either *extends* phase k (phase k in force or completed: same clauses, more days) or *moves
//! on* to phase k+1 (phase k in force or completed: phase k+1's terms fixed, its open agenda
//! filled).
//!
//! Pure, like [`crate::live`]: the caller loads the ledger and the live text, applies one
//! transition and stores what it returns.

use crate::live::{DraftStatus, LiveEvent, LiveText, NegotiationStatus, Refusal};
use crate::named_enum;

/// Where one phase of an agreed phased text stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PhaseStatus {
    /// Not started: an earlier phase is still in force (or its terms are still open).
    Pending,
    /// Being carried out.
    InForce,
    /// Carried out.
    Completed,
    /// Broke down.
    Failed,
}

named_enum!(PhaseStatus as "phase status" {
    Pending => "pending",
    InForce => "in_force",
    Completed => "completed",
    Failed => "failed",
});

/// What a follow-up draft does to the standing agreement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FollowUpKind {
    /// Phase k goes on longer, on the same clauses.
    Extend,
    /// Phase k+1's terms are fixed (its open agenda filled) and it starts.
    MoveOn,
}

named_enum!(FollowUpKind as "follow-up" {
    Extend => "extend",
    MoveOn => "move_on",
});

/// Why a phase transition is refused (409 in the server, in these words).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhaseRefusal {
    /// No agreement yet, so no phase has a status.
    #[error("the negotiation has no agreement yet: phases have a status only once a phased text is agreed")]
    NoAgreement,
    /// The agreement is not phased.
    #[error("the agreement is not a phased text")]
    NotPhased,
    /// No such phase.
    #[error("the agreement has no phase {0}")]
    NoSuchPhase(usize),
    /// The status does not follow from the current one.
    #[error("phase {phase} is {from}; it cannot become {to} (pending -> in_force -> completed or failed)")]
    Transition {
        /// The phase (1-based, as people count).
        phase: usize,
        /// Its status.
        from: PhaseStatus,
        /// The status asked for.
        to: PhaseStatus,
    },
    /// A later phase starts only after the one before it is completed.
    #[error("phase {phase} cannot start before phase {before} is completed (phase {before} is {status})")]
    OutOfOrder {
        /// The phase (1-based).
        phase: usize,
        /// The phase before it (1-based).
        before: usize,
        /// Its status.
        status: PhaseStatus,
    },
    /// An open phase's terms are agreed first.
    #[error("phase {0}'s terms are still open: agree them first with a follow-up draft (move on to phase {0})")]
    OpenTerms(usize),
    /// A follow-up needs phase k in force or completed.
    #[error("a follow-up on phase {phase} needs it in force or completed; it is {status}")]
    FollowUpOn {
        /// The phase (1-based).
        phase: usize,
        /// Its status.
        status: PhaseStatus,
    },
    /// Moving on needs a next phase.
    #[error("phase {0} is the last phase: there is no phase to move on to")]
    NoNextPhase(usize),
    /// A follow-up round is open, or none is.
    #[error("{0}")]
    Round(&'static str),
}

/// Each phase's status, in order (phase 1 first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhaseLedger {
    /// The statuses.
    pub statuses: Vec<PhaseStatus>,
}

impl PhaseLedger {
    /// On the first agreement of a phased text of `phases` phases: phase 1 in force, the rest
    /// pending.
    pub fn agreed(phases: usize) -> Self {
        Self {
            statuses: (0..phases)
                .map(|k| {
                    if k == 0 {
                        PhaseStatus::InForce
                    } else {
                        PhaseStatus::Pending
                    }
                })
                .collect(),
        }
    }

    /// A mediator sets phase `k` (0-based) to `to`; `open[k]` says whether its terms are still
    /// open. Returns the status it had.
    pub fn set(
        &mut self,
        k: usize,
        to: PhaseStatus,
        open: &[bool],
    ) -> Result<PhaseStatus, PhaseRefusal> {
        let from = *self
            .statuses
            .get(k)
            .ok_or(PhaseRefusal::NoSuchPhase(k + 1))?;
        let allowed = matches!(
            (from, to),
            (PhaseStatus::Pending, PhaseStatus::InForce)
                | (PhaseStatus::InForce, PhaseStatus::Completed)
                | (PhaseStatus::InForce, PhaseStatus::Failed)
        );
        if !allowed {
            return Err(PhaseRefusal::Transition {
                phase: k + 1,
                from,
                to,
            });
        }
        if to == PhaseStatus::InForce {
            if k > 0 && self.statuses[k - 1] != PhaseStatus::Completed {
                return Err(PhaseRefusal::OutOfOrder {
                    phase: k + 1,
                    before: k,
                    status: self.statuses[k - 1],
                });
            }
            if open.get(k).copied().unwrap_or(false) {
                return Err(PhaseRefusal::OpenTerms(k + 1));
            }
        }
        self.statuses[k] = to;
        Ok(from)
    }

    /// The statuses a mediator may set phase `k` (0-based) to now (what [`PhaseLedger::set`]
    /// accepts), so that pages offer only those.
    pub fn allowed(&self, k: usize, open: &[bool]) -> Vec<PhaseStatus> {
        PhaseStatus::ALL
            .iter()
            .copied()
            .filter(|&to| self.clone().set(k, to, open).is_ok())
            .collect()
    }

    /// The follow-ups that may be circulated on phase `k` (0-based) now.
    pub fn follow_ups(&self, k: usize) -> Vec<FollowUpKind> {
        FollowUpKind::ALL
            .iter()
            .copied()
            .filter(|&kind| self.may_follow_up(kind, k).is_ok())
            .collect()
    }

    /// Whether a follow-up of `kind` on phase `k` (0-based) may be circulated.
    pub fn may_follow_up(&self, kind: FollowUpKind, k: usize) -> Result<(), PhaseRefusal> {
        let status = *self
            .statuses
            .get(k)
            .ok_or(PhaseRefusal::NoSuchPhase(k + 1))?;
        if !matches!(status, PhaseStatus::InForce | PhaseStatus::Completed) {
            return Err(PhaseRefusal::FollowUpOn {
                phase: k + 1,
                status,
            });
        }
        if kind == FollowUpKind::MoveOn && k + 1 >= self.statuses.len() {
            return Err(PhaseRefusal::NoNextPhase(k + 1));
        }
        Ok(())
    }

    /// The statuses once a follow-up of `kind` on phase `k` is agreed: extending puts phase k
    /// (back) in force; moving on completes phase k and puts phase k+1 in force.
    pub fn after_follow_up(&mut self, kind: FollowUpKind, k: usize) {
        match kind {
            FollowUpKind::Extend => {
                if let Some(s) = self.statuses.get_mut(k) {
                    *s = PhaseStatus::InForce;
                }
            }
            FollowUpKind::MoveOn => {
                if let Some(s) = self.statuses.get_mut(k) {
                    *s = PhaseStatus::Completed;
                }
                if let Some(s) = self.statuses.get_mut(k + 1) {
                    *s = PhaseStatus::InForce;
                }
            }
        }
    }
}

/// A mediator circulates a follow-up draft on an agreed negotiation (`in_round`: a follow-up
/// round is open already, the negotiation is open again): the negotiation re-opens and the
/// draft is circulated as any draft (see the module docs).
pub fn circulate_follow_up(
    text: &mut LiveText,
    in_round: bool,
    base_version: i64,
    deadline: i64,
    now: i64,
) -> Result<Vec<LiveEvent>, Refusal> {
    match (text.status, in_round) {
        (NegotiationStatus::Agreed, false) => {
            let mut reopened = text.clone();
            reopened.status = NegotiationStatus::Open;
            let events = reopened.circulate(base_version, deadline, now)?;
            *text = reopened;
            Ok(events)
        }
        (NegotiationStatus::Open, true) => text.circulate(base_version, deadline, now),
        (status, _) => Err(Refusal::NotOpen(status)),
    }
}

/// A mediator ends a follow-up round without a new agreement: an open follow-up draft is
/// withdrawn and the negotiation returns to its standing agreement.
pub fn end_follow_up(text: &mut LiveText) -> Result<Vec<LiveEvent>, Refusal> {
    if text.status != NegotiationStatus::Open {
        return Err(Refusal::NotOpen(text.status));
    }
    let mut events = Vec::new();
    if let Some(d) = text.current.as_mut() {
        if d.status == DraftStatus::Open {
            d.status = DraftStatus::Withdrawn;
            d.remaining = None;
            events.push(LiveEvent::WithdrawnByMediator { version: d.version });
        }
    }
    text.status = NegotiationStatus::Agreed;
    Ok(events)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::Verdict;
    use PhaseStatus::*;

    #[test]
    fn statuses_move_one_way_and_in_order() {
        let mut l = PhaseLedger::agreed(3);
        assert_eq!(l.statuses, vec![InForce, Pending, Pending]);
        let fixed = [false, false, false];
        // Phase 2 cannot start (nor complete) before phase 1 is completed.
        assert_eq!(
            l.set(1, InForce, &fixed),
            Err(PhaseRefusal::OutOfOrder {
                phase: 2,
                before: 1,
                status: InForce
            })
        );
        assert!(matches!(
            l.set(1, Completed, &fixed),
            Err(PhaseRefusal::Transition {
                phase: 2,
                from: Pending,
                to: Completed
            })
        ));
        assert_eq!(l.set(0, Completed, &fixed), Ok(InForce));
        // Completed is final.
        assert!(matches!(
            l.set(0, Failed, &fixed),
            Err(PhaseRefusal::Transition { .. })
        ));
        assert!(matches!(
            l.set(0, InForce, &fixed),
            Err(PhaseRefusal::Transition { .. })
        ));
        assert_eq!(l.set(1, InForce, &fixed), Ok(Pending));
        assert_eq!(l.set(1, Failed, &fixed), Ok(InForce));
        // After a failed phase nothing later starts.
        assert!(matches!(
            l.set(2, InForce, &fixed),
            Err(PhaseRefusal::OutOfOrder { status: Failed, .. })
        ));
        assert_eq!(l.set(3, InForce, &fixed), Err(PhaseRefusal::NoSuchPhase(4)));
        assert_eq!(l.statuses, vec![Completed, Failed, Pending]);
    }

    #[test]
    fn an_open_phase_starts_only_once_its_terms_are_agreed() {
        let mut l = PhaseLedger::agreed(2);
        let open = [false, true];
        l.set(0, Completed, &open).unwrap();
        assert_eq!(l.set(1, InForce, &open), Err(PhaseRefusal::OpenTerms(2)));
        assert_eq!(l.may_follow_up(FollowUpKind::MoveOn, 0), Ok(()));
        assert_eq!(
            l.may_follow_up(FollowUpKind::MoveOn, 1),
            Err(PhaseRefusal::FollowUpOn {
                phase: 2,
                status: Pending
            })
        );
        l.after_follow_up(FollowUpKind::MoveOn, 0);
        assert_eq!(l.statuses, vec![Completed, InForce]);
        assert_eq!(
            l.may_follow_up(FollowUpKind::MoveOn, 1),
            Err(PhaseRefusal::NoNextPhase(2))
        );
        assert_eq!(l.may_follow_up(FollowUpKind::Extend, 1), Ok(()));
    }

    #[test]
    fn what_may_be_set_and_followed_up_is_what_the_rules_accept() {
        let mut l = PhaseLedger::agreed(3);
        let open = [false, true, false];
        assert_eq!(l.allowed(0, &open), vec![Completed, Failed]);
        assert_eq!(l.allowed(1, &open), Vec::<PhaseStatus>::new());
        assert_eq!(
            l.follow_ups(0),
            vec![FollowUpKind::Extend, FollowUpKind::MoveOn]
        );
        assert_eq!(l.follow_ups(1), vec![]);
        l.set(0, Completed, &open).unwrap();
        // Phase 2's terms are open: it cannot be put in force, only moved on to.
        assert_eq!(l.allowed(1, &open), Vec::<PhaseStatus>::new());
        assert_eq!(l.allowed(1, &[false, false, false]), vec![InForce]);
        assert_eq!(l.follow_ups(2), vec![]);
    }

    #[test]
    fn extending_puts_the_phase_back_in_force() {
        let mut l = PhaseLedger::agreed(2);
        l.set(0, Completed, &[false, true]).unwrap();
        l.after_follow_up(FollowUpKind::Extend, 0);
        assert_eq!(l.statuses, vec![InForce, Pending]);
        // A failed phase is not followed up.
        l.set(0, Failed, &[false, true]).unwrap();
        assert_eq!(
            l.may_follow_up(FollowUpKind::Extend, 0),
            Err(PhaseRefusal::FollowUpOn {
                phase: 1,
                status: Failed
            })
        );
    }

    fn agreed_text() -> LiveText {
        let mut t = LiveText {
            status: NegotiationStatus::Open,
            parties: vec!["a".into(), "b".into()],
            current: None,
            rules: Default::default(),
        };
        t.circulate(0, 100, 0).unwrap();
        t.respond(1, "a", Verdict::Accept, 1).unwrap();
        t.respond(1, "b", Verdict::Accept, 1).unwrap();
        assert_eq!(t.status, NegotiationStatus::Agreed);
        t
    }

    #[test]
    fn a_follow_up_reopens_the_agreed_text_and_binds_when_all_accept() {
        let mut t = agreed_text();
        // An ordinary draft cannot follow an agreement.
        assert_eq!(
            t.circulate(1, 200, 2),
            Err(Refusal::NotOpen(NegotiationStatus::Agreed))
        );
        // Without an agreement there is no follow-up.
        let mut fresh = LiveText {
            status: NegotiationStatus::Open,
            parties: vec!["a".into()],
            current: None,
            rules: Default::default(),
        };
        assert!(circulate_follow_up(&mut fresh, false, 0, 100, 0).is_err());
        // A refused follow-up leaves the text as it was.
        assert_eq!(
            circulate_follow_up(&mut t, false, 0, 200, 2),
            Err(Refusal::VersionConflict {
                current: 1,
                given: 0
            })
        );
        assert_eq!(t.status, NegotiationStatus::Agreed);
        let events = circulate_follow_up(&mut t, false, 1, 200, 2).unwrap();
        assert_eq!(events, vec![LiveEvent::Circulated { version: 2 }]);
        assert_eq!(t.status, NegotiationStatus::Open);
        t.respond(2, "a", Verdict::Accept, 3).unwrap();
        let events = t.respond(2, "b", Verdict::Accept, 3).unwrap();
        assert!(events.contains(&LiveEvent::Agreement { version: 2 }));
        assert_eq!(t.status, NegotiationStatus::Agreed);
    }

    #[test]
    fn ending_a_round_returns_to_the_standing_agreement() {
        let mut t = agreed_text();
        circulate_follow_up(&mut t, false, 1, 200, 2).unwrap();
        t.respond(2, "a", Verdict::Reject, 3).unwrap();
        // Another follow-up in the same round supersedes the open one.
        let events = circulate_follow_up(&mut t, true, 2, 300, 4).unwrap();
        assert_eq!(
            events,
            vec![
                LiveEvent::Superseded { version: 2 },
                LiveEvent::Circulated { version: 3 }
            ]
        );
        let events = end_follow_up(&mut t).unwrap();
        assert_eq!(events, vec![LiveEvent::WithdrawnByMediator { version: 3 }]);
        assert_eq!(t.status, NegotiationStatus::Agreed);
        assert_eq!(
            end_follow_up(&mut t),
            Err(Refusal::NotOpen(NegotiationStatus::Agreed))
        );
    }
}
