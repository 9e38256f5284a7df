//! Reading XML the way GENIUS's forgiving parser does: strict first, and in lenient mode the
//! repairs real ANAC files need, each reported as a warning with its position.

use crate::genius::ReadOptions;
use crate::{FormatError, Warning};

/// Repairs what GENIUS's parser tolerates and a strict XML parser does not: `&` that starts no
/// entity, and a quote closing an attribute followed directly by the next attribute's name.
/// Returns the repaired text and (offset in the original, message) for each repair.
fn repair(text: &str) -> (String, Vec<(usize, String)>) {
    let mut fixes = Vec::new();
    // An XML declaration after a comment (the ANAC 2014 nonlinear profiles): drop it.
    let mut owned;
    let mut text = text;
    if let Some(at) = text.find("<?xml").filter(|&i| i > 0) {
        if let Some(end) = text[at..].find("?>") {
            fixes.push((
                at,
                "XML declaration not at the start of the file: ignored".to_string(),
            ));
            owned = String::with_capacity(text.len());
            owned.push_str(&text[..at]);
            owned.push_str(&" ".repeat(end + 2));
            owned.push_str(&text[at + end + 2..]);
            text = &owned;
        }
    }
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len() + 16);
    let mut in_tag = false;
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match (in_tag, quote) {
            (_, Some(q)) if c == q => {
                quote = None;
                out.push(c as char);
                if b.get(i + 1).is_some_and(|n| n.is_ascii_alphabetic()) {
                    out.push(' ');
                    fixes.push((i + 1, "no whitespace between two attributes".to_string()));
                }
                i += 1;
                continue;
            }
            (true, None) if c == b'"' || c == b'\'' => quote = Some(c),
            (true, None) if c == b'>' => in_tag = false,
            (false, None) if c == b'<' => in_tag = true,
            _ => {}
        }
        if c == b'&' {
            let rest = &text[i + 1..];
            let entity = rest
                .find(';')
                .filter(|&j| j > 0 && j < 10)
                .map(|j| &rest[..j])
                .is_some_and(|e| {
                    matches!(e, "amp" | "lt" | "gt" | "quot" | "apos")
                        || (e.starts_with('#') && e.len() > 1)
                });
            if !entity {
                out.push_str("&amp;");
                fixes.push((i, "unescaped `&` read as `&amp;`".to_string()));
                i += 1;
                continue;
            }
        }
        // Push the whole UTF-8 character.
        let ch_len = text[i..].chars().next().map_or(1, char::len_utf8);
        out.push_str(&text[i..i + ch_len]);
        i += ch_len;
    }
    (out, fixes)
}

/// Parses XML, repairing it first in lenient mode.
pub(crate) fn parse_xml(
    file: &str,
    text: &str,
    opts: ReadOptions,
    warnings: &mut Vec<Warning>,
) -> Result<String, FormatError> {
    match roxmltree::Document::parse(text) {
        Ok(_) => Ok(text.to_string()),
        Err(e) => {
            if opts.lenient {
                let (fixed, fixes) = repair(text);
                if roxmltree::Document::parse(&fixed).is_ok() {
                    let lines = crate::locate::Lines::new(text);
                    for (offset, message) in fixes {
                        let (l, c) = lines.position(offset);
                        warnings.push(Warning {
                            file: file.to_string(),
                            line: Some(l),
                            column: Some(c),
                            message,
                        });
                    }
                    return Ok(fixed);
                }
            }
            let pos = e.pos();
            let hint = if opts.lenient {
                ""
            } else {
                " (GENIUS's own parser may accept it: try --lenient)"
            };
            Err(FormatError {
                file: file.to_string(),
                line: Some(pos.row as usize),
                column: Some(pos.col as usize),
                message: format!("not well-formed XML: {}{hint}", strip_pos(&e.to_string())),
            })
        }
    }
}

fn strip_pos(s: &str) -> String {
    match s.rfind(" at ") {
        Some(i) => s[..i].to_string(),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repair_fixes_ampersands_and_glued_attributes() {
        let (fixed, fixes) = repair("<r><a x=\"AT & T\"/><b type=\"d\"vtype=\"d\">&amp;</b></r>");
        assert_eq!(
            fixed,
            "<r><a x=\"AT &amp; T\"/><b type=\"d\" vtype=\"d\">&amp;</b></r>"
        );
        assert_eq!(fixes.len(), 2);
        assert!(roxmltree::Document::parse(&fixed).is_ok());
    }
}
