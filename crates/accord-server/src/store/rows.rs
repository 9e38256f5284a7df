//! The rows the store reads back, as the server's handlers use them.

use super::*;

/// A user account.
#[derive(Debug, Clone, Serialize)]
pub struct User {
    /// Id.
    pub id: String,
    /// Login name.
    pub name: String,
}

/// A negotiation's row.
#[derive(Debug, Clone)]
pub struct NegotiationRow {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// The public scenario document (JSON) when the read asked for it: it never changes, so
    /// the rows every request reads leave it out (see `Store::public_doc`).
    pub public_doc: Option<String>,
    /// Where it stands.
    pub status: NegotiationStatus,
    /// The agreed draft's version.
    pub agreement_version: Option<i64>,
    /// The last draft circulated (0 before any).
    pub current_version: i64,
    /// Why the mediator ended it without agreement, if it said.
    pub closed_reason: Option<String>,
    /// Why a mediator adjourned it, while it is adjourned (if it said).
    pub adjourned_reason: Option<String>,
    /// The rules it runs under (issue 16): binding, or one-text with its feedback.
    pub rules: accord_protocol::live::TextRules,
}

/// A seat.
#[derive(Debug, Clone)]
pub struct SeatRow {
    /// Seat (party) name.
    pub seat: String,
    /// What the seat does.
    pub role: Role,
    /// The person holding it.
    pub user_id: Option<String>,
    /// The agent holding it.
    pub agent: Option<accord_strategy::VoterSpec>,
    /// Confidential preferences (JSON), if any.
    pub private_doc: Option<String>,
    /// What the party lets mediators do with them (see `viewer`).
    pub consent: Consent,
    /// Who wrote them: the scenario file (the mediator's assumptions) or the party.
    pub preferences_source: Option<PreferencesSource>,
    /// Why the agent in this seat could not answer (it stops trying until replaced).
    pub agent_failed: Option<String>,
    /// The name of the account holding it (see `Viewer::may_see_holder_of` for who may see it).
    pub holder_name: Option<String>,
}

/// A draft.
#[derive(Debug, Clone)]
pub struct DraftRow {
    /// Version, from 1.
    pub version: i64,
    /// Clauses (JSON).
    pub clauses: String,
    /// The mediator's note.
    pub note: Option<String>,
    /// Response deadline (ms).
    pub deadline_at: i64,
    /// Where it stands.
    pub status: DraftStatus,
    /// When circulated (ms).
    pub created_at: i64,
    /// The mediator who circulated it (a user id).
    pub created_by: String,
    /// While the negotiation is adjourned: the time (ms) the open draft had left.
    pub remaining_ms: Option<i64>,
    /// Why a mediator withdrew it.
    pub withdrawn_reason: Option<String>,
    /// The version it corrects.
    pub corrects: Option<i64>,
    /// Circulated as the final text, put to the binding vote (one-text rules).
    pub final_vote: bool,
}

/// A party's response to a draft.
#[derive(Debug, Clone)]
pub struct ResponseRow {
    /// Draft version.
    pub version: i64,
    /// The responding seat.
    pub seat: String,
    /// The answer.
    pub verdict: Verdict,
    /// The amendment (JSON).
    pub amendment: Option<String>,
    /// Comment.
    pub comment: Option<String>,
    /// When (ms).
    pub created_at: i64,
    /// When the party last changed it (ms), if it did.
    pub changed_at: Option<i64>,
    /// Under one-text rules, how it compared the draft with the one before.
    pub comparison: Option<accord_protocol::live::Comparison>,
}

/// An event of the audit log.
#[derive(Debug, Clone)]
pub struct EventRow {
    /// Number within the negotiation, from 1.
    pub seq: i64,
    /// What happened.
    pub kind: EventKind,
    /// Who did it (a user id), or none for the server.
    pub actor: Option<String>,
    /// Who may see it.
    pub audience: Audience,
    /// Details (JSON).
    pub payload: serde_json::Value,
    /// When (ms).
    pub created_at: i64,
}
