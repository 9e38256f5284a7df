//! Who may see what: the one policy every handler and the live stream ask. A [`Viewer`] is the
//! seat a signed-in user holds in one negotiation; each question about another seat's data
//! (preferences, answers, events, the analysis) is answered here and nowhere else.
//!
//! **Invariant:** a party's preferences, red lines, walk-away point and utilities reach a mediator
//! only under [`Consent::Shared`] (or while they are the mediator's own assumptions from the
//! scenario file, or set by a mediator for an agent's seat); under [`Consent::Aggregate`] they
//! feed the mediators' analysis without being shown; under [`Consent::Private`] mediators learn
//! only the party's standing on each draft. Another party never sees any of it.
//!
//! Seats and invitations (issue 14): mediators see which account holds every seat and the links
//! of pending invitations (they may make a new link for any free seat at any time, so being
//! shown an existing one gives them nothing they could not have); any other seat sees only its
//! own holder. Someone holding an invitation's link, before having any seat, is told what it is
//! for and nothing else: [`INVITEE_SEES`].

use crate::domain::{Audience, Consent, PreferencesSource, Role, Thread};
use crate::store::SeatRow;

/// A signed-in user as one negotiation sees them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Viewer {
    /// The seat held.
    pub seat: String,
    /// Its role.
    pub role: Role,
}

/// How the mediators' analysis may use one party's preferences.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnalysisUse {
    /// Not at all (the party keeps them private, or has none yet).
    Excluded,
    /// In the computation; nothing that names its numbers or red lines is shown.
    Aggregate,
    /// In the computation, red lines' texts included.
    Shown,
}

impl Viewer {
    /// Whether the viewer holds a mediator seat.
    pub fn is_mediator(&self) -> bool {
        self.role == Role::Mediator
    }

    /// Whether an event addressed to `audience` is the viewer's to see.
    pub fn may_see(&self, audience: &Audience) -> bool {
        match audience {
            Audience::Everyone => true,
            Audience::Mediators => self.is_mediator(),
            Audience::Seat(seat) => *seat == self.seat,
            Audience::MediatorsAnd(seat) => self.is_mediator() || *seat == self.seat,
        }
    }

    /// Whether drafts wait for the viewer's answer: a negotiating party's seat.
    pub fn answers_drafts(&self) -> bool {
        self.role == Role::Party
    }

    /// Whether an open draft's deadline concerns the viewer: mediators (who may extend it or
    /// chase the answers), and a party until it has answered.
    pub fn awaits_deadline(&self, answered: bool) -> bool {
        self.is_mediator() || (self.answers_drafts() && !answered)
    }

    /// Whether the viewer may see `seat`'s answers to drafts (and whether it missed deadlines).
    pub fn may_see_answers_of(&self, seat: &str) -> bool {
        self.is_mediator() || seat == self.seat
    }

    /// Whether the viewer may read `target`'s preferences and what a draft means to it.
    pub fn may_read_preferences_of(&self, target: &SeatRow) -> bool {
        if target.seat == self.seat {
            return true;
        }
        self.is_mediator() && analysis_use(target) == AnalysisUse::Shown
    }

    /// Whether the viewer may save preferences for `target`: its own seat, or, for a mediator,
    /// an agent's seat (the agent has no one else to set them).
    ///
    /// `Store::set_preferences_as` states this rule again as a condition of its one-statement
    /// write (issue 18: no read of the seats first); the rights matrix of
    /// `tests/serve_rights.rs` checks both paths for every role.
    pub fn may_set_preferences_of(&self, target: &SeatRow) -> bool {
        target.seat == self.seat || (self.is_mediator() && target.agent.is_some())
    }

    /// Whether the viewer may read a message thread: notes to everyone, any seat; notes among
    /// mediators, mediators; a caucus, the mediators and its party (never another party, never
    /// an observer). The same rule as the thread's events ([`Thread::audience`]).
    pub fn may_read_thread(&self, thread: &Thread) -> bool {
        self.may_see(&thread.audience())
    }

    /// Whether the viewer may write in a thread: mediators in every thread; a party only in its
    /// own caucus; observers nowhere.
    pub fn may_post_to(&self, thread: &Thread) -> bool {
        match thread {
            Thread::Everyone | Thread::Mediators => self.is_mediator(),
            Thread::Caucus(seat) => {
                self.is_mediator() || (self.role == Role::Party && *seat == self.seat)
            }
        }
    }

