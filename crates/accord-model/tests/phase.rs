//! Phased valuations and red lines, checked against numbers computed by hand.

use accord_model::*;

fn space() -> OutcomeSpace {
    let opts = |names: &[&str]| IssueKind::Discrete {
        options: names
            .iter()
            .map(|n| IssueOption {
                name: n.to_string(),
                wording: None,
            })
            .collect(),
    };
    OutcomeSpace::new(vec![
        Issue {
            name: "hostages".into(),
            description: None,
            kind: opts(&["some", "all"]),
        },
        Issue {
            name: "ceasefire".into(),
            description: None,
            kind: opts(&["pause", "permanent"]),
        },
    ])
    .unwrap()
}

/// u = 0.6 * hostages(some 0.3, all 1) + 0.4 * ceasefire(pause 1, permanent 0)
fn party(discount: Option<f64>) -> Party {
    Party {
        name: "a".into(),
        role: Role::Party,
        preferences: Some(Preferences {
            weights: vec![0.6, 0.4],
            functions: vec![
                ValueFunction::Table(vec![0.3, 1.0]),
                ValueFunction::Table(vec![1.0, 0.0]),
            ],
            terms: vec![],
        }),
        red_lines: vec![RedLine {
            rule: Rule::parse("ceasefire != permanent", space().issues()).unwrap(),
            source: None,
        }],
        reservation: Some(0.5),
        discount,
        description: None,
    }
}

fn fixed(name: &str, days: u32, v: [u32; 2]) -> Phase {
    Phase {
        name: name.into(),
        duration_days: days,
        terms: PhaseTerms::Fixed(Outcome(v.to_vec())),
    }
}

fn open(days: u32) -> Phase {
    Phase {
        name: "open".into(),
        duration_days: days,
        terms: PhaseTerms::Open {
            agenda: vec![1],
            trigger: Trigger::Day { phase: 0, day: 16 },
        },
    }
}

fn view(trust: f64, open_value: OpenValue) -> PhasedView {
    PhasedView {
        trust,
        open_value,
        red_lines: None,
    }
}

#[test]
fn two_fixed_phases_by_hand() {
    let s = space();
    // phase 1: some + pause: 0.6*0.3 + 0.4 = 0.58; phase 2: all + permanent: 0.6.
    let ag =
        PhasedAgreement::new(vec![fixed("p1", 42, [0, 0]), fixed("p2", 42, [1, 1])], &s).unwrap();
    let p = party(None);
    // trust 0.75: 0.25 * 0.58 + 0.75 * 0.6 = 0.145 + 0.45 = 0.595
    let eu = expected_utility(&p, &view(0.75, OpenValue::WalkAway), &s, &ag).unwrap();
    assert!((eu - 0.595).abs() < 1e-12, "{eu}");
    // discount 0.81, phase 2 starts at t = 1/2: 0.6 * 0.9 = 0.54; 0.145 + 0.75 * 0.54 = 0.55
    let eu = expected_utility(
        &party(Some(0.81)),
        &view(0.75, OpenValue::WalkAway),
        &s,
        &ag,
    )
    .unwrap();
    assert!((eu - 0.55).abs() < 1e-12, "{eu}");
}

#[test]
fn open_phase_valued_at_walk_away_or_expectation() {
    let s = space();
    // p1 some+pause 0.58 (days 0..42), open (42..84), p3 all+pause 1.0 (84..126)
    let ag = PhasedAgreement::new(
        vec![fixed("p1", 42, [0, 0]), open(42), fixed("p3", 42, [1, 0])],
        &s,
    )
    .unwrap();
    let p = party(None);
    // trust 0.5: 0.5*0.58 + 0.25*0.5 + 0.25*1.0 = 0.29 + 0.125 + 0.25 = 0.665
    let eu = expected_utility(&p, &view(0.5, OpenValue::WalkAway), &s, &ag).unwrap();
    assert!((eu - 0.665).abs() < 1e-12, "{eu}");
    // stated expectation 0.9 for the open phase: 0.29 + 0.225 + 0.25 = 0.765
    let eu = expected_utility(&p, &view(0.5, OpenValue::Expected(0.9)), &s, &ag).unwrap();
    assert!((eu - 0.765).abs() < 1e-12, "{eu}");
}

