//! The agreement document: a draft, or the record of an agreement, as a person reads, prints and
//! signs it. Title, parties, mediators, date, version, the clauses in order with their wording,
//! the history of the drafts (circulated when and by which mediator, and what became of each), a
//! signature block.
//!
//! Pure: no I/O, no clock. The date is an argument (the caller reads the clock), and the fonts
//! the PDF embeds are shipped inside the crate (`include_bytes!`), never read from the system.
//!
//! **What a document holds is what every seat may see.** A [`Document`] has no field for
//! weights, scores, reservation values, red lines, utilities, consent levels or the parties'
//! comments: whoever builds one (the `accord document` command from a scenario file, the
//! server from a negotiation) can only put public text in it. Its wording is neutral: it says
//! what the text is and what became of each draft, never who held out.
//!
//! # The PDF crate
//!
//! PDFs are written with [krilla](https://docs.rs/krilla) (0.7, the last release for Rust
//! 1.89, the workspace's version). Compared with the other candidates:
//! - krilla embeds TrueType fonts as *subsets* (a few kilobytes instead of the whole font),
//!   writes a `ToUnicode` map for every glyph, so the text can be selected, copied and searched
//!   (`pdftotext` reads it back), and handles any Unicode the font covers (é, ’, “ ”); it is
//!   maintained by the Typst developers, whose documents go through it every day.
//! - `pdf-writer` (which krilla builds on) is a raw object writer: font embedding, subsetting
//!   and the Unicode map would all have been ours to write.
//! - `printpdf` 0.7 and 0.8 embed fonts too, but 0.8 changed its whole API recently and both
//!   bring a much larger dependency tree (an HTML layout engine in 0.8); `genpdf` (layout and
//!   page breaks) sits on printpdf 0.3 and has had no release since 2021.
//!
//! No crate lays text out for us: this crate wraps lines by measuring shaped words (rustybuzz,
//! which krilla uses too) and breaks pages itself, keeping a heading with what follows it and
//! each signature line whole.

mod markdown;
mod pdf;

use accord_model::{Outcome, Role, Scenario};

pub use markdown::to_markdown;
pub use pdf::to_pdf;

/// What went wrong building or rendering a document.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    /// The draft does not belong to the scenario's outcome space.
    #[error("the draft has {found} values, the scenario has {expected} issues")]
    DraftShape {
        /// Issues in the scenario.
        expected: usize,
        /// Values in the draft.
        found: usize,
    },
    /// A draft value is out of its issue's range.
    #[error("the draft's value for issue `{issue}` is out of range")]
    DraftValue {
        /// The issue.
        issue: String,
    },
    /// The scenario has no draft and none was given.
    #[error("the scenario has no draft: give one with --draft issue=value,...")]
    NoDraft,
    /// The PDF writer failed.
    #[error("writing the PDF: {0}")]
    Pdf(String),
}

/// Whether the document is the record of an agreement or a draft for discussion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Every party accepted this text.
    Agreement,
    /// A text under discussion; it binds no one.
    Draft,
}

/// One clause: an issue, the value settled for it, and its wording.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clause {
    /// The issue's name.
    pub issue: String,
    /// The value, as written in the scenario (an option's name or a number).
    pub value: String,
    /// The clause's text, when there is one.
    pub wording: Option<String>,
}

/// What became of one circulated draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEntry {
    /// Its version, from 1.
    pub version: u64,
    /// When it was circulated, as the caller writes dates (e.g. `2026-11-30`).
    pub circulated: String,
    /// The mediator who circulated it, as the mediators are listed (with several mediators,
    /// the record says whose text each draft was); `None` when not known.
    pub circulated_by: Option<String>,
    /// What became of it, in one word every seat may read: `open`, `accepted`, `rejected`,
    /// `expired`, `superseded`, `withdrawn`.
    pub outcome: String,
}

/// One phase of a phased text (issue 15): what it fixes, or what is left open, and its status
/// once the text is agreed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocPhase {
    /// Its name.
    pub name: String,
    /// Its length in days.
    pub days: u32,
    /// Its status in words (`in force`, `completed`, ...), once the text is agreed.
    pub status: Option<String>,
    /// The clauses in force during it (issue and value), or `None` when it is open.
    pub clauses: Option<Vec<Clause>>,
    /// For an open phase: its agenda and trigger in words.
    pub open: Option<String>,
}

/// The document, as plain public text. Build it with [`Document::from_scenario`] or by hand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// The negotiation's title.
    pub title: String,
    /// Agreement or draft.
    pub kind: Kind,
    /// The draft's version; `None` for a scenario's draft that was never circulated.
    pub version: Option<u64>,
    /// The document's date, as the caller writes it.
    pub date: String,
    /// The negotiating parties, in seat order.
    pub parties: Vec<String>,
    /// The mediators, in seat order.
    pub mediators: Vec<String>,
    /// The clauses, in issue order.
    pub clauses: Vec<Clause>,
    /// Every circulated draft, oldest first (empty for a scenario file).
    pub history: Vec<HistoryEntry>,
    /// A phased text's phases, in order (empty for a one-package text, whose clauses say all).
    pub phases: Vec<DocPhase>,
}

