//! Whole negotiations: protocol rules as the runs show them, determinism, concession curves,
//! and mediators reaching agreement where a zone of agreement exists.

use accord_analysis::testing::random_additive;
use accord_model::{Rng, Role, Scenario};
use accord_protocol::{sao::Failure, Deadline, VoteMode};
use accord_strategy::*;
use std::sync::Arc;

fn seats(s: &Scenario) -> Vec<Seat> {
    s.parties
        .iter()
        .filter(|p| p.role == Role::Party)
        .map(|p| Seat {
            name: p.name.clone(),
            index: Arc::new(
                UtilityIndex::build(&s.space, p.preferences.as_ref().unwrap(), &p.red_lines)
                    .unwrap(),
            ),
            reservation: p.reservation.unwrap_or(0.0),
            discount: p.discount,
        })
        .collect()
}

fn sao(s: &Scenario, specs: &[&str], rounds: u32, seed: u64) -> (Summary, Vec<TraceEvent>) {
    let seats = seats(s);
    let mut agents: Vec<Box<dyn Negotiator>> = seats
        .iter()
        .zip(specs)
        .map(|(seat, spec)| negotiator(spec, seat.index.clone(), seat.reservation).unwrap())
        .collect();
    let mut trace = Vec::new();
    let summary = run_sao(
        &seats,
        &mut agents,
        Deadline::rounds(rounds),
        &mut Rng::new(seed),
        &mut || 0.0,
        &mut trace,
    )
    .unwrap();
    (summary, trace)
}

fn scenario(path: &str) -> Scenario {
    accord_formats::read_scenario(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../..")
            .join(path),
    )
    .unwrap()
}

#[test]
fn runs_are_deterministic_from_the_seed() {
    let s = random_additive(2, &[10, 10, 10], 1);
    let a = sao(&s, &["random", "random"], 50, 7);
    let b = sao(&s, &["random", "random"], 50, 7);
    assert_eq!(a, b);
    let c = sao(&s, &["random", "random"], 50, 8);
    assert_ne!(a.1, c.1);
}

#[test]
fn agreement_comes_from_every_other_partys_acceptance() {
    let s = random_additive(3, &[6, 6, 6], 3);
    let (summary, trace) = sao(&s, &["conceder", "conceder", "conceder"], 100, 1);
    let agreed = summary.agreement.expect("conceders agree");
    // The last two steps are acceptances of the last offer, which is the agreement.
    let n = trace.len();
    assert!(matches!(trace[n - 1].step, Step::Accept { .. }));
    assert!(matches!(trace[n - 2].step, Step::Accept { .. }));
    assert!(matches!(trace[n - 3].step, Step::Offer { offer, .. } if offer == agreed));
}

#[test]
fn deadlines_end_runs_without_agreement() {
    let s = random_additive(2, &[5, 5], 2);
    let (summary, trace) = sao(&s, &["hardliner", "hardliner"], 20, 1);
    if summary.agreement.is_none() {
        assert_eq!(summary.failure, Some(Failure::Deadline));
        assert_eq!(summary.rounds, 20);
        assert_eq!(trace.len(), 40);
    }
    // Utilities without agreement are the reservation values.
    assert_eq!(summary.utilities.len(), 2);
}

#[test]
fn concession_curves_follow_the_exponent() {
    let s = random_additive(2, &[10, 10, 10], 4);
    let seat = &seats(&s)[0];
    let ctx = |t| Context {
        index: &seat.index,
        reservation: 0.0,
        t,
    };
    for t in [0.1, 0.3, 0.5, 0.7, 0.9] {
        let b = TimeDependent::new(0.2).target(&ctx(t));
        let l = TimeDependent::new(1.0).target(&ctx(t));
        let c = TimeDependent::new(2.0).target(&ctx(t));
        assert!(b > l && l > c, "t={t}: {b} {l} {c}");
        // Linear: exactly proportional.
        let (lo, hi) = (seat.index.min(), seat.index.max());
        assert!((l - (hi - (hi - lo) * t)).abs() < 1e-12);
    }
    // A Boulware's offers never rise over time.
    let (_, trace) = sao(&s, &["boulware", "hardliner"], 200, 1);
    let mine: Vec<f64> = trace
        .iter()
        .filter_map(|e| match (&e.step, &e.utilities) {
            (Step::Offer { party: 0, .. }, Some(u)) => Some(u[0]),
            _ => None,
        })
        .collect();
    assert!(mine.len() > 10);
    assert!(mine.windows(2).all(|w| w[1] <= w[0] + 1e-12));
    assert!(mine[0] > *mine.last().unwrap());
}

