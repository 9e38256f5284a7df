//! What a delegate reads, in words (issue 13): rules as sentences from the issues' and options'
//! labels ("Withdrawal must not be full"), typed rules read with the labels people see on
//! screen ("no offensive" for `no_offensive`), and errors about a party's preferences that name
//! the red line, weight or score concerned instead of a path into a scenario document
//! (`parties[1].red_lines[2]`).

use crate::process::Private;
use accord_formats::RedLineDoc;
use accord_model::{label, Issue, IssueKind, ModelError, PathSegment, Rule};

/// A rule as checked for a person: the text to store (names as the rule language spells them)
/// and the sentence it means, or what is wrong with it in words.
#[derive(Debug, Clone, PartialEq)]
pub enum Checked {
    /// The rule compiles.
    Valid {
        /// The rule written with the scenario's names (labels typed in it replaced by names).
        rule: String,
        /// What it says, in words.
        sentence: String,
    },
    /// It does not.
    Invalid {
        /// What is wrong, in words, with the place it was noticed.
        message: String,
        /// The character (1-based) where it was noticed, in the text as typed.
        at: usize,
    },
}

/// Checks a typed rule against the issues. `red_line`: say it as what must hold ("must be")
/// rather than as a condition ("is").
pub fn check_rule(text: &str, issues: &[Issue], red_line: bool) -> Checked {
    let text = text.trim();
    if text.is_empty() {
        return Checked::Invalid {
            message: "Write a rule, for example: withdrawal != full".into(),
            at: 1,
        };
    }
    match Rule::parse(text, issues) {
        Ok(r) => Checked::Valid {
            rule: text.to_string(),
            sentence: r.describe(issues, red_line),
        },
        Err(first) => {
            // Typed with the labels shown on screen ("no offensive", "withdrawal language")?
            let named = with_names(text, issues);
            if named != text {
                if let Ok(r) = Rule::parse(&named, issues) {
                    return Checked::Valid {
                        sentence: r.describe(issues, red_line),
                        rule: named,
                    };
                }
            }
            let at = text[..first.offset.min(text.len())].chars().count() + 1;
            let before = text[..first.offset.min(text.len())].trim_end();
            let place = if before.is_empty() {
                "At the start".to_string()
            } else {
                format!("After “{}”", tail(before, 40))
            };
            Checked::Invalid {
                message: format!("{place}: {}", words(&first.message, issues)),
                at,
            }
        }
    }
}

/// The last `n` characters of `s` (with an ellipsis when cut).
fn tail(s: &str, n: usize) -> String {
    let count = s.chars().count();
    if count <= n {
        s.to_string()
    } else {
        format!("…{}", s.chars().skip(count - n).collect::<String>())
    }
}

/// Every label of an issue or option as shown on screen ("no offensive" for
/// `no_offensive`), matched as whole words and in any case, replaced by the name. Longer labels
/// first, so "withdrawal language" is not read as "withdrawal" followed by "language".
pub fn with_names(text: &str, issues: &[Issue]) -> String {
    let mut pairs: Vec<(String, String)> = Vec::new();
    for issue in issues {
        pairs.push((label(&issue.name), issue.name.clone()));
        if let IssueKind::Discrete { options } = &issue.kind {
            for o in options {
                pairs.push((label(&o.name), o.name.clone()));
            }
        }
    }
    pairs.retain(|(l, _)| l.is_ascii());
    pairs.sort_by_key(|(l, _)| std::cmp::Reverse(l.len()));
    let mut out = text.to_string();
    for (lab, name) in pairs {
        let lower_label = lab.to_ascii_lowercase();
        let mut result = String::with_capacity(out.len());
        let lower = out.to_ascii_lowercase();
        let mut i = 0;
        while let Some(found) = lower[i..].find(&lower_label) {
            let start = i + found;
            let end = start + lower_label.len();
            let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
            if !word(out[..start].chars().next_back()) && !word(out[end..].chars().next()) {
                result.push_str(&out[i..start]);
                result.push_str(&name);
            } else {
                result.push_str(&out[i..end]);
            }
            i = end;
        }
        result.push_str(&out[i..]);
        out = result;
    }
    out
}

/// A message of the rule language or the scenario reader made readable: names in backticks
/// become labels in quotes, names with underscores become labels, and it starts with a capital.
pub fn words(message: &str, issues: &[Issue]) -> String {
    let mut out = String::new();
    let mut rest = message;
    while let Some(open) = rest.find('`') {
        let Some(close) = rest[open + 1..].find('`') else {
            break;
        };
        out.push_str(&rest[..open]);
        out.push('“');
        out.push_str(&label(&rest[open + 1..open + 1 + close]));
        out.push('”');
        rest = &rest[open + close + 2..];
    }
    out.push_str(rest);
    for issue in issues {
        if let IssueKind::Discrete { options } = &issue.kind {
            for o in options.iter().filter(|o| o.name.contains('_')) {
                out = replace_word(&out, &o.name, &label(&o.name));
            }
        }
        if issue.name.contains('_') {
            out = replace_word(&out, &issue.name, &label(&issue.name));
        }
    }
    let out = out.replace("issue “", "“");
    let mut c = out.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => out,
    }
}