impl Document {
    /// The document of `draft` (the scenario's own draft when `None`) of a scenario file: a
    /// draft, never circulated, titled with the scenario's name. Observers sign nothing and
    /// are not listed.
    pub fn from_scenario(
        scenario: &Scenario,
        draft: Option<&Outcome>,
        date: &str,
    ) -> Result<Document, DocumentError> {
        let draft = draft
            .or(scenario.draft.as_ref())
            .ok_or(DocumentError::NoDraft)?;
        let issues = scenario.space.issues();
        if draft.values().len() != issues.len() {
            return Err(DocumentError::DraftShape {
                expected: issues.len(),
                found: draft.values().len(),
            });
        }
        let mut clauses = Vec::with_capacity(issues.len());
        for (issue, &k) in issues.iter().zip(draft.values()) {
            if u64::from(k) >= issue.size() {
                return Err(DocumentError::DraftValue {
                    issue: issue.name.clone(),
                });
            }
            clauses.push(Clause {
                issue: issue.name.clone(),
                value: issue.value(k).to_string(),
                wording: issue.wording(k).map(str::to_string),
            });
        }
        let named = |role: Role| {
            scenario
                .parties
                .iter()
                .filter(|p| p.role == role)
                .map(|p| p.name.clone())
                .collect::<Vec<_>>()
        };
        Ok(Document {
            title: scenario.name.clone(),
            kind: Kind::Draft,
            version: None,
            date: date.to_string(),
            parties: named(Role::Party),
            mediators: named(Role::Mediator),
            clauses,
            history: Vec::new(),
            phases: Vec::new(),
        })
    }

    /// A file name for the document without extension: the title's letters and digits in
    /// lower case, words joined by `-`, then `-agreement` or `-draft-N`.
    pub fn file_stem(&self) -> String {
        let mut stem = String::new();
        for c in self.title.chars() {
            if c.is_ascii_alphanumeric() {
                stem.push(c.to_ascii_lowercase());
            } else if !stem.is_empty() && !stem.ends_with('-') {
                stem.push('-');
            }
            if stem.len() >= 60 {
                break;
            }
        }
        let mut stem = stem.trim_end_matches('-').to_string();
        if stem.is_empty() {
            stem.push_str("negotiation");
        }
        match (self.kind, self.version) {
            (Kind::Agreement, _) => stem.push_str("-agreement"),
            (Kind::Draft, Some(v)) => stem.push_str(&format!("-draft-{v}")),
            (Kind::Draft, None) => stem.push_str("-draft"),
        }
        stem
    }

    /// The line under the title: what the text is, in neutral words.
    pub(crate) fn standing(&self) -> String {
        match (self.kind, self.version) {
            (Kind::Agreement, Some(v)) => {
                format!("Agreement: every party accepted draft {v}, set out below.")
            }
            (Kind::Agreement, None) => "Agreement: every party accepted the text below.".into(),
            (Kind::Draft, Some(v)) => {
                format!("Draft {v}, for discussion: it is not an agreement and binds no one.")
            }
            (Kind::Draft, None) => {
                "Draft for discussion, not yet circulated: it is not an agreement and binds no one."
                    .into()
            }
        }
    }

    /// The version as the details list writes it.
    /// One phase's heading: `Phase 1: first (42 days), in force`.
    pub(crate) fn phase_heading(k: usize, p: &DocPhase) -> String {
        let status = p
            .status
            .as_deref()
            .map(|s| format!(", {s}"))
            .unwrap_or_default();
        format!("Phase {}: {} ({} days){status}", k + 1, p.name, p.days)
    }

    /// Under "Clauses" for a phased text: which phase they are.
    pub(crate) const PHASED_CLAUSES: &'static str =
        "The clauses in force now (the first phase); the phases below say what each phase fixes or leaves open.";

    pub(crate) fn version_text(&self) -> String {
        match self.version {
            Some(v) => format!("draft {v}"),
            None => "the scenario's draft (not circulated)".into(),
        }
    }
}

/// The closing line of every document.
pub(crate) const FOOTNOTE: &str = "Prepared with Accord from the text every participant sees. \
It holds no participant's confidential preferences.";

