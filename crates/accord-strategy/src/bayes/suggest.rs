//! "Suggest the next draft" for a live one-text negotiation: the [`ThompsonNash`] mediator
//! replayed over the drafts every party answered (straw polls, comparisons, amendments and
//! failed final votes), then asked for the next draft, with what the draft tests and whether
//! the belief is confident enough to call the final vote.
//!
//! It sees only texts and answers (the function takes nothing else), so it serves parties who
//! keep their preferences private.

use super::belief::{cdf, entropy};
use super::thompson::{ThompsonNash, FINAL_POINTS, FINAL_SAMPLES, FINAL_SWEEPS, NOISE};
use crate::index::encode;
use crate::one_text::OneTextMediator;
use accord_model::Rng;
use accord_protocol::{Answer, Feedback, Grade};

/// The final vote is recommended once the belief expects the final text to reach at least this
/// share of the Nash product of the parties' (sampled) Nash points...
pub const CONFIDENT_RATIO: f64 = 0.99;
/// ...and every party to accept it with at least this chance...
pub const CONFIDENT_ACCEPTANCE: f64 = 0.95;
/// ...after at least this many drafts every party answered (a belief fresh from its prior is
/// never taken at its word).
pub const MIN_POLLS: usize = 4;
/// The chance the suggestions take a comparison to be misjudged (`thompson-nash:0.05`): people
/// answering by hand misjudge now and then, and a belief that takes every comparison as exact
/// grows sure of itself too soon (on `e2e/fixtures/river.toml`, 40 seeded runs: 1 of 40 called
/// the final vote on a text at 0.64 of the Nash product with exact comparisons, none with this).
pub const SLIP: f64 = 0.05;
/// After this many answered drafts the final vote is recommended whatever the belief says.
pub const MAX_POLLS: usize = 80;

/// A draft every party answered, as the mediator may know it.
#[derive(Debug, Clone)]
pub struct AnsweredDraft {
    /// Its clause values (value index per issue).
    pub text: Vec<u32>,
    /// The draft before it (what its comparisons are against), if any.
    pub previous: Option<Vec<u32>>,
    /// Each party's answer, by party (straw poll or final vote, comparison, amendment).
    pub answers: Vec<Answer>,
}

/// What a suggested draft is for.
#[derive(Debug, Clone, PartialEq)]
pub enum Probe {
    /// Nothing answered yet: a first text to hear the parties on.
    Opening,
    /// Whether `party` would accept the text rather than no agreement.
    Acceptance {
        /// The party (index in the answers).
        party: usize,
    },
    /// Whether `party` values the text's changed clauses (`changed`, issue indices) over the
    /// previous draft's.
    Trade {
        /// The party.
        party: usize,
        /// The issues the suggestion changes from the previous draft.
        changed: Vec<usize>,
    },
    /// The text the belief would put to the final vote, circulated first as a straw poll: the
    /// final vote is called on it once every party has accepted it there (a party may reject
    /// for a reason the belief cannot hold, such as a red line).
    Check,
    /// The final text: the belief is confident (or the polls ran long), and every party
    /// accepted this text in a straw poll (unless none ever accepted any).
    Final,
}

/// A suggestion.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    /// The suggested text (value index per issue).
    pub text: Vec<u32>,
    /// Whether to circulate it as the final text (call the final vote).
    pub call_final_vote: bool,
    /// What it tests.
    pub probe: Probe,
    /// The belief's expected Nash product of its best final text over the sampled parties'
    /// Nash points (averaged over samples; 0 before any answer).
    pub expected_ratio: f64,
    /// The belief's chance that every party accepts that final text.
    pub acceptance: f64,
    /// Drafts every party answered (what the belief learned from).
    pub polls: usize,
}

