//! The package-comparison conversation: which question to ask next, what the answers so far
//! imply, and which answers contradict each other.

use crate::consistency::conflicts;
use crate::fit::{laplace, Evidence, Observation, Posterior};
use crate::layout::Layout;
use crate::normal::bald;
use crate::prior::{predict, Prior};
use crate::ElicitError;
use accord_model::{OutcomeSpace, Preferences, Rng, ValueFunction};

/// "Which of these two texts would you rather sign?" Each text is one value index per issue.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Question {
    /// The first text.
    pub a: Vec<u32>,
    /// The second text.
    pub b: Vec<u32>,
}

/// The answer to a [`Question`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Answer {
    /// Rather sign `a`.
    A,
    /// Rather sign `b`.
    B,
    /// No preference between them.
    Same,
}

/// One answer the party gave, in the order given.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Response {
    /// A comparison of two texts.
    Compared {
        /// What was asked.
        question: Question,
        /// What the party said.
        answer: Answer,
    },
    /// "Would you accept this text rather than no agreement?"
    WalkAway {
        /// The text.
        package: Vec<u32>,
        /// Yes (accept the text) or no (walk away).
        accept: bool,
    },
}

/// How the conversation runs. The defaults are what the benchmark measures.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// At most this many comparisons are asked.
    pub budget: usize,
    /// At most this many walk-away questions are asked.
    pub walk_away_budget: usize,
    /// The answer noise σ of the probit model, in utility units (utilities span [0, 1]): an
    /// answer about texts σ apart is trusted at Φ(1) = 84%. Smaller trusts answers more.
    pub noise: f64,
    /// How far apart (sd, utility units) texts called "about the same" are believed to be.
    pub same_noise: f64,
    /// Candidate questions drawn at random and scored for each choice.
    pub candidates: usize,
    /// Stop asking once no candidate is expected to bring this many bits: the ranking is then
    /// pinned down as far as questions can tell.
    pub stop_bits: f64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            budget: 25,
            walk_away_budget: 5,
            noise: 0.03,
            same_noise: 0.03,
            candidates: 400,
            stop_bits: 0.02,
        }
    }
}

/// A set of answers that no additive preferences can all satisfy, by their numbers in
/// [`Elicitation::responses`]. Revising any one of them may resolve it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inconsistency {
    /// The answers involved, in the order they were given.
    pub responses: Vec<usize>,
}

/// The preferences the answers imply: additive weights (summing to 1) and scores (each issue's
/// best value 1, worst 0), and the walk-away point on the same scale as utilities.
#[derive(Debug, Clone, PartialEq)]
pub struct Fitted {
    /// One weight per issue, summing to 1.
    pub weights: Vec<f64>,
    /// One score per value of each issue, in [0, 1] (all 1 for an issue whose values nothing
    /// has distinguished yet; such an issue has weight 0 unless no issue is distinguished at all, when
    /// the weights are equal).
    pub scores: Vec<Vec<f64>>,
    /// The utility below which the party walks away, in [0, 1]; `None` until a walk-away
    /// question was answered.
    pub reservation: Option<f64>,
    /// Answers the fitted preferences disagree with (numbers in [`Elicitation::responses`]):
    /// with noisy answers, the first ones to show back for a second look.
    pub contradicted: Vec<usize>,
}

impl Fitted {
    /// The fitted utility of a text.
    pub fn utility(&self, package: &[u32]) -> f64 {
        package
            .iter()
            .enumerate()
            .map(|(i, &k)| self.weights[i] * self.scores[i][k as usize])
            .sum()
    }

