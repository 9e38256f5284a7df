//! The complete example of `docs/scenario-format.md` parses, its JSON twin is the same scenario,
//! and the error messages the page shows are the ones Accord prints.

use accord_formats::{parse_scenario, Format};

fn doc() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/scenario-format.md");
    std::fs::read_to_string(path).expect("docs/scenario-format.md exists")
}

/// The first fenced block of the given language whose body starts with `starts`.
fn block(doc: &str, lang: &str, starts: &str) -> String {
    let fence = format!("```{lang}\n");
    let mut rest = doc;
    while let Some(i) = rest.find(&fence) {
        let body = &rest[i + fence.len()..];
        let end = body.find("\n```").expect("closed block");
        if body.trim_start().starts_with(starts) {
            return body[..end + 1].to_string();
        }
        rest = &body[end..];
    }
    panic!("no ```{lang} block starting with {starts}");
}

#[test]
fn complete_example_parses_in_toml_and_json_alike() {
    let d = doc();
    let toml = block(&d, "toml", "# ");
    let json = block(&d, "json", "{");
    let a = parse_scenario(&toml, Format::Toml, "harbour.toml").unwrap_or_else(|e| panic!("{e}"));
    let b = parse_scenario(&json, Format::Json, "harbour.json").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(a, b);
    assert!(a.draft.is_some());
}

#[test]
fn documented_error_messages_are_exact() {
    let d = doc();
    let toml = block(&d, "toml", "# ");
    let shown = block(&d, "text", "harbour.toml:");
    let edits = [
        ("wage_rise = 0.35", "wage_rise = -0.35"),
        (
            "\"automation != unrestricted\"",
            "\"automation != unrestrictd\"",
        ),
        ("at_peak = 1.0, at_max = 0.8", "at_peak = 1.2, at_max = 0.8"),
        ("discount = 0.9", "discount = 1.5"),
        ("max = 4 ", "max = 0 "),
    ];
    let expected: Vec<&str> = shown.lines().collect();
    assert_eq!(expected.len(), edits.len());
    for ((from, to), want) in edits.iter().zip(expected) {
        assert!(toml.contains(from), "example no longer contains {from}");
        let broken = toml.replacen(from, to, 1);
        let e = parse_scenario(&broken, Format::Toml, "harbour.toml").unwrap_err();
        assert_eq!(e.to_string(), want);
    }
}
