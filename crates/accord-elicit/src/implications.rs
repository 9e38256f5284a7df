//! What the numbers imply, shown to the party before it saves: its best texts, and the texts
//! just above and just below its walk-away point ("you would accept X rather than no
//! agreement, but not Y").
//!
//! Nothing is enumerated: a depth-first branch-and-bound over the issues keeps the k texts
//! sought and prunes every subtree whose utility bounds (per-issue best and worst weighted
//! scores of the issues not yet fixed, plus the terms that may still apply) cannot improve on
//! them; red lines are evaluated on each prefix and prune as soon as they are decided. So it
//! works on spaces far too large to list, and on preferences with nonlinear terms.

use crate::ElicitError;
use accord_model::{OutcomeSpace, Preferences, RedLine};

/// A text and its utility.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranked {
    /// One value index per issue.
    pub package: Vec<u32>,
    /// Its utility under the preferences given.
    pub utility: f64,
}

/// What a party's preferences and walk-away point imply.
#[derive(Debug, Clone, PartialEq)]
pub struct Implications {
    /// The best texts, best first.
    pub best: Vec<Ranked>,
    /// The least good texts the party would still accept (utility at or above the walk-away
    /// point), lowest first: "you would accept these rather than no agreement".
    pub above: Vec<Ranked>,
    /// The best texts the party would refuse (utility below the walk-away point), highest
    /// first: "but not these".
    pub below: Vec<Ranked>,
}

#[derive(Clone, Copy)]
enum Goal {
    Best,
    Above(f64),
    Below(f64),
}

/// Utilities within this of the walk-away point count as reaching it.
const TIE: f64 = 1e-12;

struct Search<'a> {
    prefs: &'a Preferences,
    red_lines: &'a [RedLine],
    tables: Vec<Vec<f64>>,
    /// Children of each issue in the order tried.
    orders: Vec<Vec<u32>>,
    max_rest: Vec<f64>,
    min_rest: Vec<f64>,
    goal: Goal,
    k: usize,
    found: Vec<Ranked>,
}

impl Search<'_> {
    /// True when `a` should be listed before `b`.
    fn before(&self, a: f64, b: f64) -> bool {
        match self.goal {
            Goal::Best | Goal::Below(_) => a > b,
            Goal::Above(_) => a < b,
        }
    }

    fn worst_kept(&self) -> Option<f64> {
        (self.found.len() >= self.k).then(|| self.found.last().map_or(0.0, |r| r.utility))
    }

    fn term_bounds(&self, values: &[u32], known: usize) -> (f64, f64) {
        let (mut lo, mut hi) = (0.0, 0.0);
        for t in &self.prefs.terms {
            match t.rule.holds_partial(values, known) {
                Some(true) => {
                    lo += t.value;
                    hi += t.value;
                }
                Some(false) => {}
                None if t.value > 0.0 => hi += t.value,
                None => lo += t.value,
            }
        }
        (lo, hi)
    }

    fn visit(&mut self, values: &mut Vec<u32>, partial: f64) {
        let depth = values.len();
        let n = self.tables.len();
        if self
            .red_lines
            .iter()
            .any(|r| r.rule.holds_partial(values, depth) == Some(false))
        {
            return;
        }
        let (tlo, thi) = self.term_bounds(values, depth);
        let lb = partial + self.min_rest[depth] + tlo;
        let ub = partial + self.max_rest[depth] + thi;
        let worst = self.worst_kept();
        let pruned = match self.goal {
            Goal::Best => worst.is_some_and(|w| ub <= w),
            Goal::Above(t) => ub < t - TIE || worst.is_some_and(|w| lb >= w),
            Goal::Below(t) => lb >= t - TIE || worst.is_some_and(|w| ub <= w),
        };
        if pruned {
            return;
        }
        if depth == n {
            let u = lb; // every term is decided at a leaf, so lb = ub = u
            let fits = match self.goal {
                Goal::Best => true,
                Goal::Above(t) => u >= t - TIE,
                Goal::Below(t) => u < t - TIE,
            };
            if fits {
                let pos = self
                    .found
                    .iter()
                    .position(|r| self.before(u, r.utility))
                    .unwrap_or(self.found.len());
                self.found.insert(
                    pos,
                    Ranked {
                        package: values.clone(),
                        utility: u,
                    },
                );
                self.found.truncate(self.k);
            }
            return;
        }
        for c in 0..self.orders[depth].len() {
            let v = self.orders[depth][c];
            values.push(v);
            let add = self.tables[depth][v as usize];
            self.visit(values, partial + add);
            values.pop();
        }
    }
}