    /// As the model's preferences (table value functions, no terms), ready to save.
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

/// An elicitation in progress. Pure: the caller stores the responses (or the whole value),
/// asks the questions and passes the answers back; randomness comes from the caller's `Rng`.
///
/// ```
/// use accord_elicit::{Answer, Elicitation, Options};
/// use accord_model::Rng;
/// # let space = accord_elicit::testing::discrete_space(&[3, 3]);
/// let mut e = Elicitation::new(&space, Options::default()).unwrap();
/// let mut rng = Rng::new(1);
/// // The party prefers a higher value on issue 0, and nothing else matters to it.
/// while let Some(q) = e.next_question(&mut rng) {
///     let answer = if q.a[0] > q.b[0] { Answer::A } else if q.a[0] < q.b[0] { Answer::B } else { Answer::Same };
///     e.answer(q, answer).unwrap();
/// }
/// let fit = e.fit();
/// assert!(fit.weights[0] > 0.7);
/// assert!(e.inconsistencies().is_empty());
/// ```
#[derive(Debug, Clone)]
pub struct Elicitation {
    prior: Prior,
    options: Options,
    responses: Vec<Response>,
    posterior: Posterior,
}

impl Elicitation {
    /// Starts without any prior knowledge of the party (weights uniform on the simplex, scores
    /// uniform in [0, 1]).
    pub fn new(space: &OutcomeSpace, options: Options) -> Result<Self, ElicitError> {
        Ok(Self::with_prior(Prior::uninformed(space)?, options))
    }

    /// Starts from a belief, typically [`crate::Rated::prior`] from the party's ranking and
    /// word ratings: the comparisons then refine what the words said (a hybrid conjoint).
    pub fn with_prior(prior: Prior, options: Options) -> Self {
        let posterior = Posterior {
            mean: prior.mean.clone(),
            cov: prior.cov.clone(),
        };
        Elicitation {
            prior,
            options,
            responses: Vec::new(),
            posterior,
        }
    }

    fn layout(&self) -> &Layout {
        &self.prior.layout
    }

    /// Every answer so far, in order (the numbers other methods use).
    pub fn responses(&self) -> &[Response] {
        &self.responses
    }

    /// Number of comparisons answered.
    pub fn comparisons(&self) -> usize {
        self.responses
            .iter()
            .filter(|r| matches!(r, Response::Compared { .. }))
            .count()
    }

    /// Number of walk-away questions answered.
    pub fn walk_away_answers(&self) -> usize {
        self.responses.len() - self.comparisons()
    }

    fn random_package(&self, rng: &mut Rng) -> Vec<u32> {
        self.layout()
            .radices
            .iter()
            .map(|&r| rng.below(r as u64) as u32)
            .collect()
    }

    /// `base` with `changes` issues set to other random values (fewer if there are not enough
    /// issues with more than one value).
    fn neighbour(&self, base: &[u32], changes: usize, rng: &mut Rng) -> Vec<u32> {
        let radices = &self.layout().radices;
        let mut out = base.to_vec();
        for _ in 0..changes {
            let i = rng.below(radices.len() as u64) as usize;
            if radices[i] > 1 {
                let shift = 1 + rng.below(radices[i] as u64 - 1) as u32;
                out[i] = (out[i] + shift) % radices[i];
            }
        }
        out
    }

    fn bits(&self, x: &[(usize, f64)]) -> f64 {
        let (m, v) = predict(
            &self.posterior.mean,
            &self.posterior.cov,
            self.layout().params(),
            x,
        );
        let s = self.options.noise;
        bald(m / s, v / (s * s))
    }

    /// Expected information (bits) of the answer to a question, under the current fit.
    pub fn expected_bits(&self, question: &Question) -> f64 {
        self.bits(&self.layout().difference(&question.a, &question.b))
    }