    /// Whether the viewer may see which account holds `seat`: mediators (who invite and seat
    /// people) every seat; anyone else its own only.
    pub fn may_see_holder_of(&self, seat: &str) -> bool {
        self.is_mediator() || seat == self.seat
    }

    /// Whether the viewer may learn which mediators are editing the next draft (issue 14):
    /// mediators, who share the text; a party learns of a draft when it is circulated.
    pub fn may_see_editing(&self) -> bool {
        self.may_see(&Audience::Mediators)
    }

    /// Whether the viewer may be shown pending invitations again: their links, who made them,
    /// when they expire. Mediators only.
    pub fn may_see_invitation_links(&self) -> bool {
        self.is_mediator()
    }

    /// Whether the viewer may ask for "Suggest the next draft" (issue 16): mediators, who
    /// draft. The suggestion reads only drafts and answers, which mediators see anyway.
    pub fn may_ask_for_suggestions(&self) -> bool {
        self.is_mediator()
    }

    /// Whether the viewer may build preferences for `target` by elicitation (rating options,
    /// comparing texts, the walk-away questions): only a negotiating party, for its own seat.
    /// Elicitation reads nothing stored for any seat (the party's answers come with each
    /// request, the issues from the public document), and what it proposes is the party's to
    /// confirm and save; a mediator sets an agent's preferences with the numbers instead.
    pub fn may_elicit_for(&self, target: &SeatRow) -> bool {
        target.seat == self.seat && target.role == Role::Party && self.role == Role::Party
    }

    /// Whether the viewer may set the status of a phase of the agreed phased text, circulate a
    /// follow-up draft or end a follow-up round (issue 15): mediators, who keep the record of
    /// what is carried out; parties answer the follow-up like any draft.
    pub fn may_steer_phases(&self) -> bool {
        self.is_mediator()
    }
}

/// What the holder of an invitation's link is told before accepting it (and before signing in:
/// the link is the credential, and it gives the seat anyway): the negotiation's title, the seat
/// and its role, who invites, when the link expires. Nothing of the negotiation's content.
pub const INVITEE_SEES: [&str; 5] = ["title", "seat", "role", "invited_by", "expires_at"];

