//! Accord's negotiation model.
//!
//! Issues and their values ([`Issue`]), the space of outcomes as a mixed-radix index
//! ([`OutcomeSpace`], [`Outcome`]), what parties want ([`Preferences`]), the rules they will not
//! cross ([`RedLine`], [`Rule`]), the seats ([`Party`], [`Role`]) and a whole [`Scenario`].
//!
//! This crate does no I/O, reads no clock and holds no global state: everything is a value built
//! and validated by its constructor. Randomness comes only from an explicitly seeded [`Rng`]. File formats live in `accord-formats`.

#![warn(missing_docs)]

mod error;
mod flat;
mod issue;
pub mod normal;
mod party;
mod phase;
mod preferences;
mod rng;
mod rule;
mod scenario;
mod space;

pub use error::{path_string, ModelError, PathSegment};
pub use flat::{flatten, Flattened};
pub use issue::{real_grid_size, Issue, IssueKind, IssueOption, Value, MAX_ISSUE_VALUES};
pub use party::{Party, RedLine, Role};
pub use phase::{
    discounted_stop_values, expected_from_stops, expected_utility, expected_utility_at,
    respects_phased_red_lines, stop_values, trust_threshold, OpenValue, Phase, PhaseTerms,
    PhasedAgreement, PhasedRedLine, PhasedView, Phasing, Scope, Trigger,
};
pub use preferences::{Preferences, Term, ValueFunction};
pub use rng::Rng;
pub use rule::{label, Rule, RuleError};
pub use scenario::Scenario;
pub use space::{decode, encode, Outcome, OutcomeSpace, MAX_OUTCOMES, U256};
