//! Simulated parties with known additive preferences, for tests, the benchmark and anyone
//! checking the method on their own figures.

use crate::{Answer, Question, Rating, Word};
use accord_model::{Issue, IssueKind, IssueOption, OutcomeSpace, Preferences, Rng, ValueFunction};

/// A space of discrete issues `i0`, `i1`, … with options `o0`, `o1`, … (`radices[i]` of them).
pub fn discrete_space(radices: &[u32]) -> OutcomeSpace {
    let issues = radices
        .iter()
        .enumerate()
        .map(|(i, &r)| Issue {
            name: format!("i{i}"),
            description: None,
            kind: IssueKind::Discrete {
                options: (0..r)
                    .map(|k| IssueOption {
                        name: format!("o{k}"),
                        wording: None,
                    })
                    .collect(),
            },
        })
        .collect();
    OutcomeSpace::new(issues).expect("a valid space")
}

/// A party with additive preferences and a walk-away point, answering questions from them.
#[derive(Debug, Clone, PartialEq)]
pub struct AdditiveParty {
    /// Weights, summing to 1.
    pub weights: Vec<f64>,
    /// Scores per issue value; each issue's best value scores 1 and its worst 0.
    pub scores: Vec<Vec<f64>>,
    /// Walk-away point.
    pub reservation: f64,
    /// Texts whose utilities differ by less than this are "the same" to the party.
    pub indifference: f64,
}

impl AdditiveParty {
    /// Weights uniform on the simplex (normalised exponentials), scores uniform in [0, 1] and
    /// rescaled so each issue's best value is 1 and worst 0, walk-away point uniform in
    /// [0.3, 0.7], indifferent below a difference of 1e-6.
    pub fn random(space: &OutcomeSpace, rng: &mut Rng) -> Self {
        let n = space.radices().len();
        let mut weights: Vec<f64> = (0..n).map(|_| -(1.0 - rng.unit()).ln()).collect();
        let total: f64 = weights.iter().sum();
        weights.iter_mut().for_each(|w| *w /= total);
        let scores = space
            .radices()
            .iter()
            .map(|&r| {
                let raw: Vec<f64> = (0..r).map(|_| rng.unit()).collect();
                let lo = raw.iter().copied().fold(f64::INFINITY, f64::min);
                let hi = raw.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                raw.iter()
                    .map(|x| if hi > lo { (x - lo) / (hi - lo) } else { 1.0 })
                    .collect()
            })
            .collect();
        AdditiveParty {
            weights,
            scores,
            reservation: 0.3 + 0.4 * rng.unit(),
            indifference: 1e-6,
        }
    }

    /// Its utility of a text.
    pub fn utility(&self, package: &[u32]) -> f64 {
        package
            .iter()
            .enumerate()
            .map(|(i, &k)| self.weights[i] * self.scores[i][k as usize])
            .sum()
    }

    /// Its truthful answer to a comparison.
    pub fn compare(&self, q: &Question) -> Answer {
        let d = self.utility(&q.a) - self.utility(&q.b);
        if d.abs() < self.indifference {
            Answer::Same
        } else if d > 0.0 {
            Answer::A
        } else {
            Answer::B
        }
    }

    /// Its truthful walk-away answer: accept when the text reaches the walk-away point.
    pub fn accepts(&self, package: &[u32]) -> bool {
        self.utility(package) >= self.reservation
    }

    /// Its truthful ranking (by weight) and ratings (the nearest word to each score).
    pub fn rating(&self) -> Rating {
        let mut order: Vec<usize> = (0..self.weights.len()).collect();
        order.sort_by(|&a, &b| self.weights[b].total_cmp(&self.weights[a]));
        let mut importance = vec![0; self.weights.len()];
        for (rank, &i) in order.iter().enumerate() {
            importance[i] = rank as u32;
        }
        Rating {
            importance,
            words: self
                .scores
                .iter()
                .map(|s| s.iter().map(|&x| Word::nearest(x)).collect())
                .collect(),
        }
    }

    /// Its preferences as the model's.
    pub fn preferences(&self) -> Preferences {
        Preferences {
            weights: self.weights.clone(),
            functions: self
                .scores
                .iter()
                .map(|s| ValueFunction::Table(s.clone()))
                .collect(),
            terms: Vec::new(),
        }
    }
}