    /// The most informative comparison among random candidates (pairs of random texts, and
    /// texts differing on one, two or three issues: trade-offs), or `None` when the budget is
    /// spent or no candidate would teach enough.
    ///
    /// Informative means BALD: the answer is hard to predict *because of what is not yet known
    /// about the party*, not because the texts are close (their answer would be noise).
    pub fn next_question(&self, rng: &mut Rng) -> Option<Question> {
        if self.comparisons() >= self.options.budget {
            return None;
        }
        let asked: Vec<(&[u32], &[u32])> = self
            .responses
            .iter()
            .filter_map(|r| match r {
                Response::Compared { question, .. } => Some((&question.a[..], &question.b[..])),
                _ => None,
            })
            .collect();
        let mut best: Option<(f64, Question)> = None;
        for c in 0..self.options.candidates.max(1) {
            let a = self.random_package(rng);
            let b = match c % 4 {
                0 => self.random_package(rng),
                k => self.neighbour(&a, k, rng),
            };
            if a == b
                || asked
                    .iter()
                    .any(|&(x, y)| (x == a && y == b) || (x == b && y == a))
            {
                continue;
            }
            let info = self.bits(&self.layout().difference(&a, &b));
            if best.as_ref().is_none_or(|(b, _)| info > *b) {
                best = Some((info, Question { a, b }));
            }
        }
        best.filter(|(info, _)| *info >= self.options.stop_bits)
            .map(|(_, q)| q)
    }

    /// The text whose "would you accept it rather than no agreement?" answer is most
    /// informative, or `None` when the walk-away budget is spent. Under the current fit this is
    /// a text whose utility is close to the walk-away point as now believed: the questions
    /// bisect on utility, and every answer also teaches the part-worths.
    pub fn next_walk_away_question(&self, rng: &mut Rng) -> Option<Vec<u32>> {
        if self.walk_away_answers() >= self.options.walk_away_budget {
            return None;
        }
        let mut best: Option<(f64, Vec<u32>)> = None;
        let mut base = self.random_package(rng);
        for c in 0..self.options.candidates.max(1) {
            let pkg = if c % 2 == 0 {
                base = self.random_package(rng);
                base.clone()
            } else {
                self.neighbour(&base, 1, rng)
            };
            let asked = self
                .responses
                .iter()
                .any(|r| matches!(r, Response::WalkAway { package, .. } if *package == pkg));
            if asked {
                continue;
            }
            let info = self.bits(&self.layout().against_walk_away(&pkg));
            if best.as_ref().is_none_or(|(b, _)| info > *b) {
                best = Some((info, pkg));
            }
        }
        best.map(|(_, p)| p)
    }

    fn check(&self, response: &Response) -> Result<(), ElicitError> {
        match response {
            Response::Compared { question, .. } => {
                self.layout().check(&question.a)?;
                self.layout().check(&question.b)?;
                if question.a == question.b {
                    return Err(ElicitError::SamePackages);
                }
            }
            Response::WalkAway { package, .. } => self.layout().check(package)?,
        }
        Ok(())
    }

    /// Records an answer to a comparison (any pair of texts may be asked, not only suggested
    /// ones) and refits. Returns the answer's number.
    pub fn answer(&mut self, question: Question, answer: Answer) -> Result<usize, ElicitError> {
        self.push(Response::Compared { question, answer })
    }

    /// Records whether the party would accept `package` rather than no agreement, and refits.
    pub fn answer_walk_away(
        &mut self,
        package: Vec<u32>,
        accept: bool,
    ) -> Result<usize, ElicitError> {
        self.push(Response::WalkAway { package, accept })
    }

    /// Records any response (for replaying stored answers) and refits.
    pub fn push(&mut self, response: Response) -> Result<usize, ElicitError> {
        self.check(&response)?;
        self.responses.push(response);
        self.refit();
        Ok(self.responses.len() - 1)
    }

    /// Replaces answer `index` (a revisited inconsistency) and refits.
    pub fn revise(&mut self, index: usize, response: Response) -> Result<(), ElicitError> {
        if index >= self.responses.len() {
            return Err(ElicitError::NoSuchResponse(index));
        }
        self.check(&response)?;
        self.responses[index] = response;
        self.refit();
        Ok(())
    }

