//! Preferences from a ranking of the issues and a word for each option.
//!
//! **Weights: rank-order centroid (ROC).** With issues ranked 1..n by importance, issue `r`
//! gets `(1/n) Σ_{j=r}^{n} 1/j`. ROC is the centre of mass of every weight vector that sums to
//! 1 and respects the ranking, so it is the best guess (least expected squared error) when
//! nothing else is known, and it is the weighting that recovered true decisions best in Barron
//! and Barrett's (1996) comparison with rank-sum and reciprocal weights. Rank-sum weights
//! (`n + 1 − r`, normalised) are flatter: they overweight the minor issues when importance is
//! concentrated, which is the common case. Ties share the average of the centroid weights of
//! the positions they occupy, so the weights still sum to 1.
//!
//! **Scores: the word scale**, unacceptable 0, poor 0.25, acceptable 0.5, good 0.75, best 1,
//! rescaled per issue so that the issue's worst-rated option scores 0 and its best-rated 1
//! (the convention Accord's preferences follow; it keeps "how much the issue matters" in the
//! weight alone). An issue whose options are all rated alike makes no difference to the party:
//! it gets weight 0 and the other weights are renormalised.
//!
//! **Unacceptable** options become *proposed* red lines, returned apart from the preferences:
//! a word said in passing must not silently forbid texts, so the party confirms each one.
//!
//! The rating also yields a [`Prior`] for the package comparisons (a hybrid conjoint, as in
//! Inspire): the ranking pins the weights to the ordered simplex, whose exact covariance the
//! prior carries, and a word pins a score to within half a step of the scale.

use crate::layout::Layout;
use crate::prior::Prior;
use crate::ElicitError;
use accord_model::{IssueKind, OutcomeSpace, Preferences, RedLine, Rule, ValueFunction};

/// A word on the rating scale, worst first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Word {
    /// The party would not sign a text with this option: a proposed red line, score 0.
    Unacceptable,
    /// Score 0.25 before rescaling.
    Poor,
    /// Score 0.5 before rescaling.
    Acceptable,
    /// Score 0.75 before rescaling.
    Good,
    /// Score 1.
    Best,
}

impl Word {
    /// Every word, worst first.
    pub const ALL: [Word; 5] = [
        Word::Unacceptable,
        Word::Poor,
        Word::Acceptable,
        Word::Good,
        Word::Best,
    ];

    /// The word's place on the scale, in [0, 1], before the per-issue rescaling.
    pub fn level(self) -> f64 {
        match self {
            Word::Unacceptable => 0.0,
            Word::Poor => 0.25,
            Word::Acceptable => 0.5,
            Word::Good => 0.75,
            Word::Best => 1.0,
        }
    }

    /// The word as shown to a person.
    pub fn label(self) -> &'static str {
        match self {
            Word::Unacceptable => "unacceptable",
            Word::Poor => "poor",
            Word::Acceptable => "acceptable",
            Word::Good => "good",
            Word::Best => "best",
        }
    }

    /// The word whose level is nearest a score (to show numeric preferences as words, and for
    /// simulated parties). Ties go to the better word.
    pub fn nearest(score: f64) -> Word {
        let k = (score.clamp(0.0, 1.0) * 4.0 + 0.5).floor() as usize;
        Word::ALL[k.min(4)]
    }
}

/// What a party says without numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct Rating {
    /// One rank per issue, in the space's order: 0 is the most important; equal ranks are ties.
    /// Only the order matters (ranks need not be consecutive).
    pub importance: Vec<u32>,
    /// One word per value of each issue, in the space's order.
    pub words: Vec<Vec<Word>>,
}

/// Options of one issue the party called unacceptable: a red line it is asked to confirm.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProposedRedLine {
    /// The issue.
    pub issue: usize,
    /// The value indices rated unacceptable.
    pub values: Vec<u32>,
}