fn search(
    space: &OutcomeSpace,
    prefs: &Preferences,
    red_lines: &[RedLine],
    goal: Goal,
    k: usize,
) -> Result<Vec<Ranked>, ElicitError> {
    let n = space.issues().len();
    if prefs.weights.len() != n || prefs.functions.len() != n {
        return Err(ElicitError::IssueCount {
            expected: n,
            got: prefs.weights.len().min(prefs.functions.len()),
        });
    }
    if k == 0 {
        return Ok(Vec::new());
    }
    let tables: Vec<Vec<f64>> = (0..n).map(|i| prefs.issue_table(space, i)).collect();
    let orders = tables
        .iter()
        .map(|t| {
            let mut o: Vec<u32> = (0..t.len() as u32).collect();
            match goal {
                Goal::Above(_) => o.sort_by(|&a, &b| t[a as usize].total_cmp(&t[b as usize])),
                _ => o.sort_by(|&a, &b| t[b as usize].total_cmp(&t[a as usize])),
            }
            o
        })
        .collect();
    let mut max_rest = vec![0.0; n + 1];
    let mut min_rest = vec![0.0; n + 1];
    for i in (0..n).rev() {
        let hi = tables[i].iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let lo = tables[i].iter().copied().fold(f64::INFINITY, f64::min);
        max_rest[i] = max_rest[i + 1] + hi;
        min_rest[i] = min_rest[i + 1] + lo;
    }
    let mut s = Search {
        prefs,
        red_lines,
        tables,
        orders,
        max_rest,
        min_rest,
        goal,
        k,
        found: Vec::new(),
    };
    s.visit(&mut Vec::with_capacity(n), 0.0);
    Ok(s.found)
}

/// The `k` best texts respecting `red_lines`, best first.
pub fn best_packages(
    space: &OutcomeSpace,
    prefs: &Preferences,
    red_lines: &[RedLine],
    k: usize,
) -> Result<Vec<Ranked>, ElicitError> {
    search(space, prefs, red_lines, Goal::Best, k)
}

/// The `k` texts respecting `red_lines` with the lowest utilities at or above `threshold`,
/// lowest first.
pub fn just_above(
    space: &OutcomeSpace,
    prefs: &Preferences,
    red_lines: &[RedLine],
    threshold: f64,
    k: usize,
) -> Result<Vec<Ranked>, ElicitError> {
    search(space, prefs, red_lines, Goal::Above(threshold), k)
}

/// The `k` texts respecting `red_lines` with the highest utilities below `threshold`, highest
/// first.
pub fn just_below(
    space: &OutcomeSpace,
    prefs: &Preferences,
    red_lines: &[RedLine],
    threshold: f64,
    k: usize,
) -> Result<Vec<Ranked>, ElicitError> {
    search(space, prefs, red_lines, Goal::Below(threshold), k)
}