#[test]
fn one_phase_is_the_package() {
    let s = space();
    let p = party(Some(0.5));
    for v in [[0, 0], [0, 1], [1, 0], [1, 1]] {
        let o = Outcome(v.to_vec());
        let ag = PhasedAgreement::one_shot(o.clone(), &s).unwrap();
        for t in [0.0, 0.3, 1.0] {
            let eu = expected_utility_at(&p, &PhasedView::default(), &s, &ag, t).unwrap();
            assert_eq!(eu, p.preferences.as_ref().unwrap().utility(&s, &o));
        }
        assert_eq!(
            respects_phased_red_lines(&p, &PhasedView::default(), &ag),
            p.respects_red_lines(o.values())
        );
    }
}

#[test]
fn threshold_by_hand() {
    // w = [0.58, 0.6], floor 0.59: (1-t) 0.58 + t 0.6 >= 0.59  <=>  t >= 0.5
    let t = trust_threshold(&[0.58, 0.6], 0.59).unwrap();
    assert!((t - 0.5).abs() < 1e-9, "{t}");
    // Above the floor everywhere: 0.
    assert_eq!(trust_threshold(&[0.7, 0.8], 0.5), Some(0.0));
    // Never: full trust gives 0.6 < 0.7.
    assert_eq!(trust_threshold(&[0.58, 0.6], 0.7), None);
}

#[test]
fn red_lines_phase_by_phase() {
    let s = space();
    let rule = |t: &str| Rule::parse(t, s.issues()).unwrap();
    // pause in phase 1, permanent in phase 2
    let ag =
        PhasedAgreement::new(vec![fixed("p1", 42, [0, 0]), fixed("p2", 42, [1, 1])], &s).unwrap();
    let line = |text: &str, scope| PhasedRedLine {
        rule: rule(text),
        scope,
        source: None,
    };
    assert!(line("ceasefire = permanent", Scope::Commits).holds(&ag));
    assert!(line("ceasefire = permanent", Scope::Final).holds(&ag));
    assert!(!line("ceasefire = permanent", Scope::Every).holds(&ag));
    assert!(line("ceasefire != permanent", Scope::Phase(0)).holds(&ag));
    assert!(!line("hostages = all", Scope::Phase(0)).holds(&ag));
    // The party's ordinary red line (no permanent end) applies to every phase by default.
    let p = party(None);
    assert!(!respects_phased_red_lines(&p, &PhasedView::default(), &ag));
    // With a phased red line "not in phase 1" instead, the agreement passes.
    let v = PhasedView {
        red_lines: Some(vec![line("ceasefire != permanent", Scope::Phase(0))]),
        ..PhasedView::default()
    };
    assert!(respects_phased_red_lines(&p, &v, &ag));
    // Open phases commit to nothing.
    let ag = PhasedAgreement::new(vec![fixed("p1", 42, [0, 0]), open(42)], &s).unwrap();
    assert!(line("ceasefire = permanent", Scope::Phase(1)).holds(&ag));
    assert!(!line("ceasefire = permanent", Scope::Final).holds(&ag));
}

#[test]
fn invalid_phases_are_rejected() {
    let s = space();
    assert!(PhasedAgreement::new(vec![], &s).is_err());
    assert!(PhasedAgreement::new(vec![open(10)], &s).is_err());
    let e = PhasedAgreement::new(vec![fixed("p1", 10, [0, 0]), open(10)], &s).unwrap_err();
    assert!(e.message.contains("day 16"), "{e}");
    assert!(PhasedAgreement::new(vec![fixed("p1", 0, [0, 0])], &s).is_err());
}
