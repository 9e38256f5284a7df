//! Tournaments: strategies x domains x seats x repetitions x protocol settings.
//!
//! - [`config`]: the TOML file that describes a tournament;
//! - [`plan`]: domains prepared once (a shared utility index per party, one analysis) and every
//!   negotiation numbered, so negotiation `i` is the same run on any thread, shard or rerun;
//! - [`output`]: running a shard of the plan in parallel (rayon), streaming results to
//!   `results.jsonl` and `results.csv` in plan order, resuming a half-finished run, merging
//!   shards;
//! - [`summary`]: standings per strategy, folded one result at a time.
//!
//! Invariant: a results file holds, in increasing plan order, exactly the negotiations of its
//! shard that have run; everything else (resume, merge, summaries) relies on it.

#![warn(missing_docs)]

pub mod config;
pub mod output;
pub mod plan;
pub mod row;
pub mod summary;

pub use config::Config;
pub use output::{merge, run, Progress, RunReport, Shard};
pub use plan::{Domain, Pairing, Tournament};
pub use row::Row;
pub use summary::{Standing, Standings};

/// What can go wrong in a tournament.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TournamentError {
    /// The configuration file is malformed.
    #[error("{file}{}: {message}", position(*line, *column))]
    Config {
        /// The file.
        file: String,
        /// 1-based line, when known.
        line: Option<usize>,
        /// 1-based column, when known.
        column: Option<usize>,
        /// What was expected.
        message: String,
    },
    /// A domain cannot be used.
    #[error("domain {domain}: {message}")]
    Domain {
        /// The domain as the configuration names it.
        domain: String,
        /// What is wrong.
        message: String,
    },
    /// A file or folder cannot be read or written.
    #[error("{path}: {message}")]
    Io {
        /// The path.
        path: String,
        /// The system's message.
        message: String,
    },
    /// An output folder holds something else than expected.
    #[error("{path}: {message}")]
    Output {
        /// The folder or file.
        path: String,
        /// What is wrong and what to do.
        message: String,
    },
    /// The plan has too many negotiations or lineups.
    #[error(
        "the tournament is too large (more than 10^7 lineups per domain, or 2^64 negotiations)"
    )]
    TooLarge,
    /// A negotiation failed to run.
    #[error("negotiation {index}: {message}")]
    Run {
        /// Its number.
        index: u64,
        /// What failed.
        message: String,
    },
}

fn position(line: Option<usize>, column: Option<usize>) -> String {
    match (line, column) {
        (Some(l), Some(c)) => format!(":{l}:{c}"),
        (Some(l), None) => format!(":{l}"),
        _ => String::new(),
    }
}

/// FNV-1a, 64 bits: a stable fingerprint of configurations and domains across runs and
/// machines (std's hasher is randomly seeded per process, and a cryptographic hash would be a
/// dependency for no gain here).
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}
