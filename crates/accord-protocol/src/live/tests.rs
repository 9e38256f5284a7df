//! The live machine's rules, transition by transition.

use super::*;

fn open(parties: &[&str]) -> LiveText {
    LiveText {
        status: NegotiationStatus::Open,
        parties: parties.iter().map(|p| p.to_string()).collect(),
        current: None,
        rules: TextRules::default(),
    }
}

#[test]
fn a_party_changes_its_answer_while_the_draft_is_open() {
    let mut t = open(&["a", "b", "c"]);
    t.circulate(0, 100, 0).unwrap();
    assert_eq!(
        t.change_answer(1, "a", Verdict::Accept, 1),
        Err(Refusal::NotAnswered {
            seat: "a".into(),
            version: 1
        })
    );
    t.respond(1, "a", Verdict::Reject, 1).unwrap();
    assert_eq!(
        t.change_answer(1, "a", Verdict::Accept, 2),
        Ok(vec![LiveEvent::AnswerChanged {
            version: 1,
            seat: "a".into(),
            from: Verdict::Reject,
            to: Verdict::Accept
        }])
    );
    assert_eq!(
        t.change_answer(1, "a", Verdict::Accept, 101),
        Err(Refusal::DeadlinePassed(1))
    );
    assert_eq!(
        t.change_answer(1, "mediator", Verdict::Accept, 3),
        Err(Refusal::NotAParty("mediator".into()))
    );
    t.respond(1, "b", Verdict::Accept, 3).unwrap();
    // The last answer settles the draft: the changed answer counts, and nothing changes after.
    let events = t.respond(1, "c", Verdict::Accept, 4).unwrap();
    assert_eq!(events[1], LiveEvent::Agreement { version: 1 });
    assert_eq!(
        t.change_answer(1, "a", Verdict::Reject, 5),
        Err(Refusal::NotOpen(NegotiationStatus::Agreed))
    );
}

#[test]
fn a_settled_draft_takes_no_change() {
    let mut t = open(&["a", "b"]);
    t.circulate(0, 100, 0).unwrap();
    t.respond(1, "a", Verdict::Accept, 1).unwrap();
    t.respond(1, "b", Verdict::Reject, 1).unwrap();
    assert_eq!(
        t.change_answer(1, "b", Verdict::Accept, 2),
        Err(Refusal::DraftClosed {
            version: 1,
            status: DraftStatus::Rejected,
            current: 1
        })
    );
}

#[test]
fn extending_withdrawing_and_correcting() {
    let mut t = open(&["a", "b"]);
    assert_eq!(t.extend(1, 10, 0), Err(Refusal::NoSuchDraft(1)));
    t.circulate(0, 100, 0).unwrap();
    assert_eq!(t.extend(1, 0, 1), Err(Refusal::NotAnExtension));
    assert_eq!(
        t.extend(1, 50, 10),
        Ok(vec![LiveEvent::DeadlineExtended {
            deadline: DraftDeadline {
                version: 1,
                deadline: 150,
                remaining: None
            },
            by: 50
        }])
    );
    assert_eq!(t.expire(120), vec![], "the old deadline no longer counts");
    t.respond(1, "a", Verdict::Accept, 140).unwrap();
    assert_eq!(
        t.withdraw(1),
        Ok(vec![LiveEvent::WithdrawnByMediator { version: 1 }])
    );
    assert_eq!(t.status, NegotiationStatus::Open);
    assert_eq!(
        t.respond(1, "b", Verdict::Accept, 141),
        Err(Refusal::DraftClosed {
            version: 1,
            status: DraftStatus::Withdrawn,
            current: 1
        })
    );
    assert_eq!(
        t.withdraw(1),
        Err(Refusal::DraftClosed {
            version: 1,
            status: DraftStatus::Withdrawn,
            current: 1
        })
    );
    assert_eq!(t.expire(1000), vec![], "a withdrawn draft does not expire");
    // The corrected draft is the next one; nothing carries over from the withdrawn one.
    assert_eq!(
        t.circulate(1, 300, 200),
        Ok(vec![LiveEvent::Circulated { version: 2 }])
    );
    assert!(t.current.as_ref().unwrap().answers.is_empty());
    // Past its deadline a draft cannot be extended (it is about to expire).
    assert_eq!(t.extend(2, 10, 300), Err(Refusal::DeadlinePassed(2)));
}

