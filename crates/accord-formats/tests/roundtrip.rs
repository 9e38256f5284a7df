//! TOML and JSON carry the same schema: a scenario written in one and read back, or written in
//! the other, is the same scenario.

use accord_formats::{parse_scenario, read_scenario, to_json, to_toml, Format};
use std::path::Path;

fn scenarios() -> Vec<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios");
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .expect("scenarios/ exists")
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    v.sort();
    assert!(v.len() >= 3, "expected the shipped scenarios, found {v:?}");
    v
}

#[test]
fn shipped_scenarios_round_trip_through_json_and_toml() {
    for path in scenarios() {
        let s = read_scenario(&path).unwrap_or_else(|e| panic!("{e}"));
        let json = to_json(&s);
        let back = parse_scenario(&json, Format::Json, "export.json")
            .unwrap_or_else(|e| panic!("{e}\n{json}"));
        assert_eq!(back, s, "{}: JSON round trip", path.display());
        let toml = to_toml(&s).expect("TOML export");
        let back = parse_scenario(&toml, Format::Toml, "export.toml")
            .unwrap_or_else(|e| panic!("{e}\n{toml}"));
        assert_eq!(back, s, "{}: TOML round trip", path.display());
    }
}

#[test]
fn numeric_issues_and_functions_parse() {
    let text = r#"
name = "numeric"
[[issues]]
name = "price"
type = "integer"
min = 10
max = 14
[[issues]]
name = "share"
type = "real"
min = 0.0
max = 1.0
resolution = 0.25
[[parties]]
name = "a"
[parties.weights]
price = 0.5
share = 0.5
[parties.scores]
price = { "10" = 0.0, "11" = 0.25, "12" = 0.5, "13" = 0.75, "14" = 1.0 }
share = { type = "triangular", peak = 0.5, at_min = 0.0, at_peak = 1.0, at_max = 0.5 }
[[parties]]
name = "b"
[parties.weights]
price = 1.0
share = 0.0
[parties.scores]
price = { type = "linear", at_min = 1.0, at_max = 0.0 }
share = { type = "linear", at_min = 0.0, at_max = 1.0 }
[draft]
price = 12
share = 0.75
"#;
    let s = parse_scenario(text, Format::Toml, "n.toml").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.space.size_u128().unwrap(), 5 * 5);
    let a = s.parties[0].preferences.as_ref().expect("preferences");
    let b = s.parties[1].preferences.as_ref().expect("preferences");
    // price 12 -> 0.5; share 0.75 -> halfway down from the peak (1.0) to the max (0.5): 0.75.
    let d = s.draft.clone().expect("draft");
    assert_eq!(d.0, vec![2, 3]);
    assert!((a.utility(&s.space, &d) - (0.5 * 0.5 + 0.5 * 0.75)).abs() < 1e-12);
    // Linear from 1 at 10 to 0 at 14: 12 -> 0.5.
    assert!((b.utility(&s.space, &d) - 0.5).abs() < 1e-12);
    let back = parse_scenario(&to_toml(&s).expect("export"), Format::Toml, "x").expect("reparse");
    assert_eq!(back, s);
}

#[test]
fn semantic_errors_point_into_json_too() {
    let text = "{\n  \"name\": \"x\",\n  \"issues\": [{\"name\": \"a\", \"options\": [\"p\", \"q\"]}],\n  \"parties\": [{\"name\": \"s\", \"red_lines\": [\"a = r\"], \"weights\": {\"a\": 1}, \"scores\": {\"a\": {\"p\": 1, \"q\": 0}}}]\n}";
    let e = parse_scenario(text, Format::Json, "x.json").unwrap_err();
    // The column points at `r` inside the rule string.
    assert_eq!(
        e.to_string(),
        "x.json:4:48: parties[0].red_lines[0]: issue `a` has no option `r` (options: p, q)"
    );
}
