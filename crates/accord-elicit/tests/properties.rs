//! Properties of the elicitation that must hold for every party and every answer sequence.

use accord_elicit::testing::{discrete_space, AdditiveParty};
use accord_elicit::{from_rating, Answer, Elicitation, Options, Question, Rating, Response, Word};
use accord_model::{Rng, ValueFunction};
use proptest::prelude::*;

fn radices() -> impl Strategy<Value = Vec<u32>> {
    prop::collection::vec(2u32..6, 1..5)
}

fn table(f: &ValueFunction) -> &[f64] {
    match f {
        ValueFunction::Table(t) => t,
        _ => panic!("elicited preferences are tables"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Truthful answers from a party with additive preferences are always consistent, with or
    /// without a rating prior, including walk-away answers.
    #[test]
    fn truthful_answers_are_never_inconsistent(r in radices(), seed in any::<u64>(), rated in any::<bool>()) {
        let space = discrete_space(&r);
        let mut rng = Rng::new(seed);
        let party = AdditiveParty::random(&space, &mut rng);
        let options = Options { budget: 10, walk_away_budget: 3, candidates: 60, ..Options::default() };
        let mut e = if rated {
            Elicitation::with_prior(from_rating(&space, &party.rating()).unwrap().prior, options)
        } else {
            Elicitation::new(&space, options).unwrap()
        };
        while let Some(q) = e.next_question(&mut rng) {
            let a = party.compare(&q);
            e.answer(q, a).unwrap();
        }
        while let Some(p) = e.next_walk_away_question(&mut rng) {
            let yes = party.accepts(&p);
            e.answer_walk_away(p, yes).unwrap();
        }
        prop_assert!(e.inconsistencies().is_empty());
    }

    /// Whatever the answers (even contradictory ones), the fit is a valid preference: weights
    /// non-negative summing to 1, scores and walk-away point in [0, 1], each issue's best value
    /// at 1 and its worst at 0 (unless nothing distinguishes its values yet).
    #[test]
    fn fits_are_valid_preferences(r in radices(), seed in any::<u64>(), n in 0usize..12) {
        let space = discrete_space(&r);
        let mut rng = Rng::new(seed);
        let mut e = Elicitation::new(&space, Options { candidates: 20, ..Options::default() }).unwrap();
        for k in 0..n {
            let a: Vec<u32> = r.iter().map(|&x| rng.below(x as u64) as u32).collect();
            let b: Vec<u32> = r.iter().map(|&x| rng.below(x as u64) as u32).collect();
            if k % 4 == 3 {
                e.answer_walk_away(a, rng.below(2) == 0).unwrap();
            } else if a != b {
                let answer = [Answer::A, Answer::B, Answer::Same][rng.below(3) as usize];
                e.answer(Question { a, b }, answer).unwrap();
            }
        }
        let fit = e.fit();
        let total: f64 = fit.weights.iter().sum();
        prop_assert!((total - 1.0).abs() < 1e-9);
        prop_assert!(fit.weights.iter().all(|&w| w >= 0.0));
        for s in &fit.scores {
            prop_assert!(s.iter().all(|&x| (0.0..=1.0).contains(&x)));
            prop_assert!(s.contains(&1.0));
            if s.iter().any(|&x| x != 1.0) {
                prop_assert!(s.contains(&0.0));
            }
        }
        if let Some(res) = fit.reservation {
            prop_assert!((0.0..=1.0).contains(&res));
        }
        // Every reported inconsistency only names strict answers that exist.
        for inc in e.inconsistencies() {
            prop_assert!(inc.responses.len() >= 2);
            for i in inc.responses {
                let same = matches!(
                    e.responses()[i],
                    Response::Compared { answer: Answer::Same, .. }
                );
                prop_assert!(!same);
            }
        }
    }

    /// Ratings give weights summing to 1 that never increase with the rank, scores in [0, 1],
    /// and a proposed red line for exactly the options called unacceptable.
    #[test]
    fn ratings_are_valid_preferences(
        words in prop::collection::vec(prop::collection::vec(0usize..5, 2..6), 1..6),
        ranks in prop::collection::vec(0u32..4, 6),
    ) {
        let r: Vec<u32> = words.iter().map(|w| w.len() as u32).collect();
        let space = discrete_space(&r);
        let rating = Rating {
            importance: ranks[..r.len()].to_vec(),
            words: words.iter().map(|w| w.iter().map(|&k| Word::ALL[k]).collect()).collect(),
        };
        let all_bad = rating.words.iter().any(|w| w.iter().all(|&x| x == Word::Unacceptable));
        let rated = match from_rating(&space, &rating) {
            Ok(rated) => rated,
            Err(_) => { prop_assert!(all_bad); return Ok(()); }
        };
        let p = &rated.preferences;
        prop_assert!((p.weights.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        for f in &p.functions {
            prop_assert!(table(f).iter().all(|&x| (0.0..=1.0).contains(&x)));
        }
        let roc = accord_elicit::rank_order_centroid(&rating.importance);
        for i in 0..r.len() {
            for j in 0..r.len() {
                if rating.importance[i] < rating.importance[j] {
                    prop_assert!(roc[i] > roc[j]);
                }
            }
        }
        for (i, w) in rating.words.iter().enumerate() {
            let bad: Vec<u32> = (0..w.len() as u32).filter(|&k| w[k as usize] == Word::Unacceptable).collect();
            let proposed = rated.proposed_red_lines.iter().find(|p| p.issue == i);
            prop_assert_eq!(proposed.map(|p| p.values.clone()).unwrap_or_default(), bad.clone());
            if let Some(p) = proposed {
                let red = p.to_red_line(&space).unwrap();
                let mut pkg = vec![0u32; r.len()];
                for k in 0..w.len() as u32 {
                    pkg[i] = k;
                    prop_assert_eq!(red.rule.holds(&pkg), !bad.contains(&k));
                }
            }
        }
    }
}

/// A party that contradicts itself (a preference cycle) is told which answers conflict, and
/// revising one clears it.
#[test]
fn a_cycle_is_reported_and_can_be_revised() {
    let space = discrete_space(&[3, 2]);
    let mut e = Elicitation::new(&space, Options::default()).unwrap();
    let q = |a: [u32; 2], b: [u32; 2]| Question {
        a: a.to_vec(),
        b: b.to_vec(),
    };
    e.answer(q([0, 0], [1, 1]), Answer::A).unwrap();
    e.answer(q([2, 0], [1, 0]), Answer::A).unwrap();
    e.answer(q([1, 1], [2, 1]), Answer::A).unwrap();
    e.answer(q([0, 0], [2, 0]), Answer::B).unwrap();
    e.answer(q([0, 1], [1, 0]), Answer::A).unwrap();
    // Answer 1 says o2 ≻ o1 on issue 0 (issue 1 at o0), answer 2 says o1 ≻ o2 (issue 1 at
    // o1): additive preferences cannot hold both.
    let inc = e.inconsistencies();
    assert_eq!(inc.len(), 1);
    assert_eq!(inc[0].responses, vec![1, 2]);
    e.revise(
        2,
        Response::Compared {
            question: q([1, 1], [2, 1]),
            answer: Answer::B,
        },
    )
    .unwrap();
    assert!(e.inconsistencies().is_empty());
    assert!(!e.fit().contradicted.contains(&2));
}