/// Suggests the next draft from the answered drafts `history` (oldest first) and the last draft
/// circulated (what the next draft is compared with), with `parties` parties, under `feedback`;
/// `numeric[i]` says issue i's values are ordered numbers (`Issue::is_numeric`); `seed` fixes
/// the random choices.
pub fn suggest(
    radices: &[u32],
    numeric: &[bool],
    feedback: Feedback,
    parties: usize,
    history: &[AnsweredDraft],
    last: Option<&[u32]>,
    seed: u64,
) -> Suggestion {
    let mut rng = Rng::new(seed);
    let mut m = ThompsonNash::with_slip(SLIP);
    m.setup(radices, numeric);
    m.feedback = feedback;
    for h in history.iter().filter(|h| h.answers.len() == parties) {
        m.previous = h.previous.clone();
        m.observe(encode(&h.text, radices), &h.answers);
    }
    m.previous = last.map(<[u32]>::to_vec);
    let polls = history
        .iter()
        .filter(|h| h.answers.len() == parties)
        .count();
    if m.beliefs.is_empty() {
        return Suggestion {
            text: crate::one_text::values(crate::text::random_outcome(radices, &mut rng), radices),
            call_final_vote: false,
            probe: Probe::Opening,
            expected_ratio: 0.0,
            acceptance: 0.0,
            polls,
        };
    }
    let draft = m.draft(&mut rng);
    let probe = probe(&m, &draft);
    let mut judge = m.clone();
    judge.sweep(FINAL_SWEEPS);
    let final_text = judge.final_text(&mut rng, polls >= MAX_POLLS && !judge.passed.is_empty());
    let (expected_ratio, acceptance) = confidence(&judge, &final_text, &mut rng);
    let confident = polls >= MIN_POLLS
        && expected_ratio >= CONFIDENT_RATIO
        && acceptance >= CONFIDENT_ACCEPTANCE;
    if confident || polls >= MAX_POLLS {
        let checked = judge.passed.contains(&final_text) || polls >= MAX_POLLS;
        return Suggestion {
            text: final_text,
            call_final_vote: checked,
            probe: if checked { Probe::Final } else { Probe::Check },
            expected_ratio,
            acceptance,
            polls,
        };
    }
    Suggestion {
        text: draft,
        call_final_vote: false,
        probe,
        expected_ratio,
        acceptance,
        polls,
    }
}

/// The party whose answer to `draft` the belief is least sure of, and whether it is its
/// comparison or its straw poll.
fn probe(m: &ThompsonNash, draft: &[u32]) -> Probe {
    let straw = m.constraint(draft, None);
    let previous = m.previous.as_deref();
    let compare = previous
        .filter(|_| m.feedback != Feedback::Accept)
        .map(|p| m.constraint(draft, Some(p)));
    let mut best = (f64::NEG_INFINITY, Probe::Opening);
    for (p, b) in m.beliefs.iter().enumerate() {
        let (mean, var) = b.predict(&straw);
        let h = entropy(cdf(mean / (var + NOISE).sqrt()));
        if h > best.0 {
            best = (h, Probe::Acceptance { party: p });
        }
        if let (Some(c), Some(prev)) = (&compare, previous) {
            if c.is_empty() {
                continue;
            }
            let (mean, var) = b.predict(c);
            let sd = (var + NOISE).sqrt();
            let h: f64 = Grade::ALL
                .into_iter()
                .filter(|g| g.fits(m.feedback))
                .map(|g| {
                    let (lo, hi) = g.bounds(m.feedback);
                    let q = cdf((hi - mean) / sd) - cdf((lo - mean) / sd);
                    if q > 1e-12 {
                        -q * q.log2()
                    } else {
                        0.0
                    }
                })
                .sum();
            if h > best.0 {
                let changed = (0..draft.len()).filter(|&i| draft[i] != prev[i]).collect();
                best = (h, Probe::Trade { party: p, changed });
            }
        }
    }
    best.1
}

