//! The `issue=value,issue=value` notation of `--draft` and of outcomes in the text report.
//!
//! The quoting rule (CSV's): a name or value may be written in double quotes, and then `,`, `=`
//! and spaces inside it are part of it; a `"` inside quotes is written twice (`""`). Unquoted
//! names and values are trimmed of surrounding spaces and cannot contain `,`, `=` or `"`. The
//! report quotes exactly the names and values that need it, so any outcome it prints can be
//! pasted back into `--draft`:
//!
//! ```text
//! --draft 'Invitations="Custom, Printed",Food=Catering'
//! --draft 'Motto="Say ""yes""",Food=Catering'
//! ```

use anyhow::{bail, Result};

/// Whether `text` must be quoted to be read back as one name or value.
fn needs_quotes(text: &str) -> bool {
    text.is_empty() || text.contains([',', '=', '"']) || text.trim() != text
}

/// `text` as the notation writes it: as is, or in double quotes with inner quotes doubled.
pub fn quote(text: &str) -> String {
    if needs_quotes(text) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// One `name=value` pair, quoted where needed.
pub fn pair(name: &str, value: &str) -> String {
    format!("{}={}", quote(name), quote(value))
}

/// Reads `issue=value,...` into (issue, value) pairs, in order. Errors say where (character
/// position, from 1) and what was expected.
pub fn parse(text: &str) -> Result<Vec<(String, String)>> {
    let chars: Vec<char> = text.chars().collect();
    let mut pos = 0;
    let mut pairs: Vec<(String, String)> = Vec::new();
    let skip_spaces = |pos: &mut usize| {
        while *pos < chars.len() && chars[*pos].is_whitespace() {
            *pos += 1;
        }
    };
    // One name or value, up to (not including) a character of `stops` outside quotes.
    let token = |pos: &mut usize, stops: &[char], what: &str| -> Result<String> {
        skip_spaces(pos);
        if chars.get(*pos) == Some(&'"') {
            let open = *pos + 1;
            *pos += 1;
            let mut out = String::new();
            loop {
                match chars.get(*pos) {
                    None => bail!(
                        "the quoted {what} opened at character {open} is not closed (a `\"` is missing; write a `\"` inside quotes as `\"\"`)"
                    ),
                    Some('"') if chars.get(*pos + 1) == Some(&'"') => {
                        out.push('"');
                        *pos += 2;
                    }
                    Some('"') => {
                        *pos += 1;
                        break;
                    }
                    Some(&c) => {
                        out.push(c);
                        *pos += 1;
                    }
                }
            }
            skip_spaces(pos);
            match chars.get(*pos) {
                Some(c) if !stops.contains(c) => bail!(
                    "character {}: expected {} after the quoted {what} `{out}`, found `{c}`",
                    *pos + 1,
                    stops
                        .iter()
                        .map(|s| format!("`{s}`"))
                        .collect::<Vec<_>>()
                        .join(" or ")
                ),
                _ => Ok(out),
            }
        } else {
            let start = *pos;
            while *pos < chars.len() && !stops.contains(&chars[*pos]) {
                if chars[*pos] == '"' {
                    bail!(
                        "character {}: a `\"` inside an unquoted {what}; quote the whole {what} (`\"...\"`) and write the `\"` as `\"\"`",
                        *pos + 1
                    );
                }
                *pos += 1;
            }
            Ok(chars[start..*pos]
                .iter()
                .collect::<String>()
                .trim()
                .to_string())
        }
    };
    loop {
        skip_spaces(&mut pos);
        if pos >= chars.len() {
            break;
        }
        if chars[pos] == ',' {
            // An empty item (`a=1,,b=2` or a trailing comma) is skipped.
            pos += 1;
            continue;
        }
        let at = pos + 1;
        let name = token(&mut pos, &['=', ','], "issue name")?;
        if chars.get(pos) != Some(&'=') {
            bail!("character {at}: expected `issue=value`, found `{name}` without `=` (a value containing `,` goes in double quotes: `issue=\"a, b\"`)");
        }
        pos += 1;
        if name.is_empty() {
            bail!("character {at}: an issue name is missing before `=`");
        }
        let value = token(&mut pos, &[','], "value")?;
        if chars.get(pos) == Some(&',') {
            pos += 1;
        }
        if pairs.iter().any(|(n, _)| *n == name) {
            bail!("issue `{name}` is given twice");
        }
        pairs.push((name, value));
    }
    Ok(pairs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Vec<(String, String)> {
        parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn plain_and_quoted_values() {
        assert_eq!(
            p("price = 10 , term=short"),
            pairs(&[("price", "10"), ("term", "short")])
        );
        assert_eq!(
            p(r#"Invitations="Custom, Printed",Food=Catering"#),
            pairs(&[("Invitations", "Custom, Printed"), ("Food", "Catering")])
        );
        // Spaces around quotes are ignored; inside they are kept; `""` is one quote.
        assert_eq!(
            p(r#" "a=b" = " x, y=z " ,  Motto="Say ""yes""" "#),
            pairs(&[("a=b", " x, y=z "), ("Motto", r#"Say "yes""#)])
        );
        assert_eq!(p("a=1,,b=2,"), pairs(&[("a", "1"), ("b", "2")]));
        assert_eq!(p(r#"a="""#), pairs(&[("a", "")]));
        assert!(p("").is_empty());
    }

    #[test]
    fn mistakes_are_named_with_their_position() {
        let e = |t: &str| parse(t).unwrap_err().to_string();
        assert_eq!(
            e(r#"a="Custom, Printed"#),
            "the quoted value opened at character 3 is not closed (a `\"` is missing; write a `\"` inside quotes as `\"\"`)"
        );
        assert_eq!(
            e(r#"a="x"y,b=1"#),
            "character 6: expected `,` after the quoted value `x`, found `y`"
        );
        assert_eq!(
            e(r#"a=say "x""#),
            "character 7: a `\"` inside an unquoted value; quote the whole value (`\"...\"`) and write the `\"` as `\"\"`"
        );
        assert_eq!(
            e("a=1,b"),
            "character 5: expected `issue=value`, found `b` without `=` (a value containing `,` goes in double quotes: `issue=\"a, b\"`)"
        );
        assert_eq!(e("=1"), "character 1: an issue name is missing before `=`");
        assert_eq!(e("a=1,a=2"), "issue `a` is given twice");
    }

    #[test]
    fn what_is_quoted_reads_back() {
        for (name, value) in [
            ("Invitations", "Custom, Printed"),
            ("a=b", "c"),
            ("Motto", r#"Say "yes", "no""#),
            ("x", " padded "),
            ("x", ""),
            ("plain", "Catering"),
        ] {
            let text = format!("{},{}", pair(name, value), pair("z", "1"));
            assert_eq!(p(&text), pairs(&[(name, value), ("z", "1")]), "{text}");
        }
        assert_eq!(quote("Catering"), "Catering");
        assert_eq!(quote("Custom, Printed"), "\"Custom, Printed\"");
        assert_eq!(quote(r#"Say "yes""#), r#""Say ""yes""""#);
    }
}