/// The `best` best texts and `around` texts on each side of the walk-away point.
pub fn implications(
    space: &OutcomeSpace,
    prefs: &Preferences,
    red_lines: &[RedLine],
    reservation: f64,
    best: usize,
    around: usize,
) -> Result<Implications, ElicitError> {
    if !(0.0..=1.0).contains(&reservation) {
        return Err(ElicitError::Reservation(reservation));
    }
    Ok(Implications {
        best: best_packages(space, prefs, red_lines, best)?,
        above: just_above(space, prefs, red_lines, reservation, around)?,
        below: just_below(space, prefs, red_lines, reservation, around)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::discrete_space;
    use accord_model::{Rule, Term, ValueFunction};

    fn prefs() -> Preferences {
        Preferences {
            weights: vec![0.6, 0.4],
            functions: vec![
                ValueFunction::Table(vec![0.0, 0.5, 1.0]),
                ValueFunction::Table(vec![1.0, 0.0]),
            ],
            terms: Vec::new(),
        }
    }

    #[test]
    fn by_hand() {
        // Utilities: (0,0) .4, (0,1) 0, (1,0) .7, (1,1) .3, (2,0) 1, (2,1) .6.
        let space = discrete_space(&[3, 2]);
        let p = prefs();
        let best = best_packages(&space, &p, &[], 3).unwrap();
        let got: Vec<Vec<u32>> = best.iter().map(|r| r.package.clone()).collect();
        assert_eq!(got, vec![vec![2, 0], vec![1, 0], vec![2, 1]]);
        let imp = implications(&space, &p, &[], 0.5, 1, 2).unwrap();
        let above: Vec<f64> = imp.above.iter().map(|r| r.utility).collect();
        let below: Vec<f64> = imp.below.iter().map(|r| r.utility).collect();
        assert!((above[0] - 0.6).abs() < 1e-12 && (above[1] - 0.7).abs() < 1e-12);
        assert!((below[0] - 0.4).abs() < 1e-12 && (below[1] - 0.3).abs() < 1e-12);
    }

    #[test]
    fn red_lines_and_terms() {
        let space = discrete_space(&[3, 2]);
        let mut p = prefs();
        let red = RedLine {
            rule: Rule::parse("i0 != o2", space.issues()).unwrap(),
            source: None,
        };
        // A bonus of 0.5 for (0, 1) makes it 0.5.
        p.terms.push(Term {
            rule: Rule::parse("i0 = o0 and i1 = o1", space.issues()).unwrap(),
            value: 0.5,
        });
        let best = best_packages(&space, &p, &[red], 2).unwrap();
        assert_eq!(best[0].package, vec![1, 0]);
        assert_eq!(best[1].package, vec![0, 1]);
        assert!((best[1].utility - 0.5).abs() < 1e-12);
    }

    #[test]
    fn agrees_with_enumeration_on_random_tables() {
        let space = discrete_space(&[4, 3, 5, 2]);
        let mut rng = accord_model::Rng::new(3);
        let party = crate::testing::AdditiveParty::random(&space, &mut rng);
        let p = party.preferences();
        let mut all: Vec<f64> = (0..space.size_u64().unwrap())
            .map(|i| p.utility(&space, &space.outcome(accord_model::U256::from(i)).unwrap()))
            .collect();
        all.sort_by(|a, b| b.total_cmp(a));
        let best = best_packages(&space, &p, &[], 5).unwrap();
        for (r, u) in best.iter().zip(&all) {
            assert!((r.utility - u).abs() < 1e-12);
        }
        let t = 0.5;
        let above = just_above(&space, &p, &[], t, 3).unwrap();
        let mut up: Vec<f64> = all.iter().copied().filter(|&u| u >= t).collect();
        up.sort_by(|a, b| a.total_cmp(b));
        for (r, u) in above.iter().zip(&up) {
            assert!((r.utility - u).abs() < 1e-12);
        }
        let below = just_below(&space, &p, &[], t, 3).unwrap();
        let down: Vec<f64> = all.iter().copied().filter(|&u| u < t).collect();
        for (r, u) in below.iter().zip(&down) {
            assert!((r.utility - u).abs() < 1e-12);
        }
    }
}