#[test]
fn adjourning_pauses_the_deadline_and_reopening_resumes_it() {
    let mut t = open(&["a", "b"]);
    t.circulate(0, 100, 0).unwrap();
    assert_eq!(
        t.reopen(10),
        Err(Refusal::NotAdjourned(NegotiationStatus::Open))
    );
    let paused = DraftDeadline {
        version: 1,
        deadline: 100,
        remaining: Some(70),
    };
    assert_eq!(
        t.adjourn(30),
        Ok(vec![LiveEvent::Adjourned {
            paused: Some(paused)
        }])
    );
    assert_eq!(
        t.adjourn(31),
        Err(Refusal::NotOpen(NegotiationStatus::Adjourned))
    );
    // Nothing is circulated, answered or expired meanwhile.
    assert_eq!(t.circulate(1, 500, 40), Err(Refusal::Adjourned));
    assert_eq!(
        t.respond(1, "a", Verdict::Accept, 40),
        Err(Refusal::Adjourned)
    );
    assert_eq!(t.expire(1000), vec![]);
    // An extension while adjourned adds to the time left.
    assert_eq!(
        t.extend(1, 5, 1000),
        Ok(vec![LiveEvent::DeadlineExtended {
            deadline: DraftDeadline {
                version: 1,
                deadline: 105,
                remaining: Some(75)
            },
            by: 5
        }])
    );
    assert_eq!(
        t.reopen(2000),
        Ok(vec![LiveEvent::Reopened {
            resumed: Some(DraftDeadline {
                version: 1,
                deadline: 2075,
                remaining: None
            })
        }])
    );
    assert_eq!(t.status, NegotiationStatus::Open);
    assert_eq!(t.expire(2074), vec![]);
    t.respond(1, "a", Verdict::Accept, 2010).unwrap();
    assert_eq!(
        t.expire(2075),
        vec![LiveEvent::Expired {
            version: 1,
            missed: vec!["b".into()]
        }]
    );
}

