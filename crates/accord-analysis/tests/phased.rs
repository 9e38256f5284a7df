//! Phased analysis: one-phase agreements are the one-shot analysis (property test), and the
//! phased cease-fire's zone and trust thresholds match a brute-force enumeration written here,
//! separately from the engine (its own loops, its own expected-utility formula, its own red-line
//! checks, thresholds in closed form).

use accord_analysis::phased::{analyze_phased, evaluate, ShapeKind};
use accord_analysis::testing::random_constrained;
use accord_analysis::{analyze, Options};
use accord_model::{OpenValue, PhasedAgreement, PhasedView, Phasing, Role};
use proptest::prelude::*;
use std::path::Path;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// For any scenario, trust and discount, a one-phase agreement is valued at exactly the
    /// one-shot utility, is in the phased zone exactly when its package is in the one-shot zone,
    /// and the one-phase shape's zone has the one-shot zone's size.
    #[test]
    fn one_phase_is_one_shot(
        sizes in prop::collection::vec(1usize..5, 1..4),
        k in 2usize..4,
        seed in any::<u64>(),
        trust in 0.0f64..=1.0,
        discount in 0.1f64..=1.0,
    ) {
        let mut s = random_constrained(k, &sizes, seed, true);
        for p in &mut s.parties { p.discount = Some(discount); }
        let report = analyze(&s, &Options::default()).unwrap();
        let first = s.space.outcome(accord_model::U256::from(0)).unwrap();
        let view = PhasedView { trust, open_value: OpenValue::Expected(0.9), red_lines: None };
        let phasing = Phasing {
            agreement: PhasedAgreement::one_shot(first, &s.space).unwrap(),
            views: vec![view; s.parties.len()],
        };
        let r = analyze_phased(&s, &phasing);
        prop_assert_eq!(r.shapes.len(), 1);
        prop_assert_eq!(r.shapes[0].kind, ShapeKind::AsProposed);
        prop_assert_eq!(r.shapes[0].in_zone.map(u128::from), report.zone.count);
        prop_assert_eq!(r.one_shot_zone.map(u128::from), report.zone.count);
        for i in 0..s.space.size_u64().unwrap() {
            let o = s.space.outcome(accord_model::U256::from(i)).unwrap();
            let e = evaluate(&s, &phasing, &PhasedAgreement::one_shot(o.clone(), &s.space).unwrap());
            let mut in_zone = true;
            for (j, p) in s.parties.iter().filter(|p| p.role == Role::Party).enumerate() {
                let u = p.preferences.as_ref().unwrap().utility(&s.space, &o);
                prop_assert_eq!(e.expected[j], u);
                in_zone &= p.respects_red_lines(o.values()) && u >= p.disagreement() - 1e-9;
            }
            prop_assert_eq!(e.in_zone, in_zone);
        }
    }
}

