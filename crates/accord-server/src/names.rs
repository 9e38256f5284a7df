//! Names people read and choose between: accounts, seats, issues and options. A name is kept in
//! Unicode NFC; characters that hide or reorder text (controls, bidi overrides and isolates,
//! zero-width and other invisible format characters) are refused, as are names made only of
//! blanks; names that differ only in case, width or compatibility form (`Alice`, `ALICE`,
//! `Ａｌｉｃｅ`) are the same name: [`key`] is what uniqueness is decided on.

use crate::error::ApiError;
use accord_formats::{OptionDoc, ScenarioDoc};
use unicode_normalization::{is_nfc, UnicodeNormalization};

/// The longest account name, in characters.
pub const ACCOUNT_NAME_MAX: usize = 64;

/// Characters that change the direction of the text around them: a name holding one can show
/// as another name (`U+202E` shows the characters after it right to left).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Characters that show as nothing at all: two names differing only by one look the same.
fn is_hidden(c: char) -> bool {
    matches!(c,
        '\u{00AD}'                    // soft hyphen
        | '\u{034F}'                  // combining grapheme joiner
        | '\u{180E}'                  // Mongolian vowel separator
        | '\u{200B}'..='\u{200D}'     // zero-width space, non-joiner, joiner
        | '\u{2060}'..='\u{2064}'     // word joiner, invisible operators
        | '\u{206A}'..='\u{206F}'     // deprecated format characters
        | '\u{FEFF}'                  // zero-width no-break space (BOM)
        | '\u{FFF9}'..='\u{FFFB}'     // interlinear annotation
        | '\u{E0000}'..='\u{E007F}' // tags
    )
}

/// Characters that may appear in a name but show no mark of their own: a name of only these
/// is blank.
fn is_blank(c: char) -> bool {
    c.is_whitespace()
        || matches!(c,
            '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}' // Hangul fillers
            | '\u{2800}'                                      // braille blank
            | '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}' // variation selectors
        )
}

/// What is wrong with a (NFC, trimmed) name, if anything.
fn problem(name: &str) -> Option<&'static str> {
    if name.is_empty() {
        return Some("it is empty");
    }
    if name.chars().any(char::is_control) {
        return Some("control characters are not allowed");
    }
    if name.chars().any(is_bidi_control) {
        return Some("characters that change the text's direction are not allowed");
    }
    if name.chars().any(is_hidden) {
        return Some("invisible (zero-width) characters are not allowed");
    }
    if name.chars().all(is_blank) {
        return Some("it has no visible character");
    }
    None
}

/// The key two names are compared on: compatibility forms folded (NFKC), lower case, runs of
/// blanks as one space. Two names with one key are one name.
pub fn key(name: &str) -> String {
    let folded: String = name.nfkc().collect::<String>().to_lowercase();
    let words: Vec<&str> = folded.split_whitespace().collect();
    words.join(" ").nfc().collect()
}

/// A new account's name as it will be stored (NFC, trimmed), or why it cannot be one.
pub fn account_name(raw: &str) -> Result<String, ApiError> {
    let name: String = raw.trim().nfc().collect();
    if let Some(why) = problem(&name) {
        return Err(ApiError::invalid(format!(
            "name: {why} (1 to {ACCOUNT_NAME_MAX} visible characters)"
        )));
    }
    if name.chars().count() > ACCOUNT_NAME_MAX {
        return Err(ApiError::invalid(format!(
            "name: at most {ACCOUNT_NAME_MAX} characters"
        )));
    }
    Ok(name)
}

/// Puts every text of a scenario in NFC (names are referred to by red lines, weights and terms:
/// all of them change together), then checks the names of seats, issues and options: none may
/// hide or reorder characters, and none may be another of its kind in other case or form.
pub fn check_scenario(doc: &mut ScenarioDoc) -> Result<(), ApiError> {
    normalise(doc)?;
    let seats: Vec<&str> = doc.parties.iter().map(|p| p.name.as_str()).collect();
    check_all("seat name", &seats)?;
    let issues: Vec<&str> = doc.issues.iter().map(|i| i.name.as_str()).collect();
    check_all("issue name", &issues)?;
    for issue in &doc.issues {
        let options: Vec<&str> = issue
            .options
            .iter()
            .flatten()
            .map(|o| match o {
                OptionDoc::Name(n) => n.as_str(),
                OptionDoc::Full(f) => f.name.as_str(),
            })
            .collect();
        check_all(&format!("option of `{}`", issue.name), &options)?;
    }
    Ok(())
}

