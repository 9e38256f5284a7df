//! The one-text rules in the store (issue 16, migration 0010): the rules a negotiation runs
//! under, which drafts are final texts, and the parties' comparisons. The rules themselves live
//! in `accord_protocol::live`; this file only stores and reads.

use super::write::Param;
use super::{int, opt_text, text, Store, StoreError, Tx};
use accord_protocol::live::rules::parse_rules;
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

impl Store {
    /// The rules of negotiation `id` (binding when it has no row, which callers checked).
    pub async fn text_rules(&self, id: &str) -> Result<TextRules, StoreError> {
        let rows = self
            .select(
                "SELECT rules, feedback FROM negotiations WHERE id = $1",
                &[Param::Text(id)],
            )
            .await?;
        match rows.first() {
            Some(r) => Ok(parse_rules(&text(r, 0)?, opt_text(r, 1)?.as_deref())?),
            None => Ok(TextRules::default()),
        }
    }

    /// Final texts and comparisons of negotiation `id`, from draft `from` on.
    pub async fn one_text_marks(&self, id: &str, from: i64) -> Result<OneTextMarks, StoreError> {
        let finals = self
            .select(
                "SELECT version FROM drafts WHERE negotiation_id = $1 AND version >= $2 AND final_vote = 1 ORDER BY version",
                &[Param::Text(id), Param::Int(from)],
            )
            .await?
            .iter()
            .map(|r| int(r, 0))
            .collect::<Result<_, _>>()?;
        let comparisons = self
            .select(
                "SELECT version, seat, comparison FROM responses WHERE negotiation_id = $1 AND version >= $2 AND comparison IS NOT NULL ORDER BY version, seat",
                &[Param::Text(id), Param::Int(from)],
            )
            .await?
            .iter()
            .map(|r| Ok((int(r, 0)?, text(r, 1)?, text(r, 2)?.parse()?)))
            .collect::<Result<_, StoreError>>()?;
        Ok(OneTextMarks {
            finals,
            comparisons,
        })
    }
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