#[test]
fn discounting_applies_on_normalised_time() {
    let mut s = random_additive(2, &[8, 8], 5);
    for p in &mut s.parties {
        p.discount = Some(0.5);
    }
    let (summary, _) = sao(&s, &["linear", "linear"], 100, 1);
    assert!(summary.agreement.is_some());
    for (u, d) in summary.utilities.iter().zip(&summary.discounted) {
        assert!((d - u * 0.5f64.powf(summary.t)).abs() < 1e-12);
    }
}

#[test]
fn mediators_reach_agreement_where_a_zone_exists() {
    for file in ["scenarios/trade.toml", "scenarios/coalition.toml"] {
        let s = scenario(file);
        let seats = seats(&s);
        for m in [
            "random-flipping",
            "fixed-order",
            "feedback",
            "amending",
            "nash-seeking",
            "bayes-nash",
            "thompson-binding",
        ] {
            for (mode, voter_spec) in [
                (VoteMode::AcceptReject, "hill-climber"),
                (VoteMode::Feedback, "hill-climber"),
                (VoteMode::AcceptReject, "annealer"),
            ] {
                let mut voters: Vec<Box<dyn Voter>> = seats
                    .iter()
                    .map(|x| voter(voter_spec, x.index.clone(), x.reservation).unwrap())
                    .collect();
                let mut med = mediator(m).unwrap();
                let summary = run_single_text(
                    &seats,
                    &mut voters,
                    med.as_mut(),
                    Deadline::rounds(100),
                    mode,
                    &mut Rng::new(3),
                    &mut || 0.0,
                    &mut NoTrace,
                )
                .unwrap();
                let agreed = summary
                    .agreement
                    .unwrap_or_else(|| panic!("{file} {m} {mode:?}: no agreement"));
                // Accepted texts are acceptable to every voter: at or above reservation.
                for (seat, u) in seats.iter().zip(&summary.utilities) {
                    assert!(
                        *u >= seat.reservation - 1e-12,
                        "{file} {m}: {} below reservation",
                        seat.name
                    );
                }
                assert_eq!(seats[0].index.utility(agreed), summary.utilities[0]);
            }
        }
    }
}

#[test]
fn unknown_strategies_say_what_exists() {
    let s = random_additive(2, &[3, 3], 1);
    let ix = seats(&s)[0].index.clone();
    let e = negotiator("boulwarre", ix.clone(), 0.0)
        .err()
        .unwrap()
        .to_string();
    assert!(
        e.contains("unknown strategy `boulwarre`; expected one of: boulware, linear"),
        "{e}"
    );
    assert!(negotiator("time:-1", ix.clone(), 0.0).is_err());
    assert!(negotiator("conceder,freq,ac=next|time:0.9", ix, 0.0).is_ok());
    assert!(mediator("nash-oracle").is_err());
}

#[test]
fn a_party_no_outcome_can_serve_walks_away() {
    let mut s = random_additive(2, &[4, 4], 9);
    // Above any utility: no deal can reach it.
    s.parties[1].reservation = Some(2.0);
    let (summary, _) = sao(&s, &["conceder", "conceder"], 50, 1);
    assert_eq!(summary.agreement, None);
    assert_eq!(summary.failure, Some(Failure::EndedBy(1)));
    assert_eq!(summary.utilities[1], 2.0);
}

/// Checks every offer of a trace: each seat's index gives the utility the preferences give
/// directly. Returns the number of offers.
/// A single text of `rounds` rounds: mediator `m`, hill-climbing voters, accept/reject ballots.
fn single_text(seats: &[Seat], m: &str, rounds: u32) -> Summary {
    let mut voters: Vec<Box<dyn Voter>> = seats
        .iter()
        .map(|x| voter("hill-climber", x.index.clone(), x.reservation).unwrap())
        .collect();
    let mut med = mediator(m).unwrap();
    run_single_text(
        seats,
        &mut voters,
        med.as_mut(),
        Deadline::rounds(rounds),
        VoteMode::AcceptReject,
        &mut Rng::new(3),
        &mut || 0.0,
        &mut NoTrace,
    )
    .unwrap()
}

fn offers_checked(s: &Scenario, seats: &[Seat], trace: &[TraceEvent]) -> usize {
    let mut offers = 0;
    for e in trace {
        if let Step::Offer { offer, .. } = &e.step {
            offers += 1;
            let outcome = s.space.outcome(*offer).unwrap();
            for (p, seat) in s.parties.iter().zip(seats) {
                let direct = p.preferences.as_ref().unwrap().utility(&s.space, &outcome);
                assert!((seat.index.utility(*offer) - direct).abs() < 1e-9);
            }
        }
    }
    offers
}