/// Each name valid, no two with one key.
fn check_all(what: &str, names: &[&str]) -> Result<(), ApiError> {
    let mut seen = std::collections::HashMap::new();
    for name in names {
        if let Some(why) = problem(name) {
            return Err(ApiError::invalid(format!(
                "{what} `{}`: {why}",
                name.escape_debug()
            )));
        }
        if let Some(other) = seen.insert(key(name), *name) {
            return Err(ApiError::invalid(if other == *name {
                format!("{what} `{}` appears twice", name.escape_debug())
            } else {
                format!(
                    "{what}s `{}` and `{}` differ only in case or form; name them apart",
                    other.escape_debug(),
                    name.escape_debug()
                )
            }));
        }
    }
    Ok(())
}

/// Every string of the document in NFC. Most documents are already: they are left untouched.
fn normalise(doc: &mut ScenarioDoc) -> Result<(), ApiError> {
    fn all_nfc(v: &serde_json::Value) -> bool {
        match v {
            serde_json::Value::String(s) => is_nfc(s),
            serde_json::Value::Array(a) => a.iter().all(all_nfc),
            serde_json::Value::Object(o) => o.iter().all(|(k, v)| is_nfc(k) && all_nfc(v)),
            _ => true,
        }
    }
    fn to_nfc(v: serde_json::Value) -> serde_json::Value {
        use serde_json::Value;
        match v {
            Value::String(s) => Value::String(s.nfc().collect()),
            Value::Array(a) => Value::Array(a.into_iter().map(to_nfc).collect()),
            Value::Object(o) => Value::Object(
                o.into_iter()
                    .map(|(k, v)| (k.nfc().collect(), to_nfc(v)))
                    .collect(),
            ),
            other => other,
        }
    }
    let value = serde_json::to_value(&*doc).map_err(ApiError::internal)?;
    if all_nfc(&value) {
        return Ok(());
    }
    *doc = serde_json::from_value(to_nfc(value))
        .map_err(|e| ApiError::invalid(format!("document in Unicode NFC: {e}")))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_and_reordering_characters_are_refused() {
        for bad in [
            "ab\u{202E}cd",
            "a\u{2067}b",
            "a\u{200B}b",
            "\u{FEFF}x",
            "a\u{2060}",
            "\u{200D}",
            "a\u{0007}b",
            "\u{3164}",
            "\u{2800}\u{2800}",
            "   ",
            "",
        ] {
            assert!(account_name(bad).is_err(), "{}", bad.escape_debug());
        }
        assert_eq!(account_name("  Zoë ").unwrap(), "Zoë");
        // Decomposed (NFD) input is stored composed.
        assert_eq!(account_name("Zoe\u{0308}").unwrap(), "Zo\u{00EB}");
        assert!(account_name("名前").is_ok());
        assert!(account_name(&"a".repeat(65)).is_err());
        assert!(
            account_name(&"é".repeat(64)).is_ok(),
            "characters, not bytes"
        );
    }

    #[test]
    fn keys_fold_case_width_and_form() {
        assert_eq!(key("Alice"), key("ALICE"));
        assert_eq!(key("Alice"), key("Ａｌｉｃｅ"));
        assert_eq!(key("Zoe\u{0308}"), key("ZOË"));
        assert_eq!(key("a  b"), key("a\u{2003}b"));
        assert_ne!(key("alice"), key("alicia"));
    }

    #[test]
    fn scenario_names_are_checked_and_normalised() {
        let text = include_str!("../../../scenarios/trade.toml");
        let mut doc: ScenarioDoc = toml::from_str(text).unwrap();
        assert!(check_scenario(&mut doc.clone()).is_ok());
        let mut twin = doc.clone();
        let first = twin.parties[0].name.to_uppercase();
        twin.parties[1].name = first;
        assert!(check_scenario(&mut twin).is_err());
        let mut bidi = doc.clone();
        bidi.parties[0].name.push('\u{202E}');
        assert!(check_scenario(&mut bidi).is_err());
        doc.description = Some("Zoe\u{0308}".into());
        check_scenario(&mut doc).unwrap();
        assert_eq!(doc.description.as_deref(), Some("Zo\u{00EB}"));
    }
}
