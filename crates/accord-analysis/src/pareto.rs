//! Pareto dominance and frontiers, with ties kept.
//!
//! Utilities closer than [`EPS`] in every coordinate count as equal: such outcomes are *ties* and
//! share one frontier point. `a` dominates `b` when `a >= b - EPS` everywhere and
//! `a > b + EPS` somewhere.

use accord_model::Outcome;

/// Tolerance under which two utilities are the same.
pub const EPS: f64 = 1e-12;

/// Whether `a` Pareto-dominates `b`.
#[inline]
pub fn dominates(a: &[f64], b: &[f64]) -> bool {
    let mut strict = false;
    for (x, y) in a.iter().zip(b) {
        if *x < y - EPS {
            return false;
        }
        if *x > y + EPS {
            strict = true;
        }
    }
    strict
}

/// Whether `a` and `b` are the same utilities (within [`EPS`]).
#[inline]
pub fn same(a: &[f64], b: &[f64]) -> bool {
    a.iter().zip(b).all(|(x, y)| (x - y).abs() <= EPS)
}

/// A point of a frontier: its utilities, the outcomes that reach them (the first few of them),
/// and how many outcomes do in all.
#[derive(Debug, Clone, PartialEq)]
pub struct FrontierPoint {
    /// One utility per negotiator.
    pub utilities: Vec<f64>,
    /// Outcomes with these utilities; the first is the representative. At most the cap given to
    /// the algorithm that built the point.
    pub outcomes: Vec<Outcome>,
    /// Number of outcomes with these utilities (ties), at least 1.
    pub count: u128,
}

/// A frontier built one outcome at a time (enumeration).
#[derive(Debug, Clone)]
pub struct ParetoSet {
    k: usize,
    cap: usize,
    /// For k = 2 sorted by first utility ascending (so second descending).
    points: Vec<FrontierPoint>,
    /// Index of the point that last rejected a candidate: often rejects the next one too.
    last_hit: usize,
}

impl ParetoSet {
    /// An empty set for `k` parties, keeping up to `cap` tied outcomes per point.
    pub fn new(k: usize, cap: usize) -> Self {
        Self {
            k,
            cap: cap.max(1),
            points: Vec::new(),
            last_hit: 0,
        }
    }

    /// Number of points.
    pub fn len(&self) -> usize {
        self.points.len()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// Whether some point dominates `u` (then no outcome whose utilities are all at most `u` can
    /// join the frontier, not even as a tie).
    #[inline]
    pub fn dominates(&self, u: &[f64]) -> bool {
        if self.k == 2 {
            // The candidate dominator with the largest second utility among those whose first
            // utility is high enough.
            let i = self.points.partition_point(|q| q.utilities[0] < u[0] - EPS);
            return self
                .points
                .get(i)
                .is_some_and(|q| dominates(&q.utilities, u));
        }
        if let Some(q) = self.points.get(self.last_hit) {
            if dominates(&q.utilities, u) {
                return true;
            }
        }
        self.points.iter().any(|q| dominates(&q.utilities, u))
    }

    /// Offers an outcome; keeps it if no point dominates it, and drops the points it dominates.
    #[inline]
    pub fn insert(&mut self, u: &[f64], values: &[u32]) {
        if self.k == 2 {
            return self.insert2(u, values);
        }
        if let Some(q) = self.points.get(self.last_hit) {
            if dominates(&q.utilities, u) {
                return;
            }
        }
        for (i, q) in self.points.iter_mut().enumerate() {
            if dominates(&q.utilities, u) {
                self.last_hit = i;
                return;
            }
            if same(&q.utilities, u) {
                q.count += 1;
                if q.outcomes.len() < self.cap {
                    q.outcomes.push(Outcome(values.to_vec()));
                }
                return;
            }
        }
        self.points.retain(|q| !dominates(u, &q.utilities));
        self.points.push(FrontierPoint {
            utilities: u.to_vec(),
            outcomes: vec![Outcome(values.to_vec())],
            count: 1,
        });
        self.last_hit = 0;
    }

    fn insert2(&mut self, u: &[f64], values: &[u32]) {
        let i = self.points.partition_point(|q| q.utilities[0] < u[0] - EPS);
        if let Some(q) = self.points.get_mut(i) {
            if same(&q.utilities, u) {
                q.count += 1;
                if q.outcomes.len() < self.cap {
                    q.outcomes.push(Outcome(values.to_vec()));
                }
                return;
            }
            if dominates(&q.utilities, u) {
                return;
            }
        }
        // Points before i have a smaller first utility: the ones with second utility not above
        // u's are dominated by u; they sit just before i.
        let mut j = i;
        while j > 0 && dominates(u, &self.points[j - 1].utilities) {
            j -= 1;
        }
        // Also a point at i with (nearly) equal first utility and lower second one.
        let mut end = i;
        while end < self.points.len() && dominates(u, &self.points[end].utilities) {
            end += 1;
        }
        self.points.splice(
            j..end,
            std::iter::once(FrontierPoint {
                utilities: u.to_vec(),
                outcomes: vec![Outcome(values.to_vec())],
                count: 1,
            }),
        );
    }

    /// The frontier, sorted by the first party's utility, highest first.
    pub fn into_points(self) -> Vec<FrontierPoint> {
        let mut pts = self.points;
        sort_points(&mut pts);
        pts
    }
}

/// Sorts frontier points by utilities, first party highest first, then the next party, ...
pub fn sort_points(pts: &mut [FrontierPoint]) {
    pts.sort_by(|a, b| {
        for (x, y) in a.utilities.iter().zip(&b.utilities) {
            match y.total_cmp(x) {
                std::cmp::Ordering::Equal => continue,
                o => return o,
            }
        }
        std::cmp::Ordering::Equal
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_party_set_keeps_ties_and_drops_dominated() {
        let mut s = ParetoSet::new(2, 4);
        s.insert(&[0.5, 0.5], &[0]);
        s.insert(&[0.4, 0.4], &[1]);
        s.insert(&[0.5, 0.5], &[2]);
        s.insert(&[0.9, 0.1], &[3]);
        s.insert(&[0.1, 0.9], &[4]);
        s.insert(&[0.6, 0.6], &[5]);
        let pts = s.into_points();
        let us: Vec<_> = pts.iter().map(|p| p.utilities.clone()).collect();
        assert_eq!(us, vec![vec![0.9, 0.1], vec![0.6, 0.6], vec![0.1, 0.9]]);
        assert_eq!(pts[1].count, 1);
    }

    #[test]
    fn ties_are_counted() {
        for k in [2, 3] {
            let mut s = ParetoSet::new(k, 2);
            for i in 0..5 {
                s.insert(&vec![0.5; k], &[i]);
            }
            let pts = s.into_points();
            assert_eq!(pts.len(), 1);
            assert_eq!(pts[0].count, 5);
            assert_eq!(pts[0].outcomes.len(), 2);
        }
    }

    #[test]
    fn equal_first_utility_lower_second_is_dominated() {
        let mut s = ParetoSet::new(2, 1);
        s.insert(&[0.5, 0.2], &[0]);
        s.insert(&[0.5, 0.3], &[1]);
        s.insert(&[0.5, 0.1], &[2]);
        let pts = s.into_points();
        assert_eq!(pts.len(), 1);
        assert_eq!(pts[0].utilities, vec![0.5, 0.3]);
    }
}
