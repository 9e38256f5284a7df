//! Where each unknown lives in the parameter vector: one part-worth per (issue, value), issue
//! after issue, then the walk-away point as the last entry.

use crate::ElicitError;
use accord_model::OutcomeSpace;

/// The most values per issue that elicitation by packages supports: each value is an unknown,
/// and a person cannot be asked about 500 grid points of a price.
pub const MAX_VALUES_PER_ISSUE: u64 = 32;

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Layout {
    pub(crate) radices: Vec<u32>,
    pub(crate) offsets: Vec<usize>,
    /// Number of part-worths; the walk-away point is at index `dim`.
    pub(crate) dim: usize,
}

impl Layout {
    pub(crate) fn new(space: &OutcomeSpace) -> Result<Self, ElicitError> {
        let mut offsets = Vec::with_capacity(space.radices().len());
        let mut dim = 0;
        for (issue, &r) in space.issues().iter().zip(space.radices()) {
            if r as u64 > MAX_VALUES_PER_ISSUE {
                return Err(ElicitError::TooManyValues {
                    issue: issue.name.clone(),
                    values: r as u64,
                    max: MAX_VALUES_PER_ISSUE,
                });
            }
            offsets.push(dim);
            dim += r as usize;
        }
        Ok(Layout {
            radices: space.radices().to_vec(),
            offsets,
            dim,
        })
    }

    /// Number of unknowns (part-worths and the walk-away point).
    pub(crate) fn params(&self) -> usize {
        self.dim + 1
    }

    pub(crate) fn check(&self, package: &[u32]) -> Result<(), ElicitError> {
        if package.len() != self.radices.len()
            || package.iter().zip(&self.radices).any(|(v, r)| v >= r)
        {
            return Err(ElicitError::NotAPackage {
                package: package.to_vec(),
            });
        }
        Ok(())
    }

    /// The sparse vector x with xᵀθ = u(a) − u(b).
    pub(crate) fn difference(&self, a: &[u32], b: &[u32]) -> Vec<(usize, f64)> {
        let mut x = Vec::with_capacity(2 * a.len());
        for (i, (&va, &vb)) in a.iter().zip(b).enumerate() {
            if va != vb {
                x.push((self.offsets[i] + va as usize, 1.0));
                x.push((self.offsets[i] + vb as usize, -1.0));
            }
        }
        x
    }

    /// The sparse vector x with xᵀθ = u(a) − walk-away point.
    pub(crate) fn against_walk_away(&self, a: &[u32]) -> Vec<(usize, f64)> {
        let mut x: Vec<(usize, f64)> = a
            .iter()
            .enumerate()
            .map(|(i, &v)| (self.offsets[i] + v as usize, 1.0))
            .collect();
        x.push((self.dim, -1.0));
        x
    }
}