fn replace_word(text: &str, from: &str, to: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while let Some(found) = text[i..].find(from) {
        let start = i + found;
        let end = start + from.len();
        let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
        out.push_str(&text[i..start]);
        if !word(text[..start].chars().next_back()) && !word(text[end..].chars().next()) {
            out.push_str(to);
        } else {
            out.push_str(from);
        }
        i = end;
    }
    out.push_str(&text[i..]);
    out
}

/// The rule text of a red line as saved.
pub fn red_line_text(r: &RedLineDoc) -> &str {
    match r {
        RedLineDoc::Rule(t) => t,
        RedLineDoc::Full(f) => &f.rule,
    }
}

/// Each red line and nonlinear term of a party's preferences checked on its own, so that an
/// error names it by its number and text: "Red line 3 (“withdrawal = total”): withdrawal has no
/// option “total” (options: none, partial, full)".
pub fn check_rules_of(p: &Private, issues: &[Issue]) -> Result<(), String> {
    for (k, r) in p.red_lines.iter().enumerate() {
        let text = red_line_text(r);
        if let Checked::Invalid { message, .. } = check_rule(text, issues, true) {
            return Err(format!(
                "Red line {} (“{}”): {}",
                k + 1,
                tail(text, 80),
                lower_first(&message)
            ));
        }
    }
    for (k, t) in p.terms.iter().enumerate() {
        if let Checked::Invalid { message, .. } = check_rule(&t.when, issues, false) {
            return Err(format!(
                "Bonus or penalty {} (when “{}”): {}",
                k + 1,
                tail(&t.when, 80),
                lower_first(&message)
            ));
        }
    }
    Ok(())
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// An error of the scenario reader about one party's preferences, without the path into a
/// scenario document: "the weight of “withdrawal language”: …" rather than
/// `parties[1].weights.withdrawal_language: …`.
pub fn private_error(e: &ModelError, p: &Private, issues: &[Issue]) -> String {
    let mut path: &[PathSegment] = &e.path;
    if let [PathSegment::Key(k), PathSegment::Index(_), rest @ ..] = path {
        if k == "parties" {
            path = rest;
        }
    }
    let key = |s: &PathSegment| match s {
        PathSegment::Key(k) => label(k),
        PathSegment::Index(i) => (i + 1).to_string(),
    };
    let what = match path {
        [] => String::new(),
        [PathSegment::Key(k), PathSegment::Index(i), ..] if k == "red_lines" => {
            let text = p.red_lines.get(*i).map(red_line_text).unwrap_or("");
            format!("Red line {} (“{}”)", i + 1, tail(text, 80))
        }
        [PathSegment::Key(k), PathSegment::Index(i), ..] if k == "terms" => {
            format!("Bonus or penalty {}", i + 1)
        }
        [PathSegment::Key(k), issue] if k == "weights" => format!("The weight of “{}”", key(issue)),
        [PathSegment::Key(k), issue] if k == "scores" => format!("The scores of “{}”", key(issue)),
        [PathSegment::Key(k), issue, value, ..] if k == "scores" => {
            format!("The score of “{}” ({})", key(value), key(issue))
        }
        [PathSegment::Key(k)] if k == "reservation" => "The walk-away point".to_string(),
        other => other.iter().map(key).collect::<Vec<_>>().join(", "),
    };
    let message = words(&e.message, issues);
    if what.is_empty() {
        message
    } else {
        format!("{what}: {}", lower_first(&message))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issues() -> Vec<Issue> {
        let d = Issue::discrete;
        vec![
            d("withdrawal", &["none", "partial", "full"]),
            d("withdrawal_language", &["possibility", "guaranteed"]),
            d("rafah", &["not_addressed", "no_offensive"]),
        ]
    }

    #[test]
    fn labels_typed_in_rules_are_read_as_names() {
        let is = issues();
        let Checked::Valid { rule, sentence } = check_rule("Rafah = no offensive", &is, true)
        else {
            panic!()
        };
        assert_eq!(rule, "rafah = no_offensive");
        assert_eq!(sentence, "Rafah must be no offensive");
        let Checked::Valid { rule, .. } =
            check_rule("withdrawal language != 'guaranteed'", &is, true)
        else {
            panic!()
        };
        assert_eq!(rule, "withdrawal_language != 'guaranteed'");
        // "not addressed" holds the keyword `not`: read as the option's label.
        let Checked::Valid { rule, .. } = check_rule("rafah != not addressed", &is, true) else {
            panic!()
        };
        assert_eq!(rule, "rafah != not_addressed");
    }

    #[test]
    fn errors_are_sentences_without_paths() {
        let Checked::Invalid { message, at } = check_rule("withdrawal = total", &issues(), true)
        else {
            panic!()
        };
        assert_eq!(
            message,
            "After “withdrawal =”: “withdrawal” has no option “total” (options: none, partial, full)"
        );
        assert_eq!(at, 14);
        let Checked::Invalid { message, .. } = check_rule("rafah = maybe", &issues(), true) else {
            panic!()
        };
        assert!(
            message.contains("(options: not addressed, no offensive)"),
            "{message}"
        );
        let p = Private {
            red_lines: vec![
                RedLineDoc::Rule("rafah = no_offensive".into()),
                RedLineDoc::Rule("withdrawal = total".into()),
            ],
            ..Private::default()
        };
        let e = check_rules_of(&p, &issues()).unwrap_err();
        assert!(
            e.starts_with("Red line 2 (“withdrawal = total”): after “withdrawal =”"),
            "{e}"
        );
        assert!(!e.contains("parties["), "{e}");
    }
}