impl ProposedRedLine {
    /// The red line as a rule of the scenario language (`"issue" != "option"`, or
    /// `"issue" not in {…}` for several options), ready to add to the party once confirmed.
    pub fn to_red_line(&self, space: &OutcomeSpace) -> Result<RedLine, ElicitError> {
        let issue = &space.issues()[self.issue];
        let values: Vec<String> = self
            .values
            .iter()
            .map(|&k| match &issue.kind {
                IssueKind::Discrete { options } => quote(&options[k as usize].name),
                _ => issue.value(k).to_string(),
            })
            .collect();
        let name = quote(&issue.name);
        let text = if values.len() == 1 {
            format!("{name} != {}", values[0])
        } else {
            format!("{name} not in {{{}}}", values.join(", "))
        };
        Ok(RedLine {
            rule: Rule::parse(&text, space.issues())?,
            source: Some("rated unacceptable".to_string()),
        })
    }
}

fn quote(name: &str) -> String {
    if name.contains('"') {
        format!("'{name}'")
    } else {
        format!("\"{name}\"")
    }
}

/// The result of a rating: preferences to show back, red lines to confirm, and the belief the
/// package comparisons can start from.
#[derive(Debug, Clone, PartialEq)]
pub struct Rated {
    /// Additive preferences: rank-order-centroid weights (summing to 1) and table scores in
    /// [0, 1].
    pub preferences: Preferences,
    /// Unacceptable options, one entry per issue that has any, for the party to confirm.
    pub proposed_red_lines: Vec<ProposedRedLine>,
    /// The rating as a Gaussian belief, for [`crate::Elicitation::with_prior`].
    pub prior: Prior,
}

/// Rank-order-centroid weights for issues given importance ranks (0 = most important, equal
/// ranks tie). They sum to 1 and never increase with the rank.
///
/// ```
/// let w = accord_elicit::rank_order_centroid(&[1, 0, 2]);
/// // n = 3: (1 + 1/2 + 1/3)/3, (1/2 + 1/3)/3, (1/3)/3, in rank order.
/// assert!((w[1] - 11.0 / 18.0).abs() < 1e-12);
/// assert!((w[0] - 5.0 / 18.0).abs() < 1e-12);
/// assert!((w[2] - 2.0 / 18.0).abs() < 1e-12);
/// ```
pub fn rank_order_centroid(importance: &[u32]) -> Vec<f64> {
    roc_moments(importance).0
}

/// ROC weights and their covariance given the ranking, for weights uniform on the simplex.
///
/// Sorted weights of a uniform point of the simplex are `w_(r) = Σ_{j≥r} X_j / j` with
/// X ~ Dirichlet(1, …, 1) (Rényi's representation of uniform spacings), so w = A·X with
/// `A[r][j] = 1/j` for j ≥ r, and Cov(w) = A·Cov(X)·Aᵀ exactly. Within a group of tied issues
/// the order is unknown: their rows of A are averaged (the mean of the mixture) and the spread
/// of their centroids is added as the covariance of a random permutation of them.
fn roc_moments(importance: &[u32]) -> (Vec<f64>, Vec<f64>) {
    let n = importance.len();
    if n == 0 {
        return (Vec::new(), Vec::new());
    }
    let nf = n as f64;
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| (importance[i], i));
    // A by position (0-based): A[r][j] = 1/(j+1) for j >= r.
    let a_pos = |r: usize, j: usize| if j >= r { 1.0 / (j + 1) as f64 } else { 0.0 };
    let mut rows = vec![vec![0.0; n]; n]; // by issue
                                          // (group id, spread of its centroids) per issue.
    let mut spread = vec![(0usize, 0.0, 1.0); n];
    let mut start = 0;
    while start < n {
        let mut end = start + 1;
        while end < n && importance[order[end]] == importance[order[start]] {
            end += 1;
        }
        let g = (end - start) as f64;
        let mut row = vec![0.0; n];
        let mut centroids = Vec::new();
        for r in start..end {
            let mut c = 0.0;
            for (j, x) in row.iter_mut().enumerate() {
                *x += a_pos(r, j) / g;
                c += a_pos(r, j) / nf;
            }
            centroids.push(c);
        }
        let mean_c = centroids.iter().sum::<f64>() / g;
        let var_c = centroids.iter().map(|c| (c - mean_c).powi(2)).sum::<f64>() / g;
        for &issue in &order[start..end] {
            rows[issue] = row.clone();
            spread[issue] = (start, var_c, g);
        }
        start = end;
    }
    let (_, cx) = crate::prior::dirichlet_moments(n);
    let mean: Vec<f64> = rows.iter().map(|r| r.iter().sum::<f64>() / nf).collect();
    let mut cov = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..n {
            let mut s = 0.0;
            for k in 0..n {
                for l in 0..n {
                    s += rows[i][k] * cx[k * n + l] * rows[j][l];
                }
            }
            // Tied issues take the group's centroids in an unknown order: a variance of the
            // spread on the diagonal and −spread/(g − 1) between them, so the sum stays fixed.
            let (gi, var, g) = spread[i];
            let mix = if i == j {
                var
            } else if gi == spread[j].0 {
                -var / (g - 1.0)
            } else {
                0.0
            };
            cov[i * n + j] = s + mix;
        }
    }
    (mean, cov)
}