#[test]
fn adjourning_at_the_deadline_expires_first_and_closing_ends_an_adjournment() {
    let mut t = open(&["a", "b"]);
    t.circulate(0, 100, 0).unwrap();
    assert_eq!(
        t.adjourn(100),
        Ok(vec![
            LiveEvent::Expired {
                version: 1,
                missed: vec!["a".into(), "b".into()]
            },
            LiveEvent::Adjourned { paused: None }
        ])
    );
    assert_eq!(
        t.reopen(200),
        Ok(vec![LiveEvent::Reopened { resumed: None }])
    );
    t.circulate(1, 300, 200).unwrap();
    t.adjourn(210).unwrap();
    assert_eq!(
        t.close(),
        Ok(vec![LiveEvent::Withdrawn { version: 2 }, LiveEvent::Closed])
    );
    assert_eq!(
        t.reopen(220),
        Err(Refusal::NotOpen(NegotiationStatus::Failed))
    );
    assert!(NegotiationStatus::Failed.is_over() && !NegotiationStatus::Adjourned.is_over());
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

fn one_text(parties: &[&str], feedback: Feedback) -> LiveText {
    LiveText {
        rules: TextRules::one_text(feedback),
        ..open(parties)
    }
}

use crate::one_text::Feedback;

#[test]
fn under_one_text_rules_an_all_accept_straw_poll_does_not_bind() {
    let mut t = one_text(&["a", "b"], Feedback::Binary);
    t.circulate(0, 100, 0).unwrap();
    t.answer(1, "a", Verdict::Accept, None, 1).unwrap();
    let events = t.answer(1, "b", Verdict::Accept, None, 1).unwrap();
    assert_eq!(events.last(), Some(&LiveEvent::StrawPoll { version: 1 }));
    assert_eq!(t.status, NegotiationStatus::Open);
    assert_eq!(t.current.as_ref().unwrap().status, DraftStatus::Polled);
    // The next draft follows the polled one.
    assert_eq!(
        t.circulate(1, 100, 2),
        Ok(vec![LiveEvent::Circulated { version: 2 }])
    );
}

#[test]
fn one_text_comparisons_are_asked_after_the_first_draft_and_must_fit_the_feedback() {
    let mut t = one_text(&["a", "b"], Feedback::Binary);
    t.circulate(0, 100, 0).unwrap();
    assert!(matches!(
        t.answer(1, "a", Verdict::Accept, Some(Comparison::Better), 1),
        Err(Refusal::Comparison(ComparisonRefusal::NotAsked {
            version: 1,
            ..
        }))
    ));
    t.answer(1, "a", Verdict::Accept, None, 1).unwrap();
    t.circulate(1, 100, 2).unwrap();
    assert!(matches!(
        t.answer(2, "a", Verdict::Reject, None, 3),
        Err(Refusal::Comparison(ComparisonRefusal::Missing {
            version: 2,
            previous: 1,
            ..
        }))
    ));
    let refused = t
        .answer(2, "a", Verdict::Reject, Some(Comparison::MuchWorse), 3)
        .unwrap_err();
    assert!(matches!(
        refused,
        Refusal::Comparison(ComparisonRefusal::DoesNotFit { .. })
    ));
    assert!(refused.to_string().contains("worse, better"), "{refused}");
    t.answer(2, "a", Verdict::Reject, Some(Comparison::Worse), 3)
        .unwrap();
    // A change of answer is checked the same way.
    assert!(t
        .change_answer_with(2, "a", Verdict::Accept, None, 4)
        .is_err());
    t.change_answer_with(2, "a", Verdict::Accept, Some(Comparison::Better), 4)
        .unwrap();

    let mut g = one_text(&["a", "b"], Feedback::Graded5);
    g.circulate(0, 100, 0).unwrap();
    g.circulate(1, 100, 0).unwrap();
    for c in Comparison::ALL {
        let mut h = g.clone();
        h.answer(2, "a", Verdict::Accept, Some(*c), 1).unwrap();
    }
}

#[test]
fn the_final_text_binds_only_if_every_party_accepts_it_and_a_failed_vote_goes_on() {
    let mut t = one_text(&["a", "b"], Feedback::Graded5);
    t.circulate(0, 100, 0).unwrap();
    t.circulate_as(1, 100, 0, true).unwrap();
    assert!(matches!(
        t.answer(2, "a", Verdict::Accept, Some(Comparison::Better), 1),
        Err(Refusal::Comparison(ComparisonRefusal::NotAsked { .. }))
    ));
    t.answer(2, "a", Verdict::Accept, None, 1).unwrap();
    let events = t.answer(2, "b", Verdict::Reject, None, 1).unwrap();
    assert_eq!(events.last(), Some(&LiveEvent::Rejected { version: 2 }));
    assert_eq!(t.status, NegotiationStatus::Open);
    // A new final vote: every party accepts it, the agreement.
    t.circulate_as(2, 100, 2, true).unwrap();
    t.answer(3, "a", Verdict::Accept, None, 3).unwrap();
    let events = t.answer(3, "b", Verdict::Accept, None, 3).unwrap();
    assert_eq!(events.last(), Some(&LiveEvent::Agreement { version: 3 }));
    assert_eq!(t.status, NegotiationStatus::Agreed);
}

#[test]
fn binding_rules_take_no_final_vote_and_no_comparison() {
    let mut t = open(&["a", "b"]);
    assert_eq!(t.circulate_as(0, 100, 0, true), Err(Refusal::NotOneText));
    t.circulate(0, 100, 0).unwrap();
    t.circulate(1, 100, 0).unwrap();
    assert!(matches!(
        t.answer(2, "a", Verdict::Accept, Some(Comparison::Better), 1),
        Err(Refusal::Comparison(ComparisonRefusal::NotAsked { .. }))
    ));
    t.answer(2, "a", Verdict::Accept, None, 1).unwrap();
    let events = t.answer(2, "b", Verdict::Accept, None, 1).unwrap();
    assert_eq!(events.last(), Some(&LiveEvent::Agreement { version: 2 }));
}

#[test]
fn comparison_names_round_trip_and_match_the_grades() {
    for c in Comparison::ALL {
        assert_eq!(c.as_str().parse::<Comparison>(), Ok(*c));
        assert_eq!(Comparison::of(c.grade()), *c);
    }
    assert_eq!(
        Comparison::of_feedback(Feedback::Binary),
        vec![Comparison::Worse, Comparison::Better]
    );
    assert_eq!(Comparison::of_feedback(Feedback::Graded5).len(), 5);
    assert_eq!(
        rules::parse_rules("one-text", Some("graded5")),
        Ok(TextRules::one_text(Feedback::Graded5))
    );
    assert_eq!(
        rules::parse_rules("binding", None),
        Ok(TextRules::default())
    );
}