/// The belief's expected share of the best Nash product that `text` reaches (over sampled
/// parties, each compared with its own Nash point) and its chance that every party accepts it.
fn confidence(m: &ThompsonNash, text: &[u32], rng: &mut Rng) -> (f64, f64) {
    let samples = m.samples(FINAL_SAMPLES, rng);
    let accepted = samples
        .iter()
        .filter(|s| s.iter().all(|x| m.gain(x, text) > 0.0))
        .count() as f64
        / samples.len().max(1) as f64;
    let mut total = 0.0;
    let mut counted = 0usize;
    for s in samples.iter().take(FINAL_POINTS) {
        let xs: Vec<&[f64]> = s.iter().map(Vec::as_slice).collect();
        let point = m.nash_point(&xs, Some(text), rng);
        let product = |o: &[u32]| -> f64 { s.iter().map(|x| m.gain(x, o).max(0.0)).product() };
        let best = product(&point).max(product(text));
        if best > 0.0 {
            total += product(text) / best;
            counted += 1;
        }
    }
    let ratio = if counted == 0 {
        0.0
    } else {
        total / counted as f64
    };
    (ratio, accepted)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Critic, DraftView, Truthful, UtilityIndex};
    use std::sync::Arc;

    /// Runs the live loop (suggest, circulate, answer truthfully) until the suggestion calls the
    /// final vote; returns the final text's Nash product over the optimum (by enumeration; 0 if
    /// a party rejects it) and the drafts it took.
    fn run_seats(
        seats: &[(Arc<UtilityIndex>, f64)],
        radices: &[u32],
        numeric: &[bool],
        feedback: Feedback,
        seed: u64,
    ) -> (f64, usize) {
        let mut critics: Vec<Truthful> = seats
            .iter()
            .map(|(i, r)| Truthful::new(i.clone(), *r, 0.0))
            .collect();
        let product = |o: accord_protocol::Offer| -> f64 {
            seats
                .iter()
                .map(|(i, r)| {
                    if i.acceptable(o) {
                        (i.utility(o) - r).max(0.0)
                    } else {
                        0.0
                    }
                })
                .product()
        };
        let mut history: Vec<AnsweredDraft> = Vec::new();
        let mut last: Option<Vec<u32>> = None;
        let mut rng = Rng::new(seed);
        for round in 0..200 {
            let n = seats.len();
            let sug = suggest(
                radices,
                numeric,
                feedback,
                n,
                &history,
                last.as_deref(),
                seed + round,
            );
            let offer = encode(&sug.text, radices);
            let view = DraftView {
                draft: offer,
                previous: last.as_ref().map(|l| encode(l, radices)),
                feedback,
                final_vote: sug.call_final_vote,
                t: 0.0,
            };
            let answers: Vec<Answer> = critics
                .iter_mut()
                .map(|c| c.answer(&view, &mut rng))
                .collect();
            if sug.call_final_vote {
                let size: u64 = radices.iter().map(|&r| r as u64).product();
                let best = (0..size)
                    .map(|o| product(accord_protocol::Offer::from(o)))
                    .fold(0.0, f64::max);
                let ok = answers.iter().all(|a| a.acceptable);
                return (
                    if ok { product(offer) / best } else { 0.0 },
                    history.len() + 1,
                );
            }
            history.push(AnsweredDraft {
                text: sug.text.clone(),
                previous: last.clone(),
                answers,
            });
            last = Some(sug.text);
        }
        (0.0, 200)
    }

    /// [`run_seats`] on a random two-party scenario `seed` (reservation values 0.3).
    fn run(seed: u64, feedback: Feedback, radices: &[u32]) -> (f64, usize) {
        let sizes: Vec<usize> = radices.iter().map(|&r| r as usize).collect();
        let s = accord_analysis::testing::random_additive(2, &sizes, seed);
        let seats: Vec<(Arc<UtilityIndex>, f64)> = s
            .parties
            .iter()
            .map(|p| {
                let index = UtilityIndex::build(&s.space, p.preferences.as_ref().unwrap(), &[]);
                (Arc::new(index.unwrap()), 0.3)
            })
            .collect();
        run_seats(&seats, radices, &[], feedback, seed)
    }

    /// [`run_seats`] on a scenario file of the repository (its parties' preferences, red lines
    /// and walk-away points).
    fn scenario_file(file: &str, seed: u64, feedback: Feedback) -> (f64, usize) {
        let path = format!("{}/../../{file}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(path).unwrap();
        let s =
            accord_formats::parse_scenario(&text, accord_formats::Format::Toml, "toml").unwrap();
        let seats: Vec<(Arc<UtilityIndex>, f64)> = s
            .parties
            .iter()
            .filter(|p| p.preferences.is_some())
            .map(|p| {
                let index =
                    UtilityIndex::build(&s.space, p.preferences.as_ref().unwrap(), &p.red_lines);
                (Arc::new(index.unwrap()), p.reservation.unwrap_or(0.0))
            })
            .collect();
        let numeric: Vec<bool> = s.space.issues().iter().map(|i| i.is_numeric()).collect();
        run_seats(&seats, s.space.radices(), &numeric, feedback, seed)
    }

    /// On `scenarios/trade.toml` the Nash point lies on both parties' red lines, which the
    /// suggestions never see: every final vote they call passes (it was straw-polled first),
    /// and the mean is at least 0.8 of the Nash product (0.83 over these seeds when written;
    /// the river treaty without red lines reaches 0.95, above).
    #[test]
    fn on_the_trade_scenario_every_final_vote_passes_despite_unseen_red_lines() {
        let mut ratios = Vec::new();
        for seed in 1..21 {
            let feedback = if seed % 2 == 0 {
                Feedback::Graded5
            } else {
                Feedback::Binary
            };
            ratios.push(scenario_file("scenarios/trade.toml", seed * 7919, feedback).0);
        }
        let mean = ratios.iter().sum::<f64>() / ratios.len() as f64;
        assert!(ratios.iter().all(|&r| r > 0.0), "{ratios:?}");
        assert!(mean >= 0.8, "{mean}: {ratios:?}");
    }

    /// The browser test's scenario (`e2e/fixtures/river.toml`): whatever the seed (the server
    /// seeds from the negotiation's random id), the suggestions end on its Nash point.
    #[test]
    fn the_browser_tests_river_treaty_ends_on_its_nash_point_whatever_the_seed() {
        for seed in 1..21 {
            let feedback = if seed % 2 == 0 {
                Feedback::Graded5
            } else {
                Feedback::Binary
            };
            let (ratio, rounds) = scenario_file("e2e/fixtures/river.toml", seed * 7919, feedback);
            assert!(
                ratio >= 0.95,
                "seed {seed}, {feedback}: {ratio} after {rounds} drafts"
            );
        }
    }

    #[test]
    fn the_suggestions_reach_the_nash_point_and_call_the_final_vote() {
        let mut ratios = Vec::new();
        for seed in 11..41 {
            let feedback = if seed % 2 == 0 {
                Feedback::Graded5
            } else {
                Feedback::Binary
            };
            let (ratio, _rounds) = run(seed, feedback, &[5, 4, 6]);
            ratios.push(ratio);
        }
        // Every final vote passes, and on average the agreement is within 5% of the Nash point.
        let mean = ratios.iter().sum::<f64>() / ratios.len() as f64;
        assert!(ratios.iter().all(|&r| r > 0.0), "{ratios:?}");
        assert!(mean >= 0.95, "{mean}: {ratios:?}");
    }

    #[test]
    fn the_same_answers_give_the_same_suggestion() {
        let h = vec![AnsweredDraft {
            text: vec![1, 2, 3],
            previous: None,
            answers: vec![
                Answer {
                    acceptable: true,
                    grade: None,
                    critique: None,
                },
                Answer {
                    acceptable: false,
                    grade: None,
                    critique: Some((0, 4)),
                },
            ],
        }];
        let a = suggest(
            &[5, 4, 6],
            &[],
            Feedback::Binary,
            2,
            &h,
            Some(&[1, 2, 3]),
            7,
        );
        let b = suggest(
            &[5, 4, 6],
            &[],
            Feedback::Binary,
            2,
            &h,
            Some(&[1, 2, 3]),
            7,
        );
        assert_eq!(a, b);
        assert!(!a.call_final_vote);
    }
}