/// Brute force over the phased cease-fire: phase 1 and phase 2 each any package (the
/// "open phases settled" shape), and phase 1 any package with phase 2 open (as proposed).
#[test]
fn ceasefire_phased_matches_brute_force() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/ceasefire-phased.toml");
    let (s, phasing) = accord_formats::read_phased_scenario(&file).unwrap();
    let phasing = phasing.expect("the file has a [phasing] table");
    let r = analyze_phased(&s, &phasing);

    // Values written out from the file, not from the engine.
    let israel = s.party("israel").unwrap();
    let hamas = s.party("hamas").unwrap();
    let (d_i, d_h) = (0.68, 0.30);
    let (t_i, t_h) = (0.7, 0.6);
    assert_eq!(israel.reservation, Some(d_i));
    assert_eq!(hamas.reservation, Some(d_h));
    let space = &s.space;
    let idx = |issue: &str, v: &str| {
        let i = space.issue_index(issue).unwrap();
        (i, space.issues()[i].option_index(v).unwrap())
    };
    let (c, permanent) = idx("ceasefire", "permanent");
    let (h, all) = idx("hostages", "all");
    let (w, full) = idx("withdrawal", "full");
    // Israel, phase-1 scoped: no permanent end in phase 1. Hamas, every phase: all hostages only
    // with a permanent end and full withdrawal.
    let israel_ok = |p1: &[u32]| p1[c] != permanent;
    let hamas_ok = |o: &[u32]| o[h] != all || (o[c] == permanent && o[w] == full);
    let n = space.size_u64().unwrap();
    let outs: Vec<Vec<u32>> = (0..n)
        .map(|i| space.outcome(accord_model::U256::from(i)).unwrap().0)
        .collect();
    let ui: Vec<f64> = outs
        .iter()
        .map(|o| {
            israel
                .preferences
                .as_ref()
                .unwrap()
                .utility_of_values(space, o)
        })
        .collect();
    let uh: Vec<f64> = outs
        .iter()
        .map(|o| {
            hamas
                .preferences
                .as_ref()
                .unwrap()
                .utility_of_values(space, o)
        })
        .collect();

    // One shot: the ordinary red lines (Israel: never a permanent end).
    let one_shot = (0..n as usize)
        .filter(|&a| outs[a][c] != permanent && hamas_ok(&outs[a]) && ui[a] >= d_i && uh[a] >= d_h)
        .count() as u64;
    assert_eq!(r.one_shot_zone, Some(one_shot));
    assert_eq!(
        one_shot, 0,
        "the one-shot zone is empty, as in ceasefire.toml"
    );

    // Two phases, no discount: EU = (1 - t) u1 + t u2; threshold = (d - u1) / (u2 - u1) when
    // u1 < d <= u2, 0 when u1 >= d and u2 >= d, none when u2 < d.
    let threshold = |u1: f64, u2: f64, d: f64| -> Option<f64> {
        if u2 < d - 1e-9 {
            None
        } else if u1 >= d - 1e-9 {
            Some(0.0)
        } else {
            Some((d - u1) / (u2 - u1))
        }
    };
    let mut settled = 0u64;
    let mut best_nash = f64::NEG_INFINITY;
    for a in 0..n as usize {
        for b in 0..n as usize {
            let ei = (1.0 - t_i) * ui[a] + t_i * ui[b];
            let eh = (1.0 - t_h) * uh[a] + t_h * uh[b];
            let ok = israel_ok(&outs[a]) && hamas_ok(&outs[a]) && hamas_ok(&outs[b]);
            if ok && ei >= d_i - 1e-9 && eh >= d_h - 1e-9 {
                settled += 1;
                best_nash = best_nash.max((ei - d_i) * (eh - d_h));
            }
        }
    }
    let shape = r
        .shapes
        .iter()
        .find(|x| x.kind == ShapeKind::Settled)
        .unwrap();
    assert_eq!(shape.agreements, (n * n) as u128);
    assert_eq!(shape.in_zone, Some(settled));
    assert!(settled > 0, "sequencing opens a zone");
    // The best reported agreement: its Nash product and its thresholds, by hand.
    let top = &shape.best[0];
    let p1 = space
        .index(top.agreement.phases()[0].fixed().unwrap())
        .and_then(|i| usize::try_from(i).ok())
        .unwrap();
    let p2 = space
        .index(top.agreement.phases()[1].fixed().unwrap())
        .and_then(|i| usize::try_from(i).ok())
        .unwrap();
    let nash = (top.expected[0] - d_i) * (top.expected[1] - d_h);
    assert!((nash - best_nash).abs() < 1e-9);
    for (j, (u, d)) in [(&ui, d_i), (&uh, d_h)].into_iter().enumerate() {
        let want = threshold(u[p1], u[p2], d);
        let got = top.thresholds[j];
        assert_eq!(want.is_some(), got.is_some());
        if let (Some(a), Some(b)) = (want, got) {
            assert!((a - b).abs() < 1e-6, "party {j}: {a} vs {b}");
        }
    }
    // Every reported agreement: thresholds by hand.
    for e in &shape.best {
        let p1 = space
            .index(e.agreement.phases()[0].fixed().unwrap())
            .and_then(|i| usize::try_from(i).ok())
            .unwrap();
        let p2 = space
            .index(e.agreement.phases()[1].fixed().unwrap())
            .and_then(|i| usize::try_from(i).ok())
            .unwrap();
        for (j, (u, d)) in [(&ui, d_i), (&uh, d_h)].into_iter().enumerate() {
            let want = threshold(u[p1], u[p2], d).unwrap();
            assert!((want - e.thresholds[j].unwrap()).abs() < 1e-6);
        }
    }

    // As proposed: phase 2 open, worth each party's walk-away value.
    let proposed = (0..n as usize)
        .filter(|&a| {
            let ei = (1.0 - t_i) * ui[a] + t_i * d_i;
            let eh = (1.0 - t_h) * uh[a] + t_h * d_h;
            israel_ok(&outs[a]) && hamas_ok(&outs[a]) && ei >= d_i - 1e-9 && eh >= d_h - 1e-9
        })
        .count() as u64;
    let shape = r
        .shapes
        .iter()
        .find(|x| x.kind == ShapeKind::AsProposed)
        .unwrap();
    assert_eq!(shape.in_zone, Some(proposed));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// The enumeration's per-package tables (used when no party states phased red lines) count
    /// the same zone and keep the same best agreements as evaluating every agreement in full.
    #[test]
    fn tabulated_enumeration_matches_full_evaluation(
        sizes in prop::collection::vec(1usize..4, 1..3),
        seed in any::<u64>(),
        trust in 0.0f64..=1.0,
        discount in 0.1f64..=1.0,
        open in 0.0f64..=1.0,
    ) {
        use accord_model::{Phase, PhaseTerms, Trigger};
        let mut s = random_constrained(2, &sizes, seed, true);
        for p in &mut s.parties { p.discount = Some(discount); }
        let n = s.space.size_u64().unwrap();
        let phase = |name: &str, days, terms| Phase { name: name.into(), duration_days: days, terms };
        let agreement = PhasedAgreement::new(vec![
            phase("1", 10, PhaseTerms::Fixed(s.space.outcome(accord_model::U256::from(0)).unwrap())),
            phase("2", 20, PhaseTerms::Fixed(s.space.outcome(accord_model::U256::from(n - 1)).unwrap())),
            phase("3", 5, PhaseTerms::Open { agenda: vec![0], trigger: Trigger::Day { phase: 0, day: 3 } }),
        ], &s.space).unwrap();
        let view = PhasedView { trust, open_value: OpenValue::Expected(open), red_lines: None };
        let phasing = Phasing { agreement: agreement.clone(), views: vec![view; s.parties.len()] };
        let report = analyze_phased(&s, &phasing);
        let shape = &report.shapes[0];
        prop_assert_eq!(shape.kind, ShapeKind::AsProposed);
        let mut full = Vec::new();
        for a in 0..n {
            for b in 0..n {
                let mut phases = agreement.phases().to_vec();
                phases[0].terms = PhaseTerms::Fixed(s.space.outcome(accord_model::U256::from(a)).unwrap());
                phases[1].terms = PhaseTerms::Fixed(s.space.outcome(accord_model::U256::from(b)).unwrap());
                let e = evaluate(&s, &phasing, &PhasedAgreement::new(phases, &s.space).unwrap());
                if e.in_zone { full.push(e); }
            }
        }
        prop_assert_eq!(shape.in_zone, Some(full.len() as u64));
        for kept in &shape.best {
            prop_assert!(full.contains(kept), "a kept agreement differs from its full evaluation");
        }
    }
}

