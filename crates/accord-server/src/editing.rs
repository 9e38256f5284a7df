//! Who is editing the next draft (issue 14, several mediators): a lease per mediator seat, held
//! while that mediator's desk has unsent edits in its draft editor and renewed while they stay.
//!
//! Why a lease in memory rather than a row: the sign is a courtesy ("Qatar is editing the next
//! draft", so two mediators do not write the same draft unawares), not a lock and not part of
//! the record. Nothing depends on it being right: a draft sent from a stale base still meets the
//! version check and is merged on the desk. So it is not audited, survives no restart, and a
//! desk that closes without saying so simply lets its lease lapse ([`LEASE_MS`]). With several
//! instances on one PostgreSQL database, a mediator sees the leases held on its own instance
//! only (documented in `docs/serve.md`).
//!
//! Time is an argument (`now`, Unix ms), so the lapse is tested without waiting.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

/// How long a lease lasts unless renewed: desks renew every 20 s while they hold unsent edits.
pub const LEASE_MS: i64 = 60_000;

/// Negotiations held at most; beyond, the oldest state is dropped (a courtesy, never a limit on
/// what mediators may do).
const MAX_NEGOTIATIONS: usize = 10_000;

/// The leases of every negotiation on this instance.
#[derive(Debug, Default)]
pub struct Editing {
    /// Negotiation → mediator seat → lease end (Unix ms).
    leases: Mutex<HashMap<String, BTreeMap<String, i64>>>,
}

impl Editing {
    /// `seat` edits negotiation `id` until `now + LEASE_MS`. Returns the lease's end and whether
    /// the seat was not editing before (so the other desks must be told).
    pub fn start(&self, id: &str, seat: &str, now: i64) -> (i64, bool) {
        let until = now + LEASE_MS;
        let Ok(mut leases) = self.leases.lock() else {
            return (until, false);
        };
        if leases.len() >= MAX_NEGOTIATIONS && !leases.contains_key(id) {
            leases.retain(|_, seats| {
                seats.retain(|_, end| *end > now);
                !seats.is_empty()
            });
            if leases.len() >= MAX_NEGOTIATIONS {
                leases.clear();
            }
        }
        let seats = leases.entry(id.to_string()).or_default();
        let was = seats.insert(seat.to_string(), until);
        (until, was.is_none_or(|end| end <= now))
    }

    /// `seat` no longer edits negotiation `id` (it circulated its draft, or dropped its edits).
    /// Returns whether it was editing.
    pub fn stop(&self, id: &str, seat: &str, now: i64) -> bool {
        let Ok(mut leases) = self.leases.lock() else {
            return false;
        };
        let Some(seats) = leases.get_mut(id) else {
            return false;
        };
        let was = seats.remove(seat).is_some_and(|end| end > now);
        if seats.is_empty() {
            leases.remove(id);
        }
        was
    }

    /// The seats editing negotiation `id` at `now`, by name, with their lease's end; lapsed
    /// leases are forgotten.
    pub fn editors(&self, id: &str, now: i64) -> Vec<(String, i64)> {
        let Ok(mut leases) = self.leases.lock() else {
            return Vec::new();
        };
        let Some(seats) = leases.get_mut(id) else {
            return Vec::new();
        };
        seats.retain(|_, end| *end > now);
        let list = seats.iter().map(|(s, end)| (s.clone(), *end)).collect();
        if seats.is_empty() {
            leases.remove(id);
        }
        list
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lease_lasts_until_it_lapses_or_stops() {
        let e = Editing::default();
        assert_eq!(e.start("n", "qatar", 1_000), (61_000, true));
        // Renewing is no news for the other desks; the lease moves on.
        assert_eq!(e.start("n", "qatar", 21_000), (81_000, false));
        assert_eq!(e.start("n", "egypt", 30_000), (90_000, true));
        assert_eq!(
            e.editors("n", 80_999),
            vec![("egypt".to_string(), 90_000), ("qatar".to_string(), 81_000)]
        );
        // Other negotiations are apart.
        assert!(e.editors("m", 30_000).is_empty());
        // Lapsed at its end exactly (not renewed after 21 s).
        assert_eq!(e.editors("n", 81_000), vec![("egypt".to_string(), 90_000)]);
        // Starting again after a lapse is news.
        assert_eq!(e.start("n", "qatar", 85_000), (145_000, true));
        assert!(e.stop("n", "qatar", 86_000));
        assert!(!e.stop("n", "qatar", 86_000), "stopped twice");
        assert!(
            !e.stop("n", "egypt", 95_000),
            "a lapsed lease is not editing"
        );
        assert!(e.editors("n", 95_000).is_empty());
    }
}