    /// Removes answer `index` (later answers move down by one) and refits.
    pub fn withdraw(&mut self, index: usize) -> Result<Response, ElicitError> {
        if index >= self.responses.len() {
            return Err(ElicitError::NoSuchResponse(index));
        }
        let r = self.responses.remove(index);
        self.refit();
        Ok(r)
    }

    fn observation(&self, r: &Response) -> Observation {
        let layout = self.layout();
        match r {
            Response::Compared { question, answer } => Observation {
                x: layout.difference(&question.a, &question.b),
                evidence: match answer {
                    Answer::A => Evidence::Sign(1.0),
                    Answer::B => Evidence::Sign(-1.0),
                    Answer::Same => Evidence::Same,
                },
            },
            Response::WalkAway { package, accept } => Observation {
                x: layout.against_walk_away(package),
                evidence: Evidence::Sign(if *accept { 1.0 } else { -1.0 }),
            },
        }
    }

    fn refit(&mut self) {
        let obs: Vec<Observation> = self.responses.iter().map(|r| self.observation(r)).collect();
        self.posterior = laplace(
            &self.prior,
            &obs,
            self.options.noise,
            self.options.same_noise,
        );
    }

    /// The preferences the answers imply (the posterior mode, normalised).
    pub fn fit(&self) -> Fitted {
        let layout = self.layout();
        let theta = &self.posterior.mean;
        let mut lows = 0.0;
        let mut ranges = Vec::with_capacity(layout.radices.len());
        let mut scores = Vec::with_capacity(layout.radices.len());
        for (&off, &r) in layout.offsets.iter().zip(&layout.radices) {
            let v = &theta[off..off + r as usize];
            let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            // A range below rounding noise is no preference at all: weight 0, scores 1.
            let range = if hi - lo > 1e-15 { hi - lo } else { 0.0 };
            lows += lo;
            ranges.push(range);
            scores.push(
                v.iter()
                    .map(|&x| {
                        if range > 0.0 {
                            ((x - lo) / range).clamp(0.0, 1.0)
                        } else {
                            1.0
                        }
                    })
                    .collect(),
            );
        }
        let total: f64 = ranges.iter().sum();
        let n = ranges.len() as f64;
        let weights: Vec<f64> = if total > 1e-15 {
            ranges.iter().map(|r| r / total).collect()
        } else {
            vec![1.0 / n; ranges.len()]
        };
        let asked = self.walk_away_answers() > 0;
        let reservation = asked.then(|| {
            if total > 1e-15 {
                ((theta[layout.dim] - lows) / total).clamp(0.0, 1.0)
            } else {
                0.5
            }
        });
        let contradicted = self
            .responses
            .iter()
            .enumerate()
            .filter(|(_, r)| {
                let o = self.observation(r);
                let f: f64 = o.x.iter().map(|&(i, a)| a * theta[i]).sum();
                matches!(o.evidence, Evidence::Sign(y) if y * f < 0.0)
            })
            .map(|(i, _)| i)
            .collect();
        Fitted {
            weights,
            scores,
            reservation,
            contradicted,
        }
    }

    /// Sets of answers that no additive preferences can all satisfy (each irreducible: drop any
    /// one answer of a set and the rest of it can hold). Empty when the answers are consistent,
    /// which truthful answers from a party with additive preferences always are.
    pub fn inconsistencies(&self) -> Vec<Inconsistency> {
        let mut index = Vec::new();
        let mut rows = Vec::new();
        for (i, r) in self.responses.iter().enumerate() {
            let o = self.observation(r);
            if let Evidence::Sign(y) = o.evidence {
                index.push(i);
                rows.push(o.x.iter().map(|&(k, a)| (k, y * a)).collect::<Vec<_>>());
            }
        }
        conflicts(&rows, self.layout().params())
            .into_iter()
            .map(|set| Inconsistency {
                responses: set.into_iter().map(|k| index[k]).collect(),
            })
            .collect()
    }
}
