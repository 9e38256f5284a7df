//! Preferences for people who do not think in weights (issue 13).
//!
//! A party in a mediation is a delegate, not a decision analyst. This crate turns what a
//! person can say into Accord's confidential preferences (additive weights × scores, red lines,
//! a walk-away point), and shows back what those numbers imply before they are saved:
//!
//! 1. **Ranking and words** ([`from_rating`]): issues ranked by importance, each option rated
//!    unacceptable / poor / acceptable / good / best → rank-order-centroid weights, word-scale
//!    scores, and the unacceptable options as *proposed* red lines to confirm.
//! 2. **Package comparisons** ([`Elicitation`]): "which of these two texts would you rather
//!    sign?", each question the most informative one under a Bayesian fit of the part-worths
//!    (probit answers, Laplace posterior); stops when no question would teach enough or after a
//!    budget; answers that no additive preference can explain are reported
//!    ([`Elicitation::inconsistencies`]) so the party can revisit them. Starting from a
//!    rating's prior ([`Elicitation::with_prior`]) makes it a hybrid conjoint.
//! 3. **The walk-away point as texts** ([`Elicitation::next_walk_away_question`]): "would you
//!    accept this text rather than no agreement?", texts chosen at the currently believed
//!    walk-away utility, so the answers bisect on utility.
//! 4. **What it implies** ([`implications`]): the best texts and those just above and just
//!    below the walk-away point, found by branch-and-bound, never by listing the space.
//!
//! Everything is pure: no I/O, no clock, randomness only from the caller's seeded
//! [`accord_model::Rng`]. Values are plain Rust types; a server wraps them.
//!
//! Measured accuracy: `cargo bench -p accord-elicit --bench elicitation` (see BENCHMARKS.md).

#![warn(missing_docs)]

mod consistency;
mod error;
mod fit;
mod implications;
mod layout;
mod linalg;
pub mod metrics;
mod normal;
mod prior;
mod rating;
mod session;
pub mod testing;

pub use error::ElicitError;
pub use implications::{best_packages, implications, just_above, just_below, Implications, Ranked};
pub use layout::MAX_VALUES_PER_ISSUE;
pub use prior::Prior;
pub use rating::{from_rating, rank_order_centroid, ProposedRedLine, Rated, Rating, Word};
pub use session::{Answer, Elicitation, Fitted, Inconsistency, Options, Question, Response};