/// How the mediators' analysis may use a party's preferences (see the module's invariant).
pub fn analysis_use(target: &SeatRow) -> AnalysisUse {
    if target.role != Role::Party || target.private_doc.is_none() {
        return AnalysisUse::Excluded;
    }
    // The mediator wrote them (the scenario file, or an agent's seat): nothing to hide from it.
    if target
        .preferences_source
        .is_some_and(PreferencesSource::is_mediators)
        || target.agent.is_some()
    {
        return AnalysisUse::Shown;
    }
    match target.consent {
        Consent::Private => AnalysisUse::Excluded,
        Consent::Aggregate => AnalysisUse::Aggregate,
        Consent::Shared => AnalysisUse::Shown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seat(name: &str, consent: Consent, source: Option<PreferencesSource>) -> SeatRow {
        SeatRow {
            seat: name.into(),
            role: Role::Party,
            user_id: Some("u".into()),
            agent: None,
            private_doc: source.map(|_| "{}".into()),
            consent,
            preferences_source: source,
            agent_failed: None,
            holder_name: Some("u".into()),
        }
    }

    fn mediator() -> Viewer {
        Viewer {
            seat: "m".into(),
            role: Role::Mediator,
        }
    }

    fn party(name: &str) -> Viewer {
        Viewer {
            seat: name.into(),
            role: Role::Party,
        }
    }

    #[test]
    fn events_reach_their_audience_only() {
        let a = party("a");
        assert!(a.may_see(&Audience::Everyone));
        assert!(!a.may_see(&Audience::Mediators));
        assert!(a.may_see(&Audience::Seat("a".into())));
        assert!(!a.may_see(&Audience::Seat("b".into())));
        assert!(!a.may_see(&Audience::MediatorsAnd("b".into())));
        let m = mediator();
        assert!(m.may_see(&Audience::Mediators));
        assert!(m.may_see(&Audience::MediatorsAnd("b".into())));
        // A seat's own copy (its missed deadline) is its own: mediators have theirs.
        assert!(!m.may_see(&Audience::Seat("b".into())));
    }

    #[test]
    fn consent_decides_what_mediators_get() {
        let m = mediator();
        let private = seat("a", Consent::Private, Some(PreferencesSource::Party));
        let aggregate = seat("a", Consent::Aggregate, Some(PreferencesSource::Party));
        let shared = seat("a", Consent::Shared, Some(PreferencesSource::Party));
        let assumed = seat("a", Consent::Private, Some(PreferencesSource::Scenario));
        let none = seat("a", Consent::Shared, None);
        assert_eq!(analysis_use(&private), AnalysisUse::Excluded);
        assert_eq!(analysis_use(&aggregate), AnalysisUse::Aggregate);
        assert_eq!(analysis_use(&shared), AnalysisUse::Shown);
        assert_eq!(analysis_use(&assumed), AnalysisUse::Shown);
        assert_eq!(analysis_use(&none), AnalysisUse::Excluded);
        assert!(!m.may_read_preferences_of(&private));
        assert!(!m.may_read_preferences_of(&aggregate));
        assert!(m.may_read_preferences_of(&shared));
        assert!(m.may_read_preferences_of(&assumed));
        // Another party never, whatever the consent; the party itself always.
        assert!(!party("b").may_read_preferences_of(&shared));
        assert!(party("a").may_read_preferences_of(&private));
        assert!(!m.may_set_preferences_of(&shared));
        assert!(party("a").may_set_preferences_of(&private));
    }

    #[test]
    fn a_caucus_is_for_the_mediators_and_its_party_only() {
        let a_caucus = Thread::Caucus("a".into());
        let observer = Viewer {
            seat: "o".into(),
            role: Role::Observer,
        };
        for (viewer, read, post) in [
            (mediator(), true, true),
            (party("a"), true, true),
            (party("b"), false, false),
            (observer.clone(), false, false),
        ] {
            assert_eq!(viewer.may_read_thread(&a_caucus), read, "{viewer:?}");
            assert_eq!(viewer.may_post_to(&a_caucus), post, "{viewer:?}");
        }
        // Notes among mediators: mediators only.
        assert!(mediator().may_read_thread(&Thread::Mediators));
        assert!(!party("a").may_read_thread(&Thread::Mediators));
        assert!(!observer.may_read_thread(&Thread::Mediators));
        // Notes to everyone: every seat reads, mediators write.
        assert!(observer.may_read_thread(&Thread::Everyone));
        assert!(party("b").may_read_thread(&Thread::Everyone));
        assert!(!party("b").may_post_to(&Thread::Everyone));
        assert!(mediator().may_post_to(&Thread::Everyone));
        // An observer named like a party never gets its caucus by name alone.
        let named_a = Viewer {
            seat: "a".into(),
            role: Role::Observer,
        };
        assert!(!named_a.may_post_to(&a_caucus));
    }

    #[test]
    fn elicitation_is_for_a_party_itself() {
        let a = seat("a", Consent::Shared, Some(PreferencesSource::Party));
        assert!(party("a").may_elicit_for(&a));
        assert!(!party("b").may_elicit_for(&a));
        assert!(!mediator().may_elicit_for(&a));
        let mut m = seat("m", Consent::Private, None);
        m.role = Role::Mediator;
        assert!(
            !mediator().may_elicit_for(&m),
            "a mediator's own seat has no preferences"
        );
    }

    #[test]
    fn holders_and_invitation_links_are_for_mediators() {
        assert!(mediator().may_see_holder_of("a"));
        assert!(party("a").may_see_holder_of("a"));
        assert!(!party("b").may_see_holder_of("a"));
        assert!(mediator().may_see_invitation_links());
        assert!(!party("a").may_see_invitation_links());
        let observer = Viewer {
            seat: "o".into(),
            role: Role::Observer,
        };
        assert!(!observer.may_see_invitation_links());
        assert!(!observer.may_see_holder_of("a"));
    }

    #[test]
    fn only_mediators_see_who_is_editing() {
        assert!(mediator().may_see_editing());
        assert!(!party("a").may_see_editing());
        let observer = Viewer {
            seat: "o".into(),
            role: Role::Observer,
        };
        assert!(!observer.may_see_editing());
    }

    #[test]
    fn answers_are_for_mediators_and_the_party_itself() {
        assert!(mediator().may_see_answers_of("a"));
        assert!(party("a").may_see_answers_of("a"));
        assert!(!party("b").may_see_answers_of("a"));
    }
}
