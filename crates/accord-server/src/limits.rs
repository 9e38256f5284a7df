//! Bounds on the work one request may cause (issue 18): every analysis, picture, assessment and
//! agent vote runs off the async threads, at most `analyses_at_once` at a time (others wait up
//! to `queue_seconds`, then get `503` with `Retry-After`), stops after `analysis_seconds` or
//! when its client goes away, and answers in words when it is too large. Sizes a person can
//! send are capped where they are received (values per issue, red lines per party).
//!
//! Configured from the environment when the server starts (documented in docs/serve.md):
//! `ACCORD_ANALYSIS_SECONDS` (default 10), `ACCORD_ANALYSES_AT_ONCE` (default: the number of
//! cores), `ACCORD_ANALYSIS_QUEUE_SECONDS` (default 5), `ACCORD_ANALYSIS_STEPS` (search steps
//! per exact search, default 20,000,000).

use crate::error::ApiError;
use crate::AppState;
use axum::http::StatusCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// The values of one issue the workbench analyses at most (the scenario format allows more
/// for `accord analyze`; per-value tables and frontiers grow with it).
pub const MAX_ISSUE_VALUES: u64 = 100_000;

/// The outcomes an agent's utility index may hold (it lists them all, 16 bytes each).
pub const MAX_AGENT_OUTCOMES: u128 = 2_000_000;

/// The server's bounds on engine work.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Wall-clock seconds one analysis may run.
    pub analysis_seconds: f64,
    /// Analyses running at once on this server.
    pub analyses_at_once: usize,
    /// Seconds a request waits for its turn before `503`.
    pub queue_seconds: f64,
    /// Search steps per exact search (the engine's own budget).
    pub search_steps: u64,
}

impl Limits {
    /// From the environment, with defaults for what is not set (or not a positive number).
    pub fn from_env() -> Limits {
        fn var<T: std::str::FromStr + PartialOrd + Default>(name: &str) -> Option<T> {
            std::env::var(name)
                .ok()?
                .trim()
                .parse::<T>()
                .ok()
                .filter(|x| *x > T::default())
        }
        Limits {
            analysis_seconds: var("ACCORD_ANALYSIS_SECONDS").unwrap_or(10.0),
            analyses_at_once: var("ACCORD_ANALYSES_AT_ONCE")
                .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get())),
            queue_seconds: var("ACCORD_ANALYSIS_QUEUE_SECONDS").unwrap_or(5.0),
            search_steps: var("ACCORD_ANALYSIS_STEPS").unwrap_or(20_000_000),
        }
    }
}

/// Why engine work did not give an answer.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// Too large to compute exactly within the bounds (said in words, with what to do).
    #[error("{0}")]
    TooLarge(String),
    /// Anything else: a bug or a broken row.
    #[error("{0}")]
    Internal(String),
}

impl From<String> for EngineError {
    fn from(e: String) -> Self {
        EngineError::Internal(e)
    }
}

impl From<accord_analysis::AnalysisError> for EngineError {
    fn from(e: accord_analysis::AnalysisError) -> Self {
        use accord_analysis::AnalysisError;
        match e {
            AnalysisError::TooLarge { what, .. } => EngineError::TooLarge(format!(
                "too large to analyse exactly: {what} needs more search than this server allows (red lines or nonlinear terms rule out the additive shortcut). Fewer or simpler red lines and nonlinear terms, or fewer issues, make it tractable"
            )),
            // Never the count: it would tell a mediator how many private red lines parties hold.
            AnalysisError::TooManyRedLines(_) => EngineError::TooLarge(
                "too large to analyse exactly: the parties' red lines are too many to analyse together".into(),
            ),
            other => EngineError::Internal(other.to_string()),
        }
    }
}

/// Sets the stop flag when dropped: the request's future is dropped when its client goes away.
struct StopOnDrop(Arc<AtomicBool>);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// Runs engine work within the server's bounds (see the module's doc). `work` gets the stop
/// flag to pass to the engine (`accord_analysis::Options::stop`).
pub(crate) async fn bounded<T: Send + 'static>(
    s: &AppState,
    work: impl FnOnce(Arc<AtomicBool>) -> Result<T, EngineError> + Send + 'static,
) -> Result<T, ApiError> {
    let limits = &s.limits;
    let queue = Duration::from_secs_f64(limits.queue_seconds);
    let permit = match tokio::time::timeout(queue, s.analyses.clone().acquire_owned()).await {
        Ok(Ok(permit)) => permit,
        _ => {
            return Err(ApiError::busy(
                "the server is busy with other analyses; try again shortly",
                limits.queue_seconds.ceil() as u64,
            ))
        }
    };
    let stop = Arc::new(AtomicBool::new(false));
    let _stop_when_gone = StopOnDrop(stop.clone());
    let flag = stop.clone();
    // The permit goes with the work: it is released when the work really ends.
    let job = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        work(flag)
    });
    let budget = Duration::from_secs_f64(limits.analysis_seconds);
    match tokio::time::timeout(budget, job).await {
        Ok(Ok(Ok(value))) => Ok(value),
        Ok(Ok(Err(EngineError::TooLarge(message)))) => Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "too_large",
            message,
        )),
        Ok(Ok(Err(EngineError::Internal(cause)))) => Err(ApiError::internal(cause)),
        Ok(Err(join)) => Err(ApiError::internal(join)),
        Err(_) => {
            stop.store(true, Ordering::Relaxed);
            Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "too_large",
                format!(
                    "too large to analyse exactly within this server's time budget ({} s): fewer or simpler red lines and nonlinear terms, or fewer issues, make it tractable",
                    limits.analysis_seconds
                ),
            ))
        }
    }
}
