//! The one-text rules in the store (issue 16, migration 0010): the rules a negotiation runs
//! under, which drafts are final texts, and the parties' comparisons. The rules themselves live
//! in `accord_protocol::live`; this file only writes them. They are read with the rows every
//! request reads already (`NegotiationRow::rules`, `DraftRow::final_vote`,
//! `ResponseRow::comparison`), so they cost no read of their own.

use super::sql::Param;
use super::{StoreError, Tx};
use accord_protocol::live::{Comparison, TextRules};

/// What the one-text view adds to a negotiation's drafts and responses.
#[derive(Debug, Clone, Default)]
pub struct OneTextMarks {
    /// The versions circulated as the final text.
    pub finals: Vec<i64>,
    /// Comparisons by (version, seat).
    pub comparisons: Vec<(i64, String, Comparison)>,
}

impl OneTextMarks {
    /// The marks of drafts and responses already read (`Store::negotiation_view`).
    pub fn of(drafts: &[super::DraftRow], responses: &[super::ResponseRow]) -> OneTextMarks {
        OneTextMarks {
            finals: drafts
                .iter()
                .filter(|d| d.final_vote)
                .map(|d| d.version)
                .collect(),
            comparisons: responses
                .iter()
                .filter_map(|r| Some((r.version, r.seat.clone(), r.comparison?)))
                .collect(),
        }
    }
}

fn stored_feedback(rules: TextRules) -> Option<&'static str> {
    rules.is_one_text().then(|| rules.feedback.as_str())
}

impl Tx {
    /// Sets the negotiation's rules (at creation).
    pub async fn set_text_rules(&mut self, rules: TextRules) -> Result<(), StoreError> {
        let id = self.negotiation().id.clone();
        self.exec(
            "UPDATE negotiations SET rules = $1, feedback = $2 WHERE id = $3",
            &[
                Param::Text(rules.protocol.as_str()),
                Param::OptText(stored_feedback(rules)),
                Param::Text(&id),
            ],
        )
        .await
        .map(drop)
    }

    /// Marks draft `version` as the final text.
    pub async fn mark_final(&mut self, version: i64) -> Result<(), StoreError> {
        let id = self.negotiation().id.clone();
        self.exec(
            "UPDATE drafts SET final_vote = 1 WHERE negotiation_id = $1 AND version = $2",
            &[Param::Text(&id), Param::Int(version)],
        )
        .await
        .map(drop)
    }

    /// Stores (or clears) a party's comparison of draft `version` with the one before.
    pub async fn set_comparison(
        &mut self,
        version: i64,
        seat: &str,
        comparison: Option<Comparison>,
    ) -> Result<(), StoreError> {
        let id = self.negotiation().id.clone();
        self.exec(
            "UPDATE responses SET comparison = $1 WHERE negotiation_id = $2 AND version = $3 AND seat = $4",
            &[
                Param::OptText(comparison.map(Comparison::as_str)),
                Param::Text(&id),
                Param::Int(version),
                Param::Text(seat),
            ],
        )
        .await
        .map(drop)
    }
}
