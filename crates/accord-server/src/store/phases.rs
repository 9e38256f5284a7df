//! Phased drafts and phase statuses (issue 15, migration 0011): reads and writes kept apart from
//! the rest of the store so that one-package drafts are stored exactly as before.

use super::{int, opt_text, Param, Store, StoreError, Tx};

/// A phased draft's stored phases and follow-up (JSON).
#[derive(Debug, Clone)]
pub struct PhasedDraftRow {
    /// The draft.
    pub version: i64,
    /// Its phases (JSON).
    pub phases: String,
    /// What it follows up (JSON), if it is a follow-up.
    pub follow_up: Option<String>,
}

impl Tx {
    /// Stores the phases (and follow-up) of the draft just inserted.
    pub async fn set_draft_phases(
        &mut self,
        version: i64,
        phases: &str,
        follow_up: Option<&str>,
    ) -> Result<(), StoreError> {
        let id = self.negotiation().id.clone();
        self.exec(
            "UPDATE drafts SET phases = $1, follow_up = $2 WHERE negotiation_id = $3 AND version = $4",
            &[Param::Text(phases), Param::OptText(follow_up), Param::Text(&id), Param::Int(version)],
        )
        .await
        .map(drop)
    }

    /// A draft's phases and follow-up (JSON), both `None` for an ordinary draft.
    pub async fn draft_phases(
        &mut self,
        version: i64,
    ) -> Result<(Option<String>, Option<String>), StoreError> {
        let id = self.negotiation().id.clone();
        let rows = self
            .query(
                "SELECT phases, follow_up FROM drafts WHERE negotiation_id = $1 AND version = $2",
                &[Param::Text(&id), Param::Int(version)],
            )
            .await?;
        match rows.first() {
            Some(r) => Ok((opt_text(r, 0)?, opt_text(r, 1)?)),
            None => Ok((None, None)),
        }
    }

    /// The statuses of the agreed text's phases (JSON), as this transaction sees them.
    pub async fn phase_statuses(&mut self) -> Result<Option<String>, StoreError> {
        let id = self.negotiation().id.clone();
        let rows = self
            .query(
                "SELECT phase_statuses FROM negotiations WHERE id = $1",
                &[Param::Text(&id)],
            )
            .await?;
        match rows.first() {
            Some(r) => opt_text(r, 0),
            None => Ok(None),
        }
    }

    /// Replaces the statuses (JSON), or clears them.
    pub async fn set_phase_statuses(&mut self, statuses: Option<&str>) -> Result<(), StoreError> {
        let id = self.negotiation().id.clone();
        self.exec(
            "UPDATE negotiations SET phase_statuses = $1 WHERE id = $2",
            &[Param::OptText(statuses), Param::Text(&id)],
        )
        .await
        .map(drop)
    }
}

impl Store {
    /// The phased drafts of a negotiation, by version.
    pub async fn phased_drafts(
        &self,
        negotiation_id: &str,
    ) -> Result<Vec<PhasedDraftRow>, StoreError> {
        let rows = self
            .select(
                "SELECT version, phases, follow_up FROM drafts WHERE negotiation_id = $1 AND phases IS NOT NULL ORDER BY version",
                &[Param::Text(negotiation_id)],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(PhasedDraftRow {
                    version: int(r, 0)?,
                    phases: opt_text(r, 1)?.unwrap_or_default(),
                    follow_up: opt_text(r, 2)?,
                })
            })
            .collect()
    }

    /// The statuses of the agreed text's phases (JSON), if any.
    pub async fn phase_statuses(&self, negotiation_id: &str) -> Result<Option<String>, StoreError> {
        let rows = self
            .select(
                "SELECT phase_statuses FROM negotiations WHERE id = $1",
                &[Param::Text(negotiation_id)],
            )
            .await?;
        match rows.first() {
            Some(r) => opt_text(r, 0),
            None => Ok(None),
        }
    }
}
