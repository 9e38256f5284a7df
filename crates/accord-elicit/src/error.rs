//! What can go wrong, in words a client can show next to the field that caused it.

use accord_model::RuleError;

/// An elicitation request that cannot be honoured.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ElicitError {
    /// A list that needs one entry per issue has another length.
    #[error("expected one entry per issue ({expected}), got {got}")]
    IssueCount {
        /// Number of issues in the space.
        expected: usize,
        /// Number of entries given.
        got: usize,
    },
    /// An issue's ratings do not cover exactly its options.
    #[error("issue `{issue}` has {expected} options but {got} were rated")]
    RatingCount {
        /// The issue's name.
        issue: String,
        /// Its number of values.
        expected: usize,
        /// Number of ratings given.
        got: usize,
    },
    /// Every option of an issue was rated unacceptable, so no text could be accepted.
    #[error("every option of issue `{issue}` is rated unacceptable, so no text could ever be accepted; rate at least one option higher")]
    AllUnacceptable {
        /// The issue's name.
        issue: String,
    },
    /// An issue has too many values to ask about each one.
    #[error("issue `{issue}` has {values} values; asking about packages supports at most {max} values per issue")]
    TooManyValues {
        /// The issue's name.
        issue: String,
        /// Its number of values.
        values: u64,
        /// The limit.
        max: u64,
    },
    /// A package is not a text of this space (wrong length or a value out of range).
    #[error("the package {package:?} is not a text of this negotiation")]
    NotAPackage {
        /// The offending value indices.
        package: Vec<u32>,
    },
    /// The two texts of a comparison are the same.
    #[error("the two texts of a comparison must differ")]
    SamePackages,
    /// A response number that does not exist.
    #[error("there is no answer number {0}")]
    NoSuchResponse(usize),
    /// A reservation outside [0, 1].
    #[error("the walk-away point must lie between 0 and 1, got {0}")]
    Reservation(f64),
    /// A proposed red line could not be compiled into a rule (an issue name the rule language
    /// cannot spell).
    #[error("the red line could not be written as a rule: {0}")]
    Rule(#[from] RuleError),
}