/// `accord negotiate --phased` runs protocols over the flat form of a phased scenario
/// (`accord_model::flatten`): for the phased cease-fire, as proposed and with its open phase
/// settled, every flat package's utility is the party's expected utility of the phased agreement
/// it stands for, its red lines are crossed exactly when the phased ones are, and the flat zone
/// has the phased shape's size.
#[test]
fn the_flat_form_values_every_phased_agreement_as_the_phased_model_does() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/ceasefire-phased.toml");
    let (s, phasing) = accord_formats::read_phased_scenario(&file).unwrap();
    let phasing = phasing.expect("the file has a [phasing] table");
    let settled = Phasing {
        agreement: phasing.agreement.with_open_phases_settled().unwrap(),
        views: phasing.views.clone(),
    };
    let report = analyze_phased(&s, &phasing);
    for (shape, kind) in [
        (&phasing, ShapeKind::AsProposed),
        (&settled, ShapeKind::Settled),
    ] {
        let phasing = shape;
        let flat = accord_model::flatten(&s, phasing).unwrap();
        let negotiators: Vec<usize> = (0..s.parties.len())
            .filter(|&p| s.parties[p].role == Role::Party)
            .collect();
        let mut in_zone = 0u64;
        for index in 0..flat.scenario.space.size_u64().unwrap() {
            let o = flat
                .scenario
                .space
                .outcome(accord_model::U256::from(index))
                .unwrap();
            let e = evaluate(&s, phasing, &flat.agreement(&o.0));
            let mut all = true;
            for (k, &p) in negotiators.iter().enumerate() {
                let party = &flat.scenario.parties[p];
                let u = party
                    .preferences
                    .as_ref()
                    .unwrap()
                    .utility(&flat.scenario.space, &o);
                assert!(
                    (u - e.expected[k]).abs() < 1e-12,
                    "{index}: {u} against {}",
                    e.expected[k]
                );
                assert_eq!(party.respects_red_lines(&o.0), e.red_lines_ok[k], "{index}");
                all &= party.respects_red_lines(&o.0) && u >= party.disagreement() - 1e-9;
            }
            assert_eq!(all, e.in_zone, "{index}");
            in_zone += u64::from(all);
        }
        let shape = report.shapes.iter().find(|x| x.kind == kind).unwrap();
        assert_eq!(
            shape.agreements,
            u128::from(flat.scenario.space.size_u64().unwrap())
        );
        assert_eq!(shape.in_zone, Some(in_zone), "{kind:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    /// The flat form on random scenarios with terms and red lines, discounting, a phase left
    /// open (valued at a stated expectation or the walk-away value) and phased red lines of
    /// every scope: each flat package's utility is the phased expected utility and its red lines
    /// are crossed exactly when the phased ones are.
    #[test]
    fn the_flat_form_is_exact_for_every_scope(
        sizes in prop::collection::vec(2usize..4, 1..3),
        seed in any::<u64>(),
        trust in 0.0f64..=1.0,
        discount in 0.1f64..=1.0,
        stated in prop::option::of(0.0f64..=1.0),
        scopes in prop::collection::vec(0usize..5, 0..4),
    ) {
        use accord_model::{Phase, PhaseTerms, PhasedRedLine, Rule, Scope, Trigger};
        let mut s = random_constrained(2, &sizes, seed, true);
        for p in &mut s.parties { p.discount = Some(discount); }
        let first = s.space.outcome(accord_model::U256::from(0)).unwrap();
        let fixed = |name: &str, days| Phase { name: name.into(), duration_days: days, terms: PhaseTerms::Fixed(first.clone()) };
        let agreement = PhasedAgreement::new(vec![
            fixed("one", 10),
            Phase { name: "two".into(), duration_days: 20, terms: PhaseTerms::Open { agenda: vec![0], trigger: Trigger::Day { phase: 0, day: 5 } } },
            fixed("three", 30),
        ], &s.space).unwrap();
        let rule = Rule::parse("i0 = v0", s.space.issues()).unwrap();
        let red_lines: Vec<PhasedRedLine> = scopes.iter().map(|k| PhasedRedLine {
            rule: rule.clone(),
            scope: [Scope::Final, Scope::Phase(0), Scope::Phase(1), Scope::Every, Scope::Commits][*k],
            source: None,
        }).collect();
        let view = PhasedView {
            trust,
            open_value: stated.map_or(OpenValue::WalkAway, OpenValue::Expected),
            red_lines: (!red_lines.is_empty()).then_some(red_lines),
        };
        let phasing = Phasing { agreement, views: vec![view; s.parties.len()] };
        let flat = accord_model::flatten(&s, &phasing).unwrap();
        prop_assert_eq!(flat.fixed_phases.clone(), vec![0, 2]);
        for index in 0..flat.scenario.space.size_u64().unwrap() {
            let o = flat.scenario.space.outcome(accord_model::U256::from(index)).unwrap();
            let e = evaluate(&s, &phasing, &flat.agreement(&o.0));
            for k in 0..s.parties.len() {
                let party = &flat.scenario.parties[k];
                let u = party.preferences.as_ref().unwrap().utility(&flat.scenario.space, &o);
                prop_assert!((u - e.expected[k]).abs() < 1e-12, "{} against {}", u, e.expected[k]);
                prop_assert_eq!(party.respects_red_lines(&o.0), e.red_lines_ok[k]);
            }
        }
    }
}