/// `YYYY-MM-DD` (UTC) of a time in milliseconds since the Unix epoch. A conversion only: the
/// caller reads the clock.
pub fn date_of_unix_ms(ms: i64) -> String {
    let days = ms.div_euclid(86_400_000);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A hand-built agreement with text that needs escaping and typographic Unicode.
    pub(crate) fn sample() -> Document {
        Document {
            title: "Cease-fire in the *North* valley".into(),
            kind: Kind::Agreement,
            version: Some(2),
            date: "2026-11-30".into(),
            parties: vec!["Government".into(), "Front | Coalition".into()],
            mediators: vec!["Envoy".into()],
            clauses: vec![
                Clause {
                    issue: "Monitoring".into(),
                    value: "UN observers".into(),
                    wording: Some(
                        "The parties invite “neutral” observers; l’équipe reports weekly.".into(),
                    ),
                },
                Clause {
                    issue: "Prisoners".into(),
                    value: "40".into(),
                    wording: None,
                },
            ],
            history: vec![
                HistoryEntry {
                    version: 1,
                    circulated: "2026-11-28".into(),
                    circulated_by: Some("Envoy".into()),
                    outcome: "rejected".into(),
                },
                HistoryEntry {
                    version: 2,
                    circulated: "2026-11-29".into(),
                    circulated_by: None,
                    outcome: "accepted".into(),
                },
            ],
            phases: Vec::new(),
        }
    }

    #[test]
    fn a_phased_text_shows_its_phases_with_their_statuses() {
        let mut doc = sample();
        doc.phases = vec![
            DocPhase {
                name: "first".into(),
                days: 42,
                status: Some("completed".into()),
                clauses: Some(doc.clauses.clone()),
                open: None,
            },
            DocPhase {
                name: "second".into(),
                days: 30,
                status: Some("pending".into()),
                clauses: None,
                open: Some("To be negotiated: prisoners; talks start from day 16 of first.".into()),
            },
        ];
        let md = crate::to_markdown(&doc);
        assert!(
            md.contains(&format!("## Clauses\n\n{}\n", Document::PHASED_CLAUSES)),
            "{md}"
        );
        assert!(md.contains("## Phases\n\n### Phase 1: first (42 days), completed\n\n- Monitoring: UN observers\n- Prisoners: 40\n\n### Phase 2: second (30 days), pending\n\nTo be negotiated: prisoners; talks start from day 16 of first.\n\n## History"), "{md}");
        assert!(crate::to_pdf(&doc).is_ok());
        // A one-package text is exactly as before.
        assert!(!crate::to_markdown(&sample()).contains("Phases"));
    }

    #[test]
    fn markdown_of_a_hand_built_agreement() {
        let expected = "\
# Cease-fire in the \\*North\\* valley

Agreement: every party accepted draft 2, set out below.

- Date: 2026-11-30
- Version: draft 2
- Parties: Government; Front \\| Coalition
- Mediators: Envoy

## Clauses

### 1. Monitoring: UN observers

The parties invite “neutral” observers; l’équipe reports weekly.

### 2. Prisoners: 40

## History

| Draft | Circulated | Outcome | Circulated by |
|---|---|---|---|
| 1 | 2026-11-28 | rejected | Envoy |
| 2 | 2026-11-29 | accepted |  |

## Signatures

Government (party): signature ______________________________ date ______________

Front \\| Coalition (party): signature ______________________________ date ______________

Envoy (mediator): signature ______________________________ date ______________

---

Prepared with Accord from the text every participant sees. It holds no participant's confidential preferences.
";
        assert_eq!(to_markdown(&sample()), expected);
    }

    #[test]
    fn a_draft_without_history_says_so() {
        let mut d = sample();
        d.kind = Kind::Draft;
        d.version = None;
        d.history.clear();
        d.mediators.clear();
        let md = to_markdown(&d);
        assert!(
            md.contains("Draft for discussion, not yet circulated"),
            "{md}"
        );
        assert!(md.contains("- Version: the scenario's draft (not circulated)"));
        assert!(md.contains("- Mediators: none"));
        assert!(md.contains("No draft has been circulated yet."));
        assert_eq!(d.file_stem(), "cease-fire-in-the-north-valley-draft");
    }

    #[test]
    fn line_starts_that_markdown_would_read_as_structure_are_escaped() {
        let mut d = sample();
        d.clauses[0].wording = Some("1. first\n- second\n# third\nplain".into());
        let md = to_markdown(&d);
        assert!(
            md.contains("1\\. first\n\\- second\n\\# third\nplain\n"),
            "{md}"
        );
    }

    #[test]
    fn dates_from_unix_milliseconds() {
        assert_eq!(date_of_unix_ms(0), "1970-01-01");
        assert_eq!(date_of_unix_ms(951_782_400_000), "2000-02-29");
        assert_eq!(date_of_unix_ms(1_796_083_199_000), "2026-11-30");
        assert_eq!(date_of_unix_ms(-86_400_000), "1969-12-31");
    }

    #[test]
    fn the_pdf_has_pages_and_breaks_long_documents() {
        let short = to_pdf(&sample()).unwrap();
        assert!(short.starts_with(b"%PDF-"));
        assert_eq!(pdf::page_count(&sample()), 1);
        let mut long = sample();
        long.clauses = (0..60)
            .map(|i| Clause {
                issue: format!("Issue {i}"),
                value: "yes".into(),
                wording: Some("A clause long enough to wrap over more than one line of the page, so that the layout has to break lines and, with sixty of them, pages too.".into()),
            })
            .collect();
        assert!(pdf::page_count(&long) >= 3, "{}", pdf::page_count(&long));
        let bytes = to_pdf(&long).unwrap();
        assert!(bytes.starts_with(b"%PDF-"));
    }
}