/// Beyond the sorted index's 50 million outcomes: a 10^10-outcome additive domain answered by
/// branch and bound; SAO agents and single-text mediators run on it, every offer's utility is
/// its outcome's (checked against the preferences directly), and nothing is materialised.
#[test]
fn negotiations_run_on_ten_billion_outcomes() {
    let s = random_additive(2, &[10; 10], 11);
    assert_eq!(s.space.size_u128().unwrap(), 10_000_000_000);
    let seats = seats(&s);
    for seat in &seats {
        assert_eq!(seat.index.method(), "bnb");
        assert!(seat.index.bytes() < 100_000, "{}", seat.index.bytes());
    }
    for specs in [
        ["boulware,freq", "tft"],
        ["random", "conceder"],
        ["hardliner", "linear"],
    ] {
        let (summary, trace) = sao(&s, &specs, 60, 5);
        assert!(offers_checked(&s, &seats, &trace) > 0, "{specs:?}");
        if let Some(a) = summary.agreement {
            assert_eq!(seats[0].index.utility(a), summary.utilities[0]);
        }
    }
    for m in ["nash-seeking", "bayes-nash", "random-flipping"] {
        let summary = single_text(&seats, m, 50);
        if let Some(a) = summary.agreement {
            assert_eq!(seats[0].index.utility(a), summary.utilities[0]);
        }
    }
}

/// Beyond 2^64 outcomes: random additive domains of 10^20 and 10^50 outcomes (20 and 50 issues
/// of 10 values, 256-bit outcome indices). SAO agents, single-text mediators (`bayes-nash`,
/// `random-flipping`) with hill-climbing voters and the one-text procedure reach agreements whose
/// utilities are those the scenario's preferences give the agreed outcome directly, and every
/// offer's utility is its outcome's; the indexes stay a few KB.
#[test]
fn negotiations_run_on_ten_to_the_twenty_and_fifty_outcomes() {
    for (issues, seed) in [(20usize, 21u64), (50, 51)] {
        let s = random_additive(2, &vec![10; issues], seed);
        let size = accord_model::U256::from(10u64).pow(accord_model::U256::from(issues as u64));
        assert_eq!(s.space.size(), size);
        assert!(s.space.size_u64().is_none());
        let seats = seats(&s);
        for seat in &seats {
            assert_eq!(seat.index.method(), "bnb");
            assert!(seat.index.bytes() < 100_000, "{}", seat.index.bytes());
        }
        // The agreed outcome's utilities, from the preferences directly (not the index).
        let check = |a: accord_protocol::Offer, utilities: &[f64], what: &str| {
            let outcome = s
                .space
                .outcome(a)
                .expect("the agreement is an outcome of the space");
            assert_eq!(s.space.index(&outcome), Some(a));
            for (p, u) in s.parties.iter().zip(utilities) {
                let direct = p.preferences.as_ref().unwrap().utility(&s.space, &outcome);
                assert!(
                    (u - direct).abs() < 1e-9,
                    "1e{issues} {what}: {u} vs {direct}"
                );
            }
        };
        let mut agreed = 0;
        for specs in [
            ["boulware", "conceder"],
            ["boulware,freq", "tft"],
            ["random", "linear"],
        ] {
            let (summary, trace) = sao(&s, &specs, 100, 5);
            assert!(offers_checked(&s, &seats, &trace) > 0, "{specs:?}");
            if let Some(a) = summary.agreement {
                agreed += 1;
                check(a, &summary.utilities, &format!("{specs:?}"));
            }
        }
        assert!(agreed >= 2, "1e{issues}: {agreed} SAO agreements of 3");
        for m in ["bayes-nash", "random-flipping"] {
            let summary = single_text(&seats, m, 100);
            let a = summary
                .agreement
                .unwrap_or_else(|| panic!("1e{issues} {m}: no agreement"));
            check(a, &summary.utilities, m);
        }
    }
}

/// ANAC2014-10issues (10^10 outcomes, hyper-rectangle terms linking every issue; the shared
/// ANAC domains beside the repository): branch-and-bound indexes of a few KB, and SAO
/// agents whose every offer carries its outcome's utility (checked against the preferences
/// directly) and keeps to the time-dependent target's side.
#[test]
fn sao_runs_on_anac2014_ten_issues() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/domains/genius/ANAC2014-10issues");
    let s = accord_formats::load(&[dir], accord_formats::ReadOptions { lenient: true })
        .expect("the shared ANAC domains beside the repository")
        .scenario;
    assert_eq!(s.space.size_u128().unwrap(), 10_000_000_000);
    let seats = seats(&s);
    for seat in &seats {
        assert_eq!(seat.index.method(), "bnb");
        assert!(seat.index.bytes() < 100_000, "{}", seat.index.bytes());
    }
    for specs in [["boulware", "conceder"], ["tft", "random"]] {
        let (summary, trace) = sao(&s, &specs, 100, 2);
        assert!(offers_checked(&s, &seats, &trace) > 0, "{specs:?}");
        if let Some(a) = summary.agreement {
            assert_eq!(seats[0].index.utility(a), summary.utilities[0]);
        }
    }
}
