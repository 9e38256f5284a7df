//! The document as Markdown (CommonMark with a GitHub table for the history).

use crate::{Document, FOOTNOTE};
use std::fmt::Write;

/// The document as Markdown. Names and wording are escaped, so no text typed by a participant
/// turns into a heading, a list, a link or a table cell of its own.
pub fn to_markdown(doc: &Document) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", inline(&doc.title));
    let _ = writeln!(out, "{}\n", doc.standing());
    let _ = writeln!(out, "- Date: {}", inline(&doc.date));
    let _ = writeln!(out, "- Version: {}", doc.version_text());
    let _ = writeln!(out, "- Parties: {}", names(&doc.parties));
    let _ = writeln!(out, "- Mediators: {}\n", names(&doc.mediators));

    out.push_str("## Clauses\n\n");
    if !doc.phases.is_empty() {
        let _ = writeln!(out, "{}\n", Document::PHASED_CLAUSES);
    }
    for (i, c) in doc.clauses.iter().enumerate() {
        let _ = writeln!(
            out,
            "### {}. {}: {}\n",
            i + 1,
            inline(&c.issue),
            inline(&c.value)
        );
        if let Some(w) = c.wording.as_deref().filter(|w| !w.trim().is_empty()) {
            let _ = writeln!(out, "{}\n", block(w));
        }
    }

    if !doc.phases.is_empty() {
        // A phased text: the clauses above are the ones in force now (phase 1); each phase
        // says what it fixes or leaves open, and its status once agreed.
        out.push_str("## Phases\n\n");
        for (k, p) in doc.phases.iter().enumerate() {
            let _ = writeln!(out, "### {}\n", inline(&Document::phase_heading(k, p)));
            match (&p.clauses, &p.open) {
                (Some(cs), _) => {
                    for c in cs {
                        let _ = writeln!(out, "- {}: {}", inline(&c.issue), inline(&c.value));
                    }
                    out.push('\n');
                }
                (None, Some(words)) => {
                    let _ = writeln!(out, "{}\n", inline(words));
                }
                (None, None) => {}
            }
        }
    }

    out.push_str("## History\n\n");
    if doc.history.is_empty() {
        out.push_str("No draft has been circulated yet.\n\n");
    } else {
        out.push_str("| Draft | Circulated | Outcome | Circulated by |\n|---|---|---|---|\n");
        for h in &doc.history {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                h.version,
                inline(&h.circulated),
                inline(&h.outcome),
                inline(h.circulated_by.as_deref().unwrap_or(""))
            );
        }
        out.push('\n');
    }

    out.push_str("## Signatures\n\n");
    for (name, role) in signatories(doc) {
        let _ = writeln!(
            out,
            "{} ({role}): signature ______________________________ date ______________\n",
            inline(name)
        );
    }
    let _ = writeln!(out, "---\n\n{FOOTNOTE}");
    out
}

/// Who signs: every party, then every mediator, with the role in words.
pub(crate) fn signatories(doc: &Document) -> impl Iterator<Item = (&str, &'static str)> {
    doc.parties
        .iter()
        .map(|p| (p.as_str(), "party"))
        .chain(doc.mediators.iter().map(|m| (m.as_str(), "mediator")))
}

fn names(list: &[String]) -> String {
    if list.is_empty() {
        "none".into()
    } else {
        list.iter()
            .map(|n| inline(n))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// One line of text: Markdown's active characters escaped, line breaks as spaces.
fn inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '\r' => {}
            '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A paragraph of wording: each line escaped, and a line start that Markdown would read as a
/// list, a heading, a quote or a rule escaped too; line breaks kept.
fn block(text: &str) -> String {
    text.lines()
        .map(|line| {
            let line = inline(line.trim_end());
            let trimmed = line.trim_start();
            let indent = &line[..line.len() - trimmed.len()];
            let digits = trimmed.chars().take_while(char::is_ascii_digit).count();
            if matches!(trimmed.chars().next(), Some('-' | '+' | '=')) {
                format!("{indent}\\{trimmed}")
            } else if digits > 0 && matches!(trimmed[digits..].chars().next(), Some('.' | ')')) {
                format!("{indent}{}\\{}", &trimmed[..digits], &trimmed[digits..])
            } else {
                line
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}