/// Turns a ranking and ratings into preferences, proposed red lines and a prior.
///
/// ```
/// use accord_elicit::{from_rating, Rating, Word::*};
/// # let space = accord_elicit::testing::discrete_space(&[3, 2]);
/// let rated = from_rating(&space, &Rating {
///     importance: vec![0, 1],
///     words: vec![vec![Unacceptable, Good, Best], vec![Poor, Best]],
/// }).unwrap();
/// assert_eq!(rated.preferences.weights, vec![0.75, 0.25]);
/// assert_eq!(rated.proposed_red_lines[0].values, vec![0]);
/// ```
pub fn from_rating(space: &OutcomeSpace, rating: &Rating) -> Result<Rated, ElicitError> {
    let n = space.issues().len();
    if rating.importance.len() != n {
        return Err(ElicitError::IssueCount {
            expected: n,
            got: rating.importance.len(),
        });
    }
    if rating.words.len() != n {
        return Err(ElicitError::IssueCount {
            expected: n,
            got: rating.words.len(),
        });
    }
    let layout = Layout::new(space)?;
    let mut mu = Vec::with_capacity(n);
    let mut tau = Vec::with_capacity(n);
    let mut proposed = Vec::new();
    let mut flat = vec![false; n];
    for (i, (issue, words)) in space.issues().iter().zip(&rating.words).enumerate() {
        let r = space.radices()[i] as usize;
        if words.len() != r {
            return Err(ElicitError::RatingCount {
                issue: issue.name.clone(),
                expected: r,
                got: words.len(),
            });
        }
        if words.iter().all(|&w| w == Word::Unacceptable) {
            return Err(ElicitError::AllUnacceptable {
                issue: issue.name.clone(),
            });
        }
        let bad: Vec<u32> = (0..r as u32)
            .filter(|&k| words[k as usize] == Word::Unacceptable)
            .collect();
        if !bad.is_empty() {
            proposed.push(ProposedRedLine {
                issue: i,
                values: bad,
            });
        }
        let lo = words.iter().min().copied().unwrap_or(Word::Best);
        let hi = words.iter().max().copied().unwrap_or(Word::Best);
        let range = hi.level() - lo.level();
        if range <= 0.0 {
            flat[i] = true;
            mu.push(vec![1.0; r]);
            tau.push(vec![1e-6; r]);
            continue;
        }
        let step = 0.25 / range;
        let quantised = (step / 2.0).powi(2) / 3.0;
        let count = |w: Word| words.iter().filter(|&&x| x == w).count();
        mu.push(
            words
                .iter()
                .map(|w| (w.level() - lo.level()) / range)
                .collect(),
        );
        tau.push(
            words
                .iter()
                .map(|&w| {
                    if (w == lo || w == hi) && count(w) == 1 {
                        // The unique best (worst) option scores 1 (0) by convention.
                        1e-4
                    } else {
                        quantised
                    }
                })
                .collect(),
        );
    }
    let (m, c) = roc_moments(&rating.importance);
    let mut weights: Vec<f64> = m
        .iter()
        .zip(&flat)
        .map(|(&w, &f)| if f { 0.0 } else { w })
        .collect();
    let total: f64 = weights.iter().sum();
    if total > 0.0 {
        weights.iter_mut().for_each(|w| *w /= total);
    } else {
        weights = vec![1.0 / n as f64; n];
    }
    let preferences = Preferences {
        weights,
        functions: mu.iter().map(|s| ValueFunction::Table(s.clone())).collect(),
        terms: Vec::new(),
    };
    let prior = Prior::from_moments(layout, &m, &c, &mu, &tau, 0.5, 0.25);
    Ok(Rated {
        preferences,
        proposed_red_lines: proposed,
        prior,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::discrete_space;

    #[test]
    fn roc_by_hand() {
        let w = rank_order_centroid(&[0, 1, 2, 3]);
        // (1 + 1/2 + 1/3 + 1/4)/4 = 25/48, (1/2 + 1/3 + 1/4)/4 = 13/48, 7/48, 3/48.
        for (x, e) in w.iter().zip([25.0, 13.0, 7.0, 3.0]) {
            assert!((x - e / 48.0).abs() < 1e-12);
        }
        let tied = rank_order_centroid(&[5, 5, 9]);
        // Positions 1 and 2 share (11/18 + 5/18)/2 = 8/18.
        assert!((tied[0] - 8.0 / 18.0).abs() < 1e-12 && (tied[1] - tied[0]).abs() < 1e-15);
        assert!((tied.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn roc_covariance_rows_sum_to_zero() {
        // Weights always sum to 1, so the covariance of their sum is 0.
        let (_, c) = roc_moments(&[2, 0, 1, 1]);
        for i in 0..4 {
            let row: f64 = (0..4).map(|j| c[i * 4 + j]).sum();
            assert!(row.abs() < 1e-3, "{row}");
            assert!(c[i * 4 + i] >= 0.0);
        }
    }

    #[test]
    fn words_become_scores_weights_and_red_lines() {
        let space = discrete_space(&[3, 3, 2]);
        let rated = from_rating(
            &space,
            &Rating {
                importance: vec![1, 0, 2],
                words: vec![
                    vec![Word::Poor, Word::Good, Word::Best],
                    vec![Word::Unacceptable, Word::Acceptable, Word::Best],
                    vec![Word::Good, Word::Good],
                ],
            },
        )
        .unwrap();
        let p = &rated.preferences;
        // The third issue makes no difference: its weight goes to the others (ROC 5/18, 11/18).
        assert!((p.weights[0] - 5.0 / 16.0).abs() < 1e-12);
        assert!((p.weights[1] - 11.0 / 16.0).abs() < 1e-12);
        assert_eq!(p.weights[2], 0.0);
        // poor .25, good .75, best 1 rescaled to [0, 1]: 0, 2/3, 1.
        let ValueFunction::Table(s) = &p.functions[0] else {
            panic!()
        };
        assert!((s[1] - 2.0 / 3.0).abs() < 1e-12 && s[0] == 0.0 && s[2] == 1.0);
        assert_eq!(
            rated.proposed_red_lines,
            vec![ProposedRedLine {
                issue: 1,
                values: vec![0]
            }]
        );
        let red = rated.proposed_red_lines[0].to_red_line(&space).unwrap();
        assert!(!red.rule.holds(&[0, 0, 0]) && red.rule.holds(&[0, 1, 0]));
    }

    #[test]
    fn refuses_what_cannot_be_a_preference() {
        let space = discrete_space(&[2, 2]);
        let all_bad = Rating {
            importance: vec![0, 1],
            words: vec![vec![Word::Unacceptable; 2], vec![Word::Good, Word::Best]],
        };
        assert!(matches!(
            from_rating(&space, &all_bad),
            Err(ElicitError::AllUnacceptable { .. })
        ));
        let short = Rating {
            importance: vec![0, 1],
            words: vec![vec![Word::Good], vec![Word::Good, Word::Best]],
        };
        assert!(matches!(
            from_rating(&space, &short),
            Err(ElicitError::RatingCount {
                expected: 2,
                got: 1,
                ..
            })
        ));
    }

    #[test]
    fn nearest_word() {
        assert_eq!(Word::nearest(0.0), Word::Unacceptable);
        assert_eq!(Word::nearest(0.3), Word::Poor);
        assert_eq!(Word::nearest(0.625), Word::Good);
        assert_eq!(Word::nearest(1.0), Word::Best);
    }
}
